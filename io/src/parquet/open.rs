//! Opening a Parquet dataset: every file's footer, the merged schema, the
//! choice of string types and the partitions.
//!
//! Footers are read once, here, and kept (behind `Arc`) for pruning and
//! reading, so no task parses a footer again.

use std::fs::File;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use arrow::datatypes::{DataType, Field, FieldRef, Schema, SchemaRef};
use parquet::arrow::arrow_reader::{ArrowReaderMetadata, ArrowReaderOptions};
use parquet::arrow::parquet_column;
use parquet::basic::{Encoding, PageType};
use parquet::file::metadata::ColumnChunkMetaData;
use rusk_ops::{Error, Result};

use super::options::ParquetOptions;
use crate::dataset::{PartitionRange, ScanPartition};
use crate::listing::SourceFile;
use crate::schema::merge_schemas;
use rusk_ops::dtype::is_string;

/// The type string columns are read as unless dictionary pays off: views
/// decode without copying into one offsets buffer, so faster than `Utf8`
/// (measured: benches/README.md).
const STRING_TYPE: DataType = DataType::Utf8View;

/// The type of string columns whose every chunk is dictionary-encoded.
fn dictionary_type() -> DataType {
    DataType::Dictionary(Box::new(DataType::Int32), Box::new(DataType::Utf8))
}

/// One file of the dataset, with its footer.
#[derive(Debug)]
pub(crate) struct ParquetFile {
    /// What it was when listed (its path), checked by every read.
    pub(crate) source: SourceFile,
    /// Its last 8 bytes when its footer was read (the footer's length and
    /// the magic `PAR1`), checked by every read as well.
    pub(crate) tail: [u8; 8],
    /// The footer and the schema the reader decodes to: the file's own
    /// columns, in its order, with the dataset's chosen string types.
    pub(crate) reader: ArrowReaderMetadata,
    /// The reader's schema with every string column as `Utf8`, the one
    /// string type statistics are extracted as.
    pub(crate) stats_schema: SchemaRef,
}

/// The Parquet half of a dataset.
#[derive(Debug)]
pub(crate) struct ParquetSource {
    /// The files, in the dataset's order.
    pub(crate) files: Vec<ParquetFile>,
    /// The merged schema (every column nullable: a file may lack it).
    pub(crate) schema: SchemaRef,
    /// The options it was opened with.
    pub(crate) options: ParquetOptions,
}

impl ParquetSource {
    /// Reads every footer, merges the schemas and chooses the string types.
    ///
    /// # Errors
    /// [`Error::InvalidArgument`] for `split_row_groups = Some(0)`,
    /// [`Error::Io`] / [`Error::Parquet`] for a file that does not open or
    /// whose footer does not parse, and [`merge_schemas`]' errors.
    pub(crate) fn open(files: &[SourceFile], options: ParquetOptions) -> Result<Self> {
        if options.split_row_groups == Some(0) {
            return Err(Error::InvalidArgument("split_row_groups must be at least 1".into()));
        }
        let paths: Vec<&Path> = files.iter().map(|f| f.path.as_path()).collect();
        let (footers, tails): (Vec<ArrowReaderMetadata>, Vec<[u8; 8]>) =
            read_footers(files)?.into_iter().unzip();
        let normalized: Vec<(PathBuf, SchemaRef)> = paths
            .iter()
            .zip(&footers)
            .map(|(path, footer)| (path.to_path_buf(), Arc::new(normalize_strings(footer.schema()))))
            .collect();
        let merged = merge_schemas(&normalized)?;
        let fields: Vec<FieldRef> = merged
            .fields()
            .iter()
            .map(|field| {
                let data_type = if is_string(field.data_type()) {
                    if all_chunks_dictionary_encoded(field.name(), &footers) {
                        dictionary_type()
                    } else {
                        STRING_TYPE
                    }
                } else {
                    field.data_type().clone()
                };
                // Nullable because a file may lack the column (read as nulls)
                // and pandas has no non-null columns to preserve.
                Arc::new(Field::new(field.name(), data_type, true).with_metadata(field.metadata().clone()))
            })
            .collect();
        let schema = Arc::new(Schema::new(fields));
        let files = files
            .iter()
            .zip(footers)
            .zip(tails)
            .map(|((file, footer), tail)| ParquetFile::new(file, footer, tail, &schema))
            .collect::<Result<Vec<_>>>()?;
        Ok(ParquetSource { files, schema, options })
    }

