//! The cases of `fixtures/expected/join/` (written by
//! `fixtures/join_generate.py`), shared by tests/it/merge.rs and
//! tests/it/asof_concat.rs: the three manifests (merge, concat, merge_asof),
//! building each case's rusk call, and comparing results as multisets.

use rusk::{AsofDirection, AsofOptions, Config, DataFrame, JoinStrategy, JoinType, MergeOptions};

use crate::common::{compare, fixture, normalize_datetime, read_table, Table, NPARTITIONS, THREADS};

/// Lopsided partition counts, `(left, right)`: either side the larger.
const LOPSIDED: [(usize, usize); 3] = [(1, 7), (7, 2), (3, 1)];

/// Every pair of partition counts and thread count a two-sided result must
/// not depend on: both sides in each of `NPARTITIONS`, and the `LOPSIDED`
/// pairs, each under every `THREADS`; as (label, `(left, right)`, the run's
/// `Config`). The two sides are repartitioned apart, so this is not
/// `common::partitionings_no_tree` (nor has a join a merge tree).
pub fn pair_partitionings() -> Vec<(String, (usize, usize), Config)> {
    let pairs = NPARTITIONS.iter().map(|&n| (n, n)).chain(LOPSIDED);
    let mut all = Vec::new();
    for (l, r) in pairs {
        for threads in THREADS {
            all.push((
                format!("left×{l} right×{r} threads={threads}"),
                (l, r),
                Config::default().with_threads(threads),
            ));
        }
    }
    all
}

/// At most this many failures are shown per case (a missing kernel fails
/// every variant the same way).
pub const SHOWN_PER_CASE: usize = 3;

/// The lines of a manifest after its header, split on tabs; the header must
/// be `header` and every line as wide.
fn manifest(rel: &str, header: &[&str]) -> Vec<Vec<String>> {
    let path = fixture(rel);
    let text =
        std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()));
    let mut lines = text.lines();
    let first = lines.next().unwrap_or_else(|| panic!("{rel} has no header line"));
    assert_eq!(first.split('\t').collect::<Vec<_>>(), header, "{rel}: header changed");
    lines
        .enumerate()
        .filter(|(_, l)| !l.trim().is_empty())
        .map(|(i, l)| {
            let f: Vec<String> = l.split('\t').map(str::to_string).collect();
            assert_eq!(
                f.len(),
                header.len(),
                "{rel} line {}: {} fields, expected {}",
                i + 2,
                f.len(),
                header.len()
            );
            f
        })
        .collect()
}

/// Comma-separated names, empty pieces dropped.
fn list(text: &str) -> Vec<String> {
    text.split(',').filter(|p| !p.is_empty()).map(str::to_string).collect()
}

fn flag(text: &str, what: &str, case: &str) -> bool {
    match text {
        "True" => true,
        "False" => false,
        other => panic!("case {case}: {what} is {other:?}, not True/False"),
    }
}

/// `_l,_r` as a pair; `None` for empty (pandas' default).
fn suffix_pair(text: &str, case: &str) -> Option<(String, String)> {
    if text.is_empty() {
        return None;
    }
    let (l, r) =
        text.split_once(',').unwrap_or_else(|| panic!("case {case}: suffixes {text:?} is not `l,r`"));
    Some((l.to_string(), r.to_string()))
}

/// A dataset of `fixtures/join/`, with a pandas query applied when given.
pub fn side(path: &str, query: &str) -> rusk::Result<DataFrame> {
    let df = rusk::read_csv(fixture(path))?;
    if query.is_empty() {
        Ok(df)
    } else {
        df.query(query)
    }
}

// ---- merge --------------------------------------------------------------------

/// One line of `fixtures/expected/join/cases.tsv`.
#[derive(Debug, Clone)]
pub struct MergeCase {
    /// The case name; its result is `expected/join/<name>.csv`.
    pub name: String,
    /// The left dataset, relative to the repository root.
    pub left: String,
    /// The right dataset.
    pub right: String,
    /// A pandas query applied to the left side first, empty for none.
    pub left_query: String,
    /// The same for the right side.
    pub right_query: String,
    /// Which rows are kept.
    pub how: JoinType,
    /// Keys named the same on both sides (empty when `left_on`/`right_on`).
    pub on: Vec<String>,
    /// Left keys, paired with `right_on`.
    pub left_on: Vec<String>,
    /// Right keys.
    pub right_on: Vec<String>,
    /// `None` for pandas' default `("_x", "_y")`.
    pub suffixes: Option<(String, String)>,
    /// pandas' `indicator=True`: a last column `_merge`.
    pub indicator: bool,
}

/// How a merge is run: the engine's choice, or one strategy forced.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Strategy {
    /// `JoinStrategy::Auto` (the default; not set).
    Auto,
    /// The right side (or the left, for a right join) sent to every task.
    Broadcast,
    /// Both sides hash-partitioned on the keys, into `npartitions` when given.
    Shuffle(Option<usize>),
}

