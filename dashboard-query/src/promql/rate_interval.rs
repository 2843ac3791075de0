//! `rate`, `irate` and `increase` over a range that is not `$__rate_interval`.
//!
//! [`super::substitute`] gives every interval the same stand-in, `5m`, so once parsed
//! `[$__rate_interval]` and a literal `[5m]` look alike. [`parse_with_ranges`] first
//! replaces each variable written as a range (`[$__rate_interval]`, `[${window}]`,
//! `[[[window]]]`) with a duration of its own, counting down from `u32::MAX`
//! milliseconds (about 49.7 days, the longest range promql-parser accepts, which no
//! dashboard uses), then parses as [`super::parse`] does. Every range in the tree can
//! then be traced back to its text. The substitution itself is unchanged.
//!
//! ```
//! use dashboard_query::promql::parse_with_ranges;
//!
//! let q = parse_with_ranges("sum(rate(a_total[5m])) / sum(rate(b_total[$__rate_interval]))").unwrap();
//! let fixed = q.fixed_rate_ranges();
//! assert_eq!(fixed.len(), 1);
//! assert_eq!((fixed[0].function, fixed[0].metric.as_deref(), fixed[0].range.as_str()), ("rate", Some("a_total"), "5m"));
//! ```

use std::time::Duration;

use promql_parser::parser::Expr;
use promql_parser::util::duration::display_duration;

use super::walk::{children, metric_name, unparen};
use super::ParseError;
use crate::template::{is_ident_continue, scan};

/// The functions whose range should be `$__rate_interval`: Grafana sizes it to at
/// least four scrape intervals and to the panel's step, which a fixed range is not.
pub const RATE_FUNCTIONS: &[&str] = &["rate", "irate", "increase"];

/// The range variables that are right for [`RATE_FUNCTIONS`]: `$__rate_interval`, and
/// `$__range`, which covers the whole time range on purpose (a total, or an average
/// over what the dashboard shows) and so never falls below the scrape interval.
pub const RATE_RANGE_VARIABLES: &[&str] = &["__rate_interval", "__range"];

/// The first marker, in milliseconds; the k-th range variable gets `MARKER_MAX - k`.
const MARKER_MAX: u128 = u32::MAX as u128;
/// Range variables marked per query; any further ones keep the plain stand-in.
const MARKERS: usize = 1 << 16;

/// A parsed PromQL template that still knows which of its ranges were variables.
#[derive(Debug, Clone)]
pub struct RangedExpr {
    expr: Expr,
    /// The text of the k-th variable written as a range (`$__rate_interval`, `${w}`).
    range_vars: Vec<String>,
}

/// A call of one of [`RATE_FUNCTIONS`] whose range is neither `$__rate_interval` nor
/// `$__range`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FixedRange {
    /// `rate`, `irate` or `increase`.
    pub function: &'static str,
    /// The metric it reads, when the selector names one.
    pub metric: Option<String>,
    /// The range as written: a duration (`5m`) or the variable (`$__interval`, `${w}`).
    pub range: String,
}

/// Parses `template` as [`super::parse`] does, keeping track of the variables written as
/// ranges. Errors are [`super::parse`]'s own, positions included.
///
/// ```
/// let q = dashboard_query::promql::parse_with_ranges(r#"increase(x_total{app=~"$app"}[$__range])"#).unwrap();
/// assert!(q.fixed_rate_ranges().is_empty());
/// assert!(dashboard_query::promql::output_labels(q.expr()).may_contain("app"));
/// ```
pub fn parse_with_ranges(template: &str) -> Result<RangedExpr, ParseError> {
    let mut marked = String::with_capacity(template.len() + 16);
    let mut range_vars = Vec::new();
    let mut last = 0;
    for r in scan(template) {
        let opens_range = template[..r.range.start].trim_end().ends_with('[');
        let unit_follows = template
            .as_bytes()
            .get(r.range.end)
            .is_some_and(|&b| is_ident_continue(b));
        if !opens_range || unit_follows || range_vars.len() == MARKERS {
            continue;
        }
        marked.push_str(&template[last..r.range.start]);
        marked.push_str(&format!("{}ms", MARKER_MAX - range_vars.len() as u128));
        range_vars.push(template[r.range.clone()].to_string());
        last = r.range.end;
    }
    marked.push_str(&template[last..]);
    match super::parse(&marked) {
        Ok(expr) => Ok(RangedExpr { expr, range_vars }),
        // Report what the user wrote, not the markers.
        Err(marked_error) => Err(super::parse(template).err().unwrap_or(marked_error)),
    }
}

impl RangedExpr {
    /// The parsed expression. Its ranges that were variables hold marker durations; the
    /// rest is what [`super::parse`] returns.
    pub fn expr(&self) -> &Expr {
        &self.expr
    }

