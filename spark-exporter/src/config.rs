//! Command-line flags and their environment variables.
//!
//! ```
//! use clap::Parser;
//! use spark_exporter::config::Args;
//!
//! let args = Args::try_parse_from([
//!     "spark-exporter", "--graphite-listen", "127.0.0.1:2003",
//!     "--spark-ui", "http://driver:4040", "--poll-interval", "5s",
//! ]).unwrap();
//! let config = args.into_config().unwrap();
//! assert_eq!(config.rest_targets, vec!["http://driver:4040".to_string()]);
//! assert_eq!(config.poller.interval, std::time::Duration::from_secs(5));
//! ```

use std::net::SocketAddr;
use std::time::Duration;

use clap::Parser;

use crate::rest::poller::PollerConfig;
use crate::store::Limits;

/// Everything the exporter runs with.
#[derive(Debug, Clone, PartialEq)]
pub struct Config {
    /// `/metrics` and `/healthz`.
    pub listen: SocketAddr,
    /// The Graphite plaintext listener (TCP).
    pub graphite_listen: SocketAddr,
    /// Also take Graphite lines over UDP, on the same address and port as TCP
    /// (`spark.metrics.conf.*.sink.graphite.protocol=udp`).
    pub graphite_udp: bool,
    /// Driver UIs and History Servers to poll.
    pub rest_targets: Vec<String>,
    /// A file with more targets, one URL per line, re-read every poll interval.
    pub targets_file: Option<std::path::PathBuf>,
    /// How the REST targets are polled.
    pub poller: PollerConfig,
    /// The Graphite series caps.
    pub limits: Limits,
    /// Graphite series not updated for this long are removed.
    pub series_ttl: Duration,
    /// Graphite connections open at most.
    pub max_connections: usize,
    /// A Graphite connection that sends nothing for this long is closed.
    pub idle_timeout: Duration,
}

impl Default for Config {
    fn default() -> Self {
        Self {
            listen: ([0, 0, 0, 0], 9188).into(),
            graphite_listen: ([0, 0, 0, 0], 2003).into(),
            graphite_udp: true,
            rest_targets: Vec::new(),
            targets_file: None,
            poller: PollerConfig::default(),
            limits: Limits::default(),
            series_ttl: Duration::from_secs(600),
            max_connections: 256,
            idle_timeout: Duration::from_secs(300),
        }
    }
}

/// Prometheus exporter for the Spark signals Spark does not export on a cluster.
///
/// Listens for Spark's GraphiteSink (executor task metrics: CPU, GC, ser/deser, shuffle
/// fetch wait, spill, …) and polls Spark's REST API (per-stage task quantiles and skew,
/// job status) of driver UIs or History Servers. Serves everything on /metrics.
#[derive(Debug, Parser)]
#[command(name = "spark-exporter", version, about, long_about = None)]
pub struct Args {
    /// Address to serve /metrics and /healthz on.
    #[arg(long, env = "SPARK_EXPORTER_LISTEN", default_value = "0.0.0.0:9188")]
    pub listen: SocketAddr,

