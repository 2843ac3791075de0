//! A strict stand-in for Grafana's HTTP API (the legacy `/api` of Grafana 10–13 and, in
//! [`Flavor::Grafana12`] and [`Flavor::Grafana13`], the app-platform API
//! `/apis/dashboard.grafana.app` over the same store: see `apis.rs`), on a loopback
//! port, for testing push and diff without a Grafana server.
//!
//! Strict means it rejects what Grafana rejects, with Grafana's statuses and messages
//! (from `pkg/services/dashboards/errors.go`): a missing title, a bad or long uid, a
//! message over 500 bytes, an unknown folder, a provisioned dashboard, a stale version
//! (412 `version-mismatch`, or 409 in [`Flavor::Next`]), missing or bad credentials.
//! It also injects faults ([`Fault`]) and simulates edits made in the Grafana UI.
//!
//! ```
//! use integration_tests::grafana::{StandIn, ADMIN_TOKEN};
//! let g = StandIn::start();
//! let health: serde_json::Value = reqwest::blocking::get(format!("{}/api/health", g.url()))
//!     .unwrap().json().unwrap();
//! assert_eq!(health["database"], "ok");
//! assert_eq!(g.saves(), 0);
//! # let _ = ADMIN_TOKEN;
//! ```

use std::collections::BTreeMap;
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Duration;

use serde_json::{json, Value};

use test_support::http::{HttpServer, Reply, Request, Response};

mod apis;

pub use apis::Tenant;

/// The token every stand-in accepts, with the Admin role.
pub const ADMIN_TOKEN: &str = "glsa_standin_admin_0123456789abcdef";

/// Which generation of Grafana to imitate.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Flavor {
    /// Grafana 10–12: a stale version gets 412 `version-mismatch`.
    Grafana11,
    /// Grafana main, dashboards in the unified storage: a stale version gets 409.
    /// Legacy API only, like [`Flavor::Grafana11`].
    Next,
    /// Grafana 12: the legacy API (412 on a stale version) and the app-platform API
    /// `dashboard.grafana.app` in `v1beta1` (preferred) and `v2beta1`.
    Grafana12,
    /// Grafana 13: the legacy API (409 on a stale version, unified storage) and
    /// `dashboard.grafana.app` in `v1` and `v2` (preferred).
    Grafana13,
}

/// What a credential may do.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Role {
    /// Everything.
    Admin,
    /// Read and write dashboards and folders.
    Editor,
    /// Read only: writes get 403.
    Viewer,
    /// Authenticated but allowed nothing: every call gets 403.
    NoAccess,
}

/// A fault to inject into matching requests, before the API sees them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Fault {
    /// Answer with this status (and `Retry-After`, if set) without touching anything.
    Status {
        /// The status.
        status: u16,
        /// `Retry-After` in seconds.
        retry_after: Option<u64>,
    },
    /// Close the connection without answering; the request is not applied.
    Close,
    /// Apply the request, then close the connection without answering: the client
    /// cannot know it landed.
    ApplyThenClose,
    /// Wait, then answer normally.
    Delay(Duration),
    /// Before a `POST /api/dashboards/db`, someone saves the same dashboard in the UI:
    /// the edit between the client's read and its write.
    ConcurrentEdit,
    /// Answer 200 with an HTML page, like a login page or another web server.
    Html,
}

#[derive(Debug, Clone)]
struct FaultRule {
    method: String,
    path_prefix: String,
    remaining: usize,
    fault: Fault,
}

/// One version of a stored dashboard.
#[derive(Debug, Clone, PartialEq)]
pub struct VersionRecord {
    /// The version number.
    pub version: i64,
    /// The version message.
    pub message: String,
    /// The JSON saved.
    pub json: Value,
}

/// A dashboard as the stand-in stores it.
#[derive(Debug, Clone, PartialEq)]
pub struct StoredDashboard {
    /// Its numeric id.
    pub id: i64,
    /// Its uid.
    pub uid: String,
    /// Its current version.
    pub version: i64,
    /// Its folder, `None` for the root.
    pub folder_uid: Option<String>,
    /// The current JSON, with `id`, `uid` and `version` set as Grafana sets them.
    pub json: Value,
    /// Provisioned from files: the API refuses to save it.
    pub provisioned: bool,
    /// Every version, oldest first.
    pub history: Vec<VersionRecord>,
    /// `metadata.resourceVersion` in the app-platform API: changes with every write
    /// through either API.
    pub resource_version: i64,
    /// The annotations written through the app-platform API (folder excluded: that is
    /// [`folder_uid`](Self::folder_uid)); a legacy save keeps them.
    pub annotations: BTreeMap<String, String>,
    /// The API version it was last written through (`v1beta1`, `v2`…), `None` for the
    /// legacy API or a seed.
    pub stored_version: Option<String>,
}

