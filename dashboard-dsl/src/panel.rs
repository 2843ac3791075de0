//! Panel builders. One generic [`Panel`] carries what every visualisation shares (queries,
//! field config, links, size); its type parameter holds the visualisation's typed options,
//! so only meaningful setters exist for each kind.

use std::borrow::Cow;

use crate::datasource::{AsDatasource, DatasourceKind};
use crate::field::{ColorMode, FieldProp};
use crate::link::PanelLink;
use crate::model::{
    self, FieldConfig, FieldCustom, FieldDefaults, Matcher, Override, PanelOptions, Stacking,
    Thresholds, ThresholdsStyle, Transformation, ValueMapping,
};
use crate::options::*;
use crate::query::{OutputLabels, Query};
use crate::Unit;

/// A stable panel key. Panel ids derive from it, so reordering panels keeps ids (and
/// `viewPanel=` links) unchanged. `#[derive(PanelKey)]` on an enum makes duplicate keys a
/// compile error.
///
/// ```
/// use dashboard_dsl::panel::PanelKey;
/// enum Key { GcShare }
/// impl PanelKey for Key {
///     fn key(&self) -> &'static str { match self { Key::GcShare => "gc_share" } }
/// }
/// assert_eq!(Key::GcShare.key(), "gc_share");
/// ```
pub trait PanelKey {
    /// The key, unique within a dashboard.
    fn key(&self) -> &'static str;
}

/// What a panel constructor accepts as its key: a [`PanelKey`] or a string.
pub trait IntoPanelKey {
    /// The key.
    fn into_panel_key(self) -> Cow<'static, str>;
}

impl<T: PanelKey> IntoPanelKey for T {
    fn into_panel_key(self) -> Cow<'static, str> {
        Cow::Borrowed(self.key())
    }
}

impl IntoPanelKey for &'static str {
    fn into_panel_key(self) -> Cow<'static, str> {
        Cow::Borrowed(self)
    }
}

impl IntoPanelKey for String {
    fn into_panel_key(self) -> Cow<'static, str> {
        Cow::Owned(self)
    }
}

/// A visualisation: its plugin id and typed options.
pub trait Visualization {
    /// The plugin id (`type`).
    const TYPE: &'static str;
    /// The stored options, if the visualisation has any.
    fn into_options(self) -> Option<PanelOptions>;
}

macro_rules! visualization {
    ($opts:ident, $variant:ident, $ty:literal) => {
        impl Visualization for $opts {
            const TYPE: &'static str = $ty;
            fn into_options(self) -> Option<PanelOptions> {
                Some(PanelOptions::$variant(self))
            }
        }
    };
}

visualization!(TimeseriesOptions, Timeseries, "timeseries");
visualization!(StatOptions, Stat, "stat");
visualization!(GaugeOptions, Gauge, "gauge");
visualization!(BarGaugeOptions, BarGauge, "bargauge");
visualization!(TableOptions, Table, "table");
visualization!(HeatmapOptions, Heatmap, "heatmap");
visualization!(HistogramOptions, Histogram, "histogram");
visualization!(StateTimelineOptions, StateTimeline, "state-timeline");
visualization!(BarChartOptions, BarChart, "barchart");
visualization!(TextOptions, Text, "text");
visualization!(LogsOptions, Logs, "logs");

/// The `traces` visualisation (one trace, or a TraceQL search result); it has no options.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct TracesOptions;

impl Visualization for TracesOptions {
    const TYPE: &'static str = "traces";
    fn into_options(self) -> Option<PanelOptions> {
        None
    }
}

/// The `nodeGraph` visualisation (service maps); it has no options.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct NodeGraphOptions;

impl Visualization for NodeGraphOptions {
    const TYPE: &'static str = "nodeGraph";
    fn into_options(self) -> Option<PanelOptions> {
        None
    }
}

/// A handle on one query of a panel, for overrides that target that query's series.
/// Only [`Panel::add_query`] makes one, so an override cannot name a refId that does not exist.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct QueryRef {
    panel: Cow<'static, str>,
    ref_id: String,
}

impl QueryRef {
    /// The refId Grafana stores for the query.
    pub fn ref_id(&self) -> &str {
        &self.ref_id
    }
}

