//! The proof behind the dashboards: a real Spark in `local-cluster` mode (separate executor
//! JVMs, as on Kubernetes) runs the recorded workload (with a straggler and a streaming
//! query beside it: tests/workloads/validate_job.py) with the metrics contract's
//! configuration, a real Prometheus scrapes it through the contract's scrape config, and
//! every query of every dashboard must return data. `spark-exporter` runs alongside: the
//! executors' GraphiteSink points at it, it polls the driver's REST API, and Prometheus
//! scrapes it through the contract's `spark-exporter` job. Then, on the same run, the
//! exporter's Graphite counters and REST totals must agree (`validate_support::sources`),
//! the straggler's alert and a job failed on request reach a real Alertmanager and nothing
//! else above `info` does (the executor kill is validate_spark35's), and once stopped the
//! run leaves nothing behind.

use crate::validate_support;

use integration_tests::harness::HarnessError;

#[test]
fn every_query_of_every_dashboard_returns_data_from_a_real_spark() -> Result<(), HarnessError> {
    let _spark = crate::spark_lock();
    let version = validate_support::prove_on(None, validate_support::Kill::Nothing)?;
    assert!(version.starts_with("4."), "ran Spark {version}");
    Ok(())
}