/// A folder as the stand-in stores it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredFolder {
    /// Its numeric id.
    pub id: i64,
    /// Its uid.
    pub uid: String,
    /// Its title.
    pub title: String,
    /// Its parent.
    pub parent_uid: Option<String>,
}

/// A request as the stand-in saw it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Logged {
    /// The method.
    pub method: String,
    /// The path.
    pub path: String,
    /// `X-Grafana-Org-Id`, if sent.
    pub org_id: Option<String>,
    /// Whether an `Authorization` header came with it.
    pub authorized: bool,
}

struct State {
    flavor: Flavor,
    tokens: BTreeMap<String, Role>,
    users: BTreeMap<String, (String, Role)>,
    dashboards: BTreeMap<String, StoredDashboard>,
    folders: BTreeMap<String, StoredFolder>,
    next_id: i64,
    faults: Vec<FaultRule>,
    log: Vec<Logged>,
    saves: usize,
    /// Requests a `Fault::Delay` holds, counted when the fault is picked.
    delayed: usize,
    echo_credentials: bool,
    /// The last resourceVersion handed out, shared by all dashboards as in a
    /// Kubernetes storage.
    resource_version: i64,
    /// The org the credentials belong to (its namespace is served), or a Cloud stack.
    tenant: apis::Tenant,
}

/// The stand-in server. Stops when dropped.
pub struct StandIn {
    server: HttpServer,
    state: Arc<Mutex<State>>,
}

/// The fields the Grafana dashboard editor keeps when it saves; it drops any other
/// top-level field, which is what push's marker must survive being dropped.
const UI_FIELDS: &[&str] = &[
    "annotations",
    "description",
    "editable",
    "fiscalYearStartMonth",
    "gnetId",
    "graphTooltip",
    "id",
    "links",
    "liveNow",
    "panels",
    "preload",
    "refresh",
    "schemaVersion",
    "tags",
    "templating",
    "time",
    "timepicker",
    "timezone",
    "title",
    "uid",
    "version",
    "weekStart",
];

impl StandIn {
    /// A Grafana 11 stand-in that accepts [`ADMIN_TOKEN`].
    pub fn start() -> Self {
        Self::start_with(Flavor::Grafana11)
    }

    /// A stand-in of the given flavor.
    pub fn start_with(flavor: Flavor) -> Self {
        let state = Arc::new(Mutex::new(State {
            flavor,
            tokens: BTreeMap::from([(ADMIN_TOKEN.to_string(), Role::Admin)]),
            users: BTreeMap::new(),
            dashboards: BTreeMap::new(),
            folders: BTreeMap::new(),
            next_id: 1,
            faults: Vec::new(),
            log: Vec::new(),
            saves: 0,
            delayed: 0,
            echo_credentials: false,
            resource_version: 1000,
            tenant: apis::Tenant::Org(1),
        }));
        let s2 = state.clone();
        let server = HttpServer::start(move |req| handle(&s2, req)).expect("bind a loopback port");
        StandIn { server, state }
    }

    fn lock(&self) -> MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// `http://127.0.0.1:<port>`.
    pub fn url(&self) -> String {
        self.server.url()
    }

    /// Accept another token.
    pub fn add_token(&self, token: &str, role: Role) {
        self.lock().tokens.insert(token.into(), role);
    }

    /// Accept a user for basic auth.
    pub fn add_user(&self, user: &str, password: &str, role: Role) {
        self.lock()
            .users
            .insert(user.into(), (password.into(), role));
    }

    /// Put the `Authorization` header into 401 answers, as a badly configured proxy
    /// might: the client must not show it.
    pub fn echo_credentials_in_errors(&self) {
        self.lock().echo_credentials = true;
    }

