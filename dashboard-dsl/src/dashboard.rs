//! The dashboard builder: rows, panels, variables and links in; a laid-out, linted
//! [`DashboardModel`] out.

use std::collections::BTreeMap;

use crate::datasource::{AsDatasource, Prometheus};
use crate::layout::{self, Item};
use crate::link::DashLink;
use crate::lint::{self, LintError, LintKind};
use crate::model::{
    Annotation, Annotations, DashboardModel, GridPos, Panel as PanelModel, Templating, TimeRange,
    Variable,
};
use crate::panel::PanelSpec;
use crate::variable::{IntoVariable, Variables};
use crate::Folder;
use crate::SCHEMA_VERSION;

/// Shared crosshair or tooltip across panels.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum GraphTooltip {
    /// Each panel on its own.
    #[default]
    Default = 0,
    /// One crosshair on every panel.
    SharedCrosshair = 1,
    /// Crosshair and tooltip on every panel.
    SharedTooltip = 2,
}

/// A row of panels, expanded or collapsed.
///
/// ```
/// use dashboard_dsl::{panel, Row};
/// let r = Row::new("Executors").collapsed().panel(panel::text("help", "Help", "…"));
/// assert_eq!(r.panels().len(), 1);
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct Row {
    title: String,
    collapsed: bool,
    repeat: Option<String>,
    panels: Vec<PanelSpec>,
}

impl Row {
    /// An expanded row. Its key (and so its id) comes from the title.
    pub fn new(title: &str) -> Self {
        Row {
            title: title.to_string(),
            collapsed: false,
            repeat: None,
            panels: Vec::new(),
        }
    }

    /// Start collapsed; its panels load only when opened.
    pub fn collapsed(mut self) -> Self {
        self.collapsed = true;
        self
    }

    /// Repeat the row for each value of a variable.
    pub fn repeat(mut self, var: &impl crate::variable::VarName) -> Self {
        self.repeat = Some(var.var_name().to_string());
        self
    }

    /// Add a panel.
    pub fn panel(mut self, panel: impl Into<PanelSpec>) -> Self {
        self.panels.push(panel.into());
        self
    }

    /// The panels so far.
    pub fn panels(&self) -> &[PanelSpec] {
        &self.panels
    }
}

/// A dashboard under construction.
///
/// ```
/// use dashboard_dsl::{datasource::Prometheus, panel, query::PromQuery, variable::DatasourceVar, Dashboard, Row, Unit};
/// let prom = DatasourceVar::<Prometheus>::new("prometheus");
/// let built = Dashboard::new("spark-demo", "Spark demo")
///     .tags(["spark"])
///     .variable(&prom)
///     .row(Row::new("Executors").panel(
///         panel::timeseries("active", "Active tasks")
///             .unit(Unit::Short)
///             .query(&prom, PromQuery::new("sum(metrics_executor_activeTasks)")),
///     ))
///     .build()
///     .unwrap();
/// assert_eq!(built.panel_count(), 1);
/// assert!(built.to_json().ends_with("}\n"));
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct Dashboard {
    uid: String,
    title: String,
    description: Option<String>,
    tags: Vec<String>,
    time: Option<TimeRange>,
    refresh: Option<String>,
    timezone: Option<String>,
    graph_tooltip: GraphTooltip,
    editable: Option<bool>,
    folder: Option<Folder>,
    links: Vec<DashLink>,
    annotations: Vec<Annotation>,
    variables: Vec<Variable>,
    top: Vec<PanelSpec>,
    rows: Vec<Row>,
    deny_incomplete: bool,
}

impl Dashboard {
    /// A dashboard with a uid (stable across pushes) and a title.
    pub fn new(uid: &str, title: &str) -> Self {
        Dashboard {
            uid: uid.to_string(),
            title: title.to_string(),
            description: None,
            tags: Vec::new(),
            time: None,
            refresh: None,
            timezone: None,
            graph_tooltip: GraphTooltip::Default,
            editable: None,
            folder: None,
            links: Vec::new(),
            annotations: Vec::new(),
            variables: Vec::new(),
            top: Vec::new(),
            rows: Vec::new(),
            deny_incomplete: false,
        }
    }

    /// Fail the build on panels without a description, a unit or thresholds (the rules of
    /// [`lint::lint_complete`]), as `#![deny(missing_docs)]` does for code.
    ///
    /// ```
    /// use dashboard_dsl::{panel, Dashboard, Unit};
    /// let err = Dashboard::new("x", "X")
    ///     .deny_incomplete_panels()
    ///     .panel(panel::stat("cores", "Cores").unit(Unit::Short))
    ///     .build()
    ///     .unwrap_err();
    /// assert!(err.to_string().contains("missing-description"));
    /// ```
    pub fn deny_incomplete_panels(mut self) -> Self {
        self.deny_incomplete = true;
        self
    }

