//! The output columns of a join, named and ordered as pandas' `merge`
//! names and orders them:
//!
//! - the left columns in order, then the right ones in order, except that
//!   a key with the same name on both sides (`on="k"`) is one column, in
//!   the left's place, of the keys' common type;
//! - any other name on both sides gets the suffixes (`v_x`, `v_y`);
//! - `semi` and `anti` keep the left columns only;
//! - the indicator, when asked for, comes last.
//!
//! A side that may be missing from a row (the right of a left join, both
//! of an outer one) has nullable columns.

use std::collections::HashSet;
use std::sync::Arc;

use arrow::datatypes::{DataType, Field, Schema, SchemaRef};

use super::keys::common_key_type;
use super::types::{JoinSpec, JoinType};
use crate::error::{Error, Result};

/// The type of the indicator column: pandas' categorical, as a dictionary.
pub fn indicator_type() -> DataType {
    DataType::Dictionary(Box::new(DataType::Int8), Box::new(DataType::Utf8))
}

/// The schema of `left` joined with `right` by `spec`, checked: keys exist
/// and compare, one right key per left key, no duplicate output names.
///
/// # Errors
/// [`Error::ColumnNotFound`] for an unknown key, [`Error::Type`] for keys
/// that cannot compare (naming both), [`Error::InvalidArgument`] for
/// mismatched key lists, keys on a cross join or none on another, and
/// output names that collide.
pub fn join_schema(left: &Schema, right: &Schema, spec: &JoinSpec) -> Result<SchemaRef> {
    check_keys(left, right, spec)?;
    let how = spec.how;
    let shared: HashSet<&str> = (0..spec.left_on.len())
        .filter(|&i| spec.is_shared_key(i))
        .map(|i| spec.left_on[i].as_str())
        .collect();
    let left_names: HashSet<&str> = left.fields().iter().map(|f| f.name().as_str()).collect();
    let right_kept: Vec<&Field> = if how.keeps_right_columns() {
        right.fields().iter().map(AsRef::as_ref).filter(|f| !shared.contains(f.name().as_str())).collect()
    } else {
        vec![]
    };
    let right_names: HashSet<&str> = right_kept.iter().map(|f| f.name().as_str()).collect();
    let (left_suffix, right_suffix) = (&spec.suffixes.0, &spec.suffixes.1);
    let overlap: HashSet<&str> = left_names.intersection(&right_names).copied().collect();
    if !overlap.is_empty() && left_suffix.is_empty() && right_suffix.is_empty() {
        let mut names: Vec<&str> = overlap.into_iter().collect();
        names.sort_unstable();
        return Err(Error::InvalidArgument(format!(
            "columns overlap but no suffix specified: {}",
            names.join(", ")
        )));
    }
    let left_nullable = how.keeps_unmatched_right();
    let right_nullable = how.keeps_unmatched_left();
    let mut fields = Vec::with_capacity(left.fields().len() + right_kept.len() + 1);
    for f in left.fields() {
        let name = f.name().as_str();
        let field = if shared.contains(name) {
            let i = spec.left_on.iter().position(|k| k == name).unwrap_or_default();
            let r = right.field_with_name(&spec.right_on[i])?;
            let dt = common_key_type(f.data_type(), r.data_type()).unwrap_or_else(|| f.data_type().clone());
            Field::new(name, dt, f.is_nullable() || r.is_nullable())
        } else if overlap.contains(name) {
            Field::new(
                format!("{name}{left_suffix}"),
                f.data_type().clone(),
                f.is_nullable() || left_nullable,
            )
        } else {
            f.as_ref().clone().with_nullable(f.is_nullable() || left_nullable)
        };
        fields.push(field);
    }
    for f in right_kept {
        let name = f.name().as_str();
        let name = if overlap.contains(name) { format!("{name}{right_suffix}") } else { name.to_string() };
        fields.push(Field::new(name, f.data_type().clone(), f.is_nullable() || right_nullable));
    }
    if let Some(indicator) = &spec.indicator {
        fields.push(Field::new(indicator, indicator_type(), false));
    }
    let mut seen = HashSet::new();
    for f in &fields {
        if !seen.insert(f.name().as_str()) {
            return Err(Error::InvalidArgument(format!(
                "merge: the output would have two columns named {:?} (choose other suffixes)",
                f.name()
            )));
        }
    }
    Ok(Arc::new(Schema::new(fields)))
}

