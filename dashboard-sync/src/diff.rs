//! A semantic diff of dashboards, per dashboard and per panel.
//!
//! Panels are matched by id. Our ids are hashes of panel keys, so they survive reordering:
//! a panel that changed row or order shows as *moved*, not as removed and added. Queries
//! are compared whole (the full PromQL before and after), units, thresholds, variables
//! and links in words, and everything else as JSON paths, so no change goes unreported.
//! Both sides are [normalised](crate::content::normalize) first: server-managed fields
//! never show up as changes.

use std::collections::{BTreeMap, BTreeSet};

use serde_json::Value;

use crate::content::normalize;

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

fn is_long(s: &str) -> bool {
    s.len() > 60 || s.contains('\n')
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

/// Diffs two sets of dashboards, matched by uid. `old` is the base (a git revision, a
/// directory or Grafana), `new` what is built now.
///
/// ```
/// use dashboard_sync::diff::{diff_sets, DiffDoc, Status};
/// use serde_json::json;
/// let old = vec![DiffDoc { uid: "a".into(), folder: None, json: json!({"uid": "a", "title": "A", "panels": [
///     {"id": 1, "type": "stat", "title": "Tasks", "gridPos": {"x": 0, "y": 0, "w": 6, "h": 4},
///      "targets": [{"refId": "A", "expr": "sum(tasks)"}]}]}) }];
/// let mut new = old.clone();
/// new[0].json["panels"][0]["targets"][0]["expr"] = json!("sum(tasks) by (app)");
/// let d = diff_sets(&old, &new);
/// assert_eq!(d.dashboards[0].status, Status::Changed);
/// let change = &d.dashboards[0].panels[0].changes[0];
/// assert_eq!(change.what, "query A");
/// assert_eq!(change.after.as_deref(), Some("sum(tasks) by (app)"));
/// assert!(diff_sets(&old, &old).dashboards.is_empty());
/// ```
pub fn diff_sets(old: &[DiffDoc], new: &[DiffDoc]) -> SetDiff {
    let old_by: BTreeMap<&str, &DiffDoc> = old.iter().map(|d| (d.uid.as_str(), d)).collect();
    let new_by: BTreeMap<&str, &DiffDoc> = new.iter().map(|d| (d.uid.as_str(), d)).collect();
    let uids: BTreeSet<&str> = old_by.keys().chain(new_by.keys()).copied().collect();
    let mut out = SetDiff::default();
    for uid in uids {
        match (old_by.get(uid), new_by.get(uid)) {
            (Some(o), Some(n)) => match diff_dashboard(o, n) {
                Some(d) => out.dashboards.push(d),
                None => out.unchanged += 1,
            },
            (None, Some(n)) => out.dashboards.push(whole(n, Status::Added)),
            (Some(o), None) => out.dashboards.push(whole(o, Status::Removed)),
            (None, None) => unreachable!("uid from one of the maps"),
        }
    }
    out
}

fn whole(doc: &DiffDoc, status: Status) -> DashboardDiff {
    let json = normalize(&doc.json);
    let panels = flatten(&json);
    let panel_diffs = if status == Status::Added {
        panels
            .iter()
            .map(|p| PanelDiff {
                id: p.id,
                title: p.title(),
                kind: p.kind(),
                status: Status::Added,
                location: p.location.clone(),
                changes: Vec::new(),
            })
            .collect()
    } else {
        Vec::new()
    };
    DashboardDiff {
        uid: doc.uid.clone(),
        title: str_of(&json, "title"),
        status,
        changes: Vec::new(),
        panel_count: panels.iter().filter(|p| p.kind() != "row").count(),
        panels: panel_diffs,
    }
}

/// The diff of one dashboard, `None` when the two are the same content.
///
/// ```
/// use dashboard_sync::diff::{diff_dashboard, DiffDoc};
/// use serde_json::json;
/// let a = DiffDoc { uid: "a".into(), folder: Some("Spark".into()), json: json!({"uid": "a", "title": "A", "version": 3}) };
/// let mut b = a.clone();
/// b.json["version"] = json!(4); // server-managed: not a change
/// assert!(diff_dashboard(&a, &b).is_none());
/// b.folder = Some("Other".into());
/// assert_eq!(diff_dashboard(&a, &b).unwrap().changes[0].what, "folder");
/// ```
pub fn diff_dashboard(old: &DiffDoc, new: &DiffDoc) -> Option<DashboardDiff> {
    let o = normalize(&old.json);
    let n = normalize(&new.json);
    let mut changes = Vec::new();
    if old.folder != new.folder {
        changes.push(Change::inline(
            "folder",
            Some(old.folder.clone().unwrap_or_else(|| "(root)".into())),
            Some(new.folder.clone().unwrap_or_else(|| "(root)".into())),
        ));
    }
    if o == n && changes.is_empty() {
        return None;
    }
    let mut handled: BTreeSet<&str> = ["uid", "panels", "templating", "links", "annotations"]
        .into_iter()
        .collect();
    for key in ["title", "description"] {
        handled.insert(key);
        if o.get(key) != n.get(key) {
            changes.push(Change::inline(
                key,
                show_opt(o.get(key)),
                show_opt(n.get(key)),
            ));
        }
    }
    handled.insert("tags");
    if o.get("tags") != n.get("tags") {
        changes.push(Change::inline(
            "tags",
            Some(list_of(o.get("tags"))),
            Some(list_of(n.get("tags"))),
        ));
    }
    diff_named(
        &mut changes,
        "variable $",
        items(&o, &["templating", "list"]),
        items(&n, &["templating", "list"]),
        "name",
        variable_summary,
        &["query", "definition"],
    );
    diff_links(
        &mut changes,
        "link",
        items(&o, &["links"]),
        items(&n, &["links"]),
    );
    diff_named(
        &mut changes,
        "annotation ",
        items(&o, &["annotations", "list"]),
        items(&n, &["annotations", "list"]),
        "name",
        |a| str_of(a, "expr"),
        &["expr", "query"],
    );
    // Everything else at the top (time, refresh, graphTooltip…) as JSON paths.
    let rest = |v: &Value| -> Value {
        let mut m = v.as_object().cloned().unwrap_or_default();
        m.retain(|k, _| !handled.contains(k.as_str()));
        Value::Object(m)
    };
    generic(&mut changes, "", &rest(&o), &rest(&n));

    let panels = diff_panels(&o, &n, &mut changes);
    if changes.is_empty() && panels.is_empty() {
        return None;
    }
    Some(DashboardDiff {
        uid: new.uid.clone(),
        title: str_of(&n, "title"),
        status: Status::Changed,
        changes,
        panel_count: flatten(&n).iter().filter(|p| p.kind() != "row").count(),
        panels,
    })
}

/// A panel with where it sits.
struct Placed<'a> {
    id: i64,
    json: &'a Value,
    /// The id of the row it belongs to, `None` above the first row.
    parent: Option<i64>,
    location: String,
}

