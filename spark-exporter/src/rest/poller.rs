//! Polling a Spark driver UI or History Server, and what it exports.
//!
//! One thread per target URL. A cycle reads:
//!
//! 1. `/api/v1/applications?minEndDate=<now - stage retention>`: running applications and
//!    those that ended recently (the History Server lists every application otherwise);
//! 2. per application (at most `max_applications`, newest first): its environment once
//!    (for `spark.metrics.namespace`), its executors (addresses, to tell applications
//!    sharing a namespace apart), its stages with status active, complete or failed,
//!    `taskSummary` for active stages on every cycle and once more when a stage finishes,
//!    and its jobs.
//!
//! Only active stages and stages finished within `stage_retention` are kept, at most
//! `max_stages` per application (newest first; the rest are counted as dropped); jobs
//! likewise. An application that is no longer listed, or whose target stops answering,
//! is kept for `app_retention` after it was last seen, then dropped with all its series.
//! Memory is therefore bounded by `max_applications × (max_stages + max_jobs)`.
//!
//! The poller publishes its state after each cycle; rendering reads the last published
//! state and never waits for a cycle in progress.

use std::collections::BTreeMap;
use std::fmt;
use std::io::Read;
use std::sync::{Arc, Mutex, RwLock};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use super::families::{R, REST_FAMILIES};
use super::model::{
    decode_applications, decode_environment, decode_executors, decode_jobs, decode_stages,
    decode_task_summary, format_spark_date, parse_spark_date, Job, JobStatus, Stage, StageStatus,
    TaskSummary,
};
use crate::exposition::{write_value, Exposition};
use crate::resolve::{effective_namespace, host_of, AppDirectory, KnownApp};
use crate::shutdown::Shutdown;

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

/// Why one request failed.
#[derive(Debug)]
pub struct FetchError {
    /// The URL asked.
    pub url: String,
    /// What kind of failure (the `reason` label).
    pub kind: FetchErrorKind,
    /// What happened, sources included.
    pub message: String,
}

/// The `reason` label of `spark_exporter_rest_poll_errors_total`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum FetchErrorKind {
    /// Refused, unreachable, DNS.
    Connect,
    /// No answer within `--rest-timeout`.
    Timeout,
    /// A 4xx other than 404.
    Http4xx,
    /// 404: also Spark's answer for a stage without finished tasks.
    NotFound,
    /// A 5xx.
    Http5xx,
    /// Not the JSON the API returns.
    Decode,
    /// Larger than `--rest-max-body-bytes`.
    TooLarge,
    /// Anything else.
    Other,
}

impl FetchErrorKind {
    /// The label value.
    pub fn as_str(self) -> &'static str {
        match self {
            FetchErrorKind::Connect => "connect",
            FetchErrorKind::Timeout => "timeout",
            FetchErrorKind::Http4xx | FetchErrorKind::NotFound => "http_4xx",
            FetchErrorKind::Http5xx => "http_5xx",
            FetchErrorKind::Decode => "decode",
            FetchErrorKind::TooLarge => "too_large",
            FetchErrorKind::Other => "other",
        }
    }
}

impl fmt::Display for FetchError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "GET {}: {}", self.url, self.message)
    }
}

fn error_chain(e: &dyn std::error::Error) -> String {
    let mut out = e.to_string();
    let mut source = e.source();
    while let Some(s) = source {
        let t = s.to_string();
        if !out.contains(&t) {
            out.push_str(": ");
            out.push_str(&t);
        }
        source = s.source();
    }
    out
}

/// GETs `url` and returns the body (at most `max` bytes).
fn fetch(client: &reqwest::blocking::Client, url: &str, max: u64) -> Result<Vec<u8>, FetchError> {
    let err = |kind, message: String| FetchError {
        url: url.to_string(),
        kind,
        message,
    };
    let response = client
        .get(url)
        .header("Accept", "application/json")
        .send()
        .map_err(|e| {
            let kind = if e.is_timeout() {
                FetchErrorKind::Timeout
            } else if e.is_connect() {
                FetchErrorKind::Connect
            } else {
                FetchErrorKind::Other
            };
            err(kind, error_chain(&e))
        })?;
    let status = response.status();
    if !status.is_success() {
        let kind = match status.as_u16() {
            404 => FetchErrorKind::NotFound,
            400..=499 => FetchErrorKind::Http4xx,
            _ => FetchErrorKind::Http5xx,
        };
        return Err(err(kind, format!("HTTP {status}")));
    }
    let mut body = Vec::new();
    response.take(max + 1).read_to_end(&mut body).map_err(|e| {
        let kind = if e.kind() == std::io::ErrorKind::TimedOut {
            FetchErrorKind::Timeout
        } else {
            FetchErrorKind::Other
        };
        err(kind, format!("reading the body: {e}"))
    })?;
    if body.len() as u64 > max {
        return Err(err(
            FetchErrorKind::TooLarge,
            format!("the body is larger than {max} bytes (--rest-max-body-bytes)"),
        ));
    }
    Ok(body)
}

