//! Tests across the aggregate kernels: helpers the per-file tests share,
//! merges of random splits against one-shot partials, the options, key
//! types, whole-frame reductions, and a timing run (ignored by default).

use std::sync::Arc;

use arrow::array::*;
use arrow::datatypes::{DataType, Float64Type, Int32Type};

use super::*;
use crate::expr::{col, corr, lit, size, Expr};

/// The specs and output names of aggregate expressions.
pub(super) fn specs(aggs: &[Expr]) -> (Vec<AggregateSpec>, Vec<String>) {
    aggs.iter()
        .map(|e| match e.unalias() {
            Expr::Aggregate { func, args } => {
                (AggregateSpec { func: *func, args: args.clone() }, e.output_name())
            }
            other => panic!("not an aggregate: {other}"),
        })
        .unzip()
}

/// A batch of named columns.
pub(super) fn batch(cols: Vec<(&str, ArrayRef)>) -> RecordBatch {
    RecordBatch::try_from_iter(cols).unwrap()
}

/// `groupby(keys, sort, dropna).agg(aggs)` in one partial, checked against
/// every row as its own partition (after an empty one), merged as a tree.
pub(super) fn groupby_with(
    b: &RecordBatch,
    keys: &[&str],
    aggs: &[Expr],
    options: GroupOptions,
) -> RecordBatch {
    let keys: Vec<Expr> = keys.iter().map(|k| col(*k)).collect();
    let (specs, names) = specs(aggs);
    let state = partial(b, &keys, &specs, options).unwrap();
    let want_schema = state_schema(b.schema().as_ref(), &keys, &specs).unwrap();
    assert_eq!(state.schema().fields(), want_schema.fields());
    let one = finish(&state, keys.len(), &specs, &names, options).unwrap();
    // Each result has the type and nullability the plan promises.
    for (i, spec) in specs.iter().enumerate() {
        let types: Vec<DataType> = spec.args.iter().map(|a| a.data_type(&b.schema()).unwrap()).collect();
        let field = one.schema().field(keys.len() + i).clone();
        assert_eq!(field.data_type(), &output_type(&spec.func, &types).unwrap(), "{}", field.name());
        assert_eq!(field.is_nullable(), output_nullable(&spec.func), "{}", field.name());
    }

    let mut states = vec![partial(&b.slice(0, 0), &keys, &specs, options).unwrap()];
    states.extend((0..b.num_rows()).map(|i| partial(&b.slice(i, 1), &keys, &specs, options).unwrap()));
    while states.len() > 1 {
        states = states.chunks(2).map(|c| merge(c, keys.len(), &specs).unwrap()).collect();
    }
    let split = finish(&states[0], keys.len(), &specs, &names, options).unwrap();
    assert_same(&one, &split, 1e-9);
    one
}

/// [`groupby_with`] with pandas' defaults (`sort=True, dropna=True`).
pub(super) fn groupby(b: &RecordBatch, keys: &[&str], aggs: &[Expr]) -> RecordBatch {
    groupby_with(b, keys, aggs, GroupOptions::default())
}

/// The column `name` of `b`.
pub(super) fn column<'a>(b: &'a RecordBatch, name: &str) -> &'a ArrayRef {
    b.column_by_name(name).unwrap_or_else(|| panic!("no column {name} in {:?}", b.schema()))
}

/// Asserts column `name` equals `want`.
pub(super) fn assert_column(b: &RecordBatch, name: &str, want: impl Array) {
    assert_eq!(column(b, name).as_ref(), &want as &dyn Array, "column {name}");
}

/// Asserts the float64 column `name` equals `want` to 1e-12 relative.
pub(super) fn assert_floats(b: &RecordBatch, name: &str, want: &[Option<f64>]) {
    let got = column(b, name).as_primitive::<arrow::datatypes::Float64Type>();
    let got: Vec<Option<f64>> = got.iter().collect();
    assert_eq!(got.len(), want.len(), "column {name}: {got:?} vs {want:?}");
    for (g, w) in got.iter().zip(want) {
        assert!(close(*g, *w, 1e-12), "column {name}: {got:?} vs {want:?}");
    }
}

fn close(a: Option<f64>, b: Option<f64>, tol: f64) -> bool {
    match (a, b) {
        (None, None) => true,
        (Some(a), Some(b)) => {
            (a.is_nan() && b.is_nan()) || a == b || (a - b).abs() <= tol * a.abs().max(b.abs()).max(1e-300)
        }
        _ => false,
    }
}

/// Asserts two results are equal: exactly, but float64 columns to `tol` relative.
pub(super) fn assert_same(a: &RecordBatch, b: &RecordBatch, tol: f64) {
    assert_eq!(a.schema(), b.schema());
    for (i, (x, y)) in a.columns().iter().zip(b.columns()).enumerate() {
        if x.data_type() == &DataType::Float64 {
            let (x, y) = (x.as_primitive::<Float64Type>(), y.as_primitive::<Float64Type>());
            for (p, q) in x.iter().zip(y.iter()) {
                assert!(close(p, q, tol), "column {}: {p:?} vs {q:?}", a.schema().field(i).name());
            }
        } else {
            assert_eq!(x, y, "column {}", a.schema().field(i).name());
        }
    }
}

