//! Tests of whole CSV scans: open (inference, merging) and read (ranges,
//! projection, nulls, errors).

use std::path::{Path, PathBuf};

use arrow::array::{Array, RecordBatch};
use arrow::compute::{cast, concat_batches};
use arrow::datatypes::{DataType, TimeUnit};

use super::*;
use crate::listing::list_files;

fn write(dir: &Path, name: &str, text: &[u8]) -> PathBuf {
    let path = dir.join(name);
    std::fs::write(&path, text).unwrap();
    path
}

fn open(path: &Path, opts: CsvOptions) -> Result<CsvSource> {
    let kinds = crate::listing::FileKinds { read: crate::dataset::CSV_EXTENSIONS, skip: &[], name: "CSV" };
    let files = list_files(path, &kinds)?;
    CsvSource::open(&files, opts)
}

/// Every partition read with `projection` (all columns when `None`), concatenated.
fn read_all(source: &CsvSource, projection: Option<&[usize]>, metrics: &ScanMetrics) -> Result<RecordBatch> {
    let all: Vec<usize> = (0..source.schema().fields().len()).collect();
    let projection = projection.unwrap_or(&all);
    let mut batches = Vec::new();
    for part in source.partitions() {
        batches.push(source.read(&part, projection, metrics)?);
    }
    let schema = Arc::new(source.schema().project(projection)?);
    Ok(concat_batches(&schema, &batches)?)
}

/// A column as text, nulls as `None`.
fn col(batch: &RecordBatch, name: &str) -> Vec<Option<String>> {
    let array = batch.column_by_name(name).unwrap_or_else(|| panic!("no column {name}"));
    let text = cast(array, &DataType::Utf8).unwrap();
    let text = text.as_any().downcast_ref::<arrow::array::StringArray>().unwrap();
    text.iter().map(|v| v.map(str::to_string)).collect()
}

fn some(values: &[&str]) -> Vec<Option<String>> {
    values.iter().map(|v| if *v == "<null>" { None } else { Some(v.to_string()) }).collect()
}

fn types(source: &CsvSource) -> Vec<(String, DataType)> {
    source.schema().fields().iter().map(|f| (f.name().clone(), f.data_type().clone())).collect()
}

#[test]
fn infers_pandas_types_per_file_and_merges_them() {
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        "a.csv",
        b"id,x,flag,name,when,empty\n1,1,True,a,2024-01-01,\n2,2,False,b,2024-01-02,NA\n",
    );
    write(dir.path(), "b.csv", b"x,id,extra\n2.5,3,\n,4,7\n");
    let source = open(dir.path(), CsvOptions::default()).unwrap();
    use DataType::*;
    let expected = [
        ("id", Int64),
        ("x", Float64),
        ("flag", Boolean),
        ("name", Utf8),
        ("when", Utf8),
        ("empty", Float64),
        ("extra", Int64),
    ];
    let expected: Vec<(String, DataType)> = expected.into_iter().map(|(n, t)| (n.to_string(), t)).collect();
    assert_eq!(types(&source), expected);
    assert!(source.schema().fields().iter().all(|f| f.is_nullable()));
}

#[test]
fn conflicting_files_name_both() {
    let dir = tempfile::tempdir().unwrap();
    let a = write(dir.path(), "a.csv", b"k,v\n1,2\n");
    let b = write(dir.path(), "b.csv", b"k,v\n1,x\n");
    match open(dir.path(), CsvOptions::default()) {
        Err(Error::SchemaConflict { column, left_file, right_file, left_type, right_type }) => {
            assert_eq!((column.as_str(), left_file, right_file), ("v", a, b));
            assert_eq!((left_type, right_type), (DataType::Int64, DataType::Utf8));
        }
        other => panic!("expected a conflict, got {other:?}"),
    }
    // A dtype override settles it.
    let source = open(dir.path(), CsvOptions::default().dtype("v", DataType::Utf8)).unwrap();
    assert_eq!(types(&source)[1].1, DataType::Utf8);
}

#[test]
fn columns_are_matched_by_name_and_missing_ones_are_null() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "a.csv", b"a,b,c\n1,x,1.5\n2,y,2.5\n");
    write(dir.path(), "b.csv", b"c,a\n3.5,3\n");
    let source = open(dir.path(), CsvOptions::default()).unwrap();
    let batch = read_all(&source, None, &ScanMetrics::default()).unwrap();
    assert_eq!(col(&batch, "a"), some(&["1", "2", "3"]));
    assert_eq!(col(&batch, "b"), some(&["x", "y", "<null>"]));
    assert_eq!(col(&batch, "c"), some(&["1.5", "2.5", "3.5"]));
}

