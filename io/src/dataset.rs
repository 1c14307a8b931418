//! A set of files read as one frame: listing, schema, partitions, pruning.

use std::fmt;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use arrow::array::{new_null_array, Array, ArrayRef, BooleanArray, RecordBatch, RecordBatchOptions};
use arrow::compute::{filter_record_batch, prep_null_mask_filter};
use arrow::datatypes::{Field, Schema, SchemaRef};
use rusk_ops::expr::{evaluate_predicate, filter_batch, Expr};
use rusk_ops::sort::sort_head_indices;
use rusk_ops::{Error, Result};

use crate::csv::{CsvOptions, CsvSource};
use crate::listing::{self, FileKinds, SourceFile};
use crate::metrics::ScanMetrics;
use crate::parquet::{ParquetOptions, ParquetSource};
use crate::scan::{FileScan, TopRows};

/// The format of a dataset's files and the options to read them with.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub enum FileFormat {
    /// Delimited text.
    Csv(CsvOptions),
    /// Apache Parquet.
    Parquet(ParquetOptions),
}

impl FileFormat {
    /// `"csv"` or `"parquet"`, as `explain` prints it.
    pub fn name(&self) -> &'static str {
        match self {
            FileFormat::Csv(_) => "csv",
            FileFormat::Parquet(_) => "parquet",
        }
    }

    /// The files this format reads in a directory, and those it leaves to
    /// the other format.
    fn kinds(&self) -> FileKinds<'static> {
        match self {
            FileFormat::Csv(_) => FileKinds { read: CSV_EXTENSIONS, skip: PARQUET_EXTENSIONS, name: "CSV" },
            FileFormat::Parquet(_) => {
                FileKinds { read: PARQUET_EXTENSIONS, skip: CSV_EXTENSIONS, name: "Parquet" }
            }
        }
    }
}

/// The extensions of CSV files: only unambiguous ones (a `.txt` may be
/// notes), plain or compressed (see `csv::compression`).
pub const CSV_EXTENSIONS: &[&str] =
    &["csv", "tsv", "csv.gz", "tsv.gz", "csv.zst", "tsv.zst", "csv.bz2", "tsv.bz2", "csv.xz", "tsv.xz"];

/// The extensions of Parquet files.
pub const PARQUET_EXTENSIONS: &[&str] = &["parquet", "parq"];

/// The format of the files at `path` (a file, glob or directory), for a
/// reader that was not told: Parquet when every file is Parquet by its
/// extension, CSV when none is.
///
/// # Errors
/// [`Error::MixedFormats`] when there are both, and the errors of
/// [`listing::list_files`] (a file neither reader takes, no files).
pub fn infer_format(path: &Path) -> Result<FileFormat> {
    let both: Vec<&str> = CSV_EXTENSIONS.iter().chain(PARQUET_EXTENSIONS).copied().collect();
    let kinds = FileKinds { read: &both, skip: &[], name: "CSV or Parquet" };
    let files = listing::list_files(path, &kinds)?;
    let (parquet, csv): (Vec<&SourceFile>, Vec<&SourceFile>) =
        files.iter().partition(|f| listing::has_extension(&f.path, PARQUET_EXTENSIONS));
    let describe = |files: &[&SourceFile]| match files.first() {
        Some(first) => format!("{}, e.g. {}", files.len(), first.path.display()),
        None => "0".to_string(),
    };
    match (csv.is_empty(), parquet.is_empty()) {
        (false, false) => Err(Error::MixedFormats {
            path: path.to_path_buf(),
            csv: describe(&csv),
            parquet: describe(&parquet),
        }),
        (true, false) => Ok(FileFormat::Parquet(ParquetOptions::default())),
        _ => Ok(FileFormat::Csv(CsvOptions::default())),
    }
}

