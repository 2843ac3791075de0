//! The built dashboards: snapshots, byte-for-byte determinism and key order.

use dashboard_dsl::BuiltDashboard;

fn built() -> Vec<BuiltDashboard> {
    dashboards::all()
        .into_iter()
        .map(|d| d.build().unwrap_or_else(|e| panic!("{e}")))
        .collect()
}

#[test]
fn every_dashboard_matches_its_snapshot() {
    for d in built() {
        insta::assert_snapshot!(d.model.uid.clone(), d.to_json());
    }
}

#[test]
fn building_twice_gives_identical_bytes() {
    let a: Vec<String> = built().iter().map(BuiltDashboard::to_json).collect();
    let b: Vec<String> = built().iter().map(BuiltDashboard::to_json).collect();
    assert_eq!(a, b);
}

#[test]
fn output_is_pretty_sorted_and_ends_with_a_newline() {
    for d in built() {
        let json = d.to_json();
        assert!(
            json.ends_with("}\n"),
            "{} must end with a newline",
            d.model.uid
        );
        // serde_json's Value keeps keys in a BTreeMap (no preserve_order in this
        // workspace), so a round trip sorts every object: equal text means we emitted
        // every key already in Grafana's sorted order.
        let value: serde_json::Value = serde_json::from_str(&json).unwrap();
        let mut resorted = serde_json::to_string_pretty(&value).unwrap();
        resorted.push('\n');
        assert_eq!(json, resorted, "{}: keys out of order", d.model.uid);
    }
}

#[test]
fn key_order_check_would_catch_unsorted_keys() {
    // Guards the test above: if serde_json ever preserved insertion order, the round
    // trip would no longer sort and the key-order test would silently pass.
    let value: serde_json::Value = serde_json::from_str(r#"{"b": 1, "a": 2}"#).unwrap();
    assert_eq!(serde_json::to_string(&value).unwrap(), r#"{"a":2,"b":1}"#);
}

#[test]
fn ids_survive_reordering_panels() {
    use dashboard_dsl::{panel, Dashboard};
    let a = Dashboard::new("x", "X")
        .panel(panel::text("one", "One", "1"))
        .panel(panel::text("two", "Two", "2"))
        .build()
        .unwrap();
    let b = Dashboard::new("x", "X")
        .panel(panel::text("two", "Two", "2"))
        .panel(panel::text("three", "Three", "3"))
        .panel(panel::text("one", "One", "1"))
        .build()
        .unwrap();
    let id = |d: &BuiltDashboard, title: &str| {
        d.model.panels.iter().find(|p| p.title == title).unwrap().id
    };
    assert_eq!(id(&a, "One"), id(&b, "One"));
    assert_eq!(id(&a, "Two"), id(&b, "Two"));
    assert_ne!(id(&b, "One"), id(&b, "Two"));
}

/// The overview as `build --schema v2` writes it for Grafana 13 and 12: a review of any
/// change to the v2 conversion sees the whole resource, as for v1.
#[test]
fn the_overview_as_v2_and_v2beta1_matches_its_snapshot() {
    use dashboard_dsl::v2::Target;
    let d = built()
        .into_iter()
        .find(|d| d.model.uid == "spark-overview")
        .expect("the overview is built");
    for (name, target) in [
        ("v2", Target::grafana_13()),
        ("v2beta1", Target::grafana_12()),
    ] {
        let json = d.to_v2_json(&target).unwrap_or_else(|e| panic!("{e}"));
        insta::assert_snapshot!(format!("spark-overview.{name}"), json);
    }
}

/// A dashboard with panels above its rows, an auto-grid row and a plain one.
fn with_auto_grid(auto: bool) -> BuiltDashboard {
    use dashboard_dsl::{panel, Dashboard, Row};
    let row = Row::new("Notes")
        .panel(panel::text("a", "A", "…").width(12))
        .panel(panel::text("b", "B", "…").width(12))
        .panel(panel::text("c", "C", "…").width(12));
    Dashboard::new("auto", "Auto")
        .panel(panel::text("top", "Top", "…"))
        .row(if auto { row.auto_grid() } else { row })
        .row(Row::new("Plain").panel(panel::text("d", "D", "…")))
        .build()
        .unwrap_or_else(|e| panic!("{e}"))
}

#[test]
fn an_auto_grid_row_is_an_auto_grid_in_v2_and_a_row_with_a_warning_in_v1() {
    use dashboard_dsl::v2::Target;
    let (auto, plain) = (with_auto_grid(true), with_auto_grid(false));
    assert_eq!(
        auto.to_json(),
        plain.to_json(),
        "v1 cannot say it: the same JSON"
    );
    assert_eq!(auto.warnings.len(), 1, "{:?}", auto.warnings);
    assert!(
        auto.warnings[0].contains(r#"row "Notes" is an auto grid, which schema v1 cannot say"#),
        "{:?}",
        auto.warnings
    );
    assert!(plain.warnings.is_empty());

    let v2: serde_json::Value =
        serde_json::from_str(&auto.to_v2_json(&Target::grafana_13()).unwrap()).unwrap();
    let rows = &v2["spec"]["layout"]["spec"]["rows"];
    // The header-less row of the panel above the rows, then Notes, then Plain.
    assert_eq!(rows[0]["spec"]["hideHeader"], true);
    assert_eq!(rows[0]["spec"]["layout"]["kind"], "GridLayout");
    let notes = &rows[1]["spec"];
    assert_eq!(notes["title"], "Notes");
    let layout = &notes["layout"];
    assert_eq!(layout["kind"], "AutoGridLayout");
    assert_eq!(
        (
            &layout["spec"]["maxColumnCount"],
            &layout["spec"]["columnWidthMode"],
            &layout["spec"]["rowHeightMode"]
        ),
        (
            &serde_json::json!(2),
            &serde_json::json!("standard"),
            &serde_json::json!("standard")
        ),
        "two 12-wide panels per line: two columns"
    );
    let items = layout["spec"]["items"].as_array().unwrap();
    assert_eq!(items.len(), 3);
    assert_eq!(items[0]["kind"], "AutoGridLayoutItem");
    assert_eq!(rows[2]["spec"]["layout"]["kind"], "GridLayout");
    // And it reads back into the model, byte for byte.
    let text = auto.to_v2_json(&Target::grafana_12()).unwrap();
    let read: dashboard_dsl::v2::Dashboard = serde_json::from_str(&text).unwrap();
    assert_eq!(
        format!("{}\n", serde_json::to_string_pretty(&read).unwrap()),
        text
    );
}
