//! The semantic diff on dashboards built with the DSL: panels matched by id, moves,
//! queries, units, thresholds, variables, links; terminal and markdown output; and no
//! permanent diff against what push wrote to Grafana.

use crate::push_support;

use dashboard_dsl::datasource::Prometheus;
use dashboard_dsl::field::thresholds;
use dashboard_dsl::link::{DashLink, PanelLink};
use dashboard_dsl::query::PromQuery;
use dashboard_dsl::variable::{DatasourceVar, QueryVar};
use dashboard_dsl::{panel, Dashboard, Folder, Row, Unit};
use dashboard_sync::diff::{diff_sets, DiffDoc, Status};
use dashboard_sync::render::{markdown, terminal, Style};
use dashboard_sync::{LocalDashboard, PushOptions};
use integration_tests::grafana::StandIn;
use push_support::*;
use serde_json::json;

fn doc(d: Dashboard) -> DiffDoc {
    let b = d.build().unwrap_or_else(|e| panic!("{e}"));
    LocalDashboard::from_model(&b.model, b.folder.as_ref()).to_diff_doc()
}

fn before() -> DiffDoc {
    let prom = DatasourceVar::<Prometheus>::new("prometheus");
    let app = QueryVar::new("app")
        .datasource(&prom)
        .query("label_values(metrics_executor_activeTasks, application_name)");
    doc(Dashboard::new("spark-demo", "Spark demo")
        .folder(Folder::new("spark", "Spark"))
        .variable(&prom)
        .variable(&app)
        .link(DashLink::url(
            "Runbook",
            "https://runbooks.example.com/spark",
        ))
        .row(
            Row::new("Executors")
                .panel(
                    panel::timeseries("active", "Active tasks")
                        .unit(Unit::Short)
                        .query(&prom, PromQuery::new("sum(metrics_executor_activeTasks)")),
                )
                .panel(
                    panel::timeseries("gc", "GC time")
                        .unit(Unit::Seconds)
                        .thresholds(thresholds("green", &[(0.1, "orange")]))
                        .query(
                            &prom,
                            PromQuery::new(
                                "sum(rate(metrics_executor_totalGCTime_seconds_total[5m]))",
                            ),
                        ),
                )
                .panel(
                    panel::timeseries("shuffle", "Shuffle read")
                        .unit(Unit::BytesIEC)
                        .query(
                            &prom,
                            PromQuery::new(
                                "sum(rate(metrics_executor_shuffleTotalBytesRead_bytes_total[5m]))",
                            ),
                        ),
                ),
        )
        .row(
            Row::new("Memory")
                .panel(
                    panel::timeseries("heap", "Heap used")
                        .unit(Unit::BytesIEC)
                        .query(
                            &prom,
                            PromQuery::new("sum(metrics_executor_JVMHeapMemory_bytes)"),
                        ),
                )
                .panel(panel::stat("failed", "Failed tasks").query(
                    &prom,
                    PromQuery::new("sum(metrics_executor_failedTasks_total)"),
                )),
        ))
}

