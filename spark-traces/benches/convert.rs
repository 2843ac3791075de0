//! Events per second converted: the fixture event log (Spark 4.3, 1,000 events, 211 tasks)
//! replicated 50 times with shifted job, stage, task and SQL ids and times into one
//! application of about 50,000 events and 10,500 tasks, then
//!
//! - converted to spans (read, decode, convert; plain and zstd rolling directory);
//! - converted and exported over OTLP gRPC and HTTP/protobuf to an in-process receiver that
//!   decodes every request.
//!
//! `cargo bench -p spark-traces --bench convert` (set `SPARK_TRACES_BENCH_REPLICAS` to
//! change the size). Prints the median of 3 runs of each.

use std::path::{Path, PathBuf};
use std::sync::atomic::AtomicBool;
use std::time::{Duration, Instant};

use serde_json::Value;
use spark_traces::config::{Layer, Protocol};
use spark_traces::convert::ConvertOptions;
use spark_traces::receiver::Receiver;
use spark_traces::run::{convert_log, run, Sink};

fn shared_dir() -> PathBuf {
    match std::env::var_os("SPARK_DASHBOARDS_SHARED") {
        Some(d) if !d.is_empty() => PathBuf::from(d),
        _ => Path::new(env!("CARGO_MANIFEST_DIR")).join("../../shared"),
    }
}

fn fixture_lines() -> Vec<String> {
    let path =
        shared_dir().join("fixtures/spark/eventlogs/spark-4.3.0_local-1795238422824.jsonl.gz");
    let mut tail = spark_traces::source::FileTail::open(&path, 0, Default::default());
    let mut lines = Vec::new();
    while tail
        .poll(&mut lines, 8 << 20)
        .expect("the fixture event log (set SPARK_DASHBOARDS_SHARED)")
    {}
    lines.into_iter().map(|l| l.text.unwrap()).collect()
}

fn shift(v: &mut Value, key: &str, by: i64) {
    if let Some(x) = v.get_mut(key) {
        if let Some(n) = x.as_i64() {
            *x = Value::from(n + by);
        }
    }
}

/// Replica `k` of an event: ids moved past the previous replicas, times later.
fn replica(e: &Value, k: i64, dt: i64) -> Value {
    let mut e = e.clone();
    let (job, stage, task, sql) = (100 * k, 200 * k, 1000 * k, 50 * k);
    for t in ["Submission Time", "Completion Time", "time"] {
        shift(&mut e, t, k * dt);
    }
    shift(&mut e, "Job ID", job);
    shift(&mut e, "Stage ID", stage);
    shift(&mut e, "executionId", sql);
    shift(&mut e, "rootExecutionId", sql);
    if let Some(ids) = e.get_mut("Stage IDs").and_then(Value::as_array_mut) {
        for id in ids {
            *id = Value::from(id.as_i64().unwrap_or(0) + stage);
        }
    }
    if let Some(infos) = e.get_mut("Stage Infos").and_then(Value::as_array_mut) {
        for i in infos {
            shift(i, "Stage ID", stage);
        }
    }
    if let Some(si) = e.get_mut("Stage Info") {
        shift(si, "Stage ID", stage);
        shift(si, "Submission Time", k * dt);
        shift(si, "Completion Time", k * dt);
    }
    if let Some(ti) = e.get_mut("Task Info") {
        shift(ti, "Task ID", task);
        shift(ti, "Launch Time", k * dt);
        if ti.get("Finish Time").and_then(Value::as_i64).unwrap_or(0) > 0 {
            shift(ti, "Finish Time", k * dt);
        }
    }
    if let Some(p) = e
        .get_mut("Properties")
        .and_then(|p| p.get_mut("spark.sql.execution.id"))
    {
        if let Some(n) = p.as_str().and_then(|s| s.parse::<i64>().ok()) {
            *p = Value::from((n + sql).to_string());
        }
    }
    e
}

