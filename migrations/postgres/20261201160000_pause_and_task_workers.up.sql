-- Inputs of a paused flow run (`pause_flow_run(wait_for_input=…)`: the schema the flow waits for and the answer a
-- resume gives), as Prefect stores them.
CREATE TABLE flow_run_input (
    id UUID NOT NULL PRIMARY KEY,
    created TIMESTAMPTZ NOT NULL,
    updated TIMESTAMPTZ NOT NULL,
    flow_run_id UUID NOT NULL REFERENCES flow_run (id) ON DELETE CASCADE,
    key TEXT NOT NULL,
    value TEXT NOT NULL,
    sender TEXT,
    CONSTRAINT uq_flow_run_input__flow_run_id_key UNIQUE (flow_run_id, key)
);
CREATE INDEX ix_flow_run_input__updated ON flow_run_input (updated);
-- Deferred task runs (`task.delay()`) waiting for a task worker. Prefect keeps this queue in its server's memory;
-- in the database every replica on one PostgreSQL hands each run to exactly one worker, and none is lost on a
-- restart. Retries go first, then the oldest.
CREATE TABLE task_run_queue (
    task_run_id UUID NOT NULL PRIMARY KEY REFERENCES task_run (id) ON DELETE CASCADE,
    task_key TEXT NOT NULL,
    retry BOOLEAN NOT NULL,
    enqueued TIMESTAMPTZ NOT NULL
);
CREATE INDEX ix_task_run_queue__task_key_retry_enqueued ON task_run_queue (task_key, retry DESC, enqueued);
-- Task workers connected now (`/task_workers/filter`), seen by any replica.
CREATE TABLE task_worker (
    identifier TEXT NOT NULL PRIMARY KEY,
    task_keys JSONB NOT NULL,
    seen TIMESTAMPTZ NOT NULL
);
