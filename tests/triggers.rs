//! The triggers service through the real server: automations made through the API, events posted to
//! `/api/events`, and what the service did observed through the API (`prefect.automation.triggered` events,
//! the actions' effects) and in its tables (buckets, child firings). Reactive thresholds per `for_each` label,
//! a bucket kept across a restart, Proactive triggers (fires when the expected event does not come, not when
//! it does), compound and sequence triggers, and a failed flow run whose automation changes its state.

mod common;

use std::time::{Duration, Instant};

use chrono::{SecondsFormat, Utc};
use common::TestEnv;
use common::api::expect as ok;
use common::postgres::Postgres;
use common::seeded::Database;
use common::server::Server;
use serde_json::{Value, json};

/// The server on SQLite, or on PostgreSQL's `prefect` database, with proactive triggers looked at every
/// second rather than Prefect's five.
fn start<'a>(env: &TestEnv, pg: Option<&'a Postgres>) -> (Server, Database<'a>) {
    let fast = ("PREFECT_SERVER_EVENTS_PROACTIVE_GRANULARITY", "1");
    match pg {
        Some(pg) => {
            pg.create_database("prefect");
            let url = pg.url("prefect");
            let vars = [
                fast,
                ("PREFECT_SERVER_DATABASE_CONNECTION_URL", url.as_str()),
            ];
            (Server::start(env, &vars), Database::Postgres(pg))
        }
        None => (
            Server::start(env, &[fast]),
            Database::Sqlite(env.home().join("prefect.db")),
        ),
    }
}

#[track_caller]
fn eventually(what: &str, seconds: u64, mut check: impl FnMut() -> bool) {
    let deadline = Instant::now() + Duration::from_secs(seconds);
    while !check() {
        assert!(Instant::now() < deadline, "timed out waiting for {what}");
        std::thread::sleep(Duration::from_millis(100));
    }
}

fn automation(server: &Server, name: &str, trigger: Value) -> String {
    let body = json!({ "name": name, "trigger": trigger, "actions": [{ "type": "do-nothing" }] });
    let made = ok(server, "POST", "/automations/", body, 201);
    made["id"].as_str().unwrap().to_owned()
}

fn send(server: &Server, name: &str, resource: Value) {
    let event = json!({
        "id": uuid::Uuid::new_v4().to_string(),
        "occurred": Utc::now().to_rfc3339_opts(SecondsFormat::Micros, true),
        "event": name,
        "resource": resource,
    });
    ok(server, "POST", "/events", json!([event]), 204);
}

/// The `prefect.automation.triggered` events of automation `id`, newest first.
fn firings(server: &Server, id: &str) -> Vec<Value> {
    let filter = json!({ "filter": {
        "event": { "name": ["prefect.automation.triggered"] },
        "resource": { "id": [format!("prefect.automation.{id}")] },
    }});
    let page = ok(server, "POST", "/events/filter", filter, 200);
    page["events"].as_array().unwrap().clone()
}

/// The open buckets of automation `id`: `(bucketing key, count)`, by key.
fn buckets(db: &Database, id: &str) -> Vec<(String, i64)> {
    let out = db.exec(&format!(
        "SELECT bucketing_key, count FROM automation_bucket WHERE automation_id = '{id}' ORDER BY 1"
    ));
    out.lines()
        .filter(|l| !l.trim().is_empty())
        .map(|l| {
            let (key, count) = l.rsplit_once('|').unwrap();
            (key.replace(' ', ""), count.trim().parse().unwrap())
        })
        .collect()
}

