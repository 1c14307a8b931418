//! The memory budget: with `Config::memory_limit` set, shuffle buckets
//! beyond it spill to Arrow IPC files, and the result is the same.
//!
//! - a sort (range shuffle) and a groupby with `split_out(4)` (hash
//!   shuffle) over 6 partitions give the unlimited run's result with a
//!   budget of one byte (everything spills) and of about half the data;
//! - the run reports what it spilled, and its spill directory, made inside
//!   `Config::spill_dir`, is gone afterwards;
//! - when a task after the shuffle fails or panics, the directory existed
//!   while it ran (the failing function looks) and is gone afterwards too.

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;

use rusk::arrow::array::{
    Array, ArrayRef, AsArray, DictionaryArray, Float64Array, Int64Array, RecordBatch, StringArray,
};
use rusk::arrow::datatypes::{Float64Type, Int32Type};
use rusk::{col, Config, DataFrame, Error};

/// 6 partitions of 0..3000 rows with nulls, strings and a dictionary column;
/// one partition is empty.
fn frame() -> DataFrame {
    let sizes = [3000, 0, 1, 2500, 1700, 2999];
    let mut batches = Vec::new();
    let mut row = 0i64;
    for n in sizes {
        let ids: Vec<i64> = (row..row + n).collect();
        row += n;
        let key = Int64Array::from_iter(ids.iter().map(|i| (i % 13 != 0).then_some(i * 7919 % 1009)));
        let name = StringArray::from_iter(ids.iter().map(|i| (i % 5 != 0).then(|| format!("n{}", i % 37))));
        let city: DictionaryArray<Int32Type> =
            ids.iter().map(|i| (i % 11 != 0).then_some(["ams", "ber", "cph"][(*i % 3) as usize])).collect();
        let x = Float64Array::from_iter(ids.iter().map(|i| (i % 7 != 0).then_some(*i as f64 / 3.0)));
        batches.push(
            RecordBatch::try_from_iter_with_nullable([
                ("id", Arc::new(Int64Array::from(ids)) as ArrayRef, false),
                ("key", Arc::new(key), true),
                ("name", Arc::new(name), true),
                ("city", Arc::new(city), true),
                ("x", Arc::new(x), true),
            ])
            .unwrap(),
        );
    }
    let schema = batches[0].schema();
    rusk::from_batches(schema, batches).unwrap()
}

/// The partitions, to compare exactly (same graph, same order, same floats).
fn parts(df: &DataFrame) -> Vec<RecordBatch> {
    df.collect().unwrap()
}

fn sorted(df: &DataFrame) -> DataFrame {
    df.sort_values(&["key", "name", "id"], &[true, false, true]).unwrap()
}

fn grouped(df: &DataFrame) -> DataFrame {
    let g = df.groupby(["name", "city"]).unwrap().split_out(4);
    g.agg([("x", col("x").sum()), ("n", col("id").count()), ("key", col("key").max())]).unwrap()
}

/// `threads` threads under a budget of `limit` bytes, spilling in `dir`.
fn budgeted(threads: usize, limit: usize, dir: &Path) -> Config {
    Config::default().with_threads(threads).with_memory_limit(limit).with_spill_dir(dir)
}

/// The entries of `dir`.
fn entries(dir: &Path) -> Vec<PathBuf> {
    std::fs::read_dir(dir).unwrap().map(|e| e.unwrap().path()).collect()
}

