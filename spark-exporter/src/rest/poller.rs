//! Polling a Spark driver UI or History Server: one thread per target URL.
//!
//! A cycle reads:
//!
//! 1. `/api/v1/applications?minEndDate=<now - stage retention>`: running applications and
//!    those that ended recently (the History Server lists every application otherwise);
//! 2. per application (at most `max_applications`, newest first): its environment once
//!    (for `spark.metrics.namespace`), all its executors (`allexecutors`: the active ones'
//!    addresses, to tell applications sharing a namespace apart, and the removed ones'
//!    reasons), its stages with status active, complete or failed,
//!    `taskSummary` for active stages on every cycle and once more when a stage finishes,
//!    its jobs, and its SQL executions (`/sql`, bounded as `rest/sql.rs` says).
//!
//! What is kept of it, and for how long, is decided in `rest/retention.rs`; the requests
//! are made by `rest/fetch.rs` and the series written by `rest/series.rs`.
//!
//! The poller publishes its state after each cycle; rendering reads the last published
//! state and never waits for a cycle in progress.

use std::collections::BTreeMap;
use std::sync::{Arc, RwLock};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use super::fetch::{decode_err, encode, fetch};
use super::model::{
    decode_applications, decode_environment, decode_executors, decode_jobs, decode_sql_execution,
    decode_sql_executions, decode_stages, decode_task_summary, format_spark_date, Application,
};
use super::retention::{expire_applications, newest_applications};
use super::series::quantile_label;
use super::state::{AppState, TargetState};
use crate::resolve::{effective_namespace, host_of, AppDirectory, KnownApp};
use crate::shutdown::Shutdown;

pub use super::fetch::{redact_url, FetchError, FetchErrorKind};
pub use super::state::RestState;

/// How the poller polls.
#[derive(Debug, Clone, PartialEq)]
pub struct PollerConfig {
    /// Time between the starts of two cycles of one target.
    pub interval: Duration,
    /// Timeout of one request.
    pub timeout: Duration,
    /// Quantiles asked from `taskSummary` (0.5, 0.75 and 1 are always added: the skew
    /// ratio and the dashboards read them).
    pub quantiles: Vec<f64>,
    /// How long finished stages and jobs stay exported.
    pub stage_retention: Duration,
    /// How long an application stays exported after it was last listed.
    pub app_retention: Duration,
    /// Applications per target at most.
    pub max_applications: usize,
    /// Stage attempts per application at most.
    pub max_stages: usize,
    /// Jobs per application at most.
    pub max_jobs: usize,
    /// SQL executions per application at most; 0 does not poll `/sql`.
    pub max_sql_executions: usize,
    /// Plan operators per SQL execution at most.
    pub max_sql_operators: usize,
    /// `taskSummary` requests per application and cycle at most.
    pub max_summaries_per_cycle: usize,
    /// Largest response body read, in bytes.
    pub max_body_bytes: u64,
}

impl Default for PollerConfig {
    fn default() -> Self {
        Self {
            interval: Duration::from_secs(15),
            timeout: Duration::from_secs(10),
            quantiles: vec![0.0, 0.25, 0.5, 0.75, 0.95, 1.0],
            stage_retention: Duration::from_secs(600),
            app_retention: Duration::from_secs(600),
            max_applications: 20,
            max_stages: 100,
            max_jobs: 100,
            max_sql_executions: 20,
            max_sql_operators: 5,
            max_summaries_per_cycle: 50,
            max_body_bytes: 64 << 20,
        }
    }
}

impl PollerConfig {
    /// The quantiles asked, sorted, with 0.5, 0.75 and 1.0.
    pub fn effective_quantiles(&self) -> Vec<f64> {
        let mut q: Vec<f64> = self
            .quantiles
            .iter()
            .copied()
            .filter(|q| (0.0..=1.0).contains(q))
            .chain([0.5, 0.75, 1.0])
            .collect();
        q.sort_by(f64::total_cmp);
        q.dedup();
        q
    }
}

/// Epoch milliseconds now.
pub fn now_ms() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_millis() as i64)
        .unwrap_or(0)
}

/// Polls one target until `shutdown`.
pub struct Poller {
    base: String,
    config: PollerConfig,
    client: reqwest::blocking::Client,
    state: TargetState,
    rest: Arc<RestState>,
    directory: Arc<RwLock<AppDirectory>>,
    last_log: Option<String>,
    /// Set by [`Poller::run`]: a cycle in progress stops sending requests once triggered.
    shutdown: Option<Arc<Shutdown>>,
}

