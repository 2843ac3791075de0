//! A real Spark application: the fixtures' workload in `local-cluster` mode.

use std::collections::BTreeSet;
use std::fs;
use std::io::Read;
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::Duration;

use serde_json::Value;
use tempfile::TempDir;
use test_support::eventually::Eventually;

use super::process::{
    claim_dir, describe_exit, log_files, log_tail, process_cmdline, process_group_members,
    spawn_tied, stop_group, sweep_stale_dirs,
};
use super::{
    contract_spark_conf, http_client, http_get, spark_fixtures_dir, spark_python, HarnessError,
    Target, PREPARE_HINT,
};

/// Where `spark_job.py` writes event logs (hard-coded in its `CONF`). The harness deletes
/// the files of its own runs there unless [`SparkOptions::keep_event_log`] is set.
pub const SPARK_EVENT_LOG_DIR: &str = "/var/spark-events";

/// Temporary directories: `$TMPDIR/harness-spark-*`.
const DIR_PREFIX: &str = "harness-spark-";
/// In a run's directory: `<app id>\n<SPARK_HOME>\n<keep event log>`, for the sweep of
/// runs whose test process was killed.
const RUN_FILE: &str = "run.txt";

/// How a [`SparkRun`] is started. [`SparkRun::start`] uses [`SparkOptions::new`].
#[derive(Debug, Clone)]
pub struct SparkOptions {
    /// Seconds of work (first argument of `spark_job.py`).
    pub run_seconds: u32,
    /// Seconds the application stays up after the work, for scrapes (second argument).
    pub linger_seconds: u32,
    /// `SPARK_MASTER`; default `local-cluster[2,1,1024]`: a driver JVM and two executor
    /// JVMs, as on Kubernetes.
    pub master: String,
    /// The Python with pyspark; default [`super::spark_python`].
    pub python: Option<PathBuf>,
    /// The workload script; default `<shared>/fixtures/spark/spark_job.py`.
    pub script: Option<PathBuf>,
    /// How long to wait for the driver UI to serve metrics.
    pub start_timeout: Duration,
    /// Keep this run's event log in [`SPARK_EVENT_LOG_DIR`] after drop.
    pub keep_event_log: bool,
    /// More `spark-defaults.conf` lines, written after the contract's (a later key wins),
    /// e.g. the GraphiteSink lines of `provisioning/spark-exporter/spark-exporter.conf`.
    pub extra_conf: Vec<String>,
}

impl SparkOptions {
    pub fn new(run_seconds: u32, linger_seconds: u32) -> Self {
        Self {
            run_seconds,
            linger_seconds,
            master: "local-cluster[2,1,1024]".into(),
            python: None,
            script: None,
            start_timeout: Duration::from_secs(150),
            keep_event_log: false,
            extra_conf: Vec::new(),
        }
    }
}

/// A running Spark application. Dropping it stops its whole process group (Python driver
/// process, driver JVM, executor JVMs, Python workers), then deletes its temporary
/// directory, its executors' work directory and its event log.
pub struct SparkRun {
    /// The driver UI, `127.0.0.1:<port>` (4040 unless taken).
    pub ui_address: String,
    /// `spark.app.id`, e.g. `app-20261121052620-0000`.
    pub app_id: String,
    /// `spark.app.name` (`spark-metrics-probe` for the fixtures' workload).
    pub app_name: String,
    /// The Spark version the driver reports.
    pub spark_version: String,
    child: Child,
    spark_home: PathBuf,
    keep_event_log: bool,
    log: PathBuf,
    // Last: removed after the processes are stopped.
    dir: TempDir,
}

impl SparkRun {
    /// Runs `spark_job.py run_seconds linger_seconds` in `local-cluster[2,1,1024]` mode with
    /// the contract's Spark configuration and returns once the driver UI serves exposition
    /// text on both Prometheus endpoints.
    pub fn start(run_seconds: u32, linger_seconds: u32) -> Result<Self, HarnessError> {
        Self::start_with(&SparkOptions::new(run_seconds, linger_seconds))
    }

