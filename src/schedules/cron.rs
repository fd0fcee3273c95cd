//! Cron expressions as Prefect reads them: through its vendored `croniter`, whose rules (5, 6 or 7 fields;
//! seconds as the sixth field and years as the seventh; names of months and days; `L` for the last day of the
//! month; `2#3` and `L5` for the third Tuesday and the last Friday; `?`; the `@hourly` family; `day_or`) are
//! followed here field by field, so that what croniter refuses is refused and what it accepts matches the same
//! times. Matching is on wall-clock (naive) time; [`super::CronSchedule`] puts the zone around it as Prefect does.

use std::collections::{BTreeMap, BTreeSet};

use chrono::{Datelike, Duration, NaiveDate, NaiveDateTime, NaiveTime, Timelike};

const MINUTE: usize = 0;
const HOUR: usize = 1;
const DAY: usize = 2;
const MONTH: usize = 3;
const DOW: usize = 4;
const SECOND: usize = 5;
const YEAR: usize = 6;

/// croniter's `RANGES`, `LEN_MEANS_ALL`.
const RANGES: [(u32, u32); 7] = [
    (0, 59),
    (0, 23),
    (1, 31),
    (1, 12),
    (0, 6),
    (0, 59),
    (1970, 2099),
];
const LEN_MEANS_ALL: [usize; 7] = [60, 24, 31, 12, 7, 60, 130];

const MONTHS: [&str; 12] = [
    "jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec",
];
const WEEKDAYS: [&str; 7] = ["sun", "mon", "tue", "wed", "thu", "fri", "sat"];

/// croniter gives up looking for a match this many years after the start.
const MAX_YEARS_BETWEEN_MATCHES: i32 = 50;

/// Why an expression is refused. croniter's own words are not shown to clients (Prefect answers
/// `Invalid cron string: "…"`), but they help in tests and logs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CronError {
    /// Not a valid croniter expression.
    Invalid(String),
    /// Croniter's random (`R`) expressions, which Prefect refuses by name.
    RandomOrHashed,
}

/// One field: `None` is croniter's `*` (anything), else the values allowed.
type Field = Option<BTreeSet<u32>>;

/// A parsed cron expression.
#[derive(Debug, Clone, PartialEq)]
pub struct Cron {
    fields: Vec<Field>,
    /// `L` in the day-of-month field.
    last_day: bool,
    /// `{weekday: {nth}}` from `2#3` (nth 1–5) and `L5` (nth 0 = the last one).
    nth_weekday: BTreeMap<u32, BTreeSet<u32>>,
    with_seconds: bool,
}

fn alias(value: &str, field: usize) -> Option<u32> {
    let names: &[&str] = match field {
        MONTH => &MONTHS,
        DOW => &WEEKDAYS,
        _ => return None,
    };
    let base = if field == MONTH { 1 } else { 0 };
    names
        .iter()
        .position(|n| *n == value)
        .map(|i| i as u32 + base)
}

/// croniter's `value_alias`: 0 → 1 for day and month, 7 → 0 for the weekday, except where croniter's table
/// says not to (by the number of fields).
fn value_alias(value: u32, field: usize, len: usize) -> u32 {
    let mapped = match (field, value) {
        (DAY | MONTH, 0) => 1,
        (DOW, 7) => 0,
        _ => return value,
    };
    let skip = match len {
        5 => matches!(field, DAY | MONTH),
        6 => matches!(field, MONTH | DOW),
        _ => matches!(field, DAY | MONTH | DOW),
    };
    if skip { value } else { mapped }
}

fn is_int(text: &str) -> bool {
    !text.is_empty() && text.bytes().all(|b| b.is_ascii_digit())
}

fn int(text: &str) -> Result<u32, CronError> {
    text.parse::<u32>()
        .map_err(|_| CronError::Invalid(format!("{text} is too large")))
}

/// croniter's `special_dow_re`: `(weekday[-weekday] | month[-month] | word)#N` or `lN`.
fn special_dow(element: &str) -> Option<(String, Result<u32, ()>)> {
    let (pre, last) = element
        .split_at(element.len() - element.bytes().rev().take_while(u8::is_ascii_digit).count());
    if last.is_empty() {
        return None;
    }
    if pre == "l" {
        return Some((last.to_owned(), Ok(0)));
    }
    let he = pre.strip_suffix('#')?;
    let names_range = |names: &[&str]| {
        let mut parts = he.splitn(2, '-');
        let a = parts.next().unwrap_or_default();
        let b = parts.next();
        names.contains(&a) && b.is_none_or(|b| names.contains(&b))
    };
    let word = !he.is_empty() && he.chars().all(|c| c.is_alphanumeric() || c == '_');
    if !(names_range(&WEEKDAYS) || names_range(&MONTHS) || word) {
        return None;
    }
    let nth = last
        .parse::<u32>()
        .ok()
        .filter(|n| (1..=5).contains(n))
        .ok_or(());
    Some((he.to_owned(), nth))
}

