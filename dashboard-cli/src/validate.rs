//! `cargo xtask dashboards validate`.

use std::process::ExitCode;
use std::time::Duration;

use anyhow::Result;
use dashboard_validate::{validate, Options};

use crate::{Project, ValidateArgs, ValidateFormat};

pub fn run(project: &Project, args: &ValidateArgs) -> Result<ExitCode> {
    let dashboards = match &args.input {
        Some(dir) => crate::input::load_dir(dir)?
            .into_iter()
            .map(|(_, v)| v)
            .collect(),
        None => crate::input::built(project)?,
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
        ValidateFormat::Table => print!("{}", report.to_table()),
        ValidateFormat::Json => print!("{}", report.to_json()),
    }
    Ok(if report.passed() {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    })
}
