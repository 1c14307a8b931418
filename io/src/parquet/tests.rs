//! Tests of the Parquet source: partitions, projected reads and their
//! metrics, schema merging, string types, and row-group pruning (checked
//! against a brute-force filter on random data).

use std::path::{Path, PathBuf};
use std::sync::Arc;

use arrow::array::{
    Array, ArrayRef, AsArray, Float64Array, Int32Array, Int64Array, RecordBatch, StringArray,
};
use arrow::compute::{cast, concat_batches};
use arrow::datatypes::{DataType, Field, Int64Type, Schema};
use parquet::arrow::ArrowWriter;
use parquet::file::properties::{EnabledStatistics, WriterProperties};
use rusk_ops::expr::{BinaryOp, Expr, ScalarValue};
use rusk_ops::Error;

use super::*;
use crate::dataset::{Dataset, FileFormat, Keep, PartitionRange, ScanPartition, Source};
use crate::listing::SourceFile;

fn write(path: &Path, batches: &[RecordBatch], row_group_rows: usize) {
    let props = WriterProperties::builder().set_max_row_group_row_count(Some(row_group_rows)).build();
    write_with(path, batches, props);
}

fn write_with(path: &Path, batches: &[RecordBatch], props: WriterProperties) {
    let file = std::fs::File::create(path).unwrap();
    let mut writer = ArrowWriter::try_new(file, batches[0].schema(), Some(props)).unwrap();
    for b in batches {
        writer.write(b).unwrap();
    }
    writer.close().unwrap();
}

fn open(paths: &[PathBuf], options: ParquetOptions) -> ParquetSource {
    let files: Vec<SourceFile> = paths.iter().map(|p| SourceFile::at(p).unwrap()).collect();
    ParquetSource::open(&files, options).unwrap()
}

fn batch(columns: Vec<(&str, ArrayRef)>) -> RecordBatch {
    RecordBatch::try_from_iter(columns).unwrap()
}

fn row_groups(part: &ScanPartition) -> Vec<usize> {
    match &part.range {
        PartitionRange::RowGroups(rgs) => rgs.clone(),
        other => panic!("not row groups: {other:?}"),
    }
}

/// `x` = 0..100, ten row groups of ten.
fn sorted_file(dir: &Path) -> PathBuf {
    let path = dir.join("sorted.parquet");
    let x = Int64Array::from_iter_values(0..100);
    let s = StringArray::from_iter_values((0..100).map(|i| format!("k{:03}", i)));
    // Null only in row group 3; all null in row group 0.
    let n = Int32Array::from_iter((0..100).map(|i| if i == 35 { None } else { Some(i) }));
    let z = Int32Array::from_iter((0..100).map(|i| if i < 10 { None } else { Some(1) }));
    let f = Float64Array::from_iter_values((0..100).map(|i| if i == 55 { f64::NAN } else { i as f64 }));
    write(
        &path,
        &[batch(vec![
            ("x", Arc::new(x)),
            ("s", Arc::new(s)),
            ("n", Arc::new(n)),
            ("z", Arc::new(z)),
            ("f", Arc::new(f)),
        ])],
        10,
    );
    path
}

fn col(name: &str) -> Expr {
    Expr::column(name)
}

fn lit(v: impl Into<ScalarValue>) -> Expr {
    Expr::Literal(v.into())
}

fn cmp(l: Expr, op: BinaryOp, r: Expr) -> Expr {
    Expr::binary(l, op, r)
}

fn kept(source: &ParquetSource, filters: &[Expr]) -> Vec<usize> {
    let part = &source.partitions()[0];
    source.prune(part, filters).unwrap().map(|p| row_groups(&p)).unwrap_or_default()
}

#[test]
fn partitions_are_files_or_runs_of_row_groups() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("a.parquet");
    write(&path, &[batch(vec![("x", Arc::new(Int64Array::from_iter_values(0..10)))])], 3);
    let whole = open(std::slice::from_ref(&path), ParquetOptions::default());
    assert_eq!(whole.row_group_count(), 4);
    let parts = whole.partitions();
    assert_eq!(parts, vec![ScanPartition { file: 0, range: PartitionRange::RowGroups(vec![0, 1, 2, 3]) }]);

    let split = open(std::slice::from_ref(&path), ParquetOptions::default().split_row_groups(Some(3)));
    let parts: Vec<Vec<usize>> = split.partitions().iter().map(row_groups).collect();
    assert_eq!(parts, vec![vec![0, 1, 2], vec![3]]);
    let metrics = ScanMetrics::default();
    let read: Vec<RecordBatch> =
        split.partitions().iter().map(|p| split.read(p, &[0], &metrics).unwrap()).collect();
    let all = concat_batches(&read[0].schema(), &read).unwrap();
    assert_eq!(all.column(0).as_primitive::<Int64Type>().values().to_vec(), (0..10).collect::<Vec<i64>>());
    assert_eq!(metrics.snapshot().row_groups_read, 4);
    assert_eq!(metrics.snapshot().files_opened, 2);

    let files = [SourceFile::at(path).unwrap()];
    let err = ParquetSource::open(&files, ParquetOptions::default().split_row_groups(Some(0))).unwrap_err();
    assert!(matches!(err, Error::InvalidArgument(_)), "{err}");
}

#[test]
fn a_file_without_row_groups_reads_zero_rows() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("empty.parquet");
    let schema = Arc::new(Schema::new(vec![Field::new("x", DataType::Int64, true)]));
    ArrowWriter::try_new(std::fs::File::create(&path).unwrap(), schema, None).unwrap().close().unwrap();
    let source = open(&[path], ParquetOptions::default().split_row_groups(Some(2)));
    let parts = source.partitions();
    assert_eq!(parts, vec![ScanPartition { file: 0, range: PartitionRange::RowGroups(vec![]) }]);
    let batch = source.read(&parts[0], &[0], &ScanMetrics::default()).unwrap();
    assert_eq!(batch.num_rows(), 0);
    assert_eq!(batch.schema().field(0).data_type(), &DataType::Int64);
}

#[test]
fn projection_reads_only_its_columns_in_its_order() {
    let dir = tempfile::tempdir().unwrap();
    let path = sorted_file(dir.path());
    let source = open(&[path], ParquetOptions::default());
    let part = &source.partitions()[0];
    let all = ScanMetrics::default();
    let everything: Vec<usize> = (0..source.schema().fields().len()).collect();
    let full = source.read(part, &everything, &all).unwrap();
    assert_eq!(full.num_rows(), 100);
    let some = ScanMetrics::default();
    let batch = source.read(part, &[4, 0], &some).unwrap();
    let names: Vec<String> = batch.schema().fields().iter().map(|f| f.name().clone()).collect();
    assert_eq!(names, ["f", "x"]);
    assert_eq!(batch.column(1).as_primitive::<Int64Type>().value(99), 99);
    let (all, some) = (all.snapshot(), some.snapshot());
    assert!(some.bytes_read > 0 && some.bytes_read < all.bytes_read, "{some:?} vs {all:?}");
    assert_eq!((some.rows_read, some.row_groups_read, some.files_opened), (100, 10, 1));

    // No column at all still counts the rows (what `len(df)` needs).
    let none = ScanMetrics::default();
    let batch = source.read(part, &[], &none).unwrap();
    assert_eq!((batch.num_rows(), batch.num_columns()), (100, 0));
    assert_eq!(none.snapshot().bytes_read, 0);
}