#[test]
fn projection_gives_exactly_those_columns_in_that_order() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "a.csv", b"a,b,c\n1,x,1.5\n2,y,2.5\n");
    write(dir.path(), "b.csv", b"a,d\n3,9\n");
    let source = open(dir.path(), CsvOptions::default()).unwrap();
    let batch = read_all(&source, Some(&[3, 2, 0]), &ScanMetrics::default()).unwrap();
    let names: Vec<String> = batch.schema().fields().iter().map(|f| f.name().clone()).collect();
    assert_eq!(names, ["d", "c", "a"]);
    assert_eq!(col(&batch, "d"), some(&["<null>", "<null>", "9"]));
    assert_eq!(col(&batch, "c"), some(&["1.5", "2.5", "<null>"]));
    // No columns at all still counts the rows.
    let batch = read_all(&source, Some(&[]), &ScanMetrics::default()).unwrap();
    assert_eq!((batch.num_columns(), batch.num_rows()), (0, 3));
}

#[test]
fn a_value_in_an_unprojected_column_is_not_parsed() {
    let dir = tempfile::tempdir().unwrap();
    let mut text = b"a,b\n".to_vec();
    for i in 0..20 {
        text.extend_from_slice(format!("{i},{i}\n").as_bytes());
    }
    text.extend_from_slice(b"20,oops\n");
    write(dir.path(), "a.csv", &text);
    let source = open(dir.path(), CsvOptions::default().infer_rows(5)).unwrap();
    let batch = read_all(&source, Some(&[0]), &ScanMetrics::default()).unwrap();
    assert_eq!(batch.num_rows(), 21);
    assert!(read_all(&source, None, &ScanMetrics::default()).is_err());
}

#[test]
fn usecols_and_unknown_columns() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "a.csv", b"a,b,c\n1,x,1.5\n");
    let source = open(dir.path(), CsvOptions::default().usecols(["c", "a"])).unwrap();
    let names: Vec<String> = types(&source).into_iter().map(|(n, _)| n).collect();
    assert_eq!(names, ["a", "c"], "usecols keep the file's order, as in pandas");
    let batch = read_all(&source, None, &ScanMetrics::default()).unwrap();
    assert_eq!(col(&batch, "c"), some(&["1.5"]));
    for opts in [CsvOptions::default().usecols(["nope"]), CsvOptions::default().parse_dates(["nope"])] {
        match open(dir.path(), opts) {
            Err(Error::ColumnNotFound { name, available }) => {
                assert_eq!(name, "nope");
                assert_eq!(available, ["a", "b", "c"]);
            }
            other => panic!("expected ColumnNotFound, got {other:?}"),
        }
    }
}

#[test]
fn dtype_and_parse_dates() {
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        "a.csv",
        b"id,when,at,v\n007,2024-01-31,2024-01-31 10:11:12.5,1\n008,,2024-02-01T00:00:00,2\n",
    );
    let opts = CsvOptions::default()
        .dtype("id", DataType::Utf8)
        .dtype("v", DataType::Int32)
        .parse_dates(["when", "at"]);
    let source = open(dir.path(), opts).unwrap();
    let ns = DataType::Timestamp(TimeUnit::Nanosecond, None);
    assert_eq!(
        types(&source),
        [
            ("id".into(), DataType::Utf8),
            ("when".into(), ns.clone()),
            ("at".into(), ns),
            ("v".into(), DataType::Int32)
        ]
    );
    let batch = read_all(&source, None, &ScanMetrics::default()).unwrap();
    assert_eq!(col(&batch, "id"), some(&["007", "008"]));
    assert_eq!(col(&batch, "when"), some(&["2024-01-31T00:00:00", "<null>"]));
    assert_eq!(col(&batch, "at"), some(&["2024-01-31T10:11:12.500", "2024-02-01T00:00:00"]));
    let bad = CsvOptions::default().dtype("v", DataType::Binary);
    assert!(matches!(open(dir.path(), bad), Err(Error::InvalidArgument(_))));
}

/// Lines with CRLF, quoted fields (with delimiters and doubled quotes), a
/// blank line, NA tokens, and no newline at the end.
fn messy_text(rows: usize) -> Vec<u8> {
    let mut text = b"\xEF\xBB\xBFid,name,score,ok\r\n".to_vec();
    for i in 0..rows {
        let name = match i % 5 {
            0 => "\"quoted, with comma\"".to_string(),
            1 => "NA".to_string(),
            2 => "\"say \"\"hi\"\"\"".to_string(),
            3 => String::new(),
            _ => format!("n{i}"),
        };
        let score = match i % 7 {
            0 => "NaN".to_string(),
            1 => String::new(),
            _ => format!("{}.5", i),
        };
        let ok = if i % 3 == 0 { "True" } else { "False" };
        text.extend_from_slice(format!("{i},{name},{score},{ok}\r\n").as_bytes());
        if i == rows / 2 {
            text.extend_from_slice(b"\r\n");
        }
    }
    while text.last().is_some_and(|b| b.is_ascii_whitespace()) {
        text.pop();
    }
    text
}

