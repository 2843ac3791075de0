//! Property tests: the checks run on user-written dashboards, so no input may
//! make them panic.

use dashboard_query::{
    promql::{legend_labels, missing_legend_labels, parse, substitute},
    template::{rename, scan},
};
use proptest::prelude::*;

/// Strings biased towards the characters that drive the scanners, so the
/// interesting branches are reached far more often than with uniform text.
fn template() -> impl Strategy<Value = String> {
    let piece = prop_oneof![
        Just("$".to_string()),
        Just("${".to_string()),
        Just("}".to_string()),
        Just("[[".to_string()),
        Just("]]".to_string()),
        Just(":".to_string()),
        Just(".".to_string()),
        Just("\"".to_string()),
        Just("'".to_string()),
        Just("`".to_string()),
        Just("\\".to_string()),
        Just("#".to_string()),
        Just("\n".to_string()),
        Just("(".to_string()),
        Just(")".to_string()),
        Just("[".to_string()),
        Just("]".to_string()),
        Just(",".to_string()),
        Just("offset ".to_string()),
        Just("topk(".to_string()),
        Just(" by (".to_string()),
        Just("1e400".to_string()),
        Just("__rate_interval".to_string()),
        Just("app".to_string()),
        Just("é€😀".to_string()),
        "[a-z_0-9]{0,4}",
        any::<char>().prop_map(String::from),
    ];
    prop::collection::vec(piece, 0..24).prop_map(|parts| parts.concat())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn scan_ranges_are_valid(s in template()) {
        let refs = scan(&s);
        let mut last_end = 0;
        for r in &refs {
            prop_assert!(r.range.start >= last_end, "overlapping refs in {:?}: {:?}", s, refs);
            prop_assert!(r.range.start < r.range.end);
            prop_assert!(s.is_char_boundary(r.range.start) && s.is_char_boundary(r.range.end));
            let text = &s[r.range.clone()];
            prop_assert!(text.starts_with('$') || text.starts_with("[["));
            prop_assert!(text.contains(r.name.as_str()));
            last_end = r.range.end;
        }
    }

    #[test]
    fn scan_never_panics_on_arbitrary_strings(s in any::<String>()) {
        for r in scan(&s) {
            prop_assert!(s.is_char_boundary(r.range.start) && s.is_char_boundary(r.range.end));
        }
    }

    #[test]
    fn substitute_only_touches_references(s in template()) {
        let out = substitute(&s);
        if scan(&s).is_empty() {
            prop_assert_eq!(out, s);
        } else {
            prop_assert!(out.contains("__grafana_var_") || out.contains("5m") || out.contains('1'));
        }
    }

    #[test]
    fn parse_and_labels_never_panic(s in template(), legend in template()) {
        if let Ok(expr) = parse(&s) {
            let _ = missing_legend_labels(&expr, &legend);
        }
        let _ = legend_labels(&legend);
        let _ = rename(&s, |r| Some(format!("{}_x", r.name)));
    }

    #[test]
    fn parse_never_panics_on_arbitrary_strings(s in any::<String>()) {
        let _ = parse(&s);
    }
}

/// Well-formed PromQL templates with Grafana variables in every position
/// that dashboards use them.
fn valid_query() -> impl Strategy<Value = String> {
    let duration = prop_oneof![
        Just("5m"),
        Just("$__rate_interval"),
        Just("$__interval"),
        Just("$__range"),
        Just("${window}"),
        Just("[[window]]"),
        Just("$__auto"),
    ];
    let number = prop_oneof![Just("5"), Just("$n"), Just("${n}"), Just("[[n]]")];
    let label = prop_oneof![Just("executor_id"), Just("$group"), Just("${group}")];
    let selector = prop_oneof![
        Just(r#"metrics_executor_totalGCTime_seconds_total{application_name=~"$app"}"#.to_string()),
        Just(r#"metrics_executor_activeTasks{application_name=~"${app:regex}", executor_id="[[executor]]"}"#.to_string()),
        Just("${metric}".to_string()),
        Just(r#"up{job=~"^spark.*$"}"#.to_string()),
    ];
    let leaf = (selector.clone(), duration.clone()).prop_flat_map(|(sel, dur)| {
        prop_oneof![
            Just(sel.clone()),
            Just(format!("rate({sel}[{dur}])")),
            Just(format!("increase({sel}[{dur}])")),
            Just(format!("{sel} offset {dur}")),
            Just(format!("max_over_time({sel}[{dur}:{dur}])")),
        ]
    });
    leaf.prop_recursive(4, 32, 2, move |inner| {
        prop_oneof![
            (label.clone(), inner.clone()).prop_map(|(l, e)| format!("sum by ({l}) ({e})")),
            (number.clone(), inner.clone()).prop_map(|(n, e)| format!("topk({n}, {e})")),
            (number.clone(), inner.clone())
                .prop_map(|(n, e)| format!("histogram_quantile({n}, sum by (le) ({e}))")),
            (inner.clone(), inner.clone()).prop_map(|(a, b)| format!("({a}) / on ($group) ({b})")),
            (inner.clone(), number.clone()).prop_map(|(a, n)| format!("(({a}) > {n})")),
            inner.clone().prop_map(|e| format!("(({e}) / $__range_s)")),
        ]
    })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn templates_with_variables_parse(q in valid_query()) {
        let parsed = parse(&q);
        prop_assert!(parsed.is_ok(), "{:?} did not parse: {}", q, parsed.unwrap_err());
    }
}