#[test]
fn read_errors_name_the_file() {
    let dir = tempfile::tempdir().unwrap();
    let path = sorted_file(dir.path());
    let source = open(std::slice::from_ref(&path), ParquetOptions::default());
    std::fs::write(&path, b"not parquet any more").unwrap();
    let err = source.read(&source.partitions()[0], &[0], &ScanMetrics::default()).unwrap_err();
    assert!(matches!(&err, Error::FileChanged { path: p, .. } if p == &path), "{err}");
    let missing =
        [SourceFile { path: dir.path().join("nope.parquet"), size: 0, modified: None, hive: vec![] }];
    let err = ParquetSource::open(&missing, ParquetOptions::default()).unwrap_err();
    assert!(matches!(err, Error::Io { .. }), "{err}");
}

#[test]
fn files_are_read_in_the_merged_schema() {
    let dir = tempfile::tempdir().unwrap();
    let a = dir.path().join("a.parquet");
    let b = dir.path().join("b.parquet");
    write(
        &a,
        &[batch(vec![
            ("k", Arc::new(Int32Array::from(vec![1, 2]))),
            ("only_a", Arc::new(StringArray::from(vec!["x", "y"]))),
        ])],
        10,
    );
    write(
        &b,
        &[batch(vec![
            ("k", Arc::new(Int64Array::from(vec![3, 4, 5]))),
            ("only_b", Arc::new(Float64Array::from(vec![0.5, 1.5, 2.5]))),
        ])],
        10,
    );
    let source = open(&[a, b], ParquetOptions::default());
    let schema = source.schema();
    let everything: Vec<usize> = (0..schema.fields().len()).collect();
    let metrics = ScanMetrics::default();
    let mut ks = Vec::new();
    for part in source.partitions() {
        let batch = source.read(&part, &everything, &metrics).unwrap();
        assert_eq!(batch.schema(), schema, "every partition has the merged schema");
        let k = cast(batch.column_by_name("k").unwrap(), &DataType::Int64).unwrap();
        ks.extend(k.as_primitive::<Int64Type>().values().iter().copied());
        for (field, column) in schema.fields().iter().zip(batch.columns()) {
            let own = if part.file == 0 { "only_b" } else { "only_a" };
            if field.name() == own {
                assert_eq!(column.null_count(), column.len(), "{own} is null where the file lacks it");
            }
        }
    }
    assert_eq!(ks, vec![1, 2, 3, 4, 5]);
}

#[test]
fn strings_read_as_views_unless_every_chunk_is_dictionary() {
    let dir = tempfile::tempdir().unwrap();
    let low = StringArray::from_iter_values((0..1000).map(|i| format!("city{}", i % 5)));
    let dict = dir.path().join("dict.parquet");
    write(&dict, &[batch(vec![("s", Arc::new(low.clone()))])], 100);
    let plain = dir.path().join("plain.parquet");
    let props = WriterProperties::builder().set_dictionary_enabled(false).build();
    write_with(&plain, &[batch(vec![("s", Arc::new(low.clone()))])], props);
    // A dictionary that overflows falls back to plain pages mid-chunk.
    let fallback = dir.path().join("fallback.parquet");
    let high = StringArray::from_iter_values((0..5000).map(|i| format!("unique-value-{i:08}")));
    let props = WriterProperties::builder().set_dictionary_page_size_limit(1024).build();
    write_with(&fallback, &[batch(vec![("s", Arc::new(high))])], props);

    let dictionary = DataType::Dictionary(Box::new(DataType::Int32), Box::new(DataType::Utf8));
    let type_of =
        |paths: &[PathBuf]| open(paths, ParquetOptions::default()).schema().field(0).data_type().clone();
    assert_eq!(type_of(std::slice::from_ref(&dict)), dictionary);
    assert_eq!(type_of(std::slice::from_ref(&plain)), DataType::Utf8View);
    assert_eq!(type_of(std::slice::from_ref(&fallback)), DataType::Utf8View);
    assert_eq!(type_of(&[dict.clone(), plain.clone()]), DataType::Utf8View);

    for paths in [vec![dict.clone()], vec![plain], vec![dict, fallback]] {
        let source = open(&paths, ParquetOptions::default());
        let batch = source.read(&source.partitions()[0], &[0], &ScanMetrics::default()).unwrap();
        assert_eq!(batch.column(0).data_type(), source.schema().field(0).data_type());
        let strings = cast(batch.column(0), &DataType::Utf8).unwrap();
        assert_eq!(strings.as_string::<i32>(), &low, "{paths:?}");
    }
}

#[test]
fn dictionary_columns_keep_their_dictionaries_across_row_groups() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("groups.parquet");
    // Row groups of 300, 300 and 100 rows (unequal, so no batch size fits
    // them all), whose dictionaries list the same cities in other orders;
    // nulls in some; other columns around.
    let names = ["oslo", "rome", "lima", "kyiv", "bern"];
    let city = StringArray::from_iter(
        (0..700).map(|i| (i % 11 != 3).then(|| names[(i * 7 + i / 300) % names.len()])),
    );
    let x = Int64Array::from_iter_values(0..700);
    let low = StringArray::from_iter_values((0..700).map(|i| format!("k{}", i % 3)));
    write(
        &path,
        &[batch(vec![
            ("x", Arc::new(x.clone())),
            ("city", Arc::new(city.clone())),
            ("low", Arc::new(low.clone())),
        ])],
        300,
    );
    let source = open(std::slice::from_ref(&path), ParquetOptions::default());
    let dictionary = DataType::Dictionary(Box::new(DataType::Int32), Box::new(DataType::Utf8));
    assert_eq!(source.schema().field(1).data_type(), &dictionary);
    assert_eq!(source.schema().field(2).data_type(), &dictionary);

    let metrics = ScanMetrics::default();
    let read = source.read(&source.partitions()[0], &[2, 0, 1], &metrics).unwrap();
    let schema = read.schema();
    let names: Vec<&str> = schema.fields().iter().map(|f| f.name().as_str()).collect();
    assert_eq!(names, ["low", "x", "city"]);
    assert_eq!(read.schema().as_ref(), &source.schema().project(&[2, 0, 1]).unwrap(), "no cast is needed");
    assert_eq!(read.column(1).as_primitive::<Int64Type>(), &x);
    assert_eq!(cast(read.column(2), &DataType::Utf8).unwrap().as_string::<i32>(), &city);
    assert_eq!(cast(read.column(0), &DataType::Utf8).unwrap().as_string::<i32>(), &low);
    assert_eq!(read.column(2).null_count(), city.null_count());
    // Each string once: the row groups' dictionaries were merged, in the
    // order their values first appear, as read one row group at a time.
    let by_group = open(&[path], ParquetOptions::default().split_row_groups(Some(1)));
    let mut expected: Vec<String> = Vec::new();
    for part in by_group.partitions() {
        let one = by_group.read(&part, &[1], &ScanMetrics::default()).unwrap();
        for v in
            one.column(0).as_dictionary::<arrow::datatypes::Int32Type>().values().as_string::<i32>().iter()
        {
            let v = v.unwrap().to_string();
            if !expected.contains(&v) {
                expected.push(v);
            }
        }
    }
    let merged = read.column(2).as_dictionary::<arrow::datatypes::Int32Type>();
    let values: Vec<&str> = merged.values().as_string::<i32>().iter().flatten().collect();
    assert_eq!(values, expected);
    assert_eq!(values.len(), 5);
    assert_eq!(read.column(0).as_dictionary::<arrow::datatypes::Int32Type>().values().len(), 3);
    let counts = metrics.snapshot();
    assert_eq!((counts.files_opened, counts.row_groups_read, counts.rows_read), (1, 3, 700));
}

