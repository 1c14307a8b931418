//! CSV scans: pandas' `read_csv` over many files, cut into byte ranges.
//!
//! Opening a dataset reads the head of every file ([`head`]), infers each
//! file's column types from its first rows ([`infer`]), merges them
//! ([`crate::schema::merge_schemas`]) and plans byte ranges ([`partition`]).
//! Each partition is then read on its own ([`read`]) by arrow-csv, with
//! missing-value strings handled as pandas does ([`na`]) and malformed rows
//! reported or skipped ([`bad_lines`], [`locate`]).
//!
//! Files may order their columns differently or lack some: columns are
//! matched by header name, and a missing one reads as nulls.

mod append;
mod bad_lines;
pub(crate) mod compression;
mod dates;
mod fast;
mod head;
mod infer;
mod locate;
mod na;
mod options;
mod partition;
mod read;
mod records;
mod value;

use std::collections::HashMap;
use std::sync::Arc;

use arrow::array::RecordBatch;
use arrow::datatypes::{DataType, Field, Schema, SchemaRef};
use rayon::prelude::*;
use rusk_ops::expr::Expr;
use rusk_ops::{Error, Result};

use crate::dataset::{PartitionRange, ScanPartition, Source};
use crate::listing::SourceFile;
use crate::metrics::ScanMetrics;

pub use options::{
    CsvOptions, DateErrors, OnBadLines, DEFAULT_BLOCKSIZE, DEFAULT_INFER_ROWS, DEFAULT_NA_VALUES,
    PARSE_DATES_TYPE,
};

/// How one file is read.
#[derive(Debug)]
struct CsvFile {
    /// The file as listed (its path), which every read checks it still is.
    source: SourceFile,
    /// Its own columns, in its order, with the merged types (`Utf8` for
    /// columns left out by `usecols`, which are never converted).
    decode_schema: SchemaRef,
    /// For each merged column, its index in `decode_schema`, if the file has it.
    columns: Vec<Option<usize>>,
    /// Its `parse_dates` columns (text in `decode_schema`, converted after the decode).
    dates: dates::DateColumns,
}

/// The CSV half of a dataset.
#[derive(Debug)]
pub(crate) struct CsvSource {
    opts: CsvOptions,
    schema: SchemaRef,
    files: Vec<CsvFile>,
    nulls: na::NullValues,
    partitions: Vec<ScanPartition>,
}

impl CsvSource {
    /// The file `part` reads.
    ///
    /// # Errors
    /// [`Error::Internal`] for a partition of a file this source lacks.
    fn file(&self, part: &ScanPartition) -> Result<&CsvFile> {
        self.files
            .get(part.file)
            .ok_or_else(|| Error::Internal(format!("csv partition of file {} out of range", part.file)))
    }

