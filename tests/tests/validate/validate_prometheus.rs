//! `dashboard-validate` against a real Prometheus fed by a replay of a recorded Spark run
//! (the fast path), and against servers that are down, failing or not Prometheus. The
//! spark-exporter panels get a real `spark-exporter` fed by the recorded GraphiteSink lines
//! and the recorded REST API.

use std::net::TcpListener;
use std::thread;
use std::time::Duration;

use dashboard_validate::{validate, Options, Report, Row, Status};
use integration_tests::harness::{
    recorded_graphite_reports, Exporter, ExporterOptions, GraphiteReplay, HarnessError, Prometheus,
    PrometheusOptions, Replay, RestReplay,
};
use integration_tests::rules::SparkRules;
use serde_json::{json, Value};
use test_support::http::{HttpServer, Reply, Response};

const RUN: &str = "spark-4.3.0_local-cluster";

fn built() -> Vec<Value> {
    dashboards::all()
        .into_iter()
        .map(|d| serde_json::to_value(d.build().unwrap().model).unwrap())
        .collect()
}

/// Dashboards whose series the recorded run lacks: it was recorded before spark-exporter
/// polled `/sql` (RestReplay serves no `/sql`), without a streaming query. Both are proved
/// on the live runs instead (tests/tests/e2e/validate_spark.rs, validate_spark35.rs).
const NOT_IN_THE_RECORDING: [&str; 2] =
    [dashboards::spark_sql::UID, dashboards::spark_streaming::UID];

fn opts(url: &str) -> Options {
    Options {
        window: Duration::from_secs(300),
        scrape_interval: Duration::from_secs(1),
        timeout: Duration::from_secs(3),
        ..Options::new(url)
    }
}

/// A dashboard with one Prometheus query per panel.
fn dashboard(queries: &[(&str, &str, Option<&str>)]) -> Value {
    let panels: Vec<Value> = queries
        .iter()
        .enumerate()
        .map(|(i, (title, expr, legend))| {
            json!({
                "id": i + 1, "title": title, "type": "timeseries",
                "datasource": {"type": "prometheus", "uid": "${prometheus}"},
                "targets": [{"refId": "A", "expr": expr, "legendFormat": legend}]
            })
        })
        .collect();
    json!({
        "uid": "validate-test", "title": "Validate test", "panels": panels,
        "templating": {"list": [
            {"name": "prometheus", "type": "datasource", "query": "prometheus"},
            {"name": "app", "type": "query", "datasource": {"type": "prometheus", "uid": "${prometheus}"},
             "query": "label_values(metrics_executor_activeTasks, application_name)"}
        ]}
    })
}

fn row<'a>(report: &'a Report, panel: &str) -> &'a Row {
    report
        .rows
        .iter()
        .find(|r| r.panel.starts_with(panel))
        .unwrap_or_else(|| panic!("no row for {panel}:\n{}", report.to_table()))
}

/// Asserts the row failed with a reason containing `needle`, and that the table line a
/// user reads names the dashboard, the panel and the query.
fn assert_fails(report: &Report, panel: &str, needle: &str) {
    let r = row(report, panel);
    assert_eq!(r.status, Status::Fail, "{}", report.to_table());
    assert!(r.reason.contains(needle), "{:?} lacks {needle:?}", r.reason);
    assert_eq!(r.dashboard, "validate-test");
    assert_eq!(r.query, "A");
    let table = report.to_table();
    assert!(table.contains("dashboard validate-test"), "{table}");
    assert!(
        table
            .lines()
            .any(|l| l.contains(panel) && l.contains(" A ") && l.contains(needle)),
        "{table}"
    );
}

