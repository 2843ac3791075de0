//! Which labels a PromQL expression's result can carry, for checking that a
//! panel's `legendFormat` only refers to labels that exist.
//!
//! Everything here errs towards [`OutputLabels::Any`]: a lint that cries wolf
//! gets disabled, so an unknown construct must never produce a report.

use std::collections::BTreeSet;

use promql_parser::label::{MatchOp, Matchers};
use promql_parser::parser::value::ValueType;
use promql_parser::parser::{
    AggregateExpr, BinaryExpr, Call, Expr, LabelModifier, VectorMatchCardinality,
};

use super::substitute::is_var_placeholder;

/// Which labels survive the outermost operation of an expression.
///
/// ```
/// use dashboard_query::promql::{output_labels, parse, OutputLabels};
///
/// let expr = parse("sum by (executor_id) (rate(x[$__rate_interval]))").unwrap();
/// assert_eq!(output_labels(&expr), OutputLabels::Only(["executor_id".to_string()].into()));
/// assert!(output_labels(&expr).may_contain("executor_id"));
/// assert!(!output_labels(&expr).may_contain("application_name"));
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum OutputLabels {
    /// Nothing is known: any label may be present.
    Any,
    /// At most these labels are present.
    Only(BTreeSet<String>),
    /// Any label except these may be present.
    AllExcept(BTreeSet<String>),
}

impl OutputLabels {
    /// Whether `label` can appear on a result series. `false` means the label
    /// is certainly absent.
    ///
    /// ```
    /// use dashboard_query::promql::OutputLabels;
    ///
    /// assert!(OutputLabels::Any.may_contain("job"));
    /// assert!(!OutputLabels::AllExcept(["le".to_string()].into()).may_contain("le"));
    /// ```
    pub fn may_contain(&self, label: &str) -> bool {
        match self {
            OutputLabels::Any => true,
            OutputLabels::Only(set) => set.contains(label),
            OutputLabels::AllExcept(set) => !set.contains(label),
        }
    }

    /// Labels a legendFormat uses that a result with these labels cannot carry.
    ///
    /// ```
    /// use dashboard_query::promql::OutputLabels;
    ///
    /// let by_executor = OutputLabels::Only(["executor_id".to_string()].into());
    /// assert_eq!(by_executor.missing_from_legend("{{executor_id}} {{job}}"), ["job"]);
    /// ```
    pub fn missing_from_legend(&self, legend: &str) -> Vec<String> {
        let mut missing: Vec<String> = Vec::new();
        for l in legend_label_refs(legend) {
            if l != "__name__" && !self.may_contain(l) && !missing.iter().any(|m| m == l) {
                missing.push(l.to_string());
            }
        }
        missing
    }

    fn none() -> Self {
        OutputLabels::Only(BTreeSet::new())
    }

    /// The result of `by (keep)` / `on (keep)`: what survives is at most
    /// `keep`, and only what the input could carry.
    fn keep_only(self, keep: &[String]) -> Self {
        // `by ($label)` keeps a label chosen on the dashboard, which may be
        // any of the input's labels, so nothing more is known.
        if keep.iter().any(|l| is_var_placeholder(l)) {
            return self;
        }
        let kept = keep
            .iter()
            .filter(|l| self.may_contain(l))
            .cloned()
            .collect();
        OutputLabels::Only(kept)
    }

    fn remove<'a>(self, labels: impl IntoIterator<Item = &'a String>) -> Self {
        // Removing a dashboard-chosen label might remove any label; keeping
        // the others as possible is the conservative reading.
        let labels = labels.into_iter().filter(|l| !is_var_placeholder(l));
        match self {
            OutputLabels::Any => OutputLabels::AllExcept(labels.cloned().collect()),
            OutputLabels::Only(mut set) => {
                for l in labels {
                    set.remove(l);
                }
                OutputLabels::Only(set)
            }
            OutputLabels::AllExcept(mut set) => {
                set.extend(labels.cloned());
                OutputLabels::AllExcept(set)
            }
        }
    }

    fn add<'a>(self, labels: impl IntoIterator<Item = &'a String>) -> Self {
        let labels: Vec<&String> = labels.into_iter().collect();
        if labels.iter().any(|l| is_var_placeholder(l)) {
            return OutputLabels::Any;
        }
        match self {
            OutputLabels::Any => OutputLabels::Any,
            OutputLabels::Only(mut set) => {
                set.extend(labels.into_iter().cloned());
                OutputLabels::Only(set)
            }
            OutputLabels::AllExcept(mut set) => {
                for l in labels {
                    set.remove(l);
                }
                OutputLabels::AllExcept(set)
            }
        }
    }

    fn union(self, other: Self) -> Self {
        use OutputLabels::{AllExcept, Any, Only};
        match (self, other) {
            (Any, _) | (_, Any) => Any,
            (Only(mut a), Only(b)) => {
                a.extend(b);
                Only(a)
            }
            (Only(only), AllExcept(except)) | (AllExcept(except), Only(only)) => {
                AllExcept(except.difference(&only).cloned().collect())
            }
            (AllExcept(a), AllExcept(b)) => AllExcept(a.intersection(&b).cloned().collect()),
        }
    }
}

