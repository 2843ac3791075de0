//! Spark listener events, as the event log writes them (one JSON object per line).
//!
//! Only the events and fields that become spans are decoded; everything else on a line is
//! skipped without being allocated. The field names are those of Spark's `JsonProtocol`
//! (the same in 3.5 and 4.x).

use serde::de::IgnoredAny;
use serde::Deserialize;

/// A decoded event. Events that make no span are [`Event::Other`] with their name.
#[derive(Debug, Clone, PartialEq)]
pub enum Event {
    /// `SparkListenerLogStart`: the Spark version that wrote the log.
    LogStart(LogStart),
    /// `SparkListenerApplicationStart`.
    ApplicationStart(ApplicationStart),
    /// `SparkListenerApplicationEnd`.
    ApplicationEnd(ApplicationEnd),
    /// `org.apache.spark.sql.execution.ui.SparkListenerSQLExecutionStart`.
    SqlStart(SqlStart),
    /// `org.apache.spark.sql.execution.ui.SparkListenerSQLExecutionEnd`.
    SqlEnd(SqlEnd),
    /// `SparkListenerJobStart`.
    JobStart(JobStart),
    /// `SparkListenerJobEnd`.
    JobEnd(JobEnd),
    /// `SparkListenerStageSubmitted`.
    StageSubmitted(StageEvent),
    /// `SparkListenerStageCompleted`.
    StageCompleted(StageEvent),
    /// `SparkListenerTaskEnd`.
    TaskEnd(Box<TaskEnd>),
    /// Any other event, by name (`SparkListenerTaskStart`, `SparkListenerEnvironmentUpdate`, …).
    Other(String),
}

/// Why a line is not an event.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{message}")]
pub struct ParseError {
    /// What is wrong with the line, with the JSON parser's column when it has one.
    pub message: String,
}

/// `SparkListenerLogStart`.
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct LogStart {
    /// `Spark Version`.
    #[serde(rename = "Spark Version", default)]
    pub spark_version: String,
}

/// `SparkListenerApplicationStart`.
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct ApplicationStart {
    /// `App Name`.
    #[serde(rename = "App Name", default)]
    pub app_name: String,
    /// `App ID` (absent in some old logs).
    #[serde(rename = "App ID", default)]
    pub app_id: Option<String>,
    /// `App Attempt ID` (cluster mode on YARN and Kubernetes).
    #[serde(rename = "App Attempt ID", default)]
    pub app_attempt_id: Option<String>,
    /// `Timestamp`, ms since the epoch.
    #[serde(rename = "Timestamp")]
    pub timestamp: i64,
    /// `User`.
    #[serde(rename = "User", default)]
    pub user: Option<String>,
}

/// `SparkListenerApplicationEnd`.
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct ApplicationEnd {
    /// `Timestamp`, ms since the epoch.
    #[serde(rename = "Timestamp")]
    pub timestamp: i64,
    /// `ExitCode` (Spark 4.x).
    #[serde(rename = "ExitCode", default)]
    pub exit_code: Option<i64>,
}

/// `SparkListenerSQLExecutionStart`.
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct SqlStart {
    /// `executionId`.
    #[serde(rename = "executionId")]
    pub execution_id: i64,
    /// `rootExecutionId` (3.4+): the outermost execution of nested ones.
    #[serde(rename = "rootExecutionId", default)]
    pub root_execution_id: Option<i64>,
    /// `description`: the call site, or the job description the application set.
    #[serde(default)]
    pub description: String,
    /// `time`, ms since the epoch.
    pub time: i64,
}

/// `SparkListenerSQLExecutionEnd`.
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct SqlEnd {
    /// `executionId`.
    #[serde(rename = "executionId")]
    pub execution_id: i64,
    /// `time`, ms since the epoch.
    pub time: i64,
    /// `errorMessage` (3.4+): empty or absent when the execution succeeded.
    #[serde(rename = "errorMessage", default)]
    pub error_message: Option<String>,
    /// `queryId` (4.x).
    #[serde(rename = "queryId", default)]
    pub query_id: Option<String>,
}

