//! From events to spans: a state machine over one application's event log.
//!
//! A span is made when the event that ends it arrives (`…End`, `StageCompleted`, `TaskEnd`),
//! with the start time of the event that began it, so a growing log yields each span once,
//! complete. What is open in between (SQL executions, jobs, stages with their task
//! durations) is the [`Converter`]'s state, which serialises, so a restart resumes exactly
//! where the last exported batch ended.
//!
//! Each kind of span has its file: `application.rs`, `sql.rs`, `job.rs`, `stage.rs` and
//! `task.rs` hold what is open of that kind and make its spans; `tree.rs` places a span in
//! its trace and derives its ids, `attributes.rs` holds what the attributes of every kind
//! share, `options.rs` what the conversion is asked to do.

mod application;
mod attributes;
mod job;
mod options;
mod sql;
mod stage;
mod task;
mod tree;

use std::collections::{BTreeMap, VecDeque};

use serde::{Deserialize, Serialize};

use crate::event::Event;
use crate::span::{AppResource, Span};
use application::AppState;
use job::JobOpen;
pub use options::{ConvertOptions, TracePer};
use sql::SqlOpen;
pub use stage::skew_ratio;
use stage::StageOpen;

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
    ended_jobs: VecDeque<(i64, Vec<i64>)>,
    /// Ended SQL executions, oldest first, likewise.
    #[serde(default)]
    ended_sql: VecDeque<i64>,
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
            ended_jobs: VecDeque::new(),
            ended_sql: VecDeque::new(),
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

    /// Notes a time the log mentions: what is still open when a log ends without its end
    /// events ends at the latest one.
    fn see(&mut self, ms: i64) {
        if ms > self.app.last_ms {
            self.app.last_ms = ms;
        }
    }

    /// Feeds one event; spans it completes are appended to `out`.
    pub fn process(&mut self, event: Event, out: &mut Vec<Span>) {
        self.stats.events += 1;
        match event {
            Event::LogStart(l) => self.log_start(l),
            Event::ApplicationStart(a) => self.application_start(a),
            Event::ApplicationEnd(e) => self.application_end(e, out),
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
}