fn reactive_for_each(server: &Server, db: &Database) {
    let id = automation(
        server,
        "three fails per resource",
        json!({
            "type": "event", "posture": "Reactive", "expect": ["test.fail"],
            "match": { "prefect.resource.id": "test.res.*" }, "for_each": ["prefect.resource.id"],
            "threshold": 3, "within": 300,
        }),
    );
    for resource in [
        "test.res.a",
        "test.res.a",
        "test.res.b",
        "test.res.b",
        "other.c",
    ] {
        send(
            server,
            "test.fail",
            json!({ "prefect.resource.id": resource }),
        );
    }
    send(
        server,
        "test.other",
        json!({ "prefect.resource.id": "test.res.a" }),
    );
    eventually("two buckets of two", 10, || {
        buckets(db, &id)
            == [
                (r#"["test.res.a"]"#.into(), 2),
                (r#"["test.res.b"]"#.into(), 2),
            ]
    });
    assert!(
        firings(server, &id).is_empty(),
        "fired before its threshold"
    );

    send(
        server,
        "test.fail",
        json!({ "prefect.resource.id": "test.res.a" }),
    );
    eventually("the firing for test.res.a", 10, || {
        !firings(server, &id).is_empty()
    });
    let fired = firings(server, &id);
    assert_eq!(fired.len(), 1);
    let fired = &fired[0];
    assert_eq!(
        fired["resource"]["prefect.resource.name"],
        "three fails per resource"
    );
    assert_eq!(fired["resource"]["prefect.posture"], "Reactive");
    assert_eq!(
        fired["payload"]["triggering_labels"],
        json!({ "prefect.resource.id": "test.res.a" })
    );
    let triggering = &fired["payload"]["triggering_event"];
    assert_eq!(triggering["event"], "test.fail");
    assert_eq!(
        fired["related"],
        json!([{ "prefect.resource.id": format!("prefect.event.{}", triggering["id"].as_str().unwrap()),
                 "prefect.resource.role": "triggering-event" }])
    );
    // As in Prefect, the fired bucket is replaced by an empty one from the end of its window; the other
    // resource's still counts.
    eventually("the fired bucket replaced", 10, || {
        buckets(db, &id)
            == [
                (r#"["test.res.a"]"#.into(), 0),
                (r#"["test.res.b"]"#.into(), 2),
            ]
    });
    // The actions executor got it.
    eventually("the action's events", 10, || {
        let filter = json!({ "filter": { "event": { "name": ["prefect.automation.action.executed"] },
                                          "resource": { "id": [format!("prefect.automation.{id}")] } } });
        ok(server, "POST", "/events/filter", filter, 200)["total"] == 1
    });
}

fn proactive(server: &Server) {
    let silent = automation(
        server,
        "no heartbeat",
        json!({ "type": "event", "posture": "Proactive", "expect": ["heartbeat"],
                "match": { "prefect.resource.id": "silent" }, "threshold": 1, "within": 10 }),
    );
    let beating = automation(
        server,
        "heartbeat keeps coming",
        json!({ "type": "event", "posture": "Proactive", "expect": ["heartbeat"],
                "match": { "prefect.resource.id": "beating" }, "threshold": 1, "within": 10 }),
    );
    let deadline = Instant::now() + Duration::from_secs(30);
    while firings(server, &silent).is_empty() {
        assert!(
            Instant::now() < deadline,
            "the proactive trigger did not fire"
        );
        send(
            server,
            "heartbeat",
            json!({ "prefect.resource.id": "beating" }),
        );
        std::thread::sleep(Duration::from_millis(1000));
    }
    let fired = &firings(server, &silent)[0];
    assert_eq!(fired["resource"]["prefect.posture"], "Proactive");
    assert_eq!(fired["payload"]["triggering_event"], Value::Null);
    assert_eq!(fired["related"], json!([]));
    assert!(
        firings(server, &beating).is_empty(),
        "fired although its events came"
    );
}

fn event_trigger(expect: &str) -> Value {
    json!({ "type": "event", "posture": "Reactive", "expect": [expect], "threshold": 1, "within": 0 })
}

fn child_firings(db: &Database, id: &str) -> i64 {
    let out = db.exec(&format!(
        "SELECT COUNT(*) FROM composite_trigger_child_firing WHERE automation_id = '{id}'"
    ));
    out.trim().parse().unwrap()
}

fn compound_and_sequence(server: &Server, db: &Database) {
    let both = automation(
        server,
        "a and b",
        json!({ "type": "compound", "require": "all", "within": 300,
                "triggers": [event_trigger("compound.a"), event_trigger("compound.b")] }),
    );
    send(server, "compound.a", json!({ "prefect.resource.id": "x" }));
    eventually("a's child firing held", 10, || {
        child_firings(db, &both) == 1
    });
    send(server, "compound.a", json!({ "prefect.resource.id": "x" }));
    std::thread::sleep(Duration::from_millis(500));
    assert!(
        firings(server, &both).is_empty(),
        "fired on one of two triggers"
    );
    send(server, "compound.b", json!({ "prefect.resource.id": "x" }));
    eventually("the compound firing", 10, || {
        firings(server, &both).len() == 1
    });
    eventually("child firings cleared", 10, || {
        child_firings(db, &both) == 0
    });

    let ordered = automation(
        server,
        "a then b",
        json!({ "type": "sequence", "within": 300,
                "triggers": [event_trigger("sequence.a"), event_trigger("sequence.b")] }),
    );
    send(server, "sequence.b", json!({ "prefect.resource.id": "x" }));
    eventually("b's child firing held", 10, || {
        child_firings(db, &ordered) == 1
    });
    send(server, "sequence.a", json!({ "prefect.resource.id": "x" }));
    eventually("a's child firing held", 10, || {
        child_firings(db, &ordered) == 2
    });
    assert!(firings(server, &ordered).is_empty(), "fired out of order");
    send(server, "sequence.b", json!({ "prefect.resource.id": "x" }));
    eventually("the sequence firing", 10, || {
        firings(server, &ordered).len() == 1
    });
}

/// A flow run entering Failed fires an automation whose action moves it to Cancelled, through the API.
fn failed_run_changes_state(server: &Server) {
    let body = json!({
        "name": "failed runs are cancelled",
        "trigger": { "type": "event", "posture": "Reactive", "expect": ["prefect.flow-run.Failed"],
                     "match": { "prefect.resource.id": "prefect.flow-run.*" }, "threshold": 1, "within": 0 },
        "actions": [{ "type": "change-flow-run-state", "state": "CANCELLED", "name": "Handled",
                      "message": "cancelled by an automation", "force": true }],
    });
    ok(server, "POST", "/automations/", body, 201);
    let flow = ok(
        server,
        "POST",
        "/flows/",
        json!({ "name": "e2e-flow" }),
        201,
    );
    let run = ok(
        server,
        "POST",
        "/flow_runs/",
        json!({ "flow_id": flow["id"], "name": "doomed", "state": { "type": "RUNNING", "name": "Running" } }),
        201,
    );
    let run_id = run["id"].as_str().unwrap();
    ok(
        server,
        "POST",
        &format!("/flow_runs/{run_id}/set_state"),
        json!({ "state": { "type": "FAILED", "name": "Failed" } }),
        201,
    );
    let read = || {
        ok(
            server,
            "GET",
            &format!("/flow_runs/{run_id}"),
            Value::Null,
            200,
        )
    };
    eventually("the automation's state change", 15, || {
        read()["state"]["type"] == "CANCELLED"
    });
    let run = read();
    assert_eq!(run["state"]["name"], "Handled");
    assert_eq!(run["state"]["message"], "cancelled by an automation");
}

/// An event that `follows` one not seen yet waits for it (in the followers table), then is evaluated.
fn followers_wait_for_their_leader(server: &Server, db: &Database) {
    let id = automation(server, "after its leader", event_trigger("order.follower"));
    let leader = uuid::Uuid::new_v4().to_string();
    let now = || Utc::now().to_rfc3339_opts(SecondsFormat::Micros, true);
    let follower = json!({ "id": uuid::Uuid::new_v4().to_string(), "occurred": now(), "event": "order.follower",
                           "resource": { "prefect.resource.id": "o" }, "follows": leader });
    ok(server, "POST", "/events", json!([follower]), 204);
    let held = || {
        db.exec("SELECT COUNT(*) FROM automation_event_follower")
            .trim()
            .to_owned()
    };
    eventually("the follower held", 10, || held() == "1");
    assert!(
        firings(server, &id).is_empty(),
        "evaluated before its leader"
    );
    let first = json!({ "id": leader, "occurred": now(), "event": "order.leader",
                        "resource": { "prefect.resource.id": "o" } });
    ok(server, "POST", "/events", json!([first]), 204);
    eventually("the follower's firing", 10, || {
        firings(server, &id).len() == 1
    });
    assert_eq!(held(), "0");
}

#[test]
fn triggers_on_sqlite() {
    let env = TestEnv::new();
    let (server, db) = start(&env, None);
    reactive_for_each(&server, &db);
    compound_and_sequence(&server, &db);
    followers_wait_for_their_leader(&server, &db);
    failed_run_changes_state(&server);
    proactive(&server);
}

#[test]
fn triggers_on_postgres() {
    let pg = Postgres::start();
    let env = TestEnv::new();
    let (server, db) = start(&env, Some(&pg));
    reactive_for_each(&server, &db);
    compound_and_sequence(&server, &db);
}

/// A bucket's count survives a restart: the second event after it completes the threshold.
#[test]
fn a_restart_keeps_a_bucket() {
    let env = TestEnv::new();
    let (server, db) = start(&env, None);
    let id = automation(
        &server,
        "two in five minutes",
        json!({ "type": "event", "posture": "Reactive", "expect": ["restart.test"], "threshold": 2, "within": 300 }),
    );
    send(
        &server,
        "restart.test",
        json!({ "prefect.resource.id": "r" }),
    );
    eventually("the bucket", 10, || buckets(&db, &id) == [("[]".into(), 1)]);
    server.stop();
    let (server, db) = start(&env, None);
    assert_eq!(buckets(&db, &id), [("[]".into(), 1)]);
    assert!(firings(&server, &id).is_empty());
    send(
        &server,
        "restart.test",
        json!({ "prefect.resource.id": "r" }),
    );
    eventually("the firing after the restart", 10, || {
        firings(&server, &id).len() == 1
    });
}
