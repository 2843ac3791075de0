//! Faults: 5xx then success, 429 with Retry-After, dropped connections, a server slower
//! than the timeout, retries running out. Each asserts what the user sees and that
//! nothing was lost or written twice.

use crate::push_support;

use std::time::{Duration, Instant};

use dashboard_sync::push::Outcome;
use dashboard_sync::PushOptions;
use integration_tests::grafana::{Fault, StandIn};
use push_support::*;
use test_support::eventually::eventually;

fn status(status: u16) -> Fault {
    Fault::Status {
        status,
        retry_after: None,
    }
}

#[test]
fn a_500_then_success_is_retried() {
    let g = StandIn::start();
    g.inject("POST", "/api/dashboards/db", status(500), 2);
    let (c, log) = logging_client(&g.url(), client(&g).config().credentials.clone());
    let r = push(&c, &many(1, 1), &PushOptions::default());
    assert_eq!(
        outcome_of(&r, "d-000"),
        &Outcome::Created { version: 1 },
        "{}",
        text(&r)
    );
    assert_eq!(g.count("POST", "/api/dashboards/db"), 3);
    assert_eq!(g.saves(), 1);
    assert_eq!(g.pending_faults(), 0);
    let log = log.lock().unwrap().join("\n");
    assert!(log.contains("POST /api/dashboards/db -> 500"), "{log}");
    assert!(
        log.contains("POST /api/dashboards/db: 500, retrying in"),
        "{log}"
    );
}

#[test]
fn a_503_on_a_read_is_retried_too() {
    let g = StandIn::start();
    g.inject("GET", "/api/dashboards/uid/", status(503), 1);
    let r = push(&client(&g), &many(1, 1), &PushOptions::default());
    assert!(r.success(), "{}", text(&r));
}

#[test]
fn a_429_waits_as_long_as_retry_after_says() {
    let g = StandIn::start();
    g.inject(
        "POST",
        "/api/dashboards/db",
        Fault::Status {
            status: 429,
            retry_after: Some(1),
        },
        1,
    );
    let started = Instant::now();
    let r = push(&client(&g), &many(1, 1), &PushOptions::default());
    assert!(r.success(), "{}", text(&r));
    // The backoff alone would be ~20 ms: the second came from Retry-After.
    assert!(
        started.elapsed() >= Duration::from_secs(1),
        "{:?}",
        started.elapsed()
    );
    assert_eq!(g.saves(), 1);
}

#[test]
fn a_retry_after_longer_than_we_wait_fails_clearly() {
    let g = StandIn::start();
    g.inject(
        "POST",
        "/api/dashboards/db",
        Fault::Status {
            status: 429,
            retry_after: Some(3600),
        },
        1,
    );
    let started = Instant::now();
    let r = push(&client(&g), &many(1, 1), &PushOptions::default());
    assert!(started.elapsed() < Duration::from_secs(5));
    let Outcome::Failed { error } = outcome_of(&r, "d-000") else {
        panic!("{}", text(&r))
    };
    assert!(error.contains("429"), "{error}");
    assert!(
        error.contains("Grafana asked to wait 3600 s; try again later"),
        "{error}"
    );
    assert_eq!(g.saves(), 0);
}

#[test]
fn a_connection_dropped_before_the_write_is_retried() {
    let g = StandIn::start();
    g.inject("POST", "/api/dashboards/db", Fault::Close, 1);
    let r = push(&client(&g), &many(1, 1), &PushOptions::default());
    assert_eq!(
        outcome_of(&r, "d-000"),
        &Outcome::Created { version: 1 },
        "{}",
        text(&r)
    );
    assert_eq!(g.saves(), 1);
}

#[test]
fn a_connection_dropped_after_the_write_landed_is_recognised_as_ours() {
    let g = StandIn::start();
    let c = client(&g);
    push(&c, &many(1, 1), &PushOptions::default());
    // The update lands, the answer is lost; the retry is refused (412, the version
    // moved), and push finds its own content there: written once, not a conflict.
    g.inject("POST", "/api/dashboards/db", Fault::ApplyThenClose, 1);
    let r = push(&c, &many(1, 2), &PushOptions::default());
    assert_eq!(
        outcome_of(&r, "d-000"),
        &Outcome::Updated {
            from: 1,
            to: 2,
            forced: false
        },
        "{}",
        text(&r)
    );
    let d = g.dashboard("d-000").unwrap();
    assert_eq!(d.version, 2, "exactly one new version");
    assert_eq!(d.history.len(), 2);
    // A create whose answer is lost works the same way.
    g.inject("POST", "/api/dashboards/db", Fault::ApplyThenClose, 1);
    let r = push(
        &c,
        &[dashboard("fresh", "Fresh", 1)],
        &PushOptions::default(),
    );
    assert_eq!(
        outcome_of(&r, "fresh"),
        &Outcome::Created { version: 1 },
        "{}",
        text(&r)
    );
}