impl std::fmt::Display for Strategy {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Strategy::Auto => f.write_str("auto"),
            Strategy::Broadcast => f.write_str("broadcast"),
            Strategy::Shuffle(None) => f.write_str("shuffle"),
            Strategy::Shuffle(Some(n)) => write!(f, "shuffle npartitions={n}"),
        }
    }
}

/// The strategies every keyed case is run under.
pub const STRATEGIES: [Strategy; 4] =
    [Strategy::Broadcast, Strategy::Shuffle(None), Strategy::Shuffle(Some(1)), Strategy::Shuffle(Some(4))];

/// All cases of the merge manifest, in file order.
pub fn merge_cases() -> Vec<MergeCase> {
    let header = [
        "name",
        "left",
        "right",
        "left_query",
        "right_query",
        "how",
        "on",
        "left_on",
        "right_on",
        "suffixes",
        "indicator",
    ];
    manifest("fixtures/expected/join/cases.tsv", &header)
        .into_iter()
        .map(|f| {
            let name = f[0].clone();
            let how = f[5].parse::<JoinType>().unwrap_or_else(|e| panic!("case {name}: how {:?}: {e}", f[5]));
            MergeCase {
                left: f[1].clone(),
                right: f[2].clone(),
                left_query: f[3].clone(),
                right_query: f[4].clone(),
                how,
                on: list(&f[6]),
                left_on: list(&f[7]),
                right_on: list(&f[8]),
                suffixes: suffix_pair(&f[9], &name),
                indicator: flag(&f[10], "indicator", &name),
                name,
            }
        })
        .collect()
}

impl MergeCase {
    /// The left side, as read (the query applied).
    pub fn left_frame(&self) -> rusk::Result<DataFrame> {
        side(&self.left, &self.left_query)
    }

    /// The right side, as read.
    pub fn right_frame(&self) -> rusk::Result<DataFrame> {
        side(&self.right, &self.right_query)
    }

    /// The case's `MergeOptions`, with `strategy` forced unless `Auto`.
    pub fn options(&self, strategy: Strategy) -> MergeOptions {
        let mut opts = if self.how == JoinType::Cross {
            MergeOptions::cross()
        } else if !self.on.is_empty() {
            MergeOptions::on(self.on.iter().map(String::as_str)).how(self.how)
        } else {
            MergeOptions::left_right_on(
                self.left_on.iter().map(String::as_str),
                self.right_on.iter().map(String::as_str),
            )
            .how(self.how)
        };
        if let Some((l, r)) = &self.suffixes {
            opts = opts.suffixes(l.as_str(), r.as_str());
        }
        if self.indicator {
            opts = opts.indicator(true);
        }
        match strategy {
            Strategy::Auto => opts,
            Strategy::Broadcast => opts.strategy(JoinStrategy::Broadcast),
            Strategy::Shuffle(None) => opts.strategy(JoinStrategy::Shuffle),
            Strategy::Shuffle(Some(n)) => opts.strategy(JoinStrategy::Shuffle).npartitions(n),
        }
    }

    /// The lazy merge of `left` and `right` under `strategy`.
    pub fn merge(&self, left: &DataFrame, right: &DataFrame, strategy: Strategy) -> rusk::Result<DataFrame> {
        left.merge(right, self.options(strategy))
    }

    /// The strategies this case runs under: a cross join has no keys to
    /// shuffle on, so only the broadcast.
    pub fn strategies(&self) -> Vec<Strategy> {
        if self.how == JoinType::Cross {
            vec![Strategy::Broadcast]
        } else {
            STRATEGIES.to_vec()
        }
    }

    /// pandas' result, `expected/join/<name>.csv`.
    pub fn expected(&self) -> Table {
        read_table(&format!("fixtures/expected/join/{}.csv", self.name))
    }
}

/// A cell as it is sorted: floats in one canonical form (Python and Rust
/// may write the same float differently, `1e-05` and `1e-5`), booleans
/// capitalized, dates normalized; anything else as written.
fn sort_form(cell: &str) -> String {
    match cell {
        "true" => return "True".into(),
        "false" => return "False".into(),
        _ => {}
    }
    let is_int = {
        let d = cell.strip_prefix('-').unwrap_or(cell);
        !d.is_empty() && d.bytes().all(|c| c.is_ascii_digit())
    };
    if !is_int {
        if let Ok(v) = cell.parse::<f64>() {
            return format!("{v:?}");
        }
    }
    normalize_datetime(cell)
}

/// `table`'s rows sorted by every column (in [`sort_form`]): a merge's rows
/// as a multiset.
pub fn sorted(table: &Table) -> Table {
    let mut keyed: Vec<(Vec<String>, Vec<String>)> =
        table.rows.iter().map(|r| (r.iter().map(|c| sort_form(c)).collect(), r.clone())).collect();
    keyed.sort();
    Table { columns: table.columns.clone(), rows: keyed.into_iter().map(|(_, r)| r).collect() }
}

