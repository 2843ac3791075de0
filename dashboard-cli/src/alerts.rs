//! `cargo xtask alerts build`: the project's rule groups, linted, their dashboard links
//! resolved against the dashboards as built now, written one file per group.
//!
//! - `--format rules` (the default): `<group>.yml`, a Prometheus rule file of one group,
//!   for `rule_files:` and `promtool`.
//! - `--format prometheusrule`: `<group>.yaml`, a Prometheus Operator `PrometheusRule`
//!   (`monitoring.coreos.com/v1`) named after the group.
//!
//! Like `dashboards build`, the output is byte-identical across runs and `--check` writes
//! nothing and fails on a changed, missing or stale file. No HTTP: this needs only the DSL.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::{bail, Result};
use dashboard_dsl::alert::{build_groups, RuleContext};
use dashboard_dsl::rules::{PrometheusRule, RuleFile, RuleGroup};

use crate::build::{build_all, check_files, existing_files, warn_stale, write_if_changed};
use crate::{configmap, Project};

/// What `alerts build` writes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, clap::ValueEnum)]
pub enum AlertsFormat {
    /// `<group>.yml`: a Prometheus rule file per group (`rule_files:`).
    #[default]
    Rules,
    /// `<group>.yaml`: a Prometheus Operator `PrometheusRule` per group.
    Prometheusrule,
}

impl AlertsFormat {
    /// The output directory when `--out` is not given.
    ///
    /// ```
    /// use dashboard_cli::AlertsFormat;
    /// assert_eq!(AlertsFormat::Rules.default_out(), std::path::Path::new("dist/alerts"));
    /// ```
    pub fn default_out(self) -> &'static Path {
        match self {
            AlertsFormat::Rules => Path::new("dist/alerts"),
            AlertsFormat::Prometheusrule => Path::new("dist/prometheusrules"),
        }
    }

    fn extension(self) -> &'static str {
        match self {
            AlertsFormat::Rules => "yml",
            AlertsFormat::Prometheusrule => "yaml",
        }
    }
}

/// Grafana's root URL in `dashboard_url` when `--grafana-url` is not given: the
/// contract's Grafana (provisioning/), as a developer runs it.
pub const DEFAULT_GRAFANA_URL: &str = "http://localhost:3000";

/// The groups of the project, built and linted, links resolved.
///
/// ```
/// use dashboard_dsl::alert::{AlertRule, RuleGroup, Severity};
/// let project = dashboard_cli::Project::new("xtask", Vec::new).with_alerts(|| {
///     vec![RuleGroup::new("g").alert(
///         AlertRule::new("Down", Severity::Critical, dashboard_dsl::promql!("up == 0")).summary("down"),
///     )]
/// });
/// let groups = dashboard_cli::build_alerts(&project, "http://localhost:3000").unwrap();
/// assert_eq!(groups[0].rules[0].name(), "Down");
/// assert!(dashboard_cli::build_alerts(&dashboard_cli::Project::new("xtask", Vec::new), "x").is_err());
/// ```
pub fn build_alerts(project: &Project, grafana_url: &str) -> Result<Vec<RuleGroup>> {
    let Some(alerts) = project.alerts else {
        bail!(
            "the project has no alerts: register them with `Project::with_alerts(fn() -> Vec<RuleGroup>)`"
        );
    };
    let dashboards = build_all(project)?;
    let ctx = RuleContext::new(&dashboards, grafana_url);
    Ok(build_groups(alerts(), &ctx)?)
}

/// The files of `format`, by path below the output directory.
fn render(groups: Vec<RuleGroup>, format: AlertsFormat) -> Result<BTreeMap<PathBuf, String>> {
    let mut files = BTreeMap::new();
    let mut bad = Vec::new();
    for g in groups {
        let file = PathBuf::from(format!("{}.{}", g.name, format.extension()));
        let yaml = match format {
            AlertsFormat::Rules => RuleFile { groups: vec![g] }.to_yaml(),
            AlertsFormat::Prometheusrule => {
                if !is_dns_subdomain(&g.name) {
                    bad.push(format!(
                        "  group `{}` cannot name a PrometheusRule: Kubernetes names are lowercase letters, digits, `-` and `.` (at most 253); rename the group",
                        g.name
                    ));
                    continue;
                }
                let name = g.name.clone();
                let mut pr = PrometheusRule::new(&name, vec![g]);
                let (k, v) = configmap::PART_OF_LABEL;
                pr.metadata.labels.insert(k.into(), v.into());
                pr.to_yaml()
            }
        };
        files.insert(file, yaml);
    }
    if !bad.is_empty() {
        bail!(
            "cannot write PrometheusRules, nothing written:\n{}",
            bad.join("\n")
        );
    }
    Ok(files)
}

