//! RRule schedules through the `rrule` crate (a port of dateutil's rrule, which Prefect uses).
//!
//! Prefect's `to_rrule` relabels every date of the rule (`DTSTART`, `UNTIL`, `RDATE`, `EXDATE`) with the
//! schedule's zone, keeping their wall-clock digits, and dateutil then counts on the wall clock. So the rule is
//! rewritten here with all of its dates as UTC digits (where wall-clock and absolute arithmetic agree), run, and
//! each occurrence's digits read in the schedule's zone as pendulum reads them (fold 0).

use std::str::FromStr;

use chrono::{DateTime, NaiveDateTime, Utc};
use chrono_tz::Tz;
use rrule::RRuleSet;

use super::{MAX_ITERATIONS, RRuleSchedule, localize, zone_of};

/// dateutil's implicit `DTSTART` (Prefect's `DEFAULT_ANCHOR_DATE`).
const DEFAULT_DTSTART: &str = "20200101T000000";
/// Prefect's `MAX_RRULE_LENGTH`.
const MAX_RRULE_LENGTH: usize = 6500;

/// A date value (`19970902T090000Z`, `;TZID=…:19970902T090000`, `19970902`) as bare digits with a time.
fn digits(value: &str) -> String {
    let value = value.trim().trim_end_matches(['Z', 'z']);
    if value.len() == 8 {
        format!("{value}T000000")
    } else {
        value.to_owned()
    }
}

/// The rule with its dates as UTC digits, lines named (`FREQ=…` alone is an `RRULE`), and a `DTSTART`.
fn rewrite(text: &str) -> String {
    let mut out: Vec<String> = Vec::new();
    let mut has_start = false;
    for line in text.lines().map(str::trim).filter(|l| !l.is_empty()) {
        let (head, value) = match line.split_once(':') {
            Some((head, value)) => (head, value),
            None => ("RRULE", line),
        };
        let name = head
            .split(';')
            .next()
            .unwrap_or_default()
            .to_ascii_uppercase();
        match name.as_str() {
            "DTSTART" => {
                has_start = true;
                out.insert(0, format!("DTSTART:{}Z", digits(value)));
            }
            "RRULE" | "EXRULE" => {
                let parts: Vec<String> = value
                    .split(';')
                    .map(|part| match part.split_once('=') {
                        Some((key, until)) if key.eq_ignore_ascii_case("UNTIL") => {
                            format!("UNTIL={}Z", digits(until))
                        }
                        _ => part.to_owned(),
                    })
                    .collect();
                out.push(format!("{name}:{}", parts.join(";")));
            }
            "RDATE" | "EXDATE" => {
                let dates: Vec<String> = value
                    .split(',')
                    .map(|d| format!("{}Z", digits(d)))
                    .collect();
                out.push(format!("{name}:{}", dates.join(",")));
            }
            _ => out.push(line.to_owned()),
        }
    }
    if !has_start {
        out.insert(0, format!("DTSTART:{DEFAULT_DTSTART}Z"));
    }
    out.join("\n")
}

fn parse(text: &str) -> Result<RRuleSet, String> {
    if text.trim().is_empty() {
        return Err("empty string".into());
    }
    RRuleSet::from_str(&rewrite(text)).map_err(|e| dateutil_words(&e.to_string()))
}

/// The rrule crate's message, in dateutil's words where they are known (`invalid 'FREQ': X`).
fn dateutil_words(message: &str) -> String {
    let message = message
        .strip_prefix("RRule parsing error: ")
        .unwrap_or(message);
    if let Some(value) = message
        .strip_suffix(" is not a valid frequency.")
        .map(|v| v.trim_matches('`'))
    {
        return format!("invalid 'FREQ': {value}");
    }
    message.to_owned()
}

/// Prefect's `validate_rrule_string`: the message after `Value error, `.
pub fn validate(text: &str) -> Result<(), String> {
    if let Err(why) = parse(text) {
        return Err(format!("Invalid RRule string \"{text}\": {why}"));
    }
    if text.chars().count() > MAX_RRULE_LENGTH {
        let head: String = text.chars().take(40).collect();
        return Err(format!(
            "Invalid RRule string \"{head}...\"\nMax length is {MAX_RRULE_LENGTH}, got {}",
            text.chars().count()
        ));
    }
    Ok(())
}