/// Which labels survive the outermost operation of `expr`.
///
/// Aggregations keep their `by` labels (or drop their `without` labels),
/// label-preserving functions such as `rate` or `abs` pass their input's
/// labels through, `histogram_quantile` drops `le`, `label_replace` and
/// `label_join` add their destination label, and vector matching follows
/// Prometheus' `on`/`ignoring`/`group_left`/`group_right` rules. Selectors
/// and anything not modelled give [`OutputLabels::Any`]. `__name__` is not
/// modelled; callers should not draw conclusions about it.
///
/// ```
/// use dashboard_query::promql::{output_labels, parse, OutputLabels};
///
/// let expr = parse("histogram_quantile(0.99, sum without (pod) (rate(x_bucket[5m])))").unwrap();
/// assert_eq!(
///     output_labels(&expr),
///     OutputLabels::AllExcept(["le".to_string(), "pod".to_string()].into()),
/// );
/// ```
pub fn output_labels(expr: &Expr) -> OutputLabels {
    match expr {
        Expr::Aggregate(agg) => aggregate(agg),
        Expr::Unary(u) => output_labels(&u.expr),
        Expr::Binary(b) => binary(b),
        Expr::Paren(p) => output_labels(&p.expr),
        Expr::Subquery(s) => output_labels(&s.expr),
        Expr::NumberLiteral(_) | Expr::StringLiteral(_) => OutputLabels::none(),
        Expr::Call(call) => function(call),
        Expr::VectorSelector(_) | Expr::MatrixSelector(_) | Expr::Extension(_) => OutputLabels::Any,
    }
}

fn grouped(inner: OutputLabels, modifier: Option<&LabelModifier>) -> OutputLabels {
    match modifier {
        None => OutputLabels::none(),
        Some(LabelModifier::Include(by)) => inner.keep_only(&by.labels),
        Some(LabelModifier::Exclude(without)) => inner.remove(&without.labels),
    }
}

fn aggregate(agg: &AggregateExpr) -> OutputLabels {
    let inner = output_labels(&agg.expr);
    match agg.op.to_string().as_str() {
        // These select series rather than combine them; `by` only chooses
        // the groups they select within.
        "topk" | "bottomk" | "limitk" | "limit_ratio" => inner,
        "count_values" => {
            let grouped = grouped(inner, agg.modifier.as_ref());
            match agg.param.as_deref() {
                Some(Expr::StringLiteral(s)) => grouped.add([&s.val]),
                _ => OutputLabels::Any,
            }
        }
        "sum" | "avg" | "min" | "max" | "count" | "stddev" | "stdvar" | "group" | "quantile" => {
            grouped(inner, agg.modifier.as_ref())
        }
        _ => OutputLabels::Any,
    }
}