    /// Address to accept the Graphite plaintext protocol on (TCP), for Spark's GraphiteSink.
    #[arg(
        long,
        env = "SPARK_EXPORTER_GRAPHITE_LISTEN",
        default_value = "0.0.0.0:2003"
    )]
    pub graphite_listen: SocketAddr,

    /// Also accept Graphite lines over UDP on the same address and port, for GraphiteSinks
    /// configured with `protocol=udp` (one line a datagram). `false` listens on TCP only.
    #[arg(
        long,
        env = "SPARK_EXPORTER_GRAPHITE_UDP",
        default_value_t = true,
        action = clap::ArgAction::Set
    )]
    pub graphite_udp: bool,

    /// A running driver's UI to poll, e.g. http://driver-svc:4040 (repeat, or comma-separate
    /// in the environment variable).
    #[arg(
        long = "spark-ui",
        env = "SPARK_EXPORTER_SPARK_UI",
        value_delimiter = ','
    )]
    pub spark_ui: Vec<String>,

    /// A Spark History Server to poll, e.g. http://spark-history:18080 (running and
    /// recently finished applications).
    #[arg(
        long = "history-server",
        env = "SPARK_EXPORTER_HISTORY_SERVER",
        value_delimiter = ','
    )]
    pub history_server: Vec<String>,

    /// A file listing more REST targets (driver UIs or History Servers), one URL per line,
    /// `#` comments allowed. Re-read every poll interval: a discovery job or a mounted
    /// ConfigMap can add and remove targets without a restart.
    #[arg(long, env = "SPARK_EXPORTER_TARGETS_FILE")]
    pub targets_file: Option<std::path::PathBuf>,

    /// Time between two polls of one REST target (e.g. 15s, 1m).
    #[arg(long, env = "SPARK_EXPORTER_POLL_INTERVAL", default_value = "15s", value_parser = parse_duration)]
    pub poll_interval: Duration,

    /// Timeout of one REST request.
    #[arg(long, env = "SPARK_EXPORTER_REST_TIMEOUT", default_value = "10s", value_parser = parse_duration)]
    pub rest_timeout: Duration,

    /// Task quantiles to export per stage, comma-separated (0.5, 0.75 and 1 are always
    /// added: the dashboards read them).
    #[arg(long, env = "SPARK_EXPORTER_QUANTILES", default_value = "0,0.25,0.5,0.75,0.95,1", value_delimiter = ',', value_parser = parse_quantile)]
    pub quantiles: Vec<f64>,

    /// How long finished stages and jobs stay exported.
    #[arg(long, env = "SPARK_EXPORTER_STAGE_RETENTION", default_value = "10m", value_parser = parse_duration)]
    pub stage_retention: Duration,

    /// How long an application stays exported after its target last listed it.
    #[arg(long, env = "SPARK_EXPORTER_APP_RETENTION", default_value = "10m", value_parser = parse_duration)]
    pub app_retention: Duration,

    /// Applications exported per REST target at most (newest first).
    #[arg(long, env = "SPARK_EXPORTER_MAX_APPLICATIONS", default_value_t = 20)]
    pub max_applications: usize,

    /// Stage attempts exported per application at most (active first, then newest).
    #[arg(long, env = "SPARK_EXPORTER_MAX_STAGES", default_value_t = 100)]
    pub max_stages: usize,

    /// Jobs exported per application at most (newest first).
    #[arg(long, env = "SPARK_EXPORTER_MAX_JOBS", default_value_t = 100)]
    pub max_jobs: usize,

    /// SQL executions exported per application at most: the running ones and those
    /// finished within --stage-retention, newest first. 0 stops polling `/sql`.
    #[arg(long, env = "SPARK_EXPORTER_MAX_SQL_EXECUTIONS", default_value_t = 20)]
    pub max_sql_executions: usize,

    /// Plan operators exported per SQL execution at most: those that spilled (most spill
    /// first), then the heaviest by time, then by rows.
    #[arg(long, env = "SPARK_EXPORTER_MAX_SQL_OPERATORS", default_value_t = 5)]
    pub max_sql_operators: usize,

    /// taskSummary requests per application and poll at most.
    #[arg(
        long,
        env = "SPARK_EXPORTER_MAX_SUMMARIES_PER_POLL",
        default_value_t = 50
    )]
    pub max_summaries_per_poll: usize,

    /// Largest REST response read, in bytes.
    #[arg(long, env = "SPARK_EXPORTER_REST_MAX_BODY_BYTES", default_value_t = 64 << 20)]
    pub rest_max_body_bytes: u64,

    /// Graphite series held at most; lines of further series are dropped and counted.
    #[arg(long, env = "SPARK_EXPORTER_MAX_SERIES", default_value_t = 100_000)]
    pub max_series: usize,

    /// Graphite series that no line updates for this long are removed.
    #[arg(long, env = "SPARK_EXPORTER_SERIES_TTL", default_value = "10m", value_parser = parse_duration)]
    pub series_ttl: Duration,

    /// Graphite connections open at most; further ones are closed at once and counted.
    #[arg(long, env = "SPARK_EXPORTER_MAX_CONNECTIONS", default_value_t = 256)]
    pub max_connections: usize,

    /// A Graphite connection that sends nothing for this long is closed.
    #[arg(long, env = "SPARK_EXPORTER_GRAPHITE_IDLE_TIMEOUT", default_value = "5m", value_parser = parse_duration)]
    pub graphite_idle_timeout: Duration,
}

