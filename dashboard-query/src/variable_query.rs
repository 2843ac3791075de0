//! Grafana's grammar for Prometheus variable queries: `label_values(...)`,
//! `label_names(...)`, `metrics(...)`, `query_result(...)`, and anything else.
//!
//! The grammar is Grafana's own, regex for regex (`PrometheusLabelNamesRegex` and its
//! siblings in `public/app/plugins/datasource/prometheus/migrations/variableMigration.ts`,
//! matched in that order by `metric_find_query.ts`): the function name must open the
//! query, the bracket must follow the name directly, the call must fit on one line and
//! only trailing whitespace is allowed after it. A query that looks like a call but
//! misses one of these is not an error in Grafana; it silently becomes a series query
//! that returns nothing, which is why [`parse`] reports it.
//!
//! The lint, `dashboard-validate` and the `#[derive(Variables)]` macro all read variable
//! queries through this one parser.
//!
//! ```
//! use dashboard_query::variable_query::{parse, VariableQuery};
//!
//! assert_eq!(
//!     parse(r#"label_values(up{job="spark"}, instance)"#).unwrap(),
//!     VariableQuery::LabelValues { selector: Some(r#"up{job="spark"}"#), label: "instance" },
//! );
//! assert_eq!(parse("up").unwrap(), VariableQuery::Series { expr: "up" });
//! assert!(parse("label_values (instance)").is_err());
//! ```

use std::fmt;

use crate::promql::{self, Expr};
use crate::template;

/// One Prometheus variable query, borrowed from the query text.
///
/// ```
/// use dashboard_query::variable_query::{parse, VariableQuery};
///
/// let q = parse("query_result(topk(5, up))").unwrap();
/// assert_eq!(q, VariableQuery::QueryResult { expr: "topk(5, up)" });
/// assert_eq!(q.promql(), Some("topk(5, up)"));
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum VariableQuery<'a> {
    /// `label_names()` or `label_names(<selector>)`: label names, from the labels API.
    LabelNames {
        /// The series selector sent as `match[]`, if any.
        selector: Option<&'a str>,
    },
    /// `label_values(<label>)` or `label_values(<selector>, <label>)`.
    LabelValues {
        /// The series selector sent as `match[]`, if any.
        selector: Option<&'a str>,
        /// The label whose values are listed: a name, or a variable that names one.
        label: &'a str,
    },
    /// `metrics(<regex>)`: metric names matching the regex.
    Metrics {
        /// The regex, as written.
        regex: &'a str,
    },
    /// `query_result(<PromQL>)`: one option per series of an instant query.
    QueryResult {
        /// The PromQL expression.
        expr: &'a str,
    },
    /// Anything else: Grafana lists the series the text selects. Empty for an empty query.
    Series {
        /// The text, trimmed.
        expr: &'a str,
    },
}

/// What kind of mistake a [`VariableQueryError`] is, so that a caller that checks
/// PromQL on its own can skip the PromQL errors.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ErrorKind {
    /// The text looks like a call of a variable function, but Grafana would not
    /// recognise it as one.
    Grammar,
    /// The PromQL inside the call does not parse.
    Promql,
    /// A function that needs a series selector got another expression.
    NotASelector,
    /// The regex of `metrics(...)` does not compile.
    Regex,
}

/// Why a variable query is wrong, in words that say how to fix it.
///
/// ```
/// let err = dashboard_query::variable_query::parse("label_values(x, executor-id)").unwrap_err();
/// assert_eq!(err.kind, dashboard_query::variable_query::ErrorKind::Grammar);
/// assert!(err.message.starts_with("`executor-id` is not a label name"));
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VariableQueryError {
    /// What is wrong and the expected form.
    pub message: String,
    /// The kind of mistake.
    pub kind: ErrorKind,
}

impl fmt::Display for VariableQueryError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for VariableQueryError {}

/// The functions, in the order Grafana tries them, with the usage shown in errors.
const FUNCTIONS: &[(&str, &str)] = &[
    ("label_names", "label_names() or label_names(<selector>)"),
    (
        "label_values",
        "label_values(<selector>, <label>) or label_values(<label>)",
    ),
    ("metrics", "metrics(<regex>)"),
    ("query_result", "query_result(<PromQL>)"),
];

fn grammar(message: String) -> VariableQueryError {
    VariableQueryError {
        message,
        kind: ErrorKind::Grammar,
    }
}

