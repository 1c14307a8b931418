//! `sum` of decimals, exact: pandas sums `Decimal` values exactly (Python's
//! decimal arithmetic, or pyarrow's `decimal128` kernels), so
//! `12345678901234567.89 + 0.01` is `12345678901234567.90`, where float64
//! would give `1.2345678901234568e16`.
//!
//! As pyarrow's `sum`, the result widens to the largest precision of its
//! width and keeps the scale: `decimal32/64/128(p, s)` sum to
//! `decimal128(38, s)`, `decimal256(p, s)` to `decimal256(76, s)`. A sum
//! beyond that precision is an error, never a wrapped value.

use std::sync::Arc;

use arrow::array::{Array, ArrayRef, AsArray, PrimitiveArray};
use arrow::compute::kernels::cast::cast;
use arrow::datatypes::{ArrowNativeTypeOp, DataType, Decimal128Type, Decimal256Type, DecimalType};

use super::accumulator::{for_each_valid, one, GroupedAggregate};
use crate::error::{Error, Result};

/// The type the sum of decimals of type `input` has, if `input` is a decimal.
pub(crate) fn decimal_sum_type(input: &DataType) -> Option<DataType> {
    match input {
        DataType::Decimal32(_, s) | DataType::Decimal64(_, s) | DataType::Decimal128(_, s) => {
            Some(DataType::Decimal128(Decimal128Type::MAX_PRECISION, *s))
        }
        DataType::Decimal256(_, s) => Some(DataType::Decimal256(Decimal256Type::MAX_PRECISION, *s)),
        _ => None,
    }
}

/// Running exact sums, one per group, of decimals of type `T`.
pub(crate) struct DecimalSum<T: DecimalType> {
    acc: Vec<T::Native>,
    /// The state and result type.
    data_type: DataType,
}

/// Makes the sum whose state and result have type `state` (see
/// [`decimal_sum_type`]).
///
/// # Errors
/// [`Error::Internal`] for a state that is not a decimal128 or decimal256.
pub(crate) fn new_decimal_sum(state: &DataType) -> Result<Box<dyn GroupedAggregate>> {
    Ok(match state {
        DataType::Decimal128(..) => {
            Box::new(DecimalSum::<Decimal128Type> { acc: Vec::new(), data_type: state.clone() })
        }
        DataType::Decimal256(..) => {
            Box::new(DecimalSum::<Decimal256Type> { acc: Vec::new(), data_type: state.clone() })
        }
        other => return Err(Error::Internal(format!("decimal sum state of type {other}"))),
    })
}

impl<T: DecimalType> GroupedAggregate for DecimalSum<T> {
    fn update(&mut self, cols: &[ArrayRef], groups: &[u32], n: usize) -> Result<()> {
        self.acc.resize(n, T::Native::ZERO);
        // Widening to the state's precision at the same scale is exact.
        let values = cast(one(cols, groups)?.as_ref(), &self.data_type)?;
        let values = values.as_primitive::<T>();
        let acc = &mut self.acc;
        let mut overflow = false;
        for_each_valid(values.values(), values.nulls(), groups, |g, v| match acc[g].add_checked(v) {
            Ok(sum) => acc[g] = sum,
            Err(_) => overflow = true,
        });
        if overflow {
            return Err(self.overflow());
        }
        Ok(())
    }

    fn finish(&mut self) -> Result<ArrayRef> {
        let sums = PrimitiveArray::<T>::from_iter_values(std::mem::take(&mut self.acc))
            .with_data_type(self.data_type.clone());
        let (DataType::Decimal128(precision, _) | DataType::Decimal256(precision, _)) = self.data_type else {
            return Err(Error::Internal(format!("decimal sum of type {}", self.data_type)));
        };
        // The native type holds more digits than the precision allows.
        if sums.validate_decimal_precision(precision).is_err() {
            return Err(self.overflow());
        }
        Ok(Arc::new(sums) as ArrayRef)
    }
}

impl<T: DecimalType> DecimalSum<T> {
    fn overflow(&self) -> Error {
        Error::type_error(format!("decimal sum overflows {} (pandas and pyarrow raise too)", self.data_type))
    }
}

