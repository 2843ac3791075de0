//! Checks on the stored model. They run on every build, and work on any
//! [`DashboardModel`], so dashboards built without the typed API are checked too.

use std::collections::{BTreeMap, BTreeSet};

use dashboard_query::promql::OutputLabels;
use dashboard_query::variable_query;
use std::fmt;

use crate::layout::GRID_WIDTH;
use crate::model::{DashboardModel, DataSourceRef, Link, Panel, Target, VariableKind};

/// What a lint found.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum LintKind {
    /// Two dashboards with one uid.
    DuplicateUid,
    /// Two panels with one key (or, in a model, one id).
    DuplicatePanelKey,
    /// Two queries of one panel with one refId.
    DuplicateRefId,
    /// An override or handle that names a query the panel does not have.
    UnknownQueryRef,
    /// `$var` with no such variable.
    UndeclaredVariable,
    /// PromQL that does not parse.
    InvalidPromQl,
    /// TraceQL (a Tempo query of type `traceql`) that does not parse.
    InvalidTraceQl,
    /// A Prometheus variable query Grafana would not read as its author meant
    /// (`label_values (x)`, a label that is no label name, a selector that is an
    /// expression).
    InvalidVariableQuery,
    /// `{{label}}` in a legend that the query's outermost aggregation removes.
    LegendLabelDropped,
    /// `${__field.labels.x}` in a data link, with a query whose result has no label `x`.
    LinkLabelDropped,
    /// A query on a datasource variable of another plugin type.
    DatasourceKindMismatch,
    /// A panel outside the 24-column grid, or overlapping another.
    OutsideGrid,
    /// A panel without a description ([`lint_complete`]).
    MissingDescription,
    /// A panel that shows numbers without a unit ([`lint_complete`]).
    MissingUnit,
    /// A panel that shows numbers without explicit thresholds ([`lint_complete`]).
    MissingThresholds,
}

impl LintKind {
    /// A short stable name, for reports and tests.
    ///
    /// ```
    /// assert_eq!(dashboard_dsl::lint::LintKind::InvalidPromQl.name(), "invalid-promql");
    /// ```
    pub fn name(self) -> &'static str {
        match self {
            LintKind::DuplicateUid => "duplicate-uid",
            LintKind::DuplicatePanelKey => "duplicate-panel-key",
            LintKind::DuplicateRefId => "duplicate-ref-id",
            LintKind::UnknownQueryRef => "unknown-query-ref",
            LintKind::UndeclaredVariable => "undeclared-variable",
            LintKind::InvalidPromQl => "invalid-promql",
            LintKind::InvalidTraceQl => "invalid-traceql",
            LintKind::InvalidVariableQuery => "invalid-variable-query",
            LintKind::LegendLabelDropped => "legend-label-dropped",
            LintKind::LinkLabelDropped => "link-label-dropped",
            LintKind::DatasourceKindMismatch => "datasource-kind-mismatch",
            LintKind::OutsideGrid => "outside-grid",
            LintKind::MissingDescription => "missing-description",
            LintKind::MissingUnit => "missing-unit",
            LintKind::MissingThresholds => "missing-thresholds",
        }
    }
}

/// One problem, located by dashboard, panel and query, with a fix.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LintError {
    /// Dashboard uid.
    pub dashboard: String,
    /// Panel title (or variable/link description for non-panel places).
    pub panel: Option<String>,
    /// refId of the query.
    pub query: Option<String>,
    /// The rule.
    pub kind: LintKind,
    /// What is wrong.
    pub message: String,
    /// How to fix it.
    pub help: String,
}

impl fmt::Display for LintError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "[{}] dashboard `{}`", self.kind.name(), self.dashboard)?;
        if let Some(p) = &self.panel {
            write!(f, ", {p}")?;
        }
        if let Some(q) = &self.query {
            write!(f, ", query {q}")?;
        }
        write!(f, ": {} (help: {})", self.message, self.help)
    }
}