fn after() -> DiffDoc {
    let prom = DatasourceVar::<Prometheus>::new("prometheus");
    let app = QueryVar::new("app")
        .datasource(&prom)
        .query("label_values(metrics_executor_activeTasks, app_name)");
    doc(Dashboard::new("spark-demo", "Spark demo v2")
        .folder(Folder::new("spark", "Spark"))
        .variable(&prom)
        .variable(&app)
        .link(DashLink::url("Runbook", "https://runbooks.example.com/spark/v2"))
        .link(DashLink::tagged("Spark", &["spark"]))
        .row(
            Row::new("Executors")
                .panel(
                    panel::timeseries("active", "Active tasks")
                        .unit(Unit::Short)
                        .query(
                            &prom,
                            PromQuery::new(
                                "sum by (executor_id) (\n  metrics_executor_activeTasks{application_name=~\"$app\"}\n)",
                            ),
                        ),
                )
                .panel(
                    panel::timeseries("gc", "GC time")
                        .unit(Unit::PercentUnit)
                        .thresholds(thresholds("green", &[(0.1, "orange"), (0.2, "red")]))
                        .link(PanelLink::url("GC tuning", "https://spark.apache.org/docs/latest/tuning.html"))
                        .query(
                            &prom,
                            PromQuery::new("sum(rate(metrics_executor_totalGCTime_seconds_total[5m]))"),
                        ),
                )
                .panel(
                    panel::timeseries("spill", "Disk spill")
                        .unit(Unit::BytesIEC)
                        .query(&prom, PromQuery::new("sum(rate(metrics_executor_diskBytesSpilled_bytes_total[5m]))")),
                ),
        )
        .row(
            Row::new("Memory")
                .panel(
                    panel::timeseries("heap", "Heap used")
                        .unit(Unit::BytesIEC)
                        .query(&prom, PromQuery::new("sum(metrics_executor_JVMHeapMemory_bytes)")),
                )
                .panel(
                    panel::timeseries("shuffle", "Shuffle read")
                        .unit(Unit::BytesIEC)
                        .query(&prom, PromQuery::new("sum(rate(metrics_executor_shuffleTotalBytesRead_bytes_total[5m]))")),
                ),
        ))
}

#[test]
fn every_kind_of_change_is_reported_per_panel() {
    let d = diff_sets(&[before()], &[after()]).unwrap();
    assert_eq!(d.counts(), (1, 0, 0));
    let dash = &d.dashboards[0];
    let whats: Vec<&str> = dash.changes.iter().map(|c| c.what.as_str()).collect();
    assert_eq!(
        whats,
        [
            "title",
            "variable $app query",
            "link \"Runbook\"",
            "link added",
        ]
    );
    let panel = |title: &str| {
        dash.panels
            .iter()
            .find(|p| p.title == title)
            .unwrap_or_else(|| panic!("{title} not in {:#?}", dash.panels))
    };
    assert_eq!(panel("Disk spill").status, Status::Added);
    assert_eq!(panel("Failed tasks").status, Status::Removed);
    let moved = panel("Shuffle read");
    assert_eq!(moved.status, Status::Changed);
    assert_eq!(moved.changes.len(), 1);
    assert_eq!(
        moved.changes[0].before.as_deref(),
        Some("row \"Executors\"")
    );
    assert_eq!(moved.changes[0].after.as_deref(), Some("row \"Memory\""));
    let q = &panel("Active tasks").changes[0];
    assert_eq!(q.what, "query A");
    assert_eq!(
        q.before.as_deref(),
        Some("sum(metrics_executor_activeTasks)")
    );
    assert!(q
        .after
        .as_deref()
        .unwrap()
        .contains("\n  metrics_executor_activeTasks{"));
    let gc: Vec<&str> = panel("GC time")
        .changes
        .iter()
        .map(|c| c.what.as_str())
        .collect();
    assert_eq!(gc, ["unit", "thresholds", "link added"]);
    // Heap used did not change at all, and the panel ids are the stable key hashes.
    assert!(dash.panels.iter().all(|p| p.title != "Heap used"));
}

#[test]
fn terminal_output() {
    let d = diff_sets(&[before()], &[after()]).unwrap();
    insta::assert_snapshot!("diff_terminal", terminal(&d, Style::plain()));
    let coloured = terminal(&d, Style::coloured());
    assert!(coloured.contains("\x1b[32m+ "), "additions in green");
    assert!(coloured.contains("\x1b[31m- sum(metrics_executor_activeTasks)\x1b[0m"));
    assert!(!terminal(&d, Style::plain()).contains('\x1b'));
}

#[test]
fn markdown_output() {
    let d = diff_sets(&[before()], &[after()]).unwrap();
    insta::assert_snapshot!("diff_markdown", markdown(&d));
}

#[test]
fn no_color_turns_colour_off() {
    assert_eq!(
        Style::with_no_color(true, Some("1".as_ref())),
        Style::plain()
    );
    assert_eq!(
        Style::with_no_color(true, Some("".as_ref())),
        Style::coloured()
    );
    assert_eq!(Style::with_no_color(true, None), Style::coloured());
    assert_eq!(Style::with_no_color(false, None), Style::plain());
}

