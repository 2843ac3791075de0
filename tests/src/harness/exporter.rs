//! `spark-exporter` for integration tests: the built binary on loopback ports, the Spark
//! conf lines that point a run's GraphiteSink at it, its Prometheus target, and replays
//! of a recorded run's GraphiteSink lines and REST API for the fast path.
//!
//! ```no_run
//! use std::time::Duration;
//! use integration_tests::harness::{Exporter, ExporterOptions, Prometheus, SparkOptions, SparkRun};
//!
//! # fn main() -> Result<(), integration_tests::harness::HarnessError> {
//! let exporter = Exporter::start(&ExporterOptions::default())?;
//! let mut options = SparkOptions::new(45, 60);
//! options.extra_conf = exporter.spark_conf(Duration::from_secs(2))?;
//! let spark = SparkRun::start_with(&options)?;
//! exporter.set_rest_targets(&[format!("http://{}", spark.ui_address)])?;
//! let prometheus = Prometheus::start(&[spark.target()], Duration::from_secs(2))?;
//! exporter.register(&prometheus)?;
//! # Ok(()) }
//! ```
//!
//! # Which binary
//!
//! An integration test of another crate has no `CARGO_BIN_EXE_spark-exporter` (Cargo sets
//! it only for the tests of the package that owns the binary), so [`exporter_bin`] uses
//! `SPARK_EXPORTER_BIN` when set, and otherwise runs
//! `cargo build -p spark-exporter --bin spark-exporter` once per test process (a no-op
//! when the binary is fresh, so a stale binary is never tested) and takes
//! `<target dir>/debug/spark-exporter`. Without cargo on `PATH` (and no `CARGO` variable)
//! an existing binary is used as is.
//!
//! The exporter starts before Spark, on ports the kernel picks (`:0`, read back from its
//! first log line), so that the GraphiteSink can be configured with the real port; the
//! driver UI, known only once Spark runs, is handed over through the exporter's
//! `--targets-file`, which it re-reads every poll interval.

use std::collections::BTreeMap;
use std::fs;
use std::io::Write;
use std::net::TcpStream;
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, OnceLock};
use std::thread::{self, JoinHandle};
use std::time::Duration;

use serde_json::Value;
use tempfile::TempDir;
use test_support::eventually::Eventually;
use test_support::http::{HttpServer, Reply, Response};

use super::process::{
    claim_dir, describe_exit, log_files, log_tail, spawn_tied, stop_process, sweep_stale_dirs,
};
use super::{
    http_client, http_get, spark_fixtures_dir, target_dir, workspace_root, HarnessError,
    Prometheus, Target, PREPARE_HINT,
};

/// Temporary directories: `$TMPDIR/harness-exporter-*`.
const DIR_PREFIX: &str = "harness-exporter-";
/// The file_sd file of the contract's `spark-exporter` job (`targets/exporter-*.json`).
pub const EXPORTER_TARGETS_FILE: &str = "targets/exporter-harness.json";

/// The Spark side of spark-exporter (GraphiteSink lines).
pub fn exporter_spark_conf_path() -> PathBuf {
    workspace_root().join("provisioning/spark-exporter/spark-exporter.conf")
}

/// The exporter binary (see the module docs).
pub fn exporter_bin() -> Result<PathBuf, HarnessError> {
    if let Some(p) = std::env::var_os("SPARK_EXPORTER_BIN").filter(|p| !p.is_empty()) {
        let p = PathBuf::from(p);
        return if p.is_file() {
            Ok(p)
        } else {
            Err(HarnessError::MissingPrerequisite {
                what: "the spark-exporter binary".into(),
                looked_at: format!("SPARK_EXPORTER_BIN={}", p.display()),
                hint: "Point it at a built binary or unset it (the harness then builds it).".into(),
            })
        };
    }
    static BUILT: OnceLock<Result<PathBuf, String>> = OnceLock::new();
    BUILT
        .get_or_init(build_exporter)
        .clone()
        .map_err(|looked_at| HarnessError::MissingPrerequisite {
            what: "the spark-exporter binary".into(),
            looked_at,
            hint: format!(
                "Build it with `cargo build -p spark-exporter`, or set SPARK_EXPORTER_BIN. \
                 {PREPARE_HINT}"
            ),
        })
}

