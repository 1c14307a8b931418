//! The logical plan as an indented tree: one node per line, two spaces per
//! level, `Name: details`, only what differs from the defaults.

use std::fmt::Write;

use rusk_io::Pruned;

use crate::plan::LogicalPlan;

/// The plan, one node per line.
pub fn plan_tree(plan: &LogicalPlan) -> String {
    let mut out = String::new();
    write_node(plan, 0, &mut out);
    out
}

fn write_node(plan: &LogicalPlan, depth: usize, out: &mut String) {
    let _ = writeln!(out, "{}{}", "  ".repeat(depth), node_label(plan));
    for input in plan.inputs() {
        write_node(input, depth + 1, out);
    }
}

/// One node's line: its name and what it does.
pub fn node_label(plan: &LogicalPlan) -> String {
    match plan {
        LogicalPlan::Scan(scan) => {
            let ds = &scan.dataset;
            let total_columns = ds.schema().fields().len();
            let mut s = format!(
                "Scan: {} {} ({} file{})",
                ds.format().name(),
                ds.path().display(),
                ds.files().len(),
                if ds.files().len() == 1 { "" } else { "s" }
            );
            if let Some(cols) = &scan.columns {
                let _ = write!(s, ", columns=[{}] {}/{}", cols.join(", "), cols.len(), total_columns);
            }
            if let Some(max) = scan.sized_to {
                let _ = write!(
                    s,
                    ", partitions={} (≤ {} each: memory budget)",
                    scan.npartitions(),
                    crate::plan::estimate::format_bytes(max)
                );
            }
            if !scan.filters.is_empty() {
                let filters: Vec<String> = scan.filters.iter().map(ToString::to_string).collect();
                let _ = write!(s, ", filters=[{}]", filters.join(", "));
                s.push_str(&pruning(&scan.pruned));
            }
            s
        }
        LogicalPlan::InMemory(m) => {
            let n = m.batches.len();
            format!("InMemory: {n} partition{}, {} rows", if n == 1 { "" } else { "s" }, m.num_rows())
        }
        LogicalPlan::Filter(f) => format!("Filter: {}", f.predicate),
        LogicalPlan::Project(p) => {
            let exprs: Vec<String> = p.exprs.iter().map(ToString::to_string).collect();
            format!("Project: {}", exprs.join(", "))
        }
        LogicalPlan::Limit(l) => format!("Limit: {}", l.n),
        LogicalPlan::Repartition(r) => format!("Repartition: {}", r.npartitions),
        LogicalPlan::MapPartitions(m) => format!("MapPartitions: {}", m.func.name),
        LogicalPlan::Aggregate(a) => {
            let keys: Vec<String> = a.keys.iter().map(ToString::to_string).collect();
            let aggs: Vec<String> = a
                .aggs
                .iter()
                .zip(&a.names)
                .map(|(s, n)| {
                    format!(
                        "{} AS {n}",
                        rusk_ops::expr::Expr::Aggregate { func: s.func, args: s.args.clone() }
                    )
                })
                .collect();
            let mut s = format!("Aggregate: keys=[{}], aggs=[{}]", keys.join(", "), aggs.join(", "));
            if !a.options.sort {
                s.push_str(", sort=False");
            }
            if !a.options.dropna {
                s.push_str(", dropna=False");
            }
            if let Some(n) = a.split_every.filter(|&n| n != crate::config::DEFAULT_SPLIT_EVERY) {
                s.push_str(&format!(", split_every={n}"));
            }
            if a.split_out != crate::plan::SplitOut::Auto {
                s.push_str(&format!(", split_out={}", a.split_out));
            }
            if a.fill_bins.is_some() {
                s.push_str(", fill empty bins");
            }
            s
        }
        LogicalPlan::TopN(t) => t.label(),
        LogicalPlan::Transform(t) => t.label(),
        LogicalPlan::Sort(s) => s.label(),
        LogicalPlan::Join(j) => j.label(),
        LogicalPlan::AsofJoin(j) => j.label(),
        LogicalPlan::Concat(c) => format!("Concat: {} frames", c.inputs.len()),
        LogicalPlan::Dedup(d) => d.label(),
        LogicalPlan::Window(w) => w.label(),
        LogicalPlan::SetIndex(n) => n.label(),
        LogicalPlan::GroupApply(a) => {
            let mut s = format!("GroupApply: keys=[{}], func={}", a.keys.join(", "), a.func.name);
            if !a.options.sort {
                s.push_str(", sort=False");
            }
            if !a.options.dropna {
                s.push_str(", dropna=False");
            }
            s.push_str(&format!(", partitions={}", a.partitions));
            s
        }
    }
}

/// `, files=2/6, row_groups=3/12`: what pruning kept, where it kept less.
fn pruning(p: &Pruned) -> String {
    let mut s = String::new();
    if p.files.0 < p.files.1 {
        let _ = write!(s, ", files={}/{}", p.files.0, p.files.1);
    }
    if let Some((kept, all)) = p.row_groups {
        let _ = write!(s, ", row_groups={kept}/{all}");
    }
    s
}
