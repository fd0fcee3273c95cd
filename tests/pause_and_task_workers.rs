//! Pausing and resuming flow runs (with run input), the pause-expiration service, and task workers, with the
//! official Python client against the real server on SQLite and PostgreSQL, and over plain HTTP for the answers
//! to bad input. The expected outputs are what the same scripts print against Prefect's own server.

mod common;

use std::time::{Duration, Instant};

use common::postgres::Postgres;
use common::server::{Server, get, post, request};
use common::{TestEnv, python_prefect};
use serde_json::{Value, json};

fn json_of(text: &str) -> Value {
    serde_json::from_str(text).unwrap_or_else(|e| panic!("not JSON ({e}): {text}"))
}

/// Runs a script from tests/python with the pinned Python prefect against `server`.
fn script(env: &TestEnv, server: &Server, name: &str, args: &[&str]) -> common::Output {
    let python = python_prefect().parent().unwrap().join("python");
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/python")
        .join(name);
    let mut all = vec![path.to_str().unwrap()];
    all.extend_from_slice(args);
    env.program(&python, &all)
        .env("PREFECT_API_URL", server.api_url())
        .env("COLUMNS", "200")
        .run()
}

/// The lines of `out` that start with one of `prefixes`, as the script printed them.
fn lines_of(out: &common::Output, prefixes: &[&str]) -> Vec<String> {
    out.stdout
        .lines()
        .filter(|l| prefixes.iter().any(|p| l.starts_with(&format!("{p} "))))
        .map(str::to_owned)
        .collect()
}

/// The three pause scenarios of tests/python/pause_resume.py; the lines each prints against Prefect 3.9.1's own
/// server (run ids aside).
fn pause_scenarios(env: &TestEnv, server: &Server) {
    let shown = [
        "FINAL_STATE",
        "MESSAGE",
        "RESULT",
        "RESUME_AGAIN",
        "BAD_INPUT",
        "MISSING_INPUT",
    ];
    let not_paused = "RESUME_AGAIN ABORT Cannot resume a flow run that is not paused.";

    let out = script(env, server, "pause_resume.py", &["resume"]);
    assert_eq!(
        lines_of(&out, &shown),
        [
            "FINAL_STATE COMPLETED Completed",
            "MESSAGE None",
            "RESULT resumed",
            not_paused
        ],
        "{}\n{}",
        out.stdout,
        out.stderr
    );

    let out = script(env, server, "pause_resume.py", &["timeout"]);
    assert_eq!(
        lines_of(&out, &shown),
        // Prefect's rule names the proposed state ("failed"), not the pause, in this message.
        [
            "FINAL_STATE FAILED Failed",
            "MESSAGE The flow was failed and never resumed.",
            not_paused
        ],
        "{}\n{}",
        out.stdout,
        out.stderr
    );

    let out = script(env, server, "pause_resume.py", &["input"]);
    assert_eq!(
        lines_of(&out, &shown),
        [
            "BAD_INPUT REJECT Reason: Validation failed for field 'level'. Failure reason: 'high' is not of type 'integer'",
            "MISSING_INPUT REJECT Reason: Validation failed. Failure reason: 'approver' is a required property",
            "FINAL_STATE COMPLETED Completed",
            "MESSAGE None",
            "RESULT ann:2",
            not_paused,
        ],
        "{}\n{}",
        out.stdout,
        out.stderr
    );
}

/// The pause-expiration service off: a client slower than its round would see its own failure (the client's
/// FlowPauseTimeout) replace the service's, as on Prefect. The service has a test of its own.
const NO_PAUSE_EXPIRATIONS: (&str, &str) =
    ("PREFECT_SERVER_SERVICES_PAUSE_EXPIRATIONS_ENABLED", "false");

#[test]
fn pause_resume_and_run_input_with_the_python_client_on_sqlite() {
    let env = TestEnv::new();
    let server = Server::start(&env, &[NO_PAUSE_EXPIRATIONS]);
    pause_scenarios(&env, &server);
}

