//! The join node: `df.merge(other, how, on, ...)`, and how it will run.
//!
//! The node is what the user asked for; [`Join::strategy`] is how it runs,
//! chosen from the two sides' estimated sizes each time it is asked (the
//! same plan always gives the same answer), so `explain()` prints the
//! choice and its reason on the node's line and lowering follows it.

use std::sync::Arc;

use arrow::datatypes::SchemaRef;
use rusk_ops::join::{join_schema, JoinSpec, JoinType};
use rusk_ops::Result;

use super::estimate::{estimate_bytes, format_bytes};
use super::LogicalPlan;
use crate::config::{Config, MAX_CHOSEN_PARTITIONS};

/// How the user wants a join run (`MergeOptions::strategy`).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum JoinStrategy {
    /// Broadcast a side estimated below `Config::broadcast_threshold`,
    /// else shuffle both.
    #[default]
    Auto,
    /// Broadcast the side the join type allows (the right one when both do).
    Broadcast,
    /// Hash-shuffle both sides into buckets and join bucket by bucket.
    Shuffle,
}

/// Which side is broadcast.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Side {
    /// The left frame (`self` of `merge`).
    Left,
    /// The right frame (the argument of `merge`).
    Right,
}

impl Side {
    /// `left` or `right`.
    pub fn name(self) -> &'static str {
        match self {
            Side::Left => "left",
            Side::Right => "right",
        }
    }

    /// The other side.
    pub fn other(self) -> Side {
        match self {
            Side::Left => Side::Right,
            Side::Right => Side::Left,
        }
    }
}

/// How a join runs, and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Chosen {
    /// One side is gathered into one batch; every partition of the other
    /// joins with it. The output has the other side's partitions.
    Broadcast {
        /// The gathered side.
        side: Side,
        /// Why.
        reason: String,
    },
    /// Both sides are hash-split on their keys into `partitions` buckets;
    /// bucket `j` of the left joins bucket `j` of the right.
    Shuffle {
        /// Buckets (the output's partitions).
        partitions: usize,
        /// Why.
        reason: String,
    },
    /// Both sides are joined on their indexes, whose divisions are known:
    /// output partition `j` joins the rows of each side in key range `j`
    /// (see `plan::align`).
    Aligned {
        /// Key ranges (the output's partitions).
        partitions: usize,
        /// Why.
        reason: String,
    },
}

impl Chosen {
    /// `broadcast right (est. 3.1 MB ≤ 64.0 MB)`, as explain prints it.
    pub fn describe(&self) -> String {
        match self {
            Chosen::Broadcast { side, reason } => format!("broadcast {} ({reason})", side.name()),
            Chosen::Shuffle { partitions, reason } => format!("shuffle into {partitions} ({reason})"),
            Chosen::Aligned { reason, .. } => format!("aligned on the index ({reason})"),
        }
    }
}

/// The rows of `left` and `right` paired by equal keys (pandas' `merge`).
#[derive(Debug, Clone)]
pub struct Join {
    /// The left frame.
    pub left: Arc<LogicalPlan>,
    /// The right frame.
    pub right: Arc<LogicalPlan>,
    /// Keys, join type, suffixes, indicator.
    pub spec: JoinSpec,
    /// How the user asked it to run.
    pub strategy: JoinStrategy,
    /// Buckets of a shuffle, when the user gave them.
    pub npartitions: Option<usize>,
    /// The output schema.
    pub schema: SchemaRef,
    /// How it runs, decided once for a run by `optimizer::choose_join_strategy`
    /// with the run's settings, so that explain, lowering and execution
    /// agree; `None` until then (a new input clears it).
    pub decided: Option<Chosen>,
}

impl Join {
    /// Checks the keys against both sides and computes the output schema.
    ///
    /// # Errors
    /// As `rusk_ops::join::join_schema`; zero `npartitions`.
    pub fn try_new(
        left: Arc<LogicalPlan>,
        right: Arc<LogicalPlan>,
        spec: JoinSpec,
        strategy: JoinStrategy,
        npartitions: Option<usize>,
    ) -> Result<Self> {
        if npartitions == Some(0) {
            return Err(rusk_ops::Error::InvalidArgument("merge: npartitions must be at least 1".into()));
        }
        let schema = join_schema(&left.schema(), &right.schema(), &spec)?;
        Ok(Join { left, right, spec, strategy, npartitions, schema, decided: None })
    }

