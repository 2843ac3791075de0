//! The app-platform API of Grafana 12 and 13, `/apis/dashboard.grafana.app/...`, over the
//! same store as the legacy endpoints.
//!
//! Grafana serves it through an embedded Kubernetes apiserver, so the shapes are
//! Kubernetes' (`APIGroupList`, `Status`, `metadata.resourceVersion`, `?dryRun=All`) and
//! the dashboard-specific parts are Grafana's: the resource is registered in
//! `pkg/registry/apis/dashboard/register.go`, the versions live in
//! `apps/dashboard/pkg/apis/dashboard/` (`v1beta1`, `v2beta1` in 12; `v1`, `v2` in 13) and
//! the annotations are named in `pkg/apimachinery/utils/meta.go`.

use std::collections::BTreeMap;

use serde_json::{json, Map, Value};

use test_support::http::{Request, Response};

use super::{authenticate, valid_uid, Flavor, Role, State, StoredDashboard, VersionRecord};

/// The API group.
pub const GROUP: &str = "dashboard.grafana.app";

/// `grafana.app/folder`: the dashboard's folder uid (`AnnoKeyFolder` in
/// `pkg/apimachinery/utils/meta.go`).
pub const ANNO_FOLDER: &str = "grafana.app/folder";
/// `grafana.app/message`: the version message (`AnnoKeyMessage`, same file).
pub const ANNO_MESSAGE: &str = "grafana.app/message";

/// The tenant whose namespace the stand-in serves.
///
/// ```
/// use integration_tests::grafana::Tenant;
/// assert_eq!(Tenant::Org(1).namespace(), "default");
/// assert_eq!(Tenant::Org(3).namespace(), "org-3");
/// assert_eq!(Tenant::Stack(77).namespace(), "stacks-77");
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Tenant {
    /// An org of a self-hosted Grafana.
    Org(i64),
    /// A Grafana Cloud stack: every org maps to one namespace.
    Stack(i64),
}

impl Tenant {
    /// The namespace Grafana names it by: `default` for org 1, `org-<id>` otherwise, and
    /// `stacks-<id>` on Cloud (`GetNamespaceMapper` in
    /// `pkg/services/apiserver/endpoints/request/namespace.go`, with authlib's
    /// `OrgNamespaceFormatter` and `CloudNamespaceFormatter`).
    pub fn namespace(&self) -> String {
        match self {
            Tenant::Org(1) => "default".into(),
            Tenant::Org(n) => format!("org-{n}"),
            Tenant::Stack(n) => format!("stacks-{n}"),
        }
    }
}

/// The versions served, preferred first; `None` when the server has no app-platform
/// API (Grafana 11 and the legacy-only `Next` here).
fn versions(flavor: Flavor) -> Option<&'static [&'static str]> {
    match flavor {
        Flavor::Grafana11 | Flavor::Next => None,
        Flavor::Grafana12 => Some(&["v1beta1", "v2beta1"]),
        Flavor::Grafana13 => Some(&["v2", "v1"]),
    }
}

/// A Kubernetes `metav1.Status` failure, the body of every error the apiserver answers
/// (k8s.io/apimachinery `pkg/api/errors/errors.go`).
fn status(code: u16, reason: &str, message: &str, name: Option<&str>) -> Response {
    let mut v = json!({
        "kind": "Status", "apiVersion": "v1", "metadata": {},
        "status": "Failure", "message": message, "reason": reason, "code": code,
    });
    if let Some(n) = name {
        v["details"] = json!({"name": n, "group": GROUP, "kind": "dashboards"});
    }
    Response::json(code, &v)
}

fn not_found_page() -> Response {
    // What Grafana 11 answers for a path it does not route: its 404 page.
    Response::text(404, "text/html", "<html><body>Page not found</body></html>")
}

fn group_json(versions: &[&str]) -> Value {
    let gv = |v: &str| json!({"groupVersion": format!("{GROUP}/{v}"), "version": v});
    json!({
        "name": GROUP,
        "versions": versions.iter().map(|v| gv(v)).collect::<Vec<_>>(),
        "preferredVersion": gv(versions[0]),
    })
}

