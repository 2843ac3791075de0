//! A v1 dashboard ([`DashboardModel`]) as a schema v2 resource, converted the way Grafana's
//! own converter does (grafana/grafana
//! `apps/dashboard/pkg/migration/conversion/v1beta1_to_v2alpha1.go`, then
//! `v2alpha1_to_v2beta1.go` and, for Grafana 13, `v2beta1_to_v2.go`), so that a dashboard
//! written here as v2 is the one Grafana would store for the same v1 JSON.
//!
//! Where Grafana's converter guesses (a datasource without a type is looked up by uid in
//! the instance's datasources, a missing one becomes the default datasource, an unknown
//! variable type is dropped), this conversion cannot know the instance and refuses with an
//! error naming the dashboard, the panel, query or variable, and the fix.

use std::collections::{BTreeMap, BTreeSet};
use std::str::FromStr;

use serde_json::{json, Map, Value};

use super::layout::{
    ElementReference, GridLayoutItem, GridLayoutItemSpec, GridLayoutItemTag, Layout, RepeatOptions,
    RowRepeatOptions, RowsLayoutRow, RowsLayoutRowSpec, RowsLayoutRowTag, RowsLayoutSpec,
};
use super::panel::{
    DataLink, DataQuery, DataQueryTag, DatasourceName, Element, PanelQuery, PanelQuerySpec,
    PanelQueryTag, PanelSpec, QueryGroup, QueryGroupSpec, QueryGroupTag, QueryOptions,
    Transformation, TransformationSpec, VizConfig, VizConfigSpec, VizConfigTag,
};
use super::variable::*;
use super::{
    AnnotationQuery, AnnotationQuerySpec, AnnotationQueryTag, ApiVersion, CursorSync, Dashboard,
    DashboardLink, DashboardSpec, DashboardTag, Metadata, TimeSettings, FOLDER_ANNOTATION,
};
use crate::model::{
    Annotation, DashboardModel, DataSourceRef, FieldCustom, Panel, PanelOptions, Target as Query,
    Variable, VariableKind as V1Kind,
};
use crate::Folder;

/// Which Grafana the resource is for: the API version it serves and the version its core
/// panel plugins report.
///
/// A core panel plugin has no version of its own: its `plugin.json` has no `info.version`
/// (grafana/grafana `public/app/plugins/panel/timeseries/plugin.json`), so Grafana uses its
/// build version (`getPluginVersion` in `public/app/features/dashboard/state/PanelModel.ts`),
/// and runs the plugin's migration handler on a panel whose stored version differs from it
/// (`pluginLoaded` in the same file). Writing the exact build version as `vizConfig.version`
/// therefore means no migration on load; a different patch release only re-runs migrations
/// the options already passed.
///
/// ```
/// use dashboard_model::v2::{ApiVersion, Target};
/// let t: Target = "12".parse().unwrap();
/// assert_eq!((t.api_version, t.grafana_version.as_str()), (ApiVersion::V2beta1, Target::GRAFANA_12));
/// let exact: Target = "13.1.0".parse().unwrap();
/// assert_eq!((exact.api_version, exact.grafana_version.as_str()), (ApiVersion::V2, "13.1.0"));
/// assert!("11".parse::<Target>().unwrap_err().contains("Grafana 12"));
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Target {
    /// `dashboard.grafana.app/v2beta1` (Grafana 12) or `/v2` (Grafana 13).
    pub api_version: ApiVersion,
    /// The Grafana build version, which core panels report as their plugin version.
    pub grafana_version: String,
}

impl Target {
    /// The Grafana 12 release `--grafana-version 12` stands for: the release whose kinds the
    /// reference schemas in `shared/reference/grafana` (SOURCES.md) were generated from.
    pub const GRAFANA_12: &'static str = "12.3.3";
    /// The Grafana 13 release `--grafana-version 13` stands for: the release the reference
    /// `dashboardv2` schema was generated from (SOURCES.md).
    pub const GRAFANA_13: &'static str = "13.0.2";

    /// Grafana 12: `v2beta1`, panels at [`Target::GRAFANA_12`].
    pub fn grafana_12() -> Target {
        Target {
            api_version: ApiVersion::V2beta1,
            grafana_version: Self::GRAFANA_12.to_string(),
        }
    }

    /// Grafana 13: `v2`, panels at [`Target::GRAFANA_13`].
    pub fn grafana_13() -> Target {
        Target {
            api_version: ApiVersion::V2,
            grafana_version: Self::GRAFANA_13.to_string(),
        }
    }
}

impl FromStr for Target {
    type Err = String;