/// splitmix64: a seeded generator for the random tests.
pub(super) struct Rng(pub u64);

impl Rng {
    pub(super) fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }
    pub(super) fn below(&mut self, n: u64) -> u64 {
        if n == 0 {
            0
        } else {
            self.next() % n
        }
    }
    pub(super) fn chance(&mut self, percent: u64) -> bool {
        self.below(100) < percent
    }
}

fn random_batch(rng: &mut Rng, n: usize) -> RecordBatch {
    let null_pct = rng.below(40);
    let opt = |rng: &mut Rng| !rng.chance(null_pct);
    let groups = 1 + rng.below(12);
    let k_int: Int64Array = (0..n).map(|_| opt(rng).then(|| rng.below(groups) as i64 - 3)).collect();
    let strs = ["id001", "id002", "a", "", "a rather long key, past 12 bytes", "another long key string!"];
    let k_str: StringViewArray =
        (0..n).map(|_| opt(rng).then(|| strs[rng.below(groups.min(6)) as usize])).collect();
    let k_dict: DictionaryArray<Int32Type> =
        (0..n).map(|_| opt(rng).then(|| strs[rng.below(6) as usize])).collect();
    let wide = rng.chance(30);
    let v_int: Int64Array = (0..n)
        .map(|_| opt(rng).then(|| if wide { rng.next() as i64 } else { rng.below(2000) as i64 - 1000 }))
        .collect();
    let v_f: Float64Array =
        (0..n).map(|_| opt(rng).then(|| 1e6 + (rng.below(1_000_000) as f64) / 1e3)).collect();
    let v_s: StringArray = (0..n).map(|_| opt(rng).then(|| strs[rng.below(6) as usize])).collect();
    let v_b: BooleanArray = (0..n).map(|_| opt(rng).then(|| rng.chance(50))).collect();
    let v_small: Int32Array = (0..n).map(|_| opt(rng).then(|| rng.below(4) as i32)).collect();
    batch(vec![
        ("k_int", Arc::new(k_int)),
        ("k_str", Arc::new(k_str)),
        ("k_dict", Arc::new(k_dict)),
        ("v_int", Arc::new(v_int)),
        ("v_f", Arc::new(v_f)),
        ("v_s", Arc::new(v_s)),
        ("v_b", Arc::new(v_b)),
        ("v_small", Arc::new(v_small)),
    ])
}

fn every_aggregate() -> Vec<Expr> {
    let v = || col("v_int");
    let f = || col("v_f");
    let s = || col("v_s");
    let b = || col("v_b");
    let named = |e: Expr, n: &str| e.alias(n);
    vec![
        named(v().sum(), "sum_i"),
        named(col("v_small").prod(), "prod_i"),
        named(v().prod(), "prod_wrap"),
        named(v().mean(), "mean_i"),
        named(v().count(), "count_i"),
        named(size(), "size"),
        named(v().min(), "min_i"),
        named(v().max(), "max_i"),
        named(v().var(), "var_i"),
        named(v().std_ddof(0), "std0_i"),
        named(v().first(), "first_i"),
        named(v().last(), "last_i"),
        named(v().nunique(), "nunique_i"),
        named(v().median(), "median_i"),
        named(v().quantile(0.3), "q30_i"),
        named(v().any(), "any_i"),
        named(v().all(), "all_i"),
        named(f().sum(), "sum_f"),
        named(f().mean(), "mean_f"),
        named(f().var_ddof(0), "var0_f"),
        named(f().std(), "std_f"),
        named(f().min(), "min_f"),
        named(f().max(), "max_f"),
        named(f().median(), "median_f"),
        named(f().quantile(0.75), "q75_f"),
        named(corr(f(), col("v_small")), "corr"),
        named(s().min(), "min_s"),
        named(s().max(), "max_s"),
        named(s().first(), "first_s"),
        named(s().last(), "last_s"),
        named(s().nunique(), "nunique_s"),
        named(s().count(), "count_s"),
        named(b().any(), "any_b"),
        named(b().all(), "all_b"),
        named(b().sum(), "sum_b"),
        named(b().min(), "min_b"),
        named(b().max(), "max_b"),
        named(col("k_dict").first(), "first_d"),
        named(col("k_dict").nunique(), "nunique_d"),
    ]
}

