//! Replacing Grafana variable references with PromQL-compatible placeholders.
//!
//! A real PromQL lexer cannot run on the template (the references are not
//! PromQL), so this walks the template with a deliberately small tokenizer
//! that only tracks what decides a placeholder: string literals, comments,
//! brackets, the enclosing function call with its argument index, and the
//! previous token.

use crate::template::{is_ident_continue, scan, VarRef};

/// Prefix of the identifier that stands in for a user variable.
///
/// The prefix starts with `__` (reserved by Prometheus) so it never collides
/// with a real metric or label name; [`super::output_labels`] recognises it
/// and treats such labels as unknown rather than as a literal label name.
///
/// ```
/// assert_eq!(
///     dashboard_query::promql::substitute("sum by ($group) (up)"),
///     format!("sum by ({}group) (up)", dashboard_query::promql::VAR_PLACEHOLDER_PREFIX),
/// );
/// ```
pub const VAR_PLACEHOLDER_PREFIX: &str = "__grafana_var_";

/// Stand-in for interval-like values; any valid duration works.
const DURATION: &str = "5m";
/// Stand-in for numeric values; `1` is valid for every scalar parameter
/// (including quantiles, which must lie in `0..=1` to be meaningful).
const NUMBER: &str = "1";

/// Whether `label` is a placeholder produced by [`substitute`] for a Grafana
/// variable, i.e. a label whose real name is only known on the dashboard.
///
/// ```
/// assert!(dashboard_query::promql::is_var_placeholder("__grafana_var_group"));
/// assert!(!dashboard_query::promql::is_var_placeholder("executor_id"));
/// ```
pub fn is_var_placeholder(label: &str) -> bool {
    label.starts_with(VAR_PLACEHOLDER_PREFIX)
}

/// Replaces each reference with a value that keeps the PromQL parseable.
///
/// The value depends on where the reference stands:
///
/// * inside a string literal: plain text (`__grafana_var_<name>`), which is
///   also a valid regex and label name;
/// * in a duration position (after `[`, after `:` in a subquery range, after
///   `offset`) or for interval built-ins (`$__rate_interval`, `$__interval`,
///   `$__range`, `$__auto`, `$__auto_interval_<name>`): `5m`; when the
///   reference is directly followed by a unit (`[${days}d]`) a bare number
///   is used instead so the result stays a valid duration;
/// * numeric built-ins (`$__range_s`, `$__range_ms`, `$__interval_ms`,
///   `$__rate_interval_ms`, `$__from`, `$__to`), after `@`, and scalar
///   parameters such as the first argument of `topk`: `1`;
/// * anywhere else: the identifier `__grafana_var_<name>`, valid as both a
///   metric and a label name.
///
/// ```
/// use dashboard_query::promql::substitute;
///
/// assert_eq!(
///     substitute(r#"topk($n, rate(x{app=~"${app:regex}"}[$__rate_interval]) offset $shift)"#),
///     r#"topk(1, rate(x{app=~"__grafana_var_app"}[5m]) offset 5m)"#,
/// );
/// assert_eq!(substitute("sum by ([[label]]) (x)"), "sum by (__grafana_var_label) (x)");
/// ```
pub fn substitute(template: &str) -> String {
    substitute_with_facts(template).text
}

/// The substituted text plus what [`super::parse`] must check before handing
/// it to `promql-parser`, which trusts its input in two ways.
pub(crate) struct Substituted {
    pub(crate) text: String,
    /// The template's own plain-number literals in duration positions
    /// (`x[1e30]`), which the parser converts to a `Duration` unchecked.
    pub(crate) duration_numbers: Vec<String>,
    /// An upper bound on the depth of the syntax tree (bracket depth plus
    /// operators); the parser and its tree's `Drop` recurse that deep.
    pub(crate) nesting: usize,
}