fn binary(b: &BinaryExpr) -> OutputLabels {
    let (lt, rt) = (b.lhs.value_type(), b.rhs.value_type());
    match (lt, rt) {
        (ValueType::Scalar, ValueType::Scalar) => return OutputLabels::none(),
        (ValueType::Scalar, _) => return output_labels(&b.rhs),
        (_, ValueType::Scalar) => return output_labels(&b.lhs),
        _ => {}
    }
    if b.op.is_set_operator() {
        return match b.op.to_string().as_str() {
            "or" => output_labels(&b.lhs).union(output_labels(&b.rhs)),
            // `and`/`unless` filter the left side without changing it.
            _ => output_labels(&b.lhs),
        };
    }
    let modifier = b.modifier.as_ref();
    match modifier.map(|m| &m.card) {
        // group_left/group_right keep the "many" side's labels untouched and
        // copy the listed ones from the "one" side.
        Some(VectorMatchCardinality::ManyToOne(extra)) => output_labels(&b.lhs).add(&extra.labels),
        Some(VectorMatchCardinality::OneToMany(extra)) => output_labels(&b.rhs).add(&extra.labels),
        _ => {
            let lhs = output_labels(&b.lhs);
            match modifier.and_then(|m| m.matching.as_ref()) {
                Some(LabelModifier::Include(on)) => lhs.keep_only(&on.labels),
                Some(LabelModifier::Exclude(ignoring)) => lhs.remove(&ignoring.labels),
                None => lhs,
            }
        }
    }
}

/// Functions whose result carries exactly the labels of their vector or
/// matrix argument (minus `__name__`, which is not modelled).
const LABEL_PRESERVING: &[&str] = &[
    "abs",
    "acos",
    "acosh",
    "asin",
    "asinh",
    "atan",
    "atanh",
    "ceil",
    "changes",
    "clamp",
    "clamp_max",
    "clamp_min",
    "cos",
    "cosh",
    "deg",
    "delta",
    "deriv",
    "double_exponential_smoothing",
    "exp",
    "floor",
    "histogram_avg",
    "histogram_count",
    "histogram_fraction",
    "histogram_stddev",
    "histogram_stdvar",
    "histogram_sum",
    "holt_winters",
    "idelta",
    "increase",
    "irate",
    "ln",
    "log10",
    "log2",
    "predict_linear",
    "rad",
    "rate",
    "resets",
    "round",
    "sgn",
    "sin",
    "sinh",
    "sort",
    "sort_by_label",
    "sort_by_label_desc",
    "sort_desc",
    "sqrt",
    "tan",
    "tanh",
    "timestamp",
];

/// Date functions default to `vector(time())` without an argument.
const DATE_FUNCTIONS: &[&str] = &[
    "day_of_month",
    "day_of_week",
    "day_of_year",
    "days_in_month",
    "hour",
    "minute",
    "month",
    "year",
];

fn first_series_arg(call: &Call) -> Option<&Expr> {
    call.args
        .args
        .iter()
        .map(|a| a.as_ref())
        .find(|a| matches!(a.value_type(), ValueType::Vector | ValueType::Matrix))
}

fn string_arg(call: &Call, index: usize) -> Option<&String> {
    match call.args.args.get(index).map(|a| a.as_ref()) {
        Some(Expr::StringLiteral(s)) => Some(&s.val),
        _ => None,
    }
}

fn function(call: &Call) -> OutputLabels {
    let name = call.func.name;
    let args = &call.args.args;
    match name {
        "label_replace" | "label_join" => match (args.first(), string_arg(call, 1)) {
            (Some(inner), Some(dst)) => output_labels(inner).add([dst]),
            _ => OutputLabels::Any,
        },
        "histogram_quantile" => match args.get(1) {
            Some(inner) => output_labels(inner).remove([&"le".to_string()]),
            None => OutputLabels::Any,
        },
        "absent" | "absent_over_time" => match args.first().map(|a| a.as_ref()) {
            Some(Expr::VectorSelector(vs)) => absent_labels(&vs.matchers),
            Some(Expr::MatrixSelector(ms)) => absent_labels(&ms.vs.matchers),
            Some(_) => OutputLabels::none(),
            None => OutputLabels::Any,
        },
        "vector" | "time" | "scalar" | "pi" => OutputLabels::none(),
        _ if DATE_FUNCTIONS.contains(&name) => match args.first() {
            Some(inner) => output_labels(inner),
            None => OutputLabels::none(),
        },
        _ if LABEL_PRESERVING.contains(&name)
            || (name.ends_with("_over_time") && name != "absent_over_time") =>
        {
            first_series_arg(call).map_or(OutputLabels::Any, output_labels)
        }
        _ => OutputLabels::Any,
    }
}

