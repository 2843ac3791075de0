//! The Spark alerting rules as `cargo xtask alerts build` writes them (`dashboards::alerts`,
//! through `dashboard_cli`), in a directory of their own: what a test's Prometheus loads, so
//! that it evaluates the same files a user deploys.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use dashboard_cli::{AlertsCommand, AlertsFormat, Project, DEFAULT_GRAFANA_URL};

use crate::harness::HarnessError;

/// The project as the repository's xtask registers it.
pub const PROJECT: Project =
    Project::new("xtask", dashboards::all).with_alerts(dashboards::alerts::all);

/// The rule files of every Spark group, deleted on drop.
pub struct SparkRules {
    dir: tempfile::TempDir,
    /// `<group>.yml`, sorted.
    pub files: Vec<PathBuf>,
}

impl SparkRules {
    /// Writes them with `cargo xtask alerts build --out <temporary directory>`'s code.
    ///
    /// ```
    /// let rules = integration_tests::rules::SparkRules::write().unwrap();
    /// assert!(rules.files.iter().any(|f| f.ends_with("spark-outcome.yml")));
    /// ```
    pub fn write() -> Result<Self, HarnessError> {
        let dir = tempfile::Builder::new()
            .prefix("spark-rules-")
            .tempdir()
            .map_err(|e| HarnessError::io("creating a directory for the rule files", e))?;
        let code = dashboard_cli::run_alerts(
            &PROJECT,
            AlertsCommand::Build {
                out: Some(dir.path().to_path_buf()),
                check: false,
                format: AlertsFormat::Rules,
                grafana_url: DEFAULT_GRAFANA_URL.into(),
            },
        );
        if code != ExitCode::SUCCESS {
            return Err(HarnessError::io(
                "writing the Spark rule files (`cargo xtask alerts build` failed; its errors are above)",
                std::io::Error::other(format!("exit {code:?}")),
            ));
        }
        let mut files: Vec<PathBuf> = std::fs::read_dir(dir.path())
            .map_err(|e| HarnessError::io(format!("listing {}", dir.path().display()), e))?
            .flatten()
            .map(|e| e.path())
            .filter(|p| p.extension().is_some_and(|e| e == "yml"))
            .collect();
        files.sort();
        Ok(SparkRules { dir, files })
    }

    /// Where the files are.
    pub fn dir(&self) -> &Path {
        self.dir.path()
    }
}
