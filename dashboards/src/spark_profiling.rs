//! Spark Profiling (`spark-profiling`): where an application's time and memory go — GC,
//! executor utilization, memory per executor, shuffle and its skew, task time and CPU.
//!
//! Serialization time, shuffle fetch wait, spill and per-stage task skew are not exported
//! by Spark on a cluster (only in local mode, from the driver's executor source). The last
//! three rows read them from `spark-exporter` (`spark_executor_*` from the executors'
//! GraphiteSink, `spark_stage_*` from the REST API); see `provisioning/spark-exporter/`.

use dashboard_dsl::datasource::Prometheus;
use dashboard_dsl::field::{thresholds, ColorMode};
use dashboard_dsl::link::PanelLink;
use dashboard_dsl::options::{BarGaugeDisplayMode, BarGaugeOptions, Calc, Legend, Tooltip};
use dashboard_dsl::options::{StatOptions, TimeseriesOptions};
use dashboard_dsl::panel::{self, Panel};
use dashboard_dsl::query::{PromQl, PromQuery};
use dashboard_dsl::variable::DatasourceVar;
use dashboard_dsl::{promql, PanelKey};
use dashboard_dsl::{Dashboard, Row, Unit};

use crate::common::{
    executor_trace_links, spark_dashboard, stage_span_links, trace_links, with_sibling, DataLinks,
    Recipe, SparkVars,
};
use crate::panels::{
    any_spill, gc_thresholds, heap_peak_query, no_level, share_per_executor, shuffle_per_executor,
    shuffle_skew, stage_skew_thresholds, storage_in_use, task_duration_thresholds,
    utilization_thresholds, Reference, Scope, Shuffle,
};
use crate::Options;

/// Panel keys: ids derive from them, so a key is never reused for another panel.
#[derive(PanelKey, Clone, Copy)]
pub enum Key {
    GcTotal,
    GcPerExecutor,
    GcCollections,
    GcTime,
    Utilization,
    UtilizationPerExecutor,
    TaskTime,
    UnifiedMemory,
    HeapPeak,
    ExecutionStoragePeak,
    StorageInUse,
    RssPeak,
    DriverHeap,
    ShuffleRead,
    ShuffleWrite,
    ShuffleReadSkew,
    ShuffleWriteSkew,
    DriverCpu,
    // spark-exporter rows.
    TimeBreakdown,
    ExecutorTaskCpu,
    SerdeShare,
    FetchWaitShare,
    SpillPerExecutor,
    SpillPerStage,
    StageTaskSkew,
    StageShuffleReadSkew,
    StageTaskDuration,
}

/// A bar per stage among the 10 most skewed (max/median), coloured at Dr. Elephant's tiers,
/// each bar linking to its stage's span. `query` carries `stage_id` and `stage_name`.
fn stage_skew_gauge(
    o: &Options,
    key: Key,
    title: &str,
    description: &str,
    span_links: &[PanelLink; 2],
    ds: &DatasourceVar<Prometheus>,
    query: PromQl,
) -> Panel<BarGaugeOptions> {
    panel::bar_gauge(key, title)
        .description(description)
        .link(Recipe::DataSkew.link(o))
        .data_links(span_links)
        .display(BarGaugeDisplayMode::Basic)
        .unit(Unit::Short)
        .decimals(1)
        .min(1.0)
        .color(ColorMode::Thresholds)
        .thresholds(stage_skew_thresholds())
        .size(8, 10)
        .query(
            ds,
            PromQuery::new(query)
                .legend("{{stage_id}}: {{stage_name}}")
                .instant(),
        )
}

/// Builds the dashboard, its recipe links under `o.recipes_url`: a list of rows.
///
/// ```
/// let d = dashboards::spark_profiling::dashboard(&dashboards::Options::default());
/// assert_eq!(d.build().unwrap().model.uid, dashboards::common::PROFILING_UID);
/// ```
pub fn dashboard(o: &Options) -> Dashboard {
    let v = SparkVars::new();
    let d = spark_dashboard(
        crate::common::PROFILING_UID,
        "Spark Profiling",
        "Where a Spark application's time and memory go: GC, executor utilization, memory per executor, shuffle and its skew, task time and CPU.",
        &["spark", "profiling"],
        &v,
    );
    with_sibling(
        d,
        crate::common::TRACING_UID,
        "Spark Job Tracing",
        "The same application's jobs, stages, tasks and spans",
    )
    .row(gc_row(&v, o))
    .row(utilization_row(&v, o))
    .row(memory_row(&v, o))
    .row(shuffle_row(&v, o))
    .row(Row::new("CPU").panel(driver_cpu(&v, o)))
    .row(time_breakdown_row(&v, o))
    .row(spill_row(&v, o))
    .row(stage_skew_row(&v, o))
}

