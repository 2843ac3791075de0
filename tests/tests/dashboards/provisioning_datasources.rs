//! `provisioning/grafana/datasources/` against the dashboards: every datasource uid and type a
//! built dashboard references is provisioned with that type, every datasource a provisioned
//! one points at (exemplars, traces to metrics and logs, service map, derived fields) is
//! provisioned too, and every `$` in Grafana's provisioning files is either an escaped `$$` or
//! a deliberate environment variable.

use std::collections::{BTreeMap, BTreeSet};
use std::fs;
use std::path::{Path, PathBuf};

use crate::fail_on;
use integration_tests::harness::{spark_fixtures_dir, workspace_root};
use integration_tests::manifests::documents;
use serde_json::{json, Value};

/// The environment variables the provisioning files may use: the datasource URLs.
const URL_VARS: [&str; 4] = ["PROMETHEUS_URL", "TEMPO_URL", "JAEGER_URL", "LOKI_URL"];

/// Datasource uids Grafana itself provides; they need no provisioning.
const BUILTIN_UIDS: [&str; 3] = ["-- Grafana --", "-- Mixed --", "-- Dashboard --"];

fn datasources_dir() -> PathBuf {
    workspace_root().join("provisioning/grafana/datasources")
}

/// Every `.yaml`/`.yml` file directly in `dir`, sorted.
fn yaml_files(dir: &Path) -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = fs::read_dir(dir)
        .unwrap_or_else(|e| panic!("reading {}: {e}", dir.display()))
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "yaml" || e == "yml"))
        .collect();
    files.sort();
    files
}

fn load_yaml(path: &Path) -> Value {
    let mut docs = documents(path);
    assert_eq!(
        docs.len(),
        1,
        "{}: expected one YAML document",
        path.display()
    );
    docs.remove(0)
}

/// The provisioning documents: (file name, parsed YAML).
fn provisioning_docs() -> Vec<(String, Value)> {
    let files = yaml_files(&datasources_dir());
    assert!(
        !files.is_empty(),
        "no YAML in {}",
        datasources_dir().display()
    );
    files
        .iter()
        .map(|p| {
            (
                p.file_name().unwrap().to_string_lossy().into_owned(),
                load_yaml(p),
            )
        })
        .collect()
}

fn built() -> Vec<Value> {
    dashboards::all()
        .into_iter()
        .map(|d| {
            let b = d.build().unwrap_or_else(|e| panic!("{e}"));
            serde_json::to_value(&b.model).unwrap()
        })
        .collect()
}

// --- What the provisioning files provide --------------------------------------------------------

/// A provisioned datasource.
#[derive(Debug, Clone)]
struct Provisioned {
    kind: String,
    name: String,
    file: String,
    json_data: Value,
}

/// Every provisioned datasource by uid, and what is wrong with the files (apiVersion, missing
/// fields, duplicate uids or names).
fn provisioned(docs: &[(String, Value)]) -> (BTreeMap<String, Provisioned>, Vec<String>) {
    let mut by_uid: BTreeMap<String, Provisioned> = BTreeMap::new();
    let mut names: BTreeMap<String, String> = BTreeMap::new();
    let mut errors = Vec::new();
    for (file, doc) in docs {
        if doc["apiVersion"] != json!(1) {
            errors.push(format!(
                "{file}: apiVersion is {}, Grafana's datasource provisioning wants 1",
                doc["apiVersion"]
            ));
        }
        let Some(list) = doc["datasources"].as_array() else {
            errors.push(format!("{file}: no `datasources` list"));
            continue;
        };
        for (i, ds) in list.iter().enumerate() {
            let field = |k: &str| ds[k].as_str().unwrap_or_default().to_string();
            let (uid, kind, name) = (field("uid"), field("type"), field("name"));
            if uid.is_empty() || kind.is_empty() || name.is_empty() {
                errors.push(format!(
                    "{file}: datasource #{i} needs a `uid`, a `type` and a `name` (a stable uid \
                     is what the dashboards refer to)"
                ));
                continue;
            }
            if let Some(other) = names.insert(name.clone(), uid.clone()) {
                errors.push(format!(
                    "{file}: two datasources are named {name:?} (uids `{other}` and `{uid}`)"
                ));
            }
            let entry = Provisioned {
                kind,
                name,
                file: file.clone(),
                json_data: ds["jsonData"].clone(),
            };
            if let Some(prev) = by_uid.insert(uid.clone(), entry) {
                errors.push(format!(
                    "{file}: uid `{uid}` is provisioned twice (also in {})",
                    prev.file
                ));
            }
        }
    }
    (by_uid, errors)
}

