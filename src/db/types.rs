//! Column types that read and write the same Rust value on both dialects: native UUID and TIMESTAMPTZ on
//! PostgreSQL, text on SQLite (hyphenated UUIDs; times as RFC 3339 UTC with microseconds, so text order is time
//! order). JSON uses sqlx's `Json<T>` (JSONB / text) directly.
//!
//! A list in a filter is bound as one value, whatever its length (one placeholder per item costs more than
//! linear time and overflows SQLite's 32 766 variables): a PostgreSQL array for `= ANY($n)`, and a JSON array on
//! SQLite for `IN (SELECT value FROM json_each($n))`.

use std::fmt;

use chrono::{DateTime, NaiveDate, SecondsFormat, TimeDelta, Utc};
use sqlx::encode::IsNull;
use sqlx::error::BoxDynError;
use sqlx::{Database, Decode, Encode, Postgres, Sqlite, Type};
use uuid::Uuid;

/// A UUID column.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Id(pub Uuid);

/// A timestamp column, always UTC.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct Timestamp(pub DateTime<Utc>);

impl Timestamp {
    pub fn now() -> Self {
        Timestamp(Utc::now())
    }

    /// `2026-11-21T04:48:10.310931Z`, the form Prefect's API uses and the one SQLite stores.
    pub fn rfc3339(&self) -> String {
        self.0.to_rfc3339_opts(SecondsFormat::Micros, true)
    }

    /// The earliest time stored or served: 0001-01-01T00:00:00Z. Prefect's clients read times with Python's
    /// `datetime` (years 1 to 9999), and text order is time order on SQLite only with four-digit years.
    pub fn earliest() -> Self {
        let start = NaiveDate::from_ymd_opt(1, 1, 1)
            .and_then(|d| d.and_hms_opt(0, 0, 0))
            .unwrap_or_default();
        Timestamp(start.and_utc())
    }

    /// The latest time stored or served: 9999-12-31T23:59:59.999999Z (see `earliest`).
    pub fn latest() -> Self {
        let end = NaiveDate::from_ymd_opt(9999, 12, 31)
            .and_then(|d| d.and_hms_micro_opt(23, 59, 59, 999_999))
            .unwrap_or_default();
        Timestamp(end.and_utc())
    }

    pub fn in_range(&self) -> bool {
        (Self::earliest()..=Self::latest()).contains(self)
    }

    /// `self` plus `seconds` (negative goes back); `None` when `seconds` is not finite or the sum falls outside
    /// `earliest()..=latest()`. Never panics, whatever a client sent.
    pub fn checked_add_seconds(self, seconds: f64) -> Option<Self> {
        let micros = (seconds * 1e6).round();
        // Beyond this no sum can be in range; below it the conversion to i64 microseconds is exact enough.
        if !micros.is_finite() || micros.abs() > 4e17 {
            return None;
        }
        let sum = self
            .0
            .checked_add_signed(TimeDelta::microseconds(micros as i64))?;
        Some(Timestamp(sum)).filter(Self::in_range)
    }

    /// `self` plus `seconds`, clamped to `earliest()..=latest()` (NaN adds nothing): for values already stored,
    /// which must be handled, not refused.
    pub fn saturating_add_seconds(self, seconds: f64) -> Self {
        match self.checked_add_seconds(seconds) {
            Some(sum) => sum,
            None if seconds.is_nan() => self,
            None if seconds > 0.0 => Self::latest(),
            None => Self::earliest(),
        }
    }
}

/// RFC 3339, with or without an offset (Prefect's clients always send one; a bare time is UTC), in the years
/// 1 to 9999 that Python's `datetime` (and so Prefect) can read: a time outside them is not a time.
pub fn parse_time(text: &str) -> Option<Timestamp> {
    let time = match DateTime::parse_from_rfc3339(text) {
        Ok(time) => Timestamp(time.with_timezone(&Utc)),
        Err(_) => chrono::NaiveDateTime::parse_from_str(text, "%Y-%m-%dT%H:%M:%S%.f")
            .map(|naive| Timestamp(naive.and_utc()))
            .ok()?,
    };
    Some(time).filter(Timestamp::in_range)
}

