//! Global concurrency limits (`concurrency_limit_v2`; tag limits are the ones named `tag:<tag>`) and the leases
//! on their slots (`concurrency_lease`, `concurrency_lease_limit`).
//!
//! Slots are taken with the limits' rows locked (`FOR UPDATE` on PostgreSQL; SQLite has one writer), so API
//! replicas on one database never grant the same slot twice; a lease is released by the `DELETE … RETURNING`
//! that removes it, so exactly one of several releasers (the client, the expiry service of any replica) frees
//! its slots. Decay (`slot_decay_per_second`) is computed from `updated`, as Prefect does, in Rust so that both
//! dialects run the same statements.

use serde::Deserialize;

use super::{Writer, new_v7, on_db, write_tx};
use crate::db::types::{Id, TextList, Timestamp};
use crate::db::{Db, Dialect};

/// Prefect's floor under the average occupancy of a slot (it divides by it).
const MINIMUM_OCCUPANCY_SECONDS_PER_SLOT: f64 = 0.1;
/// The average occupancy is a moving average over `limit × this` releases.
const OCCUPANCY_SAMPLES_MULTIPLIER: f64 = 2.0;
/// At most this many expired leases are released per round of the expiry service.
const EXPIRED_BATCH: i64 = 100;

const COLUMNS: &str = r#"id, created, updated, active, name, "limit", active_slots, denied_slots, slot_decay_per_second, avg_slot_occupancy_seconds"#;

/// How long a refused client is told to wait at most (PREFECT_SERVER_TASKS_TAG_CONCURRENCY_SLOT_WAIT_SECONDS for
/// `tag:` limits, PREFECT_SERVER_CONCURRENCY_MAXIMUM_CONCURRENCY_SLOT_WAIT_SECONDS for the others).
#[derive(Clone, Copy, Debug)]
pub struct SlotWaits {
    pub tag_seconds: f64,
    pub maximum_seconds: f64,
}

impl Default for SlotWaits {
    fn default() -> Self {
        Self {
            tag_seconds: 10.0,
            maximum_seconds: 30.0,
        }
    }
}

#[derive(Clone, Debug, sqlx::FromRow)]
pub struct Limit {
    pub id: Id,
    pub created: Timestamp,
    pub updated: Timestamp,
    pub active: bool,
    pub name: String,
    pub limit: i64,
    pub active_slots: i64,
    pub denied_slots: i64,
    pub slot_decay_per_second: f64,
    pub avg_slot_occupancy_seconds: f64,
}

impl Limit {
    fn seconds_since_update(&self, now: Timestamp) -> f64 {
        ((now.0 - self.updated.0)
            .num_microseconds()
            .unwrap_or(i64::MAX) as f64
            / 1e6)
            .max(0.0)
    }

    /// Active slots after decay: `slot_decay_per_second` of them are freed every second.
    pub fn active_slots_at(&self, now: Timestamp) -> i64 {
        decayed(
            self.active_slots,
            self.slot_decay_per_second * self.seconds_since_update(now),
        )
    }

    /// Denied slots decay at the slot decay rate, or for a plain concurrency limit at one per (clamped)
    /// average occupancy, as in Prefect.
    pub(crate) fn denied_slots_at(&self, now: Timestamp, waits: SlotWaits) -> i64 {
        let rate = if self.slot_decay_per_second > 0.0 {
            self.slot_decay_per_second
        } else {
            1.0 / self
                .avg_slot_occupancy_seconds
                .min(self.max_wait(waits))
                .max(MINIMUM_OCCUPANCY_SECONDS_PER_SLOT)
        };
        decayed(self.denied_slots, rate * self.seconds_since_update(now))
    }

    fn max_wait(&self, waits: SlotWaits) -> f64 {
        if self.name.starts_with("tag:") {
            waits.tag_seconds
        } else {
            waits.maximum_seconds
        }
    }

    /// How strongly this limit blocks a request for `slots` (Prefect's `num_blocking_slots`).
    fn blocking_slots(&self, slots: i64) -> f64 {
        let waiting = (slots + self.denied_slots) as f64;
        if self.slot_decay_per_second > 0.0 {
            waiting
        } else {
            waiting / self.limit.max(1) as f64
        }
    }

