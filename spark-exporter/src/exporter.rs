//! Starting and stopping the whole exporter: Graphite listener, REST pollers, expiry,
//! HTTP server.

use std::collections::BTreeMap;
use std::net::{SocketAddr, TcpListener, UdpSocket};
use std::sync::{Arc, Mutex, RwLock};
use std::thread::{self, JoinHandle};
use std::time::{Duration, Instant};

use crate::config::{parse_targets_file, Config};
use crate::exposition::{Exposition, Kind, CONTENT_TYPE};
use crate::listener::{self, Shared};
use crate::resolve::AppDirectory;
use crate::rest::poller::{redact_url, Poller, PollerConfig, RestState};
use crate::selfmetrics::SelfMetrics;
use crate::server::{self, Response};
use crate::shutdown::Shutdown;
use crate::store::Store;

/// Why the exporter could not start.
#[derive(Debug, thiserror::Error)]
pub enum StartError {
    /// The Graphite port cannot be bound.
    #[error("cannot listen for Graphite on {addr}: {source} (is another process on that port? set --graphite-listen)")]
    GraphiteBind {
        /// `--graphite-listen`.
        addr: SocketAddr,
        /// Why.
        #[source]
        source: std::io::Error,
    },
    /// The Graphite UDP port cannot be bound.
    #[error("cannot listen for Graphite over UDP on {addr}: {source} (is another process on that port? set --graphite-udp false to take TCP only)")]
    GraphiteUdpBind {
        /// The TCP listener's address, which UDP shares.
        addr: SocketAddr,
        /// Why.
        #[source]
        source: std::io::Error,
    },
    /// The HTTP port cannot be bound.
    #[error(
        "cannot serve /metrics on {addr}: {source} (is another process on that port? set --listen)"
    )]
    HttpBind {
        /// `--listen`.
        addr: SocketAddr,
        /// Why.
        #[source]
        source: std::io::Error,
    },
    /// The REST client for a target cannot be built (TLS setup).
    #[error("cannot create the HTTP client for {target}: {message}")]
    Client {
        /// The target, credentials removed.
        target: String,
        /// Why.
        message: String,
    },
    /// The OS refused a thread (or an address lookup of a bound socket failed).
    #[error("cannot start a thread: {0}")]
    Thread(#[source] std::io::Error),
}

/// A running exporter. [`Running::stop`] shuts it down gracefully.
///
/// ```no_run
/// use spark_exporter::{config::Config, Exporter};
/// let running = Exporter::start(Config::default()).unwrap();
/// println!("Graphite on {}, /metrics on {}", running.graphite_addr(), running.http_addr());
/// running.stop();
/// ```
pub struct Running {
    graphite_addr: SocketAddr,
    graphite_udp_addr: Option<SocketAddr>,
    http_addr: SocketAddr,
    shutdown: Arc<Shutdown>,
    threads: Vec<JoinHandle<()>>,
}

/// Entry point of the library.
pub struct Exporter;

