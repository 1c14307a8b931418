//! Duplicate rows, as pandas' `duplicated(subset, keep)` and
//! `drop_duplicates(subset, keep)`: which rows repeat the key of another.
//!
//! ```text
//! keys        "a" "b" "a" null "b" null "c"
//! group ids    0   1   0   2    1   2    3
//! keep=first   F   F   T   F    T   T    F    (a key seen earlier)
//! keep=last    T   T   F   T    F   F    F    (a key seen later)
//! keep=None    T   T   T   T    T   T    F    (a key seen twice or more)
//! ```
//!
//! Keys compare through the groupby's group ids (`aggregate::group_ids`),
//! so they are equal exactly when a groupby puts them in one group: a null
//! equals a null (pandas' `duplicated` treats NaN keys as equal too), NaN
//! equals NaN, dictionaries compare by value.
//!
//! The engine runs this over a hash shuffle (see `rusk::lower::dedup`): each
//! row's keys travel with a *row id* (its partition and row, [`row_ids`]),
//! a bucket flags its rows ([`flag_bucket`]), the flags go back to their
//! partition ([`split_by_partition`]) and are put in row order there
//! ([`flags_in_row_order`]).

use std::sync::Arc;

use arrow::array::{Array, ArrayRef, AsArray, BooleanArray, RecordBatch, UInt64Array};
use arrow::buffer::BooleanBuffer;
use arrow::datatypes::{DataType, Field, Schema, SchemaRef, UInt64Type};

use crate::aggregate::group_ids::GroupIds;
use crate::error::{Error, Result};
use crate::partition::split_by_bucket;

/// Which of the rows sharing a key are *not* duplicates: pandas' `keep`.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
pub enum Keep {
    /// The first row of each key is kept, the later ones are duplicates
    /// (pandas' `keep="first"`, the default).
    #[default]
    First,
    /// The last row of each key is kept (pandas' `keep="last"`).
    Last,
    /// Every row whose key appears more than once is a duplicate (pandas'
    /// `keep=False`).
    None,
}

impl Keep {
    /// pandas' spelling: `first`, `last`, `False`.
    pub fn name(self) -> &'static str {
        match self {
            Keep::First => "first",
            Keep::Last => "last",
            Keep::None => "False",
        }
    }
}

/// What a dedup outputs: the kept rows or a flag per row.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
pub enum DedupMode {
    /// The rows that are not duplicates (`drop_duplicates`).
    DropDuplicates,
    /// One boolean column, `duplicated`, per row (`duplicated`).
    Duplicated,
}

impl DedupMode {
    /// The pandas method.
    pub fn method(self) -> &'static str {
        match self {
            DedupMode::DropDuplicates => "drop_duplicates",
            DedupMode::Duplicated => "duplicated",
        }
    }
}

/// The name of the row-id column the shuffle carries.
pub const ROW_ID: &str = "__rusk_row_id";

/// The name of the flag column (pandas' `duplicated` is a Series; rusk
/// returns a frame of this one column).
pub const DUPLICATED: &str = "duplicated";

/// Bits of a row id that hold the row within its partition.
const ROW_BITS: u32 = 32;

/// The schema of a bucket's flags: the row id and whether it is a duplicate.
pub fn flags_schema() -> SchemaRef {
    Arc::new(Schema::new(vec![
        Field::new(ROW_ID, DataType::UInt64, false),
        Field::new(DUPLICATED, DataType::Boolean, false),
    ]))
}

/// Whether each of the `num_rows` rows of `keys` repeats the key of another
/// row, under `keep`, in row order.
///
/// # Errors
/// [`Error::InvalidArgument`] without key columns; [`Error::Type`] for keys
/// that cannot be grouped; more than `u32::MAX` distinct keys.
pub fn duplicated(keys: &[ArrayRef], num_rows: usize, keep: Keep) -> Result<BooleanArray> {
    if keys.is_empty() {
        return Err(Error::InvalidArgument("duplicated needs at least one key column".into()));
    }
    let types: Vec<DataType> = keys.iter().map(|k| k.data_type().clone()).collect();
    let mut table = GroupIds::new(&types)?;
    let mut ids = Vec::with_capacity(num_rows);
    table.intern(keys, num_rows, &mut ids)?;
    let groups = table.num_groups();
    let flags = match keep {
        Keep::First => {
            let mut seen = vec![false; groups];
            let flags: Vec<bool> =
                ids.iter().map(|&g| std::mem::replace(&mut seen[g as usize], true)).collect();
            flags
        }
        Keep::Last => {
            let mut seen = vec![false; groups];
            let mut flags = vec![false; ids.len()];
            for (flag, &g) in flags.iter_mut().zip(&ids).rev() {
                *flag = std::mem::replace(&mut seen[g as usize], true);
            }
            flags
        }
        Keep::None => {
            let mut count = vec![0u32; groups];
            for &g in &ids {
                let c = &mut count[g as usize];
                *c = c.saturating_add(1);
            }
            ids.iter().map(|&g| count[g as usize] > 1).collect()
        }
    };
    Ok(BooleanArray::new(BooleanBuffer::from(flags), None))
}

