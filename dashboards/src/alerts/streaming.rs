//! Group `spark-streaming`: Structured Streaming queries that receive nothing, fall behind,
//! hold back their watermark, grow their state or end while their application runs.
//!
//! Every rule reads the driver's streaming gauges, which Spark registers per running query
//! when `spark.sql.streaming.metricsEnabled` is true (the contract,
//! `provisioning/spark/spark-metrics.conf`) and the contract's relabeling names
//! `spark_streaming_<gauge>_Value{application_id, query}` (`provisioning/prometheus/prometheus.yml`;
//! the names as a real Spark 3.5.9 and 4.3.0 render them are recorded in
//! `tests/fixtures/streaming/`). The gauges are Spark's `MetricsReporter`
//! (`sql/core/src/main/scala/org/apache/spark/sql/execution/streaming/MetricsReporter.scala`
//! in github:apache/spark): the last finished micro-batch's `inputRowsPerSecond`,
//! `processedRowsPerSecond`, `durationMs.triggerExecution` (ms), event-time watermark (ms
//! since the epoch, 0 without one) and the sums of its state operators' rows and bytes.
//! An idle query still reports: with no new data Spark posts a progress of 0 rows every
//! `spark.sql.streaming.noDataProgressEventInterval` (10 s), which the gauges then read. A
//! stopped or failed query's series vanish from the next scrape.
//!
//! What the gauges cannot say, and so no rule here says: *why* a query ended (the
//! exception is only in the `QueryTerminatedEvent` of the event log and the listener bus),
//! the trigger interval a query was started with (it is in no metric and no progress
//! event: [`TRIGGER_INTERVAL_SECONDS`] stands for it), and the number of batches run (a
//! change of the `latency` gauge stands for a batch).
//!
//! No rule links a dashboard panel yet (`dashboard_url`): the `spark-streaming`
//! dashboard is to come; each links its section of the streaming-lag recipe.

use dashboard_dsl::alert::{AlertRule, RuleGroup, Severity};
use dashboard_dsl::promql;
use dashboard_dsl::rules::Duration;

use super::INTERVAL;
use crate::common::Recipe;
use crate::Options;

/// The group's name; its file is `dist/alerts/spark-streaming.yml`.
///
/// ```
/// assert_eq!(dashboards::alerts::streaming::GROUP, "spark-streaming");
/// ```
pub const GROUP: &str = "spark-streaming";

/// The trigger interval `StreamingBatchOverTrigger` compares batch durations to, in
/// seconds: Spark exports no query's trigger, so the rule assumes
/// `Trigger.ProcessingTime("1 minute")`. A query with another trigger needs its own copy
/// of the rule; one with the default trigger (each batch as soon as the last ends) has no
/// interval to exceed.
///
/// ```
/// assert_eq!(dashboards::alerts::streaming::TRIGGER_INTERVAL_SECONDS, 60);
/// ```
pub const TRIGGER_INTERVAL_SECONDS: u32 = 60;

/// The watermark delay (wall clock minus the event-time watermark) above which
/// `StreamingWatermarkDelayHigh` fires, in seconds: 15 minutes, three of the seed's
/// 5-minute windows. It must exceed the query's own `withWatermark` delay, which the
/// watermark lags by design.
///
/// ```
/// assert_eq!(dashboards::alerts::streaming::WATERMARK_DELAY_SECONDS, 900);
/// ```
pub const WATERMARK_DELAY_SECONDS: u32 = 900;

