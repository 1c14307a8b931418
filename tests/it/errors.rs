//! Bad input, through the API and the CLI: each case asserts the error's
//! variant and where it happened (file, line, column, position), and that
//! the CLI prints one `rusk: error: ...` line and exits 2 without a panic.

use crate::common;

use std::path::PathBuf;
use std::process::Output;

use common::{fixture, rusk};
use rusk::arrow::datatypes::DataType;
use rusk::{col, CsvOptions, DataFrame, Error, OnBadLines};

const SALES_COLUMNS: [&str; 7] = ["order_id", "region", "product", "qty", "price", "date", "returned"];

/// Runs a computation that must fail; the error.
fn fails<T>(what: &str, r: rusk::Result<T>) -> Error {
    match r {
        Ok(_) => panic!("{what}: expected an error, got a result"),
        Err(e) => e,
    }
}

fn sales() -> DataFrame {
    rusk::read_csv(fixture("fixtures/sales")).expect("fixtures/sales opens")
}

/// The CLI failed as a user should see it: status 2, nothing on stdout,
/// exactly one line on stderr starting `rusk: error:`, no panic or
/// backtrace. Returns that line.
fn cli_error(args: &[&str]) -> String {
    let out: Output = rusk(args);
    let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
    assert_eq!(out.status.code(), Some(2), "rusk {args:?}: exit status; stderr: {stderr}");
    assert!(
        out.stdout.is_empty(),
        "rusk {args:?}: stdout should be empty, got {:?}",
        String::from_utf8_lossy(&out.stdout)
    );
    assert!(stderr.starts_with("rusk: error: "), "rusk {args:?}: stderr {stderr:?}");
    assert!(
        stderr.ends_with('\n') && stderr.matches('\n').count() == 1,
        "rusk {args:?}: not one line: {stderr:?}"
    );
    for bad in ["panicked", "backtrace", "RUST_BACKTRACE"] {
        assert!(!stderr.contains(bad), "rusk {args:?}: {bad} in {stderr:?}");
    }
    stderr.trim_end().to_string()
}

fn assert_contains(text: &str, parts: &[&str]) {
    for p in parts {
        assert!(text.contains(p), "{p:?} not in {text:?}");
    }
}

// ---- missing path ---------------------------------------------------------

#[test]
fn missing_path_is_path_not_found() {
    let path = fixture("fixtures/no_such_dir");
    for (how, r) in [
        ("read_csv", rusk::read_csv(&path)),
        ("read_parquet", rusk::read_parquet(&path)),
        ("read", rusk::read(&path)),
    ] {
        match fails(how, r) {
            Error::PathNotFound { path: p } => assert_eq!(p, path, "{how}"),
            other => panic!("{how}: expected PathNotFound, got {other:?}"),
        }
    }
    let glob = fixture("fixtures/no_such_dir/*.csv");
    assert!(matches!(fails("glob", rusk::read_csv(glob)), Error::PathNotFound { .. }));
}

#[test]
fn cli_missing_path() {
    for args in [
        &["schema", "fixtures/no_such_dir"][..],
        &["head", "fixtures/no_such_dir"],
        &["query", "fixtures/no_such_dir"],
    ] {
        let line = cli_error(args);
        assert_contains(&line, &["path not found", "fixtures/no_such_dir"]);
    }
}

// ---- no matching files ----------------------------------------------------

#[test]
fn directory_without_matching_files_is_no_files() {
    match fails("read_parquet on CSVs", rusk::read_parquet(fixture("fixtures/sales"))) {
        Error::NoFiles { path, kind } => {
            assert_eq!(path, fixture("fixtures/sales"));
            assert!(kind.contains("parquet"), "{kind}");
        }
        other => panic!("expected NoFiles, got {other:?}"),
    }
    match fails("read_csv on Parquet", rusk::read_csv(fixture("fixtures/sales_parquet"))) {
        Error::NoFiles { path, kind } => {
            assert_eq!(path, fixture("fixtures/sales_parquet"));
            assert!(kind.contains("csv"), "{kind}");
        }
        other => panic!("expected NoFiles, got {other:?}"),
    }
    // An empty directory: nothing to read.
    let dir = tempfile::tempdir().expect("temp dir");
    assert!(matches!(fails("read", rusk::read(dir.path())), Error::NoFiles { .. }));
    let glob = fixture("fixtures/sales/*.parquet");
    assert!(matches!(fails("glob", rusk::read_parquet(glob)), Error::NoFiles { .. }));
}