/// The row ids of the `num_rows` rows of partition `partition`: the
/// partition in the high 32 bits, the row in the low 32, so that ids sort
/// in the frame's row order.
///
/// # Errors
/// [`Error::InvalidArgument`] for a partition or a row count of 2³² or more.
pub fn row_ids(partition: usize, num_rows: usize) -> Result<UInt64Array> {
    let p = u32::try_from(partition)
        .map_err(|_| Error::InvalidArgument("drop_duplicates: more than 2^32 partitions".into()))?;
    let n = u32::try_from(num_rows)
        .map_err(|_| Error::InvalidArgument("drop_duplicates: a partition of 2^32 rows or more".into()))?;
    let base = u64::from(p) << ROW_BITS;
    Ok(UInt64Array::from_iter_values((0..u64::from(n)).map(|r| base | r)))
}

/// `batch`'s `columns` (by name) followed by its [`row_ids`] as partition
/// `partition`: what a partition sends into the shuffle.
///
/// # Errors
/// [`Error::ColumnNotFound`] for an unknown column; those of [`row_ids`].
pub fn with_row_ids(batch: &RecordBatch, columns: &[String], partition: usize) -> Result<RecordBatch> {
    let schema = batch.schema();
    let mut fields = Vec::with_capacity(columns.len() + 1);
    let mut arrays: Vec<ArrayRef> = Vec::with_capacity(columns.len() + 1);
    for c in columns {
        let i = schema.index_of(c).map_err(|_| Error::ColumnNotFound {
            name: c.clone(),
            available: schema.fields().iter().map(|f| f.name().clone()).collect(),
        })?;
        fields.push(schema.field(i).clone());
        arrays.push(Arc::clone(batch.column(i)));
    }
    fields.push(Field::new(ROW_ID, DataType::UInt64, false));
    arrays.push(Arc::new(row_ids(partition, batch.num_rows())?));
    Ok(RecordBatch::try_new(Arc::new(Schema::new(fields)), arrays)?)
}

/// A bucket's flags: `batch` holds key columns then, last, the row ids, in
/// increasing order (the bucket's rows in the frame's order, as a shuffle
/// delivers them); the result is `(row id, duplicated)` per row
/// ([`flags_schema`]). Every row of a key is in the bucket (the shuffle
/// hashed on the key), so its flags are the frame's.
///
/// # Errors
/// [`Error::Internal`] when the last column is not increasing row ids;
/// those of [`duplicated`].
pub fn flag_bucket(batch: &RecordBatch, keep: Keep) -> Result<RecordBatch> {
    let (ids, keys) = batch
        .columns()
        .split_last()
        .ok_or_else(|| Error::Internal("a dedup bucket without a row-id column".into()))?;
    let ids = ids
        .as_primitive_opt::<UInt64Type>()
        .ok_or_else(|| Error::Internal("a dedup bucket's row ids are not u64".into()))?;
    if ids.null_count() > 0 || ids.values().windows(2).any(|w| w[0] >= w[1]) {
        // The flags of keep=first/last depend on the rows' order.
        return Err(Error::Internal("a dedup bucket's rows are out of order (a bug in rusk)".into()));
    }
    let flags = duplicated(keys, batch.num_rows(), keep)?;
    Ok(RecordBatch::try_new(flags_schema(), vec![Arc::new(ids.clone()), Arc::new(flags)])?)
}

