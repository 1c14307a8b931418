//! Progress as text: a line as each stage finishes and one when the run
//! ends, for a stderr that is not a terminal (a log, a CI job).

use std::io::Write;
use std::sync::Mutex;

use super::{totals, Progress};

/// Which stages of the current run have had their line.
#[derive(Default)]
pub(super) struct Lines {
    printed: Mutex<Vec<bool>>,
}

impl Lines {
    /// Writes the lines `p` has earned to `out`. Write errors are ignored:
    /// progress is a courtesy, and a closed stderr must not fail a run.
    pub(super) fn print(&self, p: &Progress, out: &mut dyn Write) {
        let mut printed = self.printed.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        printed.resize(p.stages.len(), false);
        let seconds = p.elapsed.as_secs_f64();
        for (stage, printed) in p.stages.iter().zip(printed.iter_mut()) {
            if !*printed && stage.done == stage.total {
                *printed = true;
                let _ = writeln!(
                    out,
                    "rusk: [{seconds:.1} s] {} ×{} done; {}",
                    stage.name,
                    stage.total,
                    totals(p)
                );
            }
        }
        if p.finished {
            let done: usize = p.stages.iter().map(|s| s.done).sum();
            let total: usize = p.stages.iter().map(|s| s.total).sum();
            let _ = writeln!(out, "rusk: [{seconds:.1} s] finished {done}/{total} tasks; {}", totals(p));
            printed.clear();
        }
    }
}