/// A list of ids bound as one value: `uuid[]` on PostgreSQL, a JSON array of hyphenated text on SQLite.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct IdList(pub Vec<Id>);

/// A list of strings bound as one value: `text[]` on PostgreSQL, a JSON array on SQLite.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TextList(pub Vec<String>);

impl fmt::Display for Id {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.hyphenated().fmt(f)
    }
}

impl fmt::Display for Timestamp {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.rfc3339())
    }
}

impl Type<Sqlite> for Id {
    fn type_info() -> <Sqlite as Database>::TypeInfo {
        <String as Type<Sqlite>>::type_info()
    }
}

impl Encode<'_, Sqlite> for Id {
    fn encode_by_ref(
        &self,
        buf: &mut <Sqlite as Database>::ArgumentBuffer,
    ) -> Result<IsNull, BoxDynError> {
        <String as Encode<Sqlite>>::encode(self.to_string(), buf)
    }
}

impl<'r> Decode<'r, Sqlite> for Id {
    fn decode(value: <Sqlite as Database>::ValueRef<'r>) -> Result<Self, BoxDynError> {
        Ok(Id(Uuid::parse_str(<&str as Decode<Sqlite>>::decode(
            value,
        )?)?))
    }
}

impl Type<Postgres> for Id {
    fn type_info() -> <Postgres as Database>::TypeInfo {
        <Uuid as Type<Postgres>>::type_info()
    }
}

impl Encode<'_, Postgres> for Id {
    fn encode_by_ref(
        &self,
        buf: &mut <Postgres as Database>::ArgumentBuffer,
    ) -> Result<IsNull, BoxDynError> {
        <Uuid as Encode<Postgres>>::encode_by_ref(&self.0, buf)
    }
}

impl<'r> Decode<'r, Postgres> for Id {
    fn decode(value: <Postgres as Database>::ValueRef<'r>) -> Result<Self, BoxDynError> {
        Ok(Id(<Uuid as Decode<Postgres>>::decode(value)?))
    }
}

impl Type<Sqlite> for Timestamp {
    fn type_info() -> <Sqlite as Database>::TypeInfo {
        <String as Type<Sqlite>>::type_info()
    }
}

impl Encode<'_, Sqlite> for Timestamp {
    fn encode_by_ref(
        &self,
        buf: &mut <Sqlite as Database>::ArgumentBuffer,
    ) -> Result<IsNull, BoxDynError> {
        <String as Encode<Sqlite>>::encode(self.rfc3339(), buf)
    }
}

impl<'r> Decode<'r, Sqlite> for Timestamp {
    fn decode(value: <Sqlite as Database>::ValueRef<'r>) -> Result<Self, BoxDynError> {
        let text = <&str as Decode<Sqlite>>::decode(value)?;
        Ok(Timestamp(
            DateTime::parse_from_rfc3339(text)?.with_timezone(&Utc),
        ))
    }
}

impl Type<Postgres> for Timestamp {
    fn type_info() -> <Postgres as Database>::TypeInfo {
        <DateTime<Utc> as Type<Postgres>>::type_info()
    }
}

impl Encode<'_, Postgres> for Timestamp {
    fn encode_by_ref(
        &self,
        buf: &mut <Postgres as Database>::ArgumentBuffer,
    ) -> Result<IsNull, BoxDynError> {
        <DateTime<Utc> as Encode<Postgres>>::encode_by_ref(&self.0, buf)
    }
}

impl<'r> Decode<'r, Postgres> for Timestamp {
    fn decode(value: <Postgres as Database>::ValueRef<'r>) -> Result<Self, BoxDynError> {
        Ok(Timestamp(<DateTime<Utc> as Decode<Postgres>>::decode(
            value,
        )?))
    }
}

