//! Push dashboards to Grafana safely, and diff them panel by panel.
//!
//! - [`client`]: a blocking client for Grafana's `/api` (10–12) with timeouts, retries
//!   with backoff and jitter, and credentials that never print ([`Secret`]).
//! - [`content`]: what counts as content, and the hash push records with each dashboard
//!   to tell its own writes from edits made in Grafana.
//! - [`push`]: plan (create, update, unchanged, conflict) and write with optimistic
//!   concurrency, never over an edit made in Grafana unless forced.
//! - [`diff`] and [`render`]: a semantic diff, for a terminal or a pull request.
//!
//! ```
//! use dashboard_sync::{content::content_hash, diff::{diff_sets, DiffDoc}, render};
//! use serde_json::json;
//! let server = json!({"uid": "a", "title": "A", "id": 12, "version": 7});
//! let local = json!({"uid": "a", "title": "A"});
//! // Server-managed fields are not content: no write, no permanent diff.
//! assert_eq!(content_hash(&server), content_hash(&local));
//! let d = diff_sets(&[DiffDoc { uid: "a".into(), folder: None, json: server }],
//!                   &[DiffDoc { uid: "a".into(), folder: None, json: local }]).unwrap();
//! assert_eq!(render::summary_line(&d), "no changes (1 dashboard compared)");
//! ```

pub mod apis;
pub mod client;
pub mod content;
pub mod diff;
pub mod error;
pub mod local;
pub mod push;
pub mod render;
pub mod retry;
mod secret;

pub use client::{ClientConfig, GrafanaClient, Logger};
pub use error::{ApiError, SaveError};
pub use local::{FolderSpec, LocalDashboard};
pub use push::{PushError, PushOptions, PushReport};
pub use retry::RetryPolicy;
pub use secret::{Credentials, Secret};
