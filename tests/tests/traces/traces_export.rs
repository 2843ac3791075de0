//! spark-traces end to end: the fixture event logs (Spark 4.3's rolling zstd directory and
//! its gzipped JSON-lines copy) exported over OTLP gRPC and HTTP/protobuf to an in-process
//! receiver that decodes the real protobuf; the span tree, timing, attributes, ids,
//! sampling, stage retries, bad input, faults and the values-style configuration.

use crate::traces_support;

use std::collections::{BTreeMap, BTreeSet};
use std::time::{Duration, Instant};

use spark_traces::config::{Compression, Layer, Protocol};
use spark_traces::convert::TracePer;
use spark_traces::ids::{hex, span_id, trace_id, SpanKey, TraceKey};
use spark_traces::receiver::{Fault, Receiver};
use traces_support::*;

fn ms(ns: u64) -> u64 {
    ns / 1_000_000
}

#[test]
fn grpc_export_of_the_rolling_zstd_log_has_the_whole_span_tree() {
    let r = Receiver::start().unwrap();
    let cfg = config_for(&r, Protocol::Grpc).resolve().unwrap();
    let summary = export(&cfg, &[rolling_zstd_dir()]).unwrap();
    assert_eq!(summary.lines, 1000);
    assert_eq!(summary.malformed, 0);
    assert_eq!(summary.exported as usize, FIXTURE_TOTAL);
    let spans = r.spans();
    assert!(spans.iter().all(|s| s.via == "grpc"));
    assert_eq!(count_by_name(&spans), fixture_counts());
    check_tree(&spans);

    // One trace per application, with the documented id; the application span is its root.
    let traces: BTreeSet<&str> = spans.iter().map(|s| s.trace_id.as_str()).collect();
    assert_eq!(
        traces,
        BTreeSet::from([hex(&trace_id(APP_ID, TraceKey::Application)).as_str()])
    );
    let roots: Vec<_> = spans
        .iter()
        .filter(|s| s.parent_span_id.is_empty())
        .collect();
    assert_eq!(roots.len(), 1);
    assert_eq!(roots[0].name, "spark.application");
    assert_eq!(
        roots[0].span_id,
        hex(&span_id(APP_ID, SpanKey::Application))
    );

    // The resource convention.
    for s in &spans {
        assert_eq!(s.resource["service.name"], "spark");
        assert_eq!(s.resource["spark.app.id"], APP_ID);
        assert_eq!(s.resource["spark.app.name"], APP_NAME);
        assert_eq!(s.resource["spark.version"], "4.3.0");
    }

    // Exact times from the events.
    let ids = by_id(&spans);
    let app = &roots[0];
    assert_eq!(
        (ms(app.start_ns), ms(app.end_ns)),
        (1795238421755, 1795238537069)
    );
    assert_eq!(app.attr("spark.status"), "SUCCEEDED");
    assert_eq!(app.attr("spark.user"), "root");
    let job0 = &ids[&hex(&span_id(APP_ID, SpanKey::Job { job: 0 }))];
    assert_eq!(
        (ms(job0.start_ns), ms(job0.end_ns)),
        (1795238428812, 1795238431970)
    );
    assert_eq!(job0.attr("spark.job.id"), "0");
    assert_eq!(job0.attr("spark.sql.execution.id"), "0");
    assert_eq!(job0.attr("spark.job.stage_ids"), "[0]");
    let sql0 = &ids[&job0.parent_span_id];
    assert_eq!(sql0.name, "spark.sql");
    assert_eq!(sql0.attr("spark.sql.execution.id"), "0");
    assert_eq!(
        sql0.attr("spark.sql.description"),
        "count at NativeMethodAccessorImpl.java:0"
    );
    assert_eq!(
        sql0.attr("spark.sql.query_id"),
        "01a1fc8c-7e11-7994-876b-95d3d9d38eaf"
    );
    assert_eq!(ms(sql0.end_ns), 1795238432650);
    assert_eq!(sql0.parent_span_id, app.span_id);

    // Stage 0: four tasks, quantiles over all of them.
    let stage0 = &ids[&hex(&span_id(
        APP_ID,
        SpanKey::Stage {
            stage: 0,
            attempt: 0,
        },
    ))];
    assert_eq!(stage0.parent_span_id, job0.span_id);
    assert_eq!(
        (ms(stage0.start_ns), ms(stage0.end_ns)),
        (1795238428834, 1795238431962)
    );
    for (k, v) in [
        ("spark.stage.id", "0"),
        ("spark.stage.attempt", "0"),
        ("spark.stage.num_tasks", "4"),
        ("spark.stage.task_count", "4"),
        ("spark.stage.task_duration.min_ms", "952"),
        ("spark.stage.task_duration.p50_ms", "1449"),
        ("spark.stage.task_duration.max_ms", "2020"),
        (
            "spark.stage.name",
            "count at NativeMethodAccessorImpl.java:0",
        ),
        ("spark.status", "SUCCEEDED"),
    ] {
        assert_eq!(stage0.attr(k), v, "{k}");
    }
    let skew: f64 = stage0.attr("spark.stage.skew_ratio").parse().unwrap();
    assert!((skew - 2020.0 / 1449.0).abs() < 1e-9, "{skew}");

    // Task 1: its times, executor, host and metrics.
    let task1 = &ids[&hex(&span_id(APP_ID, SpanKey::Task { task: 1 }))];
    assert_eq!(task1.parent_span_id, stage0.span_id);
    assert_eq!(
        (ms(task1.start_ns), ms(task1.end_ns)),
        (1795238429012, 1795238430461)
    );
    for (k, v) in [
        ("spark.task.id", "1"),
        ("spark.stage.id", "0"),
        ("spark.job.id", "0"),
        ("spark.executor.id", "driver"),
        ("spark.executor.host", "192.0.2.2"),
        ("spark.task.gc_time_ms", "107"),
        ("spark.task.run_time_ms", "1345"),
        ("spark.task.deserialize_time_ms", "59"),
        ("spark.task.result_serialization_time_ms", "1"),
        ("spark.task.input_records", "750000"),
        ("spark.task.peak_execution_memory_bytes", "0"),
        ("spark.task.shuffle_read_bytes", "0"),
        ("spark.task.shuffle_fetch_wait_time_ms", "0"),
        ("spark.task.memory_spilled_bytes", "0"),
        ("spark.status", "SUCCEEDED"),
    ] {
        assert_eq!(task1.attr(k), v, "{k}");
    }
    assert_eq!(task1.status.0, 1, "OK");

    // The failing job of the workload: job 25, stage 54, a Python exception.
    let job25 = &ids[&hex(&span_id(APP_ID, SpanKey::Job { job: 25 }))];
    assert_eq!(job25.status.0, 2, "ERROR");
    assert!(job25.status.1.contains("ZeroDivisionError"));
    assert_eq!(job25.parent_span_id, app.span_id, "job 25 runs outside SQL");
    let stage54 = &ids[&hex(&span_id(
        APP_ID,
        SpanKey::Stage {
            stage: 54,
            attempt: 0,
        },
    ))];
    assert_eq!(stage54.attr("spark.status"), "FAILED");
    assert!(stage54
        .attr("spark.failure_reason")
        .contains("ZeroDivisionError"));
    let failed_tasks: Vec<_> = spans
        .iter()
        .filter(|s| s.name == "spark.task" && s.attr("spark.stage.id") == "54")
        .collect();
    assert!(failed_tasks
        .iter()
        .any(|t| t.attr("spark.task.end_reason") == "ExceptionFailure"
            && t.status.0 == 2
            && t.events == ["exception"]));
    assert!(failed_tasks
        .iter()
        .any(|t| t.attr("spark.status") == "KILLED" && t.status.0 == 0));

    // Shuffle metrics show up where the workload shuffles.
    assert!(spans.iter().any(|s| s.name == "spark.task"
        && s.attr("spark.task.shuffle_read_bytes")
            .parse::<i64>()
            .unwrap()
            > 0));
    assert!(spans.iter().any(|s| s.name == "spark.stage"
        && s.attr("spark.stage.shuffle_write_bytes")
            .parse::<i64>()
            .unwrap()
            > 0));
}

