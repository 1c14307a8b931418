//! What an aggregate function is, in one trait ([`AggregateImpl`]): its
//! pandas name, its arguments, its result type, its state, the accumulator
//! that computes it and how `explain` prints it (DataFusion's
//! `AggregateUDFImpl` is the model). Each function implements it beside its
//! kernel (`sum.rs`, `var.rs`, ...); [`implementation`] registers them, one
//! line each. The rest of rusk (typing, partial/merge/finish, display)
//! asks the function, never matches on it.

use std::fmt;

use arrow::datatypes::{DataType, Field};

use super::accumulator::GroupedAggregate;
use crate::error::{Error, Result};
use crate::expr::AggregateFunction;

/// One aggregate function.
pub(crate) trait AggregateImpl {
    /// The pandas name (`sum`, `std`, ...).
    fn name(&self) -> &'static str;

    /// How many argument expressions it takes.
    fn arity(&self) -> usize {
        1
    }

    /// The result type over arguments of `args` types (as many as
    /// [`AggregateImpl::arity`]; [`output_type`] checks that).
    fn output_type(&self, args: &[DataType]) -> Result<DataType>;

    /// Whether the result can be null: a sum, count or product of no value
    /// is 0 (or 1), never null, as in pandas.
    fn output_nullable(&self) -> bool {
        true
    }

    /// The state columns (name suffix, type, nullable) over arguments of
    /// `args` types, whose result type is `output`.
    fn state_fields(&self, args: &[DataType], output: &DataType) -> Result<Vec<Field>>;

    /// How many state columns [`AggregateImpl::state_fields`] gives.
    fn num_state_columns(&self) -> usize {
        1
    }

    /// Whether a group's state is a fixed number of values, so that a
    /// state per row costs about what the row does (see
    /// `aggregate::partial_or_rows`); false for states that hold values or
    /// sketches.
    fn fixed_state(&self) -> bool {
        true
    }

    /// A fresh accumulator whose state columns have `state` types (as
    /// `state_fields` gave them): a partial, a merge and a finish build the
    /// same accumulator from the same state schema.
    fn accumulator(&self, state: &[DataType]) -> Result<Box<dyn GroupedAggregate>>;

    /// How the call prints after its argument: `.sum()`, `.quantile(0.9)`.
    fn fmt_call(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, ".{}()", self.name())
    }
}

/// The implementation of `func`: the registry, one line per function.
pub(crate) fn implementation(func: &AggregateFunction) -> Box<dyn AggregateImpl> {
    use super::*;
    use AggregateFunction as F;
    match *func {
        F::Sum => Box::new(sum::SumFunction { prod: false }),
        F::Prod => Box::new(sum::SumFunction { prod: true }),
        F::Mean => Box::new(mean::MeanFunction),
        F::Count => Box::new(count::CountFunction { size: false }),
        F::Size => Box::new(count::CountFunction { size: true }),
        F::Min => Box::new(min_max::MinMaxFunction { max: false }),
        F::Max => Box::new(min_max::MinMaxFunction { max: true }),
        F::Var { ddof } => Box::new(var::VarFunction { ddof, std: false }),
        F::Std { ddof } => Box::new(var::VarFunction { ddof, std: true }),
        F::First => Box::new(first_last::FirstLastFunction { last: false }),
        F::Last => Box::new(first_last::FirstLastFunction { last: true }),
        F::FirstBy => Box::new(first_last_by::FirstLastByFunction { last: false }),
        F::LastBy => Box::new(first_last_by::FirstLastByFunction { last: true }),
        F::Nunique => Box::new(distinct::NuniqueFunction),
        F::Median => Box::new(quantile::QuantileFunction { q: None }),
        F::Quantile(q) => Box::new(quantile::QuantileFunction { q: Some(q) }),
        F::Any => Box::new(any_all::AnyAllFunction { all: false }),
        F::All => Box::new(any_all::AnyAllFunction { all: true }),
        F::Corr => Box::new(corr::CorrFunction),
        F::NuniqueApprox => Box::new(hll::NuniqueApproxFunction),
        F::MedianApprox => Box::new(tdigest::QuantileApproxFunction { q: None }),
        F::QuantileApprox(q) => Box::new(tdigest::QuantileApproxFunction { q: Some(q) }),
    }
}

/// The type of `func` over arguments of `args` types.
///
/// # Errors
/// [`Error::Type`] when the function does not apply (a sum of strings, a
/// correlation of dates, the wrong number of arguments).
pub fn output_type(func: &AggregateFunction, args: &[DataType]) -> Result<DataType> {
    let imp = implementation(func);
    if args.len() != imp.arity() {
        return Err(Error::type_error(format!(
            "{} takes {} argument(s), got {}",
            imp.name(),
            imp.arity(),
            args.len()
        )));
    }
    imp.output_type(args)
}

