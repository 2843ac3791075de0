//! The proofs of group `spark-kubernetes`. kube-state-metrics' series carry the labels its
//! docs give them (docs/metrics/workload/pod-metrics.md: `namespace`, `pod`, `uid`, and
//! `container`, `reason` or `phase`) plus the scrape's `job` and `instance`; `kube_pod_labels`
//! carries the Spark labels kube-state-metrics is allowed to export (`label_spark_role`,
//! `label_spark_app_selector`, `label_spark_app_name`). Spark names its pods
//! `<app>-<hash>-driver` and `<app>-<hash>-exec-<id>`, their containers
//! `spark-kubernetes-driver` and `spark-kubernetes-executor`, and its applications on
//! Kubernetes `spark-<32 hex digits>`.

use super::{series, Case};

const KSM: &str = r#"job="kube-state-metrics", instance="10.244.0.12:8080""#;
/// A pod-level series (no `container` of its own) scraped by kube-prometheus-stack's
/// ServiceMonitor (`honorLabels: true`) also gets the target's: the alerts aggregate them
/// away.
const KSM_POD: &str = r#"job="kube-state-metrics", instance="10.244.0.12:8080", container="kube-state-metrics", endpoint="http", service="kube-state-metrics""#;
const NS: &str = "spark-jobs";
const APP_ID: &str = "spark-6b1f0c2d9e8a4f7b8c3d2e1f0a9b8c7d";
const EXECUTOR_POD: &str = "etl-3f9a1c8e5d7b-exec-1";
const DRIVER_POD: &str = "etl-3f9a1c8e5d7b-driver";

/// The pod's labels as kube-state-metrics exports them with the allowlist.
fn pod_labels(pod: &str, role: &str, uid: &str) -> (String, &'static str) {
    series(
        "kube_pod_labels",
        &format!(
            r#"namespace="{NS}", pod="{pod}", uid="{uid}", label_spark_role="{role}", label_spark_app_selector="{APP_ID}", label_spark_app_name="etl", {KSM_POD}"#
        ),
        "1x200",
    )
}

/// A container series of `pod` with `extra` labels (`, reason="OOMKilled"`).
fn container(
    name: &str,
    pod: &str,
    container: &str,
    uid: &str,
    extra: &str,
    values: &'static str,
) -> (String, &'static str) {
    series(
        name,
        &format!(
            r#"namespace="{NS}", pod="{pod}", uid="{uid}", container="{container}"{extra}, {KSM}"#
        ),
        values,
    )
}

const EXEC_UID: &str = "0d4c6a1e-7f52-4b8e-9a3d-2c1b0e9f8a71";
const DRIVER_UID: &str = "5e2b9c47-1a08-4d6f-b3e5-8f7a6c5d4b32";

/// The executor pod, labelled, and Spark's driver summary naming the application `etl`.
fn executor_pod() -> Vec<(String, &'static str)> {
    vec![
        pod_labels(EXECUTOR_POD, "executor", EXEC_UID),
        driver_reports("1x200"),
    ]
}

