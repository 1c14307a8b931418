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
    // Under a budget the frame is read twice (see the next test).
    let budget = rusk::Config::default().with_memory_limit(1 << 30);
    check(
        "blocksize 2 KB, read twice",
        input(Some(2048)).assign_window(methods.clone()).and_then(|d| d.compute_with(&budget)),
    );
    for (how, n, config) in partitionings_no_tree() {
        let got =
            input(None).repartition(n).and_then(|d| d.assign_window(methods.clone())?.compute_with(&config));
        check(&how, got);
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn the_frame_is_read_once_into_memory_and_twice_under_a_budget() {
    let df = input(Some(2048)).assign_window([("c", rusk::cumsum("n"))]).unwrap();
    // The result is held anyway: one read, its partitions held until their carries.
    let stages = stages(&df);
    let p = stages[0].1;
    assert!(p > 3, "{stages:?}");
    assert_eq!(stages[0].0, "scan csv", "{stages:?}");
    assert!(stages.iter().any(|(name, n)| name == "window_summary" && *n == p), "{stages:?}");
    assert!(stages.iter().any(|(name, n)| name == "window_carry" && *n == 1), "{stages:?}");
    assert!(stages.iter().any(|(name, n)| name == "window" && *n == p), "{stages:?}");
    // Under a budget no task holds more than a partition: the summaries read
    // the summed column again, and nothing is gathered.
    let budget = rusk::Config::default().with_memory_limit(1 << 30);
    let stages = df.stages_with(&budget).unwrap();
    let scans: Vec<_> = stages.iter().filter(|(name, _)| name.starts_with("scan csv")).collect();
    assert_eq!(scans.len(), 2, "{stages:?}");
    assert!(scans.iter().any(|(name, n)| name.ends_with("window_summary") && *n == p), "{stages:?}");
    assert!(stages.iter().any(|(name, n)| name == "window_carry" && *n == 1), "{stages:?}");
    assert!(stages.iter().any(|(name, n)| name == "window" && *n == p), "{stages:?}");
    let explain = df.explain_with(&budget).unwrap();
    assert!(explain.contains("Window: [n.cumsum() AS c]"), "{explain}");
    assert!(explain.contains("columns=[n]"), "only the summed column is read for the summaries: {explain}");
    // Either way the dataset is one scan with one set of counters: the
    // analysis reports it once (it printed a line per read).
    for config in [rusk::Config::default(), budget] {
        let report = df.analyze_with(&config).unwrap();
        assert_eq!(report.scans.len(), 1, "{:?}", report.scans);
        assert!(report.scans[0].1.rows_read > 0, "{:?}", report.scans);
    }
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

/// The lines of a method table (`fixtures/expected/window/NAME.tsv`).
fn table_lines(name: &str) -> Vec<Vec<String>> {
    let text =
        std::fs::read_to_string(fixture(&format!("fixtures/expected/window/{name}.tsv"))).expect("tsv");
    text.lines().map(|l| l.split('\t').map(str::to_string).collect()).collect()
}

/// `column, window, min_periods, closed, function` as a rusk window: a
/// time span over `ts`, or rows for a number.
fn rolling_spec(f: &[String]) -> WindowSpec {
    let min_periods = f[3].parse().expect("min_periods");
    let window = match f[2].parse::<usize>() {
        Ok(rows) => rusk::rolling(&f[1], rows),
        Err(_) => rusk::rolling_on(&f[1], &f[2], "ts").expect("a span"),
    };
    let closed = rusk::Closed::from_name(&f[4]).expect("closed");
    let func = rusk::Rolling::from_name(&f[5]).expect("function");
    window.min_periods(min_periods).closed(closed).apply(func)
}

fn timed_input(blocksize: Option<u64>) -> DataFrame {
    let options = CsvOptions::default().blocksize(blocksize).parse_dates(["ts"]);
    rusk::read_csv_with(fixture("fixtures/resample"), options).expect("read")
}

/// `df` under every partitioning, `f` applied, compared with `expected`.
fn check_everywhere(
    what: &str,
    expected: &str,
    df: impl Fn(Option<u64>) -> DataFrame,
    f: impl Fn(DataFrame) -> rusk::Result<DataFrame>,
) {
    let expected = read_table(expected);
    let mut failures = Vec::new();
    let mut check = |how: &str, got: rusk::Result<DataFrame>| match got {
        Ok(df) => {
            if let Err(e) = compare(&format!("{what} [{how}]"), &expected, &table_of(&df)) {
                failures.push(e);
            }
        }
        Err(e) => failures.push(format!("{what} [{how}]: error: {e}")),
    };
    check("default", f(df(None)).and_then(|d| d.compute()));
    check("blocksize 2 KB", f(df(Some(2048))).and_then(|d| d.compute()));
    for (how, n, config) in partitionings_no_tree() {
        check(&how, df(None).repartition(n).and_then(|d| f(d)?.compute_with(&config)));
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn per_group_methods_match_pandas_in_frame_order() {
    let methods: Vec<(String, WindowSpec)> = table_lines("grouped")
        .iter()
        .map(|f| {
            let arg = || f[3].parse::<i64>().expect("a lag");
            let spec = match f[2].as_str() {
                "cumsum" => rusk::cumsum(&f[1]),
                "cummax" => rusk::cummax(&f[1]),
                "cumcount" => rusk::cumcount(),
                "shift" => rusk::shift(&f[1], arg()),
                "diff" => rusk::diff(&f[1], arg()),
                "pct_change" => rusk::pct_change(&f[1], arg()),
                "rolling" => {
                    let p: Vec<&str> = f[3].split(',').collect();
                    let window = rusk::rolling(&f[1], p[0].parse().expect("window"));
                    window
                        .min_periods(p[1].parse().expect("min_periods"))
                        .apply(rusk::Rolling::from_name(p[2]).expect("fn"))
                }
                other => panic!("unknown method {other}"),
            };
            (f[0].clone(), spec)
        })
        .collect();
    assert_eq!(methods.len(), 9);
    check_everywhere("grouped", "fixtures/expected/window/grouped.csv", input, |df| {
        df.groupby(["sensor"])?.assign_window(methods.clone())
    });
}

#[test]
fn time_windows_match_pandas_across_partitions() {
    let methods: Vec<(String, WindowSpec)> =
        table_lines("by_time").iter().map(|f| (f[0].clone(), rolling_spec(f))).collect();
    assert_eq!(methods.len(), 6);
    check_everywhere("by_time", "fixtures/expected/window/by_time.csv", timed_input, |df| {
        df.filter(rusk::col("ts").notnull())?.sort_values(&["ts"], &[true])?.assign_window(methods.clone())
    });
}

#[test]
fn groupby_rolling_matches_pandas_rows_and_order() {
    let methods: Vec<(String, WindowSpec)> =
        table_lines("group_rolling").iter().map(|f| (f[0].clone(), rolling_spec(f))).collect();
    assert_eq!(methods.len(), 5);
    check_everywhere("group_rolling", "fixtures/expected/window/group_rolling.csv", timed_input, |df| {
        df.filter(rusk::col("ts").notnull())?
            .sort_values(&["ts"], &[true])?
            .groupby(["sensor"])?
            .rolling(methods.clone())
    });
}

#[test]
fn a_time_window_over_unsorted_times_is_pandas_error() {
    let df = timed_input(None).filter(rusk::col("ts").notnull()).unwrap();
    let spec = rusk::rolling_on("v", "1h", "ts").unwrap().mean();
    let err = df.assign_window([("m", spec.clone())]).and_then(|d| d.compute()).unwrap_err().to_string();
    assert!(err.contains("ts values must be monotonic"), "{err}");
    let sorted = timed_input(None).sort_values(&["ts"], &[true]).unwrap();
    let err = sorted.assign_window([("m", spec.clone())]).and_then(|d| d.compute()).unwrap_err();
    assert!(err.to_string().contains("ts values must not have NaT"), "{err}");
    let err = input(None).assign_window([("m", spec)]).unwrap_err().to_string();
    assert!(err.contains("a time window needs a datetime column"), "{err}");
    assert!(rusk::rolling_on("v", "MS", "ts").unwrap_err().to_string().contains("fixed span"));
}

/// The column `name` of `table`.
fn column_of(table: &crate::common::Table, name: &str) -> Vec<String> {
    let i = table.columns.iter().position(|c| c == name).unwrap_or_else(|| panic!("no column {name}"));
    table.rows.iter().map(|r| r[i].clone()).collect()
}

#[test]
fn the_cli_rolls_rows_and_spans_per_group_or_not() {
    let run = |extra: &[&str]| {
        let mut args: Vec<String> =
            ["query", "fixtures/expected/window/by_time.csv", "--dtype", "ts:datetime64[ns]"]
                .map(String::from)
                .to_vec();
        args.extend(extra.iter().map(|s| s.to_string()));
        crate::common::rusk_csv(&args).unwrap()
    };
    let same = |got: Vec<String>, want: Vec<String>| {
        assert_eq!(got.len(), want.len());
        for (i, (g, w)) in got.iter().zip(&want).enumerate() {
            assert!(crate::common::cells_match(w, g), "row {i}: {g} != {w}");
        }
    };
    // pandas' df.rolling("6h", on="ts").v.mean() and rolling("3h", closed="left", min_periods=2).n.std().
    let out = run(&["--rolling", "6h", "--time", "ts", "--agg", "v:mean"]);
    same(column_of(&out, "v_rolling_mean"), column_of(&out, "v_6h_mean"));
    let out =
        run(&["--rolling", "3h", "--time", "ts", "--closed", "left", "--min-periods", "2", "--agg", "n:std"]);
    same(column_of(&out, "n_rolling_std"), column_of(&out, "n_3h_std_left"));
    // Per group: the rows sorted by key, as the API's GroupBy::rolling (tested against pandas).
    let out = run(&["--rolling", "4", "--min-periods", "2", "--groupby", "sensor", "--agg", "v:var"]);
    let df = rusk::read_csv_with(
        fixture("fixtures/expected/window/by_time.csv"),
        CsvOptions::default().parse_dates(["ts"]),
    )
    .unwrap()
    .groupby(["sensor"])
    .unwrap()
    .rolling([("v_rolling_var", rusk::rolling("v", 4).min_periods(2).var())])
    .unwrap()
    .compute()
    .unwrap();
    let api = table_of(&df);
    same(column_of(&out, "v_rolling_var"), column_of(&api, "v_rolling_var"));
    same(column_of(&out, "ts"), column_of(&api, "ts"));
    let failed = crate::common::rusk(&["query", "fixtures/resample", "--rolling", "2h", "--agg", "v:mean"]);
    assert!(String::from_utf8_lossy(&failed.stderr).contains("needs --time"));
}

#[test]
fn ranks_match_pandas_per_group_or_not() {
    let ranks = table_lines("rank");
    assert_eq!(ranks.len(), 10);
    check_everywhere("rank", "fixtures/expected/window/rank.csv", input, |mut df| {
        for f in &ranks {
            let method = rusk::RankMethod::from_name(&f[2]).expect("method");
            let ascending = f[3] == "True";
            // Each rank is computed before the next: ten ranks in one plan
            // nest deeper than a test thread's stack takes in a debug build.
            df = match f[4].as_str() {
                "True" => df.groupby(["sensor"])?.rank(&f[0], &f[1], method, ascending)?,
                _ => df.rank(&f[0], &f[1], method, ascending)?,
            }
            .compute()?;
        }
        Ok(df)
    });
}
