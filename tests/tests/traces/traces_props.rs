//! Property tests: decoding a line never panics, whatever the line, and neither does the
//! conversion, whatever the events and their order; the codecs never panic on damaged data.

use crate::traces_support;

use proptest::prelude::*;
use spark_traces::convert::{ConvertOptions, Converter, TracePer};
use spark_traces::event::{parse_line, Event};
use traces_support::fixture_lines;

fn fixture() -> &'static [String] {
    static LINES: std::sync::OnceLock<Vec<String>> = std::sync::OnceLock::new();
    LINES.get_or_init(|| {
        // The short lines (all but the huge environment and plan events) keep cases fast.
        fixture_lines()
            .into_iter()
            .filter(|l| l.len() < 6000)
            .collect()
    })
}

/// A JSON value that looks like a Spark event: right keys, arbitrary values.
fn event_like() -> impl Strategy<Value = String> {
    let names = prop::sample::select(vec![
        "SparkListenerApplicationStart",
        "SparkListenerApplicationEnd",
        "org.apache.spark.sql.execution.ui.SparkListenerSQLExecutionStart",
        "org.apache.spark.sql.execution.ui.SparkListenerSQLExecutionEnd",
        "SparkListenerJobStart",
        "SparkListenerJobEnd",
        "SparkListenerStageSubmitted",
        "SparkListenerStageCompleted",
        "SparkListenerTaskEnd",
        "SparkListenerLogStart",
        "SomethingElse",
    ]);
    let keys = prop::sample::select(vec![
        "Job ID",
        "Stage ID",
        "Stage Attempt ID",
        "Task ID",
        "Launch Time",
        "Finish Time",
        "Submission Time",
        "Completion Time",
        "Timestamp",
        "executionId",
        "rootExecutionId",
        "time",
        "Stage Info",
        "Task Info",
        "Task Metrics",
        "Task End Reason",
        "Stage IDs",
        "Properties",
        "App ID",
        "App Name",
        "Reason",
        "Failure Reason",
        "JVM GC Time",
    ]);
    let leaf = prop_oneof![
        any::<i64>().prop_map(|i| i.to_string()),
        (-5i64..5).prop_map(|i| i.to_string()),
        "[a-z0-9 ]{0,8}".prop_map(|s| format!("{s:?}")),
        Just("null".to_string()),
        Just("true".to_string()),
        Just("1e400".to_string()),
        Just("-0.5".to_string()),
    ];
    let value = leaf.prop_recursive(3, 24, 6, move |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..4).prop_map(|v| format!("[{}]", v.join(","))),
            prop::collection::vec((keys.clone(), inner), 0..6).prop_map(|kv| {
                let body: Vec<String> = kv.into_iter().map(|(k, v)| format!("{k:?}:{v}")).collect();
                format!("{{{}}}", body.join(","))
            }),
        ]
    });
    (
        names,
        prop::collection::vec(("[A-Za-z ]{1,16}", value), 0..8),
    )
        .prop_map(|(n, kv)| {
            let mut s = format!("{{\"Event\":{n:?}");
            for (k, v) in kv {
                s.push_str(&format!(",{k:?}:{v}"));
            }
            s.push('}');
            s
        })
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 512, ..ProptestConfig::default() })]

    #[test]
    fn any_text_decodes_or_errs_without_panicking(s in ".*") {
        let _ = parse_line(&s);
    }

    #[test]
    fn event_shaped_json_decodes_or_errs(line in event_like()) {
        let mut c = Converter::new(ConvertOptions::default(), "app");
        let mut out = Vec::new();
        if let Ok(e) = parse_line(&line) {
            c.process(e, &mut out);
        }
        c.finish_incomplete(&mut out);
        for s in &out {
            prop_assert!(s.end_ns >= s.start_ns);
        }
    }

    #[test]
    fn damaged_fixture_lines_never_panic(
        idx in 0usize..10_000,
        cut in 0usize..10_000,
        pos in 0usize..10_000,
        byte in any::<u8>(),
    ) {
        let lines = fixture();
        let line = &lines[idx % lines.len()];
        // Cut short at a char boundary, and with one byte replaced.
        let mut end = cut % (line.len() + 1);
        while !line.is_char_boundary(end) { end -= 1; }
        let _ = parse_line(&line[..end]);
        let mut bytes = line.clone().into_bytes();
        let p = pos % bytes.len().max(1);
        if !bytes.is_empty() { bytes[p] = byte; }
        if let Ok(s) = String::from_utf8(bytes) {
            let _ = parse_line(&s);
        }
    }

    #[test]
    fn events_in_any_order_convert_without_panicking(
        picks in prop::collection::vec(0usize..10_000, 0..300),
        per_sql in any::<bool>(),
        ratio in 0.0f64..=1.0,
    ) {
        let lines = fixture();
        let events: Vec<Event> = picks
            .iter()
            .filter_map(|i| parse_line(&lines[i % lines.len()]).ok())
            .collect();
        let opts = ConvertOptions {
            trace_per: if per_sql { TracePer::Sql } else { TracePer::Application },
            task_sampling_ratio: ratio,
            ..ConvertOptions::default()
        };
        let mut c = Converter::new(opts.clone(), "local-1795238422824");
        let mut out = Vec::new();
        for (i, e) in events.into_iter().enumerate() {
            c.process(e, &mut out);
            if i % 37 == 0 {
                // Snapshots restore to the same state at any point.
                let back = Converter::restore(c.snapshot(), opts.clone()).unwrap();
                prop_assert_eq!(back.snapshot(), c.snapshot());
            }
        }
        c.finish_incomplete(&mut out);
        for s in &out {
            prop_assert!(s.end_ns >= s.start_ns);
            prop_assert!(s.trace_id != [0; 16] && s.span_id != [0; 8]);
        }
    }

    #[test]
    fn damaged_compressed_logs_are_errors_not_panics(
        codec in 0usize..4,
        flips in prop::collection::vec((0usize..100_000, any::<u8>()), 1..4),
        cut in 0usize..100_000,
    ) {
        let text: String = fixture().iter().take(40).map(|l| format!("{l}\n")).collect();
        let mut data = match codec {
            0 => spark_traces::testing::zstd(text.as_bytes()),
            1 => spark_traces::testing::gzip(text.as_bytes()),
            2 => spark_traces::testing::lz4_block_stream(text.as_bytes(), 4096),
            _ => spark_traces::testing::snappy_stream(text.as_bytes(), 4096),
        };
        for (p, b) in flips {
            let n = data.len();
            data[p % n] = b;
        }
        data.truncate(cut % (data.len() + 1));
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("damaged");
        std::fs::write(&path, &data).unwrap();
        let _ = spark_traces::run::convert_log(&path, &ConvertOptions::default());
    }
}
