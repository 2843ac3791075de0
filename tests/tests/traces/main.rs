//! spark-traces without Spark: export, follow, properties, provisioning, the dashboards' trace queries.

mod traces_dashboard;
mod traces_export;
mod traces_follow;
mod traces_props;
mod traces_provisioning;
mod traces_support;
