//! Prometheus rules as code: [`AlertRule`], [`RecordingRule`] and the [`RuleGroup`] that
//! holds them, built into the rule file model ([`crate::rules`]) and checked by the lint
//! ([`crate::lint::lint_rule_groups`]).
//!
//! - The expression is a [`PromQl`]: `promql!` checks it at compile time, as for panels.
//! - The severity is a [`Severity`], a constructor argument: an alert without one, or with
//!   a severity other than critical, warning and info, does not compile.
//! - `summary` and `description` are Prometheus templates (`{{ $labels.x }}`,
//!   `{{ $value }}`); the lint refuses a label the expression aggregates away.
//! - `dashboard_url` is made from a panel's key: the build finds the dashboard that has
//!   the key among the built dashboards and writes its uid and the panel's id
//!   (`viewPanel=`), so renaming or moving the panel keeps the link, and a key that is on
//!   no dashboard fails the build.
//!
//! ```
//! use dashboard_dsl::alert::{AlertRule, RuleContext, RuleGroup, Severity};
//! use dashboard_dsl::rules::Duration;
//! use dashboard_dsl::{panel, promql, Dashboard};
//!
//! let built = Dashboard::new("spark-jobs", "Jobs")
//!     .panel(panel::stat("failed_tasks", "Failed tasks"))
//!     .build()
//!     .unwrap();
//! let group = RuleGroup::new("spark-outcome").interval(Duration::seconds(30)).alert(
//!     AlertRule::new("SparkTasksFailing", Severity::Warning, promql!(
//!         "sum by (application_name) (rate(metrics_executor_failedTasks_total[5m])) > 0"
//!     ))
//!     .for_(Duration::minutes(5))
//!     .summary("Tasks of {{ $labels.application_name }} are failing")
//!     .description("{{ $value }} tasks failed per second over 5 minutes.")
//!     .runbook_url("https://example.com/recipes/failures.md")
//!     .dashboard_panel("failed_tasks"),
//! );
//! let ctx = RuleContext::new(std::slice::from_ref(&built), "https://grafana.example.com");
//! let model = group.build(&ctx).unwrap();
//! let file = dashboard_dsl::rules::RuleFile { groups: vec![model] }.to_yaml();
//! assert!(file.contains("severity: warning"), "{file}");
//! let id = built.panel_ids["failed_tasks"];
//! assert!(file.contains(&format!("https://grafana.example.com/d/spark-jobs?viewPanel={id}")), "{file}");
//! ```
//!
//! A severity outside the enum is a compile error by construction:
//!
//! ```compile_fail
//! use dashboard_dsl::alert::{AlertRule, Severity};
//! let _ = AlertRule::new("A", Severity::Fatal, dashboard_dsl::promql!("up == 0"));
//! ```

use std::collections::BTreeMap;

use crate::lint::{self, Checked, RuleLintError, RuleLintKind};
use crate::panel::IntoPanelKey;
use crate::query::PromQl;
use crate::rules::{self, Duration};
use crate::BuiltDashboard;

/// How urgent an alert is: its `severity` label, which Alertmanager routes on.
///
/// ```
/// assert_eq!(dashboard_dsl::alert::Severity::Critical.as_str(), "critical");
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Severity {
    /// Someone must act now (a page).
    Critical,
    /// Needs a look during working hours.
    Warning,
    /// Worth knowing; no action (an application completed).
    Info,
}

impl Severity {
    /// The label value.
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Critical => "critical",
            Severity::Warning => "warning",
            Severity::Info => "info",
        }
    }
}

/// The panel an alert links to, resolved by the build.
#[derive(Debug, Clone, PartialEq, Eq)]
struct PanelTarget {
    /// The dashboard's uid, when the author named it; otherwise the key must be on exactly
    /// one dashboard.
    dashboard: Option<String>,
    key: String,
    /// `var-<name>=<template>` parameters.
    vars: Vec<(String, String)>,
}

/// An alerting rule.
///
/// ```
/// use dashboard_dsl::alert::{AlertRule, Severity};
/// use dashboard_dsl::rules::Duration;
/// let a = AlertRule::new("Down", Severity::Critical, dashboard_dsl::promql!("up == 0"))
///     .for_(Duration::minutes(2))
///     .label("team", "data");
/// assert_eq!(a.name(), "Down");
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct AlertRule {
    name: String,
    expr: PromQl,
    for_: Option<Duration>,
    keep_firing_for: Option<Duration>,
    severity: Severity,
    labels: BTreeMap<String, String>,
    annotations: BTreeMap<String, String>,
    panel: Option<PanelTarget>,
    meaning: Option<String>,
}

