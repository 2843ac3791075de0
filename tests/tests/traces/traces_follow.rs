//! spark-traces on logs that grow: a running application's log followed until it ends
//! (single file with `.inprogress`, rolling zstd directory with rollover), resuming after a
//! restart without duplicating or losing spans, other codecs, and a directory of logs.

use crate::traces_support;

use std::collections::BTreeSet;
use std::fs;
use std::io::Write;
use std::path::Path;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::thread;
use std::time::{Duration, Instant};

use spark_traces::config::{Layer, Protocol};
use spark_traces::receiver::Receiver;
use spark_traces::run::{run, Sink};
use spark_traces::testing;
use test_support::eventually::eventually;
use traces_support::*;

fn text(lines: &[String]) -> String {
    lines.iter().map(|l| format!("{l}\n")).collect()
}

fn append(path: &Path, bytes: &[u8]) {
    let mut f = fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open(path)
        .unwrap();
    f.write_all(bytes).unwrap();
    f.flush().unwrap();
}

/// The spans of a full one-shot export of the fixture, for comparison.
fn reference() -> BTreeSet<String> {
    let r = Receiver::start().unwrap();
    export(
        &config_for(&r, Protocol::Grpc).resolve().unwrap(),
        &[gzip_copy()],
    )
    .unwrap();
    identity(&r.spans())
}

fn follow_config(r: &Receiver) -> Layer {
    Layer {
        follow: Some(true),
        ..config_for(r, Protocol::Grpc)
    }
}

/// Waits for the receiver to have at least `n` spans, up to 30 s.
fn wait_some(r: &Receiver, n: usize) -> bool {
    r.wait_for_spans(n, Duration::from_secs(30)).len() >= n
}

#[test]
fn a_growing_single_file_is_followed_until_the_application_ends() {
    let lines = fixture_lines();
    let dir = tempfile::tempdir().unwrap();
    let growing = dir.path().join(format!("{APP_ID}.inprogress"));
    let done = dir.path().join(APP_ID);
    fs::write(&growing, "").unwrap();
    let r = Arc::new(Receiver::start().unwrap());
    let cfg = follow_config(&r).resolve().unwrap();

    let writer = {
        let (r, growing, done) = (r.clone(), growing.clone(), done.clone());
        thread::spawn(move || {
            let chunks: Vec<&[String]> = lines.chunks(150).collect();
            let n = chunks.len();
            for (i, c) in chunks.into_iter().enumerate() {
                if i == n - 1 {
                    // Spans must have arrived while the application was still running.
                    assert!(wait_some(&r, 1), "no span before the log was complete");
                    assert!(r.spans().iter().all(|s| s.name != "spark.application"));
                }
                append(&growing, text(c).as_bytes());
                // Paces the writer like a running application, so that the follower sees
                // the log grow over several polls; there is no condition to wait for.
                thread::sleep(Duration::from_millis(60));
            }
            // Spark renames the file when the application ends.
            fs::rename(&growing, &done).unwrap();
        })
    };
    let started = Instant::now();
    let summary = run(
        &cfg,
        std::slice::from_ref(&growing),
        Sink::Otlp,
        &AtomicBool::new(false),
    )
    .unwrap();
    writer.join().unwrap();
    assert!(started.elapsed() < Duration::from_secs(60));
    assert_eq!(summary.malformed, 0);
    assert_eq!(summary.finished_logs, 1);
    let spans = r.spans();
    assert_eq!(count_by_name(&spans), fixture_counts());
    assert_eq!(identity(&spans), reference());
    assert!(
        r.requests().len() > 1,
        "exported as the log grew, not in one go"
    );
}

#[test]
fn a_growing_rolling_zstd_directory_is_followed_across_files() {
    let lines = fixture_lines();
    let dir = tempfile::tempdir().unwrap();
    let log = dir.path().join(format!("eventlog_v2_{APP_ID}"));
    fs::create_dir(&log).unwrap();
    let status = log.join(format!("appstatus_{APP_ID}.inprogress"));
    fs::write(&status, "").unwrap();
    let r = Arc::new(Receiver::start().unwrap());
    let cfg = follow_config(&r).resolve().unwrap();
    let writer = {
        let (r, log) = (r.clone(), log.clone());
        thread::spawn(move || {
            // Two files, as Spark rolls over at spark.eventLog.rolling.maxFileSize; each one
            // zstd frame written a few KiB at a time, cutting blocks anywhere.
            for (n, part) in [&lines[..600], &lines[600..]].into_iter().enumerate() {
                let file = log.join(format!("events_{}_{APP_ID}.zstd", n + 1));
                let z = testing::zstd(text(part).as_bytes());
                for c in z.chunks(7000) {
                    append(&file, c);
                    // Paces the writer so that the follower reads frames cut mid-block.
                    thread::sleep(Duration::from_millis(25));
                }
                if n == 0 {
                    assert!(
                        wait_some(&r, 50),
                        "spans of the first file before the second"
                    );
                }
            }
            fs::rename(&status, log.join(format!("appstatus_{APP_ID}"))).unwrap();
        })
    };
    let summary = run(
        &cfg,
        std::slice::from_ref(&log),
        Sink::Otlp,
        &AtomicBool::new(false),
    )
    .unwrap();
    writer.join().unwrap();
    assert_eq!(summary.malformed, 0);
    assert_eq!(summary.lines, 1000);
    assert_eq!(identity(&r.spans()), reference());
}

