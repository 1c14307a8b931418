//! `merge` against pandas, and its invariance.
//!
//! - Every case of `fixtures/expected/join/cases.tsv` (written by
//!   `fixtures/join_generate.py`: inner, left, right, outer, semi, anti and
//!   cross joins; int, float, string and two-column keys; duplicated and
//!   null keys; a header-only side; suffixes; the indicator) gives pandas'
//!   rows, as a multiset (a join's row order depends on its strategy), with
//!   null keys never matching. It is run with the defaults; with each side
//!   in 1, 2, 3, 7 or 16 partitions (same and lopsided counts), under a forced
//!   broadcast and a forced shuffle (default, 1 and 4 output partitions),
//!   with 1 and 4 threads. One test runs them all and reports every failure.
//! - Broadcast and shuffle give the same rows, case by case.
//! - The manifest covers every `how`, both key forms, suffixes, the
//!   indicator, empty sides and empty results.

use crate::common;
use crate::join_common;

use std::collections::BTreeSet;

use join_common::{
    compare_unordered, merge_cases, pair_partitionings, sorted, MergeCase, Strategy, SHOWN_PER_CASE,
};
use rusk::{Config, DataFrame, JoinType};

use common::{compare, table_of};

/// The manifest has 45 cases today; fewer than this means it was truncated.
const MIN_CASES: usize = 40;

/// The result of one way of running `case`, compared with pandas' as a multiset.
fn check(case: &MergeCase, how: &str, run: impl FnOnce() -> rusk::Result<DataFrame>) -> Result<(), String> {
    let df = run().map_err(|e| format!("case {} [{how}]: error: {e}", case.name))?;
    compare_unordered(&format!("{} [{how}]", case.name), &case.expected(), &table_of(&df))
}

/// `case` with each side in `(l, r)` partitions, under `strategy`, run with `config`.
fn run_variant(
    case: &MergeCase,
    (l, r): (usize, usize),
    strategy: Strategy,
    config: &Config,
) -> rusk::Result<DataFrame> {
    let left = case.left_frame()?.repartition(l)?;
    let right = case.right_frame()?.repartition(r)?;
    case.merge(&left, &right, strategy)?.compute_with(config)
}

/// Every way `case` is run, each compared with pandas; the failures.
fn run_case(case: &MergeCase) -> Vec<String> {
    let mut failures = Vec::new();
    let mut record = |r: Result<(), String>| {
        if let Err(e) = r {
            failures.push(e);
        }
    };
    record(check(case, "default", || {
        case.merge(&case.left_frame()?, &case.right_frame()?, Strategy::Auto)?.compute()
    }));
    for (how, pair, config) in pair_partitionings() {
        for strategy in case.strategies() {
            record(check(case, &format!("{how} {strategy}"), || run_variant(case, pair, strategy, &config)));
        }
    }
    failures
}

#[test]
fn every_case_matches_pandas() {
    let cases = merge_cases();
    assert!(
        cases.len() >= MIN_CASES,
        "only {} cases in join/cases.tsv, expected at least {MIN_CASES}",
        cases.len()
    );
    let names: BTreeSet<&str> = cases.iter().map(|c| c.name.as_str()).collect();
    assert_eq!(names.len(), cases.len(), "case names must be unique");

    let mut report = Vec::new();
    let (mut failed_cases, mut failures) = (0, 0);
    for case in &cases {
        let f = run_case(case);
        if f.is_empty() {
            continue;
        }
        failed_cases += 1;
        failures += f.len();
        report.extend(f.iter().take(SHOWN_PER_CASE).cloned());
        if f.len() > SHOWN_PER_CASE {
            report.push(format!("case {}: ... {} failing variants in all", case.name, f.len()));
        }
    }
    assert!(
        report.is_empty(),
        "{failures} failure(s) in {failed_cases} of {} cases:\n{}",
        cases.len(),
        report.join("\n")
    );
}

/// A broadcast and a shuffle of the same inputs give the same rows (checked
/// against each other, so a disagreement shows even where pandas' file
/// would be wrong too).
#[test]
fn broadcast_and_shuffle_agree() {
    let mut report = Vec::new();
    for case in merge_cases().iter().filter(|c| c.how != JoinType::Cross) {
        let run = |strategy| {
            run_variant(case, (3, 2), strategy, &Config::default().with_threads(4))
                .map(|df| sorted(&table_of(&df)))
                .map_err(|e| format!("case {} [{strategy}]: error: {e}", case.name))
        };
        let result = (|| {
            let broadcast = run(Strategy::Broadcast)?;
            for strategy in [Strategy::Shuffle(None), Strategy::Shuffle(Some(4))] {
                compare(&format!("{} [broadcast vs {strategy}]", case.name), &broadcast, &run(strategy)?)?;
            }
            Ok::<(), String>(())
        })();
        if let Err(e) = result {
            report.push(e);
        }
    }
    assert!(report.is_empty(), "{}", report.join("\n"));
}

