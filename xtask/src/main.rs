//! `cargo xtask`: the project's build tooling, in plain Rust (no shell scripts).

mod build;
mod configmap;
mod diff;
mod input;
mod push;
mod test;
mod validate;

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};

#[derive(Parser)]
#[command(
    name = "cargo xtask",
    about = "Build, check and test the Spark dashboards",
    version
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Work with the dashboards defined in the `dashboards` crate.
    Dashboards {
        #[command(subcommand)]
        command: DashboardsCommand,
    },
    /// Run every test of the workspace, preparing what the tests need first.
    Test(test::TestArgs),
}

#[derive(Subcommand)]
enum DashboardsCommand {
    /// Build and lint every dashboard and write one `<folder>/<uid>.json` per dashboard.
    ///
    /// The output is byte-identical across runs and machines, so it can be committed and
    /// reviewed. With --check nothing is written: the command fails and lists the files
    /// that differ, for CI. With --format configmap it writes one Kubernetes ConfigMap per
    /// dashboard instead, for the Grafana Helm chart's dashboard sidecar, and fails
    /// (writing nothing) if one would exceed Kubernetes' 1 MiB limit.
    Build {
        /// Output directory [default: dist/dashboards, or dist/configmaps with
        /// --format configmap].
        #[arg(long)]
        out: Option<PathBuf>,
        /// Write nothing; fail if any file in --out is missing, different or stale.
        #[arg(long)]
        check: bool,
        /// What to write: dashboard JSON for Grafana file provisioning, or ConfigMaps.
        #[arg(long, value_enum, default_value_t = build::Format::Json)]
        format: build::Format,
    },
    /// Check every query against a live Prometheus, expanding Grafana's variables.
    ///
    /// Reports Prometheus parse errors, metrics that do not exist, queries with no
    /// series, legend/grouping/data-link labels the result lacks and variable queries
    /// with no values. Exits 0 only when everything passes.
    Validate(validate::ValidateArgs),
    /// Push the dashboards to Grafana through its HTTP API, safely.
    ///
    /// Health and credentials are checked first. Folders are created when missing. A
    /// dashboard whose content is unchanged is not written (no new version); one edited
    /// in Grafana since the last push is refused with a diff of the edit (--force
    /// overwrites); an edit landing between read and write is refused by Grafana.
    /// Credentials: GRAFANA_TOKEN or --token-file, or GRAFANA_USER and GRAFANA_PASSWORD.
    /// Exits 1 if any dashboard conflicted or failed; the summary lists which.
    Push(push::PushArgs),
    /// Diff the dashboards as built now against Grafana, a git revision or a directory.
    ///
    /// Per dashboard and per panel: added, removed and moved panels, titles, queries
    /// (the whole PromQL before and after), units, thresholds, variables and links.
    /// Exit status, like `git diff --exit-code`: 0 no differences, 1 differences,
    /// 2 error.
    Diff(diff::DiffArgs),
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = match cli.command {
        Command::Dashboards {
            command: DashboardsCommand::Build { out, check, format },
        } => build::run_as(out.as_deref(), check, format),
        Command::Dashboards {
            command: DashboardsCommand::Validate(args),
        } => validate::run(&args),
        Command::Dashboards {
            command: DashboardsCommand::Push(args),
        } => push::run(&args),
        Command::Dashboards {
            command: DashboardsCommand::Diff(args),
        } => diff::run(&args),
        Command::Test(args) => test::run(&args),
    };
    match result {
        Ok(code) => code,
        Err(e) => {
            eprintln!("error: {e:#}");
            ExitCode::FAILURE
        }
    }
}
