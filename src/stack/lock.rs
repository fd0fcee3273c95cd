//! One `server start` of a stack at a time: a file lock under PREFECT_HOME per Docker project, held while a start
//! reads its settings and creates the stack. Two starts at once both found no network, both created one (Docker
//! 20.10 allows two of one name) and both failed; they also each generated a PostgreSQL password.

use std::fs::{File, TryLockError};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use anyhow::{Context, Result};

use crate::db::lock::open_lock_file;
use crate::error::Failure;

const POLL: Duration = Duration::from_millis(100);

/// Held while the file stays open; the kernel drops it when the process ends, however it ends.
pub struct StartLock {
    _open: File,
}

/// `PREFECT_HOME/stack-<project>.lock`.
pub fn path(home: &Path, project: &str) -> PathBuf {
    home.join(format!("stack-{project}.lock"))
}

impl StartLock {
    /// Takes the lock of `project`, waiting while another start holds it: `on_wait` once, then for at most `wait`.
    pub fn take(
        home: &Path,
        project: &str,
        wait: Duration,
        on_wait: impl FnOnce(&Path),
    ) -> Result<StartLock> {
        crate::fsutil::ensure_private_dir(home)?;
        let path = path(home, project);
        let file = open_lock_file(&path)?;
        let started = Instant::now();
        let mut on_wait = Some(on_wait);
        loop {
            match file.try_lock() {
                Ok(()) => return Ok(StartLock { _open: file }),
                Err(TryLockError::WouldBlock) => {}
                Err(TryLockError::Error(e)) => {
                    return Err(e).with_context(|| format!("cannot lock {}", path.display()));
                }
            }
            if started.elapsed() >= wait {
                return Err(Failure::new(format!(
                    "Another `prefect-rs server start` of the stack {project} is still in progress after {:.0} s \
                     (it holds {})",
                    wait.as_secs_f64(),
                    path.display()
                ))
                .hint("let it finish, then see the stack with: prefect-rs server status")
                .into());
            }
            if let Some(notify) = on_wait.take() {
                notify(&path);
            }
            std::thread::sleep(POLL);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_second_start_waits_for_the_first_then_gives_up_with_what_holds_it() {
        let home = tempfile::tempdir().unwrap();
        let first = StartLock::take(home.path(), "demo", Duration::ZERO, |_| {
            panic!("nothing holds it yet")
        })
        .unwrap();
        let mut waited = None;
        let second = StartLock::take(home.path(), "demo", Duration::from_millis(250), |held| {
            waited = Some(held.to_owned())
        });
        let message = second.err().expect("refused while held").to_string();
        assert_eq!(waited.as_deref(), Some(path(home.path(), "demo").as_path()));
        assert!(
            message.contains(
                "Another `prefect-rs server start` of the stack demo is still in progress"
            ),
            "{message}"
        );
        // Another project is another lock; and the first one's release lets the next start in.
        StartLock::take(home.path(), "other", Duration::ZERO, |_| panic!("not held")).unwrap();
        drop(first);
        StartLock::take(home.path(), "demo", Duration::ZERO, |_| panic!("released")).unwrap();
    }
}
