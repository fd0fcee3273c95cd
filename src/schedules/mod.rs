//! Prefect's three kinds of schedule (`IntervalSchedule`, `CronSchedule`, `RRuleSchedule`): read from the JSON a
//! client sends (the `schedule` of a deployment schedule, an untagged union that pydantic resolves by trying each
//! member, reporting every member's errors when none fits), written back as Prefect's responses show them, and
//! the dates each produces (`dates`), with the semantics of Prefect's server on Python 3.11 (pendulum): intervals
//! stepped from their anchor in the schedule's zone, cron on wall-clock time, rrules through dateutil's rules.
//!
//! Pure: no database, no clock (callers pass `now`), so the scheduler service, the deployments API and the
//! unit tests share one implementation.

// Until the deployments API and the scheduler service use all of it.
#![allow(dead_code)]

pub mod cron;
mod interval;
mod rrule;

use std::sync::OnceLock;

use chrono::{DateTime, FixedOffset, LocalResult, NaiveDateTime, Offset, TimeZone, Timelike, Utc};
use chrono_tz::Tz;
use serde::ser::SerializeMap;
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use serde_json::{Map, Value, json};

use crate::api::schemas::FieldError;

/// Prefect's `MAX_ITERATIONS`: no schedule looks at more candidates than this in one call.
pub const MAX_ITERATIONS: usize = 1000;

/// The names of pydantic's union members, as its errors show them.
const INTERVAL_MEMBER: &str = "function-after[validate_timezone(), IntervalSchedule]";
const CRON_MEMBER: &str = "function-after[validate_timezone(), CronSchedule]";
const RRULE_MEMBER: &str = "RRuleSchedule";

/// A schedule of a deployment.
#[derive(Debug, Clone, PartialEq)]
pub enum Schedule {
    Interval(IntervalSchedule),
    Cron(CronSchedule),
    RRule(RRuleSchedule),
}

/// Runs every `interval` from `anchor_date`, in `timezone`.
#[derive(Debug, Clone, PartialEq)]
pub struct IntervalSchedule {
    /// In microseconds (Python's `timedelta` resolution), always > 0.
    pub interval_micros: i64,
    /// Kept with the offset it was given in (Prefect answers it so).
    pub anchor_date: DateTime<FixedOffset>,
    pub timezone: Option<String>,
}

/// Runs when `cron` matches the wall clock in `timezone`.
#[derive(Debug, Clone, PartialEq)]
pub struct CronSchedule {
    pub cron: String,
    pub timezone: Option<String>,
    pub day_or: bool,
    parsed: cron::Cron,
}

/// Runs at the occurrences of an RFC 5545 recurrence rule, read in `timezone`.
#[derive(Debug, Clone, PartialEq)]
pub struct RRuleSchedule {
    pub rrule: String,
    pub timezone: Option<String>,
}

/// The IANA zone names Prefect knows (Python's `zoneinfo.available_timezones()` less `localtime`).
fn zone_names() -> &'static [&'static str] {
    static NAMES: OnceLock<Vec<&'static str>> = OnceLock::new();
    NAMES.get_or_init(|| {
        include_str!("timezones.txt")
            .lines()
            .filter(|l| !l.is_empty())
            .collect()
    })
}

/// Whether Prefect's `default_timezone` validator accepts `name` (an empty name passes, as there).
fn known_zone(name: &str) -> bool {
    name.is_empty() || name == "localtime" || zone_names().binary_search(&name).is_ok()
}

/// The zone a schedule computes in: its own, or UTC when it has none (or one chrono-tz cannot resolve).
fn zone_of(name: Option<&str>) -> Tz {
    name.and_then(|n| n.parse::<Tz>().ok()).unwrap_or(Tz::UTC)
}

