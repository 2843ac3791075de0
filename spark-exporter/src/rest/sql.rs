//! SQL executions (`/api/v1/applications/<id>/sql`): which ones are exported and what of
//! their plans, so that the series stay bounded like the stages' and jobs'.
//!
//! Each cycle lists every execution Spark retains without details or plan
//! (`details=false&planDescription=false`: a few hundred bytes each; Spark keeps
//! `spark.sql.ui.retainedExecutions`, 1000 by default). From that list come the counts by
//! status, and the executions kept: the running ones and those finished within
//! `--stage-retention`, the newest `--max-sql-executions` by id. Only those are read with
//! their plan's node metrics (`/sql/<id>?details=true&planDescription=false`): a running one
//! every cycle, a finished one once more after it finished, then never again. Of each
//! plan, the `--max-sql-operators` heaviest operators are exported (those that spilled,
//! most spill first, then by time, then rows). Series are therefore bounded by
//! `max_applications × max_sql_executions × (1 + max_sql_operators)`.

use std::collections::BTreeMap;

use super::model::{parse_metric_value, parse_spark_date, MetricValue, SqlExecution, SqlStatus};
use super::state::AppState;

/// Longer descriptions are cut (at a character boundary): a SQL statement's description
/// is its whole text, and a label value is no place for a 20-line query.
pub const MAX_DESCRIPTION_CHARS: usize = 100;

/// Longer operator names are cut likewise (`Scan parquet <table>` carries the table).
pub const MAX_OPERATOR_CHARS: usize = 60;

/// One SQL execution as exported.
#[derive(Debug, Clone, PartialEq)]
pub(super) struct ExecutionState {
    pub(super) status: SqlStatus,
    /// Cut to [`MAX_DESCRIPTION_CHARS`], white space runs as one space.
    pub(super) description: String,
    /// Epoch ms, when the REST API gives a readable date.
    pub(super) submitted_ms: Option<i64>,
    pub(super) duration_s: f64,
    pub(super) jobs_running: usize,
    pub(super) jobs_succeeded: usize,
    pub(super) jobs_failed: usize,
    /// Distinct stages of its jobs; `None` until the jobs list named all of its jobs.
    pub(super) stages: Option<usize>,
    /// The heaviest operators, heaviest first.
    pub(super) operators: Vec<Operator>,
    /// The plan of the finished execution was read: do not ask again.
    pub(super) details_final: bool,
}

/// One operator of an execution's plan, totals over its tasks.
#[derive(Debug, Clone, PartialEq)]
pub(super) struct Operator {
    pub(super) node_id: i64,
    /// Cut to [`MAX_OPERATOR_CHARS`].
    pub(super) name: String,
    /// `number of output rows`, when the operator counts them.
    pub(super) rows: Option<f64>,
    /// The sum of its timing metrics (`duration` of a WholeStageCodegen, `sort time`,
    /// `time in aggregation build`, `shuffle write time`…), when it has any.
    pub(super) time_s: Option<f64>,
    /// `spill size`, when the operator can spill.
    pub(super) spill_bytes: Option<f64>,
}

fn cut(s: &str, max: usize) -> String {
    s.split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .chars()
        .take(max)
        .collect()
}

/// The heaviest `max` operators of a plan.
pub(super) fn heaviest_operators(e: &SqlExecution, max: usize) -> Vec<Operator> {
    let mut ops: Vec<Operator> = e
        .nodes
        .iter()
        .map(|n| {
            let mut op = Operator {
                node_id: n.node_id as i64,
                name: cut(&n.node_name, MAX_OPERATOR_CHARS),
                rows: None,
                time_s: None,
                spill_bytes: None,
            };
            for m in &n.metrics {
                match (m.name.as_str(), parse_metric_value(&m.value)) {
                    ("number of output rows", Some(MetricValue::Count(v))) => op.rows = Some(v),
                    ("spill size", Some(MetricValue::Bytes(v))) => op.spill_bytes = Some(v),
                    (_, Some(MetricValue::Seconds(v))) => {
                        op.time_s = Some(op.time_s.unwrap_or(0.0) + v)
                    }
                    _ => {}
                }
            }
            op
        })
        .filter(|op| op.rows.is_some() || op.time_s.is_some() || op.spill_bytes.is_some())
        .collect();
    let key = |v: Option<f64>| v.unwrap_or(0.0);
    // Spill first: any spill is worth a look, and a spilling Sort inside a stage of large
    // WholeStageCodegen nodes is rarely among the heaviest by time (seen on the e2e
    // workload: its spilling sort ranked below five timed nodes, and no spill was exported).
    ops.sort_by(|a, b| {
        key(b.spill_bytes)
            .total_cmp(&key(a.spill_bytes))
            .then(key(b.time_s).total_cmp(&key(a.time_s)))
            .then(key(b.rows).total_cmp(&key(a.rows)))
            .then(a.node_id.cmp(&b.node_id))
    });
    ops.truncate(max);
    ops
}

