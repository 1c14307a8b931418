//! Parquet output that pandas, pyarrow, Dask and Spark read as they read
//! their own.

use std::fs::File;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use arrow::array::{Array, ArrayRef, AsArray, RecordBatch};
use arrow::compute::cast;
use arrow::datatypes::{DataType, Field, FieldRef, Schema};
use parquet::arrow::ArrowWriter;
use parquet::basic::Compression;
use parquet::column::writer::ColumnCloseResult;
use parquet::file::properties::WriterProperties;
use parquet::file::reader::{FileReader, SerializedFileReader};
use parquet::file::writer::SerializedFileWriter;
use rusk_ops::{Error, Result};

use super::create_new;

/// Writes `batch` as a new Parquet file at `path`.
///
/// Snappy-compressed: it is what pandas, pyarrow, Dask and Spark write by
/// default, and what rusk reads back fastest. Against zstd (level 1) it
/// writes as fast and reads back faster, for somewhat larger files; on very
/// regular data zstd's files are far smaller (measured: benches/README.md). A
/// frame written here is usually read again soon by the same machine, where
/// decode time counts more than disk. Row groups of up to 1 Mi rows (the
/// writer's default), dictionary encoding where it pays, min/max statistics
/// for later pruning. String views and dictionary-encoded strings are
/// written as plain strings (`Utf8`; the bytes are dictionary-encoded by
/// Parquet all the same), so that readers without view types read them.
///
/// # Errors
/// [`Error::OutputExists`] if `path` exists (never overwritten),
/// [`Error::Io`] when it cannot be created, [`Error::Parquet`] naming the
/// file when encoding or writing fails (the partial file is removed).
pub fn write_parquet_file(path: &Path, batch: &RecordBatch) -> Result<()> {
    let batch = as_written(batch).map_err(|e| e.with_file(path))?;
    let file = create_new(path)?;
    let properties = WriterProperties::builder().set_compression(Compression::SNAPPY).build();
    let written = ArrowWriter::try_new(file, batch.schema(), Some(properties))
        .and_then(|mut writer| {
            writer.write(&batch)?;
            writer.close()
        })
        .map(|_| ())
        .map_err(|e| Error::parquet(e, path));
    if written.is_err() {
        // A partial file would read back as a corrupt partition.
        let _ = std::fs::remove_file(path);
    }
    written
}

/// Joins the Parquet files `parts` (each a partition of one frame, written
/// by [`write_parquet_file`]) into one new file at `path`: their row groups
/// in order, each column chunk copied as its bytes are (pages, statistics
/// and encodings kept; nothing decoded or encoded again), each part removed
/// once copied. With the parts written in parallel, one Parquet file
/// without the result ever in memory: what this holds is one footer and a
/// copy buffer.
///
/// The file's Arrow schema is the first part's (a string column a part
/// wrote as `LargeUtf8`, past 2 GiB of text, reads back as the first
/// part's `Utf8`; Parquet's own types are the same).
///
/// # Errors
/// [`Error::OutputExists`] if `path` exists; [`Error::Parquet`] naming the
/// part that does not read or whose columns differ from the first's;
/// [`Error::Io`] naming the file that failed. A partial `path` is removed.
pub fn join_parquet_files(parts: &[PathBuf], path: &Path) -> Result<()> {
    let out = create_new(path)?;
    let joined = copy_row_groups(parts, out, path);
    if joined.is_err() {
        let _ = std::fs::remove_file(path);
    }
    joined
}

fn copy_row_groups(parts: &[PathBuf], out: File, path: &Path) -> Result<()> {
    let open = |part: &PathBuf| -> Result<(File, SerializedFileReader<File>)> {
        let file = File::open(part).map_err(|e| Error::io(e, part))?;
        let handle = file.try_clone().map_err(|e| Error::io(e, part))?;
        Ok((handle, SerializedFileReader::new(file).map_err(|e| Error::parquet(e, part))?))
    };
    let Some(first) = parts.first() else {
        return Err(Error::Internal(format!("{} joined from no parts", path.display())));
    };
    let (_, head) = open(first)?;
    let meta = head.metadata().file_metadata();
    let schema = meta.schema_descr_ptr();
    let properties = WriterProperties::builder()
        .set_compression(Compression::SNAPPY)
        .set_key_value_metadata(meta.key_value_metadata().cloned())
        .build();
    let mut writer = SerializedFileWriter::new(
        std::io::BufWriter::new(out),
        schema.root_schema_ptr(),
        Arc::new(properties),
    )
    .map_err(|e| Error::parquet(e, path))?;
    for part in parts {
        let (file, reader) = open(part)?;
        let metadata = reader.metadata();
        if metadata.file_metadata().schema_descr().root_schema() != schema.root_schema() {
            return Err(Error::parquet("its columns differ from the first part's (a bug in rusk)", part));
        }
        for row_group in metadata.row_groups() {
            let mut out = writer.next_row_group().map_err(|e| Error::parquet(e, path))?;
            for chunk in row_group.columns() {
                let close = ColumnCloseResult {
                    bytes_written: u64::try_from(chunk.compressed_size()).unwrap_or(0),
                    rows_written: u64::try_from(row_group.num_rows()).unwrap_or(0),
                    metadata: chunk.clone(),
                    bloom_filter: None,
                    column_index: None,
                    offset_index: None,
                };
                out.append_column(&file, close).map_err(|e| Error::parquet(e, part))?;
            }
            out.close().map_err(|e| Error::parquet(e, path))?;
        }
        std::fs::remove_file(part).map_err(|e| Error::io(e, part))?;
    }
    writer.close().map_err(|e| Error::parquet(e, path))?;
    Ok(())
}

