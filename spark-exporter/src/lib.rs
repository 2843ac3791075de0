//! `spark-exporter`: the Spark signals Spark does not export to Prometheus on a cluster.
//!
//! Two sources, one `/metrics`:
//!
//! - **Spark's GraphiteSink.** Every executor JVM pushes its `executor` metrics source
//!   (task CPU, run and GC time, (de)serialization, shuffle fetch wait and write time,
//!   shuffle and I/O bytes and records, spill, succeeded tasks, the task thread pool)
//!   over the Graphite plaintext protocol. [`listener`] receives it, [`graphite`] parses
//!   and maps it (units normalised to seconds and bytes, Prometheus names), [`store`]
//!   keeps the latest value per series, bounded and expiring.
//! - **Spark's REST API** of a driver UI or History Server. [`rest::poller`] polls active
//!   and recently finished stages (task quantiles and max/median skew from `taskSummary`,
//!   spill, fetch wait, GC and ser/deser totals) and jobs (status).
//!
//! Graphite series get `application_id` and `application_name` from what the REST poller
//! knows about each application ([`resolve`]). [`exporter::Exporter`] runs it all; the
//! binary adds flags ([`config`]) and signal handling ([`shutdown`]).
//!
//! ```
//! use spark_exporter::store::{Limits, Store};
//! use spark_exporter::resolve::AppDirectory;
//!
//! let mut store = Store::new(Limits::default());
//! store.apply(b"sparkci.0.executor.shuffleFetchWaitTime.count", 82.0, None, 0);
//! let text = store.render_to_string(&AppDirectory::default());
//! assert!(text.contains("# TYPE spark_executor_shuffle_fetch_wait_seconds_total counter"));
//! assert!(text.contains(r#"spark_executor_shuffle_fetch_wait_seconds_total{namespace="sparkci",executor_id="0"} 0.082"#));
//! ```

pub mod config;
pub mod exporter;
pub mod exposition;
pub mod graphite;
pub mod listener;
pub mod resolve;
pub mod rest;
pub mod selfmetrics;
pub mod server;
pub mod shutdown;
pub mod store;

pub use exporter::{Exporter, Running, StartError};
