//! spark-exporter's provisioning (the real-Spark exporter test is in e2e).

mod exporter_provisioning;
