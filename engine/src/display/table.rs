//! A materialized frame as pandas' `repr` lays it out (here with
//! `min_rows = 4`):
//!
//! ```text
//!      a      b
//! 0    0   row0
//! 1    1   row1
//! ..  ..    ...
//! 98  98  row98
//! 99  99  row99
//!
//! [100 rows x 2 columns]
//! dtypes: a int64, b string
//! ```
//!
//! Only the rows and columns shown are sliced out of the batches and
//! formatted, so printing a frame of a billion rows costs as much as
//! printing ten.

use std::ops::Range;
use std::sync::Arc;

use arrow::array::{new_null_array, ArrayRef};
use arrow::datatypes::Schema;
use arrow::record_batch::RecordBatch;

use super::cell::{escape, format_pieces, is_numeric};
use super::{dtype_name, DisplayOptions};

/// Formats a materialized frame as pandas prints a `DataFrame`: a left
/// index of row positions (`0..n`, counted across batches), headers over
/// right-aligned values, nulls as `<NA>`, then a blank line, the shape
/// `[N rows x M columns]` and the dtypes.
///
/// Beyond `opts.max_rows` rows, the first and last `opts.min_rows / 2`
/// rows are shown around a `...` row; beyond `opts.max_columns` columns,
/// the first and last halves around a `...` column (pandas' rules). Unlike
/// pandas, the shape and dtypes lines are always printed, and wide frames
/// are not wrapped to the terminal's width. The text has no final newline.
///
/// The batches are expected to have the schema's columns; a batch with
/// fewer shows nulls for the missing ones rather than failing.
pub fn format_frame(schema: &Schema, batches: &[RecordBatch], opts: &DisplayOptions) -> String {
    let nrows: usize = batches.iter().map(RecordBatch::num_rows).sum();
    let ncols = schema.fields().len();
    let rows = Shown::rows(nrows, opts);
    let cols = Shown::columns(ncols, opts);
    let mut out = if nrows == 0 || ncols == 0 {
        empty_frame(schema, &rows, &cols)
    } else {
        table(schema, batches, &rows, &cols, opts)
    };
    out.push_str(&format!("\n\n[{nrows} rows x {ncols} columns]\n"));
    out.push_str(&dtypes_line(schema, &cols));
    out
}

/// Which of `n` rows (or columns) are shown: the first `head` and the last
/// `tail`, with a gap of `...` between them when they don't cover all.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Shown {
    n: usize,
    head: usize,
    tail: usize,
}

impl Shown {
    /// pandas' `_truncate_vertically`: over `max_rows`, show `min_rows`
    /// split in two halves.
    fn rows(n: usize, opts: &DisplayOptions) -> Self {
        if opts.max_rows == 0 || n <= opts.max_rows {
            return Shown { n, head: n, tail: 0 };
        }
        let fitted = if opts.min_rows > 0 { opts.min_rows.min(opts.max_rows) } else { opts.max_rows };
        Self::halves(n, fitted, opts.max_rows)
    }

    /// pandas' `_truncate_horizontally`: over `max_columns`, show half of
    /// them from each end.
    fn columns(n: usize, opts: &DisplayOptions) -> Self {
        if opts.max_columns == 0 || n <= opts.max_columns {
            return Shown { n, head: n, tail: 0 };
        }
        Self::halves(n, opts.max_columns, opts.max_columns)
    }

    /// Half of `fitted` from each end; when that is nothing (a limit of
    /// 1), pandas shows the first `limit` and the gap after them.
    fn halves(n: usize, fitted: usize, limit: usize) -> Self {
        let half = fitted / 2;
        if half >= 1 {
            Shown { n, head: half, tail: half }
        } else {
            Shown { n, head: limit.min(n), tail: 0 }
        }
    }

    fn truncated(&self) -> bool {
        self.head + self.tail < self.n
    }

    fn head_range(&self) -> Range<usize> {
        0..self.head
    }

    fn tail_range(&self) -> Range<usize> {
        self.n - self.tail..self.n
    }

    /// The shown positions, in order.
    fn positions(&self) -> impl Iterator<Item = usize> {
        self.head_range().chain(self.tail_range())
    }

    /// The shown items as text, with `...` at the gap.
    fn list<T: AsRef<str>>(&self, item: impl Fn(usize) -> T) -> Vec<String> {
        let mut out: Vec<String> = self.head_range().map(|i| item(i).as_ref().to_string()).collect();
        if self.truncated() {
            out.push("...".to_string());
        }
        out.extend(self.tail_range().map(|i| item(i).as_ref().to_string()));
        out
    }
}

/// pandas' text for a frame without rows or without columns.
fn empty_frame(schema: &Schema, rows: &Shown, cols: &Shown) -> String {
    // `cols` counts the schema's fields: every `i` is in bounds.
    let columns = cols.list(|i| escape(schema.field(i).name()));
    let index = rows.list(|i| i.to_string());
    format!("Empty DataFrame\nColumns: [{}]\nIndex: [{}]", columns.join(", "), index.join(", "))
}

