//! The elements of a v2 dashboard: panels with their queries, transformations and
//! visualisation config.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::kind_tag;
use crate::model::{FieldConfig, PanelOptions};

kind_tag!(
    /// `kind: "QueryGroup"`.
    QueryGroupTag = "QueryGroup"
);
kind_tag!(
    /// `kind: "PanelQuery"`.
    PanelQueryTag = "PanelQuery"
);
kind_tag!(
    /// `kind: "DataQuery"`.
    DataQueryTag = "DataQuery"
);
kind_tag!(
    /// `kind: "VizConfig"`.
    VizConfigTag = "VizConfig"
);

/// An entry of `spec.elements`: a panel, or a reference to a library panel.
///
/// ```
/// use dashboard_model::v2::Element;
/// let e: Element = serde_json::from_str(r#"{"kind": "LibraryPanel",
///   "spec": {"id": 3, "libraryPanel": {"name": "CPU", "uid": "cpu"}, "title": "CPU"}}"#).unwrap();
/// assert!(matches!(e, Element::LibraryPanel { .. }));
/// ```
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind")]
pub enum Element {
    /// Boxed: a panel is large beside a library panel reference.
    Panel {
        spec: Box<PanelSpec>,
    },
    LibraryPanel {
        spec: LibraryPanelSpec,
    },
}

/// A panel (`PanelKind.spec`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PanelSpec {
    pub data: QueryGroup,
    pub description: String,
    /// The v1 panel id, which `viewPanel=` links use.
    pub id: u32,
    pub links: Vec<DataLink>,
    pub title: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub transparent: Option<bool>,
    pub viz_config: VizConfig,
}

/// A library panel placed on the dashboard (`LibraryPanelKind.spec`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct LibraryPanelSpec {
    pub id: u32,
    pub library_panel: LibraryPanelRef,
    pub title: String,
}

/// Which library panel.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LibraryPanelRef {
    pub name: String,
    pub uid: String,
}

/// A panel link (`DataLink`): v2 has no Explore target for panel links.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct DataLink {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub target_blank: Option<bool>,
    pub title: String,
    pub url: String,
}

/// `data`: the panel's queries and what is done with their results.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct QueryGroup {
    pub kind: QueryGroupTag,
    pub spec: QueryGroupSpec,
}

/// The queries, transformations and query options of a panel.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct QueryGroupSpec {
    pub queries: Vec<PanelQuery>,
    pub query_options: QueryOptions,
    pub transformations: Vec<Transformation>,
}

/// One query of a panel (`PanelQueryKind`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PanelQuery {
    pub kind: PanelQueryTag,
    pub spec: PanelQuerySpec,
}

/// A panel query: the query, its `refId`, whether it is hidden.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PanelQuerySpec {
    pub hidden: bool,
    pub query: DataQuery,
    pub ref_id: String,
}

/// A query for one datasource plugin (`DataQueryKind`): `group` is the datasource's plugin
/// type, `datasource.name` its uid (or `${var}` of a datasource variable), `spec` the
/// fields the plugin's query editor stores.
///
/// ```
/// use dashboard_model::v2::DataQuery;
/// let q: DataQuery = serde_json::from_str(r#"{"datasource": {"name": "${prometheus}"},
///   "group": "prometheus", "kind": "DataQuery", "spec": {"expr": "up"}, "version": "v0"}"#).unwrap();
/// assert_eq!((q.group.as_str(), q.spec["expr"].as_str()), ("prometheus", Some("up")));
/// let wrong = serde_json::from_str::<DataQuery>(r#"{"group": "x", "kind": "prometheus", "spec": {}, "version": "v0"}"#);
/// assert!(wrong.unwrap_err().to_string().contains(r#"expected "DataQuery""#));
/// ```
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DataQuery {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub datasource: Option<DatasourceName>,
    pub group: String,
    pub kind: DataQueryTag,
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub labels: BTreeMap<String, String>,
    pub spec: serde_json::Map<String, serde_json::Value>,
    pub version: String,
}

/// A datasource by name (its uid) inside a [`DataQuery`] or an ad hoc or group-by variable.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct DatasourceName {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
}

/// `queryOptions`: the v1 panel's query-level fields.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct QueryOptions {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cache_timeout: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub hide_time_override: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub interval: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub max_data_points: Option<u32>,
    #[serde(rename = "queryCachingTTL", skip_serializing_if = "Option::is_none")]
    pub query_caching_ttl: Option<u64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub time_compare: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub time_from: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub time_shift: Option<String>,
}

/// A transformation. Its shape is the one difference between the versions this crate
/// writes: in `v2beta1` the `kind` is the transformation id and the spec repeats it as
/// `id`; in `v2` the `kind` is `"Transformation"`, the id moved to `group` and the spec has
/// no `id` (grafana/grafana `apps/dashboard/pkg/migration/conversion/v2beta1_to_v2.go`).
///
/// ```
/// use dashboard_model::v2::Transformation;
/// let beta: Transformation = serde_json::from_str(r#"{"kind": "organize", "spec": {"id": "organize", "options": {}}}"#).unwrap();
/// let v2: Transformation = serde_json::from_str(r#"{"group": "organize", "kind": "Transformation", "spec": {"options": {}}}"#).unwrap();
/// assert_eq!(beta.id(), v2.id());
/// ```
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Transformation {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub group: Option<String>,
    pub kind: String,
    pub spec: TransformationSpec,
}

impl Transformation {
    /// The transformation's id, in either version's shape.
    pub fn id(&self) -> &str {
        self.group.as_deref().unwrap_or(&self.kind)
    }
}

/// What a transformation does.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TransformationSpec {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub disabled: Option<bool>,
    /// The transformation id, in `v2beta1` only.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    pub options: serde_json::Value,
}

/// `vizConfig`: which panel plugin, at which version, with which options.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct VizConfig {
    /// The panel plugin id (`timeseries`, `stat`…).
    pub group: String,
    pub kind: VizConfigTag,
    pub spec: VizConfigSpec,
    /// The plugin version the options are written for: when it differs from the version
    /// Grafana runs, Grafana runs the plugin's migration on the options when it loads them.
    pub version: String,
}

/// The panel plugin's options and field config, as in v1.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct VizConfigSpec {
    pub field_config: FieldConfig,
    pub options: PanelOptions,
}
