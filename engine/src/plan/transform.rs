//! The transform node: a groupby's aggregates broadcast back to the rows
//! (pandas' `df.groupby(k)["v"].transform("mean")`).

use std::sync::Arc;

use arrow::datatypes::{Field, Schema, SchemaRef};
use rusk_ops::expr::Expr;
use rusk_ops::{Error, Result};

use super::LogicalPlan;

/// The input's rows, in their order and partitions, with new columns
/// holding each row's group aggregates.
///
/// It has two inputs: the frame, and the groupby of that same frame
/// (`aggregated`: the keys, named by their output names, then one column
/// per aggregate). The frame is therefore read twice, once for the groupby
/// and once for the rows, as Dask's `transform` does: the groupby must have
/// seen every row before the first row can be given its group's value, and
/// keeping the rows in memory meanwhile would hold the whole frame.
#[derive(Debug, Clone)]
pub struct Transform {
    /// The frame whose rows get the new columns.
    pub input: Arc<LogicalPlan>,
    /// The groupby of `input` by `keys` (one row a group).
    pub aggregated: Arc<LogicalPlan>,
    /// The group keys, over `input`.
    pub keys: Vec<Expr>,
    /// The output schema: `input`'s columns, each new column replacing the
    /// one of its name in place or appended; new columns are nullable (a
    /// row whose key the groupby dropped, a null with `dropna`, gets null).
    pub schema: SchemaRef,
}

impl Transform {
    /// Checks that `aggregated` starts with the keys.
    ///
    /// # Errors
    /// Unknown columns in `keys`; [`Error::Internal`] when `aggregated`
    /// does not start with a column per key.
    pub fn try_new(input: Arc<LogicalPlan>, aggregated: Arc<LogicalPlan>, keys: Vec<Expr>) -> Result<Self> {
        let in_schema = input.schema();
        for k in &keys {
            k.data_type(&in_schema)?;
        }
        let agg_schema = aggregated.schema();
        let names_match = agg_schema.fields().len() >= keys.len()
            && keys.iter().zip(agg_schema.fields()).all(|(k, f)| k.output_name() == *f.name());
        if !names_match {
            return Err(Error::Internal(format!(
                "transform: the groupby's columns {:?} do not start with its keys",
                agg_schema.fields().iter().map(|f| f.name()).collect::<Vec<_>>()
            )));
        }
        let mut fields: Vec<Field> = in_schema.fields().iter().map(|f| f.as_ref().clone()).collect();
        for f in agg_schema.fields().iter().skip(keys.len()) {
            let new = Field::new(f.name(), f.data_type().clone(), true);
            match fields.iter().position(|g| g.name() == f.name()) {
                Some(i) => fields[i] = new,
                None => fields.push(new),
            }
        }
        Ok(Transform { input, aggregated, keys, schema: Arc::new(Schema::new(fields)) })
    }

    /// The line `explain` shows; the groupby is the node's second input.
    pub fn label(&self) -> String {
        let keys: Vec<String> = self.keys.iter().map(ToString::to_string).collect();
        format!(
            "Transform: keys=[{}], columns=[{}] (reads its input twice)",
            keys.join(", "),
            self.names().join(", ")
        )
    }

    /// The names of the new columns.
    pub fn names(&self) -> Vec<String> {
        self.aggregated.schema().fields().iter().skip(self.keys.len()).map(|f| f.name().clone()).collect()
    }
}
