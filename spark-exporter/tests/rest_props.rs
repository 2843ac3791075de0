//! Property tests of the REST decoding: arbitrary bytes and arbitrary JSON never panic,
//! Spark-shaped JSON with wrong types, nulls and missing fields decodes or errors cleanly,
//! dates round-trip, and every recorded REST response of a real run decodes.

use proptest::prelude::*;
use serde_json::{json, Value};

use crate::support;
use spark_exporter::rest::model::{
    decode_applications, decode_environment, decode_executors, decode_jobs, decode_stages,
    decode_task_summary, format_spark_date, parse_spark_date, StageStatus,
};

fn any_json() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::from),
        any::<i64>().prop_map(Value::from),
        any::<f64>()
            .prop_filter("finite", |f| f.is_finite())
            .prop_map(Value::from),
        "[ -~]{0,12}".prop_map(Value::from),
    ];
    leaf.prop_recursive(4, 64, 8, |inner| {
        prop_oneof![
            proptest::collection::vec(inner.clone(), 0..6).prop_map(Value::from),
            proptest::collection::btree_map(
                prop_oneof![
                    Just("stageId".to_string()),
                    Just("status".to_string()),
                    Just("quantiles".to_string()),
                    Just("duration".to_string()),
                    Just("shuffleReadMetrics".to_string()),
                    Just("sparkProperties".to_string()),
                    Just("attempts".to_string()),
                    Just("id".to_string()),
                    "[a-zA-Z]{1,8}",
                ],
                inner,
                0..6
            )
            .prop_map(|m| Value::Object(m.into_iter().collect())),
        ]
    })
}

/// A number as Spark writes it, or something a broken proxy might.
fn spark_number() -> impl Strategy<Value = Value> {
    prop_oneof![
        4 => (0u64..10_000_000_000).prop_map(Value::from),
        1 => Just(Value::Null),
        1 => "[0-9]{1,6}".prop_map(Value::from),
        1 => Just(json!(1.5e3)),
    ]
}

fn quantile_list(len: usize) -> impl Strategy<Value = Value> {
    proptest::collection::vec(
        prop_oneof![4 => (0u32..100_000).prop_map(|v| json!(f64::from(v))), 1 => Just(Value::Null)],
        len,
    )
    .prop_map(Value::from)
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 512, ..ProptestConfig::default() })]

    #[test]
    fn arbitrary_bytes_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..400)) {
        let _ = decode_applications(&bytes);
        let _ = decode_stages(&bytes);
        let _ = decode_task_summary(&bytes);
        let _ = decode_jobs(&bytes);
        let _ = decode_executors(&bytes);
        let _ = decode_environment(&bytes);
    }

    #[test]
    fn arbitrary_json_never_panics(v in any_json()) {
        let bytes = serde_json::to_vec(&v).unwrap();
        let wrapped = serde_json::to_vec(&Value::from(vec![v])).unwrap();
        for b in [&bytes, &wrapped] {
            let _ = decode_applications(b);
            let _ = decode_stages(b);
            let _ = decode_jobs(b);
            let _ = decode_executors(b);
            let _ = decode_environment(b);
            if let Ok(s) = decode_task_summary(b) {
                // Every list is as long as the quantiles, or empty.
                for list in [&s.duration, &s.executor_run_time, &s.shuffle_read_metrics.read_bytes, &s.shuffle_write_metrics.write_time] {
                    prop_assert!(list.is_empty() || list.len() == s.quantiles.len());
                }
            }
        }
    }

    #[test]
    fn spark_shaped_stages_decode(
        id in spark_number(), attempt in spark_number(), run in spark_number(), spill in spark_number(),
        status in prop_oneof![Just("ACTIVE"), Just("COMPLETE"), Just("FAILED"), Just("PENDING"), Just("SKIPPED"), Just("NEW_IN_SPARK_9")],
        drop_field in proptest::option::of(prop_oneof![Just("stageId"), Just("executorRunTime"), Just("name"), Just("status")]),
    ) {
        let mut stage = json!({
            "status": status, "stageId": id, "attemptId": attempt, "executorRunTime": run,
            "memoryBytesSpilled": spill, "name": "count at x.py:1", "details": "…",
            "peakExecutorMetrics": {"JVMHeapMemory": 1}, "accumulatorUpdates": [],
        });
        if let Some(f) = drop_field { stage.as_object_mut().unwrap().remove(f); }
        let stages = decode_stages(&serde_json::to_vec(&json!([stage])).unwrap()).unwrap();
        prop_assert_eq!(stages.len(), 1);
        let s = &stages[0];
        prop_assert!(s.stage_id.is_finite() && s.executor_run_time >= 0.0 && s.memory_bytes_spilled >= 0.0);
        if status == "NEW_IN_SPARK_9" || drop_field == Some("status") {
            prop_assert_eq!(s.status, StageStatus::Unknown);
        }
    }

    #[test]
    fn task_summaries_with_mismatched_lengths_are_trimmed_not_indexed(
        (n, d, r, q, dur, read) in (0usize..8, 0usize..8, 0usize..8).prop_flat_map(|(n, d, r)| {
            (Just(n), Just(d), Just(r), quantile_list(n), quantile_list(d), quantile_list(r))
        }),
        extra in any_json(),
    ) {
        let body = json!({"quantiles": q, "duration": dur, "shuffleReadMetrics": {"readBytes": read}, "somethingNew": extra});
        let s = decode_task_summary(&serde_json::to_vec(&body).unwrap()).unwrap();
        prop_assert_eq!(s.duration.len(), if d == n { n } else { 0 });
        prop_assert_eq!(s.shuffle_read_metrics.read_bytes.len(), if r == n { n } else { 0 });
    }

    #[test]
    fn dates_round_trip(ms in -62_135_596_800_000i64..253_402_300_799_999) {
        let text = format_spark_date(ms);
        prop_assert_eq!(parse_spark_date(&text), Some(ms), "{}", text);
    }

    #[test]
    fn date_parsing_never_panics(s in "\\PC{0,40}") {
        let _ = parse_spark_date(&s);
    }
}

