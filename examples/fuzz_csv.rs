//! Fuzzes the CSV reader, on stable Rust (see `fuzz_common` for the driver).
//!
//! ```text
//! cargo build --release --example fuzz_csv
//! target/release/examples/fuzz_csv 30m [SEED]
//! target/release/examples/fuzz_csv repro SEED CASE
//! ```
//!
//! Each case writes one to three files (sometimes gzipped) and reads every
//! partition through `rusk_io::Dataset`, in one of two modes:
//!
//! - *robust* (3 cases in 4): random bytes, or well-formed CSV mutated (quotes,
//!   doubled quotes, `\n` `\r\n` `\r`, separators, a BOM, invalid UTF-8, empty
//!   fields, ragged rows, long fields, unterminated quotes), read with random
//!   options (sep, quote, header, dtypes, NA strings, `on_bad_lines`, a
//!   column subset) at a random blocksize and at `None`. An `Err` is fine; a
//!   panic, a hang, or a result that depends on the blocksize (rows, bad
//!   lines skipped, or `Ok` at one and `Err` at the other) is a failure.
//!   A single file is then read again with every column as text, no NA
//!   strings and bad lines skipped, and must give the csv crate's records
//!   as wide as the header, skipping the others (or fail on an unterminated
//!   quote or text that is not UTF-8).
//! - *differential*: well-formed CSV (every record as wide as the header,
//!   fields quoted with separators, doubled quotes and line ends inside), all
//!   columns read as `Utf8` with no NA strings, at several blocksizes: the
//!   rows must be the records the csv crate reads from the same bytes.

mod fuzz_common;

use std::io::Write;
use std::path::{Path, PathBuf};

use arrow::array::{Array, AsArray, RecordBatch};
use arrow::compute::concat_batches;
use arrow::datatypes::{DataType, TimeUnit};
use fuzz_common::{Rng, Target};
use rusk_io::metrics::ScanCounts;
use rusk_io::{CsvOptions, Dataset, FileFormat, OnBadLines};

fn main() {
    fuzz_common::main(CsvTarget);
}

struct CsvTarget;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Mode {
    Robust,
    Differential,
}

#[derive(Debug)]
struct CsvCase {
    mode: Mode,
    /// The files' bytes, as written (before compression).
    files: Vec<Vec<u8>>,
    gzip: bool,
    /// The options, but for the blocksize.
    opts: CsvOptions,
    blocksizes: Vec<Option<u64>>,
    /// Picks the columns to read (a subset of the schema), or all.
    columns: Option<u64>,
}

/// Line ends a generated file uses.
#[derive(Debug, Clone, Copy)]
enum LineEnds {
    Lf,
    CrLf,
    Mixed,
    /// A bare `\r`, which the csv crate also reads as a line end.
    Cr,
}

/// Well-formed CSV: a header of unique names and `rows` records as wide,
/// quoted where they must be (and at random), in `opts`' dialect.
fn well_formed(rng: &mut Rng, sep: u8, quote: u8) -> Vec<u8> {
    let columns = rng.range(1, 6);
    let ends = match rng.below(10) {
        0..=4 => LineEnds::Lf,
        5..=7 => LineEnds::CrLf,
        8 => LineEnds::Mixed,
        _ => LineEnds::Cr,
    };
    let rows = if rng.one_in(20) { rng.range(100, 3000) } else { rng.below(30) };
    let lengths = match rng.below(100) {
        0 => Lengths::Huge,
        1..=9 => Lengths::Long,
        _ => Lengths::Short,
    };
    let mut out = Vec::new();
    if rng.one_in(10) {
        out.extend_from_slice(b"\xEF\xBB\xBF");
    }
    let mut names: Vec<Vec<u8>> = Vec::new();
    while names.len() < columns {
        let mut name = field_text(rng, sep, quote, Lengths::Short);
        if name.is_empty() {
            name = format!("c{}", names.len()).into_bytes();
        }
        if !names.contains(&name) {
            names.push(name);
        }
    }
    let last = rows; // the header is record 0
    for record in 0..=rows {
        for (column, name) in names.iter().enumerate() {
            if column > 0 {
                out.push(sep);
            }
            let text = if record == 0 { name.clone() } else { field_text(rng, sep, quote, lengths) };
            // A lone empty field would be a blank line, which readers skip.
            let must = text.is_empty() && columns == 1
                || text.iter().any(|&b| b == sep || b == quote || b == b'\n' || b == b'\r');
            if must || rng.one_in(5) {
                out.push(quote);
                for &b in &text {
                    out.push(b);
                    if b == quote {
                        out.push(quote);
                    }
                }
                out.push(quote);
            } else {
                out.extend_from_slice(&text);
            }
        }
        if record < last || rng.below(4) > 0 {
            let end: &[u8] = match ends {
                LineEnds::Lf => b"\n",
                LineEnds::CrLf => b"\r\n",
                LineEnds::Mixed => rng.pick::<&[u8]>(&[b"\n", b"\r\n"]),
                LineEnds::Cr => b"\r",
            };
            out.extend_from_slice(end);
        }
    }
    out
}

