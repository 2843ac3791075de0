//! What a poller knows about its target and publishes after each cycle.
//!
//! A poller owns its [`TargetState`] and hands a copy to [`RestState`] when a cycle ends, so
//! a scrape renders the last complete cycle and never waits for one in progress.

use std::collections::BTreeMap;
use std::sync::{Arc, Mutex};
use std::time::Instant;

use super::model::{Job, SqlStatus, Stage, TaskSummary};
use super::sql::ExecutionState;

/// One stage attempt as exported.
#[derive(Debug, Clone, PartialEq)]
pub(super) struct StageState {
    pub(super) stage: Stage,
    pub(super) summary: Option<TaskSummary>,
    /// The summary of a finished stage was read (or there was none): do not ask again.
    pub(super) summary_final: bool,
}

/// One application as exported.
#[derive(Debug, Clone, PartialEq)]
pub(super) struct AppState {
    pub(super) id: String,
    pub(super) name: String,
    /// `None` until the environment was read.
    pub(super) namespace: Option<String>,
    pub(super) running: bool,
    pub(super) executors: Vec<(String, String)>,
    /// Removed executors, newest first, at most [`MAX_REMOVED_EXECUTORS`].
    pub(super) removed: Vec<RemovedExecutor>,
    pub(super) last_seen: Instant,
    pub(super) stages: BTreeMap<(i64, i64), StageState>,
    pub(super) jobs: BTreeMap<i64, Job>,
    /// The SQL executions exported, by id (see `rest/sql.rs`).
    pub(super) sql: BTreeMap<i64, ExecutionState>,
    /// Every execution Spark listed, by status; empty until `/sql` answered.
    pub(super) sql_counts: BTreeMap<SqlStatus, usize>,
}

impl AppState {
    /// An application listed for the first time.
    pub(super) fn new(id: &str, name: &str) -> Self {
        AppState {
            id: id.to_string(),
            name: name.to_string(),
            namespace: None,
            running: true,
            executors: Vec::new(),
            removed: Vec::new(),
            last_seen: Instant::now(),
            stages: BTreeMap::new(),
            jobs: BTreeMap::new(),
            sql: BTreeMap::new(),
            sql_counts: BTreeMap::new(),
        }
    }
}

/// How many removed executors an application exports: the newest, so that an application
/// whose executors come and go (dynamic allocation, spot nodes) keeps a bounded number of
/// series.
pub const MAX_REMOVED_EXECUTORS: usize = 64;

/// Longer removal reasons are cut (at a character boundary) to keep label values short:
/// Spark's reasons can carry a whole exit explanation.
pub const MAX_REASON_CHARS: usize = 160;

/// An executor the application lost or let go.
#[derive(Debug, Clone, PartialEq)]
pub(super) struct RemovedExecutor {
    pub(super) id: String,
    /// Epoch milliseconds.
    pub(super) removed_at: i64,
    pub(super) reason: String,
}

impl AppState {
    /// Keeps the removed executors of an `/allexecutors` answer: the newest
    /// [`MAX_REMOVED_EXECUTORS`], reasons cut to [`MAX_REASON_CHARS`]. An executor without
    /// a readable `removeTime` is left out rather than dated wrong.
    pub(super) fn keep_removed(&mut self, executors: &[super::model::Executor]) {
        let mut removed: Vec<RemovedExecutor> = executors
            .iter()
            .filter(|e| e.is_active == Some(false))
            .filter_map(|e| {
                Some(RemovedExecutor {
                    id: e.id.clone(),
                    removed_at: super::model::parse_spark_date(&e.remove_time)?,
                    reason: e.remove_reason.chars().take(MAX_REASON_CHARS).collect(),
                })
            })
            .collect();
        removed.sort_by(|a, b| b.removed_at.cmp(&a.removed_at).then(a.id.cmp(&b.id)));
        removed.truncate(MAX_REMOVED_EXECUTORS);
        self.removed = removed;
    }
}

/// What one target's poller publishes.
#[derive(Debug, Clone, PartialEq)]
pub(super) struct TargetState {
    /// The target URL without credentials, for the `target` label.
    pub(super) label: String,
    pub(super) polls: u64,
    pub(super) requests: u64,
    pub(super) errors: BTreeMap<&'static str, u64>,
    pub(super) stages_dropped: u64,
    pub(super) last_duration: f64,
    pub(super) last_success: Option<f64>,
    pub(super) apps: BTreeMap<String, AppState>,
}

/// The published states of every target, read when rendering.
#[derive(Debug, Default)]
pub struct RestState {
    targets: Mutex<BTreeMap<String, Arc<TargetState>>>,
}

impl RestState {
    /// Forgets a target that is no longer polled, with all its series.
    pub fn remove(&self, target: &str) {
        self.targets
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .remove(target.trim_end_matches('/'));
    }

    /// The last published state of every target, in target order.
    pub(super) fn published(&self) -> Vec<Arc<TargetState>> {
        self.targets
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .values()
            .cloned()
            .collect()
    }

    pub(super) fn publish(&self, target: &str, state: TargetState) {
        self.targets
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .insert(target.to_string(), Arc::new(state));
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rest::model::Executor;

    fn removed(id: usize, time: &str, reason: &str) -> Executor {
        Executor {
            id: id.to_string(),
            is_active: Some(false),
            remove_time: time.into(),
            remove_reason: reason.into(),
            ..Executor::default()
        }
    }

    #[test]
    fn the_newest_removed_executors_are_kept_and_bounded() {
        let mut app = AppState::new("app-1", "a");
        let mut execs: Vec<Executor> = (0..MAX_REMOVED_EXECUTORS + 10)
            .map(|i| {
                removed(
                    i,
                    &format!("2026-12-07T16:{:02}:{:02}.000GMT", i / 60, i % 60),
                    "Command exited with code 137",
                )
            })
            .collect();
        execs.push(Executor {
            id: "active".into(),
            is_active: Some(true),
            ..Executor::default()
        });
        execs.push(removed(999, "not a date", "lost"));
        execs.push(removed(
            1000,
            "2026-12-07T17:00:00.000GMT",
            &"x".repeat(1000),
        ));
        app.keep_removed(&execs);
        assert_eq!(app.removed.len(), MAX_REMOVED_EXECUTORS);
        assert_eq!(app.removed[0].id, "1000");
        assert_eq!(app.removed[0].reason.chars().count(), MAX_REASON_CHARS);
        assert_eq!(app.removed[1].id, (MAX_REMOVED_EXECUTORS + 9).to_string());
        assert!(app
            .removed
            .iter()
            .all(|r| r.id != "active" && r.id != "999"));
        app.keep_removed(&[]);
        assert!(app.removed.is_empty());
    }
}