fn check_keys(left: &Schema, right: &Schema, spec: &JoinSpec) -> Result<()> {
    if spec.how == JoinType::Cross {
        if !spec.left_on.is_empty() || !spec.right_on.is_empty() {
            return Err(Error::InvalidArgument("a cross join takes no keys (on, left_on, right_on)".into()));
        }
        return Ok(());
    }
    if spec.left_on.is_empty() {
        return Err(Error::InvalidArgument(
            "merge needs keys: give `on`, or `left_on` and `right_on` (or use how=cross)".into(),
        ));
    }
    if spec.left_on.len() != spec.right_on.len() {
        return Err(Error::InvalidArgument(format!(
            "left_on has {} columns and right_on {}; they must pair up",
            spec.left_on.len(),
            spec.right_on.len()
        )));
    }
    for (l, r) in spec.left_on.iter().zip(&spec.right_on) {
        let lf = left.field_with_name(l).map_err(|_| Error::merge_key_not_found("left", l, left))?;
        let rf = right.field_with_name(r).map_err(|_| Error::merge_key_not_found("right", r, right))?;
        if common_key_type(lf.data_type(), rf.data_type()).is_none() {
            return Err(Error::type_error(format!(
                "cannot merge on left column {l:?} ({}) and right column {r:?} ({}): their values never compare",
                crate::dtype::pandas_dtype(lf.data_type()),
                crate::dtype::pandas_dtype(rf.data_type())
            )));
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn schema(cols: &[(&str, DataType)]) -> Schema {
        Schema::new(cols.iter().map(|(n, t)| Field::new(*n, t.clone(), false)).collect::<Vec<_>>())
    }

    fn names(s: &Schema) -> Vec<String> {
        s.fields().iter().map(|f| f.name().clone()).collect()
    }

    #[test]
    fn shared_keys_once_and_suffixes_on_overlap() {
        let l = schema(&[("k", DataType::Int32), ("v", DataType::Float64), ("a", DataType::Utf8)]);
        let r = schema(&[("v", DataType::Int64), ("k", DataType::Int64), ("b", DataType::Utf8)]);
        let spec = JoinSpec::new(JoinType::Left, vec!["k".into()], vec!["k".into()]);
        let out = join_schema(&l, &r, &spec).unwrap();
        assert_eq!(names(&out), ["k", "v_x", "a", "v_y", "b"]);
        assert_eq!(out.field(0).data_type(), &DataType::Int64);
        assert!(!out.field(1).is_nullable());
        assert!(out.field(3).is_nullable(), "right columns of a left join may be missing");
    }

    #[test]
    fn different_key_names_keep_both_and_semi_keeps_left() {
        let l = schema(&[("a", DataType::Utf8), ("b", DataType::Utf8)]);
        let r = schema(&[("b", DataType::Utf8), ("a", DataType::Utf8)]);
        let spec = JoinSpec::new(JoinType::Inner, vec!["a".into()], vec!["b".into()]);
        assert_eq!(names(&join_schema(&l, &r, &spec).unwrap()), ["a_x", "b_x", "b_y", "a_y"]);
        let semi = JoinSpec { how: JoinType::Semi, ..spec.clone() };
        assert_eq!(names(&join_schema(&l, &r, &semi).unwrap()), ["a", "b"]);
        let ind = JoinSpec { how: JoinType::Outer, indicator: Some("_merge".into()), ..spec };
        let out = join_schema(&l, &r, &ind).unwrap();
        assert_eq!(names(&out), ["a_x", "b_x", "b_y", "a_y", "_merge"]);
        assert!(out.fields()[..4].iter().all(|f| f.is_nullable()));
    }

    #[test]
    fn bad_keys_are_named() {
        let l = schema(&[("k", DataType::Int64)]);
        let r = schema(&[("k", DataType::Utf8)]);
        let spec = JoinSpec::new(JoinType::Inner, vec!["k".into()], vec!["k".into()]);
        let err = join_schema(&l, &r, &spec).unwrap_err().to_string();
        assert!(err.contains("\"k\" (int64)") && err.contains("(string)"), "{err}");
        let spec = JoinSpec::new(JoinType::Inner, vec!["nope".into()], vec!["k".into()]);
        match join_schema(&l, &r, &spec) {
            Err(e @ Error::MergeKeyNotFound { .. }) => {
                assert_eq!(e.to_string(), "merge key \"nope\" not found on the left side; its columns are: k")
            }
            other => panic!("{other:?}"),
        }
        let spec = JoinSpec::new(JoinType::Inner, vec!["k".into()], vec!["nope".into()]);
        assert!(
            matches!(join_schema(&l, &r, &spec), Err(Error::MergeKeyNotFound { side, .. }) if side == "right")
        );
        let spec = JoinSpec::new(JoinType::Cross, vec!["k".into()], vec!["k".into()]);
        assert!(matches!(join_schema(&l, &r, &spec), Err(Error::InvalidArgument(_))));
        let spec = JoinSpec::new(JoinType::Inner, vec![], vec![]);
        assert!(matches!(join_schema(&l, &r, &spec), Err(Error::InvalidArgument(_))));
        let spec = JoinSpec {
            suffixes: (String::new(), String::new()),
            ..JoinSpec::new(JoinType::Cross, vec![], vec![])
        };
        assert!(join_schema(&l, &r, &spec).unwrap_err().to_string().contains("no suffix"));
    }
}
