//! Configuration: flags, environment variables and the values-style file, in that order of
//! precedence, over the defaults.
//!
//! The file is a Helm-style values file; spark-traces reads its `monitoring.openTelemetry`
//! block and ignores everything else in it, so the chart's own `values.yaml` works as is:
//!
//! ```yaml
//! monitoring:
//!   openTelemetry:
//!     enabled: true
//!     endpoint: "http://otel-collector:4317"
//!     protocol: "grpc"           # grpc, or http (OTLP/HTTP protobuf)
//!     samplingRatio: "1.0"       # share of task spans kept, 0.0-1.0
//!     serviceName: "spark"
//!     exporterType: "otlp"       # otlp, or jaeger (Jaeger's own OTLP receiver)
//!     # spark-traces' own keys, all optional:
//!     resourceAttributes: {deployment.environment: prod}
//!     headers: {X-Scope-OrgID: team-a}
//!     tracePer: application      # or sql
//!     keepFailedTasks: true
//!     compression: gzip          # or none
//!     timeout: 10s
//!     batch: {maxSpans: 512, timeout: 2s}
//!     retry: {maxAttempts: 6, initialBackoff: 500ms, maxBackoff: 30s}
//!     follow: false
//!     pollInterval: 2s
//!     stateFile: /var/lib/spark-traces/state.json
//! ```

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::time::Duration;

use serde::Deserialize;

use crate::convert::TracePer;

/// How spans are sent.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Protocol {
    /// OTLP over gRPC (port 4317 by convention).
    Grpc,
    /// OTLP over HTTP with protobuf bodies (port 4318, path `/v1/traces`).
    HttpProtobuf,
}

impl std::str::FromStr for Protocol {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        match s.trim().to_ascii_lowercase().as_str() {
            "grpc" => Ok(Protocol::Grpc),
            "http" | "http/protobuf" | "http-protobuf" | "http/proto" => Ok(Protocol::HttpProtobuf),
            "http/json" => Err(
                "OTLP/HTTP with JSON bodies is not supported: use `http` (protobuf) or `grpc`"
                    .into(),
            ),
            other => Err(format!(
                "unknown protocol `{other}`: use `grpc` or `http` (OTLP/HTTP protobuf)"
            )),
        }
    }
}

impl std::fmt::Display for Protocol {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Protocol::Grpc => "grpc",
            Protocol::HttpProtobuf => "http/protobuf",
        })
    }
}

/// Compression of export requests.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Compression {
    /// None.
    None,
    /// gzip, which every OTLP receiver accepts.
    Gzip,
}

impl std::str::FromStr for Compression {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        match s.trim().to_ascii_lowercase().as_str() {
            "none" | "" => Ok(Compression::None),
            "gzip" => Ok(Compression::Gzip),
            other => Err(format!(
                "unknown compression `{other}`: use `gzip` or `none`"
            )),
        }
    }
}

/// Retries of a failed export.
#[derive(Debug, Clone, PartialEq)]
pub struct RetryConfig {
    /// Attempts in all, the first one included (1 = no retry).
    pub max_attempts: u32,
    /// Wait before the first retry; it doubles after each, with ±20% jitter.
    pub initial_backoff: Duration,
    /// The longest wait between two attempts.
    pub max_backoff: Duration,
}

/// Every setting, resolved.
#[derive(Debug, Clone, PartialEq)]
pub struct Config {
    /// `false` when the values file says `enabled: false`: nothing is done.
    pub enabled: bool,
    /// Where spans go: for gRPC `http://host:4317`; for HTTP the full URL of the traces
    /// path (`/v1/traces` is added to a URL without a path).
    pub endpoint: String,
    /// gRPC or HTTP/protobuf.
    pub protocol: Protocol,
    /// The share of task spans exported, 0.0 to 1.0.
    pub sampling_ratio: f64,
    /// `service.name`.
    pub service_name: String,
    /// More resource attributes.
    pub resource_attributes: Vec<(String, String)>,
    /// Headers (gRPC metadata) on every export request, e.g. `X-Scope-OrgID` for Tempo.
    pub headers: Vec<(String, String)>,
    /// One trace per application or per SQL execution.
    pub trace_per: TracePer,
    /// Export failed task attempts whatever the sampling ratio.
    pub keep_failed_tasks: bool,
    /// Compression of export requests.
    pub compression: Compression,
    /// Timeout of one export request.
    pub timeout: Duration,
    /// Spans per export request, at most.
    pub batch_max_spans: usize,
    /// When following, the longest a span waits for its batch to fill.
    pub batch_timeout: Duration,
    /// Retries.
    pub retry: RetryConfig,
    /// Keep following growing logs (and, for a directory, new logs) instead of exiting.
    pub follow: bool,
    /// How often a followed log is checked for new data.
    pub poll_interval: Duration,
    /// Where progress is kept across restarts; `None` keeps none.
    pub state_file: Option<PathBuf>,
    /// The values file said `exporterType: jaeger`.
    pub jaeger: bool,
}

