//! The conversion from v1, shape by shape, against what Grafana's converter writes for the
//! same v1 JSON (`apps/dashboard/pkg/migration/conversion/v1beta1_to_v2alpha1.go` and the
//! files after it), and every refusal with its message.

use serde_json::{json, Value};

use super::{from_v1, ApiVersion, Target};
use crate::model::DashboardModel;
use crate::Folder;

/// A v1 dashboard from JSON, read the way validate and sync read Grafana's.
fn v1(panels: Value, variables: Value) -> DashboardModel {
    DashboardModel::from_json(&json!({
        "uid": "demo", "title": "Demo", "schemaVersion": 41,
        "panels": panels, "templating": {"list": variables},
    }))
    .unwrap_or_else(|e| panic!("{e}"))
}

fn convert(d: &DashboardModel, target: &Target) -> Value {
    serde_json::to_value(from_v1(d, None, target).unwrap_or_else(|e| panic!("{e}"))).unwrap()
}

fn v2(d: &DashboardModel) -> Value {
    convert(d, &Target::grafana_13())
}

fn refused(d: &DashboardModel) -> String {
    from_v1(d, None, &Target::grafana_13())
        .expect_err("the conversion refuses it")
        .to_string()
}

fn ts(id: u32, x: u32, y: u32) -> Value {
    json!({"id": id, "type": "timeseries", "title": format!("p{id}"),
           "gridPos": {"h": 8, "w": 12, "x": x, "y": y},
           "datasource": {"type": "prometheus", "uid": "${prometheus}"},
           "targets": [{"expr": "up", "refId": "A"}]})
}

fn row(id: u32, y: u32, title: &str) -> Value {
    json!({"id": id, "type": "row", "title": title, "collapsed": false,
           "gridPos": {"h": 1, "w": 24, "x": 0, "y": y}, "panels": []})
}

fn item(name: &str, x: u32, y: u32) -> Value {
    json!({"kind": "GridLayoutItem", "spec": {"element": {"kind": "ElementReference", "name": name},
           "height": 8, "width": 12, "x": x, "y": y}})
}

#[test]
fn panels_without_rows_are_one_grid_at_their_positions() {
    let d = v2(&v1(
        json!([ts(3, 0, 0), ts(10, 12, 0), ts(4, 0, 8)]),
        json!([]),
    ));
    assert_eq!(
        d["spec"]["layout"],
        json!({"kind": "GridLayout", "spec": {"items": [
            item("panel-3", 0, 0), item("panel-10", 12, 0), item("panel-4", 0, 8)]}})
    );
    let names: Vec<&str> = d["spec"]["elements"]
        .as_object()
        .unwrap()
        .keys()
        .map(String::as_str)
        .collect();
    // Sorted as Go sorts a map's keys when it writes JSON.
    assert_eq!(names, ["panel-10", "panel-3", "panel-4"]);
}

#[test]
fn rows_become_a_rows_layout_with_grids_relative_to_their_header() {
    let mut collapsed = row(20, 18, "Collapsed");
    collapsed["collapsed"] = json!(true);
    collapsed["panels"] = json!([ts(21, 0, 19)]);
    let d = v2(&v1(
        json!([
            ts(1, 0, 0),
            row(2, 8, "Executors"),
            ts(3, 0, 9),
            ts(4, 12, 9),
            collapsed
        ]),
        json!([]),
    ));
    assert_eq!(
        d["spec"]["layout"],
        json!({"kind": "RowsLayout", "spec": {"rows": [
            // The panels above the first row: a row without a header (convertToRowsLayout).
            {"kind": "RowsLayoutRow", "spec": {"collapse": false, "hideHeader": true, "title": "",
             "layout": {"kind": "GridLayout", "spec": {"items": [item("panel-1", 0, 0)]}}}},
            {"kind": "RowsLayoutRow", "spec": {"collapse": false, "title": "Executors",
             "layout": {"kind": "GridLayout", "spec": {"items": [item("panel-3", 0, 0), item("panel-4", 12, 0)]}}}},
            {"kind": "RowsLayoutRow", "spec": {"collapse": true, "title": "Collapsed",
             "layout": {"kind": "GridLayout", "spec": {"items": [item("panel-21", 0, 0)]}}}},
        ]}})
    );
    // Rows are no elements; every panel is, the collapsed row's included.
    let names: Vec<&String> = d["spec"]["elements"].as_object().unwrap().keys().collect();
    assert_eq!(names, ["panel-1", "panel-21", "panel-3", "panel-4"]);
}

