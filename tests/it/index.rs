//! `set_index`, divisions, `loc`, `reset_index` and the aligned `join`.
//!
//! Divisions are checked against the partitions they describe; pruning is
//! proven by what the scans read (`analyze()`), and every pruned result is
//! compared with the same filter on the unindexed frame (`query`, itself
//! checked against pandas in `tests/it/oracle.rs`).
//!
//! The join results need the hash-join kernel (`rusk_ops::join::hash_join`);
//! the tests that run a join say so.

use crate::common;

use std::sync::Arc;

use arrow::array::{ArrayRef, AsArray, Int64Array, RecordBatch, StringArray};
use arrow::datatypes::{DataType, Field, Int64Type, Schema};
use common::{fixture, table_of, Table};
use rusk::{Config, DataFrame, Error, JoinStrategy, JoinType, MergeOptions, ScalarValue};

fn read(rel: &str) -> DataFrame {
    rusk::read(fixture(rel)).unwrap_or_else(|e| panic!("{rel}: {e}"))
}

/// `(min, max)` of an int64 column per partition of the computed frame
/// (`None` for no non-null key).
fn bounds_of(df: &DataFrame, column: &str) -> Vec<Option<(i64, i64)>> {
    df.collect()
        .unwrap()
        .iter()
        .map(|b| {
            let a = b.column_by_name(column).unwrap().as_primitive::<Int64Type>();
            let vals: Vec<i64> = a.iter().flatten().collect();
            Some((*vals.iter().min()?, *vals.iter().max()?))
        })
        .collect()
}

fn divisions_of(df: &DataFrame) -> Vec<Option<(i64, i64)>> {
    let d = df.divisions().expect("known divisions");
    (0..d.len())
        .map(|i| {
            d.bounds(i).unwrap().map(|(lo, hi)| match (lo, hi) {
                (ScalarValue::Int64(a), ScalarValue::Int64(b)) => (a, b),
                other => panic!("int bounds: {other:?}"),
            })
        })
        .collect()
}

/// Rows as sorted text (order-free comparison).
fn sorted_rows(df: &DataFrame) -> Table {
    let mut t = table_of(&df.compute().unwrap());
    t.rows.sort();
    t
}

/// A frame of `k` (int64, with nulls) and `v` (string) in `parts` partitions.
fn frame(keys: &[Option<i64>], parts: usize) -> DataFrame {
    let schema = Arc::new(Schema::new(vec![
        Field::new("v", DataType::Utf8, true),
        Field::new("k", DataType::Int64, true),
    ]));
    let n = keys.len();
    let batches = (0..parts)
        .map(|p| {
            let (a, b) = (p * n / parts, (p + 1) * n / parts);
            let k: ArrayRef = Arc::new(Int64Array::from(keys[a..b].to_vec()));
            let v: ArrayRef = Arc::new(StringArray::from_iter_values((a..b).map(|i| format!("r{i}"))));
            RecordBatch::try_new(Arc::clone(&schema), vec![v, k]).unwrap()
        })
        .collect();
    rusk::from_batches(schema, batches).unwrap()
}

/// Seeded pseudo-random keys in 0..range, every 11th null.
fn keys(n: usize, range: i64, seed: u64) -> Vec<Option<i64>> {
    let mut x = seed;
    (0..n)
        .map(|i| {
            x = x.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
            (i % 11 != 5).then_some(((x >> 33) % range as u64) as i64)
        })
        .collect()
}

#[test]
fn sorted_divisions_are_each_partitions_bounds() {
    let df = read("fixtures/sales");
    let indexed = df.set_index("order_id", true).unwrap();
    assert_eq!(indexed.index().as_deref(), Some("order_id"));
    assert_eq!(indexed.columns()[0], "order_id");
    assert_eq!(divisions_of(&indexed), vec![Some((1, 200)), Some((201, 400)), Some((401, 600))]);
    for parts in [1, 2, 5, 7] {
        let re = df.repartition(parts).unwrap().set_index("order_id", true).unwrap();
        assert_eq!(divisions_of(&re), bounds_of(&re, "order_id"), "{parts} partitions");
    }
}

#[test]
fn unsorted_divisions_bound_the_shuffled_partitions() {
    for (parts, seed) in [(1, 1), (2, 2), (3, 3), (7, 4), (16, 5)] {
        let ks = keys(500, 120, seed);
        let df = frame(&ks, parts);
        let indexed = df.set_index("k", false).unwrap();
        assert_eq!(indexed.columns(), vec!["k", "v"]);
        let divisions = divisions_of(&indexed);
        let actual = bounds_of(&indexed, "k");
        assert_eq!(divisions.len(), actual.len());
        for (d, a) in divisions.iter().zip(&actual) {
            if let Some((lo, hi)) = a {
                let (dlo, dhi) = d.unwrap_or_else(|| panic!("{parts}: keys {a:?} in a partition of no keys"));
                assert!(dlo <= *lo && *hi <= dhi, "{parts}: {a:?} outside {d:?}");
            }
        }
        // Sorted across partitions, nulls last, every row kept.
        let got: Vec<Option<i64>> = indexed
            .collect()
            .unwrap()
            .iter()
            .flat_map(|b| b.column(0).as_primitive::<Int64Type>().iter().collect::<Vec<_>>())
            .collect();
        let mut expected = ks.clone();
        expected.sort_by_key(|k| (k.is_none(), *k));
        assert_eq!(got, expected, "{parts} partitions");
        if parts > 2 {
            assert!(actual.iter().filter(|a| a.is_some()).count() > 1, "{parts}: one partition holds all");
        }
    }
}

