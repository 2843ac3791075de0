//! `provisioning/kubernetes/`: the PodMonitor and the ServiceMonitor express exactly the scrape
//! of `provisioning/prometheus/prometheus.yml` (the metrics contract), the datasource ConfigMap
//! carries the datasource file verbatim, and every manifest validates:
//!
//! - core kinds (Service, ConfigMap) with `kubernetes-validate --strict` (the Kubernetes
//!   OpenAPI schemas it ships, offline; unknown fields are errors);
//! - PodMonitor and ServiceMonitor, whose CRD schemas it does not ship, with the pydantic
//!   models `cloudcoil-models-prometheus-operator` generates from the prometheus-operator
//!   CRDs (types, enums, patterns; a field the models do not know is dropped on the way
//!   through, which is reported as unknown), and with a structural check of the fields these
//!   files use, in Rust.
//!
//! The Python packages come from `cargo xtask test`, which installs them into
//! `<target>/pyspark-venv` and exports `KUBERNETES_VALIDATE_PYTHON`.

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};

use crate::fail_on;
use integration_tests::harness::workspace_root;
use integration_tests::manifests::{
    crd_check, documents, documents_of, kubernetes_validate, one_of_kind,
};
use serde_json::{json, Value};

fn kube_dir() -> PathBuf {
    workspace_root().join("provisioning/kubernetes")
}

/// Every manifest in provisioning/kubernetes, sorted.
fn manifests() -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = fs::read_dir(kube_dir())
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "yaml" || e == "yml"))
        .collect();
    files.sort();
    files
}

/// The one document of `kind` in `file`.
fn object(file: &str, kind: &str) -> Value {
    one_of_kind(&kube_dir().join(file), kind)
}

// --- The same scrape as prometheus.yml -----------------------------------------------------------

/// One scrape, in the terms both files can express.
#[derive(Debug, Clone, PartialEq)]
struct Scrape {
    job: String,
    path: String,
    honor_labels: bool,
    interval: String,
    timeout: String,
    /// Metric relabeling rules, keys in prometheus.yml's spelling.
    metric_relabel: Vec<Value>,
    /// The target label `application_id` comes from (file_sd: a target label; Kubernetes:
    /// the driver pod's `spark-app-selector`).
    application_id_from: String,
}

/// CRD relabel keys (camelCase) in prometheus.yml's spelling.
fn snake_relabel(rule: &Value) -> Value {
    let mut out = serde_json::Map::new();
    for (k, v) in rule.as_object().expect("a relabel rule is a map") {
        let key = match k.as_str() {
            "sourceLabels" => "source_labels",
            "targetLabel" => "target_label",
            other => other,
        };
        out.insert(key.to_string(), v.clone());
    }
    Value::Object(out)
}

/// The scrapes of prometheus.yml, by job name.
fn prometheus_scrapes() -> BTreeMap<String, Scrape> {
    let path = workspace_root().join("provisioning/prometheus/prometheus.yml");
    let doc = documents(&path).remove(0);
    let global = &doc["global"];
    doc["scrape_configs"]
        .as_array()
        .unwrap()
        .iter()
        // The Spark driver's scrape only; spark-exporter has its own manifests, checked by
        // exporter_provisioning.rs.
        .filter(|job| job["job_name"] != "spark-exporter")
        .map(|job| {
            let name = job["job_name"].as_str().unwrap().to_string();
            let s = Scrape {
                job: name.clone(),
                path: job["metrics_path"].as_str().unwrap().to_string(),
                honor_labels: job["honor_labels"].as_bool().unwrap_or(false),
                interval: job
                    .get("scrape_interval")
                    .unwrap_or(&global["scrape_interval"])
                    .as_str()
                    .unwrap()
                    .to_string(),
                timeout: job
                    .get("scrape_timeout")
                    .unwrap_or(&global["scrape_timeout"])
                    .as_str()
                    .unwrap()
                    .to_string(),
                metric_relabel: job["metric_relabel_configs"]
                    .as_array()
                    .cloned()
                    .unwrap_or_default(),
                application_id_from: "file_sd target label application_id".into(),
            };
            (name, s)
        })
        .collect()
}

