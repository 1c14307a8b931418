//! `concat` and `merge_asof` against pandas, and their invariance.
//!
//! - Every case of `fixtures/expected/join/concat/cases.tsv` (two or three
//!   frames with different columns, column orders and types) gives pandas'
//!   rows in frame order and its union schema (columns in the order they
//!   first appear, int with float → float, a missing column null), with
//!   each frame in 1, 2, 3, 7 or 16 partitions and 1 or 4 threads.
//! - Every case of `fixtures/expected/join/asof/cases.tsv` (backward,
//!   forward, nearest; by a group or not; tolerance; exact matches
//!   excluded; int and float times) gives pandas' rows in left order, null
//!   `by` keys never matching, with each side in 1, 2, 3, 7 or 16 partitions
//!   (same and lopsided counts) and 1 or 4 threads.

use crate::common;
use crate::join_common;

use std::collections::BTreeSet;

use common::{compare, partitionings_no_tree, table_of};
use join_common::{asof_cases, concat_cases, pair_partitionings, AsofCase, ConcatCase, SHOWN_PER_CASE};
use rusk::{AsofDirection, DataFrame};

/// Failures of `run` over `cases`, reported at once.
fn run_all<C>(cases: &[C], name: impl Fn(&C) -> &str, run: impl Fn(&C) -> Vec<String>) {
    let names: BTreeSet<&str> = cases.iter().map(&name).collect();
    assert_eq!(names.len(), cases.len(), "case names must be unique");
    let mut report = Vec::new();
    let (mut failed_cases, mut failures) = (0, 0);
    for case in cases {
        let f = run(case);
        if f.is_empty() {
            continue;
        }
        failed_cases += 1;
        failures += f.len();
        report.extend(f.iter().take(SHOWN_PER_CASE).cloned());
        if f.len() > SHOWN_PER_CASE {
            report.push(format!("case {}: ... {} failing variants in all", name(case), f.len()));
        }
    }
    assert!(
        report.is_empty(),
        "{failures} failure(s) in {failed_cases} of {} cases:\n{}",
        cases.len(),
        report.join("\n")
    );
}

// ---- concat -------------------------------------------------------------------

fn check_concat(
    case: &ConcatCase,
    how: &str,
    run: impl FnOnce() -> rusk::Result<DataFrame>,
) -> Result<(), String> {
    let df = run().map_err(|e| format!("case {} [{how}]: error: {e}", case.name))?;
    compare(&format!("{} [{how}]", case.name), &case.expected(), &table_of(&df))
}

fn run_concat(case: &ConcatCase) -> Vec<String> {
    let mut failures = Vec::new();
    let mut record = |r: Result<(), String>| {
        if let Err(e) = r {
            failures.push(e);
        }
    };
    record(check_concat(case, "default", || rusk::concat(&case.frames(None)?)?.compute()));
    // Each frame in n partitions: a concat has no merge tree.
    for (how, n, config) in partitionings_no_tree() {
        record(check_concat(case, &how, || rusk::concat(&case.frames(Some(n))?)?.compute_with(&config)));
    }
    failures
}

#[test]
fn every_concat_case_matches_pandas() {
    let cases = concat_cases();
    assert!(cases.len() >= 5, "only {} cases in join/concat/cases.tsv", cases.len());
    assert!(cases.iter().any(|c| c.paths.len() >= 3), "no concat of three frames");
    run_all(&cases, |c| c.name.as_str(), run_concat);
}

/// Concatenating frames of different partition counts keeps every frame's
/// rows in order.
#[test]
fn concat_keeps_frame_order_across_partition_counts() {
    let case = concat_cases().into_iter().find(|c| c.name == "concat_abc").expect("the concat_abc case");
    let frames: Vec<DataFrame> = case
        .frames(None)
        .expect("read")
        .into_iter()
        .zip([3, 1, 7])
        .map(|(df, n)| df.repartition(n).expect("repartition"))
        .collect();
    let got = rusk::concat(&frames).expect("concat").compute().expect("compute");
    compare("concat_abc [3, 1, 7 partitions]", &case.expected(), &table_of(&got))
        .unwrap_or_else(|e| panic!("{e}"));
}

// ---- merge_asof ---------------------------------------------------------------

fn check_asof(
    case: &AsofCase,
    how: &str,
    run: impl FnOnce() -> rusk::Result<DataFrame>,
) -> Result<(), String> {
    let df = run().map_err(|e| format!("case {} [{how}]: error: {e}", case.name))?;
    compare(&format!("{} [{how}]", case.name), &case.expected(), &table_of(&df))
}

fn run_asof(case: &AsofCase) -> Vec<String> {
    let mut failures = Vec::new();
    let mut record = |r: Result<(), String>| {
        if let Err(e) = r {
            failures.push(e);
        }
    };
    let sides =
        || Ok::<_, rusk::Error>((join_common::side(&case.left, "")?, join_common::side(&case.right, "")?));
    record(check_asof(case, "default", || {
        let (left, right) = sides()?;
        case.merge(&left, &right)?.compute()
    }));
    for (how, (l, r), config) in pair_partitionings() {
        record(check_asof(case, &how, || {
            let (left, right) = sides()?;
            case.merge(&left.repartition(l)?, &right.repartition(r)?)?.compute_with(&config)
        }));
    }
    failures
}

#[test]
fn every_asof_case_matches_pandas() {
    let cases = asof_cases();
    assert!(cases.len() >= 12, "only {} cases in join/asof/cases.tsv", cases.len());
    for d in [AsofDirection::Backward, AsofDirection::Forward, AsofDirection::Nearest] {
        assert!(cases.iter().any(|c| c.direction == d), "no {d:?} case");
    }
    assert!(cases.iter().any(|c| c.tolerance.is_some()), "no tolerance");
    assert!(cases.iter().any(|c| !c.allow_exact_matches), "no allow_exact_matches=False");
    assert!(cases.iter().any(|c| !c.by.is_empty()) && cases.iter().any(|c| c.by.is_empty()));
    assert!(cases.iter().any(|c| c.on.is_empty()), "no left_on/right_on");
    run_all(&cases, |c| c.name.as_str(), run_asof);
}
