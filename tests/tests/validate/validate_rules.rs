//! `validate_rules`: the selectors of alert and recording rules against a real Prometheus.
//! Run on the replayed Spark of validate_prometheus.rs (one Prometheus for both).

use dashboard_cli::{build_alerts, DEFAULT_GRAFANA_URL};
use dashboard_dsl::rules::RuleFile;
use dashboard_validate::{validate_rules, Options, Report, Status, RULE_GROUP};
use integration_tests::rules::PROJECT;

/// The Spark groups on a Spark without Kubernetes: every selector of the outcome and
/// heuristics groups matches the run's series (those of recorded series are checked
/// through their recording rule), and the Kubernetes group names the kube-state-metrics
/// series that are not there. Then rules with mistakes, each named with its fix.
pub fn check_on(opts: &Options) {
    let groups = build_alerts(&PROJECT, DEFAULT_GRAFANA_URL).unwrap();
    let report = validate_rules(&groups, opts).unwrap();
    let table = report.to_table();
    for r in &report.rows {
        let kubernetes = r.dashboard == format!("{RULE_GROUP}spark-kubernetes");
        // A batch run: no streaming query, so no streaming gauges.
        let streaming = r.dashboard == format!("{RULE_GROUP}spark-streaming");
        match r.status {
            Status::Pass => assert!(!r.query.starts_with("kube_"), "{table}"),
            Status::Skip => assert!(
                r.query.contains(':') && r.reason.starts_with("recorded by a rule of group"),
                "{table}"
            ),
            Status::Fail => assert!(
                (kubernetes && r.query.starts_with("kube_")
                    || streaming && r.query.starts_with("spark_streaming_"))
                    && r.reason.contains("does not exist"),
                "only kube-state-metrics and streaming gauges are missing here:\n{table}"
            ),
            // Exclusions without series: graceful executor removals (none in this run) and,
            // outside Kubernetes, kube-state-metrics'.
            Status::Warn => assert!(
                (r.query
                    .starts_with("spark_executor_removed_timestamp_seconds{")
                    || kubernetes && r.query.starts_with("kube_")
                    || streaming && r.query.starts_with("spark_streaming_"))
                    && r.reason
                        .starts_with("only narrows the rule (right of `unless`)"),
                "only exclusions may be empty:\n{table}"
            ),
        }
    }
    assert!(table.contains("rule group spark-outcome\n"), "{table}");
    let checked = |group: &str| {
        report
            .rows
            .iter()
            .filter(|r| r.dashboard == format!("{RULE_GROUP}{group}") && r.status == Status::Pass)
            .count()
    };
    assert!(checked("spark-outcome") >= 6, "{table}");
    assert!(checked("spark-heuristics") >= 10, "{table}");

    let mistakes = RuleFile::from_yaml(
        r#"groups:
- name: mistakes
  rules:
  - record: app:active_tasks:sum
    expr: sum by (application_id) (metrics_executor_activeTasks)
  - alert: UsesRecorded
    expr: app:active_tasks:sum > 100
  - alert: Misspelt
    expr: sum(metrics_executor_activeTask) > 0
  - alert: WrongLabel
    expr: metrics_executor_activeTasks{executor_id="no-such-executor"} > 0
  - alert: OnlyOnFailure
    expr: increase(metrics_executor_failedTasks_total[5m]) > 1000
  - alert: Broken
    expr: sum by (x) rate(up[5m])
  - alert: ExcludesNothing
    expr: metrics_executor_activeTasks > 100 unless on (executor_id) no_such_exclusion
"#,
    )
    .unwrap();
    let report = validate_rules(&mistakes.groups, opts).unwrap();
    assert!(!report.passed());
    let row = |rule: &str| {
        report
            .rows
            .iter()
            .find(|r| r.panel.ends_with(&format!(" {rule}")))
            .unwrap_or_else(|| panic!("no row for {rule}:\n{}", report.to_table()))
    };
    assert_eq!(row("app:active_tasks:sum").status, Status::Pass);
    assert_eq!(row("UsesRecorded").status, Status::Skip);
    let misspelt = row("Misspelt");
    assert_eq!(misspelt.status, Status::Fail);
    assert!(
        misspelt.reason.contains(
            "metric `metrics_executor_activeTask` does not exist in the last 5m (did you mean `metrics_executor_activeTasks`?)"
        ),
        "{}",
        misspelt.reason
    );
    let wrong = row("WrongLabel");
    assert_eq!(wrong.status, Status::Fail);
    assert!(
        wrong.reason.contains("a label matcher is wrong"),
        "{}",
        wrong.reason
    );
    assert_eq!(
        wrong.query,
        r#"metrics_executor_activeTasks{executor_id="no-such-executor"}"#
    );
    // Returns nothing on this healthy run, and can fire: not a failure of validate.
    assert_eq!(row("OnlyOnFailure").status, Status::Pass);
    let broken = row("Broken");
    assert_eq!(broken.status, Status::Fail);
    assert!(
        broken.reason.starts_with("does not parse"),
        "{}",
        broken.reason
    );
    let excludes = report
        .rows
        .iter()
        .find(|r| r.query == "no_such_exclusion")
        .unwrap_or_else(|| panic!("{}", report.to_table()));
    assert_eq!(excludes.status, Status::Warn, "{}", report.to_table());
    assert!(
        excludes.reason.contains("excludes nothing here"),
        "{}",
        excludes.reason
    );
    let table = report.to_table();
    assert!(
        table.contains("rule group mistakes\n")
            && table
                .lines()
                .any(|l| l.contains("FAIL") && l.contains("alert Misspelt")),
        "{table}"
    );
}

/// A Prometheus that is not there: one failed row per rule, naming it, not a hang.
#[test]
fn rules_against_an_unreachable_prometheus_fail_per_rule() {
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let file = RuleFile::from_yaml(
        "groups: [{name: g, rules: [{alert: A, expr: up == 0}, {record: 'r:up:sum', expr: sum(up)}]}]",
    )
    .unwrap();
    let opts = Options {
        timeout: std::time::Duration::from_secs(2),
        ..Options::new(&format!("http://127.0.0.1:{port}"))
    };
    let report: Report = validate_rules(&file.groups, &opts).unwrap();
    assert_eq!(report.rows.len(), 2, "{}", report.to_table());
    assert!(report.rows.iter().all(|r| r.status == Status::Fail
        && r.reason.contains("cannot reach Prometheus")
        && r.dashboard == "rule group g"));
    assert!(validate_rules(&file.groups, &Options::new("127.0.0.1:9090")).is_err());
}
