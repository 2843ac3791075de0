//! The integration tests of spark-traces, in one binary: the command line
//! ([`traces_cli`]) and event logs a real Spark wrote in each codec and layout
//! ([`traces_real_codecs`]).

mod traces_cli;
mod traces_real_codecs;
