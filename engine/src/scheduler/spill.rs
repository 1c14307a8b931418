//! The spill store: task outputs held beyond the memory budget, moved to
//! Arrow IPC files and read back by the tasks that need them.
//!
//! Scheduling frees an output as soon as its last consumer has run, but
//! some outputs must wait for many others. Between a shuffle's two halves
//! every split's buckets are held: receiver `j` reads bucket `j` of *every*
//! split, so none can run before the last split has. A range shuffle's
//! inputs wait whole until the boundaries drawn from all of them are known.
//! That is the whole input held at once, where scheduling alone does not
//! bound memory. With [`Config::memory_limit`] set, the scheduler tells the
//! store of each output it holds and of each it drops; when the bytes held
//! pass the limit, the store writes the largest held output to disk and
//! leaves a [`SpilledOutput`] handle in its place, until the rest fit.
//!
//! - **Largest first**: it frees the most memory per file written, so the
//!   fewest writes bring the total under the limit. Age says nothing here:
//!   every split output is read by every receiver, all at about the same
//!   time, so there is no "recently used" to keep.
//! - **One file per spilled output**, its buckets (or its one batch) as that
//!   file's record batches in order: `P` files for `P` splits rather than
//!   `P × n`, one sequential write each, and a receiver seeks to its bucket
//!   through the IPC footer. An IPC file holds one dictionary per field;
//!   buckets of one split are slices of one reordered batch and share
//!   theirs, but should they not, that output is written one file per
//!   bucket instead.
//! - **Dictionary columns are written as their values** and packed back
//!   when read. A split's buckets share their input's whole dictionary; in
//!   a file it is stored once, but read again with *every* bucket read
//!   from that file, and each read bucket then holds its own copy: a
//!   1e7-row join at 64 MiB read 200 copies of id6's 1e5 strings for each
//!   of its 200 buckets (78 MB of dictionaries held at once, gigabytes
//!   read). A bucket's own values are a few rows.
//! - Files live in one directory per run, made at the first spill under
//!   [`Config::spill_dir`] (default [`std::env::temp_dir`]); a spilled
//!   output's files go when its last consumer has run, and the directory
//!   when the store drops: at the end of the run, on success, on error and
//!   while unwinding from a panic.
//!
//! [`Config::memory_limit`]: crate::Config::memory_limit
//! [`Config::spill_dir`]: crate::Config::spill_dir

use std::collections::HashSet;
use std::fs::File;
use std::io::{BufReader, BufWriter};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;

use arrow::array::{Array, ArrayData};
use arrow::datatypes::{DataType, Schema, SchemaRef};
use arrow::error::ArrowError;
use arrow::ipc::reader::FileReader;
use arrow::ipc::writer::FileWriter;
use arrow::record_batch::{RecordBatch, RecordBatchOptions};
use rusk_ops::{Error, Result};

use super::run_task::TaskOutput;
use crate::graph::TaskId;

/// What a run spilled, for `explain(analyze)` and tests.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SpillStats {
    /// Task outputs spilled: a shuffle split's buckets, or a whole batch.
    pub outputs: usize,
    /// Buckets spilled (of the outputs that were buckets).
    pub buckets: usize,
    /// Files written.
    pub files: usize,
    /// Bytes written to disk (Arrow IPC).
    pub bytes: u64,
    /// In-memory bytes those outputs held (Arrow buffers) before spilling.
    pub memory_bytes: usize,
    /// The run's spill directory, if anything spilled; removed by the end
    /// of the run.
    pub dir: Option<PathBuf>,
}

/// A task output as the scheduler holds it: in memory, or spilled.
#[derive(Debug, Clone)]
pub(super) enum Held {
    /// In memory.
    Output(TaskOutput),
    /// Buckets moved to disk to stay within the memory limit.
    Spilled(Arc<SpilledOutput>),
}

impl Held {
    /// What a consumer reads: the batch, or bucket `bucket` of the buckets
    /// (from disk, if they were spilled).
    pub(super) fn read(&self, bucket: Option<usize>) -> Result<RecordBatch> {
        match (self, bucket) {
            (Held::Output(output), _) => output.read(bucket),
            (Held::Spilled(s), None) if s.whole => s.read(0),
            (Held::Spilled(s), Some(j)) if !s.whole => s.read(j),
            (Held::Spilled(_), _) => {
                Err(Error::Internal("a batch read of buckets, or a bucket of a batch".into()))
            }
        }
    }
}

