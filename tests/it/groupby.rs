//! Groupby and whole-frame reductions against pandas, and their invariance.
//!
//! - Every case of `fixtures/expected/groupby/cases.tsv` (read → query →
//!   `groupby(keys, sort, dropna)` → `agg`, or `df.agg` without keys) gives
//!   pandas' rows in pandas' order (sorted keys with nulls last, or, with
//!   `sort=False`, the order groups first appear), however it is run: the
//!   default settings; `repartition(n)` for n in 1, 2, 3, 7, 16, each with
//!   `split_every` 2, 3 and 8 and 1 and 4 threads; CSV cut into ~1 KB
//!   partitions. One test runs them all and reports every failure at once.
//! - A property test: random int/float/string columns with nulls, in random
//!   partitions (empty and one-row ones too), grouped by random keys, equal a
//!   naive reference computed here with `BTreeMap`s.
//! - The graph: the partial aggregate is fused into the input tasks, and the
//!   merge tree has ⌈log_split_every(partitions)⌉ levels.

use crate::common;

use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;

use common::{
    compare, group_cases, partitionings, partitionings_no_tree, property_runs, stages, table_of, GroupCase,
};
use proptest::prelude::*;
use proptest::test_runner::{Config as ProptestConfig, RngSeed};
use rusk::arrow::array::{Array, ArrayRef, AsArray, Float64Array, Int64Array, RecordBatch, StringArray};
use rusk::arrow::datatypes::{DataType, Field, Float64Type, Int64Type, Schema, SchemaRef};
use rusk::{col, AggregateFunction, Config, DataFrame, Expr};

/// The manifest has 33 cases today; fewer than this means it was truncated.
const MIN_CASES: usize = 25;

/// Result partition counts each case is also run under (a shuffle of the
/// partial states: by key range when sorted, by key hash otherwise).
const SPLIT_OUT: [usize; 3] = [2, 3, 5];

/// A CSV blocksize that cuts every fixture file into several partitions.
const BLOCKSIZE: u64 = 1000;

/// At most this many failures are shown per case (a missing kernel fails
/// every variant the same way).
const SHOWN_PER_CASE: usize = 3;

// ---- the pandas cases -------------------------------------------------------

/// The result of one way of running `case`, compared with pandas'.
fn check(case: &GroupCase, how: &str, run: impl FnOnce() -> rusk::Result<DataFrame>) -> Result<(), String> {
    let df = run().map_err(|e| format!("case {} [{how}]: error: {e}", case.name))?;
    compare(&format!("{} [{how}]", case.name), &case.expected(), &table_of(&df))
}

/// As [`check`], ignoring the order of groups when the case is unsorted: a
/// hash shuffle keeps first-seen order only within each output partition.
fn check_shuffled(
    case: &GroupCase,
    how: &str,
    run: impl FnOnce() -> rusk::Result<DataFrame>,
) -> Result<(), String> {
    let df = run().map_err(|e| format!("case {} [{how}]: error: {e}", case.name))?;
    let (mut expected, mut got) = (case.expected(), table_of(&df));
    if !case.sort {
        let k = case.keys.len();
        expected.rows.sort_by(|a, b| a[..k].cmp(&b[..k]));
        got.rows.sort_by(|a, b| a[..k].cmp(&b[..k]));
    }
    compare(&format!("{} [{how}]", case.name), &expected, &got)
}

/// Every way `case` is run, each compared with pandas; the failures.
fn run_case(case: &GroupCase) -> Vec<String> {
    let mut failures = Vec::new();
    let mut record = |r: Result<(), String>| {
        if let Err(e) = r {
            failures.push(e);
        }
    };
    record(check(case, "compute", || case.frame()?.compute()));
    for (how, n, config) in partitionings() {
        record(check(case, &how, || {
            case.aggregate(&case.input()?.repartition(n)?, None)?.compute_with(&config)
        }));
    }
    // The groupby's own split_every, which wins over the run's.
    record(check(case, "groupby split_every=2", || {
        case.aggregate(&case.input()?.repartition(7)?, Some(2))?.compute_with(&Config::default())
    }));
    // Partials shuffled into split_out buckets, each merged in one step.
    for (how, n, config) in partitionings_no_tree() {
        for split_out in SPLIT_OUT {
            record(check_shuffled(case, &format!("{how} split_out={split_out}"), || {
                let df = case.input()?.repartition(n)?;
                case.aggregate_split(&df, None, Some(split_out))?.compute_with(&config)
            }));
        }
    }
    if case.format == common::Format::Csv {
        record(check(case, "blocksize=1000", || {
            case.aggregate(&case.input_with_blocksize(BLOCKSIZE)?, None)?.compute()
        }));
    }
    failures
}

