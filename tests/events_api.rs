//! The events HTTP API through the real server, on SQLite and PostgreSQL: `POST /events` (and Prefect's 422s for
//! a bad event), `/events/filter` with every part of the EventFilter, paging through `next_page` links, and
//! `/events/count-by/{countable}`. The expected answers are those Prefect 3.8.8's own server gave for the same
//! events (the same requests, side by side).

mod common;

use std::time::{Duration, Instant};

use chrono::{SecondsFormat, Utc};
use common::TestEnv;
use common::api::{call, expect};
use common::postgres::Postgres;
use common::server::Server;
use serde_json::{Value, json};

#[track_caller]
fn ok(server: &Server, path: &str, body: Value) -> Value {
    expect(server, "POST", path, body, 200)
}

fn ago(minutes: i64) -> String {
    (Utc::now() - chrono::Duration::minutes(minutes)).to_rfc3339_opts(SecondsFormat::Micros, true)
}

fn id(n: u32) -> String {
    format!("00000000-0000-0000-0000-{n:012}")
}

fn event(
    n: u32,
    name: &str,
    resource: Value,
    related: Value,
    payload: Value,
    minutes_ago: i64,
) -> Value {
    json!({
        "id": id(n), "occurred": ago(minutes_ago), "event": name,
        "resource": resource, "related": related, "payload": payload,
    })
}

/// The events of the comparison with Prefect's server: runs of a flow, custom events with labels, and a
/// bulk of 30 for paging.
fn events() -> Vec<Value> {
    let flow = json!({"prefect.resource.id": "prefect.flow.f1", "prefect.resource.role": "flow", "prefect.resource.name": "etl"});
    let tag = json!({"prefect.resource.id": "prefect.tag.t1", "prefect.resource.role": "tag"});
    let mut all = vec![
        event(
            1,
            "prefect.flow-run.Completed",
            json!({"prefect.resource.id": "prefect.flow-run.a", "prefect.resource.name": "run-a"}),
            json!([flow]),
            json!({"x": "Hello World"}),
            5,
        ),
        event(
            2,
            "prefect.flow-run.Failed",
            json!({"prefect.resource.id": "prefect.flow-run.b", "prefect.resource.name": "run-b"}),
            json!([{"prefect.resource.id": "prefect.flow.f1", "prefect.resource.role": "flow"}, tag]),
            json!({"err": "boom 50%"}),
            4,
        ),
        event(
            3,
            "prefect.flow-run.Completed",
            json!({"prefect.resource.id": "prefect.flow-run.b", "prefect.resource.name": "run-b2"}),
            json!([]),
            json!({}),
            3,
        ),
        event(
            4,
            "custom.thing",
            json!({"prefect.resource.id": "my.resource.1", "color": "red"}),
            json!([]),
            json!({"k": 1}),
            62,
        ),
        event(
            5,
            "custom.thing",
            json!({"prefect.resource.id": "my.resource.2", "color": "blue"}),
            json!([]),
            json!({}),
            60 * 26,
        ),
    ];
    for n in 10..40 {
        all.push(event(
            n,
            "bulk.e",
            json!({"prefect.resource.id": format!("bulk.{}", n % 3)}),
            json!([]),
            json!({}),
            10 + i64::from(n),
        ));
    }
    all
}

fn ids(page: &Value) -> Vec<String> {
    page["events"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| {
            e["id"]
                .as_str()
                .unwrap()
                .trim_start_matches("00000000-0000-0000-0000-")
                .trim_start_matches('0')
                .to_owned()
        })
        .collect()
}

#[track_caller]
fn filtered(server: &Server, filter: Value) -> Vec<String> {
    ids(&ok(server, "/events/filter", json!({ "filter": filter })))
}

