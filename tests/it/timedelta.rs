//! Datetime and timedelta arithmetic against pandas
//! (`fixtures/timedelta_generate.py`): every case of
//! `fixtures/expected/timedelta/cases.tsv` run as the main oracle runs its
//! cases (default settings, threads, 7 partitions before and after, CSV cut
//! into ~1 KB partitions); the text `to_csv` writes; how durations print;
//! and the errors pandas raises.

use crate::common::{self, cases_in, fixture, rusk, Case};
use crate::oracle::run_case;
use rusk::arrow::datatypes::{DataType, TimeUnit};
use rusk::{col, timedelta, CsvOptions, Error};

fn cases() -> Vec<Case> {
    cases_in("fixtures/expected/timedelta/cases.tsv")
}

/// The fixture as the cases read it: each column in its own unit.
fn events() -> rusk::DataFrame {
    let options = CsvOptions::default()
        .dtype("start", DataType::Timestamp(TimeUnit::Second, None))
        .dtype("end", DataType::Timestamp(TimeUnit::Millisecond, None))
        .dtype("at_us", DataType::Timestamp(TimeUnit::Microsecond, None))
        .dtype("at_ns", DataType::Timestamp(TimeUnit::Nanosecond, None));
    rusk::read_csv_with(fixture("fixtures/timedelta"), options).expect("read")
}

#[test]
fn every_case_matches_pandas_however_it_runs() {
    let cases = cases();
    assert_eq!(cases.len(), 8, "cases.tsv truncated?");
    let failures: Vec<String> = cases.iter().flat_map(run_case).collect();
    assert!(failures.is_empty(), "{} failure(s):\n{}", failures.len(), failures.join("\n"));
}

#[test]
fn result_types_are_pandas_units() {
    let df = events();
    let dtype = |expr: &str| {
        let e = rusk::query::parse_query(expr).expect("parses");
        df.with_column("x", e).expect("types").dtypes().last().expect("x").1.clone()
    };
    assert_eq!(dtype("start + timedelta('1h')"), "datetime64[us]");
    assert_eq!(dtype("at_ns - timedelta('1h')"), "datetime64[ns]");
    assert_eq!(dtype("at_us + timedelta('1ns')"), "datetime64[ns]");
    assert_eq!(dtype("end - start"), "timedelta64[ms]");
    assert_eq!(dtype("(end - start) * 2.5"), "timedelta64[ms]");
    assert_eq!(dtype("(end - start) / (at_ns - start)"), "float64");
    assert_eq!(dtype("(end - start).dt.days"), "int64");
    assert_eq!(dtype("(end - start).dt.total_seconds()"), "float64");
    assert_eq!(dtype("end - start > '90min'"), "bool");
}

#[test]
fn to_csv_writes_what_pandas_writes() {
    // One partition, as pandas' one frame: the column formats agree.
    let case = cases().into_iter().find(|c| c.name == "timedelta/differences").expect("case");
    let df = case.frame().expect("frame").repartition(1).expect("repartition");
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("d.csv");
    df.to_csv(&path).expect("to_csv");
    let got = std::fs::read_to_string(&path).expect("written");
    let want = std::fs::read_to_string(fixture("fixtures/expected/timedelta/numpy_differences.csv"))
        .expect("expected");
    assert_eq!(got, want);
}

#[test]
fn the_cli_computes_and_prints_durations() {
    let out = rusk(&[
        "query",
        "fixtures/timedelta",
        "--dtype",
        "start:datetime64[s],end:datetime64[ms]",
        "--eval",
        "d = end - start",
        "--eval",
        "hours = d.dt.total_seconds() / 3600",
        "--where",
        "d > timedelta('1 days') or id == 2",
        "--select",
        "id,d,hours",
    ]);
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    // As pandas writes `d` for these rows (numpy's timedelta64[ms]).
    assert_eq!(
        stdout,
        "id,d,hours\n2,-1 days +23:59:59.250000,-0.00020833333333333335\n19,1 days 03:51:49.515000,27.863754166666666\n"
    );
}

#[test]
fn durations_print_as_pandas_prints_them() {
    let df = events()
        .with_column("d", rusk::query::parse_query("end - start").expect("parses"))
        .and_then(|df| df.query("id <= 3"))
        .and_then(|df| df.select(["id", "d"]))
        .and_then(|df| df.compute())
        .expect("runs");
    // pandas: the same frame, numpy's timedelta64[ms] (NaT would be <NA> in rusk).
    let want = "
   id                        d
0   1   1 days 00:00:00.000000
1   2 -1 days +23:59:59.250000
2   3 -1 days +19:38:55.832000

[3 rows x 2 columns]
dtypes: id int64, d timedelta64[ms]";
    assert_eq!(df.to_string(), &want[1..]);
}

#[test]
fn the_rust_api_builds_the_same_expressions() {
    let api = (col("end") - col("start")).gt(timedelta("1h").expect("parses"));
    let query = rusk::query::parse_query("end - start > timedelta('1h')").expect("parses");
    assert_eq!(api, query);
    let seconds = (col("end") - col("start")).dt().total_seconds();
    assert_eq!(seconds.to_string(), "(end - start).dt.total_seconds()");
    let days = events().with_column("days", (col("end") - col("start")).dt().days()).expect("types");
    let table = common::table_of(&days.head(2).expect("head"));
    assert_eq!(table.rows.iter().map(|r| r[5].as_str()).collect::<Vec<_>>(), ["1", "-1"]);
    assert!(matches!(timedelta("5"), Err(Error::InvalidArgument(_))));
}

#[test]
fn what_pandas_refuses_is_a_type_error_naming_both_types() {
    let df = events();
    for (expr, says) in [
        ("start + 1", "cannot apply `+` to datetime64[s] and int64 in `start + 1`"),
        ("start + end", "cannot add two datetimes (datetime64[s] and datetime64[ms]) in `start + end`"),
        ("timedelta('1h') - start", "cannot subtract a datetime from a timedelta"),
        ("(end - start) * (end - start)", "cannot apply `*` to timedelta64[ms] and timedelta64[ms]"),
        ("start * 2", "cannot apply `*` to datetime64[s] and int64"),
        ("(end - start) > 1", "cannot compare timedelta64[ms] with int64"),
        ("(end - start) > 'soon'", "cannot parse 'soon' as timedelta64[ms]"),
        ("start.dt.days", "dt.days needs timedeltas, got datetime64[s]"),
        ("(end - start).dt.year", "dt.year needs timestamps or dates, got timedelta64[ms]"),
    ] {
        let e = rusk::query::parse_query(expr).expect("parses");
        match df.with_column("x", e) {
            Err(err @ Error::Type { .. }) => assert!(err.to_string().contains(says), "{expr}: {err}"),
            Err(other) => panic!("{expr}: not a type error: {other}"),
            Ok(_) => panic!("{expr}: accepted"),
        }
    }
}
