//! The recipes in `docs/recipes/` against the dashboards that link to them.
//!
//! - every panel a recipe cites as `**<title>** (<dashboard>)` exists in that dashboard;
//! - every panel link into the recipes (panel links and data links) resolves to a file;
//! - every relative link between the docs resolves to a file (and heading, when it has an
//!   anchor), and every `/d/<uid>` names a dashboard this project builds;
//! - every troubleshooting recipe has the five sections, in order.
//!
//! Each checker returns its findings as `recipe:line: message` strings, so a failure names the
//! recipe, the line and what is missing; the `*_reports_*` tests feed each checker a small
//! broken input to prove it is not passing vacuously.

use std::collections::{BTreeMap, BTreeSet};
use std::fs;
use std::path::{Component, Path, PathBuf};

use serde_json::Value;

use crate::fail_on;

/// The section of a troubleshooting recipe whose bullets cite panels.
const PANELS_SECTION: &str = "## Panels to look at";

/// The sections every troubleshooting recipe has, in this order.
const TROUBLESHOOT_HEADINGS: [&str; 5] = [
    "## Symptom",
    PANELS_SECTION,
    "## Thresholds",
    "## Remedies",
    "## Sources",
];

/// The recipes the dashboards and the issue call for, relative to `docs/recipes/`.
const EXPECTED_RECIPES: [&str; 8] = [
    "troubleshoot/slow-spark-jobs.md",
    "troubleshoot/data-skew-diagnosis.md",
    "troubleshoot/oom-and-spill.md",
    "troubleshoot/shuffle-bottleneck.md",
    "troubleshoot/gc-pressure.md",
    "troubleshoot/slow-sql-query.md",
    "observability/spark-profiling-guide.md",
    "observability/observability-stack.md",
];

// --- Inputs -----------------------------------------------------------------------------------

fn workspace_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("the tests crate lives inside the workspace")
        .to_path_buf()
}

fn recipes_dir() -> PathBuf {
    workspace_root().join("docs").join("recipes")
}

/// A markdown file under `docs/recipes/`.
struct Doc {
    /// Path relative to `docs/recipes/`, with `/` separators (how messages name it).
    name: String,
    /// Absolute path.
    path: PathBuf,
    text: String,
}

fn docs() -> Vec<Doc> {
    fn walk(dir: &Path, out: &mut Vec<PathBuf>) {
        let entries =
            fs::read_dir(dir).unwrap_or_else(|e| panic!("cannot read {}: {e}", dir.display()));
        for entry in entries {
            let path = entry.expect("directory entry").path();
            if path.is_dir() {
                walk(&path, out);
            } else if path.extension().is_some_and(|e| e == "md") {
                out.push(path);
            }
        }
    }
    let root = recipes_dir();
    let mut paths = Vec::new();
    walk(&root, &mut paths);
    paths.sort();
    paths
        .into_iter()
        .map(|path| Doc {
            name: path
                .strip_prefix(&root)
                .expect("under docs/recipes")
                .components()
                .map(|c| c.as_os_str().to_string_lossy().into_owned())
                .collect::<Vec<_>>()
                .join("/"),
            text: fs::read_to_string(&path)
                .unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display())),
            path,
        })
        .collect()
}

/// What the built dashboards offer the recipes.
struct Built {
    /// Dashboard title -> its panel and row titles.
    titles: BTreeMap<String, BTreeSet<String>>,
    uids: BTreeSet<String>,
    /// (dashboard title, panel title, url) for every `url` anywhere in a panel.
    urls: Vec<(String, String, String)>,
}

fn built() -> Built {
    let mut out = Built {
        titles: BTreeMap::new(),
        uids: BTreeSet::new(),
        urls: Vec::new(),
    };
    for dashboard in dashboards::all() {
        let json = dashboard
            .build()
            .unwrap_or_else(|e| panic!("{e}"))
            .to_json();
        let model: Value = serde_json::from_str(&json).expect("built dashboards are JSON");
        let title = model["title"]
            .as_str()
            .expect("dashboard title")
            .to_string();
        out.uids
            .insert(model["uid"].as_str().expect("dashboard uid").to_string());
        let mut titles = BTreeSet::new();
        collect_panels(&model["panels"], &title, &mut titles, &mut out.urls);
        out.titles.insert(title, titles);
    }
    out
}