    /// One file of a dataset opened before, read as `schema` (the
    /// dataset's merged columns, string types chosen): its footer is read
    /// again, nothing is merged or chosen.
    ///
    /// # Errors
    /// As [`ParquetSource::open`] for the one file.
    pub(crate) fn reopen(file: &SourceFile, options: ParquetOptions, schema: SchemaRef) -> Result<Self> {
        let (footer, tail) = read_footer(file)?;
        let files = vec![ParquetFile::new(file, footer, tail, &schema)?];
        Ok(ParquetSource { files, schema, options })
    }

    /// Every partition: one per file, or one per `split_row_groups` row
    /// groups. A file without row groups still gives one (empty) partition,
    /// so that its schema is seen and reads give 0 rows.
    pub(crate) fn partitions(&self) -> Vec<ScanPartition> {
        let mut out = Vec::new();
        for (index, file) in self.files.iter().enumerate() {
            let count = file.reader.metadata().num_row_groups();
            let all: Vec<usize> = (0..count).collect();
            let step = self.options.split_row_groups.unwrap_or(count).max(1);
            if all.is_empty() {
                out.push(ScanPartition { file: index, range: PartitionRange::RowGroups(vec![]) });
            }
            for chunk in all.chunks(step) {
                out.push(ScanPartition { file: index, range: PartitionRange::RowGroups(chunk.to_vec()) });
            }
        }
        out
    }

    /// The file `part` reads.
    ///
    /// # Errors
    /// [`Error::Internal`] for a partition of a file this source lacks.
    pub(crate) fn file(&self, part: &ScanPartition) -> Result<&ParquetFile> {
        self.files
            .get(part.file)
            .ok_or_else(|| Error::Internal(format!("parquet partition of unknown file {}", part.file)))
    }

    /// Row groups in all files.
    pub(crate) fn row_group_count(&self) -> usize {
        self.files.iter().map(|f| f.reader.metadata().num_row_groups()).sum()
    }
}

impl ParquetFile {
    /// Builds the reader metadata of one file: its own columns, with string
    /// columns of the type the merged schema chose.
    fn new(file: &SourceFile, footer: ArrowReaderMetadata, tail: [u8; 8], merged: &Schema) -> Result<Self> {
        let path = file.path.as_path();
        let with_types = |string_type: &dyn Fn(&str) -> DataType| -> Schema {
            let fields: Vec<FieldRef> = footer
                .schema()
                .fields()
                .iter()
                .map(|f| {
                    if is_string(f.data_type()) {
                        Arc::new(f.as_ref().clone().with_data_type(string_type(f.name())))
                    } else {
                        Arc::clone(f)
                    }
                })
                .collect();
            Schema::new(fields)
        };
        let read_schema = with_types(&|name| match merged.field_with_name(name) {
            Ok(f) if f.data_type() == &dictionary_type() => dictionary_type(),
            _ => STRING_TYPE,
        });
        let stats_schema = with_types(&|_| DataType::Utf8);
        let options = ArrowReaderOptions::new().with_schema(Arc::new(read_schema));
        let reader = ArrowReaderMetadata::try_new(Arc::clone(footer.metadata()), options)
            .map_err(|e| Error::parquet(e, path))?;
        Ok(ParquetFile { source: file.clone(), tail, reader, stats_schema: Arc::new(stats_schema) })
    }

    /// Opens the file for a read, checking that it is the file planned from.
    ///
    /// # Errors
    /// [`Error::FileChanged`] when its size, modification time or footer
    /// differ; [`Error::Io`] when it does not open.
    pub(crate) fn open(&self) -> Result<File> {
        let file = self.source.open()?;
        if read_tail(&file, &self.source.path)? != self.tail {
            return Err(Error::FileChanged {
                path: self.source.path.clone(),
                detail: "its footer differs".into(),
            });
        }
        Ok(file)
    }
}

/// Reads the footers of `paths`, on several threads when there are many:
/// each is a small read and a parse, so a dataset of thousands of files
/// opens in the time of a few hundred.
/// A file's footer and its last 8 bytes (see [`ParquetFile::tail`]).
type Footer = (ArrowReaderMetadata, [u8; 8]);

fn read_footers(paths: &[SourceFile]) -> Result<Vec<Footer>> {
    /// Below this, threads cost more than they save.
    const FILES_PER_THREAD: usize = 8;
    let threads = std::thread::available_parallelism().map_or(1, |n| n.get());
    let per_thread = paths.len().div_ceil(threads).max(FILES_PER_THREAD);
    if paths.len() <= per_thread {
        return paths.iter().map(read_footer).collect();
    }
    let chunks: Vec<Result<Vec<Footer>>> = std::thread::scope(|scope| {
        let handles: Vec<_> = paths
            .chunks(per_thread)
            .map(|chunk| scope.spawn(move || chunk.iter().map(read_footer).collect()))
            .collect();
        handles
            .into_iter()
            .map(|h| {
                h.join().unwrap_or_else(|_| Err(Error::Internal("footer reader thread panicked".into())))
            })
            .collect()
    });
    let mut out = Vec::with_capacity(paths.len());
    for chunk in chunks {
        out.extend(chunk?);
    }
    Ok(out)
}