#[test]
fn spilled_shuffles_give_the_unlimited_result_and_clean_up() {
    let df = frame();
    for (what, query) in [("sort", sorted(&df)), ("groupby split_out", grouped(&df))] {
        let unlimited = query.compute_with(&Config::default().with_threads(2)).unwrap();
        let unlimited_analysis = query.analyze_with(&Config::default().with_threads(2)).unwrap();
        assert_eq!(unlimited_analysis.spill, rusk::scheduler::SpillStats::default(), "{what}");
        // With a budget of one byte every held output spills; then half
        // of the most the unlimited run held at once (one thread holds
        // no less than three).
        let everything =
            Config::default().with_memory_limit(1).with_spill_dir(tempfile::tempdir().unwrap().path());
        let peak = query.analyze_with(&Config::default().with_threads(1)).unwrap().memory.peak_held;
        assert!(peak > 0, "{what}");
        for limit in [1, peak / 2] {
            for threads in [1, 3] {
                let parent = tempfile::tempdir().unwrap();
                let config = budgeted(threads, limit, parent.path());
                let got = query.compute_with(&config).unwrap();
                // The same rows in the same order (a sort under a budget
                // cuts more ranges, so the partitions may differ).
                let one = |df: &DataFrame| parts(&df.repartition(1).unwrap());
                assert_eq!(one(&got), one(&unlimited), "{what} limit={limit} threads={threads}");
                assert!(entries(parent.path()).is_empty(), "{what}: left {:?}", entries(parent.path()));

                let analysis = query.analyze_with(&config).unwrap();
                let spill = &analysis.spill;
                assert!(spill.outputs > 0 && spill.files > 0 && spill.bytes > 0, "{what} {limit}: {spill:?}");
                if limit == 1 {
                    // Every split's buckets: 6 splits of 6 (sort) or 4
                    // (groupby) buckets; and whole outputs (the inputs
                    // waiting for the boundaries, the results) too.
                    // (a sort under a budget cuts more ranges: one per output)
                    let n = query.task_graph_with(&config).unwrap().outputs.len();
                    assert_eq!(spill.buckets, 6 * n, "{what}");
                    assert!(spill.outputs > 6, "{what}: {spill:?}");
                } else {
                    let all = query.analyze_with(&everything).unwrap().spill;
                    assert!(spill.memory_bytes < all.memory_bytes, "{what}: half spills less: {spill:?}");
                }
                let dir = spill.dir.as_ref().unwrap();
                assert!(dir.starts_with(parent.path()), "{}", dir.display());
                assert!(!dir.exists(), "{} left behind", dir.display());
                assert!(entries(parent.path()).is_empty());
            }
        }
    }
}

#[test]
fn explain_analyze_reports_the_spill() {
    let parent = tempfile::tempdir().unwrap();
    let config = Config::default().with_threads(2).with_memory_limit(1).with_spill_dir(parent.path());
    let a = sorted(&frame()).analyze_with(&config).unwrap();
    // Every split's buckets: 6 splits of a bucket per output (key range).
    assert_eq!(a.spill.buckets, 6 * sorted(&frame()).task_graph_with(&config).unwrap().outputs.len());
    assert!(a.spill.memory_bytes > 0);
    // Per stage: with a budget of a byte every output spills, the split's
    // among them; the stages' spills add up to what the run wrote.
    let graph = sorted(&frame()).task_graph_with(&config).unwrap();
    let split = graph.stages.iter().position(|s| s.name == "range_split").unwrap();
    assert!(a.memory.stages[split].spilled > 0);
    assert_eq!(a.memory.stages.iter().map(|s| s.spilled).sum::<u64>(), a.spill.bytes);
    let split_line = a.stages.lines().find(|l| l.starts_with("range_split:")).unwrap();
    assert!(split_line.ends_with(&format!("spilled={}", a.memory.stages[split].spilled)), "{split_line}");
    // Under no limit nothing spills and the directory is never made; every
    // split's buckets are held until the last split has run, so the split
    // stage's peak is all of its output.
    let a = sorted(&frame()).analyze_with(&Config::default().with_spill_dir(parent.path())).unwrap();
    assert_eq!(a.spill.dir, None);
    assert!(entries(parent.path()).is_empty());
    let split_bytes: usize = a
        .stages
        .lines()
        .find(|l| l.starts_with("range_split:"))
        .and_then(|l| l.split(" bytes=").nth(1))
        .and_then(|b| b.split(' ').next())
        .and_then(|b| b.parse().ok())
        .unwrap();
    assert_eq!(a.memory.stages[split].peak_held, split_bytes);
    assert!(a.memory.stages.iter().all(|s| s.spilled == 0));
    assert!(a.memory.peak_held >= split_bytes);
}