/// Checks across dashboards: uids must be unique.
///
/// ```
/// use dashboard_dsl::{lint, Dashboard};
/// let a = Dashboard::new("x", "A").build().unwrap();
/// let b = Dashboard::new("x", "B").build().unwrap();
/// let errs = lint::lint_set([&a.model, &b.model]);
/// assert_eq!(errs[0].kind, lint::LintKind::DuplicateUid);
/// ```
pub fn lint_set<'a>(dashboards: impl IntoIterator<Item = &'a DashboardModel>) -> Vec<LintError> {
    let mut seen: BTreeMap<&str, &str> = BTreeMap::new();
    let mut errors = Vec::new();
    for d in dashboards {
        if let Some(first) = seen.insert(&d.uid, &d.title) {
            errors.push(LintError {
                dashboard: d.uid.clone(),
                panel: None,
                query: None,
                kind: LintKind::DuplicateUid,
                message: format!(
                    "uid `{}` is used by both \"{first}\" and \"{}\"",
                    d.uid, d.title
                ),
                help: "uids identify dashboards in Grafana; give each its own".into(),
            });
        }
    }
    errors
}

/// Every per-dashboard check.
///
/// ```
/// use dashboard_dsl::{lint, Dashboard};
/// let d = Dashboard::new("x", "A").build().unwrap();
/// assert!(lint::lint_dashboard(&d.model).is_empty());
/// ```
pub fn lint_dashboard(d: &DashboardModel) -> Vec<LintError> {
    lint_dashboard_checked(d, &Checked::default())
}

/// PromQL expressions checked at compile time by `promql!`, with their result labels.
pub type Checked = BTreeMap<String, OutputLabels>;

/// [`lint_dashboard`], trusting the parse of expressions in `checked` (`promql!` parsed them
/// at compile time with the same parser) and using their known result labels.
pub fn lint_dashboard_checked(d: &DashboardModel, checked: &Checked) -> Vec<LintError> {
    let mut cx = Cx {
        d,
        checked,
        pending: Vec::new(),
        errors: Vec::new(),
        vars: d
            .templating
            .list
            .iter()
            .map(|v| (v.name.as_str(), (v.kind, v.query.as_deref())))
            .collect(),
        link_labels: Vec::new(),
    };
    cx.variables();
    for l in &d.links {
        let place = format!("dashboard link \"{}\"", l.title);
        for text in [Some(&l.title), l.url.as_ref(), l.tooltip.as_ref()]
            .into_iter()
            .flatten()
        {
            cx.undeclared(&place, None, text);
        }
    }
    for a in &d.annotations.list {
        let place = format!("annotation \"{}\"", a.name);
        cx.datasource(&place, None, &a.datasource);
        if let Some(expr) = &a.expr {
            cx.undeclared(&place, None, expr);
            if a.datasource.kind == "prometheus" {
                cx.promql(&place, None, expr, None, false);
            }
        }
    }
    cx.grid(&d.panels, "dashboard");
    let mut ids = BTreeMap::new();
    for p in &d.panels {
        cx.panel(p, &mut ids);
        for child in p.panels.iter().flatten() {
            cx.panel(child, &mut ids);
        }
        if let Some(children) = p.panels.as_ref().filter(|c| !c.is_empty()) {
            cx.grid(children, &format!("collapsed row \"{}\"", p.title));
        }
    }
    cx.finish()
}

/// Panel types that format values with `fieldConfig.defaults.unit` and colour them from
/// `fieldConfig.defaults.thresholds`.
const THRESHOLDED: &[&str] = &[
    "barchart",
    "bargauge",
    "gauge",
    "histogram",
    "piechart",
    "stat",
    "state-timeline",
    "status-history",
    "table",
    "timeseries",
    "trend",
    "xychart",
];

