"""The work pool types the client finds (its own workers and the server's worker metadata view), and the default
job template of one it knows only from the view: what the CLI reads before it creates a work pool."""
import asyncio

from prefect.workers.utilities import (
    get_available_work_pool_types,
    get_default_base_job_template_for_infrastructure_type,
)

print("TYPES", asyncio.run(get_available_work_pool_types()))
template = asyncio.run(get_default_base_job_template_for_infrastructure_type("cloud-run-v2"))
print("CLOUD_RUN_V2", sorted(template["variables"]["properties"])[:5])
