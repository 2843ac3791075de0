//! A real Prometheus on a free loopback port, configured by the metrics contract.

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::Child;
use std::time::Duration;

use serde_json::Value;
use tempfile::TempDir;
use test_support::eventually::Eventually;

use super::process::{
    claim_dir, log_tail, retry_on_port_clash, server_command, stop_process, sweep_stale_dirs,
    wait_http_ready,
};
use super::{
    contract_prometheus_config, http_client, prometheus_bin, prometheus_duration, HarnessError,
    Target,
};

/// The file_sd file the harness controls; matches the contract's `targets/spark-*.json`.
const TARGETS_FILE: &str = "targets/spark-harness.json";
/// The file_sd file of Alertmanagers; matches the contract's `targets/alertmanager-*.json`.
const ALERTMANAGERS_FILE: &str = "targets/alertmanager-harness.json";
/// Where rule files go; the contract's `rule_files: ["alerts/*.yml"]` loads them.
const RULES_DIR: &str = "alerts";
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

/// How [`Prometheus::start_with`] starts Prometheus: the contract configuration, as for
/// [`Prometheus::start`], plus rule files and Alertmanagers to send alerts to.
///
/// ```
/// use std::time::Duration;
/// use integration_tests::harness::PrometheusOptions;
///
/// let options = PrometheusOptions::new(&[], Duration::from_secs(1))
///     .rule_file("dist/alerts/spark-outcome.yml")
///     .alertmanager("127.0.0.1:9093")
///     .evaluation_interval(Duration::from_secs(1));
/// # drop(options);
/// ```
#[derive(Debug, Clone)]
pub struct PrometheusOptions {
    targets: Vec<Target>,
    scrape_interval: Duration,
    rule_files: Vec<PathBuf>,
    alertmanagers: Vec<String>,
    evaluation_interval: Option<Duration>,
}

impl PrometheusOptions {
    /// The Spark targets and the scrape interval, as [`Prometheus::start`] takes them.
    pub fn new(targets: &[Target], scrape_interval: Duration) -> Self {
        PrometheusOptions {
            targets: targets.to_vec(),
            scrape_interval,
            rule_files: Vec::new(),
            alertmanagers: Vec::new(),
            evaluation_interval: None,
        }
    }

    /// Copies a Prometheus rule file (`cargo xtask alerts build`'s `dist/alerts/<group>.yml`,
    /// or a test's own) into `alerts/` of Prometheus' directory, where the contract's
    /// `rule_files: ["alerts/*.yml"]` loads it. Files keep their name, with the extension
    /// `.yml` so that the glob matches; two files of the same name are an error at start.
    pub fn rule_file(mut self, path: impl Into<PathBuf>) -> Self {
        self.rule_files.push(path.into());
        self
    }

    /// [`rule_file`](Self::rule_file) for each.
    pub fn rule_files(mut self, paths: impl IntoIterator<Item = impl Into<PathBuf>>) -> Self {
        self.rule_files.extend(paths.into_iter().map(Into::into));
        self
    }

    /// Sends alerts to the Alertmanager at `address` (`host:port`), written to
    /// `targets/alertmanager-harness.json`, which the contract's
    /// `alerting.alertmanagers` file_sd (`targets/alertmanager-*.json`) reads: the same way
    /// a user points their Prometheus at one.
    pub fn alertmanager(mut self, address: impl Into<String>) -> Self {
        self.alertmanagers.push(address.into());
        self
    }

    /// The one setting that makes rules fire sooner in a test: every rule group is
    /// evaluated every `every` instead of its own `interval` (the Spark groups say 30s) and
    /// the contract's global `evaluation_interval`. It rewrites `interval:` of every group in
    /// the copied rule files and `global.evaluation_interval` of the copied configuration;
    /// the rules themselves (expressions, `for`, `keep_firing_for`, labels, annotations) stay
    /// as a user runs them, so an alert still needs its whole `for` to fire. It also passes
    /// `--rules.alert.resend-delay=<every>` (default 1m): Prometheus drops the alerts it
    /// sends before it has discovered an Alertmanager (its discovery manager publishes every
    /// 5 s), and would send a firing alert again only a minute later; Alertmanager
    /// deduplicates the re-sends, so what it notifies, and when, does not change.
    pub fn evaluation_interval(mut self, every: Duration) -> Self {
        self.evaluation_interval = Some(every);
        self
    }

    /// `(file name in alerts/, content)` of every rule file, the evaluation interval applied.
    fn rule_files_to_write(&self) -> Result<Vec<(String, String)>, HarnessError> {
        let mut out: Vec<(String, String)> = Vec::new();
        for path in &self.rule_files {
            let text = fs::read_to_string(path).map_err(|e| HarnessError::Input {
                path: path.clone(),
                message: format!("cannot read the rule file: {e}"),
            })?;
            let text = match self.evaluation_interval {
                Some(every) => with_group_interval(path, &text, every)?,
                None => text,
            };
            let stem = path
                .file_stem()
                .ok_or_else(|| HarnessError::Input {
                    path: path.clone(),
                    message: "a rule file needs a file name".into(),
                })?
                .to_string_lossy();
            let name = format!("{stem}.yml");
            if out.iter().any(|(n, _)| *n == name) {
                return Err(HarnessError::Input {
                    path: path.clone(),
                    message: format!(
                        "another rule file is also copied to alerts/{name}; rename one of them"
                    ),
                });
            }
            out.push((name, text));
        }
        Ok(out)
    }
}

