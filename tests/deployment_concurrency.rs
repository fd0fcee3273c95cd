//! Deployment concurrency limits in the flow-run rules, through the real server on SQLite and PostgreSQL, as
//! Prefect 3.8's SecureFlowConcurrencySlots / ValidateDeploymentConcurrencyAtRunning /
//! ReleaseFlowConcurrencySlots decide them: a run entering PENDING takes a slot of its deployment's v2 limit
//! with a lease (in its state's details); with no slot left ENQUEUE sends it back to Scheduled
//! `AwaitingConcurrencySlot` 30 seconds out and CANCEL_NEW cancels it; a limit of 0 aborts; the lease is
//! carried to RUNNING and renewed, and a run whose lease was reaped while another took the slot is cancelled;
//! the slot is freed on a terminal state but kept over an in-process retry. Deployments are inserted with SQL
//! (the same text on both dialects); limits go through the v2 API. And the official client end to end:
//! `flow.serve()` of a deployment with `global_limit` 1 and two `run_deployment` runs, which give on Prefect's
//! own server (compared by hand with tests/python/deployment_concurrency.py) one run Completed and the other
//! Cancelled (CANCEL_NEW) or AwaitingConcurrencySlot until the first is done, then Completed (ENQUEUE).

mod common;

use common::postgres::Postgres;
use common::seeded::Database;
use common::server::{Server, get, post};
use common::{TestEnv, python_prefect, seeded};
use serde_json::{Value, json};

const ENQUEUED: &str = "00000000-0000-4000-8000-0000000000d1";
const CANCELS: &str = "00000000-0000-4000-8000-0000000000d2";
const ZERO: &str = "00000000-0000-4000-8000-0000000000d3";

/// No services: the lease-expiry service must not free what the test frees by hand.
const NO_SERVICES: &[&str] = &["--no-services"];

fn parse(text: &str) -> Value {
    serde_json::from_str(text).unwrap_or_else(|e| panic!("not JSON ({e}): {text}"))
}

fn created(url: &str, body: Value) -> Value {
    let (status, text) = post(url, &body.to_string());
    assert!(status == 200 || status == 201, "{url}: {status} {text}");
    parse(&text)
}

struct Api<'a> {
    url: String,
    db: &'a Database<'a>,
    flow: String,
}

impl Api<'_> {
    fn limit(&self, name: &str, limit: i64) -> String {
        let body = json!({ "name": name, "limit": limit });
        created(&format!("{}/v2/concurrency_limits/", self.url), body)["id"]
            .as_str()
            .unwrap()
            .to_owned()
    }

    fn deployment(&self, id: &str, name: &str, limit: Option<&str>, options: Value) {
        let t = "2026-12-01T00:00:00.000000Z";
        let limit = limit.map_or("NULL".to_owned(), |l| format!("'{l}'"));
        let options = if options.is_null() {
            "NULL".to_owned()
        } else {
            format!("'{options}'")
        };
        self.db.exec(&format!(
            "INSERT INTO deployment (id, created, updated, name, flow_id, concurrency_limit_id, concurrency_options) \
             VALUES ('{id}', '{t}', '{t}', '{name}', '{}', {limit}, {options});",
            self.flow
        ));
    }

    /// A Scheduled run of `deployment`.
    fn run(&self, deployment: &str, extra: Value) -> String {
        let mut body = json!({ "flow_id": self.flow, "state": { "type": "SCHEDULED" } });
        body.as_object_mut()
            .unwrap()
            .extend(extra.as_object().unwrap().clone());
        let run = created(&format!("{}/flow_runs/", self.url), body);
        let id = run["id"].as_str().unwrap().to_owned();
        self.db.exec(&format!(
            "UPDATE flow_run SET deployment_id = '{deployment}' WHERE id = '{id}';"
        ));
        id
    }

    fn propose(&self, run: &str, state: Value) -> Value {
        let body = json!({ "state": state });
        let (status, text) = post(
            &format!("{}/flow_runs/{run}/set_state", self.url),
            &body.to_string(),
        );
        assert!(status == 200 || status == 201, "{status} {text}");
        parse(&text)
    }

    fn active_slots(&self, limit: &str) -> i64 {
        let (status, text) = get(&format!("{}/v2/concurrency_limits/{limit}", self.url));
        assert_eq!(status, 200, "{text}");
        parse(&text)["active_slots"].as_i64().unwrap()
    }

    fn leases(&self) -> String {
        self.db
            .exec("SELECT count(*) FROM concurrency_lease;")
            .trim()
            .to_owned()
    }
}

