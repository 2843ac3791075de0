//! Spark Job Tracing (`spark-job-tracing`): jobs and stages over time, how tasks spread
//! over executors, the bottleneck indicators, and the application's spans in Tempo and
//! Jaeger.

use dashboard_dsl::field::{thresholds, ColorMode, FieldProp};
use dashboard_dsl::link::PanelLink;
use dashboard_dsl::options::{BarGaugeDisplayMode, Calc, Legend, StatTextMode, Tooltip};
use dashboard_dsl::options::{StatOptions, TableOptions, TimeseriesOptions};
use dashboard_dsl::panel::{self, Panel, PanelSpec};
use dashboard_dsl::query::{JaegerQuery, PromQuery, TempoQuery};
use dashboard_dsl::{promql, PanelKey};
use dashboard_dsl::{Dashboard, Row, Unit};

use crate::common::{
    executor_trace_links, spark_dashboard, stage_span_links, trace_links, with_sibling, DataLinks,
    Recipe, SparkVars, APP_SPANS,
};
use crate::panels::{
    active_tasks_per_executor, any_failure, count_stat, executor_skew_thresholds,
    gc_share_of_task_time, no_level, shuffle_rate_query, shuffle_skew, stage_skew_thresholds,
    task_duration_thresholds, Reference, Scope, Shuffle,
};
use crate::Options;

/// Panel keys: ids derive from them, so a key is never reused for another panel.
#[derive(PanelKey, Clone, Copy)]
pub enum Key {
    ActiveJobs,
    RunningStages,
    WaitingStages,
    FailedStages,
    JobsAndStages,
    Completions,
    ActiveTasksPerExecutor,
    CompletedTasksPerExecutor,
    FailedTasksPerExecutor,
    TaskSpread,
    GcShare,
    ShufflePerExecutor,
    ShuffleSkew,
    IdleShare,
    // Task skew per stage (spark-exporter).
    StageTaskSkew,
    StageTaskDuration,
    TraceSearch,
    JobStageSpans,
    JaegerTraces,
    Trace,
    // Traces, from spark-traces' spans (added after the first four: keys are never reused).
    JobStageTimeline,
    SkewedStageSpans,
    FailedSpans,
    // Findings, from the alert rules.
    Findings,
}

/// Numeric span attributes the trace tables select. Tempo's span tables hold every
/// selected attribute as text; converted, they sort as numbers and take thresholds.
const SPAN_NUMBERS: [&str; 9] = [
    "spark.job.id",
    "spark.stage.id",
    "spark.stage.attempt",
    "spark.task.id",
    "spark.stage.task_duration.p50_ms",
    "spark.stage.task_duration.max_ms",
    "spark.stage.skew_ratio",
    "spark.stage.task_count",
    "spark.stage.shuffle_read_bytes",
];

/// The columns of a span table: numbers as numbers, task durations in ms, shuffle in bytes,
/// and the skew ratio's cell coloured at Dr. Elephant's tiers (2, 4, 8). Span durations keep
/// the unit Tempo gives them.
fn span_columns(table: Panel<TableOptions>) -> Panel<TableOptions> {
    table
        .convert_to_numbers(&SPAN_NUMBERS)
        .unit(Unit::NoUnit)
        .thresholds(no_level())
        .override_regex(
            r"spark\.stage\.task_duration\..*_ms",
            [FieldProp::Unit(Unit::Milliseconds)],
        )
        .override_field(
            "spark.stage.shuffle_read_bytes",
            [FieldProp::Unit(Unit::BytesIEC)],
        )
        .override_field(
            "spark.stage.skew_ratio",
            [
                FieldProp::Decimals(1),
                FieldProp::Thresholds(stage_skew_thresholds()),
                FieldProp::CellColor,
            ],
        )
}

