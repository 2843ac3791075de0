//! What the integration tests of the crate share: the fixtures, a Spark REST API served
//! from a recorded run, and the exporter binary started on free ports.

use std::collections::BTreeMap;
use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex};
use std::thread;
use std::time::Duration;

use test_support::eventually::{eventually, Eventually};
use test_support::http::{HttpServer, Reply, Response};

/// `<shared>/fixtures/spark`: `SPARK_DASHBOARDS_SHARED`, else `../shared` next to the
/// repository.
pub fn fixtures() -> PathBuf {
    let shared = std::env::var_os("SPARK_DASHBOARDS_SHARED")
        .filter(|s| !s.is_empty())
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../shared"));
    shared.join("fixtures/spark")
}

/// The recorded GraphiteSink lines (gunzipped with the system's `gzip`).
pub fn graphite_lines() -> Vec<u8> {
    let path = fixtures().join("graphite/local-cluster-graphite-lines.txt.gz");
    let out = Command::new("gzip")
        .arg("-dc")
        .arg(&path)
        .output()
        .unwrap_or_else(|e| panic!("gzip -dc {}: {e}", path.display()));
    assert!(out.status.success(), "gzip -dc {} failed", path.display());
    out.stdout
}

/// The recorded REST API of the local-cluster run.
pub fn rest_dir() -> PathBuf {
    fixtures().join("spark-4.3.0_local-cluster/rest")
}

/// A recorded `/sql` answer of Spark 4.3.0 (tests/fixtures/sql/README.md).
pub fn sql_fixture(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/sql/4.3.0")
        .join(name)
}

