"""S2: a flow that fails; prints its final state and message."""
import sys

from prefect import flow, get_run_logger, task


@task
def ok() -> int:
    return 1


@flow(name="failing-flow")
def failing_flow() -> None:
    get_run_logger().info("about to fail")
    ok()
    raise RuntimeError("this flow fails on purpose")


if __name__ == "__main__":
    state = failing_flow(return_state=True)
    print("FINAL_STATE", state.type.value, state.name)
    print("FLOW_RUN_ID", state.state_details.flow_run_id)
    print("MESSAGE", state.message)
    sys.exit(0 if state.is_failed() else 1)