impl AlertRule {
    /// An alert named `name` (its `alertname`), of `severity`, firing for every series
    /// `expr` returns.
    pub fn new(name: &str, severity: Severity, expr: PromQl) -> Self {
        AlertRule {
            name: name.to_string(),
            expr,
            for_: None,
            keep_firing_for: None,
            severity,
            labels: BTreeMap::new(),
            annotations: BTreeMap::new(),
            panel: None,
            meaning: None,
        }
    }

    /// The alert's name.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The alert's severity.
    pub fn severity(&self) -> Severity {
        self.severity
    }

    /// Fire only once the expression has returned the series for this long (`for`).
    pub fn for_(mut self, d: Duration) -> Self {
        self.for_ = Some(d);
        self
    }

    /// Keep firing this long after the series is gone (`keep_firing_for`).
    pub fn keep_firing_for(mut self, d: Duration) -> Self {
        self.keep_firing_for = Some(d);
        self
    }

    /// A label on the alert (the value may be a template). `severity` is set by
    /// [`Severity`], not here.
    pub fn label(mut self, name: &str, value: &str) -> Self {
        self.labels.insert(name.to_string(), value.to_string());
        self
    }

    /// An annotation (the value may be a template).
    pub fn annotation(mut self, name: &str, value: &str) -> Self {
        self.annotations.insert(name.to_string(), value.to_string());
        self
    }

    /// The one line a notification shows, such as `Job {{ $labels.job_id }} of
    /// {{ $labels.application_name }} failed`.
    pub fn summary(self, text: &str) -> Self {
        self.annotation("summary", text)
    }

    /// What it means and what to look at; `{{ $value }}` is the expression's value.
    pub fn description(self, text: &str) -> Self {
        self.annotation("description", text)
    }

    /// The recipe that explains the alert and what to do (`runbook_url`).
    pub fn runbook_url(self, url: &str) -> Self {
        self.annotation("runbook_url", url)
    }

    /// What the alert means in words without templates, for where only the alert's name
    /// and labels are known: a dashboard's table of firing alerts reads Prometheus'
    /// `ALERTS` series, which carry labels but no annotations. Not written to the rule.
    pub fn meaning(mut self, text: &str) -> Self {
        self.meaning = Some(text.to_string());
        self
    }

    /// [`Self::meaning`] if set, else the summary with each `{{ $labels.x }}` written as
    /// `‹x›` (a table of firing alerts shows the labels beside it), else the name.
    ///
    /// ```
    /// use dashboard_dsl::alert::{AlertRule, Severity};
    /// let a = AlertRule::new("JobFailed", Severity::Warning, dashboard_dsl::promql!("up == 0"))
    ///     .summary("A job of {{ $labels.application_id }} failed");
    /// assert_eq!(a.meaning_text(), "A job of ‹application_id› failed");
    /// assert_eq!(a.clone().meaning("A job failed").meaning_text(), "A job failed");
    /// ```
    pub fn meaning_text(&self) -> String {
        if let Some(m) = &self.meaning {
            return m.clone();
        }
        let Some(summary) = self.annotations.get("summary") else {
            return self.name.clone();
        };
        let mut out = String::new();
        let mut rest = summary.as_str();
        while let Some(start) = rest.find("{{") {
            out.push_str(&rest[..start]);
            let Some(end) = rest[start..].find("}}") else {
                break;
            };
            let inner = rest[start + 2..start + end].trim();
            match inner.strip_prefix("$labels.") {
                Some(label) => out.push_str(&format!("‹{label}›")),
                None => out.push('…'),
            }
            rest = &rest[start + end + 2..];
        }
        out.push_str(rest);
        out
    }

    /// The `runbook_url` annotation, if set.
    pub fn runbook(&self) -> Option<&str> {
        self.annotations.get("runbook_url").map(String::as_str)
    }

