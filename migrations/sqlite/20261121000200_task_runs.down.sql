-- no-transaction
-- SQLite cannot drop a column that carries a foreign key, so flow_run is rebuilt without parent_task_run_id.
-- Foreign keys must be off during the rebuild, or DROP TABLE flow_run would cascade-delete every flow_run_state row;
-- the pragma is a no-op inside a transaction, hence no-transaction and an explicit BEGIN ... COMMIT around the work.
PRAGMA foreign_keys = OFF;
BEGIN;
CREATE TABLE flow_run_rebuild (
    id TEXT NOT NULL PRIMARY KEY,
    created TEXT NOT NULL,
    updated TEXT NOT NULL,
    name TEXT NOT NULL,
    flow_id TEXT NOT NULL REFERENCES flow (id) ON DELETE CASCADE,
    state_id TEXT REFERENCES flow_run_state (id) ON DELETE SET NULL,
    state_type TEXT,
    state_name TEXT,
    state_timestamp TEXT,
    run_count INTEGER NOT NULL DEFAULT 0,
    expected_start_time TEXT,
    next_scheduled_start_time TEXT,
    start_time TEXT,
    end_time TEXT,
    total_run_time REAL NOT NULL DEFAULT 0,
    flow_version TEXT,
    parameters TEXT NOT NULL DEFAULT '{}',
    idempotency_key TEXT,
    context TEXT NOT NULL DEFAULT '{}',
    empirical_policy TEXT NOT NULL DEFAULT '{}',
    tags TEXT NOT NULL DEFAULT '[]',
    labels TEXT,
    auto_scheduled INTEGER NOT NULL DEFAULT 0,
    deployment_id TEXT,
    deployment_version TEXT,
    work_queue_id TEXT,
    work_queue_name TEXT,
    infrastructure_document_id TEXT,
    infrastructure_pid TEXT,
    job_variables TEXT DEFAULT '{}',
    created_by TEXT
);
INSERT INTO flow_run_rebuild (
    id,
    created,
    updated,
    name,
    flow_id,
    state_id,
    state_type,
    state_name,
    state_timestamp,
    run_count,
    expected_start_time,
    next_scheduled_start_time,
    start_time,
    end_time,
    total_run_time,
    flow_version,
    parameters,
    idempotency_key,
    context,
    empirical_policy,
    tags,
    labels,
    auto_scheduled,
    deployment_id,
    deployment_version,
    work_queue_id,
    work_queue_name,
    infrastructure_document_id,
    infrastructure_pid,
    job_variables,
    created_by
)
SELECT
    id,
    created,
    updated,
    name,
    flow_id,
    state_id,
    state_type,
    state_name,
    state_timestamp,
    run_count,
    expected_start_time,
    next_scheduled_start_time,
    start_time,
    end_time,
    total_run_time,
    flow_version,
    parameters,
    idempotency_key,
    context,
    empirical_policy,
    tags,
    labels,
    auto_scheduled,
    deployment_id,
    deployment_version,
    work_queue_id,
    work_queue_name,
    infrastructure_document_id,
    infrastructure_pid,
    job_variables,
    created_by
FROM flow_run;
DROP TABLE flow_run;
ALTER TABLE flow_run_rebuild RENAME TO flow_run;
CREATE INDEX ix_flow_run__flow_id ON flow_run (flow_id);
CREATE INDEX ix_flow_run__name ON flow_run (name);
CREATE INDEX ix_flow_run__state_id ON flow_run (state_id);
CREATE INDEX ix_flow_run__state_type ON flow_run (state_type);
CREATE INDEX ix_flow_run__state_name ON flow_run (state_name);
CREATE INDEX ix_flow_run__state_timestamp ON flow_run (state_timestamp);
CREATE INDEX ix_flow_run__expected_start_time_desc ON flow_run (expected_start_time DESC);
CREATE INDEX ix_flow_run__next_scheduled_start_time_asc ON flow_run (next_scheduled_start_time);
CREATE INDEX ix_flow_run__start_time ON flow_run (start_time);
CREATE INDEX ix_flow_run__end_time_desc ON flow_run (end_time DESC);
CREATE INDEX ix_flow_run__deployment_id ON flow_run (deployment_id);
CREATE INDEX ix_flow_run__work_queue_name ON flow_run (work_queue_name);
CREATE INDEX ix_flow_run__updated ON flow_run (updated);
CREATE UNIQUE INDEX uq_flow_run__flow_id_idempotency_key ON flow_run (flow_id, idempotency_key);

DROP TABLE task_run_state;
DROP TABLE task_run;
-- Inside the transaction, so the recorded version changes together with the schema.
DELETE FROM _sqlx_migrations WHERE version = 20261121000200;
COMMIT;
PRAGMA foreign_keys = ON;
