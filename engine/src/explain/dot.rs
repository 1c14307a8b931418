//! The task graph as Graphviz DOT, like Dask's `.visualize()`: one node per
//! task, grouped in a cluster per stage. Ids are the task ids, so the output
//! is deterministic; labels are escaped.

use std::fmt::Write;

use crate::graph::TaskGraph;

/// DOT text for `graph`.
pub fn to_dot(graph: &TaskGraph) -> String {
    let mut out =
        String::from("digraph rusk {\n  rankdir=BT;\n  node [shape=box, fontname=\"monospace\"];\n");
    for (sid, stage) in graph.stages.iter().enumerate() {
        let _ = writeln!(out, "  subgraph cluster_{sid} {{\n    label=\"{}\";", escape(&stage.name));
        for id in graph.stage_tasks(sid) {
            let _ = writeln!(out, "    t{id} [label=\"{}\"];", escape(&graph.task_label(id)));
        }
        out.push_str("  }\n");
    }
    for (id, task) in graph.tasks.iter().enumerate() {
        for input in &task.inputs {
            let _ = writeln!(out, "  t{input} -> t{id};");
        }
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
