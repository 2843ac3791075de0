//! Panel shapes more than one Spark dashboard shows, with the thresholds the recipes use.
//!
//! Each function returns a panel with its query, unit, thresholds and description; the
//! dashboard adds its recipe link, data links and size. Keeping one definition means the
//! dashboards cannot drift apart on a query or a threshold.
//!
//! ```
//! use dashboards::common::SparkVars;
//! use dashboards::panels::{shuffle_per_executor, Scope, Shuffle};
//! let v = SparkVars::new();
//! let read = shuffle_per_executor("shuffle_read", Scope::of(&v), Shuffle::Read).width(9);
//! let spec = read.into_spec();
//! assert_eq!(spec.model().title, "Shuffle read per executor");
//! ```

use dashboard_dsl::datasource::Prometheus;
use dashboard_dsl::field::{thresholds, ColorMode, FieldProp};
use dashboard_dsl::model::Thresholds;
use dashboard_dsl::options::{BarGaugeDisplayMode, Calc, Legend, Tooltip};
use dashboard_dsl::options::{BarGaugeOptions, StatOptions, TimeseriesOptions};
use dashboard_dsl::panel::{self, IntoPanelKey, Panel};
use dashboard_dsl::promql;
use dashboard_dsl::query::{PromQl, PromQuery};
use dashboard_dsl::variable::{DatasourceVar, QueryVar};
use dashboard_dsl::Unit;

use crate::common::SparkVars;

/// What the executor panels query: a Prometheus, the application (by name) and its
/// executors.
#[derive(Clone, Copy)]
pub struct Scope<'a> {
    /// The Prometheus datasource variable.
    pub ds: &'a DatasourceVar<Prometheus>,
    /// `$app`: the application, by `spark.app.name`.
    pub app: &'a QueryVar,
    /// `$executor`: executor ids, `.*` for all.
    pub executor: &'a QueryVar,
}

impl<'a> Scope<'a> {
    /// The scope of the Spark Job Tracing and Spark Profiling variables.
    ///
    /// ```
    /// let v = dashboards::common::SparkVars::new();
    /// let s = dashboards::panels::Scope::of(&v);
    /// assert!(std::ptr::eq(s.app, &v.app));
    /// ```
    pub fn of(v: &'a SparkVars) -> Self {
        Scope {
            ds: &v.prometheus,
            app: &v.app,
            executor: &v.executor,
        }
    }
}

/// GC share of task time: 10% is the Spark UI's red line (orange here), 20% red.
///
/// ```
/// let t = dashboards::panels::gc_thresholds();
/// assert_eq!(t.steps[1].value, Some(0.1));
/// assert_eq!(t.steps[2].color, "red");
/// ```
pub fn gc_thresholds() -> Thresholds {
    thresholds("green", &[(0.1, "orange"), (0.2, "red")])
}

/// Skew as max over average across executors: 2 orange, 4 red.
///
/// ```
/// assert_eq!(dashboards::panels::executor_skew_thresholds().steps[1].value, Some(2.0));
/// ```
pub fn executor_skew_thresholds() -> Thresholds {
    thresholds("green", &[(2.0, "orange"), (4.0, "red")])
}

/// Skew as max over median within a stage: Dr. Elephant's tiers 2 low, 4 moderate,
/// 8 severe.
///
/// ```
/// let t = dashboards::panels::stage_skew_thresholds();
/// assert_eq!(t.steps.iter().filter_map(|s| s.value).collect::<Vec<_>>(), [2.0, 4.0, 8.0]);
/// ```
pub fn stage_skew_thresholds() -> Thresholds {
    thresholds("green", &[(2.0, "yellow"), (4.0, "orange"), (8.0, "red")])
}

/// Task durations, in seconds: below 200 ms scheduling overhead dominates (the Spark tuning
/// guide); from 2.5, 5 and 10 minutes Dr. Elephant rates a stage's median task low,
/// moderate and severe.
///
/// ```
/// let t = dashboards::panels::task_duration_thresholds();
/// assert_eq!(t.steps[0].color, "blue");
/// assert_eq!(t.steps[1].value, Some(0.2));
/// ```
pub fn task_duration_thresholds() -> Thresholds {
    thresholds(
        "blue",
        &[
            (0.2, "green"),
            (150.0, "yellow"),
            (300.0, "orange"),
            (600.0, "red"),
        ],
    )
}

/// For values with no bad level of their own (volumes, counts): one base colour, so that
/// Grafana's default (red at 80) does not colour 80 bytes red. The panel's description
/// says what to compare the value with.
///
/// ```
/// assert_eq!(dashboards::panels::no_level().steps.len(), 1);
/// ```
pub fn no_level() -> Thresholds {
    thresholds("green", &[])
}