#[test]
fn http_export_of_the_gzip_copy_gives_the_same_spans_and_ids_every_time() {
    let r = Receiver::start().unwrap();
    let grpc = config_for(&r, Protocol::Grpc).resolve().unwrap();
    export(&grpc, &[rolling_zstd_dir()]).unwrap();
    let from_zstd = identity(&r.spans());
    r.clear();

    let http = config_for(&r, Protocol::HttpProtobuf).resolve().unwrap();
    export(&http, &[gzip_copy()]).unwrap();
    let first = r.spans();
    assert!(first.iter().all(|s| s.via == "http"));
    assert_eq!(first.len(), FIXTURE_TOTAL);
    r.clear();
    export(&http, &[gzip_copy()]).unwrap();
    let second = r.spans();

    assert_eq!(
        identity(&first),
        identity(&second),
        "same log, same spans and ids"
    );
    assert_eq!(
        identity(&first),
        from_zstd,
        "both 4.3 formats give the same spans"
    );
}

#[test]
fn per_sql_traces_group_each_execution_and_link_to_the_application() {
    let r = Receiver::start().unwrap();
    let cfg = Layer {
        trace_per: Some(TracePer::Sql),
        ..config_for(&r, Protocol::HttpProtobuf)
    }
    .resolve()
    .unwrap();
    export(&cfg, &[gzip_copy()]).unwrap();
    let spans = r.spans();
    assert_eq!(spans.len(), FIXTURE_TOTAL);
    check_tree(&spans);
    let app_trace = hex(&trace_id(APP_ID, TraceKey::Application));
    let app_span = hex(&span_id(APP_ID, SpanKey::Application));
    let traces: BTreeSet<&str> = spans.iter().map(|s| s.trace_id.as_str()).collect();
    // 16 SQL executions, the application, and the 6 jobs the workload runs outside SQL.
    let non_sql_jobs = spans
        .iter()
        .filter(|s| s.name == "spark.job" && s.attr("spark.sql.execution.id").is_empty())
        .count();
    assert_eq!(non_sql_jobs, 6);
    assert_eq!(traces.len(), 16 + 1 + non_sql_jobs);
    for s in spans
        .iter()
        .filter(|s| s.parent_span_id.is_empty() && s.name != "spark.application")
    {
        assert!(s.name == "spark.sql" || s.name == "spark.job", "{}", s.name);
        assert_eq!(s.links.len(), 1, "{} links to the application", s.name);
        assert_eq!(
            (s.links[0].0.as_str(), s.links[0].1.as_str()),
            (app_trace.as_str(), app_span.as_str())
        );
        assert_eq!(s.links[0].2["spark.link.type"], "application");
    }
    let sql3 = spans
        .iter()
        .find(|s| s.name == "spark.sql" && s.attr("spark.sql.execution.id") == "3")
        .unwrap();
    assert_eq!(
        sql3.trace_id,
        hex(&trace_id(APP_ID, TraceKey::Sql { root_execution: 3 }))
    );
}

