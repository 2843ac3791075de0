//! The spans spark-traces makes, before they are encoded as OTLP, and the names of their
//! attributes (the span convention the Spark Job Tracing dashboard relies on).

use crate::ids::{SpanId, TraceId};

/// Span names.
pub mod names {
    /// The whole application, from `SparkListenerApplicationStart` to `…End`.
    pub const APPLICATION: &str = "spark.application";
    /// One SQL execution (`SQLExecutionStart` to `SQLExecutionEnd`).
    pub const SQL: &str = "spark.sql";
    /// One job (`JobStart` to `JobEnd`).
    pub const JOB: &str = "spark.job";
    /// One stage attempt (`StageSubmitted` to `StageCompleted`).
    pub const STAGE: &str = "spark.stage";
    /// One task attempt (its `Launch Time` to its `Finish Time`).
    pub const TASK: &str = "spark.task";
    /// Every span name, from the root down.
    pub const ALL: [&str; 5] = [APPLICATION, SQL, JOB, STAGE, TASK];
}

/// Attribute names: resource attributes, span attributes, link and event attributes.
///
/// Times are in milliseconds (`_ms`) or nanoseconds (`_ns`) as Spark records them, sizes in
/// bytes (`_bytes`); the unit is always in the name.
pub mod attrs {
    /// Resource: the service name (`spark` unless configured otherwise).
    pub const SERVICE_NAME: &str = "service.name";
    /// Resource and application span: `spark.app.id`.
    pub const APP_ID: &str = "spark.app.id";
    /// Resource and application span: `spark.app.name`.
    pub const APP_NAME: &str = "spark.app.name";
    /// Resource and application span: the application attempt, when there is one.
    pub const APP_ATTEMPT: &str = "spark.app.attempt";
    /// Resource: the Spark version that wrote the log.
    pub const SPARK_VERSION: &str = "spark.version";
    /// Application span: the user that ran it.
    pub const USER: &str = "spark.user";
    /// Application span: the exit code (Spark 4.x).
    pub const EXIT_CODE: &str = "spark.app.exit_code";

    /// Every span: `SUCCEEDED`, `FAILED`, `KILLED` or `UNFINISHED` (the log ended first).
    pub const STATUS: &str = "spark.status";
    /// Failed and killed spans: why (exception message, stage failure reason, kill reason).
    pub const FAILURE_REASON: &str = "spark.failure_reason";

    /// SQL, job, stage and task spans: the SQL execution id.
    pub const SQL_EXECUTION_ID: &str = "spark.sql.execution.id";
    /// SQL span: the outermost execution of nested ones.
    pub const SQL_ROOT_EXECUTION_ID: &str = "spark.sql.root_execution.id";
    /// SQL span: the description (call site or the job description the application set).
    pub const SQL_DESCRIPTION: &str = "spark.sql.description";
    /// SQL span: the query id (Spark 4.x).
    pub const SQL_QUERY_ID: &str = "spark.sql.query_id";

    /// Job, stage and task spans: the job id.
    pub const JOB_ID: &str = "spark.job.id";
    /// Job span: `spark.job.description`.
    pub const JOB_DESCRIPTION: &str = "spark.job.description";
    /// Job span: `spark.jobGroup.id`.
    pub const JOB_GROUP: &str = "spark.job.group";
    /// Job span: the ids of its stages (skipped ones included).
    pub const JOB_STAGE_IDS: &str = "spark.job.stage_ids";
    /// Job span: how many of its stages were skipped (their output already existed).
    pub const JOB_SKIPPED_STAGES: &str = "spark.job.skipped_stages";

