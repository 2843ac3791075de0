//! The queries' own checks in every build: PromQL and TraceQL that do not parse, and
//! legends and data links that read a label the query's result does not carry. PromQL
//! is parsed in one batch spread over the cores; expressions `promql!` parsed at compile
//! time are not parsed again.

use dashboard_query::promql::OutputLabels;

use super::references::Cx;
use super::{LintError, LintKind};
use crate::model::Link;

/// The `x` of every `${__field.labels.x}` in data links, whether in a URL or in the query of
/// an Explore link.
pub(super) fn field_label_refs(links: &[Link]) -> Vec<String> {
    const REF: &str = "${__field.labels.";
    let mut out: Vec<String> = Vec::new();
    for l in links {
        let text = serde_json::to_string(l).unwrap_or_default();
        let mut rest = text.as_str();
        while let Some(at) = rest.find(REF) {
            rest = &rest[at + REF.len()..];
            let end = rest.find(['}', ':']).unwrap_or(rest.len());
            let label = &rest[..end];
            if !label.is_empty() && !out.iter().any(|o| o == label) {
                out.push(label.to_string());
            }
        }
    }
    out
}

/// A PromQL check waiting for the batched parse.
pub(super) struct Pending {
    pub(super) place: String,
    pub(super) query: Option<String>,
    pub(super) expr: String,
    pub(super) legend: Option<String>,
    /// Labels the panel's data links read from each series (`${__field.labels.x}`).
    pub(super) link_labels: Vec<String>,
}

/// Parses each expression (in order) and returns its result labels or the parser's
/// message.
fn parse_all(exprs: Vec<&str>) -> Vec<Result<OutputLabels, String>> {
    parallel_map(&exprs, |e| {
        dashboard_query::promql::parse(e)
            .map(|x| dashboard_query::promql::output_labels(&x))
            .map_err(|e| e.message)
    })
}

/// `f` over `items`, in order; large batches are split over the available cores.
/// Parsing is most of the lint's cost.
pub(super) fn parallel_map<T: Sync, R: Send>(items: &[T], f: impl Fn(&T) -> R + Sync) -> Vec<R> {
    let threads = std::thread::available_parallelism().map_or(1, |n| n.get().min(8));
    if threads == 1 || items.len() < 64 {
        return items.iter().map(f).collect();
    }
    let chunk = items.len().div_ceil(threads);
    let f = &f;
    std::thread::scope(|s| {
        let handles: Vec<_> = items
            .chunks(chunk)
            .map(|c| s.spawn(move || c.iter().map(f).collect::<Vec<_>>()))
            .collect();
        handles
            .into_iter()
            .flat_map(|h| {
                h.join()
                    .expect("parse never panics: dashboard_query catches it")
            })
            .collect()
    })
}

impl Cx<'_> {
    /// `panel_query`: one of a panel's own queries, whose series feed its data links.
    pub(super) fn promql(
        &mut self,
        place: &str,
        query: Option<&str>,
        expr: &str,
        legend: Option<&str>,
        panel_query: bool,
    ) {
        let link_labels = if panel_query {
            self.link_labels.clone()
        } else {
            Vec::new()
        };
        // `checked` outlives `self`'s borrow: no copy of the labels.
        let checked = self.checked;
        match checked.get(expr) {
            Some(labels) => {
                self.legend(place, query, labels, legend);
                self.link_labels_kept(place, query, labels, &link_labels);
            }
            // Parsing is most of the lint's cost; it is batched and spread over the cores
            // in `finish`.
            None => self.pending.push(Pending {
                place: place.to_string(),
                query: query.map(str::to_string),
                expr: expr.to_string(),
                legend: legend.map(str::to_string),
                link_labels,
            }),
        }
    }

    fn legend(
        &mut self,
        place: &str,
        query: Option<&str>,
        labels: &OutputLabels,
        legend: Option<&str>,
    ) {
        let Some(legend) = legend else { return };
        let missing = labels.missing_from_legend(legend);
        if missing.is_empty() {
            return;
        }
        let shown: Vec<String> = missing.iter().map(|l| format!("{{{{{l}}}}}")).collect();
        self.push(
            place,
            query,
            LintKind::LegendLabelDropped,
            format!(
                "legend uses {} but the query's outermost aggregation removes {}",
                shown.join(", "),
                if missing.len() == 1 { "it" } else { "them" }
            ),
            format!(
                "add {} to the aggregation's `by (…)`, or change the legend",
                missing.join(", ")
            ),
        );
    }

    fn link_labels_kept(
        &mut self,
        place: &str,
        query: Option<&str>,
        labels: &OutputLabels,
        used: &[String],
    ) {
        let missing: Vec<&str> = used
            .iter()
            .map(String::as_str)
            .filter(|l| !labels.may_contain(l))
            .collect();
        if missing.is_empty() {
            return;
        }
        let shown: Vec<String> = missing
            .iter()
            .map(|l| format!("${{__field.labels.{l}}}"))
            .collect();
        self.push(
            place,
            query,
            LintKind::LinkLabelDropped,
            format!(
                "a data link uses {} but this query's result has no such label, so the link \
                 opens with an empty value",
                shown.join(", ")
            ),
            format!(
                "keep {} in the query's outermost `by (…)`, or take the link off this panel",
                missing.join(", ")
            ),
        );
    }

    pub(super) fn finish(mut self) -> Vec<LintError> {
        let pending = std::mem::take(&mut self.pending);
        let results = parse_all(pending.iter().map(|p| p.expr.as_str()).collect());
        for (p, result) in pending.iter().zip(results) {
            match result {
                Ok(labels) => {
                    self.legend(&p.place, p.query.as_deref(), &labels, p.legend.as_deref());
                    self.link_labels_kept(&p.place, p.query.as_deref(), &labels, &p.link_labels);
                }
                Err(message) => self.push(
                    &p.place,
                    p.query.as_deref(),
                    LintKind::InvalidPromQl,
                    format!("invalid PromQL `{}`: {message}", p.expr),
                    "fix the expression; Grafana variables are substituted before parsing".into(),
                ),
            }
        }
        self.errors
    }

    pub(super) fn traceql(&mut self, place: &str, query: Option<&str>, text: &str) {
        if is_trace_id(text) {
            return;
        }
        if let Err(e) = dashboard_query::traceql::parse(text) {
            self.push(
                place,
                query,
                LintKind::InvalidTraceQl,
                format!("invalid TraceQL `{text}`: {e}"),
                "fix the query; Grafana variables are allowed in strings and in place of values"
                    .into(),
            );
        }
    }
}

/// Whether a Tempo `traceql` query is a lookup of one trace rather than TraceQL: a hex
/// trace id, or a single Grafana variable or field reference such as `$trace_id` or
/// `${__value.raw}`.
fn is_trace_id(query: &str) -> bool {
    let q = query.trim();
    if !q.is_empty() && q.bytes().all(|b| b.is_ascii_hexdigit()) {
        return true;
    }
    matches!(dashboard_query::template::scan(q).as_slice(), [r] if r.range == (0..q.len()))
}
