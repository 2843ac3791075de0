//! The Graphite plaintext protocol as Spark's `GraphiteSink` writes it, and how Spark's
//! executor metrics map to Prometheus names and units.
//!
//! A line is `<path> <value> [<unix seconds>]`. For executor JVMs the path is
//! `<namespace>.<executor id>.<source>.<metric…>`, where the namespace is
//! `spark.metrics.namespace` (the application id when unset), preceded by the sink's
//! `prefix` when one is configured:
//!
//! ```text
//! sparkci.0.executor.cpuTime.count 2782972122 1795239113
//! sparkci.1.executor.threadpool.activeTasks 2 1795239113
//! sparkci.driver.JVMCPU.jvmCpuTime 48340000000 1795239113
//! ```
//!
//! The exporter keeps the `executor` source (task metrics summed over the executor's
//! tasks) and `JVMCPU`, and ignores the other sources and the paths of other Spark
//! processes (master, worker, `application.<name>.<start>.*`). Everything before
//! `<executor id>.<source>` is the namespace, so a namespace or a prefix with dots works.
//!
//! ```
//! use spark_exporter::graphite::{classify, parse_line, Classified};
//!
//! let line = parse_line(b"sparkci.0.executor.cpuTime.count 2782972122 1795239113").unwrap();
//! assert_eq!(line.value, 2782972122.0);
//! let Classified::Series(s) = classify(line.path) else { panic!() };
//! assert_eq!((s.namespace.as_str(), s.executor_id.as_str()), ("sparkci", "0"));
//! // nanoseconds become seconds
//! assert_eq!(s.metric.family().name, "spark_executor_cpu_seconds_total");
//! assert_eq!(line.value / s.metric.divisor, 2.782972122);
//! ```

use std::fmt;

/// The longest line accepted, in bytes (the path is most of it). Longer lines are
/// malformed; the listener skips them without buffering them.
pub const MAX_LINE: usize = 4096;

pub use crate::exposition::Kind;

/// A metric family: one `# HELP` and `# TYPE`, any number of series.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Family {
    /// Prometheus name, unit-suffixed (`_seconds_total`, `_bytes_total`, …).
    pub name: &'static str,
    /// The `# HELP` text: what it is, where it comes from, the unit Spark reports.
    pub help: &'static str,
    /// Counter or gauge.
    pub kind: Kind,
}

/// How one Spark metric (one Graphite path suffix) becomes a Prometheus series.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct MetricDef {
    /// Index into [`FAMILIES`].
    pub family: u16,
    /// Divisor to the base unit: `1e9` for nanoseconds, `1e3` for milliseconds. (A
    /// division is correctly rounded, so `6842 ms` becomes exactly the double nearest
    /// `6.842`, where a multiplication by `1e-3` would print `6.8420000000000005`.)
    pub divisor: f64,
    /// Labels fixed by the path (`location="remote"`).
    pub labels: &'static [(&'static str, &'static str)],
    /// A label whose value comes from the path (`scheme` of `filesystem.<scheme>.*`).
    pub dynamic_label: Option<&'static str>,
}

impl MetricDef {
    /// The family this metric belongs to.
    pub fn family(&self) -> &'static Family {
        &FAMILIES[self.family as usize]
    }
}

const NS: f64 = 1e9;
const MS: f64 = 1e3;

macro_rules! families {
    ($($id:ident = $name:literal, $kind:ident, $help:literal;)*) => {
        #[allow(non_camel_case_types, clippy::upper_case_acronyms, clippy::enum_variant_names)]
        #[derive(Clone, Copy)]
        #[repr(u16)]
        enum F { $($id,)* }
        /// Every family the Graphite side exports, in exposition order.
        pub const FAMILIES: &[Family] = &[
            $(Family { name: $name, help: $help, kind: Kind::$kind },)*
        ];
    };
}

