//! `read_csv` with `parse_dates`, `date_format` (per column too) and
//! `date_errors`, against pandas (`fixtures/dates_generate.py`): a clean
//! file as `pd.read_csv(parse_dates=, date_format=)` reads it, bad values
//! coerced as `pd.to_datetime(errors="coerce")` does, and otherwise an
//! error at the right file, line and column however the files are cut.

use crate::common::{compare, fixture, read_table, rusk, rusk_csv, table_of};
use rusk::{CsvOptions, DataFrame, DateErrors, Error};

const WHEN: &str = "%d/%m/%Y %H:%M";
const DAY: &str = "%d.%m.%Y";
/// The partitionings of the files: whole, and cut every few lines.
const BLOCKSIZES: [Option<u64>; 4] = [None, Some(64), Some(150), Some(400)];
/// The `when` values of part-1.csv that are not dates, and their file
/// lines (`NOT_DATES` in the generator).
const BAD_LINES: [(&str, u64); 4] =
    [("31/02/2024 10:00", 5), ("2024-03-05 08:15", 10), (" 05/03/2024 08:15", 14), ("soon", 19)];
const NOT_DATES: u64 = BAD_LINES.len() as u64;

fn options(blocksize: Option<u64>) -> CsvOptions {
    CsvOptions::default()
        .parse_dates(["when", "day"])
        .date_format(WHEN)
        .date_format_for("day", DAY)
        .blocksize(blocksize)
}

fn read(path: &str, options: CsvOptions) -> DataFrame {
    rusk::read_csv_with(fixture(path), options).expect("opens")
}

fn args(list: &[&str]) -> Vec<String> {
    list.iter().map(|s| s.to_string()).collect()
}

#[test]
fn a_clean_file_reads_as_pandas_reads_it() {
    let expected = read_table("fixtures/expected/dates/read_part-0.csv");
    for blocksize in BLOCKSIZES {
        let df = read("fixtures/dates/part-0.csv", options(blocksize));
        let dtypes: Vec<String> = df.dtypes().into_iter().map(|(_, t)| t).collect();
        assert_eq!(dtypes, ["int64", "datetime64[ns]", "datetime64[ns]", "float64"]);
        let got = table_of(&df.compute().expect("computes"));
        compare(&format!("read_part-0 blocksize={blocksize:?}"), &expected, &got)
            .unwrap_or_else(|e| panic!("{e}"));
    }
}

#[test]
fn bad_dates_fail_at_their_file_line_and_column_however_cut() {
    for blocksize in BLOCKSIZES {
        let df = read("fixtures/dates", options(blocksize));
        assert!(blocksize.is_none() || df.npartitions() > 2, "blocksize {blocksize:?} cuts the files");
        match df.compute() {
            Err(Error::Parse { value, location, .. }) => {
                // Partitions run in parallel: the first to fail reports, so
                // each bad value must come with its own line. Uncut, the
                // file's first bad value is the one.
                let line = BAD_LINES.iter().find(|(v, _)| *v == value).map(|(_, l)| *l);
                assert_eq!(location.line, line, "blocksize {blocksize:?}: {value:?}");
                if blocksize.is_none() {
                    assert_eq!(value, "31/02/2024 10:00");
                }
                assert_eq!(location.file.as_deref(), Some(fixture("fixtures/dates/part-1.csv").as_path()));
                assert_eq!(location.column.as_deref(), Some("when"));
            }
            Err(other) => panic!("blocksize {blocksize:?}: wrong error {other}"),
            Ok(_) => panic!("blocksize {blocksize:?}: read the bad dates"),
        }
    }
}

#[test]
fn coerced_bad_dates_are_pandas_nulls_and_counted() {
    let expected = read_table("fixtures/expected/dates/coerce.csv");
    for blocksize in BLOCKSIZES {
        let df = read("fixtures/dates", options(blocksize).date_errors(DateErrors::Coerce));
        let analysis = df.analyze().expect("runs");
        assert_eq!(analysis.scans[0].1.dates_coerced, NOT_DATES, "blocksize {blocksize:?}");
        let got = table_of(&df.compute().expect("computes"));
        compare(&format!("coerce blocksize={blocksize:?}"), &expected, &got)
            .unwrap_or_else(|e| panic!("{e}"));
        let repartitioned = df.repartition(5).and_then(|d| d.compute()).expect("computes");
        compare("coerce repartition(5)", &expected, &table_of(&repartitioned))
            .unwrap_or_else(|e| panic!("{e}"));
    }
    let report = read("fixtures/dates", options(None).date_errors(DateErrors::Coerce))
        .explain_analyze()
        .expect("runs");
    assert!(report.contains(" dates_coerced=4\n"), "{report}");
}

#[test]
fn the_cli_reads_dates_with_a_format_and_their_errors() {
    let base = ["query", "fixtures/dates", "--parse-dates", "when", "--date-format", WHEN];
    let out = rusk(&base);
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    for part in [
        "rusk: error: cannot parse \"31/02/2024 10:00\" as datetime64[ns]",
        "part-1.csv",
        "line 5",
        "column \"when\"",
    ] {
        assert!(stderr.contains(part), "{part}: {stderr}");
    }

    let expected = read_table("fixtures/expected/dates/coerce.csv");
    let mut coerce = args(&base);
    coerce.extend(args(&["--date-errors", "coerce", "--select", "id,when", "--blocksize", "100"]));
    let got = rusk_csv(&coerce).expect("runs");
    let mut want = expected.clone();
    want.columns.truncate(2);
    want.rows.iter_mut().for_each(|r| r.truncate(2));
    compare("--date-errors coerce", &want, &got).unwrap_or_else(|e| panic!("{e}"));

    let mut warn = args(&base);
    warn.extend(args(&["--date-errors", "warn", "--select", "id,when"]));
    let warn: Vec<&str> = warn.iter().map(String::as_str).collect();
    let out = rusk(&warn);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("rusk: warning: read 4 value(s) that are not dates as null in fixtures/dates (--date-errors warn)"), "{stderr}");
    // coerce alone is silent; a date column no step reads is not parsed at all.
    let out = rusk(&coerce.iter().map(String::as_str).collect::<Vec<_>>());
    assert!(out.stderr.is_empty(), "{}", String::from_utf8_lossy(&out.stderr));
    let mut unread = args(&base);
    unread.extend(args(&["--select", "id,v"]));
    assert!(rusk(&unread.iter().map(String::as_str).collect::<Vec<_>>()).status.success());

    let out = rusk(&["query", "fixtures/dates", "--parse-dates", "when", "--date-format", "%Q"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("date_format \"%Q\" of column \"when\""));
}
