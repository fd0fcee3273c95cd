//! A seeded fuzz test: random JSON shaped like real request bodies (real field names, state types and filter
//! operators, mixed with extreme numbers, wrong types, nulls, huge strings and deep nesting) thrown at the
//! orchestration rules, the filter parsers, the log parser and the field checks, asserting that none of them
//! panics. A failure names the target and prints the input, and the seed makes it reproducible.

use std::panic::{AssertUnwindSafe, catch_unwind};

use serde_json::{Map, Value, json};

use crate::api::schemas::fields::{self, DateTime, FlowRunPolicy, LaxBool, LaxInt, TaskRunPolicy};
use crate::api::schemas::logs::LogCreate;
use crate::api::schemas::states::StateCreate;
use crate::db::Dialect;
use crate::db::types::{Id, Timestamp, parse_time};
use crate::orchestration::{self, Bookkeeping, Run};
use crate::store::filter::{Criteria, Where};
use crate::store::states::{Proposed, State, TYPES, full_details};
use crate::store::{flow_runs, task_runs};

/// `given` read as a `T`, as a request body's field would be.
fn read_as<T: serde::de::DeserializeOwned>(given: &Value) -> Option<T> {
    serde_json::from_value(given.clone()).ok()
}

/// Inputs per target: enough to hit every branch many times, a few seconds in all in a debug build.
const ROUNDS: usize = 1_000;

/// xorshift64*: small, seeded, and good enough to pick among choices.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }

    fn chance(&mut self, percent: u64) -> bool {
        self.next() % 100 < percent
    }

    fn pick<T: Copy>(&mut self, items: &[T]) -> T {
        items[self.below(items.len())]
    }
}

const KEYS: &[&str] = &[
    "type",
    "name",
    "message",
    "data",
    "state",
    "state_details",
    "scheduled_time",
    "pause_timeout",
    "pause_key",
    "pause_reschedule",
    "transition_id",
    "retriable",
    "cache_expiration",
    "retries",
    "retry_delay",
    "retry_delay_seconds",
    "max_retries",
    "pause_keys",
    "resuming",
    "retry_type",
    "retry_jitter_factor",
    "any_",
    "not_any_",
    "all_",
    "is_null_",
    "like_",
    "startswith_",
    "before_",
    "after_",
    "ge_",
    "le_",
    "query",
    "operator",
    "exists_",
    "id",
    "flow_id",
    "flow_run_id",
    "task_run_id",
    "parent_flow_run_id",
    "parent_task_run_id",
    "deployment_id",
    "work_queue_name",
    "tags",
    "start_time",
    "end_time",
    "expected_start_time",
    "next_scheduled_start_time",
    "timestamp",
    "level",
    "text",
    "subflow_runs",
    "flows",
    "flow_runs",
    "task_runs",
    "logs",
    "deployments",
    "work_pools",
    "task_key",
    "dynamic_key",
    "cache_key",
    "idempotency_key",
    "flow_version",
    "limit",
    "offset",
    "sort",
    "force",
];

const STRINGS: &[&str] = &[
    "",
    "SCHEDULED",
    "PENDING",
    "RUNNING",
    "COMPLETED",
    "FAILED",
    "CANCELLED",
    "CRASHED",
    "PAUSED",
    "CANCELLING",
    "BOGUS",
    "Late",
    "AwaitingRetry",
    "Suspended",
    "Resuming",
    "Pending",
    "unpersisted",
    "or_",
    "and_",
    "ID_DESC",
    "NAME_ASC",
    "9999-12-31T23:59:59.999999Z",
    "0001-01-01T00:00:00Z",
    "0000-01-01T00:00:00Z",
    "10000-01-01T00:00:00Z",
    "+100000-01-01T00:00:00",
    "-0001-01-01T00:00:00",
    "2026-01-01T00:00:00",
    "2026-02-30T00:00:00Z",
    "2026-01-01T00:00:00+23:59",
    "junk",
    "00000000-0000-0000-0000-000000000000",
    "01a23215-5d06-7784-b43d-205ec35c14f8",
    "' OR 1=1 --",
    "%_\\",
    "ǅ\u{0}\u{10FFFF}",
    "1e15",
    " 7 ",
    "yes",
    "maybe",
];

