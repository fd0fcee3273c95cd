"""Writes the block types and schemas a fresh Prefect server installs at start (its protected system blocks, the
blocks its client registry knows and those of its collections) to prefect_blocks.json, which prefect-rs installs
at start in the same way. Run against Prefect's own server, started with an empty PREFECT_HOME:

    prefect server start --port 4200 &
    PREFECT_API_URL=http://127.0.0.1:4200/api python dump_prefect_blocks.py > prefect_blocks.json
"""
import json
import sys

import httpx
import prefect
from prefect.settings import PREFECT_API_URL

api = PREFECT_API_URL.value()
types = httpx.post(f"{api}/block_types/filter", json={}).json()
schemas = httpx.post(f"{api}/block_schemas/filter", json={}).json()
slug_of = {t["id"]: t["slug"] for t in types}
keep = ["name", "slug", "logo_url", "documentation_url", "description", "code_example", "is_protected"]
json.dump(
    {
        "prefect_version": prefect.__version__,
        "block_types": [{k: t[k] for k in keep} for t in types],
        # Oldest first, as Prefect made them.
        "block_schemas": [
            {
                "block_type_slug": slug_of[s["block_type_id"]],
                "checksum": s["checksum"],
                "fields": s["fields"],
                "capabilities": s["capabilities"],
                "version": s["version"],
            }
            for s in reversed(schemas)
        ],
    },
    sys.stdout,
    indent=1,
)