/// Failures: any is worth a look.
///
/// ```
/// assert_eq!(dashboards::panels::any_failure().steps[1].value, Some(1.0));
/// ```
pub fn any_failure() -> Thresholds {
    thresholds("green", &[(1.0, "red")])
}

/// A stat of a whole number of things (jobs, stages, tasks, executors): the start every
/// count stat of the Spark dashboards shares. The caller adds thresholds and the query.
///
/// ```
/// let p = dashboards::panels::count_stat("n", "Executors", "Executors registered.");
/// let spec = p.thresholds(dashboards::panels::no_level()).into_spec();
/// assert_eq!(spec.model().field_config.as_ref().unwrap().defaults.decimals, Some(0));
/// ```
pub fn count_stat(key: impl IntoPanelKey, title: &str, description: &str) -> Panel<StatOptions> {
    panel::stat(key, title)
        .description(description)
        .unit(Unit::Short)
        .decimals(0)
}

/// Two series where the second is the first one's reference, drawn dashed so it reads apart
/// without the legend: minor against major collections, median against slowest task, memory
/// against disk spill, or a value against its limit.
///
/// ```
/// use dashboard_dsl::{panel, promql, query::PromQuery};
/// use dashboards::panels::Reference;
/// let v = dashboards::common::SparkVars::new();
/// let q = |l: &str| PromQuery::new(promql!("up")).legend(l);
/// let p = panel::timeseries("heap", "Heap").against_limit(&v.prometheus, q("used"), q("max"));
/// let spec = p.into_spec();
/// let overrides = &spec.model().field_config.as_ref().unwrap().overrides;
/// assert_eq!(spec.model().targets.len(), 2);
/// assert_eq!(overrides[0].properties.len(), 2);
/// ```
pub trait Reference: Sized {
    /// `solid`, then `dashed` drawn dashed.
    fn solid_and_dashed(
        self,
        ds: &DatasourceVar<Prometheus>,
        solid: PromQuery,
        dashed: PromQuery,
    ) -> Self;

    /// `value`, then `limit` drawn dashed and unfilled: a limit is a line to stay under, not
    /// an area that stacks or hides the value.
    fn against_limit(
        self,
        ds: &DatasourceVar<Prometheus>,
        value: PromQuery,
        limit: PromQuery,
    ) -> Self;
}

impl Reference for Panel<TimeseriesOptions> {
    fn solid_and_dashed(
        self,
        ds: &DatasourceVar<Prometheus>,
        solid: PromQuery,
        dashed: PromQuery,
    ) -> Self {
        with_reference(self, ds, solid, dashed, [FieldProp::Dashed])
    }

    fn against_limit(
        self,
        ds: &DatasourceVar<Prometheus>,
        value: PromQuery,
        limit: PromQuery,
    ) -> Self {
        with_reference(
            self,
            ds,
            value,
            limit,
            [FieldProp::Dashed, FieldProp::FillOpacity(0)],
        )
    }
}

fn with_reference<const N: usize>(
    mut p: Panel<TimeseriesOptions>,
    ds: &DatasourceVar<Prometheus>,
    first: PromQuery,
    reference: PromQuery,
    props: [FieldProp; N],
) -> Panel<TimeseriesOptions> {
    p.add_query(ds, first);
    let reference = p.add_query(ds, reference);
    p.override_query(&reference, props)
}

/// Shuffle direction.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Shuffle {
    /// Bytes fetched by reducers.
    Read,
    /// Bytes written by mappers.
    Write,
}

/// Shuffle bytes per second per executor, by `executor_id`.
///
/// ```
/// use dashboards::panels::{shuffle_rate_query, Scope, Shuffle};
/// let v = dashboards::common::SparkVars::new();
/// let q = shuffle_rate_query(Scope::of(&v), Shuffle::Write).legend("{{executor_id}}");
/// let spec = dashboard_dsl::panel::timeseries("w", "W").query(&v.prometheus, q).into_spec();
/// assert!(spec.model().targets[0].expr.as_deref().unwrap().contains("totalShuffleWrite"));
/// ```
pub fn shuffle_rate_query(s: Scope, dir: Shuffle) -> PromQuery {
    let q: PromQl = match dir {
        Shuffle::Read => promql!(
            r#"sum by (executor_id) (rate(metrics_executor_totalShuffleRead_bytes_total{application_name=~"$app", executor_id=~"$executor"}[$__rate_interval]))"#,
            app = s.app,
            executor = s.executor
        ),
        Shuffle::Write => promql!(
            r#"sum by (executor_id) (rate(metrics_executor_totalShuffleWrite_bytes_total{application_name=~"$app", executor_id=~"$executor"}[$__rate_interval]))"#,
            app = s.app,
            executor = s.executor
        ),
    };
    PromQuery::new(q)
}

