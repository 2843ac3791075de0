//! What Prometheus stores for rules: a rule file (`groups:` of alerting and recording
//! rules) and the Prometheus Operator's `PrometheusRule` object that wraps the same groups.
//!
//! Plain serde types, both ways, with the fields in the order Prometheus documents them
//! (<https://prometheus.io/docs/prometheus/latest/configuration/recording_rules/> and
//! `alerting_rules/`): a group is `name`, `interval`, `limit`, `rules`; an alerting rule
//! `alert`, `expr`, `for`, `keep_firing_for`, `labels`, `annotations`; a recording rule
//! `record`, `expr`, `labels`. Labels and annotations are sorted maps, so one set of rules
//! always writes the same bytes. Unknown fields are refused on reading, as Prometheus
//! refuses them.
//!
//! How rules are written is `dashboard-dsl`'s `alert` module; this is only the file.
//!
//! ```
//! use dashboard_model::rules::{AlertingRule, Duration, Rule, RuleFile, RuleGroup};
//! let file = RuleFile {
//!     groups: vec![RuleGroup {
//!         name: "demo".into(),
//!         interval: Some(Duration::seconds(30)),
//!         limit: None,
//!         rules: vec![Rule::Alerting(AlertingRule {
//!             alert: "Down".into(),
//!             expr: "up == 0".into(),
//!             r#for: Some(Duration::minutes(5)),
//!             ..AlertingRule::default()
//!         })],
//!     }],
//! };
//! let yaml = file.to_yaml();
//! assert!(yaml.contains("for: 5m"), "{yaml}");
//! assert_eq!(RuleFile::from_yaml(&yaml).unwrap(), file);
//! ```

use std::collections::BTreeMap;
use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// A Prometheus rule file: what `rule_files:` loads and `promtool check rules` reads.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RuleFile {
    /// The groups, each evaluated on its own schedule.
    pub groups: Vec<RuleGroup>,
}

impl RuleFile {
    /// The file as YAML: fields in Prometheus' order, maps sorted, a trailing newline;
    /// byte-identical for the same rules.
    ///
    /// ```
    /// let f = dashboard_model::rules::RuleFile::default();
    /// assert_eq!(f.to_yaml(), "groups: []\n");
    /// ```
    pub fn to_yaml(&self) -> String {
        to_yaml(self)
    }

    /// Reads a rule file back.
    ///
    /// ```
    /// use dashboard_model::rules::RuleFile;
    /// assert!(RuleFile::from_yaml("groups: []\n").unwrap().groups.is_empty());
    /// assert!(RuleFile::from_yaml("groupz: []\n").is_err());
    /// ```
    pub fn from_yaml(yaml: &str) -> Result<RuleFile, serde_yaml_ng::Error> {
        serde_yaml_ng::from_str(yaml)
    }
}

/// Serialises rule types; they hold only strings, maps with string keys and integers,
/// which serde_yaml_ng always writes.
fn to_yaml<T: Serialize>(value: &T) -> String {
    let mut yaml = serde_yaml_ng::to_string(value)
        .expect("rule types hold only strings, string-keyed maps and integers");
    if !yaml.ends_with('\n') {
        yaml.push('\n');
    }
    yaml
}

/// One rule group: its rules are evaluated in order, every `interval`.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RuleGroup {
    /// Unique within a file; the rule file of a group is named after it.
    pub name: String,
    /// How often the rules are evaluated; Prometheus' `evaluation_interval` when absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub interval: Option<Duration>,
    /// At most this many alerts or series per rule (0 or absent: no limit).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub limit: Option<u64>,
    /// The rules, in evaluation order.
    pub rules: Vec<Rule>,
}

/// An alerting or a recording rule, told apart by its `alert` or `record` field.
///
/// ```
/// use dashboard_model::rules::Rule;
/// let r: Rule = serde_yaml_ng::from_str("record: job:up:sum\nexpr: sum by (job) (up)\n").unwrap();
/// assert_eq!(r.name(), "job:up:sum");
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum Rule {
    /// `alert: …`
    Alerting(AlertingRule),
    /// `record: …`
    Recording(RecordingRule),
}

impl Rule {
    /// The alert's or the recorded series' name.
    pub fn name(&self) -> &str {
        match self {
            Rule::Alerting(a) => &a.alert,
            Rule::Recording(r) => &r.record,
        }
    }

    /// The PromQL expression.
    pub fn expr(&self) -> &str {
        match self {
            Rule::Alerting(a) => &a.expr,
            Rule::Recording(r) => &r.expr,
        }
    }
}

/// An alerting rule: every series `expr` returns is an alert, pending until it has been
/// returned for `for`, then firing.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AlertingRule {
    /// The alert's name (its `alertname` label).
    pub alert: String,
    /// The PromQL expression.
    pub expr: String,
    /// How long a series must be returned before the alert fires (absent: at once).
    #[serde(default, rename = "for", skip_serializing_if = "Option::is_none")]
    pub r#for: Option<Duration>,
    /// How long the alert keeps firing after the series is gone.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub keep_firing_for: Option<Duration>,
    /// Labels added to the alert; values may be templates.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub labels: BTreeMap<String, String>,
    /// Annotations (summary, description, runbook_url, …); values may be templates.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub annotations: BTreeMap<String, String>,
}

