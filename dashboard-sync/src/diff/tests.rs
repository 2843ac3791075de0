//! The diff's own cases; the whole output is pinned by the snapshots in
//! `tests/tests/sync`.

use serde_json::{json, Value};

use super::panels::lcs;
use super::*;

fn panel(id: i64, title: &str, x: i64, y: i64) -> Value {
    json!({"id": id, "type": "timeseries", "title": title, "gridPos": {"x": x, "y": y, "w": 12, "h": 8}})
}

fn doc(panels: Vec<Value>) -> DiffDoc {
    DiffDoc {
        uid: "d".into(),
        folder: None,
        json: json!({"uid": "d", "title": "D", "panels": panels}),
    }
}

#[test]
fn inserting_a_panel_shifts_others_without_reporting_them_moved() {
    let old = doc(vec![panel(1, "a", 0, 0), panel(2, "b", 0, 8)]);
    let new = doc(vec![
        panel(3, "new", 0, 0),
        panel(1, "a", 0, 8),
        panel(2, "b", 0, 16),
    ]);
    let d = diff_dashboard(&old, &new).unwrap().unwrap();
    assert_eq!(d.panels.len(), 1);
    assert_eq!(d.panels[0].status, Status::Added);
    assert_eq!(
        d.changes[0].what,
        "layout: 2 other panels shifted on the grid"
    );
}

#[test]
fn swapping_two_panels_is_a_move() {
    let old = doc(vec![
        panel(1, "a", 0, 0),
        panel(2, "b", 12, 0),
        panel(3, "c", 0, 8),
    ]);
    let new = doc(vec![
        panel(3, "c", 0, 0),
        panel(1, "a", 12, 0),
        panel(2, "b", 0, 8),
    ]);
    let d = diff_dashboard(&old, &new).unwrap().unwrap();
    let moved: Vec<i64> = d.panels.iter().map(|p| p.id).collect();
    assert_eq!(moved, vec![3]);
    assert!(d.panels[0].changes[0].what.starts_with("moved within"));
}

#[test]
fn moving_to_another_row_names_both_rows() {
    let row = |id, t: &str, y| json!({"id": id, "type": "row", "title": t, "gridPos": {"x": 0, "y": y, "w": 24, "h": 1}, "panels": []});
    let old = doc(vec![row(10, "A", 0), panel(1, "p", 0, 1), row(20, "B", 9)]);
    let new = doc(vec![row(10, "A", 0), row(20, "B", 1), panel(1, "p", 0, 2)]);
    let d = diff_dashboard(&old, &new).unwrap().unwrap();
    let c = &d.panels[0].changes[0];
    assert_eq!(c.what, "moved");
    assert_eq!(c.before.as_deref(), Some("row \"A\""));
    assert_eq!(c.after.as_deref(), Some("row \"B\""));
}

#[test]
fn units_thresholds_and_generic_options() {
    let mut a = panel(1, "p", 0, 0);
    a["fieldConfig"] = json!({"defaults": {"unit": "short", "thresholds": {"mode": "absolute", "steps": [{"color": "green", "value": null}, {"color": "red", "value": 80}]}}});
    a["options"] = json!({"legend": {"displayMode": "list"}});
    let mut b = a.clone();
    b["fieldConfig"]["defaults"]["unit"] = json!("percent");
    b["fieldConfig"]["defaults"]["thresholds"]["steps"][1]["value"] = json!(90);
    b["options"]["legend"]["displayMode"] = json!("table");
    let d = diff_dashboard(&doc(vec![a]), &doc(vec![b]))
        .unwrap()
        .unwrap();
    let c = &d.panels[0].changes;
    assert_eq!(c[0].what, "unit");
    assert_eq!(c[1].what, "thresholds");
    assert_eq!(c[1].before.as_deref(), Some("base green, 80 red"));
    assert_eq!(c[1].after.as_deref(), Some("base green, 90 red"));
    assert_eq!(c[2].what, "options.legend.displayMode");
}

#[test]
fn variables_links_and_settings() {
    let a = json!({"uid": "d", "title": "D", "time": {"from": "now-1h", "to": "now"},
        "templating": {"list": [{"name": "app", "type": "query", "query": "label_values(up, app)"}]},
        "links": [{"title": "Docs", "url": "https://a", "type": "link"}]});
    let mut b = a.clone();
    b["templating"]["list"][0]["query"] = json!("label_values(up, application)");
    b["templating"]["list"]
        .as_array_mut()
        .unwrap()
        .push(json!({"name": "ns", "type": "custom", "query": "a,b"}));
    b["links"][0]["url"] = json!("https://b");
    b["time"]["from"] = json!("now-6h");
    let d = diff_dashboard(
        &DiffDoc {
            uid: "d".into(),
            folder: None,
            json: a,
        },
        &DiffDoc {
            uid: "d".into(),
            folder: None,
            json: b,
        },
    )
    .unwrap()
    .unwrap();
    let whats: Vec<&str> = d.changes.iter().map(|c| c.what.as_str()).collect();
    assert_eq!(
        whats,
        vec![
            "variable $app query",
            "variable $ns added",
            "link \"Docs\"",
            "time.from"
        ]
    );
}

#[test]
fn lcs_keeps_the_longest_common_order() {
    let keep = lcs(&[1, 2, 3, 4], &[2, 3, 4, 1]);
    assert_eq!(keep, [2, 3, 4].into_iter().collect());
}

