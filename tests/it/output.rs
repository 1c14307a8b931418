//! Outputs appear whole or not at all, through the library (`to_csv`,
//! `to_parquet`, one file or a directory): written under a hidden temporary
//! sibling, renamed when complete, removed on error and on cancellation.
//!
//! Cancellation goes through the run's own `Config` (`to_csv_with`), never
//! the process-wide one, which every other test of this binary would see.

use crate::common;

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;

use common::{fixture, names};
use rusk::arrow::record_batch::RecordBatch;
use rusk::{Cancel, Config, CsvOptions, DataFrame, Error};

/// `sales` in several partitions, each checked as it runs: the destination
/// must not exist yet, and `temporaries` hidden siblings must: a
/// directory's temporary directory, a one-file output's directory of parts
/// (its temporary file is made by a later task).
fn watched(dest: &Path, temporaries: usize) -> DataFrame {
    let sales = rusk::read_csv_with(fixture("fixtures/sales"), CsvOptions::default().blocksize(Some(2000)))
        .expect("fixtures/sales");
    let (dest, parent): (PathBuf, PathBuf) = (dest.to_path_buf(), dest.parent().expect("parent").into());
    sales
        .map_partitions("watch", move |batch: RecordBatch| {
            if batch.num_rows() > 0 {
                assert!(!dest.exists(), "{} exists before the write finished", dest.display());
                let temp =
                    names(&parent).into_iter().filter(|n| rusk_io::write::is_temporary_output(n)).count();
                assert_eq!(temp, temporaries, "temporary siblings: {:?}", names(&parent));
            }
            Ok(batch)
        })
        .expect("map_partitions")
}

#[test]
fn outputs_appear_only_when_complete_and_vanish_on_error_or_cancel() {
    let dir = tempfile::tempdir().expect("temp dir");
    let want = rusk::read_csv(fixture("fixtures/sales")).expect("sales").len().expect("len");

    // Written under a temporary name, then renamed: directories and files.
    for name in ["csv_dir", "parquet_dir", "one.csv", "one.parquet"] {
        let dest = dir.path().join(name);
        let df = watched(&dest, 1);
        let written = if name.contains("csv") { df.to_csv(&dest) } else { df.to_parquet(&dest) };
        written.unwrap_or_else(|e| panic!("{name}: {e}"));
        assert_eq!(rusk::read(&dest).expect("reads back").len().expect("len"), want, "{name}");
    }
    assert_eq!(names(dir.path()), ["csv_dir", "one.csv", "one.parquet", "parquet_dir"]);

    // A failing run (a bad value in a later partition) leaves nothing.
    let bad =
        rusk::read_csv_with(fixture("fixtures/bad/unparseable"), CsvOptions::default().blocksize(Some(1000)))
            .expect("opens");
    for name in ["bad_dir", "bad.csv", "bad.parquet"] {
        let dest = dir.path().join(name);
        let err = if name.contains("parquet") { bad.to_parquet(&dest) } else { bad.to_csv(&dest) }
            .expect_err("a parse error");
        assert!(matches!(err, Error::Parse { .. }), "{name}: {err:?}");
        assert_eq!(err.location().and_then(|l| l.line), Some(1201), "{name}");
    }
    assert_eq!(names(dir.path()), ["csv_dir", "one.csv", "one.parquet", "parquet_dir"]);

    // Cancelled mid-run (the flag set by the first partition, as a signal
    // handler would): Cancelled, and nothing written.
    let flag = Arc::new(AtomicBool::new(false));
    let cancellable = Config::default().with_threads(1).with_cancel(Cancel::new(Arc::clone(&flag)));
    let setter = Arc::clone(&flag);
    let df = rusk::read_csv_with(fixture("fixtures/sales"), CsvOptions::default().blocksize(Some(2000)))
        .expect("sales")
        .map_partitions("cancel", move |batch: RecordBatch| {
            if batch.num_rows() > 0 {
                setter.store(true, Ordering::SeqCst);
            }
            Ok(batch)
        })
        .expect("map_partitions");
    assert!(df.npartitions() > 2, "{} partitions", df.npartitions());
    for name in ["cancelled_dir", "cancelled.csv"] {
        flag.store(false, Ordering::SeqCst);
        let err = df.to_csv_with(dir.path().join(name), &cancellable).expect_err("cancelled");
        assert!(matches!(err, Error::Cancelled), "{name}: {err:?}");
    }
    flag.store(false, Ordering::SeqCst);
    // Threads are checked when the run starts, never a hang or a panic.
    for threads in [0, rusk::MAX_THREADS + 1] {
        let bad = Config::default().with_threads(threads);
        let err = df.to_csv_with(dir.path().join("threads"), &bad).expect_err("bad threads");
        assert!(matches!(&err, Error::InvalidArgument(m) if m.contains("threads")), "{err}");
        let err = df.compute_with(&bad).expect_err("bad threads");
        assert!(matches!(&err, Error::InvalidArgument(m) if m.contains("threads")), "{err}");
    }
    assert_eq!(names(dir.path()), ["csv_dir", "one.csv", "one.parquet", "parquet_dir"]);

    // The extension names the format: to_parquet("x.csv") is refused (it
    // once made a directory named x.csv), and so is to_csv("x.parquet").
    let sales = rusk::read_csv(fixture("fixtures/sales")).expect("sales");
    for (err, name) in [
        (sales.to_parquet(dir.path().join("x.csv")), "x.csv"),
        (sales.to_csv(dir.path().join("x.parquet")), "x.parquet"),
    ] {
        let err = err.expect_err("contradicting extension");
        assert!(matches!(&err, Error::InvalidArgument(m) if m.contains(name)), "{err}");
    }
    // visualize never overwrites either.
    let dot = dir.path().join("one.csv");
    assert!(matches!(sales.visualize(&dot), Err(Error::OutputExists { path }) if path == dot));
    assert_eq!(names(dir.path()), ["csv_dir", "one.csv", "one.parquet", "parquet_dir"]);
}

/// A one-file CSV is its partitions' parts joined in order: one header,
/// every row once, in the frame's order, even when most parts are empty.
#[test]
fn a_one_file_csv_joins_its_parts_in_order() {
    let dir = tempfile::tempdir().expect("temp dir");
    let sales = rusk::read_csv(fixture("fixtures/sales")).expect("sales");
    for (name, df) in [
        ("all.csv", sales.repartition(7).expect("repartition")),
        (
            "mostly_empty.csv",
            sales.repartition(16).expect("repartition").query("order_id > 550").expect("query"),
        ),
    ] {
        let path = dir.path().join(name);
        df.to_csv(&path).expect("written");
        let text = std::fs::read_to_string(&path).expect("read");
        assert_eq!(text.lines().filter(|l| l.starts_with("order_id,")).count(), 1, "{name}: one header");
        let back = rusk::read_csv(&path).expect("reads").compute().expect("computes");
        let expected = df.compute().expect("computes");
        assert_eq!(common::table_of(&back).rows, common::table_of(&expected).rows, "{name}");
    }
    assert_eq!(names(dir.path()), ["all.csv", "mostly_empty.csv"], "no part files left");
}