/// The job properties spark-traces reads (all others are skipped).
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
pub struct JobProperties {
    /// `spark.sql.execution.id`: the SQL execution that ran the job.
    #[serde(rename = "spark.sql.execution.id", default)]
    pub sql_execution_id: Option<String>,
    /// `spark.job.description` (`SparkContext.setJobDescription`).
    #[serde(rename = "spark.job.description", default)]
    pub description: Option<String>,
    /// `spark.jobGroup.id` (`SparkContext.setJobGroup`).
    #[serde(rename = "spark.jobGroup.id", default)]
    pub group: Option<String>,
}

/// One entry of `Stage Infos`.
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct StageRef {
    /// `Stage ID`.
    #[serde(rename = "Stage ID")]
    pub stage_id: i64,
}

/// `SparkListenerJobStart`.
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct JobStart {
    /// `Job ID`.
    #[serde(rename = "Job ID")]
    pub job_id: i64,
    /// `Submission Time`, ms since the epoch.
    #[serde(rename = "Submission Time", default)]
    pub submission_time: Option<i64>,
    /// `Stage IDs`: every stage of the job, the ones it will skip included.
    #[serde(rename = "Stage IDs", default)]
    pub stage_ids: Vec<i64>,
    /// `Stage Infos` (only the ids are read; used when `Stage IDs` is missing).
    #[serde(rename = "Stage Infos", default)]
    pub stage_infos: Vec<StageRef>,
    /// `Properties`.
    #[serde(rename = "Properties", default)]
    pub properties: Option<JobProperties>,
}

/// `Job Result` of `SparkListenerJobEnd`.
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct JobResult {
    /// `Result`: `JobSucceeded` or `JobFailed`.
    #[serde(rename = "Result", default)]
    pub result: String,
    /// `Exception` of a failed job.
    #[serde(rename = "Exception", default)]
    pub exception: Option<ExceptionInfo>,
}

/// An exception as the event log writes it.
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct ExceptionInfo {
    /// `Message`.
    #[serde(rename = "Message", default)]
    pub message: Option<String>,
}

/// `SparkListenerJobEnd`.
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct JobEnd {
    /// `Job ID`.
    #[serde(rename = "Job ID")]
    pub job_id: i64,
    /// `Completion Time`, ms since the epoch.
    #[serde(rename = "Completion Time", default)]
    pub completion_time: Option<i64>,
    /// `Job Result`.
    #[serde(rename = "Job Result", default)]
    pub job_result: Option<JobResult>,
}

/// `Stage Info` of `SparkListenerStageSubmitted` and `SparkListenerStageCompleted`.
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct StageInfo {
    /// `Stage ID`.
    #[serde(rename = "Stage ID")]
    pub stage_id: i64,
    /// `Stage Attempt ID` (`0` for the first attempt).
    #[serde(rename = "Stage Attempt ID", default)]
    pub attempt: i64,
    /// `Stage Name`.
    #[serde(rename = "Stage Name", default)]
    pub name: String,
    /// `Number of Tasks`.
    #[serde(rename = "Number of Tasks", default)]
    pub num_tasks: i64,
    /// `Submission Time`, ms since the epoch.
    #[serde(rename = "Submission Time", default)]
    pub submission_time: Option<i64>,
    /// `Completion Time`, ms since the epoch.
    #[serde(rename = "Completion Time", default)]
    pub completion_time: Option<i64>,
    /// `Failure Reason` of a failed attempt.
    #[serde(rename = "Failure Reason", default)]
    pub failure_reason: Option<String>,
}

/// `SparkListenerStageSubmitted` and `SparkListenerStageCompleted`.
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct StageEvent {
    /// `Stage Info`.
    #[serde(rename = "Stage Info")]
    pub stage_info: StageInfo,
}

