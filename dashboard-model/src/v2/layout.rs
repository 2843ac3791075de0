//! Where a v2 dashboard's elements go: a grid, rows of grids, an auto grid, tabs.

use serde::{Deserialize, Serialize};

use super::kind_tag;

kind_tag!(
    /// `kind: "GridLayoutItem"`.
    GridLayoutItemTag = "GridLayoutItem"
);
kind_tag!(
    /// `kind: "AutoGridLayoutItem"`.
    AutoGridLayoutItemTag = "AutoGridLayoutItem"
);
kind_tag!(
    /// `kind: "ElementReference"`.
    ElementReferenceTag = "ElementReference"
);
kind_tag!(
    /// `kind: "RowsLayoutRow"`.
    RowsLayoutRowTag = "RowsLayoutRow"
);
kind_tag!(
    /// `kind: "TabsLayoutTab"`.
    TabsLayoutTabTag = "TabsLayoutTab"
);

/// A layout: the dashboard's, a row's or a tab's.
///
/// ```
/// use dashboard_model::v2::Layout;
/// let l: Layout = serde_json::from_str(r#"{"kind": "RowsLayout", "spec": {"rows": []}}"#).unwrap();
/// assert!(matches!(l, Layout::RowsLayout { .. }));
/// assert_eq!(serde_json::to_string(&Layout::grid(Vec::new())).unwrap(), r#"{"kind":"GridLayout","spec":{"items":[]}}"#);
/// ```
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind")]
pub enum Layout {
    /// Panels at fixed positions on the 24-column grid.
    GridLayout { spec: GridLayoutSpec },
    /// Rows, each with a layout of its own.
    RowsLayout { spec: RowsLayoutSpec },
    /// Panels flowing into columns of a chosen width and height.
    AutoGridLayout { spec: AutoGridLayoutSpec },
    /// Tabs, each with a layout of its own.
    TabsLayout { spec: TabsLayoutSpec },
}

impl Layout {
    /// A grid of these items.
    pub fn grid(items: Vec<GridLayoutItem>) -> Layout {
        Layout::GridLayout {
            spec: GridLayoutSpec { items },
        }
    }
}

/// The items of a grid.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct GridLayoutSpec {
    pub items: Vec<GridLayoutItem>,
}

/// One element on a grid.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct GridLayoutItem {
    pub kind: GridLayoutItemTag,
    pub spec: GridLayoutItemSpec,
}

/// Where an element sits on a grid, and whether it repeats.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct GridLayoutItemSpec {
    pub element: ElementReference,
    pub height: u32,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub repeat: Option<RepeatOptions>,
    pub width: u32,
    pub x: u32,
    pub y: u32,
}

/// The name of an entry of `spec.elements`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ElementReference {
    pub kind: ElementReferenceTag,
    pub name: String,
}

impl ElementReference {
    /// A reference to the element of this name.
    ///
    /// ```
    /// assert_eq!(dashboard_model::v2::ElementReference::to("panel-3").name, "panel-3");
    /// ```
    pub fn to(name: &str) -> ElementReference {
        ElementReference {
            kind: ElementReferenceTag,
            name: name.to_string(),
        }
    }
}

/// A panel repeated for each value of a variable.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct RepeatOptions {
    /// `h` (side by side) or `v` (stacked).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub direction: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub max_per_row: Option<u32>,
    /// Always `variable`.
    pub mode: String,
    /// The variable's name.
    pub value: String,
}

/// A row, tab or auto-grid item repeated for each value of a variable.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RowRepeatOptions {
    /// Always `variable`.
    pub mode: String,
    /// The variable's name.
    pub value: String,
}

/// The rows of a rows layout.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct RowsLayoutSpec {
    pub rows: Vec<RowsLayoutRow>,
}

/// One row.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RowsLayoutRow {
    pub kind: RowsLayoutRowTag,
    pub spec: RowsLayoutRowSpec,
}

/// A row's title, whether it starts collapsed, and what it holds.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct RowsLayoutRowSpec {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub collapse: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub fill_screen: Option<bool>,
    /// A row without a header: what the panels above a v1 dashboard's first row become.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub hide_header: Option<bool>,
    pub layout: Box<Layout>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub repeat: Option<RowRepeatOptions>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub title: Option<String>,
}

/// An auto grid: panels flow into `maxColumnCount` columns.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct AutoGridLayoutSpec {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub column_width: Option<f64>,
    /// `narrow`, `standard`, `wide` or `custom` (then `columnWidth`).
    pub column_width_mode: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub fill_screen: Option<bool>,
    pub items: Vec<AutoGridLayoutItem>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub max_column_count: Option<u32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub row_height: Option<f64>,
    /// `short`, `standard`, `tall` or `custom` (then `rowHeight`).
    pub row_height_mode: String,
}

/// One element of an auto grid.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AutoGridLayoutItem {
    pub kind: AutoGridLayoutItemTag,
    pub spec: AutoGridLayoutItemSpec,
}

/// Which element, and whether it repeats.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AutoGridLayoutItemSpec {
    pub element: ElementReference,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub repeat: Option<RowRepeatOptions>,
}

/// The tabs of a tabs layout.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct TabsLayoutSpec {
    pub tabs: Vec<TabsLayoutTab>,
}

/// One tab.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TabsLayoutTab {
    pub kind: TabsLayoutTabTag,
    pub spec: TabsLayoutTabSpec,
}

/// A tab's title and what it holds.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TabsLayoutTabSpec {
    pub layout: Box<Layout>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub repeat: Option<RowRepeatOptions>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub title: Option<String>,
}