    /// Stage and task spans: the stage id.
    pub const STAGE_ID: &str = "spark.stage.id";
    /// Stage and task spans: the stage attempt (`0` first, more after fetch failures).
    pub const STAGE_ATTEMPT: &str = "spark.stage.attempt";
    /// Stage span: the stage name (the call site).
    pub const STAGE_NAME: &str = "spark.stage.name";
    /// Stage span: `Number of Tasks`.
    pub const STAGE_NUM_TASKS: &str = "spark.stage.num_tasks";
    /// Stage span: task attempts that ended in this stage attempt (all of them, sampled or not).
    pub const STAGE_TASK_COUNT: &str = "spark.stage.task_count";
    /// Stage span: of those, failed ones.
    pub const STAGE_FAILED_TASKS: &str = "spark.stage.failed_task_count";
    /// Stage span: of those, killed ones.
    pub const STAGE_KILLED_TASKS: &str = "spark.stage.killed_task_count";
    /// Stage span: task spans exported (after sampling).
    pub const STAGE_SAMPLED_TASKS: &str = "spark.stage.sampled_task_count";
    /// Stage span: task duration (launch to finish) quantiles over every task attempt, ms.
    pub const STAGE_TASK_DURATION_MIN: &str = "spark.stage.task_duration.min_ms";
    /// See [`STAGE_TASK_DURATION_MIN`].
    pub const STAGE_TASK_DURATION_P25: &str = "spark.stage.task_duration.p25_ms";
    /// See [`STAGE_TASK_DURATION_MIN`].
    pub const STAGE_TASK_DURATION_P50: &str = "spark.stage.task_duration.p50_ms";
    /// See [`STAGE_TASK_DURATION_MIN`].
    pub const STAGE_TASK_DURATION_P75: &str = "spark.stage.task_duration.p75_ms";
    /// See [`STAGE_TASK_DURATION_MIN`].
    pub const STAGE_TASK_DURATION_P95: &str = "spark.stage.task_duration.p95_ms";
    /// See [`STAGE_TASK_DURATION_MIN`].
    pub const STAGE_TASK_DURATION_MAX: &str = "spark.stage.task_duration.max_ms";
    /// Stage span: max task duration over the median (1 = even; see the crate docs).
    pub const STAGE_SKEW_RATIO: &str = "spark.stage.skew_ratio";
    /// Stage span: task executor run time, summed, ms.
    pub const STAGE_RUN_TIME: &str = "spark.stage.run_time_ms";
    /// Stage span: task GC time, summed, ms.
    pub const STAGE_GC_TIME: &str = "spark.stage.gc_time_ms";
    /// Stage span: shuffle bytes read, summed.
    pub const STAGE_SHUFFLE_READ_BYTES: &str = "spark.stage.shuffle_read_bytes";
    /// Stage span: shuffle bytes written, summed.
    pub const STAGE_SHUFFLE_WRITE_BYTES: &str = "spark.stage.shuffle_write_bytes";
    /// Stage span: shuffle fetch wait, summed, ms.
    pub const STAGE_FETCH_WAIT_TIME: &str = "spark.stage.shuffle_fetch_wait_time_ms";
    /// Stage span: bytes spilled from memory, summed.
    pub const STAGE_MEMORY_SPILLED: &str = "spark.stage.memory_spilled_bytes";
    /// Stage span: bytes spilled to disk, summed.
    pub const STAGE_DISK_SPILLED: &str = "spark.stage.disk_spilled_bytes";

    /// Task span: the task id.
    pub const TASK_ID: &str = "spark.task.id";
    /// Task span: the partition index within the stage.
    pub const TASK_INDEX: &str = "spark.task.index";
    /// Task span: the attempt of this task.
    pub const TASK_ATTEMPT: &str = "spark.task.attempt";
    /// Task span: `ResultTask` or `ShuffleMapTask`.
    pub const TASK_TYPE: &str = "spark.task.type";
    /// Task span: `Success`, `ExceptionFailure`, `TaskKilled`, `FetchFailed`, …
    pub const TASK_END_REASON: &str = "spark.task.end_reason";
    /// Task span: locality (`PROCESS_LOCAL`, `NODE_LOCAL`, `ANY`, …).
    pub const TASK_LOCALITY: &str = "spark.task.locality";
    /// Task span: a speculative copy.
    pub const TASK_SPECULATIVE: &str = "spark.task.speculative";
    /// Task span: the executor that ran it.
    pub const EXECUTOR_ID: &str = "spark.executor.id";
    /// Task span: the executor's host.
    pub const EXECUTOR_HOST: &str = "spark.executor.host";

