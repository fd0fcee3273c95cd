//! Cancellation through the real server on SQLite and PostgreSQL: the official `prefect flow-run cancel` of a
//! Scheduled run ends Cancelled at once (nothing to stop), of a Running one Cancelling, of a finished one is
//! refused with Prefect's reason; and the cancellation-cleanup service (every 0.2 s here) cancels what a
//! cancelled flow run leaves: its unfinished task runs (forced Cancelled), its subflow runs (Cancelled, or
//! Cancelling for a deployment's), and marks Cancelled a run left Cancelling past the timeout (1 s here).

mod common;

use std::time::{Duration, Instant};

use common::postgres::Postgres;
use common::server::{Server, get, post};
use common::{TestEnv, python_prefect};
use serde_json::{Value, json};

fn parse(text: &str) -> Value {
    serde_json::from_str(text).unwrap_or_else(|e| panic!("not JSON ({e}): {text}"))
}

const SERVICES: &[(&str, &str)] = &[
    (
        "PREFECT_SERVER_SERVICES_CANCELLATION_CLEANUP_LOOP_SECONDS",
        "0.2",
    ),
    (
        "PREFECT_SERVER_SERVICES_CANCELLATION_CLEANUP_CANCELLING_TIMEOUT_SECONDS",
        "1",
    ),
];

fn start(env: &TestEnv, pg: Option<&Postgres>) -> Server {
    let mut vars: Vec<(&str, String)> = SERVICES.iter().map(|(k, v)| (*k, v.to_string())).collect();
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

fn state_of(api: &str, kind: &str, id: &str) -> Value {
    let (status, text) = get(&format!("{api}/{kind}/{id}"));
    assert_eq!(status, 200, "{text}");
    parse(&text)["state"].clone()
}

/// Waits (bounded) until `kind` `id` is in state type `want`; its state.
fn eventually(api: &str, kind: &str, id: &str, want: &str) -> Value {
    let started = Instant::now();
    loop {
        let state = state_of(api, kind, id);
        if state["type"] == want {
            return state;
        }
        assert!(
            started.elapsed() < Duration::from_secs(30),
            "{kind} {id} never became {want}: {state}"
        );
        std::thread::sleep(Duration::from_millis(100));
    }
}

/// The state types a flow run went through, oldest first.
fn history(api: &str, id: &str) -> Vec<String> {
    let (status, text) = get(&format!("{api}/flow_run_states/?flow_run_id={id}"));
    assert_eq!(status, 200, "{text}");
    parse(&text)
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["type"].as_str().unwrap().to_owned())
        .collect()
}

