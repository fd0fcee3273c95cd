//! The zombies service (ours, off by default) through the real server on SQLite and PostgreSQL: a flow run of
//! the official client that is SIGKILLed after its first heartbeat (PREFECT_FLOWS_HEARTBEAT_FREQUENCY) is
//! marked Crashed once it has been silent for PREFECT_RS_SERVER_SERVICES_ZOMBIES_AFTER_SECONDS, with the
//! message of Prefect's documented zombie automation; a deployment's run with retries left is then rescheduled
//! (AwaitingRetry); a run that never sent a heartbeat is never touched; and with the service off nothing is.

mod common;

use std::io::{BufRead, BufReader};
use std::process::Stdio;
use std::time::{Duration, Instant};

use common::postgres::Postgres;
use common::server::{Server, get, post};
use common::{TestEnv, python_prefect};
use serde_json::{Value, json};

const AFTER_SECONDS: u64 = 6;

fn parse(text: &str) -> Value {
    serde_json::from_str(text).unwrap_or_else(|e| panic!("not JSON ({e}): {text}"))
}

fn start(env: &TestEnv, pg: Option<&Postgres>, enabled: bool) -> Server {
    let after = AFTER_SECONDS.to_string();
    let mut vars: Vec<(&str, String)> = vec![
        (
            "PREFECT_RS_SERVER_SERVICES_ZOMBIES_ENABLED",
            enabled.to_string(),
        ),
        (
            "PREFECT_RS_SERVER_SERVICES_ZOMBIES_LOOP_SECONDS",
            "0.2".into(),
        ),
        ("PREFECT_RS_SERVER_SERVICES_ZOMBIES_AFTER_SECONDS", after),
    ];
    if let Some(pg) = pg {
        pg.create_database("prefect");
        vars.push(("PREFECT_SERVER_DATABASE_CONNECTION_URL", pg.url("prefect")));
    }
    let vars: Vec<(&str, &str)> = vars.iter().map(|(k, v)| (*k, v.as_str())).collect();
    Server::start(env, &vars)
}

fn created(url: &str, body: Value) -> String {
    let (status, text) = post(url, &body.to_string());
    assert!(status == 200 || status == 201, "{url}: {status} {text}");
    parse(&text)["id"].as_str().unwrap().to_owned()
}

fn state_of(api: &str, id: &str) -> Value {
    let (status, text) = get(&format!("{api}/flow_runs/{id}"));
    assert_eq!(status, 200, "{text}");
    parse(&text)["state"].clone()
}

fn eventually(api: &str, id: &str, want: &str) -> Value {
    let started = Instant::now();
    loop {
        let state = state_of(api, id);
        if state["type"] == want {
            return state;
        }
        assert!(
            started.elapsed() < Duration::from_secs(60),
            "{id} never became {want}: {state}"
        );
        std::thread::sleep(Duration::from_millis(100));
    }
}

/// Heartbeat events for `runs`, `seconds_ago` old, through /api/events/in as the client sends them.
fn send_heartbeats(env: &TestEnv, api: &str, runs: &[&str], seconds_ago: i64) {
    let occurred = (chrono::Utc::now() - chrono::Duration::seconds(seconds_ago)).to_rfc3339();
    let events: Vec<Value> = runs
        .iter()
        .map(|run| {
            json!({
                "id": uuid::Uuid::new_v4().to_string(),
                "occurred": occurred,
                "event": "prefect.flow-run.heartbeat",
                "resource": {"prefect.resource.id": format!("prefect.flow-run.{run}")},
                "related": [],
                "payload": {},
            })
        })
        .collect();
    let python = python_prefect().parent().unwrap().join("python");
    let script = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/python/send_events.py");
    let out = env
        .program(&python, &[script, api])
        .stdin(&serde_json::to_string(&events).unwrap())
        .run();
    assert_eq!(out.code, 0, "{}\n{}", out.stdout, out.stderr);
}

