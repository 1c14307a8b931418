//! Gathering the small batches arrow-csv decodes into the one batch of a
//! partition, each copied while it is still in cache and then dropped.
//!
//! Keeping all the small batches and calling `concat_batches` at the end
//! holds the partition twice and reads it back cold, a large share of the
//! read in page faults and copies (benches/README.md). Here the output
//! buffers are reserved once, from the first batch's bytes per row, and the
//! small batches' memory is reused by the allocator for the next ones.

use std::sync::Arc;

use arrow::array::{
    make_array, Array, ArrayData, ArrayRef, AsArray, BooleanArray, RecordBatch, RecordBatchOptions,
};
use arrow::array::{BooleanBufferBuilder, NullBufferBuilder};
use arrow::buffer::MutableBuffer;
use arrow::compute::concat;
use arrow::datatypes::{DataType, SchemaRef};
use rusk_ops::{Error, Result};

/// One output column being gathered.
enum Sink {
    /// Primitive types: their values are `width` bytes each.
    Fixed {
        width: usize,
        values: MutableBuffer,
        nulls: NullBufferBuilder,
    },
    Boolean {
        values: BooleanBufferBuilder,
        nulls: NullBufferBuilder,
    },
    /// `Utf8`: offsets rebased onto `values`.
    Utf8 {
        offsets: MutableBuffer,
        values: MutableBuffer,
        nulls: NullBufferBuilder,
    },
    /// Anything rarer (`Utf8View`, dictionaries, `Null`): kept and concatenated.
    Other(Vec<ArrayRef>),
}

/// Appends batches of one schema into one batch.
pub(super) struct BatchAppender {
    schema: SchemaRef,
    sinks: Vec<Sink>,
    rows: usize,
}

impl BatchAppender {
    /// An empty appender for batches of `schema`.
    pub(super) fn new(schema: SchemaRef) -> Self {
        let sinks = schema
            .fields()
            .iter()
            .map(|f| match f.data_type() {
                DataType::Boolean => {
                    Sink::Boolean { values: BooleanBufferBuilder::new(0), nulls: NullBufferBuilder::new(0) }
                }
                DataType::Utf8 => {
                    let mut offsets = MutableBuffer::new(0);
                    offsets.push(0i32);
                    Sink::Utf8 { offsets, values: MutableBuffer::new(0), nulls: NullBufferBuilder::new(0) }
                }
                t if t.is_primitive() => Sink::Fixed {
                    width: t.primitive_width().unwrap_or(1),
                    values: MutableBuffer::new(0),
                    nulls: NullBufferBuilder::new(0),
                },
                _ => Sink::Other(Vec::new()),
            })
            .collect();
        BatchAppender { schema, sinks, rows: 0 }
    }

    /// Rows appended so far.
    pub(super) fn rows(&self) -> usize {
        self.rows
    }

    /// Reserves room for `rows` rows in all, guessing each column's bytes
    /// per row from what it holds so far. Untouched reserved memory costs
    /// only address space, so the guess may be generous.
    pub(super) fn reserve(&mut self, rows: usize) {
        let have = self.rows.max(1);
        let more = rows.saturating_sub(self.rows);
        for sink in &mut self.sinks {
            match sink {
                Sink::Fixed { width, values, .. } => values.reserve(more * *width),
                Sink::Boolean { values, .. } => values.reserve(more),
                Sink::Utf8 { offsets, values, .. } => {
                    offsets.reserve(more * std::mem::size_of::<i32>());
                    values.reserve(values.len() / have * more);
                }
                Sink::Other(_) => {}
            }
        }
    }

    /// Appends `batch` (of the appender's schema), passing each column
    /// through `map` first.
    ///
    /// # Errors
    /// [`Error::InvalidArgument`] when the partition's text outgrows 32-bit
    /// string offsets (2 GiB in one column), [`Error::Internal`] for a
    /// batch of another schema.
    pub(super) fn push(&mut self, batch: &RecordBatch, map: impl Fn(ArrayRef) -> ArrayRef) -> Result<()> {
        if batch.num_columns() != self.sinks.len() {
            return Err(Error::Internal("csv batch of another width".into()));
        }
        for (sink, column) in self.sinks.iter_mut().zip(batch.columns()) {
            let array = map(Arc::clone(column));
            append(sink, &array)?;
        }
        self.rows += batch.num_rows();
        Ok(())
    }

    /// The appended rows as one batch.
    ///
    /// # Errors
    /// Arrow's validation errors (a bug in rusk if ever seen).
    pub(super) fn finish(self) -> Result<RecordBatch> {
        let rows = self.rows;
        let mut arrays = Vec::with_capacity(self.sinks.len());
        for (sink, field) in self.sinks.into_iter().zip(self.schema.fields()) {
            let array = match sink {
                Sink::Fixed { values, mut nulls, .. } => make_array(
                    ArrayData::builder(field.data_type().clone())
                        .len(rows)
                        .add_buffer(values.into())
                        .nulls(nulls.finish())
                        .build()?,
                ),
                Sink::Boolean { mut values, mut nulls } => {
                    Arc::new(BooleanArray::new(values.finish(), nulls.finish()))
                }
                Sink::Utf8 { offsets, values, mut nulls } => make_array(
                    ArrayData::builder(DataType::Utf8)
                        .len(rows)
                        .add_buffer(offsets.into())
                        .add_buffer(values.into())
                        .nulls(nulls.finish())
                        .build()?,
                ),
                Sink::Other(parts) if parts.is_empty() => arrow::array::new_empty_array(field.data_type()),
                Sink::Other(parts) => {
                    let refs: Vec<&dyn Array> = parts.iter().map(|a| a.as_ref()).collect();
                    concat(&refs)?
                }
            };
            arrays.push(array);
        }
        let options = RecordBatchOptions::new().with_row_count(Some(rows));
        Ok(RecordBatch::try_new_with_options(Arc::clone(&self.schema), arrays, &options)?)
    }
}

