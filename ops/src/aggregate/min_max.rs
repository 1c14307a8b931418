//! `min` and `max` of non-null values: null when a group has none.
//!
//! Numbers, dates, times and decimals compare natively, strings by their
//! UTF-8 bytes (code point order, as Python compares `str`), booleans with
//! `false < true`. Floats compare in IEEE total order, as arrow's kernels
//! do: a NaN (a value here, not a missing one) is larger than any number.
//! The state is the current extreme (null if none), so `merge` is `update`
//! over the state column. Dictionaries are read as their values.

use std::sync::Arc;

use arrow::array::{
    downcast_primitive, Array, ArrayRef, ArrowNativeTypeOp, ArrowPrimitiveType, AsArray, BooleanArray,
    LargeStringArray, PrimitiveArray, StringArray, StringViewArray,
};
use arrow::buffer::NullBuffer;
use arrow::datatypes::DataType;

use super::accumulator::{cast_to, for_each_valid, one, unpack_dictionary, GroupedAggregate};
use crate::error::{Error, Result};

/// Checks that `min`/`max` take values of type `t` (a dictionary's value type).
pub(crate) fn check_type(t: &DataType) -> Result<()> {
    if t.is_primitive() || matches!(t, DataType::Boolean | DataType::Utf8 | DataType::LargeUtf8 | DataType::Utf8View)
    {
        Ok(())
    } else {
        Err(Error::type_error(format!("min and max do not take {t}")))
    }
}

/// A `min` (or `max`) whose values have type `t`.
pub(crate) fn new_min_max(max: bool, t: &DataType) -> Result<Box<dyn GroupedAggregate>> {
    macro_rules! prim {
        ($ty:ty) => {
            Ok(Box::new(MinMaxPrimitive::<$ty> {
                max,
                data_type: t.clone(),
                values: Vec::new(),
                seen: Vec::new(),
            }) as Box<dyn GroupedAggregate>)
        };
    }
    downcast_primitive! {
        t => (prim),
        DataType::Boolean => Ok(Box::new(MinMaxBool { max, values: Vec::new() })),
        DataType::Utf8 | DataType::LargeUtf8 | DataType::Utf8View => {
            Ok(Box::new(MinMaxString { max, data_type: t.clone(), values: Vec::new() }))
        }
        other => Err(Error::type_error(format!("min and max do not take {other}"))),
    }
}

/// The argument (or state) column as values of `t`.
fn values_of(cols: &[ArrayRef], groups: &[u32], t: &DataType) -> Result<ArrayRef> {
    cast_to(&unpack_dictionary(one(cols, groups)?)?, t)
}

struct MinMaxPrimitive<T: ArrowPrimitiveType> {
    max: bool,
    data_type: DataType,
    values: Vec<T::Native>,
    seen: Vec<bool>,
}

impl<T: ArrowPrimitiveType> GroupedAggregate for MinMaxPrimitive<T> {
    fn update(&mut self, cols: &[ArrayRef], groups: &[u32], n: usize) -> Result<()> {
        self.values.resize(n, T::Native::default());
        self.seen.resize(n, false);
        let array = values_of(cols, groups, &self.data_type)?;
        let a = array
            .as_primitive_opt::<T>()
            .ok_or_else(|| Error::Internal(format!("min/max of {} given {}", self.data_type, array.data_type())))?;
        let (values, seen) = (&mut self.values, &mut self.seen);
        if self.max {
            for_each_valid(a.values(), a.nulls(), groups, |g, v| {
                if !seen[g] || values[g].is_lt(v) {
                    values[g] = v;
                    seen[g] = true;
                }
            });
        } else {
            for_each_valid(a.values(), a.nulls(), groups, |g, v| {
                if !seen[g] || v.is_lt(values[g]) {
                    values[g] = v;
                    seen[g] = true;
                }
            });
        }
        Ok(())
    }

    fn state(&mut self) -> Result<Vec<ArrayRef>> {
        Ok(vec![self.finish()?])
    }

    fn merge(&mut self, st: &[ArrayRef], groups: &[u32], n: usize) -> Result<()> {
        self.update(st, groups, n)
    }

