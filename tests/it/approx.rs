//! The approximate aggregates (`nunique_approx`, `median_approx`,
//! `quantile_approx`) through the engine, against their exact siblings:
//!
//! - on the fixtures (groups of at most a few hundred values, where the
//!   sketches are exact), identical to `nunique` / `median` / `quantile`,
//!   however the frame is partitioned and merged (`repartition(n)` for n in
//!   1, 2, 3, 7, 16, `split_every` 2, 3 and 8, 1 and 4 threads), whole-frame
//!   too;
//! - on a generated frame of 2e5 rows (sketches past their exact range),
//!   `nunique_approx` identical for every partitioning (HyperLogLog merges
//!   losslessly) and within 4σ of `nunique`; the t-digest within 1 % of
//!   the value range of the exact quantile;
//! - through the CLI: `--agg v:nunique_approx,v:quantile_approx=0.9`.

use crate::common;

use std::sync::Arc;

use common::{parse_csv, partitionings, rusk, table_of, NPARTITIONS, SPLIT_EVERY};
use rusk::arrow::array::{Array, AsArray, Float64Array, Int64Array, RecordBatch, StringArray};
use rusk::arrow::datatypes::{DataType, Field, Float64Type, Int64Type, Schema};
use rusk::{col, Config, DataFrame, Expr};

/// Pairs of (exact, approximate) aggregations over the sales fixture's columns.
fn sales_aggs() -> Vec<(String, Expr)> {
    let mut aggs = Vec::new();
    for c in ["qty", "price", "product", "date", "returned"] {
        aggs.push((format!("{c} nunique"), col(c).nunique()));
        aggs.push((format!("{c} nunique~"), col(c).nunique_approx()));
    }
    for c in ["qty", "price"] {
        aggs.push((format!("{c} median"), col(c).median()));
        aggs.push((format!("{c} median~"), col(c).median_approx()));
        for q in [0.1, 0.9] {
            aggs.push((format!("{c} q{q}"), col(c).quantile(q)));
            aggs.push((format!("{c} q{q}~"), col(c).quantile_approx(q)));
        }
    }
    aggs
}

/// Asserts every `X~` column of `df` equals its `X` column (as text), or
/// for the columns named in `tolerant`, is within 2 % of it.
fn assert_approx_matches(df: &DataFrame, how: &str, tolerant: &[&str]) {
    let table = table_of(df);
    let index = |name: &str| table.columns.iter().position(|c| c == name).expect("column");
    for (j, name) in table.columns.iter().enumerate() {
        let Some(exact) = name.strip_suffix('~') else { continue };
        let i = index(exact);
        for row in &table.rows {
            if tolerant.contains(&exact) {
                let (a, e): (f64, f64) = (row[j].parse().expect("float"), row[i].parse().expect("float"));
                assert!((a - e).abs() <= 0.02 * e.abs(), "{how}: {name} {a} vs {exact} {e}");
            } else {
                assert_eq!(row[j], row[i], "{how}: {name} vs {exact} in row {row:?}");
            }
        }
    }
}

fn assert_approx_is_exact(df: &DataFrame, how: &str) {
    assert_approx_matches(df, how, &[]);
}

#[test]
fn fixtures_small_groups_are_exact_however_partitioned() {
    for path in ["fixtures/sales", "fixtures/sales_parquet"] {
        let df = rusk::read(common::fixture(path)).expect("read");
        for keys in [&["region"][..], &["region", "product"][..]] {
            let run = |d: &DataFrame, config: &Config| {
                let g = d.groupby(keys.iter().copied()).expect("groupby");
                g.agg(sales_aggs()).expect("agg").compute_with(config).expect("compute")
            };
            assert_approx_is_exact(&run(&df, &Config::default()), &format!("{path} by {keys:?}"));
            for (how, n, config) in partitionings() {
                let d = df.repartition(n).expect("repartition");
                assert_approx_is_exact(&run(&d, &config), &format!("{path} by {keys:?}, {how}"));
            }
        }
        // Whole frame: 553 distinct prices, past the t-digest's exact
        // range (500), within HyperLogLog's (1024).
        let tolerant = ["price median", "price q0.1", "price q0.9"];
        for n in [1, 7] {
            let out = df.repartition(n).expect("repartition").agg(sales_aggs()).expect("agg").compute();
            assert_approx_matches(
                &out.expect("compute"),
                &format!("{path} whole frame, {n} parts"),
                &tolerant,
            );
        }
    }
}