/// The executor pod with these series of its own.
fn executor_pod_with(series: Vec<(String, &'static str)>) -> Vec<(String, &'static str)> {
    let mut s = executor_pod();
    s.extend(series);
    s
}

/// An executor container in CrashLoopBackOff from the start, restarted every 5 minutes.
fn crash_looping() -> Vec<(String, &'static str)> {
    executor_pod_with(vec![
        executor(
            "kube_pod_container_status_waiting_reason",
            r#", reason="CrashLoopBackOff""#,
            "1x100",
        ),
        executor(
            "kube_pod_container_status_restarts_total",
            "",
            "1x19 2x19 3x19 4x19 5x20",
        ),
    ])
}

/// The driver's executor summary (its `application_name` is Spark's own).
fn driver_reports(values: &'static str) -> (String, &'static str) {
    series(
        "metrics_executor_totalCores",
        &format!(
            r#"application_id="{APP_ID}", application_name="etl", executor_id="driver", job="spark-executors", instance="10.244.1.5:4040""#
        ),
        values,
    )
}

fn executor(name: &str, extra: &str, values: &'static str) -> (String, &'static str) {
    container(
        name,
        EXECUTOR_POD,
        "spark-kubernetes-executor",
        EXEC_UID,
        extra,
        values,
    )
}

fn labels(
    pod: &'static str,
    role: &'static str,
    container: bool,
) -> Vec<(&'static str, &'static str)> {
    let mut l = vec![
        ("application_id", APP_ID),
        ("application_name", "etl"),
        ("namespace", NS),
        ("pod", pod),
        ("spark_role", role),
    ];
    if container {
        l.push((
            "container",
            if role == "driver" {
                "spark-kubernetes-driver"
            } else {
                "spark-kubernetes-executor"
            },
        ));
    }
    l
}

/// The pod's phase series: `pending` for Pending, `running` for Running, 0 for the others.
fn phases(pending: &'static str, running: &'static str) -> Vec<(String, &'static str)> {
    let mut s = executor_pod();
    for (phase, values) in [
        ("Pending", pending),
        ("Running", running),
        ("Succeeded", "0x200"),
        ("Failed", "0x200"),
        ("Unknown", "0x200"),
    ] {
        s.push(series(
            "kube_pod_status_phase",
            &format!(
                r#"namespace="{NS}", pod="{EXECUTOR_POD}", uid="{EXEC_UID}", phase="{phase}", {KSM_POD}"#
            ),
            values,
        ));
    }
    s
}

pub(super) fn cases() -> Vec<Case> {
    let oom = r#", reason="OOMKilled""#;
    vec![
        Case {
            alert: "SparkPodOOMKilled",
            name: "an executor (restartPolicy Never) is OOM killed at 1m45s",
            series: executor_pod_with(vec![executor(
                "kube_pod_container_status_terminated_reason",
                oom,
                "_x7 1x40",
            )]),
            eval: "3m",
            fires: Some((labels(EXECUTOR_POD, "executor", true), 1.0)),
        },
        Case {
            alert: "SparkPodOOMKilled",
            name: "the driver is OOM killed: Spark no longer reports, the pod label names it",
            series: vec![
                pod_labels(DRIVER_POD, "driver", DRIVER_UID),
                container(
                    "kube_pod_container_status_terminated_reason",
                    DRIVER_POD,
                    "spark-kubernetes-driver",
                    DRIVER_UID,
                    oom,
                    "_x7 1x40",
                ),
            ],
            eval: "3m",
            fires: Some((labels(DRIVER_POD, "driver", true), 1.0)),
        },
        Case {
            alert: "SparkPodOOMKilled",
            name: "a restarted container whose last termination was an OOM kill",
            series: executor_pod_with(vec![
                executor(
                    "kube_pod_container_status_last_terminated_reason",
                    oom,
                    "_x7 1x40",
                ),
                executor("kube_pod_container_status_restarts_total", "", "0x7 1x40"),
            ]),
            eval: "3m",
            fires: Some((labels(EXECUTOR_POD, "executor", true), 1.0)),
        },
        Case {
            alert: "SparkPodOOMKilled",
            name: "Spark deleted the killed executor's pod at once: one scrape saw it",
            series: executor_pod_with(vec![executor(
                "kube_pod_container_status_terminated_reason",
                oom,
                "_x7 1x1 stale",
            )]),
            eval: "10m",
            fires: Some((labels(EXECUTOR_POD, "executor", true), 1.0)),
        },
        Case {
            alert: "SparkPodOOMKilled",
            name: "an executor that ended normally (Completed)",
            series: executor_pod_with(vec![executor(
                "kube_pod_container_status_terminated_reason",
                r#", reason="Completed""#,
                "_x7 1x40",
            )]),
            eval: "3m",
            fires: None,
        },
        Case {
            alert: "SparkPodOOMKilled",
            name: "an OOM kill 35 minutes ago, the pod kept (deleteOnTermination=false)",
            series: executor_pod_with(vec![executor(
                "kube_pod_container_status_terminated_reason",
                oom,
                "1x160",
            )]),
            eval: "35m",
            fires: None,
        },
        Case {
            alert: "SparkPodOOMKilled",
            name: "an OOM kill of a pod that is not Spark's",
            series: vec![
                driver_reports("1x200"),
                series(
                    "kube_pod_container_status_terminated_reason",
                    &format!(
                        r#"namespace="{NS}", pod="redis-0", uid="9b8c7d6e-5f4a-4b3c-8d2e-1f0a9b8c7d6e", container="redis", reason="OOMKilled", {KSM}"#
                    ),
                    "_x7 1x40",
                ),
                series(
                    "kube_pod_labels",
                    &format!(
                        r#"namespace="{NS}", pod="redis-0", uid="9b8c7d6e-5f4a-4b3c-8d2e-1f0a9b8c7d6e", {KSM}"#
                    ),
                    "1x200",
                ),
            ],
            eval: "3m",
            fires: None,
        },
        Case {
            alert: "SparkPodCrashLooping",
            name: "the executor container is in CrashLoopBackOff for 20 minutes, 4 restarts",
            series: crash_looping(),
            eval: "20m",
            fires: Some((labels(EXECUTOR_POD, "executor", true), 4.025)),
        },
        Case {
            alert: "SparkPodCrashLooping",
            name: "CrashLoopBackOff for 10 minutes, less than its for",
            series: crash_looping(),
            eval: "10m",
            fires: None,
        },
        Case {
            alert: "SparkPodCrashLooping",
            name: "a container that restarted once and runs",
            series: executor_pod_with(vec![executor(
                "kube_pod_container_status_restarts_total",
                "",
                "0x20 1x80",
            )]),
            eval: "20m",
            fires: None,
        },
        Case {
            alert: "SparkPodPending",
            name: "an executor pod pending for 16 minutes",
            series: phases("1x100", "0x100"),
            eval: "16m",
            fires: Some((labels(EXECUTOR_POD, "executor", false), 1.0)),
        },
        Case {
            alert: "SparkPodPending",
            name: "pending 5 minutes, then scheduled and running",
            series: phases("1x20 0x80", "0x20 1x80"),
            eval: "16m",
            fires: None,
        },
    ]
}
