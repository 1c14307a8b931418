//! resample against pandas: every case of
//! `fixtures/expected/resample/cases.tsv` (`fixtures/resample_generate.py`:
//! unsorted readings with null sensors, times and values, a sensor silent
//! for days) gives pandas' rows, bins and empty bins, however the input is
//! partitioned, whatever the threads and merge fan-in, and with the CSV
//! cut into ~2 KB partitions.

use crate::common::{
    compare, fixture, partitionings, read_table, resample_specs, rusk, rusk_csv, stages, table_of,
    ResampleSpec,
};
use rusk::{CsvOptions, DataFrame};

fn cases() -> Vec<ResampleSpec> {
    resample_specs("fixtures/expected/resample/cases.tsv")
}

fn input(blocksize: Option<u64>) -> rusk::Result<DataFrame> {
    let options = CsvOptions::default().parse_dates(["ts"]).blocksize(blocksize);
    rusk::read_csv_with(fixture("fixtures/resample"), options)
}

fn resample(case: &ResampleSpec, df: &DataFrame) -> rusk::Result<DataFrame> {
    case.apply(df, 1)
}

#[test]
fn every_case_matches_pandas_however_partitioned() {
    let cases = cases();
    assert!(cases.len() >= 30, "only {} cases", cases.len());
    let mut failures = Vec::new();
    for case in &cases {
        let expected = read_table(&format!("fixtures/expected/resample/{}.csv", case.name));
        let mut check = |how: &str, got: rusk::Result<DataFrame>| match got {
            Ok(df) => {
                if let Err(e) = compare(&format!("{} [{how}]", case.name), &expected, &table_of(&df)) {
                    failures.push(e);
                }
            }
            Err(e) => failures.push(format!("{} [{how}]: error: {e}", case.name)),
        };
        check("default", input(None).and_then(|df| resample(case, &df)?.compute()));
        check("blocksize 2 KB", input(Some(2048)).and_then(|df| resample(case, &df)?.compute()));
        check(
            "blocksize 2 KB, split_out 3",
            input(Some(2048)).and_then(|df| case.apply(&df.repartition(5)?, 3)?.compute()),
        );
        for (how, n, config) in partitionings() {
            check(
                &how,
                input(None).and_then(|df| resample(case, &df.repartition(n)?)?.compute_with(&config)),
            );
        }
    }
    assert!(failures.is_empty(), "{} failure(s):\n{}", failures.len(), failures.join("\n"));
}

#[test]
fn ohlc_is_first_max_min_last_by_time() {
    let r = input(None).unwrap().resample("4h", "ts").unwrap();
    let ohlc = r.ohlc(&["v"]).unwrap().compute().unwrap();
    let spelled = r
        .agg([
            ("v_open", rusk::col("v").first()),
            ("v_high", rusk::col("v").max()),
            ("v_low", rusk::col("v").min()),
            ("v_close", rusk::col("v").last()),
        ])
        .unwrap()
        .compute()
        .unwrap();
    assert_eq!(ohlc.batches(), spelled.batches());
    assert_eq!(ohlc.columns(), ["ts", "v_open", "v_high", "v_low", "v_close"]);
}

#[test]
fn a_resample_reduces_each_partition_before_merging() {
    let df = input(Some(2048)).unwrap();
    let agg = df
        .groupby(["sensor"])
        .unwrap()
        .resample("h", "ts")
        .unwrap()
        .agg([("v", rusk::col("v").mean())])
        .unwrap();
    let stages = stages(&agg);
    assert!(stages[0].0.ends_with("partial_agg"), "{stages:?}");
    assert!(stages[0].1 > 3, "the CSV is cut into several partitions: {stages:?}");
    assert!(stages.last().unwrap().0.ends_with("finish_agg+fill_bins"), "{stages:?}");
}

#[test]
fn split_out_shuffles_whole_groups_by_key_range() {
    let df = input(Some(2048)).unwrap();
    let agg = df
        .groupby(["sensor"])
        .unwrap()
        .resample("h", "ts")
        .unwrap()
        .split_out(3)
        .unwrap()
        .agg([("v", rusk::col("v").mean())])
        .unwrap();
    let stages = stages(&agg);
    assert!(stages.iter().any(|(name, _)| name.contains("range_split")), "{stages:?}");
    assert_eq!(stages.last().unwrap().1, 3, "{stages:?}");
    // Each sensor is whole in one partition.
    let out = agg.compute().unwrap();
    let mut seen = Vec::new();
    for batch in out.batches() {
        let sensors = arrow::compute::cast(batch.column(0), &arrow::datatypes::DataType::Utf8).unwrap();
        let mut here: Vec<String> =
            arrow::array::AsArray::as_string::<i32>(&sensors).iter().flatten().map(String::from).collect();
        here.dedup();
        for s in &here {
            assert!(!seen.contains(s), "sensor {s} in two partitions");
        }
        seen.extend(here);
    }
    assert_eq!(seen, ["a", "b", "c"]);
}

#[test]
fn bad_resamples_are_errors_naming_the_problem() {
    let df = input(None).unwrap();
    let err = |r: rusk::Result<DataFrame>| r.unwrap_err().to_string();
    let mean = || [("v", rusk::col("v").mean())];
    assert!(err(df.resample("fortnight", "ts").map(|_| df.clone())).contains("unknown unit"));
    assert!(err(df.resample("h", "v").and_then(|r| r.agg(mean())))
        .contains("needs a datetime column, got float64"));
    assert!(err(df.resample("MS", "ts").and_then(|r| r.offset("1h")?.agg(mean())))
        .contains("offset does not apply"));
    assert!(err(df.resample("h", "ts").and_then(|r| r.origin("end")).map(|_| df.clone())).contains("'start'"));
    assert!(err(df.resample("h", "nope").map(|_| df.clone())).contains("nope"));
    assert!(err(df.resample("h", "ts").and_then(|r| r.closed("middle")).map(|_| df.clone()))
        .contains("'left' or 'right'"));
}

#[test]
fn the_cli_resamples_as_pandas() {
    let mut failures = Vec::new();
    for case in cases() {
        let mut args: Vec<String> = ["query", "fixtures/resample", "--dtype", "ts:datetime64[ns]"]
            .into_iter()
            .map(String::from)
            .collect();
        args.extend(["--resample".into(), case.rule.clone(), "--time".into(), "ts".into()]);
        args.extend(["--agg".into(), case.aggs.join(",")]);
        if !case.keys.is_empty() {
            args.extend(["--groupby".into(), case.keys.join(",")]);
        }
        for (flag, value) in [
            ("--closed", &case.closed),
            ("--label", &case.label),
            ("--origin", &case.origin),
            ("--offset", &case.offset),
        ] {
            if !value.is_empty() {
                args.extend([flag.to_string(), value.clone()]);
            }
        }
        let expected = read_table(&format!("fixtures/expected/resample/{}.csv", case.name));
        match rusk_csv(&args) {
            Ok(got) => {
                if let Err(e) = compare(&format!("{} [cli]", case.name), &expected, &got) {
                    failures.push(e);
                }
            }
            Err(e) => failures.push(format!("{} [cli]: {e}", case.name)),
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn cli_resample_flags_need_each_other() {
    let out = rusk(&["query", "fixtures/resample", "--resample", "h", "--agg", "v:mean"]);
    assert!(String::from_utf8_lossy(&out.stderr).contains("--resample needs --time"));
    let out = rusk(&["query", "fixtures/resample", "--time", "ts", "--agg", "v:mean"]);
    assert!(String::from_utf8_lossy(&out.stderr).contains("go with --resample"));
}
