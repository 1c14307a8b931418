//! Every record is accounted for: a CSV read either fails, or returns each
//! record of its files as a row or counts it as a bad line, whatever the
//! files, blocksizes and `on_bad_lines`; and a write whose read fails leaves
//! no output behind.

use std::path::Path;

use rusk::arrow::array::RecordBatch;
use rusk::arrow::datatypes::DataType;
use rusk::{CsvOptions, Error, OnBadLines};
use rusk_io::{Dataset, FileFormat};

/// xorshift64: seeded, so a failure names the round that reproduces it.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }

    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
}

/// A field: plain, empty, or quoted around separators, doubled quotes and
/// line ends.
fn field(rng: &mut Rng) -> String {
    match rng.below(8) {
        0 => String::new(),
        1 => "\"x,y\"".into(),
        2 => "\"line\none\"".into(),
        3 => "\"say \"\"hi\"\"\r\nthere\"".into(),
        4 => "\"\"".into(),
        _ => format!("v{}", rng.below(1000)),
    }
}

/// A CSV file with header `a,b,c` and some ragged rows (2 or 4 fields).
fn file(rng: &mut Rng) -> Vec<u8> {
    let mut text = String::from("a,b,c\n");
    for _ in 0..rng.below(40) {
        let width = match rng.below(8) {
            0 => 2,
            1 => 4,
            _ => 3,
        };
        let fields: Vec<String> = (0..width).map(|_| field(rng)).collect();
        text.push_str(&fields.join(","));
        text.push_str(if rng.below(4) == 0 { "\r\n" } else { "\n" });
    }
    if text.ends_with('\n') && rng.below(3) == 0 {
        text.pop();
        if text.ends_with('\r') {
            text.pop();
        }
    }
    text.into_bytes()
}

/// Data records and bad ones (width other than 3), by the csv crate.
fn count_records(text: &[u8]) -> (u64, u64) {
    let mut reader = csv::ReaderBuilder::new().has_headers(true).flexible(true).from_reader(text);
    let (mut good, mut bad) = (0, 0);
    for record in reader.byte_records() {
        match record.expect("the csv crate reads the generated text").len() {
            3 => good += 1,
            _ => bad += 1,
        }
    }
    (good, bad)
}

/// Rows returned and bad lines counted by reading every partition.
fn read_all(path: &Path, opts: CsvOptions) -> rusk::Result<(u64, u64)> {
    let dataset = Dataset::open(path, FileFormat::Csv(opts))?;
    let mut rows = 0;
    let metrics = rusk_io::ScanMetrics::default();
    for part in dataset.partitions() {
        let batch: RecordBatch = dataset.read(&part, None, &metrics)?;
        rows += batch.num_rows() as u64;
    }
    Ok((rows, metrics.snapshot().bad_lines_skipped))
}

#[test]
fn rows_plus_bad_lines_are_the_records_or_the_read_fails() {
    let mut checked_ok = 0;
    for round in 0..40u64 {
        let mut rng = Rng(0x5EED_0000 + round * 0x9E37_79B9);
        for nfiles in 1..=3 {
            let dir = tempfile::tempdir().expect("temp dir");
            let (mut good, mut bad) = (0, 0);
            for i in 0..nfiles {
                let text = file(&mut rng);
                let (g, b) = count_records(&text);
                good += g;
                bad += b;
                std::fs::write(dir.path().join(format!("part-{i}.csv")), text).expect("write");
            }
            for blocksize in [Some(1), Some(7), Some(64), None] {
                for on_bad_lines in [OnBadLines::Error, OnBadLines::Skip] {
                    let opts = ["a", "b", "c"]
                        .into_iter()
                        .fold(CsvOptions::default(), |o, c| o.dtype(c, DataType::Utf8))
                        .blocksize(blocksize)
                        .on_bad_lines(on_bad_lines);
                    let case =
                        format!("round {round}, {nfiles} files, blocksize {blocksize:?}, {on_bad_lines:?}");
                    match (read_all(dir.path(), opts), on_bad_lines) {
                        (Ok((rows, skipped)), OnBadLines::Skip) => {
                            assert_eq!((rows, skipped), (good, bad), "{case}: rows and bad lines");
                            checked_ok += 1;
                        }
                        (Ok((rows, skipped)), OnBadLines::Error) => {
                            assert_eq!(bad, 0, "{case}: Ok with {bad} bad records ({rows} rows)");
                            assert_eq!((rows, skipped), (good, 0), "{case}: rows");
                            checked_ok += 1;
                        }
                        (Err(Error::MalformedRow { .. }), OnBadLines::Error) if bad > 0 => {}
                        (Err(e), _) => panic!("{case}: {good} good and {bad} bad records, but: {e}"),
                    }
                }
            }
        }
    }
    assert!(checked_ok > 300, "too few reads succeeded to test anything: {checked_ok}");
}

/// Files of `a,b` whose last row is ragged, cut in many partitions so
/// that other partitions' tasks write before the bad one fails.
fn failing_input(dir: &Path) -> rusk::Result<rusk::DataFrame> {
    for i in 0..3 {
        let mut text = String::from("a,b\n");
        for r in 0..200 {
            text.push_str(&format!("{r},x{r}\n"));
        }
        if i == 2 {
            text.push_str("1,2,3\n");
        }
        std::fs::write(dir.join(format!("part-{i}.csv")), text).expect("write");
    }
    rusk::read_csv_with(dir, CsvOptions::default().blocksize(Some(256)))
}

#[test]
fn a_failed_write_leaves_no_output() {
    let input = tempfile::tempdir().expect("temp dir");
    let out = tempfile::tempdir().expect("temp dir");
    let df = failing_input(input.path()).expect("opening reads only the heads");
    for round in 0..10 {
        for name in ["dir_csv", "dir_parquet", "one.csv", "one.parquet"] {
            let path = out.path().join(format!("{round}-{name}"));
            let result = if name.contains("csv") { df.to_csv(&path) } else { df.to_parquet(&path) };
            match result {
                Err(Error::MalformedRow { .. }) => {}
                other => panic!("{name}: expected the bad row's error, got {other:?}"),
            }
            assert!(!path.exists(), "round {round}: {name} left {} behind", path.display());
        }
    }
}