/// A file no reader takes is an error naming it, never skipped (issue 9,
/// defect 5): `fixtures/empty` holds only `NOTES.txt` (fixtures/README.md:
/// "a clear error, not an empty frame").
#[test]
fn a_file_no_reader_takes_is_an_error_naming_it() {
    let notes = fixture("fixtures/empty/NOTES.txt");
    for (how, r) in [
        ("read_csv", rusk::read_csv(fixture("fixtures/empty"))),
        ("read_parquet", rusk::read_parquet(fixture("fixtures/empty"))),
        ("read", rusk::read(fixture("fixtures/empty"))),
    ] {
        match fails(how, r) {
            Error::UnsupportedFile { path, .. } => assert_eq!(path, notes, "{how}"),
            other => panic!("{how}: expected UnsupportedFile, got {other:?}"),
        }
    }
    let line = cli_error(&["schema", "fixtures/empty"]);
    assert_contains(&line, &["NOTES.txt", "is not a"]);
    // Hidden and `_` names are metadata and stay skipped.
    let dir = tempfile::tempdir().expect("temp dir");
    std::fs::copy(fixture("fixtures/sales/part-0.csv"), dir.path().join("part-0.csv")).expect("copy");
    for name in ["_SUCCESS", ".part-1.csv.crc", "_metadata"] {
        std::fs::write(dir.path().join(name), "x").expect("write");
    }
    assert_eq!(rusk::read(dir.path()).and_then(|df| df.len()).expect("read"), 200);
}

/// A directory of both CSV and Parquet files read by `read` is an error
/// listing both (issue 9, defect 4); `read_csv` / `read_parquet` read their own.
#[test]
fn a_directory_of_mixed_formats_needs_a_choice() {
    let dir = tempfile::tempdir().expect("temp dir");
    std::fs::copy(fixture("fixtures/sales/part-0.csv"), dir.path().join("a.csv")).expect("copy");
    let parquet = std::fs::read_dir(fixture("fixtures/sales_parquet"))
        .expect("list")
        .map(|e| e.expect("entry").path())
        .find(|p| p.extension().is_some_and(|e| e == "parquet"))
        .expect("a parquet fixture");
    std::fs::copy(&parquet, dir.path().join("b.parquet")).expect("copy");
    match fails("read", rusk::read(dir.path())) {
        e @ Error::MixedFormats { .. } => {
            let text = e.to_string();
            assert!(text.contains("a.csv") && text.contains("b.parquet"), "{text}");
        }
        other => panic!("expected MixedFormats, got {other:?}"),
    }
    assert_eq!(rusk::read_csv(dir.path()).and_then(|df| df.len()).expect("csv"), 200);
    assert!(rusk::read_parquet(dir.path()).and_then(|df| df.len()).expect("parquet") > 0);
    let path = dir.path().to_str().expect("utf-8 temp path");
    assert_contains(&cli_error(&["schema", path]), &["both CSV", "Parquet", "--format-in"]);
}

#[test]
fn cli_no_files() {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().to_str().expect("utf-8 temp path");
    for cmd in ["schema", "head", "query"] {
        let line = cli_error(&[cmd, path]);
        assert_contains(&line, &["files found", path]);
    }
}

// ---- ragged row -----------------------------------------------------------

