//! A small blocking client for Grafana's legacy `/api` endpoints (Grafana 10–12), with
//! timeouts and retries on every request.

use std::error::Error as _;
use std::fmt;
use std::sync::Arc;
use std::time::{Duration, Instant};

use reqwest::blocking::{Client, RequestBuilder};
use reqwest::Method;
use serde_json::{json, Value};

use crate::error::{ApiError, SaveError};
use crate::retry::{parse_retry_after, RetryPolicy};
use crate::secret::Credentials;

/// Where `--verbose` lines go. Lines never contain credentials: the client logs methods,
/// paths, statuses and timings, never headers.
pub type Logger = Arc<dyn Fn(&str) + Send + Sync>;

/// How to reach Grafana.
///
/// ```
/// use dashboard_sync::{ClientConfig, Credentials, Secret};
/// let cfg = ClientConfig::new("http://localhost:3000/", Credentials::Token(Secret::new("glsa_x1y2z3")));
/// assert_eq!(cfg.org_id, None);
/// assert!(!format!("{cfg:?}").contains("glsa_x1y2z3"));
/// ```
#[derive(Clone)]
pub struct ClientConfig {
    /// Grafana's root URL, such as `https://grafana.example.com` or `http://host/grafana`.
    pub base_url: String,
    /// Token, basic auth or none.
    pub credentials: Credentials,
    /// Sent as `X-Grafana-Org-Id` when set.
    pub org_id: Option<u64>,
    /// Per request, connection and body included.
    pub timeout: Duration,
    /// For the TCP and TLS handshake alone.
    pub connect_timeout: Duration,
    /// Retries for connection errors, 429 and 5xx.
    pub retry: RetryPolicy,
    /// Accept any TLS certificate. Off unless asked for explicitly.
    pub insecure_skip_verify: bool,
    /// Receives one line per request and retry (`--verbose`).
    pub log: Option<Logger>,
}

impl ClientConfig {
    /// Defaults: 30 s per request, 10 s to connect, [`RetryPolicy::default`], TLS verified.
    pub fn new(base_url: &str, credentials: Credentials) -> Self {
        ClientConfig {
            base_url: base_url.to_string(),
            credentials,
            org_id: None,
            timeout: Duration::from_secs(30),
            connect_timeout: Duration::from_secs(10),
            retry: RetryPolicy::default(),
            insecure_skip_verify: false,
            log: None,
        }
    }
}

impl fmt::Debug for ClientConfig {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ClientConfig")
            .field("base_url", &self.base_url)
            .field("credentials", &self.credentials)
            .field("org_id", &self.org_id)
            .field("timeout", &self.timeout)
            .field("connect_timeout", &self.connect_timeout)
            .field("retry", &self.retry)
            .field("insecure_skip_verify", &self.insecure_skip_verify)
            .field("log", &self.log.as_ref().map(|_| "<fn>"))
            .finish()
    }
}

/// What `/api/health` said.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Health {
    /// Grafana's version; absent when the server hides it (`hide_version`).
    pub version: Option<String>,
    /// The build's commit.
    pub commit: Option<String>,
    /// `ok` when healthy.
    pub database: String,
}

/// A dashboard as Grafana stores it, with the metadata push needs.
#[derive(Debug, Clone, PartialEq)]
pub struct ServerDashboard {
    /// The dashboard JSON, server-managed fields included.
    pub dashboard: Value,
    /// The version to send back for an update.
    pub version: i64,
    /// The folder, `None` for the root ("General" or "Dashboards").
    pub folder_uid: Option<String>,
    /// The folder's title.
    pub folder_title: Option<String>,
    /// Provisioned from files: the API will not save it.
    pub provisioned: bool,
}

/// A successful save.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SaveResponse {
    /// The uid saved.
    pub uid: String,
    /// The new version.
    pub version: i64,
    /// The dashboard's URL path.
    pub url: String,
}

/// A folder.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FolderInfo {
    /// Its uid.
    pub uid: String,
    /// Its title.
    pub title: String,
    /// Its parent, with nested folders.
    pub parent_uid: Option<String>,
}

/// Whether `create_folder` made the folder or found it there already.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FolderCreated {
    /// 200: created now.
    Created,
    /// 409: it exists (created by someone else meanwhile).
    AlreadyExists,
}