#[test]
fn every_recorded_rest_response_of_a_real_run_decodes() {
    let dir = support::rest_dir();
    let read = |name: &str| support::read(dir.join(name));
    let stages = decode_stages(&read("stages_final.json")).unwrap();
    assert_eq!(stages.len(), 29);
    assert!(stages
        .iter()
        .all(|s| matches!(s.status, StageStatus::Complete | StageStatus::Skipped)));
    assert!(stages.iter().all(|s| s
        .completion_time
        .as_deref()
        .is_none_or(|t| parse_spark_date(t).is_some())));
    assert_eq!(
        decode_stages(&read("stages_midrun_snapshot3.json"))
            .unwrap()
            .len(),
        29
    );
    let jobs = decode_jobs(&read("jobs_final.json")).unwrap();
    assert!(!jobs.is_empty());
    let executors = decode_executors(&read("executors_final.json")).unwrap();
    assert_eq!(
        executors.iter().map(|e| e.id.as_str()).collect::<Vec<_>>(),
        ["driver", "1", "0"]
    );
    let env = decode_environment(&read("environment_spark_properties.json")).unwrap();
    assert_eq!(env.property("spark.metrics.namespace"), Some("sparkci"));
    // One summary per stage in the recording.
    let all: serde_json::Map<String, Value> =
        serde_json::from_slice(&read("taskSummary_all_stages.json")).unwrap();
    for (stage, summary) in all {
        let s = decode_task_summary(summary.to_string().as_bytes()).unwrap();
        assert_eq!(s.quantiles, [0.0, 0.25, 0.5, 0.75, 0.95, 1.0], "{stage}");
        assert_eq!(s.duration.len(), 6, "{stage}");
        assert_eq!(s.shuffle_write_metrics.write_time.len(), 6, "{stage}");
    }
    // One stage attempt (`stages/<id>/<attempt>`) is not a stage list: the error says what
    // was expected.
    let err = decode_stages(&read("stage_detail_withSummaries.json"))
        .unwrap_err()
        .to_string();
    assert!(
        err.starts_with("not the JSON Spark's REST API returns (a stage list): invalid type: map"),
        "{err}"
    );
}