impl ExecutionState {
    fn new(e: &SqlExecution) -> Self {
        ExecutionState {
            status: e.status,
            description: cut(&e.description, MAX_DESCRIPTION_CHARS),
            submitted_ms: e.submission_time.as_deref().and_then(parse_spark_date),
            duration_s: e.duration.max(0.0) / 1e3,
            jobs_running: e.running_job_ids.len(),
            jobs_succeeded: e.success_job_ids.len(),
            jobs_failed: e.failed_job_ids.len(),
            stages: None,
            operators: Vec::new(),
            details_final: false,
        }
    }

    fn finished(&self) -> bool {
        matches!(self.status, SqlStatus::Completed | SqlStatus::Failed)
    }
}

/// Distinct stages of the jobs of `e`, `None` when `jobs` lacks one of them.
fn stages_of(e: &SqlExecution, jobs: &BTreeMap<i64, Vec<i64>>) -> Option<usize> {
    let mut stages = std::collections::BTreeSet::new();
    for id in e
        .running_job_ids
        .iter()
        .chain(&e.success_job_ids)
        .chain(&e.failed_job_ids)
    {
        stages.extend(jobs.get(&(*id as i64))?.iter().copied());
    }
    Some(stages.len())
}

impl AppState {
    /// Replaces the SQL executions with those of `list` (the whole list, without details)
    /// that run or finished at `cutoff` (epoch ms) or later, the `max` newest; counts every
    /// listed execution by status. A kept execution keeps the operators already read, and
    /// its stage count when `jobs` (job id → its stage ids; `None` when `/jobs` failed)
    /// does not name all its jobs.
    pub(super) fn keep_sql(
        &mut self,
        list: &[SqlExecution],
        jobs: Option<&BTreeMap<i64, Vec<i64>>>,
        cutoff: i64,
        max: usize,
    ) {
        self.sql_counts = SqlStatus::ALL
            .iter()
            .map(|s| (*s, list.iter().filter(|e| e.status == *s).count()))
            .collect();
        let mut kept: Vec<&SqlExecution> = list
            .iter()
            .filter(|e| {
                e.status == SqlStatus::Running
                    || e.submission_time
                        .as_deref()
                        .and_then(parse_spark_date)
                        .is_some_and(|s| s + e.duration.max(0.0) as i64 >= cutoff)
            })
            .collect();
        kept.sort_by(|a, b| b.id.total_cmp(&a.id));
        kept.truncate(max);
        let mut next = BTreeMap::new();
        for e in kept {
            let id = e.id as i64;
            let mut st = ExecutionState::new(e);
            if let Some(old) = self.sql.remove(&id) {
                st.operators = old.operators;
                st.stages = old.stages;
                // Finished and read since: its plan's metrics are final.
                st.details_final = old.details_final && st.finished();
            }
            if let Some(n) = jobs.and_then(|j| stages_of(e, j)) {
                st.stages = Some(n);
            }
            next.insert(id, st);
        }
        self.sql = next;
    }

    /// The executions whose plan is to be read this cycle: the running ones and the
    /// finished ones not read since they finished, newest first.
    pub(super) fn sql_details_wanted(&self) -> Vec<i64> {
        self.sql
            .iter()
            .rev()
            .filter(|(_, e)| !e.details_final)
            .map(|(id, _)| *id)
            .collect()
    }

    /// Keeps the heaviest operators of a detailed answer for execution `id`.
    pub(super) fn keep_sql_details(&mut self, id: i64, detail: &SqlExecution, max: usize) {
        if let Some(st) = self.sql.get_mut(&id) {
            st.operators = heaviest_operators(detail, max);
            // The detailed answer is newer than the list: its status decides.
            st.details_final = matches!(detail.status, SqlStatus::Completed | SqlStatus::Failed);
        }
    }

