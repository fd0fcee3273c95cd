"""A flow of N tagged tasks (default 300) submitted at once under a tag limit the caller created
(`prefect concurrency-limit create bench-tag 10`). Prints one JSON line: the flow's final state, its wall time, and
the most tasks that ran at once."""
import json
import sys
import threading
import time

from prefect import flow, task

running = 0
most_at_once = 0
lock = threading.Lock()


@task(tags=["bench-tag"])
def tagged(i: int) -> int:
    global running, most_at_once
    with lock:
        running += 1
        most_at_once = max(most_at_once, running)
    time.sleep(0.05)  # long enough for the limit to matter
    with lock:
        running -= 1
    return i


@flow(name="tagged-tasks-under-a-limit")
def tagged_tasks(n: int) -> int:
    return sum(f.result() for f in [tagged.submit(i) for i in range(n)])


if __name__ == "__main__":
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 300
    started = time.monotonic()
    state = tagged_tasks(n, return_state=True)
    print(json.dumps({"state": state.type.value, "wall_seconds": round(time.monotonic() - started, 2),
                      "most_at_once": most_at_once}))
