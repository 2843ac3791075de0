//! Finding Grafana variable references in a template.
//!
//! The grammar mirrors Grafana's own interpolation regex
//! (`\$(\w+)|\[\[(\w+?)(?::(\w+))?\]\]|\${(\w+)(?:\.([^:^\}]+))?(?::([^\}]+))?}`)
//! with one deliberate difference: a name must start with a letter or `_`.
//! PromQL uses `$1`, `$2`, ... as capture-group references in
//! `label_replace`, and treating those as variables would flag every such
//! query as using an undeclared variable.

use std::ops::Range;

/// One Grafana variable reference inside a query/title/link template.
///
/// ```
/// let refs = dashboard_query::template::scan("rate(x{app=~\"${app:regex}\"}[$__rate_interval])");
/// assert_eq!(refs[0].name, "app");
/// assert_eq!(refs[0].format.as_deref(), Some("regex"));
/// assert!(!refs[0].builtin);
/// assert_eq!(refs[1].name, "__rate_interval");
/// assert!(refs[1].builtin);
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct VarRef {
    /// The variable name, without `$`, braces, field path or format
    /// (`${app.text:csv}` has name `app`).
    pub name: String,
    /// The format after the first `:`, e.g. `regex`, `csv` or `date:iso`.
    pub format: Option<String>,
    /// Byte range of the whole reference (`$app`, `${app:regex}`, `[[app]]`)
    /// in the scanned template; always on `char` boundaries.
    pub range: Range<usize>,
    /// Whether Grafana provides this variable itself (`$__interval`,
    /// `$__from`, `$timeFilter`, ...) rather than the dashboard declaring it.
    pub builtin: bool,
}

/// Whether `name` is a variable that Grafana defines on its own.
///
/// Every name starting with `__` is reserved for Grafana's built-ins;
/// `timeFilter` is the one legacy built-in without that prefix.
///
/// ```
/// assert!(dashboard_query::template::is_builtin("__rate_interval"));
/// assert!(dashboard_query::template::is_builtin("timeFilter"));
/// assert!(!dashboard_query::template::is_builtin("app"));
/// ```
pub fn is_builtin(name: &str) -> bool {
    name.starts_with("__") || name == "timeFilter"
}

/// Finds every Grafana variable reference in `template`, in order.
///
/// Recognised forms: `$var`, `${var}`, `${var:fmt}`, `${var.field}`,
/// `${var.field:fmt}`, `[[var]]` and `[[var:fmt]]`. A `$` that is not
/// followed by a letter, `_` or a well-formed `{...}` is left alone, so regex
/// anchors (`"^spark.*$"`) and capture groups (`"$1"`) are not references.
///
/// ```
/// use dashboard_query::template::scan;
///
/// let q = r#"sum by (executor_id) (rate(metrics_executor_totalGCTime_seconds_total{application_name=~"[[app]]", x=~"^a.*$"}[$__rate_interval]))"#;
/// let names: Vec<_> = scan(q).into_iter().map(|r| r.name).collect();
/// assert_eq!(names, ["app", "__rate_interval"]);
/// ```
pub fn scan(template: &str) -> Vec<VarRef> {
    raw_refs(template).map(|r| r.to_ref(template)).collect()
}

/// The names of the variables `template` references, in order, borrowed from it: what
/// [`scan`] finds, without allocating. The lint checks every text of every panel with it.
///
/// ```
/// let names: Vec<&str> = dashboard_query::template::var_names("x{a=~\"${app:regex}\"}[$__range] [[b]]").collect();
/// assert_eq!(names, ["app", "__range", "b"]);
/// ```
pub fn var_names(template: &str) -> impl Iterator<Item = &str> {
    raw_refs(template).map(move |r| &template[r.name])
}

