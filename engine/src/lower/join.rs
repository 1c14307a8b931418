//! `merge`: a broadcast of the small side, or a hash shuffle of both.
//!
//! ```text
//! broadcast right:  right ×R ─▶ gather ×1 ─┐
//!                   left ×L ───────────────┴▶ hash_join ×L
//! shuffle:          left ×L ─▶ hash_split ×L ──┐
//!                   right ×R ─▶ hash_split ×R ─┴▶ hash_join ×n (bucket j of every split)
//! ```
//!
//! The side that is gathered is lowered first, so its tasks get the lower
//! ids: the scheduler finishes it before the other side's partitions start
//! flowing into their joins, and those are then dropped as soon as joined.
//! Equal keys hash to the same bucket whatever their integer width or
//! string kind (`rusk_ops::partition::hash_rows`); keys of an int and a
//! float were cast to float by `merge`.

use rusk_ops::Result;

use super::shuffle::{receive, split_by_hash};
use super::{lower_node, Lowered};
use crate::graph::{TaskGraph, TaskId, TaskOp};
use crate::plan::{AsofJoin, Chosen, Join, LogicalPlan, Side};

pub(crate) fn lower_join(join: &Join, graph: &mut TaskGraph) -> Result<Lowered> {
    let chosen = join.decision();
    let op = |left_inputs: usize| TaskOp::HashJoin {
        spec: join.spec.clone(),
        left_inputs,
        left_schema: join.left.schema(),
        right_schema: join.right.schema(),
    };
    match &chosen {
        Chosen::Broadcast { side, .. } => {
            // The gathered side first (see the module docs), then every
            // partition of the other side joins it, the sides kept in place.
            let (small, big) = match side {
                Side::Right => (&join.right, &join.left),
                Side::Left => (&join.left, &join.right),
            };
            let gathered = gather(graph, small, &format!("gather {}", side.name()))?;
            let partitions = lower_node(big, graph)?;
            let stage = graph.add_stage("hash_join");
            graph.stages[stage].detail =
                Some(format!("{}: each {} partition with all of it", chosen.describe(), side.other().name()));
            let tasks = partitions
                .tasks
                .iter()
                .enumerate()
                .map(|(i, &t)| {
                    let inputs = match side {
                        Side::Right => vec![t, gathered],
                        Side::Left => vec![gathered, t],
                    };
                    graph.add_task(stage, i, op(1), inputs)
                })
                .collect();
            Ok(Lowered { tasks, stage })
        }
        Chosen::Aligned { .. } => super::align::lower_aligned_join(join, graph),
        Chosen::Shuffle { partitions, .. } => {
            let n = *partitions;
            let left = lower_node(&join.left, graph)?;
            let right = lower_node(&join.right, graph)?;
            let mut splits = split_by_hash(graph, &left.tasks, join.spec.left_on.clone(), n);
            let left_inputs = splits.len();
            splits.extend(split_by_hash(graph, &right.tasks, join.spec.right_on.clone(), n));
            let detail = format!("{}: bucket j of both sides", chosen.describe());
            let (tasks, stage) = receive(graph, "hash_join", detail, &splits, n, || op(left_inputs));
            Ok(Lowered { tasks, stage })
        }
    }
}

pub(crate) fn lower_asof_join(join: &AsofJoin, graph: &mut TaskGraph) -> Result<Lowered> {
    let right = gather(graph, &join.right, "gather right")?;
    let key = rusk_ops::sort::SortKey::new(join.spec.right_on.clone());
    graph.tasks[right].pipeline.push(crate::graph::ElementOp::Sort(vec![key]));
    let stage_of_right = graph.tasks[right].stage;
    graph.stages[stage_of_right].name.push_str("+sort");
    let left = lower_node(&join.left, graph)?;
    let stage = graph.add_stage("asof_join");
    graph.stages[stage].detail = Some("each left partition with all of the right, sorted by its key".into());
    let tasks = left
        .tasks
        .iter()
        .enumerate()
        .map(|(i, &t)| graph.add_task(stage, i, TaskOp::AsofJoin { spec: join.spec.clone() }, vec![t, right]))
        .collect();
    Ok(Lowered { tasks, stage })
}

/// Lowers `plan` and gathers its partitions into one task (a task of its
/// own, even for one partition, so the broadcast side is computed once).
fn gather(graph: &mut TaskGraph, plan: &LogicalPlan, name: &str) -> Result<TaskId> {
    let input = lower_node(plan, graph)?;
    let stage = graph.add_stage(name);
    Ok(graph.add_task(stage, 0, TaskOp::Concat { schema: plan.schema() }, input.tasks))
}
