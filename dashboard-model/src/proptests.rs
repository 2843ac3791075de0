//! Random dashboards serialise, read back equal, and serialise to the same bytes: the
//! property validate and sync rely on when they read JSON through the model.

use std::borrow::Cow;

use proptest::collection::{btree_map, vec};
use proptest::option::of;
use proptest::prelude::*;
use serde_json::json;

use crate::model::*;
use crate::options::*;
use crate::Unit;

/// Text with what JSON must escape (quotes, backslashes, control characters) and
/// non-ASCII, so the round trip covers string escaping too.
fn text() -> impl Strategy<Value = String> {
    "[a-zA-Z0-9 _${}()\\[\\]=~\"\\\\\n\té.:-]{0,16}"
}

fn cow() -> impl Strategy<Value = Cow<'static, str>> {
    prop_oneof![
        Just(Cow::Borrowed("prometheus")),
        text().prop_map(Cow::Owned)
    ]
}

/// Numbers as dashboards hold them: whole numbers (written without a fraction) and
/// decimals. Limited to values serde_json's default float parser reads back exactly;
/// arbitrary `f64`s would need its `float_roundtrip` feature, which the model does not
/// need for what Grafana stores.
fn number() -> impl Strategy<Value = f64> {
    prop_oneof![
        (-1_000_000i64..1_000_000).prop_map(|n| n as f64),
        (-1_000_000i64..1_000_000).prop_map(|n| n as f64 / 1000.0),
    ]
}

/// Listed units, every custom form, and ids Grafana does not know: all read back as
/// written.
fn unit() -> impl Strategy<Value = Unit> {
    let listed = prop::sample::select(vec![
        Unit::Seconds,
        Unit::Milliseconds,
        Unit::BytesIEC,
        Unit::PercentUnit,
        Unit::Short,
        Unit::NoUnit,
        Unit::Bool,
    ]);
    prop_oneof![
        listed,
        text().prop_map(|t| Unit::suffix(&t)),
        text().prop_map(|t| Unit::prefix(&t)),
        text().prop_map(|t| Unit::si(&t)),
        text().prop_map(|t| Unit::count(&t)),
        text().prop_map(|t| Unit::currency(&t)),
        text().prop_map(|t| Unit::time(&t)),
        ("[a-zA-Z ]{0,8}", text()).prop_map(|(t, f)| Unit::bool(&t, &f).expect("no `/`")),
        text().prop_map(|id| Unit::from_id(&id)),
    ]
}

fn datasource() -> impl Strategy<Value = DataSourceRef> {
    (cow(), text()).prop_map(|(kind, uid)| DataSourceRef { kind, uid })
}

/// Free-form JSON (override values, transformation options), nested a little.
fn value() -> impl Strategy<Value = serde_json::Value> {
    let leaf = prop_oneof![
        Just(serde_json::Value::Null),
        any::<bool>().prop_map(serde_json::Value::from),
        any::<i32>().prop_map(serde_json::Value::from),
        number().prop_map(serde_json::Value::from),
        text().prop_map(serde_json::Value::from),
    ];
    leaf.prop_recursive(2, 8, 4, |inner| {
        prop_oneof![
            vec(inner.clone(), 0..3).prop_map(serde_json::Value::from),
            btree_map("[a-z]{1,6}", inner, 0..3)
                .prop_map(|m| serde_json::Value::Object(m.into_iter().collect())),
        ]
    })
}

fn target() -> impl Strategy<Value = Target> {
    (
        (of(datasource()), of(cow()), of(any::<bool>()), of(text())),
        (of(text()), of(any::<bool>()), of(text()), of(text())),
        (
            of(any::<u32>()),
            of(text()),
            of(any::<bool>()),
            "[A-Z]{1,2}",
        ),
        (of(text()), of(any::<u32>()), of(text())),
    )
        .prop_map(
            |(
                (datasource, editor_mode, exemplar, expr),
                (format, instant, interval, legend_format),
                (limit, query, range, ref_id),
                (query_type, spss, table_type),
            )| Target {
                datasource,
                editor_mode,
                exemplar,
                expr,
                format,
                instant,
                interval,
                legend_format,
                limit,
                query,
                query_type,
                range,
                ref_id,
                spss,
                table_type,
                ..Target::default()
            },
        )
}

