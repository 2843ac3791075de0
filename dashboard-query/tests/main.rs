//! The integration tests of dashboard-query, in one binary: property tests that no query
//! makes the checks panic ([`never_panics`]), and of the TraceQL check ([`traceql`]).

mod never_panics;
mod traceql;
