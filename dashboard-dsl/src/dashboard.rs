//! The dashboard builder: rows, panels, variables and links in; a laid-out, linted
//! [`DashboardModel`] out.

use std::collections::{BTreeMap, BTreeSet};

use crate::build;
use crate::datasource::{AsDatasource, Prometheus};
use crate::link::DashLink;
use crate::lint::LintError;
use crate::model::{
    Annotation, Annotations, DashboardModel, Panel as PanelModel, Templating, TimeRange, Variable,
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
    pub(crate) title: String,
    pub(crate) collapsed: bool,
    pub(crate) repeat: Option<String>,
    pub(crate) panels: Vec<PanelSpec>,
    /// Schema v2 flows the panels into an auto grid (see [`Row::auto_grid`]).
    pub(crate) auto_grid: bool,
    /// Set by the build, from the title.
    pub(crate) id: u32,
}

impl Row {
    /// An expanded row. Its key (and so its id) comes from the title.
    pub fn new(title: &str) -> Self {
        Row {
            title: title.to_string(),
            collapsed: false,
            repeat: None,
            panels: Vec::new(),
            auto_grid: false,
            id: 0,
        }
    }

    /// In schema v2 (`build --schema v2`), let Grafana flow this row's panels into an
    /// `AutoGridLayout` (as many columns as the widest line of the row has, standard widths
    /// and heights) instead of fixed grid positions. Schema v1 has no auto grid: its JSON
    /// places the panels as for any row, and the build warns that it did.
    ///
    /// ```
    /// use dashboard_dsl::{panel, v2::Target, Dashboard, Row};
    /// let built = Dashboard::new("demo", "Demo")
    ///     .row(Row::new("Notes").auto_grid().panel(panel::text("a", "A", "…")))
    ///     .build()
    ///     .unwrap();
    /// assert!(built.to_v2_json(&Target::grafana_13()).unwrap().contains("AutoGridLayout"));
    /// assert!(built.warnings[0].contains("auto grid"));
    /// ```
    pub fn auto_grid(mut self) -> Self {
        self.auto_grid = true;
        self
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
        self,
        ds: &impl AsDatasource<Prometheus>,
        name: &str,
        expr: &str,
        color: &str,
    ) -> Self {
        self.annotation_with(ds, name, expr, color, |_| {})
    }

    /// [`Self::annotation`], then `f` on the model's annotation, for what the common case
    /// leaves out: a title from labels (`title_format`), labels as tags (`tag_keys`), a
    /// text.
    ///
    /// ```
    /// use dashboard_dsl::{datasource::{Datasource, Prometheus}, Dashboard};
    /// let prom = Datasource::<Prometheus>::uid("prometheus");
    /// let d = Dashboard::new("a", "A")
    ///     .annotation_with(&prom, "Alerts", r#"ALERTS{alertstate="firing"}"#, "red", |a| {
    ///         a.title_format = Some("{{alertname}}".into());
    ///         a.tag_keys = Some("severity".into());
    ///     })
    ///     .build().unwrap();
    /// assert_eq!(d.model.annotations.list[0].tag_keys.as_deref(), Some("severity"));
    /// ```
    pub fn annotation_with(
        mut self,
        ds: &impl AsDatasource<Prometheus>,
        name: &str,
        expr: &str,
        color: &str,
        f: impl FnOnce(&mut Annotation),
    ) -> Self {
        let mut annotation = Annotation {
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
        };
        f(&mut annotation);
        self.annotations.push(annotation);
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

    /// Lay out, assign ids and lint (the passes of [`crate::build`]). Fails with every
    /// problem found, not just the first.
    pub fn build(self) -> Result<BuiltDashboard, BuildError> {
        let mut sections = build::Sections {
            top: self.top,
            rows: self.rows,
        };
        let mut resolved = build::resolve(&self.uid, &mut sections);
        let panel_ids = build::assign_ids(&mut sections);
        let auto_grid_rows: BTreeSet<u32> = sections
            .rows
            .iter()
            .filter(|r| r.auto_grid)
            .map(|r| r.id)
            .collect();
        let warnings = sections
            .rows
            .iter()
            .filter(|r| r.auto_grid)
            .map(|r| {
                format!(
                    "dashboard {}: row {:?} is an auto grid, which schema v1 cannot say: the v1 \
                     JSON places its panels on the grid as for any row (build --schema v2 \
                     keeps the auto grid)",
                    self.uid, r.title
                )
            })
            .collect();
        let panels = build::place(&self.uid, sections, &mut resolved.errors);
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
        let found = build::lint(&model, &resolved, self.deny_incomplete);
        let mut errors = resolved.errors;
        errors.extend(found);
        if errors.is_empty() {
            Ok(BuiltDashboard {
                model,
                folder: self.folder,
                panel_ids,
                auto_grid_rows,
                warnings,
            })
        } else {
            Err(BuildError { errors })
        }
    }
}

pub use crate::build::ids_from_keys;

/// A dashboard that passed layout and lint.
#[derive(Debug, Clone, PartialEq)]
pub struct BuiltDashboard {
    /// What Grafana stores.
    pub model: DashboardModel,
    /// Where it goes.
    pub folder: Option<Folder>,
    /// Each panel's key and the id the build gave it, rows left out: what an alert's
    /// `dashboard_url` (`viewPanel=<id>`) is made from. Not part of the JSON; empty for
    /// a dashboard read back from a file.
    pub panel_ids: BTreeMap<String, u32>,
    /// The ids of the rows schema v2 writes as auto grids ([`Row::auto_grid`]); not part
    /// of the v1 JSON, empty for a dashboard read back from a file.
    pub auto_grid_rows: BTreeSet<u32>,
    /// What the v1 JSON could not say, one line each; `dashboards build` prints them.
    pub warnings: Vec<String>,
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

