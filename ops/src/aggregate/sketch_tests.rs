//! The approximate aggregates against the exact ones: error bounds on
//! 1e5–1e6 values of several shapes, merges of many partial states (HLL:
//! identical to one pass; t-digest: within the bound), nulls, NaN, empty
//! and small groups, and a timing run (ignored by default).

use std::sync::Arc;

use arrow::array::*;
use arrow::datatypes::{Float64Type, Int32Type, Int64Type};

use super::tests::{batch, column, specs, Rng};
use super::*;
use crate::expr::{col, Expr};

/// `groupby(keys).agg(aggs)` in one partial.
fn one_pass(b: &RecordBatch, keys: &[&str], aggs: &[Expr]) -> RecordBatch {
    split(b, keys, aggs, 1, 2)
}

/// `groupby(keys).agg(aggs)` over `b` cut into `parts` slices (some empty
/// when `parts` exceeds the rows), merged by a tree of fan-in `fan_in`.
fn split(b: &RecordBatch, keys: &[&str], aggs: &[Expr], parts: usize, fan_in: usize) -> RecordBatch {
    let keys: Vec<Expr> = keys.iter().map(|k| col(*k)).collect();
    let (specs, names) = specs(aggs);
    let options = GroupOptions::default();
    let n = b.num_rows();
    let mut states: Vec<RecordBatch> = (0..parts)
        .map(|i| {
            let (start, end) = (i * n / parts, (i + 1) * n / parts);
            partial(&b.slice(start, end - start), &keys, &specs, options).unwrap()
        })
        .collect();
    while states.len() > 1 {
        states = states.chunks(fan_in).map(|c| merge(c, keys.len(), &specs).unwrap()).collect();
    }
    finish(&states[0], keys.len(), &specs, &names, options).unwrap()
}

fn ints(b: &RecordBatch, name: &str) -> Vec<Option<i64>> {
    column(b, name).as_primitive::<Int64Type>().iter().collect()
}

fn floats(b: &RecordBatch, name: &str) -> Vec<Option<f64>> {
    column(b, name).as_primitive::<Float64Type>().iter().collect()
}

/// A uniform float in [0, 1).
fn unit(rng: &mut Rng) -> f64 {
    (rng.next() >> 11) as f64 / (1u64 << 53) as f64
}

/// An approximately normal value (Irwin–Hall of 12 uniforms).
fn normal(rng: &mut Rng) -> f64 {
    (0..12).map(|_| unit(rng)).sum::<f64>() - 6.0
}

// ---- nunique_approx -----------------------------------------------------------

/// Value columns of `n` rows of several shapes, one group key `k` of `groups`.
fn distinct_shapes(rng: &mut Rng, n: usize, groups: u64) -> RecordBatch {
    let k: Int64Array = (0..n).map(|_| Some(rng.below(groups) as i64)).collect();
    // Every value distinct-ish (random 64-bit), consecutive integers,
    // many duplicates (1e4 distinct), skewed (Zipf-like 1/u), strings,
    // floats with 3 decimals.
    let random: Int64Array = (0..n).map(|_| Some(rng.next() as i64)).collect();
    let seq: Int64Array = (0..n as i64).map(Some).collect();
    let dups: Int64Array = (0..n).map(|_| Some(rng.below(10_000) as i64)).collect();
    let skewed: Int64Array = (0..n).map(|_| Some((1.0 / unit(rng).max(1e-12)) as i64)).collect();
    let strs: StringViewArray = (0..n).map(|_| Some(format!("id{:09}", rng.below(n as u64)))).collect();
    let f: Float64Array = (0..n).map(|_| Some(rng.below(1_000_000) as f64 / 1e3)).collect();
    batch(vec![
        ("k", Arc::new(k)),
        ("random", Arc::new(random)),
        ("seq", Arc::new(seq)),
        ("dups", Arc::new(dups)),
        ("skewed", Arc::new(skewed)),
        ("strs", Arc::new(strs)),
        ("f", Arc::new(f)),
    ])
}

const SHAPES: [&str; 6] = ["random", "seq", "dups", "skewed", "strs", "f"];

fn nunique_aggs() -> Vec<Expr> {
    SHAPES
        .iter()
        .flat_map(|s| [col(*s).nunique().alias(format!("{s}_exact")), col(*s).nunique_approx().alias(*s)])
        .collect()
}

