//! Diffs and push reports as text: coloured for a terminal, plain when piped, markdown
//! for a pull-request comment.

use std::fmt::Write as _;

use crate::diff::{Change, DashboardDiff, PanelDiff, SetDiff, Status};

/// Whether to emit ANSI colours.
///
/// ```
/// use dashboard_sync::render::Style;
/// assert_eq!(Style::plain().green("+"), "+");
/// assert_eq!(Style::coloured().green("+"), "\x1b[32m+\x1b[0m");
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Style {
    color: bool,
}

impl Style {
    /// No colour: pipes, files, `NO_COLOR`.
    pub fn plain() -> Self {
        Style { color: false }
    }

    /// ANSI colours.
    pub fn coloured() -> Self {
        Style { color: true }
    }

    /// Colour when `is_tty` and `NO_COLOR` is unset or empty (<https://no-color.org>).
    pub fn detect(is_tty: bool) -> Self {
        Self::with_no_color(is_tty, std::env::var_os("NO_COLOR").as_deref())
    }

    /// [`Style::detect`] with `NO_COLOR`'s value given, not read: a test need not set the
    /// process' environment, which other threads read.
    ///
    /// ```
    /// use dashboard_sync::render::Style;
    /// assert_eq!(Style::with_no_color(true, Some("1".as_ref())), Style::plain());
    /// assert_eq!(Style::with_no_color(true, Some("".as_ref())), Style::coloured());
    /// ```
    pub fn with_no_color(is_tty: bool, no_color: Option<&std::ffi::OsStr>) -> Self {
        let no_color = no_color.is_some_and(|v| !v.is_empty());
        Style {
            color: is_tty && !no_color,
        }
    }

    fn paint(&self, code: &str, s: &str) -> String {
        if self.color {
            format!("\x1b[{code}m{s}\x1b[0m")
        } else {
            s.to_string()
        }
    }

    /// Additions.
    pub fn green(&self, s: &str) -> String {
        self.paint("32", s)
    }

    /// Removals.
    pub fn red(&self, s: &str) -> String {
        self.paint("31", s)
    }

    /// Changes.
    pub fn yellow(&self, s: &str) -> String {
        self.paint("33", s)
    }

    /// Headings.
    pub fn bold(&self, s: &str) -> String {
        self.paint("1", s)
    }

    /// Secondary text.
    pub fn dim(&self, s: &str) -> String {
        self.paint("2", s)
    }
}

fn painted_sigil(style: Style, status: Status) -> String {
    match status {
        Status::Added => style.green("+"),
        Status::Removed => style.red("-"),
        Status::Changed => style.yellow("~"),
    }
}

/// The one-line summary: `2 dashboards differ: 1 changed, 1 added, 0 removed (3 unchanged)`.
///
/// ```
/// let d = dashboard_sync::diff::SetDiff::default();
/// assert_eq!(dashboard_sync::render::summary_line(&d), "no changes (0 dashboards compared)");
/// ```
pub fn summary_line(d: &SetDiff) -> String {
    let (changed, added, removed) = d.counts();
    let total = changed + added + removed;
    if total == 0 {
        return format!(
            "no changes ({} dashboard{} compared)",
            d.unchanged,
            plural(d.unchanged)
        );
    }
    format!(
        "{total} dashboard{} differ{}: {changed} changed, {added} added, {removed} removed ({} unchanged)",
        plural(total),
        if total == 1 { "s" } else { "" },
        d.unchanged
    )
}

fn plural(n: usize) -> &'static str {
    if n == 1 {
        ""
    } else {
        "s"
    }
}

/// The whole diff for a terminal.
///
/// ```
/// use dashboard_sync::{diff::{diff_sets, DiffDoc}, render::{terminal, Style}};
/// use serde_json::json;
/// let old = vec![DiffDoc { uid: "a".into(), folder: None, json: json!({"uid": "a", "title": "A"}) }];
/// let new = vec![DiffDoc { uid: "a".into(), folder: None, json: json!({"uid": "a", "title": "B"}) }];
/// let out = terminal(&diff_sets(&old, &new).unwrap(), Style::plain());
/// assert!(out.contains("~ a \"B\""));
/// assert!(out.contains("title: \"A\" → \"B\""));
/// ```
pub fn terminal(d: &SetDiff, style: Style) -> String {
    let mut out = String::new();
    for dash in &d.dashboards {
        out.push_str(&terminal_dashboard(dash, style, usize::MAX));
    }
    if !d.dashboards.is_empty() {
        out.push('\n');
    }
    out.push_str(&style.bold(&summary_line(d)));
    out.push('\n');
    out
}