impl Cron {
    /// Parses an expression as `croniter.expand` does, then refuses what Prefect's validator refuses.
    pub fn parse(expression: &str) -> Result<Cron, CronError> {
        let lowered = expression.to_lowercase();
        let text = match lowered.as_str() {
            "@midnight" | "@daily" => "0 0 * * *",
            "@hourly" => "0 * * * *",
            "@weekly" => "0 0 * * 0",
            "@monthly" => "0 0 1 * *",
            "@yearly" | "@annually" => "0 0 1 1 *",
            other => other,
        };
        let expressions: Vec<&str> = text.split_whitespace().collect();
        let len = expressions.len();
        if !matches!(len, 5..=7) {
            return Err(CronError::Invalid(
                "Exactly 5, 6 or 7 columns has to be specified for iterator expression.".into(),
            ));
        }
        // croniter expands `r` (random) and `h` (hashed) forms before anything else; Prefect refuses random
        // ones by name, and hashed ones need a hash id Prefect never gives (so croniter refuses them).
        for expr in &expressions {
            if let Some(kind) = hash_or_random(expr) {
                return Err(if kind == 'r' {
                    CronError::RandomOrHashed
                } else {
                    CronError::Invalid("Hashed definitions must include hash_id".into())
                });
            }
        }
        let bad = |why: &str| CronError::Invalid(format!("[{expression}] {why}"));
        let mut fields = Vec::with_capacity(len);
        let mut last_day = false;
        let mut nth_weekday: BTreeMap<u32, BTreeSet<u32>> = BTreeMap::new();
        for (index, expr) in expressions.iter().enumerate() {
            let mut expr = expr.to_string();
            if expr.contains('?') {
                if expr != "?" {
                    return Err(bad(
                        "is not acceptable. Question mark can not used with other characters",
                    ));
                }
                if index != DAY && index != DOW {
                    return Err(bad(
                        "is not acceptable. Question mark can only used in day_of_month or day_of_week",
                    ));
                }
                expr = "*".into();
            }
            let (low_bound, high_bound) = RANGES[index];
            let mut pending: Vec<String> = expr.split(',').map(str::to_owned).collect();
            let mut values: BTreeSet<u32> = BTreeSet::new();
            let mut star = false;
            let mut last = false;
            // Guards against a pathological expression growing the work list forever.
            let mut steps = 0usize;
            while let Some(mut element) = pending.pop() {
                steps += 1;
                if steps > 100_000 {
                    return Err(bad("is too long"));
                }
                let mut nth: Option<u32> = None;
                if index == DOW
                    && let Some((rest, n)) = special_dow(&element)
                {
                    nth =
                        Some(n.map_err(|()| bad("is not acceptable. Invalid day_of_week value"))?);
                    element = rest;
                }
                let mut t = element.clone();
                if let Some(step) = t
                    .strip_prefix('*')
                    .filter(|s| s.starts_with('/') && s.len() > 1)
                {
                    t = format!("{low_bound}-{high_bound}{step}");
                }
                let mut range = step_range(&t);
                if range.is_none()
                    && let Some((a, b)) = element
                        .split_once('/')
                        .filter(|(a, b)| !a.is_empty() && !b.is_empty())
                {
                    // `rsplit` as the regex `^(.+)/(.+)$` is greedy on the left.
                    let (a, b) = element.rsplit_once('/').unwrap_or((a, b));
                    t = format!("{a}-{high_bound}/{b}");
                    range = step_range(&t);
                }
                if let Some((low, high, step)) = range {
                    let high = if index == DAY && high == "l" {
                        "31".to_owned()
                    } else {
                        high
                    };
                    let conv = |band: &str| -> Result<String, CronError> {
                        if is_int(band) {
                            return Ok(band.to_owned());
                        }
                        if index == DAY && band == "l" {
                            return Ok("l".into());
                        }
                        alias(band, index)
                            .map(|v| v.to_string())
                            .ok_or_else(|| bad("is not acceptable"))
                    };
                    let (low, high) = (conv(&low)?, conv(&high)?);
                    if !is_int(&low) || !is_int(&high) {
                        return Err(bad("bands are not acceptable"));
                    }
                    let step = int(&step)?;
                    let low = value_alias(int(&low)?, index, len);
                    let high = value_alias(int(&high)?, index, len);
                    if low.max(high) > low_bound.max(high_bound) {
                        return Err(bad("is out of bands"));
                    }
                    if step == 0 {
                        return Err(bad("invalid range: range() arg 3 must not be zero"));
                    }
                    let step_by = step as usize;
                    let rng: Vec<u32> = if low > high {
                        let whole: Vec<u32> = (low_bound..=high_bound).collect();
                        let mut rng: Vec<u32> = (low..=high_bound).step_by(step_by).collect();
                        let mut to_skip = 0;
                        if let Some(&end) = rng.last() {
                            let already_skipped =
                                whole.iter().rev().position(|v| *v == end).unwrap_or(0) as u32;
                            let curpos = whole.iter().position(|v| *v == end).unwrap_or(0) as u32;
                            if curpos + step > whole.len() as u32 && already_skipped < step {
                                to_skip = step - already_skipped;
                            }
                        }
                        rng.extend((low_bound + to_skip..=high).step_by(step_by));
                        rng
                    } else if low == high {
                        (low_bound..=high_bound).step_by(step_by).collect()
                    } else {
                        (low..=high).step_by(step_by).collect()
                    };
                    for item in rng {
                        let item = match nth {
                            Some(n) if n != 0 => format!("{item}#{n}"),
                            _ => item.to_string(),
                        };
                        if !pending.contains(&item) {
                            pending.push(item);
                        }
                    }
                    continue;
                }
                if t.starts_with('-') {
                    return Err(bad("is not acceptable,negative numbers not allowed"));
                }
                let value = if t == "*" {
                    None
                } else if is_int(&t) {
                    Some(value_alias(int(&t)?, index, len))
                } else if index == DAY && t == "l" {
                    last = true;
                    continue;
                } else {
                    Some(value_alias(
                        alias(&t, index).ok_or_else(|| bad("is not acceptable"))?,
                        index,
                        len,
                    ))
                };
                match value {
                    None => star = true,
                    Some(v) => {
                        if v < low_bound || v > high_bound {
                            return Err(bad("is not acceptable, out of range"));
                        }
                        values.insert(v);
                        if let Some(n) = nth {
                            nth_weekday.entry(v).or_default().insert(n);
                        }
                    }
                }
            }
            let count = values.len() + usize::from(star) + usize::from(last);
            let mut all = star && count == 1;
            if count == LEN_MEANS_ALL[index] {
                let keep = (index == DAY && !expressions[DOW].contains('*'))
                    || (index == DOW && !expressions[DAY].contains('*'));
                all = all || !keep;
            }
            if index == DAY {
                last_day = last && !all;
            }
            // A `*` beside other values (`*,5`) still lets everything through.
            fields.push(if all || star { None } else { Some(values) });
        }
        if !nth_weekday.is_empty()
            && let Some(Some(dows)) = fields.get(DOW)
        {
            let literal = dows.iter().any(|d| !nth_weekday.contains_key(d));
            if literal && dows.len() != LEN_MEANS_ALL[DOW] {
                return Err(bad(
                    "day-of-week field does not support mixing literal values and nth day of week syntax.",
                ));
            }
        }
        Ok(Cron {
            fields,
            last_day,
            nth_weekday,
            with_seconds: len > 5,
        })
    }

