//! Dashboards built in memory from the project, or read from a directory of files made
//! elsewhere (through `build`'s one directory walk).

use std::fs;
use std::path::{Path, PathBuf};

use anyhow::{bail, Context, Result};
use serde_json::Value;

use crate::Project;

/// Every `.json` file below `dir` (sorted), parsed. A file that is not a dashboard
/// (no object, no `panels` or `uid`) is an error naming the file.
pub fn load_dir(dir: &Path) -> Result<Vec<(PathBuf, Value)>> {
    if !dir.is_dir() {
        bail!("--input {} is not a directory", dir.display());
    }
    let files: Vec<PathBuf> = crate::build::existing_files(dir, "json")?
        .into_iter()
        .map(|rel| dir.join(rel))
        .collect();
    if files.is_empty() {
        bail!("--input {} holds no .json files", dir.display());
    }
    files
        .into_iter()
        .map(|path| {
            let text =
                fs::read_to_string(&path).with_context(|| format!("reading {}", path.display()))?;
            let value: Value = serde_json::from_str(&text)
                .with_context(|| format!("{} is not valid JSON", path.display()))?;
            if !value.is_object() || value.get("panels").is_none() && value.get("uid").is_none() {
                bail!(
                    "{} is not a Grafana dashboard (expected an object with `uid` and `panels`)",
                    path.display()
                );
            }
            Ok((path, value))
        })
        .collect()
}

/// The groups of the Prometheus rule files (`.yml`, `.yaml`) in `dir`, in file order,
/// for `validate --rules`.
pub fn load_rules(dir: &Path) -> Result<Vec<dashboard_dsl::rules::RuleGroup>> {
    if !dir.is_dir() {
        bail!("--rules {} is not a directory", dir.display());
    }
    let mut files = crate::build::existing_files(dir, "yml")?;
    files.extend(crate::build::existing_files(dir, "yaml")?);
    files.sort();
    if files.is_empty() {
        bail!(
            "--rules {} holds no .yml or .yaml rule files",
            dir.display()
        );
    }
    let mut groups = Vec::new();
    for rel in files {
        let path = dir.join(rel);
        let text =
            fs::read_to_string(&path).with_context(|| format!("reading {}", path.display()))?;
        let file = dashboard_dsl::rules::RuleFile::from_yaml(&text).with_context(|| {
            format!(
                "{} is not a Prometheus rule file (`groups:` of `alert:`/`record:` rules; `promtool check rules` says more)",
                path.display()
            )
        })?;
        groups.extend(file.groups);
    }
    Ok(groups)
}

/// Every `.json` file below `dir` as a dashboard to push or diff, its folder from its
/// directory (see [`dashboard_sync::local::load_files`]).
pub fn local_dashboards(dir: &Path) -> Result<Vec<dashboard_sync::LocalDashboard>> {
    let files = crate::build::existing_files(dir, "json")?;
    Ok(dashboard_sync::local::load_files(dir, &files)?)
}

/// The dashboards of the `dashboards` crate, built and linted, as JSON values.
pub fn built(project: &Project) -> Result<Vec<Value>> {
    crate::build::build_all(project)?
        .iter()
        .map(|d| serde_json::to_value(&d.model).context("serialising a built dashboard"))
        .collect()
}
