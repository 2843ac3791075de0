//! A real Prometheus scraping a real Spark (or a replay of one), for integration tests.
//!
//! ```no_run
//! use std::time::Duration;
//! use integration_tests::harness::{Prometheus, Replay};
//!
//! # fn main() -> Result<(), integration_tests::harness::HarnessError> {
//! // Fast path, no Spark: recorded expositions served over HTTP.
//! let replay = Replay::start("spark-4.3.0_local-cluster")?;
//! let prometheus = Prometheus::start(&[replay.target()], Duration::from_secs(1))?;
//! prometheus.wait_for("metrics_executor_activeTasks", 3, Duration::from_secs(20))?;
//! // … query prometheus.url …
//! # Ok(()) }
//! ```
//!
//! - [`Prometheus`] runs the Debian `prometheus` binary on a free loopback port with the
//!   project's scrape configuration (`provisioning/prometheus/prometheus.yml`, the metrics
//!   contract) and a file_sd target list the test controls.
//! - [`SparkRun`] runs the real workload `fixtures/spark/spark_job.py` with pyspark in
//!   `local-cluster[2,1,1024]` mode (a driver JVM and two executor JVMs) with the contract's
//!   Spark configuration (`provisioning/spark/spark-metrics.conf`).
//! - [`Alertmanager`] runs Debian's `prometheus-alertmanager` on a free loopback port with a
//!   configuration the test gives (usually the provisioning one,
//!   [`AlertmanagerOptions::provisioning`]), and [`NotificationReceiver`] stands in for
//!   Slack, PagerDuty or any webhook, recording what Alertmanager sends;
//!   [`PrometheusOptions`] starts Prometheus with rule files and an Alertmanager to send to.
//! - [`Replay`] serves a recorded run from `fixtures/spark/<run>/exposition/` on the two
//!   endpoints Prometheus scrapes, advancing through the snapshots so counters increase.
//!
//! Everything is stopped and deleted when dropped, on panics too; see [`process`] for what
//! happens when the test process dies without unwinding.
//!
//! # Prerequisites and environment
//!
//! `cargo xtask test` installs and locates everything, then exports:
//!
//! | variable | meaning | default when unset |
//! |---|---|---|
//! | `PROMETHEUS_BIN` | the Prometheus 2.x server | `/usr/bin/prometheus`, then `prometheus` on `PATH` |
//! | `PROMTOOL_BIN` | `promtool` | `/usr/bin/promtool`, then `promtool` on `PATH` |
//! | `ALERTMANAGER_BIN` | Alertmanager 0.25 ([`alertmanager_bin`]) | `/usr/bin/prometheus-alertmanager` (Debian's name), then `alertmanager` (upstream's) |
//! | `AMTOOL_BIN` | `amtool` | `/usr/bin/amtool`, then `amtool` on `PATH` |
//! | `SPARK_DASHBOARDS_PYTHON` | a Python with pyspark | `<target dir>/pyspark-venv/bin/python` |
//! | `SPARK_DASHBOARDS_PYTHON_35` | a Python with pyspark 3.5 ([`spark_python_35`]) | `<target dir>/pyspark35-venv/bin/python` |
//! | `SPARK_DASHBOARDS_SHARED` | the shared directory holding `fixtures/spark/` | `../shared` next to the repository |
//! | `SPARK_EXPORTER_BIN` | the `spark-exporter` binary ([`Exporter`]) | built with `cargo build -p spark-exporter` |
//!
//! The target dir is `CARGO_TARGET_DIR` or `<repository>/target`, so a plain `cargo test`
//! after one `cargo xtask test` finds the same virtualenv. When something is missing the
//! error says so and names `cargo xtask test`.

mod alertmanager;
mod error;
mod exporter;
pub mod process;
mod prometheus;
mod replay;
mod spark;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::time::Duration;

pub use alertmanager::{
    Alertmanager, AlertmanagerAlert, AlertmanagerOptions, Notification, NotificationReceiver,
    ALERTMANAGER_SECRETS_DIR,
};
pub use error::HarnessError;
pub use exporter::{
    exporter_bin, exporter_spark_conf, recorded_graphite_reports, Exporter, ExporterOptions,
    GraphiteReplay, RestReplay, EXPORTER_TARGETS_FILE,
};
pub use process::{process_alive, process_cmdline, process_group_members};
pub use prometheus::{Prometheus, PrometheusOptions, ScrapeTarget, Series};
pub use replay::Replay;
pub use spark::{SparkOptions, SparkRun, SPARK_EVENT_LOG_DIR};

/// What `cargo xtask test` does; quoted in every missing-prerequisite error.
pub(crate) const PREPARE_HINT: &str =
    "Run `cargo xtask test` once: it installs and prepares what the integration tests need.";