/// A hit of `/api/search`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SearchHit {
    /// Its uid.
    pub uid: String,
    /// Its title.
    pub title: String,
    /// `dash-db` or `dash-folder`.
    pub kind: String,
    /// Its folder's uid.
    pub folder_uid: Option<String>,
}

/// An HTTP answer, after retries.
pub(crate) struct RawResponse {
    pub(crate) status: u16,
    pub(crate) body: String,
    pub(crate) attempts: u32,
    pub(crate) retry_after: Option<Duration>,
}

/// The Grafana client. Cheap to share between threads: `&GrafanaClient` is all a worker
/// needs, and the connection pool is shared.
///
/// ```no_run
/// use dashboard_sync::{ClientConfig, Credentials, GrafanaClient, Secret};
/// let client = GrafanaClient::new(ClientConfig::new(
///     "http://localhost:3000",
///     Credentials::Token(Secret::new(std::env::var("GRAFANA_TOKEN").unwrap())),
/// ))?;
/// let health = client.health()?;
/// client.check_auth()?;
/// println!("Grafana {}", health.version.unwrap_or_default());
/// # Ok::<(), dashboard_sync::ApiError>(())
/// ```
pub struct GrafanaClient {
    http: Client,
    base: String,
    cfg: ClientConfig,
    /// Set once push chose the app-platform API: dashboards are then read and written
    /// through it (see [`crate::apis`]).
    pub(crate) apis: std::sync::OnceLock<crate::apis::AppPlatform>,
    /// The `metadata.resourceVersion` of each dashboard read through the app-platform
    /// API, sent back with its update.
    pub(crate) read_versions: std::sync::Mutex<std::collections::BTreeMap<String, String>>,
}

impl fmt::Debug for GrafanaClient {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("GrafanaClient")
            .field("config", &self.cfg)
            .finish()
    }
}

impl GrafanaClient {
    /// Validates the URL and builds the HTTP client. Credentials in the URL are refused:
    /// they would end up in messages and shell history.
    ///
    /// ```
    /// use dashboard_sync::{ClientConfig, Credentials, GrafanaClient};
    /// let e = GrafanaClient::new(ClientConfig::new("http://admin:pw@localhost:3000", Credentials::None)).unwrap_err();
    /// assert!(e.to_string().contains("GRAFANA_USER"));
    /// assert!(!e.to_string().contains("pw"));
    /// ```
    pub fn new(cfg: ClientConfig) -> Result<Self, ApiError> {
        let parsed = reqwest::Url::parse(cfg.base_url.trim()).map_err(|e| {
            ApiError::Config(format!(
                "--grafana-url is not a URL ({e}); pass Grafana's root URL, such as http://localhost:3000"
            ))
        })?;
        if !matches!(parsed.scheme(), "http" | "https") {
            return Err(ApiError::Config(format!(
                "--grafana-url must start with http:// or https://, not {}:",
                parsed.scheme()
            )));
        }
        if !parsed.username().is_empty() || parsed.password().is_some() {
            return Err(ApiError::Config(
                "--grafana-url must not contain credentials; set GRAFANA_TOKEN (or --token-file), or GRAFANA_USER and GRAFANA_PASSWORD".into(),
            ));
        }
        let mut base = parsed.to_string();
        // Query strings and fragments would end up in the middle of every request path.
        if parsed.query().is_some() || parsed.fragment().is_some() {
            return Err(ApiError::Config(
                "--grafana-url must not have a query string or fragment".into(),
            ));
        }
        while base.ends_with('/') {
            base.pop();
        }
        let http = Client::builder()
            .timeout(cfg.timeout)
            .connect_timeout(cfg.connect_timeout)
            .user_agent(concat!(
                "dashboard-sync/",
                env!("CARGO_PKG_VERSION"),
                " (cargo xtask dashboards)"
            ))
            .danger_accept_invalid_certs(cfg.insecure_skip_verify)
            .build()
            .map_err(|e| ApiError::Config(format!("cannot set up the HTTP client: {e}")))?;
        Ok(GrafanaClient {
            http,
            base,
            cfg,
            apis: std::sync::OnceLock::new(),
            read_versions: Default::default(),
        })
    }

    /// The base URL, without a trailing slash.
    pub fn base_url(&self) -> &str {
        &self.base
    }

