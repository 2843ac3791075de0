//! Queries, one type per datasource kind. Each names its [`DatasourceKind`], and a panel only
//! accepts a query together with a datasource of that kind.

use crate::datasource::{DatasourceKind, Jaeger, Loki, Prometheus, Tempo};
use crate::model::Target;
pub use dashboard_query::promql::OutputLabels;

/// A query that runs on datasources of kind [`Query::Kind`].
pub trait Query {
    /// The datasource kind this query runs on.
    type Kind: DatasourceKind;
    /// The stored target, without datasource and with `refId` left for the panel to assign
    /// unless the query named one.
    fn into_target(self) -> Target;

    /// The target, and the result labels of an expression already checked at compile time
    /// (so the lint need not parse it again).
    fn into_checked_target(self) -> (Target, Option<OutputLabels>)
    where
        Self: Sized,
    {
        (self.into_target(), None)
    }
}

/// A PromQL expression. `promql!` builds one checked at compile time; [`PromQl::new`] takes
/// any string and leaves the check to the lint, which runs on every build.
///
/// ```
/// use dashboard_dsl::query::PromQl;
/// let q = PromQl::new("sum(rate(metrics_executor_totalGCTime_seconds_total[$__rate_interval]))");
/// assert!(q.as_str().starts_with("sum("));
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PromQl {
    text: String,
    /// Set by `promql!`: the expression parsed at compile time, and these are the labels
    /// its result can carry. The lint then has nothing left to parse.
    checked: Option<OutputLabels>,
}

impl PromQl {
    /// An unchecked expression (checked later by the lint).
    pub fn new(expr: impl Into<String>) -> Self {
        PromQl {
            text: expr.into(),
            checked: None,
        }
    }

    /// The expression text, with Grafana variables as `$name`.
    pub fn as_str(&self) -> &str {
        &self.text
    }

    /// Whether `promql!` checked this expression at compile time.
    pub fn is_checked(&self) -> bool {
        self.checked.is_some()
    }

    /// The result labels `promql!` computed, for the lint of rules.
    pub(crate) fn checked_labels(&self) -> Option<&OutputLabels> {
        self.checked.as_ref()
    }

    /// Used by `promql!`: the literal parsed at compile time with `output` as its result's
    /// labels; here each placeholder is renamed to the Grafana name of the handle passed.
    #[doc(hidden)]
    pub fn __from_macro(
        template: &'static str,
        args: &[(&'static str, &str)],
        output: OutputLabels,
    ) -> PromQl {
        PromQl {
            text: rename_variables(template, args),
            checked: Some(output),
        }
    }
}

impl From<&str> for PromQl {
    fn from(s: &str) -> Self {
        PromQl::new(s)
    }
}

impl From<String> for PromQl {
    fn from(s: String) -> Self {
        PromQl::new(s)
    }
}

/// Renames each variable `from` to `to`, in every reference form, keeping formats.
pub(crate) fn rename_variables(template: &str, renames: &[(&str, &str)]) -> String {
    if renames.iter().all(|(from, to)| from == to) {
        return template.to_string();
    }
    dashboard_query::template::rename(template, |r| {
        renames
            .iter()
            .find(|(from, _)| *from == r.name)
            .map(|(_, to)| to.to_string())
    })
}

/// Result format of a Prometheus query.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum Format {
    /// One frame per series (`time_series`).
    #[default]
    TimeSeries,
    /// One row per series and timestamp (`table`).
    Table,
    /// Buckets for a heatmap, sorted by `le` (`heatmap`).
    Heatmap,
}

impl Format {
    fn id(self) -> &'static str {
        match self {
            Format::TimeSeries => "time_series",
            Format::Table => "table",
            Format::Heatmap => "heatmap",
        }
    }
}

/// A Prometheus query.
///
/// ```
/// use dashboard_dsl::query::{PromQuery, Query};
/// let t = PromQuery::new("up").legend("{{instance}}").instant().into_target();
/// assert_eq!(t.expr.as_deref(), Some("up"));
/// assert_eq!(t.instant, Some(true));
/// assert_eq!(t.range, Some(false));
/// assert_eq!(PromQuery::new("up").into_target().instant, None);
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct PromQuery {
    expr: PromQl,
    legend: Option<String>,
    instant: bool,
    format: Format,
    interval: Option<String>,
    exemplar: bool,
    ref_id: Option<String>,
}

