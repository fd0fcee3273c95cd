//! `server.pid` in PREFECT_HOME for the background server: its PID from its start, then, once it serves, the URL it
//! answers on (so `server status` finds a server started with `--port` without being told, and the starting
//! command knows the server answering that URL is its own, not another home's on the same port).
//!
//! The server holds a POSIX record lock on the file for its whole life, and anyone can ask the kernel which process
//! holds it (`F_GETLK`). That, not the PID written in the file, says which process is this home's server: a file
//! copied from another home, or naming a PID the system has since reused, is stale because nobody holds its lock.
//! (A record lock is released when its process closes *any* descriptor of the file: the server never opens
//! `server.pid` but through `claim`.)

use std::fs::{File, OpenOptions};
use std::io::{self, Read, Write};
use std::os::fd::AsRawFd;
use std::os::unix::fs::OpenOptionsExt;
use std::path::{Path, PathBuf};

use anyhow::{Context, Result};

use crate::error::Failure;

pub fn path(home: &Path) -> PathBuf {
    home.join("server.pid")
}

pub fn log_path(home: &Path) -> PathBuf {
    home.join("server.log")
}

/// The log of the server before the last background start.
pub fn previous_log_path(home: &Path) -> PathBuf {
    home.join("server.log.1")
}

/// Serialises `server start -b` of one home: taken by the starting command (not the server) from before it
/// checks for a running server until the new one answers or has failed, so two starts cannot both pass the check
/// and then overwrite each other's log.
fn start_lock_path(home: &Path) -> PathBuf {
    home.join("server.start.lock")
}

/// This home's `server.pid`, locked by the running server; removed when the server ends (a server killed
/// without the chance leaves a file nobody holds the lock of: stale).
pub struct Claim {
    path: PathBuf,
    file: File,
}

/// Makes this process the background server of the home `path` belongs to, or says which process already is.
pub fn claim(path: &Path) -> Result<Claim> {
    if let Some(home) = path.parent() {
        crate::fsutil::ensure_private_dir(home)?;
    }
    let mut file = OpenOptions::new()
        .read(true)
        .write(true)
        .create(true)
        .truncate(false)
        .mode(0o600)
        .open(path)
        .with_context(|| format!("could not open {}", path.display()))?;
    if !try_write_lock(&file)? {
        return Err(match read(path) {
            Recorded::Running(pid, url) => already_running(pid, url.as_deref()),
            _ => Failure::new(format!(
                "Another process holds the lock of {}: a server of this PREFECT_HOME is starting or running",
                path.display()
            )),
        }
        .into());
    }
    file.set_len(0)?;
    file.write_all(format!("{}\n", std::process::id()).as_bytes())?;
    Ok(Claim {
        path: path.to_owned(),
        file,
    })
}

impl Claim {
    /// Records the URL once the server listens on it. Appended, so a reader sees the PID line at all times.
    pub fn serving(&mut self, api_url: &str) -> Result<()> {
        self.file.write_all(format!("{api_url}\n").as_bytes())?;
        Ok(())
    }
}

impl Drop for Claim {
    fn drop(&mut self) {
        // Removed while still locked: a server starting meanwhile makes a new file and locks that one.
        let _ = std::fs::remove_file(&self.path);
    }
}

/// The error of a start that finds this home's server running.
pub fn already_running(pid: u32, url: Option<&str>) -> Failure {
    let at = url.map(|u| format!(", {u}")).unwrap_or_default();
    Failure::new(format!(
        "A prefect-rs server is already running for this PREFECT_HOME (PID {pid}{at})"
    ))
    .hint("stop it first: prefect-rs server stop --no-docker")
}

/// Held while a `server start -b` of this home runs; waits (announced by `on_wait`) for another one to finish.
pub fn lock_start(home: &Path, on_wait: impl FnOnce()) -> Result<File> {
    let path = start_lock_path(home);
    let file = OpenOptions::new()
        .write(true)
        .create(true)
        .truncate(false)
        .mode(0o600)
        .open(&path)
        .with_context(|| format!("could not open {}", path.display()))?;
    match file.try_lock() {
        Ok(()) => {}
        Err(std::fs::TryLockError::WouldBlock) => {
            on_wait();
            file.lock()?;
        }
        Err(std::fs::TryLockError::Error(e)) => return Err(e.into()),
    }
    Ok(file)
}

