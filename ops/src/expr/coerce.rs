//! Type coercion: the types the operands of an operator meet at, and how a
//! literal adapts to the column it meets.
//!
//! Both [`Expr::data_type`](super::Expr::data_type) and
//! [`evaluate`](super::evaluate) go through [`coerce_binary`], so the type a
//! plan promises is the type a batch gets.
//!
//! The rules follow pandas (numpy 2, NEP 50):
//!
//! | operands                         | meet at                                   |
//! |----------------------------------|-------------------------------------------|
//! | int + int, same signedness       | the wider                                 |
//! | signed + unsigned                | int64 (uint64 values past it are an error)|
//! | float32 + float32                | float32                                   |
//! | any other float mix, decimals    | float64                                   |
//! | bool in arithmetic               | int64                                     |
//! | column + literal                 | the column's type when the literal fits   |
//! | strings of any encoding          | the one encoding they share, else view    |
//! | date/timestamp vs string literal | the temporal type (the string is parsed;  |
//! |                                  | on a zoned column, in its zone)           |
//! | zoned vs zoned timestamps        | the left zone (the same instants)         |
//! | timedelta vs string literal      | timedelta, the finer unit of the two      |
//! | datetime/timedelta arithmetic    | see `temporal_arithmetic.rs`              |
//! | null literal vs anything         | the other side's type                     |
//!
//! A literal "fits" an integer column when it converts exactly
//! (`int8_col + 1` stays int8, `int8_col + 1000` is int64); a float literal
//! always takes a float column's type (`float32_col * 0.5` stays float32, as
//! numpy's weak Python scalars do).

use std::borrow::Cow;
use std::fmt::Display;

use arrow::array::{Array, ArrayRef};
use arrow::compute::kernels::cast::{cast_with_options, CastOptions};
use arrow::datatypes::DataType;

use super::types::{
    int_info, is_float, is_integer, is_numeric_or_bool, is_temporal, numeric_base, signed_of_width,
    string_leaf, type_name, unit_rank, unsigned_of_width, value_type, with_leaf,
};

use super::temporal_arithmetic::{finer, temporal_arithmetic_types};
use super::{BinaryOp, Expr, ScalarValue};
use crate::error::{Error, Result};

/// How arrow casts are run everywhere in expressions: a value that does not
/// convert is an error, never a silent null.
pub(crate) const STRICT: CastOptions<'static> =
    CastOptions { safe: false, format_options: arrow::util::display::FormatOptions::new() };

/// The type two numeric operands are cast to before arithmetic or comparison.
///
/// Booleans count as int64 and decimals as float64; dictionary-encoded
/// numbers count as their values. `None` when either side is not numeric.
pub fn common_numeric_type(left: &DataType, right: &DataType) -> Option<DataType> {
    let (l, r) = (numeric_base(left)?, numeric_base(right)?);
    if l == r {
        return Some(l);
    }
    if is_float(&l) || is_float(&r) {
        return Some(DataType::Float64);
    }
    let (ls, lbits) = int_info(&l)?;
    let (rs, rbits) = int_info(&r)?;
    if ls != rs {
        return Some(DataType::Int64);
    }
    let bits = lbits.max(rbits);
    Some(if ls { signed_of_width(bits) } else { unsigned_of_width(bits) })
}

/// The literal an operand stands for, if it is one: a [`Expr::Literal`], or a
/// negated numeric literal (`-1` as the query parser spells it), so both
/// spellings type alike.
pub(crate) fn literal_of(expr: &Expr) -> Option<Cow<'_, ScalarValue>> {
    match expr {
        Expr::Literal(v) => Some(Cow::Borrowed(v)),
        Expr::Negative(inner) => {
            let v = literal_of(inner)?;
            let negated = match v.as_ref() {
                ScalarValue::Null => ScalarValue::Null,
                ScalarValue::Int64(i) => ScalarValue::Int64(i.checked_neg()?),
                ScalarValue::UInt64(u) if *u == 1 << 63 => ScalarValue::Int64(i64::MIN),
                ScalarValue::Float64(f) => ScalarValue::Float64(-f),
                ScalarValue::Duration(d, unit) => ScalarValue::Duration(d.checked_neg()?, *unit),
                _ => return None,
            };
            Some(Cow::Owned(negated))
        }
        _ => None,
    }
}

