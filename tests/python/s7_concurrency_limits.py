"""S7: concurrency limits as a flow uses them. Tagged tasks without a limit; ten tasks submitted at once under
the tag limit `limited` (the test creates it with `prefect concurrency-limit create limited 2`), each recording
when it ran; `concurrency("gcl-occupy", occupy=1)` and `rate_limit("gcl-rate")` against limits the test made
with `prefect gcl create`. Prints one JSON line: the final states and the most tasks that ran at once."""
import json
import threading
import time

from prefect import flow, tags, task
from prefect.concurrency.sync import concurrency, rate_limit

running = 0
most_at_once = 0
lock = threading.Lock()


@task(tags=["free-tag"])
def free(x: int) -> int:
    return x + 1


@task(tags=["limited"])
def bounded(x: int) -> int:
    global running, most_at_once
    with lock:
        running += 1
        most_at_once = max(most_at_once, running)
    time.sleep(0.3)
    with lock:
        running -= 1
    return x


@flow(name="tagged-no-limit")
def tagged_no_limit() -> int:
    with tags("context-tag"):
        futures = [free.submit(i) for i in range(3)]
    return sum(f.result() for f in futures)


@flow(name="tag-limit-of-two")
def tag_limit_of_two() -> list:
    futures = [bounded.submit(i) for i in range(10)]
    return [f.result() for f in futures]


@flow(name="global-limits")
def global_limits() -> int:
    with concurrency("gcl-occupy", occupy=1):
        pass
    for _ in range(3):
        rate_limit("gcl-rate")
    return 1


if __name__ == "__main__":
    result = {}
    for name, fn in [
        ("no_limit", tagged_no_limit),
        ("tag_limit", tag_limit_of_two),
        ("global", global_limits),
    ]:
        state = fn(return_state=True)
        result[name] = state.type.value
    result["most_at_once"] = most_at_once
    print(json.dumps(result))
