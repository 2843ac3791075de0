//! The contract's streaming relabeling, proved by a real Prometheus scraping the recorded
//! expositions of a real Spark 3.5.9 and 4.3.0 running Structured Streaming queries
//! (`tests/fixtures/streaming/<version>/`, made by `record.sh` there): each query's gauges
//! come out as `spark_streaming_<gauge>_<suffix>{query="<query>"}`, a stopped query's series
//! go stale, two names that sanitise alike are one series, and the batch fixture's series
//! are exactly what the contract's first three rules made of them before.

use std::collections::{BTreeMap, BTreeSet};
use std::fs;
use std::path::PathBuf;
use std::time::Duration;

use integration_tests::harness::{workspace_root, HarnessError, Prometheus, Replay, Series};

const WAIT: Duration = Duration::from_secs(30);

/// Spark's streaming gauges (`MetricsReporter`), as the PrometheusServlet names them.
const GAUGES: [&str; 6] = [
    "inputRate_total",
    "processingRate_total",
    "latency",
    "eventTime_watermark",
    "states_rowsTotal",
    "states_usedBytes",
];

fn fixture(version: &str) -> PathBuf {
    workspace_root()
        .join("tests/fixtures/streaming")
        .join(version)
}

fn read(path: PathBuf) -> String {
    fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// The value of the first line of `exposition` that starts with `name{`.
fn raw_value(exposition: &str, name: &str) -> f64 {
    let prefix = format!("{name}{{");
    exposition
        .lines()
        .find(|l| l.starts_with(&prefix))
        .and_then(|l| l.rsplit(' ').next())
        .and_then(|v| v.parse().ok())
        .unwrap_or_else(|| panic!("no {name} in the recorded exposition"))
}

/// `name -> labels` of every series of `expr`, for exact comparisons.
fn by_name(series: &[Series]) -> BTreeMap<(String, String), BTreeMap<String, String>> {
    series
        .iter()
        .map(|s| {
            let mut labels = s.labels.clone();
            let name = labels.remove("__name__").expect("series keep __name__");
            let query = labels.get("query").cloned().unwrap_or_default();
            ((name, query), labels)
        })
        .collect()
}

/// The unnamed query's id as the metrics name it: the workload prints
/// `PROBE stopped unnamed id=<uuid>, …`; the PrometheusServlet makes each `-` a `_`.
fn unnamed_query(version: &str) -> String {
    let probe = read(fixture(version).join("probe_lines.txt"));
    let line = probe
        .lines()
        .find(|l| l.starts_with("PROBE stopped unnamed id="))
        .expect("the workload stopped its unnamed query");
    let id = line["PROBE stopped unnamed id=".len()..]
        .split(',')
        .next()
        .unwrap();
    id.replace('-', "_")
}

fn relabels_streaming_gauges(version: &str) -> Result<(), HarnessError> {
    let replay = Replay::start(fixture(version).to_str().unwrap())?;
    let prometheus = Prometheus::start(&[replay.target()], Duration::from_secs(1))?;
    let last = read(fixture(version).join("exposition/driver_final.prom"));

    // The replay serves snapshot0, snapshot1, then the final exposition for good: wait
    // until Prometheus holds the final one (the unnamed query stopped, so gone).
    let unnamed = unnamed_query(version);
    let stale = format!(r#"spark_streaming_latency_Value{{query="{unnamed}"}}"#);
    prometheus.wait_for(&format!("last_over_time({stale}[1h])"), 1, WAIT)?;
    test_support::eventually::Eventually::new(WAIT)
        .every(Duration::from_millis(250))
        .until(
            "the stopped query's series to go stale",
            || match prometheus.query(&stale) {
                Ok(s) if s.is_empty() => Ok(Ok(())),
                Ok(s) => Err(format!("still {} series", s.len())),
                Err(e) => Ok(Err(e)),
            },
        )?;

    let streaming = prometheus.query(r#"{__name__=~"spark_streaming_.+"}"#)?;
    let got = by_name(&streaming);
    // The three queries running at the final scrape, each gauge under both suffixes; the
    // two `collide` queries are one series per name; `fails-at-batch-3` failed and the
    // unnamed query was stopped before it.
    let queries = ["collide_a_b", "events_per_window", "slow_sink"];
    let expected: BTreeSet<(String, String)> = queries
        .iter()
        .flat_map(|q| {
            GAUGES.iter().flat_map(move |g| {
                ["Number", "Value"]
                    .iter()
                    .map(move |s| (format!("spark_streaming_{g}_{s}"), q.to_string()))
            })
        })
        .collect();
    assert_eq!(
        got.keys().cloned().collect::<BTreeSet<_>>(),
        expected,
        "Spark {version}: streaming series after relabeling"
    );
    let labels = &got[&(
        "spark_streaming_latency_Value".to_string(),
        "events_per_window".to_string(),
    )];
    let want: BTreeMap<String, String> = [
        ("application_id", replay.app_id.as_str()),
        ("instance", replay.address.as_str()),
        ("job", "spark-driver"),
        ("query", "events_per_window"),
        ("spark_instance", "driver"),
        ("spark_namespace", "spark"),
        ("type", "gauges"),
    ]
    .iter()
    .map(|(k, v)| (k.to_string(), v.to_string()))
    .collect();
    assert_eq!(
        labels, &want,
        "Spark {version}: labels of a streaming gauge"
    );
    for s in &streaming {
        let q = &s.labels["query"];
        let name = &s.labels["__name__"];
        let raw = format!(
            "metrics_spark_driver_spark_streaming_{q}_{}",
            &name["spark_streaming_".len()..]
        );
        // Of two lines with one name, Prometheus keeps the first the servlet wrote
        // (`collide-a.b`: Spark sorts its registry by name and `-` sorts before `_`).
        let want = raw_value(&last, &raw);
        assert!(
            s.value == want || (s.value.is_nan() && want.is_nan()),
            "Spark {version}: {name}{{query={q:?}}} is {}, the exposition says {want}",
            s.value
        );
    }
    // Nothing keeps the query inside its name.
    let inside = prometheus
        .query(r#"count({__name__=~"spark_spark_streaming_.+|metrics_.+_streaming_.+"})"#)?;
    assert!(inside.is_empty(), "Spark {version}: {inside:?}");
    // The watermark is ms since the epoch where there is one, 0 where there is none.
    let watermark = |q: &str| {
        got.contains_key(&("spark_streaming_eventTime_watermark_Value".into(), q.into()))
            .then(|| {
                raw_value(
                    &last,
                    &format!("metrics_spark_driver_spark_streaming_{q}_eventTime_watermark_Value"),
                )
            })
    };
    assert!(watermark("events_per_window").unwrap() > 1.7e12);
    assert_eq!(watermark("slow_sink"), Some(0.0));
    // The query that falls behind on purpose does: processing below input.
    let rate = |g: &str| {
        raw_value(
            &last,
            &format!("metrics_spark_driver_spark_streaming_slow_sink_{g}_Value"),
        )
    };
    assert!(
        rate("processingRate_total") < rate("inputRate_total"),
        "Spark {version}: slow_sink keeps up"
    );
    // Two lines of one series in one scrape (the two `collide` queries): Prometheus 2.42
    // keeps the first and drops the second silently, counted by none of its own counters.
    let collided = "metrics_spark_driver_spark_streaming_collide_a_b_latency_Value{";
    let values: Vec<f64> = last
        .lines()
        .filter(|l| l.starts_with(collided))
        .map(|l| l.rsplit(' ').next().unwrap().parse().unwrap())
        .collect();
    assert_eq!(
        values.len(),
        2,
        "Spark {version}: the collision is recorded"
    );
    assert_ne!(values[0], values[1]);
    let kept = prometheus.query(r#"spark_streaming_latency_Value{query="collide_a_b"}"#)?;
    assert_eq!(kept.len(), 1);
    assert_eq!(
        kept[0].value, values[0],
        "Spark {version}: the first line wins"
    );
    let duplicates = prometheus.own_metric(
        "prometheus_target_scrapes_sample_duplicate_timestamp_total",
        &[],
    )?;
    assert_eq!(duplicates, Some(0.0), "Spark {version}");
    // Nothing streaming on the executors' endpoint.
    let executors = read(fixture(version).join("exposition/executors_final.prom"));
    // (Its labels carry the application's name, `spark-streaming-probe`; no metric name
    // does.)
    let names: Vec<&str> = executors
        .lines()
        .filter_map(|l| l.split(['{', ' ']).next())
        .filter(|n| n.to_lowercase().contains("stream"))
        .collect();
    assert!(
        names.is_empty(),
        "Spark {version}: streaming names on the executors' endpoint: {names:?}"
    );
    Ok(())
}

#[test]
fn streaming_gauges_get_a_query_label_on_spark_4_3() -> Result<(), HarnessError> {
    relabels_streaming_gauges("4.3.0")
}

#[test]
fn streaming_gauges_get_a_query_label_on_spark_3_5() -> Result<(), HarnessError> {
    relabels_streaming_gauges("3.5.9")
}

/// The batch fixture's driver series, relabeled by the contract with its streaming rules,
/// are exactly `spark_<source>_<metric>` with the namespace and instance as labels, as the
/// first three rules made them: the streaming rules touch nothing else.
#[test]
fn batch_series_are_unchanged_by_the_streaming_rules() -> Result<(), HarnessError> {
    let replay = Replay::start("spark-4.3.0_local-cluster")?;
    let prometheus = Prometheus::start(&[replay.target()], Duration::from_secs(1))?;
    let run = integration_tests::harness::spark_fixtures_dir().join("spark-4.3.0_local-cluster");
    let last = read(run.join("exposition/driver_final.prom"));
    let expected: BTreeSet<(String, String)> = last
        .lines()
        .filter_map(|l| l.strip_prefix("metrics_sparkci_driver_"))
        .map(|l| {
            let (name, rest) = l.split_once('{').expect("a type label");
            let ty = rest.split('"').nth(1).expect("type=\"…\"");
            (format!("spark_{name}"), ty.to_string())
        })
        .collect();
    // `type!=""`: the driver's own series, not the scrape's (`up`, `scrape_*`).
    let selector = format!(
        r#"{{job="spark-driver", instance="{}", type!=""}}"#,
        replay.address
    );
    prometheus.wait_for(&selector, expected.len(), WAIT)?;
    let series = prometheus.query(&selector)?;
    let got: BTreeSet<(String, String)> = series
        .iter()
        .map(|s| (s.labels["__name__"].clone(), s.labels["type"].clone()))
        .collect();
    assert_eq!(got, expected);
    for s in &series {
        let keys: BTreeSet<&str> = s.labels.keys().map(String::as_str).collect();
        assert_eq!(
            keys,
            BTreeSet::from([
                "__name__",
                "application_id",
                "instance",
                "job",
                "spark_instance",
                "spark_namespace",
                "type"
            ]),
            "{:?}",
            s.labels
        );
    }
    Ok(())
}

/// Every query of the (not yet listed) Spark Streaming dashboard returns data from a real
/// Prometheus scraping the recorded 4.3.0 run, `$app_id` and `$query` expanded to every
/// value as Grafana's "All" would: the names and labels it reads are the contract's.
#[test]
fn every_spark_streaming_query_returns_recorded_data() -> Result<(), HarnessError> {
    let replay = Replay::start(fixture("4.3.0").to_str().unwrap())?;
    let prometheus = Prometheus::start(&[replay.target()], Duration::from_secs(1))?;
    prometheus.wait_for("spark_streaming_latency_Value", 3, WAIT)?;
    let built = dashboards::spark_streaming::dashboard(&dashboards::Options::default())
        .build()
        .unwrap_or_else(|e| panic!("{e}"));
    let mut checked = 0;
    for panel in built.model.panels() {
        for target in &panel.targets {
            let Some(expr) = &target.expr else { continue };
            let expr = expr.replace("$app_id", ".*").replace("$query", ".*");
            let found = prometheus.wait_for(&expr, 1, WAIT)?;
            assert!(
                found.iter().all(|s| s.labels.contains_key("query")),
                "panel {:?}: `{expr}` loses the query label: {found:?}",
                panel.title
            );
            checked += 1;
        }
    }
    assert_eq!(checked, 6, "every query of the dashboard was asked");
    Ok(())
}
