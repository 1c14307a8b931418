//! The CLI under interruption and hostile arguments (issue 9): outputs
//! appear whole or not at all, SIGINT/SIGTERM cancel cleanly (exit 130 and
//! 143, no temporary output, no spill directory), kill -9 leaves nothing at
//! the output path; absurd --threads, --memory-limit and contradicting
//! --format are refused; and the input flags (--format-in, --blocksize,
//! --on-bad-lines, --dtype) reach the readers.

use crate::common;

use std::path::{Path, PathBuf};
use std::process::{Child, Output, Stdio};
use std::time::{Duration, Instant};

use common::{fixture, names, parse_csv, rusk, rusk_cmd};

/// Rows of the generated input: about 13 MB of CSV, which a debug build
/// sorts under a 1 MiB budget in a few seconds, spilling.
const BIG_ROWS: usize = 400_000;

fn big_csv(dir: &Path) -> PathBuf {
    let path = dir.join("big.csv");
    let mut text = String::with_capacity(BIG_ROWS * 34);
    text.push_str("id,name,value\n");
    // A seeded xorshift: the same data every run, in no particular order.
    let mut state: u64 = 0x2545_F491_4F6C_DD1D;
    for i in 0..BIG_ROWS {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        text.push_str(&format!("{i},name-{},{}\n", i % 97, state % 1_000_000_007));
    }
    std::fs::write(&path, text).expect("write big.csv");
    path
}

fn spawn(args: &[&str], tmp: &Path) -> Child {
    rusk_cmd()
        .args(args)
        .env("TMPDIR", tmp)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn rusk")
}

/// Waits until `ready()` (polling), then sends `signal` with `kill`;
/// panics if the run ends first or takes over two minutes.
fn signal_when(child: &mut Child, signal: &str, ready: impl Fn() -> bool) {
    let start = Instant::now();
    while !ready() {
        if let Some(status) = child.try_wait().expect("try_wait") {
            panic!("rusk ended ({status}) before it could be interrupted");
        }
        assert!(start.elapsed() < Duration::from_secs(120), "never ready to interrupt");
        std::thread::sleep(Duration::from_millis(10));
    }
    let pid = child.id().to_string();
    let sent = std::process::Command::new("kill").args([signal, &pid]).status().expect("kill runs");
    assert!(sent.success(), "kill {signal} {pid}");
}

fn has_spill_dir(tmp: &Path) -> bool {
    names(tmp).iter().any(|n| n.starts_with("rusk-spill-"))
}

fn output_of(child: Child) -> (Option<i32>, String) {
    let out: Output = child.wait_with_output().expect("wait");
    (out.status.code(), String::from_utf8_lossy(&out.stderr).into_owned())
}