#[test]
fn any_blocksize_gives_the_same_rows_as_one_partition() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "a.csv", &messy_text(60));
    let whole = open(dir.path(), CsvOptions::default().blocksize(None)).unwrap();
    assert_eq!(whole.partitions().len(), 1);
    let expected = read_all(&whole, None, &ScanMetrics::default()).unwrap();
    assert_eq!(expected.num_rows(), 60);
    assert_eq!(
        col(&expected, "name")[..5],
        some(&["quoted, with comma", "<null>", "say \"hi\"", "<null>", "n4"])
    );
    assert_eq!(col(&expected, "score")[..3], some(&["<null>", "<null>", "2.5"]));
    for blocksize in [1, 7, 64, 1 << 20] {
        let source = open(dir.path(), CsvOptions::default().blocksize(Some(blocksize))).unwrap();
        let metrics = ScanMetrics::default();
        let batch = read_all(&source, None, &metrics).unwrap();
        assert_eq!(batch, expected, "blocksize {blocksize}");
        let counts = metrics.snapshot();
        assert_eq!(counts.rows_read, 60);
        assert_eq!(counts.files_opened, source.partitions().len() as u64);
        let size = std::fs::metadata(dir.path().join("a.csv")).unwrap().len();
        let data_start = match source.partitions()[0].range {
            PartitionRange::Bytes { start, .. } => start,
            _ => panic!("a plain file is cut in bytes"),
        };
        assert_eq!(counts.bytes_read, size - data_start);
    }
}

#[test]
fn na_tokens_are_nulls_as_in_pandas() {
    let dir = tempfile::tempdir().unwrap();
    // `i` has a token only the regex path reads, past the sampled rows.
    let mut text =
        b"s,f,i,b\nNA,1.5,1,true\n#N/A,NaN,2,false\nx,-nan,3,\nnull,,,NA\n<NA>,2,4,True\n".to_vec();
    text.extend_from_slice(b"None,3,n/a,False\n");
    write(dir.path(), "a.csv", &text);
    for blocksize in [Some(8), None] {
        let opts = CsvOptions::default().infer_rows(5).blocksize(blocksize);
        let source = open(dir.path(), opts).unwrap();
        use DataType::*;
        let got: Vec<DataType> = types(&source).into_iter().map(|(_, t)| t).collect();
        assert_eq!(got, [Utf8, Float64, Int64, Boolean]);
        let batch = read_all(&source, None, &ScanMetrics::default()).unwrap();
        assert_eq!(col(&batch, "s"), some(&["<null>", "<null>", "x", "<null>", "<null>", "<null>"]));
        assert_eq!(col(&batch, "f"), some(&["1.5", "<null>", "<null>", "<null>", "2.0", "3.0"]));
        assert_eq!(col(&batch, "i"), some(&["1", "2", "3", "<null>", "4", "<null>"]));
        assert_eq!(col(&batch, "b"), some(&["true", "false", "<null>", "<null>", "true", "false"]));
    }
}

#[test]
fn user_na_values_and_keep_default_na() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "a.csv", b"s,i\nNA,-999\n,5\n-,6\n");
    let source = open(dir.path(), CsvOptions::default().na_values(["-999", "-"])).unwrap();
    let batch = read_all(&source, None, &ScanMetrics::default()).unwrap();
    assert_eq!(col(&batch, "s"), some(&["<null>", "<null>", "<null>"]));
    assert_eq!(col(&batch, "i"), some(&["<null>", "5", "6"]));

    let source = open(dir.path(), CsvOptions::default().keep_default_na(false)).unwrap();
    let batch = read_all(&source, Some(&[0]), &ScanMetrics::default()).unwrap();
    assert_eq!(col(&batch, "s"), some(&["NA", "", "-"]));
}