/// A row group of more rows than one dictionary batch reads (pages of
/// 20,000 rows, arrow-rs's default): its batches' keys are joined under
/// the row group's one dictionary, alone, beside other columns, sliced by
/// a budget's cut and filtered.
#[test]
fn a_large_row_group_reads_its_dictionary_column_in_batches() {
    use rusk_ops::expr::{col, filter_batch, lit};
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("large.parquet");
    let n = 150_001i64;
    let s = StringArray::from_iter((0..n).map(|i| (i % 17 != 4).then(|| format!("s{}", i * 31 % 97))));
    let x = Int64Array::from_iter_values(0..n);
    write(&path, &[batch(vec![("x", Arc::new(x.clone())), ("s", Arc::new(s.clone()))])], 200_000);
    let source = open(std::slice::from_ref(&path), ParquetOptions::default());
    assert!(matches!(source.schema().field(1).data_type(), DataType::Dictionary(_, _)));
    let part = &source.partitions()[0];
    for projection in [&[1][..], &[1, 0]] {
        let read = source.read(part, projection, &ScanMetrics::default()).unwrap();
        assert_eq!(read.num_rows(), n as usize);
        assert_eq!(cast(read.column(0), &DataType::Utf8).unwrap().as_string::<i32>(), &s);
        let keys = read.column(0).as_dictionary::<arrow::datatypes::Int32Type>();
        assert_eq!(keys.values().len(), 97, "one dictionary, each string once");
    }
    let filter = col("s").eq(lit("s5")) | col("x").lt(lit(70_000i64));
    let want = filter_batch(&source.read(part, &[0, 1], &ScanMetrics::default()).unwrap(), &filter).unwrap();
    let got = source.read_keeping(part, &[0, 1], Keep::Where(&filter), &ScanMetrics::default()).unwrap();
    assert_eq!(got, want);
    // A budget's slice of the row group, starting inside a batch.
    let cut = ScanPartition {
        range: PartitionRange::RowSlice { row_group: 0, start: 70_000, end: 140_003 },
        ..part.clone()
    };
    let read = source.read(&cut, &[1], &ScanMetrics::default()).unwrap();
    assert_eq!(cast(read.column(0), &DataType::Utf8).unwrap().as_string::<i32>(), &s.slice(70_000, 70_003));
}

#[test]
fn a_column_that_falls_back_to_plain_pages_reads_as_views() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("fallback.parquet");
    // The dictionary overflows in the second row group only: its chunk
    // mixes dictionary and plain pages.
    let s = StringArray::from_iter((0..3000).map(|i| match i {
        _ if i % 13 == 0 => None,
        0..1000 => Some(format!("few-{}", i % 4)),
        _ => Some(format!("many-distinct-values-{i:08}")),
    }));
    let d = StringArray::from_iter_values((0..3000).map(|i| format!("d{}", i % 2)));
    let props = WriterProperties::builder()
        .set_max_row_group_row_count(Some(1000))
        .set_dictionary_page_size_limit(1024)
        .set_data_page_row_count_limit(100)
        .set_write_batch_size(100)
        .build();
    write_with(&path, &[batch(vec![("s", Arc::new(s.clone())), ("d", Arc::new(d.clone()))])], props);
    let source = open(&[path], ParquetOptions::default());
    assert_eq!(source.schema().field(0).data_type(), &DataType::Utf8View);
    assert!(matches!(source.schema().field(1).data_type(), DataType::Dictionary(_, _)));
    let read = source.read(&source.partitions()[0], &[0, 1], &ScanMetrics::default()).unwrap();
    assert_eq!(read.schema(), source.schema(), "no cast is needed");
    assert_eq!(cast(read.column(0), &DataType::Utf8).unwrap().as_string::<i32>(), &s);
    assert_eq!(cast(read.column(1), &DataType::Utf8).unwrap().as_string::<i32>(), &d);
}

#[test]
fn prunes_each_predicate_form() {
    let dir = tempfile::tempdir().unwrap();
    let source = open(&[sorted_file(dir.path())], ParquetOptions::default());
    let all: Vec<usize> = (0..10).collect();
    use BinaryOp::*;
    let cases: Vec<(Expr, Vec<usize>)> = vec![
        (cmp(col("x"), Gt, lit(85)), vec![8, 9]),
        (cmp(lit(85), Lt, col("x")), vec![8, 9]),
        (cmp(col("x"), GtEq, lit(90)), vec![9]),
        (cmp(col("x"), Lt, lit(10)), vec![0]),
        (cmp(col("x"), LtEq, lit(10)), vec![0, 1]),
        (cmp(lit(10), GtEq, col("x")), vec![0, 1]),
        (cmp(col("x"), Eq, lit(42)), vec![4]),
        (cmp(col("x"), NotEq, lit(42)), all.clone()),
        // An integer column against float literals, compared exactly.
        (cmp(col("x"), Lt, lit(2.5)), vec![0]),
        (cmp(col("x"), Gt, lit(89.5)), vec![9]),
        (cmp(col("x"), Eq, lit(42.5)), vec![4]),
        (cmp(col("x"), Gt, lit(1e300)), vec![]),
        (
            Expr::Between { expr: Box::new(col("x")), low: Box::new(lit(15)), high: Box::new(lit(25)) },
            vec![1, 2],
        ),
        (
            Expr::IsIn { expr: Box::new(col("x")), list: vec![5.into(), 95.into()], negated: false },
            vec![0, 9],
        ),
        (Expr::IsIn { expr: Box::new(col("x")), list: vec![500.into()], negated: false }, vec![]),
        (Expr::IsIn { expr: Box::new(col("x")), list: vec![500.into()], negated: true }, all.clone()),
        (Expr::IsIn { expr: Box::new(col("z")), list: vec![ScalarValue::Null], negated: false }, vec![0]),
        (Expr::IsNull(Box::new(col("n"))), vec![3]),
        (Expr::Not(Box::new(Expr::IsNotNull(Box::new(col("n"))))), vec![3]),
        (Expr::IsNotNull(Box::new(col("z"))), (1..10).collect()),
        (cmp(col("z"), Eq, lit(1)), (1..10).collect()),
        (cmp(col("s"), Eq, lit("k042")), vec![4]),
        (cmp(col("s"), GtEq, lit("k090")), vec![9]),
        (cmp(col("s"), Lt, lit("k")), vec![]),
        // `|` keeps what either side keeps, `&` what both keep.
        (cmp(cmp(col("x"), Lt, lit(5)), Or, cmp(col("x"), Gt, lit(95))), vec![0, 9]),
        (cmp(cmp(col("x"), Gt, lit(5)), And, cmp(col("x"), Lt, lit(25))), vec![0, 1, 2]),
        (cmp(cmp(col("x"), Lt, lit(5)), Or, cmp(col("x"), Gt, col("n"))), all.clone()),
        // Floats: NaN (in row group 5) may satisfy an order comparison.
        (cmp(col("f"), Gt, lit(80.0)), vec![5, 8, 9]),
        (cmp(col("f"), Eq, lit(80)), vec![8]),
        (cmp(col("f"), NotEq, lit(80)), all.clone()),
        // What can't be judged is kept.
        (cmp(cmp(col("x"), Add, lit(1)), Gt, lit(85)), all.clone()),
        (cmp(col("x"), Gt, lit("85")), all.clone()),
        (cmp(col("missing"), Gt, lit(1)), all.clone()),
        (cmp(col("x"), Eq, Expr::Literal(ScalarValue::Null)), all.clone()),
    ];
    for (filter, expected) in cases {
        assert_eq!(kept(&source, std::slice::from_ref(&filter)), expected, "{filter}");
    }
    // Filters are conjuncts.
    assert_eq!(kept(&source, &[cmp(col("x"), Gt, lit(15)), cmp(col("x"), Lt, lit(35))]), vec![1, 2, 3]);
    // Nothing left: `None`.
    assert_eq!(source.prune(&source.partitions()[0], &[cmp(col("x"), Gt, lit(100))]).unwrap(), None);
}

