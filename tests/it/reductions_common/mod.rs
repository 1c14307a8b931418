//! The cases of `fixtures/expected/reductions/cases.tsv` (written by
//! `fixtures/reductions_generate.py`), shared by tests/it/reductions.rs,
//! tests/it/sort.rs and tests/it/sort_cli.rs: read → query → select → one
//! operation, and pandas' result.

use rusk::{DataFrame, NaPosition, SortOptions};

use crate::common::{read_table, Case, Format, Table};

/// One line of the manifest.
#[derive(Debug, Clone)]
pub struct ReductionCase {
    /// The case name; its result is `expected/reductions/<name>.csv`.
    pub name: String,
    /// How to read `path`.
    pub format: Format,
    /// The dataset, relative to the repository root.
    pub path: String,
    /// A pandas query applied first, empty for none.
    pub query: String,
    /// The columns kept before the operation; empty for all.
    pub select: Vec<String>,
    /// `sum`, ..., `quantile`, `describe`, `value_counts`, `unique` or `sort`.
    pub op: String,
    /// quantile: q; value_counts: the subset; unique: the column; sort: the
    /// CLI's `column[:asc|:desc],...`.
    pub args: String,
    /// Sort only: nulls first.
    pub nulls_first: bool,
}

/// Every case of the manifest, in file order; panics on a malformed line.
pub fn reduction_cases() -> Vec<ReductionCase> {
    let path = crate::common::fixture("fixtures/expected/reductions/cases.tsv");
    let text =
        std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()));
    let mut lines = text.lines();
    let header = lines.next().expect("reductions/cases.tsv has a header line");
    assert_eq!(
        header.split('\t').collect::<Vec<_>>(),
        ["name", "format", "path", "query", "select", "op", "args", "na_position"],
        "reductions/cases.tsv header changed"
    );
    let mut out = Vec::new();
    for (i, line) in lines.enumerate() {
        if line.trim().is_empty() {
            continue;
        }
        let f: Vec<&str> = line.split('\t').collect();
        assert_eq!(f.len(), 8, "reductions/cases.tsv line {}: expected 8 fields", i + 2);
        let name = f[0].to_string();
        let format = match f[1] {
            "csv" => Format::Csv,
            "parquet" => Format::Parquet,
            other => panic!("reductions/cases.tsv: case {name}: unknown format {other:?}"),
        };
        let nulls_first = match f[7] {
            "first" => true,
            "last" => false,
            other => panic!("reductions/cases.tsv: case {name}: na_position {other:?}"),
        };
        out.push(ReductionCase {
            format,
            path: f[2].to_string(),
            query: f[3].to_string(),
            select: f[4].split(',').filter(|c| !c.is_empty()).map(str::to_string).collect(),
            op: f[5].to_string(),
            args: f[6].to_string(),
            nulls_first,
            name,
        });
    }
    out
}

impl ReductionCase {
    /// The input after query and selection, not reduced yet.
    pub fn input(&self) -> rusk::Result<DataFrame> {
        Case {
            name: self.name.clone(),
            format: self.format,
            path: self.path.clone(),
            options: vec![],
            assign: vec![],
            query: self.query.clone(),
            select: self.select.clone(),
        }
        .frame()
    }

    /// The sort's columns and directions, parsed as the CLI parses them.
    pub fn sort_keys(&self) -> rusk::Result<(Vec<String>, Vec<bool>)> {
        let keys = self.args.split(',').map(rusk::parse_sort).collect::<rusk::Result<Vec<_>>>()?;
        Ok(keys.into_iter().unzip())
    }

    /// The case's operation over `df`.
    pub fn apply(&self, df: &DataFrame) -> rusk::Result<DataFrame> {
        match self.op.as_str() {
            "sum" => df.sum(),
            "mean" => df.mean(),
            "min" => df.min(),
            "max" => df.max(),
            "count" => df.count(),
            "std" => df.std(),
            "var" => df.var(),
            "nunique" => df.nunique(),
            "median" => df.median(),
            "quantile" => df.quantile(self.args.parse().expect("q is a number")),
            "describe" => df.describe(),
            "value_counts" => df.value_counts(self.args.split(',').filter(|c| !c.is_empty())),
            "unique" => df.unique(&self.args),
            "sort" => {
                let (by, ascending) = self.sort_keys()?;
                let by: Vec<&str> = by.iter().map(String::as_str).collect();
                let na = if self.nulls_first { NaPosition::First } else { NaPosition::Last };
                df.sort_values_with(&by, SortOptions::default().ascending(ascending).na_position(na))
            }
            other => panic!("case {}: unknown op {other:?}", self.name),
        }
    }

    /// The lazy result with the default settings.
    pub fn frame(&self) -> rusk::Result<DataFrame> {
        self.apply(&self.input()?)
    }

    /// pandas' result.
    pub fn expected(&self) -> Table {
        read_table(&format!("fixtures/expected/reductions/{}.csv", self.name))
    }

    /// The `rusk query` arguments of a sort case (CSV output), when the CLI
    /// can express it (it sorts with nulls last only).
    pub fn cli_args(&self) -> Option<Vec<String>> {
        if self.op != "sort" || self.nulls_first {
            return None;
        }
        let mut args = vec!["query".to_string(), self.path.clone(), "--csv".to_string()];
        if !self.query.is_empty() {
            args.push(format!("--where={}", self.query));
        }
        args.push(format!("--sort={}", self.args));
        if !self.select.is_empty() {
            args.push(format!("--select={}", self.select.join(",")));
        }
        Some(args)
    }
}
