//! `groupby(k).transform(...)` (a groupby's aggregates broadcast back to the
//! rows) against pandas, and its invariance.
//!
//! - Every case of `fixtures/expected/top_n/transform/cases.tsv` (read →
//!   query → `groupby(keys, dropna)` → `transform`) gives pandas' rows,
//!   in the frame's order, however it is run: the default settings;
//!   `repartition(n)` for n in 1, 2, 3, 7, 16, each with `split_every` 2, 3
//!   and 8 and 1 and 4 threads; a groupby of 3 partitions (`split_out`); CSV
//!   cut into ~1 KB partitions.
//! - A property test: random frames with null keys, in random partitions
//!   (empty and one-row ones too), equal a naive reference, and keep their
//!   partitions.
//! - The graph: the groupby's tree, then one broadcast task per partition;
//!   the frame is read twice, each side only the columns it uses.

use crate::common;

use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;

use common::{compare, fixture, partitionings, property_runs, read_table, stages, table_of, Format, Table};
use proptest::prelude::*;
use proptest::test_runner::{Config as ProptestConfig, RngSeed};
use rusk::arrow::array::{Array, ArrayRef, AsArray, Float64Array, Int64Array, RecordBatch, StringArray};
use rusk::arrow::datatypes::{DataType, Field, Float64Type, Int64Type, Schema, SchemaRef};
use rusk::{col, CsvOptions, DataFrame, Expr};

/// A CSV blocksize that cuts every fixture file into several partitions.
const BLOCKSIZE: u64 = 1000;

/// The manifest has 7 cases today; fewer than this means it was truncated.
const MIN_CASES: usize = 6;

// ---- the pandas cases -------------------------------------------------------

/// One line of `fixtures/expected/top_n/transform/cases.tsv`.
#[derive(Debug, Clone)]
struct Case {
    name: String,
    format: Format,
    path: String,
    query: String,
    keys: Vec<String>,
    /// `column:function`, named `column_function` as the CLI's `--agg`.
    aggs: Vec<String>,
    dropna: bool,
}

