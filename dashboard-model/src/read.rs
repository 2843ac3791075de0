//! Reading a dashboard's JSON into the model with an error that says where: which
//! dashboard, which panel, query or variable, which field. serde alone says what was
//! wrong ("invalid type: integer, expected a string") but not where, and a dashboard
//! from Grafana can be thousands of lines.

use serde::de::DeserializeOwned;
use serde::Deserialize;
use serde_json::Value;

use crate::model::{Annotation, DashboardLink, DashboardModel, Panel, Target, Variable};

/// A dashboard whose JSON does not read into [`DashboardModel`].
///
/// ```
/// use dashboard_model::DashboardModel;
/// let json = serde_json::json!({"uid": "gc", "title": "GC", "panels": [{"id": 7, "title": "Heap", "gridPos": "wide"}]});
/// let e = DashboardModel::from_json(&json).unwrap_err();
/// assert_eq!((e.uid.as_str(), e.title.as_str()), ("gc", "GC"));
/// assert_eq!(e.place, r#"panel "Heap" (id 7), field `gridPos`"#);
/// ```
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("dashboard {uid} ({title:?}) does not read as a Grafana dashboard: {place}: {detail}. Fix that field where the dashboard comes from; if Grafana itself stores it this way, dashboard-model does not know the shape yet")]
pub struct ReadError {
    /// The dashboard's uid, `(no uid)` when it has none.
    pub uid: String,
    /// The dashboard's title, empty when it has none.
    pub title: String,
    /// Where: `panel "Heap" (id 7), query A, field `expr``, `variable $app, field `hide``…
    pub place: String,
    /// What serde found wrong there.
    pub detail: String,
}

impl DashboardModel {
    /// Reads a dashboard's JSON (a file, or what Grafana's API returns under
    /// `dashboard`), naming what could not be read when it fails.
    ///
    /// ```
    /// use dashboard_model::DashboardModel;
    /// let d = DashboardModel::from_json(&serde_json::json!({"uid": "a", "title": "A", "version": 3})).unwrap();
    /// assert_eq!(d.title, "A");
    /// let e = DashboardModel::from_json(&serde_json::json!({"uid": "a", "templating": {"list": [{"name": "app", "hide": "yes"}]}})).unwrap_err();
    /// assert_eq!(e.place, "variable $app, field `hide`");
    /// ```
    pub fn from_json(json: &Value) -> Result<DashboardModel, ReadError> {
        DashboardModel::deserialize(json).map_err(|e| {
            let text = |k: &str| json.get(k).and_then(Value::as_str).map(str::to_string);
            let (place, detail) =
                locate(json).unwrap_or_else(|| ("the dashboard".into(), e.to_string()));
            ReadError {
                uid: text("uid")
                    .filter(|u| !u.is_empty())
                    .unwrap_or_else(|| "(no uid)".into()),
                title: text("title").unwrap_or_default(),
                place,
                detail,
            }
        })
    }
}

type Found = (String, String);

/// The first piece of the dashboard that does not read, and why.
fn locate(json: &Value) -> Option<Found> {
    let Value::Object(map) = json else {
        return Some((
            "the dashboard".into(),
            format!("not a JSON object but {}", kind(json)),
        ));
    };
    for (key, value) in map {
        let found = match key.as_str() {
            "panels" => each(value, panel),
            "templating" => value.get("list").and_then(|l| each(l, variable)),
            "annotations" => value.get("list").and_then(|l| each(l, annotation)),
            "links" => each(value, link),
            _ => None,
        };
        if found.is_some() {
            return found;
        }
        if let Err(e) = DashboardModel::deserialize(&single(key, value)) {
            return Some((format!("field `{key}`"), e.to_string()));
        }
    }
    None
}

/// The first failing item of a list.
fn each(list: &Value, item: impl Fn(usize, &Value) -> Option<Found>) -> Option<Found> {
    list.as_array()?
        .iter()
        .enumerate()
        .find_map(|(i, v)| item(i, v))
}

fn panel(i: usize, json: &Value) -> Option<Found> {
    let name = match (json.get("title").and_then(Value::as_str), json.get("id")) {
        (Some(t), Some(id)) => format!("panel {t:?} (id {id})"),
        (Some(t), None) => format!("panel {t:?}"),
        (None, _) => format!("panel #{} of its list", i + 1),
    };
    // A row's own panels first: naming the panel inside says more than naming the row.
    if let Some(found) = json.get("panels").and_then(|ps| each(ps, panel)) {
        return Some(found);
    }
    if let Some((place, detail)) = json.get("targets").and_then(|ts| each(ts, target)) {
        return Some((format!("{name}, {place}"), detail));
    }
    fields::<Panel>(&name, json)
}

/// An item's name from one of its fields, or its place in the list.
fn name(json: &Value, key: &str, named: impl Fn(&str) -> String, what: &str, i: usize) -> String {
    match json.get(key).and_then(Value::as_str) {
        Some(n) => named(n),
        None => format!("{what} #{}", i + 1),
    }
}

fn target(i: usize, json: &Value) -> Option<Found> {
    let name = name(json, "refId", |r| format!("query {r}"), "query", i);
    fields::<Target>(&name, json)
}

