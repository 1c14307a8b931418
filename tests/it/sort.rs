//! `sort_values` against pandas, and its invariance.
//!
//! - Every sort case of `fixtures/expected/reductions/cases.tsv` (one key of
//!   each type, both directions and `na_position`s, NaN and null, -0.0 next
//!   to 0.0, several keys with mixed directions, ties everywhere) gives
//!   pandas' rows in pandas' order (`kind="stable"`), computed with the
//!   default settings and after `repartition(n)` for n in 1, 2, 3, 7, 16,
//!   each with 1 and 4 threads (`common::partitionings_no_tree`: a sort has
//!   no merge tree); `head(n)` after the sort is its first n rows.
//! - Random frames in random partitions (empty ones too) sort to the same
//!   rows whatever the partitioning.
//! - The plan: filters sink below a sort, a limit never does, only the
//!   columns used are read, the partitions are gathered into one task.

use crate::common;
use crate::reductions_common;

use std::sync::Arc;

use common::{compare, partitionings_no_tree, table_of, Table, THREADS};
use reductions_common::{reduction_cases, ReductionCase};
use rusk::arrow::array::{ArrayRef, Float64Array, Int64Array, RecordBatch, StringArray};
use rusk::{Config, DataFrame, Error, NaPosition, SortOptions};

fn sort_cases() -> Vec<ReductionCase> {
    reduction_cases().into_iter().filter(|c| c.op == "sort").collect()
}

fn check(
    case: &ReductionCase,
    how: &str,
    expected: &Table,
    got: rusk::Result<DataFrame>,
) -> Result<(), String> {
    let df = got.map_err(|e| format!("case {} [{how}]: error: {e}", case.name))?;
    compare(&format!("{} [{how}]", case.name), expected, &table_of(&df))
}

/// Every way `case` is run, each compared with pandas; the failures.
fn run_case(case: &ReductionCase) -> Vec<String> {
    let expected = case.expected();
    let mut failures = Vec::new();
    let mut record = |r: Result<(), String>| {
        if let Err(e) = r {
            failures.push(e);
        }
    };
    record(check(case, "compute", &expected, case.frame().and_then(|df| df.compute())));
    for (how, n, config) in partitionings_no_tree() {
        let sorted = case.input().and_then(|df| case.apply(&df.repartition(n)?));
        record(check(
            case,
            &how,
            &expected,
            sorted.as_ref().map_err(clone_err).and_then(|s| s.compute_with(&config)),
        ));
        // The first rows of the sort: pandas' `sort_values(...).head(5)`.
        let top = Table {
            columns: expected.columns.clone(),
            rows: expected.rows.iter().take(5).cloned().collect(),
        };
        record(check(
            case,
            &format!("{how} head(5)"),
            &top,
            sorted.and_then(|s| s.limit(5).compute_with(&config)),
        ));
    }
    failures
}

fn clone_err(e: &Error) -> Error {
    Error::Internal(e.to_string())
}

#[test]
fn every_sort_case_matches_pandas() {
    let cases = sort_cases();
    assert!(cases.len() >= 15, "only {} sort cases", cases.len());
    assert!(cases.iter().any(|c| c.nulls_first) && cases.iter().any(|c| c.args.contains(",")));
    let mut report = Vec::new();
    for case in &cases {
        let f = run_case(case);
        report.extend(f.iter().take(3).cloned());
        if f.len() > 3 {
            report.push(format!("case {}: ... {} failing variants in all", case.name, f.len()));
        }
    }
    assert!(report.is_empty(), "{}", report.join("\n"));
}

// ---- invariance on random frames --------------------------------------------

/// A small seeded generator (no dependency for a test).
struct Lcg(u64);

impl Lcg {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
        self.0 >> 33
    }

    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
}