fn is_dns_subdomain(name: &str) -> bool {
    !name.is_empty()
        && name.len() <= 253
        && name
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-' || b == b'.')
        && name.starts_with(|c: char| c.is_ascii_alphanumeric())
        && name.ends_with(|c: char| c.is_ascii_alphanumeric())
}

/// `alerts build [--out DIR] [--check] [--format rules|prometheusrule] [--grafana-url URL]`.
pub fn run(
    project: &Project,
    out: Option<&Path>,
    check: bool,
    format: AlertsFormat,
    grafana_url: &str,
) -> Result<ExitCode> {
    let out = out.unwrap_or_else(|| format.default_out());
    if out.exists() && !out.is_dir() {
        bail!(
            "--out {} exists and is not a directory; pass a directory",
            out.display()
        );
    }
    let groups = build_alerts(project, grafana_url)?;
    let counts: BTreeMap<String, usize> = groups
        .iter()
        .map(|g| (g.name.clone(), g.rules.len()))
        .collect();
    let files = render(groups, format)?;
    let stale: Vec<PathBuf> = existing_files(out, format.extension())?
        .into_iter()
        .filter(|p| !files.contains_key(p))
        .collect();
    if check {
        let format_arg = match format {
            AlertsFormat::Rules => "",
            AlertsFormat::Prometheusrule => " --format prometheusrule",
        };
        let grafana_arg = if grafana_url == DEFAULT_GRAFANA_URL {
            String::new()
        } else {
            format!(" --grafana-url {grafana_url}")
        };
        return Ok(check_files(
            out,
            files.iter().map(|(p, y)| (p, y.as_str())),
            &stale,
            "rule groups",
            &format!(
                "cargo xtask alerts build{format_arg}{grafana_arg} --out {}",
                out.display()
            ),
        ));
    }
    for (rel, yaml) in &files {
        let path = out.join(rel);
        write_if_changed(&path, yaml)?;
        let group = rel.file_stem().and_then(|s| s.to_str()).unwrap_or_default();
        println!(
            "{group:<28} rules={:<3} {}",
            counts.get(group).copied().unwrap_or_default(),
            path.display()
        );
    }
    warn_stale(out, &stale, "rule group");
    Ok(ExitCode::SUCCESS)
}

#[cfg(test)]
mod tests {
    use super::*;
    use dashboard_dsl::alert::{AlertRule, RuleGroup as Group, Severity};
    use dashboard_dsl::{panel, promql, Dashboard};

    fn project() -> Project {
        Project::new("xtask", || {
            vec![Dashboard::new("d", "D").panel(panel::stat("failed", "Failed"))]
        })
        .with_alerts(|| {
            vec![Group::new("outcome").alert(
                AlertRule::new("Down", Severity::Critical, promql!("up == 0"))
                    .summary("down")
                    .dashboard_panel("failed"),
            )]
        })
    }

    fn tmp(name: &str) -> PathBuf {
        let dir = std::env::temp_dir().join(format!(
            "dashboard-cli-alerts-{name}-{}",
            std::process::id()
        ));
        let _ = std::fs::remove_dir_all(&dir);
        dir
    }

