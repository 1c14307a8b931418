//! Outputs that appear whole or not at all.
//!
//! An output (a directory of part files, or one file) is written under a
//! temporary sibling name in its destination's directory, and renamed to
//! the destination once every byte is written:
//!
//! ```text
//! out/                        (destination: absent until the end)
//! .out.tmp-4242-0/            (written by the tasks)
//!     part-00000.parquet
//!     part-00001.parquet
//! rename(.out.tmp-4242-0, out)   on success; removed on error or drop
//! ```
//!
//! A rename within one directory is atomic on POSIX file systems, so a
//! reader sees either no `out` or all of it. The temporary name starts with
//! `.`, which rusk's listing (like Dask's, Spark's and pyarrow's) skips, so
//! a directory holding a half-written output still reads back as the
//! complete outputs it has. If the process is killed (`kill -9`), only the
//! `.…tmp-<pid>-<n>` sibling is left behind, never something at `out`.

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};

use rusk_ops::{Error, Result};

/// Numbers the temporary outputs of this process, so that two writes to one
/// destination (which cannot both succeed) never share a temporary name.
static NEXT: AtomicUsize = AtomicUsize::new(0);

/// A file or directory output being written under a temporary name.
///
/// Dropped without [`PendingOutput::commit`] (an error, a cancelled run, a
/// panic unwinding), it removes what was written.
#[derive(Debug)]
pub struct PendingOutput {
    dest: PathBuf,
    temp: PathBuf,
    dir: bool,
    done: bool,
}

impl PendingOutput {
    /// A new directory output at `dest`: makes `dest`'s parents and the
    /// empty temporary directory to write part files into.
    ///
    /// # Errors
    /// [`Error::OutputExists`] when anything exists at `dest` (even an
    /// empty directory: rusk never overwrites or mixes with earlier
    /// output); [`Error::Io`] when a directory cannot be created.
    pub fn dir(dest: &Path) -> Result<Self> {
        let pending = PendingOutput::new(dest, true)?;
        std::fs::create_dir(&pending.temp).map_err(|e| Error::io(e, &pending.temp))?;
        Ok(pending)
    }

    /// A new one-file output at `dest`: makes `dest`'s parents; the writer
    /// creates the file at [`PendingOutput::path`].
    ///
    /// # Errors
    /// As [`PendingOutput::dir`].
    pub fn file(dest: &Path) -> Result<Self> {
        PendingOutput::new(dest, false)
    }

    fn new(dest: &Path, dir: bool) -> Result<Self> {
        check_absent(dest)?;
        let name = dest.file_name().ok_or_else(|| {
            Error::InvalidArgument(format!(
                "output path {} does not name a file or directory",
                dest.display()
            ))
        })?;
        let parent = dest.parent().filter(|p| !p.as_os_str().is_empty());
        if let Some(parent) = parent {
            std::fs::create_dir_all(parent).map_err(|e| Error::io(e, parent))?;
        }
        let n = NEXT.fetch_add(1, Ordering::Relaxed);
        let temp_name = format!(".{}.tmp-{}-{n}", name.to_string_lossy(), std::process::id());
        let temp = parent.map_or_else(|| PathBuf::from(&temp_name), |p| p.join(&temp_name));
        Ok(PendingOutput { dest: dest.to_path_buf(), temp, dir, done: false })
    }

    /// Where to write now: the temporary directory or file.
    pub fn path(&self) -> &Path {
        &self.temp
    }

    /// The final path.
    pub fn dest(&self) -> &Path {
        &self.dest
    }

    /// Moves the finished output to its destination.
    ///
    /// # Errors
    /// [`Error::OutputExists`] when something appeared at the destination
    /// meanwhile (the temporary output is then removed); [`Error::Io`] when
    /// the rename fails.
    pub fn commit(mut self) -> Result<()> {
        // `rename` replaces a file, or an empty directory, at the
        // destination; check just before, as the standard library offers no
        // no-replace rename (a writer racing into this window loses the
        // earlier output it raced with, which `create_dir` once prevented).
        check_absent(&self.dest)?;
        if !self.dir && std::fs::symlink_metadata(&self.temp).is_err() {
            // A one-file output whose writer made nothing.
            return Err(Error::Internal(format!("{} was never written", self.temp.display())));
        }
        std::fs::rename(&self.temp, &self.dest).map_err(|e| Error::io(e, &self.dest))?;
        self.done = true;
        Ok(())
    }
}

