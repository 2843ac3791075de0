//! The dashboards against their surroundings: recipes, Grafana's schemas, provisioning/,
//! and their alerts against promtool and the Prometheus Operator's CRD.

mod alerts;
mod grafana_schema;
mod provisioning_dashboards;
mod provisioning_datasources;
mod provisioning_kubernetes;
mod recipes;
