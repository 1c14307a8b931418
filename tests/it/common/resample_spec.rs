//! The resample cases of a fixture manifest (`fixtures/expected/resample/
//! cases.tsv`, `fixtures/expected/tz/resample.tsv`): each line's rule,
//! aggregations, keys, sides, origin and offset, found by their header
//! names, and the rusk resample they describe.

use std::collections::HashMap;

use rusk::DataFrame;

use super::fixture;

/// One line of a resample manifest.
pub struct ResampleSpec {
    /// The case's name (its expected CSV's stem).
    pub name: String,
    /// pandas' rule.
    pub rule: String,
    /// `column:function` specs; `v:ohlc` is four.
    pub aggs: Vec<String>,
    /// The group keys (none: a whole-frame resample).
    pub keys: Vec<String>,
    /// `closed`, `label`, `origin`, `offset`: empty for pandas' default.
    pub closed: String,
    pub label: String,
    pub origin: String,
    pub offset: String,
    /// The line's other columns, by header name.
    others: HashMap<String, String>,
}

/// Every line of the manifest at `rel` (under the repository root).
pub fn resample_specs(rel: &str) -> Vec<ResampleSpec> {
    let text = std::fs::read_to_string(fixture(rel)).expect("manifest");
    let mut lines = text.lines();
    let header: Vec<&str> = lines.next().expect("a header line").split('\t').collect();
    let list = |s: &str| s.split(',').filter(|p| !p.is_empty()).map(str::to_string).collect();
    lines
        .map(|line| {
            let fields: Vec<&str> = line.split('\t').collect();
            assert_eq!(fields.len(), header.len(), "{line}");
            let mut by_name: HashMap<String, String> =
                header.iter().zip(&fields).map(|(h, f)| (h.to_string(), f.to_string())).collect();
            let mut take = |name: &str| by_name.remove(name).unwrap_or_default();
            ResampleSpec {
                name: take("name"),
                rule: take("rule"),
                aggs: list(&take("aggs")),
                keys: list(&take("keys")),
                closed: take("closed"),
                label: take("label"),
                origin: take("origin"),
                offset: take("offset"),
                others: by_name,
            }
        })
        .collect()
}

impl ResampleSpec {
    /// The line's column `name` that is not a resample parameter
    /// (`dataset`, `query`, `error`); empty when the manifest has none.
    pub fn get(&self, name: &str) -> &str {
        self.others.get(name).map_or("", String::as_str)
    }

    /// `df` resampled on `ts` as the line says, in `split_out` partitions.
    pub fn apply(&self, df: &DataFrame, split_out: usize) -> rusk::Result<DataFrame> {
        let mut r = if self.keys.is_empty() {
            df.resample(&self.rule, "ts")?
        } else {
            df.groupby(self.keys.clone())?.resample(&self.rule, "ts")?
        };
        if !self.closed.is_empty() {
            r = r.closed(&self.closed)?;
        }
        if !self.label.is_empty() {
            r = r.label(&self.label)?;
        }
        if !self.origin.is_empty() {
            r = r.origin(&self.origin)?;
        }
        if !self.offset.is_empty() {
            r = r.offset(&self.offset)?;
        }
        r = r.split_out(split_out)?;
        // `v:ohlc` is v_open, v_high, v_low, v_close, as the CLI reads it.
        let mut aggs = Vec::new();
        for spec in &self.aggs {
            match spec.strip_suffix(":ohlc") {
                Some(c) => aggs.extend(rusk::ohlc(c)),
                None => aggs.push(rusk::parse_agg(spec)?),
            }
        }
        r.agg(aggs)
    }
}
