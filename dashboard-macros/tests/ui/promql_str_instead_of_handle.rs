use dashboard_macros::promql;

fn main() {
    let _ = promql!(
        r#"metrics_executor_activeTasks{application_name=~"$app"}"#,
        app = "app",
    );
}
