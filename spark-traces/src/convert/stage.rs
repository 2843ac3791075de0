//! Stages: one `spark.stage` span per attempt, with what its tasks add up to (counts,
//! duration quantiles, skew, sums) whether or not their own spans are sampled, and a link
//! from a retried attempt to the one before it.

use serde::{Deserialize, Serialize};

use super::attributes::outcome;
use super::tree::SpanParts;
use super::{Converter, TracePer};
use crate::event::{StageInfo, TaskMetrics};
use crate::ids::{span_id, SpanKey};
use crate::span::{attrs, events, names, Attributes, Span, SpanEvent, SpanLink};

/// The sums over a stage attempt's tasks.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
struct StageSums {
    run_time: i64,
    gc_time: i64,
    shuffle_read: i64,
    shuffle_write: i64,
    fetch_wait: i64,
    memory_spilled: i64,
    disk_spilled: i64,
}

/// A stage attempt submitted and not completed yet, with what its ended tasks add up to.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub(super) struct StageOpen {
    pub(super) stage: i64,
    pub(super) attempt: i64,
    pub(super) start_ms: i64,
    pub(super) name: String,
    pub(super) num_tasks: i64,
    durations: Vec<u64>,
    failed: i64,
    killed: i64,
    sampled: i64,
    sums: StageSums,
}

impl StageOpen {
    fn new(stage: i64, attempt: i64, start_ms: i64, name: String, num_tasks: i64) -> Self {
        StageOpen {
            stage,
            attempt,
            start_ms,
            name,
            num_tasks,
            durations: Vec::new(),
            failed: 0,
            killed: 0,
            sampled: 0,
            sums: StageSums::default(),
        }
    }

    /// Counts a task attempt that ended: its duration, its `spark.status` `label`, whether
    /// its span was `sampled` and its metrics.
    pub(super) fn count_task(
        &mut self,
        duration: u64,
        label: &str,
        sampled: bool,
        m: &TaskMetrics,
    ) {
        self.durations.push(duration);
        match label {
            "FAILED" => self.failed += 1,
            "KILLED" => self.killed += 1,
            _ => {}
        }
        if sampled {
            self.sampled += 1;
        }
        let s = &mut self.sums;
        s.run_time += m.executor_run_time;
        s.gc_time += m.jvm_gc_time;
        s.shuffle_read += m.shuffle_read.remote_bytes_read + m.shuffle_read.local_bytes_read;
        s.shuffle_write += m.shuffle_write.bytes_written;
        s.fetch_wait += m.shuffle_read.fetch_wait_time;
        s.memory_spilled += m.memory_bytes_spilled;
        s.disk_spilled += m.disk_bytes_spilled;
    }

    /// The attributes of what the tasks add up to: counts, duration quantiles and skew,
    /// sums.
    fn task_attributes(&mut self, a: &mut Attributes) {
        let durations = &mut self.durations;
        durations.sort_unstable();
        a.push((attrs::STAGE_TASK_COUNT, (durations.len() as i64).into()));
        a.push((attrs::STAGE_FAILED_TASKS, self.failed.into()));
        a.push((attrs::STAGE_KILLED_TASKS, self.killed.into()));
        a.push((attrs::STAGE_SAMPLED_TASKS, self.sampled.into()));
        if !durations.is_empty() {
            let q = |p: f64| durations[((durations.len() - 1) as f64 * p).round() as usize] as i64;
            let (p50, max) = (q(0.5), q(1.0));
            a.push((attrs::STAGE_TASK_DURATION_MIN, q(0.0).into()));
            a.push((attrs::STAGE_TASK_DURATION_P25, q(0.25).into()));
            a.push((attrs::STAGE_TASK_DURATION_P50, p50.into()));
            a.push((attrs::STAGE_TASK_DURATION_P75, q(0.75).into()));
            a.push((attrs::STAGE_TASK_DURATION_P95, q(0.95).into()));
            a.push((attrs::STAGE_TASK_DURATION_MAX, max.into()));
            a.push((attrs::STAGE_SKEW_RATIO, skew_ratio(max, p50).into()));
        }
        let s = &self.sums;
        a.push((attrs::STAGE_RUN_TIME, s.run_time.into()));
        a.push((attrs::STAGE_GC_TIME, s.gc_time.into()));
        a.push((attrs::STAGE_SHUFFLE_READ_BYTES, s.shuffle_read.into()));
        a.push((attrs::STAGE_SHUFFLE_WRITE_BYTES, s.shuffle_write.into()));
        a.push((attrs::STAGE_FETCH_WAIT_TIME, s.fetch_wait.into()));
        a.push((attrs::STAGE_MEMORY_SPILLED, s.memory_spilled.into()));
        a.push((attrs::STAGE_DISK_SPILLED, s.disk_spilled.into()));
    }
}

