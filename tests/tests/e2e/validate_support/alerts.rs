//! The Spark alert rules on a real run: the test's Prometheus evaluates the generated rule
//! files (`integration_tests::rules`) on what it scrapes, sends to a real Alertmanager,
//! which posts to a webhook receiver. A test waits for the alerts its run must raise (a
//! failed job and stage, a straggler, executor 1's JVM killed as an OOM kill or a lost node
//! would): each must arrive with the application, its severity, its summary, its runbook
//! and its panel, and nothing worse than `info` may arrive besides them.
//!
//! The provisioning's routing (severity → Slack and PagerDuty, grouping, inhibition) is
//! proved by tests/tests/harness/harness_alerting.rs; here Alertmanager sends every alert at
//! once to one webhook (`group_wait` 1 s, a group per alert), so the test waits for Spark and
//! Prometheus, not for Alertmanager's batching.

use std::collections::BTreeSet;
use std::time::Duration;

use integration_tests::harness::{
    Alertmanager, AlertmanagerOptions, HarnessError, NotificationReceiver, Prometheus,
    PrometheusOptions, SparkRun, Target,
};
use integration_tests::rules::SparkRules;
use serde_json::Value;

/// How often the rules are evaluated: the one setting the tests shorten (from the groups'
/// 30 s), to the scrape interval, so each evaluation sees a new sample. `for` and the
/// expressions stay as users get them.
const EVALUATION: Duration = Duration::from_secs(5);

/// The longest wait for one alert: `SparkExecutorRemoved` compares with 2 minutes ago, so
/// it fires at most 2 minutes after the executor first reported, plus an evaluation and a
/// notification; the stage rules' `for: 1m` comes after the exporter's first poll.
const WAIT: Duration = Duration::from_secs(180);

/// The executor the test kills.
const KILLED: &str = "1";

/// A real Alertmanager posting every alert to a webhook, and the receiver.
pub struct Chain {
    receiver: NotificationReceiver,
    alertmanager: Alertmanager,
    rules: SparkRules,
}

impl Chain {
    pub fn start() -> Result<Self, HarnessError> {
        let receiver = NotificationReceiver::start()?;
        let config = format!(
            r#"route:
  receiver: webhook
  group_by: [alertname, application_id, executor_id, stage_id]
  group_wait: 1s
  group_interval: 1s
  repeat_interval: 1h
receivers:
  - name: webhook
    webhook_configs:
      - url: {}
        send_resolved: false
"#,
            receiver.url("/webhook")
        );
        let alertmanager = Alertmanager::start(&AlertmanagerOptions::new(config))?;
        Ok(Chain {
            receiver,
            alertmanager,
            rules: SparkRules::write()?,
        })
    }

    /// Prometheus scraping `targets` through the contract, evaluating the Spark rules and
    /// sending to this chain's Alertmanager.
    pub fn prometheus(
        &self,
        targets: &[Target],
        scrape_interval: Duration,
    ) -> Result<Prometheus, HarnessError> {
        Prometheus::start_with(
            &PrometheusOptions::new(targets, scrape_interval)
                .rule_files(self.rules.files.iter().cloned())
                .evaluation_interval(EVALUATION)
                .alertmanager(self.alertmanager.address()),
        )
    }

    /// Kills executor 1 and waits for `SparkExecutorRemoved` at the webhook, with what
    /// `before` expected already; fails on any other alert above `info`.
    pub fn fire(
        &self,
        spark: &SparkRun,
        prometheus: &Prometheus,
        before: &[&str],
    ) -> Result<(), HarnessError> {
        let pid = spark.kill_executor(KILLED)?;
        eprintln!("killed executor {KILLED} (pid {pid}) of {}", spark.app_id);
        let mut expected = before.to_vec();
        expected.push("SparkExecutorRemoved");
        self.expect(spark, prometheus, &expected, |name, a| {
            straggler(name, a);
            let labels = &a["labels"];
            if name == "SparkExecutorRemoved" {
                assert_eq!(labels["severity"], "warning", "{a}");
                assert_eq!(labels["executor_id"], KILLED, "{a}");
                assert_eq!(labels["application_name"], spark.app_name.as_str(), "{a}");
                assert!(
                    a["annotations"]["dashboard_url"]
                        .as_str()
                        .unwrap_or_default()
                        .contains("/d/spark-job-tracing?viewPanel="),
                    "{a}"
                );
            }
        })
    }

