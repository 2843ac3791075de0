use dashboard_dsl::variable::QueryVar;
use dashboard_macros::promql;

fn main() {
    let app = QueryVar::new("app");
    let _ = promql!(
        r#"sum by (executor_id) rate(metrics_executor_totalGCTime_seconds_total{application_name=~"$app"}[5m])"#,
        app = app,
    );
}