/// Everything under `/apis`.
pub(super) fn handle(st: &mut State, req: &Request, path: &str) -> Response {
    let Some(served) = versions(st.flavor) else {
        return not_found_page();
    };
    let role = match authenticate(st, req) {
        Ok(r) => r,
        // The apiserver's own 401, a Status (k8s.io/apiserver
        // `pkg/endpoints/handlers/responsewriters/errors.go`); no credential echoed.
        Err(_) => return status(401, "Unauthorized", "Unauthorized", None),
    };
    let segs: Vec<&str> = path.trim_start_matches('/').split('/').collect();
    match (req.method.as_str(), segs.as_slice()) {
        ("GET", ["apis"]) => Response::json(
            200,
            &json!({"kind": "APIGroupList", "apiVersion": "v1", "groups": [group_json(served)]}),
        ),
        ("GET", ["apis", GROUP]) => {
            let mut g = group_json(served);
            g["kind"] = json!("APIGroup");
            g["apiVersion"] = json!("v1");
            Response::json(200, &g)
        }
        ("GET", ["apis", GROUP, v]) if served.contains(v) => Response::json(
            200,
            &json!({
                "kind": "APIResourceList", "apiVersion": "v1", "groupVersion": format!("{GROUP}/{v}"),
                "resources": [{"name": "dashboards", "singularName": "dashboard", "namespaced": true,
                    "kind": "Dashboard", "verbs": ["create", "delete", "get", "list", "update"]}],
            }),
        ),
        (method, ["apis", GROUP, v, "namespaces", ns, "dashboards", rest @ ..])
            if served.contains(v) && rest.len() <= 1 =>
        {
            if let Err(r) = check_namespace(st, ns) {
                return r;
            }
            let verb = match (method, rest) {
                ("GET", []) => "list",
                ("POST", []) => "create",
                ("GET", [_]) => "get",
                ("PUT", [_]) => "update",
                ("DELETE", [_]) => "delete",
                _ => {
                    return status(
                        405,
                        "MethodNotAllowed",
                        "the server does not allow this method on the requested resource",
                        None,
                    )
                }
            };
            let write = !matches!(verb, "get" | "list");
            if role == Role::NoAccess || (write && role == Role::Viewer) {
                return status(
                    403,
                    "Forbidden",
                    &format!("dashboards.{GROUP} is forbidden: User \"standin\" cannot {verb} resource \"dashboards\" in API group \"{GROUP}\" in the namespace \"{ns}\""),
                    rest.first().copied(),
                );
            }
            let dry_run = match dry_run(req) {
                Ok(d) => d,
                Err(r) => return r,
            };
            match (verb, rest) {
                ("list", []) => list(st, v, ns),
                ("get", [name]) => match st.dashboards.get(*name) {
                    Some(d) => Response::json(200, &resource(st, d, v, ns)),
                    None => not_found(name),
                },
                ("create", []) => write_resource(st, req, v, ns, None, dry_run),
                ("update", [name]) => write_resource(st, req, v, ns, Some(name), dry_run),
                ("delete", [name]) => delete(st, name, dry_run),
                _ => unreachable!("verbs are matched above"),
            }
        }
        ("GET", ["apis", ..]) => status(
            404,
            "NotFound",
            "the server could not find the requested resource",
            None,
        ),
        _ => status(
            405,
            "MethodNotAllowed",
            "the server does not allow this method on the requested resource",
            None,
        ),
    }
}

fn not_found(name: &str) -> Response {
    status(
        404,
        "NotFound",
        &format!("dashboards.{GROUP} \"{name}\" not found"),
        Some(name),
    )
}

/// Namespaces parse as in authlib's `ParseNamespace` (used by `NamespaceInfoFrom` in
/// `pkg/services/apiserver/endpoints/request/namespace.go`); one the credentials do not
/// belong to is forbidden.
fn check_namespace(st: &State, ns: &str) -> Result<(), Response> {
    let well_formed = ns == "default"
        || ns
            .strip_prefix("org-")
            .or_else(|| ns.strip_prefix("stacks-"))
            .is_some_and(|n| n.parse::<i64>().is_ok_and(|n| n > 0));
    if !well_formed {
        return Err(status(
            400,
            "BadRequest",
            &format!("invalid namespace {ns:?}: expected default, org-<id> or stacks-<id>"),
            None,
        ));
    }
    if ns != st.tenant.namespace() {
        return Err(status(
            403,
            "Forbidden",
            &format!("dashboards.{GROUP} is forbidden: namespace {ns:?} does not match the requester's namespace {:?}", st.tenant.namespace()),
            None,
        ));
    }
    Ok(())
}

