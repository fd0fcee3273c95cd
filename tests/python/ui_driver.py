"""Drive headless Chromium over its DevTools protocol: load UI pages, record every API call each page makes.

Usage: ui_driver.py SPEC.json OUT.json

SPEC: {"api_prefix": "http://127.0.0.1:PORT/api", "screenshots": DIR, "chromium": PATH (optional),
       "pages": [{"name": ..., "url": ..., "wait_text": [...] (optional), "actions": [JS or {"type_into": selector, "text": ...}, ...] (optional)}]}
OUT:  {"pages": [{"name", "url", "final_url", "calls": [{"method", "url", "status", "error", "post_data"}],
        "text": the page's innerText, "screenshot": path, "missing_text": [...], "action_results": [...]}]}

A page is done when no API request has been in flight for a quiet period (or after a bound), and the texts it
waits for are on it. Actions are JavaScript snippets run in the page after it settles (each may return a
promise); the calls they cause are recorded with the page's.
"""

import asyncio
import base64
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time

import websockets

QUIET_SECONDS = 2.0
PAGE_BOUND_SECONDS = 30.0


class Browser:
    def __init__(self, chromium):
        self.dir = tempfile.mkdtemp(prefix="ui-driver-")
        self.process = subprocess.Popen(
            [
                chromium,
                "--headless=new",
                "--no-sandbox",
                "--disable-gpu",
                "--disable-dev-shm-usage",
                "--no-first-run",
                "--no-default-browser-check",
                "--disable-extensions",
                "--window-size=1440,1000",
                "--remote-debugging-port=0",
                f"--user-data-dir={self.dir}",
                "about:blank",
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        self.next_id = 0
        self.pending = {}
        self.listeners = []

    async def connect(self):
        # Chromium writes the port it took and the browser target's path once it listens.
        marker = os.path.join(self.dir, "DevToolsActivePort")
        deadline = time.monotonic() + 30
        while not (os.path.exists(marker) and len(open(marker).read().split("\n")) >= 2):
            if self.process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError("chromium did not start its DevTools endpoint")
            await asyncio.sleep(0.05)
        port, path = open(marker).read().split("\n")[:2]
        self.ws = await websockets.connect(f"ws://127.0.0.1:{port}{path}", max_size=None)
        self.reader = asyncio.create_task(self.read())

    async def read(self):
        async for raw in self.ws:
            message = json.loads(raw)
            if "id" in message:
                future = self.pending.pop(message["id"], None)
                if future and not future.done():
                    future.set_result(message)
            else:
                for listener in list(self.listeners):
                    listener(message)

    async def send(self, method, params=None, session=None):
        self.next_id += 1
        message = {"id": self.next_id, "method": method, "params": params or {}}
        if session:
            message["sessionId"] = session
        future = asyncio.get_running_loop().create_future()
        self.pending[self.next_id] = future
        await self.ws.send(json.dumps(message))
        answer = await asyncio.wait_for(future, 60)
        if "error" in answer:
            raise RuntimeError(f"{method}: {answer['error']}")
        return answer.get("result", {})

    def close(self):
        self.process.terminate()
        try:
            self.process.wait(10)
        except subprocess.TimeoutExpired:
            self.process.kill()
        shutil.rmtree(self.dir, ignore_errors=True)


class Page:
    """One tab: its session, and the API requests seen since the last reset."""

    def __init__(self, browser, api_prefix):
        self.browser = browser
        self.api_prefix = api_prefix
        self.session = None
        self.loaded = False
        self.requests = {}
        self.order = []
        self.last_activity = time.monotonic()
        browser.listeners.append(self.on_event)

    async def open(self):
        target = await self.browser.send("Target.createTarget", {"url": "about:blank"})
        attached = await self.browser.send(
            "Target.attachToTarget", {"targetId": target["targetId"], "flatten": True}
        )
        self.session = attached["sessionId"]
        for domain in ("Page", "Network", "Runtime"):
            await self.call(f"{domain}.enable")

    async def call(self, method, params=None):
        return await self.browser.send(method, params, self.session)

    def on_event(self, message):
        if message.get("sessionId") != self.session:
            return
        method, params = message.get("method"), message.get("params", {})
        if method == "Page.loadEventFired":
            self.loaded = True
            self.last_activity = time.monotonic()
        elif method == "Network.requestWillBeSent":
            request = params["request"]
            if not request["url"].startswith(self.api_prefix) or request["method"] == "OPTIONS":
                return
            key = params["requestId"]
            if key in self.requests and params.get("redirectResponse"):
                key = f"{key}:{len(self.order)}"
            self.requests[params["requestId"]] = {
                "method": request["method"],
                "url": request["url"],
                "post_data": request.get("postData"),
                "status": None,
                "error": None,
                "done": False,
            }
            self.order.append(params["requestId"])
            self.last_activity = time.monotonic()
        elif method == "Network.responseReceived":
            entry = self.requests.get(params["requestId"])
            if entry is not None:
                entry["status"] = params["response"]["status"]
        elif method in ("Network.loadingFinished", "Network.loadingFailed"):
            entry = self.requests.get(params["requestId"])
            if entry is not None:
                entry["done"] = True
                if method == "Network.loadingFailed":
                    entry["error"] = params.get("errorText") or "failed"
                self.last_activity = time.monotonic()

    def reset(self):
        self.loaded = False
        self.requests = {}
        self.order = []
        self.last_activity = time.monotonic()

    def calls(self):
        out = []
        for key in self.order:
            entry = self.requests[key]
            out.append({k: entry[k] for k in ("method", "url", "status", "error", "post_data")})
        return out

    async def text(self):
        answer = await self.call(
            "Runtime.evaluate",
            {"expression": "document.body ? document.body.innerText : ''", "returnByValue": True},
        )
        return answer.get("result", {}).get("value") or ""

    async def settle(self, wait_text):
        """Until no API request is in flight for QUIET_SECONDS and every text is shown, or the bound passes."""
        started = time.monotonic()
        while time.monotonic() - started < PAGE_BOUND_SECONDS:
            await asyncio.sleep(0.25)
            in_flight = any(not r["done"] for r in self.requests.values())
            quiet = time.monotonic() - self.last_activity >= QUIET_SECONDS
            if in_flight or not quiet or not self.loaded:
                continue
            text = await self.text()
            if all(t in text for t in wait_text):
                return

    async def act(self, action):
        """A JavaScript expression, or {"type_into": CSS selector, "text": ...}: typed as a user types (React
        and CodeMirror inputs ignore values set from script)."""
        if isinstance(action, str):
            return await self.evaluate(action)
        selector = json.dumps(action["type_into"])
        focused = await self.evaluate(
            f"(() => {{ const e = document.querySelector({selector}); if (!e) throw new Error('nothing matches ' + {selector}); e.focus(); return true; }})()"
        )
        if "error" in focused:
            return focused
        await self.call("Input.insertText", {"text": action["text"]})
        return {"value": True}

    async def evaluate(self, expression):
        answer = await self.call(
            "Runtime.evaluate",
            {"expression": expression, "awaitPromise": True, "returnByValue": True},
        )
        if "exceptionDetails" in answer:
            return {"error": answer["exceptionDetails"].get("exception", {}).get("description")
                    or answer["exceptionDetails"].get("text")}
        return {"value": answer.get("result", {}).get("value")}


async def run(spec):
    chromium = spec.get("chromium") or shutil.which("chromium") or shutil.which("chromium-browser")
    if not chromium:
        raise RuntimeError("chromium is not installed (apt-get install chromium)")
    os.makedirs(spec["screenshots"], exist_ok=True)
    browser = Browser(chromium)
    results = []
    try:
        await browser.connect()
        page = Page(browser, spec["api_prefix"])
        await page.open()
        for item in spec["pages"]:
            page.reset()
            wait_text = item.get("wait_text", [])
            await page.call("Page.navigate", {"url": item["url"]})
            await page.settle(wait_text)
            action_results = []
            for action in item.get("actions", []):
                action_results.append(await page.act(action))
                page.loaded = True
                page.last_activity = time.monotonic()
                await page.settle(item.get("wait_text_after", []))
            text = await page.text()
            shot = await page.call("Page.captureScreenshot", {"format": "png"})
            path = os.path.join(spec["screenshots"], f"{item['name']}.png")
            with open(path, "wb") as f:
                f.write(base64.b64decode(shot["data"]))
            location = await page.evaluate("location.href")
            results.append({
                "name": item["name"],
                "url": item["url"],
                "final_url": location.get("value"),
                "calls": page.calls(),
                "text": text,
                "screenshot": path,
                "missing_text": [t for t in wait_text + item.get("wait_text_after", []) if t not in text],
                "action_results": action_results,
            })
    finally:
        browser.close()
    return {"pages": results}


def main():
    spec = json.load(open(sys.argv[1]))
    out = asyncio.run(run(spec))
    with open(sys.argv[2], "w") as f:
        json.dump(out, f, indent=1)


if __name__ == "__main__":
    main()