families! {
    CPU = "spark_executor_cpu_seconds_total", Counter,
        "CPU time of the executor's tasks, deserialization excluded (Spark executor source cpuTime, reported in ns).";
    RUN = "spark_executor_run_seconds_total", Counter,
        "Elapsed time the executor's tasks ran, deserialization and result serialization excluded, shuffle fetch wait included (executor source runTime, ms).";
    GC = "spark_executor_jvm_gc_seconds_total", Counter,
        "JVM garbage-collection time during the executor's tasks, summed over tasks: concurrent tasks each count the same pause (executor source jvmGCTime, ms).";
    DESER = "spark_executor_deserialize_seconds_total", Counter,
        "Elapsed time deserializing tasks before they run (executor source deserializeTime, ms).";
    DESER_CPU = "spark_executor_deserialize_cpu_seconds_total", Counter,
        "CPU time deserializing tasks (executor source deserializeCpuTime, ns).";
    RESULT_SER = "spark_executor_result_serialization_seconds_total", Counter,
        "Elapsed time serializing task results (executor source resultSerializationTime, ms).";
    FETCH_WAIT = "spark_executor_shuffle_fetch_wait_seconds_total", Counter,
        "Time tasks blocked waiting for shuffle blocks (executor source shuffleFetchWaitTime, ms).";
    SHUFFLE_WRITE_TIME = "spark_executor_shuffle_write_seconds_total", Counter,
        "Time tasks blocked writing shuffle data to disk or the buffer cache (executor source shuffleWriteTime, ns).";
    REMOTE_REQS = "spark_executor_shuffle_remote_requests_seconds_total", Counter,
        "Time remote shuffle fetch requests took to complete (executor source shuffleRemoteReqsDuration, ms).";
    SHUFFLE_READ_BYTES = "spark_executor_shuffle_read_bytes_total", Counter,
        "Shuffle bytes read, by location: local disk or remote executors (executor source shuffleLocalBytesRead, shuffleRemoteBytesRead; their sum is shuffleTotalBytesRead).";
    SHUFFLE_READ_TO_DISK = "spark_executor_shuffle_remote_read_to_disk_bytes_total", Counter,
        "Remote shuffle bytes fetched to disk instead of memory (executor source shuffleRemoteBytesReadToDisk).";
    SHUFFLE_READ_RECORDS = "spark_executor_shuffle_read_records_total", Counter,
        "Shuffle records read (executor source shuffleRecordsRead).";
    SHUFFLE_BLOCKS = "spark_executor_shuffle_blocks_fetched_total", Counter,
        "Shuffle blocks fetched, by location (executor source shuffleLocalBlocksFetched, shuffleRemoteBlocksFetched).";
    SHUFFLE_WRITE_BYTES = "spark_executor_shuffle_write_bytes_total", Counter,
        "Shuffle bytes written (executor source shuffleBytesWritten).";
    SHUFFLE_WRITE_RECORDS = "spark_executor_shuffle_write_records_total", Counter,
        "Shuffle records written (executor source shuffleRecordsWritten).";
    MEM_SPILL = "spark_executor_memory_spilled_bytes_total", Counter,
        "In-memory size of the data tasks spilled (executor source memoryBytesSpilled).";
    DISK_SPILL = "spark_executor_disk_spilled_bytes_total", Counter,
        "On-disk size of the data tasks spilled (executor source diskBytesSpilled).";
    INPUT_BYTES = "spark_executor_input_bytes_total", Counter,
        "Bytes tasks read from input sources and cached data (executor source bytesRead).";
    INPUT_RECORDS = "spark_executor_input_records_total", Counter,
        "Records tasks read from input sources (executor source recordsRead).";
    OUTPUT_BYTES = "spark_executor_output_bytes_total", Counter,
        "Bytes tasks wrote to output (executor source bytesWritten).";
    OUTPUT_RECORDS = "spark_executor_output_records_total", Counter,
        "Records tasks wrote to output (executor source recordsWritten).";
    RESULT_SIZE = "spark_executor_result_size_bytes_total", Counter,
        "Bytes of task results sent back to the driver (executor source resultSize).";
    SUCCEEDED = "spark_executor_succeeded_tasks_total", Counter,
        "Tasks that succeeded on the executor (executor source succeededTasks).";
    TP_ACTIVE = "spark_executor_threadpool_active_tasks", Gauge,
        "Tasks running now in the executor's task thread pool (executor source threadpool.activeTasks).";
    TP_COMPLETED = "spark_executor_threadpool_completed_tasks_total", Counter,
        "Tasks the task thread pool finished, failed ones included (executor source threadpool.completeTasks).";
    TP_STARTED = "spark_executor_threadpool_started_tasks_total", Counter,
        "Tasks the task thread pool started (executor source threadpool.startedTasks).";
    TP_SIZE = "spark_executor_threadpool_pool_size", Gauge,
        "Threads in the task thread pool now (executor source threadpool.currentPool_size).";
    TP_MAX = "spark_executor_threadpool_max_pool_size", Gauge,
        "Maximum size of the task thread pool (executor source threadpool.maxPool_size).";
    FS_READ_BYTES = "spark_executor_filesystem_read_bytes_total", Counter,
        "Bytes read through Hadoop file systems, by scheme (executor source filesystem.<scheme>.read_bytes).";
    FS_WRITE_BYTES = "spark_executor_filesystem_write_bytes_total", Counter,
        "Bytes written through Hadoop file systems, by scheme (executor source filesystem.<scheme>.write_bytes).";
    FS_READ_OPS = "spark_executor_filesystem_read_ops_total", Counter,
        "Read operations on Hadoop file systems, by scheme (executor source filesystem.<scheme>.read_ops).";
    FS_LARGE_READ_OPS = "spark_executor_filesystem_large_read_ops_total", Counter,
        "Large read operations on Hadoop file systems, by scheme (executor source filesystem.<scheme>.largeRead_ops).";
    FS_WRITE_OPS = "spark_executor_filesystem_write_ops_total", Counter,
        "Write operations on Hadoop file systems, by scheme (executor source filesystem.<scheme>.write_ops).";
    MERGED_FALLBACK = "spark_executor_shuffle_merged_fetch_fallback_total", Counter,
        "Push-based shuffle: merged block fetches that fell back to the original blocks (executor source shuffleMergedFetchFallbackCount).";
    MERGED_CORRUPT = "spark_executor_shuffle_corrupt_merged_block_chunks_total", Counter,
        "Push-based shuffle: corrupt merged block chunks (executor source shuffleCorruptMergedBlockChunks).";
    MERGED_BLOCKS = "spark_executor_shuffle_merged_blocks_fetched_total", Counter,
        "Push-based shuffle: merged blocks fetched, by location (executor source shuffleMerged{Local,Remote}BlocksFetched).";
    MERGED_CHUNKS = "spark_executor_shuffle_merged_chunks_fetched_total", Counter,
        "Push-based shuffle: merged chunks fetched, by location (executor source shuffleMerged{Local,Remote}ChunksFetched).";
    MERGED_BYTES = "spark_executor_shuffle_merged_read_bytes_total", Counter,
        "Push-based shuffle: merged bytes read, by location (executor source shuffleMerged{Local,Remote}BytesRead).";
    MERGED_REQS = "spark_executor_shuffle_merged_remote_requests_seconds_total", Counter,
        "Push-based shuffle: time remote merged-block requests took (executor source shuffleMergedRemoteReqsDuration, ms).";
    JVM_CPU = "spark_executor_jvm_cpu_seconds_total", Counter,
        "CPU time of the whole executor JVM, all threads (JVMCPU source jvmCpuTime, ns).";
}