impl PromQuery {
    /// A range query.
    pub fn new(expr: impl Into<PromQl>) -> Self {
        PromQuery {
            expr: expr.into(),
            legend: None,
            instant: false,
            format: Format::TimeSeries,
            interval: None,
            exemplar: false,
            ref_id: None,
        }
    }

    /// Series names, with `{{label}}` placeholders.
    pub fn legend(mut self, legend: impl Into<String>) -> Self {
        self.legend = Some(legend.into());
        self
    }

    /// Evaluate once at the end of the range (for stat, gauge, table).
    pub fn instant(mut self) -> Self {
        self.instant = true;
        self
    }

    /// The result format.
    pub fn format(mut self, format: Format) -> Self {
        self.format = format;
        self
    }

    /// Minimum step, such as `30s`.
    pub fn interval(mut self, interval: impl Into<String>) -> Self {
        self.interval = Some(interval.into());
        self
    }

    /// Ask for exemplars (trace ids attached to samples).
    pub fn exemplar(mut self) -> Self {
        self.exemplar = true;
        self
    }

    /// A stable refId instead of the panel's positional letter.
    pub fn ref_id(mut self, ref_id: impl Into<String>) -> Self {
        self.ref_id = Some(ref_id.into());
        self
    }

    /// The expression.
    pub fn expr(&self) -> &PromQl {
        &self.expr
    }
}

impl Query for PromQuery {
    type Kind = Prometheus;
    fn into_target(self) -> Target {
        self.into_checked_target().0
    }

    fn into_checked_target(self) -> (Target, Option<OutputLabels>) {
        let target = Target {
            editor_mode: Some("code".into()),
            exemplar: self.exemplar.then_some(true),
            expr: Some(self.expr.text),
            format: (self.format != Format::TimeSeries).then(|| self.format.id().to_string()),
            // A range query is Grafana's default; only instant queries need saying so.
            instant: self.instant.then_some(true),
            interval: self.interval,
            legend_format: self.legend,
            range: self.instant.then_some(false),
            ref_id: self.ref_id.unwrap_or_default(),
            ..Target::default()
        };
        (target, self.expr.checked)
    }
}

/// A Tempo query: a TraceQL search, one trace by id, or the service map.
///
/// ```
/// use dashboard_dsl::query::{Query, TempoQuery};
/// let t = TempoQuery::traceql(r#"{resource.service.name="spark" && name="spark.job"}"#).limit(50).into_target();
/// assert_eq!(t.query_type.as_deref(), Some("traceql"));
/// assert_eq!(t.limit, Some(50));
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct TempoQuery {
    target: Target,
}

impl TempoQuery {
    /// A TraceQL search, listing traces (or spans, see [`TempoQuery::spans`]).
    pub fn traceql(query: impl Into<String>) -> Self {
        TempoQuery {
            target: Target {
                limit: Some(20),
                query: Some(query.into()),
                query_type: Some("traceql".into()),
                table_type: Some("traces".into()),
                ..Target::default()
            },
        }
    }

    /// One trace by id; the id may be a variable or a data-link field such as
    /// `${__data.fields.traceID}`.
    pub fn trace_id(trace_id: impl Into<String>) -> Self {
        TempoQuery {
            target: Target {
                query: Some(trace_id.into()),
                query_type: Some("traceql".into()),
                ..Target::default()
            },
        }
    }

    /// The service graph, optionally filtered by a TraceQL-style selector.
    pub fn service_map(filter: Option<&str>) -> Self {
        TempoQuery {
            target: Target {
                query_type: Some("serviceMap".into()),
                service_map_query: filter.map(str::to_string),
                ..Target::default()
            },
        }
    }

    /// How many traces a search returns.
    pub fn limit(mut self, limit: u32) -> Self {
        self.target.limit = Some(limit);
        self
    }

    /// List matching spans rather than traces, up to `per_span_set` of each trace's matching
    /// spans (Tempo's `spss`: without it Grafana asks for 3, which hides most of the stages of
    /// a Spark application's trace).
    ///
    /// ```
    /// use dashboard_dsl::query::{Query, TempoQuery};
    /// let t = TempoQuery::traceql(r#"{name="spark.stage"}"#).spans(200).into_target();
    /// let json = serde_json::to_value(&t).unwrap();
    /// assert_eq!(json["spss"], 200);
    /// assert_eq!(json["tableType"], "spans");
    /// ```
    pub fn spans(mut self, per_span_set: u32) -> Self {
        self.target.table_type = Some("spans".into());
        self.target.spss = Some(per_span_set);
        self
    }

