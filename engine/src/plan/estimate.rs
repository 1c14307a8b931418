//! Size estimates of a plan's output, from what is known without reading
//! rows: file sizes, the share of columns read, batches in memory.
//!
//! They choose between broadcasting a join's small side and shuffling both
//! (`Join::strategy`), where being within a factor of two is enough. A scan
//! counts the bytes on disk of its partitions, scaled by the share of the
//! columns it reads (a Parquet file is compressed, so its batches in memory
//! are larger); filters are not credited (an upper bound); a node whose
//! output size cannot be told from its input (a groupby, a join) is unknown.

use super::LogicalPlan;

/// The estimated bytes of `plan`'s output, or `None` when unknown.
pub fn estimate_bytes(plan: &LogicalPlan) -> Option<u64> {
    match plan {
        LogicalPlan::Scan(scan) => {
            let ds = &scan.dataset;
            let bytes: u64 = scan.pruned.partitions.iter().map(|p| ds.stored_bytes(p)).sum();
            let total = ds.schema().fields().len().max(1) as u64;
            let read = scan.read_columns().len() as u64;
            Some(bytes * read / total)
        }
        LogicalPlan::InMemory(m) => Some(m.batches.iter().map(|b| b.get_array_memory_size() as u64).sum()),
        LogicalPlan::Project(p) => {
            let input = estimate_bytes(&p.input)?;
            let (in_cols, out_cols) = (p.input.schema().fields().len().max(1), p.exprs.len());
            Some(input * out_cols as u64 / in_cols as u64)
        }
        LogicalPlan::Filter(_)
        | LogicalPlan::Limit(_)
        | LogicalPlan::Repartition(_)
        | LogicalPlan::Sort(_)
        | LogicalPlan::SetIndex(_)
        | LogicalPlan::MapPartitions(_) => plan.inputs().first().and_then(|i| estimate_bytes(i)),
        LogicalPlan::Concat(c) => c.inputs.iter().map(|i| estimate_bytes(i)).sum(),
        // A whole-frame reduction is one row.
        LogicalPlan::Aggregate(a) if a.keys.is_empty() => Some(a.schema.fields().len() as u64 * 16),
        _ => None,
    }
}

/// `3.1 MB`, `64.0 MB`, `512 B`: sizes as explain prints them (powers of 1024).
pub fn format_bytes(bytes: u64) -> String {
    const UNITS: [&str; 5] = ["B", "KB", "MB", "GB", "TB"];
    let mut value = bytes as f64;
    let mut unit = 0;
    while value >= 1024.0 && unit + 1 < UNITS.len() {
        value /= 1024.0;
        unit += 1;
    }
    if unit == 0 {
        format!("{bytes} B")
    } else {
        format!("{value:.1} {}", UNITS[unit])
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sizes_print_in_binary_units() {
        assert_eq!(format_bytes(512), "512 B");
        assert_eq!(format_bytes(64 << 20), "64.0 MB");
        assert_eq!(format_bytes(3_250_000), "3.1 MB");
    }
}
