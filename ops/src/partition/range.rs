//! Range partitioning: bucket boundaries drawn from a sample of the keys,
//! so that bucket `j` holds keys between boundaries `j - 1` and `j` and the
//! buckets, in order, are in key order.
//!
//! Keys are compared through [`SortEncoder`]: bytes that compare as the
//! keys do in the order a sort of the buckets uses (direction, nulls and NaN
//! placement), whatever the number and types of the key columns. Equal keys
//! always go to the same bucket.

use arrow::array::{ArrayRef, RecordBatch, UInt32Array};
use arrow::compute::{concat, take};
use arrow::datatypes::{Field, Schema};
use arrow::row::Row;
use std::sync::Arc;

use super::split::split_by_bucket;
use crate::error::{Error, Result};
use crate::sort::{dictionary_probe, encode_probe, DictionaryProbe, SortEncoder, SortKey};

/// Rows sampled per output bucket, over all inputs (and at least this
/// many from each input): enough that the boundaries cut the keys into
/// buckets of roughly equal size, few enough that a thousand inputs cut
/// into a thousand ranges sample 64,000 rows, not 64 million.
const SAMPLE_PER_BUCKET: usize = 64;

/// The rows of `batch`'s key columns, one of `inputs` cut into `n` key
/// ranges, that [`range_boundaries`] draws its boundaries from: evenly
/// spaced, this input's share of 64 per range (at least 64). A range
/// shuffle samples each input as soon as it exists, so that drawing the
/// boundaries needs the samples at once, never every input whole.
///
/// # Errors
/// Unknown key columns.
pub fn range_sample(batch: &RecordBatch, keys: &[SortKey], n: usize, inputs: usize) -> Result<RecordBatch> {
    let schema = key_schema(batch, keys)?;
    let len = batch.num_rows();
    let share = (SAMPLE_PER_BUCKET * n.max(1)).div_ceil(inputs.max(1)).max(SAMPLE_PER_BUCKET);
    let m = len.min(share);
    // Every row kept (a sample sampled again, a short input): the columns
    // as they are, not a copy.
    let picks = (m < len).then(|| UInt32Array::from_iter_values((0..m).map(|i| (i * len / m) as u32)));
    let columns = keys
        .iter()
        .map(|key| {
            let column = column_of(batch, &key.column)?;
            Ok(match &picks {
                Some(picks) => take(column.as_ref(), picks, None)?,
                None => column,
            })
        })
        .collect::<Result<Vec<ArrayRef>>>()?;
    Ok(RecordBatch::try_new(schema, columns)?)
}

/// The at most `n - 1` boundaries that cut the keys of `samples` (from
/// [`range_sample`] of each input, or the inputs whole, which it samples
/// the same way, so both give the same boundaries) into
/// `n` buckets of about equal size, as a batch of the key columns (fewer
/// rows when keys repeat: a key never straddles two buckets). The result
/// depends only on the inputs.
///
/// # Errors
/// Unknown key columns, or key types that cannot be ordered.
pub fn range_boundaries(samples: &[RecordBatch], keys: &[SortKey], n: usize) -> Result<RecordBatch> {
    let first = samples.first().ok_or_else(|| Error::Internal("range boundaries of no inputs".into()))?;
    let schema = key_schema(first, keys)?;
    let sampled =
        samples.iter().map(|s| range_sample(s, keys, n, samples.len())).collect::<Result<Vec<_>>>()?;
    let columns = (0..keys.len())
        .map(|k| Ok(concat(&sampled.iter().map(|s| s.column(k).as_ref()).collect::<Vec<_>>())?))
        .collect::<Result<Vec<ArrayRef>>>()?;
    let sample = RecordBatch::try_new(Arc::clone(&schema), columns)?;
    let rows = SortEncoder::try_new(&schema, keys)?.encode(&sample)?;
    let mut order: Vec<usize> = (0..rows.num_rows()).collect();
    order.sort_by(|&a, &b| rows.row(a).cmp(&rows.row(b)));
    let mut cuts: Vec<u32> = Vec::with_capacity(n.saturating_sub(1));
    for j in 1..n {
        let Some(&at) = order.get(j * order.len() / n) else { continue };
        if cuts.last().is_none_or(|&last| rows.row(last as usize) != rows.row(at)) {
            cuts.push(at as u32);
        }
    }
    let cuts = UInt32Array::from(cuts);
    let columns =
        sample.columns().iter().map(|c| take(c.as_ref(), &cuts, None)).collect::<Result<Vec<_>, _>>()?;
    Ok(RecordBatch::try_new(schema, columns)?)
}

