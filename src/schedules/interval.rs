//! Interval schedules: pydantic's reading of a `timedelta`, and Prefect's stepping from the anchor (Python 3.11,
//! pendulum): one jump of whole intervals in absolute time to near the start, then steps whose whole days are
//! added on the wall clock of the schedule's zone (so a daily run keeps its hour across a DST change within one
//! call) and whose remaining seconds are absolute.

use chrono::{DateTime, Duration, Utc};
use chrono_tz::Tz;
use serde_json::{Value, json};

use super::{IntervalSchedule, MAX_ITERATIONS, fold_of, localize, zone_of};
use crate::api::schemas::FieldError;

const MICROS_PER_SECOND: i64 = 1_000_000;
const MICROS_PER_DAY: i64 = 86_400 * MICROS_PER_SECOND;
/// Python's `timedelta.max` is 999,999,999 days.
const MAX_MICROS: i128 = 999_999_999 * MICROS_PER_DAY as i128;

fn parsing_error(given: &Value, why: &str) -> FieldError {
    FieldError::new(
        "time_delta_parsing",
        format!("Input should be a valid timedelta, {why}"),
        given,
    )
    .with_ctx(json!({ "error": why }))
}

/// A `timedelta` as pydantic reads one in lax mode: a number of seconds, an ISO 8601 duration (`P1DT2H`), or
/// `[-][D day[s], ]HH:MM[:SS[.ffffff]]`; in microseconds.
pub fn parse_timedelta(given: &Value) -> Result<i64, FieldError> {
    let seconds_to_micros = |seconds: f64| -> Result<i64, FieldError> {
        let micros = (seconds * 1e6).round();
        if !micros.is_finite() || micros.abs() > MAX_MICROS as f64 {
            return Err(parsing_error(
                given,
                "durations may not exceed 999,999,999 days",
            ));
        }
        Ok(micros as i64)
    };
    match given {
        Value::Number(n) => match n.as_i64() {
            Some(i) => i
                .checked_mul(MICROS_PER_SECOND)
                .filter(|m| (*m as i128).abs() <= MAX_MICROS)
                .ok_or_else(|| parsing_error(given, "durations may not exceed 999,999,999 days")),
            None => seconds_to_micros(n.as_f64().unwrap_or(f64::NAN)),
        },
        Value::String(text) => {
            let text = text.trim();
            if let Ok(seconds) = text.parse::<f64>() {
                return seconds_to_micros(seconds);
            }
            parse_duration_text(text)
                .filter(|m| m.abs() <= MAX_MICROS)
                .map(|m| m as i64)
                .ok_or_else(|| parsing_error(given, "invalid digit in duration"))
        }
        other => Err(FieldError::new(
            "time_delta_type",
            "Input should be a valid timedelta",
            other,
        )),
    }
}

fn parse_duration_text(text: &str) -> Option<i128> {
    let (negative, text) = match text.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, text.strip_prefix('+').unwrap_or(text)),
    };
    let micros = if let Some(iso) = text.strip_prefix('P').or_else(|| text.strip_prefix('p')) {
        parse_iso(iso)?
    } else {
        parse_clock(text)?
    };
    Some(if negative { -micros } else { micros })
}

/// `P[nY][nM][nW][nD][T[nH][nM][n[.f]S]]`, years as 365 days and months as 30, as speedate counts them.
fn parse_iso(text: &str) -> Option<i128> {
    let (date, time) = match text.split_once(['T', 't']) {
        Some((d, t)) => (d, Some(t)),
        None => (text, None),
    };
    let mut total: f64 = 0.0;
    let mut any = false;
    let mut read = |part: &str, units: &[(char, f64)]| -> Option<()> {
        let mut number = String::new();
        for c in part.chars() {
            if c.is_ascii_digit() || c == '.' {
                number.push(c);
                continue;
            }
            let unit = units.iter().find(|(u, _)| u.eq_ignore_ascii_case(&c))?.1;
            total += number.parse::<f64>().ok()? * unit;
            number.clear();
            any = true;
        }
        number.is_empty().then_some(())
    };
    read(
        date,
        &[
            ('Y', 365.0 * 86400.0),
            ('M', 30.0 * 86400.0),
            ('W', 7.0 * 86400.0),
            ('D', 86400.0),
        ],
    )?;
    if let Some(time) = time {
        if time.is_empty() {
            return None;
        }
        read(time, &[('H', 3600.0), ('M', 60.0), ('S', 1.0)])?;
    }
    any.then(|| (total * 1e6).round() as i128)
}

