//! Spark SQL (`spark-sql`): the SQL executions of one application (every DataFrame action
//! and SQL statement is one): how many run, finished and failed, the slowest with their
//! description, their jobs and stages, the heaviest operators of their plans, each linked to
//! its page in the Spark UI, and their `spark.sql` spans in Tempo and Jaeger.
//!
//! The metric panels read spark-exporter's `spark_sql_*` series, from the driver's REST
//! `/sql` (see the exporter's README: the newest `--max-sql-executions` executions, the
//! `--max-sql-operators` heaviest operators of each). Spark itself exports nothing per SQL
//! execution.

use dashboard_dsl::field::{ColorMode, FieldProp};
use dashboard_dsl::link::PanelLink;
use dashboard_dsl::model::Variable;
use dashboard_dsl::options::{
    BarGaugeDisplayMode, BarGaugeOptions, StatOptions, TableOptions, TimeseriesOptions,
};
use dashboard_dsl::panel::{self, Panel};
use dashboard_dsl::query::{Format, JaegerQuery, PromQl, PromQuery, TempoQuery};
use dashboard_dsl::variable::{IntoVariable, TextboxVar, Variables};
use dashboard_dsl::{promql, Dashboard, PanelKey, Row, Unit};
use serde_json::json;

use crate::common::{spark_dashboard, with_sibling, Recipe, SparkVars};
use crate::panels::{any_failure, any_spill, count_stat, no_level};
use crate::Options;

/// The uid of Spark SQL.
pub const UID: &str = "spark-sql";

/// The Spark UI the execution links open when the text box is left as it is: the driver's
/// UI port, as `kubectl port-forward <driver-pod> 4040:4040` (Spark's "Running on
/// Kubernetes" guide) or a local run serve it.
pub const DEFAULT_SPARK_UI: &str = "http://localhost:4040";

/// The dashboard's variables: the ones every Spark dashboard shares, then the Spark UI.
///
/// ```
/// use dashboard_dsl::variable::Variables as _;
/// let names: Vec<_> = dashboards::spark_sql::Vars::new().variables().into_iter().map(|v| v.name).collect();
/// assert_eq!(names.last().map(String::as_str), Some("spark_ui"));
/// ```
pub struct Vars {
    /// The variables of every Spark dashboard.
    pub spark: SparkVars,
    /// The base URL of the application's Spark UI (no trailing `/`), for the links to an
    /// execution's page.
    pub spark_ui: TextboxVar,
}