impl Exporter {
    /// Binds both listeners, starts a poller per REST target, the expiry and the HTTP
    /// server, and returns once everything listens.
    pub fn start(config: Config) -> Result<Running, StartError> {
        let graphite = TcpListener::bind(config.graphite_listen).map_err(|source| {
            StartError::GraphiteBind {
                addr: config.graphite_listen,
                source,
            }
        })?;
        let http = TcpListener::bind(config.listen).map_err(|source| StartError::HttpBind {
            addr: config.listen,
            source,
        })?;
        let graphite_addr = graphite.local_addr().map_err(StartError::Thread)?;
        let http_addr = http.local_addr().map_err(StartError::Thread)?;
        // The TCP listener's port, so that `--graphite-listen 0.0.0.0:0` gives both one port.
        let graphite_udp = if config.graphite_udp {
            Some(
                UdpSocket::bind(graphite_addr).map_err(|source| StartError::GraphiteUdpBind {
                    addr: graphite_addr,
                    source,
                })?,
            )
        } else {
            None
        };
        let graphite_udp_addr = match &graphite_udp {
            Some(u) => Some(u.local_addr().map_err(StartError::Thread)?),
            None => None,
        };

        let shutdown = Arc::new(Shutdown::new());
        let metrics = Arc::new(SelfMetrics::default());
        let store = Arc::new(Mutex::new(Store::new(config.limits)));
        let directory = Arc::new(RwLock::new(AppDirectory::default()));
        let rest = Arc::new(RestState::default());
        let shared = Shared {
            store: store.clone(),
            metrics: metrics.clone(),
            shutdown: shutdown.clone(),
            epoch: Instant::now(),
        };
        let mut threads = Vec::new();

        // REST pollers: the static targets now (so that a bad one fails the start), then
        // the targets file, re-read every poll interval.
        let mut targets = Targets {
            config: config.poller.clone(),
            rest: rest.clone(),
            directory: directory.clone(),
            running: BTreeMap::new(),
        };
        targets.set(&config.rest_targets)?;
        {
            let shutdown = shutdown.clone();
            let fixed = config.rest_targets.clone();
            let file = config.targets_file.clone();
            let every = config.poller.interval;
            threads.push(
                thread::Builder::new()
                    .name("rest-targets".into())
                    .spawn(move || {
                        let mut last_problem = String::new();
                        loop {
                            if let Some(file) = &file {
                                let mut wanted = fixed.clone();
                                let problem = match std::fs::read_to_string(file) {
                                    Ok(text) => {
                                        let (ok, bad) = parse_targets_file(&text);
                                        wanted.extend(ok.into_iter().filter(|t| !fixed.contains(t)));
                                        if bad.is_empty() {
                                            String::new()
                                        } else {
                                            format!("{}: not http(s) URLs, skipped: {bad:?}", file.display())
                                        }
                                    }
                                    Err(e) => format!("cannot read the targets file {}: {e} (polling only the --spark-ui/--history-server targets)", file.display()),
                                };
                                if problem != last_problem && !problem.is_empty() {
                                    eprintln!("spark-exporter: {problem}");
                                }
                                last_problem = problem;
                                if let Err(e) = targets.set(&wanted) {
                                    eprintln!("spark-exporter: {e}");
                                }
                            }
                            if shutdown.wait_until(Instant::now() + every) {
                                break;
                            }
                        }
                        targets.stop_all();
                    })
                    .map_err(StartError::Thread)?,
            );
        }

        // Expiry of Graphite series.
        {
            let shared = shared.clone();
            let ttl = config.series_ttl;
            let every = (ttl / 4).clamp(Duration::from_secs(1), Duration::from_secs(30));
            threads.push(
                thread::Builder::new()
                    .name("expiry".into())
                    .spawn(move || {
                        while !shared.shutdown.wait_until(Instant::now() + every) {
                            let now = shared.now();
                            let removed = shared
                                .store
                                .lock()
                                .unwrap_or_else(|e| e.into_inner())
                                .expire(now, ttl.as_secs());
                            shared
                                .metrics
                                .series_expired
                                .fetch_add(removed as u64, std::sync::atomic::Ordering::Relaxed);
                        }
                    })
                    .map_err(StartError::Thread)?,
            );
        }

        if let Some(udp) = graphite_udp {
            threads.push(listener::spawn_udp(udp, shared.clone()).map_err(StartError::Thread)?);
        }
        threads.push(
            listener::spawn(
                graphite,
                shared,
                config.max_connections,
                config.idle_timeout,
            )
            .map_err(StartError::Thread)?,
        );

        let handler = {
            let (store, directory, rest, metrics) = (store, directory, rest, metrics);
            move |path: &str| match path {
                "/metrics" => {
                    let started = Instant::now();
                    let body = render(&store, &directory, &rest, &metrics);
                    metrics.observe_scrape(started.elapsed());
                    Response {
                        status: 200,
                        content_type: CONTENT_TYPE,
                        body,
                    }
                }
                "/healthz" | "/-/healthy" | "/-/ready" => Response::text(200, "ok\n"),
                "/" => Response::text(
                    200,
                    "spark-exporter: Spark executor metrics from the GraphiteSink and stage \
                     metrics from the REST API, on /metrics. Health: /healthz.\n",
                ),
                _ => Response::text(404, "not found: try /metrics\n"),
            }
        };
        threads.push(server::spawn(http, shutdown.clone(), handler).map_err(StartError::Thread)?);

        Ok(Running {
            graphite_addr,
            graphite_udp_addr,
            http_addr,
            shutdown,
            threads,
        })
    }
}

/// The running pollers, by target.
struct Targets {
    config: PollerConfig,
    rest: Arc<RestState>,
    directory: Arc<RwLock<AppDirectory>>,
    running: BTreeMap<String, (Arc<Shutdown>, JoinHandle<()>)>,
}