fn cases() -> Vec<Case> {
    let path = fixture("fixtures/expected/top_n/transform/cases.tsv");
    let text =
        std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()));
    let mut lines = text.lines();
    assert_eq!(
        lines.next().expect("a header line").split('\t').collect::<Vec<_>>(),
        ["name", "format", "path", "query", "keys", "aggs", "dropna"],
        "transform/cases.tsv header changed"
    );
    lines
        .filter(|l| !l.trim().is_empty())
        .map(|line| {
            let f: Vec<&str> = line.split('\t').collect();
            assert_eq!(f.len(), 7, "transform/cases.tsv: {line:?}");
            let pieces =
                |s: &str| s.split(',').filter(|k| !k.is_empty()).map(String::from).collect::<Vec<_>>();
            Case {
                name: f[0].to_string(),
                format: match f[1] {
                    "csv" => Format::Csv,
                    "parquet" => Format::Parquet,
                    other => panic!("transform/cases.tsv: unknown format {other:?}"),
                },
                path: f[2].to_string(),
                query: f[3].to_string(),
                keys: pieces(f[4]),
                aggs: pieces(f[5]),
                dropna: match f[6] {
                    "True" => true,
                    "False" => false,
                    other => panic!("transform/cases.tsv: dropna {other:?}"),
                },
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

    fn transform(
        &self,
        df: &DataFrame,
        split_every: Option<usize>,
        split_out: Option<usize>,
    ) -> rusk::Result<DataFrame> {
        let mut g = df.groupby(self.keys.iter().map(String::as_str))?.dropna(self.dropna);
        if let Some(s) = split_every {
            g = g.split_every(s);
        }
        if let Some(s) = split_out {
            g = g.split_out(s);
        }
        let aggs = self.aggs.iter().map(|a| rusk::parse_agg(a)).collect::<rusk::Result<Vec<_>>>()?;
        g.transform(aggs)
    }

    fn expected(&self) -> Table {
        read_table(&format!("fixtures/expected/top_n/transform/{}.csv", self.name))
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
    record(check(case, "compute", || case.transform(&case.input(None)?, None, None)?.compute()));
    record(check(case, "split_out=3", || case.transform(&case.input(None)?, None, Some(3))?.compute()));
    for (how, n, config) in partitionings() {
        record(check(case, &how, || {
            let out = case.transform(&case.input(None)?.repartition(n)?, None, None)?;
            let computed = out.compute_with(&config)?;
            // The rows keep their partitions.
            assert_eq!(computed.batches().len(), n.max(1), "{how}");
            Ok(computed)
        }));
    }
    record(check(case, "groupby split_every=2", || {
        case.transform(&case.input(None)?.repartition(7)?, Some(2), None)?.compute()
    }));
    if case.format == Format::Csv {
        record(check(case, "blocksize=1000", || {
            case.transform(&case.input(Some(BLOCKSIZE))?, None, None)?.compute()
        }));
    }
    failures
}

#[test]
fn every_case_matches_pandas() {
    let cases = cases();
    assert!(cases.len() >= MIN_CASES, "only {} cases in transform/cases.tsv", cases.len());
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
fn the_cases_cover_every_function_and_null_keys() {
    let cases = cases();
    let funcs: BTreeSet<&str> =
        cases.iter().flat_map(|c| c.aggs.iter()).filter_map(|a| a.split(':').nth(1)).collect();
    for f in ["mean", "sum", "count", "size", "max", "min"] {
        assert!(funcs.contains(f), "no case transforms with {f}");
    }
    assert!(cases.iter().any(|c| c.dropna) && cases.iter().any(|c| !c.dropna));
    assert!(cases.iter().any(|c| c.keys.len() >= 2));
    for case in &cases {
        let mut want = case.input(None).expect("read").columns();
        want.extend(case.aggs.iter().map(|a| a.replace(':', "_")));
        assert_eq!(case.expected().columns, want, "case {}", case.name);
    }
}

// ---- the graph and the API ---------------------------------------------------

fn sales_parquet() -> DataFrame {
    rusk::read_parquet(fixture("fixtures/sales_parquet")).expect("read")
}

#[test]
fn the_groupby_runs_once_and_every_partition_is_broadcast() {
    let df = sales_parquet();
    let t =
        df.groupby(["region"]).expect("groupby").transform([("m", col("price").mean())]).expect("transform");
    let s = stages(&t);
    let names: Vec<&str> = s.iter().map(|(n, _)| n.as_str()).collect();
    assert_eq!(s.len(), 4, "{s:?}");
    assert!(names[0].starts_with("scan parquet") && names[0].ends_with("+partial_agg"), "{s:?}");
    assert_eq!(s[0].1, 3);
    assert!(names[1].contains("merge") && names[1].contains("finish"), "{s:?}");
    assert!(names[2].starts_with("scan parquet"), "the frame is read a second time: {s:?}");
    assert_eq!(s[3], ("broadcast".to_string(), 3), "{s:?}");
    assert_eq!(t.npartitions(), 3);
}

#[test]
fn each_side_reads_only_its_columns() {
    let df = sales_parquet();
    let t = df
        .groupby(["region"])
        .expect("groupby")
        .transform([("m", col("price").mean())])
        .expect("transform")
        .select(["order_id", "m"])
        .expect("select");
    let text = t.explain().expect("explain");
    let optimized = text.split("== Optimized plan ==\n").nth(1).expect("optimized plan");
    // The groupby reads its key and argument; the rows their key and what is selected.
    assert!(optimized.contains("columns=[region, price] 2/7"), "{text}");
    assert!(optimized.contains("columns=[order_id, region] 2/7"), "{text}");
    assert!(optimized.contains("Transform: keys=[region], columns=[m]"), "{text}");
}

#[test]
fn a_filter_on_the_frame_sinks_into_the_rows_side_only() {
    let df = sales_parquet();
    let t =
        df.groupby(["region"]).expect("groupby").transform([("m", col("price").mean())]).expect("transform");
    let filtered =
        t.filter(col("order_id").gt(rusk::lit(550)) & col("m").gt(rusk::lit(0.0))).expect("filter");
    let text = filtered.explain().expect("explain");
    let optimized = text.split("== Optimized plan ==\n").nth(1).expect("optimized plan");
    assert!(optimized.starts_with("Filter: m > 0.0\n  Transform"), "{text}");
    // The rows' scan prunes row groups; the groupby's still reads them all.
    assert!(optimized.contains("filters=[order_id > 550]"), "{text}");
    assert_eq!(optimized.matches("filters=").count(), 1, "{text}");
    // Each row keeps its group's mean over the whole frame.
    let got = table_of(&filtered.compute().expect("compute"));
    let all = table_of(&t.compute().expect("compute"));
    let want: Vec<_> =
        all.rows.into_iter().filter(|r| r[0].parse::<i64>().expect("order_id") > 550).collect();
    let want: Vec<_> = want.into_iter().filter(|r| !r[7].is_empty()).collect();
    assert!(want.len() > 40, "{want:?}");
    assert_eq!(got.rows, want);
}

#[test]
fn new_columns_are_usable_in_expressions_and_replace_in_place() {
    let df = sales_parquet();
    let g = df.groupby(["product"]).expect("groupby");
    let t = g
        .transform([("qty_mean", col("qty").mean()), ("qty", col("qty").max())])
        .expect("transform")
        .assign([("dev", col("qty") - col("qty_mean"))])
        .expect("assign")
        .compute()
        .expect("compute");
    let mut want = df.columns();
    want.extend(["qty_mean".to_string(), "dev".to_string()]);
    assert_eq!(t.columns(), want, "qty replaced in place, qty_mean and dev appended");
    let table = table_of(&t);
    let at = |name: &str| t.columns().iter().position(|c| c == name).expect(name);
    // Within a product, qty (now its max) is the same on every row and at least the mean.
    let mut max_of: BTreeMap<String, String> = BTreeMap::new();
    for row in &table.rows {
        let product = row[at("product")].clone();
        let max = row[at("qty")].clone();
        assert_eq!(max_of.entry(product).or_insert_with(|| max.clone()), &max);
        let dev: f64 = row[at("dev")].parse().expect("a float");
        assert!(dev >= 0.0, "{row:?}");
    }
    assert_eq!(table.rows.len(), 600);

    // Bad aggregations fail at once, as in agg.
    assert!(matches!(g.transform([("x", col("nope").sum())]), Err(rusk::Error::ColumnNotFound { .. })));
    assert!(matches!(g.transform([("x", col("qty"))]), Err(rusk::Error::InvalidArgument(_))));
}

#[test]
fn a_whole_frame_transform_broadcasts_one_row() {
    let df = sales_parquet();
    let t = df
        .groupby(Vec::<String>::new())
        .expect("groupby")
        .transform([("n", rusk::size())])
        .expect("transform")
        .compute()
        .expect("compute");
    let table = table_of(&t);
    assert_eq!(table.rows.len(), 600);
    assert!(table.rows.iter().all(|r| r.last().map(String::as_str) == Some("600")));
}

// ---- the property -----------------------------------------------------------

#[derive(Debug, Clone)]
struct Row {
    ki: Option<i64>,
    ks: Option<String>,
    vi: Option<i64>,
    vf: Option<f64>,
}

fn schema() -> SchemaRef {
    Arc::new(Schema::new(vec![
        Field::new("ki", DataType::Int64, true),
        Field::new("ks", DataType::Utf8, true),
        Field::new("vi", DataType::Int64, true),
        Field::new("vf", DataType::Float64, true),
    ]))
}

fn batch(rows: &[Row]) -> RecordBatch {
    let columns: Vec<ArrayRef> = vec![
        Arc::new(rows.iter().map(|r| r.ki).collect::<Int64Array>()),
        Arc::new(rows.iter().map(|r| r.ks.clone()).collect::<StringArray>()),
        Arc::new(rows.iter().map(|r| r.vi).collect::<Int64Array>()),
        Arc::new(rows.iter().map(|r| r.vf).collect::<Float64Array>()),
    ];
    RecordBatch::try_new(schema(), columns).expect("a valid batch")
}

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

fn transforms() -> Vec<(String, Expr)> {
    vec![
        ("vi_sum".into(), col("vi").sum()),
        ("vf_mean".into(), col("vf").mean()),
        ("vi_count".into(), col("vi").count()),
        ("n".into(), rusk::size()),
        ("vf_max".into(), col("vf").max()),
    ]
}

/// Per row: `[vi_sum, vf_mean, vi_count, n, vf_max]`, `None` for null.
fn reference(rows: &[Row], keys: &[&str], dropna: bool) -> Vec<[Option<f64>; 5]> {
    let mut groups: BTreeMap<Vec<K>, Vec<usize>> = BTreeMap::new();
    for (i, r) in rows.iter().enumerate() {
        groups.entry(key(r, keys)).or_default().push(i);
    }
    rows.iter()
        .map(|r| {
            let k = key(r, keys);
            if dropna && k.contains(&K::Null) {
                return [None; 5];
            }
            let members = &groups[&k];
            let vi: Vec<f64> = members.iter().filter_map(|&i| rows[i].vi).map(|v| v as f64).collect();
            let vf: Vec<f64> = members.iter().filter_map(|&i| rows[i].vf).collect();
            [
                Some(vi.iter().sum()),
                (!vf.is_empty()).then(|| vf.iter().sum::<f64>() / vf.len() as f64),
                Some(vi.len() as f64),
                Some(members.len() as f64),
                vf.iter().copied().reduce(f64::max),
            ]
        })
        .collect()
}

fn got_rows(df: &DataFrame) -> Vec<[Option<f64>; 5]> {
    let names = ["vi_sum", "vf_mean", "vi_count", "n", "vf_max"];
    let mut out = Vec::new();
    for b in df.batches() {
        let schema = b.schema();
        let columns: Vec<&ArrayRef> = names.iter().map(|n| b.column(schema.index_of(n).expect(n))).collect();
        for i in 0..b.num_rows() {
            let mut row = [None; 5];
            for (slot, c) in row.iter_mut().zip(&columns) {
                *slot = (!c.is_null(i)).then(|| match c.data_type() {
                    DataType::Int64 => c.as_primitive::<Int64Type>().value(i) as f64,
                    DataType::Float64 => c.as_primitive::<Float64Type>().value(i),
                    other => panic!("unexpected type {other}"),
                });
            }
            out.push(row);
        }
    }
    out
}

fn same(a: &[Option<f64>; 5], b: &[Option<f64>; 5]) -> bool {
    a.iter().zip(b).all(|(x, y)| match (x, y) {
        (Some(x), Some(y)) => x == y || (x - y).abs() <= 1e-9 * x.abs().max(y.abs()).max(1.0),
        (None, None) => true,
        _ => false,
    })
}

fn row() -> impl Strategy<Value = Row> {
    (
        prop::option::weighted(0.85, -2i64..=2),
        prop::option::weighted(0.85, prop::sample::select(vec!["", "a", "B"])),
        prop::option::weighted(0.75, -5i64..=5),
        prop::option::weighted(0.75, (-8i32..=8).prop_map(|q| f64::from(q) / 4.0)),
    )
        .prop_map(|(ki, ks, vi, vf)| Row { ki, ks: ks.map(String::from), vi, vf })
}

fn parts() -> impl Strategy<Value = Vec<Vec<Row>>> {
    let part = prop_oneof![1 => Just(0usize..1), 1 => Just(1usize..2), 3 => Just(2usize..12)]
        .prop_flat_map(|n| prop::collection::vec(row(), n));
    prop::collection::vec(part, 1..7)
}

proptest! {
    #![proptest_config(ProptestConfig {
        cases: 48,
        rng_seed: RngSeed::Fixed(0x0074_7261_6e73),
        failure_persistence: None,
        ..ProptestConfig::default()
    })]

    #[test]
    fn transform_equals_a_naive_reference(
        parts in parts(),
        keys in prop::sample::select(vec![vec![], vec!["ki"], vec!["ks"], vec!["ki", "ks"]]),
        dropna in any::<bool>(),
    ) {
        let rows: Vec<Row> = parts.concat();
        let want = reference(&rows, &keys, dropna);
        let fail = |how: &str, e: rusk::Error| TestCaseError::fail(format!("{how}: {e}"));
        let df = rusk::from_batches(schema(), parts.iter().map(|p| batch(p)).collect())
            .map_err(|e| fail("from_batches", e))?;
        let build = |df: &DataFrame| {
            df.groupby(keys.iter().copied())?.dropna(dropna).transform(transforms())
        };
        for (how, n, config) in property_runs(parts.len()) {
            let got = n.map_or(Ok(df.clone()), |n| df.repartition(n))
                .and_then(|d| build(&d))
                .and_then(|d| d.compute_with(&config))
                .map_err(|e| fail(&how, e))?;
            let rows_got = got_rows(&got);
            prop_assert_eq!(rows_got.len(), want.len(), "{}", how);
            for (i, (g, w)) in rows_got.iter().zip(&want).enumerate() {
                prop_assert!(same(g, w), "{}: row {}: got {:?}, want {:?}", how, i, g, w);
            }
        }
        let computed = build(&df).and_then(|d| d.compute()).map_err(|e| fail("partitions", e))?;
        prop_assert_eq!(computed.batches().len(), parts.len(), "the rows keep their partitions");
    }
}