    /// The configuration.
    pub fn config(&self) -> &ClientConfig {
        &self.cfg
    }

    fn log(&self, line: &str) {
        if let Some(log) = &self.cfg.log {
            log(&self.cfg.credentials.redact(line));
        }
    }

    fn authorize(&self, req: RequestBuilder) -> RequestBuilder {
        // reqwest marks both headers sensitive, so even its own Debug output hides them.
        match &self.cfg.credentials {
            Credentials::Token(t) => req.bearer_auth(t.expose()),
            Credentials::Basic { user, password } => req.basic_auth(user, Some(password.expose())),
            Credentials::None => req,
        }
    }

    /// One request with retries. `Err` only when no HTTP answer came on any attempt; an
    /// error status after the last attempt is returned as the answer.
    pub(crate) fn send(
        &self,
        what: &str,
        method: Method,
        path: &str,
        body: Option<&Value>,
        auth: bool,
    ) -> Result<RawResponse, ApiError> {
        let url = format!("{}{}", self.base, path);
        let policy = &self.cfg.retry;
        let max = policy.max_attempts.max(1);
        let mut attempt = 0;
        loop {
            attempt += 1;
            let started = Instant::now();
            let mut req = self.http.request(method.clone(), &url);
            if auth {
                req = self.authorize(req);
            }
            if let Some(org) = self.cfg.org_id {
                req = req.header("X-Grafana-Org-Id", org.to_string());
            }
            if let Some(b) = body {
                req = req.json(b);
            }
            let result = req.send().and_then(|resp| {
                let status = resp.status().as_u16();
                let retry_after = resp
                    .headers()
                    .get(reqwest::header::RETRY_AFTER)
                    .and_then(|v| v.to_str().ok())
                    .and_then(parse_retry_after);
                let text = resp.text()?;
                Ok((status, retry_after, text))
            });
            let ms = started.elapsed().as_millis();
            match result {
                Ok((status, retry_after, body)) => {
                    self.log(&format!(
                        "{method} {path} -> {status} in {ms} ms (attempt {attempt}/{max})"
                    ));
                    if RetryPolicy::retryable_status(status) && attempt < max {
                        let wait = match retry_after {
                            Some(d) if d > policy.max_retry_after => {
                                self.log(&format!(
                                    "{method} {path}: Retry-After {} s is longer than the {} s this tool waits; giving up",
                                    d.as_secs(),
                                    policy.max_retry_after.as_secs()
                                ));
                                return Ok(RawResponse {
                                    status,
                                    body,
                                    attempts: attempt,
                                    retry_after,
                                });
                            }
                            Some(d) => d,
                            None => policy.backoff(attempt),
                        };
                        self.log(&format!(
                            "{method} {path}: {status}, retrying in {} ms{}",
                            wait.as_millis(),
                            if retry_after.is_some() {
                                " (Retry-After)"
                            } else {
                                ""
                            }
                        ));
                        std::thread::sleep(wait);
                        continue;
                    }
                    return Ok(RawResponse {
                        status,
                        body,
                        attempts: attempt,
                        retry_after,
                    });
                }
                Err(e) => {
                    let detail = self.describe(&e);
                    self.log(&format!(
                        "{method} {path} -> {detail} after {ms} ms (attempt {attempt}/{max})"
                    ));
                    if attempt < max {
                        let wait = policy.backoff(attempt);
                        self.log(&format!(
                            "{method} {path}: retrying in {} ms",
                            wait.as_millis()
                        ));
                        std::thread::sleep(wait);
                        continue;
                    }
                    return Err(ApiError::Transport {
                        what: what.to_string(),
                        detail,
                        attempts: attempt,
                    });
                }
            }
        }
    }

    /// A transport error in words, without the URL (the caller names the operation) and
    /// with the source chain, which is where the useful part is.
    fn describe(&self, e: &reqwest::Error) -> String {
        let kind = if e.is_timeout() {
            format!("timed out after {} s", self.cfg.timeout.as_secs_f32())
        } else if e.is_connect() {
            "connection failed".to_string()
        } else {
            "connection closed or broken before a complete answer".to_string()
        };
        let mut causes: Vec<String> = Vec::new();
        let mut src = e.source();
        while let Some(s) = src {
            let text = s.to_string();
            if !causes.iter().any(|c| c.contains(&text)) {
                causes.push(text);
            }
            src = s.source();
        }
        let text = if causes.is_empty() {
            kind
        } else {
            format!("{kind}: {}", causes.join(": "))
        };
        self.cfg.credentials.redact(&text)
    }