#[test]
fn loc_reads_only_the_partitions_that_can_match() {
    for rel in ["fixtures/sales", "fixtures/sales_parquet"] {
        let df = read(rel);
        let indexed = df.set_index("order_id", true).unwrap();
        let sliced = indexed.loc(250..=300).unwrap();
        let a = sliced.analyze_with(&Config::default().with_threads(1)).unwrap();
        assert_eq!(a.scans[0].1.files_opened, 1, "{rel}: {:?}", a.scans);
        assert!(
            a.optimized_plan.contains("SetIndex: order_id, sorted=True, partitions=1/"),
            "{}",
            a.optimized_plan
        );
        assert_eq!(a.rows, 51);
        let explain = sliced.explain().unwrap();
        assert!(explain.contains("prune_by_divisions"), "{explain}");
        let expected =
            df.query("order_id >= 250 and order_id <= 300").unwrap().select(indexed.columns()).unwrap();
        assert_eq!(sorted_rows(&sliced), sorted_rows(&expected), "{rel}");
        // Open ends, an exclusive end, and a query on the index.
        assert_eq!(indexed.loc(590..).unwrap().len().unwrap(), 11);
        assert_eq!(indexed.loc(..10).unwrap().len().unwrap(), 9);
        let q = indexed.query("order_id > 395 and qty > 0").unwrap();
        let a = q.analyze().unwrap();
        assert_eq!(a.scans[0].1.files_opened, 2, "{rel}");
        let expected = df.query("order_id > 395 and qty > 0").unwrap().select(indexed.columns()).unwrap();
        assert_eq!(sorted_rows(&q), sorted_rows(&expected));
    }
}

#[test]
fn loc_on_a_shuffled_index_equals_the_filter() {
    let ks = keys(400, 90, 9);
    let df = frame(&ks, 4);
    let indexed = df.set_index("k", false).unwrap();
    for (lo, hi) in [(10, 20), (0, 0), (85, 200), (-5, 3)] {
        let got = indexed.loc(lo..=hi).unwrap();
        let expected = df.query(&format!("k >= {lo} and k <= {hi}")).unwrap().select(["k", "v"]).unwrap();
        assert_eq!(sorted_rows(&got), sorted_rows(&expected), "{lo}..={hi}");
    }
    let explain = indexed.loc(0..=5).unwrap().explain().unwrap();
    assert!(explain.contains("partitions=1/4") || explain.contains("partitions=2/4"), "{explain}");
}

#[test]
fn reset_index_drops_the_marking_not_the_column() {
    let indexed = read("fixtures/sales").set_index("order_id", true).unwrap();
    let reset = indexed.reset_index().unwrap();
    assert_eq!(reset.index(), None);
    assert!(reset.divisions().is_none());
    assert_eq!(reset.columns(), indexed.columns());
    assert!(matches!(reset.loc(1..=2), Err(Error::InvalidArgument(_))));
    assert_eq!(sorted_rows(&reset), sorted_rows(&indexed));
    // The index survives filters and selections that keep it first.
    let kept = indexed.query("qty > 3").unwrap().select(["order_id", "qty"]).unwrap();
    assert_eq!(kept.index().as_deref(), Some("order_id"));
    assert!(indexed.select(["qty", "order_id"]).unwrap().index().is_none());
}

#[test]
fn errors_name_the_partition_and_the_column() {
    let df = frame(&[Some(5), Some(9), Some(1), Some(3)], 2);
    match df.set_index("k", true) {
        Err(Error::InvalidArgument(m)) => {
            assert!(
                m.contains("partition 1") && m.contains("partition 0") && m.contains("sorted=false"),
                "{m}"
            )
        }
        other => panic!("{other:?}"),
    }
    let nulls_first = frame(&[None, Some(1), Some(2), Some(3)], 2);
    assert!(
        matches!(nulls_first.set_index("k", true), Err(Error::InvalidArgument(m)) if m.contains("partition 1"))
    );
    // Equal keys may straddle partitions; nulls at the end are fine.
    assert!(frame(&[Some(1), Some(2), Some(2), None], 2).set_index("k", true).is_ok());
    assert!(matches!(df.set_index("nope", true), Err(Error::ColumnNotFound { name, .. }) if name == "nope"));
    assert!(matches!(df.loc(1..2), Err(Error::InvalidArgument(_))));
    assert!(matches!(df.join(&df, JoinType::Inner), Err(Error::InvalidArgument(_))));
}

