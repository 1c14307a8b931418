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

/// The whole lines that start in a range, as read from the file.
#[derive(Debug)]
pub(super) struct Lines {
    bytes: Vec<u8>,
    /// Where the first line starts in `bytes`.
    offset: usize,
    /// The file position of `bytes[offset]`.
    pub file_offset: u64,
}

impl Lines {
    /// The text of the lines.
    pub(super) fn data(&self) -> &[u8] {
        self.bytes.get(self.offset..).unwrap_or_default()
    }

    fn empty(file_offset: u64) -> Self {
        Lines { bytes: Vec::new(), offset: 0, file_offset }
    }
}

/// Reads the lines of `path` that start in `start..end`; `data_start` is
/// where the first line after the header starts.
///
/// # Errors
/// [`Error::Io`] when the file cannot be read.
pub(super) fn read_lines(path: &Path, start: u64, end: u64, data_start: u64) -> Result<Lines> {
    if end <= start {
        return Ok(Lines::empty(start));
    }
    let io = |e: std::io::Error| Error::io(e, path);
    // One byte before `start` tells whether a line starts at `start`.
    let read_from = if start > data_start { start - 1 } else { start };
    let mut file = File::open(path).map_err(io)?;
    file.seek(SeekFrom::Start(read_from)).map_err(io)?;
    let want = end - read_from;
    let mut bytes = Vec::with_capacity(usize::try_from(want + TAIL_CHUNK).unwrap_or(usize::MAX / 2));
    (&mut file).take(want).read_to_end(&mut bytes).map_err(io)?;
    let offset = if start > data_start {
        // The first line starts after the first newline from `start - 1` on.
        match bytes.iter().position(|&b| b == b'\n') {
            Some(i) => i + 1,
            None => bytes.len(),
        }
    } else {
        0
    };
    if offset >= bytes.len() {
        // No line starts in the range: it lies inside one long line.
        return Ok(Lines::empty(start));
    }
    let at_eof = (bytes.len() as u64) < want;
    if !at_eof && bytes.last() != Some(&b'\n') {
        // Finish the last line, which runs past `end`.
        loop {
            let before = bytes.len();
            (&mut file).take(TAIL_CHUNK).read_to_end(&mut bytes).map_err(io)?;
            if bytes.len() == before {
                break;
            }
            if let Some(i) = bytes[before..].iter().position(|&b| b == b'\n') {
                bytes.truncate(before + i + 1);
                break;
            }
        }
    }
    Ok(Lines { file_offset: read_from + offset as u64, bytes, offset })
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
                assert_eq!(&text[lines.file_offset as usize..][..lines.data().len()], lines.data());
                all.extend_from_slice(lines.data());
            }
            assert_eq!(all, &text[3..], "blocksize {block}");
        }
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
