//! The report being written: files go into a temporary directory beside
//! the destination as they are rendered (from any thread), and it replaces
//! the destination only when every file is there, so an interrupted run
//! leaves the previous report as it was. It counts what it wrote, for the
//! line `estate report` prints.

use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering::Relaxed};

use super::Error;

/// The report's files, staged until [`Staged::publish`].
pub struct Staged {
    parent: PathBuf,
    tmp: tempfile::TempDir,
    files: AtomicUsize,
    bytes: AtomicU64,
}

/// Write the site into `dir` (its parent created): files go to a temporary
/// sibling directory first, which then replaces `dir` in one rename.
impl Staged {
    /// A temporary directory beside `dir` (the report's destination).
    pub fn new(dir: &Path) -> std::io::Result<Staged> {
        let parent = match dir.parent() {
            Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
            _ => PathBuf::from("."),
        };
        std::fs::create_dir_all(&parent)?;
        let tmp = tempfile::Builder::new()
            .prefix(".report-")
            .tempdir_in(&parent)?;
        Ok(Staged {
            parent,
            tmp,
            files: Default::default(),
            bytes: Default::default(),
        })
    }

    /// Write one file of the report (any thread).
    pub fn put(&self, path: &str, bytes: &[u8]) -> Result<(), Error> {
        self.put_with(path, |w| w.write_all(bytes))
    }

    /// Write one file of the report through `write` (streamed, never whole in memory).
    pub fn put_with(
        &self,
        path: &str,
        write: impl FnOnce(&mut std::io::BufWriter<std::fs::File>) -> std::io::Result<()>,
    ) -> Result<(), Error> {
        let p = self.tmp.path().join(path);
        let written = (|| {
            if let Some(d) = p.parent() {
                std::fs::create_dir_all(d)?;
            }
            let mut w = std::io::BufWriter::with_capacity(1 << 20, std::fs::File::create(&p)?);
            write(&mut w)?;
            w.flush()?;
            w.get_ref().metadata().map(|m| m.len())
        })();
        let bytes = written.map_err(|source| Error::Write {
            path: p.clone(),
            source,
        })?;
        self.files.fetch_add(1, Relaxed);
        self.bytes.fetch_add(bytes, Relaxed);
        Ok(())
    }

    /// Files and bytes written so far.
    pub fn written(&self) -> (usize, u64) {
        (self.files.load(Relaxed), self.bytes.load(Relaxed))
    }

    /// Put the finished report in place of `dir`'s previous one.
    pub fn publish(self, dir: &Path) -> std::io::Result<()> {
        let staged = self.tmp.keep();
        if dir.exists() {
            let old = self
                .parent
                .join(format!(".report-old-{}", std::process::id()));
            std::fs::rename(dir, &old)?;
            if let Err(e) = std::fs::rename(&staged, dir) {
                // Put the previous report back rather than leave none.
                let _ = std::fs::rename(&old, dir);
                let _ = std::fs::remove_dir_all(&staged);
                return Err(e);
            }
            std::fs::remove_dir_all(&old)?;
        } else {
            std::fs::rename(&staged, dir)?;
        }
        Ok(())
    }
}
