use dashboard_dsl::datasource::Prometheus;
use dashboard_dsl::variable::{DatasourceVar, QueryVar};
use dashboard_macros::Variables;

#[derive(Variables)]
struct Vars {
    prometheus: DatasourceVar<Prometheus>,
    #[variable(datasource = promethues, query = "label_values(application_name)")]
    app: QueryVar,
}

fn main() {
    let _ = Vars::new();
}
