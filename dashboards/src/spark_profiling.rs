//! Spark Profiling (`spark-profiling`): where an application's time and memory go — GC,
//! executor utilization, memory per executor, shuffle and its skew, task time and CPU.
//!
//! Serialization time, shuffle fetch wait, spill and per-stage task skew are not exported
//! by Spark on a cluster (only in local mode, from the driver's executor source); they are
//! left out here rather than faked. `spark-exporter` provides them.

use dashboard_dsl::field::{thresholds, ColorMode, FieldProp};
use dashboard_dsl::link::DashLink;
use dashboard_dsl::options::{Calc, Legend, Tooltip};
use dashboard_dsl::panel;
use dashboard_dsl::query::PromQuery;
use dashboard_dsl::{Dashboard, GraphTooltip, Row, Unit};
use dashboard_macros::{promql, PanelKey};

use crate::common::{executor_trace_links, trace_links, Recipe, SparkVars};

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
}

/// Builds the dashboard.
pub fn dashboard() -> Dashboard {
    let v = SparkVars::new();
    let ds = &v.prometheus;
    let [to_tempo, to_jaeger] = trace_links(&v);
    let [ex_tempo, ex_jaeger] = executor_trace_links(&v);

    // --- GC -------------------------------------------------------------------------------
    let gc_total = panel::stat(Key::GcTotal, "GC time % (all executors)")
        .description("JVM garbage-collection time (minor + major collectors) over task time, over the selected executors that run tasks. Below 10% is healthy; 10-20% (orange) costs real time; above 20% (red) the executors mostly collect garbage.")
        .link(Recipe::Gc.link())
        .data_link(to_tempo.clone())
        .data_link(to_jaeger.clone())
        .unit(Unit::PercentUnit)
        .decimals(1)
        .color(ColorMode::Thresholds)
        .thresholds(thresholds("green", &[(0.1, "orange"), (0.2, "red")]))
        .size(6, 8)
        .query(ds, PromQuery::new(promql!(
            r#"sum(
    (rate(metrics_executor_MinorGCTime_seconds_total{application_name=~"$app", executor_id=~"$executor"}[$__rate_interval])
      + rate(metrics_executor_MajorGCTime_seconds_total{application_name=~"$app", executor_id=~"$executor"}[$__rate_interval]))
    and on (application_id, executor_id) (metrics_executor_maxTasks > 0))
  / (sum(rate(metrics_executor_totalDuration_seconds_total{application_name=~"$app", executor_id=~"$executor"}[$__rate_interval])
    and on (application_id, executor_id) (metrics_executor_maxTasks > 0)) > 0)"#,
            app = v.app,
            executor = v.executor
        )));
    let gc_per_executor = panel::timeseries(Key::GcPerExecutor, "GC time % per executor")
        .description("JVM garbage-collection time (minor + major) over task time, per executor that runs tasks. One executor far above the others holds bigger partitions (skew) or caches more; all of them high means too little memory per task.")
        .link(Recipe::Gc.link())
        .data_link(ex_tempo.clone())
        .data_link(ex_jaeger.clone())
        .unit(Unit::PercentUnit)
        .min(0.0)
        .color(ColorMode::Thresholds)
        .thresholds(thresholds("green", &[(0.1, "orange"), (0.2, "red")]))
        .threshold_lines()
        .legend(Legend::table(&[Calc::Max, Calc::Mean]))
        .width(18)
        .query(ds, PromQuery::new(promql!(
            r#"sum by (executor_id) (
    (rate(metrics_executor_MinorGCTime_seconds_total{application_name=~"$app", executor_id=~"$executor"}[$__rate_interval])
      + rate(metrics_executor_MajorGCTime_seconds_total{application_name=~"$app", executor_id=~"$executor"}[$__rate_interval]))
    and on (application_id, executor_id) (metrics_executor_maxTasks > 0))
  / (sum by (executor_id) (rate(metrics_executor_totalDuration_seconds_total{application_name=~"$app", executor_id=~"$executor"}[$__rate_interval])) > 0)"#,
            app = v.app,
            executor = v.executor
        )).legend("{{executor_id}}"));
    let mut gc_collections = panel::timeseries(Key::GcCollections, "GC collections, minor vs major")
        .description("Garbage collections per second per executor. Minor (young) collections are cheap and frequent; major (old/full) collections stop the executor and should be rare. Rising major collections precede OOMs.")
        .link(Recipe::Gc.link())
        .unit(Unit::OpsPerSecond)
        .min(0.0)
        .tooltip(Tooltip::all_descending());
    gc_collections.add_query(ds, PromQuery::new(promql!(
        r#"sum by (executor_id) (rate(metrics_executor_MinorGCCount_total{application_name=~"$app", executor_id=~"$executor"}[$__rate_interval]))"#,
        app = v.app,
        executor = v.executor
    )).legend("{{executor_id}} minor"));
    let major = gc_collections.add_query(ds, PromQuery::new(promql!(
        r#"sum by (executor_id) (rate(metrics_executor_MajorGCCount_total{application_name=~"$app", executor_id=~"$executor"}[$__rate_interval]))"#,
        app = v.app,
        executor = v.executor
    )).legend("{{executor_id}} major"));
    let gc_collections = gc_collections.override_query(&major, [FieldProp::Dashed]);
    let mut gc_time = panel::timeseries(Key::GcTime, "GC time, minor vs major")
        .description("Seconds spent collecting per second, per executor and collector. Major collection time is the pause that hurts: whole seconds of it mean the old generation is full.")
        .link(Recipe::Gc.link())
        .unit(Unit::PercentUnit)
        .min(0.0)
        .tooltip(Tooltip::all_descending());
    gc_time.add_query(ds, PromQuery::new(promql!(
        r#"sum by (executor_id) (rate(metrics_executor_MinorGCTime_seconds_total{application_name=~"$app", executor_id=~"$executor"}[$__rate_interval]))"#,
        app = v.app,
        executor = v.executor
    )).legend("{{executor_id}} minor"));
    let major_time = gc_time.add_query(ds, PromQuery::new(promql!(
        r#"sum by (executor_id) (rate(metrics_executor_MajorGCTime_seconds_total{application_name=~"$app", executor_id=~"$executor"}[$__rate_interval]))"#,
        app = v.app,
        executor = v.executor
    )).legend("{{executor_id}} major"));
    let gc_time = gc_time.override_query(&major_time, [FieldProp::Dashed]);

    // --- Executor utilization -------------------------------------------------------------
    let utilization = panel::gauge(Key::Utilization, "Executor utilization")
        .description("Running tasks over task slots, over all selected executors that run tasks, averaged over the time range. Low utilization while jobs run means idle cores you pay for: too few partitions, stragglers, or driver-side work.")
        .link(Recipe::SlowJobs.link())
        .unit(Unit::PercentUnit)
        .min(0.0)
        .max(1.0)
        .decimals(0)
        .color(ColorMode::Thresholds)
        .thresholds(thresholds("red", &[(0.3, "orange"), (0.6, "green")]))
        .size(6, 8)
        .query(ds, PromQuery::new(promql!(
            r#"sum(avg_over_time(metrics_executor_activeTasks{application_name=~"$app", executor_id=~"$executor"}[$__range]))
  / (sum(max_over_time(metrics_executor_maxTasks{application_name=~"$app", executor_id=~"$executor"}[$__range])) > 0)"#,
            app = v.app,
            executor = v.executor
        )).instant());
    let utilization_per_executor = panel::timeseries(Key::UtilizationPerExecutor, "Executor utilization per executor")
        .description("Running tasks over task slots, per executor. Executors stuck near 0% while others are at 100% do not get work: check partition counts and locality waits.")
        .link(Recipe::SlowJobs.link())
        .data_link(ex_tempo.clone())
        .data_link(ex_jaeger.clone())
        .unit(Unit::PercentUnit)
        .min(0.0)
        .max(1.0)
        .legend(Legend::table(&[Calc::Mean]))
        .width(18)
        .query(ds, PromQuery::new(promql!(
            r#"sum by (executor_id) (metrics_executor_activeTasks{application_name=~"$app", executor_id=~"$executor"})
  / (sum by (executor_id) (metrics_executor_maxTasks{application_name=~"$app", executor_id=~"$executor"}) > 0)"#,
            app = v.app,
            executor = v.executor
        )).legend("{{executor_id}}"));
    let task_time = panel::state_timeline(Key::TaskTime, "Task time per executor")
        .description("Task seconds per second on each executor over its task slots: how busy each executor was, over time. Long green lanes next to grey ones are stragglers and idle executors side by side.")
        .link(Recipe::DataSkew.link())
        .data_link(ex_tempo.clone())
        .data_link(ex_jaeger.clone())
        .unit(Unit::PercentUnit)
        .min(0.0)
        .max(1.0)
        .color(ColorMode::Thresholds)
        .thresholds(thresholds("text", &[(0.05, "yellow"), (0.5, "green")]))
        .size(24, 8)
        .query(ds, PromQuery::new(promql!(
            r#"sum by (executor_id) (rate(metrics_executor_totalDuration_seconds_total{application_name=~"$app", executor_id=~"$executor"}[$__rate_interval]))
  / (sum by (executor_id) (metrics_executor_maxTasks{application_name=~"$app", executor_id=~"$executor"}) > 0)"#,
            app = v.app,
            executor = v.executor
        )).legend("{{executor_id}}"));

    // --- Memory ---------------------------------------------------------------------------
    let mut unified = panel::timeseries(Key::UnifiedMemory, "Peak execution + storage memory vs limit")
        .description("Peak on-heap unified memory (execution and storage) per executor since the application started, against its limit (spark.memory.fraction of the heap, dashed). Peaks at the limit mean spills and evictions; see the recipe.")
        .link(Recipe::OomAndSpill.link())
        .unit(Unit::BytesIEC)
        .min(0.0);
    unified.add_query(ds, PromQuery::new(promql!(
        r#"max by (executor_id) (metrics_executor_OnHeapUnifiedMemory_bytes{application_name=~"$app", executor_id=~"$executor"})"#,
        app = v.app,
        executor = v.executor
    )).legend("{{executor_id}} peak"));
    let limit = unified.add_query(ds, PromQuery::new(promql!(
        r#"max by (executor_id) (metrics_executor_maxMemory_bytes{application_name=~"$app", executor_id=~"$executor"})"#,
        app = v.app,
        executor = v.executor
    )).legend("{{executor_id}} limit"));
    let unified = unified.override_query(&limit, [FieldProp::Dashed, FieldProp::FillOpacity(0)]);
    let heap = panel::timeseries(Key::HeapPeak, "Peak JVM heap per executor")
        .description("Peak JVM heap and off-heap (metaspace, code cache) per executor since the application started. Spark reports peaks here, so the line only goes up; compare with the executor's -Xmx (spark.executor.memory).")
        .link(Recipe::OomAndSpill.link())
        .unit(Unit::BytesIEC)
        .min(0.0)
        .query(ds, PromQuery::new(promql!(
            r#"max by (executor_id) (metrics_executor_JVMHeapMemory_bytes{application_name=~"$app", executor_id=~"$executor"})"#,
            app = v.app,
            executor = v.executor
        )).legend("{{executor_id}} heap"))
        .query(ds, PromQuery::new(promql!(
            r#"max by (executor_id) (metrics_executor_JVMOffHeapMemory_bytes{application_name=~"$app", executor_id=~"$executor"})"#,
            app = v.app,
            executor = v.executor
        )).legend("{{executor_id}} off-heap"));
    let exec_storage = panel::timeseries(Key::ExecutionStoragePeak, "Peak execution and storage memory")
        .description("Peak on-heap execution memory (joins, sorts, aggregations) and storage memory (cached blocks) per executor. Execution peaks that crowd out storage evict cached data; both at the limit mean spill.")
        .link(Recipe::OomAndSpill.link())
        .unit(Unit::BytesIEC)
        .min(0.0)
        .query(ds, PromQuery::new(promql!(
            r#"max by (executor_id) (metrics_executor_OnHeapExecutionMemory_bytes{application_name=~"$app", executor_id=~"$executor"})"#,
            app = v.app,
            executor = v.executor
        )).legend("{{executor_id}} execution"))
        .query(ds, PromQuery::new(promql!(
            r#"max by (executor_id) (metrics_executor_OnHeapStorageMemory_bytes{application_name=~"$app", executor_id=~"$executor"})"#,
            app = v.app,
            executor = v.executor
        )).legend("{{executor_id}} storage"));
    let storage_now = panel::bar_gauge(Key::StorageInUse, "Storage memory in use (current)")
        .description("Storage memory used by cached blocks now, over what each executor may use for storage. Near 100% new cache blocks evict old ones (or spill to disk with MEMORY_AND_DISK).")
        .link(Recipe::OomAndSpill.link())
        .unit(Unit::PercentUnit)
        .min(0.0)
        .max(1.0)
        .color(ColorMode::GreenYellowRed)
        .width(8)
        .query(ds, PromQuery::new(promql!(
            r#"max by (executor_id) (metrics_executor_memoryUsed_bytes{application_name=~"$app", executor_id=~"$executor"})
  / (max by (executor_id) (metrics_executor_maxMemory_bytes{application_name=~"$app", executor_id=~"$executor"}) > 0)"#,
            app = v.app,
            executor = v.executor
        )).legend("{{executor_id}}").instant());
    let rss = panel::timeseries(Key::RssPeak, "Peak process RSS per executor")
        .description("Peak resident memory of the executor's JVM and of its Python workers (PySpark UDFs), from procfs. On Kubernetes the container is killed when JVM + Python + overhead passes the pod limit: raise spark.executor.memoryOverhead (or spark.executor.pyspark.memory).")
        .link(Recipe::OomAndSpill.link())
        .unit(Unit::BytesIEC)
        .min(0.0)
        .stacked()
        .fill_opacity(20)
        .width(8)
        .query(ds, PromQuery::new(promql!(
            r#"max by (executor_id) (metrics_executor_ProcessTreeJVMRSSMemory_bytes{application_name=~"$app", executor_id=~"$executor"})"#,
            app = v.app,
            executor = v.executor
        )).legend("{{executor_id}} JVM"))
        .query(ds, PromQuery::new(promql!(
            r#"max by (executor_id) (metrics_executor_ProcessTreePythonRSSMemory_bytes{application_name=~"$app", executor_id=~"$executor"})"#,
            app = v.app,
            executor = v.executor
        )).legend("{{executor_id}} Python"));
    let mut driver_heap = panel::timeseries(Key::DriverHeap, "Driver heap (current)")
        .description("The driver JVM's heap in use now, against its maximum. A driver near its maximum fails on collect(), broadcast joins and large task results: raise spark.driver.memory or collect less.")
        .link(Recipe::OomAndSpill.link())
        .unit(Unit::BytesIEC)
        .min(0.0)
        .width(8);
    driver_heap.add_query(
        ds,
        PromQuery::new(promql!(
            r#"sum(spark_jvm_heap_used_Value{application_id=~"$app_id"})"#,
            app_id = v.app_id
        ))
        .legend("used"),
    );
    let driver_max = driver_heap.add_query(
        ds,
        PromQuery::new(promql!(
            r#"sum(spark_jvm_heap_max_Value{application_id=~"$app_id"})"#,
            app_id = v.app_id
        ))
        .legend("max"),
    );
    let driver_heap =
        driver_heap.override_query(&driver_max, [FieldProp::Dashed, FieldProp::FillOpacity(0)]);

    // --- Shuffle --------------------------------------------------------------------------
    let shuffle_read = panel::timeseries(Key::ShuffleRead, "Shuffle read per executor")
        .description("Shuffle bytes read per second by each executor. Reads concentrated on one executor are skew; reads high everywhere with low CPU point at the network or the shuffle service.")
        .link(Recipe::Shuffle.link())
        .data_link(ex_tempo.clone())
        .data_link(ex_jaeger.clone())
        .unit(Unit::BytesPerSecondIEC)
        .min(0.0)
        .legend(Legend::table(&[Calc::Max, Calc::Mean]))
        .width(9)
        .query(ds, PromQuery::new(promql!(
            r#"sum by (executor_id) (rate(metrics_executor_totalShuffleRead_bytes_total{application_name=~"$app", executor_id=~"$executor"}[$__rate_interval]))"#,
            app = v.app,
            executor = v.executor
        )).legend("{{executor_id}}"));
    let shuffle_write = panel::timeseries(Key::ShuffleWrite, "Shuffle write per executor")
        .description("Shuffle bytes written per second by each executor: the map side of every wide transformation (join, groupBy, repartition). Large writes are the first thing to cut: filter and project before the shuffle, or broadcast the small side.")
        .link(Recipe::Shuffle.link())
        .data_link(ex_tempo)
        .data_link(ex_jaeger)
        .unit(Unit::BytesPerSecondIEC)
        .min(0.0)
        .legend(Legend::table(&[Calc::Max, Calc::Mean]))
        .width(9)
        .query(ds, PromQuery::new(promql!(
            r#"sum by (executor_id) (rate(metrics_executor_totalShuffleWrite_bytes_total{application_name=~"$app", executor_id=~"$executor"}[$__rate_interval]))"#,
            app = v.app,
            executor = v.executor
        )).legend("{{executor_id}}"));
    let read_skew = panel::stat(Key::ShuffleReadSkew, "Shuffle read skew (max/avg)")
        .description("Shuffle bytes read in the time range by the busiest executor over the average. 1 is even; above 2 (orange) one executor does twice its share; above 4 (red) expect stragglers.")
        .link(Recipe::DataSkew.link())
        .data_link(to_tempo.clone())
        .data_link(to_jaeger.clone())
        .unit(Unit::Short)
        .decimals(2)
        .color(ColorMode::Thresholds)
        .thresholds(thresholds("green", &[(2.0, "orange"), (4.0, "red")]))
        .no_graph()
        .size(6, 4)
        .query(ds, PromQuery::new(promql!(
            r#"max(sum by (executor_id) (increase(metrics_executor_totalShuffleRead_bytes_total{application_name=~"$app", executor_id=~"$executor"}[$__range])))
  / (avg(sum by (executor_id) (increase(metrics_executor_totalShuffleRead_bytes_total{application_name=~"$app", executor_id=~"$executor"}[$__range]))) > 0)"#,
            app = v.app,
            executor = v.executor
        )).instant());
    let write_skew = panel::stat(Key::ShuffleWriteSkew, "Shuffle write skew (max/avg)")
        .description("Shuffle bytes written in the time range by the busiest executor over the average. Write skew comes from skewed input partitions (a few huge files, or a skewed repartition key).")
        .link(Recipe::DataSkew.link())
        .data_link(to_tempo)
        .data_link(to_jaeger)
        .unit(Unit::Short)
        .decimals(2)
        .color(ColorMode::Thresholds)
        .thresholds(thresholds("green", &[(2.0, "orange"), (4.0, "red")]))
        .no_graph()
        .size(6, 4)
        .query(ds, PromQuery::new(promql!(
            r#"max(sum by (executor_id) (increase(metrics_executor_totalShuffleWrite_bytes_total{application_name=~"$app", executor_id=~"$executor"}[$__range])))
  / (avg(sum by (executor_id) (increase(metrics_executor_totalShuffleWrite_bytes_total{application_name=~"$app", executor_id=~"$executor"}[$__range]))) > 0)"#,
            app = v.app,
            executor = v.executor
        )).instant());

    // --- CPU --------------------------------------------------------------------------------
    let driver_cpu = panel::timeseries(Key::DriverCpu, "Driver JVM CPU")
        .description("Cores the driver JVM uses (JVMCPU source). A driver near one full core while executors idle is the bottleneck: planning huge queries, collecting results, or Python code on the driver. Executor CPU time is not exported by Spark on a cluster; spark-exporter adds it.")
        .link(Recipe::SlowJobs.link())
        .unit(Unit::Short)
        .decimals(2)
        .min(0.0)
        .width(24)
        .query(ds, PromQuery::new(promql!(
            r#"sum(rate(spark_JVMCPU_jvmCpuTime_Value{application_id=~"$app_id"}[$__rate_interval])) / 1e9"#,
            app_id = v.app_id
        )).legend("driver cores"));

    Dashboard::new(crate::common::PROFILING_UID, "Spark Profiling")
        .description("Where a Spark application's time and memory go: GC, executor utilization, memory per executor, shuffle and its skew, task time and CPU.")
        .tags(["spark", "profiling"])
        .folder(crate::spark_folder())
        .time("now-1h", "now")
        .refresh("30s")
        .graph_tooltip(GraphTooltip::SharedCrosshair)
        .variables(&v)
        .link(DashLink::to_dashboard(crate::common::TRACING_UID, "Spark Job Tracing").tooltip("The same application's jobs, stages, tasks and spans"))
        .link(DashLink::tagged("Spark dashboards", &["spark"]))
        .row(Row::new("GC")
            .panel(gc_total)
            .panel(gc_per_executor)
            .panel(gc_collections)
            .panel(gc_time))
        .row(Row::new("Executor utilization")
            .panel(utilization)
            .panel(utilization_per_executor)
            .panel(task_time))
        .row(Row::new("Memory")
            .panel(unified)
            .panel(heap)
            .panel(exec_storage)
            .panel(storage_now)
            .panel(driver_heap)
            .panel(rss))
        .row(Row::new("Shuffle")
            .panel(read_skew)
            .panel(shuffle_read)
            .panel(shuffle_write)
            .panel(write_skew))
        .row(Row::new("CPU").panel(driver_cpu))
}
