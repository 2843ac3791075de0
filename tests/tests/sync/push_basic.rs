//! Push against the strict Grafana stand-in: create, idempotence, dry run, folders,
//! provisioned dashboards, input validation.

use crate::push_support;

use dashboard_sync::content::{content_hash, recorded_hash, MARKER_FIELD};
use dashboard_sync::push::{FolderOutcome, Outcome};
use dashboard_sync::{local, FolderSpec, LocalDashboard, PushError, PushOptions};
use integration_tests::grafana::StandIn;
use push_support::*;
use serde_json::json;

#[test]
fn first_push_creates_folder_and_dashboards_second_push_writes_nothing() {
    let g = StandIn::start();
    let c = client(&g);
    let local = many(3, 1);

    let r = push(&c, &local, &PushOptions::default());
    assert!(r.success(), "{}", text(&r));
    assert_eq!(r.folders["spark"].1, FolderOutcome::Created);
    assert_eq!(g.folder("spark").unwrap().title, "Spark");
    for d in &local {
        assert_eq!(outcome_of(&r, &d.uid), &Outcome::Created { version: 1 });
        let stored = g.dashboard(&d.uid).unwrap();
        assert_eq!(stored.folder_uid.as_deref(), Some("spark"));
        // The marker records the hash of exactly what we sent.
        assert_eq!(
            recorded_hash(&stored.json),
            Some(content_hash(&d.json).as_str())
        );
        assert!(stored.history[0].message.contains("[sha256:"));
    }
    assert_eq!(g.saves(), 3);
    assert_eq!(
        text(&r).lines().last().unwrap(),
        "push: 3 written, 0 unchanged, 0 conflicted, 0 failed"
    );

    g.reset_counters();
    let again = push(&c, &local, &PushOptions::default());
    assert!(again.success());
    assert_eq!(
        g.saves(),
        0,
        "an unchanged dashboard must not get a new version"
    );
    assert_eq!(g.count("POST", "/api/"), 0, "not even a folder write");
    for d in &local {
        assert_eq!(
            outcome_of(&again, &d.uid),
            &Outcome::Unchanged { version: 1 }
        );
        assert_eq!(g.dashboard(&d.uid).unwrap().version, 1);
    }
    assert!(text(&again).contains("unchanged (3): d-000, d-001, d-002"));
}

#[test]
fn a_local_change_updates_with_the_servers_version() {
    let g = StandIn::start();
    let c = client(&g);
    push(&c, &many(2, 1), &PushOptions::default());
    let changed = vec![many(2, 1).remove(0), many(2, 2).remove(1)];
    let r = push(&c, &changed, &PushOptions::default());
    assert!(r.success(), "{}", text(&r));
    assert_eq!(outcome_of(&r, "d-000"), &Outcome::Unchanged { version: 1 });
    assert_eq!(
        outcome_of(&r, "d-001"),
        &Outcome::Updated {
            from: 1,
            to: 2,
            forced: false
        }
    );
    let stored = g.dashboard("d-001").unwrap();
    assert_eq!(stored.history.len(), 2);
    assert!(stored.json["panels"][1]["targets"][0]["expr"]
        .as_str()
        .unwrap()
        .contains("variant=\"2\""));
    assert!(text(&r).contains("updated  d-001 \"Dashboard 001\" in folder spark, version 1 → 2"));
}

#[test]
fn dry_run_prints_every_kind_of_plan_and_writes_nothing() {
    let g = StandIn::start();
    let c = client(&g);
    push(&c, &many(3, 1), &PushOptions::default());
    // d-000 unchanged, d-001 changed here, d-002 edited in the UI, d-003 new.
    g.ui_edit("d-002", false, |d| d["title"] = json!("Edited in the UI"));
    let mut local = many(4, 1);
    local[1] = dashboard("d-001", "Dashboard 001", 9);
    g.reset_counters();

    let r = push(
        &c,
        &local,
        &PushOptions {
            dry_run: true,
            ..PushOptions::default()
        },
    );
    assert_eq!(g.saves(), 0);
    assert_eq!(g.count("POST", "/"), 0);
    assert_eq!(outcome_of(&r, "d-000"), &Outcome::Unchanged { version: 1 });
    assert_eq!(
        outcome_of(&r, "d-001"),
        &Outcome::WouldUpdate {
            version: 1,
            forced: false
        }
    );
    assert!(matches!(outcome_of(&r, "d-002"), Outcome::Conflict { .. }));
    assert_eq!(outcome_of(&r, "d-003"), &Outcome::WouldCreate);
    let t = text(&r);
    assert!(t.contains("plan (dry run, nothing is written):"), "{t}");
    assert!(
        t.contains("  unchanged  d-000 \"Dashboard 000\" (version 1)"),
        "{t}"
    );
    assert!(
        t.contains("  update     d-001 \"Dashboard 001\" from version 1 in folder spark"),
        "{t}"
    );
    assert!(t.contains("  conflict   d-002 \"Dashboard 002\""), "{t}");
    assert!(
        t.contains("  create     d-003 \"Dashboard 003\" in folder spark"),
        "{t}"
    );
    assert!(t.ends_with(
        "dry run: 1 to create, 1 to update, 1 unchanged, 1 conflicted, 0 failed; nothing was written\n"
    ));
    assert!(!r.success(), "a conflict fails the dry run too");
}

