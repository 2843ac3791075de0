use dashboard_dsl::variable::QueryVar;
use dashboard_macros::Variables;

#[derive(Variables)]
struct Vars(QueryVar, QueryVar);

fn main() {
    let _ = Vars::new();
}