    /// Inject `fault` into the next `times` requests of `method` whose path starts with
    /// `path_prefix`. Rules apply in the order they were added.
    pub fn inject(&self, method: &str, path_prefix: &str, fault: Fault, times: usize) {
        self.lock().faults.push(FaultRule {
            method: method.into(),
            path_prefix: path_prefix.into(),
            remaining: times,
            fault,
        });
    }

    /// Faults not yet used up.
    pub fn pending_faults(&self) -> usize {
        self.lock().faults.iter().map(|f| f.remaining).sum()
    }

    /// Requests a [`Fault::Delay`] holds that it has not handled yet: once this and
    /// [`pending_faults`](Self::pending_faults) are 0, every delayed write has landed (or
    /// been refused).
    ///
    /// ```
    /// use std::time::Duration;
    /// use integration_tests::grafana::{Fault, StandIn};
    /// let g = StandIn::start();
    /// g.inject("GET", "/api/health", Fault::Delay(Duration::from_millis(10)), 1);
    /// assert_eq!((g.pending_faults(), g.delayed()), (1, 0));
    /// reqwest::blocking::get(format!("{}/api/health", g.url())).unwrap();
    /// assert_eq!((g.pending_faults(), g.delayed()), (0, 0));
    /// ```
    pub fn delayed(&self) -> usize {
        self.lock().delayed
    }

    /// Create a folder directly.
    pub fn add_folder(&self, uid: &str, title: &str, parent_uid: Option<&str>) {
        let mut st = self.lock();
        let id = st.next_id;
        st.next_id += 1;
        st.folders.insert(
            uid.into(),
            StoredFolder {
                id,
                uid: uid.into(),
                title: title.into(),
                parent_uid: parent_uid.map(str::to_string),
            },
        );
    }

    /// Store a dashboard directly, as another tool (or provisioning) would have.
    pub fn seed(&self, json: Value, folder_uid: Option<&str>, provisioned: bool) {
        let mut st = self.lock();
        let uid = json["uid"]
            .as_str()
            .expect("seeded dashboards need a uid")
            .to_string();
        let id = st.next_id;
        st.next_id += 1;
        let mut json = json;
        json["id"] = json!(id);
        json["version"] = json!(1);
        let resource_version = st.next_resource_version();
        st.dashboards.insert(
            uid.clone(),
            StoredDashboard {
                id,
                uid,
                version: 1,
                folder_uid: folder_uid.map(str::to_string),
                history: vec![VersionRecord {
                    version: 1,
                    message: String::new(),
                    json: json.clone(),
                }],
                json,
                provisioned,
                resource_version,
                annotations: BTreeMap::new(),
                stored_version: None,
            },
        );
    }

    /// A save from the Grafana UI: `edit` changes the JSON, the version goes up, and
    /// unless `keep_unknown_fields`, top-level fields the editor does not know (push's
    /// marker among them) are dropped, as the real editor does. Returns the new version.
    pub fn ui_edit(
        &self,
        uid: &str,
        keep_unknown_fields: bool,
        edit: impl FnOnce(&mut Value),
    ) -> i64 {
        let mut st = self.lock();
        ui_edit_locked(&mut st, uid, keep_unknown_fields, edit)
    }

    /// A copy of a stored dashboard.
    pub fn dashboard(&self, uid: &str) -> Option<StoredDashboard> {
        self.lock().dashboards.get(uid).cloned()
    }

    /// Every stored dashboard's uid.
    pub fn uids(&self) -> Vec<String> {
        self.lock().dashboards.keys().cloned().collect()
    }

    /// A copy of a folder.
    pub fn folder(&self, uid: &str) -> Option<StoredFolder> {
        self.lock().folders.get(uid).cloned()
    }

    /// Successful dashboard saves so far: the writes.
    pub fn saves(&self) -> usize {
        self.lock().saves
    }

    /// Every request so far.
    pub fn requests(&self) -> Vec<Logged> {
        self.lock().log.clone()
    }

    /// How many requests of `method` had a path starting with `prefix`.
    pub fn count(&self, method: &str, prefix: &str) -> usize {
        self.lock()
            .log
            .iter()
            .filter(|l| l.method == method && l.path.starts_with(prefix))
            .count()
    }

