//! `server.pid` in PREFECT_HOME for the background server: written by the server once it serves, removed when it
//! stops; a file whose process is gone (or is not prefect-rs) is stale and says so. Its second line is the URL the
//! server answers on, so `server status` finds a server started with `--port` without being told.

use std::path::{Path, PathBuf};

use anyhow::Result;

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

pub fn write(path: &Path, api_url: &str) -> Result<()> {
    let text = format!("{}\n{api_url}\n", std::process::id());
    crate::fsutil::write_private_atomic(path, text.as_bytes())
}

pub fn remove(path: &Path) {
    let _ = std::fs::remove_file(path);
}

pub enum Recorded {
    None,
    /// The running server's PID and the API URL it recorded (a file from an older version has none).
    Running(u32, Option<String>),
    /// The file names a process that is gone or is not a prefect-rs server.
    Stale(u32),
}

pub fn read(path: &Path) -> Recorded {
    let Ok(text) = std::fs::read_to_string(path) else {
        return Recorded::None;
    };
    let mut lines = text.lines();
    let Ok(pid) = lines.next().unwrap_or_default().trim().parse::<u32>() else {
        return Recorded::Stale(0);
    };
    if is_our_server(pid) {
        Recorded::Running(pid, lines.next().map(str::to_owned))
    } else {
        Recorded::Stale(pid)
    }
}

/// Alive, and its command line is prefect-rs: a reused PID of some other program is not ours to signal.
fn is_our_server(pid: u32) -> bool {
    std::fs::read(format!("/proc/{pid}/cmdline")).is_ok_and(|cmdline| {
        let args: Vec<&[u8]> = cmdline.split(|b| *b == 0).collect();
        let first = args
            .first()
            .map(|a| String::from_utf8_lossy(a).into_owned())
            .unwrap_or_default();
        first.ends_with("prefect-rs") && args.iter().any(|a| *a == b"--detached-child")
    })
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
