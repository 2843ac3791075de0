//! The Graphite plaintext listener: TCP, one thread per connection, and UDP, one thread
//! for every datagram (Dropwizard's `GraphiteUDP`, behind Spark's GraphiteSink with
//! `protocol=udp`, sends a line a datagram).
//!
//! Each connection reads into a 64 KiB buffer, parses the complete lines of every read
//! outside any lock, then applies them to the store under one lock. A line longer than
//! [`MAX_LINE`] is skipped up to its newline without being buffered; malformed lines are
//! counted and skipped. At most `max_connections` are open (more are closed at once and
//! counted), and a connection idle for `idle_timeout` is closed. On shutdown every
//! connection applies what it has read and closes within about a second.

use std::io::{self, Read};
use std::net::{IpAddr, SocketAddr, TcpListener, TcpStream, UdpSocket};
use std::sync::atomic::Ordering::Relaxed;
use std::sync::{Arc, Mutex};
use std::thread::{self, JoinHandle};
use std::time::{Duration, Instant};

use crate::graphite::{parse_line, MAX_LINE};
use crate::selfmetrics::SelfMetrics;
use crate::shutdown::Shutdown;
use crate::store::{Applied, Store};

/// How long a blocking read waits before checking for shutdown.
const POLL: Duration = Duration::from_millis(500);
const BUFFER: usize = 64 * 1024;

/// What the connection threads share.
#[derive(Clone)]
pub struct Shared {
    /// The series.
    pub store: Arc<Mutex<Store>>,
    /// The line and connection counters.
    pub metrics: Arc<SelfMetrics>,
    /// Connections end when it is triggered.
    pub shutdown: Arc<Shutdown>,
    /// Seconds are counted from here (the store's clock).
    pub epoch: Instant,
}

impl Shared {
    /// Seconds since `epoch`.
    pub fn now(&self) -> u64 {
        self.epoch.elapsed().as_secs()
    }
}

/// Accepts connections until shutdown; returns the accept thread.
pub fn spawn(
    listener: TcpListener,
    shared: Shared,
    max_connections: usize,
    idle_timeout: Duration,
) -> io::Result<JoinHandle<()>> {
    thread::Builder::new()
        .name("graphite-accept".into())
        .spawn(move || {
            let mut workers: Vec<JoinHandle<()>> = Vec::new();
            for stream in listener.incoming() {
                if shared.shutdown.is_triggered() {
                    break;
                }
                workers.retain(|w| !w.is_finished());
                let Ok(stream) = stream else {
                    // EMFILE and friends: back off instead of spinning.
                    thread::sleep(Duration::from_millis(50));
                    continue;
                };
                if workers.len() >= max_connections {
                    shared.metrics.connections_rejected.fetch_add(1, Relaxed);
                    drop(stream);
                    continue;
                }
                shared.metrics.connections_accepted.fetch_add(1, Relaxed);
                let s = shared.clone();
                let spawned =
                    thread::Builder::new()
                        .name("graphite-conn".into())
                        .spawn(move || {
                            s.metrics.connections_open.fetch_add(1, Relaxed);
                            let peer = stream.peer_addr().ok().map(|a: SocketAddr| a.ip());
                            let _ = serve(stream, peer, &s, idle_timeout);
                            s.metrics.connections_open.fetch_sub(1, Relaxed);
                        });
                match spawned {
                    Ok(w) => workers.push(w),
                    Err(e) => {
                        eprintln!("spark-exporter: cannot start a Graphite connection thread: {e}")
                    }
                }
            }
            for w in workers {
                let _ = w.join();
            }
        })
}

/// Takes datagrams until shutdown; returns the thread. A datagram holds whole lines (the last
/// may lack its newline); a line never spans two datagrams.
pub fn spawn_udp(socket: UdpSocket, shared: Shared) -> io::Result<JoinHandle<()>> {
    socket.set_read_timeout(Some(POLL))?;
    thread::Builder::new()
        .name("graphite-udp".into())
        .spawn(move || {
            let mut reader = LineReader::new();
            // The largest UDP payload: nothing a sender can put in one datagram is cut.
            let mut buf = vec![0u8; 65_536];
            while !shared.shutdown.is_triggered() {
                // Errors are timeouts, which let the loop see shutdown, or concern one
                // datagram (ICMP errors surface here on some platforms), not the socket.
                if let Ok((n, from)) = socket.recv_from(&mut buf) {
                    shared.metrics.datagrams_received.fetch_add(1, Relaxed);
                    let peer = Some(from.ip());
                    reader.feed(&buf[..n], &shared, peer);
                    reader.finish(&shared, peer);
                }
            }
        })
}