    /// The average wait before a slot frees, which Prefect's `Retry-After` jitters around.
    fn average_retry_seconds(&self, slots: i64, waits: SlotWaits) -> f64 {
        let blocking = self.blocking_slots(slots);
        if self.slot_decay_per_second > 0.0 {
            blocking / self.slot_decay_per_second
        } else {
            let max_wait = self.max_wait(waits);
            (self.avg_slot_occupancy_seconds.min(max_wait) * blocking).min(max_wait)
        }
    }
}

/// `max(0, value - floor(amount))`, as Prefect's SQL computes it, saturating whatever the stored numbers are.
fn decayed(value: i64, amount: f64) -> i64 {
    let amount = amount.floor();
    if value <= 0 || amount >= value as f64 {
        return 0;
    }
    // NaN and negative amounts free nothing.
    value - amount.max(0.0) as i64
}

#[derive(Clone, Copy, Debug, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
pub enum HolderKind {
    FlowRun,
    TaskRun,
    Deployment,
}

impl HolderKind {
    fn as_str(self) -> &'static str {
        match self {
            HolderKind::FlowRun => "flow_run",
            HolderKind::TaskRun => "task_run",
            HolderKind::Deployment => "deployment",
        }
    }
}

/// Who holds a lease.
#[derive(Clone, Copy, Debug)]
pub struct Holder {
    pub kind: HolderKind,
    pub id: Id,
}

/// A limit, by id or by name (routes take either).
#[derive(Clone, Debug)]
pub enum Key {
    Id(Id),
    Name(String),
}

impl Key {
    /// A UUID is an id, anything else a name, as Prefect reads `{id_or_name}`.
    pub fn parse(text: &str) -> Self {
        match uuid::Uuid::parse_str(text) {
            Ok(id) => Key::Id(Id(id)),
            Err(_) => Key::Name(text.to_owned()),
        }
    }

    fn column(&self) -> &'static str {
        match self {
            Key::Id(_) => "id",
            Key::Name(_) => "name",
        }
    }
}

/// Binds a `Key` as `$1`.
macro_rules! bind_key {
    ($query:expr, $key:expr) => {
        match $key {
            Key::Id(id) => $query.bind(*id),
            Key::Name(name) => $query.bind(name.clone()),
        }
    };
}

/// Reads the limits that `$sql` selects by the list `$names`, locked for this transaction.
macro_rules! lock_limits_in {
    ($tx:ident, $sql:expr, $names:expr) => {
        sqlx::query_as::<_, Limit>(sqlx::AssertSqlSafe($sql))
            .bind($names)
            .fetch_all(&mut *$tx)
            .await?
    };
}

/// Stores a limit's slot counters as of `now`.
macro_rules! save_slots_in {
    ($tx:ident, $limit:expr, $now:expr) => {
        sqlx::query(
            "UPDATE concurrency_limit_v2 SET active_slots = $2, denied_slots = $3, \
             avg_slot_occupancy_seconds = $4, updated = $5 WHERE id = $1",
        )
        .bind($limit.id)
        .bind($limit.active_slots)
        .bind($limit.denied_slots)
        .bind($limit.avg_slot_occupancy_seconds)
        .bind($now)
        .execute(&mut *$tx)
        .await?
    };
}

