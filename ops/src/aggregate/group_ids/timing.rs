//! Timing of multi-key grouping at h2o's shapes (ignored by default):
//! `cargo test --release -p rusk-ops group_ids::timing -- --ignored --nocapture`.
//! Eight partitions of 1.25e6 rows (h2o G1 1e7: id1, id2 of 100 strings,
//! id3 of 1e5 12-byte strings, id4, id5 of 100 and id6 of 1e5 integers).

use std::sync::Arc;

use arrow::array::{ArrayRef, Float64Array, Int64Array, StringViewArray};
use arrow::record_batch::RecordBatch;

use crate::aggregate::{finish, merge, partial, AggregateSpec, GroupOptions};
use crate::expr::{col, AggregateFunction, Expr};

/// splitmix64, seeded.
struct Rng(u64);

impl Rng {
    fn below(&mut self, n: u64) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        (z ^ (z >> 31)) % n
    }
}

fn partition(seed: u64, n: usize) -> RecordBatch {
    let mut rng = Rng(seed);
    let small: Vec<String> = (1..=100).map(|i| format!("id{i:03}")).collect();
    let big: Vec<String> = (1..=100_000).map(|i| format!("id{i:010}")).collect();
    let mut strings = |names: &[String]| -> ArrayRef {
        Arc::new(StringViewArray::from_iter_values(
            (0..n).map(|_| names[rng.below(names.len() as u64) as usize].as_str()),
        ))
    };
    let (id1, id2, id3) = (strings(&small), strings(&small), strings(&big));
    let mut ints = |k: u64| -> ArrayRef {
        Arc::new(Int64Array::from_iter_values((0..n).map(|_| 1 + rng.below(k) as i64)))
    };
    let (id4, id5, id6, v1) = (ints(100), ints(100), ints(100_000), ints(5));
    let v3: ArrayRef =
        Arc::new(Float64Array::from_iter_values((0..n).map(|_| rng.below(100_000_000) as f64 / 1e6)));
    RecordBatch::try_from_iter([
        ("id1", id1),
        ("id2", id2),
        ("id3", id3),
        ("id4", id4),
        ("id5", id5),
        ("id6", id6),
        ("v1", v1),
        ("v3", v3),
    ])
    .unwrap()
}

/// This thread's CPU time in ms.
fn cpu_ms() -> f64 {
    std::fs::read_to_string("/proc/thread-self/schedstat")
        .ok()
        .and_then(|s| s.split_whitespace().next().and_then(|t| t.parse::<f64>().ok()))
        .map_or(f64::NAN, |ns| ns / 1e6)
}

/// Best CPU ms of `reps` runs, and the last result.
fn best<T>(reps: usize, mut f: impl FnMut() -> T) -> (f64, T) {
    let mut best = f64::MAX;
    let mut out = None;
    for _ in 0..reps {
        let c = cpu_ms();
        out = Some(f());
        best = best.min(cpu_ms() - c);
    }
    (best, out.unwrap())
}

#[test]
#[ignore = "a measurement, not a test"]
fn timing() {
    let parts: Vec<RecordBatch> = (0..8).map(|p| partition(p + 1, 1_250_000)).collect();
    let reps = std::env::var("RUSK_TIMING_REPS").ok().and_then(|r| r.parse().ok()).unwrap_or(3);
    let filter = std::env::var("RUSK_TIMING").unwrap_or_default();
    let aggs = vec![
        AggregateSpec { func: AggregateFunction::Sum, args: vec![col("v3")] },
        AggregateSpec { func: AggregateFunction::Count, args: vec![col("v1")] },
    ];
    let names = vec!["v3".to_string(), "v1".to_string()];
    let cases: [(&str, &[&str]); 5] = [
        ("q3 id3 (strings), 1e5 groups", &["id3"]),
        ("q10 id1..id6, ~1e7 groups", &["id1", "id2", "id3", "id4", "id5", "id6"]),
        ("q2 id1, id2 (strings), 1e4 groups", &["id1", "id2"]),
        ("q6 id4, id5 (int64), 1e4 groups", &["id4", "id5"]),
        ("q9 id2, id4, 1e4 groups", &["id2", "id4"]),
    ];
    for (label, keys) in cases {
        if !label.contains(filter.as_str()) {
            continue;
        }
        let keys: Vec<Expr> = keys.iter().map(|k| col(*k)).collect();
        let opts = GroupOptions::default();
        let (one, _) = best(reps, || partial(&parts[0], &keys, &aggs, opts).unwrap());
        let c = cpu_ms();
        let states: Vec<RecordBatch> =
            parts.iter().map(|p| partial(p, &keys, &aggs, opts).unwrap()).collect();
        let all = cpu_ms() - c;
        let (merged_ms, merged) = best(reps, || merge(&states, keys.len(), &aggs).unwrap());
        let unsorted = GroupOptions { sort: false, dropna: true };
        let (fin_unsorted, _) = best(reps, || finish(&merged, keys.len(), &aggs, &names, unsorted).unwrap());
        let (fin, out) = best(reps, || finish(&merged, keys.len(), &aggs, &names, opts).unwrap());
        println!(
            "{label:<36} partial 1.25e6 {one:7.1} ms, 8 partials {all:7.1} ms, merge {merged_ms:7.1} ms, \
             finish {fin_unsorted:7.1} ms unsorted {fin:7.1} ms sorted; {} groups",
            out.num_rows()
        );
    }
}