const LOCAL: &[(&str, &str)] = &[("location", "local")];
const REMOTE: &[(&str, &str)] = &[("location", "remote")];

const fn def(family: F, divisor: f64) -> MetricDef {
    MetricDef {
        family: family as u16,
        divisor,
        labels: &[],
        dynamic_label: None,
    }
}

const fn with(family: F, labels: &'static [(&'static str, &'static str)]) -> MetricDef {
    MetricDef {
        family: family as u16,
        divisor: 1.0,
        labels,
        dynamic_label: None,
    }
}

/// The mapping of one metric of the `executor` source (the path after
/// `<executor id>.executor.`), or `None` when it is not exported.
pub fn executor_metric(metric: &str) -> Option<MetricDef> {
    Some(match metric {
        "cpuTime.count" => def(F::CPU, NS),
        "runTime.count" => def(F::RUN, MS),
        "jvmGCTime.count" => def(F::GC, MS),
        "deserializeTime.count" => def(F::DESER, MS),
        "deserializeCpuTime.count" => def(F::DESER_CPU, NS),
        "resultSerializationTime.count" => def(F::RESULT_SER, MS),
        "shuffleFetchWaitTime.count" => def(F::FETCH_WAIT, MS),
        "shuffleWriteTime.count" => def(F::SHUFFLE_WRITE_TIME, NS),
        "shuffleRemoteReqsDuration.count" => def(F::REMOTE_REQS, MS),
        "shuffleLocalBytesRead.count" => with(F::SHUFFLE_READ_BYTES, LOCAL),
        "shuffleRemoteBytesRead.count" => with(F::SHUFFLE_READ_BYTES, REMOTE),
        "shuffleRemoteBytesReadToDisk.count" => def(F::SHUFFLE_READ_TO_DISK, 1.0),
        "shuffleRecordsRead.count" => def(F::SHUFFLE_READ_RECORDS, 1.0),
        "shuffleLocalBlocksFetched.count" => with(F::SHUFFLE_BLOCKS, LOCAL),
        "shuffleRemoteBlocksFetched.count" => with(F::SHUFFLE_BLOCKS, REMOTE),
        "shuffleBytesWritten.count" => def(F::SHUFFLE_WRITE_BYTES, 1.0),
        "shuffleRecordsWritten.count" => def(F::SHUFFLE_WRITE_RECORDS, 1.0),
        "memoryBytesSpilled.count" => def(F::MEM_SPILL, 1.0),
        "diskBytesSpilled.count" => def(F::DISK_SPILL, 1.0),
        "bytesRead.count" => def(F::INPUT_BYTES, 1.0),
        "recordsRead.count" => def(F::INPUT_RECORDS, 1.0),
        "bytesWritten.count" => def(F::OUTPUT_BYTES, 1.0),
        "recordsWritten.count" => def(F::OUTPUT_RECORDS, 1.0),
        "resultSize.count" => def(F::RESULT_SIZE, 1.0),
        "succeededTasks.count" => def(F::SUCCEEDED, 1.0),
        "threadpool.activeTasks" => def(F::TP_ACTIVE, 1.0),
        "threadpool.completeTasks" => def(F::TP_COMPLETED, 1.0),
        "threadpool.startedTasks" => def(F::TP_STARTED, 1.0),
        "threadpool.currentPool_size" => def(F::TP_SIZE, 1.0),
        "threadpool.maxPool_size" => def(F::TP_MAX, 1.0),
        "shuffleMergedFetchFallbackCount.count" => def(F::MERGED_FALLBACK, 1.0),
        "shuffleCorruptMergedBlockChunks.count" => def(F::MERGED_CORRUPT, 1.0),
        "shuffleMergedLocalBlocksFetched.count" => with(F::MERGED_BLOCKS, LOCAL),
        "shuffleMergedRemoteBlocksFetched.count" => with(F::MERGED_BLOCKS, REMOTE),
        "shuffleMergedLocalChunksFetched.count" => with(F::MERGED_CHUNKS, LOCAL),
        "shuffleMergedRemoteChunksFetched.count" => with(F::MERGED_CHUNKS, REMOTE),
        "shuffleMergedLocalBytesRead.count" => with(F::MERGED_BYTES, LOCAL),
        "shuffleMergedRemoteBytesRead.count" => with(F::MERGED_BYTES, REMOTE),
        "shuffleMergedRemoteReqsDuration.count" => def(F::MERGED_REQS, MS),
        other => {
            let rest = other.strip_prefix("filesystem.")?;
            let (scheme, op) = rest.rsplit_once('.')?;
            if scheme.is_empty() || scheme.contains('.') {
                return None;
            }
            let family = match op {
                "read_bytes" => F::FS_READ_BYTES,
                "write_bytes" => F::FS_WRITE_BYTES,
                "read_ops" => F::FS_READ_OPS,
                "largeRead_ops" => F::FS_LARGE_READ_OPS,
                "write_ops" => F::FS_WRITE_OPS,
                _ => return None,
            };
            MetricDef {
                family: family as u16,
                divisor: 1.0,
                labels: &[],
                dynamic_label: Some("scheme"),
            }
        }
    })
}