    /// The same join over new inputs.
    ///
    /// # Errors
    /// As [`Join::try_new`].
    pub fn with_inputs(&self, left: Arc<LogicalPlan>, right: Arc<LogicalPlan>) -> Result<Self> {
        Join::try_new(left, right, self.spec.clone(), self.strategy, self.npartitions)
    }

    /// How this join runs under `config`: a pure function of the plan.
    ///
    /// A side can be broadcast only if the join keeps none of its unmatched
    /// rows (each partition of the other side sees all of it, so no task
    /// can know a row of it matched nowhere): the right side for inner,
    /// left, semi, anti and cross; the left for inner, right and cross.
    /// An outer join always shuffles.
    pub fn strategy(&self, config: &Config) -> Chosen {
        let how = self.spec.how;
        let can_right = !how.keeps_unmatched_right();
        let can_left = !how.keeps_unmatched_left() && how.keeps_right_columns();
        let (left_est, right_est) = (estimate_bytes(&self.left), estimate_bytes(&self.right));
        // Under a memory budget, what one task may hold of a join's build side.
        let share = config.task_memory_share();
        let shuffle = |reason: String| {
            let inputs = self.left.npartitions().max(self.right.npartitions()).max(1);
            // Enough buckets that one bucket of the build side fits the share.
            let fitting = match (share, right_est) {
                (Some(share), Some(build)) => {
                    usize::try_from(build.div_ceil(share)).unwrap_or(MAX_CHOSEN_PARTITIONS)
                }
                _ => 0,
            };
            let partitions =
                self.npartitions.unwrap_or_else(|| inputs.max(fitting.min(MAX_CHOSEN_PARTITIONS)));
            let reason = if self.npartitions.is_none() && fitting > inputs {
                format!("{reason}; {partitions} buckets for the memory budget")
            } else {
                reason
            };
            Chosen::Shuffle { partitions, reason }
        };
        let est = |e: Option<u64>| {
            e.map_or_else(|| "size unknown".to_string(), |b| format!("est. {}", format_bytes(b)))
        };
        match self.strategy {
            JoinStrategy::Shuffle => return shuffle("asked".into()),
            JoinStrategy::Broadcast if can_right => {
                return Chosen::Broadcast { side: Side::Right, reason: "asked".into() }
            }
            JoinStrategy::Broadcast if can_left => {
                return Chosen::Broadcast { side: Side::Left, reason: "asked".into() }
            }
            JoinStrategy::Broadcast => return shuffle(format!("how={how} cannot broadcast")),
            JoinStrategy::Auto => {}
        }
        if self.npartitions.is_some() {
            return shuffle("npartitions given".into());
        }
        if let Some(layout) = self.aligned_layout() {
            let reason = "divisions known on both sides".into();
            return Chosen::Aligned { partitions: layout.outputs.len(), reason };
        }
        // Every join task builds a table of a broadcast side: under a
        // budget, a side broadcasts only if it fits one task's share.
        let threshold = share.map_or(config.broadcast_threshold, |s| config.broadcast_threshold.min(s));
        let small = |e: Option<u64>| e.is_some_and(|b| b <= threshold);
        let limit = format_bytes(threshold);
        // The smaller side goes, when both could.
        let right_first = match (left_est, right_est) {
            (Some(l), Some(r)) => r <= l,
            _ => true,
        };
        let sides = if right_first { [Side::Right, Side::Left] } else { [Side::Left, Side::Right] };
        for side in sides {
            let (allowed, e) = match side {
                Side::Right => (can_right, right_est),
                Side::Left => (can_left, left_est),
            };
            if allowed && small(e) {
                return Chosen::Broadcast { side, reason: format!("{} ≤ {limit}", est(e)) };
            }
        }
        // One partition on a side that may go is as cheap as a broadcast.
        if can_right && self.right.npartitions() <= 1 {
            return Chosen::Broadcast { side: Side::Right, reason: "one partition".into() };
        }
        if can_left && self.left.npartitions() <= 1 {
            return Chosen::Broadcast { side: Side::Left, reason: "one partition".into() };
        }
        let why = if how == JoinType::Outer {
            "how=outer cannot broadcast".to_string()
        } else {
            format!("left {}, right {} > {limit}", est(left_est), est(right_est))
        };
        shuffle(why)
    }

