//! Pushdown proven by what the scans really read (`analyze()`'s
//! `ScanCounts`), by the optimized plan's scan line, and by the task graph's
//! shape (tasks per stage after fusion); each with the result checked too,
//! since reading less is only right if the answer stays the same.
//!
//! `head`/`limit` read partitions in waves of one per worker thread, so the
//! counts of a limit depend on the thread count: every analysis here runs
//! with one thread, by its own settings.

use crate::common;

use common::{cases, compare, fixture, rusk, stages, table_of, Table};
use rusk::{Analysis, Config, DataFrame, ScanCounts};

/// Runs take one thread, by their own settings (never the process's).
fn one_thread() -> Config {
    Config::default().with_threads(1)
}

fn read(rel: &str) -> DataFrame {
    rusk::read(fixture(rel)).unwrap_or_else(|e| panic!("{rel}: {e}"))
}

/// What the single scan of `df` read, and the analysis.
fn analyze(df: &DataFrame) -> (ScanCounts, Analysis) {
    let a = df.analyze_with(&one_thread()).expect("analyze runs");
    assert_eq!(a.scans.len(), 1, "one scan: {:?}", a.scans);
    (a.scans[0].1, a)
}

/// The expectation of an oracle case.
fn expected(name: &str) -> Table {
    cases().into_iter().find(|c| c.name == name).unwrap_or_else(|| panic!("case {name}")).expected()
}

fn column(t: &Table, name: &str) -> Vec<String> {
    let i = t.columns.iter().position(|c| c == name).unwrap_or_else(|| panic!("column {name}"));
    t.rows.iter().map(|r| r[i].clone()).collect()
}

/// `expected` with only `columns`, in that order.
fn project(expected: &Table, columns: &[&str]) -> Table {
    let idx: Vec<usize> =
        columns.iter().map(|c| expected.columns.iter().position(|e| e == c).expect("column")).collect();
    Table {
        columns: columns.iter().map(|c| c.to_string()).collect(),
        rows: expected.rows.iter().map(|r| idx.iter().map(|&i| r[i].clone()).collect()).collect(),
    }
}

/// The section of `explain` after `header` up to the next `== ... ==` line.
fn section<'a>(explain: &'a str, header: &str) -> &'a str {
    let start = explain.find(header).unwrap_or_else(|| panic!("{header} in {explain}")) + header.len();
    let rest = &explain[start..];
    rest.find("\n==").map_or(rest, |end| &rest[..end]).trim()
}

#[test]
fn parquet_projection_reads_fewer_bytes() {
    let all = read("fixtures/sales_parquet");
    let two = all.select(["qty", "order_id"]).expect("select");
    let (all_counts, all_a) = analyze(&all);
    let (two_counts, two_a) = analyze(&two);
    assert!(two_counts.bytes_read > 0);
    assert!(
        two_counts.bytes_read * 2 < all_counts.bytes_read,
        "2 of 7 columns read {} bytes, all read {}",
        two_counts.bytes_read,
        all_counts.bytes_read
    );
    // Projection skips columns, not rows.
    assert_eq!((two_counts.rows_read, two_counts.row_groups_read, two_counts.files_opened), (600, 12, 3));
    assert_eq!((all_counts.rows_read, all_counts.row_groups_read, all_counts.files_opened), (600, 12, 3));
    assert_eq!((two_a.rows, all_a.rows), (600, 600));
    let got = table_of(&two.compute().expect("compute"));
    compare("parquet projection", &project(&expected("parquet_scan"), &["qty", "order_id"]), &got).unwrap();
    assert!(two_a.optimized_plan.contains("columns=[order_id, qty] 2/7"), "{}", two_a.optimized_plan);
}

#[test]
fn row_group_pruning_reads_2_of_12() {
    let df = read("fixtures/sales_parquet").query("order_id >= 550").expect("query");
    let (counts, a) = analyze(&df);
    assert_eq!(counts.row_groups_read, 2, "501–550 (max = the literal) and 551–600");
    assert_eq!(counts.rows_read, 100);
    assert_eq!(counts.files_opened, 1, "part-0 and part-1 hold no order_id >= 550");
    assert_eq!(a.rows, 51);
    let got = table_of(&df.compute().expect("compute"));
    let ids: Vec<String> = (550..=600).map(|i: i32| i.to_string()).collect();
    assert_eq!(column(&got, "order_id"), ids);
    compare("prune_order_id", &expected("prune_order_id"), &got).unwrap();

    // A bound beyond every row group reads none, and the result is empty, not an error.
    let none = read("fixtures/sales_parquet").query("order_id > 600").expect("query");
    let (counts, a) = analyze(&none);
    assert_eq!((counts.row_groups_read, a.rows), (0, 0));
    assert_eq!(none.compute().expect("compute").columns(), read("fixtures/sales_parquet").columns());
}

