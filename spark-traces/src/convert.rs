//! From events to spans: a state machine over one application's event log.
//!
//! A span is made when the event that ends it arrives (`…End`, `StageCompleted`, `TaskEnd`),
//! with the start time of the event that began it, so a growing log yields each span once,
//! complete. What is open in between (SQL executions, jobs, stages with their task
//! durations) is the [`Converter`]'s state, which serialises, so a restart resumes exactly
//! where the last exported batch ended.

use std::collections::{BTreeMap, BTreeSet};

use serde::{Deserialize, Serialize};

use crate::event::{Event, JobEnd, JobStart, SqlEnd, SqlStart, StageInfo, TaskEnd};
use crate::ids::{span_id, trace_id, SpanKey, TraceKey};
use crate::span::{
    attrs, events, ms_to_ns, names, AppResource, Attributes, Span, SpanEvent, SpanLink, Status,
    Value,
};

/// How spans are grouped into traces.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum TracePer {
    /// One trace per application: `spark.application` is the root of everything.
    #[default]
    Application,
    /// One trace per root SQL execution (and one per job run outside SQL); the application
    /// span is a trace of its own, and each trace's root links to it.
    Sql,
}

impl std::str::FromStr for TracePer {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        match s.trim().to_ascii_lowercase().as_str() {
            "application" | "app" => Ok(TracePer::Application),
            "sql" | "sql-execution" | "query" => Ok(TracePer::Sql),
            other => Err(format!(
                "unknown trace grouping `{other}`: use `application` (one trace per application) or `sql` (one trace per SQL execution)"
            )),
        }
    }
}

/// What the conversion does besides following the log.
#[derive(Debug, Clone, PartialEq)]
pub struct ConvertOptions {
    /// One trace per application or per SQL execution.
    pub trace_per: TracePer,
    /// The share of task spans exported, 0.0 to 1.0 (see [`crate::ids::sampled`]).
    pub task_sampling_ratio: f64,
    /// Export failed task attempts whatever the sampling ratio.
    pub keep_failed_tasks: bool,
    /// Longer strings (failure reasons, descriptions) are cut to this many bytes.
    pub max_attribute_length: usize,
}

impl Default for ConvertOptions {
    fn default() -> Self {
        ConvertOptions {
            trace_per: TracePer::Application,
            task_sampling_ratio: 1.0,
            keep_failed_tasks: true,
            max_attribute_length: 4096,
        }
    }
}

/// Counts of one conversion (not persisted).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct ConvertStats {
    /// Events decoded, of any kind.
    pub events: u64,
    /// Spans made, by name.
    pub spans: BTreeMap<&'static str, u64>,
    /// Task spans left out by sampling.
    pub tasks_sampled_out: u64,
    /// Spans closed because the log ended without their end event.
    pub unfinished: u64,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
