//! The proofs of group `spark-heuristics`. Series carry the labels they have in Prometheus:
//! spark-exporter's own (`application_id`, `application_name`, and `stage_id`,
//! `attempt_id` or `namespace`, `executor_id`; see spark-exporter/src/rest/series.rs) plus
//! the scrape's `job` and `instance`, the executor summaries as in the outcome cases. The
//! silent cases include the figures of the healthy workload's recording
//! (fixtures/spark/spark-4.3.0_local-cluster/rest: its stage 8 sorts with 4.1× skew and
//! spills ten times its input, in 6 s of task time).

use super::outcome::exec;
use super::{series, Case};

/// The application of the outcome cases, as spark-exporter labels it.
const APP: &str = r#"application_id="app-1", application_name="etl""#;
const EXPORTER: &str = r#"job="spark-exporter", instance="spark-exporter:9188""#;
/// A stage name as the REST API gives it (the recording's stage 28).
const STAGE_NAME: &str = "collect at /opt/spark-probe/spark_job.py:98";

/// A stage series of stage 8, attempt 0, with `extra` labels (`, quantile="1"`).
fn stage(name: &str, extra: &str, values: &'static str) -> (String, &'static str) {
    series(
        name,
        &format!(r#"{APP}, stage_id="8", attempt_id="0"{extra}, {EXPORTER}"#),
        values,
    )
}

/// The stage's `spark_stage_info`.
fn info() -> (String, &'static str) {
    stage(
        "spark_stage_info",
        &format!(r#", stage_name="{STAGE_NAME}""#),
        "1x40",
    )
}

/// What a stage alert carries.
fn stage_labels() -> Vec<(&'static str, &'static str)> {
    vec![
        ("application_id", "app-1"),
        ("application_name", "etl"),
        ("attempt_id", "0"),
        ("stage_id", "8"),
        ("stage_name", STAGE_NAME),
    ]
}

const APP_NAMED: [(&str, &str); 2] = [("application_id", "app-1"), ("application_name", "etl")];

/// Task duration skew (max/median) and the max and p75 durations, in seconds.
fn skew(ratio: &'static str, max: &'static str, p75: &'static str) -> Vec<(String, &'static str)> {
    vec![
        info(),
        stage(
            "spark_stage_task_skew_ratio",
            r#", metric="duration""#,
            ratio,
        ),
        stage(
            "spark_stage_task_duration_seconds",
            r#", quantile="1""#,
            max,
        ),
        stage(
            "spark_stage_task_duration_seconds",
            r#", quantile="0.75""#,
            p75,
        ),
    ]
}

/// A stage's spill and data totals (bytes) and task run time (seconds).
fn spill(
    memory_spilled: &'static str,
    shuffle_read: &'static str,
    shuffle_write: &'static str,
    run: &'static str,
) -> Vec<(String, &'static str)> {
    vec![
        info(),
        stage("spark_stage_memory_spilled_bytes_total", "", memory_spilled),
        stage("spark_stage_input_bytes_total", "", "0x40"),
        stage("spark_stage_output_bytes_total", "", "0x40"),
        stage("spark_stage_shuffle_read_bytes_total", "", shuffle_read),
        stage("spark_stage_shuffle_write_bytes_total", "", shuffle_write),
        stage("spark_stage_run_seconds_total", "", run),
    ]
}

/// Executors 1 and 2 (4 task slots each) and the driver (none, but its own task time and
/// collections, which must not count): GC and task time grow by these every 15 s.
fn gc(gc: &'static str, task: &'static str) -> Vec<(String, &'static str)> {
    let mut s = Vec::new();
    for e in ["1", "2"] {
        s.push(exec("metrics_executor_MinorGCTime_seconds_total", e, gc));
        s.push(exec(
            "metrics_executor_MajorGCTime_seconds_total",
            e,
            "0x80",
        ));
        s.push(exec(
            "metrics_executor_totalDuration_seconds_total",
            e,
            task,
        ));
        s.push(exec("metrics_executor_maxTasks", e, "4x80"));
    }
    s.push(exec(
        "metrics_executor_MinorGCTime_seconds_total",
        "driver",
        "0+10x80",
    ));
    s.push(exec(
        "metrics_executor_MajorGCTime_seconds_total",
        "driver",
        "0x80",
    ));
    s.push(exec(
        "metrics_executor_totalDuration_seconds_total",
        "driver",
        "0+10x80",
    ));
    s.push(exec("metrics_executor_maxTasks", "driver", "0x80"));
    s
}

/// spark-exporter's Graphite series of executors 1 and 2: fetch wait and run time grow by
/// these every 15 s.
fn fetch_wait(wait: &'static str, run: &'static str) -> Vec<(String, &'static str)> {
    let mut s = Vec::new();
    for e in ["1", "2"] {
        let labels = format!(r#"{APP}, namespace="spark", executor_id="{e}", {EXPORTER}"#);
        s.push(series(
            "spark_executor_shuffle_fetch_wait_seconds_total",
            &labels,
            wait,
        ));
        s.push(series("spark_executor_run_seconds_total", &labels, run));
    }
    s
}

/// Executors 1 and 2 with 4 task slots each, their task time growing by `task` every 15 s,
/// and the driver's active jobs.
fn slots(task: &'static str, active_jobs: &'static str) -> Vec<(String, &'static str)> {
    let mut s = Vec::new();
    for e in ["1", "2"] {
        s.push(exec(
            "metrics_executor_totalDuration_seconds_total",
            e,
            task,
        ));
        s.push(exec("metrics_executor_maxTasks", e, "4x80"));
    }
    s.push(exec(
        "metrics_executor_totalDuration_seconds_total",
        "driver",
        "0x80",
    ));
    s.push(exec("metrics_executor_maxTasks", "driver", "0x80"));
    s.push(series(
        "spark_DAGScheduler_job_activeJobs_Value",
        r#"application_id="app-1", spark_namespace="spark", spark_instance="driver", type="gauges", job="spark-driver", instance="driver:4040""#,
        active_jobs,
    ));
    s
}

/// Peak unified memory (on-heap) of executors 1 and 2 and their pool (`maxMemory`).
fn memory(
    peak1: &'static str,
    peak2: &'static str,
    pool: &'static str,
) -> Vec<(String, &'static str)> {
    let mut s = Vec::new();
    for (e, peak) in [("1", peak1), ("2", peak2)] {
        s.push(exec("metrics_executor_OnHeapUnifiedMemory_bytes", e, peak));
        s.push(exec(
            "metrics_executor_OffHeapUnifiedMemory_bytes",
            e,
            "0x200",
        ));
        s.push(exec("metrics_executor_maxMemory_bytes", e, pool));
    }
    // The driver's own pool is never the executors' question.
    s.push(exec(
        "metrics_executor_OnHeapUnifiedMemory_bytes",
        "driver",
        "1000x200",
    ));
    s.push(exec(
        "metrics_executor_OffHeapUnifiedMemory_bytes",
        "driver",
        "0x200",
    ));
    s.push(exec(
        "metrics_executor_maxMemory_bytes",
        "driver",
        "4000000000x200",
    ));
    s
}

/// A stage's task count and median task duration.
fn tasks(total: &'static str, median: &'static str) -> Vec<(String, &'static str)> {
    vec![
        info(),
        stage("spark_stage_tasks", r#", state="total""#, total),
        stage(
            "spark_stage_task_duration_seconds",
            r#", quantile="0.5""#,
            median,
        ),
    ]
}

/// A stage's summed task run time with executors 1 and 2 (and the driver, not counted).
fn run_time(run: &'static str) -> Vec<(String, &'static str)> {
    vec![
        info(),
        stage("spark_stage_run_seconds_total", "", run),
        exec("metrics_executor_totalCores", "1", "4x40"),
        exec("metrics_executor_totalCores", "2", "4x40"),
        exec("metrics_executor_totalCores", "driver", "0x40"),
    ]
}

pub(super) fn cases() -> Vec<Case> {
    vec![
        Case {
            alert: "SparkStageTaskSkewSevere",
            name: "the slowest task takes 12 times the median, 60 s",
            series: skew("12x40", "60x40", "6x40"),
            eval: "2m",
            fires: Some((stage_labels(), 12.0)),
        },
        Case {
            alert: "SparkStageTaskSkewSevere",
            name: "12 times the median, for less than its for",
            series: skew("12x40", "60x40", "6x40"),
            eval: "30s",
            fires: None,
        },
        Case {
            alert: "SparkStageTaskSkewSevere",
            name: "12 times the median, but the slowest task takes 3 s",
            series: skew("12x40", "3x40", "0.5x40"),
            eval: "2m",
            fires: None,
        },
        Case {
            alert: "SparkStageTaskSkewSevere",
            name: "the exporter dropped the finished stage (--stage-retention)",
            series: skew("12x4 stale", "60x4 stale", "6x4 stale"),
            eval: "5m",
            fires: None,
        },
        Case {
            alert: "SparkStageTaskSkew",
            name: "a 30 s straggler, 6 times the median and 3 times the p75",
            series: skew("6x40", "30x40", "10x40"),
            eval: "2m",
            fires: Some((stage_labels(), 6.0)),
        },
        Case {
            alert: "SparkStageTaskSkew",
            name: "6 times the median, but the top quarter is as slow (no straggler)",
            series: skew("6x40", "30x40", "25x40"),
            eval: "2m",
            fires: None,
        },
        Case {
            alert: "SparkStageTaskSkew",
            name: "the healthy workload's stage 8: 4.1 times the median, slowest task 3.8 s",
            series: skew("4.12x40", "3.759x40", "1.613x40"),
            eval: "2m",
            fires: None,
        },
        Case {
            alert: "SparkStageTaskSkew",
            name: "12 times the median: the warning's, not the info's",
            series: skew("12x40", "60x40", "6x40"),
            eval: "2m",
            fires: None,
        },
        Case {
            alert: "SparkStageSpillSevere",
            name: "3 GB spilled for 2 GB of shuffle read, over 10 minutes of task time",
            series: spill("3e9x40", "2e9x40", "1e9x40", "600x40"),
            eval: "2m",
            fires: Some((stage_labels(), 1.5)),
        },
        Case {
            alert: "SparkStageSpillSevere",
            name: "the healthy workload's stage 8: ten times its input, in 6 s of task time",
            series: spill("100663104x40", "10058308x40", "34878x40", "6.388x40"),
            eval: "2m",
            fires: None,
        },
        Case {
            alert: "SparkStageSpillSevere",
            name: "a third spilled: the info's tier",
            series: spill("6e8x40", "2e9x40", "0x40", "120x40"),
            eval: "2m",
            fires: None,
        },
        Case {
            alert: "SparkStageSpill",
            name: "600 MB spilled for 2 GB of shuffle read, over 2 minutes of task time",
            series: spill("6e8x40", "2e9x40", "0x40", "120x40"),
            eval: "2m",
            fires: Some((stage_labels(), 0.3)),
        },
        Case {
            alert: "SparkStageSpill",
            name: "5 % spilled (Dr. Elephant's low tier)",
            series: spill("1e8x40", "2e9x40", "0x40", "120x40"),
            eval: "2m",
            fires: None,
        },
        Case {
            alert: "SparkStageSpill",
            name: "the healthy workload's stage 8",
            series: spill("100663104x40", "10058308x40", "34878x40", "6.388x40"),
            eval: "2m",
            fires: None,
        },
        Case {
            alert: "SparkGcTimeCritical",
            name: "a quarter of the task time in GC, both executors busy",
            series: gc("0+3.75x80", "0+15x80"),
            eval: "12m",
            fires: Some((APP_NAMED.to_vec(), 0.25)),
        },
        Case {
            alert: "SparkGcTimeCritical",
            name: "a quarter in GC, for less than its for",
            series: gc("0+3.75x80", "0+15x80"),
            eval: "4m",
            fires: None,
        },
        Case {
            alert: "SparkGcTimeCritical",
            name: "a quarter in GC, but under 5 minutes of task time in 10",
            series: gc("0+0.25x80", "0+1x80"),
            eval: "12m",
            fires: None,
        },
        Case {
            alert: "SparkGcTimeHigh",
            name: "15 % of the task time in GC",
            series: gc("0+2.25x80", "0+15x80"),
            eval: "12m",
            fires: Some((APP_NAMED.to_vec(), 0.15)),
        },
        Case {
            alert: "SparkGcTimeHigh",
            name: "3 % in GC, as in the healthy workload",
            series: gc("0+0.45x80", "0+15x80"),
            eval: "12m",
            fires: None,
        },
        Case {
            alert: "SparkShuffleFetchWaitCritical",
            name: "30 % of the run time waiting on shuffle blocks",
            series: fetch_wait("0+4.5x80", "0+15x80"),
            eval: "12m",
            fires: Some((APP_NAMED.to_vec(), 0.3)),
        },
        Case {
            alert: "SparkShuffleFetchWaitCritical",
            name: "15 %: the info's tier",
            series: fetch_wait("0+2.25x80", "0+15x80"),
            eval: "12m",
            fires: None,
        },
        Case {
            alert: "SparkShuffleFetchWaitHigh",
            name: "15 % of the run time waiting on shuffle blocks",
            series: fetch_wait("0+2.25x80", "0+15x80"),
            eval: "12m",
            fires: Some((APP_NAMED.to_vec(), 0.15)),
        },
        Case {
            alert: "SparkShuffleFetchWaitHigh",
            name: "1.2 %, as in the healthy workload's recording",
            series: fetch_wait("0+0.18x80", "0+15x80"),
            eval: "12m",
            fires: None,
        },
        Case {
            alert: "SparkExecutorsIdle",
            name: "one task on each executor's four slots while a job runs",
            series: slots("0+15x80", "1x80"),
            eval: "12m",
            fires: Some((APP_NAMED.to_vec(), 0.75)),
        },
        Case {
            alert: "SparkExecutorsIdle",
            name: "every slot busy",
            series: slots("0+60x80", "1x80"),
            eval: "12m",
            fires: None,
        },
        Case {
            alert: "SparkExecutorsIdle",
            name: "idle slots, but no job ran (a session waiting for its user)",
            series: slots("0+15x80", "0x80"),
            eval: "12m",
            fires: None,
        },
        Case {
            alert: "SparkExecutorMemoryOverProvisioned",
            name: "the busiest executor peaks at 1 GiB of a 2.2 GiB pool (4 GiB executors)",
            series: memory("1073741824x200", "858993459x200", "2388236697x200"),
            eval: "35m",
            fires: Some((APP_NAMED.to_vec(), 1073741824.0 / 2388236697.0)),
        },
        Case {
            alert: "SparkExecutorMemoryOverProvisioned",
            name: "the same, for less than its for",
            series: memory("1073741824x200", "858993459x200", "2388236697x200"),
            eval: "20m",
            fires: None,
        },
        Case {
            alert: "SparkExecutorMemoryOverProvisioned",
            name: "the healthy workload's executors: a 145 MiB pool, full",
            series: memory("149860681x200", "149000000x200", "151833804x200"),
            eval: "35m",
            fires: None,
        },
        Case {
            alert: "SparkExecutorMemoryOverProvisioned",
            name: "the busiest executor peaks at 90 % of its pool",
            series: memory("2149413027x200", "858993459x200", "2388236697x200"),
            eval: "35m",
            fires: None,
        },
        Case {
            alert: "SparkStageTooManySmallTasks",
            name: "8,000 tasks with a median of 120 ms",
            series: tasks("8000x40", "0.12x40"),
            eval: "2m",
            fires: Some((stage_labels(), 8000.0)),
        },
        Case {
            alert: "SparkStageTooManySmallTasks",
            name: "8,000 tasks with a median of 800 ms",
            series: tasks("8000x40", "0.8x40"),
            eval: "2m",
            fires: None,
        },
        Case {
            alert: "SparkStageTooManySmallTasks",
            name: "the healthy workload's stage 12: 6 tasks of 77 ms",
            series: tasks("6x40", "0.077x40"),
            eval: "2m",
            fires: None,
        },
        Case {
            alert: "SparkStageVeryLong",
            name: "65 minutes of task time per executor",
            series: run_time("7800x40"),
            eval: "2m",
            fires: Some((stage_labels(), 65.0)),
        },
        Case {
            alert: "SparkStageVeryLong",
            name: "40 minutes per executor: the info's tier",
            series: run_time("4800x40"),
            eval: "2m",
            fires: None,
        },
        Case {
            alert: "SparkStageLong",
            name: "40 minutes of task time per executor",
            series: run_time("4800x40"),
            eval: "2m",
            fires: Some((stage_labels(), 40.0)),
        },
        Case {
            alert: "SparkStageLong",
            name: "the healthy workload's longest stage: 21 s of task time",
            series: run_time("21.113x40"),
            eval: "2m",
            fires: None,
        },
    ]
}
