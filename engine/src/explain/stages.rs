//! The task graph summarized by stage:
//! `scan parquet+filter+project ×8 → limit ×1`.

use std::fmt::Write;

use crate::graph::TaskGraph;

/// One line per stage (`name ×tasks`, with its detail), then the chain on one line.
pub fn stage_summary(graph: &TaskGraph) -> String {
    let mut counts = vec![0usize; graph.stages.len()];
    for t in &graph.tasks {
        counts[t.stage] += 1;
    }
    let chain: Vec<String> =
        graph.stages.iter().zip(&counts).map(|(s, n)| format!("{} ×{n}", s.name)).collect();
    let mut out = format!("{}\n", chain.join(" → "));
    for (s, _) in graph.stages.iter().zip(&counts) {
        if let Some(detail) = &s.detail {
            let _ = writeln!(out, "  {}: {detail}", s.name);
        }
    }
    let _ = writeln!(out, "{} tasks", graph.tasks.len());
    out
}
