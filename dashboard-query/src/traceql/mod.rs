//! A syntax check for Tempo's TraceQL, Grafana-variable aware.
//!
//! A small hand-written lexer and recursive-descent parser modelled on Tempo's
//! grammar (`pkg/traceql/expr.y` and `lexer.go`): spanset filters, field
//! expressions, spanset and structural operators, pipelines, aggregates,
//! `by`/`select`/`coalesce`, metrics functions and `with (...)` hints. It
//! checks syntax plus a few of Tempo's cheap semantic rules (a filter must be a
//! condition, `status`/`kind` compare with unquoted values, `=~` needs a string).
//! Nothing is evaluated and no tree is kept.
//!
//! Grafana variables are handled in place instead of by rewriting the text, so
//! error offsets point into the query as written: inside a string literal a
//! `$var` is just text; elsewhere a reference (with any name, digits or unit
//! glued to it, as in `${min}ms`) is one placeholder token that fits wherever a
//! value, a number or an attribute fits.

use std::fmt;

/// Why a TraceQL query failed the syntax check.
///
/// ```
/// let err = dashboard_query::traceql::parse(r#"{name="spark.job""#).unwrap_err();
/// assert_eq!(err.offset, 17);
/// assert!(err.message.contains("expected `}` to close the spanset opened at 0"));
/// assert!(err.to_string().contains("at byte 17"));
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TraceQlError {
    /// What is wrong, and usually how to fix it.
    pub message: String,
    /// Byte offset in the query (as written, before any variable substitution)
    /// where the problem was found.
    pub offset: usize,
}

impl fmt::Display for TraceQlError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} (at byte {})", self.message, self.offset)
    }
}

impl std::error::Error for TraceQlError {}

/// Checks the syntax of a TraceQL query template.
///
/// Grafana variables (`$app`, `${app:regex}`, `[[app]]`, `$__range`) may be
/// used inside strings and wherever a value, number or attribute name goes.
/// Never panics, whatever the input.
///
/// ```
/// use dashboard_query::traceql::parse;
///
/// assert!(parse(r#"{resource.service.name="spark" && span.spark.app.name=~"${app:regex}"}"#).is_ok());
/// assert!(parse(r#"{name="spark.job"} >> {name="spark.task"} | count() > 2"#).is_ok());
/// assert!(parse("{} | rate() by (resource.service.name)").is_ok());
///
/// let err = parse("{spn.foo = 1}").unwrap_err();
/// assert_eq!(err.offset, 1);
/// assert!(err.message.contains("unknown scope `spn`"));
/// ```
pub fn parse(query: &str) -> Result<(), TraceQlError> {
    let (toks, lex_error) = Lexer::new(query).run();
    Parser::new(query, toks, lex_error).root()
}

/// Bound on parser recursion, so hostile input cannot overflow the stack.
/// Each level of parentheses costs two; real queries stay far below.
const MAX_DEPTH: usize = 128;

fn err<T>(message: impl Into<String>, offset: usize) -> Result<T, TraceQlError> {
    Err(TraceQlError {
        message: message.into(),
        offset,
    })
}

mod lexer;
mod parser;

use lexer::Lexer;
use parser::Parser;

#[cfg(test)]
mod tests {
    use super::lexer::is_duration;
    use super::*;

    #[track_caller]
    fn ok(q: &str) {
        if let Err(e) = parse(q) {
            panic!("{q:?} should parse, got: {e}");
        }
    }

    #[track_caller]
    fn bad(q: &str, message: &str, offset: usize) {
        match parse(q) {
            Ok(()) => panic!("{q:?} should not parse"),
            Err(e) => {
                assert!(
                    e.message.contains(message),
                    "{q:?}: expected a message containing {message:?}, got {:?}",
                    e.message
                );
                assert_eq!(e.offset, offset, "{q:?}: wrong offset for {:?}", e.message);
                assert!(e.offset <= q.len());
            }
        }
    }

