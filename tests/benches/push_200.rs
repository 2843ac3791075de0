//! Pushing 200 dashboards to the Grafana stand-in on loopback:
//! unchanged (goal: 0 writes, under 1 s) and changed.
//!
//! ```sh
//! cargo bench -p integration-tests --bench push_200
//! ```
//!
//! Each dashboard is the project's Spark overview (12 panels, 14 queries) under another
//! uid. Default client settings (4 in flight, 30 s timeout), as `cargo xtask dashboards
//! push` uses them. Median of 5 runs each.

use std::time::{Duration, Instant};

use dashboard_sync::{
    push, ClientConfig, Credentials, GrafanaClient, LocalDashboard, PushOptions, Secret,
};
use integration_tests::grafana::{StandIn, ADMIN_TOKEN};
use serde_json::json;

const N: usize = 200;
const RUNS: usize = 5;

fn dashboards(description: &str) -> Vec<LocalDashboard> {
    let overview = dashboards::all()
        .into_iter()
        .map(|d| d.build().expect("the dashboards build"))
        .find(|d| d.model.uid == "spark-overview")
        .expect("spark-overview is registered");
    let base = LocalDashboard::from_model(&overview.model, overview.folder.as_ref());
    (0..N)
        .map(|i| {
            let mut d = base.clone();
            d.uid = format!("bench-{i:03}");
            d.title = format!("Spark overview {i:03}");
            d.json["uid"] = json!(d.uid);
            d.json["title"] = json!(d.title);
            d.json["description"] = json!(description);
            d
        })
        .collect()
}

fn run(g: &StandIn, client: &GrafanaClient, local: &[LocalDashboard]) -> (Duration, usize) {
    let before = g.saves();
    let started = Instant::now();
    let report = push::push(client, local, &PushOptions::default(), &|_| {}).expect("push runs");
    let took = started.elapsed();
    assert!(
        report.success(),
        "{}",
        push::render_report(&report, dashboard_sync::render::Style::plain())
    );
    (took, g.saves() - before)
}

fn median(mut v: Vec<Duration>) -> Duration {
    v.sort();
    v[v.len() / 2]
}

fn main() {
    let g = StandIn::start();
    let client = GrafanaClient::new(ClientConfig::new(
        &g.url(),
        Credentials::Token(Secret::new(ADMIN_TOKEN)),
    ))
    .expect("client");

    let (created, writes) = run(&g, &client, &dashboards("run 0"));
    assert_eq!(writes, N);

    let mut unchanged = Vec::new();
    for _ in 0..RUNS {
        let (t, writes) = run(&g, &client, &dashboards("run 0"));
        assert_eq!(writes, 0, "unchanged dashboards must not be written");
        unchanged.push(t);
    }

    let mut changed = Vec::new();
    for k in 1..=RUNS {
        let (t, writes) = run(&g, &client, &dashboards(&format!("run {k}")));
        assert_eq!(writes, N);
        changed.push(t);
    }

    let ms = |d: Duration| format!("{:.0} ms", d.as_secs_f64() * 1000.0);
    println!("push of {N} dashboards (Spark overview, 12 panels each) to the stand-in, median of {RUNS}:");
    println!("| what | time | writes |");
    println!("|---|---|---|");
    println!("| first push, all created | {} | {N} |", ms(created));
    println!("| unchanged | {} | 0 |", ms(median(unchanged.clone())));
    println!("| all changed | {} | {N} |", ms(median(changed)));
    let worst = unchanged.iter().max().copied().unwrap_or_default();
    assert!(
        worst < Duration::from_secs(1),
        "unchanged push took {worst:?}, goal < 1 s"
    );
}