fn variable(i: usize, json: &Value) -> Option<Found> {
    let name = name(json, "name", |n| format!("variable ${n}"), "variable", i);
    fields::<Variable>(&name, json)
}

// Annotations and links have required fields, so one field alone would not read: these
// name the item and leave the field to serde's message.
fn annotation(i: usize, json: &Value) -> Option<Found> {
    let name = name(
        json,
        "name",
        |n| format!("annotation {n:?}"),
        "annotation",
        i,
    );
    whole::<Annotation>(&name, json)
}

fn link(i: usize, json: &Value) -> Option<Found> {
    let name = name(json, "title", |t| format!("link {t:?}"), "link", i);
    whole::<DashboardLink>(&name, json)
}

/// For types whose every field has a default: each field alone reads iff it is right, so
/// the first one that does not is the culprit.
fn fields<T: DeserializeOwned>(name: &str, json: &Value) -> Option<Found> {
    let Value::Object(map) = json else {
        return whole::<T>(name, json);
    };
    map.iter().find_map(|(key, value)| {
        T::deserialize(&single(key, value))
            .err()
            .map(|e| (format!("{name}, field `{key}`"), e.to_string()))
    })
}

fn whole<T: DeserializeOwned>(name: &str, json: &Value) -> Option<Found> {
    T::deserialize(json)
        .err()
        .map(|e| (name.to_string(), e.to_string()))
}

fn single(key: &str, value: &Value) -> Value {
    Value::Object([(key.to_string(), value.clone())].into_iter().collect())
}

fn kind(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "a bool",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "a list",
        Value::Object(_) => "an object",
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    fn place(json: Value) -> (String, String) {
        let e = DashboardModel::from_json(&json).unwrap_err();
        (e.place, e.detail)
    }

    #[test]
    fn a_query_is_named_by_panel_and_ref_id() {
        let (p, d) = place(json!({"uid": "u", "panels": [
            {"id": 1, "title": "ok", "type": "stat"},
            {"id": 2, "title": "bad", "targets": [{"refId": "A", "expr": "up"}, {"refId": "B", "expr": 3}]}
        ]}));
        assert_eq!(p, r#"panel "bad" (id 2), query B, field `expr`"#);
        assert!(d.contains("invalid type: integer `3`"), "{d}");
    }

    #[test]
    fn a_panel_inside_a_collapsed_row_is_named_not_the_row() {
        let (p, _) = place(json!({"panels": [{"id": 9, "title": "Row", "type": "row",
            "panels": [{"id": 10, "title": "inside", "maxDataPoints": -1}]}]}));
        assert_eq!(p, r#"panel "inside" (id 10), field `maxDataPoints`"#);
    }

    #[test]
    fn annotations_links_and_top_level_fields() {
        let (p, d) = place(json!({"annotations": {"list": [{"name": "deploys", "enable": true}]}}));
        assert_eq!(p, r#"annotation "deploys""#);
        assert!(d.contains("missing field"), "{d}");
        let (p, _) = place(json!({"links": [{"title": "Docs", "type": "sideways"}]}));
        assert_eq!(p, r#"link "Docs""#);
        let (p, _) = place(json!({"schemaVersion": "41"}));
        assert_eq!(p, "field `schemaVersion`");
    }

    #[test]
    fn not_an_object_and_unnamed_pieces() {
        let e = DashboardModel::from_json(&json!([1])).unwrap_err();
        assert_eq!(
            (e.uid.as_str(), e.place.as_str()),
            ("(no uid)", "the dashboard")
        );
        assert!(e.detail.contains("a list"), "{}", e.detail);
        let (p, _) = place(json!({"panels": [{"gridPos": 1}]}));
        assert_eq!(p, "panel #1 of its list, field `gridPos`");
    }

    #[test]
    fn the_message_names_the_dashboard_and_the_place() {
        let e =
            DashboardModel::from_json(&json!({"uid": "u", "title": "T", "panels": [{"id": "x"}]}))
                .unwrap_err();
        let m = e.to_string();
        assert!(m.starts_with(r#"dashboard u ("T") does not read"#), "{m}");
        assert!(m.contains("panel #1 of its list, field `id`"), "{m}");
    }

    #[test]
    fn shapes_grafana_stores_read() {
        let d = DashboardModel::from_json(&json!({"refresh": false, "panels": [{"fieldConfig": {
            "defaults": {"custom": {"spanNulls": 3600000}, "unit": "suffix:req"},
            "overrides": [{"matcher": {"id": "byNames", "options": {"mode": "exclude", "names": ["a"]}},
                           "properties": []}]}}],
            "links": [{"title": "Docs", "type": "link", "url": "https://x"}]}))
        .unwrap();
        assert_eq!(d.refresh, None);
        let fc = d.panels[0].field_config.as_ref().unwrap();
        assert_eq!(fc.defaults.custom.as_ref().unwrap().span_nulls, Some(true));
        assert_eq!(
            fc.overrides[0].matcher.options,
            r#"{"mode":"exclude","names":["a"]}"#
        );
        assert_eq!(d.links[0].tags, Vec::<String>::new());
    }
}
