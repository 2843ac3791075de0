//! Checks on Prometheus rule groups ([`dashboard_model::rules`]): what `promtool check
//! rules` would accept but would page wrongly, or not at all. They read the model, so a
//! group written by hand is checked like one built with [`crate::alert`].
//!
//! Every finding names the group, the rule, what is wrong and the fix; `docs/lint.md`
//! lists the rules under "Rules".

use std::collections::{BTreeMap, BTreeSet};
use std::fmt;

use dashboard_model::rules::{Duration, Rule, RuleGroup};
use dashboard_query::promql::{self, OutputLabels};

use super::Checked;

/// What a rule check found.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum RuleLintKind {
    /// An expression that does not parse as PromQL.
    InvalidPromQl,
    /// A Grafana variable (`$app`, `$__rate_interval`) in an expression: Prometheus
    /// evaluates rules itself and knows no Grafana variables.
    GrafanaVariable,
    /// `{{ $labels.x }}` in an annotation or label where the expression's result has no
    /// label `x` (an aggregation removed it): the message would show an empty string.
    TemplateLabelDropped,
    /// A template that does not close its `{{`.
    InvalidTemplate,
    /// Two alerting rules of one group with one name.
    DuplicateAlertName,
    /// A `for` shorter than the group's evaluation interval: the alert fires on the first
    /// evaluation that sees it, so the `for` means nothing.
    ForShorterThanInterval,
    /// A recording rule name that is not a metric name, or not `level:metric:operations`.
    RecordingRuleName,
    /// An alert without a `severity` label of `critical`, `warning` or `info`.
    Severity,
    /// An alert without a `summary` annotation.
    MissingSummary,
    /// A label or annotation name that Prometheus refuses.
    InvalidLabelName,
    /// A group name that is empty, not a file name, or used by two groups.
    GroupName,
    /// A `dashboard_url` whose panel key is on no built dashboard (or on several).
    UnknownPanel,
}

impl RuleLintKind {
    /// A short stable name, for reports and tests.
    ///
    /// ```
    /// use dashboard_dsl::lint::RuleLintKind;
    /// assert_eq!(RuleLintKind::ForShorterThanInterval.name(), "rule-for-shorter-than-interval");
    /// ```
    pub fn name(self) -> &'static str {
        match self {
            RuleLintKind::InvalidPromQl => "rule-invalid-promql",
            RuleLintKind::GrafanaVariable => "rule-grafana-variable",
            RuleLintKind::TemplateLabelDropped => "rule-template-label-dropped",
            RuleLintKind::InvalidTemplate => "rule-invalid-template",
            RuleLintKind::DuplicateAlertName => "rule-duplicate-alert-name",
            RuleLintKind::ForShorterThanInterval => "rule-for-shorter-than-interval",
            RuleLintKind::RecordingRuleName => "rule-recording-name",
            RuleLintKind::Severity => "rule-severity",
            RuleLintKind::MissingSummary => "rule-missing-summary",
            RuleLintKind::InvalidLabelName => "rule-invalid-label-name",
            RuleLintKind::GroupName => "rule-group-name",
            RuleLintKind::UnknownPanel => "rule-unknown-panel",
        }
    }
}

/// One problem of a rule, located by group and rule, with a fix.
///
/// ```
/// use dashboard_dsl::lint::{RuleLintError, RuleLintKind};
/// let e = RuleLintError {
///     group: "spark".into(),
///     rule: Some("JobFailed".into()),
///     kind: RuleLintKind::MissingSummary,
///     message: "no summary".into(),
///     help: "add one".into(),
/// };
/// assert_eq!(e.to_string(), "[rule-missing-summary] group `spark`, rule `JobFailed`: no summary (help: add one)");
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RuleLintError {
    /// The group's name.
    pub group: String,
    /// The rule's name (alert or record), when the problem is a rule's.
    pub rule: Option<String>,
    /// The check.
    pub kind: RuleLintKind,
    /// What is wrong.
    pub message: String,
    /// How to fix it.
    pub help: String,
}

impl fmt::Display for RuleLintError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "[{}] group `{}`", self.kind.name(), self.group)?;
        if let Some(r) = &self.rule {
            write!(f, ", rule `{r}`")?;
        }
        write!(f, ": {} (help: {})", self.message, self.help)
    }
}

/// The severities an alert may carry, as the `severity` label's values.
pub const SEVERITIES: [&str; 3] = ["critical", "warning", "info"];

/// Prometheus' default `evaluation_interval`, for a group that sets no `interval`.
pub const DEFAULT_EVALUATION_INTERVAL: Duration = Duration::minutes(1);

