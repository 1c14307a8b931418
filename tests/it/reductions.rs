//! Whole-frame reductions (`df.sum()`, ..., `describe`, `value_counts`,
//! `unique`) against pandas, and their invariance.
//!
//! - Every non-sort case of `fixtures/expected/reductions/cases.tsv` gives
//!   pandas' result, computed with the default settings and after
//!   `repartition(n)` for n in 1, 2, 3, 7, 16, each with `split_every` 2, 3
//!   and 8 and 1 and 4 threads (`common::partitionings`). The
//!   edge-case frame has NaN and null floats, -0.0 next to 0.0, an all-null
//!   column, an empty file; `value_counts` cases have tied counts.
//! - Bad input fails when the frame is built, with the variant a user matches on.
//! - None collects its input: they are aggregates (partial per partition,
//!   merge, finish), `describe` one more one-task step.

use crate::common;
use crate::reductions_common;

use std::collections::BTreeSet;

use common::{compare, partitionings, stages, table_of};
use reductions_common::{reduction_cases, ReductionCase};
use rusk::arrow::array::{Array, AsArray, Float64Array, Int64Array, RecordBatch, StringArray};
use rusk::arrow::datatypes::Float64Type;
use rusk::{Config, DataFrame, Error};

/// At most this many failures are shown per case.
const SHOWN_PER_CASE: usize = 3;

fn check(
    case: &ReductionCase,
    how: &str,
    run: impl FnOnce() -> rusk::Result<DataFrame>,
) -> Result<(), String> {
    let df = run().map_err(|e| format!("case {} [{how}]: error: {e}", case.name))?;
    compare(&format!("{} [{how}]", case.name), &case.expected(), &table_of(&df))
}

/// Every way `case` is run, each compared with pandas; the failures.
fn run_case(case: &ReductionCase) -> Vec<String> {
    let mut failures = Vec::new();
    let mut record = |r: Result<(), String>| {
        if let Err(e) = r {
            failures.push(e);
        }
    };
    record(check(case, "compute", || case.frame()?.compute()));
    // Aggregates all: partials merged in a tree, so split_every too.
    for (how, n, config) in partitionings() {
        record(check(case, &how, || case.apply(&case.input()?.repartition(n)?)?.compute_with(&config)));
    }
    failures
}

fn report(cases: &[ReductionCase]) {
    let mut report = Vec::new();
    let mut failed = 0;
    for case in cases {
        let f = run_case(case);
        if f.is_empty() {
            continue;
        }
        failed += 1;
        report.extend(f.iter().take(SHOWN_PER_CASE).cloned());
        if f.len() > SHOWN_PER_CASE {
            report.push(format!("case {}: ... {} failing variants in all", case.name, f.len()));
        }
    }
    assert!(report.is_empty(), "{failed} of {} cases failed:\n{}", cases.len(), report.join("\n"));
}

#[test]
fn every_reduction_case_matches_pandas() {
    let cases: Vec<ReductionCase> = reduction_cases().into_iter().filter(|c| c.op != "sort").collect();
    assert!(cases.len() >= 45, "only {} reduction cases", cases.len());
    report(&cases);
}

/// The manifest covers every function, the empty frame, and the columns
/// each function takes.
#[test]
fn the_cases_cover_every_function() {
    let cases = reduction_cases();
    let ops: BTreeSet<&str> = cases.iter().map(|c| c.op.as_str()).collect();
    for op in [
        "sum",
        "mean",
        "min",
        "max",
        "count",
        "std",
        "var",
        "nunique",
        "median",
        "quantile",
        "describe",
        "value_counts",
        "unique",
        "sort",
    ] {
        assert!(ops.contains(op), "no case for {op}");
        assert!(
            cases.iter().any(|c| c.op == op && (c.query == "idx < i - 100" || c.query == "qty > 100")),
            "no case of {op} over no rows"
        );
    }
    // Each reduction's header is the input columns the function takes, in order.
    for case in
        cases.iter().filter(|c| !matches!(c.op.as_str(), "sort" | "describe" | "value_counts" | "unique"))
    {
        let got = case.frame().expect("builds").columns();
        assert_eq!(got, case.expected().columns, "case {}", case.name);
    }
}