/// A spilled task output: where its buckets (or its batch) lie on disk.
#[derive(Debug)]
pub(super) struct SpilledOutput {
    /// The output's schema, as read back.
    schema: SchemaRef,
    /// The files' schema: `schema` with dictionary columns as their values.
    written: SchemaRef,
    /// A whole batch (read as bucket 0), not buckets.
    whole: bool,
    /// One file holding every bucket as a batch, or one file per bucket.
    files: Vec<PathBuf>,
}

impl SpilledOutput {
    /// Bucket `j`, read back from disk.
    pub(super) fn read(&self, j: usize) -> Result<RecordBatch> {
        let (path, index) = match self.files.as_slice() {
            [one] => (one, j),
            files => (files.get(j).ok_or_else(|| Error::Internal(format!("no bucket {j}")))?, 0),
        };
        let file = File::open(path).map_err(|e| Error::io(e, path))?;
        let mut reader = FileReader::try_new(BufReader::new(file), None).map_err(|e| arrow_io(e, path))?;
        if reader.schema() != self.written {
            return Err(Error::Internal(format!("spill file {} changed schema", path.display())));
        }
        reader.set_index(index).map_err(|e| arrow_io(e, path))?;
        match reader.next() {
            Some(batch) => as_schema(&batch.map_err(|e| arrow_io(e, path))?, &self.schema),
            None => Err(Error::Internal(format!("no bucket {j} in {} (a bug in rusk)", path.display()))),
        }
    }
}

impl Drop for SpilledOutput {
    /// The last consumer has run (or the run ended): free the disk now.
    fn drop(&mut self) {
        for f in &self.files {
            // Best effort: the directory's guard removes whatever is left.
            let _ = std::fs::remove_file(f);
        }
    }
}

/// Keeps the bucket outputs a run holds within its memory limit.
pub(super) struct SpillStore {
    limit: Option<usize>,
    parent: PathBuf,
    dir: Option<SpillDir>,
    /// The outputs held in memory, and their bytes.
    held: Vec<(TaskId, usize)>,
    held_bytes: usize,
    next_file: usize,
    stats: SpillStats,
}

impl SpillStore {
    /// A store spilling beyond `limit` bytes (never, for `None`) into a
    /// new directory inside `parent` (default: the system's temp directory).
    pub(super) fn new(limit: Option<usize>, parent: Option<PathBuf>) -> Self {
        SpillStore {
            limit,
            parent: parent.unwrap_or_else(std::env::temp_dir),
            dir: None,
            held: Vec::new(),
            held_bytes: 0,
            next_file: 0,
            stats: SpillStats::default(),
        }
    }

    /// Takes note of `results[id]`, just produced, of `bytes`; if the
    /// outputs held now exceed the limit, spills the largest of them until
    /// the rest fit. Returns the tasks whose outputs it spilled, each with
    /// the bytes written for it.
    ///
    /// # Errors
    /// [`Error::Io`] naming the spill file that could not be written.
    pub(super) fn admit(
        &mut self,
        id: TaskId,
        bytes: usize,
        results: &mut [Option<Held>],
    ) -> Result<Vec<(TaskId, u64)>> {
        let mut spilled_now = Vec::new();
        let Some(limit) = self.limit else { return Ok(spilled_now) };
        self.held.push((id, bytes));
        self.held_bytes += bytes;
        while self.held_bytes > limit {
            let Some(largest) = (0..self.held.len()).max_by_key(|&i| self.held[i].1) else { break };
            let (victim, bytes) = self.held.swap_remove(largest);
            self.held_bytes -= bytes;
            let slot = results
                .get_mut(victim)
                .ok_or_else(|| Error::Internal(format!("no task {victim} to spill (a bug in rusk)")))?;
            if let Some(Held::Output(output)) = slot.as_ref() {
                let written = self.stats.bytes;
                let spilled = match output {
                    TaskOutput::Buckets(buckets) => self.write(buckets, false)?,
                    TaskOutput::Batch(batch) => self.write(std::slice::from_ref(batch), true)?,
                };
                self.stats.memory_bytes += bytes;
                *slot = Some(Held::Spilled(Arc::new(spilled)));
                spilled_now.push((victim, self.stats.bytes - written));
            }
        }
        Ok(spilled_now)
    }