/// Merges `states` (in order) as a random tree of random fan-in.
fn random_tree(
    rng: &mut Rng,
    mut states: Vec<RecordBatch>,
    num_keys: usize,
    specs: &[AggregateSpec],
) -> RecordBatch {
    loop {
        if states.len() == 1 && !rng.chance(30) {
            return states.remove(0);
        }
        let mut next = Vec::new();
        let mut rest = states.as_slice();
        while !rest.is_empty() {
            let k = (1 + rng.below(4) as usize).min(rest.len());
            let (now, later) = rest.split_at(k);
            next.push(if k == 1 && rng.chance(50) {
                now[0].clone()
            } else {
                merge(now, num_keys, specs).unwrap()
            });
            rest = later;
        }
        states = next;
    }
}

#[test]
fn merges_of_random_splits_equal_one_partial() {
    let mut rng = Rng(20261124);
    let key_sets: [&[&str]; 7] =
        [&[], &["k_int"], &["k_str"], &["k_dict"], &["k_int", "k_str"], &["k_dict", "k_int"], &["v_b"]];
    for case in 0..150 {
        let n = match rng.below(10) {
            0 => 0,
            1 => 1,
            _ => rng.below(300) as usize,
        };
        let b = random_batch(&mut rng, n);
        let keys: Vec<Expr> = key_sets[case % key_sets.len()].iter().map(|k| col(*k)).collect();
        let (specs, names) = specs(&every_aggregate());
        let options = GroupOptions { sort: rng.chance(50), dropna: rng.chance(50) };
        let whole = partial(&b, &keys, &specs, options).unwrap();
        let one = finish(&whole, keys.len(), &specs, &names, options).unwrap();

        let mut cuts: Vec<usize> = (0..rng.below(8)).map(|_| rng.below(n as u64 + 1) as usize).collect();
        cuts.extend([0, n]);
        cuts.sort();
        let states: Vec<RecordBatch> = cuts
            .windows(2)
            .map(|w| partial(&b.slice(w[0], w[1] - w[0]), &keys, &specs, options).unwrap())
            .collect();
        let merged = random_tree(&mut rng, states, keys.len(), &specs);
        assert_eq!(merged.schema(), whole.schema());
        let split = finish(&merged, keys.len(), &specs, &names, options).unwrap();
        assert_same(&one, &split, 1e-9);
        if keys.is_empty() {
            assert_eq!(one.num_rows(), 1);
        }
    }
}

#[test]
fn results_match_a_row_by_row_oracle() {
    use std::collections::{BTreeMap, BTreeSet};
    let mut rng = Rng(7);
    for _ in 0..40 {
        let n = rng.below(500) as usize;
        let b = random_batch(&mut rng, n);
        let options = GroupOptions { sort: true, dropna: false };
        let out = groupby_with(
            &b,
            &["k_int"],
            &[
                col("v_int").sum().alias("sum"),
                col("v_int").count().alias("count"),
                size().alias("size"),
                col("v_int").min().alias("min"),
                col("v_int").max().alias("max"),
                col("v_int").first().alias("first"),
                col("v_int").last().alias("last"),
                col("v_int").nunique().alias("nunique"),
                col("v_small").median().alias("median"),
            ],
            options,
        );
        // The oracle: None (the null key) sorts last, as pandas' sort=True.
        #[derive(Default)]
        struct G {
            sum: i64,
            count: i64,
            size: i64,
            vals: Vec<i64>,
            small: Vec<f64>,
        }
        let mut groups: BTreeMap<(bool, i64), G> = BTreeMap::new();
        let k = b.column(0).as_primitive::<arrow::datatypes::Int64Type>();
        let v = b.column(3).as_primitive::<arrow::datatypes::Int64Type>();
        let s = b.column(7).as_primitive::<Int32Type>();
        for i in 0..n {
            let g = groups.entry((k.is_null(i), if k.is_null(i) { 0 } else { k.value(i) })).or_default();
            g.size += 1;
            if v.is_valid(i) {
                g.sum = g.sum.wrapping_add(v.value(i));
                g.count += 1;
                g.vals.push(v.value(i));
            }
            if s.is_valid(i) {
                g.small.push(f64::from(s.value(i)));
            }
        }
        let keys: Int64Array = groups.keys().map(|&(null, k)| (!null).then_some(k)).collect();
        assert_column(&out, "k_int", keys);
        assert_column(&out, "sum", groups.values().map(|g| g.sum).collect::<Int64Array>());
        assert_column(&out, "count", groups.values().map(|g| g.count).collect::<Int64Array>());
        assert_column(&out, "size", groups.values().map(|g| g.size).collect::<Int64Array>());
        assert_column(
            &out,
            "min",
            groups.values().map(|g| g.vals.iter().min().copied()).collect::<Int64Array>(),
        );
        assert_column(
            &out,
            "max",
            groups.values().map(|g| g.vals.iter().max().copied()).collect::<Int64Array>(),
        );
        assert_column(
            &out,
            "first",
            groups.values().map(|g| g.vals.first().copied()).collect::<Int64Array>(),
        );
        assert_column(&out, "last", groups.values().map(|g| g.vals.last().copied()).collect::<Int64Array>());
        let nunique = groups.values().map(|g| g.vals.iter().collect::<BTreeSet<_>>().len() as i64);
        assert_column(&out, "nunique", nunique.collect::<Int64Array>());
        let median: Vec<Option<f64>> = groups
            .values_mut()
            .map(|g| {
                g.small.sort_by(f64::total_cmp);
                let m = g.small.len();
                (m > 0).then(|| (g.small[(m - 1) / 2] + g.small[m / 2]) / 2.0)
            })
            .collect();
        assert_floats(&out, "median", &median);
    }
}