/// Relative errors of every approximate column against its exact one.
fn relative_errors(out: &RecordBatch) -> Vec<(String, i64, f64)> {
    let mut errs = Vec::new();
    for s in SHAPES {
        for (e, a) in ints(out, &format!("{s}_exact")).into_iter().zip(ints(out, s)) {
            let (e, a) = (e.unwrap(), a.unwrap());
            errs.push((s.to_string(), e, (a - e) as f64 / e.max(1) as f64));
        }
    }
    errs
}

#[test]
fn hll_error_is_within_bound() {
    let mut rng = Rng(20260501);
    let mut all = Vec::new();
    // Against the exact nunique: 1e5 values in one group and in 8.
    for groups in [1, 8] {
        let b = distinct_shapes(&mut rng, 100_000, groups);
        all.extend(relative_errors(&one_pass(&b, &["k"], &nunique_aggs())));
    }
    // 1e6 values, all distinct by construction (the exact nunique of 1e6
    // takes seconds in a debug build): integers in order and scattered,
    // strings, floats.
    let n = 1_000_000;
    let b = batch(vec![
        ("seq", Arc::new(Int64Array::from_iter_values(0..n as i64))),
        (
            "random",
            Arc::new(Int64Array::from_iter_values(
                (0..n as i64).map(|i| i.wrapping_mul(0x5851_f42d_4c95_7f2d)),
            )),
        ),
        ("strs", Arc::new(StringArray::from_iter_values((0..n).map(|i| format!("s{i}"))))),
        ("f", Arc::new(Float64Array::from_iter_values((0..n).map(|i| i as f64 * 1e-3 - 17.0)))),
    ]);
    let cols = ["seq", "random", "strs", "f"];
    let aggs: Vec<Expr> = cols.iter().map(|c| col(*c).nunique_approx().alias(*c)).collect();
    let out = one_pass(&b, &[], &aggs);
    for c in cols {
        let got = ints(&out, c)[0].unwrap();
        all.push((c.to_string(), n as i64, (got - n as i64) as f64 / n as f64));
    }
    let worst = all.iter().map(|e| e.2.abs()).fold(0.0, f64::max);
    let rms = (all.iter().map(|e| e.2 * e.2).sum::<f64>() / all.len() as f64).sqrt();
    eprintln!("nunique_approx: {} estimates, rms relative error {rms:.4}, worst {worst:.4}", all.len());
    // σ = 1.04/√4096 = 1.6 %: every estimate within 4σ, and the spread
    // of the lot near σ.
    for (shape, exact, err) in &all {
        assert!(err.abs() < 0.065, "{shape}: {exact} distinct, relative error {err}");
    }
    assert!(rms < 0.025, "rms relative error {rms}");
}

#[test]
fn hll_is_exact_or_nearly_for_small_groups() {
    // Group g holds the values 0..g, each twice: 0 to 1999 distinct,
    // across the sparse (≤ 1024 entries) and dense forms.
    let mut k = Vec::new();
    let mut v = Vec::new();
    for g in 0..2000i64 {
        for x in 0..g {
            k.extend([g, g]);
            v.extend([x * 7 + 1, x * 7 + 1]);
        }
    }
    let b = batch(vec![("k", Arc::new(Int64Array::from(k))), ("v", Arc::new(Int64Array::from(v)))]);
    let out = one_pass(&b, &["k"], &[col("v").nunique_approx().alias("a")]);
    let got = ints(&out, "a");
    let mut off = 0;
    for (g, a) in got.iter().enumerate() {
        let (g, a) = (g as i64 + 1, a.unwrap());
        let err = a - g;
        if g <= 1024 {
            // Sparse: linear counting over 2²⁵ buckets; off by one only
            // when two values share a bucket.
            assert!(err.abs() <= 1, "{g} distinct estimated {a}");
            off += usize::from(err != 0);
        } else {
            assert!((err as f64 / g as f64).abs() < 0.065, "{g} distinct estimated {a}");
        }
    }
    assert!(off <= 10, "{off} of 1024 small groups off by one");
    // The first hundred sizes are exact.
    assert!(got[..100].iter().enumerate().all(|(g, a)| *a == Some(g as i64 + 1)));
}