#[test]
fn parse_errors_name_the_file_line_and_column_in_a_later_partition() {
    let dir = tempfile::tempdir().unwrap();
    let mut text = b"a,b\r\n".to_vec();
    for i in 0..300 {
        let b = if i == 250 { "x7".to_string() } else { (i * 2).to_string() };
        text.extend_from_slice(format!("{i},{b}\r\n").as_bytes());
        if i == 100 {
            text.extend_from_slice(b"\r\n\r\n");
        }
    }
    let path = write(dir.path(), "a.csv", &text);
    for blocksize in [Some(100), Some(1 << 20), None] {
        let source = open(dir.path(), CsvOptions::default().infer_rows(10).blocksize(blocksize)).unwrap();
        match read_all(&source, None, &ScanMetrics::default()) {
            Err(Error::Parse { value, data_type, location }) => {
                assert_eq!((value.as_str(), data_type), ("x7", DataType::Int64));
                assert_eq!(location.file.as_deref(), Some(path.as_path()));
                // Header, 251 rows before it, two blank lines.
                assert_eq!(location.line, Some(254), "blocksize {blocksize:?}");
                assert_eq!(location.column.as_deref(), Some("b"));
            }
            other => panic!("expected a parse error, got {other:?}"),
        }
    }
}

#[test]
fn ragged_rows_are_errors_or_skipped_and_counted() {
    let dir = tempfile::tempdir().unwrap();
    let path = write(dir.path(), "a.csv", b"a,b,c\n1,2,3\n4,5\n6,7,8\n9,10,11,12\n13,14,15");
    for blocksize in [Some(5), None] {
        let source = open(dir.path(), CsvOptions::default().blocksize(blocksize)).unwrap();
        match read_all(&source, None, &ScanMetrics::default()) {
            Err(Error::MalformedRow { expected, found, location }) => {
                assert_eq!((expected, found), (3, 2));
                assert_eq!(location.file.as_deref(), Some(path.as_path()));
                assert_eq!(location.line, Some(3));
            }
            other => panic!("expected a malformed row, got {other:?}"),
        }
        let opts = CsvOptions::default().blocksize(blocksize).on_bad_lines(OnBadLines::Skip);
        let source = open(dir.path(), opts).unwrap();
        let metrics = ScanMetrics::default();
        let batch = read_all(&source, None, &metrics).unwrap();
        assert_eq!(col(&batch, "a"), some(&["1", "6", "13"]));
        assert_eq!(col(&batch, "c"), some(&["3", "8", "15"]));
        assert_eq!(metrics.snapshot().bad_lines_skipped, 2);
        assert_eq!(metrics.snapshot().rows_read, 3);
    }
}

#[test]
fn skipped_rows_do_not_hide_a_parse_error_line() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "a.csv", b"a,b\n1,2\n3\n4,5\n6,zz\n");
    let opts = CsvOptions::default().on_bad_lines(OnBadLines::Skip).infer_rows(3);
    match read_all(&open(dir.path(), opts).unwrap(), None, &ScanMetrics::default()) {
        Err(Error::Parse { value, location, .. }) => {
            assert_eq!(value, "zz");
            assert_eq!(location.line, Some(5));
        }
        other => panic!("expected a parse error, got {other:?}"),
    }
}

#[test]
fn invalid_utf8_is_a_parse_error_with_its_line() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "a.csv", b"a,b\n1,ok\n2,\xff\xfe\n");
    match read_all(&open(dir.path(), CsvOptions::default()).unwrap(), None, &ScanMetrics::default()) {
        Err(Error::Parse { location, .. }) => {
            assert_eq!(location.line, Some(3));
            assert_eq!(location.column.as_deref(), Some("b"));
        }
        other => panic!("expected a parse error, got {other:?}"),
    }
}

#[test]
fn header_only_and_empty_files() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "only.csv", b"a,b\r\n");
    let source = open(&dir.path().join("only.csv"), CsvOptions::default()).unwrap();
    assert_eq!(types(&source), [("a".into(), DataType::Utf8), ("b".into(), DataType::Utf8)]);
    let batch = read_all(&source, None, &ScanMetrics::default()).unwrap();
    assert_eq!((batch.num_rows(), batch.num_columns()), (0, 2));

    write(dir.path(), "empty.csv", b"");
    for header in [true, false] {
        let source = open(&dir.path().join("empty.csv"), CsvOptions::default().header(header)).unwrap();
        assert_eq!(source.partitions().len(), 1);
        let batch = read_all(&source, None, &ScanMetrics::default()).unwrap();
        assert_eq!((batch.num_rows(), batch.num_columns()), (0, 0));
    }

    // Mixed with a real file, they add no rows and keep its types.
    write(dir.path(), "z.csv", b"a,b\n1,2.5\n");
    let source = open(dir.path(), CsvOptions::default().blocksize(Some(1))).unwrap();
    assert_eq!(types(&source), [("a".into(), DataType::Int64), ("b".into(), DataType::Float64)]);
    let batch = read_all(&source, None, &ScanMetrics::default()).unwrap();
    assert_eq!(col(&batch, "b"), some(&["2.5"]));
}

