//! The pipeline: read logs, convert, batch, export, record progress.
//!
//! One thread reads and converts; another sends the batches in order (the receiver's
//! acknowledgement of a batch is what advances the state file). A bounded queue between the
//! two keeps memory flat when the receiver is slower than the conversion.

use std::collections::BTreeMap;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc;
use std::thread;
use std::time::{Duration, Instant};

use crate::config::Config;
use crate::convert::{ConvertOptions, Converter};
use crate::event::parse_line;
use crate::export::Exporter;
use crate::ids::hex;
use crate::otlp::{self, ResourceConfig};
use crate::source::{discover, Cursor, EventLog, FileTail, Line, SourceError};
use crate::span::{AppResource, Span, Value};
use crate::state::{SourceState, State};

/// Bytes read from a log per poll, at most.
const READ_CHUNK: usize = 4 << 20;
/// Malformed lines reported one by one per log; the rest are counted.
const MALFORMED_REPORTED: u64 = 5;

/// Where the spans go.
pub enum Sink {
    /// To the OTLP endpoint of the configuration.
    Otlp,
    /// As JSON lines (one span a line) to a writer, without exporting or saving state.
    DryRun(Box<dyn Write + Send>),
}

/// What a run did.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct RunSummary {
    /// Event logs seen.
    pub logs: usize,
    /// Lines read.
    pub lines: u64,
    /// Lines skipped as malformed.
    pub malformed: u64,
    /// Spans made, by name.
    pub spans: BTreeMap<String, u64>,
    /// Spans the receiver accepted (or written, in a dry run).
    pub exported: u64,
    /// Export requests sent.
    pub batches: u64,
    /// Retried attempts.
    pub retries: u64,
    /// Spans the receiver said it rejected.
    pub rejected: u64,
    /// Task spans left out by sampling.
    pub tasks_sampled_out: u64,
    /// Logs read to their end this run.
    pub finished_logs: usize,
}

/// Why a run failed. Progress up to the last accepted batch is saved either way.
#[derive(Debug, thiserror::Error)]
pub enum RunError {
    /// Spans could not be delivered.
    #[error("{0}")]
    Export(String),
    /// Some logs could not be read; the others were exported.
    #[error("{}", .0.join("\n"))]
    Sources(Vec<String>),
    /// The state file could not be read or written.
    #[error("{0}")]
    State(String),
}

struct Commit {
    key: String,
    state: SourceState,
}

enum Msg {
    Batch {
        resource: AppResource,
        spans: Vec<Span>,
        commit: Option<Commit>,
    },
    Commit(Commit),
}

struct Work {
    log: EventLog,
    key: String,
    conv: Converter,
    tail: Option<FileTail>,
    cursor: Cursor,
    pending: Vec<Span>,
    pending_since: Option<Instant>,
    finished: bool,
    failed: bool,
    malformed: u64,
    lines: u64,
    exported_before: u64,
    made: u64,
}

impl Work {
    fn new(log: EventLog, opts: &ConvertOptions, saved: Option<&SourceState>) -> Work {
        let key = log.key();
        let hint = log.app_id_hint();
        let mut w = Work {
            conv: Converter::new(opts.clone(), &hint),
            log,
            key,
            tail: None,
            cursor: Cursor::default(),
            pending: Vec::new(),
            pending_since: None,
            finished: false,
            failed: false,
            malformed: 0,
            lines: 0,
            exported_before: 0,
            made: 0,
        };
        if let Some(s) = saved {
            w.exported_before = s.spans_exported;
            if s.finished {
                w.finished = true;
                w.cursor = s.cursor;
            } else if let Some(snap) = &s.converter {
                match Converter::restore(snap.clone(), opts.clone()) {
                    Ok(c) => {
                        w.conv = c;
                        w.cursor = s.cursor;
                    }
                    Err(e) => eprintln!(
                        "warning: {}: {e}; reading the log again from the start",
                        w.key
                    ),
                }
            }
        }
        w
    }

