//! grafana/dashboard-linter's rules for the dashboard as a whole: `template-datasource`,
//! `panel-datasource`, `template-on-time-change-reload` and `uneditable-dashboard`.
//! A dashboard that picks its datasources through variables works unchanged in every
//! Grafana it is pushed to; one that names a uid works only where that uid exists.

use std::collections::BTreeMap;

use super::{error, panel_place, LintError, LintKind};
use crate::model::{DashboardModel, DataSourceRef, VariableKind};

/// `refresh: 2`, "On time range change": Grafana's value for re-running a variable's
/// query whenever the time range moves.
const ON_TIME_RANGE_CHANGE: u8 = 2;

/// Datasource types that are Grafana's own (the built-in annotations, `-- Mixed --`,
/// `-- Dashboard --`): no variable can pick them.
const BUILT_IN: &[&str] = &["datasource", "grafana"];

pub(super) fn lint(d: &DashboardModel) -> Vec<LintError> {
    let mut errors = Vec::new();
    if d.editable == Some(true) {
        errors.push(error(
            d,
            None,
            None,
            LintKind::UneditableDashboard,
            "the dashboard is stored as editable, so changes made in the UI drift from the code"
                .into(),
            "store it read-only (Dashboard::read_only) or leave it unset; change it in code and push it"
                .into(),
        ));
    }
    // Plugin → its datasource variables.
    let mut ds_vars: BTreeMap<&str, Vec<&str>> = BTreeMap::new();
    for v in d
        .templating
        .list
        .iter()
        .filter(|v| v.kind == VariableKind::Datasource)
    {
        if let Some(plugin) = v.query.as_deref() {
            ds_vars.entry(plugin).or_default().push(&v.name);
        }
    }
    for v in d
        .templating
        .list
        .iter()
        .filter(|v| v.kind == VariableKind::Query)
    {
        if v.refresh != Some(ON_TIME_RANGE_CHANGE) {
            errors.push(error(
                d,
                Some(format!("variable `{}`", v.name)),
                None,
                LintKind::TemplateOnTimeChangeReload,
                "the variable's values are read once, so a series that starts after the \
                 dashboard opens (a new application, a new executor) is not offered"
                    .into(),
                "refresh it on time range change (refresh: 2, the DSL's default)".into(),
            ));
        }
    }
    let mut missing: BTreeMap<String, String> = BTreeMap::new();
    for (place, query, ds) in datasources(d) {
        if BUILT_IN.contains(&ds.kind.as_ref()) {
            continue;
        }
        let Some(vars) = ds_vars.get(ds.kind.as_ref()) else {
            missing.entry(ds.kind.to_string()).or_insert(place);
            continue;
        };
        if dashboard_query::template::var_names(&ds.uid)
            .next()
            .is_none()
        {
            errors.push(error(
                d,
                Some(place),
                query,
                LintKind::PanelDatasource,
                format!(
                    "the {} datasource is fixed by uid `{}`, which exists only in one Grafana",
                    ds.kind, ds.uid
                ),
                format!(
                    "pick it through the datasource variable: {}",
                    vars.iter()
                        .map(|v| format!("${{{v}}}"))
                        .collect::<Vec<_>>()
                        .join(", ")
                ),
            ));
        }
    }
    for (plugin, first) in missing {
        errors.push(error(
            d,
            None,
            None,
            LintKind::TemplateDatasource,
            format!(
                "{first} queries a {plugin} datasource, and the dashboard declares no {plugin} \
                 datasource variable"
            ),
            format!("declare one (DatasourceVar of the {plugin} plugin) and query through it"),
        ));
    }
    errors
}

/// Every datasource reference with the place it is made from, in the model's order.
fn datasources(d: &DashboardModel) -> Vec<(String, Option<&str>, &DataSourceRef)> {
    let mut out = Vec::new();
    for v in &d.templating.list {
        if let Some(ds) = &v.datasource {
            out.push((format!("variable `{}`", v.name), None, ds));
        }
    }
    for a in &d.annotations.list {
        out.push((format!("annotation \"{}\"", a.name), None, &a.datasource));
    }
    for p in d.panels() {
        if let Some(ds) = &p.datasource {
            out.push((panel_place(p), None, ds));
        }
        // A query on the panel's own datasource is reported once, with the panel.
        for t in &p.targets {
            if let Some(ds) = t
                .datasource
                .as_ref()
                .filter(|ds| Some(*ds) != p.datasource.as_ref())
            {
                out.push((panel_place(p), Some(t.ref_id.as_str()), ds));
            }
        }
    }
    out
}
