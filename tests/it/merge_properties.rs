//! Property tests of `merge`: random small frames (int and string keys with
//! nulls, int, float and string values) cut into random partitions,
//! including empty and one-row ones, joined by every `how`, on one key or
//! two, with and without the indicator.
//!
//! - The result, as a multiset of rows, equals a nested-loop reference join
//!   written here: every pair of rows whose keys are all non-null and equal
//!   (null keys never match, as in SQL and Polars; pandas would match NaN
//!   with NaN), the unmatched rows each `how` keeps with nulls on the other
//!   side, semi and anti as left rows with and without a match, cross as
//!   every pair. Columns are named as pandas names them (a shared key once,
//!   `_x`/`_y` on other names both sides have, `_merge` last).
//! - It is the same for the random partitions, for both sides repartitioned
//!   to 1, 2, 3 and 7, under a forced broadcast and a forced shuffle (into
//!   the default, 1 and 4 partitions), with 1 and 4 threads.
//!
//! Runs are seeded (the same cases every run) and small: 64 cases.

use std::sync::Arc;

use proptest::prelude::*;
use proptest::test_runner::{Config as ProptestConfig, RngSeed};
use rusk::arrow::array::{Array, ArrayRef, AsArray, Float64Array, Int64Array, RecordBatch, StringArray};
use rusk::arrow::datatypes::{DataType, Field, Float64Type, Int64Type, Schema, SchemaRef};
use rusk::arrow::util::display::array_value_to_string;
use rusk::{Config, DataFrame, JoinStrategy, JoinType, MergeOptions};

use crate::common::THREADS;

/// Partition counts both sides are repartitioned to, each paired with the
/// next (1×2, 2×3, 3×7, 7×1): lopsided both ways. Not `common::NPARTITIONS`:
/// its rotation would drop 7×1 for 7×16 and 16×1, and each pair runs every
/// strategy and thread count for each of the 64 generated joins.
const NPARTITIONS: [usize; 4] = [1, 2, 3, 7];

fn proptest_config() -> ProptestConfig {
    ProptestConfig {
        cases: 64,
        rng_seed: RngSeed::Fixed(0x6a6f_696e),
        failure_persistence: None,
        ..ProptestConfig::default()
    }
}

// ---- values, rows and frames ------------------------------------------------

/// One value, as the reference sees it.
#[derive(Debug, Clone, PartialEq)]
enum V {
    Null,
    Int(i64),
    Float(f64),
    Str(String),
}

impl V {
    /// The value as text that orders and compares rows exactly (no float
    /// arithmetic happens in a join, so no tolerance is needed).
    fn text(&self) -> String {
        match self {
            V::Null => String::new(),
            V::Int(v) => format!("i{v}"),
            V::Float(v) => format!("f{v:?}"),
            V::Str(v) => format!("s{v}"),
        }
    }
}

/// A left row: `k1` int key, `k2` string key, `v` int value.
#[derive(Debug, Clone)]
struct LeftRow {
    k1: Option<i64>,
    k2: Option<String>,
    v: Option<i64>,
}

/// A right row: `k1`, `k2` as the left's, `v` a float (a name both sides
/// have), `w` a string.
#[derive(Debug, Clone)]
struct RightRow {
    k1: Option<i64>,
    k2: Option<String>,
    v: Option<f64>,
    w: Option<String>,
}

impl LeftRow {
    fn values(&self) -> Vec<V> {
        vec![
            self.k1.map_or(V::Null, V::Int),
            self.k2.clone().map_or(V::Null, V::Str),
            self.v.map_or(V::Null, V::Int),
        ]
    }
}

impl RightRow {
    fn values(&self) -> Vec<V> {
        vec![
            self.k1.map_or(V::Null, V::Int),
            self.k2.clone().map_or(V::Null, V::Str),
            self.v.map_or(V::Null, V::Float),
            self.w.clone().map_or(V::Null, V::Str),
        ]
    }
}

const LEFT_COLUMNS: [&str; 3] = ["k1", "k2", "v"];
const RIGHT_COLUMNS: [&str; 4] = ["k1", "k2", "v", "w"];

fn left_schema() -> SchemaRef {
    Arc::new(Schema::new(vec![
        Field::new("k1", DataType::Int64, true),
        Field::new("k2", DataType::Utf8, true),
        Field::new("v", DataType::Int64, true),
    ]))
}