/// The streaming rules, one per way a query goes wrong that its gauges show.
///
/// ```
/// let g = dashboards::alerts::streaming::group(&dashboards::Options::default());
/// assert_eq!(g.name(), "spark-streaming");
/// assert_eq!(g.len(), 6);
/// ```
pub fn group(o: &Options) -> RuleGroup {
    RuleGroup::new(GROUP)
        .interval(INTERVAL)
        .alert(runbook(
            // A running query's series exists; 0 rows a second for 5 minutes is 5 minutes
            // of empty batches (or of idle progress events).
            AlertRule::new("StreamingNoInput", Severity::Warning, promql!(
                r#"max by (application_id, query) (spark_streaming_inputRate_total_Value) == 0"#
            ))
            .for_(Duration::minutes(5))
            .summary("Streaming query {{ $labels.query }} receives no rows")
            .description("Query {{ $labels.query }} of application {{ $labels.application_id }} is running but its batches have read no input rows for 5 minutes: the source is empty or unreachable, or the query reads the wrong topic or path."),
            o,
        ))
        .alert(runbook(
            // processedRowsPerSecond < inputRowsPerSecond means a batch took longer than
            // the time since the previous batch began: batches grow, the backlog too.
            AlertRule::new("StreamingProcessingBelowInput", Severity::Warning, promql!(
                r#"max by (application_id, query) (avg_over_time(spark_streaming_processingRate_total_Value[5m]))
  < max by (application_id, query) (avg_over_time(spark_streaming_inputRate_total_Value[5m]))"#
            ))
            .for_(Duration::minutes(10))
            .summary("Streaming query {{ $labels.query }} falls behind its input")
            .description("Query {{ $labels.query }} of application {{ $labels.application_id }} has processed {{ $value | printf \"%.1f\" }} rows/s on average over 5 minutes, less than the rate at which rows arrive, for 10 minutes: each batch is longer than the last and the backlog in the source grows."),
            o,
        ))
        .alert(runbook(
            // Every batch of the last 15 minutes over the trigger interval, and at least 5
            // of them (4 changes of the last-batch gauge).
            AlertRule::new("StreamingBatchOverTrigger", Severity::Warning, promql!(
                r#"min by (application_id, query) (min_over_time(spark_streaming_latency_Value[15m])) / 1000 > 60
  and on (application_id, query)
max by (application_id, query) (changes(spark_streaming_latency_Value[15m])) >= 4"#
            ))
            .for_(Duration::minutes(1))
            .summary("Batches of streaming query {{ $labels.query }} outlast the trigger")
            .description("The last 5 or more batches of query {{ $labels.query }} of application {{ $labels.application_id }} each took at least {{ $value | printf \"%.0f\" }} s, more than the 60 s trigger interval the rule assumes: batches start late, one after the other, and results come later than the trigger promises."),
            o,
        ))
        .alert(runbook(
            // 0 is no watermark (none defined, or no batch yet): not a delay.
            AlertRule::new("StreamingWatermarkDelayHigh", Severity::Warning, promql!(
                r#"time() - max by (application_id, query) (spark_streaming_eventTime_watermark_Value) / 1000 > 900
  and on (application_id, query)
max by (application_id, query) (spark_streaming_eventTime_watermark_Value) > 0"#
            ))
            .for_(Duration::minutes(5))
            .summary("Watermark of streaming query {{ $labels.query }} lags the clock")
            .description("The event-time watermark of query {{ $labels.query }} of application {{ $labels.application_id }} is {{ $value | printf \"%.0f\" }} s behind the wall clock (threshold 900 s), for 5 minutes: late data or a slow source holds it back, or the query receives nothing; windows close and emit that much later."),
            o,
        ))
        .alert(runbook(
            // deriv over 10 minutes, positive at every evaluation for 30 minutes: the
            // state grew the whole time, in rows a minute.
            AlertRule::new("StreamingStateGrowing", Severity::Warning, promql!(
                r#"max by (application_id, query) (deriv(spark_streaming_states_rowsTotal_Value[10m])) * 60 > 0"#
            ))
            .for_(Duration::minutes(30))
            .summary("State of streaming query {{ $labels.query }} keeps growing")
            .description("The state of query {{ $labels.query }} of application {{ $labels.application_id }} has grown for 30 minutes, now by {{ $value | printf \"%.0f\" }} rows a minute: a watermark that does not evict (none set, or no event time in the keys), keys without bound, or a dropDuplicates over all time. State memory and checkpoint time grow with it."),
            o,
        ))
        .alert(runbook(
            // Seen 2 minutes ago, gone now, while the driver still reports: the query
            // stopped or failed. The metrics do not tell which.
            AlertRule::new("StreamingQueryEnded", Severity::Warning, promql!(
                r#"max by (application_id, query) (spark_streaming_latency_Value offset 2m)
  unless on (application_id, query) spark_streaming_latency_Value
  and on (application_id) metrics_executor_totalCores{executor_id="driver"}"#
            ))
            .for_(Duration::minutes(1))
            .keep_firing_for(Duration::minutes(5))
            .summary("Streaming query {{ $labels.query }} ended while its application runs")
            .description("Query {{ $labels.query }} of application {{ $labels.application_id }} stopped reporting while its driver still runs: it failed with an exception or was stopped. Spark's metrics do not say which; the QueryTerminatedEvent in the event log has the exception."),
            o,
        ))
}

/// `alert` with its runbook: the section of the streaming-lag recipe named after it
/// (`### <alert name>`, whose GitHub anchor is the name in lower case).
fn runbook(alert: AlertRule, o: &Options) -> AlertRule {
    let url = format!(
        "{}#{}",
        Recipe::StreamingLag.url(o),
        alert.name().to_lowercase()
    );
    alert.runbook_url(&url)
}
