//! The stand-in itself, over raw HTTP: it must reject what Grafana rejects, with
//! Grafana's statuses, or the push tests would prove nothing.

use integration_tests::grafana::{Flavor, Role, StandIn, ADMIN_TOKEN};
use reqwest::blocking::Client;
use serde_json::{json, Value};

struct Api {
    g: StandIn,
    http: Client,
}

impl Api {
    fn new(flavor: Flavor) -> Self {
        Api {
            g: StandIn::start_with(flavor),
            http: Client::new(),
        }
    }

    fn get(&self, path: &str) -> (u16, Value) {
        let r = self
            .http
            .get(format!("{}{path}", self.g.url()))
            .bearer_auth(ADMIN_TOKEN)
            .send()
            .unwrap();
        (r.status().as_u16(), r.json().unwrap_or(Value::Null))
    }

    fn post(&self, path: &str, body: Value) -> (u16, Value) {
        let r = self
            .http
            .post(format!("{}{path}", self.g.url()))
            .bearer_auth(ADMIN_TOKEN)
            .json(&body)
            .send()
            .unwrap();
        (r.status().as_u16(), r.json().unwrap_or(Value::Null))
    }

    fn save(&self, dashboard: Value, folder_uid: &str, message: &str) -> (u16, Value) {
        self.post(
            "/api/dashboards/db",
            json!({"dashboard": dashboard, "folderUid": folder_uid, "message": message, "overwrite": false}),
        )
    }
}

#[test]
fn health_answers_without_credentials() {
    let a = Api::new(Flavor::Grafana11);
    let r = a
        .http
        .get(format!("{}/api/health", a.g.url()))
        .send()
        .unwrap();
    assert_eq!(r.status(), 200);
    let v: Value = r.json().unwrap();
    assert_eq!(v["database"], "ok");
    assert!(v["version"].is_string() && v["commit"].is_string());
}

#[test]
fn everything_else_needs_credentials() {
    let a = Api::new(Flavor::Grafana11);
    for path in ["/api/search", "/api/dashboards/uid/x", "/api/folders/x"] {
        let r = a.http.get(format!("{}{path}", a.g.url())).send().unwrap();
        assert_eq!(r.status(), 401, "{path}");
    }
    let r = a
        .http
        .post(format!("{}/api/dashboards/db", a.g.url()))
        .bearer_auth("glsa_not_a_token")
        .json(&json!({"dashboard": {"title": "x"}}))
        .send()
        .unwrap();
    assert_eq!(r.status(), 401);
    assert_eq!(a.g.saves(), 0);
}

#[test]
fn save_answers_like_grafana_and_counts_versions() {
    let a = Api::new(Flavor::Grafana11);
    let (s, v) = a.save(
        json!({"uid": "abc", "title": "My dash", "id": null}),
        "",
        "first",
    );
    assert_eq!(s, 200);
    assert_eq!(v["status"], "success");
    assert_eq!(v["uid"], "abc");
    assert_eq!(v["version"], 1);
    assert_eq!(v["url"], "/d/abc/my-dash");
    assert_eq!(v["slug"], "my-dash");
    assert_eq!(v["folderUid"], "");
    assert!(v["id"].is_number());

    let (s, v) = a.save(
        json!({"uid": "abc", "title": "My dash", "version": 1}),
        "",
        "second",
    );
    assert_eq!((s, &v["version"]), (200, &json!(2)));
    let (s, got) = a.get("/api/dashboards/uid/abc");
    assert_eq!(s, 200);
    assert_eq!(got["meta"]["version"], 2);
    assert_eq!(got["dashboard"]["version"], 2);
    assert_eq!(got["meta"]["provisioned"], false);
    assert_eq!(a.g.dashboard("abc").unwrap().history.len(), 2);
    assert_eq!(a.g.dashboard("abc").unwrap().history[1].message, "second");
}

#[test]
fn a_stale_version_is_412_or_409_on_newer_grafana() {
    for (flavor, status) in [(Flavor::Grafana11, 412), (Flavor::Next, 409)] {
        let a = Api::new(flavor);
        a.save(json!({"uid": "abc", "title": "T"}), "", "");
        for stale in [
            json!({"uid": "abc", "title": "T"}),
            json!({"uid": "abc", "title": "T", "version": 7}),
        ] {
            let (s, v) = a.save(stale, "", "");
            assert_eq!(s, status, "{flavor:?}");
            if flavor == Flavor::Grafana11 {
                assert_eq!(v["status"], "version-mismatch");
                assert_eq!(
                    v["message"],
                    "The dashboard has been changed by someone else"
                );
            }
        }
        // overwrite: true is what push never sends; Grafana accepts it.
        let (s, _) = a.post(
            "/api/dashboards/db",
            json!({"dashboard": {"uid": "abc", "title": "T"}, "overwrite": true}),
        );
        assert_eq!(s, 200);
    }
}

