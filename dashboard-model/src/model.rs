//! The data model: what Grafana stores, and nothing about how authors write it.
//!
//! Every struct declares its fields in the byte order of their JSON names. Grafana exports
//! dashboards with sorted keys, so emitting the same order makes our files diff cleanly
//! against exports and keeps output stable without a sorting pass (a test holds us to it).
//! Fields whose value Grafana fills in by itself are `Option`s left out when unset.
//! Fields that almost always hold a constant (plugin types, colours, modes) are
//! `Cow<'static, str>`: a build of 1,000 panels then allocates none of them.
//!
//! Reading JSON back (validate, sync, and tests of every built dashboard) is lenient where
//! Grafana is: unknown fields (`id`, `version`, `pluginVersion`, whatever a newer Grafana
//! adds) are ignored, not an error, because validate and sync only read the structure
//! (panels, queries, variables) and sync keeps the raw JSON wherever it needs every field;
//! the containers (`DashboardModel`, `Panel`, `Target`, `Variable`, field config) default
//! what is missing, so hand-written fragments and older exports read too. What this crate
//! writes reads back into the same values and serialises to the same bytes (a property
//! test holds us to it). Panel `options` are the exception to "ignored": they are kept
//! whole as [`PanelOptions::Other`] when they are not exactly one of the typed variants,
//! so a panel never loses options by being read.

use std::borrow::Cow;

use serde::{Deserialize, Serialize};

use crate::unit::Unit;

/// Grafana writes whole numbers without a fraction (`1`, not `1.0`); so do we, or every
/// export from the UI would differ from our files on every threshold. Reading needs no
/// counterpart: serde reads an `f64` from a JSON integer as well as from a float.
mod num {
    use serde::Serializer;

    pub fn opt<S: Serializer>(v: &Option<f64>, s: S) -> Result<S::Ok, S::Error> {
        match v {
            Some(v) => one(v, s),
            None => s.serialize_none(),
        }
    }

    pub fn one<S: Serializer>(v: &f64, s: S) -> Result<S::Ok, S::Error> {
        if v.fract() == 0.0 && v.abs() < 9.007_199_254_740_992e15 {
            s.serialize_i64(*v as i64)
        } else {
            s.serialize_f64(*v)
        }
    }
}

/// Readers for the other shapes Grafana has stored a field in over the years. What this
/// crate writes always takes the first shape, so reading it back is exact; the others read
/// into the closest value.
mod lenient {
    use std::borrow::Cow;

    use serde::{Deserialize, Deserializer};

    use super::DataSourceRef;

    /// A datasource as an object (`type` optional) or a bare string.
    #[derive(Deserialize)]
    #[serde(untagged)]
    pub enum DataSourceRead {
        Ref {
            #[serde(default, rename = "type")]
            kind: String,
            #[serde(default)]
            uid: String,
        },
        Name(String),
    }

    impl From<DataSourceRead> for DataSourceRef {
        fn from(d: DataSourceRead) -> Self {
            match d {
                DataSourceRead::Ref { kind, uid } => DataSourceRef {
                    kind: Cow::Owned(kind),
                    uid,
                },
                DataSourceRead::Name(uid) => DataSourceRef {
                    kind: Cow::Borrowed(""),
                    uid,
                },
            }
        }
    }

    /// A variable's query: a string, or an object holding it as `query`.
    pub fn query<'de, D: Deserializer<'de>>(d: D) -> Result<Option<String>, D::Error> {
        #[derive(Deserialize)]
        #[serde(untagged)]
        enum Query {
            Text(String),
            Object {
                #[serde(default)]
                query: String,
            },
        }
        Ok(Option::<Query>::deserialize(d)?.map(|q| match q {
            Query::Text(t) | Query::Object { query: t } => t,
        }))
    }

    /// A matcher's options: a string, or the object `byNames` and `byValue` matchers hold
    /// (hiding a series from the legend makes one), read as its compact JSON text.
    pub fn matcher_options<'de, D: Deserializer<'de>>(d: D) -> Result<String, D::Error> {
        Ok(match serde_json::Value::deserialize(d)? {
            serde_json::Value::String(s) => s,
            other => other.to_string(),
        })
    }

