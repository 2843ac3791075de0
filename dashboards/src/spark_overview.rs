//! Spark application overview: executors, tasks, GC, shuffle and memory, from the driver's
//! `/metrics/executors/prometheus` endpoint (`spark.ui.prometheus.enabled`, on by default
//! from Spark 4.0). It proves the path from the DSL to Grafana end to end; the deeper
//! Job Tracing and Profiling dashboards build on the same variables.
//!
//! Every series there carries `application_id`, `application_name` and `executor_id`.
//! Applications are picked by name: the id changes on every run. The Findings row and the
//! alert marks read Prometheus' `ALERTS` for every run of the picked names.

use dashboard_dsl::datasource::Prometheus;
use dashboard_dsl::field::{ColorMode, FieldProp};
use dashboard_dsl::model::Variable;
use dashboard_dsl::options::{StatOptions, TimeseriesOptions};
use dashboard_dsl::panel::{self, Panel};
use dashboard_dsl::query::PromQuery;
use dashboard_dsl::variable::{DatasourceVar, IntoVariable, QueryVar, Variables};
use dashboard_dsl::{promql, PanelKey};
use dashboard_dsl::{Dashboard, Row, Unit};

use crate::common::{spark_dashboard, SparkVars};
use crate::findings::{annotate, table, Runs};
use crate::panels::{
    active_tasks_per_executor, any_failure, count_stat, gc_share_of_task_time, heap_peak_query,
    no_level, shuffle_per_executor, storage_in_use, Reference, Scope, Shuffle,
};
use crate::Options;

/// The dashboard's variables, in the order Grafana resolves them: three of
/// [`SparkVars`], so queries, labels and sorting cannot drift from the other dashboards.
/// The overview reads the driver's executor metrics only, hence no Tempo, Jaeger or run
/// picker, and its own wording of two pickers' tooltips.
///
/// ```
/// use dashboard_dsl::variable::Variables as _;
/// let v = dashboards::spark_overview::Vars::new();
/// let names: Vec<_> = v.variables().into_iter().map(|v| v.name).collect();
/// assert_eq!(names, ["prometheus", "app", "executor"]);
/// ```
pub struct Vars {
    /// The Prometheus that scrapes the Spark driver.
    pub prometheus: DatasourceVar<Prometheus>,
    /// Spark application, by `spark.app.name`.
    pub app: QueryVar,
    /// Executors of the application, `driver` included.
    pub executor: QueryVar,
}

impl Vars {
    /// The shared variables, with the overview's tooltips.
    pub fn new() -> Self {
        let shared = SparkVars::new();
        Vars {
            prometheus: shared
                .prometheus
                .description("The Prometheus that scrapes the Spark driver."),
            app: shared.app.description(
                "Spark application, by `spark.app.name` (the id changes on every run).",
            ),
            executor: shared.executor,
        }
    }

    /// What the shared executor panels query.
    pub fn scope(&self) -> Scope<'_> {
        Scope {
            ds: &self.prometheus,
            app: &self.app,
            executor: &self.executor,
        }
    }
}

impl Default for Vars {
    fn default() -> Self {
        Self::new()
    }
}

impl Variables for Vars {
    fn variables(&self) -> Vec<Variable> {
        vec![
            self.prometheus.to_variable(),
            self.app.to_variable(),
            self.executor.to_variable(),
        ]
    }
}

/// Panel keys: panel ids derive from them, so they must never be reused.
#[derive(PanelKey, Clone, Copy)]
pub enum Key {
    Executors,
    ActiveTasks,
    FailedTasks,
    Cores,
    ActiveTasksPerExecutor,
    TaskThroughput,
    GcShare,
    TaskTimePerExecutor,
    ShuffleRead,
    ShuffleWrite,
    PeakHeap,
    StorageMemory,
    Findings,
}

/// The uid other dashboards link to.
pub const UID: &str = "spark-overview";

/// Builds the dashboard: the headline stats, then a list of rows.
///
/// ```
/// let built = dashboards::spark_overview::dashboard(&dashboards::Options::default()).build().unwrap();
/// assert_eq!(built.model.uid, dashboards::spark_overview::UID);
/// ```
pub fn dashboard(o: &Options) -> Dashboard {
    let v = Vars::new();
    let scope = v.scope();
    let [executors, active, failed, cores] = headline_stats(&v);
    let d = spark_dashboard(
        UID,
        "Spark application overview",
        "Executors, tasks, GC, shuffle and memory of one Spark application, from the driver's executor metrics endpoint.",
        &["spark"],
        &v,
    );
    annotate(d, &v.prometheus, Runs::ByName(&v.app))
        .panel(executors)
        .panel(active)
        .panel(failed)
        .panel(cores)
        .row(Row::new("Findings").panel(table(
            Key::Findings,
            &v.prometheus,
            Runs::ByName(&v.app),
            &crate::alerts::all_with(o),
            o,
        )))
        .row(tasks_row(&v))
        .row(
            Row::new("Bottlenecks")
                .panel(gc_share_of_task_time(Key::GcShare, scope))
                .panel(task_time(&v)),
        )
        .row(
            Row::new("Shuffle")
                .panel(shuffle_per_executor(Key::ShuffleRead, scope, Shuffle::Read))
                .panel(shuffle_per_executor(
                    Key::ShuffleWrite,
                    scope,
                    Shuffle::Write,
                )),
        )
        .row(
            Row::new("Memory")
                .panel(peak_heap(&v))
                .panel(storage_in_use(Key::StorageMemory, scope)),
        )
}