struct AppState {
    resource: AppResource,
    /// The application id from the log's name, until `ApplicationStart` says.
    fallback_id: String,
    start_ms: Option<i64>,
    user: Option<String>,
    ended: bool,
    last_ms: i64,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
struct SqlOpen {
    start_ms: i64,
    root: i64,
    description: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
struct JobOpen {
    start_ms: i64,
    sql: Option<i64>,
    stage_ids: Vec<i64>,
    submitted: BTreeSet<i64>,
    description: Option<String>,
    group: Option<String>,
}

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

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
struct StageOpen {
    stage: i64,
    attempt: i64,
    start_ms: i64,
    name: String,
    num_tasks: i64,
    durations: Vec<u64>,
    failed: i64,
    killed: i64,
    sampled: i64,
    sums: StageSums,
}

/// The conversion of one application's event log into spans.
///
/// ```
/// use spark_traces::convert::{Converter, ConvertOptions};
/// use spark_traces::event::parse_line;
/// let mut c = Converter::new(ConvertOptions::default(), "local-1");
/// let mut spans = Vec::new();
/// for line in [
///     r#"{"Event":"SparkListenerApplicationStart","App Name":"etl","App ID":"local-1","Timestamp":1000,"User":"me"}"#,
///     r#"{"Event":"SparkListenerJobStart","Job ID":0,"Submission Time":1100,"Stage IDs":[0],"Properties":{}}"#,
///     r#"{"Event":"SparkListenerJobEnd","Job ID":0,"Completion Time":1900,"Job Result":{"Result":"JobSucceeded"}}"#,
///     r#"{"Event":"SparkListenerApplicationEnd","Timestamp":2000}"#,
/// ] {
///     c.process(parse_line(line).unwrap(), &mut spans);
/// }
/// assert_eq!(spans.iter().map(|s| s.name).collect::<Vec<_>>(), ["spark.job", "spark.application"]);
/// assert_eq!(spans[0].parent_span_id, Some(spans[1].span_id));
/// assert_eq!(spans[0].end_ns - spans[0].start_ns, 800_000_000);
/// assert_eq!(c.resource().app_name, "etl");
/// ```
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Converter {
    #[serde(skip)]
    opts: ConvertOptions,
    #[serde(skip)]
    stats: ConvertStats,
    app: AppState,
    sql: BTreeMap<i64, SqlOpen>,
    /// Execution id → root execution id, for every execution seen.
    sql_roots: BTreeMap<i64, i64>,
    jobs: BTreeMap<i64, JobOpen>,
    /// Job id → its SQL execution, for every job seen (stages and tasks need it after the job).
    job_sql: BTreeMap<i64, Option<i64>>,
    /// Stage id → the job that ran it.
    stage_job: BTreeMap<i64, i64>,
    stages: Vec<StageOpen>,
    /// Stage id → (attempt, failure reason) of its failed attempts, for retry links.
    stage_failures: BTreeMap<i64, Vec<(i64, String)>>,
    /// Ended jobs with their stages, oldest first: what the maps above still hold for them
    /// is forgotten once [`RETAINED_ENDED`] more have ended (long-running applications).
    #[serde(default)]
    ended_jobs: std::collections::VecDeque<(i64, Vec<i64>)>,
    /// Ended SQL executions, oldest first, likewise.
    #[serde(default)]
    ended_sql: std::collections::VecDeque<i64>,
}

/// How many ended jobs (and SQL executions) the converter remembers, for events that arrive
/// after their end (a speculative task killed late, a nested execution). Bounds the memory
/// and the saved state of applications that run for days.
pub const RETAINED_ENDED: usize = 2000;

impl Converter {
    /// A converter for one application. `fallback_app_id` (from the log's file name) names
    /// the application until its `SparkListenerApplicationStart` says otherwise.
    pub fn new(opts: ConvertOptions, fallback_app_id: &str) -> Self {
        Converter {
            opts,
            stats: ConvertStats::default(),
            app: AppState {
                resource: AppResource {
                    app_id: fallback_app_id.to_string(),
                    app_name: String::new(),
                    ..AppResource::default()
                },
                fallback_id: fallback_app_id.to_string(),
                ..AppState::default()
            },
            sql: BTreeMap::new(),
            sql_roots: BTreeMap::new(),
            jobs: BTreeMap::new(),
            job_sql: BTreeMap::new(),
            stage_job: BTreeMap::new(),
            stages: Vec::new(),
            stage_failures: BTreeMap::new(),
            ended_jobs: std::collections::VecDeque::new(),
            ended_sql: std::collections::VecDeque::new(),
        }
    }

    /// Restores a converter saved with [`Converter::snapshot`], with (possibly new) options.
    ///
    /// ```
    /// use spark_traces::convert::{Converter, ConvertOptions};
    /// let c = Converter::new(ConvertOptions::default(), "local-1");
    /// let back = Converter::restore(c.snapshot(), ConvertOptions::default()).unwrap();
    /// assert_eq!(back, c);
    /// ```
    pub fn restore(snapshot: serde_json::Value, opts: ConvertOptions) -> Result<Self, String> {
        let mut c: Converter = serde_json::from_value(snapshot)
            .map_err(|e| format!("the saved conversion state does not load ({e})"))?;
        c.opts = opts;
        Ok(c)
    }

    /// The state to persist, as JSON.
    pub fn snapshot(&self) -> serde_json::Value {
        serde_json::to_value(self).unwrap_or(serde_json::Value::Null)
    }

    /// The resource the spans belong to (application id and name, Spark version).
    pub fn resource(&self) -> &AppResource {
        &self.app.resource
    }

    /// Whether `SparkListenerApplicationEnd` was processed.
    pub fn ended(&self) -> bool {
        self.app.ended
    }

    /// Counts so far (since this converter was created or restored).
    pub fn stats(&self) -> &ConvertStats {
        &self.stats
    }

    /// The options in use.
    pub fn options(&self) -> &ConvertOptions {
        &self.opts
    }

    fn app_key(&self) -> String {
        let r = &self.app.resource;
        let id = if r.app_id.is_empty() {
            &self.app.fallback_id
        } else {
            &r.app_id
        };
        match &r.app_attempt {
            Some(a) if !a.is_empty() => format!("{id}/{a}"),
            _ => id.clone(),
        }
    }

