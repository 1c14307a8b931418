//! The concat node: `rusk::concat([df1, df2, ..])`, frames stacked
//! vertically (pandas' `pd.concat(axis=0)`).

use std::path::PathBuf;
use std::sync::Arc;

use arrow::datatypes::{Schema, SchemaRef};
use rusk_io::schema::merge_schemas;
use rusk_ops::expr::{Expr, ScalarValue};
use rusk_ops::{Error, Result};

use super::same_columns;
use super::{LogicalPlan, Project};

/// The partitions of every input, in order: the rows of the first frame,
/// then the second's, and so on.
///
/// The schema is the inputs' schemas unified as files of one dataset are
/// when read (int and float give float, a column a frame lacks is null
/// there; see `rusk_io::schema::merge_schemas`); each input that differs
/// from it is projected onto it when the node is built, so every input
/// produces the output schema exactly.
#[derive(Debug, Clone)]
pub struct Concat {
    /// The frames, each already of `schema`.
    pub inputs: Vec<Arc<LogicalPlan>>,
    /// The unified schema.
    pub schema: SchemaRef,
    /// Drop the frames' index (pandas' `ignore_index=True`); otherwise
    /// frames indexed by the same column keep it (see `LogicalPlan::index`).
    pub ignore_index: bool,
}

impl Concat {
    /// Unifies the inputs' schemas and projects each input onto the result.
    ///
    /// # Errors
    /// [`Error::InvalidArgument`] for no input; [`Error::SchemaConflict`]
    /// naming the column and the two frames (`frame 0`, `frame 2`, ...)
    /// whose types do not unify.
    pub fn try_new(inputs: Vec<Arc<LogicalPlan>>, ignore_index: bool) -> Result<Self> {
        if inputs.is_empty() {
            return Err(Error::InvalidArgument("concat needs at least one frame".into()));
        }
        let named: Vec<(PathBuf, SchemaRef)> = inputs
            .iter()
            .enumerate()
            .map(|(i, p)| (PathBuf::from(format!("frame {i}")), p.schema()))
            .collect();
        let schema = Arc::new(merge_schemas(&named)?);
        let inputs = inputs.into_iter().map(|p| conform(p, &schema)).collect::<Result<Vec<_>>>()?;
        Ok(Concat { inputs, schema, ignore_index })
    }

    /// The same node over new inputs (each must already have the schema).
    ///
    /// # Errors
    /// [`Error::Internal`] when an input's columns differ from the schema.
    pub fn with_inputs(&self, inputs: Vec<Arc<LogicalPlan>>) -> Result<Self> {
        for input in &inputs {
            let s = input.schema();
            if !same_columns(&s, &self.schema) {
                return Err(Error::Internal(format!("concat input {s:?} differs from {:?}", self.schema)));
            }
        }
        Ok(Concat { inputs, schema: Arc::clone(&self.schema), ignore_index: self.ignore_index })
    }
}

/// `plan`, projected onto `schema` (casts, null columns, order) when it differs.
fn conform(plan: Arc<LogicalPlan>, schema: &Schema) -> Result<Arc<LogicalPlan>> {
    let own = plan.schema();
    if same_columns(&own, schema) {
        return Ok(plan);
    }
    let exprs = schema
        .fields()
        .iter()
        .map(|f| {
            let name = f.name().clone();
            let value = match own.field_with_name(&name) {
                Ok(g) if g.data_type() == f.data_type() => return Expr::Column(name),
                Ok(_) => Expr::Column(name.clone()).astype(f.data_type().clone()),
                Err(_) => Expr::Literal(ScalarValue::Null).astype(f.data_type().clone()),
            };
            Expr::Alias { expr: Box::new(value), name }
        })
        .collect();
    Ok(Arc::new(LogicalPlan::Project(Project::try_new(plan, exprs)?)))
}
