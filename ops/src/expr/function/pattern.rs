//! Patterns of the `str` methods: a literal or a regex compiled once, when
//! the expression is built. A regex travels (serde) as its source and
//! flags and is compiled again where it is read.
//!
//! Patterns use the `regex` crate's syntax, which is Python's `re` for
//! what both have (classes, groups, `(?P<name>…)`, anchors, repetition);
//! look-around and backreferences are not supported and are an error when
//! the expression is built.

use std::fmt;
use std::sync::Arc;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

use crate::error::{Error, Result};

/// A compiled regex with its source; equal when source and flags are.
#[derive(Clone)]
pub struct Regex {
    source: String,
    case: bool,
    anchor: Anchor,
    compiled: Arc<regex::Regex>,
}

/// Where a regex must match: anywhere (`contains`), at the start
/// (`match`), or the whole string (`fullmatch`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Anchor {
    /// Anywhere.
    None,
    /// At the start.
    Start,
    /// The whole string.
    Full,
}

impl Regex {
    /// Compiles `source`, case-sensitive unless `case` is false.
    ///
    /// # Errors
    /// [`Error::InvalidArgument`] showing the pattern and where it fails.
    pub fn new(source: &str, case: bool) -> Result<Self> {
        Self::anchored(source, case, Anchor::None)
    }

    /// Compiles `source` to match only where `anchor` says.
    ///
    /// # Errors
    /// As [`Regex::new`].
    pub fn anchored(source: &str, case: bool, anchor: Anchor) -> Result<Self> {
        // Checked alone first, so an error's position is in the user's pattern.
        let bad = |e: regex::Error| Error::InvalidArgument(format!("bad regex {source:?}: {e}"));
        let mut compiled = regex::RegexBuilder::new(source).case_insensitive(!case).build().map_err(bad)?;
        let wrapped = match anchor {
            Anchor::None => None,
            Anchor::Start => Some(format!("^(?:{source})")),
            Anchor::Full => Some(format!("^(?:{source})$")),
        };
        if let Some(wrapped) = wrapped {
            compiled = regex::RegexBuilder::new(&wrapped).case_insensitive(!case).build().map_err(bad)?;
        }
        Ok(Regex { source: source.to_string(), case, anchor, compiled: Arc::new(compiled) })
    }

    /// The literal `text` as a regex (for a case-insensitive literal).
    ///
    /// # Errors
    /// None in practice: an escaped literal always compiles.
    pub fn literal(text: &str, case: bool) -> Result<Self> {
        Self::new(&regex::escape(text), case)
    }

    /// The pattern as written.
    pub fn source(&self) -> &str {
        &self.source
    }

    /// Where it must match.
    pub fn anchor(&self) -> Anchor {
        self.anchor
    }

    /// Whether it is case-sensitive.
    pub fn case(&self) -> bool {
        self.case
    }

    /// The compiled regex.
    pub(crate) fn compiled(&self) -> &regex::Regex {
        &self.compiled
    }

    /// The compiled regex to match one array's values with: a clone, whose
    /// cache pool belongs to the thread that uses it. Through the shared
    /// one, every thread but the pool's first took its slow path on each
    /// match (2.4% of the regex bench's profile; its CPU was 6% lower with
    /// a clone per array).
    pub(crate) fn matcher(&self) -> regex::Regex {
        regex::Regex::clone(&self.compiled)
    }
}

impl PartialEq for Regex {
    fn eq(&self, other: &Self) -> bool {
        self.source == other.source && self.case == other.case && self.anchor == other.anchor
    }
}

impl fmt::Debug for Regex {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:?}", self.source)?;
        if !self.case {
            write!(f, " (case-insensitive)")?;
        }
        Ok(())
    }
}

#[derive(Serialize, Deserialize)]
struct RegexSource {
    source: String,
    case: bool,
    anchor: Anchor,
}

impl Serialize for Regex {
    fn serialize<S: Serializer>(&self, serializer: S) -> std::result::Result<S::Ok, S::Error> {
        RegexSource { source: self.source.clone(), case: self.case, anchor: self.anchor }
            .serialize(serializer)
    }
}

impl<'de> Deserialize<'de> for Regex {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> std::result::Result<Self, D::Error> {
        let RegexSource { source, case, anchor } = RegexSource::deserialize(deserializer)?;
        Regex::anchored(&source, case, anchor).map_err(serde::de::Error::custom)
    }
}

/// What a `str` method looks for: a literal, or a regex.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum StrPattern {
    /// A literal string, case-sensitive.
    Literal(String),
    /// A regex (a case-insensitive literal is an escaped regex).
    Regex {
        /// The compiled regex.
        regex: Regex,
        /// The user gave a literal (`regex=False`), escaped into `regex`.
        literal: bool,
    },
}

