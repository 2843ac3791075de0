//! `#[derive(Variables)]`: a struct of variable handles, created in
//! declaration order with their configuration written as field attributes.

use proc_macro2::{Span, TokenStream};
use quote::{quote, quote_spanned};
use syn::ext::IdentExt;
use syn::meta::ParseNestedMeta;
use syn::spanned::Spanned;
use syn::{
    Attribute, Data, DeriveInput, Expr, ExprLit, Field, Fields, Ident, Lit, LitStr, Meta, Token,
    Type,
};

use crate::util::{closest, is_grafana_identifier, Errors};
use dashboard_query::variable_query;

pub(crate) fn expand(input: TokenStream) -> TokenStream {
    let input: DeriveInput = match syn::parse2(input) {
        Ok(input) => input,
        Err(e) => return e.to_compile_error(),
    };
    match derive(&input) {
        Ok(tokens) => tokens,
        Err(e) => {
            let errors = e.to_compile_error();
            let dummy = dummy_impls(&input);
            quote! { #errors #dummy }
        }
    }
}

/// What one `#[variable(...)]` item asks for, in the order written.
enum Setting {
    /// `datasource = field`: pass an earlier field's handle.
    Datasource(Ident),
    /// `key = value` or a bare flag, turned into `.key(value)`.
    Call(Ident, TokenStream),
}

struct VarField<'a> {
    ident: &'a Ident,
    ty: &'a Type,
    /// The Grafana name, i.e. what queries write as `$name`.
    name: String,
    /// Where to report problems with the name: the `name = "..."` literal
    /// if there is one, else the field itself.
    name_span: Span,
    description: Option<String>,
    settings: Vec<Setting>,
    query: Option<LitStr>,
}

fn derive(input: &DeriveInput) -> syn::Result<TokenStream> {
    let fields = struct_fields(input)?;
    let mut errors = Errors::default();

    let mut vars = Vec::new();
    for field in fields {
        match parse_field(field) {
            Ok(var) => vars.push(var),
            Err(e) => errors.push_error(e),
        }
    }
    // Later checks compare fields with each other; with one of them
    // unparsed they would only produce follow-up noise.
    errors.finish()?;
    let mut errors = Errors::default();

    for (index, var) in vars.iter().enumerate() {
        let earlier = &vars[..index];
        let later = &vars[index + 1..];
        if let Some(first) = earlier.iter().find(|v| v.name == var.name) {
            errors.push(
                var.name_span,
                format!(
                    "duplicate variable name `{name}`: fields `{first}` and `{this}` both \
                     declare it; set `#[variable(name = \"...\")]` on one of them",
                    name = var.name,
                    first = first.ident.unraw(),
                    this = var.ident.unraw(),
                ),
            );
        }
        for setting in &var.settings {
            if let Setting::Datasource(ds) = setting {
                check_datasource_field(ds, var, earlier, later, &input.ident, &mut errors);
            }
        }
        if let Some(query) = &var.query {
            check_query(query, var, earlier, later, &mut errors);
        }
    }
    errors.finish()?;

    Ok(generate(input, &vars))
}

fn struct_fields(input: &DeriveInput) -> syn::Result<Vec<&Field>> {
    let usage = "#[derive(Variables)] needs a struct with named fields, one per variable, \
                 e.g. `struct Vars { app: QueryVar }`";
    let fields = match &input.data {
        Data::Struct(s) => &s.fields,
        Data::Enum(e) => return Err(syn::Error::new(e.enum_token.span, usage)),
        Data::Union(u) => return Err(syn::Error::new(u.union_token.span, usage)),
    };
    if !input.generics.params.is_empty() {
        return Err(syn::Error::new_spanned(
            &input.generics,
            "#[derive(Variables)] does not support generic parameters; \
             give each field a concrete variable handle type",
        ));
    }
    match fields {
        Fields::Named(named) => Ok(named.named.iter().collect()),
        Fields::Unit => Ok(Vec::new()),
        Fields::Unnamed(unnamed) => Err(syn::Error::new_spanned(
            unnamed,
            format!("{usage}; a tuple struct has no field names to use as variable names"),
        )),
    }
}