fn result() -> impl Strategy<Value = MappingResult> {
    (of(text()), of(any::<u32>()), of(text())).prop_map(|(color, index, text)| MappingResult {
        color,
        index,
        text,
    })
}

fn mapping() -> impl Strategy<Value = ValueMapping> {
    prop_oneof![
        btree_map(text(), result(), 0..3).prop_map(|options| ValueMapping::Value { options }),
        (of(number()), result(), of(number())).prop_map(|(from, result, to)| {
            ValueMapping::Range {
                options: RangeMapping { from, result, to },
            }
        }),
        (text(), result()).prop_map(|(pattern, result)| ValueMapping::Regex {
            options: RegexMapping { pattern, result },
        }),
        (text(), result()).prop_map(|(matches, result)| ValueMapping::Special {
            options: SpecialMapping { matches, result },
        }),
    ]
}

fn thresholds() -> impl Strategy<Value = Thresholds> {
    (cow(), vec((cow(), of(number())), 1..4)).prop_map(|(mode, steps)| Thresholds {
        mode,
        steps: steps
            .into_iter()
            .map(|(color, value)| ThresholdStep { color, value })
            .collect(),
    })
}

fn field_config() -> impl Strategy<Value = FieldConfig> {
    let custom = (of(text()), of(number()), of(any::<u8>()), of(any::<bool>())).prop_map(
        |(draw_style, axis_soft_min, fill_opacity, span_nulls)| FieldCustom {
            draw_style,
            axis_soft_min,
            fill_opacity,
            span_nulls,
            stacking: Some(Stacking {
                group: "A".into(),
                mode: "normal".into(),
            }),
            ..FieldCustom::default()
        },
    );
    let defaults = (
        (of(custom), of(any::<u8>()), vec(link(), 0..2)),
        (vec(mapping(), 0..3), of(number()), of(number())),
        (of(thresholds()), of(unit())),
    )
        .prop_map(
            |((custom, decimals, links), (mappings, max, min), (thresholds, unit))| FieldDefaults {
                color: Some(FieldColor {
                    fixed_color: None,
                    mode: "palette-classic".into(),
                    series_by: None,
                }),
                custom,
                decimals,
                links,
                mappings,
                max,
                min,
                thresholds,
                unit,
            },
        );
    let overrides = vec(
        (text(), text(), vec((text(), value()), 0..3)).prop_map(|(id, options, props)| Override {
            matcher: Matcher { id, options },
            properties: props
                .into_iter()
                .map(|(id, value)| OverrideProperty { id, value })
                .collect(),
        }),
        0..3,
    );
    (defaults, overrides).prop_map(|(defaults, overrides)| FieldConfig {
        defaults,
        overrides,
    })
}

fn link() -> impl Strategy<Value = Link> {
    (of(any::<bool>()), text(), text(), of(target())).prop_map(
        |(target_blank, title, url, query)| Link {
            internal: query.map(|query| InternalLink {
                datasource_name: "Tempo".into(),
                datasource_uid: "tempo".into(),
                query,
            }),
            target_blank,
            title,
            url,
        },
    )
}

fn legend() -> impl Strategy<Value = Legend> {
    prop_oneof![
        Just(Legend::default()),
        Just(Legend::hidden()),
        Just(Legend::table(&[Calc::Max, Calc::Mean])),
    ]
}

