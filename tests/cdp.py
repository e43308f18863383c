"""A minimal Chrome DevTools Protocol client for the browser tests: Debian's headless
Chromium driven over ``--remote-debugging-pipe``.

Why not Playwright or Selenium: Playwright wants its own browser build (a download that
fails offline) and Selenium needs chromedriver and, unless pinned, tries to fetch one. The
pipe needs neither a port nor another package: requests go to the browser on fd 3 and
answers come back on fd 4, each a JSON message ended by a NUL byte.
"""

from __future__ import annotations

import base64
import json
import os
import shutil
import subprocess
import tempfile
import threading
import time
from pathlib import Path

# Flags from the brief: headless, no sandbox (root in CI), nothing that phones home.
FLAGS = (
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
    "--disable-default-apps", "--disable-extensions", "--mute-audio", "--hide-scrollbars",
    "--no-default-browser-check", "--disable-dev-shm-usage",
    # Any host name resolves to nothing: a page that tried to reach out fails locally. The
    # tests still see the attempt (Network.requestWillBeSent) and fail on it.
    "--host-resolver-rules=MAP * ~NOTFOUND",
)


def chromium_binary() -> str | None:
    """Path of Debian's chromium (or another Chromium/Chrome on PATH), else None."""
    for name in ("chromium", "chromium-browser", "google-chrome", "chrome"):
        path = shutil.which(name)
        if path:
            return path
    return None


class CDPError(RuntimeError):
    pass


class Browser:
    """One headless Chromium with a fresh profile; use as a context manager."""

    def __init__(self, binary: str, width: int = 1280, height: int = 900,
                 local_server: bool = False) -> None:
        self.profile = tempfile.mkdtemp(prefix="rg-chromium-")
        self.width, self.height = width, height
        to_browser_r, self._to_browser = os.pipe()
        self._from_browser, from_browser_w = os.pipe()

        def wire_pipes() -> None:  # runs in the child, before exec
            os.dup2(to_browser_r, 3)
            os.dup2(from_browser_w, 4)

        flags = list(FLAGS)
        if local_server:
            # A test's own server on the loopback address (JupyterLab); every other host
            # still resolves to nothing.
            flags[-1] = "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1"
        args = [binary, *flags, f"--user-data-dir={self.profile}",
                f"--window-size={width},{height}", "--remote-debugging-pipe", "about:blank"]
        self.proc = subprocess.Popen(args, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                                     stderr=subprocess.DEVNULL, pass_fds=(3, 4),
                                     preexec_fn=wire_pipes)
        os.close(to_browser_r)
        os.close(from_browser_w)
        self._next = 0
        self._lock = threading.Lock()
        self._cond = threading.Condition(self._lock)
        self._answers: dict[int, dict] = {}
        self.events: list[dict] = []
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()

    # -- protocol ------------------------------------------------------------------
    def _read(self) -> None:
        buf = b""
        while True:
            try:
                chunk = os.read(self._from_browser, 1 << 16)
            except OSError:
                chunk = b""
            if not chunk:
                with self._cond:
                    self._cond.notify_all()
                return
            buf += chunk
            while b"\0" in buf:
                raw, buf = buf.split(b"\0", 1)
                msg = json.loads(raw)
                with self._cond:
                    if "id" in msg:
                        self._answers[msg["id"]] = msg
                    else:
                        self.events.append(msg)
                    self._cond.notify_all()

    def send(self, method: str, params: dict | None = None, session: str | None = None,
             timeout: float = 30.0) -> dict:
        with self._lock:
            self._next += 1
            mid = self._next
        msg = {"id": mid, "method": method, "params": params or {}}
        if session:
            msg["sessionId"] = session
        os.write(self._to_browser, json.dumps(msg).encode() + b"\0")
        deadline = time.monotonic() + timeout
        with self._cond:
            while mid not in self._answers:
                left = deadline - time.monotonic()
                if left <= 0 or self.proc.poll() is not None:
                    raise CDPError(f"no answer to {method} (browser exit {self.proc.poll()})")
                self._cond.wait(left)
            answer = self._answers.pop(mid)
        if "error" in answer:
            raise CDPError(f"{method}: {answer['error']}")
        return answer.get("result", {})

    def wait_event(self, method: str, session: str | None = None, timeout: float = 30.0
                   ) -> dict:
        deadline = time.monotonic() + timeout
        with self._cond:
            while True:
                for ev in self.events:
                    if ev.get("method") == method and (session is None or
                                                       ev.get("sessionId") == session):
                        return ev
                left = deadline - time.monotonic()
                if left <= 0:
                    raise CDPError(f"no {method} event within {timeout}s")
                self._cond.wait(left)

    def events_of(self, method: str, session: str | None = None) -> list[dict]:
        with self._lock:
            return [e for e in self.events if e.get("method") == method
                    and (session is None or e.get("sessionId") == session)]

    # -- pages ---------------------------------------------------------------------
    def open(self, url: str, timeout: float = 30.0) -> "Page":
        target = self.send("Target.createTarget", {"url": "about:blank"})["targetId"]
        session = self.send("Target.attachToTarget",
                            {"targetId": target, "flatten": True})["sessionId"]
        page = Page(self, session, target)
        for domain in ("Page", "Network", "Runtime", "Log"):
            self.send(f"{domain}.enable", session=session)
        self.send("Emulation.setDeviceMetricsOverride",
                  {"width": self.width, "height": self.height, "deviceScaleFactor": 1,
                   "mobile": False}, session=session)
        self.send("Page.navigate", {"url": url}, session=session)
        self.wait_event("Page.loadEventFired", session, timeout)
        return page

    def child_frames(self, page: "Page", timeout: float = 30.0) -> list["Page"]:
        """Out-of-process iframes of ``page`` (a sandboxed srcdoc frame gets its own
        process), each attached as a :class:`Page` with Runtime enabled."""
        deadline = time.monotonic() + timeout
        while True:
            infos = self.send("Target.getTargets")["targetInfos"]
            kids = [t for t in infos if t.get("type") == "iframe"
                    and t.get("parentId") == page.target]
            if kids or time.monotonic() > deadline:
                break
            time.sleep(0.1)
        out = []
        for t in kids:
            session = self.send("Target.attachToTarget",
                                {"targetId": t["targetId"], "flatten": True})["sessionId"]
            self.send("Runtime.enable", session=session)
            out.append(Page(self, session, t["targetId"]))
        return out

    def close(self) -> None:
        try:
            if self.proc.poll() is None:
                try:
                    self.send("Browser.close", timeout=5)
                except CDPError:
                    pass
                try:
                    self.proc.wait(timeout=10)
                except subprocess.TimeoutExpired:
                    self.proc.kill()
                    self.proc.wait()
        finally:
            for fd in (self._to_browser, self._from_browser):
                try:
                    os.close(fd)
                except OSError:
                    pass
            shutil.rmtree(self.profile, ignore_errors=True)

    def __enter__(self) -> "Browser":
        return self

    def __exit__(self, *exc) -> None:
        self.close()