/// The completeness rules, opt-in through
/// [`Dashboard::deny_incomplete_panels`](crate::Dashboard::deny_incomplete_panels): every
/// panel says what it shows, and every panel that shows numbers sets its unit and its
/// thresholds. Rows, text and trace panels need only what applies to them.
///
/// Thresholds are required even where a value has no bad level of its own: a panel that
/// sets none gets Grafana's default (green, red at 80), which colours 80 bytes or 80 ms red.
///
/// ```
/// use dashboard_dsl::{lint, panel, Dashboard, Unit};
/// let d = Dashboard::new("x", "X")
///     .panel(panel::stat("cores", "Cores").description("Task slots.").unit(Unit::Short))
///     .build()
///     .unwrap();
/// let found = lint::lint_complete(&d.model);
/// assert_eq!(found.len(), 1);
/// assert_eq!(found[0].kind, lint::LintKind::MissingThresholds);
/// ```
pub fn lint_complete(d: &DashboardModel) -> Vec<LintError> {
    let mut errors = Vec::new();
    let panels = d
        .panels
        .iter()
        .flat_map(|p| std::iter::once(p).chain(p.panels.iter().flatten()));
    for p in panels.filter(|p| p.kind != "row") {
        let mut push = |kind, message: String, help: &str| {
            errors.push(LintError {
                dashboard: d.uid.clone(),
                panel: Some(format!("panel \"{}\" (id {})", p.title, p.id)),
                query: None,
                kind,
                message,
                help: help.to_string(),
            })
        };
        if p.kind != "text" && p.description.as_deref().is_none_or(|t| t.trim().is_empty()) {
            push(
                LintKind::MissingDescription,
                "the panel has no description".into(),
                "say what it shows, in which unit, and what a bad value looks like: .description(...)",
            );
        }
        let defaults = p.field_config.as_ref().map(|f| &f.defaults);
        let heatmap_unit = match &p.options {
            Some(crate::model::PanelOptions::Heatmap(o)) => o.y_axis.unit.is_some(),
            _ => false,
        };
        let numeric = THRESHOLDED.contains(&p.kind.as_ref());
        if (numeric || p.kind == "heatmap")
            && !heatmap_unit
            && defaults.and_then(|d| d.unit.as_ref()).is_none()
        {
            push(
                LintKind::MissingUnit,
                format!("the {} panel shows numbers without a unit", p.kind),
                "set .unit(Unit::...) (Unit::Short for plain counts); heatmaps may set .y_unit(...)",
            );
        }
        if numeric && defaults.and_then(|d| d.thresholds.as_ref()).is_none() {
            push(
                LintKind::MissingThresholds,
                format!(
                    "the {} panel sets no thresholds, so Grafana applies its default: red at 80",
                    p.kind
                ),
                "set .thresholds(thresholds(base, &[(level, colour)])) at the levels the recipe \
                 uses, or thresholds(base, &[]) when the value has no bad level of its own",
            );
        }
    }
    errors
}