#[test]
fn dry_run_does_not_create_folders() {
    let g = StandIn::start();
    let r = push(
        &client(&g),
        &many(1, 1),
        &PushOptions {
            dry_run: true,
            ..PushOptions::default()
        },
    );
    assert_eq!(r.folders["spark"].1, FolderOutcome::WouldCreate);
    assert!(g.folder("spark").is_none());
    assert!(text(&r).contains("folder spark (\"Spark\"): would be created"));
}

#[test]
fn nested_folders_are_created_parents_first() {
    let g = StandIn::start();
    let mut child = dashboard("nested", "Nested", 1);
    child.folder = Some(FolderSpec {
        uid: "spark-jvm".into(),
        title: "JVM".into(),
        parent_uid: Some("spark".into()),
    });
    // The child's dashboard comes first; the parent must still be created first.
    let r = push(
        &client(&g),
        &[child, dashboard("top", "Top", 1)],
        &PushOptions::default(),
    );
    assert!(r.success(), "{}", text(&r));
    assert_eq!(
        g.folder("spark-jvm").unwrap().parent_uid.as_deref(),
        Some("spark")
    );
    assert_eq!(
        g.dashboard("nested").unwrap().folder_uid.as_deref(),
        Some("spark-jvm")
    );
}

#[test]
fn a_missing_parent_folder_fails_only_its_dashboards() {
    let g = StandIn::start();
    let mut orphan = dashboard("orphan", "Orphan", 1);
    orphan.folder = Some(FolderSpec {
        uid: "child".into(),
        title: "Child".into(),
        parent_uid: Some("nowhere".into()),
    });
    let r = push(
        &client(&g),
        &[orphan, dashboard("ok", "Ok", 1)],
        &PushOptions::default(),
    );
    assert!(!r.success());
    let Outcome::Failed { error } = outcome_of(&r, "orphan") else {
        panic!("{}", text(&r))
    };
    assert!(
        error.contains("parent folder nowhere does not exist"),
        "{error}"
    );
    assert!(matches!(outcome_of(&r, "ok"), Outcome::Created { .. }));
    assert!(g.dashboard("orphan").is_none());
}

#[test]
fn folder_override_must_exist_and_moves_dashboards() {
    let g = StandIn::start();
    let c = client(&g);
    let opts = PushOptions {
        folder_override: Some("ops".into()),
        ..PushOptions::default()
    };
    let e = dashboard_sync::push::push(&c, &many(1, 1), &opts, &|_| {}).unwrap_err();
    assert!(
        e.to_string()
            .contains("folder \"ops\" (from --folder) does not exist"),
        "{e}"
    );
    assert_eq!(g.saves(), 0);

    g.add_folder("ops", "Operations", None);
    let r = push(&c, &many(1, 1), &opts);
    assert!(r.success());
    assert_eq!(
        g.dashboard("d-000").unwrap().folder_uid.as_deref(),
        Some("ops")
    );
    // Back to its own folder: same content, new folder, so it is an update.
    let r = push(&c, &many(1, 1), &PushOptions::default());
    assert!(
        matches!(outcome_of(&r, "d-000"), Outcome::Updated { .. }),
        "{}",
        text(&r)
    );
    assert_eq!(
        g.dashboard("d-000").unwrap().folder_uid.as_deref(),
        Some("spark")
    );
}

#[test]
fn provisioned_dashboards_are_reported_clearly_and_left_alone() {
    let g = StandIn::start();
    g.add_folder("spark", "Spark", None);
    g.seed(
        json!({"uid": "d-000", "title": "Provisioned", "panels": []}),
        Some("spark"),
        true,
    );
    let before = g.dashboard("d-000").unwrap();
    let r = push(&client(&g), &many(1, 1), &PushOptions::default());
    let Outcome::Failed { error } = outcome_of(&r, "d-000") else {
        panic!("{}", text(&r))
    };
    assert!(
        error.contains("provisioned from files on the Grafana server"),
        "{error}"
    );
    assert_eq!(g.dashboard("d-000").unwrap(), before);
    assert!(text(&r).contains("failed (1):\n  d-000 \"Dashboard 000\": Grafana will not save it because it is provisioned"));
}

#[test]
fn the_servers_provisioned_answer_is_recognised() {
    // The save itself, as Grafana answers it: 400 "Cannot save provisioned dashboard".
    let g = StandIn::start();
    g.seed(json!({"uid": "p", "title": "P", "panels": []}), None, true);
    let e = client(&g)
        .save_dashboard(&json!({"uid": "p", "title": "P", "version": 1}), None, "m")
        .unwrap_err();
    assert!(
        matches!(e, dashboard_sync::SaveError::Provisioned { .. }),
        "{e:?}"
    );
    assert!(e.to_string().contains("Cannot save provisioned dashboard"));
}

