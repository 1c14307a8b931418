//! `drop_duplicates` and `duplicated` against pandas, and their invariance.
//!
//! - Every case of `fixtures/expected/dedup/cases.tsv` (written by
//!   `fixtures/dedup_generate.py`: subset None, one and two columns, keep
//!   first, last and False) gives pandas' rows in pandas' order, however it
//!   is run: the default settings, `repartition(n)` for n in 1, 2, 3, 7, 16
//!   with 1 and 4 threads, CSV cut into ~200-byte partitions.
//! - A property test: random frames with null keys, in random partitions
//!   (empty and one-row ones too), equal a naive reference, and keep their
//!   partitions.
//! - The graph: a hash shuffle of the keys, the flags routed back, the
//!   frame read a second time; one partition is one task; each read only
//!   the columns it needs.

use crate::common;

use std::collections::{BTreeSet, HashMap};
use std::sync::Arc;

use common::{
    compare, fixture, partitionings_no_tree, read_table, stages, table_of, Table, NPARTITIONS, THREADS,
};
use proptest::prelude::*;
use proptest::test_runner::{Config as ProptestConfig, RngSeed};
use rusk::arrow::array::{Array, ArrayRef, AsArray, Int64Array, RecordBatch, StringArray};
use rusk::arrow::datatypes::{DataType, Field, Int64Type, Schema, SchemaRef};
use rusk::{Config, CsvOptions, DataFrame, Keep};

/// A CSV blocksize that cuts the fixture files into several partitions.
const BLOCKSIZE: u64 = 200;

// ---- the pandas cases -------------------------------------------------------

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Op {
    DropDuplicates,
    Duplicated,
}

/// One line of `fixtures/expected/dedup/cases.tsv`.
#[derive(Debug, Clone)]
struct Case {
    name: String,
    op: Op,
    subset: Option<Vec<String>>,
    keep: Keep,
}

fn cases() -> Vec<Case> {
    let path = fixture("fixtures/expected/dedup/cases.tsv");
    let text =
        std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()));
    let mut lines = text.lines();
    assert_eq!(
        lines.next().expect("a header line").split('\t').collect::<Vec<_>>(),
        ["name", "op", "subset", "keep"],
        "dedup/cases.tsv header changed"
    );
    lines
        .filter(|l| !l.trim().is_empty())
        .map(|line| {
            let f: Vec<&str> = line.split('\t').collect();
            assert_eq!(f.len(), 4, "dedup/cases.tsv: {line:?}");
            Case {
                name: f[0].to_string(),
                op: match f[1] {
                    "drop_duplicates" => Op::DropDuplicates,
                    "duplicated" => Op::Duplicated,
                    other => panic!("dedup/cases.tsv: unknown op {other:?}"),
                },
                subset: (!f[2].is_empty()).then(|| f[2].split(',').map(String::from).collect()),
                keep: match f[3] {
                    "first" => Keep::First,
                    "last" => Keep::Last,
                    "False" => Keep::None,
                    other => panic!("dedup/cases.tsv: keep {other:?}"),
                },
            }
        })
        .collect()
}

fn input(blocksize: Option<u64>) -> rusk::Result<DataFrame> {
    rusk::read_csv_with(fixture("fixtures/dedup"), CsvOptions::default().blocksize(blocksize))
}

impl Case {
    fn run(&self, df: &DataFrame) -> rusk::Result<DataFrame> {
        let subset: Option<Vec<&str>> = self.subset.as_ref().map(|s| s.iter().map(String::as_str).collect());
        match self.op {
            Op::DropDuplicates => df.drop_duplicates(subset.as_deref(), self.keep),
            Op::Duplicated => df.duplicated(subset.as_deref(), self.keep),
        }
    }

    fn expected(&self) -> Table {
        read_table(&format!("fixtures/expected/dedup/{}.csv", self.name))
    }
}

fn check(case: &Case, how: &str, run: impl FnOnce() -> rusk::Result<DataFrame>) -> Result<(), String> {
    let df = run().map_err(|e| format!("case {} [{how}]: error: {e}", case.name))?;
    compare(&format!("{} [{how}]", case.name), &case.expected(), &table_of(&df))
}

fn run_case(case: &Case) -> Vec<String> {
    let mut failures = Vec::new();
    let mut record = |r: Result<(), String>| {
        if let Err(e) = r {
            failures.push(e);
        }
    };
    record(check(case, "compute", || case.run(&input(None)?)?.compute()));
    // A hash shuffle, no merge tree: split_every is never read.
    for (how, n, config) in partitionings_no_tree() {
        record(check(case, &how, || {
            let computed = case.run(&input(None)?.repartition(n)?)?.compute_with(&config)?;
            // The rows keep their partitions.
            assert_eq!(computed.batches().len(), n, "{how}");
            Ok(computed)
        }));
    }
    record(check(case, "blocksize=200", || {
        let df = input(Some(BLOCKSIZE))?;
        assert!(df.npartitions() > 3, "the blocksize cuts the files");
        case.run(&df)?.compute()
    }));
    failures
}