pub fn remove(path: &Path) {
    let _ = std::fs::remove_file(path);
}

pub enum Recorded {
    None,
    /// The server holding the file's lock, and the API URL it recorded (none while it starts).
    Running(u32, Option<String>),
    /// The file's lock is held by a process outside this PID namespace (a container sharing PREFECT_HOME).
    Unseen,
    /// Nobody holds the file's lock: no server of this home runs. The PID it names (0 when unreadable) may be
    /// gone, some other program, or another home's server.
    Stale(u32),
}

pub fn read(path: &Path) -> Recorded {
    let Ok(mut file) = File::open(path) else {
        return Recorded::None;
    };
    let mut text = String::new();
    let _ = file.read_to_string(&mut text);
    let mut lines = text.lines();
    let written_pid = lines.next().unwrap_or_default().trim().parse::<u32>();
    match holder(&file) {
        Ok(Some(pid)) if pid > 0 => Recorded::Running(pid as u32, lines.next().map(str::to_owned)),
        Ok(Some(_)) => Recorded::Unseen,
        // A file system without record locks cannot tell: trust no one rather than signal a stranger.
        Ok(None) | Err(_) => Recorded::Stale(written_pid.unwrap_or(0)),
    }
}

/// Alive, and its command line is a prefect-rs background server (of whichever home).
pub fn is_background_server(pid: u32) -> bool {
    std::fs::read(format!("/proc/{pid}/cmdline")).is_ok_and(|cmdline| {
        let args: Vec<&[u8]> = cmdline.split(|b| *b == 0).collect();
        let first = args
            .first()
            .map(|a| String::from_utf8_lossy(a).into_owned())
            .unwrap_or_default();
        first.ends_with("prefect-rs") && args.iter().any(|a| *a == b"--detached-child")
    })
}

/// The PREFECT_HOME a process was started with, when its environment names one and is readable.
pub fn home_of(pid: u32) -> Option<String> {
    let environ = std::fs::read(format!("/proc/{pid}/environ")).ok()?;
    environ
        .split(|b| *b == 0)
        .find_map(|var| var.strip_prefix(b"PREFECT_HOME="))
        .map(|home| String::from_utf8_lossy(home).into_owned())
}

pub fn is_alive(pid: u32) -> bool {
    Path::new(&format!("/proc/{pid}")).exists()
        && !std::fs::read_to_string(format!("/proc/{pid}/stat")).is_ok_and(|s| s.contains(") Z "))
}

pub fn terminate(pid: u32) -> std::io::Result<()> {
    // SAFETY: kill(2) with a PID we read and checked; no memory is shared.
    let result = unsafe { libc::kill(pid as libc::pid_t, libc::SIGTERM) };
    if result == 0 {
        Ok(())
    } else {
        Err(std::io::Error::last_os_error())
    }
}

/// A write lock over the whole file.
fn whole_file_write_lock() -> libc::flock {
    // SAFETY: `flock` is plain data; zero is a valid value of every field.
    let mut lock: libc::flock = unsafe { std::mem::zeroed() };
    lock.l_type = libc::F_WRLCK as libc::c_short;
    lock.l_whence = libc::SEEK_SET as libc::c_short;
    lock
}

/// Takes the lock without waiting; `false` when another process holds it.
fn try_write_lock(file: &File) -> io::Result<bool> {
    let lock = whole_file_write_lock();
    // SAFETY: fcntl(2) on an open descriptor with a valid `flock`.
    if unsafe { libc::fcntl(file.as_raw_fd(), libc::F_SETLK, &lock) } == 0 {
        return Ok(true);
    }
    let error = io::Error::last_os_error();
    match error.raw_os_error() {
        Some(libc::EAGAIN | libc::EACCES) => Ok(false),
        _ => Err(error),
    }
}

/// The PID of the process holding the lock (0 for one outside this PID namespace), or `None` when free.
fn holder(file: &File) -> io::Result<Option<i32>> {
    let mut lock = whole_file_write_lock();
    // SAFETY: fcntl(2) on an open descriptor; F_GETLK writes into the `flock` we own.
    if unsafe { libc::fcntl(file.as_raw_fd(), libc::F_GETLK, &mut lock) } != 0 {
        return Err(io::Error::last_os_error());
    }
    Ok((lock.l_type != libc::F_UNLCK as libc::c_short).then_some(lock.l_pid))
}
