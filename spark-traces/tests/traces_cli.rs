//! The `spark-traces` binary: arguments, exit codes and messages.

use std::process::Command;

fn bin() -> Command {
    Command::new(env!("CARGO_BIN_EXE_spark-traces"))
}

fn log(dir: &std::path::Path) -> std::path::PathBuf {
    let p = dir.join("local-1");
    std::fs::write(
        &p,
        concat!(
            r#"{"Event":"SparkListenerApplicationStart","App Name":"etl","App ID":"local-1","Timestamp":1000}"#, "\n",
            r#"{"Event":"SparkListenerJobStart","Job ID":0,"Submission Time":1100,"Stage IDs":[],"Properties":{}}"#, "\n",
            r#"{"Event":"SparkListenerJobEnd","Job ID":0,"Completion Time":1900,"Job Result":{"Result":"JobSucceeded"}}"#, "\n",
            "garbage\n",
            r#"{"Event":"SparkListenerApplicationEnd","Timestamp":2000}"#, "\n",
        ),
    )
    .unwrap();
    p
}

#[test]
fn dry_run_prints_one_json_span_a_line() {
    let dir = tempfile::tempdir().unwrap();
    let out = bin()
        .arg("--dry-run")
        .arg(log(dir.path()))
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let stdout = String::from_utf8(out.stdout).unwrap();
    let spans: Vec<serde_json::Value> = stdout
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(spans.len(), 2);
    assert_eq!(spans[0]["name"], "spark.job");
    assert_eq!(spans[1]["name"], "spark.application");
    assert_eq!(spans[0]["parent_span_id"], spans[1]["span_id"]);
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert!(
        stderr.contains("local-1:4: skipped a malformed line"),
        "{stderr}"
    );
    assert!(stderr.contains("1 malformed"), "{stderr}");
}

#[test]
fn print_ids_matches_the_documented_derivation() {
    let out = bin()
        .args(["--print-ids", "local-1795238422824"])
        .output()
        .unwrap();
    assert!(out.status.success());
    let stdout = String::from_utf8(out.stdout).unwrap();
    // printf 'trace:local-1795238422824' | sha256sum | cut -c1-32
    assert!(
        stdout.contains("9912acc8563b61555ad3229d0fabb23c"),
        "{stdout}"
    );
}

#[test]
fn configuration_errors_fail_with_a_message() {
    let dir = tempfile::tempdir().unwrap();
    let l = log(dir.path());
    let out = bin()
        .arg(&l)
        .args(["--sampling-ratio", "2"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("outside 0.0-1.0"));

    let values = dir.path().join("values.yaml");
    std::fs::write(
        &values,
        "monitoring:\n  openTelemetry:\n    protocol: thrift\n",
    )
    .unwrap();
    let out = bin().arg(&l).arg("--config").arg(&values).output().unwrap();
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("values.yaml") && err.contains("thrift"),
        "{err}"
    );

    let out = bin()
        .arg(dir.path().join("missing"))
        .arg("--dry-run")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("missing"));

    let out = bin().output().unwrap();
    assert_eq!(out.status.code(), Some(2), "usage error without a log");
}

#[test]
fn a_disabled_values_block_does_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let values = dir.path().join("values.yaml");
    std::fs::write(
        &values,
        "monitoring:\n  openTelemetry:\n    enabled: false\n    endpoint: http://127.0.0.1:1\n",
    )
    .unwrap();
    let out = bin()
        .arg(log(dir.path()))
        .arg("--config")
        .arg(&values)
        .output()
        .unwrap();
    assert!(out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("disabled"));
}

#[test]
fn environment_variables_configure_the_export() {
    let receiver = spark_traces::receiver::Receiver::start().unwrap();
    let dir = tempfile::tempdir().unwrap();
    let out = bin()
        .arg(log(dir.path()))
        .env(
            "OTEL_EXPORTER_OTLP_ENDPOINT",
            receiver.http_endpoint().trim_end_matches("/v1/traces"),
        )
        .env("OTEL_EXPORTER_OTLP_PROTOCOL", "http/protobuf")
        .env("OTEL_SERVICE_NAME", "spark-env")
        .env("SPARK_TRACES_HEADERS", "X-Scope-OrgID=t1")
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let spans = receiver.spans();
    assert_eq!(spans.len(), 2);
    assert!(spans
        .iter()
        .all(|s| s.via == "http" && s.resource["service.name"] == "spark-env"));
    assert_eq!(receiver.headers()[0]["x-scope-orgid"], "t1");
}

#[test]
fn sigterm_stops_a_follower_cleanly_with_its_progress_saved() {
    let receiver = spark_traces::receiver::Receiver::start().unwrap();
    let dir = tempfile::tempdir().unwrap();
    // A running application: its log never ends while the follower runs.
    let growing = dir.path().join("local-1.inprogress");
    let text = std::fs::read_to_string(log(dir.path())).unwrap();
    let head: String = text.lines().take(3).map(|l| format!("{l}\n")).collect();
    std::fs::write(&growing, head).unwrap();
    let state = dir.path().join("state.json");
    let child = bin()
        .arg(&growing)
        .args([
            "--follow",
            "--poll-interval",
            "50ms",
            "--batch-timeout",
            "50ms",
        ])
        .arg("--state-file")
        .arg(&state)
        .args(["--endpoint", &receiver.grpc_endpoint()])
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    assert_eq!(
        receiver
            .wait_for_spans(1, std::time::Duration::from_secs(30))
            .len(),
        1
    );
    // SAFETY: signalling our own child.
    unsafe { libc::kill(child.id() as libc::pid_t, libc::SIGTERM) };
    let out = child.wait_with_output().unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let saved = std::fs::read_to_string(&state).unwrap();
    assert!(
        saved.contains("\"finished\":false") && saved.contains("\"line\":3"),
        "{saved}"
    );
}