/// Reads a variable query as Grafana's Prometheus datasource does.
///
/// Errors are calls Grafana would not recognise (and would silently run as a series
/// query): leading whitespace, a space before the bracket, a missing bracket, a call
/// over several lines, an empty argument, a label that is not a label name.
///
/// ```
/// use dashboard_query::variable_query::{parse, VariableQuery};
///
/// assert_eq!(
///     parse(r#"label_values(x{a="1,2"}, $group)"#).unwrap(),
///     VariableQuery::LabelValues { selector: Some(r#"x{a="1,2"}"#), label: "$group" },
/// );
/// assert_eq!(parse("label_names()").unwrap(), VariableQuery::LabelNames { selector: None });
/// assert!(parse("  label_values(job)").unwrap_err().message.contains("leading whitespace"));
/// assert!(parse("query_result()").is_err());
/// ```
pub fn parse(query: &str) -> Result<VariableQuery<'_>, VariableQueryError> {
    let leading = query.trim_start();
    let name_len = leading
        .bytes()
        .take_while(|b| b.is_ascii_alphanumeric() || *b == b'_')
        .count();
    let (name, after_name) = leading.split_at(name_len);
    let Some(&(name, usage)) = FUNCTIONS.iter().find(|(f, _)| *f == name) else {
        return Ok(VariableQuery::Series { expr: query.trim() });
    };
    let Some(open) = after_name.trim_start().strip_prefix('(') else {
        // `metrics` alone, or `label_values + 1`: a metric that happens to be named so.
        return Ok(VariableQuery::Series { expr: query.trim() });
    };
    if leading.len() != query.len() {
        return Err(grammar(format!(
            "variable query `{}` starts with whitespace; Grafana only recognises `{name}(` \
             at the very start of the query: remove the leading whitespace",
            query.trim()
        )));
    }
    if !after_name.starts_with('(') {
        return Err(grammar(format!(
            "variable query `{}` has a space between `{name}` and `(`; Grafana does not \
             recognise the call then: write `{name}(`",
            query.trim()
        )));
    }
    let Some(args) = open.trim_end().strip_suffix(')') else {
        return Err(grammar(format!(
            "variable query `{}` is not a complete call; expected {usage}",
            query.trim()
        )));
    };
    if args.contains(['\n', '\r']) {
        return Err(grammar(format!(
            "variable query `{name}(...)` spans several lines; Grafana matches variable \
             functions on one line only: write it on a single line"
        )));
    }
    match name {
        "label_names" => Ok(VariableQuery::LabelNames {
            selector: Some(args.trim()).filter(|s| !s.is_empty()),
        }),
        "label_values" => label_values(args, usage),
        "metrics" if args.trim().is_empty() => Err(grammar(format!(
            "metrics() needs a regex; expected {usage}"
        ))),
        "metrics" => Ok(VariableQuery::Metrics { regex: args.trim() }),
        _ if args.trim().is_empty() => Err(grammar(format!(
            "query_result() needs a PromQL expression; expected {usage}"
        ))),
        _ => Ok(VariableQuery::QueryResult { expr: args.trim() }),
    }
}

/// Grafana's `label_values\((?:(.+),\s*)?([a-zA-Z_$][a-zA-Z0-9_]*)\)`: the label is the
/// name that closes the call, the selector everything before the comma in front of it.
fn label_values<'a>(args: &'a str, usage: &str) -> Result<VariableQuery<'a>, VariableQueryError> {
    let label_len = args
        .bytes()
        .rev()
        .take_while(|b| b.is_ascii_alphanumeric() || *b == b'_' || *b == b'$')
        .count();
    let (before, label) = args.split_at(args.len() - label_len);
    let starts_right = label
        .bytes()
        .next()
        .is_some_and(|b| b.is_ascii_alphabetic() || b == b'_' || b == b'$');
    let selector = before.trim_end().strip_suffix(',').map(str::trim);
    let is_variable =
        |text: &str| matches!(template::scan(text).as_slice(), [r] if r.range == (0..text.len()));
    match selector {
        _ if !starts_right || !(before.is_empty() || selector.is_some()) => {
            // `${group}` is a variable that names the label: Grafana replaces it before
            // matching, so it is a label name by the time the regex runs.
            let written = last_argument(args).trim();
            if is_variable(written) {
                let selector = args[..args.len() - last_argument(args).len()]
                    .trim_end()
                    .strip_suffix(',')
                    .map(str::trim);
                return Ok(VariableQuery::LabelValues {
                    selector: selector.filter(|s| !s.is_empty()),
                    label: written,
                });
            }
            Err(grammar(format!(
                "`{written}` is not a label name; expected {usage}"
            )))
        }
        Some("") => Err(grammar(format!(
            "label_values has an empty selector before `{label}`; expected {usage}"
        ))),
        selector => Ok(VariableQuery::LabelValues { selector, label }),
    }
}

