//! Event logs a real Spark 4.3 wrote in each codec and layout (`tests/data/`): plain single
//! file (3.5's default layout), lz4, snappy, and a zstd rolling directory. The same workload
//! must give the same span tree from each, with nothing malformed.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use spark_traces::convert::ConvertOptions;
use spark_traces::run::convert_log;
use spark_traces::source::{discover, Codec, Cursor, EventLog, FileTail};
use spark_traces::span::{Span, Status, Value};

fn data(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/data")
        .join(name)
}

/// (log, codec, application name: the codec the generator was given, also when
/// compression was off).
fn logs() -> [(PathBuf, Codec, &'static str); 4] {
    [
        (
            data("local-1795246426370"),
            Codec::Plain,
            "spark-traces-lz4",
        ),
        (
            data("local-1795246481120.lz4"),
            Codec::Lz4,
            "spark-traces-lz4",
        ),
        (
            data("local-1795246313203.snappy"),
            Codec::Snappy,
            "spark-traces-snappy",
        ),
        (
            data("eventlog_v2_local-1795246368248"),
            Codec::Zstd,
            "spark-traces-zstd",
        ),
    ]
}

fn shape(spans: &[Span]) -> BTreeMap<&'static str, usize> {
    let mut m = BTreeMap::new();
    for s in spans {
        *m.entry(s.name).or_default() += 1;
    }
    m
}

#[test]
fn every_codec_spark_writes_decodes_to_the_same_span_tree() {
    for (path, codec, app_name) in logs() {
        // The codec is recognised from the bytes.
        let log = discover(&path).unwrap().remove(0);
        let (idx, file) = log.files().unwrap().remove(0);
        let mut tail = FileTail::open(&file, idx, Cursor::default());
        let mut lines = Vec::new();
        while tail.poll(&mut lines, 1 << 20).unwrap() {}
        assert_eq!(tail.codec(), Some(codec), "{}", path.display());
        assert_eq!(lines.len(), 56, "{}", path.display());
        assert!(matches!(log, EventLog::Rolling { .. }) == (codec == Codec::Zstd));
        assert!(!log.in_progress());

        let (resource, spans, malformed) = convert_log(&path, &ConvertOptions::default()).unwrap();
        assert_eq!(malformed, 0, "{}", path.display());
        assert_eq!(resource.app_name, app_name);
        assert_eq!(resource.spark_version.as_deref(), Some("4.3.0"));
        assert_eq!(
            shape(&spans),
            BTreeMap::from([
                ("spark.application", 1),
                ("spark.job", 4),
                ("spark.sql", 1),
                ("spark.stage", 5),
                ("spark.task", 12),
            ]),
            "{}",
            path.display()
        );
        // Every parent is there; the failing job and its stage are errors.
        let ids: BTreeMap<_, _> = spans.iter().map(|s| (s.span_id, s)).collect();
        for s in &spans {
            if let Some(p) = s.parent_span_id {
                let parent = ids
                    .get(&p)
                    .unwrap_or_else(|| panic!("{}: parent of {} missing", path.display(), s.name));
                assert!(parent.start_ns <= s.start_ns);
            }
        }
        let failed_jobs = spans
            .iter()
            .filter(|s| s.name == "spark.job" && s.status == Status::Error)
            .count();
        assert_eq!(failed_jobs, 1, "{}", path.display());
        let described = spans.iter().any(|s| {
            s.name == "spark.job"
                && s.attr("spark.job.description") == Some(&Value::Str("rdd shuffle".into()))
        });
        assert!(described, "{}", path.display());
        let shuffled: i64 = spans
            .iter()
            .filter(|s| s.name == "spark.stage")
            .map(|s| match s.attr("spark.stage.shuffle_write_bytes") {
                Some(Value::Int(i)) => *i,
                _ => 0,
            })
            .sum();
        assert!(shuffled > 0, "{}", path.display());
    }
}
