"""Sends the events in the JSON list on stdin to /api/events/in with the `prefect` handshake, in order, then
closes the socket. Usage: send_events.py API_URL < events.json"""
import asyncio
import json
import sys

import websockets


async def main(api):
    events = json.load(sys.stdin)
    ws_url = api.replace("http://", "ws://") + "/events/in"
    async with websockets.connect(ws_url, subprotocols=["prefect"]) as ws:
        await ws.send(json.dumps({"type": "auth", "token": None}))
        print("AUTH", json.loads(await ws.recv())["type"])
        for event in events:
            await ws.send(json.dumps(event))
    print("SENT", len(events))


asyncio.run(main(sys.argv[1]))
