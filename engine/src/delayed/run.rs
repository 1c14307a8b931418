//! Runs a delayed graph: each node once, on the configured threads, the
//! deepest ready node first, every value dropped as soon as its last
//! consumer has run (unless it is a result), the first error stopping the
//! run. Frames have their own scheduler (`crate::scheduler`), whose tasks
//! are plain data with spilling and memory accounting; a delayed node is a
//! closure over any Rust value, so it runs here.

use std::collections::{BinaryHeap, HashMap};
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::sync::{Arc, Condvar, Mutex};

use rusk_ops::{Error, Result};

use super::{Node, Value};
use crate::config::Config;
use crate::progress::{Progress, ProgressSink, StageProgress};

/// The nodes `roots` need, each once, every node after its inputs.
pub(crate) fn topological(roots: &[Arc<Node>]) -> Vec<Arc<Node>> {
    let mut order = Vec::new();
    let mut seen = std::collections::HashSet::new();
    // (node, whether its inputs are already in `order`)
    let mut stack: Vec<(Arc<Node>, bool)> = roots.iter().rev().map(|r| (Arc::clone(r), false)).collect();
    while let Some((node, expanded)) = stack.pop() {
        if expanded {
            if seen.insert(node.key) {
                order.push(node);
            }
            continue;
        }
        if seen.contains(&node.key) {
            continue;
        }
        stack.push((Arc::clone(&node), true));
        for dep in node.deps.iter().rev() {
            if !seen.contains(&dep.key) {
                stack.push((Arc::clone(dep), false));
            }
        }
    }
    order
}

/// The graph's stages (a stage is the nodes of one name): their names in
/// first-seen order, and each node's stage. What `explain`, `visualize`
/// and progress show.
pub(crate) fn stages(nodes: &[Arc<Node>]) -> (Vec<String>, Vec<usize>) {
    let mut names: Vec<String> = Vec::new();
    let stage = nodes
        .iter()
        .map(|n| match names.iter().position(|name| *name == n.name) {
            Some(at) => at,
            None => {
                names.push(n.name.clone());
                names.len() - 1
            }
        })
        .collect();
    (names, stage)
}

/// What the workers share.
struct State {
    /// Each node's value, from when it ran until its last consumer ran.
    values: Vec<Option<Value>>,
    /// Inputs each node still waits for.
    waiting: Vec<usize>,
    /// Consumers (edges) each node's value still has.
    pending_uses: Vec<usize>,
    /// Runnable nodes, deepest first.
    ready: BinaryHeap<(usize, std::cmp::Reverse<usize>)>,
    finished: usize,
    error: Option<Error>,
    /// What the run reports to `Config::progress`: a stage per name.
    progress: Progress,
}

/// The graph as indices.
struct Plan {
    nodes: Vec<Arc<Node>>,
    inputs: Vec<Vec<usize>>,
    users: Vec<Vec<usize>>,
    is_root: Vec<bool>,
    depth: Vec<usize>,
    /// Each node's stage (its name's index in first-seen order).
    stage: Vec<usize>,
}

impl Plan {
    fn new(roots: &[Arc<Node>]) -> Plan {
        let nodes = topological(roots);
        // `topological` holds every node a root reaches, so every input's
        // and root's key is in `index`.
        let index: HashMap<u64, usize> = nodes.iter().enumerate().map(|(i, n)| (n.key, i)).collect();
        let inputs: Vec<Vec<usize>> =
            nodes.iter().map(|n| n.deps.iter().map(|d| index[&d.key]).collect()).collect();
        let mut users = vec![Vec::new(); nodes.len()];
        let mut depth = vec![0; nodes.len()];
        for (i, ins) in inputs.iter().enumerate() {
            for &j in ins {
                users[j].push(i);
                depth[i] = depth[i].max(depth[j] + 1);
            }
        }
        let mut is_root = vec![false; nodes.len()];
        for r in roots {
            is_root[index[&r.key]] = true;
        }
        let (_, stage) = stages(&nodes);
        Plan { nodes, inputs, users, is_root, depth, stage }
    }

    /// Each stage's name and task count, nothing done yet.
    fn progress(&self) -> Progress {
        let (names, _) = stages(&self.nodes);
        let mut stages: Vec<StageProgress> =
            names.into_iter().map(|name| StageProgress { name, done: 0, total: 0 }).collect();
        for &s in &self.stage {
            stages[s].total += 1;
        }
        Progress { stages, ..Progress::default() }
    }
}

