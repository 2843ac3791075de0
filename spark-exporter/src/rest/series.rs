//! The exported series: the published REST state as Prometheus samples (stage totals in
//! seconds and bytes, task quantiles from `taskSummary`, the max/median skew, job counts).
//!
//! Samples are grouped by family while rendering, so that each family is written once with
//! its `# HELP` and `# TYPE` whatever the number of targets and applications.

use super::families::{R, REST_FAMILIES};
use super::model::{parse_spark_date, Job, JobStatus, SqlStatus, StageStatus};
use super::poller::now_ms;
use super::sql::ExecutionState;
use super::state::{AppState, RestState, StageState, TargetState};
use crate::exposition::{write_value, Exposition};

impl RestState {
    /// Writes every REST family (data and `spark_exporter_rest_*`) with samples.
    pub fn render(&self, out: &mut Exposition) {
        let targets = self.published();
        let mut lines: Vec<String> = vec![String::new(); REST_FAMILIES.len()];
        for t in &targets {
            t.render(&mut lines);
        }
        for (family, text) in REST_FAMILIES.iter().zip(&lines) {
            if !text.is_empty() {
                out.family(family.name, family.help, family.kind);
                out.raw(text);
            }
        }
    }
}

/// Appends `name{labels} value` to the family's lines.
fn sample(lines: &mut [String], family: R, labels: &[(&str, &str)], value: f64) {
    if !value.is_finite() {
        return;
    }
    let out = &mut lines[family as usize];
    out.push_str(family.family().name);
    out.push('{');
    for (i, (k, v)) in labels.iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        out.push_str(k);
        out.push_str("=\"");
        crate::exposition::escape_label_value(v, out);
        out.push('"');
    }
    out.push_str("} ");
    write_value(value, out);
    out.push('\n');
}

/// Quantile label values: `0`, `0.25`, `1`.
pub(super) fn quantile_label(q: f64) -> String {
    let mut s = String::new();
    write_value(q, &mut s);
    s
}

impl TargetState {
    fn render(&self, lines: &mut [String]) {
        let t = [("target", self.label.as_str())];
        sample(lines, R::POLLS, &t, self.polls as f64);
        sample(lines, R::REQUESTS, &t, self.requests as f64);
        for (reason, n) in &self.errors {
            sample(
                lines,
                R::POLL_ERRORS,
                &[t[0], ("reason", reason)],
                *n as f64,
            );
        }
        sample(lines, R::POLL_DURATION, &t, self.last_duration);
        if let Some(ts) = self.last_success {
            sample(lines, R::LAST_SUCCESS, &t, ts);
        }
        sample(lines, R::TARGET_APPS, &t, self.apps.len() as f64);
        let stages: usize = self.apps.values().map(|a| a.stages.len()).sum();
        let jobs: usize = self.apps.values().map(|a| a.jobs.len()).sum();
        sample(lines, R::TARGET_STAGES, &t, stages as f64);
        sample(lines, R::TARGET_JOBS, &t, jobs as f64);
        let sql: usize = self.apps.values().map(|a| a.sql.len()).sum();
        sample(lines, R::TARGET_SQL, &t, sql as f64);
        sample(lines, R::STAGES_DROPPED, &t, self.stages_dropped as f64);
        for app in self.apps.values() {
            app.render(lines);
        }
    }
}

impl AppState {
    fn render(&self, lines: &mut [String]) {
        let app = [
            ("application_id", self.id.as_str()),
            ("application_name", self.name.as_str()),
        ];
        let ns = self.namespace.clone().unwrap_or_default();
        sample(
            lines,
            R::APP_INFO,
            &[app[0], app[1], ("namespace", &ns)],
            1.0,
        );
        sample(
            lines,
            R::APP_RUNNING,
            &app,
            if self.running { 1.0 } else { 0.0 },
        );
        for ((stage_id, attempt), st) in &self.stages {
            let (sid, att) = (stage_id.to_string(), attempt.to_string());
            let l = [
                app[0],
                app[1],
                ("stage_id", sid.as_str()),
                ("attempt_id", att.as_str()),
            ];
            st.render(lines, &l);
        }
        for r in &self.removed {
            sample(
                lines,
                R::EXECUTOR_REMOVED,
                &[
                    app[0],
                    app[1],
                    ("executor_id", r.id.as_str()),
                    ("reason", r.reason.as_str()),
                ],
                r.removed_at as f64 / 1000.0,
            );
        }
        for (job_id, job) in &self.jobs {
            let jid = job_id.to_string();
            let l = [app[0], app[1], ("job_id", jid.as_str())];
            render_job(lines, &l, job);
        }
        for (status, n) in &self.sql_counts {
            sample(
                lines,
                R::SQL_EXECUTIONS,
                &[app[0], app[1], ("status", status.as_str())],
                *n as f64,
            );
        }
        for (id, e) in &self.sql {
            let eid = id.to_string();
            render_sql(lines, &[app[0], app[1], ("execution_id", eid.as_str())], e);
        }
    }
}

