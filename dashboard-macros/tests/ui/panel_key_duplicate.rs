use dashboard_macros::PanelKey;

#[derive(PanelKey)]
enum ExecutorPanels {
    GcTime,
    ActiveTasks,
    #[key = "gc_time"]
    Gc,
}

fn main() {}