impl Vars {
    /// The shared variables and the Spark UI text box.
    pub fn new() -> Self {
        Vars {
            spark: SparkVars::new(),
            spark_ui: TextboxVar::new("spark_ui")
                .label("Spark UI")
                .default(DEFAULT_SPARK_UI),
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
        let mut all = self.spark.variables();
        all.push(self.spark_ui.to_variable());
        all
    }
}

/// Panel keys: ids derive from them, so a key is never reused for another panel.
#[derive(PanelKey, Clone, Copy)]
pub enum Key {
    Running,
    Completed,
    Failed,
    ByStatus,
    Executions,
    Slowest,
    Duration,
    JobsAndStages,
    OperatorTime,
    OperatorSpill,
    OperatorRows,
    SqlSpans,
    JaegerSqlSpans,
}

/// Builds the dashboard.
///
/// ```
/// let built = dashboards::spark_sql::dashboard(&dashboards::Options::default()).build().unwrap();
/// assert_eq!(built.model.uid, dashboards::spark_sql::UID);
/// ```
pub fn dashboard(o: &Options) -> Dashboard {
    let v = Vars::new();
    let d = spark_dashboard(
        UID,
        "Spark SQL",
        "Which SQL queries of this Spark application are slow or failing? SQL executions (DataFrame actions and SQL statements) by status, the slowest with their description, jobs and stages, the heaviest operators of their plans, each linked to its Spark UI page; and their spark.sql spans in Tempo and Jaeger.",
        &["spark", "sql"],
        &v,
    );
    with_sibling(
        d,
        crate::common::TRACING_UID,
        "Spark Job Tracing",
        "The same application's jobs, stages and spans",
    )
    .row(executions_row(&v, o))
    .row(
        Row::new("Queries")
            .panel(executions(&v, o))
            .panel(slowest(&v, o))
            .panel(duration(&v, o))
            .panel(jobs_and_stages(&v, o)),
    )
    .row(
        Row::new("Heaviest plan operators")
            .panel(operator_time(&v, o))
            .panel(operator_spill(&v, o))
            .panel(operator_rows(&v, o)),
    )
    .row(traces_row(&v, o))
}

/// The execution's page in the Spark UI, from a table row or a bar (`execution_id`).
fn spark_ui_link(execution_id: &str) -> PanelLink {
    PanelLink::url(
        "Open this query in the Spark UI",
        &format!("${{spark_ui}}/SQL/execution/?id={execution_id}"),
    )
}

/// A count of the executions Spark keeps with one status; failures turn it red.
fn status_stat(
    v: &Vars,
    o: &Options,
    key: Key,
    title: &str,
    description: &str,
    query: PromQl,
) -> Panel<StatOptions> {
    let stat = count_stat(key, title, description)
        .link(Recipe::SlowSql.link(o))
        .no_graph()
        .size(4, 5)
        .query(&v.spark.prometheus, PromQuery::new(query));
    if matches!(key, Key::Failed) {
        stat.color(ColorMode::Thresholds)
            .thresholds(any_failure())
            .background()
    } else {
        stat.thresholds(no_level())
    }
}

fn executions_row(v: &Vars, o: &Options) -> Row {
    let app = &v.spark.app;
    Row::new("SQL executions")
        .panel(status_stat(v, o, Key::Running, "Running queries",
            "SQL executions running now (spark-exporter, REST /sql). Zero while jobs run means the work is RDD code, not DataFrames or SQL.",
            promql!(r#"sum(spark_sql_executions{application_name=~"$app", status="running"})"#, app = app)))
        .panel(status_stat(v, o, Key::Completed, "Completed queries",
            "SQL executions that finished, of those Spark keeps (spark.sql.ui.retainedExecutions, 1000 by default).",
            promql!(r#"sum(spark_sql_executions{application_name=~"$app", status="completed"})"#, app = app)))
        .panel(status_stat(v, o, Key::Failed, "Failed queries",
            "SQL executions that failed, of those Spark keeps: any failure is worth a look; the table below and the failed spans say which and why.",
            promql!(r#"sum(spark_sql_executions{application_name=~"$app", status="failed"})"#, app = app)))
        .panel(by_status(v, o))
}

fn by_status(v: &Vars, o: &Options) -> Panel<TimeseriesOptions> {
    panel::timeseries(Key::ByStatus, "SQL executions over time, by status")
        .description("How many SQL executions Spark keeps, by status: the running line is the application's concurrency in queries; a rising failed line is queries failing as they come. Counts have no bad level of their own.")
        .link(Recipe::SlowSql.link(o))
        .unit(Unit::Short)
        .decimals(0)
        .min(0.0)
        .thresholds(no_level())
        .size(12, 5)
        .query(&v.spark.prometheus, PromQuery::new(promql!(
            r#"sum by (status) (spark_sql_executions{application_name=~"$app", status!="unknown"})"#,
            app = v.spark.app
        )).legend("{{status}}"))
}

/// One instant query of the executions table, as a table frame merged on the labels.
fn table_query(expr: PromQl) -> PromQuery {
    PromQuery::new(expr).instant().format(Format::Table)
}

fn executions(v: &Vars, o: &Options) -> Panel<TableOptions> {
    let ds = &v.spark.prometheus;
    let app = &v.spark.app;
    panel::table(Key::Executions, "SQL executions")
        .description("The SQL executions of the time range that spark-exporter exports (running, or finished within its --stage-retention; the newest --max-sql-executions), slowest first: description, status, duration, failed jobs and stages. Click an id for the query's page in the Spark UI (set the Spark UI box to your driver's UI), with its plan and every operator's metrics.")
        .link(Recipe::SlowSql.link(o))
        .unit(Unit::NoUnit)
        .thresholds(no_level())
        .size(24, 9)
        .query(ds, table_query(promql!(
            r#"max by (application_id, execution_id) (max_over_time(spark_sql_execution_duration_seconds{application_name=~"$app"}[$__range]))
  * on (application_id, execution_id) group_left (description)
    max by (application_id, execution_id, description) (max_over_time(spark_sql_execution_info{application_name=~"$app"}[$__range]))"#,
            app = app
        )))
        .query(ds, table_query(promql!(
            r#"max by (application_id, execution_id, status) (last_over_time(spark_sql_execution_status{application_name=~"$app"}[$__range]) == 1)"#,
            app = app
        )))
        .query(ds, table_query(promql!(
            r#"max by (application_id, execution_id) (last_over_time(spark_sql_execution_jobs{application_name=~"$app", state="failed"}[$__range]))"#,
            app = app
        )))
        .query(ds, table_query(promql!(
            r#"max by (application_id, execution_id) (last_over_time(spark_sql_execution_stages{application_name=~"$app"}[$__range]))"#,
            app = app
        )))
        .transform("merge", json!({}))
        .transform(
            "organize",
            json!({
                "excludeByName": {"Time": true, "Value #B": true},
                "indexByName": {"execution_id": 0, "description": 1, "status": 2, "Value #A": 3, "Value #C": 4, "Value #D": 5, "application_id": 6},
                "renameByName": {
                    "execution_id": "Query",
                    "description": "Description",
                    "status": "Status",
                    "Value #A": "Duration",
                    "Value #C": "Failed jobs",
                    "Value #D": "Stages",
                    "application_id": "Run",
                },
            }),
        )
        .sort_by("Duration", true)
        .override_field("Query", [FieldProp::Links(vec![spark_ui_link("${__value.raw}")])])
        .override_field("Duration", [FieldProp::Unit(Unit::Seconds)])
        .override_field(
            "Failed jobs",
            [
                FieldProp::Thresholds(any_failure()),
                FieldProp::CellColor,
            ],
        )
}

/// The slowest executions as bars named by their description.
fn slowest(v: &Vars, o: &Options) -> Panel<BarGaugeOptions> {
    panel::bar_gauge(Key::Slowest, "Slowest queries (top 10)")
        .description("The 10 longest SQL executions of the time range, by id and description (a running one counts its time so far). A query far slower than its usual run is the one to open: click a bar for its plan in the Spark UI, or see its jobs in Spark Job Tracing. Durations have no bad level of their own: compare with the same query's earlier runs.")
        .link(Recipe::SlowSql.link(o))
        .data_link(spark_ui_link("${__field.labels.execution_id}"))
        .display(BarGaugeDisplayMode::Basic)
        .unit(Unit::Seconds)
        .min(0.0)
        .thresholds(no_level())
        .size(12, 9)
        .query(&v.spark.prometheus, PromQuery::new(promql!(
            r#"topk(10, max by (application_id, execution_id) (max_over_time(spark_sql_execution_duration_seconds{application_name=~"$app"}[$__range])))
  * on (application_id, execution_id) group_left (description)
    max by (application_id, execution_id, description) (max_over_time(spark_sql_execution_info{application_name=~"$app"}[$__range]))"#,
            app = v.spark.app
        )).legend("{{execution_id}}: {{description}}").instant())
}

fn duration(v: &Vars, o: &Options) -> Panel<TimeseriesOptions> {
    panel::timeseries(Key::Duration, "Query duration over time")
        .description("Each exported SQL execution's duration, a line per query: it climbs while the query runs and stays flat once it finished, until the exporter lets it go. A line that keeps climbing is a query still running; many short lines are many small queries (driver round trips).")
        .link(Recipe::SlowSql.link(o))
        .data_link(spark_ui_link("${__field.labels.execution_id}"))
        .unit(Unit::Seconds)
        .min(0.0)
        .thresholds(no_level())
        .size(12, 9)
        .query(&v.spark.prometheus, PromQuery::new(promql!(
            r#"max by (execution_id) (spark_sql_execution_duration_seconds{application_name=~"$app"})"#,
            app = v.spark.app
        )).legend("query {{execution_id}}"))
}

fn jobs_and_stages(v: &Vars, o: &Options) -> Panel<BarGaugeOptions> {
    let mut p = panel::bar_gauge(Key::JobsAndStages, "Jobs and stages per query (top 10)")
        .description("The SQL executions of the time range with the most jobs and stages (skipped stages included). Many jobs for one query are adaptive query execution re-planning, broadcasts or a loop of actions; many stages are many shuffles. Counts have no bad level of their own.")
        .link(Recipe::SlowSql.link(o))
        .data_link(spark_ui_link("${__field.labels.execution_id}"))
        .display(BarGaugeDisplayMode::Basic)
        .unit(Unit::Short)
        .decimals(0)
        .min(0.0)
        .thresholds(no_level())
        .size(12, 9);
    p.add_query(&v.spark.prometheus, PromQuery::new(promql!(
        r#"topk(10, sum by (application_id, execution_id) (last_over_time(spark_sql_execution_jobs{application_name=~"$app"}[$__range])))"#,
        app = v.spark.app
    )).legend("query {{execution_id}} jobs").instant());
    p.add_query(&v.spark.prometheus, PromQuery::new(promql!(
        r#"topk(10, max by (application_id, execution_id) (last_over_time(spark_sql_execution_stages{application_name=~"$app"}[$__range])))"#,
        app = v.spark.app
    )).legend("query {{execution_id}} stages").instant());
    p
}

/// A top-10 bar gauge of one operator figure over the executions of the range.
fn operator_gauge(
    key: Key,
    title: &str,
    description: &str,
    unit: Unit,
    o: &Options,
) -> Panel<BarGaugeOptions> {
    panel::bar_gauge(key, title)
        .description(description)
        .link(Recipe::SlowSql.link(o))
        .data_link(spark_ui_link("${__field.labels.execution_id}"))
        .display(BarGaugeDisplayMode::Basic)
        .unit(unit)
        .min(0.0)
        .size(8, 10)
}

fn operator_time(v: &Vars, o: &Options) -> Panel<BarGaugeOptions> {
    operator_gauge(Key::OperatorTime, "Slowest operators (top 10)", "The plan operators that took the most time in the time range, summed over their tasks (WholeStageCodegen duration, sort time, aggregate build time, shuffle write and fetch wait), by query, operator and node id (the node ids of the Spark UI's plan). The heaviest operators of an execution are where its time went; the exporter keeps the --max-sql-operators heaviest of each. Times have no bad level of their own.", Unit::Seconds, o)
        .thresholds(no_level())
        .query(&v.spark.prometheus, PromQuery::new(promql!(
            r#"topk(10, max by (application_id, execution_id, node_id, operator) (max_over_time(spark_sql_operator_time_seconds{application_name=~"$app"}[$__range])))"#,
            app = v.spark.app
        )).legend("{{execution_id}} · {{operator}} ({{node_id}})").instant())
}

fn operator_spill(v: &Vars, o: &Options) -> Panel<BarGaugeOptions> {
    operator_gauge(Key::OperatorSpill, "Operators that spilled (top 10)", "The plan operators that spilled the most bytes to disk in the time range (the SQL metric spill size of sorts, aggregations and joins), by query and operator. Any spill is worth a look (orange from the first byte): give the query more memory per task, more shuffle partitions, or see the recipe.", Unit::BytesIEC, o)
        .color(ColorMode::Thresholds)
        .thresholds(any_spill())
        .query(&v.spark.prometheus, PromQuery::new(promql!(
            r#"topk(10, max by (application_id, execution_id, node_id, operator) (max_over_time(spark_sql_operator_spill_bytes{application_name=~"$app"}[$__range])))"#,
            app = v.spark.app
        )).legend("{{execution_id}} · {{operator}} ({{node_id}})").instant())
}

fn operator_rows(v: &Vars, o: &Options) -> Panel<BarGaugeOptions> {
    operator_gauge(Key::OperatorRows, "Rows out of the heaviest operators (top 10)", "Rows output by the heaviest plan operators of the time range (SQL metric number of output rows). A join whose rows far exceed its inputs' is exploding on duplicate keys; a scan or filter that keeps almost every row did not push its filter down. Rows have no bad level of their own.", Unit::Short, o)
        .thresholds(no_level())
        .query(&v.spark.prometheus, PromQuery::new(promql!(
            r#"topk(10, max by (application_id, execution_id, node_id, operator) (max_over_time(spark_sql_operator_output_rows{application_name=~"$app"}[$__range])))"#,
            app = v.spark.app
        )).legend("{{execution_id}} · {{operator}} ({{node_id}})").instant())
}

/// The `spark.sql` spans of spark-traces, slowest first, in Tempo and in Jaeger.
fn traces_row(v: &Vars, o: &Options) -> Row {
    let s = &v.spark;
    let tempo = panel::table(Key::SqlSpans, "Slowest queries (spans)")
        .description("The application's SQL executions as spark-traces' spark.sql spans (from the event log, so finished applications and executions the exporter no longer keeps are here too), slowest first, with their execution id, description, status and failure reason. Click a row for the application's trace: the query's jobs, stages and tasks under it.")
        .link(Recipe::SlowSql.link(o))
        .data_link(
            PanelLink::tempo_trace(&s.tempo, "${__data.fields.traceIdHidden}")
                .title("Open the trace of this application in Tempo"),
        )
        .convert_to_numbers(&["spark.sql.execution.id"])
        .unit(Unit::NoUnit)
        .thresholds(no_level())
        .sort_by("Duration", true)
        .size(24, 9)
        .query(&s.tempo, TempoQuery::traceql(
            r#"{resource.service.name="$service" && resource.spark.app.name=~"${app:regex}" && name="spark.sql"} | select(span.spark.sql.execution.id, span.spark.sql.description, span.spark.status, span.spark.failure_reason)"#,
        ).spans(200).limit(50));
    let jaeger = panel::table(Key::JaegerSqlSpans, "SQL spans (Jaeger)")
        .description("The same spark.sql spans from Jaeger, for installations that run Jaeger instead of Tempo.")
        .link(Recipe::Stack.link(o))
        .unit(Unit::NoUnit)
        .thresholds(no_level())
        .size(24, 8)
        .query(
            &s.jaeger,
            JaegerQuery::search("$service")
                .operation("spark.sql")
                .tags("spark.app.name=$app")
                .limit(50),
        );
    Row::new("Traces").panel(tempo).panel(jaeger)
}