fn keyed() -> RecordBatch {
    batch(vec![
        ("k", Arc::new(Int64Array::from(vec![Some(3), None, Some(1), Some(3), None, Some(2)]))),
        ("s", Arc::new(StringArray::from(vec![Some("b"), Some("a"), None, Some("b"), Some("a"), None]))),
        ("v", Arc::new(Int64Array::from(vec![1, 2, 3, 4, 5, 6]))),
    ])
}

#[test]
fn sort_and_dropna_follow_pandas() {
    let b = keyed();
    let aggs = [col("v").sum()];
    let run = |sort, dropna| groupby_with(&b, &["k"], &aggs, GroupOptions { sort, dropna });
    let out = run(true, true);
    assert_column(&out, "k", Int64Array::from(vec![1, 2, 3]));
    assert_column(&out, "v.sum()", Int64Array::from(vec![3, 6, 5]));
    let out = run(false, true);
    assert_column(&out, "k", Int64Array::from(vec![3, 1, 2]));
    assert_column(&out, "v.sum()", Int64Array::from(vec![5, 3, 6]));
    let out = run(true, false);
    assert_column(&out, "k", Int64Array::from(vec![Some(1), Some(2), Some(3), None]));
    assert_column(&out, "v.sum()", Int64Array::from(vec![3, 6, 5, 7]));
    let out = run(false, false);
    assert_column(&out, "k", Int64Array::from(vec![Some(3), None, Some(1), Some(2)]));
    assert_column(&out, "v.sum()", Int64Array::from(vec![5, 7, 3, 6]));
}

#[test]
fn several_keys_with_nulls() {
    let b = keyed();
    let aggs = [size(), col("v").max()];
    let out = groupby_with(&b, &["s", "k"], &aggs, GroupOptions { sort: true, dropna: false });
    assert_column(&out, "s", StringArray::from(vec![Some("a"), Some("b"), None, None]));
    assert_column(&out, "k", Int64Array::from(vec![None, Some(3), Some(1), Some(2)]));
    assert_column(&out, "size()", Int64Array::from(vec![2, 2, 1, 1]));
    assert_column(&out, "v.max()", Int64Array::from(vec![5, 4, 3, 6]));
    let out = groupby_with(&b, &["s", "k"], &aggs, GroupOptions { sort: false, dropna: true });
    assert_column(&out, "s", StringArray::from(vec!["b"]));
    assert_column(&out, "k", Int64Array::from(vec![3]));
    // A key of one row that is null in one column only is still dropped.
    let out = groupby_with(&b, &["k", "s"], &aggs, GroupOptions { sort: false, dropna: false });
    assert_eq!(out.num_rows(), 4);
    assert_column(&out, "k", Int64Array::from(vec![Some(3), None, Some(1), Some(2)]));
}

#[test]
fn string_keys_of_every_kind_group_alike() {
    let long = "a key longer than twelve bytes";
    let values = vec![Some("id002"), Some(long), None, Some("id001"), Some("id002"), Some(long), Some("")];
    let v: ArrayRef = Arc::new(Int64Array::from(vec![1, 2, 3, 4, 5, 6, 7]));
    let keys: Vec<ArrayRef> = vec![
        Arc::new(StringArray::from(values.clone())),
        Arc::new(LargeStringArray::from(values.clone())),
        Arc::new(StringViewArray::from(values.clone())),
        Arc::new(values.iter().copied().collect::<DictionaryArray<Int32Type>>()),
    ];
    for key in keys {
        let plain = key_output_type(key.data_type());
        let b = batch(vec![("k", Arc::clone(&key)), ("v", Arc::clone(&v))]);
        let out = groupby_with(&b, &["k"], &[col("v").sum()], GroupOptions { sort: false, dropna: false });
        let want = arrow::compute::cast(
            &StringArray::from(vec![Some("id002"), Some(long), None, Some("id001"), Some("")]),
            &plain,
        )
        .unwrap();
        assert_eq!(column(&out, "k"), &want, "{}", key.data_type());
        assert_column(&out, "v.sum()", Int64Array::from(vec![6, 8, 3, 4, 7]));
        let sorted = groupby(&b, &["k"], &[col("v").sum()]);
        let want =
            arrow::compute::cast(&StringArray::from(vec!["", long, "id001", "id002"]), &plain).unwrap();
        assert_eq!(column(&sorted, "k"), &want);
        assert_column(&sorted, "v.sum()", Int64Array::from(vec![7, 8, 4, 6]));
    }
}

