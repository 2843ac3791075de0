//! Where a span sits in the trace tree: the trace it belongs to (one per application or
//! one per SQL execution, [`TracePer`]), the ids derived from its keys, and the link from
//! a trace root to the application span.
//!
//! Ids are derived from the application and the span's key rather than remembered, so a
//! parent's id is known before the parent span is made and stays the same after a restart.

use super::{Converter, TracePer};
use crate::ids::{span_id, trace_id, SpanKey, TraceKey};
use crate::span::{attrs, ms_to_ns, Attributes, Span, SpanLink, Status};

/// A span before its ids are derived: what [`Converter::span`] turns into a [`Span`].
pub(super) struct SpanParts {
    /// The trace it belongs to.
    pub(super) trace: TraceKey,
    /// What its id derives from.
    pub(super) key: SpanKey,
    /// What its parent's id derives from; `None` for the root of a trace.
    pub(super) parent: Option<SpanKey>,
    /// One of [`crate::span::names`].
    pub(super) name: &'static str,
    /// Start, epoch ms.
    pub(super) start_ms: i64,
    /// End, epoch ms; an end before the start is taken as the start.
    pub(super) end_ms: i64,
    /// Its attributes.
    pub(super) attributes: Attributes,
    /// The OTLP status.
    pub(super) status: Status,
    /// The status message (empty unless the span failed).
    pub(super) status_message: String,
}

impl Converter {
    /// The application as ids see it: its id, with the attempt when there is one.
    pub(super) fn app_key(&self) -> String {
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

    pub(super) fn sql_root(&self, execution: i64) -> i64 {
        self.sql_roots.get(&execution).copied().unwrap_or(execution)
    }

    pub(super) fn job_trace(&self, job: i64) -> TraceKey {
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

    /// The trace of a stage and the job that ran it, when that is known.
    pub(super) fn stage_trace(&self, stage: i64) -> (TraceKey, Option<i64>) {
        match self.stage_job.get(&stage) {
            Some(&job) => (self.job_trace(job), Some(job)),
            None => (TraceKey::Application, None),
        }
    }

    /// Links `span` to the application span when it is the root of a trace: with traces
    /// per SQL execution, the application span is in a trace of its own.
    pub(super) fn link_root_to_app(&self, app: &str, span: &mut Span) {
        if span.parent_span_id.is_none() {
            span.links.push(SpanLink {
                trace_id: trace_id(app, TraceKey::Application),
                span_id: span_id(app, SpanKey::Application),
                attributes: vec![(attrs::LINK_TYPE, "application".into())],
            });
        }
    }

    /// Makes the span of `parts` (no events or links yet) and counts it.
    pub(super) fn span(&mut self, parts: SpanParts) -> Span {
        let app = self.app_key();
        let start_ns = ms_to_ns(parts.start_ms);
        let end_ns = ms_to_ns(parts.end_ms).max(start_ns);
        *self.stats.spans.entry(parts.name).or_default() += 1;
        Span {
            trace_id: trace_id(&app, parts.trace),
            span_id: span_id(&app, parts.key),
            parent_span_id: parts.parent.map(|p| span_id(&app, p)),
            name: parts.name,
            start_ns,
            end_ns,
            attributes: parts.attributes,
            events: Vec::new(),
            links: Vec::new(),
            status: parts.status,
            status_message: parts.status_message,
        }
    }
}
