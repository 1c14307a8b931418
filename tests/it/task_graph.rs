//! The task graph as plain data: every graph serializes to JSON and reads
//! back equal, and a sequential executor built only on the public seam
//! (`TaskGraph::from_json` + `scheduler::run_task`) computes what the
//! scheduler computes, reopening the scanned files from their
//! descriptions. (Debug builds also check every graph they lower, so the
//! whole test suite round-trips its graphs.)

use crate::common;

use rusk::arrow::compute::concat_batches;
use rusk::arrow::record_batch::RecordBatch;
use rusk::graph::TaskGraph;
use rusk::scheduler::{run_task, TaskOutput};
use rusk::{col, lit, Config, DataFrame, JoinStrategy, Keep, MergeOptions};

use common::fixture;

/// Runs `graph` one task at a time, in id order (topological), from the
/// JSON it writes: the way another scheduler would.
fn run_sequentially(graph: &TaskGraph) -> rusk::Result<Vec<RecordBatch>> {
    let graph = TaskGraph::from_json(&graph.to_json()?)?;
    let mut outputs: Vec<Option<TaskOutput>> = vec![None; graph.tasks.len()];
    for (id, task) in graph.tasks.iter().enumerate() {
        let inputs: Vec<TaskOutput> =
            task.inputs.iter().map(|&i| outputs[i].clone().expect("inputs run first")).collect();
        outputs[id] = Some(run_task(task, &inputs)?);
    }
    graph.outputs.iter().map(|&o| outputs[o].as_ref().expect("output ran").read(None)).collect()
}

/// The frame's result by the scheduler and by the sequential executor,
/// each as one batch.
fn both_ways(df: &DataFrame, config: &Config) -> (RecordBatch, RecordBatch) {
    let scheduled = df.compute_with(config).expect("scheduler");
    let graph = df.task_graph_with(config).expect("graph");
    let sequential = run_sequentially(&graph).expect("sequential");
    let schema = df.schema();
    let one = |batches: &[RecordBatch]| concat_batches(&schema, batches).expect("concat");
    (one(scheduled.batches()), one(&sequential))
}

fn csv(rel: &str) -> DataFrame {
    rusk::read_csv(fixture(rel)).expect("read csv")
}

fn frames() -> Vec<(&'static str, DataFrame)> {
    let sales = csv("fixtures/sales");
    let orders = csv("fixtures/join/orders");
    let customers = csv("fixtures/join/customers");
    let by = |df: &DataFrame, keys: &[&str]| df.groupby(keys.iter().copied()).expect("groupby");
    let joined = |strategy| {
        orders
            .merge(&customers, MergeOptions::on(["cust"]).suffixes("", "_c").strategy(strategy))
            .expect("merge")
    };
    vec![
        (
            "csv scan, filter, project",
            sales.filter(col("qty").gt(lit(5))).unwrap().select(["region", "qty"]).unwrap(),
        ),
        ("parquet scan with hive columns", rusk::read_parquet(fixture("fixtures/hive")).expect("parquet")),
        ("csv scan with hive columns", csv("fixtures/hive_csv")),
        (
            "groupby tree reduce",
            by(&sales, &["region"]).split_every(2).agg([("qty", col("qty").sum())]).unwrap(),
        ),
        (
            "groupby shuffle",
            by(&sales.repartition(5).unwrap(), &["product"]).split_out(3).agg([("n", rusk::size())]).unwrap(),
        ),
        ("whole-frame reduction", sales.agg([("mean", col("price").mean()), ("n", rusk::size())]).unwrap()),
        ("sort (range shuffle)", sales.sort_values(&["price", "order_id"], &[false, true]).unwrap()),
        ("nlargest", sales.nlargest(7, "price").unwrap()),
        ("groupby nlargest", by(&sales, &["region"]).nlargest(2, "qty").unwrap()),
        ("transform", by(&sales, &["region"]).transform([("total", col("qty").sum())]).unwrap()),
        (
            "drop_duplicates",
            sales.repartition(4).unwrap().drop_duplicates(Some(&["region", "product"]), Keep::Last).unwrap(),
        ),
        ("duplicated", sales.duplicated(Some(&["product"]), Keep::First).unwrap()),
        ("broadcast join", joined(JoinStrategy::Broadcast)),
        ("shuffle join", joined(JoinStrategy::Shuffle)),
        ("concat", rusk::concat(&[sales.clone(), sales.head(3).unwrap()]).unwrap()),
        ("repartition up", sales.repartition(8).unwrap()),
        ("set_index", sales.set_index("order_id", true).unwrap()),
        ("in memory", sales.compute().unwrap().filter(col("returned")).unwrap()),
    ]
}

