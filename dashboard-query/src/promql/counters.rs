//! Counters whose raw values reach a query's result: summed, compared or shown as they
//! are, instead of read through `rate`, `irate` or `increase`.
//!
//! A counter is told by its name, as grafana/dashboard-linter does (Spark's endpoints
//! serve no `# TYPE` lines): Prometheus' naming conventions reserve `_total` for counters
//! and `_count`, `_sum` and `_bucket` for the counters of histograms and summaries. The
//! match is case-sensitive on purpose: Spark's Dropwizard `…_Count` series follow no such
//! convention (a Dropwizard counter can go down).
//!
//! ```
//! use dashboard_query::promql::{parse, raw_counters};
//!
//! let e = parse(r#"sum(metrics_executor_failedTasks_total{application_name=~"$app"})"#).unwrap();
//! let found = raw_counters(&e);
//! assert_eq!(found[0].metric, "metrics_executor_failedTasks_total");
//! assert_eq!(found[0].used_by.as_deref(), Some("sum"));
//! assert!(raw_counters(&parse("sum(rate(x_total[$__rate_interval]))").unwrap()).is_empty());
//! ```

use promql_parser::parser::Expr;

use super::walk::{children, metric_name};

/// The name endings that make a metric a counter.
pub const COUNTER_SUFFIXES: &[&str] = &["_total", "_count", "_sum", "_bucket"];

/// Functions that read a counter as a counter (they handle its resets).
pub const COUNTER_FUNCTIONS: &[&str] = &["rate", "irate", "increase", "resets"];

/// Functions and aggregations that may take a counter because they do not read its rate:
/// they read no value at all (`count`, `absent`, `timestamp`, …) or, for
/// `max_over_time` and `last_over_time`, its value as the total since the series started,
/// which is what a query that writes them means to show.
pub const COUNTER_SAFE: &[&str] = &[
    "absent",
    "absent_over_time",
    "changes",
    "count",
    "count_over_time",
    "group",
    "last_over_time",
    "max_over_time",
    "present_over_time",
    "timestamp",
];

/// Functions that pass their argument's values through: what reads the counter is what
/// reads them.
const PASS_THROUGH: &[&str] = &[
    "label_join",
    "label_replace",
    "sort",
    "sort_by_label",
    "sort_by_label_desc",
    "sort_desc",
];

/// A counter selector whose raw values reach the result.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RawCounter {
    /// The metric name.
    pub metric: String,
    /// What reads its raw values: an aggregation (`sum`), a function
    /// (`histogram_quantile`) or an operator (`/`); `None` when the query returns the
    /// counter as it is.
    pub used_by: Option<String>,
}

/// Whether `metric` is named as a counter (see [`COUNTER_SUFFIXES`]).
///
/// ```
/// use dashboard_query::promql::is_counter_name;
/// assert!(is_counter_name("spark_stage_run_seconds_total"));
/// assert!(is_counter_name("http_request_duration_seconds_bucket"));
/// assert!(!is_counter_name("spark_appStatus_stages_failedStages_Count"));
/// ```
pub fn is_counter_name(metric: &str) -> bool {
    COUNTER_SUFFIXES.iter().any(|s| metric.ends_with(s))
}

/// Every counter selector in `expr` that is not read through one of
/// [`COUNTER_FUNCTIONS`] or [`COUNTER_SAFE`], in the order written, each metric once
/// per consumer. The right side of `and` and `unless` only filters by labels, so a
/// counter there is fine too.
///
/// ```
/// use dashboard_query::promql::{parse, raw_counters};
///
/// let e = parse("rate(a_total[5m]) / b_total and on (x) c_total > 0").unwrap();
/// let found: Vec<(String, Option<String>)> =
///     raw_counters(&e).into_iter().map(|c| (c.metric, c.used_by)).collect();
/// assert_eq!(found, [("b_total".to_string(), Some("/".to_string()))]);
/// ```
pub fn raw_counters(expr: &Expr) -> Vec<RawCounter> {
    let mut out = Vec::new();
    visit(expr, None, &mut out);
    out
}