/// `v` as a one-element array of type `to`.
///
/// # Errors
/// Arrow's cast error when the value does not convert (`'x'` as a date, 300
/// as int8).
pub(crate) fn cast_scalar(v: &ScalarValue, to: &DataType) -> Result<ArrayRef> {
    if let (ScalarValue::Utf8(text), DataType::Duration(unit)) = (v, to) {
        // Arrow casts no string to a duration: pandas' Timedelta text.
        let nanos = crate::time::parse_timedelta(text)?;
        let per = crate::time::nanos_per(*unit);
        if nanos % per != 0 {
            return Err(Error::InvalidArgument(format!(
                "timedelta {text:?} is finer than {}",
                type_name(to)
            )));
        }
        return Ok(ScalarValue::Duration(nanos / per, *unit).to_array(1));
    }
    let array = v.to_array(1);
    if array.data_type() == to {
        return Ok(array);
    }
    Ok(cast_with_options(&array, to, &STRICT)?)
}

/// `v` as a one-element array of numeric type `to`, when the conversion is
/// exact (it casts back to the same value); `None` when it is not (`1.5` or
/// `1000` as int8).
pub(crate) fn cast_scalar_exact(v: &ScalarValue, to: &DataType) -> Option<ArrayRef> {
    let array = cast_scalar(v, to).ok()?;
    let back = cast_with_options(&array, &v.data_type(), &STRICT).ok()?;
    let same = ScalarValue::try_from_array(back.as_ref(), 0).ok()? == *v;
    same.then_some(array)
}

/// One operand of a binary operator, as coercion sees it.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Operand<'a> {
    /// The operand's type.
    pub data_type: &'a DataType,
    /// Its value, when the operand is a literal (see [`literal_of`]).
    pub literal: Option<&'a ScalarValue>,
}

/// The outcome of coercing `left op right`.
#[derive(Debug, Clone)]
pub(crate) struct Coercion {
    /// The type the left operand is cast to.
    pub left: DataType,
    /// The type the right operand is cast to.
    pub right: DataType,
    /// The type of the result.
    pub output: DataType,
    /// The left literal, already cast to `left`.
    pub left_scalar: Option<ArrayRef>,
    /// The right literal, already cast to `right`.
    pub right_scalar: Option<ArrayRef>,
}

/// Coerces the operands of `left op right`; `expr` is the whole expression,
/// for messages.
///
/// # Errors
/// [`Error::Type`] when the operator does not apply to the operand types, or a
/// literal does not convert to the type it must meet.
pub(crate) fn coerce_binary(
    left: Operand<'_>,
    op: BinaryOp,
    right: Operand<'_>,
    expr: &dyn Display,
) -> Result<Coercion> {
    let (lt, rt, output) = if op.is_arithmetic() {
        arithmetic_types(left, op, right, expr)?
    } else if op.is_comparison() {
        let (l, r) = comparison_types(left, right, expr)?;
        (l, r, DataType::Boolean)
    } else {
        for side in [left.data_type, right.data_type] {
            if !matches!(side, DataType::Boolean | DataType::Null) {
                return Err(Error::type_error(format!(
                    "`{}` needs booleans, got {} and {} in `{expr}`",
                    op.symbol(),
                    type_name(left.data_type),
                    type_name(right.data_type)
                )));
            }
        }
        (DataType::Boolean, DataType::Boolean, DataType::Boolean)
    };
    let cast_literal = |side: Operand<'_>, to: &DataType| -> Result<Option<ArrayRef>> {
        side.literal
            .map(|v| {
                cast_scalar(v, to).map_err(|_| {
                    Error::type_error(format!("cannot use {v} as {} in `{expr}`", type_name(to)))
                })
            })
            .transpose()
    };
    let left_scalar = cast_literal(left, &lt)?;
    let right_scalar = cast_literal(right, &rt)?;
    Ok(Coercion { left: lt, right: rt, output, left_scalar, right_scalar })
}

/// `(left, right, output)` types of an arithmetic operator.
fn arithmetic_types(
    left: Operand<'_>,
    op: BinaryOp,
    right: Operand<'_>,
    expr: &dyn Display,
) -> Result<(DataType, DataType, DataType)> {
    if let Some(types) = temporal_arithmetic_types(left, op, right, expr)? {
        return Ok(types);
    }
    let fits = |t: &DataType| *t == DataType::Null || is_numeric_or_bool(t);
    if !fits(left.data_type) || !fits(right.data_type) {
        return Err(Error::type_error(format!(
            "cannot apply `{}` to {} and {} in `{expr}`",
            op.symbol(),
            type_name(left.data_type),
            type_name(right.data_type)
        )));
    }
    let common = match (left.data_type, right.data_type) {
        (DataType::Null, DataType::Null) => return Ok((DataType::Null, DataType::Null, DataType::Null)),
        (DataType::Null, t) | (t, DataType::Null) => numeric_base(t),
        (l, r) => match (left.literal, right.literal) {
            (Some(v), None) => adapt_literal(v, r, false),
            (None, Some(v)) => adapt_literal(v, l, false),
            _ => common_numeric_type(l, r),
        },
    };
    let common = common.ok_or_else(|| Error::Internal(format!("no numeric type for `{expr}`")))?;
    if op == BinaryOp::Div {
        return Ok((DataType::Float64, DataType::Float64, DataType::Float64));
    }
    Ok((common.clone(), common.clone(), common))
}

