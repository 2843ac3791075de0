//! The stand-in's app-platform API (`/apis/dashboard.grafana.app`) over raw HTTP, in
//! its three modes: it must answer as Grafana's apiserver does, or the push tests
//! against it would prove nothing.

use integration_tests::grafana::{Flavor, Role, StandIn, Tenant, ADMIN_TOKEN};
use reqwest::blocking::Client;
use serde_json::{json, Value};

fn call(g: &StandIn, method: &str, path: &str, body: Option<Value>) -> (u16, Value) {
    let mut r = Client::new()
        .request(method.parse().unwrap(), format!("{}{path}", g.url()))
        .bearer_auth(ADMIN_TOKEN);
    if let Some(b) = body {
        r = r.json(&b);
    }
    let r = r.send().unwrap();
    (r.status().as_u16(), r.json().unwrap_or(Value::Null))
}

fn dash(version: &str, name: &str, rv: &str) -> Value {
    json!({
        "apiVersion": format!("dashboard.grafana.app/{version}"), "kind": "Dashboard",
        "metadata": {"name": name, "resourceVersion": rv, "annotations": {"grafana.app/message": "m"}},
        "spec": {"title": "T", "panels": []},
    })
}

const BASE: &str = "/apis/dashboard.grafana.app/v1beta1/namespaces/default/dashboards";

#[test]
fn discovery_per_mode() {
    let g = StandIn::start_with(Flavor::Grafana11);
    assert_eq!(call(&g, "GET", "/apis", None).0, 404);
    for (flavor, versions, preferred) in [
        (Flavor::Grafana12, vec!["v1beta1", "v2beta1"], "v1beta1"),
        (Flavor::Grafana13, vec!["v2", "v1"], "v2"),
    ] {
        let g = StandIn::start_with(flavor);
        let (s, list) = call(&g, "GET", "/apis", None);
        assert_eq!((s, list["kind"].as_str()), (200, Some("APIGroupList")));
        let (s, group) = call(&g, "GET", "/apis/dashboard.grafana.app", None);
        assert_eq!((s, group["kind"].as_str()), (200, Some("APIGroup")));
        let got: Vec<&str> = group["versions"]
            .as_array()
            .unwrap()
            .iter()
            .map(|v| v["version"].as_str().unwrap())
            .collect();
        assert_eq!(got, versions);
        assert_eq!(group["preferredVersion"]["version"], preferred);
    }
}

#[test]
fn create_get_update_conflict_delete() {
    let g = StandIn::start_with(Flavor::Grafana12);
    let (s, created) = call(&g, "POST", BASE, Some(dash("v1beta1", "a", "")));
    assert_eq!(s, 201, "{created}");
    let rv = created["metadata"]["resourceVersion"]
        .as_str()
        .unwrap()
        .to_string();
    assert_eq!(
        call(&g, "POST", BASE, Some(dash("v1beta1", "a", ""))).1["reason"],
        "AlreadyExists"
    );
    let (s, got) = call(&g, "GET", &format!("{BASE}/a"), None);
    assert_eq!((s, got["spec"]["title"].as_str()), (200, Some("T")));
    assert!(
        got["spec"].get("id").is_none(),
        "the id is a label, not spec"
    );
    // The legacy API reads the same store.
    let (s, legacy) = call(&g, "GET", "/api/dashboards/uid/a", None);
    assert_eq!((s, legacy["meta"]["version"].as_i64()), (200, Some(1)));
    let (s, updated) = call(
        &g,
        "PUT",
        &format!("{BASE}/a"),
        Some(dash("v1beta1", "a", &rv)),
    );
    assert_eq!(s, 200, "{updated}");
    assert_ne!(updated["metadata"]["resourceVersion"], json!(rv));
    let (s, stale) = call(
        &g,
        "PUT",
        &format!("{BASE}/a"),
        Some(dash("v1beta1", "a", &rv)),
    );
    assert_eq!(
        (s, stale["kind"].as_str(), stale["reason"].as_str()),
        (409, Some("Status"), Some("Conflict"))
    );
    assert_eq!(g.saves(), 2);
    assert_eq!(g.dashboard("a").unwrap().history[1].message, "m");
    let (s, list) = call(&g, "GET", BASE, None);
    assert_eq!((s, list["items"].as_array().map(Vec::len)), (200, Some(1)));
    assert_eq!(call(&g, "DELETE", &format!("{BASE}/a"), None).0, 200);
    assert_eq!(
        call(&g, "GET", &format!("{BASE}/a"), None).1["reason"],
        "NotFound"
    );
}

