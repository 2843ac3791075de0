//! `cargo xtask dashboards build`.

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::{bail, Context, Result};
use dashboard_dsl::v2::{ApiVersion, Target};
use dashboard_dsl::{lint, BuiltDashboard};

use crate::{configmap, Project};

/// What `dashboards build` writes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, clap::ValueEnum)]
pub enum Format {
    /// `<folder title>/<uid>.json`, for Grafana file provisioning
    /// (provisioning/grafana/dashboards/spark.yaml).
    #[default]
    Json,
    /// `grafana-dashboard-<uid>.yaml`: one Kubernetes ConfigMap per dashboard for the
    /// Grafana Helm chart's dashboard sidecar (label `grafana_dashboard: "1"`, annotation
    /// `grafana_folder`).
    Configmap,
}

impl Format {
    /// The output directory when `--out` is not given (schema v1).
    pub fn default_out(self) -> &'static Path {
        match self {
            Format::Json => Path::new("dist/dashboards"),
            Format::Configmap => Path::new("dist/configmaps"),
        }
    }

    /// The extension of the files this format writes (and of the stale files `--check`
    /// reports).
    fn extension(self) -> &'static str {
        match self {
            Format::Json => "json",
            Format::Configmap => "yaml",
        }
    }
}

/// Builds every registered dashboard; fails with every lint problem of every dashboard.
pub fn build_all(project: &Project) -> Result<Vec<BuiltDashboard>> {
    let mut built = Vec::new();
    let mut problems = Vec::new();
    for d in (project.dashboards)() {
        match d.build() {
            Ok(b) => built.push(b),
            Err(e) => problems.extend(e.errors),
        }
    }
    problems.extend(lint::lint_set(built.iter().map(|b| &b.model)));
    if !problems.is_empty() {
        let mut msg = format!("lint failed with {} problem(s):", problems.len());
        for p in &problems {
            msg.push_str("\n  ");
            msg.push_str(&p.to_string());
        }
        bail!(msg);
    }
    Ok(built)
}

/// Where a dashboard's file goes below the output directory: `<folder title>/<uid>.json`,
/// the layout Grafana's file provider maps to folders (`foldersFromFilesStructure`).
pub fn relative_path(d: &BuiltDashboard) -> PathBuf {
    let file = format!("{}.json", d.model.uid);
    match &d.folder {
        Some(f) => Path::new(&f.title).join(file),
        None => PathBuf::from(file),
    }
}

/// Every `.<ext>` file below `dir`, relative to it.
pub fn existing_files(dir: &Path, ext: &str) -> Result<Vec<PathBuf>> {
    if !dir.exists() {
        return Ok(Vec::new());
    }
    files_below(dir, ext).with_context(|| format!("listing {}", dir.display()))
}

/// Every `.<ext>` file below `dir`, relative to it, sorted: the files of one output
/// directory, for the stale-file check and for reading a directory of dashboards.
fn files_below(dir: &Path, ext: &str) -> std::io::Result<Vec<PathBuf>> {
    let mut files = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for entry in fs::read_dir(&d)? {
            let path = entry?.path();
            if path.is_dir() {
                stack.push(path);
            } else if path.extension().is_some_and(|e| e == ext) {
                let rel = path.strip_prefix(dir).unwrap_or(&path).to_path_buf();
                files.push(rel);
            }
        }
    }
    files.sort();
    Ok(files)
}

/// `--check`: compares each expected file (path below `out`, content) with what is there,
/// and reports every changed, missing or stale one on stderr with the command that
/// rewrites them. Success when nothing differs.
pub fn check_files<'a>(
    out: &Path,
    expected: impl IntoIterator<Item = (&'a PathBuf, &'a str)>,
    stale: &[PathBuf],
    noun: &str,
    command: &str,
) -> ExitCode {
    let mut differ = Vec::new();
    let mut count = 0;
    for (rel, content) in expected {
        count += 1;
        let path = out.join(rel);
        match fs::read_to_string(&path) {
            Ok(current) if current == content => {}
            Ok(_) => differ.push(format!("  changed: {}", path.display())),
            Err(_) => differ.push(format!("  missing: {}", path.display())),
        }
    }
    differ.extend(
        stale
            .iter()
            .map(|p| format!("  stale:   {}", out.join(p).display())),
    );
    if differ.is_empty() {
        println!("{count} {noun} up to date in {}", out.display());
        return ExitCode::SUCCESS;
    }
    eprintln!("{} is out of date; run `{command}`:", out.display());
    for line in differ {
        eprintln!("{line}");
    }
    ExitCode::FAILURE
}