/// `Task End Reason`.
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
pub struct TaskEndReason {
    /// `Reason`: `Success`, `ExceptionFailure`, `TaskKilled`, `FetchFailed`,
    /// `ExecutorLostFailure`, `TaskResultLost`, `TaskCommitDenied`, `Resubmitted`, …
    #[serde(rename = "Reason", default)]
    pub reason: String,
    /// `Class Name` of an `ExceptionFailure`.
    #[serde(rename = "Class Name", default)]
    pub class_name: Option<String>,
    /// `Description` of an `ExceptionFailure`.
    #[serde(rename = "Description", default)]
    pub description: Option<String>,
    /// `Kill Reason` of a `TaskKilled`.
    #[serde(rename = "Kill Reason", default)]
    pub kill_reason: Option<String>,
    /// `Message` of a `FetchFailed`.
    #[serde(rename = "Message", default)]
    pub message: Option<String>,
    /// `Loss Reason` of an `ExecutorLostFailure`.
    #[serde(rename = "Loss Reason", default)]
    pub loss_reason: Option<String>,
}

impl TaskEndReason {
    /// The text that explains a failure, when there is one.
    pub fn text(&self) -> Option<String> {
        let first = [
            &self.description,
            &self.message,
            &self.kill_reason,
            &self.loss_reason,
        ]
        .into_iter()
        .flatten()
        .find(|s| !s.is_empty())
        .cloned();
        match (&self.class_name, first) {
            (Some(c), Some(d)) if !d.starts_with(c.as_str()) => Some(format!("{c}: {d}")),
            (_, Some(d)) => Some(d),
            (Some(c), None) => Some(c.clone()),
            (None, None) if self.reason != "Success" && !self.reason.is_empty() => {
                Some(self.reason.clone())
            }
            _ => None,
        }
    }
}

/// `Task Info`.
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct TaskInfo {
    /// `Task ID`: unique within the application.
    #[serde(rename = "Task ID")]
    pub task_id: i64,
    /// `Index`: the partition's index within the stage.
    #[serde(rename = "Index", default)]
    pub index: i64,
    /// `Attempt`: the task's attempt number.
    #[serde(rename = "Attempt", default)]
    pub attempt: i64,
    /// `Partition ID` (3.3+).
    #[serde(rename = "Partition ID", default)]
    pub partition_id: Option<i64>,
    /// `Launch Time`, ms since the epoch.
    #[serde(rename = "Launch Time")]
    pub launch_time: i64,
    /// `Executor ID`.
    #[serde(rename = "Executor ID", default)]
    pub executor_id: String,
    /// `Host`.
    #[serde(rename = "Host", default)]
    pub host: String,
    /// `Locality`.
    #[serde(rename = "Locality", default)]
    pub locality: String,
    /// `Speculative`.
    #[serde(rename = "Speculative", default)]
    pub speculative: bool,
    /// `Getting Result Time` (0 unless the driver fetched a large result).
    #[serde(rename = "Getting Result Time", default)]
    pub getting_result_time: i64,
    /// `Finish Time`, ms since the epoch.
    #[serde(rename = "Finish Time", default)]
    pub finish_time: i64,
    /// `Failed`.
    #[serde(rename = "Failed", default)]
    pub failed: bool,
    /// `Killed`.
    #[serde(rename = "Killed", default)]
    pub killed: bool,
}

/// `Shuffle Read Metrics`.
#[derive(Debug, Clone, Copy, Default, PartialEq, Deserialize)]
#[serde(default)]
pub struct ShuffleReadMetrics {
    /// `Remote Blocks Fetched`.
    #[serde(rename = "Remote Blocks Fetched")]
    pub remote_blocks_fetched: i64,
    /// `Local Blocks Fetched`.
    #[serde(rename = "Local Blocks Fetched")]
    pub local_blocks_fetched: i64,
    /// `Fetch Wait Time`, ms.
    #[serde(rename = "Fetch Wait Time")]
    pub fetch_wait_time: i64,
    /// `Remote Bytes Read`.
    #[serde(rename = "Remote Bytes Read")]
    pub remote_bytes_read: i64,
    /// `Remote Bytes Read To Disk`.
    #[serde(rename = "Remote Bytes Read To Disk")]
    pub remote_bytes_read_to_disk: i64,
    /// `Local Bytes Read`.
    #[serde(rename = "Local Bytes Read")]
    pub local_bytes_read: i64,
    /// `Total Records Read`.
    #[serde(rename = "Total Records Read")]
    pub records_read: i64,
}

