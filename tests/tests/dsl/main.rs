//! The DSL: lint rules, layout, compile errors, the built dashboards' output.

mod build_output;
mod compile_fail;
mod layout_props;
mod lint_rules;
