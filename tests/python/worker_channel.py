"""The worker channel (WS /work_pools/{name}/workers/connect) spoken by hand, every server frame checked with
Prefect's own protocol models: hello -> ready (with the initial snapshot), a heartbeat, a pool change -> a
snapshot, the pool deleted -> closed; and the closes Prefect answers bad setups with.
Usage: python worker_channel.py <api url> <pool name>   (the pool must exist; it is deleted at the end)"""
import asyncio
import json
import sys
import uuid
from datetime import datetime, timezone

import httpx
import websockets
from prefect.client.schemas.worker_channel import (
    WorkerReadyFrame,
    WorkPoolSnapshotFrame,
    validate_worker_channel_frame,
)

api, pool = sys.argv[1], sys.argv[2]
ws_url = api.replace("http://", "ws://") + f"/work_pools/{{}}/workers/connect"
consumer = str(uuid.uuid4())


def frame(kind, payload):
    return json.dumps({"type": kind, "id": str(uuid.uuid4()), "sent_at": datetime.now(timezone.utc).isoformat(),
                       "payload": payload})


def hello(**overrides):
    payload = {
        "consumer_id": consumer, "worker_name": "hand-worker", "worker_type": "process",
        "heartbeat_interval_seconds": 7, "supported_channel_versions": ["work_pool_worker_channel.v1"],
        "requested_capabilities": ["worker_heartbeat.v1", "work_pool_snapshot.v1", "cleanup_delivery.v1"],
        "work_queue_names": [], "create_pool_if_not_found": False, "default_base_job_template": {},
    }
    payload.update(overrides)
    return frame("worker.hello.v1", payload)


async def opened(name):
    socket = await websockets.connect(ws_url.format(name), subprotocols=["prefect"])
    await socket.send(json.dumps({"type": "auth", "token": None}))
    assert json.loads(await socket.recv()) == {"type": "auth_success"}
    return socket


async def closed_with(name, first, code, reason):
    socket = await opened(name)
    await socket.send(first)
    try:
        message = await asyncio.wait_for(socket.recv(), 10)
        raise AssertionError(f"expected a close, got {message}")
    except websockets.ConnectionClosed as closed:
        assert (closed.rcvd.code, closed.rcvd.reason) == (code, reason), (closed.rcvd, code, reason)


async def main():
    socket = await opened(pool)
    await socket.send(hello())
    ready = validate_worker_channel_frame(json.loads(await socket.recv()))
    assert isinstance(ready, WorkerReadyFrame), ready
    assert ready.payload.rejected_capabilities == ["cleanup_delivery.v1"], ready.payload
    assert ready.payload.effective_heartbeat_interval_seconds == 7
    assert [q.name for q in ready.payload.resolved_work_queues] == ["default"]
    assert ready.payload.initial_snapshot.work_pool.name == pool
    assert ready.payload.initial_snapshot.work_pool.status.value == "READY"
    await socket.send(frame("worker.heartbeat.v1", {"consumer_id": consumer, "worker_name": "hand-worker",
                                                    "heartbeat_interval_seconds": 7}))
    httpx.patch(f"{api}/work_pools/{pool}", json={"is_paused": True}).raise_for_status()
    snapshot = validate_worker_channel_frame(json.loads(await asyncio.wait_for(socket.recv(), 10)))
    assert isinstance(snapshot, WorkPoolSnapshotFrame), snapshot
    assert snapshot.payload.snapshot_sequence == 2 and snapshot.payload.reason == "work_pool_updated"
    assert snapshot.payload.work_pool.is_paused
    workers = httpx.post(f"{api}/work_pools/{pool}/workers/filter", json={}).json()
    assert [(w["name"], w["heartbeat_interval_seconds"]) for w in workers] == [("hand-worker", 7)], workers
    # A heartbeat for another worker on this channel is a protocol error.
    await socket.send(frame("worker.heartbeat.v1", {"consumer_id": consumer, "worker_name": "someone-else",
                                                    "heartbeat_interval_seconds": 7}))
    try:
        await asyncio.wait_for(socket.recv(), 10)
        raise AssertionError("expected a close")
    except websockets.ConnectionClosed as closed:
        assert (closed.rcvd.code, closed.rcvd.reason) == (1002, "protocol_error"), closed.rcvd

    await closed_with(pool, json.dumps({"type": "nope"}), 1002, "protocol_error")
    await closed_with(pool, hello(supported_channel_versions=["v0"]), 1008, "unsupported_version")
    await closed_with(pool, hello(work_queue_names=["nope"]), 1008, "authorization_failed")
    await closed_with(pool + "-missing", hello(), 1008, "authorization_failed")

    # A channel open when its pool is deleted is closed.
    socket = await opened(pool)
    await socket.send(hello())
    await socket.recv()
    httpx.delete(f"{api}/work_pools/{pool}").raise_for_status()
    try:
        await asyncio.wait_for(socket.recv(), 10)
        raise AssertionError("expected a close")
    except websockets.ConnectionClosed as closed:
        assert (closed.rcvd.code, closed.rcvd.reason) == (1008, "authorization_failed"), closed.rcvd
    # Without the subprotocol the channel is refused.
    try:
        await websockets.connect(ws_url.format(pool))
        raise AssertionError("expected a refusal")
    except websockets.InvalidStatus as refused:
        assert refused.response.status_code == 403
    print("ok")


asyncio.run(main())
