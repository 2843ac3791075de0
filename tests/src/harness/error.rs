//! The one error type of the harness. Every message says what failed and what to do.

use std::path::PathBuf;
use std::time::Duration;

/// Why the harness could not start, feed or query a component.
///
/// `Debug` prints the same text as `Display`, so that a test returning
/// `Result<(), HarnessError>` fails with the readable message.
#[derive(thiserror::Error)]
pub enum HarnessError {
    /// A program or package the tests need is not installed.
    #[error("{what} not found ({looked_at}). {hint}")]
    MissingPrerequisite {
        what: String,
        looked_at: String,
        hint: String,
    },

    /// A file or process operation failed.
    #[error("{context}: {source}")]
    Io {
        context: String,
        #[source]
        source: std::io::Error,
    },

    /// A fixture is missing or malformed.
    #[error("fixture {}: {message}", path.display())]
    Fixture { path: PathBuf, message: String },

    /// A process the harness started exited before it was ready.
    #[error("{what} exited early ({status}); last lines of its log {}:\n{log_tail}{hint}", log.display())]
    ProcessExited {
        what: String,
        status: String,
        log: PathBuf,
        log_tail: String,
        /// Empty, or a line starting with a newline that says what to do.
        hint: String,
    },

    /// A bounded wait ran out.
    #[error("timed out after {waited:?} waiting for {what}\n{details}")]
    Timeout {
        what: String,
        waited: Duration,
        details: String,
    },

    /// An HTTP request failed (connection refused, timeout, bad status).
    #[error("GET {url}: {message}")]
    Http { url: String, message: String },

    /// Prometheus answered something unexpected (not success JSON, wrong result type).
    #[error("Prometheus {url}: {message}")]
    Prometheus { url: String, message: String },

    /// Alertmanager answered something unexpected (not JSON, not the API's shape).
    #[error("Alertmanager {url}: {message}")]
    Alertmanager { url: String, message: String },

    /// A file the test handed to the harness (a rule file, a template) is unusable.
    #[error("{}: {message}", path.display())]
    Input { path: PathBuf, message: String },
}

impl std::fmt::Debug for HarnessError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        std::fmt::Display::fmt(self, f)
    }
}

impl HarnessError {
    pub(crate) fn io(context: impl Into<String>, source: std::io::Error) -> Self {
        Self::Io {
            context: context.into(),
            source,
        }
    }
}
