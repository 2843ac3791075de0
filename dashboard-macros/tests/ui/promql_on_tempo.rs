use dashboard_dsl::datasource::{Datasource, Tempo};
use dashboard_dsl::panel;
use dashboard_dsl::query::PromQuery;

fn main() {
    let tempo = Datasource::<Tempo>::uid("tempo");
    let _ = panel::timeseries("up", "Up").query(&tempo, PromQuery::new("up"));
}