    /// `spanNulls`: a bool, or the longest gap in milliseconds to connect, read as `true`
    /// (gaps are connected, up to a limit).
    pub fn span_nulls<'de, D: Deserializer<'de>>(d: D) -> Result<Option<bool>, D::Error> {
        match Option::<serde_json::Value>::deserialize(d)? {
            None => Ok(None),
            Some(serde_json::Value::Bool(b)) => Ok(Some(b)),
            Some(serde_json::Value::Number(_)) => Ok(Some(true)),
            Some(other) => Err(serde::de::Error::custom(format!(
                "spanNulls is {other}, expected a bool or a number of milliseconds"
            ))),
        }
    }

    /// A dashboard's `refresh`: an interval, or `false` (older Grafana) for none.
    pub fn refresh<'de, D: Deserializer<'de>>(d: D) -> Result<Option<String>, D::Error> {
        match Option::<serde_json::Value>::deserialize(d)? {
            None | Some(serde_json::Value::Bool(false)) => Ok(None),
            Some(serde_json::Value::String(s)) => Ok(Some(s)),
            Some(other) => Err(serde::de::Error::custom(format!(
                "refresh is {other}, expected an interval such as \"30s\" or false"
            ))),
        }
    }

    /// A string, or a list of strings joined with `,`.
    pub fn text<'de, D: Deserializer<'de>>(d: D) -> Result<String, D::Error> {
        #[derive(Deserialize)]
        #[serde(untagged)]
        enum Text {
            One(String),
            Many(Vec<String>),
        }
        Ok(match Text::deserialize(d)? {
            Text::One(t) => t,
            Text::Many(l) => l.join(","),
        })
    }
}

/// The dashboard JSON schema version this crate emits (Grafana 11.6 ships 41; 12.x migrates
/// it forward on load). Pinned here and nowhere else.
///
/// ```
/// assert_eq!(dashboard_model::SCHEMA_VERSION, 41);
/// ```
pub const SCHEMA_VERSION: u32 = 41;

/// A whole dashboard, as stored by Grafana.
///
/// ```
/// use dashboard_model::{DashboardModel, SCHEMA_VERSION};
/// let d = DashboardModel { uid: "demo".into(), schema_version: SCHEMA_VERSION, ..DashboardModel::default() };
/// assert_eq!(d.uid, "demo");
/// assert_eq!(d.schema_version, 41);
/// ```
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[serde(default)]
pub struct DashboardModel {
    pub annotations: Annotations,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub editable: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub graph_tooltip: Option<u8>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub links: Vec<DashboardLink>,
    pub panels: Vec<Panel>,
    #[serde(
        skip_serializing_if = "Option::is_none",
        deserialize_with = "lenient::refresh"
    )]
    pub refresh: Option<String>,
    pub schema_version: u32,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub tags: Vec<String>,
    pub templating: Templating,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub time: Option<TimeRange>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub timezone: Option<String>,
    pub title: String,
    pub uid: String,
}

/// `annotations.list`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct Annotations {
    pub list: Vec<Annotation>,
}

/// One annotation query.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Annotation {
    pub datasource: DataSourceRef,
    pub enable: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub expr: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub hide: Option<bool>,
    pub icon_color: String,
    pub name: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub step: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub tag_keys: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub text_format: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub title_format: Option<String>,
}

/// `templating.list`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct Templating {
    pub list: Vec<Variable>,
}

/// `time`: the default time range.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TimeRange {
    pub from: String,
    pub to: String,
}

/// A reference to a datasource: a fixed uid, or `${var}` of a datasource variable.
///
/// Also reads the shapes older Grafana stored: a bare string (a datasource name or
/// `${var}`, read as the uid with an empty `type`) and an object without `type`.
///
/// ```
/// use dashboard_model::model::DataSourceRef;
/// let legacy: DataSourceRef = serde_json::from_str(r#""${prometheus}""#).unwrap();
/// assert_eq!((legacy.kind.as_ref(), legacy.uid.as_str()), ("", "${prometheus}"));
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(from = "lenient::DataSourceRead")]
pub struct DataSourceRef {
    #[serde(rename = "type")]
    pub kind: Cow<'static, str>,
    pub uid: String,
}

