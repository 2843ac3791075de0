//! `#[derive(PanelKey)]`: stable panel keys from a fieldless enum, unique by
//! construction.

use proc_macro2::{Span, TokenStream};
use quote::quote;
use syn::{Attribute, Data, DeriveInput, Expr, ExprLit, Fields, Ident, Lit, Meta};

use crate::util::Errors;

pub(crate) fn expand(input: TokenStream) -> TokenStream {
    let input: DeriveInput = match syn::parse2(input) {
        Ok(input) => input,
        Err(e) => return e.to_compile_error(),
    };
    match derive(&input) {
        Ok(tokens) => tokens,
        Err(e) => e.to_compile_error(),
    }
}

fn derive(input: &DeriveInput) -> syn::Result<TokenStream> {
    let not_enum = |span| {
        syn::Error::new(
            span,
            "#[derive(PanelKey)] needs an enum with one fieldless variant per panel, \
             e.g. `enum Panels { GcTime, ActiveTasks }`",
        )
    };
    let data = match &input.data {
        Data::Enum(data) => data,
        Data::Struct(s) => return Err(not_enum(s.struct_token.span)),
        Data::Union(u) => return Err(not_enum(u.union_token.span)),
    };

    let mut errors = Errors::default();
    let mut keys: Vec<(String, &Ident)> = Vec::new();
    for variant in &data.variants {
        if !matches!(variant.fields, Fields::Unit) {
            errors.push(
                fields_span(&variant.fields),
                format!(
                    "#[derive(PanelKey)] needs fieldless variants, but `{}` has fields; \
                     a panel key is a plain name",
                    variant.ident
                ),
            );
            continue;
        }
        let key = match explicit_key(&variant.attrs) {
            Ok(Some((key, span))) => {
                if key.is_empty() {
                    errors.push(span, "panel key must not be empty");
                    continue;
                }
                (key, span)
            }
            Ok(None) => (snake_case(&variant.ident.to_string()), variant.ident.span()),
            Err(e) => {
                errors.push_error(e);
                continue;
            }
        };
        if let Some((_, first)) = keys.iter().find(|(k, _)| *k == key.0) {
            errors.push(
                key.1,
                format!(
                    "duplicate panel key `{}`, also used by `{first}`; \
                     set a different `#[key = \"...\"]` on one of them",
                    key.0
                ),
            );
            continue;
        }
        keys.push((key.0, &variant.ident));
    }
    errors.finish()?;

    let name = &input.ident;
    let (impl_generics, ty_generics, where_clause) = input.generics.split_for_impl();
    let arms = keys
        .iter()
        .map(|(key, variant)| quote! { Self::#variant => #key });
    Ok(quote! {
        #[automatically_derived]
        impl #impl_generics ::dashboard_dsl::panel::PanelKey for #name #ty_generics #where_clause {
            fn key(&self) -> &'static str {
                match *self {
                    #(#arms,)*
                }
            }
        }
    })
}

fn fields_span(fields: &Fields) -> Span {
    match fields {
        Fields::Named(f) => f.brace_token.span.join(),
        Fields::Unnamed(f) => f.paren_token.span.join(),
        Fields::Unit => Span::call_site(),
    }
}

/// The value of `#[key = "..."]`, with the span to report problems at.
fn explicit_key(attrs: &[Attribute]) -> syn::Result<Option<(String, Span)>> {
    let mut found = None;
    for attr in attrs.iter().filter(|a| a.path().is_ident("key")) {
        let Meta::NameValue(nv) = &attr.meta else {
            return Err(syn::Error::new_spanned(attr, "expected `#[key = \"...\"]`"));
        };
        let Expr::Lit(ExprLit {
            lit: Lit::Str(lit), ..
        }) = &nv.value
        else {
            return Err(syn::Error::new_spanned(
                &nv.value,
                "expected a string literal: `#[key = \"...\"]`",
            ));
        };
        if found.is_some() {
            return Err(syn::Error::new_spanned(
                attr,
                "a variant can only have one `#[key = \"...\"]`",
            ));
        }
        found = Some((lit.value(), lit.span()));
    }
    Ok(found)
}

