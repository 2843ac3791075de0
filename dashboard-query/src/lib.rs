//! Grafana-variable-aware checks of dashboard queries, one module per grammar.
//!
//! Dashboard queries are templates: Grafana replaces `$app`, `${app:regex}` or
//! `$__rate_interval` before sending them to the datasource, so a plain parser rejects
//! them. [`template`] finds those references, the same way for every language;
//! [`promql`] and [`traceql`] check queries in their language with the references in
//! place; [`variable_query`] reads Grafana's grammar of Prometheus variable queries
//! (`label_values(...)` and the rest). A `logql` module belongs beside them.
//!
//! The same checks run at run time (the DSL's lint, `dashboard-validate`) and at
//! compile time (the `promql!` macro), which is why this crate depends on neither.
//!
//! ```
//! use dashboard_query::{promql, template, traceql, variable_query};
//!
//! let q = r#"sum by (executor_id) (rate(x{application_name=~"$app"}[$__rate_interval]))"#;
//! assert!(promql::parse(q).is_ok());
//! assert_eq!(template::var_names(q).collect::<Vec<_>>(), ["app", "__rate_interval"]);
//! assert!(traceql::parse(r#"{span.spark.app.name=~"${app:regex}"}"#).is_ok());
//! assert!(variable_query::parse("label_values(up, instance)").is_ok());
//! ```

#![warn(missing_docs)]

pub mod promql;
pub mod template;
pub mod traceql;
pub mod variable_query;