    /// Task metric: executor run time, ms.
    pub const TASK_RUN_TIME: &str = "spark.task.run_time_ms";
    /// Task metric: executor CPU time, ns.
    pub const TASK_CPU_TIME: &str = "spark.task.cpu_time_ns";
    /// Task metric: deserialization time, ms.
    pub const TASK_DESERIALIZE_TIME: &str = "spark.task.deserialize_time_ms";
    /// Task metric: deserialization CPU time, ns.
    pub const TASK_DESERIALIZE_CPU_TIME: &str = "spark.task.deserialize_cpu_time_ns";
    /// Task metric: result serialization time, ms.
    pub const TASK_RESULT_SERIALIZATION_TIME: &str = "spark.task.result_serialization_time_ms";
    /// Task metric: JVM GC time while the task ran, ms.
    pub const TASK_GC_TIME: &str = "spark.task.gc_time_ms";
    /// Task metric: peak execution memory, bytes.
    pub const TASK_PEAK_EXECUTION_MEMORY: &str = "spark.task.peak_execution_memory_bytes";
    /// Task metric: bytes spilled from memory.
    pub const TASK_MEMORY_SPILLED: &str = "spark.task.memory_spilled_bytes";
    /// Task metric: bytes spilled to disk.
    pub const TASK_DISK_SPILLED: &str = "spark.task.disk_spilled_bytes";
    /// Task metric: result size, bytes.
    pub const TASK_RESULT_SIZE: &str = "spark.task.result_size_bytes";
    /// Task metric: input bytes read.
    pub const TASK_INPUT_BYTES: &str = "spark.task.input_bytes";
    /// Task metric: input records read.
    pub const TASK_INPUT_RECORDS: &str = "spark.task.input_records";
    /// Task metric: output bytes written.
    pub const TASK_OUTPUT_BYTES: &str = "spark.task.output_bytes";
    /// Task metric: output records written.
    pub const TASK_OUTPUT_RECORDS: &str = "spark.task.output_records";
    /// Task metric: shuffle bytes read (local + remote).
    pub const TASK_SHUFFLE_READ_BYTES: &str = "spark.task.shuffle_read_bytes";
    /// Task metric: shuffle bytes read from other executors.
    pub const TASK_SHUFFLE_REMOTE_READ_BYTES: &str = "spark.task.shuffle_remote_read_bytes";
    /// Task metric: shuffle records read.
    pub const TASK_SHUFFLE_READ_RECORDS: &str = "spark.task.shuffle_read_records";
    /// Task metric: time blocked waiting for shuffle blocks, ms.
    pub const TASK_SHUFFLE_FETCH_WAIT_TIME: &str = "spark.task.shuffle_fetch_wait_time_ms";
    /// Task metric: shuffle bytes written.
    pub const TASK_SHUFFLE_WRITE_BYTES: &str = "spark.task.shuffle_write_bytes";
    /// Task metric: shuffle records written.
    pub const TASK_SHUFFLE_WRITE_RECORDS: &str = "spark.task.shuffle_write_records";
    /// Task metric: time spent writing shuffle output, ns.
    pub const TASK_SHUFFLE_WRITE_TIME: &str = "spark.task.shuffle_write_time_ns";

    /// Link attribute: what the link means (`previous_attempt`, `application`).
    pub const LINK_TYPE: &str = "spark.link.type";
    /// Exception event attributes (OpenTelemetry semantic conventions).
    pub const EXCEPTION_TYPE: &str = "exception.type";
    /// See [`EXCEPTION_TYPE`].
    pub const EXCEPTION_MESSAGE: &str = "exception.message";
}

/// Span event names.
pub mod events {
    /// On a stage attempt after the first: it retries the previous attempt.
    pub const STAGE_RETRY: &str = "spark.stage.retry";
    /// On a failed task: the exception (OpenTelemetry's `exception` event).
    pub const EXCEPTION: &str = "exception";
}

/// An attribute value.
#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    /// A string.
    Str(String),
    /// An integer.
    Int(i64),
    /// A float.
    F64(f64),
    /// A boolean.
    Bool(bool),
    /// An array of integers.
    Ints(Vec<i64>),
}