/// A delay: one number or a list of them (task runs take a list).
fn delays(rng: &mut Rng) -> Value {
    if rng.chance(50) {
        number(rng)
    } else {
        Value::Array((0..rng.below(4)).map(|_| number(rng)).collect())
    }
}

/// A state that failed while running, a third of the time: the retry rules, where the time arithmetic is.
fn retry_or(rng: &mut Rng, initial: &mut Option<State>, p: &mut Proposed) {
    if rng.chance(33) {
        let mut running = state(rng);
        running.state_type = "RUNNING".into();
        *initial = Some(running);
        p.state_type = "FAILED".into();
    }
}

fn number(rng: &mut Rng) -> Value {
    match rng.below(4) {
        0 => json!(rng.pick(&[
            0_i64,
            1,
            -1,
            2,
            49,
            50,
            51,
            i64::MAX,
            i64::MIN,
            i32::MAX as i64,
            i32::MIN as i64
        ])),
        1 => json!(u64::MAX),
        2 => json!(rng.pick(&[
            0.5,
            -0.5,
            1.5,
            1e15,
            -1e15,
            1e300,
            -1e300,
            f64::MAX,
            f64::MIN,
            f64::MIN_POSITIVE,
            5e-324,
            3155760000.0,
            9.3e18,
            -9.3e18,
        ])),
        _ => json!(rng.next() as i64),
    }
}

fn string(rng: &mut Rng) -> Value {
    match rng.below(10) {
        0 if rng.chance(10) => Value::String("é".repeat(50_000)),
        1 => Value::String(format!("{}", rng.next())),
        _ => json!(rng.pick(STRINGS)),
    }
}

/// A random value; objects use real field names, so the code under test goes past its first lookups.
fn value(rng: &mut Rng, depth: usize) -> Value {
    let leaf = depth == 0 || rng.chance(40);
    match rng.below(if leaf { 4 } else { 6 }) {
        0 => Value::Null,
        1 => json!(rng.chance(50)),
        2 => number(rng),
        3 => string(rng),
        4 => Value::Array((0..rng.below(6)).map(|_| value(rng, depth - 1)).collect()),
        _ => object(rng, depth - 1),
    }
}

fn object(rng: &mut Rng, depth: usize) -> Value {
    let mut map = Map::new();
    for _ in 0..rng.below(8) {
        map.insert(rng.pick(KEYS).to_string(), value(rng, depth));
    }
    Value::Object(map)
}

/// A value nested `levels` deep (serde_json refuses more than 128 levels in a body, so real ones stop there).
fn nested(rng: &mut Rng, levels: usize) -> Value {
    (0..levels).fold(value(rng, 1), |inner, _| {
        if rng.chance(50) {
            json!([inner])
        } else {
            json!({ rng.pick(KEYS): inner })
        }
    })
}

/// Mostly shaped like a body, sometimes deeply nested, sometimes not an object at all.
fn body(rng: &mut Rng) -> Value {
    match rng.below(10) {
        0 => nested(rng, 120),
        1 => value(rng, 2),
        _ => object(rng, 4),
    }
}

/// The fields of a run policy and of state details: what the rules compute with.
const POLICY: &[&str] = &[
    "retries",
    "retry_delay",
    "retry_delay_seconds",
    "max_retries",
    "pause_keys",
    "resuming",
    "retry_type",
    "retry_jitter_factor",
];
const DETAILS: &[&str] = &[
    "scheduled_time",
    "pause_timeout",
    "pause_key",
    "pause_reschedule",
    "transition_id",
    "retriable",
    "cache_expiration",
];

/// An object with some of `fields`, each usually a leaf (`leaf` or a number); now and then anything at all.
fn shaped(rng: &mut Rng, fields: &[&str], leaf: fn(&mut Rng) -> Value) -> Value {
    if rng.chance(10) {
        return body(rng);
    }
    let mut map = Map::new();
    for field in fields {
        if rng.chance(60) {
            let v = match rng.below(4) {
                0 | 1 => leaf(rng),
                2 => number(rng),
                _ => value(rng, 2),
            };
            map.insert((*field).to_owned(), v);
        }
    }
    Value::Object(map)
}

/// The state types the common transitions (and the retry rules) involve.
const COMMON_TYPES: &[&str] = &["RUNNING", "FAILED", "SCHEDULED", "PENDING", "PAUSED"];

/// Half the time one of `COMMON_TYPES`, else any type.
fn state_type(rng: &mut Rng) -> &'static str {
    let pool = if rng.chance(50) { COMMON_TYPES } else { TYPES };
    rng.pick(pool)
}

