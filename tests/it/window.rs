//! Frame-order methods (`cumsum`, `cumprod`, `cummax`, `cummin`, `shift`,
//! `diff`, `pct_change`) against pandas (`fixtures/window_generate.py`)
//! however the frame is partitioned: one-row and empty partitions, lags
//! longer than a partition (`shift(130)` over 16 partitions of ~56 rows),
//! any thread count, and the CSV cut into 2 KB ranges.

use crate::common::{compare, fixture, partitionings_no_tree, read_table, stages, table_of};
use rusk::{CsvOptions, DataFrame, WindowSpec};

fn methods() -> Vec<(String, WindowSpec)> {
    let text = std::fs::read_to_string(fixture("fixtures/expected/window/columns.tsv")).expect("columns");
    text.lines()
        .skip(1)
        .map(|line| {
            let f: Vec<&str> = line.split('\t').collect();
            let arg = || f[3].parse::<i64>().expect("a lag");
            let rolling = || {
                let parts: Vec<&str> = f[3].split(',').collect();
                let window = rusk::rolling(f[1], parts[0].parse().expect("window"))
                    .min_periods(parts[1].parse().expect("min_periods"))
                    .center(parts.get(3) == Some(&"center"));
                match parts[2] {
                    "sum" => window.sum(),
                    "mean" => window.mean(),
                    "count" => window.count(),
                    "min" => window.min(),
                    "max" => window.max(),
                    "var" => window.var(),
                    "std" => window.std(),
                    "median" => window.median(),
                    other => panic!("unknown rolling function {other}"),
                }
            };
            let spec = match f[2] {
                "cumsum" => rusk::cumsum(f[1]),
                "cumprod" => rusk::cumprod(f[1]),
                "cummax" => rusk::cummax(f[1]),
                "cummin" => rusk::cummin(f[1]),
                "shift" => rusk::shift(f[1], arg()),
                "diff" => rusk::diff(f[1], arg()),
                "pct_change" => rusk::pct_change(f[1], arg()),
                "rolling" => rolling(),
                other => panic!("unknown method {other}"),
            };
            (f[0].to_string(), spec)
        })
        .collect()
}

fn input(blocksize: Option<u64>) -> DataFrame {
    // `ts` stays text: the oracle writes it as read.
    rusk::read_csv_with(fixture("fixtures/resample"), CsvOptions::default().blocksize(blocksize))
        .expect("read")
}

#[test]
fn every_method_matches_pandas_however_partitioned() {
    let expected = read_table("fixtures/expected/window/all.csv");
    let methods = methods();
    assert_eq!(methods.len(), 24);
    let mut failures = Vec::new();
    let mut check = |how: &str, got: rusk::Result<DataFrame>| match got {
        Ok(df) => {
            if let Err(e) = compare(&format!("window [{how}]"), &expected, &table_of(&df)) {
                failures.push(e);
            }
        }
        Err(e) => failures.push(format!("window [{how}]: error: {e}")),
    };
    check("default", input(None).assign_window(methods.clone()).and_then(|d| d.compute()));
    check("blocksize 2 KB", input(Some(2048)).assign_window(methods.clone()).and_then(|d| d.compute()));
    for (how, n, config) in partitionings_no_tree() {
        let got =
            input(None).repartition(n).and_then(|d| d.assign_window(methods.clone())?.compute_with(&config));
        check(&how, got);
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn the_frame_is_read_twice_and_never_gathered() {
    let df = input(Some(2048)).assign_window([("c", rusk::cumsum("n"))]).unwrap();
    let stages = stages(&df);
    let p = stages[0].1;
    assert!(p > 3, "{stages:?}");
    assert!(stages.iter().any(|(name, n)| name.ends_with("window_summary") && *n == p), "{stages:?}");
    assert!(stages.iter().any(|(name, n)| name == "window_carry" && *n == 1), "{stages:?}");
    assert!(stages.iter().any(|(name, n)| name == "window" && *n == p), "{stages:?}");
    // Only the summed column is read for the summaries.
    let explain = df.explain().unwrap();
    assert!(explain.contains("Window: [n.cumsum() AS c]"), "{explain}");
}

#[test]
fn bad_windows_are_errors() {
    let df = input(None);
    let err = |r: rusk::Result<DataFrame>| r.unwrap_err().to_string();
    assert!(
        err(df.assign_window([("d", rusk::diff("sensor", 1))])).contains("diff(1) needs numbers, got string")
    );
    assert!(err(df.assign_window([("v", rusk::cumsum("n"))])).contains("exists"));
    assert!(err(df.assign_window([("x", rusk::cumsum("nope"))])).contains("nope"));
}