    /// The dashboard's description.
    pub fn description(mut self, description: &str) -> Self {
        self.description = Some(description.to_string());
        self
    }

    /// Tags, for search and tag-based dashboard links.
    pub fn tags<I: IntoIterator<Item = S>, S: AsRef<str>>(mut self, tags: I) -> Self {
        self.tags
            .extend(tags.into_iter().map(|t| t.as_ref().to_string()));
        self
    }

    /// Default time range, such as `now-1h` to `now`.
    pub fn time(mut self, from: &str, to: &str) -> Self {
        self.time = Some(TimeRange {
            from: from.to_string(),
            to: to.to_string(),
        });
        self
    }

    /// Auto-refresh interval, such as `30s`.
    pub fn refresh(mut self, refresh: &str) -> Self {
        self.refresh = Some(refresh.to_string());
        self
    }

    /// `browser`, `utc` or an IANA zone.
    pub fn timezone(mut self, tz: &str) -> Self {
        self.timezone = Some(tz.to_string());
        self
    }

    /// Shared crosshair or tooltip.
    pub fn graph_tooltip(mut self, mode: GraphTooltip) -> Self {
        self.graph_tooltip = mode;
        self
    }

    /// Make the dashboard read-only in the UI (provisioned dashboards usually are).
    pub fn read_only(mut self) -> Self {
        self.editable = Some(false);
        self
    }

    /// The folder the dashboard belongs in.
    pub fn folder(mut self, folder: Folder) -> Self {
        self.folder = Some(folder);
        self
    }

    /// A link in the top bar.
    pub fn link(mut self, link: DashLink) -> Self {
        self.links.push(link);
        self
    }

    /// Annotations from a PromQL expression: one marker per sample, titled by a label.
    ///
    /// ```
    /// use dashboard_dsl::{datasource::{Datasource, Prometheus}, Dashboard};
    /// let prom = Datasource::<Prometheus>::uid("prometheus");
    /// let d = Dashboard::new("a", "A")
    ///     .annotation(&prom, "Failed stages", "changes(appStatus_stages_failedStages_Count[1m]) > 0", "red")
    ///     .build().unwrap();
    /// assert_eq!(d.model.annotations.list[0].name, "Failed stages");
    /// ```
    pub fn annotation(
        mut self,
        ds: &impl AsDatasource<Prometheus>,
        name: &str,
        expr: &str,
        color: &str,
    ) -> Self {
        self.annotations.push(Annotation {
            datasource: ds.datasource_ref(),
            enable: true,
            expr: Some(expr.to_string()),
            hide: None,
            icon_color: color.to_string(),
            name: name.to_string(),
            step: Some("$__interval".into()),
            tag_keys: None,
            text_format: None,
            title_format: Some(name.to_string()),
        });
        self
    }

    /// Declare one variable.
    pub fn variable(mut self, var: &impl IntoVariable) -> Self {
        self.variables.push(var.to_variable());
        self
    }

    /// Declare a set of variables, usually a `#[derive(Variables)]` struct.
    pub fn variables(mut self, vars: &impl Variables) -> Self {
        self.variables.extend(vars.variables());
        self
    }

    /// A panel above the first row.
    pub fn panel(mut self, panel: impl Into<PanelSpec>) -> Self {
        self.top.push(panel.into());
        self
    }

    /// A row of panels, below the rows added before it.
    pub fn row(mut self, row: Row) -> Self {
        self.rows.push(row);
        self
    }

