//! Dashboard links, panel links and data links. The helpers carry the time range and the
//! variables along, which hand-written URLs usually forget.

use crate::datasource::{AsDatasource, Jaeger, Tempo};
use crate::model::{DashboardLink, DashboardLinkKind, InternalLink, Link};
use crate::query::{JaegerQuery, Query, TempoQuery};

/// A link in the dashboard's top bar.
///
/// ```
/// use dashboard_dsl::link::DashLink;
/// let l = DashLink::to_dashboard("spark-profiling", "Spark Profiling").to_model();
/// assert_eq!(l.url.as_deref(), Some("/d/spark-profiling"));
/// assert!(l.include_vars && l.keep_time);
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct DashLink {
    link: DashboardLink,
}

impl DashLink {
    /// A link to another dashboard by uid that keeps the time range and the variables.
    pub fn to_dashboard(uid: &str, title: &str) -> Self {
        DashLink {
            link: DashboardLink {
                as_dropdown: false,
                icon: Some("dashboard".into()),
                include_vars: true,
                keep_time: true,
                tags: Vec::new(),
                target_blank: false,
                title: title.to_string(),
                tooltip: None,
                kind: DashboardLinkKind::Link,
                url: Some(format!("/d/{uid}")),
            },
        }
    }

    /// A dropdown of every dashboard carrying all of these tags.
    pub fn tagged(title: &str, tags: &[&str]) -> Self {
        DashLink {
            link: DashboardLink {
                as_dropdown: true,
                icon: None,
                include_vars: true,
                keep_time: true,
                tags: tags.iter().map(|t| t.to_string()).collect(),
                target_blank: false,
                title: title.to_string(),
                tooltip: None,
                kind: DashboardLinkKind::Dashboards,
                url: None,
            },
        }
    }

    /// An external URL (opened in a new tab); variables in it are interpolated.
    pub fn url(title: &str, url: &str) -> Self {
        DashLink {
            link: DashboardLink {
                as_dropdown: false,
                icon: Some("external link".into()),
                include_vars: false,
                keep_time: false,
                tags: Vec::new(),
                target_blank: true,
                title: title.to_string(),
                tooltip: None,
                kind: DashboardLinkKind::Link,
                url: Some(url.to_string()),
            },
        }
    }

    /// Hover text.
    pub fn tooltip(mut self, tooltip: &str) -> Self {
        self.link.tooltip = Some(tooltip.to_string());
        self
    }

    /// The stored link.
    pub fn to_model(&self) -> DashboardLink {
        self.link.clone()
    }
}

/// A panel link (panel menu) or a data link (on a value or series).
///
/// ```
/// use dashboard_dsl::link::PanelLink;
/// let l = PanelLink::to_dashboard("spark-profiling", "Profile this application").to_model();
/// assert_eq!(l.url, "/d/spark-profiling?${__url_time_range}&${__all_variables}");
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct PanelLink {
    link: Link,
}

impl PanelLink {
    /// Another dashboard by uid, with this dashboard's time range and variables.
    pub fn to_dashboard(uid: &str, title: &str) -> Self {
        PanelLink {
            link: Link {
                internal: None,
                target_blank: None,
                title: title.to_string(),
                url: format!("/d/{uid}?${{__url_time_range}}&${{__all_variables}}"),
            },
        }
    }

    /// Any URL; Grafana interpolates variables and `${__field.labels.x}` in it.
    pub fn url(title: &str, url: &str) -> Self {
        PanelLink {
            link: Link {
                internal: None,
                target_blank: Some(true),
                title: title.to_string(),
                url: url.to_string(),
            },
        }
    }

    /// Open one trace in Tempo. `trace_id` is usually a field reference such as
    /// `${__value.raw}` or `${__data.fields.traceID}`.
    ///
    /// ```
    /// use dashboard_dsl::{datasource::{Datasource, Tempo}, link::PanelLink};
    /// let tempo = Datasource::<Tempo>::uid("tempo");
    /// let l = PanelLink::tempo_trace(&tempo, "${__value.raw}").to_model();
    /// let internal = l.internal.unwrap();
    /// assert_eq!(internal.datasource_uid, "tempo");
    /// assert_eq!(internal.query.query.as_deref(), Some("${__value.raw}"));
    /// ```
    pub fn tempo_trace(tempo: &impl AsDatasource<Tempo>, trace_id: &str) -> Self {
        Self::internal(
            "Open trace in Tempo",
            tempo,
            TempoQuery::trace_id(trace_id).into_target(),
        )
    }

    /// Search spans in Tempo with TraceQL; the time range of the click is kept.
    ///
    /// ```
    /// use dashboard_dsl::{datasource::Tempo, link::PanelLink, variable::DatasourceVar};
    /// let tempo = DatasourceVar::<Tempo>::new("tempo");
    /// let l = PanelLink::tempo_search(&tempo, r#"{resource.service.name="spark" && span.spark.app.name=~"$app"}"#);
    /// // A datasource variable: an Explore URL that Grafana interpolates.
    /// assert!(l.to_model().url.contains("traceql"));
    /// ```
    pub fn tempo_search(tempo: &impl AsDatasource<Tempo>, traceql: &str) -> Self {
        Self::internal(
            "Search spans in Tempo",
            tempo,
            TempoQuery::traceql(traceql).into_target(),
        )
    }

