//! The dashboards of a Python HTTP service: a FastAPI application instrumented with
//! [prometheus-fastapi-instrumentator] (its default metrics) and the official Python
//! client, [prometheus_client] (its process and GC collectors, on by default).
//!
//! Each module defines one dashboard; [`all`] is what `cargo xtask dashboards build`
//! writes to `dist/dashboards/`. To add a dashboard, add a module and list it in [`all`].
//!
//! [prometheus-fastapi-instrumentator]: https://github.com/trallnag/prometheus-fastapi-instrumentator
//! [prometheus_client]: https://github.com/prometheus/client_python
//!
//! ```
//! let uids: Vec<String> = service_dashboards::all()
//!     .into_iter()
//!     .map(|d| d.build().unwrap().model.uid)
//!     .collect();
//! assert_eq!(uids, ["http-service", "service-runtime"]);
//! ```

use dashboard_dsl::datasource::Prometheus;
use dashboard_dsl::field::thresholds;
use dashboard_dsl::link::DashLink;
use dashboard_dsl::model::Thresholds;
use dashboard_dsl::options::TimeseriesOptions;
use dashboard_dsl::panel::{self, IntoPanelKey, Panel};
use dashboard_dsl::query::PromQuery;
use dashboard_dsl::variable::DatasourceVar;
use dashboard_dsl::{Dashboard, Folder, GraphTooltip, Unit};

/// A query over the selected job and instances (and handlers, when the dashboard has a
/// `handler` variable and the query uses it): `promql!` with the dashboard's variables
/// bound, so that a panel writes only its PromQL. Errors still point at the literal.
macro_rules! selected {
    ($v:ident, $query:literal) => {
        dashboard_dsl::query::PromQuery::new(dashboard_dsl::promql!(
            $query,
            job = $v.job,
            instance = $v.instance
        ))
    };
    ($v:ident, $query:literal, handler) => {
        dashboard_dsl::query::PromQuery::new(dashboard_dsl::promql!(
            $query,
            job = $v.job,
            instance = $v.instance,
            handler = $v.handler
        ))
    };
}

pub mod http;
pub mod runtime;

/// Every dashboard of the repository, unbuilt: building runs layout and lint.
pub fn all() -> Vec<dashboard_dsl::Dashboard> {
    vec![http::dashboard(), runtime::dashboard()]
}

/// The Grafana folder the dashboards go in (and the directory under `dist/dashboards/`).
pub fn folder() -> Folder {
    Folder::new("services", "Services")
}

/// What both dashboards share: the folder, a 3-hour range refreshed every 30 s, a shared
/// crosshair, a link to the other dashboard, and panels that must be complete (description,
/// unit, thresholds) or the build fails.
///
/// ```
/// let d = service_dashboards::service_dashboard("a", "A", "What A shows.", &["http"], ("b", "B"));
/// assert_eq!(d.build().unwrap().model.links.len(), 1);
/// ```
pub fn service_dashboard(
    uid: &str,
    title: &str,
    description: &str,
    tags: &[&str],
    (other_uid, other_title): (&str, &str),
) -> Dashboard {
    Dashboard::new(uid, title)
        .deny_incomplete_panels()
        .description(description)
        .tags(tags)
        .folder(folder())
        .time("now-3h", "now")
        .refresh("30s")
        .graph_tooltip(GraphTooltip::SharedCrosshair)
        .link(DashLink::to_dashboard(other_uid, other_title))
}

/// A time series from zero: the shape of most panels here. The query brings its legend.
///
/// ```
/// use dashboard_dsl::{datasource::Prometheus, query::PromQuery, variable::DatasourceVar, Unit};
/// let ds = DatasourceVar::<Prometheus>::new("prometheus");
/// let p = service_dashboards::series(
///     "up", "Up", "Scraped targets.", Unit::Short, service_dashboards::no_level(),
///     &ds, PromQuery::new(dashboard_dsl::promql!("up")).legend("{{instance}}"),
/// );
/// assert_eq!(p.into_spec().model().title, "Up");
/// ```
pub fn series(
    key: impl IntoPanelKey,
    title: &str,
    description: &str,
    unit: Unit,
    levels: Thresholds,
    ds: &DatasourceVar<Prometheus>,
    query: PromQuery,
) -> Panel<TimeseriesOptions> {
    panel::timeseries(key, title)
        .description(description)
        .unit(unit)
        .min(0.0)
        .thresholds(levels)
        .query(ds, query)
}

/// For values with no bad level of their own (rates, volumes): one base colour, so that
/// Grafana's default (red at 80) does not colour 80 requests per second red. The panel's
/// description says what to compare the value with.
pub fn no_level() -> Thresholds {
    thresholds("green", &[])
}

/// Counts where any is worth a look (instances down, restarts, leaks).
pub fn any_is_bad() -> Thresholds {
    thresholds("green", &[(1.0, "red")])
}
