//! End to end with a real Spark (pyspark and Java, prepared by `cargo xtask test`): every
//! test here starts a Spark application, so they take [`spark_lock`] and never run two
//! Sparks at once on a 2-core machine, whatever `--test-threads` says.
//!
//! A Spark start is the costly part (a driver and two executor JVMs on 2 cores), so one run
//! serves every check that can share it: validate_spark proves the dashboards (the
//! streaming one too: its workload, tests/workloads/validate_job.py, runs a streaming query
//! and a straggler beside the fixtures' batch work) and spark-exporter on the same run,
//! then the alerts it must raise and the silence of the others, then that nothing is left
//! behind. The others need a run of their own: another pyspark (validate_spark35, the same
//! proof with executor 1 killed at the end), an application that ends (traces_spark).

use std::sync::{Mutex, MutexGuard};

#[path = "../traces/traces_support/mod.rs"]
mod traces_support;
mod validate_support;

mod traces_spark;
mod validate_spark;
mod validate_spark35;

/// Held for as long as a test's Spark runs. A test that failed while holding it does not
/// stop the others (the poison is ignored: the Spark it started is gone with its guard).
pub fn spark_lock() -> MutexGuard<'static, ()> {
    static SPARK: Mutex<()> = Mutex::new(());
    SPARK
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
}