/// Reads one connection until EOF, error, idle timeout or shutdown.
pub fn serve(
    mut stream: TcpStream,
    peer: Option<IpAddr>,
    shared: &Shared,
    idle_timeout: Duration,
) -> io::Result<()> {
    stream.set_read_timeout(Some(POLL))?;
    let mut reader = LineReader::new();
    let mut last_data = Instant::now();
    let mut buf = vec![0u8; BUFFER];
    loop {
        if shared.shutdown.is_triggered() {
            return Ok(());
        }
        match stream.read(&mut buf) {
            Ok(0) => {
                reader.finish(shared, peer);
                return Ok(());
            }
            Ok(n) => {
                last_data = Instant::now();
                reader.feed(&buf[..n], shared, peer);
            }
            Err(e)
                if matches!(
                    e.kind(),
                    io::ErrorKind::WouldBlock | io::ErrorKind::TimedOut
                ) =>
            {
                if last_data.elapsed() >= idle_timeout {
                    return Ok(());
                }
            }
            Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
            Err(e) => return Err(e),
        }
    }
}

/// Splits a byte stream into lines and applies them in batches. Public for the benchmark
/// and tests, which feed it without a socket.
pub struct LineReader {
    /// The incomplete last line of the previous chunk.
    partial: Vec<u8>,
    /// Skipping an overlong line up to its newline.
    skipping: bool,
    parsed: Vec<(usize, usize, f64)>,
}

impl Default for LineReader {
    fn default() -> Self {
        Self::new()
    }
}

/// Per-batch counts, added to the self metrics once per batch.
#[derive(Default)]
struct Counts {
    received: u64,
    parsed: u64,
    malformed: u64,
}

impl LineReader {
    /// A reader at the start of a stream.
    pub fn new() -> Self {
        Self {
            partial: Vec::with_capacity(MAX_LINE),
            skipping: false,
            parsed: Vec::with_capacity(1024),
        }
    }

    /// Feeds the next chunk of the stream: applies every line it completes.
    pub fn feed(&mut self, chunk: &[u8], shared: &Shared, peer: Option<IpAddr>) {
        let mut counts = Counts::default();
        let mut rest = chunk;
        // Complete the partial line of the previous chunk first.
        if !self.partial.is_empty() || self.skipping {
            match memchr::memchr(b'\n', rest) {
                Some(nl) => {
                    if self.skipping {
                        self.skipping = false;
                    } else if self.partial.len() + nl > MAX_LINE {
                        counts.received += 1;
                        counts.malformed += 1;
                        self.partial.clear();
                    } else {
                        self.partial.extend_from_slice(&rest[..nl]);
                        let line = std::mem::take(&mut self.partial);
                        self.apply_lines(&line, &mut counts, shared, peer);
                        self.partial = line;
                        self.partial.clear();
                    }
                    rest = &rest[nl + 1..];
                }
                None => {
                    if !self.skipping {
                        if self.partial.len() + rest.len() > MAX_LINE {
                            counts.received += 1;
                            counts.malformed += 1;
                            self.partial.clear();
                            self.skipping = true;
                        } else {
                            self.partial.extend_from_slice(rest);
                        }
                    }
                    self.add(counts, shared);
                    return;
                }
            }
        }
        // Whole lines of this chunk; keep the tail.
        let end = match memchr::memrchr(b'\n', rest) {
            Some(i) => i + 1,
            None => 0,
        };
        self.apply_lines(&rest[..end], &mut counts, shared, peer);
        let tail = &rest[end..];
        if tail.len() > MAX_LINE {
            counts.received += 1;
            counts.malformed += 1;
            self.skipping = true;
        } else {
            self.partial.extend_from_slice(tail);
        }
        self.add(counts, shared);
    }

    /// The stream ended: a last line without a newline still counts.
    pub fn finish(&mut self, shared: &Shared, peer: Option<IpAddr>) {
        let mut counts = Counts::default();
        if !self.partial.is_empty() && !self.skipping {
            let line = std::mem::take(&mut self.partial);
            self.apply_lines(&line, &mut counts, shared, peer);
        }
        self.partial.clear();
        self.skipping = false;
        self.add(counts, shared);
    }