#[test]
fn ragged_row_is_malformed_row_at_line_6() {
    let file = fixture("fixtures/bad/ragged/ragged.csv");
    for path in [fixture("fixtures/bad/ragged"), file.clone()] {
        let err = fails("ragged", rusk::read_csv(&path).and_then(|df| df.compute()));
        match &err {
            Error::MalformedRow { expected, found, .. } => assert_eq!((*expected, *found), (3, 4)),
            other => panic!("expected MalformedRow, got {other:?}"),
        }
        let loc = err.location().expect("a location");
        assert_eq!(loc.file.as_ref(), Some(&file));
        assert_eq!(loc.line, Some(6));
        assert_eq!(loc.partition, Some(0));
        assert!(err.to_string().contains("line 6"), "{err}");
    }
    // The rows before the bad one do not hide it: head reads the partition.
    let err = fails("head", rusk::read_csv(&file).and_then(|df| df.head(10)));
    assert_eq!(err.location().and_then(|l| l.line), Some(6));
}

#[test]
fn cli_ragged_row() {
    for args in [&["query", "fixtures/bad/ragged"][..], &["head", "fixtures/bad/ragged", "-n", "10"]] {
        let line = cli_error(args);
        assert_contains(
            &line,
            &["malformed row", "expected 3 fields, found 4", "fixtures/bad/ragged/ragged.csv", "line 6"],
        );
    }
}

#[test]
fn on_bad_lines_skip_drops_and_counts_the_ragged_row() {
    let options = CsvOptions::default().on_bad_lines(OnBadLines::Skip);
    let df = rusk::read_csv_with(fixture("fixtures/bad/ragged"), options).expect("opens");
    let analysis = df.analyze().expect("runs");
    assert_eq!(analysis.rows, 9);
    assert_eq!(analysis.scans.len(), 1);
    let (path, counts) = &analysis.scans[0];
    assert_eq!(path, &fixture("fixtures/bad/ragged"));
    assert_eq!(counts.bad_lines_skipped, 1);
    assert_eq!(counts.rows_read, 9);

    let result = df.compute().expect("runs");
    let table = common::table_of(&result);
    let a: Vec<&str> = table.rows.iter().map(|r| r[0].as_str()).collect();
    assert_eq!(a, ["0", "1", "2", "3", "5", "6", "7", "8", "9"], "line 6 is the row a=4");
    assert_eq!(df.len().expect("len"), 9);

    // Cut into partitions of a few lines, the row is still skipped once.
    let options = CsvOptions::default().on_bad_lines(OnBadLines::Skip).blocksize(Some(20));
    let df = rusk::read_csv_with(fixture("fixtures/bad/ragged"), options).expect("opens");
    assert!(df.npartitions() > 2);
    let analysis = df.analyze().expect("runs");
    assert_eq!((analysis.rows, analysis.scans[0].1.bad_lines_skipped), (9, 1));
}

// ---- unparseable value ----------------------------------------------------

#[test]
fn unparseable_value_is_parse_error_at_line_1201_column_qty() {
    let df = rusk::read_csv(fixture("fixtures/bad/unparseable")).expect("the header and sample are fine");
    assert_eq!(df.schema().field_with_name("qty").expect("qty").data_type(), &DataType::Int64);
    let err = fails("compute", df.compute());
    match &err {
        Error::Parse { value, data_type, .. } => {
            assert_eq!(value, "12x");
            assert_eq!(data_type, &DataType::Int64);
        }
        other => panic!("expected Parse, got {other:?}"),
    }
    let loc = err.location().expect("a location");
    assert_eq!(loc.file.as_ref(), Some(&fixture("fixtures/bad/unparseable/data.csv")));
    assert_eq!(loc.line, Some(1201));
    assert_eq!(loc.column.as_deref(), Some("qty"));
    // The same through a filter and a projection that keep the column.
    let err =
        fails("filtered", df.query("qty > 5").and_then(|d| d.select(["qty"])).and_then(|d| d.compute()));
    assert_eq!(err.location().map(|l| (l.line, l.column.as_deref())), Some((Some(1201), Some("qty"))));
}