#[test]
fn every_case_matches_pandas() {
    let cases = group_cases();
    assert!(
        cases.len() >= MIN_CASES,
        "only {} cases in groupby/cases.tsv, expected at least {MIN_CASES}",
        cases.len()
    );
    let names: BTreeSet<&str> = cases.iter().map(|c| c.name.as_str()).collect();
    assert_eq!(names.len(), cases.len(), "case names must be unique");

    let mut report = Vec::new();
    let mut failed_cases = 0;
    let mut failures = 0;
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

/// The manifest covers what it claims: every function, keys of each kind,
/// both `sort` and `dropna` values, whole-frame reductions.
#[test]
fn the_cases_cover_every_function_and_option() {
    let cases = group_cases();
    let funcs: BTreeSet<String> = cases
        .iter()
        .flat_map(|c| c.aggs.iter())
        .map(|a| {
            a.split(':').nth(1).expect("column:function").split('=').next().expect("function").to_string()
        })
        .collect();
    for f in [
        "sum", "mean", "count", "size", "min", "max", "var", "std", "first", "last", "nunique", "median",
        "quantile", "prod", "any", "all",
    ] {
        assert!(funcs.contains(f), "no case aggregates with {f}");
    }
    assert!(cases.iter().any(|c| !c.sort) && cases.iter().any(|c| !c.dropna));
    assert!(cases.iter().any(|c| c.keys.is_empty()) && cases.iter().any(|c| c.keys.len() >= 2));
    for key in ["region", "qty", "returned", "year"] {
        assert!(cases.iter().any(|c| c.keys.iter().any(|k| k == key)), "no case groups by {key}");
    }
    // Each expectation's header is the keys, then the aggregations' names.
    for case in &cases {
        let mut want = case.keys.clone();
        want.extend(case.parsed_aggs().expect("the specs parse").into_iter().map(|(n, _)| n));
        assert_eq!(case.expected().columns, want, "case {}", case.name);
    }
}

// ---- the graph --------------------------------------------------------------

fn sales() -> rusk::Result<DataFrame> {
    rusk::read_csv(common::fixture("fixtures/sales"))
}

fn grouped(df: &DataFrame, split_every: usize) -> DataFrame {
    df.groupby(["region"])
        .expect("groupby")
        .split_every(split_every)
        .agg([("qty_sum", col("qty").sum())])
        .expect("agg")
}

/// The merge stages' task counts of `stages`.
fn merge_levels(stages: &[(String, usize)]) -> Vec<usize> {
    stages.iter().filter(|(name, _)| name.contains("merge")).map(|(_, n)| *n).collect()
}

#[test]
fn the_partial_aggregate_fuses_into_the_scan() {
    let df = sales().expect("read");
    let s = stages(&grouped(&df, 8));
    assert_eq!(s.len(), 2, "{s:?}");
    assert!(s[0].0.starts_with("scan") && s[0].0.ends_with("+partial_agg"), "{s:?}");
    assert_eq!(s[0].1, 3, "one fused task a file: {s:?}");
    assert!(s[1].0.contains("merge") && s[1].0.contains("finish"), "{s:?}");
    assert_eq!(s[1].1, 1, "{s:?}");

    // A whole-frame reduction is lowered the same way.
    let s = stages(
        &df.agg([("n", Expr::Aggregate { func: AggregateFunction::Size, args: vec![] })]).expect("agg"),
    );
    assert_eq!(s.iter().map(|(_, n)| *n).collect::<Vec<_>>(), [3, 1], "{s:?}");
}

#[test]
fn the_merge_tree_has_one_level_per_fan_in() {
    let df = sales().expect("read");
    // 20 → 5 → 2 → 1 with split_every 4: three merge levels.
    let s = stages(&grouped(&df.repartition(20).expect("repartition"), 4));
    let partial: Vec<&(String, usize)> =
        s.iter().filter(|(name, _)| name.ends_with("+partial_agg")).collect();
    assert_eq!(partial.len(), 1, "{s:?}");
    assert_eq!(partial[0].1, 20, "{s:?}");
    assert_eq!(merge_levels(&s), [5, 2, 1], "{s:?}");
    assert!(s.last().expect("stages").0.contains("finish"), "{s:?}");

    for (n, split_every, levels) in [
        (3, 8, vec![1]),
        (3, 2, vec![2, 1]),
        (16, 2, vec![8, 4, 2, 1]),
        (20, 8, vec![3, 1]),
        (7, 3, vec![3, 1]),
        (1, 2, vec![1]),
    ] {
        let s = stages(&grouped(&df.repartition(n).expect("repartition"), split_every));
        assert_eq!(merge_levels(&s), levels, "repartition({n}) split_every={split_every}: {s:?}");
    }
}

// ---- the property -----------------------------------------------------------

/// One value, as the reference sees it.
#[derive(Debug, Clone, PartialEq, PartialOrd)]
enum V {
    Null,
    Int(i64),
    Float(f64),
    Str(String),
}

/// A group key part: totally ordered, nulls last (pandas' `sort=True`).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
enum K {
    Int(i64),
    Str(String),
    Null,
}

/// A random row: key columns `ki` (int) and `ks` (string), value columns
/// `vi` (int), `vf` (float), `vs` (string); any of them may be null.
#[derive(Debug, Clone)]
struct Row {
    ki: Option<i64>,
    ks: Option<String>,
    vi: Option<i64>,
    vf: Option<f64>,
    vs: Option<String>,
}

fn schema() -> SchemaRef {
    Arc::new(Schema::new(vec![
        Field::new("ki", DataType::Int64, true),
        Field::new("ks", DataType::Utf8, true),
        Field::new("vi", DataType::Int64, true),
        Field::new("vf", DataType::Float64, true),
        Field::new("vs", DataType::Utf8, true),
    ]))
}

fn batch(rows: &[Row]) -> RecordBatch {
    let columns: Vec<ArrayRef> = vec![
        Arc::new(rows.iter().map(|r| r.ki).collect::<Int64Array>()),
        Arc::new(rows.iter().map(|r| r.ks.clone()).collect::<StringArray>()),
        Arc::new(rows.iter().map(|r| r.vi).collect::<Int64Array>()),
        Arc::new(rows.iter().map(|r| r.vf).collect::<Float64Array>()),
        Arc::new(rows.iter().map(|r| r.vs.clone()).collect::<StringArray>()),
    ];
    RecordBatch::try_new(schema(), columns).expect("a valid batch")
}

/// The aggregations checked, `(output name, function, column)`; `size` has none.
const AGGS: [(&str, AggregateFunction, &str); 18] = [
    ("n", AggregateFunction::Size, ""),
    ("vi_sum", AggregateFunction::Sum, "vi"),
    ("vf_sum", AggregateFunction::Sum, "vf"),
    ("vi_count", AggregateFunction::Count, "vi"),
    ("vs_count", AggregateFunction::Count, "vs"),
    ("vi_mean", AggregateFunction::Mean, "vi"),
    ("vf_mean", AggregateFunction::Mean, "vf"),
    ("vi_min", AggregateFunction::Min, "vi"),
    ("vf_max", AggregateFunction::Max, "vf"),
    ("vs_min", AggregateFunction::Min, "vs"),
    ("vs_max", AggregateFunction::Max, "vs"),
    ("vi_first", AggregateFunction::First, "vi"),
    ("vf_last", AggregateFunction::Last, "vf"),
    ("vs_first", AggregateFunction::First, "vs"),
    ("vs_last", AggregateFunction::Last, "vs"),
    ("vi_nunique", AggregateFunction::Nunique, "vi"),
    ("vf_nunique", AggregateFunction::Nunique, "vf"),
    ("vs_nunique", AggregateFunction::Nunique, "vs"),
];

fn agg_exprs() -> Vec<(String, Expr)> {
    AGGS.iter()
        .map(|(name, func, column)| {
            let args = if column.is_empty() { vec![] } else { vec![col(*column)] };
            (name.to_string(), Expr::Aggregate { func: *func, args })
        })
        .collect()
}

fn value(row: &Row, column: &str) -> V {
    match column {
        "vi" => row.vi.map_or(V::Null, V::Int),
        "vf" => row.vf.map_or(V::Null, V::Float),
        "vs" => row.vs.clone().map_or(V::Null, V::Str),
        other => panic!("no value column {other}"),
    }
}

fn key(row: &Row, keys: &[&str]) -> Vec<K> {
    keys.iter()
        .map(|k| match *k {
            "ki" => row.ki.map_or(K::Null, K::Int),
            "ks" => row.ks.clone().map_or(K::Null, K::Str),
            other => panic!("no key column {other}"),
        })
        .collect()
}

/// One aggregate over a group's values (nulls included), with pandas'
/// semantics: nulls skipped, a sum of nothing 0, a mean/min/first of
/// nothing null, nunique counting distinct non-null values (0.0 == -0.0).
fn reference_agg(func: AggregateFunction, column: &str, values: &[V], rows: usize) -> V {
    let present: Vec<&V> = values.iter().filter(|v| **v != V::Null).collect();
    let floats = || {
        present.iter().map(|v| match v {
            V::Int(x) => *x as f64,
            V::Float(x) => *x,
            other => panic!("not a number: {other:?}"),
        })
    };
    use AggregateFunction as F;
    match func {
        F::Size => V::Int(rows as i64),
        F::Count => V::Int(present.len() as i64),
        F::Sum if column == "vi" => {
            V::Int(present.iter().map(|v| if let V::Int(x) = v { *x } else { 0 }).sum())
        }
        F::Sum => V::Float(floats().sum()),
        F::Mean if present.is_empty() => V::Null,
        F::Mean => V::Float(floats().sum::<f64>() / present.len() as f64),
        F::Min => {
            present.iter().copied().cloned().reduce(|a, b| if b < a { b } else { a }).unwrap_or(V::Null)
        }
        F::Max => {
            present.iter().copied().cloned().reduce(|a, b| if b > a { b } else { a }).unwrap_or(V::Null)
        }
        F::First => present.first().map_or(V::Null, |v| (*v).clone()),
        F::Last => present.last().map_or(V::Null, |v| (*v).clone()),
        F::Nunique => {
            let distinct: BTreeSet<String> = present
                .iter()
                .map(|v| match v {
                    // -0.0 == 0.0, as pandas hashes them.
                    V::Float(x) if *x == 0.0 => "f0".to_string(),
                    other => format!("{other:?}"),
                })
                .collect();
            V::Int(distinct.len() as i64)
        }
        other => panic!("the reference has no {other:?}"),
    }
}

/// A group of the reference: the index of its first row, and all its rows.
type Group = (usize, Vec<usize>);

/// The naive groupby: keys then aggregates, one row a group, in pandas' order.
fn reference(rows: &[Row], keys: &[&str], sort: bool, dropna: bool) -> Vec<Vec<V>> {
    // Group key → (its first row, its rows).
    let mut groups: BTreeMap<Vec<K>, Group> = BTreeMap::new();
    for (i, row) in rows.iter().enumerate() {
        let k = key(row, keys);
        if dropna && k.contains(&K::Null) {
            continue;
        }
        groups.entry(k).or_insert((i, Vec::new())).1.push(i);
    }
    if keys.is_empty() && groups.is_empty() {
        groups.insert(vec![], (0, vec![])); // a reduction of nothing still gives a row
    }
    let mut ordered: Vec<(Vec<K>, Group)> = groups.into_iter().collect();
    if !sort {
        ordered.sort_by_key(|(_, (first, _))| *first);
    }
    ordered
        .into_iter()
        .map(|(k, (_, members))| {
            let mut out: Vec<V> = k
                .into_iter()
                .map(|p| match p {
                    K::Int(x) => V::Int(x),
                    K::Str(s) => V::Str(s),
                    K::Null => V::Null,
                })
                .collect();
            for (_, func, column) in AGGS {
                let values: Vec<V> = if column.is_empty() {
                    vec![]
                } else {
                    members.iter().map(|&i| value(&rows[i], column)).collect()
                };
                out.push(reference_agg(func, column, &values, members.len()));
            }
            out
        })
        .collect()
}

fn cell(a: &dyn Array, i: usize) -> V {
    if a.is_null(i) {
        return V::Null;
    }
    match a.data_type() {
        DataType::Int64 => V::Int(a.as_primitive::<Int64Type>().value(i)),
        DataType::Float64 => V::Float(a.as_primitive::<Float64Type>().value(i)),
        DataType::Utf8 => V::Str(a.as_string::<i32>().value(i).to_string()),
        DataType::LargeUtf8 => V::Str(a.as_string::<i64>().value(i).to_string()),
        DataType::Utf8View => V::Str(a.as_string_view().value(i).to_string()),
        other => panic!("unexpected result type {other}"),
    }
}

fn same(a: &V, b: &V) -> bool {
    match (a, b) {
        // Sums and means may add in another order.
        (V::Float(x), V::Float(y)) => x == y || (x - y).abs() <= 1e-9 * x.abs().max(y.abs()).max(1.0),
        _ => a == b,
    }
}

/// A computed result against the reference; `Err` says where they differ.
fn check_rows(got: &DataFrame, want: &[Vec<V>], how: &str) -> Result<(), TestCaseError> {
    check_values(&rows_of(got), &got.columns(), want, how)
}

/// The cells of a computed frame, row by row.
fn rows_of(got: &DataFrame) -> Vec<Vec<V>> {
    let mut rows = Vec::new();
    for batch in got.batches() {
        for r in 0..batch.num_rows() {
            rows.push(batch.columns().iter().map(|a| cell(a.as_ref(), r)).collect::<Vec<V>>());
        }
    }
    rows
}

/// Rows against the reference's; `Err` says where they differ.
fn check_values(
    rows: &[Vec<V>],
    columns: &[String],
    want: &[Vec<V>],
    how: &str,
) -> Result<(), TestCaseError> {
    if rows.len() != want.len() {
        return Err(TestCaseError::fail(format!(
            "{how}: {} groups, expected {}\n got: {rows:?}\nwant: {want:?}",
            rows.len(),
            want.len()
        )));
    }
    for (r, (g, w)) in rows.iter().zip(want).enumerate() {
        for (c, (gv, wv)) in g.iter().zip(w).enumerate() {
            if !same(gv, wv) {
                return Err(TestCaseError::fail(format!(
                    "{how}: row {r}, column {}: got {gv:?}, expected {wv:?}\n got row: {g:?}\nwant row: {w:?}",
                    columns.get(c).map_or("?", String::as_str)
                )));
            }
        }
    }
    Ok(())
}

fn row() -> impl Strategy<Value = Row> {
    (
        prop::option::weighted(0.8, -2i64..=2),
        prop::option::weighted(0.8, prop::sample::select(vec!["", "a", "B", "b", "é"])),
        prop::option::weighted(0.75, -5i64..=5),
        // Quarters (exact), 0.1 (inexact) and -0.0 (equal to 0.0).
        prop::option::weighted(
            0.75,
            prop_oneof![(-8i32..=8).prop_map(|q| f64::from(q) / 4.0), Just(0.1), Just(-0.0)],
        ),
        prop::option::weighted(0.75, prop::sample::select(vec!["x", "y", "Z", "xy", ""])),
    )
        .prop_map(|(ki, ks, vi, vf, vs)| Row {
            ki,
            ks: ks.map(String::from),
            vi,
            vf,
            vs: vs.map(String::from),
        })
}

/// Partitions of 0, 1 or a few rows; at least one partition.
fn parts() -> impl Strategy<Value = Vec<Vec<Row>>> {
    let part = prop_oneof![1 => Just(0usize..1), 1 => Just(1usize..2), 3 => Just(2usize..12)]
        .prop_flat_map(|n| prop::collection::vec(row(), n));
    prop::collection::vec(part, 1..7)
}

fn key_choice() -> impl Strategy<Value = Vec<&'static str>> {
    prop::sample::select(vec![vec![], vec!["ki"], vec!["ks"], vec!["ki", "ks"], vec!["ks", "ki"]])
}