/// `batch` as written: string views and dictionaries of strings cast to
/// `Utf8` (`LargeUtf8` beyond 2 GiB of text, the most `Utf8` offsets can
/// address), and every column nullable (Parquet's `OPTIONAL`, as pyarrow
/// writes pandas frames), so that the parts of one frame, whose batches
/// may or may not say a column has nulls, all have the same Parquet
/// schema and join into one file ([`join_parquet_files`]).
fn as_written(batch: &RecordBatch) -> Result<RecordBatch> {
    let schema = batch.schema();
    if !schema.fields().iter().any(|f| needs_plain(f.data_type()) || !f.is_nullable()) {
        return Ok(batch.clone());
    }
    let mut fields: Vec<FieldRef> = Vec::with_capacity(batch.num_columns());
    let mut columns: Vec<ArrayRef> = Vec::with_capacity(batch.num_columns());
    for (field, column) in schema.fields().iter().zip(batch.columns()) {
        if needs_plain(field.data_type()) {
            let large = text_len(column.as_ref()) > i32::MAX as usize;
            let to = if large { DataType::LargeUtf8 } else { DataType::Utf8 };
            columns.push(cast(column, &to).map_err(|e| Error::from(e).with_column(field.name()))?);
            fields.push(Arc::new(Field::new(field.name(), to, true)));
        } else {
            columns.push(Arc::clone(column));
            fields.push(Arc::new(field.as_ref().clone().with_nullable(true)));
        }
    }
    Ok(RecordBatch::try_new(Arc::new(Schema::new_with_metadata(fields, schema.metadata().clone())), columns)?)
}

/// The bytes of text `array` (a string view or dictionary array) expands
/// to, or an overestimate.
fn text_len(array: &dyn Array) -> usize {
    if let Some(views) = array.as_string_view_opt() {
        return views.total_bytes_len();
    }
    let Some(dict) = array.as_any_dictionary_opt() else { return 0 };
    if dict.values().is_empty() {
        // No values, so every row is null (and `normalized_keys` would assert).
        return 0;
    }
    let values = dict.values();
    let lengths: Vec<usize> = if let Some(v) = values.as_string_opt::<i32>() {
        v.iter().map(|s| s.map_or(0, str::len)).collect()
    } else if let Some(v) = values.as_string_opt::<i64>() {
        v.iter().map(|s| s.map_or(0, str::len)).collect()
    } else if let Some(v) = values.as_string_view_opt() {
        v.iter().map(|s| s.map_or(0, str::len)).collect()
    } else {
        return 0;
    };
    // Keys of null slots may point anywhere (or nowhere): count them as 0.
    if dict.values().is_empty() {
        // Every key null (and arrow's `normalized_keys` panics on it).
        return 0;
    }
    dict.normalized_keys().iter().map(|&k| lengths.get(k).copied().unwrap_or(0)).sum()
}