/// A panel under construction, of visualisation `V`.
///
/// ```
/// use dashboard_dsl::{datasource::{Datasource, Prometheus}, panel, query::PromQuery, Unit};
/// let prom = Datasource::<Prometheus>::uid("prometheus");
/// let p = panel::timeseries("active_tasks", "Active tasks")
///     .unit(Unit::Short)
///     .width(12)
///     .query(&prom, PromQuery::new("sum by (executor_id) (metrics_executor_activeTasks)").legend("{{executor_id}}"));
/// let spec = p.into_spec();
/// assert_eq!(spec.key(), "active_tasks");
/// assert_eq!(spec.model().targets[0].ref_id, "A");
/// ```
#[derive(Debug, Clone)]
pub struct Panel<V> {
    /// What the panel stores, and what the build needs besides: everything but the typed
    /// options, which stay typed until [`Panel::into_spec`] so that each visualisation
    /// gets only its own builders.
    spec: PanelSpec,
    options: V,
}

/// A panel's size on the 24-column grid.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Size {
    /// Columns, 1 to 24.
    pub w: u32,
    /// Rows of 30 px, at least 1.
    pub h: u32,
}

impl Default for Size {
    fn default() -> Self {
        Size { w: 12, h: 8 }
    }
}

fn new_panel<V: Visualization>(key: impl IntoPanelKey, title: &str, options: V) -> Panel<V> {
    Panel {
        spec: PanelSpec {
            key: key.into_panel_key(),
            size: Size::default(),
            pin: None,
            errors: Vec::new(),
            checked: Vec::new(),
            model: model::Panel {
                collapsed: None,
                datasource: None,
                description: None,
                field_config: None,
                grid_pos: model::GridPos {
                    h: 0,
                    w: 0,
                    x: 0,
                    y: 0,
                },
                id: 0,
                interval: None,
                links: Vec::new(),
                max_data_points: None,
                options: None,
                panels: None,
                repeat: None,
                repeat_direction: None,
                targets: Vec::new(),
                title: title.to_string(),
                transformations: Vec::new(),
                transparent: None,
                kind: V::TYPE.into(),
            },
        },
        options,
    }
}

/// A time series graph.
pub fn timeseries(key: impl IntoPanelKey, title: &str) -> Panel<TimeseriesOptions> {
    new_panel(key, title, TimeseriesOptions::default())
}

/// One big number, with a sparkline.
pub fn stat(key: impl IntoPanelKey, title: &str) -> Panel<StatOptions> {
    new_panel(key, title, StatOptions::default()).size(6, 4)
}

/// A dial.
pub fn gauge(key: impl IntoPanelKey, title: &str) -> Panel<GaugeOptions> {
    new_panel(key, title, GaugeOptions::default()).size(6, 6)
}

/// Horizontal or vertical bars, one per series.
pub fn bar_gauge(key: impl IntoPanelKey, title: &str) -> Panel<BarGaugeOptions> {
    new_panel(key, title, BarGaugeOptions::default())
}

/// A table.
pub fn table(key: impl IntoPanelKey, title: &str) -> Panel<TableOptions> {
    new_panel(key, title, TableOptions::default())
}

/// A heatmap of pre-bucketed data (Prometheus histograms).
pub fn heatmap(key: impl IntoPanelKey, title: &str) -> Panel<HeatmapOptions> {
    new_panel(key, title, HeatmapOptions::default())
}

/// A histogram computed from values.
pub fn histogram(key: impl IntoPanelKey, title: &str) -> Panel<HistogramOptions> {
    new_panel(key, title, HistogramOptions::default())
}

/// States over time, one lane per series.
pub fn state_timeline(key: impl IntoPanelKey, title: &str) -> Panel<StateTimelineOptions> {
    new_panel(key, title, StateTimelineOptions::default())
}

/// Bars by category.
pub fn bar_chart(key: impl IntoPanelKey, title: &str) -> Panel<BarChartOptions> {
    new_panel(key, title, BarChartOptions::default())
}

/// Markdown text.
///
/// ```
/// let p = dashboard_dsl::panel::text("help", "How to read this", "**GC** above 10% …").into_spec();
/// assert_eq!(p.model().kind, "text");
/// ```
pub fn text(key: impl IntoPanelKey, title: &str, markdown: &str) -> Panel<TextOptions> {
    new_panel(
        key,
        title,
        TextOptions {
            content: markdown.to_string(),
            mode: TextMode::Markdown,
        },
    )
}

/// A trace view or a TraceQL search result.
pub fn traces(key: impl IntoPanelKey, title: &str) -> Panel<TracesOptions> {
    new_panel(key, title, TracesOptions).size(24, 12)
}