/// Shuffle bytes read or written per second by each executor.
pub fn shuffle_per_executor(
    key: impl IntoPanelKey,
    s: Scope,
    dir: Shuffle,
) -> Panel<TimeseriesOptions> {
    let (title, description) = match dir {
        Shuffle::Read => ("Shuffle read per executor", "Shuffle bytes read per second by each executor. Reads concentrated on one executor are skew (see Shuffle read skew); reads high everywhere with low CPU point at the network or the shuffle service. Volume has no bad level of its own: compare it with the stage's input."),
        Shuffle::Write => ("Shuffle write per executor", "Shuffle bytes written per second by each executor: the map side of every wide transformation (join, groupBy, repartition). Large writes are the first thing to cut: filter and project before the shuffle, or broadcast the small side. Volume has no bad level of its own: compare it with the stage's input."),
    };
    panel::timeseries(key, title)
        .description(description)
        .unit(Unit::BytesPerSecondIEC)
        .min(0.0)
        .thresholds(no_level())
        .legend(Legend::table(&[Calc::Max, Calc::Mean]))
        .query(s.ds, shuffle_rate_query(s, dir).legend("{{executor_id}}"))
}

/// Shuffle bytes of the busiest executor over the average executor, over the time range.
///
/// ```
/// use dashboards::panels::{shuffle_skew, Scope, Shuffle};
/// let v = dashboards::common::SparkVars::new();
/// let spec = shuffle_skew("skew", Scope::of(&v), Shuffle::Read).into_spec();
/// assert_eq!(spec.model().title, "Shuffle read skew (max/avg)");
/// ```
pub fn shuffle_skew(key: impl IntoPanelKey, s: Scope, dir: Shuffle) -> Panel<StatOptions> {
    let (title, description, q) = match dir {
        Shuffle::Read => (
            "Shuffle read skew (max/avg)",
            "Shuffle bytes read in the time range by the busiest executor over the average executor. 1 is even; above 2 (orange) one executor does twice its share; above 4 (red) expect stragglers.",
            promql!(
                r#"max(sum by (executor_id) (increase(metrics_executor_totalShuffleRead_bytes_total{application_name=~"$app", executor_id=~"$executor"}[$__range])))
  / (avg(sum by (executor_id) (increase(metrics_executor_totalShuffleRead_bytes_total{application_name=~"$app", executor_id=~"$executor"}[$__range]))) > 0)"#,
                app = s.app,
                executor = s.executor
            ),
        ),
        Shuffle::Write => (
            "Shuffle write skew (max/avg)",
            "Shuffle bytes written in the time range by the busiest executor over the average. Above 2 (orange) one executor writes twice its share, above 4 (red) expect stragglers. Write skew comes from skewed input partitions (a few huge files, or a skewed repartition key).",
            promql!(
                r#"max(sum by (executor_id) (increase(metrics_executor_totalShuffleWrite_bytes_total{application_name=~"$app", executor_id=~"$executor"}[$__range])))
  / (avg(sum by (executor_id) (increase(metrics_executor_totalShuffleWrite_bytes_total{application_name=~"$app", executor_id=~"$executor"}[$__range]))) > 0)"#,
                app = s.app,
                executor = s.executor
            ),
        ),
    };
    panel::stat(key, title)
        .description(description)
        .unit(Unit::Short)
        .decimals(2)
        .color(ColorMode::Thresholds)
        .thresholds(executor_skew_thresholds())
        .no_graph()
        .query(s.ds, PromQuery::new(q).instant())
}

/// The look of every "share of time, per executor" panel: percent from 0, lines coloured
/// by the thresholds (drawn dashed), and a legend table with max and mean.
///
/// ```
/// use dashboards::panels::{gc_thresholds, share_per_executor};
/// let p = share_per_executor(dashboard_dsl::panel::timeseries("gc", "GC"), gc_thresholds());
/// let spec = p.into_spec();
/// let defaults = &spec.model().field_config.as_ref().unwrap().defaults;
/// assert_eq!(defaults.unit, Some(dashboard_dsl::Unit::PercentUnit));
/// ```
pub fn share_per_executor(
    p: Panel<TimeseriesOptions>,
    levels: Thresholds,
) -> Panel<TimeseriesOptions> {
    p.unit(Unit::PercentUnit)
        .min(0.0)
        .color(ColorMode::Thresholds)
        .thresholds(levels)
        .threshold_lines()
        .legend(Legend::table(&[Calc::Max, Calc::Mean]))
}

