//! Before anything else, take the listening socket: a busy port is reported as busy and names its holder when
//! /proc tells us; an invalid host is reported as invalid (Prefect calls both "port in use", #16950).

use std::io::ErrorKind;
use std::net::{SocketAddr, TcpListener, ToSocketAddrs};

use crate::error::Failure;

pub fn bind(host: &str, port: u16) -> Result<TcpListener, Failure> {
    let addresses: Vec<SocketAddr> = match (host, port).to_socket_addrs() {
        Ok(addresses) => addresses.collect(),
        Err(e) => {
            return Err(Failure::new(format!("Invalid host {host:?}: {e}"))
                .hint("give an IP address or a host name, e.g. --host 127.0.0.1 (or 0.0.0.0 for every interface)"));
        }
    };
    let Some(address) = addresses.first() else {
        return Err(Failure::new(format!(
            "Host {host:?} resolves to no address"
        )));
    };
    TcpListener::bind(address).map_err(|e| match e.kind() {
        ErrorKind::AddrInUse => {
            let holder = holder_of(port)
                .map(|h| format!(" by {h}"))
                .unwrap_or_default();
            Failure::new(format!("Port {port} on {host} is already in use{holder}")).hint(format!(
                "stop it, or pick another port: prefect-rs server start --no-docker --port {}",
                port.saturating_add(1)
            ))
        }
        ErrorKind::AddrNotAvailable => Failure::new(format!(
            "Cannot listen on {host}: that address does not belong to this machine"
        ))
        .hint("use 127.0.0.1 for this machine only, or 0.0.0.0 for every interface"),
        ErrorKind::PermissionDenied => {
            Failure::new(format!("Not allowed to listen on port {port} of {host}"))
                .hint("ports below 1024 need privileges; pick a higher one with --port")
        }
        _ => Failure::new(format!("Cannot listen on {host}:{port}: {e}")),
    })
}

/// `process 1234 (python3)` when a listening socket on `port` belongs to a process we may inspect.
pub fn holder_of(port: u16) -> Option<String> {
    let inode = ["/proc/net/tcp", "/proc/net/tcp6"]
        .iter()
        .filter_map(|path| std::fs::read_to_string(path).ok())
        .find_map(|table| listening_inode(&table, port))?;
    let target = format!("socket:[{inode}]");
    for entry in std::fs::read_dir("/proc").ok()?.flatten() {
        let Ok(pid) = entry.file_name().to_string_lossy().parse::<u32>() else {
            continue;
        };
        let Ok(fds) = std::fs::read_dir(entry.path().join("fd")) else {
            continue;
        };
        let owns = fds.flatten().any(|fd| {
            std::fs::read_link(fd.path()).is_ok_and(|link| link.to_string_lossy() == target)
        });
        if owns {
            let name = std::fs::read_to_string(entry.path().join("comm")).unwrap_or_default();
            return Some(format!("process {pid} ({})", name.trim()));
        }
    }
    None
}

/// The inode of a LISTEN socket on `port` in a /proc/net/tcp table.
fn listening_inode(table: &str, port: u16) -> Option<String> {
    table.lines().skip(1).find_map(|line| {
        let fields: Vec<&str> = line.split_whitespace().collect();
        let local_port = fields.get(1)?.rsplit(':').next()?;
        let listening = fields.get(3) == Some(&"0A");
        (listening && u16::from_str_radix(local_port, 16).ok()? == port)
            .then(|| fields.get(9).map(|s| s.to_string()))?
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_busy_port_names_its_holder_and_an_invalid_host_is_invalid() {
        let taken = TcpListener::bind("127.0.0.1:0").unwrap();
        let port = taken.local_addr().unwrap().port();
        let err = bind("127.0.0.1", port).unwrap_err();
        assert!(
            err.message
                .starts_with(&format!("Port {port} on 127.0.0.1 is already in use")),
            "{}",
            err.message
        );
        assert!(
            err.message
                .contains(&format!("process {}", std::process::id())),
            "{}",
            err.message
        );
        let err = bind("http://127.0.0.1", 4200).unwrap_err();
        assert!(err.message.starts_with("Invalid host"), "{}", err.message);
    }
}