/// Runs once on the log as it is, with a state file; returns the spans received.
fn one_shot(state: &Path, log: &Path) -> Vec<spark_traces::receiver::ReceivedSpan> {
    let r = Receiver::start().unwrap();
    let cfg = Layer {
        state_file: Some(state.to_path_buf()),
        ..config_for(&r, Protocol::HttpProtobuf)
    }
    .resolve()
    .unwrap();
    export(&cfg, &[log.to_path_buf()]).unwrap();
    r.spans()
}

fn assert_split_is_exact(parts: &[Vec<spark_traces::receiver::ReceivedSpan>]) {
    let mut seen = BTreeSet::new();
    let mut all = Vec::new();
    for p in parts {
        for s in p {
            assert!(
                seen.insert(s.span_id.clone()),
                "{} {} exported twice",
                s.name,
                s.span_id
            );
            all.push(s.clone());
        }
    }
    assert_eq!(identity(&all), reference(), "the parts add up to the whole");
}

#[test]
fn a_restart_resumes_a_plain_log_without_duplicates() {
    let lines = fixture_lines();
    let dir = tempfile::tempdir().unwrap();
    let state = dir.path().join("state").join("spark-traces.json");
    let growing = dir.path().join(format!("{APP_ID}.inprogress"));
    let mut parts = Vec::new();
    // Three runs: two while the application runs (the second stops mid-way), one after.
    fs::write(&growing, text(&lines[..350])).unwrap();
    parts.push(one_shot(&state, &growing));
    // Half a line at the end: not read until it is complete.
    let next = text(&lines[350..700]);
    append(&growing, &next.as_bytes()[..next.len() - 40]);
    parts.push(one_shot(&state, &growing));
    append(&growing, &next.as_bytes()[next.len() - 40..]);
    append(&growing, text(&lines[700..]).as_bytes());
    let done = dir.path().join(APP_ID);
    fs::rename(&growing, &done).unwrap();
    parts.push(one_shot(&state, &done));
    assert!(parts.iter().all(|p| !p.is_empty()));
    assert_split_is_exact(&parts);
    // Once finished, nothing is sent again.
    assert!(one_shot(&state, &done).is_empty());
    let saved = read_to_string(&state);
    assert!(saved.contains("\"finished\":true"), "{saved}");
}

#[test]
fn a_restart_resumes_compressed_logs_without_duplicates() {
    let lines = fixture_lines();
    let all = text(&lines);
    for (codec, bytes) in [
        ("zstd", testing::zstd(all.as_bytes())),
        ("lz4", testing::lz4_block_stream(all.as_bytes(), 64 * 1024)),
        ("snappy", testing::snappy_stream(all.as_bytes(), 32 * 1024)),
        ("gz", testing::gzip(all.as_bytes())),
    ] {
        let dir = tempfile::tempdir().unwrap();
        let state = dir.path().join("state.json");
        let growing = dir.path().join(format!("{APP_ID}.{codec}.inprogress"));
        // The first run sees 45% of the compressed bytes, cut anywhere.
        let cut = bytes.len() * 45 / 100;
        fs::write(&growing, &bytes[..cut]).unwrap();
        let first = one_shot(&state, &growing);
        append(&growing, &bytes[cut..]);
        let done = dir.path().join(format!("{APP_ID}.{codec}"));
        fs::rename(&growing, &done).unwrap();
        let second = one_shot(&state, &done);
        assert!(!first.is_empty() && !second.is_empty(), "{codec}");
        assert_split_is_exact(&[first, second]);
    }
}

