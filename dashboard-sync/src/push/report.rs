//! What a push did, dashboard by dashboard, and its rendering for a terminal: folders,
//! then each group with exactly which dashboards are in it, then a one-line total.

use std::collections::BTreeMap;
use std::fmt::Write as _;

use crate::diff::DashboardDiff;
use crate::render::{terminal_dashboard, Style};

/// What happened to one dashboard.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    /// Written as a new dashboard.
    Created {
        /// Its version now.
        version: i64,
    },
    /// Written over the previous version.
    Updated {
        /// The version it replaced.
        from: i64,
        /// Its version now.
        to: i64,
        /// Written over edits made in Grafana, because of `--force`.
        forced: bool,
    },
    /// Same content on the server: not written.
    Unchanged {
        /// The server's version, untouched.
        version: i64,
    },
    /// Dry run: would be created.
    WouldCreate,
    /// Dry run: would be updated.
    WouldUpdate {
        /// The server's version now.
        version: i64,
        /// Only because of `--force`.
        forced: bool,
    },
    /// Edited in Grafana since the last push: not written.
    Conflict {
        /// Why, in words, with what to do.
        reason: String,
        /// The server's version.
        version: i64,
        /// How the server differs from this build.
        drift: Option<DashboardDiff>,
    },
    /// Saved by someone else between our read and our write: Grafana refused ours.
    Concurrent {
        /// 412 or 409.
        status: u16,
        /// The explanation.
        message: String,
    },
    /// Not written because of an error.
    Failed {
        /// The error, with what to do.
        error: String,
    },
}

impl Outcome {
    /// The summary group: `written`, `unchanged`, `planned`, `conflicted` or `failed`.
    pub fn group(&self) -> &'static str {
        match self {
            Outcome::Created { .. } | Outcome::Updated { .. } => "written",
            Outcome::Unchanged { .. } => "unchanged",
            Outcome::WouldCreate | Outcome::WouldUpdate { .. } => "planned",
            Outcome::Conflict { .. } | Outcome::Concurrent { .. } => "conflicted",
            Outcome::Failed { .. } => "failed",
        }
    }
}

/// One dashboard's line in the report.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DashboardReport {
    /// Its uid.
    pub uid: String,
    /// Its title.
    pub title: String,
    /// The folder it goes in.
    pub folder_uid: Option<String>,
    /// What happened.
    pub outcome: Outcome,
}

/// What happened to a folder.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FolderOutcome {
    /// It was there.
    Exists,
    /// Push created it.
    Created,
    /// Dry run: push would create it.
    WouldCreate,
    /// It could not be created; its dashboards fail.
    Failed(String),
}

/// The result of a push: every folder and dashboard, and what happened to it.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct PushReport {
    /// Grafana's base URL.
    pub grafana: String,
    /// Grafana's version, from `/api/health`.
    pub grafana_version: Option<String>,
    /// Whether this was a dry run.
    pub dry_run: bool,
    /// Folders by uid.
    pub folders: BTreeMap<String, (String, FolderOutcome)>,
    /// Dashboards, by uid.
    pub dashboards: Vec<DashboardReport>,
    /// Things worth knowing that did not stop anything.
    pub warnings: Vec<String>,
}

impl PushReport {
    /// The dashboards of one [`Outcome::group`].
    pub fn in_group(&self, group: &str) -> Vec<&DashboardReport> {
        self.dashboards
            .iter()
            .filter(|d| d.outcome.group() == group)
            .collect()
    }

    /// How many dashboards were written.
    pub fn writes(&self) -> usize {
        self.in_group("written").len()
    }

    /// True when nothing conflicted and nothing failed: the exit code is 0.
    pub fn success(&self) -> bool {
        self.in_group("conflicted").is_empty() && self.in_group("failed").is_empty()
    }
}

/// The report as text: folders, then each group with exactly which dashboards are in
/// it, then a one-line total. Conflicts show a short panel-level diff of the drift.
///
/// ```
/// use dashboard_sync::push::{render_report, PushReport};
/// let text = render_report(&PushReport::default(), dashboard_sync::render::Style::plain());
/// assert!(text.ends_with("push: 0 written, 0 unchanged, 0 conflicted, 0 failed\n"));
/// ```
pub fn render_report(r: &PushReport, style: Style) -> String {
    let mut out = String::new();
    header(&mut out, r, style);
    if r.dry_run {
        plan(&mut out, r, style);
    } else {
        written(&mut out, r, style);
        let unchanged: Vec<&str> = r
            .in_group("unchanged")
            .iter()
            .map(|d| d.uid.as_str())
            .collect();
        if !unchanged.is_empty() {
            let _ = writeln!(
                out,
                "unchanged ({}): {}",
                unchanged.len(),
                unchanged.join(", ")
            );
        }
    }
    conflicted(&mut out, r, style);
    failed(&mut out, r, style);
    totals(&mut out, r);
    out
}

/// `uid "Title"`, the uid in bold.
fn name(d: &DashboardReport, style: Style) -> String {
    format!("{} {:?}", style.bold(&d.uid), d.title)
}