fn build_exporter() -> Result<PathBuf, String> {
    let bin = target_dir().join("debug/spark-exporter");
    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    let out = Command::new(&cargo)
        .args([
            "build",
            "--quiet",
            "-p",
            "spark-exporter",
            "--bin",
            "spark-exporter",
        ])
        .arg("--manifest-path")
        .arg(workspace_root().join("Cargo.toml"))
        .env("CARGO_TARGET_DIR", target_dir())
        .stdin(Stdio::null())
        .output();
    match out {
        Ok(o) if o.status.success() && bin.is_file() => Ok(bin),
        Ok(o) => Err(format!(
            "`cargo build -p spark-exporter` failed ({}): {}",
            describe_exit(o.status),
            String::from_utf8_lossy(&o.stderr).trim()
        )),
        Err(e) if bin.is_file() => {
            eprintln!(
                "warning: cannot run cargo ({e}); using the existing {} as is",
                bin.display()
            );
            Ok(bin)
        }
        Err(e) => Err(format!(
            "cannot run cargo ({e}) and {} is missing",
            bin.display()
        )),
    }
}

/// How an [`Exporter`] is started.
#[derive(Debug, Clone)]
pub struct ExporterOptions {
    /// Driver UIs or History Servers to poll from the start (more with
    /// [`Exporter::set_rest_targets`]).
    pub rest_targets: Vec<String>,
    /// `--poll-interval`.
    pub poll_interval: Duration,
    /// `--stage-retention`: how long finished stages stay exported.
    pub stage_retention: Duration,
    /// More flags.
    pub extra_args: Vec<String>,
}

impl Default for ExporterOptions {
    fn default() -> Self {
        Self {
            rest_targets: Vec::new(),
            poll_interval: Duration::from_secs(2),
            stage_retention: Duration::from_secs(3600),
            extra_args: Vec::new(),
        }
    }
}

/// A running `spark-exporter`. Dropping it sends SIGTERM (SIGKILL after 5 s) and deletes
/// its directory (log, targets file).
pub struct Exporter {
    /// `/metrics`, `127.0.0.1:<port>`.
    pub http_address: String,
    /// The Graphite listener, `127.0.0.1:<port>`.
    pub graphite_address: String,
    child: Child,
    log: PathBuf,
    // Last: removed after the process is stopped.
    dir: TempDir,
}

impl Exporter {
    /// Starts the binary on free loopback ports and returns once it serves `/healthz`.
    pub fn start(options: &ExporterOptions) -> Result<Self, HarnessError> {
        let bin = exporter_bin()?;
        sweep_stale_dirs(DIR_PREFIX, |_| {});
        let dir = tempfile::Builder::new()
            .prefix(DIR_PREFIX)
            .tempdir()
            .map_err(|e| HarnessError::io("creating a temporary directory", e))?;
        claim_dir(dir.path())?;
        let targets = dir.path().join("targets.txt");
        fs::write(&targets, "")
            .map_err(|e| HarnessError::io(format!("writing {}", targets.display()), e))?;
        let log = dir.path().join("spark-exporter.log");
        let (log_file, log_err) = log_files(&log)?;
        let mut command = Command::new(&bin);
        command
            .args([
                "--listen",
                "127.0.0.1:0",
                "--graphite-listen",
                "127.0.0.1:0",
            ])
            .arg("--targets-file")
            .arg(&targets)
            .arg(format!(
                "--poll-interval={}ms",
                options.poll_interval.as_millis()
            ))
            .arg(format!(
                "--stage-retention={}s",
                options.stage_retention.as_secs()
            ))
            .arg(format!(
                "--app-retention={}s",
                options.stage_retention.as_secs()
            ))
            .args(
                options
                    .rest_targets
                    .iter()
                    .flat_map(|t| ["--spark-ui", t.as_str()]),
            )
            .args(&options.extra_args)
            .current_dir(dir.path())
            .stdin(Stdio::null())
            .stdout(log_file)
            .stderr(log_err);
        let child = spawn_tied(command)
            .map_err(|e| HarnessError::io(format!("starting {}", bin.display()), e))?;
        let mut exporter = Exporter {
            http_address: String::new(),
            graphite_address: String::new(),
            child,
            log,
            dir,
        };
        exporter.wait_ready()?;
        Ok(exporter)
    }

