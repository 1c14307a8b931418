//! One partition of a dataset as plain data: everything a process needs to
//! read it again, so task graphs can be serialized and run elsewhere.
//!
//! A scan made in-process by [`Dataset::scan`] keeps a handle on its open
//! dataset (footers and heads already read); the handle is not serialized,
//! and a deserialized scan reopens its one file on its first read, reading
//! that file's head or footer again but inferring and merging nothing.

use std::fmt;
use std::path::PathBuf;
use std::sync::{Arc, Mutex};

use arrow::array::RecordBatch;
use arrow::datatypes::SchemaRef;
use rusk_ops::expr::{Expr, ScalarValue};
use rusk_ops::sort::SortKey;
use rusk_ops::Result;
use serde::{Deserialize, Serialize};

use crate::dataset::{Dataset, FileFormat, PartitionRange, ScanPartition};
use crate::listing::SourceFile;
use crate::metrics::ScanMetrics;

/// A description of one scan partition: which part of which file, read
/// how, as which schema, keeping which columns.
#[derive(Clone, Serialize, Deserialize)]
pub struct FileScan {
    /// The dataset's path as the user gave it (for labels).
    pub dataset: PathBuf,
    /// The format and the options the dataset was opened with.
    pub format: FileFormat,
    /// The file as it was listed: a read fails with `Error::FileChanged`
    /// when its size or modification time differ now.
    pub file: SourceFile,
    /// The part of the file.
    pub range: PartitionRange,
    /// The dataset's schema (the files' merged columns, then hive
    /// columns): the types the file is read as.
    pub schema: SchemaRef,
    /// Which columns of `schema` come from the file's `key=value` directories.
    pub hive_columns: Vec<String>,
    /// The columns to read, in order.
    pub columns: Vec<String>,
    /// The rows to keep (null drops a row), evaluated inside the read, so
    /// that Parquet decodes the other columns for the kept rows alone.
    pub filter: Option<Box<Expr>>,
    /// Only the partition's first rows in a sort order (a top-k's partial
    /// step), chosen inside the read from the key columns, so that Parquet
    /// decodes the other columns for those rows alone. Not with `filter`.
    #[serde(default)]
    pub top: Option<TopRows>,
    /// The open dataset this scan was made from, when it was made in this
    /// process.
    #[serde(skip)]
    opened: Option<Opened>,
}

#[derive(Clone)]
struct Opened {
    dataset: Arc<Dataset>,
    file: usize,
}

impl FileScan {
    /// Reads the partition, counting what it reads in `metrics`.
    ///
    /// # Errors
    /// The errors of [`Dataset::read`], and those of reading the file's head
    /// or footer again when the scan was deserialized.
    pub fn read(&self, metrics: &ScanMetrics) -> Result<RecordBatch> {
        let (dataset, file) = match &self.opened {
            Some(opened) => (Arc::clone(&opened.dataset), opened.file),
            None => (Arc::new(Dataset::reopen(self)?), 0),
        };
        let part = ScanPartition { file, range: self.range.clone() };
        match (&self.filter, &self.top) {
            (None, Some(top)) => dataset.read_top(&part, &self.columns, top, metrics),
            (filter, _) => dataset.read_where(&part, Some(&self.columns), filter.as_deref(), metrics),
        }
    }

    /// The open dataset the scan reads, when it was made in this process
    /// (runs count their reads per dataset).
    pub fn opened(&self) -> Option<&Arc<Dataset>> {
        self.opened.as_ref().map(|o| &o.dataset)
    }

    pub(crate) fn new(
        dataset: &Arc<Dataset>,
        file: usize,
        range: PartitionRange,
        columns: Vec<String>,
        filter: Option<Expr>,
    ) -> Self {
        let opened = Opened { dataset: Arc::clone(dataset), file };
        FileScan {
            dataset: dataset.path().to_path_buf(),
            format: dataset.format().clone(),
            file: dataset.files()[file].clone(),
            range,
            schema: dataset.schema(),
            hive_columns: dataset.hive_columns().to_vec(),
            columns,
            filter: filter.map(Box::new),
            top: None,
            opened: Some(opened),
        }
    }
}

