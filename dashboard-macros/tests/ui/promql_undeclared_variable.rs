use dashboard_dsl::variable::QueryVar;
use dashboard_macros::promql;

fn main() {
    let app = QueryVar::new("app");
    let executor = QueryVar::new("executor");
    let _ = promql!(
        r#"metrics_executor_activeTasks{application_name=~"$apps", executor_id=~"$executor"} or on() metrics_executor_activeTasks{application_name=~"$app"}"#,
        app = app,
        executor = executor,
    );
}