#[test]
fn repeats_of_panels_and_rows_are_kept() {
    let mut p = ts(3, 0, 1);
    p["repeat"] = json!("executor");
    p["repeatDirection"] = json!("h");
    let mut r = row(2, 0, "Per app");
    r["repeat"] = json!("app");
    let d = v2(&v1(json!([r, p]), json!([])));
    let row = &d["spec"]["layout"]["spec"]["rows"][0]["spec"];
    assert_eq!(row["repeat"], json!({"mode": "variable", "value": "app"}));
    assert_eq!(
        row["layout"]["spec"]["items"][0]["spec"]["repeat"],
        json!({"direction": "h", "mode": "variable", "value": "executor"})
    );
}

#[test]
fn a_panel_becomes_a_panel_kind_with_its_queries_viz_config_and_links() {
    let mut p = ts(7, 0, 0);
    p["description"] = json!("What it shows");
    p["interval"] = json!("30s");
    p["maxDataPoints"] = json!(500);
    p["links"] = json!([{"title": "Recipe", "url": "https://example.com/r", "targetBlank": true}]);
    p["options"] = json!({"content": "hi", "mode": "markdown"});
    p["fieldConfig"] = json!({"defaults": {"unit": "s"}, "overrides": []});
    p["targets"] = json!([
        {"expr": "up", "refId": "A", "legendFormat": "{{job}}"},
        {"expr": "traces", "datasource": {"type": "tempo", "uid": "tempo"}},
    ]);
    let d = v2(&v1(json!([p]), json!([])));
    let spec = &d["spec"]["elements"]["panel-7"]["spec"];
    assert_eq!(d["spec"]["elements"]["panel-7"]["kind"], "Panel");
    assert_eq!(spec["description"], "What it shows");
    assert_eq!(
        spec["links"],
        json!([{"targetBlank": true, "title": "Recipe", "url": "https://example.com/r"}])
    );
    assert_eq!(
        spec["data"]["spec"]["queries"],
        json!([
            {"kind": "PanelQuery", "spec": {"hidden": false, "refId": "A", "query": {
                "kind": "DataQuery", "group": "prometheus", "version": "v0",
                "datasource": {"name": "${prometheus}"},
                "spec": {"expr": "up", "legendFormat": "{{job}}"}}}},
            // Its own datasource wins; a missing refId gets the next free letter.
            {"kind": "PanelQuery", "spec": {"hidden": false, "refId": "B", "query": {
                "kind": "DataQuery", "group": "tempo", "version": "v0",
                "datasource": {"name": "tempo"}, "spec": {"expr": "traces"}}}},
        ])
    );
    assert_eq!(
        spec["data"]["spec"]["queryOptions"],
        json!({"interval": "30s", "maxDataPoints": 500})
    );
    assert_eq!(
        spec["vizConfig"],
        json!({"kind": "VizConfig", "group": "timeseries", "version": "13.0.2", "spec": {
            "options": {"content": "hi", "mode": "markdown"},
            "fieldConfig": {"defaults": {"unit": "s"}, "overrides": []}}})
    );
    let v12 = convert(&v1(json!([ts(7, 0, 0)]), json!([])), &Target::grafana_12());
    let viz = &v12["spec"]["elements"]["panel-7"]["spec"]["vizConfig"];
    assert_eq!(viz["version"], "12.3.3");
    // No options and no field config: what the frontend writes for them.
    assert_eq!(
        viz["spec"],
        json!({"options": {}, "fieldConfig": {"defaults": {"custom": {}}, "overrides": []}})
    );
}

