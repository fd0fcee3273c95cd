//! A deployment's concurrency slot, taken, renewed and freed inside the transaction that writes a flow run's
//! state (see `orchestration::deployment_concurrency` for the decisions). The slot is one slot of the v2 limit
//! the deployment names (`deployment.concurrency_limit_id`), held through a lease in `concurrency_lease` that
//! the run's engine renews (`/v2/concurrency_limits/leases/{id}/renew`) and that the lease-expiry service frees
//! if it stops. Macros, because the transaction is a SQLite connection or a PostgreSQL transaction; the limit's
//! row is locked (`FOR UPDATE`) on PostgreSQL, so two replicas never hand out one slot twice.

use super::concurrency_limits_v2::{Limit, SlotWaits, freed};
use crate::db::Dialect;
use crate::db::types::Timestamp;
use crate::orchestration::deployment_concurrency::{Options, Slots};

/// The dialect of a transaction's connection.
pub trait Dialected {
    const DIALECT: Dialect;
}

impl Dialected for sqlx::SqliteConnection {
    const DIALECT: Dialect = Dialect::Sqlite;
}

impl Dialected for sqlx::PgConnection {
    const DIALECT: Dialect = Dialect::Postgres;
}

pub fn dialect_of<C: Dialected>(_connection: &C) -> Dialect {
    C::DIALECT
}

/// One limit by id (`$1`), locked for the transaction on PostgreSQL.
pub fn limit_sql(dialect: Dialect) -> &'static str {
    match dialect {
        Dialect::Sqlite => {
            r#"SELECT id, created, updated, active, name, "limit", active_slots, denied_slots, slot_decay_per_second, avg_slot_occupancy_seconds FROM concurrency_limit_v2 WHERE id = $1"#
        }
        Dialect::Postgres => {
            r#"SELECT id, created, updated, active, name, "limit", active_slots, denied_slots, slot_decay_per_second, avg_slot_occupancy_seconds FROM concurrency_limit_v2 WHERE id = $1 FOR UPDATE"#
        }
    }
}

/// Prefect's `bulk_increment_active_slots` condition: active, and room for one more slot after decay.
pub fn has_room(limit: &Limit, now: Timestamp) -> bool {
    limit.active && limit.active_slots_at(now) < limit.limit
}

/// What a deployment found (`None`: no such deployment) offers a run proposed PENDING, or, for a run being
/// marked Late (`late`), whether its limit is full as EnforceDeploymentConcurrencyOnLate counts it: stored
/// active slots against the limit, active or not.
pub fn slots(found: Option<&(Option<Limit>, Options)>, late: bool, now: Timestamp) -> Slots {
    match found {
        None => Slots::DeploymentMissing,
        Some((None, _)) => Slots::Unlimited,
        Some((Some(limit), options)) if late => {
            if limit.active_slots >= limit.limit {
                Slots::Full(*options)
            } else {
                Slots::Free(*options)
            }
        }
        Some((Some(limit), options)) if limit.limit == 0 => Slots::Zero(*options),
        Some((Some(limit), options)) if has_room(limit, now) => Slots::Free(*options),
        Some((Some(_), options)) => Slots::Full(*options),
    }
}

/// The limit with one more slot taken.
pub fn taken(limit: &Limit, now: Timestamp) -> Limit {
    let mut taken = limit.clone();
    taken.active_slots = limit.active_slots_at(now) + 1;
    taken.denied_slots = limit.denied_slots_at(now, SlotWaits::default());
    taken
}

/// The limit with `slots` given back.
pub fn given_back(limit: &Limit, slots: i64, now: Timestamp) -> Limit {
    freed(limit, slots, None, now, SlotWaits::default())
}

/// Deployment `$deployment`'s limit (locked) and concurrency options; `None` when there is no such deployment.
macro_rules! deployment_limit_in {
    ($tx:ident, $deployment:expr) => {{
        let dialect = $crate::store::deployment_concurrency::dialect_of(&*$tx);
        let found: Option<(
            Option<$crate::db::types::Id>,
            Option<$crate::store::JsonValue>,
        )> = sqlx::query_as(
            "SELECT concurrency_limit_id, concurrency_options FROM deployment WHERE id = $1",
        )
        .bind($deployment)
        .fetch_optional(&mut *$tx)
        .await?;
        match found {
            None => None,
            Some((limit_id, options)) => {
                let options = $crate::orchestration::deployment_concurrency::Options::parse(
                    options.as_ref().map(|o| &o.0),
                );
                let limit = match limit_id {
                    None => None,
                    Some(id) => {
                        sqlx::query_as::<_, $crate::store::concurrency_limits_v2::Limit>(
                            $crate::store::deployment_concurrency::limit_sql(dialect),
                        )
                        .bind(id)
                        .fetch_optional(&mut *$tx)
                        .await?
                    }
                };
                Some((limit, options))
            }
        }
    }};
}
pub(crate) use deployment_limit_in;

