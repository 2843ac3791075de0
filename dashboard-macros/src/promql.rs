//! `promql!`: a PromQL literal checked at compile time, with every Grafana
//! variable it references tied to a variable handle.

use proc_macro2::{Span, TokenStream};
use quote::{quote, quote_spanned};
use syn::ext::IdentExt;
use syn::parse::{Parse, ParseStream};
use syn::spanned::Spanned;
use syn::{Expr, Ident, LitStr, Token};

use std::collections::BTreeSet;

use dashboard_query::promql::OutputLabels;

use crate::util::{closest, Errors};

/// `name = expr` after the literal.
struct Arg {
    name: Ident,
    value: Expr,
}

struct Input {
    literal: LitStr,
    args: Vec<Arg>,
}

impl Parse for Input {
    fn parse(input: ParseStream) -> syn::Result<Self> {
        if input.is_empty() {
            return Err(syn::Error::new(
                Span::call_site(),
                "promql! expects a string literal, e.g. `promql!(\"up{job=\\\"spark\\\"}\")`",
            ));
        }
        if !input.peek(LitStr) {
            return Err(input.error(
                "promql! expects a string literal; the query must be known at compile time \
                 (use `PromQl::new` for queries built at runtime)",
            ));
        }
        let literal: LitStr = input.parse()?;
        let mut args = Vec::new();
        while !input.is_empty() {
            input.parse::<Token![,]>()?;
            if input.is_empty() {
                break;
            }
            // Any identifier, keywords included: `$type` is a valid Grafana
            // reference, so `type = vars.kind` should be accepted.
            let name = Ident::parse_any(input).map_err(|e| {
                syn::Error::new(
                    e.span(),
                    "expected `name = variable`, e.g. `app = vars.app`, after the query",
                )
            })?;
            input.parse::<Token![=]>().map_err(|e| {
                syn::Error::new(
                    e.span(),
                    format!("expected `=` after `{name}`, e.g. `{name} = vars.{name}`"),
                )
            })?;
            let value: Expr = input.parse()?;
            args.push(Arg { name, value });
        }
        Ok(Input { literal, args })
    }
}

