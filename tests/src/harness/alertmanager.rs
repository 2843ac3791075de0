//! A real Alertmanager on a free loopback port, and a stand-in for what it notifies.
//!
//! [`Alertmanager`] follows [`super::Prometheus`]: Debian's binary ([`super::alertmanager_bin`]),
//! its own temporary directory (configuration, templates, secrets, notification log, its
//! log), spawned tied to the test process, stopped and deleted on drop, ready when
//! `/-/ready` answers.
//!
//! [`NotificationReceiver`] is Slack, PagerDuty or a webhook as Alertmanager sees them: an
//! HTTP endpoint (test_support's server) that records the JSON body of every POST, by path,
//! so one receiver can stand in for several integrations (`/slack`, `/pagerduty`).

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::Child;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use serde_json::Value;
use tempfile::TempDir;
use test_support::eventually::Eventually;
use test_support::http::{HttpServer, Reply, Response};

use super::process::{
    claim_dir, log_tail, retry_on_port_clash, server_command, stop_process, sweep_stale_dirs,
    wait_http_ready,
};
use super::prometheus::set_global_key;
use super::{alertmanager_bin, contract_alertmanager_config, http_client, HarnessError};

/// Where `provisioning/alertmanager/alertmanager.yml` reads its secrets from (the Prometheus
/// Operator's mount point for the Alertmanager's `spec.secrets`). [`Alertmanager::start`]
/// writes the options' secrets below its own directory and rewrites this prefix to it.
pub const ALERTMANAGER_SECRETS_DIR: &str = "/etc/alertmanager/secrets/";

/// Temporary directories: `$TMPDIR/harness-alertmanager-*`.
const DIR_PREFIX: &str = "harness-alertmanager-";
/// How long Alertmanager may take to answer `/-/ready`.
const READY_TIMEOUT: Duration = Duration::from_secs(30);

/// What an [`Alertmanager`] runs with: a configuration, its templates and its secrets.
///
/// ```
/// use integration_tests::harness::AlertmanagerOptions;
/// # fn main() -> Result<(), integration_tests::harness::HarnessError> {
/// let options = AlertmanagerOptions::provisioning()?
///     .secret("spark-alertmanager/slack-api-url", "http://127.0.0.1:9/slack")
///     .pagerduty_url("http://127.0.0.1:9/pagerduty");
/// assert!(options.config().contains("pagerduty_url: http://127.0.0.1:9/pagerduty"));
/// # Ok(()) }
/// ```
#[derive(Debug, Clone)]
pub struct AlertmanagerOptions {
    config: String,
    /// File name in `templates/` → content.
    templates: BTreeMap<String, String>,
    /// Path below [`ALERTMANAGER_SECRETS_DIR`] → content.
    secrets: BTreeMap<String, String>,
}

impl AlertmanagerOptions {
    /// A configuration of the test's own (its templates, if any, added with
    /// [`template`](Self::template); the configuration names them `templates/*.tmpl`).
    ///
    /// ```
    /// use integration_tests::harness::AlertmanagerOptions;
    /// let o = AlertmanagerOptions::new("route: {receiver: x}\nreceivers: [{name: x}]\n");
    /// assert!(o.config().starts_with("route:"));
    /// ```
    pub fn new(config: impl Into<String>) -> Self {
        AlertmanagerOptions {
            config: config.into(),
            templates: BTreeMap::new(),
            secrets: BTreeMap::new(),
        }
    }

    /// The provisioning configuration, `provisioning/alertmanager/alertmanager.yml`, with
    /// every template of `provisioning/alertmanager/templates/`.
    pub fn provisioning() -> Result<Self, HarnessError> {
        let path = contract_alertmanager_config();
        let read = |p: &Path| {
            fs::read_to_string(p)
                .map_err(|e| HarnessError::io(format!("reading {}", p.display()), e))
        };
        let mut options = Self::new(read(&path)?);
        let dir = path
            .parent()
            .expect("a file has a parent")
            .join("templates");
        let entries = fs::read_dir(&dir)
            .map_err(|e| HarnessError::io(format!("listing {}", dir.display()), e))?;
        for entry in entries {
            let p = entry
                .map_err(|e| HarnessError::io(format!("listing {}", dir.display()), e))?
                .path();
            if p.extension().is_some_and(|e| e == "tmpl") {
                let name = p
                    .file_name()
                    .expect("a file name")
                    .to_string_lossy()
                    .into_owned();
                options.templates.insert(name, read(&p)?);
            }
        }
        Ok(options)
    }