/// `?dryRun=All` is the only value Kubernetes accepts (k8s.io/apiserver
/// `pkg/endpoints/handlers/rest.go`, `dryRun` validation in `pkg/apis/meta/v1/validation`).
fn dry_run(req: &Request) -> Result<bool, Response> {
    let values = req.params("dryRun");
    match values.as_slice() {
        [] => Ok(false),
        ["All"] => Ok(true),
        other => Err(status(
            400,
            "BadRequest",
            &format!("Invalid dryRun value: {other:?}: supported values: \"All\""),
            None,
        )),
    }
}

/// The family a version belongs to: a spec stored as v1 reads unchanged in any v0/v1
/// version, and likewise for v2.
fn family(version: &str) -> &str {
    if version.starts_with("v2") {
        "v2"
    } else {
        "v1"
    }
}

fn resource(st: &State, d: &StoredDashboard, version: &str, ns: &str) -> Value {
    let mut annotations: Map<String, Value> = d
        .annotations
        .iter()
        .map(|(k, v)| (k.clone(), json!(v)))
        .collect();
    if let Some(f) = &d.folder_uid {
        annotations.insert(super::apis::ANNO_FOLDER.into(), json!(f));
    }
    annotations.insert("grafana.app/createdBy".into(), json!("user:standin"));
    annotations.insert("grafana.app/updatedBy".into(), json!("user:standin"));
    annotations.insert(
        "grafana.app/updatedTimestamp".into(),
        json!("2026-01-01T00:00:00Z"),
    );
    let stored = d.stored_version.as_deref().unwrap_or("v1beta1");
    let mut status_v = json!({});
    // The v1 spec is the legacy JSON without what metadata carries (the uid is the name,
    // the version the generation, the id a deprecated label: meta.go's
    // LabelKeyDeprecatedInternalID).
    let mut spec = d.json.clone();
    if let Value::Object(m) = &mut spec {
        m.remove("id");
        m.remove("version");
        if family(stored) == "v1" {
            m.remove("uid");
        }
    }
    if family(stored) != family(version) {
        // Grafana converts between schema families on read and reports a failure in
        // status.conversion (apps/dashboard/pkg/migration/conversion/). This stand-in
        // does not convert yet, so it reports what Grafana reports when it cannot.
        status_v = json!({"conversion": {"failed": true, "storedVersion": stored,
            "error": format!("the stand-in does not convert schema {} to {}", family(stored), family(version))}});
        spec = json!({});
    }
    let _ = st;
    json!({
        "apiVersion": format!("{GROUP}/{version}"),
        "kind": "Dashboard",
        "metadata": {
            "name": d.uid,
            "namespace": ns,
            "uid": format!("standin-{:08}", d.id),
            "resourceVersion": d.resource_version.to_string(),
            "generation": d.version,
            "creationTimestamp": "2026-01-01T00:00:00Z",
            "labels": {"grafana.app/deprecatedInternalID": d.id.to_string()},
            "annotations": annotations,
        },
        "spec": spec,
        "status": status_v,
    })
}

fn list(st: &State, version: &str, ns: &str) -> Response {
    let items: Vec<Value> = st
        .dashboards
        .values()
        .map(|d| resource(st, d, version, ns))
        .collect();
    Response::json(
        200,
        &json!({
            "kind": "DashboardList", "apiVersion": format!("{GROUP}/{version}"),
            "metadata": {"resourceVersion": st.resource_version.to_string()},
            "items": items,
        }),
    )
}

fn delete(st: &mut State, name: &str, dry_run: bool) -> Response {
    let Some(d) = st.dashboards.get(name) else {
        return not_found(name);
    };
    if d.provisioned {
        return status(
            403,
            "Forbidden",
            "Cannot delete provisioned dashboard",
            Some(name),
        );
    }
    if !dry_run {
        st.dashboards.remove(name);
        st.resource_version += 1;
    }
    Response::json(
        200,
        &json!({"kind": "Status", "apiVersion": "v1", "metadata": {}, "status": "Success",
            "details": {"name": name, "group": GROUP, "kind": "dashboards"}}),
    )
}

