//! A semantic diff of dashboards, per dashboard and per panel.
//!
//! Panels are matched by id. Our ids are hashes of panel keys, so they survive reordering:
//! a panel that changed row or order shows as *moved*, not as removed and added. Queries
//! are compared whole (the full PromQL before and after), units, thresholds, variables
//! and links in words, and everything else as JSON paths, so no change goes unreported.
//! Both sides are [normalised](crate::content::normalize) first: server-managed fields
//! never show up as changes.
//!
//! Each side is read into [`DashboardModel`], and the structure comes from the model:
//! which panels there are and where ([`DashboardModel::panels`], the model's one panel
//! walk), which queries by `refId`, which variables, annotations and links by name, and
//! the units. Field values are compared on the JSON each model item was read from,
//! because Grafana stores fields the model does not hold (and the model reads some
//! shapes into a closer one): a change in any of them is still drift to report. A side
//! that does not read as a dashboard is a [`DiffError`] naming it.
//!
//! - [`panels`]: where each panel sits, matching, moves, and each panel's changes.
//! - [`named`]: lists matched by name (variables, annotations, links).
//! - [`values`]: remaining differences as JSON paths, and values in words.

mod named;
mod panels;
mod values;

use std::collections::{BTreeMap, BTreeSet};

use dashboard_model::{DashboardModel, ReadError};
use serde_json::Value;

use crate::content::normalize;
use named::{annotations, dashboard_links, diff_links, diff_named, variables};
use values::{generic, is_long, list_of, show_opt};

/// One dashboard on one side of a diff.
#[derive(Debug, Clone, PartialEq)]
pub struct DiffDoc {
    /// The uid, the key dashboards are matched by.
    pub uid: String,
    /// The folder title, `None` for the root folder.
    pub folder: Option<String>,
    /// The dashboard JSON.
    pub json: Value,
}

/// Added, removed or changed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Status {
    /// Only on the new side.
    Added,
    /// Only on the old side.
    Removed,
    /// On both, different.
    Changed,
}

/// One difference, in words.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Change {
    /// What changed: `title`, `unit`, `query A`, `variable $app`, `moved`, a JSON path…
    pub what: String,
    /// The old value, `None` when it was added.
    pub before: Option<String>,
    /// The new value, `None` when it was removed.
    pub after: Option<String>,
    /// Render as a `-`/`+` block (queries) rather than `before → after` on one line.
    pub block: bool,
}

impl Change {
    fn inline(what: impl Into<String>, before: Option<String>, after: Option<String>) -> Self {
        let block = before.as_deref().is_some_and(is_long) || after.as_deref().is_some_and(is_long);
        Change {
            what: what.into(),
            before,
            after,
            block,
        }
    }

    fn block(what: impl Into<String>, before: Option<String>, after: Option<String>) -> Self {
        Change {
            what: what.into(),
            before,
            after,
            block: true,
        }
    }

    fn note(what: impl Into<String>) -> Self {
        Change {
            what: what.into(),
            before: None,
            after: None,
            block: false,
        }
    }
}

/// A panel (or row) that differs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PanelDiff {
    /// The panel id both sides share.
    pub id: i64,
    /// Its title (the new one when it changed).
    pub title: String,
    /// Its type: `timeseries`, `stat`, `row`…
    pub kind: String,
    /// Added, removed or changed.
    pub status: Status,
    /// Where it is: `row "GC"`, or `top` above the first row.
    pub location: String,
    /// What changed, for changed panels.
    pub changes: Vec<Change>,
}

/// A dashboard that differs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DashboardDiff {
    /// The uid.
    pub uid: String,
    /// The title (the new one when it changed).
    pub title: String,
    /// Added, removed or changed.
    pub status: Status,
    /// Dashboard-level changes: title, folder, variables, links, settings.
    pub changes: Vec<Change>,
    /// Panel-level changes, in the new layout's order, removed panels last.
    pub panels: Vec<PanelDiff>,
    /// Panels (rows excluded) on the side that has the dashboard, for added/removed.
    pub panel_count: usize,
}

/// The diff of two sets of dashboards.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct SetDiff {
    /// Every dashboard that differs, by uid.
    pub dashboards: Vec<DashboardDiff>,
    /// How many are on both sides and equal.
    pub unchanged: usize,
}

impl SetDiff {
    /// Whether anything differs: decides the exit code, like `git diff --exit-code`.
    pub fn has_changes(&self) -> bool {
        !self.dashboards.is_empty()
    }