/// How long a file's fields may grow: most files keep them short, so that
/// cases stay fast; some hold long fields (past the 1 MiB read chunk, rarely).
#[derive(Debug, Clone, Copy)]
enum Lengths {
    Short,
    Long,
    Huge,
}

/// A field's text (unquoted), valid UTF-8.
fn field_text(rng: &mut Rng, sep: u8, quote: u8, lengths: Lengths) -> Vec<u8> {
    let len = match (rng.below(100), lengths) {
        (0..=11, _) => 0,
        (12..=97, _) => rng.range(1, 6),
        (98, Lengths::Long | Lengths::Huge) => rng.range(2_000, 70_000),
        (99, Lengths::Huge) if rng.one_in(4) => rng.range(1_100_000, 1_300_000),
        _ => rng.range(20, 200),
    };
    let pieces: [&[u8]; 20] = [
        b"a",
        b"b",
        b"z",
        b"0",
        b"1",
        b"9",
        b"-",
        b".",
        b" ",
        b"\xC3\xA9",
        b"\xE6\x97\xA5",
        b"\xF0\x9F\x98\x80",
        b"\n",
        b"\r\n",
        b"\r",
        b",",
        b";",
        b"\t",
        b"'",
        b"\"",
    ];
    let mut text = Vec::with_capacity(len);
    while text.len() < len {
        match rng.below(12) {
            0 => text.push(sep),
            1 => text.push(quote),
            2 if len > 100 => text.extend(std::iter::repeat_n(b'x', rng.range(1, 64))),
            _ => {
                let piece: &[u8] = rng.pick::<&[u8]>(&pieces);
                text.extend_from_slice(piece);
            }
        }
    }
    text
}

/// Little CSV files to start mutations from, besides generated ones.
const SEEDS: &[&[u8]] = &[
    b"",
    b"a,b,c\n",
    b"a,b,c\n1,2,3\n4,5,6\n",
    b"id,name,amount,when\n1,\"Smith, J\",1.5,2024-01-01\n2,\"say \"\"hi\"\"\",NA,2024-02-29 10:00:00\n",
    b"x;y\r\n1;\"a\r\nb\"\r\n2;\r\n",
    b"a,b\n1,\"unterminated\n2,3\n",
    b"\xEF\xBB\xBFa,b\n\xFF\xFE,1\n",
    b"a,b,c\n1,2\n3,4,5,6\n,,\n",
    b"k,v\ntrue,1e308\nFalse,-0.0\nnan,inf\n",
    b"a\n\n\n1\n\n2",
];

/// Tokens a mutation inserts.
const TOKENS: &[&[u8]] = &[
    b"\"",
    b"\"\"",
    b"'",
    b"''",
    b",",
    b";",
    b"\t",
    b"|",
    b"\n",
    b"\r\n",
    b"\r",
    b"\xEF\xBB\xBF",
    b"\xFF",
    b"\xC3",
    b"\xE2\x82",
    b",,,",
    b"NA",
    b"nan",
    b"NULL",
    b"",
    b"1e400",
    b"-",
    b"123456789012345678901234567890",
    b"true",
    b"2024-01-01",
    b"2024-13-45 25:61:61",
    b"-0",
    b"0x1F",
    b"\x00",
    b"\"\n\"",
    b",\"",
    b"\",",
];