fn zombies_crash(env: &TestEnv, server: &Server) {
    let api = server.api_url();
    let flow = created(&format!("{api}/flows/"), json!({"name": "undead"}));
    let run = |extra: Value| {
        let mut body = json!({"flow_id": flow, "state": {"type": "RUNNING"}});
        body.as_object_mut()
            .unwrap()
            .extend(extra.as_object().unwrap().clone());
        created(&format!("{api}/flow_runs/"), body)
    };
    // Never sent a heartbeat: never a zombie.
    let silent = run(json!({}));
    // A deployment's run with a retry left, and one without retries, whose last heartbeats are old.
    let retried = run(json!({
        "deployment_id": "00000000-0000-4000-8000-0000000000f1",
        "empirical_policy": {"retries": 1, "retry_delay": 0},
    }));
    let no_retries = run(json!({"deployment_id": "00000000-0000-4000-8000-0000000000f1"}));
    send_heartbeats(env, &api, &[&retried, &no_retries], 3600);

    // The official client's flow, killed after its first heartbeat.
    let python = python_prefect().parent().unwrap().join("python");
    let script = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/python/zombie_flow.py");
    let mut command = env
        .program(&python, &[script])
        .env("PREFECT_API_URL", &api)
        .env("PREFECT_FLOWS_HEARTBEAT_FREQUENCY", "30")
        .into_command();
    let mut child = command
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("python runs");
    let stdout = BufReader::new(child.stdout.take().unwrap());
    let id = stdout
        .lines()
        .map_while(Result::ok)
        .find_map(|line| line.strip_prefix("RUN ").map(str::to_owned))
        .expect("the flow says its run id");
    assert_eq!(state_of(&api, &id)["type"], "RUNNING");
    // Its first heartbeat is sent as the run starts; let it arrive, then kill the process outright.
    std::thread::sleep(Duration::from_secs(1));
    child.kill().unwrap();
    child.wait().unwrap();
    assert_eq!(
        state_of(&api, &id)["type"],
        "RUNNING",
        "not crashed before it went silent"
    );
    let killed_at = Instant::now();

    let state = eventually(&api, &id, "CRASHED");
    assert_eq!(
        state["message"],
        "Flow run marked as crashed due to missing heartbeats."
    );
    assert!(killed_at.elapsed() >= Duration::from_secs(AFTER_SECONDS - 2));

    let state = eventually(&api, &retried, "SCHEDULED");
    assert_eq!(state["name"], "AwaitingRetry", "{state}");
    let state = eventually(&api, &no_retries, "CRASHED");
    assert_eq!(state["name"], "Crashed");
    assert_eq!(state_of(&api, &silent)["type"], "RUNNING");
}

#[test]
fn a_killed_flow_run_is_crashed_by_the_zombies_service_on_sqlite() {
    let env = TestEnv::new();
    let server = start(&env, None, true);
    zombies_crash(&env, &server);
}

#[test]
fn a_killed_flow_run_is_crashed_by_the_zombies_service_on_postgres() {
    let pg = Postgres::start();
    let env = TestEnv::new();
    let server = start(&env, Some(&pg), true);
    zombies_crash(&env, &server);
}

#[test]
fn the_zombies_service_is_off_by_default() {
    let env = TestEnv::new();
    let server = Server::start(
        &env,
        &[
            ("PREFECT_RS_SERVER_SERVICES_ZOMBIES_AFTER_SECONDS", "1"),
            ("PREFECT_RS_SERVER_SERVICES_ZOMBIES_LOOP_SECONDS", "0.1"),
        ],
    );
    let api = server.api_url();
    let flow = created(&format!("{api}/flows/"), json!({"name": "undead"}));
    let run = created(
        &format!("{api}/flow_runs/"),
        json!({"flow_id": flow, "state": {"type": "RUNNING"}}),
    );
    send_heartbeats(&env, &api, &[&run], 3600);
    std::thread::sleep(Duration::from_secs(2));
    assert_eq!(state_of(&api, &run)["type"], "RUNNING");
}
