//! Per-group top-n (`nlargest`, `nsmallest`, `head`) against pandas, and
//! its invariance.
//!
//! - Every case of `fixtures/expected/top_n/cases.tsv` (read → query →
//!   `groupby(keys, sort, dropna)` → `nlargest(n, column)` / `nsmallest` /
//!   `head(n)`) gives pandas' rows in pandas' order, however it is run: the
//!   default settings; `repartition(n)` for n in 1, 2, 3, 7, 16, each with
//!   `split_every` 2, 3 and 8 and 1 and 4 threads; CSV cut into ~1 KB
//!   partitions. One test runs them all and reports every failure at once.
//! - A property test: random frames (int and string keys with nulls, float
//!   values with NaN and nulls, many ties) in random partitions, empty and
//!   one-row ones too, equal a naive reference computed here by sorting.
//! - The graph: candidates are kept in the input tasks, merged in a tree of
//!   fan-in `split_every`; only the columns used are read.

use crate::common;

use std::collections::BTreeSet;
use std::sync::Arc;

use common::{compare, fixture, partitionings, property_runs, read_table, stages, table_of, Format, Table};
use proptest::prelude::*;
use proptest::test_runner::{Config as ProptestConfig, RngSeed};
use rusk::arrow::array::{ArrayRef, AsArray, Float64Array, Int64Array, RecordBatch, StringArray};
use rusk::arrow::datatypes::{DataType, Field, Int64Type, Schema, SchemaRef};
use rusk::{col, lit, CsvOptions, DataFrame};

/// A CSV blocksize that cuts every fixture file into several partitions.
const BLOCKSIZE: u64 = 1000;

/// The manifest has 24 cases today; fewer than this means it was truncated.
const MIN_CASES: usize = 20;

/// At most this many failures are shown per case.
const SHOWN_PER_CASE: usize = 3;

// ---- the pandas cases -------------------------------------------------------

/// One line of `fixtures/expected/top_n/cases.tsv`.
#[derive(Debug, Clone)]
struct Case {
    name: String,
    format: Format,
    path: String,
    query: String,
    keys: Vec<String>,
    op: String,
    n: usize,
    column: String,
    sort: bool,
    dropna: bool,
}

fn cases() -> Vec<Case> {
    let path = fixture("fixtures/expected/top_n/cases.tsv");
    let text =
        std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()));
    let mut lines = text.lines();
    assert_eq!(
        lines.next().expect("a header line").split('\t').collect::<Vec<_>>(),
        ["name", "format", "path", "query", "keys", "op", "n", "column", "sort", "dropna"],
        "top_n/cases.tsv header changed"
    );
    let flag = |s: &str| match s {
        "True" => true,
        "False" => false,
        other => panic!("top_n/cases.tsv: {other:?} is not True/False"),
    };
    lines
        .filter(|l| !l.trim().is_empty())
        .map(|line| {
            let f: Vec<&str> = line.split('\t').collect();
            assert_eq!(f.len(), 10, "top_n/cases.tsv: {line:?}");
            Case {
                name: f[0].to_string(),
                format: match f[1] {
                    "csv" => Format::Csv,
                    "parquet" => Format::Parquet,
                    other => panic!("top_n/cases.tsv: unknown format {other:?}"),
                },
                path: f[2].to_string(),
                query: f[3].to_string(),
                keys: f[4].split(',').filter(|k| !k.is_empty()).map(String::from).collect(),
                op: f[5].to_string(),
                n: f[6].parse().expect("n is a number"),
                column: f[7].to_string(),
                sort: flag(f[8]),
                dropna: flag(f[9]),
            }
        })
        .collect()
}

impl Case {
    fn input(&self, blocksize: Option<u64>) -> rusk::Result<DataFrame> {
        let path = fixture(&self.path);
        let df = match self.format {
            Format::Parquet => rusk::read_parquet(path)?,
            Format::Csv => rusk::read_csv_with(path, CsvOptions::default().blocksize(blocksize))?,
        };
        if self.query.is_empty() {
            Ok(df)
        } else {
            df.query(&self.query)
        }
    }