#[test]
fn invalid_saves_are_400_with_grafanas_messages() {
    let a = Api::new(Flavor::Grafana11);
    let cases = [
        (
            json!({"uid": "a"}),
            "",
            "",
            "Dashboard title cannot be empty",
        ),
        (
            json!({"uid": "a", "title": "  "}),
            "",
            "",
            "Dashboard title cannot be empty",
        ),
        (
            json!({"uid": "x".repeat(41), "title": "T"}),
            "",
            "",
            "uid too long, max 40 characters",
        ),
        (
            json!({"uid": "a b", "title": "T"}),
            "",
            "",
            "uid contains illegal characters",
        ),
        (
            json!({"uid": "a.b", "title": "T"}),
            "",
            "",
            "uid contains illegal characters",
        ),
        (
            json!({"uid": "a", "title": "T"}),
            "",
            &"m".repeat(501),
            "message too long, max 500 characters",
        ),
        (
            json!({"uid": "a", "title": "T"}),
            "nope",
            "",
            "folder not found",
        ),
    ];
    for (dash, folder, message, expected) in cases {
        let (s, v) = a.save(dash.clone(), folder, message);
        assert_eq!(
            (s, v["message"].as_str().unwrap()),
            (400, expected),
            "{dash}"
        );
    }
    // 500 bytes exactly is fine; Grafana counts bytes.
    assert_eq!(
        a.save(json!({"uid": "a", "title": "T"}), "", &"m".repeat(500))
            .0,
        200
    );
    let (s, _) = a.post("/api/dashboards/db", json!({"folderUid": ""}));
    assert_eq!(s, 400);
    assert_eq!(a.g.saves(), 1);
}

#[test]
fn an_unknown_id_is_404_and_provisioned_is_400() {
    let a = Api::new(Flavor::Grafana11);
    let (s, v) = a.save(json!({"id": 999, "uid": "a", "title": "T"}), "", "");
    assert_eq!(
        (s, v["message"].as_str().unwrap()),
        (404, "Dashboard not found")
    );
    a.g.seed(json!({"uid": "prov", "title": "P"}), None, true);
    let (s, v) = a.save(json!({"uid": "prov", "title": "P", "version": 1}), "", "");
    assert_eq!(
        (s, v["message"].as_str().unwrap()),
        (400, "Cannot save provisioned dashboard")
    );
    assert_eq!(
        a.get("/api/dashboards/uid/prov").1["meta"]["provisioned"],
        true
    );
    assert_eq!(a.get("/api/dashboards/uid/missing").0, 404);
}

#[test]
fn folders_create_409_and_get_by_uid() {
    let a = Api::new(Flavor::Grafana11);
    let (s, v) = a.post("/api/folders", json!({"uid": "spark", "title": "Spark"}));
    assert_eq!(
        (s, &v["uid"], &v["title"]),
        (200, &json!("spark"), &json!("Spark"))
    );
    assert_eq!(
        a.post("/api/folders", json!({"uid": "spark", "title": "Other"}))
            .0,
        409
    );
    assert_eq!(
        a.post("/api/folders", json!({"uid": "other", "title": "Spark"}))
            .0,
        409
    );
    assert_eq!(
        a.post("/api/folders", json!({"uid": "x", "title": ""})).0,
        400
    );
    assert_eq!(
        a.post("/api/folders", json!({"uid": "bad uid", "title": "B"}))
            .0,
        400
    );
    assert_eq!(
        a.post(
            "/api/folders",
            json!({"uid": "jvm", "title": "JVM", "parentUid": "nope"})
        )
        .0,
        404
    );
    let (s, v) = a.post(
        "/api/folders",
        json!({"uid": "jvm", "title": "JVM", "parentUid": "spark"}),
    );
    assert_eq!((s, &v["parentUid"]), (200, &json!("spark")));
    assert_eq!(a.get("/api/folders/jvm").1["title"], "JVM");
    assert_eq!(a.get("/api/folders/none").0, 404);
    assert_eq!(a.get("/api/folders").1.as_array().unwrap().len(), 2);
}

#[test]
fn search_filters_by_type_query_uid_folder_and_pages() {
    let a = Api::new(Flavor::Grafana11);
    a.post("/api/folders", json!({"uid": "spark", "title": "Spark"}));
    for (uid, title, folder) in [
        ("b", "Beta", "spark"),
        ("a", "Alpha", "spark"),
        ("c", "Gamma", ""),
    ] {
        assert_eq!(
            a.save(
                json!({"uid": uid, "title": title, "tags": ["t"]}),
                folder,
                ""
            )
            .0,
            200
        );
    }
    let uids = |path: &str| -> Vec<String> {
        a.get(path)
            .1
            .as_array()
            .unwrap()
            .iter()
            .map(|h| h["uid"].as_str().unwrap().to_string())
            .collect()
    };
    assert_eq!(uids("/api/search?type=dash-db"), ["a", "b", "c"]);
    assert_eq!(uids("/api/search?type=dash-folder"), ["spark"]);
    assert_eq!(uids("/api/search?query=alp"), ["a"]);
    assert_eq!(
        uids("/api/search?dashboardUIDs=b&dashboardUIDs=c"),
        ["b", "c"]
    );
    assert_eq!(
        uids("/api/search?type=dash-db&folderUIDs=spark"),
        ["a", "b"]
    );
    assert_eq!(uids("/api/search?type=dash-db&limit=2&page=2"), ["c"]);
    let hit = &a.get("/api/search?query=beta").1[0];
    assert_eq!(
        (&hit["type"], &hit["folderUid"], &hit["folderTitle"]),
        (&json!("dash-db"), &json!("spark"), &json!("Spark"))
    );
}

#[test]
fn roles_viewer_and_no_access() {
    let a = Api::new(Flavor::Grafana11);
    a.g.add_token("viewer", Role::Viewer);
    a.g.add_token("none", Role::NoAccess);
    let with = |token: &str, post: bool| {
        let url = format!(
            "{}/api/{}",
            a.g.url(),
            if post { "folders" } else { "search" }
        );
        let req = if post {
            a.http.post(url).json(&json!({"uid": "f", "title": "F"}))
        } else {
            a.http.get(url)
        };
        req.bearer_auth(token).send().unwrap().status().as_u16()
    };
    assert_eq!(with("viewer", false), 200);
    assert_eq!(with("viewer", true), 403);
    assert_eq!(with("none", false), 403);
}
