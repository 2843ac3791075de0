//! Push: plan each dashboard against what Grafana has, then write only what is safe.
//!
//! For each dashboard, with `L` the hash of the local content, `S` the hash of the
//! server's content and `R` the hash push recorded with it last time
//! (see [`crate::content`]):
//!
//! | server | condition | plan |
//! |---|---|---|
//! | absent | | create |
//! | present | `S == L`, same folder | unchanged: no write, no new version |
//! | present | provisioned | failed: the API cannot save it |
//! | present | `S == R` (or `S == L`) | update, carrying the server's version |
//! | present | otherwise: edited in Grafana | conflict: refused, drift shown; `--force` updates |
//!
//! Every write sends `overwrite: false` with the version read, so an edit that lands
//! between our read and our write is refused by Grafana (412, or 409 on newer Grafana)
//! instead of overwritten. That is also what makes retrying a write safe: a retry of a
//! write that did land is refused, and push then finds its own content on the server.

use std::collections::{BTreeMap, BTreeSet};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Mutex;

use serde_json::Value;

use crate::apis::{org_namespace, ApiChoice, WriteMeta};
use crate::client::{FolderCreated, GrafanaClient, ServerDashboard};
use crate::content::{content_hash, recorded_hash, with_marker};
use crate::diff::{diff_dashboard, DashboardDiff, DiffDoc, DiffError};
use crate::error::{ApiError, SaveError};
use crate::local::{validate_uid, FolderSpec, LocalDashboard};

mod report;

pub use report::{render_report, DashboardReport, FolderOutcome, Outcome, PushReport};

/// Grafana's limit on a version message, in bytes (it checks Go's `len`).
pub const MAX_MESSAGE_BYTES: usize = 500;

/// What push may do.
///
/// ```
/// let o = dashboard_sync::PushOptions::default();
/// assert!(!o.dry_run && !o.force);
/// assert_eq!(o.concurrency, 4);
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PushOptions {
    /// Plan only: read, compare, print; write nothing (folders included).
    pub dry_run: bool,
    /// Overwrite dashboards edited in Grafana since the last push.
    pub force: bool,
    /// The version message; the content hash is appended to it.
    pub message: Option<String>,
    /// Put every dashboard in this folder (which must exist) instead of its own.
    pub folder_override: Option<String>,
    /// Dashboards in flight at once.
    pub concurrency: usize,
    /// Which API to speak (see [`crate::apis`]).
    pub api: ApiChoice,
    /// On the app-platform API, leave out `grafana.app/managerAllowsEdits`, so that
    /// Grafana's UI refuses edits of the dashboards push manages.
    pub lock: bool,
    /// The app-platform namespace, instead of the one `org_id` maps to: Grafana Cloud's
    /// `stacks-<stack id>`.
    pub namespace: Option<String>,
}

impl Default for PushOptions {
    fn default() -> Self {
        PushOptions {
            dry_run: false,
            force: false,
            message: None,
            folder_override: None,
            concurrency: 4,
            api: ApiChoice::Auto,
            lock: false,
            namespace: None,
        }
    }
}

