//! The dashboards' command line: `build`, `validate`, `push` and `diff` over a list of
//! dashboards, and `alerts build` over their Prometheus rule groups, for any repository
//! that writes its dashboards with `dashboard-dsl`.
//!
//! A repository's `xtask` hands its dashboards to [`main`] (or embeds [`Command`] in a
//! command line of its own, as this workspace's `xtask` does) and gets every command:
//!
//! ```no_run
//! use dashboard_dsl::Dashboard;
//!
//! fn dashboards() -> Vec<Dashboard> {
//!     vec![Dashboard::new("my-service", "My service")]
//! }
//!
//! fn main() -> std::process::ExitCode {
//!     // `cargo xtask dashboards build|validate|push|diff ...`
//!     dashboard_cli::main(&dashboard_cli::Project::new(env!("CARGO_PKG_NAME"), dashboards))
//! }
//! ```
//!
//! `build` needs nothing but the DSL. `validate`, `push` and `diff` speak HTTP, which is
//! the `remote` feature (on by default). A project that turns it off for a fast first
//! build keeps every command: the remote ones re-run the same binary through cargo with
//! the feature on (see [`Project`]).

mod alerts;
mod build;
mod configmap;
#[cfg(feature = "remote")]
mod diff;
#[cfg(feature = "remote")]
mod input;
mod options;
#[cfg(feature = "remote")]
mod push;
#[cfg(not(feature = "remote"))]
mod reexec;
#[cfg(feature = "remote")]
mod validate;

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};
use dashboard_dsl::alert::RuleGroup;
use dashboard_dsl::Dashboard;

pub use alerts::{build_alerts, AlertsFormat, DEFAULT_GRAFANA_URL};
pub use build::Format;
pub use options::{
    ApiArg, ConnectionArgs, DiffArgs, DiffFormat, PushArgs, Schema, SchemaArgs, ValidateArgs,
    ValidateFormat,
};

/// What the commands work on: a repository's dashboards, its Prometheus rule groups if it
/// has any ([`Project::with_alerts`]), and the package that builds them.
///
/// ```
/// use dashboard_dsl::Dashboard;
///
/// let project = dashboard_cli::Project::new("xtask", || vec![Dashboard::new("a", "A")]);
/// assert_eq!(project.package, "xtask");
/// assert_eq!((project.dashboards)().len(), 1);
/// ```
#[derive(Clone, Copy)]
pub struct Project {
    /// The cargo package whose binary runs these commands (`env!("CARGO_PKG_NAME")`):
    /// `diff --base` builds that package at another revision, and, without the `remote`
    /// feature, the remote commands re-run it with the feature on.
    pub package: &'static str,
    /// Every dashboard of the repository, unbuilt: building runs layout and lint.
    pub dashboards: fn() -> Vec<Dashboard>,
    /// The repository's Prometheus rule groups, if it has any (`alerts build`); their
    /// `dashboard_url`s resolve against `dashboards`.
    pub alerts: Option<fn() -> Vec<RuleGroup>>,
}

impl Project {
    /// A project of `package` with these dashboards.
    ///
    /// ```
    /// let p = dashboard_cli::Project::new("xtask", Vec::new);
    /// assert!((p.dashboards)().is_empty());
    /// ```
    pub const fn new(package: &'static str, dashboards: fn() -> Vec<Dashboard>) -> Self {
        Project {
            package,
            dashboards,
            alerts: None,
        }
    }

    /// The same project with these rule groups, for `alerts build`.
    ///
    /// ```
    /// use dashboard_dsl::alert::RuleGroup;
    /// let p = dashboard_cli::Project::new("xtask", Vec::new).with_alerts(|| vec![RuleGroup::new("g")]);
    /// assert_eq!((p.alerts.unwrap())().len(), 1);
    /// ```
    pub const fn with_alerts(mut self, alerts: fn() -> Vec<RuleGroup>) -> Self {
        self.alerts = Some(alerts);
        self
    }
}

