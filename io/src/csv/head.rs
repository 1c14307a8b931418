//! The head of a CSV file: its byte-order mark, its header and the first
//! rows, which name the columns, tell where the data starts and feed type
//! inference.

use std::io::Read;
use std::path::Path;

use rusk_ops::{Error, Location, Result};

use super::compression::Compression;
use super::options::CsvOptions;
use super::records::QuoteScanner;

const UTF8_BOM: [u8; 3] = [0xEF, 0xBB, 0xBF];

/// What the start of one file says.
#[derive(Debug)]
pub(super) struct FileHead {
    /// Column names: the header's, made unique as pandas does, or `"0"`,
    /// `"1"`, ... without a header. Empty for an empty file.
    pub names: Vec<String>,
    /// The byte where the data rows start (after the BOM and header; at the
    /// `\n` of a header ending in `\r\n`, which reads as a blank line).
    pub data_start: u64,
    /// Up to `infer_rows` data rows, as read (ragged rows included).
    pub samples: Vec<csv::ByteRecord>,
}

/// A csv-crate reader configured like the arrow-csv decoder, so both split
/// fields and rows identically.
///
/// Its input never starts a file (callers skip a file's BOM themselves), so
/// a BOM in it is data, as pandas reads it; csv-core drops one at the start
/// of its input, and cannot when its first read holds a single byte.
pub(super) fn csv_reader<R: Read>(opts: &CsvOptions, input: R) -> csv::Reader<OneByteFirst<R>> {
    csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .delimiter(opts.sep)
        .quote(opts.quote)
        .from_reader(OneByteFirst { input, first: true })
}

/// A reader whose first read gives at most one byte (see [`csv_reader`]).
#[derive(Debug)]
pub(super) struct OneByteFirst<R> {
    input: R,
    first: bool,
}

impl<R: Read> Read for OneByteFirst<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        if self.first && !buf.is_empty() {
            let n = self.input.read(&mut buf[..1])?;
            self.first = false;
            return Ok(n);
        }
        self.input.read(buf)
    }
}

/// Reads the head of `path`.
///
/// # Errors
/// [`Error::Io`] when the file cannot be read.
pub(super) fn read_head(path: &Path, opts: &CsvOptions) -> Result<FileHead> {
    let io = |e: std::io::Error| Error::io(e, path);
    let mut input = Compression::open(path)?;
    let mut start = [0u8; 3];
    let mut got = 0;
    while got < start.len() {
        match input.read(&mut start[got..]).map_err(io)? {
            0 => break,
            n => got += n,
        }
    }
    let bom = if start == UTF8_BOM { 3 } else { 0 };
    let file = (&start[bom as usize..got]).chain(input);
    let mut reader = csv_reader(opts, file);
    let csv_error = |e: csv::Error| match e.into_kind() {
        csv::ErrorKind::Io(e) => Error::io(e, path),
        other => Error::Internal(format!("csv head of {}: {other:?}", path.display())),
    };

    let mut record = csv::ByteRecord::new();
    let mut names = Vec::new();
    let mut samples = Vec::new();
    let mut data_start = bom;
    if opts.header {
        if reader.read_byte_record(&mut record).map_err(csv_error)? {
            names = dedup_names(record.iter().map(|f| String::from_utf8_lossy(f).into_owned()).collect());
        }
        data_start = bom + reader.position().byte();
    }
    while samples.len() < opts.infer_rows && reader.read_byte_record(&mut record).map_err(csv_error)? {
        if !opts.header && names.is_empty() {
            names = (0..record.len()).map(|i| i.to_string()).collect();
        }
        samples.push(record.clone());
    }
    // A header whose quote never closes runs to the end of the file, so it
    // leaves no row to sample: only then is the header read again to look.
    if opts.header && samples.is_empty() {
        if let Some(at) = open_quote_before(path, bom, data_start, opts)? {
            return Err(Error::UnterminatedQuote {
                location: Box::new(Location {
                    file: Some(path.to_path_buf()),
                    line: Some(1 + at.1),
                    ..Default::default()
                }),
            });
        }
    }
    if !opts.header && names.is_empty() {
        // No rows sampled (`infer_rows` is at least 1, so the file is empty).
        data_start = bom;
    }
    Ok(FileHead { names, data_start, samples })
}