/// Every check of one group. `checked` holds the result labels of expressions `promql!`
/// parsed at compile time (by expression text); others are parsed here. `default_interval`
/// is the Prometheus `evaluation_interval` the group runs at when it sets none.
///
/// ```
/// use dashboard_dsl::lint::{lint_rule_group, Checked, RuleLintKind, DEFAULT_EVALUATION_INTERVAL};
/// use dashboard_dsl::rules::{AlertingRule, Rule, RuleGroup};
/// let group = RuleGroup {
///     name: "demo".into(),
///     rules: vec![Rule::Alerting(AlertingRule {
///         alert: "Down".into(),
///         expr: "sum(up) == 0".into(),
///         labels: [("severity".to_string(), "critical".to_string())].into(),
///         annotations: [("summary".to_string(), "{{ $labels.job }} is down".to_string())].into(),
///         ..AlertingRule::default()
///     })],
///     ..RuleGroup::default()
/// };
/// let found = lint_rule_group(&group, &Checked::default(), DEFAULT_EVALUATION_INTERVAL);
/// assert_eq!(found.len(), 1);
/// assert_eq!(found[0].kind, RuleLintKind::TemplateLabelDropped);
/// ```
pub fn lint_rule_group(
    group: &RuleGroup,
    checked: &Checked,
    default_interval: Duration,
) -> Vec<RuleLintError> {
    let mut errors = Vec::new();
    let err = |rule: Option<&str>, kind, message: String, help: &str| RuleLintError {
        group: group.name.clone(),
        rule: rule.map(str::to_string),
        kind,
        message,
        help: help.to_string(),
    };
    if let Some(problem) = group_name_problem(&group.name) {
        errors.push(err(
            None,
            RuleLintKind::GroupName,
            problem,
            "name groups with letters, digits, `-`, `_` and `.`: the group's file is named after it",
        ));
    }
    let interval = group.interval.unwrap_or(default_interval);
    let mut alerts: BTreeSet<&str> = BTreeSet::new();
    for rule in &group.rules {
        let name = rule.name();
        let at = Some(name);
        let output = expression(rule.expr(), checked, &mut |kind, message, help| {
            errors.push(err(at, kind, message, help));
        });
        match rule {
            Rule::Recording(r) => {
                if let Some(problem) = recording_name_problem(&r.record) {
                    errors.push(err(
                        at,
                        RuleLintKind::RecordingRuleName,
                        problem,
                        "name recorded series `level:metric:operations`, such as `application_id:metrics_executor_failedTasks:rate5m`",
                    ));
                }
                label_names(&r.labels, "label", &mut |m| {
                    errors.push(err(at, RuleLintKind::InvalidLabelName, m, LABEL_HELP))
                });
            }
            Rule::Alerting(a) => {
                if !alerts.insert(&a.alert) {
                    errors.push(err(
                        at,
                        RuleLintKind::DuplicateAlertName,
                        format!("alert `{}` is defined twice in this group", a.alert),
                        "give each alert of a group its own name; routing, silences and inhibitions match on it",
                    ));
                }
                if let Some(f) = a.r#for.filter(|f| !f.is_zero() && *f < interval) {
                    errors.push(err(
                        at,
                        RuleLintKind::ForShorterThanInterval,
                        format!(
                            "`for: {f}` is shorter than the group's evaluation interval ({interval}{}): the alert fires on the first evaluation that sees it",
                            if group.interval.is_none() { ", Prometheus' default" } else { "" }
                        ),
                        "make `for` at least the interval (or drop it to fire at once), or evaluate the group more often",
                    ));
                }
                match a.labels.get("severity").map(String::as_str) {
                    Some(s) if SEVERITIES.contains(&s) => {}
                    other => errors.push(err(
                        at,
                        RuleLintKind::Severity,
                        match other {
                            Some(s) => format!("severity `{s}` is none of critical, warning, info"),
                            None => "the alert has no `severity` label".to_string(),
                        },
                        "set the severity with `Severity::Critical`, `Warning` or `Info`; Alertmanager routes on it",
                    )),
                }
                if !a.annotations.contains_key("summary") {
                    errors.push(err(
                        at,
                        RuleLintKind::MissingSummary,
                        "the alert has no `summary` annotation".into(),
                        "add `.summary(…)`: it is the line a page shows",
                    ));
                }
                label_names(&a.labels, "label", &mut |m| {
                    errors.push(err(at, RuleLintKind::InvalidLabelName, m, LABEL_HELP))
                });
                label_names(&a.annotations, "annotation", &mut |m| {
                    errors.push(err(at, RuleLintKind::InvalidLabelName, m, LABEL_HELP))
                });
                let texts = a
                    .labels
                    .iter()
                    .map(|(k, v)| ("label", k, v))
                    .chain(a.annotations.iter().map(|(k, v)| ("annotation", k, v)));
                for (what, key, text) in texts {
                    match template_labels(text) {
                        Err(message) => errors.push(err(
                            at,
                            RuleLintKind::InvalidTemplate,
                            format!("{what} `{key}`: {message}"),
                            "close every `{{` with `}}`",
                        )),
                        Ok(used) => {
                            let Some(output) = &output else { continue };
                            for label in used.iter().filter(|l| !output.may_contain(l)) {
                                errors.push(err(
                                    at,
                                    RuleLintKind::TemplateLabelDropped,
                                    format!(
                                        "{what} `{key}` uses `$labels.{label}`, which the expression's result does not carry{}",
                                        carried(output)
                                    ),
                                    "keep the label in the aggregation (`by (…)`) or take it out of the template",
                                ));
                            }
                        }
                    }
                }
            }
        }
    }
    errors
}