    /// Grafana's `message` (and `status`) from an error body, or the body's start.
    pub(crate) fn error_message(&self, body: &str) -> (String, Option<String>) {
        let parsed: Option<Value> = serde_json::from_str(body).ok();
        let message = parsed
            .as_ref()
            .and_then(|v| v.get("message"))
            .and_then(Value::as_str)
            .map(str::to_string)
            .unwrap_or_else(|| {
                let t: String = body.trim().chars().take(200).collect();
                if t.is_empty() {
                    "(empty body)".into()
                } else {
                    t
                }
            });
        let status = parsed
            .as_ref()
            .and_then(|v| v.get("status"))
            .and_then(Value::as_str)
            .map(str::to_string);
        (self.cfg.credentials.redact(&message), status)
    }

    pub(crate) fn error_for(&self, what: &str, resp: &RawResponse) -> ApiError {
        let (mut message, status_text) = self.error_message(&resp.body);
        match resp.status {
            401 => ApiError::Unauthorized {
                creds: self.cfg.credentials.describe(),
                message,
            },
            403 => ApiError::Forbidden {
                creds: self.cfg.credentials.describe(),
                what: what.to_string(),
                message,
            },
            status => {
                if let (429, Some(d)) = (status, resp.retry_after) {
                    message.push_str(&format!(
                        " (Grafana asked to wait {} s; try again later)",
                        d.as_secs()
                    ));
                }
                ApiError::Status {
                    what: what.to_string(),
                    status,
                    status_text,
                    message,
                    attempts: resp.attempts,
                }
            }
        }
    }

    pub(crate) fn parse_json(&self, what: &str, body: &str) -> Result<Value, ApiError> {
        serde_json::from_str(body).map_err(|e| ApiError::BadResponse {
            what: what.to_string(),
            detail: format!("not JSON ({e})"),
        })
    }

    /// `GET /api/health`, without credentials. Tells an unreachable server from one that
    /// is not Grafana and from a Grafana whose database is down.
    pub fn health(&self) -> Result<Health, ApiError> {
        let url = self.base.clone();
        let resp = self
            .send(
                "checking /api/health",
                Method::GET,
                "/api/health",
                None,
                false,
            )
            .map_err(|e| match e {
                ApiError::Transport { detail, .. } => ApiError::Unreachable {
                    url: url.clone(),
                    detail,
                },
                other => other,
            })?;
        let not_grafana = |detail: String| ApiError::NotGrafana {
            url: url.clone(),
            detail,
        };
        // 503 is what Grafana answers when its database check fails; anything else but
        // 200 means this is not Grafana's health endpoint.
        if resp.status != 200 && resp.status != 503 {
            return Err(not_grafana(format!(
                "/api/health answered {} ({})",
                resp.status,
                snippet(&resp.body)
            )));
        }
        let value: Value = serde_json::from_str(&resp.body).map_err(|_| {
            not_grafana(format!(
                "/api/health answered with something that is not JSON ({})",
                snippet(&resp.body)
            ))
        })?;
        let database = value.get("database").and_then(Value::as_str);
        let version = value.get("version").and_then(Value::as_str);
        let Some(database) = database else {
            return Err(not_grafana(format!(
                "/api/health answered JSON without Grafana's \"database\" and \"version\" fields ({})",
                snippet(&resp.body)
            )));
        };
        let health = Health {
            version: version.map(str::to_string),
            commit: value
                .get("commit")
                .and_then(Value::as_str)
                .map(str::to_string),
            database: database.to_string(),
        };
        if health.database != "ok" {
            return Err(ApiError::Unhealthy {
                url,
                database: health.database,
            });
        }
        Ok(health)
    }

    /// The first authenticated call: a one-hit search. 401 and 403 here mean the
    /// credentials (or the org) are wrong for everything that follows.
    pub fn check_auth(&self) -> Result<(), ApiError> {
        let what = "checking the credentials with /api/search";
        let resp = self.send(what, Method::GET, "/api/search?limit=1", None, true)?;
        match resp.status {
            200 => Ok(()),
            _ => Err(self.error_for(what, &resp)),
        }
    }