/// Where a quote left open at `end` opened (its offset, and the newlines
/// before it), reading the text of `path` from `start` (a record start).
/// The csv crate reads an unterminated quote to the end of the file without
/// a word; this catches a header that would swallow the data.
fn open_quote_before(path: &Path, start: u64, end: u64, opts: &CsvOptions) -> Result<Option<(u64, u64)>> {
    let io = |e: std::io::Error| Error::io(e, path);
    let mut text = Vec::new();
    Compression::open(path)?.take(end).read_to_end(&mut text).map_err(io)?;
    let header = text.get(usize::try_from(start).unwrap_or(usize::MAX)..).unwrap_or_default();
    let mut scanner = QuoteScanner::new(opts.sep, opts.quote, start);
    let mut rest = header;
    while !rest.is_empty() {
        rest = &rest[scanner.feed(rest, None).0..];
    }
    Ok(scanner.open_quote().map(|at| {
        let before = text.get(..usize::try_from(at).unwrap_or(0)).unwrap_or_default();
        (at, memchr::memchr_iter(b'\n', before).count() as u64)
    }))
}

/// Makes header names unique as pandas does (`a, a, a` → `a, a.1, a.2`;
/// an empty name is `Unnamed: {position}`), so every column can be named.
pub(super) fn dedup_names(names: Vec<String>) -> Vec<String> {
    let names: Vec<String> = names
        .into_iter()
        .enumerate()
        .map(|(i, n)| if n.is_empty() { format!("Unnamed: {i}") } else { n })
        .collect();
    // pandas.io.common.dedup_names, which counts per name and retries
    // until the suffixed name is unused.
    let mut counts: std::collections::HashMap<String, usize> = std::collections::HashMap::new();
    let mut out = Vec::with_capacity(names.len());
    for name in names {
        let mut col = name;
        let mut cur = counts.get(&col).copied().unwrap_or(0);
        while cur > 0 {
            counts.insert(col.clone(), cur + 1);
            col = format!("{col}.{cur}");
            cur = counts.get(&col).copied().unwrap_or(0);
        }
        *counts.entry(col.clone()).or_insert(0) += 1;
        out.push(col);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn head(text: &[u8], opts: &CsvOptions) -> FileHead {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("f.csv");
        std::fs::write(&path, text).unwrap();
        read_head(&path, opts).unwrap()
    }

    #[test]
    fn names_are_deduplicated_like_pandas() {
        let names = |v: &[&str]| dedup_names(v.iter().map(|s| s.to_string()).collect());
        assert_eq!(names(&["a", "a", "b", "a"]), ["a", "a.1", "b", "a.2"]);
        assert_eq!(names(&["a", "a.1", "a"]), ["a", "a.1", "a.1.1"]);
        assert_eq!(names(&["", "x", ""]), ["Unnamed: 0", "x", "Unnamed: 2"]);
    }

    #[test]
    fn header_bom_and_data_start() {
        let opts = CsvOptions::default();
        let h = head(b"\xEF\xBB\xBFa,b\r\n1,2\r\n3,4", &opts);
        assert_eq!(h.names, ["a", "b"]);
        // The reader stops after the `\r`; the `\n` reads as a blank line.
        assert_eq!(h.data_start, 7);
        assert_eq!(h.samples.len(), 2);

        let h = head(b"a,\"b\nc\"\n1,2\n", &opts);
        assert_eq!(h.names, ["a", "b\nc"]);
        assert_eq!(h.data_start, 8);
    }

    #[test]
    fn no_header_numbers_the_columns() {
        let h = head(b"1,2,3\n4,5,6\n", &CsvOptions::default().header(false));
        assert_eq!(h.names, ["0", "1", "2"]);
        assert_eq!(h.data_start, 0);
        assert_eq!(h.samples.len(), 2);
    }

    #[test]
    fn empty_and_header_only_files() {
        let h = head(b"", &CsvOptions::default());
        assert!(h.names.is_empty() && h.samples.is_empty());
        assert_eq!(h.data_start, 0);
        let h = head(b"", &CsvOptions::default().header(false));
        assert!(h.names.is_empty());
        let h = head(b"a,b", &CsvOptions::default());
        assert_eq!((h.names.len(), h.data_start, h.samples.len()), (2, 3, 0));
    }

    #[test]
    fn samples_stop_at_infer_rows() {
        let h = head(b"a\n1\n2\n3\n4\n", &CsvOptions::default().infer_rows(2));
        assert_eq!(h.samples.len(), 2);
    }
}
