//! Cutting CSV files into byte ranges of whole records, and reading them.
//!
//! As Dask's `read_bytes` does, a file's data (after the header) is cut every
//! `blocksize` bytes; unlike Dask, each cut then moves on to the next
//! *record* start, found by scanning the file's quotes ([`super::records`]),
//! so a quoted field holding newlines is never split:
//!
//! ```text
//! bytes:   | header | 1,a\n 2,"b\nc"\n 3,d\n 4,e |
//! cuts:             ^ 0        ^ 1       ^ 2
//! ranges:           [0 .......................)[1 ....)   (cut 1 falls in the
//!                                                         quoted field: it moves
//!                                                         past it; cuts 1 and 2
//!                                                         meet and merge)
//! ```
//!
//! Planning a file of more than one range reads it once (at memory speed when
//! it holds no quotes: only the quote character is searched for, and a
//! newline near each cut); a file of one range is not read. Each range is
//! then read on its own, exactly, by a [`RangeReader`]. A compressed file
//! cannot be cut: it is one range, read through its decoder.

use std::fs::File;
use std::io::{Read, Seek, SeekFrom};
use std::path::Path;

use rusk_ops::{Error, Result};

use super::compression::Compression;
use super::records::QuoteScanner;
use crate::dataset::{PartitionRange, ScanPartition};
use crate::listing::SourceFile;

/// Bytes per read: big enough that syscalls do not show, small enough to
/// stay in cache while arrow-csv splits it.
const CHUNK: usize = 1 << 20;

/// The record starts at or after each of `cuts` (ascending offsets past
/// `data_start`, where a record starts), in order, without repeats; cuts
/// after which no record starts give nothing.
fn align_cuts(path: &Path, data_start: u64, cuts: &[u64], sep: u8, quote: u8) -> Result<Vec<u64>> {
    let io = |e: std::io::Error| Error::io(e, path);
    let mut file = File::open(path).map_err(io)?;
    file.seek(SeekFrom::Start(data_start)).map_err(io)?;
    let mut scanner = QuoteScanner::new(sep, quote, data_start);
    let mut buf = vec![0u8; CHUNK];
    let mut starts: Vec<u64> = Vec::new();
    let mut next = 0;
    while next < cuts.len() {
        let n = file.read(&mut buf).map_err(io)?;
        if n == 0 {
            break;
        }
        let mut rest = &buf[..n];
        while let (false, Some(&want)) = (rest.is_empty(), cuts.get(next)) {
            let (used, found) = scanner.feed(rest, Some(want));
            rest = &rest[used..];
            if let Some(start) = found {
                starts.push(start);
                while cuts.get(next).is_some_and(|&c| c <= start) {
                    next += 1;
                }
            }
        }
    }
    Ok(starts)
}

/// The ranges of file `file` (at `path`), whose data spans `data_start..size`:
/// one per `blocksize` bytes, each moved to a record start, or one for the
/// whole file; at least one, so an empty file still has a partition with the
/// schema. A compressed file is one [`PartitionRange::Decoded`] range.
///
/// # Errors
/// [`Error::Io`] when the file cannot be read.
pub(super) fn plan(
    file: usize,
    path: &Path,
    data_start: u64,
    size: u64,
    blocksize: Option<u64>,
    (sep, quote): (u8, u8),
) -> Result<Vec<ScanPartition>> {
    if Compression::of(path) != Compression::None {
        return Ok(vec![ScanPartition { file, range: PartitionRange::Decoded { data_start } }]);
    }
    cut(file, path, data_start.min(size), size, blocksize, (sep, quote))
}

/// `part` cut into ranges of about `block` bytes, each moved to a record
/// start (a memory budget's smaller partitions); a compressed file's one
/// range, or a range already that short, stays as it is.
///
/// # Errors
/// [`Error::Io`] when the file cannot be read.
pub(super) fn split(
    path: &Path,
    part: &ScanPartition,
    block: u64,
    dialect: (u8, u8),
) -> Result<Vec<ScanPartition>> {
    match part.range {
        PartitionRange::Bytes { start, end } if end.saturating_sub(start) > block => {
            cut(part.file, path, start, end, Some(block), dialect)
        }
        _ => Ok(vec![part.clone()]),
    }
}

