//! An OTLP trace receiver on loopback: gRPC (tonic's server with the generated
//! `TraceService`) and HTTP/protobuf (a small hyper server on `/v1/traces`), both decoding
//! the real protobuf with the official definitions. Made for tests: it records every
//! request and can be told to fail the next ones.
//!
//! ```
//! let r = spark_traces::receiver::Receiver::start().unwrap();
//! assert!(r.grpc_endpoint().starts_with("http://127.0.0.1:"));
//! assert!(r.http_endpoint().ends_with("/v1/traces"));
//! assert!(r.spans().is_empty());
//! ```

use std::collections::BTreeMap;
use std::convert::Infallible;
use std::io::Read;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::thread;
use std::time::{Duration, Instant};

use http_body_util::{BodyExt, Full};
use hyper::body::Bytes;
use hyper::{Request, Response, StatusCode};
use hyper_util::rt::TokioIo;
use prost::Message;
use tokio::net::TcpListener;

use crate::ids::hex;
use crate::proto::collector::trace::v1::trace_service_server::{TraceService, TraceServiceServer};
use crate::proto::collector::trace::v1::{ExportTraceServiceRequest, ExportTraceServiceResponse};
use crate::proto::common::v1::{any_value, AnyValue};

/// A failure the receiver answers with instead of accepting a request.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Fault {
    /// gRPC `UNAVAILABLE` / HTTP 503: retryable.
    Unavailable,
    /// gRPC `RESOURCE_EXHAUSTED` / HTTP 429 with `Retry-After: 0`: retryable.
    Throttled,
    /// gRPC `INVALID_ARGUMENT` / HTTP 400: permanent.
    BadRequest,
}

/// One span as received, flattened: its resource's attributes come along.
#[derive(Debug, Clone, PartialEq)]
pub struct ReceivedSpan {
    /// `grpc` or `http`.
    pub via: &'static str,
    /// Resource attributes, as strings.
    pub resource: BTreeMap<String, String>,
    /// Hex trace id.
    pub trace_id: String,
    /// Hex span id.
    pub span_id: String,
    /// Hex parent span id, empty for a root.
    pub parent_span_id: String,
    /// Span name.
    pub name: String,
    /// Start, ns since the epoch.
    pub start_ns: u64,
    /// End, ns since the epoch.
    pub end_ns: u64,
    /// Attributes, as strings (arrays as `[1,2]`).
    pub attributes: BTreeMap<String, String>,
    /// OTLP status code (0 unset, 1 ok, 2 error) and message.
    pub status: (i32, String),
    /// Links: (trace id, span id, attributes).
    pub links: Vec<(String, String, BTreeMap<String, String>)>,
    /// Event names.
    pub events: Vec<String>,
}

impl ReceivedSpan {
    /// An attribute, or "" when absent.
    pub fn attr(&self, key: &str) -> &str {
        self.attributes.get(key).map(String::as_str).unwrap_or("")
    }
}

/// A value as text: strings as they are, numbers and booleans printed.
pub fn value_text(v: &Option<AnyValue>) -> String {
    match v.as_ref().and_then(|v| v.value.as_ref()) {
        Some(any_value::Value::StringValue(s)) => s.clone(),
        Some(any_value::Value::IntValue(i)) => i.to_string(),
        Some(any_value::Value::DoubleValue(d)) => d.to_string(),
        Some(any_value::Value::BoolValue(b)) => b.to_string(),
        Some(any_value::Value::ArrayValue(a)) => format!(
            "[{}]",
            a.values
                .iter()
                .map(|v| value_text(&Some(v.clone())))
                .collect::<Vec<_>>()
                .join(",")
        ),
        Some(other) => format!("{other:?}"),
        None => String::new(),
    }
}