    /// The dashboard as a schema v2 resource for `target` (see [`crate::v2::from_v1`]), in
    /// its folder, as pretty JSON with a trailing newline: byte-identical for the same input.
    ///
    /// ```
    /// use dashboard_dsl::{v2::Target, Dashboard};
    /// let built = Dashboard::new("demo", "Demo").build().unwrap();
    /// let json = built.to_v2_json(&Target::grafana_12()).unwrap();
    /// assert!(json.contains(r#""apiVersion": "dashboard.grafana.app/v2beta1""#));
    /// assert_eq!(json, built.to_v2_json(&Target::grafana_12()).unwrap());
    /// ```
    pub fn to_v2_json(
        &self,
        target: &crate::v2::Target,
    ) -> Result<String, crate::v2::ConvertError> {
        let mut resource = crate::v2::from_v1(&self.model, self.folder.as_ref(), target)?;
        if !self.auto_grid_rows.is_empty() {
            flow_auto_grid_rows(&self.model, &self.auto_grid_rows, &mut resource);
        }
        let mut buf = Vec::with_capacity(4096 + 2048 * self.model.panels.len());
        serde_json::to_writer_pretty(&mut buf, &resource)
            .expect("the v2 model has only string keys, and writing to a Vec cannot fail");
        buf.push(b'\n');
        Ok(String::from_utf8(buf).expect("serde_json writes UTF-8"))
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
        self.model.panels().filter(|p| p.kind != "row")
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

/// Turns the grid of each row in `rows` (v1 row ids) into an auto grid of the same panels,
/// in their grid order, with as many columns as the row's widest line. The layout's rows
/// are the model's rows in order, after the header-less row that holds the panels above
/// the first row when there are any (`v2::from_v1`).
fn flow_auto_grid_rows(
    model: &DashboardModel,
    rows: &BTreeSet<u32>,
    resource: &mut crate::v2::Dashboard,
) {
    use crate::v2::{
        AutoGridLayoutItem, AutoGridLayoutItemSpec, AutoGridLayoutSpec, Layout, RowRepeatOptions,
    };
    let crate::v2::Layout::RowsLayout { spec } = &mut resource.spec.layout else {
        return;
    };
    let header_less = usize::from(model.panels.first().is_some_and(|p| !p.is_row()));
    let model_rows = model.panels.iter().filter(|p| p.is_row());
    for (row, layout_row) in model_rows.zip(spec.rows.iter_mut().skip(header_less)) {
        if !rows.contains(&row.id) {
            continue;
        }
        let Layout::GridLayout { spec: grid } = layout_row.spec.layout.as_ref() else {
            continue;
        };
        let mut per_line: BTreeMap<u32, u32> = BTreeMap::new();
        for item in &grid.items {
            *per_line.entry(item.spec.y).or_default() += 1;
        }
        let items = grid
            .items
            .iter()
            .map(|item| AutoGridLayoutItem {
                kind: Default::default(),
                spec: AutoGridLayoutItemSpec {
                    element: item.spec.element.clone(),
                    repeat: item.spec.repeat.as_ref().map(|r| RowRepeatOptions {
                        mode: r.mode.clone(),
                        value: r.value.clone(),
                    }),
                },
            })
            .collect();
        *layout_row.spec.layout = Layout::AutoGridLayout {
            spec: AutoGridLayoutSpec {
                column_width: None,
                column_width_mode: "standard".into(),
                fill_screen: None,
                items,
                max_column_count: Some(per_line.values().copied().max().unwrap_or(1)),
                row_height: None,
                row_height_mode: "standard".into(),
            },
        };
    }
}
