//! One bad input per lint rule; each must fail the build with a message naming the
//! dashboard, the panel and the query, and saying how to fix it.

use dashboard_dsl::datasource::{Datasource, Prometheus, Tempo};
use dashboard_dsl::link::{DashLink, PanelLink};
use dashboard_dsl::lint::{self, LintError, LintKind};
use dashboard_dsl::query::PromQuery;
use dashboard_dsl::variable::{DatasourceVar, QueryVar};
use dashboard_dsl::{panel, Dashboard, Row};

fn prom() -> DatasourceVar<Prometheus> {
    DatasourceVar::<Prometheus>::new("prometheus")
}

fn app(prom: &DatasourceVar<Prometheus>) -> QueryVar {
    QueryVar::new("app")
        .datasource(prom)
        .query("label_values(metrics_executor_activeTasks, application_name)")
}

/// The dashboard fails to build; returns its errors.
fn errors(d: Dashboard) -> Vec<LintError> {
    match d.build() {
        Ok(_) => panic!("expected the build to fail"),
        Err(e) => {
            // The rendered error is what users read: every problem, one per line.
            let text = e.to_string();
            assert!(text.contains("problem"), "{text}");
            e.errors
        }
    }
}

fn only(errors: &[LintError], kind: LintKind) -> &LintError {
    assert_eq!(errors.len(), 1, "{errors:#?}");
    assert_eq!(errors[0].kind, kind, "{errors:#?}");
    &errors[0]
}

fn with_panel(p: impl Into<dashboard_dsl::panel::PanelSpec>) -> Dashboard {
    let prom = prom();
    Dashboard::new("lint-test", "Lint test")
        .variable(&prom)
        .variable(&app(&prom))
        .panel(p)
}

#[test]
fn invalid_promql_names_dashboard_panel_and_query() {
    let prom = prom();
    let errs = errors(with_panel(panel::timeseries("gc", "GC share").query(
        &prom,
        PromQuery::new("sum by (executor_id) rate(metrics_executor_totalGCTime_seconds_total[5m])"),
    )));
    let e = only(&errs, LintKind::InvalidPromQl);
    let text = e.to_string();
    assert!(text.contains("dashboard `lint-test`"), "{text}");
    assert!(text.contains("panel \"GC share\""), "{text}");
    assert!(text.contains("query A"), "{text}");
    assert!(text.contains("invalid PromQL"), "{text}");
}

#[test]
fn grafana_variables_do_not_trip_the_promql_check() {
    let prom = prom();
    let d = with_panel(panel::timeseries("ok", "OK").query(
        &prom,
        PromQuery::new(
            r#"sum by (executor_id) (rate(x{a=~"$app", b=~"${app:regex}", c="[[app]]"}[$__rate_interval])) * $__range_s"#,
        ),
    ));
    d.build().unwrap_or_else(|e| panic!("{e}"));
}