/// GC time the tasks report over task time, per executor that runs tasks.
///
/// ```
/// let v = dashboards::common::SparkVars::new();
/// let p = dashboards::panels::gc_share_of_task_time("gc", dashboards::panels::Scope::of(&v));
/// assert_eq!(p.into_spec().model().title, "GC share of task time");
/// ```
pub fn gc_share_of_task_time(key: impl IntoPanelKey, s: Scope) -> Panel<TimeseriesOptions> {
    let p = panel::timeseries(key, "GC share of task time")
        .description("GC time the tasks report over task time, per executor that runs tasks: the ratio the Spark UI colours red above 10% (orange here). Above 20% (red) the executor mostly collects garbage: give it more memory per task or cache less.");
    share_per_executor(p, gc_thresholds())
        .query(s.ds, executor_query!(s, r#"(sum by (executor_id) (rate(metrics_executor_totalGCTime_seconds_total{application_name=~"$app", executor_id=~"$executor"}[$__rate_interval]))
  / (sum by (executor_id) (rate(metrics_executor_totalDuration_seconds_total{application_name=~"$app", executor_id=~"$executor"}[$__rate_interval])) > 0))
  and on (executor_id) (max by (executor_id) (metrics_executor_maxTasks{application_name=~"$app"}) > 0)"#).legend("{{executor_id}}"))
}

/// Tasks running on each executor.
///
/// ```
/// let v = dashboards::common::SparkVars::new();
/// let p = dashboards::panels::active_tasks_per_executor("tasks", dashboards::panels::Scope::of(&v));
/// assert_eq!(p.into_spec().model().targets.len(), 1);
/// ```
pub fn active_tasks_per_executor(key: impl IntoPanelKey, s: Scope) -> Panel<TimeseriesOptions> {
    panel::timeseries(key, "Active tasks per executor")
        .description("Tasks running on each executor. Some executors busy while others sit at zero means too few partitions or skewed ones. A count has no bad level of its own: compare it with the executor's task slots.")
        .unit(Unit::Short)
        .decimals(0)
        .min(0.0)
        .thresholds(no_level())
        .legend(Legend::table(&[Calc::Max, Calc::Mean]))
        .tooltip(Tooltip::all_descending())
        .query(s.ds, executor_query!(s, r#"sum by (executor_id) (metrics_executor_activeTasks{application_name=~"$app", executor_id=~"$executor"})"#).legend("{{executor_id}}"))
}

/// Storage memory used by cached blocks now, over what each executor may use for storage:
/// 80% orange (little room left), 95% red (full: blocks are evicted).
///
/// ```
/// let v = dashboards::common::SparkVars::new();
/// let p = dashboards::panels::storage_in_use("storage", dashboards::panels::Scope::of(&v));
/// assert_eq!(p.into_spec().model().kind, "bargauge");
/// ```
pub fn storage_in_use(key: impl IntoPanelKey, s: Scope) -> Panel<BarGaugeOptions> {
    panel::bar_gauge(key, "Storage memory in use (current)")
        .description("Storage memory used by cached blocks now, over what each executor may use for storage. Above 80% (orange) little room is left and the next cached blocks may evict older ones; above 95% (red) it is full: cached data is evicted and recomputed, or read back from disk with MEMORY_AND_DISK.")
        .display(BarGaugeDisplayMode::Gradient)
        .unit(Unit::PercentUnit)
        .min(0.0)
        .max(1.0)
        .color(ColorMode::Thresholds)
        .thresholds(thresholds("green", &[(0.8, "orange"), (0.95, "red")]))
        .query(s.ds, executor_query!(s, r#"max by (executor_id) (metrics_executor_memoryUsed_bytes{application_name=~"$app", executor_id=~"$executor"})
  / (max by (executor_id) (metrics_executor_maxMemory_bytes{application_name=~"$app", executor_id=~"$executor"}) > 0)"#).legend("{{executor_id}}").instant())
}

/// Peak JVM heap per executor since the application started.
///
/// ```
/// let v = dashboards::common::SparkVars::new();
/// let q = dashboards::panels::heap_peak_query(dashboards::panels::Scope::of(&v));
/// let spec = dashboard_dsl::panel::timeseries("h", "H").query(&v.prometheus, q).into_spec();
/// assert!(spec.model().targets[0].expr.as_deref().unwrap().contains("JVMHeapMemory"));
/// ```
pub fn heap_peak_query(s: Scope) -> PromQuery {
    executor_query!(
        s,
        r#"max by (executor_id) (metrics_executor_JVMHeapMemory_bytes{application_name=~"$app", executor_id=~"$executor"})"#
    )
}

/// Running tasks over task slots: below 30% red, below 60% orange (the slow-jobs recipe).
///
/// ```
/// assert_eq!(dashboards::panels::utilization_thresholds().steps[0].color, "red");
/// ```
pub fn utilization_thresholds() -> Thresholds {
    thresholds("red", &[(0.3, "orange"), (0.6, "green")])
}

/// Spill, in bytes or bytes per second: any spill is worth a look (Databricks).
///
/// ```
/// assert_eq!(dashboards::panels::any_spill().steps[1].color, "orange");
/// ```
pub fn any_spill() -> Thresholds {
    thresholds("green", &[(1.0, "orange")])
}