    /// [`SparkRun::start`] with every option.
    ///
    /// The contract (`provisioning/spark/spark-metrics.conf`) becomes the run's
    /// `spark-defaults.conf` (through `SPARK_CONF_DIR`); the script's own `CONF` dict
    /// overrides the keys it also sets (the namespace becomes `sparkci`, which the
    /// contract's relabeling handles like any namespace without `_`). The harness adds
    /// only where temporary files go and `spark.ui.showConsoleProgress false`.
    /// Everything binds to 127.0.0.1 (`SPARK_LOCAL_IP`).
    pub fn start_with(options: &SparkOptions) -> Result<Self, HarnessError> {
        let python = match &options.python {
            Some(p) => p.clone(),
            None => spark_python()?,
        };
        let script = options
            .script
            .clone()
            .unwrap_or_else(|| spark_fixtures_dir().join("spark_job.py"));
        if !script.is_file() {
            return Err(HarnessError::Fixture {
                path: script,
                message: "the Spark workload is missing (set SPARK_DASHBOARDS_SHARED to the \
                          directory holding fixtures/spark/)"
                    .into(),
            });
        }
        let (spark_version, spark_home) = probe_pyspark(&python)?;

        sweep_stale_dirs(DIR_PREFIX, |dir| {
            let run = fs::read_to_string(dir.join(RUN_FILE)).unwrap_or_default();
            let mut lines = run.lines();
            if let (Some(app_id), Some(home), Some(keep)) =
                (lines.next(), lines.next(), lines.next())
            {
                remove_run_leftovers(app_id, Path::new(home), keep == "true");
            }
        });
        let dir = tempfile::Builder::new()
            .prefix(DIR_PREFIX)
            .tempdir()
            .map_err(|e| HarnessError::io("creating a temporary directory", e))?;
        claim_dir(dir.path())?;
        let conf_dir = dir.path().join("conf");
        let tmp = dir.path().join("tmp");
        let cwd = dir.path().join("cwd");
        // The contract's spark.eventLog.dir: Spark refuses to start when it is missing, and
        // only the fixtures' workload creates it itself (a fresh machine whose first run was
        // another workload's failed so).
        let event_logs = PathBuf::from(SPARK_EVENT_LOG_DIR);
        for d in [
            &conf_dir,
            &tmp,
            &cwd,
            &dir.path().join("local"),
            &event_logs,
        ] {
            fs::create_dir_all(d)
                .map_err(|e| HarnessError::io(format!("creating {}", d.display()), e))?;
        }
        write_spark_defaults(
            &conf_dir.join("spark-defaults.conf"),
            dir.path(),
            &options.extra_conf,
        )?;

        let log = dir.path().join("spark_job.log");
        let (log_file, log_err) = log_files(&log)?;
        let mut command = Command::new(&python);
        command
            .arg(&script)
            .arg(options.run_seconds.to_string())
            .arg(options.linger_seconds.to_string())
            .env("SPARK_MASTER", &options.master)
            // Where a workload of tests/workloads finds the fixtures' spark_job.py to reuse.
            .env("SPARK_FIXTURES_DIR", spark_fixtures_dir())
            .env("SPARK_CONF_DIR", &conf_dir)
            .env("SPARK_HOME", &spark_home)
            .env("SPARK_LOCAL_IP", "127.0.0.1")
            .env("PYSPARK_PYTHON", &python)
            .env("PYTHONUNBUFFERED", "1")
            .env("TMPDIR", &tmp)
            .current_dir(&cwd)
            .stdin(Stdio::null())
            .stdout(log_file)
            .stderr(log_err)
            // Its own process group: one signal reaches the driver and executor JVMs.
            .process_group(0);
        let child = spawn_tied(command)
            .map_err(|e| HarnessError::io(format!("starting {}", python.display()), e))?;

        // From here on, any early return drops `run`, which stops everything.
        let mut run = SparkRun {
            ui_address: String::new(),
            app_id: String::new(),
            app_name: String::new(),
            spark_version,
            child,
            spark_home,
            keep_event_log: options.keep_event_log,
            log,
            dir,
        };
        run.wait_ready(options.start_timeout)?;
        Ok(run)
    }