impl Placed<'_> {
    fn title(&self) -> String {
        str_of(self.json, "title")
    }
    fn kind(&self) -> String {
        str_of(self.json, "type")
    }
}

fn grid(p: &Value) -> (i64, i64, i64, i64) {
    let g = |k| {
        p.get("gridPos")
            .and_then(|g| g.get(k))
            .and_then(Value::as_i64)
            .unwrap_or(0)
    };
    (g("x"), g("y"), g("w"), g("h"))
}

/// Every panel, rows and the panels of collapsed rows included, in page order. A panel
/// of an expanded row is the row's by position: below its header, above the next.
fn flatten(dash: &Value) -> Vec<Placed<'_>> {
    let mut top: Vec<&Value> = dash
        .get("panels")
        .and_then(Value::as_array)
        .map(|a| a.iter().collect())
        .unwrap_or_default();
    top.sort_by_key(|p| {
        let (x, y, _, _) = grid(p);
        (y, x)
    });
    let mut out = Vec::new();
    let mut seen = BTreeSet::new();
    let mut current: Option<(i64, String)> = None;
    for p in top {
        let id = p.get("id").and_then(Value::as_i64).unwrap_or(0);
        // Duplicate ids only come from hand edits; keep the first so matching stays sane.
        if !seen.insert(id) {
            continue;
        }
        if str_of(p, "type") == "row" {
            out.push(Placed {
                id,
                json: p,
                parent: None,
                location: "top level".into(),
            });
            let location = format!("row {}", quote(&str_of(p, "title")));
            for c in p
                .get("panels")
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
            {
                let cid = c.get("id").and_then(Value::as_i64).unwrap_or(0);
                if seen.insert(cid) {
                    out.push(Placed {
                        id: cid,
                        json: c,
                        parent: Some(id),
                        location: location.clone(),
                    });
                }
            }
            current = Some((id, location));
        } else {
            out.push(Placed {
                id,
                json: p,
                parent: current.as_ref().map(|c| c.0),
                location: current
                    .as_ref()
                    .map(|c| c.1.clone())
                    .unwrap_or_else(|| "top level".into()),
            });
        }
    }
    out
}