    /// Lay out, assign ids and lint. Fails with every problem found, not just the first.
    pub fn build(mut self) -> Result<BuiltDashboard, BuildError> {
        let uid = self.uid.clone();
        let mut errors = Vec::new();

        // Keys -> ids, independent of order: see `assign_ids`. Borrowed, not copied: a
        // build of 1,000 panels should not allocate 1,000 titles to find a duplicate.
        let row_keys: Vec<String> = self.rows.iter().map(|r| row_key(&r.title)).collect();
        let mut keys: Vec<(&str, &str)> = Vec::with_capacity(
            self.top.len() + self.rows.iter().map(|r| r.panels.len() + 1).sum::<usize>(),
        );
        keys.extend(
            self.top
                .iter()
                .map(|p| (p.key.as_ref(), p.model.title.as_str())),
        );
        for (r, key) in self.rows.iter().zip(&row_keys) {
            keys.push((key.as_str(), r.title.as_str()));
            keys.extend(
                r.panels
                    .iter()
                    .map(|p| (p.key.as_ref(), p.model.title.as_str())),
            );
        }
        let mut seen: BTreeMap<&str, &str> = BTreeMap::new();
        for &(k, title) in &keys {
            if let Some(first) = seen.insert(k, title) {
                errors.push(LintError {
                    dashboard: uid.clone(),
                    panel: Some(title.to_string()),
                    query: None,
                    kind: LintKind::DuplicatePanelKey,
                    message: format!("panel key `{k}` is used twice (also by {first})"),
                    help: "give each panel its own key; ids and viewPanel links derive from it"
                        .into(),
                });
            }
        }
        // Ids in the order of `keys`, so that they can be set on the specs without keeping
        // the keys borrowed.
        let ids = assign_ids(keys.iter().map(|&(k, _)| k));
        let ordered: Vec<u32> = keys.iter().map(|&(k, _)| ids[k]).collect();
        drop(ids);
        drop(seen);
        drop(keys);
        let mut ordered = ordered.into_iter();
        let mut row_ids = Vec::with_capacity(self.rows.len());
        for p in self.top.iter_mut() {
            p.model.id = ordered.next().unwrap_or_default();
        }
        for r in self.rows.iter_mut() {
            row_ids.push(ordered.next().unwrap_or_default());
            for p in r.panels.iter_mut() {
                p.model.id = ordered.next().unwrap_or_default();
            }
        }

        for p in self
            .top
            .iter()
            .chain(self.rows.iter().flat_map(|r| &r.panels))
        {
            for e in &p.errors {
                errors.push(LintError {
                    dashboard: uid.clone(),
                    panel: Some(p.model.title.clone()),
                    query: None,
                    kind: LintKind::UnknownQueryRef,
                    message: e.clone(),
                    help: "use the QueryRef returned by this panel's add_query".into(),
                });
            }
        }

        // The labels `promql!` computed, moved out of the specs, by expression for the lint.
        let mut checked = lint::Checked::default();
        for p in self
            .top
            .iter_mut()
            .chain(self.rows.iter_mut().flat_map(|r| r.panels.iter_mut()))
        {
            for (index, labels) in p.checked.drain(..) {
                // One copy of each distinct expression, not one per query.
                if let Some(expr) = p.model.targets.get(index).and_then(|t| t.expr.as_ref()) {
                    if !checked.contains_key(expr) {
                        checked.insert(expr.clone(), labels);
                    }
                }
            }
        }

        let mut panels: Vec<PanelModel> = Vec::new();
        let mut y = 0;
        let layout_section = |specs: Vec<PanelSpec>,
                              top: u32,
                              errors: &mut Vec<LintError>|
         -> (Vec<PanelModel>, u32) {
            let items: Vec<Item> = specs
                .iter()
                .map(|p| Item {
                    w: p.size.w,
                    h: p.size.h,
                    pin: p.pin,
                })
                .collect();
            match layout::place(&items, top) {
                Ok((pos, bottom)) => {
                    let out = specs
                        .into_iter()
                        .zip(pos)
                        .map(|(spec, gp)| finish(spec, gp))
                        .collect();
                    (out, bottom)
                }
                Err(e) => {
                    let culprit = match &e {
                        layout::LayoutError::BadSize { index, .. }
                        | layout::LayoutError::PinOutsideGrid { index, .. } => *index,
                        layout::LayoutError::PinsOverlap { second, .. } => *second,
                    };
                    errors.push(LintError {
                        dashboard: uid.clone(),
                        panel: specs.get(culprit).map(|p| p.model.title.clone()),
                        query: None,
                        kind: LintKind::OutsideGrid,
                        message: e.to_string(),
                        help: "fix the panel's width, height or pin".into(),
                    });
                    (Vec::new(), top)
                }
            }
        };

        let (top_panels, bottom) = layout_section(self.top, 0, &mut errors);
        panels.extend(top_panels);
        y = y.max(bottom);
        for (row, id) in self.rows.into_iter().zip(row_ids) {
            let header = GridPos {
                h: 1,
                w: layout::GRID_WIDTH,
                x: 0,
                y,
            };
            let (children, bottom) = layout_section(row.panels, y + 1, &mut errors);
            let mut row_model = PanelModel {
                collapsed: Some(row.collapsed),
                datasource: None,
                description: None,
                field_config: None,
                grid_pos: header,
                id,
                interval: None,
                links: Vec::new(),
                max_data_points: None,
                options: None,
                panels: Some(Vec::new()),
                repeat: row.repeat,
                repeat_direction: None,
                targets: Vec::new(),
                title: row.title,
                transformations: Vec::new(),
                transparent: None,
                kind: "row".into(),
            };
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

        let model = DashboardModel {
            annotations: Annotations {
                list: self.annotations,
            },
            description: self.description,
            editable: self.editable,
            graph_tooltip: (self.graph_tooltip != GraphTooltip::Default)
                .then_some(self.graph_tooltip as u8),
            links: self.links.iter().map(DashLink::to_model).collect(),
            panels,
            refresh: self.refresh,
            schema_version: SCHEMA_VERSION,
            tags: self.tags,
            templating: Templating {
                list: self.variables,
            },
            time: self.time,
            timezone: self.timezone,
            title: self.title,
            uid: self.uid,
        };
        let duplicate_keys = errors.iter().any(|e| e.kind == LintKind::DuplicatePanelKey);
        errors.extend(
            lint::lint_dashboard_checked(&model, &checked)
                .into_iter()
                // Duplicate keys give duplicate ids; the key is the error worth reading.
                .filter(|e| !(duplicate_keys && e.kind == LintKind::DuplicatePanelKey)),
        );
        if self.deny_incomplete {
            errors.extend(lint::lint_complete(&model));
        }
        if errors.is_empty() {
            Ok(BuiltDashboard {
                model,
                folder: self.folder,
            })
        } else {
            Err(BuildError { errors })
        }
    }
}

fn row_key(title: &str) -> String {
    format!("row:{title}")
}

fn finish(spec: PanelSpec, grid_pos: GridPos) -> PanelModel {
    let mut m = spec.model;
    m.grid_pos = grid_pos;
    m
}

/// Panel ids from keys: a hash of the key, so adding, removing or reordering other panels
/// leaves an id alone. Collisions (rare, 31-bit) are resolved by probing in key order,
/// which depends only on the set of keys, never on their order on the page.
///
/// ```
/// let a = dashboard_dsl::dashboard::assign_ids(["gc", "shuffle"]);
/// let b = dashboard_dsl::dashboard::assign_ids(["shuffle", "gc", "spill"]);
/// assert_eq!(a["gc"], b["gc"]);
/// ```
pub fn assign_ids<'a>(keys: impl IntoIterator<Item = &'a str>) -> BTreeMap<&'a str, u32> {
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