fn gc_row(v: &SparkVars, o: &Options) -> Row {
    let ds = &v.prometheus;
    let executor_spans = executor_trace_links(v);
    let gc_per_executor = share_per_executor(
        panel::timeseries(Key::GcPerExecutor, "GC time % per executor")
        .description("JVM garbage-collection time (minor + major) over task time, per executor that runs tasks. One executor far above the others holds bigger partitions (skew) or caches more; all of them high means too little memory per task.")
        .link(Recipe::Gc.link(o))
        .data_links(&executor_spans),
        gc_thresholds(),
    )
        .width(18)
        .query(ds, executor_query!(v, r#"sum by (executor_id) (
    (rate(metrics_executor_MinorGCTime_seconds_total{application_name=~"$app", executor_id=~"$executor"}[$__rate_interval])
      + rate(metrics_executor_MajorGCTime_seconds_total{application_name=~"$app", executor_id=~"$executor"}[$__rate_interval]))
    and on (application_id, executor_id) (metrics_executor_maxTasks > 0))
  / (sum by (executor_id) (rate(metrics_executor_totalDuration_seconds_total{application_name=~"$app", executor_id=~"$executor"}[$__rate_interval])) > 0)"#).legend("{{executor_id}}"));
    let gc_collections = panel::timeseries(Key::GcCollections, "GC collections, minor vs major")
        .description("Garbage collections per second per executor. Minor (young) collections are cheap and frequent; major (old/full) collections stop the executor and should be rare. Rising major collections precede OOMs.")
        .link(Recipe::Gc.link(o))
        .unit(Unit::OpsPerSecond)
        .min(0.0)
        .thresholds(no_level())
        .tooltip(Tooltip::all_descending())
        .solid_and_dashed(
            ds,
            executor_query!(v, r#"sum by (executor_id) (rate(metrics_executor_MinorGCCount_total{application_name=~"$app", executor_id=~"$executor"}[$__rate_interval]))"#).legend("{{executor_id}} minor"),
            executor_query!(v, r#"sum by (executor_id) (rate(metrics_executor_MajorGCCount_total{application_name=~"$app", executor_id=~"$executor"}[$__rate_interval]))"#).legend("{{executor_id}} major"),
        );
    let gc_time = panel::timeseries(Key::GcTime, "GC time, minor vs major")
        .description("Seconds spent collecting per second, per executor and collector. Major collection time is the pause that hurts: whole seconds of it mean the old generation is full.")
        .link(Recipe::Gc.link(o))
        .unit(Unit::PercentUnit)
        .min(0.0)
        .thresholds(gc_thresholds())
        .tooltip(Tooltip::all_descending())
        .solid_and_dashed(
            ds,
            executor_query!(v, r#"sum by (executor_id) (rate(metrics_executor_MinorGCTime_seconds_total{application_name=~"$app", executor_id=~"$executor"}[$__rate_interval]))"#).legend("{{executor_id}} minor"),
            executor_query!(v, r#"sum by (executor_id) (rate(metrics_executor_MajorGCTime_seconds_total{application_name=~"$app", executor_id=~"$executor"}[$__rate_interval]))"#).legend("{{executor_id}} major"),
        );
    Row::new("GC")
        .panel(gc_total(v, o))
        .panel(gc_per_executor)
        .panel(gc_collections)
        .panel(gc_time)
}

fn gc_total(v: &SparkVars, o: &Options) -> Panel<StatOptions> {
    let ds = &v.prometheus;
    let app_spans = trace_links(v);
    panel::stat(Key::GcTotal, "GC time % (all executors)")
        .description("JVM garbage-collection time (minor + major collectors) over task time, over the selected executors that run tasks. Below 10% is healthy; 10-20% (orange) costs real time; above 20% (red) the executors mostly collect garbage.")
        .link(Recipe::Gc.link(o))
        .data_links(&app_spans)
        .unit(Unit::PercentUnit)
        .decimals(1)
        .color(ColorMode::Thresholds)
        .thresholds(gc_thresholds())
        .size(6, 8)
        .query(ds, executor_query!(v, r#"sum(
    (rate(metrics_executor_MinorGCTime_seconds_total{application_name=~"$app", executor_id=~"$executor"}[$__rate_interval])
      + rate(metrics_executor_MajorGCTime_seconds_total{application_name=~"$app", executor_id=~"$executor"}[$__rate_interval]))
    and on (application_id, executor_id) (metrics_executor_maxTasks > 0))
  / (sum(rate(metrics_executor_totalDuration_seconds_total{application_name=~"$app", executor_id=~"$executor"}[$__rate_interval])
    and on (application_id, executor_id) (metrics_executor_maxTasks > 0)) > 0)"#))
}

fn utilization_row(v: &SparkVars, o: &Options) -> Row {
    let ds = &v.prometheus;
    let executor_spans = executor_trace_links(v);
    let utilization = panel::gauge(Key::Utilization, "Executor utilization")
        .description("Running tasks over task slots, over all selected executors that run tasks, averaged over the time range. Low utilization while jobs run means idle cores you pay for: too few partitions, stragglers, or driver-side work.")
        .link(Recipe::SlowJobs.link(o))
        .unit(Unit::PercentUnit)
        .min(0.0)
        .max(1.0)
        .decimals(0)
        .color(ColorMode::Thresholds)
        .thresholds(utilization_thresholds())
        .size(6, 8)
        .query(ds, executor_query!(v, r#"sum(avg_over_time(metrics_executor_activeTasks{application_name=~"$app", executor_id=~"$executor"}[$__range]))
  / (sum(max_over_time(metrics_executor_maxTasks{application_name=~"$app", executor_id=~"$executor"}[$__range])) > 0)"#).instant());
    let utilization_per_executor = panel::timeseries(Key::UtilizationPerExecutor, "Executor utilization per executor")
        .description("Running tasks over task slots, per executor. Executors stuck near 0% while others are at 100% do not get work: check partition counts and locality waits.")
        .link(Recipe::SlowJobs.link(o))
        .data_links(&executor_spans)
        .unit(Unit::PercentUnit)
        .min(0.0)
        .max(1.0)
        .thresholds(utilization_thresholds())
        .legend(Legend::table(&[Calc::Mean]))
        .width(18)
        .query(ds, executor_query!(v, r#"sum by (executor_id) (metrics_executor_activeTasks{application_name=~"$app", executor_id=~"$executor"})
  / (sum by (executor_id) (metrics_executor_maxTasks{application_name=~"$app", executor_id=~"$executor"}) > 0)"#).legend("{{executor_id}}"));
    let task_time = panel::state_timeline(Key::TaskTime, "Task time per executor")
        .description("Task seconds per second on each executor over its task slots: how busy each executor was, over time. Long green lanes next to grey ones are stragglers and idle executors side by side.")
        .link(Recipe::DataSkew.link(o))
        .data_links(&executor_spans)
        .unit(Unit::PercentUnit)
        .min(0.0)
        .max(1.0)
        .color(ColorMode::Thresholds)
        .thresholds(thresholds("text", &[(0.05, "yellow"), (0.5, "green")]))
        .size(24, 8)
        .query(ds, executor_query!(v, r#"sum by (executor_id) (rate(metrics_executor_totalDuration_seconds_total{application_name=~"$app", executor_id=~"$executor"}[$__rate_interval]))
  / (sum by (executor_id) (metrics_executor_maxTasks{application_name=~"$app", executor_id=~"$executor"}) > 0)"#).legend("{{executor_id}}"));

    Row::new("Executor utilization")
        .panel(utilization)
        .panel(utilization_per_executor)
        .panel(task_time)
}

fn memory_row(v: &SparkVars, o: &Options) -> Row {
    let ds = &v.prometheus;
    let scope = Scope::of(v);
    let heap = panel::timeseries(Key::HeapPeak, "Peak JVM heap per executor")
        .description("Peak JVM heap and off-heap (metaspace, code cache) per executor since the application started. Spark reports peaks here, so the line only goes up; compare with the executor's -Xmx (spark.executor.memory).")
        .link(Recipe::OomAndSpill.link(o))
        .unit(Unit::BytesIEC)
        .min(0.0)
        .thresholds(no_level())
        .query(ds, heap_peak_query(scope).legend("{{executor_id}} heap"))
        .query(ds, executor_query!(v, r#"max by (executor_id) (metrics_executor_JVMOffHeapMemory_bytes{application_name=~"$app", executor_id=~"$executor"})"#).legend("{{executor_id}} off-heap"));
    let exec_storage = panel::timeseries(Key::ExecutionStoragePeak, "Peak execution and storage memory")
        .description("Peak on-heap execution memory (joins, sorts, aggregations) and storage memory (cached blocks) per executor. Execution peaks that crowd out storage evict cached data; both at the limit mean spill.")
        .link(Recipe::OomAndSpill.link(o))
        .unit(Unit::BytesIEC)
        .min(0.0)
        .thresholds(no_level())
        .query(ds, executor_query!(v, r#"max by (executor_id) (metrics_executor_OnHeapExecutionMemory_bytes{application_name=~"$app", executor_id=~"$executor"})"#).legend("{{executor_id}} execution"))
        .query(ds, executor_query!(v, r#"max by (executor_id) (metrics_executor_OnHeapStorageMemory_bytes{application_name=~"$app", executor_id=~"$executor"})"#).legend("{{executor_id}} storage"));
    let storage_now = storage_in_use(Key::StorageInUse, scope)
        .link(Recipe::OomAndSpill.link(o))
        .width(8);
    let rss = panel::timeseries(Key::RssPeak, "Peak process RSS per executor")
        .description("Peak resident memory of the executor's JVM and of its Python workers (PySpark UDFs), from procfs. On Kubernetes the container is killed when JVM + Python + overhead passes the pod limit: raise spark.executor.memoryOverhead (or spark.executor.pyspark.memory).")
        .link(Recipe::OomAndSpill.link(o))
        .unit(Unit::BytesIEC)
        .min(0.0)
        .thresholds(no_level())
        .stacked()
        .fill_opacity(20)
        .width(8)
        .query(ds, executor_query!(v, r#"max by (executor_id) (metrics_executor_ProcessTreeJVMRSSMemory_bytes{application_name=~"$app", executor_id=~"$executor"})"#).legend("{{executor_id}} JVM"))
        .query(ds, executor_query!(v, r#"max by (executor_id) (metrics_executor_ProcessTreePythonRSSMemory_bytes{application_name=~"$app", executor_id=~"$executor"})"#).legend("{{executor_id}} Python"));
    Row::new("Memory")
        .panel(unified_memory(v, o))
        .panel(heap)
        .panel(exec_storage)
        .panel(storage_now)
        .panel(driver_heap(v, o))
        .panel(rss)
}

fn unified_memory(v: &SparkVars, o: &Options) -> Panel<TimeseriesOptions> {
    let ds = &v.prometheus;
    panel::timeseries(Key::UnifiedMemory, "Peak execution + storage memory vs limit")
        .description("Peak on-heap unified memory (execution and storage) per executor since the application started, against its limit (spark.memory.fraction of the heap, dashed). Peaks at the limit mean spills and evictions; see the recipe.")
        .link(Recipe::OomAndSpill.link(o))
        .unit(Unit::BytesIEC)
        .min(0.0)
        .thresholds(no_level())
        .against_limit(
            ds,
            executor_query!(v, r#"max by (executor_id) (metrics_executor_OnHeapUnifiedMemory_bytes{application_name=~"$app", executor_id=~"$executor"})"#).legend("{{executor_id}} peak"),
            executor_query!(v, r#"max by (executor_id) (metrics_executor_maxMemory_bytes{application_name=~"$app", executor_id=~"$executor"})"#).legend("{{executor_id}} limit"),
        )
}

fn driver_heap(v: &SparkVars, o: &Options) -> Panel<TimeseriesOptions> {
    let ds = &v.prometheus;
    panel::timeseries(Key::DriverHeap, "Driver heap (current)")
        .description("The driver JVM's heap in use now, against its maximum. A driver near its maximum fails on collect(), broadcast joins and large task results: raise spark.driver.memory or collect less.")
        .link(Recipe::OomAndSpill.link(o))
        .unit(Unit::BytesIEC)
        .min(0.0)
        .thresholds(no_level())
        .width(8)
        .against_limit(
            ds,
            PromQuery::new(promql!(
            r#"sum(spark_jvm_heap_used_Value{application_id=~"$app_id"})"#,
            app_id = v.app_id
                ))
                .legend("used"),
            PromQuery::new(promql!(
            r#"sum(spark_jvm_heap_max_Value{application_id=~"$app_id"})"#,
            app_id = v.app_id
                ))
                .legend("max"),
        )
}

fn shuffle_row(v: &SparkVars, o: &Options) -> Row {
    let scope = Scope::of(v);
    let app_spans = trace_links(v);
    let executor_spans = executor_trace_links(v);
    let shuffle_read = shuffle_per_executor(Key::ShuffleRead, scope, Shuffle::Read)
        .link(Recipe::Shuffle.link(o))
        .data_links(&executor_spans)
        .width(9);
    let shuffle_write = shuffle_per_executor(Key::ShuffleWrite, scope, Shuffle::Write)
        .link(Recipe::Shuffle.link(o))
        .data_links(&executor_spans)
        .width(9);
    let read_skew = shuffle_skew(Key::ShuffleReadSkew, scope, Shuffle::Read)
        .link(Recipe::DataSkew.link(o))
        .data_links(&app_spans)
        .size(6, 4);
    let write_skew = shuffle_skew(Key::ShuffleWriteSkew, scope, Shuffle::Write)
        .link(Recipe::DataSkew.link(o))
        .data_links(&app_spans)
        .size(6, 4);
    Row::new("Shuffle")
        .panel(read_skew)
        .panel(shuffle_read)
        .panel(shuffle_write)
        .panel(write_skew)
}

fn driver_cpu(v: &SparkVars, o: &Options) -> Panel<TimeseriesOptions> {
    let ds = &v.prometheus;
    panel::timeseries(Key::DriverCpu, "Driver JVM CPU")
        .description("Cores the driver JVM uses (JVMCPU source). A driver near one full core while executors idle is the bottleneck: planning huge queries, collecting results, or Python code on the driver. Executor CPU time is not exported by Spark on a cluster; spark-exporter adds it.")
        .link(Recipe::SlowJobs.link(o))
        .unit(Unit::Short)
        .decimals(2)
        .min(0.0)
        .thresholds(no_level())
        .width(24)
        .query(ds, PromQuery::new(promql!(
            r#"sum(rate(spark_JVMCPU_jvmCpuTime_Value{application_id=~"$app_id"}[$__rate_interval])) / 1e9"#,
            app_id = v.app_id
        )).legend("driver cores"))
}

/// From spark-exporter: task time = run time (which includes shuffle fetch wait) +
/// deserialization + result serialization, all summed over tasks by the executors'
/// `executor` metrics source.
fn time_breakdown_row(v: &SparkVars, o: &Options) -> Row {
    let ds = &v.prometheus;
    let executor_spans = executor_trace_links(v);
    let task_cpu = panel::timeseries(Key::ExecutorTaskCpu, "Task CPU per executor")
        .description("Cores each executor spends running task code (solid), against the CPU of its whole JVM (dashed: tasks plus GC threads, JIT, shuffle I/O), from spark-exporter. Task CPU far below the executor's cores while tasks run means tasks wait (shuffle, I/O, Python workers); JVM CPU far above task CPU is overhead, often GC.")
        .link(Recipe::SlowJobs.link(o))
        .data_links(&executor_spans)
        .unit(Unit::Short)
        .decimals(2)
        .min(0.0)
        .thresholds(no_level())
        .legend(Legend::table(&[Calc::Max, Calc::Mean]))
        .width(12)
        .against_limit(
            ds,
            executor_query!(v, r#"sum by (executor_id) (rate(spark_executor_cpu_seconds_total{application_name=~"$app", executor_id=~"$executor"}[$__rate_interval]))"#).legend("{{executor_id}} tasks"),
            executor_query!(v, r#"sum by (executor_id) (rate(spark_executor_jvm_cpu_seconds_total{application_name=~"$app", executor_id=~"$executor"}[$__rate_interval]))"#).legend("{{executor_id}} whole JVM"),
        );
    let serde = share_per_executor(
        panel::timeseries(Key::SerdeShare, "(De)serialization time % per executor")
        .description("Time deserializing tasks and serializing their results over task time, per executor (spark-exporter). A few percent is normal; above 10% (orange) tasks are tiny or carry big closures or results; above 20% (red) most of the work is moving bytes: broadcast large read-only data, collect less, use Kryo.")
        .link(Recipe::Gc.link(o))
        .data_links(&executor_spans),
        gc_thresholds(),
    )
        .width(12)
        .query(ds, executor_query!(v, r#"(sum by (executor_id) (rate(spark_executor_deserialize_seconds_total{application_name=~"$app", executor_id=~"$executor"}[$__rate_interval]))
    + sum by (executor_id) (rate(spark_executor_result_serialization_seconds_total{application_name=~"$app", executor_id=~"$executor"}[$__rate_interval])))
  / ((sum by (executor_id) (rate(spark_executor_run_seconds_total{application_name=~"$app", executor_id=~"$executor"}[$__rate_interval]))
    + sum by (executor_id) (rate(spark_executor_deserialize_seconds_total{application_name=~"$app", executor_id=~"$executor"}[$__rate_interval]))
    + sum by (executor_id) (rate(spark_executor_result_serialization_seconds_total{application_name=~"$app", executor_id=~"$executor"}[$__rate_interval]))) > 0)"#).legend("{{executor_id}}"));
    let fetch_wait = share_per_executor(
        panel::timeseries(Key::FetchWaitShare, "Shuffle fetch wait % per executor")
        .description("Time tasks blocked waiting for shuffle blocks over their run time, per executor (spark-exporter; the Spark UI's Shuffle Read Blocked Time). Above 10% (orange) reducers wait on the network or on the executors serving the blocks; above 25% (red) the shuffle is the bottleneck: see the recipe.")
        .link(Recipe::Shuffle.link(o))
        .data_links(&executor_spans),
        thresholds("green", &[(0.1, "orange"), (0.25, "red")]),
    )
        .width(12)
        .query(ds, executor_query!(v, r#"sum by (executor_id) (rate(spark_executor_shuffle_fetch_wait_seconds_total{application_name=~"$app", executor_id=~"$executor"}[$__rate_interval]))
  / (sum by (executor_id) (rate(spark_executor_run_seconds_total{application_name=~"$app", executor_id=~"$executor"}[$__rate_interval])) > 0)"#).legend("{{executor_id}}"));
    Row::new("Executor time breakdown")
        .panel(time_breakdown(v, o))
        .panel(task_cpu)
        .panel(serde)
        .panel(fetch_wait)
}

fn time_breakdown(v: &SparkVars, o: &Options) -> Panel<TimeseriesOptions> {
    let ds = &v.prometheus;
    let app_spans = trace_links(v);
    let mut breakdown = panel::timeseries(Key::TimeBreakdown, "Executor time breakdown: CPU, GC, fetch wait, ser/deser, other")
        .description("Where the selected executors' task time goes (task time = run + deserialization + result serialization, from spark-exporter). CPU: task code on the CPU. GC: JVM collections during tasks. Fetch wait: blocked on shuffle blocks. Ser/deser: deserializing tasks and serializing results. Other: the rest of run time, mostly I/O, locks and Python workers. GC above 10%, fetch wait or ser/deser above 20% name the bottleneck; see the recipes.")
        .link(Recipe::SlowJobs.link(o))
        .data_links(&app_spans)
        .unit(Unit::PercentUnit)
        .min(0.0)
        .max(1.0)
        .thresholds(no_level())
        .stacked()
        .fill_opacity(40)
        .tooltip(Tooltip::all_descending())
        .width(12);
    breakdown.add_query(ds, executor_query!(v, r#"sum(rate(spark_executor_cpu_seconds_total{application_name=~"$app", executor_id=~"$executor"}[$__rate_interval]))
  / ((sum(rate(spark_executor_run_seconds_total{application_name=~"$app", executor_id=~"$executor"}[$__rate_interval]))
    + sum(rate(spark_executor_deserialize_seconds_total{application_name=~"$app", executor_id=~"$executor"}[$__rate_interval]))
    + sum(rate(spark_executor_result_serialization_seconds_total{application_name=~"$app", executor_id=~"$executor"}[$__rate_interval]))) > 0)"#).legend("CPU"));
    breakdown.add_query(ds, executor_query!(v, r#"sum(rate(spark_executor_jvm_gc_seconds_total{application_name=~"$app", executor_id=~"$executor"}[$__rate_interval]))
  / ((sum(rate(spark_executor_run_seconds_total{application_name=~"$app", executor_id=~"$executor"}[$__rate_interval]))
    + sum(rate(spark_executor_deserialize_seconds_total{application_name=~"$app", executor_id=~"$executor"}[$__rate_interval]))
    + sum(rate(spark_executor_result_serialization_seconds_total{application_name=~"$app", executor_id=~"$executor"}[$__rate_interval]))) > 0)"#).legend("GC"));
    breakdown.add_query(ds, executor_query!(v, r#"sum(rate(spark_executor_shuffle_fetch_wait_seconds_total{application_name=~"$app", executor_id=~"$executor"}[$__rate_interval]))
  / ((sum(rate(spark_executor_run_seconds_total{application_name=~"$app", executor_id=~"$executor"}[$__rate_interval]))
    + sum(rate(spark_executor_deserialize_seconds_total{application_name=~"$app", executor_id=~"$executor"}[$__rate_interval]))
    + sum(rate(spark_executor_result_serialization_seconds_total{application_name=~"$app", executor_id=~"$executor"}[$__rate_interval]))) > 0)"#).legend("shuffle fetch wait"));
    breakdown.add_query(ds, executor_query!(v, r#"(sum(rate(spark_executor_deserialize_seconds_total{application_name=~"$app", executor_id=~"$executor"}[$__rate_interval]))
    + sum(rate(spark_executor_result_serialization_seconds_total{application_name=~"$app", executor_id=~"$executor"}[$__rate_interval])))
  / ((sum(rate(spark_executor_run_seconds_total{application_name=~"$app", executor_id=~"$executor"}[$__rate_interval]))
    + sum(rate(spark_executor_deserialize_seconds_total{application_name=~"$app", executor_id=~"$executor"}[$__rate_interval]))
    + sum(rate(spark_executor_result_serialization_seconds_total{application_name=~"$app", executor_id=~"$executor"}[$__rate_interval]))) > 0)"#).legend("(de)serialization"));
    breakdown.add_query(ds, executor_query!(v, r#"clamp_min(
    (sum(rate(spark_executor_run_seconds_total{application_name=~"$app", executor_id=~"$executor"}[$__rate_interval]))
      - sum(rate(spark_executor_cpu_seconds_total{application_name=~"$app", executor_id=~"$executor"}[$__rate_interval]))
      - sum(rate(spark_executor_jvm_gc_seconds_total{application_name=~"$app", executor_id=~"$executor"}[$__rate_interval]))
      - sum(rate(spark_executor_shuffle_fetch_wait_seconds_total{application_name=~"$app", executor_id=~"$executor"}[$__rate_interval])))
    / ((sum(rate(spark_executor_run_seconds_total{application_name=~"$app", executor_id=~"$executor"}[$__rate_interval]))
      + sum(rate(spark_executor_deserialize_seconds_total{application_name=~"$app", executor_id=~"$executor"}[$__rate_interval]))
      + sum(rate(spark_executor_result_serialization_seconds_total{application_name=~"$app", executor_id=~"$executor"}[$__rate_interval]))) > 0),
  0)"#).legend("other"));
    breakdown
}

/// Spill, from spark-exporter.
fn spill_row(v: &SparkVars, o: &Options) -> Row {
    let ds = &v.prometheus;
    let executor_spans = executor_trace_links(v);
    let stage_spans = stage_span_links(v);
    let spill = panel::timeseries(Key::SpillPerExecutor, "Spill per executor, memory and disk")
        .description("Bytes spilled per second by each executor's tasks (spark-exporter): the in-memory size of what was spilled (solid) and its size on disk after serialization and compression (dashed). Any spill is worth a look (the thresholds turn orange at the first byte) and sustained spill slows the stage: give tasks more memory or make them smaller; see the recipe.")
        .link(Recipe::OomAndSpill.link(o))
        .data_links(&executor_spans)
        .unit(Unit::BytesPerSecondIEC)
        .min(0.0)
        .thresholds(any_spill())
        .legend(Legend::table(&[Calc::Max, Calc::Mean]))
        .tooltip(Tooltip::all_descending())
        .size(12, 10)
        .solid_and_dashed(
            ds,
            executor_query!(v, r#"sum by (executor_id) (rate(spark_executor_memory_spilled_bytes_total{application_name=~"$app", executor_id=~"$executor"}[$__rate_interval]))"#).legend("{{executor_id}} memory"),
            executor_query!(v, r#"sum by (executor_id) (rate(spark_executor_disk_spilled_bytes_total{application_name=~"$app", executor_id=~"$executor"}[$__rate_interval]))"#).legend("{{executor_id}} disk"),
        );
    let mut spill_stage = panel::bar_gauge(Key::SpillPerStage, "Spill per stage (top 10)")
        .description("The stages of the time range that spilled most (spark-exporter, from the REST API): in-memory size and on-disk size of the spilled data. Stages that spilled are orange, the others green. Compare with the stage's shuffle and input sizes: Dr. Elephant flags spill above 10% of the data a stage processes.")
        .link(Recipe::OomAndSpill.link(o))
        .data_links(&stage_spans)
        .display(BarGaugeDisplayMode::Basic)
        .unit(Unit::BytesIEC)
        .min(0.0)
        .color(ColorMode::Thresholds)
        .thresholds(any_spill())
        .size(12, 10);
    spill_stage.add_query(ds, PromQuery::new(promql!(
        r#"topk(10, max by (application_id, stage_id, attempt_id) (max_over_time(spark_stage_memory_spilled_bytes_total{application_name=~"$app"}[$__range])))
  * on (application_id, stage_id, attempt_id) group_left (stage_name)
    max by (application_id, stage_id, attempt_id, stage_name) (max_over_time(spark_stage_info{application_name=~"$app"}[$__range]))"#,
        app = v.app
    )).legend("{{stage_id}} in memory: {{stage_name}}").instant());
    spill_stage.add_query(ds, PromQuery::new(promql!(
        r#"topk(10, max by (application_id, stage_id, attempt_id) (max_over_time(spark_stage_disk_spilled_bytes_total{application_name=~"$app"}[$__range])))
  * on (application_id, stage_id, attempt_id) group_left (stage_name)
    max by (application_id, stage_id, attempt_id, stage_name) (max_over_time(spark_stage_info{application_name=~"$app"}[$__range]))"#,
        app = v.app
    )).legend("{{stage_id}} on disk: {{stage_name}}").instant());
    Row::new("Spill").panel(spill).panel(spill_stage)
}

/// Task skew per stage, from spark-exporter.
fn stage_skew_row(v: &SparkVars, o: &Options) -> Row {
    let ds = &v.prometheus;
    let stage_spans = stage_span_links(v);
    let stage_skew = stage_skew_gauge(
        o,
        Key::StageTaskSkew,
        "Task skew per stage (max/median)",
        "The slowest task of each stage over its median task (spark-exporter, from the REST API's taskSummary), for the 10 most skewed stages of the time range. 1 is even; Dr. Elephant rates 2 low (yellow), 4 moderate (orange), 8 severe (red). A high ratio on a short stage matters less: check its duration.",
        &stage_spans,
        ds,
        promql!(
            r#"topk(10, max by (application_id, stage_id, attempt_id) (max_over_time(spark_stage_task_skew_ratio{application_name=~"$app", metric="duration"}[$__range])))
  * on (application_id, stage_id, attempt_id) group_left (stage_name)
    max by (application_id, stage_id, attempt_id, stage_name) (max_over_time(spark_stage_info{application_name=~"$app"}[$__range]))"#,
            app = v.app
        ),
    );
    let stage_read_skew = stage_skew_gauge(
        o,
        Key::StageShuffleReadSkew,
        "Shuffle read skew per stage (max/median)",
        "The largest shuffle read of one task over the median task's, per stage (spark-exporter, taskSummary), for the 10 most skewed stages. This is data skew itself: a hot key sends one partition far more bytes than the others. Same tiers as task skew: 2, 4, 8.",
        &stage_spans,
        ds,
        promql!(
            r#"topk(10, max by (application_id, stage_id, attempt_id) (max_over_time(spark_stage_task_skew_ratio{application_name=~"$app", metric="shuffle_read_bytes"}[$__range])))
  * on (application_id, stage_id, attempt_id) group_left (stage_name)
    max by (application_id, stage_id, attempt_id, stage_name) (max_over_time(spark_stage_info{application_name=~"$app"}[$__range]))"#,
            app = v.app
        ),
    );
    let mut stage_duration = panel::bar_gauge(Key::StageTaskDuration, "Task duration per stage: median, p75, max")
        .description("Task duration quantiles of the 10 stages with the slowest task in the time range (spark-exporter, taskSummary over successful tasks). Databricks: a max more than 50% above the p75 suggests skew. Bars are blue under 200 ms (tasks too small to be worth scheduling), yellow from 2.5 minutes, orange from 5, red from 10 (Dr. Elephant's median task tiers).")
        .link(Recipe::DataSkew.link(o))
        .data_links(&stage_spans)
        .display(BarGaugeDisplayMode::Basic)
        .unit(Unit::Seconds)
        .min(0.0)
        .color(ColorMode::Thresholds)
        .thresholds(task_duration_thresholds())
        .size(8, 10);
    stage_duration.add_query(ds, PromQuery::new(promql!(
        r#"max by (application_id, stage_id, attempt_id) (max_over_time(spark_stage_task_duration_seconds{application_name=~"$app", quantile="0.5"}[$__range]))
  and on (application_id, stage_id, attempt_id)
    topk(10, max by (application_id, stage_id, attempt_id) (max_over_time(spark_stage_task_duration_seconds{application_name=~"$app", quantile="1"}[$__range])))"#,
        app = v.app
    )).legend("{{stage_id}} median").instant());
    stage_duration.add_query(ds, PromQuery::new(promql!(
        r#"max by (application_id, stage_id, attempt_id) (max_over_time(spark_stage_task_duration_seconds{application_name=~"$app", quantile="0.75"}[$__range]))
  and on (application_id, stage_id, attempt_id)
    topk(10, max by (application_id, stage_id, attempt_id) (max_over_time(spark_stage_task_duration_seconds{application_name=~"$app", quantile="1"}[$__range])))"#,
        app = v.app
    )).legend("{{stage_id}} p75").instant());
    stage_duration.add_query(ds, PromQuery::new(promql!(
        r#"topk(10, max by (application_id, stage_id, attempt_id) (max_over_time(spark_stage_task_duration_seconds{application_name=~"$app", quantile="1"}[$__range])))"#,
        app = v.app
    )).legend("{{stage_id}} max").instant());
    Row::new("Task skew per stage")
        .panel(stage_skew)
        .panel(stage_read_skew)
        .panel(stage_duration)
}
