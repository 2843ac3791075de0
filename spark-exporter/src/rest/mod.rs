//! Source 2: Spark's REST API (`/api/v1`) of a running driver's UI or a History Server.
//!
//! [`model`] decodes the responses and [`poller`] polls: its requests are made by `fetch`,
//! what it keeps is bounded by `retention` (and by [`sql`] for SQL executions), what it publishes is `state`, and `series`
//! writes that as samples of the metrics [`families`] names. The public items of the
//! private modules are re-exported by [`poller`].

pub mod families;
mod fetch;
pub mod model;
pub mod poller;
mod retention;
mod series;
pub mod sql;
mod state;
