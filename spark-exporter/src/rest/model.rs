//! The parts of Spark's REST API (`/api/v1`) the poller reads, decoded leniently: unknown
//! fields are ignored, missing numbers are 0, `null` is 0, so that Spark 3.5 and 4.x (and
//! the History Server) decode alike. Decoding never panics; bad JSON is an error value.
//! Fields are Spark's JSON keys in snake case (`executorRunTime` is `executor_run_time`),
//! documented in Spark's monitoring guide ("REST API", "Executor Task Metrics").
//!
//! ```
//! use spark_exporter::rest::model::{decode_stages, StageStatus};
//! let stages = decode_stages(br#"[{"status":"ACTIVE","stageId":3,"attemptId":0,
//!     "numTasks":8,"numActiveTasks":2,"executorRunTime":1500,"name":"count at x.py:1"}]"#).unwrap();
//! assert_eq!(stages[0].status, StageStatus::Active);
//! assert_eq!(stages[0].executor_run_time, 1500.0);
//! assert_eq!(stages[0].memory_bytes_spilled, 0.0);
//! ```

#![allow(missing_docs)]

use serde::{Deserialize, Deserializer};

/// A number, `null` (0), or a numeric string; anything else is an error.
fn num<'de, D: Deserializer<'de>>(d: D) -> Result<f64, D::Error> {
    #[derive(Deserialize)]
    #[serde(untagged)]
    enum N {
        F(f64),
        S(String),
        Null(()),
    }
    Ok(match Option::<N>::deserialize(d)? {
        Some(N::F(v)) if v.is_finite() => v,
        Some(N::S(s)) => s
            .trim()
            .parse::<f64>()
            .ok()
            .filter(|v| v.is_finite())
            .unwrap_or(0.0),
        _ => 0.0,
    })
}

/// A list of numbers; `null` entries become NaN (and are skipped when rendered).
fn nums<'de, D: Deserializer<'de>>(d: D) -> Result<Vec<f64>, D::Error> {
    let v = Option::<Vec<Option<f64>>>::deserialize(d)?;
    Ok(v.unwrap_or_default()
        .into_iter()
        .map(|x| x.unwrap_or(f64::NAN))
        .collect())
}

/// A string or `null` (empty).
fn text<'de, D: Deserializer<'de>>(d: D) -> Result<String, D::Error> {
    Ok(Option::<String>::deserialize(d)?.unwrap_or_default())
}

/// `GET /applications`: one element.
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct Application {
    #[serde(deserialize_with = "text")]
    pub id: String,
    #[serde(default, deserialize_with = "text")]
    pub name: String,
    #[serde(default)]
    pub attempts: Vec<Attempt>,
}

impl Application {
    /// The latest attempt (Spark lists the newest first).
    pub fn latest(&self) -> Option<&Attempt> {
        self.attempts.first()
    }

    /// Whether the latest attempt is still running.
    pub fn running(&self) -> bool {
        self.latest().is_some_and(|a| !a.completed)
    }
}

/// One attempt of an application.
#[derive(Debug, Clone, PartialEq, Deserialize, Default)]
#[serde(rename_all = "camelCase", default)]
pub struct Attempt {
    /// Set on YARN cluster mode; part of the URL of everything below the application.
    pub attempt_id: Option<String>,
    pub completed: bool,
    /// Epoch ms; -1 or absent while running.
    #[serde(deserialize_with = "num")]
    pub start_time_epoch: f64,
    #[serde(deserialize_with = "num")]
    pub end_time_epoch: f64,
}

/// A stage's status.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Default)]
#[serde(rename_all = "UPPERCASE")]
pub enum StageStatus {
    Active,
    Complete,
    Failed,
    Pending,
    Skipped,
    /// Anything newer.
    #[default]
    #[serde(other)]
    Unknown,
}

impl StageStatus {
    /// The label value.
    pub fn as_str(self) -> &'static str {
        match self {
            StageStatus::Active => "active",
            StageStatus::Complete => "complete",
            StageStatus::Failed => "failed",
            StageStatus::Pending => "pending",
            StageStatus::Skipped => "skipped",
            StageStatus::Unknown => "unknown",
        }
    }

    /// Finished, successfully or not.
    pub fn finished(self) -> bool {
        matches!(self, StageStatus::Complete | StageStatus::Failed)
    }
}