/// Walks panels (and the panels of collapsed rows): titles, and every `url` string they hold.
fn collect_panels(
    panels: &Value,
    dashboard: &str,
    titles: &mut BTreeSet<String>,
    urls: &mut Vec<(String, String, String)>,
) {
    for panel in panels.as_array().into_iter().flatten() {
        let title = panel["title"].as_str().unwrap_or_default().to_string();
        let mut found = Vec::new();
        collect_urls(panel, &mut found);
        urls.extend(
            found
                .into_iter()
                .map(|u| (dashboard.to_string(), title.clone(), u)),
        );
        titles.insert(title);
        collect_panels(&panel["panels"], dashboard, titles, urls);
    }
}

/// Every `"url": "<string>"` in a panel (panel links, data links, overrides), but not those of
/// nested panels, which `collect_panels` visits on their own.
fn collect_urls(value: &Value, out: &mut Vec<String>) {
    match value {
        Value::Object(map) => {
            for (key, v) in map {
                match (key.as_str(), v) {
                    ("panels", _) => {}
                    ("url", Value::String(url)) => out.push(url.clone()),
                    _ => collect_urls(v, out),
                }
            }
        }
        Value::Array(items) => items.iter().for_each(|v| collect_urls(v, out)),
        _ => {}
    }
}

// --- Markdown scanning --------------------------------------------------------------------------

/// Lines outside fenced code blocks, with their 1-based numbers and inline code removed.
fn prose_lines(text: &str) -> Vec<(usize, String)> {
    let mut fenced = false;
    let mut out = Vec::new();
    for (i, line) in text.lines().enumerate() {
        if line.trim_start().starts_with("```") {
            fenced = !fenced;
            continue;
        }
        if !fenced {
            out.push((i + 1, strip_inline_code(line)));
        }
    }
    out
}

/// The line with every `code span` blanked out (so `[x](y)` in code is not a link).
fn strip_inline_code(line: &str) -> String {
    let mut out = String::with_capacity(line.len());
    let mut in_code = false;
    for c in line.chars() {
        if c == '`' {
            in_code = !in_code;
            out.push(' ');
        } else if in_code {
            out.push(' ');
        } else {
            out.push(c);
        }
    }
    out
}

/// Lines outside fenced code blocks, inline code kept (for `/d/<uid>` mentions).
fn lines_outside_fences(text: &str) -> Vec<(usize, &str)> {
    let mut fenced = false;
    let mut out = Vec::new();
    for (i, line) in text.lines().enumerate() {
        if line.trim_start().starts_with("```") {
            fenced = !fenced;
            continue;
        }
        if !fenced {
            out.push((i + 1, line));
        }
    }
    out
}

/// A cited panel: the bold text and, if the bold is followed by ` (...)`, what is in the
/// parentheses.
#[derive(Debug, PartialEq)]
struct Citation {
    title: String,
    dashboard: Option<String>,
    /// ` (` follows the bold but the line ends before `)`: the citation was wrapped.
    unclosed: Option<String>,
}

/// Every `**bold**` on a line, with the parenthesis that follows it.
fn citations(line: &str) -> Vec<Citation> {
    let mut out = Vec::new();
    let mut rest = line;
    while let Some(start) = rest.find("**") {
        let after = &rest[start + 2..];
        let Some(end) = after.find("**") else { break };
        let title = after[..end].trim().to_string();
        rest = &after[end + 2..];
        let paren = rest.strip_prefix(" (");
        let dashboard = paren.and_then(|r| r.find(')').map(|close| r[..close].trim().to_string()));
        let unclosed = paren
            .filter(|r| !r.contains(')'))
            .map(|r| r.trim().to_string());
        if !title.is_empty() {
            out.push(Citation {
                title,
                dashboard,
                unclosed,
            });
        }
    }
    out
}