#[test]
fn dictionary_keys_ignore_unused_values_and_map_null_values() {
    // Values: 0 "x", 1 "unused", 2 null, 3 "y"; codes 3 0 null 2 3 (sliced from 1).
    let values = StringArray::from(vec![Some("x"), Some("unused"), None, Some("y")]);
    let codes = Int8Array::from(vec![Some(0), Some(3), Some(0), None, Some(2), Some(3)]);
    let dict = DictionaryArray::<arrow::datatypes::Int8Type>::try_new(codes, Arc::new(values)).unwrap();
    let b = batch(vec![("k", Arc::new(dict)), ("v", Arc::new(Int64Array::from(vec![100, 1, 2, 3, 4, 5])))])
        .slice(1, 5);
    let out = groupby_with(&b, &["k"], &[col("v").sum()], GroupOptions { sort: false, dropna: false });
    assert_column(&out, "k", StringArray::from(vec![Some("y"), Some("x"), None]));
    assert_column(&out, "v.sum()", Int64Array::from(vec![6, 2, 7]));
    let out = groupby(&b, &["k"], &[col("v").sum()]);
    assert_column(&out, "k", StringArray::from(vec!["x", "y"]));
    assert_column(&out, "v.sum()", Int64Array::from(vec![2, 6]));
}

#[test]
fn primitive_keys_keep_their_type() {
    let v: ArrayRef = Arc::new(Int64Array::from(vec![1, 2, 3, 4, 5]));
    let tz = Some(Arc::from("+01:00"));
    let cases: Vec<(ArrayRef, ArrayRef, Vec<i64>)> = vec![
        (
            Arc::new(Int8Array::from(vec![Some(-1), Some(2), Some(-1), None, Some(2)])),
            Arc::new(Int8Array::from(vec![-1, 2])),
            vec![4, 7],
        ),
        (
            Arc::new(UInt64Array::from(vec![u64::MAX, 0, u64::MAX, 0, 7])),
            Arc::new(UInt64Array::from(vec![0, 7, u64::MAX])),
            vec![6, 5, 4],
        ),
        (
            Arc::new(Float64Array::from(vec![0.0, -0.0, f64::NAN, 1.5, f64::NAN])),
            Arc::new(Float64Array::from(vec![0.0, 1.5, f64::NAN])),
            vec![3, 4, 8],
        ),
        (
            Arc::new(BooleanArray::from(vec![Some(true), Some(false), None, Some(true), Some(true)])),
            Arc::new(BooleanArray::from(vec![false, true])),
            vec![2, 10],
        ),
        (
            Arc::new(Date32Array::from(vec![Some(19000), None, Some(18000), Some(19000), Some(18000)])),
            Arc::new(Date32Array::from(vec![18000, 19000])),
            vec![8, 5],
        ),
        (
            Arc::new(TimestampNanosecondArray::from(vec![5, 5, 1, 1, 1]).with_timezone_opt(tz.clone())),
            Arc::new(TimestampNanosecondArray::from(vec![1, 5]).with_timezone_opt(tz.clone())),
            vec![12, 3],
        ),
        (
            Arc::new(Decimal128Array::from(vec![5, 5, 1, 1, 1]).with_precision_and_scale(10, 2).unwrap()),
            Arc::new(Decimal128Array::from(vec![1, 5]).with_precision_and_scale(10, 2).unwrap()),
            vec![12, 3],
        ),
    ];
    for (key, want_key, want_sum) in cases {
        let b = batch(vec![("k", key), ("v", Arc::clone(&v))]);
        let out = groupby(&b, &["k"], &[col("v").sum()]);
        assert_eq!(column(&out, "k"), &want_key, "{}", want_key.data_type());
        assert_column(&out, "v.sum()", Int64Array::from(want_sum));
    }
}