fn diff_panels(o: &Value, n: &Value, dash_changes: &mut Vec<Change>) -> Vec<PanelDiff> {
    let old = flatten(o);
    let new = flatten(n);
    let old_by: BTreeMap<i64, &Placed> = old.iter().map(|p| (p.id, p)).collect();
    let new_by: BTreeMap<i64, &Placed> = new.iter().map(|p| (p.id, p)).collect();
    let row_title = |side: &BTreeMap<i64, &Placed>, id: Option<i64>| match id {
        Some(id) => side
            .get(&id)
            .map(|r| format!("row {}", quote(&r.title())))
            .unwrap_or_else(|| "a row".into()),
        None => "top level".into(),
    };

    // Order within a parent, among the panels on both sides in that parent: the ones
    // outside a longest common subsequence are the ones that moved.
    let mut reordered = BTreeSet::new();
    let parents: BTreeSet<Option<i64>> = new.iter().map(|p| p.parent).collect();
    for parent in parents {
        let common = |side: &[Placed], other: &BTreeMap<i64, &Placed>| -> Vec<i64> {
            side.iter()
                .filter(|p| {
                    p.parent == parent && other.get(&p.id).is_some_and(|q| q.parent == parent)
                })
                .map(|p| p.id)
                .collect()
        };
        let a = common(&old, &new_by);
        let b = common(&new, &old_by);
        let keep = lcs(&a, &b);
        reordered.extend(b.into_iter().filter(|id| !keep.contains(id)));
    }

    let mut out = Vec::new();
    let mut shifted = 0;
    for p in &new {
        let Some(q) = old_by.get(&p.id) else {
            out.push(PanelDiff {
                id: p.id,
                title: p.title(),
                kind: p.kind(),
                status: Status::Added,
                location: p.location.clone(),
                changes: Vec::new(),
            });
            continue;
        };
        let mut changes = Vec::new();
        if q.parent != p.parent {
            changes.push(Change::inline(
                "moved",
                Some(row_title(&old_by, q.parent)),
                Some(row_title(&new_by, p.parent)),
            ));
        } else if reordered.contains(&p.id) {
            changes.push(Change::note(format!("moved within {}", p.location)));
        }
        let (ox, oy, ow, oh) = grid(q.json);
        let (nx, ny, nw, nh) = grid(p.json);
        if (ow, oh) != (nw, nh) && p.kind() != "row" {
            changes.push(Change::inline(
                "size",
                Some(format!("{ow}×{oh}")),
                Some(format!("{nw}×{nh}")),
            ));
        }
        diff_panel(&mut changes, q.json, p.json);
        if changes.is_empty() {
            if (ox, oy) != (nx, ny) {
                shifted += 1;
            }
            continue;
        }
        out.push(PanelDiff {
            id: p.id,
            title: p.title(),
            kind: p.kind(),
            status: Status::Changed,
            location: p.location.clone(),
            changes,
        });
    }
    for q in &old {
        if !new_by.contains_key(&q.id) {
            out.push(PanelDiff {
                id: q.id,
                title: q.title(),
                kind: q.kind(),
                status: Status::Removed,
                location: q.location.clone(),
                changes: Vec::new(),
            });
        }
    }
    if shifted > 0 {
        // Automatic layout moves every panel below an added one: one line, not dozens.
        dash_changes.push(Change::note(format!(
            "layout: {shifted} other panel{} shifted on the grid",
            if shifted == 1 { "" } else { "s" }
        )));
    }
    out
}