/// `used_by` is what reads `expr`'s values; `visit` is not called below a safe reader.
fn visit(expr: &Expr, used_by: Option<&str>, out: &mut Vec<RawCounter>) {
    let reader = match expr {
        Expr::VectorSelector(vs)
        | Expr::MatrixSelector(promql_parser::parser::MatrixSelector { vs, .. }) => {
            if let Some(metric) = metric_name(vs).filter(|m| is_counter_name(m)) {
                let found = RawCounter {
                    metric: metric.to_string(),
                    used_by: used_by.map(str::to_string),
                };
                if !out.contains(&found) {
                    out.push(found);
                }
            }
            return;
        }
        Expr::Call(c) if COUNTER_FUNCTIONS.contains(&c.func.name) => return,
        Expr::Call(c) if COUNTER_SAFE.contains(&c.func.name) => return,
        Expr::Call(c) if PASS_THROUGH.contains(&c.func.name) => used_by.map(str::to_string),
        Expr::Call(c) => Some(c.func.name.to_string()),
        Expr::Aggregate(a) => {
            let op = a.op.to_string();
            if COUNTER_SAFE.contains(&op.as_str()) {
                return;
            }
            Some(op)
        }
        Expr::Binary(b) => {
            let op = b.op.to_string();
            if matches!(op.as_str(), "and" | "unless") {
                // The left side's values are the result; the right side only filters.
                visit(&b.lhs, used_by, out);
                return;
            }
            if op == "or" {
                used_by.map(str::to_string)
            } else {
                Some(op)
            }
        }
        Expr::Paren(_) | Expr::Unary(_) | Expr::Subquery(_) => used_by.map(str::to_string),
        Expr::NumberLiteral(_) | Expr::StringLiteral(_) | Expr::Extension(_) => return,
    };
    for child in children(expr) {
        visit(child, reader.as_deref(), out);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::promql::parse;

    fn found(q: &str) -> Vec<(String, Option<String>)> {
        raw_counters(&parse(q).unwrap_or_else(|e| panic!("{q}: {e}")))
            .into_iter()
            .map(|c| (c.metric, c.used_by))
            .collect()
    }

    fn one(metric: &str, used_by: Option<&str>) -> Vec<(String, Option<String>)> {
        vec![(metric.to_string(), used_by.map(str::to_string))]
    }

    #[test]
    fn counters_read_as_counters_pass() {
        for q in [
            r#"sum by (executor_id) (rate(metrics_executor_totalGCTime_seconds_total{application_name=~"$app"}[$__rate_interval]))"#,
            "increase(x_total[$__range]) / irate(y_total[1m])",
            "histogram_quantile(0.9, sum by (le) (rate(h_bucket[$__rate_interval])))",
            "rate(h_sum[5m]) / rate(h_count[5m])",
            "resets(x_total[1h])",
            "rate((x_total[5m]))",
            "rate(x_total[5m:1m])",
            // Deliberate reads of the total since the series started.
            "topk(10, max by (stage_id) (max_over_time(spark_stage_memory_spilled_bytes_total[$__range])))",
            "last_over_time(x_total[1h])",
            // No values read.
            "count(x_total)",
            "group by (app) (x_total)",
            "absent(x_total)",
            "timestamp(x_total)",
            "count_over_time(x_total[5m])",
            // Filters on the right of and/unless.
            "sum(rate(x_total[5m])) and on (app) (y_total > 0)",
            "rate(x_total[5m]) unless y_total",
            // Gauges, and Spark's Dropwizard counters, are not counters by name.
            "sum(metrics_executor_memoryUsed_bytes)",
            r#"sum(spark_appStatus_stages_failedStages_Count{application_id=~"$app_id"})"#,
            "x_totals + total",
        ] {
            assert_eq!(found(q), [], "{q}");
        }
    }

    #[test]
    fn raw_counters_are_found_with_their_reader() {
        assert_eq!(
            found(r#"sum(metrics_executor_failedTasks_total{application_name=~"$app"})"#),
            one("metrics_executor_failedTasks_total", Some("sum"))
        );
        assert_eq!(found("x_total"), one("x_total", None));
        assert_eq!(found("x_total[5m]"), one("x_total", None));
        assert_eq!(
            found("(label_replace(x_total, \"a\", \"$1\", \"b\", \"(.*)\"))"),
            one("x_total", None)
        );
        assert_eq!(found(r#"{__name__="x_count"}"#), one("x_count", None));
        assert_eq!(
            found("histogram_quantile(0.9, sum by (le) (h_bucket))"),
            one("h_bucket", Some("sum"))
        );
        assert_eq!(
            found("avg_over_time(x_sum[5m])"),
            one("x_sum", Some("avg_over_time"))
        );
        assert_eq!(found("x_total > 0"), one("x_total", Some(">")));
        assert_eq!(found("x_total and y"), one("x_total", None));
        assert_eq!(
            found("something_total / rate(somethingelse_total[5m])"),
            one("something_total", Some("/"))
        );
        assert_eq!(
            found("rate(something_total[5m]) / somethingelse_total"),
            one("somethingelse_total", Some("/"))
        );
        // Matchers, offsets and `@` do not hide a counter (dashboard-linter misses these).
        assert_eq!(
            found(r#"sum(x_total{a="b"} offset 1h)"#),
            one("x_total", Some("sum"))
        );
        // One entry per metric and reader.
        assert_eq!(
            found("sum(x_total) + sum(x_total)"),
            one("x_total", Some("sum"))
        );
    }
}
