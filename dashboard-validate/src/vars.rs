//! Grafana's template variables, resolved and interpolated the way Grafana does it for a
//! Prometheus datasource.

use std::collections::BTreeMap;
use std::time::Duration;

use dashboard_model::model::{Variable, VariableKind};
use dashboard_model::DashboardModel;
use dashboard_query::variable_query::{self, VariableQuery};
use regex::Regex;

use crate::prom::{Client, PromError};

/// The time frame queries are checked over; it gives the built-in variables their values.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Frame {
    /// Window start, Unix seconds.
    pub start: i64,
    /// Window end, Unix seconds.
    pub end: i64,
    /// How often Prometheus scrapes (for `$__rate_interval`).
    pub scrape_interval: Duration,
}

impl Frame {
    /// `$__interval`: the window over ~600 points (a typical panel width), never below the
    /// scrape interval, in whole seconds.
    pub fn interval(&self) -> Duration {
        let range = (self.end - self.start).max(1) as u64;
        Duration::from_secs((range / 600).max(self.scrape_interval.as_secs().max(1)))
    }

    /// `$__rate_interval`: max(`$__interval` + scrape interval, 4 × scrape interval), as
    /// Grafana computes it.
    pub fn rate_interval(&self) -> Duration {
        (self.interval() + self.scrape_interval).max(self.scrape_interval * 4)
    }

    fn builtin(&self, name: &str) -> Option<String> {
        let range = (self.end - self.start).max(0);
        Some(match name {
            "__interval" => prom_duration(self.interval()),
            "__interval_ms" => self.interval().as_millis().to_string(),
            "__rate_interval" => prom_duration(self.rate_interval()),
            "__rate_interval_ms" => self.rate_interval().as_millis().to_string(),
            "__range" => format!("{range}s"),
            "__range_s" => range.to_string(),
            "__range_ms" => (range * 1000).to_string(),
            "__from" => (self.start * 1000).to_string(),
            "__to" => (self.end * 1000).to_string(),
            "__auto" => prom_duration(self.interval()),
            _ => return None,
        })
    }
}

/// A duration as PromQL writes it (`90s`).
pub fn prom_duration(d: Duration) -> String {
    format!("{}s", d.as_secs().max(1))
}

/// The values a variable takes during validation.
#[derive(Debug, Clone, PartialEq)]
pub struct Resolved {
    /// The selected values.
    pub values: Vec<String>,
    /// `All` was selected and the variable has an `allValue`: sent verbatim.
    pub all_value: Option<String>,
    /// Multi-value or include-all: Grafana regex-escapes values for Prometheus.
    pub multi: bool,
}

/// Why a variable has no values.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum VarError {
    /// Its query returned nothing.
    #[error("variable `${name}`: `{query}` returns no values")]
    Empty {
        /// Variable name.
        name: String,
        /// Its query, interpolated.
        query: String,
    },
    /// Prometheus failed.
    #[error("variable `${name}`: {source}")]
    Prometheus {
        /// Variable name.
        name: String,
        /// The failure.
        source: PromError,
    },
    /// The query is not one Grafana's Prometheus datasource understands.
    #[error("variable `${name}`: cannot run `{query}`: {why}")]
    Unsupported {
        /// Variable name.
        name: String,
        /// The query.
        query: String,
        /// Why.
        why: String,
    },
}

/// What resolving a dashboard's variables gave.
#[derive(Debug, Default)]
pub struct Resolution {
    /// Values by variable name.
    pub vars: BTreeMap<String, Resolved>,
    /// Query variables that ran, with how many values they found.
    pub queried: Vec<(String, usize)>,
    /// Variables without values, and why.
    pub errors: Vec<(String, VarError)>,
}

