//! The server's log: every line it writes while serving goes through `line`, which never panics (Rust's
//! `eprintln!` does when stderr is a closed pipe or a full disk, and that took the whole server down). A line that
//! cannot be written is counted and dropped; the next line that gets through says how many were lost.

use std::io::{self, Write};
use std::sync::atomic::{AtomicU64, Ordering};

/// `log!("…", args)`: `line` with `format!` arguments; use it instead of `eprintln!` anywhere the server runs.
macro_rules! log {
    ($($arg:tt)*) => {
        $crate::log::line(&format!($($arg)*))
    };
}
pub(crate) use log;

/// Lines lost on stderr since its last successful write.
static DROPPED: AtomicU64 = AtomicU64::new(0);

/// Writes one line to stderr (the background server's `server.log`), or counts it as dropped.
pub fn line(text: &str) {
    // The stderr lock orders writers, so the count read in `write_line` is the one its write reports.
    write_line(&mut io::stderr().lock(), &DROPPED, text);
}

/// A status line written some other way (the `Printer`'s banner): a failure counts as a dropped line and never
/// stops the server.
pub fn record(written: io::Result<()>) {
    if written.is_err() {
        DROPPED.fetch_add(1, Ordering::Relaxed);
    }
}

fn write_line(out: &mut impl Write, dropped: &AtomicU64, text: &str) {
    let lost = dropped.load(Ordering::Relaxed);
    let mut bytes = String::with_capacity(text.len() + 120);
    if lost > 0 {
        bytes.push_str(&format!(
            "warning: {lost} log line(s) before this one could not be written (a full disk or a closed pipe?) \
             and were dropped\n"
        ));
    }
    bytes.push_str(text);
    bytes.push('\n');
    match out.write_all(bytes.as_bytes()).and_then(|()| out.flush()) {
        Ok(()) => {
            dropped.fetch_sub(lost, Ordering::Relaxed);
        }
        Err(_) => {
            dropped.fetch_add(1, Ordering::Relaxed);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Fails every write while `full`, like a full disk.
    struct Disk {
        full: bool,
        written: Vec<u8>,
    }

    impl Write for Disk {
        fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
            if self.full {
                return Err(io::Error::from_raw_os_error(libc::ENOSPC));
            }
            self.written.extend_from_slice(buf);
            Ok(buf.len())
        }

        fn flush(&mut self) -> io::Result<()> {
            Ok(())
        }
    }

    #[test]
    fn lines_that_cannot_be_written_are_counted_and_reported_once_writing_works() {
        let dropped = AtomicU64::new(0);
        let mut disk = Disk {
            full: true,
            written: Vec::new(),
        };
        write_line(&mut disk, &dropped, "one");
        write_line(&mut disk, &dropped, "two");
        assert_eq!(dropped.load(Ordering::Relaxed), 2);
        disk.full = false;
        write_line(&mut disk, &dropped, "three");
        write_line(&mut disk, &dropped, "four");
        assert_eq!(
            String::from_utf8(disk.written).unwrap(),
            "warning: 2 log line(s) before this one could not be written (a full disk or a closed pipe?) and were \
             dropped\nthree\nfour\n"
        );
        assert_eq!(dropped.load(Ordering::Relaxed), 0);
    }
}
