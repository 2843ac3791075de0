//! Reading the YAML files under `provisioning/` and validating Kubernetes manifests with the
//! real validators: `kubernetes-validate --strict` (the Kubernetes OpenAPI schemas) and the
//! prometheus-operator models generated from its CRDs. `cargo xtask test` installs both
//! into `<target>/pyspark-venv`.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;

use serde::Deserialize;
use serde_json::Value;

use crate::harness::target_dir;

/// Every document of a (multi-document) YAML file, empty documents left out. Panics with
/// the file's name when it cannot be read or parsed: a test input, not user input.
pub fn documents(path: &Path) -> Vec<Value> {
    let text =
        fs::read_to_string(path).unwrap_or_else(|e| panic!("reading {}: {e}", path.display()));
    documents_of(&text).unwrap_or_else(|e| panic!("{} does not parse: {e}", path.display()))
}

/// Every document of a YAML text, empty documents left out.
///
/// ```
/// let docs = integration_tests::manifests::documents_of("a: 1\n---\n---\nb: 2\n").unwrap();
/// assert_eq!(docs.len(), 2);
/// assert!(integration_tests::manifests::documents_of("a: [").is_err());
/// ```
pub fn documents_of(text: &str) -> Result<Vec<Value>, serde_yaml_ng::Error> {
    serde_yaml_ng::Deserializer::from_str(text)
        .map(Value::deserialize)
        .filter(|d| !matches!(d, Ok(Value::Null)))
        .collect()
}

/// The one document of `kind` in `path`; panics unless there is exactly one.
pub fn one_of_kind(path: &Path, kind: &str) -> Value {
    let mut of_kind: Vec<Value> = documents(path)
        .into_iter()
        .filter(|d| d["kind"] == kind)
        .collect();
    assert_eq!(of_kind.len(), 1, "{}: expected one {kind}", path.display());
    of_kind.remove(0)
}

/// A Python with kubernetes-validate and the prometheus-operator models:
/// `KUBERNETES_VALIDATE_PYTHON`, or the venv `cargo xtask test` prepares.
pub fn validator_python() -> PathBuf {
    let python = std::env::var_os("KUBERNETES_VALIDATE_PYTHON")
        .filter(|p| !p.is_empty())
        .map(PathBuf::from)
        .unwrap_or_else(|| target_dir().join("pyspark-venv/bin/python"));
    let ok = Command::new(&python)
        .args([
            "-c",
            "import kubernetes_validate, cloudcoil.models.prometheus_operator.v1",
        ])
        .output()
        .is_ok_and(|o| o.status.success());
    assert!(
        ok,
        "{} cannot import kubernetes_validate and cloudcoil.models.prometheus_operator. Run \
         `cargo xtask test` once: it installs them into <target>/pyspark-venv (or set \
         KUBERNETES_VALIDATE_PYTHON to a Python that has them)",
        python.display()
    );
    python
}

fn run(args: &[&str], files: &[PathBuf]) -> (bool, String) {
    let out = Command::new(validator_python())
        .args(args)
        .args(files)
        .output()
        .unwrap_or_else(|e| panic!("running the validator {args:?}: {e}"));
    (
        out.status.success(),
        String::from_utf8_lossy(&out.stdout).into_owned() + &String::from_utf8_lossy(&out.stderr),
    )
}

/// `kubernetes-validate --strict` on `files`: (success, output). Objects of custom resources
/// only get a warning there; [`crd_check`] checks PodMonitors, ServiceMonitors and
/// PrometheusRules.
pub fn kubernetes_validate(files: &[PathBuf]) -> (bool, String) {
    run(&["-m", "kubernetes_validate", "--strict"], files)
}

/// Validates the PodMonitors, ServiceMonitors and PrometheusRules in `files` with the models
/// generated from the prometheus-operator CRDs: (success, output, ending in `N checked, M failed`). A field
/// the model does not know is silently dropped by pydantic; comparing the document with the
/// model's own dump finds it. Fails when no such object was found.
pub fn crd_check(files: &[PathBuf]) -> (bool, String) {
    run(&["-c", CRD_CHECK], files)
}

const CRD_CHECK: &str = r#"
import sys, yaml
from cloudcoil.models.prometheus_operator import v1
MODELS = {"PodMonitor": v1.PodMonitor, "ServiceMonitor": v1.ServiceMonitor, "PrometheusRule": v1.PrometheusRule}
def lost(a, b, at):
    if isinstance(a, dict):
        if not isinstance(b, dict):
            return [at or "."]
        out = []
        for k, v in a.items():
            out += [f"{at}.{k}"] if k not in b else lost(v, b[k], f"{at}.{k}")
        return out
    if isinstance(a, list):
        if not isinstance(b, list) or len(a) != len(b):
            return [at]
        return [p for i, (x, y) in enumerate(zip(a, b)) for p in lost(x, y, f"{at}[{i}]")]
    return [] if a == b else [f"{at} (read as {b!r})"]
bad = seen = 0
for path in sys.argv[1:]:
    with open(path) as f:
        docs = [d for d in yaml.safe_load_all(f) if d]
    for doc in docs:
        if doc.get("kind") not in MODELS:
            continue
        seen += 1
        name = f"{path}: {doc['kind']}/{doc.get('metadata', {}).get('name')}"
        try:
            model = MODELS[doc["kind"]].model_validate(doc)
        except Exception as e:
            print(f"ERROR {name}: {e}")
            bad += 1
            continue
        back = model.model_dump(by_alias=True, exclude_unset=True, mode="json")
        unknown = lost(doc, back, "")
        if unknown:
            print(f"ERROR {name}: not in the prometheus-operator CRD: {', '.join(unknown)}")
            bad += 1
        else:
            print(f"OK {name}")
print(f"{seen} checked, {bad} failed")
sys.exit(1 if bad or not seen else 0)
"#;