fn lease_of(answer: &Value) -> String {
    answer["state"]["state_details"]["deployment_concurrency_lease_id"]
        .as_str()
        .unwrap_or_else(|| panic!("no lease: {answer}"))
        .to_owned()
}

fn deployment_limits_are_enforced(url: &str, db: &Database) {
    let flow = created(&format!("{url}/flows/"), json!({"name": "limited"}))["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let api = Api {
        url: url.to_owned(),
        db,
        flow,
    };
    let one = api.limit("deployment:enqueued", 1);
    let cancels = api.limit("deployment:cancels", 1);
    let zero = api.limit("deployment:zero", 0);
    api.deployment(ENQUEUED, "enqueued", Some(&one), Value::Null);
    api.deployment(
        CANCELS,
        "cancels",
        Some(&cancels),
        json!({"collision_strategy": "CANCEL_NEW"}),
    );
    api.deployment(ZERO, "zero", Some(&zero), Value::Null);

    // The first run takes the slot, with a lease.
    let a = api.run(ENQUEUED, json!({}));
    let answer = api.propose(&a, json!({"type": "PENDING"}));
    assert_eq!(answer["status"], "ACCEPT", "{answer}");
    let lease = lease_of(&answer);
    assert_eq!(api.active_slots(&one), 1);
    assert_eq!(api.leases(), "1");

    // The second waits: back to Scheduled, 30 seconds out.
    let b = api.run(ENQUEUED, json!({}));
    let answer = api.propose(&b, json!({"type": "PENDING"}));
    assert_eq!(answer["status"], "REJECT", "{answer}");
    assert_eq!(
        answer["details"]["reason"],
        "Deployment concurrency limit reached."
    );
    assert_eq!(answer["state"]["type"], "SCHEDULED");
    assert_eq!(answer["state"]["name"], "AwaitingConcurrencySlot");
    let at = answer["state"]["state_details"]["scheduled_time"]
        .as_str()
        .unwrap();
    let at = chrono::DateTime::parse_from_rfc3339(at).unwrap();
    let wait = (at.with_timezone(&chrono::Utc) - chrono::Utc::now()).num_seconds();
    assert!((25..=30).contains(&wait), "{wait} {answer}");
    assert_eq!(api.active_slots(&one), 1);

    // The worker's Pending -> Pending (a null lease in the body) and Pending -> Running keep the lease.
    let answer = api.propose(
        &a,
        json!({"type": "PENDING", "name": "Submitting", "state_details": {"deployment_concurrency_lease_id": null}}),
    );
    assert_eq!(answer["status"], "ACCEPT", "{answer}");
    assert_eq!(lease_of(&answer), lease);
    let answer = api.propose(&a, json!({"type": "RUNNING"}));
    assert_eq!(answer["status"], "ACCEPT", "{answer}");
    assert_eq!(lease_of(&answer), lease);
    assert_eq!(api.active_slots(&one), 1);

    // Completing frees the slot and drops the lease; the waiting run gets it.
    let answer = api.propose(&a, json!({"type": "COMPLETED"}));
    assert_eq!(answer["status"], "ACCEPT", "{answer}");
    assert_eq!(api.active_slots(&one), 0);
    assert_eq!(api.leases(), "0");
    // (Its worker picks it up once its time comes; here it says the time is now.)
    let now = chrono::Utc::now().to_rfc3339();
    let answer = api.propose(
        &b,
        json!({"type": "PENDING", "state_details": {"scheduled_time": now}}),
    );
    assert_eq!(answer["status"], "ACCEPT", "{answer}");
    let lease_b = lease_of(&answer);
    assert_eq!(api.active_slots(&one), 1);

    // Its lease is reaped while it provisions (as the lease-expiry service frees it), another run takes the
    // slot, and at RUNNING there is none left: it is cancelled.
    db.exec(&format!(
        "DELETE FROM concurrency_lease_limit WHERE lease_id = '{lease_b}'; \
         DELETE FROM concurrency_lease WHERE id = '{lease_b}'; \
         UPDATE concurrency_limit_v2 SET active_slots = 0 WHERE id = '{one}';"
    ));
    let c = api.run(ENQUEUED, json!({}));
    assert_eq!(
        api.propose(&c, json!({"type": "PENDING"}))["status"],
        "ACCEPT"
    );
    let answer = api.propose(&b, json!({"type": "RUNNING"}));
    assert_eq!(answer["status"], "REJECT", "{answer}");
    assert_eq!(answer["state"]["type"], "CANCELLED");
    assert_eq!(
        answer["state"]["message"],
        "Deployment concurrency slot lost during provisioning - no slots available to continue execution"
    );
    assert_eq!(
        answer["details"]["reason"],
        "Deployment concurrency limit reached after lease expiry."
    );

    // A lease reaped with the slot still free: RUNNING takes a new one.
    let c_lease = {
        let (_, text) = get(&format!("{url}/flow_runs/{c}"));
        parse(&text)["state"]["state_details"]["deployment_concurrency_lease_id"]
            .as_str()
            .unwrap()
            .to_owned()
    };
    db.exec(&format!(
        "DELETE FROM concurrency_lease_limit WHERE lease_id = '{c_lease}'; \
         DELETE FROM concurrency_lease WHERE id = '{c_lease}'; \
         UPDATE concurrency_limit_v2 SET active_slots = 0 WHERE id = '{one}';"
    ));
    let answer = api.propose(&c, json!({"type": "RUNNING"}));
    assert_eq!(answer["status"], "ACCEPT", "{answer}");
    assert_ne!(lease_of(&answer), c_lease);
    assert_eq!(api.active_slots(&one), 1);

    // A failure retried in process keeps the slot; a forced cancellation frees it.
    db.exec(&format!(
        "UPDATE flow_run SET empirical_policy = '{{\"retries\": 1, \"retry_delay\": 0}}' WHERE id = '{c}';"
    ));
    let answer = api.propose(&c, json!({"type": "FAILED"}));
    assert_eq!(answer["status"], "REJECT", "{answer}");
    assert_eq!(answer["state"]["name"], "AwaitingRetry");
    assert_eq!(api.active_slots(&one), 1);
    let body = json!({"state": {"type": "CANCELLED"}, "force": true});
    let (status, text) = post(&format!("{url}/flow_runs/{c}/set_state"), &body.to_string());
    assert_eq!(status, 201, "{text}");
    // AwaitingRetry is Scheduled: leaving it frees nothing; the slot went with the engine's lease.
    assert_eq!(api.active_slots(&one), 1);
    let d = api.run(ENQUEUED, json!({}));
    assert_eq!(
        api.propose(&d, json!({"type": "PENDING"}))["status"],
        "REJECT"
    );
    assert_eq!(
        api.propose(&d, json!({"type": "PENDING"}))["state"]["name"],
        "AwaitingConcurrencySlot"
    );
    assert_eq!(api.active_slots(&one), 1);

    // CANCEL_NEW: the second run is cancelled.
    let e = api.run(CANCELS, json!({}));
    let lease_e = lease_of(&api.propose(&e, json!({"type": "PENDING"})));
    let f = api.run(CANCELS, json!({}));
    let answer = api.propose(&f, json!({"type": "PENDING"}));
    assert_eq!(answer["status"], "REJECT", "{answer}");
    assert_eq!(answer["state"]["type"], "CANCELLED");
    assert_eq!(
        answer["state"]["message"],
        "Deployment concurrency limit reached."
    );
    // A forced terminal state frees the slot too.
    let body = json!({"state": {"type": "CRASHED"}, "force": true});
    let (status, text) = post(&format!("{url}/flow_runs/{e}/set_state"), &body.to_string());
    assert_eq!(status, 201, "{text}");
    assert_eq!(api.active_slots(&cancels), 0);
    let left = db.exec(&format!(
        "SELECT count(*) FROM concurrency_lease WHERE id = '{lease_e}';"
    ));
    assert_eq!(left.trim(), "0", "the crashed run's lease is gone");

    // Marking a run Late (as the late-runs service does): with CANCEL_NEW and the limit full it is cancelled
    // instead; with ENQUEUE (full too) it is just Late.
    let holder = api.run(CANCELS, json!({}));
    assert_eq!(
        api.propose(&holder, json!({"type": "PENDING"}))["status"],
        "ACCEPT"
    );
    let late = api.run(CANCELS, json!({}));
    let answer = api.propose(&late, json!({"type": "SCHEDULED", "name": "Late"}));
    assert_eq!(answer["status"], "REJECT", "{answer}");
    assert_eq!(answer["state"]["type"], "CANCELLED");
    assert_eq!(
        answer["details"]["reason"],
        "Deployment concurrency limit is full and uses the CANCEL_NEW strategy."
    );
    let late = api.run(ENQUEUED, json!({}));
    assert_eq!(api.active_slots(&one), 1);
    let answer = api.propose(&late, json!({"type": "SCHEDULED", "name": "Late"}));
    assert_eq!(answer["status"], "ACCEPT", "{answer}");

    // A limit of 0 would deadlock: aborted.
    let g = api.run(ZERO, json!({}));
    let answer = api.propose(&g, json!({"type": "PENDING"}));
    assert_eq!(answer["status"], "ABORT", "{answer}");
    assert_eq!(
        answer["details"]["reason"],
        "The deployment concurrency limit is 0. The flow will deadlock if submitted again."
    );

    // A deployment without a limit, and a run whose deployment is gone.
    let h = api.run(ENQUEUED, json!({}));
    db.exec(&format!(
        "UPDATE flow_run SET deployment_id = '00000000-0000-4000-8000-0000000000ff' WHERE id = '{h}';"
    ));
    let answer = api.propose(&h, json!({"type": "PENDING"}));
    assert_eq!(answer["status"], "ABORT", "{answer}");
    assert_eq!(answer["details"]["reason"], "Deployment not found.");
}

