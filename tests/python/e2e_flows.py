"""The flows the worker end-to-end tests deploy (tests/workers_e2e.rs copies this file into a project directory):
`e2e-hello` logs a line and returns its parameter; `e2e-sleeper` logs its pid and sleeps, to be cancelled."""
import os
import time

from prefect import flow, get_run_logger


@flow(name="e2e-hello", log_prints=True)
def hello(who: str = "world") -> str:
    get_run_logger().info("hello, %s, from pid %d", who, os.getpid())
    return f"hello {who}"


@flow(name="e2e-sleeper")
def sleeper(seconds: float = 600) -> None:
    get_run_logger().info("sleeping %s s in pid %d", seconds, os.getpid())
    time.sleep(seconds)
