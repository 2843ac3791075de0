//! How fast the Graphite listener ingests, on one core, and what a series costs.
//!
//! `cargo bench -p spark-exporter --bench ingest`
//!
//! - **parse + store, one thread**: lines fed to the listener's line reader in 64 KiB
//!   chunks (what one connection thread does with what it reads), for two streams: the
//!   recorded GraphiteSink output of a real run (86% of its lines are sources the exporter
//!   ignores), and only exported executor series (2,000 executors × 41 metrics).
//! - **TCP loopback, one connection**: a client thread writes the executor stream to a
//!   socket; the measured time is until the listener's connection thread (one core) has
//!   applied the last line.
//! - **memory per series**: bytes allocated by the store (paths, series, origins, hash
//!   tables) for 100,000 series, from a counting global allocator.
//!
//! Median of 5 runs.

use std::alloc::{GlobalAlloc, Layout, System};
use std::hint::black_box;
use std::io::Write;
use std::net::{TcpListener, TcpStream};
use std::path::PathBuf;
use std::process::Command;
use std::sync::atomic::{AtomicIsize, Ordering};
use std::sync::{Arc, Mutex};
use std::thread;
use std::time::{Duration, Instant};

use spark_exporter::listener::{serve, LineReader, Shared};
use spark_exporter::selfmetrics::SelfMetrics;
use spark_exporter::shutdown::Shutdown;
use spark_exporter::store::{Limits, Store};

struct Counting;

static ALLOCATED: AtomicIsize = AtomicIsize::new(0);

// SAFETY: forwards to the system allocator and only counts.
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        ALLOCATED.fetch_add(layout.size() as isize, Ordering::Relaxed);
        unsafe { System.alloc(layout) }
    }
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        ALLOCATED.fetch_sub(layout.size() as isize, Ordering::Relaxed);
        unsafe { System.dealloc(ptr, layout) }
    }
    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        ALLOCATED.fetch_add(
            new_size as isize - layout.size() as isize,
            Ordering::Relaxed,
        );
        unsafe { System.realloc(ptr, layout, new_size) }
    }
}

#[global_allocator]
static GLOBAL: Counting = Counting;

const RUNS: usize = 5;

fn shared() -> Shared {
    Shared {
        store: Arc::new(Mutex::new(Store::new(Limits::default()))),
        metrics: Arc::new(SelfMetrics::default()),
        shutdown: Arc::new(Shutdown::new()),
        epoch: Instant::now(),
    }
}

fn recorded_lines() -> Vec<u8> {
    let shared = std::env::var_os("SPARK_DASHBOARDS_SHARED")
        .filter(|s| !s.is_empty())
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../shared"));
    let path = shared.join("fixtures/spark/graphite/local-cluster-graphite-lines.txt.gz");
    let out = Command::new("gzip")
        .arg("-dc")
        .arg(&path)
        .output()
        .expect("gzip");
    assert!(out.status.success(), "gzip -dc {}", path.display());
    out.stdout
}

const METRICS: [&str; 41] = [
    "cpuTime.count",
    "runTime.count",
    "jvmGCTime.count",
    "deserializeTime.count",
    "deserializeCpuTime.count",
    "resultSerializationTime.count",
    "shuffleFetchWaitTime.count",
    "shuffleWriteTime.count",
    "shuffleRemoteReqsDuration.count",
    "shuffleLocalBytesRead.count",
    "shuffleRemoteBytesRead.count",
    "shuffleRemoteBytesReadToDisk.count",
    "shuffleRecordsRead.count",
    "shuffleLocalBlocksFetched.count",
    "shuffleRemoteBlocksFetched.count",
    "shuffleBytesWritten.count",
    "shuffleRecordsWritten.count",
    "memoryBytesSpilled.count",
    "diskBytesSpilled.count",
    "bytesRead.count",
    "recordsRead.count",
    "bytesWritten.count",
    "recordsWritten.count",
    "resultSize.count",
    "succeededTasks.count",
    "threadpool.activeTasks",
    "threadpool.completeTasks",
    "threadpool.startedTasks",
    "threadpool.currentPool_size",
    "threadpool.maxPool_size",
    "filesystem.file.read_bytes",
    "filesystem.file.write_bytes",
    "filesystem.hdfs.read_bytes",
    "filesystem.hdfs.read_ops",
    "shuffleMergedFetchFallbackCount.count",
    "shuffleCorruptMergedBlockChunks.count",
    "shuffleMergedLocalBlocksFetched.count",
    "shuffleMergedRemoteBlocksFetched.count",
    "shuffleMergedLocalBytesRead.count",
    "shuffleMergedRemoteBytesRead.count",
    "shuffleMergedRemoteReqsDuration.count",
];