/// Resolves every variable of a dashboard, in order (later ones may use earlier ones).
pub fn resolve(dashboard: &DashboardModel, client: &Client, frame: &Frame) -> Resolution {
    let mut vars = BTreeMap::new();
    let mut errors = Vec::new();
    let mut queried = Vec::new();
    for v in &dashboard.templating.list {
        // No query can refer to a variable without a name: nothing to resolve.
        if v.name.is_empty() {
            continue;
        }
        let name = v.name.as_str();
        let multi = flag(v.multi) || flag(v.include_all);
        let query = query_text(v);
        let options: Result<Vec<String>, VarError> = match v.kind {
            VariableKind::Datasource => {
                Ok(vec![v.query.clone().unwrap_or_else(|| "prometheus".into())])
            }
            VariableKind::Constant | VariableKind::Textbox => Ok(vec![query.clone()]),
            VariableKind::Custom => Ok(custom_values(&query)),
            VariableKind::Interval => Ok(query
                .split(',')
                .map(|s| s.trim().to_string())
                .filter(|s| !s.is_empty())
                .collect()),
            VariableKind::Adhoc => {
                continue;
            }
            _ => run_query(name, &interpolate(&query, &vars, frame), client, frame),
        };
        let options = options.map(|o| apply_regex(v, o));
        let is_query = v.kind == VariableKind::Query;
        match options {
            Ok(values) if values.is_empty() && is_query => errors.push((
                name.to_string(),
                VarError::Empty {
                    name: name.to_string(),
                    query: interpolate(&query, &vars, frame),
                },
            )),
            Ok(values) => {
                if is_query {
                    queried.push((name.to_string(), values.len()));
                }
                vars.insert(name.to_string(), select(v, values, multi));
            }
            Err(e) => errors.push((name.to_string(), e)),
        }
    }
    Resolution {
        vars,
        queried,
        errors,
    }
}

fn flag(v: Option<bool>) -> bool {
    v.unwrap_or(false)
}

/// A variable's query (the model reads the object form newer Grafana stores as its
/// text), else its `definition`.
fn query_text(v: &Variable) -> String {
    v.query
        .as_ref()
        .or(v.definition.as_ref())
        .cloned()
        .unwrap_or_default()
}

/// `a, b, c` or `text : value` pairs.
fn custom_values(query: &str) -> Vec<String> {
    query
        .split(',')
        .map(|s| match s.split_once(" : ") {
            Some((_, value)) => value.trim().to_string(),
            None => s.trim().to_string(),
        })
        .filter(|s| !s.is_empty())
        .collect()
}

/// The variable's `regex`: keep matching values, or the first capture group.
fn apply_regex(v: &Variable, values: Vec<String>) -> Vec<String> {
    let Some(pattern) = v.regex.as_deref().filter(|r| !r.is_empty()) else {
        return values;
    };
    // Grafana writes regexes as /…/flags.
    let inner = pattern
        .strip_prefix('/')
        .and_then(|p| p.rsplit_once('/'))
        .map(|(body, _)| body)
        .unwrap_or(pattern);
    let Ok(re) = Regex::new(inner) else {
        return values;
    };
    let mut out: Vec<String> = values
        .iter()
        .filter_map(|val| {
            re.captures(val).map(|c| {
                c.get(1)
                    .or_else(|| c.get(0))
                    .map(|m| m.as_str().to_string())
                    .unwrap_or_default()
            })
        })
        .collect();
    out.dedup();
    out
}

/// Which values validation uses: `All` when offered (it covers the most), else every
/// value of a multi-value variable, else the default if it is a valid option, else the
/// first option — what Grafana selects on a fresh load.
fn select(v: &Variable, values: Vec<String>, multi: bool) -> Resolved {
    if flag(v.include_all) {
        let all_value = v.all_value.clone().filter(|s| !s.is_empty());
        return Resolved {
            values,
            all_value,
            multi: true,
        };
    }
    if flag(v.multi) {
        return Resolved {
            values,
            all_value: None,
            multi,
        };
    }
    let current = v
        .current
        .as_ref()
        .map(|c| &c.value)
        .filter(|c| values.contains(c))
        .cloned();
    let chosen = current.or_else(|| values.first().cloned());
    Resolved {
        values: chosen.into_iter().collect(),
        all_value: None,
        multi,
    }
}