/// A configuration mistake, with what to write instead.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum ConfigError {
    /// A REST target that is not an http(s) URL.
    #[error("{flag} {value:?} is not an http:// or https:// URL (e.g. http://spark-driver:4040 or http://spark-history:18080)")]
    BadUrl {
        /// The flag that has it.
        flag: &'static str,
        /// What was given.
        value: String,
    },
    /// A duration or count below what works.
    #[error("{flag} must be at least {min} (got {value})")]
    TooSmall {
        /// The flag.
        flag: &'static str,
        /// The smallest value that works.
        min: String,
        /// What was given.
        value: String,
    },
}

impl Args {
    /// Checks the flags and builds the [`Config`].
    pub fn into_config(self) -> Result<Config, ConfigError> {
        let mut targets = Vec::new();
        for (flag, urls) in [
            ("--spark-ui", &self.spark_ui),
            ("--history-server", &self.history_server),
        ] {
            for url in urls.iter().map(|u| u.trim()).filter(|u| !u.is_empty()) {
                if !is_http_url(url) {
                    return Err(ConfigError::BadUrl {
                        flag,
                        value: url.to_string(),
                    });
                }
                if !targets.iter().any(|t: &String| t == url) {
                    targets.push(url.to_string());
                }
            }
        }
        let at_least = |flag: &'static str, d: Duration, min: Duration| {
            if d < min {
                Err(ConfigError::TooSmall {
                    flag,
                    min: format!("{min:?}"),
                    value: format!("{d:?}"),
                })
            } else {
                Ok(())
            }
        };
        at_least(
            "--poll-interval",
            self.poll_interval,
            Duration::from_millis(100),
        )?;
        at_least(
            "--rest-timeout",
            self.rest_timeout,
            Duration::from_millis(100),
        )?;
        at_least("--series-ttl", self.series_ttl, Duration::from_secs(1))?;
        at_least(
            "--graphite-idle-timeout",
            self.graphite_idle_timeout,
            Duration::from_secs(1),
        )?;
        for (flag, n) in [
            ("--max-applications", self.max_applications),
            ("--max-stages", self.max_stages),
            ("--max-jobs", self.max_jobs),
            ("--max-series", self.max_series),
            ("--max-connections", self.max_connections),
        ] {
            if n == 0 {
                return Err(ConfigError::TooSmall {
                    flag,
                    min: "1".into(),
                    value: "0".into(),
                });
            }
        }
        Ok(Config {
            listen: self.listen,
            graphite_listen: self.graphite_listen,
            graphite_udp: self.graphite_udp,
            rest_targets: targets,
            targets_file: self.targets_file,
            poller: PollerConfig {
                interval: self.poll_interval,
                timeout: self.rest_timeout,
                quantiles: self.quantiles,
                stage_retention: self.stage_retention,
                app_retention: self.app_retention,
                max_applications: self.max_applications,
                max_stages: self.max_stages,
                max_jobs: self.max_jobs,
                max_sql_executions: self.max_sql_executions,
                max_sql_operators: self.max_sql_operators,
                max_summaries_per_cycle: self.max_summaries_per_poll,
                max_body_bytes: self.rest_max_body_bytes,
            },
            limits: Limits {
                max_series: self.max_series,
                max_ignored_paths: self.max_series,
            },
            series_ttl: self.series_ttl,
            max_connections: self.max_connections,
            idle_timeout: self.graphite_idle_timeout,
        })
    }
}

/// Whether `url` is an `http://` or `https://` URL with a host.
///
/// ```
/// use spark_exporter::config::is_http_url;
/// assert!(is_http_url("http://spark-history:18080"));
/// assert!(!is_http_url("spark-history:18080"));
/// assert!(!is_http_url("http://"));
/// ```
pub fn is_http_url(url: &str) -> bool {
    (url.starts_with("http://") || url.starts_with("https://"))
        && url.split_once("://").is_some_and(|(_, rest)| {
            !rest.is_empty() && !rest.starts_with('/') && !rest.contains(char::is_whitespace)
        })
}

