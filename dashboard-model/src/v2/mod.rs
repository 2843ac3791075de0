//! Schema v2 of Grafana's dashboards: the `dashboard.grafana.app` resource Grafana 12
//! (`v2beta1`) and Grafana 13 (`v2`) store, as plain serde types that write and read back.
//!
//! The shapes follow Grafana's CUE kinds (`apps/dashboard/kinds/v2beta1/dashboard_spec.cue`
//! and `apps/dashboard/kinds/v2/dashboard_spec.cue` in grafana/grafana), checked in the
//! tests against the Foundation SDK's JSON Schemas generated from them. The two versions
//! differ in one shape this crate writes, the transformations (see [`Transformation`]), and
//! in `preferences`, which only `v2` has and which this crate does not write.
//!
//! [`from_v1`] converts a [`DashboardModel`](crate::DashboardModel) into a v2 resource
//! the way Grafana's own converter does.
//!
//! Like the v1 model, every struct declares its fields in the byte order of their JSON
//! names (a `kind` discriminator, which serde writes first, excepted), and maps are
//! `BTreeMap`s, so the output is sorted and byte-stable. What this module writes reads back
//! into the same values and serialises to the same bytes (a property test holds us to it).
//!
//! ```
//! use dashboard_model::{v2, DashboardModel};
//! let v1 = DashboardModel { uid: "demo".into(), title: "Demo".into(), ..DashboardModel::default() };
//! let d = v2::from_v1(&v1, None, &v2::Target::grafana_13()).unwrap();
//! let json = serde_json::to_value(&d).unwrap();
//! assert_eq!(json["apiVersion"], "dashboard.grafana.app/v2");
//! assert_eq!(json["metadata"]["name"], "demo");
//! assert_eq!(json["spec"]["layout"]["kind"], "GridLayout");
//! ```

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

mod from_v1;
mod layout;
mod panel;
mod variable;

#[cfg(test)]
mod tests;

pub use from_v1::{element_name, from_v1, ConvertError, Target, LEGACY_STRING_VALUE_KEY};
pub use layout::{
    AutoGridLayoutItem, AutoGridLayoutItemSpec, AutoGridLayoutSpec, ElementReference,
    GridLayoutItem, GridLayoutItemSpec, GridLayoutSpec, Layout, RepeatOptions, RowRepeatOptions,
    RowsLayoutRow, RowsLayoutRowSpec, RowsLayoutSpec, TabsLayoutSpec, TabsLayoutTab,
    TabsLayoutTabSpec,
};
pub use panel::{
    DataLink, DataQuery, DatasourceName, Element, LibraryPanelRef, LibraryPanelSpec, PanelQuery,
    PanelQuerySpec, PanelSpec, QueryGroup, QueryGroupSpec, QueryOptions, Transformation,
    TransformationSpec, VizConfig, VizConfigSpec,
};
pub use variable::{
    AdhocVariableSpec, ConstantVariableSpec, CustomVariableSpec, DatasourceVariableSpec,
    GroupByVariableSpec, IntervalVariableSpec, OptionText, QueryVariableSpec, SwitchVariableSpec,
    TextVariableSpec, VariableHide, VariableKind, VariableOption, VariableRefresh, VariableSort,
};

/// Defines a unit type that stands for one constant `kind` string: it writes that string
/// and refuses any other on read, with an error that names both.
macro_rules! kind_tag {
    ($(#[$doc:meta])* $name:ident = $lit:literal) => {
        $(#[$doc])*
        #[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash)]
        pub struct $name;

        impl $name {
            /// The string this tag stands for.
            pub const KIND: &'static str = $lit;
        }

        impl serde::Serialize for $name {
            fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                s.serialize_str($lit)
            }
        }

        impl<'de> serde::Deserialize<'de> for $name {
            fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                let got = std::borrow::Cow::<str>::deserialize(d)?;
                if got == $lit {
                    Ok($name)
                } else {
                    Err(serde::de::Error::custom(format!(
                        "kind is {got:?}, expected {:?}",
                        $lit
                    )))
                }
            }
        }
    };
}
pub(crate) use kind_tag;

kind_tag!(
    /// `kind: "Dashboard"` of the resource.
    DashboardTag = "Dashboard"
);
kind_tag!(
    /// `kind: "AnnotationQuery"`.
    AnnotationQueryTag = "AnnotationQuery"
);

/// The resource's `apiVersion`: which schema v2 version, hence which Grafana.
///
/// ```
/// use dashboard_model::v2::ApiVersion;
/// assert_eq!(serde_json::to_value(ApiVersion::V2beta1).unwrap(), "dashboard.grafana.app/v2beta1");
/// assert_eq!(ApiVersion::V2.as_str(), "dashboard.grafana.app/v2");
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum ApiVersion {
    /// Grafana 12's schema v2 (`apps/dashboard/pkg/apis/dashboard/v2beta1`).
    #[serde(rename = "dashboard.grafana.app/v2beta1")]
    V2beta1,
    /// Grafana 13's schema v2, the version it stores dashboards in
    /// (`apps/dashboard/pkg/apis/dashboard/v2`).
    #[serde(rename = "dashboard.grafana.app/v2")]
    V2,
}