impl Schedule {
    /// Reads a schedule as pydantic reads `Union[IntervalSchedule, CronSchedule, RRuleSchedule]`: the member
    /// that validates, or every member's errors (each `loc` under the member's name). `now` is the default
    /// anchor of an interval that has none.
    pub fn from_value(value: &Value, now: DateTime<Utc>) -> Result<Schedule, Vec<FieldError>> {
        let Value::Object(map) = value else {
            let refused = |member: &str| {
                FieldError::new(
                    "model_attributes_type",
                    "Input should be a valid dictionary or object to extract fields from",
                    value,
                )
                .under(member)
            };
            return Err(vec![
                refused(INTERVAL_MEMBER),
                refused(CRON_MEMBER),
                refused(RRULE_MEMBER),
            ]);
        };
        let mut errors = Vec::new();
        match IntervalSchedule::from_map(map, value, now) {
            Ok(schedule) => return Ok(Schedule::Interval(schedule)),
            Err(e) => errors.extend(e.into_iter().map(|e| e.under(INTERVAL_MEMBER))),
        }
        match CronSchedule::from_map(map, value) {
            Ok(schedule) => return Ok(Schedule::Cron(schedule)),
            Err(e) => errors.extend(e.into_iter().map(|e| e.under(CRON_MEMBER))),
        }
        match RRuleSchedule::from_map(map) {
            Ok(schedule) => return Ok(Schedule::RRule(schedule)),
            Err(e) => errors.extend(e.into_iter().map(|e| e.under(RRULE_MEMBER))),
        }
        Err(errors)
    }

    /// As a JSON value, the form Prefect's responses (and our `deployment_schedule.schedule` column) hold.
    pub fn to_value(&self) -> Value {
        serde_json::to_value(self).unwrap_or(Value::Null)
    }

    /// What Prefect's action models do to a schedule a client sends (`normalize_schedule_rrule`): an rrule
    /// without a `DTSTART` gets one. Other schedules are unchanged.
    pub fn normalized(self, now: DateTime<Utc>) -> Schedule {
        match self {
            Schedule::RRule(r) => Schedule::RRule(r.normalized(now)),
            other => other,
        }
    }

    /// The schedule's dates on or after `start`, at most `n` (or, with no `n`, 1 without an `end` and
    /// `MAX_ITERATIONS` with one), none after `end`; sorted, in UTC. Prefect's `get_dates`.
    pub fn dates(
        &self,
        n: Option<usize>,
        start: DateTime<Utc>,
        end: Option<DateTime<Utc>>,
    ) -> Vec<DateTime<Tz>> {
        let n = n.unwrap_or(if end.is_some() { MAX_ITERATIONS } else { 1 });
        let mut dates = match self {
            Schedule::Interval(s) => interval::dates(s, n, start, end),
            Schedule::Cron(s) => s.dates(n, start, end),
            Schedule::RRule(s) => rrule::dates(s, n, start, end),
        };
        dates.sort();
        dates
    }
}

impl Serialize for Schedule {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut map = serializer.serialize_map(None)?;
        match self {
            Schedule::Interval(s) => {
                map.serialize_entry("interval", &(s.interval_micros as f64 / 1e6))?;
                map.serialize_entry("anchor_date", &python_isoformat(&s.anchor_date, 'T'))?;
                map.serialize_entry("timezone", &s.timezone)?;
            }
            Schedule::Cron(s) => {
                map.serialize_entry("cron", &s.cron)?;
                map.serialize_entry("timezone", &s.timezone)?;
                map.serialize_entry("day_or", &s.day_or)?;
            }
            Schedule::RRule(s) => {
                map.serialize_entry("rrule", &s.rrule)?;
                map.serialize_entry("timezone", &s.timezone)?;
            }
        }
        map.end()
    }
}

/// Reads a schedule from a request body, with pydantic's errors at the field's path. An interval without an
/// anchor is anchored now.
impl<'de> Deserialize<'de> for Schedule {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let value = Value::deserialize(deserializer)?;
        Schedule::from_value(&value, Utc::now()).map_err(FieldError::many_into_serde)
    }
}

/// A datetime as Python's `isoformat` (and pydantic) writes it: microseconds only when there are some, `Z`
/// for UTC in pydantic's JSON (`sep` 'T'), `+00:00` in `str()` of a pendulum time (`sep` ' ' is not used:
/// pendulum's `str` is `isoformat`, so 'T' there too).
pub fn python_isoformat<T: TimeZone>(time: &DateTime<T>, sep: char) -> String {
    let fixed = time.fixed_offset();
    let fraction = if fixed.nanosecond() / 1000 == 0 {
        ""
    } else {
        "%.6f"
    };
    let body = fixed
        .format(&format!("%Y-%m-%d{sep}%H:%M:%S{fraction}"))
        .to_string();
    let offset = fixed.offset().local_minus_utc();
    if offset == 0 && sep == 'T' {
        return format!("{body}Z");
    }
    format!("{body}{}", fixed.format("%:z"))
}