fn scenario(server: &Server) {
    let (status, answer) = call(server, "POST", "/events", json!(events()));
    assert_eq!(status, 204, "{answer}");
    // Stored by the sink within its batching delay.
    let deadline = Instant::now() + Duration::from_secs(10);
    while ok(server, "/events/filter", json!({}))["total"] != 35 {
        assert!(Instant::now() < deadline, "events were not stored");
        std::thread::sleep(Duration::from_millis(100));
    }
    bad_events(server);

    // The default page: the newest 50, newest first, with Prefect's ReceivedEvent shape.
    let page = ok(server, "/events/filter", json!({}));
    assert_eq!(page["total"], 35);
    assert_eq!(page["next_page"], Value::Null);
    let first = &page["events"][0];
    assert_eq!(ids(&page)[..3], ["3", "2", "1"]);
    let keys: Vec<String> = first.as_object().unwrap().keys().cloned().collect();
    assert_eq!(
        keys.join(","),
        "occurred,event,resource,related,payload,id,follows,received"
    );

    assert_eq!(
        filtered(server, json!({"event": {"prefix": ["prefect.flow-run."]}})),
        ["3", "2", "1"]
    );
    assert_eq!(
        filtered(
            server,
            json!({"event": {"exclude_prefix": ["bulk"], "exclude_name": ["custom.thing"]}})
        ),
        ["3", "2", "1"]
    );
    assert_eq!(
        filtered(
            server,
            json!({"event": {"name": ["custom.thing"]}, "order": "ASC"})
        ),
        ["5", "4"]
    );
    assert_eq!(
        filtered(server, json!({"resource": {"labels": {"color": ["re*"]}}})),
        ["4"]
    );
    assert_eq!(
        filtered(server, json!({"resource": {"labels": {"color": "!red"}}})),
        ["5"]
    );
    assert_eq!(
        filtered(
            server,
            json!({"resource": {"id_prefix": ["prefect.flow-run."], "distinct": true}})
        ),
        ["3", "1"]
    );
    assert_eq!(
        filtered(
            server,
            json!({"related": {"labels": {"prefect.resource.role": "flow"}}})
        ),
        ["2", "1"]
    );
    assert_eq!(
        filtered(
            server,
            json!({"related": {"resources_in_roles": [["prefect.tag.t1", "tag"]]}})
        ),
        ["2"]
    );
    assert_eq!(
        filtered(
            server,
            json!({"related": [{"id": ["prefect.flow.f1"]}, {"role": ["tag"]}]})
        ),
        ["2"]
    );
    assert_eq!(
        filtered(
            server,
            json!({"any_resource": {"id": ["prefect.flow-run.a"]}})
        ),
        ["1"]
    );
    assert_eq!(
        filtered(
            server,
            json!({"any_resource": {"labels": {"prefect.resource.name": "run-*"}}})
        ),
        ["3", "2", "1"]
    );
    assert_eq!(filtered(server, json!({"id": {"id": [id(4)]}})), ["4"]);
    // Prefect's own server fails these on SQLite (no `concat`); ours answers them on both.
    assert_eq!(
        filtered(server, json!({"text": {"query": "hello -boom"}})),
        ["1"]
    );
    assert_eq!(filtered(server, json!({"text": {"query": "50%"}})), ["2"]);
    assert_eq!(
        filtered(server, json!({"text": {"query": "+boom +failed"}})),
        ["2"]
    );
    let yesterday = json!({"occurred": {"since": ago(60 * 27), "until": ago(60 * 25)}});
    assert_eq!(filtered(server, yesterday), ["5"]);

    paging(server);
    counting(server);
    refusals(server);
}