/// Why push did not start. Per-dashboard failures are in the [`PushReport`] instead.
#[derive(Debug, thiserror::Error)]
pub enum PushError {
    /// Grafana unreachable, not Grafana, or the credentials refused.
    #[error(transparent)]
    Api(#[from] ApiError),
    /// Bad input: a message too long, a duplicate uid, a missing `--folder`.
    #[error("{0}")]
    Invalid(String),
}

/// The version message: the user's (or a default) with the content hash appended, so
/// the history in the UI shows which versions push wrote.
///
/// ```
/// let m = dashboard_sync::push::version_message(None, "sha256:0123456789abcdef").unwrap();
/// assert_eq!(m, "cargo xtask dashboards push [sha256:0123456789ab]");
/// assert!(dashboard_sync::push::version_message(Some(&"x".repeat(490)), "sha256:00").is_err());
/// ```
pub fn version_message(user: Option<&str>, hash: &str) -> Result<String, PushError> {
    let short: String = hash.chars().take(7 + 12).collect();
    let base = user.unwrap_or("cargo xtask dashboards push");
    let m = format!("{base} [{short}]");
    if m.len() > MAX_MESSAGE_BYTES {
        return Err(PushError::Invalid(format!(
            "--message is {} bytes; at most {} fit, because Grafana allows {MAX_MESSAGE_BYTES} and push appends the content hash ({} bytes). Shorten it",
            base.len(),
            MAX_MESSAGE_BYTES - (m.len() - base.len()),
            m.len() - base.len()
        )));
    }
    Ok(m)
}

/// Pushes `local` to Grafana: health check, credential check, folders, then every
/// dashboard with up to `opts.concurrency` in flight. `progress` is called as each
/// dashboard finishes. Fails as a whole only before anything was written; everything
/// after that is in the report.
///
/// ```no_run
/// use dashboard_sync::{push, ClientConfig, Credentials, GrafanaClient, PushOptions, Secret};
/// let client = GrafanaClient::new(ClientConfig::new("http://localhost:3000",
///     Credentials::Token(Secret::new("glsa_…"))))?;
/// let report = push::push(&client, &[], &PushOptions::default(), &|_| {})?;
/// assert!(report.success());
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn push(
    client: &GrafanaClient,
    local: &[LocalDashboard],
    opts: &PushOptions,
    progress: &(dyn Fn(&DashboardReport) + Sync),
) -> Result<PushReport, PushError> {
    // Checked before any request, so a bad message fails fast and clearly.
    version_message(opts.message.as_deref(), &"0".repeat(71))?;
    let mut seen = BTreeSet::new();
    for d in local {
        if !seen.insert(&d.uid) {
            return Err(PushError::Invalid(format!(
                "uid {:?} is defined twice (the second in {}); uids must be unique",
                d.uid, d.source
            )));
        }
    }

    let health = client.health()?;
    client.check_auth()?;
    choose_api(client, opts.api, opts.namespace.as_deref())?;
    let mut report = PushReport {
        grafana: client.base_url().to_string(),
        grafana_version: health.version,
        dry_run: opts.dry_run,
        ..PushReport::default()
    };

    if let Some(uid) = &opts.folder_override {
        match client.get_folder(uid)? {
            Some(f) => {
                report
                    .folders
                    .insert(uid.clone(), (f.title, FolderOutcome::Exists));
            }
            None => {
                return Err(PushError::Invalid(format!(
                    "folder {uid:?} (from --folder) does not exist in Grafana; create it first, or drop --folder to use the folders the dashboards define"
                )))
            }
        }
    } else {
        ensure_folders(client, local, opts.dry_run, &mut report)?;
    }

    let next = AtomicUsize::new(0);
    let results: Mutex<Vec<Option<DashboardReport>>> = Mutex::new(vec![None; local.len()]);
    let workers = opts.concurrency.clamp(1, 32).min(local.len().max(1));
    let folders = &report.folders;
    std::thread::scope(|s| {
        for _ in 0..workers {
            s.spawn(|| loop {
                let i = next.fetch_add(1, Ordering::Relaxed);
                let Some(d) = local.get(i) else { break };
                let r = push_one(client, d, opts, folders);
                progress(&r);
                results.lock().expect("no worker panics holding it")[i] = Some(r);
            });
        }
    });
    report.dashboards = results
        .into_inner()
        .expect("workers are done")
        .into_iter()
        .map(|r| r.expect("every index is taken by one worker"))
        .collect();
    report.dashboards.sort_by(|a, b| a.uid.cmp(&b.uid));
    Ok(report)
}

/// `--api`: on `auto` and `apis`, ask the server (`GET /apis`) and speak
/// `dashboard.grafana.app` from then on when it is served; `auto` falls back to the
/// legacy API, which is all Grafana 10 and 11 have. `namespace` overrides the one the
/// client's org maps to (Grafana Cloud's `stacks-<id>`). Push calls it; diff calls it to
/// read through the same API.
///
/// ```no_run
/// use dashboard_sync::{apis::ApiChoice, push, ClientConfig, Credentials, GrafanaClient};
/// let client = GrafanaClient::new(ClientConfig::new("http://localhost:3000", Credentials::None))?;
/// push::choose_api(&client, ApiChoice::Auto, None)?;
/// println!("{:?}", client.app_platform());
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn choose_api(
    client: &GrafanaClient,
    api: ApiChoice,
    namespace: Option<&str>,
) -> Result<(), PushError> {
    if api == ApiChoice::Legacy {
        return Ok(());
    }
    let ns = namespace
        .map(str::to_string)
        .unwrap_or_else(|| org_namespace(client.config().org_id));
    match client.discover(&ns)? {
        Some(target) => client.use_app_platform(target),
        None if api == ApiChoice::Apis => {
            return Err(PushError::Invalid(format!(
                "--api apis: {} does not serve dashboard.grafana.app in a v1 version (GET /apis answered 404 or did not list it); Grafana 11 and older have only the legacy API: use --api auto or --api legacy",
                client.base_url()
            )))
        }
        None => {}
    }
    Ok(())
}

/// One write, through whichever API push chose.
struct Save<'a> {
    d: &'a LocalDashboard,
    body: &'a Value,
    folder_uid: Option<&'a str>,
    message: &'a str,
    update: bool,
    lock: bool,
}

