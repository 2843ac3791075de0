//! Jobs: `spark.job` spans, under their SQL execution when they ran one, and which stages
//! and SQL execution each job had, for the stages and tasks that end after it.

use std::collections::BTreeSet;

use serde::{Deserialize, Serialize};

use super::attributes::outcome;
use super::tree::SpanParts;
use super::{Converter, TracePer, RETAINED_ENDED};
use crate::event::{JobEnd, JobStart};
use crate::ids::SpanKey;
use crate::span::{attrs, names, Attributes, Span, Value};

/// A job started and not ended yet.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub(super) struct JobOpen {
    start_ms: i64,
    sql: Option<i64>,
    pub(super) stage_ids: Vec<i64>,
    /// Its stages that were submitted; the others were skipped (their output existed).
    pub(super) submitted: BTreeSet<i64>,
    description: Option<String>,
    group: Option<String>,
}

impl Converter {
    pub(super) fn job_start(&mut self, j: JobStart) {
        let start = j.submission_time.unwrap_or(self.app.last_ms);
        self.see(start);
        let props = j.properties.unwrap_or_default();
        let sql = props
            .sql_execution_id
            .as_deref()
            .and_then(|s| s.trim().parse::<i64>().ok());
        let stage_ids = if j.stage_ids.is_empty() {
            j.stage_infos.iter().map(|s| s.stage_id).collect()
        } else {
            j.stage_ids
        };
        for &s in &stage_ids {
            self.stage_job.entry(s).or_insert(j.job_id);
        }
        self.job_sql.insert(j.job_id, sql);
        self.jobs.insert(
            j.job_id,
            JobOpen {
                start_ms: start,
                sql,
                stage_ids,
                submitted: BTreeSet::new(),
                description: props.description,
                group: props.group,
            },
        );
    }

    pub(super) fn job_end(&mut self, j: JobEnd, out: &mut Vec<Span>) {
        let end = j.completion_time.unwrap_or(self.app.last_ms);
        self.see(end);
        let failure = j.job_result.as_ref().and_then(|r| {
            (r.result != "JobSucceeded").then(|| {
                r.exception
                    .as_ref()
                    .and_then(|e| e.message.clone())
                    .filter(|m| !m.is_empty())
                    .unwrap_or_else(|| r.result.clone())
            })
        });
        self.finish_job(j.job_id, end, failure, false, out);
    }

    pub(super) fn finish_job(
        &mut self,
        job_id: i64,
        end_ms: i64,
        failure: Option<String>,
        unfinished: bool,
        out: &mut Vec<Span>,
    ) {
        let Some(open) = self.jobs.remove(&job_id) else {
            return;
        };
        self.ended_jobs.push_back((job_id, open.stage_ids.clone()));
        while self.ended_jobs.len() > RETAINED_ENDED {
            if let Some((old, stages)) = self.ended_jobs.pop_front() {
                self.job_sql.remove(&old);
                for st in stages {
                    if self.stage_job.get(&st) == Some(&old) {
                        self.stage_job.remove(&st);
                        self.stage_failures.remove(&st);
                    }
                }
            }
        }
        let app = self.app_key();
        let skipped = open
            .stage_ids
            .iter()
            .filter(|s| !open.submitted.contains(s))
            .count() as i64;
        let mut a: Attributes = vec![(attrs::JOB_ID, job_id.into())];
        if let Some(s) = open.sql {
            a.push((attrs::SQL_EXECUTION_ID, s.into()));
        }
        if let Some(d) = open.description.as_deref().filter(|d| !d.is_empty()) {
            a.push((attrs::JOB_DESCRIPTION, self.cut(d).into()));
        }
        if let Some(g) = open.group.as_deref().filter(|g| !g.is_empty()) {
            a.push((attrs::JOB_GROUP, self.cut(g).into()));
        }
        let mut stage_ids = open.stage_ids.clone();
        stage_ids.sort_unstable();
        a.push((attrs::JOB_STAGE_IDS, Value::Ints(stage_ids)));
        a.push((attrs::JOB_SKIPPED_STAGES, skipped.into()));
        let failure = failure.map(|f| self.cut(&f));
        let (status, label, message) = outcome(failure.as_deref(), unfinished);
        a.push((attrs::STATUS, label.into()));
        if let Some(f) = failure {
            a.push((attrs::FAILURE_REASON, f.into()));
        }
        let trace = self.job_trace(job_id);
        let parent = match (open.sql, self.opts.trace_per) {
            (Some(s), _) => Some(SpanKey::Sql { execution: s }),
            (None, TracePer::Application) => Some(SpanKey::Application),
            (None, TracePer::Sql) => None,
        };
        let mut span = self.span(SpanParts {
            trace,
            key: SpanKey::Job { job: job_id },
            parent,
            name: names::JOB,
            start_ms: open.start_ms,
            end_ms,
            attributes: a,
            status,
            status_message: message,
        });
        self.link_root_to_app(&app, &mut span);
        out.push(span);
    }
}

#[cfg(test)]
mod tests {
    use super::super::ConvertOptions;
    use super::*;
    use crate::event::parse_line;

    #[test]
    fn long_running_applications_keep_bounded_state() {
        let mut c = Converter::new(ConvertOptions::default(), "app-long");
        let mut out = Vec::new();
        let n = RETAINED_ENDED as i64 + 500;
        for j in 0..n {
            for line in [
                format!(
                    r#"{{"Event":"SparkListenerJobStart","Job ID":{j},"Submission Time":{},"Stage IDs":[{j}],"Properties":{{"spark.sql.execution.id":"{j}"}}}}"#,
                    10 * j
                ),
                format!(
                    r#"{{"Event":"SparkListenerStageSubmitted","Stage Info":{{"Stage ID":{j},"Stage Attempt ID":0,"Submission Time":{}}}}}"#,
                    10 * j
                ),
                format!(
                    r#"{{"Event":"SparkListenerStageCompleted","Stage Info":{{"Stage ID":{j},"Stage Attempt ID":0,"Submission Time":{},"Completion Time":{}}}}}"#,
                    10 * j,
                    10 * j + 5
                ),
                format!(
                    r#"{{"Event":"SparkListenerJobEnd","Job ID":{j},"Completion Time":{},"Job Result":{{"Result":"JobSucceeded"}}}}"#,
                    10 * j + 6
                ),
            ] {
                c.process(parse_line(&line).unwrap(), &mut out);
            }
        }
        assert_eq!(out.len() as i64, 2 * n);
        assert_eq!(c.job_sql.len(), RETAINED_ENDED);
        assert_eq!(c.stage_job.len(), RETAINED_ENDED);
        assert!(c.job_sql.contains_key(&(n - 1)) && !c.job_sql.contains_key(&0));
        let saved = serde_json::to_string(&c.snapshot()).unwrap();
        assert!(saved.len() < 200_000, "{} bytes", saved.len());
    }
}