    /// Reads the addresses from the first log line, then waits for `/healthz`.
    fn wait_ready(&mut self) -> Result<(), HarnessError> {
        let timeout = Duration::from_secs(20);
        let client = http_client(Duration::from_secs(2))?;
        // An exit ends the wait at once (inside Ok); only "not serving yet" is retried.
        let outcome = Eventually::new(timeout)
            .every(Duration::from_millis(50))
            .poll(|| {
                if let Ok(Some(status)) = self.child.try_wait() {
                    return Ok(Err(HarnessError::ProcessExited {
                        what: "spark-exporter".into(),
                        status: describe_exit(status),
                        log: self.log.clone(),
                        log_tail: log_tail(&self.log, 15),
                        hint: String::new(),
                    }));
                }
                if self.http_address.is_empty() {
                    if let Some((graphite, http)) = parse_start_line(&self.log_text()) {
                        self.graphite_address = graphite;
                        self.http_address = http;
                    }
                }
                if !self.http_address.is_empty()
                    && matches!(
                        http_get(&client, &format!("http://{}/healthz", self.http_address)),
                        Ok((200, _))
                    )
                {
                    return Ok(Ok(()));
                }
                Err(())
            });
        outcome.unwrap_or_else(|_| {
            Err(HarnessError::Timeout {
                what: "spark-exporter to serve /healthz".into(),
                waited: timeout,
                details: format!(
                    "last lines of {}:\n{}",
                    self.log.display(),
                    log_tail(&self.log, 15)
                ),
            })
        })
    }

    /// The GraphiteSink lines of `provisioning/spark-exporter/spark-exporter.conf`,
    /// pointed at this exporter, reporting every `period` (whole seconds, at least 1).
    pub fn spark_conf(&self, period: Duration) -> Result<Vec<String>, HarnessError> {
        exporter_spark_conf(&self.graphite_address, period)
    }

    /// Replaces the REST targets polled besides the start ones (the targets file; picked
    /// up within one poll interval).
    pub fn set_rest_targets(&self, urls: &[String]) -> Result<(), HarnessError> {
        let path = self.dir.path().join("targets.txt");
        let tmp = self.dir.path().join("targets.txt.tmp");
        fs::write(&tmp, urls.join("\n") + "\n")
            .and_then(|_| fs::rename(&tmp, &path))
            .map_err(|e| HarnessError::io(format!("writing {}", path.display()), e))
    }

    /// The scrape target of the contract's `spark-exporter` job.
    pub fn target(&self) -> Target {
        Target::new(self.http_address.clone())
    }

    /// Makes `prometheus` scrape this exporter through the contract's `spark-exporter`
    /// job: writes [`EXPORTER_TARGETS_FILE`] in its directory (atomically).
    pub fn register(&self, prometheus: &Prometheus) -> Result<(), HarnessError> {
        let path = prometheus.dir().join(EXPORTER_TARGETS_FILE);
        let tmp = path.with_extension("json.tmp");
        let body = serde_json::json!([{"targets": [self.http_address], "labels": {}}]);
        fs::create_dir_all(path.parent().expect("targets/"))
            .and_then(|_| fs::write(&tmp, body.to_string()))
            .and_then(|_| fs::rename(&tmp, &path))
            .map_err(|e| HarnessError::io(format!("writing {}", path.display()), e))
    }

    /// `/metrics` now.
    pub fn metrics(&self) -> Result<String, HarnessError> {
        let client = http_client(Duration::from_secs(10))?;
        let url = format!("http://{}/metrics", self.http_address);
        match http_get(&client, &url)? {
            (200, body) => Ok(body),
            (status, body) => Err(HarnessError::Http {
                url,
                message: format!("HTTP {status}: {body}"),
            }),
        }
    }

    /// Sends `data` over one Graphite connection.
    pub fn send_graphite(&self, data: &[u8]) -> Result<(), HarnessError> {
        let mut s = TcpStream::connect(&self.graphite_address).map_err(|e| {
            HarnessError::io(
                format!("connecting to Graphite on {}", self.graphite_address),
                e,
            )
        })?;
        s.write_all(data)
            .map_err(|e| HarnessError::io("sending Graphite lines", e))
    }

    /// Its log (stderr) so far.
    pub fn log_text(&self) -> String {
        fs::read(&self.log)
            .map(|b| String::from_utf8_lossy(&b).into_owned())
            .unwrap_or_default()
    }

    /// The process id.
    pub fn pid(&self) -> u32 {
        self.child.id()
    }
}

impl Drop for Exporter {
    fn drop(&mut self) {
        stop_process(&mut self.child, Duration::from_secs(5));
    }
}

/// `spark-exporter 0.1.0: Graphite on A, /metrics on http://B/metrics, …` → (A, B).
fn parse_start_line(log: &str) -> Option<(String, String)> {
    let line = log.lines().find(|l| l.contains(": Graphite on "))?;
    let graphite = line
        .split(": Graphite on ")
        .nth(1)?
        .split(',')
        .next()?
        .trim();
    let http = line
        .split("/metrics on http://")
        .nth(1)?
        .split("/metrics")
        .next()?;
    Some((graphite.to_string(), http.to_string()))
}