/// `Shuffle Write Metrics`.
#[derive(Debug, Clone, Copy, Default, PartialEq, Deserialize)]
#[serde(default)]
pub struct ShuffleWriteMetrics {
    /// `Shuffle Bytes Written`.
    #[serde(rename = "Shuffle Bytes Written")]
    pub bytes_written: i64,
    /// `Shuffle Write Time`, ns.
    #[serde(rename = "Shuffle Write Time")]
    pub write_time: i64,
    /// `Shuffle Records Written`.
    #[serde(rename = "Shuffle Records Written")]
    pub records_written: i64,
}

/// `Input Metrics`.
#[derive(Debug, Clone, Copy, Default, PartialEq, Deserialize)]
#[serde(default)]
pub struct InputMetrics {
    /// `Bytes Read`.
    #[serde(rename = "Bytes Read")]
    pub bytes_read: i64,
    /// `Records Read`.
    #[serde(rename = "Records Read")]
    pub records_read: i64,
}

/// `Output Metrics`.
#[derive(Debug, Clone, Copy, Default, PartialEq, Deserialize)]
#[serde(default)]
pub struct OutputMetrics {
    /// `Bytes Written`.
    #[serde(rename = "Bytes Written")]
    pub bytes_written: i64,
    /// `Records Written`.
    #[serde(rename = "Records Written")]
    pub records_written: i64,
}

/// `Task Metrics`.
#[derive(Debug, Clone, Copy, Default, PartialEq, Deserialize)]
#[serde(default)]
pub struct TaskMetrics {
    /// `Executor Deserialize Time`, ms.
    #[serde(rename = "Executor Deserialize Time")]
    pub executor_deserialize_time: i64,
    /// `Executor Deserialize CPU Time`, ns.
    #[serde(rename = "Executor Deserialize CPU Time")]
    pub executor_deserialize_cpu_time: i64,
    /// `Executor Run Time`, ms.
    #[serde(rename = "Executor Run Time")]
    pub executor_run_time: i64,
    /// `Executor CPU Time`, ns.
    #[serde(rename = "Executor CPU Time")]
    pub executor_cpu_time: i64,
    /// `Peak Execution Memory`, bytes.
    #[serde(rename = "Peak Execution Memory")]
    pub peak_execution_memory: i64,
    /// `Result Size`, bytes.
    #[serde(rename = "Result Size")]
    pub result_size: i64,
    /// `JVM GC Time`, ms.
    #[serde(rename = "JVM GC Time")]
    pub jvm_gc_time: i64,
    /// `Result Serialization Time`, ms.
    #[serde(rename = "Result Serialization Time")]
    pub result_serialization_time: i64,
    /// `Memory Bytes Spilled`.
    #[serde(rename = "Memory Bytes Spilled")]
    pub memory_bytes_spilled: i64,
    /// `Disk Bytes Spilled`.
    #[serde(rename = "Disk Bytes Spilled")]
    pub disk_bytes_spilled: i64,
    /// `Shuffle Read Metrics`.
    #[serde(rename = "Shuffle Read Metrics")]
    pub shuffle_read: ShuffleReadMetrics,
    /// `Shuffle Write Metrics`.
    #[serde(rename = "Shuffle Write Metrics")]
    pub shuffle_write: ShuffleWriteMetrics,
    /// `Input Metrics`.
    #[serde(rename = "Input Metrics")]
    pub input: InputMetrics,
    /// `Output Metrics`.
    #[serde(rename = "Output Metrics")]
    pub output: OutputMetrics,
}