/// `GET /applications/<id>/stages`: one stage attempt, totals over its tasks. Times in
/// ms except `executor_cpu_time`, `executor_deserialize_cpu_time` and
/// `shuffle_write_time` (ns).
#[derive(Debug, Clone, PartialEq, Deserialize, Default)]
#[serde(rename_all = "camelCase", default)]
pub struct Stage {
    pub status: StageStatus,
    #[serde(deserialize_with = "num")]
    pub stage_id: f64,
    #[serde(deserialize_with = "num")]
    pub attempt_id: f64,
    #[serde(deserialize_with = "text")]
    pub name: String,
    #[serde(deserialize_with = "num")]
    pub num_tasks: f64,
    #[serde(deserialize_with = "num")]
    pub num_active_tasks: f64,
    #[serde(deserialize_with = "num")]
    pub num_complete_tasks: f64,
    #[serde(deserialize_with = "num")]
    pub num_failed_tasks: f64,
    #[serde(deserialize_with = "num")]
    pub num_killed_tasks: f64,
    pub submission_time: Option<String>,
    pub completion_time: Option<String>,
    #[serde(deserialize_with = "num")]
    pub executor_run_time: f64,
    #[serde(deserialize_with = "num")]
    pub executor_cpu_time: f64,
    #[serde(deserialize_with = "num")]
    pub executor_deserialize_time: f64,
    #[serde(deserialize_with = "num")]
    pub executor_deserialize_cpu_time: f64,
    #[serde(deserialize_with = "num")]
    pub result_serialization_time: f64,
    #[serde(deserialize_with = "num")]
    pub jvm_gc_time: f64,
    #[serde(deserialize_with = "num")]
    pub memory_bytes_spilled: f64,
    #[serde(deserialize_with = "num")]
    pub disk_bytes_spilled: f64,
    #[serde(deserialize_with = "num")]
    pub input_bytes: f64,
    #[serde(deserialize_with = "num")]
    pub input_records: f64,
    #[serde(deserialize_with = "num")]
    pub output_bytes: f64,
    #[serde(deserialize_with = "num")]
    pub output_records: f64,
    #[serde(deserialize_with = "num")]
    pub shuffle_read_bytes: f64,
    #[serde(deserialize_with = "num")]
    pub shuffle_read_records: f64,
    #[serde(deserialize_with = "num")]
    pub shuffle_fetch_wait_time: f64,
    #[serde(deserialize_with = "num")]
    pub shuffle_write_bytes: f64,
    #[serde(deserialize_with = "num")]
    pub shuffle_write_records: f64,
    #[serde(deserialize_with = "num")]
    pub shuffle_write_time: f64,
}

/// `GET …/stages/<id>/<attempt>/taskSummary?quantiles=…`: per-metric quantiles over the
/// stage's successful tasks, each list as long as `quantiles`.
#[derive(Debug, Clone, PartialEq, Deserialize, Default)]
#[serde(rename_all = "camelCase", default)]
pub struct TaskSummary {
    #[serde(deserialize_with = "nums")]
    pub quantiles: Vec<f64>,
    #[serde(deserialize_with = "nums")]
    pub duration: Vec<f64>,
    #[serde(deserialize_with = "nums")]
    pub executor_deserialize_time: Vec<f64>,
    #[serde(deserialize_with = "nums")]
    pub executor_run_time: Vec<f64>,
    #[serde(deserialize_with = "nums")]
    pub executor_cpu_time: Vec<f64>,
    #[serde(deserialize_with = "nums")]
    pub jvm_gc_time: Vec<f64>,
    #[serde(deserialize_with = "nums")]
    pub result_serialization_time: Vec<f64>,
    #[serde(deserialize_with = "nums")]
    pub getting_result_time: Vec<f64>,
    #[serde(deserialize_with = "nums")]
    pub scheduler_delay: Vec<f64>,
    #[serde(deserialize_with = "nums")]
    pub peak_execution_memory: Vec<f64>,
    #[serde(deserialize_with = "nums")]
    pub memory_bytes_spilled: Vec<f64>,
    #[serde(deserialize_with = "nums")]
    pub disk_bytes_spilled: Vec<f64>,
    pub input_metrics: InputDist,
    pub output_metrics: OutputDist,
    pub shuffle_read_metrics: ShuffleReadDist,
    pub shuffle_write_metrics: ShuffleWriteDist,
}