#[test]
fn pause_resume_and_run_input_with_the_python_client_on_postgres() {
    let pg = Postgres::start();
    pg.create_database("prefect");
    let env = TestEnv::new();
    let url = pg.url("prefect");
    let server = Server::start(
        &env,
        &[
            ("PREFECT_SERVER_DATABASE_CONNECTION_URL", &url),
            NO_PAUSE_EXPIRATIONS,
        ],
    );
    pause_scenarios(&env, &server);
}

/// A flow run in RUNNING, made over HTTP.
fn running_flow_run(server: &Server) -> String {
    let api = server.api_url();
    let (_, flow) = post(&format!("{api}/flows/"), r#"{"name": "pausing"}"#);
    let flow_id = json_of(&flow)["id"].as_str().unwrap().to_owned();
    let (status, run) = post(
        &format!("{api}/flow_runs/"),
        &json!({ "flow_id": flow_id }).to_string(),
    );
    assert_eq!(status, 201, "{run}");
    let id = json_of(&run)["id"].as_str().unwrap().to_owned();
    set_state(server, &id, json!({"type": "RUNNING"}));
    id
}

fn set_state(server: &Server, id: &str, state: Value) -> Value {
    let (status, body) = post(
        &format!("{}/flow_runs/{id}/set_state", server.api_url()),
        &json!({ "state": state }).to_string(),
    );
    assert!(matches!(status, 200 | 201), "{status} {body}");
    json_of(&body)
}

fn resume(server: &Server, id: &str, body: Value) -> (u16, Value) {
    let (status, text) = post(
        &format!("{}/flow_runs/{id}/resume", server.api_url()),
        &body.to_string(),
    );
    (status, json_of(&text))
}

/// Prefect's answers, status and body, for the input routes and for resumes it refuses.
#[test]
fn flow_run_inputs_and_refused_resumes_answer_as_prefect() {
    let env = TestEnv::new();
    let server = Server::start(&env, &[]);
    let api = server.api_url();
    let id = running_flow_run(&server);
    let input = |path: &str| format!("{api}/flow_runs/{id}/input{path}");

    let (status, body) = post(
        &input(""),
        r#"{"key": "k1", "value": "{\"x\": 1}", "sender": "me"}"#,
    );
    assert_eq!((status, body.as_str()), (201, "null"));
    let (status, body) = post(&input(""), r#"{"key": "k1", "value": "2"}"#);
    assert_eq!(
        (status, json_of(&body)),
        (
            409,
            json!({"detail": "A flow run input with this key already exists."})
        )
    );
    let nobody = "00000000-0000-0000-0000-000000000000";
    let (status, body) = post(
        &format!("{api}/flow_runs/{nobody}/input"),
        r#"{"key": "k1", "value": "1"}"#,
    );
    assert_eq!(
        (status, json_of(&body)),
        (404, json!({"detail": "Flow run not found"}))
    );
    // Prefect's server answers 500 here; a bad key is the client's mistake.
    let (status, body) = post(&input(""), r#"{"key": "Not Valid", "value": "1"}"#);
    assert_eq!(status, 422, "{body}");
    assert!(
        body.contains("lowercase letters, numbers, and dashes"),
        "{body}"
    );
    let (status, body) = post(&input(""), r#"{"key": "k2"}"#);
    assert_eq!(status, 422);
    assert_eq!(
        json_of(&body)["exception_detail"][0]["loc"],
        json!(["body", "value"])
    );

    assert_eq!(get(&input("/k1")), (200, r#"{"x": 1}"#.to_owned()));
    assert_eq!(
        get(&input("/nope")),
        (404, r#"{"detail":"Flow run input not found"}"#.to_owned())
    );
    post(&input(""), r#"{"key": "k-2", "value": "2"}"#);
    post(&input(""), r#"{"key": "kx2", "value": "3"}"#);
    let keys = |body: &str| -> Vec<String> {
        let (status, text) = post(&input("/filter"), body);
        assert_eq!(status, 200, "{text}");
        json_of(&text)
            .as_array()
            .unwrap()
            .iter()
            .map(|i| i["key"].as_str().unwrap().to_owned())
            .collect()
    };
    assert_eq!(
        keys(r#"{"prefix": "k"}"#),
        ["k1"],
        "the limit is 1 unless given"
    );
    assert_eq!(
        keys(r#"{"prefix": "k", "limit": 10, "exclude_keys": ["k1"]}"#),
        ["k-2", "kx2"]
    );
    // The prefix is literal (Prefect's LIKE reads `_` as any one character, and would match all three).
    assert!(keys(r#"{"prefix": "k_", "limit": 10}"#).is_empty());
    let (status, _) = post(&input("/filter"), "{}");
    assert_eq!(status, 422, "prefix is required");
    assert_eq!(request("DELETE", &input("/k1"), None, &[]).0, 204);
    assert_eq!(request("DELETE", &input("/k1"), None, &[]).0, 404);

    // Resumes Prefect refuses.
    let (status, body) = resume(&server, &id, json!({}));
    assert_eq!(
        (status, body),
        (
            200,
            json!({"state": null, "status": "ABORT",
                     "details": {"type": "abort_details", "reason": "Cannot resume a flow run that is not paused."}})
        )
    );
    let (status, body) = resume(&server, &id, json!({"run_input": 5}));
    assert_eq!(
        (status, body["exception_detail"][0]["type"].clone()),
        (422, json!("dict_type"))
    );
    // Prefect's server answers 500 for a run that does not exist.
    let (status, body) = resume(&server, nobody, json!({}));
    assert_eq!(
        (status, body),
        (404, json!({"detail": "Flow run not found"}))
    );

    // A pause that waits for input whose schema was never stored.
    let keyset = json!({"schema": "paused-1-schema", "response": "paused-1-response", "description": "paused-1-description"});
    let paused = set_state(
        &server,
        &id,
        json!({"type": "PAUSED", "name": "Paused", "state_details": {"pause_key": "1", "run_input_keyset": keyset,
               "pause_timeout": "2099-01-01T00:00:00Z"}}),
    );
    assert_eq!(paused["status"], "ACCEPT", "{paused}");
    let (status, body) = resume(&server, &id, json!({"run_input": {"a": 1}}));
    assert_eq!(
        (status, &body["status"], &body["details"]["reason"]),
        (200, &json!("REJECT"), &json!("Run input schema not found."))
    );
    assert_eq!(body["state"]["type"], "PAUSED");
    post(
        &input(""),
        r#"{"key": "paused-1-schema", "value": "not json"}"#,
    );
    let (_, body) = resume(&server, &id, json!({"run_input": {"a": 1}}));
    assert_eq!(
        body["details"]["reason"],
        "Run input schema is not valid JSON."
    );
    assert_eq!(
        get(&input("/paused-1-response")).0,
        404,
        "a refused resume stores no input"
    );
}

/// A paused run whose timeout passed, with no client left to notice, is failed by the service with Prefect's
/// message; with `--no-services` it stays paused.
fn pause_expiration(database: &[(&str, &str)]) {
    let mut fast = vec![(
        "PREFECT_SERVER_SERVICES_PAUSE_EXPIRATIONS_LOOP_SECONDS",
        "0.1",
    )];
    fast.extend_from_slice(database);
    let pause_briefly = |server: &Server| {
        let id = running_flow_run(server);
        let soon = (chrono::Utc::now() + chrono::Duration::milliseconds(300)).to_rfc3339();
        let answer = set_state(
            server,
            &id,
            json!({"type": "PAUSED", "name": "Paused", "state_details": {"pause_key": "1", "pause_timeout": soon}}),
        );
        assert_eq!(answer["status"], "ACCEPT", "{answer}");
        id
    };
    let state_of = |server: &Server, id: &str| {
        let (_, run) = get(&format!("{}/flow_runs/{id}", server.api_url()));
        json_of(&run)["state"].clone()
    };

    let env = TestEnv::new();
    let server = Server::start(&env, &fast);
    let id = pause_briefly(&server);
    let started = Instant::now();
    let state = loop {
        let state = state_of(&server, &id);
        if state["type"] != "PAUSED" {
            break state;
        }
        assert!(
            started.elapsed() < Duration::from_secs(15),
            "never failed: {state}"
        );
        std::thread::sleep(Duration::from_millis(50));
    };
    assert_eq!(
        (&state["type"], &state["name"], &state["message"]),
        (
            &json!("FAILED"),
            &json!("Failed"),
            &json!("The flow was paused and never resumed.")
        )
    );
    drop(server);

    let env = TestEnv::new();
    let server = Server::start_with_args(&env, &fast, &["--no-services"]);
    let id = pause_briefly(&server);
    std::thread::sleep(Duration::from_millis(800));
    assert_eq!(state_of(&server, &id)["type"], "PAUSED");
}

#[test]
fn the_pause_expiration_service_fails_runs_whose_pause_timed_out_on_sqlite() {
    pause_expiration(&[]);
}

#[test]
fn the_pause_expiration_service_fails_runs_whose_pause_timed_out_on_postgres() {
    let pg = Postgres::start();
    pg.create_database("prefect");
    pause_expiration(&[("PREFECT_SERVER_DATABASE_CONNECTION_URL", &pg.url("prefect"))]);
}

// ------------------------------------------------------------------------------------------------ task workers

/// `prefect task serve` runs a task submitted with `.delay()`: submitted before the worker is up (the queue keeps
/// it), its result comes back to the submitter, and the worker is listed while connected. The same lines as
/// against Prefect's own server.
fn delayed_task_completes(database: &[(&str, &str)]) {
    let env = TestEnv::new();
    let server = Server::start(&env, database);
    let submitted = std::thread::scope(|scope| {
        let submit = scope.spawn(|| script(&env, &server, "background_task.py", &["submit"]));
        let entrypoint = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("tests/python/background_task.py:add");
        let mut worker = env
            .program(
                python_prefect(),
                &["task", "serve", entrypoint.to_str().unwrap()],
            )
            .env("PREFECT_API_URL", server.api_url())
            .into_command()
            .stdin(std::process::Stdio::null())
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .spawn()
            .expect("prefect task serve starts");
        let out = submit.join().unwrap();
        worker.kill().unwrap();
        worker.wait().unwrap();
        out
    });
    assert_eq!(
        lines_of(&submitted, &["RESULT", "FINAL_STATE", "WORKERS"]),
        [
            "RESULT 5",
            "FINAL_STATE COMPLETED Completed",
            "WORKERS 200 1"
        ],
        "{}\n{}",
        submitted.stdout,
        submitted.stderr
    );
}

#[test]
fn a_delayed_task_served_by_prefect_task_serve_completes_on_sqlite() {
    delayed_task_completes(&[]);
}

#[test]
fn a_delayed_task_served_by_prefect_task_serve_completes_on_postgres() {
    let pg = Postgres::start();
    pg.create_database("prefect");
    delayed_task_completes(&[("PREFECT_SERVER_DATABASE_CONNECTION_URL", &pg.url("prefect"))]);
}

/// The subscription's protocol, spoken by hand: Prefect's close codes and reasons for a bad subscribe, and a run
/// that was not acknowledged is handed to the next worker (Prefect drops that connection without a close frame,
/// 1006; we say why).
#[test]
fn the_task_run_subscription_refuses_bad_subscribes_and_hands_out_unacknowledged_runs_again() {
    let env = TestEnv::new();
    let server = Server::start(&env, &[]);
    let api = server.api_url();
    let out = script(&env, &server, "task_subscription_protocol.py", &[&api]);
    let lines: Vec<&str> = out.stdout.lines().collect();
    assert_eq!(
        lines,
        [
            "NOT_SUBSCRIBE 4001 Protocol violation: expected 'subscribe' message",
            "NO_KEYS 4001 Protocol violation: expected 'keys' in subscribe message",
            "NO_CLIENT_ID 4001 Protocol violation: expected 'client_id' in subscribe message",
            "DELIVERED True SCHEDULED True",
            "NOT_ACK 4001 Protocol violation: expected 'ack' message",
            "DELIVERED_AGAIN True",
            "WORKERS [('c3', True)]",
        ],
        "{}\n{}",
        out.stdout,
        out.stderr
    );
    // A worker that left is forgotten, once the server notices the socket closed.
    let started = Instant::now();
    loop {
        let (status, body) = post(&format!("{api}/task_workers/filter"), "{}");
        assert_eq!(status, 200, "{body}");
        if json_of(&body) == json!([]) {
            break;
        }
        assert!(
            started.elapsed() < Duration::from_secs(10),
            "never forgotten: {body}"
        );
        std::thread::sleep(Duration::from_millis(50));
    }
}