#[test]
fn no_header_numbers_columns_and_reads_the_first_line() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "a.csv", b"1,x\n2,y");
    let source = open(dir.path(), CsvOptions::default().header(false).blocksize(Some(2))).unwrap();
    assert_eq!(types(&source), [("0".into(), DataType::Int64), ("1".into(), DataType::Utf8)]);
    let batch = read_all(&source, None, &ScanMetrics::default()).unwrap();
    assert_eq!(col(&batch, "1"), some(&["x", "y"]));
}

#[test]
fn other_separators_and_quotes() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "a.csv", b"a;b\n1;'x;y'\n");
    let source = open(dir.path(), CsvOptions::default().sep(b';').quote(b'\'')).unwrap();
    let batch = read_all(&source, None, &ScanMetrics::default()).unwrap();
    assert_eq!(col(&batch, "b"), some(&["x;y"]));
    assert!(matches!(open(dir.path(), CsvOptions::default().sep(b'"')), Err(Error::InvalidArgument(_))));
    assert!(matches!(
        open(dir.path(), CsvOptions::default().blocksize(Some(0))),
        Err(Error::InvalidArgument(_))
    ));
}

#[test]
fn duplicate_header_names_are_suffixed() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "a.csv", b"a,a,b\n1,2,3\n");
    let source = open(dir.path(), CsvOptions::default()).unwrap();
    let batch = read_all(&source, None, &ScanMetrics::default()).unwrap();
    assert_eq!(col(&batch, "a.1"), some(&["2"]));
}

#[test]
fn prune_keeps_every_partition() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "a.csv", b"a\n1\n2\n");
    let source = open(dir.path(), CsvOptions::default().blocksize(Some(2))).unwrap();
    for part in source.partitions() {
        assert_eq!(source.prune(&part, &[]).unwrap(), Some(part.clone()));
    }
}

#[test]
fn quoted_newlines_read_whole_whatever_the_blocksize() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "a.csv", b"id,note\n1,\"two\nlines\n3,fake\n\"\n2,plain\n");
    for blocksize in [None, Some(1), Some(3), Some(8), Some(13)] {
        let source = open(dir.path(), CsvOptions::default().blocksize(blocksize)).unwrap();
        let batch = read_all(&source, None, &ScanMetrics::default()).unwrap();
        assert_eq!(col(&batch, "note"), some(&["two\nlines\n3,fake\n", "plain"]), "{blocksize:?}");
        assert_eq!(col(&batch, "id"), some(&["1", "2"]));
    }
}

/// Defect: millions of quoted newlines across a partition cut gave phantom
/// rows (as Dask's reader does); cuts now move to record starts.
#[test]
fn a_quoted_field_spanning_many_cuts_is_one_value() {
    let dir = tempfile::tempdir().unwrap();
    let mut text = b"id,note\n1,\"".to_vec();
    text.extend(b"7,fake\n".repeat(20_000));
    text.extend(b"7,end\"\n2,plain\n");
    write(dir.path(), "x.csv", &text);
    let source = open(dir.path(), CsvOptions::default().blocksize(Some(10_000))).unwrap();
    assert!(source.partitions().len() >= 2, "the cut after the quoted field stays");
    let batch = read_all(&source, None, &ScanMetrics::default()).unwrap();
    assert_eq!(batch.num_rows(), 2);
    assert_eq!(col(&batch, "id"), some(&["1", "2"]));
}

/// Defect: an unterminated quote swallowed the rest of the file, exit 0.
#[test]
fn an_unterminated_quote_is_an_error_at_the_line_it_opened() {
    let dir = tempfile::tempdir().unwrap();
    let path = write(dir.path(), "u.csv", b"a,b\n1,\"hello\n2,world\n3,foo\n");
    for blocksize in [None, Some(1), Some(5)] {
        for on_bad_lines in [OnBadLines::Error, OnBadLines::Skip] {
            let opts = CsvOptions::default().blocksize(blocksize).on_bad_lines(on_bad_lines);
            let err = open(dir.path(), opts).and_then(|s| read_all(&s, None, &ScanMetrics::default()));
            match err {
                Err(Error::UnterminatedQuote { location }) => {
                    assert_eq!(location.file.as_deref(), Some(path.as_path()));
                    assert_eq!(location.line, Some(2), "{blocksize:?}");
                }
                other => panic!("expected an unterminated quote, got {other:?}"),
            }
        }
    }
    // At row 100 of 2,000: never 101 rows.
    let mut text = String::from("a,b\n");
    for i in 0..2000 {
        text.push_str(&if i == 99 { format!("{i},\"oops\n") } else { format!("{i},x\n") });
    }
    write(dir.path(), "u.csv", text.as_bytes());
    let err =
        open(dir.path(), CsvOptions::default()).and_then(|s| read_all(&s, None, &ScanMetrics::default()));
    assert!(
        matches!(&err, Err(Error::UnterminatedQuote { location }) if location.line == Some(101)),
        "{err:?}"
    );
    // In the header.
    write(dir.path(), "u.csv", b"a,\"b\n1,2\n");
    let err = open(dir.path(), CsvOptions::default());
    assert!(
        matches!(&err, Err(Error::UnterminatedQuote { location }) if location.line == Some(1)),
        "{err:?}"
    );
}

