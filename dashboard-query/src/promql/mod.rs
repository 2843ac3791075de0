//! PromQL templates: Grafana variables replaced by placeholders that keep the query
//! parseable ([`substitute`], [`parse`]), the labels a query returns
//! ([`output_labels`]) and the legend labels it drops ([`missing_legend_labels`]),
//! the metric names and groupings it uses ([`metric_names`], [`grouping_labels`]),
//! counters read without a rate ([`raw_counters`]) and rates over a range that is not
//! `$__rate_interval` ([`parse_with_ranges`]).
//!
//! ```
//! let expr = dashboard_query::promql::parse(
//!     r#"sum by (executor_id) (rate(metrics_executor_totalGCTime_seconds_total{application_name=~"$app"}[$__rate_interval]))"#,
//! )
//! .unwrap();
//! assert!(dashboard_query::promql::missing_legend_labels(&expr, "{{executor_id}}").is_empty());
//! ```

mod counters;
mod labels;
mod names;
mod rate_interval;
mod substitute;
mod walk;

use std::fmt;
use std::panic::{catch_unwind, AssertUnwindSafe};

pub use counters::{
    is_counter_name, raw_counters, RawCounter, COUNTER_FUNCTIONS, COUNTER_SAFE, COUNTER_SUFFIXES,
};
pub use labels::{legend_labels, missing_legend_labels, output_labels, OutputLabels};
pub use names::{exclusion_selectors, grouping_labels, metric_names, selectors};
pub use promql_parser::parser::Expr;
pub use rate_interval::{
    parse_with_ranges, FixedRange, RangedExpr, RATE_FUNCTIONS, RATE_RANGE_VARIABLES,
};
pub use substitute::{is_var_placeholder, substitute, VAR_PLACEHOLDER_PREFIX};

/// Why a PromQL template failed to parse.
///
/// ```
/// let err = dashboard_query::promql::parse("rate(x{app=\"$app\"}[$__rate_interval]").unwrap_err();
/// assert_eq!(err.substituted, "rate(x{app=\"__grafana_var_app\"}[5m]");
/// assert!(err.to_string().contains(&err.message));
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ParseError {
    /// The parser's own message.
    pub message: String,
    /// The query as it was handed to the parser, i.e. after Grafana variables
    /// were replaced by placeholders; positions in `message` refer to it.
    pub substituted: String,
}

impl fmt::Display for ParseError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{} (in `{}`, with Grafana variables replaced by placeholders)",
            self.message, self.substituted
        )
    }
}

impl std::error::Error for ParseError {}

impl ParseError {
    /// The error in the user's words, for `query` as written: `prefix: message`, with
    /// placeholders shown as the `$var` they stand for, and the text the parser saw
    /// only when it differs from `query` by more than that (a duration or a number
    /// stood in for a variable).
    ///
    /// ```
    /// let q = r#"sum by (executor_id) rate(x{app="$app"}[5m])"#;
    /// let err = dashboard_query::promql::parse(q).unwrap_err();
    /// let shown = err.explain("invalid PromQL", q);
    /// assert!(shown.starts_with("invalid PromQL: "));
    /// assert!(!shown.contains("__grafana_var_"), "{shown}");
    /// ```
    pub fn explain(&self, prefix: &str, query: &str) -> String {
        let message = in_user_words(&self.message);
        let seen = in_user_words(&self.substituted);
        if seen == query {
            format!("{prefix}: {message}")
        } else {
            format!(
                "{prefix}: {message}\n(checked with Grafana variables replaced by placeholders: `{seen}`)"
            )
        }
    }
}

/// Turns every `__grafana_var_<name>` back into `$<name>`.
fn in_user_words(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(at) = rest.find(VAR_PLACEHOLDER_PREFIX) {
        out.push_str(&rest[..at]);
        out.push('$');
        rest = &rest[at + VAR_PLACEHOLDER_PREFIX.len()..];
    }
    out.push_str(rest);
    out
}

/// Substitutes Grafana variables (see [`substitute`]) and parses the result
/// with `promql-parser`.
///
/// ```
/// use dashboard_query::promql::parse;
///
/// assert!(parse("topk($n, rate(x{app=~\"${app:regex}\"}[$__rate_interval]))").is_ok());
/// let err = parse("sum by (executor_id) rate(x[5m])").unwrap_err();
/// assert!(!err.message.is_empty());
/// ```
pub fn parse(template: &str) -> Result<Expr, ParseError> {
    let substitute::Substituted {
        text: substituted,
        duration_numbers,
        nesting,
    } = substitute::substitute_with_facts(template);
    if nesting > MAX_NESTING {
        // A stack overflow aborts the process; catch_unwind cannot help.
        return Err(ParseError {
            message: format!(
                "query is too deeply nested to check ({nesting} nested brackets and operators, \
                 at most {MAX_NESTING} are supported); split it into simpler queries"
            ),
            substituted,
        });
    }
    if let Some(message) = duration_numbers.iter().find_map(|n| oversized_duration(n)) {
        return Err(ParseError {
            message,
            substituted,
        });
    }
    // The known panic is screened above; this guards against unknown ones,
    // because a lint or a macro must report, not crash.
    let result = catch_unwind(AssertUnwindSafe(|| {
        promql_parser::parser::parse(&substituted)
    }));
    match result {
        Ok(Ok(expr)) => Ok(expr),
        Ok(Err(message)) => Err(ParseError {
            message,
            substituted,
        }),
        Err(panic) => {
            let detail = panic
                .downcast_ref::<String>()
                .map(String::as_str)
                .or_else(|| panic.downcast_ref::<&str>().copied())
                .unwrap_or("unknown error");
            Err(ParseError {
                message: format!("the PromQL parser could not handle this query ({detail})"),
                substituted,
            })
        }
    }
}