/// `rows` random rows (few distinct values: many ties; nulls; NaN) cut into
/// random partitions, some of them empty.
fn random_frame(rng: &mut Lcg, rows: usize) -> (RecordBatch, DataFrame) {
    let ints: Int64Array = (0..rows).map(|_| (rng.below(8) != 0).then(|| rng.below(5) as i64)).collect();
    let floats: Float64Array = (0..rows)
        .map(|_| match rng.below(10) {
            0 => None,
            1 => Some(f64::NAN),
            _ => Some(rng.below(4) as f64 / 2.0),
        })
        .collect();
    let words = ["a", "b", "B", "ab"];
    let strings: StringArray =
        (0..rows).map(|_| (rng.below(6) != 0).then(|| words[rng.below(4) as usize])).collect();
    let ids = Int64Array::from_iter_values(0..rows as i64);
    let columns: Vec<(&str, ArrayRef)> =
        vec![("id", Arc::new(ids)), ("i", Arc::new(ints)), ("f", Arc::new(floats)), ("s", Arc::new(strings))];
    let batch = RecordBatch::try_from_iter(columns).expect("a batch");
    let mut parts = Vec::new();
    let mut start = 0;
    while start < rows {
        let len = (rng.below(40) as usize).min(rows - start);
        parts.push(batch.slice(start, len));
        start += len;
    }
    parts.push(batch.slice(rows, 0));
    let df = rusk::from_batches(batch.schema(), parts).expect("a frame");
    (batch, df)
}

#[test]
fn random_frames_sort_the_same_in_any_partitioning() {
    let mut rng = Lcg(2024);
    let key_sets: [&[&str]; 5] = [&["i"], &["f"], &["s", "f"], &["f", "i", "s"], &["i", "s"]];
    for round in 0..12 {
        let (batch, df) = random_frame(&mut rng, 150 + round * 10);
        let one = rusk::from_batches(batch.schema(), vec![batch.clone()]).expect("one partition");
        for by in key_sets {
            let ascending: Vec<bool> = by.iter().map(|_| rng.below(2) == 0).collect();
            let na = if rng.below(2) == 0 { NaPosition::Last } else { NaPosition::First };
            let options = SortOptions::default().ascending(ascending.clone()).na_position(na);
            let sorted = one.sort_values_with(by, options.clone()).unwrap().compute().unwrap();
            let reference = table_of(&sorted);
            // A limit of a sort is a top-k (each partition's first n, then
            // theirs): the full sort's first n rows, ties included.
            let sorted = rusk::from_batches(batch.schema(), sorted.batches().to_vec()).unwrap();
            for n in [0, 1, 7, 60, 500] {
                let want = table_of(&sorted.limit(n).compute().unwrap());
                for threads in THREADS {
                    let config = Config::default().with_threads(threads);
                    let top = df.sort_values_with(by, options.clone()).unwrap().limit(n);
                    let got = top.compute_with(&config).unwrap();
                    assert_eq!(
                        table_of(&got),
                        want,
                        "round {round}, by {by:?} {na:?}, head({n}), threads {threads}"
                    );
                }
            }
            for threads in THREADS {
                let config = Config::default().with_threads(threads);
                let got = df.sort_values_with(by, options.clone()).unwrap().compute_with(&config).unwrap();
                assert_eq!(got.batches().len(), df.npartitions(), "one key range per input partition");
                assert_eq!(
                    table_of(&got),
                    reference,
                    "round {round}, by {by:?} ascending {ascending:?} {na:?}, threads {threads}"
                );
            }
        }
    }
}

// ---- the plan ---------------------------------------------------------------

fn sales() -> DataFrame {
    rusk::read_parquet(common::fixture("fixtures/sales_parquet")).expect("read")
}

/// The optimized plan's text.
fn optimized(df: &DataFrame) -> String {
    let text = df.explain().expect("explain");
    let start =
        text.find("== Optimized plan ==\n").expect("an optimized plan") + "== Optimized plan ==\n".len();
    let end = text.find("== Rules applied ==").expect("rules");
    text[start..end].trim_end().to_string()
}