impl Type<Sqlite> for IdList {
    fn type_info() -> <Sqlite as Database>::TypeInfo {
        <String as Type<Sqlite>>::type_info()
    }
}

impl Encode<'_, Sqlite> for IdList {
    fn encode_by_ref(
        &self,
        buf: &mut <Sqlite as Database>::ArgumentBuffer,
    ) -> Result<IsNull, BoxDynError> {
        let texts: Vec<String> = self.0.iter().map(Id::to_string).collect();
        <String as Encode<Sqlite>>::encode(serde_json::to_string(&texts)?, buf)
    }
}

impl Type<Postgres> for IdList {
    fn type_info() -> <Postgres as Database>::TypeInfo {
        <Vec<Uuid> as Type<Postgres>>::type_info()
    }
}

impl Encode<'_, Postgres> for IdList {
    fn encode_by_ref(
        &self,
        buf: &mut <Postgres as Database>::ArgumentBuffer,
    ) -> Result<IsNull, BoxDynError> {
        let uuids: Vec<Uuid> = self.0.iter().map(|id| id.0).collect();
        <Vec<Uuid> as Encode<Postgres>>::encode_by_ref(&uuids, buf)
    }
}

impl Type<Sqlite> for TextList {
    fn type_info() -> <Sqlite as Database>::TypeInfo {
        <String as Type<Sqlite>>::type_info()
    }
}

impl Encode<'_, Sqlite> for TextList {
    fn encode_by_ref(
        &self,
        buf: &mut <Sqlite as Database>::ArgumentBuffer,
    ) -> Result<IsNull, BoxDynError> {
        <String as Encode<Sqlite>>::encode(serde_json::to_string(&self.0)?, buf)
    }
}

impl Type<Postgres> for TextList {
    fn type_info() -> <Postgres as Database>::TypeInfo {
        <Vec<String> as Type<Postgres>>::type_info()
    }
}

impl Encode<'_, Postgres> for TextList {
    fn encode_by_ref(
        &self,
        buf: &mut <Postgres as Database>::ArgumentBuffer,
    ) -> Result<IsNull, BoxDynError> {
        <Vec<String> as Encode<Postgres>>::encode_by_ref(&self.0, buf)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn timestamps_sort_as_text_and_look_like_prefects() {
        let a = Timestamp(
            DateTime::parse_from_rfc3339("2026-11-21T04:48:10Z")
                .unwrap()
                .with_timezone(&Utc),
        );
        let b = Timestamp(
            DateTime::parse_from_rfc3339("2026-11-21T04:48:10.5Z")
                .unwrap()
                .with_timezone(&Utc),
        );
        assert_eq!(a.rfc3339(), "2026-11-21T04:48:10.000000Z");
        assert!(a.rfc3339() < b.rfc3339());
    }

    #[test]
    fn time_arithmetic_stays_in_the_years_python_can_read() {
        assert_eq!(
            Timestamp::earliest().rfc3339(),
            "0001-01-01T00:00:00.000000Z"
        );
        assert_eq!(Timestamp::latest().rfc3339(), "9999-12-31T23:59:59.999999Z");
        let now = Timestamp::now();
        assert_eq!(
            now.checked_add_seconds(1.5)
                .map(|t| (t.0 - now.0).num_milliseconds()),
            Some(1500)
        );
        for huge in [1e15, -1e15, 1e300, f64::INFINITY, f64::NAN] {
            assert_eq!(now.checked_add_seconds(huge), None, "{huge}");
        }
        assert_eq!(now.saturating_add_seconds(1e15), Timestamp::latest());
        assert_eq!(
            now.saturating_add_seconds(f64::NEG_INFINITY),
            Timestamp::earliest()
        );
        assert_eq!(now.saturating_add_seconds(f64::NAN), now);
        assert_eq!(
            Timestamp::latest().saturating_add_seconds(1e-6),
            Timestamp::latest()
        );
    }
}
