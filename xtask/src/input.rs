//! Dashboards as JSON values: built in memory from the `dashboards` crate, or read from a
//! directory of files made elsewhere.

use std::fs;
use std::path::{Path, PathBuf};

use anyhow::{bail, Context, Result};
use serde_json::Value;

/// Every `.json` file below `dir` (sorted), parsed. A file that is not a dashboard
/// (no object, no `panels` or `uid`) is an error naming the file.
pub fn load_dir(dir: &Path) -> Result<Vec<(PathBuf, Value)>> {
    if !dir.is_dir() {
        bail!("--input {} is not a directory", dir.display());
    }
    let mut files = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for entry in fs::read_dir(&d).with_context(|| format!("reading {}", d.display()))? {
            let path = entry?.path();
            if path.is_dir() {
                stack.push(path);
            } else if path.extension().is_some_and(|e| e == "json") {
                files.push(path);
            }
        }
    }
    files.sort();
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

/// The dashboards of the `dashboards` crate, built and linted, as JSON values.
pub fn built() -> Result<Vec<Value>> {
    crate::build::build_all()?
        .iter()
        .map(|d| serde_json::to_value(&d.model).context("serialising a built dashboard"))
        .collect()
}