/// Input quantiles.
#[derive(Debug, Clone, PartialEq, Deserialize, Default)]
#[serde(rename_all = "camelCase", default)]
pub struct InputDist {
    #[serde(deserialize_with = "nums")]
    pub bytes_read: Vec<f64>,
    #[serde(deserialize_with = "nums")]
    pub records_read: Vec<f64>,
}

/// Output quantiles.
#[derive(Debug, Clone, PartialEq, Deserialize, Default)]
#[serde(rename_all = "camelCase", default)]
pub struct OutputDist {
    #[serde(deserialize_with = "nums")]
    pub bytes_written: Vec<f64>,
    #[serde(deserialize_with = "nums")]
    pub records_written: Vec<f64>,
}

/// Shuffle read quantiles.
#[derive(Debug, Clone, PartialEq, Deserialize, Default)]
#[serde(rename_all = "camelCase", default)]
pub struct ShuffleReadDist {
    #[serde(deserialize_with = "nums")]
    pub read_bytes: Vec<f64>,
    #[serde(deserialize_with = "nums")]
    pub read_records: Vec<f64>,
    #[serde(deserialize_with = "nums")]
    pub fetch_wait_time: Vec<f64>,
    #[serde(deserialize_with = "nums")]
    pub remote_bytes_read: Vec<f64>,
}

/// Shuffle write quantiles (`write_time` in ns).
#[derive(Debug, Clone, PartialEq, Deserialize, Default)]
#[serde(rename_all = "camelCase", default)]
pub struct ShuffleWriteDist {
    #[serde(deserialize_with = "nums")]
    pub write_bytes: Vec<f64>,
    #[serde(deserialize_with = "nums")]
    pub write_records: Vec<f64>,
    #[serde(deserialize_with = "nums")]
    pub write_time: Vec<f64>,
}

/// A job's status.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Default)]
#[serde(rename_all = "UPPERCASE")]
pub enum JobStatus {
    Running,
    Succeeded,
    Failed,
    #[default]
    #[serde(other)]
    Unknown,
}

impl JobStatus {
    /// Every status, in label order.
    pub const ALL: [JobStatus; 4] = [
        JobStatus::Running,
        JobStatus::Succeeded,
        JobStatus::Failed,
        JobStatus::Unknown,
    ];

    /// The label value.
    pub fn as_str(self) -> &'static str {
        match self {
            JobStatus::Running => "running",
            JobStatus::Succeeded => "succeeded",
            JobStatus::Failed => "failed",
            JobStatus::Unknown => "unknown",
        }
    }
}

/// `GET /applications/<id>/jobs`: one job.
#[derive(Debug, Clone, PartialEq, Deserialize, Default)]
#[serde(rename_all = "camelCase", default)]
pub struct Job {
    #[serde(deserialize_with = "num")]
    pub job_id: f64,
    #[serde(deserialize_with = "text")]
    pub name: String,
    pub job_group: Option<String>,
    pub status: JobStatus,
    pub submission_time: Option<String>,
    pub completion_time: Option<String>,
    #[serde(deserialize_with = "num")]
    pub num_tasks: f64,
    #[serde(deserialize_with = "num")]
    pub num_active_tasks: f64,
    #[serde(deserialize_with = "num")]
    pub num_completed_tasks: f64,
    #[serde(deserialize_with = "num")]
    pub num_skipped_tasks: f64,
    #[serde(deserialize_with = "num")]
    pub num_failed_tasks: f64,
    #[serde(deserialize_with = "num")]
    pub num_killed_tasks: f64,
    #[serde(deserialize_with = "num")]
    pub num_active_stages: f64,
    #[serde(deserialize_with = "num")]
    pub num_completed_stages: f64,
    #[serde(deserialize_with = "num")]
    pub num_skipped_stages: f64,
    #[serde(deserialize_with = "num")]
    pub num_failed_stages: f64,
    /// The stages the job planned, skipped ones included.
    #[serde(deserialize_with = "nums")]
    pub stage_ids: Vec<f64>,
}