#[test]
fn added_and_removed_dashboards() {
    let mut other = after();
    other.uid = "spark-other".into();
    other.json["uid"] = json!("spark-other");
    let d = diff_sets(&[before()], &[other]).unwrap();
    assert_eq!(d.counts(), (0, 1, 1));
    let t = terminal(&d, Style::plain());
    assert!(
        t.contains("+ spark-other \"Spark demo v2\": new dashboard, 5 panels"),
        "{t}"
    );
    assert!(
        t.contains("- spark-demo \"Spark demo\": removed (5 panels)"),
        "{t}"
    );
    assert!(
        t.ends_with("2 dashboards differ: 0 changed, 1 added, 1 removed (0 unchanged)\n"),
        "{t}"
    );
}

#[test]
fn what_push_wrote_shows_no_diff_against_grafana() {
    // Server-managed fields (id, version) and the push marker are not differences:
    // no permanent diff.
    let g = StandIn::start();
    let c = client(&g);
    let local: Vec<LocalDashboard> = dashboards::all()
        .into_iter()
        .map(|d| d.build().unwrap())
        .map(|b| LocalDashboard::from_model(&b.model, b.folder.as_ref()))
        .collect();
    push(&c, &local, &PushOptions::default());
    let live = |c: &dashboard_sync::GrafanaClient| -> Vec<DiffDoc> {
        local
            .iter()
            .filter_map(|d| c.get_dashboard(&d.uid).unwrap())
            .map(|s| DiffDoc {
                uid: s.dashboard["uid"].as_str().unwrap().to_string(),
                folder: s.folder_title,
                json: s.dashboard,
            })
            .collect()
    };
    let now: Vec<DiffDoc> = local.iter().map(LocalDashboard::to_diff_doc).collect();
    let d = diff_sets(&live(&c), &now).unwrap();
    assert!(!d.has_changes(), "{}", terminal(&d, Style::plain()));
    assert_eq!(d.unchanged, local.len());

    g.ui_edit("spark-overview", false, |j| j["refresh"] = json!("5s"));
    let d = diff_sets(&live(&c), &now).unwrap();
    assert_eq!(d.counts(), (1, 0, 0));
    let t = terminal(&d, Style::plain());
    assert!(t.contains("refresh: \"5s\" → \"30s\""), "{t}");
}

#[test]
fn a_dashboard_grafana_holds_in_a_shape_the_model_cannot_read_is_an_error_naming_it() {
    let g = StandIn::start();
    let c = client(&g);
    let local = vec![dashboard("odd", "Odd one", 1)];
    push(&c, &local, &PushOptions::default());
    // A hand edit of the JSON model in Grafana's settings: a number where Grafana wants one.
    g.ui_edit("odd", false, |j| {
        j["panels"][1]["maxDataPoints"] = json!("lots")
    });
    let server = c.get_dashboard("odd").unwrap().unwrap();
    let base = [DiffDoc {
        uid: "odd".into(),
        folder: server.folder_title,
        json: server.dashboard,
    }];
    let now: Vec<DiffDoc> = local.iter().map(LocalDashboard::to_diff_doc).collect();
    let e = diff_sets(&base, &now).unwrap_err();
    assert_eq!(e.side, dashboard_sync::diff::DiffSide::Old);
    let m = e.to_string();
    assert!(
        m.starts_with(r#"cannot diff: on the old side, dashboard odd ("Odd one") does not read"#),
        "{m}"
    );
    assert!(m.contains("field `maxDataPoints`"), "{m}");

    // Push still refuses to overwrite the edit, and says why it cannot show it.
    let r = push(&c, &local, &PushOptions::default());
    let dashboard_sync::push::Outcome::Conflict { reason, drift, .. } = outcome_of(&r, "odd")
    else {
        panic!("{}", text(&r))
    };
    assert!(drift.is_none());
    assert!(
        reason.contains(
            "How it differs cannot be shown: cannot diff: on the new side, dashboard odd"
        ),
        "{reason}"
    );
}
