//! Without the `remote` feature, `validate`, `push` and `diff` run the same command line
//! again through cargo with the feature on. The project's first `build` then compiles
//! no HTTP, TLS or async code, and its edit-build loop links a small binary; the remote
//! commands pay for that stack once, on their first run.

use std::process::{Command, ExitCode};

use anyhow::{bail, Context, Result};

use crate::Project;

/// Set in the child, so that a child built without the feature after all (a package that
/// does not depend on `dashboard-cli` directly) fails instead of starting itself forever.
const GUARD: &str = "DASHBOARD_CLI_REMOTE_REEXEC";

pub fn run(project: &Project) -> Result<ExitCode> {
    if std::env::var_os(GUARD).is_some() {
        bail!(
            "{} was built without dashboard-cli's `remote` feature even when asked for it; \
             depend on dashboard-cli directly from {}",
            project.package,
            project.package
        );
    }
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    let args: Vec<String> = std::env::args().skip(1).collect();
    let status = Command::new(&cargo)
        .args(cargo_args(project.package, &args))
        .env(GUARD, "1")
        .status()
        .with_context(|| format!("running {cargo} to start the remote commands"))?;
    // A child killed by a signal has no code: report it as the failure it is.
    Ok(ExitCode::from(
        status
            .code()
            .and_then(|c| u8::try_from(c).ok())
            .unwrap_or(1),
    ))
}

/// `cargo run` of `package` with the remote commands compiled in, then the user's words.
fn cargo_args(package: &str, args: &[String]) -> Vec<String> {
    let mut all: Vec<String> = [
        "run",
        "--quiet",
        "--package",
        package,
        "--features",
        "dashboard-cli/remote",
        "--",
    ]
    .map(String::from)
    .into();
    all.extend(args.iter().cloned());
    all
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn runs_the_same_words_with_the_feature_on() {
        let args = ["dashboards", "push", "--grafana-url", "http://g:3000"].map(String::from);
        assert_eq!(
            cargo_args("my-xtask", &args).join(" "),
            "run --quiet --package my-xtask --features dashboard-cli/remote -- \
             dashboards push --grafana-url http://g:3000"
        );
    }
}
