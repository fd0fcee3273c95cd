"""By-hand comparison of the work pool, queue and worker API with Prefect's own server: the same requests against
both, answers printed with ids and times scrubbed, to be diffed.
Usage: python compare_work_pools_api.py <api url> <fresh pool name prefix>"""
import datetime as dt
import json
import re
import sys

import httpx

base, P = sys.argv[1], sys.argv[2]


class C:
    def __getattr__(self, m):
        return lambda path, **kw: getattr(httpx, m)(base + path, **kw)


c = C()


def show(label, r):
    try:
        body = r.json()
    except Exception:
        body = r.text
    if isinstance(body, dict) and "request_body" in body:
        body.pop("request_body")
    text = json.dumps(body, sort_keys=True)
    text = re.sub(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}", "<ID>", text)
    text = re.sub(r"\d{4}-\d\d-\d\dT[\d:.]+(Z|\+00:00)", "<T>", text)
    print(label, r.status_code, text)
    return body


show("create", c.post("/work_pools/", json={"name": P, "type": "process"}))
show("dup", c.post("/work_pools/", json={"name": P}))
show("reserved", c.post("/work_pools/", json={"name": "prefect-" + P}))
show("empty name", c.post("/work_pools/", json={"name": " ''"}))
show("bad name", c.post("/work_pools/", json={"name": "a%b"}))
show("no template vars", c.post("/work_pools/", json={"name": P + "x", "base_job_template": {"job_configuration": {"a": "{{ b }}"}, "variables": {"properties": {"c": {}}}}}))
show("half template", c.post("/work_pools/", json={"name": P + "x", "base_job_template": {"variables": {}}}))
show("extra", c.post("/work_pools/", json={"name": P + "x", "nope": 1}))
show("bad storage", c.post("/work_pools/", json={"name": P + "x", "storage_configuration": {"nope": 1}}))
show("read", c.get(f"/work_pools/{P}"))
show("missing", c.get(f"/work_pools/{P}-nope"))
show("pause", c.patch(f"/work_pools/{P}", json={"is_paused": True, "concurrency_limit": 2}))
show("paused", c.get(f"/work_pools/{P}"))
show("resume", c.patch(f"/work_pools/{P}", json={"is_paused": False}))
show("resumed", c.get(f"/work_pools/{P}"))
show("null paused", c.patch(f"/work_pools/{P}", json={"is_paused": None}))
show("patch extra", c.patch(f"/work_pools/{P}", json={"name": "x"}))
show("filter", c.post("/work_pools/filter", json={"work_pools": {"name": {"any_": [P]}}}))
show("count", c.post("/work_pools/count", json={"work_pools": {"name": {"any_": [P]}}}))
show("q create", c.post(f"/work_pools/{P}/queues", json={"name": "q2"}))
show("q dup", c.post(f"/work_pools/{P}/queues", json={"name": "q2"}))
show("q first", c.post(f"/work_pools/{P}/queues", json={"name": "q1", "priority": 1}))
show("q bad priority", c.post(f"/work_pools/{P}/queues", json={"name": "q0", "priority": 0}))
show("q bad name", c.post(f"/work_pools/{P}/queues", json={"name": "a/b"}))
show("q no pool", c.post(f"/work_pools/{P}-nope/queues", json={"name": "q"}))
show("q list", c.post(f"/work_pools/{P}/queues/filter", json={}))
show("q read", c.get(f"/work_pools/{P}/queues/q2"))
show("q missing", c.get(f"/work_pools/{P}/queues/nope"))
show("q pause", c.patch(f"/work_pools/{P}/queues/q2", json={"is_paused": True, "concurrency_limit": 1}))
show("q paused", c.get(f"/work_pools/{P}/queues/q2"))
show("q priority", c.patch(f"/work_pools/{P}/queues/q2", json={"priority": 1}))
show("q list 2", c.post(f"/work_pools/{P}/queues/filter", json={}))
show("q delete", c.delete(f"/work_pools/{P}/queues/q1"))
show("q delete missing", c.delete(f"/work_pools/{P}/queues/q1"))
show("hb", c.post(f"/work_pools/{P}/workers/heartbeat", json={"name": "w", "heartbeat_interval_seconds": 10}))
show("hb no name", c.post(f"/work_pools/{P}/workers/heartbeat", json={}))
show("ready", c.get(f"/work_pools/{P}"))
show("workers", c.post(f"/work_pools/{P}/workers/filter", json={"workers": {"status": {"any_": ["ONLINE"]}}}))
show("workers bad status", c.post(f"/work_pools/{P}/workers/filter", json={"workers": {"status": {"any_": ["NOPE"]}}}))
show("worker delete missing", c.delete(f"/work_pools/{P}/workers/nope"))
flow = c.post("/flows/", json={"name": P + "-flow"}).json()
when = (dt.datetime.now(dt.timezone.utc) - dt.timedelta(minutes=1)).isoformat()
scheduled = {"type": "SCHEDULED", "name": "Scheduled", "state_details": {"scheduled_time": when}}
run = show("run in pool", c.post("/flow_runs/", json={"flow_id": flow["id"], "work_pool_name": P, "state": scheduled}))
show("run no pool", c.post("/flow_runs/", json={"flow_id": flow["id"], "work_pool_name": P + "-nope"}))
show("run no queue", c.post("/flow_runs/", json={"flow_id": flow["id"], "work_pool_name": P, "work_queue_name": "nope"}))
polled = show("poll", c.post(f"/work_pools/{P}/get_scheduled_flow_runs", json={"work_queue_names": []}))
show("poll keys", httpx.Response(200, json=sorted(polled[0]["flow_run"]) if polled else []))
show("poll bad queue", c.post(f"/work_pools/{P}/get_scheduled_flow_runs", json={"work_queue_names": ["nope"]}))
show("poll bad limit", c.post(f"/work_pools/{P}/get_scheduled_flow_runs", json={"limit": 500}))
show("labels", c.patch(f"/flow_runs/{run['id']}/labels", json={"a": "b"}))
default = c.get(f"/work_pools/{P}").json()["default_queue_id"]
show("legacy read", c.get(f"/work_queues/{default}"))
show("legacy status", c.get(f"/work_queues/{default}/status"))
show("legacy runs", c.post(f"/work_queues/{default}/get_runs", json={}, headers={"x-prefect-ui": "true"}))
show("legacy delete default", c.delete(f"/work_queues/{default}"))
show("legacy missing", c.get("/work_queues/00000000-0000-4000-8000-000000000000"))
show("legacy missing status", c.get("/work_queues/00000000-0000-4000-8000-000000000000/status"))
show("legacy missing runs", c.post("/work_queues/00000000-0000-4000-8000-000000000000/get_runs", json={}))
show("legacy name", c.get(f"/work_queues/name/{P}-nope"))
show("delete reserved", c.delete("/work_pools/prefect-x"))
show("delete", c.delete(f"/work_pools/{P}"))
show("delete again", c.delete(f"/work_pools/{P}"))
