//! Event logs on disk: finding them, decompressing them, and reading them as they grow.
//!
//! Spark writes an application's log either as one file (`<app>[.<codec>][.inprogress]`,
//! renamed without `.inprogress` when the application ends; the 3.5 default, uncompressed)
//! or as a rolling directory `eventlog_v2_<app>/` holding `events_<n>_<app>[.<codec>]` files
//! and an `appstatus_<app>[.inprogress]` marker (the 4.x default, zstd). Codecs are
//! recognised by their magic bytes, whatever the file is called: plain JSON lines, gzip,
//! zstd (Spark's default codec), lz4 (lz4-java's block stream, Spark's `lz4` codec) and
//! snappy (snappy-java's stream, Spark's `snappy` codec). `lzf` is not supported.
//!
//! Compressed files are decoded incrementally: new bytes are pushed through a streaming
//! decoder as they appear, so a growing compressed log is followed without decoding it
//! again. Positions are counted in decompressed bytes; resuming a compressed file decodes
//! it from the start and skips what was already read.

use std::fmt;
use std::fs::{self, File};
use std::io::{self, Read, Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

/// What went wrong reading an event log.
#[derive(Debug, thiserror::Error)]
pub enum SourceError {
    /// The file system said no.
    #[error("{path}: {action}: {source}")]
    Io {
        /// The file or directory.
        path: PathBuf,
        /// What was being done.
        action: &'static str,
        /// The error.
        source: io::Error,
    },
    /// The compressed data is corrupt, or of a format spark-traces does not read.
    #[error("{path}: {message}")]
    Format {
        /// The file.
        path: PathBuf,
        /// What is wrong and what to do about it.
        message: String,
    },
}

/// How an event log file is compressed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Codec {
    /// Plain JSON lines.
    Plain,
    /// gzip (not a Spark codec, but how logs are often archived).
    Gzip,
    /// zstd, Spark's default `spark.eventLog.compression.codec`.
    Zstd,
    /// lz4-java's block stream (`LZ4Block` magic), Spark's `lz4` codec.
    Lz4,
    /// snappy-java's stream (`\x82SNAPPY\0` magic), Spark's `snappy` codec.
    Snappy,
}

impl fmt::Display for Codec {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Codec::Plain => "plain",
            Codec::Gzip => "gzip",
            Codec::Zstd => "zstd",
            Codec::Lz4 => "lz4",
            Codec::Snappy => "snappy",
        })
    }
}

const LZ4_MAGIC: &[u8] = b"LZ4Block";
/// The largest block a codec stream may hold (lz4-java's limit is 32 MiB): a corrupt length
/// must not become a huge allocation.
const MAX_BLOCK: i32 = 64 << 20;
/// The longest line read (Spark's longest, SQL plans, are a few MiB).
const MAX_LINE: usize = 256 << 20;
const SNAPPY_MAGIC: &[u8] = b"\x82SNAPPY\x00";
const ZSTD_MAGIC: &[u8] = &[0x28, 0xb5, 0x2f, 0xfd];
const GZIP_MAGIC: &[u8] = &[0x1f, 0x8b];

impl Codec {
    /// The codec of a file that starts with `head`, or `None` while too few bytes are there
    /// to tell. Anything without a known magic is taken as plain text.
    ///
    /// ```
    /// use spark_traces::source::Codec;
    /// assert_eq!(Codec::sniff(b"{\"Event\":"), Some(Codec::Plain));
    /// assert_eq!(Codec::sniff(&[0x28, 0xb5, 0x2f, 0xfd, 0]), Some(Codec::Zstd));
    /// assert_eq!(Codec::sniff(b"LZ4Blo"), None);
    /// assert_eq!(Codec::sniff(b"LZ4Block\x20"), Some(Codec::Lz4));
    /// ```
    pub fn sniff(head: &[u8]) -> Option<Codec> {
        for (magic, codec) in [
            (GZIP_MAGIC, Codec::Gzip),
            (ZSTD_MAGIC, Codec::Zstd),
            (LZ4_MAGIC, Codec::Lz4),
            (SNAPPY_MAGIC, Codec::Snappy),
        ] {
            let n = head.len().min(magic.len());
            if head[..n] == magic[..n] {
                return (head.len() >= magic.len()).then_some(codec);
            }
        }
        if head.is_empty() {
            None
        } else {
            Some(Codec::Plain)
        }
    }
}