/// `batch` split into `n` buckets by `boundaries` (from
/// [`range_boundaries`], at most `n - 1` rows): a row goes to the number of
/// boundaries at or below its key. Rows keep their order within a bucket.
///
/// # Errors
/// Unknown key columns, boundaries of other types, too many boundaries.
pub fn range_split(
    batch: &RecordBatch,
    keys: &[SortKey],
    boundaries: &RecordBatch,
    n: usize,
) -> Result<Vec<RecordBatch>> {
    if boundaries.num_rows() >= n.max(1) {
        return Err(Error::Internal(format!("{} boundaries for {n} buckets", boundaries.num_rows())));
    }
    let cuts = SortEncoder::try_new(&boundaries.schema(), keys)?.encode(boundaries)?;
    let cuts: Vec<_> = cuts.iter().collect();
    let bucket_of = |row: Row<'_>| cuts.partition_point(|cut| *cut <= row) as u32;
    if let [key] = keys {
        if let Some(DictionaryProbe { probe, rows }) =
            dictionary_probe(column_of(batch, &key.column)?.as_ref())?
        {
            // A dictionary row's bucket depends on its entry alone: find
            // each entry's once (see `sort::dictionary`).
            let probe_buckets: Vec<u32> = encode_probe(&probe, key)?.iter().map(bucket_of).collect();
            // Each probe index is below probe.len() (built so).
            let buckets: Vec<u32> = rows.iter().map(|&p| probe_buckets[p as usize]).collect();
            return split_by_bucket(batch, &buckets, n);
        }
    }
    let rows = SortEncoder::try_new(&batch.schema(), keys)?.encode(batch)?;
    let buckets: Vec<u32> = rows.iter().map(bucket_of).collect();
    split_by_bucket(batch, &buckets, n)
}

fn column_of(batch: &RecordBatch, name: &str) -> Result<ArrayRef> {
    batch.column_by_name(name).cloned().ok_or_else(|| Error::ColumnNotFound {
        name: name.to_string(),
        available: batch.schema().fields().iter().map(|f| f.name().clone()).collect(),
    })
}

/// The schema of the key columns of `batch`.
fn key_schema(batch: &RecordBatch, keys: &[SortKey]) -> Result<Arc<Schema>> {
    let fields = keys
        .iter()
        .map(|k| Ok(Field::new(k.column.clone(), column_of(batch, &k.column)?.data_type().clone(), true)))
        .collect::<Result<Vec<_>>>()?;
    Ok(Arc::new(Schema::new(fields)))
}

#[cfg(test)]
mod tests {
    use arrow::array::{AsArray, Float64Array, Int64Array};
    use arrow::datatypes::{DataType, Int64Type};

    use super::*;

    fn batch(values: Vec<Option<i64>>) -> RecordBatch {
        let schema = Schema::new(vec![Field::new("k", DataType::Int64, true)]);
        RecordBatch::try_new(Arc::new(schema), vec![Arc::new(Int64Array::from(values))]).unwrap()
    }

    fn keys_of(b: &RecordBatch) -> Vec<Option<i64>> {
        b.column(0).as_primitive::<Int64Type>().iter().collect()
    }

