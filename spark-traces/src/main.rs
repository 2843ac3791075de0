//! `spark-traces`: Spark event logs to OpenTelemetry spans over OTLP.

use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::atomic::AtomicBool;
use std::time::Instant;

use clap::Parser;
use spark_traces::config::{parse_duration, parse_pairs, Compression, Layer, Protocol};
use spark_traces::convert::TracePer;
use spark_traces::ids::{hex, span_id, trace_id, SpanKey, TraceKey};
use spark_traces::run::{run, Sink};

/// Turn Spark event logs into OpenTelemetry traces (application > SQL > job > stage > task)
/// and send them over OTLP to Tempo, Jaeger or an OpenTelemetry Collector.
///
/// Settings come from flags, then SPARK_TRACES_* and the standard OTEL_* variables
/// (OTEL_EXPORTER_OTLP_ENDPOINT, _PROTOCOL, _HEADERS, _COMPRESSION, _TIMEOUT,
/// OTEL_SERVICE_NAME, OTEL_RESOURCE_ATTRIBUTES), then the values file (--config), then the
/// defaults.
#[derive(Parser, Debug)]
#[command(version, max_term_width = 100)]
struct Cli {
    /// Event logs: a file (plain, gzip, zstd, lz4, snappy; `.inprogress` or not), a rolling
    /// `eventlog_v2_<app>` directory, or a directory of logs such as spark.eventLog.dir.
    #[arg(required_unless_present = "print_ids")]
    logs: Vec<PathBuf>,

    /// A values-style YAML file; its `monitoring.openTelemetry` block is read.
    #[arg(short, long, env = "SPARK_TRACES_CONFIG", value_name = "FILE")]
    config: Option<PathBuf>,

    /// Where to send spans [default: http://localhost:4317 for grpc,
    /// http://localhost:4318/v1/traces for http].
    #[arg(long, env = "SPARK_TRACES_ENDPOINT", value_name = "URL")]
    endpoint: Option<String>,

    /// `grpc` or `http` (OTLP/HTTP with protobuf bodies) [default: grpc].
    #[arg(long, env = "SPARK_TRACES_PROTOCOL")]
    protocol: Option<Protocol>,

    /// Share of task spans exported, 0.0-1.0, chosen by span id (deterministic) [default: 1.0].
    /// Stage spans always carry task-duration quantiles over all tasks.
    #[arg(long, env = "SPARK_TRACES_SAMPLING_RATIO", value_name = "RATIO")]
    sampling_ratio: Option<f64>,

    /// `service.name` of the resource [default: spark].
    #[arg(long, env = "SPARK_TRACES_SERVICE_NAME", value_name = "NAME")]
    service_name: Option<String>,

    /// More resource attributes, `key=value[,key=value]`; repeatable.
    #[arg(
        long = "resource-attribute",
        env = "SPARK_TRACES_RESOURCE_ATTRIBUTES",
        value_name = "K=V",
        value_delimiter = ','
    )]
    resource_attributes: Vec<String>,

    /// A header (gRPC metadata) on every export request, `name=value`; repeatable.
    #[arg(
        long = "header",
        env = "SPARK_TRACES_HEADERS",
        value_name = "K=V",
        value_delimiter = ','
    )]
    headers: Vec<String>,

    /// One trace per `application` or per `sql` execution [default: application].
    #[arg(long, env = "SPARK_TRACES_TRACE_PER", value_name = "GROUPING")]
    trace_per: Option<TracePer>,

    /// Export failed task attempts even when sampling leaves them out [default: true].
    #[arg(long, env = "SPARK_TRACES_KEEP_FAILED_TASKS", value_name = "BOOL")]
    keep_failed_tasks: Option<bool>,

    /// `gzip` or `none` [default: none].
    #[arg(long, env = "SPARK_TRACES_COMPRESSION")]
    compression: Option<Compression>,

    /// Timeout of one export request [default: 10s].
    #[arg(long, env = "SPARK_TRACES_TIMEOUT", value_parser = parse_duration, value_name = "DURATION")]
    timeout: Option<std::time::Duration>,

    /// Spans per export request, at most [default: 512].
    #[arg(long, env = "SPARK_TRACES_BATCH_SIZE", value_name = "SPANS")]
    batch_size: Option<usize>,

    /// When following, the longest a span waits for its batch [default: 2s].
    #[arg(long, env = "SPARK_TRACES_BATCH_TIMEOUT", value_parser = parse_duration, value_name = "DURATION")]
    batch_timeout: Option<std::time::Duration>,

    /// Attempts per batch, the first included [default: 6].
    #[arg(long, env = "SPARK_TRACES_MAX_ATTEMPTS", value_name = "N")]
    max_attempts: Option<u32>,

    /// Wait before the first retry, doubled after each [default: 500ms].
    #[arg(long, env = "SPARK_TRACES_INITIAL_BACKOFF", value_parser = parse_duration, value_name = "DURATION")]
    initial_backoff: Option<std::time::Duration>,

    /// Longest wait between retries [default: 30s].
    #[arg(long, env = "SPARK_TRACES_MAX_BACKOFF", value_parser = parse_duration, value_name = "DURATION")]
    max_backoff: Option<std::time::Duration>,

    /// Keep following growing logs (and new logs in a directory) instead of exiting.
    #[arg(short, long, env = "SPARK_TRACES_FOLLOW")]
    follow: bool,

    /// How often followed logs are checked [default: 2s].
    #[arg(long, env = "SPARK_TRACES_POLL_INTERVAL", value_parser = parse_duration, value_name = "DURATION")]
    poll_interval: Option<std::time::Duration>,

    /// Where progress is kept, so a restart resumes without duplicating spans.
    #[arg(long, env = "SPARK_TRACES_STATE_FILE", value_name = "FILE")]
    state_file: Option<PathBuf>,

    /// Print the spans as JSON lines instead of exporting them (no state is saved).
    #[arg(long)]
    dry_run: bool,

    /// Print the trace id (and the application span id) of an application id, and exit.
    #[arg(long, value_name = "APP_ID")]
    print_ids: Option<String>,

    /// Only errors on standard error, no summary.
    #[arg(short, long)]
    quiet: bool,
}

