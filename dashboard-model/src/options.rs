//! Typed `options` of each visualisation, with Grafana's own defaults.
//!
//! Field order follows the JSON key order for the same reason as in [`crate::model`].

use serde::{Deserialize, Serialize};

macro_rules! string_enum {
    ($(#[$m:meta])* $name:ident { $($variant:ident => $s:literal),+ $(,)? } default $default:ident) => {
        $(#[$m])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
        pub enum $name {
            $(
                #[doc = concat!("`", $s, "`")]
                #[serde(rename = $s)]
                $variant,
            )+
        }
        impl Default for $name {
            fn default() -> Self {
                $name::$default
            }
        }
    };
}

string_enum!(
    /// A reduction over a series (`calcs`).
    Calc { LastNotNull => "lastNotNull", Last => "last", First => "first", Mean => "mean", Min => "min", Max => "max", Sum => "sum", Count => "count", Range => "range", Delta => "delta", Diff => "diff", Median => "median", P95 => "p95", P99 => "p99", StdDev => "stdDev" }
    default LastNotNull
);
string_enum!(
    /// How a legend is drawn.
    LegendMode { List => "list", Table => "table", Hidden => "hidden" }
    default List
);
string_enum!(
    /// Where a legend sits.
    LegendPlacement { Bottom => "bottom", Right => "right" }
    default Bottom
);
string_enum!(
    /// Which series a tooltip shows.
    TooltipMode { Single => "single", Multi => "multi", Hidden => "none" }
    default Single
);
string_enum!(
    /// Tooltip sort order.
    SortOrder { None => "none", Ascending => "asc", Descending => "desc" }
    default None
);
string_enum!(
    /// Layout direction of stat, gauge, bar gauge and bar chart.
    Orientation { Auto => "auto", Horizontal => "horizontal", Vertical => "vertical" }
    default Auto
);
string_enum!(
    /// Stat colouring.
    StatColorMode { Value => "value", Background => "background", BackgroundSolid => "background_solid", None => "none" }
    default Value
);
string_enum!(
    /// Stat sparkline.
    StatGraphMode { Area => "area", None => "none" }
    default Area
);
string_enum!(
    /// Stat text.
    StatTextMode { Auto => "auto", Value => "value", ValueAndName => "value_and_name", Name => "name", None => "none" }
    default Auto
);
string_enum!(
    /// Bar gauge style.
    BarGaugeDisplayMode { Gradient => "gradient", Lcd => "lcd", Basic => "basic" }
    default Gradient
);
string_enum!(
    /// Text panel content type.
    TextMode { Markdown => "markdown", Html => "html", Code => "code" }
    default Markdown
);
string_enum!(
    /// Stacking of bar charts.
    StackingMode { None => "none", Normal => "normal", Percent => "percent" }
    default None
);
string_enum!(
    /// How heatmap buckets are laid out from the data.
    HeatmapLayout { Auto => "auto", Le => "le", Ge => "ge", Unknown => "unknown" }
    default Auto
);
string_enum!(
    /// Logs sort order.
    LogsSortOrder { Descending => "Descending", Ascending => "Ascending" }
    default Descending
);

/// Legend options (`options.legend`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[serde(rename_all = "camelCase")]
pub struct Legend {
    pub calcs: Vec<Calc>,
    pub display_mode: LegendMode,
    pub placement: LegendPlacement,
    pub show_legend: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub sort_by: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub sort_desc: Option<bool>,
}

impl Default for Legend {
    fn default() -> Self {
        Legend {
            calcs: Vec::new(),
            display_mode: LegendMode::List,
            placement: LegendPlacement::Bottom,
            show_legend: true,
            sort_by: None,
            sort_desc: None,
        }
    }
}

impl Legend {
    /// A table legend on the right with the given columns, sorted by the first one, the
    /// usual shape for "which executor is the outlier" panels.
    ///
    /// ```
    /// use dashboard_model::options::{Calc, Legend, LegendMode};
    /// let l = Legend::table(&[Calc::Max, Calc::Mean]);
    /// assert_eq!(l.display_mode, LegendMode::Table);
    /// assert_eq!(l.sort_by.as_deref(), Some("Max"));
    /// ```
    pub fn table(calcs: &[Calc]) -> Self {
        Legend {
            calcs: calcs.to_vec(),
            display_mode: LegendMode::Table,
            placement: LegendPlacement::Right,
            show_legend: true,
            sort_by: calcs.first().map(|c| c.display_name().to_string()),
            sort_desc: calcs.first().map(|_| true),
        }
    }

    /// No legend at all.
    ///
    /// ```
    /// assert!(!dashboard_model::options::Legend::hidden().show_legend);
    /// ```
    pub fn hidden() -> Self {
        Legend {
            display_mode: LegendMode::Hidden,
            show_legend: false,
            ..Legend::default()
        }
    }
}

impl Calc {
    /// The column header Grafana shows for this reducer, which `legend.sortBy` refers to.
    ///
    /// ```
    /// assert_eq!(dashboard_model::options::Calc::LastNotNull.display_name(), "Last *");
    /// ```
    pub fn display_name(self) -> &'static str {
        match self {
            Calc::LastNotNull => "Last *",
            Calc::Last => "Last",
            Calc::First => "First",
            Calc::Mean => "Mean",
            Calc::Min => "Min",
            Calc::Max => "Max",
            Calc::Sum => "Total",
            Calc::Count => "Count",
            Calc::Range => "Range",
            Calc::Delta => "Delta",
            Calc::Diff => "Difference",
            Calc::Median => "Median",
            Calc::P95 => "95th %",
            Calc::P99 => "99th %",
            Calc::StdDev => "StdDev",
        }
    }
}

/// Tooltip options (`options.tooltip`).
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[serde(rename_all = "camelCase")]
pub struct Tooltip {
    pub mode: TooltipMode,
    pub sort: SortOrder,
}

impl Tooltip {
    /// All series, largest first: what you want when comparing executors.
    ///
    /// ```
    /// use dashboard_model::options::{Tooltip, TooltipMode};
    /// assert_eq!(Tooltip::all_descending().mode, TooltipMode::Multi);
    /// ```
    pub fn all_descending() -> Self {
        Tooltip {
            mode: TooltipMode::Multi,
            sort: SortOrder::Descending,
        }
    }
}

/// How stat, gauge and bar gauge reduce a series to one value (`options.reduceOptions`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[serde(rename_all = "camelCase")]
pub struct ReduceOptions {
    pub calcs: Vec<Calc>,
    pub fields: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub limit: Option<u32>,
    pub values: bool,
}

impl Default for ReduceOptions {
    fn default() -> Self {
        ReduceOptions {
            calcs: vec![Calc::LastNotNull],
            fields: String::new(),
            limit: None,
            values: false,
        }
    }
}

impl ReduceOptions {
    /// Reduce each series with one calculation.
    ///
    /// ```
    /// use dashboard_model::options::{Calc, ReduceOptions};
    /// assert_eq!(ReduceOptions::calc(Calc::Max).calcs, vec![Calc::Max]);
    /// ```
    pub fn calc(calc: Calc) -> Self {
        ReduceOptions {
            calcs: vec![calc],
            ..ReduceOptions::default()
        }
    }
}

/// `timeseries` options.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TimeseriesOptions {
    pub legend: Legend,
    pub tooltip: Tooltip,
}

