//! `provisioning/spark-exporter/` and the `spark-exporter` job of `prometheus.yml`: the
//! manifests validate against the Kubernetes schema and the prometheus-operator CRD, agree
//! with each other and with the Spark conf lines, and the Deployment's flags and
//! environment start the real binary.

use std::collections::BTreeMap;
use std::fs;
use std::io::Read;
use std::path::PathBuf;
use std::process::{Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use integration_tests::harness::{exporter_bin, workspace_root};
use integration_tests::manifests::{crd_check, documents, kubernetes_validate, one_of_kind};
use serde_json::Value;
use test_support::eventually::eventually;

fn dir() -> PathBuf {
    workspace_root().join("provisioning/spark-exporter")
}

fn one(file: &str, kind: &str) -> Value {
    one_of_kind(&dir().join(file), kind)
}

/// `key value` lines of spark-exporter.conf.
fn spark_conf() -> BTreeMap<String, String> {
    fs::read_to_string(dir().join("spark-exporter.conf"))
        .unwrap()
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
        .map(|l| {
            let (k, v) = l.split_once(char::is_whitespace).expect("key value");
            (k.to_string(), v.trim().to_string())
        })
        .collect()
}

fn prometheus_job(name: &str) -> Value {
    let doc = documents(&workspace_root().join("provisioning/prometheus/prometheus.yml")).remove(0);
    doc["scrape_configs"]
        .as_array()
        .unwrap()
        .iter()
        .find(|j| j["job_name"] == name)
        .cloned()
        .unwrap_or_else(|| panic!("prometheus.yml has no job {name}"))
}

/// A file_sd glob (`*` only) against a file name.
fn glob(pattern: &str, name: &str) -> bool {
    match pattern.split_once('*') {
        None => pattern == name,
        Some((pre, post)) => {
            name.len() >= pre.len() + post.len() && name.starts_with(pre) && name.ends_with(post)
        }
    }
}

#[test]
fn the_prometheus_job_scrapes_the_exporter_and_only_its_own_targets() {
    let job = prometheus_job("spark-exporter");
    assert_eq!(job["metrics_path"], "/metrics");
    assert_eq!(
        job["honor_labels"], true,
        "the exporter's application labels must win"
    );
    let pattern = job["file_sd_configs"][0]["files"][0].as_str().unwrap();
    let harness_file = integration_tests::harness::EXPORTER_TARGETS_FILE;
    assert!(glob(pattern, harness_file), "{pattern} vs {harness_file}");
    // The Spark jobs must not read the exporter's targets, nor the exporter job theirs.
    for other in ["spark-driver", "spark-executors"] {
        let theirs = prometheus_job(other)["file_sd_configs"][0]["files"][0]
            .as_str()
            .unwrap()
            .to_string();
        assert!(
            !glob(&theirs, harness_file),
            "job {other} ({theirs}) would scrape the exporter"
        );
        assert!(!glob(pattern, "targets/spark-harness.json"), "{pattern}");
    }
    assert!(
        glob("targets/spark-*.json", "targets/spark-exporter-x.json"),
        "why the pattern is not spark-exporter-*"
    );
}

#[test]
fn the_manifests_agree_with_each_other_the_spark_conf_and_prometheus_yml() {
    let deployment = one("deployment.yaml", "Deployment");
    let service = one("service.yaml", "Service");
    let monitor = one("servicemonitor.yaml", "ServiceMonitor");
    let pod = &deployment["spec"]["template"];
    // The Service and the Deployment's selector select the pods.
    let pod_labels = pod["metadata"]["labels"].as_object().unwrap();
    for selector in [
        &service["spec"]["selector"],
        &deployment["spec"]["selector"]["matchLabels"],
    ] {
        for (k, v) in selector.as_object().unwrap() {
            assert_eq!(pod_labels.get(k), Some(v), "pods lack {k}={v}");
        }
    }
    // Service ports name the container's ports, and the numbers agree.
    let container = &pod["spec"]["containers"][0];
    let container_ports: BTreeMap<&str, u64> = container["ports"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| {
            (
                p["name"].as_str().unwrap(),
                p["containerPort"].as_u64().unwrap(),
            )
        })
        .collect();
    let service_ports: BTreeMap<&str, u64> = service["spec"]["ports"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| {
            let target = p["targetPort"].as_str().unwrap();
            assert!(
                container_ports.contains_key(target),
                "Service targetPort {target}"
            );
            (p["name"].as_str().unwrap(), p["port"].as_u64().unwrap())
        })
        .collect();
    let args: Vec<&str> = container["args"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a.as_str().unwrap())
        .collect();
    let arg_port = |flag: &str| -> u64 {
        let a = args
            .iter()
            .find_map(|a| a.strip_prefix(&format!("{flag}=")))
            .unwrap();
        a.rsplit(':').next().unwrap().parse().unwrap()
    };
    assert_eq!(arg_port("--graphite-listen"), container_ports["graphite"]);
    // UDP on the same port: the exporter binds both at --graphite-listen.
    assert_eq!(container_ports["graphite-udp"], container_ports["graphite"]);
    assert_eq!(service_ports["graphite-udp"], service_ports["graphite"]);
    let protocol = |list: &Value, name: &str| {
        list.as_array()
            .unwrap()
            .iter()
            .find(|p| p["name"] == name)
            .map(|p| p["protocol"].as_str().unwrap().to_string())
    };
    for list in [&container["ports"], &service["spec"]["ports"]] {
        assert_eq!(protocol(list, "graphite").as_deref(), Some("TCP"));
        assert_eq!(protocol(list, "graphite-udp").as_deref(), Some("UDP"));
    }
    assert_eq!(arg_port("--listen"), container_ports["metrics"]);
    // Probes on the metrics port.
    for probe in ["readinessProbe", "livenessProbe"] {
        assert_eq!(container[probe]["httpGet"]["path"], "/healthz");
        assert_eq!(container[probe]["httpGet"]["port"], "metrics");
    }
    // The Spark conf sends to the Service's graphite port, by the Service's DNS name in the
    // namespace the Deployment's comment says to apply it in.
    let conf = spark_conf();
    let key = |k: &str| {
        conf.get(&format!("spark.metrics.conf.executor.sink.graphite.{k}"))
            .cloned()
            .unwrap_or_default()
    };
    assert_eq!(key("class"), "org.apache.spark.metrics.sink.GraphiteSink");
    assert_eq!(
        key("port").parse::<u64>().unwrap(),
        service_ports["graphite"]
    );
    let host = key("host");
    let name = service["metadata"]["name"].as_str().unwrap();
    assert!(
        host.starts_with(&format!("{name}.monitoring.svc")),
        "{host}"
    );
    assert!(fs::read_to_string(dir().join("deployment.yaml"))
        .unwrap()
        .contains("kubectl apply -n monitoring"));
    assert!(
        key("period").parse::<u64>().unwrap() <= 15,
        "the sink should report at least once per scrape (15s)"
    );
    // The ServiceMonitor is the prometheus.yml job.
    let job = prometheus_job("spark-exporter");
    for (k, v) in monitor["spec"]["selector"]["matchLabels"]
        .as_object()
        .unwrap()
    {
        assert_eq!(
            service["metadata"]["labels"].get(k),
            Some(v),
            "the Service lacks {k}={v}"
        );
    }
    let endpoint = &monitor["spec"]["endpoints"][0];
    assert!(service_ports.contains_key(endpoint["port"].as_str().unwrap()));
    assert_eq!(endpoint["path"], job["metrics_path"]);
    assert_eq!(endpoint["honorLabels"], job["honor_labels"]);
    let job_label = endpoint["relabelings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["targetLabel"] == "job")
        .unwrap();
    assert_eq!(job_label["replacement"], job["job_name"]);
}

#[test]
fn the_deployments_flags_and_environment_start_the_real_binary() {
    let deployment = one("deployment.yaml", "Deployment");
    let container = &deployment["spec"]["template"]["spec"]["containers"][0];
    // The manifest's flags, on loopback ports the kernel picks.
    let args: Vec<String> = container["args"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| {
            let a = a.as_str().unwrap();
            match a.split_once('=') {
                Some((flag, _)) if flag.ends_with("listen") => format!("{flag}=127.0.0.1:0"),
                _ => a.to_string(),
            }
        })
        .collect();
    let mut command = Command::new(exporter_bin().unwrap());
    command
        .args(&args)
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::piped());
    for var in container["env"].as_array().unwrap() {
        command.env(
            var["name"].as_str().unwrap(),
            var["value"].as_str().unwrap(),
        );
    }
    let mut child = command.spawn().unwrap();
    let stderr = Arc::new(Mutex::new(String::new()));
    let reader = {
        let (mut pipe, stderr) = (child.stderr.take().unwrap(), stderr.clone());
        std::thread::spawn(move || {
            let mut buf = [0u8; 1024];
            while let Ok(n @ 1..) = pipe.read(&mut buf) {
                let text = String::from_utf8_lossy(&buf[..n]);
                stderr.lock().unwrap().push_str(&text);
            }
        })
    };
    // The flags and variables parsed (a mistake exits 2 at once), and the History Server,
    // not reachable here, was polled, reported, and survived.
    eventually(
        Duration::from_secs(30),
        "the exporter to report the unreachable History Server",
        || {
            let err = stderr.lock().unwrap().clone();
            if let Some(status) = child.try_wait().unwrap() {
                panic!("the exporter exited with {status}: {err}");
            }
            if err.contains("REST http://spark-history-server.spark.svc.cluster.local:18080: ") {
                Ok(())
            } else {
                Err(format!("stderr so far: {err:?}"))
            }
        },
    );
    assert!(
        child.try_wait().unwrap().is_none(),
        "exited after the report"
    );
    // SAFETY: plain syscall on our child.
    unsafe { libc::kill(child.id() as i32, libc::SIGTERM) };
    let status = child.wait().unwrap();
    reader.join().unwrap();
    let err = stderr.lock().unwrap().clone();
    assert!(status.success(), "{status}: {err}");
    assert!(
        err.contains("REST targets: http://spark-history-server.spark.svc.cluster.local:18080"),
        "{err}"
    );
}

// --- The validators of provisioning_kubernetes.rs, on these manifests ----------------------------

fn manifests() -> Vec<PathBuf> {
    ["deployment.yaml", "service.yaml", "servicemonitor.yaml"]
        .iter()
        .map(|f| dir().join(f))
        .collect()
}

#[test]
fn the_deployment_and_service_validate_against_the_kubernetes_schema() {
    let (ok, text) = kubernetes_validate(&manifests());
    assert!(ok, "kubernetes-validate --strict failed:\n{text}");
    for (kind, file) in [
        ("deployment/spark-exporter", "deployment.yaml"),
        ("service/spark-exporter", "service.yaml"),
    ] {
        assert!(
            text.lines()
                .any(|l| l.starts_with("INFO") && l.contains(file) && l.contains(kind)),
            "{kind} in {file} was not validated:\n{text}"
        );
    }
}

#[test]
fn the_servicemonitor_validates_against_the_prometheus_operator_crd() {
    let (ok, text) = crd_check(&manifests());
    assert!(ok, "{text}");
    assert!(text.contains("1 checked, 0 failed"), "{text}");
}