/// The manifest covers what it claims.
#[test]
fn the_cases_cover_every_how_and_option() {
    let cases = merge_cases();
    for how in [
        JoinType::Inner,
        JoinType::Left,
        JoinType::Right,
        JoinType::Outer,
        JoinType::Semi,
        JoinType::Anti,
        JoinType::Cross,
    ] {
        assert!(cases.iter().any(|c| c.how == how), "no {how} case");
    }
    assert!(cases.iter().any(|c| c.on.len() >= 2), "no two-column key");
    assert!(
        cases.iter().any(|c| !c.left_on.is_empty() && c.left_on != c.right_on),
        "no left_on/right_on case"
    );
    assert!(cases.iter().any(|c| c.suffixes.is_some()), "no suffixes");
    assert!(cases.iter().any(|c| c.indicator), "no indicator");
    assert!(
        cases.iter().any(|c| c.left.ends_with("_empty")) && cases.iter().any(|c| c.right.ends_with("_empty"))
    );
    assert!(cases.iter().any(|c| c.expected().rows.is_empty()), "no empty result");
    for case in &cases {
        let expected = case.expected();
        if case.indicator {
            assert_eq!(expected.columns.last().map(String::as_str), Some("_merge"), "case {}", case.name);
        }
    }
}

/// Column `i` of a computed frame of int64 columns, all partitions in order.
fn ints(df: &rusk::DataFrame, i: usize) -> Vec<i64> {
    use rusk::arrow::array::AsArray;
    df.batches()
        .iter()
        .flat_map(|b| b.column(i).as_primitive::<rusk::arrow::datatypes::Int64Type>().values().to_vec())
        .collect()
}

/// Names rusk makes up never replace a user column (issue 10, part F): a
/// column named like merge's hidden cast keys, like a groupby's hidden
/// aggregates, or like dedup's row ids survives, with its values.
#[test]
fn user_columns_named_like_hidden_ones_survive() {
    use rusk::arrow::array::{Float64Array, Int64Array};
    use rusk::arrow::datatypes::{DataType, Field, Schema};
    use rusk::arrow::record_batch::RecordBatch;
    use std::sync::Arc;

    let frame = |fields: Vec<(&str, DataType)>, columns: Vec<rusk::arrow::array::ArrayRef>, parts: usize| {
        let schema = Arc::new(Schema::new(
            fields.into_iter().map(|(n, t)| Field::new(n, t, true)).collect::<Vec<_>>(),
        ));
        let batch = RecordBatch::try_new(Arc::clone(&schema), columns).expect("batch");
        let n = batch.num_rows();
        let batches =
            (0..parts).map(|p| batch.slice(p * n / parts, (p + 1) * n / parts - p * n / parts)).collect();
        rusk::from_batches(schema, batches).expect("frame")
    };
    // An int key and a float key of different names join through a hidden
    // cast key; the left has a column of that very name.
    let left = frame(
        vec![("a", DataType::Int64), ("__rusk_key_0", DataType::Int64)],
        vec![Arc::new(Int64Array::from(vec![1, 2, 3])), Arc::new(Int64Array::from(vec![10, 20, 30]))],
        2,
    );
    let right =
        frame(vec![("b", DataType::Float64)], vec![Arc::new(Float64Array::from(vec![2.0, 3.0, 4.0]))], 1);
    let joined = left.merge(&right, rusk::MergeOptions::left_right_on(["a"], ["b"])).expect("merge");
    assert_eq!(joined.columns(), ["a", "__rusk_key_0", "b"]);
    let out = joined.sort_values(&["a"], &[true]).expect("sort").compute().expect("run");
    assert_eq!(ints(&out, 1), [20, 30]);

    // A groupby output named like the hidden parts of an expression over aggregates.
    let df = frame(
        vec![("k", DataType::Int64), ("v", DataType::Int64)],
        vec![Arc::new(Int64Array::from(vec![1, 1, 2])), Arc::new(Int64Array::from(vec![5, 7, 9]))],
        2,
    );
    let out = df
        .groupby(["k"])
        .expect("groupby")
        .agg([("r", rusk::col("v").max() - rusk::col("v").min()), ("__r_0", rusk::col("v").sum())])
        .expect("agg")
        .compute()
        .expect("run");
    assert_eq!(out.columns(), ["k", "r", "__r_0"]);
    assert_eq!((ints(&out, 1), ints(&out, 2)), (vec![2, 0], vec![12, 9]));

    // Dedup on a key named like its row ids.
    let df = frame(
        vec![("__rusk_row_id", DataType::Int64), ("v", DataType::Int64)],
        vec![Arc::new(Int64Array::from(vec![7, 7, 8, 7])), Arc::new(Int64Array::from(vec![1, 2, 3, 4]))],
        3,
    );
    let out = df
        .drop_duplicates(Some(&["__rusk_row_id"]), rusk::Keep::First)
        .expect("dedup")
        .compute()
        .expect("run");
    assert_eq!(out.columns(), ["__rusk_row_id", "v"]);
    assert_eq!(ints(&out, 1), [1, 3]);
}