#[test]
fn hive_partition_filter_opens_2_of_6_files() {
    let want = expected("hive_filter");
    for dir in ["fixtures/hive", "fixtures/hive_csv"] {
        let df = read(dir).query("year == 2024 and month >= 2").expect("query");
        let (counts, a) = analyze(&df);
        assert_eq!(counts.files_opened, 2, "{dir}");
        assert_eq!(counts.rows_read, 50, "{dir}: two files of 25 rows");
        assert_eq!(a.rows, 50, "{dir}");
        let got = table_of(&df.compute().expect("compute"));
        compare(dir, &want, &got).unwrap();
        assert!(a.optimized_plan.contains("files=2/6"), "{dir}: {}", a.optimized_plan);
        // Without the filter, every file is opened.
        let (all, _) = analyze(&read(dir));
        assert_eq!(all.files_opened, 6, "{dir}");
    }
}

#[test]
fn csv_projection_reads_every_row_and_keeps_the_right_columns() {
    let all = read("fixtures/sales");
    let two = all.select(["price", "order_id"]).expect("select");
    let (all_counts, _) = analyze(&all);
    let (two_counts, a) = analyze(&two);
    // A CSV file is read whole whatever the columns: only parsing is saved.
    assert_eq!(two_counts.rows_read, all_counts.rows_read);
    assert_eq!(two_counts.rows_read, 600);
    assert_eq!(two_counts.files_opened, 3);
    assert!(a.optimized_plan.contains("columns=[order_id, price] 2/7"), "{}", a.optimized_plan);
    // part-2.csv orders its columns differently: matched by name, not position.
    let got = table_of(&two.compute().expect("compute"));
    compare("csv projection", &project(&expected("csv_scan"), &["price", "order_id"]), &got).unwrap();
}

#[test]
fn explain_shows_the_pushed_down_work_on_the_scan_line() {
    let df = read("fixtures/sales_parquet")
        .query("order_id >= 550")
        .and_then(|d| d.select(["order_id", "qty"]))
        .expect("plan");
    let explain = df.explain().expect("explain");
    let logical = section(&explain, "== Logical plan ==");
    let optimized = section(&explain, "== Optimized plan ==");
    assert!(logical.contains("Filter: order_id >= 550"), "{logical}");
    assert!(!logical.contains("row_groups="), "before optimizing nothing is pushed: {logical}");
    let scan = optimized.lines().find(|l| l.trim_start().starts_with("Scan: parquet")).expect("scan line");
    for part in ["columns=[order_id, qty] 2/7", "filters=[order_id >= 550]", "row_groups=2/12", "files=1/3"] {
        assert!(scan.contains(part), "{part:?} not on {scan:?}");
    }
    let rules = section(&explain, "== Rules applied ==");
    assert!(rules.contains("push_down_predicate") && rules.contains("push_down_projection"), "{rules}");
}

#[test]
fn scan_filter_select_is_one_fused_stage() {
    let csv = read("fixtures/sales")
        .query("qty > 10 and region == 'north'")
        .and_then(|d| d.select(["order_id", "region", "qty", "price"]))
        .expect("plan");
    let s = stages(&csv);
    assert_eq!(s.len(), 1, "{s:?}");
    assert_eq!(s[0].1, 3, "one task per file: {s:?}");
    assert!(s[0].0.starts_with("scan csv"), "{s:?}");
    let (_, a) = analyze(&csv);
    assert!(a.stages.contains("tasks=3"), "{}", a.stages);

    // Pruned files have no task at all.
    let parquet = read("fixtures/sales_parquet").query("order_id >= 550").expect("query");
    let s = stages(&parquet);
    assert_eq!(s.iter().map(|(_, n)| n).collect::<Vec<_>>(), [&1], "{s:?}");

    // An assign and a filter on it fuse into the scan's stage too.
    let assigned = read("fixtures/sales")
        .assign([("total", rusk::col("price") * rusk::col("qty"))])
        .and_then(|d| d.query("total > 500"))
        .expect("plan");
    let s = stages(&assigned);
    assert_eq!(s.len(), 1, "{s:?}");
    assert_eq!(s[0].1, 3, "{s:?}");

    // A limit adds one task that takes the first rows of every partition.
    let limited = csv.limit(5);
    let s = stages(&limited);
    assert_eq!(s.iter().map(|(_, n)| *n).collect::<Vec<_>>(), [3, 1], "{s:?}");
}

#[test]
fn repartition_has_one_task_per_output_partition() {
    let df = read("fixtures/sales").repartition(7).expect("repartition");
    let s = stages(&df);
    assert_eq!(s.first().map(|(_, n)| *n), Some(3), "the scan: {s:?}");
    assert_eq!(s.last().map(|(_, n)| *n), Some(7), "{s:?}");
    let a = df.analyze().expect("analyze");
    assert_eq!((a.rows, a.partitions), (600, 7));
}