#[test]
fn task_sampling_is_deterministic_and_stages_keep_their_quantiles() {
    let r = Receiver::start().unwrap();
    let all = config_for(&r, Protocol::Grpc).resolve().unwrap();
    export(&all, &[gzip_copy()]).unwrap();
    let full = r.spans();
    r.clear();

    let sampled_cfg = Layer {
        sampling_ratio: Some(0.3),
        ..config_for(&r, Protocol::Grpc)
    }
    .resolve()
    .unwrap();
    let summary = export(&sampled_cfg, &[gzip_copy()]).unwrap();
    let sampled = r.spans();
    r.clear();
    export(&sampled_cfg, &[gzip_copy()]).unwrap();
    assert_eq!(
        identity(&sampled),
        identity(&r.spans()),
        "the same tasks every time"
    );

    let tasks = |v: &[spark_traces::receiver::ReceivedSpan]| -> BTreeSet<String> {
        v.iter()
            .filter(|s| s.name == "spark.task")
            .map(|s| s.span_id.clone())
            .collect()
    };
    let (t_full, t_sampled) = (tasks(&full), tasks(&sampled));
    assert!(t_sampled.is_subset(&t_full));
    // 211 tasks at 0.3: 63 expected; the failed task is always kept.
    let kept = t_sampled.len();
    assert!(
        (40..=90).contains(&kept),
        "{kept} of 211 task spans kept at ratio 0.3"
    );
    assert_eq!(summary.tasks_sampled_out as usize, 211 - kept);
    assert!(sampled
        .iter()
        .any(|s| s.name == "spark.task" && s.attr("spark.status") == "FAILED"));
    // Every span id kept is below the sampling bound, or a failure.
    for s in sampled
        .iter()
        .filter(|s| s.name == "spark.task" && s.attr("spark.status") != "FAILED")
    {
        let id = u64::from_str_radix(&s.span_id, 16).unwrap();
        assert!((id as f64) < 0.3 * 2f64.powi(64), "{}", s.span_id);
    }
    // Everything else is untouched, and stage quantiles still cover every task.
    let others = |v: &[spark_traces::receiver::ReceivedSpan]| {
        identity(
            &v.iter()
                .filter(|s| s.name != "spark.task" && s.name != "spark.stage")
                .cloned()
                .collect::<Vec<_>>(),
        )
    };
    assert_eq!(others(&full), others(&sampled));
    let stages =
        |v: &[spark_traces::receiver::ReceivedSpan]| -> BTreeMap<String, BTreeMap<String, String>> {
            v.iter()
                .filter(|s| s.name == "spark.stage")
                .map(|s| {
                    let mut a = s.attributes.clone();
                    a.remove("spark.stage.sampled_task_count");
                    (s.span_id.clone(), a)
                })
                .collect()
        };
    assert_eq!(stages(&full), stages(&sampled));
    let sampled_counts: i64 = sampled
        .iter()
        .filter(|s| s.name == "spark.stage")
        .map(|s| {
            s.attr("spark.stage.sampled_task_count")
                .parse::<i64>()
                .unwrap()
        })
        .sum();
    assert_eq!(sampled_counts as usize, kept);
}

