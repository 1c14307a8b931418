//! Broadcasting a groupby's result back to the rows (pandas'
//! `df.groupby(k)["v"].transform("mean")`): each row finds its group's row
//! in the aggregate by key and takes its values.
//!
//! ```text
//! aggregate keys  "a" "b" null            rows' keys  "b" "a" "b" "z"
//! group ids        0   1   2      ─probe─▶ ids          1   0   1   3 (new: no match)
//!                                          take rows    1   0   1   null
//! ```
//!
//! The aggregate's keys go into a group-id table (the groupby's own
//! `group_ids`, so keys compare exactly as they were grouped: dictionaries
//! by value, `-0.0 == 0.0`, null equal to null), then the rows' keys are
//! interned into the same table: an id below the aggregate's group count is
//! a match, a new id is a key the aggregate does not hold (a null key when
//! the groupby dropped them), whose values are null, as pandas' NaN.

use std::sync::Arc;

use arrow::array::{Array, ArrayRef, UInt32Array};
use arrow::compute::take;
use arrow::datatypes::{DataType, Field, Schema};
use arrow::record_batch::{RecordBatch, RecordBatchOptions};

use crate::aggregate::group_ids::GroupIds;
use crate::error::{Error, Result};
use crate::expr::{evaluate, Expr};

/// For each row of `probe`, the row of `build` whose keys equal its keys
/// (a null equals a null), or null when none does. `build`'s keys should be
/// distinct (a groupby's output); if not, the first equal row is taken.
/// Without key columns every probe row matches `build`'s first row.
///
/// # Errors
/// Key columns of different counts or of types that cannot be grouped or
/// compared, and tables of more than `u32::MAX` rows.
pub fn lookup(build: &[ArrayRef], probe: &[ArrayRef]) -> Result<UInt32Array> {
    if build.len() != probe.len() {
        return Err(Error::Internal(format!("{} build keys for {} probe keys", build.len(), probe.len())));
    }
    let build_rows = build.first().map_or(1, |a| a.len());
    let probe_rows = probe.first().map_or(0, |a| a.len());
    let types: Vec<DataType> = build.iter().map(|a| a.data_type().clone()).collect();
    let mut table = GroupIds::new(&types)?;
    let mut ids = Vec::with_capacity(build_rows);
    table.intern(build, build_rows, &mut ids)?;
    // Group id → its first build row.
    let mut row_of = vec![u32::MAX; table.num_groups()];
    for (row, &g) in ids.iter().enumerate() {
        let slot = &mut row_of[g as usize];
        if *slot == u32::MAX {
            *slot = u32::try_from(row)
                .map_err(|_| Error::InvalidArgument("more than 4294967295 groups".into()))?;
        }
    }
    table.intern(probe, probe_rows, &mut ids)?;
    let out: UInt32Array =
        ids.iter().map(|&g| row_of.get(g as usize).copied().filter(|&r| r != u32::MAX)).collect();
    Ok(out)
}

/// `batch` with the value columns of `groups` (all but its first
/// `num_keys`, which hold the keys) looked up for each row by the value of
/// `keys` over `batch`; a value column named like a column of `batch`
/// replaces it in place, others are appended. The new columns are nullable:
/// a row whose key `groups` lacks gets nulls.
///
/// # Errors
/// Evaluation errors of `keys`, a `groups` of fewer than `num_keys`
/// columns, and those of [`lookup`].
pub fn broadcast(
    batch: &RecordBatch,
    keys: &[Expr],
    groups: &RecordBatch,
    num_keys: usize,
) -> Result<RecordBatch> {
    if groups.num_columns() < num_keys || keys.len() != num_keys {
        return Err(Error::Internal(format!(
            "a broadcast of {} keys from groups of {} columns with {num_keys} keys",
            keys.len(),
            groups.num_columns()
        )));
    }
    let probe = keys.iter().map(|k| evaluate(k, batch)).collect::<Result<Vec<_>>>()?;
    let build = &groups.columns()[..num_keys];
    // Without keys the rows all take the one row of a whole-frame aggregate;
    // with no row there (never, from a groupby) they get nulls.
    let rows = if num_keys == 0 && groups.num_rows() == 0 {
        UInt32Array::new_null(batch.num_rows())
    } else if num_keys == 0 {
        UInt32Array::from(vec![0u32; batch.num_rows()])
    } else {
        lookup(build, &probe)?
    };
    let schema = batch.schema();
    let mut fields: Vec<Field> = schema.fields().iter().map(|f| f.as_ref().clone()).collect();
    let mut columns: Vec<ArrayRef> = batch.columns().to_vec();
    let group_schema = groups.schema();
    for (field, values) in group_schema.fields().iter().zip(groups.columns()).skip(num_keys) {
        let looked_up = take(values.as_ref(), &rows, None)?;
        let new_field = Field::new(field.name(), looked_up.data_type().clone(), true);
        match fields.iter().position(|f| f.name() == field.name()) {
            Some(i) => {
                fields[i] = new_field;
                columns[i] = looked_up;
            }
            None => {
                fields.push(new_field);
                columns.push(looked_up);
            }
        }
    }
    let options = RecordBatchOptions::new().with_row_count(Some(batch.num_rows()));
    Ok(RecordBatch::try_new_with_options(Arc::new(Schema::new(fields)), columns, &options)?)
}