/// Which part of a file one partition reads.
#[derive(Debug, Clone, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
pub enum PartitionRange {
    /// CSV: the records in bytes `start..end`; both are record starts (or
    /// the end of the file), found when the dataset was opened.
    Bytes {
        /// First byte (inclusive).
        start: u64,
        /// Last byte (exclusive).
        end: u64,
    },
    /// A compressed CSV file, whole: its text from `data_start` (after the
    /// header, in decompressed bytes) to the end.
    Decoded {
        /// Where the data rows start in the decompressed text.
        data_start: u64,
    },
    /// Parquet: these row groups, in order.
    RowGroups(Vec<usize>),
    /// Parquet: rows `start..end` of one row group, a slice of a row group
    /// larger than a memory budget lets one partition be (see
    /// [`Dataset::split_to_fit`]).
    RowSlice {
        /// The row group.
        row_group: usize,
        /// Its first row read (inclusive).
        start: u64,
        /// Its last row read (exclusive).
        end: u64,
    },
}

/// One partition of a scan: a part of one file.
#[derive(Debug, Clone, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
pub struct ScanPartition {
    /// Index into [`Dataset::files`].
    pub file: usize,
    /// The part of the file.
    pub range: PartitionRange,
}

/// What [`Dataset::prune`] kept.
#[derive(Debug, Clone, PartialEq)]
pub struct Pruned {
    /// The partitions left to read, in order.
    pub partitions: Vec<ScanPartition>,
    /// Files kept and in all.
    pub files: (usize, usize),
    /// Parquet row groups kept and in all (`None` for CSV).
    pub row_groups: Option<(usize, usize)>,
}

/// The format-specific half of a dataset (see `csv::CsvSource`, `parquet::ParquetSource`).
pub(crate) trait Source: Send + Sync + fmt::Debug {
    /// The merged schema of the files' own columns (no hive columns).
    fn schema(&self) -> SchemaRef;
    /// Every partition, before pruning.
    fn partitions(&self) -> Vec<ScanPartition>;
    /// `part` less what `filters` (all must hold) rule out by statistics;
    /// `None` when nothing of it can match. Must never drop a matching row.
    fn prune(&self, part: &ScanPartition, filters: &[Expr]) -> Result<Option<ScanPartition>>;
    /// Reads `part`, keeping the file columns at `projection` (indices into
    /// [`Source::schema`], in that order), cast to the merged types, with
    /// null columns for those the file lacks.
    fn read(&self, part: &ScanPartition, projection: &[usize], metrics: &ScanMetrics) -> Result<RecordBatch>;
    /// [`Source::read`], keeping the rows `keep` chooses, whose columns
    /// are among `projection`. A source that can decode the other columns
    /// for the kept rows alone does; this one reads every row, then keeps.
    fn read_keeping(
        &self,
        part: &ScanPartition,
        projection: &[usize],
        keep: Keep<'_>,
        metrics: &ScanMetrics,
    ) -> Result<RecordBatch> {
        keep.apply(&self.read(part, projection, metrics)?)
    }
    /// `part` cut into partitions, in row order, whose columns at
    /// `projection` each decode to about `max_bytes` or less (estimated
    /// from what the files say of themselves), covering its rows once;
    /// `part` itself where it cannot be cut (a compressed CSV file).
    ///
    /// # Errors
    /// [`Error::Io`] when finding where to cut reads the file and fails.
    fn split(&self, part: &ScanPartition, projection: &[usize], max_bytes: u64)
        -> Result<Vec<ScanPartition>>;
    /// The bytes `part` takes on disk (estimated where it is compressed whole).
    fn stored_bytes(&self, part: &ScanPartition) -> u64;
    /// Whether the file at `path` (one of the source's) has column `name` itself.
    fn file_has_column(&self, path: &Path, name: &str) -> bool;
    /// Row groups in all (Parquet only).
    fn row_group_count(&self) -> Option<usize> {
        None
    }
}

/// Files of one format read as one frame, cut into partitions.
pub struct Dataset {
    path: PathBuf,
    format: FileFormat,
    files: Vec<SourceFile>,
    schema: SchemaRef,
    hive_columns: Vec<String>,
    source: Box<dyn Source>,
}

impl fmt::Debug for Dataset {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Dataset")
            .field("path", &self.path)
            .field("format", &self.format.name())
            .field("files", &self.files.len())
            .finish()
    }
}

