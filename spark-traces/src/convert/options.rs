//! What the conversion is asked to do besides following the log: how spans are grouped
//! into traces, which task spans are kept, how long attribute strings may be.

use serde::{Deserialize, Serialize};

/// How spans are grouped into traces.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum TracePer {
    /// One trace per application: `spark.application` is the root of everything.
    #[default]
    Application,
    /// One trace per root SQL execution (and one per job run outside SQL); the application
    /// span is a trace of its own, and each trace's root links to it.
    Sql,
}

impl std::str::FromStr for TracePer {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        match s.trim().to_ascii_lowercase().as_str() {
            "application" | "app" => Ok(TracePer::Application),
            "sql" | "sql-execution" | "query" => Ok(TracePer::Sql),
            other => Err(format!(
                "unknown trace grouping `{other}`: use `application` (one trace per application) or `sql` (one trace per SQL execution)"
            )),
        }
    }
}

/// What the conversion does besides following the log.
#[derive(Debug, Clone, PartialEq)]
pub struct ConvertOptions {
    /// One trace per application or per SQL execution.
    pub trace_per: TracePer,
    /// The share of task spans exported, 0.0 to 1.0 (see [`crate::ids::sampled`]).
    pub task_sampling_ratio: f64,
    /// Export failed task attempts whatever the sampling ratio.
    pub keep_failed_tasks: bool,
    /// Longer strings (failure reasons, descriptions) are cut to this many bytes.
    pub max_attribute_length: usize,
}

impl Default for ConvertOptions {
    fn default() -> Self {
        ConvertOptions {
            trace_per: TracePer::Application,
            task_sampling_ratio: 1.0,
            keep_failed_tasks: true,
            max_attribute_length: 4096,
        }
    }
}
