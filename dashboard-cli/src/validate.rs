//! `cargo xtask dashboards validate`.

use std::process::ExitCode;
use std::time::Duration;

use anyhow::{bail, Result};
use dashboard_dsl::rules::RuleGroup;
use dashboard_validate::{validate, validate_rules, Options};

use crate::{Project, ValidateArgs, ValidateFormat};

pub fn run(project: &Project, args: &ValidateArgs) -> Result<ExitCode> {
    let dashboards = match &args.input {
        Some(dir) => crate::input::load_dir(dir)?
            .into_iter()
            .map(|(_, v)| v)
            .collect(),
        None => crate::input::built(project)?,
    };
    let opts = Options {
        window: Duration::from_secs(args.window.max(1)),
        scrape_interval: Duration::from_secs(args.scrape_interval.max(1)),
        timeout: Duration::from_secs(args.timeout.max(1)),
        concurrency: args.concurrency.max(1),
        allow_empty: args.allow_empty,
        ..Options::new(&args.prometheus_url)
    };
    let mut report = validate(&dashboards, &opts)?;
    if let Some(groups) = rule_groups(project, args)? {
        // One report, so the summary and `--format json` stay one document: the rules'
        // rows name their group (`rule group …`) where a dashboard's name its uid.
        report.rows.extend(validate_rules(&groups, &opts)?.rows);
    }
    match args.format {
        ValidateFormat::Table => print!("{}", report.to_table()),
        ValidateFormat::Json => print!("{}", report.to_json()),
    }
    Ok(if report.passed() {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    })
}

/// The rule groups to check: `--rules DIR`'s files, else the project's, without the
/// `--skip-rule-group`s; none with `--no-rules` or when the project has no rules.
fn rule_groups(project: &Project, args: &ValidateArgs) -> Result<Option<Vec<RuleGroup>>> {
    let mut groups = match (&args.rules, project.alerts) {
        _ if args.no_rules => return Ok(None),
        (Some(dir), _) => crate::input::load_rules(dir)?,
        (None, Some(_)) => {
            crate::alerts::build_alerts(project, crate::alerts::DEFAULT_GRAFANA_URL)?
        }
        (None, None) => return Ok(None),
    };
    for skip in &args.skip_rule_group {
        if !groups.iter().any(|g| &g.name == skip) {
            bail!(
                "--skip-rule-group {skip}: no such group (the groups are {})",
                groups
                    .iter()
                    .map(|g| g.name.as_str())
                    .collect::<Vec<_>>()
                    .join(", ")
            );
        }
    }
    groups.retain(|g| !args.skip_rule_group.contains(&g.name));
    Ok(Some(groups))
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::Parser;

    #[derive(Parser)]
    struct Cli {
        #[command(flatten)]
        args: ValidateArgs,
    }

    fn args(extra: &[&str]) -> ValidateArgs {
        let mut argv = vec!["validate", "--prometheus-url", "http://127.0.0.1:9"];
        argv.extend_from_slice(extra);
        Cli::try_parse_from(argv).unwrap().args
    }

    fn project() -> Project {
        Project::new("xtask", Vec::new).with_alerts(|| {
            use dashboard_dsl::alert::{AlertRule, RuleGroup, Severity};
            ["one", "two"]
                .into_iter()
                .map(|g| {
                    RuleGroup::new(g).alert(
                        AlertRule::new("Down", Severity::Info, dashboard_dsl::promql!("up == 0"))
                            .summary("down"),
                    )
                })
                .collect()
        })
    }

    fn names(groups: Option<Vec<RuleGroup>>) -> Vec<String> {
        groups.unwrap().into_iter().map(|g| g.name).collect()
    }

    #[test]
    fn the_project_rules_are_checked_unless_skipped() {
        let p = project();
        assert_eq!(names(rule_groups(&p, &args(&[])).unwrap()), ["one", "two"]);
        assert_eq!(
            names(rule_groups(&p, &args(&["--skip-rule-group", "one"])).unwrap()),
            ["two"]
        );
        assert!(rule_groups(&p, &args(&["--no-rules"])).unwrap().is_none());
        assert!(rule_groups(&Project::new("xtask", Vec::new), &args(&[]))
            .unwrap()
            .is_none());
        let e = rule_groups(&p, &args(&["--skip-rule-group", "three"])).unwrap_err();
        assert_eq!(
            e.to_string(),
            "--skip-rule-group three: no such group (the groups are one, two)"
        );
        assert!(Cli::try_parse_from([
            "validate",
            "--prometheus-url",
            "http://x",
            "--rules",
            "d",
            "--no-rules"
        ])
        .is_err());
    }

    #[test]
    fn rule_files_are_read_from_a_directory_and_bad_ones_named() {
        let dir = tempfile::tempdir().unwrap();
        let missing = dir.path().join("nope");
        let e = rule_groups(&project(), &args(&["--rules", missing.to_str().unwrap()]));
        assert!(e.unwrap_err().to_string().contains("is not a directory"));
        let here = dir.path().to_str().unwrap();
        let e = rule_groups(&project(), &args(&["--rules", here])).unwrap_err();
        assert!(
            e.to_string().contains("holds no .yml or .yaml rule files"),
            "{e}"
        );
        std::fs::write(
            dir.path().join("a.yml"),
            "groups: [{name: a, rules: [{alert: A, expr: up == 0}]}]\n",
        )
        .unwrap();
        std::fs::write(
            dir.path().join("b.yaml"),
            "groups: [{name: b, rules: [{record: 'b:up:sum', expr: sum(up)}]}]\n",
        )
        .unwrap();
        assert_eq!(
            names(rule_groups(&project(), &args(&["--rules", here])).unwrap()),
            ["a", "b"]
        );
        std::fs::write(dir.path().join("c.yml"), "groups: [{nam: c}]\n").unwrap();
        let e = rule_groups(&project(), &args(&["--rules", here])).unwrap_err();
        assert!(
            format!("{e:#}").contains("c.yml is not a Prometheus rule file"),
            "{e:#}"
        );
    }
}
