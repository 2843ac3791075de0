//! Property tests (fuzzing with shrinking) of the Graphite side: the line parser, the path
//! classifier, the stream splitter and the store. Whatever arrives, nothing panics, counts
//! add up and the caps hold.

use std::sync::atomic::Ordering::Relaxed;
use std::sync::{Arc, Mutex};
use std::time::Instant;

use proptest::prelude::*;
use spark_exporter::graphite::{classify, parse_line, Classified, LineError, MAX_LINE};
use spark_exporter::listener::{LineReader, Shared};
use spark_exporter::resolve::AppDirectory;
use spark_exporter::selfmetrics::SelfMetrics;
use spark_exporter::shutdown::Shutdown;
use spark_exporter::store::{Applied, Limits, Store};

fn shared(limits: Limits) -> Shared {
    Shared {
        store: Arc::new(Mutex::new(Store::new(limits))),
        metrics: Arc::new(SelfMetrics::default()),
        shutdown: Arc::new(Shutdown::new()),
        epoch: Instant::now(),
    }
}

/// Paths shaped like Spark's, with the odd byte thrown in.
fn spark_path() -> impl Strategy<Value = String> {
    let namespace = prop_oneof![
        "[a-z][a-z0-9-]{0,12}",
        "[a-z]{1,5}\\.[a-z]{1,5}",
        Just("app-20261121052620-0000".to_string())
    ];
    let executor = prop_oneof![Just("driver".to_string()), "[0-9]{1,4}", "[a-z]{1,4}"];
    let source = prop_oneof![
        Just("executor"),
        Just("JVMCPU"),
        Just("ExecutorMetrics"),
        Just("CodeGenerator")
    ];
    let metric = prop_oneof![
        Just("cpuTime.count".to_string()),
        Just("runTime.count".to_string()),
        Just("shuffleFetchWaitTime.count".to_string()),
        Just("memoryBytesSpilled.count".to_string()),
        Just("threadpool.activeTasks".to_string()),
        Just("jvmCpuTime".to_string()),
        "filesystem\\.[a-z]{1,5}\\.(read_bytes|write_ops|nope)",
        "[a-zA-Z_.]{0,20}",
    ];
    (namespace, executor, source, metric).prop_map(|(n, e, s, m)| format!("{n}.{e}.{s}.{m}"))
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 512, ..ProptestConfig::default() })]

    #[test]
    fn parse_line_never_panics_and_finite_values_only(bytes in proptest::collection::vec(any::<u8>(), 0..300)) {
        if let Ok(line) = parse_line(&bytes) {
            prop_assert!(line.value.is_finite());
            prop_assert!(!line.path.is_empty());
            prop_assert!(line.timestamp.is_none_or(f64::is_finite));
            let _ = classify(line.path);
        }
    }

    #[test]
    fn well_formed_lines_round_trip(
        path in spark_path(),
        value in prop_oneof![any::<u32>().prop_map(f64::from), -1e12f64..1e12, Just(0.0)],
        ts in proptest::option::of(0u64..4_000_000_000),
        sep in prop_oneof![Just(" "), Just("\t"), Just("  ")],
        cr in any::<bool>(),
    ) {
        let mut line = format!("{path}{sep}{value}");
        if let Some(ts) = ts { line.push_str(&format!("{sep}{ts}")); }
        if cr { line.push('\r'); }
        let parsed = parse_line(line.as_bytes()).unwrap();
        prop_assert_eq!(parsed.path, path.as_bytes());
        prop_assert_eq!(parsed.value, value);
        prop_assert_eq!(parsed.timestamp, ts.map(|t| t as f64));
    }

    #[test]
    fn classification_is_consistent(path in spark_path()) {
        match classify(path.as_bytes()) {
            Classified::Series(key) => {
                // The path is <namespace>.<executor id>.<source>.<metric>.
                let prefix = format!("{}.{}.", key.namespace, key.executor_id);
                prop_assert!(path.starts_with(&prefix), "{} vs {}", path, prefix);
                prop_assert!(key.executor_id == "driver" || key.executor_id.bytes().all(|b| b.is_ascii_digit()));
                let family = key.metric.family();
                prop_assert!(family.name.starts_with("spark_executor_"));
                prop_assert_eq!(key.metric.dynamic_label.is_some(), key.dynamic_value.is_some());
                let unit_suffix = ["_seconds_total", "_bytes_total", "_records_total", "_tasks_total", "_ops_total", "_total", "_tasks", "_size"];
                prop_assert!(unit_suffix.iter().any(|s| family.name.ends_with(s)));
            }
            Classified::Ignored(_) => {}
        }
    }

    #[test]
    fn too_long_lines_are_refused(extra in 1usize..100) {
        let line = vec![b'a'; MAX_LINE + extra];
        prop_assert_eq!(parse_line(&line), Err(LineError::TooLong));
    }

    /// However a stream is cut into reads, the same lines come out, in the same order.
    #[test]
    fn chunking_does_not_change_what_is_read(
        lines in proptest::collection::vec(prop_oneof![
            // Values vary, so that a line applied out of order shows in the rendering.
            (spark_path(), 0u32..1000).prop_map(|(p, v)| format!("{p} {v} 1")),
            "[ -~]{0,40}",
            Just("x".repeat(MAX_LINE + 10)),
        ], 0..40),
        cuts in proptest::collection::vec(1usize..700, 1..20),
    ) {
        let text = lines.join("\n");
        let whole = shared(Limits::default());
        let mut reader = LineReader::new();
        reader.feed(text.as_bytes(), &whole, None);
        reader.finish(&whole, None);

        let chunked = shared(Limits::default());
        let mut reader = LineReader::new();
        let mut rest = text.as_bytes();
        let mut i = 0;
        while !rest.is_empty() {
            let n = cuts[i % cuts.len()].min(rest.len());
            reader.feed(&rest[..n], &chunked, None);
            rest = &rest[n..];
            i += 1;
        }
        reader.finish(&chunked, None);

        let counts = |s: &Shared| (
            s.metrics.lines_received.load(Relaxed),
            s.metrics.lines_parsed.load(Relaxed),
            s.metrics.lines_malformed.load(Relaxed),
            s.metrics.lines_ignored.load(Relaxed),
        );
        prop_assert_eq!(counts(&whole), counts(&chunked));
        let (received, parsed, malformed, _) = counts(&whole);
        prop_assert_eq!(received, parsed + malformed);
        let dir = AppDirectory::default();
        prop_assert_eq!(
            whole.store.lock().unwrap().render_to_string(&dir),
            chunked.store.lock().unwrap().render_to_string(&dir)
        );
    }

    /// Any sequence of lines and expiries keeps the store within its caps, and the
    /// exposition stays valid.
    #[test]
    fn the_store_stays_within_its_caps(
        ops in proptest::collection::vec((spark_path(), any::<u16>(), 0u64..50, any::<bool>()), 0..200),
        max_series in 1usize..20,
        max_ignored in 0usize..20,
    ) {
        let mut store = Store::new(Limits { max_series, max_ignored_paths: max_ignored });
        let mut now = 0;
        for (path, value, dt, expire) in ops {
            now += dt;
            let applied = store.apply(path.as_bytes(), f64::from(value), None, now);
            prop_assert!(store.series() <= max_series);
            prop_assert!(store.ignored_paths() <= max_ignored);
            if applied == Applied::Dropped {
                prop_assert_eq!(store.series(), max_series);
            }
            if expire {
                store.expire(now, 30);
            }
        }
        let text = store.render_to_string(&AppDirectory::default());
        let samples = text.lines().filter(|l| !l.starts_with('#')).count();
        prop_assert_eq!(samples, store.series());
        for line in text.lines().filter(|l| !l.starts_with('#')) {
            let (series, value) = line.rsplit_once(' ').unwrap();
            prop_assert!(value.parse::<f64>().is_ok());
            prop_assert!(series.ends_with('}'), "{}", line);
        }
    }
}