/// The ranges of bytes `start..end` (`start` a record start) of file `file`,
/// one per `blocksize` bytes, each moved to a record start, or one for all.
fn cut(
    file: usize,
    path: &Path,
    start: u64,
    end: u64,
    blocksize: Option<u64>,
    (sep, quote): (u8, u8),
) -> Result<Vec<ScanPartition>> {
    let range = |start, end| ScanPartition { file, range: PartitionRange::Bytes { start, end } };
    let mut cuts = Vec::new();
    if let Some(block) = blocksize.filter(|&b| b > 0) {
        let mut at = start.saturating_add(block);
        while at < end {
            cuts.push(at);
            at = at.saturating_add(block);
        }
    }
    let mut bounds = vec![start];
    if !cuts.is_empty() {
        bounds.extend(align_cuts(path, start, &cuts, sep, quote)?.into_iter().filter(|&s| s < end));
    }
    bounds.push(end);
    Ok(bounds.windows(2).map(|w| range(w[0], w[1])).collect())
}

/// The text of one range, read a chunk at a time (never whole in memory),
/// with its quotes followed, so that a quoted field left open at the end is
/// caught ([`RangeReader::open_quote`]).
pub(super) struct RangeReader {
    input: Option<Box<dyn Read + Send>>,
    /// The file as listed, and a handle on it to check against that at the end.
    source: SourceFile,
    handle: File,
    buf: Vec<u8>,
    /// Bytes left to read; `None`: to the end of the input.
    left: Option<u64>,
    quotes: QuoteScanner,
    path: std::path::PathBuf,
    /// Bytes per read ([`CHUNK`]; tests make it tiny).
    chunk: usize,
}

impl std::fmt::Debug for RangeReader {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RangeReader").field("path", &self.path).field("left", &self.left).finish()
    }
}

impl RangeReader {
    /// Opens `range` of `source`; `(sep, quote)` are the file's.
    ///
    /// # Errors
    /// [`Error::Io`] when the file cannot be read or decoded,
    /// [`Error::FileChanged`] when it is not the file listed.
    pub(super) fn open(source: &SourceFile, range: &PartitionRange, (sep, quote): (u8, u8)) -> Result<Self> {
        let path = source.path.as_path();
        let io = |e: std::io::Error| Error::io(e, path);
        let mut file = source.open()?;
        let handle = file.try_clone().map_err(io)?;
        let (input, start, left): (Box<dyn Read + Send>, u64, Option<u64>) = match *range {
            PartitionRange::Bytes { start, end } => {
                file.seek(SeekFrom::Start(start)).map_err(io)?;
                (Box::new(file), start, Some(end.saturating_sub(start)))
            }
            PartitionRange::Decoded { data_start } => {
                let mut input = Compression::decode(file, path)?;
                let skipped =
                    std::io::copy(&mut (&mut input).take(data_start), &mut std::io::sink()).map_err(io)?;
                if skipped < data_start {
                    return Err(Error::Internal(format!("{} shorter than its header", path.display())));
                }
                (input, data_start, None)
            }
            PartitionRange::RowGroups(_) | PartitionRange::RowSlice { .. } => {
                return Err(Error::Internal("csv partition with row groups".into()))
            }
        };
        Ok(RangeReader {
            input: Some(input),
            source: source.clone(),
            handle,
            buf: Vec::new(),
            left,
            quotes: QuoteScanner::new(sep, quote, start),
            path: path.to_path_buf(),
            chunk: CHUNK,
        })
    }

    /// The next bytes of the range, empty at the end.
    ///
    /// # Errors
    /// [`Error::Io`] when the file cannot be read.
    pub(super) fn next_chunk(&mut self) -> Result<&[u8]> {
        let Some(input) = self.input.as_mut() else { return Ok(&[]) };
        if self.buf.is_empty() {
            // No bigger than the range: a partition of a few bytes must not
            // zero a whole chunk (small blocksizes make thousands of them).
            let size = match self.left {
                Some(left) => usize::try_from(left).map_or(self.chunk, |l| l.min(self.chunk)),
                None => self.chunk,
            };
            self.buf = vec![0u8; size.max(1)];
        }
        let want = match self.left {
            Some(left) => usize::try_from(left).unwrap_or(self.chunk).min(self.chunk),
            None => self.chunk,
        };
        let n = if want == 0 {
            0
        } else {
            input.read(&mut self.buf[..want]).map_err(|e| Error::io(e, &self.path))?
        };
        if n == 0 {
            self.input = None;
            // Rewritten while being read: what was read is not the planned text.
            self.source.check(&self.handle)?;
            return Ok(&[]);
        }
        if let Some(left) = self.left.as_mut() {
            *left -= n as u64;
        }
        let mut rest = &self.buf[..n];
        while !rest.is_empty() {
            let (used, _) = self.quotes.feed(rest, None);
            rest = &rest[used..];
        }
        Ok(&self.buf[..n])
    }

