//! Inputs the fuzzers (`examples/fuzz_csv.rs`) found, kept as tests.

use rusk_io::{CsvOptions, Dataset, FileFormat, OnBadLines};

/// A BOM, a header of `tabs + 1` empty names (the last a quoted tab) and a
/// data row that is one unterminated quote: it opens, and every blocksize
/// reads it as the same error.
fn wide_header_then_open_quote(tabs: usize) {
    let mut text = b"\xEF\xBB\xBF".to_vec();
    text.extend(std::iter::repeat_n(b'\t', tabs));
    text.extend_from_slice(b"'\t'\n'");
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("wide.csv");
    std::fs::write(&path, &text).expect("write");
    for blocksize in [Some(3088), Some(1), None] {
        let opts = CsvOptions::default()
            .sep(b'\t')
            .quote(b'\'')
            .infer_rows(2)
            .on_bad_lines(OnBadLines::Skip)
            .blocksize(blocksize);
        let dataset = Dataset::open(&path, FileFormat::Csv(opts)).expect("the header is fine");
        let fields = dataset.schema().fields().clone();
        assert_eq!(fields.len(), tabs + 1);
        assert_eq!((fields[0].name().as_str(), fields[tabs].name().as_str()), ("Unnamed: 0", "\t"));
        let read: Result<Vec<_>, _> = dataset.partitions().iter().map(|p| dataset.read(p, None)).collect();
        match read {
            Err(rusk_ops::Error::UnterminatedQuote { location }) => assert_eq!(location.line, Some(2)),
            other => panic!("blocksize {blocksize:?}: expected an unterminated quote, got {other:?}"),
        }
    }
}

#[test]
fn a_wide_header_then_an_open_quote() {
    wide_header_then_open_quote(1_000);
}

/// `fuzz_csv` hang (seed 0x2, case 274): the same with 70,001 columns took
/// 54 s to open and read in a release build. Every column is looked up by
/// name with a linear scan (`Schema::index_of`/`field_with_name`,
/// `merge_schemas`' `find`, `position` in `CsvSource::open`, `contains` and
/// `index_of` in `Dataset::read`): columns² string comparisons.
#[test]
#[ignore = "quadratic in the number of columns: about a minute in release, far longer in debug"]
fn a_header_of_70001_columns_opens_and_reads() {
    wide_header_then_open_quote(70_000);
}
