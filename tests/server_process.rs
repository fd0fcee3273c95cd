//! The in-process server as an operating-system process: a log it cannot write, idle and excess connections,
//! running out of file descriptors, and the background server's PID file, log and stop across PREFECT_HOMEs.

mod common;

use std::io::{Read, Write};
use std::net::TcpStream;
use std::os::unix::process::CommandExt;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use common::TestEnv;
use common::server::{Server, free_port, get};

/// `n` GETs of `path`, each answered 200.
#[track_caller]
fn all_answer_200(api: &str, path: &str, n: usize) {
    for i in 0..n {
        let (status, body) = get(&format!("{api}/{path}"));
        assert_eq!(status, 200, "request {i} of {n}: {body}");
    }
}

#[test]
fn a_foreground_server_whose_stderr_is_closed_keeps_serving() {
    let env = TestEnv::new();
    let mut server = Server::start_with_args(&env, &[], &["--log-level", "INFO"]);
    server.close_stderr();
    // Every request writes an access-log line to the closed pipe.
    all_answer_200(&server.api_url(), "hello", 300);
    assert_eq!(server.stop().code, 0);
}

/// The background server is this process (`--detached-child`) with its log as stdout and stderr: here the log is
/// `/dev/full`, where every write fails with ENOSPC, as on a full disk.
#[test]
fn a_background_server_whose_log_is_on_a_full_disk_keeps_serving_and_stops_cleanly() {
    let env = TestEnv::new();
    let port = free_port();
    let full = || {
        std::fs::OpenOptions::new()
            .write(true)
            .open("/dev/full")
            .unwrap()
    };
    let mut child = env
        .cmd(&["server", "start", "--no-docker", "--detached-child"])
        .into_command()
        .args(["--port", &port.to_string(), "--log-level", "INFO"])
        .stdin(Stdio::null())
        .stdout(full())
        .stderr(full())
        .spawn()
        .unwrap();
    let api = format!("http://127.0.0.1:{port}/api");
    wait_until("the server answers /health", || {
        assert!(child.try_wait().unwrap().is_none(), "the server exited");
        get(&format!("{api}/health")).0 == 200
    });
    all_answer_200(&api, "hello", 300);
    env.cmd(&["server", "stop", "--no-docker"]).run().success();
    assert!(child.wait().unwrap().success());
    assert!(!env.home().join("server.pid").exists());
}

#[test]
fn a_restart_keeps_the_previous_log_as_server_log_1() {
    let env = TestEnv::new();
    let start = |port: &str| {
        let args = [
            "server",
            "start",
            "--no-docker",
            "-b",
            "--port",
            port,
            "--log-level",
            "INFO",
        ];
        env.cmd(&args).run().success();
    };
    let first = free_port().to_string();
    start(&first);
    assert_eq!(get(&format!("http://127.0.0.1:{first}/api/hello")).0, 200);
    env.cmd(&["server", "stop", "--no-docker"]).run().success();
    let second = free_port().to_string();
    start(&second);
    env.cmd(&["server", "stop", "--no-docker"]).run().success();

    let previous = std::fs::read_to_string(env.home().join("server.log.1")).unwrap();
    assert!(
        previous.contains(&format!("127.0.0.1:{first}/api"))
            && previous.contains("GET /api/hello 200"),
        "{previous}"
    );
    let current = std::fs::read_to_string(env.home().join("server.log")).unwrap();
    assert!(
        current.contains(&format!("127.0.0.1:{second}/api")),
        "{current}"
    );
    assert!(!current.contains("/api/hello"), "{current}");
}

/// Calls `done` every 50 ms until it is true; panics after 30 s.
#[track_caller]
fn wait_until(what: &str, mut done: impl FnMut() -> bool) {
    let deadline = Instant::now() + Duration::from_secs(30);
    while !done() {
        assert!(Instant::now() < deadline, "waited 30 s for: {what}");
        std::thread::sleep(Duration::from_millis(50));
    }
}

/// Reads until the server closes the connection; `Err` when it is still open after 30 s.
fn read_until_closed(stream: &mut TcpStream) -> Result<Vec<u8>, std::io::Error> {
    stream.set_read_timeout(Some(Duration::from_secs(30)))?;
    let mut received = Vec::new();
    let mut buf = [0; 4096];
    loop {
        match stream.read(&mut buf) {
            Ok(0) => return Ok(received),
            Ok(n) => received.extend_from_slice(&buf[..n]),
            Err(e) if e.kind() == std::io::ErrorKind::ConnectionReset => return Ok(received),
            Err(e) => return Err(e),
        }
    }
}

