//! The dashboards against their surroundings: recipes, Grafana's schemas, provisioning/,
//! their alerts against promtool and the Prometheus Operator's CRD, and the Alertmanager
//! configuration against amtool.

mod alertmanager;
mod alerts;
mod grafana_schema;
mod grafana_schema_v2;
mod provisioning_dashboards;
mod provisioning_datasources;
mod provisioning_kubernetes;
mod recipes;

/// Fails the test with every problem found, one per line, so one run shows them all.
fn fail_on(errors: Vec<String>) {
    assert!(
        errors.is_empty(),
        "{} problem(s):\n  {}",
        errors.len(),
        errors.join("\n  ")
    );
}
