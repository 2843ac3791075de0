//! The DSL: lint rules, layout, the built dashboards' output.

mod build_output;
mod layout_props;
mod lint_rules;