/// One parsed line; `path` borrows from the input.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Line<'a> {
    /// The metric path, as sent.
    pub path: &'a [u8],
    /// The value, in Spark's unit.
    pub value: f64,
    /// Unix seconds, when the line has a third field.
    pub timestamp: Option<f64>,
}

/// Why a line is not a Graphite plaintext line. Counted, never fatal.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LineError {
    /// Blank, or only whitespace.
    Empty,
    /// Only a path.
    MissingValue,
    /// More than `path value timestamp`.
    TooManyFields,
    /// The value is not a number.
    BadValue,
    /// The value is NaN or infinite.
    NonFiniteValue,
    /// The timestamp is not a number.
    BadTimestamp,
    /// Longer than [`MAX_LINE`].
    TooLong,
}

impl fmt::Display for LineError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            LineError::Empty => "empty line",
            LineError::MissingValue => "no value after the path",
            LineError::TooManyFields => "more than three fields (path value timestamp)",
            LineError::BadValue => "the value is not a number",
            LineError::NonFiniteValue => "the value is NaN or infinite",
            LineError::BadTimestamp => "the timestamp is not a number",
            LineError::TooLong => "longer than the maximum line length",
        })
    }
}

impl std::error::Error for LineError {}

#[inline]
fn is_space(b: u8) -> bool {
    b == b' ' || b == b'\t' || b == b'\r'
}