#[cfg(test)]
mod tests {
    use arrow::array::{AsArray, DictionaryArray, Float64Array, Int64Array, StringArray, StringViewArray};
    use arrow::datatypes::{Float64Type, Int32Type};

    use super::*;
    use crate::expr::col;

    #[test]
    fn each_row_finds_its_group_or_null() {
        let build: Vec<ArrayRef> = vec![Arc::new(StringArray::from(vec![Some("a"), Some("b"), None]))];
        let probe: Vec<ArrayRef> =
            vec![Arc::new(StringArray::from(vec![Some("b"), None, Some("z"), Some("a"), Some("b")]))];
        let got = lookup(&build, &probe).unwrap();
        assert_eq!(got, UInt32Array::from(vec![Some(1), Some(2), None, Some(0), Some(1)]));
        // Sliced probes, other string types and dictionaries compare by value.
        let view: ArrayRef = Arc::new(StringViewArray::from(vec![Some("x"), Some("a"), None]));
        assert_eq!(lookup(&build, &[view.slice(1, 2)]).unwrap(), UInt32Array::from(vec![Some(0), Some(2)]));
        let dict: DictionaryArray<Int32Type> = vec![Some("b"), None, Some("q")].into_iter().collect();
        assert_eq!(
            lookup(&build, &[Arc::new(dict) as ArrayRef]).unwrap(),
            UInt32Array::from(vec![Some(1), Some(2), None])
        );
    }

    #[test]
    fn several_keys_and_no_match_for_a_dropped_null() {
        let build: Vec<ArrayRef> =
            vec![Arc::new(Int64Array::from(vec![1, 1, 2])), Arc::new(StringArray::from(vec!["x", "y", "x"]))];
        let probe: Vec<ArrayRef> = vec![
            Arc::new(Int64Array::from(vec![Some(2), Some(1), None, Some(1)])),
            Arc::new(StringArray::from(vec![Some("x"), Some("y"), Some("x"), None])),
        ];
        assert_eq!(lookup(&build, &probe).unwrap(), UInt32Array::from(vec![Some(2), Some(1), None, None]));
        let empty: Vec<ArrayRef> = vec![build[0].slice(0, 0), build[1].slice(0, 0)];
        assert_eq!(lookup(&build, &empty).unwrap().len(), 0);
    }

    #[test]
    fn broadcast_appends_and_replaces_columns() {
        let schema = Arc::new(Schema::new(vec![
            Field::new("k", DataType::Utf8, true),
            Field::new("v", DataType::Float64, true),
        ]));
        let batch = RecordBatch::try_new(
            schema,
            vec![
                Arc::new(StringArray::from(vec![Some("a"), None, Some("b")])),
                Arc::new(Float64Array::from(vec![1.0, 2.0, 3.0])),
            ],
        )
        .unwrap();
        let gschema = Arc::new(Schema::new(vec![
            Field::new("k", DataType::Utf8, true),
            Field::new("v", DataType::Float64, false),
            Field::new("v_mean", DataType::Float64, false),
        ]));
        let groups = RecordBatch::try_new(
            gschema,
            vec![
                Arc::new(StringArray::from(vec!["b", "a"])),
                Arc::new(Float64Array::from(vec![30.0, 10.0])),
                Arc::new(Float64Array::from(vec![3.5, 1.5])),
            ],
        )
        .unwrap();
        let out = broadcast(&batch, &[col("k")], &groups, 1).unwrap();
        assert_eq!(
            out.schema().fields().iter().map(|f| f.name().as_str()).collect::<Vec<_>>(),
            ["k", "v", "v_mean"]
        );
        let v = out.column(1).as_primitive::<Float64Type>();
        assert_eq!(v, &Float64Array::from(vec![Some(10.0), None, Some(30.0)]));
        let m = out.column(2).as_primitive::<Float64Type>();
        assert_eq!(m, &Float64Array::from(vec![Some(1.5), None, Some(3.5)]));
        assert!(out.schema().field(2).is_nullable());

        // No keys: every row takes the one row.
        let one = groups.project(&[2]).unwrap().slice(1, 1);
        let out = broadcast(&batch, &[], &one, 0).unwrap();
        assert_eq!(out.column(2).as_primitive::<Float64Type>(), &Float64Array::from(vec![1.5, 1.5, 1.5]));
    }
}