fn decode_err(url: &str, e: impl std::error::Error) -> FetchError {
    let hint = "; is this a Spark driver UI (port 4040) or History Server (port 18080)?";
    FetchError {
        url: url.to_string(),
        kind: FetchErrorKind::Decode,
        message: format!("{}{hint}", error_chain(&e)),
    }
}

/// One stage attempt as exported.
#[derive(Debug, Clone, PartialEq)]
struct StageState {
    stage: Stage,
    summary: Option<TaskSummary>,
    /// The summary of a finished stage was read (or there was none): do not ask again.
    summary_final: bool,
}

/// One application as exported.
#[derive(Debug, Clone, PartialEq)]
struct AppState {
    id: String,
    name: String,
    /// `None` until the environment was read.
    namespace: Option<String>,
    running: bool,
    executors: Vec<(String, String)>,
    last_seen: Instant,
    stages: BTreeMap<(i64, i64), StageState>,
    jobs: BTreeMap<i64, Job>,
}

/// What one target's poller publishes.
#[derive(Debug, Clone, PartialEq)]
struct TargetState {
    /// The target URL without credentials, for the `target` label.
    label: String,
    polls: u64,
    requests: u64,
    errors: BTreeMap<&'static str, u64>,
    stages_dropped: u64,
    last_duration: f64,
    last_success: Option<f64>,
    apps: BTreeMap<String, AppState>,
}

/// The published states of every target, read when rendering.
#[derive(Debug, Default)]
pub struct RestState {
    targets: Mutex<BTreeMap<String, Arc<TargetState>>>,
}

impl RestState {
    /// Writes every REST family (data and `spark_exporter_rest_*`) with samples.
    pub fn render(&self, out: &mut Exposition) {
        let targets: Vec<Arc<TargetState>> = self
            .targets
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .values()
            .cloned()
            .collect();
        let mut lines: Vec<String> = vec![String::new(); REST_FAMILIES.len()];
        for t in &targets {
            t.render(&mut lines);
        }
        for (family, text) in REST_FAMILIES.iter().zip(&lines) {
            if !text.is_empty() {
                out.family(family.name, family.help, family.kind);
                out.raw(text);
            }
        }
    }

    /// Forgets a target that is no longer polled, with all its series.
    pub fn remove(&self, target: &str) {
        self.targets
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .remove(target.trim_end_matches('/'));
    }

    fn publish(&self, target: &str, state: TargetState) {
        self.targets
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .insert(target.to_string(), Arc::new(state));
    }
}

/// Appends `name{labels} value` to the family's lines.
fn sample(lines: &mut [String], family: R, labels: &[(&str, &str)], value: f64) {
    if !value.is_finite() {
        return;
    }
    let out = &mut lines[family as usize];
    out.push_str(family.family().name);
    out.push('{');
    for (i, (k, v)) in labels.iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        out.push_str(k);
        out.push_str("=\"");
        crate::exposition::escape_label_value(v, out);
        out.push('"');
    }
    out.push_str("} ");
    write_value(value, out);
    out.push('\n');
}

/// Quantile label values: `0`, `0.25`, `1`.
fn quantile_label(q: f64) -> String {
    let mut s = String::new();
    write_value(q, &mut s);
    s
}