#[test]
fn hll_merges_equal_one_pass_exactly() {
    let mut rng = Rng(77);
    // Groups of very different sizes: some stay sparse in every partial,
    // some turn dense only when merged, some are dense everywhere.
    let n = 300_000;
    let k: Int64Array = (0..n)
        .map(|_| {
            Some(match rng.below(100) {
                0..=49 => 0,
                50..=79 => 1,
                80..=97 => 2 + rng.below(20) as i64,
                _ => 100 + rng.below(200) as i64,
            })
        })
        .collect();
    let v: Int64Array = (0..n).map(|_| rng.chance(95).then(|| rng.below(200_000) as i64)).collect();
    let s: StringArray = (0..n).map(|_| rng.chance(90).then(|| format!("s{}", rng.below(5_000)))).collect();
    let b = batch(vec![("k", Arc::new(k)), ("v", Arc::new(v)), ("s", Arc::new(s))]);
    let aggs = [col("v").nunique_approx().alias("v"), col("s").nunique_approx().alias("s")];
    let one = one_pass(&b, &["k"], &aggs);
    for (parts, fan_in) in [(2, 2), (7, 3), (64, 8), (1000, 2), (5, 5)] {
        let merged = split(&b, &["k"], &aggs, parts, fan_in);
        assert_eq!(one, merged, "{parts} partitions, fan-in {fan_in}");
    }
    // Without keys, too.
    let one = one_pass(&b, &[], &aggs);
    for (parts, fan_in) in [(3, 2), (100, 8)] {
        assert_eq!(one, split(&b, &[], &aggs, parts, fan_in), "{parts} partitions, fan-in {fan_in}");
    }
}

#[test]
fn hll_skips_nulls_and_counts_as_exact_nunique() {
    let strs =
        vec![Some("a"), Some("a"), None, Some("a long string, not inline"), Some("b"), None, Some("b")];
    let dict: DictionaryArray<Int32Type> = strs.iter().copied().collect();
    let b = batch(vec![
        ("k", Arc::new(Int64Array::from(vec![1, 1, 1, 1, 2, 3, 2]))),
        ("i", Arc::new(Int64Array::from(vec![Some(1), Some(1), None, Some(2), Some(5), None, Some(5)]))),
        (
            "f",
            Arc::new(Float64Array::from(vec![
                Some(0.0),
                Some(-0.0),
                Some(f64::NAN),
                Some(f64::NAN),
                None,
                None,
                Some(1.0),
            ])),
        ),
        ("s", Arc::new(StringViewArray::from(strs.clone()))),
        ("u", Arc::new(StringArray::from(strs))),
        ("d", Arc::new(dict)),
        ("b", Arc::new(BooleanArray::from(vec![Some(true), Some(false), None, None, None, None, None]))),
        ("n", Arc::new(NullArray::new(7))),
    ]);
    let cols = ["i", "f", "s", "u", "d", "b", "n"];
    let aggs: Vec<Expr> = cols
        .iter()
        .flat_map(|c| [col(*c).nunique().alias(format!("{c}_exact")), col(*c).nunique_approx().alias(*c)])
        .collect();
    for (keys, rows) in [(&["k"][..], 0..7), (&["k"][..], 2..5), (&[][..], 0..7), (&[][..], 0..0)] {
        let out = super::tests::groupby(&b.slice(rows.start, rows.len()), keys, &aggs);
        for c in cols.iter().filter(|c| **c != "n") {
            assert_eq!(ints(&out, c), ints(&out, &format!("{c}_exact")), "{c} {keys:?} {rows:?}");
        }
        assert!(ints(&out, "n").iter().all(|x| *x == Some(0)));
    }
    let out = super::tests::groupby(&b, &["k"], &aggs);
    // 0.0 and -0.0 are one value, NaNs another; empty groups count 0.
    assert_eq!(ints(&out, "f"), [Some(2), Some(1), Some(0)]);
    assert_eq!(ints(&out, "d"), [Some(2), Some(1), Some(0)]);
}

#[test]
fn hll_counts_dictionaries_by_value() {
    let mut rng = Rng(3);
    let words: Vec<String> = (0..3000).map(|i| format!("w{i}")).collect();
    let picks: Vec<&str> = (0..50_000).map(|_| words[rng.below(3000) as usize].as_str()).collect();
    let plain = StringArray::from(picks.clone());
    let dict: DictionaryArray<Int32Type> = picks.iter().copied().collect();
    let b = batch(vec![("p", Arc::new(plain)), ("d", Arc::new(dict))]);
    let out =
        one_pass(&b, &[], &[col("p").nunique_approx().alias("p"), col("d").nunique_approx().alias("d")]);
    assert_eq!(ints(&out, "p"), ints(&out, "d"));
}

