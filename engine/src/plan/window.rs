//! The window node: pandas' frame-order methods (`cumsum`, `cumprod`,
//! `cummax`, `cummin`, `shift`, `diff`, `pct_change`) as new columns.

use std::sync::Arc;

use arrow::datatypes::{Field, Schema, SchemaRef};
use rusk_ops::expr::Expr;
use rusk_ops::window::WindowSpec;
use rusk_ops::{Error, Result};

use super::{LogicalPlan, Project};

/// The input's rows, in its partitions and order, with one column per
/// spec, each computed in frame order across partitions.
///
/// Like `Dedup`, it reads the frame twice: once projected to the specs'
/// columns (`args`), summarized per partition and folded in order into
/// what each partition carries in (a prefix pass), and once whole, each
/// partition computing its columns from its rows and its carry. No task
/// ever holds more than a partition and the small carries.
#[derive(Debug, Clone)]
pub struct Window {
    /// The frame.
    pub input: Arc<LogicalPlan>,
    /// The frame's columns the specs read.
    pub args: Arc<LogicalPlan>,
    /// The methods.
    pub specs: Vec<WindowSpec>,
    /// The new columns' names.
    pub names: Vec<String>,
    /// The output schema: the input's, then the new columns.
    pub schema: SchemaRef,
}

impl Window {
    /// The methods `specs` over `input`, named `names`.
    ///
    /// # Errors
    /// [`Error::ColumnNotFound`] for an unknown column, [`Error::Type`] for
    /// a method the column's type does not take, [`Error::InvalidArgument`]
    /// for a name the input has.
    pub fn try_new(input: Arc<LogicalPlan>, specs: Vec<WindowSpec>, names: Vec<String>) -> Result<Self> {
        let in_schema = input.schema();
        let mut fields: Vec<Arc<Field>> = in_schema.fields().iter().cloned().collect();
        let mut columns: Vec<String> = Vec::new();
        for (spec, name) in specs.iter().zip(&names) {
            let field = in_schema.field_with_name(&spec.column).map_err(|_| Error::ColumnNotFound {
                name: spec.column.clone(),
                available: in_schema.fields().iter().map(|f| f.name().clone()).collect(),
            })?;
            if let rusk_ops::window::WindowFunction::Rolling { window, min_periods, .. } = spec.func {
                if window == 0 || min_periods > window {
                    return Err(Error::InvalidArgument(format!(
                        "rolling({window}, min_periods={min_periods}): the window must be at least 1 \
                         and min_periods at most the window"
                    )));
                }
            }
            let t = spec.func.output_type(field.data_type())?;
            if fields.iter().any(|f| f.name() == name) {
                return Err(Error::InvalidArgument(format!("column {name:?} exists; pick another name")));
            }
            fields.push(Arc::new(Field::new(name, t, true)));
            if !columns.contains(&spec.column) {
                columns.push(spec.column.clone());
            }
        }
        let args = Project::try_new(Arc::clone(&input), columns.into_iter().map(Expr::Column).collect())?;
        let schema = Arc::new(Schema::new(fields));
        Ok(Window { input, args: Arc::new(LogicalPlan::Project(args)), specs, names, schema })
    }

    /// The same node over new inputs (the frame, and its specs' columns).
    ///
    /// # Errors
    /// As [`Window::try_new`].
    pub fn with_new_inputs(&self, input: Arc<LogicalPlan>, args: Arc<LogicalPlan>) -> Result<Self> {
        let node = Window::try_new(input, self.specs.clone(), self.names.clone())?;
        Ok(Window { args, ..node })
    }

    /// What `explain` prints.
    pub fn label(&self) -> String {
        let calls: Vec<String> =
            self.specs.iter().zip(&self.names).map(|(s, n)| format!("{s} AS {n}")).collect();
        format!("Window: [{}] (prefix pass)", calls.join(", "))
    }
}
