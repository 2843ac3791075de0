//! `cargo xtask dashboards build`, run as a user runs it.

use std::fs;

use crate::support::{temp_dir, text, xtask};

#[test]
fn build_writes_one_file_per_dashboard_and_check_passes() {
    let out = temp_dir("build-ok");
    let o = xtask(&["dashboards", "build", "--out", out.to_str().unwrap()]);
    assert!(o.status.success(), "{}", text(&o));
    let file = out.join("Spark").join("spark-overview.json");
    assert!(file.is_file(), "{}", text(&o));
    let line = text(&o);
    assert!(
        line.contains("spark-overview") && line.contains("panels=") && line.contains("queries="),
        "one line per dashboard with uid, panels and queries: {line}"
    );

    let o = xtask(&[
        "dashboards",
        "build",
        "--out",
        out.to_str().unwrap(),
        "--check",
    ]);
    assert!(o.status.success(), "{}", text(&o));
}

#[test]
fn check_lists_changed_missing_and_stale_files_and_writes_nothing() {
    let out = temp_dir("build-stale");
    assert!(
        xtask(&["dashboards", "build", "--out", out.to_str().unwrap()])
            .status
            .success()
    );
    let file = out.join("Spark").join("spark-overview.json");
    fs::write(&file, "{}\n").unwrap();
    fs::write(out.join("renamed.json"), "{}\n").unwrap();

    let o = xtask(&[
        "dashboards",
        "build",
        "--out",
        out.to_str().unwrap(),
        "--check",
    ]);
    assert!(!o.status.success());
    let msg = text(&o);
    assert!(
        msg.contains("changed:") && msg.contains("spark-overview.json"),
        "{msg}"
    );
    assert!(
        msg.contains("stale:") && msg.contains("renamed.json"),
        "{msg}"
    );
    assert_eq!(
        fs::read_to_string(&file).unwrap(),
        "{}\n",
        "--check writes nothing"
    );

    fs::remove_file(&file).unwrap();
    let o = xtask(&[
        "dashboards",
        "build",
        "--out",
        out.to_str().unwrap(),
        "--check",
    ]);
    assert!(!o.status.success());
    assert!(text(&o).contains("missing:"), "{}", text(&o));
}

#[test]
fn unwritable_output_is_a_clear_error() {
    let out = temp_dir("build-blocked");
    fs::create_dir_all(out.parent().unwrap()).unwrap();
    fs::write(&out, "a file where the directory should be").unwrap();
    let o = xtask(&["dashboards", "build", "--out", out.to_str().unwrap()]);
    assert!(!o.status.success());
    let msg = text(&o);
    assert!(msg.contains("exists and is not a directory"), "{msg}");
    assert!(!msg.contains("panicked"), "{msg}");
}

#[test]
fn help_describes_the_commands() {
    let o = xtask(&["dashboards", "build", "--help"]);
    assert!(o.status.success());
    let msg = text(&o);
    assert!(msg.contains("--out") && msg.contains("--check"), "{msg}");
}

/// Every built file below `dir`, by path, with its bytes.
fn files(dir: &std::path::Path) -> std::collections::BTreeMap<std::path::PathBuf, Vec<u8>> {
    let mut all = std::collections::BTreeMap::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for e in fs::read_dir(&d).unwrap() {
            let p = e.unwrap().path();
            if p.is_dir() {
                stack.push(p);
            } else {
                all.insert(
                    p.strip_prefix(dir).unwrap().to_path_buf(),
                    fs::read(&p).unwrap(),
                );
            }
        }
    }
    all
}

