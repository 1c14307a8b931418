//! Parquet output that pandas, pyarrow, Dask and Spark read as they read
//! their own.

use std::path::Path;
use std::sync::Arc;

use arrow::array::{Array, ArrayRef, AsArray, RecordBatch};
use arrow::compute::cast;
use arrow::datatypes::{DataType, Field, FieldRef, Schema};
use parquet::arrow::ArrowWriter;
use parquet::basic::Compression;
use parquet::file::properties::WriterProperties;
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
    let batch = plain_strings(batch).map_err(|e| e.with_file(path))?;
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

/// `batch` with string views and dictionaries of strings cast to `Utf8`
/// (`LargeUtf8` beyond 2 GiB of text, the most `Utf8` offsets can address).
fn plain_strings(batch: &RecordBatch) -> Result<RecordBatch> {
    let schema = batch.schema();
    if !schema.fields().iter().any(|f| needs_plain(f.data_type())) {
        return Ok(batch.clone());
    }
    let mut fields: Vec<FieldRef> = Vec::with_capacity(batch.num_columns());
    let mut columns: Vec<ArrayRef> = Vec::with_capacity(batch.num_columns());
    for (field, column) in schema.fields().iter().zip(batch.columns()) {
        if needs_plain(field.data_type()) {
            let large = text_len(column.as_ref()) > i32::MAX as usize;
            let to = if large { DataType::LargeUtf8 } else { DataType::Utf8 };
            columns.push(cast(column, &to).map_err(|e| Error::from(e).with_column(field.name()))?);
            fields.push(Arc::new(Field::new(field.name(), to, field.is_nullable())));
        } else {
            columns.push(Arc::clone(column));
            fields.push(Arc::clone(field));
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

    #[test]
    fn round_trips_with_plain_strings() {
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