pub fn read(path: PathBuf) -> Vec<u8> {
    std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// Path → (status, body) answered instead of the recording.
type Overrides = Arc<Mutex<BTreeMap<String, (u16, Vec<u8>)>>>;

/// A fake Spark REST API on a loopback port, answering from the recorded run, JSON, one
/// request per connection. Routes can be overridden (status, body) to inject faults.
/// Stops when dropped.
pub struct FakeSpark {
    pub url: String,
    pub app_id: String,
    /// Every request target (path and query, as sent), in order.
    pub requests: Arc<Mutex<Vec<String>>>,
    overrides: Overrides,
    _server: HttpServer,
}

impl FakeSpark {
    pub fn start() -> Self {
        let dir = rest_dir();
        let app_id = String::from_utf8(read(dir.join("../app_id.txt")))
            .unwrap()
            .trim()
            .to_string();
        let env: serde_json::Value =
            serde_json::from_slice(&read(dir.join("environment_spark_properties.json"))).unwrap();
        let app_name = env["sparkProperties"]
            .as_array()
            .unwrap()
            .iter()
            .find(|p| p[0] == "spark.app.name")
            .map(|p| p[1].as_str().unwrap().to_string())
            .unwrap();
        let summaries: serde_json::Map<String, serde_json::Value> =
            serde_json::from_slice(&read(dir.join("taskSummary_all_stages.json"))).unwrap();
        let requests = Arc::new(Mutex::new(Vec::new()));
        let overrides: Overrides = Arc::default();
        let apps = serde_json::json!([{
            "id": app_id, "name": app_name,
            "attempts": [{"startTimeEpoch": 1795238779385u64, "endTimeEpoch": -1, "completed": false}]
        }]);
        let base = format!("/api/v1/applications/{app_id}");
        let server = {
            let (requests, overrides) = (requests.clone(), overrides.clone());
            HttpServer::start(move |req| {
                requests.lock().unwrap().push(req.target.clone());
                let over = overrides.lock().unwrap().get(&req.path).cloned();
                let (status, body) = match over {
                    Some(o) => o,
                    None => route(&req.path, &base, &apps, &summaries, &dir),
                };
                Reply::Respond(
                    Response::bytes(status, "application/json", body)
                        .with_header("Connection", "close"),
                )
            })
            .unwrap()
        };
        FakeSpark {
            url: server.url(),
            app_id,
            requests,
            overrides,
            _server: server,
        }
    }

    /// Answers `path` (without query) with `status` and `body` from now on.
    pub fn set(&self, path: &str, status: u16, body: &[u8]) {
        self.overrides
            .lock()
            .unwrap()
            .insert(path.to_string(), (status, body.to_vec()));
    }
}

fn route(
    path: &str,
    base: &str,
    apps: &serde_json::Value,
    summaries: &serde_json::Map<String, serde_json::Value>,
    dir: &std::path::Path,
) -> (u16, Vec<u8>) {
    let file = |name: &str| (200, read(dir.join(name)));
    if path == "/api/v1/applications" {
        return (200, apps.to_string().into_bytes());
    }
    let Some(rest) = path.strip_prefix(base) else {
        return (404, b"{}".to_vec());
    };
    match rest {
        "/environment" => file("environment_spark_properties.json"),
        // The recorded run lost no executor: its `/allexecutors` is its `/executors`.
        "/allexecutors" => file("executors_final.json"),
        "/stages" => file("stages_final.json"),
        "/jobs" => file("jobs_final.json"),
        // Recorded by tests/fixtures/sql/probe.py on another run of 4.3.0: its job ids
        // name jobs of this recording, which is what a stage count needs.
        "/sql" => (200, read(sql_fixture("sql_no_details.json"))),
        _ if rest.starts_with("/sql/") => {
            let id = rest.trim_start_matches("/sql/");
            let all: Vec<serde_json::Value> =
                serde_json::from_slice(&read(sql_fixture("sql_details.json"))).unwrap();
            match all
                .iter()
                .find(|e| e["id"].as_u64().map(|n| n.to_string()).as_deref() == Some(id))
            {
                Some(e) => (200, e.to_string().into_bytes()),
                None => (
                    404,
                    format!("unknown query execution id: {id}").into_bytes(),
                ),
            }
        }
        _ => {
            // /stages/<id>/<attempt>/taskSummary
            let parts: Vec<&str> = rest.trim_start_matches('/').split('/').collect();
            if let ["stages", id, attempt, "taskSummary"] = parts.as_slice() {
                if let Some(s) = summaries.get(&format!("{id}.{attempt}")) {
                    return (200, s.to_string().into_bytes());
                }
            }
            (
                404,
                br#"{"message":"no such stage or no tasks reported metrics yet"}"#.to_vec(),
            )
        }
    }
}

/// The exporter binary on free loopback ports; killed on drop.
pub struct ExporterProcess {
    pub child: Child,
    pub http: String,
    pub graphite: String,
    pub stderr: Arc<Mutex<String>>,
}

/// A free loopback port (bound, then released).
pub fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

impl ExporterProcess {
    pub fn start(extra: &[&str]) -> Self {
        let (http_port, graphite_port) = (free_port(), free_port());
        let http = format!("127.0.0.1:{http_port}");
        let graphite = format!("127.0.0.1:{graphite_port}");
        let mut child = Command::new(env!("CARGO_BIN_EXE_spark-exporter"))
            .args(["--listen", &http, "--graphite-listen", &graphite])
            .args(extra)
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .expect("starting spark-exporter");
        let stderr = Arc::new(Mutex::new(String::new()));
        {
            let mut pipe = child.stderr.take().unwrap();
            let stderr = stderr.clone();
            thread::spawn(move || {
                let mut buf = [0u8; 1024];
                while let Ok(n) = pipe.read(&mut buf) {
                    if n == 0 {
                        break;
                    }
                    stderr
                        .lock()
                        .unwrap()
                        .push_str(&String::from_utf8_lossy(&buf[..n]));
                }
            });
        }
        let p = ExporterProcess {
            child,
            http,
            graphite,
            stderr,
        };
        eventually(
            Duration::from_secs(10),
            "the exporter to start",
            || match get(&p.http, "/healthz") {
                Some((200, _)) => Ok(()),
                answer => Err(format!("/healthz: {answer:?}; stderr:\n{}", p.stderr())),
            },
        );
        p
    }

    pub fn stderr(&self) -> String {
        self.stderr.lock().unwrap().clone()
    }

    pub fn metrics(&self) -> String {
        let (status, body) = get(&self.http, "/metrics").expect("GET /metrics");
        assert_eq!(status, 200);
        body
    }

    /// Sends `data` on one Graphite connection and closes it.
    pub fn send(&self, data: &[u8]) {
        let mut s = TcpStream::connect(&self.graphite).unwrap();
        s.write_all(data).unwrap();
    }

    /// Waits until `/metrics` satisfies `pred`; panics with the last body.
    pub fn wait_for(&self, what: &str, timeout: Duration, pred: impl Fn(&str) -> bool) -> String {
        // Every attempt renders every series: 50 ms apart, not the default 20.
        Eventually::new(timeout)
            .every(Duration::from_millis(50))
            .until(what, || {
                let body = self.metrics();
                if pred(&body) {
                    Ok(body)
                } else {
                    Err(format!(
                        "last /metrics:\n{body}\nstderr:\n{}",
                        self.stderr()
                    ))
                }
            })
    }

    pub fn signal(&self, sig: i32) {
        // SAFETY: plain syscall on our own child.
        unsafe {
            libc::kill(self.child.id() as i32, sig);
        }
    }
}

impl Drop for ExporterProcess {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// GET over a fresh connection: (status, body).
pub fn get(addr: &str, path: &str) -> Option<(u16, String)> {
    let mut s = TcpStream::connect(addr).ok()?;
    s.set_read_timeout(Some(Duration::from_secs(10))).ok()?;
    write!(s, "GET {path} HTTP/1.1\r\nHost: x\r\n\r\n").ok()?;
    let mut out = Vec::new();
    s.read_to_end(&mut out).ok()?;
    let text = String::from_utf8_lossy(&out).into_owned();
    let (head, body) = text.split_once("\r\n\r\n")?;
    let status = head.split_whitespace().nth(1)?.parse().ok()?;
    Some((status, body.to_string()))
}

/// The value of the one sample `series` (the name and, if any, every label: the line up to
/// its value).
pub fn value(metrics: &str, series: &str) -> Option<f64> {
    let prefix = series;
    let mut found = metrics
        .lines()
        .filter(|l| l.strip_prefix(series).is_some_and(|r| r.starts_with(' ')));
    let line = found.next()?;
    assert!(
        found.next().is_none(),
        "more than one sample starts with {prefix}"
    );
    line.rsplit(' ').next()?.parse().ok()
}
