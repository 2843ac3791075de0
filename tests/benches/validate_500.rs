//! Validating 500 queries against a real Prometheus on loopback (goal: under 2 s on
//! 2 cores).
//!
//! ```sh
//! cargo bench -p integration-tests --bench validate_500
//! ```
//!
//! Prometheus scrapes a replay of the recorded `local-cluster` run through the contract's
//! scrape configuration. The 500 queries are the Prometheus queries of the project's
//! dashboards, repeated with distinct windows so Prometheus cannot answer from a cache,
//! with their variables resolved as in a real run. Default settings (8 in flight). Median of
//! 5 runs.

use std::time::{Duration, Instant};

use dashboard_validate::{validate, Options, Status};
use integration_tests::harness::{Prometheus, Replay};
use serde_json::{json, Value};

const QUERIES: usize = 500;
const RUNS: usize = 5;

/// One dashboard holding 500 Prometheus targets taken from the built dashboards.
fn workload() -> Value {
    let built: Vec<Value> = dashboards::all()
        .into_iter()
        .map(|d| serde_json::to_value(d.build().expect("dashboards build").model).unwrap())
        .collect();
    let mut exprs = Vec::new();
    for d in &built {
        for p in d["panels"].as_array().unwrap() {
            for t in p["targets"].as_array().into_iter().flatten() {
                if t["datasource"]["type"] == "prometheus" {
                    exprs.push((
                        t["expr"].as_str().unwrap().to_string(),
                        t["legendFormat"].clone(),
                    ));
                }
            }
        }
    }
    let panels: Vec<Value> = (0..QUERIES)
        .map(|i| {
            let (expr, legend) = &exprs[i % exprs.len()];
            // A distinct offset per repetition keeps every query string unique.
            let expr = expr.replace(
                "$__rate_interval]",
                &format!("$__rate_interval] offset {}ms", 1 + i / exprs.len()),
            );
            json!({
                "id": i + 1, "title": format!("Panel {i}"), "type": "timeseries",
                "datasource": {"type": "prometheus", "uid": "${prometheus}"},
                "targets": [{"refId": "A", "expr": expr, "legendFormat": legend}]
            })
        })
        .collect();
    let mut d = built[0].clone();
    d["uid"] = json!("bench");
    d["panels"] = json!(panels);
    d
}

fn main() {
    let replay = Replay::start("spark-4.3.0_local-cluster").expect("replay server");
    let prometheus =
        Prometheus::start(&[replay.target()], Duration::from_secs(1)).expect("prometheus");
    prometheus
        .wait_for(
            "count_over_time(metrics_executor_completedTasks_total[1m]) >= 6",
            3,
            Duration::from_secs(60),
        )
        .expect("scraped data");
    let dashboard = workload();
    let opts = Options {
        window: Duration::from_secs(600),
        scrape_interval: Duration::from_secs(1),
        ..Options::new(&prometheus.url)
    };
    let runs = if std::env::args().any(|a| a == "--bench") {
        RUNS
    } else {
        1
    };
    let mut times = Vec::new();
    let mut checked = 0;
    for _ in 0..runs {
        let t = Instant::now();
        let report = validate(std::slice::from_ref(&dashboard), &opts).expect("valid options");
        times.push(t.elapsed());
        checked = report
            .rows
            .iter()
            .filter(|r| r.status != Status::Skip && !r.panel.starts_with("variable "))
            .count();
        let failed: Vec<_> = report
            .rows
            .iter()
            .filter(|r| r.status == Status::Fail)
            .collect();
        assert!(failed.is_empty(), "{}", report.to_table());
    }
    times.sort();
    println!(
        "validate: {checked} queries against a local Prometheus in {:.0} ms (median of {runs})",
        times[times.len() / 2].as_secs_f64() * 1e3
    );
}