/// A streaming decoder: compressed bytes in, whatever they decode to out.
trait Decoder: Send {
    fn push(&mut self, input: &[u8], out: &mut Vec<u8>) -> Result<(), String>;
}

struct PlainDecoder;
impl Decoder for PlainDecoder {
    fn push(&mut self, input: &[u8], out: &mut Vec<u8>) -> Result<(), String> {
        out.extend_from_slice(input);
        Ok(())
    }
}

struct GzipDecoder(flate2::write::MultiGzDecoder<Vec<u8>>);
impl Decoder for GzipDecoder {
    fn push(&mut self, input: &[u8], out: &mut Vec<u8>) -> Result<(), String> {
        self.0
            .write_all(input)
            .map_err(|e| format!("corrupt gzip data: {e}"))?;
        self.0
            .flush()
            .map_err(|e| format!("corrupt gzip data: {e}"))?;
        out.append(self.0.get_mut());
        Ok(())
    }
}

struct ZstdDecoder(zstd::stream::write::Decoder<'static, Vec<u8>>);
impl Decoder for ZstdDecoder {
    fn push(&mut self, input: &[u8], out: &mut Vec<u8>) -> Result<(), String> {
        self.0
            .write_all(input)
            .map_err(|e| format!("corrupt zstd data: {e}"))?;
        self.0
            .flush()
            .map_err(|e| format!("corrupt zstd data: {e}"))?;
        out.append(self.0.get_mut());
        Ok(())
    }
}

/// lz4-java's `LZ4BlockOutputStream`: blocks of `LZ4Block`, a token (method | level), the
/// compressed and original lengths and a checksum (little-endian i32 each), then the data.
#[derive(Default)]
struct Lz4Decoder {
    buf: Vec<u8>,
}
impl Decoder for Lz4Decoder {
    fn push(&mut self, input: &[u8], out: &mut Vec<u8>) -> Result<(), String> {
        self.buf.extend_from_slice(input);
        let mut pos = 0;
        loop {
            let rest = &self.buf[pos..];
            if rest.len() < 21 {
                break;
            }
            if &rest[..8] != LZ4_MAGIC {
                return Err("corrupt lz4 stream: a block does not start with `LZ4Block`".into());
            }
            let method = rest[8] & 0xf0;
            let le =
                |i: usize| i32::from_le_bytes([rest[i], rest[i + 1], rest[i + 2], rest[i + 3]]);
            let (clen, olen) = (le(9), le(13));
            // lz4-java blocks are at most 32 MiB.
            if !(0..=MAX_BLOCK).contains(&clen) || !(0..=MAX_BLOCK).contains(&olen) {
                return Err(format!("corrupt lz4 stream: block lengths {clen}/{olen}"));
            }
            let (clen, olen) = (clen as usize, olen as usize);
            if rest.len() < 21 + clen {
                break;
            }
            let data = &rest[21..21 + clen];
            match method {
                0x10 => {
                    if clen != olen {
                        return Err("corrupt lz4 stream: raw block of mismatched length".into());
                    }
                    out.extend_from_slice(data);
                }
                0x20 => {
                    let start = out.len();
                    out.resize(start + olen, 0);
                    let n = lz4_flex::block::decompress_into(data, &mut out[start..])
                        .map_err(|e| format!("corrupt lz4 block: {e}"))?;
                    if n != olen {
                        return Err("corrupt lz4 block: short output".into());
                    }
                }
                m => return Err(format!("corrupt lz4 stream: unknown block method {m:#x}")),
            }
            pos += 21 + clen;
        }
        self.buf.drain(..pos);
        Ok(())
    }
}

/// snappy-java's `SnappyOutputStream`: a 16-byte header (`\x82SNAPPY\0`, version,
/// compatible version), then chunks of a big-endian i32 length and raw snappy data. A
/// header may repeat (concatenated streams).
#[derive(Default)]
struct SnappyDecoder {
    buf: Vec<u8>,
}
impl Decoder for SnappyDecoder {
    fn push(&mut self, input: &[u8], out: &mut Vec<u8>) -> Result<(), String> {
        self.buf.extend_from_slice(input);
        let mut pos = 0;
        let mut dec = snap::raw::Decoder::new();
        loop {
            let rest = &self.buf[pos..];
            if rest.len() >= 8 && &rest[..8] == SNAPPY_MAGIC {
                if rest.len() < 16 {
                    break;
                }
                pos += 16;
                continue;
            }
            if rest.len() < 4 {
                break;
            }
            let len = i32::from_be_bytes([rest[0], rest[1], rest[2], rest[3]]);
            if !(0..=MAX_BLOCK).contains(&len) {
                return Err(format!("corrupt snappy stream: chunk length {len}"));
            }
            let len = len as usize;
            if rest.len() < 4 + len {
                break;
            }
            match snap::raw::decompress_len(&rest[4..4 + len]) {
                Ok(n) if n <= MAX_BLOCK as usize => {}
                Ok(n) => return Err(format!("corrupt snappy chunk: claims {n} bytes")),
                Err(e) => return Err(format!("corrupt snappy chunk: {e}")),
            }
            let chunk = dec
                .decompress_vec(&rest[4..4 + len])
                .map_err(|e| format!("corrupt snappy chunk: {e}"))?;
            out.extend_from_slice(&chunk);
            pos += 4 + len;
        }
        self.buf.drain(..pos);
        Ok(())
    }
}

fn decoder(codec: Codec) -> Result<Box<dyn Decoder>, String> {
    Ok(match codec {
        Codec::Plain => Box::new(PlainDecoder),
        Codec::Gzip => Box::new(GzipDecoder(flate2::write::MultiGzDecoder::new(Vec::new()))),
        Codec::Zstd => Box::new(ZstdDecoder(
            zstd::stream::write::Decoder::new(Vec::new())
                .map_err(|e| format!("cannot start a zstd decoder: {e}"))?,
        )),
        Codec::Lz4 => Box::new(Lz4Decoder::default()),
        Codec::Snappy => Box::new(SnappyDecoder::default()),
    })
}

/// A position in an event log: which file (its `<n>` in a rolling directory, 0 for a single
/// file), how many decompressed bytes of it were read, and how many lines.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Cursor {
    /// The file's index.
    pub file: u64,
    /// Decompressed bytes read, always at the end of a line.
    pub offset: u64,
    /// Lines read.
    pub line: u64,
}