/// The longest common subsequence of two id sequences, as a set.
fn lcs(a: &[i64], b: &[i64]) -> BTreeSet<i64> {
    let (n, m) = (a.len(), b.len());
    let mut t = vec![vec![0u32; m + 1]; n + 1];
    for i in (0..n).rev() {
        for j in (0..m).rev() {
            t[i][j] = if a[i] == b[j] {
                t[i + 1][j + 1] + 1
            } else {
                t[i + 1][j].max(t[i][j + 1])
            };
        }
    }
    let (mut i, mut j) = (0, 0);
    let mut out = BTreeSet::new();
    while i < n && j < m {
        if a[i] == b[j] {
            out.insert(a[i]);
            i += 1;
            j += 1;
        } else if t[i + 1][j] >= t[i][j + 1] {
            i += 1;
        } else {
            j += 1;
        }
    }
    out
}

fn diff_panel(changes: &mut Vec<Change>, o: &Value, n: &Value) {
    for key in ["title", "type", "description"] {
        if o.get(key) != n.get(key) {
            changes.push(Change::inline(
                key,
                show_opt(o.get(key)),
                show_opt(n.get(key)),
            ));
        }
    }
    if o.get("datasource") != n.get("datasource") {
        changes.push(Change::inline(
            "datasource",
            o.get("datasource").map(datasource),
            n.get("datasource").map(datasource),
        ));
    }
    diff_targets(changes, items(o, &["targets"]), items(n, &["targets"]));
    let defaults = |v: &Value, k: &str| -> Option<Value> {
        v.get("fieldConfig")?.get("defaults")?.get(k).cloned()
    };
    if defaults(o, "unit") != defaults(n, "unit") {
        changes.push(Change::inline(
            "unit",
            defaults(o, "unit").map(|u| show(&u)),
            defaults(n, "unit").map(|u| show(&u)),
        ));
    }
    if defaults(o, "thresholds") != defaults(n, "thresholds") {
        changes.push(Change::inline(
            "thresholds",
            defaults(o, "thresholds").map(|t| thresholds(&t)),
            defaults(n, "thresholds").map(|t| thresholds(&t)),
        ));
    }
    diff_links(changes, "link", items(o, &["links"]), items(n, &["links"]));
    diff_links(
        changes,
        "data link",
        items(o, &["fieldConfig", "defaults", "links"]),
        items(n, &["fieldConfig", "defaults", "links"]),
    );
    // The rest (options, overrides, min/max, repeat…) as JSON paths.
    let rest = |v: &Value| -> Value {
        let mut m = v.as_object().cloned().unwrap_or_default();
        for k in [
            "id",
            "gridPos",
            "panels",
            "title",
            "type",
            "description",
            "datasource",
            "targets",
            "links",
        ] {
            m.remove(k);
        }
        if let Some(Value::Object(fc)) = m.get_mut("fieldConfig") {
            if let Some(Value::Object(d)) = fc.get_mut("defaults") {
                for k in ["unit", "thresholds", "links"] {
                    d.remove(k);
                }
            }
        }
        Value::Object(m)
    };
    generic(changes, "", &rest(o), &rest(n));
}

