"""Seeds a running server (ours or Prefect's, on SQLite) for benches/pool_polling.sh: through the API a flow, a
process work pool, a deployment on it and one Scheduled template run; then, straight into the server's SQLite file
(in one transaction, both servers' tables having Prefect's columns), N copies of that run and of its state row,
with new ids and new scheduled times: DUE of them a few minutes in the past (what a poll returns), the rest one a
minute apart from tomorrow on (what a poll must skip). Every time in the copied rows, in whatever text form the
server stored it, is moved to the copy's own time.

usage: pool_polling.py API_URL DB_PATH N DUE      prints one JSON line: the pool name and what a poll returns
stdlib only (run it with any python3)."""
import datetime as dt
import json
import re
import sqlite3
import sys
import time
import urllib.error
import urllib.request
import uuid

api, db_path, total, due = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
POOL = "bench-pool"
TEMPLATE = dt.datetime(2030, 1, 1, tzinfo=dt.timezone.utc)


def call(method, path, body=None):
    data = None if body is None else json.dumps(body).encode()
    req = urllib.request.Request(api + path, data=data, method=method,
                                 headers={"Content-Type": "application/json"})
    try:
        with urllib.request.urlopen(req, timeout=120) as resp:
            text = resp.read()
    except urllib.error.HTTPError as e:
        sys.exit(f"{method} {path}: {e.code} {e.read().decode(errors='replace')}")
    return json.loads(text) if text else None


flow = call("POST", "/flows/", {"name": "bench-flow"})
call("POST", "/work_pools/", {"name": POOL, "type": "process"})
deployment = call("POST", "/deployments/", {"name": "bench", "flow_id": flow["id"], "work_pool_name": POOL,
                                          "parameter_openapi_schema": {"type": "object", "properties": {}}})
template = call("POST", f"/deployments/{deployment['id']}/create_flow_run", {
    "state": {"type": "SCHEDULED", "name": "Scheduled",
              "state_details": {"scheduled_time": TEMPLATE.isoformat().replace("+00:00", "Z")}},
})

# The template's time in any stored form: "2030-01-01 00:00:00", "2030-01-01T00:00:00.000000Z", "+00:00", ...
STAMP = re.compile(r"2030-01-01([ T])00:00:00(\.0+)?(Z|\+00:00|\+00)?")


def retime(value, when):
    if not isinstance(value, str) or "2030-01-01" not in value:
        return value

    def one(m):
        text = when.strftime("%Y-%m-%d") + m.group(1) + when.strftime("%H:%M:%S")
        return text + (m.group(2) or "") + (m.group(3) or "")

    return STAMP.sub(one, value)


def retimed(row, when, replace):
    return tuple(replace.get(k, retime(v, when)) for k, v in row.items())


now = dt.datetime.now(dt.timezone.utc).replace(microsecond=0)
started = time.monotonic()
db = sqlite3.connect(db_path, timeout=60)
db.row_factory = sqlite3.Row
run_row = dict(db.execute("SELECT * FROM flow_run WHERE id = ?", (template["id"],)).fetchone())
state_row = dict(db.execute("SELECT * FROM flow_run_state WHERE id = ?", (run_row["state_id"],)).fetchone())
runs, states = [], []
for i in range(total):
    if i < due:
        when = now - dt.timedelta(minutes=due - i)
    else:
        when = now + dt.timedelta(days=1, minutes=i)
    run_id, state_id = str(uuid.uuid4()), str(uuid.uuid4())
    runs.append(retimed(run_row, when, {"id": run_id, "name": f"bench-{i}", "state_id": state_id}))
    state = retimed(state_row, when, {"id": state_id, "flow_run_id": run_id})
    states.append(tuple(v.replace(template["id"], run_id) if isinstance(v, str) else v for v in state))
with db:
    db.execute("DELETE FROM flow_run_state WHERE flow_run_id = ?", (template["id"],))
    db.execute("DELETE FROM flow_run WHERE id = ?", (template["id"],))
    db.executemany(f"INSERT INTO flow_run ({', '.join(run_row)}) VALUES ({', '.join('?' * len(run_row))})", runs)
    db.executemany(f"INSERT INTO flow_run_state ({', '.join(state_row)}) VALUES ({', '.join('?' * len(state_row))})",
                   states)
seeded = time.monotonic() - started
db.close()

before = (now + dt.timedelta(hours=1)).isoformat()
polled = call("POST", f"/work_pools/{POOL}/get_scheduled_flow_runs", {"scheduled_before": before, "work_queue_names": []})
count = call("POST", "/flow_runs/count", {"flow_runs": {"state": {"type": {"any_": ["SCHEDULED"]}}}})
print(json.dumps({"pool": POOL, "scheduled_before": before, "scheduled_runs": count, "poll_returns": len(polled),
                  "poll_state_types": sorted({r["flow_run"]["state_type"] for r in polled}),
                  "seed_seconds": round(seeded, 2)}))
