DROP TABLE task_worker;
DROP TABLE task_run_queue;
DROP TABLE flow_run_input;