impl TargetState {
    fn render(&self, lines: &mut [String]) {
        let t = [("target", self.label.as_str())];
        sample(lines, R::POLLS, &t, self.polls as f64);
        sample(lines, R::REQUESTS, &t, self.requests as f64);
        for (reason, n) in &self.errors {
            sample(
                lines,
                R::POLL_ERRORS,
                &[t[0], ("reason", reason)],
                *n as f64,
            );
        }
        sample(lines, R::POLL_DURATION, &t, self.last_duration);
        if let Some(ts) = self.last_success {
            sample(lines, R::LAST_SUCCESS, &t, ts);
        }
        sample(lines, R::TARGET_APPS, &t, self.apps.len() as f64);
        let stages: usize = self.apps.values().map(|a| a.stages.len()).sum();
        let jobs: usize = self.apps.values().map(|a| a.jobs.len()).sum();
        sample(lines, R::TARGET_STAGES, &t, stages as f64);
        sample(lines, R::TARGET_JOBS, &t, jobs as f64);
        sample(lines, R::STAGES_DROPPED, &t, self.stages_dropped as f64);
        for app in self.apps.values() {
            app.render(lines);
        }
    }
}

impl AppState {
    fn render(&self, lines: &mut [String]) {
        let app = [
            ("application_id", self.id.as_str()),
            ("application_name", self.name.as_str()),
        ];
        let ns = self.namespace.clone().unwrap_or_default();
        sample(
            lines,
            R::APP_INFO,
            &[app[0], app[1], ("namespace", &ns)],
            1.0,
        );
        sample(
            lines,
            R::APP_RUNNING,
            &app,
            if self.running { 1.0 } else { 0.0 },
        );
        for ((stage_id, attempt), st) in &self.stages {
            let (sid, att) = (stage_id.to_string(), attempt.to_string());
            let l = [
                app[0],
                app[1],
                ("stage_id", sid.as_str()),
                ("attempt_id", att.as_str()),
            ];
            st.render(lines, &l);
        }
        for (job_id, job) in &self.jobs {
            let jid = job_id.to_string();
            let l = [app[0], app[1], ("job_id", jid.as_str())];
            render_job(lines, &l, job);
        }
    }
}