/// Cut into many partitions, the file's line numbers stay the file's, not
/// the partition's.
#[test]
fn errors_in_later_partitions_keep_file_lines() {
    let options = CsvOptions::default().blocksize(Some(1000));
    let df = rusk::read_csv_with(fixture("fixtures/bad/unparseable"), options).expect("opens");
    assert!(df.npartitions() > 5, "{} partitions", df.npartitions());
    let err = fails("compute", df.compute());
    assert!(matches!(err, Error::Parse { .. }), "{err:?}");
    let loc = err.location().expect("a location");
    assert_eq!((loc.line, loc.column.as_deref()), (Some(1201), Some("qty")));
    assert!(loc.partition.is_some_and(|p| p > 0), "not the first partition: {loc:?}");
    assert!(loc.task.is_some(), "{loc:?}");

    let options = CsvOptions::default().blocksize(Some(20));
    let df = rusk::read_csv_with(fixture("fixtures/bad/ragged"), options).expect("opens");
    assert!(df.npartitions() > 2, "{} partitions", df.npartitions());
    let err = fails("compute", df.compute());
    assert!(matches!(err, Error::MalformedRow { expected: 3, found: 4, .. }), "{err:?}");
    assert_eq!(err.location().and_then(|l| l.line), Some(6));
}

#[test]
fn cli_unparseable_value() {
    let line = cli_error(&["query", "fixtures/bad/unparseable", "--where", "qty > 5"]);
    assert_contains(
        &line,
        &["cannot parse \"12x\"", "fixtures/bad/unparseable/data.csv", "line 1201", "column \"qty\""],
    );
}

// ---- conflicting schemas --------------------------------------------------

fn assert_conflict(err: Error, dir: &str, ext: &str) {
    match err {
        Error::SchemaConflict { column, left_file, left_type, right_file, right_type } => {
            assert_eq!(column, "x");
            assert_eq!(left_file, fixture(&format!("{dir}/a.{ext}")));
            assert_eq!(right_file, fixture(&format!("{dir}/b.{ext}")));
            assert_eq!(left_type, DataType::Int64);
            assert!(
                matches!(right_type, DataType::Utf8 | DataType::LargeUtf8 | DataType::Utf8View),
                "{right_type}"
            );
        }
        other => panic!("{dir}: expected SchemaConflict, got {other:?}"),
    }
}

#[test]
fn conflicting_schemas_name_both_files_and_the_column() {
    assert_conflict(fails("csv", rusk::read_csv(fixture("fixtures/conflict"))), "fixtures/conflict", "csv");
    assert_conflict(
        fails("parquet", rusk::read_parquet(fixture("fixtures/conflict_parquet"))),
        "fixtures/conflict_parquet",
        "parquet",
    );
    assert_conflict(fails("read", rusk::read(fixture("fixtures/conflict"))), "fixtures/conflict", "csv");
}

#[test]
fn cli_conflicting_schemas() {
    for (dir, ext) in [("fixtures/conflict", "csv"), ("fixtures/conflict_parquet", "parquet")] {
        for cmd in ["schema", "query"] {
            let line = cli_error(&[cmd, dir]);
            let (a, b) = (format!("{dir}/a.{ext}"), format!("{dir}/b.{ext}"));
            assert_contains(&line, &["schemas conflict", "column \"x\"", &a, &b]);
        }
    }
}

// ---- unknown columns ------------------------------------------------------

fn assert_not_found(what: &str, r: rusk::Result<DataFrame>) {
    match fails(what, r) {
        Error::ColumnNotFound { name, available } => {
            assert_eq!(name, "nope", "{what}");
            assert_eq!(available, SALES_COLUMNS, "{what}");
        }
        other => panic!("{what}: expected ColumnNotFound, got {other:?}"),
    }
}

#[test]
fn unknown_column_is_column_not_found_listing_the_columns() {
    let df = sales();
    assert_not_found("select", df.select(["order_id", "nope"]));
    assert_not_found("filter", df.filter(col("nope").gt(1)));
    assert_not_found("query", df.query("qty > 1 and nope == 'x'"));
    assert_not_found("assign", df.assign([("z", col("nope") * 2)]));
    assert_not_found("with_column", df.with_column("z", col("qty") + col("nope")));
    assert_not_found("drop", df.drop(["nope"]));
    assert_not_found("rename", df.rename([("nope", "x")]));
    match fails("col", df.col("nope")) {
        Error::ColumnNotFound { name, available } => {
            assert_eq!((name.as_str(), available), ("nope", SALES_COLUMNS.map(String::from).to_vec()))
        }
        other => panic!("col: expected ColumnNotFound, got {other:?}"),
    }
    let msg = fails("select", df.select(["nope"])).to_string();
    assert_eq!(msg, format!("column \"nope\" not found; columns are: {}", SALES_COLUMNS.join(", ")));
    // After a select, only the kept columns exist.
    match fails("after select", df.select(["qty", "price"]).and_then(|d| d.query("region == 'x'"))) {
        Error::ColumnNotFound { name, available } => {
            assert_eq!((name.as_str(), available), ("region", vec!["qty".into(), "price".into()]))
        }
        other => panic!("expected ColumnNotFound, got {other:?}"),
    }
}