#[test]
fn a_server_slower_than_the_timeout_is_retried() {
    let g = StandIn::start();
    let mut cfg = config(&g.url(), client(&g).config().credentials.clone());
    cfg.timeout = Duration::from_millis(300);
    let c = dashboard_sync::GrafanaClient::new(cfg).unwrap();
    g.inject(
        "GET",
        "/api/dashboards/uid/",
        Fault::Delay(Duration::from_secs(2)),
        1,
    );
    let started = Instant::now();
    let r = push(&c, &many(1, 1), &PushOptions::default());
    assert_eq!(
        outcome_of(&r, "d-000"),
        &Outcome::Created { version: 1 },
        "{}",
        text(&r)
    );
    assert!(
        started.elapsed() < Duration::from_secs(2),
        "did not wait for the slow answer"
    );
}

#[test]
fn a_slow_write_that_lands_late_is_not_written_twice() {
    let g = StandIn::start();
    let mut cfg = config(&g.url(), client(&g).config().credentials.clone());
    cfg.timeout = Duration::from_millis(300);
    let c = dashboard_sync::GrafanaClient::new(cfg).unwrap();
    push(&c, &many(1, 1), &PushOptions::default());
    // The first write times out but is applied after a second; the retry lands first.
    g.inject(
        "POST",
        "/api/dashboards/db",
        Fault::Delay(Duration::from_secs(1)),
        1,
    );
    let r = push(&c, &many(1, 2), &PushOptions::default());
    assert!(
        matches!(outcome_of(&r, "d-000"), Outcome::Updated { .. }),
        "{}",
        text(&r)
    );
    eventually(
        Duration::from_secs(10),
        "the late write to land",
        || match (g.pending_faults(), g.delayed()) {
            (0, 0) => Ok(()),
            (pending, delayed) => Err(format!("{pending} faults pending, {delayed} delayed")),
        },
    );
    // The late one carried the old version and was refused: still one new version.
    let d = g.dashboard("d-000").unwrap();
    assert_eq!(d.version, 2);
}

#[test]
fn when_retries_run_out_the_summary_says_exactly_what_was_written() {
    let g = StandIn::start();
    // Four 502s for the first write to arrive: all its attempts fail.
    g.inject("POST", "/api/dashboards/db", status(502), 4);
    let opts = PushOptions {
        concurrency: 1,
        ..PushOptions::default()
    };
    let r = push(&client(&g), &many(3, 1), &opts);
    assert!(!r.success());
    let failed: Vec<&str> = r
        .in_group("failed")
        .iter()
        .map(|d| d.uid.as_str())
        .collect();
    let written: Vec<&str> = r
        .in_group("written")
        .iter()
        .map(|d| d.uid.as_str())
        .collect();
    assert_eq!(failed, ["d-000"]);
    assert_eq!(written, ["d-001", "d-002"]);
    let Outcome::Failed { error } = outcome_of(&r, "d-000") else {
        panic!()
    };
    assert_eq!(
        error,
        "saving dashboard d-000: Grafana answered 502: injected fault (gave up after 4 attempts)"
    );
    let t = text(&r);
    assert!(t.contains("written (2):\n  created  d-001"), "{t}");
    assert!(
        t.contains("failed (1):\n  d-000 \"Dashboard 000\": saving dashboard d-000"),
        "{t}"
    );
    assert!(
        t.ends_with("push: 2 written, 0 unchanged, 0 conflicted, 1 failed\n"),
        "{t}"
    );
    assert!(g.dashboard("d-000").is_none());
}

#[test]
fn other_4xx_are_not_retried() {
    let g = StandIn::start();
    g.inject("POST", "/api/dashboards/db", status(400), 1);
    let r = push(&client(&g), &many(1, 1), &PushOptions::default());
    assert!(matches!(outcome_of(&r, "d-000"), Outcome::Failed { .. }));
    assert_eq!(g.count("POST", "/api/dashboards/db"), 1);
}

#[test]
fn transport_failures_on_every_attempt_name_the_operation() {
    let g = StandIn::start();
    g.inject("GET", "/api/dashboards/uid/d-000", Fault::Close, 10);
    let r = push(&client(&g), &many(2, 1), &PushOptions::default());
    let Outcome::Failed { error } = outcome_of(&r, "d-000") else {
        panic!("{}", text(&r))
    };
    assert!(
        error.starts_with("reading dashboard d-000: connection closed"),
        "{error}"
    );
    assert!(error.contains("gave up after 4 attempts"), "{error}");
    assert!(matches!(outcome_of(&r, "d-001"), Outcome::Created { .. }));
}