/// The type a numeric literal `v` and a numeric column of type `column` meet
/// at. A float column always wins (numpy's weak scalars); an integer column
/// wins when the literal converts exactly, and for arithmetic only when the
/// literal is not a float (`int_col + 2.0` is float64, `int_col > 2.0` is not).
fn adapt_literal(v: &ScalarValue, column: &DataType, comparing: bool) -> Option<DataType> {
    let base = numeric_base(column)?;
    let lit_type = v.data_type();
    if is_float(&base) && lit_type != DataType::Boolean {
        return Some(base);
    }
    let float_literal = matches!(v, ScalarValue::Float64(_));
    if (comparing || !float_literal) && cast_scalar_exact(v, &base).is_some() {
        return Some(base);
    }
    common_numeric_type(&base, &lit_type)
}

/// `(left, right)` types of a comparison.
fn comparison_types(
    left: Operand<'_>,
    right: Operand<'_>,
    expr: &dyn Display,
) -> Result<(DataType, DataType)> {
    let (l, r) = (left.data_type, right.data_type);
    // What a side is compared as: numbers without their dictionary; strings
    // keep theirs, arrow's `cmp` compares dictionary values directly.
    let plain = |t: &DataType| match string_leaf(t) {
        Some(_) => t.clone(),
        None => value_type(t).clone(),
    };
    let scalar_form = |t: &DataType| value_type(t).clone();
    if *l == DataType::Null && *r == DataType::Null {
        return Ok((DataType::Null, DataType::Null));
    }
    if *l == DataType::Null {
        return Ok((scalar_form(r), plain(r)));
    }
    if *r == DataType::Null {
        return Ok((plain(l), scalar_form(l)));
    }
    if let (Some(ll), Some(rl)) = (string_leaf(l), string_leaf(r)) {
        if ll == rl {
            return Ok((l.clone(), r.clone()));
        }
        return Ok(match (left.literal, right.literal) {
            (Some(_), None) => (rl.clone(), r.clone()),
            (None, Some(_)) => (l.clone(), ll.clone()),
            // Casting to views only builds views over the same bytes; a view
            // cast to `Utf8` would copy every string.
            _ if ll == &DataType::Utf8View || rl == &DataType::Utf8View => {
                (with_leaf(l, &DataType::Utf8View), with_leaf(r, &DataType::Utf8View))
            }
            _ => (with_leaf(l, &DataType::LargeUtf8), with_leaf(r, &DataType::LargeUtf8)),
        });
    }
    if is_temporal(value_type(l)) || is_temporal(value_type(r)) {
        return temporal_types(left, right, expr);
    }
    if *l == DataType::Boolean && *r == DataType::Boolean {
        return Ok((DataType::Boolean, DataType::Boolean));
    }
    if is_numeric_or_bool(l) && is_numeric_or_bool(r) {
        // Same-typed decimals compare exactly in arrow; don't round through float64.
        if l == r && !matches!(l, DataType::Dictionary(..)) {
            return Ok((l.clone(), r.clone()));
        }
        let common = match (left.literal, right.literal) {
            (Some(v), None) => adapt_literal(v, r, true),
            (None, Some(v)) => adapt_literal(v, l, true),
            _ => common_numeric_type(l, r),
        };
        if let Some(t) = common {
            return Ok((t.clone(), t));
        }
    }
    Err(cannot_compare(l, r, expr))
}

fn cannot_compare(l: &DataType, r: &DataType, expr: &dyn Display) -> Error {
    Error::type_error(format!("cannot compare {} with {} in `{expr}`", type_name(l), type_name(r)))
}

