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

use dashboard_dsl::field::thresholds;
use dashboard_dsl::model::Thresholds;
use dashboard_dsl::Folder;

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
