//! Never clobber edits made in Grafana: UI edits between pushes, edits between our read
//! and our write, and newer Grafana's 409.

use crate::push_support;

use dashboard_sync::content::MARKER_FIELD;
use dashboard_sync::push::Outcome;
use dashboard_sync::PushOptions;
use integration_tests::grafana::{Fault, Flavor, StandIn};
use push_support::*;
use serde_json::json;

fn rename_first_panel(d: &mut serde_json::Value) {
    d["panels"][1]["title"] = json!("Active tasks (edited in the UI)");
}

#[test]
fn an_edit_in_the_ui_between_two_pushes_is_refused_and_kept() {
    let g = StandIn::start();
    let c = client(&g);
    push(&c, &many(2, 1), &PushOptions::default());
    // The UI's editor drops fields it does not know: our marker is gone.
    let edited_version = g.ui_edit("d-000", false, rename_first_panel);
    let edited = g.dashboard("d-000").unwrap();
    assert!(edited.json.get(MARKER_FIELD).is_none());
    g.reset_counters();

    // Unchanged locally, and changed locally: both refused.
    for local in [many(2, 1), many(2, 2)] {
        let r = push(&c, &local, &PushOptions::default());
        assert!(!r.success());
        let Outcome::Conflict {
            reason,
            version,
            drift,
        } = outcome_of(&r, "d-000")
        else {
            panic!("{}", text(&r))
        };
        assert_eq!(*version, edited_version);
        assert!(reason.contains("saved from the Grafana UI"), "{reason}");
        assert!(reason.contains("--force"), "{reason}");
        let drift = drift.as_ref().expect("a drift diff");
        assert!(drift
            .panels
            .iter()
            .any(|p| p.title == "Active tasks (edited in the UI)"));
        let t = text(&r);
        assert!(
            t.contains("conflicted (1):\n  d-000 \"Dashboard 000\": version 2 in Grafana differs"),
            "{t}"
        );
        assert!(
            t.contains("    how Grafana differs from this build:"),
            "{t}"
        );
        assert!(
            t.contains("title: \"Active tasks\" → \"Active tasks (edited in the UI)\""),
            "{t}"
        );
        assert!(t.ends_with(" 1 conflicted, 0 failed\n"), "{t}");
    }
    // Nothing lost: the UI edit is still the current version, and the only write was d-001's.
    assert_eq!(g.dashboard("d-000").unwrap(), edited);
    assert_eq!(g.saves(), 1);
}

#[test]
fn an_edit_in_the_ui_that_keeps_the_marker_is_refused_too() {
    let g = StandIn::start();
    let c = client(&g);
    push(&c, &many(1, 1), &PushOptions::default());
    g.ui_edit("d-000", true, rename_first_panel);
    let r = push(&c, &many(1, 2), &PushOptions::default());
    let Outcome::Conflict { reason, .. } = outcome_of(&r, "d-000") else {
        panic!("{}", text(&r))
    };
    assert!(
        reason.contains("was edited after the last push"),
        "{reason}"
    );
    assert_eq!(g.dashboard("d-000").unwrap().version, 2);
}

#[test]
fn force_overwrites_the_ui_edit_but_keeps_optimistic_concurrency() {
    let g = StandIn::start();
    let c = client(&g);
    push(&c, &many(1, 1), &PushOptions::default());
    g.ui_edit("d-000", false, rename_first_panel);
    let force = PushOptions {
        force: true,
        ..PushOptions::default()
    };
    let r = push(&c, &many(1, 1), &force);
    assert_eq!(
        outcome_of(&r, "d-000"),
        &Outcome::Updated {
            from: 2,
            to: 3,
            forced: true
        }
    );
    assert!(text(&r).contains("(--force: edits made in Grafana overwritten)"));
    let d = g.dashboard("d-000").unwrap();
    assert_eq!(d.json["panels"][1]["title"], json!("Active tasks"));
    // The UI edit is still in the history.
    assert_eq!(
        d.history[1].json["panels"][1]["title"],
        json!("Active tasks (edited in the UI)")
    );
    // And the next push is back to normal.
    assert_eq!(
        outcome_of(&push(&c, &many(1, 1), &PushOptions::default()), "d-000"),
        &Outcome::Unchanged { version: 3 }
    );
}