/// Runs the graph `roots` need; the roots' values, in order.
pub(crate) fn run(roots: &[Arc<Node>], config: &Config) -> Result<Vec<Value>> {
    config.check()?;
    let plan = Plan::new(roots);
    let n = plan.nodes.len();
    let mut state = State {
        values: vec![None; n],
        waiting: plan.inputs.iter().map(Vec::len).collect(),
        pending_uses: plan.users.iter().map(Vec::len).collect(),
        ready: BinaryHeap::new(),
        finished: 0,
        error: None,
        progress: plan.progress(),
    };
    let started = std::time::Instant::now();
    config.progress.report(&state.progress);
    for i in (0..n).filter(|&i| plan.inputs[i].is_empty()) {
        state.ready.push((plan.depth[i], std::cmp::Reverse(i)));
    }
    let shared = (Mutex::new(state), Condvar::new());
    let threads = config.worker_threads().clamp(1, n.max(1));
    let sink = &config.progress;
    if threads == 1 {
        work(&plan, &shared, sink, started);
    } else {
        std::thread::scope(|s| {
            for _ in 0..threads {
                s.spawn(|| work(&plan, &shared, sink, started));
            }
        });
    }
    let mut state = shared.0.into_inner().map_err(|_| Error::Internal("a delayed worker panicked".into()))?;
    state.progress.finished = true;
    state.progress.elapsed = started.elapsed();
    sink.report(&state.progress);
    if let Some(error) = state.error {
        return Err(error);
    }
    let index: HashMap<u64, usize> = plan.nodes.iter().enumerate().map(|(i, n)| (n.key, i)).collect();
    roots
        .iter()
        .map(|r| {
            state.values[index[&r.key]]
                .clone()
                .ok_or_else(|| Error::Internal(format!("delayed {} left no value", r.label())))
        })
        .collect()
}

/// One worker: takes ready nodes until the graph is done or has failed.
fn work(
    plan: &Plan,
    (lock, wake): &(Mutex<State>, Condvar),
    sink: &ProgressSink,
    started: std::time::Instant,
) {
    let n = plan.nodes.len();
    loop {
        let (i, inputs) = {
            let Ok(mut state) = lock.lock() else { return };
            loop {
                if state.error.is_some() || state.finished == n {
                    return;
                }
                if let Some((_, std::cmp::Reverse(i))) = state.ready.pop() {
                    let inputs: Option<Vec<Value>> =
                        plan.inputs[i].iter().map(|&j| state.values[j].clone()).collect();
                    break (i, inputs);
                }
                state = match wake.wait(state) {
                    Ok(state) => state,
                    Err(_) => return,
                };
            }
        };
        let node = &plan.nodes[i];
        let result = match inputs {
            Some(inputs) => call(node, &inputs),
            None => Err(Error::Internal(format!("delayed {} ran before its inputs", node.label()))),
        };
        let Ok(mut state) = lock.lock() else { return };
        match result {
            Ok(value) => {
                state.values[i] = Some(value);
                state.finished += 1;
                for &j in &plan.inputs[i] {
                    state.pending_uses[j] -= 1;
                    if state.pending_uses[j] == 0 && !plan.is_root[j] {
                        state.values[j] = None;
                    }
                }
                for &u in &plan.users[i] {
                    state.waiting[u] -= 1;
                    if state.waiting[u] == 0 {
                        state.ready.push((plan.depth[u], std::cmp::Reverse(u)));
                    }
                }
                if sink.is_set() {
                    state.progress.stages[plan.stage[i]].done += 1;
                    state.progress.elapsed = started.elapsed();
                    sink.report(&state.progress);
                }
            }
            Err(e) => {
                state.error.get_or_insert(e);
            }
        }
        wake.notify_all();
    }
}

/// Runs one node; its error, or its panic, as an error naming it.
fn call(node: &Node, inputs: &[Value]) -> Result<Value> {
    let named = |message: String| Error::User { name: node.label(), message, location: Box::default() };
    match catch_unwind(AssertUnwindSafe(|| (node.func)(inputs))) {
        Ok(Ok(value)) => Ok(value),
        Ok(Err(e @ Error::User { .. })) => Err(e),
        Ok(Err(e)) => Err(named(e.to_string())),
        Err(panic) => {
            let message = panic
                .downcast_ref::<&str>()
                .map(|s| s.to_string())
                .or_else(|| panic.downcast_ref::<String>().cloned())
                .unwrap_or_else(|| "a panic without a message".into());
            Err(named(format!("panicked: {message}")))
        }
    }
}
