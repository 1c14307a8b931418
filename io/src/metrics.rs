//! Counters of what a scan really read, so pushdown can be proven by tests
//! and shown by `explain(analyze)`.

use std::sync::atomic::{AtomicU64, Ordering};

/// What the scans of one dataset have read in one run (all its partitions).
#[derive(Debug, Default)]
pub struct ScanMetrics {
    files_opened: AtomicU64,
    row_groups_read: AtomicU64,
    rows_read: AtomicU64,
    bytes_read: AtomicU64,
    bad_lines_skipped: AtomicU64,
    dates_coerced: AtomicU64,
}

/// A copy of the counters at one moment.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ScanCounts {
    /// Files opened (a file read by several partitions counts once per partition).
    pub files_opened: u64,
    /// Parquet row groups decoded.
    pub row_groups_read: u64,
    /// Rows produced by the scan (before any filter).
    pub rows_read: u64,
    /// Bytes read from disk: CSV byte ranges, Parquet column chunks.
    pub bytes_read: u64,
    /// CSV rows skipped under `on_bad_lines = "skip"`.
    pub bad_lines_skipped: u64,
    /// CSV `parse_dates` values that are not dates, read as null under
    /// `date_errors = "coerce"`.
    pub dates_coerced: u64,
}

impl std::ops::AddAssign for ScanCounts {
    fn add_assign(&mut self, other: ScanCounts) {
        self.files_opened += other.files_opened;
        self.row_groups_read += other.row_groups_read;
        self.rows_read += other.rows_read;
        self.bytes_read += other.bytes_read;
        self.bad_lines_skipped += other.bad_lines_skipped;
        self.dates_coerced += other.dates_coerced;
    }
}

impl ScanMetrics {
    /// Counts one opened file.
    pub fn add_file(&self) {
        self.files_opened.fetch_add(1, Ordering::Relaxed);
    }
    /// Counts decoded row groups.
    pub fn add_row_groups(&self, n: u64) {
        self.row_groups_read.fetch_add(n, Ordering::Relaxed);
    }
    /// Counts produced rows.
    pub fn add_rows(&self, n: u64) {
        self.rows_read.fetch_add(n, Ordering::Relaxed);
    }
    /// Counts bytes read.
    pub fn add_bytes(&self, n: u64) {
        self.bytes_read.fetch_add(n, Ordering::Relaxed);
    }
    /// Counts skipped bad lines.
    pub fn add_bad_lines(&self, n: u64) {
        self.bad_lines_skipped.fetch_add(n, Ordering::Relaxed);
    }
    /// Counts `parse_dates` values read as null.
    pub fn add_dates_coerced(&self, n: u64) {
        self.dates_coerced.fetch_add(n, Ordering::Relaxed);
    }
    /// The counters now.
    pub fn snapshot(&self) -> ScanCounts {
        ScanCounts {
            files_opened: self.files_opened.load(Ordering::Relaxed),
            row_groups_read: self.row_groups_read.load(Ordering::Relaxed),
            rows_read: self.rows_read.load(Ordering::Relaxed),
            bytes_read: self.bytes_read.load(Ordering::Relaxed),
            bad_lines_skipped: self.bad_lines_skipped.load(Ordering::Relaxed),
            dates_coerced: self.dates_coerced.load(Ordering::Relaxed),
        }
    }
}