    /// Adds (or replaces) `templates/<name>`.
    pub fn template(mut self, name: impl Into<String>, content: impl Into<String>) -> Self {
        self.templates.insert(name.into(), content.into());
        self
    }

    /// Adds a secret file: `path` is relative to [`ALERTMANAGER_SECRETS_DIR`], as the
    /// configuration names it (`spark-alertmanager/slack-api-url`).
    pub fn secret(mut self, path: impl Into<String>, content: impl Into<String>) -> Self {
        self.secrets.insert(path.into(), content.into());
        self
    }

    /// Points `global.pagerduty_url` at `url` (a stand-in). Alertmanager 0.25 reads the
    /// PagerDuty URL from the configuration only, not from a file, so a test that receives
    /// PagerDuty events must edit it. Replaces the key where it is; adds it to `global:` (or
    /// adds `global:`) where it is not.
    pub fn pagerduty_url(mut self, url: &str) -> Self {
        self.config = set_global_key(&self.config, "pagerduty_url", url);
        self
    }

    /// The configuration as it will be written (before the secrets prefix is rewritten).
    pub fn config(&self) -> &str {
        &self.config
    }
}

/// One alert as `GET /api/v2/alerts` lists it.
#[derive(Debug, Clone, PartialEq)]
pub struct AlertmanagerAlert {
    pub labels: BTreeMap<String, String>,
    pub annotations: BTreeMap<String, String>,
    /// `active`, `suppressed` (silenced or inhibited) or `unprocessed`.
    pub state: String,
    /// Fingerprints of the alerts that inhibit this one.
    pub inhibited_by: Vec<String>,
    /// The receivers its route resolves to, in routing order.
    pub receivers: Vec<String>,
}

impl AlertmanagerAlert {
    /// Its `alertname` label (empty when it has none).
    pub fn name(&self) -> &str {
        self.labels.get("alertname").map_or("", String::as_str)
    }
}

/// A running Alertmanager. Dropping it stops the process and deletes its directory.
pub struct Alertmanager {
    /// Base URL, `http://127.0.0.1:<port>`.
    pub url: String,
    child: Child,
    client: reqwest::blocking::Client,
    log: PathBuf,
    // Last: removed after the process is stopped.
    dir: TempDir,
}

impl Alertmanager {
    /// Starts Alertmanager (`ALERTMANAGER_BIN`, see [`super::alertmanager_bin`]) on a free
    /// 127.0.0.1 port with clustering off (its gossip port, 9094 by default, would clash
    /// between tests), `options`' configuration in `alertmanager.yml` of a temporary
    /// directory, its templates in `templates/`, its secrets in `secrets/`, every
    /// `/etc/alertmanager/secrets/` in the configuration rewritten to that `secrets/`.
    /// Returns once `/-/ready` answers 200; a configuration Alertmanager refuses is a
    /// [`HarnessError::ProcessExited`] with its log's last lines.
    ///
    /// ```no_run
    /// use integration_tests::harness::{Alertmanager, AlertmanagerOptions, NotificationReceiver};
    /// # fn main() -> Result<(), integration_tests::harness::HarnessError> {
    /// let slack = NotificationReceiver::start()?;
    /// let am = Alertmanager::start(
    ///     &AlertmanagerOptions::provisioning()?
    ///         .secret("spark-alertmanager/slack-api-url", slack.url("/slack")),
    /// )?;
    /// assert!(am.alerts()?.is_empty());
    /// # Ok(()) }
    /// ```
    pub fn start(options: &AlertmanagerOptions) -> Result<Self, HarnessError> {
        let bin = alertmanager_bin()?;
        sweep_stale_dirs(DIR_PREFIX, |_| {});
        retry_on_port_clash(|| Self::try_start(&bin, options))
    }