#[test]
fn hll_state_is_bounded() {
    let b = distinct_shapes(&mut Rng(5), 100_000, 1);
    let keys: Vec<Expr> = vec![];
    let (s, _) = specs(&[col("random").nunique_approx(), col("dups").nunique_approx()]);
    let state = partial(&b, &keys, &s, GroupOptions::default()).unwrap();
    let size = |i: usize| state.column(i).as_binary::<i64>().value(0).len();
    // Dense: the kind, the precision and 4096 registers.
    assert_eq!(size(0), 4098);
    assert_eq!(size(1), 4098);
    let small = partial(&b.slice(0, 10), &keys, &s, GroupOptions::default()).unwrap();
    assert_eq!(small.column(0).as_binary::<i64>().value(0).len(), 2 + 4 * 10);
}

// ---- median_approx / quantile_approx ------------------------------------------

const QS: [f64; 9] = [0.001, 0.01, 0.1, 0.25, 0.5, 0.75, 0.9, 0.99, 0.999];

/// Columns of `n` rows of several shapes.
fn quantile_shapes(rng: &mut Rng, n: usize) -> RecordBatch {
    let uniform: Float64Array = (0..n).map(|_| Some(unit(rng))).collect();
    let normal_: Float64Array = (0..n).map(|_| Some(normal(rng))).collect();
    // Skewed: log-normal with σ = 2, values over ~8 orders of magnitude.
    let lognormal: Float64Array = (0..n).map(|_| Some((2.0 * normal(rng)).exp())).collect();
    // Many duplicates: ten distinct integers (kept exact), and 5000.
    let dups: Int64Array = (0..n).map(|_| Some(rng.below(10) as i64)).collect();
    let dups5000: Int64Array = (0..n).map(|_| Some(rng.below(5000) as i64)).collect();
    // Sorted input, the order that stresses a digest most.
    let sorted: Float64Array = (0..n).map(|i| Some(i as f64 / n as f64)).collect();
    batch(vec![
        ("uniform", Arc::new(uniform)),
        ("normal", Arc::new(normal_)),
        ("lognormal", Arc::new(lognormal)),
        ("dups", Arc::new(dups)),
        ("dups5000", Arc::new(dups5000)),
        ("sorted", Arc::new(sorted)),
    ])
}

const QSHAPES: [&str; 6] = ["uniform", "normal", "lognormal", "dups", "dups5000", "sorted"];

/// The sorted values of a numeric column.
fn sorted_values(b: &RecordBatch, name: &str) -> Vec<f64> {
    let a = arrow::compute::cast(column(b, name), &arrow::datatypes::DataType::Float64).unwrap();
    let mut v: Vec<f64> = a.as_primitive::<Float64Type>().iter().flatten().collect();
    v.sort_by(f64::total_cmp);
    v
}

/// How far (as a fraction of the values) the estimate `e` of quantile `q`
/// ranks from `q`: 0 when some value equal to `e`, or a gap holding `e`,
/// sits at rank `q·(n − 1)`. A mixed centroid at the edge of a run of
/// equal values has a mean a little off the run's value, which would rank
/// as far as the run is long: an estimate within 1 % of the gap to the
/// next distinct value counts as that value.
fn rank_error(sorted: &[f64], q: f64, e: f64) -> f64 {
    let n = sorted.len() as f64;
    let i = sorted.partition_point(|&x| x < e);
    let e = match (i.checked_sub(1).map(|j| sorted[j]), sorted.get(i).copied()) {
        (Some(b), Some(a)) if e - b <= 0.01 * (a - b) => b,
        (Some(b), Some(a)) if a - e <= 0.01 * (a - b) => a,
        _ => e,
    };
    let below = sorted.partition_point(|&x| x < e) as f64;
    let at_most = sorted.partition_point(|&x| x <= e) as f64;
    let target = q * (n - 1.0);
    // Ranks `below ..= at_most - 1` hold `e`; a value between two
    // neighbours ranks between them.
    let (lo, hi) = if at_most > below { (below, at_most - 1.0) } else { (below - 1.0, below) };
    (lo - target).max(target - hi).max(0.0) / n
}