/// Runs a spilling sort (`--memory-limit 1`) of a generated CSV into
/// `dest_name` under a fresh output directory, sends `signal` once a spill
/// directory appears in the child's TMPDIR, and checks what the signal
/// promises: exit `code`, the message, and nothing left beside the output
/// or in TMPDIR.
fn cancel_mid_run(signal: &str, code: i32, dest_name: &str, sort: &str) {
    let (data, out, tmp) =
        (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
    let big = big_csv(data.path());
    let dest = out.path().join(dest_name);
    let args = [
        "query",
        big.to_str().unwrap(),
        "--sort",
        sort,
        "--memory-limit",
        "1",
        "--blocksize",
        "256KiB",
        "--output",
        dest.to_str().unwrap(),
    ];
    let mut child = spawn(&args, tmp.path());
    signal_when(&mut child, &format!("-{signal}"), || has_spill_dir(tmp.path()));
    let (got, stderr) = output_of(child);
    assert_eq!(got, Some(code), "{stderr}");
    assert!(stderr.contains(&format!("rusk: interrupted by SIG{signal}")), "{stderr}");
    assert!(!dest.exists());
    assert!(names(out.path()).is_empty(), "left beside the output: {:?}", names(out.path()));
    assert!(names(tmp.path()).is_empty(), "left in TMPDIR: {:?}", names(tmp.path()));
}

/// SIGINT mid-sort into a directory output: exit 130, nothing at the output
/// path, no temporary directory beside it, no spill directory left.
#[test]
fn sigint_cancels_the_run_and_removes_temporary_output_and_spill() {
    cancel_mid_run("INT", 130, "sorted", "value");
}

/// SIGTERM into a one-file output: exit 143, and nothing left.
#[test]
fn sigterm_cancels_a_one_file_output_with_status_143() {
    cancel_mid_run("TERM", 143, "sorted.csv", "value:desc");
}

/// kill -9 while part files are being written: afterwards nothing is at
/// the output path (only the hidden temporary sibling, which readers
/// skip), unless the run had completed, in which case all of it is there.
#[test]
fn sigkill_mid_write_leaves_nothing_that_looks_complete() {
    let (data, out, tmp) =
        (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
    let big = big_csv(data.path());
    let dest = out.path().join("copy");
    let args = ["query", big.to_str().unwrap(), "--blocksize", "128KiB", "--output", dest.to_str().unwrap()];
    let mut child = spawn(&args, tmp.path());
    let part_written = || {
        names(out.path()).iter().any(|n| {
            n.starts_with(".copy.tmp-")
                && std::fs::read_dir(out.path().join(n)).is_ok_and(|mut d| d.next().is_some())
        })
    };
    signal_when(&mut child, "-KILL", part_written);
    let (code, _) = output_of(child);
    if dest.exists() {
        // The rename won the race: then the output is whole.
        assert_eq!(code, Some(0));
        assert_eq!(rusk::read(&dest).expect("reads").len().expect("len"), BIG_ROWS);
    } else {
        assert_eq!(code, None, "killed by a signal");
        let left = names(out.path());
        assert!(left.iter().all(|n| n.starts_with('.')), "only hidden temporaries may be left: {left:?}");
        // A reader of the parent directory sees no partial output.
        assert!(matches!(rusk::read(out.path()), Err(rusk::Error::NoFiles { .. })));
    }
}

/// A run that fails (a bad value in a later partition) leaves nothing.
#[test]
fn a_failing_write_leaves_nothing_at_the_output_path() {
    let out = tempfile::tempdir().unwrap();
    for name in ["dir", "one.csv", "one.parquet"] {
        let dest = out.path().join(name);
        let args =
            ["query", "fixtures/bad/unparseable", "--blocksize", "1000", "--output", dest.to_str().unwrap()];
        let o = rusk(&args);
        let stderr = String::from_utf8_lossy(&o.stderr);
        assert_eq!(o.status.code(), Some(2), "{stderr}");
        assert!(stderr.contains("cannot parse \"12x\" as int64") && stderr.contains("line 1201"), "{stderr}");
        assert!(names(out.path()).is_empty(), "{name}: left {:?}", names(out.path()));
    }
}

/// The CLI's error line: status 2, one `rusk: error:` line on stderr.
fn cli_error(args: &[&str]) -> String {
    let out = rusk(args);
    let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
    assert_eq!(out.status.code(), Some(2), "rusk {args:?}: {stderr}");
    assert!(out.stdout.is_empty(), "rusk {args:?}: stdout {:?}", String::from_utf8_lossy(&out.stdout));
    assert!(stderr.starts_with("rusk: error: "), "rusk {args:?}: {stderr:?}");
    assert_eq!(stderr.matches('\n').count(), 1, "rusk {args:?}: not one line: {stderr:?}");
    stderr.trim_end().to_string()
}

#[test]
fn absurd_threads_and_memory_limits_are_refused() {
    let line = cli_error(&["query", "fixtures/sales", "--threads", "100000"]);
    assert!(line.contains("invalid argument: threads must be at most 1024, got 100000"), "{line}");
    let line = cli_error(&["query", "fixtures/sales", "--threads", "0"]);
    assert!(line.contains("threads must be at least 1"), "{line}");
    let line = cli_error(&["query", "fixtures/sales", "--memory-limit", &usize::MAX.to_string()]);
    assert!(line.contains("memory limit of") && line.contains("MiB is too large"), "{line}");
    // In range, both work.
    let out = rusk(&["query", "fixtures/sales", "--threads", "1024", "--memory-limit", "1", "--sort", "qty"]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
}

#[test]
fn the_output_extension_and_format_agree() {
    let out = tempfile::tempdir().unwrap();
    let x = out.path().join("x.csv");
    let line =
        cli_error(&["query", "fixtures/sales", "--output", x.to_str().unwrap(), "--format", "parquet"]);
    assert!(line.contains("ends in .csv but the output format is parquet"), "{line}");
    let y = out.path().join("y.parquet");
    let line = cli_error(&["query", "fixtures/sales", "--output", y.to_str().unwrap(), "--format", "csv"]);
    assert!(line.contains("ends in .parquet but the output format is csv"), "{line}");
    assert!(names(out.path()).is_empty());
    // Without --format, the extension chooses; a directory is Parquet.
    for (name, first) in [("a.csv", &b"order_id,"[..]), ("b.parquet", b"PAR1"), ("c", b"")] {
        let dest = out.path().join(name);
        let o = rusk(&["query", "fixtures/sales", "--output", dest.to_str().unwrap()]);
        assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
        if first.is_empty() {
            assert!(names(&dest).iter().all(|n| n.ends_with(".parquet")), "{:?}", names(&dest));
        } else {
            assert!(std::fs::read(&dest).unwrap().starts_with(first), "{name}");
        }
    }
}

#[test]
fn usage_errors_read_as_rusk_errors() {
    let line = cli_error(&["query"]);
    assert!(line.contains("required arguments were not provided: <PATH>"), "{line}");
    let line = cli_error(&["frobnicate"]);
    assert!(line.contains("unrecognized subcommand 'frobnicate'"), "{line}");
    for flag in ["--limit", "--threads", "--split-out"] {
        let line = cli_error(&["query", "fixtures/sales", flag, "-1"]);
        assert!(line.contains(flag) && line.contains("takes a non-negative integer, got \"-1\""), "{line}");
        assert!(!line.contains("-- -1"), "{line}");
    }
    let line = cli_error(&["head", "fixtures/sales", "-n", "-3"]);
    assert!(line.contains("takes a non-negative integer"), "{line}");
    // --help and --version print as usual, with status 0.
    for args in [&["--help"][..], &["query", "--help"], &["--version"]] {
        let out = rusk(args);
        assert_eq!(out.status.code(), Some(0), "{args:?}");
        let text = String::from_utf8_lossy(&out.stdout);
        assert!(text.contains("rusk") && out.stderr.is_empty(), "{args:?}: {text}");
    }
}

#[test]
fn dot_never_overwrites_and_reports_do_not_take_output() {
    let out = tempfile::tempdir().unwrap();
    let dot = out.path().join("graph.dot");
    std::fs::write(&dot, "mine").unwrap();
    let line = cli_error(&["query", "fixtures/sales", "--dot", dot.to_str().unwrap()]);
    assert!(line.contains("output path exists") && line.contains("graph.dot"), "{line}");
    assert_eq!(std::fs::read_to_string(&dot).unwrap(), "mine");
    let dest = out.path().join("result");
    for flag in ["--explain", "--analyze"] {
        let line = cli_error(&["query", "fixtures/sales", flag, "--output", dest.to_str().unwrap()]);
        assert!(line.contains(flag) && line.contains("does not write --output"), "{line}");
    }
    assert_eq!(names(out.path()), ["graph.dot"]);
}

fn stdout_of(args: &[&str]) -> (String, String) {
    let out = rusk(args);
    let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
    assert!(out.status.success(), "rusk {args:?}: {stderr}");
    (String::from_utf8(out.stdout).expect("utf-8"), stderr)
}

#[test]
fn blocksize_cuts_csv_inputs_and_is_checked() {
    let (text, _) = stdout_of(&["schema", "fixtures/sales"]);
    assert!(text.ends_with("partitions\t3\n"), "{text}");
    for size in ["2KB", "2000", "2KiB"] {
        let (text, _) = stdout_of(&["schema", "fixtures/sales", "--blocksize", size]);
        let parts: usize = text.lines().last().unwrap().trim_start_matches("partitions\t").parse().unwrap();
        assert!(parts > 6, "--blocksize {size}: {text}");
    }
    // Same rows, whatever the partitions.
    let (whole, _) = stdout_of(&["query", "fixtures/sales", "--sort", "order_id"]);
    let (cut, _) = stdout_of(&["query", "fixtures/sales", "--sort", "order_id", "--blocksize", "1KB"]);
    assert_eq!(whole, cut);
    for bad in ["0", "garbage", "12XB", "-1"] {
        let line = cli_error(&["query", "fixtures/sales", "--blocksize", bad]);
        assert!(line.contains("invalid argument: size"), "--blocksize {bad}: {line}");
    }
}

#[test]
fn on_bad_lines_error_skip_and_warn() {
    let line = cli_error(&["query", "fixtures/bad/ragged", "--on-bad-lines", "error"]);
    assert!(line.contains("malformed row") && line.contains("line 6"), "{line}");
    let (skipped, stderr) = stdout_of(&["query", "fixtures/bad/ragged", "--on-bad-lines", "skip"]);
    assert_eq!(parse_csv(&skipped).unwrap().rows.len(), 9);
    assert!(stderr.is_empty(), "{stderr}");
    let (warned, stderr) = stdout_of(&["query", "fixtures/bad/ragged", "--on-bad-lines", "warn"]);
    assert_eq!(warned, skipped);
    assert_eq!(stderr, "rusk: warning: skipped 1 bad line(s) in fixtures/bad/ragged (--on-bad-lines warn)\n");
    // Also when writing, and through head.
    let out = tempfile::tempdir().unwrap();
    let dest = out.path().join("r.csv");
    let o =
        rusk(&["query", "fixtures/bad/ragged", "--on-bad-lines", "warn", "--output", dest.to_str().unwrap()]);
    assert!(String::from_utf8_lossy(&o.stderr).contains("skipped 1 bad line(s)"));
    let (_, stderr) = stdout_of(&["head", "fixtures/bad/ragged", "-n", "20", "--on-bad-lines", "warn"]);
    assert!(stderr.contains("skipped 1 bad line(s)"), "{stderr}");
    let line = cli_error(&["query", "fixtures/bad/ragged", "--on-bad-lines", "sometimes"]);
    assert!(line.contains("invalid value 'sometimes'"), "{line}");
}

#[test]
fn dtype_reads_columns_as_pandas_dtypes() {
    let (text, _) = stdout_of(&[
        "schema",
        "fixtures/sales",
        "--dtype",
        "qty:float64,order_id:str",
        "--dtype",
        "price:string",
    ]);
    assert!(
        text.starts_with("order_id\tstring\nregion\tstring\nproduct\tstring\nqty\tfloat64\nprice\tstring\n"),
        "{text}"
    );
    let (text, _) =
        stdout_of(&["query", "fixtures/sales", "--dtype", "qty:float64", "--limit", "1", "--select", "qty"]);
    assert!(text.starts_with("qty\n") && text.trim_end().ends_with(".0"), "{text}");
    let line = cli_error(&["query", "fixtures/sales", "--dtype", "region:int64"]);
    assert!(
        line.contains("cannot parse") && line.contains("as int64") && line.contains("column \"region\""),
        "{line}"
    );
    let line = cli_error(&["query", "fixtures/sales", "--dtype", "qty:int65"]);
    assert!(line.contains("unknown dtype \"int65\""), "{line}");
    let line = cli_error(&["query", "fixtures/sales", "--dtype", "qty"]);
    assert!(line.contains("is not `column:dtype`"), "{line}");
}

#[test]
fn format_in_forces_the_reader_of_path_and_join() {
    let dir = tempfile::tempdir().unwrap();
    let pq = dir.path().join("sales.bin");
    std::fs::copy(fixture("fixtures/sales_parquet/part-0.parquet"), &pq).unwrap();
    let csv = dir.path().join("sales.txt");
    std::fs::copy(fixture("fixtures/sales/part-0.csv"), &csv).unwrap();
    let (pq, csv) = (pq.to_str().unwrap(), csv.to_str().unwrap());
    let (text, _) = stdout_of(&["schema", pq, "--format-in", "parquet"]);
    assert!(text.contains("date\tdate32[day]\n"), "{text}");
    let (head, _) = stdout_of(&["head", pq, "--format-in", "parquet", "-n", "2"]);
    assert!(head.starts_with("order_id,region,"), "{head}");
    let (text, _) = stdout_of(&["schema", csv, "--format-in", "csv"]);
    assert!(text.contains("qty\tint64\n"), "{text}");
    let line = cli_error(&["schema", "fixtures/sales", "--format-in", "parquet"]);
    assert!(line.contains("no *.parquet or *.parq files found at fixtures/sales"), "{line}");
    // The join input is read the same way.
    let (joined, _) = stdout_of(&[
        "query",
        pq,
        "--format-in",
        "parquet",
        "--join",
        pq,
        "--on",
        "order_id",
        "--agg",
        "order_id:count",
    ]);
    assert_eq!(parse_csv(&joined).unwrap().rows.len(), 1);
    // CSV options for a Parquet input are refused, not ignored.
    for args in [
        vec!["query", "fixtures/sales_parquet", "--blocksize", "1MB"],
        vec!["query", pq, "--format-in", "parquet", "--on-bad-lines", "skip"],
        vec![
            "query",
            "fixtures/sales",
            "--join",
            "fixtures/sales_parquet",
            "--on",
            "order_id",
            "--dtype",
            "qty:int64",
        ],
    ] {
        let line = cli_error(&args);
        assert!(
            line.contains("CSV options (blocksize, on_bad_lines, dtype) do not apply to"),
            "{args:?}: {line}"
        );
    }
}

/// Errors a user reads: pandas dtypes, one `parquet error:`, the side of a
/// missing merge key, a flat 600-term `or`, a short excerpt of a long
/// query, and /dev/null.
#[test]
fn error_messages_speak_the_users_terms() {
    let line = cli_error(&["query", "fixtures/sales_parquet", "--agg", "region:sum"]);
    assert!(line.contains("sum needs numbers, got string"), "{line}");
    assert!(!line.contains("Utf8") && !line.contains("Dictionary"), "{line}");

    let dir = tempfile::tempdir().unwrap();
    let bad = dir.path().join("bad.parquet");
    std::fs::write(&bad, "order_id,qty\n1,2\n").unwrap();
    let line = cli_error(&["schema", bad.to_str().unwrap()]);
    assert!(line.contains("parquet error: ") && line.contains("bad.parquet"), "{line}");
    assert_eq!(line.to_lowercase().matches("parquet error").count(), 1, "{line}");

    let other = dir.path().join("other.csv");
    std::fs::write(&other, "id,amount\n1,2\n").unwrap();
    let other = other.to_str().unwrap();
    let line = cli_error(&["query", "fixtures/sales", "--join", other, "--on", "id"]);
    assert!(
        line.contains("merge key \"id\" not found on the left side; its columns are: order_id, region"),
        "{line}"
    );
    let line = cli_error(&["query", other, "--join", "fixtures/sales", "--on", "id"]);
    assert!(
        line.contains("merge key \"id\" not found on the right side; its columns are: order_id, region"),
        "{line}"
    );

    let ors: Vec<String> = (0..600).map(|i| format!("order_id == {i}")).collect();
    let (text, _) =
        stdout_of(&["query", "fixtures/sales", "--where", &ors.join(" or "), "--agg", "order_id:count"]);
    assert_eq!(text, "order_id_count\n599\n");

    let long = format!("{} > > 3", vec![ors.join(" or "); 5].join(" or "));
    let line = cli_error(&["query", "fixtures/sales", "--where", &long]);
    assert!(line.contains("query syntax error at position") && line.contains("> > 3"), "{line}");
    assert!(line.len() < 300, "{} characters: {line}", line.len());

    let line = cli_error(&["schema", "/dev/null"]);
    assert!(line.contains("/dev/null is not a CSV or Parquet file, nor a directory"), "{line}");
}