#[test]
fn prunes_dictionary_strings_and_nothing_without_statistics() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("dict.parquet");
    let s = StringArray::from_iter_values((0..100).map(|i| format!("v{}", i / 10)));
    write(&path, &[batch(vec![("s", Arc::new(s.clone()))])], 10);
    let source = open(&[path], ParquetOptions::default());
    assert!(matches!(source.schema().field(0).data_type(), DataType::Dictionary(_, _)));
    assert_eq!(kept(&source, &[cmp(col("s"), BinaryOp::Eq, lit("v3"))]), vec![3]);

    let path = dir.path().join("nostats.parquet");
    let props = WriterProperties::builder()
        .set_max_row_group_row_count(Some(10))
        .set_statistics_enabled(EnabledStatistics::None)
        .build();
    write_with(&path, &[batch(vec![("s", Arc::new(s))])], props);
    let source = open(&[path], ParquetOptions::default());
    assert_eq!(kept(&source, &[cmp(col("s"), BinaryOp::Eq, lit("v3"))]), (0..10).collect::<Vec<_>>());
}

#[test]
fn long_strings_have_truncated_bounds_and_are_kept() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("long.parquet");
    let long = |c: char| std::iter::repeat_n(c, 100).collect::<String>();
    let s = StringArray::from(vec![long('a'), long('b'), long('c'), long('d')]);
    let props = WriterProperties::builder()
        .set_max_row_group_row_count(Some(2))
        .set_statistics_truncate_length(Some(8))
        .build();
    write_with(&path, &[batch(vec![("s", Arc::new(s))])], props);
    let source = open(&[path], ParquetOptions::default());
    assert_eq!(kept(&source, &[cmp(col("s"), BinaryOp::Eq, lit(long('b')))]), vec![0]);
    assert_eq!(kept(&source, &[cmp(col("s"), BinaryOp::GtEq, lit(long('b')))]), vec![0, 1]);
    assert_eq!(kept(&source, &[cmp(col("s"), BinaryOp::Gt, lit(long('c')))]), vec![1]);
    assert_eq!(kept(&source, &[cmp(col("s"), BinaryOp::NotEq, lit(long('a')))]), vec![0, 1]);
}

#[test]
fn dataset_prunes_and_reads_a_parquet_file() {
    let dir = tempfile::tempdir().unwrap();
    let path = sorted_file(dir.path());
    let options = ParquetOptions::default().split_row_groups(Some(1));
    let dataset = Dataset::open(&path, FileFormat::Parquet(options)).unwrap();
    let pruned = dataset.prune(&[cmp(col("x"), BinaryOp::GtEq, lit(70))]).unwrap();
    assert_eq!(pruned.row_groups, Some((3, 10)));
    assert_eq!(pruned.partitions.len(), 3);
    let metrics = ScanMetrics::default();
    let batch = dataset.read(&pruned.partitions[0], Some(&["s".to_string()]), &metrics).unwrap();
    assert_eq!(batch.num_rows(), 10);
    assert_eq!(metrics.snapshot().row_groups_read, 1);
}

/// A tiny seeded generator (splitmix64), so the random test repeats.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
    fn chance(&mut self, percent: u64) -> bool {
        self.below(100) < percent
    }
}

/// A value of one row, for the brute-force filter.
#[derive(Debug, Clone, PartialEq)]
enum V {
    Null,
    I(i64),
    F(f64),
    S(String),
}

fn value_of(v: &ScalarValue) -> V {
    match v {
        ScalarValue::Int64(i) => V::I(*i),
        ScalarValue::Float64(f) => V::F(*f),
        ScalarValue::Utf8(s) => V::S(s.clone()),
        _ => V::Null,
    }
}

/// `a` against `b` under IEEE (`total = false`: NaN unordered) or Arrow's
/// total order; `None` for a null or an unordered pair.
fn order(a: &V, b: &V, total: bool) -> Option<std::cmp::Ordering> {
    let float = |x: f64, y: f64| if total { Some(x.total_cmp(&y)) } else { x.partial_cmp(&y) };
    match (a, b) {
        (V::I(x), V::I(y)) => Some(x.cmp(y)),
        (V::I(x), V::F(y)) => float(*x as f64, *y),
        (V::F(x), V::I(y)) => float(*x, *y as f64),
        (V::F(x), V::F(y)) => float(*x, *y),
        (V::S(x), V::S(y)) => Some(x.cmp(y)),
        _ => None,
    }
}

/// The brute-force filter: Kleene logic, comparisons null on nulls.
fn eval(expr: &Expr, row: &dyn Fn(&str) -> V, total: bool) -> Option<bool> {
    use std::cmp::Ordering::*;
    let value = |e: &Expr| match e {
        Expr::Column(c) => row(c),
        Expr::Literal(v) => value_of(v),
        other => panic!("unexpected operand {other}"),
    };
    match expr {
        Expr::Binary { left, op: BinaryOp::And, right } => {
            match (eval(left, row, total), eval(right, row, total)) {
                (Some(false), _) | (_, Some(false)) => Some(false),
                (Some(true), Some(true)) => Some(true),
                _ => None,
            }
        }
        Expr::Binary { left, op: BinaryOp::Or, right } => {
            match (eval(left, row, total), eval(right, row, total)) {
                (Some(true), _) | (_, Some(true)) => Some(true),
                (Some(false), Some(false)) => Some(false),
                _ => None,
            }
        }
        Expr::Binary { left, op, right } => {
            let (l, r) = (value(left), value(right));
            if l == V::Null || r == V::Null {
                return None;
            }
            let o = order(&l, &r, total);
            Some(match op {
                BinaryOp::Eq => o == Some(Equal),
                BinaryOp::NotEq => o != Some(Equal),
                BinaryOp::Lt => o == Some(Less),
                BinaryOp::LtEq => matches!(o, Some(Less | Equal)),
                BinaryOp::Gt => o == Some(Greater),
                BinaryOp::GtEq => matches!(o, Some(Greater | Equal)),
                other => panic!("unexpected operator {other:?}"),
            })
        }
        Expr::Between { expr, low, high } => {
            let ge = eval(&cmp((**expr).clone(), BinaryOp::GtEq, (**low).clone()), row, total);
            let le = eval(&cmp((**expr).clone(), BinaryOp::LtEq, (**high).clone()), row, total);
            match (ge, le) {
                (Some(false), _) | (_, Some(false)) => Some(false),
                (Some(true), Some(true)) => Some(true),
                _ => None,
            }
        }
        Expr::Literal(ScalarValue::Boolean(b)) => Some(*b),
        Expr::Literal(_) => None,
        Expr::IsIn { expr, list, .. } => {
            let v = value(expr);
            Some(list.iter().any(|item| {
                let item = value_of(item);
                if v == V::Null || item == V::Null {
                    v == item
                } else {
                    order(&v, &item, total) == Some(Equal)
                }
            }))
        }
        // pandas calls NaN missing too; keep such rows as matches as well.
        Expr::IsNull(e) => Some(match value(e) {
            V::Null => true,
            V::F(f) => f.is_nan() && total,
            _ => false,
        }),
        Expr::IsNotNull(e) => Some(value(e) != V::Null),
        other => panic!("unexpected filter {other}"),
    }
}