    /// Reads the heads of `files`, infers and merges their schemas and plans
    /// the partitions.
    ///
    /// # Errors
    /// [`Error::InvalidArgument`] for unusable options,
    /// [`Error::ColumnNotFound`] for a `usecols` or `parse_dates` column no
    /// file has, [`Error::SchemaConflict`] when files disagree, [`Error::Io`].
    pub(crate) fn open(files: &[SourceFile], opts: CsvOptions) -> Result<Self> {
        validate(&opts)?;
        let nulls = na::NullValues::new(&opts)?;
        let heads = files.iter().map(|f| head::read_head(&f.path, &opts)).collect::<Result<Vec<_>>>()?;

        let named = |name: &str| heads.iter().any(|h| h.names.iter().any(|n| n == name));
        let asked = opts.usecols.iter().flatten().chain(&opts.parse_dates);
        if let Some(missing) = asked.into_iter().find(|c| !named(c)) {
            let mut available: Vec<String> = Vec::new();
            for name in heads.iter().flat_map(|h| &h.names) {
                if !available.contains(name) {
                    available.push(name.clone());
                }
            }
            return Err(Error::ColumnNotFound { name: missing.clone(), available });
        }

        let mut per_file = Vec::with_capacity(files.len());
        for (file, head) in files.iter().zip(&heads) {
            let types = infer::infer_types(head, &nulls);
            let fields: Vec<Field> = head
                .names
                .iter()
                .zip(types)
                .enumerate()
                .filter(|(_, (name, _))| opts.uses(name))
                .map(|(i, (name, inferred))| {
                    let forced = match opts.forced_type(name) {
                        // `parse_dates` gives a zone to values with an offset.
                        Some(t) if t == PARSE_DATES_TYPE && !opts.has_dtype(name) => {
                            Some(infer::parse_dates_type(head, i, &nulls))
                        }
                        other => other,
                    };
                    Field::new(name, forced.unwrap_or(inferred), true)
                })
                .collect();
            per_file.push((file.path.clone(), Arc::new(Schema::new(fields))));
        }
        let merged = crate::schema::merge_schemas(&per_file)?;
        // A column without a single value in any sample: see `infer`.
        let any_rows = heads.iter().any(|h| !h.samples.is_empty());
        let fallback = if any_rows { DataType::Float64 } else { DataType::Utf8 };
        let fields: Vec<Field> = merged
            .fields()
            .iter()
            .map(|f| match f.data_type() {
                DataType::Null => f.as_ref().clone().with_data_type(fallback.clone()),
                _ => f.as_ref().clone(),
            })
            .collect();
        let schema = Arc::new(Schema::new(fields));
        nulls.plan_fast_path(&schema);

        // Files cut in several ranges are scanned for record starts: in parallel.
        let dialect = (opts.sep, opts.quote);
        let planned = files
            .par_iter()
            .zip(&heads)
            .enumerate()
            .map(|(index, (file, head))| {
                partition::plan(index, &file.path, head.data_start, file.size, opts.blocksize, dialect)
            })
            .collect::<Result<Vec<_>>>()?;
        let partitions = planned.into_iter().flatten().collect();
        let csv_files = files
            .iter()
            .zip(&heads)
            .map(|(file, head)| CsvFile::new(file, head, &schema, &opts))
            .collect::<Result<_>>()?;
        Ok(CsvSource { opts, schema, files: csv_files, nulls, partitions })
    }

    /// One file of a dataset opened before, read as `schema` (the
    /// dataset's merged file columns): only its head is read again, for its
    /// column names and where its rows start; nothing is inferred or
    /// planned, and it has no partitions of its own (its reader is given one).
    ///
    /// # Errors
    /// As [`CsvSource::open`] for the options and the head.
    pub(crate) fn reopen(file: &SourceFile, opts: CsvOptions, schema: SchemaRef) -> Result<Self> {
        validate(&opts)?;
        let nulls = na::NullValues::new(&opts)?;
        let head = head::read_head(&file.path, &opts)?;
        nulls.plan_fast_path(&schema);
        let files = vec![CsvFile::new(file, &head, &schema, &opts)?];
        Ok(CsvSource { opts, schema, files, nulls, partitions: Vec::new() })
    }
}

impl CsvFile {
    /// How `file`, whose head is `head`, reads as the merged `schema`.
    ///
    /// # Errors
    /// [`Error::InvalidArgument`] for a `date_format` chrono does not read.
    fn new(file: &SourceFile, head: &head::FileHead, schema: &Schema, opts: &CsvOptions) -> Result<Self> {
        // Names are looked up in maps: a file may have tens of thousands of columns.
        let merged_types: HashMap<&str, &DataType> =
            schema.fields().iter().map(|f| (f.name().as_str(), f.data_type())).collect();
        let dates = dates::DateColumns::new(opts, &head.names, &|c| merged_types.get(c).map(|&t| t.clone()))?;
        let decode_fields: Vec<Field> = head
            .names
            .iter()
            .enumerate()
            .map(|(i, name)| {
                let data_type = match dates.get(i) {
                    Some(_) => DataType::Utf8,
                    None => merged_types.get(name.as_str()).map_or(DataType::Utf8, |&t| t.clone()),
                };
                Field::new(name, data_type, true)
            })
            .collect();
        let mut in_file: HashMap<&str, usize> = HashMap::with_capacity(head.names.len());
        for (i, name) in head.names.iter().enumerate() {
            in_file.entry(name.as_str()).or_insert(i);
        }
        let columns = schema.fields().iter().map(|f| in_file.get(f.name().as_str()).copied()).collect();
        let decode_schema = Arc::new(Schema::new(decode_fields));
        Ok(CsvFile { source: file.clone(), decode_schema, columns, dates })
    }
}