/// One complete line of a log.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Line {
    /// The line, without its newline; invalid UTF-8 is kept as an error for the parser.
    pub text: Result<String, String>,
    /// The position just after it.
    pub end: Cursor,
    /// The file it is in.
    pub file_name: String,
}

/// Reads one file from a position on, as it grows.
pub struct FileTail {
    path: PathBuf,
    index: u64,
    codec: Option<Codec>,
    dec: Option<Box<dyn Decoder>>,
    head: Vec<u8>,
    /// Compressed bytes read from the file.
    read_pos: u64,
    /// Decompressed bytes produced, including skipped ones.
    out_pos: u64,
    /// Decompressed bytes to discard (already read before a restart).
    skip_to: u64,
    line: u64,
    partial: Vec<u8>,
    scratch: Vec<u8>,
}

impl FileTail {
    /// Starts reading `path` (file `index` of its log) at `cursor` (offset and line).
    pub fn open(path: &Path, index: u64, cursor: Cursor) -> FileTail {
        FileTail {
            path: path.to_path_buf(),
            index,
            codec: None,
            dec: None,
            head: Vec::new(),
            read_pos: 0,
            out_pos: 0,
            skip_to: cursor.offset,
            line: cursor.line,
            partial: Vec::new(),
            scratch: Vec::new(),
        }
    }

    /// The file being read.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Follows a rename of the file (`x.inprogress` becoming `x`).
    pub fn renamed(&mut self, path: &Path) {
        self.path = path.to_path_buf();
    }

    /// The codec, once enough of the file was read to tell.
    pub fn codec(&self) -> Option<Codec> {
        self.codec
    }

    /// The position after the last complete line returned.
    pub fn cursor(&self) -> Cursor {
        Cursor {
            file: self.index,
            offset: (self.out_pos - self.partial.len() as u64).max(self.skip_to),
            line: self.line,
        }
    }

    fn file_name(&self) -> String {
        self.path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default()
    }