#[test]
fn a_silent_connection_is_closed_after_the_keep_alive_timeout() {
    let env = TestEnv::new();
    let server = Server::start(&env, &[("PREFECT_SERVER_API_KEEPALIVE_TIMEOUT", "1")]);
    let address = ("127.0.0.1", server.port);

    // Never sends a byte.
    let mut silent = TcpStream::connect(address).unwrap();
    let received = read_until_closed(&mut silent).expect("the server closes a silent connection");
    assert!(
        received.is_empty(),
        "{}",
        String::from_utf8_lossy(&received)
    );

    // Sends one request, keeps the connection, and says nothing more.
    let mut idle = TcpStream::connect(address).unwrap();
    idle.write_all(b"GET /api/health HTTP/1.1\r\nHost: x\r\n\r\n")
        .unwrap();
    let received =
        read_until_closed(&mut idle).expect("the server closes an idle keep-alive connection");
    assert!(String::from_utf8_lossy(&received).starts_with("HTTP/1.1 200"));
}

/// Opens a websocket on `path` with Prefect's subprotocol; returns the stream after the 101.
fn open_websocket(port: u16, path: &str) -> TcpStream {
    let mut stream = TcpStream::connect(("127.0.0.1", port)).unwrap();
    let request = format!(
        "GET {path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\
         Sec-WebSocket-Version: 13\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n\
         Sec-WebSocket-Protocol: prefect\r\n\r\n"
    );
    stream.write_all(request.as_bytes()).unwrap();
    let mut head = Vec::new();
    let mut byte = [0];
    while !head.ends_with(b"\r\n\r\n") {
        stream.read_exact(&mut byte).unwrap();
        head.push(byte[0]);
    }
    let head = String::from_utf8_lossy(&head);
    assert!(head.starts_with("HTTP/1.1 101"), "{head}");
    stream
}

#[test]
fn a_websocket_that_never_authenticates_is_closed_with_prefects_code() {
    let env = TestEnv::new();
    let server = Server::start(&env, &[("PREFECT_SERVER_API_KEEPALIVE_TIMEOUT", "1")]);
    for path in ["/api/events/in", "/api/events/out", "/api/logs/out"] {
        let mut socket = open_websocket(server.port, path);
        let received = read_until_closed(&mut socket).expect("the server closes the websocket");
        // An unmasked close frame: 0x88, the payload length, the code (big-endian), the reason.
        assert!(
            received.len() >= 4 && received[0] == 0x88,
            "{path}: {received:?}"
        );
        let code = u16::from_be_bytes([received[2], received[3]]);
        let reason = String::from_utf8_lossy(&received[4..2 + received[1] as usize]);
        assert_eq!(
            (code, &*reason),
            (1008, "Expected 'auth' message"),
            "{path}"
        );
    }
}

/// Connections past PREFECT_RS_SERVER_MAX_CONNECTIONS are answered 503 and closed, and served again once the
/// others close.
#[test]
fn connections_past_the_cap_get_503_until_others_close() {
    let env = TestEnv::new();
    let server = Server::start(
        &env,
        &[
            ("PREFECT_RS_SERVER_MAX_CONNECTIONS", "4"),
            ("PREFECT_SERVER_API_KEEPALIVE_TIMEOUT", "60"),
        ],
    );
    let holders: Vec<TcpStream> = (0..4)
        .map(|_| TcpStream::connect(("127.0.0.1", server.port)).unwrap())
        .collect();
    let health = format!("{}/health", server.api_url());
    // The answer is read from the refusal itself: a refused connection may also be reset before the client reads.
    let mut body = String::new();
    wait_until("the fifth connection is refused", || {
        let (status, text) = get(&health);
        body = text;
        status == 503
    });
    assert!(
        body.contains("\"detail\"") && body.contains("PREFECT_RS_SERVER_MAX_CONNECTIONS"),
        "{body}"
    );
    drop(holders);
    wait_until("health answers once the connections close", || {
        get(&health).0 == 200
    });
}

/// User plus system CPU time of a process so far, in seconds.
fn cpu_seconds(pid: u32) -> f64 {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).unwrap();
    // Fields after the command name (which is in parentheses and may hold spaces): utime and stime are 14 and 15.
    let after_name = &stat[stat.rfind(')').unwrap() + 2..];
    let fields: Vec<&str> = after_name.split_whitespace().collect();
    let ticks: u64 = fields[11].parse::<u64>().unwrap() + fields[12].parse::<u64>().unwrap();
    ticks as f64 / unsafe { libc::sysconf(libc::_SC_CLK_TCK) } as f64
}

fn limit_open_files(command: &mut Command, limit: u64) {
    // SAFETY: setrlimit only, between fork and exec.
    unsafe {
        command.pre_exec(move || {
            let rlimit = libc::rlimit {
                rlim_cur: limit,
                rlim_max: limit,
            };
            if libc::setrlimit(libc::RLIMIT_NOFILE, &rlimit) == 0 {
                Ok(())
            } else {
                Err(std::io::Error::last_os_error())
            }
        });
    }
}