#[test]
fn a_retried_stage_links_to_the_attempt_before_it() {
    let dir = tempfile::tempdir().unwrap();
    let log = dir.path().join("app-retry-1");
    write_log(&log, &retry_log("app-retry-1", 6));
    let r = Receiver::start().unwrap();
    let cfg = config_for(&r, Protocol::HttpProtobuf).resolve().unwrap();
    export(&cfg, &[log]).unwrap();
    let spans = r.spans();
    check_tree(&spans);
    let stages: BTreeMap<(String, String), _> = spans
        .iter()
        .filter(|s| s.name == "spark.stage")
        .map(|s| {
            (
                (
                    s.attr("spark.stage.id").to_string(),
                    s.attr("spark.stage.attempt").to_string(),
                ),
                s,
            )
        })
        .collect();
    assert_eq!(stages.len(), 4);
    let first = stages[&("1".to_string(), "0".to_string())];
    let retry = stages[&("1".to_string(), "1".to_string())];
    assert_eq!(first.status.0, 2);
    assert_eq!(first.attr("spark.stage.failed_task_count"), "1");
    assert!(first
        .attr("spark.failure_reason")
        .contains("FetchFailedException"));
    assert_eq!(retry.status.0, 1);
    assert_eq!(retry.links.len(), 1);
    let (lt, ls, la) = &retry.links[0];
    assert_eq!((lt, ls), (&first.trace_id, &first.span_id));
    assert_eq!(la["spark.link.type"], "previous_attempt");
    assert_eq!(la["spark.stage.attempt"], "0");
    assert!(la["spark.failure_reason"].contains("Connection reset"));
    assert_eq!(retry.events, ["spark.stage.retry"]);
    // Both attempts of stage 0 too, and all under job 0.
    let job = spans.iter().find(|s| s.name == "spark.job").unwrap();
    assert!(stages.values().all(|s| s.parent_span_id == job.span_id));
    assert_eq!(job.attr("spark.job.skipped_stages"), "0");
    assert_eq!(job.attr("spark.job.description"), "retry test");
    // The fetch failure is an error task span with its reason.
    let fetch = spans
        .iter()
        .find(|s| s.name == "spark.task" && s.attr("spark.task.end_reason") == "FetchFailed")
        .unwrap();
    assert_eq!(fetch.status.0, 2);
    assert!(fetch.status.1.contains("Connection reset"));
    // Task metrics summed on the stage.
    assert_eq!(first.attr("spark.stage.memory_spilled_bytes"), "4096");
    assert_eq!(
        first.attr("spark.stage.shuffle_read_bytes"),
        (1024 * 6).to_string()
    );
    assert_eq!(first.attr("spark.stage.task_duration.p50_ms"), "130");
    assert_eq!(first.attr("spark.stage.task_duration.max_ms"), "150");
}