#[test]
fn cli_unknown_column() {
    let listed = format!("columns are: {}", SALES_COLUMNS.join(", "));
    for args in [
        &["query", "fixtures/sales", "--select", "order_id,nope"][..],
        &["query", "fixtures/sales", "--where", "nope > 1"],
        &["query", "fixtures/sales_parquet", "--where", "qty > 1", "--select", "nope"],
    ] {
        let line = cli_error(args);
        assert_contains(&line, &["column \"nope\" not found", &listed]);
    }
}

// ---- type errors ----------------------------------------------------------

#[test]
fn repartition_into_zero_partitions_is_invalid() {
    assert!(matches!(sales().repartition(0), Err(Error::InvalidArgument(_))));
}

#[test]
fn ill_typed_expressions_are_type_errors_when_built() {
    let df = sales();
    for (what, r) in [
        ("string + int", df.with_column("z", col("region") + 1)),
        ("non-boolean predicate", df.filter(col("qty"))),
        ("string vs int", df.query("region > 3")),
        ("and of ints", df.filter(col("qty") & col("order_id"))),
    ] {
        match fails(what, r) {
            Error::Type { message, .. } => assert!(!message.is_empty(), "{what}"),
            other => panic!("{what}: expected Type, got {other:?}"),
        }
    }
}

// ---- query syntax ---------------------------------------------------------

fn syntax_position(query: &str) -> usize {
    match fails(query, sales().query(query)) {
        Error::QuerySyntax { query: q, position, message } => {
            assert_eq!(q, query);
            assert!(!message.is_empty());
            position
        }
        other => panic!("{query:?}: expected QuerySyntax, got {other:?}"),
    }
}

#[test]
fn query_syntax_error_points_at_the_token() {
    assert_eq!(syntax_position("qty > > 3"), 6);
    assert_eq!(syntax_position("qty >> 1"), 4);
    assert_eq!(syntax_position("qty >"), 5, "the end of the query when it stops early");
    assert_eq!(syntax_position("(qty > 3"), 0, "the parenthesis never closed, as Python points at it");
    assert_eq!(syntax_position("qty > 3 )"), 8);
    assert_eq!(syntax_position("qty ** 2 > 3"), 4);
    assert_eq!(syntax_position("qty > @limit"), 6);
    assert_eq!(syntax_position("region == 'north"), 10);
    // Parsing alone, without a frame.
    assert!(matches!(rusk::query::parse_query("a >"), Err(Error::QuerySyntax { position: 3, .. })));
}

#[test]
fn cli_query_syntax_error() {
    let line = cli_error(&["query", "fixtures/sales", "--where", "qty > > 3"]);
    assert_contains(&line, &["query syntax error at position 6", "\"qty > > 3\""]);
}

// ---- output exists --------------------------------------------------------

#[test]
fn writing_into_an_existing_path_is_output_exists_and_touches_nothing() {
    let dir = tempfile::tempdir().expect("temp dir");
    let keep = dir.path().join("keep.txt");
    std::fs::write(&keep, "mine").expect("write");
    let df = sales().query("qty > 10").expect("query");
    for (how, r) in [("to_csv", df.to_csv(dir.path())), ("to_parquet", df.to_parquet(dir.path()))] {
        match fails(how, r) {
            Error::OutputExists { path } => assert_eq!(path, dir.path(), "{how}"),
            other => panic!("{how}: expected OutputExists, got {other:?}"),
        }
    }
    assert_eq!(std::fs::read_to_string(&keep).expect("still there"), "mine");
    assert_eq!(std::fs::read_dir(dir.path()).expect("dir").count(), 1, "nothing written next to it");
    // An existing file is refused too.
    assert!(matches!(df.to_csv(&keep), Err(Error::OutputExists { .. })));
}