    /// Reads what the file has beyond what was read (at most about `max_bytes` of it) and
    /// appends the complete lines to `out`. Returns whether anything new was read.
    pub fn poll(&mut self, out: &mut Vec<Line>, max_bytes: usize) -> Result<bool, SourceError> {
        let mut f = File::open(&self.path).map_err(|e| SourceError::Io {
            path: self.path.clone(),
            action: "opening",
            source: e,
        })?;
        let len = f
            .metadata()
            .map_err(|e| SourceError::Io {
                path: self.path.clone(),
                action: "reading metadata",
                source: e,
            })?
            .len();
        if self.codec.is_none() && self.skip_to > 0 && self.read_pos == 0 {
            // A plain file resumes by seeking; others are decoded from the start.
            let mut head = [0u8; 8];
            let n = f.read(&mut head).unwrap_or(0);
            if Codec::sniff(&head[..n]) == Some(Codec::Plain) && len >= self.skip_to {
                self.codec = Some(Codec::Plain);
                self.dec = Some(Box::new(PlainDecoder));
                self.read_pos = self.skip_to;
                self.out_pos = self.skip_to;
            }
        }
        if len < self.read_pos {
            return Err(SourceError::Format {
                path: self.path.clone(),
                message: format!(
                    "the file shrank from {} to {len} bytes while being read: it was truncated or replaced; \
                     delete its entry from the state file to read it again from the start",
                    self.read_pos
                ),
            });
        }
        if len == self.read_pos {
            return Ok(false);
        }
        f.seek(SeekFrom::Start(self.read_pos))
            .map_err(|e| SourceError::Io {
                path: self.path.clone(),
                action: "seeking",
                source: e,
            })?;
        let want = ((len - self.read_pos) as usize).min(max_bytes.max(4096));
        let mut buf = vec![0u8; want];
        let mut got = 0;
        while got < want {
            match f.read(&mut buf[got..]) {
                Ok(0) => break,
                Ok(n) => got += n,
                Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                Err(e) => {
                    return Err(SourceError::Io {
                        path: self.path.clone(),
                        action: "reading",
                        source: e,
                    })
                }
            }
        }
        buf.truncate(got);
        self.read_pos += got as u64;
        self.feed(&buf, out)?;
        Ok(got > 0)
    }

    fn feed(&mut self, input: &[u8], out: &mut Vec<Line>) -> Result<(), SourceError> {
        let mut input = input;
        let held;
        if self.dec.is_none() {
            self.head.extend_from_slice(input);
            let Some(codec) = Codec::sniff(&self.head) else {
                return Ok(());
            };
            self.codec = Some(codec);
            self.dec = Some(decoder(codec).map_err(|message| SourceError::Format {
                path: self.path.clone(),
                message,
            })?);
            held = std::mem::take(&mut self.head);
            input = &held;
        }
        let mut decoded = std::mem::take(&mut self.scratch);
        decoded.clear();
        if let Some(dec) = self.dec.as_mut() {
            dec.push(input, &mut decoded)
                .map_err(|message| SourceError::Format {
                    path: self.path.clone(),
                    message: format!(
                        "{message} (after {} compressed bytes; the file is damaged or not an event log)",
                        self.read_pos
                    ),
                })?;
        }
        let mut data: &[u8] = &decoded;
        // Skip what was read before a restart.
        if self.out_pos < self.skip_to {
            let skip = ((self.skip_to - self.out_pos) as usize).min(data.len());
            self.out_pos += skip as u64;
            data = &data[skip..];
        }
        self.out_pos += data.len() as u64;
        let name = self.file_name();
        let mut start = 0;
        while let Some(nl) = data[start..].iter().position(|&b| b == b'\n') {
            let end = start + nl;
            let bytes = if self.partial.is_empty() {
                &data[start..end]
            } else {
                self.partial.extend_from_slice(&data[start..end]);
                &self.partial[..]
            };
            let bytes = bytes.strip_suffix(b"\r").unwrap_or(bytes);
            let text = std::str::from_utf8(bytes)
                .map(str::to_string)
                .map_err(|e| format!("not UTF-8: {e}"));
            self.partial.clear();
            self.line += 1;
            let pending_after = (data.len() - end - 1) as u64;
            out.push(Line {
                text,
                end: Cursor {
                    file: self.index,
                    offset: self.out_pos - pending_after,
                    line: self.line,
                },
                file_name: name.clone(),
            });
            start = end + 1;
        }
        self.partial.extend_from_slice(&data[start..]);
        self.scratch = decoded;
        if self.partial.len() > MAX_LINE {
            return Err(SourceError::Format {
                path: self.path.clone(),
                message: format!(
                    "no end of line in the last {} MiB (after line {}): this is not a JSON-lines event log",
                    MAX_LINE >> 20,
                    self.line
                ),
            });
        }
        Ok(())
    }