#[test]
fn malformed_lines_are_counted_and_skipped_and_the_rest_is_exported() {
    let mut lines = fixture_lines();
    let total = lines.len();
    // A TaskEnd cut in half, garbage, a JSON array, a wrong type, an empty line.
    let victim = lines
        .iter()
        .position(|l| l.contains("\"SparkListenerTaskEnd\"") && l.contains("\"Task ID\":5,"))
        .expect("task 5 in the fixture");
    let cut = lines[victim][..lines[victim].len() / 2].to_string();
    lines[victim] = cut;
    lines.insert(10, "this is not json".into());
    lines.insert(20, "[1, 2, 3]".into());
    lines.insert(
        30,
        r#"{"Event":"SparkListenerJobEnd","Job ID":"seven"}"#.into(),
    );
    lines.insert(40, String::new());
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join(APP_ID);
    write_log(&path, &lines);
    // Invalid UTF-8 in one more line.
    let mut bytes = std::fs::read(&path).unwrap();
    bytes.extend_from_slice(b"{\"Event\":\"\xff\xfe\"}\n");
    std::fs::write(&path, bytes).unwrap();

    let r = Receiver::start().unwrap();
    let cfg = config_for(&r, Protocol::Grpc).resolve().unwrap();
    let summary = export(&cfg, &[path]).unwrap();
    assert_eq!(summary.lines as usize, total + 5);
    assert_eq!(summary.malformed, 6);
    let spans = r.spans();
    // Only task 5's span is missing.
    assert_eq!(spans.len(), FIXTURE_TOTAL - 1);
    assert!(!spans
        .iter()
        .any(|s| s.name == "spark.task" && s.attr("spark.task.id") == "5"));
    check_tree(&spans);
}