/// `alerts <command>`: what to do with the project's Prometheus rules.
///
/// ```
/// use clap::Parser;
///
/// #[derive(Parser)]
/// struct Cli {
///     #[command(subcommand)]
///     command: dashboard_cli::AlertsCommand,
/// }
/// let cli = Cli::try_parse_from(["x", "build", "--check", "--format", "prometheusrule"]).unwrap();
/// assert!(matches!(cli.command, dashboard_cli::AlertsCommand::Build { check: true, .. }));
/// ```
#[derive(Subcommand, Debug)]
pub enum AlertsCommand {
    /// Build and lint every rule group and write one file per group.
    ///
    /// Each alert's dashboard_url is resolved against the dashboards as built now. The
    /// output is byte-identical across runs; with --check nothing is written and the
    /// command fails listing the files that differ. With --format prometheusrule it
    /// writes Prometheus Operator PrometheusRule objects instead of rule files.
    Build {
        /// Output directory [default: dist/alerts, or dist/prometheusrules with
        /// --format prometheusrule].
        #[arg(long)]
        out: Option<PathBuf>,
        /// Write nothing; fail if any file in --out is missing, different or stale.
        #[arg(long)]
        check: bool,
        /// What to write: Prometheus rule files, or PrometheusRule objects.
        #[arg(long, value_enum, default_value_t = AlertsFormat::Rules)]
        format: AlertsFormat,
        /// Grafana's root URL, the base of every dashboard_url annotation.
        #[arg(long, value_name = "URL", default_value = DEFAULT_GRAFANA_URL)]
        grafana_url: String,
    },
}

/// Runs one `alerts` command; an error is printed as `error: ...`.
///
/// ```
/// use dashboard_dsl::alert::{AlertRule, RuleGroup, Severity};
/// let project = dashboard_cli::Project::new("xtask", Vec::new).with_alerts(|| {
///     vec![RuleGroup::new("g").alert(
///         AlertRule::new("Down", Severity::Critical, dashboard_dsl::promql!("up == 0")).summary("down"),
///     )]
/// });
/// let out = std::env::temp_dir().join(format!("dashboard-cli-alerts-doc-{}", std::process::id()));
/// let code = dashboard_cli::run_alerts(&project, dashboard_cli::AlertsCommand::Build {
///     out: Some(out.clone()),
///     check: false,
///     format: dashboard_cli::AlertsFormat::Rules,
///     grafana_url: dashboard_cli::DEFAULT_GRAFANA_URL.into(),
/// });
/// assert_eq!(code, std::process::ExitCode::SUCCESS);
/// assert!(out.join("g.yml").is_file());
/// # std::fs::remove_dir_all(out).unwrap();
/// ```
pub fn run_alerts(project: &Project, command: AlertsCommand) -> ExitCode {
    let result = match command {
        AlertsCommand::Build {
            out,
            check,
            format,
            grafana_url,
        } => alerts::run(project, out.as_deref(), check, format, &grafana_url),
    };
    result.unwrap_or_else(|e| {
        eprintln!("error: {e:#}");
        ExitCode::FAILURE
    })
}

/// `dashboards <command>`: what to do with the project's dashboards.
///
/// ```
/// use clap::Parser;
///
/// #[derive(Parser)]
/// struct Cli {
///     #[command(subcommand)]
///     command: dashboard_cli::Command,
/// }
/// let cli = Cli::try_parse_from(["x", "build", "--check"]).unwrap();
/// assert!(matches!(cli.command, dashboard_cli::Command::Build { check: true, .. }));
/// ```
#[derive(Subcommand, Debug)]
pub enum Command {
    /// Build and lint every dashboard and write one `<folder>/<uid>.json` per dashboard.
    ///
    /// The output is byte-identical across runs and machines, so it can be committed and
    /// reviewed. With --check nothing is written: the command fails and lists the files
    /// that differ, for CI. With --format configmap it writes one Kubernetes ConfigMap per
    /// dashboard instead, for the Grafana Helm chart's dashboard sidecar, and fails
    /// (writing nothing) if one would exceed Kubernetes' 1 MiB limit. With --schema v2 it
    /// writes each dashboard as a dashboard.grafana.app resource instead (v2 for Grafana 13,
    /// v2beta1 with --grafana-version 12), to dist/dashboards-v2 (or -v2beta1).
    Build {
        /// Output directory [default: dist/dashboards, dist/configmaps with --format
        /// configmap, dist/dashboards-v2 or dist/dashboards-v2beta1 with --schema v2].
        #[arg(long)]
        out: Option<PathBuf>,
        /// Write nothing; fail if any file in --out is missing, different or stale.
        #[arg(long)]
        check: bool,
        /// What to write: dashboard JSON for Grafana file provisioning, or ConfigMaps.
        #[arg(long, value_enum, default_value_t = Format::Json)]
        format: Format,
        #[command(flatten)]
        schema: SchemaArgs,
    },
    /// Check every query against a live Prometheus, expanding Grafana's variables.
    ///
    /// Reports Prometheus parse errors, metrics that do not exist, queries with no
    /// series, legend/grouping/data-link labels the result lacks and variable queries
    /// with no values. Exits 0 only when everything passes.
    Validate(ValidateArgs),
    /// Push the dashboards to Grafana through its HTTP API, safely.
    ///
    /// Health and credentials are checked first. Folders are created when missing. A
    /// dashboard whose content is unchanged is not written (no new version); one edited
    /// in Grafana since the last push is refused with a diff of the edit (--force
    /// overwrites); an edit landing between read and write is refused by Grafana.
    /// Credentials: GRAFANA_TOKEN or --token-file, or GRAFANA_USER and GRAFANA_PASSWORD.
    /// Exits 1 if any dashboard conflicted or failed; the summary lists which.
    Push(PushArgs),
    /// Diff the dashboards as built now against Grafana, a git revision or a directory.
    ///
    /// Per dashboard and per panel: added, removed and moved panels, titles, queries
    /// (the whole PromQL before and after), units, thresholds, variables and links.
    /// Exit status, like `git diff --exit-code`: 0 no differences, 1 differences,
    /// 2 error.
    Diff(DiffArgs),
}

