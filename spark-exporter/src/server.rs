//! A small HTTP/1.1 responder: `GET /metrics`, `GET /healthz`, `GET /`.
//!
//! One thread per connection, at most [`MAX_IN_FLIGHT`] at once (further requests get
//! 503 at once); the request head is read with a timeout and a size cap; every response
//! closes the connection. Enough for Prometheus and kubelet probes, with no async runtime.

use std::io::{self, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::thread::{self, JoinHandle};
use std::time::Duration;

use crate::shutdown::Shutdown;

/// Requests served at once at most.
pub const MAX_IN_FLIGHT: usize = 32;
const MAX_HEAD: usize = 8 * 1024;
const IO_TIMEOUT: Duration = Duration::from_secs(10);

/// A response.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Response {
    /// HTTP status.
    pub status: u16,
    /// `Content-Type`.
    pub content_type: &'static str,
    /// The body.
    pub body: String,
}

impl Response {
    /// A plain-text response.
    pub fn text(status: u16, body: impl Into<String>) -> Self {
        Self {
            status,
            content_type: "text/plain; charset=utf-8",
            body: body.into(),
        }
    }
}

fn reason(status: u16) -> &'static str {
    match status {
        200 => "OK",
        400 => "Bad Request",
        404 => "Not Found",
        405 => "Method Not Allowed",
        431 => "Request Header Fields Too Large",
        503 => "Service Unavailable",
        _ => "Unknown",
    }
}

/// Serves until shutdown; `handle` maps a path to a response.
pub fn spawn<H>(
    listener: TcpListener,
    shutdown: Arc<Shutdown>,
    handle: H,
) -> io::Result<JoinHandle<()>>
where
    H: Fn(&str) -> Response + Send + Sync + 'static,
{
    let handle = Arc::new(handle);
    let in_flight = Arc::new(AtomicUsize::new(0));
    thread::Builder::new()
        .name("http-accept".into())
        .spawn(move || {
            for stream in listener.incoming() {
                if shutdown.is_triggered() {
                    break;
                }
                let Ok(mut stream) = stream else {
                    thread::sleep(Duration::from_millis(50));
                    continue;
                };
                if in_flight.fetch_add(1, Ordering::SeqCst) >= MAX_IN_FLIGHT {
                    in_flight.fetch_sub(1, Ordering::SeqCst);
                    let _ = stream.set_write_timeout(Some(Duration::from_secs(1)));
                    let _ = write_response(
                        &mut stream,
                        &Response::text(503, "too many requests in flight\n"),
                        false,
                    );
                    continue;
                }
                let handle = handle.clone();
                let guard = InFlight(in_flight.clone());
                let spawned = thread::Builder::new()
                    .name("http-conn".into())
                    .spawn(move || {
                        let _guard = guard;
                        let _ = answer(stream, &*handle);
                    });
                if let Err(e) = spawned {
                    eprintln!("spark-exporter: cannot start an HTTP connection thread: {e}");
                }
            }
        })
}

/// Decrements the in-flight count when the connection thread ends (panics included).
struct InFlight(Arc<AtomicUsize>);

impl Drop for InFlight {
    fn drop(&mut self) {
        self.0.fetch_sub(1, Ordering::SeqCst);
    }
}

fn answer(mut stream: TcpStream, handle: &dyn Fn(&str) -> Response) -> io::Result<()> {
    stream.set_read_timeout(Some(IO_TIMEOUT))?;
    stream.set_write_timeout(Some(IO_TIMEOUT))?;
    let mut head = Vec::with_capacity(1024);
    let mut buf = [0u8; 2048];
    while !head.windows(4).any(|w| w == b"\r\n\r\n") && !head.windows(2).any(|w| w == b"\n\n") {
        let n = stream.read(&mut buf)?;
        if n == 0 {
            return Ok(());
        }
        head.extend_from_slice(&buf[..n]);
        if head.len() > MAX_HEAD {
            return write_response(
                &mut stream,
                &Response::text(431, "request head too large\n"),
                false,
            );
        }
    }
    let head = String::from_utf8_lossy(&head);
    let mut parts = head.lines().next().unwrap_or("").split_whitespace();
    let (method, target) = (parts.next().unwrap_or(""), parts.next().unwrap_or(""));
    let path = target.split('?').next().unwrap_or("");
    let response = match method {
        "GET" | "HEAD" => handle(path),
        "" => Response::text(400, "bad request\n"),
        _ => Response::text(405, "only GET and HEAD\n"),
    };
    write_response(&mut stream, &response, method == "HEAD")
}

fn write_response(stream: &mut TcpStream, r: &Response, head_only: bool) -> io::Result<()> {
    let header = format!(
        "HTTP/1.1 {} {}\r\nContent-Type: {}\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
        r.status,
        reason(r.status),
        r.content_type,
        r.body.len()
    );
    stream.write_all(header.as_bytes())?;
    if !head_only {
        stream.write_all(r.body.as_bytes())?;
    }
    stream.flush()
}