class Page:
    """One tab, attached with a flat session."""

    def __init__(self, browser: Browser, session: str, target: str = "") -> None:
        self.browser, self.session, self.target = browser, session, target

    def evaluate(self, expression: str, context_id: int | None = None):
        params = {"expression": expression, "returnByValue": True, "awaitPromise": True}
        if context_id is not None:
            params["contextId"] = context_id
        res = self.browser.send("Runtime.evaluate", params, session=self.session)
        if "exceptionDetails" in res:
            raise CDPError(f"evaluate failed: {res['exceptionDetails'].get('text')}")
        return res["result"].get("value")

    def wait_for(self, expression: str, timeout: float = 30.0, context_id: int | None = None):
        deadline = time.monotonic() + timeout
        while True:
            value = self.evaluate(expression, context_id)
            if value:
                return value
            if time.monotonic() > deadline:
                raise CDPError(f"timed out waiting for {expression}")
            time.sleep(0.1)

    def screenshot(self, path: str | Path) -> Path:
        data = self.browser.send("Page.captureScreenshot", {"format": "png"},
                                 session=self.session)["data"]
        p = Path(path)
        p.parent.mkdir(parents=True, exist_ok=True)
        p.write_bytes(base64.b64decode(data))
        return p

    def requested_urls(self) -> list[str]:
        return [e["params"]["request"]["url"]
                for e in self.browser.events_of("Network.requestWillBeSent", self.session)]

    def dialogs(self) -> list[dict]:
        return self.browser.events_of("Page.javascriptDialogOpening", self.session)

    def exceptions(self) -> list[dict]:
        return self.browser.events_of("Runtime.exceptionThrown", self.session)

    def log_entries(self) -> list[dict]:
        return [e["params"]["entry"] for e in self.browser.events_of("Log.entryAdded",
                                                                      self.session)]

    def frame_contexts(self) -> list[dict]:
        """Execution contexts created so far (one per frame and world)."""
        return [e["params"]["context"] for e in
                self.browser.events_of("Runtime.executionContextCreated", self.session)]


def launched_browser(**options):
    """A started Browser for a test fixture; skips on a machine without Chromium, but
    fails under CI, where scripts/system-deps.sh (run by make test) must have installed it."""
    import pytest

    binary = chromium_binary()
    if binary is None:
        if os.environ.get("CI"):
            pytest.fail("chromium missing in CI: scripts/system-deps.sh should have installed it")
        pytest.skip("chromium not installed (run scripts/system-deps.sh)")
    return Browser(binary, **options)