/// `str()` of a pendulum datetime, as Prefect writes it into a scheduled run's idempotency key.
pub fn pendulum_str(time: &DateTime<Tz>) -> String {
    let fixed = time.fixed_offset();
    let fraction = if fixed.nanosecond() / 1000 == 0 {
        ""
    } else {
        "%.6f"
    };
    fixed
        .format(&format!("%Y-%m-%dT%H:%M:%S{fraction}%:z"))
        .to_string()
}

/// Pendulum's reading of a wall-clock time in a zone with a `fold`: in a gap, fold 0 reads it with the offset
/// after the change (an earlier instant) and fold 1 with the one before; in an overlap, fold 0 is the first.
pub(crate) fn localize(zone: Tz, wall: NaiveDateTime, fold: bool) -> Option<DateTime<Tz>> {
    match zone.from_local_datetime(&wall) {
        LocalResult::Single(t) => Some(t),
        LocalResult::Ambiguous(first, second) => Some(if fold { second } else { first }),
        LocalResult::None => {
            let around = |days: i64| {
                let probe = wall
                    .and_utc()
                    .checked_add_signed(chrono::Duration::days(days))?;
                Some(zone.offset_from_utc_datetime(&probe.naive_utc()).fix())
            };
            let offset = if fold { around(-1)? } else { around(1)? };
            let utc = wall
                .checked_sub_signed(chrono::Duration::seconds(offset.local_minus_utc().into()))?;
            Some(zone.from_utc_datetime(&utc))
        }
    }
}

/// Whether `time` is the second of two instants with the same wall clock (Python's `fold`).
pub(crate) fn fold_of(time: &DateTime<Tz>) -> bool {
    match time.timezone().from_local_datetime(&time.naive_local()) {
        LocalResult::Ambiguous(_, second) => second == *time,
        _ => false,
    }
}

/// The schedule's fields as pydantic reads them: each error under the field's name.
struct Fields<'a> {
    map: &'a Map<String, Value>,
    errors: Vec<FieldError>,
}

impl<'a> Fields<'a> {
    fn new(map: &'a Map<String, Value>) -> Self {
        Self {
            map,
            errors: Vec::new(),
        }
    }

    fn missing(&mut self, name: &str, whole: &Value) {
        self.errors
            .push(FieldError::new("missing", "Field required", whole).under(name));
    }

    fn optional_string(&mut self, name: &str) -> Option<String> {
        match self.map.get(name) {
            None | Some(Value::Null) => None,
            Some(Value::String(s)) => Some(s.clone()),
            Some(other) => {
                self.errors.push(
                    FieldError::new("string_type", "Input should be a valid string", other)
                        .under(name),
                );
                None
            }
        }
    }

    fn required_string(&mut self, name: &str, whole: &Value) -> Option<String> {
        match self.map.get(name) {
            None => {
                self.missing(name, whole);
                None
            }
            Some(Value::String(s)) => Some(s.clone()),
            Some(other) => {
                self.errors.push(
                    FieldError::new("string_type", "Input should be a valid string", other)
                        .under(name),
                );
                None
            }
        }
    }

    fn value_error(&mut self, name: &str, msg: String, input: &Value) {
        self.errors.push(
            FieldError::new("value_error", format!("Value error, {msg}"), input)
                .with_ctx(json!({ "error": {} }))
                .under(name),
        );
    }

    /// Pydantic's `extra="forbid"`: every key the model does not have, in the order sent.
    fn forbid_extra(&mut self, allowed: &[&str]) {
        for (key, value) in self.map {
            if !allowed.contains(&key.as_str()) {
                self.errors.push(
                    FieldError::new("extra_forbidden", "Extra inputs are not permitted", value)
                        .under(key.as_str()),
                );
            }
        }
    }
}

