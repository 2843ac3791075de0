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