/// A recording rule: `expr` evaluated and stored as the series `record`.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RecordingRule {
    /// The name of the series written, `level:metric:operations` by convention.
    pub record: String,
    /// The PromQL expression.
    pub expr: String,
    /// Labels added to (or replaced on) the recorded series.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub labels: BTreeMap<String, String>,
}

/// The Prometheus Operator's `PrometheusRule` (`monitoring.coreos.com/v1`): the groups of
/// a rule file as a Kubernetes object, which the Operator turns back into a rule file.
///
/// ```
/// use dashboard_model::rules::{PrometheusRule, RuleGroup};
/// let pr = PrometheusRule::new("spark-outcome", vec![RuleGroup { name: "outcome".into(), ..RuleGroup::default() }]);
/// let yaml = pr.to_yaml();
/// assert!(yaml.starts_with("apiVersion: monitoring.coreos.com/v1\nkind: PrometheusRule\n"), "{yaml}");
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct PrometheusRule {
    /// Always `monitoring.coreos.com/v1`.
    pub api_version: String,
    /// Always `PrometheusRule`.
    pub kind: String,
    /// Name and labels (the Operator's `ruleSelector` selects on labels).
    pub metadata: ObjectMeta,
    /// The groups.
    pub spec: PrometheusRuleSpec,
}

impl PrometheusRule {
    /// A `PrometheusRule` named `name`, without labels.
    pub fn new(name: &str, groups: Vec<RuleGroup>) -> Self {
        PrometheusRule {
            api_version: "monitoring.coreos.com/v1".into(),
            kind: "PrometheusRule".into(),
            metadata: ObjectMeta {
                name: name.into(),
                labels: BTreeMap::new(),
            },
            spec: PrometheusRuleSpec { groups },
        }
    }

    /// The object as YAML, byte-identical for the same rules.
    pub fn to_yaml(&self) -> String {
        to_yaml(self)
    }
}

/// The part of Kubernetes' `metadata` a generated object sets.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ObjectMeta {
    /// `metadata.name`, a DNS-1123 subdomain.
    pub name: String,
    /// `metadata.labels`.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub labels: BTreeMap<String, String>,
}

/// `spec` of a [`PrometheusRule`].
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PrometheusRuleSpec {
    /// The groups, as in a rule file.
    pub groups: Vec<RuleGroup>,
}

/// A Prometheus duration (`30s`, `5m`, `1h30m`), kept in milliseconds and written the
/// way Prometheus writes it: units from years down to milliseconds, zero parts left out,
/// `0s` for nothing.
///
/// ```
/// use dashboard_model::rules::Duration;
/// assert_eq!(Duration::minutes(90).to_string(), "1h30m");
/// assert_eq!("1h30m".parse::<Duration>().unwrap(), Duration::minutes(90));
/// assert_eq!(Duration::seconds(0).to_string(), "0s");
/// assert!("5 minutes".parse::<Duration>().is_err());
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct Duration {
    millis: u64,
}

/// Prometheus' units, largest first, in milliseconds (`y` is 365 days, as in Prometheus).
const UNITS: [(&str, u64); 7] = [
    ("y", 365 * 24 * 3_600_000),
    ("w", 7 * 24 * 3_600_000),
    ("d", 24 * 3_600_000),
    ("h", 3_600_000),
    ("m", 60_000),
    ("s", 1_000),
    ("ms", 1),
];

impl Duration {
    /// `n` milliseconds.
    pub const fn millis(n: u64) -> Self {
        Duration { millis: n }
    }

    /// `n` seconds.
    pub const fn seconds(n: u64) -> Self {
        Duration { millis: n * 1_000 }
    }

    /// `n` minutes.
    pub const fn minutes(n: u64) -> Self {
        Duration { millis: n * 60_000 }
    }

    /// `n` hours.
    ///
    /// ```
    /// assert_eq!(dashboard_model::rules::Duration::hours(2).to_string(), "2h");
    /// ```
    pub const fn hours(n: u64) -> Self {
        Duration {
            millis: n * 3_600_000,
        }
    }

    /// The length in milliseconds.
    pub const fn as_millis(self) -> u64 {
        self.millis
    }

    /// Whether this is zero (`0s`).
    pub const fn is_zero(self) -> bool {
        self.millis == 0
    }
}

impl fmt::Display for Duration {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.millis == 0 {
            return f.write_str("0s");
        }
        let mut rest = self.millis;
        for (unit, size) in UNITS {
            if rest >= size {
                write!(f, "{}{unit}", rest / size)?;
                rest %= size;
            }
        }
        Ok(())
    }
}

/// A text that is not a Prometheus duration.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("`{text}` is not a Prometheus duration: write units from `y` down to `ms`, each once, such as `5m` or `1h30m`")]
pub struct DurationError {
    /// The text given.
    pub text: String,
}