/// The text after the last comma outside brackets and strings (all of `args` without
/// one), for naming what the user wrote as the label.
fn last_argument(args: &str) -> &str {
    let (mut depth, mut quote, mut escaped, mut last) = (0usize, None, false, None);
    for (i, c) in args.char_indices() {
        if let Some(q) = quote {
            if escaped {
                escaped = false;
            } else if c == '\\' && q != '`' {
                escaped = true;
            } else if c == q {
                quote = None;
            }
            continue;
        }
        match c {
            '"' | '\'' | '`' => quote = Some(c),
            '(' | '{' | '[' => depth += 1,
            ')' | '}' | ']' => depth = depth.saturating_sub(1),
            ',' if depth == 0 => last = Some(i),
            _ => {}
        }
    }
    last.map_or(args, |i| &args[i + 1..])
}

impl<'a> VariableQuery<'a> {
    /// The PromQL the query embeds and sends to Prometheus: a selector or an
    /// expression; `None` for `metrics(...)`, a selector-less call or an empty query.
    ///
    /// ```
    /// use dashboard_query::variable_query::parse;
    ///
    /// assert_eq!(parse("label_values(up{job=\"a\"}, instance)").unwrap().promql(), Some("up{job=\"a\"}"));
    /// assert_eq!(parse("label_values(instance)").unwrap().promql(), None);
    /// assert_eq!(parse("metrics(spark_.*)").unwrap().promql(), None);
    /// ```
    pub fn promql(&self) -> Option<&'a str> {
        match *self {
            VariableQuery::LabelNames { selector }
            | VariableQuery::LabelValues { selector, .. } => selector,
            VariableQuery::QueryResult { expr } => Some(expr),
            VariableQuery::Series { expr } => Some(expr).filter(|e| !e.is_empty()),
            VariableQuery::Metrics { .. } => None,
        }
    }

    /// Checks what is inside the call: selectors are series selectors, PromQL parses
    /// (Grafana variables allowed), the `metrics` regex compiles. A [`Series`] query
    /// is not checked, since it may belong to another datasource.
    ///
    /// [`Series`]: VariableQuery::Series
    ///
    /// ```
    /// use dashboard_query::variable_query::{parse, ErrorKind};
    ///
    /// assert!(parse("label_values(x{app=~\"$app\"}, executor_id)").unwrap().check().is_ok());
    /// let err = parse("label_names(rate(x[5m]))").unwrap().check().unwrap_err();
    /// assert_eq!(err.kind, ErrorKind::NotASelector);
    /// let err = parse("metrics(spark_(.*)").unwrap().check().unwrap_err();
    /// assert_eq!(err.kind, ErrorKind::Regex);
    /// ```
    pub fn check(&self) -> Result<(), VariableQueryError> {
        match *self {
            VariableQuery::LabelNames { selector } => {
                selector.map_or(Ok(()), |s| check_selector("label_names", s))
            }
            VariableQuery::LabelValues { selector, .. } => {
                selector.map_or(Ok(()), |s| check_selector("label_values", s))
            }
            VariableQuery::QueryResult { expr } => {
                promql::parse(expr)
                    .map(drop)
                    .map_err(|e| VariableQueryError {
                        message: e.explain("invalid PromQL in query_result", expr),
                        kind: ErrorKind::Promql,
                    })
            }
            VariableQuery::Metrics { regex } => check_metric_regex(regex),
            VariableQuery::Series { .. } => Ok(()),
        }
    }
}

/// Grafana sends these to the series API as `match[]`, which only accepts a series
/// selector, not an arbitrary expression.
fn check_selector(function: &str, selector: &str) -> Result<(), VariableQueryError> {
    match promql::parse(selector) {
        Ok(Expr::VectorSelector(_)) => Ok(()),
        Ok(_) => Err(VariableQueryError {
            message: format!(
                "{function} expects a series selector such as `metric{{label=\"value\"}}`, \
                 not the expression `{selector}`; use query_result(...) for expressions"
            ),
            kind: ErrorKind::NotASelector,
        }),
        Err(e) => Err(VariableQueryError {
            message: e.explain(
                &format!("invalid PromQL in the {function} selector"),
                selector,
            ),
            kind: ErrorKind::Promql,
        }),
    }
}

