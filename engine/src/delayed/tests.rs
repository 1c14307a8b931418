//! Laziness, sharing, errors, panics, freeing and the graph's text.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;

use super::*;
use crate::config::Config;

fn threads(n: usize) -> Config {
    Config::default().with_threads(n)
}

#[test]
fn nothing_runs_before_compute_and_each_node_once() {
    let calls = Arc::new(AtomicUsize::new(0));
    let counted = Arc::clone(&calls);
    let load = delayed("load", move || {
        counted.fetch_add(1, Ordering::SeqCst);
        Ok(10_i64)
    });
    let a = load.map("double", |x| Ok(x * 2));
    let b = load.map("square", |x| Ok(x * x));
    let both = map2("add", &a, &b, |a, b| Ok(a + b));
    assert_eq!(calls.load(Ordering::SeqCst), 0, "building the graph ran nothing");
    for n in [1, 4] {
        calls.store(0, Ordering::SeqCst);
        assert_eq!(compute_all_with(&[&a, &b], &threads(n)).unwrap(), vec![20, 100]);
        assert_eq!(calls.load(Ordering::SeqCst), 1, "a shared parent runs once per run");
        assert_eq!(both.compute_with(&threads(n)).unwrap(), 120);
        assert_eq!(calls.load(Ordering::SeqCst), 2, "and again in the next run");
    }
}

#[test]
fn values_zip_all_and_a_root_shared_with_a_consumer() {
    let a = value("a", 3_i64);
    let b = value("b", "x".to_string());
    assert_eq!(zip(&a, &b).compute().unwrap(), (3, "x".to_string()));
    let items: Vec<Delayed<i64>> = (0..20).map(|i| value("item", i)).collect();
    let listed = all(items);
    let total = listed.map("total", |v| Ok(v.iter().sum::<i64>()));
    let both = compute_all_with(&[&listed], &threads(3)).unwrap();
    assert_eq!(both[0], (0..20).collect::<Vec<_>>());
    assert_eq!(total.compute().unwrap(), 190);
    let squared = map2("mul", &a, &a, |x, y| Ok(x * y));
    assert_eq!(compute_all(&[&a, &squared]).unwrap(), vec![3, 9]);
}

#[test]
fn an_error_names_its_task_and_stops_the_run() {
    let ran_after = Arc::new(AtomicUsize::new(0));
    let bad = delayed("parse", || -> Result<i64> { Err(Error::InvalidArgument("bad row 7".into())) });
    let seen = Arc::clone(&ran_after);
    let after = bad.map("after", move |x| {
        seen.fetch_add(1, Ordering::SeqCst);
        Ok(x + 1)
    });
    for n in [1, 4] {
        let err = after.compute_with(&threads(n)).unwrap_err();
        match &err {
            Error::User { name, message, .. } => {
                assert!(name.starts_with("parse-"), "{name}");
                assert!(message.contains("bad row 7"), "{message}");
            }
            other => panic!("expected a user error, got {other:?}"),
        }
    }
    assert_eq!(ran_after.load(Ordering::SeqCst), 0);
}

#[test]
fn a_panic_is_an_error_and_the_engine_stays_usable() {
    let boom = delayed("boom", || -> Result<i64> { panic!("kaboom") });
    let err = boom.map("next", |x| Ok(*x)).compute_with(&threads(2)).unwrap_err();
    assert!(err.to_string().contains("kaboom") && err.to_string().contains("boom-"), "{err}");
    assert_eq!(value("fine", 1_i64).map("inc", |x| Ok(x + 1)).compute_with(&threads(2)).unwrap(), 2);
}

/// A value that counts how many of its kind are alive.
struct Counted(Arc<AtomicUsize>);

impl Counted {
    fn new(live: &Arc<AtomicUsize>, peak: &Arc<AtomicUsize>) -> Counted {
        let now = live.fetch_add(1, Ordering::SeqCst) + 1;
        peak.fetch_max(now, Ordering::SeqCst);
        Counted(Arc::clone(live))
    }
}

impl Drop for Counted {
    fn drop(&mut self) {
        self.0.fetch_sub(1, Ordering::SeqCst);
    }
}

#[test]
fn intermediates_are_freed_after_their_last_consumer() {
    let (live, peak) = (Arc::new(AtomicUsize::new(0)), Arc::new(AtomicUsize::new(0)));
    let (l, p) = (Arc::clone(&live), Arc::clone(&peak));
    let mut chain = delayed("start", move || Ok(Counted::new(&l, &p)));
    for _ in 0..50 {
        let (l, p) = (Arc::clone(&live), Arc::clone(&peak));
        chain = chain.map("step", move |_| Ok(Counted::new(&l, &p)));
    }
    let done = chain.map("len", |_| Ok(1_usize));
    assert_eq!(done.compute_with(&threads(4)).unwrap(), 1);
    assert!(peak.load(Ordering::SeqCst) <= 2, "a chain holds at most a value and the next");
    assert_eq!(live.load(Ordering::SeqCst), 0, "nothing is kept after the run");
}

#[test]
fn explain_and_visualize_show_the_stages() {
    let loads: Vec<Delayed<i64>> = (0..3).map(|i| delayed("load", move || Ok(i))).collect();
    let cleaned: Vec<Delayed<i64>> = loads.iter().map(|d| d.map("clean", |x| Ok(x + 1))).collect();
    let total = all(cleaned).map("sum", |v| Ok(v.iter().sum::<i64>()));
    let text = total.explain();
    assert_eq!(
        text,
        "Delayed graph: 8 tasks in 4 stages\n  load ×3\n  clean ×3 <- load\n  all ×1 <- clean\n  sum ×1 <- all\n"
    );
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("g.dot");
    total.visualize(&path).unwrap();
    let dot = std::fs::read_to_string(&path).unwrap();
    assert!(dot.starts_with("digraph rusk {") && dot.contains("label=\"clean\";"), "{dot}");
    assert_eq!(dot.matches(" -> ").count(), 3 + 3 + 1);
}

#[test]
fn progress_reports_each_stage_to_the_end() {
    let reports = Arc::new(std::sync::Mutex::new(Vec::new()));
    let seen = Arc::clone(&reports);
    let config = threads(3).with_progress_callback(move |p| seen.lock().unwrap().push(p.clone()));
    let parts: Vec<Delayed<i64>> = (0..5).map(|i| delayed("load", move || Ok(i))).collect();
    let total = all(parts).map("sum", |v| Ok(v.iter().sum::<i64>()));
    assert_eq!(total.compute_with(&config).unwrap(), 10);
    let reports = reports.lock().unwrap();
    assert_eq!(reports.len(), 1 + 7 + 1, "a first report, one per task, a last");
    let last = reports.last().unwrap();
    assert!(last.finished);
    let counts: Vec<(&str, usize, usize)> =
        last.stages.iter().map(|s| (s.name.as_str(), s.done, s.total)).collect();
    assert_eq!(counts, vec![("load", 5, 5), ("all", 1, 1), ("sum", 1, 1)]);
}