    fn top_n(&self, df: &DataFrame, split_every: Option<usize>) -> rusk::Result<DataFrame> {
        // Without keys, the frame's own `nlargest` (pandas' `df.nlargest`).
        match (self.keys.is_empty(), split_every, self.op.as_str()) {
            (true, None, "nlargest") => return df.nlargest(self.n, &self.column),
            (true, None, "nsmallest") => return df.nsmallest(self.n, &self.column),
            _ => {}
        }
        let mut g = df.groupby(self.keys.iter().map(String::as_str))?.sort(self.sort).dropna(self.dropna);
        if let Some(s) = split_every {
            g = g.split_every(s);
        }
        match self.op.as_str() {
            "nlargest" => g.nlargest(self.n, &self.column),
            "nsmallest" => g.nsmallest(self.n, &self.column),
            "head" => g.head(self.n),
            other => panic!("case {}: unknown op {other}", self.name),
        }
    }

    fn expected(&self) -> Table {
        read_table(&format!("fixtures/expected/top_n/{}.csv", self.name))
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
    record(check(case, "compute", || case.top_n(&case.input(None)?, None)?.compute()));
    for (how, n, config) in partitionings() {
        record(check(case, &how, || {
            case.top_n(&case.input(None)?.repartition(n)?, None)?.compute_with(&config)
        }));
    }
    // The top-n's own split_every, which wins over the run's.
    record(check(case, "top_n split_every=2", || {
        case.top_n(&case.input(None)?.repartition(7)?, Some(2))?.compute()
    }));
    if case.format == Format::Csv {
        record(check(case, "blocksize=1000", || case.top_n(&case.input(Some(BLOCKSIZE))?, None)?.compute()));
    }
    failures
}

#[test]
fn every_case_matches_pandas() {
    let cases = cases();
    assert!(cases.len() >= MIN_CASES, "only {} cases in top_n/cases.tsv", cases.len());
    let names: BTreeSet<&str> = cases.iter().map(|c| c.name.as_str()).collect();
    assert_eq!(names.len(), cases.len(), "case names must be unique");
    let mut report = Vec::new();
    let mut failed_cases = 0;
    for case in &cases {
        let f = run_case(case);
        if f.is_empty() {
            continue;
        }
        failed_cases += 1;
        report.extend(f.iter().take(SHOWN_PER_CASE).cloned());
        if f.len() > SHOWN_PER_CASE {
            report.push(format!("case {}: ... {} failing variants in all", case.name, f.len()));
        }
    }
    assert!(report.is_empty(), "{failed_cases} of {} cases failed:\n{}", cases.len(), report.join("\n"));
}

/// The manifest covers what it claims: every op, both options, several
/// keys, NaN values, empty partitions.
#[test]
fn the_cases_cover_every_op_and_option() {
    let cases = cases();
    for op in ["nlargest", "nsmallest", "head"] {
        assert!(cases.iter().any(|c| c.op == op), "no {op} case");
        assert!(cases.iter().any(|c| c.op == op && !c.dropna), "no {op} case with dropna=False");
    }
    assert!(cases.iter().any(|c| !c.sort && c.op != "head"));
    assert!(cases.iter().any(|c| c.keys.len() >= 2));
    assert!(cases.iter().any(|c| c.path.ends_with("top_n/data")), "no case on the NaN frame");
    // Each expectation's header is the frame's columns.
    for case in &cases {
        let df = case.input(None).expect("read");
        assert_eq!(case.expected().columns, df.columns(), "case {}", case.name);
    }
}

// ---- the graph and the API ---------------------------------------------------

fn sales() -> DataFrame {
    rusk::read_csv(fixture("fixtures/sales")).expect("read")
}

#[test]
fn candidates_are_kept_in_the_scan_tasks_and_merged_in_a_tree() {
    let df = sales();
    let top = df.groupby(["region"]).expect("groupby").nlargest(2, "qty").expect("nlargest");
    let s = stages(&top);
    assert_eq!(s.len(), 2, "{s:?}");
    assert!(s[0].0.starts_with("scan csv") && s[0].0.ends_with("+top_n"), "{s:?}");
    assert_eq!(s[0].1, 3, "{s:?}");
    assert_eq!(s[1], ("merge_top_n+finish_top_n".to_string(), 1), "{s:?}");

    let many = df.repartition(20).expect("repartition");
    let top = many.groupby(["region"]).expect("groupby").split_every(4).head(2).expect("head");
    let merges: Vec<usize> =
        stages(&top).iter().filter(|(n, _)| n.contains("merge")).map(|(_, n)| *n).collect();
    assert_eq!(merges, [5, 2, 1]);
}

#[test]
fn only_the_columns_used_are_read() {
    let df = rusk::read_parquet(fixture("fixtures/sales_parquet")).expect("read");
    let top = df
        .groupby(["product"])
        .expect("groupby")
        .nlargest(2, "price")
        .expect("nlargest")
        .select(["product", "order_id"])
        .expect("select");
    let text = top.explain().expect("explain");
    let optimized = text.split("== Optimized plan ==\n").nth(1).expect("optimized plan");
    assert!(optimized.contains("columns=[order_id, product, price] 3/7"), "{text}");
    assert!(optimized.contains("TopN: nlargest 2 of price, keys=[product]"), "{text}");
    // And the result is the full computation's, narrowed.
    let full = df.groupby(["product"]).expect("groupby").nlargest(2, "price").expect("nlargest");
    let want = full.select(["product", "order_id"]).expect("select").compute().expect("compute");
    assert_eq!(table_of(&top.compute().expect("compute")), table_of(&want));
}

#[test]
fn filters_above_stay_above() {
    // A filter after a top-n keeps fewer rows than the top-n of the filtered frame would.
    let df = sales();
    let top = df.groupby(["region"]).expect("groupby").nlargest(3, "qty").expect("nlargest");
    let filtered = top.filter(col("qty").lt(lit(20))).expect("filter").compute().expect("compute");
    let rows = table_of(&filtered).rows;
    assert!(rows.len() < 12, "{rows:?}");
    let text = top.filter(col("qty").lt(lit(20))).expect("filter").explain().expect("explain");
    let optimized = text.split("== Optimized plan ==\n").nth(1).expect("optimized plan");
    assert!(optimized.starts_with("Filter: qty < 20\n  TopN"), "{text}");

    // A filter on the key drops whole groups: it sinks into the scan, and
    // the other conjunct stays above.
    let both = top.filter(col("region").ne(lit("north")) & col("qty").lt(lit(20))).expect("filter");
    let text = both.explain().expect("explain");
    let optimized = text.split("== Optimized plan ==\n").nth(1).expect("optimized plan");
    assert!(optimized.starts_with("Filter: qty < 20\n  TopN"), "{text}");
    assert!(optimized.contains("filters=[region != 'north']"), "{text}");
    let pushed = table_of(&both.compute().expect("compute"));
    let want = table_of(&filtered);
    let want: Vec<_> = want.rows.into_iter().filter(|r| r[1] != "north").collect();
    assert_eq!(pushed.rows, want);
}

#[test]
fn computed_keys_come_first_and_bad_columns_fail_at_once() {
    let df = sales();
    let g = df.groupby_exprs(vec![(col("qty") % lit(2)).alias("odd")]).expect("groupby");
    let top = g.nlargest(1, "price").expect("nlargest").compute().expect("compute");
    let mut want = vec!["odd".to_string()];
    want.extend(df.columns());
    assert_eq!(top.columns(), want);
    let t = table_of(&top);
    assert_eq!(t.rows.iter().map(|r| r[0].as_str()).collect::<Vec<_>>(), ["0", "1"]);

    let g = df.groupby(["region"]).expect("groupby");
    assert!(matches!(g.nlargest(1, "nope"), Err(rusk::Error::ColumnNotFound { .. })));
    assert!(matches!(g.nlargest(1, "product"), Err(rusk::Error::Type { .. })));
    assert!(matches!(g.clone().split_every(1).head(1), Err(rusk::Error::InvalidArgument(_))));
    let clash = df.groupby_exprs(vec![(col("qty") + lit(1)).alias("qty")]).expect("groupby");
    assert!(matches!(clash.head(1), Err(rusk::Error::InvalidArgument(_))));
}

#[test]
fn no_keys_is_the_whole_frame_and_zero_rows_is_empty() {
    let df = rusk::read_parquet(fixture("fixtures/sales_parquet")).expect("read");
    let top = df.groupby(Vec::<String>::new()).expect("groupby").nsmallest(3, "order_id").expect("nsmallest");
    let t = table_of(&top.compute().expect("compute"));
    assert_eq!(t.rows.iter().map(|r| r[0].as_str()).collect::<Vec<_>>(), ["1", "2", "3"]);
    let none = df.groupby(["region"]).expect("groupby").head(0).expect("head").compute().expect("compute");
    assert_eq!(table_of(&none).rows.len(), 0);
    // Every partition pruned: an empty result with the columns.
    let pruned = df.query("order_id > 1000").expect("query");
    let top = pruned.groupby(["region"]).expect("groupby").nlargest(2, "qty").expect("nlargest");
    let out = top.compute().expect("compute");
    assert_eq!(out.columns(), df.columns());
    assert_eq!(table_of(&out).rows.len(), 0);
}

// ---- the property -----------------------------------------------------------

/// A random row: keys `ki` (int) and `ks` (string), values `vf` (float, NaN
/// too) and `vi` (int); any of them may be null.
#[derive(Debug, Clone)]
struct Row {
    ki: Option<i64>,
    ks: Option<String>,
    vf: Option<f64>,
    vi: Option<i64>,
}

fn schema() -> SchemaRef {
    Arc::new(Schema::new(vec![
        Field::new("ki", DataType::Int64, true),
        Field::new("ks", DataType::Utf8, true),
        Field::new("vf", DataType::Float64, true),
        Field::new("vi", DataType::Int64, true),
        Field::new("row", DataType::Int64, false),
    ]))
}

/// The batch of `rows`, numbered from `first` in a `row` column.
fn batch(rows: &[Row], first: usize) -> RecordBatch {
    let columns: Vec<ArrayRef> = vec![
        Arc::new(rows.iter().map(|r| r.ki).collect::<Int64Array>()),
        Arc::new(rows.iter().map(|r| r.ks.clone()).collect::<StringArray>()),
        Arc::new(rows.iter().map(|r| r.vf).collect::<Float64Array>()),
        Arc::new(rows.iter().map(|r| r.vi).collect::<Int64Array>()),
        Arc::new(Int64Array::from_iter_values((0..rows.len()).map(|i| (first + i) as i64))),
    ];
    RecordBatch::try_new(schema(), columns).expect("a valid batch")
}

/// A key part, ordered as pandas sorts keys: values, then null.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
enum K {
    Int(i64),
    Str(String),
    Null,
}

fn key(row: &Row, keys: &[&str]) -> Vec<K> {
    keys.iter()
        .map(|k| match *k {
            "ki" => row.ki.map_or(K::Null, K::Int),
            "ks" => row.ks.clone().map_or(K::Null, K::Str),
            other => panic!("no key {other}"),
        })
        .collect()
}

/// A value to rank: `None` for null and NaN (missing).
fn value(row: &Row, column: &str) -> Option<f64> {
    match column {
        "vf" => row.vf.filter(|v| !v.is_nan()),
        "vi" => row.vi.map(|v| v as f64),
        other => panic!("no value {other}"),
    }
}

/// The naive top-n: the frame's row numbers in the result's order.
fn reference(
    rows: &[Row],
    keys: &[&str],
    op: &str,
    n: usize,
    column: &str,
    sort: bool,
    dropna: bool,
) -> Vec<i64> {
    let kept: Vec<(usize, Vec<K>)> = rows
        .iter()
        .enumerate()
        .map(|(i, r)| (i, key(r, keys)))
        .filter(|(_, k)| !(dropna && k.contains(&K::Null)))
        .collect();
    if op == "head" {
        let mut seen: std::collections::BTreeMap<Vec<K>, usize> = Default::default();
        return kept
            .into_iter()
            .filter(|(_, k)| {
                let c = seen.entry(k.clone()).or_default();
                *c += 1;
                *c <= n
            })
            .map(|(i, _)| i as i64)
            .collect();
    }
    // Groups in first-seen order, then sorted if asked (a stable sort by key).
    let mut groups: Vec<(Vec<K>, Vec<usize>)> = Vec::new();
    for (i, k) in kept {
        match groups.iter_mut().find(|(g, _)| *g == k) {
            Some((_, members)) => members.push(i),
            None => groups.push((k, vec![i])),
        }
    }
    if sort {
        groups.sort_by(|a, b| a.0.cmp(&b.0));
    }
    let mut out = Vec::new();
    for (_, mut members) in groups {
        // Values first (largest or smallest), ties and missing ones in row order.
        members.sort_by(|&a, &b| {
            let (x, y) = (value(&rows[a], column), value(&rows[b], column));
            let by_value = match (x, y) {
                (Some(x), Some(y)) if op == "nlargest" => y.partial_cmp(&x).expect("no NaN"),
                (Some(x), Some(y)) => x.partial_cmp(&y).expect("no NaN"),
                (Some(_), None) => std::cmp::Ordering::Less,
                (None, Some(_)) => std::cmp::Ordering::Greater,
                (None, None) => std::cmp::Ordering::Equal,
            };
            by_value.then(a.cmp(&b))
        });
        out.extend(members.into_iter().take(n).map(|i| i as i64));
    }
    out
}

fn row_numbers(df: &DataFrame) -> Vec<i64> {
    let i = df.columns().iter().position(|c| c == "row").expect("a row column");
    df.batches().iter().flat_map(|b| b.column(i).as_primitive::<Int64Type>().values().to_vec()).collect()
}

fn row() -> impl Strategy<Value = Row> {
    (
        prop::option::weighted(0.85, -2i64..=2),
        prop::option::weighted(0.85, prop::sample::select(vec!["", "a", "B", "b"])),
        // Few distinct values: ties are the rule; NaN and -0.0 too.
        prop::option::weighted(0.8, prop_oneof![(-3i32..=3).prop_map(f64::from), Just(f64::NAN), Just(-0.0)]),
        prop::option::weighted(0.8, -3i64..=3),
    )
        .prop_map(|(ki, ks, vf, vi)| Row { ki, ks: ks.map(String::from), vf, vi })
}

/// Partitions of 0, 1 or a few rows; at least one partition.
fn parts() -> impl Strategy<Value = Vec<Vec<Row>>> {
    let part = prop_oneof![1 => Just(0usize..1), 1 => Just(1usize..2), 3 => Just(2usize..14)]
        .prop_flat_map(|n| prop::collection::vec(row(), n));
    prop::collection::vec(part, 1..7)
}

proptest! {
    #![proptest_config(ProptestConfig {
        cases: 64,
        rng_seed: RngSeed::Fixed(0x0074_6f70_5f6e),
        failure_persistence: None,
        ..ProptestConfig::default()
    })]

    #[test]
    fn top_n_equals_a_naive_reference(
        parts in parts(),
        keys in prop::sample::select(vec![vec![], vec!["ki"], vec!["ks"], vec!["ks", "ki"]]),
        op in prop::sample::select(vec!["nlargest", "nsmallest", "head"]),
        n in prop_oneof![Just(1usize), Just(2), Just(3), Just(20)],
        column in prop::sample::select(vec!["vf", "vi"]),
        sort in any::<bool>(),
        dropna in any::<bool>(),
    ) {
        let rows: Vec<Row> = parts.concat();
        let want = reference(&rows, &keys, op, n, column, sort, dropna);
        let mut first = 0;
        let batches: Vec<RecordBatch> = parts.iter().map(|p| { let b = batch(p, first); first += p.len(); b }).collect();
        let fail = |how: &str, e: rusk::Error| TestCaseError::fail(format!("{how}: {e}"));
        let df = rusk::from_batches(schema(), batches).map_err(|e| fail("from_batches", e))?;
        let build = |df: &DataFrame| -> rusk::Result<DataFrame> {
            let g = df.groupby(keys.iter().copied())?.sort(sort).dropna(dropna);
            match op {
                "nlargest" => g.nlargest(n, column),
                "nsmallest" => g.nsmallest(n, column),
                _ => g.head(n),
            }
        };
        for (how, np, config) in property_runs(parts.len()) {
            let got = np.map_or(Ok(df.clone()), |np| df.repartition(np))
                .and_then(|d| build(&d))
                .and_then(|d| d.compute_with(&config))
                .map_err(|e| fail(&how, e))?;
            prop_assert_eq!(row_numbers(&got), want.clone(), "{}", how);
        }
    }
}

/// The reference on a hand-checked frame, so a bug in it cannot make the
/// property vacuous.
#[test]
fn the_reference_is_right_on_a_small_frame() {
    let r = |ki: Option<i64>, vf: Option<f64>| Row { ki, ks: None, vf, vi: None };
    let rows = vec![
        r(Some(2), Some(1.0)),
        r(Some(1), Some(f64::NAN)),
        r(Some(2), Some(3.0)),
        r(None, Some(9.0)),
        r(Some(2), Some(3.0)),
        r(Some(1), None),
        r(Some(1), Some(0.5)),
    ];
    assert_eq!(reference(&rows, &["ki"], "nlargest", 2, "vf", true, true), [6, 1, 2, 4]);
    assert_eq!(reference(&rows, &["ki"], "nsmallest", 2, "vf", false, false), [0, 2, 6, 1, 3]);
    assert_eq!(reference(&rows, &["ki"], "head", 1, "vf", true, true), [0, 1]);
    assert_eq!(reference(&rows, &["ki"], "head", 1, "vf", true, false), [0, 1, 3]);
    assert_eq!(reference(&rows, &[], "nlargest", 3, "vf", true, true), [3, 2, 4]);
}
