//! Run history, lateness and the dashboard's task-run chart on seeded rows, on SQLite and PostgreSQL: runs made
//! through the API, then given states and times by SQL (the same text on both dialects), so every bucket, count
//! and sum is known exactly. Shapes and errors as Prefect 3.8.8's server answers them; sums are exact seconds
//! (Prefect's SQLite dialect truncates them to whole seconds, its PostgreSQL one does not: we answer as the
//! latter on both).

mod common;

use common::TestEnv;
use common::postgres::Postgres;
use common::seeded::{self, Database};
use common::server::{Server, request};
use serde_json::{Value, json};

fn call(server: &Server, path: &str, body: Value) -> (u16, Value) {
    let url = format!("{}{path}", server.api_url());
    let (status, text) = request("POST", &url, Some(&body.to_string()), &[]);
    let value =
        serde_json::from_str(&text).unwrap_or_else(|e| panic!("{path}: not JSON ({e}): {text}"));
    (status, value)
}

#[track_caller]
fn ok(server: &Server, path: &str, body: Value) -> Value {
    let (status, answer) = call(server, path, body);
    assert!(status < 300, "{path}: {status} {answer}");
    answer
}

/// The flow runs: (name, state, expected start, start, total run time). h5 is outside the history window.
const RUNS: [(&str, &str, &str, Option<&str>, f64); 5] = [
    (
        "h1",
        "COMPLETED",
        "2026-01-01T00:10:00.000000Z",
        Some("2026-01-01T00:10:30.000000Z"),
        60.0,
    ),
    (
        "h2",
        "COMPLETED",
        "2026-01-01T00:20:00.000000Z",
        Some("2026-01-01T00:20:00.000000Z"),
        30.0,
    ),
    (
        "h3",
        "FAILED",
        "2026-01-01T00:40:00.000000Z",
        Some("2026-01-01T00:41:00.000000Z"),
        5.0,
    ),
    ("h4", "CANCELLED", "2026-01-01T00:50:00.000000Z", None, 0.0),
    (
        "h5",
        "COMPLETED",
        "2026-01-01T01:30:00.000000Z",
        Some("2026-01-01T01:30:00.000000Z"),
        1.0,
    ),
];

/// The task runs of h1: (key, state, expected start, start).
const TASKS: [(&str, &str, &str, &str); 3] = [
    (
        "t1",
        "COMPLETED",
        "2026-01-01T00:05:00.000000Z",
        "2026-01-01T00:05:00.000000Z",
    ),
    (
        "t2",
        "FAILED",
        "2026-01-01T00:10:30.000000Z",
        "2026-01-01T00:10:30.000000Z",
    ),
    (
        "t3",
        "CRASHED",
        "2026-01-01T00:10:40.000000Z",
        "2026-01-01T00:10:40.000000Z",
    ),
];

fn title(state: &str) -> String {
    let lower = state.to_lowercase();
    let mut chars = lower.chars();
    chars
        .next()
        .map(|c| c.to_uppercase().chain(chars).collect())
        .unwrap_or_default()
}

fn seed(server: &Server, db: &Database) -> String {
    let flow = ok(server, "/flows/", json!({ "name": "hist" }));
    let flow_id = flow["id"].as_str().unwrap().to_owned();
    let mut first_run = String::new();
    for (name, state, expected, start, total) in RUNS {
        let run = ok(
            server,
            "/flow_runs/",
            json!({ "flow_id": flow_id, "name": name }),
        );
        if first_run.is_empty() {
            first_run = run["id"].as_str().unwrap().to_owned();
        }
        let start = start.map_or("NULL".to_owned(), |s| format!("'{s}'"));
        db.exec(&format!(
            "UPDATE flow_run SET state_type = '{state}', state_name = '{}', expected_start_time = '{expected}', \
             start_time = {start}, total_run_time = {total} WHERE name = '{name}';",
            title(state)
        ));
    }
    for (key, state, expected, start) in TASKS {
        let body =
            json!({ "flow_run_id": first_run, "task_key": key, "dynamic_key": "0", "name": key });
        ok(server, "/task_runs/", body);
        db.exec(&format!(
            "UPDATE task_run SET state_type = '{state}', state_name = '{}', expected_start_time = '{expected}', \
             start_time = '{start}' WHERE task_key = '{key}';",
            title(state)
        ));
    }
    flow_id
}