/// Runs one command on the project's dashboards; an error is printed as `error: ...`.
///
/// ```
/// use dashboard_dsl::Dashboard;
///
/// let project = dashboard_cli::Project::new("xtask", || vec![Dashboard::new("a", "A")]);
/// let out = std::env::temp_dir().join(format!("dashboard-cli-doc-{}", std::process::id()));
/// let code = dashboard_cli::run(&project, dashboard_cli::Command::Build {
///     out: Some(out.clone()),
///     check: false,
///     format: dashboard_cli::Format::Json,
///     schema: dashboard_cli::SchemaArgs::default(),
/// });
/// assert_eq!(code, std::process::ExitCode::SUCCESS);
/// assert!(out.join("a.json").is_file());
/// # std::fs::remove_dir_all(out).unwrap();
/// ```
pub fn run(project: &Project, command: Command) -> ExitCode {
    let result = match command {
        Command::Build {
            out,
            check,
            format,
            schema,
        } => match schema.target() {
            Ok(target) => build::run_as(project, out.as_deref(), check, format, target.as_ref()),
            Err(e) => Err(anyhow::anyhow!(e)),
        },
        #[cfg(feature = "remote")]
        Command::Validate(args) => validate::run(project, &args),
        #[cfg(feature = "remote")]
        Command::Push(args) => push::run(project, &args),
        #[cfg(feature = "remote")]
        Command::Diff(args) => diff::run(project, &args),
        #[cfg(not(feature = "remote"))]
        Command::Validate(_) | Command::Push(_) | Command::Diff(_) => reexec::run(project),
    };
    match result {
        Ok(code) => code,
        Err(e) => {
            eprintln!("error: {e:#}");
            ExitCode::FAILURE
        }
    }
}

#[derive(Parser)]
#[command(
    name = "cargo xtask",
    about = "Build, check, push and diff the dashboards",
    version
)]
struct Cli {
    #[command(subcommand)]
    top: Top,
}

#[derive(Subcommand)]
enum Top {
    /// Work with the dashboards of this repository.
    Dashboards {
        #[command(subcommand)]
        command: Command,
    },
    /// Work with the Prometheus rules of this repository.
    Alerts {
        #[command(subcommand)]
        command: AlertsCommand,
    },
}

/// The whole command line of a repository whose `xtask` only has the dashboards (and
/// their alerts): `cargo xtask dashboards <command>`, `cargo xtask alerts build`.
///
/// ```no_run
/// fn main() -> std::process::ExitCode {
///     dashboard_cli::main(&dashboard_cli::Project::new(env!("CARGO_PKG_NAME"), Vec::new))
/// }
/// ```
pub fn main(project: &Project) -> ExitCode {
    match Cli::parse().top {
        Top::Dashboards { command } => run(project, command),
        Top::Alerts { command } => run_alerts(project, command),
    }
}

/// The built dashboards of the project, linted together; fails with every problem.
///
/// ```
/// use dashboard_dsl::Dashboard;
///
/// let project = dashboard_cli::Project::new("xtask", || vec![Dashboard::new("a", "A")]);
/// assert_eq!(dashboard_cli::build_all(&project).unwrap()[0].model.uid, "a");
/// let twice = dashboard_cli::Project::new("xtask", || {
///     vec![Dashboard::new("a", "A"), Dashboard::new("a", "B")]
/// });
/// assert!(dashboard_cli::build_all(&twice).unwrap_err().to_string().contains("duplicate"));
/// ```
pub fn build_all(project: &Project) -> anyhow::Result<Vec<dashboard_dsl::BuiltDashboard>> {
    build::build_all(project)
}

#[cfg(test)]
pub(crate) mod testing {
    /// This workspace's Spark dashboards, as `xtask` registers them.
    pub fn spark() -> crate::Project {
        crate::Project::new("xtask", dashboards::all)
    }
}