    /// Search spans in Jaeger by service, operation and logfmt tags.
    ///
    /// ```
    /// use dashboard_dsl::{datasource::{Datasource, Jaeger}, link::PanelLink};
    /// let jaeger = Datasource::<Jaeger>::uid("jaeger");
    /// let l = PanelLink::jaeger_search(&jaeger, "spark", Some("spark.stage"), "spark.app.name=$app").to_model();
    /// assert_eq!(l.internal.unwrap().query.tags.as_deref(), Some("spark.app.name=$app"));
    /// ```
    pub fn jaeger_search(
        jaeger: &impl AsDatasource<Jaeger>,
        service: &str,
        operation: Option<&str>,
        tags: &str,
    ) -> Self {
        let mut q = JaegerQuery::search(service).tags(tags);
        if let Some(op) = operation {
            q = q.operation(op);
        }
        Self::internal("Search spans in Jaeger", jaeger, q.into_target())
    }

    /// Open one trace in Jaeger.
    ///
    /// ```
    /// use dashboard_dsl::{datasource::Jaeger, link::PanelLink, variable::DatasourceVar};
    /// let jaeger = DatasourceVar::<Jaeger>::new("jaeger");
    /// let l = PanelLink::jaeger_trace(&jaeger, "${__value.raw}").to_model();
    /// assert_eq!(l.title, "Open trace in Jaeger");
    /// ```
    pub fn jaeger_trace(jaeger: &impl AsDatasource<Jaeger>, trace_id: &str) -> Self {
        Self::internal(
            "Open trace in Jaeger",
            jaeger,
            JaegerQuery::trace_id(trace_id).into_target(),
        )
    }

    /// A link that opens Explore on `ds` with `query` over the clicked panel's time range.
    ///
    /// With a fixed datasource this is Grafana's native internal link. A datasource
    /// *variable* cannot go there: Grafana does not interpolate `internal.datasourceUid`,
    /// and Explore has no dashboard variables to resolve it with. So for a variable the
    /// helper writes the Explore URL itself, where Grafana does interpolate `${var}`.
    fn internal<K: crate::datasource::DatasourceKind>(
        title: &str,
        ds: &impl AsDatasource<K>,
        mut query: crate::model::Target,
    ) -> Self {
        let ds = ds.datasource_ref();
        if query.ref_id.is_empty() {
            query.ref_id = "A".into();
        }
        query.datasource = Some(ds.clone());
        if ds.uid.starts_with('$') {
            return PanelLink {
                link: Link {
                    internal: None,
                    target_blank: None,
                    title: title.to_string(),
                    url: explore_url(&ds.uid, &query),
                },
            };
        }
        PanelLink {
            link: Link {
                internal: Some(InternalLink {
                    datasource_name: K::TYPE.to_string(),
                    datasource_uid: ds.uid,
                    query,
                }),
                target_blank: None,
                title: title.to_string(),
                url: String::new(),
            },
        }
    }

    /// Replace the link's title.
    pub fn title(mut self, title: &str) -> Self {
        self.link.title = title.to_string();
        self
    }

    /// The stored link.
    pub fn to_model(&self) -> Link {
        self.link.clone()
    }
}

/// `/explore?schemaVersion=1&panes=…` for one query, over the time range of the click.
/// The JSON is percent-encoded except for Grafana variable references, which Grafana
/// replaces when the link is rendered.
fn explore_url(datasource_uid: &str, query: &crate::model::Target) -> String {
    let pane = serde_json::json!({
        "spark": {
            "datasource": datasource_uid,
            "queries": [query],
            "range": {"from": "${__from}", "to": "${__to}"},
        }
    });
    let json = serde_json::to_string(&pane).expect("a Target always serialises");
    format!(
        "/explore?schemaVersion=1&panes={}",
        encode_keeping_variables(&json)
    )
}

/// Percent-encodes `s` for a query-string value, leaving `$var`, `${var…}` and `[[var]]`
/// references intact.
fn encode_keeping_variables(s: &str) -> String {
    let mut out = String::with_capacity(s.len() * 2);
    let mut last = 0;
    for r in dashboard_query::template::scan(s) {
        percent_encode(&s[last..r.range.start], &mut out);
        out.push_str(&s[r.range.clone()]);
        last = r.range.end;
    }
    percent_encode(&s[last..], &mut out);
    out
}

fn percent_encode(s: &str, out: &mut String) {
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b'~') {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::datasource::{Datasource, Tempo};
    use crate::variable::DatasourceVar;

    #[test]
    fn variable_datasource_links_go_through_an_explore_url() {
        let tempo = DatasourceVar::<Tempo>::new("tempo");
        let l =
            PanelLink::tempo_search(&tempo, r#"{span.spark.app.name=~"${app:regex}"}"#).to_model();
        assert!(l.internal.is_none());
        assert!(
            l.url.starts_with("/explore?schemaVersion=1&panes=%7B"),
            "{}",
            l.url
        );
        // Variables stay readable for Grafana to replace; everything else is encoded.
        for v in ["${tempo}", "${app:regex}", "${__from}", "${__to}"] {
            assert!(l.url.contains(v), "{v} in {}", l.url);
        }
        assert!(!l.url.contains('"') && !l.url.contains(' '), "{}", l.url);
    }

    #[test]
    fn fixed_datasource_links_are_internal() {
        let tempo = Datasource::<Tempo>::uid("tempo");
        let l = PanelLink::tempo_trace(&tempo, "${__value.raw}").to_model();
        let internal = l.internal.expect("internal link");
        assert_eq!(internal.datasource_uid, "tempo");
        assert_eq!(internal.query.ref_id, "A");
        assert!(l.url.is_empty());
    }

    #[test]
    fn encoding_round_trips() {
        let s = r#"{"q":"a b&c=d/é"}"#;
        let mut out = String::new();
        percent_encode(s, &mut out);
        assert_eq!(out, "%7B%22q%22%3A%22a%20b%26c%3Dd%2F%C3%A9%22%7D");
    }
}
