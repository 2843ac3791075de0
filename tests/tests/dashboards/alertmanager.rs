//! `provisioning/alertmanager/`: the configuration and its template pass `amtool
//! check-config` (Alertmanager 0.25, Debian's `prometheus-alertmanager`), `amtool config
//! routes test` sends each severity to its receivers, every secret is read from a file
//! below the documented directory, the README's e-mail variant is valid too, and amtool
//! refuses broken configurations with a message that says why.
//!
//! The live behaviour (grouping, inhibition, the messages as sent) is proved end to end in
//! tests/tests/harness/harness_alerting.rs.

use std::fs;
use std::path::Path;
use std::process::Command;

use crate::fail_on;
use integration_tests::harness::{
    amtool_bin, contract_alertmanager_config, workspace_root, ALERTMANAGER_SECRETS_DIR,
};
use serde_yaml_ng::Value;

fn config_text() -> String {
    fs::read_to_string(contract_alertmanager_config()).unwrap()
}

fn config() -> Value {
    serde_yaml_ng::from_str(&config_text()).unwrap()
}

/// Runs amtool; (success, stdout and stderr).
fn amtool(args: &[&str]) -> (bool, String) {
    let bin = amtool_bin().unwrap_or_else(|e| panic!("{e}"));
    let out = Command::new(&bin)
        .args(args)
        .output()
        .unwrap_or_else(|e| panic!("running {}: {e}", bin.display()));
    (
        out.status.success(),
        String::from_utf8_lossy(&out.stdout).into_owned() + &String::from_utf8_lossy(&out.stderr),
    )
}

/// `amtool check-config` on `config` written as `alertmanager.yml` of a fresh directory,
/// with the provisioning templates beside it (or `template` in their place).
fn check(config: &str, template: Option<&str>) -> (bool, String) {
    let dir = tempfile::tempdir().unwrap();
    let templates = dir.path().join("templates");
    fs::create_dir(&templates).unwrap();
    let provisioned = contract_alertmanager_config()
        .parent()
        .unwrap()
        .join("templates/spark.tmpl");
    let text = template.map_or_else(|| fs::read_to_string(provisioned).unwrap(), String::from);
    fs::write(templates.join("spark.tmpl"), text).unwrap();
    let path = dir.path().join("alertmanager.yml");
    fs::write(&path, config).unwrap();
    amtool(&["check-config", path.to_str().unwrap()])
}

#[test]
fn amtool_accepts_the_provisioned_configuration_and_its_template() {
    let path = contract_alertmanager_config();
    let (ok, out) = amtool(&["check-config", path.to_str().unwrap()]);
    assert!(ok, "{out}");
    for needle in [" - 1 inhibit rules", " - 3 receivers", " - 1 templates"] {
        assert!(out.contains(needle), "{needle:?} not in:\n{out}");
    }
    // The template was parsed too: its check is the last SUCCESS.
    assert!(out.trim_end().ends_with("SUCCESS"), "{out}");
}

/// (labels of an alert, the receivers it must reach, in routing order).
const ROUTES: [(&[&str], &str); 6] = [
    (
        &[
            "severity=critical",
            "application_id=app-1",
            "alertname=SparkTaskFailureRateCritical",
        ],
        "spark-pagerduty,spark-slack",
    ),
    (
        &[
            "severity=warning",
            "application_id=app-1",
            "alertname=SparkJobFailed",
        ],
        "spark-slack",
    ),
    (
        &[
            "severity=info",
            "application_id=app-1",
            "alertname=SparkApplicationEnded",
        ],
        "spark-info",
    ),
    // A rule that forgot its severity is seen, not paged.
    (
        &["application_id=app-1", "alertname=Unlabelled"],
        "spark-slack",
    ),
    // Nor is one with a severity outside the three.
    (&["severity=page", "alertname=Foreign"], "spark-slack"),
    (&["severity=critical"], "spark-pagerduty,spark-slack"),
];

#[test]
fn each_severity_is_routed_to_its_receivers() {
    let path = contract_alertmanager_config();
    let config = format!("--config.file={}", path.display());
    let mut errors = Vec::new();
    for (labels, receivers) in ROUTES {
        let verify = format!("--verify.receivers={receivers}");
        let mut args = vec!["config", "routes", "test", &config, &verify];
        args.extend_from_slice(labels);
        let (ok, out) = amtool(&args);
        // amtool prints the receivers it resolved, comma-separated, in routing order, on
        // stdout (its first line here; a warning about --alertmanager.url follows on stderr).
        if !ok || out.lines().next().map(str::trim) != Some(receivers) {
            errors.push(format!(
                "{labels:?}: expected {receivers}, amtool said: {}",
                out.trim()
            ));
        }
    }
    fail_on(errors);
    // And `--verify.receivers` does fail on a wrong expectation (the check above is real).
    let (ok, out) = amtool(&[
        "config",
        "routes",
        "test",
        &config,
        "--verify.receivers=spark-slack",
        "severity=critical",
    ]);
    assert!(!ok, "{out}");
    assert!(out.contains("spark-pagerduty,spark-slack"), "{out}");
}