/// `[D day[s], ]HH:MM[:SS[.ffffff]]`.
fn parse_clock(text: &str) -> Option<i128> {
    let (days, clock) = match text.split_once(',') {
        Some((days, clock)) => {
            let days = days
                .trim()
                .trim_end_matches("days")
                .trim_end_matches("day")
                .trim();
            (days.parse::<i128>().ok()?, clock.trim())
        }
        None => (0, text),
    };
    let parts: Vec<&str> = clock.split(':').collect();
    if !(2..=3).contains(&parts.len()) {
        return None;
    }
    let hours: i128 = parts[0].parse().ok()?;
    let minutes: i128 = parts[1].parse().ok()?;
    let seconds: f64 = match parts.get(2) {
        Some(s) => s.parse().ok()?,
        None => 0.0,
    };
    if minutes >= 60 || !(0.0..60.0).contains(&seconds) {
        return None;
    }
    Some(
        days * MICROS_PER_DAY as i128
            + (hours * 3600 + minutes * 60) * 1_000_000
            + (seconds * 1e6).round() as i128,
    )
}

/// Pendulum's `add(days=d, seconds=s)`: with days, on the wall clock (keeping the fold); without, absolute.
fn advance(time: &DateTime<Tz>, days: i64, rest_micros: i64) -> Option<DateTime<Tz>> {
    if days == 0 {
        return time.checked_add_signed(Duration::microseconds(rest_micros));
    }
    let wall = time
        .naive_local()
        .checked_add_signed(Duration::days(days))?
        .checked_add_signed(Duration::microseconds(rest_micros))?;
    localize(time.timezone(), wall, fold_of(time))
}

/// Prefect's `IntervalSchedule._get_dates_generator` on Python 3.11.
pub fn dates(
    schedule: &IntervalSchedule,
    n: usize,
    start: DateTime<Utc>,
    end: Option<DateTime<Utc>>,
) -> Vec<DateTime<Tz>> {
    let zone = zone_of(schedule.timezone.as_deref().filter(|z| !z.is_empty()));
    let interval = schedule.interval_micros;
    if interval <= 0 {
        return Vec::new();
    }
    let anchor = schedule.anchor_date.with_timezone(&zone);
    let start = start.with_timezone(&zone);
    // `int((start - anchor).total_seconds() / interval.total_seconds())`, truncated toward zero.
    let Some(diff) = (start - anchor).num_microseconds() else {
        return Vec::new();
    };
    let offset = ((diff as f64 / 1e6) / (interval as f64 / 1e6)).trunc();
    let jump = (interval as f64 / 1e6 * offset * 1e6).round();
    if !jump.is_finite() || jump.abs() > i64::MAX as f64 {
        return Vec::new();
    }
    let Some(mut next) = anchor.checked_add_signed(Duration::microseconds(jump as i64)) else {
        return Vec::new();
    };
    let days = interval.div_euclid(MICROS_PER_DAY);
    let rest = interval - days * MICROS_PER_DAY;
    let mut guard = 0;
    while next < start {
        match advance(&next, days, rest) {
            Some(later) if later > next => next = later,
            _ => return Vec::new(),
        }
        guard += 1;
        if guard > 10 * MAX_ITERATIONS {
            return Vec::new();
        }
    }
    let mut dates: Vec<DateTime<Tz>> = Vec::new();
    let mut counter = 0;
    loop {
        if end.is_some_and(|end| next > end) {
            break;
        }
        if !dates.contains(&next) {
            dates.push(next);
        }
        if dates.len() >= n || counter > MAX_ITERATIONS {
            break;
        }
        counter += 1;
        match advance(&next, days, rest) {
            Some(later) => next = later,
            None => break,
        }
    }
    dates
}