    /// Link to the panel with this key (`dashboard_url`), on whichever built dashboard has
    /// it; the build fails if none or several do (then use [`Self::dashboard_panel_on`]).
    pub fn dashboard_panel(mut self, key: impl IntoPanelKey) -> Self {
        self.panel = Some(PanelTarget {
            dashboard: None,
            key: key.into_panel_key().into_owned(),
            vars: Vec::new(),
        });
        self
    }

    /// Link to the panel with this key on the dashboard with this uid.
    pub fn dashboard_panel_on(mut self, uid: &str, key: impl IntoPanelKey) -> Self {
        self.panel = Some(PanelTarget {
            dashboard: Some(uid.to_string()),
            key: key.into_panel_key().into_owned(),
            vars: Vec::new(),
        });
        self
    }

    /// Sets the dashboard variable `name` in the link (`&var-name=…`) to a template, such
    /// as `{{ $labels.application_name }}` (written through `urlquery`). Needs a
    /// `dashboard_panel` first; without one it does nothing.
    pub fn dashboard_var(mut self, name: &str, template: &str) -> Self {
        if let Some(p) = &mut self.panel {
            p.vars.push((name.to_string(), template.to_string()));
        }
        self
    }

    fn build(
        self,
        ctx: &RuleContext<'_>,
        group: &str,
        errors: &mut Vec<RuleLintError>,
    ) -> rules::AlertingRule {
        let mut labels = self.labels;
        if labels.contains_key("severity") {
            errors.push(RuleLintError {
                group: group.to_string(),
                rule: Some(self.name.clone()),
                kind: RuleLintKind::Severity,
                message: "`severity` is set with `.label`".into(),
                help: "remove `.label(\"severity\", …)`: the `Severity` given to `AlertRule::new` sets it".into(),
            });
        }
        labels.insert("severity".into(), self.severity.as_str().into());
        if let Some(m) = self.meaning.as_deref().filter(|m| m.contains("{{")) {
            errors.push(RuleLintError {
                group: group.to_string(),
                rule: Some(self.name.clone()),
                kind: RuleLintKind::InvalidTemplate,
                message: format!("the meaning `{m}` has a template, which nothing expands: tables of firing alerts read `ALERTS`, which has no annotations"),
                help: "write the meaning without `{{ }}`: the table shows the alert's labels beside it".into(),
            });
        }
        let mut annotations = self.annotations;
        if let Some(target) = &self.panel {
            match ctx.panel_url(target) {
                Ok(url) => {
                    annotations.insert("dashboard_url".into(), url);
                }
                Err(message) => errors.push(RuleLintError {
                    group: group.to_string(),
                    rule: Some(self.name.clone()),
                    kind: RuleLintKind::UnknownPanel,
                    message,
                    help: "link to a key of a panel of a built dashboard (`#[derive(PanelKey)]`), and name the dashboard with `dashboard_panel_on` if several have it".into(),
                }),
            }
        }
        rules::AlertingRule {
            alert: self.name,
            expr: self.expr.as_str().to_string(),
            r#for: self.for_,
            keep_firing_for: self.keep_firing_for,
            labels,
            annotations,
        }
    }
}

/// A recording rule: the expression evaluated and stored as a series of its own, for
/// what dashboards and alerts share.
///
/// ```
/// use dashboard_dsl::alert::RecordingRule;
/// let r = RecordingRule::new(
///     "application_name:metrics_executor_failedTasks:rate5m",
///     dashboard_dsl::promql!("sum by (application_name) (rate(metrics_executor_failedTasks_total[5m]))"),
/// );
/// assert_eq!(r.name(), "application_name:metrics_executor_failedTasks:rate5m");
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct RecordingRule {
    name: String,
    expr: PromQl,
    labels: BTreeMap<String, String>,
}

impl RecordingRule {
    /// Records `expr` as the series `name` (`level:metric:operations`).
    pub fn new(name: &str, expr: PromQl) -> Self {
        RecordingRule {
            name: name.to_string(),
            expr,
            labels: BTreeMap::new(),
        }
    }

    /// The recorded series' name.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// A label added to the recorded series.
    pub fn label(mut self, name: &str, value: &str) -> Self {
        self.labels.insert(name.to_string(), value.to_string());
        self
    }
}

#[derive(Debug, Clone, PartialEq)]
enum RuleSpec {
    Alert(AlertRule),
    Record(RecordingRule),
}

