//! Push through Grafana's app-platform API (`dashboard.grafana.app`) against the
//! stand-in in its three modes: Grafana 11 (legacy only), 12 (v1beta1) and 13 (v1).

use crate::push_support;

use dashboard_sync::apis::ApiChoice;
use dashboard_sync::content::MARKER_FIELD;
use dashboard_sync::push::Outcome;
use dashboard_sync::{Credentials, GrafanaClient, PushOptions, Secret};
use integration_tests::grafana::{Fault, Flavor, StandIn};
use push_support::*;

const COLLECTION: &str = "/apis/dashboard.grafana.app/";

#[test]
fn first_push_writes_everything_second_writes_nothing_in_each_mode() {
    for flavor in [Flavor::Grafana11, Flavor::Grafana12, Flavor::Grafana13] {
        let g = StandIn::start_with(flavor);
        let local = many(3, 1);
        let r = push(&client(&g), &local, &PushOptions::default());
        assert!(r.success(), "{flavor:?}: {}", text(&r));
        assert_eq!(g.saves(), 3, "{flavor:?}");
        let through_apis = g.count("POST", COLLECTION);
        let through_legacy = g.count("POST", "/api/dashboards/db");
        match flavor {
            Flavor::Grafana11 => assert_eq!((through_apis, through_legacy), (0, 3)),
            _ => assert_eq!((through_apis, through_legacy), (3, 0), "{flavor:?}"),
        }
        if flavor != Flavor::Grafana11 {
            let stored = g.dashboard("d-000").unwrap();
            // The checksum is an annotation now, the spec stays clean.
            assert!(stored.json.get(MARKER_FIELD).is_none(), "{}", stored.json);
            let a = &stored.annotations;
            assert_eq!(a["grafana.app/managedBy"], "kubectl");
            assert_eq!(a["grafana.app/managerId"], "dashboards-as-code");
            assert_eq!(a["grafana.app/managerAllowsEdits"], "true");
            assert!(a["grafana.app/sourceChecksum"].starts_with("sha256:"));
            assert_eq!(stored.folder_uid.as_deref(), Some("spark"));
            assert!(stored.history[0].message.contains("[sha256:"));
        }
        g.reset_counters();
        let again = push(&client(&g), &local, &PushOptions::default());
        assert!(again.success(), "{}", text(&again));
        assert_eq!(
            g.saves(),
            0,
            "{flavor:?}: the second push must write nothing"
        );
        for d in &local {
            assert_eq!(
                outcome_of(&again, &d.uid),
                &Outcome::Unchanged { version: 1 }
            );
        }
        // A change updates with PUT and the resourceVersion read.
        let changed = many(3, 2);
        let third = push(&client(&g), &changed, &PushOptions::default());
        assert!(third.success(), "{}", text(&third));
        if flavor != Flavor::Grafana11 {
            assert_eq!(g.count("PUT", COLLECTION), 3);
        }
    }
}

#[test]
fn an_edit_between_read_and_write_gets_409_and_a_clear_refusal() {
    let g = StandIn::start_with(Flavor::Grafana13);
    let local = many(1, 1);
    assert!(push(&client(&g), &local, &PushOptions::default()).success());
    g.inject("PUT", COLLECTION, Fault::ConcurrentEdit, 1);
    let r = push(&client(&g), &many(1, 2), &PushOptions::default());
    let Outcome::Concurrent { status, message } = outcome_of(&r, "d-000") else {
        panic!("expected a refusal: {}", text(&r));
    };
    assert_eq!(*status, 409);
    assert!(message.contains("nothing was overwritten"), "{message}");
    assert!(!r.success());
    let stored = g.dashboard("d-000").unwrap();
    assert_eq!(stored.json["description"], "edited concurrently in the UI");
}

#[test]
fn dry_run_is_grafanas_and_writes_nothing() {
    let g = StandIn::start_with(Flavor::Grafana12);
    let opts = PushOptions {
        dry_run: true,
        ..PushOptions::default()
    };
    let mut local = many(2, 1);
    let r = push(&client(&g), &local, &opts);
    assert!(r.success(), "{}", text(&r));
    assert_eq!(g.count("POST", COLLECTION), 2, "each validated by Grafana");
    assert_eq!((g.saves(), g.uids().len()), (0, 0));
    // What Grafana refuses in the dry run is reported, not planned as fine.
    local[1].json["title"] = serde_json::json!("");
    let r = push(&client(&g), &local, &opts);
    let Outcome::Failed { error } = outcome_of(&r, "d-001") else {
        panic!("{}", text(&r));
    };
    assert!(
        error.contains("dry run") && error.contains("title"),
        "{error}"
    );
    assert_eq!(g.saves(), 0);
}

#[test]
fn a_bad_token_fails_without_printing_it() {
    let g = StandIn::start_with(Flavor::Grafana13);
    let token = "glsa_wrong_secret_token_4242";
    let c = GrafanaClient::new(config(&g.url(), Credentials::Token(Secret::new(token)))).unwrap();
    let e = dashboard_sync::push::push(&c, &many(1, 1), &PushOptions::default(), &|_| {})
        .unwrap_err()
        .to_string();
    assert!(!e.contains(token), "{e}");
    assert!(
        e.to_lowercase().contains("401") || e.to_lowercase().contains("token"),
        "{e}"
    );
    assert_eq!(g.saves(), 0);
}