/// One scrape target, as a file_sd entry: `{"targets": [address], "labels": labels}`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Target {
    /// `host:port` of a Spark driver UI (or of a [`Replay`]).
    pub address: String,
    /// Labels service discovery would attach, e.g. `application_id`.
    pub labels: BTreeMap<String, String>,
}

impl Target {
    /// A target with no labels.
    pub fn new(address: impl Into<String>) -> Self {
        Self {
            address: address.into(),
            labels: BTreeMap::new(),
        }
    }

    /// Adds a label.
    pub fn label(mut self, name: impl Into<String>, value: impl Into<String>) -> Self {
        self.labels.insert(name.into(), value.into());
        self
    }
}

/// The repository root (the workspace of this crate).
pub fn workspace_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("tests/ has a parent")
        .to_path_buf()
}

/// Cargo's target directory: `CARGO_TARGET_DIR` (relative to the repository root when
/// relative) or `<repository>/target`.
pub fn target_dir() -> PathBuf {
    match std::env::var_os("CARGO_TARGET_DIR") {
        Some(dir) if !dir.is_empty() => workspace_root().join(dir),
        _ => workspace_root().join("target"),
    }
}

/// The shared directory with `fixtures/spark/`: `SPARK_DASHBOARDS_SHARED`, or `shared`
/// next to the repository (`/work/shared` for `/work/main`).
pub fn shared_dir() -> PathBuf {
    match std::env::var_os("SPARK_DASHBOARDS_SHARED") {
        Some(dir) if !dir.is_empty() => PathBuf::from(dir),
        _ => workspace_root()
            .parent()
            .expect("the repository has a parent")
            .join("shared"),
    }
}

/// `<shared>/fixtures/spark`.
pub fn spark_fixtures_dir() -> PathBuf {
    shared_dir().join("fixtures").join("spark")
}

/// The Prometheus side of the metrics contract.
pub fn contract_prometheus_config() -> PathBuf {
    workspace_root().join("provisioning/prometheus/prometheus.yml")
}

/// The provisioned Alertmanager configuration; its templates are in `templates/` beside it.
pub fn contract_alertmanager_config() -> PathBuf {
    workspace_root().join("provisioning/alertmanager/alertmanager.yml")
}

/// The Spark side of the metrics contract (spark-defaults lines).
pub fn contract_spark_conf() -> PathBuf {
    workspace_root().join("provisioning/spark/spark-metrics.conf")
}

/// The Prometheus server binary (see the module docs for the lookup order).
pub fn prometheus_bin() -> Result<PathBuf, HarnessError> {
    find_program(
        "PROMETHEUS_BIN",
        &["prometheus"],
        "Prometheus (Debian package `prometheus`)",
        "prometheus",
    )
}

/// The `promtool` binary (same Debian package as Prometheus).
pub fn promtool_bin() -> Result<PathBuf, HarnessError> {
    find_program(
        "PROMTOOL_BIN",
        &["promtool"],
        "promtool (Debian package `prometheus`)",
        "prometheus",
    )
}

/// The Alertmanager server binary: `ALERTMANAGER_BIN`, else Debian's
/// `/usr/bin/prometheus-alertmanager`, else `prometheus-alertmanager` or upstream's
/// `alertmanager` on `PATH`.
///
/// ```
/// match integration_tests::harness::alertmanager_bin() {
///     Ok(bin) => assert!(bin.is_file()),
///     // Without the package the error names the fix.
///     Err(e) => assert!(e.to_string().contains("cargo xtask test"), "{e}"),
/// }
/// ```
pub fn alertmanager_bin() -> Result<PathBuf, HarnessError> {
    find_program(
        "ALERTMANAGER_BIN",
        &["prometheus-alertmanager", "alertmanager"],
        "Alertmanager (Debian package `prometheus-alertmanager`)",
        "prometheus-alertmanager",
    )
}

/// The `amtool` binary (same Debian package as Alertmanager).
pub fn amtool_bin() -> Result<PathBuf, HarnessError> {
    find_program(
        "AMTOOL_BIN",
        &["amtool"],
        "amtool (Debian package `prometheus-alertmanager`)",
        "prometheus-alertmanager",
    )
}

/// The Python interpreter with pyspark: `SPARK_DASHBOARDS_PYTHON`, or the virtualenv that
/// `cargo xtask test` creates in the target dir. Only checks that the file exists.
pub fn spark_python() -> Result<PathBuf, HarnessError> {
    python_from(
        "SPARK_DASHBOARDS_PYTHON",
        "pyspark-venv",
        "Python with pyspark",
    )
}

