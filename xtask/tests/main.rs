//! The integration tests of xtask, in one binary: `cargo xtask dashboards build` as a
//! user runs it ([`cli`], [`configmap`]), and examples/standalone built outside the
//! workspace ([`standalone`]). [`support`] runs the binary for all of them.

mod cli;
mod configmap;
mod standalone;
mod support;
