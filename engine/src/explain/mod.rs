//! Showing the user what a query will do: the plan tree before and after
//! optimization, the task graph by stage, Graphviz DOT, and the measured run.

mod analyze;
mod dot;
mod memory;
mod stages;
mod tree;

pub use analyze::analyze_report;
pub use dot::{dot_of, to_dot};
pub use memory::{memory_summary, stage_memory, Bound};
pub use stages::{stage_counts, stage_summary};
pub use tree::{node_label, plan_tree};
