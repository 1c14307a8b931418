//! `groupby(keys).apply(f)` against references that cannot be wrong the same
//! way: a per-group reduction through `apply` must equal `agg` (itself
//! checked against pandas in tests/it/groupby.rs), and `apply(head(2))` must
//! equal the first two rows of each group of the collected input, under
//! every partitioning, `split_out`, `sort` and `dropna`.

use crate::common;

use std::sync::Arc;

use common::{partitionings_no_tree, render_batches, table_of};
use rusk::arrow::array::{Array, Float64Array, RecordBatch};
use rusk::arrow::compute::sum;
use rusk::arrow::datatypes::{DataType, Field, Float64Type, Schema};
use rusk::{col, DataFrame};

fn sales() -> DataFrame {
    rusk::read_csv("fixtures/sales").expect("read fixtures/sales")
}

/// The sum of `price` of a group, as a one-row batch.
fn price_sum(batch: RecordBatch) -> rusk::Result<RecordBatch> {
    let price =
        batch.column_by_name("price").expect("price").as_any().downcast_ref::<Float64Array>().cloned();
    let total = price.map(|p| sum::<Float64Type>(&p).unwrap_or(0.0)).unwrap_or(0.0);
    let schema = Schema::new(vec![Field::new("price_sum", DataType::Float64, true)]);
    let rows = if batch.num_rows() == 0 { vec![] } else { vec![total] };
    Ok(RecordBatch::try_new(Arc::new(schema), vec![Arc::new(Float64Array::from(rows))])?)
}

fn sorted(mut rows: Vec<Vec<String>>, sort: bool) -> Vec<Vec<String>> {
    if !sort {
        rows.sort();
    }
    rows
}

#[test]
fn a_reduction_through_apply_equals_agg() {
    for (sort, dropna) in [(true, true), (false, true), (true, false), (false, false)] {
        let want = sales()
            .groupby(["region"])
            .expect("groupby")
            .sort(sort)
            .dropna(dropna)
            .agg([("price_sum", col("price").sum())])
            .and_then(|d| d.compute())
            .expect("agg");
        // `apply` shuffles whole groups: no merge tree, so no split_every.
        for (run, n, config) in partitionings_no_tree() {
            for split_out in [1, 2, 5] {
                let got = sales()
                    .repartition(n)
                    .and_then(|d| d.groupby(["region"]))
                    .map(|g| g.sort(sort).dropna(dropna).split_out(split_out))
                    .and_then(|g| g.apply("price_sum", price_sum))
                    .and_then(|d| d.compute_with(&config))
                    .expect("apply");
                let how = format!("sort={sort} dropna={dropna} {run} split_out={split_out}");
                assert_eq!(got.columns(), want.columns(), "{how}");
                assert_eq!(got.batches().len(), split_out, "{how}");
                // Float sums in another order may differ in the last digit.
                let round = |t: common::Table| -> Vec<Vec<String>> {
                    t.rows
                        .into_iter()
                        .map(|r| {
                            vec![r[0].clone(), format!("{:.6}", r[1].parse::<f64>().unwrap_or(f64::NAN))]
                        })
                        .collect()
                };
                assert_eq!(
                    sorted(round(table_of(&got)), sort),
                    sorted(round(table_of(&want)), sort),
                    "{how}"
                );
            }
        }
    }
}

#[test]
fn head_of_each_group_keeps_row_order() {
    let all = sales().compute().expect("compute");
    let rows = render_batches(all.batches());
    let region = all.columns().iter().position(|c| c == "region").expect("region");
    // Groups in key order, nulls dropped, first two rows of each in row order.
    let mut keys: Vec<String> = rows.iter().map(|r| r[region].clone()).filter(|k| !k.is_empty()).collect();
    keys.sort();
    keys.dedup();
    let want: Vec<Vec<String>> =
        keys.iter().flat_map(|k| rows.iter().filter(move |r| &r[region] == k).take(2).cloned()).collect();
    assert!(want.len() >= 4, "fixture too small: {want:?}");
    for (how, n, config) in partitionings_no_tree() {
        for split_out in [1, 3] {
            let got = sales()
                .repartition(n)
                .and_then(|d| d.groupby(["region"]))
                .map(|g| g.split_out(split_out))
                .and_then(|g| g.apply("head2", |b: RecordBatch| Ok(b.slice(0, b.num_rows().min(2)))))
                .and_then(|d| d.compute_with(&config))
                .expect("apply");
            assert_eq!(got.columns(), all.columns(), "f returns the keys: none prepended");
            assert_eq!(render_batches(got.batches()), want, "{how} split_out={split_out}");
        }
    }
}

#[test]
fn bad_functions_and_keys_are_clear_errors() {
    let g = sales().groupby(["region"]).expect("groupby");
    let err = g.apply("boom", |_b: RecordBatch| Err(rusk::Error::InvalidArgument("no".into()))).unwrap_err();
    assert!(err.to_string().contains("no"), "{err}");
    let g = sales().groupby_exprs(vec![col("qty") + rusk::lit(1)]).expect("groupby");
    assert!(matches!(g.apply("x", Ok).unwrap_err(), rusk::Error::InvalidArgument(_)));
    // A function that fails on some group: the error names the function.
    let g = sales().groupby(["region"]).expect("groupby");
    let df = g
        .apply("fails_on_west", |b: RecordBatch| {
            let west = b.num_rows() > 0 && render_batches(std::slice::from_ref(&b))[0][1] == "west";
            if west {
                Err(rusk::Error::InvalidArgument("west".into()))
            } else {
                Ok(b)
            }
        })
        .expect("build");
    let err = df.compute().unwrap_err();
    assert!(err.to_string().contains("fails_on_west"), "{err}");
}