fn diff_targets(changes: &mut Vec<Change>, o: &[Value], n: &[Value]) {
    let key = |i: usize, t: &Value| {
        t.get("refId")
            .and_then(Value::as_str)
            .map(str::to_string)
            .unwrap_or_else(|| format!("#{}", i + 1))
    };
    let ob: BTreeMap<String, &Value> = o.iter().enumerate().map(|(i, t)| (key(i, t), t)).collect();
    let nb: BTreeMap<String, &Value> = n.iter().enumerate().map(|(i, t)| (key(i, t), t)).collect();
    let refs: BTreeSet<&String> = ob.keys().chain(nb.keys()).collect();
    for r in refs {
        let what = format!("query {r}");
        match (ob.get(r), nb.get(r)) {
            (Some(a), Some(b)) => {
                let (qa, qb) = (query_text(a), query_text(b));
                if qa != qb {
                    changes.push(Change::block(what.clone(), qa, qb));
                }
                let strip = |t: &Value| {
                    let mut m = t.as_object().cloned().unwrap_or_default();
                    for k in ["expr", "query", "refId"] {
                        m.remove(k);
                    }
                    Value::Object(m)
                };
                generic(changes, &format!("{what} "), &strip(a), &strip(b));
            }
            (None, Some(b)) => {
                changes.push(Change::block(format!("{what} added"), None, query_text(b)))
            }
            (Some(a), None) => changes.push(Change::block(
                format!("{what} removed"),
                query_text(a),
                None,
            )),
            (None, None) => {}
        }
    }
}

/// The query itself: `expr` for Prometheus, `query` for most others.
fn query_text(t: &Value) -> Option<String> {
    match t.get("expr").or_else(|| t.get("query")) {
        Some(Value::String(s)) => Some(s.clone()),
        Some(other) => Some(show(other)),
        None => Some(String::new()),
    }
}

/// Compares lists of named items (variables, annotations) by name: added, removed, and
/// for changed ones the `block_keys` whole and the rest as JSON paths.
fn diff_named(
    changes: &mut Vec<Change>,
    prefix: &str,
    o: &[Value],
    n: &[Value],
    name_key: &str,
    summary: impl Fn(&Value) -> String,
    block_keys: &[&str],
) {
    let name = |i: usize, v: &Value| {
        v.get(name_key)
            .and_then(Value::as_str)
            .map(str::to_string)
            .unwrap_or_else(|| format!("#{}", i + 1))
    };
    let ob: BTreeMap<String, &Value> = o.iter().enumerate().map(|(i, v)| (name(i, v), v)).collect();
    let nb: BTreeMap<String, &Value> = n.iter().enumerate().map(|(i, v)| (name(i, v), v)).collect();
    for k in ob.keys().chain(nb.keys()).collect::<BTreeSet<_>>() {
        let what = format!("{prefix}{k}");
        match (ob.get(k), nb.get(k)) {
            (Some(a), Some(b)) if a != b => {
                let mut shown: Vec<(Option<&Value>, Option<&Value>)> = Vec::new();
                for bk in block_keys {
                    let pair = (a.get(*bk), b.get(*bk));
                    // A query variable's `definition` is usually its `query` again.
                    if pair.0 != pair.1 && !shown.contains(&pair) {
                        shown.push(pair);
                        changes.push(Change::block(
                            format!("{what} {bk}"),
                            a.get(*bk).map(text_of),
                            b.get(*bk).map(text_of),
                        ));
                    }
                }
                let strip = |v: &Value| {
                    let mut m = v.as_object().cloned().unwrap_or_default();
                    for bk in block_keys {
                        m.remove(*bk);
                    }
                    Value::Object(m)
                };
                generic(changes, &format!("{what} "), &strip(a), &strip(b));
            }
            (None, Some(b)) => changes.push(Change::inline(
                format!("{what} added"),
                None,
                Some(summary(b)),
            )),
            (Some(a), None) => changes.push(Change::inline(
                format!("{what} removed"),
                Some(summary(a)),
                None,
            )),
            _ => {}
        }
    }
    // Order matters for variables: it is the order of the drop-downs.
    let order =
        |l: &[Value]| -> Vec<String> { l.iter().enumerate().map(|(i, v)| name(i, v)).collect() };
    let (oo, no) = (order(o), order(n));
    let common_o: Vec<&String> = oo.iter().filter(|x| no.contains(x)).collect();
    let common_n: Vec<&String> = no.iter().filter(|x| oo.contains(x)).collect();
    if common_o != common_n {
        changes.push(Change::inline(
            format!("{} order", prefix.trim_end_matches([' ', '$'])),
            Some(
                common_o
                    .iter()
                    .map(|s| s.as_str())
                    .collect::<Vec<_>>()
                    .join(", "),
            ),
            Some(
                common_n
                    .iter()
                    .map(|s| s.as_str())
                    .collect::<Vec<_>>()
                    .join(", "),
            ),
        ));
    }
}