impl StrPattern {
    /// pandas' `pat`, `case` and `regex` arguments as one pattern.
    ///
    /// # Errors
    /// As [`Regex::new`].
    pub fn new(pat: &str, case: bool, regex: bool) -> Result<Self> {
        Ok(match (regex, case) {
            (false, true) => StrPattern::Literal(pat.to_string()),
            (false, false) => StrPattern::Regex { regex: Regex::literal(pat, false)?, literal: true },
            (true, case) => StrPattern::Regex { regex: Regex::new(pat, case)?, literal: false },
        })
    }

    /// pandas' arguments for the pattern, as printed: the quoted text,
    /// and the flags that differ from the defaults (`, case=False`,
    /// `, regex=False` when the method's default is a regex).
    pub(crate) fn describe(&self, regex_default: bool) -> (String, String) {
        let (text, case, regex) = match self {
            StrPattern::Literal(text) => (text.clone(), true, false),
            StrPattern::Regex { regex, literal: true } => (unescape(regex.source()), false, false),
            StrPattern::Regex { regex, literal: false } => (regex.source().to_string(), regex.case(), true),
        };
        let mut flags = String::new();
        if !case {
            flags.push_str(", case=False");
        }
        if regex != regex_default {
            flags.push_str(if regex { ", regex=True" } else { ", regex=False" });
        }
        (crate::expr::ScalarValue::Utf8(text).to_string(), flags)
    }
}

/// The text `regex::escape` escaped.
fn unescape(escaped: &str) -> String {
    let mut text = String::with_capacity(escaped.len());
    let mut chars = escaped.chars();
    while let Some(c) = chars.next() {
        match c {
            '\\' => text.extend(chars.next()),
            c => text.push(c),
        }
    }
    text
}

/// Python's replacement syntax (`\1`, `\g<1>`, `\g<name>`, `\\`) in the
/// regex crate's (`${1}`, `${name}`, `$$` for a literal `$`).
///
/// # Errors
/// [`Error::InvalidArgument`] for a `\g<` without its `>`.
pub(crate) fn python_replacement(repl: &str) -> Result<String> {
    let mut out = String::with_capacity(repl.len() + 4);
    let mut chars = repl.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '$' => out.push_str("$$"),
            '\\' => match chars.peek().copied() {
                Some(d) if d.is_ascii_digit() => {
                    let mut group = String::new();
                    while let Some(d) = chars.peek().copied().filter(char::is_ascii_digit) {
                        group.push(d);
                        chars.next();
                        if group.len() == 2 {
                            break;
                        }
                    }
                    out.push_str(&format!("${{{group}}}"));
                }
                Some('g') => {
                    chars.next();
                    if chars.next() != Some('<') {
                        return Err(Error::InvalidArgument(format!(
                            "bad replacement {repl:?}: \\g without <name>"
                        )));
                    }
                    let name: String = chars.by_ref().take_while(|&c| c != '>').collect();
                    out.push_str(&format!("${{{name}}}"));
                }
                Some('\\') => {
                    chars.next();
                    out.push('\\');
                }
                Some('n') => {
                    chars.next();
                    out.push('\n');
                }
                Some('t') => {
                    chars.next();
                    out.push('\t');
                }
                _ => out.push('\\'),
            },
            c => out.push(c),
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn python_replacements_become_the_regex_crates() {
        assert_eq!(python_replacement(r"\1-\2").unwrap(), "${1}-${2}");
        assert_eq!(python_replacement(r"\g<year>/\g<1>").unwrap(), "${year}/${1}");
        assert_eq!(python_replacement("cost: $5").unwrap(), "cost: $$5");
        assert_eq!(python_replacement(r"a\\b").unwrap(), r"a\b");
        assert!(python_replacement(r"\gx").is_err());
    }

    #[test]
    fn a_bad_regex_shows_where() {
        let err = Regex::new("a(b", true).unwrap_err().to_string();
        assert!(err.contains("a(b") && err.contains("unclosed"), "{err}");
        let err = Regex::new(r"(a)\1", true).unwrap_err().to_string();
        assert!(err.contains("backreferences"), "{err}");
    }

    #[test]
    fn regexes_travel_as_their_source() {
        let r = StrPattern::new("^Ab", false, true).unwrap();
        let back: StrPattern = serde_json::from_str(&serde_json::to_string(&r).unwrap()).unwrap();
        assert_eq!(back, r);
        let StrPattern::Regex { regex, .. } = back else { panic!("a regex") };
        assert!(regex.compiled().is_match("abc"));
    }
}
