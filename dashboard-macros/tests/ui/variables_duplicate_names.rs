use dashboard_dsl::variable::QueryVar;
use dashboard_macros::Variables;

#[derive(Variables)]
struct Vars {
    app: QueryVar,
    #[variable(name = "app")]
    application: QueryVar,
}

fn main() {
    let _ = Vars::new();
}
