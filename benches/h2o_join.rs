//! One h2o db-benchmark join question (q1..q7) or sort (s1, s2) through
//! rusk's public API, timed inside the process: the rusk side of
//! `benches/compare/join.py`.
//!
//! ```sh
//! cargo build --release --bench h2o_join
//! target/release/deps/h2o_join-HASH --query q5 --mode e2e [--data benches/data] [--threads N] [--show] [--explain]
//! cargo bench --bench h2o_join -- --query q5 --mode mem        # the same, through cargo
//! ```
//!
//! It runs ONE question per process (so a peak RSS measured from outside is
//! this question's alone) on the tables `DATA/join_{x,small,medium,big}/`
//! made by `benches/compare/generate_join.py`, and prints one JSON line per run (`--warmup` untimed, then `--repeat` timed: default 0 and 1),
//! `{"seconds": s, "rows": r, "columns": c, "check": [...]}`: the seconds
//! around the question alone, the result's shape, and what `join.py`
//! compares across peers so that a wrong answer cannot pass as a fast one:
//!
//! - a join: `[rows, sum(v1), sum(v2)]` of the joined frame (v2 is null
//!   where a left join found no match; the sum skips nulls);
//! - a sort: `[first row, last row]`, each `[id1, id3, id6, v1]`.
//!
//! | id | question (x: 1e7 rows) | rusk |
//! |---|---|---|
//! | q1 | small inner on int | `x.merge(&small, MergeOptions::on(["id1"]))` |
//! | q2 | medium inner on int | `x.merge(&medium, MergeOptions::on(["id2"]))` |
//! | q3 | medium left on int | `... on(["id2"]).how(JoinType::Left)` |
//! | q4 | medium inner on string | `... on(["id5"])` |
//! | q5 | big inner on int | `x.merge(&big, MergeOptions::on(["id3"]))` |
//! | q6 | big left on int | `... on(["id3"]).how(JoinType::Left)` |
//! | q7 | big inner on string | `... on(["id6"])` |
//! | s1 | sort by one int | `x.sort_values(&["id3"], &[true])` |
//! | s2 | sort by int desc, string | `x.sort_values(&["id1", "id6"], &[false, true])` |
//!
//! q1..q5 are the five h2o join questions; q6, q7 add a left and a string
//! key big-big join. Both sort keys are unique in x (id3, and id6 is
//! "id<id3>"), so every correct sort gives the same rows.
//!
//! - `--mode e2e`: the clock covers `read_parquet` of both tables, the join
//!   (or sort) and the computed result, held in memory.
//! - `--mode mem`: the h2o setting: each table is read into memory
//!   (`read_parquet(dir)?.compute()?`) before the clock starts; only the
//!   join (or sort) is timed.
//!
//! The check (`len`, `agg`, the first and last rows) runs after the clock
//! stops, on the computed result. `--show` prints the result (as rusk
//! prints a frame) to stderr; `--explain` prints the plan to stderr before
//! the run.
//!
//! Exit status: 0 ok, 1 a rusk error, 2 bad arguments.

#[path = "common/mod.rs"]
mod common;

use common::{Args, Failure, Mode};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Instant;

use rusk::arrow::array::{Array, AsArray};
use rusk::arrow::compute::cast;
use rusk::arrow::datatypes::{DataType, Float64Type, Int64Type};
use rusk::{col, DataFrame, JoinType, MergeOptions};

const USAGE: &str =
    "usage: h2o_join --query q1..q7|s1|s2 --mode e2e|mem [--data DIR] [--threads N] [--warmup N] [--repeat N] [--show] [--explain]";

/// The columns whose first and last values check a sort.
const SORT_CHECK: [&str; 4] = ["id1", "id3", "id6", "v1"];

impl From<rusk::arrow::error::ArrowError> for Failure {
    fn from(err: rusk::arrow::error::ArrowError) -> Self {
        Failure::Rusk(rusk::Error::Internal(format!("h2o_join check: {err}")))
    }
}

/// What a question reads and does.
enum Question {
    /// x joined with the table `right` on `key`.
    Join { right: &'static str, key: &'static str, how: JoinType },
    /// x sorted by `by`, ascending or not per column.
    Sort { by: &'static [&'static str], ascending: &'static [bool] },
}

fn question(id: &str) -> Result<Question, Failure> {
    use JoinType::{Inner, Left};
    let join = |right, key, how| Question::Join { right, key, how };
    Ok(match id {
        "q1" => join("small", "id1", Inner),
        "q2" => join("medium", "id2", Inner),
        "q3" => join("medium", "id2", Left),
        "q4" => join("medium", "id5", Inner),
        "q5" => join("big", "id3", Inner),
        "q6" => join("big", "id3", Left),
        "q7" => join("big", "id6", Inner),
        "s1" => Question::Sort { by: &["id3"], ascending: &[true] },
        "s2" => Question::Sort { by: &["id1", "id6"], ascending: &[false, true] },
        other => return Err(Failure::Usage(format!("unknown query {other:?}; queries are q1..q7, s1, s2"))),
    })
}

