//! End to end with a real Spark (pyspark and Java, prepared by `cargo xtask test`): every
//! test here starts a Spark application, so they take [`spark_lock`] and never run two
//! Sparks at once on a 2-core machine, whatever `--test-threads` says.
//!
//! No two tests share a run: each starts a different workload (iterations, exporter
//! options, pyspark version) or checks what happens when its own run stops.

use std::sync::{Mutex, MutexGuard};

#[path = "../traces/traces_support/mod.rs"]
mod traces_support;
mod validate_support;

mod exporter_e2e;
mod harness_spark;
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