#[test]
fn graphs_round_trip_and_run_task_by_task_like_the_scheduler() {
    for threads in common::THREADS {
        let config = Config::default().with_threads(threads);
        for (what, df) in frames() {
            let graph = df.task_graph_with(&config).expect(what);
            let back = TaskGraph::from_json(&graph.to_json().expect(what)).expect(what);
            assert_eq!(back, graph, "{what}: read back");
            let (scheduled, sequential) = both_ways(&df, &config);
            assert!(scheduled.num_rows() > 0, "{what}: an empty result proves little");
            assert_eq!(sequential, scheduled, "{what} threads={threads}");
        }
    }
}

#[test]
fn a_shuffle_task_outputs_buckets_addressed_by_its_consumers() {
    let df = csv("fixtures/sales").repartition(3).unwrap().groupby(["product"]).unwrap().split_out(4);
    let graph = df.agg([("n", rusk::size())]).unwrap().task_graph().unwrap();
    let receivers: Vec<_> = graph.tasks.iter().filter(|t| t.bucket.is_some()).collect();
    let buckets: std::collections::BTreeSet<usize> = receivers.iter().filter_map(|t| t.bucket).collect();
    assert_eq!(buckets, (0..4).collect(), "one receiving task per bucket");
    for task in receivers {
        for &input in &task.inputs {
            let sent = run_sequentially_upto(&graph, input);
            assert!(
                matches!(sent, TaskOutput::Buckets(ref b) if b.len() == 4),
                "task {input} sends 4 buckets"
            );
        }
    }
}

/// The output of task `target`, running what it needs in order.
fn run_sequentially_upto(graph: &TaskGraph, target: usize) -> TaskOutput {
    let mut outputs: Vec<Option<TaskOutput>> = vec![None; target + 1];
    for id in 0..=target {
        let task = &graph.tasks[id];
        let inputs: Vec<TaskOutput> = task.inputs.iter().map(|&i| outputs[i].clone().expect("ran")).collect();
        outputs[id] = Some(run_task(task, &inputs).expect("task"));
    }
    outputs[target].take().expect("ran")
}

#[test]
fn user_functions_travel_by_name_and_refuse_to_run_elsewhere() {
    let df = csv("fixtures/sales").map_partitions("identity", Ok).unwrap();
    let graph = df.task_graph().unwrap();
    assert!(graph.has_user_functions());
    let json = graph.to_json().unwrap();
    assert!(json.contains(r#"{"user_function":"identity"}"#), "named in the JSON");
    graph.check_round_trip().expect("round trip");
    let err = run_sequentially(&graph).expect_err("the closure does not travel");
    assert!(err.to_string().contains("identity"), "{err}");
    // In this process, the original graph runs it.
    assert_eq!(df.compute().unwrap().len().unwrap(), csv("fixtures/sales").len().unwrap());
}

#[test]
fn a_scan_description_refuses_a_file_changed_since() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("a.csv");
    std::fs::write(&path, "x,y\n1,2\n3,4\n").unwrap();
    let graph = rusk::read_csv(&path).unwrap().task_graph().unwrap();
    let json = graph.to_json().unwrap();
    std::fs::write(&path, "x,y\n1,2\n3,4\n5,6\n").unwrap();
    let err = run_sequentially(&TaskGraph::from_json(&json).unwrap()).expect_err("changed");
    assert!(matches!(err, rusk::Error::FileChanged { .. }), "{err:?}");
}

#[test]
fn nan_and_infinite_literals_travel() {
    let df = csv("fixtures/sales")
        .assign([("nan", lit(f64::NAN)), ("inf", lit(f64::INFINITY)), ("ninf", lit(f64::NEG_INFINITY))])
        .unwrap();
    let graph = df.task_graph().unwrap();
    let back = TaskGraph::from_json(&graph.to_json().unwrap()).unwrap();
    // NaN != NaN, so compare what the graphs compute.
    let (scheduled, sequential) = both_ways(&df, &Config::default());
    assert_eq!(back.tasks.len(), graph.tasks.len());
    assert_eq!(format!("{:?}", sequential.column(7)), format!("{:?}", scheduled.column(7)));
    assert!(sequential
        .column(8)
        .as_any()
        .downcast_ref::<rusk::arrow::array::Float64Array>()
        .unwrap()
        .value(0)
        .is_infinite());
}

#[test]
fn garbage_is_not_a_graph() {
    let err = TaskGraph::from_json(r#"{"tasks": 3}"#).expect_err("not a graph");
    assert!(matches!(err, rusk::Error::InvalidArgument(_)), "{err:?}");
}