/// 2e5 rows: key `k` of 5 groups (one of 10 rows), `v` integers with
/// 3e4 distinct values and nulls, `x` uniform floats in [0, 1000), `s` strings.
fn generated() -> DataFrame {
    let n = 200_000usize;
    let mut state = 0x2545_f491_4f6c_dd1du64;
    let mut next = move || {
        // xorshift64*: a seeded stream for the test data.
        state ^= state >> 12;
        state ^= state << 25;
        state ^= state >> 27;
        state.wrapping_mul(0x2545_f491_4f6c_dd1d)
    };
    let mut k = Vec::with_capacity(n);
    let mut v = Vec::with_capacity(n);
    let mut x = Vec::with_capacity(n);
    let mut s = Vec::with_capacity(n);
    for i in 0..n {
        let r = next();
        k.push(if i < 10 { 4 } else { (r % 4) as i64 });
        v.push((r >> 8 & 15 != 0).then_some((r >> 20) as i64 % 30_000));
        x.push(Some((next() >> 11) as f64 / (1u64 << 53) as f64 * 1000.0));
        s.push(Some(format!("s{}", next() % 5000)));
    }
    let schema = Arc::new(Schema::new(vec![
        Field::new("k", DataType::Int64, false),
        Field::new("v", DataType::Int64, true),
        Field::new("x", DataType::Float64, true),
        Field::new("s", DataType::Utf8, true),
    ]));
    let batch = RecordBatch::try_new(
        Arc::clone(&schema),
        vec![
            Arc::new(Int64Array::from(k)),
            Arc::new(Int64Array::from(v)),
            Arc::new(Float64Array::from(x)),
            Arc::new(StringArray::from(s)),
        ],
    )
    .expect("batch");
    rusk::from_batches(schema, vec![batch]).expect("frame")
}

fn ints(df: &DataFrame, name: &str) -> Vec<i64> {
    let i = df.columns().iter().position(|c| c == name).expect("column");
    df.batches().iter().flat_map(|b| b.column(i).as_primitive::<Int64Type>().values().to_vec()).collect()
}

fn floats(df: &DataFrame, name: &str) -> Vec<f64> {
    let i = df.columns().iter().position(|c| c == name).expect("column");
    df.batches().iter().flat_map(|b| b.column(i).as_primitive::<Float64Type>().values().to_vec()).collect()
}