/// `(left, right)` types of a comparison where a side is a date or timestamp.
fn temporal_types(left: Operand<'_>, right: Operand<'_>, expr: &dyn Display) -> Result<(DataType, DataType)> {
    let (l, r) = (value_type(left.data_type), value_type(right.data_type));
    let parsable = |side: Operand<'_>| {
        side.literal.is_some() && (string_leaf(side.data_type).is_some() || is_temporal(side.data_type))
    };
    // A timedelta column and a string: the finer of their units.
    for (column, other) in [(l, right), (r, left)] {
        if let (DataType::Duration(unit), Some(ScalarValue::Utf8(text))) = (column, other.literal) {
            let nanos = crate::time::parse_timedelta(text).map_err(|_| {
                Error::type_error(format!("cannot parse '{text}' as {} in `{expr}`", type_name(column)))
            })?;
            let t = DataType::Duration(finer(*unit, crate::time::timedelta_unit(nanos)));
            return Ok((t.clone(), t));
        }
    }
    // A string or temporal literal is parsed or cast into the column's type.
    if is_temporal(r) && parsable(left) && right.literal.is_none() {
        return check_parse(left, r, expr).map(|t| (t.clone(), t.clone()));
    }
    if is_temporal(l) && parsable(right) && left.literal.is_none() {
        return check_parse(right, l, expr).map(|t| (t.clone(), t.clone()));
    }
    let common = match (l, r) {
        (a, b) if a == b => Some(a.clone()),
        (DataType::Date32, DataType::Date64) | (DataType::Date64, DataType::Date32) => Some(DataType::Date64),
        // A date is a naive midnight: it meets naive timestamps only.
        (DataType::Date32 | DataType::Date64, t @ DataType::Timestamp(_, None))
        | (t @ DataType::Timestamp(_, None), DataType::Date32 | DataType::Date64) => Some(t.clone()),
        (DataType::Duration(lu), DataType::Duration(ru)) => Some(DataType::Duration(finer(*lu, *ru))),
        // Zoned timestamps compare as instants, whatever their zones (as
        // pandas); naive ones never meet zoned ones.
        (DataType::Timestamp(lu, ltz), DataType::Timestamp(ru, rtz)) if ltz.is_some() == rtz.is_some() => {
            // The finer unit holds the coarser exactly (up to range).
            let finer = if unit_rank(*lu) >= unit_rank(*ru) { *lu } else { *ru };
            Some(DataType::Timestamp(finer, ltz.clone()))
        }
        _ => None,
    };
    common.map(|t| (t.clone(), t)).ok_or_else(|| cannot_compare(left.data_type, right.data_type, expr))
}

/// Checks that the literal of `side` parses as (or casts to) `to`.
fn check_parse<'t>(side: Operand<'_>, to: &'t DataType, expr: &dyn Display) -> Result<&'t DataType> {
    if let Some(v) = side.literal {
        check_temporal_literal(v, to).map_err(|why| Error::type_error(format!("{why} in `{expr}`")))?;
        if let Err(e) = cast_scalar(v, to) {
            let why = zoned_parse_error(v, to).unwrap_or(e);
            return Err(Error::type_error(format!(
                "cannot parse {v} as {} in `{expr}`{}",
                type_name(to),
                match why {
                    Error::InvalidArgument(why) => format!(": {why}"),
                    _ => String::new(),
                }
            )));
        }
    }
    Ok(to)
}

/// Refuses a literal that would mix naive and zoned times, as pandas
/// does: a string with a UTC offset (or a zoned timestamp) against naive
/// times, a naive timestamp or a date against zoned ones. A string without
/// an offset against a zoned column is read in the column's zone.
fn check_temporal_literal(v: &ScalarValue, to: &DataType) -> std::result::Result<(), String> {
    let DataType::Timestamp(_, tz) = value_type(to) else {
        return Ok(());
    };
    let mixed = match (v, tz) {
        (ScalarValue::Utf8(s), None) => has_offset(s),
        (ScalarValue::Timestamp(_, _, lit_tz), tz) => lit_tz.is_some() != tz.is_some(),
        (ScalarValue::Date32(_), Some(_)) => true,
        _ => false,
    };
    if mixed {
        return Err(format!(
            "cannot compare {} with {v}: one is tz-naive, the other tz-aware (tz_localize or tz_convert \
             first)",
            type_name(to)
        ));
    }
    Ok(())
}

/// Whether the text `s` names an instant by itself: it carries a UTC offset
/// (or `Z`), so reading it in two zones gives one instant.
fn has_offset(s: &str) -> bool {
    use arrow::compute::kernels::cast_utils::string_to_datetime;
    let (Some(utc), Some(east)) = (chrono::FixedOffset::east_opt(0), chrono::FixedOffset::east_opt(3600))
    else {
        return false;
    };
    match (string_to_datetime(&utc, s), string_to_datetime(&east, s)) {
        (Ok(a), Ok(b)) => a.naive_utc() == b.naive_utc(),
        _ => false,
    }
}