#[test]
fn every_case_matches_pandas() {
    let cases = cases();
    assert_eq!(cases.len(), 18, "2 ops × 3 subsets × 3 keeps");
    let names: BTreeSet<&str> = cases.iter().map(|c| c.name.as_str()).collect();
    assert_eq!(names.len(), cases.len(), "case names must be unique");
    let mut report = Vec::new();
    for case in &cases {
        let f = run_case(case);
        report.extend(f.iter().take(3).cloned());
        if f.len() > 3 {
            report.push(format!("case {}: ... {} failing variants in all", case.name, f.len()));
        }
    }
    assert!(report.is_empty(), "failures:\n{}", report.join("\n"));
}

#[test]
fn the_fixture_has_null_keys_and_repeats_across_files() {
    let df = input(None).expect("read").compute().expect("compute");
    let table = table_of(&df);
    assert_eq!(table.rows.len(), 60);
    assert!(table.rows.iter().any(|r| r[0].is_empty()) && table.rows.iter().any(|r| r[1].is_empty()));
    assert_eq!(df.batches().len(), 3);
    assert_eq!(df.batches()[1].num_rows(), 1, "a one-row partition");
}

// ---- the graph and the API ---------------------------------------------------

fn sales_parquet() -> DataFrame {
    rusk::read_parquet(fixture("fixtures/sales_parquet")).expect("read")
}

#[test]
fn the_keys_are_shuffled_and_the_flags_routed_back() {
    let d = sales_parquet().drop_duplicates(Some(&["region"]), Keep::Last).expect("drop_duplicates");
    let s = stages(&d);
    let names: Vec<&str> = s.iter().map(|(n, _)| n.as_str()).collect();
    assert_eq!(s.len(), 7, "{s:?}");
    assert!(names[0].starts_with("scan parquet") && names[0].ends_with("+row_ids"), "{s:?}");
    let middle: Vec<(&str, usize)> = s[1..5].iter().map(|(n, k)| (n.as_str(), *k)).collect();
    assert_eq!(middle, [("hash_split", 3), ("dedup", 3), ("route", 3), ("flags", 3)]);
    assert!(names[5].starts_with("scan parquet"), "the frame is read a second time: {s:?}");
    assert_eq!(s[6], ("filter".to_string(), 3));
    assert_eq!(d.npartitions(), 3);

    let text = d.explain().expect("explain");
    assert!(text.contains("DropDuplicates: subset=[region], keep=last (reads its input twice)"), "{text}");
    let f = sales_parquet().duplicated(None, Keep::First).expect("duplicated");
    assert_eq!(stages(&f).last(), Some(&("flag".to_string(), 3)));
    assert!(f.explain().expect("explain").contains("Duplicated: (reads its input twice)"));
}

#[test]
fn one_partition_is_one_task() {
    let one = sales_parquet().repartition(1).expect("repartition");
    let d = one.drop_duplicates(None, Keep::None).expect("drop_duplicates");
    let s = stages(&d);
    assert!(s.iter().all(|(n, _)| !n.contains("hash_split")), "{s:?}");
    assert!(s.last().expect("a stage").0.ends_with("+drop_duplicates"), "{s:?}");
    assert_eq!(s.last().expect("a stage").1, 1);
    let all = table_of(&sales_parquet().drop_duplicates(None, Keep::None).expect("dd").compute().expect("c"));
    assert_eq!(table_of(&d.compute().expect("compute")), all);

    // duplicated reads the keys only, once.
    let f = one.duplicated(Some(&["region"]), Keep::First).expect("duplicated");
    let s = stages(&f);
    assert_eq!(s.len(), 2, "{s:?}");
    assert!(s[0].0.starts_with("scan") && s[1].0.ends_with("+duplicated") && s[1].1 == 1, "{s:?}");
    // drop_duplicates selected down to other columns: the rows take the keys' flags.
    let d =
        one.drop_duplicates(Some(&["region"]), Keep::Last).expect("dd").select(["order_id"]).expect("select");
    let s = stages(&d);
    assert_eq!(s.last(), Some(&("filter".to_string(), 1)), "{s:?}");
    let got = table_of(&d.compute().expect("compute"));
    let many = sales_parquet().drop_duplicates(Some(&["region"]), Keep::Last).expect("dd");
    assert_eq!(got, table_of(&many.select(["order_id"]).expect("select").compute().expect("compute")));
    assert_eq!(got.rows.len(), 5);
}

