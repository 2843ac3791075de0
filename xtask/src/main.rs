//! `cargo xtask`: the project's build tooling, in plain Rust (no shell scripts).

mod build;
mod input;
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
    /// that differ, for CI.
    Build {
        /// Output directory.
        #[arg(long, default_value = "dist/dashboards")]
        out: PathBuf,
        /// Write nothing; fail if any file in --out is missing, different or stale.
        #[arg(long)]
        check: bool,
    },
    /// Check every query against a live Prometheus, expanding Grafana's variables.
    ///
    /// Reports Prometheus parse errors, metrics that do not exist, queries with no
    /// series, legend/grouping/data-link labels the result lacks and variable queries
    /// with no values. Exits 0 only when everything passes.
    Validate(validate::ValidateArgs),
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = match cli.command {
        Command::Dashboards {
            command: DashboardsCommand::Build { out, check },
        } => build::run(&out, check),
        Command::Dashboards {
            command: DashboardsCommand::Validate(args),
        } => validate::run(&args),
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
