//! Group `spark-kubernetes`: Spark's driver and executor pods, from kube-state-metrics.
//!
//! The series and their labels are kube-state-metrics' (docs/metrics/workload/pod-metrics.md
//! in <https://github.com/kubernetes/kube-state-metrics>):
//! - `kube_pod_labels{namespace, pod, uid, label_<key>}`: the pod's labels, each key made a
//!   Prometheus label name (`spark-role` becomes `label_spark_role`), but only the keys
//!   kube-state-metrics is told to export with
//!   `--metric-labels-allowlist=pods=[spark-role,spark-app-selector,spark-app-name]`;
//!   without it the series has no `label_*` and no alert of this group can fire.
//! - `kube_pod_container_status_terminated_reason{namespace, pod, uid, container, reason}`:
//!   the reason a container is terminated now; `kube_pod_container_status_last_terminated_reason`
//!   the reason of its previous termination, once it restarted. Spark creates its pods with
//!   `restartPolicy: Never`, so an OOM-killed executor shows in the first, and a container
//!   restarted by its kubelet in the second.
//! - `kube_pod_container_status_waiting_reason{…, reason}` (`CrashLoopBackOff`) and the
//!   counter `kube_pod_container_status_restarts_total{namespace, pod, uid, container}`.
//! - `kube_pod_status_phase{namespace, pod, uid, phase}`: 1 for the pod's phase, 0 for the
//!   four others.
//!
//! Spark labels its pods (Spark's "Running on Kubernetes",
//! <https://spark.apache.org/docs/latest/running-on-kubernetes.html>, and
//! `resource-managers/kubernetes/core/src/main/scala/org/apache/spark/deploy/k8s/Constants.scala`,
//! `KubernetesConf.scala` in github:apache/spark): `spark-role` is `driver` or
//! `executor`, `spark-app-selector` is the application id (`spark.app.id`, the
//! `application_id` of every Spark series: the PodMonitor copies the same label), and
//! `spark-app-name` is `spark.app.name` made a label value (lower case, other characters
//! `-`). The recording rules below join them to the pod once, and take the application's
//! own name from its executor summaries when the driver reports (or reported within the
//! hour), so these alerts carry the `application_id` and `application_name` of the other
//! groups' alerts and group with them.

use dashboard_dsl::alert::{AlertRule, RecordingRule, RuleGroup, Severity};
use dashboard_dsl::promql;
use dashboard_dsl::rules::Duration;

use super::{runbook_section, INTERVAL};
use crate::common::{Recipe, PROFILING_UID as PROFILING, TRACING_UID as JOB_TRACING};
use crate::spark_job_tracing::Key as TracingKey;
use crate::spark_profiling::Key as ProfilingKey;
use crate::Options;

/// The recorded series of the Spark pods: one per pod, value 1, labelled `namespace`,
/// `pod`, `spark_role`, `application_id` and `application_name`.
///
/// ```
/// assert_eq!(dashboards::alerts::kubernetes::SPARK_PODS, "namespace_pod:spark_application:info");
/// ```
pub const SPARK_PODS: &str = "namespace_pod:spark_application:info";

