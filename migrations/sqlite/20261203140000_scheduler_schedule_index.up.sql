-- Prefect's ix_flow_run__schedule_id_scheduler: the scheduler's check of a schedule's future auto-scheduled runs
-- reads them by deployment and schedule id (`created_by.id`) instead of every future run of the deployment.
-- The expression and the partial condition are the scheduler query's own, so SQLite can use the index.
CREATE INDEX ix_flow_run__schedule_id_scheduler
    ON flow_run (deployment_id, json_extract(created_by, '$.id'), next_scheduled_start_time)
    WHERE state_type = 'SCHEDULED' AND auto_scheduled = TRUE;
