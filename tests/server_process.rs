//! The in-process server as an operating-system process: a log it cannot write, idle and excess connections,
//! running out of file descriptors, and the background server's PID file, log and stop across PREFECT_HOMEs.

mod common;

use std::process::Stdio;
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