/// Writes `content` to `path` (creating its directory) unless it already holds it, so
/// that unchanged files keep their mtime and file watchers stay quiet.
pub fn write_if_changed(path: &Path, content: &str) -> Result<()> {
    if let Some(parent) = path.parent() {
        fs::create_dir_all(parent).with_context(|| format!("creating {}", parent.display()))?;
    }
    if fs::read_to_string(path).ok().as_deref() != Some(content) {
        fs::write(path, content).with_context(|| format!("writing {}", path.display()))?;
    }
    Ok(())
}

/// `dashboards build` in the JSON format (what the diff tests call).
#[cfg_attr(not(test), allow(dead_code))]
pub fn run(project: &Project, out: &Path, check: bool) -> Result<ExitCode> {
    run_as(project, Some(out), check, Format::Json, None)
}

/// The output directory when `--out` is not given: each schema its own, so that v1 and v2
/// files never share a directory (`--check` of one would report the other's as stale).
pub fn default_out(format: Format, target: Option<&Target>) -> &'static Path {
    match target.map(|t| t.api_version) {
        None => format.default_out(),
        Some(ApiVersion::V2) => Path::new("dist/dashboards-v2"),
        Some(ApiVersion::V2beta1) => Path::new("dist/dashboards-v2beta1"),
    }
}

/// The files of `format`, by path below the output directory: (content, dashboard).
/// `target` is the schema v2 flavour to write, `None` for schema v1.
fn render<'a>(
    built: &'a [BuiltDashboard],
    format: Format,
    target: Option<&Target>,
) -> Result<BTreeMap<PathBuf, (String, &'a BuiltDashboard)>> {
    match (format, target) {
        (Format::Json, None) => Ok(built
            .iter()
            .map(|d| (relative_path(d), (d.to_json(), d)))
            .collect()),
        (Format::Json, Some(t)) => {
            let mut files = BTreeMap::new();
            let mut problems = Vec::new();
            for d in built {
                match d.to_v2_json(t) {
                    Ok(json) => {
                        files.insert(relative_path(d), (json, d));
                    }
                    Err(e) => problems.push(e.to_string()),
                }
            }
            if !problems.is_empty() {
                bail!(
                    "cannot write schema v2 ({}): {} problem(s), nothing written:\n  {}",
                    t.api_version.as_str(),
                    problems.len(),
                    problems.join("\n  ")
                );
            }
            Ok(files)
        }
        (Format::Configmap, Some(t)) => bail!(
            "--format configmap writes schema v1 only: the Grafana Helm chart's sidecar copies \
             each ConfigMap into Grafana's file provisioning, which this project has checked \
             with v1 JSON and not with {} resources; use --schema v1 with --format configmap, \
             or --format json with --schema v2",
            t.api_version.as_str()
        ),
        (Format::Configmap, None) => match configmap::configmaps(built) {
            Ok(cms) => Ok(cms
                .into_iter()
                .zip(built)
                .map(|(cm, d)| (PathBuf::from(cm.file_name), (cm.yaml, d)))
                .collect()),
            Err(errors) => {
                let mut msg = format!(
                    "cannot write ConfigMaps: {} problem(s), nothing written:",
                    errors.len()
                );
                for e in &errors {
                    msg.push_str("\n  ");
                    msg.push_str(&e.to_string());
                }
                bail!(msg)
            }
        },
    }
}