/// Releases lease `$lease` (only if it expired before `$expired_before`, when given): deletes it and frees its
/// slots on its limits, recording the occupancy when `$record_occupancy`. Evaluates to whether it released it.
macro_rules! release_in {
    ($tx:ident, $dialect:expr, $lease:expr, $expired_before:expr, $now:expr, $waits:expr, $record_occupancy:expr) => {{
        let expired_before: Option<Timestamp> = $expired_before;
        let released: Option<(Timestamp, i64)> = sqlx::query_as(
            "DELETE FROM concurrency_lease WHERE id = $1 AND ($2 IS NULL OR expiration < $2) RETURNING created, slots",
        )
        .bind($lease)
        .bind(expired_before)
        .fetch_optional(&mut *$tx)
        .await?;
        match released {
            None => false,
            Some((created, slots)) => {
                let ids: Vec<Id> = sqlx::query_scalar(
                    "DELETE FROM concurrency_lease_limit WHERE lease_id = $1 RETURNING limit_id",
                )
                .bind($lease)
                .fetch_all(&mut *$tx)
                .await?;
                if !ids.is_empty() {
                    let occupancy = ($record_occupancy)
                        .then(|| (($now).0 - created.0).num_microseconds().unwrap_or(0) as f64 / 1e6);
                    let sql = limits_by_id_sql($dialect);
                    let limits = sqlx::query_as::<_, Limit>(sqlx::AssertSqlSafe(sql))
                        .bind(crate::db::types::IdList(ids))
                        .fetch_all(&mut *$tx)
                        .await?;
                    for limit in limits.iter().filter(|l| l.active) {
                        let freed = freed(limit, slots, occupancy, $now, $waits);
                        save_slots_in!($tx, freed, $now);
                    }
                }
                true
            }
        }
    }};
}

pub struct NewLimit {
    pub active: bool,
    pub name: String,
    pub limit: i64,
    pub active_slots: i64,
    pub denied_slots: i64,
    pub slot_decay_per_second: f64,
}

#[derive(Default)]
pub struct Changes {
    pub active: Option<bool>,
    pub name: Option<String>,
    pub limit: Option<i64>,
    pub active_slots: Option<i64>,
    pub denied_slots: Option<i64>,
    pub slot_decay_per_second: Option<f64>,
}

/// The new limit, or `None` when its name is taken.
pub async fn create(writer: &Writer, new: &NewLimit) -> Result<Option<Limit>, sqlx::Error> {
    let now = Timestamp::now();
    let sql = format!(
        r#"INSERT INTO concurrency_limit_v2 ({COLUMNS}) VALUES ($1, $2, $2, $3, $4, $5, $6, $7, $8, 2.0)
           ON CONFLICT (name) DO NOTHING RETURNING {COLUMNS}"#
    );
    write_tx!(writer, tx => sqlx::query_as::<_, Limit>(sqlx::AssertSqlSafe(sql.clone()))
        .bind(new_v7())
        .bind(now)
        .bind(new.active)
        .bind(new.name.clone())
        .bind(new.limit)
        .bind(new.active_slots)
        .bind(new.denied_slots)
        .bind(new.slot_decay_per_second)
        .fetch_optional(&mut *tx)
        .await?)
}

pub async fn read(db: &Db, key: &Key) -> Result<Option<Limit>, sqlx::Error> {
    let sql = format!(
        "SELECT {COLUMNS} FROM concurrency_limit_v2 WHERE {} = $1",
        key.column()
    );
    on_db!(db, pool => bind_key!(sqlx::query_as::<_, Limit>(sqlx::AssertSqlSafe(sql)), key)
        .fetch_optional(pool)
        .await)
}

/// Limits by name, `limit` and `offset` applied; only those whose name starts with `prefix` when given.
pub async fn read_page(
    db: &Db,
    prefix: Option<&str>,
    limit: i64,
    offset: i64,
) -> Result<Vec<Limit>, sqlx::Error> {
    // `tag:` holds no LIKE wildcard, and the prefix is bound, never spliced.
    let sql = format!(
        "SELECT {COLUMNS} FROM concurrency_limit_v2 WHERE ($1 IS NULL OR name LIKE $1) \
         ORDER BY name LIMIT $2 OFFSET $3"
    );
    let pattern = prefix.map(|p| format!("{p}%"));
    on_db!(db, pool => sqlx::query_as::<_, Limit>(sqlx::AssertSqlSafe(sql))
        .bind(pattern)
        .bind(limit)
        .bind(offset)
        .fetch_all(pool)
        .await)
}