fn random_literal(rng: &mut Rng, column: &str) -> ScalarValue {
    let base = rng.below(130) as i64 - 10;
    match column {
        "s" => ScalarValue::from(format!("k{:03}", base.max(0))),
        _ => match rng.below(4) {
            0 => ScalarValue::Float64(base as f64 + 0.5),
            1 => ScalarValue::Float64(base as f64),
            2 if rng.chance(5) => ScalarValue::Float64(f64::NAN),
            _ => ScalarValue::Int64(base),
        },
    }
}

fn random_filter(rng: &mut Rng, depth: u32) -> Expr {
    let column = ["i", "f", "s", "g"][rng.below(4) as usize];
    let c = col(column);
    let ops = [BinaryOp::Eq, BinaryOp::NotEq, BinaryOp::Lt, BinaryOp::LtEq, BinaryOp::Gt, BinaryOp::GtEq];
    match rng.below(if depth > 0 { 9 } else { 7 }) {
        0 | 1 => cmp(c, ops[rng.below(6) as usize], Expr::Literal(random_literal(rng, column))),
        2 => cmp(Expr::Literal(random_literal(rng, column)), ops[rng.below(6) as usize], c),
        3 => {
            let (a, b) = (random_literal(rng, column), random_literal(rng, column));
            Expr::Between {
                expr: Box::new(c),
                low: Box::new(Expr::Literal(a)),
                high: Box::new(Expr::Literal(b)),
            }
        }
        4 => {
            let mut list: Vec<ScalarValue> =
                (0..1 + rng.below(3)).map(|_| random_literal(rng, column)).collect();
            if rng.chance(20) {
                list.push(ScalarValue::Null);
            }
            Expr::IsIn { expr: Box::new(c), list, negated: false }
        }
        5 => Expr::IsNull(Box::new(c)),
        6 => Expr::IsNotNull(Box::new(c)),
        7 => cmp(random_filter(rng, depth - 1), BinaryOp::And, random_filter(rng, depth - 1)),
        _ => cmp(random_filter(rng, depth - 1), BinaryOp::Or, random_filter(rng, depth - 1)),
    }
}

#[test]
fn pruning_never_drops_a_matching_row() {
    let dir = tempfile::tempdir().unwrap();
    let mut pruned = 0;
    for seed in 0..6u64 {
        let mut rng = Rng(seed);
        let rows = 400;
        let rows_per_group = 5 + rng.below(40) as usize;
        // Values drift with the row number, so row groups have narrow,
        // overlapping ranges; some groups are all null or constant.
        let mut i = Vec::new();
        let mut f = Vec::new();
        let mut s = Vec::new();
        let mut g = Vec::new();
        for r in 0..rows {
            let group = r / rows_per_group;
            let drift = (r * 100 / rows) as i64;
            let null = |rng: &mut Rng| rng.chance(8) || group % 7 == 3;
            i.push((!null(&mut rng)).then(|| drift + rng.below(12) as i64 - 6));
            f.push((!null(&mut rng)).then(|| {
                if rng.chance(3) {
                    f64::NAN
                } else {
                    (drift + rng.below(8) as i64) as f64 / 2.0 - 1.0
                }
            }));
            s.push((!null(&mut rng)).then(|| format!("k{:03}", drift + rng.below(5) as i64)));
            g.push((!rng.chance(5)).then_some((group % 4) as i32 * 10));
        }
        let data = batch(vec![
            ("i", Arc::new(Int64Array::from(i.clone()))),
            ("f", Arc::new(Float64Array::from(f.clone()))),
            ("s", Arc::new(StringArray::from(s.clone()))),
            ("g", Arc::new(Int32Array::from(g.clone()))),
        ]);
        let path = dir.path().join(format!("random{seed}.parquet"));
        write(&path, &[data], rows_per_group);
        let source = open(&[path], ParquetOptions::default());
        let part = &source.partitions()[0];
        let groups = row_groups(part).len();
        for _ in 0..400 {
            let filter = random_filter(&mut rng, 2);
            let kept = source.prune(part, std::slice::from_ref(&filter)).unwrap().map(|p| row_groups(&p));
            let kept = kept.unwrap_or_default();
            pruned += groups - kept.len();
            for r in 0..rows {
                let row = |name: &str| -> V {
                    match name {
                        "i" => i[r].map_or(V::Null, V::I),
                        "f" => f[r].map_or(V::Null, V::F),
                        "s" => s[r].clone().map_or(V::Null, V::S),
                        "g" => g[r].map_or(V::Null, |v| V::I(v.into())),
                        other => panic!("no column {other}"),
                    }
                };
                let matches =
                    eval(&filter, &row, false) == Some(true) || eval(&filter, &row, true) == Some(true);
                let group = r / rows_per_group;
                assert!(
                    !matches || kept.contains(&group),
                    "seed {seed}: row {r} matches {filter} but row group {group} was pruned (kept {kept:?})"
                );
            }
        }
    }
    assert!(pruned > 1000, "the random filters pruned only {pruned} row groups");
}

/// Issue 9, defect 7: two columns of one name lost one of them silently.
#[test]
fn duplicate_column_names_are_an_error_naming_the_file() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("dup.parquet");
    for second in [DataType::Int64, DataType::Utf8] {
        let schema = Arc::new(Schema::new(vec![
            Field::new("a", DataType::Int64, true),
            Field::new("b", DataType::Int64, true),
            Field::new("a", second.clone(), true),
        ]));
        let third: ArrayRef = match second {
            DataType::Int64 => Arc::new(Int64Array::from(vec![5])),
            _ => Arc::new(StringArray::from(vec!["x"])),
        };
        let batch = RecordBatch::try_new(
            schema,
            vec![Arc::new(Int64Array::from(vec![1])), Arc::new(Int64Array::from(vec![2])), third],
        )
        .unwrap();
        write(&path, &[batch], 10);
        let files = [SourceFile::at(&path).unwrap()];
        match ParquetSource::open(&files, ParquetOptions::default()) {
            Err(e @ Error::Parquet { .. }) => {
                let text = e.to_string();
                assert!(text.contains("\"a\" appears twice (columns 0 and 2)"), "{text}");
                assert_eq!(e.location().unwrap().file.as_deref(), Some(path.as_path()));
            }
            other => panic!("expected a Parquet error, got {other:?}"),
        }
    }
}

