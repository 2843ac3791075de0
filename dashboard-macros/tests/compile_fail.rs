//! Mistakes that must not compile, with the message and span pinned in
//! `tests/ui/*.stderr`: the macros' own (`promql_*`, `variables_*`, `panel_key_*`) and those
//! the DSL's types reject (`promql_on_tempo`, `traceql_on_prometheus`, `alert_severity_*`,
//! `unit_as_string`). They are one trybuild run on purpose: each run builds its test crates'
//! dependencies in a target of its own, about 50 s on 2 cores, and the DSL cases need no
//! more than this crate's dev-dependencies (dashboard-dsl).
//!
//! Regenerate after an intended change with
//! `TRYBUILD=overwrite cargo test -p dashboard-macros --test integration compile_fail`,
//! then read every changed `.stderr`.

#[test]
fn ui() {
    let t = trybuild::TestCases::new();
    t.compile_fail("tests/ui/*.rs");
}