#[test]
fn replayed_spark_every_dashboard_query_returns_data_and_mistakes_are_named(
) -> Result<(), HarnessError> {
    let replay = Replay::start(RUN)?;
    // With the Spark rules loaded, as a user's Prometheus has them: the Findings table reads
    // ALERTS, which validate accepts empty only from a Prometheus that evaluates rules.
    let rules = SparkRules::write()?;
    let prometheus = Prometheus::start_with(
        &PrometheusOptions::new(&[replay.target()], Duration::from_secs(1))
            .rule_files(rules.files.iter().cloned()),
    )?;
    // spark-exporter: the recorded REST API of the same run, and the GraphiteSink lines of
    // the recorded Graphite run under this run's metrics namespace (`sparkci`), one report
    // every half second so that its counters grow across scrapes.
    let rest = RestReplay::start(RUN)?;
    let exporter = Exporter::start(&ExporterOptions {
        rest_targets: vec![rest.url.clone()],
        poll_interval: Duration::from_millis(500),
        stage_retention: Duration::from_secs(10 * 365 * 86_400),
        ..ExporterOptions::default()
    })?;
    exporter.register(&prometheus)?;
    prometheus.wait_for(
        r#"up{job="spark-exporter"} == 1"#,
        1,
        Duration::from_secs(30),
    )?;
    let _graphite = GraphiteReplay::start(
        &exporter.graphite_address,
        recorded_graphite_reports("sparkci")?,
        Duration::from_millis(500),
    );
    prometheus.wait_for("metrics_executor_activeTasks", 3, Duration::from_secs(30))?;
    prometheus.wait_for(
        "spark_appStatus_jobs_succeededJobs_Count",
        1,
        Duration::from_secs(30),
    )?;
    // The replay serves three snapshots: let Prometheus scrape all of them so counters
    // move and rates have two points.
    prometheus.wait_for(
        "changes(metrics_executor_completedTasks_total[1m]) > 0",
        1,
        Duration::from_secs(30),
    )?;
    prometheus.wait_for(
        "count_over_time(metrics_executor_completedTasks_total[1m]) >= 6",
        3,
        Duration::from_secs(30),
    )?;
    prometheus.wait_for(
        r#"changes(spark_executor_run_seconds_total{application_name="spark-metrics-probe"}[1m]) > 1"#,
        2,
        Duration::from_secs(30),
    )?;
    prometheus.wait_for("spark_stage_task_skew_ratio", 1, Duration::from_secs(30))?;

    let recorded: Vec<Value> = built()
        .into_iter()
        .filter(|d| !NOT_IN_THE_RECORDING.contains(&d["uid"].as_str().unwrap_or_default()))
        .collect();
    let report = validate(&recorded, &opts(&prometheus.url)).unwrap();
    let failing: Vec<&Row> = report
        .rows
        .iter()
        .filter(|r| r.status != Status::Pass && r.status != Status::Skip)
        .collect();
    assert!(failing.is_empty(), "{}", report.to_table());
    assert!(
        report
            .rows
            .iter()
            .filter(|r| r.status == Status::Pass)
            .count()
            > 50
    );
    // Tempo and Jaeger queries are skipped, not silently passed.
    assert!(report
        .rows
        .iter()
        .any(|r| r.status == Status::Skip && r.reason.starts_with("tempo")));

    crate::validate_rules::check_on(&opts(&prometheus.url));

    let bad = dashboard(&[
        (
            "Misspelled",
            r#"sum(metrics_executor_activeTask{application_name=~"$app"})"#,
            None,
        ),
        (
            "Syntax",
            "sum by (executor_id) rate(metrics_executor_activeTasks[5m])",
            None,
        ),
        (
            "Legend",
            r#"sum by (executor_id) (metrics_executor_activeTasks{application_name=~"$app"})"#,
            Some("{{application_name}} {{executor_id}}"),
        ),
        (
            "Grouping",
            "sum by (stage) (metrics_executor_activeTasks)",
            None,
        ),
        (
            "Empty",
            r#"metrics_executor_activeTasks{executor_id="no-such-executor"}"#,
            None,
        ),
    ]);
    let report = validate(std::slice::from_ref(&bad), &opts(&prometheus.url)).unwrap();
    assert!(!report.passed());
    assert_fails(&report, "Misspelled", "`metrics_executor_activeTask` (did you mean `metrics_executor_activeTasks`?) does not exist");
    assert_fails(
        &report,
        "Syntax",
        "Prometheus rejected the query (bad_data)",
    );
    assert_fails(&report, "Legend", "legend uses {{application_name}}");
    assert_fails(&report, "Grouping", "groups by `stage`");
    assert_fails(&report, "Empty", "returns no series");

    // --allow-empty turns only the empty result into a warning.
    let lenient = validate(
        &[bad],
        &Options {
            allow_empty: true,
            ..opts(&prometheus.url)
        },
    )
    .unwrap();
    assert_eq!(row(&lenient, "Empty").status, Status::Warn);
    assert_eq!(row(&lenient, "Misspelled").status, Status::Fail);

    // The JSON report is machine-readable and agrees with the table.
    let v: Value = serde_json::from_str(&lenient.to_json()).unwrap();
    assert_eq!(v["ok"], false);
    assert_eq!(v["summary"]["warn"], 1);

    // A variable query with no values fails on its own row, and its dependants say why.
    let mut ghost = dashboard(&[(
        "Uses ghost",
        r#"sum(metrics_executor_activeTasks{application_name=~"$ghost"})"#,
        None,
    )]);
    ghost["templating"]["list"].as_array_mut().unwrap().push(json!({
        "name": "ghost", "type": "query", "datasource": {"type": "prometheus", "uid": "${prometheus}"},
        "query": "label_values(metrics_executor_activeTasks{application_name=\"nobody\"}, application_name)"
    }));
    let report = validate(&[ghost], &opts(&prometheus.url)).unwrap();
    let var = row(&report, "variable $ghost");
    assert_eq!(var.status, Status::Fail);
    assert!(var.reason.contains("returns no values"), "{}", var.reason);
    assert_fails(&report, "Uses ghost", "uses $ghost, which has no values");
    Ok(())
}

