//! A batch cut into its groups: what `groupby(..).apply(f)` calls `f` on.

use arrow::array::{Array, RecordBatch};
use arrow::buffer::NullBuffer;
use arrow::datatypes::{Field, Schema};
use std::sync::Arc;

use super::split::split_by_bucket;
use crate::aggregate::group_ids::GroupIds;
use crate::error::{Error, Result};
use crate::sort::{sort_to_indices, SortKey};

/// `batch`'s rows grouped by the columns `keys`: one batch per group, rows
/// in their input order within it, groups in key order (`sort`, nulls
/// last) or in the order they first appear. With `dropna`, rows with a null
/// key are dropped, as pandas' groupby does.
///
/// # Errors
/// Unknown key columns, key types that cannot be grouped or ordered.
pub fn split_groups(
    batch: &RecordBatch,
    keys: &[String],
    sort: bool,
    dropna: bool,
) -> Result<Vec<RecordBatch>> {
    let schema = batch.schema();
    let columns = keys
        .iter()
        .map(|k| {
            batch.column_by_name(k).cloned().ok_or_else(|| Error::ColumnNotFound {
                name: k.clone(),
                available: schema.fields().iter().map(|f| f.name().clone()).collect(),
            })
        })
        .collect::<Result<Vec<_>>>()?;
    let types: Vec<_> = columns.iter().map(|c| c.data_type().clone()).collect();
    let mut table = GroupIds::new(&types)?;
    let mut ids = Vec::with_capacity(batch.num_rows());
    table.intern(&columns, batch.num_rows(), &mut ids)?;
    let n = table.num_groups();
    let key_columns = table.emit()?;
    let key_fields: Vec<Field> = keys
        .iter()
        .zip(&key_columns)
        .map(|(k, c)| Field::new(k.clone(), c.data_type().clone(), true))
        .collect();
    let groups = RecordBatch::try_new(Arc::new(Schema::new(key_fields)), key_columns)?;
    // Each group's position in the output order; `u32::MAX` drops it.
    let order: Vec<u32> = if sort {
        let by: Vec<SortKey> = keys.iter().map(SortKey::new).collect();
        sort_to_indices(&groups, &by)?.values().to_vec()
    } else {
        (0..n as u32).collect()
    };
    let valid = groups
        .columns()
        .iter()
        .fold(None::<NullBuffer>, |acc, c| NullBuffer::union(acc.as_ref(), c.logical_nulls().as_ref()));
    let mut rank = vec![u32::MAX; n];
    let mut kept = 0u32;
    for &g in &order {
        if dropna && valid.as_ref().is_some_and(|v| v.is_null(g as usize)) {
            continue;
        }
        rank[g as usize] = kept;
        kept += 1;
    }
    // Dropped rows go to one extra bucket past the kept groups.
    let buckets: Vec<u32> = ids.iter().map(|&g| rank[g as usize].min(kept)).collect();
    let mut out = split_by_bucket(batch, &buckets, kept as usize + 1)?;
    out.pop();
    Ok(out)
}

#[cfg(test)]
mod tests {
    use arrow::array::{AsArray, Int64Array, StringArray};
    use arrow::datatypes::{DataType, Int64Type};

    use super::*;

    #[test]
    fn groups_in_key_or_first_seen_order() {
        let schema =
            Schema::new(vec![Field::new("k", DataType::Utf8, true), Field::new("v", DataType::Int64, false)]);
        let batch = RecordBatch::try_new(
            Arc::new(schema),
            vec![
                Arc::new(StringArray::from(vec![Some("b"), None, Some("a"), Some("b"), Some("a")])),
                Arc::new(Int64Array::from(vec![0, 1, 2, 3, 4])),
            ],
        )
        .unwrap();
        let values = |gs: &[RecordBatch]| -> Vec<Vec<i64>> {
            gs.iter().map(|g| g.column(1).as_primitive::<Int64Type>().values().to_vec()).collect()
        };
        let keys = ["k".to_string()];
        assert_eq!(values(&split_groups(&batch, &keys, true, true).unwrap()), vec![vec![2, 4], vec![0, 3]]);
        assert_eq!(values(&split_groups(&batch, &keys, false, true).unwrap()), vec![vec![0, 3], vec![2, 4]]);
        assert_eq!(
            values(&split_groups(&batch, &keys, true, false).unwrap()),
            vec![vec![2, 4], vec![0, 3], vec![1]]
        );
        assert!(split_groups(&batch, &["nope".to_string()], true, true).is_err());
    }
}
