DROP TABLE flow_run_state;
DROP TABLE flow_run;
DROP TABLE flow;