/// Settings from one layer (flags, environment or file); `None` means "not set here".
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Layer {
    /// See [`Config::enabled`].
    pub enabled: Option<bool>,
    /// See [`Config::endpoint`].
    pub endpoint: Option<String>,
    /// True when the endpoint is OTEL_EXPORTER_OTLP_ENDPOINT's base URL, for which
    /// OTLP/HTTP always appends `/v1/traces`.
    pub endpoint_is_base: bool,
    /// See [`Config::protocol`].
    pub protocol: Option<Protocol>,
    /// See [`Config::sampling_ratio`].
    pub sampling_ratio: Option<f64>,
    /// See [`Config::service_name`].
    pub service_name: Option<String>,
    /// See [`Config::resource_attributes`].
    pub resource_attributes: Option<Vec<(String, String)>>,
    /// See [`Config::headers`].
    pub headers: Option<Vec<(String, String)>>,
    /// See [`Config::trace_per`].
    pub trace_per: Option<TracePer>,
    /// See [`Config::keep_failed_tasks`].
    pub keep_failed_tasks: Option<bool>,
    /// See [`Config::compression`].
    pub compression: Option<Compression>,
    /// See [`Config::timeout`].
    pub timeout: Option<Duration>,
    /// See [`Config::batch_max_spans`].
    pub batch_max_spans: Option<usize>,
    /// See [`Config::batch_timeout`].
    pub batch_timeout: Option<Duration>,
    /// See [`RetryConfig::max_attempts`].
    pub retry_max_attempts: Option<u32>,
    /// See [`RetryConfig::initial_backoff`].
    pub retry_initial_backoff: Option<Duration>,
    /// See [`RetryConfig::max_backoff`].
    pub retry_max_backoff: Option<Duration>,
    /// See [`Config::follow`].
    pub follow: Option<bool>,
    /// See [`Config::poll_interval`].
    pub poll_interval: Option<Duration>,
    /// See [`Config::state_file`].
    pub state_file: Option<PathBuf>,
    /// See [`Config::jaeger`].
    pub jaeger: Option<bool>,
}

macro_rules! take_first {
    ($self:ident, $other:ident, $($f:ident),*) => { $( if $self.$f.is_none() { $self.$f = $other.$f.clone(); } )* };
}

impl Layer {
    /// This layer, with what it does not set taken from `lower`.
    pub fn over(mut self, lower: &Layer) -> Layer {
        if self.endpoint.is_none() {
            self.endpoint_is_base = lower.endpoint_is_base;
        }
        take_first!(
            self,
            lower,
            enabled,
            endpoint,
            protocol,
            sampling_ratio,
            service_name,
            resource_attributes,
            headers,
            trace_per,
            keep_failed_tasks,
            compression,
            timeout,
            batch_max_spans,
            batch_timeout,
            retry_max_attempts,
            retry_initial_backoff,
            retry_max_backoff,
            follow,
            poll_interval,
            state_file,
            jaeger
        );
        self
    }