#[test]
fn whole_frame_reductions_give_one_row_even_for_no_rows() {
    let empty = batch(vec![
        ("v", Arc::new(Int64Array::from(Vec::<i64>::new()))),
        ("f", Arc::new(Float64Array::from(Vec::<f64>::new()))),
        ("s", Arc::new(StringViewArray::from(Vec::<&str>::new()))),
        ("b", Arc::new(BooleanArray::from(Vec::<bool>::new()))),
    ]);
    let aggs = [
        col("v").sum().alias("sum"),
        col("v").prod().alias("prod"),
        col("v").count().alias("count"),
        size().alias("size"),
        col("v").mean().alias("mean"),
        col("v").min().alias("min"),
        col("s").max().alias("max"),
        col("v").var().alias("var"),
        col("f").std().alias("std"),
        col("s").first().alias("first"),
        col("v").last().alias("last"),
        col("s").nunique().alias("nunique"),
        col("f").median().alias("median"),
        col("f").quantile(0.1).alias("quantile"),
        col("b").any().alias("any"),
        col("b").all().alias("all"),
        corr(col("v"), col("f")).alias("corr"),
    ];
    for b in [empty.clone(), empty.slice(0, 0)] {
        let out = groupby(&b, &[], &aggs);
        assert_eq!(out.num_rows(), 1);
        assert_eq!(out.num_columns(), aggs.len());
        assert_column(&out, "sum", Int64Array::from(vec![0]));
        assert_column(&out, "prod", Int64Array::from(vec![1]));
        assert_column(&out, "count", Int64Array::from(vec![0]));
        assert_column(&out, "size", Int64Array::from(vec![0]));
        assert_column(&out, "nunique", Int64Array::from(vec![0]));
        assert_column(&out, "any", BooleanArray::from(vec![false]));
        assert_column(&out, "all", BooleanArray::from(vec![true]));
        for name in ["mean", "var", "std", "median", "quantile", "corr"] {
            assert_floats(&out, name, &[None]);
        }
        assert_column(&out, "min", Int64Array::from(vec![None]));
        assert_column(&out, "max", StringViewArray::from(vec![None::<&str>]));
        assert_column(&out, "first", StringViewArray::from(vec![None::<&str>]));
        assert_column(&out, "last", Int64Array::from(vec![None]));
        let schema = out.schema();
        assert!(!schema.field_with_name("sum").unwrap().is_nullable());
        assert!(schema.field_with_name("mean").unwrap().is_nullable());
    }
    // Keys over no rows: no group.
    let out = groupby(&empty, &["s"], &[col("v").sum()]);
    assert_eq!(out.num_rows(), 0);
    assert_eq!(column(&out, "s").data_type(), &DataType::Utf8View);
}

#[test]
fn whole_frame_reduction_of_rows() {
    let b = keyed();
    let out = groupby(&b, &[], &[col("v").sum(), col("k").mean(), col("s").nunique(), size()]);
    assert_column(&out, "v.sum()", Int64Array::from(vec![21]));
    assert_floats(&out, "k.mean()", &[Some(9.0 / 4.0)]);
    assert_column(&out, "s.nunique()", Int64Array::from(vec![2]));
    assert_column(&out, "size()", Int64Array::from(vec![6]));
}

#[test]
fn computed_keys_and_arguments() {
    let b = keyed();
    let keys = [(col("v") % 2).alias("odd")];
    let (specs, names) = specs(&[(col("v") * 10).sum().alias("s"), lit(1).sum().alias("ones")]);
    let options = GroupOptions::default();
    let state = partial(&b, &keys, &specs, options).unwrap();
    assert_eq!(state.schema(), state_schema(&b.schema(), &keys, &specs).unwrap());
    let out = finish(&state, 1, &specs, &names, options).unwrap();
    assert_column(&out, "odd", Int64Array::from(vec![0, 1]));
    assert_column(&out, "s", Int64Array::from(vec![120, 90]));
    assert_column(&out, "ones", Int64Array::from(vec![3, 3]));
}

#[test]
fn bad_inputs_are_errors() {
    let b = keyed();
    let schema = b.schema();
    let (sum_s, _) = specs(&[col("s").sum()]);
    assert!(matches!(state_schema(&schema, &[col("k")], &sum_s), Err(Error::Type { .. })));
    assert!(matches!(partial(&b, &[col("k")], &sum_s, GroupOptions::default()), Err(Error::Type { .. })));
    let (q, _) = specs(&[col("v").quantile(1.5)]);
    assert!(matches!(state_schema(&schema, &[], &q), Err(Error::InvalidArgument(_))));
    let (ok, names) = specs(&[col("v").sum()]);
    assert!(matches!(state_schema(&schema, &[col("nope")], &ok), Err(Error::ColumnNotFound { .. })));
    let state = partial(&b, &[col("k")], &ok, GroupOptions::default()).unwrap();
    assert!(matches!(merge(&[], 1, &ok), Err(Error::Internal(_))));
    assert!(matches!(merge(std::slice::from_ref(&state), 0, &ok), Err(Error::Internal(_))));
    assert!(matches!(finish(&state, 1, &ok, &[], GroupOptions::default()), Err(Error::Internal(_))));
    let other = partial(&b, &[col("s")], &ok, GroupOptions::default()).unwrap();
    assert!(matches!(merge(&[state, other], 1, &ok), Err(Error::Internal(_))));
    assert!(finish(
        &partial(&b, &[], &ok, GroupOptions::default()).unwrap(),
        0,
        &ok,
        &names,
        GroupOptions::default()
    )
    .is_ok());
}

/// This thread's CPU time in ms (`/proc/thread-self/schedstat`), so a
/// measurement on a loaded machine counts only the time it ran.
fn cpu_ms() -> f64 {
    std::fs::read_to_string("/proc/thread-self/schedstat")
        .ok()
        .and_then(|s| s.split_whitespace().next().and_then(|t| t.parse::<f64>().ok()))
        .map_or(f64::NAN, |ns| ns / 1e6)
}