/// One dashboard's diff for a terminal, cut after `max_lines` lines (push's drift report).
pub fn terminal_dashboard(dash: &DashboardDiff, style: Style, max_lines: usize) -> String {
    let mut lines: Vec<String> = Vec::new();
    let head = format!(
        "{} {} {}",
        painted_sigil(style, dash.status),
        style.bold(&dash.uid),
        quoted(&dash.title)
    );
    match dash.status {
        Status::Added => lines.push(format!(
            "{head}: new dashboard, {} panel{}",
            dash.panel_count,
            plural(dash.panel_count)
        )),
        Status::Removed => lines.push(format!(
            "{head}: removed ({} panel{})",
            dash.panel_count,
            plural(dash.panel_count)
        )),
        Status::Changed => lines.push(head),
    }
    for c in &dash.changes {
        change_lines(&mut lines, c, "    ", style);
    }
    for p in &dash.panels {
        lines.push(format!("  {}", panel_head(p, style)));
        for c in &p.changes {
            change_lines(&mut lines, c, "      ", style);
        }
    }
    let mut out = String::new();
    let total = lines.len();
    for l in lines.iter().take(max_lines) {
        out.push_str(l);
        out.push('\n');
    }
    if total > max_lines {
        let _ = writeln!(
            out,
            "    {}",
            style.dim(&format!(
                "… {} more line{}",
                total - max_lines,
                plural(total - max_lines)
            ))
        );
    }
    out
}

fn panel_head(p: &PanelDiff, style: Style) -> String {
    let noun = if p.kind == "row" { "row" } else { "panel" };
    let detail = if p.kind == "row" {
        format!("id {}", p.id)
    } else {
        format!("{}, id {}", p.kind, p.id)
    };
    let place = if p.kind == "row" {
        String::new()
    } else {
        format!(" in {}", p.location)
    };
    format!(
        "{} {noun} {} ({detail}){place}",
        painted_sigil(style, p.status),
        quoted(&p.title)
    )
}

fn change_lines(lines: &mut Vec<String>, c: &Change, indent: &str, style: Style) {
    if c.before.is_none() && c.after.is_none() {
        lines.push(format!("{indent}{}", c.what));
        return;
    }
    if c.block {
        lines.push(format!("{indent}{}:", c.what));
        let inner = format!("{indent}  ");
        if let Some(b) = &c.before {
            for l in b.lines() {
                lines.push(format!("{inner}{}", style.red(&format!("- {l}"))));
            }
        }
        if let Some(a) = &c.after {
            for l in a.lines() {
                lines.push(format!("{inner}{}", style.green(&format!("+ {l}"))));
            }
        }
        return;
    }
    let text = match (&c.before, &c.after) {
        (Some(b), Some(a)) => format!("{}: {} → {}", c.what, style.red(b), style.green(a)),
        (None, Some(a)) => format!("{}: {}", c.what, style.green(a)),
        (Some(b), None) => format!("{}: {}", c.what, style.red(b)),
        (None, None) => c.what.clone(),
    };
    lines.push(format!("{indent}{text}"));
}

fn quoted(s: &str) -> String {
    serde_json::Value::String(s.to_string()).to_string()
}

/// The whole diff as GitHub-flavoured markdown, for a pull-request comment.
///
/// ```
/// use dashboard_sync::{diff::{diff_sets, DiffDoc}, render::markdown};
/// use serde_json::json;
/// let new = vec![DiffDoc { uid: "a".into(), folder: None, json: json!({"uid": "a", "title": "A"}) }];
/// let md = markdown(&diff_sets(&[], &new).unwrap());
/// assert!(md.starts_with("### Dashboard changes"));
/// assert!(md.contains("`a`"));
/// ```
pub fn markdown(d: &SetDiff) -> String {
    let mut out = String::from("### Dashboard changes\n\n");
    let _ = writeln!(out, "**{}**\n", md_escape(&summary_line(d)));
    for dash in &d.dashboards {
        let icon = match dash.status {
            Status::Added => "➕ added",
            Status::Removed => "➖ removed",
            Status::Changed => "✏️ changed",
        };
        let _ = writeln!(
            out,
            "#### {icon}: {} — {}\n",
            code(&dash.uid),
            md_escape(&dash.title)
        );
        if dash.status != Status::Changed {
            let _ = writeln!(
                out,
                "{} panel{}\n",
                dash.panel_count,
                plural(dash.panel_count)
            );
        }
        for c in &dash.changes {
            md_change(&mut out, c, "");
        }
        for p in &dash.panels {
            let noun = if p.kind == "row" { "row" } else { "panel" };
            let place = if p.kind == "row" {
                String::new()
            } else {
                format!(" in {}", md_escape(&p.location))
            };
            let _ = writeln!(
                out,
                "- {} {noun} **{}** ({}, id {}){place}",
                sigil_word(p.status),
                md_escape(&p.title),
                code(&p.kind),
                p.id
            );
            for c in &p.changes {
                md_change(&mut out, c, "  ");
            }
        }
        out.push('\n');
    }
    out
}