    /// The settings with the defaults filled in, checked.
    ///
    /// ```
    /// use spark_traces::config::{Layer, Protocol};
    /// let c = Layer { protocol: Some(Protocol::HttpProtobuf),
    ///     endpoint: Some("http://collector:4318".into()), ..Layer::default() }.resolve().unwrap();
    /// assert_eq!(c.endpoint, "http://collector:4318/v1/traces");
    /// assert_eq!(c.service_name, "spark");
    /// assert_eq!(Layer::default().resolve().unwrap().endpoint, "http://localhost:4317");
    /// ```
    pub fn resolve(self) -> Result<Config, String> {
        let protocol = self.protocol.unwrap_or(Protocol::Grpc);
        let endpoint = match &self.endpoint {
            Some(e) => normalize_endpoint(e, protocol, self.endpoint_is_base)?,
            None => match protocol {
                Protocol::Grpc => "http://localhost:4317".to_string(),
                Protocol::HttpProtobuf => "http://localhost:4318/v1/traces".to_string(),
            },
        };
        let sampling_ratio = self.sampling_ratio.unwrap_or(1.0);
        if !(0.0..=1.0).contains(&sampling_ratio) {
            return Err(format!(
                "sampling ratio {sampling_ratio} is outside 0.0-1.0 (1.0 keeps every task span, 0.1 one in ten)"
            ));
        }
        let service_name = self.service_name.unwrap_or_else(|| "spark".to_string());
        if service_name.trim().is_empty() {
            return Err(
                "the service name is empty: the dashboards look for service.name=\"spark\"".into(),
            );
        }
        let batch_max_spans = self.batch_max_spans.unwrap_or(512);
        if batch_max_spans == 0 {
            return Err("the batch size must be at least 1 span".into());
        }
        let retry = RetryConfig {
            max_attempts: self.retry_max_attempts.unwrap_or(6).max(1),
            initial_backoff: self
                .retry_initial_backoff
                .unwrap_or(Duration::from_millis(500)),
            max_backoff: self.retry_max_backoff.unwrap_or(Duration::from_secs(30)),
        };
        Ok(Config {
            enabled: self.enabled.unwrap_or(true),
            endpoint,
            protocol,
            sampling_ratio,
            service_name,
            resource_attributes: self.resource_attributes.unwrap_or_default(),
            headers: self.headers.unwrap_or_default(),
            trace_per: self.trace_per.unwrap_or_default(),
            keep_failed_tasks: self.keep_failed_tasks.unwrap_or(true),
            compression: self.compression.unwrap_or(Compression::None),
            timeout: self.timeout.unwrap_or(Duration::from_secs(10)),
            batch_max_spans,
            batch_timeout: self.batch_timeout.unwrap_or(Duration::from_secs(2)),
            retry,
            follow: self.follow.unwrap_or(false),
            poll_interval: self.poll_interval.unwrap_or(Duration::from_secs(2)),
            state_file: self.state_file,
            jaeger: self.jaeger.unwrap_or(false),
        })
    }

    /// The standard OpenTelemetry variables (`OTEL_EXPORTER_OTLP_*`, `OTEL_SERVICE_NAME`,
    /// `OTEL_RESOURCE_ATTRIBUTES`), read through `get`.
    ///
    /// ```
    /// use spark_traces::config::Layer;
    /// let env = |k: &str| match k {
    ///     "OTEL_EXPORTER_OTLP_ENDPOINT" => Some("http://collector:4318".to_string()),
    ///     "OTEL_EXPORTER_OTLP_PROTOCOL" => Some("http/protobuf".to_string()),
    ///     "OTEL_RESOURCE_ATTRIBUTES" => Some("k8s.cluster.name=prod,team=data".to_string()),
    ///     _ => None,
    /// };
    /// let c = Layer::from_otel_env(env).unwrap().resolve().unwrap();
    /// assert_eq!(c.endpoint, "http://collector:4318/v1/traces");
    /// assert_eq!(c.resource_attributes.len(), 2);
    /// ```
    pub fn from_otel_env(get: impl Fn(&str) -> Option<String>) -> Result<Layer, String> {
        let get = |k: &str| get(k).filter(|v| !v.trim().is_empty());
        let mut l = Layer::default();
        if let Some(e) = get("OTEL_EXPORTER_OTLP_TRACES_ENDPOINT") {
            l.endpoint = Some(e);
        } else if let Some(e) = get("OTEL_EXPORTER_OTLP_ENDPOINT") {
            l.endpoint = Some(e);
            l.endpoint_is_base = true;
        }
        if let Some(p) =
            get("OTEL_EXPORTER_OTLP_TRACES_PROTOCOL").or_else(|| get("OTEL_EXPORTER_OTLP_PROTOCOL"))
        {
            l.protocol = Some(
                p.parse()
                    .map_err(|e| format!("OTEL_EXPORTER_OTLP_PROTOCOL: {e}"))?,
            );
        }
        l.service_name = get("OTEL_SERVICE_NAME");
        if let Some(a) = get("OTEL_RESOURCE_ATTRIBUTES") {
            l.resource_attributes =
                Some(parse_pairs(&a).map_err(|e| format!("OTEL_RESOURCE_ATTRIBUTES: {e}"))?);
        }
        if let Some(h) =
            get("OTEL_EXPORTER_OTLP_TRACES_HEADERS").or_else(|| get("OTEL_EXPORTER_OTLP_HEADERS"))
        {
            l.headers =
                Some(parse_pairs(&h).map_err(|e| format!("OTEL_EXPORTER_OTLP_HEADERS: {e}"))?);
        }
        if let Some(c) = get("OTEL_EXPORTER_OTLP_TRACES_COMPRESSION")
            .or_else(|| get("OTEL_EXPORTER_OTLP_COMPRESSION"))
        {
            l.compression = Some(
                c.parse()
                    .map_err(|e| format!("OTEL_EXPORTER_OTLP_COMPRESSION: {e}"))?,
            );
        }
        if let Some(t) =
            get("OTEL_EXPORTER_OTLP_TRACES_TIMEOUT").or_else(|| get("OTEL_EXPORTER_OTLP_TIMEOUT"))
        {
            let ms: u64 = t.trim().parse().map_err(|_| {
                format!("OTEL_EXPORTER_OTLP_TIMEOUT: `{t}` is not a number of milliseconds")
            })?;
            l.timeout = Some(Duration::from_millis(ms));
        }
        Ok(l)
    }

