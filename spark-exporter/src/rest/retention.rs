//! What stays exported, so that memory and the number of series stay bounded.
//!
//! Only active stages and stages finished within `stage_retention` are kept, at most
//! `max_stages` per application (newest first; the rest are counted as dropped); jobs
//! likewise. An application that is no longer listed, or whose target stops answering,
//! is kept for `app_retention` after it was last seen, then dropped with all its series.
//! Memory is therefore bounded by `max_applications × (max_stages + max_jobs)`.

use std::collections::BTreeMap;
use std::time::Duration;

use super::model::{parse_spark_date, Application, Job, JobStatus, Stage, StageStatus};
use super::state::{AppState, StageState};

/// Keeps the `max` applications that started last.
pub(super) fn newest_applications(apps: &mut Vec<Application>, max: usize) {
    apps.sort_by(|a, b| {
        let start = |x: &Application| x.latest().map(|a| a.start_time_epoch).unwrap_or(0.0);
        start(b).total_cmp(&start(a))
    });
    apps.truncate(max);
}

/// Forgets the applications not seen for `keep_for`, with all their series.
pub(super) fn expire_applications(apps: &mut BTreeMap<String, AppState>, keep_for: Duration) {
    apps.retain(|_, a| a.last_seen.elapsed() <= keep_for);
}

impl AppState {
    /// Replaces the stages with those of `stages` that are active or finished at `cutoff`
    /// (epoch ms) or later, at most `max` of them; a stage kept keeps the summary already
    /// read. Returns how many were left out by `max`.
    pub(super) fn keep_stages(&mut self, stages: Vec<Stage>, cutoff: i64, max: usize) -> u64 {
        let mut kept: Vec<Stage> = stages
            .into_iter()
            .filter_map(|s| {
                let completed = s.completion_time.as_deref().and_then(parse_spark_date);
                let keep = match s.status {
                    StageStatus::Active => true,
                    StageStatus::Complete | StageStatus::Failed => {
                        completed.is_some_and(|c| c >= cutoff)
                    }
                    _ => false,
                };
                keep.then_some(s)
            })
            .collect();
        // The cap keeps what is running and what ended last: what the dashboards show.
        kept.sort_by(|a, b| {
            (b.status == StageStatus::Active)
                .cmp(&(a.status == StageStatus::Active))
                .then(b.stage_id.total_cmp(&a.stage_id))
                .then(b.attempt_id.total_cmp(&a.attempt_id))
        });
        let mut dropped = 0;
        if kept.len() > max {
            dropped = (kept.len() - max) as u64;
            kept.truncate(max);
        }
        let mut next = BTreeMap::new();
        for stage in kept {
            let key = (stage.stage_id as i64, stage.attempt_id as i64);
            let (summary, summary_final) = match self.stages.remove(&key) {
                Some(old) => (old.summary, old.summary_final),
                None => (None, false),
            };
            next.insert(
                key,
                StageState {
                    stage,
                    summary,
                    summary_final,
                },
            );
        }
        self.stages = next;
        dropped
    }

    /// The stages whose `taskSummary` is to be read this cycle, at most `max`: active ones
    /// first (their quantiles change), then the newest finished ones not read since they
    /// finished.
    pub(super) fn summaries_wanted(&self, max: usize) -> Vec<(i64, i64)> {
        let mut wanted: Vec<(i64, i64)> = self
            .stages
            .iter()
            .filter(|(_, s)| !s.summary_final)
            .map(|(k, _)| *k)
            .collect();
        wanted.sort_by_key(|k| {
            let active = self.stages[k].stage.status == StageStatus::Active;
            (!active, std::cmp::Reverse(*k))
        });
        wanted.truncate(max);
        wanted
    }

    /// Replaces the jobs with those of `jobs` that are running or completed at `cutoff`
    /// (epoch ms) or later, the `max` newest.
    pub(super) fn keep_jobs(&mut self, jobs: Vec<Job>, cutoff: i64, max: usize) {
        let mut kept: Vec<Job> = jobs
            .into_iter()
            .filter(|j| {
                j.status == JobStatus::Running
                    || j.completion_time
                        .as_deref()
                        .and_then(parse_spark_date)
                        .is_some_and(|c| c >= cutoff)
            })
            .collect();
        kept.sort_by(|a, b| b.job_id.total_cmp(&a.job_id));
        kept.truncate(max);
        self.jobs = kept.into_iter().map(|j| (j.job_id as i64, j)).collect();
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rest::model::format_spark_date;

    fn stage(id: f64, status: StageStatus, completed_ms: Option<i64>) -> Stage {
        Stage {
            stage_id: id,
            status,
            completion_time: completed_ms.map(format_spark_date),
            ..Stage::default()
        }
    }

    #[test]
    fn stages_kept_are_active_or_recent_and_capped_newest_first() {
        let mut a = AppState::new("app-1", "etl");
        let cutoff = 1_800_000_000_000;
        let dropped = a.keep_stages(
            vec![
                stage(1.0, StageStatus::Complete, Some(cutoff - 1)),
                stage(2.0, StageStatus::Complete, Some(cutoff)),
                stage(3.0, StageStatus::Failed, Some(cutoff + 5)),
                stage(4.0, StageStatus::Complete, Some(cutoff + 9)),
                stage(0.0, StageStatus::Active, None),
            ],
            cutoff,
            3,
        );
        assert_eq!(dropped, 1);
        assert_eq!(
            a.stages.keys().copied().collect::<Vec<_>>(),
            [(0, 0), (3, 0), (4, 0)]
        );
        // Active first, then the newest finished ones.
        assert_eq!(a.summaries_wanted(2), [(0, 0), (4, 0)]);
    }
}