    fn handle(&mut self, line: Line) {
        self.lines += 1;
        let parsed = line
            .text
            .map_err(|e| e.to_string())
            .and_then(|t| parse_line(&t).map_err(|e| format!("{e} (starts {:?})", snippet(&t))));
        match parsed {
            Ok(ev) => {
                let before = self.pending.len();
                self.conv.process(ev, &mut self.pending);
                if self.pending.len() > before && self.pending_since.is_none() {
                    self.pending_since = Some(Instant::now());
                }
                self.made += (self.pending.len() - before) as u64;
            }
            Err(e) => {
                self.malformed += 1;
                if self.malformed <= MALFORMED_REPORTED {
                    eprintln!(
                        "warning: {}:{}: skipped a malformed line: {e}",
                        line.file_name, line.end.line
                    );
                }
            }
        }
        self.cursor = line.end;
    }

    /// Reads what is there; returns whether anything new was read.
    fn step(
        &mut self,
        cfg: &Config,
        tx: &mpsc::SyncSender<Msg>,
        save_state: bool,
        stop: &AtomicBool,
    ) -> Result<bool, Result<SourceError, ()>> {
        let mut progressed = false;
        loop {
            let was_done = !self.log.in_progress();
            let files = self.log.files().map_err(Ok)?;
            if self.tail.is_none() {
                let Some((idx, path)) = files.iter().find(|(i, _)| *i >= self.cursor.file).cloned()
                else {
                    return Ok(progressed);
                };
                if idx != self.cursor.file {
                    self.cursor = Cursor {
                        file: idx,
                        offset: 0,
                        line: 0,
                    };
                }
                self.tail = Some(FileTail::open(&path, idx, self.cursor));
            }
            let tail = self.tail.as_mut().expect("opened above");
            if let EventLog::File { .. } = self.log {
                if let Some((_, p)) = files.first() {
                    if p != tail.path() {
                        tail.renamed(p);
                    }
                }
            }
            let mut lines = Vec::new();
            let mut got_any = false;
            loop {
                lines.clear();
                let got = self
                    .tail
                    .as_mut()
                    .expect("open")
                    .poll(&mut lines, READ_CHUNK)
                    .map_err(Ok)?;
                got_any |= got;
                for l in lines.drain(..) {
                    self.handle(l);
                    if self.pending.len() >= cfg.batch_max_spans {
                        self.flush(cfg, tx, save_state)?;
                    }
                }
                if !got {
                    break;
                }
                if stop.load(Ordering::Relaxed) {
                    // Stopping: what was read is flushed and recorded; the rest waits.
                    return Ok(true);
                }
            }
            progressed |= got_any;
            let cur = self.tail.as_ref().map(|t| t.cursor().file).unwrap_or(0);
            let next = files.iter().find(|(i, _)| *i > cur).cloned();
            if let Some((idx, _)) = next {
                // The file rolled over: what is left of it is its last line.
                if let Some(l) = self.tail.as_mut().and_then(FileTail::take_trailing) {
                    self.handle(l);
                }
                self.tail = None;
                self.cursor = Cursor {
                    file: idx,
                    offset: 0,
                    line: 0,
                };
                progressed = true;
                continue;
            }
            if was_done || self.conv.ended() {
                if was_done {
                    if let Some(l) = self.tail.as_mut().and_then(FileTail::take_trailing) {
                        self.handle(l);
                    }
                }
                self.conv.finish_incomplete(&mut self.pending);
                self.finished = true;
                self.flush(cfg, tx, save_state)?;
            }
            return Ok(progressed);
        }
    }

    fn state(&self, with_converter: bool) -> SourceState {
        SourceState {
            app_id: self.conv.resource().app_id.clone(),
            cursor: self.cursor,
            finished: self.finished,
            spans_exported: self.exported_before + self.made,
            converter: (with_converter && !self.finished).then(|| self.conv.snapshot()),
        }
    }

