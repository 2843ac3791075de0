//! Sending export requests: OTLP over gRPC (tonic) or HTTP/protobuf (reqwest), with retries
//! and exponential backoff.

use std::time::{Duration, Instant};

use opentelemetry_proto::tonic::collector::trace::v1::trace_service_client::TraceServiceClient;
use opentelemetry_proto::tonic::collector::trace::v1::{
    ExportTraceServiceRequest, ExportTraceServiceResponse,
};
use prost::Message;
use tonic::codec::CompressionEncoding;
use tonic::transport::{Channel, Endpoint};

use crate::config::{Compression, Config, Protocol, RetryConfig};

/// Why an export failed for good.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct ExportError(pub String);

/// What one attempt said.
#[derive(Debug)]
enum Attempt {
    Retryable {
        why: String,
        retry_after: Option<Duration>,
    },
    Permanent(String),
}

/// Where export requests go.
pub struct Exporter {
    target: Target,
    retry: RetryConfig,
    describe: String,
    /// Spans the receiver said it rejected (OTLP partial success).
    pub rejected_spans: u64,
    /// Retries done (attempts after a first one).
    pub retries: u64,
}

enum Target {
    Grpc {
        client: TraceServiceClient<Channel>,
        headers: Vec<(
            tonic::metadata::MetadataKey<tonic::metadata::Ascii>,
            tonic::metadata::MetadataValue<tonic::metadata::Ascii>,
        )>,
    },
    Http {
        client: reqwest::Client,
        url: String,
        headers: reqwest::header::HeaderMap,
        gzip: bool,
    },
}

impl Exporter {
    /// An exporter for `config`'s endpoint and protocol. Connections are made on first use,
    /// so this only fails on a malformed endpoint or header. Needs a Tokio runtime.
    pub fn new(config: &Config) -> Result<Exporter, ExportError> {
        let describe = format!("{} ({})", config.endpoint, config.protocol);
        let target = match config.protocol {
            Protocol::Grpc => {
                let mut endpoint = Endpoint::from_shared(config.endpoint.clone())
                    .map_err(|e| ExportError(format!("endpoint `{}`: {e}", config.endpoint)))?
                    .connect_timeout(config.timeout.min(Duration::from_secs(10)))
                    .timeout(config.timeout);
                if config.endpoint.starts_with("https://") {
                    // TLS with the Mozilla roots (webpki-roots), as reqwest does for HTTP.
                    endpoint = endpoint
                        .tls_config(tonic::transport::ClientTlsConfig::new().with_webpki_roots())
                        .map_err(|e| {
                            ExportError(format!("endpoint `{}`: TLS: {e}", config.endpoint))
                        })?;
                }
                let mut client = TraceServiceClient::new(endpoint.connect_lazy())
                    .max_decoding_message_size(4 << 20);
                if config.compression == Compression::Gzip {
                    client = client.send_compressed(CompressionEncoding::Gzip);
                }
                let mut headers = Vec::new();
                for (k, v) in &config.headers {
                    let key =
                        tonic::metadata::MetadataKey::from_bytes(k.to_ascii_lowercase().as_bytes())
                            .map_err(|_| {
                                ExportError(format!(
                                    "header `{k}` is not a valid gRPC metadata name"
                                ))
                            })?;
                    let value = v.parse().map_err(|_| {
                        ExportError(format!(
                            "the value of header `{k}` is not valid gRPC metadata"
                        ))
                    })?;
                    headers.push((key, value));
                }
                Target::Grpc { client, headers }
            }
            Protocol::HttpProtobuf => {
                let client = reqwest::Client::builder()
                    .timeout(config.timeout)
                    .connect_timeout(config.timeout.min(Duration::from_secs(10)))
                    .build()
                    .map_err(|e| ExportError(format!("cannot build the HTTP client: {e}")))?;
                let mut headers = reqwest::header::HeaderMap::new();
                for (k, v) in &config.headers {
                    let name =
                        reqwest::header::HeaderName::from_bytes(k.as_bytes()).map_err(|_| {
                            ExportError(format!("header `{k}` is not a valid HTTP header name"))
                        })?;
                    let value = reqwest::header::HeaderValue::from_str(v).map_err(|_| {
                        ExportError(format!(
                            "the value of header `{k}` is not a valid HTTP header value"
                        ))
                    })?;
                    headers.insert(name, value);
                }
                Target::Http {
                    client,
                    url: config.endpoint.clone(),
                    headers,
                    gzip: config.compression == Compression::Gzip,
                }
            }
        };
        Ok(Exporter {
            target,
            retry: config.retry.clone(),
            describe,
            rejected_spans: 0,
            retries: 0,
        })
    }

