//! The Spark dashboards, written in `dashboard-dsl` on metrics a real Spark exposes.
//!
//! Each module defines one dashboard ([`alerts`]: the Prometheus rules that link to them); [`all`] is the registry `cargo xtask dashboards build`
//! compiles, and [`all_with`] the same dashboards built with other [`Options`] (a fork's
//! recipe links, for example).
//!
//! ```
//! let uids: Vec<String> = dashboards::all().into_iter().map(|d| d.build().unwrap().model.uid).collect();
//! assert!(uids.contains(&"spark-overview".to_string()));
//! ```

use dashboard_dsl::{Dashboard, Folder};

/// `PromQuery::new(promql!(QUERY, app = V.app, executor = V.executor))`: a query over the
/// application and executors the dashboard's variables `V` pick, which most executor panels
/// are. A macro, not a function, because `promql!` checks its literal at compile time (and
/// reports errors on it), so the literal must reach it as a token.
macro_rules! executor_query {
    ($v:ident, $query:literal) => {
        dashboard_dsl::query::PromQuery::new(dashboard_dsl::promql!(
            $query,
            app = $v.app,
            executor = $v.executor
        ))
    };
}

pub mod alerts;
pub mod common;
pub mod findings;
pub mod panels;
pub mod spark_job_tracing;
pub mod spark_overview;
pub mod spark_profiling;
pub mod spark_sql;
pub mod spark_streaming;

/// The folder every Spark dashboard lives in.
pub fn spark_folder() -> Folder {
    Folder::new("spark", "Spark")
}

/// What a build of the dashboards may vary. Everything a dashboard's JSON depends on is
/// here or in the source, never in the environment, so one source builds one JSON.
///
/// ```
/// let o = dashboards::Options::default();
/// assert_eq!(o.recipes_url, dashboards::common::DEFAULT_RECIPES_URL);
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Options {
    /// Where `docs/recipes` is published (a trailing `/` is ignored): the base of every
    /// panel's recipe link.
    pub recipes_url: String,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            recipes_url: common::DEFAULT_RECIPES_URL.to_string(),
        }
    }
}

/// Every dashboard of the project with the default [`Options`], unbuilt: building runs
/// layout and lint. A plain `fn() -> Vec<Dashboard>`, as `dashboard_cli::Project` takes it.
///
/// ```
/// assert_eq!(dashboards::all().len(), 5);
/// ```
pub fn all() -> Vec<Dashboard> {
    all_with(&Options::default())
}

/// Every dashboard of the project built with `options`: a repository that publishes the
/// recipes elsewhere calls this from its own xtask.
///
/// ```
/// let o = dashboards::Options { recipes_url: "https://docs.example.com/recipes/".into() };
/// let json: String = dashboards::all_with(&o).into_iter().map(|d| d.build().unwrap().to_json()).collect();
/// assert!(json.contains("https://docs.example.com/recipes/troubleshoot/gc-pressure.md"));
/// assert!(!json.contains(dashboards::common::DEFAULT_RECIPES_URL));
/// ```
pub fn all_with(options: &Options) -> Vec<Dashboard> {
    vec![
        spark_job_tracing::dashboard(options),
        spark_overview::dashboard(options),
        spark_profiling::dashboard(options),
        spark_sql::dashboard(options),
        spark_streaming::dashboard(options),
    ]
}
