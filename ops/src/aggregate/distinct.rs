//! `nunique`: the exact number of distinct non-null values of a group.
//!
//! Values are interned like group keys (the same [`GroupIds`] table and
//! fast paths), which turns each into a dense value id; a group's distinct
//! values are then the distinct `(group, value id)` pairs, kept in a hash
//! set of `u64`s. The state is the list of distinct values of each group
//! (`List<value type>`), so the state grows with the number of distinct
//! pairs, not with the rows; merging unions the lists. Floats are grouped
//! as keys are: `-0.0` is `0.0`, and NaN (a value here) is one value.

use std::sync::Arc;

use arrow::array::{Array, ArrayRef, AsArray, Int64Array, ListArray, UInt32Array};
use arrow::buffer::{OffsetBuffer, ScalarBuffer};
use arrow::compute::take;
use arrow::datatypes::{DataType, Field};
use hashbrown::hash_table::{Entry, HashTable};

use super::accumulator::{one, sort_by_group, GroupedAggregate};
use super::function::{field, first, list_item, list_of, AggregateImpl};
use super::group_ids::key_output_type;
use super::group_ids::{hash_u64, GroupIds};
use crate::error::{Error, Result};

/// Distinct `(group, value)` pairs.
pub(crate) struct Nunique {
    value_type: DataType,
    /// The distinct values seen by any group.
    values: GroupIds,
    /// `group << 32 | value id`, as a set.
    set: HashTable<u64>,
    /// The same pairs, in first-seen order.
    pairs: Vec<u64>,
    /// Number of groups.
    n: usize,
    /// Scratch: value ids of a batch.
    ids: Vec<u32>,
}

impl Nunique {
    pub(crate) fn new(value_type: DataType) -> Result<Self> {
        Ok(Nunique {
            values: GroupIds::new(std::slice::from_ref(&value_type))?,
            value_type,
            set: HashTable::new(),
            pairs: Vec::new(),
            n: 0,
            ids: Vec::new(),
        })
    }

    /// Adds the pair of `values[i]` and `group_of(i)` for every non-null value.
    fn add(&mut self, values: &ArrayRef, group_of: impl Fn(usize) -> u32) -> Result<()> {
        let mut ids = std::mem::take(&mut self.ids);
        self.values.intern(std::slice::from_ref(values), values.len(), &mut ids)?;
        let nulls = values.logical_nulls().filter(|n| n.null_count() > 0);
        for (i, &id) in ids.iter().enumerate() {
            if nulls.as_ref().is_some_and(|n| n.is_null(i)) {
                continue;
            }
            let pair = u64::from(group_of(i)) << 32 | u64::from(id);
            let h = hash_u64(pair);
            if let Entry::Vacant(e) = self.set.entry(h, |&p| p == pair, |&p| hash_u64(p)) {
                e.insert(pair);
                self.pairs.push(pair);
            }
        }
        self.ids = ids;
        Ok(())
    }

    /// The group of every pair, and its value id.
    fn split_pairs(&self) -> (Vec<u32>, Vec<u32>) {
        self.pairs.iter().map(|&p| ((p >> 32) as u32, p as u32)).unzip()
    }
}

impl GroupedAggregate for Nunique {
    fn update(&mut self, cols: &[ArrayRef], groups: &[u32], n: usize) -> Result<()> {
        self.n = self.n.max(n);
        let values = one(cols, groups)?;
        self.add(values, |i| groups[i])
    }

    fn state(&mut self) -> Result<Vec<ArrayRef>> {
        let (groups, ids) = self.split_pairs();
        let (offsets, ids) = sort_by_group(&groups, &ids, self.n);
        let distinct =
            self.values.emit()?.into_iter().next().ok_or_else(|| Error::Internal("no values".into()))?;
        let values = take(distinct.as_ref(), &UInt32Array::from(ids), None)?;
        let offsets = offsets
            .into_iter()
            .map(|o| {
                i32::try_from(o).map_err(|_| {
                    Error::InvalidArgument("more than 2^31 distinct values in one nunique state".into())
                })
            })
            .collect::<Result<Vec<i32>>>()?;
        let field = Arc::new(Field::new_list_field(self.value_type.clone(), true));
        // Offsets start at 0 and never decrease (a prefix sum), as
        // `OffsetBuffer::new` asserts.
        let list = ListArray::try_new(field, OffsetBuffer::new(ScalarBuffer::from(offsets)), values, None)?;
        Ok(vec![Arc::new(list)])
    }

