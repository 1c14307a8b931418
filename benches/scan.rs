//! Scan + filter + project over CSV and Parquet directories, end to end
//! through the public API (criterion). The side-by-side comparison with
//! Polars, pandas, DuckDB and Dask on the 1e7-row h2o table lives in
//! `benches/compare/`; this bench tracks rusk alone on a smaller table that
//! it generates itself, so `cargo bench` needs nothing but Rust.

use std::path::Path;
use std::sync::Arc;

use criterion::{criterion_group, criterion_main, Criterion};
use rusk::arrow::array::{ArrayRef, Float64Array, Int64Array, StringArray};
use rusk::arrow::datatypes::{DataType, Field, Schema};
use rusk::arrow::record_batch::RecordBatch;

const ROWS: usize = 1_000_000;
const PARTITIONS: usize = 4;
const GROUPS: u64 = 100;

/// A seeded xorshift generator: the same table on every run.
struct Rng(u64);

impl Rng {
    fn next(&mut self, n: u64) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0 % n
    }
}

/// The h2o groupby table's shape: id1, id2 strings, id4 int, v1 int, v3 float.
fn h2o_batch(rows: usize, rng: &mut Rng) -> RecordBatch {
    let schema = Arc::new(Schema::new(vec![
        Field::new("id1", DataType::Utf8, false),
        Field::new("id2", DataType::Utf8, false),
        Field::new("id4", DataType::Int64, false),
        Field::new("v1", DataType::Int64, false),
        Field::new("v3", DataType::Float64, false),
    ]));
    let id = |rng: &mut Rng| format!("id{:03}", rng.next(GROUPS) + 1);
    let columns: Vec<ArrayRef> = vec![
        Arc::new((0..rows).map(|_| Some(id(rng))).collect::<StringArray>()),
        Arc::new((0..rows).map(|_| Some(id(rng))).collect::<StringArray>()),
        Arc::new(Int64Array::from_iter_values((0..rows).map(|_| rng.next(GROUPS) as i64 + 1))),
        Arc::new(Int64Array::from_iter_values((0..rows).map(|_| rng.next(5) as i64 + 1))),
        Arc::new(Float64Array::from_iter_values((0..rows).map(|_| rng.next(100_000_000) as f64 / 1e6))),
    ];
    RecordBatch::try_new(schema, columns).expect("valid batch")
}

fn write_inputs(dir: &Path) -> rusk::Result<()> {
    let mut rng = Rng(0x5eed_1234_abcd_ef01);
    let batches: Vec<RecordBatch> = (0..PARTITIONS).map(|_| h2o_batch(ROWS / PARTITIONS, &mut rng)).collect();
    let df = rusk::from_batches(batches[0].schema(), batches)?;
    df.to_csv(dir.join("csv"))?;
    df.to_parquet(dir.join("parquet"))
}

fn scan(c: &mut Criterion) {
    let dir = tempfile::tempdir().expect("temp dir");
    write_inputs(dir.path()).expect("inputs written");
    let mut group = c.benchmark_group("scan");
    group.sample_size(10);
    for format in ["csv", "parquet"] {
        let path = dir.path().join(format);
        group.bench_function(format!("{format} filter+project 1e6 rows 2 of 5 columns"), |b| {
            b.iter(|| {
                rusk::read(&path)
                    .and_then(|df| df.query("v1 > 2 and id4 <= 50"))
                    .and_then(|df| df.select(["id2", "v3"]))
                    .and_then(|df| df.compute())
                    .expect("query runs")
            })
        });
        group.bench_function(format!("{format} load 1e6 rows 5 columns"), |b| {
            b.iter(|| rusk::read(&path).and_then(|df| df.compute()).expect("load runs"))
        });
    }
    group.finish();
}

criterion_group!(benches, scan);
criterion_main!(benches);