fn variable_summary(v: &Value) -> String {
    let kind = str_of(v, "type");
    match v.get("query").or_else(|| v.get("definition")) {
        Some(q) => format!("{kind}: {}", text_of(q)),
        None => kind,
    }
}

/// Links compared as whole rendered lines: added and removed, matched by title.
fn diff_links(changes: &mut Vec<Change>, what: &str, o: &[Value], n: &[Value]) {
    let by_title = |l: &[Value]| -> BTreeMap<String, (Value, String)> {
        l.iter()
            .enumerate()
            .map(|(i, v)| {
                let t = v
                    .get("title")
                    .and_then(Value::as_str)
                    .map(str::to_string)
                    .unwrap_or_else(|| format!("#{}", i + 1));
                (t, (v.clone(), link_target(v)))
            })
            .collect()
    };
    let (ob, nb) = (by_title(o), by_title(n));
    for t in ob.keys().chain(nb.keys()).collect::<BTreeSet<_>>() {
        match (ob.get(t), nb.get(t)) {
            (Some(a), Some(b)) if a != b => {
                let what = format!("{what} {}", quote(t));
                if a.1 != b.1 {
                    changes.push(Change::inline(
                        what.clone(),
                        Some(a.1.clone()),
                        Some(b.1.clone()),
                    ));
                }
                // Same target, other settings (new tab, keep time…): as JSON paths.
                let strip = |v: &Value| {
                    let mut m = v.as_object().cloned().unwrap_or_default();
                    for k in ["url", "tags", "title"] {
                        m.remove(k);
                    }
                    Value::Object(m)
                };
                generic(changes, &format!("{what} "), &strip(&a.0), &strip(&b.0));
            }
            (None, Some(b)) => changes.push(Change::inline(
                format!("{what} added"),
                None,
                Some(link(&b.0)),
            )),
            (Some(a), None) => changes.push(Change::inline(
                format!("{what} removed"),
                Some(link(&a.0)),
                None,
            )),
            _ => {}
        }
    }
}

/// Where a link goes: its URL, or the tags of the dashboards it lists.
fn link_target(v: &Value) -> String {
    if let Some(url) = v
        .get("url")
        .and_then(Value::as_str)
        .filter(|u| !u.is_empty())
    {
        url.to_string()
    } else if let Some(tags) = v.get("tags").and_then(Value::as_array) {
        let tags: Vec<String> = tags.iter().map(text_of).collect();
        format!("dashboards tagged {}", tags.join(", "))
    } else {
        "(nowhere)".into()
    }
}

fn link(v: &Value) -> String {
    format!("{}: {}", quote(&str_of(v, "title")), link_target(v))
}

fn thresholds(t: &Value) -> String {
    let mode = t.get("mode").and_then(Value::as_str).unwrap_or("absolute");
    let steps: Vec<String> = t
        .get("steps")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .map(|s| {
            let color = str_of(s, "color");
            match s.get("value") {
                Some(v) if !v.is_null() => format!("{} {color}", show(v)),
                _ => format!("base {color}"),
            }
        })
        .collect();
    let s = steps.join(", ");
    if mode == "absolute" {
        s
    } else {
        format!("{s} ({mode})")
    }
}

fn datasource(v: &Value) -> String {
    match v {
        Value::Object(_) => format!("{} {}", str_of(v, "type"), str_of(v, "uid"))
            .trim()
            .to_string(),
        other => text_of(other),
    }
}