fn bad_events(server: &Server) {
    let (status, answer) = call(
        server,
        "POST",
        "/events",
        json!([{"occurred": ago(0), "event": "a", "resource": {}, "id": id(900)}]),
    );
    assert_eq!(status, 422);
    assert_eq!(
        answer["exception_detail"][0],
        json!({"type": "value_error", "loc": ["body", 0, "resource"],
               "msg": "Value error, Resources must include the prefect.resource.id label",
               "input": {}, "ctx": {"error": {}}})
    );
    let no_role = json!([{"occurred": ago(0), "event": "a", "resource": {"prefect.resource.id": "a"},
                          "related": [{"prefect.resource.id": "b"}], "id": id(901)}]);
    let (status, answer) = call(server, "POST", "/events", no_role);
    assert_eq!(status, 422);
    assert_eq!(
        answer["exception_detail"][0]["loc"],
        json!(["body", 0, "related", 0])
    );
    assert_eq!(
        answer["exception_detail"][0]["msg"],
        "Value error, Related Resources must include the prefect.resource.role label"
    );
    let (status, answer) = call(server, "POST", "/events", json!([{"id": "x"}]));
    assert_eq!(status, 422, "{answer}");
}

/// 30 bulk events in pages of 7: each `next_page` link is followed as given, and the pages together are the
/// whole result, in order, once.
fn paging(server: &Server) {
    let mut page = ok(
        server,
        "/events/filter",
        json!({"limit": 7, "filter": {"event": {"name": ["bulk.e"]}}}),
    );
    let mut seen = ids(&page);
    assert_eq!(page["total"], 30);
    let mut links = 0;
    while let Some(next) = page["next_page"].as_str() {
        let path = next.split_once("/api").unwrap().1;
        assert!(next.starts_with(&server.api_url()), "{next}");
        let (status, answer) = call(server, "GET", path, Value::Null);
        assert_eq!(status, 200, "{answer}");
        assert_eq!(answer["total"], 30);
        seen.extend(ids(&answer));
        page = answer;
        links += 1;
    }
    assert_eq!(links, 4);
    let expected: Vec<String> = (10..40).map(|n| n.to_string()).collect();
    assert_eq!(seen, expected);

    let (status, answer) = call(
        server,
        "GET",
        "/events/filter/next?page-token=!!!",
        Value::Null,
    );
    assert_eq!((status, answer), (403, json!({"detail": "Forbidden"})));
    let (status, answer) = call(server, "GET", "/events/filter/next", Value::Null);
    assert_eq!(status, 422);
    assert_eq!(
        answer["exception_detail"][0]["loc"],
        json!(["query", "page-token"])
    );
    // A token asking for more than a page at a time is not one the server made.
    let forged = json!({"filter": {}, "count": 1000, "page_size": 100000, "offset": 0});
    let inner = base64::Engine::encode(
        &base64::engine::general_purpose::STANDARD,
        forged.to_string(),
    );
    let forged = base64(inner.as_bytes());
    let (status, _) = call(
        server,
        "GET",
        &format!("/events/filter/next?page-token={forged}"),
        Value::Null,
    );
    assert_eq!(status, 403);
}

fn base64(bytes: &[u8]) -> String {
    use base64::Engine;
    let text = base64::engine::general_purpose::STANDARD.encode(bytes);
    text.replace('+', "%2B")
        .replace('/', "%2F")
        .replace('=', "%3D")
}