#[test]
fn each_read_takes_only_its_columns() {
    let optimized = |df: &DataFrame| {
        let text = df.explain().expect("explain");
        text.split("== Optimized plan ==\n").nth(1).expect("optimized plan").to_string()
    };
    let df = sales_parquet();
    // duplicated: the keys' side reads the subset, the rows' side nothing.
    let f = df.duplicated(Some(&["region", "product"]), Keep::First).expect("duplicated");
    let text = optimized(&f);
    assert!(text.contains("columns=[region, product] 2/7"), "{text}");
    assert!(text.contains("columns=[] 0/7"), "{text}");
    // drop_duplicates then a selection: the rows' side reads what is selected.
    let d = df
        .drop_duplicates(Some(&["region"]), Keep::First)
        .expect("drop_duplicates")
        .select(["order_id"])
        .expect("select");
    let text = optimized(&d);
    assert!(text.contains("columns=[region] 1/7"), "{text}");
    assert!(text.contains("columns=[order_id] 1/7"), "{text}");
    let got = table_of(&d.compute().expect("compute"));
    assert_eq!(got.rows.len(), 5, "four regions and null: {got:?}");
}

#[test]
fn a_filter_above_stays_above_and_bad_columns_fail_at_once() {
    let df = sales_parquet();
    let d = df.drop_duplicates(Some(&["product"]), Keep::First).expect("drop_duplicates");
    let filtered = d.filter(rusk::col("order_id").gt(rusk::lit(300))).expect("filter");
    let text = filtered.explain().expect("explain");
    let optimized = text.split("== Optimized plan ==\n").nth(1).expect("optimized plan");
    assert!(optimized.starts_with("Filter: order_id > 300\n  DropDuplicates"), "{text}");
    // Each product's first row is in the first file.
    assert_eq!(filtered.len().expect("len"), 0);
    assert_eq!(d.len().expect("len"), 6);

    assert!(matches!(
        df.drop_duplicates(Some(&["nope"]), Keep::First),
        Err(rusk::Error::ColumnNotFound { name, .. }) if name == "nope"
    ));
    assert!(matches!(df.duplicated(Some(&[]), Keep::Last), Err(rusk::Error::InvalidArgument(_))));
}

#[test]
fn duplicated_is_the_complement_of_drop_duplicates() {
    let df = input(Some(BLOCKSIZE)).expect("read");
    for keep in [Keep::First, Keep::Last, Keep::None] {
        let flags = table_of(&df.duplicated(Some(&["k2", "v"]), keep).expect("dup").compute().expect("c"));
        let all = table_of(&df.compute().expect("compute"));
        let kept: Vec<Vec<String>> = all
            .rows
            .iter()
            .zip(&flags.rows)
            .filter(|(_, f)| f[0] == "False")
            .map(|(r, _)| r.clone())
            .collect();
        let dropped = df.drop_duplicates(Some(&["k2", "v"]), keep).expect("dd").compute().expect("c");
        assert_eq!(table_of(&dropped).rows, kept, "{keep:?}");
    }
}

// ---- the property -----------------------------------------------------------

#[derive(Debug, Clone)]
struct Row {
    ki: Option<i64>,
    ks: Option<String>,
    v: Option<i64>,
}

fn schema() -> SchemaRef {
    Arc::new(Schema::new(vec![
        Field::new("ki", DataType::Int64, true),
        Field::new("ks", DataType::Utf8, true),
        Field::new("v", DataType::Int64, true),
    ]))
}

fn batch(rows: &[Row]) -> RecordBatch {
    let columns: Vec<ArrayRef> = vec![
        Arc::new(rows.iter().map(|r| r.ki).collect::<Int64Array>()),
        Arc::new(rows.iter().map(|r| r.ks.clone()).collect::<StringArray>()),
        Arc::new(rows.iter().map(|r| r.v).collect::<Int64Array>()),
    ];
    RecordBatch::try_new(schema(), columns).expect("a valid batch")
}

/// A row's key: `None` for null, so that nulls are equal.
type Key = Vec<Option<String>>;

fn key(row: &Row, subset: &[&str]) -> Key {
    subset
        .iter()
        .map(|c| match *c {
            "ki" => row.ki.map(|v| v.to_string()),
            "ks" => row.ks.clone(),
            "v" => row.v.map(|v| v.to_string()),
            other => panic!("no column {other}"),
        })
        .collect()
}

