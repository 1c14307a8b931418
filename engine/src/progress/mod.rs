//! What a run has done so far, reported after each task: to a callback a
//! front end draws its own way, or drawn on stderr (bars on a terminal,
//! a line per finished stage otherwise), as Dask's `ProgressBar` does.

mod bars;
mod lines;

use std::io::IsTerminal;
use std::sync::Arc;
use std::time::Duration;

use crate::plan::estimate::format_bytes;

/// A run's progress: every stage's tasks done of its total, what its scans
/// read and what it spilled so far.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Progress {
    /// The stages the run needs, in the graph's order.
    pub stages: Vec<StageProgress>,
    /// Rows the scans produced so far (before any filter).
    pub rows_read: u64,
    /// Bytes the scans read so far (CSV byte ranges, Parquet column chunks).
    pub bytes_read: u64,
    /// Bytes written to spill files so far.
    pub bytes_spilled: u64,
    /// Time since the run started.
    pub elapsed: Duration,
    /// True in the run's last report, whether it succeeded or not.
    pub finished: bool,
}

/// One stage's tasks: how many finished (successfully or not) of how many.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StageProgress {
    /// The stage's name, as `explain` prints it.
    pub name: String,
    /// Tasks finished.
    pub done: usize,
    /// Tasks the run needs of this stage.
    pub total: usize,
}

/// The function a run reports its [`Progress`] to.
pub type ProgressCallback = dyn Fn(&Progress) + Send + Sync;

/// Where runs report their progress: nowhere (the default), stderr, or a
/// callback. Reports come from the thread that coordinates a run, one
/// after each task and a last one with [`Progress::finished`] set.
///
/// Clones share the callback; two are equal when they are the same
/// callback (or both report nowhere).
#[derive(Clone, Default)]
pub struct ProgressSink(Option<Arc<ProgressCallback>>);

impl ProgressSink {
    /// Reports to `callback`.
    pub fn callback(callback: impl Fn(&Progress) + Send + Sync + 'static) -> Self {
        ProgressSink(Some(Arc::new(callback)))
    }

    /// Draws on stderr: a bar per stage when stderr is a terminal, else a
    /// line as each stage finishes (so a log shows the run's course).
    pub fn stderr() -> Self {
        if std::io::stderr().is_terminal() {
            let bars = bars::Bars::default();
            Self::callback(move |p| bars.draw(p))
        } else {
            let lines = lines::Lines::default();
            Self::callback(move |p| lines.print(p, &mut std::io::stderr()))
        }
    }

    /// Whether anything receives the reports (a run skips them otherwise).
    pub fn is_set(&self) -> bool {
        self.0.is_some()
    }

    /// Hands `progress` to the callback, if there is one.
    pub(crate) fn report(&self, progress: &Progress) {
        if let Some(callback) = &self.0 {
            callback(progress);
        }
    }
}

impl std::fmt::Debug for ProgressSink {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(if self.0.is_some() { "ProgressSink(set)" } else { "ProgressSink(none)" })
    }
}

impl PartialEq for ProgressSink {
    fn eq(&self, other: &Self) -> bool {
        match (&self.0, &other.0) {
            (Some(a), Some(b)) => Arc::ptr_eq(a, b),
            (None, None) => true,
            _ => false,
        }
    }
}

impl Eq for ProgressSink {}

/// The totals line both renderings share: rows and bytes read, spilled.
fn totals(p: &Progress) -> String {
    let mut text = format!("{} rows, {} read", p.rows_read, format_bytes(p.bytes_read));
    if p.bytes_spilled > 0 {
        text.push_str(&format!(", {} spilled", format_bytes(p.bytes_spilled)));
    }
    text
}

#[cfg(test)]
mod tests;
