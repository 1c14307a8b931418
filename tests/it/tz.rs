//! Time zones against pandas: every case of `fixtures/expected/tz/dt.tsv`
//! and `resample.tsv` (`fixtures/tz_generate.py`: readings around the 2024
//! DST changes of New York and Paris, with nulls; naive wall-clock times
//! some of which New York's changes skip or repeat) gives pandas' result,
//! however the input is partitioned and whatever the threads. Element-wise
//! results are compared as the CSV text rusk writes with pandas'
//! `to_csv`, byte for byte: the zone's local times and offsets.

use std::sync::Arc;

use crate::common::{
    compare, fixture, parse_csv, partitionings, partitionings_no_tree, resample_specs, rusk, rusk_csv,
    ResampleSpec, Table,
};
use rusk::arrow::datatypes::{DataType, TimeUnit};
use rusk::arrow::record_batch::RecordBatch;
use rusk::{CsvOptions, DataFrame};

/// A dataset of the generator.
fn read(dataset: &str) -> rusk::Result<DataFrame> {
    match dataset {
        "new_york" | "paris" => rusk::read_parquet(fixture(&format!("fixtures/tz/{dataset}"))),
        // pandas 3 reads dates to microseconds.
        "walls" => rusk::read_csv_with(
            fixture("fixtures/tz/walls.csv"),
            CsvOptions::default().dtype("wall", DataType::Timestamp(TimeUnit::Microsecond, None)),
        ),
        "offsets" => {
            rusk::read_csv_with(fixture("fixtures/tz/offsets.csv"), CsvOptions::default().parse_dates(["t"]))
        }
        other => panic!("unknown dataset {other}"),
    }
}

/// The frame as rusk's CSV writer writes it, all partitions as one (as
/// pandas writes one frame: one precision for a whole column).
fn csv_text(df: &DataFrame) -> String {
    let batches = df.batches();
    let schema = batches.first().map_or_else(|| df.schema(), RecordBatch::schema);
    let all = rusk::arrow::compute::concat_batches(&schema, batches).expect("batches concatenate");
    let mut out = Vec::new();
    rusk_io::write_csv(&mut out, &[all], true, b',').expect("csv");
    String::from_utf8(out).expect("utf-8")
}

