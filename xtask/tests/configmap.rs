//! `cargo xtask dashboards build --format configmap`, run as a user runs it: one ConfigMap per
//! dashboard for the Grafana Helm chart's dashboard sidecar, byte-identical across runs, each
//! a valid Kubernetes object (`kubernetes-validate --strict`) carrying exactly the JSON the
//! JSON format writes; and the layout both formats produce is the one the dashboard provider
//! in `provisioning/grafana/dashboards/spark.yaml` (and the sidecar's folder annotation)
//! turns into Grafana folders.
//!
//! The size limit is tested on the function itself (`src/configmap.rs`): no real dashboard
//! comes near 1 MiB.

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;

use serde_json::Value;

use crate::support::{temp_dir, text, workspace_root, xtask, xtask_in};

/// Builds into `dir` in `format`; panics with the output when it fails.
fn build(dir: &Path, format: &str) {
    let o = xtask(&[
        "dashboards",
        "build",
        "--format",
        format,
        "--out",
        dir.to_str().unwrap(),
    ]);
    assert!(o.status.success(), "{}", text(&o));
}

/// Every file below `dir`: relative path -> bytes.
fn tree(dir: &Path) -> BTreeMap<PathBuf, Vec<u8>> {
    let mut out = BTreeMap::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for entry in fs::read_dir(&d).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                stack.push(path);
            } else {
                out.insert(
                    path.strip_prefix(dir).unwrap().to_path_buf(),
                    fs::read(&path).unwrap(),
                );
            }
        }
    }
    out
}

fn parse_yaml(path: &Path) -> Value {
    let text = fs::read_to_string(path).unwrap();
    serde_yaml_ng::from_str(&text)
        .unwrap_or_else(|e| panic!("{} does not parse: {e}", path.display()))
}

#[test]
fn configmaps_are_byte_identical_across_runs_and_check_passes() {
    let a = temp_dir("cm-a");
    let b = temp_dir("cm-b");
    build(&a, "configmap");
    build(&b, "configmap");
    let (ta, tb) = (tree(&a), tree(&b));
    assert!(ta.len() >= 3, "{:?}", ta.keys());
    assert_eq!(ta, tb, "two builds differ");
    // A second build into the same directory changes nothing, and --check agrees.
    build(&a, "configmap");
    assert_eq!(tree(&a), tb);
    let o = xtask(&[
        "dashboards",
        "build",
        "--format",
        "configmap",
        "--out",
        a.to_str().unwrap(),
        "--check",
    ]);
    assert!(o.status.success(), "{}", text(&o));
}

#[test]
fn check_reports_changed_and_stale_configmaps_with_the_command_to_run() {
    let dir = temp_dir("cm-stale");
    build(&dir, "configmap");
    let file = dir.join("grafana-dashboard-spark-overview.yaml");
    fs::write(&file, "kind: ConfigMap\n").unwrap();
    fs::write(
        dir.join("grafana-dashboard-renamed.yaml"),
        "kind: ConfigMap\n",
    )
    .unwrap();
    let o = xtask(&[
        "dashboards",
        "build",
        "--format",
        "configmap",
        "--out",
        dir.to_str().unwrap(),
        "--check",
    ]);
    assert!(!o.status.success());
    let msg = text(&o);
    assert!(
        msg.contains("changed:") && msg.contains("grafana-dashboard-spark-overview.yaml"),
        "{msg}"
    );
    assert!(
        msg.contains("stale:") && msg.contains("grafana-dashboard-renamed.yaml"),
        "{msg}"
    );
    assert!(msg.contains("--format configmap --out"), "{msg}");
    assert_eq!(
        fs::read_to_string(&file).unwrap(),
        "kind: ConfigMap\n",
        "--check must not write"
    );
}

