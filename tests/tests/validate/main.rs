//! dashboard-validate against a real Prometheus (replayed Spark run) and faulty servers.

mod validate_prometheus;
mod validate_rules;
