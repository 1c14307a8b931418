//! What the README's "What rusk guarantees" promises about hostile input,
//! through the public API and the CLI: nothing is silently lost (issue 9).

use crate::common;

use std::path::Path;

use common::rusk;
use rusk::arrow::array::AsArray;
use rusk::arrow::datatypes::Int64Type;
use rusk::{CsvOptions, Error};

fn write(dir: &Path, name: &str, text: &[u8]) -> std::path::PathBuf {
    let path = dir.join(name);
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent).expect("mkdir");
    }
    std::fs::write(&path, text).expect("write");
    path
}

/// Defect 2: a 68 MB file whose quoted field holds millions of newlines
/// across the 64 MiB cut gave 113,022 rows instead of 2. The same shape,
/// smaller, with cuts every few KB, and through the CLI's `--blocksize`.
#[test]
fn quoted_newlines_across_every_cut_give_the_rows_of_the_file() {
    let dir = tempfile::tempdir().expect("temp dir");
    let mut text = b"id,note\n1,\"".to_vec();
    text.extend(b"7,fake\n".repeat(50_000));
    text.extend(b"7,end\"\n2,plain\n");
    let path = write(dir.path(), "x.csv", &text);
    for blocksize in [Some(1), Some(4096), Some(100_000), None] {
        let df = rusk::read_csv_with(&path, CsvOptions::default().blocksize(blocksize)).expect("open");
        let out = df.compute().expect("compute");
        let ids: Vec<i64> = out
            .batches()
            .iter()
            .flat_map(|b| b.column(0).as_primitive::<Int64Type>().values().to_vec())
            .collect();
        assert_eq!(ids, [1, 2], "blocksize {blocksize:?}");
    }
    let out = rusk(&["query", path.to_str().expect("utf-8"), "--agg", "id:size", "--csv"]);
    assert_eq!(String::from_utf8_lossy(&out.stdout), "id_size\n2\n");
}

/// Defect 1 through the CLI: the error names the file and the line where
/// the quote opened, with exit status 2.
#[test]
fn an_unterminated_quote_fails_the_cli_naming_file_and_line() {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = write(dir.path(), "u.csv", b"a,b\n1,\"hello\n2,world\n3,foo\n");
    let out = rusk(&["query", path.to_str().expect("utf-8"), "--agg", "a:size"]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(stderr.contains("unterminated quoted field") && stderr.contains("u.csv, line 2"), "{stderr}");
    assert!(out.stdout.is_empty());
}

/// Defect 12: `id=5/` over a file with an `id` column dropped the key.
#[test]
fn a_hive_key_that_is_also_a_column_is_an_error() {
    let dir = tempfile::tempdir().expect("temp dir");
    let file = write(dir.path(), "id=5/part-0.csv", b"id,v\n1,2\n");
    write(dir.path(), "id=6/part-0.csv", b"v\n3\n");
    match rusk::read_csv(dir.path()) {
        Err(Error::HiveColumnClash { column, file: f }) => {
            assert_eq!(column, "id");
            assert_eq!(f, file);
        }
        other => panic!("expected HiveColumnClash, got {other:?}"),
    }
}

/// Defect 5: a `.csv.gz` named directly read as 0 rows; in a directory it
/// was skipped. Both read their rows now.
#[test]
fn compressed_csv_reads_by_name_and_in_a_directory() {
    use std::io::Write;
    let dir = tempfile::tempdir().expect("temp dir");
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    gz.write_all(b"a,b\n1,x\n2,y\n").expect("gzip");
    let gz = write(dir.path(), "d/p0.csv.gz", &gz.finish().expect("gzip"));
    write(dir.path(), "d/p1.csv", b"a,b\n3,z\n");
    assert_eq!(rusk::read(&gz).and_then(|df| df.len()).expect("file"), 2);
    assert_eq!(rusk::read(dir.path().join("d")).and_then(|df| df.len()).expect("dir"), 3);
    let out = rusk(&["query", gz.to_str().expect("utf-8"), "--agg", "a:sum", "--csv"]);
    assert_eq!(String::from_utf8_lossy(&out.stdout), "a_sum\n3\n");
}

/// Defect 6 through the API: a frame planned over a file that is then
/// rewritten fails at compute, naming the file.
#[test]
fn a_file_rewritten_after_planning_fails_the_compute() {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = write(dir.path(), "a.csv", b"x,y\n1,a\n2,b\n");
    let df = rusk::read_csv(&path).expect("open");
    let listed = std::fs::metadata(&path).and_then(|m| m.modified()).expect("mtime");
    write(dir.path(), "a.csv", b"y,x\na,1\nb,2\n");
    let file = std::fs::File::options().write(true).open(&path).expect("open for times");
    file.set_modified(listed + std::time::Duration::from_secs(2)).expect("set mtime");
    match df.compute() {
        Err(Error::FileChanged { path: p, .. }) => assert_eq!(p, path),
        other => panic!("expected FileChanged, got {other:?}"),
    }
}

/// Defect 8: decimals summed as float64 (`1.2345678901234568e+16`). Sums
/// stay exact decimals, in every partitioning and split_every, and so do
/// min, max, first and last; printed and written exactly.
#[test]
fn decimal_sums_are_exact() {
    use rusk::arrow::datatypes::DataType;
    let dir = tempfile::tempdir().expect("temp dir");
    write(dir.path(), "d.csv", b"k,amount\na,12345678901234567.89\na,0.01\nb,1.10\nb,\nb,-0.05\n");
    let specs = ["amount:sum", "amount:min", "amount:max", "amount:first", "amount:last"];
    let aggs: Vec<_> = specs.iter().map(|s| rusk::parse_agg(s).expect("spec")).collect();
    for blocksize in [Some(1), None] {
        for split_every in common::SPLIT_EVERY {
            let opts =
                CsvOptions::default().dtype("amount", DataType::Decimal128(20, 2)).blocksize(blocksize);
            let df = rusk::read_csv_with(dir.path(), opts).expect("open");
            let out = df
                .groupby(["k"])
                .expect("groupby")
                .split_every(split_every)
                .agg(aggs.clone())
                .expect("agg")
                .compute()
                .expect("compute");
            let mut csv = Vec::new();
            rusk_io::write_csv(&mut csv, out.batches(), true, b',').expect("csv");
            assert_eq!(
                String::from_utf8_lossy(&csv),
                "k,amount_sum,amount_min,amount_max,amount_first,amount_last\n\
                 a,12345678901234567.90,0.01,12345678901234567.89,12345678901234567.89,0.01\n\
                 b,1.05,-0.05,1.10,1.10,-0.05\n",
                "blocksize {blocksize:?} split_every {split_every}"
            );
            assert_eq!(out.dtypes()[1].1, "Decimal128(38, 2)");
        }
    }
    // Whole-frame, through the CLI.
    let path = dir.path().join("d.csv");
    let df = rusk::read_csv_with(&path, CsvOptions::default().dtype("amount", DataType::Decimal128(20, 2)));
    let total = df.and_then(|df| df.agg([rusk::parse_agg("amount:sum").expect("spec")])).expect("agg");
    let mut csv = Vec::new();
    rusk_io::write_csv(&mut csv, total.compute().expect("compute").batches(), true, b',').expect("csv");
    assert_eq!(String::from_utf8_lossy(&csv), "amount_sum\n12345678901234568.95\n");
}