    /// The last line when the file is complete but does not end with a newline (a log cut
    /// short). Taking it consumes it.
    pub fn take_trailing(&mut self) -> Option<Line> {
        if self.partial.is_empty() || self.out_pos < self.skip_to {
            return None;
        }
        let bytes = std::mem::take(&mut self.partial);
        self.line += 1;
        Some(Line {
            text: String::from_utf8(bytes).map_err(|e| format!("not UTF-8: {e}")),
            end: Cursor {
                file: self.index,
                offset: self.out_pos,
                line: self.line,
            },
            file_name: self.file_name(),
        })
    }
}

/// One application's event log.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum EventLog {
    /// A single file, `<app>[.<codec>][.inprogress]`.
    File {
        /// The path as found (it may lose `.inprogress` later).
        path: PathBuf,
    },
    /// A rolling directory, `eventlog_v2_<app>/`.
    Rolling {
        /// The directory.
        dir: PathBuf,
    },
}

const CODEC_EXTS: [&str; 7] = [".zstd", ".zst", ".lz4", ".snappy", ".lzf", ".gz", ".gzip"];

fn strip_inprogress(name: &str) -> &str {
    name.strip_suffix(".inprogress").unwrap_or(name)
}

/// Whether `dir` is a rolling event log (`eventlog_v2_<app>/` or a directory of `events_*`
/// files) rather than a directory of logs.
pub fn is_rolling_dir(dir: &Path) -> bool {
    let named = dir
        .file_name()
        .is_some_and(|n| n.to_string_lossy().contains("eventlog_v2_"));
    named
        || fs::read_dir(dir).is_ok_and(|entries| {
            entries
                .flatten()
                .any(|e| e.file_name().to_string_lossy().starts_with("events_"))
        })
}

/// `events_<n>_<app>[.<codec>][.compact]` → n.
fn event_file_index(name: &str) -> Option<u64> {
    let rest = name.strip_prefix("events_")?;
    let (n, _) = rest.split_once('_')?;
    n.parse().ok()
}

impl EventLog {
    /// A stable name for the state file: the path without `.inprogress`.
    pub fn key(&self) -> String {
        match self {
            EventLog::File { path } => strip_inprogress(&path.to_string_lossy()).to_string(),
            EventLog::Rolling { dir } => dir.to_string_lossy().into_owned(),
        }
    }

    /// The application id the name suggests, until the log says.
    ///
    /// ```
    /// use spark_traces::source::EventLog;
    /// let f = EventLog::File { path: "/logs/app-2024-0001.zstd.inprogress".into() };
    /// assert_eq!(f.app_id_hint(), "app-2024-0001");
    /// let d = EventLog::Rolling { dir: "/logs/eventlog_v2_local-17".into() };
    /// assert_eq!(d.app_id_hint(), "local-17");
    /// ```
    pub fn app_id_hint(&self) -> String {
        match self {
            EventLog::File { path } => {
                let name = path
                    .file_name()
                    .map(|n| n.to_string_lossy().into_owned())
                    .unwrap_or_default();
                let mut name = strip_inprogress(&name).to_string();
                for ext in CODEC_EXTS {
                    if let Some(s) = name.strip_suffix(ext) {
                        name = s.to_string();
                        break;
                    }
                }
                for ext in [".jsonl", ".json", ".log"] {
                    if let Some(s) = name.strip_suffix(ext) {
                        name = s.to_string();
                    }
                }
                name
            }
            EventLog::Rolling { dir } => {
                let name = dir
                    .file_name()
                    .map(|n| n.to_string_lossy().into_owned())
                    .unwrap_or_default();
                match name.split_once("eventlog_v2_") {
                    Some((_, app)) => app.to_string(),
                    None => name,
                }
            }
        }
    }