fn mutate(rng: &mut Rng, data: &mut Vec<u8>, sep: u8, quote: u8) {
    let at = |rng: &mut Rng, data: &Vec<u8>| rng.below(data.len() + 1);
    match rng.below(11) {
        0 | 1 => {
            let i = at(rng, data);
            let token = *rng.pick(TOKENS);
            data.splice(i..i, token.iter().copied());
        }
        2 => {
            let i = at(rng, data);
            let j = (i + rng.range(1, 16)).min(data.len());
            data.drain(i..j);
        }
        3 => {
            // Duplicate a span: ragged rows, repeated quotes.
            let i = at(rng, data);
            let j = (i + rng.range(1, 40)).min(data.len());
            let span = data[i..j].to_vec();
            let k = at(rng, data);
            data.splice(k..k, span);
        }
        4 => {
            if !data.is_empty() {
                let i = rng.below(data.len());
                data[i] = rng.next_u64() as u8;
            }
        }
        5 => {
            let i = at(rng, data);
            data.truncate(i);
        }
        6 => {
            // An unterminated quote at a field start.
            let starts: Vec<usize> =
                (0..data.len()).filter(|&i| data[i] == sep || data[i] == b'\n').collect();
            let i = if starts.is_empty() { 0 } else { rng.pick(&starts) + 1 };
            data.insert(i.min(data.len()), quote);
        }
        7 => {
            // A separator becomes a line end or the other way round.
            let marks: Vec<usize> = (0..data.len()).filter(|&i| data[i] == sep || data[i] == b'\n').collect();
            if !marks.is_empty() {
                let i = *rng.pick(&marks);
                data[i] = if data[i] == sep { b'\n' } else { sep };
            }
        }
        8 => {
            // Long runs; of separators, a few thousand at most: a header
            // of tens of thousands of columns opens in quadratic time (known).
            let i = at(rng, data);
            let fill = *rng.pick(&[b'x', quote, sep, b'\n']);
            let n = *rng.pick(if fill == b'x' { &[10, 1000, 70_000] } else { &[10, 300, 3000] });
            data.splice(i..i, std::iter::repeat_n(fill, n));
        }
        9 => {
            // A quote doubled or removed.
            let quotes: Vec<usize> = (0..data.len()).filter(|&i| data[i] == quote).collect();
            if !quotes.is_empty() {
                let i = *rng.pick(&quotes);
                if rng.one_in(2) {
                    data.insert(i, quote);
                } else {
                    data.remove(i);
                }
            }
        }
        _ => {
            let i = at(rng, data);
            let end = *rng.pick(&[&b"\n"[..], b"\r\n", b"\r", b"\n\n"]);
            data.splice(i..i, end.iter().copied());
        }
    }
}

fn random_type(rng: &mut Rng) -> DataType {
    match rng.below(12) {
        0 => DataType::Int64,
        1 => DataType::Float64,
        2 => DataType::Boolean,
        3 => DataType::Int8,
        4 => DataType::UInt32,
        5 => DataType::Date32,
        6 => DataType::Timestamp(TimeUnit::Nanosecond, None),
        7 => DataType::Decimal128(10, 2),
        8 => DataType::Float16,
        9 => DataType::Time64(TimeUnit::Microsecond),
        10 => DataType::Binary, // not decodable: an error at open
        _ => DataType::Utf8,
    }
}

/// The names in the first line of `data`, roughly (for dtype and usecols).
fn rough_names(data: &[u8], sep: u8) -> Vec<String> {
    let first = data.split(|&b| b == b'\n').next().unwrap_or_default();
    first.split(|&b| b == sep).map(|n| String::from_utf8_lossy(n).trim_matches('"').to_string()).collect()
}

impl Target for CsvTarget {
    type Case = CsvCase;

