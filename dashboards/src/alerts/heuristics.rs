//! Group `spark-heuristics`: the problems Dr. Elephant, Dataflint and Databricks' Spark UI
//! guide name, at their published thresholds, each alert linked to the Spark Profiling
//! panel that shows it, coloured at the same tiers (the long-stage alerts to Spark Job
//! Tracing's jobs and stages).
//!
//! Sources of the thresholds (also in `docs/alerts.md`):
//! - Dr. Elephant, linkedin/dr-elephant `app/com/linkedin/drelephant/spark/heuristics/`:
//!   `StagesAnalyzer.scala` and `ConfigurationHeuristicsConstants.scala` (task skew
//!   max/median 2/4/8/16; execution memory spill over the largest of input, output, shuffle
//!   read and write, 0.01/0.1/0.25/0.5), `ExecutorGcHeuristic.scala` (GC time over task
//!   time 0.08/0.1/0.15/0.2, not rated under 5 minutes of task time),
//!   `StagesHeuristic.scala` (stage run time over the executors 15/30/45/60 min),
//!   `UnifiedMemoryHeuristic.scala` (peak unified memory under 0.7 of the pool, executors
//!   above 2 GiB only).
//! - Dataflint, dataflint/spark `spark-ui/src/reducers/Alerts/`: `PartitionSkewAlert.ts`
//!   (max/median task duration above 10 with a max above 5 s), `SmallTasksAlert.ts` (more
//!   than 5,000 tasks with a median under 500 ms), `WastedCoresAlertsReducer.ts` (idle
//!   cores above 50 %), `MemoryAlertsReducer.ts` (executor memory peak under 70 % of what
//!   was asked).
//! - Databricks, "Skew and spill": a max task duration more than 50 % above the 75th
//!   percentile suggests skew
//!   (<https://docs.databricks.com/optimizations/spark-ui-guide/long-spark-stage-page.html>).
//!
//! Stage alerts read spark-exporter's per-stage series (`spark_stage_*{application_id,
//! application_name, stage_id, attempt_id}`, from the REST API). The exporter exports a
//! stage while it runs and for `--stage-retention` (10 minutes by default) after it ends,
//! then drops its series, which go stale at the next scrape. So a stage alert fires while
//! the stage runs or has just ended, and resolves by itself once the exporter drops the
//! stage: no `keep_firing_for` (the problem is the stage's, and the stage is over), and a
//! `for` of 1 minute, four exporter polls, so one poll's summary of a few early tasks does
//! not page. Application alerts (GC, fetch wait, idle cores) read rates over 10 minutes and
//! hold for 5: a burst (one full collection after caching a table) does not fire.

use dashboard_dsl::alert::{AlertRule, RecordingRule, RuleGroup, Severity};
use dashboard_dsl::promql;
use dashboard_dsl::rules::Duration;

use super::{runbook_section, INTERVAL};
use crate::common::{Recipe, PROFILING_UID as PROFILING, TRACING_UID as JOB_TRACING};
use crate::spark_job_tracing::Key as TracingKey;
use crate::spark_profiling::Key;
use crate::Options;

/// How long a stage's figures must hold: four exporter polls (15 s), two evaluations.
const STAGE_FOR: Duration = Duration::minutes(1);
/// How long an application's 10-minute share must hold.
const APP_FOR: Duration = Duration::minutes(5);

