"""Runs the served deployment `hello/svc` from inside a flow with `run_deployment()`: the deployment's run is a
subflow of this one (its parent task run is this flow's placeholder task). Prints one JSON line: the child's final
state, its parameters, and whether its parent task run belongs to this flow run."""

import json

from prefect import flow, get_client
from prefect.context import get_run_context
from prefect.deployments import run_deployment


@flow
def parent():
    child = run_deployment("hello/svc", parameters={"name": "from-parent"}, timeout=120)
    me = get_run_context().flow_run.id
    with get_client(sync_client=True) as client:
        task_run = client.read_task_run(child.parent_task_run_id) if child.parent_task_run_id else None
    return {
        "state": child.state.type.value if child.state else None,
        "parameters": child.parameters,
        "parent_is_this_flow": task_run is not None and task_run.flow_run_id == me,
    }


if __name__ == "__main__":
    print(json.dumps(parent()))
