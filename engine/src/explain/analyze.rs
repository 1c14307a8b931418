//! `explain(analyze)`: per stage, the tasks that ran and the rows, bytes and
//! time they produced.

use std::fmt::Write;
use std::time::Duration;

use crate::graph::TaskGraph;
use crate::scheduler::TaskStats;

/// One line per stage: `name: tasks=8 rows=1000 bytes=8000 time=12.3ms`.
/// `time` is the sum of the tasks' run times (CPU-side, not wall clock).
pub fn analyze_report(graph: &TaskGraph, stats: &[Option<TaskStats>]) -> String {
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
        let _ = writeln!(
            out,
            "{}: tasks={tasks} rows={rows} bytes={bytes} time={:.1}ms",
            stage.name,
            time.as_secs_f64() * 1e3
        );
    }
    out
}
