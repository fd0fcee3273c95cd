//! A prefect-rs server under test: started on a free loopback port, waited for, stopped with SIGTERM; and a tiny
//! HTTP/1.1 client (std only) to talk to it.

use std::io::{Read, Write};
use std::net::TcpStream;
use std::process::{Child, Stdio};
use std::time::{Duration, Instant};

use super::{Output, TestEnv};

pub struct Server {
    child: Option<Child>,
    pub port: u16,
}

pub fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

impl Server {
    /// `prefect-rs server start --no-docker` with `env` (and extra variables), waited for until healthy.
    pub fn start(env: &TestEnv, vars: &[(&str, &str)]) -> Server {
        Self::start_with_args(env, vars, &[])
    }

    /// Like `start`, with extra command-line arguments.
    pub fn start_with_args(env: &TestEnv, vars: &[(&str, &str)], extra: &[&str]) -> Server {
        Self::start_with(env, vars, extra, |_| {})
    }

    /// Like `start_with_args`, with a last say over the command (resource limits, streams).
    pub fn start_with(
        env: &TestEnv,
        vars: &[(&str, &str)],
        extra: &[&str],
        configure: impl FnOnce(&mut std::process::Command),
    ) -> Server {
        let port = free_port();
        let port_text = port.to_string();
        let mut args = vec!["server", "start", "--no-docker", "--port", &port_text];
        args.extend_from_slice(extra);
        let mut run = env.cmd(&args);
        for (key, value) in vars {
            run = run.env(key, value);
        }
        let mut command = run.into_command();
        command
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped());
        configure(&mut command);
        let child = command.spawn().expect("prefect-rs starts");
        let mut server = Server {
            child: Some(child),
            port,
        };
        server.wait_healthy();
        server
    }

    fn wait_healthy(&mut self) {
        let started = Instant::now();
        while started.elapsed() < Duration::from_secs(30) {
            if let Some(status) = self.child.as_mut().unwrap().try_wait().unwrap() {
                let out = self.child.take().unwrap().wait_with_output().unwrap();
                panic!(
                    "the server exited ({status}): {}",
                    String::from_utf8_lossy(&out.stderr)
                );
            }
            if get(&format!("{}/health", self.api_url())).0 == 200 {
                return;
            }
            std::thread::sleep(Duration::from_millis(20));
        }
        panic!("the server did not become healthy");
    }

    pub fn pid(&self) -> u32 {
        self.child.as_ref().unwrap().id()
    }

    /// Closes the reading end of the server's stderr pipe: its next write there fails (EPIPE).
    pub fn close_stderr(&mut self) {
        drop(self.child.as_mut().unwrap().stderr.take());
    }

    pub fn api_url(&self) -> String {
        format!("http://127.0.0.1:{}/api", self.port)
    }

    /// SIGTERM, then the exit code and output.
    pub fn stop(mut self) -> Output {
        let child = self.child.take().unwrap();
        unsafe { libc::kill(child.id() as i32, libc::SIGTERM) };
        let out = child.wait_with_output().unwrap();
        Output {
            code: out.status.code().unwrap_or(-1),
            stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
            stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
        }
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        if let Some(mut child) = self.child.take() {
            let _ = child.kill();
            let _ = child.wait();
        }
    }
}

pub fn get(url: &str) -> (u16, String) {
    request("GET", url, None, &[])
}

pub fn post(url: &str, body: &str) -> (u16, String) {
    request("POST", url, Some(body), &[])
}

/// A JSON call to the server's API (`path` below `/api`; a GET sends no body): the status and the answer,
/// `null` when empty.
pub fn call_api(
    server: &Server,
    method: &str,
    path: &str,
    body: &serde_json::Value,
) -> (u16, serde_json::Value) {
    let url = format!("{}{path}", server.api_url());
    let sent = body.to_string();
    let (status, text) = request(
        method,
        &url,
        (method != "GET").then_some(sent.as_str()),
        &[],
    );
    let answer = if text.is_empty() {
        serde_json::Value::Null
    } else {
        serde_json::from_str(&text).unwrap_or_else(|e| panic!("not JSON ({e}): {text}"))
    };
    (status, answer)
}

/// One request with `Connection: close`; the status and the body. A body is sent as `application/json`.
pub fn request(
    method: &str,
    url: &str,
    body: Option<&str>,
    headers: &[(&str, &str)],
) -> (u16, String) {
    let mut all = headers.to_vec();
    if method != "GET" {
        all.push(("Content-Type", "application/json"));
    }
    let reply = exchange(method, url, body.map(str::as_bytes), &all);
    (reply.status, reply.body)
}

/// A response as read off the socket: status, headers (names lower-cased, in order) and the de-chunked body.
#[derive(Debug)]
pub struct Reply {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: String,
}

impl Reply {
    /// The first value of a header, by lower-case name.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
    }
}

/// One request with `Connection: close` and exactly the given headers (plus Host and, with a body or for a
/// method other than GET, Content-Length).
pub fn exchange(method: &str, url: &str, body: Option<&[u8]>, headers: &[(&str, &str)]) -> Reply {
    let rest = url.strip_prefix("http://").expect("http URL");
    let (authority, path) = rest
        .split_once('/')
        .map(|(a, p)| (a, format!("/{p}")))
        .unwrap_or((rest, "/".into()));
    let failed = Reply {
        status: 0,
        headers: Vec::new(),
        body: String::new(),
    };
    let Ok(mut stream) = TcpStream::connect(authority) else {
        return failed;
    };
    stream
        .set_read_timeout(Some(Duration::from_secs(30)))
        .unwrap();
    let mut head =
        format!("{method} {path} HTTP/1.1\r\nHost: {authority}\r\nConnection: close\r\n");
    for (key, value) in headers {
        head.push_str(&format!("{key}: {value}\r\n"));
    }
    let body = body.unwrap_or(b"");
    if method != "GET" || !body.is_empty() {
        head.push_str(&format!("Content-Length: {}\r\n", body.len()));
    }
    head.push_str("\r\n");
    let mut bytes = head.into_bytes();
    bytes.extend_from_slice(body);
    if stream.write_all(&bytes).is_err() {
        return failed;
    }
    let mut raw = Vec::new();
    let _ = stream.read_to_end(&mut raw);
    parse_reply(&String::from_utf8_lossy(&raw))
}

/// Parses one HTTP/1.1 response (head and body) from text.
pub fn parse_reply(raw: &str) -> Reply {
    let (head, body) = raw.split_once("\r\n\r\n").unwrap_or((raw, ""));
    let mut lines = head.split("\r\n");
    let status = lines
        .next()
        .and_then(|l| l.split_whitespace().nth(1))
        .and_then(|s| s.parse().ok())
        .unwrap_or(0);
    let headers: Vec<(String, String)> = lines
        .filter_map(|l| l.split_once(':'))
        .map(|(n, v)| (n.trim().to_ascii_lowercase(), v.trim().to_owned()))
        .collect();
    let chunked = headers
        .iter()
        .any(|(n, v)| n == "transfer-encoding" && v.eq_ignore_ascii_case("chunked"));
    let body = if chunked {
        dechunk(body)
    } else {
        body.to_owned()
    };
    Reply {
        status,
        headers,
        body,
    }
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
