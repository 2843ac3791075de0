//! The children of a PromQL expression, and the metric name a selector selects: what the
//! walks of [`super::rate_interval`] and [`super::counters`] share.

use promql_parser::label::{MatchOp, METRIC_NAME};
use promql_parser::parser::{Expr, VectorSelector};

/// The expressions directly below `expr`, in the order they are written (an aggregation's
/// parameter before its expression). A matrix selector has none: its vector selector is
/// part of it, not a child.
pub(crate) fn children(expr: &Expr) -> Vec<&Expr> {
    match expr {
        Expr::Aggregate(a) => a.param.iter().map(|p| &**p).chain([&*a.expr]).collect(),
        Expr::Unary(u) => vec![&*u.expr],
        Expr::Binary(b) => vec![&*b.lhs, &*b.rhs],
        Expr::Paren(p) => vec![&*p.expr],
        Expr::Subquery(s) => vec![&*s.expr],
        Expr::Call(c) => c.args.args.iter().map(|a| &**a).collect(),
        Expr::NumberLiteral(_)
        | Expr::StringLiteral(_)
        | Expr::VectorSelector(_)
        | Expr::MatrixSelector(_)
        | Expr::Extension(_) => Vec::new(),
    }
}

/// `expr` without the parentheses around it.
pub(crate) fn unparen(mut expr: &Expr) -> &Expr {
    while let Expr::Paren(p) = expr {
        expr = &p.expr;
    }
    expr
}

/// The metric a selector selects: its name, or the value of an `__name__="…"` matcher.
pub(crate) fn metric_name(vs: &VectorSelector) -> Option<&str> {
    vs.name.as_deref().or_else(|| {
        vs.matchers
            .matchers
            .iter()
            .find(|m| m.name == METRIC_NAME && matches!(m.op, MatchOp::Equal))
            .map(|m| m.value.as_str())
    })
}
