//! `provisioning/spark-traces/`: the values-style configuration and the Kubernetes objects
//! that run spark-traces. The configuration they carry is read by spark-traces' own parser;
//! the manifests validate against the Kubernetes schema.

use std::path::PathBuf;

use integration_tests::harness::workspace_root;
use integration_tests::manifests;
use serde_json::Value;
use spark_traces::config::{Layer, Protocol};
use spark_traces::convert::TracePer;

fn dir() -> PathBuf {
    workspace_root().join("provisioning/spark-traces")
}

fn documents(name: &str) -> Vec<Value> {
    manifests::documents(&dir().join(name))
}

fn object(kind: &str) -> Value {
    documents("deployment.yaml")
        .into_iter()
        .find(|d| d["kind"] == kind)
        .unwrap_or_else(|| panic!("no {kind} in deployment.yaml"))
}

#[test]
fn the_values_file_documents_every_key_and_resolves() {
    let text = std::fs::read_to_string(dir().join("values.yaml")).unwrap();
    let cfg = Layer::from_values_yaml(&text).unwrap().resolve().unwrap();
    assert!(cfg.enabled);
    assert_eq!(cfg.protocol, Protocol::Grpc);
    assert_eq!(cfg.endpoint, "http://otel-collector.observability.svc:4317");
    assert_eq!(cfg.service_name, "spark");
    assert_eq!(cfg.sampling_ratio, 1.0);
    assert_eq!(cfg.trace_per, TracePer::Application);
    assert!(cfg.follow);
    assert!(cfg.state_file.is_some());
    // The seeds' six keys are all there, with their spelling.
    for key in [
        "enabled:",
        "endpoint:",
        "protocol:",
        "samplingRatio:",
        "serviceName:",
        "exporterType:",
    ] {
        assert!(
            text.contains(&format!("    {key}")),
            "values.yaml lacks {key}"
        );
    }
}

#[test]
fn the_deployment_runs_spark_traces_with_the_configmap() {
    let cm = object("ConfigMap");
    let values = cm["data"]["values.yaml"]
        .as_str()
        .expect("values.yaml in the ConfigMap");
    let cfg = Layer::from_values_yaml(values).unwrap().resolve().unwrap();
    assert!(cfg.follow, "a Deployment follows the logs");
    let state = cfg
        .state_file
        .expect("a state file, so restarts do not repeat spans");

    let dep = object("Deployment");
    assert_eq!(dep["spec"]["replicas"], 1, "one writer of the state file");
    let pod = &dep["spec"]["template"]["spec"];
    let c = &pod["containers"][0];
    let args: Vec<&str> = c["args"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a.as_str().unwrap())
        .collect();
    let config_arg = args
        .iter()
        .find_map(|a| a.strip_prefix("--config="))
        .expect("--config");
    let mounts = c["volumeMounts"].as_array().unwrap();
    let mounted = |path: &str| {
        mounts
            .iter()
            .find(|m| path.starts_with(m["mountPath"].as_str().unwrap()))
            .unwrap_or_else(|| panic!("{path} is not on a mounted volume"))
    };
    let config_mount = mounted(config_arg);
    let volumes = pod["volumes"].as_array().unwrap();
    let volume = |name: &Value| volumes.iter().find(|v| v["name"] == *name).expect("volume");
    assert_eq!(
        volume(&config_mount["name"])["configMap"]["name"],
        cm["metadata"]["name"]
    );
    let logs = args.last().unwrap();
    assert_eq!(
        mounted(logs)["readOnly"],
        true,
        "the event logs are only read"
    );
    let state_mount = mounted(state.to_str().unwrap());
    assert_ne!(state_mount["readOnly"], true, "the state file is written");
    let claim = &volume(&state_mount["name"])["persistentVolumeClaim"]["claimName"];
    assert_eq!(*claim, object("PersistentVolumeClaim")["metadata"]["name"]);
}

#[test]
fn the_manifests_validate_against_the_kubernetes_schema() {
    let (ok, text) = manifests::kubernetes_validate(&[dir().join("deployment.yaml")]);
    assert!(ok, "kubernetes-validate --strict:\n{text}");
    for what in ["ConfigMap", "PersistentVolumeClaim", "Deployment"] {
        assert!(
            text.contains(what) || text.contains(&what.to_lowercase()),
            "{what} not checked:\n{text}"
        );
    }
}