impl Poller {
    /// A poller of `target` (a driver UI or History Server base URL) that publishes to
    /// `rest` and `directory`.
    pub fn new(
        target: &str,
        config: PollerConfig,
        rest: Arc<RestState>,
        directory: Arc<RwLock<AppDirectory>>,
    ) -> Result<Self, reqwest::Error> {
        let client = reqwest::blocking::Client::builder()
            .connect_timeout(config.timeout.min(Duration::from_secs(5)))
            .timeout(config.timeout)
            .user_agent(concat!("spark-exporter/", env!("CARGO_PKG_VERSION")))
            .build()?;
        let label = redact_url(target);
        let state = TargetState {
            label,
            polls: 0,
            requests: 0,
            errors: BTreeMap::new(),
            stages_dropped: 0,
            last_duration: 0.0,
            last_success: None,
            apps: BTreeMap::new(),
        };
        let poller = Self {
            base: target.trim_end_matches('/').to_string(),
            config,
            client,
            state,
            rest,
            directory,
            last_log: None,
            shutdown: None,
        };
        poller.rest.publish(&poller.base, poller.state.clone());
        Ok(poller)
    }

    /// Runs cycles every `interval` until `shutdown` is triggered.
    pub fn run(mut self, shutdown: Arc<Shutdown>) {
        self.shutdown = Some(shutdown.clone());
        loop {
            let started = Instant::now();
            self.cycle();
            let next = started + self.config.interval;
            if shutdown.wait_until(next) {
                return;
            }
        }
    }

    fn stopping(&self) -> bool {
        self.shutdown.as_ref().is_some_and(|s| s.is_triggered())
    }

    fn get(&mut self, url: &str) -> Result<Vec<u8>, FetchError> {
        if self.stopping() {
            return Err(FetchError {
                url: url.to_string(),
                kind: FetchErrorKind::Other,
                message: "shutting down".into(),
            });
        }
        self.state.requests += 1;
        fetch(&self.client, url, self.config.max_body_bytes)
    }

    fn get_decoded<T, E: std::error::Error>(
        &mut self,
        url: &str,
        decode: impl FnOnce(&[u8]) -> Result<T, E>,
    ) -> Result<T, FetchError> {
        self.get(url)
            .and_then(|body| decode(&body).map_err(|e| decode_err(url, e)))
    }

    fn record(&mut self, e: &FetchError) {
        if self.stopping() {
            return;
        }
        *self.state.errors.entry(e.kind.as_str()).or_insert(0) += 1;
        let line = format!("REST {}: {e}", redact_url(&self.base));
        if self.last_log.as_deref() != Some(line.as_str()) {
            eprintln!(
                "spark-exporter: {line} (retrying every {:?})",
                self.config.interval
            );
            self.last_log = Some(line);
        }
    }

    /// One poll cycle; publishes the result.
    pub fn cycle(&mut self) {
        let started = Instant::now();
        self.state.polls += 1;
        let now = now_ms();
        let retention_ms = self.config.stage_retention.as_millis() as i64;
        // Running applications and those that ended within the retention (Spark parses
        // the date with the format it writes; epoch milliseconds are refused).
        let url = format!(
            "{}/api/v1/applications?minEndDate={}",
            self.base,
            format_spark_date(now - retention_ms)
        );
        match self.get_decoded(&url, decode_applications) {
            Ok(mut apps) => {
                if self.last_log.take().is_some() {
                    eprintln!(
                        "spark-exporter: REST {}: answering again",
                        redact_url(&self.base)
                    );
                }
                self.state.last_success = Some(now as f64 / 1000.0);
                newest_applications(&mut apps, self.config.max_applications);
                for app in apps {
                    if app.id.is_empty() {
                        continue;
                    }
                    self.poll_app(&app, now);
                }
            }
            Err(e) => self.record(&e),
        }
        expire_applications(&mut self.state.apps, self.config.app_retention);
        self.state.last_duration = started.elapsed().as_secs_f64();
        let known: Vec<KnownApp> = self
            .state
            .apps
            .values()
            .map(|a| KnownApp {
                id: a.id.clone(),
                name: a.name.clone(),
                namespace: a.namespace.clone().unwrap_or_else(|| a.id.clone()),
                running: a.running,
                executors: a.executors.clone(),
            })
            .collect();
        self.directory
            .write()
            .unwrap_or_else(|e| e.into_inner())
            .replace(&self.base, known);
        self.rest.publish(&self.base, self.state.clone());
    }

