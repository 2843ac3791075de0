//! The harness's fast path: a real Prometheus, configured by the metrics contract, scraping a
//! replay of a recorded `local-cluster` run. No Spark, no Python.

use std::collections::BTreeSet;
use std::net::TcpStream;
use std::process::Command;
use std::time::{Duration, Instant};

use integration_tests::harness::{
    process_alive, promtool_bin, HarnessError, Prometheus, Replay, Target,
};
use test_support::eventually::Eventually;

const RUN: &str = "spark-4.3.0_local-cluster";
const WAIT: Duration = Duration::from_secs(30);

#[test]
fn replayed_run_is_scraped_through_the_contract_config() -> Result<(), HarnessError> {
    let started = Instant::now();
    let replay = Replay::start(RUN)?;
    let prometheus = Prometheus::start(&[replay.target()], Duration::from_secs(1))?;

    // The configuration Prometheus runs is the contract's, and promtool accepts it.
    let check = Command::new(promtool_bin()?)
        .args(["check", "config"])
        .arg(prometheus.config_path())
        .output()
        .expect("running promtool");
    assert!(
        check.status.success(),
        "promtool check config: {}{}",
        String::from_utf8_lossy(&check.stdout),
        String::from_utf8_lossy(&check.stderr)
    );

    // Executor summaries keep their own labels (honor_labels).
    let executors = prometheus.wait_for(
        r#"metrics_executor_activeTasks{job="spark-executors"}"#,
        3,
        WAIT,
    )?;
    let ids: BTreeSet<&str> = executors
        .iter()
        .map(|s| s.labels["executor_id"].as_str())
        .collect();
    assert_eq!(ids, BTreeSet::from(["0", "1", "driver"]));
    for s in &executors {
        assert_eq!(s.labels["application_name"], "spark-metrics-probe");
        assert_eq!(s.labels["application_id"], replay.app_id);
    }

    // Driver metrics are renamed by the contract's relabeling, which moves the namespace
    // and instance into labels; the target's file_sd label is attached.
    let driver = prometheus.wait_for(
        r#"spark_appStatus_jobs_succeededJobs_Count{job="spark-driver"}"#,
        1,
        WAIT,
    )?;
    let labels = &driver[0].labels;
    assert_eq!(labels["spark_namespace"], "sparkci");
    assert_eq!(labels["spark_instance"], "driver");
    assert_eq!(labels["type"], "counters");
    assert_eq!(labels["application_id"], replay.app_id);
    let not_relabeled = prometheus.query(r#"count({__name__=~"metrics_sparkci_.+"})"#)?;
    assert!(
        not_relabeled.is_empty(),
        "driver series kept their raw names: {not_relabeled:?}"
    );

    // Counters move through the recorded snapshots, so rate() and increase() have data.
    prometheus.wait_for("rate(metrics_executor_completedTasks_total[5s])", 3, WAIT)?;
    prometheus.wait_for(
        "increase(spark_appStatus_tasks_completedTasks_Count[1m]) > 0",
        1,
        WAIT,
    )?;

    let targets = prometheus.targets()?;
    let jobs: BTreeSet<&str> = targets.iter().map(|t| t.job.as_str()).collect();
    assert_eq!(jobs, BTreeSet::from(["spark-driver", "spark-executors"]));
    assert!(
        targets.iter().all(|t| t.health == "up"),
        "{}",
        prometheus.describe_targets()
    );
    assert!(replay.requests() >= 4, "{} requests", replay.requests());

    // Dropping stops the process, frees the port and deletes the directory.
    let (pid, address, dir) = (
        prometheus.pid(),
        prometheus.address().to_string(),
        prometheus.dir().to_path_buf(),
    );
    let replay_address = replay.address.clone();
    drop(prometheus);
    drop(replay);
    assert!(!process_alive(pid), "Prometheus {pid} still running");
    assert!(
        TcpStream::connect(&address).is_err(),
        "{address} still open"
    );
    assert!(
        TcpStream::connect(&replay_address).is_err(),
        "{replay_address} still open"
    );
    assert!(!dir.exists(), "{} left behind", dir.display());
    eprintln!("replay fast path took {:?}", started.elapsed());
    Ok(())
}

#[test]
fn targets_can_be_replaced_while_running() -> Result<(), HarnessError> {
    let prometheus = Prometheus::start(&[], Duration::from_secs(1))?;
    assert!(prometheus.targets()?.is_empty());
    let replay = Replay::start(RUN)?;
    prometheus.set_targets(&[replay.target()])?;
    prometheus.wait_for("metrics_executor_activeTasks", 3, WAIT)?;
    // And away again: the targets disappear.
    prometheus.set_targets(&[])?;
    // Every attempt asks Prometheus' API: every 200 ms is enough.
    Eventually::new(WAIT)
        .every(Duration::from_millis(200))
        .until("the targets to disappear", || match prometheus.targets() {
            Ok(t) if t.is_empty() => Ok(Ok(())),
            Ok(_) => Err(prometheus.describe_targets()),
            Err(e) => Ok(Err(e)),
        })
}

#[test]
fn replay_answers_like_a_spark_driver_ui() -> Result<(), HarnessError> {
    let replay = Replay::start(RUN)?;
    let get = |path: &str| {
        let client = reqwest::blocking::Client::builder()
            .no_proxy()
            .redirect(reqwest::redirect::Policy::none())
            .timeout(Duration::from_secs(5))
            .build()
            .unwrap();
        let r = client
            .get(format!("http://{}{path}", replay.address))
            .send()
            .unwrap();
        let status = r.status().as_u16();
        let headers = r.headers().clone();
        (status, headers, r.text().unwrap())
    };
    let value = |body: &str, name: &str| -> f64 {
        body.lines()
            .find(|l| l.starts_with(name))
            .and_then(|l| l.rsplit(' ').next())
            .and_then(|v| v.parse().ok())
            .unwrap_or_else(|| panic!("no {name} in the answer"))
    };
    let metric = "metrics_sparkci_driver_appStatus_tasks_completedTasks_Count";
    let mut seen = Vec::new();
    for _ in 0..4 {
        let (status, headers, body) = get("/metrics/prometheus/");
        assert_eq!(status, 200);
        assert_eq!(headers["content-type"], "text/plain; version=0.0.4");
        seen.push(value(&body, metric));
    }
    // snapshot0, snapshot3, final, then final again.
    assert_eq!(seen, [0.0, 49.0, 49.0, 49.0]);
    let (status, _, body) = get("/metrics/executors/prometheus");
    assert_eq!(status, 200);
    assert!(body.starts_with("spark_info{"), "{body:.80}");
    let (status, headers, _) = get("/metrics/prometheus");
    assert_eq!(status, 301);
    assert_eq!(headers["location"], "/metrics/prometheus/");
    assert_eq!(get("/api/v1/applications").0, 404);
    assert_eq!(
        replay.target(),
        Target::new(replay.address.clone()).label("application_id", "app-20261121052620-0000")
    );
    Ok(())
}
