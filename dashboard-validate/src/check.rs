//! The checks: variables first (queries depend on them), then every Prometheus query,
//! a bounded number at a time.

use std::collections::{BTreeMap, BTreeSet};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Mutex, OnceLock};

use serde_json::Value;

use crate::prom::{Client, PromError, Series};
use crate::report::{Report, Row, Status};
use crate::vars::{self, Frame, Resolved};
use crate::Options;

/// One Prometheus query to check.
struct Job<'a> {
    dashboard: String,
    panel: String,
    ref_id: String,
    expr: &'a str,
    legend: Option<&'a str>,
    instant: bool,
    link_labels: BTreeSet<String>,
    vars: usize,
}

pub(crate) fn run(dashboards: &[Value], client: &Client, frame: &Frame, opts: &Options) -> Report {
    let mut rows = Vec::new();
    // One question first: is this a Prometheus at all? If not, every query fails for the
    // same reason, said once per query instead of after one timeout per query.
    let preflight = client.version().err();

    let mut var_sets: Vec<BTreeMap<String, Resolved>> = Vec::new();
    let mut jobs = Vec::new();
    for d in dashboards {
        let uid = d
            .get("uid")
            .and_then(Value::as_str)
            .unwrap_or("(no uid)")
            .to_string();
        let resolution = match &preflight {
            None => vars::resolve(d, client, frame),
            Some(_) => vars::Resolution::default(),
        };
        for (name, n) in &resolution.queried {
            rows.push(Row {
                dashboard: uid.clone(),
                panel: format!("variable ${name}"),
                query: name.clone(),
                status: Status::Pass,
                reason: format!("{n} value{}", if *n == 1 { "" } else { "s" }),
                expr: None,
            });
        }
        for (name, e) in resolution.errors {
            rows.push(Row {
                dashboard: uid.clone(),
                panel: format!("variable ${name}"),
                query: name.clone(),
                status: Status::Fail,
                reason: e.to_string(),
                expr: None,
            });
        }
        let ds_kinds = datasource_variables(d);
        let index = var_sets.len();
        var_sets.push(resolution.vars);
        for p in panels(d) {
            let title = p.get("title").and_then(Value::as_str).unwrap_or("");
            let id = p.get("id").and_then(Value::as_i64).unwrap_or(0);
            let panel_name = format!("{title} (id {id})");
            let link_labels = data_link_labels(p);
            for t in p
                .get("targets")
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
            {
                let ref_id = t
                    .get("refId")
                    .and_then(Value::as_str)
                    .unwrap_or("?")
                    .to_string();
                let kind = target_kind(t, p, &ds_kinds);
                let expr = t.get("expr").and_then(Value::as_str);
                match (kind.as_deref(), expr) {
                    (Some("prometheus") | None, Some(expr)) => jobs.push(Job {
                        dashboard: uid.clone(),
                        panel: panel_name.clone(),
                        ref_id,
                        expr,
                        legend: t.get("legendFormat").and_then(Value::as_str),
                        instant: t.get("instant").and_then(Value::as_bool) == Some(true)
                            && t.get("range").and_then(Value::as_bool) != Some(true),
                        link_labels: link_labels.clone(),
                        vars: index,
                    }),
                    (kind, _) => rows.push(Row {
                        dashboard: uid.clone(),
                        panel: panel_name.clone(),
                        query: ref_id,
                        status: Status::Skip,
                        reason: format!(
                            "{} query: not checked against Prometheus",
                            kind.unwrap_or("unknown")
                        ),
                        expr: None,
                    }),
                }
            }
        }
    }

    let known_names = OnceLock::new();
    let results: Vec<Mutex<Option<Row>>> = jobs.iter().map(|_| Mutex::new(None)).collect();
    let next = AtomicUsize::new(0);
    let workers = opts.concurrency.clamp(1, 64).min(jobs.len().max(1));
    std::thread::scope(|s| {
        for _ in 0..workers {
            s.spawn(|| loop {
                let i = next.fetch_add(1, Ordering::Relaxed);
                let Some(job) = jobs.get(i) else { break };
                let row = match &preflight {
                    Some(e) => fail(job, e.to_string(), None),
                    None => check(job, &var_sets[job.vars], client, frame, opts, &known_names),
                };
                *results[i].lock().unwrap_or_else(|p| p.into_inner()) = Some(row);
            });
        }
    });
    rows.extend(
        results
            .into_iter()
            .filter_map(|m| m.into_inner().unwrap_or_else(|p| p.into_inner())),
    );
    // Stable order: dashboard, then panel, then query; variables (no panel id) first.
    rows.sort_by(|a, b| {
        (
            &a.dashboard,
            !a.panel.starts_with("variable "),
            &a.panel,
            &a.query,
        )
            .cmp(&(
                &b.dashboard,
                !b.panel.starts_with("variable "),
                &b.panel,
                &b.query,
            ))
    });
    Report {
        prometheus: client.url().to_string(),
        rows,
    }
}

