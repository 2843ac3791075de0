//! Running the `xtask` binary as a user runs it, for the CLI tests.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

/// Runs `xtask` with `args` and waits for it.
pub fn xtask(args: &[&str]) -> Output {
    run(Command::new(env!("CARGO_BIN_EXE_xtask")).args(args))
}

/// Runs `xtask` with `args` in `dir` (for what depends on the working directory, such as
/// the default output directory) and waits for it.
pub fn xtask_in(dir: &Path, args: &[&str]) -> Output {
    run(Command::new(env!("CARGO_BIN_EXE_xtask"))
        .args(args)
        .current_dir(dir))
}

fn run(command: &mut Command) -> Output {
    command.output().expect("xtask runs")
}

/// What the run printed, stdout then stderr.
pub fn text(o: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    )
}

/// An empty directory of this name under the test's target tmpdir.
pub fn temp_dir(name: &str) -> PathBuf {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join(name);
    let _ = fs::remove_dir_all(&dir);
    dir
}

/// The workspace's root directory.
pub fn workspace_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("xtask/ has a parent")
        .to_path_buf()
}