    /// Waits for each of `expected` at the webhook, checks what every alert carries (the
    /// application, an expanded summary, the runbook, the panel) and what `check` adds, then
    /// fails on any other alert above `info` received meanwhile: the silence of every rule
    /// that could have fired on this run.
    pub fn expect(
        &self,
        spark: &SparkRun,
        prometheus: &Prometheus,
        expected: &[&str],
        check: impl Fn(&str, &Value),
    ) -> Result<(), HarnessError> {
        let since = std::time::Instant::now();
        let describe = || {
            format!(
                "ALERTS now: {:?}\nreceived:\n{}\nAlertmanager's log:\n{}",
                prometheus
                    .query("ALERTS")
                    .map(|s| s.into_iter().map(|s| s.labels).collect::<Vec<_>>()),
                self.receiver.describe(),
                self.alertmanager.log_tail(10)
            )
        };
        for &name in expected {
            let alert = self
                .receiver
                .wait_for("/webhook", name, WAIT, |body| {
                    alerts(body).any(|a| a["labels"]["alertname"] == name)
                })
                .inspect_err(|_| eprintln!("{}", describe()))?;
            eprintln!("{name} at the webhook after {:?}", since.elapsed());
            let a = alerts(&alert.body)
                .find(|a| a["labels"]["alertname"] == name)
                .expect("the matched alert")
                .clone();
            assert_eq!(a["labels"]["application_id"], spark.app_id.as_str(), "{a}");
            let summary = a["annotations"]["summary"].as_str().unwrap_or_default();
            assert!(
                summary.contains(&spark.app_id) || summary.contains(&spark.app_name),
                "the summary names the application: {a}"
            );
            assert!(!summary.contains("{{"), "expanded: {a}");
            let runbook = a["annotations"]["runbook_url"].as_str().unwrap_or_default();
            assert!(
                runbook.contains("/docs/recipes/") && runbook.contains(".md"),
                "{a}"
            );
            let dashboard = a["annotations"]["dashboard_url"]
                .as_str()
                .unwrap_or_default();
            assert!(
                dashboard.contains("viewPanel=")
                    && dashboard.contains(&format!("var-app_id={}", spark.app_id)),
                "{a}"
            );
            check(name, &a);
        }
        let unexpected: BTreeSet<String> = self
            .receiver
            .received_on("/webhook")
            .iter()
            .flat_map(|n| alerts(&n.body).cloned().collect::<Vec<_>>())
            .filter(|a| a["labels"]["severity"] != "info")
            .map(|a| a["labels"]["alertname"].as_str().unwrap_or("?").to_string())
            .filter(|n| !expected.contains(&n.as_str()))
            .collect();
        assert!(
            unexpected.is_empty(),
            "alerts the workload should not raise: {unexpected:?}\n{}",
            describe()
        );
        Ok(())
    }
}

/// What the straggler's alert carries besides what every alert does: the stage, and the
/// panel of Spark Profiling that ranks the stages by skew. Other alerts pass.
pub fn straggler(name: &str, a: &Value) {
    if name == "SparkStageTaskSkewSevere" {
        assert_eq!(a["labels"]["severity"], "warning", "{a}");
        assert!(a["labels"]["stage_id"].is_string(), "{a}");
        assert!(
            a["annotations"]["dashboard_url"]
                .as_str()
                .unwrap_or_default()
                .contains("/d/spark-profiling?viewPanel="),
            "{a}"
        );
    }
}

/// The alerts of one webhook notification (Alertmanager 0.25's webhook payload, version
/// 4: `alerts[]` with `labels` and `annotations`; notify/webhook/webhook.go).
fn alerts(body: &Value) -> impl Iterator<Item = &Value> {
    body["alerts"].as_array().into_iter().flatten()
}
