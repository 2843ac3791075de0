//! `cargo xtask dashboards validate`.

use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Duration;

use anyhow::Result;
use dashboard_validate::{validate, Options};

/// Output format of the report.
#[derive(Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    /// One table per dashboard.
    Table,
    /// Machine-readable, for CI.
    Json,
}

#[derive(clap::Args)]
pub struct ValidateArgs {
    /// Base URL of the Prometheus to check against.
    #[arg(long)]
    pub prometheus_url: String,
    /// Check the dashboard JSON files in this directory instead of building them.
    #[arg(long)]
    pub input: Option<PathBuf>,
    /// Report format.
    #[arg(long, value_enum, default_value = "table")]
    pub format: Format,
    /// Queries that return no series are warnings, not failures.
    #[arg(long)]
    pub allow_empty: bool,
    /// How far back range queries look, in seconds.
    #[arg(long, default_value_t = 3600, value_name = "SECONDS")]
    pub window: u64,
    /// Prometheus' scrape interval in seconds (sets $__rate_interval).
    #[arg(long, default_value_t = 15, value_name = "SECONDS")]
    pub scrape_interval: u64,
    /// Per-request timeout in seconds.
    #[arg(long, default_value_t = 10, value_name = "SECONDS")]
    pub timeout: u64,
    /// Requests to Prometheus in flight at once.
    #[arg(long, default_value_t = 8)]
    pub concurrency: usize,
}

pub fn run(args: &ValidateArgs) -> Result<ExitCode> {
    let dashboards = match &args.input {
        Some(dir) => crate::input::load_dir(dir)?
            .into_iter()
            .map(|(_, v)| v)
            .collect(),
        None => crate::input::built()?,
    };
    let opts = Options {
        window: Duration::from_secs(args.window.max(1)),
        scrape_interval: Duration::from_secs(args.scrape_interval.max(1)),
        timeout: Duration::from_secs(args.timeout.max(1)),
        concurrency: args.concurrency.max(1),
        allow_empty: args.allow_empty,
        ..Options::new(&args.prometheus_url)
    };
    let report = validate(&dashboards, &opts)?;
    match args.format {
        Format::Table => print!("{}", report.to_table()),
        Format::Json => print!("{}", report.to_json()),
    }
    Ok(if report.passed() {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    })
}