fn build(df: &DataFrame, keys: &[&str], sort: bool, dropna: bool) -> rusk::Result<DataFrame> {
    // No keys: a groupby by nothing, as `df.agg`.
    df.groupby(keys.iter().copied())?.sort(sort).dropna(dropna).agg(agg_exprs())
}

proptest! {
    #![proptest_config(ProptestConfig {
        cases: 64,
        rng_seed: RngSeed::Fixed(0x0067_726f_7570_6279),
        failure_persistence: None,
        ..ProptestConfig::default()
    })]

    #[test]
    fn groupby_equals_a_naive_reference(
        parts in parts(),
        keys in key_choice(),
        sort in any::<bool>(),
        dropna in any::<bool>(),
    ) {
        let rows: Vec<Row> = parts.concat();
        let want = reference(&rows, &keys, sort, dropna);
        let fail = |how: &str, e: rusk::Error| TestCaseError::fail(format!("{how}: {e}"));
        let df = rusk::from_batches(schema(), parts.iter().map(|p| batch(p)).collect())
            .map_err(|e| fail("from_batches", e))?;
        if keys.is_empty() {
            let got = df.agg(agg_exprs()).and_then(|d| d.compute()).map_err(|e| fail("df.agg", e))?;
            check_rows(&got, &want, "df.agg")?;
        }
        for (how, n, config) in property_runs(parts.len()) {
            let got = n.map_or(Ok(df.clone()), |n| df.repartition(n))
                .and_then(|d| build(&d, &keys, sort, dropna))
                .and_then(|d| d.compute_with(&config))
                .map_err(|e| fail(&how, e))?;
            check_rows(&got, &want, &how)?;
        }
        if !keys.is_empty() {
            for split_out in [2, 5] {
                let how = format!("{} partitions, split_out={split_out}", parts.len());
                let got = df.groupby(keys.iter().copied())
                    .map(|g| g.sort(sort).dropna(dropna).split_out(split_out))
                    .and_then(|g| g.agg(agg_exprs()))
                    .and_then(|d| d.compute_with(&Config::default().with_threads(4)))
                    .map_err(|e| fail(&how, e))?;
                if sort {
                    check_rows(&got, &want, &how)?;
                } else {
                    // A hash shuffle keeps first-seen order only within each
                    // partition: compare the groups in key order.
                    let mut want = want.clone();
                    let by_key = |a: &Vec<V>, b: &Vec<V>| format!("{:?}", &a[..keys.len()]).cmp(&format!("{:?}", &b[..keys.len()]));
                    want.sort_by(by_key);
                    let mut rows = rows_of(&got);
                    rows.sort_by(by_key);
                    check_values(&rows, &got.columns(), &want, &how)?;
                }
            }
        }
    }
}

