-- Global concurrency limits (v2; tag limits are the ones named `tag:<tag>`, as in Prefect 3.8+) and the leases
-- on their slots. Leases live here, not in one process's memory, so every API replica on one database sees the
-- same holders, and the lease-expiry service of any replica can free the slots of a lease nobody renewed.
CREATE TABLE concurrency_limit_v2 (
    id TEXT NOT NULL PRIMARY KEY,
    created TEXT NOT NULL,
    updated TEXT NOT NULL,
    active BOOLEAN NOT NULL,
    name TEXT NOT NULL,
    "limit" INTEGER NOT NULL,
    active_slots INTEGER NOT NULL,
    denied_slots INTEGER NOT NULL DEFAULT 0,
    slot_decay_per_second REAL NOT NULL DEFAULT 0,
    avg_slot_occupancy_seconds REAL NOT NULL DEFAULT 2.0,
    CONSTRAINT uq_concurrency_limit_v2__name UNIQUE (name)
);
CREATE TABLE concurrency_lease (
    id TEXT NOT NULL PRIMARY KEY,
    created TEXT NOT NULL,
    expiration TEXT NOT NULL,
    slots INTEGER NOT NULL,
    holder_type TEXT,
    holder_id TEXT
);
-- The lease-expiry service's scan.
CREATE INDEX ix_concurrency_lease__expiration ON concurrency_lease (expiration);
-- Which limits a lease holds slots of (a lease of names without a limit holds none).
CREATE TABLE concurrency_lease_limit (
    lease_id TEXT NOT NULL,
    limit_id TEXT NOT NULL,
    PRIMARY KEY (lease_id, limit_id)
);
-- The holders of one limit (tag limits' `active_slots`, reset, delete).
CREATE INDEX ix_concurrency_lease_limit__limit_id ON concurrency_lease_limit (limit_id);