    #[test]
    fn buckets_in_order_cover_every_row() {
        let inputs: Vec<RecordBatch> = (0..3)
            .map(|p| {
                batch((0..1000).map(|i| if i % 97 == 0 { None } else { Some((i * 7 + p) % 500) }).collect())
            })
            .collect();
        let keys = [SortKey::new("k")];
        let bounds = range_boundaries(&inputs, &keys, 4).unwrap();
        assert!(bounds.num_rows() <= 3 && bounds.num_rows() >= 2);
        let mut all: Vec<Vec<Option<i64>>> = vec![vec![]; 4];
        for input in &inputs {
            for (j, b) in range_split(input, &keys, &bounds, 4).unwrap().iter().enumerate() {
                all[j].extend(keys_of(b));
            }
        }
        // Every key of bucket j is below every key of bucket j + 1; nulls last.
        let flat: Vec<Option<i64>> = all
            .iter()
            .flat_map(|b| {
                let mut b = b.clone();
                b.sort_by_key(|k| (k.is_none(), *k));
                b
            })
            .collect();
        let mut expected = flat.clone();
        expected.sort_by_key(|k| (k.is_none(), *k));
        assert_eq!(flat, expected);
        assert_eq!(flat.len(), 3000);
        assert!(
            all.iter().filter(|b| !b.is_empty()).count() >= 3,
            "poorly balanced: {:?}",
            all.iter().map(Vec::len).collect::<Vec<_>>()
        );
    }

    /// A dictionary key (entry by entry) buckets its rows as the same key
    /// as plain strings does (row by row), in every order.
    #[test]
    fn dictionary_keys_split_as_their_values() {
        use arrow::array::{DictionaryArray, Int32Array, StringArray};
        use arrow::compute::cast;
        let values = StringArray::from(vec![Some("m"), Some("a"), None, Some("z"), Some("a"), Some("q")]);
        let keys: Int32Array = (0..500).map(|i| (i % 11 != 0).then_some(i * 7 % 6)).collect();
        let dict: ArrayRef = Arc::new(DictionaryArray::try_new(keys, Arc::new(values)).unwrap());
        let ids: ArrayRef = Arc::new(Int64Array::from_iter_values(0..500));
        let as_dict = RecordBatch::try_from_iter(vec![("k", dict.clone()), ("id", ids.clone())]).unwrap();
        let plain = cast(&dict, &DataType::Utf8).unwrap();
        let as_plain = RecordBatch::try_from_iter(vec![("k", plain), ("id", ids)]).unwrap();
        for (asc, nf) in [(true, false), (false, false), (true, true), (false, true)] {
            let keys = [SortKey::new("k").ascending(asc).nulls_first(nf)];
            let bounds = range_boundaries(std::slice::from_ref(&as_dict), &keys, 4).unwrap();
            let plain_bounds =
                RecordBatch::try_from_iter(vec![("k", cast(bounds.column(0), &DataType::Utf8).unwrap())])
                    .unwrap();
            let fast = range_split(&as_dict, &keys, &bounds, 4).unwrap();
            let general = range_split(&as_plain, &keys, &plain_bounds, 4).unwrap();
            let ids_of = |b: &RecordBatch| b.column(1).as_primitive::<Int64Type>().values().to_vec();
            for (f, g) in fast.iter().zip(&general) {
                assert_eq!(ids_of(f), ids_of(g), "asc={asc} nulls_first={nf}");
            }
            assert!(fast.iter().filter(|b| b.num_rows() > 0).count() >= 2);
        }
    }

    #[test]
    fn repeated_keys_never_straddle_and_descending_works() {
        let input = batch(vec![Some(5); 100]);
        let keys = [SortKey::new("k").ascending(false)];
        let bounds = range_boundaries(std::slice::from_ref(&input), &keys, 8).unwrap();
        assert_eq!(bounds.num_rows(), 1);
        let out = range_split(&input, &keys, &bounds, 8).unwrap();
        assert_eq!(out.iter().filter(|b| b.num_rows() > 0).count(), 1);
        let desc = batch((0..100).map(Some).collect());
        let bounds = range_boundaries(std::slice::from_ref(&desc), &keys, 2).unwrap();
        let out = range_split(&desc, &keys, &bounds, 2).unwrap();
        assert!(keys_of(&out[0]).iter().all(|k| k.unwrap() >= 50), "{:?}", keys_of(&out[0]));
        let f = RecordBatch::try_new(
            Arc::new(Schema::new(vec![Field::new("k", DataType::Float64, true)])),
            vec![Arc::new(Float64Array::from(vec![1.0, f64::NAN, -0.0]))],
        )
        .unwrap();
        assert!(range_boundaries(&[f], &[SortKey::new("k")], 2).is_ok());
        assert!(range_boundaries(&[input], &[SortKey::new("nope")], 2).is_err());
    }
}