fn expected_text(name: &str) -> String {
    let path = fixture(&format!("fixtures/expected/tz/{name}.csv"));
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// The first line where `got` and `expected` differ.
fn first_difference(expected: &str, got: &str) -> String {
    let (e, g): (Vec<&str>, Vec<&str>) = (expected.lines().collect(), got.lines().collect());
    for i in 0..e.len().max(g.len()) {
        if e.get(i) != g.get(i) {
            return format!("line {}: expected {:?}, got {:?}", i + 1, e.get(i), g.get(i));
        }
    }
    String::from("the same lines")
}

/// One line of `dt.tsv`.
struct DtCase {
    name: String,
    dataset: String,
    assign: Vec<String>,
    query: String,
    error: String,
}

fn dt_cases() -> Vec<DtCase> {
    let text = std::fs::read_to_string(fixture("fixtures/expected/tz/dt.tsv")).expect("manifest");
    text.lines()
        .skip(1)
        .map(|line| {
            let f: Vec<&str> = line.split('\t').collect();
            assert_eq!(f.len(), 5, "{line}");
            DtCase {
                name: f[0].into(),
                dataset: f[1].into(),
                assign: f[2].split(';').map(str::trim).filter(|a| !a.is_empty()).map(String::from).collect(),
                query: f[3].into(),
                error: f[4].into(),
            }
        })
        .collect()
}

fn dt_frame(case: &DtCase, df: DataFrame) -> rusk::Result<DataFrame> {
    let mut df = df;
    for assignment in &case.assign {
        df = df.eval(assignment)?;
    }
    if !case.query.is_empty() {
        df = df.query(&case.query)?;
    }
    Ok(df)
}

#[test]
fn dt_cases_match_pandas_however_partitioned() {
    let cases = dt_cases();
    assert!(cases.len() >= 30, "only {} cases", cases.len());
    let mut failures = Vec::new();
    for case in &cases {
        let expected = (case.error.is_empty()).then(|| expected_text(&case.name));
        let mut check = |how: &str, got: rusk::Result<DataFrame>| match (&expected, got) {
            (Some(expected), Ok(df)) => {
                let text = csv_text(&df);
                if &text != expected {
                    failures.push(format!("{} [{how}]: {}", case.name, first_difference(expected, &text)));
                }
            }
            (Some(_), Err(e)) => failures.push(format!("{} [{how}]: error: {e}", case.name)),
            (None, Ok(df)) => {
                failures.push(format!("{} [{how}]: no error but {} rows", case.name, df.batches().len()))
            }
            (None, Err(e)) => {
                if !e.to_string().contains(&case.error) {
                    failures.push(format!("{} [{how}]: error {e:?} lacks {:?}", case.name, case.error));
                }
            }
        };
        check("default", read(&case.dataset).and_then(|df| dt_frame(case, df)?.compute()));
        for (how, n, config) in partitionings_no_tree() {
            check(
                &how,
                read(&case.dataset).and_then(|df| dt_frame(case, df.repartition(n)?)?.compute_with(&config)),
            );
        }
    }
    assert!(failures.is_empty(), "{} failure(s):\n{}", failures.len(), failures.join("\n"));
}

fn resample_cases() -> Vec<ResampleSpec> {
    resample_specs("fixtures/expected/tz/resample.tsv")
}

fn resample(case: &ResampleSpec, df: DataFrame) -> rusk::Result<DataFrame> {
    let query = case.get("query");
    let df = if query.is_empty() { df } else { df.query(query)? };
    case.apply(&df, 1)
}

/// rusk's written CSV as a table (floats compared to a tolerance).
fn written_table(df: &DataFrame) -> Table {
    parse_csv(&csv_text(df)).expect("rusk writes CSV")
}

#[test]
fn resample_in_local_time_matches_pandas_however_partitioned() {
    let cases = resample_cases();
    assert!(cases.len() >= 15, "only {} cases", cases.len());
    let mut failures = Vec::new();
    for case in &cases {
        let expected = case
            .get("error")
            .is_empty()
            .then(|| parse_csv(&expected_text(&case.name)).unwrap_or_else(|e| panic!("{}: {e}", case.name)));
        let mut check = |how: &str, got: rusk::Result<DataFrame>| match (&expected, got) {
            (Some(expected), Ok(df)) => {
                if let Err(e) = compare(&format!("{} [{how}]", case.name), expected, &written_table(&df)) {
                    failures.push(e);
                }
            }
            (Some(_), Err(e)) => failures.push(format!("{} [{how}]: error: {e}", case.name)),
            (None, Ok(_)) => failures.push(format!("{} [{how}]: no error", case.name)),
            (None, Err(e)) => {
                if !e.to_string().contains(case.get("error")) {
                    failures.push(format!(
                        "{} [{how}]: error {e:?} lacks {:?}",
                        case.name,
                        case.get("error")
                    ));
                }
            }
        };
        check("default", read(case.get("dataset")).and_then(|df| resample(case, df)?.compute()));
        for (how, n, config) in partitionings() {
            check(
                &how,
                read(case.get("dataset"))
                    .and_then(|df| resample(case, df.repartition(n)?)?.compute_with(&config)),
            );
        }
    }
    assert!(failures.is_empty(), "{} failure(s):\n{}", failures.len(), failures.join("\n"));
}

#[test]
fn the_bin_labels_keep_the_zone() {
    let df = read("paris").unwrap().resample("D", "ts").unwrap().agg([("n", rusk::col("n").sum())]).unwrap();
    let zoned = DataType::Timestamp(TimeUnit::Nanosecond, Some(Arc::from("Europe/Paris")));
    assert_eq!(df.schema().field(0).data_type(), &zoned);
}

#[test]
fn zoned_columns_print_in_their_zone() {
    let df = read("new_york").unwrap().select(["ts"]).unwrap().head(4).unwrap().compute().unwrap();
    let printed = format!("{df}");
    let expected = expected_text("new_york_as_is");
    for line in expected.lines().skip(1).take(4) {
        let ts = line.split(',').nth(1).expect("a ts field");
        assert!(printed.contains(ts), "{ts} not in:\n{printed}");
    }
    assert!(printed.contains("datetime64[us, America/New_York]"), "{printed}");
}

#[test]
fn parquet_keeps_the_zone_and_csv_writes_it() {
    let dir = tempfile::tempdir().unwrap();
    let df = read("new_york").unwrap();
    df.to_parquet(dir.path().join("p")).unwrap();
    let back = rusk::read_parquet(dir.path().join("p")).unwrap();
    let zoned = DataType::Timestamp(TimeUnit::Microsecond, Some(Arc::from("America/New_York")));
    assert_eq!(back.schema().field_with_name("ts").unwrap().data_type(), &zoned);
    assert_eq!(csv_text(&back.compute().unwrap()), expected_text("new_york_as_is"));
    // to_csv writes one file per partition, each in the zone.
    df.to_csv(dir.path().join("c")).unwrap();
    let mut written = String::new();
    for file in crate::common::names(&dir.path().join("c")) {
        written.push_str(&std::fs::read_to_string(dir.path().join("c").join(file)).unwrap());
    }
    assert!(written.contains("2024-03-11 22:41:36-04:00") && written.contains("-05:00"), "{written}");
}

#[test]
fn bad_zones_are_errors_when_built() {
    let df = read("walls").unwrap();
    for bad in
        ["wall.dt.tz_localize('Mars/Base')", "wall.dt.tz_localize('Europe/Paris').dt.tz_convert('Nowhere')"]
    {
        let err = df.eval(&format!("x = {bad}")).unwrap_err();
        assert!(matches!(err, rusk::Error::QuerySyntax { .. }), "{bad}: {err:?}");
        assert!(err.to_string().contains("unknown time zone"), "{err}");
    }
    let expr = rusk::col("wall").dt().tz_localize(Some("Mars/Base"), Default::default(), Default::default());
    assert!(matches!(expr, Err(rusk::Error::InvalidArgument(m)) if m.contains("\"Mars/Base\"")));
    // Already zoned: tz_localize needs tz_convert, as pandas says.
    let zoned = read("paris").unwrap();
    let err = zoned.eval("x = ts.dt.tz_localize('UTC')").unwrap_err();
    assert!(matches!(err, rusk::Error::Type { .. }) && err.to_string().contains("use tz_convert"), "{err}");
    let err = df.eval("x = wall.dt.tz_localize('UTC', ambiguous='infer')").unwrap_err();
    assert!(err.to_string().contains("ambiguous must be 'raise', 'NaT', True or False"), "{err}");
}

#[test]
fn the_cli_resamples_a_zoned_column_in_local_time() {
    let args: Vec<String> = [
        "query",
        "fixtures/tz/new_york",
        "--where",
        "ts > '2024-06-01'",
        "--resample",
        "D",
        "--time",
        "ts",
        "--label",
        "right",
        "--agg",
        "n:sum",
    ]
    .into_iter()
    .map(String::from)
    .collect();
    let expected = parse_csv(&expected_text("new_york_fall_daily_label_right")).unwrap();
    let got = rusk_csv(&args).unwrap();
    compare("cli", &expected, &got).unwrap();
    let out = rusk(&["query", "fixtures/tz/new_york", "--eval", "h = ts.dt.floor('h')"]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(stderr.contains("is ambiguous in America/New_York"), "{stderr}");
}
