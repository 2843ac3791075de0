//! grafana/dashboard-linter's rules for Prometheus queries: `target-rate-interval`
//! (`rate`, `irate`, `increase` over `$__rate_interval`, which Grafana sizes to the
//! scrape interval and the step, rather than a fixed range that shows nothing when
//! shorter than two scrapes and smooths spikes away when longer) and `target-counter-agg`
//! (a counter is read through `rate`, `increase`, …, not summed or shown raw). A query
//! opts out of one with a `# lint-allow` comment (see `allow`), and a comment that allows
//! nothing is itself an error, so allowances do not outlive their reason.

use dashboard_query::promql::{parse_with_ranges, raw_counters, FixedRange, RawCounter};

use super::allow::{allowances, Allow, ALLOWABLE};
use super::queries::parallel_map;
use super::{error, panel_place, LintError, LintKind};
use crate::model::DashboardModel;

/// What one query breaks, before allowances.
struct Found {
    fixed: Vec<FixedRange>,
    counters: Vec<RawCounter>,
}

pub(super) fn lint(d: &DashboardModel) -> Vec<LintError> {
    let queries: Vec<(String, &str, &str)> = d
        .panels()
        .flat_map(|p| p.targets.iter().map(move |t| (p, t)))
        .filter(|(_, t)| {
            t.datasource
                .as_ref()
                .is_some_and(|ds| ds.kind == "prometheus")
        })
        .filter_map(|(p, t)| Some((panel_place(p), t.ref_id.as_str(), t.expr.as_deref()?)))
        .collect();
    // A query that does not parse is reported by `invalid-promql` in every build.
    let found = parallel_map(&queries, |(_, _, expr)| {
        parse_with_ranges(expr).ok().map(|q| Found {
            fixed: q.fixed_rate_ranges(),
            counters: raw_counters(q.expr()),
        })
    });
    let mut errors = Vec::new();
    for ((place, ref_id, expr), found) in queries.iter().zip(found) {
        let allows = allowances(expr);
        let mut push = |kind, message: String, help: String| {
            errors.push(error(
                d,
                Some(place.clone()),
                Some(ref_id),
                kind,
                message,
                help,
            ));
        };
        for a in &allows {
            if let Some(message) = malformed(a) {
                push(
                    LintKind::LintAllow,
                    message,
                    format!(
                        "write `# lint-allow <rule>: <why>` with one of: {}",
                        ALLOWABLE
                            .iter()
                            .map(|k| k.name())
                            .collect::<Vec<_>>()
                            .join(", ")
                    ),
                );
            }
        }
        let Some(found) = found else { continue };
        let allowed = |kind| {
            allows
                .iter()
                .any(|a| a.kind == Some(kind) && !a.reason.is_empty())
        };
        for kind in ALLOWABLE.iter().copied().filter(|&k| allowed(k)) {
            let fires = match kind {
                LintKind::TargetRateInterval => !found.fixed.is_empty(),
                _ => !found.counters.is_empty(),
            };
            if !fires {
                push(
                    LintKind::LintAllow,
                    format!(
                        "`# lint-allow {}` allows nothing: the query does not break that rule",
                        kind.name()
                    ),
                    "remove the comment".into(),
                );
            }
        }
        if !allowed(LintKind::TargetRateInterval) {
            for f in &found.fixed {
                push(
                    LintKind::TargetRateInterval,
                    format!(
                        "{}({}[{}]) uses a range that does not follow the scrape interval and the \
                         panel's step: too short it shows no data, too long it hides spikes",
                        f.function,
                        f.metric.as_deref().unwrap_or("…"),
                        f.range
                    ),
                    format!(
                        "write [$__rate_interval] (or [$__range] for a total over the time range), \
                         or `# lint-allow {}: <why>`",
                        LintKind::TargetRateInterval.name()
                    ),
                );
            }
        }
        if !allowed(LintKind::TargetCounterAgg) {
            for c in &found.counters {
                let how = match &c.used_by {
                    Some(by) => format!("is read raw by `{by}`"),
                    None => "is shown raw".into(),
                };
                push(
                    LintKind::TargetCounterAgg,
                    format!(
                        "counter `{}` {how}: its value only grows and falls back to 0 when the \
                         process restarts, so the result follows restarts, not the workload",
                        c.metric
                    ),
                    format!(
                        "read it through rate(...[$__rate_interval]) or increase(...), or \
                         `# lint-allow {}: <why>` when the running total is what the panel shows",
                        LintKind::TargetCounterAgg.name()
                    ),
                );
            }
        }
    }
    errors
}

/// Why an allowance cannot be honoured, if it cannot.
fn malformed(a: &Allow) -> Option<String> {
    if a.kind.is_none() {
        let what = if a.rule.is_empty() {
            "no rule".to_string()
        } else {
            format!("`{}`, which a query cannot allow", a.rule)
        };
        return Some(format!("`# lint-allow` names {what}"));
    }
    a.reason
        .is_empty()
        .then(|| format!("`# lint-allow {}` gives no reason", a.rule))
}