    #[test]
    fn valid_queries() {
        for q in [
            "{}",
            "{ }",
            r#"{resource.service.name="spark" && name="spark.stage"} | select(span.spark.stage.id)"#,
            r#"{resource.service.name="spark" && resource.spark.app.name=~"${app:regex}"}"#,
            r#"{name="spark.job"} >> {name="spark.task" && span.spark.executor.id="1"}"#,
            "{duration > 5s && status = error}",
            "{} | count() > 10",
            "{ span.http.status_code >= 200 && span.http.status_code < 300 } | count() > 2",
            r#"{ .service.name = "spark" || .http.method != "GET" }"#,
            r#"{ span."attr with space" = "x" && resource.k8s."pod name" =~ "exec-.*" }"#,
            r#"{ kind = server && statusMessage != "" && status != unset }"#,
            r#"{ traceDuration > 1m && rootName = "job" && rootServiceName = "spark" }"#,
            r#"{ span:duration > 2.5s && trace:rootService = "spark" && trace:duration < 1h && span:name = "x" }"#,
            r#"{ event:name = "exception" && event.exception.type = "java.lang.OutOfMemoryError" }"#,
            r#"{ link.kind = "follows" && link:traceID = "abc" && instrumentation.name = "x" && instrumentation:version = "1" }"#,
            "{ nestedSetParent = -1 && childCount > 0 && span:kind = client && span:status = ok }",
            "{ span.retries * 2 + 1 >= 3 ^ 2 % 4 && !(span.cached = true) && -span.delta < 0 }",
            "{ span.x = nil } || { span.y != nil }",
            r#"({ name = "a" } && { name = "b" }) ~ { name = "c" }"#,
            "{ .a = 1 } !>> { .b = 2 } &> { .c = 3 } << { .d = 4 } ~ { .e = 5 } !~ { .f = 6 } \
             &~ { .g = 7 } < { .h = 8 } > { .i = 9 } !> { .j = 1 } !< { .k = 1 } !<< { .l = 1 } \
             &>> { .m = 1 } &< { .n = 1 } &<< { .o = 1 }",
            "{} | avg(duration) > 1s | by(resource.service.name) | coalesce()",
            "{} | min(span.x) > 1 | max(span.y) < 2.5 | sum(duration) >= 10ms | count() != 0",
            r#"{ resource.service.name = "spark" } | rate()"#,
            "{} | count_over_time() by (resource.service.name, span.spark.stage.id)",
            "{} | quantile_over_time(duration, .9)",
            "{} | quantile_over_time(span:duration, .5, 0.9, .99) by (name)",
            "{} | histogram_over_time(duration) by (span.spark.executor.id)",
            "{} | min_over_time(duration) | topk(5)",
            "{} | rate() by (resource.service.name) | bottomk(3)",
            "{ status = error } | compare({ status = error }, 10, 0, 1)",
            "{} | rate() with (sample=true, most_recent=false)",
            "{ } with (most_recent=true)",
            "({} | count()) > 2",
            "({ } | count()) > ({ } | avg(duration)) * 2",
            r#"({ name = "a" } | count() > 1) && ({ name = "b" })"#,
            r#"{ span.msg = "a \"quoted\" \\ word\n\x41\u00e9\101" && span.re =~ `\d+` }"#,
            r#"{ name =~ "spark\\..*" }"#,
            "{ span.foo }",
            r#"{} | by(span.a) | select(span.b, status, trace:id) | {name="x"} | count() = 1"#,
            r#"{ parent.span.foo = 1 && parent.resource.bar = 2 && parent.baz = 3 }"#,
            "{ span.a = 1e3 && span.b = 1.5e-3 && span.c = 0.5 && duration < 1.5h && duration > 1h30m }",
            "{ duration > 500us && duration < 2µs } | count() > -1",
            "{ name = \"a\" }\n| count() > 1 // one comment\n/* and another */",
            "{\n  resource.service.name = \"spark\"\n}",
            "{} | count() + 1 > 2 * (3 - 1)",
        ] {
            ok(q);
        }
    }

