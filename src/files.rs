//! Opening the files users hand over, the one way every reader does it: the
//! inventory, estate.yaml, Backstage catalogs and the collected sources
//! (`collect::source::read_text`/`read_dir`) all come through here. Only
//! regular files are read (a FIFO would block forever, a device never end),
//! symbolic links are followed to what they name, and every read is bounded:
//! a file larger than its limit is refused by its size before a byte is
//! read, and a file that grows while it is read stops at the limit.

use std::fs::{File, FileType};
use std::io::Read;
use std::path::{Path, PathBuf};

/// The largest inventory or catalog YAML file read (64 MiB).
pub const YAML_LIMIT: u64 = 64 << 20;
/// The largest estate.yaml read (1 MiB).
pub const SETTINGS_LIMIT: u64 = 1 << 20;
/// The largest collected export, state or response read whole (1 GiB).
pub const EXPORT_LIMIT: u64 = 1 << 30;

/// Why a file could not be read: the path and what was wrong.
#[derive(Debug, thiserror::Error)]
pub enum FileError {
    #[error("{}: {error}", .path.display())]
    Io {
        path: PathBuf,
        error: std::io::Error,
    },
    #[error("{}: {what}, not a regular file; Estate reads only regular files", .path.display())]
    NotRegular { path: PathBuf, what: &'static str },
    #[error("{}: {size} bytes, more than the {limit} bytes Estate reads from {what}", .path.display())]
    TooLarge {
        path: PathBuf,
        size: u64,
        limit: u64,
        what: &'static str,
    },
    #[error("{}:{line}:{column}: not UTF-8 text (expected UTF-8 encoded text)", .path.display())]
    NotUtf8 {
        path: PathBuf,
        line: usize,
        column: usize,
    },
    #[error("{}: {what}, not a folder", .path.display())]
    NotADirectory { path: PathBuf, what: &'static str },
}

impl FileError {
    /// True when the file does not exist (callers with a default use it).
    pub fn is_not_found(&self) -> bool {
        matches!(self, FileError::Io { error, .. } if error.kind() == std::io::ErrorKind::NotFound)
    }
}

/// What a directory entry is, in words, for messages.
pub fn describe(t: FileType) -> &'static str {
    #[cfg(unix)]
    {
        use std::os::unix::fs::FileTypeExt;
        if t.is_fifo() {
            return "a FIFO (named pipe)";
        }
        if t.is_char_device() {
            return "a character device";
        }
        if t.is_block_device() {
            return "a block device";
        }
        if t.is_socket() {
            return "a socket";
        }
    }
    if t.is_dir() {
        "a folder"
    } else if t.is_symlink() {
        "a symbolic link"
    } else if t.is_file() {
        "a regular file"
    } else {
        "a special file"
    }
}

/// Open a regular file (following links) and give its size; anything else is refused before it is opened.
pub fn open_regular(path: &Path) -> Result<(File, u64), FileError> {
    let io = |error| FileError::Io {
        path: path.to_path_buf(),
        error,
    };
    let meta = std::fs::metadata(path).map_err(io)?;
    if !meta.is_file() {
        return Err(FileError::NotRegular {
            path: path.to_path_buf(),
            what: describe(meta.file_type()),
        });
    }
    let file = File::open(path).map_err(io)?;
    let meta = file.metadata().map_err(io)?;
    if !meta.is_file() {
        return Err(FileError::NotRegular {
            path: path.to_path_buf(),
            what: describe(meta.file_type()),
        });
    }
    Ok((file, meta.len()))
}

/// A regular file's bytes, at most `limit` of them (`what` names the kind of file in the error).
pub fn read_bytes(path: &Path, limit: u64, what: &'static str) -> Result<Vec<u8>, FileError> {
    let (file, size) = open_regular(path)?;
    let too_large = |size| FileError::TooLarge {
        path: path.to_path_buf(),
        size,
        limit,
        what,
    };
    if size > limit {
        return Err(too_large(size));
    }
    let mut bytes = Vec::with_capacity(size as usize);
    file.take(limit + 1)
        .read_to_end(&mut bytes)
        .map_err(|error| FileError::Io {
            path: path.to_path_buf(),
            error,
        })?;
    if bytes.len() as u64 > limit {
        return Err(too_large(bytes.len() as u64));
    }
    Ok(bytes)
}

/// A regular file's UTF-8 text, at most `limit` bytes; a stray byte is located.
pub fn read_text(path: &Path, limit: u64, what: &'static str) -> Result<String, FileError> {
    let bytes = read_bytes(path, limit, what)?;
    String::from_utf8(bytes).map_err(|e| {
        let valid = &e.as_bytes()[..e.utf8_error().valid_up_to()];
        let line = valid.iter().filter(|b| **b == b'\n').count() + 1;
        let line_start = valid.iter().rposition(|b| *b == b'\n').map_or(0, |i| i + 1);
        let column = String::from_utf8_lossy(&valid[line_start..])
            .chars()
            .count()
            + 1;
        FileError::NotUtf8 {
            path: path.to_path_buf(),
            line,
            column,
        }
    })
}

/// A folder's entries; anything but a folder is refused.
pub fn read_dir(dir: &Path) -> Result<std::fs::ReadDir, FileError> {
    let io = |error| FileError::Io {
        path: dir.to_path_buf(),
        error,
    };
    let meta = std::fs::metadata(dir).map_err(io)?;
    if !meta.is_dir() {
        return Err(FileError::NotADirectory {
            path: dir.to_path_buf(),
            what: describe(meta.file_type()),
        });
    }
    std::fs::read_dir(dir).map_err(io)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_regular_files_are_read_and_never_past_the_limit() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("a.yaml");
        std::fs::write(&p, "ab\ncé\u{1F600}x").unwrap();
        assert_eq!(read_text(&p, 100, "test").unwrap(), "ab\ncé\u{1F600}x");
        let e = read_text(&p, 4, "inventory files").unwrap_err().to_string();
        assert!(
            e.ends_with(
                "a.yaml: 11 bytes, more than the 4 bytes Estate reads from inventory files"
            ),
            "{e}"
        );
        let e = read_text(dir.path(), 100, "test").unwrap_err().to_string();
        assert!(e.ends_with(": a folder, not a regular file; Estate reads only regular files"));
        std::fs::write(&p, b"ok\nab\xffc").unwrap();
        let e = read_text(&p, 100, "test").unwrap_err().to_string();
        assert!(
            e.ends_with("a.yaml:2:3: not UTF-8 text (expected UTF-8 encoded text)"),
            "{e}"
        );
        let e = read_dir(&p).unwrap_err().to_string();
        assert!(e.ends_with("a.yaml: a regular file, not a folder"), "{e}");
        assert!(
            read_text(&dir.path().join("none"), 1, "t")
                .unwrap_err()
                .is_not_found()
        );
    }

    #[cfg(unix)]
    #[test]
    fn a_fifo_is_refused_without_blocking() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("pipe.yaml");
        let ok = std::process::Command::new("mkfifo")
            .arg(&p)
            .status()
            .unwrap();
        assert!(ok.success());
        let e = read_text(&p, 100, "test").unwrap_err().to_string();
        assert!(e.ends_with("pipe.yaml: a FIFO (named pipe), not a regular file; Estate reads only regular files"), "{e}");
    }
}
