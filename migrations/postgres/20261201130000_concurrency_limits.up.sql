-- Global concurrency limits (v2; tag limits are the ones named `tag:<tag>`, as in Prefect 3.8+) and the leases
-- on their slots. Leases live here, not in one process's memory, so every API replica on one database sees the
-- same holders, and the lease-expiry service of any replica can free the slots of a lease nobody renewed.
CREATE TABLE concurrency_limit_v2 (
    id UUID NOT NULL,
    created TIMESTAMPTZ NOT NULL,
    updated TIMESTAMPTZ NOT NULL,
    active BOOLEAN NOT NULL,
    name TEXT NOT NULL,
    "limit" BIGINT NOT NULL,
    active_slots BIGINT NOT NULL,
    denied_slots BIGINT NOT NULL DEFAULT 0,
    slot_decay_per_second DOUBLE PRECISION NOT NULL DEFAULT 0,
    avg_slot_occupancy_seconds DOUBLE PRECISION NOT NULL DEFAULT 2.0,
    CONSTRAINT pk_concurrency_limit_v2 PRIMARY KEY (id),
    CONSTRAINT uq_concurrency_limit_v2__name UNIQUE (name)
);
CREATE TABLE concurrency_lease (
    id UUID NOT NULL,
    created TIMESTAMPTZ NOT NULL,
    expiration TIMESTAMPTZ NOT NULL,
    slots BIGINT NOT NULL,
    holder_type TEXT,
    holder_id UUID,
    CONSTRAINT pk_concurrency_lease PRIMARY KEY (id)
);
-- The lease-expiry service's scan.
CREATE INDEX ix_concurrency_lease__expiration ON concurrency_lease (expiration);
-- Which limits a lease holds slots of (a lease of names without a limit holds none).
CREATE TABLE concurrency_lease_limit (
    lease_id UUID NOT NULL,
    limit_id UUID NOT NULL,
    CONSTRAINT pk_concurrency_lease_limit PRIMARY KEY (lease_id, limit_id)
);
-- The holders of one limit (tag limits' `active_slots`, reset, delete).
CREATE INDEX ix_concurrency_lease_limit__limit_id ON concurrency_lease_limit (limit_id);
