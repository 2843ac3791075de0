//! Source 2: Spark's REST API (`/api/v1`) of a running driver's UI or a History Server.
//!
//! [`model`] decodes the responses, [`poller`] polls and keeps what is exported, and
//! [`families`] names the metrics.

pub mod families;
pub mod model;
pub mod poller;