    #[test]
    fn grafana_variables_outside_strings() {
        for q in [
            "{ span.spark.executor.id = $executor }",
            "{ duration > ${min_duration} }",
            "{ duration > ${min}ms && duration < [[max]] }",
            r#"{ span.${attr} = "x" && resource.$key != nil }"#,
            "{} | count() > $n",
            "$query",
            "{ $filter }",
            "{} | quantile_over_time(duration, $q) by ($group) | topk($k)",
            r#"{ resource.service.name = "$service" && name =~ "${span:regex}" } | rate() by (${group})"#,
            "{ span.x = $__interval_ms }",
        ] {
            ok(q);
        }
    }

    #[test]
    fn invalid_queries() {
        for (q, message, offset) in [
            ("", "empty query", 0),
            ("  \n ", "empty query", 4),
            (
                r#"{name="x""#,
                "expected `}` to close the spanset opened at 0",
                9,
            ),
            (
                r#"{} | {name="x" && status = error"#,
                "expected `}` to close the spanset opened at 5",
                32,
            ),
            ("{spn.foo = 1}", "unknown scope `spn`", 1),
            ("{ Span.foo = 1 }", "did you mean `span.`?", 2),
            (r#"{name="spark}"#, "unterminated string", 6),
            ("{ span.a = `x }", "unterminated string", 11),
            ("{ foo = 1 }", "unknown identifier `foo`", 2),
            (
                "{ resource.service.name = spark }",
                "quote string values (`\"spark\"`)",
                26,
            ),
            ("{ Duration > 1s }", "did you mean `duration`?", 2),
            ("{ name = }", "expected a field", 9),
            ("{ = 1 }", "expected a field", 2),
            (r#"{ status = "error" }"#, "without quotes", 11),
            (r#"{ kind = "server" }"#, "without quotes", 9),
            ("{ .a = 1 } { .b = 2 }", "expected an operator", 11),
            ("{} | count()", "`count()` must be compared with a value", 5),
            (
                "{} | avg(duration) * 2",
                "e.g. `| avg(duration) * 2 > 2`",
                5,
            ),
            ("{} | count() | { }", "must be compared", 5),
            ("{} | cnt() > 2", "unknown function `cnt`", 5),
            ("{ duration > 5x }", "invalid duration `5x`", 13),
            ("{ duration > 1.5d }", "invalid duration `1.5d`", 13),
            (
                "{ .a = 1 } | rate() | count() > 1",
                "only `topk()` or `bottomk()`",
                22,
            ),
            ("{} | topk(5)", "must follow a metrics function", 5),
            ("rate()", "needs spans to measure", 0),
            ("({} | rate())", "must be the last stage", 6),
            ("{ span:foo = 1 }", "unknown intrinsic `span:foo`", 2),
            ("{ spam:name = 1 }", "unknown intrinsic scope `spam:`", 2),
            ("{ rootService = \"x\" }", "write `trace:rootService`", 2),
            ("{ name =~ 5 }", "regex string", 10),
            (r#"{ .a = "\d" }"#, "invalid escape `\\d`", 8),
            (
                r#"{ span."a\x" = 1 }"#,
                "invalid escape `\\x` in a quoted attribute",
                9,
            ),
            (
                r#"{ span."ab = 1 }"#,
                "unterminated quoted attribute name",
                7,
            ),
            (
                "{ .a = 1 } >> count() > 2",
                "structural operator between spansets",
                11,
            ),
            (
                "{ .a = 1 } && 2",
                "cannot combine a spanset with a number",
                11,
            ),
            ("{ count() > 1 }", "pipeline function", 2),
            ("{ .a = 'x' }", "single quotes", 7),
            (
                "({ .a = 1 }",
                "expected `)` to close the `(` opened at 0",
                11,
            ),
            ("{ .a = 1 }}", "unmatched `}`", 10),
            ("{ .a = 1 })", "unmatched `)`", 10),
            ("{ . = 1 }", "expected an attribute name right after `.`", 3),
            (
                "{ span. = 1 }",
                "expected an attribute name right after `span.`",
                7,
            ),
            ("{ .a = 1 } |", "expected a spanset filter", 12),
            ("{ .a = 1 } & { .b = 2 }", "unexpected `&`", 11),
            ("{ 5 }", "needs a condition", 2),
            (r#"{ "spark" }"#, "needs a condition", 2),
            ("{ .a = 1 && 2 }", "joins conditions", 12),
            ("{ .a ~ 1 }", "to match a regex use `=~`", 5),
            ("{ .a = 1 >> .b = 2 }", "relates spansets", 9),
            ("{ { .a = 1 } }", "cannot be nested", 2),
            ("{} | count() > 2 && { }", "whole pipeline stage", 17),
            ("{ .a = 1 } = { .b = 2 }", "compares numbers", 11),
            ("{} | by(", "expected a field", 8),
            ("{} | select()", "expected an attribute", 12),
            ("{} | avg()", "needs a field", 9),
            ("{} | quantile_over_time(duration)", "quantiles", 32),
            (
                "{} | coalesce(1)",
                "expected `)` to close the `coalesce(`",
                14,
            ),
            ("coalesce()", "must follow another pipeline stage", 0),
            ("{ .a = 1 } /* open", "unterminated comment", 11),
            ("{ .a = 1 } | 5", "a number alone", 13),
            ("{ span.a = $ }", "unexpected `$`", 11),
            ("{ span.a = # }", "unexpected character `#`", 11),
            ("{ name = \"a\nb\" }", "unterminated string", 9),
        ] {
            bad(q, message, offset);
        }
    }

    #[test]
    fn lexer_errors_after_a_parse_error_do_not_hide_it() {
        // The parse error comes first in the text, so it is the one reported.
        bad(
            r#"{ foo = 1 } | { .a = "x }"#,
            "unknown identifier `foo`",
            2,
        );
    }

    #[test]
    fn deep_nesting_is_an_error_not_a_stack_overflow() {
        for q in [
            "(".repeat(10_000),
            format!("{{{}", "(".repeat(10_000)),
            format!("{{{}1 }}", "!".repeat(10_000)),
            format!("{{ .a = {}1 }}", "-".repeat(10_000)),
            format!("{{ .a = {}1 }}", "1 ^ ".repeat(10_000)),
            format!("{}{{}}{}", "(".repeat(10_000), ")".repeat(10_000)),
        ] {
            let e = parse(&q).unwrap_err();
            assert!(e.message.contains("nested too deeply"), "{e}");
        }
        let fine = format!("{}{{}}{}", "(".repeat(20), ")".repeat(20));
        ok(&fine);
    }

    #[test]
    fn durations() {
        for d in [
            "1ms",
            "2.5s",
            "1h",
            "1h30m",
            "7d",
            "1y2w",
            "300ns",
            "1.5µs",
            "2h45m30.5s",
        ] {
            assert!(is_duration(d), "{d}");
        }
        for d in ["5x", "1.5d", "1", "s", "1..5s", "1hx", "1h1.5d"] {
            assert!(!is_duration(d), "{d}");
        }
    }

    #[test]
    fn errors_display_message_and_offset() {
        let e = parse("{spn.foo = 1}").unwrap_err();
        assert_eq!(e.to_string(), format!("{} (at byte 1)", e.message));
        let _: &dyn std::error::Error = &e;
    }

    #[test]
    fn non_ascii_never_splits_characters() {
        for q in [
            "{ span.é = \"ü\" }",
            "{ span.a = \"😀\" } | count() > 1",
            "{ .a = 1 } 😀",
            "é",
            "{ span.\"é😀\" = 1 }",
        ] {
            let _ = parse(q);
        }
        ok("{ span.é = \"ü\" }");
        bad("{ .a = 1 } 😀", "unexpected character `😀`", 11);
    }
}