/// Why the string `v` has no instant in the zone of `to`, when it is a
/// wall time a DST change skips or repeats there.
fn zoned_parse_error(v: &ScalarValue, to: &DataType) -> Option<Error> {
    use arrow::compute::kernels::cast_utils::string_to_datetime;
    let (ScalarValue::Utf8(s), DataType::Timestamp(_, Some(_))) = (v, value_type(to)) else {
        return None;
    };
    let zone = crate::time::Zone::of(value_type(to)).ok()??;
    let wall = string_to_datetime(&chrono::Utc, s).ok()?.naive_utc().and_utc().timestamp_nanos_opt()?;
    let (a, n) = (crate::time::Ambiguous::Raise, crate::time::Nonexistent::Raise);
    let err = zone.from_local(wall, arrow::datatypes::TimeUnit::Nanosecond, a, n, "comparison").err()?;
    Some(match err {
        Error::InvalidArgument(why) => Error::InvalidArgument(format!(
            "{}; write it with its UTC offset",
            why.split("; pass").next().unwrap_or(&why).trim_start_matches("comparison: ")
        )),
        other => other,
    })
}

/// The type `fillna`'s value is cast to when the filled expression has type
/// `target`: the target itself, or its dictionary's values for a literal.
///
/// # Errors
/// [`Error::Type`] when the value cannot stand in for the target's values
/// (`int_col.fillna(1.5)`, `int_col.fillna('x')`).
pub(crate) fn coerce_fill(value: Operand<'_>, target: &DataType, expr: &dyn Display) -> Result<DataType> {
    let to = value_type(target);
    let vt = value.data_type;
    let err = || {
        let what = match value.literal {
            Some(v) => v.to_string(),
            None => type_name(vt),
        };
        Error::type_error(format!("cannot fill nulls of {} with {what} in `{expr}`", type_name(target)))
    };
    if *vt == DataType::Null || vt == to || vt == target {
        return Ok(to.clone());
    }
    if let Some(v) = value.literal {
        let ok = if is_numeric_or_bool(to) && is_numeric_or_bool(vt) {
            // pandas would upcast the column; rusk keeps its type, so only a
            // value the type can hold is accepted.
            cast_scalar_exact(v, to).is_some() || (is_float(to) && !matches!(v, ScalarValue::Boolean(_)))
        } else if string_leaf(to).is_some() {
            string_leaf(vt).is_some()
        } else if is_temporal(to) {
            (string_leaf(vt).is_some() || is_temporal(vt))
                && check_temporal_literal(v, to).is_ok()
                && cast_scalar(v, to).is_ok()
        } else {
            false
        };
        return if ok { Ok(to.clone()) } else { Err(err()) };
    }
    let vt = value_type(vt);
    let ok = match (vt, to) {
        (a, b) if string_leaf(a).is_some() && string_leaf(b).is_some() => true,
        (a, b) if is_integer(a) && (is_integer(b) || is_float(b)) => true,
        (a, b) if is_float(a) && is_float(b) => true,
        (DataType::Date32 | DataType::Date64, DataType::Timestamp(..) | DataType::Date64) => true,
        (a, b) => a == b,
    };
    if ok {
        Ok(to.clone())
    } else {
        Err(err())
    }
}