    /// Takes note that `results[id]` was dropped.
    pub(super) fn release(&mut self, id: TaskId) {
        if let Some(i) = self.held.iter().position(|&(t, _)| t == id) {
            let (_, bytes) = self.held.swap_remove(i);
            self.held_bytes -= bytes;
        }
    }

    /// What was spilled so far.
    pub(super) fn stats(&self) -> SpillStats {
        self.stats.clone()
    }

    /// Bytes written to spill files so far.
    pub(super) fn bytes_written(&self) -> u64 {
        self.stats.bytes
    }

    /// Writes `buckets` (or, `whole`, one batch) to new files in the run's
    /// spill directory.
    fn write(&mut self, buckets: &[RecordBatch], whole: bool) -> Result<SpilledOutput> {
        let Some(first) = buckets.first() else {
            return Err(Error::Internal("spilling an output with no buckets (a bug in rusk)".into()));
        };
        let schema = first.schema();
        let unpacked: Vec<RecordBatch>;
        let buckets = if schema.fields().iter().any(|f| matches!(f.data_type(), DataType::Dictionary(..))) {
            unpacked = buckets.iter().map(unpack_dictionaries).collect::<Result<_>>()?;
            unpacked.as_slice()
        } else {
            buckets
        };
        let written = buckets.first().map_or_else(|| Arc::clone(&schema), RecordBatch::schema);
        let groups: Vec<&[RecordBatch]> =
            if shares_dictionaries(buckets) { vec![buckets] } else { buckets.chunks(1).collect() };
        let mut spilled = SpilledOutput {
            schema: Arc::clone(&schema),
            written: Arc::clone(&written),
            whole,
            files: Vec::with_capacity(groups.len()),
        };
        for group in groups {
            let name = format!("{}.arrow", self.next_file);
            self.next_file += 1;
            let path = self.dir()?.join(name);
            // Registered before writing, so a half-written file is removed too.
            spilled.files.push(path.clone());
            let file = File::create(&path).map_err(|e| Error::io(e, &path))?;
            let mut writer =
                FileWriter::try_new(BufWriter::new(file), &written).map_err(|e| arrow_io(e, &path))?;
            for b in group {
                writer.write(b).map_err(|e| arrow_io(e, &path))?;
            }
            writer.finish().map_err(|e| arrow_io(e, &path))?;
            let file = writer.into_inner().map_err(|e| arrow_io(e, &path))?;
            let len = file.into_inner().map_err(|e| Error::io(e.into_error(), &path))?.metadata();
            self.stats.bytes += len.map_err(|e| Error::io(e, &path))?.len();
        }
        self.stats.outputs += 1;
        if !whole {
            self.stats.buckets += buckets.len();
        }
        self.stats.files += spilled.files.len();
        Ok(spilled)
    }

    /// The run's spill directory, made on first use: `rusk-spill-<pid>-<n>`,
    /// `n` counting the runs of this process (a stale directory left by a
    /// killed process with the same pid is skipped, never reused).
    fn dir(&mut self) -> Result<&Path> {
        static RUNS: AtomicUsize = AtomicUsize::new(0);
        if self.dir.is_none() {
            std::fs::create_dir_all(&self.parent).map_err(|e| Error::io(e, &self.parent))?;
            let path = loop {
                let n = RUNS.fetch_add(1, Ordering::Relaxed);
                let path = self.parent.join(format!("rusk-spill-{}-{n}", std::process::id()));
                match std::fs::create_dir(&path) {
                    Ok(()) => break path,
                    Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => continue,
                    Err(e) => return Err(Error::io(e, path)),
                }
            };
            self.stats.dir = Some(path.clone());
            self.dir = Some(SpillDir(path));
        }
        match &self.dir {
            Some(d) => Ok(&d.0),
            None => Err(Error::Internal("spill directory missing (a bug in rusk)".into())),
        }
    }
}

/// A run's spill directory, removed with everything in it when dropped.
struct SpillDir(PathBuf);

