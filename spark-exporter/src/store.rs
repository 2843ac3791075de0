//! The Graphite series: latest value per path, bounded, with expiry.
//!
//! The hot path is one hash lookup by the raw path bytes: a path seen before is updated in
//! place without parsing it again. A new path is classified once; exported paths become
//! series (up to `max_series`, then dropped and counted), ignored paths are remembered
//! (up to `max_ignored_paths`) so that the lines of sources the exporter does not export
//! cost no more than the others.
//!
//! ```
//! use spark_exporter::store::{Applied, Limits, Store};
//! use spark_exporter::resolve::AppDirectory;
//!
//! let mut store = Store::new(Limits { max_series: 10, max_ignored_paths: 10 });
//! assert_eq!(store.apply(b"ns.0.executor.runTime.count", 1500.0, None, 0), Applied::Inserted);
//! assert_eq!(store.apply(b"ns.0.executor.runTime.count", 2500.0, None, 1), Applied::Updated);
//! assert_eq!(store.apply(b"ns.0.CodeGenerator.compilationTime.p99", 1.0, None, 1), Applied::Ignored);
//! let text = store.render_to_string(&AppDirectory::default());
//! assert!(text.contains("spark_executor_run_seconds_total{namespace=\"ns\",executor_id=\"0\"} 2.5\n"));
//! ```

use std::net::IpAddr;
use std::sync::Arc;

use rustc_hash::{FxBuildHasher, FxHashMap};

use crate::exposition::{escape_label_value, write_value, Exposition};
use crate::graphite::{classify, Classified, FAMILIES};
use crate::resolve::AppDirectory;

/// Caps that keep memory bounded whatever arrives.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// Series exported at most; lines of new series beyond it are dropped and counted.
    pub max_series: usize,
    /// Paths of ignored sources remembered at most (beyond, they are classified per line).
    pub max_ignored_paths: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Self {
            max_series: 100_000,
            max_ignored_paths: 100_000,
        }
    }
}

/// What [`Store::apply`] did with a line.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Applied {
    /// An existing series got a new value.
    Updated,
    /// A new series.
    Inserted,
    /// A path the exporter does not export.
    Ignored,
    /// A new series over `max_series`.
    Dropped,
}

/// The application labels of an origin, once resolved.
type AppLabels = (Arc<str>, Arc<str>);

/// One (namespace, executor id): one executor JVM of one application.
#[derive(Debug)]
struct Origin {
    namespace: Box<str>,
    executor_id: Box<str>,
    peer: Option<IpAddr>,
    /// Seconds (the caller's clock) of the last line.
    updated: u64,
    series: u32,
    resolved: Option<AppLabels>,
}

#[derive(Debug)]
struct Series {
    origin: u32,
    family: u16,
    labels: &'static [(&'static str, &'static str)],
    dynamic: Option<(&'static str, Box<str>)>,
    /// In the base unit (seconds, bytes).
    value: f64,
    divisor: f64,
    updated: u64,
}

#[derive(Debug)]
enum Slot {
    Series(Series),
    Ignored,
}

type Map<K, V> = FxHashMap<K, V>;

/// The series store. Not synchronised: the exporter wraps it in a mutex and applies a
/// batch of lines per lock.
#[derive(Debug)]
pub struct Store {
    paths: Map<Box<[u8]>, Slot>,
    origins: Vec<Option<Origin>>,
    free_origins: Vec<u32>,
    origin_index: Map<(Box<str>, Box<str>), u32>,
    series: usize,
    ignored: usize,
    limits: Limits,
    /// Lines whose (namespace, executor id) came from another address than the last one
    /// shortly before: two applications share a namespace.
    conflicts: u64,
}

/// Seconds within which a second address for one (namespace, executor id) is a conflict.
const CONFLICT_WINDOW: u64 = 60;

impl Store {
    /// An empty store.
    pub fn new(limits: Limits) -> Self {
        Self {
            paths: Map::with_capacity_and_hasher(1024, FxBuildHasher),
            origins: Vec::new(),
            free_origins: Vec::new(),
            origin_index: Map::default(),
            series: 0,
            ignored: 0,
            limits,
            conflicts: 0,
        }
    }