    /// The `monitoring.openTelemetry` block of a values-style YAML file (see the module
    /// docs). Other keys of the file are ignored; unknown keys inside the block are errors,
    /// so a typo does not go unnoticed.
    ///
    /// ```
    /// use spark_traces::config::{Layer, Protocol};
    /// let l = Layer::from_values_yaml(r#"
    /// image: {tag: "3.5"}
    /// monitoring:
    ///   prometheus: {enabled: true}
    ///   openTelemetry:
    ///     enabled: true
    ///     endpoint: "http://otel-collector:4317"
    ///     protocol: "grpc"
    ///     samplingRatio: "0.25"
    ///     serviceName: "spark-connect-35"
    ///     exporterType: "otlp"
    /// "#).unwrap();
    /// assert_eq!(l.protocol, Some(Protocol::Grpc));
    /// assert_eq!(l.sampling_ratio, Some(0.25));
    /// assert_eq!(l.service_name.as_deref(), Some("spark-connect-35"));
    /// ```
    pub fn from_values_yaml(text: &str) -> Result<Layer, String> {
        let file: ValuesFile = serde_yaml_ng::from_str(text).map_err(|e| e.to_string())?;
        let Some(v) = file.monitoring.and_then(|m| m.open_telemetry) else {
            return Err("no `monitoring.openTelemetry` block: see provisioning/spark-traces/values.yaml for the format".into());
        };
        let mut l = Layer {
            enabled: v.enabled,
            endpoint: v.endpoint.filter(|e| !e.trim().is_empty()),
            ..Layer::default()
        };
        if let Some(p) = v.protocol {
            l.protocol = Some(p.parse().map_err(|e| format!("protocol: {e}"))?);
        }
        if let Some(r) = v.sampling_ratio {
            l.sampling_ratio = Some(r.as_f64().map_err(|e| format!("samplingRatio: {e}"))?);
        }
        l.service_name = v.service_name;
        if let Some(t) = v.exporter_type {
            match t.trim().to_ascii_lowercase().as_str() {
                "otlp" | "" => l.jaeger = Some(false),
                "jaeger" => l.jaeger = Some(true),
                other => {
                    return Err(format!(
                        "exporterType: unknown exporter `{other}`: use `otlp`, or `jaeger` for Jaeger's OTLP receiver (ports 4317/4318)"
                    ))
                }
            }
        }
        l.resource_attributes = v.resource_attributes.map(|m| m.into_iter().collect());
        l.headers = v.headers.map(|m| m.into_iter().collect());
        if let Some(t) = v.trace_per {
            l.trace_per = Some(t.parse().map_err(|e| format!("tracePer: {e}"))?);
        }
        l.keep_failed_tasks = v.keep_failed_tasks;
        if let Some(c) = v.compression {
            l.compression = Some(c.parse().map_err(|e| format!("compression: {e}"))?);
        }
        l.timeout = v
            .timeout
            .map(|d| parse_duration(&d))
            .transpose()
            .map_err(|e| format!("timeout: {e}"))?;
        if let Some(b) = v.batch {
            l.batch_max_spans = b.max_spans;
            l.batch_timeout = b
                .timeout
                .map(|d| parse_duration(&d))
                .transpose()
                .map_err(|e| format!("batch.timeout: {e}"))?;
        }
        if let Some(r) = v.retry {
            l.retry_max_attempts = r.max_attempts;
            l.retry_initial_backoff = r
                .initial_backoff
                .map(|d| parse_duration(&d))
                .transpose()
                .map_err(|e| format!("retry.initialBackoff: {e}"))?;
            l.retry_max_backoff = r
                .max_backoff
                .map(|d| parse_duration(&d))
                .transpose()
                .map_err(|e| format!("retry.maxBackoff: {e}"))?;
        }
        l.follow = v.follow;
        l.poll_interval = v
            .poll_interval
            .map(|d| parse_duration(&d))
            .transpose()
            .map_err(|e| format!("pollInterval: {e}"))?;
        l.state_file = v.state_file.map(PathBuf::from);
        Ok(l)
    }
}