#[test]
fn deployment_concurrency_limits_take_wait_cancel_and_free_slots_on_sqlite() {
    let env = TestEnv::new();
    let (server, db) = seeded::start(&env, None, NO_SERVICES);
    deployment_limits_are_enforced(&server.api_url(), &db);
}

#[test]
fn deployment_concurrency_limits_take_wait_cancel_and_free_slots_on_postgres() {
    let pg = Postgres::start();
    let env = TestEnv::new();
    let (server, db) = seeded::start(&env, Some(&pg), NO_SERVICES);
    deployment_limits_are_enforced(&server.api_url(), &db);
}

/// The official runner (`flow.serve()`) with a deployment limit of 1, and two runs of it.
fn served_deployment_runs_one_at_a_time(env: &TestEnv, server: &Server) {
    let python = python_prefect().parent().unwrap().join("python");
    let script = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/python/deployment_concurrency.py"
    );
    for strategy in ["CANCEL_NEW", "ENQUEUE"] {
        let out = env
            .program(&python, &[script, strategy])
            .env("PREFECT_API_URL", server.api_url())
            .run();
        assert_eq!(out.code, 0, "{}\n{}", out.stdout, out.stderr);
        let result = parse(out.stdout.lines().last().unwrap_or_default());
        assert_eq!(result["running_at_once"], false, "{result}");
        assert_eq!(result["active_slots"], 0, "{result}");
        let states = |i: usize| -> Vec<String> {
            result["runs"][i]["states"]
                .as_array()
                .unwrap()
                .iter()
                .map(|s| s.as_str().unwrap().to_owned())
                .collect()
        };
        let ran = ["Scheduled", "Pending", "Submitting", "Running", "Completed"];
        assert_eq!(states(0), ran, "{result}");
        let second = states(1);
        if strategy == "CANCEL_NEW" {
            assert_eq!(second, ["Scheduled", "Cancelled"], "{result}");
        } else {
            let waited = second
                .iter()
                .filter(|s| *s == "AwaitingConcurrencySlot")
                .count();
            assert!(waited >= 1, "{result}");
            assert_eq!(second.len(), 1 + waited + 4, "{result}");
            assert_eq!(second[0], "Scheduled");
            assert_eq!(second[1 + waited..], ran[1..], "{result}");
        }
    }
}

#[test]
fn a_served_deployment_with_a_limit_runs_one_at_a_time_on_sqlite() {
    let env = TestEnv::new();
    let server = Server::start(
        &env,
        &[(
            "PREFECT_SERVER_DEPLOYMENTS_CONCURRENCY_SLOT_WAIT_SECONDS",
            "2",
        )],
    );
    served_deployment_runs_one_at_a_time(&env, &server);
}

#[test]
fn a_served_deployment_with_a_limit_runs_one_at_a_time_on_postgres() {
    let pg = Postgres::start();
    pg.create_database("prefect");
    let env = TestEnv::new();
    let url = pg.url("prefect");
    let server = Server::start(
        &env,
        &[
            ("PREFECT_SERVER_DATABASE_CONNECTION_URL", &url),
            (
                "PREFECT_SERVER_DEPLOYMENTS_CONCURRENCY_SLOT_WAIT_SECONDS",
                "2",
            ),
        ],
    );
    served_deployment_runs_one_at_a_time(&env, &server);
}