    /// Serve this tenant's namespace instead of org 1's `default`: `Tenant::Org(2)`
    /// serves `org-2`, `Tenant::Stack(77)` serves `stacks-77` as Grafana Cloud does.
    pub fn set_tenant(&self, tenant: Tenant) {
        self.lock().tenant = tenant;
    }

    /// Forget the request log and the save count.
    pub fn reset_counters(&self) {
        let mut st = self.lock();
        st.log.clear();
        st.saves = 0;
    }
}

impl State {
    fn next_resource_version(&mut self) -> i64 {
        self.resource_version += 1;
        self.resource_version
    }
}

fn ui_edit_locked(
    st: &mut State,
    uid: &str,
    keep_unknown: bool,
    edit: impl FnOnce(&mut Value),
) -> i64 {
    let rv = st.next_resource_version();
    let d = st
        .dashboards
        .get_mut(uid)
        .unwrap_or_else(|| panic!("no dashboard {uid} to edit"));
    let mut json = d.json.clone();
    edit(&mut json);
    if !keep_unknown {
        if let Value::Object(m) = &mut json {
            m.retain(|k, _| UI_FIELDS.contains(&k.as_str()));
        }
    }
    d.version += 1;
    json["version"] = json!(d.version);
    json["id"] = json!(d.id);
    d.json = json.clone();
    d.resource_version = rv;
    d.history.push(VersionRecord {
        version: d.version,
        message: String::new(),
        json,
    });
    d.version
}

fn err(status: u16, message: &str) -> Response {
    Response::json(status, &json!({"message": message}))
}

fn handle(state: &Mutex<State>, req: &Request) -> Reply {
    let fault = {
        let mut st = state.lock().unwrap_or_else(|e| e.into_inner());
        st.log.push(Logged {
            method: req.method.clone(),
            path: req.path.clone(),
            org_id: req.header("x-grafana-org-id").map(str::to_string),
            authorized: req.header("authorization").is_some(),
        });
        let rule = st.faults.iter_mut().find(|f| {
            f.remaining > 0 && f.method == req.method && req.path.starts_with(&f.path_prefix)
        });
        let fault = rule.map(|r| {
            r.remaining -= 1;
            r.fault.clone()
        });
        // Under the same lock as the fault's use, so that no fault pending and none
        // delayed means every delayed request has been handled.
        if matches!(fault, Some(Fault::Delay(_))) {
            st.delayed += 1;
        }
        fault
    };
    match fault {
        Some(Fault::Status { status, retry_after }) => {
            let mut r = err(status, "injected fault");
            if let Some(s) = retry_after {
                r = r.with_header("Retry-After", &s.to_string());
            }
            Reply::Respond(r)
        }
        Some(Fault::Close) => Reply::Close,
        Some(Fault::Html) => Reply::Respond(Response::text(
            200,
            "text/html; charset=utf-8",
            "<!doctype html><html><head><title>Welcome to nginx!</title></head><body>It works</body></html>",
        )),
        Some(Fault::ApplyThenClose) => {
            let _ = api(state, req);
            Reply::Close
        }
        Some(Fault::Delay(d)) => {
            // A slow Grafana is the fault itself: the delay is what the test injects.
            std::thread::sleep(d);
            let response = api(state, req);
            state.lock().unwrap_or_else(|e| e.into_inner()).delayed -= 1;
            Reply::Respond(response)
        }
        Some(Fault::ConcurrentEdit) => {
            if let Some(uid) = serde_json::from_slice::<Value>(&req.body)
                .ok()
                .and_then(|b| {
                    // The legacy body, or an app-platform resource.
                    b["dashboard"]["uid"]
                        .as_str()
                        .or(b["metadata"]["name"].as_str())
                        .map(str::to_string)
                })
            {
                let mut st = state.lock().unwrap_or_else(|e| e.into_inner());
                if st.dashboards.contains_key(&uid) {
                    ui_edit_locked(&mut st, &uid, false, |d| {
                        d["description"] = json!("edited concurrently in the UI");
                    });
                }
            }
            Reply::Respond(api(state, req))
        }
        None => Reply::Respond(api(state, req)),
    }
}