/// Checks across groups: each name once (a group's file is named after it), then every
/// group's own checks.
///
/// ```
/// use dashboard_dsl::lint::{lint_rule_groups, Checked, RuleLintKind, DEFAULT_EVALUATION_INTERVAL};
/// use dashboard_dsl::rules::RuleGroup;
/// let g = RuleGroup { name: "spark".into(), ..RuleGroup::default() };
/// let found = lint_rule_groups([&g, &g], &Checked::default(), DEFAULT_EVALUATION_INTERVAL);
/// assert_eq!(found[0].kind, RuleLintKind::GroupName);
/// ```
pub fn lint_rule_groups<'a>(
    groups: impl IntoIterator<Item = &'a RuleGroup>,
    checked: &Checked,
    default_interval: Duration,
) -> Vec<RuleLintError> {
    let mut errors = Vec::new();
    let mut seen = BTreeSet::new();
    for g in groups {
        if !seen.insert(g.name.as_str()) {
            errors.push(RuleLintError {
                group: g.name.clone(),
                rule: None,
                kind: RuleLintKind::GroupName,
                message: format!("group `{}` is defined twice", g.name),
                help: "give each group its own name: each is written to a file of its own".into(),
            });
        }
        errors.extend(lint_rule_group(g, checked, default_interval));
    }
    errors
}

const LABEL_HELP: &str = "label and annotation names are `[a-zA-Z_][a-zA-Z0-9_]*`";