/// The Python with pyspark 3.5, for validating the dashboards on the oldest Spark line they
/// support: `SPARK_DASHBOARDS_PYTHON_35`, or `cargo xtask test`'s `pyspark35-venv`.
pub fn spark_python_35() -> Result<PathBuf, HarnessError> {
    python_from(
        "SPARK_DASHBOARDS_PYTHON_35",
        "pyspark35-venv",
        "Python with pyspark 3.5",
    )
}

/// The file `$var` names, when the variable is set: it must exist.
fn from_env(var: &str, what: &str, fix: &str) -> Option<Result<PathBuf, HarnessError>> {
    let p = PathBuf::from(std::env::var_os(var).filter(|p| !p.is_empty())?);
    Some(if p.is_file() {
        Ok(p)
    } else {
        Err(HarnessError::MissingPrerequisite {
            what: what.into(),
            looked_at: format!("{var}={}", p.display()),
            hint: format!("{fix} {PREPARE_HINT}"),
        })
    })
}

fn python_from(var: &str, venv: &str, what: &str) -> Result<PathBuf, HarnessError> {
    if let Some(set) = from_env(
        var,
        what,
        "Point it at an existing interpreter or unset it.",
    ) {
        return set;
    }
    let default = target_dir().join(venv).join("bin/python");
    if default.is_file() {
        Ok(default)
    } else {
        Err(HarnessError::MissingPrerequisite {
            what: what.into(),
            looked_at: format!("{var} unset, {}", default.display()),
            hint: PREPARE_HINT.into(),
        })
    }
}

/// `$var`, else the first of `names` in `/usr/bin`, else on `PATH`; `package` is the Debian
/// package the error tells to install.
fn find_program(
    var: &str,
    names: &[&str],
    what: &str,
    package: &str,
) -> Result<PathBuf, HarnessError> {
    if let Some(set) = from_env(
        var,
        what,
        &format!("Point {var} at the binary or unset it."),
    ) {
        return set;
    }
    for name in names {
        let usr_bin = Path::new("/usr/bin").join(name);
        if usr_bin.is_file() {
            return Ok(usr_bin);
        }
    }
    if let Some(path) = std::env::var_os("PATH") {
        for dir in std::env::split_paths(&path) {
            for name in names {
                let candidate = dir.join(name);
                if candidate.is_file() {
                    return Ok(candidate);
                }
            }
        }
    }
    Err(HarnessError::MissingPrerequisite {
        what: what.into(),
        looked_at: format!("{var} unset, {} in /usr/bin and PATH", names.join(" or ")),
        hint: format!("{PREPARE_HINT} (As root it runs `apt-get install -y {package}`.)"),
    })
}

/// A blocking HTTP client for loopback: no proxies, bounded timeouts.
pub(crate) fn http_client(timeout: Duration) -> Result<reqwest::blocking::Client, HarnessError> {
    reqwest::blocking::Client::builder()
        .no_proxy()
        .connect_timeout(Duration::from_secs(2))
        .timeout(timeout)
        .build()
        .map_err(|e| HarnessError::Http {
            url: "(client)".into(),
            message: format!("building the HTTP client: {e}"),
        })
}

/// GETs `url`; any status, body as text.
pub(crate) fn http_get(
    client: &reqwest::blocking::Client,
    url: &str,
) -> Result<(u16, String), HarnessError> {
    let err = |e: reqwest::Error| HarnessError::Http {
        url: url.to_string(),
        message: error_chain(&e),
    };
    let response = client.get(url).send().map_err(err)?;
    let status = response.status().as_u16();
    let body = response.text().map_err(err)?;
    Ok((status, body))
}

/// GETs `url` on loopback (a Spark UI page, a link a dashboard generates), following
/// redirects, within 10 s: its status and its body as text.
///
/// ```no_run
/// let (status, _page) = integration_tests::harness::fetch("http://127.0.0.1:4040/jobs/").unwrap();
/// assert_eq!(status, 200);
/// ```
pub fn fetch(url: &str) -> Result<(u16, String), HarnessError> {
    http_get(&http_client(Duration::from_secs(10))?, url)
}

/// An error and its sources on one line ("error sending request: connection refused").
pub(crate) fn error_chain(e: &dyn std::error::Error) -> String {
    let mut out = e.to_string();
    let mut source = e.source();
    while let Some(s) = source {
        let text = s.to_string();
        if !out.contains(&text) {
            out.push_str(": ");
            out.push_str(&text);
        }
        source = s.source();
    }
    out
}

/// Renders a duration the way Prometheus reads it (`1s`, `1500ms`).
pub(crate) fn prometheus_duration(d: Duration) -> String {
    if d.as_secs() > 0 && d.subsec_millis() == 0 {
        format!("{}s", d.as_secs())
    } else {
        format!("{}ms", d.as_millis().max(1))
    }
}
