//! The scheduler service through the real server, on SQLite and PostgreSQL: deployments with interval, cron and
//! rrule schedules get their runs ahead (how many, when, with what), never twice for one slot (across rounds
//! and restarts), no more than a schedule's `max_scheduled_runs`, and none for an inactive schedule or a paused
//! deployment. Deployments and schedules are written with SQL, as Prefect's API would store them, so that this
//! file tests the service alone.

mod common;

use std::time::{Duration, Instant};

use chrono::{DateTime, Duration as Span, DurationRound, Utc};
use common::postgres::Postgres;
use common::server::{Server, post};
use common::{TestEnv, sqlite};
use serde_json::{Value, json};

/// Where the test's SQL goes: the server's SQLite file, or a database of a throwaway PostgreSQL cluster.
enum Store<'a> {
    Sqlite(std::path::PathBuf),
    Postgres(&'a Postgres, &'a str),
}

impl Store<'_> {
    fn sql(&self, sql: &str) -> String {
        match self {
            Store::Sqlite(path) => sqlite(path, sql),
            Store::Postgres(pg, db) => pg.psql(db, sql),
        }
    }

    /// Rows of `|`-separated columns.
    fn rows(&self, sql: &str) -> Vec<Vec<String>> {
        self.sql(sql)
            .lines()
            .filter(|l| !l.is_empty())
            .map(|l| l.split('|').map(str::to_owned).collect())
            .collect()
    }

    fn count(&self, sql: &str) -> usize {
        self.sql(sql).trim().parse().unwrap()
    }
}

/// The scheduler quick and with Prefect's other defaults, plus `extra`.
fn start(env: &TestEnv, pg: Option<(&Postgres, &str)>, extra: &[(&str, &str)]) -> Server {
    let mut vars: Vec<(&str, String)> = vec![
        (
            "PREFECT_SERVER_SERVICES_SCHEDULER_LOOP_SECONDS",
            "0.3".into(),
        ),
        (
            "PREFECT_SERVER_SERVICES_SCHEDULER_RECENT_DEPLOYMENTS_LOOP_SECONDS",
            "0.2".into(),
        ),
    ];
    vars.extend(extra.iter().map(|(k, v)| (*k, v.to_string())));
    if let Some((pg, db)) = pg {
        vars.push(("PREFECT_SERVER_DATABASE_CONNECTION_URL", pg.url(db)));
    }
    let vars: Vec<(&str, &str)> = vars.iter().map(|(k, v)| (*k, v.as_str())).collect();
    Server::start(env, &vars)
}

fn flow(server: &Server, name: &str) -> String {
    let (status, body) = post(
        &format!("{}/flows/", server.api_url()),
        &json!({ "name": name }).to_string(),
    );
    assert!(status == 201 || status == 200, "{body}");
    serde_json::from_str::<Value>(&body).unwrap()["id"]
        .as_str()
        .unwrap()
        .to_owned()
}

fn now_text() -> String {
    Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Micros, true)
}

/// A deployment of `flow` (tags `["nightly"]`, a label, parameters x=1 y=2, queue `default`); its id.
fn deployment(store: &Store, flow: &str, name: &str, paused: bool) -> String {
    let id = uuid::Uuid::now_v7().to_string();
    let now = now_text();
    store.sql(&format!(
        "INSERT INTO deployment (id, created, updated, name, flow_id, tags, labels, parameters, work_queue_name, \
         paused) VALUES ('{id}', '{now}', '{now}', '{name}', '{flow}', '[\"nightly\"]', '{{\"team\": \"data\"}}', \
         '{{\"x\": 1, \"y\": 2}}', 'default', {paused})"
    ));
    id
}

/// A schedule (as Prefect stores one) of `deployment` with parameters y=3; its id.
fn schedule(
    store: &Store,
    deployment: &str,
    schedule: Value,
    active: bool,
    max_runs: Option<i32>,
) -> String {
    let id = uuid::Uuid::now_v7().to_string();
    let now = now_text();
    let max_runs = max_runs.map_or("NULL".to_owned(), |n| n.to_string());
    store.sql(&format!(
        "INSERT INTO deployment_schedule (id, created, updated, deployment_id, schedule, active, max_scheduled_runs, \
         parameters) VALUES ('{id}', '{now}', '{now}', '{deployment}', '{schedule}', {active}, {max_runs}, \
         '{{\"y\": 3}}')"
    ));
    id
}

fn runs_of(store: &Store, deployment: &str) -> usize {
    store.count(&format!(
        "SELECT count(*) FROM flow_run WHERE deployment_id = '{deployment}'"
    ))
}