/// Applies `changes`; false when there is no such limit. A new name that is taken is a database error (409).
pub async fn update(writer: &Writer, key: &Key, changes: &Changes) -> Result<bool, sqlx::Error> {
    let sql = format!(
        r#"UPDATE concurrency_limit_v2 SET updated = $2, active = COALESCE($3, active), name = COALESCE($4, name),
           "limit" = COALESCE($5, "limit"), active_slots = COALESCE($6, active_slots),
           denied_slots = COALESCE($7, denied_slots),
           slot_decay_per_second = COALESCE($8, slot_decay_per_second) WHERE {} = $1"#,
        key.column()
    );
    let rows = write_tx!(writer, tx => bind_key!(sqlx::query(sqlx::AssertSqlSafe(sql.clone())), key)
        .bind(Timestamp::now())
        .bind(changes.active)
        .bind(changes.name.clone())
        .bind(changes.limit)
        .bind(changes.active_slots)
        .bind(changes.denied_slots)
        .bind(changes.slot_decay_per_second)
        .execute(&mut *tx)
        .await?
        .rows_affected())?;
    Ok(rows > 0)
}

/// Deletes the limit and the leases on it (their slots on other limits are freed); false when there is none.
pub async fn delete(writer: &Writer, key: &Key) -> Result<bool, sqlx::Error> {
    let select = format!(
        "SELECT {COLUMNS} FROM concurrency_limit_v2 WHERE {} = $1",
        key.column()
    );
    let dialect = writer.dialect();
    write_tx!(writer, tx => {
        let Some(limit) = bind_key!(sqlx::query_as::<_, Limit>(sqlx::AssertSqlSafe(select.clone())), key)
            .fetch_optional(&mut *tx)
            .await?
        else {
            return Ok(false);
        };
        let now = Timestamp::now();
        let leases: Vec<Id> = sqlx::query_scalar("SELECT lease_id FROM concurrency_lease_limit WHERE limit_id = $1")
            .bind(limit.id)
            .fetch_all(&mut *tx)
            .await?;
        for lease in leases {
            release_in!(tx, dialect, lease, None, now, SlotWaits::default(), false);
        }
        sqlx::query("DELETE FROM concurrency_limit_v2 WHERE id = $1")
            .bind(limit.id)
            .execute(&mut *tx)
            .await?;
        true
    })
}

/// What a request for slots asks.
pub struct SlotRequest {
    pub names: Vec<String>,
    pub slots: i64,
    /// Rate limiting: only limits with slot decay may be used.
    pub rate_limit: bool,
    /// A lease to create on the slots taken, expiring then.
    pub lease: Option<(Timestamp, Option<Holder>)>,
    /// Count a refusal in the limits' denied slots (v2 routes do, v1 tag routes do not).
    pub count_denied: bool,
}

pub enum Acquired {
    /// Every active limit had room: the limits of the names (inactive ones too), and the lease.
    Taken {
        limits: Vec<Limit>,
        lease: Option<Id>,
    },
    /// An active limit (this one) is smaller than the slots asked for: waiting would never help.
    MoreThanLimit(Limit),
    /// Rate limiting on limits without decay (their names).
    NotDecaying(Vec<String>),
    /// No room now: retry after about this many seconds; `full` is the first limit without room.
    Locked { retry_after: f64, full: Limit },
}

fn for_update(dialect: Dialect) -> &'static str {
    match dialect {
        Dialect::Postgres => " ORDER BY id FOR UPDATE",
        // One writer at a time already.
        Dialect::Sqlite => "",
    }
}

fn limits_by_name_sql(dialect: Dialect) -> String {
    let names = match dialect {
        Dialect::Sqlite => "name IN (SELECT value FROM json_each($1))",
        Dialect::Postgres => "name = ANY($1)",
    };
    format!(
        "SELECT {COLUMNS} FROM concurrency_limit_v2 WHERE {names}{}",
        for_update(dialect)
    )
}

fn limits_by_id_sql(dialect: Dialect) -> String {
    let ids = match dialect {
        Dialect::Sqlite => "id IN (SELECT value FROM json_each($1))",
        Dialect::Postgres => "id = ANY($1)",
    };
    format!(
        "SELECT {COLUMNS} FROM concurrency_limit_v2 WHERE {ids}{}",
        for_update(dialect)
    )
}

