//! Panels: where each sits (through [`DashboardModel::panels`]), which are added,
//! removed or moved, and what changed in each, its queries matched by `refId`.
//!
//! [`DashboardModel::panels`]: dashboard_model::DashboardModel::panels

use std::collections::{BTreeMap, BTreeSet};

use dashboard_model::model::{Panel, PanelPath};
use serde_json::Value;

use super::named::{diff_links, panel_links, Item};
use super::values::{datasource, generic, nth, quote, show, show_opt, thresholds, without};
use super::{Change, PanelDiff, Side, Status};

/// A panel with where it sits.
pub(super) struct Placed<'a> {
    id: i64,
    panel: &'a Panel,
    /// The JSON the panel was read from: every field, also those the model does not hold.
    json: &'a Value,
    /// The id of the row it belongs to, `None` above the first row.
    parent: Option<i64>,
    location: String,
}

impl Placed<'_> {
    fn title(&self) -> String {
        self.panel.title.clone()
    }

    fn kind(&self) -> String {
        self.panel.kind.to_string()
    }

    fn grid(&self) -> (i64, i64, i64, i64) {
        let g = self.panel.grid_pos;
        (g.x.into(), g.y.into(), g.w.into(), g.h.into())
    }

    /// The panel as added or removed, nothing else to say.
    pub(super) fn unmatched(&self, status: Status) -> PanelDiff {
        PanelDiff {
            id: self.id,
            title: self.title(),
            kind: self.kind(),
            status,
            location: self.location.clone(),
            changes: Vec::new(),
        }
    }
}

/// Panels, rows excluded.
pub(super) fn count(placed: &[Placed]) -> usize {
    placed.iter().filter(|p| !p.panel.is_row()).count()
}