    /// Where the quoted field still open at the end of what was read
    /// started (an offset in the file's text), if one is.
    pub(super) fn open_quote(&self) -> Option<u64> {
        self.quotes.open_quote()
    }
}

/// The text of one range, in memory (for the error path, which looks at it
/// more than once).
#[derive(Debug)]
pub(super) struct Lines {
    bytes: Vec<u8>,
    /// The offset of the first byte in the file's text.
    pub file_offset: u64,
    /// See [`RangeReader::open_quote`].
    pub open_quote: Option<u64>,
}

impl Lines {
    /// The text of the lines.
    pub(super) fn data(&self) -> &[u8] {
        &self.bytes
    }
}

/// Reads `range` of `path` into memory.
///
/// # Errors
/// [`Error::Io`] when the file cannot be read.
pub(super) fn read_lines(source: &SourceFile, range: &PartitionRange, dialect: (u8, u8)) -> Result<Lines> {
    let mut reader = RangeReader::open(source, range, dialect)?;
    let file_offset = match *range {
        PartitionRange::Bytes { start, .. } => start,
        PartitionRange::Decoded { data_start } => data_start,
        PartitionRange::RowGroups(_) | PartitionRange::RowSlice { .. } => 0,
    };
    let mut bytes = Vec::new();
    loop {
        let chunk = reader.next_chunk()?;
        if chunk.is_empty() {
            return Ok(Lines { bytes, file_offset, open_quote: reader.open_quote() });
        }
        bytes.extend_from_slice(chunk);
    }
}