fn api(state: &Mutex<State>, req: &Request) -> Response {
    let mut st = state.lock().unwrap_or_else(|e| e.into_inner());
    let path = req.path.trim_end_matches('/');
    if path == "/api/health" {
        if req.method != "GET" {
            return err(405, "Method Not Allowed");
        }
        // No credentials needed, as in Grafana.
        let version = match st.flavor {
            Flavor::Grafana11 => "11.6.0",
            Flavor::Grafana12 => "12.3.0",
            Flavor::Grafana13 => "13.0.0",
            Flavor::Next => "13.0.0-pre",
        };
        return Response::json(
            200,
            &json!({"commit": "standin", "database": "ok", "version": version}),
        );
    }
    if path == "/apis" || path.starts_with("/apis/") {
        return apis::handle(&mut st, req, path);
    }
    if !path.starts_with("/api/") {
        return Response::text(404, "text/html", "<html><body>Page not found</body></html>");
    }
    let role = match authenticate(&st, req) {
        Ok(r) => r,
        Err(resp) => return resp,
    };
    if role == Role::NoAccess {
        return err(403, "You'll need additional permissions to perform this action. Permissions needed: dashboards:read");
    }
    let write = req.method != "GET";
    if write && role == Role::Viewer {
        return err(403, "Access denied to save dashboard");
    }
    let segs: Vec<&str> = path.trim_start_matches("/api/").split('/').collect();
    match (req.method.as_str(), segs.as_slice()) {
        ("GET", ["search"]) => search(&st, req),
        ("GET", ["dashboards", "uid", uid]) => get_dashboard(&st, uid),
        ("POST", ["dashboards", "db"]) => save_dashboard(&mut st, req),
        ("GET", ["folders"]) => Response::json(
            200,
            &Value::Array(st.folders.values().map(folder_json).collect()),
        ),
        ("POST", ["folders"]) => create_folder(&mut st, req),
        ("GET", ["folders", uid]) => match st.folders.get(*uid) {
            Some(f) => Response::json(200, &folder_json(f)),
            None => Response::json(
                404,
                &json!({"message": "folder not found", "status": "not-found"}),
            ),
        },
        (
            _,
            ["search"]
            | ["dashboards", "db"]
            | ["folders"]
            | ["folders", _]
            | ["dashboards", "uid", _],
        ) => err(405, "Method Not Allowed"),
        _ => err(404, "Not found"),
    }
}

fn authenticate(st: &State, req: &Request) -> Result<Role, Response> {
    let header = req.header("authorization");
    let deny = |message: &str| {
        let mut m = message.to_string();
        if st.echo_credentials {
            m.push_str(&format!(" (got {})", header.unwrap_or("nothing")));
        }
        Err(Response::json(
            401,
            &json!({"message": m, "messageId": "auth.unauthorized", "statusCode": 401}),
        ))
    };
    let Some(h) = header else {
        return deny("Unauthorized");
    };
    if let Some(token) = h.strip_prefix("Bearer ") {
        return match st.tokens.get(token.trim()) {
            Some(r) => Ok(*r),
            None => deny("Invalid API key"),
        };
    }
    if let Some(b64) = h.strip_prefix("Basic ") {
        let decoded = base64_decode(b64.trim()).unwrap_or_default();
        let text = String::from_utf8_lossy(&decoded);
        if let Some((user, pass)) = text.split_once(':') {
            if let Some((p, role)) = st.users.get(user) {
                if p == pass {
                    return Ok(*role);
                }
            }
        }
        return deny("invalid username or password");
    }
    deny("Unauthorized")
}

fn base64_decode(s: &str) -> Option<Vec<u8>> {
    let val = |c: u8| -> Option<u32> {
        Some(match c {
            b'A'..=b'Z' => c - b'A',
            b'a'..=b'z' => c - b'a' + 26,
            b'0'..=b'9' => c - b'0' + 52,
            b'+' => 62,
            b'/' => 63,
            _ => return None,
        } as u32)
    };
    let bytes: Vec<u8> = s.bytes().filter(|&c| c != b'=').collect();
    let mut out = Vec::new();
    for chunk in bytes.chunks(4) {
        let mut n = 0u32;
        for (i, &c) in chunk.iter().enumerate() {
            n |= val(c)? << (18 - 6 * i);
        }
        let take = match chunk.len() {
            4 => 3,
            3 => 2,
            2 => 1,
            _ => return None,
        };
        for i in 0..take {
            out.push((n >> (16 - 8 * i)) as u8);
        }
    }
    Some(out)
}