fn raw_refs(template: &str) -> impl Iterator<Item = Raw> + '_ {
    let bytes = template.as_bytes();
    let mut closing = ClosingBrace::default();
    let mut i = 0;
    std::iter::from_fn(move || {
        while i < bytes.len() {
            let found = match bytes[i] {
                b'$' => dollar_ref(template, i, &mut closing),
                b'[' => bracket_ref(template, i),
                _ => None,
            };
            match found {
                Some(r) => {
                    i = r.range.end;
                    return Some(r);
                }
                // Every byte that can start a reference is ASCII, so stepping by
                // one byte only ever lands inside a multi-byte char on bytes that
                // can never match; ranges stay on char boundaries.
                None => i += 1,
            }
        }
        None
    })
}

/// Rewrites the names of variable references, leaving the rest of the
/// template (including each reference's syntax, field path and format)
/// untouched. `rename` returns `None` to keep a reference as it is.
///
/// This is what turns the placeholder names written in a `promql!` literal
/// into the names of the variables actually passed to it.
///
/// ```
/// let out = dashboard_query::template::rename("x{a=~\"${app:regex}\"}[$__range] + [[app]]", |r| {
///     (r.name == "app").then(|| "application".to_string())
/// });
/// assert_eq!(out, "x{a=~\"${application:regex}\"}[$__range] + [[application]]");
/// ```
pub fn rename(template: &str, mut rename: impl FnMut(&VarRef) -> Option<String>) -> String {
    let mut out = String::with_capacity(template.len());
    let mut last = 0;
    for r in scan(template) {
        let Some(new_name) = rename(&r) else {
            continue;
        };
        // `$name` has a one-byte prefix, `${name` and `[[name` two; the name
        // itself is always the ASCII identifier that follows.
        let prefix = if template[r.range.start..].starts_with("${")
            || template[r.range.start..].starts_with("[[")
        {
            2
        } else {
            1
        };
        let name_start = r.range.start + prefix;
        out.push_str(&template[last..name_start]);
        out.push_str(&new_name);
        last = name_start + r.name.len();
    }
    out.push_str(&template[last..]);
    out
}

fn is_ident_start(b: u8) -> bool {
    b.is_ascii_alphabetic() || b == b'_'
}

pub(crate) fn is_ident_continue(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'_'
}

/// Length of the identifier starting at `start`, or 0 if there is none.
fn ident_len(bytes: &[u8], start: usize) -> usize {
    match bytes.get(start) {
        Some(&b) if is_ident_start(b) => {
            1 + bytes[start + 1..]
                .iter()
                .take_while(|&&b| is_ident_continue(b))
                .count()
        }
        _ => 0,
    }
}

/// Memoises the search for the next `}` so that a template full of unclosed
/// `${a:` prefixes is still scanned in linear time.
#[derive(Default)]
struct ClosingBrace {
    searched_from: usize,
    found: Option<usize>,
    valid: bool,
}

impl ClosingBrace {
    fn at_or_after(&mut self, bytes: &[u8], from: usize) -> Option<usize> {
        let reusable =
            self.valid && from >= self.searched_from && self.found.is_none_or(|pos| pos >= from);
        if !reusable {
            self.searched_from = from;
            self.found = bytes[from..]
                .iter()
                .position(|&b| b == b'}')
                .map(|p| p + from);
            self.valid = true;
        }
        self.found
    }
}

/// A reference as byte ranges of its template: found without allocating.
struct Raw {
    name: Range<usize>,
    format: Option<Range<usize>>,
    range: Range<usize>,
}

impl Raw {
    fn to_ref(&self, template: &str) -> VarRef {
        let name = template[self.name.clone()].to_string();
        VarRef {
            builtin: is_builtin(&name),
            name,
            format: self.format.clone().map(|f| template[f].to_string()),
            range: self.range.clone(),
        }
    }
}

fn make_ref(start: usize, name: Range<usize>, format: Option<Range<usize>>, end: usize) -> Raw {
    Raw {
        name,
        format,
        range: start..end,
    }
}