/// Whether `func`'s result can be null (see [`AggregateImpl::output_nullable`]).
pub fn output_nullable(func: &AggregateFunction) -> bool {
    implementation(func).output_nullable()
}

/// The state columns of `func` over arguments of `args` types.
///
/// # Errors
/// [`Error::Type`] when `func` does not take such arguments,
/// [`Error::InvalidArgument`] for a quantile outside `[0, 1]`.
pub(crate) fn state_fields(func: &AggregateFunction, args: &[DataType]) -> Result<Vec<Field>> {
    let output = output_type(func, args)?;
    implementation(func).state_fields(args, &output)
}

/// Whether `func`'s state is of fixed size (see [`AggregateImpl::fixed_state`]).
pub(crate) fn fixed_state(func: &AggregateFunction) -> bool {
    implementation(func).fixed_state()
}

/// The number of state columns of `func`.
pub(crate) fn num_state_columns(func: &AggregateFunction) -> usize {
    implementation(func).num_state_columns()
}

/// A fresh accumulator for `func` whose state columns have `state` types.
///
/// # Errors
/// State types that `func` does not produce (a bug or a foreign state).
pub(crate) fn create(func: &AggregateFunction, state: &[DataType]) -> Result<Box<dyn GroupedAggregate>> {
    let imp = implementation(func);
    if state.len() != imp.num_state_columns() {
        return Err(Error::Internal(format!(
            "{} has {} state columns, got {}",
            imp.name(),
            imp.num_state_columns(),
            state.len()
        )));
    }
    imp.accumulator(state)
}

/// A state field.
pub(crate) fn field(name: &str, data_type: DataType, nullable: bool) -> Field {
    Field::new(name, data_type, nullable)
}

/// The type of a list of `item`s (the states that keep values).
pub(crate) fn list_of(item: DataType) -> DataType {
    DataType::List(std::sync::Arc::new(Field::new_list_field(item, true)))
}

/// The item type of a list state column.
pub(crate) fn list_item(name: &str, state: &DataType) -> Result<DataType> {
    match state {
        DataType::List(f) => Ok(f.data_type().clone()),
        other => Err(Error::Internal(format!("{name} state of type {other}"))),
    }
}

/// The first state column's type (every state has at least one).
pub(crate) fn first(name: &str, state: &[DataType]) -> Result<DataType> {
    state.first().cloned().ok_or_else(|| Error::Internal(format!("{name} without state columns")))
}

/// The values' type of a column of type `t`: a dictionary's value type.
pub(crate) fn value_type(t: &DataType) -> DataType {
    match t {
        DataType::Dictionary(_, v) => v.as_ref().clone(),
        t => t.clone(),
    }
}

/// Fails unless `t` is a number or a boolean.
pub(crate) fn need_numeric(name: &str, t: &DataType) -> Result<()> {
    if t.is_numeric() || *t == DataType::Boolean {
        Ok(())
    } else {
        Err(Error::type_error(format!("{name} needs numbers, got {}", crate::dtype::pandas_dtype(t))))
    }
}

/// Fails unless `q` is a quantile pandas accepts.
pub(crate) fn check_quantile(q: f64) -> Result<()> {
    if (0.0..=1.0).contains(&q) {
        Ok(())
    } else {
        Err(Error::InvalidArgument(format!("quantile must be between 0 and 1, got {q}")))
    }
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

    #[test]
    fn every_function_is_found_by_its_name_and_states_what_it_makes() {
        for func in AggregateFunction::ALL {
            let imp = implementation(&func);
            assert_eq!(AggregateFunction::from_name(imp.name()), Some(func), "{}", imp.name());
            let args = vec![DataType::Float64; imp.arity()];
            let state = state_fields(&func, &args).unwrap();
            assert_eq!(state.len(), imp.num_state_columns(), "{}", imp.name());
            let types: Vec<DataType> = state.iter().map(|f| f.data_type().clone()).collect();
            create(&func, &types).unwrap();
        }
        for func in [AggregateFunction::FirstBy, AggregateFunction::LastBy] {
            let args = [DataType::Utf8, DataType::Timestamp(arrow::datatypes::TimeUnit::Second, None)];
            let state = state_fields(&func, &args).unwrap();
            assert_eq!(state.len(), 2);
            assert!(output_type(&func, &[DataType::Utf8, DataType::Utf8]).is_err(), "strings do not order");
        }
    }
}