/// The targets in a targets file: one URL per line, blank lines and `#` comments skipped.
/// Returns the URLs and the lines that are not URLs.
///
/// ```
/// use spark_exporter::config::parse_targets_file;
/// let (ok, bad) = parse_targets_file("# drivers\nhttp://a:4040\n\nnot a url\n");
/// assert_eq!(ok, ["http://a:4040"]);
/// assert_eq!(bad, ["not a url"]);
/// ```
pub fn parse_targets_file(text: &str) -> (Vec<String>, Vec<String>) {
    let mut ok: Vec<String> = Vec::new();
    let mut bad = Vec::new();
    for line in text.lines().map(str::trim) {
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        if is_http_url(line) {
            if !ok.iter().any(|t| t == line) {
                ok.push(line.to_string());
            }
        } else {
            bad.push(line.to_string());
        }
    }
    (ok, bad)
}

/// `500ms`, `15s`, `10m`, `1h`, `7d`, or a number of seconds.
///
/// ```
/// use std::time::Duration;
/// use spark_exporter::config::parse_duration;
/// assert_eq!(parse_duration("1500ms"), Ok(Duration::from_millis(1500)));
/// assert_eq!(parse_duration("10m"), Ok(Duration::from_secs(600)));
/// assert_eq!(parse_duration("30"), Ok(Duration::from_secs(30)));
/// assert!(parse_duration("ten minutes").is_err());
/// ```
pub fn parse_duration(s: &str) -> Result<Duration, String> {
    let s = s.trim();
    let split = s
        .find(|c: char| !c.is_ascii_digit() && c != '.')
        .unwrap_or(s.len());
    let (number, unit) = s.split_at(split);
    let n: f64 = number
        .parse()
        .map_err(|_| format!("{s:?} is not a duration like 500ms, 15s, 10m, 1h or 7d"))?;
    let secs = match unit {
        "ms" => n / 1000.0,
        "" | "s" => n,
        "m" => n * 60.0,
        "h" => n * 3600.0,
        "d" => n * 86_400.0,
        _ => {
            return Err(format!(
                "{s:?}: unknown unit {unit:?} (use ms, s, m, h or d)"
            ))
        }
    };
    Duration::try_from_secs_f64(secs).map_err(|e| format!("{s:?}: {e}"))
}

/// A quantile in [0, 1].
fn parse_quantile(s: &str) -> Result<f64, String> {
    let q: f64 = s
        .trim()
        .parse()
        .map_err(|_| format!("{s:?} is not a number"))?;
    if (0.0..=1.0).contains(&q) {
        Ok(q)
    } else {
        Err(format!("{s:?} is not a quantile between 0 and 1"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(args: &[&str]) -> Result<Config, String> {
        let mut all = vec!["spark-exporter"];
        all.extend_from_slice(args);
        Args::try_parse_from(all)
            .map_err(|e| e.to_string())?
            .into_config()
            .map_err(|e| e.to_string())
    }

    #[test]
    fn errors_say_what_to_write() {
        let e = parse(&["--spark-ui", "driver:4040"]).unwrap_err();
        assert!(
            e.contains("\"driver:4040\" is not an http:// or https:// URL"),
            "{e}"
        );
        let e = parse(&["--quantiles", "0.5,99"]).unwrap_err();
        assert!(e.contains("not a quantile between 0 and 1"), "{e}");
        let e = parse(&["--poll-interval", "1y"]).unwrap_err();
        assert!(e.contains("unknown unit"), "{e}");
        let e = parse(&["--max-series", "0"]).unwrap_err();
        assert!(e.contains("--max-series must be at least 1"), "{e}");
    }

    #[test]
    fn targets_are_deduplicated_and_both_kinds_polled() {
        let c = parse(&[
            "--spark-ui",
            "http://a:4040,http://b:4040",
            "--history-server",
            "http://h:18080",
            "--spark-ui",
            "http://a:4040",
        ])
        .unwrap();
        assert_eq!(
            c.rest_targets,
            ["http://a:4040", "http://b:4040", "http://h:18080"]
        );
    }

    #[test]
    fn defaults() {
        let c = parse(&[]).unwrap();
        assert_eq!(c.listen.port(), 9188);
        assert_eq!(c.graphite_listen.port(), 2003);
        assert_eq!(c.poller.quantiles, vec![0.0, 0.25, 0.5, 0.75, 0.95, 1.0]);
        assert_eq!(c.limits.max_series, 100_000);
    }
}