/// Set by SIGTERM and SIGINT: the run flushes what it has, saves its state and exits.
static STOP: AtomicBool = AtomicBool::new(false);

extern "C" fn on_signal(_: libc::c_int) {
    // Async-signal-safe: an atomic store only.
    STOP.store(true, std::sync::atomic::Ordering::Relaxed);
}

/// Kubernetes stops a pod with SIGTERM: finish the batch in flight and record progress
/// instead of dying mid-way (after its grace period, Kubernetes sends SIGKILL).
fn stop_on_signals() {
    let handler = on_signal as extern "C" fn(libc::c_int) as libc::sighandler_t;
    // SAFETY: installing a handler that only stores to an atomic.
    unsafe {
        libc::signal(libc::SIGTERM, handler);
        libc::signal(libc::SIGINT, handler);
    }
}

fn pairs(values: &[String], what: &str) -> Result<Option<Vec<(String, String)>>, String> {
    if values.is_empty() {
        return Ok(None);
    }
    parse_pairs(&values.join(","))
        .map(Some)
        .map_err(|e| format!("{what}: {e}"))
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    if let Some(app) = &cli.print_ids {
        println!(
            "trace id (one trace per application): {}",
            hex(&trace_id(app, TraceKey::Application))
        );
        println!(
            "application span id:                  {}",
            hex(&span_id(app, SpanKey::Application))
        );
        return ExitCode::SUCCESS;
    }
    match main_inner(cli) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::FAILURE
        }
    }
}

fn main_inner(cli: Cli) -> Result<(), String> {
    let flags = Layer {
        endpoint: cli.endpoint.clone(),
        protocol: cli.protocol,
        sampling_ratio: cli.sampling_ratio,
        service_name: cli.service_name.clone(),
        resource_attributes: pairs(&cli.resource_attributes, "--resource-attribute")?,
        headers: pairs(&cli.headers, "--header")?,
        trace_per: cli.trace_per,
        keep_failed_tasks: cli.keep_failed_tasks,
        compression: cli.compression,
        timeout: cli.timeout,
        batch_max_spans: cli.batch_size,
        batch_timeout: cli.batch_timeout,
        retry_max_attempts: cli.max_attempts,
        retry_initial_backoff: cli.initial_backoff,
        retry_max_backoff: cli.max_backoff,
        follow: cli.follow.then_some(true),
        poll_interval: cli.poll_interval,
        state_file: cli.state_file.clone(),
        ..Layer::default()
    };
    let env = Layer::from_otel_env(|k| std::env::var(k).ok())?;
    let file = match &cli.config {
        Some(p) => {
            let text = std::fs::read_to_string(p)
                .map_err(|e| format!("cannot read the config file {}: {e}", p.display()))?;
            Layer::from_values_yaml(&text).map_err(|e| format!("{}: {e}", p.display()))?
        }
        None => Layer::default(),
    };
    let config = flags.over(&env.over(&file)).resolve()?;
    if !config.enabled {
        if !cli.quiet {
            eprintln!(
                "spark-traces: disabled by monitoring.openTelemetry.enabled=false; nothing to do"
            );
        }
        return Ok(());
    }
    if config.jaeger && !cli.quiet {
        eprintln!(
            "spark-traces: exporterType jaeger: sending OTLP to Jaeger's OTLP receiver at {} (Jaeger 1.35+; the legacy Thrift protocol is not spoken)",
            config.endpoint
        );
    }
    let started = Instant::now();
    let sink = if cli.dry_run {
        Sink::DryRun(Box::new(std::io::BufWriter::new(std::io::stdout())))
    } else {
        Sink::Otlp
    };
    stop_on_signals();
    let summary = run(&config, &cli.logs, sink, &STOP).map_err(|e| e.to_string())?;
    if !cli.quiet {
        let spans: Vec<String> = summary
            .spans
            .iter()
            .map(|(k, v)| format!("{v} {k}"))
            .collect();
        eprintln!(
            "spark-traces: {} log(s), {} lines ({} malformed), {} spans {} in {} batch(es) ({}; {} task spans sampled out, {} retries) in {:.2} s{}",
            summary.logs,
            summary.lines,
            summary.malformed,
            summary.exported,
            if cli.dry_run { "written" } else { "exported" },
            summary.batches,
            if spans.is_empty() { "none".to_string() } else { spans.join(", ") },
            summary.tasks_sampled_out,
            summary.retries,
            started.elapsed().as_secs_f64(),
            if cli.dry_run { String::new() } else { format!(" to {} ({})", config.endpoint, config.protocol) },
        );
    }
    Ok(())
}
