//! A quick, bounded check that a Prefect API answers `GET <api>/health`, over plain HTTP with the standard
//! library only, so `profile use` can report on the server without ever blocking the switch.

use std::io::{Read, Write};
use std::net::{TcpStream, ToSocketAddrs};
use std::time::Duration;

pub enum Health {
    Healthy,
    Unhealthy(String),
    /// We do not check this kind of URL here (https needs TLS).
    NotChecked(&'static str),
}

pub fn check(api_url: &str, timeout: Duration) -> Health {
    let Some(rest) = api_url.strip_prefix("http://") else {
        return Health::NotChecked("only http:// URLs are checked");
    };
    let (authority, path) = rest.split_once('/').map_or((rest, ""), |(a, p)| (a, p));
    let authority = authority.rsplit_once('@').map_or(authority, |(_, hp)| hp);
    let address = if authority.ends_with(']') || !authority.contains(':') {
        format!("{authority}:80")
    } else {
        authority.to_owned()
    };
    let path = format!("/{}/health", path.trim_end_matches('/')).replace("//", "/");
    match get(&address, authority, &path, timeout) {
        Ok(200) => Health::Healthy,
        Ok(status) => Health::Unhealthy(format!("GET {path} answered HTTP {status}")),
        Err(err) => Health::Unhealthy(err.to_string()),
    }
}

fn get(address: &str, host: &str, path: &str, timeout: Duration) -> std::io::Result<u16> {
    let socket = address
        .to_socket_addrs()?
        .next()
        .ok_or_else(|| std::io::Error::other(format!("{address} has no address")))?;
    let mut stream = TcpStream::connect_timeout(&socket, timeout)?;
    stream.set_read_timeout(Some(timeout))?;
    stream.set_write_timeout(Some(timeout))?;
    // One write: `write!` on a socket sends each piece separately, and a server may answer (and close) after
    // the first.
    let request = format!("GET {path} HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\n\r\n");
    stream.write_all(request.as_bytes())?;
    let mut head = [0u8; 64];
    let n = stream.read(&mut head)?;
    let line = String::from_utf8_lossy(&head[..n]);
    line.split_whitespace()
        .nth(1)
        .and_then(|code| code.parse().ok())
        .ok_or_else(|| std::io::Error::other("the answer was not HTTP"))
}