    fn see(&mut self, ms: i64) {
        if ms > self.app.last_ms {
            self.app.last_ms = ms;
        }
    }

    fn cut(&self, s: &str) -> String {
        let max = self.opts.max_attribute_length.max(16);
        if s.len() <= max {
            return s.to_string();
        }
        let mut end = max - 3;
        while !s.is_char_boundary(end) {
            end -= 1;
        }
        format!("{}...", &s[..end])
    }

    fn sql_root(&self, execution: i64) -> i64 {
        self.sql_roots.get(&execution).copied().unwrap_or(execution)
    }

    fn job_trace(&self, job: i64) -> TraceKey {
        match self.opts.trace_per {
            TracePer::Application => TraceKey::Application,
            TracePer::Sql => match self.job_sql.get(&job).copied().flatten() {
                Some(s) => TraceKey::Sql {
                    root_execution: self.sql_root(s),
                },
                None => TraceKey::Job { job },
            },
        }
    }

    fn stage_trace(&self, stage: i64) -> (TraceKey, Option<i64>) {
        match self.stage_job.get(&stage) {
            Some(&job) => (self.job_trace(job), Some(job)),
            None => (TraceKey::Application, None),
        }
    }

    fn app_link(&self, app: &str) -> SpanLink {
        SpanLink {
            trace_id: trace_id(app, TraceKey::Application),
            span_id: span_id(app, SpanKey::Application),
            attributes: vec![(attrs::LINK_TYPE, "application".into())],
        }
    }

    #[allow(clippy::too_many_arguments)]
    fn span(
        &mut self,
        trace: TraceKey,
        key: SpanKey,
        parent: Option<SpanKey>,
        name: &'static str,
        start_ms: i64,
        end_ms: i64,
        attributes: Attributes,
        status: Status,
        status_message: String,
    ) -> Span {
        let app = self.app_key();
        let start_ns = ms_to_ns(start_ms);
        let end_ns = ms_to_ns(end_ms).max(start_ns);
        *self.stats.spans.entry(name).or_default() += 1;
        Span {
            trace_id: trace_id(&app, trace),
            span_id: span_id(&app, key),
            parent_span_id: parent.map(|p| span_id(&app, p)),
            name,
            start_ns,
            end_ns,
            attributes,
            events: Vec::new(),
            links: Vec::new(),
            status,
            status_message,
        }
    }

    /// Feeds one event; spans it completes are appended to `out`.
    pub fn process(&mut self, event: Event, out: &mut Vec<Span>) {
        self.stats.events += 1;
        match event {
            Event::LogStart(l) => {
                if !l.spark_version.is_empty() {
                    self.app.resource.spark_version = Some(l.spark_version);
                }
            }
            Event::ApplicationStart(a) => {
                self.see(a.timestamp);
                if let Some(id) = a.app_id.filter(|s| !s.is_empty()) {
                    self.app.resource.app_id = id;
                }
                self.app.resource.app_name = a.app_name;
                self.app.resource.app_attempt = a.app_attempt_id.filter(|s| !s.is_empty());
                self.app.start_ms = Some(a.timestamp);
                self.app.user = a.user;
            }
            Event::ApplicationEnd(e) => {
                self.see(e.timestamp);
                self.close_all(e.timestamp, out);
                self.emit_app(e.timestamp, e.exit_code, true, out);
            }
            Event::SqlStart(s) => self.sql_start(s),
            Event::SqlEnd(e) => self.sql_end(e, out),
            Event::JobStart(j) => self.job_start(j),
            Event::JobEnd(j) => self.job_end(j, out),
            Event::StageSubmitted(s) => self.stage_submitted(s.stage_info),
            Event::StageCompleted(s) => self.stage_completed(s.stage_info, out),
            Event::TaskEnd(t) => self.task_end(*t, out),
            Event::Other(_) => {}
        }
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
        let span = self.span(
            TraceKey::Application,
            SpanKey::Application,
            None,
            names::APPLICATION,
            start,
            end_ms,
            a,
            status,
            message,
        );
        out.push(span);
    }

    // --- SQL executions ---------------------------------------------------------------

    fn sql_start(&mut self, s: SqlStart) {
        self.see(s.time);
        let root = s.root_execution_id.unwrap_or(s.execution_id);
        self.sql_roots.insert(s.execution_id, root);
        self.sql.insert(
            s.execution_id,
            SqlOpen {
                start_ms: s.time,
                root,
                description: s.description,
            },
        );
    }