#[test]
fn a_dashboard_made_by_someone_else_is_not_overwritten() {
    let g = StandIn::start();
    g.add_folder("spark", "Spark", None);
    g.seed(
        json!({"uid": "d-000", "title": "Someone else's", "panels": []}),
        Some("spark"),
        false,
    );
    let r = push(&client(&g), &many(1, 1), &PushOptions::default());
    assert!(matches!(outcome_of(&r, "d-000"), Outcome::Conflict { .. }));
    assert_eq!(
        g.dashboard("d-000").unwrap().json["title"],
        json!("Someone else's")
    );
}

#[test]
fn identical_content_without_a_marker_is_simply_unchanged() {
    let g = StandIn::start();
    g.add_folder("spark", "Spark", None);
    let local = many(1, 1);
    g.seed(local[0].json.clone(), Some("spark"), false);
    let r = push(&client(&g), &local, &PushOptions::default());
    assert_eq!(outcome_of(&r, "d-000"), &Outcome::Unchanged { version: 1 });
    assert_eq!(g.saves(), 0);
}

#[test]
fn a_concurrent_edit_between_read_and_write_is_refused() {
    let g = StandIn::start();
    let c = client(&g);
    push(&c, &many(1, 1), &PushOptions::default());
    // Between our GET and our POST, someone saves in the UI.
    g.inject("POST", "/api/dashboards/db", Fault::ConcurrentEdit, 1);
    g.reset_counters();
    let r = push(&c, &many(1, 2), &PushOptions::default());
    let Outcome::Concurrent { status, message } = outcome_of(&r, "d-000") else {
        panic!("{}", text(&r))
    };
    assert_eq!(*status, 412);
    assert!(message.contains("changed after it was read"), "{message}");
    assert!(message.contains("nothing is lost"), "{message}");
    assert_eq!(g.saves(), 0);
    let d = g.dashboard("d-000").unwrap();
    assert_eq!(d.version, 2);
    assert_eq!(
        d.json["description"],
        json!("edited concurrently in the UI")
    );
    assert!(text(&r)
        .contains("d-000 \"Dashboard 000\": changed concurrently: Grafana refused the write"));
    // The next push sees the edit as drift.
    let r = push(&c, &many(1, 2), &PushOptions::default());
    assert!(matches!(outcome_of(&r, "d-000"), Outcome::Conflict { .. }));
}

#[test]
fn force_does_not_overwrite_a_concurrent_edit() {
    let g = StandIn::start();
    let c = client(&g);
    push(&c, &many(1, 1), &PushOptions::default());
    g.inject("POST", "/api/dashboards/db", Fault::ConcurrentEdit, 1);
    let force = PushOptions {
        force: true,
        ..PushOptions::default()
    };
    let r = push(&c, &many(1, 2), &force);
    assert!(matches!(
        outcome_of(&r, "d-000"),
        Outcome::Concurrent { .. }
    ));
    assert_eq!(
        g.dashboard("d-000").unwrap().json["description"],
        json!("edited concurrently in the UI")
    );
}

#[test]
fn newer_grafana_answers_409_and_it_is_reported_the_same_way() {
    let g = StandIn::start_with(Flavor::Next);
    let c = client(&g);
    push(&c, &many(1, 1), &PushOptions::default());
    g.inject("POST", "/api/dashboards/db", Fault::ConcurrentEdit, 1);
    let r = push(&c, &many(1, 2), &PushOptions::default());
    let Outcome::Concurrent { status, message } = outcome_of(&r, "d-000") else {
        panic!("{}", text(&r))
    };
    assert_eq!(*status, 409);
    assert!(
        message.contains("the object has been modified"),
        "{message}"
    );
    assert!(message.contains("nothing was overwritten"), "{message}");
}

#[test]
fn the_stand_in_is_strict_about_versions() {
    // Without our client: an update without the stored version is refused.
    let g = StandIn::start();
    let c = client(&g);
    push(&c, &many(1, 1), &PushOptions::default());
    let e = c
        .save_dashboard(&json!({"uid": "d-000", "title": "T"}), Some("spark"), "")
        .unwrap_err();
    assert!(
        matches!(
            e,
            dashboard_sync::SaveError::VersionMismatch { status: 412, .. }
        ),
        "{e:?}"
    );
    let ok = c
        .save_dashboard(
            &json!({"uid": "d-000", "title": "T", "version": 1}),
            Some("spark"),
            "",
        )
        .unwrap();
    assert_eq!(ok.version, 2);
}