impl Drop for PendingOutput {
    fn drop(&mut self) {
        if self.done {
            return;
        }
        // Best effort: the error that led here is what the caller reports.
        let _ = if self.dir { std::fs::remove_dir_all(&self.temp) } else { std::fs::remove_file(&self.temp) };
    }
}

/// [`Error::OutputExists`] when anything is at `path`, a dangling link included.
fn check_absent(path: &Path) -> Result<()> {
    if path.symlink_metadata().is_ok() {
        return Err(Error::OutputExists { path: path.to_path_buf() });
    }
    Ok(())
}

/// Whether `name` is a temporary output of [`PendingOutput`]: `.NAME.tmp-PID-N`.
pub fn is_temporary_output(name: &str) -> bool {
    name.starts_with('.') && name.rsplit_once(".tmp-").is_some_and(|(_, id)| is_pid_n(id))
}

fn is_pid_n(id: &str) -> bool {
    id.split_once('-').is_some_and(|(pid, n)| {
        !pid.is_empty()
            && !n.is_empty()
            && pid.bytes().all(|b| b.is_ascii_digit())
            && n.bytes().all(|b| b.is_ascii_digit())
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn names(dir: &Path) -> Vec<String> {
        let mut names: Vec<String> = std::fs::read_dir(dir)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        names.sort();
        names
    }

    #[test]
    fn a_directory_appears_only_on_commit() {
        let dir = tempfile::tempdir().unwrap();
        let dest = dir.path().join("a/out");
        let pending = PendingOutput::dir(&dest).unwrap();
        std::fs::write(pending.path().join("part-00000.csv"), "x\n1\n").unwrap();
        assert!(!dest.exists());
        let temp = names(&dir.path().join("a"));
        assert_eq!(temp.len(), 1);
        assert!(is_temporary_output(&temp[0]), "{temp:?}");
        assert!(temp[0].starts_with(".out.tmp-"), "{temp:?}");
        pending.commit().unwrap();
        assert_eq!(names(&dir.path().join("a")), ["out"]);
        assert_eq!(names(&dest), ["part-00000.csv"]);
    }

    #[test]
    fn a_dropped_output_leaves_nothing() {
        let dir = tempfile::tempdir().unwrap();
        let pending = PendingOutput::dir(&dir.path().join("out")).unwrap();
        std::fs::write(pending.path().join("part-00000.csv"), "x\n").unwrap();
        drop(pending);
        let file = PendingOutput::file(&dir.path().join("x.csv")).unwrap();
        std::fs::write(file.path(), "x\n").unwrap();
        drop(file);
        assert!(names(dir.path()).is_empty());
    }

    #[test]
    fn a_file_is_renamed_into_place_and_never_replaces() {
        let dir = tempfile::tempdir().unwrap();
        let dest = dir.path().join("x.csv");
        let file = PendingOutput::file(&dest).unwrap();
        std::fs::write(file.path(), "x\n1\n").unwrap();
        let racer = PendingOutput::file(&dest).unwrap();
        std::fs::write(racer.path(), "y\n").unwrap();
        file.commit().unwrap();
        assert!(matches!(racer.commit(), Err(Error::OutputExists { path }) if path == dest));
        assert_eq!(std::fs::read_to_string(&dest).unwrap(), "x\n1\n");
        assert_eq!(names(dir.path()), ["x.csv"]);
        let err = PendingOutput::dir(&dest).unwrap_err();
        assert!(matches!(&err, Error::OutputExists { path } if path == &dest), "{err}");
        let empty = dir.path().join("empty");
        std::fs::create_dir(&empty).unwrap();
        assert!(matches!(PendingOutput::dir(&empty), Err(Error::OutputExists { .. })));
    }

    #[test]
    fn temporary_names_are_recognised() {
        assert!(is_temporary_output(".out.tmp-12-0"));
        assert!(is_temporary_output(".x.csv.tmp-4242-17"));
        assert!(!is_temporary_output("out.tmp-12-0"));
        assert!(!is_temporary_output(".out.tmp-12"));
        assert!(!is_temporary_output(".hidden"));
    }
}
