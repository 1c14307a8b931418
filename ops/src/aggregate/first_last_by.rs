//! `first_by` and `last_by`: the non-null value of a group at the
//! smallest (largest) order key, ties to the earliest (latest) row; null
//! when the group has none. What `first` and `last` mean in a resample,
//! whose rows pandas takes in time order, not in row order.
//!
//! As `first_last`, rows are never copied while grouping: each group keeps
//! where its value is and its order key, and the values are gathered once.
//! The state is the value and its order key; merges get states in
//! partition order, so ties go to the left state (`first_by`) or the right
//! one (`last_by`), as they would in one pass over the rows.

use std::sync::Arc;

use arrow::array::{Array, ArrayRef, AsArray, Int64Array};
use arrow::compute::cast;
use arrow::datatypes::{DataType, Field, Int64Type};

use super::accumulator::{cast_to, columns, unpack_dictionary, GroupedAggregate};
use super::first_last::{gather, NONE};
use super::function::{field, first, value_type, AggregateImpl};
use crate::error::{Error, Result};

pub(crate) struct FirstLastBy {
    last: bool,
    data_type: DataType,
    chunks: Vec<ArrayRef>,
    /// `(chunk, row)` of each group's value.
    pos: Vec<(u32, u32)>,
    /// Each group's order key (meaningless while `pos` is `NONE`).
    order: Vec<i64>,
}

impl GroupedAggregate for FirstLastBy {
    fn update(&mut self, cols: &[ArrayRef], groups: &[u32], n: usize) -> Result<()> {
        let [values, order] = columns::<2>(cols, groups)?;
        self.pos.resize(n, (NONE, 0));
        self.order.resize(n, 0);
        let values = cast_to(&unpack_dictionary(values)?, &self.data_type)?;
        let order = cast(order, &DataType::Int64)?;
        let order = order.as_primitive::<Int64Type>();
        let chunk = u32::try_from(self.chunks.len())
            .ok()
            .filter(|&c| c != NONE)
            .ok_or_else(|| Error::InvalidArgument("too many batches in one aggregation".into()))?;
        let nulls = values.logical_nulls().filter(|n| n.null_count() > 0);
        for (i, &g) in groups.iter().enumerate() {
            if nulls.as_ref().is_some_and(|n| n.is_null(i)) || order.is_null(i) {
                continue;
            }
            let (g, o) = (g as usize, order.value(i));
            let better =
                self.pos[g].0 == NONE || if self.last { o >= self.order[g] } else { o < self.order[g] };
            if better {
                // `i` < the batch's length, which `columns` matched to `groups`.
                self.pos[g] = (chunk, i as u32);
                self.order[g] = o;
            }
        }
        self.chunks.push(values);
        Ok(())
    }

    fn state(&mut self) -> Result<Vec<ArrayRef>> {
        let order: Int64Array =
            self.pos.iter().zip(&self.order).map(|(p, &o)| (p.0 != NONE).then_some(o)).collect();
        Ok(vec![self.finish()?, Arc::new(order)])
    }

    fn finish(&mut self) -> Result<ArrayRef> {
        let out = gather(&self.chunks, &self.pos, &self.data_type)?;
        self.chunks.clear();
        self.pos.clear();
        self.order.clear();
        Ok(out)
    }
}

/// `first_by(value, order)` and `last_by(value, order)`.
pub(crate) struct FirstLastByFunction {
    /// At the largest order key rather than the smallest.
    pub(crate) last: bool,
}

impl AggregateImpl for FirstLastByFunction {
    fn name(&self) -> &'static str {
        if self.last {
            "last_by"
        } else {
            "first_by"
        }
    }

    fn arity(&self) -> usize {
        2
    }

    fn output_type(&self, args: &[DataType]) -> Result<DataType> {
        let order = &args[1];
        if !(order.is_integer() || order.is_temporal()) || matches!(order, DataType::Interval(_)) {
            return Err(Error::type_error(format!(
                "{} orders by integers or times, got {}",
                self.name(),
                crate::dtype::pandas_dtype(order)
            )));
        }
        Ok(value_type(&args[0]))
    }

    fn state_fields(&self, _args: &[DataType], output: &DataType) -> Result<Vec<Field>> {
        Ok(vec![field(self.name(), output.clone(), true), field("order", DataType::Int64, true)])
    }

    fn num_state_columns(&self) -> usize {
        2
    }

    fn accumulator(&self, state: &[DataType]) -> Result<Box<dyn GroupedAggregate>> {
        let data_type = first(self.name(), state)?;
        Ok(Box::new(FirstLastBy { last: self.last, data_type, chunks: vec![], pos: vec![], order: vec![] }))
    }
}
