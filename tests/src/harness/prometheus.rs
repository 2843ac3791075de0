//! A real Prometheus on a free loopback port, configured by the metrics contract.

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::Duration;

use serde_json::Value;
use tempfile::TempDir;
use test_support::eventually::Eventually;

use super::process::{
    claim_dir, describe_exit, free_port, log_tail, spawn_tied, stop_process, sweep_stale_dirs,
};
use super::{
    contract_prometheus_config, http_client, prometheus_bin, prometheus_duration, HarnessError,
    Target,
};

/// The file_sd file the harness controls; matches the contract's `targets/spark-*.json`.
const TARGETS_FILE: &str = "targets/spark-harness.json";
/// Temporary directories: `$TMPDIR/harness-prometheus-*`.
const DIR_PREFIX: &str = "harness-prometheus-";
/// How long Prometheus may take to answer `/-/ready`.
const READY_TIMEOUT: Duration = Duration::from_secs(30);

/// A running Prometheus. Dropping it stops the process and deletes its directory
/// (configuration, targets and TSDB).
pub struct Prometheus {
    /// Base URL, `http://127.0.0.1:<port>`.
    pub url: String,
    child: Child,
    client: reqwest::blocking::Client,
    scrape_interval: Duration,
    log: PathBuf,
    // Last: removed after the process is stopped.
    dir: TempDir,
}

/// One series of an instant-vector answer.
#[derive(Debug, Clone, PartialEq)]
pub struct Series {
    /// All labels, `__name__` included when the query keeps it.
    pub labels: BTreeMap<String, String>,
    pub value: f64,
}

/// One active target as `/api/v1/targets` reports it.
#[derive(Debug, Clone)]
pub struct ScrapeTarget {
    pub job: String,
    pub scrape_url: String,
    /// `up`, `down` or `unknown` (not scraped yet).
    pub health: String,
    pub last_error: String,
    /// How long the last scrape took, in seconds: near the scrape interval means scrapes
    /// time out (Prometheus caps the timeout at the interval).
    pub last_scrape_seconds: f64,
    /// The target's labels after relabeling (`instance`, `job`, file_sd labels, …).
    pub labels: BTreeMap<String, String>,
}

impl std::fmt::Display for ScrapeTarget {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "job={} {} health={} lastScrapeDuration={:.3}s",
            self.job, self.scrape_url, self.health, self.last_scrape_seconds
        )?;
        if !self.last_error.is_empty() {
            write!(f, " lastError={:?}", self.last_error)?;
        }
        Ok(())
    }
}

impl Prometheus {
    /// Starts Prometheus (`PROMETHEUS_BIN`, see [`super::prometheus_bin`]) on a free
    /// 127.0.0.1 port, with the contract configuration
    /// `provisioning/prometheus/prometheus.yml` copied into a temporary directory, its global
    /// `scrape_interval` and `scrape_timeout` set to `scrape_interval`, and `targets` written
    /// to `targets/spark-harness.json` (matched by the contract's file_sd pattern).
    /// Returns once `/-/ready` answers 200.
    pub fn start(targets: &[Target], scrape_interval: Duration) -> Result<Self, HarnessError> {
        let bin = prometheus_bin()?;
        sweep_stale_dirs(DIR_PREFIX, |_| {});
        let contract_path = contract_prometheus_config();
        let contract = fs::read_to_string(&contract_path).map_err(|e| {
            HarnessError::io(
                format!("reading the contract config {}", contract_path.display()),
                e,
            )
        })?;
        let config = override_global_intervals(&contract, scrape_interval);
        let mut last_error = None;
        for _attempt in 0..3 {
            match Self::try_start(&bin, &config, targets, scrape_interval) {
                Ok(p) => return Ok(p),
                // The free port was taken between probing and binding: try another.
                Err(e @ HarnessError::ProcessExited { .. })
                    if e.to_string().contains("address already in use") =>
                {
                    last_error = Some(e)
                }
                Err(e) => return Err(e),
            }
        }
        Err(last_error.expect("three attempts"))
    }