fn slug(title: &str) -> String {
    let mut s = String::new();
    for c in title.chars() {
        if c.is_alphanumeric() {
            s.extend(c.to_lowercase());
        } else if !s.ends_with('-') {
            s.push('-');
        }
    }
    s.trim_matches('-').to_string()
}

fn valid_uid(uid: &str) -> Result<(), &'static str> {
    if uid.chars().count() > 40 {
        return Err("uid too long, max 40 characters");
    }
    if !uid
        .chars()
        .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
    {
        return Err("uid contains illegal characters");
    }
    Ok(())
}

fn folder_json(f: &StoredFolder) -> Value {
    let mut v = json!({
        "id": f.id, "uid": f.uid, "title": f.title,
        "url": format!("/dashboards/f/{}/{}", f.uid, slug(&f.title)),
        "hasAcl": false, "canSave": true, "canEdit": true, "canAdmin": true, "canDelete": true,
        "version": 1,
    });
    if let Some(p) = &f.parent_uid {
        v["parentUid"] = json!(p);
    }
    v
}

fn get_dashboard(st: &State, uid: &str) -> Response {
    let Some(d) = st.dashboards.get(uid) else {
        return Response::json(
            404,
            &json!({"message": "Dashboard not found", "status": "not-found"}),
        );
    };
    let folder = d.folder_uid.as_ref().and_then(|f| st.folders.get(f));
    let title = d.json["title"].as_str().unwrap_or_default();
    Response::json(
        200,
        &json!({
            "dashboard": d.json,
            "meta": {
                "type": "db",
                "canSave": !d.provisioned, "canEdit": true, "canAdmin": true, "canStar": true, "canDelete": true,
                "slug": slug(title),
                "url": format!("/d/{}/{}", d.uid, slug(title)),
                "expires": "0001-01-01T00:00:00Z",
                "created": "2026-01-01T00:00:00Z",
                "updated": "2026-01-01T00:00:00Z",
                "updatedBy": "admin", "createdBy": "admin",
                "version": d.version,
                "hasAcl": false, "isFolder": false,
                "folderId": folder.map(|f| f.id).unwrap_or(0),
                "folderUid": d.folder_uid.clone().unwrap_or_default(),
                "folderTitle": folder.map(|f| f.title.clone()).unwrap_or_else(|| "Dashboards".into()),
                "folderUrl": folder.map(|f| format!("/dashboards/f/{}/", f.uid)).unwrap_or_default(),
                "provisioned": d.provisioned,
                "provisionedExternalId": if d.provisioned { format!("{}.json", d.uid) } else { String::new() },
            }
        }),
    )
}