/// One file's footer, with the Arrow schema it describes (including the
/// embedded `ARROW:schema`, which restores time zones and such).
fn read_footer(source: &SourceFile) -> Result<Footer> {
    let path = source.path.as_path();
    let file = source.open()?;
    let footer =
        ArrowReaderMetadata::load(&file, ArrowReaderOptions::new()).map_err(|e| Error::parquet(e, path))?;
    check_unique_names(footer.schema(), path)?;
    Ok((footer, read_tail(&file, path)?))
}

/// Fails on a file with two top-level columns of one name: columns are
/// matched by name across files, in pushdown and in statistics, so one of
/// the two would be lost without a word. (Polars refuses such files too;
/// pandas through pyarrow keeps both, which a name-addressed frame cannot.)
fn check_unique_names(schema: &Schema, path: &Path) -> Result<()> {
    let fields = schema.fields();
    for (i, field) in fields.iter().enumerate() {
        if let Some(j) = fields.iter().skip(i + 1).position(|f| f.name() == field.name()) {
            return Err(Error::parquet(
                format!(
                    "column name {:?} appears twice (columns {i} and {}); rusk needs unique names: \
                     rewrite the file with distinct ones",
                    field.name(),
                    i + 1 + j
                ),
                path,
            ));
        }
    }
    Ok(())
}

/// The last 8 bytes of `file` (at `path`): zeros for a shorter file, which
/// no footer parses from anyway.
fn read_tail(file: &File, path: &Path) -> Result<[u8; 8]> {
    use std::io::{Read, Seek, SeekFrom};
    let mut tail = [0u8; 8];
    let mut file = file;
    let size = file.metadata().map_err(|e| Error::io(e, path))?.len();
    if size >= 8 {
        file.seek(SeekFrom::Start(size - 8)).map_err(|e| Error::io(e, path))?;
        file.read_exact(&mut tail).map_err(|e| Error::io(e, path))?;
    }
    Ok(tail)
}

/// `schema` with every top-level string column as [`STRING_TYPE`] and no
/// schema metadata: how files wrote their strings (plain, large, dictionary)
/// must not make their schemas conflict.
fn normalize_strings(schema: &Schema) -> Schema {
    let fields: Vec<FieldRef> = schema
        .fields()
        .iter()
        .map(|f| {
            if is_string(f.data_type()) {
                Arc::new(f.as_ref().clone().with_data_type(STRING_TYPE))
            } else {
                Arc::clone(f)
            }
        })
        .collect();
    Schema::new(fields)
}

/// True when column `name` has at least one chunk and every chunk of it, in
/// every file that has it, has only dictionary-encoded data pages. A chunk
/// that fell back to plain pages decodes slower into a dictionary than into
/// views (benches/README.md), so one such chunk anywhere makes the column a
/// view.
fn all_chunks_dictionary_encoded(name: &str, footers: &[ArrowReaderMetadata]) -> bool {
    let mut chunks = 0;
    for footer in footers {
        let parquet_schema = footer.parquet_schema();
        let Some((leaf, _)) = parquet_column(parquet_schema, footer.schema(), name) else {
            continue;
        };
        for row_group in footer.metadata().row_groups() {
            chunks += 1;
            if !chunk_dictionary_encoded(row_group.column(leaf)) {
                return false;
            }
        }
    }
    chunks > 0
}

/// True when every data page of `chunk` is dictionary-encoded, as far as the
/// page encoding statistics tell; without them, false (the safe choice).
fn chunk_dictionary_encoded(chunk: &ColumnChunkMetaData) -> bool {
    let is_dictionary = |e: Encoding| matches!(e, Encoding::PLAIN_DICTIONARY | Encoding::RLE_DICTIONARY);
    if chunk.dictionary_page_offset().is_none() {
        return false;
    }
    if let Some(stats) = chunk.page_encoding_stats() {
        let mut data_pages = stats
            .iter()
            .filter(|s| matches!(s.page_type, PageType::DATA_PAGE | PageType::DATA_PAGE_V2))
            .peekable();
        return data_pages.peek().is_some() && data_pages.all(|s| is_dictionary(s.encoding));
    }
    if let Some(mask) = chunk.page_encoding_stats_mask() {
        let mut encodings = mask.encodings().peekable();
        return encodings.peek().is_some() && encodings.all(is_dictionary);
    }
    false
}