/// [`compare`] ignoring row order.
pub fn compare_unordered(case: &str, expected: &Table, got: &Table) -> Result<(), String> {
    compare(case, &sorted(expected), &sorted(got))
}

// ---- concat -------------------------------------------------------------------

/// One line of `fixtures/expected/join/concat/cases.tsv`.
#[derive(Debug, Clone)]
pub struct ConcatCase {
    /// The case name; its result is `expected/join/concat/<name>.csv`.
    pub name: String,
    /// The datasets, concatenated in this order.
    pub paths: Vec<String>,
}

/// All cases of the concat manifest, in file order.
pub fn concat_cases() -> Vec<ConcatCase> {
    manifest("fixtures/expected/join/concat/cases.tsv", &["name", "paths"])
        .into_iter()
        .map(|f| ConcatCase { name: f[0].clone(), paths: list(&f[1]) })
        .collect()
}

impl ConcatCase {
    /// The frames, each in `npartitions` partitions when given.
    pub fn frames(&self, npartitions: Option<usize>) -> rusk::Result<Vec<DataFrame>> {
        self.paths
            .iter()
            .map(|p| {
                let df = side(p, "")?;
                match npartitions {
                    Some(n) => df.repartition(n),
                    None => Ok(df),
                }
            })
            .collect()
    }

    /// pandas' result.
    pub fn expected(&self) -> Table {
        read_table(&format!("fixtures/expected/join/concat/{}.csv", self.name))
    }
}

// ---- merge_asof ---------------------------------------------------------------

/// One line of `fixtures/expected/join/asof/cases.tsv`.
#[derive(Debug, Clone)]
pub struct AsofCase {
    /// The case name; its result is `expected/join/asof/<name>.csv`.
    pub name: String,
    /// The left dataset (its rows and their order are the result's).
    pub left: String,
    /// The right dataset.
    pub right: String,
    /// The time column of both sides, or empty for `left_on`/`right_on`.
    pub on: String,
    /// The left's time column.
    pub left_on: String,
    /// The right's time column.
    pub right_on: String,
    /// Columns that must be equal, none for none.
    pub by: Vec<String>,
    /// `backward`, `forward` or `nearest`.
    pub direction: AsofDirection,
    /// The largest distance matched, `None` for any.
    pub tolerance: Option<f64>,
    /// Whether an equal time matches.
    pub allow_exact_matches: bool,
    /// `None` for pandas' default `("_x", "_y")`.
    pub suffixes: Option<(String, String)>,
}

/// All cases of the merge_asof manifest, in file order.
pub fn asof_cases() -> Vec<AsofCase> {
    let header = [
        "name",
        "left",
        "right",
        "on",
        "left_on",
        "right_on",
        "by",
        "direction",
        "tolerance",
        "allow_exact_matches",
        "suffixes",
    ];
    manifest("fixtures/expected/join/asof/cases.tsv", &header)
        .into_iter()
        .map(|f| {
            let name = f[0].clone();
            let direction = match f[7].as_str() {
                "backward" => AsofDirection::Backward,
                "forward" => AsofDirection::Forward,
                "nearest" => AsofDirection::Nearest,
                other => panic!("case {name}: unknown direction {other:?}"),
            };
            let tolerance = (!f[8].is_empty()).then(|| {
                f[8].parse::<f64>().unwrap_or_else(|e| panic!("case {name}: tolerance {:?}: {e}", f[8]))
            });
            AsofCase {
                left: f[1].clone(),
                right: f[2].clone(),
                on: f[3].clone(),
                left_on: f[4].clone(),
                right_on: f[5].clone(),
                by: list(&f[6]),
                direction,
                tolerance,
                allow_exact_matches: flag(&f[9], "allow_exact_matches", &name),
                suffixes: suffix_pair(&f[10], &name),
                name,
            }
        })
        .collect()
}

impl AsofCase {
    /// The case's `AsofOptions`.
    pub fn options(&self) -> AsofOptions {
        let mut opts = if self.on.is_empty() {
            AsofOptions::left_right_on(self.left_on.as_str(), self.right_on.as_str())
        } else {
            AsofOptions::on(self.on.as_str())
        };
        if !self.by.is_empty() {
            opts = opts.by(self.by.iter().map(String::as_str));
        }
        opts = opts.direction(self.direction);
        if let Some(t) = self.tolerance {
            opts = opts.tolerance(t);
        }
        if !self.allow_exact_matches {
            opts = opts.allow_exact_matches(false);
        }
        if let Some((l, r)) = &self.suffixes {
            opts = opts.suffixes(l.as_str(), r.as_str());
        }
        opts
    }

    /// The lazy merge_asof of `left` and `right`.
    pub fn merge(&self, left: &DataFrame, right: &DataFrame) -> rusk::Result<DataFrame> {
        left.merge_asof(right, self.options())
    }

    /// pandas' result.
    pub fn expected(&self) -> Table {
        read_table(&format!("fixtures/expected/join/asof/{}.csv", self.name))
    }
}