    fn try_start(bin: &Path, options: &AlertmanagerOptions) -> Result<Self, HarnessError> {
        let dir = tempfile::Builder::new()
            .prefix(DIR_PREFIX)
            .tempdir()
            .map_err(|e| HarnessError::io("creating a temporary directory", e))?;
        claim_dir(dir.path())?;
        let write = |path: &Path, text: &str| {
            if let Some(parent) = path.parent() {
                fs::create_dir_all(parent)
                    .map_err(|e| HarnessError::io(format!("creating {}", parent.display()), e))?;
            }
            fs::write(path, text)
                .map_err(|e| HarnessError::io(format!("writing {}", path.display()), e))
        };
        let secrets = dir.path().join("secrets");
        fs::create_dir_all(&secrets)
            .map_err(|e| HarnessError::io(format!("creating {}", secrets.display()), e))?;
        for (path, content) in &options.secrets {
            write(&secrets.join(relative(path, "secret")?), content)?;
        }
        for (name, content) in &options.templates {
            write(
                &dir.path()
                    .join("templates")
                    .join(relative(name, "template")?),
                content,
            )?;
        }
        let config = options
            .config
            .replace(ALERTMANAGER_SECRETS_DIR, &format!("{}/", secrets.display()));
        let config_path = dir.path().join("alertmanager.yml");
        write(&config_path, &config)?;

        let mut server = server_command(
            bin,
            dir.path(),
            &config_path,
            "storage.path",
            "alertmanager.log",
        )?;
        server
            .command
            // An empty address disables the cluster (and its listener), per `--help` of 0.25.
            .arg("--cluster.listen-address=")
            .arg("--log.level=debug")
            // The stand-ins are on loopback; a proxy from the environment must not intercept.
            .env_remove("HTTP_PROXY")
            .env_remove("HTTPS_PROXY")
            .env_remove("http_proxy")
            .env_remove("https_proxy");
        let (child, port, log) = server.spawn()?;
        let mut alertmanager = Alertmanager {
            url: format!("http://127.0.0.1:{port}"),
            child,
            client: http_client(Duration::from_secs(10))?,
            log,
            dir,
        };
        alertmanager.wait_ready()?;
        Ok(alertmanager)
    }

    fn wait_ready(&mut self) -> Result<(), HarnessError> {
        let what = format!("Alertmanager ({})", self.url);
        let hint = self.check_config_hint();
        wait_http_ready(
            &mut self.child,
            &self.client,
            &self.url,
            &what,
            &self.log,
            READY_TIMEOUT,
            &hint,
        )
    }

    /// What to run to see why Alertmanager refused its configuration.
    fn check_config_hint(&self) -> String {
        format!(
            "\n`amtool check-config {}` says what is wrong with the configuration.",
            self.config_path().display()
        )
    }

    fn exited(&self, status: String) -> HarnessError {
        HarnessError::ProcessExited {
            what: format!("Alertmanager ({})", self.url),
            status,
            log: self.log.clone(),
            log_tail: log_tail(&self.log, 15),
            hint: self.check_config_hint(),
        }
    }

    /// Every alert Alertmanager holds, `GET /api/v2/alerts` (active, silenced and
    /// inhibited ones alike).
    pub fn alerts(&self) -> Result<Vec<AlertmanagerAlert>, HarnessError> {
        let url = format!("{}/api/v2/alerts", self.url);
        let (status, body) = super::http_get(&self.client, &url)?;
        let bad = |message: String| HarnessError::Alertmanager {
            url: url.clone(),
            message,
        };
        if status != 200 {
            return Err(bad(format!("HTTP {status}: {}", body.trim())));
        }
        let json: Value =
            serde_json::from_str(&body).map_err(|e| bad(format!("not JSON ({e}): {body}")))?;
        let list = json
            .as_array()
            .ok_or_else(|| bad(format!("expected a list of alerts, got {json}")))?;
        let strings = |v: &Value, key: &str| -> BTreeMap<String, String> {
            v.get(key)
                .and_then(Value::as_object)
                .map(|m| {
                    m.iter()
                        .map(|(k, v)| (k.clone(), v.as_str().unwrap_or_default().to_string()))
                        .collect()
                })
                .unwrap_or_default()
        };
        Ok(list
            .iter()
            .map(|a| AlertmanagerAlert {
                labels: strings(a, "labels"),
                annotations: strings(a, "annotations"),
                state: a
                    .pointer("/status/state")
                    .and_then(Value::as_str)
                    .unwrap_or_default()
                    .to_string(),
                inhibited_by: a
                    .pointer("/status/inhibitedBy")
                    .and_then(Value::as_array)
                    .map(|l| {
                        l.iter()
                            .filter_map(Value::as_str)
                            .map(String::from)
                            .collect()
                    })
                    .unwrap_or_default(),
                receivers: a
                    .get("receivers")
                    .and_then(Value::as_array)
                    .map(|l| {
                        l.iter()
                            .filter_map(|r| r.get("name").and_then(Value::as_str))
                            .map(String::from)
                            .collect()
                    })
                    .unwrap_or_default(),
            })
            .collect())
    }