    fn merge(&mut self, st: &[ArrayRef], groups: &[u32], n: usize) -> Result<()> {
        self.n = self.n.max(n);
        let list = one(st, groups)?;
        let list = list
            .as_list_opt::<i32>()
            .ok_or_else(|| Error::Internal(format!("nunique state of type {}", list.data_type())))?;
        let offsets = list.value_offsets();
        let (start, end) = (offsets[0] as usize, offsets[offsets.len() - 1] as usize);
        let values = list.values().slice(start, end - start);
        // The group of each value: its list's row's group.
        let mut value_groups = Vec::with_capacity(end - start);
        for (w, &g) in offsets.windows(2).zip(groups) {
            value_groups.extend(std::iter::repeat_n(g, (w[1] - w[0]) as usize));
        }
        self.add(&values, |i| value_groups[i])
    }

    fn finish(&mut self) -> Result<ArrayRef> {
        let mut counts = vec![0i64; self.n];
        for &p in &self.pairs {
            counts[(p >> 32) as usize] += 1;
        }
        Ok(Arc::new(Int64Array::from(counts)))
    }
}

/// `nunique`: the distinct values of each group, kept as a list.
pub(crate) struct NuniqueFunction;

impl AggregateImpl for NuniqueFunction {
    /// The state holds the distinct values.
    fn fixed_state(&self) -> bool {
        false
    }

    fn name(&self) -> &'static str {
        "nunique"
    }

    fn output_type(&self, _args: &[DataType]) -> Result<DataType> {
        Ok(DataType::Int64)
    }

    fn output_nullable(&self) -> bool {
        false
    }

    fn state_fields(&self, args: &[DataType], _output: &DataType) -> Result<Vec<Field>> {
        let t = key_output_type(&args[0]);
        // The distinct values are interned like keys: the type must be groupable.
        GroupIds::new(std::slice::from_ref(&t))?;
        Ok(vec![field("values", list_of(t), false)])
    }

    fn accumulator(&self, state: &[DataType]) -> Result<Box<dyn GroupedAggregate>> {
        Ok(Box::new(Nunique::new(list_item(self.name(), &first(self.name(), state)?)?)?))
    }
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use arrow::array::*;
    use arrow::datatypes::Int32Type;

    use crate::aggregate::tests::{assert_column, batch, groupby};
    use crate::expr::col;

    #[test]
    fn distinct_non_null_values() {
        let strs =
            vec![Some("a"), Some("a"), None, Some("a long string, not inline"), Some("b"), None, Some("b")];
        let dict: DictionaryArray<Int32Type> = strs.iter().copied().collect();
        let b = batch(vec![
            ("k", Arc::new(Int64Array::from(vec![1, 1, 1, 1, 2, 3, 2]))),
            ("i", Arc::new(Int64Array::from(vec![Some(1), Some(1), None, Some(2), Some(5), None, Some(5)]))),
            (
                "f",
                Arc::new(Float64Array::from(vec![
                    Some(0.0),
                    Some(-0.0),
                    Some(f64::NAN),
                    Some(f64::NAN),
                    None,
                    None,
                    Some(1.0),
                ])),
            ),
            ("s", Arc::new(StringViewArray::from(strs))),
            ("d", Arc::new(dict)),
        ]);
        let aggs = [col("i").nunique(), col("f").nunique(), col("s").nunique(), col("d").nunique()];
        let out = groupby(&b, &["k"], &aggs);
        assert_column(&out, "i.nunique()", Int64Array::from(vec![2, 1, 0]));
        // 0.0 and -0.0 are one value, NaNs another.
        assert_column(&out, "f.nunique()", Int64Array::from(vec![2, 1, 0]));
        assert_column(&out, "s.nunique()", Int64Array::from(vec![2, 1, 0]));
        assert_column(&out, "d.nunique()", Int64Array::from(vec![2, 1, 0]));
        let out = groupby(&b.slice(1, 3), &[], &[col("s").nunique(), col("i").nunique()]);
        assert_column(&out, "s.nunique()", Int64Array::from(vec![2]));
        assert_column(&out, "i.nunique()", Int64Array::from(vec![2]));
        let out = groupby(&b.slice(0, 0), &[], &[col("s").nunique()]);
        assert_column(&out, "s.nunique()", Int64Array::from(vec![0]));
    }
}