/// `$name`, `${name}`, `${name.field}`, `${name:fmt}`, `${name.field:fmt}`.
fn dollar_ref(template: &str, start: usize, closing: &mut ClosingBrace) -> Option<Raw> {
    let bytes = template.as_bytes();
    if bytes.get(start + 1) != Some(&b'{') {
        let len = ident_len(bytes, start + 1);
        let name = start + 1..start + 1 + len;
        return (len > 0).then(|| make_ref(start, name.clone(), None, name.end));
    }

    let name_start = start + 2;
    let len = ident_len(bytes, name_start);
    if len == 0 {
        return None;
    }
    let name = name_start..name_start + len;
    let mut pos = name.end;

    if bytes.get(pos) == Some(&b'.') {
        // Field paths such as `${__user.login}` may contain any character
        // except the delimiters Grafana's regex excludes.
        let field_len = bytes[pos + 1..]
            .iter()
            .take_while(|&&b| !matches!(b, b':' | b'^' | b'}'))
            .count();
        if field_len == 0 {
            return None;
        }
        pos += 1 + field_len;
    }

    let mut format = None;
    if bytes.get(pos) == Some(&b':') {
        let close = closing.at_or_after(bytes, pos + 1)?;
        if close == pos + 1 {
            return None;
        }
        format = Some(pos + 1..close);
        pos = close;
    }

    (bytes.get(pos) == Some(&b'}')).then(|| make_ref(start, name, format, pos + 1))
}