/// The reference itself on a hand-checked frame, so that a bug in it cannot
/// make the property vacuous.
#[test]
fn the_reference_is_right_on_a_small_frame() {
    let r = |ki: Option<i64>, vi: Option<i64>, vf: Option<f64>, vs: Option<&str>| Row {
        ki,
        ks: None,
        vi,
        vf,
        vs: vs.map(String::from),
    };
    let rows = vec![
        r(Some(2), Some(5), Some(-0.0), None),
        r(None, Some(1), None, Some("y")),
        r(Some(1), None, None, Some("x")),
        r(Some(2), Some(-3), Some(0.0), Some("Z")),
        r(Some(1), None, Some(0.5), Some("x")),
    ];
    let sorted = reference(&rows, &["ki"], true, true);
    assert_eq!(sorted.len(), 2);
    // ki=1: vi all null → sum 0, count 0, mean/min/first null.
    let (one, two) = (&sorted[0], &sorted[1]);
    assert_eq!(one[0], V::Int(1));
    // The value of aggregate `name` in a row with one key column (`keys` 1) or none.
    let at = |row: &Vec<V>, keys: usize, name: &str| {
        row[keys + AGGS.iter().position(|(n, _, _)| *n == name).expect(name)].clone()
    };
    assert_eq!(at(one, 1, "n"), V::Int(2));
    assert_eq!(at(one, 1, "vi_sum"), V::Int(0));
    assert_eq!(at(one, 1, "vi_count"), V::Int(0));
    assert_eq!(at(one, 1, "vi_mean"), V::Null);
    assert_eq!(at(one, 1, "vi_first"), V::Null);
    assert_eq!(at(one, 1, "vs_nunique"), V::Int(1));
    assert_eq!(at(two, 1, "vi_sum"), V::Int(2));
    assert_eq!(at(two, 1, "vi_min"), V::Int(-3));
    assert_eq!(at(two, 1, "vf_nunique"), V::Int(1), "-0.0 and 0.0 are one value");
    assert_eq!(at(two, 1, "vs_first"), V::Str("Z".into()), "first skips nulls");
    // dropna=false: the null group last when sorted, first-seen otherwise.
    let with_null = reference(&rows, &["ki"], true, false);
    assert_eq!(with_null.iter().map(|r| r[0].clone()).collect::<Vec<_>>(), [V::Int(1), V::Int(2), V::Null]);
    let seen = reference(&rows, &["ki"], false, false);
    assert_eq!(seen.iter().map(|r| r[0].clone()).collect::<Vec<_>>(), [V::Int(2), V::Null, V::Int(1)]);
    // No keys over no rows: one row, sum 0, mean null.
    let empty = reference(&[], &[], true, true);
    assert_eq!(empty.len(), 1);
    assert_eq!(at(&empty[0], 0, "n"), V::Int(0));
    assert_eq!(at(&empty[0], 0, "vf_sum"), V::Float(0.0));
    assert_eq!(at(&empty[0], 0, "vf_mean"), V::Null);
}
