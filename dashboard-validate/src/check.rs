//! The checks: variables first (queries depend on them), then every Prometheus query,
//! a bounded number at a time.

use std::collections::{BTreeMap, BTreeSet};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Mutex, OnceLock};

use dashboard_model::model::{Panel, Target, VariableKind};
use dashboard_model::{DashboardModel, ReadError};
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

    // Read through the model first: the jobs borrow their queries from it.
    let mut models = Vec::new();
    for d in dashboards {
        match DashboardModel::from_json(d) {
            Ok(m) => models.push(m),
            Err(e) => rows.push(unreadable(&e)),
        }
    }
    let mut var_sets: Vec<BTreeMap<String, Resolved>> = Vec::new();
    let mut jobs = Vec::new();
    for d in &models {
        let uid = if d.uid.is_empty() {
            "(no uid)".to_string()
        } else {
            d.uid.clone()
        };
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
        for p in d.panels().filter(|p| !p.is_row()) {
            let panel_name = format!("{} (id {})", p.title, p.id);
            let link_labels = data_link_labels(p);
            for t in &p.targets {
                let ref_id = if t.ref_id.is_empty() {
                    "?".to_string()
                } else {
                    t.ref_id.clone()
                };
                let kind = target_kind(t, p, &ds_kinds);
                match (kind.as_deref(), t.expr.as_deref()) {
                    (Some("prometheus") | None, Some(expr)) => jobs.push(Job {
                        dashboard: uid.clone(),
                        panel: panel_name.clone(),
                        ref_id,
                        expr,
                        legend: t.legend_format.as_deref(),
                        instant: t.instant == Some(true) && t.range != Some(true),
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
    let alerting_rules = OnceLock::new();
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
                    None => check(
                        job,
                        &var_sets[job.vars],
                        client,
                        frame,
                        opts,
                        Lookups {
                            names: &known_names,
                            alerting_rules: &alerting_rules,
                        },
                    ),
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

/// What Prometheus is asked once per run, when a query first needs it.
#[derive(Clone, Copy)]
struct Lookups<'a> {
    /// Every metric name over the window.
    names: &'a OnceLock<Result<BTreeSet<String>, PromError>>,
    /// The names of the alerting rules it evaluates.
    alerting_rules: &'a OnceLock<Result<BTreeSet<String>, PromError>>,
}

/// The series Prometheus makes of its own alerting rules: they exist only while an alert
/// is pending or firing, so a healthy application leaves them empty.
const ALERT_SERIES: [&str; 2] = ["ALERTS", "ALERTS_FOR_STATE"];

fn check(
    job: &Job,
    vars: &BTreeMap<String, Resolved>,
    client: &Client,
    frame: &Frame,
    opts: &Options,
    lookups: Lookups<'_>,
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
        if !names.is_empty() && names.iter().all(|n| ALERT_SERIES.contains(&n.as_str())) {
            return no_alert_firing(job, expanded, client, lookups);
        }
        let known = lookups.names.get_or_init(|| {
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

/// An empty query of `ALERTS`: no alert fires, which passes if Prometheus evaluates
/// alerting rules at all. Without any, the panel could never show one.
fn no_alert_firing(job: &Job, expanded: String, client: &Client, lookups: Lookups<'_>) -> Row {
    let rules = lookups
        .alerting_rules
        .get_or_init(|| client.alerting_rules());
    match rules {
        Ok(rules) if rules.is_empty() => fail(
            job,
            "reads ALERTS, but Prometheus evaluates no alerting rule, so the panel can never show one: load the rule files (`cargo xtask alerts build` writes dist/alerts/*.yml) through its `rule_files`".into(),
            Some(expanded),
        ),
        Ok(rules) => Row {
            status: Status::Pass,
            reason: format!(
                "no alert pending or firing ({} alerting rules loaded; ALERTS has series only while one fires)",
                rules.len()
            ),
            ..fail(job, String::new(), Some(expanded))
        },
        Err(e) => fail(
            job,
            format!("reads ALERTS, and the alerting rules could not be listed: {e}"),
            Some(expanded),
        ),
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

pub(crate) fn closest<'a>(name: &str, known: &'a BTreeSet<String>) -> Option<&'a str> {
    known
        .iter()
        .map(|k| (strsim::jaro_winkler(name, k), k))
        .filter(|(score, _)| *score > 0.9)
        .max_by(|a, b| a.0.total_cmp(&b.0))
        .map(|(_, k)| k.as_str())
}

/// The row of a dashboard the model cannot read: nothing of it is checked, and the
/// reason says what to fix.
fn unreadable(e: &ReadError) -> Row {
    Row {
        dashboard: e.uid.clone(),
        panel: "(dashboard)".into(),
        query: "-".into(),
        status: Status::Fail,
        reason: format!("not read as a Grafana dashboard, nothing checked: {e}"),
        expr: None,
    }
}

/// Datasource variables and the plugin type each picks.
fn datasource_variables(d: &DashboardModel) -> BTreeMap<String, String> {
    d.templating
        .list
        .iter()
        .filter(|v| v.kind == VariableKind::Datasource)
        .filter_map(|v| Some((v.name.clone(), v.query.clone()?)))
        .collect()
}

/// The plugin type a target runs on: its own datasource, else the panel's, resolving
/// datasource variables. `None` when unknown (the default datasource).
fn target_kind(t: &Target, panel: &Panel, ds_vars: &BTreeMap<String, String>) -> Option<String> {
    let ds = t.datasource.as_ref().or(panel.datasource.as_ref())?;
    // An empty type is a legacy reference by name or `${var}`: resolved by its uid.
    if !ds.kind.is_empty() && ds.kind != "datasource" {
        return Some(ds.kind.to_string());
    }
    let r = dashboard_query::template::scan(&ds.uid)
        .into_iter()
        .next()?;
    ds_vars.get(&r.name).cloned()
}

/// Labels that data links read from the series: `${__field.labels.X}`, in a link's URL,
/// title or the query of an internal (Explore) link.
fn data_link_labels(panel: &Panel) -> BTreeSet<String> {
    let mut out = BTreeSet::new();
    let links = panel.field_config.iter().flat_map(|f| &f.defaults.links);
    for l in links {
        let query = l.internal.as_ref().map(|i| &i.query);
        let texts = [Some(&l.url), Some(&l.title)]
            .into_iter()
            .chain(query.map(|q| q.expr.as_ref()))
            .chain(query.map(|q| q.query.as_ref()))
            .flatten();
        for text in texts {
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
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    /// A panel read from JSON, as validate reads it.
    fn panel(v: Value) -> Panel {
        serde_json::from_value(v).unwrap()
    }

    #[test]
    fn data_link_labels_are_found_in_urls_and_internal_queries() {
        let p = panel(json!({"fieldConfig": {"defaults": {"links": [
            {"title": "x", "url": "/d/x?var-executor=${__field.labels.executor_id}"},
            {"title": "y", "url": "", "internal": {"datasourceName": "Tempo", "datasourceUid": "t",
                "query": {"refId": "A", "query": "{span.app=\"${__field.labels.application_name}\"}"}}}
        ]}, "overrides": []}}));
        let labels: Vec<String> = data_link_labels(&p).into_iter().collect();
        assert_eq!(labels, ["application_name", "executor_id"]);
    }

    #[test]
    fn target_kind_resolves_datasource_variables() {
        let vars: BTreeMap<String, String> = [("tempo".to_string(), "tempo".to_string())].into();
        let target = |v: Value| -> Target { serde_json::from_value(v).unwrap() };
        let none = Panel::default();
        let t = target(json!({"datasource": {"type": "datasource", "uid": "${tempo}"}}));
        assert_eq!(target_kind(&t, &none, &vars).as_deref(), Some("tempo"));
        let t = target(json!({"datasource": {"type": "prometheus", "uid": "${prometheus}"}}));
        assert_eq!(target_kind(&t, &none, &vars).as_deref(), Some("prometheus"));
        let legacy = target(json!({"datasource": "${tempo}"}));
        assert_eq!(target_kind(&legacy, &none, &vars).as_deref(), Some("tempo"));
        assert_eq!(target_kind(&Target::default(), &none, &vars), None);
    }

    #[test]
    fn custom_units_do_not_stop_a_dashboard_being_checked() {
        // Grafana accepts any unit string; a dashboard exported with one is still read.
        let d = json!({"uid": "c", "panels": [{"id": 1, "type": "stat", "title": "Rate",
            "fieldConfig": {"defaults": {"unit": "suffix:req/s"}},
            "targets": [{"refId": "A", "expr": "sum(rate(http_requests_total[5m]))"}]}]});
        let m = DashboardModel::from_json(&d).unwrap();
        let p = m.panels().next().unwrap();
        assert_eq!(
            p.targets[0].expr.as_deref(),
            Some("sum(rate(http_requests_total[5m]))")
        );
    }

    #[test]
    fn an_unreadable_dashboard_is_one_failed_row_naming_it() {
        let d = json!({"uid": "odd", "title": "Odd", "panels": [{"id": 3, "title": "GC", "fieldConfig": {"defaults": {"unit": 7}}}]});
        let e = DashboardModel::from_json(&d).unwrap_err();
        let row = unreadable(&e);
        assert_eq!((row.dashboard.as_str(), row.status), ("odd", Status::Fail));
        assert!(
            row.reason
                .contains(r#"panel "GC" (id 3), field `fieldConfig`"#),
            "{}",
            row.reason
        );
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
