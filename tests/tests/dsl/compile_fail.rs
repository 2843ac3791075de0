//! Mistakes the DSL's types turn into compile errors (the macros' own cases live in
//! `dashboard-macros/tests`).

#[test]
fn ui() {
    let t = trybuild::TestCases::new();
    t.compile_fail("tests/ui/*.rs");
}
