//! The `spark-exporter` binary end to end: the recorded GraphiteSink lines of a real
//! local-cluster run over TCP, the recorded REST API of a real run served on a loopback
//! port, `/metrics` as Prometheus reads it, faults, floods and shutdown.

use std::collections::BTreeSet;
use std::io::Write;
use std::net::TcpStream;
use std::time::{Duration, Instant};

use test_support::eventually::{eventually, Eventually};

use crate::support::{self, get, graphite_lines, value, ExporterProcess, FakeSpark};

const WAIT: Duration = Duration::from_secs(20);

/// Every `# TYPE` family appears once, before its samples, and every sample belongs to the
/// family above it (Prometheus rejects anything else).
fn assert_valid_exposition(text: &str) {
    let mut seen = BTreeSet::new();
    let mut current: Option<(String, String)> = None;
    for line in text.lines() {
        if let Some(rest) = line.strip_prefix("# TYPE ") {
            let (name, kind) = rest.split_once(' ').unwrap();
            assert!(seen.insert(name.to_string()), "family {name} twice");
            current = Some((name.to_string(), kind.to_string()));
        } else if line.starts_with("# HELP ") || line.is_empty() {
        } else {
            let name = line.split(['{', ' ']).next().unwrap();
            let (family, kind) = current.clone().expect("a sample before any TYPE");
            let ok = name == family
                || (kind == "histogram"
                    && ["_bucket", "_sum", "_count"]
                        .iter()
                        .any(|s| name == format!("{family}{s}")));
            assert!(ok, "sample {name} under family {family}");
            let value = line.rsplit(' ').next().unwrap();
            assert!(
                value.parse::<f64>().is_ok() || ["NaN", "+Inf", "-Inf"].contains(&value),
                "{line}"
            );
        }
    }
}

#[test]
fn recorded_graphite_lines_become_prometheus_counters_in_seconds_and_bytes() {
    let exporter = ExporterProcess::start(&[]);
    exporter.send(&graphite_lines());
    let m = exporter.wait_for("all 12468 lines", WAIT, |m| {
        value(m, "spark_exporter_graphite_lines_received_total") == Some(12468.0)
    });
    assert_valid_exposition(&m);
    // The last report of executor 0 in the recording (gprobe.0.executor.*, see
    // fixtures/spark/graphite): ns and ms become seconds.
    let ex0 = r#"{namespace="gprobe",executor_id="0"}"#;
    for (family, want) in [
        ("spark_executor_cpu_seconds_total", 2.782972122), // 2782972122 ns
        ("spark_executor_deserialize_cpu_seconds_total", 0.986307255), // 986307255 ns
        ("spark_executor_shuffle_write_seconds_total", 0.145547444), // 145547444 ns
        ("spark_executor_run_seconds_total", 6.842),       // 6842 ms
        ("spark_executor_jvm_gc_seconds_total", 0.231),    // 231 ms
        ("spark_executor_deserialize_seconds_total", 3.1), // 3100 ms
        ("spark_executor_result_serialization_seconds_total", 0.148), // 148 ms
        ("spark_executor_shuffle_fetch_wait_seconds_total", 0.082), // 82 ms
        ("spark_executor_memory_spilled_bytes_total", 0.0),
        ("spark_executor_disk_spilled_bytes_total", 0.0),
        ("spark_executor_shuffle_write_bytes_total", 239797.0),
        ("spark_executor_shuffle_write_records_total", 25025.0),
        ("spark_executor_shuffle_read_records_total", 26024.0),
        ("spark_executor_succeeded_tasks_total", 75.0),
        ("spark_executor_threadpool_active_tasks", 0.0),
        ("spark_executor_threadpool_max_pool_size", 2147483647.0),
    ] {
        assert_eq!(value(&m, &format!("{family}{ex0}")), Some(want), "{family}");
    }
    assert_eq!(
        value(
            &m,
            r#"spark_executor_shuffle_read_bytes_total{namespace="gprobe",executor_id="0",location="remote"}"#
        ),
        Some(124724.0)
    );
    assert_eq!(
        value(
            &m,
            r#"spark_executor_shuffle_read_bytes_total{namespace="gprobe",executor_id="0",location="local"}"#
        ),
        Some(124583.0)
    );
    assert!(m.contains("# TYPE spark_executor_cpu_seconds_total counter\n"));
    assert!(m.contains("# TYPE spark_executor_threadpool_active_tasks gauge\n"));
    assert!(m.contains("# HELP spark_executor_shuffle_fetch_wait_seconds_total Time tasks blocked waiting for shuffle blocks (executor source shuffleFetchWaitTime, ms).\n"));
    // Two executor JVMs; the driver sends JVMCPU but has no executor source on a cluster.
    assert!(m.contains(r#"spark_executor_cpu_seconds_total{namespace="gprobe",executor_id="1"}"#));
    assert!(
        !m.contains(r#"spark_executor_cpu_seconds_total{namespace="gprobe",executor_id="driver"}"#)
    );
    assert!(m.contains(
        r#"spark_executor_jvm_cpu_seconds_total{namespace="gprobe",executor_id="driver"}"#
    ));
    // Everything else in the recording (master, worker, application, CodeGenerator, …) is
    // parsed and ignored; nothing is malformed or dropped.
    assert_lines(
        &m,
        &[("parsed", 12468.0), ("malformed", 0.0), ("dropped", 0.0)],
    );
    assert!(value(&m, "spark_exporter_graphite_lines_ignored_total").unwrap() > 10000.0);
    assert_eq!(value(&m, "spark_exporter_graphite_series"), Some(101.0));
    // No REST target: no application labels (nothing to resolve the namespace with).
    assert!(!m.contains("application_id"));
}

/// `args` then a fast poll that keeps every recorded stage: the REST fixtures were recorded
/// on an earlier day, and a default retention would drop them all.
fn keep_recorded<'a>(args: &[&'a str]) -> Vec<&'a str> {
    [
        args,
        &["--poll-interval", "200ms", "--stage-retention", "3650d"],
    ]
    .concat()
}