impl From<&str> for Value {
    fn from(s: &str) -> Self {
        Value::Str(s.to_string())
    }
}
impl From<String> for Value {
    fn from(s: String) -> Self {
        Value::Str(s)
    }
}
impl From<i64> for Value {
    fn from(v: i64) -> Self {
        Value::Int(v)
    }
}
impl From<f64> for Value {
    fn from(v: f64) -> Self {
        Value::F64(v)
    }
}
impl From<bool> for Value {
    fn from(v: bool) -> Self {
        Value::Bool(v)
    }
}

/// Span attributes, in the order they were set.
pub type Attributes = Vec<(&'static str, Value)>;

/// How a span ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Status {
    /// Succeeded (OTLP `STATUS_CODE_OK`).
    Ok,
    /// Failed (OTLP `STATUS_CODE_ERROR`, with the failure reason as message).
    Error,
    /// Killed, or never finished in the log (OTLP `STATUS_CODE_UNSET`).
    Unset,
}

/// An event within a span.
#[derive(Debug, Clone, PartialEq)]
pub struct SpanEvent {
    /// When, ns since the epoch.
    pub time_ns: u64,
    /// Its name.
    pub name: &'static str,
    /// Its attributes.
    pub attributes: Attributes,
}

/// A link to another span.
#[derive(Debug, Clone, PartialEq)]
pub struct SpanLink {
    /// The linked span's trace.
    pub trace_id: TraceId,
    /// The linked span.
    pub span_id: SpanId,
    /// What the link means.
    pub attributes: Attributes,
}

/// One span.
#[derive(Debug, Clone, PartialEq)]
pub struct Span {
    /// Its trace.
    pub trace_id: TraceId,
    /// Its id.
    pub span_id: SpanId,
    /// Its parent, `None` for a trace's root.
    pub parent_span_id: Option<SpanId>,
    /// One of [`names`].
    pub name: &'static str,
    /// Start, ns since the epoch.
    pub start_ns: u64,
    /// End, ns since the epoch (never before the start).
    pub end_ns: u64,
    /// Attributes.
    pub attributes: Attributes,
    /// Events.
    pub events: Vec<SpanEvent>,
    /// Links.
    pub links: Vec<SpanLink>,
    /// Status.
    pub status: Status,
    /// The status message (the failure reason of a failed span).
    pub status_message: String,
}

impl Span {
    /// The value of attribute `key`, if set.
    ///
    /// ```
    /// use spark_traces::span::{Span, Status, Value};
    /// let s = Span { trace_id: [1; 16], span_id: [2; 8], parent_span_id: None, name: "spark.job",
    ///     start_ns: 0, end_ns: 1, attributes: vec![("spark.job.id", Value::Int(3))],
    ///     events: vec![], links: vec![], status: Status::Ok, status_message: String::new() };
    /// assert_eq!(s.attr("spark.job.id"), Some(&Value::Int(3)));
    /// assert_eq!(s.attr("spark.stage.id"), None);
    /// ```
    pub fn attr(&self, key: &str) -> Option<&Value> {
        self.attributes
            .iter()
            .find(|(k, _)| *k == key)
            .map(|(_, v)| v)
    }
}

/// The resource of an application's spans.
#[derive(Debug, Clone, PartialEq, Default, serde::Serialize, serde::Deserialize)]
pub struct AppResource {
    /// `spark.app.id`.
    pub app_id: String,
    /// `spark.app.name`.
    pub app_name: String,
    /// `spark.app.attempt`, when the log has one.
    pub app_attempt: Option<String>,
    /// `spark.version`, when the log has a `SparkListenerLogStart`.
    pub spark_version: Option<String>,
}

/// Milliseconds since the epoch (as Spark records times) to nanoseconds; negative times
/// (never written by Spark) become 0.
///
/// ```
/// assert_eq!(spark_traces::span::ms_to_ns(1_700_000_000_123), 1_700_000_000_123_000_000);
/// assert_eq!(spark_traces::span::ms_to_ns(-5), 0);
/// ```
pub fn ms_to_ns(ms: i64) -> u64 {
    u64::try_from(ms).unwrap_or(0).saturating_mul(1_000_000)
}
