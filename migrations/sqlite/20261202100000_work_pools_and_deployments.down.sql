DROP INDEX ix_flow_run__work_queue_id;
DROP INDEX ix_flow_run__scheduler_deployment_id_auto_scheduled_next_schedu;
DROP INDEX ix_flow_run__work_queue_id_next_scheduled_start_time;
DROP TABLE deployment_schedule;
DROP TABLE deployment;
DROP TABLE worker;
-- The pool and its default queue reference each other: unhook them before dropping either.
UPDATE work_pool SET default_queue_id = NULL;
DROP TABLE work_queue;
DROP TABLE work_pool;