    fn name(&self) -> &'static str {
        "fuzz_csv"
    }

    fn generate(&self, rng: &mut Rng) -> CsvCase {
        let mode = if rng.below(4) == 0 { Mode::Differential } else { Mode::Robust };
        let sep = *rng.pick(b",;\t|");
        let quote = *rng.pick(b"\"\"'");
        let gzip = rng.one_in(12);
        let mut opts = CsvOptions::default().sep(sep).quote(quote);
        if mode == Mode::Differential {
            let text = well_formed(rng, sep, quote);
            let mut sizes: Vec<Option<u64>> = if text.len() <= 40 {
                (1..=text.len() as u64 + 1).map(Some).collect()
            } else {
                let len = text.len() as u64;
                let mut s = vec![Some(1), Some(2), Some(3), Some(len), Some(len + 1)];
                s.extend((0..4).map(|_| Some(1 + rng.next_u64() % len)));
                s
            };
            sizes.push(None);
            if text.len() > 100_000 {
                // Long texts: blocksize 1 would plan a partition per record, slowly.
                sizes.retain(|s| s.is_none_or(|s| s > 1000 || s == 2));
            }
            opts =
                opts.keep_default_na(false).on_bad_lines(*rng.pick(&[OnBadLines::Error, OnBadLines::Skip]));
            return CsvCase { mode, files: vec![text], gzip, opts, blocksizes: sizes, columns: None };
        }
        let nfiles = if rng.one_in(5) { rng.range(2, 3) } else { 1 };
        let mut files = Vec::with_capacity(nfiles);
        for _ in 0..nfiles {
            let mut data = match rng.below(5) {
                0..=2 => well_formed(rng, sep, quote),
                3 => rng.pick(SEEDS).to_vec(),
                _ => {
                    let alphabet = [b'a', b'1', b'.', b' ', b'\n', b'\r', sep, quote, b',', b'"', 0xFF, b'-'];
                    (0..rng.below(200)).map(|_| *rng.pick(&alphabet)).collect()
                }
            };
            for _ in 0..rng.below(9) {
                mutate(rng, &mut data, sep, quote);
            }
            files.push(data);
        }
        let names = rough_names(&files[0], sep);
        if rng.one_in(8) {
            opts = opts.header(false);
        }
        if rng.one_in(3) {
            for _ in 0..rng.range(1, 3) {
                let name = if rng.one_in(4) { "zz".to_string() } else { rng.pick(&names).clone() };
                opts = opts.dtype(name, random_type(rng));
            }
        }
        if rng.one_in(10) {
            opts = opts.parse_dates([rng.pick(&names).clone()]);
        }
        if rng.one_in(10) {
            let keep: Vec<String> = names.iter().filter(|_| rng.one_in(2)).cloned().collect();
            opts = opts.usecols(keep);
        }
        if rng.one_in(6) {
            opts = opts.na_values([*rng.pick(&["", "-", "x", "1", "true", "2024-01-01"])]);
        }
        if rng.one_in(6) {
            opts = opts.keep_default_na(false);
        }
        if rng.one_in(5) {
            opts = opts.infer_rows(rng.range(1, 3));
        }
        if rng.one_in(100) {
            // Invalid dialects: errors at open.
            opts = opts.sep(*rng.pick(b"\n\r\"'"));
        }
        opts = opts.on_bad_lines(*rng.pick(&[OnBadLines::Error, OnBadLines::Skip]));
        let len = files.iter().map(Vec::len).max().unwrap_or(0) as u64;
        let blocksizes = vec![Some(1 + rng.next_u64() % (len + 1)), None];
        let columns = rng.one_in(4).then(|| rng.next_u64());
        CsvCase { mode, files, gzip, opts, blocksizes, columns }
    }

    fn run(&self, case: &CsvCase, work: &Path) -> Result<(), String> {
        let dir = work.join("case");
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).map_err(|e| format!("setup: {e}"))?;
        let mut paths = Vec::new();
        for (i, data) in case.files.iter().enumerate() {
            let path = dir.join(if case.gzip { format!("f{i}.csv.gz") } else { format!("f{i}.csv") });
            write_file(&path, data, case.gzip).map_err(|e| format!("setup: {e}"))?;
            paths.push(path);
        }
        let target: &Path = if paths.len() == 1 { &paths[0] } else { &dir };
        match case.mode {
            Mode::Robust => robust(case, target).and_then(|()| against_csv_crate(case, target)),
            Mode::Differential => differential(case, target),
        }
    }

    fn save(&self, case: &CsvCase, stem: &Path) -> std::io::Result<Vec<PathBuf>> {
        let mut saved = Vec::new();
        for (i, data) in case.files.iter().enumerate() {
            let path = stem.with_extension(format!("{i}.csv"));
            std::fs::write(&path, data)?;
            saved.push(path);
        }
        let path = stem.with_extension("case.txt");
        let text = format!(
            "mode: {:?}\ngzip: {}\nblocksizes: {:?}\ncolumns: {:?}\noptions: {:#?}\n",
            case.mode, case.gzip, case.blocksizes, case.columns, case.opts
        );
        std::fs::write(&path, text)?;
        saved.push(path);
        Ok(saved)
    }
}