fn counting(server: &Server) {
    let by_event = ok(server, "/events/count-by/event", json!({"filter": {}}));
    let summary: Vec<Value> = by_event
        .as_array()
        .unwrap()
        .iter()
        .map(|c| json!([c["value"], c["count"]]))
        .collect();
    let expected = [
        ("bulk.e", 30),
        ("custom.thing", 2),
        ("prefect.flow-run.Completed", 2),
        ("prefect.flow-run.Failed", 1),
    ];
    assert_eq!(summary, expected.map(|(name, n)| json!([name, n])));
    // By resource, labelled by the name in the resource's latest event.
    let by_resource = ok(
        server,
        "/events/count-by/resource",
        json!({"filter": {"event": {"prefix": ["prefect.flow-run"]}}}),
    );
    assert_eq!(by_resource[0]["value"], "prefect.flow-run.b");
    assert_eq!(by_resource[0]["label"], "run-b2");
    assert_eq!(by_resource[0]["count"], 2);
    assert_eq!(by_resource[1]["label"], "run-a");

    // Days: every day of the range, empty ones too, bounded by the day's first and last microsecond.
    let days = ok(
        server,
        "/events/count-by/day",
        json!({"filter": {"occurred": {"since": ago(60 * 24 * 3), "until": ago(0)}}}),
    );
    let days = days.as_array().unwrap();
    assert_eq!(days.len(), 4);
    let counts: i64 = days.iter().map(|d| d["count"].as_i64().unwrap()).sum();
    assert_eq!(counts, 35);
    for (i, day) in days.iter().enumerate() {
        assert_eq!(day["value"], i.to_string());
        let start = day["start_time"].as_str().unwrap();
        assert!(start.ends_with("T00:00:00Z"), "{start}");
        assert!(
            day["end_time"]
                .as_str()
                .unwrap()
                .ends_with("T23:59:59.999999Z")
        );
        assert_eq!(
            day["label"],
            format!("{}+00:00", start.trim_end_matches('Z'))
        );
    }
    let half_hours = ok(
        server,
        "/events/count-by/time",
        json!({"filter": {"occurred": {"since": ago(120), "until": ago(0)}}, "time_unit": "hour", "time_interval": 0.5}),
    );
    let total: i64 = half_hours
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["count"].as_i64().unwrap())
        .sum();
    // Events from 3 minutes to two hours ago: the flow runs, one custom event and the bulk (10 to 39 minutes
    // before its start, all within).
    assert_eq!(total, 34);
    assert!((4..=6).contains(&half_hours.as_array().unwrap().len()));
}

fn refusals(server: &Server) {
    let (status, answer) = call(server, "POST", "/events/filter", json!({"limit": 51}));
    assert_eq!(status, 422);
    assert_eq!(
        answer["exception_detail"][0],
        json!({"type": "less_than_equal", "loc": ["body", "limit"], "msg": "Input should be less than or equal to 50",
               "input": 51, "ctx": {"le": 50}})
    );
    assert_eq!(answer["request_body"], json!({"limit": 51}));
    let (status, answer) = call(
        server,
        "POST",
        "/events/filter",
        json!({"filter": {"bogus": 1}}),
    );
    assert_eq!(status, 422);
    assert_eq!(answer["exception_detail"][0]["type"], "extra_forbidden");
    let (status, answer) = call(
        server,
        "POST",
        "/events/filter",
        json!({"filter": {"text": {"query": "x".repeat(201)}}}),
    );
    assert_eq!(status, 422);
    assert_eq!(answer["exception_detail"][0]["type"], "string_too_long");
    let (status, answer) = call(
        server,
        "POST",
        "/events/count-by/time",
        json!({"filter": {}, "time_unit": "second"}),
    );
    assert_eq!(status, 422);
    let detail = answer["detail"].as_str().unwrap();
    assert!(
        detail.starts_with("The given interval would create"),
        "{detail}"
    );
    let (status, answer) = call(
        server,
        "POST",
        "/events/count-by/time",
        json!({"filter": {}, "time_interval": 0}),
    );
    assert_eq!(status, 422);
    assert_eq!(answer["exception_detail"][0]["ctx"], json!({"ge": 0.01}));
    let (status, answer) = call(
        server,
        "POST",
        "/events/count-by/nope",
        json!({"filter": {}}),
    );
    assert_eq!(status, 422);
    assert_eq!(
        answer["exception_detail"][0]["loc"],
        json!(["path", "countable"])
    );
    let (status, answer) = call(server, "POST", "/events/count-by/event", json!({}));
    assert_eq!(status, 422);
    assert_eq!(
        answer["exception_detail"][0]["loc"],
        json!(["body", "filter"])
    );
}

#[test]
fn events_api_on_sqlite() {
    let env = TestEnv::new();
    let server = Server::start(&env, &[]);
    scenario(&server);
}

#[test]
fn events_api_on_postgres() {
    let pg = Postgres::start();
    let env = TestEnv::new();
    let (server, _) = common::seeded::start(&env, Some(&pg), &[]);
    scenario(&server);
}