    /// Sends `request`, retrying what OTLP says is retryable (unavailable, throttled, timed
    /// out) with exponential backoff, until it is accepted or the attempts run out.
    pub async fn export(&mut self, request: &ExportTraceServiceRequest) -> Result<(), ExportError> {
        let spans: usize = request
            .resource_spans
            .iter()
            .flat_map(|r| &r.scope_spans)
            .map(|s| s.spans.len())
            .sum();
        let started = Instant::now();
        let mut backoff = self.retry.initial_backoff;
        let mut attempt = 1u32;
        loop {
            let outcome = self.attempt(request).await;
            let (why, retry_after) = match outcome {
                Ok(response) => {
                    if let Some(p) = response.partial_success {
                        if p.rejected_spans > 0 {
                            self.rejected_spans += p.rejected_spans as u64;
                            eprintln!(
                                "warning: {} rejected {} of {spans} spans: {}",
                                self.describe, p.rejected_spans, p.error_message
                            );
                        }
                    }
                    return Ok(());
                }
                Err(Attempt::Permanent(why)) => {
                    return Err(ExportError(format!(
                        "{} refused {spans} spans: {why}",
                        self.describe
                    )))
                }
                Err(Attempt::Retryable { why, retry_after }) => (why, retry_after),
            };
            if attempt >= self.retry.max_attempts {
                return Err(ExportError(format!(
                    "could not export {spans} spans to {} after {attempt} attempts over {:.1} s: {why}. \
                     Check that the Collector, Tempo or Jaeger is running and reachable at that address \
                     (OTLP listens on 4317 for gRPC, 4318 for HTTP); with a state file, the next run resumes \
                     from the last batch that was accepted",
                    self.describe,
                    started.elapsed().as_secs_f64()
                )));
            }
            let wait = retry_after
                .unwrap_or_else(|| jitter(backoff))
                .min(self.retry.max_backoff.max(Duration::from_millis(1)));
            eprintln!(
                "warning: export of {spans} spans to {} failed (attempt {attempt} of {}): {why}; retrying in {:.1} s",
                self.describe,
                self.retry.max_attempts,
                wait.as_secs_f64()
            );
            tokio::time::sleep(wait).await;
            backoff = (backoff * 2).min(self.retry.max_backoff);
            attempt += 1;
            self.retries += 1;
        }
    }

