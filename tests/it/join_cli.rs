//! `rusk query PATH --join OTHER --on k --how H`: the pandas merge cases
//! the CLI can express (keys both sides share, no queries on the inputs,
//! default suffixes) through the binary, a join followed by the other
//! query steps, and how bad join flags are refused (one line, exit 2).

use crate::common;
use crate::join_common;

use common::{rusk, rusk_csv, table_of};
use join_common::{compare_unordered, merge_cases};
use rusk::JoinType;

#[test]
fn join_prints_the_oracle_results() {
    let cases: Vec<_> = merge_cases()
        .into_iter()
        .filter(|c| {
            c.left_query.is_empty()
                && c.right_query.is_empty()
                && c.suffixes.is_none()
                && !c.indicator
                && (!c.on.is_empty() || c.how == JoinType::Cross)
        })
        .collect();
    assert!(cases.len() >= 10, "only {} join cases the CLI can run", cases.len());
    let mut failures = Vec::new();
    for case in &cases {
        for strategy in ["auto", "broadcast", "shuffle"] {
            let mut args: Vec<String> = ["query", &case.left, "--csv", "--join", &case.right, "--how"]
                .into_iter()
                .map(String::from)
                .collect();
            args.push(case.how.to_string());
            if !case.on.is_empty() {
                args.push(format!("--on={}", case.on.join(",")));
            }
            if case.how != JoinType::Cross || strategy != "shuffle" {
                args.push(format!("--join-strategy={strategy}"));
            }
            let got = rusk_csv(&args).map_err(|e| format!("case {}: {e}", case.name));
            if let Err(e) =
                got.and_then(|t| compare_unordered(&format!("{} (CLI)", case.name), &case.expected(), &t))
            {
                failures.push(e);
            }
        }
    }
    assert!(failures.is_empty(), "{} failure(s):\n{}", failures.len(), failures.join("\n"));
}

/// The join comes first: `--where`, `--groupby` and `--sort` see its columns.
#[test]
fn other_steps_apply_to_the_joined_frame() {
    let args: Vec<String> =
        ["query", "fixtures/sales", "--csv", "--join", "fixtures/sales_parquet", "--on=order_id"]
            .into_iter()
            .chain(["--where=qty_x > 5", "--groupby=region_y", "--agg=price_y:sum", "--sort=region_y"])
            .map(String::from)
            .collect();
    let got = rusk_csv(&args).unwrap();
    let df = rusk::read(common::fixture("fixtures/sales"))
        .and_then(|l| {
            let r = rusk::read(common::fixture("fixtures/sales_parquet"))?;
            l.merge(&r, rusk::MergeOptions::on(["order_id"]))
        })
        .and_then(|df| df.query("qty_x > 5"))
        .and_then(|df| df.groupby(["region_y"])?.agg([("price_y_sum", rusk::col("price_y").sum())]))
        .and_then(|df| df.sort_values(&["region_y"], &[true]))
        .and_then(|df| df.compute())
        .unwrap();
    let want = table_of(&df);
    assert_eq!(want.rows.len(), 4, "four regions");
    common::compare("join → where → groupby → sort (CLI)", &want, &got).unwrap();
}

#[test]
fn bad_join_flags_fail_in_one_line() {
    for (args, needle) in [
        (vec!["query", "fixtures/sales", "--join", "fixtures/sales"], "--join needs --on"),
        (vec!["query", "fixtures/sales", "--on", "order_id"], "--on needs --join"),
        (
            vec![
                "query",
                "fixtures/sales",
                "--join",
                "fixtures/sales",
                "--on",
                "order_id",
                "--how",
                "sideways",
            ],
            "unknown join type",
        ),
        (
            vec!["query", "fixtures/sales", "--join", "fixtures/sales", "--on", "nope"],
            "merge key \"nope\" not found on the left side; its columns are: order_id,",
        ),
        (
            // The other side is read like PATH: its own errors name its files.
            vec!["query", "fixtures/sales", "--join", "fixtures/conflict", "--on", "x"],
            "schemas conflict on column \"x\"",
        ),
    ] {
        let out = rusk(&args);
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{args:?}: {stderr}");
        assert_eq!(stderr.lines().count(), 1, "{args:?}: {stderr}");
        assert!(stderr.starts_with("rusk: error: ") && stderr.contains(needle), "{args:?}: {stderr}");
    }
}
