//! `server start --no-docker | stop | status`: the in-process server over real HTTP, its preflight errors, the
//! background mode, and the official Python client and CLI running flows against it on SQLite and PostgreSQL.

mod common;

use std::collections::BTreeSet;
use std::time::{Duration, Instant};

use common::postgres::Postgres;
use common::server::{Server, free_port, get, post, request};
use common::{TestEnv, python_prefect, sqlite};
use serde_json::Value;

fn json(text: &str) -> Value {
    serde_json::from_str(text).unwrap_or_else(|e| panic!("not JSON ({e}): {text}"))
}

#[test]
fn start_serves_prefects_probe_endpoints_and_stops_cleanly_on_sigterm() {
    let env = TestEnv::new();
    let server = Server::start(&env, &[]);
    let api = server.api_url();
    assert_eq!(get(&format!("{api}/health")), (200, "true".into()));
    assert_eq!(
        get(&format!("{api}/ready")),
        (200, r#"{"message":"OK"}"#.into())
    );
    assert_eq!(
        get(&format!("{api}/admin/version")),
        (200, r#""3.9.1""#.into())
    );
    assert_eq!(get(&format!("{api}/hello")).1, r#""👋""#);
    assert_eq!(
        get(&format!("{api}/csrf-token?client=x")),
        (422, r#"{"detail":"CSRF protection is disabled."}"#.into())
    );
    let old = request(
        "GET",
        &format!("{api}/hello"),
        None,
        &[("X-Prefect-API-Version", "0.1.0")],
    );
    assert_eq!(
        old,
        (400, r#"{"detail":"The request specified API version 0.1.0 but this server requires version 0.8.0 or higher."}"#.into())
    );
    assert_eq!(
        get(&format!("{api}/flow_runs/not-a-uuid")),
        (404, r#"{"detail":"Not Found"}"#.into())
    );
    let out = server.stop();
    assert_eq!(out.code, 0, "{}", out.stderr);
    let banner = env.redact(&out.stderr);
    assert!(banner.contains("Prefect server (prefect-rs"), "{banner}");
    assert!(
        banner.contains("prefect config set PREFECT_API_URL=http://127.0.0.1:"),
        "{banner}"
    );
    assert!(
        banner
            .contains("Database: sqlite+aiosqlite:///[ROOT]/prefect-home/prefect.db (persistent)"),
        "{banner}"
    );
    assert!(banner.trim_end().ends_with("Server stopped."), "{banner}");
    assert!(env.home().join("prefect.db").exists(), "migrated on start");
}

#[test]
fn a_busy_port_names_its_holder_and_an_invalid_host_is_invalid() {
    let env = TestEnv::new();
    let taken = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = taken.local_addr().unwrap().port().to_string();
    let out = env
        .cmd(&["server", "start", "--no-docker", "--port", &port])
        .run()
        .code(1);
    assert!(
        out.stderr.contains(&format!(
            "error: Port {port} on 127.0.0.1 is already in use by process {}",
            std::process::id()
        )),
        "{}",
        out.stderr
    );
    let out = env
        .cmd(&[
            "server",
            "start",
            "--no-docker",
            "--host",
            "http://127.0.0.1",
        ])
        .run()
        .code(1);
    assert!(
        out.stderr
            .contains("error: Invalid host \"http://127.0.0.1\""),
        "{}",
        out.stderr
    );
    assert!(
        !env.home().join("prefect.db").exists(),
        "nothing was migrated"
    );
}

#[test]
fn flags_of_the_other_mode_are_refused_not_ignored() {
    let env = TestEnv::new();
    let out = env
        .cmd(&["server", "start", "--no-docker", "--use-volume"])
        .run()
        .code(2);
    insta::assert_snapshot!(out.stderr, @r#"
    error: --use-volume applies to the Docker stack, not to the in-process server (--no-docker / mode = "process")
    hint: see prefect-rs --help
    "#);
    let out = env
        .cmd(&["server", "start", "--log-level", "INFO"])
        .env("DOCKER_HOST", "unix:///nonexistent.sock")
        .run()
        .code(2);
    insta::assert_snapshot!(out.stderr, @"
    error: --log-level applies to the in-process server; add --no-docker, or set it in the server image's environment
    hint: see prefect-rs --help
    ");
    assert!(!env.home().join("prefect.db").exists());
}

#[test]
fn background_start_then_status_then_stop() {
    let env = TestEnv::new();
    let port = free_port().to_string();
    let api = format!("http://127.0.0.1:{port}/api");
    let out = env
        .cmd(&["server", "start", "--no-docker", "-b", "--port", &port])
        .run()
        .success();
    assert!(
        out.stderr
            .contains("Started the Prefect server in the background (PID "),
        "{}",
        out.stderr
    );
    assert!(
        out.stderr
            .contains("Stop it:  prefect-rs server stop --no-docker\n"),
        "the default `server stop` means the Docker stack: {}",
        out.stderr
    );
    let pid_file = env.home().join("server.pid");
    let recorded = std::fs::read_to_string(&pid_file).unwrap();
    let pid = recorded.lines().next().unwrap().to_owned();
    assert_eq!(recorded, format!("{pid}\n{api}\n"));
    // Without PREFECT_API_URL, status finds the background server on its own port.
    let out = env
        .cmd(&["server", "status", "--no-docker"])
        .run()
        .success();
    assert_eq!(
        out.stdout,
        format!("Server is healthy at {api}, Prefect 3.9.1, background PID {pid}\n")
    );
    let out = env
        .cmd(&["server", "status", "--no-docker", "-o", "json"])
        .env("PREFECT_API_URL", &api)
        .run()
        .success();
    assert_eq!(json(&out.stdout)["healthy"], true);
    // A second background start is refused while the first runs.
    let out = env
        .cmd(&[
            "server",
            "start",
            "--no-docker",
            "-b",
            "--port",
            &free_port().to_string(),
        ])
        .run()
        .code(1);
    assert!(
        out.stderr.contains(&format!(
            "already running for this PREFECT_HOME (PID {pid}, {api})"
        )),
        "{}",
        out.stderr
    );

    let out = env.cmd(&["server", "stop", "--no-docker"]).run().success();
    assert_eq!(
        out.stderr,
        format!("Stopped the Prefect server (PID {pid}).\n")
    );
    assert!(!pid_file.exists());
    let out = env
        .cmd(&["server", "status", "--no-docker"])
        .env("PREFECT_API_URL", &api)
        .run()
        .code(1);
    assert!(
        out.stderr
            .contains(&format!("error: No healthy server at {api}")),
        "{}",
        out.stderr
    );
    let out = env.cmd(&["server", "stop", "--no-docker"]).run().code(1);
    assert!(
        out.stderr.contains("No background server is running"),
        "{}",
        out.stderr
    );

    // A PID file left by a crash is recognised as stale, not signalled.
    std::fs::write(&pid_file, "999999\n").unwrap();
    let out = env.cmd(&["server", "stop", "--no-docker"]).run().success();
    assert!(
        out.stderr
            .contains("process 999999, which is not a running prefect-rs server"),
        "{}",
        out.stderr
    );
    assert!(!pid_file.exists());
}

#[test]
fn basic_auth_protects_the_api_but_not_health() {
    let env = TestEnv::new();
    let server = Server::start(&env, &[("PREFECT_SERVER_API_AUTH_STRING", "admin:s3cret")]);
    let api = server.api_url();
    assert_eq!(get(&format!("{api}/health")).0, 200);
    assert_eq!(
        post(&format!("{api}/flows/filter"), "{}"),
        (401, r#"{"exception_message":"Unauthorized"}"#.into())
    );
    let good = [("Authorization", "Basic YWRtaW46czNjcmV0")];
    assert_eq!(
        request("POST", &format!("{api}/flows/filter"), Some("{}"), &good),
        (200, "[]".into())
    );
    let bad = [("Authorization", "Basic YWRtaW46d3Jvbmc=")];
    assert_eq!(
        request("POST", &format!("{api}/flows/filter"), Some("{}"), &bad).0,
        401
    );
}

#[test]
fn a_database_migrated_by_a_newer_prefect_rs_is_refused_at_start() {
    let env = TestEnv::new();
    env.cmd(&["server", "database", "upgrade", "-y"])
        .run()
        .success();
    sqlite(
        &env.home().join("prefect.db"),
        "INSERT INTO _sqlx_migrations (version, description, success, checksum, execution_time)
         VALUES (29991231000000, 'from the future', TRUE, X'00', 0)",
    );
    let out = env
        .cmd(&[
            "server",
            "start",
            "--no-docker",
            "--port",
            &free_port().to_string(),
        ])
        .run()
        .code(1);
    assert!(
        out.stderr
            .contains("error: This database was migrated by a newer prefect-rs"),
        "{}",
        out.stderr
    );
}

// ------------------------------------------------------------------------------- the official Python client

/// Runs a scenario script from tests/python with the pinned Python prefect against `server`.
fn scenario(env: &TestEnv, server: &Server, script: &str) -> common::Output {
    let python = python_prefect().parent().unwrap().join("python");
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/python")
        .join(script);
    as_client(server, || {
        env.program(&python, &[path.to_str().unwrap()])
            .env("PREFECT_API_URL", server.api_url())
            .env("COLUMNS", "200")
            .run()
    })
}

fn prefect_cli(env: &TestEnv, server: &Server, args: &[&str]) -> common::Output {
    as_client(server, || {
        env.program(python_prefect(), args)
            .env("PREFECT_API_URL", server.api_url())
            .env("COLUMNS", "200")
            .run()
            .success()
    })
}

/// Brackets a client run with `GET /api/hello` in the server's access log, so that `client_calls` can tell the
/// client's requests from the test's own (neither client scenario calls /hello). The server logs a request before
/// answering it, so every line of the client's is in the log before the closing mark.
fn as_client<T>(server: &Server, run: impl FnOnce() -> T) -> T {
    let hello = format!("{}/hello", server.api_url());
    assert_eq!(get(&hello).0, 200);
    let out = run();
    assert_eq!(get(&hello).0, 200);
    out
}

fn flow_run_id(out: &common::Output) -> String {
    out.stdout
        .lines()
        .find_map(|l| l.strip_prefix("FLOW_RUN_ID "))
        .unwrap_or_else(|| panic!("no flow run id in {}\n{}", out.stdout, out.stderr))
        .to_owned()
}

/// The task runs of a flow run, waiting briefly: the client reports them as events it flushes at exit.
fn task_runs_of(server: &Server, flow_run: &str, expected: usize) -> Vec<Value> {
    let body =
        format!(r#"{{"flow_runs": {{"id": {{"any_": ["{flow_run}"]}}}}, "sort": "NAME_ASC"}}"#);
    let started = Instant::now();
    loop {
        let (status, text) = post(&format!("{}/task_runs/filter", server.api_url()), &body);
        assert_eq!(status, 200, "{text}");
        let runs = json(&text).as_array().unwrap().clone();
        let done = runs
            .iter()
            .filter(|r| r["state_type"] == "COMPLETED")
            .count();
        if done >= expected || started.elapsed() > Duration::from_secs(10) {
            return runs;
        }
        std::thread::sleep(Duration::from_millis(100));
    }
}

/// S1, S2 and S3 against one server; `state_names` reads a task run's state history from the database.
fn python_client_scenarios(
    env: &TestEnv,
    server: &Server,
    state_names: impl Fn(&str) -> Vec<String>,
) {
    // S1: three concurrent tasks, one retried, logs and a return value.
    let s1 = scenario(env, server, "s1_three_tasks.py");
    assert_eq!(s1.code, 0, "{}\n{}", s1.stdout, s1.stderr);
    assert!(
        s1.stdout.contains("FINAL_STATE COMPLETED Completed"),
        "{}",
        s1.stdout
    );
    assert!(s1.stdout.contains("RESULT {'total': 45}"), "{}", s1.stdout);
    assert!(
        !s1.stderr.contains("Unable to connect"),
        "events websocket: {}",
        s1.stderr
    );
    let s1_run = flow_run_id(&s1);
    let (status, text) = get(&format!("{}/flow_runs/{s1_run}", server.api_url()));
    assert_eq!(status, 200);
    let run = json(&text);
    assert_eq!(
        (run["state_type"].as_str(), run["run_count"].as_i64()),
        (Some("COMPLETED"), Some(1))
    );
    let tasks = task_runs_of(server, &s1_run, 3);
    let summary: Vec<(String, String, i64)> = tasks
        .iter()
        .map(|t| {
            let name = t["name"]
                .as_str()
                .unwrap()
                .split('-')
                .next()
                .unwrap()
                .to_owned();
            (
                name,
                t["state_name"].as_str().unwrap().to_owned(),
                t["run_count"].as_i64().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        summary,
        [
            ("add".into(), "Completed".into(), 1),
            ("flaky".into(), "Completed".into(), 2),
            ("mul".into(), "Completed".into(), 1)
        ]
    );
    let flaky = tasks
        .iter()
        .find(|t| t["name"].as_str().unwrap().starts_with("flaky"))
        .unwrap();
    assert_eq!(
        state_names(flaky["id"].as_str().unwrap()),
        [
            "Pending",
            "Running",
            "AwaitingRetry",
            "Retrying",
            "Completed"
        ]
    );
    let body = format!(r#"{{"logs": {{"flow_run_id": {{"any_": ["{s1_run}"]}}}}}}"#);
    let (_, logs) = post(&format!("{}/logs/filter", server.api_url()), &body);
    let messages: Vec<String> = json(&logs)
        .as_array()
        .unwrap()
        .iter()
        .map(|l| l["message"].as_str().unwrap().to_owned())
        .collect();
    for line in [
        "flow starting with n=3",
        "flaky: attempt 1 fails on purpose",
        "flaky: attempt 2 succeeds",
        "total=45",
    ] {
        assert!(
            messages.iter().any(|m| m == line),
            "{line:?} not in {messages:?}"
        );
    }

    // S2: a failing flow ends Failed with its error message.
    let s2 = scenario(env, server, "s2_failing_flow.py");
    assert_eq!(s2.code, 0, "{}\n{}", s2.stdout, s2.stderr);
    let s2_run = flow_run_id(&s2);
    let (_, text) = get(&format!("{}/flow_runs/{s2_run}", server.api_url()));
    let run = json(&text);
    assert_eq!(run["state_type"], "FAILED");
    assert_eq!(
        run["state"]["message"],
        "Flow run encountered an exception: RuntimeError: this flow fails on purpose"
    );

    // S3: the CLI shows both runs, their flows, one run in detail, its logs, and the task runs.
    let ls = prefect_cli(env, server, &["flow-run", "ls"]).stdout;
    assert!(
        ls.contains(&s1_run) && ls.contains("three-tasks") && ls.contains("COMPLETED"),
        "{ls}"
    );
    assert!(
        ls.contains(&s2_run) && ls.contains("failing-flow") && ls.contains("FAILED"),
        "{ls}"
    );
    let flows = prefect_cli(env, server, &["flow", "ls"]).stdout;
    assert!(
        flows.contains("three-tasks") && flows.contains("failing-flow"),
        "{flows}"
    );
    let inspect = prefect_cli(env, server, &["flow-run", "inspect", &s1_run]).stdout;
    assert!(
        inspect.contains(&format!("id='{s1_run}'")) && inspect.contains("type=StateType.COMPLETED"),
        "{inspect}"
    );
    let logs = prefect_cli(env, server, &["flow-run", "logs", &s1_run]).stdout;
    assert!(
        logs.contains("flow starting with n=3") && logs.contains("Finished in state Completed()"),
        "{logs}"
    );
    let tasks = prefect_cli(env, server, &["task-run", "ls"]).stdout;
    assert!(
        tasks.contains("flaky") && tasks.contains("COMPLETED"),
        "{tasks}"
    );
    let status = prefect_cli(env, server, &["server", "status"]).stdout;
    assert!(
        status.contains("Server is available.") && status.contains("Server version: 3.9.1"),
        "{status}"
    );
}

/// A request as both the access log and the reference traces state it: method, path with UUIDs as `{id}` (no query
/// string), status. A websocket opens with a GET answered 101 (the traces' `ws_open`).
type Call = (String, String, u16);

fn call(method: &str, path: &str, status: u16) -> Call {
    let path: Vec<&str> = path
        .split('/')
        .map(|s| uuid::Uuid::try_parse(s).map_or(s, |_| "{id}"))
        .collect();
    (method.to_owned(), path.join("/"), status)
}

/// What the same client did against Prefect 3.9.1's own server in S1, S2 and S3: the union of the `http` and
/// `ws_open` entries of the reference traces s1.jsonl, s2.jsonl and s3.jsonl (recorded with bench/trace_proxy.py,
/// scenario scripts identical to ours but for their output lines, S3 with the same CLI commands); copied here, as the
/// traces are not part of this repository.
const PREFECT_CALLS: &[(&str, &str, u16)] = &[
    ("GET", "/api/admin/storage", 200),
    ("GET", "/api/admin/version", 200),
    ("GET", "/api/csrf-token", 422),
    ("GET", "/api/events/in", 101),
    ("GET", "/api/flow_runs/{id}", 200),
    ("GET", "/api/flows/{id}", 200),
    ("POST", "/api/flow_runs/", 201),
    ("POST", "/api/flow_runs/filter", 200),
    ("POST", "/api/flow_runs/{id}/set_state", 201),
    ("POST", "/api/flows/", 201),
    ("POST", "/api/flows/filter", 200),
    ("POST", "/api/logs/", 201),
    ("POST", "/api/logs/filter", 200),
    ("POST", "/api/task_runs/filter", 200),
];

/// Calls our scenarios make that the traced runs did not, and why.
const SCENARIO_ONLY_CALLS: &[(&str, &str, u16, &str)] = &[(
    "GET",
    "/api/health",
    200,
    "our S3 also runs `prefect server status`, traced in S6 instead: GET /api/health 200, GET /api/admin/version 200",
)];

/// The client's calls in the access log of a server started with `--log-level INFO`, between `as_client` marks.
fn client_calls(log: &str) -> BTreeSet<Call> {
    let mut inside = false;
    let mut calls = BTreeSet::new();
    for line in log.lines().filter_map(|l| l.strip_prefix("INFO: ")) {
        let mut words = line.split(' ');
        let (Some(method), Some(path), Some(Ok(status))) =
            (words.next(), words.next(), words.next().map(str::parse))
        else {
            continue;
        };
        if (method, path) == ("GET", "/api/hello") {
            inside = !inside;
        } else if inside {
            calls.insert(call(method, path, status));
        }
    }
    calls
}

/// The acceptance check "same endpoints, same status codes as the reference traces": the set of (method, endpoint,
/// status) the official client and CLI produce against our server in S1-S3 equals the set they produced against
/// Prefect's (plus `SCENARIO_ONLY_CALLS`). Counts and order vary from run to run and are not compared. An endpoint
/// missing, extra or answered differently means our answers lead the client elsewhere than Prefect's do.
fn assert_same_calls_as_prefect(log: &str) {
    let ours = client_calls(log);
    let scenario_only = SCENARIO_ONLY_CALLS.iter().map(|&(m, p, s, _)| (m, p, s));
    let prefect: BTreeSet<Call> = PREFECT_CALLS
        .iter()
        .copied()
        .chain(scenario_only)
        .map(|(m, p, s)| call(m, p, s))
        .collect();
    if ours != prefect {
        let mut table = String::from("Prefect  ours\n");
        for c @ (method, path, status) in prefect.union(&ours) {
            let mark = |set: &BTreeSet<Call>| if set.contains(c) { "x" } else { "-" };
            let (theirs, us) = (mark(&prefect), mark(&ours));
            table.push_str(&format!(
                "   {theirs}      {us}    {method} {path} {status}\n"
            ));
        }
        panic!("the client's calls differ from the reference traces:\n{table}");
    }
}

#[test]
fn the_python_client_runs_flows_and_its_cli_shows_them_on_sqlite() {
    let env = TestEnv::new();
    let server = Server::start_with_args(&env, &[], &["--log-level", "INFO"]);
    let db = env.home().join("prefect.db");
    python_client_scenarios(&env, &server, |task_run| {
        sqlite(&db, &format!("SELECT name FROM task_run_state WHERE task_run_id = '{task_run}' ORDER BY timestamp"))
            .lines()
            .map(str::to_owned)
            .collect()
    });
    let out = server.stop();
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert_same_calls_as_prefect(&out.stderr);
}

#[test]
fn the_python_client_runs_flows_and_its_cli_shows_them_on_postgres() {
    let pg = Postgres::start();
    pg.create_database("prefect");
    let env = TestEnv::new();
    let url = pg.url("prefect");
    let server = Server::start_with_args(
        &env,
        &[("PREFECT_SERVER_DATABASE_CONNECTION_URL", &url)],
        &["--log-level", "INFO"],
    );
    python_client_scenarios(&env, &server, |task_run| {
        pg.psql("prefect", &format!("SELECT name FROM task_run_state WHERE task_run_id = '{task_run}' ORDER BY timestamp"))
            .lines()
            .map(str::to_owned)
            .collect()
    });
    let out = server.stop();
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert!(
        !out.stderr.contains(common::postgres::PASSWORD),
        "the banner masks the password: {}",
        out.stderr
    );
    assert_same_calls_as_prefect(&out.stderr);
}

/// A scheduled run whose start time has passed is marked Late by the service, and left alone with --no-services.
#[test]
fn the_late_runs_service_marks_overdue_scheduled_runs_unless_services_are_off() {
    let fast = [
        ("PREFECT_SERVER_SERVICES_LATE_RUNS_LOOP_SECONDS", "0.1"),
        ("PREFECT_SERVER_SERVICES_LATE_RUNS_AFTER_SECONDS", "0"),
    ];
    let scheduled_run = |server: &Server| {
        let (_, flow) = post(
            &format!("{}/flows/", server.api_url()),
            r#"{"name": "nightly"}"#,
        );
        let flow_id = json(&flow)["id"].as_str().unwrap().to_owned();
        let body = format!(
            r#"{{"flow_id": "{flow_id}", "state": {{"type": "SCHEDULED", "state_details": {{"scheduled_time": "2020-01-01T00:00:00Z"}}}}}}"#
        );
        let (status, run) = post(&format!("{}/flow_runs/", server.api_url()), &body);
        assert_eq!(status, 201, "{run}");
        json(&run)["id"].as_str().unwrap().to_owned()
    };
    let state_name = |server: &Server, id: &str| {
        let (_, run) = get(&format!("{}/flow_runs/{id}", server.api_url()));
        json(&run)["state_name"].as_str().unwrap().to_owned()
    };

    let env = TestEnv::new();
    let server = Server::start(&env, &fast);
    let id = scheduled_run(&server);
    let started = Instant::now();
    while state_name(&server, &id) != "Late" {
        assert!(
            started.elapsed() < Duration::from_secs(10),
            "never marked Late"
        );
        std::thread::sleep(Duration::from_millis(50));
    }
    drop(server);

    let env = TestEnv::new();
    let server = Server::start_with_args(&env, &fast, &["--no-services"]);
    let id = scheduled_run(&server);
    std::thread::sleep(Duration::from_millis(500));
    assert_eq!(state_name(&server, &id), "Scheduled");
}

#[test]
fn events_out_streams_flow_run_state_events_and_websockets_check_the_auth_token() {
    let script =
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/python/subscribe_events.py");
    let python = python_prefect().parent().unwrap().join("python");
    let subscribe = |env: &TestEnv, server: &Server, token: &str| {
        env.program(
            &python,
            &[script.to_str().unwrap(), &server.api_url(), token],
        )
        .run()
        .success()
        .stdout
    };
    let env = TestEnv::new();
    let server = Server::start(&env, &[]);
    assert_eq!(
        subscribe(&env, &server, "-"),
        "AUTH auth_success\nEVENT event prefect.flow-run.Pending\n"
    );

    let env = TestEnv::new();
    let server = Server::start(&env, &[("PREFECT_SERVER_API_AUTH_STRING", "admin:s3cret")]);
    assert_eq!(
        subscribe(&env, &server, "admin:wrong"),
        "CLOSED 1008 Invalid token\n"
    );
    assert_eq!(
        subscribe(&env, &server, "admin:s3cret"),
        "AUTH auth_success\nEVENT event prefect.flow-run.Pending\n"
    );
}

/// Prefect's server answers 91 % of concurrent flow-run creations on SQLite with 503 "database is locked";
/// ours queues writers, so every request succeeds.
#[test]
fn concurrent_writers_on_sqlite_all_succeed() {
    let env = TestEnv::new();
    let server = Server::start(&env, &[]);
    let api = server.api_url();
    let (_, flow) = post(&format!("{api}/flows/"), r#"{"name": "busy"}"#);
    let body = format!(
        r#"{{"flow_id": "{}"}}"#,
        json(&flow)["id"].as_str().unwrap()
    );
    let statuses: Vec<u16> = std::thread::scope(|scope| {
        let workers: Vec<_> = (0..8)
            .map(|_| {
                scope.spawn(|| {
                    (0..40)
                        .map(|_| post(&format!("{api}/flow_runs/"), &body).0)
                        .collect::<Vec<_>>()
                })
            })
            .collect();
        workers
            .into_iter()
            .flat_map(|w| w.join().unwrap())
            .collect()
    });
    assert!(statuses.iter().all(|s| *s == 201), "{statuses:?}");
    let (_, count) = post(&format!("{api}/flow_runs/count"), "{}");
    assert_eq!(count, "320");
    assert_eq!(post(&format!("{api}/flows/count"), "{}"), (200, "1".into()));
    let by_name = r#"{"flows": {"name": {"any_": ["busy"]}}, "flow_runs": {"state": {"type": {"any_": ["PENDING"]}}}}"#;
    assert_eq!(
        post(&format!("{api}/flow_runs/count"), by_name),
        (200, "320".into())
    );
}

#[test]
fn an_idempotency_key_used_again_returns_the_same_run_without_a_new_state() {
    let env = TestEnv::new();
    let server = Server::start(&env, &[]);
    let api = server.api_url();
    let (_, flow) = post(&format!("{api}/flows/"), r#"{"name": "once"}"#);
    let flow_id = json(&flow)["id"].as_str().unwrap().to_owned();
    let keyed = format!(r#"{{"flow_id": "{flow_id}", "idempotency_key": "k1"}}"#);
    let (status, first) = post(&format!("{api}/flow_runs/"), &keyed);
    assert_eq!(status, 201, "{first}");
    let (status, again) = post(&format!("{api}/flow_runs/"), &keyed);
    assert_eq!(status, 200, "{again}");
    let (first, again) = (json(&first), json(&again));
    assert_eq!(first["id"], again["id"]);
    assert_eq!(first["state"]["id"], again["state"]["id"]);
    assert_eq!(again["state"]["type"], "PENDING");
    // An unkeyed run (created in one batch with its first state) is new every time.
    let unkeyed = format!(r#"{{"flow_id": "{flow_id}"}}"#);
    assert_eq!(post(&format!("{api}/flow_runs/"), &unkeyed).0, 201);
    let (status, other) = post(&format!("{api}/flow_runs/"), &unkeyed);
    assert_eq!(status, 201);
    let id = json(&other)["id"].as_str().unwrap().to_owned();
    let (status, read) = get(&format!("{api}/flow_runs/{id}"));
    assert_eq!(status, 200);
    assert_eq!(json(&read)["state"]["type"], "PENDING");
    assert_eq!(json(&read)["state"]["id"], json(&other)["state"]["id"]);
    assert_eq!(
        post(&format!("{api}/flow_runs/count"), "{}"),
        (200, "3".into())
    );
    let states = format!(
        "SELECT count(*) FROM flow_run_state WHERE flow_run_id = '{}'",
        first["id"].as_str().unwrap()
    );
    assert_eq!(sqlite(&env.home().join("prefect.db"), &states), "1\n");
}

/// Task runs over HTTP (clients older than 3.9): create, the enclosing flow run's guard, a retry, completion, and
/// the state history those writes leave.
fn task_runs_over_http(server: &Server) -> String {
    let api = server.api_url();
    let (_, flow) = post(&format!("{api}/flows/"), r#"{"name": "tasks-over-http"}"#);
    let flow_id = json(&flow)["id"].as_str().unwrap().to_owned();
    let (_, flow_run) = post(
        &format!("{api}/flow_runs/"),
        &format!(r#"{{"flow_id": "{flow_id}"}}"#),
    );
    let flow_run = json(&flow_run)["id"].as_str().unwrap().to_owned();
    let task = format!(
        r#"{{"flow_run_id": "{flow_run}", "task_key": "t", "dynamic_key": "0", "name": "t-0",
            "empirical_policy": {{"retries": 1}}, "state": {{"type": "PENDING"}}}}"#
    );
    let (status, created) = post(&format!("{api}/task_runs/"), &task);
    assert_eq!(status, 201, "{created}");
    let task_run = json(&created)["id"].as_str().unwrap().to_owned();
    let set = |kind: &str| {
        let (status, body) = post(
            &format!("{api}/task_runs/{task_run}/set_state"),
            &format!(r#"{{"state": {{"type": "{kind}"}}}}"#),
        );
        let body = json(&body);
        (
            status,
            body["status"].as_str().unwrap().to_owned(),
            body["state"]["name"].clone(),
        )
    };
    let (status, outcome, _) = set("RUNNING");
    assert_eq!(
        (status, outcome.as_str()),
        (200, "ABORT"),
        "the flow run is not running yet"
    );
    let flow_running = r#"{"state": {"type": "RUNNING"}}"#;
    assert_eq!(
        post(
            &format!("{api}/flow_runs/{flow_run}/set_state"),
            flow_running
        )
        .0,
        201
    );
    assert_eq!(set("RUNNING"), (201, "ACCEPT".into(), json(r#""Running""#)));
    assert_eq!(
        set("FAILED"),
        (201, "REJECT".into(), json(r#""AwaitingRetry""#))
    );
    assert_eq!(
        set("RUNNING"),
        (201, "ACCEPT".into(), json(r#""Retrying""#))
    );
    assert_eq!(
        set("COMPLETED"),
        (201, "ACCEPT".into(), json(r#""Completed""#))
    );
    let (status, read) = get(&format!("{api}/task_runs/{task_run}"));
    assert_eq!(status, 200);
    let read = json(&read);
    assert_eq!(read["state"]["type"], "COMPLETED");
    assert_eq!(read["run_count"], 2);
    task_run
}

#[test]
fn task_runs_over_http_keep_their_state_history_on_sqlite_and_postgres() {
    let history = "SELECT name FROM task_run_state WHERE task_run_id = '{}' ORDER BY timestamp";
    let expected = "Pending\nRunning\nAwaitingRetry\nRetrying\nCompleted\n";
    let env = TestEnv::new();
    let server = Server::start(&env, &[]);
    let task_run = task_runs_over_http(&server);
    let db = env.home().join("prefect.db");
    assert_eq!(sqlite(&db, &history.replace("{}", &task_run)), expected);

    let pg = Postgres::start();
    pg.create_database("prefect");
    let env = TestEnv::new();
    let url = pg.url("prefect");
    let server = Server::start(&env, &[("PREFECT_SERVER_DATABASE_CONNECTION_URL", &url)]);
    let task_run = task_runs_over_http(&server);
    assert_eq!(
        pg.psql("prefect", &history.replace("{}", &task_run)),
        expected
    );
}

/// `server start --no-docker -b` on a free port, logging each request; returns the port.
fn start_in_background_logging_requests(env: &TestEnv) -> String {
    let port = free_port().to_string();
    let args = [
        "server",
        "start",
        "--no-docker",
        "-b",
        "--port",
        &port,
        "--log-level",
        "INFO",
    ];
    env.cmd(&args).run().success();
    port
}

#[test]
fn logs_of_the_background_server_print_tail_and_follow() {
    let env = TestEnv::new();
    let out = env.cmd(&["server", "logs", "--no-docker"]).run().code(1);
    assert!(
        out.stderr.contains("No background server log at")
            && out
                .stderr
                .contains("prefect-rs server start --no-docker -b"),
        "{}",
        out.stderr
    );
    let out = env
        .cmd(&["server", "logs", "--no-docker", "postgres"])
        .run()
        .code(2);
    assert!(out.stderr.contains("no services"), "{}", out.stderr);

    let port = start_in_background_logging_requests(&env);
    let api = format!("http://127.0.0.1:{port}/api");
    assert_eq!(get(&format!("{api}/hello")).0, 200);
    let log = std::fs::read_to_string(env.home().join("server.log")).unwrap();
    let last_two: Vec<&str> = log
        .lines()
        .rev()
        .take(2)
        .collect::<Vec<_>>()
        .into_iter()
        .rev()
        .collect();
    let out = env
        .cmd(&["server", "logs", "--no-docker", "--tail", "2"])
        .run()
        .success();
    assert_eq!(out.stdout, format!("{}\n", last_two.join("\n")));

    // Following: a request made afterwards shows up.
    let mut follower = env
        .cmd(&["server", "logs", "--no-docker", "-f", "--tail", "0"])
        .into_command()
        .stdout(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let stdout = follower.stdout.take().unwrap();
    let (lines, received) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        use std::io::BufRead;
        for line in std::io::BufReader::new(stdout)
            .lines()
            .map_while(Result::ok)
        {
            let _ = lines.send(line);
        }
    });
    let mut seen = Vec::new();
    // Waits for a line holding `needle`, calling `poke` (which should log one) every half second meanwhile: the
    // follower may not have read to the end yet when the first request is logged.
    let mut wait_for = |needle: &str, poke: &dyn Fn()| {
        let deadline = Instant::now() + Duration::from_secs(10);
        while !seen.iter().any(|l: &String| l.contains(needle)) && Instant::now() < deadline {
            poke();
            let until = Instant::now() + Duration::from_millis(500);
            while let Ok(line) =
                received.recv_timeout(until.saturating_duration_since(Instant::now()))
            {
                seen.push(line);
            }
        }
        seen.clone()
    };
    let count = || {
        assert_eq!(
            get(&format!("{api}/flows/count")).0,
            405,
            "a GET on a POST route"
        )
    };
    let first = wait_for("/api/flows/count", &count);
    assert!(
        first.iter().any(|l| l.contains("/api/flows/count")),
        "{first:?}"
    );
    assert!(
        !first.iter().any(|l| l.contains("/api/hello")),
        "--tail 0 starts at the end: {first:?}"
    );
    // A restart writes a new log; the follower moves to it.
    env.cmd(&["server", "stop", "--no-docker"]).run().success();
    let port = start_in_background_logging_requests(&env);
    let hello = || assert_eq!(get(&format!("http://127.0.0.1:{port}/api/hello")).0, 200);
    let after = wait_for("/api/hello", &hello);
    follower.kill().unwrap();
    let _ = follower.wait();
    assert!(after.iter().any(|l| l.contains("/api/hello")), "{after:?}");
    // Asked for the Docker stack's logs (there is none), the answer points at the background server's.
    let out = env.cmd(&["server", "logs"]).run().code(1);
    assert!(
        out.stderr
            .contains("its log: prefect-rs server logs --no-docker"),
        "{}",
        out.stderr
    );
    env.cmd(&["server", "stop", "--no-docker"]).run().success();
    // A line that is not UTF-8 (anything may end up in a log) is shown, not fatal.
    let log = env.home().join("server.log");
    let mut bytes = std::fs::read(&log).unwrap();
    bytes.extend_from_slice(b"\xff not utf-8\n");
    std::fs::write(&log, bytes).unwrap();
    let out = env
        .cmd(&["server", "logs", "--no-docker", "--tail", "1"])
        .run()
        .success();
    assert_eq!(out.stdout, "\u{FFFD} not utf-8\n");
}