/// A dashboard-level link (top bar).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct DashboardLink {
    #[serde(default)]
    pub as_dropdown: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub icon: Option<String>,
    #[serde(default)]
    pub include_vars: bool,
    #[serde(default)]
    pub keep_time: bool,
    #[serde(default)]
    pub tags: Vec<String>,
    #[serde(default)]
    pub target_blank: bool,
    pub title: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub tooltip: Option<String>,
    #[serde(rename = "type")]
    pub kind: DashboardLinkKind,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub url: Option<String>,
}

/// Whether a dashboard link is a URL or a list of dashboards by tag.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum DashboardLinkKind {
    Link,
    Dashboards,
}

/// A panel link or a data link.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Link {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub internal: Option<InternalLink>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub target_blank: Option<bool>,
    #[serde(default)]
    pub title: String,
    #[serde(default)]
    pub url: String,
}

/// The Explore target of a data link into another datasource (`links[].internal`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct InternalLink {
    pub datasource_name: String,
    pub datasource_uid: String,
    pub query: Target,
}

/// A panel on the grid: `x + w <= 24`, `w >= 1`, `h >= 1`.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct GridPos {
    pub h: u32,
    pub w: u32,
    pub x: u32,
    pub y: u32,
}

impl GridPos {
    /// Whether two rectangles share any cell.
    ///
    /// ```
    /// use dashboard_model::model::GridPos;
    /// let a = GridPos { h: 2, w: 12, x: 0, y: 0 };
    /// assert!(a.overlaps(&GridPos { h: 1, w: 1, x: 11, y: 1 }));
    /// assert!(!a.overlaps(&GridPos { h: 1, w: 12, x: 12, y: 0 }));
    /// ```
    pub fn overlaps(&self, other: &GridPos) -> bool {
        self.x < other.x + other.w
            && other.x < self.x + self.w
            && self.y < other.y + other.h
            && other.y < self.y + self.h
    }
}

/// A panel, including rows (`type: "row"`).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[serde(default)]
pub struct Panel {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub collapsed: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub datasource: Option<DataSourceRef>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub field_config: Option<FieldConfig>,
    pub grid_pos: GridPos,
    pub id: u32,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub interval: Option<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub links: Vec<Link>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub max_data_points: Option<u32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub options: Option<PanelOptions>,
    /// Only rows carry panels; a collapsed row holds its panels here.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub panels: Option<Vec<Panel>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub repeat: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub repeat_direction: Option<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub targets: Vec<Target>,
    pub title: String,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub transformations: Vec<Transformation>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub transparent: Option<bool>,
    #[serde(rename = "type")]
    pub kind: Cow<'static, str>,
}

/// A data transformation (`transformations[]`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Transformation {
    pub id: String,
    pub options: serde_json::Value,
}

/// One query of a panel. The fields are the union of what the Prometheus, Tempo, Jaeger and
/// Loki query editors store; the typed query builders of `dashboard-dsl` set only their own.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[serde(default)]
pub struct Target {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub datasource: Option<DataSourceRef>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub editor_mode: Option<Cow<'static, str>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub exemplar: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub expr: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub format: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub instant: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub interval: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub legend_format: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub limit: Option<u32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub max_duration: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub max_lines: Option<u32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub min_duration: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub operation: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub query: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub query_type: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub range: Option<bool>,
    pub ref_id: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub service: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub service_map_query: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    /// Spans per span set: Tempo's `spss` (Grafana's default is 3).
    pub spss: Option<u32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub table_type: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub tags: Option<String>,
}

/// `fieldConfig`: defaults for every field, and overrides for some.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct FieldConfig {
    pub defaults: FieldDefaults,
    pub overrides: Vec<Override>,
}