fn render_sql(lines: &mut [String], l: &[(&str, &str); 3], e: &ExecutionState) {
    let with = |extra: (&'static str, &'static str)| [l[0], l[1], l[2], extra];
    sample(
        lines,
        R::SQL_INFO,
        &[l[0], l[1], l[2], ("description", e.description.as_str())],
        1.0,
    );
    for status in SqlStatus::ALL {
        let v = if e.status == status { 1.0 } else { 0.0 };
        sample(lines, R::SQL_STATUS, &with(("status", status.as_str())), v);
    }
    sample(lines, R::SQL_DURATION, l, e.duration_s);
    if let Some(ms) = e.submitted_ms {
        sample(lines, R::SQL_SUBMITTED, l, ms as f64 / 1000.0);
    }
    for (state, n) in [
        ("running", e.jobs_running),
        ("succeeded", e.jobs_succeeded),
        ("failed", e.jobs_failed),
    ] {
        sample(lines, R::SQL_JOBS, &with(("state", state)), n as f64);
    }
    if let Some(n) = e.stages {
        sample(lines, R::SQL_STAGES, l, n as f64);
    }
    for op in &e.operators {
        let node = op.node_id.to_string();
        let ol = [
            l[0],
            l[1],
            l[2],
            ("node_id", node.as_str()),
            ("operator", op.name.as_str()),
        ];
        for (family, v) in [
            (R::SQL_OP_TIME, op.time_s),
            (R::SQL_OP_ROWS, op.rows),
            (R::SQL_OP_SPILL, op.spill_bytes),
        ] {
            if let Some(v) = v {
                sample(lines, family, &ol, v);
            }
        }
    }
}

impl StageState {
    fn render(&self, lines: &mut [String], l: &[(&str, &str); 4]) {
        let s = &self.stage;
        let with = |extra: (&'static str, &'static str)| [l[0], l[1], l[2], l[3], extra];
        sample(
            lines,
            R::STAGE_INFO,
            &[l[0], l[1], l[2], l[3], ("stage_name", s.name.as_str())],
            1.0,
        );
        for status in [
            StageStatus::Active,
            StageStatus::Complete,
            StageStatus::Failed,
        ] {
            let v = if s.status == status { 1.0 } else { 0.0 };
            sample(
                lines,
                R::STAGE_STATUS,
                &with(("status", status.as_str())),
                v,
            );
        }
        for (state, v) in [
            ("total", s.num_tasks),
            ("active", s.num_active_tasks),
            ("complete", s.num_complete_tasks),
            ("failed", s.num_failed_tasks),
            ("killed", s.num_killed_tasks),
        ] {
            sample(lines, R::STAGE_TASKS, &with(("state", state)), v);
        }
        const MS: f64 = 1e3;
        const NS: f64 = 1e9;
        for (family, v) in [
            (R::STAGE_RUN, s.executor_run_time / MS),
            (R::STAGE_CPU, s.executor_cpu_time / NS),
            (R::STAGE_GC, s.jvm_gc_time / MS),
            (R::STAGE_DESER, s.executor_deserialize_time / MS),
            (R::STAGE_DESER_CPU, s.executor_deserialize_cpu_time / NS),
            (R::STAGE_RESULT_SER, s.result_serialization_time / MS),
            (R::STAGE_FETCH_WAIT, s.shuffle_fetch_wait_time / MS),
            (R::STAGE_SHUFFLE_WRITE_TIME, s.shuffle_write_time / NS),
            (R::STAGE_MEM_SPILL, s.memory_bytes_spilled),
            (R::STAGE_DISK_SPILL, s.disk_bytes_spilled),
            (R::STAGE_INPUT_BYTES, s.input_bytes),
            (R::STAGE_INPUT_RECORDS, s.input_records),
            (R::STAGE_OUTPUT_BYTES, s.output_bytes),
            (R::STAGE_OUTPUT_RECORDS, s.output_records),
            (R::STAGE_SHUFFLE_READ_BYTES, s.shuffle_read_bytes),
            (R::STAGE_SHUFFLE_READ_RECORDS, s.shuffle_read_records),
            (R::STAGE_SHUFFLE_WRITE_BYTES, s.shuffle_write_bytes),
            (R::STAGE_SHUFFLE_WRITE_RECORDS, s.shuffle_write_records),
        ] {
            sample(lines, family, l, v);
        }
        let Some(sum) = &self.summary else { return };
        let qs: Vec<String> = sum.quantiles.iter().map(|q| quantile_label(*q)).collect();
        let dists: [(R, &Vec<f64>, f64); 22] = [
            (R::TASK_DURATION, &sum.duration, MS),
            (R::TASK_RUN, &sum.executor_run_time, MS),
            (R::TASK_CPU, &sum.executor_cpu_time, NS),
            (R::TASK_GC, &sum.jvm_gc_time, MS),
            (R::TASK_DESER, &sum.executor_deserialize_time, MS),
            (R::TASK_RESULT_SER, &sum.result_serialization_time, MS),
            (R::TASK_SCHED_DELAY, &sum.scheduler_delay, MS),
            (R::TASK_GETTING_RESULT, &sum.getting_result_time, MS),
            (R::TASK_PEAK_MEM, &sum.peak_execution_memory, 1.0),
            (R::TASK_MEM_SPILL, &sum.memory_bytes_spilled, 1.0),
            (R::TASK_DISK_SPILL, &sum.disk_bytes_spilled, 1.0),
            (R::TASK_INPUT_BYTES, &sum.input_metrics.bytes_read, 1.0),
            (R::TASK_INPUT_RECORDS, &sum.input_metrics.records_read, 1.0),
            (R::TASK_OUTPUT_BYTES, &sum.output_metrics.bytes_written, 1.0),
            (
                R::TASK_OUTPUT_RECORDS,
                &sum.output_metrics.records_written,
                1.0,
            ),
            (
                R::TASK_SHUFFLE_READ_BYTES,
                &sum.shuffle_read_metrics.read_bytes,
                1.0,
            ),
            (
                R::TASK_SHUFFLE_READ_RECORDS,
                &sum.shuffle_read_metrics.read_records,
                1.0,
            ),
            (
                R::TASK_SHUFFLE_REMOTE_READ,
                &sum.shuffle_read_metrics.remote_bytes_read,
                1.0,
            ),
            (
                R::TASK_FETCH_WAIT,
                &sum.shuffle_read_metrics.fetch_wait_time,
                MS,
            ),
            (
                R::TASK_SHUFFLE_WRITE_BYTES,
                &sum.shuffle_write_metrics.write_bytes,
                1.0,
            ),
            (
                R::TASK_SHUFFLE_WRITE_RECORDS,
                &sum.shuffle_write_metrics.write_records,
                1.0,
            ),
            (
                R::TASK_SHUFFLE_WRITE_TIME,
                &sum.shuffle_write_metrics.write_time,
                NS,
            ),
        ];
        for (family, values, divisor) in dists {
            for (q, v) in qs.iter().zip(values) {
                sample(
                    lines,
                    family,
                    &[l[0], l[1], l[2], l[3], ("quantile", q)],
                    v / divisor,
                );
            }
        }
        let median = sum.quantiles.iter().position(|q| *q == 0.5);
        let max = sum.quantiles.iter().position(|q| *q == 1.0);
        let (Some(median), Some(max)) = (median, max) else {
            return;
        };
        for (metric, values) in [
            ("duration", &sum.duration),
            ("run_time", &sum.executor_run_time),
            ("input_bytes", &sum.input_metrics.bytes_read),
            ("input_records", &sum.input_metrics.records_read),
            ("shuffle_read_bytes", &sum.shuffle_read_metrics.read_bytes),
            (
                "shuffle_read_records",
                &sum.shuffle_read_metrics.read_records,
            ),
            (
                "shuffle_write_bytes",
                &sum.shuffle_write_metrics.write_bytes,
            ),
        ] {
            if let (Some(m), Some(x)) = (values.get(median), values.get(max)) {
                if *m > 0.0 {
                    sample(
                        lines,
                        R::TASK_SKEW,
                        &[l[0], l[1], l[2], l[3], ("metric", metric)],
                        x / m,
                    );
                }
            }
        }
    }
}