    /// Series held now.
    pub fn series(&self) -> usize {
        self.series
    }

    /// Ignored paths remembered now.
    pub fn ignored_paths(&self) -> usize {
        self.ignored
    }

    /// The limits.
    pub fn limits(&self) -> Limits {
        self.limits
    }

    /// Lines so far whose executor was reported from two addresses (see the README).
    pub fn conflicts(&self) -> u64 {
        self.conflicts
    }

    /// Applies one line: `path` with `value` (in Spark's unit) from `peer` at `now`
    /// (seconds on any monotonic clock, used for expiry).
    #[inline]
    pub fn apply(&mut self, path: &[u8], value: f64, peer: Option<IpAddr>, now: u64) -> Applied {
        match self.paths.get_mut(path) {
            Some(Slot::Series(s)) => {
                s.value = value / s.divisor;
                s.updated = now;
                let origin = s.origin;
                self.touch_origin(origin, peer, now);
                Applied::Updated
            }
            Some(Slot::Ignored) => Applied::Ignored,
            None => self.insert(path, value, peer, now),
        }
    }

    #[inline]
    fn touch_origin(&mut self, origin: u32, peer: Option<IpAddr>, now: u64) {
        if let Some(Some(o)) = self.origins.get_mut(origin as usize) {
            if peer.is_some() && o.peer != peer {
                if o.peer.is_some() && now.saturating_sub(o.updated) < CONFLICT_WINDOW {
                    self.conflicts += 1;
                }
                o.peer = peer;
                // Another JVM now: resolve again.
                o.resolved = None;
            }
            o.updated = now;
        }
    }

    #[cold]
    fn insert(&mut self, path: &[u8], value: f64, peer: Option<IpAddr>, now: u64) -> Applied {
        match classify(path) {
            Classified::Ignored(_) => {
                if self.ignored < self.limits.max_ignored_paths {
                    self.paths.insert(path.into(), Slot::Ignored);
                    self.ignored += 1;
                }
                Applied::Ignored
            }
            Classified::Series(key) => {
                if self.series >= self.limits.max_series {
                    return Applied::Dropped;
                }
                let origin = self.origin_for(&key.namespace, &key.executor_id, peer, now);
                let dynamic = match (key.metric.dynamic_label, key.dynamic_value) {
                    (Some(name), Some(v)) => Some((name, v.into_boxed_str())),
                    _ => None,
                };
                self.paths.insert(
                    path.into(),
                    Slot::Series(Series {
                        origin,
                        family: key.metric.family,
                        labels: key.metric.labels,
                        dynamic,
                        value: value / key.metric.divisor,
                        divisor: key.metric.divisor,
                        updated: now,
                    }),
                );
                self.series += 1;
                Applied::Inserted
            }
        }
    }

    fn origin_for(
        &mut self,
        namespace: &str,
        executor_id: &str,
        peer: Option<IpAddr>,
        now: u64,
    ) -> u32 {
        let key: (Box<str>, Box<str>) = (namespace.into(), executor_id.into());
        if let Some(&i) = self.origin_index.get(&key) {
            if let Some(Some(o)) = self.origins.get_mut(i as usize) {
                o.series += 1;
            }
            self.touch_origin(i, peer, now);
            return i;
        }
        let origin = Origin {
            namespace: key.0.clone(),
            executor_id: key.1.clone(),
            peer,
            updated: now,
            series: 1,
            resolved: None,
        };
        let i = match self.free_origins.pop() {
            Some(i) => {
                self.origins[i as usize] = Some(origin);
                i
            }
            None => {
                self.origins.push(Some(origin));
                (self.origins.len() - 1) as u32
            }
        };
        self.origin_index.insert(key, i);
        i
    }

