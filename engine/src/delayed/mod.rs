//! `delayed`: lazy graphs of any function, run on rusk's threads, as
//! Dask's `delayed`.
//!
//! [`delayed`] wraps a function call into a [`Delayed`]: a cheap handle to
//! a node of a graph. Everything derived from it ([`Delayed::map`],
//! [`map2`], [`zip`], [`all`]) is lazy too; [`Delayed::compute`] runs the
//! nodes the result needs, in parallel, each once, freeing every
//! intermediate as soon as its last consumer has run.
//!
//! ```
//! use rusk::delayed::{self, Delayed};
//!
//! let parts: Vec<Delayed<Vec<i64>>> =
//!     (0..4).map(|i| rusk::delayed("load", move || Ok(vec![i; 3]))).collect();
//! let sums: Vec<Delayed<i64>> = parts.iter().map(|p| p.map("sum", |v| Ok(v.iter().sum()))).collect();
//! let total = delayed::all(sums).map("total", |s| Ok(s.iter().sum::<i64>()));
//! assert_eq!(total.compute()?, 18);
//! assert!(total.explain().contains("load ×4"));
//! # Ok::<(), rusk::Error>(())
//! ```
//!
//! # Differences from Dask
//!
//! - Functions are `Fn`, not `FnOnce`: a graph can be computed more than
//!   once (each compute runs what it needs again, as Dask does), which a
//!   function that consumed its captures could not.
//! - Values are typed: a `Delayed<T>` computes a `T`, checked by the
//!   compiler; [`Delayed::compute`] clones the result out only when
//!   another handle of the same run still holds it.

mod frames;
mod run;
#[cfg(test)]
mod tests;

use std::any::Any;
use std::fmt::Write as _;
use std::marker::PhantomData;
use std::path::Path;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;

use rusk_ops::{Error, Result};

use crate::config::{config, Config};

pub use frames::from_delayed;

/// A value as the graph holds it.
pub(crate) type Value = Arc<dyn Any + Send + Sync>;

/// What a node runs: its inputs' values in (one per `Node::deps` entry,
/// in order: the closures below index them so), its value out.
type NodeFn = dyn Fn(&[Value]) -> Result<Value> + Send + Sync;

/// One call in a graph.
pub(crate) struct Node {
    /// Unique in the process: tells two calls of the same name apart.
    key: u64,
    /// What the graph shows (several nodes may share a name: a stage).
    name: String,
    /// The nodes whose values `func` takes, in order.
    deps: Vec<Arc<Node>>,
    func: Box<NodeFn>,
}

static NEXT_KEY: AtomicU64 = AtomicU64::new(0);

impl Node {
    fn new(name: impl Into<String>, deps: Vec<Arc<Node>>, func: Box<NodeFn>) -> Arc<Node> {
        Arc::new(Node { key: NEXT_KEY.fetch_add(1, Ordering::Relaxed), name: name.into(), deps, func })
    }

    /// `name-key`: how errors and the graph's text name this node.
    pub(crate) fn label(&self) -> String {
        format!("{}-{}", self.name, self.key)
    }
}

/// A lazy value of type `T`: a handle to a node of a graph. Cloning it is
/// cheap and shares the node, so one value can feed many others.
pub struct Delayed<T> {
    node: Arc<Node>,
    _value: PhantomData<fn() -> T>,
}

impl<T> Clone for Delayed<T> {
    fn clone(&self) -> Self {
        Delayed { node: Arc::clone(&self.node), _value: PhantomData }
    }
}

/// The value of `value` as a `T` (a node's output is the type its handle
/// says; anything else is a bug in this module).
fn typed<'a, T: 'static>(value: &'a Value, node: &str) -> Result<&'a T> {
    value
        .downcast_ref::<T>()
        .ok_or_else(|| Error::Internal(format!("delayed {node} got a value of another type")))
}

/// `f()` as a lazy value named `name` (Dask's `delayed(f)()`).
pub fn delayed<T, F>(name: impl Into<String>, f: F) -> Delayed<T>
where
    T: Send + Sync + 'static,
    F: Fn() -> Result<T> + Send + Sync + 'static,
{
    Delayed::from_node(Node::new(name, vec![], Box::new(move |_| Ok(Arc::new(f()?) as Value))))
}

/// `v` as a lazy value named `name` (each compute hands out a clone).
pub fn value<T>(name: impl Into<String>, v: T) -> Delayed<T>
where
    T: Clone + Send + Sync + 'static,
{
    delayed(name, move || Ok(v.clone()))
}

/// `f(a, b)` as a lazy value named `name`.
pub fn map2<A, B, U, F>(name: impl Into<String>, a: &Delayed<A>, b: &Delayed<B>, f: F) -> Delayed<U>
where
    A: Send + Sync + 'static,
    B: Send + Sync + 'static,
    U: Send + Sync + 'static,
    F: Fn(&A, &B) -> Result<U> + Send + Sync + 'static,
{
    let name = name.into();
    let label = name.clone();
    let func = move |inputs: &[Value]| -> Result<Value> {
        let (a, b) = (typed::<A>(&inputs[0], &label)?, typed::<B>(&inputs[1], &label)?);
        Ok(Arc::new(f(a, b)?) as Value)
    };
    Delayed::from_node(Node::new(name, vec![Arc::clone(&a.node), Arc::clone(&b.node)], Box::new(func)))
}

/// Both values as a pair.
pub fn zip<A, B>(a: &Delayed<A>, b: &Delayed<B>) -> Delayed<(A, B)>
where
    A: Clone + Send + Sync + 'static,
    B: Clone + Send + Sync + 'static,
{
    map2("zip", a, b, |a: &A, b: &B| Ok((a.clone(), b.clone())))
}

/// All the values, in order, as one (Dask's `delayed(list)`).
pub fn all<T>(values: Vec<Delayed<T>>) -> Delayed<Vec<T>>
where
    T: Clone + Send + Sync + 'static,
{
    let deps = values.iter().map(|d| Arc::clone(&d.node)).collect();
    let func = |inputs: &[Value]| -> Result<Value> {
        let items = inputs.iter().map(|v| typed::<T>(v, "all").cloned()).collect::<Result<Vec<T>>>()?;
        Ok(Arc::new(items) as Value)
    };
    Delayed::from_node(Node::new("all", deps, Box::new(func)))
}

/// Computes several values in one run: a node they share runs once.
///
/// # Errors
/// The first error of any node, naming it (a panic is an error too).
pub fn compute_all<T>(values: &[&Delayed<T>]) -> Result<Vec<T>>
where
    T: Clone + Send + Sync + 'static,
{
    compute_all_with(values, &config())
}

/// [`compute_all`] with explicit settings (threads).
///
/// # Errors
/// As [`compute_all`].
pub fn compute_all_with<T>(values: &[&Delayed<T>], config: &Config) -> Result<Vec<T>>
where
    T: Clone + Send + Sync + 'static,
{
    let roots: Vec<Arc<Node>> = values.iter().map(|d| Arc::clone(&d.node)).collect();
    let outputs = run::run(&roots, config)?;
    outputs.into_iter().zip(values).map(|(v, d)| take::<T>(v, &d.node.name)).collect()
}

/// The `T` out of a root's value: moved when this handle is its only
/// holder, else cloned.
fn take<T: Clone + Send + Sync + 'static>(value: Value, name: &str) -> Result<T> {
    let typed = value
        .downcast::<T>()
        .map_err(|_| Error::Internal(format!("delayed {name} computed a value of another type")))?;
    Ok(Arc::try_unwrap(typed).unwrap_or_else(|shared| (*shared).clone()))
}

