//! The harness with a real Spark, and the alert rules' silence: `straggler_job.py` in
//! `local-cluster[2,1,1024]` mode (a driver JVM and two executor JVMs) with spark-exporter
//! alongside, scraped by a real Prometheus through the metrics contract, which evaluates
//! the generated rules into a real Alertmanager. The workload is healthy but for one
//! straggler stage: `SparkStageTaskSkewSevere` must arrive for it, and nothing else above
//! `info` (no false positive from the outcome, heuristics or Kubernetes rules on healthy
//! work). Then the test asks the workload for one failing job: `SparkJobFailed` and
//! `SparkStageFailed` must arrive, deterministically (validate's run gets its failing job
//! only when the machine is fast enough); then executor 1's JVM is killed and
//! `SparkExecutorRemoved` must arrive. Then everything is stopped and checked for leftovers.

use std::collections::BTreeSet;
use std::net::TcpStream;
use std::time::{Duration, Instant};

use integration_tests::harness::{
    process_alive, process_cmdline, process_group_members, Exporter, ExporterOptions, HarnessError,
    SparkOptions, SparkRun, SPARK_EVENT_LOG_DIR,
};

use crate::validate_support::alerts::Chain;

#[test]
fn real_spark_is_scraped_reports_its_straggler_only_and_is_cleaned_up() -> Result<(), HarnessError>
{
    let _spark = crate::spark_lock();
    let started = Instant::now();
    // Caps above the workload's stage count: the straggler's stage must stay exported
    // until its alert's `for` has passed.
    let exporter = Exporter::start(&ExporterOptions {
        extra_args: vec!["--max-stages=1000".into()],
        ..ExporterOptions::default()
    })?;
    // Up to 180 s of work (the test stops it sooner): the straggler first, then healthy
    // bursts while its alert is pending, so that every rule that could fire within the run
    // sees healthy work; then one failing job when the test asks.
    let mut options = SparkOptions::new(180, 20);
    options.script =
        Some(std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("workloads/straggler_job.py"));
    options.extra_conf = exporter.spark_conf(Duration::from_secs(2))?;
    let spark = SparkRun::start_with(&options)?;
    eprintln!(
        "Spark {} {} ({}) up at {} after {:?}",
        spark.spark_version,
        spark.app_id,
        spark.app_name,
        spark.ui_address,
        started.elapsed()
    );
    exporter.set_rest_targets(&[format!("http://{}", spark.ui_address)])?;
    let chain = Chain::start()?;
    let prometheus = chain.prometheus(&[spark.target()], Duration::from_secs(2))?;
    exporter.register(&prometheus)?;

    // One series per executor, the two executor JVMs included.
    let executors = prometheus.wait_for(
        &format!(
            r#"metrics_executor_activeTasks{{application_id="{}", executor_id=~"0|1"}}"#,
            spark.app_id
        ),
        2,
        Duration::from_secs(90),
    )?;
    let ids: BTreeSet<&str> = executors
        .iter()
        .map(|s| s.labels["executor_id"].as_str())
        .collect();
    assert_eq!(ids, BTreeSet::from(["0", "1"]));
    assert!(executors
        .iter()
        .all(|s| s.labels["application_name"] == spark.app_name));

    // Driver metrics, relabeled by the contract.
    let driver = prometheus.wait_for(
        r#"spark_appStatus_jobs_succeededJobs_Count{job="spark-driver"}"#,
        1,
        Duration::from_secs(30),
    )?;
    assert_eq!(driver[0].labels["application_id"], spark.app_id);
    assert_eq!(driver[0].labels["spark_instance"], "driver");
    assert!(!driver[0].labels["spark_namespace"].contains('_'));
    prometheus.wait_for(
        r#"spark_JVMCPU_jvmCpuTime_Value{job="spark-driver"}"#,
        1,
        Duration::from_secs(30),
    )?;

    // The executors are separate JVMs in the run's process group.
    let processes = spark.processes();
    let executor_jvms = processes
        .iter()
        .filter(|p| process_cmdline(**p).contains("CoarseGrainedExecutorBackend"))
        .count();
    assert!(
        executor_jvms >= 2,
        "{executor_jvms} executor JVMs in {processes:?}"
    );

    chain.expect(
        &spark,
        &prometheus,
        &["SparkStageTaskSkewSevere"],
        |_, a| {
            assert_eq!(a["labels"]["severity"], "warning", "{a}");
            assert!(a["labels"]["stage_id"].is_string(), "{a}");
            assert!(
                a["annotations"]["dashboard_url"]
                    .as_str()
                    .unwrap_or_default()
                    .contains("/d/spark-profiling?viewPanel="),
                "{a}"
            );
        },
    )?;
    assert!(
        spark.log().contains("PROBE straggler done"),
        "{}",
        spark.log()
    );
    // Then a failure on request, while the work goes on: the job and its stage.
    spark.touch("fail-now")?;
    chain.expect(
        &spark,
        &prometheus,
        &[
            "SparkStageTaskSkewSevere",
            "SparkJobFailed",
            "SparkStageFailed",
        ],
        |name, a| {
            if name != "SparkStageTaskSkewSevere" {
                assert_eq!(a["labels"]["severity"], "warning", "{a}");
            }
        },
    )?;
    assert!(
        spark.log().contains("PROBE expected failure"),
        "{}",
        spark.log()
    );
    // Last, executor 1's JVM killed: it has reported for over 2 minutes by now, so the
    // alert comes within an evaluation or two.
    chain.fire(
        &spark,
        &prometheus,
        &[
            "SparkStageTaskSkewSevere",
            "SparkJobFailed",
            "SparkStageFailed",
        ],
    )?;
    // spark-exporter says why (REST allexecutors' removeReason), which the rule reads to
    // leave graceful removals alone: a SIGKILL is an exit code.
    prometheus.wait_for(
        &format!(
            r#"spark_executor_removed_timestamp_seconds{{application_id="{}", executor_id="1", reason=~"Command exited with code .*"}}"#,
            spark.app_id
        ),
        1,
        Duration::from_secs(60),
    )?;

    let pgid = spark.pgid();
    let ui = spark.ui_address.clone();
    let app_id = spark.app_id.clone();
    let work = spark.spark_home().join("work").join(&app_id);
    let spark_dir = spark.dir().to_path_buf();
    let prometheus_pid = prometheus.pid();
    let prometheus_address = prometheus.address().to_string();
    let prometheus_dir = prometheus.dir().to_path_buf();
    let stopping = Instant::now();
    drop(prometheus);
    drop(chain);
    drop(spark);
    drop(exporter);
    eprintln!("stopped in {:?}", stopping.elapsed());

    assert!(process_group_members(pgid).is_empty());
    for pid in &processes {
        assert!(
            !process_alive(*pid),
            "{pid} survived: {}",
            process_cmdline(*pid)
        );
    }
    assert!(!process_alive(prometheus_pid));
    assert!(TcpStream::connect(&ui).is_err(), "Spark UI {ui} still open");
    assert!(TcpStream::connect(&prometheus_address).is_err());
    assert!(!spark_dir.exists(), "{} left behind", spark_dir.display());
    assert!(
        !prometheus_dir.exists(),
        "{} left behind",
        prometheus_dir.display()
    );
    assert!(!work.exists(), "{} left behind", work.display());
    let event_logs: Vec<_> = std::fs::read_dir(SPARK_EVENT_LOG_DIR)
        .into_iter()
        .flatten()
        .flatten()
        .filter(|e| e.file_name().to_string_lossy().contains(&app_id))
        .collect();
    assert!(event_logs.is_empty(), "{event_logs:?} left behind");
    eprintln!("real Spark test took {:?}", started.elapsed());
    Ok(())
}