/// With more connections than file descriptors the accept loop backs off instead of spinning, and the server
/// answers again once the connections close.
#[test]
fn running_out_of_file_descriptors_neither_spins_nor_stops_the_server() {
    let env = TestEnv::new();
    let server = Server::start_with(
        &env,
        &[
            ("PREFECT_SERVER_API_KEEPALIVE_TIMEOUT", "120"),
            ("PREFECT_RS_SERVER_MAX_CONNECTIONS", "10000"),
        ],
        &[],
        |command| limit_open_files(command, 128),
    );
    let held: Vec<TcpStream> = (0..200)
        .map(|_| TcpStream::connect(("127.0.0.1", server.port)).unwrap())
        .collect();
    let open_files = || {
        std::fs::read_dir(format!("/proc/{}/fd", server.pid()))
            .unwrap()
            .count()
    };
    wait_until("the server has used up its descriptors", || {
        open_files() >= 120
    });
    let before = cpu_seconds(server.pid());
    std::thread::sleep(Duration::from_secs(4));
    let spent = cpu_seconds(server.pid()) - before;
    // A spinning accept loop burns most of a core (measured: 1.7 s of the 4 s on a loaded 2-core machine); a
    // backing-off one, a few hundredths.
    assert!(
        spent < 0.5,
        "the server used {spent:.2} s of CPU in 4 s of exhausted descriptors"
    );
    drop(held);
    let health = format!("{}/health", server.api_url());
    wait_until("health answers once the connections close", || {
        get(&health).0 == 200
    });
}

/// PREFECT_HOME's server.pid naming a live server of another home (a copied home, a reused PID): `stop` refuses,
/// exits 1, and the other server keeps running with its files.
#[test]
fn stop_does_not_signal_the_server_of_another_home() {
    let ours = TestEnv::new();
    let theirs = TestEnv::new();
    let port = free_port().to_string();
    theirs
        .cmd(&["server", "start", "--no-docker", "-b", "--port", &port])
        .run()
        .success();
    let their_pid_file = theirs.home().join("server.pid");
    let their_files = std::fs::read(&their_pid_file).unwrap();
    let pid = String::from_utf8_lossy(&their_files)
        .lines()
        .next()
        .unwrap()
        .to_owned();
    std::fs::create_dir_all(ours.home()).unwrap();
    std::fs::write(ours.home().join("server.pid"), &their_files).unwrap();

    let out = ours.cmd(&["server", "stop", "--no-docker"]).run().code(1);
    assert!(
        out.stderr.contains(&format!("PID {pid}"))
            && out.stderr.contains("not the server of this PREFECT_HOME")
            && out.stderr.contains(&theirs.home().display().to_string()),
        "{}",
        out.stderr
    );
    assert_eq!(get(&format!("http://127.0.0.1:{port}/api/health")).0, 200);
    assert_eq!(std::fs::read(&their_pid_file).unwrap(), their_files);
    assert!(theirs.home().join("server.log").exists());

    theirs
        .cmd(&["server", "stop", "--no-docker"])
        .run()
        .success();
    assert!(!their_pid_file.exists());
}

/// Starts `server start -b --port port` in each home at once; the exit codes and stderr of each.
fn start_at_once(homes: &[&TestEnv], port: &str) -> Vec<(i32, String)> {
    let starts: Vec<_> = homes
        .iter()
        .map(|env| {
            env.cmd(&["server", "start", "--no-docker", "-b", "--port", port])
                .into_command()
                .stdout(Stdio::piped())
                .stderr(Stdio::piped())
                .spawn()
                .unwrap()
        })
        .collect();
    starts
        .into_iter()
        .map(|start| {
            let out = start.wait_with_output().unwrap();
            (
                out.status.code().unwrap(),
                String::from_utf8_lossy(&out.stderr).into_owned(),
            )
        })
        .collect()
}

/// The stderr of the one start that failed, asserting that the other succeeded.
#[track_caller]
fn the_loser(outcomes: &[(i32, String)]) -> String {
    let mut codes: Vec<i32> = outcomes.iter().map(|(code, _)| *code).collect();
    codes.sort();
    assert_eq!(codes, [0, 1], "{outcomes:#?}");
    outcomes
        .iter()
        .find(|(code, _)| *code == 1)
        .unwrap()
        .1
        .clone()
}

/// Two `server start -b` at once: one starts, the other says why not: this home's server already runs (and
/// which), or the port is taken (by another home's server); never "started" for a server that did not.
#[test]
fn the_loser_of_two_concurrent_background_starts_says_why() {
    for _ in 0..3 {
        let env = TestEnv::new();
        let port = free_port().to_string();
        let loser = the_loser(&start_at_once(&[&env, &env], &port));
        let recorded = std::fs::read_to_string(env.home().join("server.pid")).unwrap();
        let pid = recorded.lines().next().unwrap();
        assert!(
            loser.contains(&format!(
                "already running for this PREFECT_HOME (PID {pid}, http://127.0.0.1:{port}/api)"
            )),
            "{loser}"
        );
        env.cmd(&["server", "stop", "--no-docker"]).run().success();

        let (first, second) = (TestEnv::new(), TestEnv::new());
        let loser = the_loser(&start_at_once(&[&first, &second], &port));
        assert!(
            loser.contains(&format!("Port {port} on 127.0.0.1 is already in use")),
            "{loser}"
        );
        for env in [&first, &second] {
            if env.home().join("server.pid").exists() {
                env.cmd(&["server", "stop", "--no-docker"]).run().success();
            }
        }
    }
}