impl StageState {
    fn render(&self, lines: &mut [String], l: &[(&str, &str); 4]) {
        let s = &self.stage;
        let with = |extra: (&'static str, &'static str)| [l[0], l[1], l[2], l[3], extra];
        sample(
            lines,
            R::STAGE_INFO,
            &[l[0], l[1], l[2], l[3], ("stage_name", s.name.as_str())],
            1.0,
        );
        for status in [
            StageStatus::Active,
            StageStatus::Complete,
            StageStatus::Failed,
        ] {
            let v = if s.status == status { 1.0 } else { 0.0 };
            sample(
                lines,
                R::STAGE_STATUS,
                &with(("status", status.as_str())),
                v,
            );
        }
        for (state, v) in [
            ("total", s.num_tasks),
            ("active", s.num_active_tasks),
            ("complete", s.num_complete_tasks),
            ("failed", s.num_failed_tasks),
            ("killed", s.num_killed_tasks),
        ] {
            sample(lines, R::STAGE_TASKS, &with(("state", state)), v);
        }
        const MS: f64 = 1e3;
        const NS: f64 = 1e9;
        for (family, v) in [
            (R::STAGE_RUN, s.executor_run_time / MS),
            (R::STAGE_CPU, s.executor_cpu_time / NS),
            (R::STAGE_GC, s.jvm_gc_time / MS),
            (R::STAGE_DESER, s.executor_deserialize_time / MS),
            (R::STAGE_DESER_CPU, s.executor_deserialize_cpu_time / NS),
            (R::STAGE_RESULT_SER, s.result_serialization_time / MS),
            (R::STAGE_FETCH_WAIT, s.shuffle_fetch_wait_time / MS),
            (R::STAGE_SHUFFLE_WRITE_TIME, s.shuffle_write_time / NS),
            (R::STAGE_MEM_SPILL, s.memory_bytes_spilled),
            (R::STAGE_DISK_SPILL, s.disk_bytes_spilled),
            (R::STAGE_INPUT_BYTES, s.input_bytes),
            (R::STAGE_INPUT_RECORDS, s.input_records),
            (R::STAGE_OUTPUT_BYTES, s.output_bytes),
            (R::STAGE_OUTPUT_RECORDS, s.output_records),
            (R::STAGE_SHUFFLE_READ_BYTES, s.shuffle_read_bytes),
            (R::STAGE_SHUFFLE_READ_RECORDS, s.shuffle_read_records),
            (R::STAGE_SHUFFLE_WRITE_BYTES, s.shuffle_write_bytes),
            (R::STAGE_SHUFFLE_WRITE_RECORDS, s.shuffle_write_records),
        ] {
            sample(lines, family, l, v);
        }
        let Some(sum) = &self.summary else { return };
        let qs: Vec<String> = sum.quantiles.iter().map(|q| quantile_label(*q)).collect();
        let dists: [(R, &Vec<f64>, f64); 22] = [
            (R::TASK_DURATION, &sum.duration, MS),
            (R::TASK_RUN, &sum.executor_run_time, MS),
            (R::TASK_CPU, &sum.executor_cpu_time, NS),
            (R::TASK_GC, &sum.jvm_gc_time, MS),
            (R::TASK_DESER, &sum.executor_deserialize_time, MS),
            (R::TASK_RESULT_SER, &sum.result_serialization_time, MS),
            (R::TASK_SCHED_DELAY, &sum.scheduler_delay, MS),
            (R::TASK_GETTING_RESULT, &sum.getting_result_time, MS),
            (R::TASK_PEAK_MEM, &sum.peak_execution_memory, 1.0),
            (R::TASK_MEM_SPILL, &sum.memory_bytes_spilled, 1.0),
            (R::TASK_DISK_SPILL, &sum.disk_bytes_spilled, 1.0),
            (R::TASK_INPUT_BYTES, &sum.input_metrics.bytes_read, 1.0),
            (R::TASK_INPUT_RECORDS, &sum.input_metrics.records_read, 1.0),
            (R::TASK_OUTPUT_BYTES, &sum.output_metrics.bytes_written, 1.0),
            (
                R::TASK_OUTPUT_RECORDS,
                &sum.output_metrics.records_written,
                1.0,
            ),
            (
                R::TASK_SHUFFLE_READ_BYTES,
                &sum.shuffle_read_metrics.read_bytes,
                1.0,
            ),
            (
                R::TASK_SHUFFLE_READ_RECORDS,
                &sum.shuffle_read_metrics.read_records,
                1.0,
            ),
            (
                R::TASK_SHUFFLE_REMOTE_READ,
                &sum.shuffle_read_metrics.remote_bytes_read,
                1.0,
            ),
            (
                R::TASK_FETCH_WAIT,
                &sum.shuffle_read_metrics.fetch_wait_time,
                MS,
            ),
            (
                R::TASK_SHUFFLE_WRITE_BYTES,
                &sum.shuffle_write_metrics.write_bytes,
                1.0,
            ),
            (
                R::TASK_SHUFFLE_WRITE_RECORDS,
                &sum.shuffle_write_metrics.write_records,
                1.0,
            ),
            (
                R::TASK_SHUFFLE_WRITE_TIME,
                &sum.shuffle_write_metrics.write_time,
                NS,
            ),
        ];
        for (family, values, divisor) in dists {
            for (q, v) in qs.iter().zip(values) {
                sample(
                    lines,
                    family,
                    &[l[0], l[1], l[2], l[3], ("quantile", q)],
                    v / divisor,
                );
            }
        }
        let median = sum.quantiles.iter().position(|q| *q == 0.5);
        let max = sum.quantiles.iter().position(|q| *q == 1.0);
        let (Some(median), Some(max)) = (median, max) else {
            return;
        };
        for (metric, values) in [
            ("duration", &sum.duration),
            ("run_time", &sum.executor_run_time),
            ("input_bytes", &sum.input_metrics.bytes_read),
            ("input_records", &sum.input_metrics.records_read),
            ("shuffle_read_bytes", &sum.shuffle_read_metrics.read_bytes),
            (
                "shuffle_read_records",
                &sum.shuffle_read_metrics.read_records,
            ),
            (
                "shuffle_write_bytes",
                &sum.shuffle_write_metrics.write_bytes,
            ),
        ] {
            if let (Some(m), Some(x)) = (values.get(median), values.get(max)) {
                if *m > 0.0 {
                    sample(
                        lines,
                        R::TASK_SKEW,
                        &[l[0], l[1], l[2], l[3], ("metric", metric)],
                        x / m,
                    );
                }
            }
        }
    }
}

