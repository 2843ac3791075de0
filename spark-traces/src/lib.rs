//! Spark event logs to OpenTelemetry traces.
//!
//! Spark has no OpenTelemetry tracing of its own, but its event log (the file the History
//! Server reads) records every application, SQL execution, job, stage and task with exact
//! start and end times. spark-traces turns it into spans and sends them over OTLP (gRPC or
//! HTTP/protobuf) to Tempo, Jaeger or an OpenTelemetry Collector:
//!
//! ```text
//! spark.application                        resource: service.name="spark",
//! └── spark.sql        (SQL execution)               spark.app.id, spark.app.name
//!     └── spark.job
//!         └── spark.stage  (one per attempt; retries link to the attempt before)
//!             └── spark.task   (sampled; the stage keeps quantiles of all of them)
//! ```
//!
//! - [`source`] finds and reads logs: single files or rolling `eventlog_v2_*` directories,
//!   plain, gzip, zstd, lz4 or snappy, finished or still growing;
//! - [`event`] decodes the lines, [`convert`] turns events into [`span::Span`]s with ids from
//!   [`ids`] (deterministic: the same log always gives the same ids);
//! - [`otlp`] encodes them with the official protobuf definitions, [`export`] sends them
//!   with retries, [`state`] records progress so a restart resumes without duplicates;
//! - [`run`] is the whole pipeline, [`config`] its settings (flags, environment and the
//!   `monitoring.openTelemetry` values block).
//!
//! With the `receiver` feature, [`receiver`] is an OTLP receiver (gRPC and HTTP) to run in
//! a test or next to spark-traces while debugging.

#![warn(missing_docs)]

pub mod config;
pub mod convert;
pub mod event;
pub mod export;
pub mod ids;
pub mod otlp;
#[cfg(feature = "receiver")]
pub mod receiver;
pub mod run;
pub mod source;
pub mod span;
pub mod state;
#[cfg(feature = "receiver")]
pub mod testing;

/// The OTLP protobuf types (from `opentelemetry-proto`), for code that decodes what
/// spark-traces sends.
pub use opentelemetry_proto::tonic as proto;