/// The limit after `slots` are given back (`occupancy` seconds after they were taken, when known).
pub(crate) fn freed(
    limit: &Limit,
    slots: i64,
    occupancy: Option<f64>,
    now: Timestamp,
    waits: SlotWaits,
) -> Limit {
    let mut freed = limit.clone();
    freed.active_slots = (limit.active_slots_at(now) - slots).max(0);
    freed.denied_slots = limit.denied_slots_at(now, waits);
    if let Some(seconds) = occupancy.filter(|s| *s > 0.0 && slots > 0 && limit.limit > 0) {
        let per_slot = (seconds / slots as f64).max(MINIMUM_OCCUPANCY_SECONDS_PER_SLOT);
        let samples = limit.limit as f64 * OCCUPANCY_SAMPLES_MULTIPLIER;
        freed.avg_slot_occupancy_seconds = limit.avg_slot_occupancy_seconds + per_slot / samples
            - limit.avg_slot_occupancy_seconds / samples;
    }
    freed
}

/// Takes `slots` on every active limit among `names`, all or none; names without a limit pass straight through.
pub async fn acquire(
    writer: &Writer,
    request: &SlotRequest,
    waits: SlotWaits,
) -> Result<Acquired, sqlx::Error> {
    let dialect = writer.dialect();
    let select = limits_by_name_sql(dialect);
    let names = TextList(request.names.clone());
    let slots = request.slots;
    write_tx!(writer, tx => {
        let now = Timestamp::now();
        let limits = lock_limits_in!(tx, select.clone(), names.clone());
        let active: Vec<&Limit> = limits.iter().filter(|l| l.active).collect();
        if let Some(small) = active.iter().find(|l| l.limit < slots) {
            return Ok(Acquired::MoreThanLimit((*small).clone()));
        }
        let not_decaying: Vec<String> = active
            .iter()
            .filter(|l| l.slot_decay_per_second == 0.0)
            .map(|l| l.name.clone())
            .collect();
        if request.rate_limit && !not_decaying.is_empty() {
            return Ok(Acquired::NotDecaying(not_decaying));
        }
        let full = active.iter().find(|l| l.active_slots_at(now) + slots > l.limit);
        if let Some(full) = full {
            let full = (*full).clone();
            let blocking = active
                .iter()
                .max_by(|a, b| a.blocking_slots(slots).total_cmp(&b.blocking_slots(slots)))
                .map_or(0.0, |l| l.average_retry_seconds(slots, waits));
            if request.count_denied {
                for limit in &active {
                    let mut denied = (*limit).clone();
                    denied.active_slots = limit.active_slots_at(now);
                    denied.denied_slots = limit.denied_slots_at(now, waits) + slots;
                    save_slots_in!(tx, denied, now);
                }
            }
            return Ok(Acquired::Locked { retry_after: blocking, full });
        }
        for limit in &active {
            let mut taken = (*limit).clone();
            taken.active_slots = limit.active_slots_at(now) + slots;
            taken.denied_slots = limit.denied_slots_at(now, waits);
            save_slots_in!(tx, taken, now);
        }
        let lease = match request.lease {
            None => None,
            Some((expiration, holder)) => {
                let id = new_v7();
                sqlx::query(
                    "INSERT INTO concurrency_lease (id, created, expiration, slots, holder_type, holder_id) \
                     VALUES ($1, $2, $3, $4, $5, $6)",
                )
                .bind(id)
                .bind(now)
                .bind(expiration)
                .bind(slots)
                .bind(holder.map(|h| h.kind.as_str()))
                .bind(holder.map(|h| h.id))
                .execute(&mut *tx)
                .await?;
                for limit in &active {
                    sqlx::query("INSERT INTO concurrency_lease_limit (lease_id, limit_id) VALUES ($1, $2)")
                        .bind(id)
                        .bind(limit.id)
                        .execute(&mut *tx)
                        .await?;
                }
                Some(id)
            }
        };
        Acquired::Taken { limits, lease }
    })
}