fn right_schema() -> SchemaRef {
    Arc::new(Schema::new(vec![
        Field::new("k1", DataType::Int64, true),
        Field::new("k2", DataType::Utf8, true),
        Field::new("v", DataType::Float64, true),
        Field::new("w", DataType::Utf8, true),
    ]))
}

fn left_frame(parts: &[Vec<LeftRow>]) -> DataFrame {
    let batches = parts
        .iter()
        .map(|rows| {
            let columns: Vec<ArrayRef> = vec![
                Arc::new(rows.iter().map(|r| r.k1).collect::<Int64Array>()),
                Arc::new(rows.iter().map(|r| r.k2.clone()).collect::<StringArray>()),
                Arc::new(rows.iter().map(|r| r.v).collect::<Int64Array>()),
            ];
            RecordBatch::try_new(left_schema(), columns).expect("a valid batch")
        })
        .collect();
    rusk::from_batches(left_schema(), batches).expect("from_batches")
}

fn right_frame(parts: &[Vec<RightRow>]) -> DataFrame {
    let batches = parts
        .iter()
        .map(|rows| {
            let columns: Vec<ArrayRef> = vec![
                Arc::new(rows.iter().map(|r| r.k1).collect::<Int64Array>()),
                Arc::new(rows.iter().map(|r| r.k2.clone()).collect::<StringArray>()),
                Arc::new(rows.iter().map(|r| r.v).collect::<Float64Array>()),
                Arc::new(rows.iter().map(|r| r.w.clone()).collect::<StringArray>()),
            ];
            RecordBatch::try_new(right_schema(), columns).expect("a valid batch")
        })
        .collect();
    rusk::from_batches(right_schema(), batches).expect("from_batches")
}

// ---- the reference ----------------------------------------------------------

/// One random join.
#[derive(Debug, Clone)]
struct JoinCase {
    left: Vec<Vec<LeftRow>>,
    right: Vec<Vec<RightRow>>,
    how: JoinType,
    /// `["k1"]` or `["k1", "k2"]`; unused by a cross join.
    keys: Vec<&'static str>,
    /// pandas' `indicator=True` (never on semi, anti or cross).
    indicator: bool,
}

impl JoinCase {
    fn left_rows(&self) -> Vec<LeftRow> {
        self.left.iter().flatten().cloned().collect()
    }

    fn right_rows(&self) -> Vec<RightRow> {
        self.right.iter().flatten().cloned().collect()
    }

    /// The case's options, with `strategy` (and the shuffle's partition
    /// count) forced when given.
    fn options(&self, strategy: Option<(JoinStrategy, Option<usize>)>) -> MergeOptions {
        let mut opts = if self.how == JoinType::Cross {
            MergeOptions::cross()
        } else {
            MergeOptions::on(self.keys.iter().copied()).how(self.how)
        };
        if self.indicator {
            opts = opts.indicator(true);
        }
        if let Some((s, n)) = strategy {
            opts = opts.strategy(s);
            if let Some(n) = n {
                opts = opts.npartitions(n);
            }
        }
        opts
    }
}

/// Positions of the key columns in a side's columns.
fn key_positions(keys: &[&str], columns: &[&str]) -> Vec<usize> {
    keys.iter().map(|k| columns.iter().position(|c| c == k).expect("a key column")).collect()
}

/// Whether two rows match: every key non-null on both sides and equal.
fn matches(l: &[V], r: &[V], lk: &[usize], rk: &[usize]) -> bool {
    lk.iter().zip(rk).all(|(&i, &j)| l[i] != V::Null && r[j] != V::Null && l[i] == r[j])
}

/// The output column names, as pandas' merge names them.
fn output_columns(case: &JoinCase) -> Vec<String> {
    let shared: Vec<&str> = if case.how == JoinType::Cross { vec![] } else { case.keys.clone() };
    let left_only = matches!(case.how, JoinType::Semi | JoinType::Anti);
    let right_kept: Vec<&str> = if left_only {
        vec![]
    } else {
        RIGHT_COLUMNS.iter().copied().filter(|c| !shared.contains(c)).collect()
    };
    let overlap = |c: &str| !shared.contains(&c) && LEFT_COLUMNS.contains(&c) && right_kept.contains(&c);
    let mut names: Vec<String> =
        LEFT_COLUMNS.iter().map(|c| if overlap(c) { format!("{c}_x") } else { c.to_string() }).collect();
    names.extend(right_kept.iter().map(|c| if overlap(c) { format!("{c}_y") } else { c.to_string() }));
    if case.indicator {
        names.push("_merge".into());
    }
    names
}

