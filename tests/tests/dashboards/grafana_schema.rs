//! The built dashboards against Grafana's own published schemas: the Foundation SDK's JSON
//! Schemas in `../shared/reference/grafana` (generated from Grafana's CUE kinds). Every
//! panel's options and `fieldConfig.defaults.custom` are checked against its panel kind, and
//! every Prometheus, Tempo and Loki query against its datasource's query kind, all of which
//! refuse unknown properties. A misspelt option or query field, which Grafana would silently
//! ignore, fails here.
//!
//! The whole dashboard is then checked against the `Dashboard` kind (variables, annotations,
//! time, grid positions, rows), without the parts SOURCES.md lists as narrower there than
//! what Grafana stores: data links and panel links (typed as dashboard links) and override
//! values and matcher options (typed as objects).
//!
//! The schemas list fields that have defaults as required (Grafana fills them in), so
//! "required" findings are not mistakes; wrong names, types and values are.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;

use integration_tests::harness::shared_dir;
use integration_tests::manifests::validator_python;

/// What the v1 and v2 checks share: `check(kind, definition, value)` against a kind of
/// `argv[1]`, the panel and query kinds by plugin id, and `fail`/`report`, which count and
/// print the problems.
pub(crate) const PRELUDE: &str = r##"
import copy, json, sys
from jsonschema import Draft7Validator
base = sys.argv[1]
cache = {}
def check(kind, definition, value):
    if kind not in cache:
        cache[kind] = json.load(open(f"{base}/{kind}.jsonschema.json"))
    root = {"$ref": f"#/definitions/{definition}", "definitions": cache[kind]["definitions"]}
    errs = [e for e in Draft7Validator(root).iter_errors(value) if e.validator != "required"]
    return sorted(errs, key=lambda e: [str(p) for p in e.absolute_path])
PANELS = {"timeseries": "timeseries", "stat": "stat", "gauge": "gauge", "bargauge": "bargauge",
          "table": "table", "state-timeline": "statetimeline", "heatmap": "heatmap",
          "histogram": "histogram", "barchart": "barchart", "text": "text", "logs": "logs",
          "nodeGraph": "nodegraph", "status-history": "statushistory", "piechart": "piechart",
          "trend": "trend", "xychart": "xychart"}
QUERIES = {"prometheus": "prometheus", "tempo": "tempo", "loki": "loki"}
bad = checked = 0
def fail(where, at, msg):
    global bad
    bad += 1
    print(f"ERROR {where} {at}: {msg[:300]}")
def report(where, path, e):
    fail(where, ".".join([path] + [str(p) for p in e.absolute_path]), e.message)
"##;

const CHECK: &str = r##"
files = sys.argv[2:]
for f in files:
    d = json.load(open(f))
    panels = []
    for p in d["panels"]:
        panels.append(p)
        panels.extend(p.get("panels") or [])
    for p in panels:
        where = f'{d["uid"]} > "{p["title"]}" ({p["type"]})'
        kind = PANELS.get(p["type"])
        if kind:
            checked += 1
            for e in check(kind, "Options", p.get("options", {})):
                report(where, "options", e)
            custom = p.get("fieldConfig", {}).get("defaults", {}).get("custom")
            if custom is not None:
                for e in check(kind, "FieldConfig", custom):
                    report(where, "fieldConfig.defaults.custom", e)
        for t in p.get("targets", []):
            q = QUERIES.get((t.get("datasource") or {}).get("type"))
            if q:
                checked += 1
                for e in check(q, "Dataquery", t):
                    report(where, f'targets[{t.get("refId")}]', e)
    # The dashboard kind, without what it types more narrowly than Grafana stores.
    def strip(p):
        p.pop("links", None)
        fc = p.get("fieldConfig") or {}
        (fc.get("defaults") or {}).pop("links", None)
        for o in fc.get("overrides", []):
            for prop in o.get("properties", []):
                prop["value"] = {}
            (o.get("matcher") or {})["options"] = {}
        for c in p.get("panels") or []:
            strip(c)
    whole = copy.deepcopy(d)
    for p in whole["panels"]:
        strip(p)
    checked += 1
    for e in check("dashboard", "Dashboard", whole):
        report(d["uid"], "dashboard", e)
