//! Cutting CSV files into byte ranges, and reading the lines of one range.
//!
//! As Dask's `read_bytes` does, a file's data (after the header) is cut every
//! `blocksize` bytes without looking at it, and a line belongs to the range
//! its first byte is in:
//!
//! ```text
//! bytes:   | header | 1,a\n 2,b\n 3,c\n 4,d\n 5,e |
//! ranges:           [0 ........)[1 .........)[2 ..)
//! lines:            1,a  2,b     3,c  4,d     5,e    (2,b starts in range 0
//!                                                      and is read by it whole)
//! ```
//!
//! So planning reads nothing, every line is read by exactly one range, and a
//! range's reader only looks one byte before its start (is it a line start?)
//! and past its end (to finish its last line).
//!
//! Known limitation, shared with Dask: a quoted field holding a newline that
//! straddles a cut is split there and misread. Read such files with
//! `blocksize(None)` (one range per file).

use std::fs::File;
use std::io::{Read, Seek, SeekFrom};
use std::path::Path;

use rusk_ops::{Error, Result};

use crate::dataset::{PartitionRange, ScanPartition};

/// How much to read at a time past a range's end while finishing its last
/// line: lines are rarely longer, and a few extra KiB cost nothing.
const TAIL_CHUNK: u64 = 16 * 1024;

/// Bytes per read of a streamed range: big enough that syscalls do not
/// show, small enough to stay in cache while arrow-csv splits it.
const CHUNK: usize = 1 << 20;

/// Where the first line starting in `start..end` starts, or `None`.
fn first_line_start(file: &mut File, start: u64, end: u64, data_start: u64) -> std::io::Result<Option<u64>> {
    if start <= data_start {
        return Ok((start < end).then_some(start));
    }
    // The first line starts after the first newline from `start - 1` on.
    file.seek(SeekFrom::Start(start - 1))?;
    let mut buf = vec![0u8; TAIL_CHUNK as usize];
    let mut at = start - 1;
    while at < end {
        let want = usize::try_from((end - at).min(TAIL_CHUNK)).unwrap_or(buf.len()).min(buf.len());
        let n = file.read(&mut buf[..want])?;
        if n == 0 {
            return Ok(None);
        }
        if let Some(i) = buf[..n].iter().position(|&b| b == b'\n') {
            let line = at + i as u64 + 1;
            return Ok((line < end).then_some(line));
        }
        at += n as u64;
    }
    Ok(None)
}

/// The lines starting in a range, read a chunk at a time (the fast path:
/// the range is never whole in memory).
#[derive(Debug)]
pub(super) struct RangeReader {
    file: Option<File>,
    buf: Vec<u8>,
    /// The file position of the next read.
    next: u64,
    end: u64,
    /// The last byte handed out: a newline there means the range ended on a line end.
    last: Option<u8>,
    path: std::path::PathBuf,
    /// Bytes per read ([`CHUNK`]; tests make it tiny).
    chunk: usize,
}

impl RangeReader {
    /// Opens the lines of `path` starting in `start..end`; `data_start` is
    /// where the first line after the header starts.
    ///
    /// # Errors
    /// [`Error::Io`] when the file cannot be read.
    pub(super) fn open(path: &Path, start: u64, end: u64, data_start: u64) -> Result<Self> {
        let io = |e: std::io::Error| Error::io(e, path);
        let mut file = File::open(path).map_err(io)?;
        let first = first_line_start(&mut file, start, end, data_start).map_err(io)?;
        let file = match first {
            Some(at) => {
                file.seek(SeekFrom::Start(at)).map_err(io)?;
                Some(file)
            }
            None => None,
        };
        Ok(RangeReader {
            next: first.unwrap_or(end),
            file,
            buf: Vec::new(),
            end,
            last: None,
            path: path.to_path_buf(),
            chunk: CHUNK,
        })
    }

    /// The next bytes of the lines, empty at the end.
    ///
    /// # Errors
    /// [`Error::Io`] when the file cannot be read.
    pub(super) fn next_chunk(&mut self) -> Result<&[u8]> {
        let Some(file) = self.file.as_mut() else { return Ok(&[]) };
        let io = |e: std::io::Error| Error::io(e, &self.path);
        if self.buf.is_empty() {
            self.buf = vec![0u8; self.chunk.max(TAIL_CHUNK as usize)];
        }
        let in_range = self.next < self.end;
        if !in_range && self.last == Some(b'\n') {
            self.file = None;
            return Ok(&[]);
        }
        let want = if in_range {
            usize::try_from(self.end - self.next).unwrap_or(self.chunk).min(self.chunk)
        } else {
            TAIL_CHUNK as usize
        };
        let n = file.read(&mut self.buf[..want]).map_err(io)?;
        if n == 0 {
            self.file = None;
            return Ok(&[]);
        }
        self.next += n as u64;
        let mut chunk = &self.buf[..n];
        if !in_range {
            // Past the range: finish the last line and stop.
            if let Some(i) = chunk.iter().position(|&b| b == b'\n') {
                chunk = &chunk[..=i];
                self.file = None;
            }
        }
        self.last = chunk.last().copied();
        Ok(chunk)
    }
}

