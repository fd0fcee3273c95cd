-- Work pools, their queues and workers; deployments and their schedules, modelled on Prefect's tables of the same
-- names. Flow runs already carry deployment_id and work_queue_id; their "ON DELETE SET NULL" is done by the stores
-- (SQLite cannot add a foreign key to an existing column without rebuilding flow_run).
CREATE TABLE work_pool (
    id TEXT NOT NULL PRIMARY KEY,
    created TEXT NOT NULL,
    updated TEXT NOT NULL,
    name TEXT NOT NULL,
    description TEXT,
    type TEXT NOT NULL,
    base_job_template TEXT NOT NULL DEFAULT '{}',
    is_paused INTEGER NOT NULL DEFAULT 0,
    concurrency_limit INTEGER,
    -- Every pool has one; set right after the pool and its queue are inserted (the two reference each other).
    default_queue_id TEXT REFERENCES work_queue (id) ON DELETE RESTRICT,
    status TEXT NOT NULL DEFAULT 'NOT_READY',
    last_transitioned_status_at TEXT,
    last_status_event_id TEXT,
    storage_configuration TEXT NOT NULL DEFAULT '{}',
    CONSTRAINT uq_work_pool__name UNIQUE (name)
);
CREATE INDEX ix_work_pool__type ON work_pool (type);
CREATE INDEX ix_work_pool__updated ON work_pool (updated);

CREATE TABLE work_queue (
    id TEXT NOT NULL PRIMARY KEY,
    created TEXT NOT NULL,
    updated TEXT NOT NULL,
    name TEXT NOT NULL,
    filter TEXT,
    description TEXT NOT NULL DEFAULT '',
    is_paused INTEGER NOT NULL DEFAULT 0,
    concurrency_limit INTEGER,
    last_polled TEXT,
    priority INTEGER NOT NULL DEFAULT 1,
    work_pool_id TEXT NOT NULL REFERENCES work_pool (id) ON DELETE CASCADE,
    status TEXT NOT NULL DEFAULT 'NOT_READY',
    CONSTRAINT uq_work_queue__work_pool_id_name UNIQUE (work_pool_id, name)
);
CREATE INDEX ix_work_queue__updated ON work_queue (updated);
CREATE INDEX ix_work_queue__work_pool_id_priority ON work_queue (work_pool_id, priority);

CREATE TABLE worker (
    id TEXT NOT NULL PRIMARY KEY,
    created TEXT NOT NULL,
    updated TEXT NOT NULL,
    name TEXT NOT NULL,
    last_heartbeat_time TEXT NOT NULL,
    work_pool_id TEXT NOT NULL REFERENCES work_pool (id) ON DELETE CASCADE,
    heartbeat_interval_seconds INTEGER,
    status TEXT NOT NULL DEFAULT 'OFFLINE',
    CONSTRAINT uq_worker__work_pool_id_name UNIQUE (work_pool_id, name)
);
CREATE INDEX ix_worker__updated ON worker (updated);
-- The foreman's scan for workers whose heartbeat stopped.
CREATE INDEX ix_worker__work_pool_id_last_heartbeat_time ON worker (work_pool_id, last_heartbeat_time);

CREATE TABLE deployment (
    id TEXT NOT NULL PRIMARY KEY,
    created TEXT NOT NULL,
    updated TEXT NOT NULL,
    name TEXT NOT NULL,
    flow_id TEXT NOT NULL REFERENCES flow (id) ON DELETE CASCADE,
    version TEXT,
    description TEXT,
    tags TEXT NOT NULL DEFAULT '[]',
    labels TEXT,
    parameters TEXT NOT NULL DEFAULT '{}',
    parameter_openapi_schema TEXT,
    enforce_parameter_schema INTEGER NOT NULL DEFAULT 1,
    -- The job variables (Prefect's column keeps its old name).
    infra_overrides TEXT NOT NULL DEFAULT '{}',
    path TEXT,
    entrypoint TEXT,
    pull_steps TEXT,
    work_queue_name TEXT,
    work_queue_id TEXT REFERENCES work_queue (id) ON DELETE SET NULL,
    storage_document_id TEXT REFERENCES block_document (id) ON DELETE CASCADE,
    infrastructure_document_id TEXT REFERENCES block_document (id) ON DELETE CASCADE,
    paused INTEGER NOT NULL DEFAULT 0,
    status TEXT NOT NULL DEFAULT 'NOT_READY',
    last_polled TEXT,
    concurrency_limit_id TEXT REFERENCES concurrency_limit_v2 (id) ON DELETE SET NULL,
    concurrency_options TEXT,
    created_by TEXT,
    updated_by TEXT
);
CREATE UNIQUE INDEX uq_deployment__flow_id_name ON deployment (flow_id, name);
CREATE INDEX ix_deployment__created ON deployment (created);
CREATE INDEX ix_deployment__updated ON deployment (updated);
CREATE INDEX ix_deployment__name ON deployment (name);
CREATE INDEX ix_deployment__paused ON deployment (paused);
CREATE INDEX ix_deployment__work_queue_id ON deployment (work_queue_id);
CREATE INDEX ix_deployment__work_queue_name ON deployment (work_queue_name);

CREATE TABLE deployment_schedule (
    id TEXT NOT NULL PRIMARY KEY,
    created TEXT NOT NULL,
    updated TEXT NOT NULL,
    deployment_id TEXT NOT NULL REFERENCES deployment (id) ON DELETE CASCADE,
    schedule TEXT NOT NULL,
    active INTEGER NOT NULL,
    max_scheduled_runs INTEGER,
    parameters TEXT NOT NULL DEFAULT '{}',
    slug TEXT
);
CREATE INDEX ix_deployment_schedule__deployment_id ON deployment_schedule (deployment_id);
CREATE UNIQUE INDEX uq_deployment_schedule__deployment_id__slug ON deployment_schedule (deployment_id, slug)
    WHERE slug IS NOT NULL;
CREATE INDEX ix_deployment_schedule__updated ON deployment_schedule (updated);

-- What a worker polls (`work_pools/{name}/get_scheduled_flow_runs`): one queue's scheduled runs, soonest first.
CREATE INDEX ix_flow_run__work_queue_id_next_scheduled_start_time ON flow_run (work_queue_id, next_scheduled_start_time)
    WHERE state_type = 'SCHEDULED';
-- What the scheduler counts and clears: one deployment's future scheduled runs.
CREATE INDEX ix_flow_run__scheduler_deployment_id_auto_scheduled_next_schedu
    ON flow_run (deployment_id, auto_scheduled, next_scheduled_start_time) WHERE state_type = 'SCHEDULED';
CREATE INDEX ix_flow_run__work_queue_id ON flow_run (work_queue_id);