/// The `x` of every `${__field.labels.x}` in data links, whether in a URL or in the query of
/// an Explore link.
fn field_label_refs(links: &[Link]) -> Vec<String> {
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
struct Pending {
    place: String,
    query: Option<String>,
    expr: String,
    legend: Option<String>,
    /// Labels the panel's data links read from each series (`${__field.labels.x}`).
    link_labels: Vec<String>,
}

/// Parses each expression (in order) and returns its result labels or the parser's
/// message. Large batches are split over the available cores.
fn parse_all(exprs: Vec<&str>) -> Vec<Result<OutputLabels, String>> {
    let one = |e: &str| {
        dashboard_query::promql::parse(e)
            .map(|x| dashboard_query::promql::output_labels(&x))
            .map_err(|e| e.message)
    };
    let threads = std::thread::available_parallelism().map_or(1, |n| n.get().min(8));
    if threads == 1 || exprs.len() < 64 {
        return exprs.into_iter().map(one).collect();
    }
    let chunk = exprs.len().div_ceil(threads);
    std::thread::scope(|s| {
        let handles: Vec<_> = exprs
            .chunks(chunk)
            .map(|c| s.spawn(move || c.iter().map(|e| one(e)).collect::<Vec<_>>()))
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

struct Cx<'a> {
    d: &'a DashboardModel,
    checked: &'a Checked,
    pending: Vec<Pending>,
    errors: Vec<LintError>,
    vars: BTreeMap<&'a str, (VariableKind, Option<&'a str>)>,
    /// `${__field.labels.x}` names in the data links of the panel being checked.
    link_labels: Vec<String>,
}

impl<'a> Cx<'a> {
    fn push(
        &mut self,
        place: &str,
        query: Option<&str>,
        kind: LintKind,
        message: String,
        help: String,
    ) {
        self.errors.push(LintError {
            dashboard: self.d.uid.clone(),
            panel: Some(place.to_string()),
            query: query.map(str::to_string),
            kind,
            message,
            help,
        });
    }

    fn undeclared(&mut self, place: &str, query: Option<&str>, text: &str) {
        // Borrowed names: this runs on every text of every panel.
        for name in dashboard_query::template::var_names(text) {
            if dashboard_query::template::is_builtin(name) || self.vars.contains_key(name) {
                continue;
            }
            let declared: Vec<&str> = self.vars.keys().copied().collect();
            self.push(
                place,
                query,
                LintKind::UndeclaredVariable,
                format!("variable `${name}` is used but not declared"),
                if declared.is_empty() {
                    "declare it in the dashboard's variables".into()
                } else {
                    format!(
                        "declare it, or use one of: {}",
                        declared
                            .iter()
                            .map(|v| format!("${v}"))
                            .collect::<Vec<_>>()
                            .join(", ")
                    )
                },
            );
        }
    }

    fn datasource(&mut self, place: &str, query: Option<&str>, ds: &DataSourceRef) {
        self.undeclared(place, query, &ds.uid);
        let Some(name) = dashboard_query::template::var_names(&ds.uid).next() else {
            return;
        };
        if let Some((VariableKind::Datasource, Some(plugin))) = self.vars.get(name) {
            if *plugin != ds.kind && ds.kind != "datasource" {
                self.push(
                    place,
                    query,
                    LintKind::DatasourceKindMismatch,
                    format!(
                        "a {} query is attached to `${name}`, which picks {plugin} datasources",
                        ds.kind
                    ),
                    format!(
                        "use a datasource variable of type {}, or a {plugin} query",
                        ds.kind
                    ),
                );
            }
        }
    }

    /// `panel_query`: one of a panel's own queries, whose series feed its data links.
    fn promql(
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

    fn finish(mut self) -> Vec<LintError> {
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

    fn variables(&mut self) {
        let d = self.d;
        // A variable may only use variables declared before it: Grafana resolves them in order.
        let mut declared: BTreeSet<&str> = BTreeSet::new();
        for v in &d.templating.list {
            let place = format!("variable `{}`", v.name);
            for text in [v.query.as_deref(), v.regex.as_deref(), v.label.as_deref()]
                .into_iter()
                .flatten()
            {
                for r in dashboard_query::template::scan(text) {
                    if r.builtin || declared.contains(r.name.as_str()) {
                        continue;
                    }
                    let (message, help) = if self.vars.contains_key(r.name.as_str()) {
                        (
                            format!("uses `${}`, which is declared after it", r.name),
                            format!("declare `{}` before `{}`", r.name, v.name),
                        )
                    } else {
                        (
                            format!("uses `${}`, which is not declared", r.name),
                            "declare it before this variable".to_string(),
                        )
                    };
                    self.push(&place, None, LintKind::UndeclaredVariable, message, help);
                }
            }
            if let Some(ds) = &v.datasource {
                self.datasource(&place, None, ds);
                if v.kind == VariableKind::Query && ds.kind == "prometheus" {
                    if let Some(q) = v.query.as_deref() {
                        self.variable_query(&place, q);
                    }
                }
            }
            declared.insert(&v.name);
        }
    }

    fn variable_query(&mut self, place: &str, query: &str) {
        let parsed = variable_query::parse(query).and_then(|q| match q.check() {
            // The PromQL is checked below, with the panels' queries.
            Err(e) if e.kind != variable_query::ErrorKind::Promql => Err(e),
            _ => Ok(q),
        });
        match parsed {
            Ok(q) => {
                if let Some(expr) = q.promql() {
                    self.promql(place, None, expr, None, false);
                }
            }
            Err(e) => self.push(
                place,
                None,
                LintKind::InvalidVariableQuery,
                format!("variable query `{query}`: {}", e.message),
                "write it as Grafana's Prometheus datasource reads it: label_values(<selector>, \
                 <label>), label_names(<selector>), metrics(<regex>) or query_result(<PromQL>)"
                    .into(),
            ),
        }
    }

    fn links(&mut self, place: &str, links: &[Link]) {
        for l in links {
            self.undeclared(place, None, &l.title);
            self.undeclared(place, None, &l.url);
            if let Some(internal) = &l.internal {
                self.undeclared(place, None, &internal.datasource_uid);
                self.target(place, &internal.query, false);
            }
        }
    }

    fn target(&mut self, place: &str, t: &Target, check_legend: bool) {
        let q = Some(t.ref_id.as_str());
        if let Some(ds) = &t.datasource {
            self.datasource(place, q, ds);
        }
        for text in [
            t.expr.as_deref(),
            t.legend_format.as_deref(),
            t.query.as_deref(),
            t.service.as_deref(),
            t.operation.as_deref(),
            t.tags.as_deref(),
            t.service_map_query.as_deref(),
            t.interval.as_deref(),
        ]
        .into_iter()
        .flatten()
        {
            self.undeclared(place, q, text);
        }
        let is_prom = t
            .datasource
            .as_ref()
            .is_some_and(|d| d.kind == "prometheus");
        if let (true, Some(expr)) = (is_prom, t.expr.as_deref()) {
            let legend = if check_legend {
                t.legend_format.as_deref()
            } else {
                None
            };
            self.promql(place, q, expr, legend, check_legend);
        }
        let is_traceql = t.datasource.as_ref().is_some_and(|d| d.kind == "tempo")
            && t.query_type.as_deref() == Some("traceql");
        if let (true, Some(query)) = (is_traceql, t.query.as_deref()) {
            self.traceql(place, q, query);
        }
    }

    fn traceql(&mut self, place: &str, query: Option<&str>, text: &str) {
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

    fn panel(&mut self, p: &'a Panel, ids: &mut BTreeMap<u32, &'a str>) {
        let place = format!("panel \"{}\" (id {})", p.title, p.id);
        if let Some(first) = ids.insert(p.id, &p.title) {
            self.push(
                &place,
                None,
                LintKind::DuplicatePanelKey,
                format!("panel id {} is also used by \"{first}\"", p.id),
                "give each panel its own key (ids derive from keys)".into(),
            );
        }
        self.undeclared(&place, None, &p.title);
        if let Some(desc) = &p.description {
            self.undeclared(&place, None, desc);
        }
        if let Some(r) = &p.repeat {
            if !self.vars.contains_key(r.as_str()) {
                self.push(
                    &place,
                    None,
                    LintKind::UndeclaredVariable,
                    format!("repeats over `${r}`, which is not declared"),
                    "declare the variable or remove the repeat".into(),
                );
            }
        }
        if let Some(ds) = &p.datasource {
            self.datasource(&place, None, ds);
        }
        self.links(&place, &p.links);
        self.link_labels = p
            .field_config
            .as_ref()
            .map(|fc| field_label_refs(&fc.defaults.links))
            .unwrap_or_default();
        let mut ref_ids = BTreeSet::new();
        for t in &p.targets {
            if !ref_ids.insert(t.ref_id.as_str()) {
                self.push(
                    &place,
                    Some(&t.ref_id),
                    LintKind::DuplicateRefId,
                    format!("refId `{}` is used by two queries", t.ref_id),
                    "give each query its own ref_id, or leave it unset".into(),
                );
            }
            self.target(&place, t, true);
        }
        if let Some(fc) = &p.field_config {
            self.links(&place, &fc.defaults.links);
            for o in &fc.overrides {
                if o.matcher.id == "byFrameRefID" && !ref_ids.contains(o.matcher.options.as_str()) {
                    self.push(
                        &place,
                        Some(&o.matcher.options),
                        LintKind::UnknownQueryRef,
                        format!(
                            "an override targets query `{}`, which this panel does not have",
                            o.matcher.options
                        ),
                        "take the QueryRef from this panel's add_query".into(),
                    );
                }
            }
        }
    }

    fn grid(&mut self, panels: &[Panel], section: &str) {
        // Sweep in y order, comparing each panel only with those still open at its top,
        // so a 1,000-panel dashboard costs far less than all pairs.
        let mut order: Vec<&Panel> = panels.iter().collect();
        order.sort_by_key(|p| (p.grid_pos.y, p.grid_pos.x));
        let mut open: Vec<&Panel> = Vec::new();
        for p in order {
            let g = p.grid_pos;
            open.retain(|o| o.grid_pos.y + o.grid_pos.h > g.y);
            if let Some(other) = open.iter().find(|o| o.grid_pos.overlaps(&g)) {
                self.push(
                    &format!("panel \"{}\" (id {})", p.title, p.id),
                    None,
                    LintKind::OutsideGrid,
                    format!("overlaps panel \"{}\" in the {section}", other.title),
                    "move one of them; automatic layout never overlaps".into(),
                );
            }
            open.push(p);
        }
        for p in panels {
            let g = p.grid_pos;
            if g.w == 0 || g.h == 0 || g.x + g.w > GRID_WIDTH {
                self.push(
                    &format!("panel \"{}\" (id {})", p.title, p.id),
                    None,
                    LintKind::OutsideGrid,
                    format!(
                        "gridPos x={} w={} h={} falls outside the 24-column grid",
                        g.x, g.w, g.h
                    ),
                    "keep 1 <= w, x + w <= 24 and h >= 1".into(),
                );
            }
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