/// Mirrors Prometheus' `createLabelsForAbsentFunction`: equality matchers
/// become labels, but a label matched more than once (or not by equality)
/// is dropped again.
fn absent_labels(matchers: &Matchers) -> OutputLabels {
    if !matchers.or_matchers.is_empty() {
        return OutputLabels::Any;
    }
    let mut labels = BTreeSet::new();
    let mut seen = BTreeSet::new();
    for m in &matchers.matchers {
        if m.name == "__name__" {
            continue;
        }
        if is_var_placeholder(&m.name) {
            return OutputLabels::Any;
        }
        if matches!(m.op, MatchOp::Equal) && !seen.contains(&m.name) {
            labels.insert(m.name.clone());
        } else {
            labels.remove(&m.name);
        }
        seen.insert(m.name.clone());
    }
    OutputLabels::Only(labels)
}

/// Label names used by a Grafana `legendFormat`, in order of first use.
///
/// ```
/// assert_eq!(
///     dashboard_query::promql::legend_labels("{{executor_id}} / {{ application_name }}"),
///     ["executor_id", "application_name"],
/// );
/// assert!(dashboard_query::promql::legend_labels("__auto").is_empty());
/// ```
pub fn legend_labels(legend: &str) -> Vec<String> {
    let mut labels: Vec<String> = Vec::new();
    for label in legend_label_refs(legend) {
        if !labels.iter().any(|l| l == label) {
            labels.push(label.to_string());
        }
    }
    labels
}

/// Every `{{label}}` of a legend, borrowed, repeats included: [`legend_labels`] without
/// allocating, for the lint's check of every query.
fn legend_label_refs(legend: &str) -> impl Iterator<Item = &str> {
    let mut rest = legend;
    std::iter::from_fn(move || loop {
        let open = rest.find("{{")?;
        let after_open = &rest[open + 2..];
        let close = after_open.find("}}")?;
        let label = after_open[..close].trim();
        rest = &after_open[close + 2..];
        if !label.is_empty() {
            return Some(label);
        }
    })
}