/// A node graph, such as Tempo's service map.
pub fn node_graph(key: impl IntoPanelKey, title: &str) -> Panel<NodeGraphOptions> {
    new_panel(key, title, NodeGraphOptions).size(24, 12)
}

/// Log lines.
pub fn logs(key: impl IntoPanelKey, title: &str) -> Panel<LogsOptions> {
    new_panel(key, title, LogsOptions::default()).size(24, 10)
}

fn ref_letter(mut i: usize) -> String {
    // A..Z, then AA, AB…, as Grafana names queries.
    let mut s = Vec::new();
    loop {
        s.push(b'A' + (i % 26) as u8);
        if i < 26 {
            break;
        }
        i = i / 26 - 1;
    }
    s.reverse();
    String::from_utf8(s).expect("ASCII letters")
}

impl<V: Visualization> Panel<V> {
    /// The text under the (i) icon.
    pub fn description(mut self, description: &str) -> Self {
        self.spec.model.description = Some(description.to_string());
        self
    }

    /// Columns on the 24-column grid (default 12).
    pub fn width(mut self, w: u32) -> Self {
        self.spec.size.w = w;
        self
    }

    /// Height in grid rows of 30 px (default 8).
    pub fn height(mut self, h: u32) -> Self {
        self.spec.size.h = h;
        self
    }

    /// Width and height together.
    pub fn size(mut self, w: u32, h: u32) -> Self {
        self.spec.size = Size { w, h };
        self
    }

    /// Pin the panel at column `x`, `y` rows below the top of its row (or of the dashboard,
    /// for panels outside rows). Automatic placement flows around pinned panels.
    pub fn pin(mut self, x: u32, y: u32) -> Self {
        self.spec.pin = Some((x, y));
        self
    }

    /// The unit of every field.
    pub fn unit(mut self, unit: Unit) -> Self {
        self.defaults_mut().unit = Some(unit);
        self
    }

    /// Decimals shown.
    pub fn decimals(mut self, decimals: u8) -> Self {
        self.defaults_mut().decimals = Some(decimals);
        self
    }

    /// Axis or gauge minimum.
    pub fn min(mut self, min: f64) -> Self {
        self.defaults_mut().min = Some(min);
        self
    }

    /// Axis or gauge maximum.
    pub fn max(mut self, max: f64) -> Self {
        self.defaults_mut().max = Some(max);
        self
    }

    /// Threshold steps, see [`crate::field::thresholds`].
    pub fn thresholds(mut self, thresholds: Thresholds) -> Self {
        self.defaults_mut().thresholds = Some(thresholds);
        self
    }

    /// How series are coloured.
    pub fn color(mut self, mode: ColorMode) -> Self {
        self.defaults_mut().color = Some(mode.to_model());
        self
    }

    /// Add a value mapping, see [`crate::field::Mapping`].
    pub fn mapping(mut self, mapping: ValueMapping) -> Self {
        self.defaults_mut().mappings.push(mapping);
        self
    }

    /// A link in the panel's menu.
    pub fn link(mut self, link: PanelLink) -> Self {
        self.spec.model.links.push(link.to_model());
        self
    }

    /// A data link on every value and series of the panel.
    pub fn data_link(mut self, link: PanelLink) -> Self {
        self.defaults_mut().links.push(link.to_model());
        self
    }

    /// Add a query on a datasource of the query's own kind.
    pub fn query<K, Q>(mut self, ds: &impl AsDatasource<K>, query: Q) -> Self
    where
        K: DatasourceKind,
        Q: Query<Kind = K>,
    {
        self.push_query(ds, query);
        self
    }

    /// Add a query and get a handle on it for [`Panel::override_query`].
    ///
    /// ```
    /// use dashboard_dsl::{datasource::{Datasource, Prometheus}, field::FieldProp, panel, query::PromQuery, Unit};
    /// let prom = Datasource::<Prometheus>::uid("prometheus");
    /// let mut p = panel::timeseries("mem", "Memory").unit(Unit::BytesIEC);
    /// let limit = p.add_query(&prom, PromQuery::new("sum(metrics_executor_maxMemory_bytes)").ref_id("limit"));
    /// let p = p.override_query(&limit, [FieldProp::Dashed]);
    /// let spec = p.into_spec();
    /// let fc = spec.model().field_config.as_ref().unwrap();
    /// assert_eq!(fc.overrides[0].matcher.options, "limit");
    /// ```
    pub fn add_query<K, Q>(&mut self, ds: &impl AsDatasource<K>, query: Q) -> QueryRef
    where
        K: DatasourceKind,
        Q: Query<Kind = K>,
    {
        let index = self.push_query(ds, query);
        QueryRef {
            panel: self.spec.key.clone(),
            ref_id: self.spec.model.targets[index].ref_id.clone(),
        }
    }