/// `dashboards build --format FORMAT [--schema v2 [--grafana-version V]] [--out DIR]
/// [--check]`; `out` defaults to [`default_out`], `target` is `None` for schema v1.
pub fn run_as(
    project: &Project,
    out: Option<&Path>,
    check: bool,
    format: Format,
    target: Option<&Target>,
) -> Result<ExitCode> {
    let out = out.unwrap_or_else(|| default_out(format, target));
    if out.exists() && !out.is_dir() {
        bail!(
            "--out {} exists and is not a directory; pass a directory",
            out.display()
        );
    }
    let built = build_all(project)?;
    if target.is_none() {
        for w in built.iter().flat_map(|d| &d.warnings) {
            eprintln!("warning: {w}");
        }
    }
    let files = render(&built, format, target)?;
    let stale: Vec<PathBuf> = existing_files(out, format.extension())?
        .into_iter()
        .filter(|p| !files.contains_key(p))
        .collect();

    if check {
        let format_arg = match format {
            Format::Json => "",
            Format::Configmap => " --format configmap",
        };
        let schema_arg = match target {
            None => String::new(),
            Some(t) => format!(" --schema v2 --grafana-version {}", t.grafana_version),
        };
        let expected = files.iter().map(|(rel, (json, _))| (rel, json.as_str()));
        return Ok(check_files(
            out,
            expected,
            &stale,
            "dashboards",
            &format!(
                "cargo xtask dashboards build{format_arg}{schema_arg} --out {}",
                out.display()
            ),
        ));
    }

    for (rel, (json, d)) in &files {
        let path = out.join(rel);
        write_if_changed(&path, json)?;
        println!(
            "{:<28} panels={:<3} queries={:<3} {}",
            d.model.uid,
            d.panel_count(),
            d.query_count(),
            path.display()
        );
        if format == Format::Configmap && json.len() > configmap::LAST_APPLIED_ANNOTATION_BYTES {
            eprintln!(
                "warning: {} is {} bytes, over the {}-byte annotation limit that client-side \
                 `kubectl apply` runs into; apply it with `kubectl apply --server-side`",
                path.display(),
                json.len(),
                configmap::LAST_APPLIED_ANNOTATION_BYTES
            );
        }
    }
    warn_stale(out, &stale, "dashboard");
    Ok(ExitCode::SUCCESS)
}

/// Warns about each file below `out` that no `producer` (dashboard, rule group) wrote.
pub fn warn_stale(out: &Path, stale: &[PathBuf], producer: &str) {
    for p in stale {
        eprintln!(
            "warning: {} is not produced by any {producer}; delete it if it was renamed",
            out.join(p).display()
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use dashboard_dsl::model::DashboardModel;

    /// The model reads back what it writes: every Spark dashboard's JSON, as `build`
    /// writes it, parses into the same model and serialises to the same bytes, so
    /// validate and sync can read built files through the model without losing anything.
    #[test]
    fn every_built_dashboard_reads_back_byte_identically() {
        let built = build_all(&crate::testing::spark()).unwrap_or_else(|e| panic!("{e:#}"));
        assert!(!built.is_empty());
        for d in &built {
            let json = d.to_json();
            let read: DashboardModel = serde_json::from_str(&json)
                .unwrap_or_else(|e| panic!("{} does not read back: {e}", d.model.uid));
            // Panel by panel first: the whole model's Debug is too long to read.
            for (r, p) in read.panels().zip(d.model.panels()) {
                assert_eq!(
                    r, p,
                    "{}: panel {:?} reads back different",
                    d.model.uid, p.title
                );
            }
            assert_eq!(read, d.model, "{} reads back different", d.model.uid);
            let again = BuiltDashboard {
                model: read,
                folder: d.folder.clone(),
                panel_ids: d.panel_ids.clone(),
                auto_grid_rows: d.auto_grid_rows.clone(),
                warnings: d.warnings.clone(),
            };
            // Compared as strings, so a failure shows the first differing line.
            assert!(
                again.to_json() == json,
                "{} serialises differently after a read",
                d.model.uid
            );
        }
    }

    /// The same for schema v2, in both versions: every Spark dashboard's resource, as
    /// `build --schema v2` writes it, reads into the v2 model and writes the same bytes, so
    /// the API client can read what it wrote (and Grafana serves) through the model.
    #[test]
    fn every_built_dashboard_as_v2_reads_back_byte_identically() {
        let built = build_all(&crate::testing::spark()).unwrap_or_else(|e| panic!("{e:#}"));
        for target in [Target::grafana_12(), Target::grafana_13()] {
            for d in &built {
                let json = d.to_v2_json(&target).unwrap_or_else(|e| panic!("{e}"));
                let read: dashboard_dsl::v2::Dashboard = serde_json::from_str(&json)
                    .unwrap_or_else(|e| panic!("{} does not read back: {e}", d.model.uid));
                assert_eq!(read.api_version, target.api_version);
                let mut again = serde_json::to_string_pretty(&read).unwrap();
                again.push('\n');
                assert!(
                    again == json,
                    "{} serialises differently after a read",
                    d.model.uid
                );
            }
        }
    }
}