/// `grpc` endpoints keep their URL; OTLP/HTTP ones get `/v1/traces` when they have no path
/// (or always, for the base URL of `OTEL_EXPORTER_OTLP_ENDPOINT`).
fn normalize_endpoint(e: &str, protocol: Protocol, is_base: bool) -> Result<String, String> {
    let e = e.trim();
    let Some((scheme, rest)) = e.split_once("://") else {
        return Err(format!(
            "endpoint `{e}` has no scheme: write it as a URL, e.g. http://otel-collector:4317 (gRPC) or http://otel-collector:4318 (HTTP)"
        ));
    };
    if scheme != "http" && scheme != "https" {
        return Err(format!("endpoint `{e}`: the scheme must be http or https"));
    }
    let path_start = rest.find('/');
    let host = &rest[..path_start.unwrap_or(rest.len())];
    if host.is_empty() {
        return Err(format!("endpoint `{e}` has no host"));
    }
    if let Some(port) = host.rsplit(':').next().filter(|_| host.contains(':')) {
        if ["14268", "14250", "6831", "6832"].contains(&port) {
            return Err(format!(
                "endpoint `{e}` is a port of Jaeger's legacy (Thrift) protocol; Jaeger takes OTLP on 4317 (gRPC) and 4318 (HTTP)"
            ));
        }
    }
    Ok(match protocol {
        Protocol::Grpc => e.trim_end_matches('/').to_string(),
        Protocol::HttpProtobuf => {
            let path = path_start.map(|p| &rest[p..]).unwrap_or("");
            if is_base {
                format!("{}/v1/traces", e.trim_end_matches('/'))
            } else if path.is_empty() || path == "/" {
                format!("{scheme}://{host}/v1/traces")
            } else {
                e.to_string()
            }
        }
    })
}

/// `k=v,k2=v2` (as in `OTEL_RESOURCE_ATTRIBUTES`), values percent-decoded.
///
/// ```
/// let p = spark_traces::config::parse_pairs("a=1, b = x%20y").unwrap();
/// assert_eq!(p, [("a".to_string(), "1".to_string()), ("b".to_string(), "x y".to_string())]);
/// assert!(spark_traces::config::parse_pairs("novalue").is_err());
/// ```
pub fn parse_pairs(s: &str) -> Result<Vec<(String, String)>, String> {
    s.split(',')
        .filter(|p| !p.trim().is_empty())
        .map(|p| {
            let (k, v) = p
                .split_once('=')
                .ok_or_else(|| format!("`{}` is not key=value", p.trim()))?;
            let k = k.trim();
            if k.is_empty() {
                return Err(format!("`{}` has an empty key", p.trim()));
            }
            Ok((k.to_string(), percent_decode(v.trim())))
        })
        .collect()
}

