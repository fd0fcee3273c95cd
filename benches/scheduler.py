"""Scheduler benchmark driver: how long a server's scheduler takes to give N deployments with interval
schedules their `min_runs` scheduled runs.

Against a server already running on SQLite (its database file given) with the scheduler on:
  1. creates a flow and N deployments, each paused, with one hourly interval schedule (a fixed anchor), through
     the API (`POST /deployments/`); on a server without that route, with SQL into the same tables;
  2. checks that nothing is scheduled yet, then unpauses every deployment in one SQL statement;
  3. counts Scheduled runs (`POST /flow_runs/count`) every few milliseconds until there are N * MIN_RUNS.
Prints one JSON line: the seconds from the unpause to the last run, and the counts.

usage: python3 benches/scheduler.py API_URL DB_FILE [N] [MIN_RUNS]
Stdlib only, so either server's Python can run it.
"""

import json
import sqlite3
import sys
import time
import urllib.error
import urllib.request
import uuid
from datetime import datetime, timezone

api, db_file = sys.argv[1], sys.argv[2]
count = int(sys.argv[3]) if len(sys.argv) > 3 else 1000
min_runs = int(sys.argv[4]) if len(sys.argv) > 4 else 3
SCHEDULE = {"interval": 3600, "anchor_date": "2026-01-01T00:00:00Z", "timezone": "UTC"}


def call(method, path, body=None):
    """One request; a 503 (Prefect's SQLite answers "database is locked" so) is tried again."""
    data = None if body is None else json.dumps(body).encode()
    for attempt in range(100):
        request = urllib.request.Request(
            api + path, data=data, method=method, headers={"Content-Type": "application/json"}
        )
        try:
            with urllib.request.urlopen(request, timeout=60) as response:
                text = response.read()
                return response.status, json.loads(text) if text else None
        except urllib.error.HTTPError as e:
            if e.code != 503:
                return e.code, e.read().decode()
        time.sleep(0.05)
    raise SystemExit(f"{method} {path}: 503 a hundred times")


def scheduled():
    status, value = call(
        "POST", "/flow_runs/count", {"flow_runs": {"state": {"type": {"any_": ["SCHEDULED"]}}}}
    )
    assert status == 200, value
    return value


status, flow = call("POST", "/flows/", {"name": "bench-scheduler"})
assert status in (200, 201), flow
flow_id = flow["id"]

made_with = "api"
for i in range(count):
    status, body = call(
        "POST",
        "/deployments/",
        {"name": f"bench-{i}", "flow_id": flow_id, "paused": True, "schedules": [{"schedule": SCHEDULE}]},
    )
    if status == 404 and i == 0:
        made_with = "sql"
        break
    assert status in (200, 201), body

if made_with == "sql":
    now = datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.%fZ")
    with sqlite3.connect(db_file, timeout=30) as conn:
        for i in range(count):
            deployment = str(uuid.uuid4())
            conn.execute(
                "INSERT INTO deployment (id, created, updated, name, flow_id, paused) VALUES (?, ?, ?, ?, ?, 1)",
                (deployment, now, now, f"bench-{i}", flow_id),
            )
            conn.execute(
                "INSERT INTO deployment_schedule (id, created, updated, deployment_id, schedule, active) "
                "VALUES (?, ?, ?, ?, ?, 1)",
                (str(uuid.uuid4()), now, now, deployment, json.dumps(SCHEDULE)),
            )

time.sleep(1.0)
assert scheduled() == 0, "paused deployments got runs"

with sqlite3.connect(db_file, timeout=30) as conn:
    conn.execute("UPDATE deployment SET paused = 0")
started = time.perf_counter()
expected = count * min_runs
seen = 0
while seen < expected:
    if time.perf_counter() - started > 600:
        raise SystemExit(f"timed out with {seen} of {expected} runs")
    time.sleep(0.005)
    seen = scheduled()
elapsed = time.perf_counter() - started
time.sleep(2.0)
after = scheduled()
print(
    json.dumps(
        {"deployments": count, "made_with": made_with, "expected_runs": expected, "seconds": elapsed,
         "runs_after_2s_more": after}
    )
)
