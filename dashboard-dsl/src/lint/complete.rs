//! Complete panels: a title, a description, a unit and thresholds where the panel shows
//! numbers, a query where it shows data. grafana/dashboard-linter's `panel-title-description`,
//! `panel-units` and `panel-no-targets`, with thresholds on top.

use super::{error, panel_place, LintError, LintKind};
use crate::model::{DashboardModel, Panel, PanelOptions};

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

/// Panel types that show no query's data: they render text, or Grafana's own lists.
const NO_DATA: &[&str] = &[
    "alertlist",
    "annolist",
    "dashlist",
    "news",
    "row",
    "text",
    "welcome",
];

pub(super) fn lint(d: &DashboardModel) -> Vec<LintError> {
    let mut errors = Vec::new();
    for p in d.panels().filter(|p| p.kind != "row") {
        let mut push = |kind, message: String, help: &str| {
            errors.push(error(
                d,
                Some(panel_place(p)),
                None,
                kind,
                message,
                help.into(),
            ))
        };
        if p.title.trim().is_empty() {
            push(
                LintKind::PanelTitle,
                format!("the {} panel has no title", p.kind),
                "name what it shows in a few words: the title is what a reader scans first",
            );
        }
        if p.kind != "text" && p.description.as_deref().is_none_or(|t| t.trim().is_empty()) {
            push(
                LintKind::MissingDescription,
                "the panel has no description".into(),
                "say what it shows, in which unit, and what a bad value looks like: .description(...)",
            );
        }
        if !NO_DATA.contains(&p.kind.as_ref()) && p.targets.is_empty() {
            push(
                LintKind::PanelNoTargets,
                format!(
                    "the {} panel has no query, so it always shows \"No data\"",
                    p.kind
                ),
                "add a query (.query(&datasource, ...)) or use a text panel",
            );
        }
        if needs_unit(p) {
            push(
                LintKind::MissingUnit,
                format!("the {} panel shows numbers without a unit", p.kind),
                "set .unit(Unit::...) (Unit::Short for plain counts); heatmaps may set .y_unit(...)",
            );
        }
        let defaults = p.field_config.as_ref().map(|f| &f.defaults);
        if THRESHOLDED.contains(&p.kind.as_ref())
            && defaults.and_then(|d| d.thresholds.as_ref()).is_none()
        {
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

/// Whether a panel formats numbers and says in no place which unit they are in.
fn needs_unit(p: &Panel) -> bool {
    let numeric = THRESHOLDED.contains(&p.kind.as_ref()) || p.kind == "heatmap";
    let heatmap_unit =
        matches!(&p.options, Some(PanelOptions::Heatmap(o)) if o.y_axis.unit.is_some());
    let unit = p
        .field_config
        .as_ref()
        .and_then(|f| f.defaults.unit.as_ref());
    numeric && !heatmap_unit && unit.is_none()
}
