//! The task graph as Graphviz DOT, like Dask's `.visualize()`: one node per
//! task, grouped in a cluster per stage. Ids are the task ids, so the output
//! is deterministic; labels are escaped.

use std::fmt::Write;

use crate::graph::TaskGraph;

/// DOT text for `graph`.
pub fn to_dot(graph: &TaskGraph) -> String {
    let stages = graph.stages.iter().enumerate().map(|(sid, stage)| {
        (stage.name.clone(), graph.stage_tasks(sid).map(|id| (id as u64, graph.task_label(id))).collect())
    });
    let edges = graph
        .tasks
        .iter()
        .enumerate()
        .flat_map(|(id, t)| t.inputs.iter().map(move |&i| (i as u64, id as u64)));
    dot_of(stages, edges)
}

/// DOT of any task graph: a cluster per stage `(name, [(task id, label)])`,
/// and an edge per `(input, consumer)`. Frames' and delayed graphs' look.
pub fn dot_of(
    stages: impl IntoIterator<Item = (String, Vec<(u64, String)>)>,
    edges: impl IntoIterator<Item = (u64, u64)>,
) -> String {
    let mut out =
        String::from("digraph rusk {\n  rankdir=BT;\n  node [shape=box, fontname=\"monospace\"];\n");
    for (sid, (name, tasks)) in stages.into_iter().enumerate() {
        let _ = writeln!(out, "  subgraph cluster_{sid} {{\n    label=\"{}\";", escape(&name));
        for (id, label) in tasks {
            let _ = writeln!(out, "    t{id} [label=\"{}\"];", escape(&label));
        }
        out.push_str("  }\n");
    }
    for (input, id) in edges {
        let _ = writeln!(out, "  t{input} -> t{id};");
    }
    out.push_str("}\n");
    out
}

fn escape(s: &str) -> String {
    s.replace('\\', "\\\\").replace('"', "\\\"")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::graph::TaskOp;

    #[test]
    fn deterministic_and_escaped() {
        let mut g = TaskGraph::default();
        let s0 = g.add_stage("scan \"q\"");
        let a = g.add_task(s0, 0, TaskOp::Split { index: 0, of: 1 }, vec![]);
        let s1 = g.add_stage("limit");
        let schema = std::sync::Arc::new(arrow::datatypes::Schema::empty());
        g.add_task(s1, 0, TaskOp::Concat { schema }, vec![a]);
        let dot = to_dot(&g);
        assert_eq!(dot, to_dot(&g.clone()));
        assert!(dot.contains("label=\"scan \\\"q\\\"\";"));
        assert!(dot.contains("t0 -> t1;"));
    }
}