/// `stat` options.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[serde(rename_all = "camelCase")]
pub struct StatOptions {
    pub color_mode: StatColorMode,
    pub graph_mode: StatGraphMode,
    pub justify_mode: String,
    pub orientation: Orientation,
    pub reduce_options: ReduceOptions,
    pub text_mode: StatTextMode,
}

impl Default for StatOptions {
    fn default() -> Self {
        StatOptions {
            color_mode: StatColorMode::Value,
            graph_mode: StatGraphMode::Area,
            justify_mode: "auto".into(),
            orientation: Orientation::Auto,
            reduce_options: ReduceOptions::default(),
            text_mode: StatTextMode::Auto,
        }
    }
}

/// `gauge` options.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[serde(rename_all = "camelCase")]
pub struct GaugeOptions {
    pub orientation: Orientation,
    pub reduce_options: ReduceOptions,
    pub show_threshold_labels: bool,
    pub show_threshold_markers: bool,
}

impl Default for GaugeOptions {
    fn default() -> Self {
        GaugeOptions {
            orientation: Orientation::Auto,
            reduce_options: ReduceOptions::default(),
            show_threshold_labels: false,
            show_threshold_markers: true,
        }
    }
}

/// `bargauge` options.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[serde(rename_all = "camelCase")]
pub struct BarGaugeOptions {
    pub display_mode: BarGaugeDisplayMode,
    pub orientation: Orientation,
    pub reduce_options: ReduceOptions,
    pub show_unfilled: bool,
}

