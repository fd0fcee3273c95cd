//! Quick, bounded `GET`s against a Prefect API (`<api>/health`, `<api>/admin/version`) over plain HTTP with the
//! standard library only, so `profile use` and `server status` can report on a server without ever hanging.

use std::io::{Read, Write};
use std::net::{TcpStream, ToSocketAddrs};
use std::time::Duration;

use base64::Engine;

pub enum Health {
    Healthy,
    Unhealthy(String),
    /// We do not check this kind of URL here (https needs TLS).
    NotChecked(&'static str),
}

pub fn check(api_url: &str, timeout: Duration) -> Health {
    match get(api_url, "health", timeout, None) {
        Ok(reply) if reply.status == 200 => Health::Healthy,
        Ok(reply) => {
            Health::Unhealthy(format!("GET {} answered HTTP {}", reply.path, reply.status))
        }
        Err(Error::NotChecked(why)) => Health::NotChecked(why),
        Err(Error::Failed(why)) => Health::Unhealthy(why),
    }
}

pub struct Reply {
    pub path: String,
    pub status: u16,
    pub body: String,
}

pub enum Error {
    NotChecked(&'static str),
    Failed(String),
}

/// `GET <api_url>/<endpoint>`, with basic auth when `auth` (`user:password`) is given.
pub fn get(
    api_url: &str,
    endpoint: &str,
    timeout: Duration,
    auth: Option<&str>,
) -> Result<Reply, Error> {
    let Some(rest) = api_url.strip_prefix("http://") else {
        return Err(Error::NotChecked("only http:// URLs are checked"));
    };
    let (authority, path) = rest.split_once('/').map_or((rest, ""), |(a, p)| (a, p));
    let authority = authority.rsplit_once('@').map_or(authority, |(_, hp)| hp);
    let address = if authority.ends_with(']') || !authority.contains(':') {
        format!("{authority}:80")
    } else {
        authority.to_owned()
    };
    let path = format!("/{}/{endpoint}", path.trim_end_matches('/')).replace("//", "/");
    let authorization = auth
        .map(|a| {
            let encoded = base64::engine::general_purpose::STANDARD.encode(a);
            format!("Authorization: Basic {encoded}\r\n")
        })
        .unwrap_or_default();
    let request = format!(
        "GET {path} HTTP/1.1\r\nHost: {authority}\r\n{authorization}Connection: close\r\n\r\n"
    );
    let raw = exchange(&address, &request, timeout).map_err(|e| Error::Failed(e.to_string()))?;
    let (head, body) = raw.split_once("\r\n\r\n").unwrap_or((&raw, ""));
    let status = head
        .split_whitespace()
        .nth(1)
        .and_then(|code| code.parse().ok())
        .ok_or_else(|| Error::Failed("the answer was not HTTP".into()))?;
    let chunked = head
        .to_ascii_lowercase()
        .contains("transfer-encoding: chunked");
    let body = if chunked {
        dechunk(body)
    } else {
        body.to_owned()
    };
    Ok(Reply { path, status, body })
}

fn exchange(address: &str, request: &str, timeout: Duration) -> std::io::Result<String> {
    let socket = address
        .to_socket_addrs()?
        .next()
        .ok_or_else(|| std::io::Error::other(format!("{address} has no address")))?;
    let mut stream = TcpStream::connect_timeout(&socket, timeout)?;
    stream.set_read_timeout(Some(timeout))?;
    stream.set_write_timeout(Some(timeout))?;
    // One write: `write!` on a socket sends each piece separately, and a server may answer (and close) after
    // the first.
    stream.write_all(request.as_bytes())?;
    let mut raw = Vec::new();
    stream.take(1 << 20).read_to_end(&mut raw)?;
    Ok(String::from_utf8_lossy(&raw).into_owned())
}

fn dechunk(mut body: &str) -> String {
    let mut out = String::new();
    while let Some((size, rest)) = body.split_once("\r\n") {
        let Ok(size) = usize::from_str_radix(size.trim(), 16) else {
            break;
        };
        if size == 0 || rest.len() < size {
            break;
        }
        out.push_str(&rest[..size]);
        body = rest[size..].trim_start_matches("\r\n");
    }
    out
}