/// Runs a Prometheus variable query: `label_values`, `label_names`, `metrics`,
/// `query_result`, or a bare expression (Grafana treats it like `query_result`).
fn run_query(
    name: &str,
    query: &str,
    client: &Client,
    frame: &Frame,
) -> Result<Vec<String>, VarError> {
    let prom = |source| VarError::Prometheus {
        name: name.to_string(),
        source,
    };
    let q = query.trim();
    let unsupported = |why: String| VarError::Unsupported {
        name: name.to_string(),
        query: q.to_string(),
        why,
    };
    let expr = match variable_query::parse(query).map_err(|e| unsupported(e.message))? {
        VariableQuery::LabelValues { selector, label } => {
            return client
                .label_values(label, selector, frame.start, frame.end)
                .map_err(prom);
        }
        VariableQuery::LabelNames { selector } => {
            return client
                .label_names(selector, frame.start, frame.end)
                .map_err(prom);
        }
        VariableQuery::Metrics { regex } => {
            let re = Regex::new(regex).map_err(|e| unsupported(e.to_string()))?;
            let mut names = client
                .label_values("__name__", None, frame.start, frame.end)
                .map_err(prom)?;
            names.retain(|n| re.is_match(n));
            return Ok(names);
        }
        VariableQuery::QueryResult { expr } | VariableQuery::Series { expr } => expr,
    };
    let series = client.query(expr, None, frame.end).map_err(prom)?;
    // Grafana renders each series as `name{a="b"} value timestamp`; without the value we
    // keep the part regexes usually extract from.
    Ok(series
        .into_iter()
        .map(|s| {
            let name = s.metric.get("__name__").cloned().unwrap_or_default();
            let labels: Vec<String> = s
                .metric
                .iter()
                .filter(|(k, _)| *k != "__name__")
                .map(|(k, v)| format!("{k}=\"{v}\""))
                .collect();
            format!("{name}{{{}}}", labels.join(", "))
        })
        .collect())
}

/// Replaces every variable reference in `template` the way Grafana does before sending a
/// query to Prometheus. Unknown variables are left as written (the lint reports them).
///
/// ```
/// use std::collections::BTreeMap;
/// use std::time::Duration;
/// use dashboard_validate::vars::{interpolate, Frame, Resolved};
///
/// let frame = Frame { start: 0, end: 3600, scrape_interval: Duration::from_secs(15) };
/// let mut vars = BTreeMap::new();
/// vars.insert("app".to_string(), Resolved { values: vec!["etl.daily".into(), "ml".into()], all_value: None, multi: true });
/// assert_eq!(
///     interpolate(r#"rate(x{a=~"$app"}[$__rate_interval])"#, &vars, &frame),
///     r#"rate(x{a=~"(etl\\.daily|ml)"}[60s])"#
/// );
/// ```
pub fn interpolate(template: &str, vars: &BTreeMap<String, Resolved>, frame: &Frame) -> String {
    let mut out = String::with_capacity(template.len());
    let mut last = 0;
    for r in dashboard_query::template::scan(template) {
        let value = if r.builtin {
            frame.builtin(&r.name)
        } else {
            vars.get(&r.name).map(|v| format(v, r.format.as_deref()))
        };
        if let Some(value) = value {
            out.push_str(&template[last..r.range.start]);
            out.push_str(&value);
            last = r.range.end;
        }
    }
    out.push_str(&template[last..]);
    out
}

/// Escapes regex metacharacters, doubled for a PromQL string literal (Grafana's
/// `prometheusSpecialRegexEscape`).
fn regex_escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 8);
    for c in s.chars() {
        if "\\$^*+?.()|{}[]'".contains(c) {
            out.push_str("\\\\");
        }
        out.push(c);
    }
    out
}

fn format(v: &Resolved, fmt: Option<&str>) -> String {
    if let (Some(all), None | Some("regex") | Some("raw")) = (&v.all_value, fmt) {
        return all.clone();
    }
    let vals = &v.values;
    match fmt {
        Some("regex") => join_alternation(vals.iter().map(|s| regex_escape(s)).collect()),
        Some("pipe") => vals.join("|"),
        Some("csv") | Some("raw") | Some("text") => vals.join(","),
        Some("glob") if vals.len() > 1 => format!("{{{}}}", vals.join(",")),
        Some("json") => serde_json::to_string(vals).unwrap_or_default(),
        Some("singlequote") => vals
            .iter()
            .map(|s| format!("'{}'", s.replace('\'', "\\'")))
            .collect::<Vec<_>>()
            .join(","),
        Some("doublequote") => vals
            .iter()
            .map(|s| format!("\"{}\"", s.replace('"', "\\\"")))
            .collect::<Vec<_>>()
            .join(","),
        // The Prometheus datasource's default: multi-value and include-all variables
        // become an escaped alternation; single values go in as written.
        _ if v.multi => join_alternation(vals.iter().map(|s| regex_escape(s)).collect()),
        _ => vals.join(","),
    }
}

