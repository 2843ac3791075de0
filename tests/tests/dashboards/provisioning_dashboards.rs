//! `provisioning/` as a whole and the dashboard provider: every file parses, the README lists
//! every file, and the provider (`provisioning/grafana/dashboards/spark.yaml`) reads the
//! layout `cargo xtask dashboards build` writes, `<folder title>/<uid>.json`, turning each
//! subdirectory into the folder of that title. (xtask/tests/configmap.rs runs the build
//! itself and checks the files it writes against the same provider.)

use std::collections::BTreeSet;
use std::fs;
use std::path::{Path, PathBuf};

use integration_tests::harness::workspace_root;
use integration_tests::manifests::documents_of;
use serde_json::Value;

fn provisioning_dir() -> PathBuf {
    workspace_root().join("provisioning")
}

/// Every file below `dir`, relative to it, sorted.
fn files_below(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for entry in fs::read_dir(&d).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                stack.push(path);
            } else {
                out.push(path.strip_prefix(dir).unwrap().to_path_buf());
            }
        }
    }
    out.sort();
    out
}

fn documents(path: &Path) -> Result<Vec<Value>, String> {
    let text = fs::read_to_string(path).map_err(|e| e.to_string())?;
    documents_of(&text).map_err(|e| e.to_string())
}

fn provider() -> Value {
    let path = provisioning_dir().join("grafana/dashboards/spark.yaml");
    documents(&path)
        .unwrap_or_else(|e| panic!("{}: {e}", path.display()))
        .remove(0)
}

/// What is wrong with a dashboard provider for the layout `build` writes.
fn check_provider(doc: &Value) -> Vec<String> {
    let mut errors = Vec::new();
    if doc["apiVersion"] != 1 {
        errors.push(format!("apiVersion is {}, want 1", doc["apiVersion"]));
    }
    let providers = doc["providers"].as_array().cloned().unwrap_or_default();
    if providers.len() != 1 {
        errors.push(format!(
            "{} providers; one `file` provider reads the whole build output",
            providers.len()
        ));
    }
    for p in &providers {
        let name = p["name"].as_str().unwrap_or("?");
        if p["type"] != "file" {
            errors.push(format!("provider {name}: type {} (want file)", p["type"]));
        }
        if p["options"]["foldersFromFilesStructure"] != true {
            errors.push(format!(
                "provider {name}: options.foldersFromFilesStructure must be true: `build` puts \
                 each dashboard in a subdirectory named after its folder"
            ));
        }
        for k in ["folder", "folderUid"] {
            if p.get(k)
                .is_some_and(|v| !v.as_str().unwrap_or("x").is_empty())
            {
                errors.push(format!(
                    "provider {name}: `{k}` puts every dashboard in one folder and conflicts \
                     with foldersFromFilesStructure; remove it"
                ));
            }
        }
        if !p["options"]["path"]
            .as_str()
            .is_some_and(|s| s.starts_with('/'))
        {
            errors.push(format!(
                "provider {name}: options.path must be the absolute directory the build \
                 output is mounted at"
            ));
        }
    }
    errors
}

/// What is wrong with a folder title as a directory name Grafana turns back into the same
/// title (it uses the name of the file's directory).
fn check_folder_title(title: &str) -> Option<String> {
    if title.is_empty() || title == "." || title == ".." {
        return Some(format!("{title:?} is not a directory name"));
    }
    if title.contains(['/', '\\', '\0']) {
        return Some(format!("{title:?} contains a path separator"));
    }
    if title.trim() != title {
        return Some(format!(
            "{title:?} has leading or trailing spaces, which file systems and tools mangle"
        ));
    }
    if title.eq_ignore_ascii_case("general") {
        return Some(format!(
            "{title:?}: Grafana's General folder is not a real folder; leave the folder unset"
        ));
    }
    None
}

#[test]
fn every_yaml_file_under_provisioning_parses() {
    let files: Vec<PathBuf> = files_below(&provisioning_dir())
        .into_iter()
        .filter(|p| p.extension().is_some_and(|e| e == "yaml" || e == "yml"))
        .collect();
    assert!(files.len() >= 6, "{files:?}");
    let mut errors = Vec::new();
    for f in &files {
        match documents(&provisioning_dir().join(f)) {
            Ok(docs) if docs.is_empty() => errors.push(format!("{}: empty", f.display())),
            Ok(_) => {}
            Err(e) => errors.push(format!("{}: {e}", f.display())),
        }
    }
    assert!(errors.is_empty(), "{}", errors.join("\n"));
}

#[test]
fn the_readme_lists_every_provisioning_file() {
    let readme = fs::read_to_string(provisioning_dir().join("README.md")).unwrap();
    let missing: Vec<String> = files_below(&provisioning_dir())
        .into_iter()
        .map(|p| p.display().to_string())
        .filter(|p| p != "README.md" && !readme.contains(p.as_str()))
        .collect();
    assert!(
        missing.is_empty(),
        "provisioning/README.md does not list {missing:?}"
    );
}

#[test]
fn the_provider_reads_the_build_layout_with_folders_from_directories() {
    let doc = provider();
    let errors = check_provider(&doc);
    assert!(errors.is_empty(), "{}", errors.join("\n"));
    // The deployment docs mount the build output where the provider looks.
    let path = doc["providers"][0]["options"]["path"].as_str().unwrap();
    let docs = fs::read_to_string(
        workspace_root().join("docs/recipes/observability/observability-stack.md"),
    )
    .unwrap();
    assert!(
        docs.contains(&format!("dist/dashboards:{path}")),
        "observability-stack.md does not mount dist/dashboards at {path}"
    );
}

#[test]
fn every_dashboard_lands_in_a_folder_the_provider_can_create() {
    // `build` writes `<folder title>/<uid>.json`; with foldersFromFilesStructure Grafana names
    // the folder after the directory, so the title must survive as a directory name, and no
    // two dashboards may share a uid (one file would overwrite the other).
    let mut uids = BTreeSet::new();
    let mut errors = Vec::new();
    for d in dashboards::all() {
        let b = d.build().unwrap_or_else(|e| panic!("{e}"));
        let uid = b.model.uid.clone();
        if !uids.insert(uid.clone()) {
            errors.push(format!("{uid}: two dashboards share this uid"));
        }
        match &b.folder {
            Some(f) => {
                if let Some(e) = check_folder_title(&f.title) {
                    errors.push(format!("{uid}: folder {e}"));
                }
            }
            None => errors.push(format!(
                "{uid}: no folder; it would land at the top of the provider path, in General"
            )),
        }
    }
    assert!(errors.is_empty(), "{}", errors.join("\n"));
}

#[test]
fn provider_and_folder_checks_report_what_breaks_the_layout() {
    let bad = serde_json::json!({
        "apiVersion": 2,
        "providers": [{"name": "p", "type": "sqlite", "folder": "Spark",
                       "options": {"path": "dist/dashboards"}}]
    });
    let errors = check_provider(&bad).join("\n");
    for e in [
        "apiVersion is 2",
        "type \"sqlite\"",
        "foldersFromFilesStructure must be true",
        "`folder` puts every dashboard in one folder",
        "options.path must be the absolute directory",
    ] {
        assert!(errors.contains(e), "missing {e:?} in:\n{errors}");
    }
    assert!(check_folder_title("Spark").is_none());
    assert!(check_folder_title("Spark/Jobs").is_some());
    assert!(check_folder_title(" Spark").is_some());
    assert!(check_folder_title("General").is_some());
    assert!(check_folder_title("").is_some());
}