    /// How it runs: the decision made for the run, or, before one is made
    /// (the plan as the user built it), what the default settings would choose.
    pub fn decision(&self) -> Chosen {
        self.decided.clone().unwrap_or_else(|| self.strategy(&Config::default()))
    }

    /// The number of output partitions.
    pub fn npartitions(&self) -> usize {
        match self.decision() {
            Chosen::Broadcast { side: Side::Right, .. } => self.left.npartitions(),
            Chosen::Broadcast { side: Side::Left, .. } => self.right.npartitions(),
            Chosen::Shuffle { partitions, .. } | Chosen::Aligned { partitions, .. } => partitions,
        }
    }

    /// The line `explain` prints: `Join: how=left, on=[k], strategy=...`.
    pub fn label(&self) -> String {
        let spec = &self.spec;
        let mut s = format!("Join: how={}", spec.how);
        let shared = (0..spec.left_on.len()).all(|i| spec.is_shared_key(i));
        if spec.how == JoinType::Cross {
            // No keys.
        } else if shared {
            s.push_str(&format!(", on=[{}]", spec.left_on.join(", ")));
        } else {
            s.push_str(&format!(
                ", left_on=[{}], right_on=[{}]",
                spec.left_on.join(", "),
                spec.right_on.join(", ")
            ));
        }
        if spec.suffixes != ("_x".to_string(), "_y".to_string()) {
            s.push_str(&format!(", suffixes=({:?}, {:?})", spec.suffixes.0, spec.suffixes.1));
        }
        if let Some(name) = &spec.indicator {
            s.push_str(&format!(", indicator={name:?}"));
        }
        s.push_str(&format!(", strategy={}", self.decision().describe()));
        s
    }

    /// The columns each side must provide for the output columns in
    /// `required` (the keys always): (left's, right's).
    ///
    /// A column whose name both sides have is kept on both sides when
    /// either is needed, so pruning never changes which names get suffixes.
    pub fn required_inputs(
        &self,
        required: &std::collections::BTreeSet<String>,
    ) -> (std::collections::BTreeSet<String>, std::collections::BTreeSet<String>) {
        let (ls, rs) = (self.left.schema(), self.right.schema());
        let spec = &self.spec;
        let mut left: std::collections::BTreeSet<String> = spec.left_on.iter().cloned().collect();
        let mut right: std::collections::BTreeSet<String> = spec.right_on.iter().cloned().collect();
        let wanted = |name: &str, suffix: &str| {
            required.contains(name) || required.contains(&format!("{name}{suffix}"))
        };
        for f in ls.fields() {
            let n = f.name();
            if wanted(n, &spec.suffixes.0) || (rs.field_with_name(n).is_ok() && wanted(n, &spec.suffixes.1)) {
                left.insert(n.clone());
            }
        }
        for f in rs.fields() {
            let n = f.name();
            if wanted(n, &spec.suffixes.1) || (ls.field_with_name(n).is_ok() && wanted(n, &spec.suffixes.0)) {
                right.insert(n.clone());
            }
        }
        if spec.how.keeps_right_columns() {
            // Keep the overlap both ways: a name on both sides stays on both.
            let both: Vec<String> = left.iter().filter(|n| rs.field_with_name(n).is_ok()).cloned().collect();
            right.extend(both);
            let both: Vec<String> = right.iter().filter(|n| ls.field_with_name(n).is_ok()).cloned().collect();
            left.extend(both);
        } else {
            right = spec.right_on.iter().cloned().collect();
        }
        (left, right)
    }
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeSet;

    use rusk_ops::join::{JoinSpec, JoinType};