impl Converter {
    pub(super) fn stage_submitted(&mut self, info: StageInfo) {
        let start = info.submission_time.unwrap_or(self.app.last_ms);
        self.see(start);
        let stage = info.stage_id;
        // The job that runs it: its recorded owner while that job is open, else the
        // oldest open job that lists it.
        let owner_open = self
            .stage_job
            .get(&stage)
            .is_some_and(|j| self.jobs.contains_key(j));
        if !owner_open {
            if let Some((&j, _)) = self.jobs.iter().find(|(_, o)| o.stage_ids.contains(&stage)) {
                self.stage_job.insert(stage, j);
            }
        }
        for job in self.jobs.values_mut() {
            if job.stage_ids.contains(&stage) {
                job.submitted.insert(stage);
            }
        }
        self.stages
            .retain(|s| !(s.stage == stage && s.attempt == info.attempt));
        self.stages.push(StageOpen::new(
            stage,
            info.attempt,
            start,
            info.name,
            info.num_tasks,
        ));
    }

    pub(super) fn stage_completed(&mut self, info: StageInfo, out: &mut Vec<Span>) {
        if let Some(t) = info.completion_time {
            self.see(t);
        }
        self.finish_stage(info, false, out);
    }

    pub(super) fn finish_stage(&mut self, info: StageInfo, unfinished: bool, out: &mut Vec<Span>) {
        let pos = self
            .stages
            .iter()
            .position(|s| s.stage == info.stage_id && s.attempt == info.attempt);
        let Some(mut open) = pos.map(|p| self.stages.swap_remove(p)) else {
            // Completed without a StageSubmitted we saw (e.g. the log starts mid-run).
            if info.submission_time.is_none() {
                return;
            }
            let open = StageOpen::new(
                info.stage_id,
                info.attempt,
                info.submission_time.unwrap_or(0),
                info.name.clone(),
                info.num_tasks,
            );
            self.stages.push(open);
            return self.finish_stage(info, unfinished, out);
        };
        let app = self.app_key();
        let stage = open.stage;
        let attempt = open.attempt;
        let end_ms = info
            .completion_time
            .unwrap_or(self.app.last_ms)
            .max(open.start_ms);
        let (trace, job) = self.stage_trace(stage);
        let mut a: Attributes = vec![
            (attrs::STAGE_ID, stage.into()),
            (attrs::STAGE_ATTEMPT, attempt.into()),
        ];
        if let Some(j) = job {
            a.push((attrs::JOB_ID, j.into()));
            if let Some(Some(s)) = self.job_sql.get(&j) {
                a.push((attrs::SQL_EXECUTION_ID, (*s).into()));
            }
        }
        let name = if info.name.is_empty() {
            &open.name
        } else {
            &info.name
        };
        a.push((attrs::STAGE_NAME, self.cut(name).into()));
        a.push((
            attrs::STAGE_NUM_TASKS,
            open.num_tasks.max(info.num_tasks).into(),
        ));
        open.task_attributes(&mut a);
        let failure = info
            .failure_reason
            .as_deref()
            .filter(|f| !f.is_empty())
            .map(|f| self.cut(f));
        let (status, label, message) = outcome(failure.as_deref(), unfinished);
        a.push((attrs::STATUS, label.into()));
        if let Some(f) = &failure {
            a.push((attrs::FAILURE_REASON, f.clone().into()));
            self.stage_failures
                .entry(stage)
                .or_default()
                .push((attempt, f.clone()));
        }
        let parent = match (job, self.opts.trace_per) {
            (Some(j), _) => Some(SpanKey::Job { job: j }),
            (None, TracePer::Application) => Some(SpanKey::Application),
            (None, TracePer::Sql) => None,
        };
        let mut span = self.span(SpanParts {
            trace,
            key: SpanKey::Stage { stage, attempt },
            parent,
            name: names::STAGE,
            start_ms: open.start_ms,
            end_ms,
            attributes: a,
            status,
            status_message: message,
        });
        if attempt > 0 {
            self.link_previous_attempt(&app, &mut span, stage, attempt);
        }
        self.link_root_to_app(&app, &mut span);
        out.push(span);
    }