#[cfg(test)]
mod tests {
    use arrow::array::{Decimal128Array, Decimal256Array, Int32Array};
    use arrow::datatypes::i256;

    use super::*;

    fn sum(state: &DataType, chunks: &[(ArrayRef, Vec<u32>)], n: usize) -> Result<ArrayRef> {
        let mut agg = new_decimal_sum(state)?;
        for (values, groups) in chunks {
            agg.update(&[Arc::clone(values)], groups, n)?;
        }
        agg.finish()
    }

    #[test]
    fn sums_exactly_per_group_skipping_nulls() {
        let values = Decimal128Array::from(vec![Some(1_234_567_890_123_456_789), Some(1), None, Some(-5)])
            .with_precision_and_scale(20, 2)
            .unwrap();
        let state = decimal_sum_type(values.data_type()).unwrap();
        assert_eq!(state, DataType::Decimal128(38, 2));
        let got = sum(&state, &[(Arc::new(values), vec![0, 0, 1, 1])], 3).unwrap();
        let got = got.as_primitive::<Decimal128Type>();
        assert_eq!(got.values().to_vec(), [1_234_567_890_123_456_790, -5, 0]);
        assert_eq!(got.value_as_string(0), "12345678901234567.90");
        assert_eq!(got.null_count(), 0);
    }

    #[test]
    fn merging_states_is_summing_them_and_sliced_input_is_respected() {
        let values = Decimal128Array::from(vec![100, 200, 300, 400]).with_precision_and_scale(5, 1).unwrap();
        let state = decimal_sum_type(values.data_type()).unwrap();
        let sliced: ArrayRef = Arc::new(values.slice(1, 3));
        let mut partial = new_decimal_sum(&state).unwrap();
        partial.update(&[sliced], &[0, 1, 0], 2).unwrap();
        let st = partial.state().unwrap();
        let mut merge = new_decimal_sum(&state).unwrap();
        merge.merge(&st, &[1, 0], 2).unwrap();
        merge.merge(&st, &[1, 0], 2).unwrap();
        assert_eq!(merge.finish().unwrap().as_primitive::<Decimal128Type>().values().to_vec(), [600, 1200]);
    }

    #[test]
    fn overflow_is_an_error_not_a_wrapped_sum() {
        let max = 10i128.pow(38) - 1;
        let values = Decimal128Array::from(vec![max, 1]).with_precision_and_scale(38, 0).unwrap();
        let state = decimal_sum_type(values.data_type()).unwrap();
        let err = sum(&state, &[(Arc::new(values), vec![0, 0])], 1).unwrap_err();
        assert!(matches!(err, Error::Type { .. }), "{err}");
        let values = Decimal128Array::from(vec![i128::MAX, 1]).with_precision_and_scale(38, 0).unwrap();
        assert!(sum(&state, &[(Arc::new(values), vec![0, 0])], 1).is_err());
    }

    #[test]
    fn decimal256_and_narrow_decimals() {
        let wide = Decimal256Array::from(vec![i256::from_i128(i128::MAX), i256::from_i128(i128::MAX)])
            .with_precision_and_scale(76, 0)
            .unwrap();
        let state = decimal_sum_type(wide.data_type()).unwrap();
        let got = sum(&state, &[(Arc::new(wide), vec![0, 0])], 1).unwrap();
        assert_eq!(
            got.as_primitive::<Decimal256Type>().value(0),
            i256::from_i128(i128::MAX).wrapping_mul(i256::from_i128(2))
        );
        let narrow: ArrayRef =
            Arc::new(arrow::array::Decimal32Array::from(vec![5, 7]).with_precision_and_scale(3, 1).unwrap());
        let state = decimal_sum_type(narrow.data_type()).unwrap();
        let got = sum(&state, &[(narrow, vec![0, 0])], 1).unwrap();
        assert_eq!(got.as_primitive::<Decimal128Type>().value_as_string(0), "1.2");
        assert!(decimal_sum_type(Int32Array::from(vec![1]).data_type()).is_none());
    }
}