impl Dataset {
    /// Lists the files at `path` (a file, a glob or a directory, searched
    /// recursively, sorted by name), reads or infers their schemas and merges
    /// them, and plans the partitions.
    ///
    /// # Errors
    /// [`Error::PathNotFound`], [`Error::NoFiles`], [`Error::SchemaConflict`],
    /// and the read errors of the files' headers or footers.
    pub fn open(path: impl AsRef<Path>, format: FileFormat) -> Result<Self> {
        let path = path.as_ref().to_path_buf();
        let files = listing::list_files(&path, &format.kinds())?;
        let source: Box<dyn Source> = match &format {
            FileFormat::Csv(opts) => Box::new(CsvSource::open(&files, opts.clone())?),
            FileFormat::Parquet(opts) => Box::new(ParquetSource::open(&files, opts.clone())?),
        };
        let hive = listing::hive_schema(&files)?;
        let file_schema = source.schema();
        let mut fields: Vec<Arc<Field>> = file_schema.fields().iter().cloned().collect();
        let mut hive_columns = Vec::new();
        for field in hive.fields() {
            if file_schema.field_with_name(field.name()).is_ok() {
                let under_key = files.iter().filter(|f| f.hive.iter().any(|(k, _)| k == field.name()));
                let file = under_key
                    .clone()
                    .find(|f| source.file_has_column(&f.path, field.name()))
                    .or_else(|| under_key.clone().next())
                    .map_or_else(|| path.clone(), |f| f.path.clone());
                return Err(Error::HiveColumnClash { column: field.name().clone(), file });
            }
            hive_columns.push(field.name().clone());
            fields.push(Arc::clone(field));
        }
        let schema = Arc::new(Schema::new(fields));
        Ok(Dataset { path, format, files, schema, hive_columns, source })
    }

    /// The path as the user gave it.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// The format and its options.
    pub fn format(&self) -> &FileFormat {
        &self.format
    }

    /// The files, sorted by path.
    pub fn files(&self) -> &[SourceFile] {
        &self.files
    }

    /// The frame's schema: the files' merged columns, then hive partition columns.
    pub fn schema(&self) -> SchemaRef {
        Arc::clone(&self.schema)
    }

    /// The columns that come from `key=value` directory names.
    pub fn hive_columns(&self) -> &[String] {
        &self.hive_columns
    }

    /// Every partition, before pruning.
    pub fn partitions(&self) -> Vec<ScanPartition> {
        self.source.partitions()
    }

    /// Drops the partitions (files, row groups) that `filters` (conjuncts that
    /// must all hold) rule out: hive partitions by their directory values,
    /// Parquet row groups by their min/max statistics. Never drops a row that
    /// matches; the filter still runs on what is read.
    ///
    /// # Errors
    /// Errors of evaluating the filters on hive values.
    pub fn prune(&self, filters: &[Expr]) -> Result<Pruned> {
        let hive_set: std::collections::BTreeSet<&str> =
            self.hive_columns.iter().map(String::as_str).collect();
        let (hive_filters, file_filters): (Vec<&Expr>, Vec<&Expr>) = filters.iter().partition(|f| {
            let cols = f.columns();
            !cols.is_empty() && cols.iter().all(|c| hive_set.contains(c.as_str()))
        });
        let file_filters: Vec<Expr> = file_filters
            .into_iter()
            .filter(|f| f.columns().iter().all(|c| !hive_set.contains(c.as_str())))
            .cloned()
            .collect();
        let mut keep_file = vec![true; self.files.len()];
        if !hive_filters.is_empty() {
            for (i, keep) in keep_file.iter_mut().enumerate() {
                let batch = self.hive_batch(i, 1)?;
                for filter in &hive_filters {
                    let mask = evaluate_predicate(filter, &batch)?;
                    if !(mask.is_valid(0) && mask.value(0)) {
                        *keep = false;
                        break;
                    }
                }
            }
        }
        let mut partitions = Vec::new();
        let mut row_groups_kept = 0;
        for part in self.source.partitions() {
            if !keep_file[part.file] {
                continue;
            }
            if let Some(kept) = self.source.prune(&part, &file_filters)? {
                if let PartitionRange::RowGroups(rgs) = &kept.range {
                    row_groups_kept += rgs.len();
                }
                partitions.push(kept);
            }
        }
        let mut files_kept: Vec<usize> = partitions.iter().map(|p| p.file).collect();
        files_kept.dedup();
        let row_groups = self.source.row_group_count().map(|all| (row_groups_kept, all));
        Ok(Pruned { partitions, files: (files_kept.len(), self.files.len()), row_groups })
    }

