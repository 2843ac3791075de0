//! Checks on the stored model. They run on every build, and work on any
//! [`DashboardModel`], so dashboards built without the typed API are checked too.
//!
//! - [`lint_dashboard`] (every build): what would break in Grafana. References
//!   (`references`), queries that do not parse or lose the labels their legends and links
//!   read (`queries`), the grid (`grid`).
//! - [`lint_complete`] (opt-in with
//!   [`Dashboard::deny_incomplete_panels`](crate::Dashboard::deny_incomplete_panels)):
//!   complete panels (`complete`), and grafana/dashboard-linter's rules for dashboards
//!   (`practices`: datasource variables, variable refresh, editable) and for queries
//!   (`targets`: `$__rate_interval`, counters), which a query may opt out of with a
//!   `# lint-allow` comment (`allow`). `docs/lint.md` maps every dashboard-linter rule.
//! - [`lint_rule_groups`] (every `alerts build`): Prometheus rule groups (`rules`), with
//!   the same result-label analysis as the legends.

use std::collections::BTreeMap;
use std::fmt;

use dashboard_query::promql::OutputLabels;

use crate::model::{DashboardModel, Panel};

mod allow;
mod complete;
mod grid;
mod practices;
mod queries;
mod references;
mod rules;
mod targets;

pub use rules::{
    is_metric_name, lint_rule_group, lint_rule_groups, template_labels, RuleLintError,
    RuleLintKind, DEFAULT_EVALUATION_INTERVAL, SEVERITIES,
};

/// What a lint found.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum LintKind {
    /// Two dashboards with one uid.
    DuplicateUid,
    /// Two panels with one key (or, in a model, one id).
    DuplicatePanelKey,
    /// Two queries of one panel with one refId.
    DuplicateRefId,
    /// An override or handle that names a query the panel does not have.
    UnknownQueryRef,
    /// `$var` with no such variable.
    UndeclaredVariable,
    /// PromQL that does not parse.
    InvalidPromQl,
    /// TraceQL (a Tempo query of type `traceql`) that does not parse.
    InvalidTraceQl,
    /// A Prometheus variable query Grafana would not read as its author meant
    /// (`label_values (x)`, a label that is no label name, a selector that is an
    /// expression).
    InvalidVariableQuery,
    /// `{{label}}` in a legend that the query's outermost aggregation removes.
    LegendLabelDropped,
    /// `${__field.labels.x}` in a data link, with a query whose result has no label `x`.
    LinkLabelDropped,
    /// A query on a datasource variable of another plugin type.
    DatasourceKindMismatch,
    /// A panel outside the 24-column grid, or overlapping another.
    OutsideGrid,
    /// A panel without a description ([`lint_complete`]).
    MissingDescription,
    /// A panel that shows numbers without a unit ([`lint_complete`]).
    MissingUnit,
    /// A panel that shows numbers without explicit thresholds ([`lint_complete`]).
    MissingThresholds,
    /// Queries on a plugin for which the dashboard declares no datasource variable
    /// ([`lint_complete`]).
    TemplateDatasource,
    /// A panel, query, annotation or variable on a fixed datasource uid although the
    /// dashboard has a datasource variable of its plugin ([`lint_complete`]).
    PanelDatasource,
    /// A query variable that does not refresh when the time range changes
    /// ([`lint_complete`]).
    TemplateOnTimeChangeReload,
    /// A dashboard stored as `editable: true` ([`lint_complete`]).
    UneditableDashboard,
    /// A panel without a title ([`lint_complete`]).
    PanelTitle,
    /// A panel that shows data without a query ([`lint_complete`]).
    PanelNoTargets,
    /// `rate`, `irate` or `increase` over a range that is not `$__rate_interval`
    /// ([`lint_complete`]).
    TargetRateInterval,
    /// A counter whose raw value is aggregated or shown, without `rate`, `increase`, …
    /// ([`lint_complete`]).
    TargetCounterAgg,
    /// A `# lint-allow` comment in a query that names no rule a query can allow, gives no
    /// reason or allows nothing ([`lint_complete`]).
    LintAllow,
}

impl LintKind {
    /// A short stable name, for reports and tests.
    ///
    /// ```
    /// assert_eq!(dashboard_dsl::lint::LintKind::InvalidPromQl.name(), "invalid-promql");
    /// assert_eq!(dashboard_dsl::lint::LintKind::TargetRateInterval.name(), "target-rate-interval");
    /// ```
    pub fn name(self) -> &'static str {
        match self {
            LintKind::DuplicateUid => "duplicate-uid",
            LintKind::DuplicatePanelKey => "duplicate-panel-key",
            LintKind::DuplicateRefId => "duplicate-ref-id",
            LintKind::UnknownQueryRef => "unknown-query-ref",
            LintKind::UndeclaredVariable => "undeclared-variable",
            LintKind::InvalidPromQl => "invalid-promql",
            LintKind::InvalidTraceQl => "invalid-traceql",
            LintKind::InvalidVariableQuery => "invalid-variable-query",
            LintKind::LegendLabelDropped => "legend-label-dropped",
            LintKind::LinkLabelDropped => "link-label-dropped",
            LintKind::DatasourceKindMismatch => "datasource-kind-mismatch",
            LintKind::OutsideGrid => "outside-grid",
            LintKind::MissingDescription => "missing-description",
            LintKind::MissingUnit => "missing-unit",
            LintKind::MissingThresholds => "missing-thresholds",
            LintKind::TemplateDatasource => "template-datasource",
            LintKind::PanelDatasource => "panel-datasource",
            LintKind::TemplateOnTimeChangeReload => "template-on-time-change-reload",
            LintKind::UneditableDashboard => "uneditable-dashboard",
            LintKind::PanelTitle => "panel-title",
            LintKind::PanelNoTargets => "panel-no-targets",
            LintKind::TargetRateInterval => "target-rate-interval",
            LintKind::TargetCounterAgg => "target-counter-agg",
            LintKind::LintAllow => "lint-allow",
        }
    }
}

