//! The window node: pandas' frame-order and per-group methods (`cumsum`,
//! `cumcount`, `shift`, `diff`, `pct_change`, `rolling`) as new columns.

use std::sync::Arc;

use arrow::datatypes::{DataType, Field, Schema, SchemaRef};
use rusk_ops::expr::Expr;
use rusk_ops::window::{Extent, WindowFunction, Windows};
use rusk_ops::{Error, Result};

use super::{LogicalPlan, Project};

/// The input's rows, in its partitions and order, with one column per
/// spec, each computed in frame order across partitions (per group when
/// `windows.by` names keys: then each group's rows must be contiguous).
///
/// Like `Dedup`, it reads a partition-local frame twice: once projected to
/// the columns the pass reads (`args`), summarized per partition and folded
/// in order into what each partition carries in (a prefix pass), and once
/// whole, each partition computing its columns from its rows and its
/// carry; no task then holds more than a partition and the carries, which
/// hold the rows a window reaches back (or ahead) over. Any other frame (a
/// sort's, a groupby's) is computed once and held from its summaries to
/// its window tasks (see `lower::window`), and there is no `args`: a plan
/// stays a tree, so a chain of windows over a sort is not a plan of 2^k
/// copies for every rule to walk. A run whose result stays in memory and
/// has no memory budget reads a partition-local frame once too (the
/// result holds as much; see `optimizer::run_settings::choose_window_reads`).
#[derive(Debug, Clone)]
pub struct Window {
    /// The frame.
    pub input: Arc<LogicalPlan>,
    /// The frame's columns the pass reads, read again for the summaries
    /// when the frame is partition-local (a scan and row-wise steps);
    /// otherwise none: the frame is computed once (see `lower::window`).
    pub args: Option<Arc<LogicalPlan>>,
    /// The methods and their groups.
    pub windows: Windows,
    /// The new columns' names.
    pub names: Vec<String>,
    /// The output schema: the input's, then the new columns.
    pub schema: SchemaRef,
}

impl Window {
    /// The methods `windows` over `input`, named `names`.
    ///
    /// # Errors
    /// [`Error::ColumnNotFound`] for an unknown column, [`Error::Type`] for
    /// a method the column's type does not take or a time window over a
    /// column that is not datetimes, [`Error::InvalidArgument`] for a name
    /// the input has or arguments pandas refuses.
    pub fn try_new(input: Arc<LogicalPlan>, windows: Windows, names: Vec<String>) -> Result<Self> {
        let in_schema = input.schema();
        let field_of = |name: &str| {
            in_schema.field_with_name(name).map_err(|_| Error::ColumnNotFound {
                name: name.to_string(),
                available: in_schema.fields().iter().map(|f| f.name().clone()).collect(),
            })
        };
        for key in &windows.by {
            field_of(key)?;
        }
        let mut fields: Vec<Arc<Field>> = in_schema.fields().iter().cloned().collect();
        for (spec, name) in windows.specs.iter().zip(&names) {
            let field = field_of(&spec.column)?;
            spec.func.validate()?;
            if let WindowFunction::Rolling { extent: Extent::Time { on, .. }, .. } = &spec.func {
                let t = field_of(on)?.data_type();
                if !matches!(t, DataType::Timestamp(..)) {
                    return Err(Error::type_error(format!(
                        "a time window needs a datetime column: {on} is {}",
                        rusk_ops::dtype::pandas_dtype(t)
                    )));
                }
            }
            let t = spec.func.output_type(field.data_type())?;
            if fields.iter().any(|f| f.name() == name) {
                return Err(Error::InvalidArgument(format!("column {name:?} exists; pick another name")));
            }
            fields.push(Arc::new(Field::new(name, t, true)));
        }
        let columns = windows.columns()?;
        let args = if input.is_partition_local() {
            let project =
                Project::try_new(Arc::clone(&input), columns.into_iter().map(Expr::Column).collect())?;
            Some(Arc::new(LogicalPlan::Project(project)))
        } else {
            None
        };
        let schema = Arc::new(Schema::new(fields));
        Ok(Window { input, args, windows, names, schema })
    }

    /// The same node over new inputs (the frame, and the columns it reads
    /// when it reads them apart). A node without `args` stays without:
    /// reading the frame once is kept whether it was the input's nature or
    /// a run's choice ([`Window::read_once`]).
    ///
    /// # Errors
    /// As [`Window::try_new`].
    pub fn with_new_inputs(&self, input: Arc<LogicalPlan>, args: Option<Arc<LogicalPlan>>) -> Result<Self> {
        let node = Window::try_new(input, self.windows.clone(), self.names.clone())?;
        let args = args.filter(|_| node.args.is_some());
        Ok(Window { args, ..node })
    }

    /// The same node reading its frame once and holding its partitions
    /// from their summaries to their window tasks, as over a frame that is
    /// not partition-local.
    pub fn read_once(&self) -> Self {
        Window { args: None, ..self.clone() }
    }

    /// What `explain` prints.
    pub fn label(&self) -> String {
        let calls: Vec<String> =
            self.windows.specs.iter().zip(&self.names).map(|(s, n)| format!("{s} AS {n}")).collect();
        let by = if self.windows.by.is_empty() {
            String::new()
        } else {
            format!(" per group of [{}]", self.windows.by.join(", "))
        };
        format!("Window: [{}]{by} (prefix pass)", calls.join(", "))
    }
}