/// ` in folder f`, or ` in the root folder`.
fn folder(d: &DashboardReport) -> String {
    d.folder_uid
        .as_deref()
        .map(|f| format!(" in folder {f}"))
        .unwrap_or_else(|| " in the root folder".into())
}

/// Which Grafana, the folders push created or could not, and the warnings.
fn header(out: &mut String, r: &PushReport, style: Style) {
    if !r.grafana.is_empty() {
        let _ = writeln!(
            out,
            "Grafana {} at {}",
            r.grafana_version.as_deref().unwrap_or("(version hidden)"),
            r.grafana
        );
    }
    for (uid, (title, o)) in &r.folders {
        let what = match o {
            FolderOutcome::Exists => continue,
            FolderOutcome::Created => style.green("created"),
            FolderOutcome::WouldCreate => style.yellow("would be created"),
            FolderOutcome::Failed(e) => style.red(&format!("failed: {e}")),
        };
        let _ = writeln!(out, "folder {uid} ({title:?}): {what}");
    }
    for w in &r.warnings {
        let _ = writeln!(out, "{} {w}", style.yellow("warning:"));
    }
}

/// A dry run's plan: one line per dashboard.
fn plan(out: &mut String, r: &PushReport, style: Style) {
    let _ = writeln!(out, "plan (dry run, nothing is written):");
    for d in &r.dashboards {
        let name = name(d, style);
        let line = match &d.outcome {
            Outcome::WouldCreate => format!("{}  {name}{}", style.green("create   "), folder(d)),
            Outcome::WouldUpdate { version, forced } => format!(
                "{}  {name} from version {version}{}{}",
                style.yellow("update   "),
                folder(d),
                if *forced {
                    ", overwriting edits made in Grafana (--force)"
                } else {
                    ""
                }
            ),
            Outcome::Unchanged { version } => format!("unchanged  {name} (version {version})"),
            Outcome::Conflict { .. } => format!("{}  {name}", style.red("conflict ")),
            Outcome::Failed { .. } => format!("{}  {name}", style.red("failed   ")),
            other => format!("{:<9}  {name}", other.group()),
        };
        let _ = writeln!(out, "  {line}");
    }
}

/// What was written, with the versions.
fn written(out: &mut String, r: &PushReport, style: Style) {
    let written = r.in_group("written");
    if written.is_empty() {
        return;
    }
    let _ = writeln!(out, "written ({}):", written.len());
    for d in written {
        let name = name(d, style);
        let line = match &d.outcome {
            Outcome::Created { version } => format!(
                "{}  {name}{}, version {version}",
                style.green("created"),
                folder(d)
            ),
            Outcome::Updated { from, to, forced } => format!(
                "{}  {name}{}, version {from} → {to}{}",
                style.green("updated"),
                folder(d),
                if *forced {
                    " (--force: edits made in Grafana overwritten)"
                } else {
                    ""
                }
            ),
            _ => continue,
        };
        let _ = writeln!(out, "  {line}");
    }
}

/// Conflicts, each with how Grafana differs from this build.
fn conflicted(out: &mut String, r: &PushReport, style: Style) {
    let conflicted = r.in_group("conflicted");
    if conflicted.is_empty() {
        return;
    }
    let _ = writeln!(
        out,
        "{}",
        style.red(&format!("conflicted ({}):", conflicted.len()))
    );
    for d in conflicted {
        match &d.outcome {
            Outcome::Conflict { reason, drift, .. } => {
                let _ = writeln!(out, "  {}: {reason}", name(d, style));
                if let Some(diff) = drift {
                    let _ = writeln!(out, "    how Grafana differs from this build:");
                    for l in terminal_dashboard(diff, style, 16).lines().skip(1) {
                        let _ = writeln!(out, "    {l}");
                    }
                }
            }
            Outcome::Concurrent { message, .. } => {
                let _ = writeln!(out, "  {}: changed concurrently: {message}", name(d, style));
            }
            _ => {}
        }
    }
}

/// Failures, each with its error.
fn failed(out: &mut String, r: &PushReport, style: Style) {
    let failed = r.in_group("failed");
    if failed.is_empty() {
        return;
    }
    let _ = writeln!(out, "{}", style.red(&format!("failed ({}):", failed.len())));
    for d in failed {
        if let Outcome::Failed { error } = &d.outcome {
            let _ = writeln!(out, "  {}: {error}", name(d, style));
        }
    }
}

/// The one-line total.
fn totals(out: &mut String, r: &PushReport) {
    let n = |g: &str| r.in_group(g).len();
    if r.dry_run {
        let creates = r
            .dashboards
            .iter()
            .filter(|d| d.outcome == Outcome::WouldCreate)
            .count();
        let _ = writeln!(
            out,
            "dry run: {creates} to create, {} to update, {} unchanged, {} conflicted, {} failed; nothing was written",
            n("planned") - creates,
            n("unchanged"),
            n("conflicted"),
            n("failed")
        );
    } else {
        let _ = writeln!(
            out,
            "push: {} written, {} unchanged, {} conflicted, {} failed",
            n("written"),
            n("unchanged"),
            n("conflicted"),
            n("failed")
        );
    }
}
