//! Alert and recording rules against a live Prometheus: every series selector of every
//! expression must match series over the window. The expression's value is not asked: a
//! rule that fires only on a failure returns nothing on a healthy system, and that is not
//! a mistake; a selector that matches nothing, whatever happens, is (a renamed metric, a
//! label the scrape configuration does not set).

use std::collections::{BTreeMap, BTreeSet};

use dashboard_model::rules::{Rule, RuleGroup};

use crate::check::closest;
use crate::prom::{Client, PromError};
use crate::report::{Report, Row, Status, RULE_GROUP};
use crate::vars::Frame;

pub(crate) fn run(groups: &[RuleGroup], client: &Client, frame: &Frame) -> Report {
    // Series that a rule of these groups records: they exist only once that rule returns
    // something, so their own selectors are checked instead.
    let recorded: BTreeMap<&str, &str> = groups
        .iter()
        .flat_map(|g| g.rules.iter().map(move |r| (r, g)))
        .filter_map(|(r, g)| match r {
            Rule::Recording(rec) => Some((rec.record.as_str(), g.name.as_str())),
            Rule::Alerting(_) => None,
        })
        .collect();
    let preflight = client.version().err();
    let mut matched: BTreeMap<String, Result<usize, PromError>> = BTreeMap::new();
    let mut names: Option<Result<BTreeSet<String>, PromError>> = None;
    let mut rows = Vec::new();
    for group in groups {
        for rule in &group.rules {
            let (kind, expr) = match rule {
                Rule::Alerting(a) => ("alert", &a.expr),
                Rule::Recording(r) => ("record", &r.expr),
            };
            let row = |query: String, status: Status, reason: String| Row {
                dashboard: format!("{RULE_GROUP}{}", group.name),
                panel: format!("{kind} {}", rule.name()),
                query,
                status,
                reason,
                expr: Some(expr.clone()),
            };
            if let Some(e) = &preflight {
                rows.push(row("expr".into(), Status::Fail, e.to_string()));
                continue;
            }
            let parsed = match dashboard_query::promql::parse(expr) {
                Ok(p) => p,
                Err(e) => {
                    rows.push(row(
                        "expr".into(),
                        Status::Fail,
                        format!("does not parse: {e}; fix the rule's expression"),
                    ));
                    continue;
                }
            };
            let exclusions = dashboard_query::promql::exclusion_selectors(&parsed);
            for selector in dashboard_query::promql::selectors(&parsed) {
                let name = dashboard_query::promql::parse(&selector)
                    .ok()
                    .and_then(|e| dashboard_query::promql::metric_names(&e).into_iter().next());
                if let Some(by) = name.as_deref().and_then(|n| recorded.get(n)) {
                    rows.push(row(
                        selector,
                        Status::Skip,
                        format!(
                            "recorded by a rule of group {by}, whose selectors are checked there"
                        ),
                    ));
                    continue;
                }
                let found = matched
                    .entry(selector.clone())
                    .or_insert_with(|| client.series_count(&selector, frame.start, frame.end));
                let (status, reason) = match found {
                    Ok(0) => {
                        if exclusions.contains(&selector) {
                            // Right of an `unless`: without series the rule excludes
                            // nothing and can still fire; worth a look, not a failure.
                            (
                                Status::Warn,
                                format!(
                                    "only narrows the rule (right of `unless`): no series match in the last {}, so it excludes nothing here and the rule can still fire; check the name if something should be excluded",
                                    window(frame)
                                ),
                            )
                        } else {
                            let known = names.get_or_insert_with(|| {
                                client
                                    .label_values("__name__", None, frame.start, frame.end)
                                    .map(|v| v.into_iter().collect())
                            });
                            (
                                Status::Fail,
                                no_series(&selector, name.as_deref(), known, frame),
                            )
                        }
                    }
                    Ok(n) => (Status::Pass, format!("{n} series")),
                    Err(e) => (Status::Fail, e.to_string()),
                };
                rows.push(row(selector, status, reason));
            }
        }
    }
    Report {
        prometheus: client.url().to_string(),
        rows,
    }
}

/// Why a selector matched nothing, and what to do about it.
fn no_series(
    selector: &str,
    name: Option<&str>,
    known: &Result<BTreeSet<String>, PromError>,
    frame: &Frame,
) -> String {
    let window = window(frame);
    let Some(name) = name else {
        return format!("no series match `{selector}` in the last {window}: fix its matchers");
    };
    match known {
        Ok(known) if !known.contains(name) => match closest(name, known) {
            Some(near) => format!(
                "metric `{name}` does not exist in the last {window} (did you mean `{near}`?): the rule can never fire; fix the name"
            ),
            None => format!(
                "metric `{name}` does not exist in the last {window}: the rule can never fire; scrape what exports it or fix the name"
            ),
        },
        _ => format!(
            "metric `{name}` exists, but no series match `{selector}` in the last {window}: a label matcher is wrong or the scrape does not set that label"
        ),
    }
}

/// The window as PromQL writes durations, for messages.
fn window(frame: &Frame) -> String {
    match (frame.end - frame.start).max(1) {
        s if s % 3600 == 0 => format!("{}h", s / 3600),
        s if s % 60 == 0 => format!("{}m", s / 60),
        s => format!("{s}s"),
    }
}