/// A function after the shuffle that records whether a spill directory
/// exists in `parent` while it runs, then fails (or panics).
fn failing_after_shuffle(parent: &Path, panics: bool) -> (DataFrame, Arc<AtomicBool>) {
    let saw = Arc::new(AtomicBool::new(false));
    let (seen, parent) = (Arc::clone(&saw), parent.to_path_buf());
    let df = sorted(&frame())
        .map_partitions("explode", move |b| {
            let spilling = std::fs::read_dir(&parent)
                .map(|d| d.flatten().any(|e| e.file_name().to_string_lossy().starts_with("rusk-spill-")))
                .unwrap_or(false);
            seen.fetch_or(spilling, Ordering::SeqCst);
            if b.num_rows() > 0 && panics {
                panic!("boom");
            }
            if b.num_rows() > 0 {
                return Err(Error::InvalidArgument("boom".into()));
            }
            Ok(b)
        })
        .unwrap()
        .filter(col("id").ge(0i64))
        .unwrap();
    (df, saw)
}

#[test]
fn the_spill_directory_is_removed_when_a_task_fails() {
    for panics in [false, true] {
        let parent = tempfile::tempdir().unwrap();
        let (df, saw) = failing_after_shuffle(parent.path(), panics);
        let config = Config::default().with_threads(2).with_memory_limit(1).with_spill_dir(parent.path());
        let err = df.compute_with(&config).unwrap_err();
        assert!(err.to_string().contains("boom"), "{err}");
        assert!(saw.load(Ordering::SeqCst), "the failing task ran while buckets were spilled");
        assert!(entries(parent.path()).is_empty(), "left {:?}", entries(parent.path()));
    }
}

/// `explain` says what each stage holds and whether the budget bounds it:
/// a shuffle's buckets spill, a sort's key range and a merge's groups grow.
#[test]
fn explain_says_what_each_stage_holds_and_what_spills() {
    let line = |text: &str, stage: &str| -> String {
        let memory = text.split("== Memory").nth(1).unwrap_or_else(|| panic!("no memory section:\n{text}"));
        memory
            .lines()
            .find(|l| l.starts_with(stage))
            .unwrap_or_else(|| panic!("no {stage}:\n{memory}"))
            .to_string()
    };
    let sorted = frame().sort_values(&["key"], &[true]).unwrap();
    let budget = sorted.explain_with(&Config::default().with_memory_limit(1 << 20)).unwrap();
    assert!(budget.contains("== Memory: budget 1.0 MB =="), "{budget}");
    assert!(line(&budget, "range_split").ends_with("[spills beyond the budget]"), "{budget}");
    assert!(
        line(&budget, "concat+sort")
            .contains("the rows of one key range, sized to the budget; only one key's rows can exceed it"),
        "{budget}"
    );
    assert!(line(&budget, "from memory").contains("[bounded by the partition size]"), "{budget}");
    let unbounded = sorted.explain_with(&Config::default()).unwrap();
    assert!(unbounded.contains("== Memory: no budget, nothing spills =="), "{unbounded}");
    assert!(
        line(&unbounded, "range_split").contains("held whole (set a memory limit to spill)"),
        "{unbounded}"
    );

    let grouped = frame().groupby(["name"]).unwrap().agg([("x", col("x").sum())]).unwrap();
    let text = grouped.explain_with(&Config::default()).unwrap();
    assert!(line(&text, "from memory+partial_agg").contains("[bounded by the partition size]"), "{text}");
    assert!(line(&text, "merge_agg").contains("grows with the number of groups"), "{text}");

    let other = frame().select(["key", "x"]).unwrap().rename([("x", "y")]).unwrap();
    let joined = frame().merge(&other, rusk::MergeOptions::on(["key"])).unwrap();
    let text = joined.explain_with(&Config::default()).unwrap();
    assert!(text.lines().any(|l| l.contains("grows with the build side's rows")), "{text}");
    let shuffled = frame()
        .merge(&other, rusk::MergeOptions::on(["key"]).strategy(rusk::JoinStrategy::Shuffle))
        .unwrap()
        .explain_with(&Config::default().with_memory_limit(1 << 20))
        .unwrap();
    assert!(
        line(&shuffled, "hash_join").contains("the build rows of one bucket, sized to the budget"),
        "{shuffled}"
    );
}

