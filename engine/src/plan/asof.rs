//! The as-of join node: `df.merge_asof(other, on, by, direction, tolerance)`.

use std::sync::Arc;

use arrow::datatypes::SchemaRef;
use rusk_ops::join::{asof_schema, AsofSpec};
use rusk_ops::Result;

use super::LogicalPlan;

/// Each left row with its nearest right row by `on` (within `by` groups).
///
/// The right side is gathered into one batch, sorted by `on`, and
/// broadcast to every left partition, which keeps its rows, order and
/// partition: a left row's match depends only on the right side.
#[derive(Debug, Clone)]
pub struct AsofJoin {
    /// The left frame (sorted by `on` within each partition).
    pub left: Arc<LogicalPlan>,
    /// The right frame.
    pub right: Arc<LogicalPlan>,
    /// Keys, direction, tolerance, suffixes.
    pub spec: AsofSpec,
    /// The output schema.
    pub schema: SchemaRef,
}

impl AsofJoin {
    /// Checks the columns and computes the output schema.
    ///
    /// # Errors
    /// As `rusk_ops::join::asof_schema`.
    pub fn try_new(left: Arc<LogicalPlan>, right: Arc<LogicalPlan>, spec: AsofSpec) -> Result<Self> {
        let schema = asof_schema(&left.schema(), &right.schema(), &spec)?;
        Ok(AsofJoin { left, right, spec, schema })
    }

    /// The same join over new inputs.
    ///
    /// # Errors
    /// As [`AsofJoin::try_new`].
    pub fn with_inputs(&self, left: Arc<LogicalPlan>, right: Arc<LogicalPlan>) -> Result<Self> {
        AsofJoin::try_new(left, right, self.spec.clone())
    }

    /// The line `explain` prints.
    pub fn label(&self) -> String {
        let s = &self.spec;
        let mut out = if s.left_on == s.right_on {
            format!("AsofJoin: on={}", s.left_on)
        } else {
            format!("AsofJoin: left_on={}, right_on={}", s.left_on, s.right_on)
        };
        if !s.by_left.is_empty() {
            if s.by_left == s.by_right {
                out.push_str(&format!(", by=[{}]", s.by_left.join(", ")));
            } else {
                out.push_str(&format!(
                    ", left_by=[{}], right_by=[{}]",
                    s.by_left.join(", "),
                    s.by_right.join(", ")
                ));
            }
        }
        out.push_str(&format!(", direction={:?}", s.direction).to_lowercase());
        if let Some(t) = s.tolerance {
            out.push_str(&format!(", tolerance={t}"));
        }
        if !s.allow_exact_matches {
            out.push_str(", allow_exact_matches=False");
        }
        out.push_str(", strategy=broadcast right");
        out
    }
}