    #[test]
    fn build_writes_one_file_per_group_and_check_finds_stale_files() {
        let out = tmp("check");
        let p = project();
        let url = DEFAULT_GRAFANA_URL;
        // Nothing there yet: --check fails (missing), writes nothing.
        assert_eq!(
            run(&p, Some(&out), true, AlertsFormat::Rules, url).unwrap(),
            ExitCode::FAILURE
        );
        assert!(!out.exists());
        assert_eq!(
            run(&p, Some(&out), false, AlertsFormat::Rules, url).unwrap(),
            ExitCode::SUCCESS
        );
        let written = std::fs::read_to_string(out.join("outcome.yml")).unwrap();
        assert!(
            written.contains("dashboard_url: http://localhost:3000/d/d?viewPanel="),
            "{written}"
        );
        assert_eq!(
            run(&p, Some(&out), true, AlertsFormat::Rules, url).unwrap(),
            ExitCode::SUCCESS
        );
        // A changed file, a stale file, or another Grafana URL: out of date.
        std::fs::write(out.join("outcome.yml"), "groups: []\n").unwrap();
        assert_eq!(
            run(&p, Some(&out), true, AlertsFormat::Rules, url).unwrap(),
            ExitCode::FAILURE
        );
        run(&p, Some(&out), false, AlertsFormat::Rules, url).unwrap();
        std::fs::write(out.join("renamed.yml"), "groups: []\n").unwrap();
        assert_eq!(
            run(&p, Some(&out), true, AlertsFormat::Rules, url).unwrap(),
            ExitCode::FAILURE
        );
        std::fs::remove_file(out.join("renamed.yml")).unwrap();
        assert_eq!(
            run(
                &p,
                Some(&out),
                true,
                AlertsFormat::Rules,
                "https://grafana.example.com"
            )
            .unwrap(),
            ExitCode::FAILURE
        );
        std::fs::remove_dir_all(&out).unwrap();
    }

    #[test]
    fn prometheusrule_objects_are_named_after_their_group() {
        let out = tmp("pr");
        run(
            &project(),
            Some(&out),
            false,
            AlertsFormat::Prometheusrule,
            DEFAULT_GRAFANA_URL,
        )
        .unwrap();
        let yaml = std::fs::read_to_string(out.join("outcome.yaml")).unwrap();
        let pr: PrometheusRule = serde_yaml_ng::from_str(&yaml).unwrap();
        assert_eq!(pr.metadata.name, "outcome");
        assert_eq!(pr.spec.groups[0].name, "outcome");
        std::fs::remove_dir_all(&out).unwrap();
        let bad = Project::new("xtask", Vec::new).with_alerts(|| vec![Group::new("Spark_Outcome")]);
        let err = run(
            &bad,
            Some(&out),
            false,
            AlertsFormat::Prometheusrule,
            DEFAULT_GRAFANA_URL,
        )
        .unwrap_err();
        assert!(
            err.to_string()
                .contains("group `Spark_Outcome` cannot name a PrometheusRule"),
            "{err}"
        );
        assert!(!out.exists(), "nothing written");
    }

    #[test]
    fn bad_output_directories_and_projects_fail_with_the_reason() {
        let dir = tmp("unwritable");
        std::fs::create_dir_all(&dir).unwrap();
        let file = dir.join("a-file");
        std::fs::write(&file, "").unwrap();
        let err = run(
            &project(),
            Some(&file),
            false,
            AlertsFormat::Rules,
            DEFAULT_GRAFANA_URL,
        )
        .unwrap_err();
        assert!(err.to_string().contains("is not a directory"), "{err}");
        // Below a file: the directory cannot be created (whoever runs the test, root too).
        let below = file.join("alerts");
        let err = run(
            &project(),
            Some(&below),
            false,
            AlertsFormat::Rules,
            DEFAULT_GRAFANA_URL,
        )
        .unwrap_err();
        assert!(format!("{err:#}").contains("creating"), "{err:#}");
        std::fs::remove_dir_all(&dir).unwrap();

        let none = Project::new("xtask", Vec::new);
        let err = run(
            &none,
            Some(&dir),
            false,
            AlertsFormat::Rules,
            DEFAULT_GRAFANA_URL,
        )
        .unwrap_err();
        assert!(err.to_string().contains("has no alerts"), "{err}");
        let dangling = Project::new("xtask", Vec::new).with_alerts(|| {
            vec![Group::new("g").alert(
                AlertRule::new("A", Severity::Info, promql!("up"))
                    .summary("s")
                    .dashboard_panel("gone"),
            )]
        });
        let err = run(
            &dangling,
            Some(&dir),
            false,
            AlertsFormat::Rules,
            DEFAULT_GRAFANA_URL,
        )
        .unwrap_err();
        assert!(
            err.to_string().contains("[rule-unknown-panel] group `g`, rule `A`: `dashboard_url`: no built dashboard has a panel with key `gone`"),
            "{err}"
        );
        assert!(!dir.exists(), "nothing written");
    }
}