    fn sql_end(&mut self, e: SqlEnd, out: &mut Vec<Span>) {
        self.see(e.time);
        self.finish_sql(
            e.execution_id,
            e.time,
            e.error_message,
            e.query_id,
            false,
            out,
        );
    }

    fn finish_sql(
        &mut self,
        execution: i64,
        end_ms: i64,
        error: Option<String>,
        query_id: Option<String>,
        unfinished: bool,
        out: &mut Vec<Span>,
    ) {
        let Some(open) = self.sql.remove(&execution) else {
            return;
        };
        self.ended_sql.push_back(execution);
        while self.ended_sql.len() > RETAINED_ENDED {
            if let Some(old) = self.ended_sql.pop_front() {
                self.sql_roots.remove(&old);
            }
        }
        let app = self.app_key();
        let mut a: Attributes = vec![
            (attrs::SQL_EXECUTION_ID, execution.into()),
            (attrs::SQL_ROOT_EXECUTION_ID, open.root.into()),
            (attrs::SQL_DESCRIPTION, self.cut(&open.description).into()),
        ];
        if let Some(q) = query_id.filter(|q| !q.is_empty()) {
            a.push((attrs::SQL_QUERY_ID, q.into()));
        }
        let error = error.filter(|e| !e.is_empty()).map(|e| self.cut(&e));
        let (status, label, message) = match (&error, unfinished) {
            (_, true) => (Status::Unset, "UNFINISHED", String::new()),
            (Some(e), _) => (Status::Error, "FAILED", e.clone()),
            (None, _) => (Status::Ok, "SUCCEEDED", String::new()),
        };
        a.push((attrs::STATUS, label.into()));
        if let Some(e) = error {
            a.push((attrs::FAILURE_REASON, e.into()));
        }
        let nested = open.root != execution;
        let (trace, parent) = match self.opts.trace_per {
            TracePer::Application => (
                TraceKey::Application,
                Some(if nested {
                    SpanKey::Sql {
                        execution: open.root,
                    }
                } else {
                    SpanKey::Application
                }),
            ),
            TracePer::Sql => (
                TraceKey::Sql {
                    root_execution: open.root,
                },
                nested.then_some(SpanKey::Sql {
                    execution: open.root,
                }),
            ),
        };
        let mut span = self.span(
            trace,
            SpanKey::Sql { execution },
            parent,
            names::SQL,
            open.start_ms,
            end_ms,
            a,
            status,
            message,
        );
        if span.parent_span_id.is_none() {
            span.links.push(self.app_link(&app));
        }
        out.push(span);
    }

    // --- Jobs -----------------------------------------------------------------------