/// Labels used in `legend` that `expr` certainly cannot carry; empty means
/// the legend is fine (or that nothing could be proven).
///
/// `__name__` is never reported because which operations keep it is not
/// modelled.
///
/// ```
/// use dashboard_query::promql::{missing_legend_labels, parse};
///
/// let expr = parse(r#"sum by (executor_id) (rate(metrics_executor_totalGCTime_seconds_total{application_name=~"$app"}[$__rate_interval]))"#).unwrap();
/// assert!(missing_legend_labels(&expr, "{{executor_id}}").is_empty());
/// assert_eq!(missing_legend_labels(&expr, "{{application_name}} {{executor_id}}"), ["application_name"]);
/// ```
pub fn missing_legend_labels(expr: &Expr, legend: &str) -> Vec<String> {
    output_labels(expr).missing_from_legend(legend)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::promql::parse;

    fn labels(query: &str) -> OutputLabels {
        let expr = parse(query).unwrap_or_else(|e| panic!("{query}: {e}"));
        output_labels(&expr)
    }

    fn set(labels: &[&str]) -> BTreeSet<String> {
        labels.iter().map(|l| l.to_string()).collect()
    }

    fn only(labels: &[&str]) -> OutputLabels {
        OutputLabels::Only(set(labels))
    }

    fn all_except(labels: &[&str]) -> OutputLabels {
        OutputLabels::AllExcept(set(labels))
    }

    const GC: &str = r#"metrics_executor_totalGCTime_seconds_total{application_name=~"$app"}"#;

    #[test]
    fn selectors_are_unknown() {
        assert_eq!(labels(GC), OutputLabels::Any);
        assert_eq!(labels(&format!("{GC}[5m]")), OutputLabels::Any);
    }

    #[test]
    fn aggregations_by() {
        for op in [
            "sum", "avg", "min", "max", "count", "stddev", "stdvar", "group",
        ] {
            assert_eq!(
                labels(&format!(
                    "{op} by (executor_id, application_name) (rate({GC}[$__rate_interval]))"
                )),
                only(&["application_name", "executor_id"]),
                "{op}"
            );
        }
        assert_eq!(
            labels(&format!("sum(rate({GC}[5m])) by (executor_id)")),
            only(&["executor_id"])
        );
        assert_eq!(labels("quantile by (job) (0.9, x)"), only(&["job"]));
    }

    #[test]
    fn aggregation_without_grouping_drops_everything() {
        assert_eq!(labels(&format!("sum({GC})")), only(&[]));
        assert_eq!(labels("sum by () (x)"), only(&[]));
    }

    #[test]
    fn by_keeps_only_labels_the_input_has() {
        assert_eq!(labels("sum by (a) (sum by (b) (x))"), only(&[]));
        assert_eq!(labels("sum by (a, b) (sum by (b) (x))"), only(&["b"]));
    }

    #[test]
    fn aggregations_without() {
        assert_eq!(labels("sum without (pod) (x)"), all_except(&["pod"]));
        assert_eq!(
            labels("max without (instance) (sum without (pod) (x))"),
            all_except(&["instance", "pod"])
        );
        assert_eq!(labels("sum without (b) (sum by (a, b) (x))"), only(&["a"]));
    }

    #[test]
    fn count_values_adds_its_label() {
        assert_eq!(
            labels(r#"count_values("version", x) by (job)"#),
            only(&["job", "version"])
        );
        assert_eq!(labels(r#"count_values("version", x)"#), only(&["version"]));
    }

    #[test]
    fn selecting_aggregations_keep_input_labels() {
        assert_eq!(
            labels(&format!("topk($n, sum by (executor_id) ({GC}))")),
            only(&["executor_id"])
        );
        assert_eq!(
            labels("bottomk by (job) (3, sum by (job, pod) (x))"),
            only(&["job", "pod"])
        );
        assert_eq!(labels("topk(5, x)"), OutputLabels::Any);
    }

    #[test]
    fn label_preserving_functions() {
        for f in [
            "rate",
            "irate",
            "increase",
            "delta",
            "avg_over_time",
            "max_over_time",
            "last_over_time",
        ] {
            assert_eq!(
                labels(&format!("{f}(sum by (a) (x)[5m:])")),
                only(&["a"]),
                "{f}"
            );
        }
        for f in ["abs", "round", "ceil", "floor", "sqrt", "sort_desc"] {
            assert_eq!(labels(&format!("{f}(sum by (a) (x))")), only(&["a"]), "{f}");
        }
        assert_eq!(labels("clamp_min(sum by (a) (x), 0)"), only(&["a"]));
        assert_eq!(labels("clamp(sum by (a) (x), $lo, $hi)"), only(&["a"]));
        assert_eq!(
            labels("quantile_over_time(0.9, sum by (a) (x)[5m:])"),
            only(&["a"])
        );
        assert_eq!(labels("rate(x[5m])"), OutputLabels::Any);
    }

    #[test]
    fn histogram_quantile_drops_le() {
        assert_eq!(
            labels("histogram_quantile(0.99, sum by (le, job) (rate(x_bucket[5m])))"),
            only(&["job"])
        );
        assert_eq!(
            labels("histogram_quantile(0.99, rate(x_bucket[5m]))"),
            all_except(&["le"])
        );
    }

    #[test]
    fn label_replace_and_join_add_destination() {
        assert_eq!(
            labels(r#"label_replace(sum by (a) (x), "short", "$1", "a", "(.*)-.*")"#),
            only(&["a", "short"])
        );
        assert_eq!(
            labels(r#"label_join(sum by (a, b) (x), "ab", "-", "a", "b")"#),
            only(&["a", "ab", "b"])
        );
        assert_eq!(
            labels(r#"label_replace(sum by (a) (x), "$dst", "$1", "a", "(.*)")"#),
            OutputLabels::Any
        );
    }

    #[test]
    fn scalars_and_constants_have_no_labels() {
        for q in [
            "vector(1)",
            "time()",
            "scalar(x)",
            "1",
            "\"s\"",
            "-1",
            "(2 * 3)",
            "pi()",
        ] {
            assert_eq!(labels(q), only(&[]), "{q}");
        }
    }

    #[test]
    fn date_functions() {
        assert_eq!(labels("hour()"), only(&[]));
        assert_eq!(labels("hour(sum by (a) (x))"), only(&["a"]));
    }

    #[test]
    fn absent_uses_equality_matchers() {
        assert_eq!(
            labels(r#"absent(up{job="spark", instance=~".*"})"#),
            only(&["job"])
        );
        assert_eq!(
            labels(r#"absent(up{job="a", job="b", app="x"})"#),
            only(&["app"])
        );
        assert_eq!(
            labels(r#"absent_over_time(up{job="spark"}[5m])"#),
            only(&["job"])
        );
        assert_eq!(labels("absent(sum(up))"), only(&[]));
        assert_eq!(labels(r#"absent(up{app="$app"})"#), only(&["app"]));
    }

    #[test]
    fn parens_and_unary_pass_through() {
        assert_eq!(labels("-(sum by (a) (x))"), only(&["a"]));
        assert_eq!(labels("((sum by (a) (x)))"), only(&["a"]));
    }

    #[test]
    fn vector_matching() {
        assert_eq!(
            labels("sum by (a, b) (x) / on (a) sum by (a, c) (y)"),
            only(&["a"])
        );
        assert_eq!(labels("x / on (a, b) y"), only(&["a", "b"]));
        assert_eq!(
            labels("sum by (a, b) (x) / ignoring (b) sum by (a) (y)"),
            only(&["a"])
        );
        assert_eq!(labels("x / ignoring (pod) y"), all_except(&["pod"]));
        assert_eq!(
            labels("sum by (a, b) (x) * on (a) group_left (c) sum by (a, c) (y)"),
            only(&["a", "b", "c"])
        );
        assert_eq!(
            labels("sum by (a) (x) * on (a) group_right (c) sum by (a, d) (y)"),
            only(&["a", "c", "d"])
        );
        assert_eq!(labels("sum by (a) (x) / sum by (a, b) (y)"), only(&["a"]));
        assert_eq!(labels("sum by (a) (x) > bool sum by (a) (y)"), only(&["a"]));
    }

    #[test]
    fn scalar_operands_take_the_vector_side() {
        assert_eq!(labels("sum by (a) (x) * 100"), only(&["a"]));
        assert_eq!(labels("100 * sum by (a) (x)"), only(&["a"]));
        assert_eq!(labels("sum by (a) (x) > 0"), only(&["a"]));
        assert_eq!(labels("1 + 2"), only(&[]));
    }

    #[test]
    fn set_operators() {
        assert_eq!(labels("sum by (a) (x) and sum by (b) (y)"), only(&["a"]));
        assert_eq!(labels("sum by (a) (x) unless sum by (b) (y)"), only(&["a"]));
        assert_eq!(
            labels("sum by (a) (x) or sum by (b) (y)"),
            only(&["a", "b"])
        );
        assert_eq!(labels("sum by (a) (x) or y"), OutputLabels::Any);
        assert_eq!(
            labels("sum without (a) (x) or sum by (a) (y)"),
            all_except(&[])
        );
    }

    #[test]
    fn grafana_variables_in_label_lists_are_unknown_labels() {
        assert_eq!(labels("sum by ($group) (x)"), OutputLabels::Any);
        assert_eq!(
            labels("sum by (a, $group) (sum by (a, b) (x))"),
            only(&["a", "b"])
        );
        assert_eq!(labels("sum without ($drop) (x)"), all_except(&[]));
        assert_eq!(
            labels("x * on (a) group_left ($extra) y"),
            OutputLabels::Any
        );
        assert_eq!(labels(r#"count_values("$l", x) by (a)"#), OutputLabels::Any);
    }

    #[test]
    fn unknown_functions_are_any() {
        assert_eq!(labels("info(sum by (a) (x))"), OutputLabels::Any);
    }

    #[test]
    fn legend_label_extraction() {
        assert_eq!(
            legend_labels("{{executor_id}} / {{ application_name }} {{executor_id}}"),
            ["executor_id", "application_name"]
        );
        assert_eq!(legend_labels("{{}} {{ }} {{a"), Vec::<String>::new());
        assert_eq!(
            legend_labels("exec {{ executor_id}}: $app"),
            ["executor_id"]
        );
    }

    #[test]
    fn missing_legend_labels_reports_only_certain_absence() {
        let expr = parse(&format!(
            "sum by (executor_id) (rate({GC}[$__rate_interval]))"
        ))
        .unwrap();
        assert!(missing_legend_labels(&expr, "{{executor_id}}").is_empty());
        assert_eq!(
            missing_legend_labels(
                &expr,
                "{{application_name}} - {{executor_id}} - {{__name__}}"
            ),
            ["application_name"]
        );
        let raw = parse(&format!("rate({GC}[5m])")).unwrap();
        assert!(missing_legend_labels(&raw, "{{anything}}").is_empty());
    }
}
