//! Column types that read and write the same Rust value on both dialects: native UUID and TIMESTAMPTZ on
//! PostgreSQL, text on SQLite (hyphenated UUIDs; times as RFC 3339 UTC with microseconds, so text order is time
//! order). JSON uses sqlx's `Json<T>` (JSONB / text) directly.
//!
//! A list in a filter is bound as one value, whatever its length (one placeholder per item costs more than
//! linear time and overflows SQLite's 32 766 variables): a PostgreSQL array for `= ANY($n)`, and a JSON array on
//! SQLite for `IN (SELECT value FROM json_each($n))`.

use std::fmt;

use chrono::{DateTime, SecondsFormat, Utc};
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
}
