//! The result type of each aggregate function, as pandas gives it.

use arrow::datatypes::DataType;

use crate::error::{Error, Result};
use crate::expr::AggregateFunction;

/// The type of `func` over arguments of `args` types.
///
/// # Errors
/// [`Error::Type`] when the function does not apply (a sum of strings, a
/// correlation of dates, the wrong number of arguments).
pub fn output_type(func: &AggregateFunction, args: &[DataType]) -> Result<DataType> {
    use AggregateFunction as F;
    if args.len() != func.arity() {
        return Err(Error::type_error(format!(
            "{} takes {} argument(s), got {}",
            func.name(),
            func.arity(),
            args.len()
        )));
    }
    let numeric = |t: &DataType| t.is_numeric() || *t == DataType::Boolean;
    let need_numeric = |t: &DataType| {
        if numeric(t) {
            Ok(())
        } else {
            Err(Error::type_error(format!(
                "{} needs numbers, got {}",
                func.name(),
                crate::dtype::pandas_dtype(t)
            )))
        }
    };
    Ok(match (func, args) {
        (F::Size, _) | (F::Count, _) | (F::Nunique, _) | (F::NuniqueApprox, _) => DataType::Int64,
        (F::Sum | F::Prod, [t]) => {
            need_numeric(t)?;
            // Exact, as pandas sums `Decimal`s (a product stays float64).
            if let (F::Sum, Some(decimal)) = (func, super::decimal_sum::decimal_sum_type(t)) {
                return Ok(decimal);
            }
            match t {
                DataType::UInt8 | DataType::UInt16 | DataType::UInt32 | DataType::UInt64 => DataType::UInt64,
                t if t.is_integer() || *t == DataType::Boolean => DataType::Int64,
                _ => DataType::Float64,
            }
        }
        (
            F::Mean
            | F::Var { .. }
            | F::Std { .. }
            | F::Median
            | F::Quantile(_)
            | F::MedianApprox
            | F::QuantileApprox(_),
            [t],
        ) => {
            need_numeric(t)?;
            DataType::Float64
        }
        (F::Corr, [a, b]) => {
            need_numeric(a)?;
            need_numeric(b)?;
            DataType::Float64
        }
        (F::Min | F::Max | F::First | F::Last, [t]) => match t {
            DataType::Dictionary(_, v) => v.as_ref().clone(),
            t => t.clone(),
        },
        (F::Any | F::All, _) => DataType::Boolean,
        _ => return Err(Error::Internal(format!("no output type for {}", func.name()))),
    })
}

/// Whether `func`'s result can be null: a sum, count or product of no value
/// is 0 (or 1), never null, as in pandas.
pub fn output_nullable(func: &AggregateFunction) -> bool {
    use AggregateFunction as F;
    !matches!(func, F::Sum | F::Prod | F::Count | F::Size | F::Nunique | F::NuniqueApprox | F::Any | F::All)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn types_follow_pandas() {
        use AggregateFunction as F;
        assert_eq!(output_type(&F::Sum, &[DataType::Int32]).unwrap(), DataType::Int64);
        assert_eq!(output_type(&F::Sum, &[DataType::Boolean]).unwrap(), DataType::Int64);
        assert_eq!(output_type(&F::Mean, &[DataType::Int64]).unwrap(), DataType::Float64);
        assert_eq!(output_type(&F::Max, &[DataType::Utf8View]).unwrap(), DataType::Utf8View);
        assert_eq!(output_type(&F::Size, &[]).unwrap(), DataType::Int64);
        assert!(matches!(output_type(&F::Sum, &[DataType::Utf8]), Err(Error::Type { .. })));
        assert!(matches!(output_type(&F::Corr, &[DataType::Float64]), Err(Error::Type { .. })));
    }
}
