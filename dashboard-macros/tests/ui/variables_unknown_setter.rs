use dashboard_dsl::variable::QueryVar;
use dashboard_macros::Variables;

#[derive(Variables)]
struct Vars {
    #[variable(mutli)]
    app: QueryVar,
}

fn main() {
    let _ = Vars::new();
}