pub(crate) fn substitute_with_facts(template: &str) -> Substituted {
    let refs = scan(template);
    let mut walker = Walker::new(template);
    let mut out = String::with_capacity(template.len() + refs.len() * VAR_PLACEHOLDER_PREFIX.len());
    for r in &refs {
        walker.advance_to(r.range.start, &mut out);
        let followed_by_unit = template
            .as_bytes()
            .get(r.range.end)
            .is_some_and(|&b| is_ident_continue(b));
        walker.placeholder(r, followed_by_unit, &mut out);
        walker.pos = r.range.end;
    }
    walker.advance_to(template.len(), &mut out);
    Substituted {
        text: out,
        duration_numbers: walker.duration_numbers,
        nesting: walker.max_depth + walker.operators,
    }
}

/// The last significant token before the current position.
#[derive(Debug, Clone, PartialEq, Default)]
enum Tok {
    #[default]
    Start,
    Punct(u8),
    Word(String),
    Number,
    Str,
    Var,
}

#[derive(Debug)]
struct Frame {
    open: u8,
    /// The function or aggregation whose argument list this `(` opens.
    func: Option<String>,
    /// For `by (...)`/`without (...)` groupings written before the
    /// arguments, the aggregation they belong to.
    grouping_of: Option<String>,
    arg: usize,
}

struct Walker<'a> {
    text: &'a str,
    pos: usize,
    quote: Option<u8>,
    escaped: bool,
    comment: bool,
    prev: Tok,
    prev2: Tok,
    stack: Vec<Frame>,
    /// Set right after `by (...)` closes, so that the `(` which follows in
    /// `topk by (job) ($n, x)` is attributed to `topk`.
    pending_func: Option<String>,
    duration_numbers: Vec<String>,
    max_depth: usize,
    operators: usize,
}

/// `(function, argument index)` pairs that only accept a scalar.
const SCALAR_PARAMS: &[(&str, usize)] = &[
    ("topk", 0),
    ("bottomk", 0),
    ("limitk", 0),
    ("limit_ratio", 0),
    ("quantile", 0),
    ("quantile_over_time", 0),
    ("histogram_quantile", 0),
    ("histogram_fraction", 0),
    ("histogram_fraction", 1),
    ("clamp", 1),
    ("clamp", 2),
    ("clamp_min", 1),
    ("clamp_max", 1),
    ("round", 1),
    ("predict_linear", 1),
    ("holt_winters", 1),
    ("holt_winters", 2),
    ("double_exponential_smoothing", 1),
    ("double_exponential_smoothing", 2),
    ("vector", 0),
];

fn is_interval_builtin(name: &str) -> bool {
    matches!(
        name,
        "__rate_interval" | "__interval" | "__range" | "__auto"
    ) || name.starts_with("__auto_interval_")
}

fn is_numeric_builtin(name: &str) -> bool {
    matches!(
        name,
        "__range_s" | "__range_ms" | "__interval_ms" | "__rate_interval_ms" | "__from" | "__to"
    )
}

impl<'a> Walker<'a> {
    fn new(text: &'a str) -> Self {
        Walker {
            text,
            pos: 0,
            quote: None,
            escaped: false,
            comment: false,
            prev: Tok::Start,
            prev2: Tok::Start,
            stack: Vec::new(),
            pending_func: None,
            duration_numbers: Vec::new(),
            max_depth: 0,
            operators: 0,
        }
    }

    fn push_tok(&mut self, tok: Tok) {
        self.pending_func = None;
        let in_braces = self.stack.last().is_some_and(|f| f.open == b'{');
        let operator = match &tok {
            Tok::Punct(b) => b"+-*/%^<>=!".contains(b),
            Tok::Word(w) => matches!(w.as_str(), "and" | "or" | "unless" | "atan2"),
            _ => false,
        };
        // Matchers (`a="b"`) do not nest; everything else may.
        if operator && !in_braces {
            self.operators += 1;
        }
        self.prev2 = std::mem::replace(&mut self.prev, tok);
    }