fn render_job(lines: &mut [String], l: &[(&str, &str); 3], job: &Job) {
    let with = |extra: (&'static str, &'static str)| [l[0], l[1], l[2], extra];
    let group = job.job_group.clone().unwrap_or_default();
    sample(
        lines,
        R::JOB_INFO,
        &[
            l[0],
            l[1],
            l[2],
            ("job_name", job.name.as_str()),
            ("job_group", group.as_str()),
        ],
        1.0,
    );
    for status in JobStatus::ALL {
        let v = if job.status == status { 1.0 } else { 0.0 };
        sample(lines, R::JOB_STATUS, &with(("status", status.as_str())), v);
    }
    for (state, v) in [
        ("total", job.num_tasks),
        ("active", job.num_active_tasks),
        ("completed", job.num_completed_tasks),
        ("skipped", job.num_skipped_tasks),
        ("failed", job.num_failed_tasks),
        ("killed", job.num_killed_tasks),
    ] {
        sample(lines, R::JOB_TASKS, &with(("state", state)), v);
    }
    for (state, v) in [
        ("active", job.num_active_stages),
        ("completed", job.num_completed_stages),
        ("skipped", job.num_skipped_stages),
        ("failed", job.num_failed_stages),
    ] {
        sample(lines, R::JOB_STAGES, &with(("state", state)), v);
    }
    if let Some(start) = job.submission_time.as_deref().and_then(parse_spark_date) {
        let end = job
            .completion_time
            .as_deref()
            .and_then(parse_spark_date)
            .unwrap_or_else(now_ms);
        sample(
            lines,
            R::JOB_DURATION,
            l,
            (end - start).max(0) as f64 / 1000.0,
        );
    }
}

/// Epoch milliseconds now.
pub fn now_ms() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_millis() as i64)
        .unwrap_or(0)
}

