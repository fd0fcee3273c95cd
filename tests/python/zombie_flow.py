"""A flow that says its run id and then hangs: the zombies test SIGKILLs it after its first heartbeat.
Usage: zombie_flow.py (PREFECT_API_URL set)."""
import time

from prefect import flow
from prefect.runtime import flow_run


@flow(retries=0)
def hangs():
    print("RUN", flow_run.id, flush=True)
    time.sleep(600)


hangs()
