//! `# lint-allow <rule>: <reason>`: a PromQL comment by which one query opts out of one of
//! the query rules, with its reason next to it. A comment is part of the query, so the
//! reason travels with it into Grafana and into every export, unlike an attribute on the
//! Rust side; Prometheus ignores it.

use super::LintKind;

/// The marker that starts an allowance inside a PromQL comment.
const MARKER: &str = "lint-allow";

/// The rules a query may allow: those about how it reads its series, where the author
/// may know better. The rules about whether it works at all (parsing, labels) may not be
/// allowed.
pub(super) const ALLOWABLE: &[LintKind] =
    &[LintKind::TargetRateInterval, LintKind::TargetCounterAgg];

/// One `# lint-allow` comment.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct Allow {
    /// The rule as written.
    pub(super) rule: String,
    /// The rule, when it is one a query may allow.
    pub(super) kind: Option<LintKind>,
    /// The reason after the colon, trimmed; empty when missing.
    pub(super) reason: String,
}

/// Every `# lint-allow` comment of `expr`, in order. A `#` inside a string literal starts
/// no comment.
pub(super) fn allowances(expr: &str) -> Vec<Allow> {
    comments(expr)
        .filter_map(|c| c.trim_start().strip_prefix(MARKER))
        .map(|rest| {
            let (rule, reason) = rest.split_once(':').unwrap_or((rest, ""));
            let rule = rule.trim().to_string();
            let kind = ALLOWABLE.iter().copied().find(|k| k.name() == rule);
            Allow {
                rule,
                kind,
                reason: reason.trim().to_string(),
            }
        })
        .collect()
}

/// The text of each comment (after its `#`, to the end of the line).
fn comments(expr: &str) -> impl Iterator<Item = &str> {
    let mut quote: Option<u8> = None;
    let mut escaped = false;
    let mut starts = Vec::new();
    for (i, b) in expr.bytes().enumerate() {
        match quote {
            Some(_) if escaped => escaped = false,
            Some(q) if b == b'\\' && q != b'`' => escaped = true,
            Some(q) if b == q => quote = None,
            Some(_) => {}
            None if matches!(b, b'"' | b'\'' | b'`') => quote = Some(b),
            None if b == b'#' => {
                starts.push(i + 1);
                // The comment runs to the end of the line: skip it by pretending it is a
                // string that only a newline closes.
                quote = Some(b'\n');
            }
            None => {}
        }
    }
    starts.into_iter().map(move |s| {
        let end = expr[s..].find('\n').map_or(expr.len(), |e| s + e);
        &expr[s..end]
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn allowances_are_read_from_comments_only() {
        let q = "sum(x_total{a=\"# lint-allow no\"}) # lint-allow target-counter-agg: a total\n\
                 # lint-allow target-rate-interval\n# lint-allow made-up: why";
        let found = allowances(q);
        assert_eq!(found.len(), 3, "{found:?}");
        assert_eq!(found[0].kind, Some(LintKind::TargetCounterAgg));
        assert_eq!(found[0].reason, "a total");
        assert_eq!(found[1].kind, Some(LintKind::TargetRateInterval));
        assert_eq!(found[1].reason, "");
        assert_eq!((found[2].rule.as_str(), found[2].kind), ("made-up", None));
    }

    #[test]
    fn plain_comments_allow_nothing() {
        assert!(allowances("up # the scrape worked\n").is_empty());
        assert!(allowances("up").is_empty());
    }
}