    /// One attempt on one free port.
    fn try_start(
        bin: &Path,
        config: &str,
        targets: &[Target],
        scrape_interval: Duration,
    ) -> Result<Self, HarnessError> {
        let dir = tempfile::Builder::new()
            .prefix(DIR_PREFIX)
            .tempdir()
            .map_err(|e| HarnessError::io("creating a temporary directory", e))?;
        claim_dir(dir.path())?;
        let config_path = dir.path().join("prometheus.yml");
        fs::write(&config_path, config)
            .map_err(|e| HarnessError::io(format!("writing {}", config_path.display()), e))?;
        fs::create_dir_all(dir.path().join("targets"))
            .and_then(|_| fs::create_dir_all(dir.path().join("data")))
            .map_err(|e| HarnessError::io("creating targets/ and data/", e))?;
        write_targets(dir.path(), targets)?;

        let port = free_port()?;
        let log = dir.path().join("prometheus.log");
        let log_file = fs::File::create(&log)
            .map_err(|e| HarnessError::io(format!("creating {}", log.display()), e))?;
        let log_err = log_file
            .try_clone()
            .map_err(|e| HarnessError::io("duplicating the log file handle", e))?;
        let mut command = Command::new(bin);
        command
            .arg(format!("--config.file={}", config_path.display()))
            .arg(format!(
                "--storage.tsdb.path={}",
                dir.path().join("data").display()
            ))
            .arg(format!("--web.listen-address=127.0.0.1:{port}"))
            .current_dir(dir.path())
            .stdin(Stdio::null())
            .stdout(log_file)
            .stderr(log_err);
        let child = spawn_tied(command)
            .map_err(|e| HarnessError::io(format!("starting {}", bin.display()), e))?;
        let url = format!("http://127.0.0.1:{port}");
        let mut prometheus = Prometheus {
            url,
            child,
            client: http_client(Duration::from_secs(10))?,
            scrape_interval,
            log,
            dir,
        };
        prometheus.wait_ready()?;
        Ok(prometheus)
    }

    fn wait_ready(&mut self) -> Result<(), HarnessError> {
        let ready_url = format!("{}/-/ready", self.url);
        // Ok(Err) ends the wait at once: no waiting brings back a Prometheus that exited.
        let ready = Eventually::new(READY_TIMEOUT)
            .every(Duration::from_millis(100))
            .poll(|| {
                if let Ok(Some(status)) = self.child.try_wait() {
                    return Ok(Err(HarnessError::ProcessExited {
                        what: format!("Prometheus ({})", self.url),
                        status: describe_exit(status),
                        log: self.log.clone(),
                        log_tail: log_tail(&self.log, 15),
                        hint: String::new(),
                    }));
                }
                match self.client.get(&ready_url).send() {
                    Ok(r) if r.status().is_success() => Ok(Ok(())),
                    Ok(r) => Err(format!("HTTP {}", r.status())),
                    Err(e) => Err(super::error_chain(&e)),
                }
            });
        ready.unwrap_or_else(|timed_out| {
            Err(HarnessError::Timeout {
                what: format!("Prometheus to answer {ready_url}"),
                waited: timed_out.waited,
                details: format!(
                    "last answer: {}\nlast lines of {}:\n{}",
                    timed_out.last,
                    self.log.display(),
                    log_tail(&self.log, 15)
                ),
            })
        })
    }

    /// Replaces the file_sd target list (atomically; Prometheus picks it up within a second).
    pub fn set_targets(&self, targets: &[Target]) -> Result<(), HarnessError> {
        write_targets(self.dir.path(), targets)
    }