impl RuleSpec {
    fn expr(&self) -> &PromQl {
        match self {
            RuleSpec::Alert(a) => &a.expr,
            RuleSpec::Record(r) => &r.expr,
        }
    }
}

/// A group of rules, evaluated together every `interval`; written to a file of its own.
///
/// ```
/// use dashboard_dsl::alert::{RecordingRule, RuleGroup};
/// let g = RuleGroup::new("spark-outcome").record(RecordingRule::new(
///     "application_name:metrics_executor_failedTasks:rate5m",
///     dashboard_dsl::promql!("sum by (application_name) (rate(metrics_executor_failedTasks_total[5m]))"),
/// ));
/// assert_eq!(g.name(), "spark-outcome");
/// assert_eq!(g.len(), 1);
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct RuleGroup {
    name: String,
    interval: Option<Duration>,
    limit: Option<u64>,
    rules: Vec<RuleSpec>,
}

impl RuleGroup {
    /// An empty group; its file is `<name>.yml`.
    pub fn new(name: &str) -> Self {
        RuleGroup {
            name: name.to_string(),
            interval: None,
            limit: None,
            rules: Vec::new(),
        }
    }

    /// The group's name.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The group's alerting rules, in order (recording rules left out).
    ///
    /// ```
    /// use dashboard_dsl::alert::{AlertRule, RuleGroup, Severity};
    /// let g = RuleGroup::new("g").alert(AlertRule::new("A", Severity::Info, dashboard_dsl::promql!("up")));
    /// assert_eq!(g.alerts().map(|a| a.name()).collect::<Vec<_>>(), ["A"]);
    /// ```
    pub fn alerts(&self) -> impl Iterator<Item = &AlertRule> {
        self.rules.iter().filter_map(|r| match r {
            RuleSpec::Alert(a) => Some(a),
            RuleSpec::Record(_) => None,
        })
    }

    /// How many rules it has.
    pub fn len(&self) -> usize {
        self.rules.len()
    }

    /// Whether it has no rule.
    pub fn is_empty(&self) -> bool {
        self.rules.is_empty()
    }

    /// Evaluate every `d` (Prometheus' `evaluation_interval` otherwise).
    pub fn interval(mut self, d: Duration) -> Self {
        self.interval = Some(d);
        self
    }

    /// At most `n` alerts or series per rule.
    pub fn limit(mut self, n: u64) -> Self {
        self.limit = Some(n);
        self
    }

    /// An alerting rule, after the rules added before it.
    pub fn alert(mut self, rule: AlertRule) -> Self {
        self.rules.push(RuleSpec::Alert(rule));
        self
    }

    /// A recording rule, after the rules added before it.
    pub fn record(mut self, rule: RecordingRule) -> Self {
        self.rules.push(RuleSpec::Record(rule));
        self
    }

    /// The group as Prometheus stores it, with its dashboard links resolved, and every
    /// problem the lint finds.
    pub fn build(self, ctx: &RuleContext<'_>) -> Result<rules::RuleGroup, RulesError> {
        let mut built = build_groups(vec![self], ctx)?;
        Ok(built.remove(0))
    }

    /// The group's model, the links resolved, and what `promql!` knew of the expressions.
    fn into_model(
        self,
        ctx: &RuleContext<'_>,
        checked: &mut Checked,
        errors: &mut Vec<RuleLintError>,
    ) -> rules::RuleGroup {
        for r in &self.rules {
            if let Some(labels) = r.expr().checked_labels() {
                checked
                    .entry(r.expr().as_str().to_string())
                    .or_insert_with(|| labels.clone());
            }
        }
        let name = self.name;
        let rules = self
            .rules
            .into_iter()
            .map(|r| match r {
                RuleSpec::Alert(a) => rules::Rule::Alerting(a.build(ctx, &name, errors)),
                RuleSpec::Record(r) => rules::Rule::Recording(rules::RecordingRule {
                    record: r.name,
                    expr: r.expr.as_str().to_string(),
                    labels: r.labels,
                }),
            })
            .collect();
        rules::RuleGroup {
            name,
            interval: self.interval,
            limit: self.limit,
            rules,
        }
    }
}

