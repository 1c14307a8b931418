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
use arrow::datatypes::{DataType, Field};

use super::accumulator::{cast_to, for_each_valid, one, unpack_dictionary, GroupedAggregate};
use super::function::{field, first, value_type, AggregateImpl};
use crate::error::{Error, Result};

/// Checks that `min`/`max` take values of type `t` (a dictionary's value type).
pub(crate) fn check_type(t: &DataType) -> Result<()> {
    if t.is_primitive()
        || matches!(t, DataType::Boolean | DataType::Utf8 | DataType::LargeUtf8 | DataType::Utf8View)
    {
        Ok(())
    } else {
        Err(Error::type_error(format!("min and max do not take {}", crate::dtype::pandas_dtype(t))))
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
        other => Err(Error::type_error(format!("min and max do not take {}", crate::dtype::pandas_dtype(other)))),
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
        let a = array.as_primitive_opt::<T>().ok_or_else(|| {
            Error::Internal(format!("min/max of {} given {}", self.data_type, array.data_type()))
        })?;
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

    fn finish(&mut self) -> Result<ArrayRef> {
        let values = std::mem::take(&mut self.values);
        let nulls = NullBuffer::from(std::mem::take(&mut self.seen));
        // `with_data_type` cannot panic: `data_type` is the type `T` was
        // dispatched from.
        let a =
            PrimitiveArray::<T>::try_new(values.into(), Some(nulls))?.with_data_type(self.data_type.clone());
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
            // The `as_*` downcasts cannot panic: each arm matched its type.
            DataType::Utf8 => self.update_iter(array.as_string::<i32>().iter(), groups),
            DataType::LargeUtf8 => self.update_iter(array.as_string::<i64>().iter(), groups),
            DataType::Utf8View => self.update_iter(array.as_string_view().iter(), groups),
            other => return Err(Error::Internal(format!("min/max of strings given {other}"))),
        }
        Ok(())
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

/// `min` and `max`: the state is the result.
pub(crate) struct MinMaxFunction {
    /// The largest rather than the smallest.
    pub(crate) max: bool,
}

impl AggregateImpl for MinMaxFunction {
    fn name(&self) -> &'static str {
        if self.max {
            "max"
        } else {
            "min"
        }
    }

    fn output_type(&self, args: &[DataType]) -> Result<DataType> {
        Ok(value_type(&args[0]))
    }

    fn state_fields(&self, _args: &[DataType], output: &DataType) -> Result<Vec<Field>> {
        check_type(output)?;
        Ok(vec![field(self.name(), output.clone(), true)])
    }

    fn accumulator(&self, state: &[DataType]) -> Result<Box<dyn GroupedAggregate>> {
        new_min_max(self.max, &first(self.name(), state)?)
    }
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use arrow::array::*;
    use arrow::datatypes::Int32Type;

    use crate::aggregate::tests::{assert_column, batch, column, groupby};
    use crate::expr::col;

    /// Groups: `a` (three rows, one null), `b` (all null), `c` (one row).
    fn data() -> RecordBatch {
        let strs = vec![Some("pear"), None, Some("apple"), Some("zoo"), None, None];
        let dict: DictionaryArray<Int32Type> = strs.iter().copied().collect();
        let tz = Some(Arc::from("UTC"));
        batch(vec![
            ("k", Arc::new(StringArray::from(vec!["a", "b", "a", "c", "a", "b"]))),
            ("i", Arc::new(Int16Array::from(vec![Some(5), None, Some(-3), Some(9), None, None]))),
            (
                "f",
                Arc::new(Float64Array::from(vec![
                    Some(1.5),
                    None,
                    Some(f64::NAN),
                    Some(-0.0),
                    Some(-1.0),
                    None,
                ])),
            ),
            ("s", Arc::new(StringArray::from(strs.clone()))),
            ("l", Arc::new(LargeStringArray::from(strs.clone()))),
            ("v", Arc::new(StringViewArray::from(strs))),
            ("d", Arc::new(dict)),
            ("b", Arc::new(BooleanArray::from(vec![Some(true), None, Some(false), Some(true), None, None]))),
            (
                "t",
                Arc::new(
                    TimestampSecondArray::from(vec![Some(10), None, Some(5), Some(1), None, None])
                        .with_timezone_opt(tz),
                ),
            ),
        ])
    }

    #[test]
    fn extremes_of_every_type() {
        let d = data();
        let cols = ["i", "f", "s", "l", "v", "d", "b", "t"];
        let aggs: Vec<_> = cols.iter().flat_map(|c| [col(*c).min(), col(*c).max()]).collect();
        let out = groupby(&d, &["k"], &aggs);
        assert_column(&out, "i.min()", Int16Array::from(vec![Some(-3), None, Some(9)]));
        assert_column(&out, "i.max()", Int16Array::from(vec![Some(5), None, Some(9)]));
        // NaN is the largest value (IEEE total order, as arrow sorts).
        assert_column(&out, "f.min()", Float64Array::from(vec![Some(-1.0), None, Some(-0.0)]));
        let fmax = column(&out, "f.max()").as_primitive::<arrow::datatypes::Float64Type>();
        assert!(fmax.value(0).is_nan() && fmax.is_null(1) && fmax.value(2) == 0.0);
        assert_column(&out, "s.min()", StringArray::from(vec![Some("apple"), None, Some("zoo")]));
        assert_column(&out, "s.max()", StringArray::from(vec![Some("pear"), None, Some("zoo")]));
        assert_column(&out, "l.max()", LargeStringArray::from(vec![Some("pear"), None, Some("zoo")]));
        assert_column(&out, "v.min()", StringViewArray::from(vec![Some("apple"), None, Some("zoo")]));
        // A dictionary's extremes come out as its values.
        assert_column(&out, "d.min()", StringArray::from(vec![Some("apple"), None, Some("zoo")]));
        assert_column(&out, "b.min()", BooleanArray::from(vec![Some(false), None, Some(true)]));
        assert_column(&out, "b.max()", BooleanArray::from(vec![Some(true), None, Some(true)]));
        let t = |v: Vec<Option<i64>>| TimestampSecondArray::from(v).with_timezone("UTC");
        assert_column(&out, "t.min()", t(vec![Some(5), None, Some(1)]));
        assert_column(&out, "t.max()", t(vec![Some(10), None, Some(1)]));
    }

    #[test]
    fn sliced_empty_and_whole_frame() {
        let d = data();
        let out = groupby(&d.slice(2, 4), &["k"], &[col("s").min(), col("i").max()]);
        assert_column(&out, "k", StringArray::from(vec!["a", "b", "c"]));
        assert_column(&out, "s.min()", StringArray::from(vec![Some("apple"), None, Some("zoo")]));
        assert_column(&out, "i.max()", Int16Array::from(vec![Some(-3), None, Some(9)]));
        let out = groupby(&d.slice(0, 0), &[], &[col("v").max(), col("b").min()]);
        assert_column(&out, "v.max()", StringViewArray::from(vec![None::<&str>]));
        assert_column(&out, "b.min()", BooleanArray::from(vec![None]));
        let out = groupby(&d, &[], &[col("v").max(), col("i").min()]);
        assert_column(&out, "v.max()", StringViewArray::from(vec!["zoo"]));
        assert_column(&out, "i.min()", Int16Array::from(vec![-3]));
    }

    #[test]
    fn other_types_are_errors() {
        let list = ListArray::from_iter_primitive::<Int32Type, _, _>(vec![Some(vec![Some(1)])]);
        let b = batch(vec![("x", Arc::new(list) as ArrayRef)]);
        let (specs, _) = crate::aggregate::tests::specs(&[col("x").min()]);
        let err = crate::aggregate::state_schema(&b.schema(), &[], &specs).unwrap_err();
        assert!(matches!(err, crate::error::Error::Type { .. }), "{err}");
    }
}