    fn in_square_brackets(&self) -> bool {
        self.stack.last().is_some_and(|f| f.open == b'[')
    }

    /// Copies the template up to `end` into `out`, updating the context.
    fn advance_to(&mut self, end: usize, out: &mut String) {
        let bytes = self.text.as_bytes();
        while self.pos < end {
            let start = self.pos;
            let b = bytes[start];
            // Each branch consumes whole chars; `end` is a char boundary and
            // every multi-byte char is consumed in one step below.
            let len = if self.comment {
                self.comment = b != b'\n';
                char_len(self.text, start)
            } else if let Some(q) = self.quote {
                if self.escaped {
                    self.escaped = false;
                } else if b == b'\\' && q != b'`' {
                    self.escaped = true;
                } else if b == q {
                    self.quote = None;
                    self.push_tok(Tok::Str);
                }
                char_len(self.text, start)
            } else {
                self.token(start, end)
            };
            self.pos = start + len;
            out.push_str(&self.text[start..self.pos]);
        }
    }

    /// Consumes one token (outside strings and comments) starting at
    /// `start` and returns its length; never reads past `end`.
    fn token(&mut self, start: usize, end: usize) -> usize {
        let bytes = &self.text.as_bytes()[..end];
        let b = bytes[start];
        let run =
            |pred: &dyn Fn(u8) -> bool| bytes[start..].iter().take_while(|&&b| pred(b)).count();
        match b {
            b'"' | b'\'' | b'`' => {
                self.quote = Some(b);
                1
            }
            b'#' => {
                self.comment = true;
                1
            }
            _ if b.is_ascii_whitespace() => 1,
            _ if b.is_ascii_alphabetic() || b == b'_' => {
                // Recording-rule names contain `:`, but inside `[...]` a `:`
                // separates a subquery's range from its step.
                let colon_ok = !self.in_square_brackets();
                let len = run(&|b| is_ident_continue(b) || (colon_ok && b == b':'));
                let word = self.text[start..start + len].to_string();
                self.push_tok(Tok::Word(word));
                len
            }
            _ if b.is_ascii_digit()
                || (b == b'.' && bytes.get(start + 1).is_some_and(u8::is_ascii_digit)) =>
            {
                let mut len = run(&|b| b.is_ascii_alphanumeric() || b == b'.' || b == b'_');
                // Keep a signed exponent (`1e+30`) in one token, as PromQL does.
                let exponent_sign = matches!(bytes[start + len - 1], b'e' | b'E')
                    && bytes[start..start + len - 1]
                        .iter()
                        .all(|b| b.is_ascii_digit() || *b == b'.')
                    && matches!(bytes.get(start + len), Some(b'+' | b'-'))
                    && bytes.get(start + len + 1).is_some_and(u8::is_ascii_digit);
                if exponent_sign {
                    len += 1 + bytes[start + len + 1..]
                        .iter()
                        .take_while(|b| b.is_ascii_digit())
                        .count();
                }
                if self.in_duration_position() {
                    self.duration_numbers
                        .push(self.text[start..start + len].to_string());
                }
                self.push_tok(Tok::Number);
                len
            }
            b'(' => {
                let (func, grouping_of) = match &self.prev {
                    Tok::Word(w) if w == "by" || w == "without" => {
                        let owner = match &self.prev2 {
                            Tok::Word(agg) => Some(agg.clone()),
                            _ => None,
                        };
                        (Some(w.clone()), owner)
                    }
                    Tok::Word(w) => (Some(w.clone()), None),
                    Tok::Punct(b')') => (self.pending_func.clone(), None),
                    _ => (None, None),
                };
                self.stack.push(Frame {
                    open: b,
                    func,
                    grouping_of,
                    arg: 0,
                });
                self.max_depth = self.max_depth.max(self.stack.len());
                self.push_tok(Tok::Punct(b));
                1
            }
            b'[' | b'{' => {
                self.stack.push(Frame {
                    open: b,
                    func: None,
                    grouping_of: None,
                    arg: 0,
                });
                self.max_depth = self.max_depth.max(self.stack.len());
                self.push_tok(Tok::Punct(b));
                1
            }
            b')' | b']' | b'}' => {
                let closed = self.stack.pop();
                self.push_tok(Tok::Punct(b));
                if let Some(Frame {
                    grouping_of: Some(agg),
                    ..
                }) = closed
                {
                    self.pending_func = Some(agg);
                }
                1
            }
            b',' => {
                if let Some(top) = self.stack.last_mut() {
                    top.arg += 1;
                }
                self.push_tok(Tok::Punct(b));
                1
            }
            _ if b.is_ascii() => {
                self.push_tok(Tok::Punct(b));
                1
            }
            _ => {
                // Non-ASCII outside a string is a PromQL syntax error anyway;
                // copy it through and let the parser report it.
                self.push_tok(Tok::Punct(b'?'));
                char_len(self.text, start)
            }
        }
    }

