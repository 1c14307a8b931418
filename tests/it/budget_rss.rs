//! The memory budget's promise, measured on the process: the `rusk`
//! command run as a child over 2,000,000 h2o-like rows (~150 MB in
//! Arrow, in Parquet files of 1,000,000-row row groups) keeps its peak
//! resident memory within 1.5 × `--memory-limit 32`, plus what the program
//! itself takes (the same command over 10 rows: its code, thread stacks,
//! the allocator's first pages; ~20 MB in release, ~40 MB in a debug
//! build), plus [`SLACK_MIB`], for a groupby with few groups, one with a
//! group per row, a sort and a shuffle join, each writing its result to
//! one file. The same sort without a budget peaks far above, so the data
//! is big enough for the bound to mean something.
//!
//! Peak RSS is what the command says of itself at the end of a run with
//! `--progress` (Linux's `VmHWM`): the `ru_maxrss` of a child counts the
//! memory of the process that started it until its `exec`, here the test's
//! generated data.

use std::path::Path;
use std::sync::Arc;

use rusk::arrow::array::{ArrayRef, Float64Array, Int64Array, RecordBatch, StringArray};

use crate::common::rusk_cmd;

const ROWS: usize = 2_000_000;
/// Rows per generated partition: a file of one 1,000,000-row row group.
const PART: usize = 1_000_000;
/// The join's other side: unique keys 1..=DIM, as x's `id6`.
const DIM: usize = 200_000;
const BUDGET_MIB: u64 = 32;
/// What the bound allows beyond 1.5 budgets and the program's own: the
/// allocator's pages not yet handed back, a task's output a moment before
/// it is spilled.
const SLACK_MIB: u64 = 32;

/// A deterministic stream of numbers (an LCG), as good as the test needs.
struct Lcg(u64);

impl Lcg {
    fn below(&mut self, n: u64) -> u64 {
        self.0 = self.0.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1_442_695_040_888_963_407);
        (self.0 >> 33) % n
    }
}

/// `rows` h2o-like rows in partitions of `part` as `dir/x`, and the join's
/// other side as `dir/dim`.
fn write_inputs(dir: &Path, rows: usize, part: usize) {
    let mut rng = Lcg(13);
    let mut parts = Vec::new();
    for _ in 0..rows / part {
        let mut label = |prefix: &str, n: u64| -> ArrayRef {
            Arc::new(StringArray::from_iter_values(
                (0..part).map(|_| format!("{prefix}{:03}", rng.below(n) + 1)),
            ))
        };
        let (id1, id2, id3) = (label("id", 100), label("id", 100), label("id", 20_000));
        let mut ints = |n: u64| -> ArrayRef {
            Arc::new(Int64Array::from_iter_values((0..part).map(|_| rng.below(n) as i64 + 1)))
        };
        let (id4, id5, id6, v1, v2) = (ints(100), ints(100), ints(DIM as u64), ints(5), ints(15));
        let v3: ArrayRef = Arc::new(Float64Array::from_iter_values(
            (0..part).map(|_| rng.below(1_000_000) as f64 / 10_000.0),
        ));
        let columns = [
            ("id1", id1),
            ("id2", id2),
            ("id3", id3),
            ("id4", id4),
            ("id5", id5),
            ("id6", id6),
            ("v1", v1),
            ("v2", v2),
            ("v3", v3),
        ];
        parts.push(RecordBatch::try_from_iter(columns).expect("a batch"));
    }
    let x = rusk::from_batches(parts[0].schema(), parts).expect("x");
    x.to_parquet(dir.join("x")).expect("x written");
    let keys: Vec<i64> = (1..=DIM as i64).rev().collect();
    let w: Vec<f64> = keys.iter().map(|&k| k as f64 / 7.0).collect();
    let dim = RecordBatch::try_from_iter([
        ("id6", Arc::new(Int64Array::from(keys)) as ArrayRef),
        ("w", Arc::new(Float64Array::from(w)) as ArrayRef),
    ])
    .expect("dim");
    rusk::from_batches(dim.schema(), vec![dim])
        .expect("dim")
        .to_parquet(dir.join("dim"))
        .expect("dim written");
}

/// Runs `rusk args --progress` (which must succeed) and returns the peak
/// RSS in bytes it reports.
#[cfg(target_os = "linux")]
fn peak_rss(args: &[String]) -> u64 {
    let out = rusk_cmd().args(args).arg("--progress").output().expect("rusk runs");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "rusk {args:?} failed: {stderr}");
    stderr
        .lines()
        .find_map(|l| l.strip_prefix("rusk: peak RSS of the process: "))
        .and_then(|rest| rest.split(' ').next())
        .and_then(|bytes| bytes.parse().ok())
        .unwrap_or_else(|| panic!("no peak RSS reported:\n{stderr}"))
}

#[cfg(target_os = "linux")]
#[test]
fn peak_rss_stays_within_one_and_a_half_budgets_plus_the_program() {
    let dir = tempfile::tempdir().expect("temp dir");
    write_inputs(dir.path(), ROWS, PART);
    let tiny = tempfile::tempdir().expect("temp dir");
    write_inputs(tiny.path(), 10, 10);
    let path = |name: &str| dir.path().join(name).display().to_string();
    let (x, dim) = (path("x"), path("dim"));
    let budget = ["--memory-limit", &BUDGET_MIB.to_string(), "--threads", "2", "--output"].map(String::from);
    let mut own: Vec<String> =
        ["query", &tiny.path().join("x").display().to_string(), "--groupby", "id1", "--agg", "v1:sum"]
            .map(String::from)
            .to_vec();
    own.extend(budget.iter().cloned());
    own.push(tiny.path().join("q.csv").display().to_string());
    let program = peak_rss(&own);
    let queries: [(&str, Vec<&str>, &str); 4] = [
        ("q1", vec!["--groupby", "id1", "--agg", "v1:sum"], "q1.csv"),
        ("q10", vec!["--groupby", "id1,id2,id3,id4,id5,id6", "--agg", "v3:sum,v1:count"], "q10.parquet"),
        ("sort", vec!["--sort", "v3"], "sort.parquet"),
        ("join", vec!["--join", &dim, "--on", "id6"], "join.csv"),
    ];
    let bound = ((BUDGET_MIB * 3 / 2 + SLACK_MIB) << 20) + program;
    let mut report = vec![format!("the program over 10 rows: {} MB", program >> 20)];
    for (what, flags, out) in &queries {
        let mut args: Vec<String> = vec!["query".into(), x.clone()];
        args.extend(flags.iter().map(|s| s.to_string()));
        args.extend(budget.iter().cloned());
        args.push(path(out));
        let peak = peak_rss(&args);
        report.push(format!("{what}: {} MB", peak >> 20));
        assert!(peak <= bound, "{what} peaked at {} MB > {} MB ({report:?})", peak >> 20, bound >> 20);
    }
    // Every output is whole: the join keeps each row of x (every id6 is a key).
    let joined = rusk::read_csv(path("join.csv")).expect("join output").len().expect("rows");
    assert_eq!(joined, ROWS);
    let sorted = rusk::read_parquet(path("sort.parquet")).expect("sort output").len().expect("rows");
    assert_eq!(sorted, ROWS);
    // Without the budget the same sort holds far more.
    let free = vec![
        "query".into(),
        x,
        "--sort".into(),
        "v3".into(),
        "--threads".into(),
        "2".into(),
        "--output".into(),
        path("free.parquet"),
    ];
    let unbounded = peak_rss(&free);
    assert!(unbounded > 2 * bound, "without a budget the sort peaked at {} MB ({report:?})", unbounded >> 20);
}
