#!/usr/bin/env python3
"""Time a server from exec until GET {base}/api/health returns 200, cold (fresh data dir) and warm
(same data dir, already migrated), and its idle RSS (sum over the process tree).

Usage (Python Prefect, defaults):
  bench_server_start.py --runs 5 --out OUTDIR/start.jsonl
Usage (another implementation):
  bench_server_start.py --cmd '/path/server --host 127.0.0.1 --port {port}' --home-env MY_DATA_DIR

The command template may use {port} and {home}. Each run starts the command in its own session and
stops it by killing that process group only (SIGINT, then SIGTERM, then SIGKILL). Loopback only.
"""
from __future__ import annotations

import argparse
import json
import os
import shlex
import shutil
import signal
import statistics
import subprocess
import tempfile
import time
import urllib.request

DEFAULT_CMD = "prefect server start --host 127.0.0.1 --port {port}"


def rss_tree_kb(pid: int) -> int:
    total = 0
    try:
        with open(f"/proc/{pid}/status") as f:
            for line in f:
                if line.startswith("VmRSS:"):
                    total += int(line.split()[1])
    except OSError:
        return 0
    try:
        kids: list[int] = []
        for tid in os.listdir(f"/proc/{pid}/task"):
            with open(f"/proc/{pid}/task/{tid}/children") as f:
                kids += [int(x) for x in f.read().split()]
        for k in kids:
            total += rss_tree_kb(k)
    except OSError:
        pass
    return total


def tree_pids(pid: int) -> list[int]:
    out = [pid]
    try:
        for tid in os.listdir(f"/proc/{pid}/task"):
            with open(f"/proc/{pid}/task/{tid}/children") as f:
                for k in f.read().split():
                    out += tree_pids(int(k))
    except OSError:
        pass
    return out


def healthy(url: str) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=1) as r:
            return r.status == 200
    except Exception:
        return False


def one_run(cmd: str, port: int, home: str, home_env: str, extra_env: dict, idle_s: float, timeout_s: float, log_path: str):
    env = dict(os.environ)
    env[home_env] = home
    env.update(extra_env)
    argv = shlex.split(cmd.format(port=port, home=home))
    url = f"http://127.0.0.1:{port}/api/health"
    assert not healthy(url), f"something already answers on port {port}"
    with open(log_path, "ab") as log:
        t0 = time.perf_counter()
        p = subprocess.Popen(argv, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
        ready = None
        while time.perf_counter() - t0 < timeout_s:
            if p.poll() is not None:
                break
            if healthy(url):
                ready = time.perf_counter() - t0
                break
            time.sleep(0.002)  # prefect-rs starts in milliseconds: poll finely
        rss_ready = rss_tree_kb(p.pid) if ready else 0
        time.sleep(idle_s)
        rss_idle = rss_tree_kb(p.pid) if ready else 0
        nproc = len(tree_pids(p.pid))
        # stop: only our own process group
        for sig, wait in ((signal.SIGINT, 10), (signal.SIGTERM, 5), (signal.SIGKILL, 5)):
            try:
                os.killpg(p.pid, sig)
            except ProcessLookupError:
                break
            try:
                p.wait(timeout=wait)
                break
            except subprocess.TimeoutExpired:
                continue
        # make sure the port is free again before the next run
        t1 = time.perf_counter()
        while healthy(url) and time.perf_counter() - t1 < 10:
            time.sleep(0.1)
    return {"ready_s": ready, "rss_ready_kb": rss_ready, "rss_idle_kb": rss_idle, "nproc": nproc}


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--cmd", default=DEFAULT_CMD)
    ap.add_argument("--port", type=int, default=4310)
    ap.add_argument("--home-env", default="PREFECT_HOME")
    ap.add_argument("--env", action="append", default=[], help="KEY=VALUE passed to the server")
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--idle", type=float, default=10.0, help="seconds idle after ready before RSS sample")
    ap.add_argument("--timeout", type=float, default=120.0)
    ap.add_argument("--modes", default="cold,warm")
    ap.add_argument("--out", required=True)
    ap.add_argument("--log", required=True)
    a = ap.parse_args()
    extra_env = dict(kv.split("=", 1) for kv in a.env)
    results = {}
    with open(a.out, "a") as out:
        for mode in a.modes.split(","):
            rs = []
            warm_home = None
            if mode == "warm":
                warm_home = tempfile.mkdtemp(prefix="srvstart-warm-")
                one_run(a.cmd, a.port, warm_home, a.home_env, extra_env, 0.5, a.timeout, a.log)  # migrate once
            for i in range(a.runs):
                home = warm_home or tempfile.mkdtemp(prefix="srvstart-cold-")
                r = one_run(a.cmd, a.port, home, a.home_env, extra_env, a.idle, a.timeout, a.log)
                r.update({"mode": mode, "run": i + 1, "loadavg1": float(open("/proc/loadavg").read().split()[0])})
                out.write(json.dumps(r) + "\n")
                out.flush()
                print(json.dumps(r), flush=True)
                rs.append(r)
                if not warm_home:
                    shutil.rmtree(home, ignore_errors=True)
            if warm_home:
                shutil.rmtree(warm_home, ignore_errors=True)
            ok = [r for r in rs if r["ready_s"]]
            results[mode] = {
                "runs": len(rs),
                "ok": len(ok),
                "ready_s_median": statistics.median([r["ready_s"] for r in ok]) if ok else None,
                "ready_s_min": min([r["ready_s"] for r in ok]) if ok else None,
                "ready_s_max": max([r["ready_s"] for r in ok]) if ok else None,
                "rss_idle_mib_median": statistics.median([r["rss_idle_kb"] for r in ok]) / 1024 if ok else None,
                "rss_ready_mib_median": statistics.median([r["rss_ready_kb"] for r in ok]) / 1024 if ok else None,
                "nproc": [r["nproc"] for r in ok],
            }
    print("SUMMARY " + json.dumps(results))


if __name__ == "__main__":
    main()