    fn finish(&mut self) -> Result<ArrayRef> {
        let values = std::mem::take(&mut self.values);
        let nulls = NullBuffer::from(std::mem::take(&mut self.seen));
        // `with_data_type` cannot panic: `data_type` is the type `T` was
        // dispatched from.
        let a = PrimitiveArray::<T>::try_new(values.into(), Some(nulls))?.with_data_type(self.data_type.clone());
        Ok(Arc::new(a))
    }
}

/// 0 for none, then `false` as 1 and `true` as 2, so the order is numeric.
struct MinMaxBool {
    max: bool,
    values: Vec<u8>,
}

impl GroupedAggregate for MinMaxBool {
    fn update(&mut self, cols: &[ArrayRef], groups: &[u32], n: usize) -> Result<()> {
        self.values.resize(n, 0);
        let array = values_of(cols, groups, &DataType::Boolean)?;
        let a = array.as_boolean_opt().ok_or_else(|| Error::Internal("min/max of bool".into()))?;
        let values = &mut self.values;
        for (v, &g) in a.iter().zip(groups) {
            if let Some(v) = v {
                let v = 1 + u8::from(v);
                let cur = &mut values[g as usize];
                if *cur == 0 || (self.max && v > *cur) || (!self.max && v < *cur) {
                    *cur = v;
                }
            }
        }
        Ok(())
    }

    fn state(&mut self) -> Result<Vec<ArrayRef>> {
        Ok(vec![self.finish()?])
    }

    fn merge(&mut self, st: &[ArrayRef], groups: &[u32], n: usize) -> Result<()> {
        self.update(st, groups, n)
    }

    fn finish(&mut self) -> Result<ArrayRef> {
        let values = std::mem::take(&mut self.values);
        let a: BooleanArray = values.iter().map(|&v| (v > 0).then_some(v == 2)).collect();
        Ok(Arc::new(a))
    }
}

/// The current extreme of each group, owned; it is reallocated only when it
/// is replaced by a longer string.
struct MinMaxString {
    max: bool,
    data_type: DataType,
    values: Vec<Option<String>>,
}

impl MinMaxString {
    fn update_iter<'a>(&mut self, iter: impl Iterator<Item = Option<&'a str>>, groups: &[u32]) {
        let max = self.max;
        for (v, &g) in iter.zip(groups) {
            let Some(v) = v else { continue };
            match &mut self.values[g as usize] {
                slot @ None => *slot = Some(v.to_owned()),
                Some(cur) => {
                    if (max && v > cur.as_str()) || (!max && v < cur.as_str()) {
                        cur.clear();
                        cur.push_str(v);
                    }
                }
            }
        }
    }
}

impl GroupedAggregate for MinMaxString {
    fn update(&mut self, cols: &[ArrayRef], groups: &[u32], n: usize) -> Result<()> {
        self.values.resize(n, None);
        let array = unpack_dictionary(one(cols, groups)?)?;
        match array.data_type() {
            DataType::Utf8 => self.update_iter(array.as_string::<i32>().iter(), groups),
            DataType::LargeUtf8 => self.update_iter(array.as_string::<i64>().iter(), groups),
            DataType::Utf8View => self.update_iter(array.as_string_view().iter(), groups),
            other => return Err(Error::Internal(format!("min/max of strings given {other}"))),
        }
        Ok(())
    }

    fn state(&mut self) -> Result<Vec<ArrayRef>> {
        Ok(vec![self.finish()?])
    }

    fn merge(&mut self, st: &[ArrayRef], groups: &[u32], n: usize) -> Result<()> {
        self.update(st, groups, n)
    }

    fn finish(&mut self) -> Result<ArrayRef> {
        let values = std::mem::take(&mut self.values);
        Ok(match self.data_type {
            DataType::Utf8 => Arc::new(values.into_iter().collect::<StringArray>()),
            DataType::LargeUtf8 => Arc::new(values.into_iter().collect::<LargeStringArray>()),
            _ => Arc::new(values.into_iter().collect::<StringViewArray>()),
        })
    }
}
