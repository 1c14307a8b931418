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
        let read: Result<Vec<_>, _> =
            dataset.partitions().iter().map(|p| dataset.read(p, None, &Default::default())).collect();
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
/// 54 s to open and read in a release build, when every column was looked
/// up by name with a linear scan (columns² string comparisons); with maps
/// of names, 0.4 s.
#[test]
fn a_header_of_70001_columns_opens_and_reads() {
    wide_header_then_open_quote(70_000);
}

/// The rows of the file `text`, column `a`, read at `blocksize`.
fn column_a(text: &[u8], opts: CsvOptions) -> Vec<Option<String>> {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("f.csv");
    std::fs::write(&path, text).expect("write");
    let dataset = Dataset::open(&path, FileFormat::Csv(opts)).expect("open");
    let mut values = Vec::new();
    for part in dataset.partitions() {
        let batch = dataset.read(&part, Some(&["a".to_string()]), &Default::default()).expect("read");
        let strings = batch.column(0).as_any().downcast_ref::<arrow::array::StringArray>().expect("text");
        values.extend(strings.iter().map(|v| v.map(str::to_string)));
    }
    values
}

/// `fuzz_csv` (seed 0x18eeadcf2aa1ea81, case 27015): a row starting with a
/// BOM kept it at one blocksize and lost it at another. csv-core, under
/// arrow-csv, drops a BOM at the start of any input, and a partition, or
/// the rows kept after bad lines are cut, may start with that row; rusk's
/// own fast path kept it. Past the file's start a BOM is data, as in pandas.
#[test]
fn a_bom_past_the_start_of_the_file_is_data() {
    let bom_four = Some("\u{feff}4".to_string());
    let skip = CsvOptions::default().on_bad_lines(OnBadLines::Skip);
    for blocksize in [Some(1), Some(4), None] {
        // The first row kept after a bad one.
        let rows = column_a(b"a,b\n1,2,3\n\xEF\xBB\xBF4,5\n", skip.clone().blocksize(blocksize));
        assert_eq!(rows, std::slice::from_ref(&bom_four), "after a bad line, blocksize {blocksize:?}");
        // The first row of a partition read by arrow-csv (a quote rules out the fast path).
        let rows = column_a(b"\xEF\xBB\xBFa,b\n\xEF\xBB\xBF4,\"5\"\n", skip.clone().blocksize(blocksize));
        assert_eq!(rows, std::slice::from_ref(&bom_four), "first row, blocksize {blocksize:?}");
    }
    // The input the fuzzer found: one answer for every blocksize.
    let text =
        b"a,\r,2,3\n4,5,6\n,2,3\n\xEF\xBB\xBF4,5\n\nb,c\n1b,c\n1\n2,3\n4,5,6\n,2,3\n\xEF\xBB\xBF4,5,6\n";
    let whole = column_a(text, skip.clone().blocksize(None));
    assert_eq!(whole, [bom_four, Some("b".into()), Some("1b".into()), Some("2".into())]);
    for blocksize in 1..=text.len() as u64 {
        assert_eq!(column_a(text, skip.clone().blocksize(Some(blocksize))), whole, "blocksize {blocksize}");
    }
}

/// `fuzz_csv` (seed 0x18eeadcf2aa1ea81, case 35985), the same cause: with
/// the BOM dropped, a quote after it opened a quoted field at one blocksize
/// only, so a row was bad at one blocksize and fine at another. After a BOM
/// that is data, a quote is mid-field and literal (as in pandas and the csv
/// crate): `\u{feff}"x`, `y"`, `3` is a row of three fields.
#[test]
fn a_quote_after_a_bom_past_the_start_is_literal() {
    let text = b"a,b\n\xEF\xBB\xBF\"x,y\",3\n";
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("f.csv");
    std::fs::write(&path, text).expect("write");
    for blocksize in [Some(1), Some(5), None] {
        let opts = CsvOptions::default().blocksize(blocksize);
        let dataset = Dataset::open(&path, FileFormat::Csv(opts.clone())).expect("open");
        let read: Result<Vec<_>, _> =
            dataset.partitions().iter().map(|p| dataset.read(p, None, &Default::default())).collect();
        match read {
            Err(rusk_ops::Error::MalformedRow { expected: 2, found: 3, location }) => {
                assert_eq!(location.line, Some(2), "blocksize {blocksize:?}")
            }
            other => panic!("blocksize {blocksize:?}: expected a malformed row, got {other:?}"),
        }
        let skip = Dataset::open(&path, FileFormat::Csv(opts.on_bad_lines(OnBadLines::Skip))).expect("open");
        let metrics = rusk_io::ScanMetrics::default();
        let rows: usize =
            skip.partitions().iter().map(|p| skip.read(p, None, &metrics).expect("read").num_rows()).sum();
        assert_eq!((rows, metrics.snapshot().bad_lines_skipped), (0, 1), "blocksize {blocksize:?}");
    }
}
