//! The integration tests of dashboard-macros, in one binary: the mistakes they reject at
//! compile time ([`compile_fail`], trybuild on `tests/ui/`), and the macros used the way
//! dashboards use them ([`pass`]).

mod compile_fail;
mod pass;