/// The scrapes a PodMonitor's `podMetricsEndpoints` or a ServiceMonitor's `endpoints`
/// express, by the job name their relabelings set.
fn monitor_scrapes(endpoints: &Value) -> Result<BTreeMap<String, Scrape>, String> {
    let mut out = BTreeMap::new();
    for (i, ep) in endpoints
        .as_array()
        .ok_or("no endpoints")?
        .iter()
        .enumerate()
    {
        let relabelings = ep["relabelings"].as_array().cloned().unwrap_or_default();
        let set = |target: &str| {
            relabelings
                .iter()
                .find(|r| r["targetLabel"] == target)
                .cloned()
        };
        let job = set("job")
            .and_then(|r| r["replacement"].as_str().map(String::from))
            .ok_or(format!("endpoint #{i}: no relabeling sets `job`"))?;
        let app = set("application_id").ok_or(format!(
            "endpoint #{i} ({job}): no relabeling sets `application_id`"
        ))?;
        let from = app["sourceLabels"]
            .as_array()
            .map(|l| {
                l.iter()
                    .filter_map(Value::as_str)
                    .collect::<Vec<_>>()
                    .join(",")
            })
            .unwrap_or_default();
        let s = Scrape {
            job: job.clone(),
            path: ep["path"].as_str().unwrap_or("/metrics").to_string(),
            honor_labels: ep["honorLabels"].as_bool().unwrap_or(false),
            interval: ep["interval"].as_str().unwrap_or_default().to_string(),
            timeout: ep["scrapeTimeout"].as_str().unwrap_or_default().to_string(),
            metric_relabel: ep["metricRelabelings"]
                .as_array()
                .map(|rules| rules.iter().map(snake_relabel).collect())
                .unwrap_or_default(),
            application_id_from: from,
        };
        if out.insert(job.clone(), s).is_some() {
            return Err(format!("two endpoints set job `{job}`"));
        }
    }
    Ok(out)
}

/// Compares a monitor's scrapes with prometheus.yml's, field by field.
fn compare_scrapes(
    what: &str,
    got: &BTreeMap<String, Scrape>,
    want: &BTreeMap<String, Scrape>,
) -> Vec<String> {
    let mut errors = Vec::new();
    if got.keys().collect::<Vec<_>>() != want.keys().collect::<Vec<_>>() {
        errors.push(format!(
            "{what}: jobs {:?}, prometheus.yml has {:?}",
            got.keys().collect::<Vec<_>>(),
            want.keys().collect::<Vec<_>>()
        ));
    }
    for (job, w) in want {
        let Some(g) = got.get(job) else { continue };
        let mut differ = |field: &str, a: String, b: String| {
            if a != b {
                errors.push(format!(
                    "{what}: job {job}: {field} is {a}, prometheus.yml says {b}"
                ));
            }
        };
        differ("path", g.path.clone(), w.path.clone());
        differ(
            "honorLabels",
            g.honor_labels.to_string(),
            w.honor_labels.to_string(),
        );
        differ("interval", g.interval.clone(), w.interval.clone());
        differ("scrapeTimeout", g.timeout.clone(), w.timeout.clone());
        differ(
            "metricRelabelings",
            Value::from(g.metric_relabel.clone()).to_string(),
            Value::from(w.metric_relabel.clone()).to_string(),
        );
        if g.application_id_from != "__meta_kubernetes_pod_label_spark_app_selector" {
            errors.push(format!(
                "{what}: job {job}: application_id comes from `{}`, not from the driver pod's \
                 label spark-app-selector (__meta_kubernetes_pod_label_spark_app_selector)",
                g.application_id_from
            ));
        }
    }
    errors
}

#[test]
fn the_podmonitor_scrapes_exactly_what_prometheus_yml_scrapes() {
    let want = prometheus_scrapes();
    assert_eq!(
        want.keys().collect::<Vec<_>>(),
        ["spark-driver", "spark-executors"]
    );
    let pm = object("spark-podmonitor.yaml", "PodMonitor");
    let got = monitor_scrapes(&pm["spec"]["podMetricsEndpoints"]).unwrap();
    fail_on(compare_scrapes("spark-podmonitor.yaml", &got, &want));
    // Driver pods only, on the UI port Spark names on the driver container.
    assert_eq!(
        pm["spec"]["selector"],
        json!({"matchLabels": {"spark-role": "driver"}})
    );
    for ep in pm["spec"]["podMetricsEndpoints"].as_array().unwrap() {
        assert_eq!(ep["port"], "spark-ui");
    }
}