    /// Adds the query and returns its index; `query` needs no handle, so it makes none.
    fn push_query<K, Q>(&mut self, ds: &impl AsDatasource<K>, query: Q) -> usize
    where
        K: DatasourceKind,
        Q: Query<Kind = K>,
    {
        let (mut target, checked) = query.into_checked_target();
        if let (Some(labels), Some(_)) = (checked, &target.expr) {
            self.spec
                .checked
                .push((self.spec.model.targets.len(), labels));
        }
        target.datasource = Some(ds.datasource_ref());
        if target.ref_id.is_empty() {
            target.ref_id = ref_letter(self.spec.model.targets.len());
        }
        self.spec.model.targets.push(target);
        self.spec.model.targets.len() - 1
    }

    /// Override properties of the fields of one query of this panel. A handle from another
    /// panel fails the build (it would silently match nothing, or the wrong query).
    pub fn override_query(
        mut self,
        query: &QueryRef,
        props: impl IntoIterator<Item = FieldProp>,
    ) -> Self {
        if query.panel != self.spec.key {
            self.spec.errors.push(format!(
                "override_query was given query `{}` of panel `{}`; take the handle from this panel's own add_query",
                query.ref_id, query.panel
            ));
        }
        self.field_config_mut().overrides.push(Override {
            matcher: Matcher {
                id: "byFrameRefID".into(),
                options: query.ref_id.clone(),
            },
            properties: props.into_iter().map(|p| p.to_model()).collect(),
        });
        self
    }

    /// Override properties of the field (series) with this display name.
    pub fn override_field(
        mut self,
        name: &str,
        props: impl IntoIterator<Item = FieldProp>,
    ) -> Self {
        self.field_config_mut().overrides.push(Override {
            matcher: Matcher {
                id: "byName".into(),
                options: name.to_string(),
            },
            properties: props.into_iter().map(|p| p.to_model()).collect(),
        });
        self
    }

    /// Override properties of every field whose name matches a regex.
    pub fn override_regex(
        mut self,
        regex: &str,
        props: impl IntoIterator<Item = FieldProp>,
    ) -> Self {
        self.field_config_mut().overrides.push(Override {
            matcher: Matcher {
                id: "byRegexp".into(),
                options: regex.to_string(),
            },
            properties: props.into_iter().map(|p| p.to_model()).collect(),
        });
        self
    }

    /// Convert these fields to numbers (Grafana's `convertFieldType`), for sources that send
    /// numbers as text: Tempo's span tables hold every selected attribute as a string, so
    /// without this they sort as text and thresholds never apply.
    ///
    /// ```
    /// let spec = dashboard_dsl::panel::table("spans", "Spans")
    ///     .convert_to_numbers(&["spark.stage.skew_ratio"])
    ///     .into_spec();
    /// let t = &spec.model().transformations[0];
    /// assert_eq!(t.id, "convertFieldType");
    /// assert_eq!(t.options["conversions"][0]["destinationType"], "number");
    /// ```
    pub fn convert_to_numbers(self, fields: &[&str]) -> Self {
        let conversions: Vec<serde_json::Value> = fields
            .iter()
            .map(|f| serde_json::json!({"destinationType": "number", "targetField": f}))
            .collect();
        self.transform(
            "convertFieldType",
            serde_json::json!({"conversions": conversions, "fields": {}}),
        )
    }

    /// A data transformation, such as `organize` or `merge`, with its options.
    pub fn transform(mut self, id: &str, options: serde_json::Value) -> Self {
        self.spec.model.transformations.push(Transformation {
            id: id.to_string(),
            options,
        });
        self
    }

    /// Minimum query step for this panel, such as `15s`.
    pub fn interval(mut self, interval: &str) -> Self {
        self.spec.model.interval = Some(interval.to_string());
        self
    }

    /// Maximum points per series.
    pub fn max_data_points(mut self, n: u32) -> Self {
        self.spec.model.max_data_points = Some(n);
        self
    }

    /// Repeat the panel for each value of a variable, side by side (`h`) or stacked (`v`).
    pub fn repeat(mut self, var: &impl crate::variable::VarName, horizontal: bool) -> Self {
        self.spec.model.repeat = Some(var.var_name().to_string());
        self.spec.model.repeat_direction = Some(if horizontal { "h" } else { "v" }.to_string());
        self
    }

