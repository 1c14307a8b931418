//! `first` and `last`: the first (last) non-null value of a group, in row
//! order; null when the group has none.
//!
//! Rows are never copied while grouping: the aggregate remembers, per
//! group, which of the arrays it was given (`chunks`) and which row holds
//! the value, and gathers them once with arrow's `interleave`. Partitions
//! are ordered: a partial sees its batch in row order, and `merge` gets the
//! states in partition order, left to right, so the state (the value,
//! null if none) is all a merge needs: `first` keeps the value it has,
//! `last` takes every non-null one. Works for values of any type;
//! dictionaries come out as their values.

use arrow::array::{new_null_array, Array, ArrayRef};
use arrow::compute::interleave;
use arrow::datatypes::{DataType, Field};

use super::accumulator::{cast_to, one, unpack_dictionary, GroupedAggregate};
use super::function::{field, first, value_type, AggregateImpl};
use crate::error::{Error, Result};

/// `pos[g].0` for a group without a value yet.
pub(super) const NONE: u32 = u32::MAX;

/// Where each group's value is.
pub(crate) struct FirstLast {
    last: bool,
    data_type: DataType,
    /// The arrays seen, in order.
    chunks: Vec<ArrayRef>,
    /// `(chunk, row)` of each group's value.
    pos: Vec<(u32, u32)>,
}

impl FirstLast {
    pub(crate) fn new(last: bool, data_type: DataType) -> Self {
        FirstLast { last, data_type, chunks: Vec::new(), pos: Vec::new() }
    }
}

impl GroupedAggregate for FirstLast {
    fn update(&mut self, cols: &[ArrayRef], groups: &[u32], n: usize) -> Result<()> {
        self.pos.resize(n, (NONE, 0));
        let array = cast_to(&unpack_dictionary(one(cols, groups)?)?, &self.data_type)?;
        let chunk = u32::try_from(self.chunks.len())
            .ok()
            .filter(|&c| c != NONE)
            .ok_or_else(|| Error::InvalidArgument("too many batches in one aggregation".into()))?;
        let rows = u32::try_from(array.len())
            .map_err(|_| Error::InvalidArgument("a batch of more than 4294967295 rows".into()))?;
        let pos = &mut self.pos;
        let nulls = array.logical_nulls().filter(|n| n.null_count() > 0);
        let valid = |i: usize| nulls.as_ref().is_none_or(|n| n.is_valid(i));
        if self.last {
            for (i, &g) in (0..rows).zip(groups) {
                if valid(i as usize) {
                    pos[g as usize] = (chunk, i);
                }
            }
        } else {
            for (i, &g) in (0..rows).zip(groups) {
                let p = &mut pos[g as usize];
                if p.0 == NONE && valid(i as usize) {
                    *p = (chunk, i);
                }
            }
        }
        self.chunks.push(array);
        Ok(())
    }

    fn finish(&mut self) -> Result<ArrayRef> {
        let out = gather(&self.chunks, &self.pos, &self.data_type)?;
        self.chunks.clear();
        self.pos.clear();
        Ok(out)
    }
}

/// Each group's value, from `(chunk, row)` positions into `chunks`; null
/// for the groups without one (`NONE`).
pub(super) fn gather(chunks: &[ArrayRef], pos: &[(u32, u32)], data_type: &DataType) -> Result<ArrayRef> {
    // One more chunk, a single null, for the groups without a value.
    let null_chunk = chunks.len();
    let null = new_null_array(data_type, 1);
    let mut arrays: Vec<&dyn Array> = chunks.iter().map(|c| c.as_ref()).collect();
    arrays.push(null.as_ref());
    let indices: Vec<(usize, usize)> = pos
        .iter()
        .map(|&(c, r)| if c == NONE { (null_chunk, 0) } else { (c as usize, r as usize) })
        .collect();
    Ok(interleave(&arrays, &indices)?)
}

/// `first` and `last`: the state is the result.
pub(crate) struct FirstLastFunction {
    /// The last rather than the first.
    pub(crate) last: bool,
}

impl AggregateImpl for FirstLastFunction {
    fn name(&self) -> &'static str {
        if self.last {
            "last"
        } else {
            "first"
        }
    }

    fn output_type(&self, args: &[DataType]) -> Result<DataType> {
        Ok(value_type(&args[0]))
    }

    fn state_fields(&self, _args: &[DataType], output: &DataType) -> Result<Vec<Field>> {
        Ok(vec![field(self.name(), output.clone(), true)])
    }

    fn accumulator(&self, state: &[DataType]) -> Result<Box<dyn GroupedAggregate>> {
        Ok(Box::new(FirstLast::new(self.last, first(self.name(), state)?)))
    }
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use arrow::array::*;
    use arrow::datatypes::Int32Type;

    use crate::aggregate::tests::{assert_column, batch, groupby, groupby_with};
    use crate::aggregate::GroupOptions;
    use crate::expr::col;

    fn data() -> RecordBatch {
        let strs = vec![None, Some("x"), Some("y"), None, Some("z"), None];
        let dict: DictionaryArray<Int32Type> = strs.iter().copied().collect();
        batch(vec![
            ("k", Arc::new(Int64Array::from(vec![2, 1, 2, 3, 2, 1]))),
            ("i", Arc::new(Int64Array::from(vec![Some(10), None, Some(30), None, Some(50), Some(60)]))),
            ("s", Arc::new(StringViewArray::from(strs.clone()))),
            ("d", Arc::new(dict)),
            ("b", Arc::new(BooleanArray::from(vec![Some(false), None, Some(true), None, None, Some(true)]))),
        ])
    }

    #[test]
    fn first_and_last_non_null_in_row_order() {
        let aggs = [
            col("i").first(),
            col("i").last(),
            col("s").first(),
            col("s").last(),
            col("d").first(),
            col("b").last(),
        ];
        let out = groupby(&data(), &["k"], &aggs);
        assert_column(&out, "k", Int64Array::from(vec![1, 2, 3]));
        assert_column(&out, "i.first()", Int64Array::from(vec![Some(60), Some(10), None]));
        assert_column(&out, "i.last()", Int64Array::from(vec![Some(60), Some(50), None]));
        assert_column(&out, "s.first()", StringViewArray::from(vec![Some("x"), Some("y"), None]));
        assert_column(&out, "s.last()", StringViewArray::from(vec![Some("x"), Some("z"), None]));
        assert_column(&out, "d.first()", StringArray::from(vec![Some("x"), Some("y"), None]));
        assert_column(&out, "b.last()", BooleanArray::from(vec![Some(true), Some(true), None]));
    }

    #[test]
    fn sliced_empty_and_whole_frame() {
        let d = data();
        let options = GroupOptions { sort: false, dropna: true };
        let out = groupby_with(&d.slice(2, 4), &["k"], &[col("i").first(), col("s").last()], options);
        assert_column(&out, "k", Int64Array::from(vec![2, 3, 1]));
        assert_column(&out, "i.first()", Int64Array::from(vec![Some(30), None, Some(60)]));
        assert_column(&out, "s.last()", StringViewArray::from(vec![Some("z"), None, None]));
        let out = groupby(&d, &[], &[col("i").first(), col("i").last(), col("s").first()]);
        assert_column(&out, "i.first()", Int64Array::from(vec![10]));
        assert_column(&out, "i.last()", Int64Array::from(vec![60]));
        assert_column(&out, "s.first()", StringViewArray::from(vec!["x"]));
        let out = groupby(&d.slice(0, 0), &[], &[col("i").first()]);
        assert_column(&out, "i.first()", Int64Array::from(vec![None]));
    }
}
