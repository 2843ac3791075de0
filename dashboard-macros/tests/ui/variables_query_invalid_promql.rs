use dashboard_dsl::variable::QueryVar;
use dashboard_macros::Variables;

#[derive(Variables)]
struct Vars {
    app: QueryVar,
    #[variable(
        query = r#"label_values(metrics_executor_activeTasks{application_name=~"$app", executor_id)"#
    )]
    executor: QueryVar,
}

fn main() {
    let _ = Vars::new();
}
