//! Where CSV records start and end, as the csv crate's parser (csv-core,
//! which arrow-csv uses) sees them: a newline inside a quoted field is data,
//! not a record end.
//!
//! A quote opens a quoted field only at the start of a field (after a
//! separator or a line end); inside one, a doubled quote is a literal quote
//! and a single one closes it, after which the field goes on unquoted
//! (`"a"b` is `ab`). A quote anywhere else is a literal character.
//!
//! ```text
//! bytes:  id,note\n 1,"x\n2,y" \n 2,z\n
//! state:  ......... .QQQQQQQQ. .......      Q: inside quotes
//! record starts:    ^            ^     (the \n inside quotes is data)
//! ```
//!
//! The scan hops from quote to quote with `memchr`, and only looks for
//! newlines where a record start is wanted, so text without quotes goes at
//! memory speed.

use memchr::memchr;

/// The parser's state between two bytes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum State {
    /// Outside quotes; `last` tells whether a field starts here.
    Unquoted,
    /// Inside a quoted field.
    Quoted,
    /// Just after a quote inside a quoted field: a doubled quote or the close.
    QuoteInQuoted,
}

/// The quote state of a text fed to it chunk by chunk.
#[derive(Debug, Clone)]
pub(super) struct QuoteScanner {
    sep: u8,
    quote: u8,
    state: State,
    /// The last byte fed outside quotes (`\n` at a record start): a quote
    /// after a separator or a line end opens a quoted field.
    last: u8,
    /// The offset of the next byte fed.
    offset: u64,
    /// The offset of the quote that opened the current quoted field.
    opened_at: u64,
}

impl QuoteScanner {
    /// A scanner at a record start, at file offset `offset`.
    pub(super) fn new(sep: u8, quote: u8, offset: u64) -> Self {
        QuoteScanner { sep, quote, state: State::Unquoted, last: b'\n', offset, opened_at: 0 }
    }

    /// The offset of the quote that opened a quoted field still open at the
    /// end of what was fed, if one is.
    pub(super) fn open_quote(&self) -> Option<u64> {
        (self.state == State::Quoted).then_some(self.opened_at)
    }

    fn field_starts_after(&self, byte: u8) -> bool {
        byte == self.sep || byte == b'\n' || byte == b'\r'
    }

    /// Feeds `bytes` (which follow what was fed before) up to the first
    /// record start at or after offset `want`, if `want` is given and one is
    /// in `bytes`. Returns how many bytes were consumed and that record
    /// start; the rest of `bytes` is to be fed again.
    pub(super) fn feed(&mut self, bytes: &[u8], want: Option<u64>) -> (usize, Option<u64>) {
        let base = self.offset;
        let mut pos = 0;
        let found = loop {
            if pos >= bytes.len() {
                break None;
            }
            match self.state {
                State::Quoted => match memchr(self.quote, &bytes[pos..]) {
                    None => pos = bytes.len(),
                    Some(i) => {
                        pos += i + 1;
                        self.state = State::QuoteInQuoted;
                    }
                },
                State::QuoteInQuoted => {
                    if bytes[pos] == self.quote {
                        pos += 1;
                        self.state = State::Quoted;
                    } else {
                        // Closed: the field goes on unquoted from this byte.
                        self.state = State::Unquoted;
                        self.last = self.quote;
                    }
                }
                State::Unquoted => {
                    let rest = &bytes[pos..];
                    let quote_at = memchr(self.quote, rest);
                    let span = quote_at.unwrap_or(rest.len());
                    if let Some(want) = want {
                        // A record start at or after `want` follows a newline at or after `want - 1`.
                        let newline_from = want.saturating_sub(1).saturating_sub(base + pos as u64);
                        if let Ok(from) = usize::try_from(newline_from) {
                            if from < span {
                                if let Some(j) = memchr(b'\n', &rest[from..span]) {
                                    pos += from + j + 1;
                                    self.last = b'\n';
                                    break Some(base + pos as u64);
                                }
                            }
                        }
                    }
                    match quote_at {
                        None => {
                            self.last = rest[rest.len() - 1];
                            pos = bytes.len();
                        }
                        Some(i) => {
                            let before = if i > 0 { rest[i - 1] } else { self.last };
                            if self.field_starts_after(before) {
                                self.state = State::Quoted;
                                self.opened_at = base + (pos + i) as u64;
                            } else {
                                self.last = self.quote;
                            }
                            pos += i + 1;
                        }
                    }
                }
            }
        };
        self.offset = base + pos as u64;
        (pos, found)
    }
}