#[test]
fn notifications_group_by_application_and_critical_inhibits_warning_of_the_same_one() {
    let config = config();
    let route = &config["route"];
    assert_eq!(
        route["group_by"],
        serde_yaml_ng::from_str::<Value>("[application_id]").unwrap()
    );
    for (key, value) in [
        ("group_wait", "30s"),
        ("group_interval", "5m"),
        ("repeat_interval", "4h"),
    ] {
        assert_eq!(route[key].as_str(), Some(value), "route.{key}");
    }
    let rules = config["inhibit_rules"].as_sequence().unwrap();
    assert_eq!(rules.len(), 1, "{rules:?}");
    let rule = &rules[0];
    let strings = |v: &Value| -> Vec<String> {
        v.as_sequence()
            .unwrap()
            .iter()
            .map(|s| s.as_str().unwrap().to_string())
            .collect()
    };
    assert_eq!(
        strings(&rule["source_matchers"]),
        ["severity=\"critical\"", "application_id=~\".+\""]
    );
    assert_eq!(strings(&rule["target_matchers"]), ["severity=\"warning\""]);
    assert_eq!(strings(&rule["equal"]), ["application_id"]);
    // Whoever is told about a problem is told when it is over; info is an event.
    for receiver in config["receivers"].as_sequence().unwrap() {
        let name = receiver["name"].as_str().unwrap();
        for (kind, configs) in receiver.as_mapping().unwrap() {
            let Some(configs) = configs.as_sequence() else {
                continue;
            };
            for c in configs {
                let resolved = c["send_resolved"].as_bool();
                let expected = name != "spark-info";
                assert_eq!(resolved, Some(expected), "{name}: {kind:?}.send_resolved");
            }
        }
    }
}

/// Every value under a key of `v`, with the key, depth first.
fn keyed<'a>(v: &'a Value, out: &mut Vec<(String, &'a Value)>) {
    match v {
        Value::Mapping(m) => {
            for (k, v) in m {
                out.push((k.as_str().unwrap_or_default().to_string(), v));
                keyed(v, out);
            }
        }
        Value::Sequence(s) => s.iter().for_each(|v| keyed(v, out)),
        _ => {}
    }
}

/// The secret keys of Alertmanager 0.25 that have a `_file` twin (config/notifiers.go).
const INLINE_SECRETS: [&str; 6] = [
    "api_url",
    "routing_key",
    "service_key",
    "auth_password",
    "smtp_auth_password",
    "slack_api_url",
];

/// What is wrong with a configuration's secrets: inline ones, and files outside the
/// documented directory.
fn check_secrets(config: &Value) -> Vec<String> {
    let mut all = Vec::new();
    keyed(config, &mut all);
    let mut errors = Vec::new();
    for (key, value) in all {
        if INLINE_SECRETS.contains(&key.as_str()) {
            errors.push(format!(
                "`{key}` is inline: use `{key}_file`, so that the file can be committed"
            ));
        }
        if key.ends_with("_file") {
            let path = value.as_str().unwrap_or_default();
            if !path.starts_with(&format!("{ALERTMANAGER_SECRETS_DIR}spark-alertmanager/")) {
                errors.push(format!(
                    "`{key}: {path}` is not below {ALERTMANAGER_SECRETS_DIR}spark-alertmanager/, where the README says the secrets go"
                ));
            }
        }
    }
    errors
}

#[test]
fn every_secret_is_read_from_a_documented_file() {
    let config = config();
    fail_on(check_secrets(&config));
    let mut all = Vec::new();
    keyed(&config, &mut all);
    let files: Vec<&str> = all
        .iter()
        .filter(|(k, _)| k.ends_with("_file"))
        .filter_map(|(_, v)| v.as_str())
        .collect();
    assert_eq!(files.len(), 3, "{files:?}");
    let readme = fs::read_to_string(workspace_root().join("README.md")).unwrap();
    let text = config_text();
    let undocumented: Vec<&&str> = files
        .iter()
        .filter(|f| {
            let name = Path::new(f).file_name().unwrap().to_str().unwrap();
            !readme.contains(name) || !text.contains(&format!("#   {name}"))
        })
        .collect();
    assert!(
        undocumented.is_empty(),
        "not listed in README.md and the config's header: {undocumented:?}"
    );
}