/// Remaining differences as JSON paths. Arrays of the same length are compared item by
/// item; otherwise the whole array is one change.
fn generic(changes: &mut Vec<Change>, prefix: &str, o: &Value, n: &Value) {
    let mut found = Vec::new();
    walk(&mut found, String::new(), o, n);
    const MAX: usize = 12;
    let extra = found.len().saturating_sub(MAX);
    for (path, a, b) in found.into_iter().take(MAX) {
        changes.push(Change::inline(format!("{prefix}{path}"), a, b));
    }
    if extra > 0 {
        changes.push(Change::note(format!(
            "{prefix}… and {extra} more setting changes"
        )));
    }
}

type Found = Vec<(String, Option<String>, Option<String>)>;

fn walk(found: &mut Found, path: String, o: &Value, n: &Value) {
    if o == n {
        return;
    }
    let join = |k: &str| {
        if path.is_empty() {
            k.to_string()
        } else {
            format!("{path}.{k}")
        }
    };
    match (o, n) {
        (Value::Object(a), Value::Object(b)) => {
            for k in a.keys().chain(b.keys()).collect::<BTreeSet<_>>() {
                match (a.get(k), b.get(k)) {
                    (Some(x), Some(y)) => walk(found, join(k), x, y),
                    (x, y) => found.push((join(k), x.map(show), y.map(show))),
                }
            }
        }
        (Value::Array(a), Value::Array(b)) if a.len() == b.len() => {
            for (i, (x, y)) in a.iter().zip(b).enumerate() {
                walk(found, format!("{path}[{i}]"), x, y);
            }
        }
        _ => found.push((path, Some(show(o)), Some(show(n)))),
    }
}

fn items<'a>(v: &'a Value, path: &[&str]) -> &'a [Value] {
    let mut cur = v;
    for p in path {
        match cur.get(p) {
            Some(next) => cur = next,
            None => return &[],
        }
    }
    cur.as_array().map(Vec::as_slice).unwrap_or(&[])
}

fn str_of(v: &Value, key: &str) -> String {
    v.get(key).map(text_of).unwrap_or_default()
}

