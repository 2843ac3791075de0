use dashboard_dsl::variable::QueryVar;
use dashboard_macros::promql;

fn main() {
    let app = QueryVar::new("app");
    let _ = promql!(
        r#"metrics_executor_activeTasks{application_name=~"$app"}"#,
        app = app,
        app = app,
    );
}
