//! One partition of a dataset as plain data: everything a process needs to
//! read it again, so task graphs can be serialized and run elsewhere.
//!
//! A scan made in-process by [`Dataset::scan`] keeps a handle on its open
//! dataset (footers and heads already read); the handle is not serialized,
//! and a deserialized scan reopens its one file on its first read, reading
//! that file's head or footer again but inferring and merging nothing.

use std::fmt;
use std::path::PathBuf;
use std::sync::Arc;

use arrow::array::RecordBatch;
use arrow::datatypes::SchemaRef;
use rusk_ops::expr::Expr;
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
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TopRows {
    /// The sort keys.
    pub keys: Vec<SortKey>,
    /// How many rows.
    pub n: usize,
}
