//! `cargo xtask dashboards build --format configmap`: one Kubernetes ConfigMap per dashboard,
//! for the dashboard sidecar of the Grafana Helm chart.
//!
//! Each ConfigMap carries the label `grafana_dashboard: "1"` (what the sidecar watches for),
//! the annotation `grafana_folder: <folder title>` (the sidecar's `folderAnnotation`: the
//! subdirectory, hence the Grafana folder, the dashboard lands in) and one data key,
//! `<uid>.json`, holding the same JSON `dashboards build` writes to `<folder>/<uid>.json`.
//!
//! The manifests are YAML, with the dashboard JSON as a literal block scalar: the JSON stays
//! readable and diffs line by line in a GitOps repository, where a JSON manifest would hold
//! the whole dashboard on one escaped line. The YAML is written by hand (the object has a
//! fixed shape), so the output is byte-identical across runs and machines.
//!
//! Kubernetes refuses a ConfigMap over 1 MiB; [`configmaps`] fails before writing anything,
//! naming the dashboard and its size.

use std::collections::BTreeMap;
use std::fmt;

use dashboard_dsl::BuiltDashboard;

/// Kubernetes' limit on a ConfigMap (`MaxSecretSize`, which ConfigMaps share): 1 MiB. The
/// API server counts the data; we count the whole serialised manifest, which is larger, so a
/// ConfigMap that passes here also passes there.
pub const MAX_CONFIGMAP_BYTES: usize = 1_048_576;

/// The limit on all annotations of an object (256 KiB). Client-side `kubectl apply` copies the
/// whole object into the `kubectl.kubernetes.io/last-applied-configuration` annotation, so a
/// ConfigMap over this size needs `kubectl apply --server-side` (or `kubectl create`).
pub const LAST_APPLIED_ANNOTATION_BYTES: usize = 262_144;

/// Prepended to the dashboard uid to name its ConfigMap.
pub const NAME_PREFIX: &str = "grafana-dashboard-";

/// The label the Helm chart's dashboard sidecar selects on (`sidecar.dashboards.label`) …
pub const SIDECAR_LABEL: &str = "grafana_dashboard";
/// … and its value (`sidecar.dashboards.labelValue`).
pub const SIDECAR_LABEL_VALUE: &str = "1";
/// The annotation naming the Grafana folder (`sidecar.dashboards.folderAnnotation`).
pub const FOLDER_ANNOTATION: &str = "grafana_folder";
/// A label shared by every ConfigMap of this project, to list or prune them together.
pub const PART_OF_LABEL: (&str, &str) = ("app.kubernetes.io/part-of", "spark-dashboards");

/// The longest Kubernetes object name accepted here: a DNS-1123 label.
const MAX_NAME_LEN: usize = 63;

/// One rendered ConfigMap.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConfigMap {
    /// `metadata.name`: [`NAME_PREFIX`] + the uid, a valid DNS-1123 label.
    pub name: String,
    /// The dashboard's uid.
    pub uid: String,
    /// The file it is written to below the output directory: `<name>.yaml`.
    pub file_name: String,
    /// The whole manifest.
    pub yaml: String,
}

/// Why a dashboard cannot be shipped as a ConfigMap. Every variant names the dashboard and
/// says what to change.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ConfigMapError {
    /// The manifest would exceed [`MAX_CONFIGMAP_BYTES`].
    TooLarge {
        /// The dashboard's uid.
        uid: String,
        /// The dashboard's title.
        title: String,
        /// The ConfigMap's name.
        name: String,
        /// The size of the whole manifest, in bytes.
        bytes: usize,
    },
    /// The uid gives no valid ConfigMap name or data key.
    InvalidName {
        /// The dashboard's uid.
        uid: String,
        /// The name or key derived from it.
        name: String,
        /// What is wrong with it.
        reason: String,
    },
    /// Two dashboards whose uids differ only in case or in `_` versus `-` map to one name.
    NameClash {
        /// The shared ConfigMap name.
        name: String,
        /// The uid that took the name first.
        first: String,
        /// The uid that maps to it too.
        second: String,
    },
}