/// No alert firing is the healthy case; no alerting rule at all means the panel can never
/// show one, and says how to load them.
#[test]
fn an_alerts_panel_needs_a_prometheus_that_evaluates_rules() -> Result<(), HarnessError> {
    let d = dashboard(&[(
        "Firing alerts",
        r#"ALERTS{alertstate="firing", application_id="app-1"}"#,
        None,
    )]);
    let bare = Prometheus::start(&[], Duration::from_secs(1))?;
    let report = validate(std::slice::from_ref(&d), &opts(&bare.url)).unwrap();
    assert_fails(
        &report,
        "Firing alerts",
        "Prometheus evaluates no alerting rule, so the panel can never show one: load the rule files",
    );
    let rules = SparkRules::write()?;
    let loaded = Prometheus::start_with(
        &PrometheusOptions::new(&[], Duration::from_secs(1))
            .rule_files(rules.files.iter().cloned()),
    )?;
    let report = validate(&[d], &opts(&loaded.url)).unwrap();
    let r = row(&report, "Firing alerts");
    assert_eq!(r.status, Status::Pass, "{}", report.to_table());
    assert!(
        r.reason.starts_with("no alert pending or firing ("),
        "{}",
        r.reason
    );
    Ok(())
}

/// A server on a loopback port that answers every request with `response`, optionally
/// after a delay, and closes the connection. Stops when dropped.
fn fake_server(response: Response, delay: Duration) -> HttpServer {
    HttpServer::start(move |_| {
        // A Prometheus that is slow on purpose: the delay is the behaviour under test.
        thread::sleep(delay);
        Reply::Respond(response.clone().with_header("Connection", "close"))
    })
    .unwrap()
}

fn every_query_fails_with(url: &str, needle: &str) {
    let d = dashboard(&[("Active tasks", "sum(metrics_executor_activeTasks)", None)]);
    let report = validate(&[d], &opts(url)).unwrap();
    assert!(!report.passed());
    assert_fails(&report, "Active tasks", needle);
}

#[test]
fn unreachable_prometheus_is_named_per_query() {
    // Bind then drop: nothing listens on the port afterwards.
    let port = TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    every_query_fails_with(
        &format!("http://127.0.0.1:{port}"),
        "cannot reach Prometheus",
    );
}

#[test]
fn prometheus_answering_503_is_named_per_query() {
    let server = fake_server(
        Response::text(503, "text/plain", "Service Unavailable"),
        Duration::ZERO,
    );
    every_query_fails_with(&server.url(), "answered HTTP 503: Service Unavailable");
}

#[test]
fn something_that_is_not_prometheus_is_named_per_query() {
    let server = fake_server(
        Response::text(200, "text/html", "<html>Grafana login</html>\n"),
        Duration::ZERO,
    );
    every_query_fails_with(
        &server.url(),
        "does not answer like Prometheus (content-type text/html",
    );
}

#[test]
fn slow_prometheus_times_out_instead_of_hanging() {
    let server = fake_server(Response::text(200, "", ""), Duration::from_secs(30));
    let started = std::time::Instant::now();
    every_query_fails_with(&server.url(), "did not answer within 3s");
    assert!(
        started.elapsed() < Duration::from_secs(20),
        "{:?}",
        started.elapsed()
    );
}

#[test]
fn a_url_without_scheme_is_refused_up_front() {
    let err = validate(&[], &opts("127.0.0.1:9090")).unwrap_err();
    assert!(err.to_string().contains("must start with http://"), "{err}");
}
