//! The lazy `Series` against pandas (`fixtures/expected/series/`, written
//! by `fixtures/series_generate.py`), and what it refuses.
//!
//! Each case builds a series from the sales data (Parquet) or the events
//! data (CSV, `parse_dates=ts`) with the Series API, and must equal pandas'
//! under every partitioning, `split_every` and thread count the reductions
//! are held to: the element-wise cases have no merge tree, but they share
//! the sweep so that a mask or an `unique` over empty and one-row
//! partitions is covered too.

use crate::common;

use common::{compare, fixture, partitionings, read_table, table_of};
use rusk::arrow::array::{Array, AsArray};
use rusk::arrow::datatypes::{DataType, Int64Type};
use rusk::{CsvOptions, DataFrame, Error, ScalarValue, Series};

/// The two inputs, each repartitioned into `n` partitions (`None`: as read).
struct Inputs {
    sales: DataFrame,
    events: DataFrame,
}

impl Inputs {
    fn read(n: Option<usize>) -> rusk::Result<Inputs> {
        let sales = rusk::read_parquet(fixture("fixtures/sales_parquet"))?;
        let options = CsvOptions::default().parse_dates(["ts"]);
        let events = rusk::read_csv_with(fixture("fixtures/events"), options)?;
        Ok(match n {
            None => Inputs { sales, events },
            Some(n) => Inputs { sales: sales.repartition(n)?, events: events.repartition(n)? },
        })
    }

    fn sales(&self, column: &str) -> rusk::Result<Series> {
        self.sales.series(column)
    }
}

type Build = fn(&Inputs) -> rusk::Result<DataFrame>;

/// Every case: its expected file's name and how rusk builds it.
fn cases() -> Vec<(&'static str, Build)> {
    vec![
        ("arithmetic", |i| (&(&(&i.sales("qty")? * 10)? + &i.sales("price")?)? - 1)?.to_frame()),
        ("divide", |i| (&i.sales("price")? / &i.sales("qty")?)?.to_frame()),
        ("floordiv", |i| i.sales("qty")?.floordiv(3)?.to_frame()),
        ("modulo", |i| (&i.sales("qty")? % 3)?.to_frame()),
        ("negate", |i| (-&i.sales("price")?)?.to_frame()),
        ("compare_series", |i| (&i.sales("qty")? * 5)?.gt(&i.sales("price")?)?.to_frame()),
        ("and_or_not", |i| {
            let north = (&i.sales("qty")?.gt(5)? & &i.sales("region")?.eq("north")?)?;
            (&(!&north)? | &i.sales("price")?.isnull()?)?.rename("qty").to_frame()
        }),
        ("mask", |i| {
            let mask = (&i.sales("qty")?.gt(10)? & &i.sales("region")?.eq("north")?)?;
            i.sales("price")?.filter(&mask)?.to_frame()
        }),
        ("mask_of_derived", |i| {
            let qty = i.sales("qty")?;
            (&qty * &i.sales("price")?)?.filter(&qty.between(3, 6)?)?.to_frame()
        }),
        ("isin", |i| i.sales("region")?.isin(["north", "west"])?.to_frame()),
        ("between", |i| i.sales("qty")?.between(5, 10)?.to_frame()),
        ("fillna_scalar", |i| i.sales("qty")?.fillna(0)?.to_frame()),
        ("fillna_series", |i| {
            i.sales("price")?.fillna(&i.sales("qty")?.astype(DataType::Float64)?)?.to_frame()
        }),
        ("astype", |i| i.sales("qty")?.astype(DataType::Float64)?.to_frame()),
        ("str_upper", |i| i.sales("product")?.str(|s| s.upper())?.to_frame()),
        ("str_contains", |i| i.sales("product")?.str(|s| s.contains("^g", true, true, None))?.to_frame()),
        ("dt_hour", |i| i.events.series("ts")?.dt(|d| d.hour())?.to_frame()),
        ("dt_floor", |i| i.events.series("ts")?.dt(|d| d.floor("h"))?.to_frame()),
        ("sum", |i| i.sales("price")?.sum()?.to_frame()),
        ("mean", |i| i.sales("price")?.mean()?.to_frame()),
        ("min", |i| i.sales("qty")?.min()?.to_frame()),
        ("max", |i| i.sales("region")?.max()?.to_frame()),
        ("std", |i| i.sales("price")?.std()?.to_frame()),
        ("var", |i| i.sales("qty")?.var()?.to_frame()),
        ("count", |i| i.sales("price")?.count()?.to_frame()),
        ("nunique", |i| i.sales("product")?.nunique()?.to_frame()),
        ("median", |i| i.sales("price")?.median()?.to_frame()),
        ("quantile", |i| i.sales("qty")?.quantile(0.25)?.to_frame()),
        ("sum_of_derived", |i| (&i.sales("qty")? * &i.sales("price")?)?.sum()?.to_frame()),
        ("unique", |i| i.sales("region")?.unique()?.to_frame()),
        ("value_counts", |i| i.sales("region")?.value_counts()),
    ]
}