    /// Polls [`alerts`](Self::alerts) until `done` holds for them, and returns them. On
    /// timeout the error names `what`, shows the last list and the log's last lines.
    pub fn wait_for_alerts(
        &self,
        what: &str,
        timeout: Duration,
        done: impl Fn(&[AlertmanagerAlert]) -> bool,
    ) -> Result<Vec<AlertmanagerAlert>, HarnessError> {
        let found = Eventually::new(timeout)
            .every(Duration::from_millis(250))
            .poll(|| {
                if !super::process::process_alive(self.child.id()) {
                    return Ok(Err(self.exited("no longer running".into())));
                }
                match self.alerts() {
                    Ok(alerts) if done(&alerts) => Ok(Ok(alerts)),
                    Ok(alerts) => Err(describe_alerts(&alerts)),
                    Err(e) => Err(e.to_string()),
                }
            });
        found.unwrap_or_else(|timed_out| {
            Err(HarnessError::Timeout {
                what: format!("{what} on Alertmanager {}", self.url),
                waited: timed_out.waited,
                details: format!(
                    "last answer: {}\nlast lines of {}:\n{}",
                    timed_out.last,
                    self.log.display(),
                    log_tail(&self.log, 15)
                ),
            })
        })
    }

    /// The address it listens on, `127.0.0.1:<port>`: what Prometheus is pointed at.
    pub fn address(&self) -> &str {
        self.url.trim_start_matches("http://")
    }

    /// The configuration it runs with (secrets paths rewritten to [`dir`](Self::dir)).
    pub fn config_path(&self) -> PathBuf {
        self.dir.path().join("alertmanager.yml")
    }

    /// Its temporary directory (config, templates, secrets, data, log), deleted on drop.
    pub fn dir(&self) -> &Path {
        self.dir.path()
    }

    /// Its log (stdout and stderr, debug level: every notification attempt is there).
    pub fn log_path(&self) -> &Path {
        &self.log
    }

    /// The last `lines` lines of its log, for a test's own error messages.
    pub fn log_tail(&self, lines: usize) -> String {
        log_tail(&self.log, lines)
    }

    /// The process id, to check that it is gone after drop.
    pub fn pid(&self) -> u32 {
        self.child.id()
    }
}

impl Drop for Alertmanager {
    fn drop(&mut self) {
        stop_process(&mut self.child, Duration::from_secs(5));
    }
}

/// A path the harness writes below its directory: relative, without `..`.
fn relative<'a>(path: &'a str, what: &str) -> Result<&'a Path, HarnessError> {
    let p = Path::new(path);
    if p.is_absolute()
        || p.components()
            .any(|c| matches!(c, std::path::Component::ParentDir))
    {
        return Err(HarnessError::Input {
            path: p.to_path_buf(),
            message: format!(
                "a {what} path must be relative to its directory, without `..` \
                 (e.g. `spark-alertmanager/slack-api-url` for {ALERTMANAGER_SECRETS_DIR}spark-alertmanager/slack-api-url)"
            ),
        });
    }
    Ok(p)
}

/// One line per alert, for error messages.
fn describe_alerts(alerts: &[AlertmanagerAlert]) -> String {
    if alerts.is_empty() {
        return "no alerts".into();
    }
    let lines: Vec<String> = alerts
        .iter()
        .map(|a| {
            format!(
                "{} {:?} state={} inhibitedBy={:?} receivers={:?}",
                a.name(),
                a.labels,
                a.state,
                a.inhibited_by,
                a.receivers
            )
        })
        .collect();
    format!("{} alert(s):\n  {}", alerts.len(), lines.join("\n  "))
}

/// One POST a [`NotificationReceiver`] received.
#[derive(Debug, Clone, PartialEq)]
pub struct Notification {
    /// The request path (`/slack`, `/pagerduty`…): which integration sent it.
    pub path: String,
    /// The body, parsed as JSON.
    pub body: Value,
}

#[derive(Default)]
struct Received {
    notifications: Vec<Notification>,
    /// Bodies that were not JSON (answered 400), for error messages.
    rejected: Vec<String>,
}