    /// Removes series not updated since `now - ttl` and forgets the ignored paths (they
    /// are learned again from the next lines). Returns how many series went.
    pub fn expire(&mut self, now: u64, ttl: u64) -> usize {
        let cutoff = now.saturating_sub(ttl);
        let mut removed = 0;
        let mut emptied = Vec::new();
        let origins = &mut self.origins;
        self.paths.retain(|_, slot| match slot {
            Slot::Ignored => false,
            Slot::Series(s) if s.updated < cutoff => {
                removed += 1;
                if let Some(Some(o)) = origins.get_mut(s.origin as usize) {
                    o.series -= 1;
                    if o.series == 0 {
                        emptied.push(s.origin);
                    }
                }
                false
            }
            Slot::Series(_) => true,
        });
        self.ignored = 0;
        self.series -= removed;
        for i in emptied {
            if let Some(o) = self.origins[i as usize].take() {
                self.origin_index.remove(&(o.namespace, o.executor_id));
                self.free_origins.push(i);
            }
        }
        self.paths.shrink_to(self.paths.len() * 2);
        removed
    }

    /// Resolves the application of every origin not resolved yet (sticky once resolved,
    /// so an executor keeps its labels after its application leaves the REST API).
    fn resolve(&mut self, dir: &AppDirectory) {
        for o in self.origins.iter_mut().flatten() {
            if o.resolved.is_none() {
                if let Some(app) = dir.resolve(&o.namespace, &o.executor_id, o.peer) {
                    o.resolved = Some((app.id.as_str().into(), app.name.as_str().into()));
                }
            }
        }
    }

    /// Writes every series, grouped by family with `# HELP`/`# TYPE`, sorted within a
    /// family. Labels: `application_id` and `application_name` when resolved,
    /// `namespace`, `executor_id`, then the metric's own (`location`, `scheme`).
    pub fn render(&mut self, dir: &AppDirectory, out: &mut Exposition) {
        self.resolve(dir);
        let mut by_family: Vec<Vec<String>> = vec![Vec::new(); FAMILIES.len()];
        for slot in self.paths.values() {
            let Slot::Series(s) = slot else { continue };
            let Some(Some(o)) = self.origins.get(s.origin as usize) else {
                continue;
            };
            let family = &FAMILIES[s.family as usize];
            let mut line = String::with_capacity(160);
            line.push_str(family.name);
            line.push('{');
            if let Some((id, name)) = &o.resolved {
                push_label(&mut line, "application_id", id);
                line.push(',');
                push_label(&mut line, "application_name", name);
                line.push(',');
            }
            push_label(&mut line, "namespace", &o.namespace);
            line.push(',');
            push_label(&mut line, "executor_id", &o.executor_id);
            for (k, v) in s.labels {
                line.push(',');
                push_label(&mut line, k, v);
            }
            if let Some((k, v)) = &s.dynamic {
                line.push(',');
                push_label(&mut line, k, v);
            }
            line.push_str("} ");
            write_value(s.value, &mut line);
            line.push('\n');
            by_family[s.family as usize].push(line);
        }
        for (family, mut lines) in FAMILIES.iter().zip(by_family) {
            if lines.is_empty() {
                continue;
            }
            lines.sort_unstable();
            out.family(family.name, family.help, family.kind);
            for l in &lines {
                out.raw(l);
            }
        }
    }

