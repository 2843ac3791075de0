//! spark-traces against a real Spark: the fixtures' workload in `local-cluster[2,1,1024]`
//! (a driver JVM and two executor JVMs, as on Kubernetes), its event log (Spark 4's default:
//! a rolling zstd directory) followed while the application runs and exported over OTLP to
//! the in-process receiver. Needs pyspark and Java, like the other real-Spark tests
//! (`cargo xtask test` prepares them).

use crate::traces_support;

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::thread;
use std::time::{Duration, Instant};

use integration_tests::harness::{HarnessError, SparkRun, SPARK_EVENT_LOG_DIR};
use spark_traces::config::{Layer, Protocol};
use spark_traces::convert::ConvertOptions;
use spark_traces::ids::hex;
use spark_traces::receiver::Receiver;
use spark_traces::run::{convert_log, run, Sink};
use test_support::eventually::Eventually;
use traces_support::*;

/// The run's event log: `eventlog_v2_<app>` (or a single file, if configured so).
fn event_log(app_id: &str) -> PathBuf {
    let rolling = Path::new(SPARK_EVENT_LOG_DIR).join(format!("eventlog_v2_{app_id}"));
    if rolling.exists() {
        return rolling;
    }
    std::fs::read_dir(SPARK_EVENT_LOG_DIR)
        .expect("the event log directory")
        .flatten()
        .map(|e| e.path())
        .find(|p| p.to_string_lossy().contains(app_id))
        .unwrap_or(rolling)
}

#[test]
fn a_running_spark_application_is_traced_live_and_matches_its_finished_log(
) -> Result<(), HarnessError> {
    let _spark = crate::spark_lock();
    let started = Instant::now();
    // One iteration of the workload, then stop.
    let spark = SparkRun::start(5, 1)?;
    let log = event_log(&spark.app_id);
    eprintln!(
        "Spark {} {} up after {:?}, event log {}",
        spark.spark_version,
        spark.app_id,
        started.elapsed(),
        log.display()
    );
    let receiver = Arc::new(Receiver::start().expect("receiver"));
    let stop = Arc::new(AtomicBool::new(false));
    let cfg = Layer {
        follow: Some(true),
        poll_interval: Some(Duration::from_millis(200)),
        batch_timeout: Some(Duration::from_millis(200)),
        ..config_for(&receiver, Protocol::Grpc)
    }
    .resolve()
    .unwrap();
    let follower = {
        let (cfg, stop, log) = (cfg.clone(), stop.clone(), log.clone());
        thread::spawn(move || run(&cfg, &[log], Sink::Otlp, &stop))
    };
    // A timeout is not reported here: the assertion below says so with Spark's output.
    let _ = Eventually::new(Duration::from_secs(240))
        .every(Duration::from_millis(200))
        .poll(|| {
            if follower.is_finished() {
                Ok(())
            } else {
                Err(())
            }
        });
    stop.store(true, Ordering::Relaxed);
    let summary = follower
        .join()
        .expect("follower thread")
        .expect("follow run");
    assert_eq!(
        summary.finished_logs,
        1,
        "the application did not end within 240 s; Spark's output:\n{}",
        spark.log()
    );
    assert_eq!(summary.malformed, 0);

    let spans = receiver.spans();
    check_tree(&spans);
    let counts = count_by_name(&spans);
    eprintln!("{counts:?} in {} requests", receiver.requests().len());
    assert_eq!(counts["spark.application"], 1);
    for (name, at_least) in [
        ("spark.sql", 1),
        ("spark.job", 2),
        ("spark.stage", 2),
        ("spark.task", 4),
    ] {
        assert!(
            counts.get(name).copied().unwrap_or(0) >= at_least,
            "{counts:?}"
        );
    }
    // Followed live: spans went out before the application's own span (which comes last).
    let requests = receiver.requests();
    assert!(
        requests.len() > 1,
        "exported in one go, not as the log grew"
    );
    let last = spans.last().unwrap();
    assert_eq!(last.name, "spark.application");
    for s in &spans {
        assert_eq!(s.resource["service.name"], "spark");
        assert_eq!(s.resource["spark.app.id"], spark.app_id);
        assert_eq!(s.resource["spark.app.name"], spark.app_name);
        assert_eq!(s.resource["spark.version"], spark.spark_version);
    }
    // Tasks ran on the two executor JVMs, with metrics.
    let executors: BTreeSet<&str> = spans
        .iter()
        .filter(|s| s.name == "spark.task")
        .map(|s| s.attr("spark.executor.id"))
        .collect();
    assert_eq!(executors, BTreeSet::from(["0", "1"]));
    assert!(spans.iter().any(|s| s.name == "spark.task"
        && s.attr("spark.task.shuffle_read_bytes")
            .parse::<i64>()
            .unwrap_or(0)
            > 0));
    assert!(
        spans
            .iter()
            .any(|s| s.name == "spark.stage"
                && !s.attr("spark.stage.task_duration.p50_ms").is_empty())
    );

    // The finished log, read in one go, gives exactly the spans that were followed.
    let (_, offline, malformed) =
        convert_log(&log, &ConvertOptions::default()).expect("the finished log");
    assert_eq!(malformed, 0);
    let key = |id: String, parent: String, name: &str, start: u64, end: u64| {
        format!("{id} {parent} {name} {start} {end}")
    };
    let followed: BTreeSet<String> = spans
        .iter()
        .map(|s| {
            key(
                s.span_id.clone(),
                s.parent_span_id.clone(),
                &s.name,
                s.start_ns,
                s.end_ns,
            )
        })
        .collect();
    let read: BTreeSet<String> = offline
        .iter()
        .map(|s| {
            key(
                hex(&s.span_id),
                s.parent_span_id.map(|p| hex(&p)).unwrap_or_default(),
                s.name,
                s.start_ns,
                s.end_ns,
            )
        })
        .collect();
    assert_eq!(followed, read);
    drop(spark);
    Ok(())
}
