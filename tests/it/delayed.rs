//! `delayed` with frames: a frame's partitions as delayed batches, and
//! delayed batches as a frame, equal to the frame read the usual way.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;

use crate::common::{fixture, render_batches, table_of};
use rusk::arrow::array::RecordBatch;
use rusk::arrow::compute::concat_batches;
use rusk::{col, delayed, from_delayed, Delayed, Error};

#[test]
fn a_partition_computes_only_what_it_needs() -> rusk::Result<()> {
    let calls = Arc::new(AtomicUsize::new(0));
    let counted = Arc::clone(&calls);
    let df =
        rusk::read_csv(fixture("fixtures/sales"))?.query("qty > 3")?.map_partitions("count", move |b| {
            counted.fetch_add(1, Ordering::SeqCst);
            Ok(b)
        })?;
    let parts = df.to_delayed()?;
    assert_eq!(parts.len(), 3);
    calls.store(0, Ordering::SeqCst);
    let second = parts[1].compute()?;
    assert_eq!(calls.load(Ordering::SeqCst), 1, "one partition's tasks ran");
    let whole = df.compute()?;
    assert_eq!(render_batches(&[second]), render_batches(&whole.batches()[1..2]));
    Ok(())
}

/// Dask's canonical example: load each file my own way, clean each, then
/// use the dataframe API.
#[test]
fn files_loaded_by_delayed_functions_become_a_frame() -> rusk::Result<()> {
    let dir = fixture("fixtures/sales");
    let mut files: Vec<_> = std::fs::read_dir(&dir).expect("dir").map(|e| e.expect("entry").path()).collect();
    files.sort();
    let schema = rusk::read_csv(&dir)?.schema();
    let parts: Vec<Delayed<RecordBatch>> = files
        .into_iter()
        .map(|file| {
            let order = Arc::clone(&schema);
            delayed("load", move || {
                let frame = rusk::read_csv(&file)?.compute()?;
                Ok(concat_batches(&frame.schema(), frame.batches())?)
            })
            // One file has its columns in another order: clean puts each
            // part in the frame's.
            .map("clean", move |b| {
                let indices = order.fields().iter().map(|f| b.schema().index_of(f.name())).collect::<Result<
                    Vec<_>,
                    _,
                >>(
                )?;
                Ok(b.project(&indices)?)
            })
        })
        .collect();
    let frame = from_delayed(parts, schema)?;
    assert_eq!(frame.npartitions(), 3);
    let by_delayed = frame.groupby(["region"])?.agg([("qty", col("qty").sum())])?.compute()?;
    let by_frame = rusk::read_csv(&dir)?.groupby(["region"])?.agg([("qty", col("qty").sum())])?.compute()?;
    assert_eq!(table_of(&by_delayed), table_of(&by_frame));
    Ok(())
}

#[test]
fn a_part_of_another_schema_is_an_error_naming_it() -> rusk::Result<()> {
    let sales = rusk::read_csv(fixture("fixtures/sales"))?;
    let good = sales.to_delayed()?;
    let other = rusk::read_csv(fixture("fixtures/events"))?.to_delayed()?;
    let frame = from_delayed(vec![good[0].clone(), other[0].clone()], sales.schema())?;
    match frame.compute() {
        Err(Error::User { message, .. }) => {
            assert!(
                message.contains("part 1 (partition-") && message.contains("has the columns [id:"),
                "{message}"
            )
        }
        other => panic!("expected an error naming part 1, got {other:?}"),
    }
    assert!(matches!(from_delayed(vec![], sales.schema()), Err(Error::InvalidArgument(_))));
    Ok(())
}

/// A task that computes a frame (a delayed part reading a file with rusk,
/// a user function) runs that frame on the same pool: with one thread, a
/// blocked wait would deadlock. Run in a thread, so a regression fails
/// here instead of hanging the suite.
#[test]
fn a_frame_computed_inside_a_task_does_not_deadlock_the_pool() {
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let one = rusk::Config::default().with_threads(1);
        let inner_config = one.clone();
        let run = || -> rusk::Result<usize> {
            let outer = rusk::read_csv(fixture("fixtures/sales"))?.map_partitions("nested", move |b| {
                let inner = rusk::read_csv(fixture("fixtures/sales"))?.compute_with(&inner_config)?;
                assert_eq!(inner.batches().len(), 3);
                Ok(b)
            })?;
            Ok(outer.compute_with(&one)?.batches().len())
        };
        let _ = tx.send(run());
    });
    match rx.recv_timeout(std::time::Duration::from_secs(60)) {
        Ok(result) => assert_eq!(result.expect("nested runs"), 3),
        Err(_) => panic!("a frame computed inside a task deadlocked the pool"),
    }
}

/// A groupby's split_out estimate samples the first partition in a run of
/// its own; over a user function that would call it twice there.
#[test]
fn a_groupby_over_user_code_calls_it_once_per_partition() -> rusk::Result<()> {
    let calls = Arc::new(AtomicUsize::new(0));
    let counted = Arc::clone(&calls);
    let df = rusk::read_csv(fixture("fixtures/sales"))?.map_partitions("count", move |b| {
        counted.fetch_add(1, Ordering::SeqCst);
        Ok(b)
    })?;
    calls.store(0, Ordering::SeqCst);
    df.groupby(["product"])?.agg([("qty", col("qty").sum())])?.compute()?;
    assert_eq!(calls.load(Ordering::SeqCst), 3);
    Ok(())
}