#[test]
fn filters_sink_below_a_sort_and_limits_do_not() {
    let df = sales().sort_values(&["price"], &[false]).unwrap().query("region == 'east'").unwrap();
    let plan = optimized(&df);
    assert!(plan.starts_with("Sort: by=[price], ascending=False\n  Scan: parquet"), "{plan}");
    assert!(plan.contains("filters=[region in ['east']]"), "{plan}");

    let top = sales().sort_values(&["price"], &[false]).unwrap().limit(3);
    let plan = optimized(&top);
    assert!(plan.starts_with("Limit: 3\n  Sort: by=[price], ascending=False\n    Scan"), "{plan}");
    let mut expected = common::read_table("fixtures/expected/reductions/sort_sales_price_desc.csv");
    expected.rows.truncate(3);
    compare("top 3 prices", &expected, &table_of(&top.compute().unwrap())).unwrap();
}

#[test]
fn a_limit_of_a_sort_is_a_top_k_without_a_shuffle() {
    let top = sales().sort_values(&["price"], &[false]).unwrap().limit(3);
    let stages = common::stages(&top);
    assert!(stages.iter().all(|(name, _)| !name.contains("range")), "{stages:?}");
    assert!(
        stages[0].0.ends_with("sort_head") && stages[0].1 == 3,
        "every partition keeps its first 3: {stages:?}"
    );
    assert_eq!(stages.last().unwrap(), &("sort_head".to_string(), 1), "{stages:?}");
}

#[test]
fn only_the_selected_and_key_columns_are_read() {
    let options = SortOptions::default().ascending([true, false]).na_position(NaPosition::First);
    let df = sales().sort_values_with(&["region", "qty"], options).unwrap().select(["order_id"]).unwrap();
    let plan = optimized(&df);
    assert!(plan.contains("Sort: by=[region, qty], ascending=[True, False], na_position=first"), "{plan}");
    assert!(plan.contains("columns=[order_id, region, qty] 3/7"), "{plan}");
}

#[test]
fn a_sort_is_a_range_shuffle_with_one_range_per_partition() {
    let df = sales().sort_values(&["qty"], &[]).unwrap();
    assert_eq!(df.npartitions(), 3);
    let text = df.explain().unwrap();
    assert!(
        text.contains(
            "scan parquet ×3 → range_sample ×3 → range_boundaries ×1 → range_split ×3 → concat+sort ×3"
        ),
        "{text}"
    );
    // One input partition sorts in one task, no shuffle.
    let one = sales().repartition(1).unwrap().sort_values(&["qty"], &[]).unwrap();
    assert!(one.explain().unwrap().contains("→ sort ×1"), "{}", one.explain().unwrap());
}

#[test]
fn bad_sorts_fail_when_the_frame_is_built() {
    let df = sales();
    match df.sort_values(&["regoin"], &[]) {
        Err(Error::ColumnNotFound { name, available }) => {
            assert_eq!(name, "regoin");
            assert!(available.contains(&"region".to_string()));
        }
        other => panic!("{other:?}"),
    }
    assert!(matches!(df.sort_values(&[], &[]), Err(Error::InvalidArgument(m)) if m.contains("at least one")));
    assert!(matches!(
        df.sort_values(&["qty", "price"], &[true, false, true]),
        Err(Error::InvalidArgument(m)) if m.contains("3 ascending flags for 2 columns")
    ));
}