/// Builds the dashboard, its recipe links under `o.recipes_url`: a list of rows.
///
/// ```
/// let d = dashboards::spark_job_tracing::dashboard(&dashboards::Options::default());
/// assert_eq!(d.build().unwrap().model.uid, dashboards::common::TRACING_UID);
/// ```
pub fn dashboard(o: &Options) -> Dashboard {
    let v = SparkVars::new();
    let d = spark_dashboard(
        crate::common::TRACING_UID,
        "Spark Job Tracing",
        "Why is this Spark job slow? Jobs and stages over time, task distribution across executors, bottleneck indicators, and the application's spans in Tempo and Jaeger.",
        &["spark", "tracing"],
        &v,
    );
    let d = crate::findings::annotate(d, &v);
    with_sibling(
        d,
        crate::common::PROFILING_UID,
        "Spark Profiling",
        "The same application's bottlenecks: GC, memory, shuffle, CPU",
    )
    .row(findings_row(&v, o))
    .row(jobs_row(&v, o))
    .row(task_distribution_row(&v, o))
    .row(bottlenecks_row(&v, o))
    .row(stage_skew_row(&v, o))
    .row(traces_row(&v, o))
}

/// What the alert rules found, first: a table of the firing alerts.
fn findings_row(v: &SparkVars, o: &Options) -> Row {
    // The streaming alerts' meanings belong on the streaming dashboard, which is to come;
    // leaving them out keeps this dashboard as it was.
    let groups: Vec<_> = crate::alerts::all_with(o)
        .into_iter()
        .filter(|g| g.name() != crate::alerts::streaming::GROUP)
        .collect();
    Row::new("Findings").panel(crate::findings::table(Key::Findings, v, &groups, o))
}

/// The driver's scheduler, now (stats) and over time (one panel), and its completions.
fn jobs_row(v: &SparkVars, o: &Options) -> Row {
    let ds = &v.prometheus;
    let app_spans = trace_links(v);
    // The driver's scheduler, now (stats) and over time (one panel): one query each.
    let scheduler = [
        (
            Key::ActiveJobs,
            "Active jobs",
            "active jobs",
            "Jobs running now (DAGScheduler). Zero while the application is busy means it is in driver-side code between jobs: see the recipe.",
            promql!(
                r#"sum(spark_DAGScheduler_job_activeJobs_Value{application_id=~"$app_id"})"#,
                app_id = v.app_id
            ),
        ),
        (
            Key::RunningStages,
            "Running stages",
            "running stages",
            "Stages with tasks running now. More running stages than executors' cores can serve shows up as waiting tasks and idle time below.",
            promql!(
                r#"sum(spark_DAGScheduler_stage_runningStages_Value{application_id=~"$app_id"})"#,
                app_id = v.app_id
            ),
        ),
        (
            Key::WaitingStages,
            "Waiting stages",
            "waiting stages",
            "Stages waiting for their parents (shuffle dependencies) to finish. A long queue behind one running stage points at that stage as the bottleneck.",
            promql!(
                r#"sum(spark_DAGScheduler_stage_waitingStages_Value{application_id=~"$app_id"})"#,
                app_id = v.app_id
            ),
        ),
    ];
    let mut jobs_and_stages = panel::timeseries(Key::JobsAndStages, "Jobs and stages over time")
        .description("Active jobs, running stages and waiting stages, from the driver's DAGScheduler. Long flat stretches with one running stage and waiting stages behind it mark the stage that holds the job up.")
        .link(Recipe::SlowJobs.link(o))
        .data_links(&app_spans)
        .unit(Unit::Short)
        .decimals(0)
        .min(0.0)
        .thresholds(no_level())
        .tooltip(Tooltip::all_descending())
        .width(14);
    let mut jobs_row = Row::new("Jobs and stages");
    for (key, title, legend, description, query) in scheduler {
        jobs_row = jobs_row.panel(
            count_stat(key, title, description)
                .link(Recipe::SlowJobs.link(o))
                .thresholds(no_level())
                .no_graph()
                .query(ds, PromQuery::new(query.clone())),
        );
        jobs_and_stages.add_query(ds, PromQuery::new(query).legend(legend));
    }
    jobs_row
        .panel(failed_stages(v, o))
        .panel(jobs_and_stages)
        .panel(completions(v, o))
}