impl fmt::Display for ConfigMapError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ConfigMapError::TooLarge {
                uid,
                title,
                name,
                bytes,
            } => write!(
                f,
                "dashboard `{uid}` ({title:?}): its ConfigMap `{name}` would be {bytes} bytes \
                 ({:.2} MiB), over the {MAX_CONFIGMAP_BYTES}-byte (1 MiB) limit Kubernetes puts \
                 on a ConfigMap. Split the dashboard (move some rows into a new dashboard and \
                 link the two), or deploy it with Grafana file provisioning (`cargo xtask \
                 dashboards build`, the JSON format) instead of the sidecar",
                *bytes as f64 / 1_048_576.0
            ),
            ConfigMapError::InvalidName { uid, name, reason } => write!(
                f,
                "dashboard `{uid}`: `{name}` is not a valid Kubernetes name or key: {reason}. \
                 Change the dashboard's uid (letters, digits and `-`, starting and ending with \
                 a letter or digit, at most {} characters)",
                MAX_NAME_LEN - NAME_PREFIX.len()
            ),
            ConfigMapError::NameClash {
                name,
                first,
                second,
            } => write!(
                f,
                "dashboards `{first}` and `{second}` would both become ConfigMap `{name}` \
                 (names are lowercase, `_` becomes `-`); change one of the uids"
            ),
        }
    }
}

impl std::error::Error for ConfigMapError {}

/// The ConfigMap name for a dashboard uid: [`NAME_PREFIX`] + the uid, lowercased, with `_`
/// turned into `-`, checked to be a DNS-1123 label: `spark-overview` gives
/// `grafana-dashboard-spark-overview`, `Spark_GC` gives `grafana-dashboard-spark-gc`.
pub fn configmap_name(uid: &str) -> Result<String, ConfigMapError> {
    let name: String = NAME_PREFIX
        .chars()
        .chain(uid.chars().map(|c| match c {
            '_' => '-',
            c => c.to_ascii_lowercase(),
        }))
        .collect();
    check_dns1123_label(&name).map_err(|reason| ConfigMapError::InvalidName {
        uid: uid.to_string(),
        name: name.clone(),
        reason,
    })?;
    Ok(name)
}

/// Checks a DNS-1123 label: at most 63 characters of `[a-z0-9-]`, starting and ending with
/// a letter or digit. The error says which rule is broken.
pub fn check_dns1123_label(name: &str) -> Result<(), String> {
    if name.is_empty() {
        return Err("it is empty".into());
    }
    if name.len() > MAX_NAME_LEN {
        return Err(format!(
            "it is {} characters long, at most {MAX_NAME_LEN} are allowed",
            name.len()
        ));
    }
    if let Some(c) = name
        .chars()
        .find(|c| !(c.is_ascii_lowercase() || c.is_ascii_digit() || *c == '-'))
    {
        return Err(format!(
            "it contains {c:?}; only lowercase letters, digits and `-` are allowed"
        ));
    }
    if name.starts_with('-') || name.ends_with('-') {
        return Err("it must start and end with a letter or a digit".into());
    }
    Ok(())
}