/// Prefect's `normalize_rrule_string`: a rule without `DTSTART` gets `DTSTART:20200101T000000`, except a
/// `MINUTELY`/`SECONDLY` rule without `COUNT`, which gets the latest start in phase with that one that is not
/// after `now` (in the schedule's zone), so its occurrences are the same and fewer are walked.
pub fn normalize(text: &str, now: DateTime<Utc>, timezone: Option<&str>) -> String {
    if text.to_ascii_uppercase().contains("DTSTART") || parse(text).is_err() {
        return text.to_owned();
    }
    let prepend = |start: &str| format!("DTSTART:{start}\n{text}");
    let lines: Vec<&str> = text.lines().filter(|l| !l.trim().is_empty()).collect();
    let [rule] = lines.as_slice() else {
        return prepend(DEFAULT_DTSTART);
    };
    let rule = rule.trim();
    let body = rule.split_once(':').map_or(rule, |(head, body)| {
        if head.eq_ignore_ascii_case("RRULE") {
            body
        } else {
            ""
        }
    });
    let mut freq = None;
    let mut interval: i64 = 1;
    let mut count = false;
    for part in body.split(';') {
        let Some((key, value)) = part.split_once('=') else {
            continue;
        };
        match key.to_ascii_uppercase().as_str() {
            "FREQ" => freq = Some(value.to_ascii_uppercase()),
            "INTERVAL" => interval = value.parse().unwrap_or(1),
            "COUNT" => count = true,
            _ => {}
        }
    }
    let unit = match freq.as_deref() {
        Some("SECONDLY") => 1,
        Some("MINUTELY") => 60,
        _ => return prepend(DEFAULT_DTSTART),
    };
    if count || body.is_empty() {
        return prepend(DEFAULT_DTSTART);
    }
    let zone = timezone
        .and_then(|z| z.parse::<Tz>().ok())
        .unwrap_or(Tz::UTC);
    let local_now = now.with_timezone(&zone).naive_local();
    let anchor =
        NaiveDateTime::parse_from_str(DEFAULT_DTSTART, "%Y%m%dT%H%M%S").unwrap_or_default();
    let delta = (local_now - anchor).num_microseconds().unwrap_or(0) as f64 / 1e6;
    let period = (unit * interval.max(1)) as f64;
    if delta <= 0.0 {
        return prepend(DEFAULT_DTSTART);
    }
    let k = (delta / period).floor();
    let start = anchor + chrono::Duration::seconds((k * period) as i64);
    prepend(&start.format("%Y%m%dT%H%M%S").to_string())
}

/// Prefect's `RRuleSchedule._get_dates_generator` (`xafter(start, inc=True)`).
pub fn dates(
    schedule: &RRuleSchedule,
    n: usize,
    start: DateTime<Utc>,
    end: Option<DateTime<Utc>>,
) -> Vec<DateTime<Tz>> {
    let Ok(set) = parse(&schedule.rrule) else {
        return Vec::new();
    };
    let zone = zone_of(schedule.timezone.as_deref().filter(|z| !z.is_empty()));
    // Occurrences a day before the start's wall clock cannot be on or after it in any zone.
    let floor = start.with_timezone(&zone).naive_local() - chrono::Duration::days(1);
    let mut dates: Vec<DateTime<Tz>> = Vec::new();
    let mut counter = 0;
    for occurrence in set.into_iter() {
        let wall = occurrence.naive_utc();
        if wall < floor {
            continue;
        }
        let Some(date) = localize(zone, wall, false) else {
            continue;
        };
        if date < start {
            continue;
        }
        if end.is_some_and(|end| date > end) {
            break;
        }
        if !dates.contains(&date) {
            dates.push(date);
        }
        if dates.len() >= n || counter > MAX_ITERATIONS {
            break;
        }
        counter += 1;
    }
    dates
}
