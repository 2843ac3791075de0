//! The Spark alerting rules, one [`RuleGroup`] per concern; `cargo xtask alerts build`
//! writes each to `dist/alerts/<group>.yml`. `docs/alerts.md` is their table: what each
//! means, its threshold and where the threshold comes from.
//!
//! - [`outcome`]: failures the scheduler reports, executors lost, the application gone.
//! - [`heuristics`]: the problems Dr. Elephant, Dataflint and Databricks name (task skew,
//!   spill, GC, idle or over-provisioned executors, small tasks, shuffle fetch wait, long
//!   stages), at their published thresholds.
//! - [`kubernetes`]: Spark's driver and executor pods, from kube-state-metrics.
//! - [`streaming`]: Structured Streaming queries, from the driver's streaming gauges.
//!
//! Every expression reads series a real Spark 4.3 exposes through the metrics contract
//! (`provisioning/prometheus/prometheus.yml`): the driver's Dropwizard registry, relabelled
//! to `spark_<source>_<metric>` with the `application_id` of the target, the executor
//! summaries `metrics_executor_*{application_id, application_name, executor_id}`, and
//! spark-exporter's `spark_executor_*` and `spark_stage_*`. Every alert links its recipe
//! (`runbook_url`) and the panel that shows it (`dashboard_url`, from the panel's key).
//!
//! ```
//! let groups = dashboards::alerts::all();
//! assert_eq!(groups[0].name(), "spark-outcome");
//! ```

use dashboard_dsl::alert::{AlertRule, RuleGroup};
use dashboard_dsl::panel::IntoPanelKey;
use dashboard_dsl::rules::Duration;

use crate::common::Recipe;
use crate::common::TRACING_UID as JOB_TRACING;
use crate::spark_job_tracing::Key;
use crate::Options;

pub mod heuristics;
pub mod kubernetes;
pub mod outcome;
pub mod streaming;

/// How often the Spark groups are evaluated: twice the contract's scrape interval (15 s),
/// so each evaluation sees a new sample without waiting a whole minute.
pub const INTERVAL: Duration = Duration::seconds(30);

/// Every rule group with the default [`Options`]: a plain `fn() -> Vec<RuleGroup>`, as
/// `dashboard_cli::Project::with_alerts` takes it.
///
/// ```
/// assert!(!dashboards::alerts::all().is_empty());
/// ```
pub fn all() -> Vec<RuleGroup> {
    all_with(&Options::default())
}

/// Every rule group with `options` (the recipes' base URL for `runbook_url`).
///
/// ```
/// let o = dashboards::Options { recipes_url: "https://docs.example.com/recipes".into() };
/// let names: Vec<String> = dashboards::alerts::all_with(&o).iter().map(|g| g.name().to_string()).collect();
/// assert_eq!(names, ["spark-outcome", "spark-heuristics", "spark-kubernetes", "spark-streaming"]);
/// ```
pub fn all_with(options: &Options) -> Vec<RuleGroup> {
    vec![
        outcome::group(options),
        heuristics::group(options),
        kubernetes::group(options),
        streaming::group(options),
    ]
}

/// An alert linked to its recipe and to a Spark Job Tracing panel, with the application
/// picked in the link when the expression keeps its name.
fn spark_alert(
    alert: AlertRule,
    recipe: Recipe,
    panel: Key,
    by_name: bool,
    o: &Options,
) -> AlertRule {
    linked(alert, &recipe.url(o), JOB_TRACING, panel, by_name)
}

/// An alert linked to the section of its recipe named after it (`### <alert name>`, whose
/// GitHub anchor is the name in lower case) and to the panel `panel` of the dashboard
/// `uid`, with the alert's application selected.
fn runbook_section(
    alert: AlertRule,
    recipe: Recipe,
    uid: &str,
    panel: impl IntoPanelKey,
    o: &Options,
) -> AlertRule {
    let runbook = format!("{}#{}", recipe.url(o), alert.name().to_lowercase());
    linked(alert, &runbook, uid, panel, true)
}

/// An alert linked to `runbook` and to the panel `panel` of the dashboard `uid`; the link
/// selects the alert's application (`var-app` when the expression keeps
/// `application_name`, `var-app_id` always), as every Spark dashboard has both variables.
fn linked(
    alert: AlertRule,
    runbook: &str,
    uid: &str,
    panel: impl IntoPanelKey,
    by_name: bool,
) -> AlertRule {
    let alert = alert.runbook_url(runbook).dashboard_panel_on(uid, panel);
    let alert = if by_name {
        alert.dashboard_var("app", "{{ $labels.application_name }}")
    } else {
        alert
    };
    alert.dashboard_var("app_id", "{{ $labels.application_id }}")
}