/// `[[name]]` and `[[name:fmt]]`, Grafana's deprecated bracket syntax.
fn bracket_ref(template: &str, start: usize) -> Option<Raw> {
    let bytes = template.as_bytes();
    if bytes.get(start + 1) != Some(&b'[') {
        return None;
    }
    let name_start = start + 2;
    let len = ident_len(bytes, name_start);
    if len == 0 {
        return None;
    }
    let name = name_start..name_start + len;
    let mut pos = name.end;
    let mut format = None;
    if bytes.get(pos) == Some(&b':') {
        let fmt_len = bytes[pos + 1..]
            .iter()
            .take_while(|&&b| is_ident_continue(b))
            .count();
        if fmt_len == 0 {
            return None;
        }
        format = Some(pos + 1..pos + 1 + fmt_len);
        pos += 1 + fmt_len;
    }
    bytes[pos..]
        .starts_with(b"]]")
        .then(|| make_ref(start, name, format, pos + 2))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn one(template: &str) -> VarRef {
        let refs = scan(template);
        assert_eq!(
            refs.len(),
            1,
            "expected one reference in {template:?}: {refs:?}"
        );
        refs.into_iter().next().unwrap()
    }

    #[test]
    fn plain_dollar() {
        let r = one("up{app=\"$app\"}");
        assert_eq!(r.name, "app");
        assert_eq!(r.format, None);
        assert_eq!(r.range, 8..12);
        assert!(!r.builtin);
    }

    #[test]
    fn dollar_name_is_greedy_like_grafana() {
        assert_eq!(one("$app_total").name, "app_total");
        assert_eq!(one("${app}_total").name, "app");
    }

    #[test]
    fn braced_with_format() {
        let t = r#"metrics_executor_totalGCTime_seconds_total{application_name=~"${app:regex}"}"#;
        let r = one(t);
        assert_eq!(r.name, "app");
        assert_eq!(r.format.as_deref(), Some("regex"));
        assert_eq!(&t[r.range.clone()], "${app:regex}");
    }

    #[test]
    fn all_formats_are_kept_verbatim() {
        for fmt in [
            "regex",
            "csv",
            "pipe",
            "raw",
            "glob",
            "json",
            "lucene",
            "percentencode",
            "singlequote",
            "doublequote",
            "sqlstring",
            "text",
            "queryparam",
        ] {
            let r = one(&format!("${{v:{fmt}}}"));
            assert_eq!(r.name, "v");
            assert_eq!(r.format.as_deref(), Some(fmt));
        }
    }

    #[test]
    fn field_path() {
        let r = one("${__user.login}");
        assert_eq!(r.name, "__user");
        assert!(r.builtin);
        let r = one("${app.text:csv}");
        assert_eq!(r.name, "app");
        assert_eq!(r.format.as_deref(), Some("csv"));
    }

    #[test]
    fn date_format_with_colon() {
        let r = one("${__from:date:iso}");
        assert_eq!(r.name, "__from");
        assert_eq!(r.format.as_deref(), Some("date:iso"));
        assert!(r.builtin);
    }

    #[test]
    fn double_brackets() {
        let t = "x{a=\"[[app]]\", b=\"[[exec:csv]]\"}";
        let refs = scan(t);
        assert_eq!(refs.len(), 2);
        assert_eq!(refs[0].name, "app");
        assert_eq!(&t[refs[0].range.clone()], "[[app]]");
        assert_eq!(refs[1].name, "exec");
        assert_eq!(refs[1].format.as_deref(), Some("csv"));
    }

    #[test]
    fn builtins() {
        for name in [
            "__rate_interval",
            "__interval",
            "__interval_ms",
            "__range",
            "__range_s",
            "__range_ms",
            "__from",
            "__to",
            "__dashboard",
            "__org",
            "__user",
            "__name",
            "__timeFilter",
            "__all_variables",
            "__url_time_range",
            "__auto",
            "__auto_interval_window",
            "timeFilter",
        ] {
            let r = one(&format!("${name}"));
            assert_eq!(r.name, name);
            assert!(r.builtin, "{name} should be a built-in");
        }
        assert!(!one("$time_filter").builtin);
    }

    #[test]
    fn dollar_without_identifier_is_not_a_reference() {
        assert!(scan(r#"x{a=~"^spark.*$"}"#).is_empty());
        assert!(scan("label_replace(x, \"dst\", \"$1\", \"src\", \"(.*)\")").is_empty());
        assert!(scan("$ ${} ${1} $").is_empty());
        assert!(scan("${app").is_empty());
        assert!(scan("${app:}").is_empty());
        assert!(scan("${app.}").is_empty());
        assert!(scan("${app x}").is_empty());
        assert!(scan("[[app]").is_empty());
        assert!(scan("[[app:]]").is_empty());
        assert!(scan("x[5m]").is_empty());
    }

    #[test]
    fn unclosed_format_then_valid_reference() {
        // The memoised `}` search must not hide the later, valid reference.
        let refs = scan("${a:x ${b}");
        assert_eq!(refs.len(), 1);
        assert_eq!(refs[0].name, "a");
        assert_eq!(refs[0].format.as_deref(), Some("x ${b"));
        let refs = scan("${a:x $b ${c}");
        assert_eq!(refs.len(), 1, "{refs:?}");
        let refs = scan("${a:x $b");
        assert_eq!(
            refs.iter().map(|r| r.name.as_str()).collect::<Vec<_>>(),
            ["b"]
        );
    }

    #[test]
    fn non_ascii_neighbours() {
        let t = "é$app€${b}ü[[c]]";
        let refs = scan(t);
        let texts: Vec<_> = refs.iter().map(|r| &t[r.range.clone()]).collect();
        assert_eq!(texts, ["$app", "${b}", "[[c]]"]);
    }

    #[test]
    fn rename_keeps_syntax_and_format() {
        let t = "a{x=\"$p\", y=~\"${p:regex}\", z=\"[[p:csv]]\"} offset $__range ${p.text}";
        let out = rename(t, |r| (r.name == "p").then(|| "application".into()));
        assert_eq!(
            out,
            "a{x=\"$application\", y=~\"${application:regex}\", z=\"[[application:csv]]\"} offset $__range ${application.text}"
        );
    }
}