/// The heuristics, stage by stage and application by application, and the ratios they
/// share as recording rules.
///
/// ```
/// let g = dashboards::alerts::heuristics::group(&dashboards::Options::default());
/// assert_eq!(g.name(), "spark-heuristics");
/// assert_eq!(g.len(), 17);
/// ```
pub fn group(o: &Options) -> RuleGroup {
    RuleGroup::new("spark-heuristics")
        .interval(INTERVAL)
        // The ratios two tiers share, recorded once (rules of a group run in order, so the
        // alerts below read this evaluation's values), each with its floor.
        //
        // Dr. Elephant's spill ratio: in-memory bytes spilled over the largest of the
        // stage's input, output, shuffle read and shuffle write, for stages with at least
        // a minute of task time (a floor of ours: below it a stage cannot lose much to
        // spill; the test workload's sort spills ten times its 10 MB of shuffle input in
        // 6 s).
        .record(RecordingRule::new(
            "stage:spark_stage_memory_spilled:ratio_processed",
            promql!(
                r#"(
  max by (application_id, application_name, stage_id, attempt_id) (spark_stage_memory_spilled_bytes_total)
    / (max by (application_id, application_name, stage_id, attempt_id) ({__name__=~"spark_stage_(input|output|shuffle_read|shuffle_write)_bytes_total"}) > 0)
  and on (application_id, stage_id, attempt_id) spark_stage_run_seconds_total >= 60
) * on (application_id, stage_id, attempt_id) group_left (stage_name) max by (application_id, stage_id, attempt_id, stage_name) (spark_stage_info)"#
            ),
        ))
        // GC time over task time on the executors that run tasks, as the GC time % panel
        // computes it, over 10 minutes with at least 5 minutes of task time (Dr. Elephant
        // does not rate less).
        .record(RecordingRule::new(
            "application:metrics_executor_gc_time:ratio_task_time10m",
            promql!(
                r#"sum by (application_id, application_name) (
    (increase(metrics_executor_MinorGCTime_seconds_total[10m]) + increase(metrics_executor_MajorGCTime_seconds_total[10m]))
    and on (application_id, executor_id) (metrics_executor_maxTasks > 0))
  / (sum by (application_id, application_name) (
    increase(metrics_executor_totalDuration_seconds_total[10m])
    and on (application_id, executor_id) (metrics_executor_maxTasks > 0)) >= 300)"#
            ),
        ))
        // Shuffle fetch wait over run time (spark-exporter's executor series), same window
        // and floor.
        .record(RecordingRule::new(
            "application:spark_executor_shuffle_fetch_wait:ratio_run_time10m",
            promql!(
                r#"sum by (application_id, application_name) (increase(spark_executor_shuffle_fetch_wait_seconds_total[10m]))
  / (sum by (application_id, application_name) (increase(spark_executor_run_seconds_total[10m])) >= 300)"#
            ),
        ))
        // Dr. Elephant's stage runtime: the stage's task run time over the application's
        // executors, in minutes.
        .record(RecordingRule::new(
            "stage:spark_stage_run_minutes:per_executor",
            promql!(
                r#"(
  max by (application_id, application_name, stage_id, attempt_id) (spark_stage_run_seconds_total)
    / on (application_id) group_left count by (application_id) (metrics_executor_totalCores{executor_id!="driver"})
    / 60
) * on (application_id, stage_id, attempt_id) group_left (stage_name) max by (application_id, stage_id, attempt_id, stage_name) (spark_stage_info)"#
            ),
        ))
        // Task skew. Dr. Elephant rates max/median 2 low, 4 moderate, 8 severe, 16
        // critical, and the panel colours the same tiers; a short stage is left alone at
        // Dataflint's floor (slowest task above 5 s). Info from 4 when the slowest task
        // also stands out of the upper quartile (Databricks: max > 1.5 × p75), so a wide
        // but even spread of durations is not called skew; warning above Dataflint's 10.
        .alert(stage(
            AlertRule::new("SparkStageTaskSkew", Severity::Info, promql!(
                r#"(
  max by (application_id, application_name, stage_id, attempt_id) (spark_stage_task_skew_ratio{metric="duration"}) >= 4 <= 10
  and on (application_id, stage_id, attempt_id) spark_stage_task_duration_seconds{quantile="1"} > 5
  and on (application_id, stage_id, attempt_id) (spark_stage_task_duration_seconds{quantile="1"} > on (application_id, stage_id, attempt_id) group_left 1.5 * spark_stage_task_duration_seconds{quantile="0.75"})
) * on (application_id, stage_id, attempt_id) group_left (stage_name) max by (application_id, stage_id, attempt_id, stage_name) (spark_stage_info)"#
            ))
            .summary("Stage {{ $labels.stage_id }} of {{ $labels.application_name }} has a straggler")
            .description("The slowest task of stage {{ $labels.stage_id }} ({{ $labels.stage_name }}) took {{ $value | printf \"%.1f\" }} times the median task, more than 5 s and more than 1.5 times the 75th percentile (Dr. Elephant's moderate skew, Databricks' straggler rule). One partition holds more data or runs on a slow executor."),
            Recipe::DataSkew,
            Key::StageTaskSkew,
            o,
        ))
        .alert(stage(
            AlertRule::new("SparkStageTaskSkewSevere", Severity::Warning, promql!(
                r#"(
  max by (application_id, application_name, stage_id, attempt_id) (spark_stage_task_skew_ratio{metric="duration"}) > 10
  and on (application_id, stage_id, attempt_id) spark_stage_task_duration_seconds{quantile="1"} > 5
) * on (application_id, stage_id, attempt_id) group_left (stage_name) max by (application_id, stage_id, attempt_id, stage_name) (spark_stage_info)"#
            ))
            .summary("Stage {{ $labels.stage_id }} of {{ $labels.application_name }} is skewed")
            .description("The slowest task of stage {{ $labels.stage_id }} ({{ $labels.stage_name }}) took {{ $value | printf \"%.1f\" }} times the median task and more than 5 s (Dataflint's partition skew: above 10). The stage waits for that task while the other cores idle: salt or split the hot key, or let AQE split skewed partitions."),
            Recipe::DataSkew,
            Key::StageTaskSkew,
            o,
        ))
        // Spill: info from Dr. Elephant's moderate tier (0.1, the first it reports),
        // warning from its critical one (0.5).
        .alert(stage(
            AlertRule::new("SparkStageSpill", Severity::Info, promql!(
                r#"stage:spark_stage_memory_spilled:ratio_processed > 0.1 <= 0.5"#
            ))
            .summary("Stage {{ $labels.stage_id }} of {{ $labels.application_name }} spills")
            .description("Stage {{ $labels.stage_id }} ({{ $labels.stage_name }}) spilled {{ $value | humanizePercentage }} of the data it processed (in-memory size over the largest of input, output, shuffle read and write; Dr. Elephant: 10 % moderate, 50 % critical). Its tasks ran out of execution memory and wrote to disk."),
            Recipe::OomAndSpill,
            Key::SpillPerStage,
            o,
        ))
        .alert(stage(
            AlertRule::new("SparkStageSpillSevere", Severity::Warning, promql!(
                r#"stage:spark_stage_memory_spilled:ratio_processed > 0.5"#
            ))
            .summary("Stage {{ $labels.stage_id }} of {{ $labels.application_name }} spills heavily")
            .description("Stage {{ $labels.stage_id }} ({{ $labels.stage_name }}) spilled {{ $value | humanizePercentage }} of the data it processed, above Dr. Elephant's critical 50 %, over at least a minute of task time. Give each task more memory (fewer cores per executor, more executor memory) or make tasks smaller (more shuffle partitions)."),
            Recipe::OomAndSpill,
            Key::SpillPerStage,
            o,
        ))
        // GC: Dr. Elephant rates 0.08 low, 0.1 moderate, 0.15 severe, 0.2 critical; the
        // panel turns orange at 0.1 and red at 0.2: info from 0.1, warning from 0.2.
        .alert(application(
            AlertRule::new("SparkGcTimeHigh", Severity::Info, promql!(
                r#"application:metrics_executor_gc_time:ratio_task_time10m > 0.1 <= 0.2"#
            ))
            .summary("{{ $labels.application_name }} spends over 10 % of task time in GC")
            .description("The executors of {{ $labels.application_name }} ({{ $labels.application_id }}) spent {{ $value | humanizePercentage }} of their task time collecting garbage over 10 minutes, for 5 minutes (Dr. Elephant: 10 % moderate). It costs real time: see the recipe before it reaches 20 %."),
            Recipe::Gc,
            Key::GcTotal,
            o,
        ))
        .alert(application(
            AlertRule::new("SparkGcTimeCritical", Severity::Warning, promql!(
                r#"application:metrics_executor_gc_time:ratio_task_time10m > 0.2"#
            ))
            .summary("{{ $labels.application_name }} spends over 20 % of task time in GC")
            .description("The executors of {{ $labels.application_name }} ({{ $labels.application_id }}) spent {{ $value | humanizePercentage }} of their task time collecting garbage over 10 minutes, for 5 minutes (Dr. Elephant's critical tier: 20 %). They mostly collect garbage: give tasks more heap, cache less or serialized, and look for huge objects per record."),
            Recipe::Gc,
            Key::GcTotal,
            o,
        ))
        // Shuffle fetch wait: no tool publishes a tier for it; the Profiling panel's, 10 %
        // orange and 25 % red, name the shuffle as the bottleneck.
        .alert(application(
            AlertRule::new("SparkShuffleFetchWaitHigh", Severity::Info, promql!(
                r#"application:spark_executor_shuffle_fetch_wait:ratio_run_time10m > 0.1 <= 0.25"#
            ))
            .summary("Tasks of {{ $labels.application_name }} wait on shuffle fetches")
            .description("Tasks of {{ $labels.application_name }} ({{ $labels.application_id }}) spent {{ $value | humanizePercentage }} of their run time blocked on shuffle blocks over 10 minutes, for 5 minutes (the panel's orange tier, 10 %)."),
            Recipe::Shuffle,
            Key::FetchWaitShare,
            o,
        ))
        .alert(application(
            AlertRule::new("SparkShuffleFetchWaitCritical", Severity::Warning, promql!(
                r#"application:spark_executor_shuffle_fetch_wait:ratio_run_time10m > 0.25"#
            ))
            .summary("The shuffle is the bottleneck of {{ $labels.application_name }}")
            .description("Tasks of {{ $labels.application_name }} ({{ $labels.application_id }}) spent {{ $value | humanizePercentage }} of their run time blocked on shuffle blocks over 10 minutes, for 5 minutes (the panel's red tier, 25 %): the network or the executors serving the blocks cannot keep up."),
            Recipe::Shuffle,
            Key::FetchWaitShare,
            o,
        ))
        // Idle cores, Dataflint's "wasted cores" above 50 %: task time over task slots
        // on the executors, over 10 minutes in which a job ran. Info: it costs money, not
        // correctness.
        .alert(application(
            AlertRule::new("SparkExecutorsIdle", Severity::Info, promql!(
                r#"1 - sum by (application_id, application_name) (rate(metrics_executor_totalDuration_seconds_total{executor_id!="driver"}[10m]))
  / (sum by (application_id, application_name) (metrics_executor_maxTasks{executor_id!="driver"}) > 0)
  > 0.5
  and on (application_id) max by (application_id) (max_over_time(spark_DAGScheduler_job_activeJobs_Value[10m])) > 0"#
            ))
            .summary("Half the executor cores of {{ $labels.application_name }} are idle")
            .description("{{ $value | humanizePercentage }} of the task slots of {{ $labels.application_name }} ({{ $labels.application_id }}) ran no task over 10 minutes in which jobs ran, for 5 minutes (Dataflint: wasted cores above 50 %). Too few partitions, stragglers or work on the driver: fewer cores, or more partitions."),
            Recipe::SlowJobs,
            Key::Utilization,
            o,
        ))
        // Over-provisioned memory: the busiest executor's peak unified memory (execution
        // and storage) under 70 % of the pool (Dataflint's and Dr. Elephant's 0.7), for
        // pools above 1 GiB (Dr. Elephant rates only executors above 2 GiB; 1 GiB is their
        // pool at the default spark.memory.fraction). The peaks only grow from the
        // application's start, hence the long `for`.
        .alert(application(
            AlertRule::new("SparkExecutorMemoryOverProvisioned", Severity::Info, promql!(
                r#"max by (application_id, application_name) (metrics_executor_OnHeapUnifiedMemory_bytes{executor_id!="driver"} + metrics_executor_OffHeapUnifiedMemory_bytes)
  / max by (application_id, application_name) (metrics_executor_maxMemory_bytes{executor_id!="driver"} > 1073741824)
  < 0.7"#
            ))
            .summary("Executors of {{ $labels.application_name }} use under 70 % of their memory")
            .description("At its peak the busiest executor of {{ $labels.application_name }} ({{ $labels.application_id }}) used {{ $value | humanizePercentage }} of its unified memory pool (execution and storage), over at least 30 minutes (Dataflint and Dr. Elephant: under 70 %, over-provisioned). Lower spark.executor.memory to the peak plus a margin, or give each executor more cores."),
            Recipe::OomAndSpill,
            Key::UnifiedMemory,
            o,
        )
        .for_(Duration::minutes(30)))
        // Many small tasks (Dataflint): more than 5,000 tasks with a median under 500 ms;
        // scheduling and (de)serialization then outweigh the work. Info: it slows, it
        // does not fail.
        .alert(stage(
            AlertRule::new("SparkStageTooManySmallTasks", Severity::Info, promql!(
                r#"(
  max by (application_id, application_name, stage_id, attempt_id) (spark_stage_tasks{state="total"}) > 5000
  and on (application_id, stage_id, attempt_id) spark_stage_task_duration_seconds{quantile="0.5"} < 0.5
) * on (application_id, stage_id, attempt_id) group_left (stage_name) max by (application_id, stage_id, attempt_id, stage_name) (spark_stage_info)"#
            ))
            .summary("Stage {{ $labels.stage_id }} of {{ $labels.application_name }} has many tiny tasks")
            .description("Stage {{ $labels.stage_id }} ({{ $labels.stage_name }}) has {{ $value | printf \"%.0f\" }} tasks with a median under 500 ms (Dataflint: more than 5,000): scheduling overhead outweighs the work. Coalesce, or raise the partition size (spark.sql.files.maxPartitionBytes, fewer shuffle partitions)."),
            Recipe::SlowJobs,
            Key::StageTaskDuration,
            o,
        ))
        // Long stages: Dr. Elephant rates 15 low, 30 moderate, 45 severe, 60 critical
        // minutes per executor. Info from 30, warning from 60.
        .alert(long_stage(
            AlertRule::new("SparkStageLong", Severity::Info, promql!(
                r#"stage:spark_stage_run_minutes:per_executor >= 30 < 60"#
            ))
            .summary("Stage {{ $labels.stage_id }} of {{ $labels.application_name }} runs long")
            .description("Stage {{ $labels.stage_id }} ({{ $labels.stage_name }}) has {{ $value | printf \"%.0f\" }} minutes of task time per executor (Dr. Elephant: 30 moderate, 60 critical). More partitions and executors, or less data: filter and prune early."),
            o,
        ))
        .alert(long_stage(
            AlertRule::new("SparkStageVeryLong", Severity::Warning, promql!(
                r#"stage:spark_stage_run_minutes:per_executor >= 60"#
            ))
            .summary("Stage {{ $labels.stage_id }} of {{ $labels.application_name }} runs over an hour per executor")
            .description("Stage {{ $labels.stage_id }} ({{ $labels.stage_name }}) has {{ $value | printf \"%.0f\" }} minutes of task time per executor, beyond Dr. Elephant's critical hour. Split the work: more partitions and executors, or less data."),
            o,
        ))
}

/// A stage heuristic: held for [`STAGE_FOR`], linked to its Profiling panel.
fn stage(alert: AlertRule, recipe: Recipe, panel: Key, o: &Options) -> AlertRule {
    runbook_section(alert.for_(STAGE_FOR), recipe, PROFILING, panel, o)
}

/// An application heuristic over 10-minute rates, held for [`APP_FOR`].
fn application(alert: AlertRule, recipe: Recipe, panel: Key, o: &Options) -> AlertRule {
    runbook_section(alert.for_(APP_FOR), recipe, PROFILING, panel, o)
}

/// A long stage: linked to the jobs and stages of Spark Job Tracing, where its run is.
fn long_stage(alert: AlertRule, o: &Options) -> AlertRule {
    runbook_section(
        alert.for_(STAGE_FOR),
        Recipe::SlowJobs,
        JOB_TRACING,
        TracingKey::JobsAndStages,
        o,
    )
}
