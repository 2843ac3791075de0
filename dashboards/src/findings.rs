//! Findings: what the alert rules ([`crate::alerts`]) found about the selected
//! application, on the dashboard that shows why. Prometheus keeps an `ALERTS` series per
//! pending or firing alert, labelled with the alert's name, its labels and its state but
//! not its annotations; so what an alert means and its runbook come from the rules
//! themselves, as value mappings made at build time, and cannot drift from them.

use dashboard_dsl::alert::RuleGroup;
use dashboard_dsl::datasource::Prometheus;
use dashboard_dsl::field::{FieldProp, Mapping};
use dashboard_dsl::link::PanelLink;
use dashboard_dsl::options::TableOptions;
use dashboard_dsl::panel::{self, IntoPanelKey, Panel};
use dashboard_dsl::query::{Format, PromQuery};
use dashboard_dsl::variable::{DatasourceVar, QueryVar, VarName};
use dashboard_dsl::{promql, Dashboard, Unit};
use serde_json::json;

use crate::common::Recipe;
use crate::panels::no_level;
use crate::Options;

/// The colour of each severity, as Alertmanager's receivers page them: critical pages.
const SEVERITY_COLOURS: [(&str, &str, &str); 3] = [
    ("critical", "critical", "red"),
    ("warning", "warning", "orange"),
    ("info", "info", "blue"),
];

/// Which applications a dashboard's findings are about: the runs its `$app_id` picks
/// (Job Tracing, Profiling), or every run of the names its `$app` picks (the overview).
#[derive(Clone, Copy)]
pub enum Runs<'a> {
    /// `application_id=~"$app_id"`.
    ById(&'a QueryVar),
    /// `application_name=~"$app"`.
    ByName(&'a QueryVar),
}

/// The firing alerts of the applications `runs` selects, one row each: the alert,
/// its severity (coloured), what it means, its labels (executor, stage…) and its runbook,
/// for every alert of `groups`.
///
/// ```
/// let v = dashboards::common::SparkVars::new();
/// let o = dashboards::Options::default();
/// let groups = dashboards::alerts::all_with(&o);
/// let runs = dashboards::findings::Runs::ById(&v.app_id);
/// let spec = dashboards::findings::table("findings", &v.prometheus, runs, &groups, &o).into_spec();
/// assert!(spec.model().targets[0].expr.as_deref().unwrap().starts_with("label_replace("));
/// ```
pub fn table(
    key: impl IntoPanelKey,
    ds: &DatasourceVar<Prometheus>,
    runs: Runs<'_>,
    groups: &[RuleGroup],
    o: &Options,
) -> Panel<TableOptions> {
    let alerts: Vec<_> = groups.iter().flat_map(RuleGroup::alerts).collect();
    let meanings: Vec<(String, String)> = alerts
        .iter()
        .map(|a| (a.name().to_string(), a.meaning_text()))
        .collect();
    let runbooks: Vec<(&str, &str)> = alerts
        .iter()
        .filter_map(|a| Some((a.name(), a.runbook()?)))
        .collect();
    // Two copies of the alert's name, mapped at display time: one to its meaning, one to
    // its runbook's URL (a cell's link reads the mapped text).
    let query = match runs {
        Runs::ById(app_id) => promql!(
            r#"label_replace(label_replace(ALERTS{alertstate="firing", application_id=~"$app_id"}, "meaning", "$1", "alertname", "(.+)"), "runbook", "$1", "alertname", "(.+)")"#,
            app_id = app_id
        ),
        Runs::ByName(app) => promql!(
            r#"label_replace(label_replace(ALERTS{alertstate="firing", application_name=~"$app"}, "meaning", "$1", "alertname", "(.+)"), "runbook", "$1", "alertname", "(.+)")"#,
            app = app
        ),
    };
    panel::table(key, "Firing alerts")
        .description("The alerts firing now for the selected runs, from Prometheus' ALERTS series of the Spark rule set (dist/alerts): severity, what it means, the labels that say where (executor, stage) and the runbook that says what to do. Empty is good. An alert in the table is also sent to Alertmanager; the marks on the time series show when each fired.")
        .link(Recipe::ProfilingGuide.link(o))
        .unit(Unit::NoUnit)
        .thresholds(no_level())
        .size(24, 6)
        .query(ds, PromQuery::new(query).instant().format(Format::Table))
        .transform(
            "organize",
            json!({
                "excludeByName": {"Time": true, "Value": true, "__name__": true, "alertstate": true},
                "indexByName": {"severity": 0, "alertname": 1, "meaning": 2, "application_id": 3, "runbook": 99},
                "renameByName": {
                    "alertname": "Alert",
                    "severity": "Severity",
                    "meaning": "What it means",
                    "runbook": "Runbook",
                    "application_id": "Run",
                    "application_name": "Application",
                    "executor_id": "Executor",
                },
            }),
        )
        .override_field(
            "Severity",
            [
                FieldProp::Mappings(vec![Mapping::values(&SEVERITY_COLOURS)]),
                FieldProp::CellColor,
            ],
        )
        .override_field(
            "What it means",
            [FieldProp::Mappings(vec![Mapping::texts(
                meanings.iter().map(|(n, m)| (n.as_str(), m.as_str())),
            )])],
        )
        .override_field(
            "Runbook",
            [
                FieldProp::Mappings(vec![Mapping::texts(runbooks)]),
                FieldProp::Links(vec![PanelLink::url(
                    "Open the runbook",
                    "${__value.text}",
                )]),
            ],
        )
}

/// Marks on every time series of the dashboard where an alert of the selected runs
/// fired, titled by the alert and tagged with its severity.
///
/// ```
/// use dashboards::findings::Runs;
/// let v = dashboards::common::SparkVars::new();
/// let d = dashboard_dsl::Dashboard::new("d", "D").variables(&v);
/// let d = dashboards::findings::annotate(d, &v.prometheus, Runs::ById(&v.app_id));
/// let a = &d.build().unwrap().model.annotations.list[0];
/// assert_eq!(a.title_format.as_deref(), Some("{{alertname}}"));
/// ```
pub fn annotate(d: Dashboard, ds: &DatasourceVar<Prometheus>, runs: Runs<'_>) -> Dashboard {
    let (label, var) = match runs {
        Runs::ById(v) => ("application_id", v),
        Runs::ByName(v) => ("application_name", v),
    };
    d.annotation_with(
        ds,
        "Spark alerts",
        &format!(
            r#"ALERTS{{alertstate="firing", {label}=~"${}"}}"#,
            var.var_name()
        ),
        "red",
        |a| {
            a.title_format = Some("{{alertname}}".into());
            a.tag_keys = Some("severity".into());
            a.text_format = Some("{{alertname}} ({{severity}}) on {{application_id}}".into());
        },
    )
}