fn validate(opts: &CsvOptions) -> Result<()> {
    let bad = |msg: String| Err(Error::InvalidArgument(msg));
    if matches!(opts.sep, b'\n' | b'\r') || matches!(opts.quote, b'\n' | b'\r') || opts.sep == opts.quote {
        return bad(format!(
            "sep {:?} and quote {:?} must differ and not be line ends",
            char::from(opts.sep),
            char::from(opts.quote)
        ));
    }
    if opts.blocksize == Some(0) {
        return bad("blocksize must be at least 1 byte (or None for one partition per file)".into());
    }
    if opts.infer_rows == 0 {
        return bad("infer_rows must be at least 1".into());
    }
    if let Some((column, _)) = opts.date_formats.iter().find(|(c, _)| !opts.parse_dates.contains(c)) {
        return bad(format!("date_format_for column {column:?}, which is not one of parse_dates"));
    }
    for (column, format) in opts.date_columns() {
        dates::DateParser::new(column, format)?;
    }
    for (column, data_type) in &opts.dtype {
        if !value::decodable(data_type) {
            return bad(format!(
                "dtype {data_type} of column {column:?} cannot be read from CSV; \
                 use a boolean, integer, float, decimal, date, time, timestamp or Utf8 type"
            ));
        }
    }
    Ok(())
}

impl Source for CsvSource {
    fn schema(&self) -> SchemaRef {
        Arc::clone(&self.schema)
    }

    fn partitions(&self) -> Vec<ScanPartition> {
        self.partitions.clone()
    }

    /// CSV has no statistics to prune by: every partition may match.
    fn prune(&self, part: &ScanPartition, _filters: &[Expr]) -> Result<Option<ScanPartition>> {
        Ok(Some(part.clone()))
    }

    fn file_has_column(&self, path: &std::path::Path, name: &str) -> bool {
        self.files.iter().any(|f| f.source.path == path && f.decode_schema.field_with_name(name).is_ok())
    }

    /// Ranges of half `max_bytes` of text: parsed, text takes about twice
    /// its bytes (h2o's 486 MiB of CSV are 720 MB in Arrow).
    fn split(
        &self,
        part: &ScanPartition,
        _projection: &[usize],
        max_bytes: u64,
    ) -> Result<Vec<ScanPartition>> {
        let file = self.file(part)?;
        partition::split(&file.source.path, part, (max_bytes / 2).max(1), (self.opts.sep, self.opts.quote))
    }

    fn stored_bytes(&self, part: &ScanPartition) -> u64 {
        match (&part.range, self.file(part)) {
            (PartitionRange::Bytes { start, end }, _) => end.saturating_sub(*start),
            // Text compresses about 4:1 (gzip on CSV); a guess is all there is.
            (PartitionRange::Decoded { .. }, Ok(file)) => file.source.size.saturating_mul(4),
            _ => 0,
        }
    }

    fn read(&self, part: &ScanPartition, projection: &[usize], metrics: &ScanMetrics) -> Result<RecordBatch> {
        match part.range {
            PartitionRange::RowGroups(_) | PartitionRange::RowSlice { .. } => {
                Err(Error::Internal("csv partition with row groups".into()))
            }
            _ => self.read_range(self.file(part)?, &part.range, projection, metrics),
        }
    }
}

#[cfg(test)]
mod tests;
