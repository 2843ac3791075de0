//! What the Spark dashboards share: their variables, the trace conventions, recipe links and
//! the data links into Tempo and Jaeger.
//!
//! Metric sources (see `provisioning/` and docs/recipes/observability/observability-stack.md):
//! - `metrics_executor_*` from the driver's `/metrics/executors/prometheus`: one series per
//!   executor with `application_id`, `application_name` and `executor_id`. Memory rows there
//!   are peaks since the application started.
//! - `spark_<source>_<metric>` from the driver's Dropwizard registry, renamed by the
//!   contract's relabeling; `application_id` comes from service discovery.

use dashboard_dsl::datasource::{Jaeger, Prometheus, Tempo};
use dashboard_dsl::link::{DashLink, PanelLink};
use dashboard_dsl::panel::{Panel, Visualization};
use dashboard_dsl::variable::Variables as VariableSet;
use dashboard_dsl::variable::{ConstantVar, DatasourceVar, Hide, QueryVar, Sort, TextboxVar};
use dashboard_dsl::{Dashboard, GraphTooltip, Variables};

use crate::Options;

/// The uid of Spark Job Tracing.
pub const TRACING_UID: &str = "spark-job-tracing";
/// The uid of Spark Profiling.
pub const PROFILING_UID: &str = "spark-profiling";

/// Where `docs/recipes` is published; panels link to the recipe that explains them.
/// [`Options::recipes_url`](crate::Options) defaults to it: a fork or docs site builds with
/// [`all_with`](crate::all_with) and its own URL, or changes this default.
pub const DEFAULT_RECIPES_URL: &str =
    "https://github.com/spark-dashboards/spark-dashboards/blob/main/docs/recipes";

/// A Spark dashboard with what every one of them shares: complete panels only, the Spark
/// folder, the last hour refreshed every 30 s, a shared crosshair,
/// and `vars`. Rows and links are the caller's.
///
/// ```
/// let v = dashboards::common::SparkVars::new();
/// let d = dashboards::common::spark_dashboard("uid", "Title", "What it shows.", &["spark"], &v);
/// assert_eq!(d.build().unwrap().model.refresh.as_deref(), Some("30s"));
/// ```
pub fn spark_dashboard(
    uid: &str,
    title: &str,
    description: &str,
    tags: &[&str],
    vars: &impl VariableSet,
) -> Dashboard {
    Dashboard::new(uid, title)
        .deny_incomplete_panels()
        .description(description)
        .tags(tags)
        .folder(crate::spark_folder())
        .time("now-1h", "now")
        .refresh("30s")
        .graph_tooltip(GraphTooltip::SharedCrosshair)
        .variables(vars)
}

/// The links of a dashboard that has a sibling: to `uid` (same time range and variables),
/// then the menu of every Spark dashboard (tag `spark`).
///
/// ```
/// let d = dashboards::common::spark_dashboard("a", "A", "A.", &["spark"], &dashboards::common::SparkVars::new());
/// let d = dashboards::common::with_sibling(d, "b", "B", "The other one");
/// assert_eq!(d.build().unwrap().model.links.len(), 2);
/// ```
pub fn with_sibling(d: Dashboard, uid: &str, title: &str, tooltip: &str) -> Dashboard {
    d.link(DashLink::to_dashboard(uid, title).tooltip(tooltip))
        .link(DashLink::tagged("Spark dashboards", &["spark"]))
}

/// The variables of both Spark dashboards, in resolution order.
///
/// ```
/// use dashboard_dsl::variable::VarName;
/// let v = dashboards::common::SparkVars::new();
/// assert_eq!(v.app.var_name(), "app");
/// ```
#[derive(Variables)]
pub struct SparkVars {
    /// The Prometheus that scrapes the Spark drivers (see the metrics contract).
    #[variable(label = "Prometheus", default = "prometheus")]
    pub prometheus: DatasourceVar<Prometheus>,
    /// Tempo, for the application's spans (service.name="spark").
    #[variable(label = "Tempo", default = "tempo")]
    pub tempo: DatasourceVar<Tempo>,
    /// Jaeger, for the same spans.
    #[variable(label = "Jaeger", default = "jaeger")]
    pub jaeger: DatasourceVar<Jaeger>,
    /// Spark application, by `spark.app.name`: the id changes on every run.
    #[variable(
        label = "Application",
        datasource = prometheus,
        query = "label_values(metrics_executor_activeTasks, application_name)",
        sort = Sort::AlphabeticalAsc
    )]
    pub app: QueryVar,
    /// Every run of the application in the time range: driver metrics carry only the id.
    #[variable(
        label = "Run",
        datasource = prometheus,
        query = "label_values(metrics_executor_activeTasks{application_name=~\"$app\"}, application_id)",
        include_all,
        hide = Hide::Variable
    )]
    pub app_id: QueryVar,
    /// Executors of the application, `driver` included.
    #[variable(
        label = "Executor",
        datasource = prometheus,
        query = "label_values(metrics_executor_activeTasks{application_name=~\"$app\"}, executor_id)",
        multi,
        include_all,
        all_value = ".*",
        sort = Sort::NaturalAsc
    )]
    pub executor: QueryVar,
    /// A trace id to open in the trace panel (set by the links of the trace tables).
    #[variable(label = "Trace id", query = "")]
    pub trace_id: TextboxVar,
    /// The namespace of the span convention; constant, so queries read plainly.
    #[variable(query = "spark", hide = Hide::Variable)]
    pub service: ConstantVar,
}