/// Issue 9, defect 6: a file rewritten between planning and reading.
#[test]
fn a_file_changed_after_opening_fails_the_read_naming_it() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("f.parquet");
    let batch = |v: i64| {
        let schema = Arc::new(Schema::new(vec![Field::new("x", DataType::Int64, true)]));
        RecordBatch::try_new(schema, vec![Arc::new(Int64Array::from(vec![v; 10]))]).unwrap()
    };
    write(&path, &[batch(1)], 5);
    let source = open(std::slice::from_ref(&path), ParquetOptions::default());
    let part = source.partitions()[0].clone();
    let metrics = ScanMetrics::default();
    assert_eq!(source.read(&part, &[0], &metrics).unwrap().num_rows(), 10);
    // The same size and a new time; then the old time and other bytes (a footer check).
    let before = std::fs::metadata(&path).unwrap().modified().unwrap();
    write(&path, &[batch(2)], 5);
    let file = std::fs::File::options().write(true).open(&path).unwrap();
    file.set_modified(before + std::time::Duration::from_secs(5)).unwrap();
    match source.read(&part, &[0], &metrics) {
        Err(Error::FileChanged { path: p, .. }) => assert_eq!(p, path),
        other => panic!("expected FileChanged, got {other:?}"),
    }
    write(&path, &[batch(3), batch(3)], 20);
    std::fs::File::options().write(true).open(&path).unwrap().set_modified(before).unwrap();
    assert!(matches!(source.read(&part, &[0], &metrics), Err(Error::FileChanged { .. })));
}

/// A filter inside the read (the filter's columns first, the others for
/// the kept rows alone) keeps what reading every row and filtering keeps:
/// across row groups with their own dictionaries, with nulls in the
/// predicate, a column one file lacks and a type the merge casts.
#[test]
fn filtered_reads_equal_a_read_then_a_filter() {
    use rusk_ops::expr::{col, filter_batch, lit};
    let dir = tempfile::tempdir().unwrap();
    let names = ["oslo", "rome", "lima", "kyiv", "bern"];
    let city =
        |n: i64| StringArray::from_iter((0..n).map(|i| (i % 11 != 3).then(|| names[(i * 7 % 5) as usize])));
    let first = dir.path().join("a.parquet");
    write(
        &first,
        &[batch(vec![
            ("x", Arc::new(Int64Array::from_iter_values(0..700))),
            ("city", Arc::new(city(700))),
            ("low", Arc::new(StringArray::from_iter_values((0..700).map(|i| format!("k{}", i % 3))))),
            (
                "v",
                Arc::new(Float64Array::from_iter(
                    (0..700).map(|i| (i % 4 != 0).then(|| (i % 17) as f64 / 17.0)),
                )),
            ),
        ])],
        300,
    );
    // No `v`, and `x` as int32: merged as int64, `v` all null here.
    let second = dir.path().join("b.parquet");
    write(
        &second,
        &[batch(vec![
            ("x", Arc::new(Int32Array::from_iter_values(0..250))),
            ("city", Arc::new(city(250))),
            ("low", Arc::new(StringArray::from_iter_values((0..250).map(|i| format!("k{}", i % 2))))),
        ])],
        100,
    );
    let source = open(&[first, second], ParquetOptions::default());
    let index = |name: &str| source.schema().index_of(name).unwrap();
    let filters = [
        col("x").lt(lit(40i64)),
        col("city").eq(lit("rome")),
        col("v").gt(lit(0.5)),
        col("x").gt(lit(100i64)),
        Expr::conjunction([col("low").eq(lit("k1")), col("x").lt(lit(500i64))]).unwrap(),
    ];
    let projections =
        [vec!["x", "city", "low", "v"], vec!["low", "city", "x"], vec!["v", "city", "x", "low"]];
    let metrics = ScanMetrics::default();
    for part in source.partitions() {
        for filter in &filters {
            for names in &projections {
                let reads = filter.columns();
                if !reads.iter().all(|c| names.contains(&c.as_str())) {
                    continue;
                }
                let projection: Vec<usize> = names.iter().map(|n| index(n)).collect();
                let want = filter_batch(&source.read(&part, &projection, &metrics).unwrap(), filter).unwrap();
                let got = source.read_keeping(&part, &projection, Keep::Where(filter), &metrics).unwrap();
                assert_eq!(got.schema(), want.schema(), "{filter} {names:?}");
                for (g, w) in got.columns().iter().zip(want.columns()) {
                    let (g, w) = (cast(g, &DataType::Utf8).unwrap(), cast(w, &DataType::Utf8).unwrap());
                    assert_eq!(g.as_string::<i32>(), w.as_string::<i32>(), "{filter} {names:?} {part:?}");
                }
                assert!(got.num_rows() > 0 || filter.to_string().contains('v'), "{filter}: no row kept");
            }
        }
    }
}

/// A top-k chosen inside the read (key columns first, the others for the
/// chosen rows alone) keeps the rows a full read then `sort_head` keeps,
/// in row order: ties, nulls, dictionary and plain strings, keys of a
/// column one file lacks, n of none, some and more than the rows.
#[test]
fn top_rows_read_in_the_scan_equal_a_read_then_a_sort_head() {
    use rusk_ops::sort::{sort_head, SortKey};
    let dir = tempfile::tempdir().unwrap();
    let names = ["oslo", "rome", "lima", "kyiv", "bern"];
    let first = dir.path().join("a.parquet");
    write(
        &first,
        &[batch(vec![
            ("x", Arc::new(Int64Array::from_iter((0..700).map(|i| (i % 9 != 2).then_some((i * 37) % 101))))),
            (
                "city",
                Arc::new(StringArray::from_iter(
                    (0..700).map(|i| (i % 11 != 3).then(|| names[(i * 7 % 5) as usize])),
                )),
            ),
            (
                "word",
                Arc::new(StringArray::from_iter_values((0..700).map(|i| format!("w{}", (i * 13) % 500)))),
            ),
            (
                "v",
                Arc::new(Float64Array::from_iter(
                    (0..700).map(|i| (i % 4 != 0).then(|| (i % 17) as f64 / 17.0)),
                )),
            ),
        ])],
        300,
    );
    let second = dir.path().join("b.parquet");
    write(
        &second,
        &[batch(vec![
            ("x", Arc::new(Int64Array::from_iter_values((0..250).map(|i| i % 7)))),
            ("city", Arc::new(StringArray::from_iter_values((0..250).map(|i| names[i % 5])))),
            ("word", Arc::new(StringArray::from_iter_values((0..250).map(|i| format!("w{}", i % 3))))),
        ])],
        100,
    );
    let source = open(&[first, second], ParquetOptions::default());
    let index = |name: &str| source.schema().index_of(name).unwrap();
    let orders = [
        vec![SortKey::new("x")],
        vec![SortKey::new("city").ascending(false), SortKey::new("x")],
        vec![SortKey::new("word")],
        vec![SortKey::new("v").nulls_first(true), SortKey::new("word").ascending(false)],
    ];
    let metrics = ScanMetrics::default();
    for part in source.partitions() {
        let projection: Vec<usize> = ["word", "x", "city", "v"].iter().map(|n| index(n)).collect();
        let full = source.read(&part, &projection, &metrics).unwrap();
        for keys in &orders {
            for n in [0, 1, 5, 40, 10_000] {
                let top = crate::scan::TopRows::new(keys.clone(), n);
                let got = source.read_keeping(&part, &projection, Keep::Top(&top), &metrics).unwrap();
                assert_eq!(got.num_rows(), n.min(full.num_rows()), "{keys:?} {n}");
                assert_eq!(got.schema(), full.schema());
                // In row order, the rows the head of the full sort holds.
                let want = sort_head(&full, keys, n).unwrap();
                let again = sort_head(&got, keys, n).unwrap();
                for (g, w) in again.columns().iter().zip(want.columns()) {
                    let (g, w) = (cast(g, &DataType::Utf8).unwrap(), cast(w, &DataType::Utf8).unwrap());
                    assert_eq!(g.as_string::<i32>(), w.as_string::<i32>(), "{keys:?} {n} {part:?}");
                }
            }
        }
    }
}

