//! dashboard-sync: push against the Grafana stand-in, the stand-in itself, the semantic diff.

mod apis_standin;
mod diff_semantic;
mod push_apis;
mod push_basic;
mod push_connect;
mod push_drift;
mod push_faults;
mod push_standin;
mod push_support;
