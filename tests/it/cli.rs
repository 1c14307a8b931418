//! The `rusk` binary: what it prints (schema, head, query results as CSV
//! compared with the pandas oracle), what it writes (`--output`, `--dot`),
//! and how it ends when its reader goes away.

use crate::common;

use std::io::{BufRead, BufReader};
use std::process::Stdio;

use common::{cases, compare, parse_csv, rusk, rusk_cmd, table_of, Table};

/// Runs `rusk args...`, which must succeed; its stdout.
fn stdout_of(args: &[&str]) -> String {
    let out = rusk(args);
    assert!(
        out.status.success(),
        "rusk {args:?} failed ({:?}): {}",
        out.status.code(),
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(out.stderr.is_empty(), "rusk {args:?} wrote to stderr: {}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8(out.stdout).expect("utf-8 output")
}

fn expected(name: &str) -> Table {
    cases().into_iter().find(|c| c.name == name).unwrap_or_else(|| panic!("case {name}")).expected()
}

#[test]
fn schema_prints_columns_dtypes_and_partitions() {
    let sales = "order_id\tint64\nregion\tstring\nproduct\tstring\nqty\tint64\nprice\tfloat64\n\
                 date\tstring\nreturned\tbool\nfiles\t3\npartitions\t3\n";
    assert_eq!(stdout_of(&["schema", "fixtures/sales"]), sales);
    let parquet = stdout_of(&["schema", "fixtures/sales_parquet"]);
    assert!(parquet.contains("date\tdate32[day]\n"), "{parquet}");
    assert!(parquet.ends_with("partitions\t3\n"), "{parquet}");
    // Hive columns come after the files' own, as int64.
    for dir in ["fixtures/hive", "fixtures/hive_csv"] {
        let text = stdout_of(&["schema", dir]);
        assert_eq!(
            text, "day\tint64\nsensor\tstring\nvalue\tfloat64\nyear\tint64\nmonth\tint64\nfiles\t6\npartitions\t6\n",
            "{dir}"
        );
    }
    // One file is one partition.
    assert!(stdout_of(&["schema", "fixtures/sales/part-2.csv"]).ends_with("partitions\t1\n"));
}

#[test]
fn head_prints_the_first_rows_as_csv_when_piped() {
    let want = expected("csv_scan");
    for (n, args) in [
        (3, &["head", "fixtures/sales", "-n", "3"][..]),
        (5, &["head", "fixtures/sales"]),
        (2, &["head", "fixtures/sales", "-n", "2", "--csv"]),
    ] {
        let got = parse_csv(&stdout_of(args)).expect("CSV");
        let first = Table { columns: want.columns.clone(), rows: want.rows[..n].to_vec() };
        compare(&format!("rusk {args:?}"), &first, &got).unwrap();
    }
    let want = expected("parquet_scan");
    let got = parse_csv(&stdout_of(&["head", "fixtures/sales_parquet", "-n", "60"])).expect("CSV");
    let first = Table { columns: want.columns.clone(), rows: want.rows[..60].to_vec() };
    compare("head parquet", &first, &got).unwrap();
    // More rows than exist: all of them; none: the header alone.
    let got = parse_csv(&stdout_of(&["head", "fixtures/hive_csv/year=2023/month=1/part-0.csv", "-n", "100"]));
    assert_eq!(got.expect("CSV").rows.len(), 25);
    assert_eq!(stdout_of(&["head", "fixtures/sales", "-n", "0"]), format!("{}\n", want.columns.join(",")));
}

/// Every oracle case the CLI can express (no assign, no read option), run
/// as `rusk query PATH --where Q --select COLS --csv`, prints pandas' CSV.
#[test]
fn query_prints_the_oracle_results() {
    let mut failures = Vec::new();
    let mut ran = 0;
    for case in cases() {
        let Some(args) = case.cli_args() else { continue };
        ran += 1;
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        let out = rusk(&args);
        if !out.status.success() {
            failures.push(format!(
                "case {}: rusk {args:?}: {}",
                case.name,
                String::from_utf8_lossy(&out.stderr)
            ));
            continue;
        }
        let text = String::from_utf8_lossy(&out.stdout);
        match parse_csv(&text) {
            Ok(got) => {
                if let Err(e) = compare(&format!("{} (CLI)", case.name), &case.expected(), &got) {
                    failures.push(e);
                }
            }
            Err(e) => failures.push(format!("case {}: output is not CSV ({e}): {text:?}", case.name)),
        }
    }
    assert!(ran >= 30, "only {ran} cases ran through the CLI");
    assert!(failures.is_empty(), "{} failure(s):\n{}", failures.len(), failures.join("\n"));
}

#[test]
fn query_steps_apply_in_a_fixed_order() {
    // where, then limit, then select, whatever the order of the flags.
    let a = stdout_of(&[
        "query",
        "fixtures/sales",
        "--select",
        "qty,order_id",
        "--limit",
        "4",
        "--where",
        "qty > 15",
    ]);
    let b = stdout_of(&[
        "query",
        "fixtures/sales",
        "--where",
        "qty > 15",
        "--limit",
        "4",
        "--select",
        "qty,order_id",
    ]);
    assert_eq!(a, b);
    let got = parse_csv(&a).expect("CSV");
    let want = expected("int_ge"); // qty >= 18, a subset: check the rule, not the rows.
    assert_eq!(got.columns, ["qty", "order_id"]);
    assert_eq!(got.rows.len(), 4);
    assert!(got.rows.iter().all(|r| r[0].parse::<i64>().expect("int qty") > 15), "{got:?}");
    let ids: Vec<i64> = got.rows.iter().map(|r| r[1].parse().expect("int id")).collect();
    assert!(ids.windows(2).all(|w| w[0] < w[1]), "input order: {ids:?}");
    assert!(want.rows.len() > 4);
    // Spaces around the selected names are trimmed.
    let c = stdout_of(&[
        "query",
        "fixtures/sales",
        "--where",
        "qty > 15",
        "--limit",
        "4",
        "--select",
        "qty, order_id",
    ]);
    assert_eq!(a, c);
}

fn round_trip(format: &str, case: &str) {
    let c = cases().into_iter().find(|c| c.name == case).expect("case");
    let dir = tempfile::tempdir().expect("temp dir");
    let out = dir.path().join("out");
    let out_str = out.to_str().expect("utf-8 temp path");
    let mut args: Vec<String> = c.cli_args().expect("a CLI case");
    args.retain(|a| a != "--csv");
    args.extend(["--output".into(), out_str.into(), "--format".into(), format.into()]);
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    assert_eq!(stdout_of(&args), "", "--output prints nothing");
    let ext = format!(".{format}");
    let mut files: Vec<String> = std::fs::read_dir(&out)
        .expect("output dir")
        .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
        .collect();
    files.sort();
    assert!(!files.is_empty());
    assert!(files.iter().all(|f| f.starts_with("part-") && f.ends_with(&ext)), "{files:?}");

    let back =
        rusk::read(&out).and_then(|d| d.compute()).unwrap_or_else(|e| panic!("read back {format}: {e}"));
    compare(&format!("{case} via --format {format}"), &c.expected(), &table_of(&back)).unwrap();
    // And through the CLI, as a user would look at it.
    let got = parse_csv(&stdout_of(&["query", out_str, "--csv"])).expect("CSV");
    compare(&format!("{case} via --format {format} (CLI)"), &c.expected(), &got).unwrap();
}

#[test]
fn output_round_trips_as_csv() {
    round_trip("csv", "filter_project");
    round_trip("csv", "hive_csv_filter");
}

#[test]
fn output_round_trips_as_parquet() {
    round_trip("parquet", "filter_project");
    round_trip("parquet", "str_ne");
}

#[test]
fn output_defaults_to_parquet() {
    let dir = tempfile::tempdir().expect("temp dir");
    let out = dir.path().join("out");
    stdout_of(&["query", "fixtures/sales", "--where", "qty > 18", "--output", out.to_str().expect("utf-8")]);
    let names: Vec<String> = std::fs::read_dir(&out)
        .expect("dir")
        .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
        .collect();
    assert!(!names.is_empty() && names.iter().all(|n| n.ends_with(".parquet")), "{names:?}");
    let back = rusk::read_parquet(&out).expect("read back");
    assert_eq!(back.len().expect("len"), count_qty(19) + count_qty(20));
    assert!(count_qty(19) > 0);
}

#[test]
fn output_to_a_file_name_writes_one_file() {
    let dir = tempfile::tempdir().expect("temp dir");
    for format in ["csv", "parquet"] {
        let out = dir.path().join(format!("nested/out.{format}"));
        let path = out.to_str().expect("utf-8");
        stdout_of(&["query", "fixtures/sales", "--where", "qty > 18", "--output", path, "--format", format]);
        assert!(out.is_file(), "{path} is not a file");
        let back = rusk::read(&out).expect("read back");
        assert_eq!(back.npartitions(), 1);
        assert_eq!(back.len().expect("len"), count_qty(19) + count_qty(20));
        // A second write never overwrites it.
        let again = rusk_cmd()
            .args(["query", "fixtures/sales", "--output", path, "--format", format])
            .output()
            .expect("run rusk");
        assert_eq!(again.status.code(), Some(2));
        assert!(String::from_utf8_lossy(&again.stderr).contains("output path exists"));
    }
}

/// Rows of the sales data with `qty == q`, from the oracle's full scan.
fn count_qty(q: i64) -> usize {
    let t = expected("csv_scan");
    let i = t.columns.iter().position(|c| c == "qty").expect("qty");
    t.rows.iter().filter(|r| r[i].parse::<i64>().ok() == Some(q)).count()
}

#[test]
fn explain_prints_the_plans_and_computes_nothing() {
    let text = stdout_of(&[
        "query",
        "fixtures/sales",
        "--where",
        "qty > 10 and region == 'north'",
        "--select",
        "order_id,region,qty,price",
        "--explain",
    ]);
    for part in ["== Logical plan ==", "== Optimized plan ==", "== Rules applied ==", "== Task graph =="] {
        assert!(text.contains(part), "{part} in {text}");
    }
    assert!(text.contains("columns=[order_id, region, qty, price] 4/7"), "{text}");
    assert!(text.contains("filters=[qty > 10, region in ['north']]"), "{text}");
    assert!(text.contains("scan csv+filter ×3"), "{text}");
    assert!(!text.contains("north,"), "no result rows: {text}");
    // Explain of a bad file succeeds: nothing is read.
    let text = stdout_of(&["query", "fixtures/bad/ragged", "--explain"]);
    assert!(text.contains("Scan: csv"), "{text}");
}

#[test]
fn dot_writes_a_deterministic_digraph() {
    let dir = tempfile::tempdir().expect("temp dir");
    let (a, b) = (dir.path().join("a.dot"), dir.path().join("b.dot"));
    for path in [&a, &b] {
        let text = stdout_of(&[
            "query",
            "fixtures/sales",
            "--where",
            "qty > 10",
            "--limit",
            "3",
            "--dot",
            path.to_str().expect("utf-8"),
        ]);
        // --dot does not replace the result.
        assert_eq!(parse_csv(&text).expect("CSV").rows.len(), 3);
    }
    let dot = std::fs::read_to_string(&a).expect("dot written");
    assert_eq!(dot, std::fs::read_to_string(&b).expect("dot written"), "deterministic ids");
    assert!(dot.trim_start().starts_with("digraph"), "{dot}");
    assert!(dot.trim_end().ends_with('}'), "{dot}");
    assert_eq!(dot.matches('{').count(), dot.matches('}').count(), "balanced braces: {dot}");
    // Three scan tasks feed the one limit task.
    assert_eq!(dot.matches(" -> ").count(), 3, "{dot}");
    let nodes = dot.lines().filter(|l| l.trim_start().starts_with('t') && l.contains("[label=")).count();
    assert_eq!(nodes, 4, "{dot}");
}

#[test]
fn analyze_prints_stages_and_scan_counts() {
    let text = stdout_of(&[
        "query",
        "fixtures/sales_parquet",
        "--where",
        "order_id >= 550",
        "--select",
        "order_id",
        "--analyze",
    ]);
    assert!(text.contains("== Stages =="), "{text}");
    assert!(text.contains("tasks=1 rows=51 "), "{text}");
    assert!(text.contains("files_opened=1 row_groups=2 rows_read=100 "), "{text}");
    assert!(text.contains("result: 51 rows in 1 partitions"), "{text}");
    assert!(text.contains("peak held by all stages at once: "), "{text}");
    if cfg!(target_os = "linux") {
        let rss: u64 = text
            .lines()
            .find_map(|l| l.strip_prefix("peak RSS of the process: "))
            .and_then(|l| l.strip_suffix(" bytes"))
            .and_then(|n| n.parse().ok())
            .unwrap_or_else(|| panic!("no peak RSS line:\n{text}"));
        // At least the binary itself; less than the machine.
        assert!((1 << 20..1 << 40).contains(&rss), "{rss}");
    }
}

/// A big CSV (well past a pipe's 64 KiB buffer) so that rusk is still
/// writing when its reader goes away.
fn big_csv(dir: &std::path::Path) -> std::path::PathBuf {
    let path = dir.join("big.csv");
    let mut text = String::from("id,name,value\n");
    for i in 0..60_000 {
        text.push_str(&format!("{i},name-{},{}.5\n", i % 97, i % 1000));
    }
    std::fs::write(&path, text).expect("write big.csv");
    path
}

#[test]
fn a_closed_pipe_is_success() {
    let dir = tempfile::tempdir().expect("temp dir");
    let big = big_csv(dir.path());
    let big = big.to_str().expect("utf-8");
    for args in [vec!["query", big, "--csv"], vec!["query", big], vec!["head", big, "-n", "50000"]] {
        let mut child =
            rusk_cmd().args(&args).stdout(Stdio::piped()).stderr(Stdio::piped()).spawn().expect("spawn");
        let stdout = child.stdout.take().expect("stdout");
        let mut first = String::new();
        BufReader::new(stdout).read_line(&mut first).expect("read a line");
        assert_eq!(first, "id,name,value\n", "rusk {args:?}");
        // The reader (and with it the pipe) is gone now, like `| head -1`.
        let out = child.wait_with_output().expect("wait");
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(0), "rusk {args:?}: {stderr}");
        assert!(stderr.is_empty(), "rusk {args:?}: {stderr}");
    }
}

#[test]
fn query_takes_a_glob() {
    // A quoted glob is expanded by rusk, not the shell.
    let got = parse_csv(&stdout_of(&["query", "fixtures/sales/part-[01].csv", "--select", "order_id"]))
        .expect("CSV");
    assert_eq!(got.rows.len(), 400);
    assert_eq!(got.rows.first().map(|r| r[0].as_str()), Some("1"));
    assert_eq!(got.rows.last().map(|r| r[0].as_str()), Some("400"));
}

#[test]
fn threads_flag_does_not_change_the_result() {
    let one = stdout_of(&["query", "fixtures/sales", "--where", "price > 50", "--threads", "1"]);
    let four = stdout_of(&["query", "fixtures/sales", "--where", "price > 50", "--threads", "4"]);
    assert_eq!(one, four);
    let got = parse_csv(&one).expect("CSV");
    let price = got.columns.iter().position(|c| c == "price").expect("price");
    assert!(!got.rows.is_empty());
    assert!(got.rows.iter().all(|r| r[price].parse::<f64>().expect("float") > 50.0));
}

/// pandas writes an empty result as its header line (the oracle's
/// `empty_result`), and rusk does for CSV scans (`qty > 100`). When
/// statistics or hive directories prune every file, the result has no
/// partition left and the CLI prints nothing at all.
#[test]
fn a_fully_pruned_result_prints_the_header() {
    let sales = "order_id,region,product,qty,price,date,returned\n";
    assert_eq!(stdout_of(&["query", "fixtures/sales", "--where", "qty > 100", "--csv"]), sales);
    assert_eq!(stdout_of(&["query", "fixtures/sales_parquet", "--where", "order_id > 600", "--csv"]), sales);
    let hive = "day,sensor,value,year,month\n";
    assert_eq!(stdout_of(&["query", "fixtures/hive", "--where", "year == 2025", "--csv"]), hive);
    assert_eq!(stdout_of(&["query", "fixtures/hive_csv", "--where", "year == 2025", "--csv"]), hive);
}

/// An empty result written with `--output` reads back as an empty frame
/// with the same columns (as it does when the scan was not pruned). When
/// every file was pruned, the directory is left empty and reading it back
/// fails with NoFiles.
#[test]
fn a_fully_pruned_result_round_trips_through_output() {
    for format in ["csv", "parquet"] {
        for (src, filter) in [("fixtures/sales", "qty > 100"), ("fixtures/sales_parquet", "order_id > 600")] {
            let dir = tempfile::tempdir().expect("temp dir");
            let out = dir.path().join("out");
            let out = out.to_str().expect("utf-8 temp path");
            stdout_of(&["query", src, "--where", filter, "--output", out, "--format", format]);
            let back =
                rusk::read(out).unwrap_or_else(|e| panic!("{src} {filter} as {format}: read back: {e}"));
            assert_eq!(back.columns(), rusk::read(src).expect("source").columns(), "{src} as {format}");
            assert_eq!(back.len().expect("len"), 0);
        }
    }
}

/// A pandas query may start with a minus (`-price < -50`, the oracle's
/// `arith_neg`); as a separate argument clap takes it for a flag, prints a
/// usage error over several lines and exits 2. (`--where=-price < -50`
/// works.)
#[test]
fn where_may_start_with_a_minus() {
    let case = cases().into_iter().find(|c| c.name == "arith_neg").expect("case arith_neg");
    let got = parse_csv(&stdout_of(&["query", "fixtures/sales", "--where", "-price < -50"])).expect("CSV");
    compare("arith_neg (CLI, separate argument)", &case.expected(), &got).unwrap();
}
