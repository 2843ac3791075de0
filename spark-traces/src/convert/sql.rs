//! SQL executions: `spark.sql` spans, nested under their root execution.

use serde::{Deserialize, Serialize};

use super::attributes::outcome;
use super::tree::SpanParts;
use super::{Converter, TracePer, RETAINED_ENDED};
use crate::event::{SqlEnd, SqlStart};
use crate::ids::{SpanKey, TraceKey};
use crate::span::{attrs, names, Attributes, Span};

/// A SQL execution started and not ended yet.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub(super) struct SqlOpen {
    start_ms: i64,
    root: i64,
    description: String,
}

impl Converter {
    pub(super) fn sql_start(&mut self, s: SqlStart) {
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

    pub(super) fn sql_end(&mut self, e: SqlEnd, out: &mut Vec<Span>) {
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

    pub(super) fn finish_sql(
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
        let (status, label, message) = outcome(error.as_deref(), unfinished);
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
        let mut span = self.span(SpanParts {
            trace,
            key: SpanKey::Sql { execution },
            parent,
            name: names::SQL,
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