fn dash(uid: &str, json: Value) -> DiffDoc {
    DiffDoc {
        uid: uid.into(),
        folder: None,
        json,
    }
}

#[test]
fn an_unreadable_dashboard_is_an_error_naming_it_its_side_and_the_field() {
    let good = doc(vec![panel(1, "a", 0, 0)]);
    let mut bad = good.clone();
    bad.json["title"] = json!("Edited");
    bad.json["panels"][0]["maxDataPoints"] = json!("lots");
    let e = diff_dashboard(&bad, &good).unwrap_err();
    assert_eq!(e.side, DiffSide::Old);
    assert_eq!(
        (e.error.uid.as_str(), e.error.title.as_str()),
        ("d", "Edited")
    );
    assert_eq!(e.error.place, r#"panel "a" (id 1), field `maxDataPoints`"#);
    let m = e.to_string();
    assert!(
        m.starts_with(r#"cannot diff: on the old side, dashboard d ("Edited")"#),
        "{m}"
    );
    let e = diff_dashboard(&good, &bad).unwrap_err();
    assert_eq!(e.side, DiffSide::New);
}

#[test]
fn an_unreadable_dashboard_on_one_side_only_is_an_error_too() {
    let bad = dash(
        "x",
        json!({"title": "X", "templating": {"list": [{"name": "app", "hide": "yes"}]}}),
    );
    let e = diff_sets(&[], std::slice::from_ref(&bad)).unwrap_err();
    // The JSON has no uid: the doc's names it.
    assert_eq!((e.side, e.error.uid.as_str()), (DiffSide::New, "x"));
    assert_eq!(e.error.place, "variable $app, field `hide`");
    let e = diff_sets(&[bad], &[]).unwrap_err();
    assert_eq!(e.side, DiffSide::Old);
}

#[test]
fn equal_content_is_not_read_so_it_cannot_fail() {
    let odd = dash("x", json!({"uid": "x", "panels": "not a list"}));
    let d = diff_sets(std::slice::from_ref(&odd), std::slice::from_ref(&odd)).unwrap();
    assert_eq!((d.unchanged, d.dashboards.len()), (1, 0));
}

#[test]
fn fields_the_model_does_not_hold_still_show_as_drift() {
    let mut a = panel(1, "p", 0, 0);
    a["targets"] = json!([{"refId": "A", "expr": "up"}]);
    let mut b = a.clone();
    // None of these is a field of dashboard-model's Panel, Target or Variable.
    b["pluginVersion"] = json!("12.0.0");
    b["targets"][0]["hide"] = json!(true);
    let mut old = doc(vec![a]);
    let mut new = doc(vec![b]);
    old.json["templating"] = json!({"list": [{"name": "app", "type": "query"}]});
    new.json["templating"] =
        json!({"list": [{"name": "app", "type": "query", "allowCustomValue": false}]});
    new.json["weekStart"] = json!("monday");
    let d = diff_dashboard(&old, &new).unwrap().unwrap();
    let dash: Vec<&str> = d.changes.iter().map(|c| c.what.as_str()).collect();
    assert_eq!(dash, ["variable $app allowCustomValue", "weekStart"]);
    let panel: Vec<&str> = d.panels[0]
        .changes
        .iter()
        .map(|c| c.what.as_str())
        .collect();
    assert_eq!(panel, ["query A hide", "pluginVersion"]);
}

#[test]
fn shapes_the_model_reads_lossily_still_show_as_drift() {
    // A variable's query as an object reads as its text; a change beside the text shows.
    let v = |q: Value| json!({"uid": "d", "templating": {"list": [{"name": "app", "type": "query", "query": q}]}});
    let old = dash("d", v(json!({"query": "label_values(app)", "refId": "A"})));
    let new = dash("d", v(json!({"query": "label_values(app)", "refId": "B"})));
    let d = diff_dashboard(&old, &new).unwrap().unwrap();
    assert_eq!(d.changes[0].what, "variable $app query");
}

#[test]
fn custom_units_are_compared_and_shown_as_written() {
    let mut a = panel(1, "p", 0, 0);
    a["fieldConfig"] = json!({"defaults": {"unit": "suffix:req"}});
    let mut b = a.clone();
    b["fieldConfig"]["defaults"]["unit"] = json!("furlongs");
    let d = diff_dashboard(&doc(vec![a]), &doc(vec![b]))
        .unwrap()
        .unwrap();
    let c = &d.panels[0].changes[0];
    assert_eq!(
        (c.what.as_str(), c.before.as_deref(), c.after.as_deref()),
        ("unit", Some("\"suffix:req\""), Some("\"furlongs\""))
    );
}

#[test]
fn panels_of_collapsed_rows_are_matched_by_id() {
    let row = |inner: Value| {
        json!({"id": 10, "type": "row", "title": "R", "collapsed": true,
        "gridPos": {"x": 0, "y": 0, "w": 24, "h": 1}, "panels": [inner]})
    };
    let old = doc(vec![row(panel(1, "inside", 0, 1))]);
    let new = doc(vec![row(panel(1, "renamed", 0, 1))]);
    let d = diff_dashboard(&old, &new).unwrap().unwrap();
    assert_eq!(d.panels[0].location, "row \"R\"");
    assert_eq!(d.panels[0].changes[0].what, "title");
    assert_eq!(d.panel_count, 1);
}