    fn allows(&self, field: usize, value: u32) -> bool {
        match self.fields.get(field) {
            Some(Some(values)) => values.contains(&value),
            _ => true,
        }
    }

    fn is_star(&self, field: usize) -> bool {
        matches!(self.fields.get(field), Some(None) | None)
    }

    fn day_matches(&self, date: NaiveDate, day_or: bool) -> bool {
        if !self.allows(MONTH, date.month()) || !self.allows(YEAR, date.year() as u32) {
            return false;
        }
        let last = last_day_of_month(date);
        let dom_star = self.is_star(DAY) && !self.last_day;
        let dom = dom_star
            || self.allows(DAY, date.day()) && !self.is_star(DAY)
            || self.last_day && date.day() == last;
        let weekday = date.weekday().num_days_from_sunday();
        let dow = if self.nth_weekday.is_empty() {
            self.allows(DOW, weekday)
        } else {
            self.nth_weekday.get(&weekday).is_some_and(|nths| {
                let nth = (date.day() - 1) / 7 + 1;
                nths.iter().any(|n| {
                    if *n == 0 {
                        date.day() + 7 > last
                    } else {
                        *n == nth
                    }
                })
            })
        };
        if day_or && !dom_star && !self.is_star(DOW) {
            // croniter's union of the two day fields; with `#`/`L` weekdays, its day-of-month branch still
            // checks the nth weekday, so the union is the weekday rule alone.
            if self.nth_weekday.is_empty() {
                dom || dow
            } else {
                dow
            }
        } else {
            dom && dow
        }
    }