#[test]
fn rest_poller_exports_stage_quantiles_skew_jobs_and_labels_graphite_series() {
    let spark = FakeSpark::start();
    // The recording is from earlier today: keep its stages.
    let exporter = ExporterProcess::start(&keep_recorded(&["--spark-ui", &spark.url]));
    // The REST fixture's application uses the namespace `sparkci`; send executor lines of
    // that namespace (the recorded ones, renamed).
    let lines = String::from_utf8(graphite_lines())
        .unwrap()
        .replace("gprobe.", "sparkci.");
    exporter.send(lines.as_bytes());
    let app = format!(
        r#"application_id="{}",application_name="spark-metrics-probe""#,
        spark.app_id
    );
    // Everything the assertions below read: the poller summarises stages over several
    // polls (at most --max-summaries-per-poll each), so wait for the last of them.
    let m = exporter.wait_for("stage series, jobs and labelled executors", WAIT, |m| {
        m.contains(&format!(
            r#"spark_stage_task_duration_seconds{{{app},stage_id="28",attempt_id="0",quantile="1"}}"#
        )) && m.contains(&format!(r#"spark_job_tasks{{{app},job_id="13",state="completed"}}"#))
            && m.contains("application_name=\"spark-metrics-probe\",namespace=\"sparkci\"")
            && value(m, "spark_exporter_graphite_lines_received_total") == Some(12468.0)
    });
    assert_valid_exposition(&m);
    // Graphite series carry the application the namespace belongs to (environment:
    // spark.metrics.namespace=sparkci).
    assert!(m.contains(&format!(r#"spark_executor_cpu_seconds_total{{{app},namespace="sparkci",executor_id="0"}} 2.782972122"#)), "{m}");
    assert!(m.contains(&format!(
        r#"spark_application_info{{{app},namespace="sparkci"}} 1"#
    )));
    assert!(m.contains(&format!(r#"spark_application_running{{{app}}} 1"#)));
    // Stage 28.0 of the recording: duration quantiles [89, 129, 192, 357, 357, 357] ms.
    let s28 = format!(r#"{app},stage_id="28",attempt_id="0""#);
    for (q, want) in [
        ("0", 0.089),
        ("0.25", 0.129),
        ("0.5", 0.192),
        ("0.75", 0.357),
        ("1", 0.357),
    ] {
        assert_eq!(
            value(
                &m,
                &format!(r#"spark_stage_task_duration_seconds{{{s28},quantile="{q}"}}"#)
            ),
            Some(want),
            "q {q}"
        );
    }
    assert_eq!(
        value(
            &m,
            &format!(r#"spark_stage_task_skew_ratio{{{s28},metric="duration"}}"#)
        ),
        Some(357.0 / 192.0)
    );
    // Totals of stage 28 (stages_final.json): run 594 ms, CPU 72552051 ns, GC 15 ms.
    assert_eq!(
        value(&m, &format!("spark_stage_run_seconds_total{{{s28}}}")),
        Some(0.594)
    );
    assert_eq!(
        value(&m, &format!("spark_stage_cpu_seconds_total{{{s28}}}")),
        Some(0.072552051)
    );
    assert_eq!(
        value(&m, &format!("spark_stage_jvm_gc_seconds_total{{{s28}}}")),
        Some(0.015)
    );
    assert_eq!(
        value(
            &m,
            &format!("spark_stage_shuffle_fetch_wait_seconds_total{{{s28}}}")
        ),
        Some(0.01)
    );
    assert_eq!(
        value(
            &m,
            &format!(r#"spark_stage_status{{{s28},status="complete"}}"#)
        ),
        Some(1.0)
    );
    assert_eq!(
        value(&m, &format!(r#"spark_stage_tasks{{{s28},state="total"}}"#)),
        Some(4.0)
    );
    assert!(m.contains(&format!(
        r#"spark_stage_info{{{s28},stage_name="collect at /opt/spark-probe/spark_job.py:98"}} 1"#
    )));
    // Skipped stages are not exported.
    assert!(
        !m.contains("stage_id=\"24\""),
        "stage 24 was skipped in the recording"
    );
    // Jobs: job 13 succeeded.
    let j13 = format!(r#"{app},job_id="13""#);
    assert_eq!(
        value(
            &m,
            &format!(r#"spark_job_status{{{j13},status="succeeded"}}"#)
        ),
        Some(1.0)
    );
    assert_eq!(
        value(
            &m,
            &format!(r#"spark_job_status{{{j13},status="running"}}"#)
        ),
        Some(0.0)
    );
    assert_eq!(
        value(
            &m,
            &format!(r#"spark_job_tasks{{{j13},state="completed"}}"#)
        ),
        Some(8.0)
    );
    // The poller asked for the quantiles it exports.
    let requests = spark.requests.lock().unwrap().clone();
    assert!(
        requests
            .iter()
            .any(|r| r.ends_with("/stages/28/0/taskSummary?quantiles=0,0.25,0.5,0.75,0.95,1")),
        "{requests:?}"
    );
    assert!(
        requests
            .iter()
            .any(|r| r.starts_with("/api/v1/applications?minEndDate=20")),
        "{requests:?}"
    );
    // Finished stages are summarised once, not on every poll.
    let n28 = requests
        .iter()
        .filter(|r| r.contains("/stages/28/0/taskSummary"))
        .count();
    exporter.wait_for("more polls", WAIT, |m| {
        value(
            m,
            &format!(
                "spark_exporter_rest_polls_total{{target=\"{}\"}}",
                spark.url
            ),
        )
        .unwrap_or(0.0)
            >= 5.0
    });
    let again = spark
        .requests
        .lock()
        .unwrap()
        .iter()
        .filter(|r| r.contains("/stages/28/0/taskSummary"))
        .count();
    assert_eq!(n28, again, "a finished stage's summary was asked again");
}

#[test]
fn finished_stages_expire_after_the_retention() {
    let spark = FakeSpark::start();
    // The recorded stages finished hours ago: with a 1 min retention none is exported.
    let exporter = ExporterProcess::start(&[
        "--spark-ui",
        &spark.url,
        "--poll-interval",
        "200ms",
        "--stage-retention",
        "1m",
    ]);
    let m = exporter.wait_for("a poll", WAIT, |m| m.contains("spark_application_info{"));
    assert!(!m.contains("spark_stage_"), "{m}");
    assert!(!m.contains("spark_job_status"), "{m}");
    assert_eq!(
        value(
            &m,
            &format!("spark_exporter_rest_stages{{target=\"{}\"}}", spark.url)
        ),
        Some(0.0)
    );
}

#[test]
fn rest_errors_are_counted_by_reason_and_do_not_stop_polling() {
    let spark = FakeSpark::start();
    spark.set(
        &format!("/api/v1/applications/{}/jobs", spark.app_id),
        500,
        b"boom",
    );
    spark.set(
        &format!("/api/v1/applications/{}/allexecutors", spark.app_id),
        200,
        b"<html>Spark is starting up</html>",
    );
    let down = format!("http://127.0.0.1:{}", support::free_port());
    let exporter = ExporterProcess::start(&keep_recorded(&[
        "--spark-ui",
        &spark.url,
        "--spark-ui",
        &down,
    ]));
    let m = exporter.wait_for("errors of both targets", WAIT, |m| {
        m.contains(&format!(
            "spark_exporter_rest_poll_errors_total{{target=\"{down}\",reason=\"connect\"}}"
        )) && m.contains(&format!(
            "spark_exporter_rest_poll_errors_total{{target=\"{}\",reason=\"http_5xx\"}}",
            spark.url
        )) && m.contains(&format!(
            "spark_exporter_rest_poll_errors_total{{target=\"{}\",reason=\"decode\"}}",
            spark.url
        ))
    });
    // The rest of the target still works.
    assert!(m.contains("spark_stage_task_duration_seconds{"), "{m}");
    assert!(!m.contains("spark_job_status{"));
    let log = exporter.stderr();
    assert!(
        log.contains(&format!(
            "REST {down}: GET {down}/api/v1/applications?minEndDate="
        )),
        "{log}"
    );
    assert!(
        log.contains("Spark driver UI (port 4040) or History Server (port 18080)?"),
        "{log}"
    );
    // Errors are logged once per change, not once per poll.
    assert_eq!(log.matches(&format!("REST {down}:")).count(), 1, "{log}");
    // A target that comes back is picked up (and says so).
    spark.set(
        &format!("/api/v1/applications/{}/jobs", spark.app_id),
        200,
        &support::read(support::rest_dir().join("jobs_final.json")),
    );
    exporter.wait_for("jobs after recovery", WAIT, |m| {
        m.contains("spark_job_status{")
    });
}

#[test]
fn targets_file_adds_and_removes_targets_without_a_restart() {
    let spark = FakeSpark::start();
    let dir = std::env::temp_dir().join(format!("spark-exporter-targets-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join("targets.txt");
    std::fs::write(&file, "# nothing yet\n").unwrap();
    let exporter =
        ExporterProcess::start(&keep_recorded(&["--targets-file", file.to_str().unwrap()]));
    assert!(!exporter.metrics().contains("spark_application_info{"));
    std::fs::write(
        &file,
        format!("# the recorded driver\n{}\nnot-a-url\n", spark.url),
    )
    .unwrap();
    exporter.wait_for("the new target's series", WAIT, |m| {
        m.contains("spark_stage_task_duration_seconds{")
    });
    std::fs::write(&file, "").unwrap();
    exporter.wait_for("the removed target's series to go", WAIT, |m| {
        !m.contains("spark_application_info{") && !m.contains("spark_exporter_rest_polls_total{")
    });
    let log = exporter.stderr();
    assert!(
        log.contains("not http(s) URLs, skipped: [\"not-a-url\"]"),
        "{log}"
    );
    assert!(
        log.contains(&format!("stopped polling {}", spark.url)),
        "{log}"
    );
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn malformed_lines_are_counted_and_skipped_never_fatal() {
    let exporter = ExporterProcess::start(&[]);
    let mut junk = Vec::new();
    junk.extend_from_slice(b"no-value\n");
    junk.extend_from_slice(b"a.0.executor.runTime.count twelve 1\n");
    junk.extend_from_slice(b"a.0.executor.runTime.count 1 2 3\n");
    junk.extend_from_slice(b"a.0.executor.runTime.count NaN 1\n");
    junk.extend_from_slice(&vec![b'x'; 100_000]);
    junk.extend_from_slice(b" 1 1\n\xff\xfe\x00 1\n");
    junk.extend_from_slice(b"a.0.executor.runTime.count 1500 1\n");
    exporter.send(&junk);
    let m = exporter.wait_for("the good line", WAIT, |m| {
        m.contains("spark_executor_run_seconds_total{namespace=\"a\",executor_id=\"0\"} 1.5")
    });
    assert_lines(&m, &[("malformed", 5.0), ("parsed", 2.0), ("ignored", 1.0)]);
    // Still serving, still ingesting.
    exporter.send(b"a.0.executor.runTime.count 2500 2\n");
    exporter.wait_for("the next line", WAIT, |m| {
        m.contains("executor_id=\"0\"} 2.5")
    });
}

/// Resident memory of a process, from /proc (kB).
fn rss_kb(pid: u32) -> u64 {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap();
    status
        .lines()
        .find_map(|l| l.strip_prefix("VmRSS:"))
        .and_then(|v| v.split_whitespace().next())
        .and_then(|v| v.parse().ok())
        .unwrap()
}

#[test]
fn a_flood_of_new_series_is_capped_and_counted_with_bounded_memory() {
    let exporter = ExporterProcess::start(&["--max-series", "1000", "--max-connections", "4"]);
    let before = rss_kb(exporter.child.id());
    // 400k lines: 200k distinct executor series and 200k distinct ignored paths.
    let mut s = TcpStream::connect(&exporter.graphite).unwrap();
    let mut batch = String::new();
    for i in 0..200_000u32 {
        batch.push_str(&format!(
            "flood.{i}.executor.runTime.count {i} 1\nflood.{i}.Other.metric {i} 1\n"
        ));
        if batch.len() > 1 << 20 {
            s.write_all(batch.as_bytes()).unwrap();
            batch.clear();
        }
    }
    s.write_all(batch.as_bytes()).unwrap();
    drop(s);
    let m = exporter.wait_for("the flood", Duration::from_secs(60), |m| {
        value(m, "spark_exporter_graphite_lines_received_total") == Some(400_000.0)
    });
    assert_eq!(value(&m, "spark_exporter_graphite_series"), Some(1000.0));
    assert_eq!(
        value(&m, "spark_exporter_graphite_lines_dropped_total"),
        Some(199_000.0)
    );
    assert_eq!(
        value(&m, "spark_exporter_graphite_lines_ignored_total"),
        Some(200_000.0)
    );
    let after = rss_kb(exporter.child.id());
    assert!(
        after < before + 64 * 1024,
        "RSS grew from {before} kB to {after} kB"
    );

    // More connections than allowed are closed at once and counted.
    let held: Vec<TcpStream> = (0..4)
        .map(|_| TcpStream::connect(&exporter.graphite).unwrap())
        .collect();
    Eventually::new(WAIT)
        .every(Duration::from_millis(50))
        .until("a connection to be rejected", || {
            let _extra = TcpStream::connect(&exporter.graphite).unwrap();
            let m = exporter.metrics();
            if value(&m, "spark_exporter_graphite_connections_rejected_total").unwrap() >= 1.0 {
                Ok(())
            } else {
                Err(format!("none yet:\n{m}"))
            }
        });
    drop(held);
}

#[test]
fn sigterm_stops_it_gracefully_after_applying_what_was_read() {
    let mut exporter = ExporterProcess::start(&[]);
    // A connection that stays open, with data in flight.
    let mut s = TcpStream::connect(&exporter.graphite).unwrap();
    s.write_all(b"a.0.executor.runTime.count 1000 1\n").unwrap();
    exporter.wait_for("the line", WAIT, |m| {
        m.contains("spark_executor_run_seconds_total")
    });
    let started = Instant::now();
    exporter.signal(libc::SIGTERM);
    let status = eventually(Duration::from_secs(10), "the exit after SIGTERM", || {
        exporter.child.try_wait().unwrap().ok_or("still running")
    });
    assert!(status.success(), "{status:?}: {}", exporter.stderr());
    assert!(
        started.elapsed() < Duration::from_secs(3),
        "{:?}",
        started.elapsed()
    );
    let log = exporter.stderr();
    assert!(
        log.contains("signal 15, shutting down") && log.contains("stopped"),
        "{log}"
    );
    assert!(
        get(&exporter.http, "/healthz").is_none(),
        "still serving after exit"
    );
}

#[test]
fn http_routes_and_errors() {
    let exporter = ExporterProcess::start(&[]);
    assert_eq!(get(&exporter.http, "/healthz"), Some((200, "ok\n".into())));
    assert_eq!(get(&exporter.http, "/nope").map(|r| r.0), Some(404));
    let (status, body) = get(&exporter.http, "/metrics?x=1").unwrap();
    assert_eq!(status, 200);
    assert!(body.contains("spark_exporter_build_info{version=\""));
    assert!(
        body.contains("spark_exporter_scrape_duration_seconds_count 0\n"),
        "first scrape reports the earlier ones"
    );
    let mut s = TcpStream::connect(&exporter.http).unwrap();
    s.write_all(b"POST /metrics HTTP/1.1\r\n\r\n").unwrap();
    let mut out = String::new();
    std::io::Read::read_to_string(&mut s, &mut out).unwrap();
    assert!(out.starts_with("HTTP/1.1 405"), "{out}");
}

#[test]
fn configuration_mistakes_exit_2_with_what_to_fix() {
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_spark-exporter"))
        .args(["--spark-ui", "spark-driver:4040"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("--spark-ui \"spark-driver:4040\" is not an http:// or https:// URL (e.g. http://spark-driver:4040"), "{err}");

    let out = std::process::Command::new(env!("CARGO_BIN_EXE_spark-exporter"))
        .env("SPARK_EXPORTER_POLL_INTERVAL", "soon")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr)
        .contains("\"soon\" is not a duration like 500ms, 15s, 10m, 1h or 7d"));

    // A taken port says which flag to change: TCP, then UDP on the Graphite address.
    let start_on = |addr: &str| {
        let out = std::process::Command::new(env!("CARGO_BIN_EXE_spark-exporter"))
            .args(["--graphite-listen", addr, "--listen", "127.0.0.1:0"])
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(1));
        String::from_utf8_lossy(&out.stderr).into_owned()
    };
    let taken = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = taken.local_addr().unwrap().to_string();
    let err = start_on(&addr);
    assert!(
        err.contains(&format!("cannot listen for Graphite on {addr}"))
            && err.contains("set --graphite-listen"),
        "{err}"
    );
    let taken = std::net::UdpSocket::bind("127.0.0.1:0").unwrap();
    let addr = taken.local_addr().unwrap().to_string();
    let err = start_on(&addr);
    assert!(
        err.contains(&format!("cannot listen for Graphite over UDP on {addr}"))
            && err.contains("set --graphite-udp false"),
        "{err}"
    );
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_spark-exporter"))
        .args(["--graphite-udp", "sometimes"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("--graphite-udp"),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// Sends `lines` as Dropwizard's GraphiteUDP does: one line a datagram. Paced, so that the
/// loopback socket buffer never overflows (UDP drops what does not fit).
fn send_udp(to: &str, lines: &[&str]) {
    let socket = std::net::UdpSocket::bind("127.0.0.1:0").unwrap();
    for (i, line) in lines.iter().enumerate() {
        socket.send_to(format!("{line}\n").as_bytes(), to).unwrap();
        if i % 50 == 49 {
            // Pacing, not waiting: the receiver drains the buffer meanwhile.
            std::thread::sleep(Duration::from_millis(2));
        }
    }
}

#[test]
fn graphite_over_udp_one_line_a_datagram() {
    let recording = String::from_utf8(graphite_lines()).unwrap();
    // Executor 0's reports, in the order the sink sent them.
    let lines: Vec<&str> = recording
        .lines()
        .filter(|l| l.starts_with("gprobe.0.executor."))
        .collect();
    assert!(lines.len() > 100, "{} lines", lines.len());

    let exporter = ExporterProcess::start(&[]);
    send_udp(&exporter.graphite, &lines);
    let n = lines.len() as f64;
    let m = exporter.wait_for("every datagram", WAIT, |m| {
        value(m, "spark_exporter_graphite_udp_datagrams_received_total") == Some(n)
    });
    assert_eq!(
        value(&m, "spark_exporter_graphite_lines_parsed_total"),
        Some(n)
    );
    // The same values as over TCP (see the test above): the last report wins.
    let ex0 = r#"{namespace="gprobe",executor_id="0"}"#;
    assert_eq!(
        value(&m, &format!("spark_executor_cpu_seconds_total{ex0}")),
        Some(2.782972122)
    );
    assert_eq!(
        value(&m, &format!("spark_executor_run_seconds_total{ex0}")),
        Some(6.842)
    );
    // A datagram without its final newline is still a whole line.
    let socket = std::net::UdpSocket::bind("127.0.0.1:0").unwrap();
    socket
        .send_to(
            b"gprobe.7.executor.runTime.count 5000 1",
            &exporter.graphite,
        )
        .unwrap();
    exporter.wait_for("the line without a newline", WAIT, |m| {
        value(
            m,
            r#"spark_executor_run_seconds_total{namespace="gprobe",executor_id="7"}"#,
        ) == Some(5.0)
    });
}

#[test]
fn graphite_udp_can_be_turned_off() {
    let exporter = ExporterProcess::start(&["--graphite-udp", "false"]);
    send_udp(
        &exporter.graphite,
        &["gprobe.0.executor.runTime.count 1000 1"],
    );
    // Give a datagram time to arrive, then check over TCP that the exporter is listening.
    // A fixed wait: what is checked is that nothing arrives, and no condition says when
    // nothing has arrived yet.
    std::thread::sleep(Duration::from_millis(300));
    exporter.send(b"gprobe.1.executor.runTime.count 2000 1\n");
    let m = exporter.wait_for("the TCP line", WAIT, |m| {
        value(m, "spark_exporter_graphite_lines_parsed_total") == Some(1.0)
    });
    assert_eq!(
        value(&m, "spark_exporter_graphite_udp_datagrams_received_total"),
        Some(0.0)
    );
    assert!(!m.contains(r#"executor_id="0""#), "{m}");
}

/// Asserts the exporter's `spark_exporter_graphite_lines_<kind>_total` counters.
fn assert_lines(m: &str, expected: &[(&str, f64)]) {
    for (kind, n) in expected {
        assert_eq!(
            value(m, &format!("spark_exporter_graphite_lines_{kind}_total")),
            Some(*n),
            "lines {kind}"
        );
    }
}

/// A real Spark's `/allexecutors` after executor 1's JVM was killed (tests/fixtures): the
/// removed executor is exported with Spark's reason and when, the replacement is active.
#[test]
fn removed_executors_are_exported_with_their_reason() {
    let spark = FakeSpark::start();
    let recorded = std::fs::read(
        std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("tests/fixtures/allexecutors_killed.json"),
    )
    .unwrap();
    spark.set(
        &format!("/api/v1/applications/{}/allexecutors", spark.app_id),
        200,
        &recorded,
    );
    let exporter = ExporterProcess::start(&["--spark-ui", &spark.url, "--poll-interval", "200ms"]);
    let m = exporter.wait_for("the removed executor", WAIT, |m| {
        m.contains("spark_executor_removed_timestamp_seconds{")
    });
    let removed: Vec<&str> = m
        .lines()
        .filter(|l| l.starts_with("spark_executor_removed_timestamp_seconds{"))
        .collect();
    assert_eq!(removed.len(), 1, "{m}");
    assert!(
        removed[0]
            .contains(r#"executor_id="1",reason="Command exited with code 137"} 1796662003.441"#),
        "{}",
        removed[0]
    );
    assert!(m.contains("# HELP spark_executor_removed_timestamp_seconds "));
}

#[test]
fn sql_executions_are_exported_bounded_and_their_errors_counted() {
    let spark = FakeSpark::start();
    let exporter = ExporterProcess::start(&keep_recorded(&[
        "--spark-ui",
        &spark.url,
        "--max-sql-executions",
        "3",
        "--max-sql-operators",
        "2",
    ]));
    let m = exporter.wait_for("SQL operators", WAIT, |m| {
        m.contains("spark_sql_operator_time_seconds{") && m.contains(r#"execution_id="1""#)
    });
    assert_valid_exposition(&m);
    let app = &spark.app_id;
    // All four recorded executions counted, the newest three exported.
    assert_eq!(
        value(
            &m,
            &format!(
                r#"spark_sql_executions{{application_id="{app}",application_name="spark-metrics-probe",status="completed"}}"#
            )
        ),
        Some(3.0),
        "{m}"
    );
    assert!(m.contains(r#"status="failed"} 1"#), "{m}");
    assert_eq!(m.matches("spark_sql_execution_info{").count(), 3, "{m}");
    assert!(!m.contains(r#"execution_id="0""#), "{m}");
    assert!(
        m.contains(r#"description="collect at /tmp/sqlprobe/probe.py:22"} 1"#),
        "{m}"
    );
    let l = |e: &str| {
        format!(
            r#"{{application_id="{app}",application_name="spark-metrics-probe",execution_id="{e}""#
        )
    };
    assert_eq!(
        value(
            &m,
            &format!("spark_sql_execution_duration_seconds{}}}", l("1"))
        ),
        Some(2.323),
        "{m}"
    );
    assert!(
        m.contains(&format!(
            r#"spark_sql_execution_status{},status="failed"}} 1"#,
            l("3")
        )),
        "{m}"
    );
    assert!(
        m.contains(&format!(
            r#"spark_sql_execution_jobs{},state="succeeded"}} 3"#,
            l("1")
        )),
        "{m}"
    );
    // Execution 1's two heaviest operators: WholeStageCodegen (3), 2.0 s, then (4), 1.8 s.
    assert_eq!(
        value(
            &m,
            &format!(
                r#"spark_sql_operator_time_seconds{},node_id="5",operator="WholeStageCodegen (3)"}}"#,
                l("1")
            )
        ),
        Some(2.0),
        "{m}"
    );
    assert_eq!(
        m.matches(&format!("spark_sql_operator_time_seconds{}", l("1")))
            .count(),
        2,
        "{m}"
    );
    // The plan of a finished execution is read once.
    std::thread::sleep(Duration::from_millis(800));
    let reads = spark
        .requests
        .lock()
        .unwrap()
        .iter()
        .filter(|r| r.contains("/sql/1?"))
        .count();
    assert_eq!(reads, 1);
    // Errors on /sql are counted and leave the other series alone.
    spark.set(&format!("/api/v1/applications/{app}/sql"), 500, b"boom");
    let m = exporter.wait_for("the SQL error", WAIT, |m| {
        m.contains(&format!(
            "spark_exporter_rest_poll_errors_total{{target=\"{}\",reason=\"http_5xx\"}}",
            spark.url
        ))
    });
    assert!(m.contains("spark_sql_execution_info{"), "{m}");
    assert!(m.contains("spark_stage_task_duration_seconds{"), "{m}");
    spark.set(
        &format!("/api/v1/applications/{app}/sql"),
        200,
        b"{\"not\":\"a list\"",
    );
    exporter.wait_for("the malformed SQL answer", WAIT, |m| {
        m.contains(&format!(
            "spark_exporter_rest_poll_errors_total{{target=\"{}\",reason=\"decode\"}}",
            spark.url
        ))
    });
    assert!(!exporter.stderr().contains("panicked"));
}