fn parse_field(field: &Field) -> syn::Result<VarField<'_>> {
    let ident = field
        .ident
        .as_ref()
        .ok_or_else(|| syn::Error::new_spanned(field, "expected a named field"))?;
    let mut var = VarField {
        ident,
        ty: &field.ty,
        name: ident.unraw().to_string(),
        name_span: ident.span(),
        description: doc_comment(&field.attrs),
        settings: Vec::new(),
        query: None,
    };
    let mut errors = Errors::default();
    for attr in field.attrs.iter().filter(|a| a.path().is_ident("variable")) {
        if let Err(e) = attr.parse_nested_meta(|meta| parse_setting(meta, &mut var)) {
            errors.push_error(e);
        }
    }
    if !is_grafana_identifier(&var.name) {
        errors.push(
            var.name_span,
            format!(
                "variable name `{}` cannot be referenced as `${}` in queries; \
                 use letters, digits and `_`, starting with a letter",
                var.name, var.name
            ),
        );
    } else if dashboard_query::template::is_builtin(&var.name) {
        errors.push(
            var.name_span,
            format!(
                "variable name `{}` is reserved for Grafana's built-in variables; \
                 choose a name that does not start with `__`",
                var.name
            ),
        );
    }
    errors.finish()?;
    Ok(var)
}