    /// `12`, `13`, or an exact release such as `12.4.1` or `13.0.2+security-01`.
    fn from_str(s: &str) -> Result<Target, String> {
        let refuse = || {
            format!(
                "Grafana {s:?}: schema v2 output is for Grafana 12 (dashboard.grafana.app/v2beta1) \
                 and Grafana 13 (dashboard.grafana.app/v2); give 12, 13, or the exact release the \
                 panels are for, such as {} or {}",
                Self::GRAFANA_12,
                Self::GRAFANA_13
            )
        };
        let api = |major: &str| match major {
            "12" => Some(ApiVersion::V2beta1),
            "13" => Some(ApiVersion::V2),
            _ => None,
        };
        match s {
            "12" => return Ok(Target::grafana_12()),
            "13" => return Ok(Target::grafana_13()),
            _ => {}
        }
        // A build version: MAJOR.MINOR.PATCH, then an optional pre-release or build suffix.
        let core = s.split(['-', '+']).next().unwrap_or_default();
        let parts: Vec<&str> = core.split('.').collect();
        let numeric = parts.len() == 3
            && parts
                .iter()
                .all(|p| !p.is_empty() && p.bytes().all(|b| b.is_ascii_digit()));
        let suffix_ok = s[core.len()..]
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"-+.".contains(&b));
        match (numeric && suffix_ok, api(parts[0])) {
            (true, Some(api_version)) => Ok(Target {
                api_version,
                grafana_version: s.to_string(),
            }),
            _ => Err(refuse()),
        }
    }
}

/// A v1 dashboard that cannot be written as schema v2 as it stands.
///
/// ```
/// use dashboard_model::{v2, DashboardModel};
/// let e = v2::from_v1(&DashboardModel::default(), None, &v2::Target::grafana_13()).unwrap_err();
/// assert_eq!(e.place, "the dashboard");
/// assert!(e.to_string().contains("no uid"));
/// ```
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("dashboard {uid} ({title:?}) cannot be written as schema v2: {place}: {problem}. {fix}")]
pub struct ConvertError {
    /// The dashboard's uid, `(no uid)` when it has none.
    pub uid: String,
    /// The dashboard's title.
    pub title: String,
    /// Where: `panel "Heap" (id 7), query A`, `variable $app`, `annotation "Deploys"`…
    pub place: String,
    /// What schema v2 cannot say, or what the conversion cannot know.
    pub problem: String,
    /// What to change.
    pub fix: String,
}

/// The panel plugins Grafana ships in its own build (the directories of grafana/grafana
/// `public/app/plugins/panel/`): their version is Grafana's.
const CORE_PANELS: &[&str] = &[
    "alertlist",
    "annolist",
    "barchart",
    "bargauge",
    "candlestick",
    "canvas",
    "dashlist",
    "datagrid",
    "debug",
    "flamegraph",
    "gauge",
    "geomap",
    "gettingstarted",
    "heatmap",
    "histogram",
    "live",
    "logs",
    "news",
    "nodeGraph",
    "piechart",
    "stat",
    "state-timeline",
    "status-history",
    "table",
    "text",
    "timeseries",
    "traces",
    "trend",
    "welcome",
    "xychart",
];

/// The refresh picker's default choices (`autoRefreshIntervals` default in
/// `apps/dashboard/kinds/v2/dashboard_spec.cue`), which Grafana's converter keeps when the
/// v1 dashboard has no `timepicker.refresh_intervals`, as none built here has.
const REFRESH_INTERVALS: &[&str] = &[
    "5s", "10s", "30s", "1m", "5m", "15m", "30m", "1h", "2h", "1d",
];

/// The key Grafana's converter keeps a v1 variable's string query under inside the v2
/// `DataQuery` spec (`LEGACY_STRING_VALUE_KEY` in `v1beta1_to_v2alpha1.go`).
pub const LEGACY_STRING_VALUE_KEY: &str = "__legacyStringValue";

/// The version of every `DataQuery` Grafana's converter writes (`v2alpha1_to_v2beta1.go`).
const DATA_QUERY_VERSION: &str = "v0";