/// Checks a ConfigMap data key: `[-._a-zA-Z0-9]+`, at most 253 characters.
fn check_data_key(key: &str) -> Result<(), String> {
    if key.is_empty() || key.len() > 253 {
        return Err(format!("it is {} characters long (1 to 253)", key.len()));
    }
    match key
        .chars()
        .find(|c| !(c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.')))
    {
        Some(c) => Err(format!(
            "it contains {c:?}; only letters, digits, `-`, `_` and `.` are allowed"
        )),
        None => Ok(()),
    }
}

/// Whether YAML (1.1 or 1.2) would reject or reinterpret `c` inside a block scalar or a
/// double-quoted scalar: DEL, C1 controls (NEL is a line break in YAML 1.1), the Unicode line
/// and paragraph separators, the byte-order mark and the two non-characters. serde_json
/// leaves all of them unescaped.
fn needs_yaml_escape(c: char) -> bool {
    matches!(
        c,
        '\u{7f}'..='\u{9f}' | '\u{2028}' | '\u{2029}' | '\u{feff}' | '\u{fffe}' | '\u{ffff}'
    )
}

/// Re-escapes, as `\uXXXX`, the characters of a JSON text that YAML cannot carry verbatim.
/// They can only occur inside JSON strings, where `\uXXXX` means the same character, so the
/// JSON value is unchanged. Text without them is returned as is (the common case: byte-
/// identical to the `.json` file).
fn yaml_safe_json(json: &str) -> String {
    if !json.chars().any(needs_yaml_escape) {
        return json.to_string();
    }
    let mut out = String::with_capacity(json.len() + 16);
    for c in json.chars() {
        if needs_yaml_escape(c) {
            out.push_str(&format!("\\u{:04x}", c as u32));
        } else {
            out.push(c);
        }
    }
    out
}

/// A YAML double-quoted scalar for any string: a JSON string literal is one (every JSON
/// escape is a YAML escape), once the characters YAML cannot carry are escaped too.
fn yaml_quoted(s: &str) -> String {
    yaml_safe_json(&serde_json::Value::String(s.to_string()).to_string())
}

/// Renders the manifest. `json` is the dashboard JSON; `folder` the folder title, if any.
fn render(name: &str, uid: &str, folder: Option<&str>, json: &str) -> String {
    let json = yaml_safe_json(json);
    let mut y = String::with_capacity(json.len() + json.lines().count() * 4 + 512);
    y.push_str(
        "# Generated by `cargo xtask dashboards build --format configmap`: change the\n\
         # dashboard's Rust definition, not this file. For the Grafana Helm chart's dashboard\n\
         # sidecar (label grafana_dashboard=\"1\", folder from the grafana_folder annotation).\n",
    );
    y.push_str("apiVersion: v1\nkind: ConfigMap\nmetadata:\n");
    y.push_str(&format!("  name: {name}\n"));
    y.push_str("  labels:\n");
    y.push_str(&format!("    {}: {}\n", PART_OF_LABEL.0, PART_OF_LABEL.1));
    y.push_str(&format!(
        "    {SIDECAR_LABEL}: {}\n",
        yaml_quoted(SIDECAR_LABEL_VALUE)
    ));
    if let Some(folder) = folder {
        y.push_str("  annotations:\n");
        y.push_str(&format!(
            "    {FOLDER_ANNOTATION}: {}\n",
            yaml_quoted(folder)
        ));
    }
    y.push_str("data:\n");
    // Literal block: `|` keeps exactly one final newline (the JSON's), `|-` none, `|+` all.
    let trailing = json.len() - json.trim_end_matches('\n').len();
    let chomp = match trailing {
        0 => "-",
        1 => "",
        _ => "+",
    };
    y.push_str(&format!("  {uid}.json: |{chomp}\n"));
    for line in json.lines() {
        if line.is_empty() {
            y.push('\n');
        } else {
            y.push_str("    ");
            y.push_str(line);
            y.push('\n');
        }
    }
    for _ in 1..trailing {
        y.push('\n');
    }
    y
}

/// Fails when the whole manifest is over [`MAX_CONFIGMAP_BYTES`].
fn check_size(uid: &str, title: &str, name: &str, yaml: &str) -> Result<(), ConfigMapError> {
    if yaml.len() > MAX_CONFIGMAP_BYTES {
        return Err(ConfigMapError::TooLarge {
            uid: uid.to_string(),
            title: title.to_string(),
            name: name.to_string(),
            bytes: yaml.len(),
        });
    }
    Ok(())
}

/// The ConfigMap of one dashboard, checked: a valid name and key, and within
/// [`MAX_CONFIGMAP_BYTES`].
pub fn configmap(d: &BuiltDashboard) -> Result<ConfigMap, ConfigMapError> {
    let uid = &d.model.uid;
    let name = configmap_name(uid)?;
    let key = format!("{uid}.json");
    check_data_key(&key).map_err(|reason| ConfigMapError::InvalidName {
        uid: uid.clone(),
        name: key.clone(),
        reason,
    })?;
    let yaml = render(
        &name,
        uid,
        d.folder.as_ref().map(|f| f.title.as_str()),
        &d.to_json(),
    );
    check_size(uid, &d.model.title, &name, &yaml)?;
    Ok(ConfigMap {
        file_name: format!("{name}.yaml"),
        name,
        uid: uid.clone(),
        yaml,
    })
}

/// The ConfigMaps of every dashboard, in the order given, or every problem at once (sizes,
/// names, two dashboards mapping to one name).
pub fn configmaps(built: &[BuiltDashboard]) -> Result<Vec<ConfigMap>, Vec<ConfigMapError>> {
    let mut out = Vec::new();
    let mut errors = Vec::new();
    let mut names: BTreeMap<String, String> = BTreeMap::new();
    for d in built {
        match configmap(d) {
            Ok(cm) => {
                if let Some(first) = names.insert(cm.name.clone(), cm.uid.clone()) {
                    errors.push(ConfigMapError::NameClash {
                        name: cm.name.clone(),
                        first,
                        second: cm.uid.clone(),
                    });
                }
                out.push(cm);
            }
            Err(e) => errors.push(e),
        }
    }
    if errors.is_empty() {
        Ok(out)
    } else {
        Err(errors)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use dashboard_dsl::{panel, Dashboard, Folder, Row};

    fn built(uid: &str, folder: Option<&str>) -> BuiltDashboard {
        let mut d = Dashboard::new(uid, "Test").panel(panel::text("help", "Help", "Some text."));
        if let Some(f) = folder {
            d = d.folder(Folder::new("f", f));
        }
        d.build().unwrap_or_else(|e| panic!("{e}"))
    }

    fn parse(yaml: &str) -> serde_json::Value {
        serde_yaml_ng::from_str(yaml).unwrap_or_else(|e| panic!("{e}\n{yaml}"))
    }

    #[test]
    fn a_configmap_carries_the_sidecar_label_the_folder_and_the_exact_json() {
        let d = built("spark-x", Some("Spark"));
        let cm = configmap(&d).unwrap();
        assert_eq!(cm.name, "grafana-dashboard-spark-x");
        assert_eq!(cm.file_name, "grafana-dashboard-spark-x.yaml");
        let v = parse(&cm.yaml);
        assert_eq!(v["apiVersion"], "v1");
        assert_eq!(v["kind"], "ConfigMap");
        assert_eq!(v["metadata"]["name"], "grafana-dashboard-spark-x");
        // A string, not the number 1: the sidecar compares label values as strings.
        assert_eq!(v["metadata"]["labels"]["grafana_dashboard"], "1");
        assert_eq!(v["metadata"]["annotations"]["grafana_folder"], "Spark");
        let data = v["data"].as_object().unwrap();
        assert_eq!(data.len(), 1);
        assert_eq!(data["spark-x.json"].as_str().unwrap(), d.to_json());
    }

    #[test]
    fn rendering_is_deterministic() {
        let a = configmap(&built("spark-x", Some("Spark"))).unwrap();
        let b = configmap(&built("spark-x", Some("Spark"))).unwrap();
        assert_eq!(a.yaml, b.yaml);
    }

    #[test]
    fn no_folder_means_no_annotation() {
        let v = parse(&configmap(&built("spark-x", None)).unwrap().yaml);
        assert!(v["metadata"].get("annotations").is_none(), "{v}");
    }

    #[test]
    fn characters_yaml_cannot_carry_are_escaped_and_the_json_value_is_unchanged() {
        let title = "a\u{2028}b\u{85}c\u{7f}d \"quoted\" é: #x";
        let json =
            serde_json::to_string_pretty(&serde_json::json!({ "title": title })).unwrap() + "\n";
        let yaml = render("grafana-dashboard-x", "x", Some(title), &json);
        let v = parse(&yaml);
        assert_eq!(v["metadata"]["annotations"]["grafana_folder"], title);
        let back: serde_json::Value =
            serde_json::from_str(v["data"]["x.json"].as_str().unwrap()).unwrap();
        assert_eq!(back["title"], title);
        // Without a final newline, `|-` keeps the text exact.
        let v = parse(&render("n", "x", None, "{\n  \"a\": 1\n}"));
        assert_eq!(v["data"]["x.json"], "{\n  \"a\": 1\n}");
    }

    #[test]
    fn names_derive_from_uids_and_are_checked() {
        assert_eq!(
            configmap_name("Spark_GC").unwrap(),
            "grafana-dashboard-spark-gc"
        );
        let forty = "a".repeat(40);
        assert_eq!(configmap_name(&forty).unwrap().len(), 58);
        let e = configmap_name(&"a".repeat(46)).unwrap_err().to_string();
        assert!(e.contains("at most 63"), "{e}");
        let e = configmap_name("trailing-").unwrap_err().to_string();
        assert!(
            e.contains("`trailing-`") && e.contains("start and end") && e.contains("uid"),
            "{e}"
        );
        let e = configmap_name("a.b").unwrap_err().to_string();
        assert!(e.contains("'.'"), "{e}");
        assert!(check_dns1123_label("ok-1").is_ok());
        assert!(check_dns1123_label("").is_err());
        assert!(check_data_key("spark-x.json").is_ok());
        assert!(check_data_key("a/b.json").is_err());
    }

    #[test]
    fn uids_mapping_to_one_name_are_reported() {
        let errors = configmaps(&[built("spark_x", None), built("Spark-X", None)]).unwrap_err();
        assert_eq!(errors.len(), 1, "{errors:?}");
        let e = errors[0].to_string();
        assert!(
            e.contains("`spark_x`")
                && e.contains("`Spark-X`")
                && e.contains("grafana-dashboard-spark-x"),
            "{e}"
        );
    }

    /// A dashboard of 300 timeseries panels with long descriptions and queries: about 2 MiB
    /// of JSON.
    fn oversized() -> BuiltDashboard {
        use dashboard_dsl::{datasource::Prometheus, query::PromQuery, variable::DatasourceVar};
        let prom = DatasourceVar::<Prometheus>::new("prometheus");
        let filler = "What this panel shows and what a bad value looks like. ".repeat(100);
        let mut row = Row::new("Many panels");
        for i in 0..300 {
            row = row.panel(
                panel::timeseries(format!("p{i}"), &format!("Panel {i}"))
                    .description(&filler)
                    .query(
                        &prom,
                        PromQuery::new(format!("sum(rate(metric_{i}_total[5m]))").as_str()),
                    ),
            );
        }
        Dashboard::new("spark-huge", "Spark huge")
            .variable(&prom)
            .folder(Folder::new("spark", "Spark"))
            .row(row)
            .build()
            .unwrap_or_else(|e| panic!("{e}"))
    }

    #[test]
    fn an_oversized_dashboard_fails_with_its_name_size_and_the_fix() {
        let big = oversized();
        let errors = configmaps(&[built("small", None), big.clone()]).unwrap_err();
        assert_eq!(errors.len(), 1, "{errors:?}");
        let ConfigMapError::TooLarge { bytes, .. } = &errors[0] else {
            panic!("{errors:?}")
        };
        assert!(*bytes > MAX_CONFIGMAP_BYTES);
        // The whole manifest counts, which is more than the JSON alone.
        assert!(*bytes > big.to_json().len());
        let e = errors[0].to_string();
        for part in [
            "`spark-huge`",
            "\"Spark huge\"",
            "grafana-dashboard-spark-huge",
            &format!("{bytes} bytes"),
            "1048576",
            "Split the dashboard",
            "file provisioning",
        ] {
            assert!(e.contains(part), "{part:?} missing from: {e}");
        }
    }

    #[test]
    fn the_limit_is_inclusive_and_on_the_whole_manifest() {
        let at_limit = "x".repeat(MAX_CONFIGMAP_BYTES);
        assert!(check_size("u", "T", "n", &at_limit).is_ok());
        let over = "x".repeat(MAX_CONFIGMAP_BYTES + 1);
        let e = check_size("u", "T", "n", &over).unwrap_err();
        assert!(
            matches!(&e, ConfigMapError::TooLarge { bytes, .. } if *bytes == MAX_CONFIGMAP_BYTES + 1),
            "{e:?}"
        );
    }
}