fn invalid_timezone(zone: &str, whole: &Value) -> FieldError {
    FieldError::new(
        "value_error",
        format!(
            "Value error, Invalid timezone: \"{zone}\" (specify in IANA tzdata format, for example, America/New_York)"
        ),
        whole,
    )
    .with_ctx(json!({ "error": {} }))
}

impl IntervalSchedule {
    fn from_map(
        map: &Map<String, Value>,
        whole: &Value,
        now: DateTime<Utc>,
    ) -> Result<Self, Vec<FieldError>> {
        let mut fields = Fields::new(map);
        let interval = match map.get("interval") {
            None => {
                fields.missing("interval", whole);
                None
            }
            Some(given) => match interval::parse_timedelta(given) {
                Ok(micros) if micros > 0 => Some(micros),
                Ok(_) => {
                    fields.value_error("interval", "interval must be positive".into(), given);
                    None
                }
                Err(e) => {
                    fields.errors.push(e.under("interval"));
                    None
                }
            },
        };
        let anchor_date = match map.get("anchor_date") {
            None => Some(now.fixed_offset()),
            Some(given) => match given.as_str().and_then(parse_anchor) {
                Some(anchor) => Some(anchor),
                None => {
                    let shown = given
                        .as_str()
                        .map_or_else(|| given.to_string(), str::to_owned);
                    fields.value_error(
                        "anchor_date",
                        format!("Unable to parse string [{shown}]"),
                        given,
                    );
                    None
                }
            },
        };
        let timezone = fields.optional_string("timezone");
        fields.forbid_extra(&["interval", "anchor_date", "timezone"]);
        if !fields.errors.is_empty() {
            return Err(fields.errors);
        }
        let (Some(interval_micros), Some(anchor_date)) = (interval, anchor_date) else {
            return Err(fields.errors);
        };
        // `default_timezone`: a JSON anchor has an offset, never a zone name, so the default is UTC.
        let timezone = match timezone {
            Some(zone) if !known_zone(&zone) => return Err(vec![invalid_timezone(&zone, whole)]),
            Some(zone) => Some(zone),
            None => Some("UTC".to_owned()),
        };
        Ok(IntervalSchedule {
            interval_micros,
            anchor_date,
            timezone,
        })
    }
}

/// An anchor date as pydantic reads one from JSON: RFC 3339 keeping its offset, or a naive time taken as UTC.
fn parse_anchor(text: &str) -> Option<DateTime<FixedOffset>> {
    if let Ok(time) = DateTime::parse_from_rfc3339(text) {
        return Some(time);
    }
    for format in [
        "%Y-%m-%dT%H:%M:%S%.f",
        "%Y-%m-%d %H:%M:%S%.f",
        "%Y-%m-%dT%H:%M",
    ] {
        if let Ok(naive) = NaiveDateTime::parse_from_str(text, format) {
            return Some(naive.and_utc().fixed_offset());
        }
    }
    chrono::NaiveDate::parse_from_str(text, "%Y-%m-%d")
        .ok()
        .and_then(|d| d.and_hms_opt(0, 0, 0))
        .map(|naive| naive.and_utc().fixed_offset())
}

impl CronSchedule {
    /// A cron schedule checked as Prefect checks one.
    pub fn new(cron: &str, timezone: Option<String>, day_or: bool) -> Result<Self, String> {
        let parsed = cron::Cron::parse(cron).map_err(|e| cron_message(cron, &e))?;
        if let Some(zone) = timezone.as_deref().filter(|z| !known_zone(z)) {
            return Err(format!(
                "Invalid timezone: \"{zone}\" (specify in IANA tzdata format, for example, America/New_York)"
            ));
        }
        Ok(CronSchedule {
            cron: cron.to_owned(),
            timezone,
            day_or,
            parsed,
        })
    }

