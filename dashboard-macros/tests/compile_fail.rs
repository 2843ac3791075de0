//! Mistakes the macros must reject at compile time, with the message and
//! span pinned in `tests/ui/*.stderr`.
//!
//! Regenerate after an intended change with
//! `TRYBUILD=overwrite cargo test -p dashboard-macros --test integration compile_fail`,
//! then read every changed `.stderr`.

#[test]
fn ui() {
    let t = trybuild::TestCases::new();
    t.compile_fail("tests/ui/*.rs");
}
