//! The typed model of what Grafana stores for a dashboard: plain serde types that write
//! Grafana's JSON and read it back, nothing about how dashboards are written (that is
//! `dashboard-dsl`) or sent (`dashboard-sync`).
//!
//! - [`model`]: the dashboard JSON, from [`DashboardModel`] down to a threshold step.
//! - [`options`]: each visualisation's typed `options`.
//! - [`Unit`]: Grafana's field units, the listed ones typed and any other id kept as written.
//! - [`read`]: [`DashboardModel::from_json`], whose error names the dashboard, panel,
//!   query or variable and field that did not read.
//! - [`Folder`]: where a dashboard goes, which is not part of its JSON.
//! - [`rules`]: Prometheus rule files (alerting and recording rules) and the Prometheus
//!   Operator's `PrometheusRule`, what Prometheus stores beside the dashboards.
//! - [`v2`]: schema v2, the `dashboard.grafana.app` resource Grafana 12 and 13 store, and
//!   [`v2::from_v1`], the conversion Grafana applies to a v1 dashboard.
//!
//! ```
//! use dashboard_model::{model::DashboardModel, Folder};
//! let d = DashboardModel { uid: "demo".into(), title: "Demo".into(), ..DashboardModel::default() };
//! assert_eq!(d.uid, "demo");
//! assert_eq!(Folder::new("spark", "Spark").title, "Spark");
//! ```

pub mod model;
pub mod options;
pub mod read;
pub mod rules;
pub mod unit;
pub mod v2;

#[cfg(test)]
mod proptests;

pub use model::{DashboardModel, Panels, SCHEMA_VERSION};
pub use read::ReadError;
pub use unit::{CustomForm, CustomUnit, Unit, UnitError};

/// The Grafana folder a dashboard belongs in. Not part of the dashboard JSON: a build
/// writes it as the file's subdirectory and a push creates it by uid.
///
/// ```
/// let f = dashboard_model::Folder::new("spark", "Spark");
/// assert_eq!(f.uid, "spark");
/// assert_eq!(f.parent("platform").parent_uid.as_deref(), Some("platform"));
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Folder {
    /// Folder uid.
    pub uid: String,
    /// Folder title, also the directory name.
    pub title: String,
    /// The parent folder's uid, for nested folders.
    pub parent_uid: Option<String>,
}

impl Folder {
    /// A top-level folder.
    pub fn new(uid: &str, title: &str) -> Self {
        Folder {
            uid: uid.to_string(),
            title: title.to_string(),
            parent_uid: None,
        }
    }

    /// Nest under another folder.
    pub fn parent(mut self, uid: &str) -> Self {
        self.parent_uid = Some(uid.to_string());
        self
    }
}
