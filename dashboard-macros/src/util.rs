//! Helpers shared by the macros.

use std::fmt::Display;

use proc_macro2::Span;

/// Collects every error of an expansion, so that a user fixing one mistake
/// sees all the others in the same build rather than one per build.
#[derive(Default)]
pub(crate) struct Errors(Option<syn::Error>);

impl Errors {
    pub(crate) fn push(&mut self, span: Span, message: impl Display) {
        self.push_error(syn::Error::new(span, message));
    }

    pub(crate) fn push_error(&mut self, error: syn::Error) {
        match &mut self.0 {
            Some(existing) => existing.combine(error),
            None => self.0 = Some(error),
        }
    }

    pub(crate) fn finish(self) -> syn::Result<()> {
        self.0.map_or(Ok(()), Err)
    }
}

/// The candidate closest to `name` by edit distance, if it is close enough
/// to be a plausible typo.
pub(crate) fn closest<'a>(
    name: &str,
    candidates: impl IntoIterator<Item = &'a str>,
) -> Option<&'a str> {
    // Short names are within distance 2 of almost anything; scale the limit.
    let limit = (name.chars().count() / 3).clamp(1, 2);
    candidates
        .into_iter()
        .map(|c| (edit_distance(name, c), c))
        .filter(|&(d, _)| d <= limit)
        .min_by_key(|&(d, _)| d)
        .map(|(_, c)| c)
}

fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut row: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut diagonal = row[0];
        row[0] = i + 1;
        for (j, &cb) in b.iter().enumerate() {
            let substitution = diagonal + usize::from(ca != cb);
            diagonal = row[j + 1];
            row[j + 1] = substitution.min(row[j] + 1).min(diagonal + 1);
        }
    }
    row[b.len()]
}

/// Whether `name` can be referenced as `$name` in a Grafana template.
pub(crate) fn is_grafana_identifier(name: &str) -> bool {
    let mut chars = name.chars();
    chars
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn edit_distances() {
        assert_eq!(edit_distance("app", "app"), 0);
        assert_eq!(edit_distance("apps", "app"), 1);
        assert_eq!(edit_distance("executr", "executor"), 1);
        assert_eq!(edit_distance("", "abc"), 3);
        assert_eq!(edit_distance("kitten", "sitting"), 3);
    }

    #[test]
    fn closest_only_suggests_plausible_typos() {
        assert_eq!(closest("apps", ["app", "executor"]), Some("app"));
        assert_eq!(closest("executr", ["app", "executor"]), Some("executor"));
        assert_eq!(closest("x", ["app", "executor"]), None);
        assert_eq!(closest("ab", ["cd"]), None);
    }

    #[test]
    fn grafana_identifiers() {
        assert!(is_grafana_identifier("app"));
        assert!(is_grafana_identifier("_x1"));
        assert!(!is_grafana_identifier("1x"));
        assert!(!is_grafana_identifier("a-b"));
        assert!(!is_grafana_identifier(""));
    }
}
