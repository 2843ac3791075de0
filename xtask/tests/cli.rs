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