/// The nested-loop join: the rows of the result, in no particular order.
fn reference(case: &JoinCase) -> Vec<Vec<V>> {
    let left: Vec<Vec<V>> = case.left_rows().iter().map(LeftRow::values).collect();
    let right: Vec<Vec<V>> = case.right_rows().iter().map(RightRow::values).collect();
    let cross = case.how == JoinType::Cross;
    let keys: Vec<&str> = if cross { vec![] } else { case.keys.clone() };
    let (lk, rk) = (key_positions(&keys, &LEFT_COLUMNS), key_positions(&keys, &RIGHT_COLUMNS));
    // Right columns other than the shared keys, by position.
    let right_kept: Vec<usize> = (0..RIGHT_COLUMNS.len()).filter(|j| !rk.contains(j)).collect();
    let tag = |s: &str| if case.indicator { vec![V::Str(s.into())] } else { vec![] };
    // One output row; `l` or `r` missing for an unmatched row. A shared key
    // takes the left's value, or the right's when there is no left row.
    let row = |l: Option<&Vec<V>>, r: Option<&Vec<V>>, which: &str| -> Vec<V> {
        let mut out: Vec<V> = (0..LEFT_COLUMNS.len())
            .map(|i| match (l, lk.iter().position(|&p| p == i)) {
                (Some(l), _) => l[i].clone(),
                (None, Some(k)) => r.map_or(V::Null, |r| r[rk[k]].clone()),
                (None, None) => V::Null,
            })
            .collect();
        out.extend(right_kept.iter().map(|&j| r.map_or(V::Null, |r| r[j].clone())));
        out.extend(tag(which));
        out
    };
    let mut out = Vec::new();
    let mut right_matched = vec![false; right.len()];
    for l in &left {
        let hits: Vec<usize> = if cross {
            (0..right.len()).collect()
        } else {
            (0..right.len()).filter(|&j| matches(l, &right[j], &lk, &rk)).collect()
        };
        match case.how {
            JoinType::Semi => {
                if !hits.is_empty() {
                    out.push(l.clone());
                }
                continue;
            }
            JoinType::Anti => {
                if hits.is_empty() {
                    out.push(l.clone());
                }
                continue;
            }
            _ => {}
        }
        for &j in &hits {
            right_matched[j] = true;
            out.push(row(Some(l), Some(&right[j]), "both"));
        }
        if hits.is_empty() && matches!(case.how, JoinType::Left | JoinType::Outer) {
            out.push(row(Some(l), None, "left_only"));
        }
    }
    if matches!(case.how, JoinType::Right | JoinType::Outer) {
        for (r, _) in right.iter().zip(&right_matched).filter(|(_, m)| !**m) {
            out.push(row(None, Some(r), "right_only"));
        }
    }
    out
}

// ---- running rusk -------------------------------------------------------------

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
        // The indicator (a dictionary of strings), by its value.
        DataType::Dictionary(_, _) => V::Str(array_value_to_string(a, i).expect("a displayable value")),
        other => panic!("unexpected result type {other}"),
    }
}

/// A multiset of rows: each row as text, sorted.
fn multiset(rows: &[Vec<V>]) -> Vec<Vec<String>> {
    let mut out: Vec<Vec<String>> = rows.iter().map(|r| r.iter().map(V::text).collect()).collect();
    out.sort();
    out
}

