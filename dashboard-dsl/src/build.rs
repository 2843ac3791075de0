//! [`Dashboard::build`](crate::Dashboard::build), as the passes it runs in order, each on
//! what the one before left:
//!
//! 1. [`resolve`]: the keys of every panel and row, each checked once (two panels with one
//!    key would share an id and a `viewPanel` link), the findings the panel builders
//!    recorded, and the result labels `promql!` computed, taken out of the specs for the
//!    lint. Variables need no pass of their own: `Dashboard::variable` stores them as
//!    Grafana does, and the lint checks every reference to them.
//! 2. [`assign_ids`]: ids from keys, so that an id survives any edit of other panels.
//! 3. [`place`]: sections laid out on the 24-column grid, rows as headers above their
//!    panels, or holding them when collapsed.
//! 4. [`lint`]: the model checked, with what pass 1 knows.
//!
//! Emitting the JSON is [`BuiltDashboard::to_json`](crate::BuiltDashboard::to_json).

use std::collections::BTreeMap;

use crate::layout::{self, Item, LayoutError};
use crate::lint::{self, LintError, LintKind};
use crate::model::{DashboardModel, GridPos, Panel as PanelModel};
use crate::panel::PanelSpec;
use crate::Row;

/// The sections of a dashboard: panels above the first row, then the rows.
pub(crate) struct Sections {
    pub(crate) top: Vec<PanelSpec>,
    pub(crate) rows: Vec<Row>,
}

impl Sections {
    /// Every panel spec, in page order.
    fn specs_mut(&mut self) -> impl Iterator<Item = &mut PanelSpec> {
        self.top
            .iter_mut()
            .chain(self.rows.iter_mut().flat_map(|r| r.panels.iter_mut()))
    }

    /// Every key with the title it belongs to, rows included, in page order.
    fn keys<'a>(&'a self, row_keys: &'a [String]) -> Vec<(&'a str, &'a str)> {
        let mut keys = Vec::with_capacity(
            self.top.len() + self.rows.iter().map(|r| r.panels.len() + 1).sum::<usize>(),
        );
        keys.extend(self.top.iter().map(|p| (p.key(), p.model.title.as_str())));
        for (r, key) in self.rows.iter().zip(row_keys) {
            keys.push((key.as_str(), r.title.as_str()));
            keys.extend(r.panels.iter().map(|p| (p.key(), p.model.title.as_str())));
        }
        keys
    }

    fn row_keys(&self) -> Vec<String> {
        self.rows
            .iter()
            .map(|r| format!("row:{}", r.title))
            .collect()
    }
}

/// What pass 1 found out, for the passes after it.
pub(crate) struct Resolved {
    /// Problems so far, in page order.
    pub(crate) errors: Vec<LintError>,
    /// Result labels of the expressions `promql!` parsed, one copy per expression.
    pub(crate) checked: lint::Checked,
}

/// Pass 1: keys checked once, builder findings and `promql!` labels taken out of the specs.
pub(crate) fn resolve(uid: &str, sections: &mut Sections) -> Resolved {
    let row_keys = sections.row_keys();
    let mut errors = Vec::new();
    let mut seen: BTreeMap<&str, &str> = BTreeMap::new();
    for (key, title) in sections.keys(&row_keys) {
        if let Some(first) = seen.insert(key, title) {
            errors.push(LintError {
                dashboard: uid.to_string(),
                panel: Some(title.to_string()),
                query: None,
                kind: LintKind::DuplicatePanelKey,
                message: format!("panel key `{key}` is used twice (also by {first})"),
                help: "give each panel its own key; ids and viewPanel links derive from it".into(),
            });
        }
    }
    drop(seen);
    let mut checked = lint::Checked::default();
    for p in sections.specs_mut() {
        for e in &p.errors {
            errors.push(LintError {
                dashboard: uid.to_string(),
                panel: Some(p.model.title.clone()),
                query: None,
                kind: LintKind::UnknownQueryRef,
                message: e.clone(),
                help: "use the QueryRef returned by this panel's add_query".into(),
            });
        }
        for (index, labels) in p.checked.drain(..) {
            if let Some(expr) = p.model.targets.get(index).and_then(|t| t.expr.as_ref()) {
                if !checked.contains_key(expr) {
                    checked.insert(expr.clone(), labels);
                }
            }
        }
    }
    Resolved { errors, checked }
}

/// Pass 3: the panels on the grid, each row a header followed by its panels (or holding
/// them when collapsed). Layout problems are added to `errors`; a section that cannot be
/// laid out is left out, since its positions would be meaningless.
pub(crate) fn place(uid: &str, sections: Sections, errors: &mut Vec<LintError>) -> Vec<PanelModel> {
    let mut panels = Vec::new();
    let (top, mut y) = place_section(uid, sections.top, 0, errors);
    panels.extend(top);
    for row in sections.rows {
        let header = GridPos {
            h: 1,
            w: layout::GRID_WIDTH,
            x: 0,
            y,
        };
        let (children, bottom) = place_section(uid, row.panels, y + 1, errors);
        let mut row_model = row_panel(row.id, row.title, row.collapsed, row.repeat, header);
        if row.collapsed {
            row_model.panels = Some(children);
            panels.push(row_model);
            y += 1;
        } else {
            panels.push(row_model);
            panels.extend(children);
            y = bottom.max(y + 1);
        }
    }
    panels
}