fn failed_stages(v: &SparkVars, o: &Options) -> Panel<StatOptions> {
    let ds = &v.prometheus;
    count_stat(Key::FailedStages, "Failed stages", "Stage attempts that failed since the application started (appStatus). Any failure is worth a look: fetch failures retry whole stages and double their cost.")
        .link(Recipe::Shuffle.link(o))
        .color(ColorMode::Thresholds)
        .thresholds(any_failure())
        .background()
        .no_graph()
        .query(ds, PromQuery::new(promql!(
            r#"sum(spark_appStatus_stages_failedStages_Count{application_id=~"$app_id"})"#,
            app_id = v.app_id
        )))
}

fn completions(v: &SparkVars, o: &Options) -> Panel<TimeseriesOptions> {
    let ds = &v.prometheus;
    let app_spans = trace_links(v);
    let mut completions = panel::timeseries(Key::Completions, "Job and stage completions")
        .description("Jobs and stages finishing per minute: succeeded, failed and skipped (skipped stages reused shuffle output already written). Failures in red.")
        .link(Recipe::SlowJobs.link(o))
        .data_links(&app_spans)
        .unit(Unit::OpsPerMinute)
        .min(0.0)
        .thresholds(no_level())
        .bars()
        .fill_opacity(60)
        .stacked()
        .width(10);
    completions.add_query(ds, PromQuery::new(promql!(
        r#"60 * sum(rate(spark_appStatus_jobs_succeededJobs_Count{application_id=~"$app_id"}[$__rate_interval]))"#,
        app_id = v.app_id
    )).legend("jobs succeeded"));
    let jobs_failed = completions.add_query(ds, PromQuery::new(promql!(
        r#"60 * sum(rate(spark_appStatus_jobs_failedJobs_Count{application_id=~"$app_id"}[$__rate_interval]))"#,
        app_id = v.app_id
    )).legend("jobs failed"));
    completions.add_query(ds, PromQuery::new(promql!(
        r#"60 * sum(rate(spark_appStatus_stages_completedStages_Count{application_id=~"$app_id"}[$__rate_interval]))"#,
        app_id = v.app_id
    )).legend("stages completed"));
    let stages_failed = completions.add_query(ds, PromQuery::new(promql!(
        r#"60 * sum(rate(spark_appStatus_stages_failedStages_Count{application_id=~"$app_id"}[$__rate_interval]))"#,
        app_id = v.app_id
    )).legend("stages failed"));
    completions.add_query(ds, PromQuery::new(promql!(
        r#"60 * sum(rate(spark_appStatus_stages_skippedStages_Count{application_id=~"$app_id"}[$__rate_interval]))"#,
        app_id = v.app_id
    )).legend("stages skipped"));
    completions
        .override_query(&jobs_failed, [FieldProp::Color("red".into())])
        .override_query(&stages_failed, [FieldProp::Color("dark-red".into())])
}