#[test]
fn dry_run_validates_and_writes_nothing() {
    let g = StandIn::start_with(Flavor::Grafana13);
    let base = "/apis/dashboard.grafana.app/v1/namespaces/default/dashboards";
    let (s, out) = call(
        &g,
        "POST",
        &format!("{base}?dryRun=All"),
        Some(dash("v1", "a", "")),
    );
    assert_eq!((s, out["metadata"]["name"].as_str()), (201, Some("a")));
    assert_eq!((g.saves(), g.uids().len()), (0, 0));
    let mut no_title = dash("v1", "a", "");
    no_title["spec"]["title"] = json!("");
    assert_eq!(
        call(&g, "POST", &format!("{base}?dryRun=All"), Some(no_title)).0,
        400
    );
    assert_eq!(
        call(
            &g,
            "POST",
            &format!("{base}?dryRun=Some"),
            Some(dash("v1", "a", ""))
        )
        .0,
        400
    );
}

#[test]
fn strict_fields_names_folders_and_namespaces() {
    let g = StandIn::start_with(Flavor::Grafana12);
    let mut extra = dash("v1beta1", "a", "");
    extra["metadata"]["title"] = json!("x");
    let (s, e) = call(&g, "POST", BASE, Some(extra));
    assert_eq!(s, 400);
    assert!(
        e["message"]
            .as_str()
            .unwrap()
            .contains("unknown field \"metadata.title\""),
        "{e}"
    );
    let (s, e) = call(&g, "POST", BASE, Some(dash("v1beta1", "bad uid", "")));
    assert_eq!((s, e["reason"].as_str()), (422, Some("Invalid")));
    let mut foldered = dash("v1beta1", "a", "");
    foldered["metadata"]["annotations"]["grafana.app/folder"] = json!("nope");
    let (s, e) = call(&g, "POST", BASE, Some(foldered.clone()));
    assert!(
        s == 400 && e["message"].as_str().unwrap().contains("nope"),
        "{e}"
    );
    g.add_folder("nope", "Nope", None);
    assert_eq!(call(&g, "POST", BASE, Some(foldered)).0, 201);
    assert_eq!(
        g.dashboard("a").unwrap().folder_uid.as_deref(),
        Some("nope")
    );
    assert_eq!(
        call(&g, "POST", BASE, Some(dash("v2beta1", "b", ""))).0,
        400,
        "apiVersion must match the URL"
    );
    let other = BASE.replace("default", "org-2");
    assert_eq!(call(&g, "GET", &other, None).0, 403);
    g.set_tenant(Tenant::Stack(7));
    assert_eq!(
        call(&g, "GET", &BASE.replace("default", "stacks-7"), None).0,
        200
    );
    assert_eq!(
        call(&g, "GET", &BASE.replace("default", "nonsense"), None).0,
        400
    );
}

#[test]
fn auth_failures_are_status_objects() {
    let g = StandIn::start_with(Flavor::Grafana13);
    let r = Client::new()
        .get(format!("{}/apis", g.url()))
        .bearer_auth("wrong")
        .send()
        .unwrap();
    assert_eq!(r.status().as_u16(), 401);
    let body: Value = r.json().unwrap();
    assert_eq!(
        (body["kind"].as_str(), body["reason"].as_str()),
        (Some("Status"), Some("Unauthorized"))
    );
    g.add_token("viewer", Role::Viewer);
    let r = Client::new()
        .post(format!(
            "{}/apis/dashboard.grafana.app/v1/namespaces/default/dashboards",
            g.url()
        ))
        .bearer_auth("viewer")
        .json(&dash("v1", "a", ""))
        .send()
        .unwrap();
    assert_eq!(r.status().as_u16(), 403);
    assert_eq!(r.json::<Value>().unwrap()["reason"], "Forbidden");
}