/// Bound on [`substitute::Substituted::nesting`]. Parsing, [`output_labels`]
/// and dropping the tree recurse once per level; 1000 levels fit with a wide
/// margin into the 2 MiB stack of a test thread, and real dashboard queries
/// stay well below 100.
const MAX_NESTING: usize = 1000;

/// promql-parser turns a unit-less duration into `Duration::from_secs_f64`,
/// which panics above `u64::MAX` seconds; report it as the parser would.
fn oversized_duration(number: &str) -> Option<String> {
    let seconds = if let Some(hex) = number
        .strip_prefix("0x")
        .or_else(|| number.strip_prefix("0X"))
    {
        // Any hex literal that fits the parser's integer parse fits a Duration.
        u64::from_str_radix(hex, 16).ok()? as f64
    } else {
        number.parse::<f64>().ok()?
    };
    const MAX_SECONDS: f64 = 18_446_744_073_709_551_616.0;
    (!seconds.is_finite() || seconds >= MAX_SECONDS).then(|| {
        format!("duration `{number}` is out of range; use a value below {MAX_SECONDS:e} seconds")
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_spark_queries_with_variables() {
        for q in [
            r#"sum by (executor_id) (rate(metrics_executor_totalGCTime_seconds_total{application_name=~"$app"}[$__rate_interval]))"#,
            r#"metrics_executor_totalGCTime_seconds_total{application_name=~"${app:regex}", executor_id=~"[[executor]]"}"#,
            r#"topk($n, sum by (executor_id) (metrics_executor_memoryUsed_bytes{application_name=~"$app"}))"#,
            r#"increase(metrics_executor_completedTasks_total{application_name=~"$app"}[$__range])"#,
            r#"metrics_executor_activeTasks{application_name=~"$app"} offset $shift"#,
            r#"max_over_time(rate(metrics_executor_totalShuffleRead_bytes_total[1m])[$__range:$__interval])"#,
            r#"label_replace(up{job=~"spark.*$"}, "app", "$1", "job", "spark-(.*)")"#,
            r#"histogram_quantile($q, sum by (le) (rate(spark_task_duration_seconds_bucket[$__rate_interval])))"#,
            r#"sum(rate(x[5m])) / ($__range_s)"#,
            "# comment with $var\nup",
        ] {
            if let Err(e) = parse(q) {
                panic!("{q} failed: {e}");
            }
        }
    }

    #[test]
    fn error_carries_message_and_substituted_text() {
        let err = parse(r#"sum by (executor_id) rate(x{app="$app"}[5m])"#).unwrap_err();
        assert_eq!(
            err.substituted,
            r#"sum by (executor_id) rate(x{app="__grafana_var_app"}[5m])"#
        );
        assert!(!err.message.is_empty());
        let shown = err.to_string();
        assert!(shown.starts_with(&err.message), "{shown}");
        assert!(shown.contains(&err.substituted), "{shown}");
        assert_eq!(
            err.explain(
                "invalid PromQL",
                r#"sum by (executor_id) rate(x{app="$app"}[5m])"#
            ),
            format!("invalid PromQL: {}", in_user_words(&err.message)),
        );
    }

    #[test]
    fn explain_shows_what_the_parser_saw_only_when_it_differs() {
        let q = "rate(x{app=\"$app\"}[$__rate_interval]";
        let shown = parse(q).unwrap_err().explain("invalid PromQL", q);
        assert!(
            shown.ends_with("placeholders: `rate(x{app=\"$app\"}[5m]`)"),
            "{shown}"
        );
        assert_eq!(in_user_words("a __grafana_var_app b"), "a $app b");
    }

    #[test]
    fn semantic_errors_are_reported() {
        assert!(parse("unknown_function(x)")
            .unwrap_err()
            .message
            .contains("unknown_function"));
        assert!(parse("topk(x, y)").is_err());
        assert!(parse(r#"x{a=~"("}"#).is_err());
        assert!(parse("").is_err());
    }

    #[test]
    fn oversized_durations_are_errors_not_panics() {
        for q in [
            "x[1e400]",
            "x[1e+400]",
            "x[5m:1e30]",
            "x offset -1e30",
            "x[5m] offset 1e30",
        ] {
            let err = parse(q).unwrap_err();
            assert!(err.message.contains("out of range"), "{q}: {err}");
        }
        assert!(parse("x[1e3]").is_ok());
    }

    #[test]
    fn deep_nesting_is_an_error_not_a_stack_overflow() {
        for query in [
            format!("{}x{}", "(".repeat(5000), ")".repeat(5000)),
            format!("{}x", "-".repeat(5000)),
            format!("{}x", "x + ".repeat(5000)),
            format!("{}x{}", "sum(".repeat(5000), ")".repeat(5000)),
            format!("{}x", "x or ".repeat(5000)),
        ] {
            let err = parse(&query).unwrap_err();
            assert!(err.message.contains("too deeply nested"), "{}", err.message);
        }
        // Matchers do not count: a long selector is fine.
        let matchers: Vec<String> = (0..2000).map(|i| format!("l{i}=\"v\"")).collect();
        assert!(parse(&format!("x{{{}}}", matchers.join(","))).is_ok());
        assert!(parse(&format!("{}x{}", "(".repeat(500), ")".repeat(500))).is_ok());
    }

    #[test]
    fn parsed_expression_has_placeholders() {
        let expr = parse("rate(x{app=~\"$app\"}[$__rate_interval])").unwrap();
        assert_eq!(expr.to_string(), "rate(x{app=~\"__grafana_var_app\"}[5m])");
    }
}
