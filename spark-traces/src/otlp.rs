//! Spans to OTLP, with the official protobuf definitions (`opentelemetry-proto`).

use opentelemetry_proto::tonic::collector::trace::v1::ExportTraceServiceRequest;
use opentelemetry_proto::tonic::common::v1::{
    any_value, AnyValue, ArrayValue, InstrumentationScope, KeyValue,
};
use opentelemetry_proto::tonic::resource::v1::Resource;
use opentelemetry_proto::tonic::trace::v1::{
    self as pb, span::Event as PbEvent, span::Link as PbLink, span::SpanKind, status::StatusCode,
    ResourceSpans, ScopeSpans,
};

use crate::span::{attrs, AppResource, Span, Status, Value};

/// The instrumentation scope of every span.
pub const SCOPE_NAME: &str = "spark-traces";

/// What goes into every resource besides the application's own attributes.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct ResourceConfig {
    /// `service.name` (`spark` by default).
    pub service_name: String,
    /// More resource attributes (`deployment.environment`, `k8s.cluster.name`, …).
    pub attributes: Vec<(String, String)>,
}

fn kv(key: &str, value: Value) -> KeyValue {
    let v = match value {
        Value::Str(s) => any_value::Value::StringValue(s),
        Value::Int(i) => any_value::Value::IntValue(i),
        Value::F64(f) => any_value::Value::DoubleValue(f),
        Value::Bool(b) => any_value::Value::BoolValue(b),
        Value::Ints(v) => any_value::Value::ArrayValue(ArrayValue {
            values: v
                .into_iter()
                .map(|i| AnyValue {
                    value: Some(any_value::Value::IntValue(i)),
                })
                .collect(),
        }),
    };
    KeyValue {
        key: key.to_string(),
        value: Some(AnyValue { value: Some(v) }),
        key_strindex: 0,
    }
}

/// The OTLP resource of an application's spans: `service.name`, the configured attributes,
/// then `spark.app.id`, `spark.app.name` (and `spark.app.attempt`, `spark.version`).
///
/// ```
/// use spark_traces::otlp::{resource, ResourceConfig};
/// use spark_traces::span::AppResource;
/// let r = resource(&ResourceConfig { service_name: "spark".into(), attributes: vec![] },
///     &AppResource { app_id: "local-1".into(), app_name: "etl".into(), ..Default::default() });
/// let keys: Vec<_> = r.attributes.iter().map(|a| a.key.as_str()).collect();
/// assert_eq!(keys, ["service.name", "spark.app.id", "spark.app.name"]);
/// ```
pub fn resource(cfg: &ResourceConfig, app: &AppResource) -> Resource {
    let mut attributes = vec![kv(attrs::SERVICE_NAME, cfg.service_name.clone().into())];
    for (k, v) in &cfg.attributes {
        if k != attrs::SERVICE_NAME && k != attrs::APP_ID && k != attrs::APP_NAME {
            attributes.push(kv(k, v.clone().into()));
        }
    }
    attributes.push(kv(attrs::APP_ID, app.app_id.clone().into()));
    attributes.push(kv(attrs::APP_NAME, app.app_name.clone().into()));
    if let Some(a) = &app.app_attempt {
        attributes.push(kv(attrs::APP_ATTEMPT, a.clone().into()));
    }
    if let Some(v) = &app.spark_version {
        attributes.push(kv(attrs::SPARK_VERSION, v.clone().into()));
    }
    Resource {
        attributes,
        dropped_attributes_count: 0,
        entity_refs: Vec::new(),
    }
}

/// One span as OTLP.
pub fn span(s: Span) -> pb::Span {
    let (code, message) = match s.status {
        Status::Ok => (StatusCode::Ok, String::new()),
        Status::Error => (StatusCode::Error, s.status_message),
        Status::Unset => (StatusCode::Unset, String::new()),
    };
    pb::Span {
        trace_id: s.trace_id.to_vec(),
        span_id: s.span_id.to_vec(),
        trace_state: String::new(),
        parent_span_id: s.parent_span_id.map(|p| p.to_vec()).unwrap_or_default(),
        flags: 0,
        name: s.name.to_string(),
        kind: SpanKind::Internal as i32,
        start_time_unix_nano: s.start_ns,
        end_time_unix_nano: s.end_ns,
        attributes: s.attributes.into_iter().map(|(k, v)| kv(k, v)).collect(),
        dropped_attributes_count: 0,
        events: s
            .events
            .into_iter()
            .map(|e| PbEvent {
                time_unix_nano: e.time_ns,
                name: e.name.to_string(),
                attributes: e.attributes.into_iter().map(|(k, v)| kv(k, v)).collect(),
                dropped_attributes_count: 0,
            })
            .collect(),
        dropped_events_count: 0,
        links: s
            .links
            .into_iter()
            .map(|l| PbLink {
                trace_id: l.trace_id.to_vec(),
                span_id: l.span_id.to_vec(),
                trace_state: String::new(),
                attributes: l.attributes.into_iter().map(|(k, v)| kv(k, v)).collect(),
                dropped_attributes_count: 0,
                flags: 0,
            })
            .collect(),
        dropped_links_count: 0,
        status: Some(pb::Status {
            message,
            code: code as i32,
        }),
    }
}

/// An export request with the spans of one application.
///
/// ```
/// use spark_traces::otlp::{request, ResourceConfig};
/// use spark_traces::span::AppResource;
/// let req = request(&ResourceConfig { service_name: "spark".into(), attributes: vec![] },
///     &AppResource::default(), Vec::new());
/// assert_eq!(req.resource_spans[0].scope_spans[0].scope.as_ref().unwrap().name, "spark-traces");
/// ```
pub fn request(
    cfg: &ResourceConfig,
    app: &AppResource,
    spans: Vec<Span>,
) -> ExportTraceServiceRequest {
    ExportTraceServiceRequest {
        resource_spans: vec![ResourceSpans {
            resource: Some(resource(cfg, app)),
            scope_spans: vec![ScopeSpans {
                scope: Some(InstrumentationScope {
                    name: SCOPE_NAME.to_string(),
                    version: env!("CARGO_PKG_VERSION").to_string(),
                    attributes: Vec::new(),
                    dropped_attributes_count: 0,
                }),
                spans: spans.into_iter().map(span).collect(),
                schema_url: String::new(),
            }],
            schema_url: String::new(),
        }],
    }
}