#[derive(Default)]
struct Shared {
    requests: Vec<(&'static str, ExportTraceServiceRequest)>,
    faults: Vec<Fault>,
    failed: usize,
    headers: Vec<BTreeMap<String, String>>,
}

type SharedRef = Arc<Mutex<Shared>>;

/// The receiver; stops when dropped.
pub struct Receiver {
    grpc: SocketAddr,
    http: SocketAddr,
    shared: SharedRef,
    stop: Option<tokio::sync::oneshot::Sender<()>>,
    thread: Option<thread::JoinHandle<()>>,
}

struct Grpc(SharedRef);

#[tonic::async_trait]
impl TraceService for Grpc {
    async fn export(
        &self,
        request: tonic::Request<ExportTraceServiceRequest>,
    ) -> Result<tonic::Response<ExportTraceServiceResponse>, tonic::Status> {
        let headers: BTreeMap<String, String> = request
            .metadata()
            .iter()
            .filter_map(|kv| match kv {
                tonic::metadata::KeyAndValueRef::Ascii(k, v) => {
                    Some((k.to_string(), v.to_str().unwrap_or("").to_string()))
                }
                _ => None,
            })
            .collect();
        let mut s = self.0.lock().unwrap_or_else(|e| e.into_inner());
        s.headers.push(headers);
        if !s.faults.is_empty() {
            let f = s.faults.remove(0);
            s.failed += 1;
            return Err(match f {
                Fault::Unavailable => tonic::Status::unavailable("receiver told to fail"),
                Fault::Throttled => tonic::Status::resource_exhausted("receiver told to throttle"),
                Fault::BadRequest => tonic::Status::invalid_argument("receiver told to refuse"),
            });
        }
        s.requests.push(("grpc", request.into_inner()));
        Ok(tonic::Response::new(ExportTraceServiceResponse::default()))
    }
}

fn reply(status: StatusCode, body: Vec<u8>, retry_after: bool) -> Response<Full<Bytes>> {
    let mut r = Response::builder()
        .status(status)
        .header("content-type", "application/x-protobuf");
    if retry_after {
        r = r.header("retry-after", "0");
    }
    r.body(Full::new(Bytes::from(body)))
        .unwrap_or_else(|_| Response::new(Full::new(Bytes::new())))
}

async fn http_handle(
    shared: SharedRef,
    req: Request<hyper::body::Incoming>,
) -> Result<Response<Full<Bytes>>, Infallible> {
    if req.method() != hyper::Method::POST || req.uri().path() != "/v1/traces" {
        return Ok(reply(
            StatusCode::NOT_FOUND,
            b"only POST /v1/traces".to_vec(),
            false,
        ));
    }
    let gzip = req
        .headers()
        .get("content-encoding")
        .is_some_and(|v| v.as_bytes() == b"gzip");
    let ctype_ok = req
        .headers()
        .get("content-type")
        .is_some_and(|v| v.as_bytes() == b"application/x-protobuf");
    let headers: BTreeMap<String, String> = req
        .headers()
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_str().unwrap_or("").to_string()))
        .collect();
    let body = match req.into_body().collect().await {
        Ok(b) => b.to_bytes(),
        Err(_) => return Ok(reply(StatusCode::BAD_REQUEST, Vec::new(), false)),
    };
    if !ctype_ok {
        return Ok(reply(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            b"want application/x-protobuf".to_vec(),
            false,
        ));
    }
    let mut data = body.to_vec();
    if gzip {
        let mut out = Vec::new();
        if flate2::read::GzDecoder::new(&data[..])
            .read_to_end(&mut out)
            .is_err()
        {
            return Ok(reply(StatusCode::BAD_REQUEST, b"bad gzip".to_vec(), false));
        }
        data = out;
    }
    let decoded = match ExportTraceServiceRequest::decode(&data[..]) {
        Ok(d) => d,
        Err(e) => {
            return Ok(reply(
                StatusCode::BAD_REQUEST,
                e.to_string().into_bytes(),
                false,
            ))
        }
    };
    let mut s = shared.lock().unwrap_or_else(|e| e.into_inner());
    s.headers.push(headers);
    if !s.faults.is_empty() {
        let f = s.faults.remove(0);
        s.failed += 1;
        return Ok(match f {
            Fault::Unavailable => reply(
                StatusCode::SERVICE_UNAVAILABLE,
                b"told to fail".to_vec(),
                false,
            ),
            Fault::Throttled => reply(
                StatusCode::TOO_MANY_REQUESTS,
                b"told to throttle".to_vec(),
                true,
            ),
            Fault::BadRequest => reply(StatusCode::BAD_REQUEST, b"told to refuse".to_vec(), false),
        });
    }
    s.requests.push(("http", decoded));
    Ok(reply(
        StatusCode::OK,
        ExportTraceServiceResponse::default().encode_to_vec(),
        false,
    ))
}