fn parse_setting(meta: ParseNestedMeta, var: &mut VarField) -> syn::Result<()> {
    let key = meta.path.get_ident().cloned().ok_or_else(|| {
        meta.error("expected a setting such as `multi`, `label = \"...\"` or `query = \"...\"`")
    })?;
    let key_name = key.to_string();

    if meta.input.peek(Token![=]) {
        let value: Expr = meta.value()?.parse()?;
        match key_name.as_str() {
            "name" => {
                let Expr::Lit(ExprLit {
                    lit: Lit::Str(lit), ..
                }) = &value
                else {
                    return Err(syn::Error::new_spanned(
                        value,
                        "`name` expects a string literal, e.g. `name = \"app\"`",
                    ));
                };
                var.name = lit.value();
                var.name_span = lit.span();
            }
            "datasource" => {
                let ds = match &value {
                    Expr::Path(p) if p.qself.is_none() && p.attrs.is_empty() => {
                        p.path.get_ident().cloned()
                    }
                    _ => None,
                };
                let ds = ds.ok_or_else(|| {
                    syn::Error::new_spanned(
                        &value,
                        "`datasource` expects the name of an earlier field, \
                         e.g. `datasource = prometheus`",
                    )
                })?;
                var.settings.push(Setting::Datasource(ds));
            }
            _ => {
                if key_name == "query" {
                    if let Expr::Lit(ExprLit {
                        lit: Lit::Str(lit), ..
                    }) = &value
                    {
                        var.query = Some(lit.clone());
                    }
                }
                if key_name == "description" {
                    // An explicit description replaces the doc comment.
                    var.description = None;
                }
                var.settings.push(Setting::Call(key, quote!(#value)));
            }
        }
        return Ok(());
    }

    if !meta.input.is_empty() && !meta.input.peek(Token![,]) {
        return Err(meta.error(format!(
            "expected `{key_name} = value` or the bare flag `{key_name}`"
        )));
    }
    match key_name.as_str() {
        "name" | "datasource" | "query" | "label" | "description" | "regex" => {
            Err(meta.error(format!("`{key_name}` needs a value: `{key_name} = ...`")))
        }
        "hide" => {
            // A bare `hide` hides the whole picker; `hide = Hide::Label`
            // selects something else.
            let value = quote_spanned!(key.span()=> ::dashboard_dsl::variable::Hide::Variable);
            var.settings.push(Setting::Call(key, value));
            Ok(())
        }
        _ => {
            let value = quote_spanned!(key.span()=> true);
            var.settings.push(Setting::Call(key, value));
            Ok(())
        }
    }
}

/// The field's doc comment as a picker tooltip: lines of a paragraph are
/// joined with spaces, paragraphs with a newline.
fn doc_comment(attrs: &[Attribute]) -> Option<String> {
    let lines: Vec<String> = attrs
        .iter()
        .filter(|a| a.path().is_ident("doc"))
        .filter_map(|a| match &a.meta {
            Meta::NameValue(nv) => match &nv.value {
                Expr::Lit(ExprLit {
                    lit: Lit::Str(s), ..
                }) => Some(s.value()),
                _ => None,
            },
            _ => None,
        })
        // `split`, unlike `lines`, keeps the empty `///` line between paragraphs.
        .flat_map(|doc| {
            doc.split('\n')
                .map(|l| l.trim().to_string())
                .collect::<Vec<_>>()
        })
        .collect();
    let paragraphs: Vec<String> = lines
        .split(|l| l.is_empty())
        .filter(|p| !p.is_empty())
        .map(|p| p.join(" "))
        .collect();
    (!paragraphs.is_empty()).then(|| paragraphs.join("\n"))
}

fn find_field<'v, 'a>(vars: &'v [VarField<'a>], ident: &Ident) -> Option<&'v VarField<'a>> {
    let wanted = ident.unraw();
    vars.iter().find(|v| v.ident.unraw() == wanted)
}

fn check_datasource_field(
    ds: &Ident,
    var: &VarField,
    earlier: &[VarField],
    later: &[VarField],
    struct_name: &Ident,
    errors: &mut Errors,
) {
    if find_field(earlier, ds).is_some() {
        return;
    }
    let this = var.ident.unraw();
    let message = if find_field(later, ds).is_some() {
        format!(
            "`datasource = {ds}` refers to field `{ds}`, which is declared after `{this}`; \
             move `{ds}` above `{this}` so that it is created first"
        )
    } else if ds.unraw() == this {
        format!("field `{this}` cannot be its own datasource; name an earlier field")
    } else {
        let earlier_fields: Vec<String> = earlier
            .iter()
            .map(|v| v.ident.unraw().to_string())
            .collect();
        let hint = closest(
            &ds.unraw().to_string(),
            earlier_fields.iter().map(String::as_str),
        )
        .map(|c| format!("; did you mean `{c}`?"))
        .unwrap_or_default();
        format!(
            "`{struct_name}` has no field `{ds}` declared before `{this}`; \
             `datasource = ...` must name an earlier field holding a DatasourceVar{hint}"
        )
    };
    errors.push(ds.span(), message);
}

fn check_query(
    query: &LitStr,
    var: &VarField,
    earlier: &[VarField],
    later: &[VarField],
    errors: &mut Errors,
) {
    let text = query.value();
    let this = var.ident.unraw();
    let mut reported: Vec<String> = Vec::new();
    for r in dashboard_query::template::scan(&text) {
        if r.builtin || earlier.iter().any(|v| v.name == r.name) || reported.contains(&r.name) {
            continue;
        }
        let hint = if r.name == var.name {
            "; a variable cannot depend on itself".to_string()
        } else if let Some(v) = later.iter().find(|v| v.name == r.name) {
            format!(
                "; move field `{}` above `{this}` (Grafana resolves variables in declaration order)",
                v.ident.unraw()
            )
        } else {
            let suggestion = closest(&r.name, earlier.iter().map(|v| v.name.as_str()))
                .map(|c| format!(", or did you mean `${c}`?"))
                .unwrap_or_default();
            format!("; declare a field for it above `{this}`{suggestion}")
        };
        errors.push(
            query.span(),
            format!(
                "variable query references `${name}`, which is not declared before field `{this}`{hint}",
                name = r.name
            ),
        );
        reported.push(r.name);
    }
    if let Err(e) = variable_query::parse(&text).and_then(|q| q.check()) {
        errors.push(query.span(), e.message);
    }
}

fn generate(input: &DeriveInput, vars: &[VarField]) -> TokenStream {
    let name = &input.ident;
    let lets = vars.iter().map(|var| {
        let VarField {
            ident, ty, name, ..
        } = var;
        let description = var.description.as_ref().map(|d| quote!(.description(#d)));
        let settings = var.settings.iter().map(|setting| match setting {
            Setting::Datasource(ds) => quote_spanned!(ds.span()=> .datasource(&#ds)),
            Setting::Call(key, value) => quote_spanned!(key.span()=> .#key(#value)),
        });
        let new = quote_spanned!(ty.span()=> <#ty>::new(#name));
        quote! { let #ident = #new #description #(#settings)*; }
    });
    let idents: Vec<&Ident> = vars.iter().map(|v| v.ident).collect();
    let to_variable = vars.iter().map(|var| {
        let ident = var.ident;
        quote_spanned!(var.ty.span()=> ::dashboard_dsl::variable::IntoVariable::to_variable(&self.#ident))
    });
    quote! {
        #[automatically_derived]
        impl #name {
            /// Creates every variable, configured by its `#[variable(...)]`
            /// attributes, in declaration order.
            pub fn new() -> Self {
                #(#lets)*
                Self { #(#idents),* }
            }
        }

        #[automatically_derived]
        impl ::core::default::Default for #name {
            fn default() -> Self {
                Self::new()
            }
        }

        #[automatically_derived]
        impl ::dashboard_dsl::variable::Variables for #name {
            fn variables(&self) -> ::std::vec::Vec<::dashboard_dsl::model::Variable> {
                ::std::vec![#(#to_variable),*]
            }
        }
    }
}

/// Emitted only next to a compile error, so that code using the struct does
/// not add "no function `new`" errors on top of the real one.
fn dummy_impls(input: &DeriveInput) -> TokenStream {
    let name = &input.ident;
    let (impl_generics, ty_generics, where_clause) = input.generics.split_for_impl();
    quote! {
        impl #impl_generics #name #ty_generics #where_clause {
            /// Not generated: see the `#[derive(Variables)]` error.
            pub fn new() -> Self {
                ::core::unreachable!("#[derive(Variables)] failed to expand")
            }
        }

        impl #impl_generics ::dashboard_dsl::variable::Variables for #name #ty_generics #where_clause {
            fn variables(&self) -> ::std::vec::Vec<::dashboard_dsl::model::Variable> {
                ::core::unreachable!("#[derive(Variables)] failed to expand")
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn errors(input: TokenStream) -> Vec<String> {
        let input: DeriveInput = syn::parse2(input).expect("input parses");
        match derive(&input) {
            Ok(_) => Vec::new(),
            Err(e) => e.into_iter().map(|e| e.to_string()).collect(),
        }
    }

    fn expansion(input: TokenStream) -> String {
        let input: DeriveInput = syn::parse2(input).expect("input parses");
        match derive(&input) {
            Ok(tokens) => tokens.to_string(),
            Err(e) => panic!("unexpected error: {e}"),
        }
    }

    #[test]
    fn expands_in_declaration_order_with_settings() {
        let out = expansion(quote! {
            struct Vars {
                #[variable(label = "Prometheus")]
                prometheus: DatasourceVar<Prometheus>,
                /// Spark application
                /// to inspect.
                #[variable(name = "app", datasource = prometheus, multi, include_all, hide,
                           query = "label_values(metrics_executor_activeTasks, application_name)")]
                application: QueryVar,
            }
        });
        let expected = [
            "let prometheus = < DatasourceVar < Prometheus > > :: new (\"prometheus\") . label (\"Prometheus\") ;",
            "let application = < QueryVar > :: new (\"app\") . description (\"Spark application to inspect.\") \
             . datasource (& prometheus) . multi (true) . include_all (true) \
             . hide (:: dashboard_dsl :: variable :: Hide :: Variable) \
             . query (\"label_values(metrics_executor_activeTasks, application_name)\") ;",
            "Self { prometheus , application }",
            "impl :: core :: default :: Default for Vars",
            ":: std :: vec ! [:: dashboard_dsl :: variable :: IntoVariable :: to_variable (& self . prometheus) , \
             :: dashboard_dsl :: variable :: IntoVariable :: to_variable (& self . application)]",
        ];
        for part in expected {
            assert!(out.contains(part), "missing `{part}` in\n{out}");
        }
    }

    #[test]
    fn explicit_description_replaces_doc_comment() {
        let out = expansion(quote! {
            struct Vars {
                /// Doc.
                #[variable(description = "Explicit")]
                a: TextboxVar,
            }
        });
        assert!(!out.contains("Doc."), "{out}");
        assert!(out.contains(". description (\"Explicit\")"), "{out}");
    }

    #[test]
    fn doc_paragraphs() {
        let attrs: Vec<Attribute> = vec![
            syn::parse_quote!(#[doc = " First line"]),
            syn::parse_quote!(#[doc = " continues."]),
            syn::parse_quote!(#[doc = ""]),
            syn::parse_quote!(#[doc = " Second paragraph."]),
        ];
        assert_eq!(
            doc_comment(&attrs).as_deref(),
            Some("First line continues.\nSecond paragraph.")
        );
        assert_eq!(doc_comment(&[]), None);
    }

    #[test]
    fn datasource_must_be_an_earlier_field() {
        let errs = errors(quote! {
            struct Vars {
                #[variable(datasource = prometheus)]
                app: QueryVar,
                prometheus: DatasourceVar<Prometheus>,
            }
        });
        assert_eq!(
            errs,
            [
                "`datasource = prometheus` refers to field `prometheus`, which is declared after \
              `app`; move `prometheus` above `app` so that it is created first"
            ]
        );
        let errs = errors(quote! {
            struct Vars {
                prometheus: DatasourceVar<Prometheus>,
                #[variable(datasource = promethues)]
                app: QueryVar,
            }
        });
        assert_eq!(
            errs,
            [
                "`Vars` has no field `promethues` declared before `app`; `datasource = ...` must \
              name an earlier field holding a DatasourceVar; did you mean `prometheus`?"
            ]
        );
        let errs = errors(quote! {
            struct Vars { #[variable(datasource = "prometheus")] app: QueryVar }
        });
        assert_eq!(errs.len(), 1);
        assert!(errs[0].starts_with("`datasource` expects the name of an earlier field"));
    }

    #[test]
    fn query_references_must_be_declared_earlier() {
        let errs = errors(quote! {
            struct Vars {
                #[variable(query = r#"label_values(x{application_name=~"$app"}, executor_id)"#)]
                executor: QueryVar,
                app: QueryVar,
                #[variable(query = r#"label_values(x{a=~"$missing", e=~"$executor"}, b)"#)]
                other: QueryVar,
            }
        });
        assert_eq!(
            errs,
            [
                "variable query references `$app`, which is not declared before field \
                 `executor`; move field `app` above `executor` (Grafana resolves variables in \
                 declaration order)",
                "variable query references `$missing`, which is not declared before field \
                 `other`; declare a field for it above `other`",
            ]
        );
    }

    #[test]
    fn query_builtins_and_renamed_fields_are_fine() {
        let errs = errors(quote! {
            struct Vars {
                #[variable(name = "app")]
                application: QueryVar,
                #[variable(query = r#"query_result(topk(5, sum by (e) (increase(x{a=~"$app"}[$__range]))))"#)]
                top: QueryVar,
            }
        });
        assert!(errs.is_empty(), "{errs:?}");
    }

    #[test]
    fn invalid_promql_in_variable_query() {
        let errs = errors(quote! {
            struct Vars {
                #[variable(query = "label_values(x{a=\"b\", executor_id)")]
                executor: QueryVar,
            }
        });
        assert_eq!(errs.len(), 1);
        assert!(
            errs[0].starts_with("invalid PromQL in the label_values selector: "),
            "{errs:?}"
        );
    }

    #[test]
    fn duplicate_names() {
        let errs = errors(quote! {
            struct Vars {
                app: QueryVar,
                #[variable(name = "app")]
                application: QueryVar,
            }
        });
        assert_eq!(
            errs,
            [
                "duplicate variable name `app`: fields `app` and `application` both declare it; \
              set `#[variable(name = \"...\")]` on one of them"
            ]
        );
    }

    #[test]
    fn invalid_names() {
        let errs = errors(quote! { struct Vars { #[variable(name = "my-app")] app: QueryVar } });
        assert!(
            errs[0].starts_with("variable name `my-app` cannot be referenced"),
            "{errs:?}"
        );
        let errs = errors(quote! { struct Vars { #[variable(name = "__app")] app: QueryVar } });
        assert!(
            errs[0].contains("reserved for Grafana's built-in variables"),
            "{errs:?}"
        );
        let errs = errors(quote! { struct Vars { #[variable(name = app)] app: QueryVar } });
        assert!(
            errs[0].starts_with("`name` expects a string literal"),
            "{errs:?}"
        );
    }

    #[test]
    fn malformed_settings() {
        let errs = errors(quote! { struct Vars { #[variable(label)] a: QueryVar } });
        assert_eq!(errs, ["`label` needs a value: `label = ...`"]);
        let errs = errors(quote! { struct Vars { #[variable(multi(true))] a: QueryVar } });
        assert_eq!(errs, ["expected `multi = value` or the bare flag `multi`"]);
        let errs = errors(quote! { struct Vars { #[variable(a::b)] a: QueryVar } });
        assert!(errs[0].starts_with("expected a setting"), "{errs:?}");
    }

    #[test]
    fn unsupported_shapes() {
        let errs = errors(quote! { struct Vars(QueryVar); });
        assert!(
            errs[0].contains("a tuple struct has no field names"),
            "{errs:?}"
        );
        let errs = errors(quote! { enum Vars { A } });
        assert!(
            errs[0].starts_with("#[derive(Variables)] needs a struct"),
            "{errs:?}"
        );
        let errs = errors(quote! { struct Vars<T> { a: T } });
        assert!(
            errs[0].contains("does not support generic parameters"),
            "{errs:?}"
        );
    }

    #[test]
    fn unit_struct_has_no_variables() {
        let out = expansion(quote! { struct NoVars; });
        assert!(out.contains("Self { }"), "{out}");
        assert!(out.contains(":: std :: vec ! []"), "{out}");
    }

    #[test]
    fn failed_derive_emits_dummy_impls() {
        let out = expand(quote! { struct Vars(QueryVar); }).to_string();
        assert!(out.contains("compile_error"), "{out}");
        assert!(out.contains("pub fn new () -> Self"), "{out}");
    }
}
