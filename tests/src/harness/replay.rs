//! The fast path: a recorded Spark run served over HTTP, no Spark needed.

use std::collections::BTreeMap;
use std::fs;
use std::io::{Read, Write};
use std::net::{Ipv4Addr, TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::Arc;
use std::thread::{self, JoinHandle};
use std::time::Duration;

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
/// over the first scrapes and `rate()` has data. Dropping it stops the server thread.
pub struct Replay {
    /// `127.0.0.1:<port>`.
    pub address: String,
    /// The recorded `application_id` (`<run>/app_id.txt`).
    pub app_id: String,
    stop: Arc<AtomicBool>,
    requests: Arc<AtomicUsize>,
    thread: Option<JoinHandle<()>>,
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

        let listener = TcpListener::bind((Ipv4Addr::LOCALHOST, 0))
            .map_err(|e| HarnessError::io("binding the replay server to 127.0.0.1:0", e))?;
        let address = listener
            .local_addr()
            .map_err(|e| HarnessError::io("reading the replay server's address", e))?
            .to_string();
        let stop = Arc::new(AtomicBool::new(false));
        let requests = Arc::new(AtomicUsize::new(0));
        let thread = {
            let stop = stop.clone();
            let requests = requests.clone();
            thread::Builder::new()
                .name(format!("replay-{address}"))
                .spawn(move || serve(listener, routes, stop, requests))
                .map_err(|e| HarnessError::io("spawning the replay server thread", e))?
        };
        Ok(Replay {
            address,
            app_id,
            stop,
            requests,
            thread: Some(thread),
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

impl Drop for Replay {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::SeqCst);
        // Wake the blocking accept().
        let _ = TcpStream::connect_timeout(
            &self.address.parse().expect("a socket address"),
            Duration::from_secs(1),
        );
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
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

fn serve(
    listener: TcpListener,
    routes: BTreeMap<&'static str, Endpoint>,
    stop: Arc<AtomicBool>,
    requests: Arc<AtomicUsize>,
) {
    for stream in listener.incoming() {
        if stop.load(Ordering::SeqCst) {
            return;
        }
        if let Ok(stream) = stream {
            // One request per connection; errors only affect that client.
            let _ = answer(stream, &routes, &requests);
        }
    }
}

fn answer(
    mut stream: TcpStream,
    routes: &BTreeMap<&'static str, Endpoint>,
    requests: &AtomicUsize,
) -> std::io::Result<()> {
    stream.set_read_timeout(Some(Duration::from_secs(2)))?;
    stream.set_write_timeout(Some(Duration::from_secs(2)))?;
    let mut head = Vec::new();
    let mut buf = [0u8; 4096];
    while !head.windows(4).any(|w| w == b"\r\n\r\n") {
        let n = stream.read(&mut buf)?;
        if n == 0 {
            return Ok(());
        }
        head.extend_from_slice(&buf[..n]);
        if head.len() > 64 * 1024 {
            break;
        }
    }
    requests.fetch_add(1, Ordering::SeqCst);
    let head = String::from_utf8_lossy(&head);
    let mut parts = head.lines().next().unwrap_or("").split_whitespace();
    let method = parts.next().unwrap_or("");
    let target = parts.next().unwrap_or("");
    let path = target.split('?').next().unwrap_or("");
    let (status, extra, body): (&str, String, &[u8]) = match (method, routes.get(path)) {
        ("GET", Some(endpoint)) => (
            "200 OK",
            "Content-Type: text/plain; version=0.0.4\r\n".into(),
            endpoint.next_body(),
        ),
        ("GET", None) if path == "/metrics/prometheus" => (
            "301 Moved Permanently",
            format!("Location: {DRIVER_PATH}\r\n"),
            b"",
        ),
        _ => (
            "404 Not Found",
            "Content-Type: text/plain\r\n".into(),
            b"not found\n",
        ),
    };
    let header = format!(
        "HTTP/1.1 {status}\r\n{extra}Content-Length: {}\r\nConnection: close\r\n\r\n",
        body.len()
    );
    stream.write_all(header.as_bytes())?;
    stream.write_all(body)?;
    stream.flush()
}