/// Checks the panel citations of one recipe. In a `## Panels to look at` section (up to the
/// next heading of any level) every bold must be `**<panel or row title>** (<dashboard title>)`; elsewhere, a bold followed by the
/// name of a dashboard (or something that looks like one) must name a panel of it too.
fn check_citations(
    name: &str,
    text: &str,
    dashboards: &BTreeMap<String, BTreeSet<String>>,
) -> Vec<String> {
    let known = dashboards.keys().cloned().collect::<Vec<_>>().join(", ");
    let looks_like_dashboard = |d: &str| {
        let d = d.to_lowercase();
        ["tracing", "profiling", "overview", "dashboard"]
            .iter()
            .any(|w| d.contains(w))
    };
    let mut errors = Vec::new();
    let mut in_panels = false;
    let mut has_panels_section = false;
    let mut cited_in_section = 0;
    for (line_no, line) in prose_lines(text) {
        // The section's bullet list ends at the next heading of any level.
        if line.starts_with('#') {
            in_panels = line.trim_end() == PANELS_SECTION;
            has_panels_section |= in_panels;
            continue;
        }
        for c in citations(&line) {
            match c.dashboard.as_deref() {
                Some(d) if dashboards.contains_key(d) => {
                    if in_panels {
                        cited_in_section += 1;
                    }
                    if !dashboards[d].contains(&c.title) {
                        errors.push(format!(
                            "{name}:{line_no}: `**{}**` is not a panel or row title of the \
                             dashboard {d:?} (built dashboards: {known})",
                            c.title
                        ));
                    }
                }
                Some(d) if in_panels || looks_like_dashboard(d) => errors.push(format!(
                    "{name}:{line_no}: `**{}** ({d})` names no built dashboard (built \
                     dashboards: {known})",
                    c.title
                )),
                None if c.unclosed.as_deref().is_some_and(|u| {
                    in_panels || u.starts_with("Spark") || looks_like_dashboard(u)
                }) =>
                {
                    errors.push(format!(
                        "{name}:{line_no}: `**{}** ({}` is wrapped: keep the dashboard's name \
                         and its `)` on the same line as the title",
                        c.title,
                        c.unclosed.as_deref().unwrap_or_default()
                    ))
                }
                None if in_panels => errors.push(format!(
                    "{name}:{line_no}: `**{}**` in \"{PANELS_SECTION}\" must be followed by the \
                     dashboard in parentheses, e.g. ` (Spark Profiling)`",
                    c.title
                )),
                _ => {}
            }
        }
    }
    if has_panels_section && cited_in_section == 0 {
        errors.push(format!(
            "{name}: \"{PANELS_SECTION}\" cites no panel as `**<title>** (<dashboard>)`"
        ));
    }
    errors
}

/// GitHub's anchor for a heading: lower case, punctuation dropped, spaces to hyphens.
fn slug(heading: &str) -> String {
    heading
        .trim()
        .to_lowercase()
        .chars()
        .filter_map(|c| match c {
            ' ' => Some('-'),
            c if c.is_alphanumeric() || c == '-' || c == '_' => Some(c),
            _ => None,
        })
        .collect()
}

/// The anchors of a markdown file's headings, with GitHub's `-1`, `-2` for repeats.
pub(crate) fn anchors(text: &str) -> BTreeSet<String> {
    let mut seen: BTreeMap<String, usize> = BTreeMap::new();
    let mut out = BTreeSet::new();
    for (_, line) in lines_outside_fences(text) {
        let hashes = line.chars().take_while(|&c| c == '#').count();
        if (1..=6).contains(&hashes) && line[hashes..].starts_with(' ') {
            let base = slug(&line[hashes..].replace('`', ""));
            let n = seen.entry(base.clone()).or_insert(0);
            out.insert(if *n == 0 {
                base.clone()
            } else {
                format!("{base}-{n}")
            });
            *n += 1;
        }
    }
    out
}

