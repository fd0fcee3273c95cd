DROP TABLE flow_run_state, flow_run, flow;