/// The URL without `user:password@`, for labels and logs.
///
/// ```
/// use spark_exporter::rest::poller::redact_url;
/// assert_eq!(redact_url("http://u:secret@host:18080/"), "http://host:18080/");
/// assert_eq!(redact_url("http://host:4040"), "http://host:4040");
/// ```
pub fn redact_url(url: &str) -> String {
    match url.split_once("://") {
        Some((scheme, rest)) => {
            let (authority, path) = match rest.find('/') {
                Some(i) => (&rest[..i], &rest[i..]),
                None => (rest, ""),
            };
            let host = authority.rsplit('@').next().unwrap_or(authority);
            format!("{scheme}://{host}{path}")
        }
        None => url.to_string(),
    }
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
        let listed = self
            .get(&url)
            .and_then(|body| decode_applications(&body).map_err(|e| decode_err(&url, e)));
        match listed {
            Ok(mut apps) => {
                if self.last_log.take().is_some() {
                    eprintln!(
                        "spark-exporter: REST {}: answering again",
                        redact_url(&self.base)
                    );
                }
                self.state.last_success = Some(now as f64 / 1000.0);
                apps.sort_by(|a, b| {
                    let start = |x: &super::model::Application| {
                        x.latest().map(|a| a.start_time_epoch).unwrap_or(0.0)
                    };
                    start(b).total_cmp(&start(a))
                });
                apps.truncate(self.config.max_applications);
                for app in apps {
                    if app.id.is_empty() {
                        continue;
                    }
                    self.poll_app(&app, now);
                }
            }
            Err(e) => self.record(&e),
        }
        // Applications not seen for app_retention go, with all their series.
        let keep_for = self.config.app_retention;
        self.state
            .apps
            .retain(|_, a| a.last_seen.elapsed() <= keep_for);
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

    fn poll_app(&mut self, app: &super::model::Application, now: i64) {
        let mut path = format!("{}/api/v1/applications/{}", self.base, encode(&app.id));
        if let Some(attempt) = app.latest().and_then(|a| a.attempt_id.as_deref()) {
            path.push('/');
            path.push_str(&encode(attempt));
        }
        let mut st = self.state.apps.remove(&app.id).unwrap_or_else(|| AppState {
            id: app.id.clone(),
            name: app.name.clone(),
            namespace: None,
            running: true,
            executors: Vec::new(),
            last_seen: Instant::now(),
            stages: BTreeMap::new(),
            jobs: BTreeMap::new(),
        });
        st.name = app.name.clone();
        st.running = app.running();
        st.last_seen = Instant::now();

        if st.namespace.is_none() {
            let url = format!("{path}/environment");
            match self
                .get(&url)
                .and_then(|b| decode_environment(&b).map_err(|e| decode_err(&url, e)))
            {
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

        let url = format!("{path}/executors");
        match self
            .get(&url)
            .and_then(|b| decode_executors(&b).map_err(|e| decode_err(&url, e)))
        {
            Ok(execs) => {
                st.executors = execs
                    .into_iter()
                    .filter(|e| e.is_active != Some(false))
                    .map(|e| (e.id, host_of(&e.host_port).to_string()))
                    .collect()
            }
            Err(e) => self.record(&e),
        }

        let url = format!("{path}/stages?status=active&status=complete&status=failed");
        match self
            .get(&url)
            .and_then(|b| decode_stages(&b).map_err(|e| decode_err(&url, e)))
        {
            Ok(stages) => self.update_stages(&mut st, stages, now),
            Err(e) => self.record(&e),
        }
        self.update_summaries(&mut st, &path);

        let url = format!("{path}/jobs");
        match self
            .get(&url)
            .and_then(|b| decode_jobs(&b).map_err(|e| decode_err(&url, e)))
        {
            Ok(jobs) => self.update_jobs(&mut st, jobs, now),
            Err(e) => self.record(&e),
        }
        self.state.apps.insert(app.id.clone(), st);
    }

    fn update_stages(&mut self, st: &mut AppState, stages: Vec<Stage>, now: i64) {
        let cutoff = now - self.config.stage_retention.as_millis() as i64;
        let mut kept: Vec<Stage> = stages
            .into_iter()
            .filter_map(|s| {
                let completed = s.completion_time.as_deref().and_then(parse_spark_date);
                let keep = match s.status {
                    StageStatus::Active => true,
                    StageStatus::Complete | StageStatus::Failed => {
                        completed.is_some_and(|c| c >= cutoff)
                    }
                    _ => false,
                };
                keep.then_some(s)
            })
            .collect();
        // Newest first: active ones, then by stage id.
        kept.sort_by(|a, b| {
            (b.status == StageStatus::Active)
                .cmp(&(a.status == StageStatus::Active))
                .then(b.stage_id.total_cmp(&a.stage_id))
                .then(b.attempt_id.total_cmp(&a.attempt_id))
        });
        if kept.len() > self.config.max_stages {
            self.state.stages_dropped += (kept.len() - self.config.max_stages) as u64;
            kept.truncate(self.config.max_stages);
        }
        let mut next = BTreeMap::new();
        for stage in kept {
            let key = (stage.stage_id as i64, stage.attempt_id as i64);
            let (summary, summary_final) = match st.stages.remove(&key) {
                Some(old) => (old.summary, old.summary_final),
                None => (None, false),
            };
            next.insert(
                key,
                StageState {
                    stage,
                    summary,
                    summary_final,
                },
            );
        }
        st.stages = next;
    }

    fn update_summaries(&mut self, st: &mut AppState, path: &str) {
        let quantiles = self
            .config
            .effective_quantiles()
            .iter()
            .map(|q| quantile_label(*q))
            .collect::<Vec<_>>()
            .join(",");
        // Active stages first, then the newest finished ones.
        let mut wanted: Vec<(i64, i64)> = st
            .stages
            .iter()
            .filter(|(_, s)| !s.summary_final)
            .map(|(k, _)| *k)
            .collect();
        wanted.sort_by_key(|k| {
            let active = st.stages[k].stage.status == StageStatus::Active;
            (!active, std::cmp::Reverse(*k))
        });
        wanted.truncate(self.config.max_summaries_per_cycle);
        for key in wanted {
            let url = format!(
                "{path}/stages/{}/{}/taskSummary?quantiles={quantiles}",
                key.0, key.1
            );
            let result = self
                .get(&url)
                .and_then(|b| decode_task_summary(&b).map_err(|e| decode_err(&url, e)));
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

    fn update_jobs(&mut self, st: &mut AppState, jobs: Vec<Job>, now: i64) {
        let cutoff = now - self.config.stage_retention.as_millis() as i64;
        let mut kept: Vec<Job> = jobs
            .into_iter()
            .filter(|j| {
                j.status == JobStatus::Running
                    || j.completion_time
                        .as_deref()
                        .and_then(parse_spark_date)
                        .is_some_and(|c| c >= cutoff)
            })
            .collect();
        kept.sort_by(|a, b| b.job_id.total_cmp(&a.job_id));
        kept.truncate(self.config.max_jobs);
        st.jobs = kept.into_iter().map(|j| (j.job_id as i64, j)).collect();
    }
}

/// Percent-encodes what may not appear in a path segment.
fn encode(segment: &str) -> String {
    let mut out = String::with_capacity(segment.len());
    for b in segment.bytes() {
        if b.is_ascii_alphanumeric() || b"-._~".contains(&b) {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
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

    #[test]
    fn path_segments_are_encoded() {
        assert_eq!(encode("app-2026 01/x"), "app-2026%2001%2Fx");
    }
}