impl Targets {
    /// Starts pollers for new targets and stops those of targets no longer wanted.
    fn set(&mut self, wanted: &[String]) -> Result<(), StartError> {
        let wanted: Vec<String> = wanted
            .iter()
            .map(|t| t.trim_end_matches('/').to_string())
            .collect();
        let gone: Vec<String> = self
            .running
            .keys()
            .filter(|t| !wanted.contains(t))
            .cloned()
            .collect();
        for target in gone {
            if let Some((stop, handle)) = self.running.remove(&target) {
                stop.trigger();
                let _ = handle.join();
            }
            self.rest.remove(&target);
            self.directory
                .write()
                .unwrap_or_else(|e| e.into_inner())
                .replace(&target, Vec::new());
            eprintln!("spark-exporter: stopped polling {}", redact_url(&target));
        }
        for target in wanted {
            if self.running.contains_key(&target) {
                continue;
            }
            let poller = Poller::new(
                &target,
                self.config.clone(),
                self.rest.clone(),
                self.directory.clone(),
            )
            .map_err(|e| StartError::Client {
                target: redact_url(&target),
                message: e.to_string(),
            })?;
            let stop = Arc::new(Shutdown::new());
            let s = stop.clone();
            let handle = thread::Builder::new()
                .name("rest-poller".into())
                .spawn(move || poller.run(s))
                .map_err(StartError::Thread)?;
            self.running.insert(target, (stop, handle));
        }
        Ok(())
    }

    fn stop_all(&mut self) {
        for (stop, _) in self.running.values() {
            stop.trigger();
        }
        for (_, (_, handle)) in std::mem::take(&mut self.running) {
            let _ = handle.join();
        }
    }
}

/// The whole exposition: Graphite series, REST series, self metrics.
fn render(
    store: &Mutex<Store>,
    directory: &RwLock<AppDirectory>,
    rest: &RestState,
    metrics: &SelfMetrics,
) -> String {
    let mut out = Exposition::with_capacity(64 * 1024);
    // The line counters are read under the store's lock: a connection applies its lines under
    // the lock and counts them after, so counters read here never include a line the store
    // below does not have yet. (Read after the lock, they could: a scrape would then show
    // "all lines received" next to series from before the last batch.)
    let mut own = Exposition::with_capacity(8 * 1024);
    {
        let dir = directory.read().unwrap_or_else(|e| e.into_inner());
        let mut store = store.lock().unwrap_or_else(|e| e.into_inner());
        store.render(&dir, &mut out);
        metrics.render(
            &mut own,
            store.series(),
            store.limits().max_series,
            store.conflicts(),
        );
    }
    rest.render(&mut out);
    out.raw(&own.finish());
    out.family(
        "spark_exporter_build_info",
        "The exporter's version.",
        Kind::Gauge,
    );
    out.sample(
        "spark_exporter_build_info",
        &[("version", env!("CARGO_PKG_VERSION"))],
        1.0,
    );
    out.finish()
}

impl Running {
    /// Where the Graphite listener listens (the port is the real one with `:0`).
    pub fn graphite_addr(&self) -> SocketAddr {
        self.graphite_addr
    }

    /// Where Graphite lines are taken over UDP, unless `graphite_udp` is off.
    pub fn graphite_udp_addr(&self) -> Option<SocketAddr> {
        self.graphite_udp_addr
    }

    /// Where `/metrics` is served.
    pub fn http_addr(&self) -> SocketAddr {
        self.http_addr
    }

    /// Stops accepting, lets connections apply what they read, stops the pollers, and
    /// waits for every thread.
    pub fn stop(self) {
        self.shutdown.trigger();
        // Wake the blocking accepts.
        for addr in [self.graphite_addr, self.http_addr] {
            let _ = std::net::TcpStream::connect_timeout(&wake_addr(addr), Duration::from_secs(1));
        }
        for t in self.threads {
            let _ = t.join();
        }
    }
}

/// A connectable address for a listener bound to `0.0.0.0`/`::`.
fn wake_addr(addr: SocketAddr) -> SocketAddr {
    let mut a = addr;
    if a.ip().is_unspecified() {
        a.set_ip(match a {
            SocketAddr::V4(_) => std::net::Ipv4Addr::LOCALHOST.into(),
            SocketAddr::V6(_) => std::net::Ipv6Addr::LOCALHOST.into(),
        });
    }
    a
}
