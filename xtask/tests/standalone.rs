//! examples/standalone, the repository a user copies, built where a user builds it: copied
//! outside this workspace, its two path dependencies pointed at this checkout, and its own
//! `cargo xtask dashboards build --check` run there with its committed lock file.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use crate::support::{text, workspace_root};

/// Copies `from` into `to`, leaving out build output.
fn copy_tree(from: &Path, to: &Path) {
    fs::create_dir_all(to).unwrap();
    for entry in fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let (src, dst) = (entry.path(), to.join(entry.file_name()));
        if entry.file_type().unwrap().is_dir() {
            if entry.file_name() != "target" {
                copy_tree(&src, &dst);
            }
        } else {
            fs::copy(&src, &dst).unwrap();
        }
    }
}

/// examples/standalone in a fresh directory outside the workspace, depending on this
/// checkout by absolute paths.
fn copy_of_the_starter() -> PathBuf {
    let root = workspace_root();
    let dir = std::env::temp_dir().join(format!("dashboards-standalone-{}", std::process::id()));
    let _ = fs::remove_dir_all(&dir);
    copy_tree(&root.join("examples/standalone"), &dir);
    let manifest = dir.join("Cargo.toml");
    let before = fs::read_to_string(&manifest).unwrap();
    let mut after = before.clone();
    for krate in ["dashboard-dsl", "dashboard-cli"] {
        let relative = format!("path = \"../../{krate}\"");
        assert!(
            before.contains(&relative),
            "examples/standalone/Cargo.toml no longer has `{relative}`"
        );
        let absolute = format!("path = \"{}\"", root.join(krate).display());
        after = after.replace(&relative, &absolute);
    }
    fs::write(&manifest, after).unwrap();
    dir
}

/// `cargo xtask <args>` in `dir`, with the committed lock file (`--locked`: it must be up to
/// date) and a target directory of its own under this workspace's, so reruns are
/// incremental.
fn cargo_xtask(dir: &Path, args: &[&str]) -> Output {
    let target = Path::new(env!("CARGO_TARGET_TMPDIR"))
        .parent()
        .expect("the tmpdir is in the target directory")
        .join("standalone");
    Command::new(std::env::var("CARGO").unwrap_or_else(|_| "cargo".into()))
        .arg("--locked")
        .arg("xtask")
        .args(args)
        .current_dir(dir)
        .env("CARGO_TARGET_DIR", target)
        .output()
        .expect("cargo runs")
}

#[test]
fn the_starter_builds_outside_the_workspace_and_check_catches_a_stale_dist() {
    let dir = copy_of_the_starter();
    assert!(
        !workspace_root().starts_with(&dir) && !dir.starts_with(workspace_root()),
        "the copy must be outside the workspace: {}",
        dir.display()
    );

    let o = cargo_xtask(&dir, &["dashboards", "build", "--check"]);
    assert!(
        o.status.success(),
        "examples/standalone: `cargo xtask dashboards build --check` failed (rebuild its \
         dist/ with `cargo xtask dashboards build` there, and its Cargo.lock if it is \
         stale):\n{}",
        text(&o)
    );
    assert!(text(&o).contains("2 dashboards up to date"), "{}", text(&o));

    // A user edits a dashboard and forgets to rebuild dist/: CI's --check says which file.
    let source = dir.join("dashboards/src/http.rs");
    let code = fs::read_to_string(&source).unwrap();
    let edited = code.replace(
        "        \"HTTP service\",\n",
        "        \"HTTP service, edited\",\n",
    );
    assert_ne!(code, edited, "the dashboard's title moved in http.rs");
    fs::write(&source, edited).unwrap();
    let o = cargo_xtask(&dir, &["dashboards", "build", "--check"]);
    assert!(!o.status.success(), "{}", text(&o));
    let msg = text(&o);
    assert!(
        msg.contains("changed:") && msg.contains("http-service.json"),
        "{msg}"
    );
    assert!(!msg.contains("service-runtime.json"), "{msg}");

    fs::remove_dir_all(&dir).unwrap();
}