fn needs_plain(data_type: &DataType) -> bool {
    match data_type {
        DataType::Utf8View => true,
        DataType::Dictionary(_, value) => {
            matches!(value.as_ref(), DataType::Utf8 | DataType::LargeUtf8 | DataType::Utf8View)
        }
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use arrow::array::{DictionaryArray, Float64Array, Int64Array, StringViewArray};
    use arrow::datatypes::Int32Type;
    use parquet::arrow::arrow_reader::ParquetRecordBatchReaderBuilder;

    use super::*;

    /// Parts joined into one file read back as the parts' rows in order,
    /// with every part's row groups (statistics kept), an empty part
    /// included; the parts are gone, and parts whose columns differ are an
    /// error naming the part, leaving no output.
    #[test]
    fn parts_join_into_one_file_of_their_row_groups() {
        let dir = tempfile::tempdir().unwrap();
        let part = |i: i64, n: i64| {
            let names: StringViewArray =
                (0..n).map(|r| (r % 3 != 1).then(|| format!("n{}", (r * i) % 7))).collect();
            RecordBatch::try_from_iter(vec![
                ("i", Arc::new(Int64Array::from_iter_values((0..n).map(|r| r + 100 * i))) as ArrayRef),
                ("s", Arc::new(names) as ArrayRef),
                (
                    "f",
                    Arc::new(Float64Array::from_iter((0..n).map(|r| (r % 4 != 0).then_some(r as f64))))
                        as ArrayRef,
                ),
            ])
            .unwrap()
        };
        let batches = [part(0, 5), part(1, 0), part(2, 3000), part(3, 1)];
        let parts: Vec<PathBuf> =
            (0..batches.len()).map(|i| dir.path().join(format!("p{i}.parquet"))).collect();
        for (p, b) in parts.iter().zip(&batches) {
            write_parquet_file(p, b).unwrap();
        }
        let path = dir.path().join("all.parquet");
        join_parquet_files(&parts, &path).unwrap();
        assert!(parts.iter().all(|p| !p.exists()));
        let builder = ParquetRecordBatchReaderBuilder::try_new(File::open(&path).unwrap()).unwrap();
        let meta = builder.metadata().clone();
        assert_eq!(meta.num_row_groups(), 3, "the empty part has none");
        assert!(meta.row_group(1).column(0).statistics().is_some());
        let back: Vec<RecordBatch> = builder.build().unwrap().collect::<Result<_, _>>().unwrap();
        let back = arrow::compute::concat_batches(&back[0].schema(), &back).unwrap();
        let plain: Vec<RecordBatch> = batches.iter().map(|b| as_written(b).unwrap()).collect();
        assert_eq!(back, arrow::compute::concat_batches(&plain[0].schema(), &plain).unwrap());

        let other =
            RecordBatch::try_from_iter(vec![("i", Arc::new(Float64Array::from(vec![1.0])) as ArrayRef)])
                .unwrap();
        let parts = [dir.path().join("a.parquet"), dir.path().join("b.parquet")];
        write_parquet_file(&parts[0], &part(0, 3)).unwrap();
        write_parquet_file(&parts[1], &other).unwrap();
        let bad = dir.path().join("bad.parquet");
        let err = join_parquet_files(&parts, &bad).unwrap_err().to_string();
        assert!(err.contains("b.parquet") && err.contains("differ"), "{err}");
        assert!(!bad.exists());
    }

    #[test]
    fn round_trips_with_as_written() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("part-00000.parquet");
        let dict: DictionaryArray<Int32Type> = vec![Some("x"), None, Some("y")].into_iter().collect();
        let batch = RecordBatch::try_from_iter(vec![
            ("i", Arc::new(Int64Array::from(vec![Some(1), None, Some(3)])) as ArrayRef),
            ("f", Arc::new(Float64Array::from(vec![0.5, f64::NAN, -1.0])) as ArrayRef),
            ("v", Arc::new(StringViewArray::from(vec![Some("a"), Some("bb"), None])) as ArrayRef),
            ("d", Arc::new(dict) as ArrayRef),
        ])
        .unwrap();
        write_parquet_file(&path, &batch).unwrap();

        let file = std::fs::File::open(&path).unwrap();
        let builder = ParquetRecordBatchReaderBuilder::try_new(file).unwrap();
        let meta = builder.metadata().clone();
        assert_eq!(meta.row_group(0).column(0).compression(), Compression::SNAPPY);
        let back: Vec<RecordBatch> = builder.build().unwrap().collect::<Result<_, _>>().unwrap();
        let back = &back[0];
        assert_eq!(back.schema().field(2).data_type(), &DataType::Utf8);
        assert_eq!(back.schema().field(3).data_type(), &DataType::Utf8);
        assert_eq!(back.column(0), batch.column(0));
        assert_eq!(
            back.column(2).as_string::<i32>().iter().collect::<Vec<_>>(),
            vec![Some("a"), Some("bb"), None]
        );
        assert_eq!(
            back.column(3).as_string::<i32>().iter().collect::<Vec<_>>(),
            vec![Some("x"), None, Some("y")]
        );
        let f = back.column(1).as_primitive::<arrow::datatypes::Float64Type>();
        assert!(f.value(1).is_nan() && f.null_count() == 0);

        let err = write_parquet_file(&path, &batch).unwrap_err();
        assert!(matches!(err, Error::OutputExists { .. }), "{err}");
    }

    #[test]
    fn written_files_scan_back_as_a_dataset() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("out");
        std::fs::create_dir(&out).unwrap();
        let path = out.join(super::super::part_file_name(0, "parquet"));
        let batch = RecordBatch::try_from_iter(vec![(
            "s",
            Arc::new(StringViewArray::from_iter_values((0..50).map(|i| format!("k{}", i % 3)))) as ArrayRef,
        )])
        .unwrap();
        write_parquet_file(&path, &batch).unwrap();
        let dataset = crate::Dataset::open(&path, crate::FileFormat::Parquet(Default::default())).unwrap();
        let read = dataset.read(&dataset.partitions()[0], None, &crate::ScanMetrics::default()).unwrap();
        assert_eq!(read.num_rows(), 50);
        let strings = cast(read.column(0), &DataType::Utf8).unwrap();
        assert_eq!(strings.as_string::<i32>().value(4), "k1");
    }
}