impl Drop for SpillDir {
    fn drop(&mut self) {
        // Best effort: a drop cannot report, and a leftover temp directory
        // must not turn a result (or the error being returned) into another error.
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// An Arrow error on a spill file, as [`Error::Io`] naming the file.
fn arrow_io(e: ArrowError, path: &Path) -> Error {
    match e {
        ArrowError::IoError(_, source) => Error::io(source, path),
        other => Error::io(std::io::Error::other(other), path),
    }
}

/// The bytes of Arrow buffers `batches` hold, each buffer counted once:
/// a split's buckets are slices of one reordered batch, so summing each
/// bucket's `get_array_memory_size` would count it `n` times.
pub(super) fn held_bytes(batches: &[RecordBatch]) -> usize {
    fn visit(data: &ArrayData, seen: &mut HashSet<usize>, total: &mut usize) {
        let nulls = data.nulls().map(|n| n.buffer());
        for buffer in data.buffers().iter().chain(nulls) {
            if seen.insert(buffer.data_ptr().as_ptr() as usize) {
                *total += buffer.capacity();
            }
        }
        for child in data.child_data() {
            visit(child, seen, total);
        }
    }
    let mut seen = HashSet::new();
    let mut total = 0;
    for b in batches {
        for c in b.columns() {
            visit(&c.to_data(), &mut seen, &mut total);
        }
    }
    total
}

/// `batch` with its dictionary columns as their values (see the module's note).
fn unpack_dictionaries(batch: &RecordBatch) -> Result<RecordBatch> {
    let mut fields = Vec::with_capacity(batch.num_columns());
    let mut columns = Vec::with_capacity(batch.num_columns());
    for (field, column) in batch.schema().fields().iter().zip(batch.columns()) {
        match field.data_type() {
            DataType::Dictionary(_, values) => {
                columns.push(arrow::compute::cast(column, values)?);
                fields.push(field.as_ref().clone().with_data_type(values.as_ref().clone()));
            }
            _ => {
                columns.push(Arc::clone(column));
                fields.push(field.as_ref().clone());
            }
        }
    }
    let options = RecordBatchOptions::new().with_row_count(Some(batch.num_rows()));
    Ok(RecordBatch::try_new_with_options(Arc::new(Schema::new(fields)), columns, &options)?)
}

/// `batch`, read from a spill file, with the columns `schema` has as
/// dictionaries packed back.
fn as_schema(batch: &RecordBatch, schema: &SchemaRef) -> Result<RecordBatch> {
    if batch.schema() == *schema {
        return Ok(batch.clone());
    }
    let columns = batch
        .columns()
        .iter()
        .zip(schema.fields())
        .map(|(c, f)| {
            if c.data_type() == f.data_type() {
                Ok(Arc::clone(c))
            } else {
                arrow::compute::cast(c, f.data_type())
            }
        })
        .collect::<Result<Vec<_>, _>>()?;
    let options = RecordBatchOptions::new().with_row_count(Some(batch.num_rows()));
    Ok(RecordBatch::try_new_with_options(Arc::clone(schema), columns, &options)?)
}

/// Whether every dictionary column has the same dictionary in all of
/// `batches` (an IPC file holds one per field).
fn shares_dictionaries(batches: &[RecordBatch]) -> bool {
    fn same(a: &ArrayData, b: &ArrayData) -> bool {
        if let DataType::Dictionary(..) = a.data_type() {
            match (a.child_data().first(), b.child_data().first()) {
                (Some(x), Some(y)) if x.ptr_eq(y) || x == y => {}
                _ => return false,
            }
        }
        a.child_data().iter().zip(b.child_data()).all(|(x, y)| same(x, y))
    }
    let Some((first, rest)) = batches.split_first() else { return true };
    let has_dictionary = first.schema().fields().iter().any(|f| contains_dictionary(f.data_type()));
    !has_dictionary
        || rest
            .iter()
            .all(|b| first.columns().iter().zip(b.columns()).all(|(x, y)| same(&x.to_data(), &y.to_data())))
}

fn contains_dictionary(t: &DataType) -> bool {
    match t {
        DataType::Dictionary(..) => true,
        DataType::List(f) | DataType::LargeList(f) | DataType::FixedSizeList(f, _) | DataType::Map(f, _) => {
            contains_dictionary(f.data_type())
        }
        DataType::Struct(fs) => fs.iter().any(|f| contains_dictionary(f.data_type())),
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use arrow::array::{ArrayRef, DictionaryArray, Float64Array, Int64Array, StringArray};
    use arrow::datatypes::Int32Type;
    use rusk_ops::partition::split_by_bucket;

    use super::*;

    fn batch() -> RecordBatch {
        let dict: DictionaryArray<Int32Type> =
            vec![Some("a"), None, Some("b"), Some("a"), Some("c"), None].into_iter().collect();
        RecordBatch::try_from_iter([
            (
                "i",
                Arc::new(Int64Array::from(vec![Some(1), None, Some(3), Some(4), None, Some(6)])) as ArrayRef,
            ),
            ("s", Arc::new(StringArray::from(vec![Some("x"), Some(""), None, Some("yy"), None, Some("z")]))),
            ("d", Arc::new(dict)),
            ("f", Arc::new(Float64Array::from(vec![None; 6]))),
        ])
        .unwrap()
    }

    /// Buckets as a split makes them: 0 and 3 empty, a one-row, the rest.
    fn buckets() -> Vec<RecordBatch> {
        split_by_bucket(&batch(), &[1, 2, 1, 4, 4, 1], 5).unwrap()
    }

    fn spill(store: &mut SpillStore, buckets: Vec<RecordBatch>) -> Vec<Option<Held>> {
        let bytes = held_bytes(&buckets);
        let mut results = vec![Some(Held::Output(TaskOutput::Buckets(buckets.into())))];
        store.admit(0, bytes, &mut results).unwrap();
        results
    }

    #[test]
    fn round_trip_keeps_every_bucket_empty_ones_nulls_strings_and_dictionaries() {
        let parent = tempfile::tempdir().unwrap();
        let mut store = SpillStore::new(Some(0), Some(parent.path().to_path_buf()));
        let expected = buckets();
        let results = spill(&mut store, expected.clone());
        let Some(Held::Spilled(s)) = &results[0] else { panic!("not spilled") };
        assert_eq!(s.files.len(), 1, "shared dictionaries: one file");
        for (j, want) in expected.iter().enumerate() {
            assert_eq!(&s.read(j).unwrap(), want, "bucket {j}");
            assert_eq!(results[0].as_ref().unwrap().read(Some(j)).unwrap(), *want);
        }
        assert!(s.read(5).is_err());
        let stats = store.stats();
        assert_eq!((stats.outputs, stats.buckets, stats.files), (1, 5, 1));
        assert!(stats.bytes > 0);
        assert_eq!(stats.memory_bytes, held_bytes(&expected));
    }

    /// Dictionary columns are written as their values, so buckets whose
    /// dictionaries differ still share one file, and a bucket read back
    /// holds its own values only, not its input's whole dictionary.
    #[test]
    fn dictionaries_are_written_as_values_and_packed_back() {
        let parent = tempfile::tempdir().unwrap();
        let mut store = SpillStore::new(Some(0), Some(parent.path().to_path_buf()));
        let make = |v: Vec<&str>| {
            let d: DictionaryArray<Int32Type> = v.into_iter().collect();
            RecordBatch::try_from_iter([("d", Arc::new(d) as ArrayRef)]).unwrap()
        };
        let expected = vec![make(vec!["a", "b"]), make(vec![]), make(vec!["c"])];
        let results = spill(&mut store, expected.clone());
        let Some(Held::Spilled(s)) = &results[0] else { panic!("not spilled") };
        assert_eq!(s.files.len(), 1);
        for (j, want) in expected.iter().enumerate() {
            assert_eq!(&s.read(j).unwrap(), want);
        }
        // A one-row slice of a 1,000-value dictionary comes back with one value.
        let names: Vec<String> = (0..1000).map(|i| format!("v{i}")).collect();
        let big: DictionaryArray<Int32Type> = names.iter().map(String::as_str).collect();
        let whole = RecordBatch::try_from_iter([("d", Arc::new(big) as ArrayRef)]).unwrap();
        let results = spill(&mut store, vec![whole.slice(7, 1), whole.slice(8, 2)]);
        let Some(Held::Spilled(s)) = &results[0] else { panic!("not spilled") };
        let back = s.read(0).unwrap();
        assert_eq!(back, whole.slice(7, 1));
        assert_eq!(arrow::array::AsArray::as_any_dictionary(back.column(0)).values().len(), 1);
    }

    #[test]
    fn spills_the_largest_until_within_the_limit_and_counts_slices_once() {
        let parent = tempfile::tempdir().unwrap();
        let small = buckets();
        let big_batch = RecordBatch::try_from_iter([(
            "i",
            Arc::new(Int64Array::from((0..1000).collect::<Vec<i64>>())) as ArrayRef,
        )])
        .unwrap();
        let big = split_by_bucket(&big_batch, &vec![0; 1000], 4).unwrap();
        let (small_bytes, big_bytes) = (held_bytes(&small), held_bytes(&big));
        // Four slices of one 8000-byte column count once.
        assert!((8000..8000 + 1024).contains(&big_bytes), "{big_bytes}");
        let mut store = SpillStore::new(Some(big_bytes + small_bytes - 1), Some(parent.path().to_path_buf()));
        let batch_bytes = held_bytes(std::slice::from_ref(&big_batch));
        let mut results = vec![Some(Held::Output(TaskOutput::Buckets(small.into()))), None, None];
        store.admit(0, small_bytes, &mut results).unwrap();
        assert!(store.stats().dir.is_none(), "under the limit: no directory yet");
        results[1] = Some(Held::Output(TaskOutput::Buckets(big.into())));
        store.admit(1, big_bytes, &mut results).unwrap();
        assert!(matches!(results[0], Some(Held::Output(TaskOutput::Buckets(_)))));
        assert!(matches!(results[1], Some(Held::Spilled(_))), "the largest goes");
        assert_eq!(store.held_bytes, small_bytes);
        // A whole batch counts too, and spills as one batch read back whole.
        results[2] = Some(Held::Output(TaskOutput::Batch(big_batch.clone())));
        let spilled = store.admit(2, batch_bytes, &mut results).unwrap();
        assert_eq!(spilled.iter().map(|&(t, _)| t).collect::<Vec<_>>(), vec![2]);
        assert_eq!(results[2].as_ref().unwrap().read(None).unwrap(), big_batch);
        assert!(results[2].as_ref().unwrap().read(Some(0)).is_err(), "a batch has no buckets");
        assert!(results[1].as_ref().unwrap().read(None).is_err(), "buckets are not a batch");
        let stats = store.stats();
        assert_eq!((stats.outputs, stats.buckets), (2, 4), "a batch adds no bucket");
        assert_eq!(store.held_bytes, small_bytes);
        store.release(0);
        assert_eq!(store.held_bytes, 0);
    }

    #[test]
    fn directory_and_files_are_removed() {
        let parent = tempfile::tempdir().unwrap();
        let mut store = SpillStore::new(Some(0), Some(parent.path().to_path_buf()));
        let mut results = spill(&mut store, buckets());
        let dir = store.stats().dir.unwrap();
        assert!(dir.starts_with(parent.path()));
        let file = match &results[0] {
            Some(Held::Spilled(s)) => s.files[0].clone(),
            _ => panic!("not spilled"),
        };
        assert!(file.exists());
        results[0] = None; // the last consumer ran
        assert!(!file.exists());
        assert!(dir.exists());
        let _more = spill(&mut store, buckets());
        drop(store);
        assert!(!dir.exists());
        assert_eq!(std::fs::read_dir(parent.path()).unwrap().count(), 0);
    }

    #[test]
    fn a_missing_file_is_an_io_error_naming_it() {
        let parent = tempfile::tempdir().unwrap();
        let mut store = SpillStore::new(Some(0), Some(parent.path().to_path_buf()));
        let results = spill(&mut store, buckets());
        let Some(Held::Spilled(s)) = &results[0] else { panic!("not spilled") };
        std::fs::remove_file(&s.files[0]).unwrap();
        match s.read(1) {
            Err(Error::Io { path, .. }) => assert_eq!(path, s.files[0]),
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn an_unwritable_parent_is_an_io_error() {
        let parent = tempfile::tempdir().unwrap();
        let blocker = parent.path().join("file");
        std::fs::write(&blocker, b"").unwrap();
        let mut store = SpillStore::new(Some(0), Some(blocker.join("sub")));
        let mut results = vec![Some(Held::Output(TaskOutput::Buckets(buckets().into())))];
        match store.admit(0, held_bytes(&buckets()), &mut results) {
            Err(Error::Io { path, .. }) => assert!(path.starts_with(&blocker)),
            other => panic!("{other:?}"),
        }
    }
}
