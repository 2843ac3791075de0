//! The Spark alerts as Prometheus runs them: every generated rule file passes
//! `promtool check rules` (Prometheus 2.42, Debian's package), and `promtool test rules`
//! proves each alert, on input series written here, firing after its `for` (with its
//! labels and its annotations expanded) and staying silent when it must. The
//! `PrometheusRule` objects pass the prometheus-operator CRD models like the repository's
//! other manifests.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;

use dashboard_cli::{AlertsCommand, AlertsFormat, DEFAULT_GRAFANA_URL};
use dashboard_dsl::rules::{Rule, RuleGroup};
use integration_tests::manifests::crd_check;
use serde_json::{json, Value};

mod heuristics;
mod kubernetes;
mod outcome;
mod streaming;

use integration_tests::rules::PROJECT;

const PROMTOOL: &str = "/usr/bin/promtool";

/// One alert's proof: input series (name{labels} and promtool's expanding notation,
/// one sample every 15 s), when to look, and what must be firing then.
pub(super) struct Case {
    pub(super) alert: &'static str,
    /// What the case shows.
    pub(super) name: &'static str,
    pub(super) series: Vec<(String, &'static str)>,
    pub(super) eval: &'static str,
    /// The alert's result labels and `$value` when it must fire; `None`: silent.
    pub(super) fires: Option<(Vec<(&'static str, &'static str)>, f64)>,
}

pub(super) fn series(name: &str, labels: &str, values: &'static str) -> (String, &'static str) {
    (format!("{name}{{{labels}}}"), values)
}

/// Every group's cases.
fn cases() -> Vec<Case> {
    let mut cases = outcome::cases();
    cases.extend(heuristics::cases());
    cases.extend(kubernetes::cases());
    cases.extend(streaming::cases());
    cases
}

/// Go's `%.4g` (what `humanizePercentage` prints) for the values these cases produce.
fn go_g4(v: f64) -> String {
    if v == 0.0 {
        return "0".into();
    }
    let exp = v.abs().log10().floor() as i32;
    let decimals = (3 - exp).max(0) as usize;
    let s = format!("{v:.decimals$}");
    if s.contains('.') {
        s.trim_end_matches('0').trim_end_matches('.').to_string()
    } else {
        s
    }
}

/// A Prometheus template expanded as Prometheus would for this result, for the forms the
/// Spark rules use; anything else fails the test, so a new form gets added here.
fn expand(template: &str, labels: &BTreeMap<&str, &str>, value: f64) -> String {
    let mut out = String::new();
    let mut rest = template;
    while let Some(open) = rest.find("{{") {
        out.push_str(&rest[..open]);
        let close = rest[open..].find("}}").expect("closed template") + open;
        let action = rest[open + 2..close].trim();
        let (head, pipe) = match action.split_once('|') {
            Some((h, p)) => (h.trim(), Some(p.trim())),
            None => (action, None),
        };
        let text = match (head, pipe) {
            ("$value", Some("humanizePercentage")) => format!("{}%", go_g4(value * 100.0)),
            ("$value", Some(r#"printf "%.0f""#)) => format!("{value:.0}"),
            ("$value", Some(r#"printf "%.1f""#)) => format!("{value:.1}"),
            (label, None) if label.starts_with("$labels.") => {
                labels[&label["$labels.".len()..]].to_string()
            }
            (label, Some("urlquery")) if label.starts_with("$labels.") => {
                let v = labels[&label["$labels.".len()..]];
                assert!(
                    v.chars().all(|c| c.is_ascii_alphanumeric() || c == '-'),
                    "urlquery would change {v}"
                );
                v.to_string()
            }
            _ => panic!("the test does not expand `{{{{ {action} }}}}`: add it to `expand`"),
        };
        out.push_str(&text);
        rest = &rest[close + 2..];
    }
    out.push_str(rest);
    out
}

fn groups() -> Vec<RuleGroup> {
    dashboard_cli::build_alerts(&PROJECT, DEFAULT_GRAFANA_URL).unwrap_or_else(|e| panic!("{e:#}"))
}

fn write(format: AlertsFormat, out: &Path) {
    let code = dashboard_cli::run_alerts(
        &PROJECT,
        AlertsCommand::Build {
            out: Some(out.to_path_buf()),
            check: false,
            format,
            grafana_url: DEFAULT_GRAFANA_URL.into(),
        },
    );
    assert_eq!(code, std::process::ExitCode::SUCCESS);
}

fn files(dir: &Path, ext: &str) -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == ext))
        .collect();
    files.sort();
    files
}

fn promtool(args: &[&str], files: &[PathBuf]) -> (bool, String) {
    let out = Command::new(PROMTOOL)
        .args(args)
        .args(files)
        .output()
        .unwrap_or_else(|e| panic!("running {PROMTOOL} (Debian's `prometheus` package; `cargo xtask test` installs it): {e}"));
    (
        out.status.success(),
        String::from_utf8_lossy(&out.stdout).into_owned() + &String::from_utf8_lossy(&out.stderr),
    )
}

#[test]
fn promtool_checks_every_generated_rule_file() {
    let dir = tempfile::tempdir().unwrap();
    write(AlertsFormat::Rules, dir.path());
    let written = files(dir.path(), "yml");
    assert_eq!(written.len(), groups().len(), "one file per group");
    let (ok, out) = promtool(&["check", "rules"], &written);
    assert!(ok, "{out}");
    // And promtool refuses what the lint would let through only by mistake.
    std::fs::write(
        dir.path().join("bad.yml"),
        "groups:\n- name: g\n  rules:\n  - alert: A\n    expr: sum by (\n",
    )
    .unwrap();
    let (ok, out) = promtool(&["check", "rules"], &[dir.path().join("bad.yml")]);
    assert!(!ok, "{out}");
}

#[test]
fn promtool_tests_every_alert_firing_after_its_for_and_staying_silent() {
    let groups = groups();
    let alerts: BTreeMap<&str, &dashboard_dsl::rules::AlertingRule> = groups
        .iter()
        .flat_map(|g| &g.rules)
        .filter_map(|r| match r {
            Rule::Alerting(a) => Some((a.alert.as_str(), a)),
            Rule::Recording(_) => None,
        })
        .collect();
    let cases = cases();
    for name in alerts.keys() {
        let of = |fires: bool| {
            cases
                .iter()
                .any(|c| c.alert == *name && c.fires.is_some() == fires)
        };
        assert!(
            of(true) && of(false),
            "alert {name} needs a case where it fires and one where it is silent"
        );
    }
    let dir = tempfile::tempdir().unwrap();
    write(AlertsFormat::Rules, dir.path());
    let rule_files: Vec<String> = files(dir.path(), "yml")
        .iter()
        .map(|p| p.display().to_string())
        .collect();
    let mut tests = Vec::new();
    for c in &cases {
        let alert = alerts
            .get(c.alert)
            .unwrap_or_else(|| panic!("case for {}, which is no alert", c.alert));
        if let Some(f) = alert.r#for {
            // A firing case must look after the alert's `for`.
            let eval: dashboard_dsl::rules::Duration = c.eval.parse().unwrap();
            if c.fires.is_some() {
                assert!(eval > f, "{}: {} is not after for {f}", c.alert, c.eval);
            }
        }
        let exp_alerts: Vec<Value> = match &c.fires {
            None => Vec::new(),
            Some((labels, value)) => {
                let labels: BTreeMap<&str, &str> = labels.iter().copied().collect();
                let mut exp_labels: BTreeMap<String, String> = labels
                    .iter()
                    .map(|(k, v)| (k.to_string(), v.to_string()))
                    .collect();
                exp_labels.extend(alert.labels.clone());
                let annotations: BTreeMap<&String, String> = alert
                    .annotations
                    .iter()
                    .map(|(k, v)| (k, expand(v, &labels, *value)))
                    .collect();
                vec![json!({"exp_labels": exp_labels, "exp_annotations": annotations})]
            }
        };
        tests.push(json!({
            "name": format!("{}: {}", c.alert, c.name),
            "interval": "15s",
            "input_series": c.series.iter().map(|(s, v)| json!({"series": s, "values": v})).collect::<Vec<_>>(),
            "alert_rule_test": [{"eval_time": c.eval, "alertname": c.alert, "exp_alerts": exp_alerts}],
        }));
    }
    let test_file = dir.path().join("spark-alerts.test.yml");
    let doc = json!({"rule_files": rule_files, "evaluation_interval": "30s", "tests": tests});
    std::fs::write(&test_file, serde_yaml_ng::to_string(&doc).unwrap()).unwrap();
    let (ok, out) = promtool(&["test", "rules"], std::slice::from_ref(&test_file));
    assert!(
        ok,
        "{out}\n{}",
        std::fs::read_to_string(&test_file).unwrap()
    );

    // The proof can fail: the same case expecting the wrong severity does.
    let wrong = std::fs::read_to_string(&test_file).unwrap().replacen(
        "severity: warning",
        "severity: info",
        1,
    );
    std::fs::write(&test_file, wrong).unwrap();
    let (ok, out) = promtool(&["test", "rules"], &[test_file]);
    assert!(!ok, "{out}");
}

#[test]
fn prometheusrule_objects_pass_the_operator_crd() {
    let dir = tempfile::tempdir().unwrap();
    write(AlertsFormat::Prometheusrule, dir.path());
    let written = files(dir.path(), "yaml");
    assert_eq!(written.len(), groups().len());
    let (ok, out) = crd_check(&written);
    assert!(ok, "{out}");
    // A field the CRD does not know is reported, so the check can fail.
    let bad = dir.path().join("bad.yaml");
    let text = std::fs::read_to_string(&written[0]).unwrap();
    std::fs::write(
        &bad,
        text.replacen("  groups:", "  groupz: []\n  groups:", 1),
    )
    .unwrap();
    let (ok, out) = crd_check(&[bad]);
    assert!(!ok, "{out}");
}

#[test]
fn the_expander_refuses_what_it_does_not_know() {
    let labels = BTreeMap::from([("a", "x")]);
    assert_eq!(
        expand(
            "{{ $labels.a }}: {{ $value | humanizePercentage }}",
            &labels,
            0.25
        ),
        "x: 25%"
    );
    assert_eq!(go_g4(75.00000000001), "75");
    assert_eq!(go_g4(12.345), "12.35");
    assert!(std::panic::catch_unwind(|| expand("{{ $value | humanize }}", &labels, 1.0)).is_err());
}

/// docs/alerts.md has a row for every alert, and every runbook is a recipe that exists.
#[test]
fn every_alert_has_a_row_in_the_docs_and_a_runbook_that_exists() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let table = std::fs::read_to_string(root.join("docs/alerts.md")).unwrap();
    let base = format!("{}/", dashboards::common::DEFAULT_RECIPES_URL);
    for g in groups() {
        for r in &g.rules {
            let Rule::Alerting(a) = r else { continue };
            assert!(
                table.contains(&format!("| `{}` | {} |", a.alert, a.labels["severity"])),
                "docs/alerts.md has no row for {} with its severity",
                a.alert
            );
            let runbook = &a.annotations["runbook_url"];
            let recipe = runbook
                .strip_prefix(&base)
                .unwrap_or_else(|| panic!("{}: runbook {runbook} is not a recipe", a.alert));
            let (file, anchor) = recipe.split_once('#').unwrap_or((recipe, ""));
            let path = root.join("docs/recipes").join(file);
            assert!(path.is_file(), "{}: {file} does not exist", a.alert);
            if !anchor.is_empty() {
                let text = std::fs::read_to_string(&path).unwrap();
                assert!(
                    crate::recipes::anchors(&text).contains(anchor),
                    "{}: {file} has no heading with the anchor #{anchor}",
                    a.alert
                );
            }
            assert!(
                table.contains(&format!("(recipes/{recipe})")),
                "docs/alerts.md links another runbook for {}",
                a.alert
            );
        }
    }
}