/// `fieldConfig.defaults`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct FieldDefaults {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub color: Option<FieldColor>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub custom: Option<FieldCustom>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub decimals: Option<u8>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub links: Vec<Link>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub mappings: Vec<ValueMapping>,
    #[serde(skip_serializing_if = "Option::is_none", serialize_with = "num::opt")]
    pub max: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none", serialize_with = "num::opt")]
    pub min: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub thresholds: Option<Thresholds>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub unit: Option<Unit>,
}

/// How a field is coloured.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct FieldColor {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub fixed_color: Option<String>,
    pub mode: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub series_by: Option<String>,
}

/// `fieldConfig.defaults.custom`: the per-visualisation field options. A union of the
/// timeseries, bar, table, heatmap and state-timeline field options; each panel builder sets
/// only the ones its visualisation reads.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[serde(default)]
pub struct FieldCustom {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub align: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub axis_label: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub axis_placement: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none", serialize_with = "num::opt")]
    pub axis_soft_max: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none", serialize_with = "num::opt")]
    pub axis_soft_min: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub bar_alignment: Option<i8>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cell_options: Option<CellOptions>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub draw_style: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub fill_opacity: Option<u8>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub filterable: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub gradient_mode: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub line_interpolation: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub line_width: Option<u8>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub point_size: Option<u8>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub show_points: Option<String>,
    #[serde(
        skip_serializing_if = "Option::is_none",
        deserialize_with = "lenient::span_nulls"
    )]
    pub span_nulls: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub stacking: Option<Stacking>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub thresholds_style: Option<ThresholdsStyle>,
}

/// Table cell rendering (`custom.cellOptions`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CellOptions {
    #[serde(rename = "type")]
    pub kind: String,
}

/// Series stacking (`custom.stacking`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Stacking {
    pub group: String,
    pub mode: String,
}

/// How thresholds are drawn on a graph (`custom.thresholdsStyle`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ThresholdsStyle {
    pub mode: String,
}

/// `thresholds`: steps in ascending order, the first with no value (the base).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Thresholds {
    pub mode: Cow<'static, str>,
    pub steps: Vec<ThresholdStep>,
}

/// One threshold step; `value: null` is the base step.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ThresholdStep {
    pub color: Cow<'static, str>,
    #[serde(serialize_with = "num::opt")]
    pub value: Option<f64>,
}

/// A value mapping (`mappings[]`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "lowercase")]
pub enum ValueMapping {
    Value {
        options: std::collections::BTreeMap<String, MappingResult>,
    },
    Range {
        options: RangeMapping,
    },
    Regex {
        options: RegexMapping,
    },
    Special {
        options: SpecialMapping,
    },
}

/// What a mapped value displays as.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MappingResult {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub color: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub index: Option<u32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub text: Option<String>,
}

/// Options of a range mapping.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RangeMapping {
    #[serde(serialize_with = "num::opt")]
    pub from: Option<f64>,
    pub result: MappingResult,
    #[serde(serialize_with = "num::opt")]
    pub to: Option<f64>,
}

/// Options of a regex mapping.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RegexMapping {
    pub pattern: String,
    pub result: MappingResult,
}

/// Options of a special-value mapping (`null`, `nan`, `null+nan`, `true`, `false`, `empty`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SpecialMapping {
    #[serde(rename = "match")]
    pub matches: String,
    pub result: MappingResult,
}

/// An override: a matcher and the properties it sets.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Override {
    pub matcher: Matcher,
    pub properties: Vec<OverrideProperty>,
}

/// Which fields an override applies to (`byName`, `byRegexp`, `byFrameRefID`, `byType`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Matcher {
    pub id: String,
    #[serde(deserialize_with = "lenient::matcher_options")]
    pub options: String,
}

/// One overridden property, such as `unit` or `custom.fillOpacity`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct OverrideProperty {
    pub id: String,
    pub value: serde_json::Value,
}