fn append_nulls(nulls: &mut NullBufferBuilder, array: &dyn Array) {
    match array.nulls() {
        Some(n) => nulls.append_buffer(n),
        None => nulls.append_n_non_nulls(array.len()),
    }
}

fn append(sink: &mut Sink, array: &ArrayRef) -> Result<()> {
    let mismatch = || Error::Internal(format!("csv column of unexpected type {}", array.data_type()));
    match sink {
        Sink::Fixed { width, values, nulls } => {
            let data = array.to_data();
            let buffer = data.buffers().first().ok_or_else(mismatch)?;
            let bytes = buffer
                .as_slice()
                .get(data.offset() * *width..(data.offset() + data.len()) * *width)
                .ok_or_else(mismatch)?;
            values.extend_from_slice(bytes);
            append_nulls(nulls, array);
        }
        Sink::Boolean { values, nulls } => {
            let booleans = array.as_boolean_opt().ok_or_else(mismatch)?;
            values.append_buffer(booleans.values());
            append_nulls(nulls, array);
        }
        Sink::Utf8 { offsets, values, nulls } => {
            let strings = array.as_string_opt::<i32>().ok_or_else(mismatch)?;
            let source = strings.value_offsets();
            let (first, last) = match (source.first(), source.last()) {
                (Some(&f), Some(&l)) => (f as usize, l as usize),
                _ => return Err(mismatch()),
            };
            let base = values.len();
            let rebase =
                i32::try_from(base).ok().zip(i32::try_from(base + (last - first)).ok()).ok_or_else(|| {
                    Error::InvalidArgument(
                        "a CSV partition holds over 2 GiB of text in one column; use a smaller blocksize"
                            .into(),
                    )
                })?;
            let shift = rebase.0 - first as i32;
            offsets.extend(source.iter().skip(1).map(|&o| o + shift));
            values.extend_from_slice(strings.value_data().get(first..last).ok_or_else(mismatch)?);
            append_nulls(nulls, array);
        }
        Sink::Other(parts) => parts.push(Arc::clone(array)),
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use arrow::array::{Float64Array, Int64Array, StringArray, TimestampNanosecondArray};
    use arrow::datatypes::{Field, Schema, TimeUnit};

    #[test]
    fn appends_sliced_batches_with_nulls_into_one() {
        let ts = DataType::Timestamp(TimeUnit::Nanosecond, Some("UTC".into()));
        let schema = Arc::new(Schema::new(vec![
            Field::new("i", DataType::Int64, true),
            Field::new("s", DataType::Utf8, true),
            Field::new("b", DataType::Boolean, true),
            Field::new("f", DataType::Float64, true),
            Field::new("t", ts.clone(), true),
            Field::new("v", DataType::Utf8View, true),
        ]));
        let batch = |i: Vec<Option<i64>>, s: Vec<Option<&str>>| {
            let n = i.len();
            let cols: Vec<ArrayRef> = vec![
                Arc::new(Int64Array::from(i.clone())),
                Arc::new(StringArray::from(s.clone())),
                Arc::new(BooleanArray::from(i.iter().map(|v| v.map(|v| v % 2 == 0)).collect::<Vec<_>>())),
                Arc::new(Float64Array::from(i.iter().map(|v| v.map(|v| v as f64)).collect::<Vec<_>>())),
                Arc::new(TimestampNanosecondArray::from(i.clone()).with_timezone("UTC")),
                Arc::new(arrow::array::StringViewArray::from(s.clone())),
            ];
            let b = RecordBatch::try_new(Arc::clone(&schema), cols).unwrap();
            assert_eq!(b.num_rows(), n);
            b
        };
        let a = batch(vec![Some(1), None, Some(3)], vec![Some("x"), Some("yy"), None]);
        let b = batch(vec![Some(4), Some(5), None, Some(7)], vec![None, Some("zzz"), Some(""), Some("w")])
            .slice(1, 3);
        let mut out = BatchAppender::new(Arc::clone(&schema));
        out.push(&a, |x| x).unwrap();
        out.reserve(100);
        out.push(&b, |x| x).unwrap();
        assert_eq!(out.rows(), 6);
        let got = out.finish().unwrap();
        let want = arrow::compute::concat_batches(&schema, &[a, b]).unwrap();
        assert_eq!(got, want);
        assert_eq!(got.column(4).data_type(), &ts);
    }

    #[test]
    fn empty_and_columnless() {
        let schema = Arc::new(Schema::new(vec![Field::new("s", DataType::Utf8, true)]));
        let got = BatchAppender::new(Arc::clone(&schema)).finish().unwrap();
        assert_eq!(got.num_rows(), 0);
        let none = Arc::new(Schema::empty());
        let mut out = BatchAppender::new(Arc::clone(&none));
        let rows = RecordBatch::try_new_with_options(
            none,
            vec![],
            &RecordBatchOptions::new().with_row_count(Some(5)),
        )
        .unwrap();
        out.push(&rows, |x| x).unwrap();
        assert_eq!(out.finish().unwrap().num_rows(), 5);
    }
}