/// One section laid out from row `top`; returns its panels and the row below it.
fn place_section(
    uid: &str,
    specs: Vec<PanelSpec>,
    top: u32,
    errors: &mut Vec<LintError>,
) -> (Vec<PanelModel>, u32) {
    let items: Vec<Item> = specs
        .iter()
        .map(|p| Item {
            w: p.size.w,
            h: p.size.h,
            pin: p.pin,
        })
        .collect();
    match layout::place(&items, top) {
        Ok((positions, bottom)) => {
            let placed = specs
                .into_iter()
                .zip(positions)
                .map(|(spec, grid_pos)| PanelModel {
                    grid_pos,
                    ..spec.model
                })
                .collect();
            (placed, bottom)
        }
        Err(e) => {
            let culprit = match &e {
                LayoutError::BadSize { index, .. } | LayoutError::PinOutsideGrid { index, .. } => {
                    *index
                }
                LayoutError::PinsOverlap { second, .. } => *second,
            };
            errors.push(LintError {
                dashboard: uid.to_string(),
                panel: specs.get(culprit).map(|p| p.model.title.clone()),
                query: None,
                kind: LintKind::OutsideGrid,
                message: e.to_string(),
                help: "fix the panel's width, height or pin".into(),
            });
            (Vec::new(), top)
        }
    }
}

/// A row header as Grafana stores it.
fn row_panel(
    id: u32,
    title: String,
    collapsed: bool,
    repeat: Option<String>,
    grid_pos: GridPos,
) -> PanelModel {
    PanelModel {
        collapsed: Some(collapsed),
        datasource: None,
        description: None,
        field_config: None,
        grid_pos,
        id,
        interval: None,
        links: Vec::new(),
        max_data_points: None,
        options: None,
        panels: Some(Vec::new()),
        repeat,
        repeat_direction: None,
        targets: Vec::new(),
        title,
        transformations: Vec::new(),
        transparent: None,
        kind: "row".into(),
    }
}

/// Pass 2: the id of every panel and row, from its key (see [`ids_from_keys`]).
///
/// Returns each panel's key with its id (rows left out): what an alert's `dashboard_url`
/// resolves a panel key against, since the id of a key depends on the other keys.
pub(crate) fn assign_ids(sections: &mut Sections) -> BTreeMap<String, u32> {
    let row_keys = sections.row_keys();
    let ordered: Vec<u32> = {
        let keys = sections.keys(&row_keys);
        let ids = ids_from_keys(keys.iter().map(|&(k, _)| k));
        keys.iter().map(|&(k, _)| ids[k]).collect()
    };
    let mut panel_ids = BTreeMap::new();
    let mut ordered = ordered.into_iter();
    for p in sections.top.iter_mut() {
        p.model.id = ordered.next().unwrap_or_default();
        panel_ids.insert(p.key().to_string(), p.model.id);
    }
    for r in sections.rows.iter_mut() {
        r.id = ordered.next().unwrap_or_default();
        for p in r.panels.iter_mut() {
            p.model.id = ordered.next().unwrap_or_default();
            panel_ids.insert(p.key().to_string(), p.model.id);
        }
    }
    panel_ids
}

/// Panel ids from keys: a hash of the key, so adding, removing or reordering other panels
/// leaves an id alone. Collisions (rare, 31-bit) are resolved by probing in key order,
/// which depends only on the set of keys, never on their order on the page.
///
/// ```
/// let a = dashboard_dsl::dashboard::ids_from_keys(["gc", "shuffle"]);
/// let b = dashboard_dsl::dashboard::ids_from_keys(["shuffle", "gc", "spill"]);
/// assert_eq!(a["gc"], b["gc"]);
/// ```
pub fn ids_from_keys<'a>(keys: impl IntoIterator<Item = &'a str>) -> BTreeMap<&'a str, u32> {
    let mut sorted: Vec<&str> = keys.into_iter().collect();
    sorted.sort_unstable();
    sorted.dedup();
    let mut taken = std::collections::HashSet::with_capacity(sorted.len());
    let mut ids = BTreeMap::new();
    for key in sorted {
        let mut id = fnv1a(key) & 0x7fff_ffff;
        while id == 0 || !taken.insert(id) {
            id = (id + 1) & 0x7fff_ffff;
        }
        ids.insert(key, id);
    }
    ids
}

fn fnv1a(s: &str) -> u32 {
    // FNV-1a: tiny, stable across platforms and Rust versions (unlike DefaultHasher).
    s.bytes().fold(0x811c_9dc5u32, |h, b| {
        (h ^ u32::from(b)).wrapping_mul(0x0100_0193)
    })
}

