//! Writing files that hold settings and secrets: atomically (temp file, fsync, rename) so a crash never leaves a
//! half-written profile, mode 0600 because profiles and config.toml hold passwords, in a 0700 PREFECT_HOME.

use std::fs::{self, OpenOptions};
use std::io::Write;
use std::os::unix::fs::{DirBuilderExt, OpenOptionsExt};
use std::path::{Path, PathBuf};

use anyhow::{Context, Result};

/// Creates `dir` (and its parents) with mode 0700 when it does not exist yet. An existing directory keeps its mode:
/// it is the user's.
pub fn ensure_private_dir(dir: &Path) -> Result<()> {
    if dir.is_dir() {
        return Ok(());
    }
    fs::DirBuilder::new()
        .recursive(true)
        .mode(0o700)
        .create(dir)
        .with_context(|| format!("could not create directory {}", dir.display()))
}

/// Replaces `path` with `contents` atomically, leaving the file with mode 0600.
pub fn write_private_atomic(path: &Path, contents: &[u8]) -> Result<()> {
    let dir = path
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    ensure_private_dir(dir)?;
    let file_name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let tmp = dir.join(format!(".{file_name}.tmp-{}", std::process::id()));
    let result = (|| -> Result<()> {
        let mut file = OpenOptions::new()
            .write(true)
            .create(true)
            .truncate(true)
            .mode(0o600)
            .open(&tmp)
            .with_context(|| format!("could not create {}", tmp.display()))?;
        file.write_all(contents)
            .with_context(|| format!("could not write {}", tmp.display()))?;
        drop(file);
        sync_and_rename(&tmp, path)
    })();
    if result.is_err() {
        let _ = fs::remove_file(&tmp);
    }
    result
}

/// `path` with `.part` appended: where a file is written before it is renamed to `path`, whole.
pub fn part_path(path: &Path) -> PathBuf {
    let mut name = path.as_os_str().to_owned();
    name.push(".part");
    PathBuf::from(name)
}

/// Flushes the finished file `tmp` to disk and renames it to `path`, then flushes the directory: after a crash
/// `path` is either the old file or the whole new one, never part of it.
pub fn sync_and_rename(tmp: &Path, path: &Path) -> Result<()> {
    fs::File::open(tmp)
        .and_then(|file| file.sync_all())
        .with_context(|| format!("could not flush {}", tmp.display()))?;
    fs::rename(tmp, path)
        .with_context(|| format!("could not rename {} to {}", tmp.display(), path.display()))?;
    // The rename is durable only once the directory entry is flushed too.
    let dir = path
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    if let Ok(dir_handle) = fs::File::open(dir) {
        let _ = dir_handle.sync_all();
    }
    Ok(())
}

/// Fills `buf` from the OS's random source (passwords, CSRF tokens).
pub fn random_bytes(buf: &mut [u8]) -> std::io::Result<()> {
    use std::io::Read;
    std::fs::File::open("/dev/urandom").and_then(|mut f| f.read_exact(buf))
}
