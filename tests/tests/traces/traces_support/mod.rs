//! What the `traces_*` tests share: the fixture event logs, synthetic logs, configurations
//! that point at an in-process OTLP receiver, and span-tree checks.
#![allow(dead_code)]

use std::collections::{BTreeMap, BTreeSet};
use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::sync::atomic::AtomicBool;
use std::time::Duration;

use integration_tests::harness::spark_fixtures_dir;
use spark_traces::config::{Config, Layer, Protocol};
use spark_traces::receiver::{ReceivedSpan, Receiver};
use spark_traces::run::{run, RunError, RunSummary, Sink};

/// The application of the fixture logs.
pub const APP_ID: &str = "local-1795238422824";
pub const APP_NAME: &str = "spark-metrics-probe";

/// What the fixture log holds (counted from its events).
pub const FIXTURE_SPANS: [(&str, usize); 5] = [
    ("spark.application", 1),
    ("spark.sql", 16),
    ("spark.job", 59),
    ("spark.stage", 64),
    ("spark.task", 211),
];
pub const FIXTURE_TOTAL: usize = 351;

pub fn eventlogs_dir() -> PathBuf {
    spark_fixtures_dir().join("eventlogs")
}

/// The rolling directory Spark 4.3 wrote (zstd).
pub fn rolling_zstd_dir() -> PathBuf {
    eventlogs_dir().join(format!("spark-4.3.0_eventlog_v2_{APP_ID}"))
}

/// The gzipped JSON-lines copy.
pub fn gzip_copy() -> PathBuf {
    eventlogs_dir().join(format!("spark-4.3.0_{APP_ID}.jsonl.gz"))
}

/// The fixture's lines, decompressed (with spark-traces' own reader).
pub fn fixture_lines() -> Vec<String> {
    let path = gzip_copy();
    let mut tail = spark_traces::source::FileTail::open(&path, 0, Default::default());
    let mut lines = Vec::new();
    while tail
        .poll(&mut lines, 8 << 20)
        .expect("the fixture event log")
    {}
    lines.into_iter().map(|l| l.text.expect("UTF-8")).collect()
}

/// A configuration that sends to `receiver` with `protocol`, fast retries.
pub fn config_for(receiver: &Receiver, protocol: Protocol) -> Layer {
    Layer {
        endpoint: Some(match protocol {
            Protocol::Grpc => receiver.grpc_endpoint(),
            Protocol::HttpProtobuf => receiver.http_endpoint(),
        }),
        protocol: Some(protocol),
        retry_max_attempts: Some(4),
        retry_initial_backoff: Some(Duration::from_millis(10)),
        retry_max_backoff: Some(Duration::from_millis(50)),
        timeout: Some(Duration::from_secs(5)),
        poll_interval: Some(Duration::from_millis(30)),
        batch_timeout: Some(Duration::from_millis(30)),
        ..Layer::default()
    }
}

pub fn export(config: &Config, inputs: &[PathBuf]) -> Result<RunSummary, RunError> {
    run(config, inputs, Sink::Otlp, &AtomicBool::new(false))
}

/// Spans by id; panics on a duplicate id.
pub fn by_id(spans: &[ReceivedSpan]) -> BTreeMap<String, ReceivedSpan> {
    let mut m = BTreeMap::new();
    for s in spans {
        if let Some(prev) = m.insert(s.span_id.clone(), s.clone()) {
            panic!("span id {} twice: {} and {}", s.span_id, prev.name, s.name);
        }
    }
    m
}

pub fn count_by_name(spans: &[ReceivedSpan]) -> BTreeMap<String, usize> {
    let mut m = BTreeMap::new();
    for s in spans {
        *m.entry(s.name.clone()).or_default() += 1;
    }
    m
}

pub fn fixture_counts() -> BTreeMap<String, usize> {
    FIXTURE_SPANS
        .iter()
        .map(|(k, v)| (k.to_string(), *v))
        .collect()
}

/// Every parent exists, in the same trace, and contains its child in time; names nest as
/// application > sql > job > stage > task.
pub fn check_tree(spans: &[ReceivedSpan]) {
    let ids = by_id(spans);
    let rank = |n: &str| match n {
        "spark.application" => 0,
        "spark.sql" => 1,
        "spark.job" => 2,
        "spark.stage" => 3,
        "spark.task" => 4,
        other => panic!("unexpected span name {other}"),
    };
    for s in spans {
        assert!(
            s.end_ns >= s.start_ns,
            "{} {} ends before it starts",
            s.name,
            s.span_id
        );
        if s.parent_span_id.is_empty() {
            continue;
        }
        let p = ids.get(&s.parent_span_id).unwrap_or_else(|| {
            panic!(
                "{} {}: parent {} missing",
                s.name, s.span_id, s.parent_span_id
            )
        });
        assert_eq!(
            p.trace_id, s.trace_id,
            "{} and its parent in different traces",
            s.name
        );
        assert!(
            rank(&p.name) < rank(&s.name) || (p.name == "spark.sql" && s.name == "spark.sql"),
            "{} under {}",
            s.name,
            p.name
        );
        if s.name != "spark.task" {
            // Tasks can end after their stage (a speculative copy killed late).
            assert!(
                p.start_ns <= s.start_ns && s.end_ns <= p.end_ns.max(s.end_ns),
                "{} {} starts before its parent {}",
                s.name,
                s.span_id,
                p.name
            );
        }
    }
}