    fn from_map(map: &Map<String, Value>, whole: &Value) -> Result<Self, Vec<FieldError>> {
        let mut fields = Fields::new(map);
        let cron = fields.required_string("cron", whole);
        let parsed = match &cron {
            Some(text) => match cron::Cron::parse(text) {
                Ok(parsed) => Some(parsed),
                Err(e) => {
                    fields.value_error(
                        "cron",
                        cron_message(text, &e),
                        &Value::String(text.clone()),
                    );
                    None
                }
            },
            None => None,
        };
        let timezone = fields.optional_string("timezone");
        let day_or = match map.get("day_or") {
            None => true,
            Some(given) => match crate::api::schemas::fields::lax_bool(given) {
                Ok(b) => b,
                Err(e) => {
                    fields.errors.push(e.under("day_or"));
                    true
                }
            },
        };
        fields.forbid_extra(&["cron", "timezone", "day_or"]);
        if !fields.errors.is_empty() {
            return Err(fields.errors);
        }
        let (Some(cron), Some(parsed)) = (cron, parsed) else {
            return Err(fields.errors);
        };
        if let Some(zone) = timezone.as_deref().filter(|z| !known_zone(z)) {
            return Err(vec![invalid_timezone(zone, whole)]);
        }
        Ok(CronSchedule {
            cron,
            timezone,
            day_or,
            parsed,
        })
    }

    /// Prefect's `CronSchedule._get_dates_generator` (Python 3.11): croniter walks the wall clock from the
    /// start (less a second, so the start itself can match), and each wall-clock match is read in the zone as
    /// pendulum reads it with fold 0 (a time in a spring-forward gap lands an hour early; in a fall-back
    /// overlap, on the first of the two).
    fn dates(
        &self,
        n: usize,
        start: DateTime<Utc>,
        end: Option<DateTime<Utc>>,
    ) -> Vec<DateTime<Tz>> {
        let zone = zone_of(self.timezone.as_deref().filter(|z| !z.is_empty()));
        let mut start = start.with_timezone(&zone) - chrono::Duration::seconds(1);
        if start.nanosecond() >= 1000 {
            start += chrono::Duration::seconds(1);
        }
        let mut cursor = start.naive_local();
        let mut dates: Vec<DateTime<Tz>> = Vec::new();
        let mut counter = 0;
        while let Some(next) = self.parsed.next_after(cursor, self.day_or) {
            cursor = next;
            let Some(date) = localize(zone, next, false) else {
                break;
            };
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
}

fn cron_message(cron: &str, error: &cron::CronError) -> String {
    match error {
        cron::CronError::RandomOrHashed => {
            format!("Random and Hashed expressions are unsupported, received: \"{cron}\"")
        }
        cron::CronError::Invalid(_) => format!("Invalid cron string: \"{cron}\""),
    }
}

impl RRuleSchedule {
    fn from_map(map: &Map<String, Value>) -> Result<Self, Vec<FieldError>> {
        let whole = Value::Object(map.clone());
        let mut fields = Fields::new(map);
        let rrule = fields.required_string("rrule", &whole);
        if let Some(text) = &rrule
            && let Err(msg) = rrule::validate(text)
        {
            fields.value_error("rrule", msg, &Value::String(text.clone()));
        }
        let timezone = match map.get("timezone") {
            None => Some("UTC".to_owned()),
            Some(_) => fields.optional_string("timezone"),
        };
        if let (Some(zone), Some(given)) = (&timezone, map.get("timezone"))
            && !zone_pattern_matches(zone)
        {
            let pattern = zone_names().join("|");
            fields.errors.push(
                FieldError::new(
                    "string_pattern_mismatch",
                    format!("String should match pattern '{pattern}'"),
                    given,
                )
                .with_ctx(json!({ "pattern": pattern }))
                .under("timezone"),
            );
        }
        fields.forbid_extra(&["rrule", "timezone"]);
        match rrule {
            Some(rrule) if fields.errors.is_empty() => Ok(RRuleSchedule { rrule, timezone }),
            _ => Err(fields.errors),
        }
    }

    /// Prefect's `normalize_rrule_string`: a `DTSTART` for an rrule that has none.
    pub fn normalized(self, now: DateTime<Utc>) -> RRuleSchedule {
        let rrule = rrule::normalize(&self.rrule, now, self.timezone.as_deref());
        RRuleSchedule { rrule, ..self }
    }
}

/// Pydantic's `pattern` is searched, not anchored: any zone name inside the text matches.
fn zone_pattern_matches(text: &str) -> bool {
    zone_names().iter().any(|zone| text.contains(zone))
}

#[cfg(test)]
mod tests;
