//! The report being written: files go into a temporary directory beside
//! the destination as they are rendered (from any thread), and it replaces
//! the destination only when every file is there, so an interrupted run
//! leaves the previous report as it was. It counts what it wrote, for the
//! line `estate report` prints.
//!
//! The folders it leaves while working carry the process id:
//! `.report-new-PID-…` (the staging folder) and `.report-old-PID-NAME` (the
//! previous report `NAME`, between the two renames of the swap). A run that
//! was killed leaves them behind; the next run restores a stranded previous
//! report when there is none at `NAME`, and removes the rest — only those
//! whose process is gone.

use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering::Relaxed};

use super::Error;

/// The prefixes of the staging folder and of the previous report mid-swap.
const NEW: &str = ".report-new-";
const OLD: &str = ".report-old-";

/// Whether process `pid` is still running (unknown counts as running, so
/// nothing of a live run is touched).
fn running(pid: u32) -> bool {
    let proc = Path::new("/proc");
    !proc.is_dir() || proc.join(pid.to_string()).exists()
}

/// What killed runs left in `parent`: a previous report stranded mid-swap
/// is put back where there is no report, and the rest removed. Folders of
/// running processes are left alone; failures are only logged (the run
/// goes on).
pub fn recover(parent: &Path) {
    let Ok(entries) = std::fs::read_dir(parent) else {
        return;
    };
    let mut stale: Vec<(PathBuf, Option<String>)> = Vec::new();
    for e in entries.flatten() {
        let name = e.file_name().to_string_lossy().into_owned();
        let (rest, old) = if let Some(r) = name.strip_prefix(OLD) {
            (r, true)
        } else if let Some(r) = name.strip_prefix(NEW) {
            (r, false)
        } else {
            continue;
        };
        let Some((pid, target)) = rest.split_once('-') else {
            continue;
        };
        let Ok(pid) = pid.parse::<u32>() else {
            continue;
        };
        if pid == std::process::id() || running(pid) {
            continue;
        }
        stale.push((e.path(), old.then(|| target.to_string())));
    }
    stale.sort();
    for (path, target) in stale {
        let result = match target.map(|t| parent.join(t)) {
            Some(report) if !report.exists() => {
                tracing::warn!("restoring {} from an interrupted run", report.display());
                std::fs::rename(&path, &report)
            }
            _ => std::fs::remove_dir_all(&path),
        };
        if let Err(e) = result {
            tracing::warn!("cannot tidy {}: {e}", path.display());
        }
    }
}

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
        recover(&parent);
        let tmp = tempfile::Builder::new()
            .prefix(&format!("{NEW}{}-", std::process::id()))
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
            let name = dir.file_name().unwrap_or_default().to_string_lossy();
            let old = self
                .parent
                .join(format!("{OLD}{}-{name}", std::process::id()));
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

#[cfg(test)]
mod tests {
    use std::path::Path;

    /// The id of a process that has ended.
    fn dead_pid() -> u32 {
        let mut child = std::process::Command::new("true").spawn().unwrap();
        let pid = child.id();
        child.wait().unwrap();
        pid
    }

    fn names(dir: &Path) -> Vec<String> {
        let mut v: Vec<String> = std::fs::read_dir(dir)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        v.sort();
        v
    }

    #[test]
    fn a_run_killed_mid_swap_is_restored_and_stale_staging_folders_removed() {
        let parent = tempfile::tempdir().unwrap();
        let dead = dead_pid();
        // Killed between the renames: the previous report is stranded and
        // `site` is gone; another killed run left its staging folder; a
        // live run's staging folder and another report's files are kept.
        let stranded = parent.path().join(format!(".report-old-{dead}-site"));
        std::fs::create_dir_all(&stranded).unwrap();
        std::fs::write(stranded.join("index.html"), "previous").unwrap();
        let staging = parent.path().join(format!(".report-new-{dead}-abc123"));
        std::fs::create_dir_all(staging.join("csv")).unwrap();
        let live = parent
            .path()
            .join(format!(".report-new-{}-live", std::process::id()));
        std::fs::create_dir_all(&live).unwrap();
        let other = parent.path().join(".report-other");
        std::fs::create_dir_all(&other).unwrap();
        let site = parent.path().join("site");
        super::recover(parent.path());
        assert_eq!(
            std::fs::read_to_string(site.join("index.html")).unwrap(),
            "previous"
        );
        let mut want = vec![
            ".report-other".to_string(),
            live.file_name().unwrap().to_string_lossy().into_owned(),
            "site".to_string(),
        ];
        want.sort();
        assert_eq!(names(parent.path()), want);
        // Stranded with a report in place (the second rename happened): removed.
        std::fs::create_dir_all(&stranded).unwrap();
        super::recover(parent.path());
        assert!(!stranded.exists());
        assert!(site.join("index.html").exists());
        // A new report then replaces it, and leaves nothing beside it.
        std::fs::remove_dir_all(&live).unwrap();
        let staged = super::Staged::new(&site).unwrap();
        staged.put("index.html", b"new").unwrap();
        staged.publish(&site).unwrap();
        assert_eq!(
            std::fs::read_to_string(site.join("index.html")).unwrap(),
            "new"
        );
        assert_eq!(names(parent.path()), [".report-other", "site"]);
    }
}