#[test]
fn the_servicemonitor_scrapes_the_same_through_its_own_service() {
    let want = prometheus_scrapes();
    let sm = object("spark-servicemonitor.yaml", "ServiceMonitor");
    let got = monitor_scrapes(&sm["spec"]["endpoints"]).unwrap();
    fail_on(compare_scrapes("spark-servicemonitor.yaml", &got, &want));
    let svc = object("spark-servicemonitor.yaml", "Service");
    // The Service selects every driver pod, headless so each driver is its own endpoint, on
    // the driver container's named UI port (4040 by default).
    assert_eq!(svc["spec"]["selector"], json!({"spark-role": "driver"}));
    assert_eq!(svc["spec"]["clusterIP"], "None");
    let ports = svc["spec"]["ports"].as_array().unwrap();
    assert_eq!(ports.len(), 1);
    assert_eq!(ports[0]["targetPort"], "spark-ui");
    assert_eq!(ports[0]["port"], 4040);
    // The ServiceMonitor selects that Service by its labels and scrapes its port by name.
    let labels = svc["metadata"]["labels"].as_object().unwrap();
    for (k, v) in sm["spec"]["selector"]["matchLabels"].as_object().unwrap() {
        assert_eq!(
            labels.get(k),
            Some(v),
            "the Service lacks the label {k}={v}"
        );
    }
    for ep in sm["spec"]["endpoints"].as_array().unwrap() {
        assert_eq!(ep["port"], ports[0]["name"]);
    }
}

#[test]
fn scrape_comparison_reports_every_difference() {
    let want = prometheus_scrapes();
    let pm = object("spark-podmonitor.yaml", "PodMonitor");
    let mut endpoints = pm["spec"]["podMetricsEndpoints"].clone();
    endpoints[0]["honorLabels"] = json!(false);
    endpoints[1]["path"] = json!("/metrics/prometheus");
    endpoints[1]["metricRelabelings"]
        .as_array_mut()
        .unwrap()
        .pop();
    endpoints[1]["relabelings"][0]["sourceLabels"] = json!(["__meta_kubernetes_pod_name"]);
    let got = monitor_scrapes(&endpoints).unwrap();
    let errors = compare_scrapes("pm", &got, &want).join("\n");
    for e in [
        "job spark-executors: honorLabels is false, prometheus.yml says true",
        "job spark-driver: path is /metrics/prometheus, prometheus.yml says /metrics/prometheus/",
        "job spark-driver: metricRelabelings is",
        "job spark-driver: application_id comes from `__meta_kubernetes_pod_name`",
    ] {
        assert!(errors.contains(e), "missing {e:?} in:\n{errors}");
    }
    let mut no_job = pm["spec"]["podMetricsEndpoints"].clone();
    no_job[0]["relabelings"].as_array_mut().unwrap().pop();
    assert!(monitor_scrapes(&no_job)
        .unwrap_err()
        .contains("no relabeling sets `job`"));
}

// --- Structural check of the CRD fields these files use ------------------------------------------

/// The fields of the prometheus-operator v1 CRDs these files use (a subset of the CRD). A
/// field outside it is reported: a typo, or a real field to add here after checking the CRD.
fn allowed_fields(at: &str) -> Option<&'static [&'static str]> {
    Some(match at {
        "" => &["apiVersion", "kind", "metadata", "spec"],
        "metadata" => &["name", "namespace", "labels", "annotations"],
        "spec" => &[
            "selector",
            "namespaceSelector",
            "podMetricsEndpoints",
            "endpoints",
            "jobLabel",
            "podTargetLabels",
            "targetLabels",
        ],
        "spec.selector" => &["matchLabels", "matchExpressions"],
        "spec.namespaceSelector" => &["any", "matchNames"],
        "endpoint" => &[
            "port",
            "path",
            "scheme",
            "interval",
            "scrapeTimeout",
            "honorLabels",
            "honorTimestamps",
            "relabelings",
            "metricRelabelings",
        ],
        "relabel" => &[
            "action",
            "sourceLabels",
            "separator",
            "targetLabel",
            "regex",
            "modulus",
            "replacement",
        ],
        _ => return None,
    })
}