/// A dashboard that passed layout and lint.
#[derive(Debug, Clone, PartialEq)]
pub struct BuiltDashboard {
    /// What Grafana stores.
    pub model: DashboardModel,
    /// Where it goes.
    pub folder: Option<Folder>,
}

impl BuiltDashboard {
    /// Pretty JSON with a trailing newline: byte-identical for the same input.
    pub fn to_json(&self) -> String {
        // Sized up front: a timeseries panel is about 1.5 KiB of pretty JSON, and growing
        // a multi-megabyte buffer by doubling costs more than writing it.
        let mut buf = Vec::with_capacity(2048 + 1536 * self.model.panels.len());
        serde_json::to_writer_pretty(&mut buf, &self.model)
            .expect("the model has only string keys, and writing to a Vec cannot fail");
        buf.push(b'\n');
        String::from_utf8(buf).expect("serde_json writes UTF-8")
    }

    /// Panels, counting those inside rows but not the rows themselves.
    pub fn panel_count(&self) -> usize {
        self.panels().count()
    }

    /// Queries over all panels.
    pub fn query_count(&self) -> usize {
        self.panels().map(|p| p.targets.len()).sum()
    }

    /// Every non-row panel, including those of collapsed rows.
    pub fn panels(&self) -> impl Iterator<Item = &PanelModel> {
        self.model
            .panels
            .iter()
            .flat_map(|p| std::iter::once(p).chain(p.panels.iter().flatten()))
            .filter(|p| p.kind != "row")
    }
}

/// Everything wrong with a dashboard.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[error("{}", self.render())]
pub struct BuildError {
    /// Each problem, with where it is and how to fix it.
    pub errors: Vec<LintError>,
}

impl BuildError {
    fn render(&self) -> String {
        let n = self.errors.len();
        let mut s = format!("{n} problem{} found:", if n == 1 { "" } else { "s" });
        for e in &self.errors {
            s.push_str("\n  ");
            s.push_str(&e.to_string());
        }
        s
    }
}
