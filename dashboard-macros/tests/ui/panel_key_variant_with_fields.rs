use dashboard_macros::PanelKey;

#[derive(PanelKey)]
enum ExecutorPanels {
    GcTime,
    Executor(u32),
    #[key = ""]
    Empty,
}

fn main() {}