fn timestamp(rng: &mut Rng) -> Timestamp {
    match rng.below(4) {
        0 => Timestamp::earliest(),
        1 => Timestamp::latest(),
        _ => Timestamp::now().saturating_add_seconds(number(rng).as_f64().unwrap_or(0.0)),
    }
}

fn state(rng: &mut Rng) -> State {
    State {
        id: Id(uuid::Uuid::nil()),
        state_type: state_type(rng).to_owned(),
        name: string(rng).as_str().unwrap_or_default().to_owned(),
        timestamp: timestamp(rng),
        message: None,
        data: Some(value(rng, 2)),
        details: shaped(rng, DETAILS, string),
    }
}

fn proposed(rng: &mut Rng) -> Proposed {
    let mut given = body(rng);
    if rng.chance(80) {
        let details = shaped(rng, DETAILS, string);
        given = json!({"type": state_type(rng), "name": string(rng), "state_details": details});
    }
    read_as::<StateCreate>(&given)
        .map(StateCreate::into_proposed)
        .unwrap_or_else(|| {
            let (state_type, name) = (rng.pick(TYPES), rng.pick(STRINGS));
            let mut p = Proposed::new(state_type, name);
            p.details = body(rng);
            p
        })
}

fn int(rng: &mut Rng) -> i32 {
    rng.pick(&[0, 1, 2, -1, i32::MAX, i32::MIN])
}

/// Runs `target`; a panic fails the test, naming the target and the input.
fn no_panic(target: &str, input: &dyn std::fmt::Debug, run: impl FnOnce()) {
    if catch_unwind(AssertUnwindSafe(run)).is_err() {
        let shown = format!("{input:?}");
        let shown: String = shown.chars().take(2_000).collect();
        panic!("{target} panicked on input: {shown}");
    }
}

fn each_round(seed: u64, mut round: impl FnMut(&mut Rng)) {
    let mut rng = Rng(seed);
    for _ in 0..ROUNDS {
        round(&mut rng);
    }
}

#[test]
fn the_flow_run_rules_never_panic() {
    each_round(0x5EED_0001, |rng| {
        let mut initial = rng.chance(85).then(|| state(rng));
        let mut p = proposed(rng);
        retry_or(rng, &mut initial, &mut p);
        let given = shaped(rng, POLICY, delays);
        let policy = if rng.chance(50) {
            flow_runs::normalise_policy(&given)
        } else {
            given
        };
        let run = Run {
            initial: initial.as_ref(),
            run_count: int(rng),
            policy,
            has_deployment: rng.chance(50),
            has_infrastructure_pid: rng.chance(50),
            is_subflow: rng.chance(50),
        };
        let api = rng
            .chance(50)
            .then(|| (0, 8, rng.pick(&[0, 3, 4, u64::MAX])));
        let (force, now) = (rng.chance(30), timestamp(rng));
        no_panic("set_flow_run_state", &(&initial, &run.policy, &p), || {
            let decision = orchestration::set_flow_run_state(&run, p.clone(), force, api, now);
            let _ = decision.details();
        });
        let before = Bookkeeping {
            run_count: int(rng),
            start_time: rng.chance(50).then(|| timestamp(rng)),
            end_time: rng.chance(50).then(|| timestamp(rng)),
            total_run_time: rng.pick(&[0.0, f64::MAX, f64::NAN, f64::INFINITY, -1e300]),
            expected_start_time: rng.chance(50).then(|| timestamp(rng)),
            next_scheduled_start_time: None,
        };
        let mut policy = body(rng);
        let at = timestamp(rng);
        let given_policy = policy.clone();
        no_panic("record", &(&before, &initial, &p, &given_policy), || {
            orchestration::record(&before, initial.as_ref(), &p, at, &mut policy, api, true);
            flow_runs::estimates(
                Some(&p.state_type),
                Some(at),
                before.total_run_time,
                before.start_time,
                before.expected_start_time,
                now,
            );
        });
    });
}