    /// An execution Spark no longer knows (404 between the list and the detail): do not
    /// ask again.
    pub(super) fn sql_details_gone(&mut self, id: i64) {
        if let Some(st) = self.sql.get_mut(&id) {
            st.details_final = true;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rest::model::{format_spark_date, SqlMetric, SqlNode};

    fn exec(id: f64, status: SqlStatus, submitted: i64, duration_ms: f64) -> SqlExecution {
        SqlExecution {
            id,
            status,
            submission_time: Some(format_spark_date(submitted)),
            duration: duration_ms,
            ..SqlExecution::default()
        }
    }

    fn node(id: f64, name: &str, metrics: &[(&str, &str)]) -> SqlNode {
        SqlNode {
            node_id: id,
            node_name: name.into(),
            metrics: metrics
                .iter()
                .map(|(n, v)| SqlMetric {
                    name: n.to_string(),
                    value: v.to_string(),
                })
                .collect(),
        }
    }

    #[test]
    fn kept_executions_are_running_or_recent_newest_first_and_counted_by_status() {
        let cutoff: i64 = 1_800_000_000_000;
        let mut app = AppState::new("app-1", "etl");
        let list = vec![
            exec(0.0, SqlStatus::Completed, cutoff - 10_000, 5_000.0),
            exec(1.0, SqlStatus::Running, cutoff - 99_000, 0.0),
            exec(2.0, SqlStatus::Failed, cutoff - 1_000, 1_000.0),
            exec(3.0, SqlStatus::Completed, cutoff, 10.0),
            exec(4.0, SqlStatus::Completed, cutoff + 5, 10.0),
        ];
        app.keep_sql(&list, None, cutoff, 3);
        assert_eq!(app.sql.keys().copied().collect::<Vec<_>>(), [2, 3, 4]);
        assert_eq!(app.sql_counts[&SqlStatus::Completed], 3);
        assert_eq!(app.sql_counts[&SqlStatus::Running], 1);
        assert_eq!(app.sql_counts[&SqlStatus::Failed], 1);
        app.keep_sql(&list, None, cutoff, 10);
        assert_eq!(app.sql.keys().copied().collect::<Vec<_>>(), [1, 2, 3, 4]);
        assert_eq!(app.sql_details_wanted(), [4, 3, 2, 1]);
        app.keep_sql_details(3, &list[3], 5);
        assert_eq!(app.sql_details_wanted(), [4, 2, 1]);
        // Read once finished, never again while it stays kept.
        app.keep_sql(&list, None, cutoff, 10);
        assert_eq!(app.sql_details_wanted(), [4, 2, 1]);
    }

    #[test]
    fn stages_come_from_the_jobs_and_survive_a_failed_jobs_request() {
        let mut app = AppState::new("app-1", "etl");
        let mut e = exec(7.0, SqlStatus::Running, 0, 0.0);
        e.success_job_ids = vec![1.0, 2.0];
        e.running_job_ids = vec![3.0];
        let jobs: BTreeMap<i64, Vec<i64>> = [(1, vec![0, 1]), (2, vec![1, 2]), (3, vec![3])].into();
        app.keep_sql(std::slice::from_ref(&e), Some(&jobs), 0, 5);
        let st = &app.sql[&7];
        assert_eq!(
            (st.stages, st.jobs_running, st.jobs_succeeded),
            (Some(4), 1, 2)
        );
        app.keep_sql(std::slice::from_ref(&e), None, 0, 5);
        assert_eq!(app.sql[&7].stages, Some(4));
        // A job the list does not name: the count would be wrong, the old one stays.
        e.failed_job_ids = vec![9.0];
        app.keep_sql(std::slice::from_ref(&e), Some(&jobs), 0, 5);
        assert_eq!(app.sql[&7].stages, Some(4));
    }

    #[test]
    fn the_heaviest_operators_are_ranked_by_spill_then_time_then_rows() {
        let e = SqlExecution {
            nodes: vec![
                node(0.0, "AdaptiveSparkPlan", &[]),
                node(1.0, "Range", &[("number of output rows", "200,000")]),
                node(
                    2.0,
                    "Sort",
                    &[
                        ("sort time", "total (min, med, max (stageId: taskId))\n34 ms (17 ms, 17 ms, 17 ms (stage 7.0: task 8))"),
                        ("spill size", "total (min, med, max (stageId: taskId))\n36.0 MiB (16.0 MiB, 20.0 MiB, 20.0 MiB (stage 7.0: task 7))"),
                        ("peak memory", "10.0 MiB"),
                    ],
                ),
                node(3.0, "WholeStageCodegen (4)", &[("duration", "1.8 s")]),
                node(
                    4.0,
                    "Exchange",
                    &[("shuffle write time", "50 ms"), ("fetch wait time", "1.0 m")],
                ),
                node(5.0, &"Scan parquet ".repeat(20), &[("number of output rows", "garbled")]),
            ],
            ..SqlExecution::default()
        };
        // The Sort is the lightest by time, but it spilled.
        let ops = heaviest_operators(&e, 3);
        let ids: Vec<i64> = ops.iter().map(|o| o.node_id).collect();
        assert_eq!(ids, [2, 4, 3]);
        assert_eq!(ops[0].spill_bytes, Some(36.0 * 1024.0 * 1024.0));
        assert_eq!(ops[0].rows, None);
        assert!((ops[1].time_s.unwrap() - 60.05).abs() < 1e-9);
        assert_eq!(heaviest_operators(&e, 1)[0].node_id, 2);
        assert_eq!(heaviest_operators(&e, 10).len(), 4);
        assert!(heaviest_operators(&e, 0).is_empty());
    }

    #[test]
    fn descriptions_are_cut_and_flattened() {
        let mut e = exec(0.0, SqlStatus::Running, 0, 0.0);
        e.description = format!("SELECT a,\n   b\tFROM t {}", "x".repeat(500));
        let st = ExecutionState::new(&e);
        assert!(st.description.starts_with("SELECT a, b FROM t x"));
        assert_eq!(st.description.chars().count(), MAX_DESCRIPTION_CHARS);
    }
}