/// Pass 4: the lint, trusting what `promql!` parsed. Ids were checked as keys in pass 1,
/// so the lint does not check them again.
pub(crate) fn lint(model: &DashboardModel, resolved: &Resolved, complete: bool) -> Vec<LintError> {
    let mut errors = lint::lint_built(model, &resolved.checked);
    if complete {
        errors.extend(lint::lint_complete(model));
    }
    errors
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::panel;

    fn sections() -> Sections {
        Sections {
            top: vec![panel::stat("apps", "Applications").into()],
            rows: vec![
                Row::new("Executors")
                    .panel(panel::timeseries("gc", "GC").width(24))
                    .panel(panel::timeseries("heap", "Heap")),
                Row::new("Stages")
                    .collapsed()
                    .panel(panel::table("stages", "Stages")),
            ],
        }
    }

    #[test]
    fn resolve_reports_each_duplicate_key_once() {
        let mut s = sections();
        s.rows[1]
            .panels
            .push(panel::stat("apps", "Apps again").into());
        s.rows.push(Row::new("Executors"));
        let r = resolve("d", &mut s);
        let found: Vec<(&str, &str)> = r
            .errors
            .iter()
            .map(|e| (e.panel.as_deref().unwrap_or(""), e.message.as_str()))
            .collect();
        assert_eq!(
            found,
            [
                (
                    "Apps again",
                    "panel key `apps` is used twice (also by Applications)"
                ),
                (
                    "Executors",
                    "panel key `row:Executors` is used twice (also by Executors)"
                ),
            ]
        );
        assert!(r
            .errors
            .iter()
            .all(|e| e.kind == LintKind::DuplicatePanelKey));
    }

    #[test]
    fn resolve_takes_promql_labels_out_of_the_specs() {
        let prom = crate::datasource::Datasource::<crate::datasource::Prometheus>::uid("p");
        let q = || crate::query::PromQuery::new(crate::promql!("sum by (executor_id) (up)"));
        let mut s = Sections {
            top: vec![
                panel::stat("a", "A").query(&prom, q()).into(),
                panel::stat("b", "B").query(&prom, q()).into(),
            ],
            rows: Vec::new(),
        };
        let r = resolve("d", &mut s);
        assert!(r.errors.is_empty());
        assert_eq!(r.checked.len(), 1, "one copy per expression");
        assert!(s.top.iter().all(|p| p.checked.is_empty()));
    }

    #[test]
    fn place_puts_rows_above_their_panels_and_collapsed_panels_inside() {
        let mut errors = Vec::new();
        let panels = place("d", sections(), &mut errors);
        assert!(errors.is_empty(), "{errors:?}");
        let shape: Vec<(&str, u32, u32, usize)> = panels
            .iter()
            .map(|p| {
                let inside = p.panels.as_ref().map_or(0, Vec::len);
                (p.title.as_str(), p.grid_pos.x, p.grid_pos.y, inside)
            })
            .collect();
        assert_eq!(
            shape,
            [
                // A stat is 4 rows high, a timeseries 8; the row header takes one.
                ("Applications", 0, 0, 0),
                ("Executors", 0, 4, 0),
                ("GC", 0, 5, 0),
                ("Heap", 0, 13, 0),
                ("Stages", 0, 21, 1),
            ]
        );
    }

    #[test]
    fn place_reports_the_panel_that_does_not_fit() {
        let mut errors = Vec::new();
        let s = Sections {
            top: vec![panel::stat("wide", "Too wide").width(30).into()],
            rows: Vec::new(),
        };
        assert!(place("d", s, &mut errors).is_empty());
        assert_eq!(errors.len(), 1);
        assert_eq!(errors[0].kind, LintKind::OutsideGrid);
        assert_eq!(errors[0].panel.as_deref(), Some("Too wide"));
    }

    #[test]
    fn assign_ids_follows_keys_not_positions() {
        let mut s = sections();
        assign_ids(&mut s);
        let ids = ids_from_keys([
            "apps",
            "row:Executors",
            "gc",
            "heap",
            "row:Stages",
            "stages",
        ]);
        assert_eq!(s.top[0].model.id, ids["apps"]);
        assert_eq!(s.rows[1].id, ids["row:Stages"]);
        assert_eq!(s.rows[1].panels[0].model.id, ids["stages"]);
        // Laid out, the ids stay where they were, rows and collapsed panels included.
        let panels = place("d", s, &mut Vec::new());
        assert_eq!(panels[4].id, ids["row:Stages"]);
        assert_eq!(panels[4].panels.as_ref().unwrap()[0].id, ids["stages"]);
        // Reordering the page, or removing panels, does not move an id.
        assert_eq!(ids_from_keys(["stages", "gc", "apps"])["gc"], ids["gc"]);
    }

    #[test]
    fn lint_runs_the_opt_in_rules_only_when_asked() {
        let built = crate::Dashboard::new("d", "D")
            .panel(panel::stat("s", "S"))
            .build()
            .unwrap();
        let resolved = Resolved {
            errors: Vec::new(),
            checked: lint::Checked::default(),
        };
        assert!(lint(&built.model, &resolved, false).is_empty());
        assert!(!lint(&built.model, &resolved, true).is_empty());
    }
}
