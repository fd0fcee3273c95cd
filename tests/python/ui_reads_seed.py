"""Seeds what the UI's read endpoints aggregate, through the official client: a flow with three tasks (the
second takes the first's result; the third fails, handled), a subflow and a flow-level artifact, a failing
flow, a deployment with two scheduled runs, a LocalFileSystem block (it can store results) and a Secret block
(it cannot). Prints the ids as JSON."""

import asyncio
import json
from datetime import datetime, timedelta, timezone

from prefect import flow, task, get_client
from prefect.artifacts import create_markdown_artifact
from prefect.blocks.system import Secret
from prefect.filesystems import LocalFileSystem
from prefect.client.schemas.actions import DeploymentScheduleCreate
from prefect.client.schemas.schedules import IntervalSchedule
from prefect.states import Scheduled


@task
def double(x):
    return 2 * x


@task
def explode():
    raise ValueError("boom")


@flow
def child():
    return double(5)


@flow
def parent():
    first = double(1)
    double(first)
    explode(return_state=True)
    create_markdown_artifact(key="report", markdown="# done")
    child()
    return "done"


@flow
def failing():
    raise RuntimeError("nope")


async def scheduled(flow_id):
    async with get_client() as client:
        deployment_id = await client.create_deployment(flow_id=flow_id, name="nightly")
        now = datetime.now(timezone.utc)
        runs = []
        for minutes in (30, 10):
            run = await client.create_flow_run_from_deployment(
                deployment_id, state=Scheduled(scheduled_time=now + timedelta(minutes=minutes))
            )
            runs.append(str(run.id))
        return str(deployment_id), runs


def main():
    parent_state = parent(return_state=True)
    failing(return_state=True)
    parent_run = parent_state.state_details.flow_run_id
    flow_id = asyncio.run(_flow_id(parent_run))
    deployment_id, runs = asyncio.run(scheduled(flow_id))
    storage = LocalFileSystem(basepath="/tmp/ui-reads-results").save("results", overwrite=True)
    secret = Secret(value="hush").save("hush", overwrite=True)
    print(json.dumps({"parent_run": str(parent_run), "flow_id": flow_id, "deployment_id": deployment_id,
                      "scheduled_runs": runs, "storage_block": str(storage), "secret_block": str(secret)}))


async def _flow_id(run_id):
    async with get_client() as client:
        return str((await client.read_flow_run(run_id)).flow_id)


if __name__ == "__main__":
    main()