    use super::*;
    use crate::plan::test_util::memory;

    fn join(how: JoinType, strategy: JoinStrategy) -> Join {
        let spec = JoinSpec::new(how, vec!["a".into()], vec!["a".into()]);
        Join::try_new(memory(), memory(), spec, strategy, None).unwrap()
    }

    #[test]
    fn small_sides_broadcast_when_the_join_type_lets_them() {
        let config = Config::default();
        for how in [JoinType::Inner, JoinType::Left, JoinType::Semi, JoinType::Anti] {
            let chosen = join(how, JoinStrategy::Auto).strategy(&config);
            assert!(matches!(chosen, Chosen::Broadcast { side: Side::Right, .. }), "{how}: {chosen:?}");
        }
        let chosen = join(JoinType::Right, JoinStrategy::Auto).strategy(&config);
        assert!(matches!(chosen, Chosen::Broadcast { side: Side::Left, .. }), "{chosen:?}");
        let chosen = join(JoinType::Outer, JoinStrategy::Auto).strategy(&config);
        assert_eq!(chosen.describe(), "shuffle into 2 (how=outer cannot broadcast)");
        // Asking for a broadcast an outer join cannot do shuffles, and says why.
        let chosen = join(JoinType::Outer, JoinStrategy::Broadcast).strategy(&config);
        assert_eq!(chosen.describe(), "shuffle into 2 (how=outer cannot broadcast)");
    }

    #[test]
    fn big_sides_shuffle_and_the_reason_names_the_estimates() {
        let config = Config::default().with_broadcast_threshold(10);
        let j = join(JoinType::Inner, JoinStrategy::Auto);
        let chosen = j.strategy(&config);
        assert!(matches!(chosen, Chosen::Shuffle { partitions: 2, .. }), "{chosen:?}");
        assert!(chosen.describe().contains("> 10 B"), "{}", chosen.describe());
        let forced = Join { npartitions: Some(5), ..j };
        assert_eq!(forced.strategy(&config).describe(), "shuffle into 5 (npartitions given)");
    }

    /// Under a memory budget a side broadcasts only if it fits a task's
    /// share (`Config::task_memory_share`), and a shuffle gets enough
    /// buckets that one bucket of the build side does.
    #[test]
    fn a_memory_budget_limits_broadcasts_and_sizes_shuffles() {
        let j = join(JoinType::Inner, JoinStrategy::Auto);
        let side = estimate_bytes(&j.right).unwrap();
        let config = Config::default().with_threads(2);
        assert!(matches!(j.strategy(&config), Chosen::Broadcast { .. }));
        // A share of a quarter of the side: four buckets.
        let factor = crate::config::TASK_WORKING_FACTOR as usize;
        let tight = config.clone().with_memory_limit(usize::try_from(side).unwrap() * factor);
        let chosen = j.strategy(&tight);
        assert!(matches!(chosen, Chosen::Shuffle { partitions: 4, .. }), "{chosen:?}");
        assert!(chosen.describe().ends_with("; 4 buckets for the memory budget)"), "{}", chosen.describe());
        // A roomy budget changes nothing.
        let roomy = config.with_memory_limit(usize::try_from(side * 4).unwrap() * factor);
        assert!(matches!(j.strategy(&roomy), Chosen::Broadcast { .. }));
    }

    #[test]
    fn pruning_keeps_keys_and_both_halves_of_a_shared_name() {
        // memory() has a, b, c on both sides: b and c get suffixes.
        let j = join(JoinType::Inner, JoinStrategy::Auto);
        let names = |s: &SchemaRef| s.fields().iter().map(|f| f.name().clone()).collect::<Vec<_>>();
        assert_eq!(names(&j.schema), ["a", "b_x", "c_x", "b_y", "c_y"]);
        let required: BTreeSet<String> = ["c_y".to_string()].into();
        let (left, right) = j.required_inputs(&required);
        assert_eq!(left.into_iter().collect::<Vec<_>>(), ["a", "c"]);
        assert_eq!(right.into_iter().collect::<Vec<_>>(), ["a", "c"]);
    }
}
