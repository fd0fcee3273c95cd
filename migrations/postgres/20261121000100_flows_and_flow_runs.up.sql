-- Flows, flow runs and the history of their states, modelled on Prefect's tables of the same names.
CREATE TABLE flow (
    id UUID NOT NULL,
    created TIMESTAMPTZ NOT NULL,
    updated TIMESTAMPTZ NOT NULL,
    name TEXT NOT NULL,
    tags JSONB NOT NULL DEFAULT '[]',
    labels JSONB,
    CONSTRAINT pk_flow PRIMARY KEY (id),
    CONSTRAINT uq_flow__name UNIQUE (name)
);
CREATE INDEX ix_flow__created ON flow (created);
CREATE INDEX ix_flow__updated ON flow (updated);

CREATE TABLE flow_run (
    id UUID NOT NULL,
    created TIMESTAMPTZ NOT NULL,
    updated TIMESTAMPTZ NOT NULL,
    name TEXT NOT NULL,
    flow_id UUID NOT NULL,
    state_id UUID,
    state_type TEXT,
    state_name TEXT,
    state_timestamp TIMESTAMPTZ,
    run_count INTEGER NOT NULL DEFAULT 0,
    expected_start_time TIMESTAMPTZ,
    next_scheduled_start_time TIMESTAMPTZ,
    start_time TIMESTAMPTZ,
    end_time TIMESTAMPTZ,
    total_run_time DOUBLE PRECISION NOT NULL DEFAULT 0,
    flow_version TEXT,
    parameters JSONB NOT NULL DEFAULT '{}',
    idempotency_key TEXT,
    context JSONB NOT NULL DEFAULT '{}',
    empirical_policy JSONB NOT NULL DEFAULT '{}',
    tags JSONB NOT NULL DEFAULT '[]',
    labels JSONB,
    auto_scheduled BOOLEAN NOT NULL DEFAULT FALSE,
    deployment_id UUID,
    deployment_version TEXT,
    work_queue_id UUID,
    work_queue_name TEXT,
    infrastructure_document_id UUID,
    infrastructure_pid TEXT,
    job_variables JSONB DEFAULT '{}',
    created_by JSONB,
    CONSTRAINT pk_flow_run PRIMARY KEY (id),
    CONSTRAINT fk_flow_run__flow_id__flow FOREIGN KEY (flow_id) REFERENCES flow (id) ON DELETE CASCADE
);
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

CREATE TABLE flow_run_state (
    id UUID NOT NULL,
    created TIMESTAMPTZ NOT NULL,
    updated TIMESTAMPTZ NOT NULL,
    flow_run_id UUID NOT NULL,
    type TEXT NOT NULL,
    timestamp TIMESTAMPTZ NOT NULL,
    name TEXT NOT NULL,
    message TEXT,
    state_details JSONB NOT NULL DEFAULT '{}',
    data JSONB,
    result_artifact_id UUID,
    CONSTRAINT pk_flow_run_state PRIMARY KEY (id),
    CONSTRAINT fk_flow_run_state__flow_run_id__flow_run
        FOREIGN KEY (flow_run_id) REFERENCES flow_run (id) ON DELETE CASCADE
);
CREATE INDEX ix_flow_run_state__name ON flow_run_state (name);
CREATE INDEX ix_flow_run_state__type ON flow_run_state (type);
CREATE INDEX ix_flow_run_state__type_name_timestamp ON flow_run_state (type, name, timestamp);
CREATE INDEX ix_flow_run_state__updated ON flow_run_state (updated);
CREATE UNIQUE INDEX uq_flow_run_state__flow_run_id_timestamp_desc ON flow_run_state (flow_run_id, timestamp DESC);

-- flow_run and flow_run_state refer to each other, so this key can only follow both tables.
ALTER TABLE flow_run ADD CONSTRAINT fk_flow_run__state_id__flow_run_state
    FOREIGN KEY (state_id) REFERENCES flow_run_state (id) ON DELETE SET NULL;