    fn wait_ready(&mut self, timeout: Duration) -> Result<(), HarnessError> {
        let client = http_client(Duration::from_secs(5))?;
        // Ok(Err) ends the wait at once: no waiting brings back a driver that exited.
        let ready = Eventually::new(timeout)
            .every(Duration::from_millis(250))
            .poll(|| {
                if let Ok(Some(status)) = self.child.try_wait() {
                    return Ok(Err(self.exited_error(describe_exit(status))));
                }
                if self.app_id.is_empty() {
                    let Some((app_id, port)) = parse_probe_line(&self.log) else {
                        return Err("waiting for the script's `PROBE spark … ui=` line".into());
                    };
                    self.app_id = app_id;
                    self.ui_address = format!("127.0.0.1:{port}");
                    if let Err(e) = self.record_run() {
                        return Ok(Err(e));
                    }
                }
                self.check_endpoints(&client).map(Ok)
            });
        ready.unwrap_or_else(|timed_out| {
            Err(HarnessError::Timeout {
                what: format!(
                    "the Spark driver UI to serve metrics ({})",
                    if self.ui_address.is_empty() {
                        "UI address not known yet"
                    } else {
                        &self.ui_address
                    }
                ),
                waited: timed_out.waited,
                details: format!(
                    "state: {}\nlast lines of {}:\n{}",
                    timed_out.last,
                    self.log.display(),
                    log_tail(&self.log, 20)
                ),
            })
        })
    }

    /// Writes the run file the sweep of killed test processes reads (see [`RUN_FILE`]).
    fn record_run(&self) -> Result<(), HarnessError> {
        let run = format!(
            "{}\n{}\n{}\n",
            self.app_id,
            self.spark_home.display(),
            self.keep_event_log
        );
        let path = self.dir.path().join(RUN_FILE);
        fs::write(&path, run)
            .map_err(|e| HarnessError::io(format!("writing {}", path.display()), e))
    }

    /// Ok once both endpoints serve exposition text and the REST API names the app.
    fn check_endpoints(&mut self, client: &reqwest::blocking::Client) -> Result<(), String> {
        let base = format!("http://{}", self.ui_address);
        for (path, prefix) in [
            ("/metrics/prometheus/", "metrics_"),
            ("/metrics/executors/prometheus", "metrics_executor_"),
        ] {
            let url = format!("{base}{path}");
            match http_get(client, &url) {
                Ok((200, body)) if body.lines().any(|l| l.starts_with(prefix)) => {}
                Ok((status, body)) => {
                    return Err(format!(
                        "{url} answers HTTP {status} without `{prefix}` lines (starts {:?})",
                        body.chars().take(60).collect::<String>()
                    ))
                }
                Err(e) => return Err(e.to_string()),
            }
        }
        let url = format!("{base}/api/v1/applications");
        let apps: Value = match http_get(client, &url) {
            Ok((200, body)) => serde_json::from_str(&body).map_err(|e| format!("{url}: {e}"))?,
            Ok((status, _)) => return Err(format!("{url} answers HTTP {status}")),
            Err(e) => return Err(e.to_string()),
        };
        let name = apps
            .as_array()
            .into_iter()
            .flatten()
            .find(|a| a.get("id").and_then(Value::as_str) == Some(&self.app_id))
            .and_then(|a| a.get("name").and_then(Value::as_str));
        match name {
            Some(n) => {
                self.app_name = n.to_string();
                Ok(())
            }
            None => Err(format!("{url} does not list {} yet", self.app_id)),
        }
    }

    fn exited_error(&self, status: String) -> HarnessError {
        let tail = log_tail(&self.log, 20);
        let hint = if tail.contains("JAVA_GATEWAY_EXITED") || tail.contains("JAVA_HOME") {
            "\nhint: pyspark could not start a JVM; Java 17 must be installed (`java` on PATH \
             or JAVA_HOME)."
                .to_string()
        } else if tail.contains("No module named") {
            format!("\nhint: {PREPARE_HINT}")
        } else {
            String::new()
        };
        HarnessError::ProcessExited {
            what: format!("the Spark workload ({})", self.dir.path().display()),
            status,
            log: self.log.clone(),
            log_tail: tail,
            hint,
        }
    }

    /// The scrape target: the driver UI with the `application_id` label that service
    /// discovery would attach (as the contract's file_sd comment describes).
    pub fn target(&self) -> Target {
        Target::new(self.ui_address.clone()).label("application_id", self.app_id.clone())
    }