/// A rule file with `interval: <every>` on every group. The file must be a rule file
/// (`groups:`, a list of mappings): anything else is an error that names it, before
/// Prometheus would refuse it with less context.
fn with_group_interval(path: &Path, text: &str, every: Duration) -> Result<String, HarnessError> {
    let bad = |message: String| HarnessError::Input {
        path: path.to_path_buf(),
        message,
    };
    let mut doc: serde_yaml_ng::Value = serde_yaml_ng::from_str(text).map_err(|e| {
        bad(format!(
            "not YAML, so its groups' interval cannot be set: {e}"
        ))
    })?;
    let groups = doc
        .get_mut("groups")
        .and_then(serde_yaml_ng::Value::as_sequence_mut)
        .ok_or_else(|| {
            bad("not a Prometheus rule file: no `groups:` list (https://prometheus.io/docs/prometheus/2.42/configuration/recording_rules/)".into())
        })?;
    for (i, group) in groups.iter_mut().enumerate() {
        let group = group
            .as_mapping_mut()
            .ok_or_else(|| bad(format!("group {i} is not a mapping")))?;
        group.insert("interval".into(), prometheus_duration(every).into());
    }
    serde_yaml_ng::to_string(&doc).map_err(|e| bad(format!("writing it back: {e}")))
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
    /// No rule files, no Alertmanager: [`Prometheus::start_with`] adds them.
    /// Returns once `/-/ready` answers 200.
    pub fn start(targets: &[Target], scrape_interval: Duration) -> Result<Self, HarnessError> {
        Self::start_with(&PrometheusOptions::new(targets, scrape_interval))
    }

    /// [`Prometheus::start`] with rule files, Alertmanagers and an evaluation interval
    /// (see [`PrometheusOptions`]).
    pub fn start_with(options: &PrometheusOptions) -> Result<Self, HarnessError> {
        let bin = prometheus_bin()?;
        sweep_stale_dirs(DIR_PREFIX, |_| {});
        let contract_path = contract_prometheus_config();
        let contract = fs::read_to_string(&contract_path).map_err(|e| {
            HarnessError::io(
                format!("reading the contract config {}", contract_path.display()),
                e,
            )
        })?;
        let mut config = override_global_intervals(&contract, options.scrape_interval);
        if let Some(every) = options.evaluation_interval {
            config = set_global_key(&config, "evaluation_interval", &prometheus_duration(every));
        }
        // Read (and rewritten) once, before any attempt: a bad file fails at once.
        let rules = options.rule_files_to_write()?;
        retry_on_port_clash(|| Self::try_start(&bin, &config, &rules, options))
    }

    /// One attempt on one free port.
    fn try_start(
        bin: &Path,
        config: &str,
        rules: &[(String, String)],
        options: &PrometheusOptions,
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
            .and_then(|_| fs::create_dir_all(dir.path().join(RULES_DIR)))
            .map_err(|e| HarnessError::io("creating targets/, data/ and alerts/", e))?;
        write_targets(dir.path(), &options.targets)?;
        write_alertmanagers(dir.path(), &options.alertmanagers)?;
        for (name, text) in rules {
            let path = dir.path().join(RULES_DIR).join(name);
            fs::write(&path, text)
                .map_err(|e| HarnessError::io(format!("writing {}", path.display()), e))?;
        }

        let mut server = server_command(
            bin,
            dir.path(),
            &config_path,
            "storage.tsdb.path",
            "prometheus.log",
        )?;
        if let Some(every) = options.evaluation_interval {
            server.command.arg(format!(
                "--rules.alert.resend-delay={}",
                prometheus_duration(every)
            ));
        }
        let (child, port, log) = server.spawn()?;
        let url = format!("http://127.0.0.1:{port}");
        let mut prometheus = Prometheus {
            url,
            child,
            client: http_client(Duration::from_secs(10))?,
            scrape_interval: options.scrape_interval,
            log,
            dir,
        };
        prometheus.wait_ready()?;
        Ok(prometheus)
    }

    fn wait_ready(&mut self) -> Result<(), HarnessError> {
        let what = format!("Prometheus ({})", self.url);
        wait_http_ready(
            &mut self.child,
            &self.client,
            &self.url,
            &what,
            &self.log,
            READY_TIMEOUT,
            "",
        )
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

    /// The Alertmanagers Prometheus sends to, as `/api/v1/alertmanagers` lists the active
    /// ones (`http://host:port/api/v2/alerts`). Discovery from the file_sd list is not
    /// immediate (Prometheus 2.42's discovery manager sends updates every 5 s), so poll.
    pub fn alertmanagers(&self) -> Result<Vec<String>, HarnessError> {
        let data = self.api_get("/api/v1/alertmanagers", &[])?;
        Ok(data
            .get("activeAlertmanagers")
            .and_then(Value::as_array)
            .map(|l| {
                l.iter()
                    .filter_map(|a| a.get("url").and_then(Value::as_str))
                    .map(String::from)
                    .collect()
            })
            .unwrap_or_default())
    }

    /// Prometheus' own metric `name` with exactly these labels, from its `/metrics` (the
    /// contract does not scrape Prometheus itself, so queries cannot see them); `None`
    /// when it is not exposed (yet).
    pub fn own_metric(
        &self,
        name: &str,
        labels: &[(&str, &str)],
    ) -> Result<Option<f64>, HarnessError> {
        let url = format!("{}/metrics", self.url);
        let (status, body) = super::http_get(&self.client, &url)?;
        if status != 200 {
            return Err(HarnessError::Prometheus {
                url,
                message: format!("HTTP {status}"),
            });
        }
        let wanted: Vec<String> = labels.iter().map(|(k, v)| format!("{k}=\"{v}\"")).collect();
        let series = format!("{name}{{{}}}", wanted.join(","));
        let series = if labels.is_empty() {
            name.to_string()
        } else {
            series
        };
        Ok(body.lines().find_map(|line| {
            let (key, value) = line.rsplit_once(' ')?;
            (key == series).then(|| value.parse().ok()).flatten()
        }))
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

/// Writes the Alertmanager file_sd list; none writes no file (the glob then matches nothing,
/// which Prometheus accepts), as on a Prometheus that sends alerts nowhere.
fn write_alertmanagers(dir: &Path, addresses: &[String]) -> Result<(), HarnessError> {
    if addresses.is_empty() {
        return Ok(());
    }
    let text = serde_json::to_string_pretty(&serde_json::json!([{ "targets": addresses }]))
        .expect("JSON of strings");
    let path = dir.join(ALERTMANAGERS_FILE);
    fs::write(&path, text).map_err(|e| HarnessError::io(format!("writing {}", path.display()), e))
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
    let config = set_global_key(config, "scrape_interval", &value);
    set_global_key(&config, "scrape_timeout", &value)
}

/// Sets `key: value` in the top-level `global:` block of a YAML configuration, keeping
/// everything else (comments included) as it is: replaced where the key is, added after
/// the block's last entry where it is not, and `global:` added first when there is none.
pub(crate) fn set_global_key(config: &str, key: &str, value: &str) -> String {
    let lines: Vec<&str> = config.lines().collect();
    let top_level =
        |l: &str| !l.is_empty() && !l.starts_with(char::is_whitespace) && !l.starts_with('#');
    let Some(start) = lines
        .iter()
        .position(|l| top_level(l) && l.trim_end() == "global:")
    else {
        return format!("global:\n  {key}: {value}\n{config}");
    };
    let end = lines[start + 1..]
        .iter()
        .position(|l| top_level(l))
        .map_or(lines.len(), |i| start + 1 + i);
    let mut out: Vec<String> = lines.iter().map(|l| l.to_string()).collect();
    let mut last_entry = start;
    let mut indent = "  ".to_string();
    for (i, line) in lines.iter().enumerate().take(end).skip(start + 1) {
        let trimmed = line.trim_start();
        if trimmed.is_empty() || trimmed.starts_with('#') {
            continue;
        }
        let this_indent = &line[..line.len() - trimmed.len()];
        if last_entry == start {
            indent = this_indent.to_string();
        }
        last_entry = i;
        if this_indent == indent && trimmed.starts_with(&format!("{key}:")) {
            out[i] = format!("{indent}{key}: {value}");
            return join_lines(out);
        }
    }
    out.insert(last_entry + 1, format!("{indent}{key}: {value}"));
    join_lines(out)
}

fn join_lines(lines: Vec<String>) -> String {
    let mut text = lines.join("\n");
    text.push('\n');
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
    fn sets_a_global_key_where_it_is_or_adds_it() {
        let config =
            "# c\nglobal:\n  pagerduty_url: https://a\n  resolve_timeout: 5m\n\nroute: {}\n";
        assert_eq!(
            set_global_key(config, "pagerduty_url", "http://b"),
            "# c\nglobal:\n  pagerduty_url: http://b\n  resolve_timeout: 5m\n\nroute: {}\n"
        );
        assert_eq!(
            set_global_key(
                "global:\n  # x\n  resolve_timeout: 5m\n\nroute: {}\n",
                "pagerduty_url",
                "http://b"
            ),
            "global:\n  # x\n  resolve_timeout: 5m\n  pagerduty_url: http://b\n\nroute: {}\n"
        );
        assert_eq!(
            set_global_key("route: {}\n", "pagerduty_url", "http://b"),
            "global:\n  pagerduty_url: http://b\nroute: {}\n"
        );
        // A nested key of the same name is not the global one.
        assert_eq!(
            set_global_key(
                "global:\n  http_config:\n    pagerduty_url: x\n",
                "pagerduty_url",
                "y"
            ),
            "global:\n  http_config:\n    pagerduty_url: x\n  pagerduty_url: y\n"
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
