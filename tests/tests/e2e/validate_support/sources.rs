//! spark-exporter's two sources describe the same tasks: the executors' counters (Graphite,
//! Spark's ms and ns) and the stages' totals (the REST API), read once the workload is done.
//! A wrong unit (ms vs ns) shows at once as a ratio of 10^3 or 10^6.

use std::collections::BTreeMap;
use std::time::{Duration, Instant};

use integration_tests::harness::{Exporter, HarnessError, Prometheus, SparkRun};
use test_support::eventually::Eventually;

/// How long the workload may take to finish and the counters to settle.
const WAIT: Duration = Duration::from_secs(120);

type Labels = BTreeMap<String, String>;

/// Every sample of `name` in an exposition: (labels, value).
fn samples(text: &str, name: &str) -> Vec<(Labels, f64)> {
    text.lines()
        .filter(|l| !l.starts_with('#'))
        .filter_map(|l| {
            let rest = l.strip_prefix(name)?;
            let (labels, value) = match rest.strip_prefix('{') {
                Some(r) => {
                    let (labels, value) = r.rsplit_once("} ")?;
                    (labels, value)
                }
                None => ("", rest.strip_prefix(' ')?),
            };
            let labels = labels
                .split("\",")
                .filter(|p| !p.is_empty())
                .filter_map(|p| {
                    let (k, v) = p.split_once("=\"")?;
                    Some((k.to_string(), v.trim_end_matches('"').to_string()))
                })
                .collect();
            Some((labels, value.parse().ok()?))
        })
        .collect()
}

fn sum_where(text: &str, name: &str, keep: impl Fn(&Labels) -> bool) -> f64 {
    samples(text, name)
        .iter()
        .filter(|(l, _)| keep(l))
        .map(|(_, v)| v)
        .sum()
}

/// The exporter's executor series carry the run (Spark's Graphite paths carry only the
/// namespace, the exporter found the application from the REST API), and once the
/// workload is done its Graphite and REST totals agree, its quantiles are ordered and
/// nothing was malformed or dropped.
pub fn agree(
    spark: &SparkRun,
    exporter: &Exporter,
    prometheus: &Prometheus,
) -> Result<(), HarnessError> {
    let series = prometheus.wait_for(
        r#"spark_executor_cpu_seconds_total{executor_id=~"0|1"} > 0"#,
        2,
        WAIT,
    )?;
    for s in &series {
        assert_eq!(s.labels["job"], "spark-exporter", "{s:?}");
        assert_eq!(s.labels["application_id"], spark.app_id, "{s:?}");
        assert_eq!(s.labels["application_name"], spark.app_name, "{s:?}");
        assert_eq!(s.labels["namespace"], "sparkci", "{s:?}");
    }

    // Once the workload is done and the last reports are in, the executors' counters (one
    // source, Graphite, with Spark's ms and ns) and the stages' totals (the other, REST)
    // describe the same tasks.
    let started = Instant::now();
    Eventually::new(WAIT)
        .every(Duration::from_secs(1))
        .until("the workload to finish", || {
            let log = spark.log();
            if log.contains("PROBE workload done") {
                Ok(())
            } else {
                Err(format!("Spark's output so far:\n{log}"))
            }
        });
    // Settled means two reads 5 s apart agree: the interval is what "settled" is measured
    // over, so it stays at 5 s.
    let mut last = String::new();
    let text = Eventually::new(WAIT.saturating_sub(started.elapsed()))
        .every(Duration::from_secs(5))
        .until("the counters to settle", || {
            let text = match exporter.metrics() {
                Ok(text) => text,
                Err(e) => return Ok(Err(e)),
            };
            let key = format!(
                "{} {}",
                sum_where(&text, "spark_executor_run_seconds_total", |_| true),
                sum_where(&text, "spark_stage_run_seconds_total", |_| true)
            );
            if key == last {
                return Ok(Ok(text));
            }
            let moved = format!("run seconds (Graphite, REST) moved from {last:?} to {key:?}");
            last = key;
            Err(moved)
        })?;
    let app = |l: &Labels| l.get("application_id") == Some(&spark.app_id);
    // Time is always spent; shuffle and spill only if the loaded machine got through an
    // iteration of the workload's joins before its time was up.
    for (graphite, rest, what, always) in [
        (
            "spark_executor_run_seconds_total",
            "spark_stage_run_seconds_total",
            "run time (ms)",
            true,
        ),
        (
            "spark_executor_cpu_seconds_total",
            "spark_stage_cpu_seconds_total",
            "CPU time (ns)",
            true,
        ),
        (
            "spark_executor_deserialize_seconds_total",
            "spark_stage_deserialize_seconds_total",
            "deserialization (ms)",
            true,
        ),
        (
            "spark_executor_shuffle_write_bytes_total",
            "spark_stage_shuffle_write_bytes_total",
            "shuffle write bytes",
            false,
        ),
        (
            "spark_executor_memory_spilled_bytes_total",
            "spark_stage_memory_spilled_bytes_total",
            "memory spill bytes",
            false,
        ),
    ] {
        let g = sum_where(&text, graphite, app);
        let r = sum_where(&text, rest, app);
        println!("{what}: Graphite {g:.3}, REST {r:.3}");
        if !always && g == 0.0 && r == 0.0 {
            continue;
        }
        assert!(g > 0.0 && r > 0.0, "{what}: Graphite {g}, REST {r}");
        let ratio = g / r;
        // Failed tasks count in the REST totals only; a unit mistake would be 10^3 or 10^6.
        assert!(
            (0.7..=1.3).contains(&ratio),
            "{what}: Graphite {g} vs REST {r} (ratio {ratio})"
        );
    }
    // Quantiles are ordered within every stage.
    let mut by_stage: BTreeMap<(String, String), Vec<(f64, f64)>> = BTreeMap::new();
    for (l, v) in samples(&text, "spark_stage_task_duration_seconds") {
        let q: f64 = l["quantile"].parse().unwrap();
        by_stage
            .entry((l["stage_id"].clone(), l["attempt_id"].clone()))
            .or_default()
            .push((q, v));
    }
    assert!(!by_stage.is_empty());
    for (stage, mut qs) in by_stage {
        qs.sort_by(|a, b| a.0.total_cmp(&b.0));
        assert!(
            qs.windows(2).all(|w| w[0].1 <= w[1].1),
            "stage {stage:?}: {qs:?}"
        );
    }
    // Nothing was malformed, dropped or undecodable.
    for name in [
        "spark_exporter_graphite_lines_malformed_total",
        "spark_exporter_graphite_lines_dropped_total",
    ] {
        assert_eq!(sum_where(&text, name, |_| true), 0.0, "{name}");
    }
    assert!(
        sum_where(&text, "spark_exporter_graphite_lines_parsed_total", |_| {
            true
        }) > 100.0
    );
    assert!(
        samples(&text, "spark_exporter_rest_poll_errors_total")
            .iter()
            .all(|(l, _)| l["reason"] != "decode"),
        "{text}"
    );
    Ok(())
}
