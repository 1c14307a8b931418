//! `rusk query --sort COLS`: the sort cases of the pandas oracle
//! (`fixtures/expected/reductions/`) through the binary, sorting after a
//! groupby, top-n with `--limit`, and how a bad `--sort` is refused (one
//! line, exit 2).

use crate::common;
use crate::reductions_common;

use common::{compare, rusk, rusk_csv, table_of};
use reductions_common::reduction_cases;

#[test]
fn sort_prints_the_oracle_results() {
    let cases: Vec<_> = reduction_cases().into_iter().filter_map(|c| c.cli_args().map(|a| (c, a))).collect();
    assert!(cases.len() >= 10, "only {} sort cases the CLI can run", cases.len());
    let failures: Vec<String> = cases
        .iter()
        .filter_map(|(case, args)| {
            let got = rusk_csv(args).map_err(|e| format!("case {}: {e}", case.name));
            got.and_then(|t| compare(&format!("{} (CLI)", case.name), &case.expected(), &t)).err()
        })
        .collect();
    assert!(failures.is_empty(), "{} failure(s):\n{}", failures.len(), failures.join("\n"));
}

/// `--sort` applies after `--groupby`/`--agg` and before `--limit`: the
/// top groups, as the library computes them.
#[test]
fn sort_after_groupby_and_before_limit() {
    let args: Vec<String> = ["query", "fixtures/sales", "--csv", "--groupby=region,product", "--agg=qty:sum"]
        .into_iter()
        .chain(["--sort=qty_sum:desc,product:asc", "--limit=4", "--select=product,qty_sum"])
        .map(String::from)
        .collect();
    let got = rusk_csv(&args).unwrap();
    let df = rusk::read_csv(common::fixture("fixtures/sales"))
        .and_then(|df| df.groupby(["region", "product"])?.agg([("qty_sum", rusk::col("qty").sum())]))
        .and_then(|df| df.sort_values(&["qty_sum", "product"], &[false, true]))
        .and_then(|df| df.limit(4).select(["product", "qty_sum"]))
        .and_then(|df| df.compute())
        .unwrap();
    let want = table_of(&df);
    assert_eq!(want.rows.len(), 4);
    compare("groupby → sort → limit (CLI)", &want, &got).unwrap();
    let qty: Vec<i64> = got.rows.iter().map(|r| r[1].parse().unwrap()).collect();
    assert!(qty.windows(2).all(|w| w[0] >= w[1]), "descending: {qty:?}");
}

/// `rusk args` must fail with exit status 2 and one `rusk: error: ...` line
/// on stderr, nothing on stdout; that line.
fn cli_error(args: &[&str]) -> String {
    let out = rusk(args);
    let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
    assert_eq!(out.status.code(), Some(2), "rusk {args:?}: exit status; stderr: {stderr}");
    assert!(out.stdout.is_empty(), "rusk {args:?} wrote to stdout");
    assert!(!stderr.contains("panicked"), "rusk {args:?} panicked: {stderr}");
    assert_eq!(stderr.lines().count(), 1, "rusk {args:?}: one line expected: {stderr:?}");
    assert!(stderr.starts_with("rusk: error: "), "rusk {args:?}: {stderr:?}");
    stderr
}

#[test]
fn a_bad_sort_is_one_line_and_exit_2() {
    let line = cli_error(&["query", "fixtures/sales", "--sort", "qty:down"]);
    assert!(line.contains("qty:down") && line.contains("asc or desc"), "{line}");
    let line = cli_error(&["query", "fixtures/sales", "--sort", "price,regoin:desc"]);
    assert!(line.contains("regoin") && line.contains("region"), "{line}");
    let line = cli_error(&["query", "fixtures/sales", "--sort", ":desc"]);
    assert!(line.contains("no column"), "{line}");
    // A column the groupby's result does not have.
    let line =
        cli_error(&["query", "fixtures/sales", "--groupby", "region", "--agg", "qty:sum", "--sort", "qty"]);
    assert!(line.contains("\"qty\"") && line.contains("qty_sum"), "{line}");
}

/// `--memory-limit 0` spills every shuffle output and prints the same rows.
#[test]
fn a_memory_limit_spills_and_changes_nothing() {
    let base: Vec<String> = ["query", "fixtures/sales", "--csv", "--sort=qty:desc,order_id"]
        .into_iter()
        .map(String::from)
        .collect();
    let unlimited = rusk_csv(&base).unwrap();
    let mut limited_args = base.clone();
    limited_args.push("--memory-limit=0".into());
    let limited = rusk_csv(&limited_args).unwrap();
    assert_eq!(unlimited.rows.len(), 600);
    compare("--memory-limit 0", &unlimited, &limited).unwrap();
    let mut analyze = base;
    analyze.extend(["--memory-limit=0".into(), "--analyze".into()]);
    let out = rusk(&analyze.iter().map(String::as_str).collect::<Vec<_>>());
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("spilled: "), "{text}");
}
