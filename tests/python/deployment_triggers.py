"""A deployment with a trigger, applied twice as `.deploy()` / `serve()` apply it: the second apply deletes the
automation the deployment owns (`owned-by`) and makes it again. Prints what `related-to` then shows."""
import asyncio

from prefect import flow
from prefect.client.orchestration import get_client
from prefect.events import DeploymentEventTrigger


@flow
def hello() -> None:
    pass


async def main() -> None:
    trigger = DeploymentEventTrigger(expect={"my.event"}, parameters={"x": "{{ event.id }}"})
    deployment = await hello.to_deployment("with-trigger", triggers=[trigger])
    await deployment.apply()
    deployment_id = await deployment.apply()
    async with get_client() as client:
        related = await client.read_resource_related_automations(f"prefect.deployment.{deployment_id}")
        print("RELATED", [(a.name, a.actions[0].type, str(a.actions[0].deployment_id) == str(deployment_id)) for a in related])
        print("ALL", len(await client.read_automations()))


asyncio.run(main())