/// The Spark pods and their applications (two recording rules), then OOM kills, crash
/// loops and pending pods.
///
/// ```
/// let g = dashboards::alerts::kubernetes::group(&dashboards::Options::default());
/// assert_eq!(g.name(), "spark-kubernetes");
/// assert_eq!(g.len(), 5);
/// ```
pub fn group(o: &Options) -> RuleGroup {
    RuleGroup::new("spark-kubernetes")
        .interval(INTERVAL)
        // Rules of a group run in order: the pods are recorded before the alerts read them.
        .record(RecordingRule::new(
            "namespace_pod:kube_pod_labels:spark",
            promql!(
                r#"max by (namespace, pod, application_id, spark_role, spark_app_name) (
  label_replace(label_replace(label_replace(
    kube_pod_labels{label_spark_role=~"driver|executor", label_spark_app_selector!=""},
    "application_id", "$1", "label_spark_app_selector", "(.+)"),
    "spark_role", "$1", "label_spark_role", "(.+)"),
    "spark_app_name", "$1", "label_spark_app_name", "(.*)")
)"#
            ),
        ))
        // Spark's own name while its driver reports (and an hour after, for a driver that
        // died), the pod label's otherwise (a driver still pending).
        .record(RecordingRule::new(
            SPARK_PODS,
            promql!(
                r#"max by (namespace, pod, spark_role, application_id, application_name) (
    namespace_pod:kube_pod_labels:spark
      * on (application_id) group_left (application_name)
      max by (application_id, application_name) (last_over_time(metrics_executor_totalCores{executor_id="driver"}[1h]))
  or on (namespace, pod)
    label_replace(namespace_pod:kube_pod_labels:spark, "application_name", "$1", "spark_app_name", "(.*)")
)"#
            ),
        ))
        // The kernel's OOM killer ended a container: the pod's memory limit (heap plus
        // spark.{driver,executor}.memoryOverhead) is too small for what the JVM and its
        // Python workers use. A terminated container counts for 15 minutes after it
        // appears; a restarted one while it restarted within 15 minutes. Spark deletes a
        // failed executor's pod at once unless
        // spark.kubernetes.executor.deleteOnTermination=false, so the series may live one
        // scrape: `keep_firing_for` holds the page 15 minutes.
        .alert(runbook_section(
            AlertRule::new("SparkPodOOMKilled", Severity::Critical, promql!(
                r#"(
    max by (namespace, pod, container) (kube_pod_container_status_terminated_reason{reason="OOMKilled"})
      unless on (namespace, pod, container) max by (namespace, pod, container) (kube_pod_container_status_terminated_reason{reason="OOMKilled"} offset 15m)
  or
    max by (namespace, pod, container) (kube_pod_container_status_last_terminated_reason{reason="OOMKilled"})
      and on (namespace, pod, container) max by (namespace, pod, container) (increase(kube_pod_container_status_restarts_total[15m])) > 0
) * on (namespace, pod) group_left (application_id, application_name, spark_role) namespace_pod:spark_application:info"#
            ))
            .keep_firing_for(Duration::minutes(15))
            .summary("The {{ $labels.spark_role }} pod {{ $labels.pod }} of {{ $labels.application_name }} was OOM killed")
            .description("Container {{ $labels.container }} of {{ $labels.spark_role }} pod {{ $labels.namespace }}/{{ $labels.pod }} ({{ $labels.application_id }}) was killed for exceeding its memory limit (OOMKilled). The limit is the heap plus the memory overhead: raise spark.{{ $labels.spark_role }}.memoryOverhead (off-heap, Python workers, native buffers) before the heap."),
            Recipe::KubernetesPods,
            PROFILING,
            ProfilingKey::RssPeak,
            o,
        ))
        // kubernetes-mixin's KubePodCrashLooping: CrashLoopBackOff seen within 5 minutes,
        // for 15 (https://github.com/kubernetes-monitoring/kubernetes-mixin,
        // alerts/apps_alerts.libsonnet); critical for a Spark pod, as the issue's seeds
        // ask. The value is the restarts of the last 30 minutes.
        .alert(runbook_section(
            AlertRule::new("SparkPodCrashLooping", Severity::Critical, promql!(
                r#"(
    max by (namespace, pod, container) (increase(kube_pod_container_status_restarts_total[30m]))
  and on (namespace, pod, container)
    max by (namespace, pod, container) (max_over_time(kube_pod_container_status_waiting_reason{reason="CrashLoopBackOff"}[5m])) >= 1
) * on (namespace, pod) group_left (application_id, application_name, spark_role) namespace_pod:spark_application:info"#
            ))
            .for_(Duration::minutes(15))
            .summary("The {{ $labels.spark_role }} pod {{ $labels.pod }} of {{ $labels.application_name }} is crash looping")
            .description("Container {{ $labels.container }} of {{ $labels.spark_role }} pod {{ $labels.namespace }}/{{ $labels.pod }} ({{ $labels.application_id }}) has been in CrashLoopBackOff for 15 minutes and restarted {{ $value | printf \"%.0f\" }} times in 30 minutes. Its previous container's log says why (kubectl logs --previous)."),
            Recipe::KubernetesPods,
            JOB_TRACING,
            TracingKey::ActiveTasksPerExecutor,
            o,
        ))
        // kubernetes-mixin's KubePodNotReady holds a Pending pod 15 minutes: longer than a
        // cluster autoscaler takes to add a node.
        .alert(runbook_section(
            AlertRule::new("SparkPodPending", Severity::Warning, promql!(
                r#"(max by (namespace, pod) (kube_pod_status_phase{phase="Pending"}) == 1)
  * on (namespace, pod) group_left (application_id, application_name, spark_role) namespace_pod:spark_application:info"#
            ))
            .for_(Duration::minutes(15))
            .summary("The {{ $labels.spark_role }} pod {{ $labels.pod }} of {{ $labels.application_name }} is pending")
            .description("The {{ $labels.spark_role }} pod {{ $labels.namespace }}/{{ $labels.pod }} ({{ $labels.application_id }}) has been Pending for 15 minutes: no node fits its requests (cores, memory plus overhead, node selectors, quotas) or its image does not pull. A pending driver runs nothing; pending executors leave the application short of cores."),
            Recipe::KubernetesPods,
            JOB_TRACING,
            TracingKey::ActiveTasksPerExecutor,
            o,
        ))
}
