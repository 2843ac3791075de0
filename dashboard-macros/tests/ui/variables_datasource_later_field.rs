use dashboard_dsl::datasource::Prometheus;
use dashboard_dsl::variable::{DatasourceVar, QueryVar};
use dashboard_macros::Variables;

#[derive(Variables)]
struct Vars {
    #[variable(datasource = prometheus, query = "label_values(application_name)")]
    app: QueryVar,
    prometheus: DatasourceVar<Prometheus>,
}

fn main() {
    let _ = Vars::new();
}