/// Inline `[text](target)` and reference `[label]: target` link targets on a line.
fn link_targets(line: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut rest = line;
    while let Some(open) = rest.find("](") {
        let after = &rest[open + 2..];
        let Some(close) = after.find(')') else { break };
        let target = after[..close].trim();
        // `[x](<path with spaces>)` and `[x](path "title")`
        let target = target
            .strip_prefix('<')
            .and_then(|t| t.strip_suffix('>'))
            .unwrap_or_else(|| target.split_whitespace().next().unwrap_or(""));
        out.push(target.to_string());
        rest = &after[close + 1..];
    }
    let trimmed = line.trim_start();
    if trimmed.starts_with('[') {
        if let Some(pos) = trimmed.find("]: ") {
            if let Some(target) = trimmed[pos + 3..].split_whitespace().next() {
                out.push(target.to_string());
            }
        }
    }
    out
}

/// `a/b/../c` -> `a/c`, without touching the file system.
fn normalize(path: &Path) -> PathBuf {
    let mut out = PathBuf::new();
    for c in path.components() {
        match c {
            Component::ParentDir => {
                out.pop();
            }
            Component::CurDir => {}
            c => out.push(c),
        }
    }
    out
}

/// Checks the relative links of one markdown file located at `path`: the file exists and, for
/// markdown targets with `#anchor`, so does the heading. Absolute paths (`/d/<uid>`, Grafana's)
/// must name a dashboard this project builds.
fn check_links(name: &str, path: &Path, text: &str, uids: &BTreeSet<String>) -> Vec<String> {
    let dir = path.parent().expect("a file has a directory");
    let mut errors = Vec::new();
    for (line_no, line) in prose_lines(text) {
        for target in link_targets(&line) {
            if target.is_empty() {
                errors.push(format!("{name}:{line_no}: empty link target"));
                continue;
            }
            let external = ["http://", "https://", "mailto:"]
                .iter()
                .any(|p| target.starts_with(p));
            if external || target.starts_with('/') {
                continue;
            }
            let (file, anchor) = match target.split_once('#') {
                Some((f, a)) => (f, Some(a)),
                None => (target.as_str(), None),
            };
            let resolved = if file.is_empty() {
                path.to_path_buf()
            } else {
                normalize(&dir.join(file))
            };
            // `#anchor` alone points into this very file, which exists (even a test's fake).
            if !file.is_empty() && !resolved.exists() {
                errors.push(format!(
                    "{name}:{line_no}: link `{target}` -> {} does not exist",
                    resolved.display()
                ));
                continue;
            }
            let is_markdown = resolved.extension().is_some_and(|e| e == "md");
            if let (Some(anchor), true) = (anchor, is_markdown) {
                let target_text = if file.is_empty() {
                    text.to_string()
                } else {
                    fs::read_to_string(&resolved).unwrap_or_default()
                };
                if !anchors(&target_text).contains(anchor) {
                    errors.push(format!(
                        "{name}:{line_no}: link `{target}`: {} has no heading with anchor \
                         `#{anchor}`",
                        resolved.display()
                    ));
                }
            }
        }
    }
    for (line_no, line) in lines_outside_fences(text) {
        let mut rest = line;
        while let Some(pos) = rest.find("/d/") {
            let uid: String = rest[pos + 3..]
                .chars()
                .take_while(|c| c.is_ascii_alphanumeric() || *c == '-' || *c == '_')
                .collect();
            if !uid.is_empty() && !uids.contains(&uid) {
                errors.push(format!(
                    "{name}:{line_no}: `/d/{uid}` is not the uid of a built dashboard \
                     ({uids:?})"
                ));
            }
            rest = &rest[pos + 3..];
        }
    }
    errors
}