impl Default for BarGaugeOptions {
    fn default() -> Self {
        BarGaugeOptions {
            display_mode: BarGaugeDisplayMode::Gradient,
            orientation: Orientation::Horizontal,
            reduce_options: ReduceOptions::default(),
            show_unfilled: true,
        }
    }
}

/// One sorted column of a table.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[serde(rename_all = "camelCase")]
pub struct TableSortBy {
    pub desc: bool,
    pub display_name: String,
}

/// `table` options.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[serde(rename_all = "camelCase")]
pub struct TableOptions {
    pub show_header: bool,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub sort_by: Vec<TableSortBy>,
}

impl Default for TableOptions {
    fn default() -> Self {
        TableOptions {
            show_header: true,
            sort_by: Vec::new(),
        }
    }
}

/// Heatmap colour scale (`options.color`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct HeatmapColor {
    pub exponent: f64,
    pub fill: String,
    pub mode: String,
    pub reverse: bool,
    pub scale: String,
    pub scheme: String,
    pub steps: u32,
}

impl Default for HeatmapColor {
    fn default() -> Self {
        HeatmapColor {
            exponent: 0.5,
            fill: "dark-orange".into(),
            mode: "scheme".into(),
            reverse: false,
            scale: "exponential".into(),
            scheme: "Oranges".into(),
            steps: 64,
        }
    }
}

/// How the heatmap reads buckets from the frames (`options.rowsFrame`).
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct HeatmapRowsFrame {
    pub layout: HeatmapLayout,
}

/// Heatmap y axis (`options.yAxis`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[serde(rename_all = "camelCase")]
pub struct HeatmapYAxis {
    pub axis_placement: String,
    pub reverse: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub unit: Option<crate::Unit>,
}

impl Default for HeatmapYAxis {
    fn default() -> Self {
        HeatmapYAxis {
            axis_placement: "left".into(),
            reverse: false,
            unit: None,
        }
    }
}

/// Show or hide (`options.legend` of a heatmap).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Show {
    pub show: bool,
}

/// Heatmap tooltip (`options.tooltip`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[serde(rename_all = "camelCase")]
pub struct HeatmapTooltip {
    pub mode: TooltipMode,
    pub show_color_scale: bool,
    pub y_histogram: bool,
}

string_enum!(
    /// How a bucket axis is split: by bucket size or by bucket count.
    BucketMode { Size => "size", Count => "count" }
    default Size
);
string_enum!(
    /// Bucket axis scale.
    BucketScale { Linear => "linear", Log => "log" }
    default Linear
);

/// One axis of a calculated heatmap (`options.calculation.xBuckets` / `yBuckets`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct HeatmapBuckets {
    pub mode: BucketMode,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub scale: Option<HeatmapScale>,
    /// A size (`"1m"`, `"0.5"`) or a count, as Grafana stores it: a string.
    pub value: String,
}

