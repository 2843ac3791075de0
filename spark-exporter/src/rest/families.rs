//! The metric families the REST poller exports.

use crate::exposition::Kind;

/// One REST family.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RestFamily {
    /// Prometheus name.
    pub name: &'static str,
    /// The `# HELP` text.
    pub help: &'static str,
    /// Counter or gauge.
    pub kind: Kind,
}

macro_rules! rest_families {
    ($($id:ident = $name:literal, $kind:ident, $help:literal;)*) => {
        /// Family ids, indexes into [`REST_FAMILIES`].
        #[allow(non_camel_case_types, clippy::upper_case_acronyms, clippy::enum_variant_names, missing_docs)]
        #[derive(Debug, Clone, Copy, PartialEq, Eq)]
        #[repr(usize)]
        pub enum R { $($id,)* }
        /// Every family the REST side exports, in exposition order.
        pub const REST_FAMILIES: &[RestFamily] = &[
            $(RestFamily { name: $name, help: $help, kind: Kind::$kind },)*
        ];
    };
}

rest_families! {
    APP_INFO = "spark_application_info", Gauge,
        "1 per application the REST API lists, with its metrics namespace (what Graphite paths start with).";
    APP_RUNNING = "spark_application_running", Gauge,
        "1 while the application's latest attempt runs, 0 once it completed.";
    STAGE_INFO = "spark_stage_info", Gauge,
        "1 per stage attempt exported (active, or finished within --stage-retention), with its name.";
    STAGE_STATUS = "spark_stage_status", Gauge,
        "1 for the stage attempt's status (active, complete, failed), 0 for the others.";
    STAGE_TASKS = "spark_stage_tasks", Gauge,
        "Tasks of the stage attempt by state: total, active, complete, failed, killed.";
    STAGE_RUN = "spark_stage_run_seconds_total", Counter,
        "Task run time summed over the stage's tasks (REST executorRunTime, ms).";
    STAGE_CPU = "spark_stage_cpu_seconds_total", Counter,
        "Task CPU time summed over the stage's tasks (REST executorCpuTime, ns).";
    STAGE_GC = "spark_stage_jvm_gc_seconds_total", Counter,
        "JVM GC time summed over the stage's tasks (REST jvmGcTime, ms).";
    STAGE_DESER = "spark_stage_deserialize_seconds_total", Counter,
        "Task deserialization time summed over the stage's tasks (REST executorDeserializeTime, ms).";
    STAGE_DESER_CPU = "spark_stage_deserialize_cpu_seconds_total", Counter,
        "Task deserialization CPU time summed over the stage's tasks (REST executorDeserializeCpuTime, ns).";
    STAGE_RESULT_SER = "spark_stage_result_serialization_seconds_total", Counter,
        "Result serialization time summed over the stage's tasks (REST resultSerializationTime, ms).";
    STAGE_FETCH_WAIT = "spark_stage_shuffle_fetch_wait_seconds_total", Counter,
        "Shuffle fetch wait summed over the stage's tasks (REST shuffleFetchWaitTime, ms).";
    STAGE_SHUFFLE_WRITE_TIME = "spark_stage_shuffle_write_seconds_total", Counter,
        "Shuffle write time summed over the stage's tasks (REST shuffleWriteTime, ns).";
    STAGE_MEM_SPILL = "spark_stage_memory_spilled_bytes_total", Counter,
        "In-memory size of the data the stage's tasks spilled (REST memoryBytesSpilled).";
    STAGE_DISK_SPILL = "spark_stage_disk_spilled_bytes_total", Counter,
        "On-disk size of the data the stage's tasks spilled (REST diskBytesSpilled).";
    STAGE_INPUT_BYTES = "spark_stage_input_bytes_total", Counter,
        "Input bytes of the stage (REST inputBytes).";
    STAGE_INPUT_RECORDS = "spark_stage_input_records_total", Counter,
        "Input records of the stage (REST inputRecords).";
    STAGE_OUTPUT_BYTES = "spark_stage_output_bytes_total", Counter,
        "Output bytes of the stage (REST outputBytes).";
    STAGE_OUTPUT_RECORDS = "spark_stage_output_records_total", Counter,
        "Output records of the stage (REST outputRecords).";
    STAGE_SHUFFLE_READ_BYTES = "spark_stage_shuffle_read_bytes_total", Counter,
        "Shuffle bytes the stage read (REST shuffleReadBytes).";
    STAGE_SHUFFLE_READ_RECORDS = "spark_stage_shuffle_read_records_total", Counter,
        "Shuffle records the stage read (REST shuffleReadRecords).";
    STAGE_SHUFFLE_WRITE_BYTES = "spark_stage_shuffle_write_bytes_total", Counter,
        "Shuffle bytes the stage wrote (REST shuffleWriteBytes).";
    STAGE_SHUFFLE_WRITE_RECORDS = "spark_stage_shuffle_write_records_total", Counter,
        "Shuffle records the stage wrote (REST shuffleWriteRecords).";
    TASK_DURATION = "spark_stage_task_duration_seconds", Gauge,
        "Quantiles of task duration (launch to finish) over the stage's successful tasks (taskSummary duration, ms).";
    TASK_RUN = "spark_stage_task_run_seconds", Gauge,
        "Quantiles of task run time (taskSummary executorRunTime, ms).";
    TASK_CPU = "spark_stage_task_cpu_seconds", Gauge,
        "Quantiles of task CPU time (taskSummary executorCpuTime, ns).";
    TASK_GC = "spark_stage_task_jvm_gc_seconds", Gauge,
        "Quantiles of task JVM GC time (taskSummary jvmGcTime, ms).";
    TASK_DESER = "spark_stage_task_deserialize_seconds", Gauge,
        "Quantiles of task deserialization time (taskSummary executorDeserializeTime, ms).";
    TASK_RESULT_SER = "spark_stage_task_result_serialization_seconds", Gauge,
        "Quantiles of result serialization time (taskSummary resultSerializationTime, ms).";
    TASK_SCHED_DELAY = "spark_stage_task_scheduler_delay_seconds", Gauge,
        "Quantiles of scheduler delay (taskSummary schedulerDelay, ms).";
    TASK_GETTING_RESULT = "spark_stage_task_getting_result_seconds", Gauge,
        "Quantiles of time the driver spent fetching task results (taskSummary gettingResultTime, ms).";
    TASK_PEAK_MEM = "spark_stage_task_peak_execution_memory_bytes", Gauge,
        "Quantiles of peak execution memory per task (taskSummary peakExecutionMemory).";
    TASK_MEM_SPILL = "spark_stage_task_memory_spilled_bytes", Gauge,
        "Quantiles of in-memory bytes spilled per task (taskSummary memoryBytesSpilled).";
    TASK_DISK_SPILL = "spark_stage_task_disk_spilled_bytes", Gauge,
        "Quantiles of on-disk bytes spilled per task (taskSummary diskBytesSpilled).";
    TASK_INPUT_BYTES = "spark_stage_task_input_bytes", Gauge,
        "Quantiles of input bytes per task (taskSummary inputMetrics.bytesRead).";
    TASK_INPUT_RECORDS = "spark_stage_task_input_records", Gauge,
        "Quantiles of input records per task (taskSummary inputMetrics.recordsRead).";
    TASK_OUTPUT_BYTES = "spark_stage_task_output_bytes", Gauge,
        "Quantiles of output bytes per task (taskSummary outputMetrics.bytesWritten).";
    TASK_OUTPUT_RECORDS = "spark_stage_task_output_records", Gauge,
        "Quantiles of output records per task (taskSummary outputMetrics.recordsWritten).";
    TASK_SHUFFLE_READ_BYTES = "spark_stage_task_shuffle_read_bytes", Gauge,
        "Quantiles of shuffle bytes read per task (taskSummary shuffleReadMetrics.readBytes).";
    TASK_SHUFFLE_READ_RECORDS = "spark_stage_task_shuffle_read_records", Gauge,
        "Quantiles of shuffle records read per task (taskSummary shuffleReadMetrics.readRecords).";
    TASK_SHUFFLE_REMOTE_READ = "spark_stage_task_shuffle_remote_read_bytes", Gauge,
        "Quantiles of remote shuffle bytes read per task (taskSummary shuffleReadMetrics.remoteBytesRead).";
    TASK_FETCH_WAIT = "spark_stage_task_shuffle_fetch_wait_seconds", Gauge,
        "Quantiles of shuffle fetch wait per task (taskSummary shuffleReadMetrics.fetchWaitTime, ms).";
    TASK_SHUFFLE_WRITE_BYTES = "spark_stage_task_shuffle_write_bytes", Gauge,
        "Quantiles of shuffle bytes written per task (taskSummary shuffleWriteMetrics.writeBytes).";
    TASK_SHUFFLE_WRITE_RECORDS = "spark_stage_task_shuffle_write_records", Gauge,
        "Quantiles of shuffle records written per task (taskSummary shuffleWriteMetrics.writeRecords).";
    TASK_SHUFFLE_WRITE_TIME = "spark_stage_task_shuffle_write_seconds", Gauge,
        "Quantiles of shuffle write time per task (taskSummary shuffleWriteMetrics.writeTime, ns).";
    TASK_SKEW = "spark_stage_task_skew_ratio", Gauge,
        "Max over median of a per-task metric in the stage (1 = even; Dr. Elephant: 2 low, 4 moderate, 8 severe). Absent when the median is 0.";
    EXECUTOR_REMOVED = "spark_executor_removed_timestamp_seconds", Gauge,
        "When the application removed the executor (REST allexecutors removeTime), with Spark's reason: `Executor killed by driver.` when the driver let it go (dynamic allocation), `Executor decommission…` when decommissioned, anything else a loss (exit code, lost worker). The newest 64 per application.";
    JOB_INFO = "spark_job_info", Gauge,
        "1 per job exported (running, or finished within --stage-retention), with its name and group.";
    JOB_STATUS = "spark_job_status", Gauge,
        "1 for the job's status (running, succeeded, failed, unknown), 0 for the others.";
    JOB_TASKS = "spark_job_tasks", Gauge,
        "Tasks of the job by state: total, active, completed, skipped, failed, killed.";
    JOB_STAGES = "spark_job_stages", Gauge,
        "Stages of the job by state: active, completed, skipped, failed.";
    JOB_DURATION = "spark_job_duration_seconds", Gauge,
        "Time from the job's submission to its completion, or to the last poll while it runs.";
    SQL_EXECUTIONS = "spark_sql_executions", Gauge,
        "SQL executions (DataFrame actions and SQL statements) the application's REST API lists, by status: running, completed, failed, unknown (all Spark retains, spark.sql.ui.retainedExecutions).";
    SQL_INFO = "spark_sql_execution_info", Gauge,
        "1 per SQL execution exported (running, or finished within --stage-retention; the newest --max-sql-executions), with its description cut to 100 characters.";
    SQL_STATUS = "spark_sql_execution_status", Gauge,
        "1 for the SQL execution's status (running, completed, failed, unknown), 0 for the others.";
    SQL_DURATION = "spark_sql_execution_duration_seconds", Gauge,
        "Time from the SQL execution's submission to its end, or to the last poll while it runs (REST sql duration, ms).";
    SQL_SUBMITTED = "spark_sql_execution_submitted_timestamp_seconds", Gauge,
        "Unix time the SQL execution was submitted (REST sql submissionTime).";
    SQL_JOBS = "spark_sql_execution_jobs", Gauge,
        "Jobs of the SQL execution by state: running, succeeded, failed.";
    SQL_STAGES = "spark_sql_execution_stages", Gauge,
        "Distinct stages of the SQL execution's jobs, skipped ones included (from the jobs' stageIds). Absent until /jobs lists all its jobs.";
    SQL_OP_TIME = "spark_sql_operator_time_seconds", Gauge,
        "Sum of the timing SQL metrics of one of the execution's heaviest plan operators (WholeStageCodegen duration, sort time, aggregation build time, shuffle write and fetch wait time...), over its tasks. The --max-sql-operators heaviest per execution.";
    SQL_OP_ROWS = "spark_sql_operator_output_rows", Gauge,
        "Rows output by one of the execution's heaviest plan operators (SQL metric `number of output rows`).";
    SQL_OP_SPILL = "spark_sql_operator_spill_bytes", Gauge,
        "Bytes spilled by one of the execution's heaviest plan operators (SQL metric `spill size`: Sort, HashAggregate, joins).";
    POLLS = "spark_exporter_rest_polls_total", Counter,
        "Poll cycles run against a REST target.";
    POLL_ERRORS = "spark_exporter_rest_poll_errors_total", Counter,
        "Failed REST requests, by reason: connect, timeout, http_4xx, http_5xx, decode, too_large, other.";
    REQUESTS = "spark_exporter_rest_requests_total", Counter,
        "REST requests sent to a target.";
    POLL_DURATION = "spark_exporter_rest_poll_duration_seconds", Gauge,
        "How long the last poll cycle of a target took.";
    LAST_SUCCESS = "spark_exporter_rest_last_success_timestamp_seconds", Gauge,
        "Unix time of the last poll cycle whose application list succeeded.";
    TARGET_APPS = "spark_exporter_rest_applications", Gauge,
        "Applications exported from a target.";
    TARGET_STAGES = "spark_exporter_rest_stages", Gauge,
        "Stage attempts exported from a target.";
    TARGET_JOBS = "spark_exporter_rest_jobs", Gauge,
        "Jobs exported from a target.";
    TARGET_SQL = "spark_exporter_rest_sql_executions", Gauge,
        "SQL executions exported from a target.";
    STAGES_DROPPED = "spark_exporter_rest_stages_dropped_total", Counter,
        "Stage attempts not exported because an application had more than --max-stages active or recent ones.";
}

impl R {
    /// The family.
    pub fn family(self) -> &'static RestFamily {
        &REST_FAMILIES[self as usize]
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_follow_prometheus_conventions() {
        let mut seen = std::collections::BTreeSet::new();
        for f in REST_FAMILIES {
            assert!(seen.insert(f.name), "duplicate {}", f.name);
            assert!(f.name.starts_with("spark_"), "{}", f.name);
            assert_eq!(
                f.kind == Kind::Counter,
                f.name.ends_with("_total"),
                "{}",
                f.name
            );
        }
        for f in crate::graphite::FAMILIES {
            assert!(!seen.contains(f.name), "{} is exported twice", f.name);
        }
    }
}