#[test]
fn undeclared_variable_in_a_query() {
    let prom = prom();
    let errs = errors(with_panel(panel::timeseries("t", "Tasks").query(
        &prom,
        PromQuery::new(r#"sum(metrics_executor_activeTasks{application_name=~"$application"})"#),
    )));
    let e = only(&errs, LintKind::UndeclaredVariable);
    assert!(e.message.contains("$application"), "{e}");
    assert!(e.help.contains("$app"), "suggests the declared ones: {e}");
    assert_eq!(e.query.as_deref(), Some("A"));
}

#[test]
fn undeclared_variable_in_a_title_and_a_link() {
    let errs = errors(
        Dashboard::new("lint-test", "Lint test")
            .link(DashLink::url("Spark UI", "http://$driver:4040"))
            .panel(panel::text("t", "Executors of $app", "…")),
    );
    assert_eq!(errs.len(), 2, "{errs:#?}");
    assert!(errs.iter().all(|e| e.kind == LintKind::UndeclaredVariable));
    assert!(errs.iter().any(|e| e.message.contains("$driver")));
    assert!(errs.iter().any(|e| e.message.contains("$app")));
}

#[test]
fn variable_query_using_a_later_or_unknown_variable() {
    let prom = prom();
    let executor = QueryVar::new("executor").datasource(&prom).query(
        r#"label_values(metrics_executor_activeTasks{application_name=~"$app"}, executor_id)"#,
    );
    let errs = errors(
        Dashboard::new("lint-test", "Lint test")
            .variable(&prom)
            .variable(&executor)
            .variable(&app(&prom)),
    );
    let e = only(&errs, LintKind::UndeclaredVariable);
    assert!(e.message.contains("declared after"), "{e}");
    assert_eq!(e.panel.as_deref(), Some("variable `executor`"));
}

#[test]
fn invalid_promql_in_a_variable_query() {
    let prom = prom();
    let bad = QueryVar::new("bad")
        .datasource(&prom)
        .query("label_values(metrics_executor_activeTasks{application_name=}, executor_id)");
    let errs = errors(
        Dashboard::new("lint-test", "Lint test")
            .variable(&prom)
            .variable(&bad),
    );
    only(&errs, LintKind::InvalidPromQl);
}

#[test]
fn variable_queries_grafana_would_not_read_as_meant() {
    let prom = prom();
    for (query, expected) in [
        // Grafana runs these as a series query that returns nothing.
        ("label_values (executor_id)", "write `label_values(`"),
        (
            " label_values(executor_id)",
            "remove the leading whitespace",
        ),
        ("label_values(x, executor-id)", "is not a label name"),
        (
            "label_names(rate(metrics_executor_activeTasks[5m]))",
            "expects a series selector",
        ),
        ("metrics(spark_(.*)", "invalid regex in metrics()"),
    ] {
        let bad = QueryVar::new("bad").datasource(&prom).query(query);
        let errs = errors(
            Dashboard::new("lint-test", "Lint test")
                .variable(&prom)
                .variable(&bad),
        );
        let text = only(&errs, LintKind::InvalidVariableQuery).to_string();
        assert!(
            text.contains("variable `bad`") || text.contains("bad"),
            "{text}"
        );
        assert!(text.contains(expected), "{query}: {text}");
    }
}
#[test]
fn legend_label_removed_by_the_outer_aggregation() {
    let prom = prom();
    let errs = errors(with_panel(
        panel::timeseries("gc", "GC").query(
            &prom,
            PromQuery::new(
                "sum by (executor_id) (rate(metrics_executor_totalGCTime_seconds_total[5m]))",
            )
            .legend("{{application_name}} / {{executor_id}}"),
        ),
    ));
    let e = only(&errs, LintKind::LegendLabelDropped);
    assert!(e.message.contains("{{application_name}}"), "{e}");
    assert!(!e.message.contains("{{executor_id}}"), "{e}");
    assert!(e.help.contains("by (…)"), "{e}");
}

#[test]
fn query_on_a_datasource_variable_of_another_type() {
    // The typed API cannot express this; a model edited by hand (or imported) can.
    let prom = prom();
    let tempo = DatasourceVar::<Tempo>::new("tempo");
    let mut built = with_panel(
        panel::timeseries("t", "Tasks")
            .query(&prom, PromQuery::new("sum(metrics_executor_activeTasks)")),
    )
    .variable(&tempo)
    .build()
    .unwrap();
    let target = &mut built.model.panels[0].targets[0];
    target.datasource.as_mut().unwrap().uid = "${tempo}".into();
    let errs = lint::lint_dashboard(&built.model);
    assert!(
        errs.iter()
            .any(|e| e.kind == LintKind::DatasourceKindMismatch
                && e.message.contains("prometheus query")
                && e.message.contains("$tempo")),
        "{errs:#?}"
    );
}

#[test]
fn panels_outside_the_grid_or_overlapping() {
    let errs = errors(
        Dashboard::new("lint-test", "Lint test")
            .panel(panel::text("wide", "Too wide", "").width(25)),
    );
    let e = only(&errs, LintKind::OutsideGrid);
    assert_eq!(e.panel.as_deref(), Some("Too wide"));

    let errs = errors(
        Dashboard::new("lint-test", "Lint test")
            .panel(panel::text("a", "A", "").pin(0, 0))
            .panel(panel::text("b", "B", "").pin(6, 2)),
    );
    only(&errs, LintKind::OutsideGrid);

    // A model moved by hand past column 24, and onto another panel.
    let mut built = Dashboard::new("lint-test", "Lint test")
        .panel(panel::text("a", "A", ""))
        .panel(panel::text("b", "B", ""))
        .build()
        .unwrap();
    built.model.panels[1].grid_pos.x = 20;
    let errs = lint::lint_dashboard(&built.model);
    assert!(
        errs.iter()
            .any(|e| e.message.contains("outside the 24-column grid")),
        "{errs:#?}"
    );
    built.model.panels[1].grid_pos.x = 6;
    let errs = lint::lint_dashboard(&built.model);
    assert!(
        errs.iter()
            .any(|e| e.message.contains("overlaps panel \"A\"")),
        "{errs:#?}"
    );
}

#[test]
fn duplicate_panel_keys() {
    let errs = errors(
        Dashboard::new("lint-test", "Lint test")
            .panel(panel::text("help", "Help", ""))
            .row(Row::new("More").panel(panel::text("help", "More help", ""))),
    );
    let e = only(&errs, LintKind::DuplicatePanelKey);
    assert!(e.message.contains("`help`"), "{e}");
}

#[test]
fn duplicate_dashboard_uids() {
    let a = Dashboard::new("spark", "A").build().unwrap();
    let b = Dashboard::new("spark", "B").build().unwrap();
    let errs = lint::lint_set([&a.model, &b.model]);
    let e = only(&errs, LintKind::DuplicateUid);
    assert!(
        e.message.contains("\"A\"") && e.message.contains("\"B\""),
        "{e}"
    );
}

#[test]
fn duplicate_ref_ids_and_foreign_query_handles() {
    let prom = Datasource::<Prometheus>::uid("prometheus");
    let errs = errors(
        Dashboard::new("lint-test", "Lint test").panel(
            panel::timeseries("t", "T")
                .query(&prom, PromQuery::new("up").ref_id("x"))
                .query(&prom, PromQuery::new("up").ref_id("x")),
        ),
    );
    only(&errs, LintKind::DuplicateRefId);

    let mut a = panel::timeseries("a", "A");
    let qa = a.add_query(&prom, PromQuery::new("up"));
    let mut b = panel::timeseries("b", "B");
    b.add_query(&prom, PromQuery::new("up"));
    let b = b.override_query(&qa, [dashboard_dsl::field::FieldProp::Dashed]);
    let errs = errors(Dashboard::new("lint-test", "Lint test").panel(a).panel(b));
    let e = only(&errs, LintKind::UnknownQueryRef);
    assert!(e.message.contains("panel `a`"), "{e}");
}

#[test]
fn undeclared_variable_in_a_data_link() {
    let tempo = DatasourceVar::<Tempo>::new("tempo");
    let errs = errors(
        Dashboard::new("lint-test", "Lint test")
            .variable(&tempo)
            .panel(panel::text("t", "T", "").data_link(PanelLink::tempo_search(
                &tempo,
                r#"{span.spark.app.name="$app"}"#,
            ))),
    );
    let e = only(&errs, LintKind::UndeclaredVariable);
    assert!(e.message.contains("$app"), "{e}");
}

#[test]
fn invalid_traceql_in_a_panel_and_a_data_link() {
    use dashboard_dsl::query::TempoQuery;
    let tempo = Datasource::<Tempo>::uid("tempo");
    let errs = errors(
        Dashboard::new("lint-test", "Lint test").panel(
            panel::traces("spans", "Spark spans")
                .query(
                    &tempo,
                    TempoQuery::traceql(r#"{resource.service.name="spark" && name="spark.job""#),
                )
                // Trace-by-id lookups are not TraceQL: never checked.
                .query(&tempo, TempoQuery::trace_id("${__value.raw}"))
                .query(
                    &tempo,
                    TempoQuery::trace_id("4bf92f3577b34da6a3ce929d0e0e4736"),
                )
                .data_link(PanelLink::tempo_trace(&tempo, "${__value.raw}"))
                .data_link(PanelLink::tempo_search(
                    &tempo,
                    r#"{spn.spark.app.name="$__dashboard"}"#,
                )),
        ),
    );
    assert_eq!(errs.len(), 2, "{errs:#?}");
    assert!(
        errs.iter().all(|e| e.kind == LintKind::InvalidTraceQl),
        "{errs:#?}"
    );

    let text = errs[0].to_string();
    assert!(text.starts_with("[invalid-traceql]"), "{text}");
    assert!(text.contains("dashboard `lint-test`"), "{text}");
    assert!(text.contains("panel \"Spark spans\""), "{text}");
    assert!(text.contains("query A"), "{text}");
    assert!(
        text.contains("expected `}` to close the spanset opened at 0"),
        "{text}"
    );

    let link = errs[1].to_string();
    assert!(link.contains("panel \"Spark spans\""), "{link}");
    assert!(link.contains("unknown scope `spn`"), "{link}");
}

#[test]
fn incomplete_panels_fail_only_dashboards_that_deny_them() {
    use dashboard_dsl::field::thresholds;
    use dashboard_dsl::query::TempoQuery;
    use dashboard_dsl::Unit;
    let prom = prom();
    let bare = || {
        panel::timeseries("shuffle", "Shuffle read").query(
            &prom,
            PromQuery::new(
                "sum(rate(metrics_executor_totalShuffleRead_bytes_total[$__rate_interval]))",
            ),
        )
    };
    let tempo = DatasourceVar::<Tempo>::new("tempo");
    let slots = || PromQuery::new("sum(metrics_executor_maxTasks)");
    let dashboard = |deny: bool| {
        let d = Dashboard::new("lint-test", "Lint test")
            .variable(&prom)
            .variable(&tempo);
        let d = if deny { d.deny_incomplete_panels() } else { d };
        d.row(
            Row::new("Shuffle")
                .collapsed()
                .panel(bare())
                .panel(
                    panel::stat("skew", "Skew")
                        .description("max/avg")
                        .unit(Unit::Short)
                        .thresholds(thresholds("green", &[(2.0, "red")]))
                        .query(&prom, slots()),
                )
                // Trace, text and heatmap panels need only what applies to them.
                .panel(
                    panel::traces("trace", "Trace")
                        .description("One trace.")
                        .query(
                            &tempo,
                            TempoQuery::trace_id("4bf92f3577b34da6a3ce929d0e0e4736"),
                        ),
                )
                .panel(panel::text("notes", "Notes", "Read me"))
                .panel(
                    panel::heatmap("task_time", "Task time")
                        .description("Task time buckets.")
                        .y_unit(Unit::Seconds)
                        .query(&prom, slots()),
                ),
        )
    };

    // Without the opt-in the same dashboard builds: the rules are house style, not errors.
    let built = dashboard(false).build().unwrap();
    let found = lint::lint_complete(&built.model);
    let kinds: Vec<LintKind> = found.iter().map(|e| e.kind).collect();
    assert_eq!(
        kinds,
        [
            LintKind::MissingDescription,
            LintKind::MissingUnit,
            LintKind::MissingThresholds
        ],
        "{found:#?}"
    );

    // With it, the build fails on the one incomplete panel, inside a collapsed row.
    let errs = errors(dashboard(true));
    assert_eq!(errs.len(), 3, "{errs:#?}");
    for e in &errs {
        let text = e.to_string();
        assert!(text.contains("dashboard `lint-test`"), "{text}");
        assert!(text.contains("panel \"Shuffle read\""), "{text}");
    }
    let thresholds_error = errs[2].to_string();
    assert!(
        thresholds_error.starts_with("[missing-thresholds]"),
        "{thresholds_error}"
    );
    assert!(
        thresholds_error.contains("Grafana applies its default: red at 80"),
        "{thresholds_error}"
    );
    assert!(
        thresholds_error.contains("thresholds(base, &[])"),
        "{thresholds_error}"
    );
    assert!(errs[1].to_string().contains("Unit::Short"), "{:?}", errs[1]);

    // Filling the gaps fixes it.
    let fixed = Dashboard::new("lint-test", "Lint test")
        .deny_incomplete_panels()
        .variable(&prom)
        .panel(
            bare()
                .description("Shuffle bytes read per second.")
                .unit(Unit::BytesPerSecondIEC)
                .thresholds(thresholds("green", &[])),
        );
    assert!(fixed.build().is_ok());
}

#[test]
fn data_link_reading_a_label_the_query_aggregates_away() {
    let prom = prom();
    let tempo = Datasource::<Tempo>::uid("tempo");
    let executor_spans = PanelLink::tempo_search(
        &tempo,
        r#"{name="spark.task" && span.spark.executor.id="${__field.labels.executor_id}"}"#,
    );
    let panel = |expr: &str| {
        panel::timeseries("tasks", "Active tasks")
            .data_link(executor_spans.clone())
            .query(&prom, PromQuery::new(expr).legend("tasks"))
    };

    // `sum` drops executor_id: the link would open a search for an empty executor.
    let errs = errors(with_panel(panel(
        r#"sum(metrics_executor_activeTasks{application_name=~"$app"})"#,
    )));
    let e = only(&errs, LintKind::LinkLabelDropped);
    let text = e.to_string();
    assert!(text.starts_with("[link-label-dropped]"), "{text}");
    assert!(text.contains("panel \"Active tasks\""), "{text}");
    assert!(text.contains("query A"), "{text}");
    assert!(text.contains("${__field.labels.executor_id}"), "{text}");
    assert!(
        text.contains("keep executor_id in the query's outermost `by (…)`"),
        "{text}"
    );

    // Keeping the label, or not aggregating at all, is fine; so are links outside the
    // field config, which have no series to read labels from.
    for ok in [
        r#"sum by (executor_id) (metrics_executor_activeTasks{application_name=~"$app"})"#,
        r#"metrics_executor_activeTasks{application_name=~"$app"}"#,
    ] {
        assert!(with_panel(panel(ok)).build().is_ok(), "{ok}");
    }
    let panel_link_only = panel::timeseries("tasks", "Active tasks")
        .link(executor_spans.clone())
        .query(
            &prom,
            PromQuery::new(r#"sum(metrics_executor_activeTasks{application_name=~"$app"})"#),
        );
    assert!(with_panel(panel_link_only).build().is_ok());
}

/// A complete timeseries panel over `expr`: only the query rules can find anything in it.
fn complete_panel(key: &'static str, expr: &str) -> panel::PanelSpec {
    use dashboard_dsl::field::thresholds;
    panel::timeseries(key, "Task time")
        .description("Task time per second.")
        .unit(dashboard_dsl::Unit::Seconds)
        .thresholds(thresholds("green", &[]))
        .query(&prom(), PromQuery::new(expr.to_string()))
        .into()
}

/// The findings of the opt-in rules on a dashboard with the usual variables and `panels`.
fn complete_errors(panels: Vec<panel::PanelSpec>) -> Vec<LintError> {
    let prom = prom();
    let d = Dashboard::new("lint-test", "Lint test")
        .deny_incomplete_panels()
        .variable(&prom)
        .variable(&app(&prom));
    errors(panels.into_iter().fold(d, Dashboard::panel))
}

#[test]
fn panels_without_a_title_or_a_query() {
    use dashboard_dsl::field::thresholds;
    let errs = complete_errors(vec![panel::stat("untitled", " ")
        .description("Nothing yet.")
        .unit(dashboard_dsl::Unit::Short)
        .thresholds(thresholds("green", &[]))
        .into()]);
    let kinds: Vec<LintKind> = errs.iter().map(|e| e.kind).collect();
    assert_eq!(
        kinds,
        [LintKind::PanelTitle, LintKind::PanelNoTargets],
        "{errs:#?}"
    );
    assert!(
        errs[0].to_string().starts_with("[panel-title]"),
        "{errs:#?}"
    );
    assert!(errs[1].message.contains("\"No data\""), "{errs:#?}");
    assert!(errs[1].help.contains("add a query"), "{errs:#?}");
}

#[test]
fn datasources_are_picked_through_variables() {
    use dashboard_dsl::query::TempoQuery;
    // A fixed Prometheus uid although `$prometheus` exists, and a Tempo datasource with no
    // Tempo variable at all.
    let fixed = Datasource::<Prometheus>::uid("prod-prometheus");
    let tempo = Datasource::<Tempo>::uid("tempo");
    let errs = complete_errors(vec![
        panel::timeseries("fixed", "Fixed")
            .description("Task time.")
            .unit(dashboard_dsl::Unit::Seconds)
            .thresholds(dashboard_dsl::field::thresholds("green", &[]))
            .query(&fixed, PromQuery::new("sum(metrics_executor_maxTasks)"))
            .into(),
        panel::traces("trace", "Trace")
            .description("One trace.")
            .query(
                &tempo,
                TempoQuery::trace_id("4bf92f3577b34da6a3ce929d0e0e4736"),
            )
            .into(),
    ]);
    let kinds: Vec<LintKind> = errs.iter().map(|e| e.kind).collect();
    assert_eq!(
        kinds,
        [LintKind::PanelDatasource, LintKind::TemplateDatasource],
        "{errs:#?}"
    );
    let fixed = errs[0].to_string();
    assert!(fixed.contains("panel \"Fixed\""), "{fixed}");
    assert!(fixed.contains("`prod-prometheus`"), "{fixed}");
    assert!(fixed.contains("${prometheus}"), "{fixed}");
    let missing = errs[1].to_string();
    assert!(
        missing.contains("no tempo datasource variable"),
        "{missing}"
    );
    assert!(missing.contains("panel \"Trace\""), "{missing}");
}

#[test]
fn query_variables_refresh_when_the_time_range_changes() {
    use dashboard_dsl::variable::Refresh;
    let prom = prom();
    let stale = QueryVar::new("executor")
        .datasource(&prom)
        .query("label_values(metrics_executor_activeTasks, executor_id)")
        .refresh(Refresh::OnLoad);
    let d = Dashboard::new("lint-test", "Lint test")
        .deny_incomplete_panels()
        .variable(&prom)
        .variable(&stale);
    let e = only(&errors(d), LintKind::TemplateOnTimeChangeReload).to_string();
    assert!(e.contains("variable `executor`"), "{e}");
    assert!(e.contains("refresh: 2"), "{e}");
}

#[test]
fn dashboards_stored_as_editable() {
    // The DSL writes no `editable: true`; a model read from elsewhere may hold one.
    let mut model = Dashboard::new("lint-test", "Lint test")
        .build()
        .unwrap()
        .model;
    assert!(lint::lint_complete(&model).is_empty());
    model.editable = Some(true);
    let found = lint::lint_complete(&model);
    let e = only(&found, LintKind::UneditableDashboard).to_string();
    assert!(
        e.starts_with("[uneditable-dashboard] dashboard `lint-test`"),
        "{e}"
    );
    model.editable = Some(false);
    assert!(lint::lint_complete(&model).is_empty());
}

#[test]
fn rates_over_a_range_that_is_not_the_rate_interval() {
    let errs = complete_errors(vec![
        complete_panel(
            "fixed",
            "sum(rate(metrics_executor_runTime_seconds_total[5m])) \
             / sum(irate(metrics_executor_totalTasks_total[$__interval]))",
        ),
        // What is right: the rate interval, or the whole range for a total.
        complete_panel(
            "right",
            "sum(rate(metrics_executor_runTime_seconds_total[$__rate_interval])) \
             + sum(increase(metrics_executor_runTime_seconds_total[$__range]))",
        ),
    ]);
    assert_eq!(errs.len(), 2, "{errs:#?}");
    assert!(
        errs.iter().all(|e| e.kind == LintKind::TargetRateInterval),
        "{errs:#?}"
    );
    let first = errs[0].to_string();
    assert!(
        first.contains("rate(metrics_executor_runTime_seconds_total[5m])"),
        "{first}"
    );
    assert!(first.contains("[$__rate_interval]"), "{first}");
    assert!(
        errs[1]
            .message
            .contains("irate(metrics_executor_totalTasks_total[$__interval])"),
        "{errs:#?}"
    );
}

#[test]
fn counters_read_without_a_rate_and_their_allowances() {
    let raw = "sum(metrics_executor_failedTasks_total{application_name=~\"$app\"})";
    let e = only(
        &complete_errors(vec![complete_panel("raw", raw)]),
        LintKind::TargetCounterAgg,
    )
    .to_string();
    assert!(
        e.contains("counter `metrics_executor_failedTasks_total` is read raw by `sum`"),
        "{e}"
    );
    assert!(e.contains("# lint-allow target-counter-agg: <why>"), "{e}");

    // With a reason, the query opts out; Grafana and Prometheus see a comment.
    let allowed = format!("{raw}\n# lint-allow target-counter-agg: the running total is the point");
    let prom = prom();
    let ok = Dashboard::new("lint-test", "Lint test")
        .deny_incomplete_panels()
        .variable(&prom)
        .variable(&app(&prom))
        .panel(complete_panel("allowed", &allowed));
    assert!(ok.build().is_ok());

    // An allowance without a reason, of a rule a query cannot allow, or that allows
    // nothing, is an error of its own.
    for (query, says) in [
        (
            format!("{raw}\n# lint-allow target-counter-agg"),
            "gives no reason",
        ),
        (
            format!("{raw} # lint-allow invalid-promql: trust me"),
            "which a query cannot allow",
        ),
        (
            "sum(rate(metrics_executor_failedTasks_total[$__rate_interval]))\n\
             # lint-allow target-counter-agg: was raw once"
                .to_string(),
            "allows nothing",
        ),
    ] {
        let errs = complete_errors(vec![complete_panel("allow", &query)]);
        let allow: Vec<&LintError> = errs
            .iter()
            .filter(|e| e.kind == LintKind::LintAllow)
            .collect();
        assert_eq!(allow.len(), 1, "{query}: {errs:#?}");
        let text = allow[0].to_string();
        assert!(
            text.starts_with("[lint-allow]") && text.contains(says),
            "{query}: {text}"
        );
    }
}
