//! Peak memory of shuffles with and without a memory budget.
//!
//! ```text
//! cargo run --release --example shuffle_memory -- gen DIR [ROWS]
//! /usr/bin/time -v target/release/examples/shuffle_memory groupby DIR LIMIT_MB|none
//! /usr/bin/time -v target/release/examples/shuffle_memory groupby-hash DIR LIMIT_MB|none
//! /usr/bin/time -v target/release/examples/shuffle_memory sort DIR LIMIT_MB|none
//! ```
//!
//! `gen` writes ROWS rows (default 5e6) as 8 Parquet files; `groupby` runs a
//! high-cardinality groupby with `split_out(8)` (a hash shuffle of partial
//! states; sorted keys, so a range shuffle), `groupby-hash` the same with
//! `sort(false)` (a hash shuffle), `sort` a `sort_values` (a range shuffle), each written to
//! Parquet so no result piles up in memory. With `SHOW=1` it prints
//! `explain_analyze` instead (stages and what spilled).

use std::sync::Arc;

use rusk::arrow::array::{ArrayRef, Float64Array, Int64Array, RecordBatch, StringArray};
use rusk::{col, Config, DataFrame, Error, Result};

fn main() {
    if let Err(e) = run() {
        eprintln!("shuffle_memory: error: {e}");
        std::process::exit(2);
    }
}

fn run() -> Result<()> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let usage = || {
        Error::InvalidArgument(
            "usage: shuffle_memory gen|groupby|groupby-hash|sort DIR [ROWS|LIMIT_MB|none]".into(),
        )
    };
    let (mode, dir) = match (args.first(), args.get(1)) {
        (Some(m), Some(d)) => (m.as_str(), std::path::PathBuf::from(d)),
        _ => return Err(usage()),
    };
    if mode == "gen" {
        let rows = args.get(2).map_or(Ok(5_000_000), |r| r.parse::<f64>().map(|r| r as i64));
        return generate(&dir, rows.map_err(|_| usage())?);
    }
    let mut config = Config::default();
    match args.get(2).map(String::as_str) {
        Some("none") | None => {}
        Some(mb) => config = config.with_memory_limit(mb.parse::<usize>().map_err(|_| usage())? << 20),
    }
    let df = rusk::read_parquet(&dir)?;
    let query = match mode {
        "groupby" => df.groupby(["key"])?.split_out(8).agg([
            ("x", col("x").sum()),
            ("n", col("id").count()),
            ("s", col("s").max()),
        ])?,
        // Unsorted groups: a hash shuffle, whose splits stream (no boundaries to wait for).
        "groupby-hash" => df.groupby(["key"])?.sort(false).split_out(8).agg([
            ("x", col("x").sum()),
            ("n", col("id").count()),
            ("s", col("s").max()),
        ])?,
        "sort" => df.sort_values(&["key", "id"], &[true, true])?,
        _ => return Err(usage()),
    };
    rusk::set_config(config.clone());
    if std::env::var_os("SHOW").is_some() {
        // Keeps the result in memory: for the stages and spill, not for RSS.
        println!("{}", query.explain_analyze()?);
        return Ok(());
    }
    let out = std::env::temp_dir().join(format!("rusk-shuffle-memory-{}", std::process::id()));
    let written = query.to_parquet(&out);
    let _ = std::fs::remove_dir_all(&out);
    written?;
    println!("{mode} limit={:?} MB: done", config.memory_limit.map(|b| b >> 20));
    Ok(())
}

/// `rows` rows in 8 files: `id`, a random `key` with about rows / 2
/// distinct values, a float and a short string.
fn generate(dir: &std::path::Path, rows: i64) -> Result<()> {
    let per = rows / 8;
    let mut batches = Vec::new();
    let mut state = 0x2545_f491_4f6c_dd1du64;
    for p in 0..8 {
        let ids: Vec<i64> = (p * per..(p + 1) * per).collect();
        let keys: Vec<i64> = ids
            .iter()
            .map(|_| {
                // xorshift64*, seeded: the same data every time.
                state ^= state >> 12;
                state ^= state << 25;
                state ^= state >> 27;
                (state.wrapping_mul(0x2545_f491_4f6c_dd1d) >> 1) as i64 % (rows / 2).max(1)
            })
            .collect();
        let x = Float64Array::from_iter_values(ids.iter().map(|&i| i as f64 * 0.5));
        let s = StringArray::from_iter_values(keys.iter().map(|k| format!("s{}", k % 100_000)));
        batches.push(RecordBatch::try_from_iter([
            ("id", Arc::new(Int64Array::from(ids)) as ArrayRef),
            ("key", Arc::new(Int64Array::from(keys))),
            ("x", Arc::new(x)),
            ("s", Arc::new(s)),
        ])?);
    }
    let schema = batches[0].schema();
    let df: DataFrame = rusk::from_batches(schema, batches)?;
    df.to_parquet(dir)
}