    /// A GET answered with JSON; `None` on 404.
    pub(crate) fn get_json(&self, what: &str, path: &str) -> Result<Option<Value>, ApiError> {
        let resp = self.send(what, Method::GET, path, None, true)?;
        match resp.status {
            200 => self.parse_json(what, &resp.body).map(Some),
            404 => Ok(None),
            _ => Err(self.error_for(what, &resp)),
        }
    }

    /// `GET /api/dashboards/uid/:uid`; `None` on 404.
    pub fn get_dashboard(&self, uid: &str) -> Result<Option<ServerDashboard>, ApiError> {
        if let Some(target) = self.apis.get() {
            return self.get_resource(target, uid);
        }
        let what = format!("reading dashboard {uid}");
        let path = format!("/api/dashboards/uid/{}", encode_path(uid));
        let Some(v) = self.get_json(&what, &path)? else {
            return Ok(None);
        };
        let (Some(dashboard), Some(meta)) = (v.get("dashboard"), v.get("meta")) else {
            return Err(ApiError::BadResponse {
                what,
                detail: "no \"dashboard\" and \"meta\" in the answer".into(),
            });
        };
        let version = meta
            .get("version")
            .and_then(Value::as_i64)
            .or_else(|| dashboard.get("version").and_then(Value::as_i64))
            .unwrap_or(0);
        let folder_uid = meta
            .get("folderUid")
            .and_then(Value::as_str)
            .filter(|s| !s.is_empty())
            .map(str::to_string);
        Ok(Some(ServerDashboard {
            dashboard: dashboard.clone(),
            version,
            folder_title: meta
                .get("folderTitle")
                .and_then(Value::as_str)
                .filter(|_| folder_uid.is_some())
                .map(str::to_string),
            folder_uid,
            provisioned: meta
                .get("provisioned")
                .and_then(Value::as_bool)
                .unwrap_or(false),
        }))
    }

    /// `POST /api/dashboards/db` with `overwrite: false`, always: the dashboard carries
    /// the version it was read at (or none, to create), so Grafana refuses to overwrite
    /// anything saved in between. This is what makes retrying a write safe.
    pub fn save_dashboard(
        &self,
        dashboard: &Value,
        folder_uid: Option<&str>,
        message: &str,
    ) -> Result<SaveResponse, SaveError> {
        let uid = dashboard.get("uid").and_then(Value::as_str).unwrap_or("?");
        let what = format!("saving dashboard {uid}");
        let body = json!({
            "dashboard": dashboard,
            "folderUid": folder_uid.unwrap_or(""),
            "message": message,
            "overwrite": false,
        });
        let resp = self.send(&what, Method::POST, "/api/dashboards/db", Some(&body), true)?;
        match resp.status {
            200 => {
                let v = self.parse_json(&what, &resp.body)?;
                Ok(SaveResponse {
                    uid: v
                        .get("uid")
                        .and_then(Value::as_str)
                        .unwrap_or(uid)
                        .to_string(),
                    version: v.get("version").and_then(Value::as_i64).ok_or_else(|| {
                        ApiError::BadResponse {
                            what: what.clone(),
                            detail: "no \"version\" in the answer".into(),
                        }
                    })?,
                    url: v
                        .get("url")
                        .and_then(Value::as_str)
                        .unwrap_or_default()
                        .to_string(),
                })
            }
            412 | 409 => {
                let (message, status) = self.error_message(&resp.body);
                // 412 also covers `name-exists` and `plugin-dashboard`: not concurrency.
                if resp.status == 409 || status.as_deref() == Some("version-mismatch") {
                    Err(SaveError::VersionMismatch {
                        status: resp.status,
                        message,
                    })
                } else {
                    Err(self.error_for(&what, &resp).into())
                }
            }
            400 => {
                let (message, _) = self.error_message(&resp.body);
                if message
                    .to_ascii_lowercase()
                    .contains("cannot save provisioned dashboard")
                {
                    Err(SaveError::Provisioned { message })
                } else {
                    Err(self.error_for(&what, &resp).into())
                }
            }
            _ => Err(self.error_for(&what, &resp).into()),
        }
    }

