//! Checking the PromQL embedded in Prometheus variable queries such as
//! `label_values(metric{app="$app"}, executor_id)`.
//!
//! Grafana's Prometheus datasource understands four query functions for
//! variables; anything else is either a different datasource's query or a
//! custom/constant value, so it is left alone.

use dashboard_promql::Expr;

use crate::util::is_grafana_identifier;

/// Checks a variable query; `Err` holds the message to show on the literal.
pub(crate) fn check_variable_query(query: &str) -> Result<(), String> {
    let trimmed = query.trim();
    let name_len = trimmed
        .bytes()
        .take_while(|b| b.is_ascii_alphanumeric() || *b == b'_')
        .count();
    let (name, rest) = trimmed.split_at(name_len);
    let usage = match name {
        "label_values" => "label_values(<selector>, <label>) or label_values(<label>)",
        "label_names" => "label_names() or label_names(<selector>)",
        "query_result" => "query_result(<PromQL>)",
        "metrics" => "metrics(<regex>)",
        _ => return Ok(()),
    };
    let Some(args) = rest
        .trim_start()
        .strip_prefix('(')
        .and_then(|r| r.strip_suffix(')'))
    else {
        return Err(format!(
            "variable query `{trimmed}` is not a complete call; expected {usage}"
        ));
    };
    let args = args.trim();
    match name {
        "label_values" => match split_last_argument(args) {
            Some((selector, label)) => {
                check_selector(name, selector.trim())?;
                check_label(label.trim(), usage)
            }
            None => check_label(args, usage),
        },
        "label_names" if args.is_empty() => Ok(()),
        "label_names" => check_selector(name, args),
        "query_result" if args.is_empty() => Err(format!(
            "query_result() needs a PromQL expression; expected {usage}"
        )),
        "query_result" => dashboard_promql::parse(args)
            .map(drop)
            .map_err(|e| invalid("invalid PromQL in query_result", args, &e)),
        _ => check_metric_regex(args, usage),
    }
}

fn invalid(prefix: &str, text: &str, error: &dashboard_promql::ParseError) -> String {
    crate::promql::invalid_promql_message(prefix, text, error)
}

/// Grafana sends these to the series API as `match[]`, which only accepts a
/// series selector, not an arbitrary expression.
fn check_selector(function: &str, selector: &str) -> Result<(), String> {
    match dashboard_promql::parse(selector) {
        Ok(Expr::VectorSelector(_)) => Ok(()),
        Ok(_) => Err(format!(
            "{function} expects a series selector such as `metric{{label=\"value\"}}`, \
             not the expression `{selector}`; use query_result(...) for expressions"
        )),
        Err(e) => Err(invalid(
            &format!("invalid PromQL in the {function} selector"),
            selector,
            &e,
        )),
    }
}

fn check_label(label: &str, usage: &str) -> Result<(), String> {
    // A label chosen by another variable (`$group`) is only known on the
    // dashboard; anything else must be a literal label name.
    if is_grafana_identifier(label) || !dashboard_promql::scan(label).is_empty() {
        Ok(())
    } else {
        Err(format!("`{label}` is not a label name; expected {usage}"))
    }
}

fn check_metric_regex(regex: &str, usage: &str) -> Result<(), String> {
    if regex.is_empty() {
        return Err(format!("metrics() needs a regex; expected {usage}"));
    }
    if regex.contains('`') {
        // Cannot be embedded in a raw PromQL string; Grafana will report it.
        return Ok(());
    }
    // A regex matcher on `__name__` makes promql-parser compile the regex
    // with the same engine family Prometheus uses.
    let selector = format!("{{__name__=~`{regex}`}}");
    dashboard_promql::parse(&selector)
        .map(drop)
        .map_err(|e| format!("invalid regex in metrics(): {}", e.message))
}

/// Splits `args` at its last top-level comma (outside brackets and string
/// literals), so that `x{a="1,2", b="3"}, label` splits before `label`.
/// With unbalanced brackets there is no top level; the last comma outside
/// strings is used so the selector's own error gets reported.
fn split_last_argument(args: &str) -> Option<(&str, &str)> {
    let mut depth = 0usize;
    let mut quote = None;
    let mut escaped = false;
    let mut last = None;
    let mut last_nested = None;
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
            ',' => last_nested = Some(i),
            _ => {}
        }
    }
    let split = if depth == 0 {
        last
    } else {
        last.max(last_nested)
    };
    split.map(|i| (&args[..i], &args[i + 1..]))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accepts_valid_queries() {
        for q in [
            "label_values(metrics_executor_activeTasks, application_name)",
            r#"label_values(metrics_executor_activeTasks{application_name=~"$app", x="a,b"}, executor_id)"#,
            r#"label_values({__name__=~"metrics_.*"}, $label)"#,
            "label_values(application_name)",
            "  label_values ( job ) ",
            "label_names()",
            r#"label_names(up{job="spark"})"#,
            r#"query_result(topk(5, sum by (application_name) (rate(x{a=~"$app"}[$__range]))))"#,
            "metrics(metrics_executor_.*)",
            "metrics(^spark_(driver|executor)_.*$)",
            // Not a Prometheus variable function: left alone.
            "0.5,0.9,0.99",
            "label_value(x)",
            "",
        ] {
            assert_eq!(check_variable_query(q), Ok(()), "{q}");
        }
    }

    #[test]
    fn rejects_invalid_selector() {
        let err = check_variable_query("label_values(x{a=\"b\", executor_id)").unwrap_err();
        assert!(
            err.starts_with("invalid PromQL in the label_values selector: "),
            "{err}"
        );
    }

    #[test]
    fn rejects_expressions_where_a_selector_is_needed() {
        let err = check_variable_query("label_values(sum by (a) (x), a)").unwrap_err();
        assert!(err.contains("expects a series selector"), "{err}");
        let err = check_variable_query("label_names(rate(x[5m]))").unwrap_err();
        assert!(err.contains("expects a series selector"), "{err}");
    }

    #[test]
    fn rejects_bad_labels_and_calls() {
        let err = check_variable_query("label_values(x, executor-id)").unwrap_err();
        assert_eq!(
            err,
            "`executor-id` is not a label name; expected \
             label_values(<selector>, <label>) or label_values(<label>)"
        );
        let err = check_variable_query("label_values(x, a").unwrap_err();
        assert!(err.contains("is not a complete call"), "{err}");
        assert!(check_variable_query("query_result()").is_err());
        assert!(check_variable_query("metrics()").is_err());
    }

    #[test]
    fn rejects_invalid_query_result_and_regex() {
        let err = check_variable_query("query_result(sum(x)").unwrap_err();
        assert!(err.starts_with("invalid PromQL in query_result: "), "{err}");
        let err = check_variable_query("metrics(spark_(.*)").unwrap_err();
        assert!(err.starts_with("invalid regex in metrics(): "), "{err}");
    }

    #[test]
    fn splits_at_last_top_level_comma() {
        assert_eq!(
            split_last_argument(r#"x{a="1,2", b='3,'}, label"#),
            Some((r#"x{a="1,2", b='3,'}"#, " label"))
        );
        assert_eq!(split_last_argument("label"), None);
        assert_eq!(
            split_last_argument(r#"x{a="b", executor_id"#),
            Some((r#"x{a="b""#, " executor_id"))
        );
        assert_eq!(
            split_last_argument(r#"x{a="\",", b="c"}, l"#).map(|p| p.1),
            Some(" l")
        );
    }
}
