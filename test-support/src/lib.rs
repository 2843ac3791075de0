//! What the workspace's tests share, so that each test does not hand-roll its own:
//!
//! - [`http`]: a small HTTP/1.1 server on a loopback port for stand-ins (Grafana, Spark's
//!   REST API and metrics endpoints, a failing Prometheus), able to close a connection
//!   without answering;
//! - [`eventually`](mod@eventually): waiting for a condition with a deadline, failing with what was
//!   awaited, for how long, and the last error, instead of sleeping for a guessed time.
//!
//! ```
//! use std::time::Duration;
//! use test_support::eventually::eventually;
//! use test_support::http::{HttpServer, Reply, Response};
//!
//! let server = HttpServer::start(|_| Reply::Respond(Response::text(200, "text/plain", "up"))).unwrap();
//! let addr = server.addr();
//! let stream = eventually(Duration::from_secs(5), "the server to accept", || {
//!     std::net::TcpStream::connect(addr)
//! });
//! # drop(stream);
//! ```

pub mod eventually;
pub mod http;
