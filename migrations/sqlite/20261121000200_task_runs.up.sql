-- Task runs and the history of their states; a flow run may be the child of a task run (a subflow).
CREATE TABLE task_run (
    id TEXT NOT NULL PRIMARY KEY,
    created TEXT NOT NULL,
    updated TEXT NOT NULL,
    name TEXT NOT NULL,
    flow_run_id TEXT REFERENCES flow_run (id) ON DELETE CASCADE,
    task_key TEXT NOT NULL,
    dynamic_key TEXT NOT NULL,
    cache_key TEXT,
    cache_expiration TEXT,
    task_version TEXT,
    state_id TEXT,
    state_type TEXT,
    state_name TEXT,
    state_timestamp TEXT,
    run_count INTEGER NOT NULL DEFAULT 0,
    flow_run_run_count INTEGER NOT NULL DEFAULT 0,
    expected_start_time TEXT,
    next_scheduled_start_time TEXT,
    start_time TEXT,
    end_time TEXT,
    total_run_time REAL NOT NULL DEFAULT 0,
    empirical_policy TEXT NOT NULL DEFAULT '{}',
    task_inputs TEXT NOT NULL DEFAULT '{}',
    tags TEXT NOT NULL DEFAULT '[]',
    labels TEXT
);
CREATE INDEX ix_task_run__flow_run_id ON task_run (flow_run_id);
CREATE INDEX ix_task_run__name ON task_run (name);
CREATE INDEX ix_task_run__state_id ON task_run (state_id);
CREATE INDEX ix_task_run__state_type ON task_run (state_type);
CREATE INDEX ix_task_run__state_name ON task_run (state_name);
CREATE INDEX ix_task_run__state_timestamp ON task_run (state_timestamp);
CREATE INDEX ix_task_run__expected_start_time_desc ON task_run (expected_start_time DESC);
CREATE INDEX ix_task_run__next_scheduled_start_time_asc ON task_run (next_scheduled_start_time);
CREATE INDEX ix_task_run__start_time ON task_run (start_time);
CREATE INDEX ix_task_run__end_time_desc ON task_run (end_time DESC);
CREATE INDEX ix_task_run__updated ON task_run (updated);
CREATE UNIQUE INDEX uq_task_run__flow_run_id_task_key_dynamic_key ON task_run (flow_run_id, task_key, dynamic_key);

CREATE TABLE task_run_state (
    id TEXT NOT NULL PRIMARY KEY,
    created TEXT NOT NULL,
    updated TEXT NOT NULL,
    task_run_id TEXT NOT NULL REFERENCES task_run (id) ON DELETE CASCADE,
    type TEXT NOT NULL,
    timestamp TEXT NOT NULL,
    name TEXT NOT NULL,
    message TEXT,
    state_details TEXT NOT NULL DEFAULT '{}',
    data TEXT,
    result_artifact_id TEXT
);
CREATE INDEX ix_task_run_state__name ON task_run_state (name);
CREATE INDEX ix_task_run_state__type ON task_run_state (type);
CREATE INDEX ix_task_run_state__updated ON task_run_state (updated);
CREATE UNIQUE INDEX uq_task_run_state__task_run_id_timestamp_desc ON task_run_state (task_run_id, timestamp DESC);

ALTER TABLE flow_run ADD COLUMN parent_task_run_id TEXT REFERENCES task_run (id) ON DELETE SET NULL;
CREATE INDEX ix_flow_run__parent_task_run_id ON flow_run (parent_task_run_id);