/// The rank error allowed at quantile `q`: t-digest's error shrinks with
/// q(1 − q) under k₁; the measured worst is well inside (printed by
/// `tdigest_error_is_within_bound`).
fn rank_bound(q: f64) -> f64 {
    0.002 + 0.02 * q * (1.0 - q)
}

/// Asserts the rank error of `e`, the estimate of `q` over `sorted`, and returns it.
fn check_rank(sorted: &[f64], q: f64, e: Option<f64>, what: &str) -> f64 {
    let err = rank_error(sorted, q, e.unwrap_or_else(|| panic!("{what}: null")));
    assert!(err <= rank_bound(q), "{what}, q = {q}: rank error {err}");
    err
}

#[test]
fn tdigest_error_is_within_bound() {
    // One digest per shape answers every quantile (the aggregate keeps one
    // per `quantile_approx(q)`, fed alike).
    let mut rng = Rng(42);
    let (mut mid, mut tails) = (0.0f64, 0.0f64);
    for n in [100_000, 1_000_000] {
        let b = quantile_shapes(&mut rng, n);
        for s in QSHAPES {
            let a = arrow::compute::cast(column(&b, s), &arrow::datatypes::DataType::Float64).unwrap();
            let mut d = super::tdigest::Digest::default();
            a.as_primitive::<Float64Type>().values().iter().for_each(|&v| d.add(v));
            d.flush();
            let sorted = sorted_values(&b, s);
            for q in QS {
                let err = check_rank(&sorted, q, d.quantile(Some(q)), &format!("{n} {s}"));
                if (0.25..=0.75).contains(&q) {
                    mid = mid.max(err);
                } else if !(0.01..=0.99).contains(&q) {
                    tails = tails.max(err);
                }
            }
            check_rank(&sorted, 0.5, d.quantile(None), &format!("{n} {s} median"));
        }
    }
    eprintln!(
        "quantile_approx: worst rank error {mid:.5} for q in [0.25, 0.75], {tails:.5} at q = 0.001, 0.999"
    );
}

#[test]
fn tdigest_merges_stay_within_bound() {
    let mut rng = Rng(9);
    let b = quantile_shapes(&mut rng, 100_000);
    let aggs: Vec<Expr> = QSHAPES
        .iter()
        .flat_map(|s| {
            [
                col(*s).median_approx().alias(format!("{s} 0.5")),
                col(*s).quantile_approx(0.01).alias(format!("{s} 0.01")),
                col(*s).quantile_approx(0.99).alias(format!("{s} 0.99")),
            ]
        })
        .collect();
    let sorted: Vec<Vec<f64>> = QSHAPES.iter().map(|s| sorted_values(&b, s)).collect();
    for (parts, fan_in) in [(1, 2), (2, 2), (7, 3), (64, 8), (1000, 2)] {
        let merged = split(&b, &[], &aggs, parts, fan_in);
        for (s, sorted) in QSHAPES.iter().zip(&sorted) {
            for q in [0.5, 0.01, 0.99] {
                let what = format!("{parts} partitions, fan-in {fan_in}, {s}");
                check_rank(sorted, q, floats(&merged, &format!("{s} {q}"))[0], &what);
            }
            // Ten distinct values stay exact through any merge.
            if *s == "dups" {
                let half = sorted.len() / 2;
                assert_eq!(floats(&merged, "dups 0.5")[0], Some((sorted[half - 1] + sorted[half]) / 2.0));
            }
        }
    }
    // The same partitioning and tree give the same digest.
    assert_eq!(split(&b, &[], &aggs, 7, 3), split(&b, &[], &aggs, 7, 3));
}