#[test]
fn datasources_resolve_as_grafana_resolves_them() {
    let mut mixed = ts(1, 0, 0);
    mixed["datasource"] = json!({"type": "datasource", "uid": "-- Mixed --"});
    mixed["targets"] = json!([{"refId": "A", "datasource": {"type": "datasource"}}]);
    let d = v2(&v1(json!([mixed]), json!([])));
    // The built-in Grafana datasource: type "datasource", uid "grafana".
    assert_eq!(
        d["spec"]["elements"]["panel-1"]["spec"]["data"]["spec"]["queries"][0]["spec"]["query"]
            ["datasource"],
        json!({"name": "grafana"})
    );

    let mut none = ts(1, 0, 0);
    none.as_object_mut().unwrap().remove("datasource");
    let e = refused(&v1(json!([none]), json!([])));
    assert!(
        e.contains(
            r#"panel "p1" (id 1), query A: neither the query nor its panel names a datasource"#
        ),
        "{e}"
    );

    let mut untyped = ts(1, 0, 0);
    untyped["datasource"] = json!("${prometheus}");
    let e = refused(&v1(json!([untyped]), json!([])));
    assert!(
        e.contains(r#"its datasource "${prometheus}" has no type"#),
        "{e}"
    );
    assert!(
        e.starts_with(r#"dashboard demo ("Demo") cannot be written as schema v2"#),
        "{e}"
    );
}

#[test]
fn transformations_take_each_versions_shape() {
    let mut p = ts(1, 0, 0);
    p["transformations"] = json!([
        {"id": "organize", "options": {"excludeByName": {"Time": true}}},
        {"id": "formatTime", "options": {"timeField": "Time", "outputFormat": "YYYY"}},
    ]);
    let d = v1(json!([p]), json!([]));
    let at = |v: &Value| {
        v["spec"]["elements"]["panel-1"]["spec"]["data"]["spec"]["transformations"].clone()
    };
    assert_eq!(
        at(&v2(&d)),
        json!([
            {"kind": "Transformation", "group": "organize", "spec": {"options": {"excludeByName": {"Time": true}}}},
            // Schema version 43 turned formatTime into convertFieldType.
            {"kind": "Transformation", "group": "convertFieldType", "spec": {"options": {"conversions": [
                {"destinationType": "string", "targetField": "Time", "dateFormat": "YYYY"}]}}},
        ])
    );
    assert_eq!(
        at(&convert(&d, &Target::grafana_12()))[0],
        json!({"kind": "organize", "spec": {"id": "organize", "options": {"excludeByName": {"Time": true}}}})
    );
}

#[test]
fn each_variable_type_becomes_its_kind() {
    let ds = json!({"type": "prometheus", "uid": "${prometheus}"});
    let d = v2(&v1(
        json!([]),
        json!([
            {"type": "datasource", "name": "prometheus", "query": "prometheus", "label": "Prometheus",
             "current": {"selected": true, "text": "prom", "value": "prom"}},
            {"type": "query", "name": "app", "datasource": ds, "query": "label_values(up, app)",
             "definition": "label_values(up, app)", "refresh": 2, "sort": 7, "multi": true,
             "includeAll": true, "allValue": ".*", "hide": 1},
            {"type": "custom", "name": "q", "query": "0.5,0.9",
             "options": [{"selected": true, "text": "0.5", "value": "0.5"}]},
            {"type": "interval", "name": "step", "query": "1m,5m", "auto": true, "auto_count": 30, "auto_min": "10s"},
            {"type": "constant", "name": "job", "query": "spark", "hide": 2},
            {"type": "textbox", "name": "filter", "query": ".*"},
            {"type": "adhoc", "name": "filters", "datasource": ds},
            {"type": "groupby", "name": "by", "datasource": {"type": "prometheus", "uid": "prom"}},
            {"type": "switch", "name": "on", "options": [{"text": "yes", "value": "yes"}, {"text": "no", "value": "no"}]},
        ]),
    ));
    let v = &d["spec"]["variables"];
    assert_eq!(
        v[0],
        json!({"kind": "DatasourceVariable", "spec": {"allowCustomValue": true, "current": {"text": "prom", "value": "prom"},
            "hide": "dontHide", "includeAll": false, "label": "Prometheus", "multi": false, "name": "prometheus",
            "options": [], "pluginId": "prometheus", "refresh": "never", "regex": "", "skipUrlSync": false}})
    );
    assert_eq!(
        v[1],
        json!({"kind": "QueryVariable", "spec": {"allValue": ".*", "allowCustomValue": true,
            "current": {"text": "", "value": ""}, "definition": "label_values(up, app)", "hide": "hideLabel",
            "includeAll": true, "multi": true, "name": "app", "options": [],
            "query": {"kind": "DataQuery", "group": "prometheus", "version": "v0", "datasource": {"name": "${prometheus}"},
                      "spec": {"__legacyStringValue": "label_values(up, app)"}},
            "refresh": "onTimeRangeChanged", "regex": "", "skipUrlSync": false, "sort": "naturalAsc"}})
    );
    assert_eq!(v[2]["kind"], "CustomVariable");
    assert_eq!(v[2]["spec"]["query"], "0.5,0.9");
    assert_eq!(
        v[2]["spec"]["options"],
        json!([{"selected": true, "text": "0.5", "value": "0.5"}])
    );
    assert_eq!(
        v[3],
        json!({"kind": "IntervalVariable", "spec": {"auto": true, "auto_count": 30, "auto_min": "10s",
            "current": {"text": "", "value": ""}, "hide": "dontHide", "name": "step", "options": [],
            "query": "1m,5m", "refresh": "onTimeRangeChanged", "skipUrlSync": false}})
    );
    // A constant without a stored value shows its query.
    assert_eq!(
        v[4],
        json!({"kind": "ConstantVariable", "spec": {"current": {"text": "spark", "value": "spark"},
            "hide": "hideVariable", "name": "job", "query": "spark", "skipUrlSync": false}})
    );
    assert_eq!(v[5]["kind"], "TextVariable");
    assert_eq!(v[5]["spec"]["query"], ".*");
    assert_eq!(
        v[6],
        json!({"kind": "AdhocVariable", "group": "prometheus", "datasource": {"name": "${prometheus}"},
            "spec": {"allowCustomValue": true, "baseFilters": [], "defaultKeys": [], "filters": [],
                     "hide": "dontHide", "name": "filters", "skipUrlSync": false}})
    );
    assert_eq!(v[7]["kind"], "GroupByVariable");
    assert_eq!(
        (&v[7]["group"], &v[7]["datasource"]),
        (&json!("prometheus"), &json!({"name": "prom"}))
    );
    assert_eq!(
        v[8]["spec"],
        json!({"current": "no", "disabledValue": "no", "enabledValue": "yes", "hide": "dontHide",
               "name": "on", "skipUrlSync": false})
    );

    let e = refused(&v1(json!([]), json!([{"type": "system", "name": "__org"}])));
    assert!(
        e.contains(
            r#"variable $__org: it is a "system" variable, which schema v2 has no kind for"#
        ),
        "{e}"
    );
    let e = refused(&v1(
        json!([]),
        json!([{"type": "query", "name": "app", "query": "up"}]),
    ));
    assert!(e.contains("variable $app: it has no datasource"), "{e}");
    let e = refused(&v1(
        json!([]),
        json!([{"type": "datasource", "name": "ds"}]),
    ));
    assert!(
        e.contains("variable $ds: it names no datasource type"),
        "{e}"
    );
}

#[test]
fn dashboard_fields_links_annotations_and_metadata() {
    let d = DashboardModel::from_json(&json!({
        "uid": "demo", "title": "Demo", "description": "About", "graphTooltip": 1, "refresh": "30s",
        "tags": ["spark"], "time": {"from": "now-3h", "to": "now"}, "timezone": "utc",
        "links": [{"title": "Runbook", "type": "link", "url": "https://r", "tags": [], "icon": "doc"}],
        "annotations": {"list": [{"name": "Deploys", "enable": true, "iconColor": "red",
            "datasource": {"type": "prometheus", "uid": "prom"}, "expr": "changes(up[5m]) > 0", "step": "1m"}]},
        "panels": [], "schemaVersion": 41,
    }))
    .unwrap();
    let r = from_v1(
        &d,
        Some(&Folder::new("spark", "Spark")),
        &Target::grafana_12(),
    )
    .unwrap();
    assert_eq!(r.api_version, ApiVersion::V2beta1);
    let j = serde_json::to_value(&r).unwrap();
    assert_eq!(
        j["metadata"],
        json!({"name": "demo", "annotations": {"grafana.app/folder": "spark"}})
    );
    let s = &j["spec"];
    assert_eq!(
        (&s["cursorSync"], &s["description"], &s["editable"]),
        (&json!("Crosshair"), &json!("About"), &json!(true))
    );
    assert_eq!(
        s["timeSettings"],
        json!({"autoRefresh": "30s", "autoRefreshIntervals": ["5s", "10s", "30s", "1m", "5m", "15m", "30m", "1h", "2h", "1d"],
               "fiscalYearStartMonth": 0, "from": "now-3h", "hideTimepicker": false, "timezone": "utc", "to": "now"})
    );
    assert_eq!(
        s["links"],
        json!([{"asDropdown": false, "icon": "doc", "includeVars": false, "keepTime": false, "tags": [],
                "targetBlank": false, "title": "Runbook", "tooltip": "", "type": "link", "url": "https://r"}])
    );
    assert_eq!(
        s["annotations"],
        json!([{"kind": "AnnotationQuery", "spec": {"enable": true, "hide": false, "iconColor": "red", "name": "Deploys",
            "legacyOptions": {"expr": "changes(up[5m]) > 0", "step": "1m"},
            "query": {"kind": "DataQuery", "group": "prometheus", "version": "v0", "datasource": {"name": "prom"}, "spec": {}}}}])
    );
    assert_eq!(
        s["layout"],
        json!({"kind": "GridLayout", "spec": {"items": []}})
    );
}

#[test]
fn what_v2_cannot_say_is_refused_with_the_panel_and_the_fix() {
    let mut plugin = ts(1, 0, 0);
    plugin["type"] = json!("grafana-polystat-panel");
    let e = refused(&v1(json!([plugin]), json!([])));
    assert!(e.contains(r#"panel "p1" (id 1): it is a "grafana-polystat-panel" panel, not one of the panels Grafana ships"#), "{e}");
    assert!(
        e.ends_with("or build this dashboard with --schema v1."),
        "{e}"
    );

    let e = refused(&v1(json!([ts(1, 0, 0), ts(1, 12, 0)]), json!([])));
    assert!(e.contains(r#"panel "p1" has the same id"#), "{e}");

    let e = refused(&v1(json!([row(2, 8, "R"), ts(3, 0, 4)]), json!([])));
    assert!(
        e.contains("it is at y 4, above the header of its row (y 8)"),
        "{e}"
    );

    let mut explore = ts(1, 0, 0);
    explore["links"] = json!([{"title": "Trace", "url": "", "internal": {
        "datasourceName": "Tempo", "datasourceUid": "tempo", "query": {"refId": "A"}}}]);
    let e = refused(&v1(json!([explore]), json!([])));
    assert!(
        e.contains(r#"panel "p1" (id 1), link "Trace": it opens a query in Explore"#),
        "{e}"
    );
}

#[test]
fn grafana_versions_parse_to_their_api_version_and_panel_version() {
    let t = |s: &str| s.parse::<Target>();
    assert_eq!(t("13"), Ok(Target::grafana_13()));
    assert_eq!(t("12"), Ok(Target::grafana_12()));
    assert_eq!(t("12.4.1").unwrap().api_version, ApiVersion::V2beta1);
    assert_eq!(
        t("13.0.2+security-01").unwrap().grafana_version,
        "13.0.2+security-01"
    );
    for bad in [
        "11", "14", "12.4", "13.x.1", "v13", "", "13.0.2 ", "12.1.0/",
    ] {
        let e = t(bad).unwrap_err();
        assert!(
            e.contains("give 12, 13, or the exact release"),
            "{bad:?}: {e}"
        );
    }
}
