//! Merging the schemas of several files into one frame schema.
//!
//! Files of one dataset are written at different times by different tools:
//! a column may be `int32` in one file and `int64` in the next, or absent
//! from some files. A frame has one schema, so the files' schemas are unified
//! column by column, the way pandas' `concat` would promote them, and a pair
//! of types nothing sensible unifies (a string and a number) is an error that
//! names both files.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use arrow::datatypes::{DataType, Field, Schema, SchemaRef, TimeUnit};
use rusk_ops::{Error, Result};

/// Merges the schemas of `files` (path, schema) into one.
///
/// The result holds every column of every file, in the order they are first
/// seen, each nullable (a file that lacks a column contributes nulls). Types
/// unify pairwise, left (all files so far) to right (the next file):
///
/// | left                      | right                     | result                         |
/// |---------------------------|---------------------------|--------------------------------|
/// | `T`                       | `T`                       | `T`                            |
/// | `Null`                    | `T`                       | `T` (and the other way round)  |
/// | signed int                | signed int                | the wider                      |
/// | unsigned int              | unsigned int              | the wider                      |
/// | unsigned int              | signed int                | the smallest signed int holding both, at most `Int64` |
/// | any int                   | any float                 | `Float64`                      |
/// | float                     | float                     | the wider                      |
/// | `Utf8`/`LargeUtf8`/`Utf8View` | another string kind   | the left kind                  |
/// | `Dictionary(_, string)`   | a plain string kind       | the plain kind                 |
/// | `Timestamp(u1, tz)`       | `Timestamp(u2, tz)`       | the finer unit                 |
/// | `Date32`/`Date64`         | `Timestamp(u, tz)`        | `Timestamp(u, tz)`             |
///
/// Unsigned with signed follows numpy (`uint8 + int8 → int16`) except that
/// `uint64` with a signed int gives `Int64`, not numpy's `float64`: keys and
/// counts stay integers, and values beyond `i64::MAX` fail loudly when cast.
/// Timestamps must agree on their time zone (mixing naive and aware times is
/// an error in pandas too). Field metadata is the first file's.
///
/// An empty `files` gives an empty schema.
///
/// # Errors
/// [`Error::SchemaConflict`] for any other pair, naming the column, the first
/// file that had it (with its type there) and the file that conflicts.
pub fn merge_schemas(files: &[(PathBuf, SchemaRef)]) -> Result<Schema> {
    // For each column: its merged field, and the first file with its own type.
    let mut merged: Vec<(Field, &Path, &DataType)> = Vec::new();
    // Columns by name: a file may have tens of thousands of them.
    let mut position: HashMap<&str, usize> = HashMap::new();
    for (path, schema) in files {
        for field in schema.fields() {
            match position.get(field.name().as_str()) {
                None => {
                    position.insert(field.name().as_str(), merged.len());
                    let first = field.as_ref().clone().with_nullable(true);
                    merged.push((first, path.as_path(), field.data_type()));
                }
                Some(&at) => {
                    let (acc, left_file, left_type) = &mut merged[at];
                    let unified =
                        unify(acc.data_type(), field.data_type()).ok_or_else(|| Error::SchemaConflict {
                            column: field.name().clone(),
                            left_file: left_file.to_path_buf(),
                            left_type: (*left_type).clone(),
                            right_file: path.clone(),
                            right_type: field.data_type().clone(),
                        })?;
                    if &unified != acc.data_type() {
                        *acc = acc.clone().with_data_type(unified);
                    }
                }
            }
        }
    }
    let fields: Vec<Arc<Field>> = merged.into_iter().map(|(f, _, _)| Arc::new(f)).collect();
    Ok(Schema::new(fields))
}