/// The number of newlines in the text of `path` (decompressed) before
/// offset `end`: the file line of the text at `end` is that plus one. Only
/// error reports pay for it.
///
/// # Errors
/// [`Error::Io`] when the file cannot be read.
pub(super) fn newlines_before(path: &Path, end: u64) -> Result<u64> {
    let io = |e: std::io::Error| Error::io(e, path);
    let mut input = Compression::open(path)?.take(end);
    let mut buf = vec![0u8; CHUNK];
    let mut count = 0u64;
    loop {
        let n = input.read(&mut buf).map_err(io)?;
        if n == 0 {
            return Ok(count);
        }
        count += memchr::memchr_iter(b'\n', &buf[..n]).count() as u64;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const DIALECT: (u8, u8) = (b',', b'"');

    fn bounds(parts: &[ScanPartition]) -> Vec<(u64, u64)> {
        parts
            .iter()
            .map(|p| match p.range {
                PartitionRange::Bytes { start, end } => (start, end),
                _ => panic!("csv ranges are bytes"),
            })
            .collect()
    }

    fn file_with(text: &[u8]) -> (tempfile::TempDir, std::path::PathBuf) {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("f.csv");
        std::fs::write(&path, text).unwrap();
        (dir, path)
    }

    fn read_all(path: &Path, range: &PartitionRange, chunk: usize) -> Vec<u8> {
        let mut reader = RangeReader::open(&SourceFile::at(path).unwrap(), range, DIALECT).unwrap();
        reader.chunk = chunk;
        let mut got = Vec::new();
        loop {
            let c = reader.next_chunk().unwrap();
            if c.is_empty() {
                return got;
            }
            got.extend_from_slice(c);
        }
    }

    #[test]
    fn plans_cover_the_data_once_at_line_starts() {
        let (_dir, path) = file_with(b"h\n1,a\n2,b\n3,c\n");
        assert_eq!(bounds(&plan(0, &path, 2, 14, Some(4), DIALECT).unwrap()), [(2, 6), (6, 10), (10, 14)]);
        assert_eq!(bounds(&plan(0, &path, 2, 14, Some(5), DIALECT).unwrap()), [(2, 10), (10, 14)]);
        assert_eq!(bounds(&plan(0, &path, 2, 14, None, DIALECT).unwrap()), [(2, 14)]);
        assert_eq!(bounds(&plan(0, &path, 14, 14, Some(4), DIALECT).unwrap()), [(14, 14)]);
        assert_eq!(plan(3, &path, 0, 14, Some(100), DIALECT).unwrap()[0].file, 3);
    }

    #[test]
    fn cuts_never_fall_inside_quotes() {
        let text = b"h\n1,\"a\n2,b\n3,c\"\n4,d\n";
        let (_dir, path) = file_with(text);
        for block in 1..text.len() as u64 {
            let parts = plan(0, &path, 2, text.len() as u64, Some(block), DIALECT).unwrap();
            let b = bounds(&parts);
            assert!(b.iter().all(|&(s, _)| s == 2 || s == 16), "block {block}: {b:?}");
        }
    }

    #[test]
    fn every_byte_is_read_once_whatever_the_cuts_and_chunks() {
        let text = b"h\r\n1,a\r\n22,\"b\nb\"\r\n\r\n333,ccc\r\n4444,dddd";
        let (_dir, path) = file_with(text);
        for block in 1..=text.len() as u64 + 1 {
            for chunk in [1, 3, 1 << 20] {
                let mut all = Vec::new();
                for part in plan(0, &path, 3, text.len() as u64, Some(block), DIALECT).unwrap() {
                    all.extend(read_all(&path, &part.range, chunk));
                }
                assert_eq!(all, &text[3..], "blocksize {block} chunk {chunk}");
            }
        }
    }

    /// A range cut again (a memory budget's smaller partitions) is cut at
    /// record starts, never inside quotes, and its pieces read every byte
    /// of it once, whatever the first cut and the second.
    #[test]
    fn ranges_cut_again_still_read_every_byte_once() {
        let text = b"h\r\n1,a\r\n22,\"b\nb\"\r\n\r\n333,ccc\r\n4444,\"d,\nd\"\r\n5,e\r\n";
        let (_dir, path) = file_with(text);
        let len = text.len() as u64;
        for first in 1..=len {
            for second in 1..=len {
                let mut all = Vec::new();
                for part in plan(0, &path, 3, len, Some(first), DIALECT).unwrap() {
                    let pieces = split(&path, &part, second, DIALECT).unwrap();
                    let (PartitionRange::Bytes { start, .. }, PartitionRange::Bytes { end, .. }) =
                        (&pieces[0].range, &pieces[pieces.len() - 1].range)
                    else {
                        panic!("bytes")
                    };
                    assert_eq!(PartitionRange::Bytes { start: *start, end: *end }, part.range);
                    for piece in &pieces {
                        let PartitionRange::Bytes { start, end } = piece.range else { panic!("bytes") };
                        assert!(start < end, "an empty piece: {first} {second}");
                        all.extend(read_all(&path, &piece.range, 1 << 20));
                    }
                }
                assert_eq!(all, &text[3..], "blocksizes {first} then {second}");
            }
        }
        // Cuts land on record starts only: after a line end outside quotes.
        let whole = ScanPartition { file: 0, range: PartitionRange::Bytes { start: 3, end: len } };
        let starts: Vec<u64> =
            bounds(&split(&path, &whole, 1, DIALECT).unwrap()).iter().map(|b| b.0).collect();
        assert_eq!(starts, [3, 8, 18, 20, 29, 42]);
    }

    #[test]
    fn an_open_quote_at_the_end_is_reported() {
        let (_dir, path) = file_with(b"a,b\n1,\"hello\n2,world\n");
        let source = SourceFile::at(&path).unwrap();
        let lines = read_lines(&source, &PartitionRange::Bytes { start: 4, end: 23 }, DIALECT).unwrap();
        assert_eq!(lines.open_quote, Some(6));
        let lines = read_lines(&source, &PartitionRange::Bytes { start: 4, end: 6 }, DIALECT).unwrap();
        assert_eq!(lines.open_quote, None);
    }

    #[test]
    fn counts_newlines_before_a_position() {
        let (_dir, path) = file_with(b"a\nb\n\nc");
        assert_eq!(newlines_before(&path, 0).unwrap(), 0);
        assert_eq!(newlines_before(&path, 2).unwrap(), 1);
        assert_eq!(newlines_before(&path, 100).unwrap(), 3);
    }
}