/// A string as itself, anything else as compact JSON.
fn text_of(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

/// A value for one line: strings quoted, long values cut.
fn show(v: &Value) -> String {
    let s = match v {
        Value::String(s) if !is_long(s) => quote(s),
        Value::String(s) => s.clone(),
        other => other.to_string(),
    };
    if s.chars().count() > 200 && !matches!(v, Value::String(_)) {
        let cut: String = s.chars().take(197).collect();
        format!("{cut}…")
    } else {
        s
    }
}

fn show_opt(v: Option<&Value>) -> Option<String> {
    v.map(show)
}

fn list_of(v: Option<&Value>) -> String {
    match v.and_then(Value::as_array) {
        Some(a) if !a.is_empty() => a.iter().map(text_of).collect::<Vec<_>>().join(", "),
        _ => "(none)".into(),
    }
}

fn quote(s: &str) -> String {
    Value::String(s.to_string()).to_string()
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn panel(id: i64, title: &str, x: i64, y: i64) -> Value {
        json!({"id": id, "type": "timeseries", "title": title, "gridPos": {"x": x, "y": y, "w": 12, "h": 8}})
    }

    fn doc(panels: Vec<Value>) -> DiffDoc {
        DiffDoc {
            uid: "d".into(),
            folder: None,
            json: json!({"uid": "d", "title": "D", "panels": panels}),
        }
    }

    #[test]
    fn inserting_a_panel_shifts_others_without_reporting_them_moved() {
        let old = doc(vec![panel(1, "a", 0, 0), panel(2, "b", 0, 8)]);
        let new = doc(vec![
            panel(3, "new", 0, 0),
            panel(1, "a", 0, 8),
            panel(2, "b", 0, 16),
        ]);
        let d = diff_dashboard(&old, &new).unwrap();
        assert_eq!(d.panels.len(), 1);
        assert_eq!(d.panels[0].status, Status::Added);
        assert_eq!(
            d.changes[0].what,
            "layout: 2 other panels shifted on the grid"
        );
    }

    #[test]
    fn swapping_two_panels_is_a_move() {
        let old = doc(vec![
            panel(1, "a", 0, 0),
            panel(2, "b", 12, 0),
            panel(3, "c", 0, 8),
        ]);
        let new = doc(vec![
            panel(3, "c", 0, 0),
            panel(1, "a", 12, 0),
            panel(2, "b", 0, 8),
        ]);
        let d = diff_dashboard(&old, &new).unwrap();
        let moved: Vec<i64> = d.panels.iter().map(|p| p.id).collect();
        assert_eq!(moved, vec![3]);
        assert!(d.panels[0].changes[0].what.starts_with("moved within"));
    }

    #[test]
    fn moving_to_another_row_names_both_rows() {
        let row = |id, t: &str, y| json!({"id": id, "type": "row", "title": t, "gridPos": {"x": 0, "y": y, "w": 24, "h": 1}, "panels": []});
        let old = doc(vec![row(10, "A", 0), panel(1, "p", 0, 1), row(20, "B", 9)]);
        let new = doc(vec![row(10, "A", 0), row(20, "B", 1), panel(1, "p", 0, 2)]);
        let d = diff_dashboard(&old, &new).unwrap();
        let c = &d.panels[0].changes[0];
        assert_eq!(c.what, "moved");
        assert_eq!(c.before.as_deref(), Some("row \"A\""));
        assert_eq!(c.after.as_deref(), Some("row \"B\""));
    }

    #[test]
    fn units_thresholds_and_generic_options() {
        let mut a = panel(1, "p", 0, 0);
        a["fieldConfig"] = json!({"defaults": {"unit": "short", "thresholds": {"mode": "absolute", "steps": [{"color": "green", "value": null}, {"color": "red", "value": 80}]}}});
        a["options"] = json!({"legend": {"displayMode": "list"}});
        let mut b = a.clone();
        b["fieldConfig"]["defaults"]["unit"] = json!("percent");
        b["fieldConfig"]["defaults"]["thresholds"]["steps"][1]["value"] = json!(90);
        b["options"]["legend"]["displayMode"] = json!("table");
        let d = diff_dashboard(&doc(vec![a]), &doc(vec![b])).unwrap();
        let c = &d.panels[0].changes;
        assert_eq!(c[0].what, "unit");
        assert_eq!(c[1].what, "thresholds");
        assert_eq!(c[1].before.as_deref(), Some("base green, 80 red"));
        assert_eq!(c[1].after.as_deref(), Some("base green, 90 red"));
        assert_eq!(c[2].what, "options.legend.displayMode");
    }

    #[test]
    fn variables_links_and_settings() {
        let a = json!({"uid": "d", "title": "D", "time": {"from": "now-1h", "to": "now"},
            "templating": {"list": [{"name": "app", "type": "query", "query": "label_values(up, app)"}]},
            "links": [{"title": "Docs", "url": "https://a", "type": "link"}]});
        let mut b = a.clone();
        b["templating"]["list"][0]["query"] = json!("label_values(up, application)");
        b["templating"]["list"]
            .as_array_mut()
            .unwrap()
            .push(json!({"name": "ns", "type": "custom", "query": "a,b"}));
        b["links"][0]["url"] = json!("https://b");
        b["time"]["from"] = json!("now-6h");
        let d = diff_dashboard(
            &DiffDoc {
                uid: "d".into(),
                folder: None,
                json: a,
            },
            &DiffDoc {
                uid: "d".into(),
                folder: None,
                json: b,
            },
        )
        .unwrap();
        let whats: Vec<&str> = d.changes.iter().map(|c| c.what.as_str()).collect();
        assert_eq!(
            whats,
            vec![
                "variable $app query",
                "variable $ns added",
                "link \"Docs\"",
                "time.from"
            ]
        );
    }

    #[test]
    fn lcs_keeps_the_longest_common_order() {
        let keep = lcs(&[1, 2, 3, 4], &[2, 3, 4, 1]);
        assert_eq!(keep, [2, 3, 4].into_iter().collect());
    }
}
