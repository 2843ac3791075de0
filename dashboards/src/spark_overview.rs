//! Spark application overview: executors, tasks, GC, shuffle and memory, from the driver's
//! `/metrics/executors/prometheus` endpoint (`spark.ui.prometheus.enabled`, on by default
//! from Spark 4.0). It proves the path from the DSL to Grafana end to end; the deeper
//! Job Tracing and Profiling dashboards build on the same variables.
//!
//! Every series there carries `application_id`, `application_name` and `executor_id`.
//! Applications are picked by name: the id changes on every run.

use dashboard_dsl::datasource::Prometheus;
use dashboard_dsl::field::{thresholds, ColorMode, FieldProp};
use dashboard_dsl::options::{Calc, Legend, Tooltip};
use dashboard_dsl::panel;
use dashboard_dsl::query::PromQuery;
use dashboard_dsl::variable::{DatasourceVar, QueryVar};
use dashboard_dsl::{Dashboard, GraphTooltip, Row, Unit};
use dashboard_macros::{promql, PanelKey, Variables};

/// The dashboard's variables, in the order Grafana resolves them.
#[derive(Variables)]
pub struct Vars {
    /// The Prometheus that scrapes the Spark driver.
    #[variable(label = "Prometheus", default = "prometheus")]
    pub prometheus: DatasourceVar<Prometheus>,
    /// Spark application, by `spark.app.name` (the id changes on every run).
    #[variable(
        label = "Application",
        datasource = prometheus,
        query = "label_values(metrics_executor_activeTasks, application_name)",
        sort = dashboard_dsl::variable::Sort::AlphabeticalAsc
    )]
    pub app: QueryVar,
    /// Executors of the application, `driver` included.
    #[variable(
        label = "Executor",
        datasource = prometheus,
        query = "label_values(metrics_executor_activeTasks{application_name=~\"$app\"}, executor_id)",
        multi,
        include_all,
        all_value = ".*",
        sort = dashboard_dsl::variable::Sort::NaturalAsc
    )]
    pub executor: QueryVar,
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
}

/// The uid other dashboards link to.
pub const UID: &str = "spark-overview";