fn write_file(path: &Path, data: &[u8], gzip: bool) -> std::io::Result<()> {
    if gzip {
        let file = std::fs::File::create(path)?;
        let mut encoder = flate2::write::GzEncoder::new(file, flate2::Compression::fast());
        encoder.write_all(data)?;
        encoder.finish()?;
        Ok(())
    } else {
        std::fs::write(path, data)
    }
}

/// What one read gave: the rows and the counters, or the error's text.
type Read = Result<(RecordBatch, ScanCounts), String>;

/// Opens `path` and reads every partition, in order, into one batch.
fn read_all(path: &Path, opts: &CsvOptions, blocksize: Option<u64>, columns: Option<u64>) -> Read {
    let dataset =
        Dataset::open(path, FileFormat::Csv(opts.clone().blocksize(blocksize))).map_err(|e| e.to_string())?;
    let schema = dataset.schema();
    let names: Option<Vec<String>> = columns.map(|pick| {
        let mut rng = Rng::new(pick);
        schema.fields().iter().map(|f| f.name().clone()).filter(|_| rng.one_in(2)).collect()
    });
    let mut batches = Vec::new();
    let metrics = rusk_io::ScanMetrics::default();
    for part in dataset.partitions() {
        batches.push(dataset.read(&part, names.as_deref(), &metrics).map_err(|e| e.to_string())?);
    }
    let schema = match (&names, batches.first()) {
        (_, Some(b)) => b.schema(),
        (None, None) => schema,
        (Some(n), None) => {
            let indices: Vec<usize> = n.iter().filter_map(|n| schema.index_of(n).ok()).collect();
            std::sync::Arc::new(schema.project(&indices).map_err(|e| e.to_string())?)
        }
    };
    let batch = concat_batches(&schema, &batches).map_err(|e| format!("concat: {e}"))?;
    Ok((batch, metrics.snapshot()))
}

/// The same rows, counted the same, whatever the blocksize.
fn robust(case: &CsvCase, path: &Path) -> Result<(), String> {
    let reads: Vec<(Option<u64>, Read)> =
        case.blocksizes.iter().map(|&b| (b, read_all(path, &case.opts, b, case.columns))).collect();
    let Some(((first_size, first), rest)) = reads.split_first() else { return Ok(()) };
    for (size, read) in rest {
        match (first, read) {
            (Ok((a, ca)), Ok((b, cb))) => {
                if a != b {
                    return Err(format!(
                        "blocksize: rows differ: {} rows at {first_size:?}, {} at {size:?}",
                        a.num_rows(),
                        b.num_rows()
                    ));
                }
                if (ca.rows_read, ca.bad_lines_skipped) != (cb.rows_read, cb.bad_lines_skipped) {
                    return Err(format!(
                        "blocksize: counts differ: rows, bad lines {:?} at {first_size:?}, {:?} at {size:?}",
                        (ca.rows_read, ca.bad_lines_skipped),
                        (cb.rows_read, cb.bad_lines_skipped)
                    ));
                }
            }
            (Err(_), Err(_)) => {}
            (Ok(_), Err(e)) => {
                return Err(format!("blocksize: Ok at {first_size:?}, error at {size:?}: {e}"))
            }
            (Err(e), Ok(_)) => {
                return Err(format!("blocksize: error at {first_size:?}: {e}; Ok at {size:?}"))
            }
        }
    }
    Ok(())
}