    /// The files of the log, in order, with their index.
    pub fn files(&self) -> Result<Vec<(u64, PathBuf)>, SourceError> {
        match self {
            EventLog::File { path } => Ok(vec![(0, self.current_file_path(path))]),
            EventLog::Rolling { dir } => {
                let entries = fs::read_dir(dir).map_err(|e| SourceError::Io {
                    path: dir.clone(),
                    action: "listing",
                    source: e,
                })?;
                let mut files: Vec<(u64, PathBuf)> = entries
                    .flatten()
                    .filter_map(|e| {
                        let name = e.file_name().to_string_lossy().into_owned();
                        event_file_index(&name).map(|n| (n, e.path()))
                    })
                    .collect();
                files.sort();
                // A compacted file replaces the ones before it (History Server compaction).
                if let Some(pos) = files
                    .iter()
                    .rposition(|(_, p)| p.to_string_lossy().ends_with(".compact"))
                {
                    let (idx, compact) = files[pos].clone();
                    files.retain(|(n, p)| *n > idx || (*n == idx && *p == compact));
                    files.dedup_by_key(|(n, _)| *n);
                }
                Ok(files)
            }
        }
    }

    fn current_file_path(&self, path: &Path) -> PathBuf {
        if path.exists() {
            return path.to_path_buf();
        }
        let s = path.to_string_lossy();
        let other = match s.strip_suffix(".inprogress") {
            Some(done) => PathBuf::from(done),
            None => PathBuf::from(format!("{s}.inprogress")),
        };
        if other.exists() {
            other
        } else {
            path.to_path_buf()
        }
    }

    /// Whether the application is still writing the log (an `.inprogress` name or marker).
    pub fn in_progress(&self) -> bool {
        match self {
            EventLog::File { path } => self
                .current_file_path(path)
                .to_string_lossy()
                .ends_with(".inprogress"),
            EventLog::Rolling { dir } => fs::read_dir(dir).is_ok_and(|entries| {
                entries.flatten().any(|e| {
                    let n = e.file_name().to_string_lossy().into_owned();
                    n.starts_with("appstatus_") && n.ends_with(".inprogress")
                })
            }),
        }
    }
}

fn skip_name(name: &str) -> bool {
    name.starts_with('.')
        || name.ends_with(".crc")
        || name.starts_with("appstatus_")
        || name.ends_with(".tmp")
}

