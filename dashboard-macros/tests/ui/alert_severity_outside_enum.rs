use dashboard_dsl::alert::{AlertRule, Severity};
use dashboard_dsl::promql;

fn main() {
    // Severities are a typed enum of three: another one does not compile.
    let _ = AlertRule::new("SparkJobFailed", Severity::Fatal, promql!("up == 0"));
}