/// Converts a v1 dashboard into the schema v2 resource Grafana would store for it, in
/// `folder` (its uid becomes the `grafana.app/folder` annotation).
///
/// ```
/// use dashboard_model::model::{DashboardModel, GridPos, Panel};
/// use dashboard_model::{v2, Folder};
/// let panel = Panel { id: 7, kind: "text".into(), title: "Notes".into(),
///     grid_pos: GridPos { h: 4, w: 12, x: 0, y: 0 }, ..Panel::default() };
/// let v1 = DashboardModel { uid: "demo".into(), title: "Demo".into(), panels: vec![panel], ..DashboardModel::default() };
/// let d = v2::from_v1(&v1, Some(&Folder::new("spark", "Spark")), &v2::Target::grafana_12()).unwrap();
/// assert_eq!(d.metadata.annotations["grafana.app/folder"], "spark");
/// let v2::Element::Panel { spec } = &d.spec.elements["panel-7"] else { unreachable!() };
/// assert_eq!((spec.viz_config.group.as_str(), spec.viz_config.version.as_str()), ("text", "12.3.3"));
/// ```
pub fn from_v1(
    d: &DashboardModel,
    folder: Option<&Folder>,
    target: &Target,
) -> Result<Dashboard, ConvertError> {
    let cx = Cx { d, target };
    if d.uid.is_empty() {
        return Err(cx.error(
            "the dashboard",
            "it has no uid, and a v2 resource is named by it (`metadata.name`)",
            "Give the dashboard a uid.",
        ));
    }
    let (elements, layout) = cx.elements_and_layout()?;
    let variables = d
        .templating
        .list
        .iter()
        .map(|v| cx.variable(v))
        .collect::<Result<_, _>>()?;
    let annotations = d
        .annotations
        .list
        .iter()
        .map(|a| cx.annotation(a))
        .collect();
    let links = d.links.iter().map(dashboard_link).collect();

    let mut annotations_meta = BTreeMap::new();
    if let Some(f) = folder {
        annotations_meta.insert(FOLDER_ANNOTATION.to_string(), f.uid.clone());
    }
    let time = d.time.as_ref();
    Ok(Dashboard {
        api_version: target.api_version,
        kind: DashboardTag,
        metadata: Metadata {
            annotations: annotations_meta,
            labels: BTreeMap::new(),
            name: d.uid.clone(),
        },
        spec: DashboardSpec {
            annotations,
            // transformCursorSyncToEnum: 0 (and anything unknown) is Off.
            cursor_sync: match d.graph_tooltip {
                Some(1) => CursorSync::Crosshair,
                Some(2) => CursorSync::Tooltip,
                _ => CursorSync::Off,
            },
            description: d.description.clone().filter(|s| !s.is_empty()),
            // The converter writes the frontend's defaults: editable unless the v1 dashboard
            // says otherwise, liveNow off.
            editable: Some(d.editable.unwrap_or(true)),
            elements,
            layout,
            links,
            live_now: Some(false),
            preload: false,
            revision: None,
            tags: d.tags.clone(),
            time_settings: TimeSettings {
                auto_refresh: d.refresh.clone().unwrap_or_default(),
                auto_refresh_intervals: REFRESH_INTERVALS.iter().map(|s| s.to_string()).collect(),
                fiscal_year_start_month: 0,
                from: time
                    .map(|t| t.from.clone())
                    .filter(|s| !s.is_empty())
                    .unwrap_or_else(|| "now-6h".into()),
                hide_timepicker: false,
                now_delay: None,
                timezone: d.timezone.clone(),
                to: time
                    .map(|t| t.to.clone())
                    .filter(|s| !s.is_empty())
                    .unwrap_or_else(|| "now".into()),
                week_start: None,
            },
            title: d.title.clone(),
            variables,
        },
    })
}

/// The dashboard being converted and what for: the context every error names.
struct Cx<'a> {
    d: &'a DashboardModel,
    target: &'a Target,
}

/// The name `spec.elements` gives a v1 panel (`buildElement` in `v1beta1_to_v2alpha1.go`).
///
/// ```
/// assert_eq!(dashboard_model::v2::element_name(42), "panel-42");
/// ```
pub fn element_name(panel_id: u32) -> String {
    format!("panel-{panel_id}")
}

fn panel_place(p: &Panel) -> String {
    format!("panel {:?} (id {})", p.title, p.id)
}