#[test]
fn the_task_run_rules_and_the_recorder_never_panic() {
    each_round(0x5EED_0002, |rng| {
        let mut initial = rng.chance(85).then(|| state(rng));
        let mut p = proposed(rng);
        retry_or(rng, &mut initial, &mut p);
        let flow_run = rng.chance(70).then(|| {
            (
                rng.chance(80).then(|| rng.pick(TYPES).to_string()),
                int(rng),
            )
        });
        let given = shaped(rng, POLICY, delays);
        let policy = if rng.chance(50) {
            task_runs::normalise_policy(&given)
        } else {
            given
        };
        let mut run_count = int(rng);
        let (flow_run_run_count, now) = (int(rng), timestamp(rng));
        no_panic(
            "task_policy",
            &(&initial, p.clone(), &flow_run, &policy, run_count),
            || {
                task_runs::task_policy(
                    flow_run_run_count,
                    initial.as_ref(),
                    &mut p,
                    flow_run.as_ref(),
                    &policy,
                    &mut run_count,
                    now,
                );
            },
        );
        let mut event = object(rng, 4);
        if rng.chance(80) {
            event["event"] = json!(format!("prefect.task-run.{}", rng.pick(STRINGS)));
            event["id"] = json!(uuid::Uuid::nil().to_string());
            event["occurred"] = string(rng);
            event["resource"] = json!({"prefect.resource.id": format!("prefect.task-run.{}", uuid::Uuid::nil()),
                                       "prefect.orchestration": "client"});
            event["payload"] = json!({"validated_state": object(rng, 2), "task_run": body(rng)});
        }
        no_panic("from_event", &event, || {
            let _ = task_runs::from_event(&event);
        });
    });
}

#[test]
fn the_filter_parsers_never_panic() {
    each_round(0x5EED_0003, |rng| {
        let mut filter = body(rng);
        // Put a random filter where the parsers look for one, as often as not.
        if rng.chance(60) {
            filter = json!({ rng.pick(&["flows", "flow_runs", "task_runs", "logs", "deployments", "work_pools", "work_pool_queues", "workers"]): object(rng, 3) });
        }
        for dialect in [Dialect::Sqlite, Dialect::Postgres] {
            no_panic("filters", &filter, || {
                let null = Value::Null;
                let mut w = Where::new(dialect);
                let _ = w.flows(filter.get("flows").unwrap_or(&null), "f");
                let _ = w.flow_runs(filter.get("flow_runs").unwrap_or(&null), "fr");
                let _ = w.task_runs(filter.get("task_runs").unwrap_or(&null), "tr");
                let _ = w.logs(filter.get("logs").unwrap_or(&null), "l");
                let _ = w.flow_runs(&filter, "fr");
                let criteria = Criteria {
                    deployments: filter.get("deployments").cloned(),
                    work_pools: filter.get("work_pools").cloned(),
                    work_pool_queues: filter.get("work_pool_queues").cloned(),
                    ..Criteria::default()
                };
                let _ = criteria.flow_run_links(&mut w, "fr");
                let _ = criteria.deployment_conditions(&mut w, "d");
                let _ = w.workers(filter.get("workers").unwrap_or(&null), "w");
                let _ = w.page("fr.id DESC", "fr.id", i64::MAX, i64::MIN);
            });
        }
    });
}

#[test]
fn the_field_checks_and_time_parsing_never_panic() {
    each_round(0x5EED_0004, |rng| {
        let given = if rng.chance(50) {
            value(rng, 3)
        } else {
            shaped(rng, POLICY, delays)
        };
        no_panic("checks", &given, || {
            let _ = fields::lax_int(&given);
            let _ = fields::lax_bool(&given);
            let _ = read_as::<LaxInt>(&given);
            let _ = read_as::<LaxBool>(&given);
            let _ = read_as::<Vec<String>>(&given);
            let _ = read_as::<DateTime>(&given);
            let _ = read_as::<FlowRunPolicy>(&given);
            let _ = read_as::<TaskRunPolicy>(&given);
            let _ = read_as::<StateCreate>(&given);
            let _ = read_as::<LogCreate>(&given);
            let body = serde_json::to_vec(&given).unwrap_or_default();
            let _ = crate::api::schemas::from_body::<Vec<LogCreate>>(&body);
            let _ = full_details(&given);
            if let Some(text) = given.as_str() {
                let _ = parse_time(text).map(|t| t.rfc3339());
            }
            let seconds = given.as_f64().unwrap_or(f64::NAN);
            let _ = Timestamp::latest().saturating_add_seconds(seconds);
            let _ = Timestamp::earliest().checked_add_seconds(-seconds);
        });
    });
}
