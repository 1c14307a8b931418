//! Rows whose field count differs from the header's (pandas' "bad lines"):
//! finding them, with their lines, and cutting them out.
//!
//! arrow-csv stops at the first such row; this runs only then, so a clean
//! file never pays for it.

use super::head::csv_reader;
use super::options::CsvOptions;

/// One row of the wrong width.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct BadLine {
    /// Its bytes in the data: `start..end`, as the reader consumed them
    /// (possibly with a newline left over from the row before).
    pub start: usize,
    /// See `start`.
    pub end: usize,
    /// Its field count.
    pub found: usize,
}

/// The rows of `data` that do not have `expected` fields, in order.
pub(super) fn find(data: &[u8], opts: &CsvOptions, expected: usize) -> Vec<BadLine> {
    let mut reader = csv_reader(opts, data);
    let mut record = csv::ByteRecord::new();
    let mut bad = Vec::new();
    loop {
        let start = reader.position().byte() as usize;
        // Reading from memory cannot fail with I/O, and a flexible reader of
        // bytes has no other error: stop at the end or any surprise.
        match reader.read_byte_record(&mut record) {
            Ok(true) => {}
            Ok(false) | Err(_) => break,
        }
        let end = reader.position().byte() as usize;
        if record.len() != expected {
            bad.push(BadLine { start, end, found: record.len() });
        }
    }
    bad
}

/// `data` without the `bad` rows (from [`find`] on the same data).
pub(super) fn without(data: &[u8], bad: &[BadLine]) -> Vec<u8> {
    let mut kept = Vec::with_capacity(data.len());
    let mut from = 0;
    for line in bad {
        kept.extend_from_slice(data.get(from..line.start).unwrap_or_default());
        // A row's span may begin with the `\n` ending the row before it
        // (`\r\n` is consumed in two steps): keep the kept row terminated.
        if data.get(line.start) == Some(&b'\n') {
            kept.push(b'\n');
        }
        from = line.end;
    }
    kept.extend_from_slice(data.get(from..).unwrap_or_default());
    kept
}

/// The 1-based line, counted from the start of `data`, of the row whose
/// span starts at `start` (skipping the blank lines and line-end bytes
/// the span may begin with).
pub(super) fn line_of(data: &[u8], start: usize) -> u64 {
    let text = data.get(start..).unwrap_or_default();
    let first = text.iter().position(|&b| b != b'\r' && b != b'\n').unwrap_or(text.len());
    let end = (start + first).min(data.len());
    data[..end].iter().filter(|&&b| b == b'\n').count() as u64 + 1
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_and_cuts_ragged_rows() {
        for data in
            [&b"1,2\n3\n4,5\n6,7,8\n9,10"[..], b"1,2\r\n3\r\n4,5\r\n6,7,8\r\n9,10\r\n", b"3\n1,2\n\n6,7,8"]
        {
            let bad = find(data, &CsvOptions::default(), 2);
            assert_eq!(bad.iter().map(|b| b.found).collect::<Vec<_>>(), [1, 3], "{data:?}");
            let kept = without(data, &bad);
            let again = find(&kept, &CsvOptions::default(), 2);
            assert!(again.is_empty(), "{:?}", String::from_utf8_lossy(&kept));
            let mut reader = csv_reader(&CsvOptions::default(), &kept[..]);
            let rows = reader.byte_records().count();
            let good = find(data, &CsvOptions::default(), 99).len() - 2;
            assert_eq!(rows, good);
        }
    }

    #[test]
    fn lines_count_blank_lines_and_quoted_newlines() {
        let data = b"1,2\r\n\r\n\"a\nb\",3\n4,5,6\n";
        let bad = find(data, &CsvOptions::default(), 2);
        assert_eq!(bad.len(), 1);
        assert_eq!(line_of(data, bad[0].start), 5);
        assert_eq!(line_of(data, 0), 1);
    }
}