    /// A stable refId instead of the panel's positional letter.
    pub fn ref_id(mut self, ref_id: impl Into<String>) -> Self {
        self.target.ref_id = ref_id.into();
        self
    }
}

impl Query for TempoQuery {
    type Kind = Tempo;
    fn into_target(self) -> Target {
        self.target
    }
}

/// A Jaeger query: search by service, operation and tags, or one trace by id.
///
/// ```
/// use dashboard_dsl::query::{JaegerQuery, Query};
/// let t = JaegerQuery::search("spark").operation("spark.stage").tags("spark.app.name=etl").into_target();
/// assert_eq!(t.query_type.as_deref(), Some("search"));
/// assert_eq!(t.operation.as_deref(), Some("spark.stage"));
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct JaegerQuery {
    target: Target,
}

impl JaegerQuery {
    /// Search the traces of a service.
    pub fn search(service: impl Into<String>) -> Self {
        JaegerQuery {
            target: Target {
                query_type: Some("search".into()),
                service: Some(service.into()),
                ..Target::default()
            },
        }
    }

    /// One trace by id.
    pub fn trace_id(trace_id: impl Into<String>) -> Self {
        JaegerQuery {
            target: Target {
                query: Some(trace_id.into()),
                ..Target::default()
            },
        }
    }

    /// Only spans of this operation.
    pub fn operation(mut self, operation: impl Into<String>) -> Self {
        self.target.operation = Some(operation.into());
        self
    }

    /// Tags in logfmt, such as `spark.app.name=etl error=true`.
    pub fn tags(mut self, tags: impl Into<String>) -> Self {
        self.target.tags = Some(tags.into());
        self
    }

    /// Only spans at least this long, such as `1s`.
    pub fn min_duration(mut self, d: impl Into<String>) -> Self {
        self.target.min_duration = Some(d.into());
        self
    }

    /// Only spans at most this long.
    pub fn max_duration(mut self, d: impl Into<String>) -> Self {
        self.target.max_duration = Some(d.into());
        self
    }

    /// How many traces to return.
    pub fn limit(mut self, limit: u32) -> Self {
        self.target.limit = Some(limit);
        self
    }

    /// A stable refId instead of the panel's positional letter.
    pub fn ref_id(mut self, ref_id: impl Into<String>) -> Self {
        self.target.ref_id = ref_id.into();
        self
    }
}

impl Query for JaegerQuery {
    type Kind = Jaeger;
    fn into_target(self) -> Target {
        self.target
    }
}

/// A Loki query in LogQL.
///
/// ```
/// use dashboard_dsl::query::{LokiQuery, Query};
/// let t = LokiQuery::new(r#"{app="spark"} |= "ERROR""#).max_lines(500).into_target();
/// assert_eq!(t.max_lines, Some(500));
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct LokiQuery {
    target: Target,
}

impl LokiQuery {
    /// A log or metric query.
    pub fn new(logql: impl Into<String>) -> Self {
        LokiQuery {
            target: Target {
                editor_mode: Some("code".into()),
                expr: Some(logql.into()),
                query_type: Some("range".into()),
                ..Target::default()
            },
        }
    }

    /// Series names for metric queries.
    pub fn legend(mut self, legend: impl Into<String>) -> Self {
        self.target.legend_format = Some(legend.into());
        self
    }

    /// At most this many log lines.
    pub fn max_lines(mut self, n: u32) -> Self {
        self.target.max_lines = Some(n);
        self
    }

    /// A stable refId instead of the panel's positional letter.
    pub fn ref_id(mut self, ref_id: impl Into<String>) -> Self {
        self.target.ref_id = ref_id.into();
        self
    }
}

impl Query for LokiQuery {
    type Kind = Loki;
    fn into_target(self) -> Target {
        self.target
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn renames_every_reference_form_and_keeps_formats() {
        let t = r#"x{a=~"$app", b=~"${app:regex}", c="[[app]]", d="$apple"}"#;
        let got = rename_variables(t, &[("app", "application")]);
        assert_eq!(
            got,
            r#"x{a=~"$application", b=~"${application:regex}", c="[[application]]", d="$apple"}"#
        );
    }

    #[test]
    fn leaves_builtins_alone() {
        let t = "rate(x[$__rate_interval])";
        assert_eq!(rename_variables(t, &[("app", "a")]), t);
    }
}
