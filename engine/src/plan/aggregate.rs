//! The aggregate node: groupby + agg, or a whole-frame reduction (no keys).

use std::sync::Arc;

use arrow::datatypes::{DataType, Field, Schema, SchemaRef};
use rusk_ops::aggregate::{output_nullable, AggregateSpec, GroupOptions};
use rusk_ops::expr::Expr;
use rusk_ops::{Error, Result};

use super::LogicalPlan;

/// Groups rows by `keys` and computes `aggs` per group: the keys' columns,
/// then one column per aggregate, named `names`.
#[derive(Debug, Clone)]
pub struct Aggregate {
    /// The input.
    pub input: Arc<LogicalPlan>,
    /// The group keys (no keys: one group, the whole frame).
    pub keys: Vec<Expr>,
    /// The aggregates.
    pub aggs: Vec<AggregateSpec>,
    /// The aggregates' output names.
    pub names: Vec<String>,
    /// `sort` and `dropna`, as pandas' groupby.
    pub options: GroupOptions,
    /// Fan-in of the merge tree; `None` takes the config's.
    pub split_every: Option<usize>,
    /// The output schema.
    pub schema: SchemaRef,
}

impl Aggregate {
    /// Types the keys and aggregates over the input.
    ///
    /// # Errors
    /// Unknown columns, aggregates over types they don't take, duplicate
    /// output names, an aggregate used as a key.
    pub fn try_new(
        input: Arc<LogicalPlan>,
        keys: Vec<Expr>,
        aggs: Vec<AggregateSpec>,
        names: Vec<String>,
        options: GroupOptions,
        split_every: Option<usize>,
    ) -> Result<Self> {
        let in_schema = input.schema();
        let mut fields = Vec::with_capacity(keys.len() + aggs.len());
        for k in &keys {
            if k.has_aggregate() {
                return Err(Error::InvalidArgument(format!("a group key cannot be an aggregate: {k}")));
            }
            // Dictionary keys come out of the kernels decoded (one value per group).
            let data_type = match k.data_type(&in_schema)? {
                DataType::Dictionary(_, value) => *value,
                other => other,
            };
            fields.push(Field::new(k.output_name(), data_type, true));
        }
        if names.len() != aggs.len() {
            return Err(Error::Internal("one name per aggregate".into()));
        }
        for (spec, name) in aggs.iter().zip(&names) {
            let call = Expr::Aggregate { func: spec.func, args: spec.args.clone() };
            for arg in &spec.args {
                if arg.has_aggregate() {
                    return Err(Error::InvalidArgument(format!("aggregates cannot nest: {call}")));
                }
            }
            let data_type = call.data_type(&in_schema).map_err(|e| match e {
                Error::Type { message, location } => {
                    Error::Type { message: format!("{message} in `{call}`"), location }
                }
                other => other,
            })?;
            fields.push(Field::new(name, data_type, output_nullable(&spec.func)));
        }
        let mut seen = std::collections::HashSet::new();
        for f in &fields {
            if !seen.insert(f.name().clone()) {
                return Err(Error::InvalidArgument(format!("duplicate output column {:?}", f.name())));
            }
        }
        if split_every.is_some_and(|s| s < 2) {
            return Err(Error::InvalidArgument("split_every must be at least 2".into()));
        }
        Ok(Aggregate {
            input,
            keys,
            aggs,
            names,
            options,
            split_every,
            schema: Arc::new(Schema::new(fields)),
        })
    }

    /// The same node over a new input.
    ///
    /// # Errors
    /// As [`Aggregate::try_new`].
    pub fn with_input(&self, input: Arc<LogicalPlan>) -> Result<Self> {
        Aggregate::try_new(
            input,
            self.keys.clone(),
            self.aggs.clone(),
            self.names.clone(),
            self.options,
            self.split_every,
        )
    }
}