/// Defect: `.csv.gz` was skipped in a directory and read as 0 rows when named.
#[test]
fn compressed_files_read_as_one_partition_each() {
    use std::io::Write;
    let dir = tempfile::tempdir().unwrap();
    let text = b"a,b\n1,\"x\ny\"\n2,z\n";
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    gz.write_all(text).unwrap();
    write(dir.path(), "p1.csv.gz", &gz.finish().unwrap());
    write(dir.path(), "p2.csv.zst", &zstd::encode_all(&text[..], 1).unwrap());
    write(dir.path(), "p3.csv", text);
    let source = open(dir.path(), CsvOptions::default().blocksize(Some(2))).unwrap();
    assert_eq!(
        source.partitions().iter().filter(|p| matches!(p.range, PartitionRange::Decoded { .. })).count(),
        2
    );
    let batch = read_all(&source, None, &ScanMetrics::default()).unwrap();
    assert_eq!(col(&batch, "b"), some(&["x\ny", "z", "x\ny", "z", "x\ny", "z"]));
    // Errors name the compressed file and the line in its text.
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    gz.write_all(b"a,b\n1,2\n3,x\n").unwrap();
    let other = tempfile::tempdir().unwrap();
    let bad = write(other.path(), "p4.csv.gz", &gz.finish().unwrap());
    let err = open(other.path(), CsvOptions::default().dtype("b", DataType::Int64))
        .and_then(|s| read_all(&s, None, &ScanMetrics::default()));
    match err {
        Err(Error::Parse { location, .. }) => {
            assert_eq!(location.file.as_deref(), Some(bad.as_path()));
            assert_eq!(location.line, Some(3));
        }
        other => panic!("expected a parse error, got {other:?}"),
    }
}

/// Reads `dir` with the fast path and without, checks both agree (rows or
/// error message) and returns the fast path's result and how many
/// partitions it read.
fn fast_and_slow(dir: &Path, opts: CsvOptions, projection: Option<&[usize]>) -> (Result<RecordBatch>, usize) {
    let read = || {
        let source = open(dir, opts.clone())?;
        read_all(&source, projection, &ScanMetrics::default())
    };
    let (fast, used) = fast::test_hooks::counted(read);
    let slow = fast::test_hooks::slow(read);
    match (&fast, &slow) {
        (Ok(a), Ok(b)) => assert_eq!(a, b),
        (Err(a), Err(b)) => assert_eq!(a.to_string(), b.to_string()),
        _ => panic!("fast {fast:?} but slow {slow:?}"),
    }
    (fast, used)
}

#[test]
fn the_fast_path_reads_as_arrow_csv_does() {
    let dir = tempfile::tempdir().unwrap();
    let mut text = b"s,i,f,t\r\n".to_vec();
    for r in 0..500 {
        let s = ["a", "", "NA", "n/a", "long text here", "-nan", "null"][r % 7];
        let i = if r % 11 == 0 { String::new() } else { format!("{}", (r as i64 - 250) * 1_000_003) };
        let f = ["1.5", "-0.25", "1e3", "", "NaN", "-2.5E-3", "123456.789012", "0"][r % 8];
        text.extend_from_slice(format!("{s},{i},{f},x{r}\r\n").as_bytes());
    }
    text.extend_from_slice(b"end,1,2.0,y");
    write(dir.path(), "a.csv", &text);
    for blocksize in [Some(100), Some(1 << 20)] {
        let opts = CsvOptions::default().blocksize(blocksize);
        for projection in [None, Some(&[2, 0][..]), Some(&[][..])] {
            let (batch, used) = fast_and_slow(dir.path(), opts.clone(), projection);
            assert_eq!(batch.unwrap().num_rows(), 501);
            assert!(
                used > 0,
                "the fast path read nothing: {:?}",
                open(dir.path(), opts.clone()).map(|s| types(&s))
            );
        }
    }
    let (batch, _) = fast_and_slow(dir.path(), CsvOptions::default(), None);
    let batch = batch.unwrap();
    assert_eq!(col(&batch, "s")[..3], some(&["a", "<null>", "<null>"]));
    assert_eq!(col(&batch, "f")[..5], some(&["1.5", "-0.25", "1000.0", "<null>", "<null>"]));
}

