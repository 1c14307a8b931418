//! `drop_duplicates` / `duplicated`: a hash shuffle of the keys with row
//! ids, the flags routed back to their partitions, then the frame read a
//! second time takes them.
//!
//! ```text
//! keys ×P ─▶ hash_split ×P ─▶ dedup ×n ─▶ route ×n ─▶ flags ×P ─┐
//! (key columns + row id)      (flag)      (by source  (in row   │
//!                                          partition)  order)    │
//! scan ×P ──────────────────────────────────────────────────────┴▶ filter ×P
//! ```
//!
//! Each partition of the keys' side (`Dedup::keys`: the subset columns)
//! gets a row id per row, `(partition, row)`, and splits by key hash into
//! `n` = P buckets, so every row of a key meets in one `dedup` task. That
//! task reads bucket j of the splits in partition order, and a split keeps
//! row order, so its rows are in the frame's order: the first (or last) of
//! a key is the frame's first (or last), as pandas keeps. It flags each
//! row, a `route` task splits the flags by the row id's partition, and the
//! `flags` task of partition i gathers its pieces back into row order. The
//! frame, lowered a second time (read twice, as `transform` does), then
//! keeps its rows that are not duplicates, or outputs the flags.
//!
//! No task holds more than a bucket of keys and row ids or one partition:
//! memory stays bounded. The keys' side is lowered first, so its scans get
//! the lower task ids and run first (see `lower::transform`). A frame of
//! one partition is deduplicated in one task, without a shuffle (two, one
//! per read, when a `drop_duplicates` is selected down to columns that
//! leave out the subset).

use std::sync::Arc;

use arrow::datatypes::{DataType, Field, Schema};
use rusk_ops::dedup::{flags_schema, ROW_ID};
use rusk_ops::{Error, Result};

use super::elementwise::fuse;
use super::shuffle::{receive, split_by_hash};
use super::{lower_node, Lowered};
use crate::graph::{DedupStep, DedupTask, ElementOp, TaskGraph, TaskOp};
use crate::plan::{Dedup, DedupMode, LogicalPlan};

pub(crate) fn lower_dedup(node: &Dedup, graph: &mut TaskGraph) -> Result<Lowered> {
    if node.input.npartitions() <= 1 {
        return lower_local(node, graph);
    }
    let keys = lower_node(&node.keys, graph)?;
    let p = keys.tasks.len();
    for (i, &id) in keys.tasks.iter().enumerate() {
        let step = DedupStep::RowIds { columns: node.subset.clone(), partition: i };
        graph.tasks[id].pipeline.push(ElementOp::Dedup(step));
    }
    let stage = &mut graph.stages[keys.stage];
    stage.name = format!("{}+row_ids", stage.name);

    let n = p.max(1);
    let splits = split_by_hash(graph, &keys.tasks, node.subset.clone(), n);
    let mut fields: Vec<Field> =
        node.keys.schema().fields().iter().map(|f| f.as_ref().clone().with_nullable(true)).collect();
    fields.push(Field::new(ROW_ID, DataType::UInt64, false));
    let bucket_schema = Arc::new(Schema::new(fields));
    let (dedup, _) = receive(
        graph,
        "dedup",
        format!("keep={} of each key, rows in frame order", node.keep.name()),
        &splits,
        n,
        || TaskOp::Concat { schema: Arc::clone(&bucket_schema) },
    );
    for &id in &dedup {
        graph.tasks[id].pipeline.push(ElementOp::Dedup(DedupStep::Flags { keep: node.keep }));
    }

    let stage = graph.add_stage("route");
    graph.stages[stage].detail = Some(format!("flags back to their partition, into {p}"));
    let routes: Vec<usize> = dedup
        .iter()
        .enumerate()
        .map(|(j, &t)| graph.add_task(stage, j, TaskOp::Dedup(DedupTask::Route { n: p }), vec![t]))
        .collect();
    let (flags, _) = receive(
        graph,
        "flags",
        "partition i's flags from every route, in row order".into(),
        &routes,
        p,
        || TaskOp::Concat { schema: flags_schema() },
    );
    for &id in &flags {
        graph.tasks[id].pipeline.push(ElementOp::Dedup(DedupStep::RowOrder));
    }

    let rows = lower_node(&node.input, graph)?;
    if rows.tasks.len() != p {
        return Err(Error::Internal(format!(
            "dedup: the frame lowered to {} and then {} partitions",
            p,
            rows.tasks.len()
        )));
    }
    let stage = graph.add_stage(match node.mode {
        DedupMode::DropDuplicates => "filter",
        DedupMode::Duplicated => "flag",
    });
    graph.stages[stage].detail = Some(format!("{} of each partition", node.mode.method()));
    let tasks = rows
        .tasks
        .iter()
        .zip(&flags)
        .enumerate()
        .map(|(i, (&r, &f))| {
            graph.add_task(stage, i, TaskOp::Dedup(DedupTask::Apply { mode: node.mode }), vec![r, f])
        })
        .collect();
    Ok(Lowered { tasks, stage })
}

/// One partition (or none, after pruning): the dedup in one task, over
/// the rows when they hold the subset; else flags from the keys' side
/// (`duplicated` needs nothing else; `drop_duplicates` applies them to
/// the rows, whose subset columns the optimizer pruned away).
fn lower_local(node: &Dedup, graph: &mut TaskGraph) -> Result<Lowered> {
    let step = |mode| DedupStep::Local { subset: node.subset.clone(), keep: node.keep, mode };
    let input_schema = node.input.schema();
    let rows_have_keys = node.subset.iter().all(|c| input_schema.field_with_name(c).is_ok());
    if node.mode == DedupMode::DropDuplicates && rows_have_keys {
        return one_task(graph, &node.input, step(DedupMode::DropDuplicates));
    }
    let flags = one_task(graph, &node.keys, step(DedupMode::Duplicated))?;
    if node.mode == DedupMode::Duplicated {
        return Ok(flags);
    }
    let rows = lower_node(&node.input, graph)?;
    let rows = match rows.tasks.as_slice() {
        [one] => *one,
        many => {
            let stage = graph.add_stage("concat");
            graph.add_task(stage, 0, TaskOp::Concat { schema: input_schema }, many.to_vec())
        }
    };
    let Some(&flags) = flags.tasks.first() else {
        return Err(Error::Internal("dedup: no flags task".into()));
    };
    let stage = graph.add_stage("filter");
    let op = TaskOp::Dedup(DedupTask::Apply { mode: node.mode });
    let id = graph.add_task(stage, 0, op, vec![rows, flags]);
    Ok(Lowered { tasks: vec![id], stage })
}

/// `plan`'s partitions (one, or none) through `step`, in one task.
fn one_task(graph: &mut TaskGraph, plan: &LogicalPlan, step: DedupStep) -> Result<Lowered> {
    let input = lower_node(plan, graph)?;
    if input.tasks.len() == 1 {
        return Ok(fuse(graph, input, ElementOp::Dedup(step)));
    }
    let stage = graph.add_stage(step.name());
    let id = graph.add_task(stage, 0, TaskOp::Concat { schema: plan.schema() }, input.tasks);
    graph.tasks[id].pipeline.push(ElementOp::Dedup(step));
    Ok(Lowered { tasks: vec![id], stage })
}
