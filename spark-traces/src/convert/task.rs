//! Tasks: `spark.task` spans, sampled (failed ones kept on request), each with its
//! metrics, and an exception event for a task that threw.

use super::tree::SpanParts;
use super::Converter;
use crate::event::{TaskEnd, TaskMetrics};
use crate::ids::{span_id, SpanKey};
use crate::span::{attrs, events, names, Attributes, Span, SpanEvent, Status, Value};

impl Converter {
    pub(super) fn task_end(&mut self, mut t: TaskEnd, out: &mut Vec<Span>) {
        let m = t.metrics.take().unwrap_or_default();
        let info = &t.info;
        let finish = if info.finish_time > 0 {
            info.finish_time
        } else {
            info.launch_time
        };
        self.see(finish);
        let app = self.app_key();
        let reason = t.reason.reason.as_str();
        let (status, label) = match reason {
            "Success" | "" if !info.failed && !info.killed => (Status::Ok, "SUCCEEDED"),
            "TaskKilled" => (Status::Unset, "KILLED"),
            _ if info.killed => (Status::Unset, "KILLED"),
            _ => (Status::Error, "FAILED"),
        };
        let failure = if status == Status::Ok {
            None
        } else {
            t.reason.text().map(|f| self.cut(&f))
        };
        let duration = (finish - info.launch_time).max(0) as u64;
        let key = SpanKey::Task { task: info.task_id };
        let id = span_id(&app, key);
        let keep = crate::ids::sampled(&id, self.opts.task_sampling_ratio)
            || (self.opts.keep_failed_tasks && status == Status::Error);
        // The stage counts every task, sampled out or not: its quantiles are of all of them.
        if let Some(st) = self
            .stages
            .iter_mut()
            .find(|s| s.stage == t.stage_id && s.attempt == t.stage_attempt)
        {
            st.count_task(duration, label, keep, &m);
        }
        if !keep {
            self.stats.tasks_sampled_out += 1;
            return;
        }
        let (trace, job) = self.stage_trace(t.stage_id);
        let a = task_attributes(&t, &m, job, label, failure.as_ref());
        let mut span = self.span(SpanParts {
            trace,
            key,
            parent: Some(SpanKey::Stage {
                stage: t.stage_id,
                attempt: t.stage_attempt,
            }),
            name: names::TASK,
            start_ms: info.launch_time,
            end_ms: finish,
            attributes: a,
            status,
            status_message: if status == Status::Error {
                failure.clone().unwrap_or_default()
            } else {
                String::new()
            },
        });
        if reason == "ExceptionFailure" {
            let mut e: Attributes = Vec::new();
            if let Some(c) = &t.reason.class_name {
                e.push((attrs::EXCEPTION_TYPE, c.clone().into()));
            }
            if let Some(d) = &t.reason.description {
                e.push((attrs::EXCEPTION_MESSAGE, self.cut(d).into()));
            }
            span.events.push(SpanEvent {
                time_ns: span.end_ns,
                name: events::EXCEPTION,
                attributes: e,
            });
        }
        out.push(span);
    }
}

/// The attributes of a task span: where it ran, how it ended (`label`, `failure`) and its
/// metrics.
fn task_attributes(
    t: &TaskEnd,
    m: &TaskMetrics,
    job: Option<i64>,
    label: &str,
    failure: Option<&String>,
) -> Attributes {
    let info = &t.info;
    let mut a: Attributes = Vec::with_capacity(40);
    a.push((attrs::TASK_ID, info.task_id.into()));
    a.push((attrs::TASK_INDEX, info.index.into()));
    a.push((attrs::TASK_ATTEMPT, info.attempt.into()));
    a.push((attrs::STAGE_ID, t.stage_id.into()));
    a.push((attrs::STAGE_ATTEMPT, t.stage_attempt.into()));
    if let Some(j) = job {
        a.push((attrs::JOB_ID, j.into()));
    }
    a.push((attrs::EXECUTOR_ID, info.executor_id.clone().into()));
    a.push((attrs::EXECUTOR_HOST, info.host.clone().into()));
    a.push((attrs::TASK_TYPE, t.task_type.clone().into()));
    a.push((attrs::TASK_LOCALITY, info.locality.clone().into()));
    a.push((attrs::TASK_SPECULATIVE, info.speculative.into()));
    a.push((attrs::TASK_END_REASON, t.reason.reason.as_str().into()));
    a.push((attrs::STATUS, label.into()));
    if let Some(f) = failure {
        a.push((attrs::FAILURE_REASON, f.clone().into()));
    }
    let sr = &m.shuffle_read;
    for (k, v) in [
        (attrs::TASK_RUN_TIME, m.executor_run_time),
        (attrs::TASK_CPU_TIME, m.executor_cpu_time),
        (attrs::TASK_DESERIALIZE_TIME, m.executor_deserialize_time),
        (
            attrs::TASK_DESERIALIZE_CPU_TIME,
            m.executor_deserialize_cpu_time,
        ),
        (
            attrs::TASK_RESULT_SERIALIZATION_TIME,
            m.result_serialization_time,
        ),
        (attrs::TASK_GC_TIME, m.jvm_gc_time),
        (attrs::TASK_PEAK_EXECUTION_MEMORY, m.peak_execution_memory),
        (attrs::TASK_MEMORY_SPILLED, m.memory_bytes_spilled),
        (attrs::TASK_DISK_SPILLED, m.disk_bytes_spilled),
        (attrs::TASK_RESULT_SIZE, m.result_size),
        (attrs::TASK_INPUT_BYTES, m.input.bytes_read),
        (attrs::TASK_INPUT_RECORDS, m.input.records_read),
        (attrs::TASK_OUTPUT_BYTES, m.output.bytes_written),
        (attrs::TASK_OUTPUT_RECORDS, m.output.records_written),
        (
            attrs::TASK_SHUFFLE_READ_BYTES,
            sr.remote_bytes_read + sr.local_bytes_read,
        ),
        (attrs::TASK_SHUFFLE_REMOTE_READ_BYTES, sr.remote_bytes_read),
        (attrs::TASK_SHUFFLE_READ_RECORDS, sr.records_read),
        (attrs::TASK_SHUFFLE_FETCH_WAIT_TIME, sr.fetch_wait_time),
        (
            attrs::TASK_SHUFFLE_WRITE_BYTES,
            m.shuffle_write.bytes_written,
        ),
        (
            attrs::TASK_SHUFFLE_WRITE_RECORDS,
            m.shuffle_write.records_written,
        ),
        (attrs::TASK_SHUFFLE_WRITE_TIME, m.shuffle_write.write_time),
    ] {
        a.push((k, Value::Int(v)));
    }
    a
}