    /// Every `rate`, `irate` and `increase` over a range that is not `$__rate_interval`
    /// or `$__range`, in the order they are written. A subquery range
    /// (`rate(x[5m:1m])`) is not checked.
    ///
    /// ```
    /// let q = dashboard_query::promql::parse_with_ranges(
    ///     "irate(a_total[$__interval]) + rate((b_total[${w}])) + max_over_time(c[5m])",
    /// ).unwrap();
    /// let ranges: Vec<String> = q.fixed_rate_ranges().into_iter().map(|f| f.range).collect();
    /// assert_eq!(ranges, ["$__interval", "${w}"]);
    /// ```
    pub fn fixed_rate_ranges(&self) -> Vec<FixedRange> {
        let mut out = Vec::new();
        self.visit(&self.expr, &mut out);
        out
    }

    fn visit(&self, expr: &Expr, out: &mut Vec<FixedRange>) {
        if let Expr::Call(call) = expr {
            if RATE_FUNCTIONS.contains(&call.func.name) {
                for arg in &call.args.args {
                    let Expr::MatrixSelector(ms) = unparen(arg) else {
                        continue;
                    };
                    if let Some(range) = self.fixed(ms.range) {
                        out.push(FixedRange {
                            function: call.func.name,
                            metric: metric_name(&ms.vs).map(str::to_string),
                            range,
                        });
                    }
                }
            }
        }
        for child in children(expr) {
            self.visit(child, out);
        }
    }

    /// The range as written, unless it is one of [`RATE_RANGE_VARIABLES`].
    fn fixed(&self, range: Duration) -> Option<String> {
        let var = MARKER_MAX
            .checked_sub(range.as_millis())
            .and_then(|k| self.range_vars.get(usize::try_from(k).ok()?));
        match var {
            Some(text) => {
                let name = scan(text).into_iter().next().map(|r| r.name);
                (!name.is_some_and(|n| RATE_RANGE_VARIABLES.contains(&n.as_str())))
                    .then(|| text.clone())
            }
            None => Some(display_duration(&range)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fixed(q: &str) -> Vec<(&'static str, Option<String>, String)> {
        parse_with_ranges(q)
            .unwrap_or_else(|e| panic!("{q}: {e}"))
            .fixed_rate_ranges()
            .into_iter()
            .map(|f| (f.function, f.metric, f.range))
            .collect()
    }

    #[test]
    fn rate_interval_and_range_pass_in_every_spelling() {
        for q in [
            r#"sum by (executor_id) (rate(x_total{app=~"$app"}[$__rate_interval]))"#,
            "rate(x_total[${__rate_interval}])",
            "rate(x_total[[[__rate_interval]]])",
            "rate(x_total[ $__rate_interval ])",
            "increase(x_total[$__range])",
            "sum(rate(a_total[$__rate_interval])) / sum(rate(b_total[$__rate_interval]))",
            // Not rate functions: any range.
            "max_over_time(x_total[5m]) + delta(g[1h]) + deriv(g[$__interval])",
            // A bare range selector, and a subquery range, are not checked.
            "x_total[5m]",
            "rate(x_total[5m:1m])",
        ] {
            assert_eq!(fixed(q), [], "{q}");
        }
    }

    #[test]
    fn fixed_ranges_and_other_variables_are_found() {
        assert_eq!(
            fixed(r#"sum(rate(x_total{app=~"$app"}[5m]))"#),
            [("rate", Some("x_total".into()), "5m".into())]
        );
        assert_eq!(
            fixed("irate(x_total[$__interval])"),
            [("irate", Some("x_total".into()), "$__interval".into())]
        );
        assert_eq!(
            fixed("increase(x_total[1h30m])"),
            [("increase", Some("x_total".into()), "1h30m".into())]
        );
        assert_eq!(
            fixed(r#"rate({__name__="x_total"}[${window}])"#),
            [("rate", Some("x_total".into()), "${window}".into())]
        );
        // Parentheses around the range vector do not hide it.
        assert_eq!(fixed("rate((x_total[2m]))").len(), 1);
        // Every call is reported, inner ones too.
        assert_eq!(
            fixed("max_over_time(rate(x_total[1m])[$__range:$__interval]) / rate(y_total[$__rate_interval]) + irate(z_total[30s])")
                .into_iter()
                .map(|f| f.2)
                .collect::<Vec<_>>(),
            ["1m", "30s"]
        );
    }

    #[test]
    fn a_unit_after_the_variable_keeps_the_plain_stand_in() {
        // `${days}d` is a number and a unit: not a range variable, so the range is fixed.
        assert_eq!(fixed("rate(x_total[${days}d])")[0].2, "1d");
    }

    #[test]
    fn errors_are_those_of_parse() {
        let q = "sum by (executor_id) rate(x_total[$__rate_interval])";
        assert_eq!(
            parse_with_ranges(q).unwrap_err(),
            super::super::parse(q).unwrap_err()
        );
    }

    #[test]
    fn markers_do_not_change_what_else_is_parsed() {
        let q = r#"sum by (executor_id) (rate(x_total{app=~"$app"}[$__rate_interval]))"#;
        let ranged = parse_with_ranges(q).unwrap();
        assert_eq!(
            super::super::output_labels(ranged.expr()),
            super::super::output_labels(&super::super::parse(q).unwrap())
        );
        assert_eq!(
            super::super::metric_names(ranged.expr()),
            super::super::metric_names(&super::super::parse(q).unwrap())
        );
    }
}