impl<T: Send + Sync + 'static> Delayed<T> {
    fn from_node(node: Arc<Node>) -> Self {
        Delayed { node, _value: PhantomData }
    }

    /// `f(value)` as a lazy value named `name`.
    pub fn map<U, F>(&self, name: impl Into<String>, f: F) -> Delayed<U>
    where
        U: Send + Sync + 'static,
        F: Fn(&T) -> Result<U> + Send + Sync + 'static,
    {
        let name = name.into();
        let label = name.clone();
        let func = move |inputs: &[Value]| -> Result<Value> {
            Ok(Arc::new(f(typed::<T>(&inputs[0], &label)?)?) as Value)
        };
        Delayed::from_node(Node::new(name, vec![Arc::clone(&self.node)], Box::new(func)))
    }

    /// The node's name and key, as errors and `explain` show it.
    pub fn key(&self) -> String {
        self.node.label()
    }

    /// The graph as text: each stage (the nodes of one name) with how many
    /// nodes it has and the stages it reads, inputs first.
    pub fn explain(&self) -> String {
        let nodes = run::topological(std::slice::from_ref(&self.node));
        let (names, stage) = run::stages(&nodes);
        // Each stage's node count and the names of the stages it reads.
        let mut stages: Vec<(String, usize, Vec<String>)> =
            names.into_iter().map(|name| (name, 0, Vec::new())).collect();
        for (node, &s) in nodes.iter().zip(&stage) {
            let (_, count, reads) = &mut stages[s];
            *count += 1;
            for dep in &node.deps {
                if !reads.contains(&dep.name) {
                    reads.push(dep.name.clone());
                }
            }
        }
        let mut out = format!("Delayed graph: {} tasks in {} stages\n", nodes.len(), stages.len());
        for (name, count, reads) in stages {
            let _ = write!(out, "  {name} ×{count}");
            if !reads.is_empty() {
                let _ = write!(out, " <- {}", reads.join(", "));
            }
            out.push('\n');
        }
        out
    }

    /// Writes the graph as Graphviz DOT to `path`, as a frame's
    /// `visualize` does (a cluster per stage).
    ///
    /// # Errors
    /// [`Error::Io`] when the file cannot be written.
    pub fn visualize(&self, path: impl AsRef<Path>) -> Result<()> {
        let nodes = run::topological(std::slice::from_ref(&self.node));
        let (names, stage) = run::stages(&nodes);
        let mut stages: Vec<(String, Vec<(u64, String)>)> =
            names.into_iter().map(|name| (name, Vec::new())).collect();
        for (node, &s) in nodes.iter().zip(&stage) {
            stages[s].1.push((node.key, node.label()));
        }
        let edges = nodes.iter().flat_map(|n| n.deps.iter().map(move |d| (d.key, n.key)));
        let dot = crate::explain::dot_of(stages, edges);
        let path = path.as_ref();
        std::fs::write(path, dot).map_err(|source| Error::Io { path: path.to_path_buf(), source })
    }
}

impl<T: Clone + Send + Sync + 'static> Delayed<T> {
    /// Runs the nodes the value needs on the process-wide settings' threads.
    ///
    /// # Errors
    /// The first error of any node, naming it (a panic is an error too).
    pub fn compute(&self) -> Result<T> {
        self.compute_with(&config())
    }

    /// [`Delayed::compute`] with explicit settings (threads).
    ///
    /// # Errors
    /// As [`Delayed::compute`].
    pub fn compute_with(&self, config: &Config) -> Result<T> {
        let mut out = compute_all_with(&[self], config)?;
        out.pop().ok_or_else(|| Error::Internal("a delayed run returned no value".into()))
    }
}
