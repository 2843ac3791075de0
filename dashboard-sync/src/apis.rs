//! Grafana's app-platform API for dashboards, `/apis/dashboard.grafana.app` (Grafana 12
//! and 13): discovery, the namespace, and reading and writing a dashboard as a resource.
//!
//! Push keeps one plan for both APIs: a resource read here comes back as a
//! [`ServerDashboard`] whose JSON carries push's content hash as the legacy marker
//! would, taken from the `grafana.app/sourceChecksum` annotation; on the way out the
//! marker leaves the spec and goes back into that annotation, so the spec stays clean.
//!
//! Annotation names are Grafana's, from `pkg/apimachinery/utils/meta.go`.

use reqwest::Method;
use serde_json::{json, Map, Value};

use crate::client::{GrafanaClient, ServerDashboard};
use crate::content::MARKER_FIELD;
use crate::error::{ApiError, SaveError};

/// The API group.
pub const GROUP: &str = "dashboard.grafana.app";
/// The folder uid (`AnnoKeyFolder`).
pub const ANNO_FOLDER: &str = "grafana.app/folder";
/// The version message (`AnnoKeyMessage`).
pub const ANNO_MESSAGE: &str = "grafana.app/message";
/// Which kind of tool manages the resource (`AnnoKeyManagerKind`).
pub const ANNO_MANAGED_BY: &str = "grafana.app/managedBy";
/// Which instance of it (`AnnoKeyManagerIdentity`).
pub const ANNO_MANAGER_ID: &str = "grafana.app/managerId";
/// Whether the UI may still edit a managed resource (`AnnoKeyManagerAllowsEdits`).
pub const ANNO_MANAGER_ALLOWS_EDITS: &str = "grafana.app/managerAllowsEdits";
/// The file the resource came from (`AnnoKeySourcePath`).
pub const ANNO_SOURCE_PATH: &str = "grafana.app/sourcePath";
/// The checksum of what the tool wrote (`AnnoKeySourceChecksum`).
pub const ANNO_SOURCE_CHECKSUM: &str = "grafana.app/sourceChecksum";
/// The manager kind push declares: `kubectl`, Grafana's kind for generic API clients
/// (`ManagerKindKubectl` in `pkg/apimachinery/utils/manager.go`; it has no kind for
/// other tools, and `repo` is its own Git sync).
pub const MANAGER_KIND: &str = "kubectl";
/// The manager identity push declares.
pub const MANAGER_ID: &str = "dashboards-as-code";

/// Which API push speaks.
///
/// ```
/// use dashboard_sync::apis::ApiChoice;
/// assert_eq!("auto".parse::<ApiChoice>().unwrap(), ApiChoice::Auto);
/// assert!("k8s".parse::<ApiChoice>().is_err());
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum ApiChoice {
    /// The app-platform API when the server serves it, else the legacy one.
    #[default]
    Auto,
    /// The app-platform API; an error when the server does not serve it.
    Apis,
    /// The legacy `/api/dashboards` endpoints (Grafana 10 and 11).
    Legacy,
}

impl std::str::FromStr for ApiChoice {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        match s {
            "auto" => Ok(ApiChoice::Auto),
            "apis" => Ok(ApiChoice::Apis),
            "legacy" => Ok(ApiChoice::Legacy),
            other => Err(format!("--api {other:?}: expected auto, apis or legacy")),
        }
    }
}

/// Where dashboards live on a server that serves the app-platform API.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AppPlatform {
    /// The version used: the v1 family (`v1`, `v1beta1`), which takes schema v1 JSON.
    pub version: String,
    /// The namespace: `default`, `org-<id>` or (Grafana Cloud) `stacks-<id>`.
    pub namespace: String,
}

impl AppPlatform {
    fn collection(&self) -> String {
        format!(
            "/apis/{GROUP}/{}/namespaces/{}/dashboards",
            self.version, self.namespace
        )
    }
}