/// pandas' `duplicated`, row by row.
fn reference(rows: &[Row], subset: &[&str], keep: Keep) -> Vec<bool> {
    let keys: Vec<Key> = rows.iter().map(|r| key(r, subset)).collect();
    let mut count: HashMap<&Key, usize> = HashMap::new();
    for k in &keys {
        *count.entry(k).or_default() += 1;
    }
    let mut seen: HashMap<&Key, usize> = HashMap::new();
    keys.iter()
        .map(|k| {
            let before = seen.entry(k).or_default();
            *before += 1;
            match keep {
                Keep::First => *before > 1,
                Keep::Last => *before < count[k],
                Keep::None => count[k] > 1,
            }
        })
        .collect()
}

fn flags_of(df: &DataFrame) -> Vec<bool> {
    df.batches()
        .iter()
        .flat_map(|b| {
            let c = b.column(0).as_boolean();
            assert_eq!(c.null_count(), 0);
            (0..c.len()).map(|i| c.value(i)).collect::<Vec<_>>()
        })
        .collect()
}

/// `(ki, ks, v)` per row, in order.
fn rows_of(df: &DataFrame) -> Vec<(Option<i64>, Option<String>, Option<i64>)> {
    let mut out = Vec::new();
    for b in df.batches() {
        let ki = b.column(0).as_primitive::<Int64Type>();
        let ks = b.column(1).as_string::<i32>();
        let v = b.column(2).as_primitive::<Int64Type>();
        for i in 0..b.num_rows() {
            out.push((
                ki.is_valid(i).then(|| ki.value(i)),
                ks.is_valid(i).then(|| ks.value(i).to_string()),
                v.is_valid(i).then(|| v.value(i)),
            ));
        }
    }
    out
}

fn row() -> impl Strategy<Value = Row> {
    (
        prop::option::weighted(0.8, -2i64..=2),
        prop::option::weighted(0.8, prop::sample::select(vec!["", "a", "B"])),
        prop::option::weighted(0.8, 0i64..=3),
    )
        .prop_map(|(ki, ks, v)| Row { ki, ks: ks.map(String::from), v })
}

fn parts() -> impl Strategy<Value = Vec<Vec<Row>>> {
    let part = prop_oneof![1 => Just(0usize..1), 1 => Just(1usize..2), 3 => Just(2usize..14)]
        .prop_flat_map(|n| prop::collection::vec(row(), n));
    prop::collection::vec(part, 1..7)
}

proptest! {
    #![proptest_config(ProptestConfig {
        cases: 48,
        rng_seed: RngSeed::Fixed(0x0064_6564_7570),
        failure_persistence: None,
        ..ProptestConfig::default()
    })]

    #[test]
    fn dedup_equals_a_naive_reference(
        parts in parts(),
        subset in prop::sample::select(vec![None, Some(vec!["ki"]), Some(vec!["ks", "ki"]), Some(vec!["v"])]),
        keep in prop::sample::select(vec![Keep::First, Keep::Last, Keep::None]),
    ) {
        let rows: Vec<Row> = parts.concat();
        let columns = subset.clone().unwrap_or_else(|| vec!["ki", "ks", "v"]);
        let want = reference(&rows, &columns, keep);
        let want_rows: Vec<_> = rows
            .iter()
            .zip(&want)
            .filter(|(_, d)| !**d)
            .map(|(r, _)| (r.ki, r.ks.clone(), r.v))
            .collect();
        let fail = |how: &str, e: rusk::Error| TestCaseError::fail(format!("{how}: {e}"));
        let df = rusk::from_batches(schema(), parts.iter().map(|p| batch(p)).collect())
            .map_err(|e| fail("from_batches", e))?;
        let mut frames = vec![(format!("{} partitions", parts.len()), df.clone())];
        for n in NPARTITIONS {
            frames.push((format!("repartition({n})"), df.repartition(n).map_err(|e| fail("repartition", e))?));
        }
        for (how, frame) in frames {
            for threads in THREADS {
                let config = Config::default().with_threads(threads);
                let how = format!("{how}, threads={threads}");
                let flags = frame
                    .duplicated(subset.as_deref(), keep)
                    .and_then(|d| d.compute_with(&config))
                    .map_err(|e| fail(&how, e))?;
                prop_assert_eq!(flags.batches().len(), frame.npartitions(), "{}: partitions", how);
                prop_assert_eq!(flags_of(&flags), want.clone(), "{}", how);
                let dropped = frame
                    .drop_duplicates(subset.as_deref(), keep)
                    .and_then(|d| d.compute_with(&config))
                    .map_err(|e| fail(&how, e))?;
                prop_assert_eq!(rows_of(&dropped), want_rows.clone(), "{}", how);
            }
        }
    }
}
