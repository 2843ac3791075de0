use dashboard_dsl::alert::AlertRule;
use dashboard_dsl::promql;

fn main() {
    // Nor does a severity written as a string.
    let _ = AlertRule::new("SparkJobFailed", "page", promql!("up == 0"));
}
