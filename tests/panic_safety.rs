//! No client input may panic or abort the server: values out of range are refused with Prefect's 422 where the
//! client sends them, values already stored are handled without panicking, wrong types are refused as Prefect's
//! server refuses them, and a panic that still happens answers 500 and leaves the server serving.

mod common;

use std::time::{Duration, Instant};

use common::server::{Server, get, post, request};
use common::{TestEnv, python_prefect};
use serde_json::{Value, json};

fn json(text: &str) -> Value {
    serde_json::from_str(text).unwrap_or_else(|e| panic!("not JSON ({e}): {text}"))
}

/// A new flow's id.
fn flow(server: &Server) -> String {
    let (status, body) = post(&format!("{}/flows/", server.api_url()), r#"{"name": "f"}"#);
    assert_eq!(status, 201, "{body}");
    json(&body)["id"].as_str().unwrap().to_owned()
}

/// `POST /flow_runs/` with these extra fields; the status and the body.
fn create_flow_run(server: &Server, flow_id: &str, fields: Value) -> (u16, Value) {
    let mut body = fields;
    body["flow_id"] = json!(flow_id);
    let (status, text) = post(
        &format!("{}/flow_runs/", server.api_url()),
        &body.to_string(),
    );
    (status, json(&text))
}

fn set_flow_run_state(server: &Server, id: &str, body: Value) -> (u16, Value) {
    let url = format!("{}/flow_runs/{id}/set_state", server.api_url());
    let (status, text) = post(&url, &body.to_string());
    assert_ne!(
        status, 0,
        "the server dropped the connection (did it panic?)"
    );
    (status, json(&text))
}

/// The one validation error of a 422: (`loc`, `msg`, `type`).
#[track_caller]
fn validation_error(status: u16, body: &Value) -> (Value, String, String) {
    assert_eq!(status, 422, "{body}");
    assert_eq!(body["exception_message"], "Invalid request received.");
    let detail = &body["exception_detail"][0];
    (
        detail["loc"].clone(),
        detail["msg"].as_str().unwrap().to_owned(),
        detail["type"].as_str().unwrap().to_owned(),
    )
}

fn assert_healthy(server: &Server) {
    assert_eq!(get(&format!("{}/health", server.api_url())).0, 200);
}

#[test]
fn a_panicking_request_answers_500_in_json_is_logged_and_the_server_keeps_serving() {
    let env = TestEnv::new();
    let server = Server::start(&env, &[]);
    let (status, body) = post(&format!("{}/test/panic", server.api_url()), "{}");
    assert_eq!(
        (status, json(&body)),
        (500, json!({"exception_message": "Internal Server Error"}))
    );
    assert_healthy(&server);
    flow(&server);
    let out = server.stop();
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert!(
        out.stderr.contains("error: POST /api/test/panic panicked")
            && out
                .stderr
                .contains("deliberate panic from the debug-only test route"),
        "{}",
        out.stderr
    );
}

/// The probe's finding: `retry_delay` 1e15, RUNNING, then FAILED aborted the server. Prefect's own server
/// accepts the run and answers 500 on FAILED; ours refuses the delay where the client sends it.
#[test]
fn a_flow_run_retry_delay_out_of_range_is_refused_when_the_run_is_created_or_updated() {
    let env = TestEnv::new();
    let server = Server::start(&env, &[]);
    let flow_id = flow(&server);
    let loc = json!(["body", "empirical_policy", "retry_delay"]);
    for delay in [json!(1e15), json!(-1e15), json!(3155760001_i64)] {
        let policy = json!({"empirical_policy": {"retries": 3, "retry_delay": delay}});
        let (status, body) = create_flow_run(&server, &flow_id, policy);
        let (at, msg, _) = validation_error(status, &body);
        assert_eq!(at, loc, "{body}");
        assert!(msg.contains("3155760000"), "{msg}");
    }
    // The deprecated `retry_delay_seconds` becomes `retry_delay` and is checked as that.
    let policy = json!({"empirical_policy": {"retries": 3, "retry_delay_seconds": 1e15}});
    assert_eq!(
        validation_error_of(create_flow_run(&server, &flow_id, policy)).0,
        loc
    );
    // Prefect's `retry_delay` is an integer: a fraction is refused as pydantic refuses it, "5" is read as 5.
    let policy = json!({"empirical_policy": {"retries": 3, "retry_delay": 1.5}});
    let (at, msg, kind) = validation_error_of(create_flow_run(&server, &flow_id, policy));
    assert_eq!(
        (at, msg.as_str(), kind.as_str()),
        (
            loc.clone(),
            "Input should be a valid integer, got a number with a fractional part",
            "int_from_float"
        )
    );
    // Prefect's server answers 500 to a policy that is not an object; ours refuses it as pydantic would.
    let (at, _, kind) = validation_error_of(create_flow_run(
        &server,
        &flow_id,
        json!({"empirical_policy": "abc"}),
    ));
    assert_eq!(
        (at, kind.as_str()),
        (json!(["body", "empirical_policy"]), "model_type")
    );
    let policy = json!({"empirical_policy": {"retries": 3, "retry_delay": "5"}});
    let (status, run) = create_flow_run(&server, &flow_id, policy);
    assert_eq!(status, 201, "{run}");
    assert_eq!(run["empirical_policy"]["retry_delay"], 5);
    let id = run["id"].as_str().unwrap().to_owned();
    // PATCH checks the same.
    let (status, text) = request(
        "PATCH",
        &format!("{}/flow_runs/{id}", server.api_url()),
        Some(r#"{"empirical_policy": {"retries": 3, "retry_delay": 1e15}}"#),
        &[],
    );
    assert_eq!(validation_error(status, &json(&text)).0, loc);

    // The largest delay accepted retries a century from now, without a panic.
    let policy = json!({"empirical_policy": {"retries": 3, "retry_delay": 3155760000_i64}});
    let (_, run) = create_flow_run(&server, &flow_id, policy);
    let id = run["id"].as_str().unwrap();
    let running = json!({"state": {"type": "RUNNING"}});
    assert_eq!(set_flow_run_state(&server, id, running).0, 201);
    let (status, outcome) = set_flow_run_state(&server, id, json!({"state": {"type": "FAILED"}}));
    assert_eq!(
        (status, &outcome["status"]),
        (201, &json!("REJECT")),
        "{outcome}"
    );
    let scheduled = outcome["state"]["state_details"]["scheduled_time"]
        .as_str()
        .unwrap();
    assert!(scheduled.starts_with("21"), "{scheduled}");
    assert_healthy(&server);
}

fn validation_error_of((status, body): (u16, Value)) -> (Value, String, String) {
    validation_error(status, &body)
}

#[test]
fn a_task_run_retry_delay_out_of_range_is_refused_when_the_run_is_created() {
    let env = TestEnv::new();
    let server = Server::start(&env, &[]);
    let create = |policy: Value| {
        let body = json!({"task_key": "t", "dynamic_key": "0", "empirical_policy": policy});
        let (status, text) = post(
            &format!("{}/task_runs/", server.api_url()),
            &body.to_string(),
        );
        (status, json(&text))
    };
    let (at, msg, _) = validation_error_of(create(json!({"retries": 1, "retry_delay": 1e15})));
    assert_eq!(at, json!(["body", "empirical_policy", "retry_delay"]));
    assert!(msg.contains("3155760000"), "{msg}");
    let (at, _, _) = validation_error_of(create(json!({"retries": 2, "retry_delay": [1, -1e300]})));
    assert_eq!(at, json!(["body", "empirical_policy", "retry_delay", 1]));
    let (_, msg, _) =
        validation_error_of(create(json!({"retries": 1, "retry_delay": vec![1; 51]})));
    assert!(
        msg.contains("Can not configure more than 50 retry delays per task."),
        "{msg}"
    );
    // A task run's delays may be fractions (Prefect's TaskRunPolicy allows floats).
    let (status, run) = create(json!({"retries": 2, "retry_delay": [0.5, 2]}));
    assert_eq!(status, 201, "{run}");
}

/// Sends `events` to `/api/events/in` with the official client's websocket library.
fn send_events(env: &TestEnv, server: &Server, events: &Value) {
    let python = python_prefect().parent().unwrap().join("python");
    let script =
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/python/send_events.py");
    let out = env
        .program(&python, &[script.to_str().unwrap(), &server.api_url()])
        .stdin(&events.to_string())
        .run()
        .success();
    assert_eq!(
        out.stdout,
        format!(
            "AUTH auth_success\nSENT {}\n",
            events.as_array().unwrap().len()
        )
    );
}

/// A `prefect.task-run.<state>` event as the client's task engine sends it.
fn task_run_event(
    task_run: &str,
    state_type: &str,
    occurred: &str,
    task_run_fields: Value,
) -> Value {
    json!({
        "id": uuid(),
        "occurred": occurred,
        "event": format!("prefect.task-run.{state_type}"),
        "resource": {
            "prefect.resource.id": format!("prefect.task-run.{task_run}"),
            "prefect.orchestration": "client",
        },
        "related": [],
        "payload": {
            "validated_state": {"type": state_type, "name": null},
            "task_run": task_run_fields,
        },
    })
}

fn uuid() -> String {
    // Unique enough for a test: the nanoseconds since the epoch and a counter, in UUID form.
    use std::sync::atomic::{AtomicU64, Ordering};
    static COUNTER: AtomicU64 = AtomicU64::new(0);
    let n = COUNTER.fetch_add(1, Ordering::SeqCst);
    let t = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_nanos() as u64;
    format!(
        "{:08x}-{:04x}-4{:03x}-8{:03x}-{:012x}",
        (t >> 32) as u32,
        (t >> 16) as u16,
        (t & 0xfff) as u16,
        n & 0xfff,
        (t ^ n) & 0xffff_ffff_ffff
    )
}

/// The task run, once the event sink has stored it (it writes in batches, shortly after the events arrive).
fn wait_for_task_run(server: &Server, id: &str) -> Value {
    let started = Instant::now();
    loop {
        let (status, text) = get(&format!("{}/task_runs/{id}", server.api_url()));
        if status == 200 {
            return json(&text);
        }
        assert!(
            started.elapsed() < Duration::from_secs(10),
            "task run {id} never stored: {status} {text}"
        );
        std::thread::sleep(Duration::from_millis(50));
    }
}

/// Task runs reach the server through events, which carry what the client says without our HTTP checks: a
/// stored delay of 1e15 seconds, run counts at the ends of the integer range, or a state from the year 9999
/// must not panic the HTTP orchestration that later reads them.
#[test]
fn task_runs_recorded_from_events_with_extreme_values_cannot_panic_orchestration() {
    let env = TestEnv::new();
    let server = Server::start(&env, &[]);
    let now = "2026-01-01T00:00:00.000000Z";
    let far = "9999-12-31T23:59:59.999999Z";
    let runs = [
        (uuid(), now, json!({"retries": 5, "retry_delay": 1e15}), 1),
        (
            uuid(),
            now,
            json!({"retries": 5, "retry_delay": [-1e300]}),
            1,
        ),
        (
            uuid(),
            far,
            json!({"retries": 5, "retry_delay": 1e15}),
            i32::MAX,
        ),
        (uuid(), now, json!({"retries": 5}), i32::MIN),
    ];
    let events: Vec<Value> = runs
        .iter()
        .map(|(id, occurred, policy, run_count)| {
            let fields = json!({"name": "t", "task_key": "t", "dynamic_key": id, "empirical_policy": policy,
                                "run_count": run_count});
            task_run_event(id, "RUNNING", occurred, fields)
        })
        .collect();
    send_events(&env, &server, &Value::Array(events));
    for (id, ..) in &runs {
        wait_for_task_run(&server, id);
        let url = format!("{}/task_runs/{id}/set_state", server.api_url());
        for state in ["FAILED", "RUNNING", "COMPLETED"] {
            let body = json!({"state": {"type": state}}).to_string();
            let (status, text) = post(&url, &body);
            assert!(
                status == 200 || status == 201,
                "{state} on {id}: {status} {text}"
            );
        }
        let (status, text) = get(&format!("{}/task_runs/{id}", server.api_url()));
        assert_eq!(status, 200, "{text}");
    }
    assert_healthy(&server);
    let out = server.stop();
    assert!(!out.stderr.contains("panicked"), "{}", out.stderr);
}

/// Wrong types are refused with the `loc`, `msg` and `type` Prefect's server gives (checked against Prefect
/// 3.9.1), and the lax forms pydantic accepts are read as it reads them.
#[test]
fn wrong_types_are_refused_as_prefect_refuses_them() {
    let env = TestEnv::new();
    let server = Server::start(&env, &[]);
    let api = server.api_url();
    let flow_id = flow(&server);
    let not_a_list = (
        json!(["body", "tags"]),
        "Input should be a valid list".to_owned(),
        "list_type".to_owned(),
    );
    let (status, text) = post(&format!("{api}/flows/"), r#"{"name": "g", "tags": "abc"}"#);
    assert_eq!(validation_error(status, &json(&text)), not_a_list);
    assert_eq!(
        validation_error_of(create_flow_run(&server, &flow_id, json!({"tags": "abc"}))),
        not_a_list
    );
    assert_eq!(
        validation_error_of(create_flow_run(
            &server,
            &flow_id,
            json!({"tags": ["a", 1]})
        )),
        (
            json!(["body", "tags", 1]),
            "Input should be a valid string".to_owned(),
            "string_type".to_owned()
        )
    );
    let task = r#"{"task_key": "t", "dynamic_key": "0", "tags": "abc"}"#;
    let (status, text) = post(&format!("{api}/task_runs/"), task);
    assert_eq!(validation_error(status, &json(&text)), not_a_list);
    let (_, run) = create_flow_run(&server, &flow_id, json!({}));
    let id = run["id"].as_str().unwrap().to_owned();
    let (status, text) = request(
        "PATCH",
        &format!("{api}/flow_runs/{id}"),
        Some(r#"{"tags": "abc"}"#),
        &[],
    );
    assert_eq!(validation_error(status, &json(&text)), not_a_list);

    // `force` is a pydantic bool: "yes" is true, "maybe" and 2 are refused.
    let running = |force: Value| json!({"state": {"type": "RUNNING"}, "force": force});
    assert_eq!(
        validation_error_of(set_flow_run_state(&server, &id, running(json!("maybe")))),
        (
            json!(["body", "force"]),
            "Input should be a valid boolean, unable to interpret input".to_owned(),
            "bool_parsing".to_owned()
        )
    );
    assert_eq!(
        validation_error_of(set_flow_run_state(&server, &id, running(json!([])))).2,
        "bool_type"
    );
    // A forced PENDING after RUNNING is accepted; unforced it is aborted. So "yes" must mean true.
    assert_eq!(
        set_flow_run_state(&server, &id, running(json!(false))).0,
        201
    );
    let pending = json!({"state": {"type": "PENDING"}, "force": "yes"});
    let (status, outcome) = set_flow_run_state(&server, &id, pending);
    assert_eq!(
        (status, &outcome["status"]),
        (201, &json!("ACCEPT")),
        "{outcome}"
    );

    // `offset` and `limit` are pydantic ints.
    let filter = |body: &str| {
        let (status, text) = post(&format!("{api}/flow_runs/filter"), body);
        (status, json(&text))
    };
    assert_eq!(
        validation_error_of(filter(r#"{"offset": "abc"}"#)),
        (
            json!(["body", "offset"]),
            "Input should be a valid integer, unable to parse string as an integer".to_owned(),
            "int_parsing".to_owned()
        )
    );
    assert_eq!(
        validation_error_of(filter(r#"{"offset": 1.5}"#)).2,
        "int_from_float"
    );
    assert_eq!(
        validation_error_of(filter(r#"{"offset": 1e19}"#)).2,
        "int_parsing_size"
    );
    assert_eq!(
        validation_error_of(filter(r#"{"limit": "abc"}"#)).0,
        json!(["body", "limit"])
    );
    let (status, runs) = filter(r#"{"offset": "1", "limit": "5"}"#);
    assert_eq!(status, 200, "{runs}");
    assert!(runs.as_array().unwrap().is_empty(), "{runs}");
}

/// A task-run event with a state type Prefect does not have is dropped and logged by the task-run recorder;
/// the events beside it in the batch are still recorded.
#[test]
fn a_task_run_event_with_an_unknown_state_type_is_dropped_and_logged() {
    let env = TestEnv::new();
    let server = Server::start(&env, &[]);
    let now = "2026-01-01T00:00:00.000000Z";
    let (before, bogus, after) = (uuid(), uuid(), uuid());
    let fields = |key: &str| json!({"name": key, "task_key": key, "dynamic_key": "0"});
    let events = json!([
        task_run_event(&before, "COMPLETED", now, fields("before")),
        task_run_event(&bogus, "BOGUS", now, fields("bogus")),
        task_run_event(&after, "COMPLETED", now, fields("after")),
    ]);
    send_events(&env, &server, &events);
    assert_eq!(
        wait_for_task_run(&server, &before)["state_type"],
        "COMPLETED"
    );
    assert_eq!(
        wait_for_task_run(&server, &after)["state_type"],
        "COMPLETED"
    );
    let (status, _) = get(&format!("{}/task_runs/{bogus}", server.api_url()));
    assert_eq!(status, 404);
    let out = server.stop();
    assert!(
        out.stderr.contains(&format!("task run {bogus}"))
            && out.stderr.contains("'BOGUS' is not a state type"),
        "{}",
        out.stderr
    );
}

/// Prefect's server answers 409 (its integrity-error handler) for a task run whose flow run does not exist.
#[test]
fn a_task_run_for_a_flow_run_that_does_not_exist_gets_prefects_409() {
    let env = TestEnv::new();
    let server = Server::start(&env, &[]);
    let body = r#"{"flow_run_id": "00000000-0000-0000-0000-000000000001", "task_key": "k", "dynamic_key": "0"}"#;
    let (status, text) = post(&format!("{}/task_runs/", server.api_url()), body);
    assert_eq!(
        (status, json(&text)),
        (
            409,
            json!({"detail": "Data integrity conflict. This usually means a unique or foreign key constraint \
                              was violated. See server logs for details."})
        )
    );
    assert_healthy(&server);
}
