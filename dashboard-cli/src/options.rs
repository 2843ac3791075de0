//! The arguments of every command, apart from the commands themselves: parsing them
//! needs only clap, so a build without the `remote` feature still knows every command.

use std::path::PathBuf;

/// Output format of the report.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum ValidateFormat {
    /// One table per dashboard.
    Table,
    /// Machine-readable, for CI.
    Json,
}

/// `cargo xtask dashboards validate`.
#[derive(clap::Args, Debug)]
pub struct ValidateArgs {
    /// Base URL of the Prometheus to check against.
    #[arg(long)]
    pub prometheus_url: String,
    /// Check the dashboard JSON files in this directory instead of building them.
    #[arg(long)]
    pub input: Option<PathBuf>,
    /// Report format.
    #[arg(long, value_enum, default_value = "table")]
    pub format: ValidateFormat,
    /// Queries that return no series are warnings, not failures.
    #[arg(long)]
    pub allow_empty: bool,
    /// How far back range queries look, in seconds.
    #[arg(long, default_value_t = 3600, value_name = "SECONDS")]
    pub window: u64,
    /// Prometheus' scrape interval in seconds (sets $__rate_interval).
    #[arg(long, default_value_t = 15, value_name = "SECONDS")]
    pub scrape_interval: u64,
    /// Per-request timeout in seconds.
    #[arg(long, default_value_t = 10, value_name = "SECONDS")]
    pub timeout: u64,
    /// Requests to Prometheus in flight at once.
    #[arg(long, default_value_t = 8)]
    pub concurrency: usize,
    /// Check the rule files (`*.yml`, as `alerts build` writes them) in this directory
    /// instead of the project's rule groups.
    #[arg(long, value_name = "DIR", conflicts_with = "no_rules")]
    pub rules: Option<PathBuf>,
    /// Check the dashboards only, not the rules' selectors.
    #[arg(long)]
    pub no_rules: bool,
    /// Leave this rule group out (repeatable), such as `spark-kubernetes` where no
    /// kube-state-metrics runs.
    #[arg(long, value_name = "GROUP")]
    pub skip_rule_group: Vec<String>,
}

/// How to reach and authenticate to Grafana; shared by `push` and `diff --grafana-url`.
///
/// Credentials come from the environment or a file, never from a flag: flags end up in
/// shell history and in `ps` output.
#[derive(clap::Args, Debug, Clone)]
pub struct ConnectionArgs {
    /// Read the service-account token from this file instead of GRAFANA_TOKEN.
    ///
    /// Without either, GRAFANA_USER and GRAFANA_PASSWORD give basic auth.
    #[arg(long, value_name = "FILE")]
    pub token_file: Option<PathBuf>,
    /// The organisation to work in, sent as X-Grafana-Org-Id.
    #[arg(long, value_name = "N")]
    pub org_id: Option<u64>,
    /// Seconds one request may take before it is abandoned (and retried).
    #[arg(long, value_name = "SECS", default_value_t = 30)]
    pub timeout: u64,
    /// Do not verify Grafana's TLS certificate. Only for a test server with a
    /// self-signed certificate: anyone on the path could read the token.
    #[arg(long)]
    pub insecure_skip_verify: bool,
    /// Log every request and retry to stderr (credentials are never logged).
    #[arg(long, short)]
    pub verbose: bool,
}

/// `cargo xtask dashboards push`.
#[derive(clap::Args, Debug)]
pub struct PushArgs {
    /// Grafana's root URL, such as http://localhost:3000.
    #[arg(long, value_name = "URL")]
    pub grafana_url: String,
    /// Push the JSON files below DIR (`<folder title>/<uid>.json`, as `build` writes)
    /// instead of building the dashboards in memory.
    #[arg(long, value_name = "DIR")]
    pub input: Option<PathBuf>,
    /// Put every dashboard in this folder (by uid, it must exist) instead of its own.
    #[arg(long, value_name = "UID")]
    pub folder: Option<String>,
    /// Print the plan (create, update, unchanged or conflict for each dashboard) and
    /// write nothing.
    #[arg(long)]
    pub dry_run: bool,
    /// Overwrite dashboards that were edited in Grafana since the last push.
    #[arg(long)]
    pub force: bool,
    /// The version message shown in Grafana's version history.
    #[arg(long, value_name = "TEXT")]
    pub message: Option<String>,
    /// Dashboards in flight at once.
    #[arg(long, value_name = "N", default_value_t = 4)]
    pub concurrency: usize,
    /// Which Grafana API to write through: `apis` is `dashboard.grafana.app` (Grafana
    /// 12 and 13), `legacy` is `/api/dashboards` (all versions), `auto` the first when
    /// the server serves it.
    #[arg(long, value_enum, default_value_t = ApiArg::Auto)]
    pub api: ApiArg,
    /// On `dashboard.grafana.app`: mark the dashboards as not editable in Grafana's UI
    /// (no `grafana.app/managerAllowsEdits`).
    #[arg(long)]
    pub lock: bool,
    /// The `dashboard.grafana.app` namespace, when the org's (`default` for org 1,
    /// `org-<id>` for `--org-id`) is not it: on Grafana Cloud, `stacks-<stack id>`.
    #[arg(long, value_name = "NS")]
    pub namespace: Option<String>,
    #[command(flatten)]
    pub conn: ConnectionArgs,
}