/// Every typed variant, plus options of a plugin the model has no type for.
fn options() -> impl Strategy<Value = PanelOptions> {
    prop_oneof![
        (legend(), any::<bool>()).prop_map(|(legend, multi)| {
            PanelOptions::Timeseries(TimeseriesOptions {
                legend,
                tooltip: if multi {
                    Tooltip::all_descending()
                } else {
                    Tooltip::default()
                },
            })
        }),
        prop::sample::select(vec![Calc::Last, Calc::Sum, Calc::P99]).prop_map(|c| {
            PanelOptions::Stat(StatOptions {
                reduce_options: ReduceOptions::calc(c),
                ..StatOptions::default()
            })
        }),
        Just(PanelOptions::Gauge(GaugeOptions::default())),
        Just(PanelOptions::BarGauge(BarGaugeOptions::default())),
        vec((any::<bool>(), text()), 0..2).prop_map(|s| {
            PanelOptions::Table(TableOptions {
                show_header: true,
                sort_by: s
                    .into_iter()
                    .map(|(desc, display_name)| TableSortBy { desc, display_name })
                    .collect(),
            })
        }),
        (any::<bool>(), of(unit())).prop_map(|(calculate, unit)| {
            let mut o = HeatmapOptions {
                calculate,
                ..HeatmapOptions::default()
            };
            o.y_axis.unit = unit;
            if calculate {
                o.calculation = Some(HeatmapCalculation {
                    x_buckets: None,
                    y_buckets: Some(HeatmapBuckets {
                        mode: BucketMode::Count,
                        scale: Some(HeatmapScale {
                            log: Some(2),
                            kind: BucketScale::Log,
                        }),
                        value: "10".into(),
                    }),
                });
            }
            PanelOptions::Heatmap(o)
        }),
        (of(1u32..100), any::<bool>()).prop_map(|(bucket_count, combine)| {
            PanelOptions::Histogram(HistogramOptions {
                bucket_count,
                combine,
                ..HistogramOptions::default()
            })
        }),
        Just(PanelOptions::StateTimeline(StateTimelineOptions::default())),
        of(text()).prop_map(|x_field| PanelOptions::BarChart(BarChartOptions {
            x_field,
            ..BarChartOptions::default()
        })),
        text().prop_map(|content| PanelOptions::Text(TextOptions {
            content,
            mode: TextMode::Markdown,
        })),
        Just(PanelOptions::Logs(LogsOptions::default())),
        text().prop_map(|t| PanelOptions::Other(json!({"pieType": t, "displayLabels": []}))),
    ]
}

fn panel() -> impl Strategy<Value = Panel> {
    (
        (of(datasource()), of(text()), of(field_config())),
        ((1u32..20, 1u32..24, 0u32..24, 0u32..200), any::<u32>()),
        (
            of(text()),
            vec(link(), 0..2),
            of(any::<u32>()),
            of(options()),
        ),
        (vec(target(), 0..3), text(), of(any::<bool>())),
        (
            prop::sample::select(vec!["timeseries", "stat", "table", "heatmap", "piechart"]),
            vec((text(), value()), 0..2),
        ),
    )
        .prop_map(
            |(
                (datasource, description, field_config),
                ((h, w, x, y), id),
                (interval, links, max_data_points, options),
                (targets, title, transparent),
                (kind, transformations),
            )| Panel {
                datasource,
                description,
                field_config,
                grid_pos: GridPos { h, w, x, y },
                id,
                interval,
                links,
                max_data_points,
                options,
                targets,
                title,
                transformations: transformations
                    .into_iter()
                    .map(|(id, options)| Transformation { id, options })
                    .collect(),
                transparent,
                kind: Cow::Borrowed(kind),
                ..Panel::default()
            },
        )
}

/// A row: expanded (its panels follow it at the top level) or collapsed (it holds them).
fn row() -> impl Strategy<Value = Vec<Panel>> {
    (text(), any::<u32>(), any::<bool>(), vec(panel(), 0..3)).prop_map(
        |(title, id, collapsed, children)| {
            let mut row = Panel {
                collapsed: Some(collapsed),
                grid_pos: GridPos {
                    h: 1,
                    w: 24,
                    x: 0,
                    y: 0,
                },
                id,
                title,
                kind: Cow::Borrowed("row"),
                ..Panel::default()
            };
            if collapsed {
                row.panels = Some(children);
                vec![row]
            } else {
                row.panels = Some(Vec::new());
                std::iter::once(row).chain(children).collect()
            }
        },
    )
}