/// Slack, PagerDuty and webhooks as Alertmanager sees them: every POST's JSON body is
/// recorded with its path and answered `200 ok` (what Slack's incoming webhooks answer;
/// Alertmanager 0.25 takes any 2xx as delivered, notify/util.go's Retrier); a body that is
/// not JSON is answered 400, which Alertmanager logs and retries.
///
/// ```
/// use integration_tests::harness::NotificationReceiver;
/// # fn main() -> Result<(), integration_tests::harness::HarnessError> {
/// let receiver = NotificationReceiver::start()?;
/// let response = reqwest::blocking::Client::builder().no_proxy().build().unwrap()
///     .post(receiver.url("/slack"))
///     .body(r#"{"text": "hello"}"#)
///     .send()
///     .unwrap();
/// assert_eq!(response.status(), 200);
/// let received = receiver.received();
/// assert_eq!((received[0].path.as_str(), &received[0].body["text"]), ("/slack", &serde_json::json!("hello")));
/// # Ok(()) }
/// ```
pub struct NotificationReceiver {
    server: HttpServer,
    received: Arc<Mutex<Received>>,
}

impl NotificationReceiver {
    /// Listens on a free 127.0.0.1 port.
    pub fn start() -> Result<Self, HarnessError> {
        let received = Arc::new(Mutex::new(Received::default()));
        let sink = received.clone();
        let server = HttpServer::start(move |req| {
            if req.method != "POST" {
                return Reply::Respond(Response::text(405, "text/plain", "POST only"));
            }
            let mut sink = sink.lock().unwrap_or_else(|e| e.into_inner());
            match serde_json::from_slice::<Value>(&req.body) {
                Ok(body) => {
                    sink.notifications.push(Notification {
                        path: req.path.clone(),
                        body,
                    });
                    Reply::Respond(Response::text(200, "text/plain", "ok"))
                }
                Err(e) => {
                    sink.rejected.push(format!(
                        "{}: {e}: {}",
                        req.path,
                        String::from_utf8_lossy(&req.body)
                    ));
                    Reply::Respond(Response::text(400, "text/plain", "invalid_payload"))
                }
            }
        })
        .map_err(|e| HarnessError::io("starting the notification receiver", e))?;
        Ok(NotificationReceiver { server, received })
    }

    /// The URL of `path` on it (`receiver.url("/slack")`): what goes in a secret file or a
    /// `url:` of the configuration.
    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.server.url())
    }

    /// Everything received so far, in arrival order.
    pub fn received(&self) -> Vec<Notification> {
        self.lock().notifications.clone()
    }

    /// What arrived on `path`, in arrival order.
    pub fn received_on(&self, path: &str) -> Vec<Notification> {
        self.lock()
            .notifications
            .iter()
            .filter(|n| n.path == path)
            .cloned()
            .collect()
    }

    /// Waits until a notification on `path` satisfies `matches`, and returns it. On timeout
    /// the error names `what` and lists everything received (and rejected).
    pub fn wait_for(
        &self,
        path: &str,
        what: &str,
        timeout: Duration,
        matches: impl Fn(&Value) -> bool,
    ) -> Result<Notification, HarnessError> {
        let found = Eventually::new(timeout)
            .every(Duration::from_millis(100))
            .poll(|| {
                self.received_on(path)
                    .into_iter()
                    .find(|n| matches(&n.body))
                    .ok_or(())
            });
        found.map_err(|timed_out| HarnessError::Timeout {
            what: format!("{what} on {}", self.url(path)),
            waited: timed_out.waited,
            details: self.describe(),
        })
    }

    /// Everything received, one line each (bodies shortened), for error messages.
    pub fn describe(&self) -> String {
        let received = self.lock();
        let mut out = format!("received {} notification(s)", received.notifications.len());
        for n in &received.notifications {
            let body = n.body.to_string();
            let cut: String = body.chars().take(400).collect();
            out.push_str(&format!("\n  POST {}: {cut}", n.path));
        }
        for r in &received.rejected {
            out.push_str(&format!("\n  rejected (not JSON): {r}"));
        }
        out
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Received> {
        self.received.lock().unwrap_or_else(|e| e.into_inner())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn secret_and_template_paths_stay_inside_the_directory() {
        assert!(relative("spark-alertmanager/slack-api-url", "secret").is_ok());
        for bad in ["/etc/alertmanager/secrets/x", "../x", "a/../../x"] {
            let err = relative(bad, "secret").unwrap_err().to_string();
            assert!(
                err.contains(bad) && err.contains("must be relative"),
                "{err}"
            );
        }
    }
}