fn state(kind: &str, count: i64, run_time: f64, lateness: f64) -> Value {
    json!({ "state_type": kind, "state_name": title(kind), "count_runs": count,
            "sum_estimated_run_time": run_time, "sum_estimated_lateness": lateness })
}

fn history(server: &Server) {
    let of_flow = json!({ "name": { "any_": ["hist"] } });
    let window = json!({ "history_start": "2026-01-01T00:00:00Z", "history_end": "2026-01-01T01:00:00Z",
                         "history_interval_seconds": 1800, "flows": of_flow });
    let answer = ok(server, "/flow_runs/history", window.clone());
    assert_eq!(
        answer,
        json!([
            { "interval_start": "2026-01-01T00:00:00.000000Z", "interval_end": "2026-01-01T00:30:00.000000Z",
              "states": [state("COMPLETED", 2, 90.0, 30.0)] },
            { "interval_start": "2026-01-01T00:30:00.000000Z", "interval_end": "2026-01-01T01:00:00.000000Z",
              "states": [state("CANCELLED", 1, 0.0, 0.0), state("FAILED", 1, 5.0, 60.0)] },
        ])
    );
    // A window that does not divide evenly gets a last, whole interval.
    let mut uneven = window.clone();
    uneven["history_end"] = json!("2026-01-01T01:10:00Z");
    uneven["history_interval_seconds"] = json!("2400");
    let answer = ok(server, "/flow_runs/history", uneven);
    let ends: Vec<&Value> = answer
        .as_array()
        .unwrap()
        .iter()
        .map(|i| &i["interval_end"])
        .collect();
    assert_eq!(
        ends,
        [
            &json!("2026-01-01T00:40:00.000000Z"),
            &json!("2026-01-01T01:20:00.000000Z")
        ]
    );
    // At most 500 intervals; an empty or backwards window has none.
    let mut many = window.clone();
    many["history_interval_seconds"] = json!(1);
    assert_eq!(
        ok(server, "/flow_runs/history", many)
            .as_array()
            .unwrap()
            .len(),
        500
    );
    let mut backwards = window.clone();
    backwards["history_end"] = json!("2025-12-31T00:00:00Z");
    assert_eq!(ok(server, "/flow_runs/history", backwards), json!([]));

    let mut too_fine = window.clone();
    too_fine["history_interval_seconds"] = json!(0.5);
    let refused = json!({ "detail": "History interval must not be less than 1 second." });
    assert_eq!(call(server, "/flow_runs/history", too_fine), (422, refused));
    let (status, missing) = call(
        server,
        "/flow_runs/history",
        json!({ "history_start": "2026-01-01T00:00:00Z" }),
    );
    assert_eq!(status, 422);
    assert_eq!(
        missing["exception_detail"][0]["loc"],
        json!(["body", "history_end"])
    );
    let mut not_a_number = window.clone();
    not_a_number["history_interval_seconds"] = json!("soon");
    let (status, refused) = call(server, "/flow_runs/history", not_a_number);
    assert_eq!(status, 422);
    assert_eq!(refused["exception_detail"][0]["type"], "float_parsing");

    // Task runs, ten minutes an interval: t1 (00:05) in the first, t2 and t3 (00:10:30, 00:10:40) in the second.
    let mut tasks = window.clone();
    tasks["history_interval_seconds"] = json!(600);
    let answer = ok(server, "/task_runs/history", tasks);
    let answer = answer.as_array().unwrap();
    assert_eq!(answer.len(), 6);
    let kinds = |i: usize| -> Vec<(String, i64)> {
        answer[i]["states"]
            .as_array()
            .unwrap()
            .iter()
            .map(|s| {
                (
                    s["state_type"].as_str().unwrap().to_owned(),
                    s["count_runs"].as_i64().unwrap(),
                )
            })
            .collect()
    };
    assert_eq!(kinds(0), [("COMPLETED".to_owned(), 1)]);
    assert_eq!(
        kinds(1),
        [("CRASHED".to_owned(), 1), ("FAILED".to_owned(), 1)]
    );
    assert!(kinds(2).is_empty());
}

fn lateness(server: &Server) {
    let three = json!({ "flow_runs": { "name": { "any_": ["h1", "h2", "h3"] } } });
    assert_eq!(ok(server, "/flow_runs/lateness", three), json!(30.0));
    let none = json!({ "flow_runs": { "name": { "any_": ["nobody"] } } });
    assert_eq!(ok(server, "/flow_runs/lateness", none), Value::Null);
}

