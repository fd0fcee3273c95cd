"""S1: a flow with three concurrently submitted tasks, one failing once and succeeding on retry, with run-logger
lines and a return value. Prints the final state and the flow run id for the test to check."""
import sys

from prefect import flow, get_run_logger, task
from prefect.runtime import task_run


@task
def add(x: int, y: int) -> int:
    get_run_logger().info("add(%s, %s)", x, y)
    return x + y


@task(retries=1, retry_delay_seconds=1)
def flaky(x: int) -> int:
    if task_run.run_count <= 1:
        get_run_logger().warning("flaky: attempt %s fails on purpose", task_run.run_count)
        raise ValueError("first attempt fails")
    get_run_logger().info("flaky: attempt %s succeeds", task_run.run_count)
    return x * 10


@task
def mul(x: int, y: int) -> int:
    get_run_logger().info("mul(%s, %s)", x, y)
    return x * y


@flow(name="three-tasks")
def three_tasks(n: int = 3) -> dict:
    get_run_logger().info("flow starting with n=%s", n)
    futures = [add.submit(1, 2), flaky.submit(n), mul.submit(3, 4)]
    total = sum(f.result() for f in futures)
    get_run_logger().info("total=%s", total)
    return {"total": total}


if __name__ == "__main__":
    state = three_tasks(return_state=True)
    print("FINAL_STATE", state.type.value, state.name)
    print("FLOW_RUN_ID", state.state_details.flow_run_id)
    print("RESULT", state.result())
    sys.exit(0 if state.is_completed() else 1)