/// Runs `f` five times (or `RUSK_TIMING_REPS`); the best wall and CPU times in ms.
fn best_of_5(mut f: impl FnMut()) -> (f64, f64) {
    let (mut wall, mut cpu) = (f64::MAX, f64::MAX);
    let reps = std::env::var("RUSK_TIMING_REPS").ok().and_then(|r| r.parse().ok()).unwrap_or(5);
    for _ in 0..reps {
        let (t, c) = (std::time::Instant::now(), cpu_ms());
        f();
        wall = wall.min(t.elapsed().as_secs_f64() * 1e3);
        cpu = cpu.min(cpu_ms() - c);
    }
    (wall, cpu)
}

/// The h2o-like columns of the timing runs: 1e7 rows.
fn timing_batch() -> RecordBatch {
    const N: usize = 10_000_000;
    let mut rng = Rng(1);
    let ids: Vec<String> = (1..=100).map(|i| format!("id{i:03}")).collect();
    let codes: Vec<u32> = (0..N).map(|_| rng.below(100) as u32).collect();
    let view: StringViewArray = codes.iter().map(|&c| Some(ids[c as usize].as_str())).collect();
    let utf8: StringArray = codes.iter().map(|&c| Some(ids[c as usize].as_str())).collect();
    let dict = DictionaryArray::<Int32Type>::try_new(
        Int32Array::from_iter_values(codes.iter().map(|&c| c as i32)),
        Arc::new(StringArray::from_iter_values(&ids)),
    )
    .unwrap();
    let id2: StringViewArray = (0..N).map(|_| Some(ids[rng.below(100) as usize].as_str())).collect();
    let id4: Int64Array = (0..N).map(|_| Some(1 + rng.below(100) as i64)).collect();
    let v1: Int64Array = (0..N).map(|_| Some(1 + rng.below(5) as i64)).collect();
    let v3: Float64Array = (0..N).map(|_| Some(rng.below(100_000_000) as f64 / 1e6)).collect();
    let id6: Int64Array = (0..N).map(|_| Some(1 + rng.below(100_000) as i64)).collect();
    let id3: StringViewArray = (0..N).map(|_| Some(format!("id{:010}", 1 + rng.below(100_000)))).collect();
    batch(vec![
        ("id1_view", Arc::new(view)),
        ("id1_utf8", Arc::new(utf8)),
        ("id1_dict", Arc::new(dict)),
        ("id2", Arc::new(id2)),
        ("id3", Arc::new(id3)),
        ("id4", Arc::new(id4)),
        ("id6", Arc::new(id6)),
        ("v1", Arc::new(v1)),
        ("v3", Arc::new(v3)),
    ])
}

/// Timing of the hot paths, in release mode (one thread, one 1e7-row batch):
/// `cargo test --release -p rusk-ops aggregate::tests::timing -- --ignored --nocapture`;
/// `RUSK_TIMING=<substring>` runs the matching cases only.
#[test]
#[ignore = "a measurement, not a test"]
fn timing() {
    let b = timing_batch();
    let filter = std::env::var("RUSK_TIMING").unwrap_or_default();
    let time = |label: &str, keys: &[&str], aggs: &[Expr]| {
        if !label.contains(filter.as_str()) {
            return;
        }
        let keys: Vec<Expr> = keys.iter().map(|k| col(*k)).collect();
        let (specs, names) = specs(aggs);
        let key_arrays: Vec<ArrayRef> = keys.iter().map(|k| crate::expr::evaluate(k, &b).unwrap()).collect();
        let types: Vec<DataType> = key_arrays.iter().map(|a| a.data_type().clone()).collect();
        let mut groups = Vec::new();
        // Group ids alone, in the slices `partial` uses.
        let (_, ids_cpu) = best_of_5(|| {
            let mut ids = GroupIds::new(&types).unwrap();
            for start in (0..b.num_rows()).step_by(SLICE) {
                let len = SLICE.min(b.num_rows() - start);
                let keys: Vec<ArrayRef> = key_arrays.iter().map(|a| a.slice(start, len)).collect();
                ids.intern(&keys, len, &mut groups).unwrap();
            }
        });
        let mut n = 0;
        let (wall, cpu) = best_of_5(|| {
            let state = partial(&b, &keys, &specs, GroupOptions::default()).unwrap();
            n = finish(&state, keys.len(), &specs, &names, GroupOptions::default()).unwrap().num_rows();
        });
        println!(
            "{label:<48} {wall:7.1} ms wall {cpu:7.1} ms cpu (group ids {ids_cpu:6.1} ms cpu), {n} groups"
        );
    };
    if filter.is_empty() {
        let v1 = b.column_by_name("v1").unwrap().as_primitive::<arrow::datatypes::Int64Type>().clone();
        let (wall, cpu) = best_of_5(|| {
            std::hint::black_box(arrow::compute::sum(&v1));
        });
        println!("{:<48} {wall:7.1} ms wall {cpu:7.1} ms cpu", "calibration: arrow::compute::sum of 1e7 i64");
    }
    time("q1 Utf8View key, 100 groups, sum i64", &["id1_view"], &[col("v1").sum()]);
    time("q1 Dictionary key, 100 groups, sum i64", &["id1_dict"], &[col("v1").sum()]);
    time("q1 Utf8 key, 100 groups, sum i64", &["id1_utf8"], &[col("v1").sum()]);
    time("q2 two Utf8View keys, 1e4 groups, sum i64", &["id1_view", "id2"], &[col("v1").sum()]);
    time("q3 Utf8View key (12 B), 1e5 groups, sum, mean", &["id3"], &[col("v1").sum(), col("v3").mean()]);
    time(
        "q4 int64 key, 100 groups, 3 means",
        &["id4"],
        &[col("v1").mean(), col("v3").mean(), col("id6").mean()],
    );
    time("q5 int64 key, 1e5 groups, sum i64", &["id6"], &[col("v1").sum()]);
    time("q5 int64 key, 1e5 groups, 3 sums", &["id6"], &[col("v1").sum(), col("v3").sum(), col("id4").sum()]);
    time("q6 int64 key, 100 groups, median, std", &["id4"], &[col("v3").median(), col("v3").std()]);
    time("no key, sum i64", &[], &[col("v1").sum()]);
    time("no key, mean f64", &[], &[col("v3").mean()]);
}

