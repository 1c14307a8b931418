//! The top-n node: per-group `nlargest` / `nsmallest` / `head`.

use std::collections::HashSet;
use std::sync::Arc;

use arrow::datatypes::{Field, Schema, SchemaRef};
use rusk_ops::aggregate::GroupOptions;
use rusk_ops::expr::Expr;
use rusk_ops::top_n::{can_rank, TopNOrder, TopNSpec};
use rusk_ops::{Error, Result};

use super::LogicalPlan;

/// The rows of each group with the `n` largest (smallest) values of a
/// column, or each group's first `n` rows. The output has the input's
/// columns, in order, after any key that is not a plain input column
/// (a computed key, named by its output name), so every row shows its
/// group. One partition, like an aggregate's.
#[derive(Debug, Clone)]
pub struct TopN {
    /// The input.
    pub input: Arc<LogicalPlan>,
    /// The group keys (none: the whole frame is one group).
    pub keys: Vec<Expr>,
    /// The ranked column (`None` for `head`).
    pub value: Option<String>,
    /// Rows kept per group.
    pub n: usize,
    /// Which rows.
    pub order: TopNOrder,
    /// `sort` and `dropna`, as pandas' groupby.
    pub options: GroupOptions,
    /// Fan-in of the merge tree; `None` takes the config's.
    pub split_every: Option<usize>,
    /// The output schema.
    pub schema: SchemaRef,
}

impl TopN {
    /// Types the keys and the value column over the input.
    ///
    /// # Errors
    /// Unknown columns; [`Error::Type`] for a value column that cannot be
    /// ranked (strings, booleans); [`Error::InvalidArgument`] for an
    /// aggregate as a key, a computed key named like a column, a missing
    /// value column for `nlargest`, `split_every` below 2.
    pub fn try_new(
        input: Arc<LogicalPlan>,
        keys: Vec<Expr>,
        value: Option<String>,
        n: usize,
        order: TopNOrder,
        options: GroupOptions,
        split_every: Option<usize>,
    ) -> Result<Self> {
        let in_schema = input.schema();
        let mut fields = Vec::with_capacity(keys.len() + in_schema.fields().len());
        for k in &keys {
            if k.has_aggregate() {
                return Err(Error::InvalidArgument(format!("a group key cannot be an aggregate: {k}")));
            }
            let data_type = k.data_type(&in_schema)?;
            if !matches!(k, Expr::Column(_)) {
                fields.push(Field::new(k.output_name(), data_type, true));
            }
        }
        fields.extend(in_schema.fields().iter().map(|f| f.as_ref().clone()));
        let mut seen = HashSet::new();
        for f in &fields {
            if !seen.insert(f.name().clone()) {
                return Err(Error::InvalidArgument(format!(
                    "group key {:?} is also a column; alias the key",
                    f.name()
                )));
            }
        }
        match (order, &value) {
            (TopNOrder::First, None) => {}
            (TopNOrder::First, Some(_)) => {
                return Err(Error::Internal("head takes no value column".into()));
            }
            (_, None) => return Err(Error::Internal(format!("{} needs a value column", order.name()))),
            (_, Some(v)) => {
                let dt = Expr::Column(v.clone()).data_type(&in_schema)?;
                if !can_rank(&dt) {
                    return Err(Error::type_error(format!(
                        "{}: cannot rank column {v:?} of type {} (numbers, dates and times only)",
                        order.name(),
                        rusk_ops::dtype::pandas_dtype(&dt)
                    )));
                }
            }
        }
        if split_every.is_some_and(|s| s < 2) {
            return Err(Error::InvalidArgument("split_every must be at least 2".into()));
        }
        Ok(TopN { input, keys, value, n, order, options, split_every, schema: Arc::new(Schema::new(fields)) })
    }

    /// The same node over a new input.
    ///
    /// # Errors
    /// As [`TopN::try_new`].
    pub fn with_input(&self, input: Arc<LogicalPlan>) -> Result<Self> {
        TopN::try_new(
            input,
            self.keys.clone(),
            self.value.clone(),
            self.n,
            self.order,
            self.options,
            self.split_every,
        )
    }

    /// The columns the node reads from its input: its keys' and value's.
    pub fn used_columns(&self) -> Vec<String> {
        let mut out: Vec<String> = self.keys.iter().flat_map(Expr::columns).collect();
        out.extend(self.value.iter().cloned());
        out
    }

    /// The expressions that turn an input batch into the output's columns
    /// (computed keys first, then the input's columns), or `None` when the
    /// keys are all plain columns and the input passes through as is.
    pub fn output_exprs(&self) -> Option<Vec<Expr>> {
        if self.keys.iter().all(|k| matches!(k, Expr::Column(_))) {
            return None;
        }
        let computed = self.keys.iter().filter(|k| !matches!(k, Expr::Column(_))).cloned();
        let columns =
            self.input.schema().fields().iter().map(|f| Expr::Column(f.name().clone())).collect::<Vec<_>>();
        Some(computed.chain(columns).collect())
    }

    /// The line `explain` shows: `TopN: nlargest 2 of v3, keys=[id6]`,
    /// options only where they differ from pandas' defaults.
    pub fn label(&self) -> String {
        let keys: Vec<String> = self.keys.iter().map(ToString::to_string).collect();
        let mut s = format!("TopN: {} {}", self.order.name(), self.n);
        if let Some(v) = &self.value {
            s.push_str(&format!(" of {v}"));
        }
        s.push_str(&format!(", keys=[{}]", keys.join(", ")));
        if !self.options.sort && self.order != TopNOrder::First {
            s.push_str(", sort=False");
        }
        if !self.options.dropna {
            s.push_str(", dropna=False");
        }
        if let Some(n) = self.split_every.filter(|&n| n != crate::config::DEFAULT_SPLIT_EVERY) {
            s.push_str(&format!(", split_every={n}"));
        }
        s
    }

    /// What the kernels need: the keys and the value by their names in the
    /// output's columns.
    pub fn spec(&self) -> TopNSpec {
        TopNSpec {
            keys: self.keys.iter().map(Expr::output_name).collect(),
            value: self.value.clone(),
            n: self.n,
            order: self.order,
            options: self.options,
        }
    }
}
