//! The dashboards against their surroundings: recipes, Grafana's schemas, provisioning/.

mod grafana_schema;
mod provisioning_dashboards;
mod provisioning_datasources;
mod provisioning_kubernetes;
mod recipes;
