//! The Spark dashboards, written in `dashboard-dsl` on metrics a real Spark exposes.
//!
//! Each module defines one dashboard; [`all`] is the registry `cargo xtask dashboards build`
//! compiles.
//!
//! ```
//! let uids: Vec<String> = dashboards::all().into_iter().map(|d| d.build().unwrap().model.uid).collect();
//! assert!(uids.contains(&"spark-overview".to_string()));
//! ```

use dashboard_dsl::{Dashboard, Folder};

pub mod common;
pub mod panels;
pub mod spark_job_tracing;
pub mod spark_overview;
pub mod spark_profiling;

/// The folder every Spark dashboard lives in.
pub fn spark_folder() -> Folder {
    Folder::new("spark", "Spark")
}

/// Every dashboard of the project, unbuilt: building runs layout and lint.
pub fn all() -> Vec<Dashboard> {
    vec![
        spark_job_tracing::dashboard(),
        spark_overview::dashboard(),
        spark_profiling::dashboard(),
    ]
}