/// Checks that a troubleshooting recipe has the five sections, each once and in order.
fn check_headings(name: &str, text: &str) -> Vec<String> {
    let found: Vec<(usize, String)> = lines_outside_fences(text)
        .into_iter()
        .filter(|(_, l)| l.starts_with("## "))
        .map(|(n, l)| (n, l.trim_end().to_string()))
        .collect();
    let mut errors = Vec::new();
    let mut last: Option<(usize, &str)> = None;
    for heading in TROUBLESHOOT_HEADINGS {
        let lines: Vec<usize> = found
            .iter()
            .filter(|(_, l)| l == heading)
            .map(|(n, _)| *n)
            .collect();
        match lines.as_slice() {
            [] => errors.push(format!("{name}: missing the heading `{heading}`")),
            [line] => {
                if let Some((prev_line, prev)) = last {
                    if *line < prev_line {
                        errors.push(format!(
                            "{name}:{line}: `{heading}` comes before `{prev}` (line \
                             {prev_line}); the order is {TROUBLESHOOT_HEADINGS:?}"
                        ));
                    }
                }
                last = Some((*line, heading));
            }
            many => errors.push(format!(
                "{name}: `{heading}` appears more than once, at lines {many:?}"
            )),
        }
    }
    errors
}

/// Checks the panel links into the recipes: `base/<path>` must be a file under `recipes_dir`.
fn check_panel_links(
    urls: &[(String, String, String)],
    base: &str,
    recipes_dir: &Path,
) -> (usize, Vec<String>) {
    let prefix = format!("{}/", base.trim_end_matches('/'));
    let mut checked = 0;
    let mut errors = Vec::new();
    for (dashboard, panel, url) in urls {
        let Some(rest) = url.strip_prefix(&prefix) else {
            continue;
        };
        checked += 1;
        let rel = rest.split(['#', '?']).next().unwrap_or_default();
        let path = recipes_dir.join(rel);
        if rel.is_empty() || !path.is_file() {
            errors.push(format!(
                "{dashboard} › panel {panel:?}: recipe link {url} -> docs/recipes/{rel} is not a \
                 file"
            ));
        }
    }
    (checked, errors)
}

// --- The checks on the real docs and dashboards --------------------------------------------------

#[test]
fn the_recipes_the_dashboards_need_exist() {
    let dir = recipes_dir();
    let missing: Vec<String> = EXPECTED_RECIPES
        .iter()
        .filter(|r| !dir.join(r).is_file())
        .map(|r| format!("docs/recipes/{r} does not exist"))
        .collect();
    fail_on(missing);
}

#[test]
fn every_cited_panel_exists_in_its_dashboard() {
    let built = built();
    let docs = docs();
    assert!(
        !docs.is_empty(),
        "no markdown under {}",
        recipes_dir().display()
    );
    let mut errors = Vec::new();
    let mut cited = 0;
    for doc in &docs {
        cited += prose_lines(&doc.text)
            .iter()
            .flat_map(|(_, l)| citations(l))
            .filter(|c| {
                c.dashboard
                    .as_deref()
                    .is_some_and(|d| built.titles.contains_key(d))
            })
            .count();
        errors.extend(check_citations(&doc.name, &doc.text, &built.titles));
    }
    fail_on(errors);
    assert!(
        cited > 0,
        "no recipe cites a panel; the check would be vacuous"
    );
}

#[test]
fn every_troubleshooting_recipe_cites_panels() {
    // Each troubleshooting recipe has a "Panels to look at" section with citations; the
    // citation check above enforces the rest.
    let built = built();
    let mut errors = Vec::new();
    for doc in docs()
        .iter()
        .filter(|d| d.name.starts_with("troubleshoot/"))
    {
        if !doc.text.lines().any(|l| l.trim_end() == PANELS_SECTION) {
            errors.push(format!("{}: no \"{PANELS_SECTION}\" section", doc.name));
        }
        errors.extend(check_citations(&doc.name, &doc.text, &built.titles));
    }
    fail_on(errors);
}

#[test]
fn every_recipe_link_in_a_panel_resolves_to_a_file() {
    let built = built();
    let base = dashboards::Options::default().recipes_url;
    let (checked, errors) = check_panel_links(&built.urls, &base, &recipes_dir());
    fail_on(errors);
    assert!(
        checked > 0,
        "no panel links to {base}/...; the check would be vacuous"
    );
    for dashboard in ["Spark Job Tracing", "Spark Profiling"] {
        let prefix = format!("{base}/");
        assert!(
            built
                .urls
                .iter()
                .any(|(d, _, u)| d == dashboard && u.starts_with(&prefix)),
            "{dashboard} has no panel linking to a recipe"
        );
    }
}