#[test]
fn the_secret_check_reports_inline_secrets_and_stray_files() {
    let config: Value = serde_yaml_ng::from_str(
        "receivers:\n- name: a\n  slack_configs:\n  - api_url: https://hooks.slack.com/x\n  pagerduty_configs:\n  - routing_key_file: /tmp/key\n",
    )
    .unwrap();
    assert_eq!(
        check_secrets(&config),
        [
            "`api_url` is inline: use `api_url_file`, so that the file can be committed".to_string(),
            "`routing_key_file: /tmp/key` is not below /etc/alertmanager/secrets/spark-alertmanager/, where the README says the secrets go".to_string(),
        ]
    );
}

/// The README's e-mail variant (the fenced YAML block with `email_configs`) merged into
/// the provisioning configuration: its `global` keys added, its receivers replacing those
/// of the same name.
fn with_readme_email() -> (Value, Value) {
    let readme = fs::read_to_string(workspace_root().join("README.md")).unwrap();
    let block = readme
        .split("```yaml\n")
        .skip(1)
        .filter_map(|b| b.split_once("\n```").map(|(yaml, _)| yaml))
        .find(|b| b.contains("email_configs:"))
        .expect("README.md has a ```yaml block with the e-mail receiver");
    let snippet: Value =
        serde_yaml_ng::from_str(block).unwrap_or_else(|e| panic!("README's e-mail block: {e}"));
    let mut merged = config();
    for (k, v) in snippet["global"]
        .as_mapping()
        .expect("the block has `global:`")
    {
        merged["global"]
            .as_mapping_mut()
            .unwrap()
            .insert(k.clone(), v.clone());
    }
    let receivers = merged["receivers"].as_sequence_mut().unwrap();
    for new in snippet["receivers"]
        .as_sequence()
        .expect("the block has `receivers:`")
    {
        let slot = receivers
            .iter_mut()
            .find(|r| r["name"] == new["name"])
            .unwrap_or_else(|| {
                panic!(
                    "README's receiver {:?} is not in the configuration",
                    new["name"]
                )
            });
        *slot = new.clone();
    }
    (snippet, merged)
}

#[test]
fn the_readme_e_mail_variant_reads_its_password_from_a_file_and_passes_amtool() {
    let (snippet, merged) = with_readme_email();
    fail_on(check_secrets(&snippet));
    assert!(
        snippet["global"]["smtp_auth_password_file"]
            .as_str()
            .is_some(),
        "the e-mail block reads the SMTP password from a file (Alertmanager 0.25, #3038)"
    );
    let (ok, out) = check(&serde_yaml_ng::to_string(&merged).unwrap(), None);
    assert!(ok, "{out}");
}

#[test]
fn amtool_refuses_broken_configurations_and_says_why() {
    let text = config_text();
    let cases: [(&str, String, Option<&str>, &str); 4] = [
        (
            "a route to a receiver that does not exist",
            text.replacen("receiver: spark-info", "receiver: spark-infos", 1),
            None,
            r#"undefined receiver "spark-infos" used in route"#,
        ),
        ("YAML that does not parse", format!("{text}\n  - : [\n"), None, "yaml:"),
        (
            "a Slack config with neither api_url nor api_url_file",
            text.replace(
                "api_url_file: /etc/alertmanager/secrets/spark-alertmanager/slack-info-api-url\n        channel:",
                "channel:",
            ),
            None,
            "no global Slack API URL set either inline or in a file",
        ),
        (
            "a template that does not parse",
            text.clone(),
            Some("{{ define \"spark.title\" }}{{ .Status "),
            "spark.tmpl",
        ),
    ];
    let mut errors = Vec::new();
    for (what, config, template, expected) in cases {
        let (ok, out) = check(&config, template);
        eprintln!("{what}:\n{out}");
        if ok || !out.contains(expected) {
            errors.push(format!(
                "{what}: expected a failure saying {expected:?}, amtool said:\n{out}"
            ));
        }
    }
    fail_on(errors);
}

// --- The Prometheus side: the contract loads the rules and sends to an Alertmanager ----------

/// Whether a file_sd glob (only `*`, as the contract uses) matches `path`.
fn glob_matches(pattern: &str, path: &str) -> bool {
    match pattern.split_once('*') {
        None => pattern == path,
        Some((head, tail)) => {
            path.starts_with(head)
                && path.len() >= head.len() + tail.len()
                && (0..=path.len() - head.len() - tail.len())
                    .any(|skip| glob_matches(tail, &path[head.len() + skip..]))
        }
    }
}

fn contract() -> Value {
    let path = integration_tests::harness::contract_prometheus_config();
    serde_yaml_ng::from_str(&fs::read_to_string(path).unwrap()).unwrap()
}

