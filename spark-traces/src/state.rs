//! The state file: how far each event log was exported, so a restart neither loses nor
//! repeats spans.
//!
//! Once the receiver accepted a batch, the position of the last line whose spans were in it
//! is saved with the conversion state at that line (open jobs, stages and their task
//! durations): at most once a second, when a log is finished, and on exit. A restart
//! restores both and reads on from there. Spans are made only once their end event was
//! read, and ids are deterministic, so what a crash sends again (at most the last second's
//! batches) has the same ids, which Tempo combines into one when it assembles a trace.

use std::collections::BTreeMap;
use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::source::Cursor;

/// The version of the file's format.
pub const VERSION: u32 = 1;

/// Progress on one event log.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct SourceState {
    /// The application id (for people reading the file).
    pub app_id: String,
    /// Where the exported part ends.
    pub cursor: Cursor,
    /// The log is complete and every span of it was exported.
    pub finished: bool,
    /// Spans exported from it so far.
    pub spans_exported: u64,
    /// The conversion state at the cursor ([`crate::convert::Converter::snapshot`]).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub converter: Option<serde_json::Value>,
}

/// The whole file: progress per event log, by the log's path (without `.inprogress`).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct State {
    /// [`VERSION`].
    pub version: u32,
    /// Progress per log.
    pub sources: BTreeMap<String, SourceState>,
}

impl State {
    /// Loads `path`; a missing file is an empty state.
    ///
    /// ```
    /// let dir = tempfile::tempdir().unwrap();
    /// let path = dir.path().join("state.json");
    /// let mut s = spark_traces::state::State::load(&path).unwrap();
    /// assert!(s.sources.is_empty());
    /// s.sources.insert("/logs/app-1".into(), Default::default());
    /// s.save(&path).unwrap();
    /// assert_eq!(spark_traces::state::State::load(&path).unwrap(), s);
    /// ```
    pub fn load(path: &Path) -> Result<State, String> {
        let text = match fs::read_to_string(path) {
            Ok(t) => t,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                return Ok(State {
                    version: VERSION,
                    ..State::default()
                })
            }
            Err(e) => {
                return Err(format!(
                    "cannot read the state file {}: {e}",
                    path.display()
                ))
            }
        };
        let state: State = serde_json::from_str(&text).map_err(|e| {
            format!(
                "the state file {} is damaged ({e}); move it away to start over (every span is then exported again, with the same ids)",
                path.display()
            )
        })?;
        if state.version != VERSION {
            return Err(format!(
                "the state file {} has format version {}, this spark-traces writes {VERSION}; move it away to start over",
                path.display(),
                state.version
            ));
        }
        Ok(state)
    }

    /// Writes the state to `path` atomically (a temporary file renamed over it).
    pub fn save(&self, path: &Path) -> Result<(), String> {
        let mut tmp = PathBuf::from(path);
        let name = format!(
            ".{}.tmp",
            path.file_name()
                .map(|n| n.to_string_lossy())
                .unwrap_or_default()
        );
        tmp.set_file_name(name);
        let write = || -> std::io::Result<()> {
            if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
                fs::create_dir_all(dir)?;
            }
            let mut f = fs::File::create(&tmp)?;
            let mut state = self.clone();
            state.version = VERSION;
            serde_json::to_writer(&mut f, &state)?;
            f.write_all(b"\n")?;
            f.sync_all()?;
            fs::rename(&tmp, path)
        };
        write().map_err(|e| format!("cannot write the state file {}: {e}", path.display()))
    }
}
