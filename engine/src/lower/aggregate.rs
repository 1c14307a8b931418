//! Groupby and reductions: a partial aggregate fused into every input
//! task, then either a tree of merges into one finish task, or a shuffle of
//! the partial states into `split_out` buckets, each merged and finished by
//! its own task.
//!
//! ```text
//! tree:     scan+partial_agg ×20 ─▶ merge ×3 ─▶ merge+finish ×1   (split_every 8)
//! sorted:   scan+partial_agg ×8 ─▶ range_sample ×8 ─▶ range_boundaries ×1 ─▶ range_split ×8 ─▶ merge+finish ×4
//!           (each split also reads its partial)
//! unsorted: scan+partial_agg ×8 ─▶ hash_split ×8 ─▶ merge+finish ×4
//! resample: as sorted, split by the group keys alone, then fill_bins
//! ```
//!
//! Merges are associative and keep their inputs in partition order, so any
//! tree gives the result one merge of everything would. A shuffle sends
//! every key to exactly one bucket, so each bucket's merge sees all of its
//! groups' states; with `sort`, buckets are key ranges, so the partitions in
//! order are the sorted result.

use arrow::record_batch::RecordBatch;
use rusk_ops::expr::Expr;
use rusk_ops::sort::SortKey;
use rusk_ops::Result;

use super::reduce::Reduction;
use super::shuffle::{split_by_hash, split_by_range};
use super::{lower_node, Lowered};
use crate::graph::{ElementOp, TaskGraph, TaskOp};
use crate::plan::Aggregate;

pub(crate) fn lower_aggregate(agg: &Aggregate, split_every: usize, graph: &mut TaskGraph) -> Result<Lowered> {
    let input = lower_node(&agg.input, graph)?;
    let shuffle_into = agg.split_out.partitions().filter(|&n| n > 1 && !agg.keys.is_empty());
    // Each bucket of a shuffle merges the states of every input partition,
    // so with two or more, a partial may pass its rows on ungrouped; a
    // tree's merge of one state would not group it.
    let reduction = reduction(agg, shuffle_into.is_some() && input.tasks.len() >= 2);
    let partials = reduction.chunks(input, graph, || {
        // The partial state of no rows holds the one group of a reduction.
        let empty = RecordBatch::new_empty(agg.input.schema());
        rusk_ops::aggregate::partial(&empty, &agg.keys, &agg.aggs, agg.options)
    })?;
    let lowered = match shuffle_into {
        Some(n) => {
            // Every key to one bucket: range when sorted (the partitions in
            // order are then the sorted result), hash otherwise. A
            // resample's buckets split its group keys, not its bins, so
            // that each group's bins are filled in one bucket.
            let split_keys = match agg.fill_bins {
                Some(_) => &agg.keys[..agg.keys.len() - 1],
                None => &agg.keys[..],
            };
            let keys: Vec<String> = split_keys.iter().map(Expr::output_name).collect();
            let splits = if agg.options.sort {
                split_by_range(graph, &partials, keys.iter().map(SortKey::new).collect(), n)
            } else {
                split_by_hash(graph, &partials, keys, n)
            };
            reduction.buckets(&splits, n, format!("split_out {n}: bucket j of every split"), graph)
        }
        _ => reduction.tree(partials, split_every, graph),
    };
    Ok(match agg.fill_bins {
        Some(bins) => {
            let fills = agg.empty_bin_fills();
            super::elementwise::fuse(
                graph,
                lowered,
                ElementOp::FillBins { group_keys: agg.keys.len().saturating_sub(1), bins, fills },
            )
        }
        None => lowered,
    })
}

/// A groupby as chunk (partial states) → combine (merge states) → finish.
fn reduction(agg: &Aggregate, may_pass_rows: bool) -> Reduction {
    let num_keys = agg.keys.len();
    Reduction {
        name: "agg",
        detail: None,
        chunk: ElementOp::AggregatePartial {
            keys: agg.keys.clone(),
            aggs: agg.aggs.clone(),
            options: agg.options,
            may_pass_rows,
        },
        combine: TaskOp::AggregateMerge { num_keys, aggs: agg.aggs.clone() },
        finish: ElementOp::AggregateFinish {
            num_keys,
            aggs: agg.aggs.clone(),
            names: agg.names.clone(),
            options: agg.options,
        },
    }
}
