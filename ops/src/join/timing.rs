//! Timing of the join kernels (ignored by default):
//! `cargo test --release -p rusk-ops join::timing -- --ignored --nocapture`.
//! One thread, CPU time of the best of `RUSK_TIMING_REPS` (3) runs; "pairs"
//! is finding the row pairs alone, "join" adds building the columns.
//! Past results are in benches/README.md.

use std::sync::Arc;

use arrow::array::{ArrayRef, Float64Array, Int64Array, StringViewArray};
use arrow::record_batch::RecordBatch;

use super::hash::key_pairs;
use super::{asof_join, hash_join, AsofSpec, JoinSpec, JoinType};

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

/// A batch of `keys` (int64, or as `id0000000123` string views) and a float value.
fn side(keys: Vec<i64>, strings: bool, seed: u64) -> RecordBatch {
    let mut rng = Rng(seed);
    let n = keys.len();
    let k: ArrayRef = if strings {
        Arc::new(StringViewArray::from_iter_values(keys.iter().map(|k| format!("id{k:010}"))))
    } else {
        Arc::new(Int64Array::from(keys))
    };
    let v: ArrayRef = Arc::new(Float64Array::from_iter_values((0..n).map(|_| rng.below(1000) as f64)));
    RecordBatch::try_from_iter([("k", k), ("v", v)]).unwrap()
}

#[test]
#[ignore = "a measurement, not a test"]
fn timing() {
    let reps = std::env::var("RUSK_TIMING_REPS").ok().and_then(|r| r.parse().ok()).unwrap_or(3);
    let filter = std::env::var("RUSK_TIMING").unwrap_or_default();
    let mut rng = Rng(42);
    // A permutation of 0..n (unique right keys), by a multiplicative step coprime with n.
    let unique = |n: i64| -> Vec<i64> { (0..n).map(|i| (i * 7_919) % n).collect() };
    let big = 1_250_000;
    let cases: Vec<(&str, RecordBatch, RecordBatch)> = vec![
        (
            "1e7 x 1e4 int64 (all match)",
            side((0..10_000_000).map(|_| rng.below(10_000) as i64).collect(), false, 1),
            side(unique(10_000), false, 2),
        ),
        (
            "1e7 x 1e4 int64 (10% match, wide keys)",
            side((0..10_000_000).map(|_| rng.below(100_000) as i64 * 1_000_003).collect(), false, 1),
            side(unique(10_000).into_iter().map(|k| k * 1_000_003).collect(), false, 2),
        ),
        (
            "1.25e6 x 1e5 int64 star (all match)",
            side((0..big).map(|_| rng.below(100_000) as i64 + 1).collect(), false, 9),
            side(unique(100_000).into_iter().map(|k| k + 1).collect(), false, 10),
        ),
        (
            "1.25e6 x 1.25e6 int64 (~1 match)",
            side((0..big).map(|_| rng.below(big as u64) as i64).collect(), false, 3),
            side(unique(big), false, 4),
        ),
        (
            "1.25e6 x 1.25e6 string (~1 match)",
            side((0..big).map(|_| rng.below(big as u64) as i64).collect(), true, 5),
            side(unique(big), true, 6),
        ),
    ];
    for (label, left, right) in &cases {
        if !label.contains(filter.as_str()) {
            continue;
        }
        for how in [JoinType::Inner, JoinType::Left] {
            let spec = JoinSpec::new(how, vec!["k".into()], vec!["k".into()]);
            let keys = |b: &RecordBatch| vec![Arc::clone(b.column(0))];
            let (pairs, _) = best(reps, || key_pairs(&keys(left), &keys(right), how).unwrap());
            let (join, out) = best(reps, || hash_join(left, right, &spec).unwrap());
            println!(
                "{label:<40} {how:<5} pairs {pairs:7.1} ms, join {join:7.1} ms; {} rows",
                out.num_rows()
            );
        }
    }
    if "asof".contains(filter.as_str()) {
        let n = 10_000_000;
        let left = side((0..n).map(|i| i * 10).collect(), false, 7);
        let right = side((0..n / 10).map(|i| i * 97 + 3).collect(), false, 8);
        let (ms, out) = best(reps, || asof_join(&left, &right, &AsofSpec::new("k", "k")).unwrap());
        println!("{:<40} asof  {ms:7.1} ms; {} rows", "asof 1e7 x 1e6 int64 backward", out.num_rows());
    }
}
