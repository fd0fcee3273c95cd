"""The objects the UI test's pages show, made by the official client: a flow run that completes (with tasks, logs
and an artifact), one that fails, a work pool with a deployment, a variable, a block and, when the server serves
automations, an automation. Prints one JSON line with their ids and names."""
import json
import sys

import httpx
from prefect import flow, task, get_run_logger
from prefect.artifacts import create_markdown_artifact
from prefect.blocks.system import Secret
from prefect.client.orchestration import get_client
from prefect.client.schemas.actions import WorkPoolCreate
from prefect.variables import Variable


@task
def add(x: int, y: int) -> int:
    return x + y


@flow(name="ui-flow-completes")
def completes(n: int = 3) -> int:
    get_run_logger().info("adding up %d numbers", n)
    total = sum(add.submit(i, 1).result() for i in range(n))
    create_markdown_artifact(key="ui-report", markdown=f"# Total: {total}")
    return total


@flow(name="ui-flow-fails")
def fails() -> None:
    raise ValueError("this flow fails on purpose")


def main():
    completed = completes(return_state=True)
    failed = fails(return_state=True)
    Variable.set("ui_variable", "hello ui", overwrite=True)
    Secret(value="s3cret").save("ui-secret", overwrite=True)
    with get_client(sync_client=True) as client:
        pool = client.create_work_pool(WorkPoolCreate(name="ui-pool", type="process"), overwrite=True)
        flow_id = client.read_flow_by_name("ui-flow-completes").id
        deployment_id = client.create_deployment(
            flow_id=flow_id,
            name="ui-deployment",
            work_pool_name="ui-pool",
            entrypoint="flows.py:completes",
            parameter_openapi_schema={
                "type": "object",
                "properties": {"n": {"type": "integer", "default": 3, "title": "n"}},
            },
            tags=["ui"],
        )
        completed_run = client.read_flow_run(completed.state_details.flow_run_id)
        task_runs = client.read_task_runs()
        task_run = next(t for t in task_runs if t.flow_run_id == completed_run.id)
        automation_id = None
        try:
            response = httpx.post(
                f"{client.api_url}automations/",
                json={
                    "name": "ui-automation",
                    "trigger": {
                        "type": "event",
                        "match": {"prefect.resource.id": "prefect.flow-run.*"},
                        "expect": ["prefect.flow-run.Failed"],
                        "posture": "Reactive",
                        "threshold": 1,
                        "within": 0,
                    },
                    "actions": [{"type": "do-nothing"}],
                },
            )
            if response.status_code == 201:
                automation_id = response.json()["id"]
        except httpx.HTTPError:
            pass
    print(json.dumps({
        "completed_run": str(completed_run.id),
        "completed_run_name": completed_run.name,
        "failed_run": str(failed.state_details.flow_run_id),
        "flow_id": str(flow_id),
        "deployment_id": str(deployment_id),
        "work_pool": pool.name,
        "task_run": str(task_run.id),
        "task_run_name": task_run.name,
        "automation_id": automation_id,
    }))


if __name__ == "__main__":
    sys.exit(main())
