//! Deterministic trace and span ids.
//!
//! Every id is a prefix of a SHA-256 digest of a short key built from Spark's own ids, so the
//! same event log always gives the same ids, on any machine, and anything that knows the
//! application id can compute them (dashboards, scripts, metrics exporters):
//!
//! | what | key |
//! |---|---|
//! | the application | `<app>/application` |
//! | a SQL execution | `<app>/sql/<executionId>` |
//! | a job | `<app>/job/<Job ID>` |
//! | a stage attempt | `<app>/stage/<Stage ID>/<Stage Attempt ID>` |
//! | a task attempt | `<app>/task/<Task ID>` (task ids are unique per application) |
//!
//! `<app>` is `spark.app.id`, followed by `/<App Attempt ID>` when the log has one (YARN and
//! Kubernetes cluster mode can run several attempts under one id).
//!
//! - **span id** = the first 8 bytes of `SHA-256("span:" + key)`;
//! - **trace id** = the first 16 bytes of `SHA-256("trace:" + trace key)`, where the trace key
//!   is `<app>` with one trace per application, and with one trace per SQL execution
//!   `<app>/sql/<rootExecutionId>` (jobs outside any SQL execution: `<app>/job/<Job ID>`).
//!
//! In a shell: `printf 'trace:%s' local-1795238422824 | sha256sum | cut -c1-32` is the trace
//! id of that application. An all-zero id (invalid in OTLP) would get its last byte set to 1;
//! no key is known to hash to one.

use sha2::{Digest, Sha256};

/// A 16-byte trace id.
pub type TraceId = [u8; 16];
/// An 8-byte span id.
pub type SpanId = [u8; 8];

/// What a span stands for, within one application.
///
/// ```
/// use spark_traces::ids::{span_id, SpanKey};
/// let a = span_id("local-1", SpanKey::Stage { stage: 3, attempt: 0 });
/// assert_eq!(a, span_id("local-1", SpanKey::Stage { stage: 3, attempt: 0 }));
/// assert_ne!(a, span_id("local-1", SpanKey::Stage { stage: 3, attempt: 1 }));
/// assert_eq!(SpanKey::Task { task: 7 }.key("local-1"), "local-1/task/7");
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum SpanKey {
    /// The `spark.application` span.
    Application,
    /// A `spark.sql` span, by `executionId`.
    Sql {
        /// The SQL execution id.
        execution: i64,
    },
    /// A `spark.job` span, by `Job ID`.
    Job {
        /// The job id.
        job: i64,
    },
    /// A `spark.stage` span, by `Stage ID` and `Stage Attempt ID`.
    Stage {
        /// The stage id.
        stage: i64,
        /// The stage attempt.
        attempt: i64,
    },
    /// A `spark.task` span, by `Task ID`.
    Task {
        /// The task id (unique per application, across stages and attempts).
        task: i64,
    },
}

impl SpanKey {
    /// The key the span id is hashed from.
    pub fn key(self, app: &str) -> String {
        match self {
            SpanKey::Application => format!("{app}/application"),
            SpanKey::Sql { execution } => format!("{app}/sql/{execution}"),
            SpanKey::Job { job } => format!("{app}/job/{job}"),
            SpanKey::Stage { stage, attempt } => format!("{app}/stage/{stage}/{attempt}"),
            SpanKey::Task { task } => format!("{app}/task/{task}"),
        }
    }
}

/// Which trace a span belongs to.
///
/// ```
/// use spark_traces::ids::TraceKey;
/// assert_eq!(TraceKey::Application.key("local-1"), "local-1");
/// assert_eq!(TraceKey::Sql { root_execution: 4 }.key("local-1"), "local-1/sql/4");
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
pub enum TraceKey {
    /// The application's one trace.
    Application,
    /// The trace of one root SQL execution (with `--trace-per sql`).
    Sql {
        /// The root execution id.
        root_execution: i64,
    },
    /// The trace of one job outside any SQL execution (with `--trace-per sql`).
    Job {
        /// The job id.
        job: i64,
    },
}

impl TraceKey {
    /// The key the trace id is hashed from.
    pub fn key(self, app: &str) -> String {
        match self {
            TraceKey::Application => app.to_string(),
            TraceKey::Sql { root_execution } => format!("{app}/sql/{root_execution}"),
            TraceKey::Job { job } => format!("{app}/job/{job}"),
        }
    }
}

fn digest(prefix: &str, key: &str) -> [u8; 32] {
    let mut h = Sha256::new();
    h.update(prefix.as_bytes());
    h.update(key.as_bytes());
    h.finalize().into()
}

/// The span id of `key` in application `app` (see the module docs).
///
/// ```
/// use spark_traces::ids::{hex, span_id, SpanKey};
/// // printf 'span:local-1795238422824/application' | sha256sum | cut -c1-16
/// assert_eq!(hex(&span_id("local-1795238422824", SpanKey::Application)).len(), 16);
/// ```
pub fn span_id(app: &str, key: SpanKey) -> SpanId {
    let d = digest("span:", &key.key(app));
    let mut id = [0u8; 8];
    id.copy_from_slice(&d[..8]);
    if id == [0; 8] {
        id[7] = 1;
    }
    id
}

/// The trace id of `key` in application `app` (see the module docs).
///
/// ```
/// use spark_traces::ids::{hex, trace_id, TraceKey};
/// let id = trace_id("local-1795238422824", TraceKey::Application);
/// // the same as: printf 'trace:local-1795238422824' | sha256sum | cut -c1-32
/// assert_eq!(hex(&id), "9912acc8563b61555ad3229d0fabb23c");
/// ```
pub fn trace_id(app: &str, key: TraceKey) -> TraceId {
    let d = digest("trace:", &key.key(app));
    let mut id = [0u8; 16];
    id.copy_from_slice(&d[..16]);
    if id == [0; 16] {
        id[15] = 1;
    }
    id
}

/// Lower-case hex, as Tempo and Jaeger show ids.
///
/// ```
/// assert_eq!(spark_traces::ids::hex(&[0x0a, 0xff]), "0aff");
/// ```
pub fn hex(bytes: &[u8]) -> String {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    let mut s = String::with_capacity(bytes.len() * 2);
    for b in bytes {
        s.push(DIGITS[(b >> 4) as usize] as char);
        s.push(DIGITS[(b & 15) as usize] as char);
    }
    s
}

/// Whether a task span is kept at sampling ratio `ratio` (0.0 to 1.0): the span id read as a
/// big-endian integer falls below `ratio × 2^64`. Deterministic, so re-running on the same log
/// keeps the same tasks, and independent of how many tasks there are.
///
/// ```
/// use spark_traces::ids::sampled;
/// assert!(sampled(&[0xff; 8], 1.0));
/// assert!(!sampled(&[0; 8], 0.0));
/// assert!(sampled(&[0x10, 0, 0, 0, 0, 0, 0, 0], 0.5));
/// assert!(!sampled(&[0x90, 0, 0, 0, 0, 0, 0, 0], 0.5));
/// ```
pub fn sampled(span_id: &SpanId, ratio: f64) -> bool {
    if ratio >= 1.0 {
        return true;
    }
    if ratio.is_nan() || ratio <= 0.0 {
        return false;
    }
    let x = u64::from_be_bytes(*span_id);
    // 2^64 as f64 is exact; ratio < 1 keeps the bound below u64::MAX.
    let bound = (ratio * 18_446_744_073_709_551_616.0) as u64;
    x < bound
}
