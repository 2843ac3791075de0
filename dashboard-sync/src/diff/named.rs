//! Lists whose items are matched by name: variables and annotations by `name`, links by
//! `title`. The names, their order and the one-line summaries come from the model; the
//! items' values are compared on their JSON.

use std::collections::{BTreeMap, BTreeSet};

use dashboard_model::model::Link;
use serde_json::Value;

use super::values::{generic, nth, quote, str_of, text_of, without};
use super::{Change, Side};

/// One item of a named list: its name (`#3` when it has none), its JSON, and how it
/// reads on one line when added or removed.
pub(super) struct Item<'a> {
    name: String,
    json: &'a Value,
    summary: String,
}

fn name_or_place(name: &str, i: usize) -> String {
    if name.is_empty() {
        format!("#{}", i + 1)
    } else {
        name.to_string()
    }
}

/// The dashboard's variables, in drop-down order.
pub(super) fn variables(s: &Side) -> Vec<Item<'_>> {
    let json = s.json.pointer("/templating/list");
    s.model
        .templating
        .list
        .iter()
        .enumerate()
        .map(|(i, v)| {
            // The type as Grafana spells it (`groupby`, not `GroupBy`).
            let kind = serde_json::to_value(v.kind)
                .ok()
                .and_then(|k| k.as_str().map(str::to_string))
                .unwrap_or_default();
            let summary = match v.query.as_ref().or(v.definition.as_ref()) {
                Some(q) => format!("{kind}: {q}"),
                None => kind,
            };
            Item {
                name: name_or_place(&v.name, i),
                json: nth(json, i),
                summary,
            }
        })
        .collect()
}

/// The dashboard's annotation queries.
pub(super) fn annotations(s: &Side) -> Vec<Item<'_>> {
    let json = s.json.pointer("/annotations/list");
    s.model
        .annotations
        .list
        .iter()
        .enumerate()
        .map(|(i, a)| Item {
            name: name_or_place(&a.name, i),
            json: nth(json, i),
            summary: a.expr.clone().unwrap_or_default(),
        })
        .collect()
}

/// The dashboard's links (top bar).
pub(super) fn dashboard_links(s: &Side) -> Vec<Item<'_>> {
    let json = s.json.get("links");
    s.model
        .links
        .iter()
        .enumerate()
        .map(|(i, l)| link_item(&l.title, nth(json, i), i))
        .collect()
}

/// A panel's links or data links: the model's list and the JSON list it was read from.
pub(super) fn panel_links<'a>(links: &[Link], json: Option<&'a Value>) -> Vec<Item<'a>> {
    links
        .iter()
        .enumerate()
        .map(|(i, l)| link_item(&l.title, nth(json, i), i))
        .collect()
}

fn link_item<'a>(title: &str, json: &'a Value, i: usize) -> Item<'a> {
    Item {
        name: name_or_place(title, i),
        json,
        summary: format!("{}: {}", quote(&str_of(json, "title")), link_target(json)),
    }
}

/// Compares lists of named items (variables, annotations) by name: added, removed, and
/// for changed ones the `block_keys` whole and the rest as JSON paths.
pub(super) fn diff_named(
    changes: &mut Vec<Change>,
    prefix: &str,
    o: &[Item],
    n: &[Item],
    block_keys: &[&str],
) {
    let ob: BTreeMap<&str, &Item> = o.iter().map(|v| (v.name.as_str(), v)).collect();
    let nb: BTreeMap<&str, &Item> = n.iter().map(|v| (v.name.as_str(), v)).collect();
    for k in ob.keys().chain(nb.keys()).collect::<BTreeSet<_>>() {
        let what = format!("{prefix}{k}");
        match (ob.get(k), nb.get(k)) {
            (Some(a), Some(b)) if a.json != b.json => {
                let (a, b) = (a.json, b.json);
                let mut shown: Vec<(Option<&Value>, Option<&Value>)> = Vec::new();
                for bk in block_keys {
                    let pair = (a.get(*bk), b.get(*bk));
                    // A query variable's `definition` is usually its `query` again.
                    if pair.0 != pair.1 && !shown.contains(&pair) {
                        shown.push(pair);
                        changes.push(Change::block(
                            format!("{what} {bk}"),
                            a.get(*bk).map(text_of),
                            b.get(*bk).map(text_of),
                        ));
                    }
                }
                generic(
                    changes,
                    &format!("{what} "),
                    &without(a, block_keys),
                    &without(b, block_keys),
                );
            }
            (None, Some(b)) => changes.push(Change::inline(
                format!("{what} added"),
                None,
                Some(b.summary.clone()),
            )),
            (Some(a), None) => changes.push(Change::inline(
                format!("{what} removed"),
                Some(a.summary.clone()),
                None,
            )),
            _ => {}
        }
    }
    // Order matters for variables: it is the order of the drop-downs.
    let common = |l: &[Item], other: &BTreeMap<&str, &Item>| -> Vec<String> {
        l.iter()
            .map(|v| v.name.clone())
            .filter(|name| other.contains_key(name.as_str()))
            .collect()
    };
    let (common_o, common_n) = (common(o, &nb), common(n, &ob));
    if common_o != common_n {
        changes.push(Change::inline(
            format!("{} order", prefix.trim_end_matches([' ', '$'])),
            Some(common_o.join(", ")),
            Some(common_n.join(", ")),
        ));
    }
}

/// Links compared as whole rendered lines: added and removed, matched by title.
pub(super) fn diff_links(changes: &mut Vec<Change>, what: &str, o: &[Item], n: &[Item]) {
    let by_title = |l: &[Item]| -> BTreeMap<String, (Value, String, String)> {
        l.iter()
            .map(|v| {
                let entry = (v.json.clone(), link_target(v.json), v.summary.clone());
                (v.name.clone(), entry)
            })
            .collect()
    };
    let (ob, nb) = (by_title(o), by_title(n));
    for t in ob.keys().chain(nb.keys()).collect::<BTreeSet<_>>() {
        match (ob.get(t), nb.get(t)) {
            (Some(a), Some(b)) if a.0 != b.0 => {
                let what = format!("{what} {}", quote(t));
                if a.1 != b.1 {
                    changes.push(Change::inline(
                        what.clone(),
                        Some(a.1.clone()),
                        Some(b.1.clone()),
                    ));
                }
                // Same target, other settings (new tab, keep time…): as JSON paths.
                let keys = ["url", "tags", "title"];
                generic(
                    changes,
                    &format!("{what} "),
                    &without(&a.0, &keys),
                    &without(&b.0, &keys),
                );
            }
            (None, Some(b)) => changes.push(Change::inline(
                format!("{what} added"),
                None,
                Some(b.2.clone()),
            )),
            (Some(a), None) => changes.push(Change::inline(
                format!("{what} removed"),
                Some(a.2.clone()),
                None,
            )),
            _ => {}
        }
    }
}

/// Where a link goes: its URL, or the tags of the dashboards it lists.
fn link_target(v: &Value) -> String {
    if let Some(url) = v
        .get("url")
        .and_then(Value::as_str)
        .filter(|u| !u.is_empty())
    {
        url.to_string()
    } else if let Some(tags) = v.get("tags").and_then(Value::as_array) {
        let tags: Vec<String> = tags.iter().map(text_of).collect();
        format!("dashboards tagged {}", tags.join(", "))
    } else {
        "(nowhere)".into()
    }
}