#[test]
fn every_relative_link_in_the_recipes_resolves() {
    let built = built();
    let mut errors = Vec::new();
    for doc in docs() {
        errors.extend(check_links(&doc.name, &doc.path, &doc.text, &built.uids));
    }
    fail_on(errors);
}

#[test]
fn every_troubleshooting_recipe_has_the_five_sections() {
    let docs = docs();
    let troubleshooting: Vec<&Doc> = docs
        .iter()
        .filter(|d| d.name.starts_with("troubleshoot/"))
        .collect();
    assert!(
        troubleshooting.len() >= 5,
        "expected the five troubleshooting recipes, found {}",
        troubleshooting.len()
    );
    fail_on(
        troubleshooting
            .iter()
            .flat_map(|d| check_headings(&d.name, &d.text))
            .collect(),
    );
}

// --- The checkers catch what they are for ------------------------------------------------------

fn fake_dashboards() -> BTreeMap<String, BTreeSet<String>> {
    let mut d = BTreeMap::new();
    d.insert(
        "Spark Profiling".to_string(),
        [
            "GC",
            "GC time % per executor",
            "Shuffle read skew (max/avg)",
        ]
        .map(String::from)
        .into(),
    );
    d.insert(
        "Spark Job Tracing".to_string(),
        ["Jobs and stages over time"].map(String::from).into(),
    );
    d
}

#[test]
fn citation_check_reports_bogus_titles_and_dashboards() {
    let md = "\
# Recipe

Prose may use **bold** freely, and **GC time % per executor** (Spark Profiling) is checked.

## Panels to look at
- **GC time % per executor** (Spark Profiling): fine.
- **Shuffle read skew (max/avg)** (Spark Profiling) and **GC** (Spark Profiling): fine, a row.
- **No such panel** (Spark Profiling): bogus title.
- **Jobs and stages over time** (Spark Profiling): wrong dashboard.
- **Jobs and stages over time**: no dashboard.
- **Jobs and stages over time** (Spark Tracing): no such dashboard.

```text
**Not checked** (Spark Profiling) inside a code block
```

## Thresholds
**Also bogus** (Spark Job Tracing) outside the section is still checked.
A wrapped **Jobs and stages over time** (Spark Job
Tracing) is reported too.

## Panels to look at
- **GC** (Spark Profiling)

### A subsection ends the list
Free **bold** here is fine.
";
    let errors = check_citations("fake.md", md, &fake_dashboards());
    let expect = [
        ("fake.md:8:", "No such panel"),
        ("fake.md:9:", "Jobs and stages over time"),
        ("fake.md:10:", "must be followed by the dashboard"),
        ("fake.md:11:", "names no built dashboard"),
        ("fake.md:18:", "Also bogus"),
        ("fake.md:19:", "is wrapped"),
    ];
    assert_reports(&errors, &expect);
}

#[test]
fn citation_check_reports_a_section_that_cites_nothing() {
    let md = "## Panels to look at\n- GC per executor, in plain text.\n## Thresholds\n";
    let errors = check_citations("empty.md", md, &fake_dashboards());
    assert_eq!(errors.len(), 1, "{errors:#?}");
    assert!(errors[0].contains("cites no panel"), "{}", errors[0]);
}

