//! Compile-time checked building blocks for `dashboard_dsl`.
//!
//! - [`promql!`](macro@promql): a PromQL literal that is parsed at compile
//!   time, with every Grafana variable it uses passed as a typed handle.
//! - [`#[derive(Variables)]`](derive@Variables): a struct of variable handles,
//!   configured by attributes and checked for ordering mistakes.
//! - [`#[derive(PanelKey)]`](derive@PanelKey): stable, unique panel keys from
//!   an enum.
//!
//! Expansions only use absolute `::dashboard_dsl::...` paths, so the crate
//! using them needs `dashboard-dsl` as a dependency under that name.

#![warn(missing_docs)]

mod panel_key;
mod promql;
mod util;
mod variables;

use proc_macro::TokenStream;

/// A PromQL query checked at compile time, producing a
/// `dashboard_dsl::query::PromQl`.
///
/// The first argument is a string literal; every Grafana variable it
/// references (`$app`, `${app:regex}`, `[[app]]`) must be passed as
/// `name = handle`, where `handle` is a variable handle (anything
/// implementing `dashboard_dsl::variable::VarName`). The name used in the
/// literal is a placeholder: it is replaced by the handle's Grafana name, so
/// a variable can be renamed in one place. Built-ins such as
/// `$__rate_interval` need no argument.
///
/// Compile errors are reported for a non-literal query, an undeclared or
/// unused variable, an argument passed twice, and PromQL that does not parse
/// once the variables are replaced by placeholders.
///
/// ```
/// use dashboard_dsl::variable::QueryVar;
/// use dashboard_macros::promql;
///
/// let app = QueryVar::new("application");
/// let query = promql!(
///     r#"sum by (executor_id) (rate(metrics_executor_totalGCTime_seconds_total{application_name=~"$app"}[$__rate_interval]))"#,
///     app = app,
/// );
/// assert_eq!(
///     query.as_str(),
///     r#"sum by (executor_id) (rate(metrics_executor_totalGCTime_seconds_total{application_name=~"$application"}[$__rate_interval]))"#,
/// );
/// ```
///
/// A variable that is not passed is an error:
///
/// ```compile_fail
/// use dashboard_macros::promql;
///
/// let query = promql!(r#"up{application_name=~"$app"}"#);
/// ```
#[proc_macro]
pub fn promql(input: TokenStream) -> TokenStream {
    promql::expand(input.into()).into()
}

/// Implements `dashboard_dsl::variable::Variables` for a struct whose fields
/// are variable handles, plus `new()` and `Default` that create them.
///
/// Each field becomes one variable, in declaration order (the order Grafana
/// resolves them in). The Grafana name is the field name unless
/// `#[variable(name = "...")]` says otherwise, and the field's doc comment
/// becomes the picker's description. Other `#[variable(...)]` items are
/// setter calls on the handle:
///
/// - `key = value` calls `.key(value)`, e.g. `label = "Application"`,
///   `query = "label_values(...)"`, `sort = Sort::AlphabeticalAsc`;
/// - a bare flag calls `.flag(true)`, e.g. `multi`, `include_all`; a bare
///   `hide` hides the whole picker;
/// - `datasource = field` passes an earlier field's datasource handle.
///
/// A `query = "..."` literal may only reference variables declared by
/// earlier fields, and the PromQL inside `label_values(...)`,
/// `label_names(...)`, `query_result(...)` and `metrics(...)` must parse.
///
/// ```
/// use dashboard_dsl::datasource::Prometheus;
/// use dashboard_dsl::variable::{DatasourceVar, QueryVar, VarName, Variables};
/// use dashboard_macros::Variables;
///
/// #[derive(Variables)]
/// struct SparkVars {
///     #[variable(label = "Prometheus")]
///     prometheus: DatasourceVar<Prometheus>,
///     /// The Spark applications to show.
///     #[variable(name = "app", datasource = prometheus, multi, include_all,
///                query = "label_values(metrics_executor_activeTasks, application_name)")]
///     application: QueryVar,
///     #[variable(datasource = prometheus,
///                query = r#"label_values(metrics_executor_activeTasks{application_name=~"$app"}, executor_id)"#)]
///     executor: QueryVar,
/// }
///
/// let vars = SparkVars::new();
/// assert_eq!(vars.application.var_name(), "app");
/// let names: Vec<String> = vars.variables().into_iter().map(|v| v.name).collect();
/// assert_eq!(names, ["prometheus", "app", "executor"]);
/// ```
///
/// Referencing a variable declared later is an error, because Grafana could
/// not resolve it when this variable's query runs:
///
/// ```compile_fail
/// use dashboard_dsl::variable::QueryVar;
/// use dashboard_macros::Variables;
///
/// #[derive(Variables)]
/// struct Vars {
///     #[variable(query = r#"label_values(x{app="$app"}, executor_id)"#)]
///     executor: QueryVar,
///     app: QueryVar,
/// }
/// ```
#[proc_macro_derive(Variables, attributes(variable))]
pub fn derive_variables(input: TokenStream) -> TokenStream {
    variables::expand(input.into()).into()
}

/// Implements `dashboard_dsl::panel::PanelKey` for a fieldless enum.
///
/// Each variant's key is its name in snake_case (`GcTime` is `gc_time`), or
/// the value of `#[key = "..."]`. Two variants with the same key, an empty
/// key, or a variant with fields are compile errors, so panel keys (which
/// Grafana links such as `viewPanel=` rely on) stay unique and stable.
///
/// ```
/// use dashboard_dsl::panel::PanelKey;
/// use dashboard_macros::PanelKey;
///
/// #[derive(PanelKey)]
/// enum ExecutorPanels {
///     GcTime,
///     #[key = "tasks"]
///     ActiveTasks,
/// }
///
/// assert_eq!(ExecutorPanels::GcTime.key(), "gc_time");
/// assert_eq!(ExecutorPanels::ActiveTasks.key(), "tasks");
/// ```
///
/// ```compile_fail
/// use dashboard_macros::PanelKey;
///
/// #[derive(PanelKey)]
/// enum Panels {
///     GcTime,
///     #[key = "gc_time"]
///     Gc,
/// }
/// ```
#[proc_macro_derive(PanelKey, attributes(key))]
pub fn derive_panel_key(input: TokenStream) -> TokenStream {
    panel_key::expand(input.into()).into()
}