/// `batch` (whose first column is row ids) split into `n` buckets by the
/// partition of each row id: bucket `i` goes back to partition `i`.
///
/// # Errors
/// [`Error::Internal`] for a row id of a partition `n` or above, or a first
/// column that is not row ids.
pub fn split_by_partition(batch: &RecordBatch, n: usize) -> Result<Vec<RecordBatch>> {
    let ids = batch
        .columns()
        .first()
        .and_then(|c| c.as_primitive_opt::<UInt64Type>())
        .ok_or_else(|| Error::Internal("dedup flags without a row-id column".into()))?;
    let buckets: Vec<u32> = ids
        .values()
        .iter()
        .map(|&id| {
            let p = (id >> ROW_BITS) as u32;
            if (p as usize) < n {
                Ok(p)
            } else {
                Err(Error::Internal(format!("a row id of partition {p} of {n}")))
            }
        })
        .collect::<Result<_>>()?;
    split_by_bucket(batch, &buckets, n)
}

/// The flags of one partition in its row order: `batch` holds
/// `(row id, duplicated)` ([`flags_schema`]) for every row of the
/// partition exactly once, in any order.
///
/// # Errors
/// [`Error::Internal`] when a row is missing or given twice.
pub fn flags_in_row_order(batch: &RecordBatch) -> Result<BooleanArray> {
    let [ids, flags] = batch.columns() else {
        return Err(Error::Internal("dedup flags are (row id, duplicated)".into()));
    };
    let (Some(ids), Some(flags)) = (ids.as_primitive_opt::<UInt64Type>(), flags.as_boolean_opt()) else {
        return Err(Error::Internal("dedup flags are (u64, bool)".into()));
    };
    let n = batch.num_rows();
    let mut out = vec![false; n];
    let mut set = vec![false; n];
    for (i, &id) in ids.values().iter().enumerate() {
        let row = (id & ((1u64 << ROW_BITS) - 1)) as usize;
        match set.get_mut(row) {
            Some(s) if !*s => *s = true,
            _ => return Err(Error::Internal(format!("dedup: row {row} flagged twice or out of range"))),
        }
        out[row] = flags.value(i);
    }
    // n ids, each a distinct row below n: every row is set.
    Ok(BooleanArray::new(BooleanBuffer::from(out), None))
}

#[cfg(test)]
mod tests {
    use arrow::array::{DictionaryArray, Float64Array, Int64Array, StringArray};
    use arrow::datatypes::Int32Type;

    use super::*;

    fn flags(a: &BooleanArray) -> Vec<bool> {
        a.iter().map(|v| v.expect("no null flags")).collect()
    }

    fn strings(v: Vec<Option<&str>>) -> ArrayRef {
        Arc::new(StringArray::from(v))
    }

    #[test]
    fn keep_first_last_none_with_null_keys() {
        let k = strings(vec![Some("a"), Some("b"), Some("a"), None, Some("b"), None, Some("c")]);
        let first = duplicated(&[Arc::clone(&k)], 7, Keep::First).unwrap();
        assert_eq!(flags(&first), [false, false, true, false, true, true, false]);
        let last = duplicated(&[Arc::clone(&k)], 7, Keep::Last).unwrap();
        assert_eq!(flags(&last), [true, true, false, true, false, false, false]);
        let none = duplicated(&[k], 7, Keep::None).unwrap();
        assert_eq!(flags(&none), [true, true, true, true, true, true, false]);
    }

    #[test]
    fn several_keys_compare_as_tuples() {
        let a: ArrayRef = Arc::new(Int64Array::from(vec![Some(1), Some(1), None, Some(1), None]));
        let b = strings(vec![Some("x"), Some("y"), Some("x"), Some("x"), Some("x")]);
        let d = duplicated(&[a, b], 5, Keep::First).unwrap();
        assert_eq!(flags(&d), [false, false, false, true, true]);
    }