/// A groupby left to choose its `split_out` gets more output partitions
/// under a budget too small for its groups' state in one, and the same
/// groups, with the same values, as without a budget.
#[test]
fn a_budget_too_small_for_the_groups_splits_the_groupby_and_keeps_its_result() {
    let df = frame();
    let query = df.groupby(["key"]).unwrap().agg([("x", col("x").sum()), ("n", col("id").count())]).unwrap();
    let free = Config::default().with_threads(2);
    let tight = free.clone().with_memory_limit(8 << 10);
    let partitions = |config: &Config| query.compute_with(config).unwrap().npartitions();
    assert_eq!(partitions(&free), 1);
    assert!(partitions(&tight) > 2, "{}", query.explain_with(&tight).unwrap());
    let text = query.explain_with(&tight).unwrap();
    assert!(text.contains("(chosen: ~") && text.contains("bytes estimated from"), "{text}");
    let all = |config: &Config| {
        let out = query.compute_with(config).unwrap();
        parts(&out.sort_values(&["key"], &[true]).unwrap().repartition(1).unwrap())
    };
    assert_eq!(all(&tight), all(&free));
}

/// Under a budget the outputs a run holds at once stay within half of it
/// (the other half is the running tasks'), but for the output just made
/// (spilled after it is made, not before): for a sort, a shuffled groupby
/// and a shuffle join, at budgets from a byte to about half of what the
/// unlimited run holds.
#[test]
fn held_outputs_stay_within_half_the_budget_plus_one_output() {
    let df = frame();
    let other = df.select(["key", "x"]).unwrap().rename([("x", "y")]).unwrap();
    let joined =
        df.merge(&other, rusk::MergeOptions::on(["key"]).strategy(rusk::JoinStrategy::Shuffle)).unwrap();
    for (what, query) in [("sort", sorted(&df)), ("groupby", grouped(&df)), ("join", joined)] {
        let run = |config: &Config| {
            let graph = query.task_graph_with(config).unwrap();
            rusk::scheduler::run_with(&graph, &graph.outputs, config).unwrap()
        };
        let free = run(&Config::default().with_threads(1));
        let rows: usize = free.batches.iter().map(RecordBatch::num_rows).sum();
        for budget in [1, free.memory.peak_held / 4, free.memory.peak_held / 2] {
            for threads in [1, 3] {
                let parent = tempfile::tempdir().unwrap();
                let config = budgeted(threads, budget, parent.path());
                let out = run(&config);
                // Half the budget for held outputs (the other half is the
                // running tasks'): an output is spilled after it is made.
                let largest = out.stats.iter().flatten().map(|s| s.bytes).max().unwrap_or(0);
                let half = (budget / 2).max(1);
                assert!(
                    out.memory.peak_held <= half + largest,
                    "{what} budget={budget} threads={threads}: held {} > {half} + {largest}",
                    out.memory.peak_held
                );
                assert_eq!(out.batches.iter().map(RecordBatch::num_rows).sum::<usize>(), rows, "{what}");
            }
        }
    }
}

/// Under a budget a sort cuts enough key ranges that one fits a task's
/// share, and sorts the same rows in the same order as without one.
#[test]
fn a_budget_too_small_for_a_key_range_cuts_more_ranges_and_keeps_the_order() {
    let query = sorted(&frame());
    let free = Config::default().with_threads(2);
    let tight = free.clone().with_memory_limit(64 << 10);
    let text = query.explain_with(&tight).unwrap();
    let ranges: usize = text
        .split("ranges=")
        .nth(1)
        .and_then(|t| t.split(' ').next())
        .and_then(|n| n.parse().ok())
        .unwrap_or_else(|| panic!("no ranges:\n{text}"));
    assert!(ranges > 6, "{text}");
    assert!(text.contains(&format!("concat+sort ×{ranges}")), "{text}");
    let got = query.compute_with(&tight).unwrap();
    assert_eq!(got.npartitions(), ranges);
    let one = |df: &DataFrame| parts(&df.repartition(1).unwrap());
    assert_eq!(one(&got), one(&query.compute_with(&free).unwrap()));
    // No budget, no change.
    assert!(!query.explain_with(&free).unwrap().contains("ranges="));
}