    /// (changed, added, removed).
    pub fn counts(&self) -> (usize, usize, usize) {
        let n = |s| self.dashboards.iter().filter(|d| d.status == s).count();
        (n(Status::Changed), n(Status::Added), n(Status::Removed))
    }
}

/// Which side of a diff a dashboard came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DiffSide {
    /// The base: Grafana, a git revision or a directory (for push's drift, the build).
    Old,
    /// What is compared with it: the build (for push's drift, Grafana).
    New,
}

/// A dashboard that could not be diffed because its JSON does not read as a dashboard.
///
/// ```
/// use dashboard_sync::diff::{diff_sets, DiffDoc, DiffSide};
/// use serde_json::json;
/// let bad = DiffDoc { uid: "gc".into(), folder: None, json: json!({"uid": "gc", "title": "GC", "panels": [{"id": "seven"}]}) };
/// let e = diff_sets(&[bad], &[]).unwrap_err();
/// assert_eq!(e.side, DiffSide::Old);
/// assert!(e.to_string().starts_with(r#"cannot diff: on the old side, dashboard gc ("GC") does not read"#), "{e}");
/// ```
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("cannot diff: on the {} side, {error}", match side { DiffSide::Old => "old", DiffSide::New => "new" })]
pub struct DiffError {
    /// The side it came from.
    pub side: DiffSide,
    /// What did not read, naming the dashboard, the panel or variable, and the field.
    pub error: ReadError,
}

/// One side, normalised, and the model read from it.
struct Side {
    json: Value,
    model: DashboardModel,
}

impl Side {
    fn read(doc: &DiffDoc, side: DiffSide) -> Result<Side, DiffError> {
        Side::from_normalized(normalize(&doc.json), doc, side)
    }

    fn from_normalized(json: Value, doc: &DiffDoc, side: DiffSide) -> Result<Side, DiffError> {
        match DashboardModel::from_json(&json) {
            Ok(model) => Ok(Side { json, model }),
            Err(mut error) => {
                // A file or an API answer may leave the uid out; the doc always has it.
                if json
                    .get("uid")
                    .and_then(Value::as_str)
                    .unwrap_or("")
                    .is_empty()
                {
                    error.uid = doc.uid.clone();
                }
                Err(DiffError { side, error })
            }
        }
    }
}

/// Diffs two sets of dashboards, matched by uid. `old` is the base (a git revision, a
/// directory or Grafana), `new` what is built now. An error when a dashboard that
/// differs does not read as a Grafana dashboard.
///
/// ```
/// use dashboard_sync::diff::{diff_sets, DiffDoc, Status};
/// use serde_json::json;
/// let old = vec![DiffDoc { uid: "a".into(), folder: None, json: json!({"uid": "a", "title": "A", "panels": [
///     {"id": 1, "type": "stat", "title": "Tasks", "gridPos": {"x": 0, "y": 0, "w": 6, "h": 4},
///      "targets": [{"refId": "A", "expr": "sum(tasks)"}]}]}) }];
/// let mut new = old.clone();
/// new[0].json["panels"][0]["targets"][0]["expr"] = json!("sum(tasks) by (app)");
/// let d = diff_sets(&old, &new).unwrap();
/// assert_eq!(d.dashboards[0].status, Status::Changed);
/// let change = &d.dashboards[0].panels[0].changes[0];
/// assert_eq!(change.what, "query A");
/// assert_eq!(change.after.as_deref(), Some("sum(tasks) by (app)"));
/// assert!(diff_sets(&old, &old).unwrap().dashboards.is_empty());
/// ```
pub fn diff_sets(old: &[DiffDoc], new: &[DiffDoc]) -> Result<SetDiff, DiffError> {
    let old_by: BTreeMap<&str, &DiffDoc> = old.iter().map(|d| (d.uid.as_str(), d)).collect();
    let new_by: BTreeMap<&str, &DiffDoc> = new.iter().map(|d| (d.uid.as_str(), d)).collect();
    let uids: BTreeSet<&str> = old_by.keys().chain(new_by.keys()).copied().collect();
    let mut out = SetDiff::default();
    for uid in uids {
        match (old_by.get(uid), new_by.get(uid)) {
            (Some(o), Some(n)) => match diff_dashboard(o, n)? {
                Some(d) => out.dashboards.push(d),
                None => out.unchanged += 1,
            },
            (None, Some(n)) => out.dashboards.push(whole(n, DiffSide::New)?),
            (Some(o), None) => out.dashboards.push(whole(o, DiffSide::Old)?),
            (None, None) => {}
        }
    }
    Ok(out)
}