impl Cx<'_> {
    fn error(
        &self,
        place: impl Into<String>,
        problem: impl Into<String>,
        fix: &str,
    ) -> ConvertError {
        ConvertError {
            uid: if self.d.uid.is_empty() {
                "(no uid)".into()
            } else {
                self.d.uid.clone()
            },
            title: self.d.title.clone(),
            place: place.into(),
            problem: problem.into(),
            fix: fix.to_string(),
        }
    }

    /// `transformPanelsToElementsAndLayout`: a dashboard with no row is one grid; one with
    /// rows is a rows layout whose rows each hold a grid (`convertToRowsLayout`).
    fn elements_and_layout(&self) -> Result<(BTreeMap<String, Element>, Layout), ConvertError> {
        let mut elements = BTreeMap::new();
        let mut seen: BTreeMap<u32, String> = BTreeMap::new();
        let mut add = |p: &Panel| -> Result<String, ConvertError> {
            if let Some(first) = seen.insert(p.id, p.title.clone()) {
                return Err(self.error(
                    panel_place(p),
                    format!(
                        "panel {:?} has the same id, and v2 names each element after its panel's id \
                         ({})",
                        first,
                        element_name(p.id)
                    ),
                    "Give every panel its own id.",
                ));
            }
            let name = element_name(p.id);
            elements.insert(name.clone(), self.element(p)?);
            Ok(name)
        };

        let panels = &self.d.panels;
        if !panels.iter().any(Panel::is_row) {
            let mut items = Vec::with_capacity(panels.len());
            for p in panels {
                let name = add(p)?;
                items.push(grid_item(p, &name, p.grid_pos.y));
            }
            return Ok((elements, Layout::grid(items)));
        }

        let mut rows: Vec<RowsLayoutRowSpec> = Vec::new();
        let mut items: Vec<GridLayoutItem> = Vec::new();
        let mut current: Option<RowsLayoutRowSpec> = None;
        // The y of the current row's header: panel positions become relative to the row.
        // Panels above the first row go into a row without a header that Grafana places
        // just above the grid (y = -1), so that they keep their own y.
        let mut row_y: i64 = -1;
        for p in panels {
            if p.is_row() {
                if let Some(row) = current.take() {
                    rows.push(with_items(row, std::mem::take(&mut items)));
                }
                row_y = i64::from(p.grid_pos.y);
                for inner in p.panels.iter().flatten() {
                    if inner.is_row() {
                        return Err(self.error(
                            panel_place(inner),
                            format!("a row inside row {:?}, which v1 cannot nest", p.title),
                            "Move the row out of the collapsed row.",
                        ));
                    }
                    let name = add(inner)?;
                    items.push(grid_item(inner, &name, self.y_in_row(inner, row_y)?));
                }
                current =
                    Some(RowsLayoutRowSpec {
                        collapse: Some(p.collapsed.unwrap_or(false)),
                        fill_screen: None,
                        hide_header: None,
                        layout: Box::new(Layout::grid(Vec::new())),
                        repeat: p.repeat.as_ref().filter(|r| !r.is_empty()).map(|r| {
                            RowRepeatOptions {
                                mode: "variable".into(),
                                value: r.clone(),
                            }
                        }),
                        title: Some(p.title.clone()),
                    });
            } else {
                let name = add(p)?;
                if current.is_none() {
                    current = Some(RowsLayoutRowSpec {
                        collapse: Some(false),
                        fill_screen: None,
                        hide_header: Some(true),
                        layout: Box::new(Layout::grid(Vec::new())),
                        repeat: None,
                        title: Some(String::new()),
                    });
                }
                items.push(grid_item(p, &name, self.y_in_row(p, row_y)?));
            }
        }
        if let Some(row) = current.take() {
            rows.push(with_items(row, items));
        }
        let rows = rows
            .into_iter()
            .map(|spec| RowsLayoutRow {
                kind: RowsLayoutRowTag,
                spec,
            })
            .collect();
        Ok((
            elements,
            Layout::RowsLayout {
                spec: RowsLayoutSpec { rows },
            },
        ))
    }

    /// A panel's y inside its row's grid: below the row header, which takes one grid unit
    /// (`yOffsetInRows`, `GRID_ROW_HEIGHT = 1`).
    fn y_in_row(&self, p: &Panel, row_y: i64) -> Result<u32, ConvertError> {
        u32::try_from(i64::from(p.grid_pos.y) - row_y - 1).map_err(|_| {
            self.error(
                panel_place(p),
                format!(
                    "it is at y {}, above the header of its row (y {row_y}), so it has no place \
                     inside the row",
                    p.grid_pos.y
                ),
                "Place the panel below its row's header.",
            )
        })
    }

    fn element(&self, p: &Panel) -> Result<Element, ConvertError> {
        let place = panel_place(p);
        if !CORE_PANELS.contains(&p.kind.as_ref()) {
            return Err(self.error(
                place,
                format!(
                    "it is a {:?} panel, not one of the panels Grafana ships, so its plugin version \
                     on Grafana {} is unknown (vizConfig.version)",
                    p.kind, self.target.grafana_version
                ),
                "Use one of Grafana's own panels, or build this dashboard with --schema v1.",
            ));
        }
        let mut links = Vec::with_capacity(p.links.len());
        for l in &p.links {
            if l.internal.is_some() {
                return Err(self.error(
                    format!("{place}, link {:?}", l.title),
                    "it opens a query in Explore, and a v2 panel link (DataLink) has only a title, \
                     a URL and targetBlank",
                    "Make it a data link of the field config (fieldConfig.defaults.links keeps \
                     Explore links), or a URL.",
                ));
            }
            links.push(DataLink {
                target_blank: l.target_blank,
                title: l.title.clone(),
                url: l.url.clone(),
            });
        }
        let mut queries = Vec::with_capacity(p.targets.len());
        let mut taken: BTreeSet<String> = p
            .targets
            .iter()
            .map(|t| t.ref_id.clone())
            .filter(|r| !r.is_empty())
            .collect();
        for t in &p.targets {
            queries.push(self.panel_query(p, t, &mut taken)?);
        }
        let transformations = p
            .transformations
            .iter()
            .map(|t| self.transformation(&t.id, t.options.clone()))
            .collect();

        let mut field_config = p.field_config.clone().unwrap_or_default();
        // extractFieldConfigDefaults: empty defaults get an empty `custom`, as the frontend
        // writes them.
        if field_config.defaults == Default::default() {
            field_config.defaults.custom = Some(FieldCustom::default());
        }
        hide_from_tooltip_too(&mut field_config);

        Ok(Element::Panel {
            spec: Box::new(PanelSpec {
                data: QueryGroup {
                    kind: QueryGroupTag,
                    spec: QueryGroupSpec {
                        queries,
                        query_options: QueryOptions {
                            interval: p.interval.clone().filter(|s| !s.is_empty()),
                            max_data_points: p.max_data_points.filter(|n| *n > 0),
                            ..QueryOptions::default()
                        },
                        transformations,
                    },
                },
                description: p.description.clone().unwrap_or_default(),
                id: p.id,
                links,
                title: p.title.clone(),
                transparent: p.transparent.filter(|t| *t),
                viz_config: VizConfig {
                    group: p.kind.to_string(),
                    kind: VizConfigTag,
                    spec: VizConfigSpec {
                        field_config,
                        options: p
                            .options
                            .clone()
                            .unwrap_or_else(|| PanelOptions::Other(json!({}))),
                    },
                    version: self.target.grafana_version.clone(),
                },
            }),
        })
    }

    /// `transformSingleQuery`: the query's own datasource, else its panel's (unless the
    /// panel is Mixed), moved into the `DataQuery` with the plugin type as its `group`.
    fn panel_query(
        &self,
        p: &Panel,
        t: &Query,
        taken: &mut BTreeSet<String>,
    ) -> Result<PanelQuery, ConvertError> {
        let ref_id = if t.ref_id.is_empty() {
            let next = next_ref_id(taken);
            taken.insert(next.clone());
            next
        } else {
            t.ref_id.clone()
        };
        let place = format!("{}, query {ref_id}", panel_place(p));
        let own = t
            .datasource
            .as_ref()
            .filter(|ds| !(ds.uid.is_empty() && ds.kind.is_empty()));
        let inherited = p
            .datasource
            .as_ref()
            .filter(|ds| ds.uid != "-- Mixed --" && !(ds.uid.is_empty() && ds.kind.is_empty()));
        let Some(ds) = own.or(inherited) else {
            return Err(self.error(
                place,
                "neither the query nor its panel names a datasource; Grafana would pick the \
                 instance's default datasource, which the build cannot know",
                "Give the query or its panel a datasource.",
            ));
        };
        let mut spec = match serde_json::to_value(t) {
            Ok(Value::Object(m)) => m,
            _ => Map::new(),
        };
        spec.remove("refId");
        spec.remove("datasource");
        spec.remove("hide");
        Ok(PanelQuery {
            kind: PanelQueryTag,
            spec: PanelQuerySpec {
                hidden: false,
                query: self.data_query(&place, ds, spec)?,
                ref_id,
            },
        })
    }

    /// A `DataQuery` for the datasource `ds`: its type is the `group`, its uid the
    /// `datasource.name` (`convertDataQuery_V2alpha1_to_V2beta1`).
    fn data_query(
        &self,
        place: &str,
        ds: &DataSourceRef,
        spec: Map<String, Value>,
    ) -> Result<DataQuery, ConvertError> {
        let (group, uid) = self.datasource(place, ds)?;
        Ok(DataQuery {
            datasource: (!uid.is_empty()).then_some(DatasourceName { name: Some(uid) }),
            group,
            kind: DataQueryTag,
            labels: BTreeMap::new(),
            spec,
            version: DATA_QUERY_VERSION.into(),
        })
    }

    /// A datasource's (type, uid). Grafana resolves a missing type through the instance's
    /// datasources (not for `${var}` uids, whose type stays empty); the build cannot.
    fn datasource(
        &self,
        place: &str,
        ds: &DataSourceRef,
    ) -> Result<(String, String), ConvertError> {
        if ds.kind.is_empty() {
            return Err(self.error(
                place,
                format!(
                    "its datasource {:?} has no type, and v2 names the query's plugin by type \
                     (DataQuery.group)",
                    ds.uid
                ),
                "Give the datasource its type (\"prometheus\", \"tempo\"…), as the DSL's typed \
                 datasources do.",
            ));
        }
        // resolveGrafanaDatasourceUID: the built-in Grafana datasource has the uid "grafana".
        let uid = if ds.kind == "datasource" && ds.uid.is_empty() {
            "grafana".to_string()
        } else {
            ds.uid.clone()
        };
        Ok((ds.kind.to_string(), uid))
    }

    /// A transformation in the target version's shape (see [`Transformation`]).
    fn transformation(&self, id: &str, options: Value) -> Transformation {
        if id == "formatTime" {
            // Schema version 43 (`apps/dashboard/pkg/migration/schemaversion/v43.go`), which
            // Grafana applies before converting: formatTime became convertFieldType.
            return self.transformation("convertFieldType", format_time_as_conversion(&options));
        }
        let id = id.to_string();
        match self.target.api_version {
            ApiVersion::V2 => Transformation {
                group: Some(id),
                kind: "Transformation".into(),
                spec: TransformationSpec {
                    disabled: None,
                    id: None,
                    options,
                },
            },
            ApiVersion::V2beta1 => Transformation {
                group: None,
                kind: id.clone(),
                spec: TransformationSpec {
                    disabled: None,
                    id: Some(id),
                    options,
                },
            },
        }
    }

    /// `transformVariables`: one v2 kind per v1 variable type.
    fn variable(&self, v: &Variable) -> Result<VariableKind, ConvertError> {
        let place = format!("variable ${}", v.name);
        let name = v.name.clone();
        let label = v.label.clone().filter(|s| !s.is_empty());
        let description = v.description.clone().filter(|s| !s.is_empty());
        let hide = match v.hide {
            Some(1) => VariableHide::HideLabel,
            Some(2) => VariableHide::HideVariable,
            _ => VariableHide::DontHide,
        };
        let skip_url_sync = v.skip_url_sync.unwrap_or(false);
        let current = current(v);
        let options = options(v);
        let multi = v.multi.unwrap_or(false);
        let include_all = v.include_all.unwrap_or(false);
        let all_value = v.all_value.clone().filter(|s| !s.is_empty());
        let query = v.query.clone().unwrap_or_default();
        let needs_datasource = |what: &str| {
            self.error(
                place.clone(),
                format!(
                    "it has no datasource; Grafana would use the instance's default datasource for \
                     its {what}, which the build cannot know"
                ),
                "Give the variable a datasource.",
            )
        };
        Ok(match v.kind {
            V1Kind::Query => {
                let ds = v
                    .datasource
                    .as_ref()
                    .ok_or_else(|| needs_datasource("query"))?;
                let mut spec = Map::new();
                if !query.is_empty() {
                    spec.insert(LEGACY_STRING_VALUE_KEY.into(), Value::String(query));
                }
                VariableKind::QueryVariable {
                    spec: QueryVariableSpec {
                        all_value,
                        // The v1 model has no allowCustomValue; Grafana's default is true.
                        allow_custom_value: true,
                        current,
                        definition: v.definition.clone(),
                        description,
                        hide,
                        include_all,
                        label,
                        multi,
                        name,
                        options,
                        query: self.data_query(&place, ds, spec)?,
                        refresh: refresh(v.refresh),
                        regex: v.regex.clone().unwrap_or_default(),
                        skip_url_sync,
                        sort: sort(v.sort),
                    },
                }
            }
            V1Kind::Datasource => {
                if query.is_empty() {
                    return Err(self.error(
                        place.clone(),
                        "it names no datasource type (v1 `query`, v2 `pluginId`); Grafana would \
                         offer the default datasource's type, which the build cannot know",
                        "Set the variable's query to the datasource type it offers, such as \
                         \"prometheus\".",
                    ));
                }
                VariableKind::DatasourceVariable {
                    spec: DatasourceVariableSpec {
                        all_value,
                        allow_custom_value: true,
                        current,
                        description,
                        hide,
                        include_all,
                        label,
                        multi,
                        name,
                        options,
                        plugin_id: query,
                        refresh: refresh(v.refresh),
                        regex: v.regex.clone().unwrap_or_default(),
                        skip_url_sync,
                    },
                }
            }
            V1Kind::Custom => VariableKind::CustomVariable {
                spec: CustomVariableSpec {
                    all_value,
                    allow_custom_value: true,
                    current,
                    description,
                    hide,
                    include_all,
                    label,
                    multi,
                    name,
                    options,
                    query,
                    skip_url_sync,
                },
            },
            V1Kind::Constant => VariableKind::ConstantVariable {
                spec: ConstantVariableSpec {
                    // buildConstantVariable: without a stored value, the query is the value.
                    current: match &v.current {
                        Some(_) => current,
                        None => VariableOption {
                            selected: None,
                            text: OptionText::One(query.clone()),
                            value: OptionText::One(query.clone()),
                        },
                    },
                    description,
                    hide,
                    label,
                    name,
                    query,
                    skip_url_sync,
                },
            },
            V1Kind::Interval => VariableKind::IntervalVariable {
                spec: IntervalVariableSpec {
                    auto: v.auto.unwrap_or(false),
                    auto_count: v.auto_count.unwrap_or(0),
                    auto_min: v.auto_min.clone().unwrap_or_default(),
                    current,
                    description,
                    hide,
                    label,
                    name,
                    // buildIntervalVariable: without a query, the options' values are it.
                    query: if query.is_empty() {
                        v.options
                            .iter()
                            .flatten()
                            .map(|o| {
                                if o.value.is_empty() {
                                    &o.text
                                } else {
                                    &o.value
                                }
                            })
                            .filter(|s| !s.is_empty())
                            .cloned()
                            .collect::<Vec<_>>()
                            .join(",")
                    } else {
                        query
                    },
                    options,
                    refresh: VariableRefresh::OnTimeRangeChanged,
                    skip_url_sync,
                },
            },
            V1Kind::Textbox => VariableKind::TextVariable {
                spec: TextVariableSpec {
                    current,
                    description,
                    hide,
                    label,
                    name,
                    query,
                    skip_url_sync,
                },
            },
            V1Kind::Adhoc | V1Kind::GroupBy => {
                let what = if v.kind == V1Kind::Adhoc {
                    "filter keys"
                } else {
                    "labels"
                };
                let ds = v
                    .datasource
                    .as_ref()
                    .ok_or_else(|| needs_datasource(what))?;
                let (group, uid) = self.datasource(&place, ds)?;
                // convertVariable_V2alpha1_to_V2beta1 always writes the datasource object.
                let datasource = Some(DatasourceName {
                    name: (!uid.is_empty()).then_some(uid),
                });
                if v.kind == V1Kind::Adhoc {
                    VariableKind::AdhocVariable {
                        datasource,
                        group,
                        spec: AdhocVariableSpec {
                            allow_custom_value: true,
                            base_filters: Vec::new(),
                            default_keys: Vec::new(),
                            description,
                            filters: Vec::new(),
                            hide,
                            label,
                            name,
                            skip_url_sync,
                        },
                    }
                } else {
                    VariableKind::GroupByVariable {
                        datasource,
                        group,
                        spec: GroupByVariableSpec {
                            current,
                            description,
                            hide,
                            label,
                            multi,
                            name,
                            options,
                            skip_url_sync,
                        },
                    }
                }
            }
            V1Kind::Switch => {
                // buildSwitchVariable: the first option is on, the second off.
                let value_of = |i: usize| {
                    v.options
                        .as_ref()
                        .and_then(|o| o.get(i))
                        .map(|o| {
                            if o.value.is_empty() {
                                &o.text
                            } else {
                                &o.value
                            }
                        })
                        .filter(|s| !s.is_empty())
                        .cloned()
                };
                let enabled_value = value_of(0).unwrap_or_else(|| "true".into());
                let disabled_value = value_of(1).unwrap_or_else(|| "false".into());
                let on = v
                    .current
                    .as_ref()
                    .map(|c| {
                        if c.value.is_empty() {
                            &c.text
                        } else {
                            &c.value
                        }
                    })
                    .filter(|s| !s.is_empty())
                    .cloned();
                VariableKind::SwitchVariable {
                    spec: SwitchVariableSpec {
                        current: on.unwrap_or_else(|| disabled_value.clone()),
                        description,
                        disabled_value,
                        enabled_value,
                        hide,
                        label,
                        name,
                        skip_url_sync,
                    },
                }
            }
            V1Kind::System | V1Kind::Snapshot => {
                return Err(self.error(
                    place.clone(),
                    format!(
                        "it is a {:?} variable, which schema v2 has no kind for (Grafana's \
                         converter drops it)",
                        serde_json::to_value(v.kind)
                            .ok()
                            .and_then(|k| k.as_str().map(str::to_string))
                            .unwrap_or_default()
                    ),
                    "Remove the variable, or build this dashboard with --schema v1.",
                ))
            }
        })
    }

    /// `buildAnnotationQuery`: the datasource moves into the query, the fields v2 has no
    /// place for into `legacyOptions`.
    fn annotation(&self, a: &Annotation) -> AnnotationQuery {
        let ds = &a.datasource;
        let mut legacy = BTreeMap::new();
        let mut keep = |k: &str, v: &Option<String>| {
            if let Some(v) = v {
                legacy.insert(k.to_string(), Value::String(v.clone()));
            }
        };
        keep("expr", &a.expr);
        keep("step", &a.step);
        keep("tagKeys", &a.tag_keys);
        keep("textFormat", &a.text_format);
        keep("titleFormat", &a.title_format);
        AnnotationQuery {
            kind: AnnotationQueryTag,
            spec: AnnotationQuerySpec {
                built_in: None,
                enable: a.enable,
                hide: a.hide.unwrap_or(false),
                icon_color: a.icon_color.clone(),
                legacy_options: legacy,
                name: a.name.clone(),
                query: DataQuery {
                    // Only a datasource with both a uid and a type is kept; one without a
                    // type is resolved by Grafana at run time.
                    datasource: (!ds.uid.is_empty() && !ds.kind.is_empty()).then(|| {
                        DatasourceName {
                            name: Some(ds.uid.clone()),
                        }
                    }),
                    group: ds.kind.to_string(),
                    kind: DataQueryTag,
                    labels: BTreeMap::new(),
                    spec: Map::new(),
                    version: DATA_QUERY_VERSION.into(),
                },
            },
        }
    }
}