#[test]
fn the_fast_path_leaves_the_unusual_to_arrow_csv() {
    // A quoted field, an NA word in an int column, a ragged line, a bad value.
    let cases: [(&[u8], usize); 4] = [
        (b"a,b\n1,x\n2,\"y,z\"\n", 0),
        (b"a,b\n1,x\n2,y\nNA,z\n", 0),
        (b"a,b\n1,x\n2,y\n3\n4,w\n", 0),
        (b"a,b\n1,x\n2,y\n3,z\n", 1),
    ];
    for (text, fast_reads) in cases {
        let dir = tempfile::tempdir().unwrap();
        write(dir.path(), "a.csv", text);
        let (batch, used) = fast_and_slow(dir.path(), CsvOptions::default().infer_rows(2), None);
        assert_eq!(used, fast_reads, "{:?}", String::from_utf8_lossy(text));
        if !text.ends_with(b"4,w\n") {
            assert_eq!(batch.unwrap().num_rows(), text.iter().filter(|&&b| b == b'\n').count() - 1);
        }
    }
    // The bad value (`3` rows, inferred from two) and the ragged line keep their places.
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "a.csv", b"a,b\n1,x\n2,y\nz,3\n");
    let (err, used) = fast_and_slow(dir.path(), CsvOptions::default().infer_rows(2), None);
    assert_eq!(used, 0);
    match err {
        Err(Error::Parse { value, location, .. }) => {
            assert_eq!(value, "z");
            assert_eq!((location.line, location.column.as_deref()), (Some(4), Some("a")));
        }
        other => panic!("{other:?}"),
    }
    write(dir.path(), "a.csv", b"a,b\n1,x\n2,y\n3\n4,w\n");
    match fast_and_slow(dir.path(), CsvOptions::default(), None).0 {
        Err(Error::MalformedRow { location, .. }) => assert_eq!(location.line, Some(4)),
        other => panic!("{other:?}"),
    }
}

/// Issue 9, defect 6: a file rewritten between planning and reading gave
/// swapped columns or missing rows; now the read fails naming it.
#[test]
fn a_file_changed_after_opening_fails_the_read_naming_it() {
    let dir = tempfile::tempdir().unwrap();
    let path = write(dir.path(), "a.csv", b"x,y\n1,a\n2,b\n3,c\n");
    let source = open(dir.path(), CsvOptions::default().blocksize(Some(6))).unwrap();
    assert_eq!(read_all(&source, None, &ScanMetrics::default()).unwrap().num_rows(), 3);
    let listed = std::fs::metadata(&path).unwrap().modified().unwrap();
    // Columns swapped, same size, a later time.
    write(dir.path(), "a.csv", b"y,x\na,1\nb,2\nc,3\n");
    let file = std::fs::File::options().write(true).open(&path).unwrap();
    file.set_modified(listed + std::time::Duration::from_secs(5)).unwrap();
    match read_all(&source, None, &ScanMetrics::default()) {
        Err(Error::FileChanged { path: p, detail }) => {
            assert_eq!(p, path);
            assert!(detail.contains("modified"), "{detail}");
        }
        other => panic!("expected FileChanged, got {other:?}"),
    }
    // Rows appended, the listed time put back: the size tells.
    write(dir.path(), "a.csv", b"x,y\n1,a\n2,b\n3,c\n4,d\n");
    std::fs::File::options().write(true).open(&path).unwrap().set_modified(listed).unwrap();
    match read_all(&source, None, &ScanMetrics::default()) {
        Err(Error::FileChanged { detail, .. }) => {
            assert!(detail.contains("size 20 bytes, was 16"), "{detail}")
        }
        other => panic!("expected FileChanged, got {other:?}"),
    }
}