#[test]
fn large_groups_within_bound_and_hll_identical_across_partitions() {
    let df = generated();
    let aggs = || {
        vec![
            ("v nunique", col("v").nunique()),
            ("v nunique~", col("v").nunique_approx()),
            ("s nunique", col("s").nunique()),
            ("s nunique~", col("s").nunique_approx()),
            ("x median", col("x").median()),
            ("x median~", col("x").median_approx()),
            ("x q0.99", col("x").quantile(0.99)),
            ("x q0.99~", col("x").quantile_approx(0.99)),
        ]
    };
    let reference = df.groupby(["k"]).expect("groupby").agg(aggs()).expect("agg").compute().expect("compute");
    assert_eq!(ints(&reference, "k"), [0, 1, 2, 3, 4]);
    // States shuffled by key (`split_out`) merge the same.
    let g = df.repartition(7).expect("repartition").groupby(["k"]).expect("groupby").split_out(3);
    let shuffled = g.agg(aggs()).expect("agg").compute().expect("compute");
    assert_eq!(ints(&shuffled, "k"), [0, 1, 2, 3, 4]);
    for c in ["v nunique~", "s nunique~"] {
        assert_eq!(ints(&shuffled, c), ints(&reference, c), "split_out: {c}");
    }
    // NPARTITIONS × SPLIT_EVERY on two threads, not `partitionings()`: on
    // 2e5 rows this is the suite's slowest test, and the thread count only
    // schedules the same tree (swept on the fixtures above).
    for n in NPARTITIONS {
        for s in SPLIT_EVERY {
            let how = format!("{n} partitions, split_every {s}");
            let d = df.repartition(n).expect("repartition");
            let g = d.groupby(["k"]).expect("groupby").split_every(s);
            let out =
                g.agg(aggs()).expect("agg").compute_with(&Config::default().with_threads(2)).expect(&how);
            for c in ["v", "s"] {
                let (exact, approx) =
                    (ints(&out, &format!("{c} nunique")), ints(&out, &format!("{c} nunique~")));
                // HyperLogLog merges are lossless: the same estimate however split.
                assert_eq!(approx, ints(&reference, &format!("{c} nunique~")), "{how}: {c}");
                for (e, a) in exact.iter().zip(&approx) {
                    assert!(((a - e) as f64 / *e as f64).abs() < 0.065, "{how}: {c} nunique {a} vs {e}");
                }
            }
            for m in ["x median", "x q0.99"] {
                let (exact, approx) = (floats(&out, m), floats(&out, &format!("{m}~")));
                for (i, (e, a)) in exact.iter().zip(&approx).enumerate() {
                    if i == 4 {
                        // Ten rows: every value kept, pandas' result.
                        assert_eq!(a, e, "{how}: {m} of the small group");
                    } else {
                        // Uniform on [0, 1000): 1 % of the range is 1 % of rank.
                        assert!((a - e).abs() < 10.0, "{how}: {m} {a} vs {e}");
                    }
                }
            }
        }
    }
}

#[test]
fn cli_takes_the_approximate_functions() {
    let run = |aggs: &str| {
        let out = rusk(&["query", "fixtures/sales", "--csv", "--groupby=region", &format!("--agg={aggs}")]);
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(out.status.success() && stderr.is_empty(), "rusk --agg={aggs}: {stderr}");
        parse_csv(&String::from_utf8_lossy(&out.stdout)).expect("CSV")
    };
    let approx = run("qty:nunique_approx,price:median_approx,price:quantile_approx=0.9");
    let exact = run("qty:nunique,price:median,price:quantile=0.9");
    assert_eq!(
        approx.columns,
        ["region", "qty_nunique_approx", "price_median_approx", "price_quantile_approx_0.9"]
    );
    assert_eq!(approx.rows, exact.rows);
    assert_eq!(approx.rows.len(), 4);
    // `=q` is for the quantiles only.
    let out = rusk(&["query", "fixtures/sales", "--agg=qty:nunique_approx=0.5"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("quantile_approx"));
}

#[test]
fn parse_agg_reads_quantile_approx() {
    let (name, e) = rusk::parse_agg("v:quantile_approx=0.25").expect("parse");
    assert_eq!((name.as_str(), e), ("v_quantile_approx_0.25", col("v").quantile_approx(0.25)));
    let (name, e) = rusk::parse_agg("v:median_approx").expect("parse");
    assert_eq!((name.as_str(), e), ("v_median_approx", col("v").median_approx()));
    assert!(matches!(rusk::parse_agg("v:quantile_approx=2"), Err(rusk::Error::InvalidArgument(_))));
}

#[test]
fn types_are_checked_when_the_plan_is_built() {
    let df = rusk::read(common::fixture("fixtures/sales")).expect("read");
    let g = df.groupby(["region"]).expect("groupby");
    assert!(matches!(g.agg([("m", col("product").median_approx())]), Err(rusk::Error::Type { .. })));
    // As the exact quantile, q is checked when the aggregate is set up.
    let bad_q = g.agg([("q", col("qty").quantile_approx(1.5))]).and_then(|d| d.compute());
    assert!(matches!(bad_q, Err(rusk::Error::InvalidArgument(_))), "{bad_q:?}");
    // nunique_approx takes any type, as nunique.
    g.agg([("n", col("product").nunique_approx())]).expect("strings");
    let out = df.agg([("n", col("qty").nunique_approx())]).expect("agg").compute().expect("compute");
    assert_eq!(out.schema().field(0).data_type(), &DataType::Int64);
    assert!(out.batches()[0].column(0).null_count() == 0);
}
