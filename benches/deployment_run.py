"""`prefect deployment run` → the run is Running under the official process worker: where the time goes, and the
server's share of it, for benches/deployment_run.sh (one server per call; the shell script runs both).

Every Python process of the scenario (the `prefect deployment run` CLI, `prefect worker start`, the flow-run process
the worker starts) loads a sitecustomize that times each HTTP request the Prefect client sends (httpx's
Client.send/AsyncClient.send: the server's time plus loopback) into BENCH_TRACE_DIR/<pid>.jsonl. Per run:
  create    the CLI's POST /deployments/{id}/create_flow_run
  poll wait from its answer to the start of the worker's poll that returned the run (the poll interval: excluded)
  pickup    from that poll to the Running state the flow-run process set (the worker's Pending, the process start,
            the engine's own calls)
  server    the time some traced request was in flight during create + pickup (union of intervals): the
            server's share of the latency the worker's poll interval aside
usage: python deployment_run.py API_URL WORKDIR RUNS      (the venv's python); prints one JSON line.
This file is also the hook sitecustomize loads (install()), so its top level imports only the standard library."""
import json
import os
import sys
import time


def install():
    """Wraps httpx's send methods to append one JSON line per request to BENCH_TRACE_DIR/<pid>.jsonl."""
    import httpx

    out = open(os.path.join(os.environ["BENCH_TRACE_DIR"], f"{os.getpid()}.jsonl"), "a", buffering=1)

    def record(request, response, start, end):
        rec = {"pid": os.getpid(), "method": request.method, "path": request.url.path, "start": start, "end": end,
               "status": response.status_code}
        try:
            if request.url.path.endswith("/set_state"):
                rec["state"] = json.loads(request.content)["state"]["type"]
            elif request.url.path.endswith("/get_scheduled_flow_runs"):
                rec["runs"] = [r["flow_run"]["id"] for r in response.json()]
            elif request.url.path.endswith("/create_flow_run"):
                rec["run"] = response.json()["id"]
        except Exception:  # a streamed or unexpected answer: timed, not parsed
            pass
        out.write(json.dumps(rec) + "\n")

    original_async, original_sync = httpx.AsyncClient.send, httpx.Client.send

    async def send_async(self, request, *args, **kwargs):
        start = time.time()
        response = await original_async(self, request, *args, **kwargs)
        record(request, response, start, time.time())
        return response

    def send_sync(self, request, *args, **kwargs):
        start = time.time()
        response = original_sync(self, request, *args, **kwargs)
        record(request, response, start, time.time())
        return response

    httpx.AsyncClient.send, httpx.Client.send = send_async, send_sync


SITECUSTOMIZE = """import os
if os.environ.get("BENCH_TRACE_DIR"):
    import importlib.util
    spec = importlib.util.spec_from_file_location("_bench_deployment_run_hook", {hook!r})
    hook = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(hook)
    hook.install()
"""

FLOW = """from prefect import flow


@flow(name="bench-run")
def bench_run():
    return 1
"""

POOL, DEPLOYMENT = "bench-run-pool", "bench-run/bench"


def union(intervals):
    total, end = 0.0, None
    for a, b in sorted(intervals):
        if end is None or a > end:
            total += b - a
            end = b
        elif b > end:
            total += b - end
            end = b
    return total


def clipped(records, lo, hi):
    return [(max(r["start"], lo), min(r["end"], hi)) for r in records if r["end"] > lo and r["start"] < hi]


def analyse(records, run_id, cli_started):
    create = next(r for r in records if r.get("run") == run_id)
    poll = min((r for r in records if run_id in r.get("runs", ())), key=lambda r: r["start"])
    running = next(r for r in records if r["path"] == f"/api/flow_runs/{run_id}/set_state"
                   and r.get("state") == "RUNNING" and r["status"] in (200, 201))
    pending = next(r for r in records if r["path"] == f"/api/flow_runs/{run_id}/set_state"
                   and r.get("state") == "PENDING")
    windows = [(create["start"], create["end"]), (poll["start"], running["end"])]
    inside = [iv for lo, hi in windows for iv in clipped(records, lo, hi)]
    on_path = [r for r in records if any(r["end"] > lo and r["start"] < hi for lo, hi in windows)]
    return {
        "cli_to_running_s": running["end"] - cli_started,
        "create_s": create["end"] - create["start"],
        "poll_wait_s": poll["start"] - create["end"],
        "pickup_s": running["end"] - poll["start"],
        "poll_to_pending_s": pending["end"] - poll["start"],
        "pending_to_running_s": running["end"] - pending["end"],
        "latency_without_poll_wait_s": (create["end"] - create["start"]) + (running["end"] - poll["start"]),
        "server_s": union(inside),
        "requests_on_path": len(on_path),
    }


