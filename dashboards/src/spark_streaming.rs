//! Spark Streaming (`spark-streaming`): per application and Structured Streaming query,
//! the driver's streaming gauges as the contract names them,
//! `spark_streaming_<gauge>_Value{application_id, query}` (see `provisioning/README.md`,
//! "Streaming queries", and the recordings in `tests/fixtures/streaming/`). Each gauge holds
//! the last finished micro-batch's figure. Proved on the e2e validate runs, whose workload
//! (`tests/workloads/validate_job.py`) runs a windowed, watermarked query beside the batch
//! work.

use dashboard_dsl::datasource::Prometheus;
use dashboard_dsl::field::thresholds;
use dashboard_dsl::model::Thresholds;
use dashboard_dsl::model::Variable;
use dashboard_dsl::options::TimeseriesOptions;
use dashboard_dsl::panel::{self, Panel};
use dashboard_dsl::query::PromQuery;
use dashboard_dsl::variable::{DatasourceVar, IntoVariable, QueryVar, Sort, Variables};
use dashboard_dsl::{promql, Dashboard, PanelKey, Row, Unit};

use crate::common::{spark_dashboard, Recipe, SparkVars};
use crate::panels::no_level;
use crate::Options;

/// The uid of Spark Streaming.
pub const UID: &str = "spark-streaming";

/// The dashboard's variables, in resolution order: three of [`SparkVars`], so the
/// application pickers cannot drift from the other dashboards, and the queries.
///
/// ```
/// use dashboard_dsl::variable::Variables as _;
/// let v = dashboards::spark_streaming::Vars::new();
/// let names: Vec<_> = v.variables().into_iter().map(|v| v.name).collect();
/// assert_eq!(names, ["prometheus", "app", "app_id", "query"]);
/// ```
pub struct Vars {
    /// The Prometheus that scrapes the Spark drivers.
    pub prometheus: DatasourceVar<Prometheus>,
    /// Spark application, by `spark.app.name`: the id changes on every run.
    pub app: QueryVar,
    /// Every run of the application in the time range: driver metrics carry only the id.
    pub app_id: QueryVar,
    /// The application's streaming queries, by name (`_` for what is not `[a-zA-Z0-9]`;
    /// an unnamed query by its id).
    pub query: QueryVar,
}

impl Vars {
    /// The shared variables and the query picker.
    pub fn new() -> Self {
        let shared = SparkVars::new();
        let query = QueryVar::new("query")
            .label("Query")
            .datasource(&shared.prometheus)
            .query(
                r#"label_values(spark_streaming_latency_Value{application_id=~"$app_id"}, query)"#,
            )
            .multi(true)
            .include_all(true)
            .all_value(".*")
            .sort(Sort::AlphabeticalAsc);
        Vars {
            prometheus: shared.prometheus,
            app: shared.app,
            app_id: shared.app_id,
            query,
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
            self.app_id.to_variable(),
            self.query.to_variable(),
        ]
    }
}

/// Panel keys: ids derive from them, so a key is never reused for another panel.
#[derive(PanelKey, Clone, Copy)]
pub enum Key {
    Rates,
    BatchDuration,
    WatermarkDelay,
    StateRows,
    StateMemory,
}

/// Builds the dashboard.
///
/// ```
/// let built = dashboards::spark_streaming::dashboard(&dashboards::Options::default()).build().unwrap();
/// assert_eq!(built.model.uid, dashboards::spark_streaming::UID);
/// ```
pub fn dashboard(o: &Options) -> Dashboard {
    let v = Vars::new();
    spark_dashboard(
        UID,
        "Spark Streaming",
        "Structured Streaming queries of one Spark application: input against processing rate, batch duration, watermark delay and state, from the driver's streaming gauges (spark.sql.streaming.metricsEnabled).",
        &["spark", "streaming"],
        &v,
    )
    .row(
        Row::new("Throughput")
            .panel(rates(&v, o))
            .panel(batch_duration(&v, o)),
    )
    .row(
        Row::new("Watermark and state")
            .panel(watermark_delay(&v, o))
            .panel(state_rows(&v, o))
            .panel(state_memory(&v, o)),
    )
}