/// The expression's result labels, or `None` (reported) when it cannot be checked.
fn expression(
    expr: &str,
    checked: &Checked,
    report: &mut impl FnMut(RuleLintKind, String, &str),
) -> Option<OutputLabels> {
    let vars: Vec<&str> = dashboard_query::template::var_names(expr).collect();
    if !vars.is_empty() {
        report(
            RuleLintKind::GrafanaVariable,
            format!(
                "the expression uses Grafana variables ({}), which Prometheus does not expand",
                vars.iter()
                    .map(|v| format!("`${v}`"))
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
            "write the value itself: a range such as `[5m]` for `$__rate_interval`, a label matcher or a `by (…)` for a dashboard variable",
        );
        return None;
    }
    if let Some(labels) = checked.get(expr) {
        return Some(labels.clone());
    }
    match promql::parse(expr) {
        Ok(parsed) => Some(promql::output_labels(&parsed)),
        Err(e) => {
            report(
                RuleLintKind::InvalidPromQl,
                e.explain("invalid PromQL", expr),
                "write the expression with `promql!`, which checks it at compile time",
            );
            None
        }
    }
}

/// What the result carries, for the message.
fn carried(output: &OutputLabels) -> String {
    match output {
        OutputLabels::Only(set) if set.is_empty() => " (it has no labels)".into(),
        OutputLabels::Only(set) => format!(
            " (it has only {})",
            set.iter()
                .map(|l| format!("`{l}`"))
                .collect::<Vec<_>>()
                .join(", ")
        ),
        _ => String::new(),
    }
}

/// The labels a Prometheus template reads: `$labels.x`, `.Labels.x` and
/// `index $labels "x"` inside `{{ … }}` actions.
///
/// ```
/// let used = dashboard_dsl::lint::template_labels("{{ $labels.executor_id }} of {{ index $labels \"app\" }}: {{ $value }}").unwrap();
/// assert_eq!(used.into_iter().collect::<Vec<_>>(), ["app", "executor_id"]);
/// assert!(dashboard_dsl::lint::template_labels("{{ $labels.x").is_err());
/// ```
pub fn template_labels(text: &str) -> Result<BTreeSet<String>, String> {
    let mut used = BTreeSet::new();
    let mut rest = text;
    while let Some(open) = rest.find("{{") {
        let after = &rest[open + 2..];
        let Some(close) = after.find("}}") else {
            return Err(format!(
                "`{{{{` at byte {} is never closed",
                text.len() - rest.len() + open
            ));
        };
        let action = &after[..close];
        for prefix in ["$labels.", ".Labels."] {
            let mut a = action;
            while let Some(at) = a.find(prefix) {
                let name: String = a[at + prefix.len()..]
                    .chars()
                    .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
                    .collect();
                // `$.Labels.x` is also `.Labels.x`; `$labels.` alone reads nothing.
                if !name.is_empty() {
                    used.insert(name);
                }
                a = &a[at + prefix.len()..];
            }
        }
        let mut a = action;
        while let Some(at) = a.find("index $labels \"") {
            let start = &a[at + 15..];
            if let Some(end) = start.find('"') {
                used.insert(start[..end].to_string());
            }
            a = start;
        }
        rest = &after[close + 2..];
    }
    Ok(used)
}

/// Why a label or annotation name would be refused, for each bad one.
fn label_names(map: &BTreeMap<String, String>, what: &str, report: &mut impl FnMut(String)) {
    for name in map.keys() {
        if !is_label_name(name) {
            report(format!("{what} name `{name}` is not a valid label name"));
        }
    }
}

fn is_label_name(name: &str) -> bool {
    let mut chars = name.chars();
    chars
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_')
}

/// Whether `name` is a valid metric name (`[a-zA-Z_:][a-zA-Z0-9_:]*`).
///
/// ```
/// assert!(dashboard_dsl::lint::is_metric_name("job:up:sum"));
/// assert!(!dashboard_dsl::lint::is_metric_name("job-up"));
/// ```
pub fn is_metric_name(name: &str) -> bool {
    let mut chars = name.chars();
    chars
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic() || c == '_' || c == ':')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_' || c == ':')
}

fn recording_name_problem(name: &str) -> Option<String> {
    if !is_metric_name(name) {
        return Some(format!(
            "`{name}` is not a valid metric name (`[a-zA-Z_:][a-zA-Z0-9_:]*`)"
        ));
    }
    let parts: Vec<&str> = name.split(':').collect();
    if parts.len() != 3 || parts.iter().any(|p| p.is_empty()) {
        return Some(format!(
            "`{name}` does not follow `level:metric:operations` (three parts, separated by `:`)"
        ));
    }
    None
}

fn group_name_problem(name: &str) -> Option<String> {
    if name.is_empty() {
        return Some("the group has no name".into());
    }
    let ok = name
        .chars()
        .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'))
        && !name.starts_with('.');
    (!ok).then(|| format!("group name `{name}` cannot be a file name"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn template_labels_reads_every_form_and_ignores_the_rest() {
        let used = template_labels(
            "{{ .Labels.a }} {{$labels.b}} {{ $labels.b }} {{ $value | humanize }} {{ $externalLabels.c }} $labels.d",
        )
        .unwrap();
        assert_eq!(used.into_iter().collect::<Vec<_>>(), ["a", "b"]);
        assert!(template_labels("no template").unwrap().is_empty());
        assert!(template_labels("{{ $labels. }}").unwrap().is_empty());
        assert!(template_labels("{{ index $labels \"unclosed }}")
            .unwrap()
            .is_empty());
        assert!(template_labels("a }} b").unwrap().is_empty());
        assert!(template_labels("ok {{ $value }} then {{").is_err());
    }

    #[test]
    fn recording_names_follow_the_convention() {
        assert_eq!(recording_name_problem("a:b:c"), None);
        assert_eq!(
            recording_name_problem("application_id:x_total:rate5m"),
            None
        );
        for bad in ["a:b", "a::c", "a:b:c:d", "plain", "a-b:c:d", "1a:b:c", ""] {
            assert!(recording_name_problem(bad).is_some(), "{bad}");
        }
    }

    #[test]
    fn group_names_must_be_file_names() {
        assert_eq!(group_name_problem("spark-outcome"), None);
        for bad in ["", "a/b", "..", ".hidden", "a b"] {
            assert!(group_name_problem(bad).is_some(), "{bad}");
        }
    }
}