fn check_metric_regex(regex: &str) -> Result<(), VariableQueryError> {
    if regex.contains('`') {
        // Cannot be embedded in a raw PromQL string; Grafana will report it.
        return Ok(());
    }
    // A regex matcher on `__name__` makes promql-parser compile the regex with the
    // same engine family Prometheus uses.
    promql::parse(&format!("{{__name__=~`{regex}`}}"))
        .map(drop)
        .map_err(|e| VariableQueryError {
            message: format!("invalid regex in metrics(): {}", e.message),
            kind: ErrorKind::Regex,
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn checked(q: &str) -> Result<VariableQuery<'_>, VariableQueryError> {
        let parsed = parse(q)?;
        parsed.check().map(|()| parsed)
    }

    #[test]
    fn reads_every_function() {
        use VariableQuery::*;
        for (q, expected) in [
            (
                "label_values(metrics_executor_activeTasks, application_name)",
                LabelValues {
                    selector: Some("metrics_executor_activeTasks"),
                    label: "application_name",
                },
            ),
            (
                r#"label_values(x{application_name=~"$app", y="a,b"}, executor_id)"#,
                LabelValues {
                    selector: Some(r#"x{application_name=~"$app", y="a,b"}"#),
                    label: "executor_id",
                },
            ),
            (
                r#"label_values({__name__=~"metrics_.*"}, $label)"#,
                LabelValues {
                    selector: Some(r#"{__name__=~"metrics_.*"}"#),
                    label: "$label",
                },
            ),
            (
                "label_values(x, ${label})",
                LabelValues {
                    selector: Some("x"),
                    label: "${label}",
                },
            ),
            (
                "label_values(application_name)  ",
                LabelValues {
                    selector: None,
                    label: "application_name",
                },
            ),
            ("label_names()", LabelNames { selector: None }),
            (
                r#"label_names(up{job="spark"})"#,
                LabelNames {
                    selector: Some(r#"up{job="spark"}"#),
                },
            ),
            (
                "query_result(topk(5, sum by (a) (rate(x[$__range]))))",
                QueryResult {
                    expr: "topk(5, sum by (a) (rate(x[$__range])))",
                },
            ),
            (
                "metrics(^spark_(driver|executor)_.*$)",
                Metrics {
                    regex: "^spark_(driver|executor)_.*$",
                },
            ),
            (
                "0.5,0.9,0.99",
                Series {
                    expr: "0.5,0.9,0.99",
                },
            ),
            (
                "label_value(x)",
                Series {
                    expr: "label_value(x)",
                },
            ),
            ("metrics", Series { expr: "metrics" }),
            (
                "metrics_executor_activeTasks",
                Series {
                    expr: "metrics_executor_activeTasks",
                },
            ),
            ("", Series { expr: "" }),
        ] {
            assert_eq!(checked(q), Ok(expected), "{q}");
        }
    }

    #[test]
    fn calls_grafana_would_not_recognise_are_errors() {
        for (q, expected) in [
            ("  label_values(job)", "remove the leading whitespace"),
            ("label_values (job)", "write `label_values(`"),
            ("label_values(x, a", "is not a complete call"),
            ("query_result(sum(\n x))", "on a single line"),
            ("query_result()", "needs a PromQL expression"),
            ("metrics( )", "needs a regex"),
            ("label_values(, a)", "empty selector"),
        ] {
            let err = parse(q).unwrap_err();
            assert_eq!(err.kind, ErrorKind::Grammar, "{q}");
            assert!(err.message.contains(expected), "{q}: {err}");
        }
        let err = parse("label_values(x, executor-id)").unwrap_err();
        assert_eq!(
            err.message,
            "`executor-id` is not a label name; expected \
             label_values(<selector>, <label>) or label_values(<label>)"
        );
        let err = parse("label_values(x, 1abc)").unwrap_err();
        assert!(
            err.message.starts_with("`1abc` is not a label name"),
            "{err}"
        );
    }

    #[test]
    fn checks_what_is_inside() {
        let err = checked(r#"label_values(x{a="b", executor_id)"#).unwrap_err();
        assert_eq!(err.kind, ErrorKind::Promql);
        assert!(
            err.message
                .starts_with("invalid PromQL in the label_values selector: "),
            "{err}"
        );
        let err = checked("label_values(sum by (a) (x), a)").unwrap_err();
        assert_eq!(err.kind, ErrorKind::NotASelector);
        assert!(err.message.contains("expects a series selector"), "{err}");
        let err = checked("query_result(sum(x)").unwrap_err();
        assert!(
            err.message.starts_with("invalid PromQL in query_result: "),
            "{err}"
        );
        let err = checked("metrics(spark_(.*)").unwrap_err();
        assert!(
            err.message.starts_with("invalid regex in metrics(): "),
            "{err}"
        );
        // Another datasource's query is not PromQL's business.
        assert!(checked("{name=\"spark.job\"}").is_ok());
    }

    #[test]
    fn last_argument_skips_strings_and_brackets() {
        assert_eq!(last_argument(r#"x{a="1,2", b='3,'}, label"#), " label");
        assert_eq!(last_argument("label"), "label");
        assert_eq!(last_argument(r#"x{a="\",", b="c"}, l"#), " l");
    }
}
