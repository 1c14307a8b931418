//! One h2o db-benchmark groupby question (q1..q10), or one of the queries
//! issue 12 added (topk, filter, join), through rusk's public API,
//! timed inside the process: the rusk side of `benches/compare/groupby.py`.
//!
//! ```sh
//! cargo build --release --bench h2o_groupby
//! target/release/deps/h2o_groupby-HASH --query q3 --mode e2e [--data benches/data] [--threads N] [--sort] [--show]
//! cargo bench --bench h2o_groupby -- --query q3 --mode mem        # the same, through cargo
//! ```
//!
//! It runs ONE query per process (so a peak RSS measured from outside is this
//! query's alone) on `DATA/g1_parquet/*.parquet` (made by
//! `benches/compare/generate.py`), `--warmup` untimed then `--repeat` timed
//! times (default 0 and 1), and prints one JSON line per run,
//! `{"seconds": s, "rows": r, "columns": c}`: the seconds around the query
//! alone and the shape of its result, held in memory.
//!
//! - `--mode e2e`: the clock covers `read_parquet(dir)` (listing, footers),
//!   the scan, the groupby and the computed result.
//! - `--mode mem`: the h2o setting: `read_parquet(dir)?.compute()?` (one
//!   in-memory partition per file) runs before the clock starts; only the
//!   groupby over it is timed.
//!
//! The questions are written as the Polars h2o solution writes them (see
//! `polars_query` in groupby.py). Every peer in groupby.py leaves the groups
//! unsorted (Polars, DuckDB, pandas with `sort=False`, Dask), so rusk groups
//! with `sort(false)` too; `--sort` times rusk's default (sorted by the keys)
//! instead. `--show` prints the result (as rusk prints a frame) to stderr,
//! after the clock stops, for checking it against a peer's. Null keys are
//! kept as a group (`dropna(false)`), as pandas' `dropna=False` and Polars
//! do. q7 is an expression over two aggregates; q8 is the per-group
//! `nlargest(2, "v3")`; q9 is `corr(v1, v2)` computed once and squared by a
//! projection over the result, as Polars' `corr(...) ** 2`. `topk` is
//! `sort_values("id3").head(10)` of every column; `filter` sums v3 by id2
//! where `v1 > 2 and id4 <= 50`; `join` is an inner join with the 1e5-row
//! dimension table `DATA/g1_dim` on id6, reduced to sum v1, sum w, count.
//!
//! Exit status: 0 ok, 1 a rusk error, 2 bad arguments.

#[path = "common/mod.rs"]
mod common;

use common::{Args, Failure, Mode};
use std::process::ExitCode;
use std::time::Instant;

use rusk::{col, corr, size, DataFrame, GroupBy, MergeOptions};

const USAGE: &str =
    "usage: h2o_groupby --query q1..q10|topk|filter|join --mode e2e|mem [--data DIR] [--threads N] [--warmup N] [--repeat N] [--sort] [--show]";

/// The question `id` over `x`, as the h2o Polars solution writes it; lazy.
fn query(x: &DataFrame, dim: &DataFrame, id: &str, sort: bool) -> Result<DataFrame, Failure> {
    let by = |keys: &[&str]| -> rusk::Result<GroupBy> {
        Ok(x.groupby(keys.iter().copied())?.sort(sort).dropna(false))
    };
    let df = match id {
        "q1" => by(&["id1"])?.agg([("v1_sum", col("v1").sum())])?,
        "q2" => by(&["id1", "id2"])?.agg([("v1_sum", col("v1").sum())])?,
        "q3" => by(&["id3"])?.agg([("v1_sum", col("v1").sum()), ("v3_mean", col("v3").mean())])?,
        "q4" => by(&["id4"])?.agg([
            ("v1_mean", col("v1").mean()),
            ("v2_mean", col("v2").mean()),
            ("v3_mean", col("v3").mean()),
        ])?,
        "q5" => by(&["id6"])?.agg([
            ("v1_sum", col("v1").sum()),
            ("v2_sum", col("v2").sum()),
            ("v3_sum", col("v3").sum()),
        ])?,
        "q6" => by(&["id4", "id5"])?.agg([("v3_median", col("v3").median()), ("v3_std", col("v3").std())])?,
        "q7" => by(&["id3"])?.agg([("range_v1_v2", col("v1").max() - col("v2").min())])?,
        // The two largest v3 per id6, as Polars' `drop_nulls("v3")
        // .group_by("id6").agg(top_k(2)).explode(...)`: one row per (id6, v3).
        "q8" => x
            .filter(col("v3").notnull())?
            .groupby(["id6"])?
            .sort(sort)
            .dropna(false)
            .nlargest(2, "v3")?
            .select(["id6", "v3"])?,
        "q9" => by(&["id2", "id4"])?
            .agg([("r2", corr(col("v1"), col("v2")))])?
            .with_column("r2", col("r2") * col("r2"))?,
        "q10" => by(&["id1", "id2", "id3", "id4", "id5", "id6"])?
            .agg([("v3", col("v3").sum()), ("count", col("v1").count())])?,
        // pandas' `x.sort_values("id3").head(10)`: every column of 10 rows.
        "topk" => x.sort_values(&["id3"], &[true])?.limit(10),
        "filter" => x
            .query("v1 > 2 and id4 <= 50")?
            .groupby(["id2"])?
            .sort(sort)
            .dropna(false)
            .agg([("v3_sum", col("v3").sum())])?,
        "join" => x.merge(dim, MergeOptions::on(["id6"]))?.agg([
            ("v1_sum", col("v1").sum()),
            ("w_sum", col("w").sum()),
            ("n", size()),
        ])?,
        other => {
            return Err(Failure::Usage(format!(
                "unknown query {other:?}; queries are q1..q10, topk, filter, join"
            )))
        }
    };
    Ok(df)
}

fn run(args: &Args) -> Result<(), Failure> {
    if let Some(threads) = args.threads {
        rusk::set_config(rusk::config().with_threads(threads));
    }
    let dir = args.data.join("g1_parquet");
    let dim_dir = args.data.join("g1_dim");
    let loaded = match args.mode {
        Mode::InMemory => {
            // Plan the query on the lazy frames first: an unknown or
            // unsupported question fails before the tables are loaded.
            let (lazy, dim) = (rusk::read_parquet(&dir)?, rusk::read_parquet(&dim_dir)?);
            query(&lazy, &dim, &args.query, args.flag("--sort"))?;
            Some((lazy.compute()?, dim.compute()?))
        }
        Mode::EndToEnd => None,
    };
    let started = Instant::now();
    let (x, dim) = match loaded {
        Some(tables) => tables,
        None => (rusk::read_parquet(&dir)?, rusk::read_parquet(&dim_dir)?),
    };
    let result = query(&x, &dim, &args.query, args.flag("--sort"))?.compute()?;
    let seconds = started.elapsed().as_secs_f64();
    let rows: usize = result.batches().iter().map(|b| b.num_rows()).sum();
    let columns = result.schema().fields().len();
    if args.flag("--show") {
        eprintln!("{result}");
    }
    println!("{{\"seconds\": {seconds}, \"rows\": {rows}, \"columns\": {columns}}}");
    Ok(())
}

fn main() -> ExitCode {
    common::main_with("h2o_groupby", USAGE, &["--sort", "--show"], run)
}