fn task_distribution_row(v: &SparkVars, o: &Options) -> Row {
    let ds = &v.prometheus;
    let scope = Scope::of(v);
    let executor_spans = executor_trace_links(v);
    let active_tasks = active_tasks_per_executor(Key::ActiveTasksPerExecutor, scope)
        .link(Recipe::DataSkew.link(o))
        .data_links(&executor_spans);
    let completed_tasks = panel::timeseries(Key::CompletedTasksPerExecutor, "Completed tasks per executor")
        .description("Tasks finished per second on each executor. Executors that finish far fewer tasks than their peers are slow (GC, a bad node) or get the big partitions.")
        .link(Recipe::DataSkew.link(o))
        .data_links(&executor_spans)
        .unit(Unit::OpsPerSecond)
        .min(0.0)
        .thresholds(no_level())
        .legend(Legend::table(&[Calc::Max, Calc::Mean]))
        .tooltip(Tooltip::all_descending())
        .query(ds, executor_query!(v, r#"sum by (executor_id) (rate(metrics_executor_completedTasks_total{application_name=~"$app", executor_id=~"$executor"}[$__rate_interval]))"#).legend("{{executor_id}}"));
    let failed_tasks = panel::bar_gauge(Key::FailedTasksPerExecutor, "Failed tasks per executor")
        .description("Tasks that failed on each executor in the time range. Failures piling up on one executor point at that node (disk, memory, a lost shuffle service).")
        .link(Recipe::OomAndSpill.link(o))
        .data_links(&executor_spans)
        .display(BarGaugeDisplayMode::Basic)
        .unit(Unit::Short)
        .decimals(0)
        .min(0.0)
        .color(ColorMode::Thresholds)
        .thresholds(any_failure())
        .width(8)
        .query(ds, executor_query!(v, r#"sum by (executor_id) (increase(metrics_executor_failedTasks_total{application_name=~"$app", executor_id=~"$executor"}[$__range]))"#).legend("{{executor_id}}").instant());
    Row::new("Task distribution across executors")
        .panel(active_tasks)
        .panel(completed_tasks)
        .panel(task_spread(v, o))
        .panel(failed_tasks)
}

/// Completed tasks of the least busy, the median and the busiest executor, and their ratio.
fn task_spread(v: &SparkVars, o: &Options) -> Panel<StatOptions> {
    let ds = &v.prometheus;
    let mut spread = count_stat(Key::TaskSpread, "Tasks per executor: min, median, max", "Tasks completed in the time range by the executors that run tasks: the least busy, the median and the busiest, then the busiest over the median. That ratio turns orange at 2 and red at 4: the work is not spread evenly (skewed partitions, or too few of them).")
        .link(Recipe::DataSkew.link(o))
        .thresholds(no_level())
        .no_graph()
        .options(|o| o.text_mode = StatTextMode::ValueAndName)
        .size(16, 4);
    spread.add_query(ds, executor_query!(v, r#"min(sum by (executor_id) (increase(metrics_executor_completedTasks_total{application_name=~"$app", executor_id=~"$executor"}[$__range])) and on (executor_id) (max by (executor_id) (metrics_executor_maxTasks{application_name=~"$app"}) > 0))"#).legend("min").instant());
    spread.add_query(ds, executor_query!(v, r#"quantile(0.5, sum by (executor_id) (increase(metrics_executor_completedTasks_total{application_name=~"$app", executor_id=~"$executor"}[$__range])) and on (executor_id) (max by (executor_id) (metrics_executor_maxTasks{application_name=~"$app"}) > 0))"#).legend("median").instant());
    spread.add_query(ds, executor_query!(v, r#"max(sum by (executor_id) (increase(metrics_executor_completedTasks_total{application_name=~"$app", executor_id=~"$executor"}[$__range])) and on (executor_id) (max by (executor_id) (metrics_executor_maxTasks{application_name=~"$app"}) > 0))"#).legend("max").instant());
    let spread_ratio = spread.add_query(ds, executor_query!(v, r#"max(sum by (executor_id) (increase(metrics_executor_completedTasks_total{application_name=~"$app", executor_id=~"$executor"}[$__range])) and on (executor_id) (max by (executor_id) (metrics_executor_maxTasks{application_name=~"$app"}) > 0))
  / (quantile(0.5, sum by (executor_id) (increase(metrics_executor_completedTasks_total{application_name=~"$app", executor_id=~"$executor"}[$__range])) and on (executor_id) (max by (executor_id) (metrics_executor_maxTasks{application_name=~"$app"}) > 0)) > 0)"#).legend("max/median").instant());
    // Counts have no bad level; their ratio does: the data-skew recipe's 2x.
    spread.override_query(
        &spread_ratio,
        [
            FieldProp::Decimals(2),
            FieldProp::Thresholds(executor_skew_thresholds()),
        ],
    )
}

fn bottlenecks_row(v: &SparkVars, o: &Options) -> Row {
    let ds = &v.prometheus;
    let scope = Scope::of(v);
    let executor_spans = executor_trace_links(v);
    let gc_share = gc_share_of_task_time(Key::GcShare, scope)
        .link(Recipe::Gc.link(o))
        .data_links(&executor_spans);
    let shuffle = panel::timeseries(Key::ShufflePerExecutor, "Shuffle volume per executor")
        .description("Shuffle bytes read and written per second on each executor. One executor reading much more than the others is shuffle skew: a few keys carry most of the data.")
        .link(Recipe::Shuffle.link(o))
        .data_links(&executor_spans)
        .unit(Unit::BytesPerSecondIEC)
        .min(0.0)
        .thresholds(no_level())
        .legend(Legend::table(&[Calc::Max, Calc::Mean]))
        .query(ds, shuffle_rate_query(scope, Shuffle::Read).legend("{{executor_id}} read"))
        .query(ds, shuffle_rate_query(scope, Shuffle::Write).legend("{{executor_id}} write"));
    let skew = shuffle_skew(Key::ShuffleSkew, scope, Shuffle::Read)
        .link(Recipe::DataSkew.link(o))
        .size(8, 8);
    let idle = panel::timeseries(Key::IdleShare, "Executor idle share")
        .description("Task slots without a running task, per executor: 1 - active tasks / slots. Above 40% (orange) while jobs run means stragglers or too few tasks per stage, above 70% (red) most cores wait; idle between jobs means driver-side work.")
        .link(Recipe::SlowJobs.link(o))
        .data_links(&executor_spans)
        .unit(Unit::PercentUnit)
        .min(0.0)
        .max(1.0)
        .color(ColorMode::Thresholds)
        .thresholds(thresholds("green", &[(0.4, "orange"), (0.7, "red")]))
        .width(16)
        .legend(Legend::table(&[Calc::Mean]))
        .query(ds, executor_query!(v, r#"1 - sum by (executor_id) (metrics_executor_activeTasks{application_name=~"$app", executor_id=~"$executor"})
  / (sum by (executor_id) (metrics_executor_maxTasks{application_name=~"$app", executor_id=~"$executor"}) > 0)"#).legend("{{executor_id}}"));
    Row::new("Bottleneck indicators")
        .panel(gc_share)
        .panel(shuffle)
        .panel(idle)
        .panel(skew)
}

/// Task skew per stage (spark-exporter, from the REST API).
fn stage_skew_row(v: &SparkVars, o: &Options) -> Row {
    let ds = &v.prometheus;
    let stage_spans = stage_span_links(v);
    let stage_skew = panel::timeseries(Key::StageTaskSkew, "Task skew over time, per stage (max/median)")
        .description("For each active or recently finished stage, its slowest task's duration over the median task's (spark-exporter, from the REST API's taskSummary). A stage whose line climbs while the others stay near 1 is waiting for its stragglers: Dr. Elephant rates 2 low, 4 moderate, 8 severe. Spark Profiling ranks the stages of the range.")
        .link(Recipe::DataSkew.link(o))
        .data_links(&stage_spans)
        .unit(Unit::Short)
        .decimals(1)
        .min(1.0)
        .color(ColorMode::Thresholds)
        .thresholds(stage_skew_thresholds())
        .threshold_lines()
        .legend(Legend::table(&[Calc::Max]))
        .tooltip(Tooltip::all_descending())
        .query(ds, PromQuery::new(promql!(
            r#"max by (stage_id, attempt_id) (spark_stage_task_skew_ratio{application_name=~"$app", metric="duration"})"#,
            app = v.app
        )).legend("stage {{stage_id}}.{{attempt_id}}"));
    let stage_duration = panel::timeseries(Key::StageTaskDuration, "Task duration over time, per stage: median and max")
        .description("Median (solid) and slowest (dashed) task duration of each active or recently finished stage, over successful tasks (spark-exporter, taskSummary). A max far above the median is a straggler. Colours follow the task duration levels of the slow-jobs recipe: blue under 200 ms (tasks too small to be worth scheduling), yellow from 2.5 minutes, orange from 5, red from 10 (Dr. Elephant's median task tiers).")
        .link(Recipe::SlowJobs.link(o))
        .data_links(&stage_spans)
        .unit(Unit::Seconds)
        .min(0.0)
        .thresholds(task_duration_thresholds())
        .tooltip(Tooltip::all_descending())
        .solid_and_dashed(
            ds,
            PromQuery::new(promql!(
                r#"max by (stage_id, attempt_id) (spark_stage_task_duration_seconds{application_name=~"$app", quantile="0.5"})"#,
                app = v.app
            )).legend("stage {{stage_id}}.{{attempt_id}} median"),
            PromQuery::new(promql!(
                r#"max by (stage_id, attempt_id) (spark_stage_task_duration_seconds{application_name=~"$app", quantile="1"})"#,
                app = v.app
            )).legend("stage {{stage_id}}.{{attempt_id}} max"),
        );
    Row::new("Task skew per stage")
        .panel(stage_skew)
        .panel(stage_duration)
}

fn traces_row(v: &SparkVars, o: &Options) -> Row {
    let search = panel::table(Key::TraceSearch, "Application traces (Tempo)")
        .description("Traces of the selected application in Tempo (TraceQL). Click a trace id to open it in the trace panel below; spans follow the convention service.name=\"spark\", spark.application > spark.sql > spark.job > spark.stage > spark.task.")
        .link(Recipe::ProfilingGuide.link(o))
        .data_link(PanelLink::url(
            "Open in the trace panel",
            &format!("/d/{}?${{__url_time_range}}&${{__all_variables}}&var-trace_id=${{__value.raw}}", crate::common::TRACING_UID),
        ))
        .unit(Unit::NoUnit)
        .thresholds(no_level())
        .size(12, 9)
        .query(&v.tempo, TempoQuery::traceql(APP_SPANS).limit(50));
    let jaeger = panel::table(Key::JaegerTraces, "Application traces (Jaeger)")
        .description(
            "The same traces from Jaeger, for installations that run Jaeger instead of Tempo.",
        )
        .link(Recipe::Stack.link(o))
        .unit(Unit::NoUnit)
        .thresholds(no_level())
        .size(24, 8)
        .query(
            &v.jaeger,
            JaegerQuery::search("$service")
                .tags("spark.app.name=$app")
                .limit(50),
        );
    let trace = panel::traces(Key::Trace, "Trace")
        .description("One trace, job > stage > task, by the id in the Trace id box (set by clicking a trace id above).")
        .link(Recipe::ProfilingGuide.link(o))
        .size(24, 14)
        .query(&v.tempo, TempoQuery::trace_id("$trace_id"));
    let [timeline, job_stage_spans, skewed, failed] = span_panels(v, o);
    Row::new("Traces")
        .panel(timeline)
        .panel(search)
        .panel(job_stage_spans)
        .panel(skewed)
        .panel(failed)
        .panel(trace)
        .panel(jaeger)
}

/// The panels over spark-traces' spans: the timeline and the three span tables.
fn span_panels(v: &SparkVars, o: &Options) -> [PanelSpec; 4] {
    // Spans as spark-traces makes them from the event log (span names spark.job and
    // spark.stage, attributes span.spark.*): a table row or a bar opens the application's
    // trace (one trace per application: the row's trace id is the application's).
    let open_app_trace = PanelLink::tempo_trace(&v.tempo, "${__data.fields.traceIdHidden}")
        .title("Open the trace of this application in Tempo");
    // A time series, not a bar chart: Grafana sorts the spans by start time on the
    // dashboard's own time axis, so the points line up with the metric panels above.
    let mut timeline = panel::timeseries(Key::JobStageTimeline, "Job and stage timeline")
        .description("Each job and stage attempt of the application as a point at the time it started, as high as it lasted: tall points are where the time went, gaps between them are driver-side work between jobs. From spark-traces' spark.job and spark.stage spans (their stage spans carry task-duration quantiles and the skew ratio); click a point for the whole trace, job > stage > task.")
        .link(Recipe::SlowJobs.link(o))
        .data_link(open_app_trace.clone())
        .unit(Unit::Nanoseconds)
        .min(0.0)
        .thresholds(no_level())
        .custom(|c| {
            c.draw_style = Some("points".into());
            c.show_points = Some("always".into());
            c.point_size = Some(9);
        })
        .tooltip(Tooltip::all_descending())
        .size(24, 9);
    let jobs = timeline.add_query(&v.tempo, TempoQuery::traceql(
        r#"{resource.service.name="$service" && resource.spark.app.name=~"${app:regex}" && name="spark.job"} | select(span.spark.job.id, span.spark.status)"#,
    ).spans(500).limit(20));
    let stages = timeline.add_query(&v.tempo, TempoQuery::traceql(
        r#"{resource.service.name="$service" && resource.spark.app.name=~"${app:regex}" && name="spark.stage"} | select(span.spark.job.id, span.spark.stage.id, span.spark.stage.attempt, span.spark.status)"#,
    ).spans(500).limit(20));
    let timeline = timeline
        .override_query(&jobs, [FieldProp::DisplayName("job".into())])
        .override_query(&stages, [FieldProp::DisplayName("stage".into())]);
    let job_stage_spans = span_columns(panel::table(Key::JobStageSpans, "Job and stage spans"))
        .description("The application's job and stage spans with their durations, slowest first: the stage at the top is where the time went. Stage rows carry the median and slowest task (ms) and the skew ratio (max/median; above 4 expect stragglers); attempts above 0 are retries after a failure. Click a row for the application's trace.")
        .link(Recipe::SlowJobs.link(o))
        .data_link(open_app_trace.clone())
        .sort_by("Duration", true)
        .size(12, 9)
        .query(&v.tempo, TempoQuery::traceql(
            r#"{resource.service.name="$service" && resource.spark.app.name=~"${app:regex}" && (name="spark.job" || name="spark.stage")} | select(span.spark.job.id, span.spark.stage.id, span.spark.stage.attempt, span.spark.status, span.spark.stage.task_duration.p50_ms, span.spark.stage.task_duration.max_ms, span.spark.stage.skew_ratio)"#,
        ).spans(200).limit(50));
    let skewed = span_columns(panel::table(Key::SkewedStageSpans, "Skewed stages (from spans)"))
        .description("Stage attempts whose slowest task took more than twice the median task (spark.stage.skew_ratio > 2), most skewed first, with the quantiles over every task of the stage (sampled out or not). The ratio's cell turns yellow from 2, orange from 4 and red from 8; 4 and more is worth a fix: see the recipe. Click a row for the application's trace.")
        .link(Recipe::DataSkew.link(o))
        .data_link(open_app_trace.clone())
        .sort_by("spark.stage.skew_ratio", true)
        .size(12, 8)
        .query(&v.tempo, TempoQuery::traceql(
            r#"{resource.service.name="$service" && resource.spark.app.name=~"${app:regex}" && name="spark.stage" && span.spark.stage.skew_ratio > 2} | select(span.spark.stage.id, span.spark.stage.attempt, span.spark.stage.skew_ratio, span.spark.stage.task_duration.p50_ms, span.spark.stage.task_duration.max_ms, span.spark.stage.task_count, span.spark.stage.shuffle_read_bytes)"#,
        ).spans(100).limit(50));
    let failed = span_columns(panel::table(Key::FailedSpans, "Failed jobs, stages and tasks (from spans)"))
        .description("Spans with an error status: failed SQL executions, jobs, stage attempts (fetch failures retry whole stages) and task attempts, with the failure reason. Failed tasks are exported whatever the sampling ratio. Click a row for the application's trace.")
        .link(Recipe::Shuffle.link(o))
        .data_link(open_app_trace)
        .size(12, 8)
        .query(&v.tempo, TempoQuery::traceql(
            r#"{resource.service.name="$service" && resource.spark.app.name=~"${app:regex}" && status = error} | select(span.spark.job.id, span.spark.stage.id, span.spark.stage.attempt, span.spark.task.id, span.spark.executor.id, span.spark.failure_reason)"#,
        ).spans(100).limit(50));
    [
        timeline.into(),
        job_stage_spans.into(),
        skewed.into(),
        failed.into(),
    ]
}
