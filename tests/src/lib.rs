//! Integration tests live in `tests/`; this crate has no library code of its own.

pub mod harness;

/// A strict stand-in for Grafana's HTTP API, with fault injection, for push and diff tests.
pub mod grafana;