    /// Polls the instant query `expr` until it returns at least `min_series` series.
    /// On timeout the error shows the last answer and the health of every target.
    pub fn wait_for(
        &self,
        expr: &str,
        min_series: usize,
        timeout: Duration,
    ) -> Result<Vec<Series>, HarnessError> {
        // Ok(Err) ends the wait at once: a Prometheus that exited answers nothing more.
        let found = Eventually::new(timeout)
            .every(Duration::from_millis(250))
            .poll(|| {
                let last = match self.query(expr) {
                    Ok(series) if series.len() >= min_series => return Ok(Ok(series)),
                    Ok(series) => describe_series(&series),
                    Err(e) => e.to_string(),
                };
                match self.check_running() {
                    Ok(()) => Err(last),
                    Err(e) => Ok(Err(e)),
                }
            });
        found.unwrap_or_else(|timed_out| {
            Err(HarnessError::Timeout {
                what: format!(
                    "`{expr}` to return at least {min_series} series from Prometheus {}",
                    self.url
                ),
                waited: timed_out.waited,
                details: format!(
                    "last answer: {}\n{}",
                    timed_out.last,
                    self.describe_targets()
                ),
            })
        })
    }

    /// Runs the instant query `expr`; the answer must be a vector.
    pub fn query(&self, expr: &str) -> Result<Vec<Series>, HarnessError> {
        let data = self.api_get("/api/v1/query", &[("query", expr)])?;
        let url = format!("{}/api/v1/query?query={expr}", self.url);
        let bad = |message: String| HarnessError::Prometheus {
            url: url.clone(),
            message,
        };
        match data.get("resultType").and_then(Value::as_str) {
            Some("vector") => {}
            Some(other) => return Err(bad(format!("expected a vector, got a {other}"))),
            None => return Err(bad(format!("no resultType in {data}"))),
        }
        let result = data
            .get("result")
            .and_then(Value::as_array)
            .ok_or_else(|| bad(format!("no result array in {data}")))?;
        result
            .iter()
            .map(|item| {
                let labels = item
                    .get("metric")
                    .and_then(Value::as_object)
                    .map(|m| {
                        m.iter()
                            .map(|(k, v)| (k.clone(), v.as_str().unwrap_or_default().to_string()))
                            .collect()
                    })
                    .unwrap_or_default();
                let value = item
                    .get("value")
                    .and_then(|v| v.get(1))
                    .and_then(Value::as_str)
                    .and_then(|s| s.parse::<f64>().ok())
                    .ok_or_else(|| bad(format!("no [time, value] in {item}")))?;
                Ok(Series { labels, value })
            })
            .collect()
    }

    /// The active targets from `/api/v1/targets`.
    pub fn targets(&self) -> Result<Vec<ScrapeTarget>, HarnessError> {
        let data = self.api_get("/api/v1/targets", &[("state", "active")])?;
        let active = data
            .get("activeTargets")
            .and_then(Value::as_array)
            .cloned()
            .unwrap_or_default();
        let text = |v: &Value, k: &str| v.get(k).and_then(Value::as_str).unwrap_or("").to_string();
        Ok(active
            .iter()
            .map(|t| {
                let labels: BTreeMap<String, String> = t
                    .get("labels")
                    .and_then(Value::as_object)
                    .map(|m| {
                        m.iter()
                            .map(|(k, v)| (k.clone(), v.as_str().unwrap_or_default().to_string()))
                            .collect()
                    })
                    .unwrap_or_default();
                ScrapeTarget {
                    job: labels.get("job").cloned().unwrap_or_default(),
                    scrape_url: text(t, "scrapeUrl"),
                    health: text(t, "health"),
                    last_error: text(t, "lastError"),
                    last_scrape_seconds: t
                        .get("lastScrapeDuration")
                        .and_then(Value::as_f64)
                        .unwrap_or_default(),
                    labels,
                }
            })
            .collect())
    }

