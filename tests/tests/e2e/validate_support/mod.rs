//! The proof both Spark versions go through (validate_spark.rs, validate_spark35.rs), on
//! one Spark run each: every dashboard query returns data, then spark-exporter's two
//! sources agree ([`sources`]), every link into the Spark UI opens its page ([`links`]), every
//! selector of the alert rules matches series, then the alert rules fire on the run's
//! problems (a straggler, a failed job, executor 1 killed) and reach a real Alertmanager
//! ([`alerts`]) and nothing else above `info` does; then everything is stopped and checked
//! for leftovers ([`cleanup`]).

pub mod alerts;
mod cleanup;
mod links;
mod sources;

use std::path::PathBuf;
use std::time::Duration;

use dashboard_validate::{validate, Options, Status};
use integration_tests::harness::{
    process_cmdline, Exporter, ExporterOptions, HarnessError, SparkOptions, SparkRun,
};
use test_support::eventually::Eventually;

/// How often the test's Prometheus scrapes Spark and the exporter.
const SCRAPE_INTERVAL: Duration = Duration::from_secs(5);

/// Whether validate's run ends by killing executor 1 (`SparkExecutorRemoved`). It costs a
/// wait of over a minute (the rule compares with 2 minutes ago), so one version's run does
/// it: the rule and the exporter's removal series do not depend on the version.
pub enum Kill {
    /// Kill it and expect the alert.
    Executor,
    /// Leave it.
    Nothing,
}

