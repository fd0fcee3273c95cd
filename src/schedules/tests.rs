//! Schedules read, written and stepped as Prefect 3.8.8's server does; expected dates generated once with
//! Prefect's own `get_dates` (Python 3.11, pendulum) from the test virtualenv.

use chrono::{DateTime, Utc};
use serde_json::{Value, json};

use super::*;

fn utc(text: &str) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(text)
        .unwrap()
        .with_timezone(&Utc)
}

fn read(value: Value) -> Schedule {
    Schedule::from_value(&value, utc("2026-12-01T17:35:58.086519Z")).unwrap()
}

fn errors(value: Value) -> Vec<(Vec<Value>, String, String)> {
    Schedule::from_value(&value, Utc::now())
        .unwrap_err()
        .into_iter()
        .map(|e| (e.loc, e.kind.to_owned(), e.msg))
        .collect()
}

#[test]
fn schedules_read_and_write_as_prefects_responses_show_them() {
    let cases = [
        (
            json!({"interval": 90.5}),
            json!({"interval": 90.5, "anchor_date": "2026-12-01T17:35:58.086519Z", "timezone": "UTC"}),
        ),
        (
            json!({"interval": 3600, "anchor_date": "2026-01-01T09:00:00-05:00"}),
            json!({"interval": 3600.0, "anchor_date": "2026-01-01T09:00:00-05:00", "timezone": "UTC"}),
        ),
        (
            json!({"interval": "P1D", "anchor_date": "2026-01-01T09:00:00", "timezone": "Europe/London"}),
            json!({"interval": 86400.0, "anchor_date": "2026-01-01T09:00:00Z", "timezone": "Europe/London"}),
        ),
        (
            json!({"cron": "0 9 * * *", "timezone": "America/New_York"}),
            json!({"cron": "0 9 * * *", "timezone": "America/New_York", "day_or": true}),
        ),
        (
            json!({"cron": "0 9 * * *"}),
            json!({"cron": "0 9 * * *", "timezone": null, "day_or": true}),
        ),
        (
            json!({"rrule": "FREQ=DAILY;BYHOUR=9"}),
            json!({"rrule": "FREQ=DAILY;BYHOUR=9", "timezone": "UTC"}),
        ),
        (
            json!({"rrule": "FREQ=DAILY", "timezone": null}),
            json!({"rrule": "FREQ=DAILY", "timezone": null}),
        ),
    ];
    for (given, shown) in cases {
        let schedule = read(given.clone());
        assert_eq!(schedule.to_value(), shown, "{given}");
        // What we store reads back as itself.
        assert_eq!(read(schedule.to_value()), schedule);
    }
}

#[test]
fn rrules_without_a_start_are_normalised_as_prefects_action_models_do() {
    let now = utc("2026-12-01T17:35:58Z");
    let normalised = |rule: &str| match read(json!({"rrule": rule})).normalized(now) {
        Schedule::RRule(r) => r.rrule,
        _ => unreachable!(),
    };
    assert_eq!(
        normalised("FREQ=DAILY;BYHOUR=9"),
        "DTSTART:20200101T000000\nFREQ=DAILY;BYHOUR=9"
    );
    assert_eq!(
        normalised("FREQ=MINUTELY;INTERVAL=7"),
        "DTSTART:20261201T173500\nFREQ=MINUTELY;INTERVAL=7"
    );
    assert_eq!(
        normalised("DTSTART:20250101T000000\nRRULE:FREQ=HOURLY"),
        "DTSTART:20250101T000000\nRRULE:FREQ=HOURLY"
    );
}

#[test]
fn bad_schedules_get_every_members_errors_as_pydantic_gives_them() {
    let i = INTERVAL_MEMBER;
    let c = CRON_MEMBER;
    let r = RRULE_MEMBER;
    let e = |loc: &[&str], kind: &str, msg: &str| {
        (
            loc.iter().map(|s| json!(s)).collect::<Vec<_>>(),
            kind.to_owned(),
            msg.to_owned(),
        )
    };
    assert_eq!(
        errors(json!({"cron": "nope"})),
        vec![
            e(&[i, "interval"], "missing", "Field required"),
            e(
                &[i, "cron"],
                "extra_forbidden",
                "Extra inputs are not permitted"
            ),
            e(
                &[c, "cron"],
                "value_error",
                "Value error, Invalid cron string: \"nope\""
            ),
            e(&[r, "rrule"], "missing", "Field required"),
            e(
                &[r, "cron"],
                "extra_forbidden",
                "Extra inputs are not permitted"
            ),
        ]
    );
    let zone = "Value error, Invalid timezone: \"Mars/Base\" (specify in IANA tzdata format, for example, America/New_York)";
    assert_eq!(
        errors(json!({"cron": "0 9 * * *", "timezone": "Mars/Base"}))[2],
        e(&[c], "value_error", zone)
    );
    assert_eq!(
        errors(json!({"rrule": "FREQ=SOMETIMES"}))[4],
        e(
            &[r, "rrule"],
            "value_error",
            "Value error, Invalid RRule string \"FREQ=SOMETIMES\": invalid 'FREQ': SOMETIMES"
        )
    );
    assert_eq!(
        errors(json!({"interval": 0}))[0],
        e(
            &[i, "interval"],
            "value_error",
            "Value error, interval must be positive"
        )
    );
    assert_eq!(
        errors(json!({"interval": -5}))[0].2,
        "Value error, interval must be positive"
    );
    assert_eq!(
        errors(json!({"interval": "abc"}))[0],
        e(
            &[i, "interval"],
            "time_delta_parsing",
            "Input should be a valid timedelta, invalid digit in duration"
        )
    );
    assert_eq!(
        errors(json!({"cron": "R * * * *"}))[2].2,
        "Value error, Random and Hashed expressions are unsupported, received: \"R * * * *\""
    );
    assert_eq!(errors(json!("x")).len(), 3);
    assert_eq!(
        errors(json!({"cron": "0 9 * * *", "day_or": "maybe"}))[3],
        e(
            &[c, "day_or"],
            "bool_parsing",
            "Input should be a valid boolean, unable to interpret input"
        )
    );
    let rrule_zone = errors(json!({"rrule": "FREQ=DAILY", "timezone": "Nope/X"}));
    assert_eq!(rrule_zone[4].1, "string_pattern_mismatch");
    assert!(
        rrule_zone[4]
            .2
            .starts_with("String should match pattern 'Africa/Abidjan|Africa/Accra|")
    );
}

#[test]
fn a_body_error_lists_every_member_with_its_path_and_ctx() {
    #[derive(Debug, serde::Deserialize)]
    #[allow(dead_code)]
    struct Item {
        schedule: Schedule,
    }
    #[derive(Debug, serde::Deserialize)]
    #[allow(dead_code)]
    struct Create {
        schedules: Vec<Item>,
    }
    let body = br#"{"schedules": [{"schedule": {"cron": "nope"}}]}"#;
    let error = crate::api::schemas::from_body::<Create>(body).unwrap_err();
    let detail = &error.body["exception_detail"];
    assert_eq!(detail.as_array().unwrap().len(), 5);
    assert_eq!(
        detail[2],
        json!({"type": "value_error", "loc": ["body", "schedules", 0, "schedule", CRON_MEMBER, "cron"],
               "msg": "Value error, Invalid cron string: \"nope\"", "input": "nope", "ctx": {"error": {}}})
    );
    assert_eq!(
        detail[0],
        json!({"type": "missing", "loc": ["body", "schedules", 0, "schedule", INTERVAL_MEMBER, "interval"],
               "msg": "Field required", "input": {"cron": "nope"}})
    );
}