/// The spans as comparable tuples: (span id, parent, trace, name, start, end, attributes).
pub fn identity(spans: &[ReceivedSpan]) -> BTreeSet<String> {
    spans
        .iter()
        .map(|s| {
            format!(
                "{} {} {} {} {} {} {:?} {:?} {:?}",
                s.span_id,
                s.parent_span_id,
                s.trace_id,
                s.name,
                s.start_ns,
                s.end_ns,
                s.attributes,
                s.status,
                s.links
            )
        })
        .collect()
}

/// Writes `lines` as a single plain event log file.
pub fn write_log(path: &Path, lines: &[String]) {
    let mut f = std::fs::File::create(path).unwrap();
    for l in lines {
        writeln!(f, "{l}").unwrap();
    }
}

pub fn read_to_string(path: &Path) -> String {
    let mut s = String::new();
    std::fs::File::open(path)
        .unwrap()
        .read_to_string(&mut s)
        .unwrap();
    s
}

/// A small application with a stage retried after a fetch failure: job 0 runs stage 0
/// (map) and stage 1 (reduce); stage 1 attempt 0 fails with a FetchFailed task, stage 0 is
/// resubmitted as attempt 1, then stage 1 attempt 1 succeeds. `tasks` tasks per attempt.
pub fn retry_log(app: &str, tasks: i64) -> Vec<String> {
    let mut l = vec![
        r#"{"Event":"SparkListenerLogStart","Spark Version":"3.5.9"}"#.to_string(),
        format!(r#"{{"Event":"SparkListenerApplicationStart","App Name":"retries","App ID":"{app}","Timestamp":1000,"User":"test"}}"#),
        r#"{"Event":"SparkListenerJobStart","Job ID":0,"Submission Time":1100,"Stage Infos":[],"Stage IDs":[0,1],"Properties":{"spark.job.description":"retry test"}}"#.to_string(),
    ];
    let mut task_id = 0;
    let mut t = 1200;
    let stage = |l: &mut Vec<String>,
                 stage: i64,
                 attempt: i64,
                 fail: bool,
                 t: &mut i64,
                 task_id: &mut i64| {
        l.push(format!(r#"{{"Event":"SparkListenerStageSubmitted","Stage Info":{{"Stage ID":{stage},"Stage Attempt ID":{attempt},"Stage Name":"stage {stage}","Number of Tasks":{tasks},"Submission Time":{t}}},"Properties":{{}}}}"#));
        let start = *t;
        for i in 0..tasks {
            let launch = *t + i;
            let finish = launch + 100 + 10 * i;
            let (reason, failed) = if fail && i == 0 {
                (r#"{"Reason":"FetchFailed","Block Manager Address":{"Executor ID":"2","Host":"h2","Port":7337},"Shuffle ID":0,"Map ID":1,"Reduce ID":0,"Message":"org.apache.spark.shuffle.FetchFailedException: Connection reset"}"#.to_string(), true)
            } else {
                (r#"{"Reason":"Success"}"#.to_string(), false)
            };
            l.push(format!(
                r#"{{"Event":"SparkListenerTaskEnd","Stage ID":{stage},"Stage Attempt ID":{attempt},"Task Type":"ShuffleMapTask","Task End Reason":{reason},"Task Info":{{"Task ID":{task_id},"Index":{i},"Attempt":0,"Launch Time":{launch},"Executor ID":"{exec}","Host":"h{exec}","Locality":"NODE_LOCAL","Speculative":false,"Getting Result Time":0,"Finish Time":{finish},"Failed":{failed},"Killed":false}},"Task Metrics":{{"Executor Run Time":90,"JVM GC Time":{gc},"Shuffle Read Metrics":{{"Remote Bytes Read":1000,"Local Bytes Read":24,"Fetch Wait Time":3}},"Shuffle Write Metrics":{{"Shuffle Bytes Written":2048}},"Memory Bytes Spilled":{spill},"Disk Bytes Spilled":0}}}}"#,
                task_id = *task_id,
                exec = i % 3,
                gc = 5 + i,
                spill = if i == 1 { 4096 } else { 0 },
            ));
            *task_id += 1;
        }
        *t = start + tasks + 100 + 10 * tasks + 10;
        let failure = if fail {
            r#","Failure Reason":"org.apache.spark.shuffle.FetchFailedException: Connection reset""#
        } else {
            ""
        };
        l.push(format!(r#"{{"Event":"SparkListenerStageCompleted","Stage Info":{{"Stage ID":{stage},"Stage Attempt ID":{attempt},"Stage Name":"stage {stage}","Number of Tasks":{tasks},"Submission Time":{start},"Completion Time":{t}{failure}}}}}"#));
        *t += 5;
    };
    stage(&mut l, 0, 0, false, &mut t, &mut task_id);
    stage(&mut l, 1, 0, true, &mut t, &mut task_id);
    stage(&mut l, 0, 1, false, &mut t, &mut task_id);
    stage(&mut l, 1, 1, false, &mut t, &mut task_id);
    l.push(format!(r#"{{"Event":"SparkListenerJobEnd","Job ID":0,"Completion Time":{t},"Job Result":{{"Result":"JobSucceeded"}}}}"#));
    l.push(format!(
        r#"{{"Event":"SparkListenerApplicationEnd","Timestamp":{}}}"#,
        t + 10
    ));
    l
}