fn cancellation(env: &TestEnv, server: &Server) {
    let api = server.api_url();
    let cli = |args: &[&str]| {
        env.program(python_prefect(), args)
            .env("PREFECT_API_URL", &api)
            .env("COLUMNS", "200")
            .run()
    };
    let flow = created(&format!("{api}/flows/"), json!({"name": "cancel-me"}));
    let run = |state: &str, extra: Value| {
        let mut body = json!({"flow_id": flow, "state": {"type": state}});
        body.as_object_mut()
            .unwrap()
            .extend(extra.as_object().unwrap().clone());
        created(&format!("{api}/flow_runs/"), body)
    };

    // The CLI: a Scheduled run has no infrastructure to stop, so it ends Cancelled at once.
    let scheduled = run("SCHEDULED", json!({}));
    let out = cli(&["flow-run", "cancel", &scheduled]);
    assert_eq!(out.code, 0, "{}\n{}", out.stdout, out.stderr);
    assert!(
        out.stdout.contains(&format!(
            "Flow run '{scheduled}' was successfully scheduled for cancellation."
        )),
        "{}",
        out.stdout
    );
    assert_eq!(state_of(&api, "flow_runs", &scheduled)["type"], "CANCELLED");

    // A Running one is Cancelling (its worker or runner stops it) ...
    let running = run("RUNNING", json!({}));
    assert_eq!(cli(&["flow-run", "cancel", &running]).code, 0);
    // ... and nobody did: past the timeout the service marks it Cancelled.
    let state = eventually(&api, "flow_runs", &running, "CANCELLED");
    assert_eq!(
        history(&api, &running),
        ["RUNNING", "CANCELLING", "CANCELLED"]
    );
    assert_eq!(
        state["message"],
        "Flow run cancellation timed out; marked this flow run as Cancelled."
    );

    // A finished run cannot be cancelled; an unknown one is not found.
    let done = run("COMPLETED", json!({}));
    let out = cli(&["flow-run", "cancel", &done]);
    assert_eq!(out.code, 1, "{}\n{}", out.stdout, out.stderr);
    assert!(
        out.stdout.contains(&format!(
            "Flow run '{done}' was unable to be cancelled. Reason: 'Run is already in terminal state COMPLETED.'"
        )),
        "{}",
        out.stdout
    );
    let missing = "00000000-0000-4000-8000-000000000099";
    let out = cli(&["flow-run", "cancel", missing]);
    assert_eq!(out.code, 1);
    assert!(
        out.stdout
            .contains(&format!("Flow run '{missing}' not found!")),
        "{}",
        out.stdout
    );

    // What a cancelled flow run leaves behind.
    let parent = run("RUNNING", json!({}));
    let task = |state: &str, key: &str| {
        created(
            &format!("{api}/task_runs/"),
            json!({"flow_run_id": parent, "task_key": key, "dynamic_key": "0", "state": {"type": state}}),
        )
    };
    let unfinished = task("RUNNING", "busy");
    let pending = task("PENDING", "waiting");
    let finished = task("COMPLETED", "done");
    let sub_task = task("RUNNING", "subflow");
    let sub_task_2 = task("RUNNING", "subflow-of-a-deployment");
    let subflow = run("RUNNING", json!({"parent_task_run_id": sub_task}));
    let deployed = run(
        "RUNNING",
        json!({"parent_task_run_id": sub_task_2, "deployment_id": "00000000-0000-4000-8000-0000000000e1"}),
    );
    // An unrelated subflow of a run still running is left alone.
    let other_parent = run("RUNNING", json!({}));
    let other_task = created(
        &format!("{api}/task_runs/"),
        json!({"flow_run_id": other_parent, "task_key": "sub", "dynamic_key": "0", "state": {"type": "RUNNING"}}),
    );
    let unrelated = run("RUNNING", json!({"parent_task_run_id": other_task}));

    let body = json!({"state": {"type": "CANCELLED"}, "force": true});
    let (status, text) = post(
        &format!("{api}/flow_runs/{parent}/set_state"),
        &body.to_string(),
    );
    assert_eq!(status, 201, "{text}");

    for id in [&unfinished, &pending, &sub_task, &sub_task_2] {
        let state = eventually(&api, "task_runs", id, "CANCELLED");
        assert_eq!(state["message"], "The parent flow run was cancelled.");
    }
    let state = eventually(&api, "flow_runs", &subflow, "CANCELLED");
    assert_eq!(state["message"], "The parent flow run was cancelled.");
    let state = eventually(&api, "flow_runs", &deployed, "CANCELLING");
    assert_eq!(state["message"], "The parent flow run was cancelled.");
    assert_eq!(state_of(&api, "task_runs", &finished)["type"], "COMPLETED");
    assert_eq!(state_of(&api, "flow_runs", &unrelated)["type"], "RUNNING");
    // The deployment's subflow stays Cancelling until its worker confirms or the timeout passes.
    let state = eventually(&api, "flow_runs", &deployed, "CANCELLED");
    assert_eq!(
        state["message"],
        "Flow run cancellation timed out; marked this flow run as Cancelled."
    );
    assert_eq!(state_of(&api, "flow_runs", &unrelated)["type"], "RUNNING");
}

#[test]
fn cancel_cancels_and_the_cleanup_service_finishes_the_job_on_sqlite() {
    let env = TestEnv::new();
    let server = start(&env, None);
    cancellation(&env, &server);
}

#[test]
fn cancel_cancels_and_the_cleanup_service_finishes_the_job_on_postgres() {
    let pg = Postgres::start();
    let env = TestEnv::new();
    let server = start(&env, Some(&pg));
    cancellation(&env, &server);
}
