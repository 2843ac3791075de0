//! Errors of the Grafana client. Each message says what failed and what to do about it,
//! and none carries a credential: server text is redacted before it gets here.

/// Something went wrong talking to Grafana.
///
/// ```
/// use dashboard_sync::ApiError;
/// let e = ApiError::Unauthorized { creds: "a token".into(), message: "Invalid API key".into() };
/// assert!(e.to_string().contains("GRAFANA_TOKEN"));
/// ```
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ApiError {
    /// No HTTP answer at all: DNS, refused connection, TLS, timeouts, after every retry.
    #[error("cannot reach Grafana at {url}: {detail}. Check --grafana-url and that Grafana is running and reachable from this machine")]
    Unreachable {
        /// The base URL.
        url: String,
        /// What the transport reported.
        detail: String,
    },
    /// Something answered, but it is not Grafana's API.
    #[error("{url} does not look like Grafana: {detail}. Check --grafana-url: it must be Grafana's root URL, the one that serves /api/health")]
    NotGrafana {
        /// The base URL.
        url: String,
        /// What gave it away.
        detail: String,
    },
    /// Grafana is up but says its database is not.
    #[error("Grafana at {url} reports its database as {database:?}; try again when it is healthy")]
    Unhealthy {
        /// The base URL.
        url: String,
        /// The `database` field of `/api/health`.
        database: String,
    },
    /// 401: the credentials are missing, wrong or expired.
    #[error("Grafana refused the credentials ({creds}): 401 Unauthorized: {message}. Check GRAFANA_TOKEN or --token-file (or GRAFANA_USER and GRAFANA_PASSWORD) and --org-id")]
    Unauthorized {
        /// What kind of credentials were sent, never their value.
        creds: String,
        /// Grafana's message.
        message: String,
    },
    /// 403: the credentials are valid but may not do this.
    #[error("Grafana accepted the credentials ({creds}) but denied {what}: 403 Forbidden: {message}. Give the service account the Editor role (Admin to create folders) in this organisation")]
    Forbidden {
        /// What kind of credentials were sent.
        creds: String,
        /// The operation.
        what: String,
        /// Grafana's message.
        message: String,
    },
    /// Any other HTTP error status, after retries where they apply.
    #[error("{what}: Grafana answered {status}{}: {message}{}", status_text.as_deref().map(|s| format!(" ({s})")).unwrap_or_default(), if *attempts > 1 { format!(" (gave up after {attempts} attempts)") } else { String::new() })]
    Status {
        /// The operation, naming the dashboard or folder.
        what: String,
        /// The HTTP status.
        status: u16,
        /// Grafana's `status` field, such as `version-mismatch`.
        status_text: Option<String>,
        /// Grafana's `message` field, or the start of the body.
        message: String,
        /// How many times it was tried.
        attempts: u32,
    },
    /// The connection failed or timed out on every attempt.
    #[error("{what}: {detail} (gave up after {attempts} attempts). Check that Grafana is up; raise --timeout if it is just slow")]
    Transport {
        /// The operation.
        what: String,
        /// What the transport reported.
        detail: String,
        /// How many times it was tried.
        attempts: u32,
    },
    /// A 2xx answer that is not the JSON the API documents.
    #[error("{what}: unexpected answer from Grafana: {detail}")]
    BadResponse {
        /// The operation.
        what: String,
        /// What was wrong with it.
        detail: String,
    },
    /// The client could not be set up (a bad URL, say).
    #[error("{0}")]
    Config(String),
}

/// Why Grafana did not save a dashboard.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SaveError {
    /// 412 `version-mismatch` (Grafana 10–12) or 409 (newer Grafana): someone saved the
    /// dashboard after we read it. Nothing was overwritten.
    #[error("Grafana refused the write because the dashboard changed after it was read ({status}: {message}); nothing was overwritten and nothing is lost. Run push again: it will show the change as drift")]
    VersionMismatch {
        /// 412 or 409.
        status: u16,
        /// Grafana's message.
        message: String,
    },
    /// 400 "Cannot save provisioned dashboard".
    #[error("Grafana will not save it because it is provisioned from files on the Grafana server ({message}). Change the provisioning files instead, or remove the dashboard from provisioning")]
    Provisioned {
        /// Grafana's message.
        message: String,
    },
    /// Anything else.
    #[error(transparent)]
    Api(#[from] ApiError),
}