    /// No panel background.
    pub fn transparent(mut self) -> Self {
        self.spec.model.transparent = Some(true);
        self
    }

    /// Edit the typed options directly.
    ///
    /// ```
    /// use dashboard_dsl::{options::StatGraphMode, panel};
    /// let p = panel::stat("apps", "Applications").options(|o| o.graph_mode = StatGraphMode::None);
    /// ```
    pub fn options(mut self, edit: impl FnOnce(&mut V)) -> Self {
        edit(&mut self.options);
        self
    }

    /// Edit the per-visualisation field options (`fieldConfig.defaults.custom`).
    pub fn custom(mut self, edit: impl FnOnce(&mut FieldCustom)) -> Self {
        edit(
            self.defaults_mut()
                .custom
                .get_or_insert_with(FieldCustom::default),
        );
        self
    }

    /// Type-erase into the form rows and dashboards hold.
    pub fn into_spec(self) -> PanelSpec {
        let mut spec = self.spec;
        let m = &mut spec.model;
        // Panel-level datasource: the one all queries share, else Grafana's "Mixed".
        m.datasource = match m.targets.first().and_then(|t| t.datasource.clone()) {
            Some(first)
                if m.targets
                    .iter()
                    .all(|t| t.datasource.as_ref() == Some(&first)) =>
            {
                Some(first)
            }
            Some(_) => Some(model::DataSourceRef {
                kind: "datasource".into(),
                uid: "-- Mixed --".into(),
            }),
            None => None,
        };
        // Grafana fills in an empty fieldConfig itself; writing one would only be noise.
        if m.field_config.as_ref() == Some(&FieldConfig::default()) {
            m.field_config = None;
        }
        m.options = self.options.into_options();
        spec
    }

    /// `fieldConfig`, made on first use.
    fn field_config_mut(&mut self) -> &mut FieldConfig {
        self.spec
            .model
            .field_config
            .get_or_insert_with(FieldConfig::default)
    }

    /// `fieldConfig.defaults`, made on first use.
    fn defaults_mut(&mut self) -> &mut FieldDefaults {
        &mut self.field_config_mut().defaults
    }
}

/// Options that have a legend and a tooltip.
pub trait HasLegend {
    /// The legend.
    fn legend_mut(&mut self) -> &mut Legend;
    /// The tooltip.
    fn tooltip_mut(&mut self) -> &mut Tooltip;
}

macro_rules! has_legend {
    ($($t:ty),+) => {$(
        impl HasLegend for $t {
            fn legend_mut(&mut self) -> &mut Legend { &mut self.legend }
            fn tooltip_mut(&mut self) -> &mut Tooltip { &mut self.tooltip }
        }
    )+};
}
has_legend!(
    TimeseriesOptions,
    HistogramOptions,
    StateTimelineOptions,
    BarChartOptions
);

impl<V: Visualization + HasLegend> Panel<V> {
    /// The legend, see [`Legend::table`].
    pub fn legend(mut self, legend: Legend) -> Self {
        *self.options.legend_mut() = legend;
        self
    }

    /// The tooltip, see [`Tooltip::all_descending`].
    pub fn tooltip(mut self, tooltip: Tooltip) -> Self {
        *self.options.tooltip_mut() = tooltip;
        self
    }
}

/// Options that reduce each series to a value.
pub trait HasReduce {
    /// The reduction.
    fn reduce_mut(&mut self) -> &mut ReduceOptions;
}

macro_rules! has_reduce {
    ($($t:ty),+) => {$(
        impl HasReduce for $t {
            fn reduce_mut(&mut self) -> &mut ReduceOptions { &mut self.reduce_options }
        }
    )+};
}
has_reduce!(StatOptions, GaugeOptions, BarGaugeOptions);

impl<V: Visualization + HasReduce> Panel<V> {
    /// Reduce each series with this calculation.
    ///
    /// ```
    /// use dashboard_dsl::{options::Calc, panel};
    /// let p = panel::stat("peak", "Peak heap").reduce(Calc::Max);
    /// ```
    pub fn reduce(mut self, calc: Calc) -> Self {
        self.options.reduce_mut().calcs = vec![calc];
        self
    }
}

impl Panel<TimeseriesOptions> {
    /// Fill under lines, 0 to 100.
    pub fn fill_opacity(self, opacity: u8) -> Self {
        self.custom(|c| c.fill_opacity = Some(opacity))
    }