/// On a robust case's single file, read with every column as text, no NA
/// strings and bad lines skipped: rusk's rows are the csv crate's records
/// as wide as the header, and it skips the others; or the read fails on an
/// unterminated quote, or on text that is not UTF-8. (Files whose header
/// names are not unique, non-empty UTF-8 are passed over.)
fn against_csv_crate(case: &CsvCase, path: &Path) -> Result<(), String> {
    let (sep, quote) = (case.opts.sep, case.opts.quote);
    if case.files.len() != 1 || !case.opts.header || sep == quote || b"\r\n".contains(&sep) {
        return Ok(());
    }
    let text = &case.files[0];
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .delimiter(sep)
        .quote(quote)
        .from_reader(text.as_slice());
    let Ok(records) = reader.byte_records().collect::<Result<Vec<_>, _>>() else { return Ok(()) };
    let Some((header, rest)) = records.split_first() else { return Ok(()) };
    let Ok(names) = header.iter().map(std::str::from_utf8).collect::<Result<Vec<&str>, _>>() else {
        return Ok(());
    };
    let mut sorted = names.clone();
    sorted.sort_unstable();
    sorted.dedup();
    if sorted.len() != names.len() || names.iter().any(|n| n.is_empty()) {
        return Ok(());
    }
    let expected: Vec<&csv::ByteRecord> = rest.iter().filter(|r| r.len() == names.len()).collect();
    let bad = (rest.len() - expected.len()) as u64;
    let utf8 = std::str::from_utf8(text).is_ok();
    let mut opts =
        CsvOptions::default().sep(sep).quote(quote).keep_default_na(false).on_bad_lines(OnBadLines::Skip);
    for name in &names {
        opts = opts.dtype(*name, DataType::Utf8);
    }
    for &size in &case.blocksizes {
        let (batch, counts) = match read_all(path, &opts, size, None) {
            Ok(read) => read,
            Err(e) if !utf8 || e.starts_with("unterminated quoted field") => continue,
            Err(e) => return Err(format!("csv crate: error at blocksize {size:?}: {e}")),
        };
        if (batch.num_rows(), counts.bad_lines_skipped) != (expected.len(), bad) {
            return Err(format!(
                "csv crate: {} rows and {} bad lines, csv crate {} and {bad} (blocksize {size:?})",
                batch.num_rows(),
                counts.bad_lines_skipped,
                expected.len()
            ));
        }
        for (c, column) in batch.columns().iter().enumerate() {
            let Some(strings) = column.as_string_opt::<i32>() else {
                return Err(format!("csv crate: column {c} is {}", column.data_type()));
            };
            for (r, record) in expected.iter().enumerate() {
                let got = strings.is_valid(r).then(|| strings.value(r).as_bytes());
                if got != record.get(c) {
                    return Err(format!(
                        "csv crate: row {r} column {c}: {:?}, csv crate {:?} (blocksize {size:?})",
                        got.map(String::from_utf8_lossy),
                        record.get(c).map(String::from_utf8_lossy)
                    ));
                }
            }
        }
    }
    Ok(())
}

/// rusk's rows are the csv crate's records.
fn differential(case: &CsvCase, path: &Path) -> Result<(), String> {
    let text = &case.files[0];
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .delimiter(case.opts.sep)
        .quote(case.opts.quote)
        .from_reader(text.as_slice());
    let mut records: Vec<Vec<String>> = Vec::new();
    for record in reader.records() {
        let record = record.map_err(|e| format!("generator: the csv crate refuses the text: {e}"))?;
        records.push(record.iter().map(str::to_string).collect());
    }
    let Some((header, rows)) = records.split_first() else { return Ok(()) };
    let mut opts = case.opts.clone();
    for name in header {
        opts = opts.dtype(name.clone(), DataType::Utf8);
    }
    for &size in &case.blocksizes {
        let (batch, counts) = read_all(path, &opts, size, None)
            .map_err(|e| format!("differential: error at blocksize {size:?}: {e}"))?;
        let names: Vec<&String> = batch.schema_ref().fields().iter().map(|f| f.name()).collect();
        if names.iter().map(|n| n.as_str()).ne(header.iter().map(String::as_str)) {
            return Err(format!("differential: header {names:?}, csv crate {header:?} (blocksize {size:?})"));
        }
        if batch.num_rows() != rows.len() || counts.bad_lines_skipped != 0 {
            return Err(format!(
                "differential: {} rows ({} bad), csv crate {} (blocksize {size:?})",
                batch.num_rows(),
                counts.bad_lines_skipped,
                rows.len()
            ));
        }
        for (c, column) in batch.columns().iter().enumerate() {
            let Some(strings) = column.as_string_opt::<i32>() else {
                return Err(format!("differential: column {c} is {}", column.data_type()));
            };
            for (r, row) in rows.iter().enumerate() {
                // No NA strings: an empty field is an empty string, as in pandas.
                let got = strings.is_valid(r).then(|| strings.value(r));
                if got != Some(row[c].as_str()) {
                    return Err(format!(
                        "differential: row {r} column {c}: {got:?}, csv crate {:?} (blocksize {size:?})",
                        row[c]
                    ));
                }
            }
        }
    }
    Ok(())
}