/// The event logs at `path`: the log itself (a file or a rolling directory), or every log in
/// a directory of logs (such as `spark.eventLog.dir`), sorted by name.
///
/// ```no_run
/// let logs = spark_traces::source::discover(std::path::Path::new("/var/spark-events")).unwrap();
/// for log in logs { println!("{} ({})", log.key(), log.app_id_hint()); }
/// ```
pub fn discover(path: &Path) -> Result<Vec<EventLog>, SourceError> {
    if !path.exists() {
        // A single log named with or without `.inprogress`, renamed since.
        let s = path.to_string_lossy();
        let other = match s.strip_suffix(".inprogress") {
            Some(done) => PathBuf::from(done),
            None => PathBuf::from(format!("{s}.inprogress")),
        };
        if other.is_file() {
            return Ok(vec![EventLog::File { path: other }]);
        }
    }
    let meta = fs::metadata(path).map_err(|e| SourceError::Io {
        path: path.to_path_buf(),
        action: "looking for event logs",
        source: e,
    })?;
    if meta.is_file() {
        return Ok(vec![EventLog::File {
            path: path.to_path_buf(),
        }]);
    }
    if is_rolling_dir(path) {
        return Ok(vec![EventLog::Rolling {
            dir: path.to_path_buf(),
        }]);
    }
    let entries = fs::read_dir(path).map_err(|e| SourceError::Io {
        path: path.to_path_buf(),
        action: "listing",
        source: e,
    })?;
    let mut logs: Vec<EventLog> = entries
        .flatten()
        .filter_map(|e| {
            let name = e.file_name().to_string_lossy().into_owned();
            if skip_name(&name) {
                return None;
            }
            let p = e.path();
            if p.is_dir() {
                is_rolling_dir(&p).then_some(EventLog::Rolling { dir: p })
            } else {
                Some(EventLog::File { path: p })
            }
        })
        .collect();
    logs.sort_by_key(EventLog::key);
    // `x.inprogress` and `x` for one moment during a rename: keep one.
    logs.dedup_by_key(|l| l.key());
    Ok(logs)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lines_of(tail: &mut FileTail) -> Vec<String> {
        let mut out = Vec::new();
        while tail.poll(&mut out, 7).unwrap() {}
        out.into_iter().map(|l| l.text.unwrap()).collect()
    }

    #[test]
    fn plain_growing_file_and_resume() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("app");
        fs::write(&p, "a\nbb\nc").unwrap();
        let mut t = FileTail::open(&p, 0, Cursor::default());
        assert_eq!(lines_of(&mut t), ["a", "bb"]);
        assert_eq!(t.cursor().offset, 5);
        fs::OpenOptions::new()
            .append(true)
            .open(&p)
            .unwrap()
            .write_all(b"cc\nd\n")
            .unwrap();
        assert_eq!(lines_of(&mut t), ["ccc", "d"]);
        let c = t.cursor();
        assert_eq!((c.offset, c.line), (11, 4));
        let mut again = FileTail::open(
            &p,
            0,
            Cursor {
                file: 0,
                offset: 5,
                line: 2,
            },
        );
        assert_eq!(lines_of(&mut again), ["ccc", "d"]);
        assert_eq!(again.cursor(), c);
    }

    #[test]
    fn compressed_streams_decode_incrementally() {
        let text = "{\"a\":1}\n{\"b\":2}\n".repeat(500);
        let dir = tempfile::tempdir().unwrap();
        let gz = {
            let mut e = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
            e.write_all(text.as_bytes()).unwrap();
            e.finish().unwrap()
        };
        let zs = zstd::stream::encode_all(text.as_bytes(), 3).unwrap();
        let lz = crate::testing::lz4_block_stream(text.as_bytes(), 100);
        let sn = crate::testing::snappy_stream(text.as_bytes(), 100);
        for (name, data, codec) in [
            ("g", gz, Codec::Gzip),
            ("z", zs, Codec::Zstd),
            ("l", lz, Codec::Lz4),
            ("s", sn, Codec::Snappy),
        ] {
            let p = dir.path().join(name);
            // Written in two halves: the decoder must carry state across reads.
            let (a, b) = data.split_at(data.len() / 2);
            fs::write(&p, a).unwrap();
            let mut t = FileTail::open(&p, 0, Cursor::default());
            let mut got = lines_of(&mut t);
            fs::OpenOptions::new()
                .append(true)
                .open(&p)
                .unwrap()
                .write_all(b)
                .unwrap();
            got.extend(lines_of(&mut t));
            assert_eq!(t.codec(), Some(codec));
            assert_eq!(got.len(), 1000, "{name}");
            assert_eq!(got.join("\n") + "\n", text, "{name}");
            // Resume half way.
            let mut r = FileTail::open(
                &p,
                0,
                Cursor {
                    file: 0,
                    offset: 8 * 500,
                    line: 500,
                },
            );
            assert_eq!(lines_of(&mut r).len(), 500, "{name}");
        }
    }

    #[test]
    fn names() {
        assert_eq!(event_file_index("events_12_app-1.zstd"), Some(12));
        assert_eq!(event_file_index("appstatus_app-1"), None);
        let f = EventLog::File {
            path: "/x/spark-4.3.0_local-1.jsonl.gz".into(),
        };
        assert_eq!(f.app_id_hint(), "spark-4.3.0_local-1");
        let f = EventLog::File {
            path: "/x/app-1.inprogress".into(),
        };
        assert_eq!(f.key(), "/x/app-1");
    }

    #[test]
    fn corrupt_data_is_an_error_naming_the_file() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("bad.zstd");
        let mut data = ZSTD_MAGIC.to_vec();
        data.extend_from_slice(&[0xff; 64]);
        fs::write(&p, data).unwrap();
        let mut t = FileTail::open(&p, 0, Cursor::default());
        let err = t.poll(&mut Vec::new(), 1 << 20).unwrap_err().to_string();
        assert!(err.contains("bad.zstd") && err.contains("zstd"), "{err}");
    }
}
