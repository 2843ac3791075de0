//! A typed model of Grafana dashboard JSON (Grafana 11.6 to 12.x) and a builder DSL over it.
//!
//! - [`model`]: what Grafana stores, as plain serde types.
//! - [`panel`], [`query`], [`variable`], [`field`], [`link`], [`dashboard`]: how authors
//!   write it.
//! - [`layout`] places panels on the 24-column grid; [`lint`] checks the result.
//! - [`alert`]: Prometheus alerting and recording rules beside the dashboards, linking to
//!   their panels; [`rules`] is what they build.
//!
//! ```
//! use dashboard_dsl::{datasource::Prometheus, panel, query::PromQuery, variable::{DatasourceVar, QueryVar}};
//! use dashboard_dsl::{Dashboard, Row, Unit};
//!
//! let prom = DatasourceVar::<Prometheus>::new("prometheus").label("Prometheus");
//! let app = QueryVar::new("app")
//!     .datasource(&prom)
//!     .query("label_values(metrics_executor_activeTasks, application_name)");
//! let built = Dashboard::new("spark-mini", "Spark mini")
//!     .variable(&prom)
//!     .variable(&app)
//!     .row(Row::new("Executors").panel(
//!         panel::timeseries("active_tasks", "Active tasks per executor")
//!             .unit(Unit::Short)
//!             .query(&prom, PromQuery::new(
//!                 r#"sum by (executor_id) (metrics_executor_activeTasks{application_name=~"$app"})"#,
//!             ).legend("{{executor_id}}")),
//!     ))
//!     .build()
//!     .expect("lint passes");
//! assert_eq!(built.query_count(), 1);
//! ```

// `promql!` expands to `::dashboard_dsl::…` paths; this makes them resolve in the
// crate's own tests too.
#[cfg(test)]
extern crate self as dashboard_dsl;

pub mod alert;
mod build;
pub mod dashboard;
pub mod datasource;
pub mod field;
pub mod layout;
pub mod link;
pub mod lint;
pub mod panel;
pub mod query;
pub mod variable;

pub use dashboard::{BuildError, BuiltDashboard, Dashboard, GraphTooltip, Row};
/// The model lives in `dashboard-model`, so that tools that read dashboards back (validate,
/// sync) need not depend on the builders; these paths are the ones the DSL always had.
pub use dashboard_model::{model, options, rules, v2, Folder, Unit, SCHEMA_VERSION};

/// The compile-time checks: `promql!`, `#[derive(Variables)]`, `#[derive(PanelKey)]`
/// (see `dashboard-macros`), so that depending on this crate is enough.
pub use dashboard_macros::{promql, PanelKey, Variables};