    /// `parts` (this dataset's, in order) cut so that each decodes
    /// `columns` into about `max_bytes` or less, as estimated from what the
    /// files say of themselves (Parquet: each column chunk's uncompressed
    /// size, and at least its fixed width a row; CSV: twice its text): runs
    /// of row groups, slices of a row group, or shorter byte ranges moved
    /// to record starts. The same rows, in the same order, each once. What
    /// a memory budget does to a scan, so that no task holds more than its
    /// share of the budget because a file was written in big pieces.
    ///
    /// # Errors
    /// [`Error::Io`] naming the file when finding record starts in a CSV
    /// file fails.
    pub fn split_to_fit(
        &self,
        parts: &[ScanPartition],
        columns: &[String],
        max_bytes: u64,
    ) -> Result<Vec<ScanPartition>> {
        let file_schema = self.source.schema();
        let file_index = name_index(&file_schema);
        let mut projection: Vec<usize> =
            columns.iter().filter_map(|c| file_index.get(c.as_str()).copied()).collect();
        projection.sort_unstable();
        projection.dedup();
        let mut out = Vec::with_capacity(parts.len());
        for part in parts {
            let path = &self.files.get(part.file).ok_or_else(|| unknown_file(part, self.files.len()))?.path;
            out.extend(self.source.split(part, &projection, max_bytes).map_err(|e| e.with_file(path))?);
        }
        Ok(out)
    }

    /// The bytes `part` takes on disk (a compressed CSV file's text is
    /// guessed at four times its size).
    pub fn stored_bytes(&self, part: &ScanPartition) -> u64 {
        self.source.stored_bytes(part)
    }

    /// Partition `part`, reading `columns`, as a description any process
    /// can read (see [`FileScan`]).
    ///
    /// # Errors
    /// [`Error::Internal`] when `part` names a file the dataset lacks.
    pub fn scan(
        self: &Arc<Self>,
        part: &ScanPartition,
        columns: Vec<String>,
        filter: Option<Expr>,
    ) -> Result<FileScan> {
        if part.file >= self.files.len() {
            return Err(unknown_file(part, self.files.len()));
        }
        Ok(FileScan::new(self, part.file, part.range.clone(), columns, filter))
    }

    /// The one file `scan` reads, opened as it describes: its head or
    /// footer is read again; nothing is listed, inferred or merged.
    pub(crate) fn reopen(scan: &FileScan) -> Result<Dataset> {
        let file_fields: Vec<Arc<Field>> =
            scan.schema.fields().iter().filter(|f| !scan.hive_columns.contains(f.name())).cloned().collect();
        let file_schema = Arc::new(Schema::new(file_fields));
        let file = &scan.file;
        let source: Box<dyn Source> = match &scan.format {
            FileFormat::Csv(opts) => Box::new(CsvSource::reopen(file, opts.clone(), file_schema)?),
            FileFormat::Parquet(opts) => Box::new(ParquetSource::reopen(file, opts.clone(), file_schema)?),
        };
        Ok(Dataset {
            path: scan.dataset.clone(),
            format: scan.format.clone(),
            files: vec![file.clone()],
            schema: Arc::clone(&scan.schema),
            hive_columns: scan.hive_columns.clone(),
            source,
        })
    }

    /// Reads one partition, keeping `columns` (by name, in that order; all
    /// columns when `None`), and counts what it read in `metrics` (the
    /// run's: a dataset keeps no counters, so runs never see each other's).
    ///
    /// # Errors
    /// [`Error::ColumnNotFound`] for an unknown column, and the file's read
    /// and parse errors, which name the file and, for CSV, the line.
    pub fn read(
        &self,
        part: &ScanPartition,
        columns: Option<&[String]>,
        metrics: &ScanMetrics,
    ) -> Result<RecordBatch> {
        self.read_where(part, columns, None, metrics)
    }

