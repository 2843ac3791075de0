//! `spark-exporter`: see the crate docs and `spark-exporter --help`.

use std::process::ExitCode;

use clap::Parser;
use spark_exporter::config::Args;
use spark_exporter::shutdown::{block_termination_signals, wait_for_termination_signal};
use spark_exporter::Exporter;

fn main() -> ExitCode {
    // Before any thread starts, so that every thread inherits the mask and the signals
    // are only taken by `sigwait` below.
    if let Err(e) = block_termination_signals() {
        eprintln!("spark-exporter: cannot block SIGTERM/SIGINT: {e}");
        return ExitCode::FAILURE;
    }
    let config = match Args::parse().into_config() {
        Ok(c) => c,
        Err(e) => {
            eprintln!("spark-exporter: {e}");
            return ExitCode::from(2);
        }
    };
    let mut targets = if config.rest_targets.is_empty() && config.targets_file.is_none() {
        "none (Graphite only; add --spark-ui, --history-server or --targets-file)".to_string()
    } else {
        config
            .rest_targets
            .iter()
            .map(|t| spark_exporter::rest::poller::redact_url(t))
            .collect::<Vec<_>>()
            .join(", ")
    };
    if let Some(file) = &config.targets_file {
        targets.push_str(&format!(" + the targets in {}", file.display()));
    }
    let running = match Exporter::start(config) {
        Ok(r) => r,
        Err(e) => {
            eprintln!("spark-exporter: {e}");
            return ExitCode::FAILURE;
        }
    };
    eprintln!(
        "spark-exporter {}: Graphite on {}, /metrics on http://{}/metrics, REST targets: {targets}",
        env!("CARGO_PKG_VERSION"),
        running.graphite_addr(),
        running.http_addr(),
    );
    let code = match wait_for_termination_signal() {
        Ok(sig) => {
            eprintln!("spark-exporter: signal {sig}, shutting down");
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("spark-exporter: waiting for signals failed: {e}; shutting down");
            ExitCode::FAILURE
        }
    };
    running.stop();
    eprintln!("spark-exporter: stopped");
    code
}