/// Stores a limit's slot counters as of `$now`.
macro_rules! save_limit_in {
    ($tx:ident, $limit:expr, $now:expr) => {{
        let limit: &$crate::store::concurrency_limits_v2::Limit = $limit;
        sqlx::query(
            "UPDATE concurrency_limit_v2 SET active_slots = $2, denied_slots = $3, \
             avg_slot_occupancy_seconds = $4, updated = $5 WHERE id = $1",
        )
        .bind(limit.id)
        .bind(limit.active_slots)
        .bind(limit.denied_slots)
        .bind(limit.avg_slot_occupancy_seconds)
        .bind($now)
        .execute(&mut *$tx)
        .await?;
    }};
}
pub(crate) use save_limit_in;

/// Takes one slot of limit `$limit_id` if it has room, with a lease living `$seconds` held by `$holder` (a flow
/// run's id, or none); evaluates to the lease, `None` when there was no room.
macro_rules! take_slot_in {
    ($tx:ident, $limit_id:expr, $seconds:expr, $holder:expr, $now:expr) => {{
        let dialect = $crate::store::deployment_concurrency::dialect_of(&*$tx);
        let now: $crate::db::types::Timestamp = $now;
        let limit = sqlx::query_as::<_, $crate::store::concurrency_limits_v2::Limit>(
            $crate::store::deployment_concurrency::limit_sql(dialect),
        )
        .bind($limit_id)
        .fetch_optional(&mut *$tx)
        .await?;
        match limit.filter(|l| $crate::store::deployment_concurrency::has_room(l, now)) {
            None => None,
            Some(limit) => {
                let taken = $crate::store::deployment_concurrency::taken(&limit, now);
                $crate::store::deployment_concurrency::save_limit_in!($tx, &taken, now);
                let lease = $crate::store::new_v7();
                let holder: Option<$crate::db::types::Id> = $holder;
                sqlx::query(
                    "INSERT INTO concurrency_lease (id, created, expiration, slots, holder_type, holder_id) \
                     VALUES ($1, $2, $3, 1, $4, $5)",
                )
                .bind(lease)
                .bind(now)
                .bind(now.saturating_add_seconds($seconds))
                .bind(holder.map(|_| "flow_run"))
                .bind(holder)
                .execute(&mut *$tx)
                .await?;
                sqlx::query("INSERT INTO concurrency_lease_limit (lease_id, limit_id) VALUES ($1, $2)")
                    .bind(lease)
                    .bind(limit.id)
                    .execute(&mut *$tx)
                    .await?;
                Some(lease)
            }
        }
    }};
}
pub(crate) use take_slot_in;

/// Extends lease `$lease` to `$seconds` from `$now` unless it expired; evaluates to whether it did.
macro_rules! renew_lease_in {
    ($tx:ident, $lease:expr, $seconds:expr, $now:expr) => {{
        let now: $crate::db::types::Timestamp = $now;
        sqlx::query(
            "UPDATE concurrency_lease SET expiration = $2 WHERE id = $1 AND expiration > $3",
        )
        .bind($lease)
        .bind(now.saturating_add_seconds($seconds))
        .bind(now)
        .execute(&mut *$tx)
        .await?
        .rows_affected()
            > 0
    }};
}
pub(crate) use renew_lease_in;

