//! One time-series or text query over the sensor table through rusk's public
//! API, timed inside the process: the rusk side of
//! `benches/compare/timeseries.py`.
//!
//! ```sh
//! cargo build --release --bench timeseries
//! target/release/deps/timeseries-HASH --query resample --mode e2e [--data benches/data] [--threads N] [--show] [--explain]
//! cargo bench --bench timeseries -- --query cumsum --mode mem     # the same, through cargo
//! ```
//!
//! It runs ONE query per process (so a peak RSS measured from outside is
//! this query's alone) on `DATA/ts_parquet/` (ts, sensor, v, tag; made by
//! `benches/compare/generate_timeseries.py`) and prints one JSON line per run (`--warmup` untimed, then `--repeat` timed: default 0 and 1),
//! `{"seconds": s, "rows": r, "columns": c, "check": [...]}`: the seconds
//! around the query alone, the result's shape, and what `timeseries.py`
//! compares across peers so that a wrong answer cannot pass as a fast one.
//!
//! | id | query | rusk | check |
//! |---|---|---|---|
//! | resample | 1 h mean of v per sensor | `x.groupby(["sensor"])?.resample("h", "ts")?.agg([("v_mean", col("v").mean())])` | rows, non-null v_mean, sum v_mean |
//! | rolling | 1 h rolling mean per sensor | `x.groupby(["sensor"])?.rolling([("v_mean", rolling_on("v", "1h", "ts")?.mean())])?.select(["sensor", "ts", "v_mean"])` | the same |
//! | regex | rows whose tag matches `^ab.*[79]$` | `x.query("tag.str.contains('^ab.*[79]$', regex=True)")` | rows, sum v |
//! | cumsum | running total of v in file order | `x.assign_window([("c", cumsum("v"))])` | rows, non-null c, sum c |
//!
//! The resample's rows are pandas': groups sorted by key, bins sorted; the
//! rolling's too: rows sorted by sensor, in time order within each (pandas'
//! `groupby("sensor").rolling("1h", on="ts")`).
//!
//! - `--mode e2e`: the clock covers `read_parquet(dir)`, the query and the
//!   computed result, held in memory.
//! - `--mode mem`: `read_parquet(dir)?.compute()?` (one in-memory partition
//!   per file) runs before the clock starts; only the query is timed.
//!
//! The check runs after the clock stops, on the computed result. `--show`
//! prints the result to stderr; `--explain` prints the plan to stderr
//! before the run.
//!
//! Exit status: 0 ok, 1 a rusk error, 2 bad arguments.

#[path = "common/mod.rs"]
mod common;

use common::{Args, Failure, Mode};
use std::process::ExitCode;
use std::time::Instant;

use rusk::arrow::array::{Array, AsArray};
use rusk::arrow::datatypes::{Float64Type, Int64Type};
use rusk::{col, DataFrame};

const USAGE: &str = "usage: timeseries --query resample|rolling|regex|cumsum --mode e2e|mem [--data DIR] \
                     [--threads N] [--warmup N] [--repeat N] [--show] [--explain]";

/// The regex query's filter: ~2.2% of the tags (see generate_timeseries.py).
const REGEX_QUERY: &str = "tag.str.contains('^ab.*[79]$', regex=True)";

/// The query `id` over `x`; lazy.
fn query(x: &DataFrame, id: &str) -> Result<DataFrame, Failure> {
    Ok(match id {
        "resample" => x.groupby(["sensor"])?.resample("h", "ts")?.agg([("v_mean", col("v").mean())])?,
        "rolling" => x
            .groupby(["sensor"])?
            .rolling([("v_mean", rusk::rolling_on("v", "1h", "ts")?.mean())])?
            .select(["sensor", "ts", "v_mean"])?,
        "regex" => x.query(REGEX_QUERY)?,
        "cumsum" => x.assign_window([("c", rusk::cumsum("v"))])?,
        other => {
            return Err(Failure::Usage(format!(
                "unknown query {other:?}; queries are resample, rolling, regex, cumsum"
            )))
        }
    })
}

/// What timeseries.py compares across peers: `[rows, sum(v)]` for the
/// filter, else `[rows, non-null values, sum]` of the new column.
fn check(result: &DataFrame, id: &str, rows: usize) -> Result<String, Failure> {
    let internal = |what: &str| Failure::Rusk(rusk::Error::Internal(format!("timeseries check: {what}")));
    let column = match id {
        "regex" => "v",
        "cumsum" => "c",
        _ => "v_mean",
    };
    let sums = result.agg([("n", col(column).count()), ("s", col(column).sum())])?.compute()?;
    let batch =
        sums.batches().iter().find(|b| b.num_rows() > 0).ok_or_else(|| internal("agg returned no row"))?;
    let n = batch.column_by_name("n").ok_or_else(|| internal("no n"))?;
    let s = batch.column_by_name("s").ok_or_else(|| internal("no s"))?;
    let n = n.as_primitive_opt::<Int64Type>().ok_or_else(|| internal("count is not int64"))?.value(0);
    let s = s.as_primitive_opt::<Float64Type>().ok_or_else(|| internal("sum is not float64"))?;
    let s = if s.is_null(0) || !s.value(0).is_finite() {
        "null".to_string()
    } else {
        format!("{:?}", s.value(0))
    };
    Ok(if id == "regex" { format!("[{rows}, {s}]") } else { format!("[{rows}, {n}, {s}]") })
}

fn run(args: &Args) -> Result<(), Failure> {
    if let Some(threads) = args.threads {
        rusk::set_config(rusk::config().with_threads(threads));
    }
    let dir = args.data.join("ts_parquet");
    if args.flag("--explain") {
        eprintln!("{}", query(&rusk::read_parquet(&dir)?, &args.query)?.explain()?);
    }
    let loaded = match args.mode {
        Mode::InMemory => {
            // Plan the query on the lazy table first: a query rusk cannot
            // plan fails before anything is loaded.
            let lazy = rusk::read_parquet(&dir)?;
            query(&lazy, &args.query)?;
            Some(lazy.compute()?)
        }
        Mode::EndToEnd => None,
    };

    let started = Instant::now();
    let x = match loaded {
        Some(x) => x,
        None => rusk::read_parquet(&dir)?,
    };
    let result = query(&x, &args.query)?.compute()?;
    let seconds = started.elapsed().as_secs_f64();

    let rows: usize = result.batches().iter().map(|b| b.num_rows()).sum();
    let columns = result.schema().fields().len();
    let check = check(&result, &args.query, rows)?;
    if args.flag("--show") {
        eprintln!("{result}");
    }
    println!("{{\"seconds\": {seconds}, \"rows\": {rows}, \"columns\": {columns}, \"check\": {check}}}");
    Ok(())
}

fn main() -> ExitCode {
    common::main_with("timeseries", USAGE, &["--show", "--explain"], run)
}