fn join_inputs() -> (DataFrame, DataFrame) {
    let left = frame(&(0..300).map(|i| Some(i * 2)).collect::<Vec<_>>(), 3).set_index("k", true).unwrap();
    let right = frame(&(0..200).map(|i| Some(i * 3 + 100)).collect::<Vec<_>>(), 4)
        .rename([("v", "w")])
        .unwrap()
        .set_index("k", true)
        .unwrap();
    (left, right)
}

#[test]
fn a_join_on_two_known_indexes_is_aligned() {
    let (left, right) = join_inputs();
    let joined = left.join(&right, JoinType::Inner).unwrap();
    let explain = joined.explain().unwrap();
    assert!(explain.contains("strategy=aligned on the index (divisions known on both sides)"), "{explain}");
    assert!(!explain.contains("hash_split"), "{explain}");
    // merge on the two index columns chooses it too; asking for a shuffle wins.
    let merged = left.merge(&right, MergeOptions::on(["k"])).unwrap();
    assert!(merged.explain().unwrap().contains("aligned on the index"));
    let shuffled = left.merge(&right, MergeOptions::on(["k"]).strategy(JoinStrategy::Shuffle)).unwrap();
    assert!(!shuffled.explain().unwrap().contains("aligned"));
    // Not on the index: not aligned.
    let other = left.reset_index().unwrap().merge(&right, MergeOptions::on(["k"])).unwrap();
    assert!(!other.explain().unwrap().contains("aligned"));
}

/// Needs the hash-join kernel (`rusk_ops::join::hash_join`).
#[test]
fn aligned_joins_equal_shuffle_joins() {
    let (left, right) = join_inputs();
    let (lr, rr) = (left.reset_index().unwrap(), right.reset_index().unwrap());
    for how in [JoinType::Inner, JoinType::Left, JoinType::Right, JoinType::Outer] {
        let aligned = left.join(&right, how).unwrap();
        let shuffled =
            lr.merge(&rr, MergeOptions::on(["k"]).how(how).strategy(JoinStrategy::Shuffle)).unwrap();
        assert_eq!(sorted_rows(&aligned), sorted_rows(&shuffled), "{how}");
    }
    // With nulls and duplicate keys straddling partitions, on a shuffled index.
    let l = frame(&keys(300, 50, 11), 3).set_index("k", false).unwrap();
    let r = frame(&keys(200, 60, 12), 5).rename([("v", "w")]).unwrap().set_index("k", false).unwrap();
    for how in [JoinType::Inner, JoinType::Outer] {
        let aligned = l.join(&r, how).unwrap();
        assert!(aligned.explain().unwrap().contains("aligned on the index"));
        let shuffled = l
            .reset_index()
            .unwrap()
            .merge(
                &r.reset_index().unwrap(),
                MergeOptions::on(["k"]).how(how).strategy(JoinStrategy::Shuffle),
            )
            .unwrap();
        assert_eq!(sorted_rows(&aligned), sorted_rows(&shuffled), "{how}");
    }
}

/// `concat` keeps an index the frames share (pandas' `ignore_index=False`),
/// with divisions while the frames' keys stay in order; `concat_with(..,
/// true)` drops it; a `loc` on the concat prunes each frame's partitions.
#[test]
fn concat_keeps_a_shared_index_and_its_divisions_in_order() {
    let df = read("fixtures/sales");
    let low = df.query("order_id <= 300").unwrap().set_index("order_id", true).unwrap();
    let high = df.query("order_id > 300").unwrap().set_index("order_id", true).unwrap();
    let both = rusk::concat(&[low.clone(), high.clone()]).unwrap();
    assert_eq!(both.index().as_deref(), Some("order_id"));
    let divisions = divisions_of(&both);
    assert_eq!(divisions.len(), low.npartitions() + high.npartitions());
    assert_eq!(divisions, bounds_of(&both, "order_id"));
    // Out of order: still the index, divisions unknown.
    let swapped = rusk::concat(&[high.clone(), low.clone()]).unwrap();
    assert_eq!(swapped.index().as_deref(), Some("order_id"));
    assert!(swapped.divisions().is_none());
    // ignore_index, or frames not indexed alike: no index.
    assert!(rusk::concat_with(&[low.clone(), high.clone()], true).unwrap().index().is_none());
    assert!(rusk::concat(&[low.clone(), df.clone()]).unwrap().index().is_none());
    // A loc on the concat reads only the matching partitions of each frame.
    let got = both.loc(250..=320).unwrap();
    assert_eq!(sorted_rows(&got), sorted_rows(&df.query("250 <= order_id <= 320").unwrap()));
    let analysis = got.analyze().unwrap();
    // Both frames scan one dataset, whose counts they share: of its three
    // files, each frame opens the one its range needs.
    assert_eq!(analysis.scans[0].1.files_opened, 2, "one file of each frame: {:?}", analysis.scans);
}