impl Receiver {
    /// Starts both servers on 127.0.0.1, on free ports, in a thread of their own.
    pub fn start() -> std::io::Result<Receiver> {
        let grpc_l = std::net::TcpListener::bind("127.0.0.1:0")?;
        let http_l = std::net::TcpListener::bind("127.0.0.1:0")?;
        grpc_l.set_nonblocking(true)?;
        http_l.set_nonblocking(true)?;
        let (grpc, http) = (grpc_l.local_addr()?, http_l.local_addr()?);
        let shared: SharedRef = Arc::default();
        let (stop_tx, stop_rx) = tokio::sync::oneshot::channel::<()>();
        let sh = shared.clone();
        let thread = thread::Builder::new()
            .name("otlp-receiver".into())
            .spawn(move || {
                let Ok(rt) = tokio::runtime::Builder::new_current_thread()
                    .enable_all()
                    .build()
                else {
                    return;
                };
                rt.block_on(async move {
                    let (Ok(grpc_l), Ok(http_l)) =
                        (TcpListener::from_std(grpc_l), TcpListener::from_std(http_l))
                    else {
                        return;
                    };
                    let (grpc_stop_tx, grpc_stop_rx) = tokio::sync::oneshot::channel::<()>();
                    let svc = TraceServiceServer::new(Grpc(sh.clone()))
                        .accept_compressed(tonic::codec::CompressionEncoding::Gzip);
                    let incoming = tonic::transport::server::TcpIncoming::from(grpc_l);
                    let grpc_task = tokio::spawn(
                        tonic::transport::Server::builder().serve_with_incoming_shutdown(
                            svc,
                            incoming,
                            async {
                                let _ = grpc_stop_rx.await;
                            },
                        ),
                    );
                    let http_sh = sh.clone();
                    let http_task = tokio::spawn(async move {
                        loop {
                            let Ok((stream, _)) = http_l.accept().await else {
                                continue;
                            };
                            let sh = http_sh.clone();
                            tokio::spawn(async move {
                                let service = hyper::service::service_fn(move |req| {
                                    http_handle(sh.clone(), req)
                                });
                                let _ = hyper::server::conn::http1::Builder::new()
                                    .serve_connection(TokioIo::new(stream), service)
                                    .await;
                            });
                        }
                    });
                    let _ = stop_rx.await;
                    let _ = grpc_stop_tx.send(());
                    http_task.abort();
                    let _ = tokio::time::timeout(Duration::from_secs(2), grpc_task).await;
                });
            })?;
        Ok(Receiver {
            grpc,
            http,
            shared,
            stop: Some(stop_tx),
            thread: Some(thread),
        })
    }

    /// `http://127.0.0.1:<port>`, for `--protocol grpc`.
    pub fn grpc_endpoint(&self) -> String {
        format!("http://{}", self.grpc)
    }

    /// `http://127.0.0.1:<port>/v1/traces`, for `--protocol http`.
    pub fn http_endpoint(&self) -> String {
        format!("http://{}/v1/traces", self.http)
    }

    /// Fails the next requests (on either protocol) with these faults, in order.
    pub fn fail_next(&self, faults: &[Fault]) {
        self.lock().faults.extend_from_slice(faults);
    }

    /// How many requests were answered with a fault.
    pub fn failed(&self) -> usize {
        self.lock().failed
    }

    /// Every accepted request, decoded, with how it came.
    pub fn requests(&self) -> Vec<(&'static str, ExportTraceServiceRequest)> {
        self.lock().requests.clone()
    }

    /// The headers (gRPC metadata) of every request, accepted or not.
    pub fn headers(&self) -> Vec<BTreeMap<String, String>> {
        self.lock().headers.clone()
    }

    /// Forgets what was received.
    pub fn clear(&self) {
        let mut s = self.lock();
        s.requests.clear();
        s.headers.clear();
    }

    /// Every accepted span, flattened, in arrival order.
    pub fn spans(&self) -> Vec<ReceivedSpan> {
        let mut out = Vec::new();
        for (via, req) in self.requests() {
            for rs in &req.resource_spans {
                let resource: BTreeMap<String, String> = rs
                    .resource
                    .iter()
                    .flat_map(|r| &r.attributes)
                    .map(|kv| (kv.key.clone(), value_text(&kv.value)))
                    .collect();
                for ss in &rs.scope_spans {
                    for s in &ss.spans {
                        let kvs = |a: &[crate::proto::common::v1::KeyValue]| {
                            a.iter()
                                .map(|kv| (kv.key.clone(), value_text(&kv.value)))
                                .collect::<BTreeMap<_, _>>()
                        };
                        out.push(ReceivedSpan {
                            via,
                            resource: resource.clone(),
                            trace_id: hex(&s.trace_id),
                            span_id: hex(&s.span_id),
                            parent_span_id: hex(&s.parent_span_id),
                            name: s.name.clone(),
                            start_ns: s.start_time_unix_nano,
                            end_ns: s.end_time_unix_nano,
                            attributes: kvs(&s.attributes),
                            status: s
                                .status
                                .as_ref()
                                .map(|st| (st.code, st.message.clone()))
                                .unwrap_or_default(),
                            links: s
                                .links
                                .iter()
                                .map(|l| (hex(&l.trace_id), hex(&l.span_id), kvs(&l.attributes)))
                                .collect(),
                            events: s.events.iter().map(|e| e.name.clone()).collect(),
                        });
                    }
                }
            }
        }
        out
    }

    /// Waits until at least `n` spans arrived, or `timeout` passed; returns the spans.
    pub fn wait_for_spans(&self, n: usize, timeout: Duration) -> Vec<ReceivedSpan> {
        let until = Instant::now() + timeout;
        loop {
            let spans = self.spans();
            if spans.len() >= n || Instant::now() >= until {
                return spans;
            }
            thread::sleep(Duration::from_millis(20));
        }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Shared> {
        self.shared.lock().unwrap_or_else(|e| e.into_inner())
    }
}

impl Drop for Receiver {
    fn drop(&mut self) {
        if let Some(s) = self.stop.take() {
            let _ = s.send(());
        }
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}