    /// `GET /api/folders/:uid`; `None` on 404.
    pub fn get_folder(&self, uid: &str) -> Result<Option<FolderInfo>, ApiError> {
        let what = format!("reading folder {uid}");
        let path = format!("/api/folders/{}", encode_path(uid));
        let resp = self.send(&what, Method::GET, &path, None, true)?;
        match resp.status {
            200 => {
                let v = self.parse_json(&what, &resp.body)?;
                Ok(Some(FolderInfo {
                    uid: str_field(&v, "uid").unwrap_or_else(|| uid.to_string()),
                    title: str_field(&v, "title").unwrap_or_default(),
                    parent_uid: str_field(&v, "parentUid").filter(|s| !s.is_empty()),
                }))
            }
            404 => Ok(None),
            _ => Err(self.error_for(&what, &resp)),
        }
    }

    /// `POST /api/folders`. A 409 (it exists) is not an error: someone made it first.
    pub fn create_folder(
        &self,
        uid: &str,
        title: &str,
        parent_uid: Option<&str>,
    ) -> Result<FolderCreated, ApiError> {
        let what = format!("creating folder {uid} ({title:?})");
        let mut body = json!({"uid": uid, "title": title});
        if let Some(p) = parent_uid {
            body["parentUid"] = json!(p);
        }
        let resp = self.send(&what, Method::POST, "/api/folders", Some(&body), true)?;
        match resp.status {
            200 => Ok(FolderCreated::Created),
            409 => Ok(FolderCreated::AlreadyExists),
            _ => Err(self.error_for(&what, &resp)),
        }
    }

    /// `GET /api/search`: dashboards (`dash-db`) or folders (`dash-folder`) matching
    /// `query`, one page.
    pub fn search(
        &self,
        query: &str,
        kind: &str,
        limit: u32,
        page: u32,
    ) -> Result<Vec<SearchHit>, ApiError> {
        let what = "searching dashboards".to_string();
        let path = format!(
            "/api/search?query={}&type={}&limit={limit}&page={page}",
            encode_path(query),
            encode_path(kind)
        );
        let resp = self.send(&what, Method::GET, &path, None, true)?;
        if resp.status != 200 {
            return Err(self.error_for(&what, &resp));
        }
        let v = self.parse_json(&what, &resp.body)?;
        let hits = v.as_array().ok_or_else(|| ApiError::BadResponse {
            what: what.clone(),
            detail: "not a list".into(),
        })?;
        Ok(hits
            .iter()
            .map(|h| SearchHit {
                uid: str_field(h, "uid").unwrap_or_default(),
                title: str_field(h, "title").unwrap_or_default(),
                kind: str_field(h, "type").unwrap_or_default(),
                folder_uid: str_field(h, "folderUid").filter(|s| !s.is_empty()),
            })
            .collect())
    }
}

fn str_field(v: &Value, key: &str) -> Option<String> {
    v.get(key).and_then(Value::as_str).map(str::to_string)
}

/// The first line of a body, short, for "this is not Grafana" messages.
fn snippet(body: &str) -> String {
    let line = body.trim().lines().next().unwrap_or("");
    let s: String = line.chars().take(80).collect();
    if s.is_empty() {
        "empty body".into()
    } else {
        format!("starts with {s:?}")
    }
}

/// Percent-encodes everything but unreserved characters; uids are validated before use,
/// this only keeps a bad one from escaping its path segment.
fn encode_path(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b'~') {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn encode_path_keeps_uids_and_escapes_the_rest() {
        assert_eq!(encode_path("spark-overview_2"), "spark-overview_2");
        assert_eq!(encode_path("a/b c"), "a%2Fb%20c");
    }

    #[test]
    fn base_url_is_trimmed_and_checked() {
        let c = GrafanaClient::new(ClientConfig::new(
            "http://localhost:3000/grafana/",
            Credentials::None,
        ))
        .unwrap();
        assert_eq!(c.base_url(), "http://localhost:3000/grafana");
        for bad in ["localhost:3000", "ftp://x", "http://u:p@x", "http://x/?a=1"] {
            assert!(
                GrafanaClient::new(ClientConfig::new(bad, Credentials::None)).is_err(),
                "{bad}"
            );
        }
    }
}