/// A top-k over more rows than one streamed batch (`SELECTED_INPUT_ROWS`):
/// candidates carried across batches and row groups, cut back when they
/// reach twice `n`, rows dropped by a comparison against the `n`-th best
/// so far; ties, nulls, NaN, −0.0 and 0.0, several keys, a dictionary key.
/// Every choice equals the head of the full sort, in row order.
#[test]
fn a_top_k_over_many_batches_keeps_the_head_of_the_full_sort() {
    use rusk_ops::sort::{sort_head, SortKey};
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("big.parquet");
    let n = 300_000i64;
    let floats = [0.0, -0.0, 1.5, -2.0, f64::NAN, 7.25];
    write(
        &path,
        &[batch(vec![
            ("i", Arc::new(Int64Array::from_iter_values(0..n))),
            ("x", Arc::new(Int64Array::from_iter((0..n).map(|i| (i % 9 != 2).then_some((i * 37) % 1001))))),
            (
                "f",
                Arc::new(Float64Array::from_iter(
                    (0..n).map(|i| (i % 5 != 1).then(|| floats[(i * 7 % 6) as usize])),
                )),
            ),
            (
                "s",
                Arc::new(StringArray::from_iter(
                    (0..n).map(|i| (i % 13 != 5).then(|| format!("k{}", i * 7 % 50))),
                )),
            ),
            (
                "w",
                Arc::new(StringArray::from_iter_values(
                    (0..n).map(|i| format!("word-{:08}", (i * 7919) % 200_003)),
                )),
            ),
        ])],
        110_000,
    );
    let source = open(&[path], ParquetOptions::default());
    let index = |name: &str| source.schema().index_of(name).unwrap();
    let projection: Vec<usize> = ["w", "i", "x", "f", "s"].iter().map(|c| index(c)).collect();
    let orders = [
        vec![SortKey::new("x")],
        vec![SortKey::new("x").ascending(false)],
        vec![SortKey::new("f")],
        vec![SortKey::new("f").ascending(false)],
        vec![SortKey::new("f"), SortKey::new("x").ascending(false)],
        vec![SortKey::new("f").ascending(false), SortKey::new("w")],
        vec![SortKey::new("x").nulls_first(true), SortKey::new("f")],
        vec![SortKey::new("s"), SortKey::new("x")],
        vec![SortKey::new("w").ascending(false)],
    ];
    let metrics = ScanMetrics::default();
    for part in source.partitions() {
        let full = source.read(&part, &projection, &metrics).unwrap();
        for keys in &orders {
            for n in [1, 7, 3_000, 70_000] {
                let top = crate::scan::TopRows::new(keys.clone(), n);
                let got = source.read_keeping(&part, &projection, Keep::Top(&top), &metrics).unwrap();
                assert_eq!(got.num_rows(), n.min(full.num_rows()), "{keys:?} {n}");
                let rows = got.column(1).as_primitive::<Int64Type>().values();
                assert!(rows.windows(2).all(|w| w[0] < w[1]), "not in row order: {keys:?} {n}");
                let want = sort_head(&full, keys, n).unwrap();
                let again = sort_head(&got, keys, n).unwrap();
                assert_eq!(again.column(1), want.column(1), "{keys:?} {n}");
            }
        }
    }
}

/// A selective filter over more rows than one selected batch reads
/// (`SELECTED_INPUT_ROWS`): the kept rows of many batches, across row
/// groups with their own dictionaries, join into what a full read then a
/// filter keeps.
#[test]
fn a_selective_filter_over_many_batches_keeps_what_a_full_read_keeps() {
    use rusk_ops::expr::{col, filter_batch, lit};
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("big.parquet");
    let n = 300_000i64;
    write(
        &path,
        &[batch(vec![
            ("x", Arc::new(Int64Array::from_iter_values(0..n))),
            (
                "s",
                Arc::new(StringArray::from_iter(
                    (0..n).map(|i| (i % 13 != 5).then(|| format!("k{}", i * 7 % 50))),
                )),
            ),
            ("v", Arc::new(Float64Array::from_iter((0..n).map(|i| (i % 4 != 0).then_some(i as f64 / 3.0))))),
        ])],
        110_000,
    );
    let source = open(&[path], ParquetOptions::default());
    let projection = [2, 0, 1];
    let metrics = ScanMetrics::default();
    let mut kept = 0;
    for filter in [col("s").eq(lit("k7")), col("x").lt(lit(200_000i64))] {
        for part in source.partitions() {
            let want = filter_batch(&source.read(&part, &projection, &metrics).unwrap(), &filter).unwrap();
            let got = source.read_keeping(&part, &projection, Keep::Where(&filter), &metrics).unwrap();
            assert_eq!(got, want, "{filter} {part:?}");
            kept += got.num_rows();
        }
    }
    // `k7` is i ≡ 1 (mod 50), null where i ≡ 5 (mod 13).
    assert_eq!(kept, (0..n).filter(|i| i % 50 == 1 && i % 13 != 5).count() + 200_000);
}

