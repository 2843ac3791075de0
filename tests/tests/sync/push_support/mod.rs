//! Shared by the push and diff tests: a fast-retrying client, dashboards to push.

#![allow(dead_code)] // each test file uses a different part

use std::sync::{Arc, Mutex};
use std::time::Duration;

use dashboard_dsl::datasource::Prometheus;
use dashboard_dsl::query::PromQuery;
use dashboard_dsl::variable::DatasourceVar;
use dashboard_dsl::{panel, Dashboard, Folder, Row, Unit};
use dashboard_sync::{
    ClientConfig, Credentials, GrafanaClient, LocalDashboard, PushOptions, PushReport, RetryPolicy,
    Secret,
};
use integration_tests::grafana::{StandIn, ADMIN_TOKEN};

/// Retries that take milliseconds, not seconds, and a short timeout.
pub fn fast_retry() -> RetryPolicy {
    RetryPolicy {
        max_attempts: 4,
        base_delay: Duration::from_millis(20),
        max_delay: Duration::from_millis(80),
        max_retry_after: Duration::from_secs(5),
    }
}

pub fn config(url: &str, creds: Credentials) -> ClientConfig {
    let mut cfg = ClientConfig::new(url, creds);
    cfg.retry = fast_retry();
    cfg.timeout = Duration::from_secs(2);
    cfg.connect_timeout = Duration::from_secs(1);
    cfg
}

pub fn client(g: &StandIn) -> GrafanaClient {
    GrafanaClient::new(config(
        &g.url(),
        Credentials::Token(Secret::new(ADMIN_TOKEN)),
    ))
    .unwrap()
}

/// A client whose `--verbose` lines are kept for inspection.
pub fn logging_client(url: &str, creds: Credentials) -> (GrafanaClient, Arc<Mutex<Vec<String>>>) {
    let lines = Arc::new(Mutex::new(Vec::new()));
    let mut cfg = config(url, creds);
    let sink = lines.clone();
    cfg.log = Some(Arc::new(move |l: &str| {
        sink.lock().unwrap().push(l.to_string())
    }));
    (GrafanaClient::new(cfg).unwrap(), lines)
}

/// A small Spark-like dashboard; `variant` changes one query, so two variants differ.
pub fn dashboard(uid: &str, title: &str, variant: u32) -> LocalDashboard {
    let prom = DatasourceVar::<Prometheus>::new("prometheus");
    let built = Dashboard::new(uid, title)
        .folder(Folder::new("spark", "Spark"))
        .variable(&prom)
        .row(
            Row::new("Executors")
                .panel(
                    panel::timeseries("active", "Active tasks")
                        .unit(Unit::Short)
                        .query(
                            &prom,
                            PromQuery::new(format!(
                                "sum(metrics_executor_activeTasks{{variant=\"{variant}\"}})"
                            )),
                        ),
                )
                .panel(
                    panel::timeseries("gc", "GC time")
                        .unit(Unit::Seconds)
                        .query(
                            &prom,
                            PromQuery::new(
                                "sum(rate(metrics_executor_totalGCTime_seconds_total[5m]))",
                            ),
                        ),
                ),
        )
        .build()
        .unwrap_or_else(|e| panic!("{e}"));
    LocalDashboard::from_model(&built.model, built.folder.as_ref())
}

/// `n` dashboards `bench-000`…, all in folder `spark`.
pub fn many(n: usize, variant: u32) -> Vec<LocalDashboard> {
    (0..n)
        .map(|i| dashboard(&format!("d-{i:03}"), &format!("Dashboard {i:03}"), variant))
        .collect()
}

pub fn push(client: &GrafanaClient, local: &[LocalDashboard], opts: &PushOptions) -> PushReport {
    dashboard_sync::push::push(client, local, opts, &|_| {}).unwrap_or_else(|e| panic!("{e}"))
}

pub fn text(report: &PushReport) -> String {
    dashboard_sync::push::render_report(report, dashboard_sync::render::Style::plain())
}

pub fn outcome_of<'a>(report: &'a PushReport, uid: &str) -> &'a dashboard_sync::push::Outcome {
    &report
        .dashboards
        .iter()
        .find(|d| d.uid == uid)
        .unwrap_or_else(|| panic!("{uid} not in the report"))
        .outcome
}