    /// GETs a Prometheus API path and returns `data` of a `"status": "success"` answer.
    pub fn api_get(&self, path: &str, params: &[(&str, &str)]) -> Result<Value, HarnessError> {
        let url = format!("{}{path}", self.url);
        let bad = |message: String| HarnessError::Prometheus {
            url: url.clone(),
            message,
        };
        let response =
            self.client
                .get(&url)
                .query(params)
                .send()
                .map_err(|e| HarnessError::Http {
                    url: url.clone(),
                    message: super::error_chain(&e),
                })?;
        let status = response.status();
        let body = response.text().map_err(|e| HarnessError::Http {
            url: url.clone(),
            message: super::error_chain(&e),
        })?;
        let json: Value = serde_json::from_str(&body).map_err(|e| {
            bad(format!(
                "HTTP {status}, not JSON ({e}): {}",
                truncate(&body, 300)
            ))
        })?;
        if json.get("status").and_then(Value::as_str) != Some("success") {
            return Err(bad(format!(
                "HTTP {status}: {}: {}",
                json.get("errorType").and_then(Value::as_str).unwrap_or("?"),
                json.get("error").and_then(Value::as_str).unwrap_or("?")
            )));
        }
        Ok(json.get("data").cloned().unwrap_or(Value::Null))
    }

    /// The global scrape interval this Prometheus runs with.
    pub fn scrape_interval(&self) -> Duration {
        self.scrape_interval
    }

    /// The configuration file it runs with (the contract with test intervals).
    pub fn config_path(&self) -> PathBuf {
        self.dir.path().join("prometheus.yml")
    }

    /// Its temporary directory (config, targets, TSDB, log), deleted on drop.
    pub fn dir(&self) -> &Path {
        self.dir.path()
    }

    /// Its log (stdout and stderr).
    pub fn log_path(&self) -> &Path {
        &self.log
    }

    /// The process id, to check that it is gone after drop.
    pub fn pid(&self) -> u32 {
        self.child.id()
    }

    /// The address it listens on, `127.0.0.1:<port>`.
    pub fn address(&self) -> &str {
        self.url.trim_start_matches("http://")
    }

    fn check_running(&self) -> Result<(), HarnessError> {
        // try_wait needs &mut; the /proc view is enough to notice a crash.
        if super::process::process_alive(self.child.id()) {
            Ok(())
        } else {
            Err(HarnessError::ProcessExited {
                what: format!("Prometheus ({})", self.url),
                status: "no longer running".into(),
                log: self.log.clone(),
                log_tail: log_tail(&self.log, 15),
                hint: String::new(),
            })
        }
    }

    /// One line per target, for error messages.
    pub fn describe_targets(&self) -> String {
        match self.targets() {
            Ok(t) if t.is_empty() => format!(
                "Prometheus has no active targets (file_sd: {})",
                self.dir.path().join(TARGETS_FILE).display()
            ),
            Ok(t) => {
                let mut out = String::from("Prometheus targets:");
                for target in t {
                    out.push_str("\n  ");
                    out.push_str(&target.to_string());
                }
                out
            }
            Err(e) => format!("Prometheus targets unavailable: {e}"),
        }
    }
}

impl Drop for Prometheus {
    fn drop(&mut self) {
        stop_process(&mut self.child, Duration::from_secs(5));
    }
}

fn write_targets(dir: &Path, targets: &[Target]) -> Result<(), HarnessError> {
    let groups: Vec<Value> = targets
        .iter()
        .map(|t| serde_json::json!({ "targets": [t.address], "labels": t.labels }))
        .collect();
    let text = serde_json::to_string_pretty(&groups).expect("JSON of strings");
    let path = dir.join(TARGETS_FILE);
    // Not matched by `spark-*.json`: Prometheus never sees a half-written file.
    let tmp = dir.join("targets/.spark-harness.json.tmp");
    fs::write(&tmp, text)
        .and_then(|_| fs::rename(&tmp, &path))
        .map_err(|e| HarnessError::io(format!("writing {}", path.display()), e))
}

