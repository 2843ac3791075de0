//! Values in words, and the remaining differences as JSON paths: the part of the diff
//! that reads the JSON rather than the model, so that fields the model does not hold
//! still show up.

use std::collections::BTreeSet;

use serde_json::Value;

use super::Change;

/// The JSON of item `i` of a list the model read, `null` if it is not there (it always
/// is: the model reads lists item for item).
pub(super) fn nth(list: Option<&Value>, i: usize) -> &Value {
    static NULL: Value = Value::Null;
    list.and_then(|l| l.get(i)).unwrap_or(&NULL)
}

pub(super) fn is_long(s: &str) -> bool {
    s.len() > 60 || s.contains('\n')
}

/// Remaining differences as JSON paths. Arrays of the same length are compared item by
/// item; otherwise the whole array is one change.
pub(super) fn generic(changes: &mut Vec<Change>, prefix: &str, o: &Value, n: &Value) {
    let mut found = Vec::new();
    walk(&mut found, String::new(), o, n);
    const MAX: usize = 12;
    let extra = found.len().saturating_sub(MAX);
    for (path, a, b) in found.into_iter().take(MAX) {
        changes.push(Change::inline(format!("{prefix}{path}"), a, b));
    }
    if extra > 0 {
        changes.push(Change::note(format!(
            "{prefix}… and {extra} more setting changes"
        )));
    }
}

/// `v` without the keys shown another way.
pub(super) fn without(v: &Value, keys: &[&str]) -> Value {
    let mut m = v.as_object().cloned().unwrap_or_default();
    for k in keys {
        m.remove(*k);
    }
    Value::Object(m)
}

type Found = Vec<(String, Option<String>, Option<String>)>;

fn walk(found: &mut Found, path: String, o: &Value, n: &Value) {
    if o == n {
        return;
    }
    let join = |k: &str| {
        if path.is_empty() {
            k.to_string()
        } else {
            format!("{path}.{k}")
        }
    };
    match (o, n) {
        (Value::Object(a), Value::Object(b)) => {
            for k in a.keys().chain(b.keys()).collect::<BTreeSet<_>>() {
                match (a.get(k), b.get(k)) {
                    (Some(x), Some(y)) => walk(found, join(k), x, y),
                    (x, y) => found.push((join(k), x.map(show), y.map(show))),
                }
            }
        }
        (Value::Array(a), Value::Array(b)) if a.len() == b.len() => {
            for (i, (x, y)) in a.iter().zip(b).enumerate() {
                walk(found, format!("{path}[{i}]"), x, y);
            }
        }
        _ => found.push((path, Some(show(o)), Some(show(n)))),
    }
}

pub(super) fn thresholds(t: &Value) -> String {
    let mode = t.get("mode").and_then(Value::as_str).unwrap_or("absolute");
    let steps: Vec<String> = t
        .get("steps")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .map(|s| {
            let color = str_of(s, "color");
            match s.get("value") {
                Some(v) if !v.is_null() => format!("{} {color}", show(v)),
                _ => format!("base {color}"),
            }
        })
        .collect();
    let s = steps.join(", ");
    if mode == "absolute" {
        s
    } else {
        format!("{s} ({mode})")
    }
}

pub(super) fn datasource(v: &Value) -> String {
    match v {
        Value::Object(_) => format!("{} {}", str_of(v, "type"), str_of(v, "uid"))
            .trim()
            .to_string(),
        other => text_of(other),
    }
}

pub(super) fn str_of(v: &Value, key: &str) -> String {
    v.get(key).map(text_of).unwrap_or_default()
}

/// A string as itself, anything else as compact JSON.
pub(super) fn text_of(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

/// A value for one line: strings quoted, long values cut.
pub(super) fn show(v: &Value) -> String {
    let s = match v {
        Value::String(s) if !is_long(s) => quote(s),
        Value::String(s) => s.clone(),
        other => other.to_string(),
    };
    if s.chars().count() > 200 && !matches!(v, Value::String(_)) {
        let cut: String = s.chars().take(197).collect();
        format!("{cut}…")
    } else {
        s
    }
}

pub(super) fn show_opt(v: Option<&Value>) -> Option<String> {
    v.map(show)
}

pub(super) fn list_of(v: Option<&Value>) -> String {
    match v.and_then(Value::as_array) {
        Some(a) if !a.is_empty() => a.iter().map(text_of).collect::<Vec<_>>().join(", "),
        _ => "(none)".into(),
    }
}

pub(super) fn quote(s: &str) -> String {
    Value::String(s.to_string()).to_string()
}