#[test]
fn a_5xx_storm_fails_clearly_and_reports_nothing_as_written() {
    let g = StandIn::start_with(Flavor::Grafana13);
    g.inject(
        "POST",
        COLLECTION,
        Fault::Status {
            status: 503,
            retry_after: None,
        },
        100,
    );
    let r = push(&client(&g), &many(2, 1), &PushOptions::default());
    assert!(!r.success());
    for uid in ["d-000", "d-001"] {
        let Outcome::Failed { error } = outcome_of(&r, uid) else {
            panic!("{}", text(&r));
        };
        assert!(error.contains("503") && error.contains(uid), "{error}");
    }
    assert_eq!(g.saves(), 0);
}

#[test]
fn invalid_uid_and_unknown_folder_are_refused_before_writing() {
    let g = StandIn::start_with(Flavor::Grafana13);
    let mut bad = dashboard("bad uid", "Bad", 1);
    bad.json["uid"] = serde_json::json!("bad uid");
    let r = push(&client(&g), &[bad], &PushOptions::default());
    assert!(
        matches!(outcome_of(&r, "bad uid"), Outcome::Failed { error } if error.contains("uid")),
        "{}",
        text(&r)
    );
    let opts = PushOptions {
        folder_override: Some("nope".into()),
        ..PushOptions::default()
    };
    let e = dashboard_sync::push::push(&client(&g), &many(1, 1), &opts, &|_| {}).unwrap_err();
    assert!(e.to_string().contains("\"nope\""), "{e}");
    assert_eq!(g.saves(), 0);
}

#[test]
fn api_choice_against_grafana_11() {
    let g = StandIn::start_with(Flavor::Grafana11);
    let apis = PushOptions {
        api: ApiChoice::Apis,
        ..PushOptions::default()
    };
    let e = dashboard_sync::push::push(&client(&g), &many(1, 1), &apis, &|_| {})
        .unwrap_err()
        .to_string();
    assert!(
        e.contains("--api auto") && e.contains("dashboard.grafana.app"),
        "{e}"
    );
    assert_eq!(g.saves(), 0);
    let r = push(&client(&g), &many(1, 1), &PushOptions::default());
    assert!(r.success());
    assert_eq!(
        g.count("POST", "/api/dashboards/db"),
        1,
        "auto falls back to legacy"
    );
    // --api legacy on a 13 never asks /apis.
    let g = StandIn::start_with(Flavor::Grafana13);
    let legacy = PushOptions {
        api: ApiChoice::Legacy,
        ..PushOptions::default()
    };
    assert!(push(&client(&g), &many(1, 1), &legacy).success());
    assert_eq!(
        (
            g.count("GET", "/apis"),
            g.count("POST", "/api/dashboards/db")
        ),
        (0, 1)
    );
}

#[test]
fn lock_leaves_out_manager_allows_edits() {
    let g = StandIn::start_with(Flavor::Grafana13);
    let opts = PushOptions {
        lock: true,
        ..PushOptions::default()
    };
    assert!(push(&client(&g), &many(1, 1), &opts).success());
    let a = g.dashboard("d-000").unwrap().annotations;
    assert!(!a.contains_key("grafana.app/managerAllowsEdits"), "{a:?}");
}

#[test]
fn diff_reads_through_the_same_api() {
    use dashboard_sync::diff::{diff_dashboard, DiffDoc};
    let g = StandIn::start_with(Flavor::Grafana13);
    let local = many(1, 1);
    assert!(push(&client(&g), &local, &PushOptions::default()).success());
    let c = client(&g);
    dashboard_sync::push::choose_api(&c, ApiChoice::Auto, None).unwrap();
    assert_eq!(c.app_platform().map(|t| t.version.as_str()), Some("v1"));
    let doc = |json| DiffDoc {
        uid: "d-000".into(),
        folder: None,
        json,
    };
    let read = c.get_dashboard("d-000").unwrap().unwrap();
    assert_eq!(read.folder_uid.as_deref(), Some("spark"));
    let same = diff_dashboard(&doc(local[0].json.clone()), &doc(read.dashboard)).unwrap();
    assert!(
        same.is_none(),
        "what push wrote reads back unchanged: {same:?}"
    );
    g.ui_edit("d-000", false, |d| {
        d["title"] = serde_json::json!("Edited in the UI")
    });
    let edited = c.get_dashboard("d-000").unwrap().unwrap();
    let drift = diff_dashboard(&doc(local[0].json.clone()), &doc(edited.dashboard)).unwrap();
    assert!(
        format!("{drift:?}").contains("Edited in the UI"),
        "{drift:?}"
    );
}

#[test]
fn two_pushes_racing_get_one_409() {
    let g = StandIn::start_with(Flavor::Grafana12);
    assert!(push(&client(&g), &many(1, 1), &PushOptions::default()).success());
    // Both read the same resourceVersion; the writes are held until both have read.
    g.inject(
        "PUT",
        COLLECTION,
        Fault::Delay(std::time::Duration::from_millis(300)),
        2,
    );
    let (a, b) = std::thread::scope(|s| {
        let a = s.spawn(|| push(&client(&g), &many(1, 2), &PushOptions::default()));
        let b = s.spawn(|| push(&client(&g), &many(1, 3), &PushOptions::default()));
        (a.join().unwrap(), b.join().unwrap())
    });
    let outcomes = [outcome_of(&a, "d-000"), outcome_of(&b, "d-000")];
    let updated = outcomes
        .iter()
        .filter(|o| matches!(o, Outcome::Updated { .. }))
        .count();
    let refused = outcomes
        .iter()
        .filter(|o| matches!(o, Outcome::Concurrent { status: 409, .. }))
        .count();
    assert_eq!((updated, refused), (1, 1), "{}\n{}", text(&a), text(&b));
    assert_eq!(g.dashboard("d-000").unwrap().version, 2, "one write landed");
}