#[test]
fn tdigest_by_group_within_bound_across_partitions() {
    let mut rng = Rng(11);
    let n = 200_000;
    // Groups of 10, 1e3 and ~1e5 values.
    let k: Int64Array = (0..n)
        .map(|i| {
            Some(match i % 200 {
                0 => 0,
                1..=2 => 1 + rng.below(50) as i64,
                _ => 100,
            })
        })
        .collect();
    let v: Float64Array = (0..n).map(|_| rng.chance(97).then(|| (normal(&mut rng)).exp())).collect();
    let b = batch(vec![("k", Arc::new(k)), ("v", Arc::new(v))]);
    let aggs = [
        col("v").median().alias("m"),
        col("v").median_approx().alias("ma"),
        col("v").quantile(0.9).alias("q"),
        col("v").quantile_approx(0.9).alias("qa"),
    ];
    // Each group's sorted values.
    let mut by_key: std::collections::BTreeMap<i64, Vec<f64>> = Default::default();
    let (ks, vs) =
        (column(&b, "k").as_primitive::<Int64Type>(), column(&b, "v").as_primitive::<Float64Type>());
    for (k, v) in ks.iter().zip(vs.iter()) {
        let values = by_key.entry(k.unwrap()).or_default();
        values.extend(v);
    }
    by_key.values_mut().for_each(|v| v.sort_by(f64::total_cmp));
    for (parts, fan_in) in [(1, 2), (3, 2), (16, 3), (100, 8)] {
        let out = split(&b, &["k"], &aggs, parts, fan_in);
        let keys = ints(&out, "k");
        for (exact, approx, q) in [("m", "ma", 0.5), ("q", "qa", 0.9)] {
            for ((e, a), key) in floats(&out, exact).iter().zip(floats(&out, approx)).zip(&keys) {
                let (e, a, xs) = (e.unwrap(), a.unwrap(), &by_key[&key.unwrap()]);
                if xs.len() <= 500 {
                    // Small groups keep every value: pandas' result.
                    assert_eq!(a, e, "group {key:?}, {parts} partitions");
                } else {
                    let err = rank_error(xs, q, a);
                    assert!(err <= rank_bound(q), "group {key:?}, {parts} partitions: rank error {err}");
                }
            }
        }
    }
}

#[test]
fn tdigest_small_groups_nulls_and_nan_as_exact() {
    let b = batch(vec![
        ("k", Arc::new(Int64Array::from(vec![1, 1, 2, 1, 3, 1, 2, 4, 5, 5, 6, 6, 6]))),
        (
            "v",
            Arc::new(Float64Array::from(vec![
                Some(4.0),
                Some(1.0),
                Some(10.0),
                Some(3.0),
                None,
                Some(2.0),
                None,
                Some(7.0),
                Some(f64::NAN),
                Some(1.0),
                Some(f64::NAN),
                Some(2.0),
                Some(-0.0),
            ])),
        ),
        ("i", Arc::new(Int32Array::from(vec![4, 1, 10, 3, 0, 2, 5, 7, 1, 1, 9, 9, 8]))),
        (
            "b",
            Arc::new(BooleanArray::from(vec![
                true, false, true, true, true, false, true, true, false, true, false, true, true,
            ])),
        ),
    ]);
    let mut aggs = vec![
        col("v").median().alias("median"),
        col("v").median_approx().alias("median~"),
        col("i").median().alias("imedian"),
        col("i").median_approx().alias("imedian~"),
        col("b").median().alias("bmedian"),
        col("b").median_approx().alias("bmedian~"),
    ];
    for q in [0.0, 0.25, 0.5, 0.9, 1.0] {
        aggs.push(col("v").quantile(q).alias(format!("q{q}")));
        aggs.push(col("v").quantile_approx(q).alias(format!("q{q}~")));
    }
    let names: Vec<String> = aggs.iter().map(Expr::output_name).filter(|n| !n.ends_with('~')).collect();
    for (keys, rows) in
        [(&["k"][..], 0..13), (&["k"][..], 1..6), (&[][..], 0..13), (&[][..], 0..0), (&[][..], 4..5)]
    {
        let out = super::tests::groupby(&b.slice(rows.start, rows.len()), keys, &aggs);
        for n in &names {
            let (e, a) = (floats(&out, n), floats(&out, &format!("{n}~")));
            let same = e.iter().zip(&a).all(|(e, a)| match (e, a) {
                (Some(e), Some(a)) => e == a || (e.is_nan() && a.is_nan()),
                (e, a) => e == a,
            });
            assert!(same, "{n} {keys:?} {rows:?}: {a:?} vs exact {e:?}");
        }
    }
    let out = super::tests::groupby(&b, &["k"], &aggs);
    // Group 3 is all null, group 5 holds a NaN (ranked last), group 6 two
    // NaN-free values below a NaN.
    assert_eq!(floats(&out, "median~")[2], None);
    assert!(floats(&out, "median~")[4].unwrap().is_nan());
    assert_eq!(floats(&out, "q0~")[5], Some(-0.0));
}