fn fail(job: &Job, reason: String, expr: Option<String>) -> Row {
    Row {
        dashboard: job.dashboard.clone(),
        panel: job.panel.clone(),
        query: job.ref_id.clone(),
        status: Status::Fail,
        reason,
        expr,
    }
}

fn check(
    job: &Job,
    vars: &BTreeMap<String, Resolved>,
    client: &Client,
    frame: &Frame,
    opts: &Options,
    known_names: &OnceLock<Result<BTreeSet<String>, PromError>>,
) -> Row {
    let expanded = vars::interpolate(job.expr, vars, frame);
    let unresolved: Vec<String> = dashboard_query::template::scan(&expanded)
        .into_iter()
        .filter(|r| !r.builtin)
        .map(|r| format!("${}", r.name))
        .collect();
    if !unresolved.is_empty() {
        return fail(
            job,
            format!(
                "uses {}, which has no values (see the variable's row)",
                unresolved.join(", ")
            ),
            Some(expanded),
        );
    }
    let range = (!job.instant).then(|| (frame.start, frame.end, frame.interval().as_secs()));
    let series = match client.query(&expanded, range, frame.end) {
        Ok(s) => s,
        Err(PromError::Rejected { kind, message }) => {
            return fail(
                job,
                format!("Prometheus rejected the query ({kind}): {message}"),
                Some(expanded),
            )
        }
        Err(e) => return fail(job, e.to_string(), Some(expanded)),
    };
    let parsed = dashboard_query::promql::parse(&expanded).ok();

    if series.is_empty() {
        let names = parsed
            .as_ref()
            .map(dashboard_query::promql::metric_names)
            .unwrap_or_default();
        let known = known_names.get_or_init(|| {
            client
                .label_values("__name__", None, frame.start, frame.end)
                .map(|v| v.into_iter().collect())
        });
        if let Ok(known) = known {
            let missing: Vec<String> = names
                .iter()
                .filter(|n| !known.contains(*n))
                .map(|n| match closest(n, known) {
                    Some(c) => format!("`{n}` (did you mean `{c}`?)"),
                    None => format!("`{n}`"),
                })
                .collect();
            if !missing.is_empty() {
                return fail(
                    job,
                    format!("metric {} does not exist in Prometheus", missing.join(", ")),
                    Some(expanded),
                );
            }
        }
        let reason = format!(
            "returns no series over the last {}",
            vars::prom_duration(std::time::Duration::from_secs(
                (frame.end - frame.start).max(0) as u64
            ))
        );
        return Row {
            status: if opts.allow_empty {
                Status::Warn
            } else {
                Status::Fail
            },
            ..fail(job, reason, Some(expanded))
        };
    }

    let carried: BTreeSet<&str> = series
        .iter()
        .flat_map(|s| s.metric.keys().map(String::as_str))
        .collect();
    let mut problems = Vec::new();
    if let Some(legend) = job.legend {
        for l in dashboard_query::promql::legend_labels(legend) {
            if !carried.contains(l.as_str()) {
                problems.push(format!("legend uses {{{{{l}}}}}"));
            }
        }
    }
    if let Some(dashboard_query::promql::OutputLabels::Only(grouped)) =
        parsed.as_ref().map(dashboard_query::promql::output_labels)
    {
        for l in grouped {
            if !carried.contains(l.as_str()) {
                problems.push(format!("groups by `{l}`"));
            }
        }
    }
    for l in &job.link_labels {
        if !carried.contains(l.as_str()) {
            problems.push(format!("a data link uses ${{__field.labels.{l}}}"));
        }
    }
    if !problems.is_empty() {
        return fail(
            job,
            format!(
                "{} but no result series carries that label (labels: {})",
                problems.join("; "),
                carried_list(&series)
            ),
            Some(expanded),
        );
    }
    Row {
        status: Status::Pass,
        reason: format!("{} series", series.len()),
        ..fail(job, String::new(), Some(expanded))
    }
}

fn carried_list(series: &[Series]) -> String {
    let all: BTreeSet<&str> = series
        .iter()
        .flat_map(|s| s.metric.keys().map(String::as_str))
        .collect();
    if all.is_empty() {
        "none".into()
    } else {
        all.into_iter().collect::<Vec<_>>().join(", ")
    }
}