    /// The process group id (the Python driver process's pid).
    pub fn pgid(&self) -> u32 {
        self.child.id()
    }

    /// The live processes of the run: Python, the driver JVM, the executor JVMs, workers.
    pub fn processes(&self) -> BTreeSet<u32> {
        process_group_members(self.pgid())
    }

    /// Kills executor `id`'s JVM with SIGKILL, as the kernel's OOM killer or a lost node
    /// would: no shutdown hook runs, the driver learns of it from the lost heartbeat or the
    /// closed connection. Returns its pid.
    pub fn kill_executor(&self, id: &str) -> Result<u32, HarnessError> {
        let pid = self
            .processes()
            .into_iter()
            .find(|p| {
                let cmdline = process_cmdline(*p);
                let words: Vec<&str> = cmdline.split(' ').collect();
                cmdline.contains("CoarseGrainedExecutorBackend")
                    && words.windows(2).any(|w| w == ["--executor-id", id])
            })
            .ok_or_else(|| HarnessError::Input {
                path: self.dir.path().to_path_buf(),
                message: format!(
                    "no executor JVM with `--executor-id {id}` in the run's process group: is executor {id} running?"
                ),
            })?;
        // SAFETY: kill(2) with a pid of this run's process group and a signal number.
        if unsafe { libc::kill(pid as libc::pid_t, libc::SIGKILL) } != 0 {
            return Err(HarnessError::io(
                format!("killing executor {id} (pid {pid})"),
                std::io::Error::last_os_error(),
            ));
        }
        Ok(pid)
    }

    /// The script's output so far (stdout and stderr).
    pub fn log(&self) -> String {
        fs::read(&self.log)
            .map(|b| String::from_utf8_lossy(&b).into_owned())
            .unwrap_or_default()
    }

    /// Creates the empty file `name` in the workload's working directory: how a test asks a
    /// running workload that polls for it to do something now (validate_job.py's
    /// `stop-streaming`), instead of guessing when the workload gets there.
    pub fn touch(&self, name: &str) -> Result<(), HarnessError> {
        let path = self.dir.path().join("cwd").join(name);
        fs::write(&path, b"")
            .map_err(|e| HarnessError::io(format!("creating {}", path.display()), e))
    }

    /// The run's temporary directory (conf, log, Spark local dirs), deleted on drop.
    pub fn dir(&self) -> &Path {
        self.dir.path()
    }

    /// The `SPARK_HOME` of the pyspark package in use.
    pub fn spark_home(&self) -> &Path {
        &self.spark_home
    }
}

impl Drop for SparkRun {
    fn drop(&mut self) {
        let pgid = self.pgid();
        let left = stop_group(&mut self.child, Duration::from_secs(10));
        if !left.is_empty() {
            eprintln!(
                "warning: Spark process group {pgid} still has processes after SIGKILL: {left:?}"
            );
        }
        if !self.app_id.is_empty() {
            remove_run_leftovers(&self.app_id, &self.spark_home, self.keep_event_log);
        }
    }
}

/// What a run leaves outside its directory: its executors' work directory and its event log.
fn remove_run_leftovers(app_id: &str, spark_home: &Path, keep_event_log: bool) {
    if app_id.is_empty() || app_id.contains('/') {
        return;
    }
    // local-cluster workers put executor directories in $SPARK_HOME/work/<app id>.
    let work = spark_home.join("work");
    let _ = fs::remove_dir_all(work.join(app_id));
    let _ = fs::remove_dir(&work); // only when empty
    if keep_event_log {
        return;
    }
    if let Ok(entries) = fs::read_dir(SPARK_EVENT_LOG_DIR) {
        for entry in entries.flatten() {
            if entry.file_name().to_string_lossy().contains(app_id) {
                let path = entry.path();
                let _ = if path.is_dir() {
                    fs::remove_dir_all(&path)
                } else {
                    fs::remove_file(&path)
                };
            }
        }
    }
}