const RELABEL_ACTIONS: [&str; 11] = [
    "replace",
    "keep",
    "drop",
    "hashmod",
    "labelmap",
    "labeldrop",
    "labelkeep",
    "lowercase",
    "uppercase",
    "keepequal",
    "dropequal",
];

fn is_label_name(s: &str) -> bool {
    let mut chars = s.chars();
    chars
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_')
}

/// A Prometheus duration as the CRD's pattern accepts it: `0`, or units y w d h m s ms in
/// that order, each at most once.
fn is_duration(s: &str) -> bool {
    if s == "0" {
        return true;
    }
    let mut rest = s;
    let mut last = 0;
    let units = ["y", "w", "d", "h", "m", "s", "ms"];
    while !rest.is_empty() {
        let digits = rest.chars().take_while(char::is_ascii_digit).count();
        if digits == 0 {
            return false;
        }
        rest = &rest[digits..];
        let unit = if rest.starts_with("ms") {
            "ms"
        } else {
            match rest.get(..1) {
                Some(u) => u,
                None => return false,
            }
        };
        let Some(idx) = units.iter().position(|u| *u == unit) else {
            return false;
        };
        if idx < last {
            return false;
        }
        last = idx + 1;
        rest = &rest[unit.len()..];
    }
    true
}

fn check_keys(v: &Value, at: &str, scope: &str, errors: &mut Vec<String>) {
    let Some(map) = v.as_object() else {
        errors.push(format!("{at}: expected a map, found {v}"));
        return;
    };
    let allowed = allowed_fields(scope).unwrap_or(&[]);
    for k in map.keys() {
        if !allowed.contains(&k.as_str()) {
            errors.push(format!(
                "{at}.{k}: not a field of the prometheus-operator CRD that this check knows \
                 ({allowed:?}); a typo?"
            ));
        }
    }
}

fn check_relabel(rule: &Value, at: &str, errors: &mut Vec<String>) {
    check_keys(rule, at, "relabel", errors);
    if let Some(a) = rule.get("action") {
        if !a
            .as_str()
            .is_some_and(|a| RELABEL_ACTIONS.contains(&a.to_ascii_lowercase().as_str()))
        {
            errors.push(format!(
                "{at}.action: {a} is not a relabel action ({RELABEL_ACTIONS:?})"
            ));
        }
    }
    if let Some(labels) = rule.get("sourceLabels") {
        match labels.as_array() {
            Some(l) if l.iter().all(|x| x.as_str().is_some_and(is_label_name)) => {}
            _ => errors.push(format!(
                "{at}.sourceLabels: {labels} is not a list of label names"
            )),
        }
    }
    if let Some(t) = rule.get("targetLabel") {
        if !t.as_str().is_some_and(is_label_name) {
            errors.push(format!("{at}.targetLabel: {t} is not a label name"));
        }
    }
    for k in ["regex", "replacement", "separator"] {
        if let Some(v) = rule.get(k) {
            if !v.is_string() {
                errors.push(format!("{at}.{k}: {v} must be a string"));
            }
        }
    }
}

