//! The dashboards to push or diff, from the build in memory or from a directory of JSON.

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};

use dashboard_model::{DashboardModel, Folder};
use serde_json::Value;

use crate::diff::DiffDoc;

/// A Grafana folder by uid, with what it takes to create it.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct FolderSpec {
    /// Its uid.
    pub uid: String,
    /// Its title.
    pub title: String,
    /// Its parent folder's uid, for nested folders.
    pub parent_uid: Option<String>,
}

impl From<&Folder> for FolderSpec {
    fn from(f: &Folder) -> Self {
        FolderSpec {
            uid: f.uid.clone(),
            title: f.title.clone(),
            parent_uid: f.parent_uid.clone(),
        }
    }
}

/// One dashboard to push.
#[derive(Debug, Clone, PartialEq)]
pub struct LocalDashboard {
    /// Its uid.
    pub uid: String,
    /// Its title.
    pub title: String,
    /// Its folder, `None` for the root.
    pub folder: Option<FolderSpec>,
    /// The dashboard JSON.
    pub json: Value,
    /// Where it came from, for messages: `built` or a file path.
    pub source: String,
}

/// Why local dashboards could not be loaded.
#[derive(Debug, thiserror::Error)]
pub enum LoadError {
    /// A file or directory could not be read.
    #[error("cannot read {path}: {source}")]
    Io {
        /// The path.
        path: PathBuf,
        /// The cause.
        source: std::io::Error,
    },
    /// A file is not JSON.
    #[error("{path} is not valid JSON: {source}")]
    Json {
        /// The path.
        path: PathBuf,
        /// The cause.
        source: serde_json::Error,
    },
    /// A file is JSON but not a dashboard.
    #[error("{source_name} is not a dashboard: {problem}")]
    NotADashboard {
        /// The file or `built`.
        source_name: String,
        /// What is missing.
        problem: String,
    },
    /// Two files define the same uid.
    #[error("uid {uid:?} is defined twice, in {first} and {second}; uids must be unique")]
    DuplicateUid {
        /// The uid.
        uid: String,
        /// One file.
        first: String,
        /// The other.
        second: String,
    },
}

impl LocalDashboard {
    /// From a dashboard model (what `dashboard-dsl` builds, or JSON read into the model)
    /// and the folder it goes in, `None` for the root.
    ///
    /// ```
    /// use dashboard_model::{DashboardModel, Folder};
    /// let model = DashboardModel { uid: "demo".into(), title: "Demo".into(), ..DashboardModel::default() };
    /// let d = dashboard_sync::LocalDashboard::from_model(&model, Some(&Folder::new("spark", "Spark")));
    /// assert_eq!((d.uid.as_str(), d.folder.unwrap().uid.as_str()), ("demo", "spark"));
    /// assert_eq!(d.json["title"], "Demo");
    /// ```
    pub fn from_model(model: &DashboardModel, folder: Option<&Folder>) -> Self {
        // Cannot fail: every map in the model has string keys, and a non-finite number
        // becomes `null` in a Value rather than an error.
        let json = serde_json::to_value(model).expect("the model serialises to JSON");
        LocalDashboard {
            uid: model.uid.clone(),
            title: model.title.clone(),
            folder: folder.map(FolderSpec::from),
            json,
            source: "built".into(),
        }
    }

    /// From dashboard JSON: it must be an object with a non-empty `uid` and `title`.
    pub fn from_json(
        json: Value,
        folder: Option<FolderSpec>,
        source: &str,
    ) -> Result<Self, LoadError> {
        let field = |k: &str| {
            json.get(k)
                .and_then(Value::as_str)
                .filter(|s| !s.trim().is_empty())
                .map(str::to_string)
                .ok_or_else(|| LoadError::NotADashboard {
                    source_name: source.to_string(),
                    problem: format!("no \"{k}\" string"),
                })
        };
        let uid = field("uid")?;
        let title = field("title")?;
        Ok(LocalDashboard {
            uid,
            title,
            folder,
            json,
            source: source.to_string(),
        })
    }

    /// For the diff: uid, folder title and JSON.
    pub fn to_diff_doc(&self) -> DiffDoc {
        DiffDoc {
            uid: self.uid.clone(),
            folder: self.folder.as_ref().map(|f| f.title.clone()),
            json: self.json.clone(),
        }
    }
}