fn join_alternation(vals: Vec<String>) -> String {
    match vals.len() {
        1 => vals.into_iter().next().unwrap_or_default(),
        _ => format!("({})", vals.join("|")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn frame() -> Frame {
        Frame {
            start: 1_000,
            end: 4_600,
            scrape_interval: Duration::from_secs(15),
        }
    }

    fn single(v: &str) -> Resolved {
        Resolved {
            values: vec![v.into()],
            all_value: None,
            multi: false,
        }
    }

    #[test]
    fn builtins_follow_grafana() {
        let f = frame();
        assert_eq!(f.interval(), Duration::from_secs(15));
        assert_eq!(f.rate_interval(), Duration::from_secs(60));
        let vars = BTreeMap::new();
        assert_eq!(
            interpolate("$__range $__range_s ${__from} $__to", &vars, &f),
            "3600s 3600 1000000 4600000"
        );
    }

    #[test]
    fn formats() {
        let f = frame();
        let mut vars = BTreeMap::new();
        vars.insert("s".to_string(), single("a.b"));
        vars.insert(
            "m".to_string(),
            Resolved {
                values: vec!["x".into(), "y".into()],
                all_value: None,
                multi: true,
            },
        );
        vars.insert(
            "all".to_string(),
            Resolved {
                values: vec!["x".into()],
                all_value: Some(".*".into()),
                multi: true,
            },
        );
        assert_eq!(interpolate("$s", &vars, &f), "a.b");
        assert_eq!(interpolate("${s:regex}", &vars, &f), "a\\\\.b");
        assert_eq!(
            interpolate("${m:pipe}|${m:csv}|[[m]]", &vars, &f),
            "x|y|x,y|(x|y)"
        );
        assert_eq!(
            interpolate("${m:glob} ${m:json}", &vars, &f),
            r#"{x,y} ["x","y"]"#
        );
        assert_eq!(interpolate("$all", &vars, &f), ".*");
        assert_eq!(interpolate("$unknown", &vars, &f), "$unknown");
    }

    /// A variable read from JSON, as validate reads it.
    fn var(v: serde_json::Value) -> Variable {
        serde_json::from_value(v).unwrap()
    }

    #[test]
    fn the_object_form_of_a_query_is_its_text() {
        let v = var(serde_json::json!({"query": {"query": "label_values(up, job)", "refId": "A"}}));
        assert_eq!(query_text(&v), "label_values(up, job)");
        let v = var(serde_json::json!({"definition": "label_values(up, job)"}));
        assert_eq!(query_text(&v), "label_values(up, job)");
    }

    #[test]
    fn custom_values_and_regex() {
        assert_eq!(custom_values("a, b : 2,c"), ["a", "2", "c"]);
        let v = var(serde_json::json!({"name": "app", "regex": "/app-(.*)/"}));
        assert_eq!(
            apply_regex(&v, vec!["app-etl".into(), "other".into()]),
            ["etl"]
        );
    }

    #[test]
    fn selection_prefers_all_then_default_then_first() {
        let all = var(serde_json::json!({"includeAll": true, "allValue": ".*"}));
        assert_eq!(
            select(&all, vec!["a".into()], true).all_value.as_deref(),
            Some(".*")
        );
        let dflt = var(serde_json::json!({"current": {"value": "b"}}));
        assert_eq!(
            select(&dflt, vec!["a".into(), "b".into()], false).values,
            ["b"]
        );
        let none = var(serde_json::json!({"current": {"value": "zzz"}}));
        assert_eq!(
            select(&none, vec!["a".into(), "b".into()], false).values,
            ["a"]
        );
    }
}