fn closest<'a>(name: &str, known: &'a BTreeSet<String>) -> Option<&'a str> {
    known
        .iter()
        .map(|k| (strsim::jaro_winkler(name, k), k))
        .filter(|(score, _)| *score > 0.9)
        .max_by(|a, b| a.0.total_cmp(&b.0))
        .map(|(_, k)| k.as_str())
}

/// Every panel, those inside collapsed rows included, without the rows.
fn panels(d: &Value) -> Vec<&Value> {
    let mut out = Vec::new();
    for p in d
        .get("panels")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
    {
        if p.get("type").and_then(Value::as_str) != Some("row") {
            out.push(p);
        }
        for c in p
            .get("panels")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
        {
            out.push(c);
        }
    }
    out
}

/// Datasource variables and the plugin type each picks.
fn datasource_variables(d: &Value) -> BTreeMap<String, String> {
    d.pointer("/templating/list")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter(|v| v.get("type").and_then(Value::as_str) == Some("datasource"))
        .filter_map(|v| {
            Some((
                v.get("name")?.as_str()?.to_string(),
                v.get("query")?.as_str()?.to_string(),
            ))
        })
        .collect()
}

/// The plugin type a target runs on: its own datasource, else the panel's, resolving
/// datasource variables. `None` when unknown (the default datasource).
fn target_kind(t: &Value, panel: &Value, ds_vars: &BTreeMap<String, String>) -> Option<String> {
    let ds = t
        .get("datasource")
        .filter(|d| !d.is_null())
        .or_else(|| panel.get("datasource"))?;
    if let Some(kind) = ds.get("type").and_then(Value::as_str) {
        if kind != "datasource" {
            return Some(kind.to_string());
        }
    }
    let uid = ds
        .get("uid")
        .and_then(Value::as_str)
        .or_else(|| ds.as_str())?;
    let r = dashboard_query::template::scan(uid).into_iter().next()?;
    ds_vars.get(&r.name).cloned()
}

/// Labels that data links read from the series: `${__field.labels.X}`.
fn data_link_labels(panel: &Value) -> BTreeSet<String> {
    let mut out = BTreeSet::new();
    let links = panel
        .pointer("/fieldConfig/defaults/links")
        .and_then(Value::as_array)
        .into_iter()
        .flatten();
    for l in links {
        let text = l.to_string();
        let mut rest = text.as_str();
        while let Some(i) = rest.find("__field.labels.") {
            rest = &rest[i + "__field.labels.".len()..];
            let name: String = rest
                .chars()
                .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
                .collect();
            if !name.is_empty() {
                out.insert(name);
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn data_link_labels_are_found_in_urls_and_internal_queries() {
        let p = json!({"fieldConfig": {"defaults": {"links": [
            {"url": "/d/x?var-executor=${__field.labels.executor_id}"},
            {"internal": {"query": {"query": "{span.app=\"${__field.labels.application_name}\"}"}}}
        ]}}});
        let labels: Vec<String> = data_link_labels(&p).into_iter().collect();
        assert_eq!(labels, ["application_name", "executor_id"]);
    }

    #[test]
    fn target_kind_resolves_datasource_variables() {
        let vars: BTreeMap<String, String> = [("tempo".to_string(), "tempo".to_string())].into();
        let t = json!({"datasource": {"type": "datasource", "uid": "${tempo}"}});
        assert_eq!(target_kind(&t, &json!({}), &vars).as_deref(), Some("tempo"));
        let t = json!({"datasource": {"type": "prometheus", "uid": "${prometheus}"}});
        assert_eq!(
            target_kind(&t, &json!({}), &vars).as_deref(),
            Some("prometheus")
        );
        assert_eq!(target_kind(&json!({}), &json!({}), &vars), None);
    }

    #[test]
    fn panels_include_collapsed_rows() {
        let d = json!({"panels": [
            {"type": "row", "panels": [{"type": "stat", "title": "in row"}]},
            {"type": "timeseries", "title": "top"}
        ]});
        let titles: Vec<&str> = panels(&d)
            .iter()
            .map(|p| p["title"].as_str().unwrap())
            .collect();
        assert_eq!(titles, ["in row", "top"]);
    }

    #[test]
    fn closest_suggests_only_near_names() {
        let known: BTreeSet<String> = ["metrics_executor_activeTasks".to_string()].into();
        assert_eq!(
            closest("metrics_executor_activeTask", &known),
            Some("metrics_executor_activeTasks")
        );
        assert_eq!(closest("up", &known), None);
    }
}