/// `GET /applications/<id>/allexecutors`: one executor, active or removed (Spark's
/// `ExecutorSummary`: a removed one keeps `isActive: false`, `removeTime` and
/// `removeReason`, the loss reason's text, e.g. `Command exited with code 137`).
#[derive(Debug, Clone, PartialEq, Deserialize, Default)]
#[serde(rename_all = "camelCase", default)]
pub struct Executor {
    #[serde(deserialize_with = "text")]
    pub id: String,
    #[serde(deserialize_with = "text")]
    pub host_port: String,
    pub is_active: Option<bool>,
    #[serde(deserialize_with = "text")]
    pub remove_time: String,
    #[serde(deserialize_with = "text")]
    pub remove_reason: String,
}

/// `GET /applications/<id>/environment`, the Spark properties only.
#[derive(Debug, Clone, PartialEq, Deserialize, Default)]
#[serde(rename_all = "camelCase", default)]
pub struct Environment {
    pub spark_properties: Vec<(String, String)>,
}

impl Environment {
    /// A property's value.
    pub fn property(&self, key: &str) -> Option<&str> {
        self.spark_properties
            .iter()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v.as_str())
    }
}

/// A SQL execution's status (`/sql`'s `status`: Spark's `SqlResource` writes `RUNNING`,
/// `COMPLETED` or `FAILED`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Deserialize, Default)]
#[serde(rename_all = "UPPERCASE")]
pub enum SqlStatus {
    Running,
    Completed,
    Failed,
    #[default]
    #[serde(other)]
    Unknown,
}

impl SqlStatus {
    /// Every status, in label order.
    pub const ALL: [SqlStatus; 4] = [
        SqlStatus::Running,
        SqlStatus::Completed,
        SqlStatus::Failed,
        SqlStatus::Unknown,
    ];

    /// The label value.
    pub fn as_str(self) -> &'static str {
        match self {
            SqlStatus::Running => "running",
            SqlStatus::Completed => "completed",
            SqlStatus::Failed => "failed",
            SqlStatus::Unknown => "unknown",
        }
    }
}

/// `GET /applications/<id>/sql`: one SQL execution (a DataFrame action or a SQL
/// statement). `duration` is in ms, up to now while it runs; `nodes` is empty with
/// `details=false`. Spark 4.x adds `queryId`, `errorMessage` and `rootExecutionId`, which
/// 3.5 lacks (tests/fixtures/sql/).
#[derive(Debug, Clone, PartialEq, Deserialize, Default)]
#[serde(rename_all = "camelCase", default)]
pub struct SqlExecution {
    #[serde(deserialize_with = "num")]
    pub id: f64,
    pub status: SqlStatus,
    #[serde(deserialize_with = "text")]
    pub description: String,
    pub submission_time: Option<String>,
    #[serde(deserialize_with = "num")]
    pub duration: f64,
    #[serde(deserialize_with = "nums")]
    pub running_job_ids: Vec<f64>,
    #[serde(deserialize_with = "nums")]
    pub success_job_ids: Vec<f64>,
    #[serde(deserialize_with = "nums")]
    pub failed_job_ids: Vec<f64>,
    pub nodes: Vec<SqlNode>,
}

/// One operator of an execution's physical plan, with its SQL metrics.
#[derive(Debug, Clone, PartialEq, Deserialize, Default)]
#[serde(rename_all = "camelCase", default)]
pub struct SqlNode {
    #[serde(deserialize_with = "num")]
    pub node_id: f64,
    #[serde(deserialize_with = "text")]
    pub node_name: String,
    pub metrics: Vec<SqlMetric>,
}

/// A SQL metric as the REST API writes it: a name and its rendered text.
#[derive(Debug, Clone, PartialEq, Deserialize, Default)]
#[serde(default)]
pub struct SqlMetric {
    #[serde(deserialize_with = "text")]
    pub name: String,
    #[serde(deserialize_with = "text")]
    pub value: String,
}

/// What a SQL metric's text reads as.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum MetricValue {
    /// A duration, in seconds.
    Seconds(f64),
    /// A size, in bytes.
    Bytes(f64),
    /// A plain number (rows, partitions, blocks).
    Count(f64),
}

