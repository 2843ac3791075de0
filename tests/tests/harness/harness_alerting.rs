//! The alerting chain without Spark: a real Prometheus evaluates a small rule file and sends
//! to a real Alertmanager running the provisioning configuration
//! (`provisioning/alertmanager/alertmanager.yml` and its template), which notifies stand-ins
//! for Slack and PagerDuty. What arrives is what Alertmanager 0.25's notifiers send
//! (notify/slack/slack.go, notify/pagerduty/pagerduty.go).
//!
//! The provisioning's `group_wait` (30 s) is kept, so the test takes a little over 30 s:
//! shortening it would test another configuration than the one users run.

use std::fs;
use std::net::{Ipv4Addr, TcpListener};
use std::path::PathBuf;
use std::time::{Duration, Instant};

use integration_tests::harness::{
    Alertmanager, AlertmanagerOptions, HarnessError, NotificationReceiver, Prometheus,
    PrometheusOptions,
};
use serde_json::Value;
use test_support::eventually::Eventually;

/// Rules evaluated every second (the one test setting), notifications after the
/// provisioning's group_wait of 30 s: everything arrives within this.
const WAIT: Duration = Duration::from_secs(60);
const ROUTING_KEY: &str = "e2e-routing-key-0123456789abcdef";
const DASHBOARD: &str = "http://grafana.test/d/spark-job-tracing?viewPanel=1363285435";
const RUNBOOK: &str = "https://docs.test/docs/recipes/troubleshoot/oom-and-spill.md";

/// Two applications, labelled as the Spark rules label them after aggregation
/// (application_id, application_name, carried by the expression's result as there, so the
/// annotations' `$labels` see them): app-1 has a critical alert and a warning of the same
/// kind, app-2 a warning alone. `vector(…)` fires at the first evaluation.
fn rule_file() -> String {
    let rule = |alert: &str, severity: &str, app: &str, name: &str, value: &str, summary: &str| {
        format!(
            r#"  - alert: {alert}
    expr: label_replace(label_replace(vector({value}), "application_id", "{app}", "", ""), "application_name", "{name}", "", "")
    labels:
      severity: {severity}
    annotations:
      summary: "{summary} {{{{ $labels.application_name }}}}"
      description: "{{{{ $value | humanizePercentage }}}} of the tasks of {{{{ $labels.application_name }}}} ({{{{ $labels.application_id }}}}) failed over 5 minutes."
      dashboard_url: "{DASHBOARD}&var-app_id={{{{ $labels.application_id | urlquery }}}}"
      runbook_url: "{RUNBOOK}"
"#
        )
    };
    format!(
        "groups:\n- name: spark-e2e\n  interval: 30s\n  rules:\n{}{}{}",
        rule(
            "SparkTaskFailureRateCritical",
            "critical",
            "app-1",
            "etl",
            "0.6",
            "Half the tasks fail in"
        ),
        rule(
            "SparkTaskFailureRateHigh",
            "warning",
            "app-1",
            "etl",
            "0.6",
            "Tasks are failing in"
        ),
        rule(
            "SparkTaskFailureRateHigh",
            "warning",
            "app-2",
            "report",
            "0.2",
            "Tasks are failing in"
        ),
    )
}

fn write_rules(dir: &tempfile::TempDir) -> PathBuf {
    let path = dir.path().join("spark-e2e.yml");
    fs::write(&path, rule_file()).unwrap();
    path
}

/// Prometheus with the contract, the rule file of [`rule_file`] evaluated every second (the
/// one test setting), sending to `alertmanager` if given.
fn prometheus_with_rules(
    dir: &tempfile::TempDir,
    alertmanager: Option<&str>,
) -> Result<Prometheus, HarnessError> {
    let mut options = PrometheusOptions::new(&[], Duration::from_secs(1))
        .rule_file(write_rules(dir))
        .evaluation_interval(Duration::from_secs(1));
    if let Some(address) = alertmanager {
        options = options.alertmanager(address);
    }
    Prometheus::start_with(&options)
}