    fn job_start(&mut self, j: JobStart) {
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

    fn job_end(&mut self, j: JobEnd, out: &mut Vec<Span>) {
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

    fn finish_job(
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
        let (status, label, message) = match (&failure, unfinished) {
            (_, true) => (Status::Unset, "UNFINISHED", String::new()),
            (Some(f), _) => (Status::Error, "FAILED", f.clone()),
            (None, _) => (Status::Ok, "SUCCEEDED", String::new()),
        };
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
        let mut span = self.span(
            trace,
            SpanKey::Job { job: job_id },
            parent,
            names::JOB,
            open.start_ms,
            end_ms,
            a,
            status,
            message,
        );
        if span.parent_span_id.is_none() {
            span.links.push(self.app_link(&app));
        }
        out.push(span);
    }

    // --- Stages ---------------------------------------------------------------------

    fn stage_submitted(&mut self, info: StageInfo) {
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
        self.stages.push(StageOpen {
            stage,
            attempt: info.attempt,
            start_ms: start,
            name: info.name,
            num_tasks: info.num_tasks,
            durations: Vec::new(),
            failed: 0,
            killed: 0,
            sampled: 0,
            sums: StageSums::default(),
        });
    }

    fn stage_completed(&mut self, info: StageInfo, out: &mut Vec<Span>) {
        if let Some(t) = info.completion_time {
            self.see(t);
        }
        self.finish_stage(info, false, out);
    }

    fn finish_stage(&mut self, info: StageInfo, unfinished: bool, out: &mut Vec<Span>) {
        let pos = self
            .stages
            .iter()
            .position(|s| s.stage == info.stage_id && s.attempt == info.attempt);
        let Some(open) = pos.map(|p| self.stages.swap_remove(p)) else {
            // Completed without a StageSubmitted we saw (e.g. the log starts mid-run).
            if info.submission_time.is_none() {
                return;
            }
            let open = StageOpen {
                stage: info.stage_id,
                attempt: info.attempt,
                start_ms: info.submission_time.unwrap_or(0),
                name: info.name.clone(),
                num_tasks: info.num_tasks,
                durations: Vec::new(),
                failed: 0,
                killed: 0,
                sampled: 0,
                sums: StageSums::default(),
            };
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
        let mut durations = open.durations;
        durations.sort_unstable();
        a.push((attrs::STAGE_TASK_COUNT, (durations.len() as i64).into()));
        a.push((attrs::STAGE_FAILED_TASKS, open.failed.into()));
        a.push((attrs::STAGE_KILLED_TASKS, open.killed.into()));
        a.push((attrs::STAGE_SAMPLED_TASKS, open.sampled.into()));
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
        let s = &open.sums;
        a.push((attrs::STAGE_RUN_TIME, s.run_time.into()));
        a.push((attrs::STAGE_GC_TIME, s.gc_time.into()));
        a.push((attrs::STAGE_SHUFFLE_READ_BYTES, s.shuffle_read.into()));
        a.push((attrs::STAGE_SHUFFLE_WRITE_BYTES, s.shuffle_write.into()));
        a.push((attrs::STAGE_FETCH_WAIT_TIME, s.fetch_wait.into()));
        a.push((attrs::STAGE_MEMORY_SPILLED, s.memory_spilled.into()));
        a.push((attrs::STAGE_DISK_SPILLED, s.disk_spilled.into()));
        let failure = info
            .failure_reason
            .as_deref()
            .filter(|f| !f.is_empty())
            .map(|f| self.cut(f));
        let (status, label, message) = match (&failure, unfinished) {
            (_, true) => (Status::Unset, "UNFINISHED", String::new()),
            (Some(f), _) => (Status::Error, "FAILED", f.clone()),
            (None, _) => (Status::Ok, "SUCCEEDED", String::new()),
        };
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
        let mut span = self.span(
            trace,
            SpanKey::Stage { stage, attempt },
            parent,
            names::STAGE,
            open.start_ms,
            end_ms,
            a,
            status,
            message,
        );
        if attempt > 0 {
            // A retry: link to the attempt before it, and say why in an event.
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
                    &app,
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
        if span.parent_span_id.is_none() {
            span.links.push(self.app_link(&app));
        }
        out.push(span);
    }

    // --- Tasks ----------------------------------------------------------------------

    fn task_end(&mut self, t: TaskEnd, out: &mut Vec<Span>) {
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
        let m = t.metrics.unwrap_or_default();
        let key = SpanKey::Task { task: info.task_id };
        let id = span_id(&app, key);
        let keep = crate::ids::sampled(&id, self.opts.task_sampling_ratio)
            || (self.opts.keep_failed_tasks && status == Status::Error);
        if let Some(st) = self
            .stages
            .iter_mut()
            .find(|s| s.stage == t.stage_id && s.attempt == t.stage_attempt)
        {
            st.durations.push(duration);
            match label {
                "FAILED" => st.failed += 1,
                "KILLED" => st.killed += 1,
                _ => {}
            }
            if keep {
                st.sampled += 1;
            }
            let s = &mut st.sums;
            s.run_time += m.executor_run_time;
            s.gc_time += m.jvm_gc_time;
            s.shuffle_read += m.shuffle_read.remote_bytes_read + m.shuffle_read.local_bytes_read;
            s.shuffle_write += m.shuffle_write.bytes_written;
            s.fetch_wait += m.shuffle_read.fetch_wait_time;
            s.memory_spilled += m.memory_bytes_spilled;
            s.disk_spilled += m.disk_bytes_spilled;
        }
        if !keep {
            self.stats.tasks_sampled_out += 1;
            return;
        }
        let (trace, job) = self.stage_trace(t.stage_id);
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
        a.push((attrs::TASK_END_REASON, reason.into()));
        a.push((attrs::STATUS, label.into()));
        if let Some(f) = &failure {
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
        let mut span = self.span(
            trace,
            key,
            Some(SpanKey::Stage {
                stage: t.stage_id,
                attempt: t.stage_attempt,
            }),
            names::TASK,
            info.launch_time,
            finish,
            a,
            status,
            if status == Status::Error {
                failure.clone().unwrap_or_default()
            } else {
                String::new()
            },
        );
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