/// The first record start at or after each of `cuts` (ascending offsets
/// into `text`, which starts at a record start at offset `start`), or
/// `None` for a cut after which no record starts.
#[cfg(test)]
fn align_in_memory(text: &[u8], start: u64, cuts: &[u64], sep: u8, quote: u8) -> Vec<Option<u64>> {
    let mut scanner = QuoteScanner::new(sep, quote, start);
    let mut out = Vec::new();
    let mut rest = text;
    for &cut in cuts {
        if let Some(&Some(last)) = out.last() {
            if last >= cut {
                out.push(Some(last));
                continue;
            }
        }
        let found = loop {
            let (used, found) = scanner.feed(rest, Some(cut));
            rest = &rest[used..];
            if found.is_some() || rest.is_empty() {
                break found;
            }
        };
        out.push(found);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Record starts by the csv crate: the reference.
    fn csv_record_starts(text: &[u8]) -> Vec<u64> {
        let mut reader = csv::ReaderBuilder::new().has_headers(false).flexible(true).from_reader(text);
        let mut record = csv::ByteRecord::new();
        let mut starts = Vec::new();
        while reader.read_byte_record(&mut record).unwrap() {
            starts.push(reader.position().byte());
        }
        starts
    }

    #[test]
    fn newlines_in_quotes_are_data() {
        let text = b"1,\"x\n2,y\"\n2,z\n";
        assert_eq!(
            align_in_memory(text, 0, &[1, 4, 10, 11], b',', b'"'),
            [Some(10), Some(10), Some(10), Some(14)]
        );
    }

    #[test]
    fn quotes_mid_field_are_literal_and_doubled_quotes_stay_quoted() {
        // `5"` is literal; `"a""\n"` is one field holding a quote and a newline.
        let text = b"5\",x\n\"a\"\"\n\",y\n3,z\n";
        assert_eq!(align_in_memory(text, 0, &[1, 6], b',', b'"'), [Some(5), Some(14)]);
        // A closed quote continues unquoted: `"a"b` then a newline ends the record.
        let text = b"\"a\"b\nc\n";
        assert_eq!(align_in_memory(text, 0, &[1], b',', b'"'), [Some(5)]);
    }

    #[test]
    fn an_open_quote_is_reported_where_it_opened() {
        let mut scanner = QuoteScanner::new(b',', b'"', 100);
        let text = b"a,b\n1,\"hello\n2,world\n";
        assert_eq!(scanner.feed(text, None), (text.len(), None));
        assert_eq!(scanner.open_quote(), Some(106));
        let mut closed = QuoteScanner::new(b',', b'"', 0);
        closed.feed(b"1,\"a\n\"\"b\"\n", None);
        assert_eq!(closed.open_quote(), None);
    }

    #[test]
    fn chunk_edges_do_not_matter() {
        // A quote pair split across chunks, a quote right after a chunk's last separator.
        let text = b"a,\"b\"\"\nc\",d\ne,\"f\"\n\"g\nh\",i\n";
        let reference: Vec<u64> = csv_record_starts(text);
        for chunk in 1..text.len() {
            let mut scanner = QuoteScanner::new(b',', b'"', 0);
            let mut starts = Vec::new();
            let mut at = 0;
            let mut pending: &[u8] = &[];
            while at < text.len() || !pending.is_empty() {
                if pending.is_empty() {
                    let end = (at + chunk).min(text.len());
                    pending = &text[at..end];
                    at = end;
                }
                let want = starts.last().map_or(1, |s| s + 1);
                let (used, found) = scanner.feed(pending, Some(want));
                pending = &pending[used..];
                starts.extend(found);
            }
            assert_eq!(starts, reference, "chunk {chunk}");
        }
    }

    fn records(text: &[u8]) -> Vec<Vec<Vec<u8>>> {
        let mut reader = csv::ReaderBuilder::new().has_headers(false).flexible(true).from_reader(text);
        reader.byte_records().map(|r| r.unwrap().iter().map(<[u8]>::to_vec).collect()).collect()
    }

    #[test]
    fn cutting_at_aligned_starts_keeps_every_record_whole() {
        // Seeded xorshift over an alphabet of separators, quotes and line ends.
        let mut state = 0x9E37_79B9_7F4A_7C15u64;
        let mut next = move || {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            state
        };
        let alphabet = b"ab,\"\n\r;";
        for round in 0..3000 {
            let len = 1 + round % 60;
            let text: Vec<u8> =
                (0..len).map(|_| alphabet[(next() % alphabet.len() as u64) as usize]).collect();
            let mut cuts: Vec<u64> = (0..1 + next() % 4).map(|_| 1 + next() % len as u64).collect();
            cuts.sort_unstable();
            let aligned = align_in_memory(&text, 0, &cuts, b',', b'"');
            let mut bounds = vec![0u64];
            bounds.extend(aligned.into_iter().flatten());
            bounds.push(len as u64);
            bounds.dedup();
            let mut pieces = Vec::new();
            for w in bounds.windows(2) {
                if w[1] < len as u64 {
                    assert_eq!(text[w[1] as usize - 1], b'\n', "a cut follows a newline");
                }
                pieces.extend(records(&text[w[0] as usize..w[1] as usize]));
            }
            assert_eq!(pieces, records(&text), "text {:?} cuts {cuts:?}", String::from_utf8_lossy(&text));
        }
    }
}