#[test]
fn input_directory_as_build_writes_it() {
    let g = StandIn::start();
    let dir = std::env::temp_dir().join(format!("push-input-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(dir.join("Spark")).unwrap();
    let mut files = Vec::new();
    for d in dashboards::all() {
        let b = d.build().unwrap();
        let sub = b
            .folder
            .as_ref()
            .map(|f| f.title.clone())
            .unwrap_or_default();
        let file = std::path::Path::new(&sub).join(format!("{}.json", b.model.uid));
        std::fs::create_dir_all(dir.join(&sub)).unwrap();
        std::fs::write(dir.join(&file), b.to_json()).unwrap();
        files.push(file);
    }
    let from_files = local::load_files(&dir, &files).unwrap();
    std::fs::remove_dir_all(&dir).unwrap();
    let c = client(&g);
    let r = push(&c, &from_files, &PushOptions::default());
    assert!(r.success(), "{}", text(&r));
    // The in-memory build is the same content in the same folder: nothing to write.
    let built: Vec<LocalDashboard> = dashboards::all()
        .iter()
        .map(|d| d.clone().build().unwrap())
        .map(|b| LocalDashboard::from_model(&b.model, b.folder.as_ref()))
        .collect();
    g.reset_counters();
    let r = push(&c, &built, &PushOptions::default());
    assert!(r.success());
    assert_eq!(g.saves(), 0, "{}", text(&r));
    assert!(g.uids().contains(&"spark-overview".to_string()));
}

#[test]
fn bad_input_fails_before_any_request() {
    let g = StandIn::start();
    let c = client(&g);
    let long = PushOptions {
        message: Some("x".repeat(490)),
        ..PushOptions::default()
    };
    let e = dashboard_sync::push::push(&c, &many(1, 1), &long, &|_| {}).unwrap_err();
    assert!(matches!(e, PushError::Invalid(_)));
    assert!(e.to_string().contains("at most 478 fit"), "{e}");
    let dup = vec![dashboard("same", "A", 1), dashboard("same", "B", 1)];
    let e = dashboard_sync::push::push(&c, &dup, &PushOptions::default(), &|_| {}).unwrap_err();
    assert!(
        e.to_string().contains("uid \"same\" is defined twice"),
        "{e}"
    );
    assert!(g.requests().is_empty());
}

#[test]
fn an_invalid_uid_fails_that_dashboard_only() {
    let g = StandIn::start();
    let long_uid = "u".repeat(41);
    let r = push(
        &client(&g),
        &[
            dashboard(&long_uid, "Long", 1),
            dashboard("fine", "Fine", 1),
        ],
        &PushOptions::default(),
    );
    let Outcome::Failed { error } = outcome_of(&r, &long_uid) else {
        panic!()
    };
    assert!(error.contains("at most 40"), "{error}");
    assert!(matches!(outcome_of(&r, "fine"), Outcome::Created { .. }));
    assert_eq!(
        g.count("GET", &format!("/api/dashboards/uid/{long_uid}")),
        0
    );
}

#[test]
fn org_id_goes_with_every_request() {
    let g = StandIn::start();
    let mut cfg = config(
        &g.url(),
        dashboard_sync::Credentials::Token(dashboard_sync::Secret::new(
            integration_tests::grafana::ADMIN_TOKEN,
        )),
    );
    cfg.org_id = Some(7);
    let c = dashboard_sync::GrafanaClient::new(cfg).unwrap();
    push(&c, &many(2, 1), &PushOptions::default());
    let reqs = g.requests();
    assert!(reqs.len() > 4);
    for r in reqs {
        assert_eq!(r.org_id.as_deref(), Some("7"), "{r:?}");
    }
}

#[test]
fn the_marker_is_a_top_level_field_grafana_keeps() {
    let g = StandIn::start();
    push(&client(&g), &many(1, 1), &PushOptions::default());
    let stored = g.dashboard("d-000").unwrap().json;
    let marker = &stored[MARKER_FIELD];
    assert!(marker["contentHash"]
        .as_str()
        .unwrap()
        .starts_with("sha256:"));
    // Server-managed fields were set by the server, not sent by us.
    assert_eq!(stored["version"], json!(1));
    assert!(stored["id"].is_number());
}

#[test]
fn progress_is_reported_once_per_dashboard() {
    let g = StandIn::start();
    let seen = std::sync::Mutex::new(Vec::new());
    let opts = PushOptions {
        concurrency: 3,
        ..PushOptions::default()
    };
    dashboard_sync::push::push(&client(&g), &many(10, 1), &opts, &|r| {
        seen.lock().unwrap().push(r.uid.clone())
    })
    .unwrap();
    let mut seen = seen.into_inner().unwrap();
    seen.sort();
    assert_eq!(
        seen,
        many(10, 1)
            .iter()
            .map(|d| d.uid.clone())
            .collect::<Vec<_>>()
    );
}