/// Splits off the next whitespace-separated field.
#[inline]
fn next_field(s: &[u8]) -> Option<(&[u8], &[u8])> {
    let start = s.iter().position(|&b| !is_space(b))?;
    let s = &s[start..];
    let end = s.iter().position(|&b| is_space(b)).unwrap_or(s.len());
    Some((&s[..end], &s[end..]))
}

/// Parses one line (without its `\n`; a trailing `\r` is allowed).
///
/// ```
/// use spark_exporter::graphite::{parse_line, LineError};
/// let l = parse_line(b"a.b 1.5 1700000000").unwrap();
/// assert_eq!((l.path, l.value, l.timestamp), (&b"a.b"[..], 1.5, Some(1700000000.0)));
/// assert_eq!(parse_line(b"a.b twelve 1"), Err(LineError::BadValue));
/// assert_eq!(parse_line(b"a.b"), Err(LineError::MissingValue));
/// ```
pub fn parse_line(line: &[u8]) -> Result<Line<'_>, LineError> {
    if line.len() > MAX_LINE {
        return Err(LineError::TooLong);
    }
    let (path, rest) = next_field(line).ok_or(LineError::Empty)?;
    let (value, rest) = next_field(rest).ok_or(LineError::MissingValue)?;
    let value = parse_number(value).ok_or(LineError::BadValue)?;
    if !value.is_finite() {
        return Err(LineError::NonFiniteValue);
    }
    let timestamp = match next_field(rest) {
        None => None,
        Some((ts, rest)) => {
            if next_field(rest).is_some() {
                return Err(LineError::TooManyFields);
            }
            let ts = parse_number(ts).ok_or(LineError::BadTimestamp)?;
            if !ts.is_finite() {
                return Err(LineError::BadTimestamp);
            }
            Some(ts)
        }
    };
    Ok(Line {
        path,
        value,
        timestamp,
    })
}

/// A decimal number: integers fast, everything else through `str::parse::<f64>` (which
/// also accepts `1e3`, `.5`, `NaN` and `inf`; the caller rejects the non-finite ones).
#[inline]
fn parse_number(s: &[u8]) -> Option<f64> {
    let (neg, digits) = match s.first() {
        Some(b'-') => (true, &s[1..]),
        Some(b'+') => (false, &s[1..]),
        _ => (false, s),
    };
    if !digits.is_empty() && digits.len() <= 15 && digits.iter().all(u8::is_ascii_digit) {
        let mut n: u64 = 0;
        for &d in digits {
            n = n * 10 + u64::from(d - b'0');
        }
        // Below 10^15 < 2^53: exact.
        let v = n as f64;
        return Some(if neg { -v } else { v });
    }
    std::str::from_utf8(s).ok()?.parse::<f64>().ok()
}

/// What a path is to the exporter.
#[derive(Debug, Clone, PartialEq)]
pub enum Classified {
    /// A metric the exporter exports.
    Series(SeriesKey),
    /// A valid path the exporter does not export.
    Ignored(Ignored),
}

/// Why a path is not exported.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Ignored {
    /// Not `<namespace>.<executor id>.<source>.<metric>` with a source the exporter reads:
    /// other sources (`ExecutorMetrics`, `CodeGenerator`, …), other processes (master,
    /// worker, the standalone `application` source).
    NotExecutorSource,
    /// The `executor` source, but a metric the exporter does not know (a newer Spark), or
    /// one it derives (`shuffleTotalBytesRead` is the sum over `location`).
    UnknownMetric,
    /// Not UTF-8, or with control characters.
    InvalidPath,
}