/// `SparkListenerTaskEnd`.
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct TaskEnd {
    /// `Stage ID`.
    #[serde(rename = "Stage ID")]
    pub stage_id: i64,
    /// `Stage Attempt ID`.
    #[serde(rename = "Stage Attempt ID", default)]
    pub stage_attempt: i64,
    /// `Task Type`: `ResultTask` or `ShuffleMapTask`.
    #[serde(rename = "Task Type", default)]
    pub task_type: String,
    /// `Task End Reason`.
    #[serde(rename = "Task End Reason", default)]
    pub reason: TaskEndReason,
    /// `Task Info`.
    #[serde(rename = "Task Info")]
    pub info: TaskInfo,
    /// `Task Metrics` (absent for some failures).
    #[serde(rename = "Task Metrics", default)]
    pub metrics: Option<TaskMetrics>,
}

/// The names of the events spark-traces decodes.
pub mod names {
    /// `SparkListenerLogStart`.
    pub const LOG_START: &str = "SparkListenerLogStart";
    /// `SparkListenerApplicationStart`.
    pub const APPLICATION_START: &str = "SparkListenerApplicationStart";
    /// `SparkListenerApplicationEnd`.
    pub const APPLICATION_END: &str = "SparkListenerApplicationEnd";
    /// `SparkListenerSQLExecutionStart`, fully qualified as the event log writes it.
    pub const SQL_START: &str = "org.apache.spark.sql.execution.ui.SparkListenerSQLExecutionStart";
    /// `SparkListenerSQLExecutionEnd`, fully qualified.
    pub const SQL_END: &str = "org.apache.spark.sql.execution.ui.SparkListenerSQLExecutionEnd";
    /// `SparkListenerJobStart`.
    pub const JOB_START: &str = "SparkListenerJobStart";
    /// `SparkListenerJobEnd`.
    pub const JOB_END: &str = "SparkListenerJobEnd";
    /// `SparkListenerStageSubmitted`.
    pub const STAGE_SUBMITTED: &str = "SparkListenerStageSubmitted";
    /// `SparkListenerStageCompleted`.
    pub const STAGE_COMPLETED: &str = "SparkListenerStageCompleted";
    /// `SparkListenerTaskEnd`.
    pub const TASK_END: &str = "SparkListenerTaskEnd";
}

/// The event name when the line starts with `{"Event":"…"` (how Spark writes every line,
/// whitespace allowed), without parsing the rest.
fn event_name_prefix(line: &str) -> Option<&str> {
    let rest = line.trim_start().strip_prefix('{')?.trim_start();
    let rest = rest.strip_prefix("\"Event\"")?.trim_start();
    let rest = rest.strip_prefix(':')?.trim_start();
    let rest = rest.strip_prefix('"')?;
    let end = rest.find(['"', '\\'])?;
    if rest.as_bytes()[end] == b'\\' {
        return None;
    }
    Some(&rest[..end])
}

#[derive(Deserialize)]
struct Head {
    #[serde(rename = "Event")]
    event: String,
}

fn typed<'a, T: Deserialize<'a>>(line: &'a str, name: &str) -> Result<T, ParseError> {
    serde_json::from_str(line).map_err(|e| ParseError {
        message: format!("{name}: {e}"),
    })
}