/// A template variable. The fields are the union over variable types.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[serde(default)]
pub struct Variable {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub all_value: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub auto: Option<bool>,
    #[serde(rename = "auto_count", skip_serializing_if = "Option::is_none")]
    pub auto_count: Option<u32>,
    #[serde(rename = "auto_min", skip_serializing_if = "Option::is_none")]
    pub auto_min: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub current: Option<VariableOption>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub datasource: Option<DataSourceRef>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub definition: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub hide: Option<u8>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub include_all: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub label: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub multi: Option<bool>,
    pub name: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub options: Option<Vec<VariableOption>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    /// The query text; the object form newer Grafana stores (`{"query": "…", "refId": …}`)
    /// reads as its `query`.
    #[serde(deserialize_with = "lenient::query")]
    pub query: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub refresh: Option<u8>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub regex: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub skip_url_sync: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub sort: Option<u8>,
    #[serde(rename = "type")]
    pub kind: VariableKind,
}

/// The type of a template variable.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum VariableKind {
    #[default]
    Query,
    Custom,
    Datasource,
    Interval,
    Constant,
    Textbox,
    Adhoc,
    /// `groupby`
    GroupBy,
    /// `switch`
    Switch,
    /// `system`
    System,
    /// `snapshot`
    Snapshot,
}

/// A selectable value of a variable (`current`, `options[]`). Grafana stores the
/// selection of a multi-value variable as lists; those read joined with `,` (what
/// validate and sync need from them: which values, not their order on the screen).
///
/// ```
/// use dashboard_model::model::VariableOption;
/// let o: VariableOption = serde_json::from_str(r#"{"text": ["a", "b"], "value": ["a", "b"]}"#).unwrap();
/// assert_eq!((o.value.as_str(), o.selected), ("a,b", false));
/// ```
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct VariableOption {
    #[serde(default)]
    pub selected: bool,
    #[serde(default, deserialize_with = "lenient::text")]
    pub text: String,
    #[serde(default, deserialize_with = "lenient::text")]
    pub value: String,
}

/// Typed panel options, one variant per visualisation. Serialised as the inner object.
///
/// Read back by trying each variant in order: every options struct refuses unknown
/// fields and no two have the same required fields, so JSON written from a variant reads
/// back into that variant; anything else (a plugin this crate has no type for, options a
/// newer Grafana extended) is kept as [`PanelOptions::Other`] rather than lost.
///
/// ```
/// use dashboard_model::model::PanelOptions;
/// let o: PanelOptions = serde_json::from_str(r#"{"content": "hi", "mode": "markdown"}"#).unwrap();
/// assert!(matches!(o, PanelOptions::Text(_)));
/// let pie: PanelOptions = serde_json::from_str(r#"{"pieType": "donut"}"#).unwrap();
/// assert!(matches!(pie, PanelOptions::Other(_)));
/// ```
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum PanelOptions {
    Timeseries(crate::options::TimeseriesOptions),
    Stat(crate::options::StatOptions),
    Gauge(crate::options::GaugeOptions),
    BarGauge(crate::options::BarGaugeOptions),
    Table(crate::options::TableOptions),
    Heatmap(crate::options::HeatmapOptions),
    Histogram(crate::options::HistogramOptions),
    StateTimeline(crate::options::StateTimelineOptions),
    BarChart(crate::options::BarChartOptions),
    Text(crate::options::TextOptions),
    Logs(crate::options::LogsOptions),
    /// Options read from JSON that match none of the typed variants, kept verbatim.
    /// Last, so that the typed variants are tried first.
    Other(serde_json::Value),
}

impl DashboardModel {
    /// Every panel in order, rows included, and the panels a collapsed row holds right
    /// after their row: the walk the lint, validate and sync all need. Panels of an
    /// expanded row follow it at the top level already, so they come in place too.
    ///
    /// ```
    /// use dashboard_model::model::{DashboardModel, Panel};
    /// let panel = |kind: &'static str, title: &str| Panel { kind: kind.into(), title: title.into(), ..Panel::default() };
    /// let mut row = panel("row", "Collapsed");
    /// row.collapsed = Some(true);
    /// row.panels = Some(vec![panel("stat", "inside")]);
    /// let d = DashboardModel { panels: vec![panel("timeseries", "top"), row], ..DashboardModel::default() };
    /// let titles: Vec<&str> = d.panels().map(|p| p.title.as_str()).collect();
    /// assert_eq!(titles, ["top", "Collapsed", "inside"]);
    /// ```
    pub fn panels(&self) -> Panels<'_> {
        Panels {
            top: self.panels.iter().enumerate(),
            nested: [].iter().enumerate(),
            row: 0,
        }
    }
}