    /// Sends what is pending, in batches, the last one carrying the position to commit.
    fn flush(
        &mut self,
        cfg: &Config,
        tx: &mpsc::SyncSender<Msg>,
        save_state: bool,
    ) -> Result<(), Result<SourceError, ()>> {
        let commit = save_state.then(|| Commit {
            key: self.key.clone(),
            state: self.state(true),
        });
        self.pending_since = None;
        let mut spans = std::mem::take(&mut self.pending);
        if spans.is_empty() {
            if let Some(c) = commit {
                tx.send(Msg::Commit(c)).map_err(|_| Err(()))?;
            }
            return Ok(());
        }
        let resource = self.conv.resource().clone();
        let mut commit = commit;
        while !spans.is_empty() {
            let rest = if spans.len() > cfg.batch_max_spans {
                spans.split_off(cfg.batch_max_spans)
            } else {
                Vec::new()
            };
            let last = rest.is_empty();
            tx.send(Msg::Batch {
                resource: resource.clone(),
                spans,
                commit: if last { commit.take() } else { None },
            })
            .map_err(|_| Err(()))?;
            spans = rest;
        }
        Ok(())
    }
}

fn snippet(s: &str) -> String {
    let mut end = s.len().min(60);
    while !s.is_char_boundary(end) {
        end -= 1;
    }
    s[..end].to_string()
}

/// The spans of one span as a JSON object (the dry-run format).
pub fn span_json(resource: &AppResource, service: &str, s: &Span) -> serde_json::Value {
    let attrs: serde_json::Map<String, serde_json::Value> = s
        .attributes
        .iter()
        .map(|(k, v)| {
            let v = match v {
                Value::Str(x) => serde_json::json!(x),
                Value::Int(x) => serde_json::json!(x),
                Value::F64(x) => serde_json::json!(x),
                Value::Bool(x) => serde_json::json!(x),
                Value::Ints(x) => serde_json::json!(x),
            };
            (k.to_string(), v)
        })
        .collect();
    serde_json::json!({
        "service": service,
        "app_id": resource.app_id,
        "app_name": resource.app_name,
        "trace_id": hex(&s.trace_id),
        "span_id": hex(&s.span_id),
        "parent_span_id": s.parent_span_id.map(|p| hex(&p)),
        "name": s.name,
        "start_ns": s.start_ns,
        "end_ns": s.end_ns,
        "status": format!("{:?}", s.status),
        "attributes": attrs,
        "links": s.links.iter().map(|l| serde_json::json!({"trace_id": hex(&l.trace_id), "span_id": hex(&l.span_id)})).collect::<Vec<_>>(),
        "events": s.events.iter().map(|e| e.name).collect::<Vec<_>>(),
    })
}

struct ExportOutcome {
    exported: u64,
    batches: u64,
    retries: u64,
    rejected: u64,
    error: Option<String>,
}

fn exporter_thread(
    cfg: Config,
    rx: mpsc::Receiver<Msg>,
    sink: Sink,
    mut state: State,
) -> ExportOutcome {
    let mut out = ExportOutcome {
        exported: 0,
        batches: 0,
        retries: 0,
        rejected: 0,
        error: None,
    };
    let resource_cfg = ResourceConfig {
        service_name: cfg.service_name.clone(),
        attributes: cfg.resource_attributes.clone(),
    };
    let state_path = cfg.state_file.clone();
    let mut last_save = Instant::now();
    let mut dirty = false;
    let save = |state: &State, out: &mut ExportOutcome| {
        if let Some(p) = &state_path {
            if let Err(e) = state.save(p) {
                out.error.get_or_insert(e);
            }
        }
    };
    match sink {
        Sink::DryRun(mut w) => {
            for msg in rx {
                if let Msg::Batch {
                    resource, spans, ..
                } = msg
                {
                    out.batches += 1;
                    for s in &spans {
                        let line = span_json(&resource, &cfg.service_name, s);
                        if writeln!(w, "{line}").is_err() {
                            out.error = Some("cannot write the spans to standard output".into());
                            return out;
                        }
                    }
                    out.exported += spans.len() as u64;
                }
            }
            let _ = w.flush();
        }
        Sink::Otlp => {
            let rt = match tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
            {
                Ok(rt) => rt,
                Err(e) => {
                    out.error = Some(format!("cannot start the export runtime: {e}"));
                    return out;
                }
            };
            rt.block_on(async {
                let mut exporter = match Exporter::new(&cfg) {
                    Ok(e) => e,
                    Err(e) => {
                        out.error = Some(e.0);
                        return;
                    }
                };
                for msg in rx.iter() {
                    let commit = match msg {
                        Msg::Commit(c) => Some(c),
                        Msg::Batch {
                            resource,
                            spans,
                            commit,
                        } => {
                            let n = spans.len() as u64;
                            let req = otlp::request(&resource_cfg, &resource, spans);
                            out.batches += 1;
                            let r = exporter.export(&req).await;
                            out.retries = exporter.retries;
                            out.rejected = exporter.rejected_spans;
                            if let Err(e) = r {
                                out.error = Some(e.0);
                                break;
                            }
                            out.exported += n;
                            commit
                        }
                    };
                    if let Some(c) = commit {
                        let finished = c.state.finished;
                        state.sources.insert(c.key, c.state);
                        dirty = true;
                        if finished || last_save.elapsed() >= Duration::from_secs(1) {
                            save(&state, &mut out);
                            last_save = Instant::now();
                            dirty = false;
                        }
                    }
                }
            });
            if dirty {
                save(&state, &mut out);
            }
        }
    }
    out
}