fn with_items(mut row: RowsLayoutRowSpec, items: Vec<GridLayoutItem>) -> RowsLayoutRowSpec {
    row.layout = Box::new(Layout::grid(items));
    row
}

/// `buildGridItemKind`: the panel's grid position (y as given) and its repeat.
fn grid_item(p: &Panel, name: &str, y: u32) -> GridLayoutItem {
    GridLayoutItem {
        kind: GridLayoutItemTag,
        spec: GridLayoutItemSpec {
            element: ElementReference::to(name),
            height: p.grid_pos.h,
            repeat: p
                .repeat
                .as_ref()
                .filter(|r| !r.is_empty())
                .map(|r| RepeatOptions {
                    // Only h and v are directions; anything else is left out.
                    direction: p.repeat_direction.clone().filter(|d| d == "h" || d == "v"),
                    max_per_row: None,
                    mode: "variable".into(),
                    value: r.clone(),
                }),
            width: p.grid_pos.w,
            x: p.grid_pos.x,
            y,
        },
    }
}

/// `transformLinks`.
fn dashboard_link(l: &crate::model::DashboardLink) -> DashboardLink {
    DashboardLink {
        as_dropdown: l.as_dropdown,
        icon: l.icon.clone().unwrap_or_default(),
        include_vars: l.include_vars,
        keep_time: l.keep_time,
        placement: None,
        tags: l.tags.clone(),
        target_blank: l.target_blank,
        title: l.title.clone(),
        tooltip: l.tooltip.clone().unwrap_or_default(),
        kind: l.kind,
        url: l.url.clone(),
    }
}

