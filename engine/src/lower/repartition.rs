//! `repartition(n)`: regroup rows into n partitions, keeping their order.
//!
//! Fewer partitions: output j concatenates a run of adjacent inputs (Dask's
//! way; no row counts needed). More partitions: each input splits into equal
//! row ranges, input i into `n / k` pieces plus one for the first `n % k`.

use rusk_ops::Result;

use super::{lower_node, Lowered};
use crate::graph::{TaskGraph, TaskOp};
use crate::plan::Repartition;

pub(crate) fn lower_repartition(r: &Repartition, graph: &mut TaskGraph) -> Result<Lowered> {
    let input = lower_node(&r.input, graph)?;
    let k = input.tasks.len();
    let n = r.npartitions;
    let mut tasks = Vec::with_capacity(n);
    if k == 0 || n <= k {
        let stage = graph.add_stage("repartition (concat)");
        graph.stages[stage].detail = Some(format!("{k} → {n} partitions"));
        for j in 0..n {
            let (lo, hi) = (j * k / n, (j + 1) * k / n);
            let op = TaskOp::Concat { schema: r.input.schema() };
            tasks.push(graph.add_task(stage, j, op, input.tasks[lo..hi].to_vec()));
        }
        return Ok(Lowered { tasks, stage });
    }
    let stage = graph.add_stage("repartition (split)");
    graph.stages[stage].detail = Some(format!("{k} → {n} partitions"));
    for (i, &src) in input.tasks.iter().enumerate() {
        let pieces = n / k + usize::from(i < n % k);
        for index in 0..pieces {
            let partition = tasks.len();
            tasks.push(graph.add_task(stage, partition, TaskOp::Split { index, of: pieces }, vec![src]));
        }
    }
    Ok(Lowered { tasks, stage })
}