/// The contract's spark-exporter conf lines with host, port and period replaced.
pub fn exporter_spark_conf(
    graphite_address: &str,
    period: Duration,
) -> Result<Vec<String>, HarnessError> {
    let path = exporter_spark_conf_path();
    let text = fs::read_to_string(&path)
        .map_err(|e| HarnessError::io(format!("reading {}", path.display()), e))?;
    let (host, port) = graphite_address
        .rsplit_once(':')
        .ok_or_else(|| HarnessError::Fixture {
            path: path.clone(),
            message: format!("{graphite_address} is not host:port"),
        })?;
    let mut out = Vec::new();
    let mut seen = BTreeMap::new();
    for line in text.lines().map(str::trim) {
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        let (key, value) = line.split_once(char::is_whitespace).unwrap_or((line, ""));
        let value = match key.rsplit('.').next() {
            Some("host") => host.to_string(),
            Some("port") => port.to_string(),
            Some("period") => period.as_secs().max(1).to_string(),
            _ => value.trim().to_string(),
        };
        seen.insert(key.rsplit('.').next().unwrap_or("").to_string(), ());
        out.push(format!("{key} {value}"));
    }
    for needed in ["class", "host", "port", "period"] {
        if !seen.contains_key(needed) {
            return Err(HarnessError::Fixture {
                path,
                message: format!("no `…sink.graphite.{needed}` line"),
            });
        }
    }
    Ok(out)
}

/// The recorded GraphiteSink lines (`fixtures/spark/graphite/`), by report (one group per
/// timestamp, in order), with the recorded namespace `gprobe` replaced by `namespace`.
pub fn recorded_graphite_reports(namespace: &str) -> Result<Vec<Vec<u8>>, HarnessError> {
    let path = spark_fixtures_dir().join("graphite/local-cluster-graphite-lines.txt.gz");
    let out = Command::new("gzip")
        .arg("-dc")
        .arg(&path)
        .output()
        .map_err(|e| HarnessError::io(format!("gzip -dc {}", path.display()), e))?;
    if !out.status.success() {
        return Err(HarnessError::Fixture {
            path,
            message: format!("gzip -dc failed: {}", String::from_utf8_lossy(&out.stderr)),
        });
    }
    let text = String::from_utf8_lossy(&out.stdout);
    let mut reports: Vec<(String, Vec<u8>)> = Vec::new();
    for line in text.lines() {
        let ts = line.rsplit(' ').next().unwrap_or("").to_string();
        let line = match line.strip_prefix("gprobe.") {
            Some(rest) => format!("{namespace}.{rest}\n"),
            None => format!("{line}\n"),
        };
        match reports.last_mut() {
            Some((t, group)) if *t == ts => group.extend_from_slice(line.as_bytes()),
            _ => reports.push((ts, line.into_bytes())),
        }
    }
    Ok(reports.into_iter().map(|(_, g)| g).collect())
}

/// Sends the recorded GraphiteSink reports to an exporter, one every `pace`, on a
/// background thread (so that counters grow across scrapes), then repeats the last one
/// every `pace` until dropped (so that the series stay fresh).
pub struct GraphiteReplay {
    stop: Arc<AtomicBool>,
    thread: Option<JoinHandle<()>>,
}

impl GraphiteReplay {
    /// Starts replaying `reports` to `graphite_address`.
    pub fn start(graphite_address: &str, reports: Vec<Vec<u8>>, pace: Duration) -> Self {
        let stop = Arc::new(AtomicBool::new(false));
        let address = graphite_address.to_string();
        let s = stop.clone();
        let thread = thread::spawn(move || {
            let mut i = 0;
            while !s.load(Ordering::SeqCst) && !reports.is_empty() {
                let report = &reports[i.min(reports.len() - 1)];
                if let Ok(mut conn) = TcpStream::connect(&address) {
                    let _ = conn.write_all(report);
                }
                i += 1;
                // The pace is the point: a GraphiteSink reports once a period, and counters
                // must grow between scrapes. Nothing to wait for.
                thread::sleep(pace);
            }
        });
        Self {
            stop,
            thread: Some(thread),
        }
    }
}

impl Drop for GraphiteReplay {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::SeqCst);
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}