fn render_job(lines: &mut [String], l: &[(&str, &str); 3], job: &Job) {
    let with = |extra: (&'static str, &'static str)| [l[0], l[1], l[2], extra];
    let group = job.job_group.clone().unwrap_or_default();
    sample(
        lines,
        R::JOB_INFO,
        &[
            l[0],
            l[1],
            l[2],
            ("job_name", job.name.as_str()),
            ("job_group", group.as_str()),
        ],
        1.0,
    );
    for status in JobStatus::ALL {
        let v = if job.status == status { 1.0 } else { 0.0 };
        sample(lines, R::JOB_STATUS, &with(("status", status.as_str())), v);
    }
    for (state, v) in [
        ("total", job.num_tasks),
        ("active", job.num_active_tasks),
        ("completed", job.num_completed_tasks),
        ("skipped", job.num_skipped_tasks),
        ("failed", job.num_failed_tasks),
        ("killed", job.num_killed_tasks),
    ] {
        sample(lines, R::JOB_TASKS, &with(("state", state)), v);
    }
    for (state, v) in [
        ("active", job.num_active_stages),
        ("completed", job.num_completed_stages),
        ("skipped", job.num_skipped_stages),
        ("failed", job.num_failed_stages),
    ] {
        sample(lines, R::JOB_STAGES, &with(("state", state)), v);
    }
    if let Some(start) = job.submission_time.as_deref().and_then(parse_spark_date) {
        let end = job
            .completion_time
            .as_deref()
            .and_then(parse_spark_date)
            .unwrap_or_else(now_ms);
        sample(
            lines,
            R::JOB_DURATION,
            l,
            (end - start).max(0) as f64 / 1000.0,
        );
    }
}