/// Scale of a bucket axis.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct HeatmapScale {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub log: Option<u32>,
    #[serde(rename = "type")]
    pub kind: BucketScale,
}

/// How a heatmap buckets raw values (`options.calculation`), used with `calculate: true`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[serde(rename_all = "camelCase")]
pub struct HeatmapCalculation {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub x_buckets: Option<HeatmapBuckets>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub y_buckets: Option<HeatmapBuckets>,
}

/// `heatmap` options. `calculate: false` means the data already are buckets, as with
/// Prometheus histograms (`format: heatmap`); with `calculate: true`, `calculation` says
/// how to bucket raw values.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[serde(rename_all = "camelCase")]
pub struct HeatmapOptions {
    pub calculate: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub calculation: Option<HeatmapCalculation>,
    pub cell_gap: u32,
    pub color: HeatmapColor,
    pub legend: Show,
    pub rows_frame: HeatmapRowsFrame,
    pub tooltip: HeatmapTooltip,
    pub y_axis: HeatmapYAxis,
}

impl Default for HeatmapOptions {
    fn default() -> Self {
        HeatmapOptions {
            calculate: false,
            calculation: None,
            cell_gap: 1,
            color: HeatmapColor::default(),
            legend: Show { show: true },
            rows_frame: HeatmapRowsFrame::default(),
            tooltip: HeatmapTooltip {
                mode: TooltipMode::Single,
                show_color_scale: false,
                y_histogram: true,
            },
            y_axis: HeatmapYAxis::default(),
        }
    }
}

/// `histogram` options.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[serde(rename_all = "camelCase")]
pub struct HistogramOptions {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub bucket_count: Option<u32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub bucket_size: Option<f64>,
    pub combine: bool,
    pub legend: Legend,
    pub tooltip: Tooltip,
}

/// `state-timeline` options.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[serde(rename_all = "camelCase")]
pub struct StateTimelineOptions {
    pub align_value: String,
    pub legend: Legend,
    pub merge_values: bool,
    pub row_height: f64,
    pub show_value: String,
    pub tooltip: Tooltip,
}

impl Default for StateTimelineOptions {
    fn default() -> Self {
        StateTimelineOptions {
            align_value: "left".into(),
            legend: Legend::default(),
            merge_values: true,
            row_height: 0.9,
            show_value: "auto".into(),
            tooltip: Tooltip::default(),
        }
    }
}

/// `barchart` options.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[serde(rename_all = "camelCase")]
pub struct BarChartOptions {
    pub bar_width: f64,
    pub group_width: f64,
    pub legend: Legend,
    pub orientation: Orientation,
    pub show_value: String,
    pub stacking: StackingMode,
    pub tooltip: Tooltip,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub x_field: Option<String>,
    pub x_tick_label_rotation: i32,
}

impl Default for BarChartOptions {
    fn default() -> Self {
        BarChartOptions {
            bar_width: 0.97,
            group_width: 0.7,
            legend: Legend::default(),
            orientation: Orientation::Auto,
            show_value: "auto".into(),
            stacking: StackingMode::None,
            tooltip: Tooltip::default(),
            x_field: None,
            x_tick_label_rotation: 0,
        }
    }
}

/// `text` options.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TextOptions {
    pub content: String,
    pub mode: TextMode,
}

/// `logs` options.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[serde(rename_all = "camelCase")]
pub struct LogsOptions {
    pub dedup_strategy: String,
    pub enable_log_details: bool,
    pub prettify_log_message: bool,
    pub show_common_labels: bool,
    pub show_labels: bool,
    pub show_time: bool,
    pub sort_order: LogsSortOrder,
    pub wrap_log_message: bool,
}

impl Default for LogsOptions {
    fn default() -> Self {
        LogsOptions {
            dedup_strategy: "none".into(),
            enable_log_details: true,
            prettify_log_message: false,
            show_common_labels: false,
            show_labels: false,
            show_time: true,
            sort_order: LogsSortOrder::Descending,
            wrap_log_message: true,
        }
    }
}