    fn in_duration_position(&self) -> bool {
        match (&self.prev, &self.prev2) {
            (Tok::Punct(b'['), _) => true,
            (Tok::Punct(b':'), _) => self.in_square_brackets(),
            (Tok::Word(w), _) => w == "offset",
            (Tok::Punct(b'-' | b'+'), Tok::Word(w)) => w == "offset",
            _ => false,
        }
    }

    fn in_scalar_parameter(&self) -> bool {
        let Some(Frame {
            open: b'(',
            func: Some(func),
            arg,
            ..
        }) = self.stack.last()
        else {
            return false;
        };
        SCALAR_PARAMS.iter().any(|(f, i)| f == func && i == arg)
    }

    fn placeholder(&mut self, r: &VarRef, followed_by_unit: bool, out: &mut String) {
        let number_or_duration = if followed_by_unit { NUMBER } else { DURATION };
        if self.quote.is_some() || self.comment {
            out.push_str(VAR_PLACEHOLDER_PREFIX);
            out.push_str(&r.name);
            return;
        }
        let value = if is_interval_builtin(&r.name) {
            number_or_duration
        } else if is_numeric_builtin(&r.name) {
            NUMBER
        } else if self.in_duration_position() {
            number_or_duration
        } else if self.prev == Tok::Punct(b'@') || self.in_scalar_parameter() {
            NUMBER
        } else {
            out.push_str(VAR_PLACEHOLDER_PREFIX);
            out.push_str(&r.name);
            self.push_tok(Tok::Var);
            return;
        };
        out.push_str(value);
        self.push_tok(Tok::Number);
    }
}

fn char_len(text: &str, at: usize) -> usize {
    text[at..].chars().next().map_or(1, char::len_utf8)
}

#[cfg(test)]
mod tests {
    use super::substitute;

    #[track_caller]
    fn check(template: &str, expected: &str) {
        assert_eq!(substitute(template), expected, "template: {template}");
    }