def main():
    import statistics
    import subprocess
    import tempfile
    import urllib.request

    api, workdir, runs = sys.argv[1], sys.argv[2], int(sys.argv[3])
    venv_bin = os.path.dirname(sys.executable)
    prefect = os.path.join(venv_bin, "prefect")
    traces = tempfile.mkdtemp(prefix="traces-", dir=workdir)
    hook_dir = tempfile.mkdtemp(prefix="hook-", dir=workdir)
    with open(os.path.join(hook_dir, "sitecustomize.py"), "w") as f:
        f.write(SITECUSTOMIZE.format(hook=os.path.abspath(__file__)))
    project = tempfile.mkdtemp(prefix="project-", dir=workdir)
    with open(os.path.join(project, "bench_flow.py"), "w") as f:
        f.write(FLOW)
    env = {**os.environ, "PREFECT_API_URL": api, "PREFECT_HOME": os.path.join(workdir, "client-home"),
           "PREFECT_CLI_PROMPT": "false", "DO_NOT_TRACK": "1"}
    traced = {**env, "BENCH_TRACE_DIR": traces,
              "PYTHONPATH": os.pathsep.join(p for p in (hook_dir, os.environ.get("PYTHONPATH")) if p)}

    def get(path):
        with urllib.request.urlopen(api + path, timeout=60) as resp:
            return json.loads(resp.read())

    subprocess.run([prefect, "work-pool", "create", "--type", "process", POOL], env=env, check=True,
                   stdout=subprocess.DEVNULL)
    subprocess.run([sys.executable, "-c",
                    "import sys; from prefect import flow; flow.from_source(source=sys.argv[1], "
                    "entrypoint='bench_flow.py:bench_run').deploy(name='bench', work_pool_name=sys.argv[2], "
                    "print_next_steps=False, ignore_warnings=True)", project, POOL],
                   env=env, check=True, stdout=subprocess.DEVNULL)
    worker_env = {**traced, "PREFECT_WORKER_QUERY_SECONDS": os.environ.get("QUERY_SECONDS", "1"),
                  "PREFECT_WORKER_PREFETCH_SECONDS": "0", "PREFECT_WORKER_HEARTBEAT_SECONDS": "30"}
    worker_log = open(os.path.join(workdir, "worker.log"), "w")
    worker = subprocess.Popen([prefect, "worker", "start", "--pool", POOL, "--name", "bench-worker"],
                              env=worker_env, cwd=project, stdout=worker_log, stderr=subprocess.STDOUT,
                              start_new_session=True)
    results = []
    try:
        deadline = time.time() + 120
        while not get(f"/work_pools/{POOL}")["status"] == "READY":
            assert time.time() < deadline and worker.poll() is None, "the worker never made the pool READY"
            time.sleep(0.2)
        for _ in range(runs):
            cli_started = time.time()
            out = subprocess.run([prefect, "deployment", "run", DEPLOYMENT], env=traced, check=True,
                                 capture_output=True, text=True).stdout
            run_id = next(l.split("UUID:")[1].strip() for l in out.splitlines() if "UUID:" in l)
            deadline = time.time() + 300
            while (state := get(f"/flow_runs/{run_id}")["state"]["type"]) not in ("COMPLETED", "FAILED", "CRASHED"):
                assert time.time() < deadline and worker.poll() is None, f"run {run_id} stuck in {state}"
                time.sleep(0.1)
            assert state == "COMPLETED", f"run {run_id} ended {state}"
            results.append((run_id, cli_started))
    finally:
        os.killpg(worker.pid, 15)
        try:
            worker.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(worker.pid, 9)
            worker.wait()
    records = []
    for name in os.listdir(traces):
        with open(os.path.join(traces, name)) as f:
            records.extend(json.loads(line) for line in f if line.strip())
    per_run = [analyse(records, run_id, started) for run_id, started in results]
    summary = {k: round(statistics.median(r[k] for r in per_run), 4) for k in per_run[0]}
    print(json.dumps({"runs": len(per_run), "median": summary, "per_run": per_run}))


if __name__ == "__main__":
    main()