/// Day-first dates in several partitions: a bad value is an error at its
/// file line and column whatever the cut, or a counted null when coerced.
#[test]
fn date_format_and_date_errors_in_every_partitioning() {
    let dir = tempfile::tempdir().unwrap();
    let mut text = b"id,when,v\n".to_vec();
    for i in 0..200 {
        let when = match i {
            150 => "31/02/2024 10:00".to_string(),
            170 => "NA".to_string(),
            180 => "2024-01-01 10:00".to_string(),
            _ => format!("{:02}/{:02}/2024 {:02}:30", 1 + i % 28, 1 + i % 12, i % 24),
        };
        text.extend_from_slice(format!("{i},{when},{}\n", i * 2).as_bytes());
    }
    let path = write(dir.path(), "a.csv", &text);
    let base = CsvOptions::default().parse_dates(["when"]).date_format("%d/%m/%Y %H:%M").infer_rows(10);
    for blocksize in [Some(64), Some(1000), None] {
        let opts = base.clone().blocksize(blocksize);
        let source = open(dir.path(), opts.clone()).unwrap();
        assert_eq!(source.schema().field(1).data_type(), &PARSE_DATES_TYPE);
        match read_all(&source, None, &ScanMetrics::default()) {
            Err(Error::Parse { value, data_type, location }) => {
                assert_eq!((value.as_str(), data_type), ("31/02/2024 10:00", PARSE_DATES_TYPE));
                assert_eq!(location.file.as_deref(), Some(path.as_path()));
                assert_eq!(location.line, Some(152), "blocksize {blocksize:?}");
                assert_eq!(location.column.as_deref(), Some("when"));
            }
            other => panic!("expected a parse error, got {other:?}"),
        }
        // Without the date column, nothing is parsed, nothing fails.
        let batch = read_all(&source, Some(&[0, 2]), &ScanMetrics::default()).unwrap();
        assert_eq!(batch.num_rows(), 200);

        let source = open(dir.path(), opts.date_errors(DateErrors::Coerce)).unwrap();
        let metrics = ScanMetrics::default();
        let batch = read_all(&source, None, &metrics).unwrap();
        let when = col(&batch, "when");
        assert_eq!(when[0].as_deref(), Some("2024-01-01T00:30:00"));
        assert_eq!(when[13].as_deref(), Some("2024-02-14T13:30:00"));
        assert_eq!((when[150].clone(), when[170].clone(), when[180].clone()), (None, None, None));
        assert_eq!(batch.column(1).null_count(), 3);
        assert_eq!(metrics.snapshot().dates_coerced, 2, "NA is missing, not coerced");
        assert_eq!(col(&batch, "v")[199].as_deref(), Some("398"));
    }
}

#[test]
fn dates_without_a_format_are_iso_and_bad_ones_are_located() {
    let dir = tempfile::tempdir().unwrap();
    let path = write(dir.path(), "a.csv", b"a,d,e\n1,2024-01-31,x\n2,\"2024-02-01 10:00:00\",y\n3,soon,z\n");
    let source = open(dir.path(), CsvOptions::default().parse_dates(["d"])).unwrap();
    match read_all(&source, None, &ScanMetrics::default()) {
        Err(Error::Parse { value, location, .. }) => {
            assert_eq!(value, "soon");
            assert_eq!((location.file.as_deref(), location.line), (Some(path.as_path()), Some(4)));
        }
        other => panic!("expected a parse error, got {other:?}"),
    }
    // A bad value elsewhere comes first when its row does: row order.
    write(dir.path(), "a.csv", b"a,d\n1,2024-01-31\nx,2024-01-31\n3,soon\n");
    let opts = CsvOptions::default().parse_dates(["d"]).dtype("a", DataType::Int64);
    match read_all(&open(dir.path(), opts.clone()).unwrap(), None, &ScanMetrics::default()) {
        Err(Error::Parse { value, location, .. }) => {
            assert_eq!(
                (value.as_str(), location.line, location.column.as_deref()),
                ("x", Some(3), Some("a"))
            );
        }
        other => panic!("expected a parse error, got {other:?}"),
    }
    write(dir.path(), "a.csv", b"a,d\n1,2024-01-31\n2,later\n3,soon\n4,2024-02-01\n");
    let source = open(dir.path(), opts.date_errors(DateErrors::Coerce)).unwrap();
    let metrics = ScanMetrics::default();
    let batch = read_all(&source, None, &metrics).unwrap();
    assert_eq!(col(&batch, "d"), some(&["2024-01-31T00:00:00", "<null>", "<null>", "2024-02-01T00:00:00"]));
    assert_eq!(metrics.snapshot().dates_coerced, 2);
}

#[test]
fn date_options_are_checked_when_opened() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "a.csv", b"a,d\n1,2024-01-31\n");
    let stray = CsvOptions::default().parse_dates(["d"]).date_format_for("a", "%Y");
    assert!(matches!(open(dir.path(), stray), Err(Error::InvalidArgument(m)) if m.contains("\"a\"")));
    let bad = CsvOptions::default().parse_dates(["d"]).date_format("%Q");
    assert!(matches!(open(dir.path(), bad), Err(Error::InvalidArgument(m)) if m.contains("%Q")));
    // A per-column format wins over the default one.
    write(dir.path(), "a.csv", b"a,d\n20240131,31.01.2024\n");
    let opts =
        CsvOptions::default().parse_dates(["a", "d"]).date_format("%Y%m%d").date_format_for("d", "%d.%m.%Y");
    let batch = read_all(&open(dir.path(), opts).unwrap(), None, &ScanMetrics::default()).unwrap();
    assert_eq!(col(&batch, "a"), col(&batch, "d"));
}