/// Checks that each value of an `isin` list can be looked for in an
/// expression of type `target`: numbers among numbers, strings among strings,
/// dates among dates (a string is parsed), `None` anywhere.
///
/// # Errors
/// [`Error::Type`] naming the first value that does not fit.
pub(crate) fn check_isin(target: &DataType, list: &[ScalarValue], expr: &dyn Display) -> Result<()> {
    let to = value_type(target);
    for v in list {
        let vt = v.data_type();
        let ok = match v {
            ScalarValue::Null => true,
            _ if *to == DataType::Null => true,
            _ if is_numeric_or_bool(to) && *to != DataType::Boolean => {
                matches!(v, ScalarValue::Int64(_) | ScalarValue::UInt64(_) | ScalarValue::Float64(_))
            }
            _ if *to == DataType::Boolean => vt == DataType::Boolean,
            _ if string_leaf(to).is_some() => string_leaf(&vt).is_some(),
            _ if is_temporal(to) => {
                (string_leaf(&vt).is_some() || is_temporal(&vt))
                    && check_temporal_literal(v, to).is_ok()
                    && cast_scalar(v, to).is_ok()
            }
            _ => false,
        };
        if !ok {
            return Err(Error::type_error(format!(
                "cannot look for {v} among {} values in `{expr}`",
                type_name(target)
            )));
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use arrow::datatypes::TimeUnit;
    use std::sync::Arc;

    fn col(t: &DataType) -> Operand<'_> {
        Operand { data_type: t, literal: None }
    }

    fn lit<'a>(t: &'a DataType, v: &'a ScalarValue) -> Operand<'a> {
        Operand { data_type: t, literal: Some(v) }
    }

    fn arith(l: Operand<'_>, op: BinaryOp, r: Operand<'_>) -> Result<DataType> {
        coerce_binary(l, op, r, &"e").map(|c| c.output)
    }

    #[test]
    fn numeric_columns_meet_at_the_wider_type() {
        use DataType::*;
        let cases = [
            (Int32, Int64, Int64),
            (Int8, Int16, Int16),
            (UInt8, UInt32, UInt32),
            (UInt32, Int8, Int64),
            (UInt64, Int64, Int64),
            (Float32, Float32, Float32),
            (Float32, Int8, Float64),
            (Float32, Float64, Float64),
            (Boolean, Boolean, Int64),
            (Boolean, Int8, Int64),
            (Float16, Float16, Float64),
        ];
        for (l, r, want) in cases {
            assert_eq!(common_numeric_type(&l, &r), Some(want.clone()), "{l} {r}");
            assert_eq!(arith(col(&l), BinaryOp::Add, col(&r)).unwrap(), want, "{l} + {r}");
        }
        assert_eq!(common_numeric_type(&Utf8, &Int64), None);
        let dict = Dictionary(Box::new(Int32), Box::new(Int16));
        assert_eq!(common_numeric_type(&dict, &Int8), Some(Int16));
    }

    #[test]
    fn division_is_float64_and_floor_division_keeps_ints() {
        use DataType::*;
        assert_eq!(arith(col(&Int8), BinaryOp::Div, col(&Int8)).unwrap(), Float64);
        assert_eq!(arith(col(&Float32), BinaryOp::Div, col(&Float32)).unwrap(), Float64);
        assert_eq!(arith(col(&Int16), BinaryOp::FloorDiv, col(&Int32)).unwrap(), Int32);
        assert_eq!(arith(col(&Float32), BinaryOp::Mod, col(&Float32)).unwrap(), Float32);
    }

    #[test]
    fn literals_take_the_column_type_when_they_fit() {
        use DataType::*;
        let one = ScalarValue::Int64(1);
        let big = ScalarValue::Int64(1000);
        let half = ScalarValue::Float64(0.5);
        let two = ScalarValue::Float64(2.0);
        assert_eq!(arith(col(&Int8), BinaryOp::Add, lit(&Int64, &one)).unwrap(), Int8);
        assert_eq!(arith(lit(&Int64, &big), BinaryOp::Mul, col(&Int8)).unwrap(), Int64);
        assert_eq!(arith(col(&Float32), BinaryOp::Mul, lit(&Float64, &half)).unwrap(), Float32);
        assert_eq!(arith(col(&Int32), BinaryOp::Add, lit(&Float64, &two)).unwrap(), Float64);
        let c = coerce_binary(col(&Int32), BinaryOp::Gt, lit(&Float64, &two), &"e").unwrap();
        assert_eq!((c.left, c.right), (Int32, Int32));
        let c = coerce_binary(col(&Int32), BinaryOp::Gt, lit(&Float64, &half), &"e").unwrap();
        assert_eq!((c.left, c.right), (Float64, Float64));
        let c = coerce_binary(col(&UInt8), BinaryOp::Lt, lit(&Int64, &ScalarValue::Int64(-1)), &"e").unwrap();
        assert_eq!((c.left, c.right), (Int64, Int64));
    }

    #[test]
    fn timedeltas_compare_at_the_finer_unit_and_read_strings() {
        use DataType::*;
        let (s, ms, us) =
            (Duration(TimeUnit::Second), Duration(TimeUnit::Millisecond), Duration(TimeUnit::Microsecond));
        let c = coerce_binary(col(&s), BinaryOp::Gt, col(&ms), &"e").unwrap();
        assert_eq!((c.left, c.right, c.output), (ms.clone(), ms.clone(), Boolean));
        // pandas compares a timedelta with a string by parsing it.
        let hour = ScalarValue::from("1h");
        let c = coerce_binary(col(&s), BinaryOp::Gt, lit(&Utf8, &hour), &"e").unwrap();
        assert_eq!((c.left, c.right.clone()), (us.clone(), us.clone()));
        let scalar = c.right_scalar.unwrap();
        assert_eq!(
            ScalarValue::try_from_array(scalar.as_ref(), 0).unwrap(),
            ScalarValue::Duration(3_600_000_000, TimeUnit::Microsecond)
        );
        let tiny = ScalarValue::from("1ns");
        let c = coerce_binary(lit(&Utf8, &tiny), BinaryOp::Lt, col(&ms), &"e").unwrap();
        assert_eq!(c.left, Duration(TimeUnit::Nanosecond));
        let soon = ScalarValue::from("soon");
        let err = coerce_binary(col(&s), BinaryOp::Gt, lit(&Utf8, &soon), &"e").unwrap_err();
        assert_eq!(err.to_string(), "type error: cannot parse 'soon' as timedelta64[s] in `e`");
        let ts = Timestamp(TimeUnit::Second, None);
        assert!(matches!(coerce_binary(col(&s), BinaryOp::Gt, col(&ts), &"e"), Err(Error::Type { .. })));
        assert!(matches!(coerce_binary(col(&s), BinaryOp::Gt, col(&Int64), &"e"), Err(Error::Type { .. })));
        // isin and fillna parse strings too, when they fit the unit.
        assert!(check_isin(&s, &["1h".into(), ScalarValue::Null], &"e").is_ok());
        assert!(check_isin(&s, &["500ms".into()], &"e").is_err());
        assert_eq!(coerce_fill(lit(&Utf8, &hour), &s, &"e").unwrap(), s);
    }

    #[test]
    fn null_literal_fits_anything() {
        use DataType::*;
        let null = ScalarValue::Null;
        assert_eq!(arith(col(&Int16), BinaryOp::Add, lit(&Null, &null)).unwrap(), Int16);
        let c = coerce_binary(col(&Utf8View), BinaryOp::Eq, lit(&Null, &null), &"e").unwrap();
        assert_eq!((c.left, c.right, c.output), (Utf8View, Utf8View, Boolean));
        assert_eq!(arith(lit(&Null, &null), BinaryOp::Add, lit(&Null, &null)).unwrap(), Null);
    }

    #[test]
    fn strings_of_every_encoding_compare() {
        use DataType::*;
        let dict = Dictionary(Box::new(Int32), Box::new(Utf8));
        let x = ScalarValue::from("x");
        let c = coerce_binary(col(&dict), BinaryOp::Eq, lit(&Utf8, &x), &"e").unwrap();
        assert_eq!((c.left, c.right), (dict.clone(), Utf8));
        let c = coerce_binary(col(&dict), BinaryOp::Lt, col(&Utf8View), &"e").unwrap();
        assert_eq!(c.left, Dictionary(Box::new(Int32), Box::new(Utf8View)));
        assert_eq!(c.right, Utf8View);
        let c = coerce_binary(col(&Utf8), BinaryOp::Lt, col(&LargeUtf8), &"e").unwrap();
        assert_eq!((c.left, c.right), (LargeUtf8, LargeUtf8));
        let c = coerce_binary(lit(&Utf8, &x), BinaryOp::Lt, col(&LargeUtf8), &"e").unwrap();
        assert_eq!((c.left, c.right), (LargeUtf8, LargeUtf8));
    }

    #[test]
    fn string_literals_parse_into_dates() {
        use DataType::*;
        let day = ScalarValue::from("2024-01-01");
        let c = coerce_binary(col(&Date32), BinaryOp::GtEq, lit(&Utf8, &day), &"e").unwrap();
        assert_eq!(c.right, Date32);
        assert_eq!(
            ScalarValue::try_from_array(c.right_scalar.unwrap().as_ref(), 0).unwrap(),
            ScalarValue::Date32(19723)
        );
        let ts = Timestamp(TimeUnit::Microsecond, None);
        let at = ScalarValue::from("2024-01-01 12:00:00");
        let c = coerce_binary(lit(&Utf8, &at), BinaryOp::Lt, col(&ts), &"e").unwrap();
        let want = ScalarValue::Timestamp(1_704_110_400_000_000, TimeUnit::Microsecond, None);
        assert_eq!(ScalarValue::try_from_array(c.left_scalar.unwrap().as_ref(), 0).unwrap(), want);
        let bad = ScalarValue::from("yesterday");
        let err =
            coerce_binary(col(&Date32), BinaryOp::Gt, lit(&Utf8, &bad), &"d > 'yesterday'").unwrap_err();
        assert!(matches!(err, Error::Type { .. }), "{err}");
        assert!(err.to_string().contains("'yesterday'"), "{err}");
    }

    #[test]
    fn mismatched_types_are_type_errors_naming_both() {
        use DataType::*;
        let x = ScalarValue::from("x");
        let err = coerce_binary(col(&Int64), BinaryOp::Gt, lit(&Utf8, &x), &"a > 'x'").unwrap_err();
        assert!(matches!(err, Error::Type { .. }));
        assert_eq!(err.to_string(), "type error: cannot compare int64 with string in `a > 'x'`");
        let err = arith(col(&Utf8), BinaryOp::Add, col(&Int8)).unwrap_err();
        assert!(matches!(err, Error::Type { .. }));
        let err = coerce_binary(col(&Int64), BinaryOp::And, col(&Boolean), &"a & b").unwrap_err();
        assert!(err.to_string().contains("needs booleans, got int64 and bool"), "{err}");
        let tz = Timestamp(TimeUnit::Second, Some(Arc::from("UTC")));
        let err =
            coerce_binary(col(&tz), BinaryOp::Lt, col(&Timestamp(TimeUnit::Second, None)), &"e").unwrap_err();
        assert!(matches!(err, Error::Type { .. }));
        let err = coerce_binary(col(&tz), BinaryOp::Lt, col(&Date32), &"e").unwrap_err();
        assert!(matches!(err, Error::Type { .. }));
    }

    #[test]
    fn strings_meet_a_zoned_column_in_its_zone() {
        use DataType::*;
        let ny = Timestamp(TimeUnit::Microsecond, Some(Arc::from("America/New_York")));
        let value = |c: Coercion| ScalarValue::try_from_array(c.right_scalar.unwrap().as_ref(), 0).unwrap();
        let at = |text: &str| {
            let text = ScalarValue::from(text);
            coerce_binary(col(&ny), BinaryOp::Gt, lit(&Utf8, &text), &"ts > x").map(value)
        };
        let local = ScalarValue::Timestamp(
            1_730_611_800_000_000,
            TimeUnit::Microsecond,
            Some(Arc::from("America/New_York")),
        );
        assert_eq!(at("2024-11-03 01:30:00-04:00").unwrap(), local, "an offset names the instant");
        assert_eq!(
            at("2024-11-03 00:30:00").unwrap(),
            ScalarValue::Timestamp(
                1_730_608_200_000_000,
                TimeUnit::Microsecond,
                Some(Arc::from("America/New_York"))
            )
        );
        let err = at("2024-11-03 01:30:00").unwrap_err().to_string();
        assert!(err.contains("2024-11-03 01:30:00 is ambiguous in America/New_York"), "{err}");
        assert!(err.contains("write it with its UTC offset"), "{err}");
        // Another zone's column: the same instants.
        let paris = Timestamp(TimeUnit::Second, Some(Arc::from("Europe/Paris")));
        let c = coerce_binary(col(&ny), BinaryOp::Eq, col(&paris), &"e").unwrap();
        assert_eq!((c.left, c.right), (ny.clone(), ny.clone()));
        // Naive and zoned never meet.
        let naive = Timestamp(TimeUnit::Microsecond, None);
        let offset = ScalarValue::from("2024-11-03 01:00:00+00:00");
        let err = coerce_binary(col(&naive), BinaryOp::Gt, lit(&Utf8, &offset), &"e").unwrap_err();
        assert!(err.to_string().contains("tz-naive"), "{err}");
        let naive_lit = ScalarValue::Timestamp(0, TimeUnit::Second, None);
        let err =
            coerce_binary(col(&ny), BinaryOp::Gt, lit(&naive_lit.data_type(), &naive_lit), &"e").unwrap_err();
        assert!(err.to_string().contains("tz-naive"), "{err}");
    }

    #[test]
    fn fill_values_must_fit_the_column() {
        use DataType::*;
        let half = ScalarValue::Float64(1.5);
        let zero = ScalarValue::Int64(0);
        assert_eq!(coerce_fill(lit(&Int64, &zero), &Int8, &"e").unwrap(), Int8);
        assert_eq!(coerce_fill(lit(&Int64, &zero), &Float32, &"e").unwrap(), Float32);
        assert!(matches!(coerce_fill(lit(&Float64, &half), &Int32, &"e"), Err(Error::Type { .. })));
        let x = ScalarValue::from("x");
        assert!(matches!(coerce_fill(lit(&Utf8, &x), &Int32, &"e"), Err(Error::Type { .. })));
        let dict = Dictionary(Box::new(Int8), Box::new(Utf8));
        assert_eq!(coerce_fill(lit(&Utf8, &x), &dict, &"e").unwrap(), Utf8);
        assert_eq!(coerce_fill(col(&Int16), &Float64, &"e").unwrap(), Float64);
        assert!(matches!(coerce_fill(col(&Float64), &Int64, &"e"), Err(Error::Type { .. })));
    }

    #[test]
    fn isin_lists_must_match_the_kind() {
        use DataType::*;
        assert!(check_isin(&Int8, &[1.into(), 2.5.into(), ScalarValue::Null], &"e").is_ok());
        assert!(matches!(check_isin(&Int8, &["x".into()], &"e"), Err(Error::Type { .. })));
        assert!(check_isin(&Date32, &["2024-01-01".into()], &"e").is_ok());
        assert!(matches!(check_isin(&Date32, &["soon".into()], &"e"), Err(Error::Type { .. })));
        let dict = Dictionary(Box::new(Int8), Box::new(LargeUtf8));
        assert!(check_isin(&dict, &["a".into()], &"e").is_ok());
    }

    #[test]
    fn negated_literals_are_literals() {
        let e = Expr::Negative(Box::new(Expr::Literal(ScalarValue::Int64(3))));
        assert_eq!(literal_of(&e).unwrap().into_owned(), ScalarValue::Int64(-3));
        assert!(literal_of(&Expr::column("a")).is_none());
    }
}