#[test]
fn tdigest_state_is_bounded() {
    let b = quantile_shapes(&mut Rng(1), 100_000);
    let (s, _) = specs(&[col("normal").median_approx(), col("normal").quantile_approx(0.99)]);
    let state = partial(&b, &[], &s, GroupOptions::default()).unwrap();
    for i in 0..2 {
        let bytes = state.column(i).as_binary::<i64>().value(0).len();
        // Kind, NaN count, min, max and at most ~δ centroids of 16 bytes.
        assert!(bytes <= 25 + 16 * 110, "{bytes} bytes");
    }
    // A small group keeps its values: 8 bytes each.
    let small = partial(&b.slice(0, 10), &[], &s, GroupOptions::default()).unwrap();
    // A small group keeps its values: format, NaNs, min, max, 16 bytes each.
    assert_eq!(small.column(0).as_binary::<i64>().value(0).len(), 25 + 16 * 10);
}

// ---- timing ---------------------------------------------------------------------

/// This thread's CPU time in ms (`/proc/thread-self/schedstat`), so a
/// measurement on a loaded machine counts only the time it ran.
fn cpu_ms() -> f64 {
    std::fs::read_to_string("/proc/thread-self/schedstat")
        .ok()
        .and_then(|s| s.split_whitespace().next().and_then(|t| t.parse::<f64>().ok()))
        .map_or(f64::NAN, |ns| ns / 1e6)
}

/// Timing of the approximate aggregates against the exact ones, in release
/// mode (one thread, one 1e7-row batch, int64 key of 100 groups):
/// `cargo test --release -p rusk-ops sketch_tests::timing -- --ignored --nocapture`;
/// `RUSK_TIMING=<substring>` runs the matching cases only.
#[test]
#[ignore = "a measurement, not a test"]
fn timing() {
    const N: usize = 10_000_000;
    let mut rng = Rng(1);
    let id4: Int64Array = (0..N).map(|_| Some(1 + rng.below(100) as i64)).collect();
    let id6: Int64Array = (0..N).map(|_| Some(1 + rng.below(100_000) as i64)).collect();
    let v3: Float64Array = (0..N).map(|_| Some(rng.below(100_000_000) as f64 / 1e6)).collect();
    let id3: StringViewArray = (0..N).map(|_| Some(format!("id{:010}", 1 + rng.below(100_000)))).collect();
    let b = batch(vec![
        ("id4", Arc::new(id4)),
        ("id6", Arc::new(id6)),
        ("v3", Arc::new(v3)),
        ("id3", Arc::new(id3)),
    ]);
    let filter = std::env::var("RUSK_TIMING").unwrap_or_default();
    let time = |label: &str, agg: Expr| {
        if !label.contains(filter.as_str()) {
            return;
        }
        let keys = vec![col("id4")];
        let (specs, names) = specs(&[agg]);
        let (mut wall, mut cpu) = (f64::MAX, f64::MAX);
        let mut state_bytes = 0;
        let mut groups = 0;
        for _ in 0..5 {
            let (t, c) = (std::time::Instant::now(), cpu_ms());
            let state = partial(&b, &keys, &specs, GroupOptions::default()).unwrap();
            let out = finish(&state, 1, &specs, &names, GroupOptions::default()).unwrap();
            wall = wall.min(t.elapsed().as_secs_f64() * 1e3);
            cpu = cpu.min(cpu_ms() - c);
            state_bytes = state.column(1).get_array_memory_size();
            groups = out.num_rows();
        }
        println!(
            "{label:<40} {wall:7.1} ms wall {cpu:7.1} ms cpu, state {:8.1} KiB ({:6.0} B a group)",
            state_bytes as f64 / 1024.0,
            state_bytes as f64 / groups as f64
        );
    };
    time("nunique int64 (1e5 distinct)", col("id6").nunique());
    time("nunique_approx int64 (1e5 distinct)", col("id6").nunique_approx());
    time("nunique f64 (~1e7 distinct)", col("v3").nunique());
    time("nunique_approx f64 (~1e7 distinct)", col("v3").nunique_approx());
    time("nunique Utf8View (1e5 distinct)", col("id3").nunique());
    time("nunique_approx Utf8View (1e5 distinct)", col("id3").nunique_approx());
    time("median f64", col("v3").median());
    time("median_approx f64", col("v3").median_approx());
    time("quantile(0.9) f64", col("v3").quantile(0.9));
    time("quantile_approx(0.9) f64", col("v3").quantile_approx(0.9));
}
