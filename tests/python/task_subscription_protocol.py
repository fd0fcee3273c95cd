"""The task-run subscription websocket spoken by hand: bad subscribe messages are closed with Prefect's code and
reason; a run not acknowledged is handed out again. Usage: task_subscription_protocol.py API_URL."""
import json
import sys
import uuid

import httpx
from websockets.sync.client import connect

api = sys.argv[1]
socket_url = api.replace("http://", "ws://") + "/task_runs/subscriptions/scheduled"


def subscribed(message):
    socket = connect(socket_url, subprotocols=["prefect"])
    socket.send(json.dumps({"type": "auth", "token": None}))
    assert json.loads(socket.recv())["type"] == "auth_success"
    socket.send(json.dumps(message))
    return socket


def closed(socket):
    try:
        socket.recv(timeout=10)
    except Exception:
        pass
    return f"{socket.close_code} {socket.close_reason}"


key = f"protocol-{uuid.uuid4().hex[:8]}"
print("NOT_SUBSCRIBE", closed(subscribed({"type": "hello"})))
print("NO_KEYS", closed(subscribed({"type": "subscribe", "keys": [], "client_id": "c1"})))
print("NO_CLIENT_ID", closed(subscribed({"type": "subscribe", "keys": [key]})))

created = httpx.post(f"{api}/task_runs/", json={
    "name": "by-hand", "task_key": key, "dynamic_key": "0",
    "state": {"type": "SCHEDULED", "state_details": {"deferred": True}},
})
run_id = created.json()["id"]
socket = subscribed({"type": "subscribe", "keys": [key], "client_id": "c2"})
first = json.loads(socket.recv(timeout=10))
print("DELIVERED", first["id"] == run_id, first["state"]["type"], first["state"]["state_details"]["deferred"])
socket.send(json.dumps({"type": "nope"}))
print("NOT_ACK", closed(socket))
socket = subscribed({"type": "subscribe", "keys": [key], "client_id": "c3"})
again = json.loads(socket.recv(timeout=10))
print("DELIVERED_AGAIN", again["id"] == run_id)
socket.send(json.dumps({"type": "ack"}))
workers = httpx.post(f"{api}/task_workers/filter", json={"task_worker_filter": {"task_keys": [key]}}).json()
print("WORKERS", [(w["identifier"], w["task_keys"] == [key]) for w in workers])
socket.close()