    fn add(&self, c: Counts, shared: &Shared) {
        if c.received > 0 {
            let m = &shared.metrics;
            m.lines_received.fetch_add(c.received, Relaxed);
            m.lines_parsed.fetch_add(c.parsed, Relaxed);
            m.lines_malformed.fetch_add(c.malformed, Relaxed);
        }
    }

    /// Parses `text` (whole lines) and applies them under one lock.
    fn apply_lines(
        &mut self,
        text: &[u8],
        counts: &mut Counts,
        shared: &Shared,
        peer: Option<IpAddr>,
    ) {
        self.parsed.clear();
        let mut start = 0;
        while start < text.len() {
            let end = memchr::memchr(b'\n', &text[start..]).map_or(text.len(), |i| start + i);
            let line = &text[start..end];
            start = end + 1;
            if line.iter().all(|b| b.is_ascii_whitespace()) {
                continue;
            }
            counts.received += 1;
            match parse_line(line) {
                Ok(l) => {
                    counts.parsed += 1;
                    // `l.path` borrows `line`: store its offsets into `text`.
                    let offset = l.path.as_ptr() as usize - text.as_ptr() as usize;
                    self.parsed.push((offset, offset + l.path.len(), l.value));
                }
                Err(_) => counts.malformed += 1,
            }
        }
        if self.parsed.is_empty() {
            return;
        }
        let now = shared.now();
        let (mut ignored, mut dropped) = (0u64, 0u64);
        {
            let mut store = shared.store.lock().unwrap_or_else(|e| e.into_inner());
            for &(a, b, value) in &self.parsed {
                match store.apply(&text[a..b], value, peer, now) {
                    Applied::Ignored => ignored += 1,
                    Applied::Dropped => dropped += 1,
                    Applied::Updated | Applied::Inserted => {}
                }
            }
        }
        if ignored > 0 {
            shared.metrics.lines_ignored.fetch_add(ignored, Relaxed);
        }
        if dropped > 0 {
            shared.metrics.lines_dropped.fetch_add(dropped, Relaxed);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::Limits;

    fn shared() -> Shared {
        Shared {
            store: Arc::new(Mutex::new(Store::new(Limits::default()))),
            metrics: Arc::new(SelfMetrics::default()),
            shutdown: Arc::new(Shutdown::new()),
            epoch: Instant::now(),
        }
    }

    fn counts(s: &Shared) -> (u64, u64, u64) {
        let m = &s.metrics;
        (
            m.lines_received.load(Relaxed),
            m.lines_parsed.load(Relaxed),
            m.lines_malformed.load(Relaxed),
        )
    }

    #[test]
    fn lines_split_across_chunks_are_joined() {
        let s = shared();
        let mut r = LineReader::new();
        let text = b"a.0.executor.runTime.count 1000 1\na.0.executor.cpuTime.count 5 1\n";
        for chunk in text.chunks(7) {
            r.feed(chunk, &s, None);
        }
        r.finish(&s, None);
        assert_eq!(counts(&s), (2, 2, 0));
        assert_eq!(s.store.lock().unwrap().series(), 2);
    }

    #[test]
    fn overlong_lines_are_skipped_without_buffering() {
        let s = shared();
        let mut r = LineReader::new();
        let long = vec![b'x'; MAX_LINE * 3];
        r.feed(b"a.0.executor.runTime.count 1 1\n", &s, None);
        for chunk in long.chunks(1000) {
            r.feed(chunk, &s, None);
            assert!(r.partial.len() <= MAX_LINE);
        }
        r.feed(b" 1 1\na.0.executor.cpuTime.count 2 1\n", &s, None);
        assert_eq!(counts(&s), (3, 2, 1));
    }

    #[test]
    fn a_last_line_without_newline_counts_and_garbage_is_malformed() {
        let s = shared();
        let mut r = LineReader::new();
        r.feed(
            b"\n\ngarbage\n\xff\xfe 1\nx 1 2 3\na.0.executor.runTime.count 1",
            &s,
            None,
        );
        r.finish(&s, None);
        // "garbage" (no value) and "x 1 2 3" are malformed; "\xff\xfe 1" parses (the path
        // is then ignored as invalid); blank lines are not lines.
        assert_eq!(counts(&s), (4, 2, 2));
        assert_eq!(s.metrics.lines_ignored.load(Relaxed), 1);
    }
}