fn percent_decode(s: &str) -> String {
    let b = s.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'%' && i + 2 < b.len() {
            let hex = std::str::from_utf8(&b[i + 1..i + 3]).ok();
            if let Some(v) = hex.and_then(|h| u8::from_str_radix(h, 16).ok()) {
                out.push(v);
                i += 3;
                continue;
            }
        }
        out.push(b[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// `500ms`, `2s`, `1m`, `1h`, or a bare number of seconds.
///
/// ```
/// use std::time::Duration;
/// use spark_traces::config::parse_duration;
/// assert_eq!(parse_duration("500ms").unwrap(), Duration::from_millis(500));
/// assert_eq!(parse_duration("1.5s").unwrap(), Duration::from_millis(1500));
/// assert_eq!(parse_duration("2").unwrap(), Duration::from_secs(2));
/// assert!(parse_duration("soon").is_err());
/// ```
pub fn parse_duration(s: &str) -> Result<Duration, String> {
    let t = s.trim();
    let (num, mult) = if let Some(n) = t.strip_suffix("ms") {
        (n, 0.001)
    } else if let Some(n) = t.strip_suffix('s') {
        (n, 1.0)
    } else if let Some(n) = t.strip_suffix('m') {
        (n, 60.0)
    } else if let Some(n) = t.strip_suffix('h') {
        (n, 3600.0)
    } else {
        (t, 1.0)
    };
    let v: f64 = num
        .trim()
        .parse()
        .map_err(|_| format!("`{s}` is not a duration (write 500ms, 2s, 1m)"))?;
    if !v.is_finite() || v < 0.0 || v * mult > 1e9 {
        return Err(format!("`{s}` is not a usable duration"));
    }
    Ok(Duration::from_secs_f64(v * mult))
}

#[derive(Deserialize)]
struct ValuesFile {
    monitoring: Option<Monitoring>,
}

#[derive(Deserialize)]
struct Monitoring {
    #[serde(rename = "openTelemetry")]
    open_telemetry: Option<OtelValues>,
}

#[derive(Deserialize)]
#[serde(untagged)]
enum NumOrString {
    Num(f64),
    Str(String),
}

impl NumOrString {
    fn as_f64(&self) -> Result<f64, String> {
        match self {
            NumOrString::Num(n) => Ok(*n),
            NumOrString::Str(s) => s
                .trim()
                .parse()
                .map_err(|_| format!("`{s}` is not a number")),
        }
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
struct OtelValues {
    enabled: Option<bool>,
    endpoint: Option<String>,
    protocol: Option<String>,
    sampling_ratio: Option<NumOrString>,
    service_name: Option<String>,
    exporter_type: Option<String>,
    resource_attributes: Option<BTreeMap<String, String>>,
    headers: Option<BTreeMap<String, String>>,
    trace_per: Option<String>,
    keep_failed_tasks: Option<bool>,
    compression: Option<String>,
    timeout: Option<String>,
    batch: Option<BatchValues>,
    retry: Option<RetryValues>,
    follow: Option<bool>,
    poll_interval: Option<String>,
    state_file: Option<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
struct BatchValues {
    max_spans: Option<usize>,
    timeout: Option<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
struct RetryValues {
    max_attempts: Option<u32>,
    initial_backoff: Option<String>,
    max_backoff: Option<String>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn precedence_flags_env_file() {
        let file = Layer::from_values_yaml(
            "monitoring:\n  openTelemetry:\n    endpoint: http://file:4317\n    serviceName: from-file\n    samplingRatio: 0.5\n",
        )
        .unwrap();
        let env = Layer {
            service_name: Some("from-env".into()),
            ..Layer::default()
        };
        let flags = Layer {
            sampling_ratio: Some(0.1),
            ..Layer::default()
        };
        let c = flags.over(&env.over(&file)).resolve().unwrap();
        assert_eq!(c.endpoint, "http://file:4317");
        assert_eq!(c.service_name, "from-env");
        assert_eq!(c.sampling_ratio, 0.1);
    }

    #[test]
    fn values_errors_are_specific() {
        let e = Layer::from_values_yaml("monitoring:\n  openTelemetry:\n    samplingRatoi: 1\n")
            .unwrap_err();
        assert!(e.contains("samplingRatoi"), "{e}");
        let e = Layer::from_values_yaml("monitoring: {}\n").unwrap_err();
        assert!(e.contains("monitoring.openTelemetry"), "{e}");
        let e =
            Layer::from_values_yaml("monitoring:\n  openTelemetry:\n    exporterType: zipkin\n")
                .unwrap_err();
        assert!(e.contains("zipkin"), "{e}");
        let e = Layer {
            sampling_ratio: Some(1.5),
            ..Layer::default()
        }
        .resolve()
        .unwrap_err();
        assert!(e.contains("0.0-1.0"), "{e}");
        let e = Layer {
            endpoint: Some("http://jaeger:14268".into()),
            ..Layer::default()
        }
        .resolve()
        .unwrap_err();
        assert!(e.contains("4317"), "{e}");
    }

    #[test]
    fn http_endpoints() {
        let r = |e: &str, base| normalize_endpoint(e, Protocol::HttpProtobuf, base).unwrap();
        assert_eq!(r("http://c:4318/", false), "http://c:4318/v1/traces");
        assert_eq!(
            r("http://c:4318/custom/path", false),
            "http://c:4318/custom/path"
        );
        assert_eq!(
            r("http://c:4318/prefix", true),
            "http://c:4318/prefix/v1/traces"
        );
        assert_eq!(
            normalize_endpoint("http://c:4317/", Protocol::Grpc, false).unwrap(),
            "http://c:4317"
        );
    }
}
