//! Integration tests (in `tests/`) and what they run against: [`harness`] starts a real
//! Prometheus configured by the metrics contract, a real Spark or a replay of a recorded
//! run; [`grafana`] is a strict stand-in for Grafana's HTTP API.

pub mod harness;

/// The Spark rule files, written for a test's Prometheus to load.
pub mod rules;

/// The YAML under `provisioning/`, and the Kubernetes validators.
pub mod manifests;

/// A strict stand-in for Grafana's HTTP API, with fault injection, for push and diff tests.
pub mod grafana;