#[test]
fn batches_that_barely_repeat_pass_rows_and_merge_to_the_grouped_result() {
    // 300k rows: a dictionary key of 200k values and an int key, with
    // nulls, so nearly every row is its own group; then a 50-group batch.
    let n = 300_000usize;
    let words: Vec<String> = (0..200_000).map(|i| format!("w{i}")).collect();
    let dict: DictionaryArray<Int32Type> =
        (0..n).map(|i| (i % 97 != 0).then(|| words[(i * 7) % words.len()].as_str())).collect();
    let ints = Int64Array::from_iter((0..n).map(|i| (i % 89 != 0).then_some((i % 250_000) as i64)));
    let v = Float64Array::from_iter((0..n).map(|i| (i % 5 != 0).then_some(i as f64 * 0.5)));
    let w = Int64Array::from_iter_values((0..n).map(|i| (i % 13) as i64));
    let many =
        batch(vec![("d", Arc::new(dict)), ("k", Arc::new(ints)), ("v", Arc::new(v)), ("w", Arc::new(w))]);
    let fifty: ArrayRef = Arc::new(Int64Array::from_iter_values((0..n).map(|i| (i % 50) as i64)));
    let few = batch(vec![
        ("d", Arc::clone(many.column(0))),
        ("k", fifty),
        ("v", Arc::clone(many.column(2))),
        ("w", Arc::clone(many.column(3))),
    ]);
    let keys = [col("d"), col("k")];
    let (specs, names) = specs(&[
        col("v").sum(),
        col("v").count(),
        size(),
        col("v").mean(),
        col("v").min(),
        col("w").max(),
        col("v").first(),
        col("w").last(),
        col("v").var(),
        corr(col("v"), col("w")),
    ]);
    let few_keys = [col("k")];
    for options in [
        GroupOptions { sort: false, dropna: false },
        GroupOptions { sort: true, dropna: true },
        GroupOptions { sort: true, dropna: false },
    ] {
        let kept = if options.dropna {
            rows_without_null_keys(&[Arc::clone(many.column(0)), Arc::clone(many.column(1))])
                .map_or(n, |k| k.true_count())
        } else {
            n
        };
        let whole =
            finish(&partial(&many, &keys, &specs, options).unwrap(), 2, &specs, &names, options).unwrap();
        let (a, b) = (many.slice(0, 150_000), many.slice(150_000, n - 150_000));
        let states = [a, b].map(|part| partial_or_rows(&part, &keys, &specs, options).unwrap());
        // Passed on as rows: one state per kept row, keys as they came.
        assert_eq!(states.iter().map(RecordBatch::num_rows).sum::<usize>(), kept);
        assert!(matches!(states[0].column(0).data_type(), DataType::Dictionary(_, _)));
        assert_eq!(states[0].schema(), state_schema(&many.schema(), &keys, &specs).unwrap());
        let merged = finish(&merge(&states, 2, &specs).unwrap(), 2, &specs, &names, options).unwrap();
        assert_same(&whole, &merged, 1e-9);
        // Keys that repeat are grouped as `partial` groups them.
        let grouped = partial_or_rows(&few, &few_keys, &specs, options).unwrap();
        assert_eq!(grouped.num_rows(), 50);
        assert_eq!(grouped, partial(&few, &few_keys, &specs, options).unwrap());
    }
    // A state that grows with the values always groups.
    let nunique = vec![AggregateSpec { func: AggregateFunction::Nunique, args: vec![col("w")] }];
    let state = partial_or_rows(&many, &keys, &nunique, GroupOptions::default()).unwrap();
    assert_eq!(state, partial(&many, &keys, &nunique, GroupOptions::default()).unwrap());
}
