//! The checks of every build that follow references: variables used before they are
//! declared or not at all, datasources of the wrong plugin, duplicate panel ids and
//! refIds, overrides of queries a panel does not have. They walk the whole model once,
//! handing each query to `queries` and each section of panels to `grid`.

use std::collections::{BTreeMap, BTreeSet};

use dashboard_query::variable_query;

use super::queries::{field_label_refs, Pending};
use super::{panel_place, Checked, LintError, LintKind};
use crate::model::{DashboardModel, DataSourceRef, Link, Panel, Target, VariableKind};

/// `check_ids`: whether to report panels that share an id (a dashboard built by this crate
/// had its keys checked instead).
pub(super) fn lint(d: &DashboardModel, checked: &Checked, check_ids: bool) -> Vec<LintError> {
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
    let mut ids = check_ids.then(BTreeMap::new);
    for p in &d.panels {
        cx.panel(p, ids.as_mut());
        for child in p.panels.iter().flatten() {
            cx.panel(child, ids.as_mut());
        }
        if let Some(children) = p.panels.as_ref().filter(|c| !c.is_empty()) {
            cx.grid(children, &format!("collapsed row \"{}\"", p.title));
        }
    }
    cx.finish()
}

pub(super) struct Cx<'a> {
    pub(super) d: &'a DashboardModel,
    pub(super) checked: &'a Checked,
    pub(super) pending: Vec<Pending>,
    pub(super) errors: Vec<LintError>,
    vars: BTreeMap<&'a str, (VariableKind, Option<&'a str>)>,
    /// `${__field.labels.x}` names in the data links of the panel being checked.
    pub(super) link_labels: Vec<String>,
}

impl<'a> Cx<'a> {
    pub(super) fn push(
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

    fn panel(&mut self, p: &'a Panel, ids: Option<&mut BTreeMap<u32, &'a str>>) {
        let place = panel_place(p);
        if let Some(first) = ids.and_then(|ids| ids.insert(p.id, &p.title)) {
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
}