/// The structural check of a PodMonitor or ServiceMonitor.
fn check_monitor(doc: &Value) -> Vec<String> {
    let kind = doc["kind"].as_str().unwrap_or_default();
    let name = doc["metadata"]["name"].as_str().unwrap_or("?");
    let at = format!("{kind}/{name}");
    let mut errors = Vec::new();
    if doc["apiVersion"] != "monitoring.coreos.com/v1" {
        errors.push(format!(
            "{at}: apiVersion {} (want monitoring.coreos.com/v1)",
            doc["apiVersion"]
        ));
    }
    check_keys(doc, &at, "", &mut errors);
    check_keys(
        &doc["metadata"],
        &format!("{at}.metadata"),
        "metadata",
        &mut errors,
    );
    if !doc["metadata"]["name"].as_str().is_some_and(|n| {
        !n.is_empty()
            && n.len() <= 253
            && n.chars()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-' || c == '.')
    }) {
        errors.push(format!("{at}: metadata.name must be a DNS-1123 subdomain"));
    }
    let spec = &doc["spec"];
    check_keys(spec, &format!("{at}.spec"), "spec", &mut errors);
    check_keys(
        &spec["selector"],
        &format!("{at}.spec.selector"),
        "spec.selector",
        &mut errors,
    );
    if let Some(ns) = spec.get("namespaceSelector") {
        check_keys(
            ns,
            &format!("{at}.spec.namespaceSelector"),
            "spec.namespaceSelector",
            &mut errors,
        );
    }
    let list_key = match kind {
        "PodMonitor" => "podMetricsEndpoints",
        "ServiceMonitor" => "endpoints",
        other => {
            errors.push(format!("{at}: unexpected kind {other}"));
            return errors;
        }
    };
    let Some(endpoints) = spec[list_key].as_array().filter(|e| !e.is_empty()) else {
        errors.push(format!("{at}.spec.{list_key}: missing or empty"));
        return errors;
    };
    for (i, ep) in endpoints.iter().enumerate() {
        let at = format!("{at}.spec.{list_key}[{i}]");
        check_keys(ep, &at, "endpoint", &mut errors);
        if ep["port"].as_str().is_none_or(str::is_empty) {
            errors.push(format!("{at}.port: a port name (string) is required"));
        }
        if !ep["path"].as_str().is_some_and(|p| p.starts_with('/')) {
            errors.push(format!("{at}.path: must be a path starting with /"));
        }
        for k in ["interval", "scrapeTimeout"] {
            if let Some(d) = ep.get(k) {
                if !d.as_str().is_some_and(is_duration) {
                    errors.push(format!("{at}.{k}: {d} is not a Prometheus duration"));
                }
            }
        }
        if let Some(h) = ep.get("honorLabels") {
            if !h.is_boolean() {
                errors.push(format!("{at}.honorLabels: {h} must be a boolean"));
            }
        }
        for list in ["relabelings", "metricRelabelings"] {
            if let Some(rules) = ep.get(list) {
                match rules.as_array() {
                    Some(rules) => rules.iter().enumerate().for_each(|(j, r)| {
                        check_relabel(r, &format!("{at}.{list}[{j}]"), &mut errors)
                    }),
                    None => errors.push(format!("{at}.{list}: must be a list")),
                }
            }
        }
    }
    errors
}

fn monitors() -> Vec<Value> {
    manifests()
        .iter()
        .flat_map(|p| documents(p))
        .filter(|d| d["kind"] == "PodMonitor" || d["kind"] == "ServiceMonitor")
        .collect()
}

#[test]
fn the_monitors_use_only_crd_fields_with_the_right_types() {
    let monitors = monitors();
    assert_eq!(monitors.len(), 2, "a PodMonitor and a ServiceMonitor");
    fail_on(monitors.iter().flat_map(check_monitor).collect());
}

#[test]
fn the_structural_check_reports_typos_and_wrong_types() {
    let mut pm = object("spark-podmonitor.yaml", "PodMonitor");
    let ep = &mut pm["spec"]["podMetricsEndpoints"][0];
    ep["honorLables"] = json!(true);
    ep["port"] = json!(4040);
    ep["interval"] = json!("15 s");
    ep["relabelings"][0]["action"] = json!("rename");
    ep["relabelings"][0]["targetLabel"] = json!("application-id");
    pm["spec"]["selectr"] = json!({});
    let errors = check_monitor(&pm).join("\n");
    for e in [
        "podMetricsEndpoints[0].honorLables: not a field",
        "podMetricsEndpoints[0].port: a port name (string) is required",
        "podMetricsEndpoints[0].interval: \"15 s\" is not a Prometheus duration",
        "relabelings[0].action: \"rename\" is not a relabel action",
        "relabelings[0].targetLabel: \"application-id\" is not a label name",
        "spec.selectr: not a field",
    ] {
        assert!(errors.contains(e), "missing {e:?} in:\n{errors}");
    }
    assert!(is_duration("15s") && is_duration("1m30s") && is_duration("500ms"));
    assert!(!is_duration("30s1m") && !is_duration("s") && !is_duration("15"));
}