/// Reads the total of a SQL metric's text. Spark renders metrics in `SQLMetrics.stringValue`
/// (sql/core/.../execution/metric/SQLMetrics.scala): a sum as `200,000` (US grouping), a
/// timing as `Utils.msDurationToString` (`64 ms`, `1.8 s`, `2.0 m`, `1.1 h`), a size as
/// `Utils.bytesToString` (`36.0 MiB`); with more than one task, the text is
/// `total (min, med, max (stageId: taskId))` then a new line, the total, and the
/// distribution in parentheses. `None` for anything else, never a panic.
///
/// ```
/// use spark_exporter::rest::model::{parse_metric_value, MetricValue};
/// assert_eq!(parse_metric_value("200,000"), Some(MetricValue::Count(200000.0)));
/// assert_eq!(parse_metric_value("total (min, med, max (stageId: taskId))\n1.8 s (891 ms, 913 ms, 913 ms (stage 7.0: task 7))"),
///            Some(MetricValue::Seconds(1.8)));
/// assert_eq!(parse_metric_value("36.0 MiB"), Some(MetricValue::Bytes(36.0 * 1048576.0)));
/// assert_eq!(parse_metric_value("n/a"), None);
/// ```
pub fn parse_metric_value(text: &str) -> Option<MetricValue> {
    // The total is the first line that is not the header, before the distribution.
    let line = text
        .lines()
        .map(str::trim)
        .find(|l| !l.is_empty() && !l.starts_with("total ("))?;
    let total = line.split(" (").next()?.trim();
    let (number, unit) = match total.split_once(' ') {
        Some((n, u)) => (n, u.trim()),
        None => (total, ""),
    };
    let n: f64 = number
        .replace(',', "")
        .parse()
        .ok()
        .filter(|v: &f64| v.is_finite())?;
    let bytes = |p: i32| Some(MetricValue::Bytes(n * 1024f64.powi(p)));
    match unit {
        "" => Some(MetricValue::Count(n)),
        "ms" => Some(MetricValue::Seconds(n / 1e3)),
        "s" => Some(MetricValue::Seconds(n)),
        "m" => Some(MetricValue::Seconds(n * 60.0)),
        "h" => Some(MetricValue::Seconds(n * 3600.0)),
        "B" => bytes(0),
        "KiB" => bytes(1),
        "MiB" => bytes(2),
        "GiB" => bytes(3),
        "TiB" => bytes(4),
        "PiB" => bytes(5),
        "EiB" => bytes(6),
        _ => None,
    }
}

/// Why a body could not be decoded.
#[derive(Debug, thiserror::Error)]
#[error("not the JSON Spark's REST API returns ({what}): {source}")]
pub struct DecodeError {
    what: &'static str,
    #[source]
    source: serde_json::Error,
}

fn decode<'a, T: Deserialize<'a>>(what: &'static str, body: &'a [u8]) -> Result<T, DecodeError> {
    serde_json::from_slice(body).map_err(|source| DecodeError { what, source })
}

/// Decodes `/applications`.
pub fn decode_applications(body: &[u8]) -> Result<Vec<Application>, DecodeError> {
    decode("an application list", body)
}

/// Decodes `/applications/<id>/stages`.
pub fn decode_stages(body: &[u8]) -> Result<Vec<Stage>, DecodeError> {
    decode("a stage list", body)
}