/// The type both `left` and `right` values fit in, or `None` for a conflict.
pub(crate) fn unify(left: &DataType, right: &DataType) -> Option<DataType> {
    use DataType::*;
    if left == right {
        return Some(left.clone());
    }
    match (left, right) {
        (Null, other) | (other, Null) => Some(other.clone()),
        (l, r) if l.is_integer() && r.is_integer() => Some(unify_integers(l, r)),
        (l, r) if (l.is_integer() && r.is_floating()) || (l.is_floating() && r.is_integer()) => Some(Float64),
        (l, r) if l.is_floating() && r.is_floating() => Some(wider(l, r)),
        (l, r) if is_plain_string(l) && is_plain_string(r) => Some(l.clone()),
        (Dictionary(_, value), plain) | (plain, Dictionary(_, value))
            if is_plain_string(value) && is_plain_string(plain) =>
        {
            Some(plain.clone())
        }
        (Dictionary(_, l), Dictionary(_, r)) if is_plain_string(l) && is_plain_string(r) => {
            // Two dictionaries with different key types: the keys mean nothing
            // across files, the values do.
            Some(l.as_ref().clone())
        }
        (Timestamp(lu, ltz), Timestamp(ru, rtz)) if ltz == rtz => {
            Some(Timestamp(finer(*lu, *ru), ltz.clone()))
        }
        (Date32 | Date64, Timestamp(u, tz)) | (Timestamp(u, tz), Date32 | Date64) => {
            Some(Timestamp(*u, tz.clone()))
        }
        (Date32, Date64) | (Date64, Date32) => Some(Date64),
        _ => None,
    }
}

fn is_plain_string(t: &DataType) -> bool {
    matches!(t, DataType::Utf8 | DataType::LargeUtf8 | DataType::Utf8View)
}

/// Byte width of a primitive type (1 for anything unexpected, never used so).
fn width(t: &DataType) -> usize {
    t.primitive_width().unwrap_or(1)
}

fn wider(l: &DataType, r: &DataType) -> DataType {
    if width(r) > width(l) {
        r.clone()
    } else {
        l.clone()
    }
}

fn unify_integers(l: &DataType, r: &DataType) -> DataType {
    use DataType::*;
    if l.is_signed_integer() == r.is_signed_integer() {
        return wider(l, r);
    }
    let (unsigned, signed) = if l.is_signed_integer() { (r, l) } else { (l, r) };
    // A signed type holds an unsigned one only when it is strictly wider.
    let need = (width(unsigned) * 2).max(width(signed));
    match need {
        1 => Int8,
        2 => Int16,
        4 => Int32,
        _ => Int64,
    }
}

