//! The groups of a run of rows whose keys are contiguous: which rows each
//! position's group spans, and which rows have a missing key.

use std::ops::Range;

use arrow::array::{Array, ArrayRef};

use super::rolling::GroupSpan;
use crate::error::Result;

/// The runs of equal keys over `len` positions.
pub(super) struct Groups {
    /// The runs, in order; one run over every position without keys.
    runs: Vec<Range<usize>>,
    /// Each position's run.
    run_of: Vec<u32>,
    /// Positions whose key has a null (no group, as pandas' `dropna=True`).
    missing: Vec<bool>,
}

impl Groups {
    /// The runs of equal rows of `keys` (columns of `len` rows each; none:
    /// one run).
    ///
    /// # Errors
    /// Key types arrow cannot compare.
    pub(super) fn of(keys: &[ArrayRef], len: usize) -> Result<Groups> {
        if keys.is_empty() || len == 0 {
            let one_run = std::iter::once(0..len).collect();
            return Ok(Groups { runs: one_run, run_of: vec![0; len], missing: vec![false; len] });
        }
        let runs = arrow::compute::partition(keys)?.ranges();
        let mut run_of = vec![0u32; len];
        for (r, range) in runs.iter().enumerate() {
            // A partition has fewer than u32::MAX row runs.
            run_of[range.clone()].fill(r as u32);
        }
        let mut missing = vec![false; len];
        for key in keys {
            if key.null_count() > 0 {
                for (p, m) in missing.iter_mut().enumerate() {
                    *m |= key.is_null(p);
                }
            }
        }
        Ok(Groups { runs, run_of, missing })
    }

    /// Whether position `p` has no group (a null key).
    pub(super) fn missing(&self, p: usize) -> bool {
        self.missing[p]
    }

    /// The runs that meet `rows`, cut to it.
    pub(super) fn runs_in(&self, rows: Range<usize>) -> impl Iterator<Item = Range<usize>> + '_ {
        self.runs
            .iter()
            .filter(move |r| r.start < rows.end && r.end > rows.start)
            .map(move |r| r.start.max(rows.start)..r.end.min(rows.end))
    }
}

impl GroupSpan for Groups {
    fn span(&self, p: usize) -> (usize, usize) {
        let run = &self.runs[self.run_of[p] as usize];
        (run.start, run.end)
    }
}
