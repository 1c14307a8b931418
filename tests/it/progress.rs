//! Progress: a run reports to `Config::with_progress_callback` once before
//! any task, once after each task and once when it ends, however it ends;
//! the CLI draws it on stderr with `--progress` and not without.

use std::sync::{Arc, Mutex};

use rusk::arrow::record_batch::RecordBatch;
use rusk::{col, Config, DataFrame, Error, Progress};

use crate::common::rusk;

/// Runs `df` with a callback collecting every report; the reports of the
/// last run (a computation may first run a sample, as a groupby's
/// split_out estimate does; each run ends with a finished report).
fn reports(df: &DataFrame, config: Config) -> (rusk::Result<DataFrame>, Vec<Progress>) {
    let seen = Arc::new(Mutex::new(Vec::new()));
    let sink = Arc::clone(&seen);
    let config = config.with_progress_callback(move |p| sink.lock().unwrap().push(p.clone()));
    let result = df.compute_with(&config);
    let seen = seen.lock().unwrap().clone();
    let mut runs: Vec<Vec<Progress>> = vec![vec![]];
    for p in seen {
        let finished = p.finished;
        runs.last_mut().unwrap().push(p);
        if finished {
            runs.push(vec![]);
        }
    }
    assert!(runs.pop().unwrap().is_empty(), "a run without its finished report");
    runs.iter().for_each(|run| assert_well_ordered(run));
    (result, runs.pop().unwrap_or_default())
}

/// One run's reports: each stage's done count never falls, and only the
/// last report is final.
fn assert_well_ordered(seen: &[Progress]) {
    assert!(seen.len() >= 2, "{seen:?}");
    assert!(seen[0].stages.iter().all(|s| s.done == 0), "{:?}", seen[0]);
    assert_eq!(seen.iter().filter(|p| p.finished).count(), 1);
    assert!(seen.last().unwrap().finished);
    for pair in seen.windows(2) {
        assert_eq!(pair[0].stages.len(), pair[1].stages.len());
        for (a, b) in pair[0].stages.iter().zip(&pair[1].stages) {
            assert_eq!((&a.name, a.total), (&b.name, b.total));
            assert!(a.done <= b.done && b.done <= b.total, "{a:?} then {b:?}");
        }
        assert!(pair[0].rows_read <= pair[1].rows_read);
    }
}

#[test]
fn a_run_reports_every_task_and_ends_with_everything_done() {
    let sales = rusk::read_csv("fixtures/sales").unwrap();
    let rows = sales.compute().unwrap().len().unwrap() as u64;
    let df = sales.groupby(["region"]).unwrap().agg([("qty_sum", col("qty").sum())]).unwrap();
    for threads in [1, 3] {
        let (result, seen) = reports(&df, Config::default().with_threads(threads));
        result.unwrap();
        let last = seen.last().unwrap();
        let tasks: usize = last.stages.iter().map(|s| s.total).sum();
        // A first report, one per task, the last.
        assert_eq!(seen.len(), tasks + 2, "{threads} threads");
        assert!(last.stages.iter().all(|s| s.done == s.total), "{last:?}");
        assert!(last.stages[0].name.starts_with("scan csv"), "{last:?}");
        assert_eq!(last.rows_read, rows);
        assert!(last.bytes_read > 0);
        assert_eq!(last.bytes_spilled, 0);
    }
}

#[test]
fn spilled_bytes_are_reported() {
    let sales = rusk::read_csv("fixtures/sales").unwrap();
    let df = sales.sort_values(&["qty"], &[true]).unwrap();
    let dir = tempfile::tempdir().unwrap();
    let (result, seen) = reports(&df, Config::default().with_memory_limit(1).with_spill_dir(dir.path()));
    result.unwrap();
    assert!(seen.last().unwrap().bytes_spilled > 0, "{:?}", seen.last());
}

#[test]
fn a_failed_run_still_ends_its_report() {
    let sales = rusk::read_csv("fixtures/sales").unwrap();
    let df = sales
        .map_partitions("fail", |batch: RecordBatch| {
            if batch.num_rows() > 0 {
                Err(Error::InvalidArgument("no".into()))
            } else {
                Ok(batch)
            }
        })
        .unwrap();
    let (result, seen) = reports(&df, Config::default().with_threads(1));
    assert!(result.is_err());
    let last = seen.last().unwrap();
    assert!(last.stages.iter().map(|s| s.done).sum::<usize>() >= 1, "{last:?}");
}

#[test]
fn the_cli_prints_progress_when_asked_and_not_otherwise() {
    let args = ["query", "fixtures/sales", "--groupby", "region", "--agg", "qty:sum", "--csv"];
    let quiet = rusk(&args);
    assert!(quiet.status.success());
    assert!(quiet.stderr.is_empty(), "{}", String::from_utf8_lossy(&quiet.stderr));
    let with = rusk(&[&args[..], &["--progress"]].concat());
    assert!(with.status.success());
    assert_eq!(with.stdout, quiet.stdout, "progress goes to stderr only");
    let stderr = String::from_utf8_lossy(&with.stderr);
    assert!(stderr.lines().any(|l| l.starts_with("rusk: [") && l.contains("scan csv")), "{stderr}");
    assert!(stderr.lines().last().is_some_and(|l| l.contains("finished")), "{stderr}");
    let without = rusk(&[&args[..], &["--progress", "--no-progress"]].concat());
    assert!(without.stderr.is_empty(), "{}", String::from_utf8_lossy(&without.stderr));
}