/// What a rule build resolves against: the built dashboards (for `dashboard_url`), the
/// Grafana they are served from, and Prometheus' `evaluation_interval` for groups that set
/// none.
///
/// ```
/// let ctx = dashboard_dsl::alert::RuleContext::new(&[], "https://grafana.example.com/");
/// assert_eq!(ctx.grafana_url, "https://grafana.example.com");
/// ```
#[derive(Debug, Clone)]
pub struct RuleContext<'a> {
    /// The dashboards the alerts may link to.
    pub dashboards: &'a [BuiltDashboard],
    /// Grafana's root URL, without a trailing `/`.
    pub grafana_url: String,
    /// The evaluation interval of a group without `interval` (Prometheus' default, 1m).
    pub default_interval: Duration,
}

impl<'a> RuleContext<'a> {
    /// Links into `grafana_url`, with Prometheus' default evaluation interval.
    pub fn new(dashboards: &'a [BuiltDashboard], grafana_url: &str) -> Self {
        RuleContext {
            dashboards,
            grafana_url: grafana_url.trim_end_matches('/').to_string(),
            default_interval: lint::DEFAULT_EVALUATION_INTERVAL,
        }
    }

    fn panel_url(&self, target: &PanelTarget) -> Result<String, String> {
        let key = &target.key;
        let on: Vec<(&BuiltDashboard, u32)> = self
            .dashboards
            .iter()
            .filter(|d| {
                target
                    .dashboard
                    .as_ref()
                    .is_none_or(|uid| *uid == d.model.uid)
            })
            .filter_map(|d| d.panel_ids.get(key).map(|id| (d, *id)))
            .collect();
        let (d, id) = match (on.as_slice(), &target.dashboard) {
            ([one], _) => *one,
            ([], Some(uid)) if !self.dashboards.iter().any(|d| d.model.uid == *uid) => {
                return Err(format!(
                    "`dashboard_url`: no built dashboard has uid `{uid}`"
                ))
            }
            ([], Some(uid)) => {
                return Err(format!(
                    "`dashboard_url`: dashboard `{uid}` has no panel with key `{key}`"
                ))
            }
            ([], None) => {
                return Err(format!(
                    "`dashboard_url`: no built dashboard has a panel with key `{key}`"
                ))
            }
            (several, _) => {
                return Err(format!(
                    "`dashboard_url`: panel key `{key}` is on several dashboards ({})",
                    several
                        .iter()
                        .map(|(d, _)| format!("`{}`", d.model.uid))
                        .collect::<Vec<_>>()
                        .join(", ")
                ))
            }
        };
        let mut url = format!("{}/d/{}?viewPanel={id}", self.grafana_url, d.model.uid);
        for (name, template) in &target.vars {
            url.push_str(&format!("&var-{name}={}", urlquery(template)));
        }
        Ok(url)
    }
}

/// A template's actions piped through Go's `urlquery`, so that a label value with `&` or
/// a space stays one parameter: `{{ $labels.x }}` becomes `{{ $labels.x | urlquery }}`.
fn urlquery(template: &str) -> String {
    let mut out = String::new();
    let mut rest = template;
    while let Some(open) = rest.find("{{") {
        let Some(close) = rest[open..].find("}}") else {
            break;
        };
        out.push_str(&rest[..open]);
        let action = rest[open + 2..open + close].trim();
        out.push_str(&format!("{{{{ {action} | urlquery }}}}"));
        rest = &rest[open + close + 2..];
    }
    out.push_str(rest);
    out
}

/// Every problem of a set of rule groups.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{}", self.render())]
pub struct RulesError {
    /// Each problem, with its group, rule and fix.
    pub errors: Vec<RuleLintError>,
}

impl RulesError {
    fn render(&self) -> String {
        let n = self.errors.len();
        let mut s = format!(
            "rules lint: {n} problem{} found:",
            if n == 1 { "" } else { "s" }
        );
        for e in &self.errors {
            s.push_str("\n  ");
            s.push_str(&e.to_string());
        }
        s
    }
}

