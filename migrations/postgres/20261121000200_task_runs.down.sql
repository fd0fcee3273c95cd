-- Dropping the column also drops its index and foreign key.
ALTER TABLE flow_run DROP COLUMN parent_task_run_id;
DROP TABLE task_run_state, task_run;