/// `GcTime` -> `gc_time`, `HTTPServer` -> `http_server`, `Cpu2Usage` ->
/// `cpu2_usage`: a word boundary is a lower-case letter or digit followed by
/// an upper-case one, or the last capital of an acronym before a lower-case
/// letter.
pub(crate) fn snake_case(name: &str) -> String {
    let chars: Vec<char> = name.chars().collect();
    let mut out = String::with_capacity(name.len() + 4);
    for (i, &c) in chars.iter().enumerate() {
        if c.is_uppercase() && i > 0 {
            let prev = chars[i - 1];
            let next_is_lower = chars.get(i + 1).is_some_and(|n| n.is_lowercase());
            let boundary = prev.is_lowercase()
                || prev.is_ascii_digit()
                || (prev.is_uppercase() && next_is_lower);
            if boundary && !out.ends_with('_') {
                out.push('_');
            }
        }
        out.extend(c.to_lowercase());
    }
    out
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

    #[test]
    fn snake_case_conversion() {
        assert_eq!(snake_case("GcTime"), "gc_time");
        assert_eq!(snake_case("ActiveTasks"), "active_tasks");
        assert_eq!(snake_case("HTTPServer"), "http_server");
        assert_eq!(snake_case("JvmHeapMB"), "jvm_heap_mb");
        assert_eq!(snake_case("Cpu2Usage"), "cpu2_usage");
        assert_eq!(snake_case("Shuffle_Read"), "shuffle_read");
        assert_eq!(snake_case("X"), "x");
    }

    #[test]
    fn expands_match_with_default_and_custom_keys() {
        let input: DeriveInput = syn::parse_quote! {
            enum Panels { GcTime, #[key = "tasks"] ActiveTasks }
        };
        let out = derive(&input).unwrap().to_string();
        assert!(
            out.contains("impl :: dashboard_dsl :: panel :: PanelKey for Panels"),
            "{out}"
        );
        assert!(out.contains("Self :: GcTime => \"gc_time\""), "{out}");
        assert!(out.contains("Self :: ActiveTasks => \"tasks\""), "{out}");
    }

    #[test]
    fn duplicate_keys_name_the_first_variant() {
        let errs = errors(quote! { enum P { GcTime, #[key = "gc_time"] Gc } });
        assert_eq!(
            errs,
            [
                "duplicate panel key `gc_time`, also used by `GcTime`; set a different \
              `#[key = \"...\"]` on one of them"
            ]
        );
    }

    #[test]
    fn rejects_fields_empty_keys_and_non_enums() {
        let errs = errors(quote! { enum P { A(u8), B { x: u8 }, #[key = ""] C } });
        assert_eq!(
            errs,
            [
                "#[derive(PanelKey)] needs fieldless variants, but `A` has fields; a panel key \
                 is a plain name",
                "#[derive(PanelKey)] needs fieldless variants, but `B` has fields; a panel key \
                 is a plain name",
                "panel key must not be empty",
            ]
        );
        let errs = errors(quote! { struct P; });
        assert!(
            errs[0].starts_with("#[derive(PanelKey)] needs an enum"),
            "{errs:?}"
        );
        let errs = errors(quote! { enum P { #[key(x)] A } });
        assert_eq!(errs, ["expected `#[key = \"...\"]`"]);
        let errs = errors(quote! { enum P { #[key = 1] A } });
        assert_eq!(errs, ["expected a string literal: `#[key = \"...\"]`"]);
        let errs = errors(quote! { enum P { #[key = "a"] #[key = "b"] A } });
        assert_eq!(errs, ["a variant can only have one `#[key = \"...\"]`"]);
    }

    #[test]
    fn empty_enum_is_fine() {
        assert!(errors(quote! { enum P {} }).is_empty());
    }
}