/// Decodes one line of an event log.
///
/// Never panics: anything that is not a JSON object with an `Event` field, or an event whose
/// fields spark-traces needs are missing or of the wrong type, is a [`ParseError`] saying why.
/// Events that make no span are checked to be valid JSON and returned as [`Event::Other`].
///
/// ```
/// use spark_traces::event::{parse_line, Event};
/// let e = parse_line(r#"{"Event":"SparkListenerJobEnd","Job ID":3,"Completion Time":1700000000000,"Job Result":{"Result":"JobSucceeded"}}"#).unwrap();
/// assert!(matches!(e, Event::JobEnd(j) if j.job_id == 3));
/// assert!(matches!(parse_line(r#"{"Event":"SparkListenerTaskStart"}"#), Ok(Event::Other(n)) if n == "SparkListenerTaskStart"));
/// assert!(parse_line(r#"{"Event":"SparkListenerJobEnd","Job ID":"x"}"#).is_err());
/// assert!(parse_line("{\"Event\":\"SparkListenerJobEnd\",\"Job").is_err());
/// ```
pub fn parse_line(line: &str) -> Result<Event, ParseError> {
    let owned;
    let name = match event_name_prefix(line) {
        Some(n) => n,
        None => {
            let head: Head = serde_json::from_str(line).map_err(|e| ParseError {
                message: if line.trim().is_empty() {
                    "empty line".to_string()
                } else {
                    format!("not a Spark event (a JSON object with an \"Event\" field): {e}")
                },
            })?;
            owned = head.event;
            owned.as_str()
        }
    };
    use names::*;
    Ok(match name {
        LOG_START => Event::LogStart(typed(line, name)?),
        APPLICATION_START => Event::ApplicationStart(typed(line, name)?),
        APPLICATION_END => Event::ApplicationEnd(typed(line, name)?),
        SQL_START => Event::SqlStart(typed(line, name)?),
        SQL_END => Event::SqlEnd(typed(line, name)?),
        JOB_START => Event::JobStart(typed(line, name)?),
        JOB_END => Event::JobEnd(typed(line, name)?),
        STAGE_SUBMITTED => Event::StageSubmitted(typed(line, name)?),
        STAGE_COMPLETED => Event::StageCompleted(typed(line, name)?),
        TASK_END => Event::TaskEnd(Box::new(typed(line, name)?)),
        other => {
            // Valid JSON, whatever it holds: a truncated line is still an error.
            typed::<IgnoredAny>(line, other)?;
            Event::Other(other.to_string())
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn prefix_with_and_without_spaces() {
        assert_eq!(
            event_name_prefix(r#"{"Event":"SparkListenerJobEnd","x":1}"#),
            Some("SparkListenerJobEnd")
        );
        assert_eq!(event_name_prefix(r#" { "Event" : "A" }"#), Some("A"));
        assert_eq!(event_name_prefix(r#"{"Job ID":1,"Event":"A"}"#), None);
        assert_eq!(event_name_prefix(r#"{"Event":"A\"B"}"#), None);
    }

    #[test]
    fn event_not_first_still_parses() {
        let e = parse_line(r#"{"Job ID":1,"Event":"SparkListenerJobEnd"}"#).unwrap();
        assert!(matches!(e, Event::JobEnd(j) if j.job_id == 1));
    }

    #[test]
    fn errors_name_the_event() {
        let e = parse_line(r#"{"Event":"SparkListenerTaskEnd","Stage ID":1}"#).unwrap_err();
        assert!(
            e.message.starts_with("SparkListenerTaskEnd: missing field"),
            "{e}"
        );
        let e = parse_line("[1,2]").unwrap_err();
        assert!(e.message.contains("not a Spark event"), "{e}");
        assert_eq!(parse_line("  ").unwrap_err().message, "empty line");
    }

    #[test]
    fn failure_text() {
        let r = TaskEndReason {
            reason: "ExceptionFailure".into(),
            class_name: Some("java.lang.RuntimeException".into()),
            description: Some("boom".into()),
            ..Default::default()
        };
        assert_eq!(r.text().unwrap(), "java.lang.RuntimeException: boom");
        let ok = TaskEndReason {
            reason: "Success".into(),
            ..Default::default()
        };
        assert_eq!(ok.text(), None);
        let lost = TaskEndReason {
            reason: "TaskResultLost".into(),
            ..Default::default()
        };
        assert_eq!(lost.text().unwrap(), "TaskResultLost");
    }
}