/// The dashboards in `files` (paths relative to `dir`, as `cargo xtask dashboards build`
/// writes them: `<folder title>/<uid>.json`, or `<uid>.json` at the top for the root
/// folder). A folder's uid is [`folder_uid_for_title`] of its directory name. The caller
/// lists the files (dashboard-cli walks directories in one place, for this and for the
/// stale-file check of `build`).
///
/// ```
/// let dir = std::env::temp_dir().join(format!("load-files-doc-{}", std::process::id()));
/// std::fs::create_dir_all(dir.join("Spark")).unwrap();
/// std::fs::write(dir.join("Spark/a.json"), r#"{"uid": "a", "title": "A"}"#).unwrap();
/// let d = dashboard_sync::local::load_files(&dir, &["Spark/a.json".into()]).unwrap();
/// assert_eq!(d[0].folder.as_ref().unwrap().uid, "spark");
/// let err = dashboard_sync::local::load_files(&dir, &["missing.json".into()]).unwrap_err();
/// assert!(err.to_string().starts_with("cannot read"), "{err}");
/// std::fs::remove_dir_all(&dir).unwrap();
/// ```
pub fn load_files(dir: &Path, files: &[PathBuf]) -> Result<Vec<LocalDashboard>, LoadError> {
    let io = |path: &Path| {
        let path = path.to_path_buf();
        move |source| LoadError::Io { path, source }
    };
    let files: Vec<PathBuf> = files.iter().map(|rel| dir.join(rel)).collect();
    let mut out: Vec<LocalDashboard> = Vec::new();
    let mut seen: BTreeMap<String, String> = BTreeMap::new();
    for path in files {
        let text = fs::read_to_string(&path).map_err(io(&path))?;
        let json: Value = serde_json::from_str(&text).map_err(|source| LoadError::Json {
            path: path.clone(),
            source,
        })?;
        let rel = path.strip_prefix(dir).unwrap_or(&path);
        // The first directory level is the folder title; deeper levels are not folders.
        let folder = match rel.components().count() {
            0 | 1 => None,
            _ => rel
                .components()
                .next()
                .and_then(|c| c.as_os_str().to_str())
                .map(|title| FolderSpec {
                    uid: folder_uid_for_title(title),
                    title: title.to_string(),
                    parent_uid: None,
                }),
        };
        let d = LocalDashboard::from_json(json, folder, &path.display().to_string())?;
        if let Some(first) = seen.insert(d.uid.clone(), d.source.clone()) {
            return Err(LoadError::DuplicateUid {
                uid: d.uid,
                first,
                second: d.source,
            });
        }
        out.push(d);
    }
    Ok(out)
}

/// A folder uid from a directory name: lowercase ASCII letters and digits, `-` for
/// anything else, at most 40 characters. `Spark` gives `spark`, the uid the project's
/// own folder has, so `--input dist/dashboards` and the in-memory build agree.
///
/// ```
/// use dashboard_sync::local::folder_uid_for_title;
/// assert_eq!(folder_uid_for_title("Spark"), "spark");
/// assert_eq!(folder_uid_for_title("Spark / JVM (prod)"), "spark-jvm-prod");
/// ```
pub fn folder_uid_for_title(title: &str) -> String {
    let mut out = String::new();
    for ch in title.chars() {
        if ch.is_ascii_alphanumeric() {
            out.push(ch.to_ascii_lowercase());
        } else if !out.ends_with('-') && !out.is_empty() {
            out.push('-');
        }
    }
    while out.ends_with('-') {
        out.pop();
    }
    out.truncate(40);
    while out.ends_with('-') {
        out.pop();
    }
    if out.is_empty() {
        "folder".into()
    } else {
        out
    }
}

/// Grafana's uid rule: 1 to 40 characters of `[a-zA-Z0-9_-]`.
///
/// ```
/// use dashboard_sync::local::validate_uid;
/// assert!(validate_uid("spark-overview").is_ok());
/// assert!(validate_uid(&"x".repeat(41)).unwrap_err().contains("40"));
/// assert!(validate_uid("a/b").is_err());
/// ```
pub fn validate_uid(uid: &str) -> Result<(), String> {
    if uid.is_empty() {
        return Err("the uid is empty".into());
    }
    if uid.chars().count() > 40 {
        return Err(format!(
            "uid {uid:?} is {} characters long; Grafana allows at most 40",
            uid.chars().count()
        ));
    }
    if let Some(bad) = uid
        .chars()
        .find(|c| !(c.is_ascii_alphanumeric() || *c == '-' || *c == '_'))
    {
        return Err(format!(
            "uid {uid:?} contains {bad:?}; Grafana allows only letters, digits, '-' and '_'"
        ));
    }
    Ok(())
}
