//! `rusk query --groupby K --agg SPECS`: the groupby cases of the pandas
//! oracle (`fixtures/expected/groupby/`) through the binary, and how it
//! refuses a bad `--agg` or a `--groupby` without one (one line, exit 2).

use crate::common;

use common::{compare, group_cases, parse_csv, rusk, GroupCase};

/// The cases the CLI can express: it has no flags for `sort` and `dropna`,
/// so only pandas' defaults.
fn cli_cases() -> Vec<GroupCase> {
    group_cases().into_iter().filter(|c| c.sort && c.dropna).collect()
}

/// Runs `rusk args`, which must succeed without writing to stderr, and
/// compares its CSV with the case's expectation.
fn run_and_compare(case: &GroupCase, args: &[String]) -> Result<(), String> {
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let out = rusk(&args);
    let stderr = String::from_utf8_lossy(&out.stderr);
    if !out.status.success() || !stderr.is_empty() {
        return Err(format!("case {}: rusk {args:?} ({:?}): {stderr}", case.name, out.status.code()));
    }
    let text = String::from_utf8_lossy(&out.stdout);
    let got =
        parse_csv(&text).map_err(|e| format!("case {}: output is not CSV ({e}): {text:?}", case.name))?;
    compare(&format!("{} (CLI)", case.name), &case.expected(), &got)
}

#[test]
fn groupby_and_agg_print_the_oracle_results() {
    let cases = cli_cases();
    assert!(cases.len() >= 20, "only {} groupby cases the CLI can run", cases.len());
    assert!(cases.iter().any(|c| c.keys.is_empty()), "no whole-frame reduction (--agg without --groupby)");
    let failures: Vec<String> =
        cases.iter().filter_map(|c| run_and_compare(c, &c.cli_args()).err()).collect();
    assert!(failures.is_empty(), "{} failure(s):\n{}", failures.len(), failures.join("\n"));
}

#[test]
fn split_every_and_piped_output_change_nothing() {
    for name in ["two_keys", "whole_frame", "whole_frame_empty", "quantile_by_region"] {
        let case = cli_cases().into_iter().find(|c| c.name == name).unwrap_or_else(|| panic!("case {name}"));
        for split_every in ["2", "3"] {
            let mut args = case.cli_args();
            args.push(format!("--split-every={split_every}"));
            run_and_compare(&case, &args).unwrap();
        }
        // Piped stdout is CSV without `--csv`.
        let args: Vec<String> = case.cli_args().into_iter().filter(|a| a != "--csv").collect();
        run_and_compare(&case, &args).unwrap();
    }
}

/// `rusk args` must fail with exit status 2 and one `rusk: error: ...` line
/// on stderr, nothing on stdout; that line.
fn cli_error(args: &[&str]) -> String {
    let out = rusk(args);
    let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
    assert_eq!(out.status.code(), Some(2), "rusk {args:?}: exit status; stderr: {stderr}");
    assert!(out.stdout.is_empty(), "rusk {args:?} wrote to stdout: {}", String::from_utf8_lossy(&out.stdout));
    assert!(!stderr.contains("panicked"), "rusk {args:?} panicked: {stderr}");
    assert_eq!(stderr.lines().count(), 1, "rusk {args:?}: one line expected: {stderr:?}");
    assert!(stderr.starts_with("rusk: error: "), "rusk {args:?}: {stderr:?}");
    stderr
}

#[test]
fn a_bad_agg_spec_is_one_line_and_exit_2() {
    for (spec, mentions) in [
        ("qty", "qty"),                   // no function
        (":sum", ":sum"),                 // no column
        ("qty:average", "average"),       // unknown function
        ("qty:quantile=1.5", "quantile"), // q outside [0, 1]
        ("qty:quantile=abc", "quantile"), // q not a number
        ("qty:sum=2", "qty:sum=2"),       // only quantile takes =q
        ("nope:sum", "nope"),             // unknown column
    ] {
        for groupby in [Some("region"), None] {
            let mut args = vec!["query", "fixtures/sales"];
            let agg = format!("--agg=price:mean,{spec}");
            if let Some(k) = groupby {
                args.extend(["--groupby", k]);
            }
            args.push(&agg);
            let line = cli_error(&args);
            assert!(line.contains(mentions), "rusk {args:?}: the error should name {mentions:?}: {line}");
        }
    }
}

/// A function over a type it does not take: the message names the column,
/// not only the types (`sum needs numbers, got Utf8` leaves the user to guess
/// which of several specs is wrong).
#[test]
fn an_ill_typed_agg_names_the_column() {
    for groupby in [Some("region"), None] {
        let mut args = vec!["query", "fixtures/sales"];
        if let Some(k) = groupby {
            args.extend(["--groupby", k]);
        }
        args.push("--agg=price:mean,product:sum,qty:max");
        let line = cli_error(&args);
        assert!(line.contains("sum") && line.contains("product"), "rusk {args:?}: {line}");
    }
}

#[test]
fn an_unknown_groupby_key_names_the_columns() {
    let line = cli_error(&["query", "fixtures/sales", "--groupby", "regoin", "--agg", "qty:sum"]);
    assert!(line.contains("regoin") && line.contains("region"), "{line}");
}

#[test]
fn groupby_without_agg_is_one_line_and_exit_2() {
    let line = cli_error(&["query", "fixtures/sales", "--groupby", "region"]);
    assert!(line.contains("--agg"), "{line}");
    let line = cli_error(&["query", "fixtures/sales", "--where", "qty > 3", "--groupby", "region,product"]);
    assert!(line.contains("--agg"), "{line}");
}
