//! Property tests for the TraceQL check: it runs on user-written dashboards,
//! so no input may make it panic, errors must point into the query, and
//! well-formed queries (with Grafana variables) must pass.

use dashboard_query::traceql::parse as parse_traceql;
use proptest::prelude::*;

/// Strings biased towards TraceQL's tokens, so that deep parser states are
/// reached far more often than with uniform text.
fn traceql_soup() -> impl Strategy<Value = String> {
    let piece = prop_oneof![
        Just("{".to_string()),
        Just("}".to_string()),
        Just("(".to_string()),
        Just(")".to_string()),
        Just(" | ".to_string()),
        Just(",".to_string()),
        Just("\"".to_string()),
        Just("`".to_string()),
        Just("\\".to_string()),
        Just("span.".to_string()),
        Just("resource.".to_string()),
        Just("parent.span.".to_string()),
        Just(".".to_string()),
        Just(":".to_string()),
        Just("span:".to_string()),
        Just("$".to_string()),
        Just("${".to_string()),
        Just("[[".to_string()),
        Just("]]".to_string()),
        Just("&&".to_string()),
        Just(" >> ".to_string()),
        Just("!~".to_string()),
        Just("&".to_string()),
        Just("=".to_string()),
        Just("=~".to_string()),
        Just(">".to_string()),
        Just("-".to_string()),
        Just("!".to_string()),
        Just("^".to_string()),
        Just("count()".to_string()),
        Just("rate()".to_string()),
        Just("by".to_string()),
        Just("with".to_string()),
        Just("status".to_string()),
        Just("error".to_string()),
        Just("1.5".to_string()),
        Just("1ms".to_string()),
        Just("µ".to_string()),
        Just("/*".to_string()),
        Just("//".to_string()),
        Just("\n".to_string()),
        Just("é€😀".to_string()),
        "[a-z_0-9]{0,4}",
        any::<char>().prop_map(String::from),
    ];
    prop::collection::vec(piece, 0..32).prop_map(|parts| parts.concat())
}

#[track_caller]
fn check_error_points_into(query: &str) {
    if let Err(e) = parse_traceql(query) {
        assert!(e.offset <= query.len(), "{query:?}: {e}");
        assert!(query.is_char_boundary(e.offset), "{query:?}: {e}");
        assert!(!e.message.is_empty());
    }
}

/// Well-formed TraceQL, with Grafana variables where dashboards use them.
fn valid_query() -> impl Strategy<Value = String> {
    let field = prop_oneof![
        Just("span.spark.stage.id"),
        Just("resource.service.name"),
        Just(".http.status_code"),
        Just("span.\"attr with space\""),
        Just("span.${attr}"),
        Just("duration"),
        Just("span:duration"),
        Just("name"),
        Just("event:name"),
    ];
    let value = prop_oneof![
        Just("\"spark\""),
        Just("\"$app\""),
        Just("\"${app:regex}\""),
        Just("`\\d+`"),
        Just("42"),
        Just("-1.5"),
        Just("2.5s"),
        Just("1h30m"),
        Just("$n"),
        Just("${min}ms"),
        Just("nil"),
        Just("true"),
    ];
    let cmp = prop_oneof![
        Just("="),
        Just("!="),
        Just(">"),
        Just(">="),
        Just("<"),
        Just("<="),
    ];
    let condition = prop_oneof![
        (field.clone(), cmp, value).prop_map(|(f, c, v)| format!("{f} {c} {v}")),
        field.clone().prop_map(|f| format!("{f} =~ \"spark-.*\"")),
        Just("status = error".to_string()),
        Just("kind = server".to_string()),
    ];
    let filter_body = condition.prop_recursive(3, 8, 2, |inner| {
        prop_oneof![
            (inner.clone(), inner.clone()).prop_map(|(a, b)| format!("{a} && {b}")),
            (inner.clone(), inner.clone()).prop_map(|(a, b)| format!("({a}) || ({b})")),
            inner.prop_map(|a| format!("!({a})")),
        ]
    });
    let filter = prop_oneof![
        Just("{}".to_string()),
        filter_body.prop_map(|b| format!("{{ {b} }}")),
    ];
    let spanset_op = prop_oneof![
        Just("&&"),
        Just("||"),
        Just(">>"),
        Just(">"),
        Just("<<"),
        Just("<"),
        Just("~"),
        Just("!>>"),
        Just("!~"),
        Just("&>>"),
        Just("&~"),
    ];
    let spanset = filter.prop_recursive(3, 8, 2, move |inner| {
        prop_oneof![
            (inner.clone(), spanset_op.clone(), inner.clone())
                .prop_map(|(a, op, b)| format!("{a} {op} {b}")),
            inner.prop_map(|a| format!("({a})")),
        ]
    });
    let stage = prop_oneof![
        Just("count() > 2"),
        Just("avg(duration) > 1s"),
        Just("max(span.spark.task.duration) * 2 >= $n"),
        Just("by(resource.service.name)"),
        Just("select(span.spark.stage.id, status)"),
        Just("coalesce()"),
        Just("{ name = \"spark.task\" }"),
    ];
    let ending = prop_oneof![
        Just(""),
        Just(" | rate()"),
        Just(" | count_over_time() by (resource.service.name)"),
        Just(" | quantile_over_time(duration, .5, .99) by (${group})"),
        Just(" | histogram_over_time(duration) | topk(5)"),
        Just(" with (sample=true)"),
    ];
    (spanset, prop::collection::vec(stage, 0..3), ending).prop_map(|(s, stages, end)| {
        let mut q = s;
        for st in stages {
            q.push_str(" | ");
            q.push_str(st);
        }
        q.push_str(end);
        q
    })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(1024))]

    #[test]
    fn arbitrary_strings_never_panic(s in any::<String>()) {
        check_error_points_into(&s);
    }

    #[test]
    fn token_soup_never_panics(s in traceql_soup()) {
        check_error_points_into(&s);
    }

    #[test]
    fn well_formed_queries_parse(q in valid_query()) {
        let parsed = parse_traceql(&q);
        prop_assert!(parsed.is_ok(), "{:?} did not parse: {}", q, parsed.unwrap_err());
    }

    #[test]
    fn truncated_queries_never_panic(q in valid_query(), cut in any::<prop::sample::Index>()) {
        let mut at = cut.index(q.len() + 1);
        while !q.is_char_boundary(at) {
            at -= 1;
        }
        check_error_points_into(&q[..at]);
    }
}

#[test]
fn spark_queries_from_the_brief() {
    for q in [
        r#"{resource.service.name="spark" && name="spark.stage"} | select(span.spark.stage.id)"#,
        r#"{resource.service.name="spark" && resource.spark.app.name=~"${app:regex}"}"#,
        r#"{name="spark.job"} >> {name="spark.task" && span.spark.executor.id="1"}"#,
        "{duration > 5s && status = error}",
        "{} | count() > 10",
    ] {
        if let Err(e) = parse_traceql(q) {
            panic!("{q}: {e}");
        }
    }
}

#[test]
fn unclosed_spanset_names_where_it_opened() {
    let e = parse_traceql(r#"{} >> {name="spark.task""#).unwrap_err();
    assert_eq!(
        e.message,
        "expected `}` to close the spanset opened at 6, found the end of the query"
    );
    assert_eq!(e.offset, 24);
}