    fn poll_app(&mut self, app: &Application, now: i64) {
        let mut path = format!("{}/api/v1/applications/{}", self.base, encode(&app.id));
        if let Some(attempt) = app.latest().and_then(|a| a.attempt_id.as_deref()) {
            path.push('/');
            path.push_str(&encode(attempt));
        }
        let mut st = self
            .state
            .apps
            .remove(&app.id)
            .unwrap_or_else(|| AppState::new(&app.id, &app.name));
        st.name = app.name.clone();
        st.running = app.running();
        st.last_seen = Instant::now();
        let cutoff = now - self.config.stage_retention.as_millis() as i64;

        if st.namespace.is_none() {
            let url = format!("{path}/environment");
            match self.get_decoded(&url, decode_environment) {
                Ok(env) => {
                    st.namespace = Some(effective_namespace(
                        env.property("spark.metrics.namespace"),
                        &app.id,
                        &app.name,
                    ))
                }
                Err(e) => self.record(&e),
            }
        }

        // All of them, removed ones included: the same request says where the active ones
        // run and why the others went.
        let url = format!("{path}/allexecutors");
        match self.get_decoded(&url, decode_executors) {
            Ok(execs) => {
                st.keep_removed(&execs);
                st.executors = execs
                    .into_iter()
                    .filter(|e| e.is_active != Some(false))
                    .map(|e| (e.id, host_of(&e.host_port).to_string()))
                    .collect()
            }
            Err(e) => self.record(&e),
        }

        let url = format!("{path}/stages?status=active&status=complete&status=failed");
        match self.get_decoded(&url, decode_stages) {
            Ok(stages) => {
                self.state.stages_dropped += st.keep_stages(stages, cutoff, self.config.max_stages)
            }
            Err(e) => self.record(&e),
        }
        self.update_summaries(&mut st, &path);

        let url = format!("{path}/jobs");
        let mut job_stages = None;
        match self.get_decoded(&url, decode_jobs) {
            Ok(jobs) => {
                // Before the cap: a SQL execution's jobs may be older than the jobs kept.
                job_stages = Some(
                    jobs.iter()
                        .map(|j| {
                            let stages = j.stage_ids.iter().map(|s| *s as i64).collect();
                            (j.job_id as i64, stages)
                        })
                        .collect::<BTreeMap<i64, Vec<i64>>>(),
                );
                st.keep_jobs(jobs, cutoff, self.config.max_jobs)
            }
            Err(e) => self.record(&e),
        }
        if self.config.max_sql_executions > 0 {
            self.update_sql(&mut st, &path, job_stages.as_ref(), cutoff);
        }
        self.state.apps.insert(app.id.clone(), st);
    }

    /// Lists the SQL executions, then reads the plans `rest/sql.rs` asks for.
    fn update_sql(
        &mut self,
        st: &mut AppState,
        path: &str,
        job_stages: Option<&BTreeMap<i64, Vec<i64>>>,
        cutoff: i64,
    ) {
        // Spark answers 20 executions from `offset`, oldest first, unless told otherwise:
        // the newest are only in an answer long enough for all of them.
        let url = format!(
            "{path}/sql?details=false&planDescription=false&offset=0&length={}",
            i32::MAX
        );
        match self.get_decoded(&url, decode_sql_executions) {
            Ok(list) => st.keep_sql(&list, job_stages, cutoff, self.config.max_sql_executions),
            Err(e) => {
                self.record(&e);
                return;
            }
        }
        for id in st.sql_details_wanted() {
            let url = format!("{path}/sql/{id}?details=true&planDescription=false");
            match self.get_decoded(&url, decode_sql_execution) {
                Ok(detail) => st.keep_sql_details(id, &detail, self.config.max_sql_operators),
                // Dropped by Spark since the list (spark.sql.ui.retainedExecutions).
                Err(e) if e.kind == FetchErrorKind::NotFound => st.sql_details_gone(id),
                Err(e) => self.record(&e),
            }
        }
    }

    fn update_summaries(&mut self, st: &mut AppState, path: &str) {
        let quantiles = self
            .config
            .effective_quantiles()
            .iter()
            .map(|q| quantile_label(*q))
            .collect::<Vec<_>>()
            .join(",");
        for key in st.summaries_wanted(self.config.max_summaries_per_cycle) {
            let url = format!(
                "{path}/stages/{}/{}/taskSummary?quantiles={quantiles}",
                key.0, key.1
            );
            let result = self.get_decoded(&url, decode_task_summary);
            let Some(stage) = st.stages.get_mut(&key) else {
                continue;
            };
            match result {
                Ok(summary) => {
                    stage.summary = Some(summary);
                    stage.summary_final = stage.stage.status.finished();
                }
                // No successful task yet (Spark answers 404): nothing to export yet.
                Err(e) if e.kind == FetchErrorKind::NotFound => {
                    stage.summary_final = stage.stage.status.finished();
                }
                Err(e) => self.record(&e),
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quantiles_always_include_what_the_dashboards_read() {
        let c = PollerConfig {
            quantiles: vec![0.95, 0.25, 2.0, f64::NAN],
            ..PollerConfig::default()
        };
        assert_eq!(c.effective_quantiles(), vec![0.25, 0.5, 0.75, 0.95, 1.0]);
    }
}
