//! Writers of the compressed formats Spark uses for event logs, for tests that need to make
//! logs (growing ones included) in each codec.

use std::io::Write;

/// One zstd frame of `data` (Spark's `zstd` codec writes one frame per file).
///
/// ```
/// let z = spark_traces::testing::zstd(b"{}\n");
/// assert_eq!(&z[..4], &[0x28, 0xb5, 0x2f, 0xfd]);
/// ```
pub fn zstd(data: &[u8]) -> Vec<u8> {
    zstd::stream::encode_all(data, 3).unwrap_or_default()
}

/// A gzip member of `data`.
pub fn gzip(data: &[u8]) -> Vec<u8> {
    let mut e = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
    let _ = e.write_all(data);
    e.finish().unwrap_or_default()
}

/// lz4-java's block stream (Spark's `lz4` codec), `block` bytes per block, with the end
/// mark.
pub fn lz4_block_stream(data: &[u8], block: usize) -> Vec<u8> {
    let mut out = Vec::new();
    for chunk in data.chunks(block.max(1)) {
        let c = lz4_flex::block::compress(chunk);
        out.extend_from_slice(b"LZ4Block");
        out.push(0x20);
        out.extend_from_slice(&(c.len() as i32).to_le_bytes());
        out.extend_from_slice(&(chunk.len() as i32).to_le_bytes());
        out.extend_from_slice(&0i32.to_le_bytes());
        out.extend_from_slice(&c);
    }
    out.extend_from_slice(b"LZ4Block");
    out.push(0x10);
    out.extend_from_slice(&[0; 12]);
    out
}

/// snappy-java's stream (Spark's `snappy` codec), `block` bytes per chunk.
pub fn snappy_stream(data: &[u8], block: usize) -> Vec<u8> {
    let mut out = b"\x82SNAPPY\x00".to_vec();
    out.extend_from_slice(&1i32.to_be_bytes());
    out.extend_from_slice(&1i32.to_be_bytes());
    let mut enc = snap::raw::Encoder::new();
    for chunk in data.chunks(block.max(1)) {
        let c = enc.compress_vec(chunk).unwrap_or_default();
        out.extend_from_slice(&(c.len() as i32).to_be_bytes());
        out.extend_from_slice(&c);
    }
    out
}