#[test]
fn link_check_reports_missing_files_anchors_and_uids() {
    // Pretend the markdown lives beside the real troubleshooting recipes.
    let path = recipes_dir().join("troubleshoot").join("fake.md");
    let uids: BTreeSet<String> = ["spark-profiling".to_string()].into();
    let md = "\
# Fake

[fine](gc-pressure.md) and [fine too](#fake) and [web](https://spark.apache.org/)
[missing](no-such-recipe.md)
[bad anchor](gc-pressure.md#no-such-heading)
Open `/d/spark-profiling`, not `/d/no-such-dashboard`.
`[in code](nowhere.md)` is not a link.
[ref]: ../observability/no-such-file.md
";
    let errors = check_links("troubleshoot/fake.md", &path, md, &uids);
    let expect = [
        ("troubleshoot/fake.md:4:", "no-such-recipe.md"),
        ("troubleshoot/fake.md:5:", "#no-such-heading"),
        ("troubleshoot/fake.md:8:", "no-such-file.md"),
        ("troubleshoot/fake.md:6:", "/d/no-such-dashboard"),
    ];
    assert_reports(&errors, &expect);
}

#[test]
fn heading_check_reports_missing_and_misordered_sections() {
    let md = "# R\n## Panels to look at\n## Symptom\n## Remedies\n## Sources\n## Sources\n";
    let errors = check_headings("r.md", md);
    assert_eq!(errors.len(), 3, "{errors:#?}");
    assert!(errors[0].starts_with("r.md:2:") && errors[0].contains("comes before"));
    assert!(errors[1].contains("missing the heading `## Thresholds`"));
    assert!(errors[2].contains("`## Sources` appears more than once"));
}

#[test]
fn panel_link_check_reports_links_to_missing_recipes() {
    let base = "https://example.com/docs/recipes";
    let urls = [
        ("D", "ok", format!("{base}/troubleshoot/gc-pressure.md")),
        (
            "D",
            "ok anchor",
            format!("{base}/troubleshoot/gc-pressure.md#sources"),
        ),
        ("D", "bad", format!("{base}/troubleshoot/gone.md")),
        (
            "D",
            "elsewhere",
            "https://other.example.com/x.md".to_string(),
        ),
    ]
    .map(|(d, p, u)| (d.to_string(), p.to_string(), u));
    let (checked, errors) = check_panel_links(&urls, base, &recipes_dir());
    assert_eq!(checked, 3);
    assert_eq!(errors.len(), 1, "{errors:#?}");
    assert!(errors[0].contains("\"bad\"") && errors[0].contains("troubleshoot/gone.md"));
}

#[test]
fn citations_parse_titles_with_parentheses() {
    assert_eq!(
        citations("- **GC time % (all executors)** (Spark Profiling): x **b**"),
        vec![
            Citation {
                title: "GC time % (all executors)".into(),
                dashboard: Some("Spark Profiling".into()),
                unclosed: None,
            },
            Citation {
                title: "b".into(),
                dashboard: None,
                unclosed: None,
            },
        ]
    );
    assert_eq!(
        slug("Deploying with the Grafana Helm chart"),
        "deploying-with-the-grafana-helm-chart"
    );
    assert_eq!(
        slug("Spill: where to see it (not on a cluster)"),
        "spill-where-to-see-it-not-on-a-cluster"
    );
}

#[test]
fn every_panel_of_the_spark_dashboards_links_its_recipe() {
    // The issue asks each panel for a description with a link to the recipe that explains
    // it: the description is enforced by `deny_incomplete_panels`, the link here.
    let prefix = format!("{}/", dashboards::Options::default().recipes_url);
    let mut errors = Vec::new();
    let mut panels = 0;
    for dashboard in dashboards::all() {
        let built = dashboard.build().unwrap_or_else(|e| panic!("{e}"));
        let model = &built.model;
        if ![
            "spark-job-tracing",
            "spark-profiling",
            "spark-sql",
            "spark-streaming",
        ]
        .contains(&model.uid.as_str())
        {
            continue;
        }
        for p in built.panels().filter(|p| p.kind != "row") {
            panels += 1;
            if !p.links.iter().any(|l| l.url.starts_with(&prefix)) {
                errors.push(format!(
                    "{} › panel {:?} has no panel link to a recipe under {prefix}",
                    model.uid, p.title
                ));
            }
        }
    }
    fail_on(errors);
    assert!(panels > 40, "only {panels} panels checked");
}

/// `errors` are exactly the expected ones, in order: each starts with its `file:line:` and
/// says what it must say.
fn assert_reports(errors: &[String], expect: &[(&str, &str)]) {
    assert_eq!(errors.len(), expect.len(), "{errors:#?}");
    for ((at, what), e) in expect.iter().zip(errors) {
        assert!(e.starts_with(at) && e.contains(what), "{e}");
    }
}
