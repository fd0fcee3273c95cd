"""Subscribes to /api/events/out with the `prefect` handshake, then creates a flow and a flow run over HTTP and
prints the first event received (or why the socket was closed). Usage: subscribe_events.py API_URL TOKEN|-"""
import asyncio
import json
import sys
import urllib.request

import websockets


def post(api, path, body, token):
    headers = {"Content-Type": "application/json"}
    if token:
        import base64
        headers["Authorization"] = "Basic " + base64.b64encode(token.encode()).decode()
    request = urllib.request.Request(api + path, json.dumps(body).encode(), headers)
    return json.load(urllib.request.urlopen(request))


async def main(api, token):
    ws_url = api.replace("http://", "ws://") + "/events/out"
    try:
        async with websockets.connect(ws_url, subprotocols=["prefect"]) as ws:
            await ws.send(json.dumps({"type": "auth", "token": token}))
            print("AUTH", json.loads(await ws.recv())["type"])
            await ws.send(json.dumps({"type": "filter", "filter": {"event": {"prefix": ["prefect.flow-run."]}}}))
            flow = post(api, "/flows/", {"name": "subscribed"}, token)
            post(api, "/flow_runs/", {"flow_id": flow["id"]}, token)
            message = json.loads(await asyncio.wait_for(ws.recv(), 10))
            print("EVENT", message["type"], message["event"]["event"])
    except websockets.exceptions.ConnectionClosed as closed:
        print("CLOSED", closed.rcvd.code if closed.rcvd else None, closed.rcvd.reason if closed.rcvd else "")


asyncio.run(main(sys.argv[1], None if sys.argv[2] == "-" else sys.argv[2]))