/// The recipes panels link to, under `docs/recipes/`.
///
/// ```
/// use dashboards::common::Recipe;
/// assert_eq!(Recipe::Gc.path(), "troubleshoot/gc-pressure.md");
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Recipe {
    SlowJobs,
    DataSkew,
    OomAndSpill,
    Shuffle,
    Gc,
    ProfilingGuide,
    Stack,
    /// Spark's driver and executor pods on Kubernetes: OOM kills, crash loops, pending
    /// pods (the `spark-kubernetes` alerts' runbook).
    KubernetesPods,
    /// Structured Streaming queries that fall behind: backlog, watermark delay, state
    /// growth, trigger tuning (the `spark-streaming` alerts' runbook).
    StreamingLag,
    /// A slow or failing SQL query: its plan, its heaviest operators, its spill and skew.
    SlowSql,
}

impl Recipe {
    /// The file, relative to `docs/recipes/`.
    pub fn path(self) -> &'static str {
        self.entry().0
    }

    fn title(self) -> &'static str {
        self.entry().1
    }

    // One table, so a recipe's file and its link's title are written side by side.
    fn entry(self) -> (&'static str, &'static str) {
        match self {
            Recipe::SlowJobs => ("troubleshoot/slow-spark-jobs.md", "Recipe: slow Spark jobs"),
            Recipe::DataSkew => ("troubleshoot/data-skew-diagnosis.md", "Recipe: data skew"),
            Recipe::OomAndSpill => ("troubleshoot/oom-and-spill.md", "Recipe: OOM and spill"),
            Recipe::Shuffle => (
                "troubleshoot/shuffle-bottleneck.md",
                "Recipe: shuffle bottleneck",
            ),
            Recipe::Gc => ("troubleshoot/gc-pressure.md", "Recipe: GC pressure"),
            Recipe::ProfilingGuide => (
                "observability/spark-profiling-guide.md",
                "Guide: reading the Spark dashboards",
            ),
            Recipe::Stack => (
                "observability/observability-stack.md",
                "Guide: the observability stack",
            ),
            Recipe::KubernetesPods => (
                "troubleshoot/spark-pods-on-kubernetes.md",
                "Recipe: Spark pods on Kubernetes",
            ),
            Recipe::StreamingLag => ("troubleshoot/streaming-lag.md", "Recipe: streaming lag"),
            Recipe::SlowSql => ("troubleshoot/slow-sql-query.md", "Recipe: slow SQL query"),
        }
    }

    /// The recipe's URL under `options.recipes_url`.
    ///
    /// ```
    /// use dashboards::{common::Recipe, Options};
    /// let o = Options { recipes_url: "https://example.com/recipes/".into() };
    /// assert_eq!(Recipe::Shuffle.url(&o), "https://example.com/recipes/troubleshoot/shuffle-bottleneck.md");
    /// ```
    pub fn url(self, options: &Options) -> String {
        // Trimmed so that a base written with or without its final `/` gives one link.
        let base = options.recipes_url.trim_end_matches('/');
        format!("{base}/{}", self.path())
    }

    /// A panel-menu link to the recipe.
    ///
    /// ```
    /// use dashboards::{common::Recipe, Options};
    /// let p = dashboard_dsl::panel::timeseries("x", "X").link(Recipe::Gc.link(&Options::default()));
    /// assert_eq!(p.into_spec().model().links[0].title, "Recipe: GC pressure");
    /// ```
    pub fn link(self, options: &Options) -> PanelLink {
        PanelLink::url(self.title(), &self.url(options))
    }
}

