use dashboard_dsl::datasource::{Prometheus, Tempo};
use dashboard_dsl::panel;
use dashboard_dsl::query::TempoQuery;
use dashboard_dsl::variable::DatasourceVar;

fn main() {
    let prom = DatasourceVar::<Prometheus>::new("prometheus");
    let _tempo = DatasourceVar::<Tempo>::new("tempo");
    // A TraceQL query on a Prometheus datasource.
    let _ = panel::traces("spans", "Spans").query(&prom, TempoQuery::traceql("{}"));
}