    #[test]
    fn string_literals_get_plain_text() {
        check(
            r#"metrics_executor_totalGCTime_seconds_total{application_name=~"$app"}"#,
            r#"metrics_executor_totalGCTime_seconds_total{application_name=~"__grafana_var_app"}"#,
        );
        check(
            r#"x{a=~"${app:regex}|[[b]]"}"#,
            r#"x{a=~"__grafana_var_app|__grafana_var_b"}"#,
        );
        check(
            r#"x{a='$__interval'}"#,
            r#"x{a='__grafana_var___interval'}"#,
        );
        check(r#"x{a=`$b\`}"#, r#"x{a=`__grafana_var_b\`}"#);
    }

    #[test]
    fn escaped_quote_does_not_end_string() {
        check(
            r#"x{a="\"$b"} + $c"#,
            r#"x{a="\"__grafana_var_b"} + __grafana_var_c"#,
        );
    }

    #[test]
    fn durations() {
        check("rate(x[$__rate_interval])", "rate(x[5m])");
        check("increase(x[$__range])", "increase(x[5m])");
        check("x[$window]", "x[5m]");
        check("x[${window}]", "x[5m]");
        check(
            "max_over_time(rate(x[1m])[$__range:$__interval])",
            "max_over_time(rate(x[1m])[5m:5m])",
        );
        check(
            "max_over_time(rate(x[1m])[$r:$s])",
            "max_over_time(rate(x[1m])[5m:5m])",
        );
        check("x offset $shift", "x offset 5m");
        check("x offset -$shift", "x offset -5m");
        check("x[$__auto] + y[$__auto_interval_win]", "x[5m] + y[5m]");
        check("x[[[window]]]", "x[5m]");
    }

    #[test]
    fn unit_suffix_gets_a_number() {
        check("x[${days}d]", "x[1d]");
        check("x[${__range_s}s]", "x[1s]");
        check("x[${__interval}s]", "x[1s]");
    }

    #[test]
    fn numeric_builtins() {
        check("x @ $__to", "x @ 1");
        check("x / $__range_s", "x / 1");
        check("x * ${__interval_ms}", "x * 1");
        check("x @ ${__from:date:seconds}", "x @ 1");
        check("x @ $ts", "x @ 1");
    }

    #[test]
    fn scalar_parameters() {
        check("topk($n, x)", "topk(1, x)");
        check("bottomk(${n}, x)", "bottomk(1, x)");
        check("topk by (job) ($n, x)", "topk by (job) (1, x)");
        check("quantile($q, x)", "quantile(1, x)");
        check(
            "quantile_over_time($q, x[5m])",
            "quantile_over_time(1, x[5m])",
        );
        check(
            "histogram_quantile($q, sum by (le) (rate(x[5m])))",
            "histogram_quantile(1, sum by (le) (rate(x[5m])))",
        );
        check("clamp(x, $lo, $hi)", "clamp(x, 1, 1)");
        check("clamp_max($m, $hi)", "clamp_max(__grafana_var_m, 1)");
        check("limitk($n, x)", "limitk(1, x)");
        check("vector($v)", "vector(1)");
    }

    #[test]
    fn identifiers() {
        check("sum by ($group) (x)", "sum by (__grafana_var_group) (x)");
        check("sum(x) by ($group)", "sum(x) by (__grafana_var_group)");
        check("${metric}_total", "__grafana_var_metric_total");
        check("x{$label=\"a\"}", "x{__grafana_var_label=\"a\"}");
        check("topk(5, $metric)", "topk(5, __grafana_var_metric)");
        check("x > $threshold", "x > __grafana_var_threshold");
        check("$__dashboard", "__grafana_var___dashboard");
    }

    #[test]
    fn grouping_after_by_does_not_leak_into_later_calls() {
        // After `sum(x) by (job)`, a later `(` is not `sum`'s argument list.
        check(
            "sum(x) by (job) * (topk($n, y))",
            "sum(x) by (job) * (topk(1, y))",
        );
        check(
            "count by (a) (x) + ($v)",
            "count by (a) (x) + (__grafana_var_v)",
        );
    }

    #[test]
    fn comments_are_not_strings() {
        check(
            "x # it's $app\n+ $b",
            "x # it's __grafana_var_app\n+ __grafana_var_b",
        );
    }

    #[test]
    fn regex_anchor_untouched() {
        check(r#"x{a=~"^spark.*$"}[$__range]"#, r#"x{a=~"^spark.*$"}[5m]"#);
    }

    #[test]
    fn recording_rule_names_and_subquery_colons() {
        check("job:rate5m:sum[$r:]", "job:rate5m:sum[5m:]");
    }

    #[test]
    fn non_ascii_is_copied() {
        check("é$a€\"ü$b\"", "é__grafana_var_a€\"ü__grafana_var_b\"");
    }
}