/// One problem, located by dashboard, panel and query, with a fix.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LintError {
    /// Dashboard uid.
    pub dashboard: String,
    /// Panel title (or variable/link description for non-panel places).
    pub panel: Option<String>,
    /// refId of the query.
    pub query: Option<String>,
    /// The rule.
    pub kind: LintKind,
    /// What is wrong.
    pub message: String,
    /// How to fix it.
    pub help: String,
}

impl fmt::Display for LintError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "[{}] dashboard `{}`", self.kind.name(), self.dashboard)?;
        if let Some(p) = &self.panel {
            write!(f, ", {p}")?;
        }
        if let Some(q) = &self.query {
            write!(f, ", query {q}")?;
        }
        write!(f, ": {} (help: {})", self.message, self.help)
    }
}

/// Checks across dashboards: uids must be unique.
///
/// ```
/// use dashboard_dsl::{lint, Dashboard};
/// let a = Dashboard::new("x", "A").build().unwrap();
/// let b = Dashboard::new("x", "B").build().unwrap();
/// let errs = lint::lint_set([&a.model, &b.model]);
/// assert_eq!(errs[0].kind, lint::LintKind::DuplicateUid);
/// ```
pub fn lint_set<'a>(dashboards: impl IntoIterator<Item = &'a DashboardModel>) -> Vec<LintError> {
    let mut seen: BTreeMap<&str, &str> = BTreeMap::new();
    let mut errors = Vec::new();
    for d in dashboards {
        if let Some(first) = seen.insert(&d.uid, &d.title) {
            errors.push(LintError {
                dashboard: d.uid.clone(),
                panel: None,
                query: None,
                kind: LintKind::DuplicateUid,
                message: format!(
                    "uid `{}` is used by both \"{first}\" and \"{}\"",
                    d.uid, d.title
                ),
                help: "uids identify dashboards in Grafana; give each its own".into(),
            });
        }
    }
    errors
}

/// Every per-dashboard check.
///
/// ```
/// use dashboard_dsl::{lint, Dashboard};
/// let d = Dashboard::new("x", "A").build().unwrap();
/// assert!(lint::lint_dashboard(&d.model).is_empty());
/// ```
pub fn lint_dashboard(d: &DashboardModel) -> Vec<LintError> {
    lint_dashboard_checked(d, &Checked::default())
}

/// PromQL expressions checked at compile time by `promql!`, with their result labels.
pub type Checked = BTreeMap<String, OutputLabels>;

/// [`lint_dashboard`], trusting the parse of expressions in `checked` (`promql!` parsed them
/// at compile time with the same parser) and using their known result labels.
pub fn lint_dashboard_checked(d: &DashboardModel, checked: &Checked) -> Vec<LintError> {
    references::lint(d, checked, true)
}

/// [`lint_dashboard_checked`] for a dashboard this crate built: its panel ids derive from
/// keys the build already checked, so a duplicate is reported once, by key.
pub(crate) fn lint_built(d: &DashboardModel, checked: &Checked) -> Vec<LintError> {
    references::lint(d, checked, false)
}

/// The opt-in rules, turned on by
/// [`Dashboard::deny_incomplete_panels`](crate::Dashboard::deny_incomplete_panels):
///
/// - complete panels: every panel has a title and says what it shows, every panel that
///   shows numbers sets its unit and its thresholds, every panel that shows data has a
///   query. Rows, text and trace panels need only what applies to them. Thresholds are
///   required even where a value has no bad level of its own: a panel that sets none gets
///   Grafana's default (green, red at 80), which colours 80 bytes or 80 ms red;
/// - grafana/dashboard-linter's rules: queries pick their datasource through a datasource
///   variable, query variables refresh when the time range changes, the dashboard is not
///   stored as editable, rates use `$__rate_interval`, counters are read through `rate`,
///   `increase`, … A query opts out of one of its own rules with a PromQL comment,
///   `# lint-allow target-counter-agg: <why>`.
///
/// `docs/lint.md` lists every rule.
///
/// ```
/// use dashboard_dsl::{datasource::Prometheus, lint, panel, query::PromQuery, variable::DatasourceVar, Dashboard, Unit};
/// let prom = DatasourceVar::<Prometheus>::new("prometheus");
/// let d = Dashboard::new("x", "X")
///     .variable(&prom)
///     .panel(
///         panel::stat("cores", "Cores")
///             .description("Task slots.")
///             .unit(Unit::Short)
///             .query(&prom, PromQuery::new("sum(metrics_executor_maxTasks)")),
///     )
///     .build()
///     .unwrap();
/// let found = lint::lint_complete(&d.model);
/// assert_eq!(found.len(), 1);
/// assert_eq!(found[0].kind, lint::LintKind::MissingThresholds);
/// ```
pub fn lint_complete(d: &DashboardModel) -> Vec<LintError> {
    let mut errors = complete::lint(d);
    errors.extend(practices::lint(d));
    errors.extend(targets::lint(d));
    errors
}

/// How messages name a panel.
fn panel_place(p: &Panel) -> String {
    format!("panel \"{}\" (id {})", p.title, p.id)
}

/// A finding of a rule that only needs the dashboard's uid.
fn error(
    d: &DashboardModel,
    place: Option<String>,
    query: Option<&str>,
    kind: LintKind,
    message: String,
    help: String,
) -> LintError {
    LintError {
        dashboard: d.uid.clone(),
        panel: place,
        query: query.map(str::to_string),
        kind,
        message,
        help,
    }
}