fn finer(l: TimeUnit, r: TimeUnit) -> TimeUnit {
    fn rank(u: TimeUnit) -> u8 {
        match u {
            TimeUnit::Second => 0,
            TimeUnit::Millisecond => 1,
            TimeUnit::Microsecond => 2,
            TimeUnit::Nanosecond => 3,
        }
    }
    if rank(r) > rank(l) {
        r
    } else {
        l
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use DataType::*;

    fn schema(cols: &[(&str, DataType)]) -> SchemaRef {
        Arc::new(Schema::new(cols.iter().map(|(n, t)| Field::new(*n, t.clone(), false)).collect::<Vec<_>>()))
    }

    fn merge_two(l: DataType, r: DataType) -> Result<DataType> {
        let files = vec![
            (PathBuf::from("a.parquet"), schema(&[("x", l)])),
            (PathBuf::from("b.parquet"), schema(&[("x", r)])),
        ];
        Ok(merge_schemas(&files)?.field(0).data_type().clone())
    }

    #[test]
    fn union_of_columns_in_first_seen_order_all_nullable() {
        let files = vec![
            (PathBuf::from("a"), schema(&[("a", Int64), ("b", Utf8)])),
            (PathBuf::from("b"), schema(&[("c", Float64), ("a", Int64)])),
            (PathBuf::from("c"), schema(&[("d", Boolean)])),
        ];
        let merged = merge_schemas(&files).unwrap();
        let names: Vec<&str> = merged.fields().iter().map(|f| f.name().as_str()).collect();
        assert_eq!(names, ["a", "b", "c", "d"]);
        assert!(merged.fields().iter().all(|f| f.is_nullable()));
    }

    #[test]
    fn empty_input_gives_empty_schema() {
        assert_eq!(merge_schemas(&[]).unwrap(), Schema::empty());
    }

    #[test]
    fn same_type_stays() {
        assert_eq!(merge_two(Int32, Int32).unwrap(), Int32);
        assert_eq!(merge_two(Boolean, Boolean).unwrap(), Boolean);
    }

    #[test]
    fn null_takes_the_other_type() {
        assert_eq!(merge_two(Null, Utf8).unwrap(), Utf8);
        assert_eq!(merge_two(Float32, Null).unwrap(), Float32);
    }

    #[test]
    fn integers_widen() {
        assert_eq!(merge_two(Int32, Int64).unwrap(), Int64);
        assert_eq!(merge_two(Int16, Int8).unwrap(), Int16);
        assert_eq!(merge_two(UInt8, UInt32).unwrap(), UInt32);
        assert_eq!(merge_two(UInt32, Int64).unwrap(), Int64);
        assert_eq!(merge_two(Int32, UInt32).unwrap(), Int64);
        assert_eq!(merge_two(UInt64, Int8).unwrap(), Int64);
        assert_eq!(merge_two(UInt8, Int8).unwrap(), Int16);
        assert_eq!(merge_two(Int32, UInt8).unwrap(), Int32);
    }

    #[test]
    fn integer_and_float_give_float64() {
        assert_eq!(merge_two(Int64, Float64).unwrap(), Float64);
        assert_eq!(merge_two(Float32, Int8).unwrap(), Float64);
        assert_eq!(merge_two(UInt64, Float32).unwrap(), Float64);
        assert_eq!(merge_two(Float32, Float64).unwrap(), Float64);
        assert_eq!(merge_two(Float16, Float32).unwrap(), Float32);
    }

    #[test]
    fn string_kinds_keep_the_first_kind() {
        assert_eq!(merge_two(Utf8, LargeUtf8).unwrap(), Utf8);
        assert_eq!(merge_two(Utf8View, Utf8).unwrap(), Utf8View);
        assert_eq!(merge_two(LargeUtf8, Utf8View).unwrap(), LargeUtf8);
    }

    #[test]
    fn dictionary_of_strings_gives_the_plain_kind() {
        let dict = Dictionary(Box::new(Int32), Box::new(Utf8));
        assert_eq!(merge_two(dict.clone(), LargeUtf8).unwrap(), LargeUtf8);
        assert_eq!(merge_two(Utf8View, dict.clone()).unwrap(), Utf8View);
        let dict8 = Dictionary(Box::new(Int8), Box::new(Utf8));
        assert_eq!(merge_two(dict.clone(), dict8).unwrap(), Utf8);
        assert_eq!(merge_two(dict.clone(), dict.clone()).unwrap(), dict);
    }

    #[test]
    fn timestamps_take_the_finer_unit() {
        let ms = Timestamp(TimeUnit::Millisecond, None);
        let ns = Timestamp(TimeUnit::Nanosecond, None);
        assert_eq!(merge_two(ms.clone(), ns.clone()).unwrap(), ns);
        assert_eq!(merge_two(ns.clone(), ms).unwrap(), ns);
        let utc_s = Timestamp(TimeUnit::Second, Some("UTC".into()));
        let utc_us = Timestamp(TimeUnit::Microsecond, Some("UTC".into()));
        assert_eq!(merge_two(utc_s, utc_us.clone()).unwrap(), utc_us);
    }

    #[test]
    fn dates_and_timestamps_give_timestamps() {
        let us = Timestamp(TimeUnit::Microsecond, None);
        assert_eq!(merge_two(Date32, us.clone()).unwrap(), us);
        assert_eq!(merge_two(us.clone(), Date32).unwrap(), us);
    }

    #[test]
    fn conflict_names_column_both_files_and_types() {
        let files = vec![
            (PathBuf::from("one.csv"), schema(&[("x", Int32), ("y", Utf8)])),
            (PathBuf::from("two.csv"), schema(&[("x", Int64)])),
            (PathBuf::from("three.csv"), schema(&[("y", Utf8), ("x", Utf8)])),
        ];
        match merge_schemas(&files) {
            Err(Error::SchemaConflict { column, left_file, left_type, right_file, right_type }) => {
                assert_eq!(column, "x");
                assert_eq!(left_file, PathBuf::from("one.csv"));
                assert_eq!(left_type, Int32);
                assert_eq!(right_file, PathBuf::from("three.csv"));
                assert_eq!(right_type, Utf8);
            }
            other => panic!("expected a schema conflict, got {other:?}"),
        }
    }

    #[test]
    fn other_pairs_conflict() {
        let tz = Timestamp(TimeUnit::Second, Some("UTC".into()));
        let naive = Timestamp(TimeUnit::Second, None);
        for (l, r) in [
            (Boolean, Int64),
            (Utf8, Float64),
            (Int64, Utf8),
            (tz, naive),
            (Date32, Utf8),
            (Decimal128(10, 2), Int64),
            (Dictionary(Box::new(Int32), Box::new(Int64)), Utf8),
        ] {
            assert!(
                matches!(merge_two(l.clone(), r.clone()), Err(Error::SchemaConflict { .. })),
                "{l} with {r} should conflict"
            );
        }
    }
}
