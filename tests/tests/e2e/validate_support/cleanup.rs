//! The harness leaves nothing behind: once a run's Spark, Prometheus, Alertmanager and
//! exporter are dropped, no process of the run's process group, no port, no directory, no
//! executor work directory and no event log of the application remains.

use std::collections::BTreeSet;
use std::net::TcpStream;
use std::time::Instant;

use integration_tests::harness::{
    process_alive, process_cmdline, process_group_members, Exporter, Prometheus, SparkRun,
    SPARK_EVENT_LOG_DIR,
};

use super::alerts::Chain;

/// Drops everything the run started and fails on any leftover. `processes` are the run's
/// processes seen while it ran (driver and executor JVMs, Python workers).
pub fn stop_and_check(
    spark: SparkRun,
    prometheus: Prometheus,
    chain: Chain,
    exporter: Exporter,
    processes: BTreeSet<u32>,
) {
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
    for dir in [&spark_dir, &prometheus_dir, &work] {
        assert!(!dir.exists(), "{} left behind", dir.display());
    }
    let event_logs: Vec<_> = std::fs::read_dir(SPARK_EVENT_LOG_DIR)
        .into_iter()
        .flatten()
        .flatten()
        .filter(|e| e.file_name().to_string_lossy().contains(&app_id))
        .collect();
    assert!(event_logs.is_empty(), "{event_logs:?} left behind");
}