/// The REST API of a recorded run (`fixtures/spark/<run>/rest/`) on a free loopback port:
/// `/api/v1/applications` (the run, still running), and below it `environment`,
/// `executors`, `stages`, `stages/<id>/<attempt>/taskSummary` and `jobs`; anything else is
/// a 404, as Spark answers for a stage without finished tasks. Every answer closes its
/// connection, as Spark's UI does.
pub struct RestReplay {
    /// `http://127.0.0.1:<port>`.
    pub url: String,
    /// The recorded application id.
    pub app_id: String,
    _server: HttpServer,
}

impl RestReplay {
    /// Serves the recorded run `run` (a directory below `fixtures/spark/`).
    pub fn start(run: &str) -> Result<Self, HarnessError> {
        let run_dir = spark_fixtures_dir().join(run);
        let rest = run_dir.join("rest");
        let read = |name: &str| -> Result<Vec<u8>, HarnessError> {
            let p = rest.join(name);
            fs::read(&p).map_err(|e| HarnessError::Fixture {
                path: p,
                message: e.to_string(),
            })
        };
        let app_id_path = run_dir.join("app_id.txt");
        let app_id = fs::read_to_string(&app_id_path)
            .map_err(|e| HarnessError::Fixture {
                path: app_id_path,
                message: e.to_string(),
            })?
            .trim()
            .to_string();
        let env_bytes = read("environment_spark_properties.json")?;
        let env: Value = serde_json::from_slice(&env_bytes).map_err(|e| HarnessError::Fixture {
            path: rest.join("environment_spark_properties.json"),
            message: e.to_string(),
        })?;
        let name = env["sparkProperties"]
            .as_array()
            .into_iter()
            .flatten()
            .find(|p| p[0] == "spark.app.name")
            .and_then(|p| p[1].as_str())
            .unwrap_or("spark")
            .to_string();
        let summaries: serde_json::Map<String, Value> =
            serde_json::from_slice(&read("taskSummary_all_stages.json")?).map_err(|e| {
                HarnessError::Fixture {
                    path: rest.join("taskSummary_all_stages.json"),
                    message: e.to_string(),
                }
            })?;
        let base = format!("/api/v1/applications/{app_id}");
        let mut routes: BTreeMap<String, Vec<u8>> = BTreeMap::new();
        routes.insert(
            "/api/v1/applications".into(),
            serde_json::json!([{"id": app_id, "name": name, "attempts": [
                {"startTimeEpoch": 0, "endTimeEpoch": -1, "completed": false}
            ]}])
            .to_string()
            .into_bytes(),
        );
        routes.insert(format!("{base}/environment"), env_bytes);
        // The recorded run lost no executor: its `/allexecutors` is its `/executors`.
        routes.insert(
            format!("{base}/allexecutors"),
            read("executors_final.json")?,
        );
        routes.insert(format!("{base}/stages"), read("stages_final.json")?);
        routes.insert(format!("{base}/jobs"), read("jobs_final.json")?);
        for (key, summary) in summaries {
            if let Some((stage, attempt)) = key.split_once('.') {
                routes.insert(
                    format!("{base}/stages/{stage}/{attempt}/taskSummary"),
                    summary.to_string().into_bytes(),
                );
            }
        }
        let server = HttpServer::start(move |req| {
            let response = match routes.get(&req.path) {
                Some(body) => Response::bytes(200, "application/json", body.clone()),
                None => Response::json(404, &serde_json::json!({"message": "not found"})),
            };
            Reply::Respond(response.with_header("Connection", "close"))
        })
        .map_err(|e| HarnessError::io("starting the REST replay on 127.0.0.1:0", e))?;
        Ok(RestReplay {
            url: server.url(),
            app_id,
            _server: server,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn start_line() {
        let log = "spark-exporter 0.1.0: Graphite on 127.0.0.1:40001, /metrics on http://127.0.0.1:40002/metrics, REST targets: none\n";
        assert_eq!(
            parse_start_line(log),
            Some(("127.0.0.1:40001".into(), "127.0.0.1:40002".into()))
        );
    }

    #[test]
    fn conf_lines_point_at_the_exporter() {
        let lines = exporter_spark_conf("127.0.0.1:4711", Duration::from_secs(2)).unwrap();
        assert!(
            lines.contains(&"spark.metrics.conf.executor.sink.graphite.host 127.0.0.1".to_string()),
            "{lines:?}"
        );
        assert!(
            lines.contains(&"spark.metrics.conf.executor.sink.graphite.port 4711".to_string()),
            "{lines:?}"
        );
        assert!(
            lines.contains(&"spark.metrics.conf.executor.sink.graphite.period 2".to_string()),
            "{lines:?}"
        );
        assert!(lines
            .iter()
            .any(|l| l.ends_with("org.apache.spark.metrics.sink.GraphiteSink")));
    }
}