impl Save<'_> {
    /// Writes (or, with `dry_run`, has Grafana validate) the dashboard; the new version
    /// number.
    fn run(&self, client: &GrafanaClient, dry_run: bool) -> Result<i64, SaveError> {
        match client.app_platform() {
            Some(t) => client.write_resource(
                t,
                &self.d.uid,
                self.body,
                self.update,
                &WriteMeta {
                    folder_uid: self.folder_uid,
                    message: self.message,
                    source_path: &self.d.source,
                    lock: self.lock,
                    dry_run,
                },
            ),
            None => client
                .save_dashboard(self.body, self.folder_uid, self.message)
                .map(|r| r.version),
        }
    }

    /// On the app-platform API a dry run is Grafana's own (`?dryRun=All`): it validates
    /// what would be written and writes nothing. The legacy API has no such thing, so
    /// the plan alone is the dry run there.
    fn dry_run(&self, client: &GrafanaClient, planned: Outcome) -> Outcome {
        if client.app_platform().is_none() {
            return planned;
        }
        match self.run(client, true) {
            Ok(_) => planned,
            Err(e) => Outcome::Failed {
                error: format!("Grafana refused the dry run: {e}"),
            },
        }
    }
}

/// Creates the folders the dashboards name, parents first. A folder that exists is
/// left alone (title included: renaming is not push's business, but it warns).
fn ensure_folders(
    client: &GrafanaClient,
    local: &[LocalDashboard],
    dry_run: bool,
    report: &mut PushReport,
) -> Result<(), PushError> {
    let mut specs: BTreeMap<String, FolderSpec> = BTreeMap::new();
    for f in local.iter().filter_map(|d| d.folder.as_ref()) {
        if let Some(prev) = specs.get(&f.uid) {
            if prev != f {
                report.warnings.push(format!(
                    "folder {} is defined as {:?} and as {:?}; using the first",
                    f.uid, prev.title, f.title
                ));
            }
            continue;
        }
        if let Err(e) = validate_uid(&f.uid) {
            report
                .folders
                .insert(f.uid.clone(), (f.title.clone(), FolderOutcome::Failed(e)));
            continue;
        }
        specs.insert(f.uid.clone(), f.clone());
    }
    // Parents first: take folders whose parent is not waiting to be handled.
    let mut pending: Vec<FolderSpec> = specs.into_values().collect();
    while !pending.is_empty() {
        let waiting: BTreeSet<String> = pending.iter().map(|f| f.uid.clone()).collect();
        let (ready, rest): (Vec<_>, Vec<_>) = pending.into_iter().partition(|f| {
            f.parent_uid
                .as_ref()
                .is_none_or(|p| !waiting.contains(p) || p == &f.uid)
        });
        let ready = if ready.is_empty() {
            // A cycle of parents: let Grafana reject it rather than loop.
            rest.clone()
        } else {
            ready
        };
        pending = rest
            .into_iter()
            .filter(|f| !ready.iter().any(|r| r.uid == f.uid))
            .collect();
        for f in ready {
            let outcome = ensure_folder(client, &f, dry_run, report)?;
            report
                .folders
                .insert(f.uid.clone(), (f.title.clone(), outcome));
        }
    }
    Ok(())
}