/// Waits until `deployment` has `expected` runs (and a little longer, to see that no more come).
fn wait_for_runs(store: &Store, deployment: &str, expected: usize) {
    let started = Instant::now();
    while runs_of(store, deployment) < expected && started.elapsed() < Duration::from_secs(20) {
        std::thread::sleep(Duration::from_millis(100));
    }
    std::thread::sleep(Duration::from_millis(800));
    assert_eq!(
        runs_of(store, deployment),
        expected,
        "runs of deployment {deployment}"
    );
}

/// The scheduled start times of the deployment's runs, in order.
fn start_times(store: &Store, deployment: &str) -> Vec<DateTime<Utc>> {
    let column = match store {
        Store::Sqlite(_) => "expected_start_time",
        Store::Postgres(..) => {
            "to_char(expected_start_time AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.US\"Z\"')"
        }
    };
    store
        .rows(&format!(
            "SELECT {column} FROM flow_run WHERE deployment_id = '{deployment}' ORDER BY expected_start_time"
        ))
        .into_iter()
        .map(|row| DateTime::parse_from_rfc3339(&row[0]).unwrap().with_timezone(&Utc))
        .collect()
}

/// The next `n` whole hours after `now` (what an hourly schedule anchored on the hour gives).
fn next_hours(now: DateTime<Utc>, n: i64) -> Vec<DateTime<Utc>> {
    let hour = now.duration_trunc(Span::hours(1)).unwrap();
    (1..=n).map(|k| hour + Span::hours(k)).collect()
}

