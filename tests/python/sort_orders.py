"""Every `sort` of /flows, /flow_runs, /task_runs and /logs filter on a handful of rows with NULLs in the sorted
columns, and the 422 of an unknown sort: the same requests against any server, the answers printed as one JSON
object (rows by name, errors without the request body they echo), so Prefect's server and ours can be compared.
Usage: python sort_orders.py <api url>"""
import json
import sys
import uuid

import httpx

base = sys.argv[1].rstrip("/")
tag = uuid.uuid4().hex[:8]
client = httpx.Client(base_url=base, timeout=30)


def post(path, body):
    reply = client.post(path, json=body)
    assert reply.status_code in (200, 201), (path, reply.status_code, reply.text)
    return reply.json()


def scheduled(at):
    return {"type": "SCHEDULED", "state_details": {"scheduled_time": at}}


def advance(kind, run_id, *types):
    for state in types:
        post(f"/{kind}/{run_id}/set_state", {"state": {"type": state}, "force": True})


T1, T2, T3 = "2031-01-01T01:00:00Z", "2031-01-01T02:00:00Z", "2031-01-01T03:00:00Z"

# Flows: created b, a, c; then a is updated (UPDATED_DESC puts it first).
flows = {name: post("/flows/", {"name": f"{tag}-{name}"})["id"] for name in ["b", "a", "c"]}
assert client.patch(f"/flows/{flows['a']}", json={"tags": ["x"]}).status_code == 204
flow_id = flows["b"]

# Flow runs, in creation order: never started, scheduled later or earlier, running, finished at two times.
runs = {}
for name, state, then in [
    ("c", scheduled(T2), []),
    ("a", scheduled(T3), []),
    ("e", {"type": "PENDING"}, []),
    ("b", scheduled(T1), ["PENDING", "RUNNING"]),
    ("d", {"type": "PENDING"}, ["RUNNING", "COMPLETED"]),
    ("f", {"type": "PENDING"}, ["RUNNING", "FAILED"]),
]:
    runs[name] = post("/flow_runs/", {"flow_id": flow_id, "name": f"run-{name}", "state": state})["id"]
    advance("flow_runs", runs[name], *then)

# Task runs of one flow run, the same shapes.
for name, state, then in [
    ("c", scheduled(T2), []),
    ("a", scheduled(T3), []),
    ("e", {"type": "PENDING"}, []),
    ("b", scheduled(T1), ["PENDING", "RUNNING"]),
    ("d", {"type": "PENDING"}, ["RUNNING", "COMPLETED"]),
    ("f", {"type": "PENDING"}, ["RUNNING", "FAILED"]),
]:
    body = {"flow_run_id": runs["c"], "name": f"task-{name}", "task_key": name, "dynamic_key": "0",
            "state": state}
    advance("task_runs", post("/task_runs/", body)["id"], *then)

# Logs of one run, two at one timestamp.
logs = [("l2", T2), ("l1", T1), ("l3", T3), ("l2bis", T2)]
post("/logs/", [{"name": "sorts", "level": 20, "message": m, "timestamp": t, "flow_run_id": runs["a"]}
                for m, t in logs])

resources = {
    "flows": ("/flows/filter", {"flows": {"name": {"like_": tag}}}, lambda r: r["name"][len(tag) + 1:]),
    "flow_runs": ("/flow_runs/filter", {"flows": {"id": {"any_": [flow_id]}}}, lambda r: r["name"]),
    "task_runs": ("/task_runs/filter", {"flow_runs": {"id": {"any_": [runs["c"]]}}}, lambda r: r["name"]),
    "logs": ("/logs/filter", {"logs": {"flow_run_id": {"any_": [runs["a"]]}}}, lambda r: r["message"]),
}
sorts = {
    "flows": ["CREATED_DESC", "UPDATED_DESC", "NAME_ASC", "NAME_DESC"],
    "flow_runs": ["ID_DESC", "START_TIME_ASC", "START_TIME_DESC", "EXPECTED_START_TIME_ASC",
                  "EXPECTED_START_TIME_DESC", "NAME_ASC", "NAME_DESC", "NEXT_SCHEDULED_START_TIME_ASC",
                  "END_TIME_DESC"],
    "task_runs": ["ID_DESC", "EXPECTED_START_TIME_ASC", "EXPECTED_START_TIME_DESC", "NAME_ASC", "NAME_DESC",
                  "NEXT_SCHEDULED_START_TIME_ASC", "END_TIME_DESC"],
    "logs": ["TIMESTAMP_ASC", "TIMESTAMP_DESC"],
}
out = {}
for resource, (path, criteria, label) in resources.items():
    rows = post(path, criteria)
    answers = {"default": [label(r) for r in rows]}
    # Ids are random on Prefect's server and made in time order on ours: ID_DESC is compared with this.
    answers["ids, descending"] = [label(r) for r in sorted(rows, key=lambda r: r["id"], reverse=True)]
    for sort in sorts[resource]:
        answers[sort] = [label(r) for r in post(path, {**criteria, "sort": sort})]
    refused = client.post(path, json={**criteria, "sort": "BOGUS"})
    body = refused.json()
    if isinstance(body, dict):
        body.pop("request_body", None)
    answers["BOGUS"] = [refused.status_code, body]
    out[resource] = answers
print(json.dumps(out, indent=1, sort_keys=True))