// --- What the dashboards reference ---------------------------------------------------------------

/// One datasource reference found in a dashboard.
#[derive(Debug, Clone, PartialEq)]
struct Ref {
    /// Where: a JSON path, with the panel title when there is one.
    at: String,
    /// A uid, or `${var}` / `$var` for a datasource variable.
    uid: String,
    /// The plugin type, when the reference says.
    kind: Option<String>,
}

/// Decodes `%XX` escapes (and nothing else: `+` stays, as Grafana's Explore URLs write spaces
/// as `%20`).
fn percent_decode(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let hex = |b: u8| (b as char).to_digit(16);
        if bytes[i] == b'%' && i + 2 < bytes.len() {
            if let (Some(h), Some(l)) = (hex(bytes[i + 1]), hex(bytes[i + 2])) {
                out.push((h * 16 + l) as u8);
                i += 3;
                continue;
            }
        }
        out.push(bytes[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// The `panes` JSON of a Grafana Explore URL, if `url` is one.
fn explore_panes(url: &str) -> Option<Value> {
    let query = url.strip_prefix("/explore?")?;
    let panes = query.split('&').find_map(|kv| kv.strip_prefix("panes="))?;
    serde_json::from_str(&percent_decode(panes)).ok()
}

/// Every datasource reference below `v`: `datasource` objects (`{type, uid}`) and strings,
/// `datasourceUid` of internal data links, and the datasources inside Explore-URL data links.
fn collect_refs(v: &Value, at: &str, out: &mut Vec<Ref>) {
    match v {
        Value::Object(map) => {
            let here = match map.get("title").and_then(Value::as_str) {
                Some(t) if map.contains_key("type") || map.contains_key("targets") => {
                    format!("{at} ({t:?})")
                }
                _ => at.to_string(),
            };
            for (k, child) in map {
                let path = format!("{here}.{k}");
                match (k.as_str(), child) {
                    ("datasource", Value::Object(ds)) => {
                        if let Some(uid) = ds.get("uid").and_then(Value::as_str) {
                            out.push(Ref {
                                at: path.clone(),
                                uid: uid.to_string(),
                                kind: ds.get("type").and_then(Value::as_str).map(String::from),
                            });
                        }
                    }
                    ("datasource", Value::String(uid)) => out.push(Ref {
                        at: path.clone(),
                        uid: uid.clone(),
                        kind: None,
                    }),
                    ("datasourceUid", Value::String(uid)) => out.push(Ref {
                        at: path.clone(),
                        uid: uid.clone(),
                        kind: map
                            .get("query")
                            .and_then(|q| q["datasource"]["type"].as_str())
                            .map(String::from),
                    }),
                    ("url", Value::String(url)) => {
                        if let Some(panes) = explore_panes(url) {
                            collect_refs(&panes, &format!("{path} (Explore link)"), out);
                        }
                    }
                    _ => {}
                }
                collect_refs(child, &path, out);
            }
        }
        Value::Array(items) => {
            for (i, item) in items.iter().enumerate() {
                collect_refs(item, &format!("{at}[{i}]"), out);
            }
        }
        _ => {}
    }
}

/// The variable a `${name}`, `${name:format}` or `$name` uid refers to.
fn variable_name(uid: &str) -> Option<&str> {
    let rest = uid.strip_prefix('$')?;
    Some(match rest.strip_prefix('{') {
        Some(inner) => {
            let inner = inner.strip_suffix('}').unwrap_or(inner);
            inner.split(':').next().unwrap_or(inner)
        }
        None => rest,
    })
}

/// Checks one dashboard's references against the provisioned datasources.
fn check_dashboard(dashboard: &Value, provisioned: &BTreeMap<String, Provisioned>) -> Vec<String> {
    let uid = dashboard["uid"].as_str().unwrap_or("?");
    let mut errors = Vec::new();
    let known = || provisioned.keys().cloned().collect::<Vec<_>>().join(", ");
    let check_uid = |at: &str, ds_uid: &str, kind: &str, errors: &mut Vec<String>| match provisioned
        .get(ds_uid)
    {
        None => errors.push(format!(
            "{uid} › {at}: datasource uid `{ds_uid}` ({kind}) is not provisioned in \
             provisioning/grafana/datasources/ (provisioned: {}); provision it, or change the \
             dashboard to a provisioned uid",
            known()
        )),
        Some(p) if p.kind != kind => errors.push(format!(
            "{uid} › {at}: datasource uid `{ds_uid}` is used as {kind}, but {} provisions it as \
             {} ({:?}); make the types agree",
            p.file, p.kind, p.name
        )),
        Some(_) => {}
    };

    // Datasource variables: their default must be provisioned with the variable's type.
    let mut vars: BTreeMap<String, String> = BTreeMap::new();
    for v in dashboard["templating"]["list"]
        .as_array()
        .into_iter()
        .flatten()
    {
        if v["type"] != "datasource" {
            continue;
        }
        let name = v["name"].as_str().unwrap_or_default().to_string();
        let kind = v["query"].as_str().unwrap_or_default().to_string();
        let at = format!("variable `{name}`");
        vars.insert(name, kind.clone());
        match v["current"]["value"].as_str() {
            Some(default) if !default.is_empty() => check_uid(&at, default, &kind, &mut errors),
            _ => errors.push(format!(
                "{uid} › {at}: a datasource variable without a default (`current.value`) leaves \
                 every panel on it empty until someone picks one; default it to a provisioned uid"
            )),
        }
    }

    let mut refs = Vec::new();
    collect_refs(dashboard, "", &mut refs);
    for r in refs {
        let at = r.at.trim_start_matches('.');
        if BUILTIN_UIDS.contains(&r.uid.as_str()) || r.kind.as_deref() == Some("grafana") {
            continue;
        }
        match variable_name(&r.uid) {
            Some(var) => match vars.get(var) {
                None => errors.push(format!(
                    "{uid} › {at}: `{}` names no datasource variable of the dashboard",
                    r.uid
                )),
                Some(kind) => {
                    if let Some(k) = &r.kind {
                        if k != kind {
                            errors.push(format!(
                                "{uid} › {at}: a {k} reference through `{}`, a {kind} variable",
                                r.uid
                            ));
                        }
                    }
                }
            },
            None => match &r.kind {
                Some(kind) => check_uid(at, &r.uid, kind, &mut errors),
                None if !provisioned.contains_key(&r.uid) => errors.push(format!(
                    "{uid} › {at}: datasource uid `{}` is not provisioned (provisioned: {})",
                    r.uid,
                    known()
                )),
                None => {}
            },
        }
    }
    errors
}

// --- Links between provisioned datasources -------------------------------------------------------

/// Which datasource types a `datasourceUid` below each `jsonData` key may point at.
fn link_target_kinds(key: &str) -> Option<&'static [&'static str]> {
    Some(match key {
        "tracesToMetrics" | "serviceMap" => &["prometheus"],
        "tracesToLogsV2" | "tracesToLogs" | "lokiSearch" => &["loki"],
        "exemplarTraceIdDestinations" | "derivedFields" => &["tempo", "jaeger", "zipkin"],
        "tracesToProfiles" => &["grafana-pyroscope-datasource"],
        _ => return None,
    })
}

fn collect_links(
    v: &Value,
    at: &str,
    section: Option<&str>,
    out: &mut Vec<(String, String, Option<String>)>,
) {
    match v {
        Value::Object(map) => {
            for (k, child) in map {
                let path = format!("{at}.{k}");
                let section = if link_target_kinds(k).is_some() {
                    Some(k.as_str())
                } else {
                    section
                };
                if k == "datasourceUid" {
                    if let Some(uid) = child.as_str() {
                        out.push((path.clone(), uid.to_string(), section.map(String::from)));
                    }
                }
                collect_links(child, &path, section, out);
            }
        }
        Value::Array(items) => {
            for (i, item) in items.iter().enumerate() {
                collect_links(item, &format!("{at}[{i}]"), section, out);
            }
        }
        _ => {}
    }
}

/// Every `datasourceUid` inside a provisioned datasource's `jsonData` names a provisioned
/// datasource of a type that link can open.
fn check_links(provisioned: &BTreeMap<String, Provisioned>) -> (usize, Vec<String>) {
    let mut errors = Vec::new();
    let mut count = 0;
    for (uid, ds) in provisioned {
        let mut links = Vec::new();
        collect_links(&ds.json_data, "jsonData", None, &mut links);
        for (at, target, section) in links {
            count += 1;
            let Some(t) = provisioned.get(&target) else {
                errors.push(format!(
                    "{}: datasource `{uid}` › {at} points at `{target}`, which is not provisioned",
                    ds.file
                ));
                continue;
            };
            if let Some(kinds) = section.as_deref().and_then(link_target_kinds) {
                if !kinds.contains(&t.kind.as_str()) {
                    errors.push(format!(
                        "{}: datasource `{uid}` › {at} points at `{target}`, a {} datasource; \
                         it must be one of {kinds:?}",
                        ds.file, t.kind
                    ));
                }
            }
        }
    }
    (count, errors)
}

// --- `$` in provisioning files -------------------------------------------------------------------

/// The `$` references Grafana would expand in one provisioning string, the way it does:
/// split on `$$` (a literal `$`), then expand `$NAME`, `${NAME}` and the `$__env{…}`,
/// `$__file{…}`, `$__vault{…}` expanders in each part. Returns the names.
fn env_refs(s: &str) -> Vec<String> {
    let mut out = Vec::new();
    for part in s.split("$$") {
        let mut rest = part;
        while let Some(pos) = rest.find('$') {
            let after = &rest[pos + 1..];
            let name: String = if let Some(inner) = after.strip_prefix('{') {
                inner.chars().take_while(|c| *c != '}').collect()
            } else if let Some(expander) = ["__env{", "__file{", "__vault{"]
                .iter()
                .find(|e| after.starts_with(*e))
            {
                let inner: String = after[expander.len()..]
                    .chars()
                    .take_while(|c| *c != '}')
                    .collect();
                format!("{}{inner}}}", &expander)
            } else {
                after
                    .chars()
                    .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
                    .collect()
            };
            out.push(name);
            rest = after;
        }
    }
    out
}

/// Whether a `$` reference is a deliberate environment variable.
fn is_deliberate(name: &str) -> bool {
    URL_VARS.contains(&name)
        || name.starts_with("GRAFANA_")
        || name.starts_with("__env{")
        || name.starts_with("__file{")
}

fn strings<'a>(v: &'a Value, at: &str, out: &mut Vec<(String, &'a str)>) {
    match v {
        Value::String(s) => out.push((at.to_string(), s)),
        Value::Object(map) => map
            .iter()
            .for_each(|(k, c)| strings(c, &format!("{at}.{k}"), out)),
        Value::Array(items) => items
            .iter()
            .enumerate()
            .for_each(|(i, c)| strings(c, &format!("{at}[{i}]"), out)),
        _ => {}
    }
}

/// Every `$` of every string value is `$$` or a deliberate environment variable.
fn check_dollars(file: &str, doc: &Value) -> Vec<String> {
    let mut all = Vec::new();
    strings(doc, "", &mut all);
    let mut errors = Vec::new();
    for (at, s) in all {
        for name in env_refs(s) {
            if !is_deliberate(&name) {
                errors.push(format!(
                    "{file}: {at} = {s:?}: Grafana expands `${name}` as an environment variable \
                     when it loads the file (to nothing, most likely); write `$$` for a literal \
                     `$`, or use one of {URL_VARS:?} / GRAFANA_*",
                    at = at.trim_start_matches('.')
                ));
            }
        }
    }
    errors
}

/// What Grafana makes of a provisioning string with the environment `env`.
fn interpolate(s: &str, env: &BTreeMap<&str, &str>) -> String {
    s.split("$$")
        .map(|part| {
            let mut out = String::new();
            let mut rest = part;
            while let Some(pos) = rest.find('$') {
                out.push_str(&rest[..pos]);
                let after = &rest[pos + 1..];
                let (name, len) = if let Some(inner) = after.strip_prefix('{') {
                    let n: String = inner.chars().take_while(|c| *c != '}').collect();
                    let len = n.len() + 2;
                    (n, len)
                } else {
                    let n: String = after
                        .chars()
                        .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
                        .collect();
                    let len = n.len();
                    (n, len)
                };
                out.push_str(env.get(name.as_str()).copied().unwrap_or(""));
                rest = &after[len.min(after.len())..];
            }
            out.push_str(rest);
            out
        })
        .collect::<Vec<_>>()
        .join("$")
}

// --- The checks on the real files -----------------------------------------------------------------

#[test]
fn every_datasource_file_parses_and_provisions_the_four_stable_uids() {
    let (by_uid, errors) = provisioned(&provisioning_docs());
    fail_on(errors);
    let got: BTreeMap<&str, &str> = by_uid
        .iter()
        .map(|(u, p)| (u.as_str(), p.kind.as_str()))
        .collect();
    let want: BTreeMap<&str, &str> = [
        ("jaeger", "jaeger"),
        ("loki", "loki"),
        ("prometheus", "prometheus"),
        ("tempo", "tempo"),
    ]
    .into();
    assert_eq!(got, want);
}

#[test]
fn every_datasource_the_dashboards_reference_is_provisioned_with_its_type() {
    let (by_uid, errors) = provisioned(&provisioning_docs());
    fail_on(errors);
    let dashboards = built();
    let mut errors = Vec::new();
    let mut refs = 0;
    for d in &dashboards {
        let mut r = Vec::new();
        collect_refs(d, "", &mut r);
        refs += r.len();
        errors.extend(check_dashboard(d, &by_uid));
    }
    fail_on(errors);
    assert!(
        refs > 50,
        "only {refs} references found; the walk misses some"
    );
    // The defaults the dashboards ship with are exactly these uids.
    let mut defaults = BTreeSet::new();
    for d in &dashboards {
        for v in d["templating"]["list"].as_array().unwrap() {
            if v["type"] == "datasource" {
                defaults.insert(v["current"]["value"].as_str().unwrap().to_string());
            }
        }
    }
    assert_eq!(
        defaults,
        ["jaeger", "prometheus", "tempo"].map(String::from).into()
    );
}

#[test]
fn the_dashboards_default_to_the_provisioned_uids_in_the_source_too() {
    // The DSL's defaults, straight from the Rust definitions, so a renamed default fails here
    // with the name of the constant to change.
    let source = fs::read_to_string(workspace_root().join("dashboards/src/common.rs")).unwrap();
    for uid in ["prometheus", "tempo", "jaeger"] {
        assert!(
            source.contains(&format!("default = \"{uid}\"")),
            "dashboards/src/common.rs no longer defaults a datasource variable to `{uid}`"
        );
    }
}

#[test]
fn every_link_between_provisioned_datasources_resolves() {
    let (by_uid, errors) = provisioned(&provisioning_docs());
    fail_on(errors);
    let (count, errors) = check_links(&by_uid);
    fail_on(errors);
    // Prometheus exemplars; Tempo metrics, logs, service map; Jaeger metrics, logs; Loki.
    assert!(count >= 7, "only {count} links checked");
    let jd = |uid: &str| by_uid[uid].json_data.clone();
    assert_eq!(
        jd("prometheus")["exemplarTraceIdDestinations"][0]["datasourceUid"],
        "tempo"
    );
    assert_eq!(
        jd("prometheus")["exemplarTraceIdDestinations"][0]["name"],
        "traceID"
    );
    let tempo = jd("tempo");
    assert_eq!(tempo["tracesToMetrics"]["datasourceUid"], "prometheus");
    assert_eq!(tempo["tracesToLogsV2"]["datasourceUid"], "loki");
    assert_eq!(tempo["serviceMap"]["datasourceUid"], "prometheus");
    assert_eq!(tempo["nodeGraph"]["enabled"], true);
    assert_eq!(jd("loki")["derivedFields"][0]["datasourceUid"], "tempo");
}

#[test]
fn every_dollar_is_escaped_or_a_deliberate_environment_variable() {
    let mut errors = Vec::new();
    let mut files = yaml_files(&datasources_dir());
    files.extend(yaml_files(
        &workspace_root().join("provisioning/grafana/dashboards"),
    ));
    let mut used = BTreeSet::new();
    for path in &files {
        let file = path
            .strip_prefix(workspace_root())
            .unwrap()
            .display()
            .to_string();
        let doc = load_yaml(path);
        errors.extend(check_dollars(&file, &doc));
        let mut all = Vec::new();
        strings(&doc, "", &mut all);
        used.extend(all.iter().flat_map(|(_, s)| env_refs(s)));
    }
    fail_on(errors);
    // Each variable used is documented where users look.
    for doc in [
        "provisioning/README.md",
        "docs/recipes/observability/observability-stack.md",
    ] {
        let text = fs::read_to_string(workspace_root().join(doc))
            .unwrap_or_else(|e| panic!("{doc}: {e}; it documents the provisioning files"));
        for var in &used {
            assert!(
                text.contains(var.as_str()),
                "{doc} does not mention {var}, which the provisioning files use"
            );
        }
    }
    assert_eq!(used, URL_VARS.iter().map(|s| s.to_string()).collect());
}

#[test]
fn after_grafana_expands_the_files_urls_are_set_and_links_keep_their_placeholders() {
    let env: BTreeMap<&str, &str> = [
        ("PROMETHEUS_URL", "http://prometheus:9090"),
        ("TEMPO_URL", "http://tempo:3200"),
        ("JAEGER_URL", "http://jaeger-query:16686"),
        ("LOKI_URL", "http://loki:3100"),
    ]
    .into();
    for (file, doc) in provisioning_docs() {
        for ds in doc["datasources"].as_array().unwrap() {
            let url = interpolate(ds["url"].as_str().unwrap_or_default(), &env);
            assert!(
                url.starts_with("http://") && url.len() > "http://".len(),
                "{file}: datasource {} has url {url:?} after expansion",
                ds["uid"]
            );
        }
    }
    let (by_uid, _) = provisioned(&provisioning_docs());
    let loki = &by_uid["loki"].json_data["derivedFields"][0];
    assert_eq!(
        interpolate(loki["url"].as_str().unwrap(), &env),
        "${__value.raw}"
    );
    for q in by_uid["tempo"].json_data["tracesToMetrics"]["queries"]
        .as_array()
        .unwrap()
    {
        let expanded = interpolate(q["query"].as_str().unwrap(), &env);
        assert!(expanded.contains("{$__tags}"), "{expanded}");
        assert!(!expanded.contains("$$"), "{expanded}");
        if expanded.contains("rate(") {
            assert!(expanded.contains("[$__rate_interval]"), "{expanded}");
        }
    }
}

#[test]
fn traces_to_metrics_queries_parse_and_use_real_spark_metrics_with_the_tag_labels() {
    let (by_uid, _) = provisioned(&provisioning_docs());
    let catalog_path = spark_fixtures_dir().join("metric_catalog.tsv");
    let catalog = fs::read_to_string(&catalog_path).unwrap_or_else(|e| {
        panic!(
            "{}: {e}; the recorded Spark metrics live in the shared fixtures (set \
             SPARK_DASHBOARDS_SHARED)",
            catalog_path.display()
        )
    });
    // metric name -> label keys, as a real Spark exposes them.
    let labels: BTreeMap<&str, BTreeSet<&str>> = catalog
        .lines()
        .skip(1)
        .filter_map(|l| {
            let cols: Vec<&str> = l.split('\t').collect();
            Some((*cols.first()?, cols.get(3)?.split(',').collect()))
        })
        .collect();
    for uid in ["tempo", "jaeger"] {
        let t2m = &by_uid[uid].json_data["tracesToMetrics"];
        let tags: Vec<(&str, &str)> = t2m["tags"]
            .as_array()
            .unwrap()
            .iter()
            .map(|t| (t["key"].as_str().unwrap(), t["value"].as_str().unwrap()))
            .collect();
        let keys: BTreeSet<&str> = tags.iter().map(|(k, _)| *k).collect();
        for k in ["spark.app.name", "spark.executor.id"] {
            assert!(keys.contains(k), "{uid}: tracesToMetrics maps no {k}");
        }
        // What Grafana puts in place of $__tags for a task span.
        let matchers: Vec<String> = tags.iter().map(|(_, l)| format!("{l}=\"x\"")).collect();
        let queries = t2m["queries"].as_array().unwrap();
        assert!(queries.len() >= 3, "{uid}: {queries:?}");
        for q in queries {
            let raw = q["query"].as_str().unwrap().replace("$$", "$");
            let promql = raw.replace("$__tags", &matchers.join(","));
            let expr = dashboard_query::promql::parse(&promql)
                .unwrap_or_else(|e| panic!("{uid}: query {:?}: {e}", q["name"]));
            for metric in dashboard_query::promql::metric_names(&expr) {
                let Some(have) = labels.get(metric.as_str()) else {
                    panic!(
                        "{uid}: query {:?} uses {metric}, which Spark does not expose (not in \
                         {})",
                        q["name"],
                        catalog_path.display()
                    )
                };
                for (_, label) in &tags {
                    assert!(
                        have.contains(label),
                        "{uid}: {metric} has no label {label} for the tag mapping"
                    );
                }
            }
        }
    }
}

// --- The checkers catch what they are for --------------------------------------------------------

fn fake_provisioning() -> Vec<(String, Value)> {
    let doc = json!({
        "apiVersion": 1,
        "datasources": [
            {"name": "P", "uid": "prom", "type": "prometheus",
             "jsonData": {"exemplarTraceIdDestinations": [{"name": "traceID", "datasourceUid": "nope"}]}},
            {"name": "T", "uid": "tempo", "type": "tempo",
             "jsonData": {"tracesToMetrics": {"datasourceUid": "tempo"},
                          "tracesToLogsV2": {"datasourceUid": "loki"}}},
            {"name": "T", "uid": "prom", "type": "loki"},
            {"name": "X", "type": "loki"}
        ]
    });
    vec![("fake.yaml".to_string(), doc)]
}

#[test]
fn provisioning_check_reports_duplicates_missing_fields_and_bad_links() {
    let (by_uid, errors) = provisioned(&fake_provisioning());
    assert_eq!(errors.len(), 3, "{errors:#?}");
    assert!(errors[0].contains("named \"T\""), "{}", errors[0]);
    assert!(
        errors[1].contains("uid `prom` is provisioned twice"),
        "{}",
        errors[1]
    );
    assert!(
        errors[2].contains("datasource #3 needs a `uid`"),
        "{}",
        errors[2]
    );
    let mut wrong_version = fake_provisioning();
    wrong_version[0].1["apiVersion"] = json!(2);
    assert!(provisioned(&wrong_version).1[0].contains("apiVersion is 2"));

    let (_, errors) = check_links(&by_uid);
    let all = errors.join("\n");
    assert_eq!(errors.len(), 2, "{all}");
    // `prom` was overwritten by the loki duplicate: its exemplar link is gone; the tempo ones
    // remain: one to a datasource of the wrong type, one to nothing.
    assert!(
        all.contains("tracesToMetrics.datasourceUid points at `tempo`, a tempo datasource"),
        "{all}"
    );
    assert!(
        all.contains("tracesToLogsV2.datasourceUid points at `loki`, which is not provisioned"),
        "{all}"
    );
}

#[test]
fn dashboard_check_reports_unprovisioned_uids_wrong_types_and_unknown_variables() {
    let (by_uid, _) = provisioned(&[(
        "f.yaml".to_string(),
        json!({"apiVersion": 1, "datasources": [
            {"name": "P", "uid": "prometheus", "type": "prometheus"},
            {"name": "T", "uid": "tempo", "type": "tempo"}
        ]}),
    )]);
    let explore = "/explore?schemaVersion=1&panes=%7B%22a%22%3A%7B%22datasource%22%3A%22${nope}%22%2C%22queries%22%3A%5B%5D%7D%7D";
    let dashboard = json!({
        "uid": "fake",
        "annotations": {"list": [{"datasource": {"type": "prometheus", "uid": "gone"}}]},
        "templating": {"list": [
            {"name": "prometheus", "type": "datasource", "query": "prometheus",
             "current": {"value": "prometheus"}},
            {"name": "tempo", "type": "datasource", "query": "tempo",
             "current": {"value": "prometheus"}},
            {"name": "jaeger", "type": "datasource", "query": "jaeger"}
        ]},
        "panels": [
            {"title": "Fine", "type": "timeseries",
             "datasource": {"type": "prometheus", "uid": "${prometheus}"},
             "targets": [{"refId": "A", "datasource": {"type": "prometheus", "uid": "${prometheus}"}}]},
            {"title": "Wrong kind", "type": "timeseries",
             "datasource": {"type": "tempo", "uid": "${prometheus}"}},
            {"title": "No such variable", "type": "table",
             "datasource": {"type": "loki", "uid": "${loki}"}},
            {"title": "Grafana", "type": "table",
             "datasource": {"type": "grafana", "uid": "grafana"}},
            {"title": "Links", "type": "timeseries",
             "fieldConfig": {"defaults": {"links": [
                 {"title": "internal", "url": "",
                  "internal": {"datasourceUid": "jaeger", "query": {"datasource": {"type": "jaeger", "uid": "jaeger"}}}},
                 {"title": "explore", "url": explore}
             ]}}}
        ]
    });
    let errors = check_dashboard(&dashboard, &by_uid);
    let expect = [
        "variable `tempo`: datasource uid `prometheus` is used as tempo, but f.yaml provisions it as prometheus",
        "variable `jaeger`: a datasource variable without a default",
        "annotations.list[0].datasource: datasource uid `gone` (prometheus) is not provisioned",
        "(\"Wrong kind\").datasource: a tempo reference through `${prometheus}`, a prometheus variable",
        "(\"No such variable\").datasource: `${loki}` names no datasource variable",
        "internal.datasourceUid: datasource uid `jaeger` (jaeger) is not provisioned",
        "internal.query.datasource: datasource uid `jaeger` (jaeger) is not provisioned",
        "(Explore link).a.datasource: `${nope}` names no datasource variable",
    ];
    let all = errors.join("\n");
    for e in expect {
        assert!(all.contains(e), "missing {e:?} in:\n{all}");
    }
    assert_eq!(errors.len(), expect.len(), "{all}");
}

#[test]
fn dollar_check_accepts_escapes_and_env_vars_and_reports_the_rest() {
    let doc = json!({
        "url": "$PROMETHEUS_URL",
        "other": "${TEMPO_URL}/x and $$ alone and $$$$",
        "grafana": "$GRAFANA_X $__env{HOME} $__file{/run/secret}",
        "ok": "$${__value.raw} {$$__tags}[$$__rate_interval]",
        "bad": ["${__value.raw}", "{$__tags}", "replace $1"],
    });
    let errors = check_dollars("f.yaml", &doc);
    let all = errors.join("\n");
    assert_eq!(errors.len(), 3, "{all}");
    assert!(
        all.contains("bad[0] = \"${__value.raw}\": Grafana expands `$__value.raw`"),
        "{all}"
    );
    assert!(
        all.contains("bad[1] = \"{$__tags}\": Grafana expands `$__tags`"),
        "{all}"
    );
    assert!(
        all.contains("bad[2] = \"replace $1\": Grafana expands `$1`"),
        "{all}"
    );
    let env: BTreeMap<&str, &str> = [("TEMPO_URL", "http://t")].into();
    assert_eq!(
        interpolate("${TEMPO_URL}/a $$x $$${TEMPO_URL} $UNSET.", &env),
        "http://t/a $x $http://t ."
    );
}

#[test]
fn explore_links_are_decoded() {
    assert_eq!(percent_decode("a%20b%7B%22%7D%"), "a b{\"}%");
    let panes = explore_panes("/explore?schemaVersion=1&panes=%7B%22x%22%3A1%7D").unwrap();
    assert_eq!(panes, json!({"x": 1}));
    assert!(explore_panes("https://example.com/explore?panes=%7B%7D").is_none());
    assert_eq!(variable_name("${tempo}"), Some("tempo"));
    assert_eq!(variable_name("${tempo:raw}"), Some("tempo"));
    assert_eq!(variable_name("$tempo"), Some("tempo"));
    assert_eq!(variable_name("tempo"), None);
}
