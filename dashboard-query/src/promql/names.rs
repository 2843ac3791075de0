//! What an expression reads: the metric names of its selectors and the labels its
//! aggregations group by. `validate` uses them to tell "this metric does not exist" from
//! "this query returns nothing", and to check that grouping labels reach the result.

use std::collections::BTreeSet;

use promql_parser::label::METRIC_NAME;
use promql_parser::parser::{Expr, LabelModifier, VectorSelector};

/// The metric names selected anywhere in `expr`, by name or by an `__name__="…"` matcher.
///
/// ```
/// let e = dashboard_query::promql::parse(
///     r#"sum(rate(a_total[5m])) / sum(rate({__name__="b_total"}[5m])) + on() vector(1)"#,
/// ).unwrap();
/// let names: Vec<String> = dashboard_query::promql::metric_names(&e).into_iter().collect();
/// assert_eq!(names, ["a_total", "b_total"]);
/// ```
pub fn metric_names(expr: &Expr) -> BTreeSet<String> {
    let mut out = BTreeSet::new();
    walk(expr, &mut |e| {
        let Some(vs) = selector(e) else {
            return;
        };
        if let Some(name) = &vs.name {
            out.insert(name.clone());
        }
        for m in &vs.matchers.matchers {
            if m.name == METRIC_NAME && matches!(m.op, promql_parser::label::MatchOp::Equal) {
                out.insert(m.value.clone());
            }
        }
    });
    out
}

/// The labels of every `by (…)` in `expr`, outermost first. A result can only carry
/// such a label if the series under the aggregation do.
///
/// ```
/// let e = dashboard_query::promql::parse("max by (executor_id) (sum by (executor_id, job) (x))").unwrap();
/// let labels: Vec<String> = dashboard_query::promql::grouping_labels(&e).into_iter().collect();
/// assert_eq!(labels, ["executor_id", "job"]);
/// ```
pub fn grouping_labels(expr: &Expr) -> BTreeSet<String> {
    let mut out = BTreeSet::new();
    walk(expr, &mut |e| {
        if let Expr::Aggregate(a) = e {
            if let Some(LabelModifier::Include(labels)) = &a.modifier {
                out.extend(labels.labels.iter().cloned());
            }
        }
    });
    out
}

/// Every series selector in `expr`, as text without its range, `offset` or `@`, sorted and
/// once each: what must match series on a Prometheus for the expression to mean anything,
/// whatever its value now. `validate` checks alert rules this way, since a rule that fires
/// only on a failure returns nothing on a healthy system.
///
/// ```
/// let e = dashboard_query::promql::parse(
///     r#"increase(failed_total{app="a"}[5m]) > 0 unless on (app) up offset 2m"#,
/// ).unwrap();
/// assert_eq!(dashboard_query::promql::selectors(&e), [r#"failed_total{app="a"}"#, "up"]);
/// ```
pub fn selectors(expr: &Expr) -> Vec<String> {
    let mut out = BTreeSet::new();
    walk(expr, &mut |e| {
        let Some(vs) = selector(e) else {
            return;
        };
        let mut bare = vs.clone();
        bare.offset = None;
        bare.at = None;
        out.insert(bare.to_string());
    });
    out.into_iter().collect()
}

/// The selectors right of an `unless`, as [`selectors`] writes them: series that only
/// take results away. When none match, the expression returns more, never less, so a rule
/// can fire without them (spark-exporter's removal reasons on a Spark without it).
///
/// ```
/// let e = dashboard_query::promql::parse(r#"a unless on (x) b{r="graceful"} and c"#).unwrap();
/// assert_eq!(dashboard_query::promql::exclusion_selectors(&e), [r#"b{r="graceful"}"#]);
/// ```
pub fn exclusion_selectors(expr: &Expr) -> Vec<String> {
    let mut out = BTreeSet::new();
    walk(expr, &mut |e| {
        if let Expr::Binary(b) = e {
            if b.op.to_string() == "unless" {
                out.extend(selectors(&b.rhs));
            }
        }
    });
    out.into_iter().collect()
}

/// The series selector of a `metric{…}` or `metric{…}[range]`.
fn selector(e: &Expr) -> Option<&VectorSelector> {
    match e {
        Expr::VectorSelector(vs) => Some(vs),
        Expr::MatrixSelector(ms) => Some(&ms.vs),
        _ => None,
    }
}

/// Visits `expr` and every expression below it.
fn walk(expr: &Expr, f: &mut impl FnMut(&Expr)) {
    f(expr);
    match expr {
        Expr::Aggregate(a) => {
            if let Some(p) = &a.param {
                walk(p, f);
            }
            walk(&a.expr, f);
        }
        Expr::Unary(u) => walk(&u.expr, f),
        Expr::Binary(b) => {
            walk(&b.lhs, f);
            walk(&b.rhs, f);
        }
        Expr::Paren(p) => walk(&p.expr, f),
        Expr::Subquery(s) => walk(&s.expr, f),
        Expr::Call(c) => {
            for a in &c.args.args {
                walk(a, f);
            }
        }
        Expr::NumberLiteral(_)
        | Expr::StringLiteral(_)
        | Expr::VectorSelector(_)
        | Expr::MatrixSelector(_)
        | Expr::Extension(_) => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::promql::parse;

    #[test]
    fn finds_names_inside_functions_subqueries_and_binaries() {
        let e = parse(
            r#"histogram_quantile(0.9, sum by (le) (rate(h_bucket{app=~"$app"}[$__rate_interval])))
               / max_over_time(g[10m:1m]) - -c"#,
        )
        .unwrap();
        let names: Vec<String> = metric_names(&e).into_iter().collect();
        assert_eq!(names, ["c", "g", "h_bucket"]);
    }

    #[test]
    fn regex_name_matchers_are_not_names() {
        let e = parse(r#"{__name__=~"spark_.*"}"#).unwrap();
        assert!(metric_names(&e).is_empty());
    }

    #[test]
    fn selectors_keep_their_matchers_and_drop_time_modifiers() {
        let e = parse(
            r#"sum(rate(a_total{x=~"1|2"}[5m] offset 1m)) / sum(rate(a_total{x=~"1|2"}[1m])) and {__name__=~"b_.*"} @ 100"#,
        )
        .unwrap();
        assert_eq!(
            selectors(&e),
            [r#"a_total{x=~"1|2"}"#, r#"{__name__=~"b_.*"}"#]
        );
    }

    #[test]
    fn without_is_not_grouping() {
        let e = parse("sum without (instance) (x)").unwrap();
        assert!(grouping_labels(&e).is_empty());
    }
}
