//! Compressed CSV files, recognised by their last extension (`.csv.gz`,
//! `.csv.zst`, `.csv.bz2`, `.csv.xz`), as pandas' `compression="infer"`
//! does. A compressed stream cannot be entered in the middle, so such a file
//! is one partition, read through its decoder from the start.

use std::fs::File;
use std::io::{BufReader, Read};
use std::path::Path;

use rusk_ops::{Error, Result};

/// How a file's bytes are compressed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Compression {
    /// Plain text.
    None,
    /// gzip (`.gz`), members concatenated as `cat a.gz b.gz` makes them.
    Gzip,
    /// Zstandard (`.zst`).
    Zstd,
    /// bzip2 (`.bz2`).
    Bzip2,
    /// xz (`.xz`).
    Xz,
}

impl Compression {
    /// The compression a file's name says.
    pub(crate) fn of(path: &Path) -> Self {
        let ext = path.extension().and_then(|e| e.to_str()).map(str::to_ascii_lowercase);
        match ext.as_deref() {
            Some("gz") => Compression::Gzip,
            Some("zst") => Compression::Zstd,
            Some("bz2") => Compression::Bzip2,
            Some("xz") => Compression::Xz,
            _ => Compression::None,
        }
    }

    /// Opens `path` for reading its text, decompressed.
    ///
    /// # Errors
    /// [`Error::Io`] when the file cannot be opened (or the zstd decoder
    /// cannot start); decoding errors surface on read, naming the file too.
    pub(crate) fn open(path: &Path) -> Result<Box<dyn Read + Send>> {
        Compression::decode(File::open(path).map_err(|e| Error::io(e, path))?, path)
    }

    /// The text of `file`, opened from `path`, decompressed as its name says.
    ///
    /// # Errors
    /// As [`Compression::open`].
    pub(crate) fn decode(file: File, path: &Path) -> Result<Box<dyn Read + Send>> {
        let io = |e: std::io::Error| Error::io(e, path);
        Ok(match Compression::of(path) {
            Compression::None => Box::new(file),
            Compression::Gzip => Box::new(flate2::read::MultiGzDecoder::new(BufReader::new(file))),
            Compression::Zstd => Box::new(zstd::stream::read::Decoder::new(file).map_err(io)?),
            Compression::Bzip2 => Box::new(bzip2::read::MultiBzDecoder::new(BufReader::new(file))),
            Compression::Xz => Box::new(liblzma::read::XzDecoder::new_multi_decoder(BufReader::new(file))),
        })
    }
}

#[cfg(test)]
mod tests {
    use std::io::Write;

    use super::*;

    #[test]
    fn each_compression_reads_back_its_text() {
        let dir = tempfile::tempdir().unwrap();
        let text = b"a,b\n1,x\n2,y\n".repeat(100);
        let write = |name: &str, bytes: Vec<u8>| {
            let path = dir.path().join(name);
            std::fs::write(&path, bytes).unwrap();
            path
        };
        let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
        gz.write_all(&text).unwrap();
        let mut bz = bzip2::write::BzEncoder::new(Vec::new(), bzip2::Compression::default());
        bz.write_all(&text).unwrap();
        let mut xz = liblzma::write::XzEncoder::new(Vec::new(), 6);
        xz.write_all(&text).unwrap();
        let files = [
            write("t.csv", text.clone()),
            write("t.csv.gz", gz.finish().unwrap()),
            write("t.csv.zst", zstd::encode_all(&text[..], 3).unwrap()),
            write("t.csv.bz2", bz.finish().unwrap()),
            write("t.csv.xz", xz.finish().unwrap()),
        ];
        for path in files {
            let mut got = Vec::new();
            Compression::open(&path).unwrap().read_to_end(&mut got).unwrap();
            assert_eq!(got, text, "{}", path.display());
        }
    }

    #[test]
    fn corrupt_data_is_an_error_not_an_empty_file() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("t.csv.gz");
        std::fs::write(&path, b"this is not gzip").unwrap();
        let mut got = Vec::new();
        assert!(Compression::open(&path).unwrap().read_to_end(&mut got).is_err());
    }
}