fn ensure_folder(
    client: &GrafanaClient,
    f: &FolderSpec,
    dry_run: bool,
    report: &mut PushReport,
) -> Result<FolderOutcome, PushError> {
    match client.get_folder(&f.uid) {
        Ok(Some(info)) => {
            if info.title != f.title {
                report.warnings.push(format!(
                    "folder {} is titled {:?} in Grafana but {:?} here; left as it is",
                    f.uid, info.title, f.title
                ));
            }
            if f.parent_uid.is_some() && info.parent_uid != f.parent_uid {
                report.warnings.push(format!(
                    "folder {} is under {} in Grafana but under {} here; left where it is",
                    f.uid,
                    info.parent_uid.as_deref().unwrap_or("the root"),
                    f.parent_uid.as_deref().unwrap_or("the root")
                ));
            }
            return Ok(FolderOutcome::Exists);
        }
        Ok(None) => {}
        Err(e) => return Ok(FolderOutcome::Failed(e.to_string())),
    }
    if let Some(parent) = &f.parent_uid {
        match report.folders.get(parent).map(|(_, o)| o) {
            Some(FolderOutcome::Failed(_)) => {
                return Ok(FolderOutcome::Failed(format!(
                    "its parent folder {parent} could not be created"
                )))
            }
            Some(_) => {}
            None => match client.get_folder(parent) {
                Ok(Some(_)) => {}
                Ok(None) => {
                    return Ok(FolderOutcome::Failed(format!(
                        "its parent folder {parent} does not exist in Grafana and is not defined here; create it first"
                    )))
                }
                Err(e) => return Ok(FolderOutcome::Failed(e.to_string())),
            },
        }
    }
    if dry_run {
        return Ok(FolderOutcome::WouldCreate);
    }
    Ok(
        match client.create_folder(&f.uid, &f.title, f.parent_uid.as_deref()) {
            Ok(FolderCreated::Created) => FolderOutcome::Created,
            Ok(FolderCreated::AlreadyExists) => FolderOutcome::Exists,
            Err(e) => FolderOutcome::Failed(e.to_string()),
        },
    )
}

fn push_one(
    client: &GrafanaClient,
    d: &LocalDashboard,
    opts: &PushOptions,
    folders: &BTreeMap<String, (String, FolderOutcome)>,
) -> DashboardReport {
    let folder_uid = opts
        .folder_override
        .clone()
        .or_else(|| d.folder.as_ref().map(|f| f.uid.clone()));
    let outcome = plan_and_write(client, d, folder_uid.as_deref(), opts, folders);
    DashboardReport {
        uid: d.uid.clone(),
        title: d.title.clone(),
        folder_uid,
        outcome,
    }
}