/// Where a panel sits in the dashboard JSON: its index in `panels`, and for a panel a
/// collapsed row holds, its index in that row's `panels`. Lets a reader that needs every
/// field Grafana stored (sync's diff) find a panel's JSON from the model's walk.
///
/// ```
/// use dashboard_model::model::PanelPath;
/// assert_eq!(PanelPath { top: 3, nested: Some(1) }.pointer(), "/panels/3/panels/1");
/// assert_eq!(PanelPath { top: 0, nested: None }.pointer(), "/panels/0");
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct PanelPath {
    /// Index in the dashboard's `panels`.
    pub top: usize,
    /// Index in the row's `panels`, for a panel inside a collapsed row.
    pub nested: Option<usize>,
}

impl PanelPath {
    /// The JSON pointer (RFC 6901) of the panel, for `serde_json::Value::pointer`.
    pub fn pointer(&self) -> String {
        match self.nested {
            Some(j) => format!("/panels/{}/panels/{j}", self.top),
            None => format!("/panels/{}", self.top),
        }
    }
}

/// The iterator of [`DashboardModel::panels`].
#[derive(Debug, Clone)]
pub struct Panels<'a> {
    top: std::iter::Enumerate<std::slice::Iter<'a, Panel>>,
    nested: std::iter::Enumerate<std::slice::Iter<'a, Panel>>,
    row: usize,
}

impl<'a> Panels<'a> {
    /// The same walk, each panel with its [`PanelPath`].
    ///
    /// ```
    /// use dashboard_model::model::{DashboardModel, Panel, PanelPath};
    /// let mut row = Panel { kind: "row".into(), ..Panel::default() };
    /// row.panels = Some(vec![Panel::default()]);
    /// let d = DashboardModel { panels: vec![Panel::default(), row], ..DashboardModel::default() };
    /// let paths: Vec<PanelPath> = d.panels().with_paths().map(|(path, _)| path).collect();
    /// assert_eq!(paths[2], PanelPath { top: 1, nested: Some(0) });
    /// ```
    pub fn with_paths(self) -> PanelsWithPaths<'a> {
        PanelsWithPaths(self)
    }

    fn step(&mut self) -> Option<(PanelPath, &'a Panel)> {
        if let Some((j, p)) = self.nested.next() {
            let path = PanelPath {
                top: self.row,
                nested: Some(j),
            };
            return Some((path, p));
        }
        let (i, p) = self.top.next()?;
        // Grafana only nests one level: a row's panels are never rows with panels.
        self.row = i;
        self.nested = p.panels.as_deref().unwrap_or_default().iter().enumerate();
        Some((
            PanelPath {
                top: i,
                nested: None,
            },
            p,
        ))
    }
}

impl<'a> Iterator for Panels<'a> {
    type Item = &'a Panel;

    fn next(&mut self) -> Option<&'a Panel> {
        self.step().map(|(_, p)| p)
    }
}

/// The iterator of [`Panels::with_paths`].
#[derive(Debug, Clone)]
pub struct PanelsWithPaths<'a>(Panels<'a>);

impl<'a> Iterator for PanelsWithPaths<'a> {
    type Item = (PanelPath, &'a Panel);

    fn next(&mut self) -> Option<(PanelPath, &'a Panel)> {
        self.0.step()
    }
}

impl Panel {
    /// Whether this is a row header rather than a visualisation.
    ///
    /// ```
    /// use dashboard_model::model::Panel;
    /// assert!(Panel { kind: "row".into(), ..Panel::default() }.is_row());
    /// ```
    pub fn is_row(&self) -> bool {
        self.kind == "row"
    }
}