/// `buildVariableCurrent`: text and value only, empty when unset.
fn current(v: &Variable) -> VariableOption {
    match &v.current {
        Some(c) => VariableOption {
            selected: None,
            text: OptionText::One(c.text.clone()),
            value: OptionText::One(c.value.clone()),
        },
        None => VariableOption::default(),
    }
}

/// `buildVariableOptions`: every option keeps whether it is selected.
fn options(v: &Variable) -> Vec<VariableOption> {
    v.options
        .iter()
        .flatten()
        .map(|o| VariableOption {
            selected: Some(o.selected),
            text: OptionText::One(o.text.clone()),
            value: OptionText::One(o.value.clone()),
        })
        .collect()
}

/// `transformVariableRefreshToEnum`.
fn refresh(r: Option<u8>) -> VariableRefresh {
    match r {
        Some(1) => VariableRefresh::OnDashboardLoad,
        Some(2) => VariableRefresh::OnTimeRangeChanged,
        _ => VariableRefresh::Never,
    }
}

/// The v1 sort numbers, in the order of the `VariableSort` enum of the v1 dashboard kind
/// (grafana/grafana `packages/grafana-schema`: 5 to 8 are the case-insensitive and
/// natural sorts). Grafana's backend converter (`transformVariableSortToEnum`) maps only
/// the numbers 0 to 4 and turns 5 to 8 into `disabled`, which would change how the
/// variable sorts; its string branch and the v2 enum have all nine, so all nine map here.
fn sort(s: Option<u8>) -> VariableSort {
    match s {
        Some(1) => VariableSort::AlphabeticalAsc,
        Some(2) => VariableSort::AlphabeticalDesc,
        Some(3) => VariableSort::NumericalAsc,
        Some(4) => VariableSort::NumericalDesc,
        Some(5) => VariableSort::AlphabeticalCaseInsensitiveAsc,
        Some(6) => VariableSort::AlphabeticalCaseInsensitiveDesc,
        Some(7) => VariableSort::NaturalAsc,
        Some(8) => VariableSort::NaturalDesc,
        _ => VariableSort::Disabled,
    }
}

