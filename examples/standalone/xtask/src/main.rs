//! `cargo xtask dashboards build|validate|push|diff`: dashboard-cli over this repository's
//! dashboards. `cargo xtask --help` lists the commands and their options.

use std::process::ExitCode;

fn main() -> ExitCode {
    dashboard_cli::main(&dashboard_cli::Project::new(
        env!("CARGO_PKG_NAME"),
        service_dashboards::all,
    ))
}