    #[test]
    fn empty_one_row_sliced_all_null_and_dictionary() {
        let empty: ArrayRef = Arc::new(Int64Array::from(Vec::<i64>::new()));
        assert_eq!(duplicated(&[empty], 0, Keep::None).unwrap().len(), 0);
        let one: ArrayRef = Arc::new(Int64Array::from(vec![7]));
        for keep in [Keep::First, Keep::Last, Keep::None] {
            assert_eq!(flags(&duplicated(&[Arc::clone(&one)], 1, keep).unwrap()), [false]);
        }
        // Offset ≠ 0: rows 1..4 of [9, 1, 2, 1, 9] are [1, 2, 1].
        let sliced = Arc::new(Int64Array::from(vec![9, 1, 2, 1, 9])).slice(1, 3);
        let sliced: ArrayRef = Arc::new(sliced);
        assert_eq!(flags(&duplicated(&[sliced], 3, Keep::Last).unwrap()), [true, false, false]);
        let nulls: ArrayRef = Arc::new(Float64Array::from(vec![None, None, None]));
        assert_eq!(flags(&duplicated(&[nulls], 3, Keep::First).unwrap()), [false, true, true]);
        let nan: ArrayRef = Arc::new(Float64Array::from(vec![f64::NAN, 1.0, f64::NAN]));
        assert_eq!(flags(&duplicated(&[nan], 3, Keep::None).unwrap()), [true, false, true]);
        let dict: ArrayRef = Arc::new(
            vec![Some("x"), None, Some("x"), None].into_iter().collect::<DictionaryArray<Int32Type>>(),
        );
        assert_eq!(flags(&duplicated(&[dict], 4, Keep::First).unwrap()), [false, false, true, true]);
        assert!(matches!(duplicated(&[], 3, Keep::First), Err(Error::InvalidArgument(_))));
    }

    #[test]
    fn row_ids_order_and_route_back() {
        let ids = row_ids(2, 3).unwrap();
        assert_eq!(ids.values().as_ref(), [2 << 32, (2 << 32) | 1, (2 << 32) | 2]);
        let schema =
            Schema::new(vec![Field::new("k", DataType::Utf8, true), Field::new("v", DataType::Int64, true)]);
        let batch = RecordBatch::try_new(
            Arc::new(schema),
            vec![strings(vec![Some("a"), None, Some("a")]), Arc::new(Int64Array::from(vec![1, 2, 3]))],
        )
        .unwrap();
        let sent = with_row_ids(&batch, &["k".to_string()], 1).unwrap();
        assert_eq!(sent.schema().field(1).name(), ROW_ID);
        assert_eq!(sent.num_columns(), 2);
        assert!(matches!(with_row_ids(&batch, &["nope".to_string()], 0), Err(Error::ColumnNotFound { .. })));

        // A bucket holding rows of partitions 0 and 1, in frame order.
        let keys = strings(vec![Some("a"), None, Some("a"), None]);
        let ids: ArrayRef = Arc::new(UInt64Array::from(vec![0, 5, 1 << 32, (1 << 32) | 2]));
        let schema = Schema::new(vec![
            Field::new("k", DataType::Utf8, true),
            Field::new(ROW_ID, DataType::UInt64, false),
        ]);
        let bucket = RecordBatch::try_new(Arc::new(schema), vec![keys, ids]).unwrap();
        let flagged = flag_bucket(&bucket, Keep::First).unwrap();
        assert_eq!(flags(flagged.column(1).as_boolean()), [false, false, true, true]);
        let back = split_by_partition(&flagged, 2).unwrap();
        assert_eq!(back.iter().map(RecordBatch::num_rows).collect::<Vec<_>>(), [2, 2]);
        assert!(split_by_partition(&flagged, 1).is_err());
        // Partition 1's rows 2 and 0 (as a receiver might get them), back in row order.
        let p1 = RecordBatch::try_new(
            flags_schema(),
            vec![
                Arc::new(UInt64Array::from(vec![(1 << 32) | 1, 1 << 32])),
                Arc::new(BooleanArray::from(vec![true, false])),
            ],
        )
        .unwrap();
        assert_eq!(flags(&flags_in_row_order(&p1).unwrap()), [false, true]);
        let twice = RecordBatch::try_new(
            flags_schema(),
            vec![Arc::new(UInt64Array::from(vec![0, 0])), Arc::new(BooleanArray::from(vec![true, false]))],
        )
        .unwrap();
        assert!(matches!(flags_in_row_order(&twice), Err(Error::Internal(_))));
        let empty = RecordBatch::new_empty(flags_schema());
        assert_eq!(flags_in_row_order(&empty).unwrap().len(), 0);
        // Rows out of order are a bug, not a wrong answer.
        let reversed = bucket.slice(0, 2);
        let swapped = RecordBatch::try_new(
            bucket.schema(),
            vec![Arc::clone(reversed.column(0)), Arc::new(UInt64Array::from(vec![5, 0]))],
        )
        .unwrap();
        assert!(matches!(flag_bucket(&swapped, Keep::Last), Err(Error::Internal(_))));
    }
}