#[test]
fn a_restart_resumes_a_rolling_directory_at_the_next_file() {
    let lines = fixture_lines();
    let dir = tempfile::tempdir().unwrap();
    let state = dir.path().join("state.json");
    let log = dir.path().join(format!("eventlog_v2_{APP_ID}"));
    fs::create_dir(&log).unwrap();
    let status = log.join(format!("appstatus_{APP_ID}.inprogress"));
    fs::write(&status, "").unwrap();
    fs::write(
        log.join(format!("events_1_{APP_ID}.zstd")),
        testing::zstd(text(&lines[..400]).as_bytes()),
    )
    .unwrap();
    let first = one_shot(&state, &log);
    fs::write(
        log.join(format!("events_2_{APP_ID}.zstd")),
        testing::zstd(text(&lines[400..800]).as_bytes()),
    )
    .unwrap();
    let second = one_shot(&state, &log);
    fs::write(
        log.join(format!("events_3_{APP_ID}.zstd")),
        testing::zstd(text(&lines[800..]).as_bytes()),
    )
    .unwrap();
    fs::rename(&status, log.join(format!("appstatus_{APP_ID}"))).unwrap();
    let third = one_shot(&state, &log);
    assert_split_is_exact(&[first, second, third]);
}

#[test]
fn stopping_a_follower_and_starting_again_loses_and_repeats_nothing() {
    let lines = fixture_lines();
    let dir = tempfile::tempdir().unwrap();
    let state = dir.path().join("state.json");
    let growing = dir.path().join(format!("{APP_ID}.inprogress"));
    fs::write(&growing, text(&lines[..500])).unwrap();
    let r = Arc::new(Receiver::start().unwrap());
    let stop = Arc::new(AtomicBool::new(false));
    let cfg = Layer {
        state_file: Some(state.clone()),
        ..follow_config(&r)
    }
    .resolve()
    .unwrap();
    let follower = {
        let (cfg, stop, growing) = (cfg.clone(), stop.clone(), growing.clone());
        thread::spawn(move || run(&cfg, &[growing], Sink::Otlp, &stop))
    };
    assert!(wait_some(&r, 100));
    stop.store(true, Ordering::Relaxed);
    follower.join().unwrap().unwrap();
    let first = r.spans();
    r.clear();
    append(&growing, text(&lines[500..]).as_bytes());
    fs::rename(&growing, dir.path().join(APP_ID)).unwrap();
    let again = Arc::new(AtomicBool::new(false));
    run(&cfg, &[growing], Sink::Otlp, &again).unwrap();
    assert_split_is_exact(&[first, r.spans()]);
}

#[test]
fn a_directory_of_logs_is_watched_for_new_applications() {
    let dir = tempfile::tempdir().unwrap();
    let events = dir.path().join("spark-events");
    fs::create_dir(&events).unwrap();
    fs::write(events.join("app-1"), text(&retry_log("app-1", 3))).unwrap();
    // Files Spark and HDFS clients leave next to logs are not logs.
    fs::write(events.join(".app-1.crc"), "x").unwrap();
    let r = Arc::new(Receiver::start().unwrap());
    let stop = Arc::new(AtomicBool::new(false));
    let cfg = follow_config(&r).resolve().unwrap();
    let follower = {
        let (cfg, stop, events) = (cfg.clone(), stop.clone(), events.clone());
        thread::spawn(move || run(&cfg, &[events], Sink::Otlp, &stop))
    };
    let first = r.wait_for_spans(1, Duration::from_secs(30));
    assert!(!first.is_empty());
    // A new application appears while the follower runs.
    let lines = retry_log("app-2", 4);
    let growing = events.join("app-2.lz4.inprogress");
    fs::write(
        &growing,
        testing::lz4_block_stream(text(&lines).as_bytes(), 4096),
    )
    .unwrap();
    fs::rename(&growing, events.join("app-2.lz4")).unwrap();
    eventually(Duration::from_secs(30), "app-2's application span", || {
        let spans = r.spans();
        if spans
            .iter()
            .any(|s| s.name == "spark.application" && s.resource["spark.app.id"] == "app-2")
        {
            Ok(())
        } else {
            Err(format!(
                "{} spans, none of app-2's application",
                spans.len()
            ))
        }
    });
    stop.store(true, Ordering::Relaxed);
    let summary = follower.join().unwrap().unwrap();
    assert_eq!(summary.logs, 2);
    let apps: BTreeSet<String> = r
        .spans()
        .iter()
        .map(|s| s.resource["spark.app.id"].clone())
        .collect();
    assert_eq!(
        apps,
        BTreeSet::from(["app-1".to_string(), "app-2".to_string()])
    );
}