/// `nextAvailableRefId`: A to Z, then AA, AB…
fn next_ref_id(taken: &BTreeSet<String>) -> String {
    fn name(n: usize) -> String {
        let letter = char::from(b'A' + (n % 26) as u8);
        if n < 26 {
            letter.to_string()
        } else {
            format!("{}{letter}", name(n / 26 - 1))
        }
    }
    (0..)
        .map(name)
        .find(|r| !taken.contains(r))
        .expect("the ref ids are unbounded")
}

/// Schema version 42 (`apps/dashboard/pkg/migration/schemaversion/v42.go`), which Grafana
/// applies before converting a v1 dashboard below it: a field hidden from the
/// visualisation is hidden from the tooltip too.
fn hide_from_tooltip_too(fc: &mut crate::model::FieldConfig) {
    for o in &mut fc.overrides {
        for prop in &mut o.properties {
            if prop.id != "custom.hideFrom" {
                continue;
            }
            if let Value::Object(m) = &mut prop.value {
                if m.get("viz") == Some(&Value::Bool(true)) {
                    m.insert("tooltip".into(), Value::Bool(true));
                }
            }
        }
    }
}

/// A formatTime transformation's options as convertFieldType's (`v43.go`).
fn format_time_as_conversion(options: &Value) -> Value {
    let mut conversion = Map::new();
    conversion.insert("destinationType".into(), json!("string"));
    for (from, to) in [
        ("timeField", "targetField"),
        ("outputFormat", "dateFormat"),
        ("timezone", "timezone"),
    ] {
        if let Some(s) = options
            .get(from)
            .and_then(Value::as_str)
            .filter(|s| !s.is_empty())
        {
            conversion.insert(to.into(), json!(s));
        }
    }
    json!({ "conversions": [conversion] })
}