    /// [`Dataset::read`], keeping the rows where `filter` holds (null drops
    /// a row), whose columns must be among `columns`. A filter on the
    /// files' own columns runs inside the read, where Parquet decodes the
    /// other columns for the kept rows alone.
    ///
    /// # Errors
    /// As [`Dataset::read`], and the filter's evaluation errors.
    pub fn read_where(
        &self,
        part: &ScanPartition,
        columns: Option<&[String]>,
        filter: Option<&Expr>,
        metrics: &ScanMetrics,
    ) -> Result<RecordBatch> {
        self.read_keeping(part, columns, filter.map(Keep::Where), metrics)
    }

    /// [`Dataset::read`] of `columns`, keeping the partition's first
    /// `top.n` rows in the order of `top.keys` (which must be among
    /// `columns`), in row order: a top-k's partial step. Keys of the files'
    /// own columns are chosen inside the read, where Parquet decodes the
    /// other columns for the chosen rows alone.
    ///
    /// # Errors
    /// As [`Dataset::read`], and unknown or unsortable keys.
    pub fn read_top(
        &self,
        part: &ScanPartition,
        columns: &[String],
        top: &TopRows,
        metrics: &ScanMetrics,
    ) -> Result<RecordBatch> {
        self.read_keeping(part, Some(columns), Some(Keep::Top(top)), metrics)
    }

    /// `columns` of `part`, the rows `keep` chooses: inside the source's
    /// read when `keep` reads only the files' own columns, else on the
    /// whole output (hive columns added).
    fn read_keeping(
        &self,
        part: &ScanPartition,
        columns: Option<&[String]>,
        keep: Option<Keep<'_>>,
        metrics: &ScanMetrics,
    ) -> Result<RecordBatch> {
        let in_read = keep.filter(|k| k.columns().iter().all(|c| !self.hive_columns.contains(c)));
        let batch = self.read_with(part, columns, |source, projection| match in_read {
            Some(keep) => source.read_keeping(part, projection, keep, metrics),
            None => source.read(part, projection, metrics),
        })?;
        match keep {
            Some(keep) if in_read.is_none() => keep.apply(&batch),
            _ => Ok(batch),
        }
    }

    /// `columns` (all when `None`) of `part`, the files' own read by `read`
    /// (given the source and the projection of its columns), the hive
    /// columns added.
    fn read_with(
        &self,
        part: &ScanPartition,
        columns: Option<&[String]>,
        read: impl FnOnce(&dyn Source, &[usize]) -> Result<RecordBatch>,
    ) -> Result<RecordBatch> {
        let all: Vec<String>;
        let columns = match columns {
            Some(c) => c,
            None => {
                all = self.schema.fields().iter().map(|f| f.name().clone()).collect();
                &all
            }
        };
        // Names are looked up in maps: a file may have tens of thousands of columns.
        let file_schema = self.source.schema();
        let file_index = name_index(&file_schema);
        let mut projection = Vec::new();
        let mut projected = vec![false; file_schema.fields().len()];
        for name in columns {
            if let Some(&i) = file_index.get(name.as_str()) {
                if !std::mem::replace(&mut projected[i], true) {
                    projection.push(i);
                }
            } else if !self.hive_columns.contains(name) {
                return Err(Error::ColumnNotFound {
                    name: name.clone(),
                    available: self.schema.fields().iter().map(|f| f.name().clone()).collect(),
                });
            }
        }
        let file = &self.files[part.file];
        let batch = read(self.source.as_ref(), &projection).map_err(|e| e.with_file(&file.path))?;
        let n = batch.num_rows();
        let hive = if self.hive_columns.is_empty() { None } else { Some(self.hive_batch(part.file, n)?) };
        let mut fields = Vec::with_capacity(columns.len());
        let mut arrays: Vec<ArrayRef> = Vec::with_capacity(columns.len());
        let read_schema = batch.schema();
        let read_index = name_index(&read_schema);
        for name in columns {
            let (field, array) = match (read_index.get(name.as_str()), &hive) {
                (Some(&i), _) => (read_schema.field(i).clone(), Arc::clone(batch.column(i))),
                (None, Some(h)) => match h.schema().index_of(name) {
                    Ok(i) => (h.schema().field(i).clone(), Arc::clone(h.column(i))),
                    Err(_) => return Err(Error::Internal(format!("column {name} missing from scan output"))),
                },
                (None, None) => {
                    return Err(Error::Internal(format!("column {name} missing from scan output")))
                }
            };
            fields.push(field);
            arrays.push(array);
        }
        let schema = Arc::new(Schema::new(fields));
        let options = RecordBatchOptions::new().with_row_count(Some(n));
        Ok(RecordBatch::try_new_with_options(schema, arrays, &options)?)
    }