#[test]
fn head_reads_only_the_partitions_it_needs() {
    let sales = read("fixtures/sales");
    assert_eq!(sales.npartitions(), 3);
    let (counts, a) = analyze(&sales.limit(5));
    assert_eq!(counts.files_opened, 1, "one thread: the first wave is one partition");
    assert_eq!(a.rows, 5);
    // 250 rows need the second file (200 rows each), not the third.
    let (counts, a) = analyze(&sales.limit(250));
    assert_eq!((counts.files_opened, a.rows), (2, 250));
    // A filter that keeps nothing in the first two files reads all three,
    // and still gives the first rows (of part-2.csv, columns reordered).
    let late = sales.query("order_id > 450").expect("query");
    let (counts, _) = analyze(&late.limit(3));
    assert_eq!(counts.files_opened, 3);
    let head = late.head(3).expect("head");
    let got = table_of(&head);
    assert_eq!(got.columns, sales.columns());
    assert_eq!(column(&got, "order_id"), ["451", "452", "453"]);
    let want = expected("csv_scan");
    compare("head", &Table { columns: want.columns.clone(), rows: want.rows[450..453].to_vec() }, &got)
        .unwrap();
}

#[test]
fn cli_limit_with_one_thread_opens_one_file() {
    let out = rusk(&["query", "fixtures/sales", "--limit", "3", "--threads", "1", "--analyze"]);
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert!(stdout.contains("files_opened=1 "), "{stdout}");
    assert!(stdout.contains("result: 3 rows"), "{stdout}");

    let out = rusk(&["query", "fixtures/sales", "--threads", "1", "--analyze"]);
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(stdout.contains("files_opened=3 "), "{stdout}");
    assert!(stdout.contains("result: 600 rows in 3 partitions"), "{stdout}");

    let out = rusk(&["query", "fixtures/sales_parquet", "--where", "order_id >= 550", "--analyze"]);
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(stdout.contains("row_groups=2 ") && stdout.contains("rows_read=100 "), "{stdout}");
    assert!(stdout.contains("result: 51 rows"), "{stdout}");
}

/// A run's settings reach planning: `compute_with` / `explain_with` decide
/// the join strategy with the run's broadcast threshold and lower merge
/// trees with the run's split_every (issue 10, part A), and the results
/// agree whatever they are.
#[test]
fn run_settings_decide_join_strategy_and_fan_in() {
    let left = read("fixtures/sales");
    let right = read("fixtures/sales_parquet").select(["order_id", "qty"]).expect("select");
    let joined = left.merge(&right, rusk::MergeOptions::on(["order_id"])).expect("merge");
    let broadcast = joined.explain_with(&Config::default()).expect("explain");
    assert!(broadcast.contains("strategy=broadcast right"), "{broadcast}");
    let shuffle_cfg = Config { broadcast_threshold: 0, ..one_thread() };
    let shuffled = joined.explain_with(&shuffle_cfg).expect("explain");
    assert!(shuffled.contains("strategy=shuffle into"), "{shuffled}");
    let rows = |cfg: &Config| joined.compute_with(cfg).expect("compute").len().expect("len");
    assert_eq!(rows(&Config::default()), rows(&shuffle_cfg));

    let grouped = read("fixtures/sales")
        .repartition(6)
        .expect("repartition")
        .groupby(["region"])
        .expect("groupby")
        .agg([rusk::parse_agg("qty:sum").expect("spec")])
        .expect("agg");
    let merges = |cfg: &Config| {
        let graph = grouped.explain_with(cfg).expect("explain");
        graph.lines().find(|l| l.contains("merge")).map(str::to_string).unwrap_or_default()
    };
    let (eight, two) = (merges(&Config::default()), merges(&Config { split_every: 2, ..Config::default() }));
    assert_ne!(eight, two, "split_every 8 vs 2: {eight} / {two}");
    let out = |cfg: &Config| table_of(&grouped.compute_with(cfg).expect("run"));
    compare("split_every 2", &out(&Config::default()), &out(&Config { split_every: 2, ..Config::default() }))
        .expect("same result");
}

/// Metrics belong to a run (issue 10, part B): four threads analyzing the
/// same frame at once each report exactly one run's reads, as a lone run does.
#[test]
fn concurrent_analyses_of_one_frame_count_their_own_reads() {
    let df = read("fixtures/sales_parquet").query("order_id >= 550").expect("query");
    let (alone, _) = analyze(&df);
    assert_eq!(alone.rows_read, 100);
    let counts: Vec<ScanCounts> = std::thread::scope(|scope| {
        let runs: Vec<_> = (0..4).map(|_| scope.spawn(|| analyze(&df).0)).collect();
        runs.into_iter().map(|r| r.join().expect("no panic")).collect()
    });
    assert!(counts.iter().all(|c| *c == alone), "{counts:?} vs {alone:?}");
    // And a sink collects each run's counts.
    let metrics = rusk::RunMetrics::new();
    let cfg = one_thread().with_run_metrics(metrics.clone());
    df.compute_with(&cfg).expect("run");
    df.compute_with(&cfg).expect("run");
    let runs: Vec<ScanCounts> = metrics.scans().into_iter().map(|(_, c)| c).collect();
    assert_eq!(runs, [alone, alone]);
}
