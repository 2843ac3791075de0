use dashboard_dsl::panel;

fn main() {
    // Units are a typed enum: a free string does not compile.
    let _ = panel::timeseries("gc", "GC").unit("percentunit");
}
