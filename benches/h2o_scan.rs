//! One scan query of `benches/compare/scan.py` through rusk's public API,
//! timed inside the process: the in-process rusk column of scan.py, next to
//! its rusk-cli column (the command as a whole process).
//!
//! ```sh
//! cargo build --release --bench h2o_scan
//! target/release/deps/h2o_scan-HASH --query "parquet filter+project" --mode e2e [--data benches/data] [--threads N]
//! ```
//!
//! The queries read `DATA/g1_csv` or `DATA/g1_parquet` (made by
//! `benches/compare/generate.py`), as scan.py's `QUERIES` define them:
//! `load csv`, `csv filter+project` (`v1 > 2 and id4 <= 50` → id2, v3),
//! `load parquet`, `parquet filter+project` (`id6 <= 1000` → id1, v3),
//! `parquet filter+project narrow` (→ id1, v1), and `parquet to csv` (the
//! whole table written as one CSV file in the temp directory, removed
//! after the clock stops). Only `--mode e2e`: a scan is its read.
//!
//! `--warmup` untimed then `--repeat` timed runs (default 0 and 1), one
//! JSON line each, `{"seconds": s, "rows": r, "columns": c}`: the seconds
//! around the query alone and the shape of its result, held in memory
//! (for `parquet to csv`, the rows and columns written).
//!
//! Exit status: 0 ok, 1 a rusk error, 2 bad arguments.

#[path = "common/mod.rs"]
mod common;

use common::{Args, Failure, Mode};
use std::process::ExitCode;
use std::time::Instant;

use rusk::DataFrame;

const USAGE: &str =
    "usage: h2o_scan --query NAME --mode e2e [--data DIR] [--threads N] [--warmup N] [--repeat N]";

/// The query `name`: its input (`csv` or `parquet`), filter and columns.
fn definition(name: &str) -> Result<(&'static str, Option<&'static str>, &'static [&'static str]), Failure> {
    Ok(match name {
        "load csv" => ("csv", None, &[]),
        "csv filter+project" => ("csv", Some("v1 > 2 and id4 <= 50"), &["id2", "v3"]),
        "load parquet" | "parquet to csv" => ("parquet", None, &[]),
        "parquet filter+project" => ("parquet", Some("id6 <= 1000"), &["id1", "v3"]),
        "parquet filter+project narrow" => ("parquet", Some("id6 <= 1000"), &["id1", "v1"]),
        other => return Err(Failure::Usage(format!("unknown query {other:?}"))),
    })
}

fn run(args: &Args) -> Result<(), Failure> {
    if let Some(threads) = args.threads {
        rusk::set_config(rusk::config().with_threads(threads));
    }
    if !matches!(args.mode, Mode::EndToEnd) {
        return Err(Failure::Usage("a scan runs end to end only (--mode e2e)".into()));
    }
    let (format, filter, columns) = definition(&args.query)?;
    let output = std::env::temp_dir().join(format!("rusk-bench-h2o_scan-{}.csv", std::process::id()));
    let started = Instant::now();
    let mut df: DataFrame = match format {
        "csv" => rusk::read_csv(args.data.join("g1_csv"))?,
        _ => rusk::read_parquet(args.data.join("g1_parquet"))?,
    };
    if let Some(filter) = filter {
        df = df.query(filter)?;
    }
    if !columns.is_empty() {
        df = df.select(columns.iter().copied())?;
    }
    let held = if args.query == "parquet to csv" {
        df.to_csv(&output)?;
        None
    } else {
        Some(df.compute()?)
    };
    let seconds = started.elapsed().as_secs_f64();
    std::fs::remove_file(&output).ok();
    let rows = match &held {
        Some(result) => result.batches().iter().map(|b| b.num_rows()).sum(),
        None => df.len()?,
    };
    let columns = df.schema().fields().len();
    println!("{{\"seconds\": {seconds}, \"rows\": {rows}, \"columns\": {columns}}}");
    Ok(())
}

fn main() -> ExitCode {
    common::main_with("h2o_scan", USAGE, &[], run)
}