// --- The datasource ConfigMap --------------------------------------------------------------------

#[test]
fn the_datasource_configmap_carries_the_datasource_file_verbatim() {
    let cm = object("grafana-datasources.yaml", "ConfigMap");
    assert_eq!(cm["metadata"]["labels"]["grafana_datasource"], "1");
    let data = cm["data"].as_object().unwrap();
    assert_eq!(data.len(), 1, "one datasource file");
    let (key, value) = data.iter().next().unwrap();
    assert!(
        key.ends_with(".yaml"),
        "{key}: the sidecar loads YAML files"
    );
    let file = workspace_root().join("provisioning/grafana/datasources/spark.yaml");
    let want = fs::read_to_string(&file).unwrap();
    assert!(
        value.as_str() == Some(want.as_str()),
        "provisioning/kubernetes/grafana-datasources.yaml no longer holds {} verbatim; copy the \
         file into its `data.{key}` block (indented by four spaces)",
        file.display()
    );
}

// --- Validation with the Python validators -------------------------------------------------------

#[test]
fn every_core_manifest_validates_against_the_kubernetes_schema() {
    let files = manifests();
    let (ok, out) = kubernetes_validate(&files);
    assert!(ok, "kubernetes-validate --strict failed:\n{out}");
    // Each Service and ConfigMap was actually checked (CRDs only get a warning there).
    for (kind, file) in [
        ("service/spark-driver-metrics", "spark-servicemonitor.yaml"),
        (
            "configmap/grafana-datasources-spark",
            "grafana-datasources.yaml",
        ),
    ] {
        assert!(
            out.lines()
                .any(|l| l.starts_with("INFO") && l.contains(file) && l.contains(kind)),
            "{kind} in {file} was not validated:\n{out}"
        );
    }
}

#[test]
fn the_monitors_validate_against_the_prometheus_operator_crd_models() {
    let (ok, out) = crd_check(&manifests());
    assert!(ok, "{out}");
    assert!(out.contains("2 checked, 0 failed"), "{out}");
}

#[test]
fn the_validators_reject_bad_manifests() {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join("provisioning-kubernetes-bad");
    fs::create_dir_all(&dir).unwrap();
    let pm = fs::read_to_string(kube_dir().join("spark-podmonitor.yaml")).unwrap();
    let typo = dir.join("typo-podmonitor.yaml");
    fs::write(&typo, pm.replace("honorLabels: true", "honorLables: true")).unwrap();
    let wrong_type = dir.join("type-podmonitor.yaml");
    fs::write(
        &wrong_type,
        pm.replacen("- port: spark-ui", "- port: 4040", 1),
    )
    .unwrap();
    let (ok, out) = crd_check(&[typo.clone(), wrong_type.clone()]);
    assert!(!ok, "{out}");
    assert!(
        out.contains("typo-podmonitor.yaml: PodMonitor/spark-driver: not in the prometheus-operator CRD: .spec.podMetricsEndpoints[0].honorLables"),
        "{out}"
    );
    assert!(
        out.contains("type-podmonitor.yaml") && out.contains("port"),
        "{out}"
    );

    let svc = dir.join("service.yaml");
    fs::write(
        &svc,
        "apiVersion: v1\nkind: Service\nmetadata:\n  name: x\nspec:\n  clusterIp: None\n",
    )
    .unwrap();
    let cm = dir.join("configmap.yaml");
    fs::write(
        &cm,
        "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: x\n  labels:\n    grafana_dashboard: 1\n",
    )
    .unwrap();
    let (ok, out) = kubernetes_validate(&[svc, cm]);
    assert!(!ok, "{out}");
    assert!(out.contains("'clusterIp' was unexpected"), "{out}");
    assert!(
        out.contains("grafana_dashboard: 1 is not of type 'string'"),
        "{out}"
    );
}

#[test]
fn multi_document_parsing_skips_empty_documents_and_reports_errors() {
    assert_eq!(documents_of("a: 1\n---\n---\nb: 2\n").unwrap().len(), 2);
    assert!(documents_of("a: [1\n").is_err());
}