/// Computes `df` and checks its columns and rows against the reference's.
fn check(
    df: rusk::Result<DataFrame>,
    cfg: &Config,
    columns: &[String],
    want: &[Vec<String>],
    how: &str,
) -> Result<(), TestCaseError> {
    let df = df.map_err(|e| TestCaseError::fail(format!("{how}: building the merge failed: {e}")))?;
    let got = df.compute_with(cfg).map_err(|e| TestCaseError::fail(format!("{how}: compute failed: {e}")))?;
    prop_assert_eq!(&got.columns(), columns, "{}: columns", how);
    let mut rows = Vec::new();
    for batch in got.batches() {
        for i in 0..batch.num_rows() {
            rows.push(batch.columns().iter().map(|a| cell(a.as_ref(), i)).collect::<Vec<V>>());
        }
    }
    let got = multiset(&rows);
    prop_assert_eq!(got.len(), want.len(), "{}: row count\n got: {:?}\nwant: {:?}", how, got, want);
    prop_assert_eq!(&got, want, "{}: rows", how);
    Ok(())
}

// ---- strategies -----------------------------------------------------------------

fn nullable<T: std::fmt::Debug + Clone + 'static>(
    s: impl Strategy<Value = T> + 'static,
) -> BoxedStrategy<Option<T>> {
    prop_oneof![1 => Just(None), 4 => s.prop_map(Some)].boxed()
}

fn key_str() -> impl Strategy<Value = String> {
    // "" is a value, not a null.
    prop::sample::select(vec!["a", "b", ""]).prop_map(String::from)
}

fn left_row() -> impl Strategy<Value = LeftRow> + Clone {
    (nullable(0i64..4), nullable(key_str()), nullable(-9i64..10)).prop_map(|(k1, k2, v)| LeftRow {
        k1,
        k2,
        v,
    })
}

fn right_row() -> impl Strategy<Value = RightRow> + Clone {
    (
        nullable(0i64..5),
        nullable(key_str()),
        nullable((-8i32..8).prop_map(|q| f64::from(q) / 4.0)),
        nullable(prop::sample::select(vec!["p", "q", "r"]).prop_map(String::from)),
    )
        .prop_map(|(k1, k2, v, w)| RightRow { k1, k2, v, w })
}

/// Partitions of 0, 1 or a few rows; at least one partition.
fn parts<T: std::fmt::Debug + Clone + 'static>(
    row: impl Strategy<Value = T> + Clone + 'static,
    most: usize,
) -> impl Strategy<Value = Vec<Vec<T>>> {
    let part = prop_oneof![
        1 => Just(0usize..1),
        1 => Just(1usize..2),
        3 => Just(2usize..most),
    ]
    .prop_flat_map(move |n| prop::collection::vec(row.clone(), n));
    prop::collection::vec(part, 1..5)
}

fn join_case() -> impl Strategy<Value = JoinCase> {
    let how = prop::sample::select(vec![
        JoinType::Inner,
        JoinType::Left,
        JoinType::Right,
        JoinType::Outer,
        JoinType::Semi,
        JoinType::Anti,
        JoinType::Cross,
    ]);
    (how, any::<bool>(), any::<bool>()).prop_flat_map(|(how, two_keys, indicator)| {
        // Cross joins multiply: fewer rows.
        let most = if how == JoinType::Cross { 4 } else { 10 };
        (parts(left_row(), most), parts(right_row(), most)).prop_map(move |(left, right)| JoinCase {
            left,
            right,
            how,
            keys: if two_keys { vec!["k1", "k2"] } else { vec!["k1"] },
            indicator: indicator && !matches!(how, JoinType::Semi | JoinType::Anti | JoinType::Cross),
        })
    })
}

proptest! {
    #![proptest_config(proptest_config())]

    /// The reference's rows, whatever the partitioning, strategy and threads.
    #[test]
    fn merge_is_the_nested_loop_join_however_it_runs(case in join_case()) {
        let columns = output_columns(&case);
        let want = multiset(&reference(&case));
        let (left, right) = (left_frame(&case.left), right_frame(&case.right));
        let one = Config::default().with_threads(1);
        let four = Config::default().with_threads(4);
        check(left.merge(&right, case.options(None)), &one, &columns, &want, "random partitions, auto")?;

        let strategies: Vec<(JoinStrategy, Option<usize>)> = if case.how == JoinType::Cross {
            vec![(JoinStrategy::Broadcast, None)]
        } else {
            vec![
                (JoinStrategy::Broadcast, None),
                (JoinStrategy::Shuffle, None),
                (JoinStrategy::Shuffle, Some(1)),
                (JoinStrategy::Shuffle, Some(4)),
            ]
        };
        for (i, n) in NPARTITIONS.into_iter().enumerate() {
            // The right side in another count than the left.
            let m = NPARTITIONS[(i + 1) % NPARTITIONS.len()];
            let l = left.repartition(n).expect("repartition");
            let r = right.repartition(m).expect("repartition");
            for &(strategy, np) in &strategies {
                for threads in THREADS {
                    let cfg = Config::default().with_threads(threads);
                    let how = format!("left×{n} right×{m} {strategy:?} npartitions={np:?} threads={threads}");
                    check(l.merge(&r, case.options(Some((strategy, np)))), &cfg, &columns, &want, &how)?;
                }
            }
        }
        // And the random partitions under each strategy.
        for &(strategy, np) in &strategies {
            let how = format!("random partitions {strategy:?} npartitions={np:?}");
            check(left.merge(&right, case.options(Some((strategy, np)))), &four, &columns, &want, &how)?;
        }
    }
}