/// Runs the workload on the Spark of `python` (the default pyspark when `None`), with
/// spark-exporter alongside and Prometheus scraping both through the contract, and fails
/// unless every Prometheus query of every dashboard returns data and the exporter's
/// sources agree. Returns the Spark version the driver reported.
pub fn prove_on(python: Option<PathBuf>, kill: Kill) -> Result<String, HarnessError> {
    // The exporter first: the GraphiteSink needs its port. Caps above the workload's stage
    // and job counts, so the REST totals cover every task the Graphite counters count.
    let exporter = Exporter::start(&ExporterOptions {
        extra_args: vec!["--max-stages=1000".into(), "--max-jobs=1000".into()],
        ..ExporterOptions::default()
    })?;
    // 40 s of work: the workload fails a job in its second iteration, which the alerts expect.
    // The fixtures' batch workload with a streaming query beside it (validate_job.py).
    let mut options = SparkOptions::new(40, 120);
    options.script =
        Some(std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("workloads/validate_job.py"));
    options.python = python;
    options.extra_conf = exporter.spark_conf(Duration::from_secs(2))?;
    let spark = SparkRun::start_with(&options)?;
    exporter.set_rest_targets(&[format!("http://{}", spark.ui_address)])?;
    // Scrape the way a user might, not as fast as possible: Prometheus caps a scrape's
    // timeout at its interval, and a driver JVM on a loaded 2-core machine can take more
    // than 2 s to render its exposition. With scrapes that time out, the `rate(…
    // [$__rate_interval])` panels get fewer than two samples per window and come back
    // empty although the series exist (seen in CI at load > 3 with a 2 s interval).
    let chain = alerts::Chain::start()?;
    let prometheus = chain.prometheus(&[spark.target()], SCRAPE_INTERVAL)?;
    exporter.register(&prometheus)?;
    let wait = Duration::from_secs(90);
    // Two executor JVMs and the driver on the executor endpoint, labelled with the run.
    let executors = prometheus.wait_for(
        &format!(
            r#"metrics_executor_activeTasks{{application_id="{}", executor_id=~"0|1"}}"#,
            spark.app_id
        ),
        2,
        wait,
    )?;
    assert!(
        executors
            .iter()
            .all(|s| s.labels["application_name"] == spark.app_name),
        "{executors:?}"
    );
    // Driver metrics, renamed by the contract's relabeling.
    let driver = prometheus.wait_for(
        r#"spark_appStatus_jobs_succeededJobs_Count{job="spark-driver"}"#,
        1,
        wait,
    )?;
    assert_eq!(driver[0].labels["application_id"], spark.app_id);
    assert_eq!(driver[0].labels["spark_instance"], "driver");
    assert!(!driver[0].labels["spark_namespace"].contains('_'));
    prometheus.wait_for("spark_DAGScheduler_job_allJobs_Value", 1, wait)?;
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
    // Let the workload get through its shuffles, so every panel has something to show.
    prometheus.wait_for(
        "sum by (executor_id) (metrics_executor_totalShuffleRead_bytes_total) > 0",
        2,
        wait,
    )?;
    prometheus.wait_for("spark_appStatus_jobs_succeededJobs_Count > 2", 1, wait)?;
    // The driver's counters through a rate over the window validate will use: two
    // successful driver scrapes within one `$__rate_interval`.
    let rate_window = 4 * SCRAPE_INTERVAL.as_secs();
    prometheus.wait_for(
        &format!("rate(spark_JVMCPU_jvmCpuTime_Value[{rate_window}s])"),
        1,
        wait,
    )?;
    // The same for the executors' counters, from the driver's executor endpoint and from
    // spark-exporter: once failed here with every per-executor rate panel empty while the
    // gauges had data, which a wait names better than 38 failed rows.
    prometheus.wait_for(
        &format!(
            r#"sum by (executor_id) (rate(metrics_executor_completedTasks_total{{executor_id=~"0|1"}}[{rate_window}s]))"#
        ),
        2,
        wait,
    )?;
    prometheus.wait_for(
        &format!(
            r#"sum by (executor_id) (rate(spark_executor_run_seconds_total{{executor_id=~"0|1"}}[{rate_window}s]))"#
        ),
        2,
        wait,
    )?;
    // spark-exporter: executor series labelled with their application, stage quantiles.
    prometheus.wait_for(
        r#"spark_executor_run_seconds_total{application_name!="", executor_id=~"0|1"} > 0"#,
        2,
        wait,
    )?;
    prometheus.wait_for(
        r#"spark_stage_task_skew_ratio{metric="shuffle_read_bytes"}"#,
        1,
        wait,
    )?;
    // The first join's sorts spill (the workload forces it) once its last stage ran, which on
    // 3.5 can come after the waits above: the SQL operator panels need that execution read.
    prometheus.wait_for("spark_sql_operator_spill_bytes > 0", 1, wait)?;
    // The streaming query past its first batches with data: a watermark, state, a rate over
    // its input.
    prometheus.wait_for(
        r#"spark_streaming_eventTime_watermark_Value{query="validate_events"} > 0"#,
        1,
        wait,
    )?;
    prometheus.wait_for(
        r#"spark_streaming_states_rowsTotal_Value{query="validate_events"} > 0"#,
        1,
        wait,
    )?;

    let dashboards: Vec<serde_json::Value> = dashboards::all()
        .into_iter()
        .map(|d| serde_json::to_value(d.build().unwrap().model).unwrap())
        .collect();
    let opts = Options {
        window: Duration::from_secs(600),
        scrape_interval: prometheus.scrape_interval(),
        ..Options::new(&prometheus.url)
    };
    let report = validate(&dashboards, &opts).unwrap();
    println!("{}", report.to_table());
    let not_ok: Vec<_> = report
        .rows
        .iter()
        .filter(|r| !matches!(r.status, Status::Pass | Status::Skip))
        .collect();
    assert!(
        not_ok.is_empty(),
        "queries without data against Spark {} ({}):\n{}\nas sent:\n{}\n{}",
        spark.spark_version,
        spark.app_id,
        report.to_table(),
        not_ok
            .iter()
            .map(|r| format!(
                "{} › {} › {}: {}",
                r.dashboard,
                r.panel,
                r.query,
                r.expr.as_deref().unwrap_or("")
            ))
            .collect::<Vec<_>>()
            .join("\n"),
        prometheus.describe_targets()
    );
    // Every Prometheus query was checked; only Tempo/Jaeger ones are skipped.
    assert!(report
        .rows
        .iter()
        .filter(|r| r.status == Status::Skip)
        .all(|r| r.reason.starts_with("tempo") || r.reason.starts_with("jaeger")));
    let followed = links::spark_ui_links_open_their_execution(&spark, &prometheus, &dashboards)?;
    eprintln!("{followed} Spark UI links opened their SQL execution's page");
    // The rules' selectors on the same run, as `dashboards validate` checks them: all of
    // them but kube-state-metrics' and the streaming gauges' match this Spark's series.
    let mut groups = dashboard_cli::build_alerts(
        &integration_tests::rules::PROJECT,
        dashboard_cli::DEFAULT_GRAFANA_URL,
    )
    .unwrap();
    // No Kubernetes in this run: its group's series are proved by its promtool cases
    // (tests/tests/dashboards/alerts/kubernetes.rs).
    groups.retain(|g| g.name != "spark-kubernetes");
    let rules = dashboard_validate::validate_rules(&groups, &opts).unwrap();
    assert!(
        rules
            .rows
            .iter()
            .all(|r| matches!(r.status, Status::Pass | Status::Skip)
                // No executor was removed yet: the exclusion of graceful removals is empty.
                || r.status == Status::Warn
                    && r.query.starts_with("spark_executor_removed_timestamp_seconds{")),
        "rule selectors without series on Spark {}:\n{}",
        spark.spark_version,
        rules.to_table()
    );
    // A failed job and stage on every run, whatever the fixtures' workload reached; then
    // the streaming query stopped, whose tasks would keep the counters moving after the
    // batch work.
    spark.touch("fail-now")?;
    spark.touch("stop-streaming")?;
    for line in ["PROBE failed on request", "PROBE streaming stopped"] {
        Eventually::new(Duration::from_secs(60))
            .every(Duration::from_millis(500))
            .until(line, || {
                let log = spark.log();
                if log.contains(line) {
                    Ok(())
                } else {
                    Err(format!("Spark's output so far:\n{log}"))
                }
            });
    }
    sources::agree(&spark, &exporter, &prometheus)?;
    assert!(
        spark.log().contains("PROBE straggler done"),
        "{}",
        spark.log()
    );
    let expected = [
        "SparkStageTaskSkewSevere",
        "SparkJobFailed",
        "SparkStageFailed",
    ];
    match kill {
        Kill::Executor => {
            chain.fire(&spark, &prometheus, &expected)?;
            // spark-exporter says why (REST allexecutors' removeReason), which the rule
            // reads to leave graceful removals alone: a SIGKILL is an exit code.
            prometheus.wait_for(
                &format!(
                    r#"spark_executor_removed_timestamp_seconds{{application_id="{}", executor_id="1", reason=~"Command exited with code .*"}}"#,
                    spark.app_id
                ),
                1,
                Duration::from_secs(60),
            )?;
        }
        Kill::Nothing => chain.expect(&spark, &prometheus, &expected, alerts::straggler)?,
    }
    let version = spark.spark_version.clone();
    cleanup::stop_and_check(spark, prometheus, chain, exporter, processes);
    Ok(version)
}