#[test]
fn a_truncated_log_ends_its_open_spans_as_unfinished() {
    let lines = fixture_lines();
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join(APP_ID);
    // The driver died in the middle of job 3, half way through a line.
    let cut = lines
        .iter()
        .position(|l| l.starts_with("{\"Event\":\"SparkListenerJobEnd\",\"Job ID\":3,"))
        .unwrap();
    let mut text: String = lines[..cut].iter().map(|l| format!("{l}\n")).collect();
    text.push_str(&lines[cut][..20]);
    std::fs::write(&path, text).unwrap();
    let r = Receiver::start().unwrap();
    let summary = export(&config_for(&r, Protocol::Grpc).resolve().unwrap(), &[path]).unwrap();
    assert_eq!(summary.malformed, 1, "the cut line");
    let spans = r.spans();
    check_tree(&spans);
    let app = spans
        .iter()
        .find(|s| s.name == "spark.application")
        .unwrap();
    assert_eq!(app.attr("spark.status"), "UNFINISHED");
    assert_eq!(app.status.0, 0);
    let job3 = spans
        .iter()
        .find(|s| s.name == "spark.job" && s.attr("spark.job.id") == "3")
        .unwrap();
    assert_eq!(job3.attr("spark.status"), "UNFINISHED");
    assert_eq!(job3.end_ns, app.end_ns);
}

#[test]
fn an_unreachable_endpoint_is_retried_then_fails_with_a_clear_error() {
    // A port nothing listens on: bind, note it, close.
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let dir = tempfile::tempdir().unwrap();
    let state = dir.path().join("state.json");
    for (protocol, endpoint) in [
        (Protocol::Grpc, format!("http://127.0.0.1:{port}")),
        (
            Protocol::HttpProtobuf,
            format!("http://127.0.0.1:{port}/v1/traces"),
        ),
    ] {
        let cfg = Layer {
            endpoint: Some(endpoint.clone()),
            protocol: Some(protocol),
            retry_max_attempts: Some(3),
            retry_initial_backoff: Some(Duration::from_millis(20)),
            retry_max_backoff: Some(Duration::from_millis(40)),
            timeout: Some(Duration::from_secs(2)),
            state_file: Some(state.clone()),
            ..Layer::default()
        }
        .resolve()
        .unwrap();
        let started = Instant::now();
        let err = export(&cfg, &[gzip_copy()]).unwrap_err().to_string();
        assert!(started.elapsed() < Duration::from_secs(20));
        assert!(err.contains("after 3 attempts"), "{err}");
        assert!(err.contains(&endpoint), "{err}");
        assert!(err.contains("reachable"), "{err}");
        assert!(
            !state.exists(),
            "nothing was accepted, so no progress is recorded"
        );
    }
}

#[test]
fn retryable_faults_are_retried_and_permanent_ones_are_not() {
    for protocol in [Protocol::Grpc, Protocol::HttpProtobuf] {
        let r = Receiver::start().unwrap();
        r.fail_next(&[Fault::Unavailable, Fault::Throttled]);
        let cfg = Layer {
            batch_max_spans: Some(100),
            ..config_for(&r, protocol)
        }
        .resolve()
        .unwrap();
        let summary = export(&cfg, &[gzip_copy()]).unwrap();
        assert_eq!(summary.retries, 2, "{protocol}");
        assert_eq!(
            summary.batches, 4,
            "{protocol}: 351 spans in batches of 100"
        );
        assert_eq!(r.failed(), 2);
        let spans = r.spans();
        assert_eq!(
            by_id(&spans).len(),
            FIXTURE_TOTAL,
            "{protocol}: none lost, none twice"
        );

        let r = Receiver::start().unwrap();
        r.fail_next(&[Fault::BadRequest]);
        let err = export(&config_for(&r, protocol).resolve().unwrap(), &[gzip_copy()])
            .unwrap_err()
            .to_string();
        assert_eq!(r.failed(), 1, "{protocol}: no retry of a permanent error");
        assert!(err.contains("refused"), "{err}");
    }
}