#[test]
fn schema_v2_writes_resources_byte_identically_and_check_passes() {
    for (version, api) in [
        ("13", "dashboard.grafana.app/v2"),
        ("12", "dashboard.grafana.app/v2beta1"),
    ] {
        let (one, two) = (
            temp_dir(&format!("build-v2-{version}-a")),
            temp_dir(&format!("build-v2-{version}-b")),
        );
        for out in [&one, &two] {
            let o = xtask(&[
                "dashboards",
                "build",
                "--schema",
                "v2",
                "--grafana-version",
                version,
                "--out",
                out.to_str().unwrap(),
            ]);
            assert!(o.status.success(), "{}", text(&o));
        }
        let (a, b) = (files(&one), files(&two));
        assert!(
            a.contains_key(&std::path::Path::new("Spark").join("spark-overview.json")),
            "{:?}",
            a.keys()
        );
        assert_eq!(a, b, "two builds of --grafana-version {version} differ");
        let json: serde_json::Value =
            serde_json::from_slice(&a[&std::path::Path::new("Spark").join("spark-overview.json")])
                .unwrap();
        assert_eq!(
            (json["apiVersion"].as_str(), json["kind"].as_str()),
            (Some(api), Some("Dashboard"))
        );
        assert_eq!(
            json["metadata"]["annotations"]["grafana.app/folder"],
            "spark"
        );

        let check = |args: &[&str]| {
            let mut all = vec![
                "dashboards",
                "build",
                "--schema",
                "v2",
                "--grafana-version",
                version,
            ];
            all.extend_from_slice(args);
            xtask(&all)
        };
        let o = check(&["--out", one.to_str().unwrap(), "--check"]);
        assert!(o.status.success(), "{}", text(&o));
        // v1 files in the v2 directory are stale to the v2 check, and the other way round:
        // each schema has its own directory.
        let file = one.join("Spark").join("spark-overview.json");
        fs::write(&file, "{}\n").unwrap();
        let o = check(&["--out", one.to_str().unwrap(), "--check"]);
        assert!(!o.status.success());
        let msg = text(&o);
        assert!(
            msg.contains("changed:") && msg.contains("spark-overview.json"),
            "{msg}"
        );
        assert!(
            msg.contains(&format!(
                "cargo xtask dashboards build --schema v2 --grafana-version {}",
                if version == "13" { "13.0.2" } else { "12.3.3" }
            )),
            "the fix names the same flags: {msg}"
        );
    }
}

#[test]
fn schema_v2_defaults_to_its_own_directory_apart_from_v1() {
    let dir = temp_dir("build-v2-default");
    fs::create_dir_all(&dir).unwrap();
    let o = crate::support::xtask_in(&dir, &["dashboards", "build", "--schema", "v2"]);
    assert!(o.status.success(), "{}", text(&o));
    assert!(
        dir.join("dist/dashboards-v2/Spark/spark-overview.json")
            .is_file(),
        "{}",
        text(&o)
    );
    assert!(
        !dir.join("dist/dashboards").exists(),
        "v2 writes nothing where v1 goes"
    );
    let o = crate::support::xtask_in(
        &dir,
        &[
            "dashboards",
            "build",
            "--schema",
            "v2",
            "--grafana-version",
            "12",
        ],
    );
    assert!(o.status.success(), "{}", text(&o));
    assert!(dir
        .join("dist/dashboards-v2beta1/Spark/spark-overview.json")
        .is_file());
}

#[test]
fn bad_schema_flags_are_clear_errors() {
    let o = xtask(&["dashboards", "build", "--schema", "v3"]);
    assert!(!o.status.success());
    let msg = text(&o);
    assert!(
        msg.contains("invalid value 'v3' for '--schema")
            && msg.contains("[possible values: v1, v2]"),
        "{msg}"
    );

    let o = xtask(&[
        "dashboards",
        "build",
        "--schema",
        "v2",
        "--grafana-version",
        "11",
    ]);
    assert!(!o.status.success());
    let msg = text(&o);
    assert!(
        msg.contains("invalid value '11' for '--grafana-version") && msg.contains("give 12, 13"),
        "{msg}"
    );

    let out = temp_dir("build-v2-flags");
    let o = xtask(&[
        "dashboards",
        "build",
        "--grafana-version",
        "12",
        "--out",
        out.to_str().unwrap(),
    ]);
    assert!(!o.status.success());
    assert!(
        text(&o).contains("--grafana-version picks the schema v2 flavour"),
        "{}",
        text(&o)
    );
    assert!(!out.exists(), "nothing written");

    let o = xtask(&[
        "dashboards",
        "build",
        "--schema",
        "v2",
        "--format",
        "configmap",
        "--out",
        out.to_str().unwrap(),
    ]);
    assert!(!o.status.success());
    let msg = text(&o);
    assert!(
        msg.contains("--format configmap writes schema v1 only"),
        "{msg}"
    );
    assert!(!msg.contains("panicked") && !out.exists(), "{msg}");
}
