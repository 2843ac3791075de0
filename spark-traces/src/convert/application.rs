//! The application: what its start says about it, the `spark.application` span at its
//! end, and closing what is still open when the log ends without that end.

use serde::{Deserialize, Serialize};

use super::tree::SpanParts;
use super::Converter;
use crate::event::{ApplicationEnd, ApplicationStart, LogStart, StageInfo};
use crate::ids::{SpanKey, TraceKey};
use crate::span::{attrs, names, AppResource, Attributes, Span, Status};

/// What the converter knows of the application.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub(super) struct AppState {
    pub(super) resource: AppResource,
    /// The application id from the log's name, until `ApplicationStart` says.
    pub(super) fallback_id: String,
    pub(super) start_ms: Option<i64>,
    pub(super) user: Option<String>,
    pub(super) ended: bool,
    /// The latest time the log mentions: where what is left open ends.
    pub(super) last_ms: i64,
}

impl Converter {
    pub(super) fn log_start(&mut self, l: LogStart) {
        if !l.spark_version.is_empty() {
            self.app.resource.spark_version = Some(l.spark_version);
        }
    }

    pub(super) fn application_start(&mut self, a: ApplicationStart) {
        self.see(a.timestamp);
        if let Some(id) = a.app_id.filter(|s| !s.is_empty()) {
            self.app.resource.app_id = id;
        }
        self.app.resource.app_name = a.app_name;
        self.app.resource.app_attempt = a.app_attempt_id.filter(|s| !s.is_empty());
        self.app.start_ms = Some(a.timestamp);
        self.app.user = a.user;
    }

    pub(super) fn application_end(&mut self, e: ApplicationEnd, out: &mut Vec<Span>) {
        self.see(e.timestamp);
        self.close_all(e.timestamp, out);
        self.emit_app(e.timestamp, e.exit_code, true, out);
    }

    /// Closes what is still open when the log is complete without
    /// `SparkListenerApplicationEnd` (a driver that crashed or was killed): stages, jobs, SQL
    /// executions and the application end at the last time the log mentions, with
    /// `spark.status = UNFINISHED`. Does nothing once the application span was made.
    pub fn finish_incomplete(&mut self, out: &mut Vec<Span>) {
        if self.app.ended {
            return;
        }
        let end = self.app.last_ms;
        self.close_all(end, out);
        self.emit_app(end, None, false, out);
    }

    /// Ends every open stage, job and SQL execution at `end_ms`, as unfinished.
    fn close_all(&mut self, end_ms: i64, out: &mut Vec<Span>) {
        let stages = std::mem::take(&mut self.stages);
        for st in stages {
            let info = StageInfo {
                stage_id: st.stage,
                attempt: st.attempt,
                name: st.name.clone(),
                num_tasks: st.num_tasks,
                submission_time: Some(st.start_ms),
                completion_time: Some(end_ms),
                failure_reason: None,
            };
            self.stages.push(st);
            self.stats.unfinished += 1;
            self.finish_stage(info, true, out);
        }
        let jobs: Vec<i64> = self.jobs.keys().copied().collect();
        for job_id in jobs {
            self.stats.unfinished += 1;
            self.finish_job(job_id, end_ms, None, true, out);
        }
        let sqls: Vec<i64> = self.sql.keys().rev().copied().collect();
        for execution_id in sqls {
            self.stats.unfinished += 1;
            self.finish_sql(execution_id, end_ms, None, None, true, out);
        }
    }

    /// Makes the application span, once: `ended` says whether the log recorded the end.
    fn emit_app(&mut self, end_ms: i64, exit_code: Option<i64>, ended: bool, out: &mut Vec<Span>) {
        if self.app.ended {
            return;
        }
        self.app.ended = true;
        let r = self.app.resource.clone();
        let mut a: Attributes = vec![
            (attrs::APP_ID, r.app_id.clone().into()),
            (attrs::APP_NAME, r.app_name.clone().into()),
        ];
        if let Some(att) = &r.app_attempt {
            a.push((attrs::APP_ATTEMPT, att.clone().into()));
        }
        if let Some(u) = &self.app.user {
            a.push((attrs::USER, u.clone().into()));
        }
        let (status, label, message) = match exit_code {
            _ if !ended => (Status::Unset, "UNFINISHED", String::new()),
            None | Some(0) => (Status::Ok, "SUCCEEDED", String::new()),
            Some(c) => (Status::Error, "FAILED", format!("exit code {c}")),
        };
        if let Some(c) = exit_code {
            a.push((attrs::EXIT_CODE, c.into()));
        }
        a.push((attrs::STATUS, label.into()));
        if !message.is_empty() {
            a.push((attrs::FAILURE_REASON, message.clone().into()));
        }
        if !ended {
            self.stats.unfinished += 1;
        }
        let start = self.app.start_ms.unwrap_or(end_ms);
        let span = self.span(SpanParts {
            trace: TraceKey::Application,
            key: SpanKey::Application,
            parent: None,
            name: names::APPLICATION,
            start_ms: start,
            end_ms,
            attributes: a,
            status,
            status_message: message,
        });
        out.push(span);
    }
}