    /// [`Store::render`] into a new string.
    pub fn render_to_string(&mut self, dir: &AppDirectory) -> String {
        let mut out = Exposition::new();
        self.render(dir, &mut out);
        out.finish()
    }
}

fn push_label(line: &mut String, name: &str, value: &str) {
    line.push_str(name);
    line.push_str("=\"");
    escape_label_value(value, line);
    line.push('"');
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::resolve::KnownApp;

    #[test]
    fn caps_hold_and_drops_are_reported() {
        let mut store = Store::new(Limits {
            max_series: 3,
            max_ignored_paths: 2,
        });
        for i in 0..5 {
            let path = format!("ns.{i}.executor.runTime.count");
            let want = if i < 3 {
                Applied::Inserted
            } else {
                Applied::Dropped
            };
            assert_eq!(store.apply(path.as_bytes(), 1.0, None, 0), want);
        }
        for i in 0..5 {
            let path = format!("ns.{i}.CodeGenerator.x");
            assert_eq!(store.apply(path.as_bytes(), 1.0, None, 0), Applied::Ignored);
        }
        assert_eq!((store.series(), store.ignored_paths()), (3, 2));
        // Existing series keep updating at the cap.
        assert_eq!(
            store.apply(b"ns.0.executor.runTime.count", 2.0, None, 1),
            Applied::Updated
        );
    }

    #[test]
    fn expiry_frees_series_and_origins() {
        let mut store = Store::new(Limits::default());
        store.apply(b"a.0.executor.runTime.count", 1.0, None, 0);
        store.apply(b"a.0.executor.cpuTime.count", 1.0, None, 0);
        store.apply(b"a.1.executor.runTime.count", 1.0, None, 50);
        assert_eq!(store.expire(100, 60), 2);
        assert_eq!(store.series(), 1);
        assert_eq!(store.origin_index.len(), 1);
        // The freed origin slot is reused.
        store.apply(b"b.0.executor.runTime.count", 1.0, None, 100);
        assert_eq!(store.origins.len(), 2);
        let text = store.render_to_string(&AppDirectory::default());
        assert!(text.contains("namespace=\"b\""), "{text}");
        assert!(
            !text.contains("namespace=\"a\",executor_id=\"0\""),
            "{text}"
        );
    }

    #[test]
    fn resolved_series_carry_application_labels() {
        let mut store = Store::new(Limits::default());
        store.apply(
            b"sparkci.1.executor.shuffleRemoteBytesRead.count",
            42.0,
            None,
            0,
        );
        store.apply(
            b"sparkci.1.executor.filesystem.file.read_bytes",
            7.0,
            None,
            0,
        );
        let mut dir = AppDirectory::default();
        dir.replace(
            "ui",
            vec![KnownApp {
                id: "app-1".into(),
                name: "a \"quoted\" name".into(),
                namespace: "sparkci".into(),
                running: true,
                executors: vec![],
            }],
        );
        let text = store.render_to_string(&dir);
        assert!(text.contains(
            "spark_executor_shuffle_read_bytes_total{application_id=\"app-1\",application_name=\"a \\\"quoted\\\" name\",namespace=\"sparkci\",executor_id=\"1\",location=\"remote\"} 42\n"
        ), "{text}");
        assert!(text.contains("scheme=\"file\"} 7\n"), "{text}");
        assert_eq!(
            text.matches("# TYPE spark_executor_shuffle_read_bytes_total counter")
                .count(),
            1
        );
    }

    #[test]
    fn a_second_address_for_one_executor_is_a_conflict() {
        let mut store = Store::new(Limits::default());
        let a = Some("10.0.0.1".parse().unwrap());
        let b = Some("10.0.0.2".parse().unwrap());
        store.apply(b"spark.1.executor.runTime.count", 1.0, a, 0);
        store.apply(b"spark.1.executor.runTime.count", 1.0, a, 1);
        assert_eq!(store.conflicts(), 0);
        store.apply(b"spark.1.executor.runTime.count", 1.0, b, 2);
        assert_eq!(store.conflicts(), 1);
        // Long after: a new executor JVM reusing the id is not a conflict.
        store.apply(b"spark.1.executor.runTime.count", 1.0, a, 1000);
        assert_eq!(store.conflicts(), 1);
    }
}