fn variable() -> impl Strategy<Value = Variable> {
    let kind = prop::sample::select(vec![
        VariableKind::Query,
        VariableKind::Custom,
        VariableKind::Datasource,
        VariableKind::Interval,
        VariableKind::Constant,
        VariableKind::Textbox,
        VariableKind::Adhoc,
        VariableKind::GroupBy,
    ]);
    let option = || {
        (any::<bool>(), text(), text()).prop_map(|(selected, text, value)| VariableOption {
            selected,
            text,
            value,
        })
    };
    (
        (of(text()), of(any::<bool>()), of(option())),
        (of(datasource()), of(text()), of(0u8..3), of(any::<bool>())),
        (
            "[a-z_]{1,8}",
            of(vec(option(), 0..3)),
            of(text()),
            of(0u8..3),
        ),
        (of(text()), of(0u8..8), kind),
    )
        .prop_map(
            |(
                (all_value, auto, current),
                (datasource, definition, hide, multi),
                (name, options, query, refresh),
                (regex, sort, kind),
            )| Variable {
                all_value,
                auto,
                current,
                datasource,
                definition,
                hide,
                multi,
                name,
                options,
                query,
                refresh,
                regex,
                sort,
                kind,
                ..Variable::default()
            },
        )
}

fn dashboard() -> impl Strategy<Value = DashboardModel> {
    let dash_link = (any::<bool>(), text(), vec(text(), 0..2), of(text())).prop_map(
        |(dropdown, title, tags, url)| DashboardLink {
            as_dropdown: dropdown,
            icon: None,
            include_vars: true,
            keep_time: !dropdown,
            tags,
            target_blank: false,
            title,
            tooltip: None,
            kind: if url.is_some() {
                DashboardLinkKind::Link
            } else {
                DashboardLinkKind::Dashboards
            },
            url,
        },
    );
    (
        (
            of(text()),
            of(any::<bool>()),
            of(0u8..3),
            vec(dash_link, 0..2),
        ),
        vec(prop_oneof![panel().prop_map(|p| vec![p]), row()], 0..5),
        (of(text()), vec(text(), 0..3), vec(variable(), 0..4)),
        (of(text()), text(), "[a-z-]{1,12}"),
    )
        .prop_map(
            |(
                (description, editable, graph_tooltip, links),
                panels,
                (refresh, tags, variables),
                (timezone, title, uid),
            )| DashboardModel {
                annotations: Annotations::default(),
                description,
                editable,
                graph_tooltip,
                links,
                panels: panels.into_iter().flatten().collect(),
                refresh,
                schema_version: crate::SCHEMA_VERSION,
                tags,
                templating: Templating { list: variables },
                time: Some(TimeRange {
                    from: "now-1h".into(),
                    to: "now".into(),
                }),
                timezone,
                title,
                uid,
            },
        )
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(128))]

    #[test]
    fn a_dashboard_reads_back_equal_and_writes_the_same_bytes(d in dashboard()) {
        let bytes = serde_json::to_vec_pretty(&d).unwrap();
        let read: DashboardModel = serde_json::from_slice(&bytes).unwrap();
        prop_assert_eq!(&read, &d);
        prop_assert_eq!(String::from_utf8(serde_json::to_vec_pretty(&read).unwrap()).unwrap(),
            String::from_utf8(bytes).unwrap());
    }

    #[test]
    fn panels_visits_every_panel_once_in_order(d in dashboard()) {
        let expected: Vec<u32> = d
            .panels
            .iter()
            .flat_map(|p| std::iter::once(p).chain(p.panels.iter().flatten()))
            .map(|p| p.id)
            .collect();
        let ids: Vec<u32> = d.panels().map(|p| p.id).collect();
        prop_assert_eq!(ids, expected);
    }

    #[test]
    fn each_panel_path_points_at_that_panels_json(d in dashboard()) {
        let json = serde_json::to_value(&d).unwrap();
        for (path, p) in d.panels().with_paths() {
            let at = json.pointer(&path.pointer()).expect("the path is in the JSON");
            prop_assert_eq!(at, &serde_json::to_value(p).unwrap());
        }
    }
}

