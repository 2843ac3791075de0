//! The macros used the way dashboards use them, checked against the runtime
//! values they produce.

use std::collections::BTreeSet;

use dashboard_dsl::datasource::{Loki, Prometheus};
use dashboard_dsl::model::VariableKind;
use dashboard_dsl::panel::PanelKey;
use dashboard_dsl::query::{OutputLabels, PromQl};
use dashboard_dsl::variable::{
    AdhocVar, ConstantVar, CustomVar, DatasourceVar, Hide, IntervalVar, QueryVar, Refresh, Sort,
    TextboxVar, VarName, Variables,
};
use dashboard_macros::{promql, PanelKey, Variables};

#[derive(Variables)]
struct SparkVars {
    #[variable(label = "Prometheus", regex = "/prom.*/")]
    prometheus: DatasourceVar<Prometheus>,
    #[variable(hide)]
    loki: DatasourceVar<Loki>,
    /// The namespace Spark runs in.
    #[variable(value = "spark")]
    namespace: ConstantVar,
    /// Spark applications,
    /// by name.
    ///
    /// Multi-select.
    #[variable(
        name = "app",
        label = "Application",
        datasource = prometheus,
        query = r#"label_values(metrics_executor_activeTasks{namespace="$namespace"}, application_name)"#,
        multi,
        include_all,
        all_value = ".*",
        refresh = Refresh::OnTimeRangeChange,
        sort = Sort::AlphabeticalAsc,
    )]
    application: QueryVar,
    #[variable(
        datasource = prometheus,
        query = r#"label_values(metrics_executor_activeTasks{application_name=~"${app:regex}"}, executor_id)"#,
        multi,
        hide = Hide::Label,
    )]
    executor: QueryVar,
    #[variable(values = ["5", "10", "20"], default = "10")]
    top: CustomVar,
    #[variable(values = ["1m", "5m", "1h"])]
    window: IntervalVar,
    #[variable(default = "")]
    filter: TextboxVar,
    #[variable(datasource = prometheus)]
    adhoc: AdhocVar,
    #[variable(datasource = prometheus, query = r#"query_result(topk($top, sum by (application_name) (increase(metrics_executor_completedTasks_total[$__range]))))"#)]
    busiest: QueryVar,
}

#[derive(PanelKey, Debug, Clone, Copy)]
enum ExecutorPanels {
    GcTime,
    ActiveTasks,
    #[key = "heap"]
    JvmHeapMB,
}

#[test]
fn variables_are_created_in_declaration_order() {
    let vars = SparkVars::new();
    let names: Vec<String> = vars.variables().into_iter().map(|v| v.name).collect();
    assert_eq!(
        names,
        [
            "prometheus",
            "loki",
            "namespace",
            "app",
            "executor",
            "top",
            "window",
            "filter",
            "adhoc",
            "busiest"
        ]
    );
    assert_eq!(SparkVars::default().variables(), vars.variables());
}

#[test]
fn attributes_become_setter_calls() {
    let vars = SparkVars::new().variables();
    let by_name = |name: &str| vars.iter().find(|v| v.name == name).unwrap().clone();

    let prometheus = by_name("prometheus");
    assert_eq!(prometheus.kind, VariableKind::Datasource);
    assert_eq!(prometheus.label.as_deref(), Some("Prometheus"));
    assert_eq!(prometheus.regex.as_deref(), Some("/prom.*/"));
    assert_eq!(by_name("loki").hide, Some(Hide::Variable as u8));

    let app = by_name("app");
    assert_eq!(app.kind, VariableKind::Query);
    assert_eq!(app.label.as_deref(), Some("Application"));
    assert_eq!(
        app.description.as_deref(),
        Some("Spark applications, by name.\nMulti-select.")
    );
    assert_eq!(app.datasource.unwrap().uid, "${prometheus}");
    assert_eq!(app.multi, Some(true));
    assert_eq!(app.include_all, Some(true));
    assert_eq!(app.all_value.as_deref(), Some(".*"));
    assert_eq!(app.sort, Some(Sort::AlphabeticalAsc as u8));
    assert_eq!(
        app.query.as_deref(),
        Some(
            r#"label_values(metrics_executor_activeTasks{namespace="$namespace"}, application_name)"#
        )
    );

    assert_eq!(by_name("executor").hide, Some(Hide::Label as u8));
    assert_eq!(
        by_name("namespace").description.as_deref(),
        Some("The namespace Spark runs in.")
    );
    assert_eq!(by_name("top").kind, VariableKind::Custom);
    assert_eq!(by_name("window").kind, VariableKind::Interval);
    assert_eq!(by_name("filter").kind, VariableKind::Textbox);
    assert_eq!(by_name("adhoc").kind, VariableKind::Adhoc);
}

#[test]
fn promql_renames_placeholders_to_variable_names() {
    let vars = SparkVars::new();
    let query = promql!(
        r#"topk($n, sum by (executor_id) (rate(metrics_executor_totalGCTime_seconds_total{application_name=~"${a:regex}", executor_id=~"[[e]]"}[$__rate_interval])))"#,
        a = vars.application,
        e = &vars.executor,
        n = vars.top,
    );
    assert_eq!(
        query.as_str(),
        r#"topk($top, sum by (executor_id) (rate(metrics_executor_totalGCTime_seconds_total{application_name=~"${app:regex}", executor_id=~"[[executor]]"}[$__rate_interval])))"#
    );
    assert!(query.is_checked());
}

#[test]
fn promql_carries_output_labels_computed_at_compile_time() {
    let vars = SparkVars::new();
    let query = promql!(
        r#"sum by (executor_id, application_name) (increase(metrics_executor_completedTasks_total{application_name=~"$app"}[$w]))"#,
        app = vars.application,
        w = vars.window,
    );
    let text = r#"sum by (executor_id, application_name) (increase(metrics_executor_completedTasks_total{application_name=~"$app"}[$window]))"#;
    let labels: BTreeSet<String> = ["application_name", "executor_id"].map(String::from).into();
    assert_eq!(
        query,
        PromQl::__from_macro(text, &[], OutputLabels::Only(labels))
    );

    let raw = promql!("up");
    assert_eq!(raw, PromQl::__from_macro("up", &[], OutputLabels::Any));
}

#[test]
fn promql_accepts_handles_built_inline_and_keyword_names() {
    let kind = CustomVar::new("kind");
    let query = promql!(r#"up{kind="$type"}"#, type = kind);
    assert_eq!(query.as_str(), r#"up{kind="$kind"}"#);
    let query = promql!(r#"up{x="$x"}"#, x = QueryVar::new("other"));
    assert_eq!(query.as_str(), r#"up{x="$other"}"#);
    assert_eq!(ConstantVar::new("c").var_name(), "c");
}

#[test]
fn panel_keys() {
    assert_eq!(ExecutorPanels::GcTime.key(), "gc_time");
    assert_eq!(ExecutorPanels::ActiveTasks.key(), "active_tasks");
    assert_eq!(ExecutorPanels::JvmHeapMB.key(), "heap");
}