/// A time series of one figure per query, linked to the streaming recipe.
fn per_query(
    key: Key,
    title: &str,
    description: &str,
    unit: Unit,
    levels: Thresholds,
    o: &Options,
) -> Panel<TimeseriesOptions> {
    panel::timeseries(key, title)
        .description(description)
        .link(Recipe::StreamingLag.link(o))
        .unit(unit)
        .min(0.0)
        .thresholds(levels)
}

fn rates(v: &Vars, o: &Options) -> Panel<TimeseriesOptions> {
    per_query(Key::Rates, "Input rate against processing rate", "Rows per second arriving (input) and processed, per query, from the last finished batch. Processing below input for minutes is a backlog: each batch is longer than the interval it read, and the source's lag grows (alert StreamingProcessingBelowInput). A rate has no bad level of its own.", Unit::RowsPerSecond, no_level(), o)
        .query(
            &v.prometheus,
            PromQuery::new(promql!(
                r#"max by (query) (spark_streaming_inputRate_total_Value{application_id=~"$app_id", query=~"$query"})"#,
                app_id = v.app_id,
                query = v.query
            ))
            .legend("{{query}} input"),
        )
        .query(
            &v.prometheus,
            PromQuery::new(promql!(
                r#"max by (query) (spark_streaming_processingRate_total_Value{application_id=~"$app_id", query=~"$query"})"#,
                app_id = v.app_id,
                query = v.query
            ))
            .legend("{{query}} processed"),
        )
}

fn batch_duration(v: &Vars, o: &Options) -> Panel<TimeseriesOptions> {
    per_query(Key::BatchDuration, "Batch duration", "How long the last finished batch of each query took (durationMs.triggerExecution). Spark exports no trigger interval: the thresholds are the 60 s the StreamingBatchOverTrigger alert assumes (red above it); compare with your query's own trigger.", Unit::Seconds, thresholds("green", &[(60.0, "red")]), o)
        .query(&v.prometheus, PromQuery::new(promql!(
            r#"max by (query) (spark_streaming_latency_Value{application_id=~"$app_id", query=~"$query"}) / 1000"#,
            app_id = v.app_id,
            query = v.query
        )).legend("{{query}}"))
}

fn watermark_delay(v: &Vars, o: &Options) -> Panel<TimeseriesOptions> {
    per_query(Key::WatermarkDelay, "Watermark delay", "Wall clock minus the event-time watermark, per query with a watermark (queries without one report 0 and are left out). It includes the query's own withWatermark delay; above 15 minutes (red) the StreamingWatermarkDelayHigh alert fires.", Unit::Seconds, thresholds("green", &[(900.0, "red")]), o)
        .query(&v.prometheus, PromQuery::new(promql!(
            r#"time() - max by (query) (spark_streaming_eventTime_watermark_Value{application_id=~"$app_id", query=~"$query"} > 0) / 1000"#,
            app_id = v.app_id,
            query = v.query
        )).legend("{{query}}"))
}

fn state_rows(v: &Vars, o: &Options) -> Panel<TimeseriesOptions> {
    per_query(Key::StateRows, "State rows", "Rows in the state of each query's stateful operators. A watermarked aggregation's state rises and falls as windows open and are evicted; growth without pause is state never evicted (alert StreamingStateGrowing). Rows have no bad level of their own.", Unit::Short, no_level(), o)
        .query(&v.prometheus, PromQuery::new(promql!(
            r#"max by (query) (spark_streaming_states_rowsTotal_Value{application_id=~"$app_id", query=~"$query"})"#,
            app_id = v.app_id,
            query = v.query
        )).legend("{{query}}"))
}

fn state_memory(v: &Vars, o: &Options) -> Panel<TimeseriesOptions> {
    per_query(Key::StateMemory, "State memory", "Memory the state stores of each query use (memoryUsedBytes summed over its operators). With the default state store it is executor heap; bytes have no bad level of their own: compare with spark.executor.memory.", Unit::BytesIEC, no_level(), o)
        .query(&v.prometheus, PromQuery::new(promql!(
            r#"max by (query) (spark_streaming_states_usedBytes_Value{application_id=~"$app_id", query=~"$query"})"#,
            app_id = v.app_id,
            query = v.query
        )).legend("{{query}}"))
}