fn scenario(env: &TestEnv, store: &Store, pg: Option<(&Postgres, &str)>) {
    let server = start(env, pg, &[]);
    let started = Utc::now();
    let f = flow(&server, "scheduled-flow");
    let interval = deployment(store, &f, "interval", false);
    let interval_schedule = schedule(
        store,
        &interval,
        json!({"interval": 3600.0, "anchor_date": "2026-01-01T00:00:00Z", "timezone": "UTC"}),
        true,
        None,
    );
    let cron = deployment(store, &f, "cron", false);
    schedule(
        store,
        &cron,
        json!({"cron": "0 * * * *", "timezone": "America/New_York", "day_or": true}),
        true,
        None,
    );
    let rrule = deployment(store, &f, "rrule", false);
    schedule(
        store,
        &rrule,
        json!({"rrule": "DTSTART:20260101T000000\nRRULE:FREQ=HOURLY", "timezone": "Europe/London"}),
        true,
        None,
    );
    // Every 10 minutes: to cover an hour ahead it takes 7 runs, but the schedule allows 2.
    let capped = deployment(store, &f, "capped", false);
    schedule(
        store,
        &capped,
        json!({"interval": 600.0, "anchor_date": "2026-01-01T00:00:00Z", "timezone": "UTC"}),
        true,
        Some(2),
    );
    let inactive = deployment(store, &f, "inactive", false);
    schedule(
        store,
        &inactive,
        json!({"interval": 60.0, "anchor_date": "2026-01-01T00:00:00Z", "timezone": "UTC"}),
        false,
        None,
    );
    let paused = deployment(store, &f, "paused", true);
    schedule(
        store,
        &paused,
        json!({"interval": 60.0, "anchor_date": "2026-01-01T00:00:00Z", "timezone": "UTC"}),
        true,
        None,
    );

    // Prefect's defaults: at least 3 runs and an hour ahead (whichever takes more), at most 100.
    for hourly in [&interval, &cron, &rrule] {
        wait_for_runs(store, hourly, 3);
        let times = start_times(store, hourly);
        let expected = next_hours(started, 3);
        // An hour may turn while the test runs.
        assert!(
            times == expected || times == next_hours(started + Span::minutes(1), 3),
            "{times:?}"
        );
    }
    wait_for_runs(store, &capped, 2);
    assert_eq!(runs_of(store, &inactive), 0);
    assert_eq!(runs_of(store, &paused), 0);

    // Each run as Prefect's scheduler makes it.
    let (key, body) = match store {
        Store::Sqlite(_) => (
            "idempotency_key",
            "tags, parameters, labels, created_by, auto_scheduled, state_type, state_name, work_queue_name",
        ),
        Store::Postgres(..) => (
            "idempotency_key",
            "tags, parameters, labels, created_by, auto_scheduled::int, state_type, state_name, work_queue_name",
        ),
    };
    let rows = store.rows(&format!(
        "SELECT {key}, {body} FROM flow_run WHERE deployment_id = '{interval}' ORDER BY expected_start_time"
    ));
    let first = &rows[0];
    let slot = start_times(store, &interval)[0].format("%Y-%m-%d %H:%M:%S+00:00");
    assert_eq!(
        first[0],
        format!("scheduled {interval} {interval_schedule} {slot}")
    );
    let parse = |text: &str| serde_json::from_str::<Value>(text).unwrap();
    assert_eq!(parse(&first[1]), json!(["auto-scheduled", "nightly"]));
    assert_eq!(parse(&first[2]), json!({"x": 1, "y": 3}));
    assert_eq!(
        parse(&first[3]),
        json!({"team": "data", "prefect.flow.id": f, "prefect.deployment.id": interval})
    );
    assert_eq!(
        parse(&first[4]),
        json!({"id": interval_schedule, "display_value": "IntervalSchedule", "type": "SCHEDULE"})
    );
    assert_eq!(&first[5..], ["1", "SCHEDULED", "Scheduled", "default"]);

    // Through the API: a Scheduled state with its time, as clients read it.
    let run_id = store.rows(&format!(
        "SELECT id FROM flow_run WHERE deployment_id = '{interval}' ORDER BY expected_start_time LIMIT 1"
    ))[0][0]
        .clone();
    let (status, body) = common::server::get(&format!("{}/flow_runs/{run_id}", server.api_url()));
    assert_eq!(status, 200, "{body}");
    let run: Value = serde_json::from_str(&body).unwrap();
    assert_eq!(run["state"]["type"], "SCHEDULED");
    assert_eq!(run["state"]["message"], "Flow run scheduled");
    assert_eq!(run["auto_scheduled"], true);
    let scheduled = run["state"]["state_details"]["scheduled_time"]
        .as_str()
        .unwrap();
    assert_eq!(
        DateTime::parse_from_rfc3339(scheduled).unwrap(),
        DateTime::parse_from_rfc3339(run["expected_start_time"].as_str().unwrap()).unwrap()
    );

    // Restarted, the server schedules nothing twice.
    let before: usize = store.count("SELECT count(*) FROM flow_run");
    server.stop();
    let server = start(env, pg, &[]);
    std::thread::sleep(Duration::from_millis(1500));
    assert_eq!(store.count("SELECT count(*) FROM flow_run"), before);
    server.stop();

    // Rounds that keep asking for more (two days ahead, at most 5 runs) make the same 5 slots each time.
    let server = start(
        env,
        pg,
        &[
            (
                "PREFECT_SERVER_SERVICES_SCHEDULER_MIN_SCHEDULED_TIME",
                "P2D",
            ),
            ("PREFECT_SERVER_SERVICES_SCHEDULER_MAX_RUNS", "5"),
        ],
    );
    wait_for_runs(store, &interval, 5);
    std::thread::sleep(Duration::from_millis(1500));
    let times = start_times(store, &interval);
    assert_eq!(times.len(), 5);
    let mut distinct = times.clone();
    distinct.dedup();
    assert_eq!(distinct, times);
    // Every run has exactly one state, its current one.
    assert_eq!(
        store.count(
            "SELECT count(*) FROM flow_run fr JOIN flow_run_state s ON s.flow_run_id = fr.id \
             WHERE fr.state_id = s.id"
        ),
        store.count("SELECT count(*) FROM flow_run_state")
    );
    assert_eq!(
        store.count("SELECT count(*) FROM flow_run WHERE state_id IS NULL"),
        0
    );
    server.stop();

    // Off, it schedules nothing.
    let server = start(
        env,
        pg,
        &[("PREFECT_SERVER_SERVICES_SCHEDULER_ENABLED", "false")],
    );
    let late = deployment(store, &f, "late", false);
    schedule(
        store,
        &late,
        json!({"interval": 60.0, "anchor_date": "2026-01-01T00:00:00Z", "timezone": "UTC"}),
        true,
        None,
    );
    std::thread::sleep(Duration::from_millis(1000));
    assert_eq!(runs_of(store, &late), 0);
    server.stop();
}

#[test]
fn the_scheduler_makes_runs_ahead_once_per_slot_on_sqlite() {
    let env = TestEnv::new();
    // Create the database first (the server migrates it), then run the scenario against its file.
    start(
        &env,
        None,
        &[("PREFECT_SERVER_SERVICES_SCHEDULER_ENABLED", "false")],
    )
    .stop();
    let store = Store::Sqlite(env.home().join("prefect.db"));
    scenario(&env, &store, None);
}

#[test]
fn the_scheduler_makes_runs_ahead_once_per_slot_on_postgres() {
    let env = TestEnv::new();
    let pg = Postgres::start();
    pg.create_database("sched");
    let store = Store::Postgres(&pg, "sched");
    scenario(&env, &store, Some((&pg, "sched")));
}
