//! What counts as a dashboard's content: normalisation, canonical bytes and the content
//! hash that push records with every dashboard it writes.
//!
//! # Where the hash lives, and why
//!
//! Push writes the hash of the content it sends into the dashboard JSON itself, as the
//! top-level field [`MARKER_FIELD`]: `{"contentHash": "sha256:…", "managedBy": …}`.
//!
//! - It comes back with every `GET /api/dashboards/uid/:uid`, so drift detection costs no
//!   extra request (the version message would need the versions API, one more call per
//!   dashboard, and that API changed shape between Grafana 10 and 12).
//! - The hash is over the content *without* the marker and without the fields the server
//!   manages, so it is stable across pushes and Grafana versions.
//! - A save from the Grafana UI is always detected: the UI either keeps the field (then
//!   the content no longer matches the hash) or drops it, as the dashboard editor drops
//!   fields it does not know (then there is no hash, and content that differs from ours
//!   is treated as not ours to overwrite). Either way push refuses without `--force`.
//!
//! The same hash, shortened, also goes into the version message so the history in the
//! UI shows which versions came from push.

use std::fmt::Write as _;

use serde_json::{Map, Value};
use sha2::{Digest, Sha256};

/// The top-level dashboard field holding what push last wrote.
///
/// ```
/// assert_eq!(dashboard_sync::content::MARKER_FIELD, "__dashboardsAsCode");
/// ```
pub const MARKER_FIELD: &str = "__dashboardsAsCode";

/// Top-level dashboard fields that the server sets or that only exist in exports, and so
/// never count as content: comparing them would give a permanent diff.
pub const SERVER_MANAGED: &[&str] = &[
    "id",
    "version",
    "iteration",
    "folderId",
    "folderUid",
    "folderTitle",
    "folderUrl",
    "meta",
    "__inputs",
    "__requires",
    "__elements",
    MARKER_FIELD,
];

/// The dashboard's content: server-managed top-level fields removed, `null` members
/// dropped (Grafana treats `null` and absent alike) and whole floats written as integers
/// (`1.0` and `1` are the same threshold). Panel ids stay: they identify panels.
///
/// ```
/// use serde_json::json;
/// let server = json!({"id": 7, "version": 3, "uid": "a", "title": "A", "panels": [{"id": 1, "x": 1.0, "y": null}]});
/// let local = json!({"uid": "a", "title": "A", "panels": [{"id": 1, "x": 1}]});
/// assert_eq!(dashboard_sync::content::normalize(&server), dashboard_sync::content::normalize(&local));
/// ```
pub fn normalize(dashboard: &Value) -> Value {
    match dashboard {
        Value::Object(map) => {
            let mut out = Map::new();
            for (k, v) in map {
                if SERVER_MANAGED.contains(&k.as_str()) {
                    continue;
                }
                if let Some(v) = normalize_value(v) {
                    out.insert(k.clone(), v);
                }
            }
            Value::Object(out)
        }
        other => normalize_value(other).unwrap_or(Value::Null),
    }
}

fn normalize_value(v: &Value) -> Option<Value> {
    match v {
        Value::Null => None,
        Value::Number(n) => Some(Value::Number(canonical_number(n))),
        Value::Array(items) => Some(Value::Array(
            // Inside arrays a null keeps its place: dropping it would shift indices.
            items
                .iter()
                .map(|i| normalize_value(i).unwrap_or(Value::Null))
                .collect(),
        )),
        Value::Object(map) => Some(Value::Object(
            map.iter()
                .filter_map(|(k, v)| normalize_value(v).map(|v| (k.clone(), v)))
                .collect(),
        )),
        other => Some(other.clone()),
    }
}

fn canonical_number(n: &serde_json::Number) -> serde_json::Number {
    if let Some(f) = n.as_f64().filter(|_| n.is_f64()) {
        if f.fract() == 0.0 && f.abs() < 9.007_199_254_740_992e15 {
            return serde_json::Number::from(f as i64);
        }
    }
    n.clone()
}

/// Canonical JSON text: keys sorted at every level, no whitespace. Independent of
/// serde_json's `preserve_order` feature, which another crate in the build may enable.
///
/// ```
/// use serde_json::json;
/// assert_eq!(dashboard_sync::content::canonical_json(&json!({"b": 1, "a": [true, "x"]})), r#"{"a":[true,"x"],"b":1}"#);
/// ```
pub fn canonical_json(v: &Value) -> String {
    let mut out = String::new();
    write_canonical(v, &mut out);
    out
}