/// Under a budget, a scan's partitions are cut to a share of it (slices
/// of a Parquet row group, shorter CSV ranges), explain says so, and every
/// query gives what it gives over the files' own partitions: rows in the
/// same order, the same groups and sums. A `set_index(sorted=True)` keeps
/// its input's partitions (its divisions are theirs).
#[test]
fn a_budget_cuts_scans_into_smaller_partitions_with_the_same_results() {
    let dir = tempfile::tempdir().unwrap();
    let spill = tempfile::tempdir().unwrap();
    let frame = frame();
    frame.to_parquet(dir.path().join("pq")).unwrap();
    frame.to_csv(dir.path().join("csv")).unwrap();
    let inputs =
        [rusk::read_parquet(dir.path().join("pq")).unwrap(), rusk::read_csv(dir.path().join("csv")).unwrap()];
    let all = |df: &DataFrame, config: &Config| -> RecordBatch {
        let out = df.compute_with(config).unwrap();
        rusk::arrow::compute::concat_batches(&out.schema(), &out.collect().unwrap()).unwrap()
    };
    for input in &inputs {
        let by_name = input
            .groupby(["name", "city"])
            .unwrap()
            .agg([("s", col("id").sum()), ("n", col("x").count()), ("key", col("key").max())])
            .unwrap()
            .sort_values(&["name", "city"], &[true, true])
            .unwrap();
        let queries = [
            ("rows", input.clone()),
            ("filter", input.filter(col("key").gt(rusk::lit(500i64))).unwrap()),
            ("sort", sorted(input)),
            ("groupby", by_name),
            // Both read the frame twice: the two reads must be cut alike.
            ("cumsum", input.assign_window([("c", rusk::cumsum("x"))]).unwrap()),
            ("dedup", input.drop_duplicates(Some(&["name", "city"]), rusk::Keep::First).unwrap()),
        ];
        let budget = budgeted(2, 400_000, spill.path());
        for (what, query) in queries {
            let text = query.explain_with(&budget).unwrap();
            let cut = text.lines().find(|l| l.contains("Scan:") && l.contains("memory budget"));
            let count: usize = cut
                .and_then(|l| l.split("partitions=").nth(1))
                .and_then(|s| s.split(' ').next())
                .and_then(|n| n.parse().ok())
                .unwrap_or_else(|| panic!("{what}: no cut scan:\n{text}"));
            assert!(count > 6, "{what}: {count} partitions\n{text}");
            let want = all(&query, &Config::default().with_threads(2));
            let got = all(&query, &budget);
            if what == "cumsum" {
                // A running float sum carried across partitions adds their
                // totals: equal to the last bits, not beyond.
                let n = want.num_columns() - 1;
                assert_eq!(
                    got.project(&(0..n).collect::<Vec<_>>()).unwrap(),
                    want.project(&(0..n).collect::<Vec<_>>()).unwrap()
                );
                let (g, w) = (
                    got.column(n).as_primitive::<Float64Type>(),
                    want.column(n).as_primitive::<Float64Type>(),
                );
                assert_eq!(g.nulls(), w.nulls(), "{what}");
                for (a, b) in g.iter().zip(w.iter()) {
                    let (a, b) = (a.unwrap_or(0.0), b.unwrap_or(0.0));
                    assert!((a - b).abs() <= 1e-12 * b.abs().max(1.0), "{what}: {a} against {b}");
                }
                continue;
            }
            assert_eq!(got, want, "{what}");
        }
        let indexed = input.set_index("id", true).unwrap().filter(col("key").lt(rusk::lit(100i64))).unwrap();
        let text = indexed.explain_with(&budget).unwrap();
        assert!(!text.contains("memory budget)"), "{text}");
        assert_eq!(all(&indexed, &budget), all(&indexed, &Config::default()));
    }
    assert!(entries(spill.path()).is_empty());
}
