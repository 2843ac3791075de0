//! The dashboards' trace queries against what spark-traces really emits: every span name,
//! span attribute and resource attribute a TraceQL query, a Tempo or Jaeger data link or a
//! Jaeger search uses must be one that spark-traces sets on the spans it makes from the
//! fixture event logs. A renamed attribute on either side fails here.

use crate::traces_support;

use std::collections::BTreeSet;

use serde_json::Value;
use spark_traces::convert::{ConvertOptions, TracePer};
use spark_traces::otlp::{resource, ResourceConfig};
use spark_traces::run::convert_log;
use spark_traces::span::{names, Value as AttrValue};
use traces_support::*;

/// Span and resource attribute names spark-traces emits, over the fixture (both grouping
/// modes) and a log with a retried stage.
fn emitted() -> (BTreeSet<String>, BTreeSet<String>, BTreeSet<String>) {
    let (names, span_attrs, resource_attrs, _) = emitted_with_numbers();
    (names, span_attrs, resource_attrs)
}

/// [`emitted`], and which span attributes carry numbers (ints or floats).
fn emitted_with_numbers() -> (
    BTreeSet<String>,
    BTreeSet<String>,
    BTreeSet<String>,
    BTreeSet<String>,
) {
    let dir = tempfile::tempdir().unwrap();
    let retry = dir.path().join("app-retry");
    write_log(&retry, &retry_log("app-retry", 3));
    let mut span_attrs = BTreeSet::new();
    let mut names_seen = BTreeSet::new();
    let mut resource_attrs = BTreeSet::new();
    let mut numeric = BTreeSet::new();
    for trace_per in [TracePer::Application, TracePer::Sql] {
        let opts = ConvertOptions {
            trace_per,
            ..ConvertOptions::default()
        };
        for log in [gzip_copy(), retry.clone()] {
            let (res, spans, malformed) = convert_log(&log, &opts).unwrap();
            assert_eq!(malformed, 0);
            for s in &spans {
                names_seen.insert(s.name.to_string());
                for (k, v) in &s.attributes {
                    assert!(
                        !matches!(v, AttrValue::Str(x) if x.is_empty() && *k != "spark.sql.description"),
                        "{k} empty on {}",
                        s.name
                    );
                    span_attrs.insert(k.to_string());
                    if matches!(v, AttrValue::Int(_) | AttrValue::F64(_)) {
                        numeric.insert(k.to_string());
                    }
                }
            }
            let r = resource(
                &ResourceConfig {
                    service_name: "spark".into(),
                    attributes: vec![],
                },
                &res,
            );
            resource_attrs.extend(r.attributes.into_iter().map(|kv| kv.key));
        }
    }
    (names_seen, span_attrs, resource_attrs, numeric)
}

