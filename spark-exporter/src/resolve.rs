//! Which application a Graphite series belongs to.
//!
//! A Graphite path carries the metrics namespace and the executor id, not the application.
//! The REST poller knows each application's id, name, effective `spark.metrics.namespace`
//! (from its environment; the application id when unset) and its executors' addresses.
//! A series `(namespace, executor id)` sent from address `peer` belongs to:
//!
//! 1. the application whose **id** is the namespace (Spark's default namespace);
//! 2. else the one application whose **namespace** (or, failing that, whose name) is the
//!    namespace;
//! 3. when several share it (the contract's constant namespace, several applications at
//!    once), the one whose executor with that id runs at `peer`; on Kubernetes every
//!    executor has its own pod IP, so this tells them apart;
//! 4. else, if exactly one of them is still running, that one.
//!
//! Otherwise the series is exported with `namespace` and `executor_id` only.
//!
//! ```
//! use spark_exporter::resolve::{AppDirectory, KnownApp};
//!
//! let mut dir = AppDirectory::default();
//! dir.replace("http://driver:4040", vec![KnownApp {
//!     id: "app-1".into(), name: "etl".into(), namespace: "sparkci".into(), running: true,
//!     executors: vec![("0".into(), "10.0.0.7".into())],
//! }]);
//! assert_eq!(dir.resolve("sparkci", "0", None).map(|a| a.name.as_str()), Some("etl"));
//! assert_eq!(dir.resolve("app-1", "0", None).map(|a| a.name.as_str()), Some("etl"));
//! assert!(dir.resolve("other", "0", None).is_none());
//! ```

use std::collections::BTreeMap;
use std::net::IpAddr;

/// An application the REST poller knows.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KnownApp {
    /// `spark.app.id`.
    pub id: String,
    /// `spark.app.name`.
    pub name: String,
    /// The namespace its metrics use: `spark.metrics.namespace` with `${spark.app.name}`
    /// and `${spark.app.id}` expanded, or the application id when unset.
    pub namespace: String,
    /// Not completed.
    pub running: bool,
    /// (executor id, host) of its executors, from `hostPort`.
    pub executors: Vec<(String, String)>,
}

/// Every application the pollers know, by the URL that reported it.
#[derive(Debug, Clone, Default)]
pub struct AppDirectory {
    by_source: BTreeMap<String, Vec<KnownApp>>,
}

impl AppDirectory {
    /// Replaces what `source` (a poll target) reports.
    pub fn replace(&mut self, source: &str, apps: Vec<KnownApp>) {
        if apps.is_empty() {
            self.by_source.remove(source);
        } else {
            self.by_source.insert(source.to_string(), apps);
        }
    }

    /// Every known application (an application two sources report appears twice).
    pub fn apps(&self) -> impl Iterator<Item = &KnownApp> {
        self.by_source.values().flatten()
    }

    /// The application a series belongs to (see the module docs), if it is clear.
    pub fn resolve(
        &self,
        namespace: &str,
        executor_id: &str,
        peer: Option<IpAddr>,
    ) -> Option<&KnownApp> {
        if let Some(app) = unique(self.apps().filter(|a| a.id == namespace)) {
            return Some(app);
        }
        let mut candidates: Vec<&KnownApp> =
            dedup(self.apps().filter(|a| a.namespace == namespace));
        if candidates.is_empty() {
            candidates = dedup(self.apps().filter(|a| a.name == namespace));
        }
        match candidates.len() {
            0 => return None,
            1 => return Some(candidates[0]),
            _ => {}
        }
        if let Some(peer) = peer {
            let at_peer: Vec<&KnownApp> = candidates
                .iter()
                .copied()
                .filter(|a| {
                    a.executors
                        .iter()
                        .any(|(id, host)| id == executor_id && same_host(host, peer))
                })
                .collect();
            if at_peer.len() == 1 {
                return Some(at_peer[0]);
            }
            if at_peer.len() > 1 {
                candidates = at_peer;
            }
        }
        let running: Vec<&KnownApp> = candidates.into_iter().filter(|a| a.running).collect();
        (running.len() == 1).then(|| running[0])
    }
}

/// The one item, ignoring duplicates of one application id.
fn unique<'a>(it: impl Iterator<Item = &'a KnownApp>) -> Option<&'a KnownApp> {
    let all = dedup(it);
    (all.len() == 1).then(|| all[0])
}

/// One entry per application id (several sources may report one application).
fn dedup<'a>(it: impl Iterator<Item = &'a KnownApp>) -> Vec<&'a KnownApp> {
    let mut out: Vec<&KnownApp> = Vec::new();
    for app in it {
        if !out.iter().any(|a| a.id == app.id) {
            out.push(app);
        }
    }
    out
}