#[test]
fn headers_compression_resource_attributes_and_service_name_reach_the_receiver() {
    for protocol in [Protocol::Grpc, Protocol::HttpProtobuf] {
        let r = Receiver::start().unwrap();
        let cfg = Layer {
            headers: Some(vec![("X-Scope-OrgID".into(), "team-a".into())]),
            compression: Some(Compression::Gzip),
            service_name: Some("spark-etl".into()),
            resource_attributes: Some(vec![("deployment.environment".into(), "test".into())]),
            ..config_for(&r, protocol)
        }
        .resolve()
        .unwrap();
        export(&cfg, &[gzip_copy()]).unwrap();
        let h = r.headers();
        assert!(
            h.iter()
                .all(|h| h.get("x-scope-orgid").map(String::as_str) == Some("team-a")),
            "{protocol}: {h:?}"
        );
        assert!(
            h.iter().all(|h| h
                .get("content-encoding")
                .or(h.get("grpc-encoding"))
                .map(String::as_str)
                == Some("gzip")),
            "{protocol}: {h:?}"
        );
        let spans = r.spans();
        assert_eq!(spans.len(), FIXTURE_TOTAL);
        assert!(spans
            .iter()
            .all(|s| s.resource["service.name"] == "spark-etl"
                && s.resource["deployment.environment"] == "test"
                && s.resource["spark.app.id"] == APP_ID));
    }
}

#[test]
fn the_values_style_block_configures_the_export() {
    let r = Receiver::start().unwrap();
    let dir = tempfile::tempdir().unwrap();
    let values = format!(
        r#"# A chart's values.yaml: only monitoring.openTelemetry is read.
image:
  repository: apache/spark
monitoring:
  prometheus:
    enabled: true
  openTelemetry:
    enabled: true
    endpoint: "{}"
    protocol: "http"
    samplingRatio: "0.5"
    serviceName: "spark-connect-35"
    exporterType: "otlp"
    resourceAttributes:
      k8s.namespace.name: spark
    batch:
      maxSpans: 50
    retry:
      maxAttempts: 2
      initialBackoff: 10ms
"#,
        r.http_endpoint().trim_end_matches("/v1/traces")
    );
    let path = dir.path().join("values.yaml");
    std::fs::write(&path, &values).unwrap();
    let layer = Layer::from_values_yaml(&read_to_string(&path)).unwrap();
    let cfg = layer.resolve().unwrap();
    assert_eq!(cfg.endpoint, r.http_endpoint());
    assert_eq!(cfg.protocol, Protocol::HttpProtobuf);
    assert_eq!(cfg.batch_max_spans, 50);
    let summary = export(&cfg, &[gzip_copy()]).unwrap();
    let spans = r.spans();
    assert!(spans.iter().all(|s| s.via == "http"
        && s.resource["service.name"] == "spark-connect-35"
        && s.resource["k8s.namespace.name"] == "spark"));
    assert_eq!(summary.exported as usize, spans.len());
    assert!(summary.batches >= 3);
    let tasks = spans.iter().filter(|s| s.name == "spark.task").count();
    assert!((70..=140).contains(&tasks), "{tasks} of 211 at 0.5");

    // `enabled: false` resolves to a disabled configuration; a typo is an error naming it.
    let off = Layer::from_values_yaml(&values.replace(
        "enabled: true\n    endpoint",
        "enabled: false\n    endpoint",
    ))
    .unwrap()
    .resolve()
    .unwrap();
    assert!(!off.enabled);
    let err = Layer::from_values_yaml(&values.replace("samplingRatio", "sampleRatio")).unwrap_err();
    assert!(err.contains("sampleRatio"), "{err}");
}

#[test]
fn the_provisioned_values_file_is_a_valid_configuration() {
    let path =
        integration_tests::harness::workspace_root().join("provisioning/spark-traces/values.yaml");
    let layer = Layer::from_values_yaml(&read_to_string(&path)).unwrap();
    let cfg = layer.resolve().unwrap();
    assert!(cfg.enabled);
    assert_eq!(
        cfg.service_name, "spark",
        "the dashboards look for service.name=\"spark\""
    );
    assert!(cfg.endpoint.starts_with("http://"));
}