/// Checks that `python` runs and imports pyspark; returns (version, SPARK_HOME).
fn probe_pyspark(python: &Path) -> Result<(String, PathBuf), HarnessError> {
    const CODE: &str =
        "import os, pyspark; print(pyspark.__version__); print(os.path.dirname(pyspark.__file__))";
    let mut child = Command::new(python)
        .args(["-c", CODE])
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .map_err(|e| HarnessError::MissingPrerequisite {
            what: "Python with pyspark".into(),
            looked_at: format!("cannot run {}: {e}", python.display()),
            hint: format!("Set SPARK_DASHBOARDS_PYTHON to a Python with pyspark. {PREPARE_HINT}"),
        })?;
    let exited = Eventually::new(Duration::from_secs(60))
        .every(Duration::from_millis(50))
        .poll(|| match child.try_wait() {
            Ok(Some(status)) => Ok(Ok(status)),
            Ok(None) => Err("still running".to_string()),
            Err(e) => Ok(Err(e.to_string())),
        });
    let status = match exited {
        Ok(Ok(status)) => status,
        failed => {
            let _ = child.kill();
            let _ = child.wait();
            return Err(HarnessError::Timeout {
                what: format!("`{} -c 'import pyspark'`", python.display()),
                waited: Duration::from_secs(60),
                details: match failed {
                    Ok(Err(e)) => format!("waiting for it failed: {e}"),
                    _ => String::new(),
                },
            });
        }
    };
    let mut stdout = String::new();
    let mut stderr = String::new();
    if let Some(mut s) = child.stdout.take() {
        let _ = s.read_to_string(&mut stdout);
    }
    if let Some(mut s) = child.stderr.take() {
        let _ = s.read_to_string(&mut stderr);
    }
    let mut lines = stdout.lines();
    match (status.success(), lines.next(), lines.next()) {
        (true, Some(version), Some(home)) => Ok((version.to_string(), PathBuf::from(home))),
        _ => Err(HarnessError::MissingPrerequisite {
            what: "pyspark".into(),
            looked_at: format!(
                "`{} -c 'import pyspark'` failed with {}: {}",
                python.display(),
                describe_exit(status),
                stderr.trim().lines().last().unwrap_or("no output")
            ),
            hint: format!("Set SPARK_DASHBOARDS_PYTHON to a Python with pyspark. {PREPARE_HINT}"),
        }),
    }
}

/// The contract's Spark configuration plus where this run's temporary files go, then
/// `extra` lines.
fn write_spark_defaults(path: &Path, run_dir: &Path, extra: &[String]) -> Result<(), HarnessError> {
    let contract_path = contract_spark_conf();
    let contract = fs::read_to_string(&contract_path).map_err(|e| {
        HarnessError::io(
            format!("reading the contract {}", contract_path.display()),
            e,
        )
    })?;
    let tmp = run_dir.join("tmp");
    let text = format!(
        "{contract}\n\
         # Added by the test harness: keep temporary files in the run's directory.\n\
         spark.local.dir {local}\n\
         spark.driver.extraJavaOptions -Djava.io.tmpdir={tmp}\n\
         spark.executor.extraJavaOptions -Djava.io.tmpdir={tmp}\n\
         spark.ui.showConsoleProgress false\n\
         # Where every workload's event log goes (and the drop's cleanup looks).\n\
         spark.eventLog.dir file://{SPARK_EVENT_LOG_DIR}\n",
        local = run_dir.join("local").display(),
        tmp = tmp.display(),
    );
    let text = if extra.is_empty() {
        text
    } else {
        format!(
            "{text}# Added by the test: SparkOptions::extra_conf.\n{}\n",
            extra.join("\n")
        )
    };
    fs::write(path, text).map_err(|e| HarnessError::io(format!("writing {}", path.display()), e))
}

/// `PROBE spark 4.3.0 app_id=app-… session_start_s=… ui=http://localhost:4040`
/// → (app id, UI port).
fn parse_probe_line(log: &Path) -> Option<(String, u16)> {
    let text = fs::read(log).ok()?;
    let text = String::from_utf8_lossy(&text);
    let line = text.lines().find(|l| l.contains("PROBE spark "))?;
    let mut app_id = None;
    let mut port = None;
    for token in line.split_whitespace() {
        if let Some(id) = token.strip_prefix("app_id=") {
            app_id = Some(id.to_string());
        } else if let Some(url) = token.strip_prefix("ui=") {
            port = url
                .trim_end_matches('/')
                .rsplit(':')
                .next()
                .and_then(|p| p.parse().ok());
        }
    }
    Some((app_id?, port?))
}
