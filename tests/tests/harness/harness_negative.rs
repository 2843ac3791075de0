//! The harness fails with messages that say what is wrong, and never hangs.

use std::net::{Ipv4Addr, TcpListener};
use std::path::PathBuf;
use std::time::{Duration, Instant};

use integration_tests::harness::{
    HarnessError, Prometheus, Replay, SparkOptions, SparkRun, Target,
};

/// An address nothing listens on.
fn closed_address() -> String {
    let listener = TcpListener::bind((Ipv4Addr::LOCALHOST, 0)).unwrap();
    listener.local_addr().unwrap().to_string()
}

#[test]
fn wait_for_a_down_target_times_out_with_its_health() -> Result<(), HarnessError> {
    let address = closed_address();
    let prometheus = Prometheus::start(&[Target::new(address.clone())], Duration::from_secs(1))?;
    let started = Instant::now();
    let err = prometheus
        .wait_for("metrics_executor_activeTasks", 1, Duration::from_secs(8))
        .expect_err("nothing to scrape");
    let elapsed = started.elapsed();
    assert!(elapsed < Duration::from_secs(20), "took {elapsed:?}");
    let message = err.to_string();
    eprintln!("{message}");
    assert!(matches!(err, HarnessError::Timeout { .. }), "{message}");
    for needle in [
        "metrics_executor_activeTasks",
        "last answer: 0 series",
        "job=spark-executors",
        "job=spark-driver",
        "health=down",
        "lastError=",
        "connection refused",
        &address,
    ] {
        assert!(message.contains(needle), "{needle:?} not in:\n{message}");
    }
    Ok(())
}

#[test]
fn a_bad_query_says_what_prometheus_said() -> Result<(), HarnessError> {
    let prometheus = Prometheus::start(&[], Duration::from_secs(1))?;
    let err = prometheus
        .query("sum(rate(x[5m])")
        .expect_err("syntax error");
    let message = err.to_string();
    eprintln!("{message}");
    assert!(message.contains("bad_data"), "{message}");
    assert!(message.contains("parse error"), "{message}");
    Ok(())
}

#[test]
fn spark_with_a_missing_python_fails_clearly() {
    let mut options = SparkOptions::new(5, 5);
    options.python = Some(PathBuf::from("/nonexistent/bin/python"));
    let started = Instant::now();
    let message = SparkRun::start_with(&options)
        .err()
        .expect("no python")
        .to_string();
    eprintln!("{message}");
    assert!(started.elapsed() < Duration::from_secs(5));
    assert!(message.contains("/nonexistent/bin/python"), "{message}");
    assert!(message.contains("cargo xtask test"), "{message}");
    assert!(message.contains("SPARK_DASHBOARDS_PYTHON"), "{message}");
}

#[test]
fn spark_with_a_python_without_pyspark_fails_clearly() {
    let mut options = SparkOptions::new(5, 5);
    // Runs, but is no Python with pyspark.
    options.python = Some(PathBuf::from("/bin/false"));
    let message = SparkRun::start_with(&options)
        .err()
        .expect("no pyspark")
        .to_string();
    eprintln!("{message}");
    assert!(message.contains("import pyspark"), "{message}");
    assert!(message.contains("exit code 1"), "{message}");
    assert!(message.contains("cargo xtask test"), "{message}");
}

#[test]
fn an_unknown_recorded_run_is_a_fixture_error() {
    let message = Replay::start("spark-9.9.9_nowhere")
        .err()
        .expect("no such run")
        .to_string();
    assert!(message.contains("spark-9.9.9_nowhere"), "{message}");
    assert!(message.contains("no such recorded run"), "{message}");
}
