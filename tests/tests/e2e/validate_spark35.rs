//! The dashboards on Spark 3.5, the oldest line they support: the same proof as
//! validate_spark.rs (a real Spark in `local-cluster` mode, spark-exporter, a real Prometheus
//! through the metrics contract; every query must return data) with pyspark 3.5 from
//! `cargo xtask test`'s second virtualenv. Like every e2e test it takes the Spark lock, so the
//! two Sparks never run at once on a 2-core machine.

use crate::validate_support;

use integration_tests::harness::{spark_python_35, HarnessError};

#[test]
fn every_query_of_every_dashboard_returns_data_from_spark_3_5() -> Result<(), HarnessError> {
    let _spark = crate::spark_lock();
    let version =
        validate_support::prove_on(Some(spark_python_35()?), validate_support::Kill::Executor)?;
    assert!(version.starts_with("3.5."), "ran Spark {version}");
    Ok(())
}