/// One report of `executors` executors (every exported metric of each), `reports` times.
fn executor_lines(executors: usize, reports: usize) -> Vec<u8> {
    let mut out = Vec::new();
    for r in 0..reports {
        let ts = 1_795_239_077 + 2 * r;
        for e in 0..executors {
            for (i, m) in METRICS.iter().enumerate() {
                let v = (r * 1_000_003 + e * 7919 + i * 104_729) % 4_000_000_000;
                writeln!(out, "spark-etl-nightly.{e}.executor.{m} {v} {ts}").unwrap();
            }
        }
    }
    out
}

fn count_lines(b: &[u8]) -> usize {
    b.iter().filter(|&&c| c == b'\n').count()
}

fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(f64::total_cmp);
    v[v.len() / 2]
}

/// Lines per second through LineReader + Store on this thread.
fn in_memory(text: &[u8], repeat: usize) -> f64 {
    let lines = (count_lines(text) * repeat) as f64;
    let mut rates = Vec::new();
    for _ in 0..RUNS {
        let s = shared();
        let mut reader = LineReader::new();
        let started = Instant::now();
        for _ in 0..repeat {
            for chunk in text.chunks(64 * 1024) {
                reader.feed(black_box(chunk), &s, None);
            }
        }
        reader.finish(&s, None);
        rates.push(lines / started.elapsed().as_secs_f64());
        assert_eq!(s.metrics.lines_malformed.load(Ordering::Relaxed), 0);
    }
    median(rates)
}

/// Lines per second over a loopback TCP connection into one listener thread.
fn over_tcp(text: &[u8], repeat: usize) -> f64 {
    let lines = (count_lines(text) * repeat) as f64;
    let mut rates = Vec::new();
    for _ in 0..RUNS {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let addr = listener.local_addr().unwrap();
        let s = shared();
        let server = {
            let s = s.clone();
            thread::spawn(move || {
                let (stream, peer) = listener.accept().unwrap();
                serve(stream, Some(peer.ip()), &s, Duration::from_secs(60)).unwrap();
            })
        };
        let mut client = TcpStream::connect(addr).unwrap();
        let started = Instant::now();
        for _ in 0..repeat {
            client.write_all(text).unwrap();
        }
        drop(client);
        server.join().unwrap();
        rates.push(lines / started.elapsed().as_secs_f64());
        assert_eq!(
            s.metrics.lines_received.load(Ordering::Relaxed) as f64,
            lines
        );
    }
    median(rates)
}

fn bytes_per_series(n_executors: usize) -> (usize, f64) {
    let text = executor_lines(n_executors, 1);
    let series = count_lines(&text);
    let before = ALLOCATED.load(Ordering::SeqCst);
    let mut store = Store::new(Limits {
        max_series: 1 << 30,
        max_ignored_paths: 0,
    });
    for line in text.split(|&b| b == b'\n').filter(|l| !l.is_empty()) {
        let l = spark_exporter::graphite::parse_line(line).unwrap();
        store.apply(l.path, l.value, None, 0);
    }
    let after = ALLOCATED.load(Ordering::SeqCst);
    assert_eq!(store.series(), series);
    drop(black_box(text));
    let per = (after - before) as f64 / series as f64;
    drop(store);
    (series, per)
}

fn main() {
    let recorded = recorded_lines();
    let executors = executor_lines(2000, 1);
    println!("spark-exporter ingest benchmark (median of {RUNS} runs)\n");
    println!("| what | lines | lines/s |");
    println!("|---|---|---|");
    let r = in_memory(&recorded, 100);
    println!("| parse + store, one thread, recorded GraphiteSink run (86% ignored sources) | {} | {:.2} M |", count_lines(&recorded) * 100, r / 1e6);
    let r = in_memory(&executors, 20);
    println!(
        "| parse + store, one thread, executor series only (82,000 series) | {} | {:.2} M |",
        count_lines(&executors) * 20,
        r / 1e6
    );
    let r = over_tcp(&executors, 20);
    println!(
        "| TCP loopback, one connection (one listener thread) | {} | {:.2} M |",
        count_lines(&executors) * 20,
        r / 1e6
    );
    let (series, per) = bytes_per_series(100_000 / METRICS.len() + 1);
    println!("\n| memory | series | bytes/series |\n|---|---|---|\n| store (paths, values, labels, hash tables) | {series} | {per:.0} |");
}
