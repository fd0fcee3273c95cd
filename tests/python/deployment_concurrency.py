"""Two runs of a served deployment with a concurrency limit of 1 and a collision strategy.

Usage: deployment_concurrency.py ENQUEUE|CANCEL_NEW (PREFECT_API_URL set). Starts `flow.serve()` of the
deployment in a child process, waits for it, creates two runs with `run_deployment(timeout=0)`, waits until
both are final, and prints one JSON line: each run's final state type and the names of the states it went
through, and whether the two were ever Running at once."""
import asyncio
import json
import os
import subprocess
import sys
import time

from prefect import flow
from prefect.client.orchestration import get_client
from prefect.client.schemas.objects import ConcurrencyLimitConfig
from prefect.deployments import run_deployment


@flow
def limited(seconds: float = 2.0):
    time.sleep(seconds)


async def main(strategy):
    name = f"limited-{strategy.lower().replace('_', '-')}"
    server = subprocess.Popen(
        [sys.executable, __file__, strategy, "serve"],
        env={**os.environ, "PREFECT_RUNNER_POLL_FREQUENCY": "1"},
    )
    try:
        async with get_client() as client:
            deadline = time.monotonic() + 60
            while True:
                try:
                    deployment = await client.read_deployment_by_name(f"limited/{name}")
                    break
                except Exception:
                    if time.monotonic() > deadline:
                        raise
                    await asyncio.sleep(0.5)
            runs = [
                await run_deployment(deployment.id, timeout=0, parameters={"seconds": 3})
                for _ in range(2)
            ]
            running_at_once = False
            deadline = time.monotonic() + 120
            while True:
                current = [await client.read_flow_run(r.id) for r in runs]
                if sum(1 for r in current if r.state.type.value == "RUNNING") > 1:
                    running_at_once = True
                if all(r.state.is_final() for r in current):
                    break
                if time.monotonic() > deadline:
                    raise TimeoutError([r.state for r in current])
                await asyncio.sleep(0.2)
            result = {"running_at_once": running_at_once, "runs": []}
            for run in current:
                states = await client.read_flow_run_states(run.id)
                result["runs"].append(
                    {"final": run.state.type.value, "states": [s.name for s in states]}
                )
            # Order-independent: the run that got the slot first.
            result["runs"].sort(key=lambda r: "AwaitingConcurrencySlot" in r["states"] or r["final"] == "CANCELLED")
            limit = await client.read_global_concurrency_limit_by_name(f"deployment:{deployment.id}")
            result["active_slots"] = limit.active_slots
            print(json.dumps(result))
    finally:
        server.terminate()
        server.wait(timeout=30)


if __name__ == "__main__":
    strategy = sys.argv[1]
    if sys.argv[2:] == ["serve"]:
        limited.serve(
            name=f"limited-{strategy.lower().replace('_', '-')}",
            global_limit=ConcurrencyLimitConfig(limit=1, collision_strategy=strategy),
        )
    else:
        asyncio.run(main(strategy))
