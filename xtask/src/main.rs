//! `cargo xtask`: this repository's command line. `dashboards ...` and `alerts ...` are
//! dashboard-cli's, over the Spark dashboards and their rules; `test` is the repository's own dev tooling.

mod test;

use std::process::ExitCode;

use clap::{Parser, Subcommand};

/// The Spark dashboards, for every `dashboards` command.
const PROJECT: dashboard_cli::Project =
    dashboard_cli::Project::new(env!("CARGO_PKG_NAME"), dashboards::all)
        .with_alerts(dashboards::alerts::all);

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
        command: dashboard_cli::Command,
    },
    /// Work with the Prometheus rules defined in the `dashboards` crate (`alerts`).
    Alerts {
        #[command(subcommand)]
        command: dashboard_cli::AlertsCommand,
    },
    /// Run every test of the workspace, preparing what the tests need first.
    Test(test::TestArgs),
}

fn main() -> ExitCode {
    match Cli::parse().command {
        Command::Dashboards { command } => dashboard_cli::run(&PROJECT, command),
        Command::Alerts { command } => dashboard_cli::run_alerts(&PROJECT, command),
        Command::Test(args) => test::run(&args).unwrap_or_else(|e| {
            eprintln!("error: {e:#}");
            ExitCode::FAILURE
        }),
    }
}