/// The replicated log as text, and its number of events.
fn replicated(replicas: i64) -> (String, usize) {
    let lines = fixture_lines();
    let events: Vec<Value> = lines
        .iter()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    let name = |e: &Value| e["Event"].as_str().unwrap_or("").to_string();
    let dt = 120_000;
    let mut out = String::new();
    let mut n = 0;
    for e in events
        .iter()
        .filter(|e| name(e) != "SparkListenerApplicationEnd")
    {
        let once = matches!(
            name(e).as_str(),
            "SparkListenerLogStart"
                | "SparkListenerApplicationStart"
                | "SparkListenerEnvironmentUpdate"
                | "SparkListenerResourceProfileAdded"
                | "SparkListenerExecutorAdded"
                | "SparkListenerBlockManagerAdded"
        );
        if once {
            out.push_str(&e.to_string());
            out.push('\n');
            n += 1;
        }
    }
    for k in 0..replicas {
        for e in events.iter() {
            let nm = name(e);
            if nm == "SparkListenerApplicationEnd"
                || matches!(
                    nm.as_str(),
                    "SparkListenerLogStart"
                        | "SparkListenerApplicationStart"
                        | "SparkListenerEnvironmentUpdate"
                        | "SparkListenerResourceProfileAdded"
                        | "SparkListenerExecutorAdded"
                        | "SparkListenerBlockManagerAdded"
                )
            {
                continue;
            }
            out.push_str(&replica(e, k, dt).to_string());
            out.push('\n');
            n += 1;
        }
    }
    let end = events
        .iter()
        .find(|e| name(e) == "SparkListenerApplicationEnd")
        .unwrap();
    let mut end = end.clone();
    shift(&mut end, "Timestamp", replicas * dt);
    out.push_str(&end.to_string());
    out.push('\n');
    (out, n + 1)
}

fn median(mut v: Vec<Duration>) -> Duration {
    v.sort();
    v[v.len() / 2]
}

fn report(what: &str, events: usize, bytes: usize, spans: usize, d: Duration) {
    let s = d.as_secs_f64();
    println!(
        "{what:<48} {:>9.0} events/s  {:>7.1} MB/s  {:>8.0} spans/s  ({:.3} s)",
        events as f64 / s,
        bytes as f64 / s / 1e6,
        spans as f64 / s,
        s
    );
}

fn main() {
    let replicas: i64 = std::env::var("SPARK_TRACES_BENCH_REPLICAS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(50);
    let (text, events) = replicated(replicas);
    let dir = tempfile::tempdir().unwrap();
    let plain = dir.path().join("app-bench-0001");
    std::fs::write(&plain, &text).unwrap();
    let rolling = dir.path().join("eventlog_v2_app-bench-0001");
    std::fs::create_dir(&rolling).unwrap();
    std::fs::write(
        rolling.join("events_1_app-bench-0001.zstd"),
        spark_traces::testing::zstd(text.as_bytes()),
    )
    .unwrap();
    std::fs::write(rolling.join("appstatus_app-bench-0001"), "").unwrap();
    println!(
        "event log: {events} events, {:.1} MB, {replicas} replicas of the fixture ({} task spans)",
        text.len() as f64 / 1e6,
        211 * replicas
    );

    let opts = ConvertOptions::default();
    for (what, path) in [
        ("convert, plain file", &plain),
        ("convert, zstd rolling directory", &rolling),
    ] {
        let mut times = Vec::new();
        let mut spans = 0;
        for _ in 0..3 {
            let t = Instant::now();
            let (_, s, malformed) = convert_log(path, &opts).unwrap();
            times.push(t.elapsed());
            assert_eq!(malformed, 0);
            spans = s.len();
        }
        report(what, events, text.len(), spans, median(times));
    }

    for protocol in [Protocol::Grpc, Protocol::HttpProtobuf] {
        let mut times = Vec::new();
        let mut spans = 0;
        for _ in 0..3 {
            let r = Receiver::start().unwrap();
            let cfg = Layer {
                endpoint: Some(match protocol {
                    Protocol::Grpc => r.grpc_endpoint(),
                    Protocol::HttpProtobuf => r.http_endpoint(),
                }),
                protocol: Some(protocol),
                ..Layer::default()
            }
            .resolve()
            .unwrap();
            let t = Instant::now();
            let summary = run(
                &cfg,
                std::slice::from_ref(&rolling),
                Sink::Otlp,
                &AtomicBool::new(false),
            )
            .unwrap();
            times.push(t.elapsed());
            spans = summary.exported as usize;
            assert_eq!(r.spans().len(), spans);
        }
        report(
            &format!("convert + export over {protocol} (batches of 512)"),
            events,
            text.len(),
            spans,
            median(times),
        );
    }
}