/// Decodes `…/taskSummary`. Lists whose length differs from `quantiles` are emptied
/// (never read out of bounds).
///
/// ```
/// use spark_exporter::rest::model::decode_task_summary;
/// let s = decode_task_summary(br#"{"quantiles":[0.5,1.0],"duration":[10.0,40.0],"jvmGcTime":[1.0]}"#).unwrap();
/// assert_eq!(s.duration, vec![10.0, 40.0]);
/// assert!(s.jvm_gc_time.is_empty());
/// ```
pub fn decode_task_summary(body: &[u8]) -> Result<TaskSummary, DecodeError> {
    let mut s: TaskSummary = decode("a task summary", body)?;
    let n = s.quantiles.len();
    for list in [
        &mut s.duration,
        &mut s.executor_deserialize_time,
        &mut s.executor_run_time,
        &mut s.executor_cpu_time,
        &mut s.jvm_gc_time,
        &mut s.result_serialization_time,
        &mut s.getting_result_time,
        &mut s.scheduler_delay,
        &mut s.peak_execution_memory,
        &mut s.memory_bytes_spilled,
        &mut s.disk_bytes_spilled,
        &mut s.input_metrics.bytes_read,
        &mut s.input_metrics.records_read,
        &mut s.output_metrics.bytes_written,
        &mut s.output_metrics.records_written,
        &mut s.shuffle_read_metrics.read_bytes,
        &mut s.shuffle_read_metrics.read_records,
        &mut s.shuffle_read_metrics.fetch_wait_time,
        &mut s.shuffle_read_metrics.remote_bytes_read,
        &mut s.shuffle_write_metrics.write_bytes,
        &mut s.shuffle_write_metrics.write_records,
        &mut s.shuffle_write_metrics.write_time,
    ] {
        if list.len() != n {
            list.clear();
        }
    }
    Ok(s)
}

/// Decodes `/applications/<id>/jobs`.
pub fn decode_jobs(body: &[u8]) -> Result<Vec<Job>, DecodeError> {
    decode("a job list", body)
}

/// Decodes `/applications/<id>/executors` or `/allexecutors`.
pub fn decode_executors(body: &[u8]) -> Result<Vec<Executor>, DecodeError> {
    decode("an executor list", body)
}

/// Decodes `/applications/<id>/sql`.
pub fn decode_sql_executions(body: &[u8]) -> Result<Vec<SqlExecution>, DecodeError> {
    decode("a SQL execution list", body)
}

/// Decodes `/applications/<id>/sql/<execution id>`.
pub fn decode_sql_execution(body: &[u8]) -> Result<SqlExecution, DecodeError> {
    decode("a SQL execution", body)
}

/// Decodes `/applications/<id>/environment`.
pub fn decode_environment(body: &[u8]) -> Result<Environment, DecodeError> {
    decode("an environment", body)
}

/// Parses the REST API's dates (`2026-11-21T05:26:57.907GMT`) to epoch milliseconds.
/// `None` for anything else, never a panic.
///
/// ```
/// use spark_exporter::rest::model::parse_spark_date;
/// assert_eq!(parse_spark_date("1970-01-01T00:00:00.000GMT"), Some(0));
/// assert_eq!(parse_spark_date("2026-11-21T05:26:57.907GMT"), Some(1795238817907));
/// assert_eq!(parse_spark_date("yesterday"), None);
/// ```
pub fn parse_spark_date(s: &str) -> Option<i64> {
    let b = s.as_bytes();
    if b.len() < 23 || !s.is_ascii() {
        return None;
    }
    let n = |r: std::ops::Range<usize>| -> Option<i64> {
        let part = &s[r];
        if part.bytes().all(|c| c.is_ascii_digit()) {
            part.parse().ok()
        } else {
            None
        }
    };
    if b[4] != b'-'
        || b[7] != b'-'
        || b[10] != b'T'
        || b[13] != b':'
        || b[16] != b':'
        || b[19] != b'.'
    {
        return None;
    }
    let (year, month, day) = (n(0..4)?, n(5..7)?, n(8..10)?);
    let (hour, minute, second, milli) = (n(11..13)?, n(14..16)?, n(17..19)?, n(20..23)?);
    let zone = &s[23..];
    if !(zone == "GMT" || zone == "Z" || zone == "UTC" || zone.is_empty()) {
        return None;
    }
    if !(1..=12).contains(&month)
        || !(1..=31).contains(&day)
        || hour > 23
        || minute > 59
        || second > 60
    {
        return None;
    }
    let days = days_from_civil(year, month, day);
    Some(((days * 24 + hour) * 60 + minute) * 60_000 + second * 1000 + milli)
}

/// Formats epoch milliseconds the way the REST API writes (and its `minEndDate` parameter
/// reads) dates.
///
/// ```
/// use spark_exporter::rest::model::{format_spark_date, parse_spark_date};
/// assert_eq!(format_spark_date(1795238817907), "2026-11-21T05:26:57.907GMT");
/// assert_eq!(parse_spark_date(&format_spark_date(-1)), Some(-1));
/// ```
pub fn format_spark_date(ms: i64) -> String {
    let days = ms.div_euclid(86_400_000);
    let rem = ms.rem_euclid(86_400_000);
    let (y, m, d) = civil_from_days(days);
    format!(
        "{y:04}-{m:02}-{d:02}T{:02}:{:02}:{:02}.{:03}GMT",
        rem / 3_600_000,
        rem / 60_000 % 60,
        rem / 1000 % 60,
        rem % 1000
    )
}