/// The ranges of file `file`, whose data spans `data_start..size`: one per
/// `blocksize` bytes (at least one, so an empty file still has a partition
/// with the schema), or one for the whole file.
pub(super) fn plan(file: usize, data_start: u64, size: u64, blocksize: Option<u64>) -> Vec<ScanPartition> {
    let range = |start, end| ScanPartition { file, range: PartitionRange::Bytes { start, end } };
    let data_start = data_start.min(size);
    match blocksize {
        Some(block) if block > 0 && size > data_start => {
            let mut parts = Vec::new();
            let mut start = data_start;
            while start < size {
                let end = start.saturating_add(block).min(size);
                parts.push(range(start, end));
                start = end;
            }
            parts
        }
        _ => vec![range(data_start, size)],
    }
}

/// The whole lines that start in a range, in memory (for the error path,
/// which looks at them more than once).
#[derive(Debug)]
pub(super) struct Lines {
    bytes: Vec<u8>,
    /// The file position of the first byte.
    pub file_offset: u64,
}

impl Lines {
    /// The text of the lines.
    pub(super) fn data(&self) -> &[u8] {
        &self.bytes
    }
}

/// Reads the lines of `path` that start in `start..end` into memory;
/// `data_start` is where the first line after the header starts.
///
/// # Errors
/// [`Error::Io`] when the file cannot be read.
pub(super) fn read_lines(path: &Path, start: u64, end: u64, data_start: u64) -> Result<Lines> {
    let mut reader = RangeReader::open(path, start, end, data_start)?;
    let file_offset = reader.next;
    let mut bytes = Vec::new();
    loop {
        let chunk = reader.next_chunk()?;
        if chunk.is_empty() {
            return Ok(Lines { bytes, file_offset });
        }
        bytes.extend_from_slice(chunk);
    }
}

/// The number of newlines in `path` before byte `end`: the file line of the
/// text at `end` is that plus one. Only error reports pay for it.
///
/// # Errors
/// [`Error::Io`] when the file cannot be read.
pub(super) fn newlines_before(path: &Path, end: u64) -> Result<u64> {
    let io = |e: std::io::Error| Error::io(e, path);
    let mut file = File::open(path).map_err(io)?.take(end);
    let mut buf = vec![0u8; 1 << 20];
    let mut count = 0u64;
    loop {
        let n = file.read(&mut buf).map_err(io)?;
        if n == 0 {
            return Ok(count);
        }
        count += buf[..n].iter().filter(|&&b| b == b'\n').count() as u64;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn bounds(parts: &[ScanPartition]) -> Vec<(u64, u64)> {
        parts
            .iter()
            .map(|p| match p.range {
                PartitionRange::Bytes { start, end } => (start, end),
                _ => panic!("csv ranges are bytes"),
            })
            .collect()
    }

    #[test]
    fn plans_cover_the_data_once() {
        assert_eq!(bounds(&plan(0, 4, 14, Some(4))), [(4, 8), (8, 12), (12, 14)]);
        assert_eq!(bounds(&plan(0, 4, 14, None)), [(4, 14)]);
        assert_eq!(bounds(&plan(0, 4, 4, Some(4))), [(4, 4)]);
        assert_eq!(bounds(&plan(0, 0, 0, Some(1))), [(0, 0)]);
        assert_eq!(plan(3, 0, 10, Some(100))[0].file, 3);
    }

    #[test]
    fn every_line_is_read_once_whatever_the_cuts() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("f.csv");
        let text = b"h\r\n1,a\r\n22,bb\r\n\r\n333,ccc\r\n4444,dddd";
        std::fs::write(&path, text).unwrap();
        for block in 1..=text.len() as u64 + 1 {
            let mut all = Vec::new();
            for part in plan(0, 3, text.len() as u64, Some(block)) {
                let PartitionRange::Bytes { start, end } = part.range else { unreachable!() };
                let lines = read_lines(&path, start, end, 3).unwrap();
                if !lines.data().is_empty() {
                    assert_eq!(&text[lines.file_offset as usize..][..lines.data().len()], lines.data());
                }
                all.extend_from_slice(lines.data());
            }
            assert_eq!(all, &text[3..], "blocksize {block}");
        }
    }

    #[test]
    fn streamed_chunks_of_any_size_give_the_same_lines() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("f.csv");
        let text = b"h\n1,a\n22,bb\n333,ccc\n4444,dddd\n";
        std::fs::write(&path, text).unwrap();
        for chunk in 1..8 {
            for (start, end) in [(2, 9), (9, 20), (2, 33), (5, 6), (30, 33)] {
                let mut reader = RangeReader::open(&path, start, end, 2).unwrap();
                reader.chunk = chunk;
                let mut got = Vec::new();
                loop {
                    let c = reader.next_chunk().unwrap();
                    if c.is_empty() {
                        break;
                    }
                    got.extend_from_slice(c);
                }
                let whole = read_lines(&path, start, end, 2).unwrap();
                assert_eq!(got, whole.data(), "chunk {chunk} range {start}..{end}");
            }
        }
        assert_eq!(read_lines(&path, 2, 9, 2).unwrap().data(), b"1,a\n22,bb\n");
        assert_eq!(read_lines(&path, 5, 6, 2).unwrap().data(), b"");
        assert_eq!(read_lines(&path, 30, 33, 2).unwrap().data(), b"");
    }

    #[test]
    fn counts_newlines_before_a_position() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("f.csv");
        std::fs::write(&path, b"a\nb\n\nc").unwrap();
        assert_eq!(newlines_before(&path, 0).unwrap(), 0);
        assert_eq!(newlines_before(&path, 2).unwrap(), 1);
        assert_eq!(newlines_before(&path, 100).unwrap(), 3);
    }
}
