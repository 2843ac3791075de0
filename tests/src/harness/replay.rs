//! The fast path: a recorded Spark run served over HTTP, no Spark needed.

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;

use test_support::http::{HttpServer, Reply, Request, Response};

use super::{spark_fixtures_dir, HarnessError, Target};

/// The driver endpoint the contract scrapes (PrometheusServlet).
pub const DRIVER_PATH: &str = "/metrics/prometheus/";
/// The executor summaries endpoint (`spark.ui.prometheus.enabled`).
pub const EXECUTORS_PATH: &str = "/metrics/executors/prometheus";

/// An HTTP server on a free loopback port that answers like a Spark driver UI, from a
/// recorded run in `fixtures/spark/<run>/exposition/`:
///
/// - `GET /metrics/prometheus/` serves `driver_snapshot<N>.prom` in order of N, then
///   `driver_final.prom` for every later request;
/// - `GET /metrics/executors/prometheus` does the same with `executors_*.prom`;
/// - `GET /metrics/prometheus` redirects (301) to the trailing slash, as Spark 4 does;
/// - anything else is a 404.
///
/// Each endpoint advances on its own, one snapshot per request, so counters increase
/// over the first scrapes and `rate()` has data. Every answer closes its connection, as
/// Spark's UI does. Dropping it stops the server.
pub struct Replay {
    /// `127.0.0.1:<port>`.
    pub address: String,
    /// The recorded `application_id` (`<run>/app_id.txt`).
    pub app_id: String,
    requests: Arc<AtomicUsize>,
    _server: HttpServer,
}

struct Endpoint {
    snapshots: Vec<Vec<u8>>,
    next: AtomicUsize,
}

impl Endpoint {
    fn next_body(&self) -> &[u8] {
        let i = self.next.fetch_add(1, Ordering::SeqCst);
        &self.snapshots[i.min(self.snapshots.len() - 1)]
    }
}

impl Replay {
    /// Serves the recorded run `run`: a directory name below `fixtures/spark/`
    /// (e.g. `spark-4.3.0_local-cluster`) or a path to such a directory.
    pub fn start(run: &str) -> Result<Self, HarnessError> {
        let run_dir = if Path::new(run).is_absolute() {
            PathBuf::from(run)
        } else {
            spark_fixtures_dir().join(run)
        };
        if !run_dir.is_dir() {
            return Err(HarnessError::Fixture {
                path: run_dir,
                message: format!(
                    "no such recorded run; expected a directory below {} \
                     (set SPARK_DASHBOARDS_SHARED to the directory holding fixtures/)",
                    spark_fixtures_dir().display()
                ),
            });
        }
        let app_id_path = run_dir.join("app_id.txt");
        let app_id = fs::read_to_string(&app_id_path)
            .map_err(|e| HarnessError::Fixture {
                path: app_id_path.clone(),
                message: e.to_string(),
            })?
            .trim()
            .to_string();
        let exposition = run_dir.join("exposition");
        let mut routes = BTreeMap::new();
        routes.insert(DRIVER_PATH, load_snapshots(&exposition, "driver")?);
        routes.insert(EXECUTORS_PATH, load_snapshots(&exposition, "executors")?);

        let requests = Arc::new(AtomicUsize::new(0));
        let counted = requests.clone();
        let server = HttpServer::start(move |req| {
            counted.fetch_add(1, Ordering::SeqCst);
            Reply::Respond(answer(req, &routes).with_header("Connection", "close"))
        })
        .map_err(|e| HarnessError::io("starting the replay server on 127.0.0.1:0", e))?;
        Ok(Replay {
            address: server.addr().to_string(),
            app_id,
            requests,
            _server: server,
        })
    }

    /// The target Prometheus scrapes, with the recorded `application_id` label that
    /// service discovery would attach.
    pub fn target(&self) -> Target {
        Target::new(self.address.clone()).label("application_id", self.app_id.clone())
    }

    /// How many requests it has answered (any path).
    pub fn requests(&self) -> usize {
        self.requests.load(Ordering::SeqCst)
    }
}

/// `<prefix>_snapshot<N>.prom` by N, then `<prefix>_final.prom`.
fn load_snapshots(dir: &Path, prefix: &str) -> Result<Endpoint, HarnessError> {
    let entries = fs::read_dir(dir).map_err(|e| HarnessError::Fixture {
        path: dir.to_path_buf(),
        message: e.to_string(),
    })?;
    let mut numbered = Vec::new();
    let snapshot_prefix = format!("{prefix}_snapshot");
    for entry in entries.flatten() {
        let name = entry.file_name().to_string_lossy().into_owned();
        if let Some(n) = name
            .strip_prefix(&snapshot_prefix)
            .and_then(|r| r.strip_suffix(".prom"))
            .and_then(|n| n.parse::<u32>().ok())
        {
            numbered.push((n, entry.path()));
        }
    }
    numbered.sort();
    let mut paths: Vec<PathBuf> = numbered.into_iter().map(|(_, p)| p).collect();
    let last = dir.join(format!("{prefix}_final.prom"));
    if last.is_file() {
        paths.push(last);
    }
    if paths.is_empty() {
        return Err(HarnessError::Fixture {
            path: dir.to_path_buf(),
            message: format!("no {prefix}_snapshot<N>.prom or {prefix}_final.prom"),
        });
    }
    let snapshots = paths
        .iter()
        .map(|p| {
            fs::read(p).map_err(|e| HarnessError::Fixture {
                path: p.clone(),
                message: e.to_string(),
            })
        })
        .collect::<Result<_, _>>()?;
    Ok(Endpoint {
        snapshots,
        next: AtomicUsize::new(0),
    })
}

/// What a Spark driver's UI answers to `req`.
fn answer(req: &Request, routes: &BTreeMap<&'static str, Endpoint>) -> Response {
    match (req.method.as_str(), routes.get(req.path.as_str())) {
        ("GET", Some(endpoint)) => Response::bytes(
            200,
            "text/plain; version=0.0.4",
            endpoint.next_body().to_vec(),
        ),
        ("GET", None) if req.path == "/metrics/prometheus" => {
            Response::text(301, "", "").with_header("Location", DRIVER_PATH)
        }
        _ => Response::text(404, "text/plain", "not found\n"),
    }
}
