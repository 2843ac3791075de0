//! The dashboards as schema v2 resources (`cargo xtask dashboards build --schema v2`)
//! against Grafana's published v2 schemas: the Foundation SDK's `dashboardv2` (Grafana 13,
//! `dashboard.grafana.app/v2`) and `dashboardv2beta1` (Grafana 12), generated from
//! `apps/dashboard/kinds/v2*/dashboard_spec.cue` of Grafana 13.0.2 (SOURCES.md).
//!
//! Checked: `apiVersion` and `kind` against the schema's constants, the whole `spec`
//! against its `Dashboard` definition (elements, layout, variables, annotations, links,
//! time settings; unknown fields refused everywhere), and, as for v1, each panel's options
//! and `fieldConfig.defaults.custom` against its panel kind and each query's spec against
//! its datasource's query kind. A small dashboard with an auto-grid row joins the Spark
//! ones, so that `AutoGridLayout` is checked too.
//!
//! Left out, because the schemas type them more narrowly than Grafana stores them (the
//! same parts SOURCES.md lists for v1, and one of v2):
//! - override `matcher.options` and `properties[].value`, typed as objects; Grafana's Go
//!   types are `interface{}` and its converter copies the v1 scalars (`"ms"`, a series
//!   name) unchanged (`extractFieldConfigOverrides` in
//!   `apps/dashboard/pkg/migration/conversion/v1beta1_to_v2alpha1.go`);
//! - an annotation's `legacyOptions` values, typed as objects; the same converter stores
//!   the v1 scalars there (`type`, a Prometheus annotation's `expr`).
//!
//! As for v1, "required" findings are not reported: the schemas list fields with defaults
//! as required.

use std::fs;
use std::path::{Path, PathBuf};

use crate::grafana_schema::run_check;
use dashboard_cli::build_all;
use dashboard_dsl::v2::Target;

const CHECK: &str = r##"
kind, files = sys.argv[2], sys.argv[3:]
defs = json.load(open(f"{base}/{kind}.jsonschema.json"))["definitions"]
api = (defs.get("DashboardAPIVersion") or defs["DashboardApiVersion"])["const"]
for f in files:
    d = json.load(open(f))
    uid = d.get("metadata", {}).get("name", f)
    checked += 1
    if d.get("apiVersion") != api:
        fail(uid, "apiVersion", f"{d.get('apiVersion')!r} is not {api!r}")
    if d.get("kind") != defs["DashboardKind"]["const"]:
        fail(uid, "kind", f"{d.get('kind')!r} is not 'Dashboard'")
    extra = set(d) - {"apiVersion", "kind", "metadata", "spec"}
    if extra:
        fail(uid, "resource", f"unexpected fields {sorted(extra)}")
    spec = copy.deepcopy(d["spec"])
    for name, el in (spec.get("elements") or {}).items():
        p = el.get("spec", {})
        viz = p.get("vizConfig", {})
        where = f'{uid} > "{p.get("title")}" ({viz.get("group")})'
        pk = PANELS.get(viz.get("group"))
        vs = viz.get("spec", {})
        if pk:
            checked += 1
            for e in check(pk, "Options", vs.get("options") or {}):
                report(where, "options", e)
            custom = (vs.get("fieldConfig", {}).get("defaults") or {}).get("custom")
            if custom:
                for e in check(pk, "FieldConfig", custom):
                    report(where, "fieldConfig.defaults.custom", e)
        for q in p.get("data", {}).get("spec", {}).get("queries", []):
            dq = q.get("spec", {}).get("query", {})
            qk = QUERIES.get(dq.get("group"))
            if qk:
                checked += 1
                for e in check(qk, "Dataquery", dq.get("spec") or {}):
                    report(where, f'queries[{q["spec"].get("refId")}]', e)
        # Narrower than Grafana (see the module's comment).
        for o in vs.get("fieldConfig", {}).get("overrides", []):
            (o.get("matcher") or {})["options"] = {}
            for prop in o.get("properties", []):
                prop["value"] = {}
    for a in spec.get("annotations", []):
        lo = a.get("spec", {}).get("legacyOptions")
        if lo:
            a["spec"]["legacyOptions"] = {k: {} for k in lo}
    for e in check(kind, "Dashboard", spec):
        report(uid, "spec", e)
