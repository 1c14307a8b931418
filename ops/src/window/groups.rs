//! The groups of a run of rows whose keys are contiguous: which rows each
//! position's group spans, and which rows have a missing key.

use std::ops::Range;

use arrow::array::{Array, ArrayRef, AsArray, Float64Array};
use arrow::datatypes::{DataType, Float64Type};

use super::rolling::GroupSpan;
use crate::error::Result;

/// The runs of equal keys over `len` positions.
pub(super) struct Groups {
    /// The runs, in order; one run over every position without keys.
    runs: Vec<Range<usize>>,
    /// Each position's run; empty when there is one run (no keys).
    run_of: Vec<u32>,
    /// Positions whose key has a null or NaN (no group, as pandas'
    /// `dropna=True`); empty when there are no keys.
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
            // One run, nothing missing: no per-row state on the frame-order path.
            let one_run = std::iter::once(0..len).collect();
            return Ok(Groups { runs: one_run, run_of: Vec::new(), missing: Vec::new() });
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
            // A NaN key is missing too, as pandas' groupby drops it.
            if let Some(floats) = float_values(key) {
                for (p, m) in missing.iter_mut().enumerate() {
                    *m |= floats.is_valid(p) && floats.value(p).is_nan();
                }
            }
        }
        Ok(Groups { runs, run_of, missing })
    }

    /// Whether position `p` has no group (a null key).
    pub(super) fn missing(&self, p: usize) -> bool {
        self.missing.get(p).copied().unwrap_or(false)
    }

    /// Whether any position has no group.
    pub(super) fn any_missing(&self) -> bool {
        self.missing.contains(&true)
    }

    /// The runs that meet `rows`, cut to it.
    pub(super) fn runs_in(&self, rows: Range<usize>) -> impl Iterator<Item = Range<usize>> + '_ {
        self.runs
            .iter()
            .filter(move |r| r.start < rows.end && r.end > rows.start)
            .map(move |r| r.start.max(rows.start)..r.end.min(rows.end))
    }
}

/// A float key as float64, to look for NaN (none for other types).
fn float_values(key: &ArrayRef) -> Option<Float64Array> {
    if !matches!(key.data_type(), DataType::Float16 | DataType::Float32 | DataType::Float64) {
        return None;
    }
    let cast = arrow::compute::cast(key, &DataType::Float64).ok()?;
    Some(cast.as_primitive::<Float64Type>().clone())
}

impl GroupSpan for Groups {
    fn span(&self, p: usize) -> (usize, usize) {
        let run = &self.runs[self.run_of.get(p).map_or(0, |&r| r as usize)];
        (run.start, run.end)
    }
}