/// The namespace of an org, as Grafana names it: `default` for org 1 (or none given),
/// `org-<id>` otherwise (authlib's `OrgNamespaceFormatter`, used by
/// `pkg/services/apiserver/endpoints/request/namespace.go`). Grafana Cloud maps every org
/// to `stacks-<stack id>`, which only the user knows: pass it with `--namespace`.
///
/// ```
/// assert_eq!(dashboard_sync::apis::org_namespace(None), "default");
/// assert_eq!(dashboard_sync::apis::org_namespace(Some(1)), "default");
/// assert_eq!(dashboard_sync::apis::org_namespace(Some(4)), "org-4");
/// ```
pub fn org_namespace(org_id: Option<u64>) -> String {
    match org_id {
        None | Some(1) => "default".into(),
        Some(n) => format!("org-{n}"),
    }
}

/// Picks the v1-family version the server serves (this build pushes schema v1 JSON),
/// the stablest first, from an `APIGroupList`.
///
/// ```
/// use serde_json::json;
/// let list = json!({"groups": [{"name": "dashboard.grafana.app",
///     "versions": [{"version": "v2"}, {"version": "v1"}, {"version": "v1beta1"}]}]});
/// assert_eq!(dashboard_sync::apis::pick_version(&list).as_deref(), Some("v1"));
/// assert_eq!(dashboard_sync::apis::pick_version(&json!({"groups": []})), None);
/// ```
pub fn pick_version(group_list: &Value) -> Option<String> {
    let group = group_list["groups"]
        .as_array()?
        .iter()
        .find(|g| g["name"] == GROUP)?;
    let served: Vec<&str> = group["versions"]
        .as_array()?
        .iter()
        .filter_map(|v| v["version"].as_str())
        .collect();
    ["v1", "v1beta1", "v0alpha1"]
        .into_iter()
        .find(|v| served.contains(v))
        .map(str::to_string)
}

/// The hash inside a legacy marker value (`{"contentHash": ...}`).
fn recorded_hash_of(marker: &Value) -> Option<String> {
    marker
        .get("contentHash")
        .and_then(Value::as_str)
        .map(str::to_string)
}

/// What a write declares besides the spec.
#[derive(Debug, Clone)]
pub(crate) struct WriteMeta<'a> {
    pub folder_uid: Option<&'a str>,
    pub message: &'a str,
    pub source_path: &'a str,
    pub lock: bool,
    pub dry_run: bool,
}

impl GrafanaClient {
    /// `GET /apis`: the app-platform target, `None` when the server does not serve
    /// `dashboard.grafana.app` in a v1-family version (Grafana 11 answers 404).
    pub fn discover(&self, namespace: &str) -> Result<Option<AppPlatform>, ApiError> {
        let what = "discovering the APIs with GET /apis";
        let resp = self.send(what, Method::GET, "/apis", None, true)?;
        match resp.status {
            200 => {}
            404 => return Ok(None),
            _ => return Err(self.error_for(what, &resp)),
        }
        let list = self.parse_json(what, &resp.body)?;
        Ok(pick_version(&list).map(|version| AppPlatform {
            version,
            namespace: namespace.to_string(),
        }))
    }

    /// Speak the app-platform API from now on (once; later calls are ignored).
    pub fn use_app_platform(&self, target: AppPlatform) {
        let _ = self.apis.set(target);
    }

    /// The app-platform target in use, if any.
    pub fn app_platform(&self) -> Option<&AppPlatform> {
        self.apis.get()
    }