fn percent_decode(s: &str) -> String {
    let b = s.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'%' && i + 2 < b.len() {
            if let Ok(v) =
                u8::from_str_radix(std::str::from_utf8(&b[i + 1..i + 3]).unwrap_or("zz"), 16)
            {
                out.push(v);
                i += 3;
                continue;
            }
        }
        out.push(b[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// Every Tempo/Jaeger query text of a dashboard: targets, and the queries inside data links.
fn trace_queries(dashboard: &Value) -> Vec<(String, String)> {
    let mut out = Vec::new();
    fn walk(v: &Value, out: &mut Vec<(String, String)>) {
        match v {
            Value::Object(m) => {
                let ds_type = m
                    .get("datasource")
                    .and_then(|d| d.get("type"))
                    .and_then(Value::as_str)
                    .unwrap_or("");
                if ds_type == "tempo" {
                    if let Some(q) = m.get("query").and_then(Value::as_str) {
                        out.push(("tempo".into(), q.to_string()));
                    }
                }
                if ds_type == "jaeger" {
                    for k in ["operation", "tags", "service"] {
                        if let Some(q) = m.get(k).and_then(Value::as_str) {
                            out.push((format!("jaeger.{k}"), q.to_string()));
                        }
                    }
                }
                if let Some(url) = m.get("url").and_then(Value::as_str) {
                    if url.starts_with("/explore") {
                        let decoded = percent_decode(url);
                        let json = &decoded[decoded.find('{').unwrap_or(0)..];
                        if let Ok(v) = serde_json::from_str::<Value>(json) {
                            walk(&v, out);
                        } else {
                            out.push(("link".into(), decoded));
                        }
                    }
                }
                for v in m.values() {
                    walk(v, out);
                }
            }
            Value::Array(a) => a.iter().for_each(|v| walk(v, out)),
            _ => {}
        }
    }
    walk(dashboard, &mut out);
    out
}

/// `span.x.y`, `resource.x.y` and `name="…"` in a TraceQL text.
fn references(q: &str) -> (Vec<String>, Vec<String>, Vec<String>) {
    let (mut spans, mut resources, mut names) = (Vec::new(), Vec::new(), Vec::new());
    let b = q.as_bytes();
    let ident = |c: u8| c.is_ascii_alphanumeric() || c == b'_' || c == b'.';
    for (prefix, out) in [("span.", &mut spans), ("resource.", &mut resources)] {
        let mut from = 0;
        while let Some(p) = q[from..].find(prefix) {
            let at = from + p;
            from = at + prefix.len();
            if at > 0 && ident(b[at - 1]) {
                continue;
            }
            let end = q[from..]
                .bytes()
                .position(|c| !ident(c))
                .map_or(q.len(), |e| from + e);
            out.push(q[from..end].to_string());
        }
    }
    let mut from = 0;
    while let Some(p) = q[from..].find("name=\"") {
        let at = from + p;
        from = at + 6;
        if at > 0 && ident(b[at - 1]) {
            continue;
        }
        let end = q[from..].find('"').map_or(q.len(), |e| from + e);
        names.push(q[from..end].to_string());
    }
    (spans, resources, names)
}

#[test]
fn every_trace_query_of_the_dashboards_uses_what_spark_traces_emits() {
    let (span_names, span_attrs, resource_attrs) = emitted();
    assert_eq!(
        span_names,
        names::ALL.iter().map(|s| s.to_string()).collect()
    );
    let mut problems = Vec::new();
    let mut checked = 0;
    for d in dashboards::all() {
        let built = d.build().unwrap();
        let json: Value = serde_json::from_str(&built.to_json()).unwrap();
        let uid = json["uid"].as_str().unwrap_or("").to_string();
        for (kind, q) in trace_queries(&json) {
            checked += 1;
            match kind.as_str() {
                "tempo" | "link" => {
                    let (s, r, n) = references(&q);
                    for a in s.iter().filter(|a| !span_attrs.contains(*a)) {
                        problems.push(format!(
                            "{uid}: span.{a} is not a span attribute spark-traces sets (in {q})"
                        ));
                    }
                    for a in r.iter().filter(|a| !resource_attrs.contains(*a)) {
                        problems.push(format!("{uid}: resource.{a} is not a resource attribute spark-traces sets (in {q})"));
                    }
                    for n in n.iter().filter(|n| !span_names.contains(*n)) {
                        problems.push(format!(
                            "{uid}: span name {n:?} is not one spark-traces makes (in {q})"
                        ));
                    }
                }
                "jaeger.operation" if !q.is_empty() && !span_names.contains(&q) => {
                    problems.push(format!("{uid}: Jaeger operation {q:?} is not a span name"));
                }
                "jaeger.tags" => {
                    for tag in q.split_whitespace() {
                        let key = tag.split('=').next().unwrap_or("");
                        if !span_attrs.contains(key) && !resource_attrs.contains(key) {
                            problems.push(format!(
                                "{uid}: Jaeger tag {key:?} is not an attribute spark-traces sets"
                            ));
                        }
                    }
                }
                _ => {}
            }
        }
    }
    assert!(
        checked >= 10,
        "only {checked} trace queries found: the walk misses some"
    );
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

#[test]
fn the_checker_reports_a_misspelt_attribute() {
    let (s, r, n) = references(
        r#"{resource.service.name="spark" && resource.spark.app.name=~"x" && name="spark.stage" && span.spark.stage.skew > 2} | select(span.spark.stage.id)"#,
    );
    assert_eq!(s, ["spark.stage.skew", "spark.stage.id"]);
    assert_eq!(r, ["service.name", "spark.app.name"]);
    assert_eq!(n, ["spark.stage"]);
    let (_, span_attrs, _) = emitted();
    assert!(!span_attrs.contains("spark.stage.skew"));
    assert!(span_attrs.contains("spark.stage.skew_ratio"));
}

#[test]
fn the_trace_section_has_a_timeline_and_stage_level_links_to_the_application_trace() {
    let d = dashboards::all()
        .into_iter()
        .map(|d| d.build().unwrap())
        .find(|d| d.model.uid == "spark-job-tracing")
        .unwrap();
    let json: Value = serde_json::from_str(&d.to_json()).unwrap();
    let panels = json["panels"].as_array().unwrap();
    let panel = |title: &str| {
        panels
            .iter()
            .find(|p| p["title"] == title)
            .unwrap_or_else(|| panic!("no panel {title:?}"))
    };
    let timeline = panel("Job and stage timeline");
    assert_eq!(timeline["type"], "timeseries");
    let targets = timeline["targets"].as_array().unwrap();
    assert!(targets
        .iter()
        .all(|t| t["tableType"] == "spans" && t["queryType"] == "traceql"));
    assert!(targets.iter().any(|t| t["query"]
        .as_str()
        .unwrap()
        .contains(r#"name="spark.stage""#)));
    for title in [
        "Job and stage timeline",
        "Job and stage spans",
        "Skewed stages (from spans)",
    ] {
        let links = panel(title)["fieldConfig"]["defaults"]["links"]
            .as_array()
            .unwrap();
        assert!(
            links
                .iter()
                .any(|l| percent_decode(l["url"].as_str().unwrap())
                    .contains("${__data.fields.traceIdHidden}")),
            "{title}: no link to the application's trace"
        );
    }
}

#[test]
fn per_stage_metric_panels_link_to_their_stage_span() {
    let stage_panels = [
        (
            "spark-job-tracing",
            "Task skew over time, per stage (max/median)",
        ),
        (
            "spark-job-tracing",
            "Task duration over time, per stage: median and max",
        ),
        ("spark-profiling", "Spill per stage (top 10)"),
        ("spark-profiling", "Task skew per stage (max/median)"),
        (
            "spark-profiling",
            "Shuffle read skew per stage (max/median)",
        ),
        (
            "spark-profiling",
            "Task duration per stage: median, p75, max",
        ),
    ];
    let built: Vec<Value> = dashboards::all()
        .into_iter()
        .map(|d| serde_json::from_str(&d.build().unwrap().to_json()).unwrap())
        .collect();
    for (uid, title) in stage_panels {
        let d = built.iter().find(|d| d["uid"] == uid).unwrap();
        let panel = d["panels"]
            .as_array()
            .unwrap()
            .iter()
            .find(|p| p["title"] == title)
            .unwrap_or_else(|| panic!("{uid}: no panel {title:?}"));
        // Variable datasources make Explore URLs: decode them to read the queries.
        let links = percent_decode(&panel["fieldConfig"]["defaults"]["links"].to_string());
        for needle in [
            r#"name=\"spark.stage\""#,
            "span.spark.stage.id=${__field.labels.stage_id}",
            "span.spark.stage.attempt=${__field.labels.attempt_id}",
            "spark.stage.id=${__field.labels.stage_id} spark.stage.attempt=${__field.labels.attempt_id}",
        ] {
            assert!(
                links.contains(needle),
                "{uid} › {title}: no {needle} in its data links: {links}"
            );
        }
    }
}

#[test]
fn span_tables_convert_every_numeric_attribute_they_select() {
    // Grafana's Tempo datasource types every selected attribute as a string; a numeric one
    // left unconverted sorts as text ("10" before "9") and never takes thresholds.
    let (_, _, _, numeric) = emitted_with_numbers();
    assert!(numeric.contains("spark.stage.skew_ratio"), "{numeric:?}");
    let mut tables = 0;
    for d in dashboards::all() {
        let json: Value = serde_json::from_str(&d.build().unwrap().to_json()).unwrap();
        for p in json["panels"].as_array().unwrap() {
            let Some(query) = p["targets"][0]["query"].as_str() else {
                continue;
            };
            if p["type"] != "table" {
                continue;
            }
            let Some(select) = query.split("| select(").nth(1) else {
                continue;
            };
            tables += 1;
            let converted: Vec<&str> = p["transformations"]
                .as_array()
                .into_iter()
                .flatten()
                .filter(|t| t["id"] == "convertFieldType")
                .flat_map(|t| t["options"]["conversions"].as_array().unwrap())
                .filter(|c| c["destinationType"] == "number")
                .filter_map(|c| c["targetField"].as_str())
                .collect();
            for attr in select.trim_end_matches(')').split(',') {
                let attr = attr.trim().trim_start_matches("span.");
                if numeric.contains(attr) {
                    assert!(
                        converted.contains(&attr),
                        "{} › {}: selects numeric {attr} without converting it; has {converted:?}",
                        json["uid"],
                        p["title"]
                    );
                }
            }
            // A table sorted by an attribute sorts by a converted one.
            for s in p["options"]["sortBy"].as_array().into_iter().flatten() {
                let column = s["displayName"].as_str().unwrap();
                assert!(
                    column == "Duration" || converted.contains(&column),
                    "{} › {}: sorted by {column}, which stays text",
                    json["uid"],
                    p["title"]
                );
            }
        }
    }
    assert!(
        tables >= 3,
        "only {tables} span tables with select(...) found"
    );
}