/// Gives back `slots` on the active limits among `names`; the limits found (inactive ones too).
pub async fn decrement(
    writer: &Writer,
    names: &[String],
    slots: i64,
    occupancy: Option<f64>,
    waits: SlotWaits,
) -> Result<Vec<Limit>, sqlx::Error> {
    let dialect = writer.dialect();
    let select = limits_by_name_sql(dialect);
    let names = TextList(names.to_vec());
    write_tx!(writer, tx => {
        let now = Timestamp::now();
        let limits = lock_limits_in!(tx, select.clone(), names.clone());
        for limit in limits.iter().filter(|l| l.active) {
            let freed = freed(limit, slots, occupancy, now, waits);
            save_slots_in!(tx, freed, now);
        }
        limits
    })
}

/// Releases a lease and frees its slots; false when there is no such lease (already released or expired).
pub async fn release(writer: &Writer, lease: Id, waits: SlotWaits) -> Result<bool, sqlx::Error> {
    let dialect = writer.dialect();
    write_tx!(writer, tx => {
        let now = Timestamp::now();
        release_in!(tx, dialect, lease, None, now, waits, true)
    })
}

/// Extends a lease that has not expired to `expiration`; false when it is gone or expired.
pub async fn renew(writer: &Writer, lease: Id, expiration: Timestamp) -> Result<bool, sqlx::Error> {
    let rows = write_tx!(writer, tx => sqlx::query(
        "UPDATE concurrency_lease SET expiration = $2 WHERE id = $1 AND expiration > $3",
    )
    .bind(lease)
    .bind(expiration)
    .bind(Timestamp::now())
    .execute(&mut *tx)
    .await?
    .rows_affected())?;
    Ok(rows > 0)
}

/// Releases up to a batch of leases that expired unrenewed; returns how many this call released.
pub async fn release_expired(
    reader: &Db,
    writer: &Writer,
    waits: SlotWaits,
) -> Result<usize, sqlx::Error> {
    let now = Timestamp::now();
    let expired: Vec<Id> = on_db!(reader, pool => sqlx::query_scalar(
        "SELECT id FROM concurrency_lease WHERE expiration < $1 ORDER BY expiration LIMIT $2",
    )
    .bind(now)
    .bind(EXPIRED_BATCH)
    .fetch_all(pool)
    .await?);
    let dialect = writer.dialect();
    let mut released = 0;
    for lease in expired {
        // Checked again in the DELETE: a renewal since the scan, or another replica's service, wins.
        let done = write_tx!(writer, tx => {
            let now = Timestamp::now();
            release_in!(tx, dialect, lease, Some(now), now, waits, true)
        })?;
        released += usize::from(done);
    }
    Ok(released)
}

/// The holders of unexpired leases on `limit` of `kind` (a tag limit's `active_slots`: task runs).
pub async fn holders(db: &Db, limit: Id, kind: HolderKind) -> Result<Vec<Id>, sqlx::Error> {
    on_db!(db, pool => sqlx::query_scalar(
        "SELECT l.holder_id FROM concurrency_lease l JOIN concurrency_lease_limit ll ON ll.lease_id = l.id \
         WHERE ll.limit_id = $1 AND l.holder_type = $2 AND l.expiration > $3 ORDER BY l.created",
    )
    .bind(limit)
    .bind(kind.as_str())
    .bind(Timestamp::now())
    .fetch_all(pool)
    .await)
}

/// Releases the leases `holder` has on any of `limits`; the number released.
pub async fn release_held(
    writer: &Writer,
    limits: &[Id],
    holder: Id,
    waits: SlotWaits,
) -> Result<usize, sqlx::Error> {
    let dialect = writer.dialect();
    let on_limits = match dialect {
        Dialect::Sqlite => "ll.limit_id IN (SELECT value FROM json_each($1))",
        Dialect::Postgres => "ll.limit_id = ANY($1)",
    };
    let sql = format!(
        "SELECT DISTINCT l.id FROM concurrency_lease l JOIN concurrency_lease_limit ll ON ll.lease_id = l.id \
         WHERE {on_limits} AND l.holder_id = $2"
    );
    let ids = crate::db::types::IdList(limits.to_vec());
    write_tx!(writer, tx => {
        let now = Timestamp::now();
        let leases: Vec<Id> = sqlx::query_scalar(sqlx::AssertSqlSafe(sql.clone()))
            .bind(ids.clone())
            .bind(holder)
            .fetch_all(&mut *tx)
            .await?;
        let mut released = 0;
        for lease in leases {
            released += usize::from(release_in!(tx, dialect, lease, None, now, waits, false));
        }
        released
    })
}