fn file_sd_files(v: &Value) -> Vec<String> {
    v["file_sd_configs"]
        .as_sequence()
        .into_iter()
        .flatten()
        .flat_map(|c| c["files"].as_sequence().into_iter().flatten())
        .filter_map(|f| f.as_str().map(String::from))
        .collect()
}

#[test]
fn the_contract_loads_alerts_and_sends_to_alertmanagers_no_scrape_job_reads() {
    let contract = contract();
    assert_eq!(
        contract["rule_files"],
        serde_yaml_ng::from_str::<Value>(r#"["alerts/*.yml"]"#).unwrap()
    );
    let alertmanagers = contract["alerting"]["alertmanagers"].as_sequence().unwrap();
    assert_eq!(alertmanagers.len(), 1, "{alertmanagers:?}");
    assert_eq!(
        file_sd_files(&alertmanagers[0]),
        ["targets/alertmanager-*.json"]
    );
    // The Spark groups evaluate every 30 s; the global default matches them.
    assert_eq!(
        contract["global"]["evaluation_interval"].as_str(),
        Some("30s")
    );
    let mut errors = Vec::new();
    for job in contract["scrape_configs"].as_sequence().unwrap() {
        for pattern in file_sd_files(job) {
            if glob_matches(&pattern, "targets/alertmanager-harness.json") {
                errors.push(format!(
                    "job {:?} reads the Alertmanager targets ({pattern})",
                    job["job_name"]
                ));
            }
            if glob_matches("targets/alertmanager-*.json", &pattern.replace('*', "x")) {
                errors.push(format!(
                    "the Alertmanager pattern reads job {:?}'s targets",
                    job["job_name"]
                ));
            }
        }
    }
    fail_on(errors);
}

#[test]
fn glob_matching_is_what_file_sd_does_for_star() {
    assert!(glob_matches(
        "targets/spark-*.json",
        "targets/spark-harness.json"
    ));
    assert!(glob_matches("targets/spark-*.json", "targets/spark-.json"));
    assert!(!glob_matches(
        "targets/spark-*.json",
        "targets/alertmanager-harness.json"
    ));
    assert!(!glob_matches("targets/*-x.json", "targets/a-y.json"));
    assert!(glob_matches("a", "a") && !glob_matches("a", "b"));
}

/// `promtool check config` on the contract copied to a directory with `rules` in `alerts/`.
fn promtool_check_contract(rules: &[(&str, Option<&str>)]) -> (bool, String) {
    use dashboard_cli::{AlertsCommand, AlertsFormat, Project, DEFAULT_GRAFANA_URL};
    let dir = tempfile::tempdir().unwrap();
    let alerts = dir.path().join("alerts");
    fs::create_dir(&alerts).unwrap();
    for (name, text) in rules {
        match text {
            Some(text) => fs::write(alerts.join(name), text).unwrap(),
            // The generated rules, as `cargo xtask alerts build` writes them.
            None => {
                let project =
                    Project::new("xtask", dashboards::all).with_alerts(dashboards::alerts::all);
                let code = dashboard_cli::run_alerts(
                    &project,
                    AlertsCommand::Build {
                        out: Some(alerts.clone()),
                        check: false,
                        format: AlertsFormat::Rules,
                        grafana_url: DEFAULT_GRAFANA_URL.into(),
                    },
                );
                assert_eq!(code, std::process::ExitCode::SUCCESS);
            }
        }
    }
    let config = dir.path().join("prometheus.yml");
    fs::copy(
        integration_tests::harness::contract_prometheus_config(),
        &config,
    )
    .unwrap();
    let promtool = integration_tests::harness::promtool_bin().unwrap_or_else(|e| panic!("{e}"));
    let out = Command::new(promtool)
        .args(["check", "config"])
        .arg(&config)
        .output()
        .unwrap();
    (
        out.status.success(),
        String::from_utf8_lossy(&out.stdout).into_owned() + &String::from_utf8_lossy(&out.stderr),
    )
}

#[test]
fn promtool_checks_the_contract_with_the_generated_rules_in_alerts() {
    let (ok, out) = promtool_check_contract(&[("generated", None)]);
    assert!(ok, "{out}");
    // promtool followed rule_files into alerts/ and checked each generated group.
    let checked = out.matches("/alerts/").count();
    assert!(checked >= 1 && out.contains("rules found"), "{out}");
    // A broken rule file there fails the check, naming it.
    let (ok, out) = promtool_check_contract(&[(
        "broken.yml",
        Some("groups:\n- name: g\n  rules:\n  - alert: A\n    expr: sum by (\n"),
    )]);
    assert!(!ok, "{out}");
    assert!(out.contains("broken.yml"), "{out}");
}