/// Equal when they describe the same read (whether open or not).
impl PartialEq for FileScan {
    fn eq(&self, other: &Self) -> bool {
        self.dataset == other.dataset
            && self.format == other.format
            && self.file == other.file
            && self.range == other.range
            && self.schema == other.schema
            && self.hive_columns == other.hive_columns
            && self.columns == other.columns
            && self.filter == other.filter
            && self.top == other.top
    }
}

impl fmt::Debug for FileScan {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} {:?} {:?}", self.file.path.display(), self.range, self.columns)?;
        if let Some(filter) = &self.filter {
            write!(f, " where {filter}")?;
        }
        match &self.top {
            Some(top) => write!(f, " top {} by {:?}", top.n, top.keys),
            None => Ok(()),
        }
    }
}

/// The first `n` rows of a partition in the order of `keys`, ties in row
/// order: what `rusk_ops::sort::sort_head` keeps, in row order.
#[derive(Clone, Serialize, Deserialize)]
pub struct TopRows {
    /// The sort keys.
    pub keys: Vec<SortKey>,
    /// How many rows.
    pub n: usize,
    /// The bounds this partition shares with the other partitions of its
    /// top-k, when they run in this process (not serialized: a scan read
    /// elsewhere only skips by its own bound).
    #[serde(skip)]
    pub shared: Option<SharedBound>,
}

impl TopRows {
    /// The first `n` rows by `keys`, sharing no bound.
    pub fn new(keys: Vec<SortKey>, n: usize) -> Self {
        TopRows { keys, n, shared: None }
    }
}

/// Equal when they choose the same rows (sharing bounds or not).
impl PartialEq for TopRows {
    fn eq(&self, other: &Self) -> bool {
        self.keys == other.keys && self.n == other.n
    }
}

impl fmt::Debug for TopRows {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("TopRows").field("keys", &self.keys).field("n", &self.n).finish_non_exhaustive()
    }
}

/// One partition's place among the partitions of a top-k sharing [`TopBounds`].
#[derive(Clone)]
pub struct SharedBound {
    /// The bounds of every partition of the top-k.
    pub bounds: Arc<TopBounds>,
    /// This partition's index among them, in the frame's order.
    pub partition: usize,
}

/// The first key of the `n`-th best row each partition of one top-k has
/// found so far, shared by its scans while they run, so that one skips the
/// row groups whose statistics prove that no row of theirs can win.
///
/// Whatever the threads' timing, only rows that cannot be among the first
/// `n` are skipped, so the result never depends on it: a partition's `n`
/// rows whose first key is at most its bound beat every row of a later
/// partition whose key is not below that bound (ties go to the earlier
/// row), and every row of any partition whose key is above it.
#[derive(Debug, Default)]
pub struct TopBounds {
    bounds: Mutex<Vec<Option<ScalarValue>>>,
}

impl TopBounds {
    /// Bounds for `partitions` partitions, none known yet.
    pub fn new(partitions: usize) -> Self {
        TopBounds { bounds: Mutex::new(vec![None; partitions]) }
    }

    /// Records partition `partition`'s bound (a partition out of range is
    /// not recorded: the bounds only ever let rows be skipped).
    pub(crate) fn publish(&self, partition: usize, bound: ScalarValue) {
        if let Some(slot) = self.lock().get_mut(partition) {
            *slot = Some(bound);
        }
    }

    /// Calls `visit` with each known bound and its partition.
    pub(crate) fn for_each(&self, mut visit: impl FnMut(usize, &ScalarValue)) {
        for (partition, bound) in self.lock().iter().enumerate() {
            if let Some(bound) = bound {
                visit(partition, bound);
            }
        }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Vec<Option<ScalarValue>>> {
        // A panic while holding the lock left a valid vector of bounds.
        self.bounds.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
    }
}
