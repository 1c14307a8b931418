//! The task graph summarized by stage:
//! `scan parquet+filter+project ×8 → limit ×1`.

use std::fmt::Write;

use crate::graph::TaskGraph;

/// Each stage's name and task count, in the graph's order: what the
/// summary's chain prints, as data (tests assert graph shapes with it).
pub fn stage_counts(graph: &TaskGraph) -> Vec<(String, usize)> {
    let mut counts = vec![0usize; graph.stages.len()];
    for t in &graph.tasks {
        counts[t.stage] += 1;
    }
    graph.stages.iter().zip(counts).map(|(s, n)| (s.name.clone(), n)).collect()
}

/// One line per stage (`name ×tasks`, with its detail), then the chain on one line.
pub fn stage_summary(graph: &TaskGraph) -> String {
    let counts = stage_counts(graph);
    let chain: Vec<String> = counts.iter().map(|(name, n)| format!("{name} ×{n}")).collect();
    let mut out = format!("{}\n", chain.join(" → "));
    for s in &graph.stages {
        if let Some(detail) = &s.detail {
            let _ = writeln!(out, "  {}: {detail}", s.name);
        }
    }
    let _ = writeln!(out, "{} tasks", graph.tasks.len());
    out
}