/// Builds every group (links resolved against `ctx`) and lints them together; fails with
/// every problem.
///
/// ```
/// use dashboard_dsl::alert::{build_groups, AlertRule, RuleContext, RuleGroup, Severity};
/// let a = || AlertRule::new("Down", Severity::Critical, dashboard_dsl::promql!("up == 0")).summary("down");
/// let ctx = RuleContext::new(&[], "http://localhost:3000");
/// let err = build_groups(vec![RuleGroup::new("g").alert(a()).alert(a())], &ctx).unwrap_err();
/// assert!(err.to_string().contains("[rule-duplicate-alert-name] group `g`, rule `Down`"), "{err}");
/// ```
pub fn build_groups(
    groups: Vec<RuleGroup>,
    ctx: &RuleContext<'_>,
) -> Result<Vec<rules::RuleGroup>, RulesError> {
    let mut errors = Vec::new();
    let mut checked = Checked::default();
    let models: Vec<rules::RuleGroup> = groups
        .into_iter()
        .map(|g| g.into_model(ctx, &mut checked, &mut errors))
        .collect();
    errors.extend(lint::lint_rule_groups(
        &models,
        &checked,
        ctx.default_interval,
    ));
    if errors.is_empty() {
        Ok(models)
    } else {
        Err(RulesError { errors })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{panel, promql, Dashboard};

    fn dashboards() -> Vec<BuiltDashboard> {
        ["a", "b"]
            .iter()
            .map(|uid| {
                Dashboard::new(uid, "D")
                    .panel(panel::stat("shared", "Shared"))
                    .panel(panel::stat(format!("only_{uid}"), "Own"))
                    .build()
                    .unwrap()
            })
            .collect()
    }

    fn alert() -> AlertRule {
        AlertRule::new(
            "A",
            Severity::Warning,
            promql!("sum by (application_name) (up) == 0"),
        )
        .summary("{{ $labels.application_name }} is down")
    }

    fn kinds(r: Result<Vec<rules::RuleGroup>, RulesError>) -> Vec<RuleLintKind> {
        r.unwrap_err().errors.iter().map(|e| e.kind).collect()
    }

    #[test]
    fn a_meaning_with_a_template_names_the_rule() {
        let ctx = RuleContext::new(&[], "http://g/");
        let g =
            RuleGroup::new("g").alert(alert().meaning("{{ $labels.application_name }} is down"));
        let err = build_groups(vec![g], &ctx).unwrap_err();
        assert_eq!(err.errors[0].kind, RuleLintKind::InvalidTemplate);
        assert!(err.to_string().contains("group `g`, rule `A`"), "{err}");
        let g = RuleGroup::new("g").alert(alert().meaning("An application is down"));
        assert!(build_groups(vec![g], &ctx).is_ok());
        assert_eq!(alert().meaning_text(), "‹application_name› is down");
    }

    #[test]
    fn dashboard_urls_resolve_by_key_and_fail_clearly() {
        let built = dashboards();
        let ctx = RuleContext::new(&built, "http://g/");
        let g = RuleGroup::new("g").alert(
            alert()
                .dashboard_panel("only_b")
                .dashboard_var("app", "{{ $labels.application_name }}"),
        );
        let m = build_groups(vec![g], &ctx).unwrap();
        let rules::Rule::Alerting(a) = &m[0].rules[0] else {
            panic!()
        };
        assert_eq!(
            a.annotations["dashboard_url"],
            format!(
                "http://g/d/b?viewPanel={}&var-app={{{{ $labels.application_name | urlquery }}}}",
                built[1].panel_ids["only_b"]
            )
        );
        let on = RuleGroup::new("g").alert(alert().dashboard_panel_on("a", "shared"));
        assert!(build_groups(vec![on], &ctx).is_ok());
        for (target, says) in [
            (
                alert().dashboard_panel("renamed"),
                "no built dashboard has a panel with key `renamed`",
            ),
            (
                alert().dashboard_panel("shared"),
                "is on several dashboards (`a`, `b`)",
            ),
            (
                alert().dashboard_panel_on("c", "shared"),
                "no built dashboard has uid `c`",
            ),
            (
                alert().dashboard_panel_on("a", "only_b"),
                "dashboard `a` has no panel with key `only_b`",
            ),
        ] {
            let err = build_groups(vec![RuleGroup::new("g").alert(target)], &ctx).unwrap_err();
            assert_eq!(err.errors.len(), 1, "{err}");
            assert_eq!(err.errors[0].kind, RuleLintKind::UnknownPanel);
            let text = err.to_string();
            assert!(
                text.contains(says) && text.contains("group `g`, rule `A`"),
                "{text}"
            );
        }
    }

    #[test]
    fn each_check_names_the_group_and_the_rule() {
        let ctx = RuleContext::new(&[], "http://g");
        let one = |g: RuleGroup| kinds(build_groups(vec![g], &ctx));
        assert_eq!(
            one(RuleGroup::new("g").alert(alert().summary("{{ $labels.executor_id }}"))),
            [RuleLintKind::TemplateLabelDropped]
        );
        assert_eq!(
            one(RuleGroup::new("g").alert(alert().description("{{ $labels.job }} {{ $value"))),
            [RuleLintKind::InvalidTemplate]
        );
        assert_eq!(
            one(RuleGroup::new("g").alert(alert()).alert(alert())),
            [RuleLintKind::DuplicateAlertName]
        );
        assert_eq!(
            one(RuleGroup::new("g")
                .interval(Duration::minutes(2))
                .alert(alert().for_(Duration::minutes(1)))),
            [RuleLintKind::ForShorterThanInterval]
        );
        // Prometheus' default interval (1m) when the group sets none; `for: 0s` fires at once.
        assert_eq!(
            one(RuleGroup::new("g").alert(alert().for_(Duration::seconds(30)))),
            [RuleLintKind::ForShorterThanInterval]
        );
        assert!(one_ok(
            &ctx,
            RuleGroup::new("g").alert(alert().for_(Duration::seconds(0)))
        ));
        assert!(one_ok(
            &ctx,
            RuleGroup::new("g").alert(alert().for_(Duration::minutes(1)))
        ));
        for bad in ["up_sum", "job:up", "a:b:c:d", "job-up:x:y"] {
            assert_eq!(
                one(RuleGroup::new("g").record(RecordingRule::new(bad, promql!("sum(up)")))),
                [RuleLintKind::RecordingRuleName],
                "{bad}"
            );
        }
        assert_eq!(
            one(RuleGroup::new("g").alert(alert().label("severity", "fatal"))),
            [RuleLintKind::Severity]
        );
        assert_eq!(
            one(RuleGroup::new("g").alert(AlertRule::new("A", Severity::Info, promql!("up")))),
            [RuleLintKind::MissingSummary]
        );
        assert_eq!(
            one(RuleGroup::new("g").alert(alert().label("bad-name", "x"))),
            [RuleLintKind::InvalidLabelName]
        );
        assert_eq!(
            one(RuleGroup::new("g")
                .alert(AlertRule::new("A", Severity::Info, PromQl::new("sum by (")).summary("s"))),
            [RuleLintKind::InvalidPromQl]
        );
        assert_eq!(
            one(RuleGroup::new("g").alert(
                AlertRule::new(
                    "A",
                    Severity::Info,
                    promql!("rate(up[$__rate_interval]) > 0")
                )
                .summary("s")
            )),
            [RuleLintKind::GrafanaVariable]
        );
        assert_eq!(one(RuleGroup::new("a/b")), [RuleLintKind::GroupName]);
        let text = build_groups(
            vec![RuleGroup::new("outcome").alert(alert().summary("{{ $labels.executor_id }}"))],
            &ctx,
        )
        .unwrap_err()
        .to_string();
        assert!(
            text.contains("[rule-template-label-dropped] group `outcome`, rule `A`: annotation `summary` uses `$labels.executor_id`, which the expression's result does not carry (it has only `application_name`)"),
            "{text}"
        );
        assert_eq!(
            kinds(build_groups(
                vec![RuleGroup::new("g"), RuleGroup::new("g")],
                &ctx
            )),
            [RuleLintKind::GroupName]
        );
    }

    fn one_ok(ctx: &RuleContext<'_>, g: RuleGroup) -> bool {
        build_groups(vec![g], ctx).is_ok()
    }

    #[test]
    fn the_model_is_deterministic() {
        let ctx = RuleContext::new(&[], "http://g");
        let build = || {
            let g = RuleGroup::new("g")
                .alert(alert().label("team", "x").label("a", "b").description("d"))
                .record(RecordingRule::new(
                    "application_name:up:sum",
                    promql!("sum by (application_name) (up)"),
                ));
            rules::RuleFile {
                groups: build_groups(vec![g], &ctx).unwrap(),
            }
            .to_yaml()
        };
        assert_eq!(build(), build());
        assert!(
            build().contains("labels:\n      a: b\n      severity: warning\n      team: x\n"),
            "{}",
            build()
        );
    }
}