/// Builds the dashboard.
pub fn dashboard() -> Dashboard {
    let v = Vars::new();
    let ds = &v.prometheus;

    let executors = panel::stat(Key::Executors, "Executors")
        .description("Executors registered with the driver, the driver included.")
        .no_graph()
        .query(
            ds,
            PromQuery::new(promql!(
                r#"count(metrics_executor_totalCores{application_name=~"$app"})"#,
                app = v.app
            ))
            .instant(),
        );
    let active = panel::stat(Key::ActiveTasks, "Active tasks")
        .unit(Unit::Short)
        .query(
            ds,
            PromQuery::new(promql!(
                r#"sum(metrics_executor_activeTasks{application_name=~"$app", executor_id=~"$executor"})"#,
                app = v.app,
                executor = v.executor
            )),
        );
    let failed = panel::stat(Key::FailedTasks, "Failed tasks")
        .description("Tasks that failed since the application started.")
        .color(ColorMode::Thresholds)
        .thresholds(thresholds("green", &[(1.0, "red")]))
        .background()
        .query(
            ds,
            PromQuery::new(promql!(
                r#"sum(metrics_executor_failedTasks_total{application_name=~"$app", executor_id=~"$executor"})"#,
                app = v.app,
                executor = v.executor
            )),
        );
    let cores = panel::stat(Key::Cores, "Task slots")
        .description("Cores available to tasks (maxTasks), summed over executors.")
        .query(
            ds,
            PromQuery::new(promql!(
                r#"sum(metrics_executor_maxTasks{application_name=~"$app", executor_id=~"$executor"})"#,
                app = v.app,
                executor = v.executor
            )),
        );

    let per_executor = panel::timeseries(Key::ActiveTasksPerExecutor, "Active tasks per executor")
        .description("Running tasks per executor. Flat lines at zero on some executors while others are busy point at skew or too few partitions.")
        .unit(Unit::Short)
        .min(0.0)
        .legend(Legend::table(&[Calc::Max, Calc::Mean]))
        .tooltip(Tooltip::all_descending())
        .query(
            ds,
            PromQuery::new(promql!(
                r#"sum by (executor_id) (metrics_executor_activeTasks{application_name=~"$app", executor_id=~"$executor"})"#,
                app = v.app,
                executor = v.executor
            ))
            .legend("{{executor_id}}"),
        );
    let mut throughput = panel::timeseries(Key::TaskThroughput, "Task throughput")
        .description("Tasks completed and failed per second, over all selected executors.")
        .unit(Unit::OpsPerSecond)
        .min(0.0);
    throughput.add_query(
        ds,
        PromQuery::new(promql!(
            r#"sum(rate(metrics_executor_completedTasks_total{application_name=~"$app", executor_id=~"$executor"}[$__rate_interval]))"#,
            app = v.app,
            executor = v.executor
        ))
        .legend("completed"),
    );
    let failed_rate = throughput.add_query(
        ds,
        PromQuery::new(promql!(
            r#"sum(rate(metrics_executor_failedTasks_total{application_name=~"$app", executor_id=~"$executor"}[$__rate_interval]))"#,
            app = v.app,
            executor = v.executor
        ))
        .legend("failed"),
    );
    let throughput = throughput.override_query(&failed_rate, [FieldProp::Color("red".into())]);

    let gc_share = panel::timeseries(Key::GcShare, "GC share of task time")
        .description("GC time the tasks report divided by task run time, per executor (the Spark UI's ratio). Above 10% the executor spends real time collecting: give it more memory or cache less.")
        .unit(Unit::PercentUnit)
        .min(0.0)
        .color(ColorMode::Thresholds)
        .thresholds(thresholds("green", &[(0.1, "orange"), (0.2, "red")]))
        .threshold_lines()
        .legend(Legend::table(&[Calc::Max, Calc::Mean]))
        .query(
            ds,
            PromQuery::new(promql!(
                r#"sum by (executor_id) (rate(metrics_executor_totalGCTime_seconds_total{application_name=~"$app", executor_id=~"$executor"}[$__rate_interval]))
  / sum by (executor_id) (rate(metrics_executor_totalDuration_seconds_total{application_name=~"$app", executor_id=~"$executor"}[$__rate_interval]))"#,
                app = v.app,
                executor = v.executor
            ))
            .legend("{{executor_id}}"),
        );
    let task_time = panel::timeseries(Key::TaskTimePerExecutor, "Task time per executor")
        .description("Seconds of task time per second, per executor: how many cores each executor keeps busy.")
        .unit(Unit::Short)
        .min(0.0)
        .stacked()
        .fill_opacity(30)
        .query(
            ds,
            PromQuery::new(promql!(
                r#"sum by (executor_id) (rate(metrics_executor_totalDuration_seconds_total{application_name=~"$app", executor_id=~"$executor"}[$__rate_interval]))"#,
                app = v.app,
                executor = v.executor
            ))
            .legend("{{executor_id}}"),
        );

    let shuffle_read = panel::timeseries(Key::ShuffleRead, "Shuffle read per executor")
        .unit(Unit::BytesPerSecondIEC)
        .min(0.0)
        .query(
            ds,
            PromQuery::new(promql!(
                r#"sum by (executor_id) (rate(metrics_executor_totalShuffleRead_bytes_total{application_name=~"$app", executor_id=~"$executor"}[$__rate_interval]))"#,
                app = v.app,
                executor = v.executor
            ))
            .legend("{{executor_id}}"),
        );
    let shuffle_write = panel::timeseries(Key::ShuffleWrite, "Shuffle write per executor")
        .unit(Unit::BytesPerSecondIEC)
        .min(0.0)
        .query(
            ds,
            PromQuery::new(promql!(
                r#"sum by (executor_id) (rate(metrics_executor_totalShuffleWrite_bytes_total{application_name=~"$app", executor_id=~"$executor"}[$__rate_interval]))"#,
                app = v.app,
                executor = v.executor
            ))
            .legend("{{executor_id}}"),
        );

    let mut heap = panel::timeseries(Key::PeakHeap, "Peak JVM heap per executor")
        .description("Peak heap since the application started (Spark reports peaks here, not current use), against the storage memory limit.")
        .unit(Unit::BytesIEC)
        .min(0.0);
    heap.add_query(
        ds,
        PromQuery::new(promql!(
            r#"max by (executor_id) (metrics_executor_JVMHeapMemory_bytes{application_name=~"$app", executor_id=~"$executor"})"#,
            app = v.app,
            executor = v.executor
        ))
        .legend("{{executor_id}} peak heap"),
    );
    let limit = heap.add_query(
        ds,
        PromQuery::new(promql!(
            r#"max by (executor_id) (metrics_executor_maxMemory_bytes{application_name=~"$app", executor_id=~"$executor"})"#,
            app = v.app,
            executor = v.executor
        ))
        .legend("{{executor_id}} storage limit"),
    );
    let heap = heap.override_query(&limit, [FieldProp::Dashed, FieldProp::FillOpacity(0)]);
    let storage = panel::bar_gauge(Key::StorageMemory, "Storage memory used")
        .description("On-heap storage memory in use (cached blocks) as a share of what each executor may use for storage.")
        .unit(Unit::PercentUnit)
        .min(0.0)
        .max(1.0)
        .color(ColorMode::GreenYellowRed)
        .query(
            ds,
            PromQuery::new(promql!(
                r#"max by (executor_id) (metrics_executor_usedOnHeapStorageMemory_bytes{application_name=~"$app", executor_id=~"$executor"})
  / max by (executor_id) (metrics_executor_totalOnHeapStorageMemory_bytes{application_name=~"$app", executor_id=~"$executor"})"#,
                app = v.app,
                executor = v.executor
            ))
            .legend("{{executor_id}}")
            .instant(),
        );

    Dashboard::new(UID, "Spark application overview")
        .description("Executors, tasks, GC, shuffle and memory of one Spark application, from the driver's executor metrics endpoint.")
        .tags(["spark"])
        .folder(crate::spark_folder())
        .time("now-1h", "now")
        .refresh("30s")
        .graph_tooltip(GraphTooltip::SharedCrosshair)
        .variables(&v)
        .panel(executors)
        .panel(active)
        .panel(failed)
        .panel(cores)
        .row(Row::new("Tasks").panel(per_executor).panel(throughput))
        .row(Row::new("Bottlenecks").panel(gc_share).panel(task_time))
        .row(Row::new("Shuffle").panel(shuffle_read).panel(shuffle_write))
        .row(Row::new("Memory").panel(heap).panel(storage))
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