    /// The first wall-clock time strictly after `after`'s minute (or second, with a seconds field) that the
    /// expression matches, as croniter's `get_next` finds it; `None` when nothing matches within 50 years.
    pub fn next_after(&self, after: NaiveDateTime, day_or: bool) -> Option<NaiveDateTime> {
        let floor = after.with_nanosecond(0)?;
        let from = if self.with_seconds {
            floor + Duration::seconds(1)
        } else {
            floor.with_second(0)? + Duration::minutes(1)
        };
        let mut date = from.date();
        let mut time = Some(from.time());
        let limit = from.year() + MAX_YEARS_BETWEEN_MATCHES + 1;
        while date.year() <= limit {
            if self.day_matches(date, day_or)
                && let Some(found) = self.first_time(time.unwrap_or(NaiveTime::MIN))
            {
                return Some(date.and_time(found));
            }
            date = date.succ_opt()?;
            time = None;
        }
        None
    }

    /// The first time of day at or after `from` that the hour, minute and second fields allow.
    fn first_time(&self, from: NaiveTime) -> Option<NaiveTime> {
        let seconds: Vec<u32> = if self.with_seconds {
            (0..60).filter(|s| self.allows(SECOND, *s)).collect()
        } else {
            vec![0]
        };
        for hour in from.hour()..24 {
            if !self.allows(HOUR, hour) {
                continue;
            }
            let first_minute = if hour == from.hour() {
                from.minute()
            } else {
                0
            };
            for minute in first_minute..60 {
                if !self.allows(MINUTE, minute) {
                    continue;
                }
                let at_start = hour == from.hour() && minute == from.minute();
                let first_second = if at_start { from.second() } else { 0 };
                if let Some(second) = seconds.iter().find(|s| **s >= first_second) {
                    return NaiveTime::from_hms_opt(hour, minute, *second);
                }
            }
        }
        None
    }
}

fn last_day_of_month(date: NaiveDate) -> u32 {
    let (y, m) = if date.month() == 12 {
        (date.year() + 1, 1)
    } else {
        (date.year(), date.month() + 1)
    };
    NaiveDate::from_ymd_opt(y, m, 1)
        .and_then(|d| d.pred_opt())
        .map_or(31, |d| d.day())
}

/// croniter's `step_search_re`: `low-high[/step]` (neither part holding a `-`, the high one no `/`).
fn step_range(text: &str) -> Option<(String, String, String)> {
    let (low, rest) = text.split_once('-')?;
    if low.is_empty() {
        return None;
    }
    let (high, step) = match rest.split_once('/') {
        Some((high, step)) => (high, step),
        None => (rest, "1"),
    };
    if high.is_empty() || high.contains('-') || !is_int(step) {
        return None;
    }
    Some((low.to_owned(), high.to_owned(), step.to_owned()))
}