fn check(name: &str, how: &str, n: Option<usize>, config: &rusk::Config, build: Build) -> Result<(), String> {
    let fail = |e: Error| format!("{name} [{how}]: {e}");
    let frame = build(&Inputs::read(n).map_err(fail)?).map_err(fail)?;
    let got = table_of(&frame.compute_with(config).map_err(fail)?);
    compare(&format!("{name} [{how}]"), &read_table(&format!("fixtures/expected/series/{name}.csv")), &got)
}

#[test]
fn every_case_equals_pandas_under_every_partitioning() {
    let mut failures = Vec::new();
    for (name, build) in cases() {
        let mut runs = vec![("as read".to_string(), None, rusk::Config::default())];
        runs.extend(partitionings().into_iter().map(|(how, n, config)| (how, Some(n), config)));
        for (how, n, config) in runs {
            if let Err(e) = check(name, &how, n, &config, build) {
                failures.push(e);
                break;
            }
        }
    }
    assert!(failures.is_empty(), "{} case(s) differ from pandas:\n{}", failures.len(), failures.join("\n"));
}

#[test]
fn every_expected_file_has_a_case() {
    let mut files = common::names(&fixture("fixtures/expected/series"));
    files.retain(|f| f.ends_with(".csv"));
    let mut named: Vec<String> = cases().iter().map(|(name, _)| format!("{name}.csv")).collect();
    named.sort();
    assert_eq!(files, named);
}

#[test]
fn compute_gives_one_array_and_scalar_one_value() -> rusk::Result<()> {
    let inputs = Inputs::read(Some(7))?;
    let qty = inputs.sales("qty")?;
    let values = qty.compute()?;
    assert_eq!(values.len(), 600);
    let total: i64 = values.as_primitive::<Int64Type>().iter().flatten().sum();
    assert_eq!(qty.sum()?.scalar()?, ScalarValue::Int64(total));
    assert_eq!(qty.count()?.scalar()?, ScalarValue::Int64((values.len() - values.null_count()) as i64));
    // A mask that keeps nothing: an empty array of the series' type.
    let none = qty.filter(&qty.gt(1_000)?)?.compute()?;
    assert_eq!((none.len(), none.data_type()), (0, &DataType::Int64));
    Ok(())
}

#[test]
fn a_frame_takes_a_mask_and_a_new_column_from_its_series() -> rusk::Result<()> {
    let sales = Inputs::read(Some(3))?.sales;
    let qty = sales.series("qty")?;
    let big = sales.filter_series(&qty.gt(10)?)?.compute()?;
    let by_query = sales.query("qty > 10")?.compute()?;
    assert_eq!(table_of(&big).rows, table_of(&by_query).rows);
    let doubled = sales.with_series("qty2", &(&qty * 2)?)?;
    assert_eq!(doubled.columns().last().map(String::as_str), Some("qty2"));
    assert_eq!(doubled.series("qty2")?.sum()?.scalar()?, ScalarValue::Int64(2 * sum_of(&qty)?));
    Ok(())
}

fn sum_of(s: &Series) -> rusk::Result<i64> {
    match s.sum()?.scalar()? {
        ScalarValue::Int64(v) => Ok(v),
        other => Err(Error::InvalidArgument(format!("not an int64 sum: {other:?}"))),
    }
}

#[test]
fn series_of_other_frames_and_bad_types_are_refused_when_written() -> rusk::Result<()> {
    let inputs = Inputs::read(None)?;
    let qty = inputs.sales("qty")?;
    let other = inputs.sales.query("qty > 1")?.series("qty")?;
    for result in [
        (&qty + &other).map(|_| ()),
        qty.filter(&other.gt(1)?).map(|_| ()),
        inputs.events.filter_series(&qty.gt(1)?).map(|_| ()),
    ] {
        match result {
            Err(Error::InvalidArgument(m)) => assert!(m.contains("another frame"), "{m}"),
            other => panic!("expected a refusal, got {other:?}"),
        }
    }
    assert!(matches!(inputs.sales.series("nope"), Err(Error::ColumnNotFound { .. })));
    assert!(matches!(inputs.sales("region")?.gt(3), Err(Error::Type { .. })));
    assert!(matches!(inputs.sales("qty")?.str(|s| s.upper()), Err(Error::Type { .. })));
    assert!(matches!(
        inputs.sales("product")?.str(|s| s.contains("(", true, true, None)),
        Err(Error::InvalidArgument(_))
    ));
    assert!(matches!(qty.scalar(), Err(Error::InvalidArgument(_))));
    Ok(())
}
