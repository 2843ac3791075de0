//! The proofs of group `spark-outcome`: the driver's appStatus counters and the executor
//! summaries, labelled as the contract's scrape configuration labels them.

use super::{series, Case};

/// The labels every driver series carries through the contract's relabelling.
const DRIVER: &str = r#"application_id="app-1", spark_namespace="app-1", spark_instance="driver", type="counters", job="spark-driver", instance="driver:4040""#;
/// The labels of the executor summaries (`honor_labels`).
const EXEC: &str = r#"application_id="app-1", application_name="etl", job="spark-executors", instance="driver:4040""#;

pub(super) fn exec(name: &str, executor: &str, values: &'static str) -> (String, &'static str) {
    series(
        name,
        &format!(r#"{EXEC}, executor_id="{executor}""#),
        values,
    )
}

const APP: [(&str, &str); 1] = [("application_id", "app-1")];
const APP_NAMED: [(&str, &str); 2] = [("application_id", "app-1"), ("application_name", "etl")];

/// Tasks: `failed` and `total` grow by these every 15 s on executor 1; the driver runs none.
fn tasks(failed: &'static str, total: &'static str) -> Vec<(String, &'static str)> {
    vec![
        exec("metrics_executor_failedTasks_total", "1", failed),
        exec("metrics_executor_totalTasks_total", "1", total),
        exec("metrics_executor_failedTasks_total", "driver", "0x40"),
        exec("metrics_executor_totalTasks_total", "driver", "0x40"),
    ]
}

pub(super) fn cases() -> Vec<Case> {
    let counter = |metric: &str, values| vec![series(metric, DRIVER, values)];
    let jobs = "spark_appStatus_jobs_failedJobs_Count";
    let stages = "spark_appStatus_stages_failedStages_Count";
    let cores = "metrics_executor_totalCores";
    vec![
        Case {
            alert: "SparkJobFailed",
            name: "a job fails at 2m45s",
            series: counter(jobs, "0x10 1x10"),
            eval: "4m",
            fires: Some((APP.to_vec(), 1.0)),
        },
        Case {
            alert: "SparkJobFailed",
            name: "no job fails",
            series: counter(jobs, "0x20"),
            eval: "4m",
            fires: None,
        },
        Case {
            alert: "SparkStageFailed",
            name: "a stage fails at 2m45s",
            series: counter(stages, "0x10 1x10"),
            eval: "4m",
            fires: Some((APP.to_vec(), 1.0)),
        },
        Case {
            alert: "SparkStageFailed",
            name: "no stage fails",
            series: counter(stages, "0x20"),
            eval: "4m",
            fires: None,
        },
        Case {
            alert: "SparkTaskFailureRateHigh",
            name: "a quarter of the tasks fail, for 8 minutes",
            series: tasks("0+1x40", "0+4x40"),
            eval: "8m",
            fires: Some((APP_NAMED.to_vec(), 0.25)),
        },
        Case {
            alert: "SparkTaskFailureRateHigh",
            name: "a quarter of the tasks fail, for less than its for",
            series: tasks("0+1x40", "0+4x40"),
            eval: "3m",
            fires: None,
        },
        Case {
            alert: "SparkTaskFailureRateHigh",
            name: "one task in twenty fails",
            series: tasks("0+1x40", "0+20x40"),
            eval: "8m",
            fires: None,
        },
        Case {
            alert: "SparkTaskFailureRateCritical",
            name: "three tasks in four fail, for 8 minutes",
            series: tasks("0+3x40", "0+4x40"),
            eval: "8m",
            fires: Some((APP_NAMED.to_vec(), 0.75)),
        },
        Case {
            alert: "SparkTaskFailureRateCritical",
            name: "three tasks in four fail, for less than its for",
            series: tasks("0+3x40", "0+4x40"),
            eval: "3m",
            fires: None,
        },
        Case {
            alert: "SparkTaskFailureRateCritical",
            name: "a quarter of the tasks fail (the warning's tier only)",
            series: tasks("0+1x40", "0+4x40"),
            eval: "8m",
            fires: None,
        },
        Case {
            alert: "SparkExecutorRemoved",
            name: "executor 1 goes at 2m45s, the driver and executor 2 stay",
            series: vec![
                exec(cores, "driver", "0x40"),
                exec(cores, "1", "1x10 stale"),
                exec(cores, "2", "1x40"),
            ],
            eval: "4m",
            fires: Some((
                vec![
                    ("application_id", "app-1"),
                    ("application_name", "etl"),
                    ("executor_id", "1"),
                ],
                1.0,
            )),
        },
        removed_with_reason(
            "executor 1 killed (exit 137, as spark-exporter reports it)",
            "Command exited with code 137",
            true,
        ),
        removed_with_reason(
            "executor 1 let go by dynamic allocation",
            "Executor killed by driver.",
            false,
        ),
        removed_with_reason(
            "executor 1 decommissioned",
            "Executor decommission: worker decommissioned",
            false,
        ),
        Case {
            alert: "SparkExecutorRemoved",
            name: "the application ends: driver and executors go together",
            series: vec![
                exec(cores, "driver", "0x10 stale"),
                exec(cores, "1", "1x10 stale"),
            ],
            eval: "4m",
            fires: None,
        },
        Case {
            alert: "SparkApplicationEnded",
            name: "the driver goes at 2m45s",
            series: vec![
                exec(cores, "driver", "0x10 stale"),
                exec(cores, "1", "1x10 stale"),
            ],
            eval: "3m",
            fires: Some((APP_NAMED.to_vec(), 0.0)),
        },
        Case {
            alert: "SparkApplicationEnded",
            name: "the application runs on, an executor goes",
            series: vec![
                exec(cores, "driver", "0x20"),
                exec(cores, "1", "1x10 stale"),
            ],
            eval: "3m",
            fires: None,
        },
    ]
}

/// Executor 1 gone at 2m45s while the driver reports, with spark-exporter's removal
/// reason: only a removal the driver did not choose fires.
fn removed_with_reason(name: &'static str, reason: &str, fires: bool) -> Case {
    Case {
        alert: "SparkExecutorRemoved",
        name,
        series: vec![
            exec("metrics_executor_totalCores", "driver", "0x40"),
            exec("metrics_executor_totalCores", "1", "1x10 stale"),
            series(
                "spark_executor_removed_timestamp_seconds",
                &format!(
                    r#"application_id="app-1", application_name="etl", executor_id="1", reason="{reason}""#
                ),
                "165x30",
            ),
        ],
        eval: "4m",
        fires: fires.then(|| {
            (
                vec![
                    ("application_id", "app-1"),
                    ("application_name", "etl"),
                    ("executor_id", "1"),
                ],
                1.0,
            )
        }),
    }
}