fn save_dashboard(st: &mut State, req: &Request) -> Response {
    let Ok(body) = serde_json::from_slice::<Value>(&req.body) else {
        return err(400, "bad request data");
    };
    let Some(dash) = body.get("dashboard").filter(|d| d.is_object()) else {
        return err(400, "bad request data: dashboard is required");
    };
    let message = body.get("message").and_then(Value::as_str).unwrap_or("");
    // Grafana checks Go's len(): bytes, not characters.
    if message.len() > 500 {
        return err(400, "message too long, max 500 characters");
    }
    let overwrite = match body.get("overwrite") {
        None | Some(Value::Null) => false,
        Some(Value::Bool(b)) => *b,
        Some(_) => return err(400, "bad request data: overwrite must be a boolean"),
    };
    let title = dash.get("title").and_then(Value::as_str).unwrap_or("");
    if title.trim().is_empty() {
        return Response::json(
            400,
            &json!({"message": "Dashboard title cannot be empty", "status": "empty-name"}),
        );
    }
    let uid = match dash.get("uid") {
        None | Some(Value::Null) => String::new(),
        Some(Value::String(s)) => s.clone(),
        Some(_) => return err(400, "bad request data: uid must be a string"),
    };
    if let Err(e) = valid_uid(&uid) {
        return err(400, e);
    }
    let folder_uid = body
        .get("folderUid")
        .and_then(Value::as_str)
        .filter(|s| !s.is_empty())
        .map(str::to_string);
    if let Some(f) = &folder_uid {
        if !st.folders.contains_key(f) {
            return err(400, "folder not found");
        }
    }
    let id = match dash.get("id") {
        None | Some(Value::Null) => None,
        Some(v) => match v.as_i64() {
            Some(0) => None,
            Some(n) => Some(n),
            None => return err(400, "bad request data: id must be a number"),
        },
    };
    let mut existing_uid: Option<String> = None;
    if let Some(id) = id {
        let Some(by_id) = st.dashboards.values().find(|d| d.id == id) else {
            return Response::json(
                404,
                &json!({"message": "Dashboard not found", "status": "not-found"}),
            );
        };
        if !uid.is_empty() && by_id.uid != uid && st.dashboards.contains_key(&uid) {
            return err(400, "A dashboard with the same uid already exists");
        }
        existing_uid = Some(by_id.uid.clone());
    } else if st.dashboards.contains_key(&uid) {
        existing_uid = Some(uid.clone());
    }
    if existing_uid.is_none() && st.folders.contains_key(&uid) {
        return err(400, "A dashboard with the same uid already exists");
    }
    let sent_version = dash.get("version").and_then(Value::as_i64).unwrap_or(0);
    let flavor = st.flavor;
    let (id, uid, version) = match &existing_uid {
        Some(e) => {
            let d = &st.dashboards[e];
            if d.provisioned {
                return err(400, "Cannot save provisioned dashboard");
            }
            if !overwrite && sent_version != d.version {
                return match flavor {
                    Flavor::Grafana11 | Flavor::Grafana12 => Response::json(
                        412,
                        &json!({"message": "The dashboard has been changed by someone else", "status": "version-mismatch"}),
                    ),
                    Flavor::Next | Flavor::Grafana13 => Response::json(
                        409,
                        &json!({
                            "kind": "Status", "apiVersion": "v1", "status": "Failure", "reason": "Conflict", "code": 409,
                            "message": format!("Operation cannot be fulfilled on dashboards.dashboard.grafana.app \"{}\": the object has been modified; please apply your changes to the latest version and try again", d.uid),
                        }),
                    ),
                };
            }
            (d.id, d.uid.clone(), d.version + 1)
        }
        None => {
            let id = st.next_id;
            st.next_id += 1;
            let uid = if uid.is_empty() {
                format!("gen{id:06}")
            } else {
                uid
            };
            (id, uid, 1)
        }
    };
    let mut stored = dash.clone();
    stored["id"] = json!(id);
    stored["uid"] = json!(uid);
    stored["version"] = json!(version);
    let record = VersionRecord {
        version,
        message: message.to_string(),
        json: stored.clone(),
    };
    let resource_version = st.next_resource_version();
    match st.dashboards.get_mut(&uid) {
        Some(d) => {
            d.resource_version = resource_version;
            d.stored_version = None;
            d.version = version;
            d.folder_uid = folder_uid.clone();
            d.json = stored;
            d.history.push(record);
        }
        None => {
            st.dashboards.insert(
                uid.clone(),
                StoredDashboard {
                    id,
                    uid: uid.clone(),
                    version,
                    folder_uid: folder_uid.clone(),
                    json: stored,
                    provisioned: false,
                    history: vec![record],
                    resource_version,
                    annotations: BTreeMap::new(),
                    stored_version: None,
                },
            );
        }
    }
    st.saves += 1;
    Response::json(
        200,
        &json!({
            "id": id, "uid": uid, "url": format!("/d/{uid}/{}", slug(title)), "status": "success",
            "version": version, "slug": slug(title), "folderUid": folder_uid.unwrap_or_default(),
        }),
    )
}

