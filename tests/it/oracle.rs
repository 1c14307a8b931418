//! rusk against pandas: every case of `fixtures/expected/cases.tsv` (read →
//! assign → query → select) must give pandas' rows, in pandas' order, with
//! pandas' column names, however it is run: the default settings, 1 and 4
//! threads, the data cut into 7 partitions before or after the query, and
//! CSV files cut into ~1 KB partitions.
//!
//! One test runs all cases and reports every failure at once.

use crate::common;

use common::{cases, cells_match, compare, normalize_datetime, parse_csv, table_of, Case, THREADS};
use rusk::{Config, DataFrame};

/// The manifest has 70 cases today; fewer than this means it was truncated
/// (an empty manifest must not pass).
const MIN_CASES: usize = 40;

/// A CSV blocksize small enough to cut every fixture file into several partitions.
const BLOCKSIZE: u64 = 1000;

/// The result of one way of running `case`, compared with pandas'.
fn check(case: &Case, how: &str, run: impl FnOnce() -> rusk::Result<DataFrame>) -> Result<DataFrame, String> {
    let df = run().map_err(|e| format!("case {} [{how}]: error: {e}", case.name))?;
    compare(&format!("{} [{how}]", case.name), &case.expected(), &table_of(&df))?;
    Ok(df)
}

/// Every way `case` is run, each compared with pandas; the failures.
pub(crate) fn run_case(case: &Case) -> Vec<String> {
    let mut results = vec![
        check(case, "compute", || case.frame()?.compute()),
        check(case, "repartition(7) after read", || case.apply(case.read()?.repartition(7)?)?.compute()),
        // About 1 KB of CSV a partition: 9 to 10 per file, cut mid-file.
        check(case, "blocksize=1000", || case.apply(case.read_with_blocksize(Some(BLOCKSIZE))?)?.compute()),
    ];
    for threads in THREADS {
        let config = Config::default().with_threads(threads);
        results.push(check(case, &format!("threads={threads}"), || case.frame()?.compute_with(&config)));
    }
    let last = check(case, "repartition(7) at the end", || case.frame()?.repartition(7)?.compute());
    if let Ok(df) = &last {
        if df.batches().len() != 7 {
            results.push(Err(format!(
                "case {} [repartition(7) at the end]: {} partitions, expected 7",
                case.name,
                df.batches().len()
            )));
        }
    }
    results.push(last);
    let failures: Vec<String> = results.into_iter().filter_map(Result::err).collect();
    failures
}

#[test]
fn every_case_matches_pandas() {
    let cases = cases();
    assert!(
        cases.len() >= MIN_CASES,
        "only {} cases in cases.tsv, expected at least {MIN_CASES}",
        cases.len()
    );
    let mut names: Vec<&str> = cases.iter().map(|c| c.name.as_str()).collect();
    names.sort_unstable();
    names.dedup();
    assert_eq!(names.len(), cases.len(), "case names must be unique");

    let failures: Vec<String> = cases.iter().flat_map(run_case).collect();
    assert!(
        failures.is_empty(),
        "{} failure(s) of {} cases:\n{}",
        failures.len(),
        cases.len(),
        failures.join("\n")
    );
}

/// Each expectation's header is the case's selection (when it has one), so
/// a case and its file cannot drift apart unnoticed.
/// The small blocksize does cut the files, so the variant above tests
/// something.
#[test]
fn the_small_blocksize_makes_many_partitions() {
    let case = cases().into_iter().find(|c| c.name == "csv_scan").expect("case csv_scan");
    assert_eq!(case.read().expect("read").npartitions(), 3);
    assert!(case.read_with_blocksize(Some(BLOCKSIZE)).expect("read").npartitions() >= 15);
}

#[test]
fn expectations_have_the_selected_columns() {
    for case in cases() {
        let expected = case.expected();
        if !case.select.is_empty() {
            assert_eq!(expected.columns, case.select, "case {}", case.name);
        }
    }
}

/// The comparison itself can fail: a changed value, a missing row, a wrong
/// column name and a dtype change are all reported, naming the case.
#[test]
fn the_comparison_catches_differences() {
    let case = cases().into_iter().find(|c| c.name == "assign_total").expect("case assign_total");
    let expected = case.expected();
    assert!(expected.rows.len() > 2, "assign_total has rows");
    assert!(compare("assign_total", &expected, &expected).is_ok());

    let mut changed = expected.clone();
    changed.rows[1][3] = "0.5".into();
    let msg = compare("assign_total", &expected, &changed).unwrap_err();
    assert!(msg.contains("case assign_total: row 1") && msg.contains("column \"total\""), "{msg}");

    let mut fewer = expected.clone();
    fewer.rows.pop();
    let msg = compare("assign_total", &expected, &fewer).unwrap_err();
    assert!(
        msg.contains(&format!("expected {} rows, got {}", expected.rows.len(), fewer.rows.len())),
        "{msg}"
    );

    let mut renamed = expected.clone();
    renamed.columns[0] = "id".into();
    assert!(compare("assign_total", &expected, &renamed).unwrap_err().contains("columns differ"));

    let mut reordered = expected.clone();
    reordered.rows.swap(0, 1);
    assert!(compare("assign_total", &expected, &reordered).is_err(), "order matters");
}

#[test]
fn cells_match_is_strict_where_it_must_be() {
    assert!(cells_match("653.6500000000001", "653.65"));
    assert!(cells_match("1e+16", "1e16"));
    assert!(cells_match("True", "true"));
    assert!(cells_match("2024-06-01", "2024-06-01T00:00:00"));
    assert!(cells_match("2024-06-01 12:00:00", "2024-06-01T12:00:00.000"));
    assert_eq!(normalize_datetime("2024-06-01T12:30:00.500"), "2024-06-01 12:30:00.5");
    assert!(!cells_match("6", "6.0"), "an int is not a float");
    assert!(!cells_match("", "0"), "null is not zero");
    assert!(!cells_match("1.0", "1.0001"));
    assert!(!cells_match("True", "False"));
    assert!(!cells_match("2024-06-01", "2024-06-02"));
    assert!(!cells_match("north", "North"));
}

#[test]
fn parse_csv_handles_quotes_and_empty_fields() {
    let t = parse_csv("a,b\n\"x,y\",\n\"q\"\"\",3\r\n").expect("valid CSV");
    assert_eq!(t.columns, ["a", "b"]);
    assert_eq!(t.rows, [vec!["x,y".to_string(), String::new()], vec!["q\"".to_string(), "3".to_string()]]);
    assert_eq!(parse_csv("a\n\"\"\n").expect("valid CSV").rows, [vec![String::new()]]);
    assert!(parse_csv("a,b\n1\n").is_err());
    assert!(parse_csv("a,b\n\"1,2\n").is_err());
}