    /// Links a retried attempt to the attempt before it and says in an event why it was
    /// retried: sibling stage spans do not show which attempt replaced which.
    fn link_previous_attempt(&self, app: &str, span: &mut Span, stage: i64, attempt: i64) {
        let prev = attempt - 1;
        let reason = self
            .stage_failures
            .get(&stage)
            .and_then(|f| f.iter().rev().find(|(a, _)| *a == prev))
            .map(|(_, r)| r.clone());
        let mut link_attrs: Attributes = vec![
            (attrs::LINK_TYPE, "previous_attempt".into()),
            (attrs::STAGE_ATTEMPT, prev.into()),
        ];
        let mut event_attrs: Attributes = vec![(attrs::STAGE_ATTEMPT, prev.into())];
        if let Some(r) = reason {
            link_attrs.push((attrs::FAILURE_REASON, r.clone().into()));
            event_attrs.push((attrs::FAILURE_REASON, r.into()));
        }
        span.links.push(SpanLink {
            trace_id: span.trace_id,
            span_id: span_id(
                app,
                SpanKey::Stage {
                    stage,
                    attempt: prev,
                },
            ),
            attributes: link_attrs,
        });
        span.events.push(SpanEvent {
            time_ns: span.start_ns,
            name: events::STAGE_RETRY,
            attributes: event_attrs,
        });
    }
}

/// The skew ratio of a stage: its longest task over its median task, with the median
/// counted as at least 1 ms (so a stage of instant tasks is not infinitely skewed).
///
/// ```
/// assert_eq!(spark_traces::convert::skew_ratio(300, 100), 3.0);
/// assert_eq!(spark_traces::convert::skew_ratio(5, 0), 5.0);
/// ```
pub fn skew_ratio(max_ms: i64, median_ms: i64) -> f64 {
    max_ms as f64 / median_ms.max(1) as f64
}

#[cfg(test)]
mod tests {
    use super::super::ConvertOptions;
    use super::*;
    use crate::event::parse_line;
    use crate::span::{Status, Value};

    #[test]
    fn stage_owner_is_the_open_job_that_lists_it() {
        let mut c = Converter::new(ConvertOptions::default(), "app-x");
        let mut out = Vec::new();
        for line in [
            r#"{"Event":"SparkListenerJobStart","Job ID":1,"Submission Time":1,"Stage IDs":[7,8]}"#,
            r#"{"Event":"SparkListenerJobEnd","Job ID":1,"Completion Time":2,"Job Result":{"Result":"JobFailed"}}"#,
            r#"{"Event":"SparkListenerJobStart","Job ID":2,"Submission Time":3,"Stage IDs":[8,9]}"#,
            r#"{"Event":"SparkListenerStageSubmitted","Stage Info":{"Stage ID":8,"Stage Attempt ID":0,"Submission Time":4}}"#,
            r#"{"Event":"SparkListenerStageCompleted","Stage Info":{"Stage ID":8,"Stage Attempt ID":0,"Submission Time":4,"Completion Time":5}}"#,
        ] {
            c.process(parse_line(line).unwrap(), &mut out);
        }
        let stage = out.iter().find(|s| s.name == "spark.stage").unwrap();
        assert_eq!(stage.attr(attrs::JOB_ID), Some(&Value::Int(2)));
        assert_eq!(
            stage.parent_span_id,
            Some(span_id("app-x", SpanKey::Job { job: 2 }))
        );
        let failed = out.iter().find(|s| s.name == "spark.job").unwrap();
        assert_eq!(failed.status, Status::Error);
        assert_eq!(failed.attr(attrs::JOB_SKIPPED_STAGES), Some(&Value::Int(2)));
    }
}