/// The `ObjectMeta` fields Kubernetes declares (k8s.io/apimachinery
/// `pkg/apis/meta/v1/types.go`); with strict field validation anything else is refused.
const META_FIELDS: &[&str] = &[
    "name",
    "generateName",
    "namespace",
    "selfLink",
    "uid",
    "resourceVersion",
    "generation",
    "creationTimestamp",
    "deletionTimestamp",
    "deletionGracePeriodSeconds",
    "labels",
    "annotations",
    "ownerReferences",
    "finalizers",
    "managedFields",
];

fn unknown_fields(body: &Map<String, Value>) -> Vec<String> {
    let mut unknown = Vec::new();
    for k in body.keys() {
        if !["apiVersion", "kind", "metadata", "spec", "status"].contains(&k.as_str()) {
            unknown.push(format!("unknown field \"{k}\""));
        }
    }
    if let Some(Value::Object(m)) = body.get("metadata") {
        for k in m.keys().filter(|k| !META_FIELDS.contains(&k.as_str())) {
            unknown.push(format!("unknown field \"metadata.{k}\""));
        }
    }
    unknown
}

/// POST (create) and PUT (update).
fn write_resource(
    st: &mut State,
    req: &Request,
    version: &str,
    ns: &str,
    url_name: Option<&str>,
    dry_run: bool,
) -> Response {
    let bad = |m: &str| status(400, "BadRequest", m, url_name);
    let Ok(Value::Object(body)) = serde_json::from_slice::<Value>(&req.body) else {
        return bad("the body of the request was in an unknown format - accepted media types include: application/json, application/yaml");
    };
    // fieldValidation=Strict, which the stand-in applies to every write so that the
    // client cannot rely on a field Grafana would drop (k8s.io/apiserver
    // `pkg/endpoints/handlers/create.go`, "strict decoding error").
    let unknown = unknown_fields(&body);
    if !unknown.is_empty() {
        return bad(&format!("strict decoding error: {}", unknown.join(", ")));
    }
    let expected = format!("{GROUP}/{version}");
    if body.get("apiVersion").and_then(Value::as_str) != Some(&expected) {
        return bad(&format!(
            "the API version in the data ({}) does not match the expected API version ({expected})",
            body.get("apiVersion").and_then(Value::as_str).unwrap_or("")
        ));
    }
    if body.get("kind").and_then(Value::as_str) != Some("Dashboard") {
        return bad("Object 'Kind' is missing or is not \"Dashboard\"");
    }
    let empty = Map::new();
    let meta = body
        .get("metadata")
        .and_then(Value::as_object)
        .unwrap_or(&empty);
    let mut annotations = BTreeMap::new();
    match meta.get("annotations") {
        None | Some(Value::Null) => {}
        Some(Value::Object(m)) => {
            for (k, v) in m {
                let Some(v) = v.as_str() else {
                    return bad(&format!("metadata.annotations.{k}: must be a string"));
                };
                annotations.insert(k.clone(), v.to_string());
            }
        }
        Some(_) => return bad("metadata.annotations: must be an object of strings"),
    }
    if let Some(n) = meta.get("namespace").and_then(Value::as_str) {
        if n != ns {
            return bad("the namespace of the provided object does not match the namespace sent on the request");
        }
    }
    let name = meta.get("name").and_then(Value::as_str).unwrap_or("");
    let name = match url_name {
        Some(u) if name != u => {
            return bad(&format!(
                "the name of the object ({name}) does not match the name on the URL ({u})"
            ))
        }
        _ if name.is_empty() => {
            return status(422, "Invalid", "Dashboard.dashboard.grafana.app \"\" is invalid: metadata.name: Required value: name or generateName is required", None)
        }
        _ => name.to_string(),
    };
    // Grafana's names (pkg/apimachinery/validation: grafanaNameFmt, alphanumerics and
    // `-_:.`), within the legacy uid limits, which dashboards keep while legacy
    // storage is in use (pkg/services/dashboards/errors.go).
    if let Err(e) = valid_uid(&name) {
        return status(
            422,
            "Invalid",
            &format!("Dashboard.dashboard.grafana.app \"{name}\" is invalid: metadata.name: Invalid value: {name:?}: {e}"),
            Some(&name),
        );
    }
    let Some(spec) = body.get("spec").filter(|s| s.is_object()) else {
        return bad("spec: Required value: a dashboard spec object");
    };
    let title = spec.get("title").and_then(Value::as_str).unwrap_or("");
    if title.trim().is_empty() {
        return bad("Dashboard title cannot be empty");
    }
    let folder = annotations.remove(ANNO_FOLDER).filter(|f| !f.is_empty());
    if let Some(f) = &folder {
        if !st.folders.contains_key(f) {
            return bad(&format!("folder {f:?} not found"));
        }
    }
    let message = annotations.remove(ANNO_MESSAGE).unwrap_or_default();
    // Server-set annotations are not the client's to write.
    for k in [
        "grafana.app/createdBy",
        "grafana.app/updatedBy",
        "grafana.app/updatedTimestamp",
    ] {
        annotations.remove(k);
    }
    let sent_rv = meta
        .get("resourceVersion")
        .and_then(Value::as_str)
        .unwrap_or("");
    let existing = st.dashboards.get(&name);
    match (url_name, existing) {
        (None, Some(_)) => {
            return status(
                409,
                "AlreadyExists",
                &format!("dashboards.{GROUP} \"{name}\" already exists"),
                Some(&name),
            )
        }
        (Some(_), None) => return not_found(&name),
        (Some(_), Some(d)) => {
            if d.provisioned {
                return status(
                    403,
                    "Forbidden",
                    "Cannot save provisioned dashboard",
                    Some(&name),
                );
            }
            // An empty resourceVersion is an unconditional update, as Kubernetes'
            // AllowUnconditionalUpdate allows; a stale one is the optimistic-concurrency
            // conflict (k8s.io/apiserver `pkg/storage/errors.go`).
            if !sent_rv.is_empty() && sent_rv != d.resource_version.to_string() {
                return status(
                    409,
                    "Conflict",
                    &format!("Operation cannot be fulfilled on dashboards.{GROUP} \"{name}\": the object has been modified; please apply your changes to the latest version and try again"),
                    Some(&name),
                );
            }
        }
        (None, None) => {
            if !sent_rv.is_empty() {
                return bad("metadata.resourceVersion: Invalid value: resourceVersion should not be set on objects to be created");
            }
            if st.folders.contains_key(&name) {
                return bad("A dashboard with the same uid already exists");
            }
        }
    }
    let (id, generation) = match st.dashboards.get(&name) {
        Some(d) => (d.id, d.version + 1),
        None => (st.next_id, 1),
    };
    let mut json = spec.clone();
    json["id"] = json!(id);
    json["uid"] = json!(name);
    json["version"] = json!(generation);
    let rv = if dry_run {
        st.dashboards
            .get(&name)
            .map(|d| d.resource_version)
            .unwrap_or(0)
    } else {
        st.next_resource_version()
    };
    let mut d = st
        .dashboards
        .get(&name)
        .cloned()
        .unwrap_or(StoredDashboard {
            id,
            uid: name.clone(),
            version: 0,
            folder_uid: None,
            json: Value::Null,
            provisioned: false,
            history: Vec::new(),
            resource_version: 0,
            annotations: BTreeMap::new(),
            stored_version: None,
        });
    d.version = generation;
    d.folder_uid = folder;
    d.json = json.clone();
    d.resource_version = rv;
    d.annotations = annotations;
    d.stored_version = Some(version.to_string());
    d.history.push(VersionRecord {
        version: generation,
        message,
        json,
    });
    let mut out = resource(st, &d, version, ns);
    let created = url_name.is_none();
    if dry_run {
        if created {
            out["metadata"]["resourceVersion"] = json!("");
        }
    } else {
        if created {
            st.next_id += 1;
        }
        st.dashboards.insert(name, d);
        st.saves += 1;
    }
    Response::json(if created { 201 } else { 200 }, &out)
}