fn frame(columns: Vec<(&str, std::sync::Arc<dyn Array>)>) -> DataFrame {
    let batch = RecordBatch::try_from_iter(columns).unwrap();
    rusk::from_batches(batch.schema(), vec![batch.slice(0, 2), batch.slice(2, batch.num_rows() - 2)]).unwrap()
}

fn small() -> DataFrame {
    frame(vec![
        ("a", std::sync::Arc::new(Int64Array::from(vec![Some(1), None, Some(3), Some(3)]))),
        ("s", std::sync::Arc::new(StringArray::from(vec![Some("x"), Some("y"), None, Some("x")]))),
        ("f", std::sync::Arc::new(Float64Array::from(vec![Some(1.0), Some(f64::NAN), Some(-2.0), None]))),
    ])
}

#[test]
fn bad_arguments_fail_when_the_frame_is_built() {
    let df = small();
    for q in [-0.1, 1.5, f64::NAN] {
        match df.quantile(q) {
            Err(Error::InvalidArgument(m)) => assert!(m.contains("[0, 1]"), "{m}"),
            other => panic!("quantile({q}): {other:?}"),
        }
    }
    assert!(matches!(df.value_counts(["nope"]), Err(Error::ColumnNotFound { name, .. }) if name == "nope"));
    assert!(matches!(df.unique("nope"), Err(Error::ColumnNotFound { name, .. }) if name == "nope"));
    match df.select(["s"]).unwrap().describe() {
        Err(Error::InvalidArgument(m)) => {
            assert!(m.contains("no integer or float column") && m.contains('s'))
        }
        other => panic!("describe of strings: {other:?}"),
    }
    let statistic = df.rename([("a", "statistic")]).unwrap();
    assert!(matches!(statistic.describe(), Err(Error::InvalidArgument(m)) if m.contains("statistic")));
    let counted = df.rename([("a", "count")]).unwrap();
    assert!(matches!(counted.value_counts(["count"]), Err(Error::InvalidArgument(m)) if m.contains("count")));
}

/// rusk's aggregates rank NaN above every number (pandas' Arrow-backed
/// floats skip it for min/max/median): the documented difference, pinned.
#[test]
fn nan_is_a_value_for_the_reductions() {
    let df = small();
    let value = |r: DataFrame, column: &str| -> Option<f64> {
        let r = r.compute().unwrap();
        let a = r.batches()[0].column_by_name(column).unwrap().clone();
        let a = rusk::arrow::compute::cast(&a, &rusk::arrow::datatypes::DataType::Float64).unwrap();
        let a = a.as_primitive::<Float64Type>();
        a.is_valid(0).then(|| a.value(0))
    };
    assert!(value(df.sum().unwrap(), "f").unwrap().is_nan());
    assert!(value(df.max().unwrap(), "f").unwrap().is_nan());
    assert_eq!(value(df.min().unwrap(), "f"), Some(-2.0));
    assert_eq!(value(df.count().unwrap(), "f"), Some(3.0));
    assert_eq!(value(df.nunique().unwrap(), "f"), Some(3.0));
    // Strings are left out of numeric reductions, kept by min and count.
    assert_eq!(df.mean().unwrap().columns(), ["a", "f"]);
    assert_eq!(df.min().unwrap().columns(), ["a", "s", "f"]);
}