/// The provisioning configuration with only what a test must change: the secrets (stand-in
/// URLs and a key, written as files where the configuration reads them) and PagerDuty's
/// URL, which Alertmanager 0.25 reads from the configuration only (`global.pagerduty_url`).
fn provisioned(receiver: &NotificationReceiver) -> Result<AlertmanagerOptions, HarnessError> {
    Ok(AlertmanagerOptions::provisioning()?
        .secret("spark-alertmanager/slack-api-url", receiver.url("/slack"))
        .secret(
            "spark-alertmanager/slack-info-api-url",
            receiver.url("/slack-info"),
        )
        .secret(
            "spark-alertmanager/pagerduty-routing-key",
            format!("{ROUTING_KEY}\n"),
        )
        .pagerduty_url(&receiver.url("/pagerduty")))
}

fn text(v: &Value, pointer: &str) -> String {
    v.pointer(pointer)
        .and_then(Value::as_str)
        .unwrap_or_default()
        .to_string()
}

#[test]
fn alerts_reach_slack_and_pagerduty_through_the_provisioned_alertmanager(
) -> Result<(), HarnessError> {
    let started = Instant::now();
    let receiver = NotificationReceiver::start()?;
    let alertmanager = Alertmanager::start(&provisioned(&receiver)?)?;
    let rules = tempfile::tempdir().unwrap();
    let prometheus = prometheus_with_rules(&rules, Some(alertmanager.address()))?;

    // Prometheus found the Alertmanager through the contract's file_sd, and fires the rules.
    let expected = format!("{}/api/v2/alerts", alertmanager.url);
    wait_for_alertmanager(&prometheus, &expected);
    prometheus.wait_for(r#"ALERTS{alertstate="firing"}"#, 3, WAIT)?;

    // Alertmanager routes each by severity and inhibits app-1's warning, not app-2's.
    let alerts =
        alertmanager.wait_for_alerts("3 alerts, app-1's warning inhibited", WAIT, |alerts| {
            alerts.len() == 3
                && alerts.iter().any(|a| {
                    a.labels["severity"] == "warning"
                        && a.labels["application_id"] == "app-1"
                        && !a.inhibited_by.is_empty()
                })
        })?;
    for alert in &alerts {
        let (severity, app) = (&alert.labels["severity"], &alert.labels["application_id"]);
        let (state, receivers): (&str, &[&str]) = match (severity.as_str(), app.as_str()) {
            ("critical", "app-1") => ("active", &["spark-pagerduty", "spark-slack"]),
            ("warning", "app-1") => ("suppressed", &["spark-slack"]),
            ("warning", "app-2") => ("active", &["spark-slack"]),
            other => panic!("unexpected alert {other:?}: {alert:?}"),
        };
        assert_eq!(alert.state, state, "{alert:?}");
        assert_eq!(alert.receivers, receivers, "{alert:?}");
    }

    // PagerDuty: one Events API v2 trigger for app-1, with the routing key from its file.
    let page = receiver.wait_for("/pagerduty", "the PagerDuty event of app-1", WAIT, |b| {
        b["event_action"] == "trigger"
    })?;
    let event = &page.body;
    assert_eq!(text(event, "/routing_key"), ROUTING_KEY, "{event}");
    assert_eq!(text(event, "/payload/severity"), "critical", "{event}");
    assert_eq!(text(event, "/payload/source"), "etl (app-1)", "{event}");
    assert_eq!(
        text(event, "/payload/summary"),
        "[FIRING:1] CRITICAL: Spark application etl (app-1): Half the tasks fail in etl",
        "{event}"
    );
    let links: Vec<(String, String)> = event["links"]
        .as_array()
        .map(|l| {
            l.iter()
                .map(|l| (text(l, "/text"), text(l, "/href")))
                .collect()
        })
        .unwrap_or_default();
    assert_eq!(
        links,
        [
            (
                "Dashboard".to_string(),
                format!("{DASHBOARD}&var-app_id=app-1")
            ),
            ("Runbook".to_string(), RUNBOOK.to_string()),
        ],
        "{event}"
    );
    let firing = text(event, "/payload/custom_details/firing");
    assert!(
        firing.contains("SparkTaskFailureRateCritical (critical): Half the tasks fail in etl")
            && firing.contains("60% of the tasks of etl (app-1) failed")
            && !firing.contains("SparkTaskFailureRateHigh"),
        "{event}"
    );

    // Slack: app-1's message carries the critical alert only, with its links.
    let slack = receiver.wait_for("/slack", "the Slack message of app-1", WAIT, |b| {
        text(b, "/attachments/0/title").contains("(app-1)")
    })?;
    let message = &slack.body;
    assert_eq!(text(message, "/channel"), "#spark-alerts", "{message}");
    assert_eq!(
        text(message, "/attachments/0/title"),
        "[FIRING:1] CRITICAL: Spark application etl (app-1)",
        "{message}"
    );
    assert_eq!(
        text(message, "/attachments/0/title_link"),
        format!("{DASHBOARD}&var-app_id=app-1"),
        "{message}"
    );
    assert_eq!(text(message, "/attachments/0/color"), "danger", "{message}");
    let body = text(message, "/attachments/0/text");
    for needle in [
        "*SparkTaskFailureRateCritical* (critical): Half the tasks fail in etl",
        "60% of the tasks of etl (app-1) failed over 5 minutes.",
        &format!("<{DASHBOARD}&var-app_id=app-1|Dashboard>"),
        &format!("<{RUNBOOK}|Runbook>"),
    ] {
        assert!(body.contains(needle), "{needle:?} not in {message}");
    }

    // app-2's warning is not inhibited by app-1's critical: its own message, as a warning.
    let other = receiver.wait_for("/slack", "the Slack message of app-2", WAIT, |b| {
        text(b, "/attachments/0/title").contains("(app-2)")
    })?;
    assert_eq!(
        text(&other.body, "/attachments/0/title"),
        "[FIRING:1] WARNING: Spark application report (app-2)",
        "{}",
        other.body
    );
    assert_eq!(text(&other.body, "/attachments/0/color"), "warning");

    // The flush that sent app-1's message saw its warning and muted it: no message of app-1
    // names the warning, while the critical fires. Nothing went to the info channel.
    for n in receiver.received_on("/slack") {
        let title = text(&n.body, "/attachments/0/title");
        if title.contains("(app-1)") {
            assert!(
                !text(&n.body, "/attachments/0/text").contains("SparkTaskFailureRateHigh"),
                "the inhibited warning reached Slack: {}",
                n.body
            );
        }
    }
    assert!(
        receiver.received_on("/slack-info").is_empty(),
        "{}",
        receiver.describe()
    );
    assert_eq!(
        receiver.received_on("/pagerduty").len(),
        1,
        "{}",
        receiver.describe()
    );
    eprintln!("alerting chain: {:?}", started.elapsed());
    Ok(())
}

/// Waits until Prometheus lists `url` as its one active Alertmanager.
fn wait_for_alertmanager(prometheus: &Prometheus, url: &str) {
    Eventually::new(WAIT)
        .every(Duration::from_millis(250))
        .until(
            &format!("Prometheus to discover the Alertmanager {url}"),
            || match prometheus.alertmanagers() {
                Ok(found) if found == [url] => Ok(()),
                Ok(found) => Err(format!("active: {found:?}")),
                Err(e) => Err(e.to_string()),
            },
        );
}

/// An address nothing listens on.
fn closed_address() -> String {
    let listener = TcpListener::bind((Ipv4Addr::LOCALHOST, 0)).unwrap();
    listener.local_addr().unwrap().to_string()
}

#[test]
fn an_unreachable_alertmanager_shows_in_prometheus_notification_errors() -> Result<(), HarnessError>
{
    let address = closed_address();
    let rules = tempfile::tempdir().unwrap();
    let prometheus = prometheus_with_rules(&rules, Some(&address))?;
    // Prometheus keeps a discovered Alertmanager active whether or not it answers; the
    // failed sends are counted per Alertmanager (notifier.go's
    // prometheus_notifications_errors_total in Prometheus 2.42), on its own /metrics.
    let url = format!("http://{address}/api/v2/alerts");
    wait_for_alertmanager(&prometheus, &url);
    Eventually::new(WAIT)
        .every(Duration::from_millis(250))
        .until(
            "Prometheus to count failed sends to the closed port",
            || match prometheus.own_metric(
                "prometheus_notifications_errors_total",
                &[("alertmanager", &url)],
            ) {
                Ok(Some(n)) if n > 0.0 => Ok(()),
                Ok(other) => Err(format!("{other:?}")),
                Err(e) => Err(e.to_string()),
            },
        );
    Ok(())
}

#[test]
fn a_configuration_alertmanager_refuses_fails_with_its_log_and_amtool() {
    let err = Alertmanager::start(&AlertmanagerOptions::new(
        "route:\n  receiver: nowhere\nreceivers:\n  - name: somewhere\n",
    ))
    .err()
    .expect("an undefined receiver");
    let message = err.to_string();
    eprintln!("{message}");
    assert!(
        matches!(err, HarnessError::ProcessExited { .. }),
        "{message}"
    );
    for needle in [
        "Alertmanager",
        "exited early",
        r#"undefined receiver \"nowhere\" used in route"#,
        "amtool check-config",
    ] {
        assert!(message.contains(needle), "{needle:?} not in:\n{message}");
    }
}

#[test]
fn bad_harness_inputs_name_the_file_and_the_fix() -> Result<(), HarnessError> {
    let err = Alertmanager::start(
        &AlertmanagerOptions::provisioning()?.secret("/etc/alertmanager/secrets/x", "y"),
    )
    .err()
    .expect("an absolute secret path");
    assert!(
        err.to_string().contains("must be relative")
            && err.to_string().contains("/etc/alertmanager/secrets/x"),
        "{err}"
    );

    let dir = tempfile::tempdir().unwrap();
    let missing = dir.path().join("missing.yml");
    let err = Prometheus::start_with(
        &PrometheusOptions::new(&[], Duration::from_secs(1)).rule_file(&missing),
    )
    .err()
    .expect("a missing rule file");
    assert!(
        matches!(err, HarnessError::Input { .. })
            && err.to_string().contains(&missing.display().to_string())
            && err.to_string().contains("cannot read the rule file"),
        "{err}"
    );

    let not_rules = dir.path().join("not-rules.yml");
    fs::write(&not_rules, "scrape_configs: []\n").unwrap();
    let err = Prometheus::start_with(
        &PrometheusOptions::new(&[], Duration::from_secs(1))
            .rule_file(&not_rules)
            .evaluation_interval(Duration::from_secs(1)),
    )
    .err()
    .expect("not a rule file");
    assert!(
        err.to_string().contains(&not_rules.display().to_string())
            && err.to_string().contains("no `groups:` list"),
        "{err}"
    );

    let other = tempfile::tempdir().unwrap();
    let a = write_rules(&dir);
    let b = write_rules(&other);
    let err = Prometheus::start_with(
        &PrometheusOptions::new(&[], Duration::from_secs(1)).rule_files([a, b]),
    )
    .err()
    .expect("two files of one name");
    assert!(
        err.to_string().contains("alerts/spark-e2e.yml; rename one"),
        "{err}"
    );
    Ok(())
}

#[test]
fn the_evaluation_interval_setting_rewrites_every_group_and_keeps_the_rules(
) -> Result<(), HarnessError> {
    let rules = tempfile::tempdir().unwrap();
    let prometheus = prometheus_with_rules(&rules, None)?;
    let data = prometheus.api_get("/api/v1/rules", &[])?;
    let group = &data["groups"][0];
    assert_eq!(group["name"], "spark-e2e", "{data}");
    assert_eq!(group["interval"], 1.0, "{data}");
    assert_eq!(
        group["file"],
        prometheus
            .dir()
            .join("alerts/spark-e2e.yml")
            .display()
            .to_string()
    );
    assert_eq!(group["rules"].as_array().map(Vec::len), Some(3), "{data}");
    let config = fs::read_to_string(prometheus.config_path()).unwrap();
    assert!(config.contains("  evaluation_interval: 1s\n"), "{config}");
    Ok(())
}