/// (year, month, day) of a day count since 1970-01-01 (Howard Hinnant's algorithm).
fn civil_from_days(z: i64) -> (i64, i64, i64) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let y = yoe + era * 400;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    (if m <= 2 { y + 1 } else { y }, m, d)
}

/// Days since 1970-01-01 (Howard Hinnant's algorithm).
fn days_from_civil(y: i64, m: i64, d: i64) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (m + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates() {
        assert_eq!(
            parse_spark_date("2000-03-01T00:00:00.000GMT"),
            Some(951_868_800_000)
        );
        assert_eq!(parse_spark_date("1969-12-31T23:59:59.999GMT"), Some(-1));
        assert_eq!(parse_spark_date("2026-11-21T05:26:57.907+01"), None);
        assert_eq!(parse_spark_date("2026-13-21T05:26:57.907GMT"), None);
        assert_eq!(parse_spark_date("２０２６-11-21T05:26:57.907GMT"), None);
    }

    #[test]
    fn lenient_numbers() {
        let s: Vec<Stage> = serde_json::from_str(
            r#"[{"stageId":"4","attemptId":null,"status":"SOMETHING_NEW","numTasks":1e2}]"#,
        )
        .unwrap();
        assert_eq!(s[0].stage_id, 4.0);
        assert_eq!(s[0].attempt_id, 0.0);
        assert_eq!(s[0].status, StageStatus::Unknown);
        assert_eq!(s[0].num_tasks, 100.0);
        assert!(decode_stages(br#"{"not":"a list"}"#).is_err());
        assert!(decode_stages(b"<html>Spark is starting up</html>").is_err());
    }
    /// The answers recorded on both Spark versions (tests/fixtures/sql/) decode the same way:
    /// 3.5.9 lacks fields 4.3.0 has, which must not matter.
    #[test]
    fn recorded_sql_answers_of_both_versions_decode() {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/sql");
        for version in ["3.5.9", "4.3.0"] {
            let read = |name: &str| {
                std::fs::read(dir.join(version).join(name))
                    .unwrap_or_else(|e| panic!("{version}/{name}: {e}"))
            };
            let details = decode_sql_executions(&read("sql_details.json")).unwrap();
            assert!(
                details.len() >= 4,
                "{version}: {} executions",
                details.len()
            );
            assert!(
                details.iter().all(|e| e.status != SqlStatus::Unknown),
                "{version}"
            );
            assert!(
                details.iter().any(|e| e.status == SqlStatus::Failed),
                "{version}"
            );
            assert!(
                details.iter().any(|e| !e.failed_job_ids.is_empty()),
                "{version}"
            );
            let ids: Vec<f64> = details.iter().map(|e| e.id).collect();
            assert!(ids.windows(2).all(|w| w[0] < w[1]), "{version}: {ids:?}");
            // Every metric Spark rendered reads as a number, the heaviest operators' ranking
            // depends on it.
            let metrics: Vec<&SqlMetric> = details
                .iter()
                .flat_map(|e| &e.nodes)
                .flat_map(|n| &n.metrics)
                .collect();
            assert!(metrics.len() > 20, "{version}: {} metrics", metrics.len());
            for m in &metrics {
                assert!(
                    parse_metric_value(&m.value).is_some(),
                    "{version}: {} = {:?}",
                    m.name,
                    m.value
                );
            }
            let listed = decode_sql_executions(&read("sql_no_details.json")).unwrap();
            assert_eq!(listed.len(), details.len(), "{version}");
            assert!(listed.iter().all(|e| e.nodes.is_empty()), "{version}");
            let one = decode_sql_execution(&read("sql_one.json")).unwrap();
            assert_eq!(one.id, 1.0, "{version}");
            assert!(!one.nodes.is_empty(), "{version}");
        }
    }
}