fn plan_and_write(
    client: &GrafanaClient,
    d: &LocalDashboard,
    folder_uid: Option<&str>,
    opts: &PushOptions,
    folders: &BTreeMap<String, (String, FolderOutcome)>,
) -> Outcome {
    let failed = |error: String| Outcome::Failed { error };
    if let Err(e) = validate_uid(&d.uid) {
        return failed(format!("{e}; fix the dashboard's uid"));
    }
    if let Some(f) = folder_uid {
        if let Some((_, FolderOutcome::Failed(why))) = folders.get(f) {
            return failed(format!("its folder {f} is not available: {why}"));
        }
    }
    // A dry run cannot create the folder, so Grafana validates the dashboard without it.
    let existing_folder =
        folder_uid.filter(|f| !matches!(folders.get(*f), Some((_, FolderOutcome::WouldCreate))));
    let local_hash = content_hash(&d.json);
    let message = match version_message(opts.message.as_deref(), &local_hash) {
        Ok(m) => m,
        Err(e) => return failed(e.to_string()),
    };
    let server = match client.get_dashboard(&d.uid) {
        Ok(s) => s,
        Err(e) => return failed(e.to_string()),
    };
    let log = |line: String| {
        if let Some(l) = &client.config().log {
            l(&format!("{}: {line}", d.uid));
        }
    };
    let Some(server) = server else {
        log(format!("not in Grafana; local {local_hash}"));
        let body = with_marker(&d.json, &local_hash);
        if opts.dry_run {
            let save = Save {
                d,
                body: &body,
                folder_uid: existing_folder,
                message: &message,
                update: false,
                lock: opts.lock,
            };
            return save.dry_run(client, Outcome::WouldCreate);
        }
        return write(
            client,
            d,
            &body,
            folder_uid,
            &message,
            &local_hash,
            None,
            false,
            opts.lock,
        );
    };
    let server_hash = content_hash(&server.dashboard);
    let recorded = recorded_hash(&server.dashboard);
    log(format!(
        "server v{} {server_hash} (recorded {}), local {local_hash}",
        server.version,
        recorded.unwrap_or("none")
    ));
    let same_folder = server.folder_uid.as_deref() == folder_uid;
    if server_hash == local_hash && same_folder {
        return Outcome::Unchanged {
            version: server.version,
        };
    }
    if server.provisioned {
        return failed(
            SaveError::Provisioned {
                message: "Grafana reports it as provisioned".into(),
            }
            .to_string(),
        );
    }
    let ours = recorded == Some(server_hash.as_str()) || server_hash == local_hash;
    if !ours && !opts.force {
        let reason = match recorded {
            None => format!(
                "version {} in Grafana differs from this build and has no push marker: it was saved from the Grafana UI (which drops the marker) or by another tool",
                server.version
            ),
            Some(_) => format!(
                "version {} in Grafana was edited after the last push",
                server.version
            ),
        };
        // The refusal stands either way; only the detail of the edit may be missing.
        let (drift, unshown) = match drift(d, &server) {
            Ok(drift) => (drift, String::new()),
            Err(e) => (None, format!(". How it differs cannot be shown: {e}")),
        };
        return Outcome::Conflict {
            reason: format!(
                "{reason}. Not written, so the edit is kept. Port the edit into the code, or re-run with --force to overwrite it{unshown}"
            ),
            version: server.version,
            drift,
        };
    }
    let forced = !ours;
    let mut body = with_marker(&d.json, &local_hash);
    body["version"] = Value::from(server.version);
    if opts.dry_run {
        let save = Save {
            d,
            body: &body,
            folder_uid: existing_folder,
            message: &message,
            update: true,
            lock: opts.lock,
        };
        return save.dry_run(
            client,
            Outcome::WouldUpdate {
                version: server.version,
                forced,
            },
        );
    }
    write(
        client,
        d,
        &body,
        folder_uid,
        &message,
        &local_hash,
        Some(server.version),
        forced,
        opts.lock,
    )
}

/// How the server's dashboard differs from this build, old = build, new = server: for a
/// dashboard unchanged here since the last push, exactly the edit made in Grafana. An
/// error when the server's dashboard does not read as one.
fn drift(d: &LocalDashboard, server: &ServerDashboard) -> Result<Option<DashboardDiff>, DiffError> {
    diff_dashboard(
        &DiffDoc {
            uid: d.uid.clone(),
            folder: None,
            json: d.json.clone(),
        },
        &DiffDoc {
            uid: d.uid.clone(),
            folder: None,
            json: server.dashboard.clone(),
        },
    )
}

#[allow(clippy::too_many_arguments)]
fn write(
    client: &GrafanaClient,
    d: &LocalDashboard,
    body: &Value,
    folder_uid: Option<&str>,
    message: &str,
    local_hash: &str,
    from: Option<i64>,
    forced: bool,
    lock: bool,
) -> Outcome {
    let written = |version: i64| match from {
        None => Outcome::Created { version },
        Some(from) => Outcome::Updated {
            from,
            to: version,
            forced,
        },
    };
    let save = Save {
        d,
        body,
        folder_uid,
        message,
        update: from.is_some(),
        lock,
    };
    match save.run(client, false) {
        Ok(version) => written(version),
        Err(SaveError::VersionMismatch { status, message }) => {
            // A retried write whose first attempt landed is refused the same way as a
            // concurrent edit: our own content on the server tells them apart.
            match client.get_dashboard(&d.uid) {
                Ok(Some(now))
                    if content_hash(&now.dashboard) == local_hash
                        && now.folder_uid.as_deref() == folder_uid =>
                {
                    written(now.version)
                }
                _ => Outcome::Concurrent {
                    status,
                    message: SaveError::VersionMismatch { status, message }.to_string(),
                },
            }
        }
        Err(e) => Outcome::Failed {
            error: e.to_string(),
        },
    }
}