/// Converts and exports the event logs at `inputs` (files, rolling directories, or
/// directories of logs) as `config` says. With `config.follow`, keeps reading growing logs
/// (and, for directories, new logs) until `stop` is set, or for logs named directly, until
/// they are complete.
///
/// ```no_run
/// use std::sync::atomic::AtomicBool;
/// use spark_traces::config::Layer;
/// use spark_traces::run::{run, Sink};
/// let config = Layer { endpoint: Some("http://localhost:4317".into()), ..Layer::default() }.resolve().unwrap();
/// let summary = run(&config, &["/var/spark-events".into()], Sink::Otlp, &AtomicBool::new(false)).unwrap();
/// println!("{} spans exported", summary.exported);
/// ```
pub fn run(
    config: &Config,
    inputs: &[PathBuf],
    sink: Sink,
    stop: &AtomicBool,
) -> Result<RunSummary, RunError> {
    let dry = matches!(sink, Sink::DryRun(_));
    let state = match (&config.state_file, dry) {
        (Some(p), false) => State::load(p).map_err(RunError::State)?,
        _ => State::default(),
    };
    let save_state = config.state_file.is_some() && !dry;
    let opts = ConvertOptions {
        trace_per: config.trace_per,
        task_sampling_ratio: config.sampling_ratio,
        keep_failed_tasks: config.keep_failed_tasks,
        ..ConvertOptions::default()
    };
    let (tx, rx) = mpsc::sync_channel::<Msg>(8);
    let saved = state.clone();
    let cfg = config.clone();
    let exporter = thread::Builder::new()
        .name("spark-traces-export".into())
        .spawn(move || exporter_thread(cfg, rx, sink, state))
        .map_err(|e| RunError::Export(format!("cannot start the export thread: {e}")))?;

    let mut works: BTreeMap<String, Work> = BTreeMap::new();
    let mut errors: Vec<String> = Vec::new();
    // Inputs that cannot be listed (yet: a follower may start before the application).
    let mut missing: BTreeMap<&Path, String> = BTreeMap::new();
    let mut exporter_gone = false;
    // Inputs that are each one log (not directories of logs): following ends with them.
    let only_logs = inputs
        .iter()
        .all(|p| !p.is_dir() || crate::source::is_rolling_dir(p));
    'outer: loop {
        let mut seen = std::collections::BTreeSet::new();
        for input in inputs {
            match discover(input) {
                Ok(logs) => {
                    missing.remove(input.as_path());
                    for log in logs {
                        let key = log.key();
                        seen.insert(key.clone());
                        works
                            .entry(key.clone())
                            .or_insert_with(|| Work::new(log, &opts, saved.sources.get(&key)));
                    }
                }
                Err(e) => {
                    if config.follow && !missing.contains_key(input.as_path()) {
                        eprintln!("warning: {e} (waiting for it)");
                    }
                    missing.insert(input.as_path(), e.to_string());
                }
            }
        }
        // Logs deleted since (the History Server's cleaner) are forgotten once done.
        works.retain(|k, w| seen.contains(k) || !(w.finished || w.failed) || !config.follow);
        if works.is_empty() && !config.follow {
            break;
        }
        let mut progressed = false;
        for w in works.values_mut().filter(|w| !w.finished && !w.failed) {
            match w.step(config, &tx, save_state, stop) {
                Ok(p) => progressed |= p,
                Err(Ok(e)) => {
                    w.failed = true;
                    errors.push(format!("{e}"));
                }
                Err(Err(())) => {
                    exporter_gone = true;
                    break 'outer;
                }
            }
            let due = w
                .pending_since
                .is_some_and(|t| t.elapsed() >= config.batch_timeout);
            if (!config.follow || due || stop.load(Ordering::Relaxed))
                && w.flush(config, &tx, save_state).is_err()
            {
                exporter_gone = true;
                break 'outer;
            }
        }
        if !config.follow || stop.load(Ordering::Relaxed) {
            break;
        }
        if only_logs
            && missing.is_empty()
            && !works.is_empty()
            && works.values().all(|w| w.finished || w.failed)
        {
            break;
        }
        if !progressed {
            let until = Instant::now() + config.poll_interval;
            while Instant::now() < until && !stop.load(Ordering::Relaxed) {
                thread::sleep(Duration::from_millis(20).min(config.poll_interval));
            }
        }
    }
    if !exporter_gone {
        for w in works.values_mut() {
            if w.flush(config, &tx, save_state).is_err() {
                break;
            }
        }
    }
    drop(tx);
    let outcome = exporter
        .join()
        .map_err(|_| RunError::Export("the export thread panicked".into()))?;

    let mut summary = RunSummary {
        logs: works.len(),
        exported: outcome.exported,
        batches: outcome.batches,
        retries: outcome.retries,
        rejected: outcome.rejected,
        ..RunSummary::default()
    };
    for w in works.values() {
        summary.lines += w.lines;
        summary.malformed += w.malformed;
        if w.malformed > MALFORMED_REPORTED {
            eprintln!(
                "warning: {}: {} more malformed lines skipped",
                w.key,
                w.malformed - MALFORMED_REPORTED
            );
        }
        let stats = w.conv.stats();
        for (k, v) in &stats.spans {
            *summary.spans.entry(k.to_string()).or_default() += v;
        }
        summary.tasks_sampled_out += stats.tasks_sampled_out;
        if w.finished {
            summary.finished_logs += 1;
        }
    }
    if let Some(e) = outcome.error {
        return Err(RunError::Export(e));
    }
    errors.extend(missing.into_values());
    if !errors.is_empty() {
        return Err(RunError::Sources(errors));
    }
    Ok(summary)
}