#[test]
fn reductions_are_aggregates_and_describe_reshapes_one_row() {
    let df = rusk::read_csv(common::fixture("fixtures/sales")).unwrap();
    let s = stages(&df.sum().unwrap());
    assert!(s[0].0.starts_with("scan") && s[0].0.ends_with("partial_agg") && s[0].1 == 3, "{s:?}");
    assert_eq!(s.last().unwrap().1, 1, "{s:?}");

    let d = df.describe().unwrap();
    let plan = d.explain().unwrap();
    assert!(plan.contains("MapPartitions: describe\n  Aggregate: keys=[]"), "{plan}");
    // Only the numeric columns are read.
    assert!(plan.contains("columns=[order_id, qty, price] 3/7"), "{plan}");
    let s = stages(&d);
    assert!(s[0].0.ends_with("partial_agg") && s[0].1 == 3, "{s:?}");
    assert!(s.last().unwrap().0.ends_with("map_partitions") && s.last().unwrap().1 == 1, "{s:?}");

    let v = df.value_counts(["region"]).unwrap();
    let plan = v.explain().unwrap();
    assert!(plan.contains("Sort: by=[count], ascending=False\n  Aggregate: keys=[region]"), "{plan}");
    assert!(plan.contains("sort=False"), "{plan}");
}

#[test]
fn describe_has_the_statistic_column_and_float_columns() {
    let d = small().describe().unwrap().compute().unwrap();
    assert_eq!(d.columns(), ["statistic", "a", "f"]);
    let b = &d.batches()[0];
    let names: Vec<&str> = b.column(0).as_string::<i32>().iter().map(|s| s.unwrap()).collect();
    assert_eq!(names, ["count", "mean", "std", "min", "25%", "50%", "75%", "max"]);
    assert!(b.schema().fields()[1..]
        .iter()
        .all(|f| *f.data_type() == rusk::arrow::datatypes::DataType::Float64));
}

/// A reduction whose every partition is pruned by statistics still gives
/// its one row (sum 0, count 0), as over an empty frame: the lowering then
/// merges the partial state of an empty batch, which holds the one group.
#[test]
fn a_reduction_over_pruned_partitions_has_one_row() {
    let df =
        rusk::read_parquet(common::fixture("fixtures/sales_parquet")).unwrap().query("order_id < 0").unwrap();
    let sum = df.sum().unwrap().compute().unwrap();
    assert_eq!(sum.batches().iter().map(RecordBatch::num_rows).sum::<usize>(), 1);
    let counts = df.value_counts(["region"]).unwrap().compute().unwrap();
    assert_eq!(counts.batches().iter().map(RecordBatch::num_rows).sum::<usize>(), 0);
}

/// Many distinct values, and a configuration that shuffles any groupby of
/// more than 10 groups: `unique` and `value_counts` still give the global
/// first-appearance order (they keep one output partition).
#[test]
fn first_appearance_order_survives_a_shuffling_configuration() {
    let values: Vec<i64> = (0..500).map(|i| (i * 7919 % 211) as i64).collect();
    let mut first_seen: Vec<i64> = Vec::new();
    for v in &values {
        if !first_seen.contains(v) {
            first_seen.push(*v);
        }
    }
    let batch =
        RecordBatch::try_from_iter([("k", std::sync::Arc::new(Int64Array::from(values)) as _)]).unwrap();
    let parts: Vec<RecordBatch> = (0..5).map(|p| batch.slice(p * 100, 100)).collect();
    let df = rusk::from_batches(batch.schema(), parts).unwrap();
    let config = Config { split_out_groups: 10, ..Config::default() }.with_threads(4);
    let unique = df.unique("k").unwrap().compute_with(&config).unwrap();
    let got: Vec<i64> = table_of(&unique).rows.iter().map(|r| r[0].parse().unwrap()).collect();
    assert_eq!(got, first_seen);
    // Every count is 2 or 3: ties everywhere, in first-appearance order.
    let counts = table_of(&df.value_counts(["k"]).unwrap().compute_with(&config).unwrap());
    let threes: Vec<i64> =
        counts.rows.iter().filter(|r| r[1] == "3").map(|r| r[0].parse().unwrap()).collect();
    let want: Vec<i64> = first_seen
        .iter()
        .copied()
        .filter(|v| (0..500).filter(|i| i * 7919 % 211 == *v).count() == 3)
        .collect();
    assert_eq!(threes, want);
}