    /// Stack series on top of each other.
    pub fn stacked(self) -> Self {
        self.custom(|c| {
            c.stacking = Some(Stacking {
                group: "A".into(),
                mode: "normal".into(),
            })
        })
    }

    /// Draw as bars, which suits per-interval counts.
    pub fn bars(self) -> Self {
        self.custom(|c| c.draw_style = Some("bars".into()))
    }

    /// Draw the thresholds as dashed lines.
    pub fn threshold_lines(self) -> Self {
        self.custom(|c| {
            c.thresholds_style = Some(ThresholdsStyle {
                mode: "dashed".into(),
            })
        })
    }
}

impl Panel<StatOptions> {
    /// Colour the background rather than the value.
    pub fn background(self) -> Self {
        self.options(|o| o.color_mode = StatColorMode::Background)
    }

    /// No sparkline.
    pub fn no_graph(self) -> Self {
        self.options(|o| o.graph_mode = StatGraphMode::None)
    }
}

impl Panel<BarGaugeOptions> {
    /// The bar style.
    pub fn display(self, mode: BarGaugeDisplayMode) -> Self {
        self.options(|o| o.display_mode = mode)
    }
}

impl Panel<TableOptions> {
    /// Sort by a column, descending when `desc`.
    pub fn sort_by(self, column: &str, desc: bool) -> Self {
        self.options(|o| {
            o.sort_by.push(TableSortBy {
                desc,
                display_name: column.to_string(),
            })
        })
    }
}

impl Panel<HeatmapOptions> {
    /// The unit of the bucket axis.
    pub fn y_unit(self, unit: Unit) -> Self {
        self.options(|o| o.y_axis.unit = Some(unit))
    }

    /// Bucket raw values: `y` buckets by count (log-2 scale when `log`), time in `x_size`
    /// steps such as `1m` (or Grafana's automatic step when `None`).
    ///
    /// ```
    /// let p = dashboard_dsl::panel::heatmap("task_time", "Task time").calculate(Some("1m"), 20, true);
    /// ```
    pub fn calculate(self, x_size: Option<&str>, y_count: u32, log: bool) -> Self {
        self.options(|o| {
            o.calculate = true;
            o.calculation = Some(HeatmapCalculation {
                x_buckets: x_size.map(|v| HeatmapBuckets {
                    mode: BucketMode::Size,
                    scale: None,
                    value: v.to_string(),
                }),
                y_buckets: Some(HeatmapBuckets {
                    mode: BucketMode::Count,
                    scale: Some(HeatmapScale {
                        log: log.then_some(2),
                        kind: if log {
                            BucketScale::Log
                        } else {
                            BucketScale::Linear
                        },
                    }),
                    value: y_count.to_string(),
                }),
            });
        })
    }

    /// A named colour scheme, such as `Spectral`.
    pub fn scheme(self, scheme: &str) -> Self {
        self.options(|o| o.color.scheme = scheme.to_string())
    }
}

/// A panel with its visualisation erased: what rows and dashboards hold.
#[derive(Debug, Clone, PartialEq)]
pub struct PanelSpec {
    pub(crate) key: Cow<'static, str>,
    pub(crate) size: Size,
    pub(crate) pin: Option<(u32, u32)>,
    pub(crate) errors: Vec<String>,
    /// The labels `promql!` computed, by index into the model's targets.
    pub(crate) checked: Vec<(usize, OutputLabels)>,
    pub(crate) model: model::Panel,
}

impl PanelSpec {
    /// The panel's key.
    pub fn key(&self) -> &str {
        &self.key
    }

    /// The stored panel, before layout assigns `id` and `gridPos`.
    pub fn model(&self) -> &model::Panel {
        &self.model
    }

    /// The requested size.
    pub fn size(&self) -> Size {
        self.size
    }
}

impl<V: Visualization> From<Panel<V>> for PanelSpec {
    fn from(p: Panel<V>) -> Self {
        p.into_spec()
    }
}

#[cfg(test)]
mod tests {
    use super::ref_letter;

    #[test]
    fn ref_letters_follow_grafana() {
        assert_eq!(ref_letter(0), "A");
        assert_eq!(ref_letter(25), "Z");
        assert_eq!(ref_letter(26), "AA");
        assert_eq!(ref_letter(27), "AB");
        assert_eq!(ref_letter(26 * 27), "AAA");
    }
}
