"""Event -> automation firing latency at a steady event rate, against any Prefect-compatible server.

Makes a Reactive automation (threshold 1, within 0: every matching event fires it), posts `--rate` matching
events per second for `--seconds`, then reads back the `prefect.automation.triggered` events and reports, for
each firing, the time from the triggering event's `occurred` (stamped just before it was posted) to the
firing's `occurred` (when the triggers service fired). Run it against our server and Prefect's, side by side:

    python benches/trigger_latency.py http://127.0.0.1:4631/api
    python benches/trigger_latency.py http://127.0.0.1:4630/api
"""

import argparse
import datetime
import statistics
import time
import uuid

import httpx


def parse(ts: str) -> datetime.datetime:
    return datetime.datetime.fromisoformat(ts.replace("Z", "+00:00"))


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("api")
    parser.add_argument("--rate", type=float, default=100.0)
    parser.add_argument("--seconds", type=float, default=10.0)
    parser.add_argument("--settle", type=float, default=15.0, help="seconds to wait for the last firings")
    args = parser.parse_args()
    client = httpx.Client(base_url=args.api, timeout=30)
    tag = uuid.uuid4().hex[:8]
    name = f"bench.tick.{tag}"
    automation = client.post(
        "/automations/",
        json={
            "name": f"latency-{tag}",
            "trigger": {"type": "event", "posture": "Reactive", "expect": [name], "threshold": 1, "within": 0},
            "actions": [{"type": "do-nothing"}],
        },
    )
    automation.raise_for_status()
    automation_id = automation.json()["id"]
    time.sleep(2)  # let the service load it (Prefect's reloads on change; ours on the next event batch)
    total = int(args.rate * args.seconds)
    interval = 1.0 / args.rate
    started = time.monotonic()
    for i in range(total):
        due = started + i * interval
        pause = due - time.monotonic()
        if pause > 0:
            time.sleep(pause)
        event = {
            "id": str(uuid.uuid4()),
            "occurred": datetime.datetime.now(datetime.timezone.utc).isoformat(),
            "event": name,
            "resource": {"prefect.resource.id": f"bench.{i}"},
        }
        client.post("/events", json=[event]).raise_for_status()
    sent_for = time.monotonic() - started
    time.sleep(args.settle)
    body = {
        "limit": 50,
        "filter": {
            "event": {"name": ["prefect.automation.triggered"]},
            "resource": {"id": [f"prefect.automation.{automation_id}"]},
        },
    }
    page = client.post("/events/filter", json=body).json()
    firings = list(page["events"])
    while page.get("next_page"):
        page = client.get(page["next_page"]).json()
        firings.extend(page["events"])
    latencies = sorted(
        (parse(f["occurred"]) - parse(f["payload"]["triggering_event"]["occurred"])).total_seconds() * 1000
        for f in firings
        if f["payload"].get("triggering_event")
    )
    print(f"{args.api}: sent {total} events in {sent_for:.1f}s ({total / sent_for:.0f}/s), {len(firings)} firings")
    if latencies:
        q = statistics.quantiles(latencies, n=100) if len(latencies) > 1 else latencies * 99
        print(
            f"  event -> firing ms: p50 {q[49]:.0f}  p95 {q[94]:.0f}  p99 {q[98]:.0f}  max {latencies[-1]:.0f}"
        )
    client.delete(f"/automations/{automation_id}")


if __name__ == "__main__":
    main()