#[test]
fn grafana_additions_are_ignored_and_missing_fields_default() {
    let d: DashboardModel = serde_json::from_value(json!({
        "id": 42, "version": 7, "uid": "u", "title": "T",
        "panels": [{"type": "stat", "title": "S", "pluginVersion": "11.6.0",
                    "targets": [{"refId": "A", "expr": "up", "hide": false}]}]
    }))
    .unwrap();
    assert_eq!(d.uid, "u");
    assert_eq!(d.panels[0].targets[0].expr.as_deref(), Some("up"));
    assert_eq!(d.schema_version, 0);
}

#[test]
fn a_unit_grafana_does_not_list_reads_back_as_written() {
    let json = json!({"unit": "furlongs"});
    let read = serde_json::from_value::<FieldDefaults>(json.clone()).unwrap();
    assert_eq!(read.unit.as_ref().map(Unit::id), Some("furlongs"));
    assert_eq!(serde_json::to_value(&read).unwrap(), json);
}

#[test]
fn options_a_newer_grafana_extended_are_kept_whole() {
    let o = json!({"content": "x", "mode": "markdown", "code": {"language": "sql"}});
    let read: PanelOptions = serde_json::from_value(o.clone()).unwrap();
    assert_eq!(read, PanelOptions::Other(o));
}

/// What `v2::from_v1` refuses, made right in a random v1 dashboard: unique panel ids, every
/// query, variable and annotation with a typed datasource, panels below their row's header,
/// panel links without an Explore target, a datasource variable naming its type. What is
/// left is every shape the conversion writes.
fn convertible(mut d: DashboardModel) -> DashboardModel {
    fn typed(ds: &mut Option<DataSourceRef>) {
        let ds = ds.get_or_insert_with(|| DataSourceRef {
            kind: Cow::Borrowed("prometheus"),
            uid: "${prometheus}".into(),
        });
        if ds.kind.is_empty() {
            ds.kind = Cow::Borrowed("prometheus");
        }
    }
    fn fix(p: &mut Panel, id: &mut u32, y: u32) {
        *id += 1;
        p.id = *id;
        p.grid_pos.y = y;
        typed(&mut p.datasource);
        for t in &mut p.targets {
            if t.datasource.is_some() {
                typed(&mut t.datasource);
            }
        }
        for l in &mut p.links {
            l.internal = None;
        }
    }
    let (mut id, mut y) = (0, 0);
    for p in &mut d.panels {
        if p.is_row() {
            id += 1;
            p.id = id;
            p.grid_pos.y = y;
            y += 1;
            for (k, inner) in p.panels.iter_mut().flatten().enumerate() {
                fix(inner, &mut id, y + k as u32);
            }
        } else {
            fix(p, &mut id, y);
            y += p.grid_pos.h;
        }
    }
    for v in &mut d.templating.list {
        typed(&mut v.datasource);
        if v.kind == VariableKind::Datasource && v.query.as_deref().unwrap_or("").is_empty() {
            v.query = Some("prometheus".into());
        }
    }
    d
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    /// A v2 resource written here reads back into the v2 model and writes the same bytes,
    /// in both versions' shapes.
    #[test]
    fn a_v2_dashboard_reads_back_equal_and_writes_the_same_bytes(d in dashboard(), beta in any::<bool>()) {
        let target = if beta { crate::v2::Target::grafana_12() } else { crate::v2::Target::grafana_13() };
        let d = convertible(d);
        let v2 = crate::v2::from_v1(&d, Some(&crate::Folder::new("f", "F")), &target)
            .unwrap_or_else(|e| panic!("{e}"));
        let bytes = serde_json::to_vec_pretty(&v2).unwrap();
        let read: crate::v2::Dashboard = serde_json::from_slice(&bytes)
            .unwrap_or_else(|e| panic!("{e}\n{}", String::from_utf8_lossy(&bytes)));
        prop_assert_eq!(&read, &v2);
        prop_assert_eq!(String::from_utf8(serde_json::to_vec_pretty(&read).unwrap()).unwrap(),
            String::from_utf8(bytes).unwrap());
    }
}