/// Executors, active tasks, failed tasks and task slots, above the first row.
fn headline_stats(v: &Vars) -> [Panel<StatOptions>; 4] {
    let ds = &v.prometheus;
    let executors = count_stat(Key::Executors, "Executors", "Executors registered with the driver, the driver included. Fewer than you asked for (spark.executor.instances, or the dynamic allocation range) means the cluster could not place them.")
        .thresholds(no_level())
        .no_graph()
        .query(
            ds,
            PromQuery::new(promql!(
                r#"count(metrics_executor_totalCores{application_name=~"$app"})"#,
                app = v.app
            ))
            .instant(),
        );
    let active = count_stat(Key::ActiveTasks, "Active tasks", "Tasks running now over the selected executors. Compare with Task slots: fewer running tasks than slots while a job runs means idle cores.")
        .thresholds(no_level())
        .query(
            ds,
            executor_query!(v, r#"sum(metrics_executor_activeTasks{application_name=~"$app", executor_id=~"$executor"})"#),
        );
    let failed = count_stat(Key::FailedTasks, "Failed tasks", "Tasks that failed since the application started. Any failure is worth a look (red): a task retried after an OOM or a fetch failure costs its time twice.")
        .color(ColorMode::Thresholds)
        .thresholds(any_failure())
        .background()
        .query(
            ds,
            executor_query!(v, r#"sum(metrics_executor_failedTasks_total{application_name=~"$app", executor_id=~"$executor"})
# lint-allow target-counter-agg: the stat shows the running total since the application started"#),
        );
    let cores = count_stat(Key::Cores, "Task slots", "Cores available to tasks (maxTasks), summed over executors: the most tasks that can run at once.")
        .thresholds(no_level())
        .query(
            ds,
            executor_query!(v, r#"sum(metrics_executor_maxTasks{application_name=~"$app", executor_id=~"$executor"})"#),
        );
    [executors, active, failed, cores]
}

fn tasks_row(v: &Vars) -> Row {
    let ds = &v.prometheus;
    let mut throughput = panel::timeseries(Key::TaskThroughput, "Task throughput")
        .description("Tasks completed (and failed, in red) per second, over all selected executors. A rate has no bad level of its own; failures should stay at zero.")
        .unit(Unit::OpsPerSecond)
        .min(0.0)
        .thresholds(no_level());
    throughput.add_query(
        ds,
        executor_query!(v, r#"sum(rate(metrics_executor_completedTasks_total{application_name=~"$app", executor_id=~"$executor"}[$__rate_interval]))"#)
        .legend("completed"),
    );
    let failed_rate = throughput.add_query(
        ds,
        executor_query!(v, r#"sum(rate(metrics_executor_failedTasks_total{application_name=~"$app", executor_id=~"$executor"}[$__rate_interval]))"#)
        .legend("failed"),
    );
    Row::new("Tasks")
        .panel(active_tasks_per_executor(
            Key::ActiveTasksPerExecutor,
            v.scope(),
        ))
        .panel(throughput.override_query(&failed_rate, [FieldProp::Color("red".into())]))
}

fn task_time(v: &Vars) -> Panel<TimeseriesOptions> {
    panel::timeseries(Key::TaskTimePerExecutor, "Task time per executor")
        .description("Seconds of task time per second, per executor: how many cores each executor keeps busy. Compare with its task slots; Spark Profiling shows the same as a share.")
        .unit(Unit::Short)
        .min(0.0)
        .thresholds(no_level())
        .stacked()
        .fill_opacity(30)
        .query(
            &v.prometheus,
            executor_query!(v, r#"sum by (executor_id) (rate(metrics_executor_totalDuration_seconds_total{application_name=~"$app", executor_id=~"$executor"}[$__rate_interval]))"#)
            .legend("{{executor_id}}"),
        )
}

/// Peak heap against the unified memory limit (dashed).
fn peak_heap(v: &Vars) -> Panel<TimeseriesOptions> {
    let ds = &v.prometheus;
    panel::timeseries(Key::PeakHeap, "Peak JVM heap per executor")
        .description("Peak heap since the application started (Spark reports peaks here, not current use), against the unified memory limit (dashed). Bytes have no bad level of their own: compare the peak with the executor's heap, spark.executor.memory.")
        .unit(Unit::BytesIEC)
        .min(0.0)
        .thresholds(no_level())
        .against_limit(
            ds,
            heap_peak_query(v.scope()).legend("{{executor_id}} peak heap"),
            executor_query!(v, r#"max by (executor_id) (metrics_executor_maxMemory_bytes{application_name=~"$app", executor_id=~"$executor"})"#)
                .legend("{{executor_id}} unified memory limit"),
        )
}

#[cfg(test)]
mod tests {
    use super::*;
    use dashboard_dsl::panel::PanelKey as _;

    #[test]
    fn keys_are_snake_case() {
        assert_eq!(Key::GcShare.key(), "gc_share");
    }
}