/// Gives back a run's slot (ReleaseFlowConcurrencySlots): its lease `$lease` when there is one, freeing the
/// slots on the lease's limits; without a lease, or when it is gone (expired and freed already), one slot of
/// deployment `$deployment`'s limit, as Prefect's fallback does.
macro_rules! release_slot_in {
    ($tx:ident, $lease:expr, $deployment:expr, $now:expr) => {{
        let dialect = $crate::store::deployment_concurrency::dialect_of(&*$tx);
        let now: $crate::db::types::Timestamp = $now;
        let lease: Option<$crate::db::types::Id> = $lease;
        let mut freed_limits: Vec<($crate::db::types::Id, i64)> = Vec::new();
        let mut released = false;
        if let Some(lease) = lease {
            let slots: Option<i64> =
                sqlx::query_scalar("DELETE FROM concurrency_lease WHERE id = $1 RETURNING slots")
                    .bind(lease)
                    .fetch_optional(&mut *$tx)
                    .await?;
            if let Some(slots) = slots {
                released = true;
                let ids: Vec<$crate::db::types::Id> = sqlx::query_scalar(
                    "DELETE FROM concurrency_lease_limit WHERE lease_id = $1 RETURNING limit_id",
                )
                .bind(lease)
                .fetch_all(&mut *$tx)
                .await?;
                freed_limits.extend(ids.into_iter().map(|id| (id, slots)));
            }
        }
        if !released {
            let limit: Option<Option<$crate::db::types::Id>> =
                sqlx::query_scalar("SELECT concurrency_limit_id FROM deployment WHERE id = $1")
                    .bind($deployment)
                    .fetch_optional(&mut *$tx)
                    .await?;
            freed_limits.extend(limit.flatten().map(|id| (id, 1)));
        }
        for (id, slots) in freed_limits {
            let limit = sqlx::query_as::<_, $crate::store::concurrency_limits_v2::Limit>(
                $crate::store::deployment_concurrency::limit_sql(dialect),
            )
            .bind(id)
            .fetch_optional(&mut *$tx)
            .await?;
            if let Some(limit) = limit.filter(|l| l.active) {
                let back = $crate::store::deployment_concurrency::given_back(&limit, slots, now);
                $crate::store::deployment_concurrency::save_limit_in!($tx, &back, now);
            }
        }
    }};
}
pub(crate) use release_slot_in;

/// The deployment-concurrency steps of a transition, after the rules decided (`$decision`, mutable): take the
/// slot SecureFlowConcurrencySlots found (or, if another run took it first, apply the collision strategy),
/// renew the lease at RUNNING (or take a slot again, or cancel), and free the slot when the run leaves the
/// running states. `$found` is what `deployment_limit_in!` found before the rules ran, if it was looked up.
macro_rules! deployment_slot_steps_in {
    ($tx:ident, $run:expr, $initial:expr, $decision:expr, $found:expr, $now:expr) => {{
        use $crate::orchestration::deployment_concurrency as rules;
        let run: &FlowRun = $run;
        let initial: Option<&$crate::store::states::State> = $initial;
        let now: $crate::db::types::Timestamp = $now;
        if let Some(deployment) = run.deployment_id {
            if $decision.take_deployment_slot
                && let Some((Some(limit), options)) = $found
            {
                match $crate::store::deployment_concurrency::take_slot_in!(
                    $tx,
                    limit.id,
                    options.lease_seconds(),
                    None,
                    now
                ) {
                    Some(lease) => {
                        if let Some(state) = $decision.write.as_mut() {
                            state.details[rules::LEASE_KEY] = serde_json::json!(lease.to_string());
                        }
                    }
                    None => {
                        let (state, reason) = rules::collision(options.strategy, now);
                        $decision.status = $crate::orchestration::Status::Reject;
                        $decision.reason = Some(reason);
                        $decision.write = Some(state);
                    }
                }
            }
            if let Some(lease) = $decision.renew_deployment_lease {
                let lease = $crate::db::types::Id(lease);
                let found =
                    $crate::store::deployment_concurrency::deployment_limit_in!($tx, deployment);
                if let Some((Some(limit), options)) = found {
                    let seconds = options.lease_seconds();
                    if !$crate::store::deployment_concurrency::renew_lease_in!(
                        $tx, lease, seconds, now
                    ) {
                        match $crate::store::deployment_concurrency::take_slot_in!(
                            $tx,
                            limit.id,
                            seconds,
                            Some(run.id),
                            now
                        ) {
                            Some(lease) => {
                                if let Some(state) = $decision.write.as_mut() {
                                    state.details[rules::LEASE_KEY] =
                                        serde_json::json!(lease.to_string());
                                }
                            }
                            None => {
                                let (state, reason) = rules::slot_lost();
                                $decision.status = $crate::orchestration::Status::Reject;
                                $decision.reason = Some(reason);
                                $decision.write = Some(state);
                            }
                        }
                    }
                }
            }
            let rejected = $decision.status == $crate::orchestration::Status::Reject;
            if let Some(written) = $decision.write.as_ref()
                && rules::releases(initial, written, rejected)
            {
                let lease = initial
                    .and_then(|i| rules::lease_of(&i.details))
                    .map($crate::db::types::Id);
                $crate::store::deployment_concurrency::release_slot_in!(
                    $tx, lease, deployment, now
                );
            }
        }
    }};
}
pub(crate) use deployment_slot_steps_in;