/// `dtypes: a int64, b string`, over the shown columns.
fn dtypes_line(schema: &Schema, cols: &Shown) -> String {
    if schema.fields().is_empty() {
        return "dtypes: (none)".to_string();
    }
    let items = cols.list(|i| {
        let field = schema.field(i);
        format!("{} {}", escape(field.name()), dtype_name(field.data_type()))
    });
    format!("dtypes: {}", items.join(", "))
}

/// The shown rows of every batch: zero-copy slices of the head rows, then
/// of the tail rows.
fn shown_batches(batches: &[RecordBatch], rows: &Shown) -> Vec<RecordBatch> {
    let mut out = Vec::new();
    for range in [rows.head_range(), rows.tail_range()] {
        let mut offset = 0;
        for batch in batches {
            let len = batch.num_rows();
            let start = range.start.max(offset);
            let end = range.end.min(offset + len);
            if start < end {
                // start - offset + (end - start) = end - offset <= len: in bounds.
                out.push(batch.slice(start - offset, end - start));
            }
            offset += len;
        }
    }
    out
}

/// One column of the layout: its header and cells, before alignment.
struct Column {
    header: String,
    cells: Vec<String>,
    left: bool,
}

fn table(
    schema: &Schema,
    batches: &[RecordBatch],
    rows: &Shown,
    cols: &Shown,
    opts: &DisplayOptions,
) -> String {
    let shown = shown_batches(batches, rows);
    let mut columns = vec![Column {
        header: String::new(),
        cells: rows.positions().map(|p| p.to_string()).collect(),
        left: true,
    }];
    for c in cols.positions() {
        // `cols` counts the schema's fields: `c` is in bounds.
        let field = schema.field(c);
        let pieces: Vec<ArrayRef> = shown
            .iter()
            .map(|b| match b.columns().get(c) {
                Some(array) => Arc::clone(array),
                None => new_null_array(field.data_type(), b.num_rows()),
            })
            .collect();
        let mut cells = format_pieces(&pieces);
        if opts.max_colwidth > 3 {
            for cell in cells.iter_mut() {
                *cell = clip(cell, opts.max_colwidth);
            }
        }
        let name = escape(field.name());
        let header = if is_numeric(field.data_type()) { format!(" {name}") } else { name };
        columns.push(Column { header, cells, left: false });
    }
    let mut lines: Vec<Vec<String>> = columns.iter().map(justify).collect();
    if cols.truncated() {
        // pandas' `_insert_dot_separator_horizontal`, after the index and
        // the head columns.
        lines.insert(1 + cols.head, vec![" ...".to_string(); rows.head + rows.tail + 1]);
    }
    if rows.truncated() {
        let dot_column = cols.truncated().then_some(1 + cols.head);
        for (i, column) in lines.iter_mut().enumerate() {
            column.insert(1 + rows.head, row_dots(column, i, dot_column));
        }
    }
    let height = lines.first().map_or(0, Vec::len);
    (0..height)
        .map(|r| {
            lines.iter().filter_map(|column| column.get(r).map(String::as_str)).collect::<Vec<_>>().join(" ")
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// pandas' `_make_fixed_width`: a cell longer than `max_colwidth` keeps its
/// first `max_colwidth - 3` characters and `...`.
fn clip(cell: &str, max_colwidth: usize) -> String {
    if cell.chars().count() <= max_colwidth {
        return cell.to_string();
    }
    let mut clipped: String = cell.chars().take(max_colwidth - 3).collect();
    clipped.push_str("...");
    clipped
}

/// The header then the cells, all padded to the widest (index to the left,
/// values to the right).
fn justify(column: &Column) -> Vec<String> {
    let width =
        std::iter::once(&column.header).chain(&column.cells).map(|s| s.chars().count()).max().unwrap_or(0);
    std::iter::once(&column.header).chain(&column.cells).map(|s| pad(s, width, column.left)).collect()
}

fn pad(s: &str, width: usize, left: bool) -> String {
    let fill = " ".repeat(width.saturating_sub(s.chars().count()));
    if left {
        format!("{s}{fill}")
    } else {
        format!("{fill}{s}")
    }
}

/// The cell of the `...` row in column `i`: pandas'
/// `_insert_dot_separator_vertical` (`..` in columns of 3 characters or
/// less, left-aligned under the index).
fn row_dots(column: &[String], i: usize, dot_column: Option<usize>) -> String {
    let width = column.first().map_or(0, |s| s.chars().count());
    let is_dot_column = dot_column == Some(i);
    let dots = if width > 3 || is_dot_column { "..." } else { ".." };
    if i == 0 {
        pad(dots, width, true)
    } else if is_dot_column {
        pad(dots, 4, false)
    } else {
        pad(dots, width, false)
    }
}
