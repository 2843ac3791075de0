use dashboard_macros::promql;

fn main() {
    let query = "metrics_executor_activeTasks";
    let _ = promql!(query);
}
