"""`flow.from_source(source=<project dir>, entrypoint=...).deploy(...)` for the worker end-to-end tests.
usage: e2e_from_source.py PROJECT_DIR ENTRYPOINT DEPLOYMENT_NAME WORK_POOL; prints the deployment id."""
import sys

from prefect import flow

source, entrypoint, name, pool = sys.argv[1:5]
deployment_id = flow.from_source(source=source, entrypoint=entrypoint).deploy(
    name=name, work_pool_name=pool, print_next_steps=False, ignore_warnings=True
)
print(deployment_id)