/// Whether `host` (from a `hostPort`, an IP or a name) is `peer`.
fn same_host(host: &str, peer: IpAddr) -> bool {
    let host = host.trim_start_matches('[').trim_end_matches(']');
    match host.parse::<IpAddr>() {
        Ok(ip) => canonical(ip) == canonical(peer),
        Err(_) => false,
    }
}

fn canonical(ip: IpAddr) -> IpAddr {
    match ip {
        IpAddr::V6(v6) => v6
            .to_ipv4_mapped()
            .map(IpAddr::V4)
            .unwrap_or(IpAddr::V6(v6)),
        v4 => v4,
    }
}

/// The host of a `hostPort` (`10.0.0.7:34567`, `[::1]:34567`, `host:34567`).
///
/// ```
/// use spark_exporter::resolve::host_of;
/// assert_eq!(host_of("10.0.0.7:34567"), "10.0.0.7");
/// assert_eq!(host_of("[::1]:34567"), "::1");
/// assert_eq!(host_of("node-3"), "node-3");
/// ```
pub fn host_of(host_port: &str) -> &str {
    if let Some(rest) = host_port.strip_prefix('[') {
        return rest.split(']').next().unwrap_or(rest);
    }
    match host_port.rsplit_once(':') {
        Some((host, port)) if port.bytes().all(|b| b.is_ascii_digit()) && !host.contains(':') => {
            host
        }
        _ => host_port,
    }
}

/// The namespace an application's metrics use, from its `spark.metrics.namespace`
/// property (`None` when unset).
///
/// ```
/// use spark_exporter::resolve::effective_namespace;
/// assert_eq!(effective_namespace(Some("${spark.app.name}"), "app-1", "etl"), "etl");
/// assert_eq!(effective_namespace(Some("spark"), "app-1", "etl"), "spark");
/// assert_eq!(effective_namespace(None, "app-1", "etl"), "app-1");
/// ```
pub fn effective_namespace(property: Option<&str>, app_id: &str, app_name: &str) -> String {
    match property {
        Some(p) if !p.trim().is_empty() => p
            .replace("${spark.app.name}", app_name)
            .replace("${spark.app.id}", app_id),
        _ => app_id.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn app(id: &str, ns: &str, running: bool, execs: &[(&str, &str)]) -> KnownApp {
        KnownApp {
            id: id.into(),
            name: format!("name-{id}"),
            namespace: ns.into(),
            running,
            executors: execs
                .iter()
                .map(|(a, b)| (a.to_string(), b.to_string()))
                .collect(),
        }
    }

    #[test]
    fn shared_namespace_is_told_apart_by_executor_address() {
        let mut dir = AppDirectory::default();
        dir.replace(
            "a",
            vec![
                app(
                    "app-1",
                    "spark",
                    true,
                    &[("1", "10.0.0.1"), ("2", "10.0.0.2")],
                ),
                app("app-2", "spark", true, &[("1", "10.0.0.3")]),
            ],
        );
        let ip = |s: &str| Some(s.parse::<IpAddr>().unwrap());
        assert_eq!(
            dir.resolve("spark", "1", ip("10.0.0.3")).unwrap().id,
            "app-2"
        );
        assert_eq!(
            dir.resolve("spark", "1", ip("10.0.0.1")).unwrap().id,
            "app-1"
        );
        assert_eq!(
            dir.resolve("spark", "1", ip("::ffff:10.0.0.1")).unwrap().id,
            "app-1"
        );
        // Unknown address, two running: not clear.
        assert!(dir.resolve("spark", "1", ip("10.9.9.9")).is_none());
        assert!(dir.resolve("spark", "1", None).is_none());
    }

    #[test]
    fn one_running_wins_among_finished_ones() {
        let mut dir = AppDirectory::default();
        dir.replace(
            "a",
            vec![
                app("app-1", "spark", false, &[]),
                app("app-2", "spark", true, &[]),
            ],
        );
        assert_eq!(dir.resolve("spark", "0", None).unwrap().id, "app-2");
    }

    #[test]
    fn the_same_app_from_two_sources_is_one_app() {
        let mut dir = AppDirectory::default();
        dir.replace("ui", vec![app("app-1", "spark", true, &[])]);
        dir.replace("history", vec![app("app-1", "spark", true, &[])]);
        assert_eq!(dir.resolve("spark", "0", None).unwrap().id, "app-1");
        dir.replace("ui", vec![]);
        assert_eq!(dir.apps().count(), 1);
    }
}