/// `push --api`.
#[derive(clap::ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
pub enum ApiArg {
    /// `dashboard.grafana.app` when served, else the legacy API.
    Auto,
    /// `dashboard.grafana.app`; an error on Grafana 11 and older.
    Apis,
    /// `/api/dashboards`.
    Legacy,
}

/// Output format of `diff`.
#[derive(clap::ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
pub enum DiffFormat {
    /// Coloured when stdout is a terminal and NO_COLOR is unset.
    Terminal,
    /// GitHub-flavoured markdown, for a pull-request comment.
    Markdown,
}

/// `cargo xtask dashboards diff`.
#[derive(clap::Args, Debug)]
#[command(group(
    clap::ArgGroup::new("against_what")
        .required(true)
        .args(["grafana_url", "base", "against"])
))]
pub struct DiffArgs {
    /// Compare with what is live in this Grafana (the dashboards built here, by uid).
    #[arg(long, value_name = "URL")]
    pub grafana_url: Option<String>,
    /// Compare with the dashboards as built at this git revision (branch, tag or commit).
    #[arg(long, value_name = "GIT_REF")]
    pub base: Option<String>,
    /// Compare with a directory of dashboard JSON, laid out as `build` writes it.
    #[arg(long, value_name = "DIR")]
    pub against: Option<PathBuf>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = DiffFormat::Terminal)]
    pub format: DiffFormat,
    #[command(flatten)]
    pub conn: ConnectionArgs,
}

/// Which dashboard schema `dashboards build` writes.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, clap::ValueEnum)]
pub enum Schema {
    /// The classic dashboard JSON (schemaVersion 41), what Grafana 10 to 13 read through
    /// file provisioning and `/api/dashboards`.
    #[default]
    V1,
    /// A `dashboard.grafana.app` resource: `v2` for Grafana 13, `v2beta1` for Grafana 12
    /// (`--grafana-version 12`).
    V2,
}

/// `--schema` and `--grafana-version` of `dashboards build`.
///
/// ```
/// use clap::Parser;
/// #[derive(Parser)]
/// struct Cli {
///     #[command(flatten)]
///     schema: dashboard_cli::SchemaArgs,
/// }
/// let cli = Cli::try_parse_from(["x", "--schema", "v2", "--grafana-version", "12"]).unwrap();
/// assert_eq!(cli.schema.target().unwrap().unwrap().grafana_version, "12.3.3");
/// assert!(Cli::try_parse_from(["x", "--schema", "v3"]).is_err());
/// ```
#[derive(clap::Args, Debug, Clone, Default, PartialEq, Eq)]
pub struct SchemaArgs {
    /// The schema to write: v1 (classic dashboard JSON) or v2 (a dashboard.grafana.app
    /// resource, for Grafana 12 and 13).
    #[arg(long, value_enum, default_value_t = Schema::V1)]
    pub schema: Schema,
    /// With --schema v2: the Grafana the resources are for. 13 (the default) writes
    /// dashboard.grafana.app/v2, 12 writes v2beta1; an exact release such as 12.4.1 also
    /// sets the panel plugin version (vizConfig.version) to it, so that Grafana runs no
    /// panel migration on load [default: 13, for 13.0.2; 12 is 12.3.3].
    #[arg(long, value_name = "VERSION", value_parser = parse_target)]
    pub grafana_version: Option<dashboard_dsl::v2::Target>,
}

impl SchemaArgs {
    /// The v2 target, `None` for schema v1; an error when `--grafana-version` is given
    /// without `--schema v2`, where it would mean nothing.
    pub fn target(&self) -> Result<Option<dashboard_dsl::v2::Target>, String> {
        match (self.schema, &self.grafana_version) {
            (Schema::V1, None) => Ok(None),
            (Schema::V1, Some(_)) => Err(
                "--grafana-version picks the schema v2 flavour (v2beta1 for 12, v2 for 13) and \
                 means nothing for schema v1; add --schema v2, or drop --grafana-version"
                    .into(),
            ),
            (Schema::V2, t) => Ok(Some(
                t.clone()
                    .unwrap_or_else(dashboard_dsl::v2::Target::grafana_13),
            )),
        }
    }
}

fn parse_target(s: &str) -> Result<dashboard_dsl::v2::Target, String> {
    s.parse()
}
