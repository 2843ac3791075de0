//! Template variables of a v2 dashboard: one kind per variable type, each with only the
//! fields that type has.

use serde::{Deserialize, Serialize};

use super::panel::{DataQuery, DatasourceName};

/// A variable, by kind.
///
/// ```
/// use dashboard_model::v2::VariableKind;
/// let v: VariableKind = serde_json::from_str(r#"{"kind": "TextVariable", "spec": {"current": {"text": "", "value": ""},
///   "hide": "dontHide", "name": "filter", "query": "", "skipUrlSync": false}}"#).unwrap();
/// assert_eq!(v.name(), "filter");
/// ```
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind")]
pub enum VariableKind {
    QueryVariable {
        spec: QueryVariableSpec,
    },
    TextVariable {
        spec: TextVariableSpec,
    },
    ConstantVariable {
        spec: ConstantVariableSpec,
    },
    DatasourceVariable {
        spec: DatasourceVariableSpec,
    },
    IntervalVariable {
        spec: IntervalVariableSpec,
    },
    CustomVariable {
        spec: CustomVariableSpec,
    },
    GroupByVariable {
        #[serde(skip_serializing_if = "Option::is_none")]
        datasource: Option<DatasourceName>,
        /// The datasource's plugin type.
        group: String,
        spec: GroupByVariableSpec,
    },
    AdhocVariable {
        #[serde(skip_serializing_if = "Option::is_none")]
        datasource: Option<DatasourceName>,
        /// The datasource's plugin type.
        group: String,
        spec: AdhocVariableSpec,
    },
    SwitchVariable {
        spec: SwitchVariableSpec,
    },
}

impl VariableKind {
    /// The variable's name, what `$name` refers to.
    pub fn name(&self) -> &str {
        match self {
            VariableKind::QueryVariable { spec } => &spec.name,
            VariableKind::TextVariable { spec } => &spec.name,
            VariableKind::ConstantVariable { spec } => &spec.name,
            VariableKind::DatasourceVariable { spec } => &spec.name,
            VariableKind::IntervalVariable { spec } => &spec.name,
            VariableKind::CustomVariable { spec } => &spec.name,
            VariableKind::GroupByVariable { spec, .. } => &spec.name,
            VariableKind::AdhocVariable { spec, .. } => &spec.name,
            VariableKind::SwitchVariable { spec } => &spec.name,
        }
    }
}

/// Whether the variable's picker shows (v1 `hide` 0, 1, 2).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum VariableHide {
    #[default]
    DontHide,
    HideLabel,
    HideVariable,
    InControlsMenu,
}

/// When a query or datasource variable reloads its values (v1 `refresh` 0, 1, 2).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum VariableRefresh {
    #[default]
    Never,
    OnDashboardLoad,
    OnTimeRangeChanged,
}

/// How a query variable sorts its values (v1 `sort` 0 to 8).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum VariableSort {
    #[default]
    Disabled,
    AlphabeticalAsc,
    AlphabeticalDesc,
    NumericalAsc,
    NumericalDesc,
    AlphabeticalCaseInsensitiveAsc,
    AlphabeticalCaseInsensitiveDesc,
    NaturalAsc,
    NaturalDesc,
}

/// A variable's value or one of its choices.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct VariableOption {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub selected: Option<bool>,
    pub text: OptionText,
    pub value: OptionText,
}

/// The text or value of an option: one string, or a list for a multi-value selection.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum OptionText {
    One(String),
    Many(Vec<String>),
}

impl Default for OptionText {
    fn default() -> Self {
        OptionText::One(String::new())
    }
}

/// A variable whose values come from a datasource query.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct QueryVariableSpec {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub all_value: Option<String>,
    pub allow_custom_value: bool,
    pub current: VariableOption,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub definition: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    pub hide: VariableHide,
    pub include_all: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub label: Option<String>,
    pub multi: bool,
    pub name: String,
    pub options: Vec<VariableOption>,
    /// The query, for the datasource it names.
    pub query: DataQuery,
    pub refresh: VariableRefresh,
    pub regex: String,
    pub skip_url_sync: bool,
    pub sort: VariableSort,
}

/// A free-text variable.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct TextVariableSpec {
    pub current: VariableOption,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    pub hide: VariableHide,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub label: Option<String>,
    pub name: String,
    pub query: String,
    pub skip_url_sync: bool,
}

/// A hidden constant: the same fields as a text variable (`ConstantVariableSpec` and
/// `TextVariableSpec` of the v2 kinds), its value in `query`.
pub type ConstantVariableSpec = TextVariableSpec;

/// A choice among the datasources of one plugin type.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct DatasourceVariableSpec {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub all_value: Option<String>,
    pub allow_custom_value: bool,
    pub current: VariableOption,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    pub hide: VariableHide,
    pub include_all: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub label: Option<String>,
    pub multi: bool,
    pub name: String,
    pub options: Vec<VariableOption>,
    /// The datasource plugin type offered (v1 `query`).
    pub plugin_id: String,
    pub refresh: VariableRefresh,
    pub regex: String,
    pub skip_url_sync: bool,
}

/// A choice of intervals, optionally with `auto`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct IntervalVariableSpec {
    pub auto: bool,
    #[serde(rename = "auto_count")]
    pub auto_count: u32,
    #[serde(rename = "auto_min")]
    pub auto_min: String,
    pub current: VariableOption,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    pub hide: VariableHide,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub label: Option<String>,
    pub name: String,
    pub options: Vec<VariableOption>,
    /// The intervals, comma-separated.
    pub query: String,
    /// Always `onTimeRangeChanged`.
    pub refresh: VariableRefresh,
    pub skip_url_sync: bool,
}

/// A fixed list of values.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CustomVariableSpec {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub all_value: Option<String>,
    pub allow_custom_value: bool,
    pub current: VariableOption,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    pub hide: VariableHide,
    pub include_all: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub label: Option<String>,
    pub multi: bool,
    pub name: String,
    pub options: Vec<VariableOption>,
    /// The values, comma-separated.
    pub query: String,
    pub skip_url_sync: bool,
}

/// A choice of the labels to group by, from a datasource.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct GroupByVariableSpec {
    pub current: VariableOption,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    pub hide: VariableHide,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub label: Option<String>,
    pub multi: bool,
    pub name: String,
    pub options: Vec<VariableOption>,
    pub skip_url_sync: bool,
}

/// Ad hoc filters, applied to every query of the datasource.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct AdhocVariableSpec {
    pub allow_custom_value: bool,
    /// Filters always applied (`AdHocFilterWithLabels`), kept as stored.
    pub base_filters: Vec<serde_json::Value>,
    /// Keys offered before the datasource is asked (`MetricFindValue`), kept as stored.
    pub default_keys: Vec<serde_json::Value>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// The filters set (`AdHocFilterWithLabels`), kept as stored.
    pub filters: Vec<serde_json::Value>,
    pub hide: VariableHide,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub label: Option<String>,
    pub name: String,
    pub skip_url_sync: bool,
}

/// An on/off switch between two values.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SwitchVariableSpec {
    pub current: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    pub disabled_value: String,
    pub enabled_value: String,
    pub hide: VariableHide,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub label: Option<String>,
    pub name: String,
    pub skip_url_sync: bool,
}