impl FromStr for Duration {
    type Err = DurationError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let err = || DurationError {
            text: s.to_string(),
        };
        if s == "0" {
            return Ok(Duration::millis(0));
        }
        let mut rest = s;
        let mut millis: u64 = 0;
        // Units must come largest first, each at most once, as Prometheus requires.
        let mut next_unit = 0;
        if rest.is_empty() {
            return Err(err());
        }
        while !rest.is_empty() {
            let digits = rest.bytes().take_while(u8::is_ascii_digit).count();
            if digits == 0 {
                return Err(err());
            }
            let n: u64 = rest[..digits].parse().map_err(|_| err())?;
            rest = &rest[digits..];
            // `ms` before `m`: the longest unit that matches.
            let (index, (unit, size)) = UNITS
                .iter()
                .enumerate()
                .filter(|(_, (u, _))| rest.starts_with(u))
                .max_by_key(|(_, (u, _))| u.len())
                .ok_or_else(err)?;
            if index < next_unit {
                return Err(err());
            }
            next_unit = index + 1;
            rest = &rest[unit.len()..];
            millis = n
                .checked_mul(*size)
                .and_then(|v| millis.checked_add(v))
                .ok_or_else(err)?;
        }
        Ok(Duration { millis })
    }
}

impl Serialize for Duration {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for Duration {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = String::deserialize(deserializer)?;
        text.parse().map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations_round_trip_in_prometheus_form() {
        for (text, millis) in [
            ("0s", 0),
            ("500ms", 500),
            ("30s", 30_000),
            ("5m", 300_000),
            ("1h30m", 5_400_000),
            ("1d", 86_400_000),
            ("2w", 14 * 86_400_000),
            ("1y", 365 * 86_400_000),
            ("1m1s1ms", 61_001),
        ] {
            let d: Duration = text.parse().unwrap();
            assert_eq!(d.as_millis(), millis, "{text}");
            assert_eq!(d.to_string(), text);
        }
        // Prometheus accepts these too, and writes them in its own form.
        assert_eq!("90m".parse::<Duration>().unwrap().to_string(), "1h30m");
        assert_eq!("0".parse::<Duration>().unwrap().to_string(), "0s");
    }

    #[test]
    fn bad_durations_are_refused_with_the_fix() {
        for bad in [
            "", "5", "m", "5 m", "5min", "1m1h", "1m1m", "-5m", "1.5h", "5M",
        ] {
            let err = bad.parse::<Duration>().unwrap_err();
            assert!(err.to_string().contains("such as `5m`"), "{bad}: {err}");
        }
        assert!("99999999999999999999y".parse::<Duration>().is_err());
        assert!("999999999999y".parse::<Duration>().is_err(), "overflow");
    }

    #[test]
    fn a_rule_file_writes_in_prometheus_field_order_and_reads_back() {
        let file = RuleFile {
            groups: vec![RuleGroup {
                name: "g".into(),
                interval: Some(Duration::seconds(30)),
                limit: Some(10),
                rules: vec![
                    Rule::Recording(RecordingRule {
                        record: "job:up:sum".into(),
                        expr: "sum by (job) (up)".into(),
                        labels: BTreeMap::from([("team".into(), "a".into())]),
                    }),
                    Rule::Alerting(AlertingRule {
                        alert: "Down".into(),
                        expr: "job:up:sum == 0".into(),
                        r#for: Some(Duration::minutes(5)),
                        keep_firing_for: Some(Duration::minutes(1)),
                        labels: BTreeMap::from([
                            ("severity".into(), "critical".into()),
                            ("a".into(), "b".into()),
                        ]),
                        annotations: BTreeMap::from([(
                            "summary".into(),
                            "{{ $labels.job }} is down".into(),
                        )]),
                    }),
                ],
            }],
        };
        let yaml = file.to_yaml();
        assert_eq!(
            yaml,
            "groups:\n- name: g\n  interval: 30s\n  limit: 10\n  rules:\n  - record: job:up:sum\n    expr: sum by (job) (up)\n    labels:\n      team: a\n  - alert: Down\n    expr: job:up:sum == 0\n    for: 5m\n    keep_firing_for: 1m\n    labels:\n      a: b\n      severity: critical\n    annotations:\n      summary: '{{ $labels.job }} is down'\n"
        );
        assert_eq!(RuleFile::from_yaml(&yaml).unwrap(), file);
    }

    #[test]
    fn unknown_fields_and_bad_durations_do_not_read() {
        for bad in [
            "groups:\n- name: g\n  rules: []\n  evaluation: 1m\n",
            "groups:\n- name: g\n  interval: 1 minute\n  rules: []\n",
            "groups:\n- name: g\n  rules:\n  - alert: A\n    expr: up\n    for: soon\n",
            "groups:\n- name: g\n  rules:\n  - expr: up\n",
        ] {
            assert!(RuleFile::from_yaml(bad).is_err(), "{bad}");
        }
    }
}