    /// The hive values of file `index` repeated `rows` times, one column per hive key.
    fn hive_batch(&self, index: usize, rows: usize) -> Result<RecordBatch> {
        let mut fields = Vec::new();
        let mut arrays = Vec::new();
        for name in &self.hive_columns {
            let field = self.schema.field_with_name(name)?;
            let value = self.files[index].hive.iter().find(|(k, _)| k == name).map(|(_, v)| v.as_str());
            let array = match value {
                Some(v) => listing::hive_value_array(v, field.data_type(), rows)?,
                None => new_null_array(field.data_type(), rows),
            };
            fields.push(field.clone());
            arrays.push(array);
        }
        let options = RecordBatchOptions::new().with_row_count(Some(rows));
        Ok(RecordBatch::try_new_with_options(Arc::new(Schema::new(fields)), arrays, &options)?)
    }
}

/// Each column's index by name (the first, for a repeated name).
fn name_index(schema: &Schema) -> std::collections::HashMap<&str, usize> {
    let mut index = std::collections::HashMap::with_capacity(schema.fields().len());
    for (i, f) in schema.fields().iter().enumerate() {
        index.entry(f.name().as_str()).or_insert(i);
    }
    index
}

/// The error for a partition of a file the dataset does not have (a bug).
fn unknown_file(part: &ScanPartition, files: usize) -> Error {
    Error::Internal(format!("partition of file {} of {files}", part.file))
}

/// A mask of `len` rows, true at `rows` (each below `len`).
///
/// # Errors
/// [`Error::Internal`] for a row past the end.
pub(crate) fn rows_mask(rows: impl IntoIterator<Item = usize>, len: usize) -> Result<BooleanArray> {
    let mut mask = vec![false; len];
    for row in rows {
        *mask
            .get_mut(row)
            .ok_or_else(|| Error::Internal(format!("row {row} of {len} chosen (a bug in rusk)")))? = true;
    }
    Ok(BooleanArray::from(mask))
}

/// Which rows a read keeps, chosen from some of its columns.
#[derive(Clone, Copy)]
pub(crate) enum Keep<'a> {
    /// Where a predicate holds (null drops a row).
    Where(&'a Expr),
    /// The first rows in a sort order (what `rusk_ops::sort::sort_head`
    /// keeps), in row order.
    Top(&'a TopRows),
}

impl Keep<'_> {
    /// The columns the choice reads.
    pub(crate) fn columns(&self) -> Vec<String> {
        match self {
            Keep::Where(filter) => filter.columns().into_iter().collect(),
            Keep::Top(top) => top.keys.iter().map(|k| k.column.clone()).collect(),
        }
    }

    /// The rows of `batch` (which holds at least [`Keep::columns`]) kept.
    pub(crate) fn mask(&self, batch: &RecordBatch) -> Result<BooleanArray> {
        match self {
            Keep::Where(filter) => {
                let keep = evaluate_predicate(filter, batch)?;
                // Null is false, as in `filter_batch`.
                Ok(if keep.nulls().is_some() { prep_null_mask_filter(&keep) } else { keep })
            }
            Keep::Top(top) => {
                let best = sort_head_indices(batch, &top.keys, top.n)?;
                rows_mask(best.values().iter().map(|&i| i as usize), batch.num_rows())
            }
        }
    }

    /// The rows of `batch` kept, in row order.
    pub(crate) fn apply(&self, batch: &RecordBatch) -> Result<RecordBatch> {
        match self {
            Keep::Where(filter) => filter_batch(batch, filter),
            Keep::Top(_) => Ok(filter_record_batch(batch, &self.mask(batch)?)?),
        }
    }
}