    pub(crate) fn get_resource(
        &self,
        t: &AppPlatform,
        uid: &str,
    ) -> Result<Option<ServerDashboard>, ApiError> {
        let what = format!("reading dashboard {uid} through {GROUP}/{}", t.version);
        let path = format!("{}/{uid}", t.collection());
        let Some(v) = self.get_json(&what, &path)? else {
            return Ok(None);
        };
        let bad = |detail: &str| ApiError::BadResponse {
            what: what.clone(),
            detail: detail.into(),
        };
        let rv = v["metadata"]["resourceVersion"]
            .as_str()
            .ok_or_else(|| bad("no metadata.resourceVersion in the answer"))?;
        if v["status"]["conversion"]["failed"] == true {
            return Err(bad(&format!(
                "Grafana could not convert it to {}: {}",
                t.version, v["status"]["conversion"]["error"]
            )));
        }
        let Some(spec) = v.get("spec").and_then(Value::as_object) else {
            return Err(bad("no spec in the answer"));
        };
        let annotations = v["metadata"]["annotations"].as_object();
        let anno = |k: &str| {
            annotations
                .and_then(|a| a.get(k))
                .and_then(Value::as_str)
                .filter(|s| !s.is_empty())
                .map(str::to_string)
        };
        let mut dashboard = Value::Object(spec.clone());
        dashboard["uid"] = json!(uid);
        if let Some(sum) = anno(ANNO_SOURCE_CHECKSUM) {
            // The shape `content::recorded_hash` reads, so push's plan is the same for
            // both APIs.
            dashboard[MARKER_FIELD] = json!({"contentHash": sum});
        }
        self.read_versions
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .insert(uid.to_string(), rv.to_string());
        Ok(Some(ServerDashboard {
            dashboard,
            version: v["metadata"]["generation"].as_i64().unwrap_or(0),
            folder_uid: anno(ANNO_FOLDER),
            folder_title: None,
            provisioned: false,
        }))
    }

    /// POST (create) or PUT with the resourceVersion read before (update). A 409 is
    /// [`SaveError::VersionMismatch`]: someone else wrote (or created) it in between.
    pub(crate) fn write_resource(
        &self,
        t: &AppPlatform,
        uid: &str,
        body: &Value,
        update: bool,
        meta: &WriteMeta<'_>,
    ) -> Result<i64, SaveError> {
        let mut spec = body.clone();
        let checksum = spec
            .as_object_mut()
            .and_then(|m| {
                m.remove("id");
                m.remove("version");
                m.remove(MARKER_FIELD)
            })
            .as_ref()
            .and_then(recorded_hash_of)
            .unwrap_or_default();
        let mut annotations = Map::new();
        let mut put = |k: &str, v: &str| {
            if !v.is_empty() {
                annotations.insert(k.into(), json!(v));
            }
        };
        put(ANNO_FOLDER, meta.folder_uid.unwrap_or(""));
        put(ANNO_MESSAGE, meta.message);
        put(ANNO_MANAGED_BY, MANAGER_KIND);
        put(ANNO_MANAGER_ID, MANAGER_ID);
        put(ANNO_SOURCE_PATH, meta.source_path);
        put(ANNO_SOURCE_CHECKSUM, &checksum);
        if !meta.lock {
            put(ANNO_MANAGER_ALLOWS_EDITS, "true");
        }
        let mut metadata = json!({"name": uid, "annotations": annotations});
        let (method, mut path) = if update {
            let rv = self
                .read_versions
                .lock()
                .unwrap_or_else(|e| e.into_inner())
                .get(uid)
                .cloned()
                .unwrap_or_default();
            // Never unconditional: without the version read, Kubernetes would overwrite.
            if rv.is_empty() {
                return Err(ApiError::BadResponse {
                    what: format!("updating dashboard {uid}"),
                    detail: "no resourceVersion was read for it".into(),
                }
                .into());
            }
            metadata["resourceVersion"] = json!(rv);
            (Method::PUT, format!("{}/{uid}", t.collection()))
        } else {
            (Method::POST, t.collection())
        };
        if meta.dry_run {
            path.push_str("?dryRun=All");
        }
        let resource = json!({
            "apiVersion": format!("{GROUP}/{}", t.version), "kind": "Dashboard",
            "metadata": metadata, "spec": spec,
        });
        let what = format!("saving dashboard {uid} through {GROUP}/{}", t.version);
        let resp = self.send(&what, method, &path, Some(&resource), true)?;
        match resp.status {
            200 | 201 => {
                let v = self.parse_json(&what, &resp.body)?;
                Ok(v["metadata"]["generation"].as_i64().unwrap_or(0))
            }
            409 => {
                let (message, _) = self.error_message(&resp.body);
                Err(SaveError::VersionMismatch {
                    status: 409,
                    message,
                })
            }
            _ => Err(self.error_for(&what, &resp).into()),
        }
    }
}
