//! `explain(analyze)`: per stage, the tasks that ran and the rows, bytes and
//! time they produced, the most bytes its outputs held at once and what
//! they spilled.

use std::fmt::Write;
use std::time::Duration;

use crate::graph::TaskGraph;
use crate::scheduler::{MemoryStats, TaskStats};

/// One line per stage: `name: tasks=8 rows=1000 bytes=8000 time=12.3ms
/// peak_held=4000 spilled=0`, then the run's peak. `time` is the sum of the
/// tasks' run times (CPU-side, not wall clock); `peak_held` the most bytes
/// the stage's outputs held in memory at once (Arrow buffers; a task's
/// working memory while it runs is not counted), `spilled` the bytes of
/// them written to spill files.
pub fn analyze_report(graph: &TaskGraph, stats: &[Option<TaskStats>], memory: &MemoryStats) -> String {
    let mut out = String::new();
    for (sid, stage) in graph.stages.iter().enumerate() {
        let (mut tasks, mut rows, mut bytes, mut time) = (0, 0, 0, Duration::ZERO);
        for id in graph.stage_tasks(sid) {
            if let Some(s) = stats.get(id).copied().flatten() {
                tasks += 1;
                rows += s.rows;
                bytes += s.bytes;
                time += s.elapsed;
            }
        }
        let held = memory.stages.get(sid).copied().unwrap_or_default();
        let _ = writeln!(
            out,
            "{}: tasks={tasks} rows={rows} bytes={bytes} time={:.1}ms peak_held={} spilled={}",
            stage.name,
            time.as_secs_f64() * 1e3,
            held.peak_held,
            held.spilled,
        );
    }
    let _ = writeln!(out, "peak held by all stages at once: {} bytes", memory.peak_held);
    out
}
