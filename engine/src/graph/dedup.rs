//! The steps and tasks of `drop_duplicates` / `duplicated` (see
//! `lower::dedup` for how they connect).

use rusk_ops::dedup::Keep;

use rusk_ops::dedup::DedupMode;

/// A row-wise step of a dedup (fused into a task's pipeline).
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub enum DedupStep {
    /// The key columns and each row's row id, as partition `partition`:
    /// what a partition sends into the shuffle.
    RowIds {
        /// The key columns.
        columns: Vec<String>,
        /// The partition's index.
        partition: usize,
    },
    /// A bucket's keys and row ids (in frame order) become
    /// `(row id, duplicated)`.
    Flags {
        /// Which row of a key is kept.
        keep: Keep,
    },
    /// A partition's `(row id, duplicated)` pieces become its `duplicated`
    /// column, in row order.
    RowOrder,
    /// The whole dedup in one batch (a frame of one partition).
    Local {
        /// The key columns.
        subset: Vec<String>,
        /// Which row of a key is kept.
        keep: Keep,
        /// Rows or flags.
        mode: DedupMode,
    },
}

impl DedupStep {
    /// The short name used in stage labels.
    pub fn name(&self) -> &'static str {
        match self {
            DedupStep::RowIds { .. } => "row_ids",
            DedupStep::Flags { .. } => "dedup",
            DedupStep::RowOrder => "row_order",
            DedupStep::Local { mode: DedupMode::DropDuplicates, .. } => "drop_duplicates",
            DedupStep::Local { mode: DedupMode::Duplicated, .. } => "duplicated",
        }
    }
}

/// A dedup task's op.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub enum DedupTask {
    /// Splits its one input, `(row id, duplicated)`, into `n` buckets by the
    /// partition of each row id (outputs buckets: bucket `i` goes back to
    /// partition `i`).
    Route {
        /// How many partitions.
        n: usize,
    },
    /// Its first input is a partition, its second that partition's
    /// `duplicated` column: keeps the rows that are not duplicates, or
    /// outputs the column.
    Apply {
        /// Rows or flags.
        mode: DedupMode,
    },
}