pub(crate) fn expand(input: TokenStream) -> TokenStream {
    let input = match syn::parse2::<Input>(input) {
        Ok(input) => input,
        Err(e) => return e.to_compile_error(),
    };
    let literal = &input.literal;
    match check(&input) {
        Ok(output) => {
            let output = output_labels_tokens(&output);
            let pairs = input.args.iter().map(|Arg { name, value }| {
                let placeholder = name.unraw().to_string();
                // Spanned at the argument so that passing something that is
                // not a variable handle is reported there by rustc.
                quote_spanned! {value.span()=>
                    (#placeholder, ::dashboard_dsl::variable::VarName::var_name(&(#value)))
                }
            });
            quote! {
                ::dashboard_dsl::query::PromQl::__from_macro(#literal, &[#(#pairs),*], #output)
            }
        }
        // Still produce a `PromQl` so that the only errors shown are ours.
        Err(e) => {
            let errors = e.to_compile_error();
            quote! {
                {
                    #errors
                    ::dashboard_dsl::query::PromQl::__from_macro(
                        #literal,
                        &[],
                        ::dashboard_dsl::query::OutputLabels::Any,
                    )
                }
            }
        }
    }
}

/// The labels computed at compile time, as an expression the runtime can
/// keep, so the lint does not parse the query again.
fn output_labels_tokens(labels: &OutputLabels) -> TokenStream {
    let set = |set: &BTreeSet<String>| {
        if set.is_empty() {
            quote!(::std::collections::BTreeSet::new())
        } else {
            let labels = set.iter();
            quote!(::std::collections::BTreeSet::from([#(::std::string::String::from(#labels)),*]))
        }
    };
    match labels {
        OutputLabels::Any => quote!(::dashboard_dsl::query::OutputLabels::Any),
        OutputLabels::Only(only) => {
            let only = set(only);
            quote!(::dashboard_dsl::query::OutputLabels::Only(#only))
        }
        OutputLabels::AllExcept(except) => {
            let except = set(except);
            quote!(::dashboard_dsl::query::OutputLabels::AllExcept(#except))
        }
    }
}

/// Checks the invocation and returns the labels the query's result carries.
fn check(input: &Input) -> syn::Result<OutputLabels> {
    let mut errors = Errors::default();
    let literal = &input.literal;
    let query = literal.value();

    let mut declared: Vec<String> = Vec::new();
    for arg in &input.args {
        let name = arg.name.unraw().to_string();
        if dashboard_query::template::is_builtin(&name) {
            errors.push(
                arg.name.span(),
                format!(
                    "`{name}` is a Grafana built-in variable; built-ins such as \
                     `$__rate_interval` need no argument, remove `{name} = ...`"
                ),
            );
        } else if declared.contains(&name) {
            errors.push(
                arg.name.span(),
                format!(
                    "variable `{name}` is passed to promql! more than once; remove one of them"
                ),
            );
        } else {
            declared.push(name);
        }
    }

    let refs = dashboard_query::template::scan(&query);
    let mut reported: Vec<&str> = Vec::new();
    for r in refs.iter().filter(|r| !r.builtin) {
        if declared.contains(&r.name) || reported.contains(&r.name.as_str()) {
            continue;
        }
        reported.push(&r.name);
        let list = if declared.is_empty() {
            "no variables are passed yet".to_string()
        } else {
            format!("declared here: {}", declared.join(", "))
        };
        let hint = closest(&r.name, declared.iter().map(String::as_str))
            .map(|c| format!("; did you mean `${c}`?"))
            .unwrap_or_default();
        errors.push(
            literal.span(),
            format!(
                "undeclared variable `${name}` in promql!; pass it as an argument, \
                 e.g. `{name} = vars.{name}` ({list}){hint}",
                name = r.name
            ),
        );
    }

    for arg in &input.args {
        let name = arg.name.unraw().to_string();
        if !dashboard_query::template::is_builtin(&name) && !refs.iter().any(|r| r.name == name) {
            errors.push(
                arg.name.span(),
                format!(
                    "variable `{name}` is passed to promql! but never used; reference it as \
                     `${name}` in the query or remove the argument"
                ),
            );
        }
    }

    let output = match dashboard_query::promql::parse(&query) {
        Ok(expr) => dashboard_query::promql::output_labels(&expr),
        Err(e) => {
            errors.push(literal.span(), e.explain("invalid PromQL", &query));
            OutputLabels::Any
        }
    };
    errors.finish().map(|()| output)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn errors(input: TokenStream) -> Vec<String> {
        let input: Input = syn::parse2(input).expect("input parses");
        match check(&input) {
            Ok(_) => Vec::new(),
            Err(e) => e.into_iter().map(|e| e.to_string()).collect(),
        }
    }

    fn parse_error(input: TokenStream) -> String {
        match syn::parse2::<Input>(input) {
            Ok(_) => panic!("expected a parse error"),
            Err(e) => e.to_string(),
        }
    }

    #[test]
    fn accepts_declared_variables_and_builtins() {
        let errs = errors(quote! {
            r#"sum by (executor_id) (rate(metrics_executor_totalGCTime_seconds_total{application_name=~"${app:regex}", executor_id=~"[[executor]]"}[$__rate_interval]))"#,
            app = vars.app,
            executor = vars.executor,
        });
        assert!(errs.is_empty(), "{errs:?}");
    }

    #[test]
    fn keyword_argument_names() {
        let errs = errors(quote! { r#"x{kind="$type"}"#, type = vars.kind });
        assert!(errs.is_empty(), "{errs:?}");
    }

    #[test]
    fn undeclared_variable_lists_declared_ones_and_suggests() {
        let errs = errors(quote! {
            r#"x{a=~"$apps", e=~"$executor"}"#, app = vars.app, executor = vars.executor
        });
        assert_eq!(
            errs,
            [
                "undeclared variable `$apps` in promql!; pass it as an argument, e.g. \
              `apps = vars.apps` (declared here: app, executor); did you mean `$app`?",
                "variable `app` is passed to promql! but never used; reference it as `$app` in \
              the query or remove the argument"
            ]
        );
    }

    #[test]
    fn undeclared_variable_without_arguments_is_reported_once() {
        let errs = errors(quote! { r#"x{a=~"$app"} / y{a=~"$app"}"# });
        assert_eq!(
            errs,
            [
                "undeclared variable `$app` in promql!; pass it as an argument, e.g. \
              `app = vars.app` (no variables are passed yet)"
            ]
        );
    }

    #[test]
    fn unused_duplicate_and_builtin_arguments() {
        let errs = errors(quote! { "up", x = vars.x });
        assert_eq!(
            errs,
            [
                "variable `x` is passed to promql! but never used; reference it as `$x` in the \
              query or remove the argument"
            ]
        );
        let errs = errors(quote! { r#"x{a="$a"}"#, a = vars.a, a = vars.b });
        assert_eq!(
            errs,
            ["variable `a` is passed to promql! more than once; remove one of them"]
        );
        let errs = errors(quote! { "x[$__range]", __range = vars.r });
        assert_eq!(errs.len(), 1);
        assert!(
            errs[0].starts_with("`__range` is a Grafana built-in variable"),
            "{errs:?}"
        );
    }

    #[test]
    fn invalid_promql_carries_parser_message() {
        let errs = errors(quote! { "sum(rate(x[5m])" });
        assert_eq!(errs, ["invalid PromQL: unclosed left parenthesis"]);
        let errs = errors(quote! { r#"sum(rate(x{a="$a"}[5m])"#, a = vars.a });
        // In the user's words: no placeholder names.
        assert_eq!(errs, ["invalid PromQL: unclosed left parenthesis"]);
        let errs = errors(quote! { r#"sum(rate(x{a="$a"}[$__rate_interval])"#, a = vars.a });
        assert_eq!(
            errs,
            [
                "invalid PromQL: unclosed left parenthesis\n(checked with Grafana variables \
              replaced by placeholders: `sum(rate(x{a=\"$a\"}[5m])`)"
            ]
        );
    }

    #[test]
    fn rejects_non_literals() {
        assert!(parse_error(quote! { query }).starts_with("promql! expects a string literal"));
        assert!(parse_error(quote! {}).starts_with("promql! expects a string literal"));
        assert!(parse_error(quote! { "up", 5 }).starts_with("expected `name = variable`"));
        assert!(parse_error(quote! { "up", a vars.a }).starts_with("expected `=` after `a`"));
    }

    #[test]
    fn expansion_targets_the_runtime_constructor() {
        let out = expand(quote! { r#"x{a=~"$app"}"#, app = vars.app }).to_string();
        assert!(
            out.contains(":: dashboard_dsl :: query :: PromQl :: __from_macro"),
            "{out}"
        );
        assert!(
            out.contains(":: dashboard_dsl :: variable :: VarName :: var_name (& (vars . app))"),
            "{out}"
        );
        assert!(out.contains("(\"app\" ,"), "{out}");
        assert!(
            out.ends_with(", :: dashboard_dsl :: query :: OutputLabels :: Any)"),
            "{out}"
        );
    }

    #[test]
    fn expansion_carries_output_labels() {
        let out = expand(quote! { "sum by (executor_id, app) (x)" }).to_string();
        assert!(
            out.contains(
                ":: dashboard_dsl :: query :: OutputLabels :: Only (:: std :: collections :: \
                 BTreeSet :: from ([:: std :: string :: String :: from (\"app\") , \
                 :: std :: string :: String :: from (\"executor_id\")]))"
            ),
            "{out}"
        );
        let out = expand(quote! { "sum(x)" }).to_string();
        assert!(
            out.contains("Only (:: std :: collections :: BTreeSet :: new ())"),
            "{out}"
        );
        let out = expand(quote! { "sum without (pod) (x)" }).to_string();
        assert!(
            out.contains("AllExcept (:: std :: collections :: BTreeSet :: from"),
            "{out}"
        );
    }

    #[test]
    fn failed_check_still_expands_to_a_query() {
        let out = expand(quote! { "sum(" }).to_string();
        assert!(out.contains("compile_error"), "{out}");
        assert!(
            out.contains("__from_macro (\"sum(\" , & [] , :: dashboard_dsl :: query :: OutputLabels :: Any ,)"),
            "{out}"
        );
    }
}