fn create_folder(st: &mut State, req: &Request) -> Response {
    let Ok(body) = serde_json::from_slice::<Value>(&req.body) else {
        return err(400, "bad request data");
    };
    let title = body.get("title").and_then(Value::as_str).unwrap_or("");
    if title.trim().is_empty() {
        return err(400, "folder title cannot be empty");
    }
    let uid = body
        .get("uid")
        .and_then(Value::as_str)
        .unwrap_or("")
        .to_string();
    if valid_uid(&uid).is_err() {
        return err(400, "invalid uid for folder provided");
    }
    let parent = body
        .get("parentUid")
        .and_then(Value::as_str)
        .filter(|s| !s.is_empty())
        .map(str::to_string);
    if let Some(p) = &parent {
        if !st.folders.contains_key(p) {
            return Response::json(
                404,
                &json!({"message": "folder not found", "status": "not-found"}),
            );
        }
    }
    if !uid.is_empty() && (st.folders.contains_key(&uid) || st.dashboards.contains_key(&uid)) {
        return err(409, "a folder/dashboard with the same uid already exists");
    }
    if st
        .folders
        .values()
        .any(|f| f.title == title && f.parent_uid == parent)
    {
        return err(409, "a folder with the same name already exists");
    }
    let id = st.next_id;
    st.next_id += 1;
    let uid = if uid.is_empty() {
        format!("f{id:06}")
    } else {
        uid
    };
    let f = StoredFolder {
        id,
        uid: uid.clone(),
        title: title.to_string(),
        parent_uid: parent,
    };
    let v = folder_json(&f);
    st.folders.insert(uid, f);
    Response::json(200, &v)
}

fn search(st: &State, req: &Request) -> Response {
    let query = req.param("query").unwrap_or("").to_lowercase();
    let kind = req.param("type");
    let uids = req.params("dashboardUIDs");
    let folder_uids = req.params("folderUIDs");
    let tags = req.params("tag");
    let limit: usize = req
        .param("limit")
        .and_then(|l| l.parse().ok())
        .unwrap_or(1000)
        .min(5000);
    let page: usize = req
        .param("page")
        .and_then(|p| p.parse().ok())
        .unwrap_or(1)
        .max(1);
    let mut hits: Vec<(String, Value)> = Vec::new();
    if kind.is_none() || kind == Some("dash-folder") {
        for f in st.folders.values() {
            if f.title.to_lowercase().contains(&query) && uids.is_empty() && tags.is_empty() {
                hits.push((
                    f.title.clone(),
                    json!({"id": f.id, "uid": f.uid, "title": f.title, "uri": format!("db/{}", slug(&f.title)),
                           "url": format!("/dashboards/f/{}/{}", f.uid, slug(&f.title)), "slug": "",
                           "type": "dash-folder", "tags": [], "isStarred": false, "sortMeta": 0}),
                ));
            }
        }
    }
    if kind.is_none() || kind == Some("dash-db") {
        for d in st.dashboards.values() {
            let title = d.json["title"].as_str().unwrap_or_default();
            let dtags: Vec<&str> = d.json["tags"]
                .as_array()
                .map(|a| a.iter().filter_map(Value::as_str).collect())
                .unwrap_or_default();
            if !title.to_lowercase().contains(&query)
                || (!uids.is_empty() && !uids.contains(&d.uid.as_str()))
                || (!folder_uids.is_empty()
                    && !folder_uids.contains(&d.folder_uid.as_deref().unwrap_or("general")))
                || !tags.iter().all(|t| dtags.contains(t))
            {
                continue;
            }
            let folder = d.folder_uid.as_ref().and_then(|f| st.folders.get(f));
            let mut hit = json!({"id": d.id, "uid": d.uid, "title": title, "uri": format!("db/{}", slug(title)),
                "url": format!("/d/{}/{}", d.uid, slug(title)), "slug": "", "type": "dash-db",
                "tags": dtags, "isStarred": false, "sortMeta": 0});
            if let Some(f) = folder {
                hit["folderId"] = json!(f.id);
                hit["folderUid"] = json!(f.uid);
                hit["folderTitle"] = json!(f.title);
                hit["folderUrl"] = json!(format!("/dashboards/f/{}/{}", f.uid, slug(&f.title)));
            }
            hits.push((title.to_string(), hit));
        }
    }
    hits.sort_by_key(|h| h.0.to_lowercase());
    let page: Vec<Value> = hits
        .into_iter()
        .skip((page - 1) * limit)
        .take(limit)
        .map(|(_, h)| h)
        .collect();
    Response::json(200, &Value::Array(page))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base64() {
        assert_eq!(base64_decode("YWRtaW46c2VjcmV0").unwrap(), b"admin:secret");
        assert_eq!(base64_decode("YQ==").unwrap(), b"a");
    }

    #[test]
    fn uid_rules() {
        assert!(valid_uid("spark-overview_1").is_ok());
        assert!(valid_uid(&"a".repeat(41)).is_err());
        assert!(valid_uid("a b").is_err());
    }
}
