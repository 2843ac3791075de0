//! What a poller knows about its target and publishes after each cycle.
//!
//! A poller owns its [`TargetState`] and hands a copy to [`RestState`] when a cycle ends, so
//! a scrape renders the last complete cycle and never waits for one in progress.

use std::collections::BTreeMap;
use std::sync::{Arc, Mutex};
use std::time::Instant;

use super::model::{Job, Stage, TaskSummary};

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
    pub(super) last_seen: Instant,
    pub(super) stages: BTreeMap<(i64, i64), StageState>,
    pub(super) jobs: BTreeMap<i64, Job>,
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
            last_seen: Instant::now(),
            stages: BTreeMap::new(),
            jobs: BTreeMap::new(),
        }
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