/// A dashboard on one side only: added (every panel listed) or removed.
fn whole(doc: &DiffDoc, side: DiffSide) -> Result<DashboardDiff, DiffError> {
    let s = Side::read(doc, side)?;
    let placed = panels::place(&s);
    let (status, panel_diffs) = match side {
        DiffSide::New => (
            Status::Added,
            placed.iter().map(|p| p.unmatched(Status::Added)).collect(),
        ),
        DiffSide::Old => (Status::Removed, Vec::new()),
    };
    Ok(DashboardDiff {
        uid: doc.uid.clone(),
        title: s.model.title.clone(),
        status,
        changes: Vec::new(),
        panel_count: panels::count(&placed),
        panels: panel_diffs,
    })
}

/// The diff of one dashboard, `None` when the two are the same content. Equal content
/// is not read further; content that differs must read as a dashboard on both sides.
///
/// ```
/// use dashboard_sync::diff::{diff_dashboard, DiffDoc};
/// use serde_json::json;
/// let a = DiffDoc { uid: "a".into(), folder: Some("Spark".into()), json: json!({"uid": "a", "title": "A", "version": 3}) };
/// let mut b = a.clone();
/// b.json["version"] = json!(4); // server-managed: not a change
/// assert!(diff_dashboard(&a, &b).unwrap().is_none());
/// b.folder = Some("Other".into());
/// assert_eq!(diff_dashboard(&a, &b).unwrap().unwrap().changes[0].what, "folder");
/// ```
pub fn diff_dashboard(old: &DiffDoc, new: &DiffDoc) -> Result<Option<DashboardDiff>, DiffError> {
    let (o, n) = (normalize(&old.json), normalize(&new.json));
    let mut changes = Vec::new();
    if old.folder != new.folder {
        changes.push(Change::inline(
            "folder",
            Some(old.folder.clone().unwrap_or_else(|| "(root)".into())),
            Some(new.folder.clone().unwrap_or_else(|| "(root)".into())),
        ));
    }
    if o == n && changes.is_empty() {
        return Ok(None);
    }
    let o = Side::from_normalized(o, old, DiffSide::Old)?;
    let n = Side::from_normalized(n, new, DiffSide::New)?;
    dashboard_changes(&mut changes, &o, &n);
    let panels = panels::diff_panels(&o, &n, &mut changes);
    if changes.is_empty() && panels.is_empty() {
        return Ok(None);
    }
    Ok(Some(DashboardDiff {
        uid: new.uid.clone(),
        title: n.model.title.clone(),
        status: Status::Changed,
        changes,
        panel_count: panels::count(&panels::place(&n)),
        panels,
    }))
}

/// Title, description, tags, variables, links, annotations, then every other top-level
/// setting as JSON paths.
fn dashboard_changes(changes: &mut Vec<Change>, o: &Side, n: &Side) {
    let (oj, nj) = (&o.json, &n.json);
    let mut handled: BTreeSet<&str> = ["uid", "panels", "templating", "links", "annotations"]
        .into_iter()
        .collect();
    for key in ["title", "description"] {
        handled.insert(key);
        if oj.get(key) != nj.get(key) {
            changes.push(Change::inline(
                key,
                show_opt(oj.get(key)),
                show_opt(nj.get(key)),
            ));
        }
    }
    handled.insert("tags");
    if oj.get("tags") != nj.get("tags") {
        changes.push(Change::inline(
            "tags",
            Some(list_of(oj.get("tags"))),
            Some(list_of(nj.get("tags"))),
        ));
    }
    diff_named(
        changes,
        "variable $",
        &variables(o),
        &variables(n),
        &["query", "definition"],
    );
    diff_links(changes, "link", &dashboard_links(o), &dashboard_links(n));
    diff_named(
        changes,
        "annotation ",
        &annotations(o),
        &annotations(n),
        &["expr", "query"],
    );
    // Everything else at the top (time, refresh, graphTooltip…) as JSON paths.
    let rest = |v: &Value| -> Value {
        let mut m = v.as_object().cloned().unwrap_or_default();
        m.retain(|k, _| !handled.contains(k.as_str()));
        Value::Object(m)
    };
    generic(changes, "", &rest(oj), &rest(nj));
}

#[cfg(test)]
mod tests;