/// Four Parquet files of three 200-row row groups each, whose keys repeat
/// in every row group (the smallest of each in all of them), with nulls
/// and NaN: the shape where a top-k skips row groups by their statistics.
fn row_group_dataset(dir: &std::path::Path) {
    use parquet::arrow::ArrowWriter;
    use parquet::file::properties::WriterProperties;
    for file in 0..4i64 {
        let rows = (file * 600)..(file + 1) * 600;
        let columns: Vec<(&str, ArrayRef)> = vec![
            ("seq", Arc::new(Int64Array::from_iter_values(rows.clone()))),
            ("k", Arc::new(Int64Array::from_iter_values(rows.clone().map(|i| (i * 7) % 50)))),
            (
                "s",
                Arc::new(StringArray::from_iter_values(
                    rows.clone().map(|i| format!("s{:03}", (i * 31) % 97)),
                )),
            ),
            ("g", Arc::new(Int64Array::from_iter(rows.clone().map(|i| (i % 11 != 3).then_some(i % 13))))),
            (
                "f",
                Arc::new(Float64Array::from_iter(rows.clone().map(|i| match i % 17 {
                    4 => None,
                    9 if file == 2 => Some(f64::NAN),
                    r => Some(r as f64 - 8.0),
                }))),
            ),
        ];
        let batch = RecordBatch::try_from_iter(columns).unwrap();
        let props = WriterProperties::builder().set_max_row_group_row_count(Some(200)).build();
        let out = std::fs::File::create(dir.join(format!("part-{file}.parquet"))).unwrap();
        let mut writer = ArrowWriter::try_new(out, batch.schema(), Some(props)).unwrap();
        writer.write(&batch).unwrap();
        writer.close().unwrap();
    }
}

/// A top-k over Parquet skips the row groups whose statistics prove they
/// hold no winner, using its own partition's bound and the other
/// partitions' (shared while they run): whatever the row groups per
/// partition (or slices of one, under a memory budget) and the threads,
/// its rows are the full stable sort's first n.
#[test]
fn a_top_k_skips_row_groups_and_keeps_the_sorts_first_rows() {
    let (dir, spill) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
    row_group_dataset(dir.path());
    let orders: Vec<(Vec<&str>, SortOptions)> = vec![
        (vec!["k"], SortOptions::default()),
        (vec!["k"], SortOptions::default().ascending([false])),
        (vec!["s"], SortOptions::default()),
        (vec!["s"], SortOptions::default().ascending([false])),
        (vec!["k", "seq"], SortOptions::default().ascending([true, false])),
        (vec!["g"], SortOptions::default()),
        (vec!["g"], SortOptions::default().na_position(NaPosition::First)),
        (vec!["f"], SortOptions::default()),
        (vec!["f"], SortOptions::default().ascending([false])),
    ];
    let mut skipped_somewhere = false;
    for split in [None, Some(1), Some(2)] {
        let options = rusk::ParquetOptions::default().split_row_groups(split);
        let df = rusk::read_parquet_with(dir.path(), options).unwrap();
        for (order, (by, sort)) in orders.iter().enumerate() {
            let sorted = df.sort_values_with(by, sort.clone()).unwrap();
            let full = table_of(&sorted.compute().unwrap());
            for n in [1, 5, 300] {
                let mut want = full.clone();
                want.rows.truncate(n);
                // A small memory budget cuts row groups into slices of rows
                // (threads 0 in the labels: the default).
                let budget = Config::default().with_memory_limit(20_000).with_spill_dir(spill.path());
                let configs = THREADS.iter().map(|&t| (t, Config::default().with_threads(t)));
                for (threads, config) in configs.chain([(0, budget)]) {
                    let top = sorted.limit(n);
                    let how = format!("{by:?} {sort:?} n={n} split_row_groups={split:?} threads={threads}");
                    compare(&how, &want, &table_of(&top.compute_with(&config).unwrap())).unwrap();
                    if threads == 0 {
                        // Row-group counters count each slice read.
                        continue;
                    }
                    let read = top.analyze_with(&config).unwrap().scans[0].1.row_groups_read;
                    assert!(read <= 12, "{how}: {read}");
                    skipped_somewhere |= read < 12;
                    if order == 0 && n == 5 && threads == 1 && split.is_none() {
                        // Each row group holds four 0s: the first file's
                        // first two give its five best (a partition's bound
                        // comes from its own rows alone, so with one row
                        // group a partition no bound of 0 is ever proven);
                        // every other row group's min is 0.
                        assert_eq!(read, 2, "{how}");
                    }
                }
            }
        }
    }
    assert!(skipped_somewhere);
}