/// Resets a limit's slots: every lease on it is dropped (its slots on other limits freed), and each of
/// `holders` gets a lease of one slot that never expires in practice. False when there is no such limit.
pub async fn reset(
    writer: &Writer,
    key: &Key,
    holders: &[Id],
    expiration: Timestamp,
    waits: SlotWaits,
) -> Result<bool, sqlx::Error> {
    let dialect = writer.dialect();
    let select = format!(
        "SELECT {COLUMNS} FROM concurrency_limit_v2 WHERE {} = $1",
        key.column()
    );
    write_tx!(writer, tx => {
        let Some(limit) = bind_key!(sqlx::query_as::<_, Limit>(sqlx::AssertSqlSafe(select.clone())), key)
            .fetch_optional(&mut *tx)
            .await?
        else {
            return Ok(false);
        };
        let now = Timestamp::now();
        let leases: Vec<Id> = sqlx::query_scalar("SELECT lease_id FROM concurrency_lease_limit WHERE limit_id = $1")
            .bind(limit.id)
            .fetch_all(&mut *tx)
            .await?;
        for lease in leases {
            release_in!(tx, dialect, lease, None, now, waits, false);
        }
        // Whatever slots no lease accounted for are gone too: a reset leaves exactly the override's.
        sqlx::query("UPDATE concurrency_limit_v2 SET active_slots = $2, updated = $3 WHERE id = $1")
            .bind(limit.id)
            .bind(holders.len() as i64)
            .bind(now)
            .execute(&mut *tx)
            .await?;
        for holder in holders {
            let id = new_v7();
            sqlx::query(
                "INSERT INTO concurrency_lease (id, created, expiration, slots, holder_type, holder_id) \
                 VALUES ($1, $2, $3, 1, 'task_run', $4)",
            )
            .bind(id)
            .bind(now)
            .bind(expiration)
            .bind(*holder)
            .execute(&mut *tx)
            .await?;
            sqlx::query("INSERT INTO concurrency_lease_limit (lease_id, limit_id) VALUES ($1, $2)")
                .bind(id)
                .bind(limit.id)
                .execute(&mut *tx)
                .await?;
        }
        true
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn limit(active: i64, decay: f64, seconds_ago: f64) -> Limit {
        let now = Timestamp::now();
        Limit {
            id: new_v7(),
            created: now,
            updated: now.saturating_add_seconds(-seconds_ago),
            active: true,
            name: "x".into(),
            limit: 5,
            active_slots: active,
            denied_slots: 0,
            slot_decay_per_second: decay,
            avg_slot_occupancy_seconds: 2.0,
        }
    }

    #[test]
    fn slots_decay_by_whole_slots_and_never_below_zero() {
        let now = Timestamp::now();
        assert_eq!(limit(3, 0.0, 100.0).active_slots_at(now), 3);
        assert_eq!(limit(3, 1.0, 1.5).active_slots_at(now), 2);
        assert_eq!(limit(3, 1.0, 10.0).active_slots_at(now), 0);
        assert_eq!(limit(3, f64::MAX, 10.0).active_slots_at(now), 0);
        assert_eq!(decayed(-2, 0.0), 0);
        assert_eq!(decayed(2, f64::NAN), 2);
    }

    #[test]
    fn releasing_frees_slots_and_moves_the_average_occupancy() {
        let now = Timestamp::now();
        let freed = freed(
            &limit(2, 0.0, 0.0),
            1,
            Some(12.0),
            now,
            SlotWaits::default(),
        );
        assert_eq!(freed.active_slots, 1);
        // Ten samples (limit 5 × 2): 2 + 12/10 - 2/10.
        assert!((freed.avg_slot_occupancy_seconds - 3.0).abs() < 1e-9);
        assert_eq!(freed_slots_of(0), 0);
    }

    fn freed_slots_of(active: i64) -> i64 {
        freed(
            &limit(active, 0.0, 0.0),
            1,
            None,
            Timestamp::now(),
            SlotWaits::default(),
        )
        .active_slots
    }
}