#[test]
fn cli_output_exists() {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().to_str().expect("utf-8 temp path");
    for format in ["csv", "parquet"] {
        let line = cli_error(&["query", "fixtures/sales", "--output", path, "--format", format]);
        assert_contains(&line, &["output path exists", path]);
    }
    assert_eq!(std::fs::read_dir(dir.path()).expect("dir").count(), 0);
}

// ---- the CLI's own arguments ----------------------------------------------

#[test]
fn cli_bad_arguments_exit_2_without_panicking() {
    // clap reports usage errors with status 2 as well, over several lines.
    for args in [&["query"][..], &["query", "fixtures/sales", "--limit", "x"], &["frobnicate"]] {
        let out = rusk(args);
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "rusk {args:?}: {stderr}");
        assert!(!stderr.contains("panicked"), "rusk {args:?}: {stderr}");
    }
}

/// Errors of a path the user gave keep the user's spelling.
#[test]
fn cli_errors_keep_relative_paths() {
    let line = cli_error(&["query", "fixtures/bad/ragged/ragged.csv"]);
    let file = PathBuf::from("fixtures/bad/ragged/ragged.csv");
    assert!(line.contains(&format!("file {}", file.display())), "{line}");
}

/// `dt` on a timestamp with a time zone reads its local time, as pandas
/// does: never a silent UTC answer; a zone rusk does not know is an error
/// naming it, when the expression is added.
#[test]
fn dt_on_a_time_zone_reads_local_time_never_utc() {
    use std::sync::Arc;

    use rusk::arrow::array::{AsArray, RecordBatch, TimestampNanosecondArray};
    use rusk::arrow::datatypes::{Field, Int64Type, Schema, TimeUnit};

    let zoned = |tz: &str| {
        let ts = TimestampNanosecondArray::from(vec![Some(0), None]).with_timezone(tz);
        let schema = Arc::new(Schema::new(vec![Field::new(
            "ts",
            DataType::Timestamp(TimeUnit::Nanosecond, Some(tz.into())),
            true,
        )]));
        let batch = RecordBatch::try_new(schema.clone(), vec![Arc::new(ts)]).expect("a batch");
        rusk::from_batches(schema, vec![batch]).expect("a frame")
    };
    let df = zoned("Asia/Tokyo");
    let hours = df.with_column("h", col("ts").dt().hour()).and_then(|d| d.compute()).expect("hours");
    let h: Vec<Option<i64>> = hours.batches()[0].column(1).as_primitive::<Int64Type>().iter().collect();
    assert_eq!(h, [Some(9), None], "the epoch is 09:00 in Tokyo");
    assert_eq!(df.query("ts.dt.year == 1970").and_then(|d| d.compute()).expect("a query").len().unwrap(), 1);
    let err = fails("dt.hour in an unknown zone", zoned("Mars/Base").with_column("h", col("ts").dt().hour()));
    assert_contains(&err.to_string(), &["unknown time zone \"Mars/Base\""]);
}

#[test]
fn dt_on_strings_and_str_on_numbers_name_the_method() {
    let err = fails("dt.year on strings", sales().with_column("y", col("region").dt().year()));
    assert!(matches!(err, Error::Type { .. }), "{err:?}");
    assert_contains(&err.to_string(), &["dt.year needs timestamps or dates, got"]);
    let err = fails("str.zfill on ints", sales().query("qty.str.zfill(3) == '007'"));
    assert_contains(&err.to_string(), &["str.zfill needs strings, got int64"]);
    let err = fails(
        "dt.hour on dates",
        rusk::read_parquet(fixture("fixtures/sales_parquet")).and_then(|df| df.query("date.dt.hour == 0")),
    );
    assert_contains(&err.to_string(), &["dt.hour needs timestamps, got date32"]);
}