/// Sets `scrape_interval` and `scrape_timeout` in the `global:` block of a Prometheus
/// configuration, keeping everything else (comments included) as it is.
pub(crate) fn override_global_intervals(config: &str, interval: Duration) -> String {
    let value = prometheus_duration(interval);
    let mut out = Vec::new();
    let mut in_global = false;
    let mut seen_global = false;
    let mut set_interval = false;
    let mut set_timeout = false;
    let mut indent = String::from("  ");
    let finish_global =
        |out: &mut Vec<String>, indent: &str, set_interval: bool, set_timeout: bool| {
            if !set_interval {
                out.push(format!("{indent}scrape_interval: {value}"));
            }
            if !set_timeout {
                out.push(format!("{indent}scrape_timeout: {value}"));
            }
        };
    for line in config.lines() {
        let starts_block =
            !line.is_empty() && !line.starts_with(char::is_whitespace) && !line.starts_with('#');
        if in_global && starts_block {
            finish_global(&mut out, &indent, set_interval, set_timeout);
            in_global = false;
        }
        if starts_block && line.trim_end() == "global:" {
            in_global = true;
            seen_global = true;
            out.push(line.to_string());
            continue;
        }
        if in_global {
            let trimmed = line.trim_start();
            let this_indent = &line[..line.len() - trimmed.len()];
            if trimmed.starts_with("scrape_interval:") {
                indent = this_indent.to_string();
                out.push(format!("{this_indent}scrape_interval: {value}"));
                set_interval = true;
                continue;
            }
            if trimmed.starts_with("scrape_timeout:") {
                indent = this_indent.to_string();
                out.push(format!("{this_indent}scrape_timeout: {value}"));
                set_timeout = true;
                continue;
            }
        }
        out.push(line.to_string());
    }
    if in_global {
        finish_global(&mut out, &indent, set_interval, set_timeout);
    }
    let mut text = out.join("\n");
    text.push('\n');
    if !seen_global {
        text = format!("global:\n  scrape_interval: {value}\n  scrape_timeout: {value}\n{text}");
    }
    text
}

fn describe_series(series: &[Series]) -> String {
    if series.is_empty() {
        return "0 series".into();
    }
    let shown: Vec<String> = series
        .iter()
        .take(3)
        .map(|s| format!("{:?} = {}", s.labels, s.value))
        .collect();
    format!("{} series: {}", series.len(), shown.join("; "))
}

fn truncate(s: &str, max: usize) -> String {
    if s.len() <= max {
        return s.to_string();
    }
    let mut end = max;
    while !s.is_char_boundary(end) {
        end -= 1;
    }
    format!("{}…", &s[..end])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn overrides_the_contract_intervals_only() {
        let contract = "# c\nglobal:\n  scrape_interval: 15s\n  scrape_timeout: 10s\n\nscrape_configs:\n  - job_name: a\n    scrape_interval: 30s\n";
        let out = override_global_intervals(contract, Duration::from_secs(1));
        assert_eq!(
            out,
            "# c\nglobal:\n  scrape_interval: 1s\n  scrape_timeout: 1s\n\nscrape_configs:\n  - job_name: a\n    scrape_interval: 30s\n"
        );
    }

    #[test]
    fn adds_missing_intervals() {
        let out = override_global_intervals(
            "global:\n  evaluation_interval: 1m\nscrape_configs: []\n",
            Duration::from_millis(1500),
        );
        assert_eq!(out, "global:\n  evaluation_interval: 1m\n  scrape_interval: 1500ms\n  scrape_timeout: 1500ms\nscrape_configs: []\n");
        let out = override_global_intervals("scrape_configs: []\n", Duration::from_secs(2));
        assert_eq!(
            out,
            "global:\n  scrape_interval: 2s\n  scrape_timeout: 2s\nscrape_configs: []\n"
        );
    }
}