fn write_canonical(v: &Value, out: &mut String) {
    match v {
        Value::Object(map) => {
            let mut keys: Vec<&String> = map.keys().collect();
            keys.sort();
            out.push('{');
            for (i, k) in keys.into_iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                out.push_str(&Value::String(k.clone()).to_string());
                out.push(':');
                write_canonical(&map[k], out);
            }
            out.push('}');
        }
        Value::Array(items) => {
            out.push('[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                write_canonical(item, out);
            }
            out.push(']');
        }
        other => out.push_str(&other.to_string()),
    }
}

/// `sha256:<hex>` of the canonical JSON of the normalised dashboard.
///
/// ```
/// use serde_json::json;
/// use dashboard_sync::content::content_hash;
/// let a = content_hash(&json!({"uid": "a", "title": "A", "version": 1}));
/// let b = content_hash(&json!({"title": "A", "uid": "a", "version": 9, "id": 4}));
/// assert_eq!(a, b);
/// assert!(a.starts_with("sha256:") && a.len() == 7 + 64);
/// ```
pub fn content_hash(dashboard: &Value) -> String {
    let canonical = canonical_json(&normalize(dashboard));
    let digest = Sha256::digest(canonical.as_bytes());
    let mut hex = String::with_capacity(7 + 64);
    hex.push_str("sha256:");
    for b in digest {
        let _ = write!(hex, "{b:02x}");
    }
    hex
}

/// The hash push recorded in a dashboard, if the marker is there and well formed.
///
/// ```
/// use serde_json::json;
/// let d = json!({"__dashboardsAsCode": {"contentHash": "sha256:ab"}});
/// assert_eq!(dashboard_sync::content::recorded_hash(&d), Some("sha256:ab"));
/// assert_eq!(dashboard_sync::content::recorded_hash(&json!({})), None);
/// ```
pub fn recorded_hash(dashboard: &Value) -> Option<&str> {
    dashboard
        .get(MARKER_FIELD)?
        .get("contentHash")?
        .as_str()
        .filter(|h| h.starts_with("sha256:"))
}

/// The dashboard as push sends it: the local content with server-managed fields removed
/// and the marker recording `hash` (which must be `content_hash(local)`).
///
/// ```
/// use serde_json::json;
/// use dashboard_sync::content::{content_hash, recorded_hash, with_marker};
/// let local = json!({"uid": "a", "title": "A", "id": 3});
/// let h = content_hash(&local);
/// let sent = with_marker(&local, &h);
/// assert_eq!(recorded_hash(&sent), Some(h.as_str()));
/// assert_eq!(content_hash(&sent), h);
/// assert!(sent.get("id").is_none());
/// ```
pub fn with_marker(local: &Value, hash: &str) -> Value {
    let mut out = match local {
        Value::Object(map) => map
            .iter()
            .filter(|(k, _)| !SERVER_MANAGED.contains(&k.as_str()))
            .map(|(k, v)| (k.clone(), v.clone()))
            .collect(),
        _ => Map::new(),
    };
    out.insert(
        MARKER_FIELD.to_string(),
        serde_json::json!({
            "contentHash": hash,
            "managedBy": "cargo xtask dashboards push; edits made in Grafana are detected and not overwritten without --force",
        }),
    );
    Value::Object(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn key_order_and_number_spelling_do_not_change_the_hash() {
        let a: Value = serde_json::from_str(r#"{"b": 1.0, "a": {"y": 2, "x": [1, 2.5]}}"#).unwrap();
        let b: Value =
            serde_json::from_str(r#"{"a": {"x": [1.0, 2.5], "y": 2.0}, "b": 1}"#).unwrap();
        assert_eq!(content_hash(&a), content_hash(&b));
    }

    #[test]
    fn content_changes_change_the_hash() {
        let a = json!({"title": "A", "panels": [{"id": 1, "title": "x"}]});
        let b = json!({"title": "A", "panels": [{"id": 1, "title": "y"}]});
        assert_ne!(content_hash(&a), content_hash(&b));
    }

    #[test]
    fn nulls_in_arrays_keep_their_place() {
        let a = json!({"v": [null, 1]});
        let b = json!({"v": [1]});
        assert_ne!(content_hash(&a), content_hash(&b));
    }

    #[test]
    fn server_managed_fields_are_only_stripped_at_the_top() {
        let n = normalize(&json!({"id": 1, "panels": [{"id": 5, "version": 2}]}));
        assert_eq!(n, json!({"panels": [{"id": 5, "version": 2}]}));
    }

    #[test]
    fn strings_are_escaped_in_canonical_form() {
        assert_eq!(canonical_json(&json!({"q": "a\"b\n"})), r#"{"q":"a\"b\n"}"#);
    }
}