/// The identity of an exported series.
#[derive(Debug, Clone, PartialEq)]
pub struct SeriesKey {
    /// Everything before the executor id: `spark.metrics.namespace`, with the sink's
    /// `prefix` in front when there is one.
    pub namespace: String,
    /// `driver` or a number.
    pub executor_id: String,
    /// How the metric is exported.
    pub metric: MetricDef,
    /// The value of `metric.dynamic_label`, when it has one.
    pub dynamic_value: Option<String>,
}

/// `driver`, or a decimal executor id (every cluster manager numbers executors).
fn is_executor_id(s: &str) -> bool {
    s == "driver" || (!s.is_empty() && s.len() <= 12 && s.bytes().all(|b| b.is_ascii_digit()))
}

/// Classifies a path. No allocation unless the path is exported.
///
/// ```
/// use spark_exporter::graphite::{classify, Classified, Ignored};
/// assert!(matches!(classify(b"app.name.with.dots.7.executor.runTime.count"),
///                  Classified::Series(s) if s.namespace == "app.name.with.dots" && s.executor_id == "7"));
/// assert_eq!(classify(b"sparkci.0.CodeGenerator.compilationTime.p99"),
///            Classified::Ignored(Ignored::NotExecutorSource));
/// assert_eq!(classify(b"sparkci.0.executor.shuffleTotalBytesRead.count"),
///            Classified::Ignored(Ignored::UnknownMetric));
/// ```
pub fn classify(path: &[u8]) -> Classified {
    let Ok(path) = std::str::from_utf8(path) else {
        return Classified::Ignored(Ignored::InvalidPath);
    };
    if path.is_empty() || path.chars().any(char::is_control) {
        return Classified::Ignored(Ignored::InvalidPath);
    }
    // Find `.<executor id>.<source>.` after a non-empty namespace.
    let mut search_from = 0;
    while let Some(dot) = path[search_from..].find('.') {
        let dot = search_from + dot;
        search_from = dot + 1;
        if dot == 0 {
            continue;
        }
        let rest = &path[dot + 1..];
        let Some((executor_id, rest)) = rest.split_once('.') else {
            break;
        };
        if !is_executor_id(executor_id) {
            continue;
        }
        let (source, metric) = match rest.split_once('.') {
            Some((source, metric)) => (source, metric),
            None => continue,
        };
        let def = match source {
            "executor" => executor_metric(metric),
            "JVMCPU" if metric == "jvmCpuTime" => Some(def(F::JVM_CPU, NS)),
            "JVMCPU" => None,
            _ => continue,
        };
        let namespace = &path[..dot];
        return match def {
            None => Classified::Ignored(Ignored::UnknownMetric),
            Some(metric_def) => {
                let dynamic_value = metric_def.dynamic_label.map(|_| {
                    // filesystem.<scheme>.<op>
                    metric
                        .strip_prefix("filesystem.")
                        .and_then(|r| r.rsplit_once('.'))
                        .map(|(scheme, _)| scheme.to_string())
                        .unwrap_or_default()
                });
                Classified::Series(SeriesKey {
                    namespace: namespace.to_string(),
                    executor_id: executor_id.to_string(),
                    metric: metric_def,
                    dynamic_value,
                })
            }
        };
    }
    Classified::Ignored(Ignored::NotExecutorSource)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn units_follow_spark_docs() {
        // ns: cpuTime, deserializeCpuTime, shuffleWriteTime, jvmCpuTime; ms: the others.
        for (path, family, divisor) in [
            (
                "n.0.executor.cpuTime.count",
                "spark_executor_cpu_seconds_total",
                NS,
            ),
            (
                "n.0.executor.deserializeCpuTime.count",
                "spark_executor_deserialize_cpu_seconds_total",
                NS,
            ),
            (
                "n.0.executor.shuffleWriteTime.count",
                "spark_executor_shuffle_write_seconds_total",
                NS,
            ),
            (
                "n.0.JVMCPU.jvmCpuTime",
                "spark_executor_jvm_cpu_seconds_total",
                NS,
            ),
            (
                "n.0.executor.runTime.count",
                "spark_executor_run_seconds_total",
                MS,
            ),
            (
                "n.0.executor.jvmGCTime.count",
                "spark_executor_jvm_gc_seconds_total",
                MS,
            ),
            (
                "n.0.executor.deserializeTime.count",
                "spark_executor_deserialize_seconds_total",
                MS,
            ),
            (
                "n.0.executor.resultSerializationTime.count",
                "spark_executor_result_serialization_seconds_total",
                MS,
            ),
            (
                "n.0.executor.shuffleFetchWaitTime.count",
                "spark_executor_shuffle_fetch_wait_seconds_total",
                MS,
            ),
            (
                "n.0.executor.memoryBytesSpilled.count",
                "spark_executor_memory_spilled_bytes_total",
                1.0,
            ),
            (
                "n.0.executor.diskBytesSpilled.count",
                "spark_executor_disk_spilled_bytes_total",
                1.0,
            ),
        ] {
            let Classified::Series(s) = classify(path.as_bytes()) else {
                panic!("{path} not exported")
            };
            assert_eq!(s.metric.family().name, family, "{path}");
            assert_eq!(s.metric.divisor, divisor, "{path}");
        }
    }

    #[test]
    fn names_follow_prometheus_conventions() {
        let mut seen = std::collections::BTreeSet::new();
        for f in FAMILIES {
            assert!(seen.insert(f.name), "duplicate {}", f.name);
            assert!(f.name.starts_with("spark_executor_"), "{}", f.name);
            assert!(
                f.name.bytes().all(|b| b.is_ascii_lowercase() || b == b'_'),
                "{}",
                f.name
            );
            assert_eq!(
                f.kind == Kind::Counter,
                f.name.ends_with("_total"),
                "{}",
                f.name
            );
            assert!(!f.help.is_empty());
        }
    }

    #[test]
    fn location_and_scheme_labels() {
        let Classified::Series(s) = classify(b"n.1.executor.shuffleRemoteBytesRead.count") else {
            panic!()
        };
        assert_eq!(s.metric.labels, &[("location", "remote")]);
        let Classified::Series(s) = classify(b"n.1.executor.filesystem.hdfs.read_bytes") else {
            panic!()
        };
        assert_eq!(s.metric.dynamic_label, Some("scheme"));
        assert_eq!(s.dynamic_value.as_deref(), Some("hdfs"));
    }

    #[test]
    fn other_processes_and_sources_are_ignored() {
        for path in [
            "application.graphite-probe.1795239075791.cores",
            "HiveExternalCatalog.fileCacheHits.count",
            "master.aliveWorkers",
            "worker.coresFree",
            "gprobe.driver.DAGScheduler.stage.runningStages",
            "gprobe.0.ExecutorMetrics.JVMHeapMemory",
            ".0.executor.cpuTime.count",
            "gprobe.0.executor",
        ] {
            assert!(
                matches!(classify(path.as_bytes()), Classified::Ignored(_)),
                "{path}"
            );
        }
        assert_eq!(
            classify(b"a\x01.0.executor.cpuTime.count"),
            Classified::Ignored(Ignored::InvalidPath)
        );
        assert_eq!(
            classify(b"\xff.0.executor.cpuTime.count"),
            Classified::Ignored(Ignored::InvalidPath)
        );
    }

    #[test]
    fn numbers() {
        assert_eq!(parse_number(b"0"), Some(0.0));
        assert_eq!(parse_number(b"-12"), Some(-12.0));
        assert_eq!(parse_number(b"0.00"), Some(0.0));
        assert_eq!(parse_number(b"2147483647"), Some(2147483647.0));
        assert_eq!(
            parse_number(b"18446744073709551615"),
            Some(1.8446744073709552e19)
        );
        assert_eq!(parse_number(b"1e3"), Some(1000.0));
        assert_eq!(parse_number(b""), None);
        assert_eq!(parse_number(b"-"), None);
        assert_eq!(parse_number(b"1,5"), None);
        assert_eq!(parse_line(b"a NaN 1"), Err(LineError::NonFiniteValue));
        assert_eq!(parse_line(b"a 1 x"), Err(LineError::BadTimestamp));
        assert_eq!(parse_line(b"a 1 2 3"), Err(LineError::TooManyFields));
        assert_eq!(parse_line(b"  \r"), Err(LineError::Empty));
        assert_eq!(parse_line(b"a\t1\t2\r").unwrap().value, 1.0);
        assert_eq!(parse_line(b"a 1").unwrap().timestamp, None);
    }
}