/// Every panel, rows and the panels of collapsed rows included, in page order. A panel
/// of an expanded row is the row's by position: below its header, above the next.
pub(super) fn place(side: &Side) -> Vec<Placed<'_>> {
    static NULL: Value = Value::Null;
    let json = |path: PanelPath| side.json.pointer(&path.pointer()).unwrap_or(&NULL);
    // Each top-level panel with the panels its collapsed row holds, in page order.
    type Group<'a> = (&'a Panel, PanelPath, Vec<(PanelPath, &'a Panel)>);
    let mut groups: Vec<Group> = Vec::new();
    for (path, p) in side.model.panels().with_paths() {
        match (path.nested, groups.last_mut()) {
            (None, _) => groups.push((p, path, Vec::new())),
            (Some(_), Some(group)) => group.2.push((path, p)),
            (Some(_), None) => {}
        }
    }
    groups.sort_by_key(|(p, _, _)| (p.grid_pos.y, p.grid_pos.x));

    let mut out = Vec::new();
    let mut seen = BTreeSet::new();
    let mut current: Option<(i64, String)> = None;
    for (p, path, nested) in groups {
        let id = i64::from(p.id);
        // Duplicate ids only come from hand edits; keep the first so matching stays sane.
        if !seen.insert(id) {
            continue;
        }
        if p.is_row() {
            out.push(Placed {
                id,
                panel: p,
                json: json(path),
                parent: None,
                location: "top level".into(),
            });
            let location = format!("row {}", quote(&p.title));
            for (cpath, c) in nested {
                let cid = i64::from(c.id);
                if seen.insert(cid) {
                    out.push(Placed {
                        id: cid,
                        panel: c,
                        json: json(cpath),
                        parent: Some(id),
                        location: location.clone(),
                    });
                }
            }
            current = Some((id, location));
        } else {
            out.push(Placed {
                id,
                panel: p,
                json: json(path),
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

pub(super) fn diff_panels(o: &Side, n: &Side, dash_changes: &mut Vec<Change>) -> Vec<PanelDiff> {
    let old = place(o);
    let new = place(n);
    let old_by: BTreeMap<i64, &Placed> = old.iter().map(|p| (p.id, p)).collect();
    let new_by: BTreeMap<i64, &Placed> = new.iter().map(|p| (p.id, p)).collect();
    let row_title = |side: &BTreeMap<i64, &Placed>, id: Option<i64>| match id {
        Some(id) => side
            .get(&id)
            .map(|r| format!("row {}", quote(&r.title())))
            .unwrap_or_else(|| "a row".into()),
        None => "top level".into(),
    };
    let reordered = reordered(&old, &new, &old_by, &new_by);

    let mut out = Vec::new();
    let mut shifted = 0;
    for p in &new {
        let Some(q) = old_by.get(&p.id) else {
            out.push(p.unmatched(Status::Added));
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
        let (ox, oy, ow, oh) = q.grid();
        let (nx, ny, nw, nh) = p.grid();
        if (ow, oh) != (nw, nh) && !p.panel.is_row() {
            changes.push(Change::inline(
                "size",
                Some(format!("{ow}×{oh}")),
                Some(format!("{nw}×{nh}")),
            ));
        }
        diff_panel(&mut changes, q, p);
        if changes.is_empty() {
            if (ox, oy) != (nx, ny) {
                shifted += 1;
            }
            continue;
        }
        out.push(PanelDiff {
            changes,
            ..p.unmatched(Status::Changed)
        });
    }
    for q in &old {
        if !new_by.contains_key(&q.id) {
            out.push(q.unmatched(Status::Removed));
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

/// Order within a parent, among the panels on both sides in that parent: the ones
/// outside a longest common subsequence are the ones that moved.
fn reordered(
    old: &[Placed],
    new: &[Placed],
    old_by: &BTreeMap<i64, &Placed>,
    new_by: &BTreeMap<i64, &Placed>,
) -> BTreeSet<i64> {
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
        let a = common(old, new_by);
        let b = common(new, old_by);
        let keep = lcs(&a, &b);
        reordered.extend(b.into_iter().filter(|id| !keep.contains(id)));
    }
    reordered
}

/// The longest common subsequence of two id sequences, as a set.
pub(super) fn lcs(a: &[i64], b: &[i64]) -> BTreeSet<i64> {
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

fn diff_panel(changes: &mut Vec<Change>, q: &Placed, p: &Placed) {
    let (o, n) = (q.json, p.json);
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
    diff_targets(changes, q, p);
    // Units through the model: it keeps every unit id as written.
    let unit = |p: &Placed| {
        let unit = p.panel.field_config.as_ref()?.defaults.unit.as_ref()?;
        Some(show(&Value::from(unit.id())))
    };
    if unit(q) != unit(p) {
        changes.push(Change::inline("unit", unit(q), unit(p)));
    }
    let defaults = |v: &Value, k: &str| v.get("fieldConfig")?.get("defaults")?.get(k).cloned();
    if defaults(o, "thresholds") != defaults(n, "thresholds") {
        changes.push(Change::inline(
            "thresholds",
            defaults(o, "thresholds").map(|t| thresholds(&t)),
            defaults(n, "thresholds").map(|t| thresholds(&t)),
        ));
    }
    diff_links(
        changes,
        "link",
        &panel_links(&q.panel.links, o.get("links")),
        &panel_links(&p.panel.links, n.get("links")),
    );
    diff_links(changes, "data link", &data_links(q), &data_links(p));
    // The rest (options, overrides, min/max, repeat…) as JSON paths.
    let rest = |v: &Value| -> Value {
        let mut m = without(
            v,
            &[
                "id",
                "gridPos",
                "panels",
                "title",
                "type",
                "description",
                "datasource",
                "targets",
                "links",
            ],
        );
        if let Some(Value::Object(fc)) = m.get_mut("fieldConfig") {
            if let Some(Value::Object(d)) = fc.get_mut("defaults") {
                for k in ["unit", "thresholds", "links"] {
                    d.remove(k);
                }
            }
        }
        m
    };
    generic(changes, "", &rest(o), &rest(n));
}

/// Queries matched by `refId` (`#2` for one without), the query text whole and the rest
/// of each target as JSON paths.
fn data_links<'a>(p: &Placed<'a>) -> Vec<Item<'a>> {
    let links = p
        .panel
        .field_config
        .as_ref()
        .map(|f| f.defaults.links.as_slice());
    panel_links(
        links.unwrap_or_default(),
        p.json.pointer("/fieldConfig/defaults/links"),
    )
}

fn diff_targets(changes: &mut Vec<Change>, q: &Placed, p: &Placed) {
    let by_ref = |p: &Placed| -> BTreeMap<String, (Option<String>, Value)> {
        let json = p.json.get("targets");
        p.panel
            .targets
            .iter()
            .enumerate()
            .map(|(i, t)| {
                let key = if t.ref_id.is_empty() {
                    format!("#{}", i + 1)
                } else {
                    t.ref_id.clone()
                };
                // The query itself: `expr` for Prometheus, `query` for most others.
                let text = t
                    .expr
                    .clone()
                    .or_else(|| t.query.clone())
                    .unwrap_or_default();
                (key, (Some(text), nth(json, i).clone()))
            })
            .collect()
    };
    let (ob, nb) = (by_ref(q), by_ref(p));
    let refs: BTreeSet<&String> = ob.keys().chain(nb.keys()).collect();
    for r in refs {
        let what = format!("query {r}");
        match (ob.get(r), nb.get(r)) {
            (Some((qa, a)), Some((qb, b))) => {
                if qa != qb {
                    changes.push(Change::block(what.clone(), qa.clone(), qb.clone()));
                }
                let keys = ["expr", "query", "refId"];
                generic(
                    changes,
                    &format!("{what} "),
                    &without(a, &keys),
                    &without(b, &keys),
                );
            }
            (None, Some((qb, _))) => {
                changes.push(Change::block(format!("{what} added"), None, qb.clone()))
            }
            (Some((qa, _)), None) => {
                changes.push(Change::block(format!("{what} removed"), qa.clone(), None))
            }
            (None, None) => {}
        }
    }
}