fn sigil_word(s: Status) -> &'static str {
    match s {
        Status::Added => "➕",
        Status::Removed => "➖",
        Status::Changed => "✏️",
    }
}

fn md_change(out: &mut String, c: &Change, indent: &str) {
    if c.before.is_none() && c.after.is_none() {
        let _ = writeln!(out, "{indent}- {}", md_escape(&c.what));
        return;
    }
    if c.block {
        let _ = writeln!(out, "{indent}- {}:", md_escape(&c.what));
        let fence = fence_for(c);
        let _ = writeln!(out, "{indent}  {fence}diff");
        for l in c.before.iter().flat_map(|b| b.lines()) {
            let _ = writeln!(out, "{indent}  - {l}");
        }
        for l in c.after.iter().flat_map(|a| a.lines()) {
            let _ = writeln!(out, "{indent}  + {l}");
        }
        let _ = writeln!(out, "{indent}  {fence}");
        return;
    }
    let text = match (&c.before, &c.after) {
        (Some(b), Some(a)) => format!("{} → {}", code(b), code(a)),
        (None, Some(a)) => code(a),
        (Some(b), None) => format!("~~{}~~", code(b)),
        (None, None) => String::new(),
    };
    let _ = writeln!(out, "{indent}- {}: {text}", md_escape(&c.what));
}

/// A code fence longer than any run of backticks in the block.
fn fence_for(c: &Change) -> String {
    let longest = [&c.before, &c.after]
        .iter()
        .filter_map(|s| s.as_deref())
        .map(max_backticks)
        .max()
        .unwrap_or(0);
    "`".repeat(longest.max(2) + 1)
}

fn max_backticks(s: &str) -> usize {
    let mut best = 0;
    let mut run = 0;
    for ch in s.chars() {
        if ch == '`' {
            run += 1;
            best = best.max(run);
        } else {
            run = 0;
        }
    }
    best
}

/// Inline code that survives backticks in the value.
fn code(s: &str) -> String {
    let ticks = "`".repeat(max_backticks(s) + 1);
    let pad = if s.starts_with('`') || s.ends_with('`') {
        " "
    } else {
        ""
    };
    format!("{ticks}{pad}{s}{pad}{ticks}")
}

fn md_escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for ch in s.chars() {
        if matches!(
            ch,
            '\\' | '`' | '*' | '_' | '[' | ']' | '<' | '>' | '#' | '|' | '~'
        ) {
            out.push('\\');
        }
        out.push(ch);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn code_spans_survive_backticks() {
        assert_eq!(code("a`b"), "``a`b``");
        assert_eq!(code("`x"), "`` `x ``");
    }

    #[test]
    fn block_changes_render_as_diff_fences() {
        let c = Change {
            what: "query A".into(),
            before: Some("sum(a)".into()),
            after: Some("sum(b)\n  by (x)".into()),
            block: true,
        };
        let mut out = String::new();
        md_change(&mut out, &c, "");
        assert_eq!(
            out,
            "- query A:\n  ```diff\n  - sum(a)\n  + sum(b)\n  +   by (x)\n  ```\n"
        );
    }

    #[test]
    fn truncation_says_how_much_is_left() {
        let dash = DashboardDiff {
            uid: "u".into(),
            title: "T".into(),
            status: Status::Changed,
            changes: (0..5)
                .map(|i| Change {
                    what: format!("c{i}"),
                    before: None,
                    after: None,
                    block: false,
                })
                .collect(),
            panels: vec![],
            panel_count: 0,
        };
        let out = terminal_dashboard(&dash, Style::plain(), 3);
        assert!(out.ends_with("… 3 more lines\n"), "{out}");
    }
}