#[test]
fn each_configmap_carries_the_sidecar_label_the_folder_and_the_json_the_json_format_writes() {
    let cms = temp_dir("cm-content");
    let json = temp_dir("cm-content-json");
    build(&cms, "configmap");
    build(&json, "json");
    let json_files = tree(&json);
    let cm_files = tree(&cms);
    assert_eq!(
        cm_files.len(),
        json_files.len(),
        "one ConfigMap per dashboard"
    );
    for (rel, bytes) in &json_files {
        // dist/dashboards/<folder>/<uid>.json
        let uid = rel.file_stem().unwrap().to_str().unwrap();
        let folder = rel.parent().and_then(|p| p.to_str()).unwrap();
        let name = format!("grafana-dashboard-{uid}");
        let path = cms.join(format!("{name}.yaml"));
        assert!(path.is_file(), "no {}", path.display());
        assert!(
            fs::metadata(&path).unwrap().len() < 1_048_576,
            "{} is over 1 MiB",
            path.display()
        );
        let v = parse_yaml(&path);
        assert_eq!(v["apiVersion"], "v1");
        assert_eq!(v["kind"], "ConfigMap");
        assert_eq!(v["metadata"]["name"], name.as_str());
        assert_eq!(v["metadata"]["labels"]["grafana_dashboard"], "1");
        assert_eq!(
            v["metadata"]["labels"]["app.kubernetes.io/part-of"],
            "spark-dashboards"
        );
        // The sidecar's folder is the JSON format's directory: the same Grafana folder.
        assert_eq!(v["metadata"]["annotations"]["grafana_folder"], folder);
        let data = v["data"].as_object().unwrap();
        assert_eq!(data.len(), 1, "{name}: one key");
        let body = data[&format!("{uid}.json")].as_str().unwrap();
        assert_eq!(
            body.as_bytes(),
            bytes.as_slice(),
            "{name}: data differs from {}",
            rel.display()
        );
        let dashboard: Value = serde_json::from_str(body).unwrap();
        assert_eq!(dashboard["uid"], uid);
    }
}

#[test]
fn the_layout_is_the_one_the_dashboard_provider_reads() {
    let provider = parse_yaml(&workspace_root().join("provisioning/grafana/dashboards/spark.yaml"));
    let p = &provider["providers"][0];
    assert_eq!(p["type"], "file");
    assert_eq!(p["options"]["foldersFromFilesStructure"], true);
    assert!(
        p.get("folder").is_none(),
        "a fixed folder would override the directories"
    );
    let dir = temp_dir("cm-layout");
    build(&dir, "json");
    for (rel, bytes) in tree(&dir) {
        // <folder title>/<uid>.json, one level: the provider names the folder after the
        // directory and reads the dashboard's uid from the file, which matches its name.
        let parts: Vec<_> = rel.components().collect();
        assert_eq!(parts.len(), 2, "{}: not <folder>/<uid>.json", rel.display());
        assert_eq!(rel.extension().unwrap(), "json");
        let dashboard: Value = serde_json::from_slice(&bytes).unwrap();
        assert_eq!(
            dashboard["uid"].as_str().unwrap(),
            rel.file_stem().unwrap().to_str().unwrap()
        );
        assert_eq!(rel.parent().unwrap().to_str().unwrap(), "Spark");
    }
}

#[test]
fn the_configmaps_validate_against_the_kubernetes_schema() {
    let dir = temp_dir("cm-validate");
    build(&dir, "configmap");
    let files: Vec<PathBuf> = tree(&dir).keys().map(|p| dir.join(p)).collect();
    let python = std::env::var_os("KUBERNETES_VALIDATE_PYTHON")
        .filter(|p| !p.is_empty())
        .map(PathBuf::from)
        .unwrap_or_else(|| {
            let target = std::env::var_os("CARGO_TARGET_DIR")
                .filter(|d| !d.is_empty())
                .map(|d| workspace_root().join(d))
                .unwrap_or_else(|| workspace_root().join("target"));
            target.join("pyspark-venv/bin/python")
        });
    let o = Command::new(&python)
        .args(["-m", "kubernetes_validate", "--strict"])
        .args(&files)
        .output()
        .unwrap_or_else(|e| {
            panic!(
                "running {} -m kubernetes_validate: {e}. Run `cargo xtask test` once: it \
                 installs kubernetes-validate into <target>/pyspark-venv (or set \
                 KUBERNETES_VALIDATE_PYTHON)",
                python.display()
            )
        });
    let out = text(&o);
    assert!(
        o.status.success(),
        "kubernetes-validate --strict failed (if the module is missing, run `cargo xtask \
         test` once):\n{out}"
    );
    let passed = out
        .lines()
        .filter(|l| l.starts_with("INFO") && l.contains("passed"))
        .count();
    assert_eq!(passed, files.len(), "{out}");
}

#[test]
fn the_default_output_directory_depends_on_the_format() {
    let cwd = temp_dir("cm-default-out");
    fs::create_dir_all(&cwd).unwrap();
    let o = xtask_in(&cwd, &["dashboards", "build", "--format", "configmap"]);
    assert!(o.status.success(), "{}", text(&o));
    assert!(cwd
        .join("dist/configmaps/grafana-dashboard-spark-overview.yaml")
        .is_file());
    assert!(!cwd.join("dist/dashboards").exists());
    let help = text(&xtask(&["dashboards", "build", "--help"]));
    assert!(
        help.contains("--format") && help.contains("configmap") && help.contains("json"),
        "{help}"
    );
}