    async fn attempt(
        &mut self,
        request: &ExportTraceServiceRequest,
    ) -> Result<ExportTraceServiceResponse, Attempt> {
        match &mut self.target {
            Target::Grpc { client, headers } => {
                let mut req = tonic::Request::new(request.clone());
                for (k, v) in headers.iter() {
                    req.metadata_mut().insert(k.clone(), v.clone());
                }
                match client.export(req).await {
                    Ok(r) => Ok(r.into_inner()),
                    Err(status) => Err(grpc_outcome(&status)),
                }
            }
            Target::Http {
                client,
                url,
                headers,
                gzip,
            } => {
                let mut body = request.encode_to_vec();
                let mut req = client
                    .post(url.as_str())
                    .headers(headers.clone())
                    .header(reqwest::header::CONTENT_TYPE, "application/x-protobuf");
                if *gzip {
                    use std::io::Write;
                    let mut e =
                        flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
                    let _ = e.write_all(&body);
                    body = e.finish().unwrap_or_default();
                    req = req.header(reqwest::header::CONTENT_ENCODING, "gzip");
                }
                let resp = req
                    .body(body)
                    .send()
                    .await
                    .map_err(|e| Attempt::Retryable {
                        why: describe_reqwest(&e),
                        retry_after: None,
                    })?;
                let status = resp.status();
                let retry_after = resp
                    .headers()
                    .get(reqwest::header::RETRY_AFTER)
                    .and_then(|v| v.to_str().ok())
                    .and_then(|v| v.trim().parse::<u64>().ok())
                    .map(Duration::from_secs);
                let bytes = resp.bytes().await.unwrap_or_default();
                if status.is_success() {
                    return Ok(
                        ExportTraceServiceResponse::decode(bytes.as_ref()).unwrap_or_default()
                    );
                }
                let text = String::from_utf8_lossy(&bytes);
                let text: String = text.chars().take(300).collect();
                let why = format!(
                    "HTTP {status}{}{}",
                    if text.is_empty() { "" } else { ": " },
                    text.trim()
                );
                match status.as_u16() {
                    429 | 502 | 503 | 504 => Err(Attempt::Retryable { why, retry_after }),
                    404 => Err(Attempt::Permanent(format!(
                        "{why} (OTLP/HTTP traces go to /v1/traces on port 4318; is the URL right?)"
                    ))),
                    401 | 403 => Err(Attempt::Permanent(format!(
                        "{why} (set the credentials the receiver wants with --header, e.g. --header 'Authorization=Bearer …')"
                    ))),
                    415 => Err(Attempt::Permanent(format!(
                        "{why} (the receiver does not take OTLP protobuf here: is this an OTLP/HTTP endpoint?)"
                    ))),
                    _ => Err(Attempt::Permanent(why)),
                }
            }
        }
    }
}

fn grpc_outcome(status: &tonic::Status) -> Attempt {
    use tonic::Code;
    let msg = status.message();
    let why = format!(
        "gRPC {:?}: {}",
        status.code(),
        if msg.is_empty() { "no message" } else { msg }
    );
    match status.code() {
        Code::Unavailable if msg.contains("transport error") || msg.contains("tcp connect") || msg.contains("connection") => {
            Attempt::Retryable {
                why: format!("{why} (nothing accepts gRPC connections there)"),
                retry_after: None,
            }
        }
        Code::Cancelled
        | Code::DeadlineExceeded
        | Code::ResourceExhausted
        | Code::Aborted
        | Code::OutOfRange
        | Code::Unavailable
        | Code::DataLoss => Attempt::Retryable {
            why,
            retry_after: None,
        },
        Code::Unimplemented => Attempt::Permanent(format!(
            "{why} (no OTLP trace service there: is this an OTLP gRPC port, usually 4317, and not OTLP/HTTP's 4318?)"
        )),
        Code::Unauthenticated | Code::PermissionDenied => Attempt::Permanent(format!(
            "{why} (set the credentials the receiver wants with --header)"
        )),
        Code::Internal if msg.contains("h2 protocol error") || msg.contains("http2") => Attempt::Permanent(format!(
            "{why} (the server does not speak gRPC: for an OTLP/HTTP endpoint, usually port 4318, use --protocol http)"
        )),
        _ => Attempt::Permanent(why),
    }
}

fn describe_reqwest(e: &reqwest::Error) -> String {
    let mut s = e.to_string();
    let mut src = std::error::Error::source(e);
    while let Some(inner) = src {
        s.push_str(": ");
        s.push_str(&inner.to_string());
        src = inner.source();
    }
    if e.is_connect() {
        s.push_str(" (nothing accepts connections there)");
    } else if e.is_timeout() {
        s.push_str(" (timed out)");
    }
    s
}

/// ±20%, from the clock: enough to keep many instances from retrying in step.
fn jitter(d: Duration) -> Duration {
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|t| t.subsec_nanos())
        .unwrap_or(0);
    let f = 0.8 + (nanos % 1000) as f64 / 2500.0;
    d.mul_f64(f)
}