/// The runs chart's dots, latest expected start first.
fn ui_history(server: &Server) {
    let body = json!({ "flows": { "name": { "any_": ["hist"] } } });
    let dots = ok(server, "/ui/flow_runs/history", body);
    let dots = dots.as_array().unwrap();
    assert_eq!(dots.len(), 5);
    let keys: Vec<&String> = dots[0].as_object().unwrap().keys().collect();
    assert_eq!(
        keys,
        ["id", "state_type", "timestamp", "duration", "lateness"]
    );
    let row = |d: &Value| {
        (
            d["state_type"].clone(),
            d["timestamp"].clone(),
            d["duration"].clone(),
            d["lateness"].clone(),
        )
    };
    assert_eq!(
        row(&dots[0]),
        (
            json!("COMPLETED"),
            json!("2026-01-01T01:30:00.000000Z"),
            json!(1.0),
            json!(0.0)
        )
    );
    // Not started: the expected start stands for it.
    assert_eq!(
        row(&dots[1]),
        (
            json!("CANCELLED"),
            json!("2026-01-01T00:50:00.000000Z"),
            json!(0.0),
            json!(0.0)
        )
    );
    assert_eq!(
        row(&dots[2]),
        (
            json!("FAILED"),
            json!("2026-01-01T00:41:00.000000Z"),
            json!(5.0),
            json!(60.0)
        )
    );
    assert_eq!(
        row(&dots[4]),
        (
            json!("COMPLETED"),
            json!("2026-01-01T00:10:30.000000Z"),
            json!(60.0),
            json!(30.0)
        )
    );
    let paged = ok(
        server,
        "/ui/flow_runs/history",
        json!({ "flows": { "name": { "any_": ["hist"] } }, "limit": 2, "offset": 1, "sort": "EXPECTED_START_TIME_ASC" }),
    );
    assert_eq!(paged.as_array().unwrap().len(), 2);
    assert_eq!(paged[0]["timestamp"], "2026-01-01T00:20:00.000000Z");
    let (status, refused) = call(server, "/ui/flow_runs/history", json!({ "limit": 1001 }));
    assert_eq!(status, 422);
    assert_eq!(refused["exception_detail"][0]["ctx"], json!({ "le": 1000 }));
}

/// The dashboard's 20 buckets between `after_` (its minute) and the end of `before_`'s minute: 00:00:00 to
/// 00:19:59.999999, a minute each; t1 (00:05) in bucket 5, t2 and t3 (00:10:30, 00:10:40) failed in bucket 10.
fn dashboard_counts(server: &Server) {
    let body = json!({ "task_runs": { "start_time": { "after_": "2026-01-01T00:00:30Z", "before_": "2026-01-01T00:19:10Z" } } });
    let bars = ok(server, "/ui/task_runs/dashboard/counts", body);
    let mut expected = vec![json!({ "completed": 0, "failed": 0 }); 20];
    expected[5] = json!({ "completed": 1, "failed": 0 });
    expected[10] = json!({ "completed": 0, "failed": 2 });
    assert_eq!(bars, json!(expected));
    // Only terminal runs count, whatever state the client filters on.
    let body = json!({ "task_runs": { "state": { "type": { "any_": ["RUNNING"] } },
                                      "start_time": { "after_": "2026-01-01T00:00:00Z", "before_": "2026-01-01T00:19:00Z" } } });
    let bars = ok(server, "/ui/task_runs/dashboard/counts", body);
    let total: i64 = bars
        .as_array()
        .unwrap()
        .iter()
        .map(|b| b["completed"].as_i64().unwrap() + b["failed"].as_i64().unwrap())
        .sum();
    assert_eq!(total, 3);
}

fn scenario(server: &Server, db: &Database) {
    seed(server, db);
    history(server);
    lateness(server);
    ui_history(server);
    dashboard_counts(server);
}

#[test]
fn history_on_sqlite() {
    let env = TestEnv::new();
    let (server, db) = seeded::start(&env, None, &[]);
    scenario(&server, &db);
}

#[test]
fn history_on_postgres() {
    let env = TestEnv::new();
    let pg = Postgres::start();
    let (server, db) = seeded::start(&env, Some(&pg), &[]);
    scenario(&server, &db);
}