print(f"{checked} checked, {bad} failed")
sys.exit(1 if bad or not checked else 0)
"##;

/// Runs the check of `files` against the schema `kind`: (success, output).
fn check(kind: &str, files: &[PathBuf]) -> (bool, String) {
    run_check(CHECK, kind, &[kind], files)
}

/// A dashboard with what the Spark dashboards do not use: an auto-grid row.
fn auto_grid() -> Vec<dashboard_dsl::Dashboard> {
    use dashboard_dsl::{panel, Dashboard, Row};
    vec![Dashboard::new("auto-grid", "Auto grid").row(
        Row::new("Notes")
            .auto_grid()
            .panel(panel::text("a", "A", "…"))
            .panel(panel::text("b", "B", "…")),
    )]
}

/// Every Spark dashboard (and [`auto_grid`]) as `build --schema v2` writes it for `target`.
fn write_built(dir: &Path, target: &Target) -> Vec<PathBuf> {
    fs::create_dir_all(dir).unwrap();
    let project = dashboard_cli::Project::new("xtask", || {
        dashboards::all().into_iter().chain(auto_grid()).collect()
    });
    build_all(&project)
        .unwrap_or_else(|e| panic!("{e:#}"))
        .iter()
        .map(|d| {
            let path = dir.join(format!("{}.json", d.model.uid));
            fs::write(
                &path,
                d.to_v2_json(target).unwrap_or_else(|e| panic!("{e}")),
            )
            .unwrap();
            path
        })
        .collect()
}

fn summary(out: &str) -> usize {
    out.lines()
        .find_map(|l| l.strip_suffix(" checked, 0 failed"))
        .and_then(|n| n.parse().ok())
        .unwrap_or_else(|| panic!("no summary in:\n{out}"))
}

#[test]
fn every_dashboard_as_v2_matches_grafana_13s_schema() {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join("grafana-schema-v2");
    let files = write_built(&dir, &Target::grafana_13());
    let (ok, out) = check("dashboardv2", &files);
    assert!(ok, "{out}");
    assert!(summary(&out) > 100, "{out}");
}

#[test]
fn every_dashboard_as_v2beta1_matches_grafana_12s_schema() {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join("grafana-schema-v2beta1");
    let files = write_built(&dir, &Target::grafana_12());
    let (ok, out) = check("dashboardv2beta1", &files);
    assert!(ok, "{out}");
    assert!(summary(&out) > 100, "{out}");
    // And the two shapes are not interchangeable: v2beta1 transformations and apiVersion
    // fail the v2 schema, so the check tells the versions apart.
    let (ok, out) = check("dashboardv2", &files);
    assert!(
        !ok && out.contains("apiVersion: 'dashboard.grafana.app/v2beta1' is not"),
        "{out}"
    );
}

#[test]
fn the_v2_check_reports_wrong_kinds_unknown_fields_and_bad_values() {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join("grafana-schema-v2-bad");
    let mut d: serde_json::Value = serde_json::from_str(
        &fs::read_to_string(&write_built(&dir, &Target::grafana_13())[0]).unwrap(),
    )
    .unwrap();
    let (name, _) = d["spec"]["elements"]
        .as_object()
        .unwrap()
        .iter()
        .next()
        .map(|(k, v)| (k.clone(), v.clone()))
        .unwrap();
    let panel = &mut d["spec"]["elements"][&name]["spec"];
    // A v2alpha1-style query (kind = the datasource type), a misspelt panel field.
    panel["data"]["spec"]["queries"][0]["spec"]["query"]["kind"] = "prometheus".into();
    panel["legned"] = true.into();
    d["spec"]["cursorSync"] = "Sometimes".into();
    d["kind"] = "DashboardV2".into();
    let path = dir.join("bad.json");
    fs::write(&path, d.to_string()).unwrap();
    let (ok, out) = check("dashboardv2", &[path]);
    assert!(!ok, "{out}");
    for want in [
        "kind: 'DashboardV2' is not 'Dashboard'",
        "spec.cursorSync: 'Sometimes' is not one of",
        &format!("spec.elements.{name}: "),
    ] {
        assert!(out.contains(want), "missing {want:?} in:\n{out}");
    }
}