/// Whether a field is one of croniter's `h`/`r` expressions (`h`, `r(0-5)`, `h/3`), and which.
fn hash_or_random(expr: &str) -> Option<char> {
    let kind = expr.chars().next().filter(|c| *c == 'h' || *c == 'r')?;
    let mut rest = &expr[1..];
    if let Some(inner) = rest.strip_prefix('(') {
        let close = inner.find(')')?;
        let (a, b) = inner[..close].split_once('-')?;
        if !is_int(a) || !is_int(b) {
            return None;
        }
        rest = &inner[close + 1..];
    }
    if let Some(divisor) = rest.strip_prefix('/') {
        rest = if is_int(divisor) { "" } else { rest };
    }
    rest.is_empty().then_some(kind)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(text: &str) -> NaiveDateTime {
        NaiveDateTime::parse_from_str(text, "%Y-%m-%d %H:%M:%S").unwrap()
    }

    fn next(cron: &str, after: &str) -> String {
        Cron::parse(cron)
            .unwrap()
            .next_after(at(after), true)
            .unwrap()
            .format("%Y-%m-%d %H:%M:%S")
            .to_string()
    }

    /// What croniter's `is_valid` says, checked against the vendored croniter in Prefect 3.8.8.
    #[test]
    fn validity_follows_croniter() {
        let valid = [
            "* * * * *",
            "0 9 * * *",
            "*/5 * * * *",
            "0 0 1 * *",
            "0 0 L * *",
            "0 0 * * 5#2",
            "0 0 * * L5",
            "0 0 * * mon-fri",
            "0 0 1 jan *",
            "@hourly",
            "@DAILY",
            "0 0 * * 7",
            "0 0 ? * *",
            "0 0 * * 1-7",
            "0 9 * * * 30",
            "0 9 * * * 0 2030",
            "10/5 * * * *",
            "0 0 * * sun,sat",
            "0 0 1-5/2 * *",
            "5-5 * * * *",
            "0 0 * dec-feb *",
            "0 0 * * fri-mon",
        ];
        for cron in valid {
            assert!(
                Cron::parse(cron).is_ok(),
                "{cron} should be valid: {:?}",
                Cron::parse(cron)
            );
        }
        let invalid = [
            "nope",
            "* * * *",
            "0 9 * * * * * *",
            "60 * * * *",
            "* 24 * * *",
            "0 0 0 * *",
            "0 0 32 * *",
            "0 0 * 13 *",
            "0 0 * * 8",
            "H * * * *",
            "0 0 * * 6#6",
            "0 0 * * 1,2#3",
            "*/0 * * * *",
            "-1 * * * *",
            "0 0 * * foo",
            "0 0 1? * *",
            "? * * * *",
            "0 0 * * * 60",
        ];
        for cron in invalid {
            assert!(Cron::parse(cron).is_err(), "{cron} should be invalid");
        }
        assert_eq!(Cron::parse("R * * * *"), Err(CronError::RandomOrHashed));
    }

    #[test]
    fn next_times_follow_croniter() {
        assert_eq!(
            next("0 9 * * *", "2026-03-07 08:59:59"),
            "2026-03-07 09:00:00"
        );
        assert_eq!(
            next("0 9 * * *", "2026-03-07 09:00:00"),
            "2026-03-08 09:00:00"
        );
        assert_eq!(
            next("*/15 * * * *", "2026-03-07 09:07:00"),
            "2026-03-07 09:15:00"
        );
        assert_eq!(
            next("0 0 L * *", "2026-02-01 00:00:00"),
            "2026-02-28 00:00:00"
        );
        assert_eq!(
            next("0 0 L * *", "2028-02-01 00:00:00"),
            "2028-02-29 00:00:00"
        );
        assert_eq!(
            next("0 0 * * 2#3", "2026-03-01 00:00:00"),
            "2026-03-17 00:00:00"
        );
        assert_eq!(
            next("0 0 * * L5", "2026-03-01 00:00:00"),
            "2026-03-27 00:00:00"
        );
        assert_eq!(
            next("0 0 13 * 5", "2026-03-01 00:00:00"),
            "2026-03-06 00:00:00"
        );
        assert_eq!(
            next("0 0 29 2 *", "2026-03-01 00:00:00"),
            "2028-02-29 00:00:00"
        );
        assert_eq!(
            next("0 9 * * * 30", "2026-03-07 09:00:30"),
            "2026-03-08 09:00:30"
        );
        assert_eq!(
            next("@weekly", "2026-03-07 00:00:00"),
            "2026-03-08 00:00:00"
        );
        assert!(
            Cron::parse("0 0 31 2 *")
                .unwrap()
                .next_after(at("2026-01-01 00:00:00"), true)
                .is_none()
        );
        // day_or = false: the 13th only when it is a Friday.
        let friday_13 = Cron::parse("0 0 13 * 5").unwrap();
        let found = friday_13
            .next_after(at("2026-03-01 00:00:00"), false)
            .unwrap();
        assert_eq!(found, at("2026-03-13 00:00:00"));
        let found = friday_13
            .next_after(at("2026-03-14 00:00:00"), false)
            .unwrap();
        assert_eq!(found, at("2026-11-13 00:00:00"));
    }
}