/// The question over the (lazy or loaded) tables; lazy.
fn plan(q: &Question, x: &DataFrame, right: Option<&DataFrame>) -> Result<DataFrame, Failure> {
    Ok(match (q, right) {
        (Question::Join { key, how, .. }, Some(right)) => {
            x.merge(right, MergeOptions::on([*key]).how(*how))?
        }
        (Question::Sort { by, ascending }, _) => x.sort_values(by, ascending)?,
        (Question::Join { .. }, None) => unreachable!("a join reads its right table"),
    })
}

fn table(data: &Path, name: &str) -> PathBuf {
    data.join(format!("join_{name}"))
}

/// One value of `array` as JSON: an integer, a float (shortest round trip),
/// a string, or null.
fn json_value(array: &dyn Array, i: usize) -> Result<String, Failure> {
    if array.is_null(i) {
        return Ok("null".into());
    }
    let one = array.slice(i, 1);
    let data_type = one.data_type().clone();
    Ok(if data_type.is_integer() {
        cast(&one, &DataType::Int64)?.as_primitive::<Int64Type>().value(0).to_string()
    } else if data_type.is_floating() {
        json_float(cast(&one, &DataType::Float64)?.as_primitive::<Float64Type>().value(0))
    } else {
        json_string(cast(&one, &DataType::Utf8)?.as_string::<i32>().value(0))
    })
}

fn json_float(v: f64) -> String {
    if v.is_finite() {
        format!("{v:?}")
    } else {
        "null".into()
    }
}

fn json_string(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            c if (c as u32) < 0x20 => out.push_str(&format!("\\u{:04x}", c as u32)),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// `[rows, sum(v1), sum(v2)]` of a joined frame.
fn join_check(result: &DataFrame, rows: usize) -> Result<String, Failure> {
    let sums = result.agg([("v1", col("v1").sum()), ("v2", col("v2").sum())])?.compute()?;
    let batch = sums
        .batches()
        .iter()
        .find(|b| b.num_rows() > 0)
        .ok_or_else(|| Failure::Rusk(rusk::Error::Internal("h2o_join: agg returned no row".into())))?;
    let v1 = json_value(batch.column_by_name("v1").expect("agg names v1").as_ref(), 0)?;
    let v2 = json_value(batch.column_by_name("v2").expect("agg names v2").as_ref(), 0)?;
    Ok(format!("[{rows}, {v1}, {v2}]"))
}

/// `[first row, last row]` of a sorted frame, each the values of SORT_CHECK.
fn sort_check(result: &DataFrame) -> Result<String, Failure> {
    let batches: Vec<_> = result.batches().iter().filter(|b| b.num_rows() > 0).collect();
    let (Some(first), Some(last)) = (batches.first(), batches.last()) else {
        return Ok("[null, null]".into());
    };
    let row = |batch: &rusk::arrow::record_batch::RecordBatch, i: usize| -> Result<String, Failure> {
        let values = SORT_CHECK
            .iter()
            .map(|name| {
                let column = batch.column_by_name(name).ok_or_else(|| {
                    Failure::Rusk(rusk::Error::Internal(format!("h2o_join: the sorted frame has no {name}")))
                })?;
                json_value(column.as_ref(), i)
            })
            .collect::<Result<Vec<_>, _>>()?;
        Ok(format!("[{}]", values.join(", ")))
    };
    Ok(format!("[{}, {}]", row(first, 0)?, row(last, last.num_rows() - 1)?))
}

fn run(args: &Args) -> Result<(), Failure> {
    if let Some(threads) = args.threads {
        rusk::set_config(rusk::config().with_threads(threads));
    }
    let q = question(&args.query)?;
    let right_name = match &q {
        Question::Join { right, .. } => Some(*right),
        Question::Sort { .. } => None,
    };
    let read = || -> Result<(DataFrame, Option<DataFrame>), Failure> {
        let x = rusk::read_parquet(table(&args.data, "x"))?;
        let right = right_name.map(|name| rusk::read_parquet(table(&args.data, name))).transpose()?;
        Ok((x, right))
    };
    if args.flag("--explain") {
        let (x, right) = read()?;
        eprintln!("{}", plan(&q, &x, right.as_ref())?.explain()?);
    }
    let loaded = match args.mode {
        Mode::InMemory => {
            // Plan the question on the lazy tables first: a question rusk
            // cannot plan fails before anything is loaded.
            let (x, right) = read()?;
            plan(&q, &x, right.as_ref())?;
            Some((x.compute()?, right.map(|r| r.compute()).transpose()?))
        }
        Mode::EndToEnd => None,
    };

    let started = Instant::now();
    let (x, right) = match loaded {
        Some(tables) => tables,
        None => read()?,
    };
    let result = plan(&q, &x, right.as_ref())?.compute()?;
    let seconds = started.elapsed().as_secs_f64();

    let rows: usize = result.batches().iter().map(|b| b.num_rows()).sum();
    let columns = result.schema().fields().len();
    let check = match q {
        Question::Join { .. } => join_check(&result, rows)?,
        Question::Sort { .. } => sort_check(&result)?,
    };
    if args.flag("--show") {
        eprintln!("{result}");
    }
    println!("{{\"seconds\": {seconds}, \"rows\": {rows}, \"columns\": {columns}, \"check\": {check}}}");
    Ok(())
}

fn main() -> ExitCode {
    common::main_with("h2o_join", USAGE, &["--show", "--explain"], run)
}