impl ApiVersion {
    /// The `apiVersion` string.
    pub fn as_str(self) -> &'static str {
        match self {
            ApiVersion::V2beta1 => "dashboard.grafana.app/v2beta1",
            ApiVersion::V2 => "dashboard.grafana.app/v2",
        }
    }
}

/// The annotation naming a resource's folder by uid (`AnnoKeyFolder` in grafana/grafana
/// `pkg/apimachinery/utils/meta.go`).
pub const FOLDER_ANNOTATION: &str = "grafana.app/folder";

/// A whole dashboard resource of the `dashboard.grafana.app` group.
///
/// ```
/// use dashboard_model::v2::{ApiVersion, Dashboard};
/// let json = r#"{"apiVersion": "dashboard.grafana.app/v2", "kind": "Dashboard",
///   "metadata": {"name": "demo"},
///   "spec": {"annotations": [], "cursorSync": "Off", "elements": {},
///            "layout": {"kind": "GridLayout", "spec": {"items": []}}, "links": [], "preload": false,
///            "tags": [], "timeSettings": {"autoRefresh": "", "autoRefreshIntervals": [],
///            "fiscalYearStartMonth": 0, "from": "now-6h", "hideTimepicker": false, "to": "now"},
///            "title": "Demo", "variables": []}}"#;
/// let d: Dashboard = serde_json::from_str(json).unwrap();
/// assert_eq!((d.api_version, d.metadata.name.as_str()), (ApiVersion::V2, "demo"));
/// ```
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Dashboard {
    pub api_version: ApiVersion,
    pub kind: DashboardTag,
    pub metadata: Metadata,
    pub spec: DashboardSpec,
}

/// The resource's `metadata`: its name is the dashboard's uid.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Metadata {
    /// `grafana.app/...` annotations: [`FOLDER_ANNOTATION`] and the like.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub annotations: BTreeMap<String, String>,
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub labels: BTreeMap<String, String>,
    /// The dashboard's uid.
    pub name: String,
}

/// `spec`: the dashboard itself.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct DashboardSpec {
    pub annotations: Vec<AnnotationQuery>,
    pub cursor_sync: CursorSync,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub editable: Option<bool>,
    /// The panels, by element name (`panel-<id>`); the layout places them by that name.
    pub elements: BTreeMap<String, Element>,
    pub layout: Layout,
    pub links: Vec<DashboardLink>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub live_now: Option<bool>,
    pub preload: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub revision: Option<u16>,
    pub tags: Vec<String>,
    pub time_settings: TimeSettings,
    pub title: String,
    pub variables: Vec<VariableKind>,
}

/// Shared crosshair and tooltip (v1 `graphTooltip` 0, 1, 2).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum CursorSync {
    #[default]
    Off,
    Crosshair,
    Tooltip,
}

/// `timeSettings`: the time picker and refresh picker.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct TimeSettings {
    /// The refresh interval, `""` for none (v1 `refresh`).
    pub auto_refresh: String,
    /// The refresh picker's choices (v1 `timepicker.refresh_intervals`).
    pub auto_refresh_intervals: Vec<String>,
    pub fiscal_year_start_month: u8,
    pub from: String,
    pub hide_timepicker: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub now_delay: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub timezone: Option<String>,
    pub to: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub week_start: Option<String>,
}

/// A dashboard link (top bar).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct DashboardLink {
    pub as_dropdown: bool,
    pub icon: String,
    pub include_vars: bool,
    pub keep_time: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub placement: Option<String>,
    pub tags: Vec<String>,
    pub target_blank: bool,
    pub title: String,
    pub tooltip: String,
    #[serde(rename = "type")]
    pub kind: crate::model::DashboardLinkKind,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub url: Option<String>,
}

/// An annotation query (`AnnotationQueryKind`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AnnotationQuery {
    pub kind: AnnotationQueryTag,
    pub spec: AnnotationQuerySpec,
}

/// What an annotation query shows and from where.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct AnnotationQuerySpec {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub built_in: Option<bool>,
    pub enable: bool,
    pub hide: bool,
    pub icon_color: String,
    /// The v1 fields schema v2 has no place for (a Prometheus annotation's `expr`, `step`,
    /// title and text formats…), kept as Grafana's converter keeps them.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub legacy_options: BTreeMap<String, serde_json::Value>,
    pub name: String,
    pub query: DataQuery,
}
