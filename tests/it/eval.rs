//! pandas' `DataFrame.eval` assignments — arithmetic, a `.str` method and
//! frame-order methods, each able to use the columns before it — through
//! `rusk query --eval` and `DataFrame::eval`, against pandas
//! (`fixtures/eval_generate.py`), however the frame is partitioned.

use crate::common::{compare, fixture, partitionings_no_tree, read_table, rusk, rusk_csv, table_of};
use rusk::DataFrame;

fn assignments() -> Vec<String> {
    let text =
        std::fs::read_to_string(fixture("fixtures/expected/eval/assignments.txt")).expect("assignments");
    text.lines().filter(|l| !l.trim().is_empty()).map(str::to_string).collect()
}

fn eval_all(df: DataFrame) -> rusk::Result<DataFrame> {
    assignments().iter().try_fold(df, |df, a| df.eval(a))
}

#[test]
fn the_cli_matches_pandas() {
    let expected = read_table("fixtures/expected/eval/all.csv");
    let assignments = assignments();
    assert_eq!(assignments.len(), 9);
    let mut failures = Vec::new();
    for blocksize in [None, Some("2KB")] {
        let mut args: Vec<String> = vec!["query".into(), "fixtures/sales".into()];
        if let Some(size) = blocksize {
            args.extend(["--blocksize".into(), size.into()]);
        }
        for a in &assignments {
            args.extend(["--eval".into(), a.clone()]);
        }
        let result = rusk_csv(&args)
            .and_then(|got| compare(&format!("--eval blocksize={blocksize:?}"), &expected, &got));
        if let Err(e) = result {
            failures.push(e);
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn the_api_matches_pandas_however_partitioned() {
    let expected = read_table("fixtures/expected/eval/all.csv");
    let input = || rusk::read_csv(fixture("fixtures/sales")).expect("read");
    let mut failures = Vec::new();
    let mut check = |how: &str, got: rusk::Result<DataFrame>| match got {
        Ok(df) => {
            if let Err(e) = compare(&format!("eval [{how}]"), &expected, &table_of(&df)) {
                failures.push(e);
            }
        }
        Err(e) => failures.push(format!("eval [{how}]: error: {e}")),
    };
    check("default", eval_all(input()).and_then(|d| d.compute()));
    for (how, n, config) in partitionings_no_tree() {
        check(&how, input().repartition(n).and_then(|d| eval_all(d)?.compute_with(&config)));
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn eval_runs_before_where_whatever_the_flag_order() {
    // The running total is over every row (qty: 8, 4, 14, 10, ...; never
    // below 1), then --where keeps the rows while it is at most 30.
    let args: Vec<String> = [
        "query",
        "fixtures/sales",
        "--where",
        "run <= 30",
        "--select",
        "order_id,run",
        "--eval",
        "run = qty.cumsum()",
    ]
    .map(String::from)
    .to_vec();
    let got = rusk_csv(&args).unwrap();
    assert_eq!(got.columns, ["order_id", "run"]);
    assert_eq!(got.rows, [["1", "8"], ["2", "12"], ["3", "26"]]);
}

#[test]
fn a_later_eval_replaces_a_column_in_place() {
    let args: Vec<String> = [
        "query",
        "fixtures/sales",
        "--eval",
        "qty = qty * 10",
        "--eval",
        "`qty x2` = qty * 2",
        "--limit",
        "1",
    ]
    .map(String::from)
    .to_vec();
    let got = rusk_csv(&args).unwrap();
    assert_eq!(got.columns, ["order_id", "region", "product", "qty", "price", "date", "returned", "qty x2"]);
    assert_eq!(got.rows[0][3], "80");
    assert_eq!(got.rows[0][7], "160");
}

#[test]
fn bad_assignments_are_clear_errors() {
    let stderr = |assignment: &str| {
        let out = rusk(&["query", "fixtures/sales", "--eval", assignment]);
        assert!(!out.status.success(), "{assignment}");
        String::from_utf8_lossy(&out.stderr).to_string()
    };
    let e = stderr("c = qty.cumsum() * 2");
    assert!(e.contains("position 8") && e.contains("assign it first"), "{e}");
    let e = stderr("c = qty.shift(1.5)");
    assert!(e.contains("integer number of periods"), "{e}");
    let e = stderr("c == qty");
    assert!(e.contains("position 2") && e.contains("expected '='"), "{e}");
    let e = stderr("c = qtx.diff()");
    assert!(e.contains("qtx"), "{e}");
    let e = stderr("c = region.cumsum()");
    assert!(e.contains("needs numbers"), "{e}");
}