/// TraceQL for the application's spans, per the span convention of the trace exporter:
/// resource `service.name="spark"` with `spark.app.name`.
pub const APP_SPANS: &str =
    r#"{resource.service.name="$service" && resource.spark.app.name=~"${app:regex}"}"#;

/// Adds a pair of data links (Tempo's, then Jaeger's) to a panel: every traced panel links
/// to both, so installations with either backend get a working link.
///
/// ```
/// use dashboards::common::{trace_links, DataLinks, SparkVars};
/// let v = SparkVars::new();
/// let p = dashboard_dsl::panel::timeseries("x", "X").data_links(&trace_links(&v)).into_spec();
/// assert_eq!(p.model().field_config.as_ref().unwrap().defaults.links.len(), 2);
/// ```
pub trait DataLinks {
    /// The panel with both links added, in order.
    fn data_links(self, links: &[PanelLink; 2]) -> Self;
}

impl<V: Visualization> DataLinks for Panel<V> {
    fn data_links(self, [tempo, jaeger]: &[PanelLink; 2]) -> Self {
        self.data_link(tempo.clone()).data_link(jaeger.clone())
    }
}

/// Data links from a metric panel into the application's spans in Tempo and Jaeger, over
/// the dashboard's time range.
///
/// ```
/// let v = dashboards::common::SparkVars::new();
/// let [tempo, jaeger] = dashboards::common::trace_links(&v);
/// let p = dashboard_dsl::panel::timeseries("x", "X").data_link(tempo).data_link(jaeger);
/// assert_eq!(p.into_spec().model().field_config.as_ref().unwrap().defaults.links.len(), 2);
/// ```
pub fn trace_links(v: &SparkVars) -> [PanelLink; 2] {
    [
        PanelLink::tempo_search(&v.tempo, APP_SPANS).title("Spans of this application in Tempo"),
        PanelLink::jaeger_search(&v.jaeger, "$service", None, "spark.app.name=$app")
            .title("Spans of this application in Jaeger"),
    ]
}

/// Data links for per-executor series: the spans of that executor's tasks.
///
/// ```
/// let v = dashboards::common::SparkVars::new();
/// let [tempo, _] = dashboards::common::executor_trace_links(&v);
/// let p = dashboard_dsl::panel::timeseries("x", "X").data_link(tempo).into_spec();
/// let link = &p.model().field_config.as_ref().unwrap().defaults.links[0];
/// assert!(link.url.contains("__field.labels.executor_id"));
/// ```
pub fn executor_trace_links(v: &SparkVars) -> [PanelLink; 2] {
    [
        PanelLink::tempo_search(
            &v.tempo,
            r#"{resource.service.name="$service" && resource.spark.app.name=~"${app:regex}" && name="spark.task" && span.spark.executor.id="${__field.labels.executor_id}"}"#,
        )
        .title("Task spans of this executor in Tempo"),
        PanelLink::jaeger_search(
            &v.jaeger,
            "$service",
            Some("spark.task"),
            "spark.app.name=$app spark.executor.id=${__field.labels.executor_id}",
        )
        .title("Task spans of this executor in Jaeger"),
    ]
}

/// Data links for per-stage series (labels `stage_id` and `attempt_id`, as spark-exporter's
/// `spark_stage_*` metrics carry them): the span of that stage attempt, whose attributes
/// hold its task-duration quantiles and skew ratio, and from there its tasks.
///
/// ```
/// let v = dashboards::common::SparkVars::new();
/// let [_, jaeger] = dashboards::common::stage_span_links(&v);
/// let p = dashboard_dsl::panel::timeseries("x", "X").data_link(jaeger).into_spec();
/// let link = &p.model().field_config.as_ref().unwrap().defaults.links[0];
/// assert!(link.url.contains("__field.labels.stage_id"));
/// ```
pub fn stage_span_links(v: &SparkVars) -> [PanelLink; 2] {
    [
        PanelLink::tempo_search(
            &v.tempo,
            r#"{resource.service.name="$service" && resource.spark.app.name=~"${app:regex}" && name="spark.stage" && span.spark.stage.id=${__field.labels.stage_id} && span.spark.stage.attempt=${__field.labels.attempt_id}}"#,
        )
        .title("The span of this stage attempt in Tempo"),
        PanelLink::jaeger_search(
            &v.jaeger,
            "$service",
            Some("spark.stage"),
            "spark.app.name=$app spark.stage.id=${__field.labels.stage_id} spark.stage.attempt=${__field.labels.attempt_id}",
        )
        .title("The span of this stage attempt in Jaeger"),
    ]
}
