//! Group `spark-outcome`: application and job outcome, from the driver's appStatus
//! counters and the executor summaries.

use dashboard_dsl::alert::{AlertRule, RuleGroup, Severity};
use dashboard_dsl::promql;
use dashboard_dsl::query::PromQl;
use dashboard_dsl::rules::Duration;

use super::{spark_alert, INTERVAL};
use crate::common::Recipe;
use crate::spark_job_tracing::Key;
use crate::Options;

/// Application and job outcome: failures the scheduler reports, executors lost, the
/// application gone.
///
/// ```
/// let g = dashboards::alerts::outcome::group(&dashboards::Options::default());
/// assert_eq!(g.name(), "spark-outcome");
/// ```
pub fn group(o: &Options) -> RuleGroup {
    RuleGroup::new("spark-outcome")
        .interval(INTERVAL)
        .alert(spark_alert(
            AlertRule::new("SparkJobFailed", Severity::Warning, promql!(
                r#"sum by (application_id) (increase(spark_appStatus_jobs_failedJobs_Count[5m])) > 0"#
            ))
            .summary("A job of application {{ $labels.application_id }} failed")
            .description("{{ $value | printf \"%.0f\" }} job(s) failed in the last 5 minutes (the driver's appStatus counter). The failed stage's tasks say why: see the recipe's \"Stages fail and rerun\"."),
            Recipe::SlowJobs,
            Key::Completions,
            false,
            o,
        ))
        .alert(spark_alert(
            AlertRule::new("SparkStageFailed", Severity::Warning, promql!(
                r#"sum by (application_id) (increase(spark_appStatus_stages_failedStages_Count[5m])) > 0"#
            ))
            .summary("A stage of application {{ $labels.application_id }} failed")
            .description("{{ $value | printf \"%.0f\" }} stage attempt(s) failed in the last 5 minutes. Fetch failures (a lost executor or shuffle service) rerun whole stages and double their cost."),
            Recipe::Shuffle,
            Key::FailedStages,
            false,
            o,
        ))
        .alert(task_failures(
            "SparkTaskFailureRateHigh",
            Severity::Warning,
            promql!(
                r#"sum by (application_id, application_name) (rate(metrics_executor_failedTasks_total{executor_id!="driver"}[5m]))
  / sum by (application_id, application_name) (rate(metrics_executor_totalTasks_total{executor_id!="driver"}[5m]))
  > 0.1"#
            ),
            "Tasks of {{ $labels.application_name }} are failing",
            "first tier: 10 %). Spark retries them (spark.task.maxFailures), at the cost of the work lost.",
            o,
        ))
        .alert(task_failures(
            "SparkTaskFailureRateCritical",
            Severity::Critical,
            promql!(
                r#"sum by (application_id, application_name) (rate(metrics_executor_failedTasks_total{executor_id!="driver"}[5m]))
  / sum by (application_id, application_name) (rate(metrics_executor_totalTasks_total{executor_id!="driver"}[5m]))
  > 0.5"#
            ),
            "Half the tasks of {{ $labels.application_name }} fail",
            "critical tier: 50 %). A task that fails spark.task.maxFailures times fails its job.",
            o,
        ))
        .alert(spark_alert(
            // An executor seen 2 minutes ago and gone now, while its driver still reports:
            // removed or lost. Spark's metrics carry no removal reason; spark-exporter's
            // `spark_executor_removed_timestamp_seconds` has Spark's (REST allexecutors
            // `removeReason`), and removals the driver chose are left alone: `Executor
            // killed by driver.` (ExecutorKilled: dynamic allocation, `sc.killExecutor`) and
            // `Executor decommission: …` (ExecutorDecommission), in apache/spark's
            // core/src/main/scala/org/apache/spark/scheduler/ExecutorLossReason.scala.
            // Without the exporter every removal fires.
            AlertRule::new("SparkExecutorRemoved", Severity::Warning, promql!(
                r#"max by (application_id, application_name, executor_id) (metrics_executor_totalCores{executor_id!="driver"} offset 2m)
  unless on (application_id, executor_id) metrics_executor_totalCores
  unless on (application_id, executor_id) spark_executor_removed_timestamp_seconds{reason=~"Executor killed by driver.*|Executor decommission.*"}
  and on (application_id) metrics_executor_totalCores{executor_id="driver"}"#
            ))
            .keep_firing_for(Duration::minutes(5))
            .summary("Executor {{ $labels.executor_id }} of {{ $labels.application_name }} is gone")
            .description("Executor {{ $labels.executor_id }} of {{ $labels.application_name }} ({{ $labels.application_id }}) stopped reporting while the application runs: lost (OOM killed, its node gone) or removed for a reason the driver did not choose (removals by dynamic allocation and decommissioning are left out where spark-exporter runs). Its running tasks and its shuffle output are recomputed unless a shuffle service keeps them."),
            Recipe::OomAndSpill,
            Key::ActiveTasksPerExecutor,
            true,
            o,
        ))
        .alert(spark_alert(
            // The driver's own executor summary, gone: the application ended (or its
            // driver stopped answering). Spark's metrics do not tell success from failure.
            AlertRule::new("SparkApplicationEnded", Severity::Info, promql!(
                r#"max by (application_id, application_name) (metrics_executor_totalCores{executor_id="driver"} offset 1m)
  unless on (application_id) metrics_executor_totalCores{executor_id="driver"}"#
            ))
            .keep_firing_for(Duration::minutes(5))
            .summary("Application {{ $labels.application_name }} ended")
            .description("The driver of {{ $labels.application_name }} ({{ $labels.application_id }}) stopped reporting: the application completed, failed or its driver became unreachable. Its event log (spark-traces) has the outcome."),
            Recipe::ProfilingGuide,
            Key::JobsAndStages,
            true,
            o,
        ))
}

/// A task failure share above a tier of Dr. Elephant's heuristic (the threshold is in
/// `expr`, a literal for `promql!`), held for 5 minutes.
fn task_failures(
    name: &str,
    severity: Severity,
    expr: PromQl,
    summary: &str,
    tier: &str,
    o: &Options,
) -> AlertRule {
    let description = format!("{{{{ $value | humanizePercentage }}}} of the tasks of {{{{ $labels.application_name }}}} ({{{{ $labels.application_id }}}}) failed over 5 minutes, for 5 minutes (Dr. Elephant's {tier}");
    spark_alert(
        AlertRule::new(name, severity, expr)
            .for_(Duration::minutes(5))
            .summary(summary)
            .description(&description),
        Recipe::OomAndSpill,
        Key::FailedTasksPerExecutor,
        true,
        o,
    )
}
