//! Builds, lints and serialises one dashboard of 1,000 timeseries panels (each with a PromQL
//! query, a unit, thresholds and automatic layout), and compares it with serde_json
//! pretty-printing the equivalent JSON, already in memory as a `serde_json::Value`.
//!
//! Run: `cargo bench -p dashboard-dsl --bench build`. A plain bench binary rather than
//! criterion keeps the workspace's compile time down on 2-core machines; it reports the
//! median of many runs after a warm-up.
//!
//! Times move with the machine's load; instruction counts do not. Each measured step is a
//! function of its own (`dsl_macro`, `dsl_strings`, `serde_baseline`), so callgrind can count
//! one of them alone:
//! `valgrind --tool=callgrind --toggle-collect='build::dsl_macro' <bench binary>`.

use std::hint::black_box;
use std::time::{Duration, Instant};

use dashboard_dsl::datasource::Prometheus;
use dashboard_dsl::field::thresholds;
use dashboard_dsl::query::{PromQl, PromQuery};
use dashboard_dsl::variable::{DatasourceVar, QueryVar};
use dashboard_dsl::{panel, Dashboard, Row, Unit};
use dashboard_macros::promql;

const PANELS: usize = 1_000;

/// How each panel's query is written.
#[derive(Clone, Copy)]
enum Queries {
    /// `promql!`: parsed at compile time, so the lint has nothing left to parse.
    Macro,
    /// Strings built at run time (each one different), parsed by the lint.
    Runtime,
}

fn dashboard(queries: Queries) -> Dashboard {
    let prom = DatasourceVar::<Prometheus>::new("prometheus");
    let app = QueryVar::new("app")
        .datasource(&prom)
        .query("label_values(metrics_executor_activeTasks, application_name)");
    let mut d = Dashboard::new("bench", "Bench")
        .variable(&prom)
        .variable(&app);
    let mut row = Row::new("Row 0");
    for i in 0..PANELS {
        if i % 50 == 0 && i > 0 {
            d = d.row(row);
            row = Row::new(&format!("Row {}", i / 50));
        }
        let p = panel::timeseries(format!("panel_{i}"), &format!("Panel {i}"))
            .width([6, 8, 12, 24][i % 4])
            .unit(Unit::Seconds)
            .thresholds(thresholds("green", &[(0.5, "orange"), (0.9, "red")]))
            .query(
                &prom,
                PromQuery::new(match queries {
                    Queries::Macro => promql!(
                        r#"sum by (executor_id) (rate(metrics_executor_totalGCTime_seconds_total{application_name=~"$app"}[$__rate_interval]))"#,
                        app = app
                    ),
                    Queries::Runtime => PromQl::new(format!(
                        r#"sum by (executor_id) (rate(metrics_executor_totalGCTime_seconds_total{{application_name=~"$app", n="{i}"}}[$__rate_interval]))"#
                    )),
                })
                .legend("{{executor_id}}"),
            );
        row = row.panel(p);
    }
    d.row(row)
}

fn median(mut samples: Vec<Duration>) -> Duration {
    samples.sort();
    samples[samples.len() / 2]
}

fn measure(iterations: usize, mut f: impl FnMut()) -> Duration {
    for _ in 0..3 {
        f();
    }
    median(
        (0..iterations)
            .map(|_| {
                let t = Instant::now();
                f();
                t.elapsed()
            })
            .collect(),
    )
}

/// Builds, lints and serialises the dashboard, queries written with `promql!`.
#[inline(never)]
fn dsl_macro() {
    dsl(Queries::Macro);
}

/// The same with run-time query strings, which the lint parses.
#[inline(never)]
fn dsl_strings() {
    dsl(Queries::Runtime);
}

fn dsl(queries: Queries) {
    let built = black_box(dashboard(queries))
        .build()
        .expect("bench dashboard lints clean");
    black_box(built.to_json());
}

/// serde_json pretty-printing the same JSON, as `to_json` writes it (with a final newline).
#[inline(never)]
fn serde_baseline(value: &serde_json::Value) {
    let mut s = serde_json::to_string_pretty(black_box(value)).expect("serialises");
    s.push('\n');
    black_box(s);
}

fn main() {
    // `cargo test --benches` runs this too; one iteration is enough to prove it works.
    let iterations = if std::env::args().any(|a| a == "--bench") {
        50
    } else {
        1
    };

    let with_macro = measure(iterations, dsl_macro);
    let with_strings = measure(iterations, dsl_strings);

    let json = dashboard(Queries::Macro)
        .build()
        .expect("lints clean")
        .to_json();
    let value: serde_json::Value = serde_json::from_str(&json).expect("valid JSON");
    let baseline = measure(iterations, || serde_baseline(&value));

    let ms = |d: Duration| d.as_secs_f64() * 1e3;
    let ratio = |d: Duration| d.as_secs_f64() / baseline.as_secs_f64();
    println!("{PANELS} timeseries panels, median of {iterations} runs:");
    println!(
        "  serde_json pretty-print of the same JSON ({} KiB): {:>7.2} ms",
        json.len() / 1024,
        ms(baseline)
    );
    println!(
        "  build+lint+serialise, promql! queries:           {:>7.2} ms ({:.2}x)",
        ms(with_macro),
        ratio(with_macro)
    );
    println!(
        "  build+lint+serialise, run-time query strings:    {:>7.2} ms ({:.2}x)",
        ms(with_strings),
        ratio(with_strings)
    );
}
