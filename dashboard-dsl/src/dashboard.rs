//! The dashboard builder: rows, panels, variables and links in; a laid-out, linted
//! [`DashboardModel`] out.

use std::collections::BTreeMap;

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
            id: 0,
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
        let resource = crate::v2::from_v1(&self.model, self.folder.as_ref(), target)?;
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