print(f"{checked} checked, {bad} failed")
sys.exit(1 if bad or not checked else 0)
"##;

fn schemas() -> PathBuf {
    shared_dir().join("reference/grafana/foundation-sdk/main/jsonschema")
}

/// Runs `script` (after [`PRELUDE`]) on `files` with the schema directory and `args` before
/// them, once the schema `kind` is known to be there: (success, output).
pub(crate) fn run_check(
    script: &str,
    kind: &str,
    args: &[&str],
    files: &[PathBuf],
) -> (bool, String) {
    let dir = schemas();
    assert!(
        dir.join(format!("{kind}.jsonschema.json")).is_file(),
        "{} missing: set SPARK_DASHBOARDS_SHARED to the directory holding reference/grafana",
        dir.display()
    );
    let out = Command::new(validator_python())
        .arg("-c")
        .arg(format!("{PRELUDE}{script}"))
        .arg(&dir)
        .args(args)
        .args(files)
        .output()
        .expect("running the schema check");
    (
        out.status.success(),
        String::from_utf8_lossy(&out.stdout).into_owned() + &String::from_utf8_lossy(&out.stderr),
    )
}

/// Runs the check on `files`: (success, output).
fn check(files: &[PathBuf]) -> (bool, String) {
    run_check(CHECK, "dashboard", &[], files)
}

fn write_built(dir: &Path) -> Vec<PathBuf> {
    fs::create_dir_all(dir).unwrap();
    dashboards::all()
        .into_iter()
        .map(|d| {
            let built = d.build().unwrap_or_else(|e| panic!("{e}"));
            let path = dir.join(format!("{}.json", built.model.uid));
            fs::write(&path, built.to_json()).unwrap();
            path
        })
        .collect()
}

#[test]
fn every_panel_and_query_matches_grafanas_schemas() {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join("grafana-schema");
    let files = write_built(&dir);
    let (ok, out) = check(&files);
    assert!(ok, "{out}");
    // Every panel with options and every query of the three dashboards.
    let checked: usize = out
        .lines()
        .find_map(|l| l.strip_suffix(" checked, 0 failed"))
        .and_then(|n| n.parse().ok())
        .unwrap_or_else(|| panic!("no summary in:\n{out}"));
    assert!(checked > 100, "{out}");
}

#[test]
fn the_check_reports_unknown_options_bad_values_and_query_fields() {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join("grafana-schema-bad");
    fs::create_dir_all(&dir).unwrap();
    let bad = serde_json::json!({
        "uid": "bad",
        "panels": [
            {"type": "timeseries", "title": "Typo", "options": {"legend": {"displayMode": "table", "placement": "bottom", "showLegend": true, "calcs": []}, "tooltip": {"mode": "multi", "sort": "none"}, "legned": {}}},
            {"type": "stat", "title": "Bad value", "options": {"graphMode": "sparkline"}},
            {"type": "timeseries", "title": "Custom", "options": {}, "fieldConfig": {"defaults": {"custom": {"drawStyle": "dots"}}}},
            {"type": "table", "title": "Query", "options": {}, "targets": [{"refId": "A", "datasource": {"type": "tempo", "uid": "t"}, "query": "{}", "spanLimit": 20}]}
        ],
        "templating": {"list": [{"name": "app", "type": "querry"}]}
    });
    let path = dir.join("bad.json");
    fs::write(&path, bad.to_string()).unwrap();
    let (ok, out) = check(&[path]);
    assert!(!ok, "{out}");
    for want in [
        r#"bad > "Typo" (timeseries) options: Additional properties are not allowed ('legned' was unexpected)"#,
        r#"bad > "Bad value" (stat) options.graphMode: 'sparkline' is not one of"#,
        r#"bad > "Custom" (timeseries) fieldConfig.defaults.custom.drawStyle: 'dots' is not one of"#,
        r#"bad > "Query" (table) targets[A]: Additional properties are not allowed ('spanLimit' was unexpected)"#,
        "bad dashboard.templating.list.0.type: 'querry' is not one of",
    ] {
        assert!(out.contains(want), "missing {want:?} in:\n{out}");
    }
    // The custom value also fails the panel at the dashboard level.
    assert!(out.contains("6 checked, 6 failed"), "{out}");
}