/// A memory budget's partitions: runs of the row groups that fit, slices
/// of one that does not. Read whole, filtered or as a top-k, the pieces
/// together give what the partition they were cut from gives, in order,
/// for dictionary, view, integer and float columns with nulls, a slice
/// starting inside a page, and the dictionary read of several row groups.
#[test]
fn partitions_cut_to_a_size_read_the_same_rows() {
    use rusk_ops::expr::{col, filter_batch, lit};
    use rusk_ops::sort::{sort_head, SortKey};
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("big.parquet");
    let n = 250_000i64;
    write(
        &path,
        &[batch(vec![
            ("x", Arc::new(Int64Array::from_iter_values(0..n))),
            (
                "k",
                Arc::new(StringArray::from_iter(
                    (0..n).map(|i| (i % 13 != 5).then(|| format!("k{}", i * 7 % 50))),
                )),
            ),
            (
                "w",
                Arc::new(StringArray::from_iter_values((0..n).map(|i| format!("word-{}", i * 31 % 99_991)))),
            ),
            ("v", Arc::new(Float64Array::from_iter((0..n).map(|i| (i % 4 != 0).then_some(i as f64 / 3.0))))),
        ])],
        100_000,
    );
    let source = open(&[path], ParquetOptions::default());
    let whole = source.partitions();
    assert_eq!(whole.len(), 1);
    let projection = [3, 0, 1, 2];
    let metrics = ScanMetrics::default();
    let as_text = |b: &RecordBatch| -> Vec<Vec<Option<String>>> {
        b.columns()
            .iter()
            .map(|c| {
                cast(c, &DataType::Utf8)
                    .unwrap()
                    .as_string::<i32>()
                    .iter()
                    .map(|s| s.map(String::from))
                    .collect()
            })
            .collect()
    };
    let joined = |parts: &[ScanPartition], read: &dyn Fn(&ScanPartition) -> RecordBatch| {
        let batches: Vec<RecordBatch> = parts.iter().map(read).collect();
        let mut columns = vec![Vec::new(); projection.len()];
        for b in &batches {
            for (all, c) in columns.iter_mut().zip(as_text(b)) {
                all.extend(c);
            }
        }
        columns
    };
    let one_row_group = super::split::stored_bytes(&source, &whole[0]) / 3;
    let mut seen_slices = false;
    let mut seen_runs = false;
    for max_bytes in [u64::MAX, 9_000_000, 5_000_000, 700_000, 1] {
        let parts = source.split(&whole[0], &projection, max_bytes).unwrap();
        seen_slices |= parts.iter().any(|p| matches!(p.range, PartitionRange::RowSlice { .. }));
        seen_runs |= parts.iter().any(|p| matches!(&p.range, PartitionRange::RowGroups(r) if r.len() == 2));
        if max_bytes > 1 {
            let got = joined(&parts, &|p| source.read(p, &projection, &metrics).unwrap());
            assert_eq!(got, as_text(&source.read(&whole[0], &projection, &metrics).unwrap()), "{max_bytes}");
            for filter in [col("k").eq(lit("k7")), col("x").gt(lit(150_000i64))] {
                let got = joined(&parts, &|p| {
                    source.read_keeping(p, &projection, Keep::Where(&filter), &metrics).unwrap()
                });
                let want =
                    filter_batch(&source.read(&whole[0], &projection, &metrics).unwrap(), &filter).unwrap();
                assert_eq!(got, as_text(&want), "{filter} {max_bytes}");
            }
        }
        // Each piece's top 3 by v descending is the head of that piece's sort.
        let top = crate::scan::TopRows::new(vec![SortKey::new("v").ascending(false)], 3);
        for p in parts.iter().take(3) {
            let full = source.read(p, &projection, &metrics).unwrap();
            let got = source.read_keeping(p, &projection, Keep::Top(&top), &metrics).unwrap();
            let got = sort_head(&got, &top.keys, 3).unwrap();
            assert_eq!(as_text(&got), as_text(&sort_head(&full, &top.keys, 3).unwrap()), "{p:?}");
        }
        if max_bytes == 1 {
            // As many slices as rows allow, none empty.
            assert_eq!(parts.len(), n as usize);
        }
    }
    assert!(seen_slices && seen_runs, "{one_row_group}");
}

/// Partitions of one top-k share their bounds: a bound proven by an
/// earlier partition skips a later partition's row groups whose min ties
/// it (ties go to the earlier rows), while a bound proven by a later
/// partition skips only row groups whose min is above it, so the earlier
/// partition's tied rows are still read, whichever runs first.
#[test]
fn a_top_k_skips_by_shared_bounds_and_keeps_earlier_ties() {
    use crate::scan::{SharedBound, TopBounds, TopRows};
    use rusk_ops::sort::SortKey;
    let dir = tempfile::tempdir().unwrap();
    // Two row groups of 10 rows each; k is 7 in every row, then 9 in the
    // last row group of the second file.
    let (first, second) = (dir.path().join("a.parquet"), dir.path().join("b.parquet"));
    let seq = |from: i64| Arc::new(Int64Array::from_iter_values(from..from + 20)) as ArrayRef;
    write(&first, &[batch(vec![("seq", seq(0)), ("k", Arc::new(Int64Array::from(vec![7i64; 20])))])], 10);
    let ks: Vec<i64> = (0..20).map(|i| if i < 10 { 7 } else { 9 }).collect();
    write(&second, &[batch(vec![("seq", seq(20)), ("k", Arc::new(Int64Array::from(ks)))])], 10);
    let source = open(&[first, second], ParquetOptions::default());
    let projection = vec![source.schema().index_of("seq").unwrap(), source.schema().index_of("k").unwrap()];
    let parts = source.partitions();
    assert_eq!(parts.len(), 2);
    let seqs = |b: &RecordBatch| b.column(0).as_primitive::<Int64Type>().values().to_vec();
    // Reads partition `p` as the top 3 by `keys`, sharing `bounds`.
    let read = |p: usize, keys: &[SortKey], bounds: &Arc<TopBounds>, metrics: &ScanMetrics| {
        let shared = Some(SharedBound { bounds: Arc::clone(bounds), partition: p });
        let top = TopRows { keys: keys.to_vec(), n: 3, shared };
        source.read_keeping(&parts[p], &projection, Keep::Top(&top), metrics).unwrap()
    };
    let by_k = [SortKey::new("k")];

    // The later partition first: its bound 7 must not skip the earlier
    // partition's row groups of 7s, which win the ties.
    let (bounds, metrics) = (Arc::new(TopBounds::new(2)), ScanMetrics::default());
    assert_eq!(seqs(&read(1, &by_k, &bounds, &metrics)), vec![20, 21, 22]);
    // Its own bound skipped its second row group (min 9 > 7).
    assert_eq!(metrics.snapshot().row_groups_read, 1);
    assert_eq!(seqs(&read(0, &by_k, &bounds, &metrics)), vec![0, 1, 2]);
    // Its first row group was read (a tie with a later bound may win), its
    // second skipped by its own bound.
    assert_eq!(metrics.snapshot().row_groups_read, 2);

    // The earlier partition first: its bound 7 skips every row group of the
    // later one (7s that lose the ties, then 9s).
    let (bounds, metrics) = (Arc::new(TopBounds::new(2)), ScanMetrics::default());
    assert_eq!(seqs(&read(0, &by_k, &bounds, &metrics)), vec![0, 1, 2]);
    assert_eq!(read(1, &by_k, &bounds, &metrics).num_rows(), 0);
    assert_eq!(metrics.snapshot().row_groups_read, 1);

    // Descending with two keys: the later partition's 9s beat the earlier
    // one's bound of 7 (its 7s are skipped by its own bound, 9).
    let two = [SortKey::new("k").ascending(false), SortKey::new("seq").ascending(false)];
    let (bounds, metrics) = (Arc::new(TopBounds::new(2)), ScanMetrics::default());
    assert_eq!(seqs(&read(0, &two, &bounds, &metrics)), vec![17, 18, 19]);
    assert_eq!(seqs(&read(1, &two, &bounds, &metrics)), vec![37, 38, 39]);
}