// ---- the reference itself ------------------------------------------------------

fn l(k1: Option<i64>, k2: Option<&str>, v: i64) -> LeftRow {
    LeftRow { k1, k2: k2.map(String::from), v: Some(v) }
}

fn r(k1: Option<i64>, k2: Option<&str>, w: &str) -> RightRow {
    RightRow { k1, k2: k2.map(String::from), v: Some(0.5), w: Some(w.into()) }
}

/// The reference joins as pandas would, but for null keys.
#[test]
fn reference_follows_pandas_but_null_keys_never_match() {
    let case = |how, keys: Vec<&'static str>, indicator| JoinCase {
        left: vec![
            vec![l(Some(1), Some("a"), 10), l(Some(1), None, 11)],
            vec![],
            vec![l(None, Some("a"), 12)],
        ],
        right: vec![vec![r(Some(1), Some("a"), "p"), r(Some(1), Some("b"), "q")], vec![r(None, None, "r")]],
        how,
        keys,
        indicator,
    };
    let rows = |c: &JoinCase| multiset(&reference(c));
    let s = |v: &str| V::Str(v.into()).text();
    let i = |v: i64| V::Int(v).text();
    let half = V::Float(0.5).text();

    // on k1: rows 10 and 11 each match both right rows with k1 = 1; 12 (null
    // k1) and the right's null-key row match nothing.
    let inner = case(JoinType::Inner, vec!["k1"], false);
    assert_eq!(output_columns(&inner), ["k1", "k2_x", "v_x", "k2_y", "v_y", "w"]);
    assert_eq!(rows(&inner).len(), 4);
    let outer = case(JoinType::Outer, vec!["k1"], true);
    let outer_rows = rows(&outer);
    assert_eq!(outer_rows.len(), 6);
    assert!(outer_rows.contains(&vec![
        String::new(),
        s("a"),
        i(12),
        String::new(),
        String::new(),
        String::new(),
        s("left_only")
    ]));
    assert!(outer_rows.contains(&vec![
        String::new(),
        String::new(),
        String::new(),
        String::new(),
        half.clone(),
        s("r"),
        s("right_only")
    ]));

    // on k1, k2: only (1, "a") matches; (1, null) does not.
    let two = case(JoinType::Right, vec!["k1", "k2"], false);
    assert_eq!(output_columns(&two), ["k1", "k2", "v_x", "v_y", "w"]);
    assert_eq!(
        rows(&two),
        multiset(&[
            vec![V::Int(1), V::Str("a".into()), V::Int(10), V::Float(0.5), V::Str("p".into())],
            vec![V::Int(1), V::Str("b".into()), V::Null, V::Float(0.5), V::Str("q".into())],
            vec![V::Null, V::Null, V::Null, V::Float(0.5), V::Str("r".into())],
        ])
    );
    assert_eq!(rows(&case(JoinType::Semi, vec!["k1", "k2"], false)), vec![vec![i(1), s("a"), i(10)]]);
    assert_eq!(rows(&case(JoinType::Anti, vec!["k1", "k2"], false)).len(), 2);

    // cross: every pair, every shared name suffixed.
    let cross = case(JoinType::Cross, vec![], false);
    assert_eq!(output_columns(&cross), ["k1_x", "k2_x", "v_x", "k1_y", "k2_y", "v_y", "w"]);
    assert_eq!(rows(&cross).len(), 9);
}