/// Converts one event log completely, without exporting: the spans in order, and the
/// resource they belong to. For tests, benchmarks and `--dry-run`-like uses.
///
/// ```no_run
/// use spark_traces::convert::ConvertOptions;
/// let (resource, spans, malformed) = spark_traces::run::convert_log(
///     std::path::Path::new("/var/spark-events/eventlog_v2_local-1"), &ConvertOptions::default()).unwrap();
/// println!("{}: {} spans, {malformed} malformed lines", resource.app_id, spans.len());
/// ```
pub fn convert_log(
    path: &Path,
    opts: &ConvertOptions,
) -> Result<(AppResource, Vec<Span>, u64), SourceError> {
    let logs = discover(path)?;
    let log = logs.into_iter().next().ok_or_else(|| SourceError::Format {
        path: path.to_path_buf(),
        message: "no event log there".into(),
    })?;
    let mut w = Work::new(log, opts, None);
    let mut spans = Vec::new();
    let files = w.log.files()?;
    let last = files.len();
    for (i, (idx, p)) in files.into_iter().enumerate() {
        let mut t = FileTail::open(&p, idx, Cursor::default());
        let mut lines = Vec::new();
        while t.poll(&mut lines, READ_CHUNK)? {
            for l in lines.drain(..) {
                w.handle(l);
            }
            spans.append(&mut w.pending);
        }
        if i + 1 < last || !w.log.in_progress() {
            if let Some(l) = t.take_trailing() {
                w.handle(l);
            }
        }
    }
    if !w.log.in_progress() {
        w.conv.finish_incomplete(&mut w.pending);
    }
    spans.append(&mut w.pending);
    Ok((w.conv.resource().clone(), spans, w.malformed))
}
