"""A real browser for the report page: headless Chromium driven over the DevTools protocol on a
pipe (`--remote-debugging-pipe`, stdlib only), so the viewport is exactly the size asked for —
`--window-size` cannot go below 500 px, and a phone is 390 px wide.

`find_chromium()` names the browser or None; `Browser.measure(path, width, height)` loads a file
at that viewport (a phone's when narrow), returns what the page measures (scroll width, the
problem banner's box) and a PNG screenshot of the first screen.
"""

from __future__ import annotations

import base64
import json
import os
import shutil
import subprocess
import tempfile
import time
from typing import Any, Dict, Optional, Tuple

CANDIDATES = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable", "chrome")

MEASURE = """(() => {
  const root = document.documentElement, banner = document.querySelector('.problem');
  const box = banner ? banner.getBoundingClientRect() : null;
  return JSON.stringify({scrollWidth: root.scrollWidth, clientWidth: root.clientWidth,
    innerWidth: window.innerWidth, innerHeight: window.innerHeight,
    bannerTop: box && box.top, bannerBottom: box && box.bottom,
    viewport: !!document.querySelector('meta[name=viewport]'), readyState: document.readyState});
})()"""


def find_chromium() -> Optional[str]:
    """The browser: $CHROMIUM if set, else the first of the usual names on PATH."""
    named = os.environ.get("CHROMIUM")
    if named:
        return shutil.which(named) or (named if os.access(named, os.X_OK) else None)
    return next((found for found in map(shutil.which, CANDIDATES) if found), None)


class Browser:
    """One headless Chromium; DevTools messages are JSON, each ended by a NUL byte."""

    def __init__(self, executable: str, timeout: float = 60.0) -> None:
        self.timeout = timeout
        self.profile = tempfile.mkdtemp(prefix="report-page-chromium-")
        to_child_read, self._to_child = os.pipe()
        self._from_child, from_child_write = os.pipe()
        # the child's fd 3 reads commands and fd 4 writes answers (Chromium's pipe convention)
        self.process = subprocess.Popen(
            [
                executable,
                "--headless",
                "--remote-debugging-pipe",
                "--no-sandbox",  # CI containers run as root
                "--disable-gpu",
                "--disable-dev-shm-usage",
                "--no-first-run",
                "--hide-scrollbars",
                f"--user-data-dir={self.profile}",
                "about:blank",
            ],
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            close_fds=False,  # the dup2'd fds 3 and 4 are inheritable; the pipes' own ends are not
            preexec_fn=_pipes_at_3_and_4(to_child_read, from_child_write),
        )
        os.close(to_child_read)
        os.close(from_child_write)
        self._buffer = b""
        self._next = 0

    def close(self) -> None:
        try:
            self.send("Browser.close")
        except Exception:  # noqa: BLE001 - closing anyway
            pass
        try:
            self.process.wait(10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        os.close(self._to_child)
        os.close(self._from_child)
        shutil.rmtree(self.profile, ignore_errors=True)

    def send(self, method: str, params: Optional[Dict[str, Any]] = None, session: Optional[str] = None) -> Any:
        self._next += 1
        message: Dict[str, Any] = {"id": self._next, "method": method, "params": params or {}}
        if session:
            message["sessionId"] = session
        os.write(self._to_child, json.dumps(message).encode() + b"\0")
        deadline = time.monotonic() + self.timeout
        while True:
            answer = self._read(deadline)
            if answer.get("id") == self._next:
                if "error" in answer:
                    raise RuntimeError(f"{method}: {answer['error']}")
                return answer.get("result", {})

    def _read(self, deadline: float) -> Dict[str, Any]:
        while b"\0" not in self._buffer:
            if time.monotonic() > deadline:
                raise TimeoutError("Chromium did not answer in time")
            chunk = os.read(self._from_child, 1 << 16)
            if not chunk:
                raise RuntimeError("Chromium closed its DevTools pipe")
            self._buffer += chunk
        message, self._buffer = self._buffer.split(b"\0", 1)
        loaded: Dict[str, Any] = json.loads(message)
        return loaded

    def measure(self, path: str, width: int, height: int) -> Tuple[Dict[str, Any], bytes]:
        """Load the file at a width x height viewport (a phone's, touch and all, below 600 px)."""
        target = self.send("Target.createTarget", {"url": "about:blank"})["targetId"]
        session = self.send("Target.attachToTarget", {"targetId": target, "flatten": True})["sessionId"]
        metrics = {"width": width, "height": height, "deviceScaleFactor": 1, "mobile": width < 600}
        self.send("Emulation.setDeviceMetricsOverride", metrics, session)
        self.send("Page.navigate", {"url": "file://" + os.path.abspath(path)}, session)
        deadline = time.monotonic() + self.timeout
        while True:
            evaluated = self.send("Runtime.evaluate", {"expression": MEASURE, "returnByValue": True}, session)
            value = evaluated.get("result", {}).get("value")  # none while the navigation replaces the page
            found = json.loads(value) if value else {"readyState": "navigating"}
            if found["readyState"] == "complete":
                break
            if time.monotonic() > deadline:
                raise TimeoutError(f"{path} did not load: {evaluated}")
            time.sleep(0.1)
        shot = self.send("Page.captureScreenshot", {"format": "png"}, session)
        self.send("Target.closeTarget", {"targetId": target})
        return found, base64.b64decode(shot["data"])


def _pipes_at_3_and_4(read_end: int, write_end: int) -> Any:
    def place() -> None:  # in the child, before exec; via fresh fds, as a pipe end may itself be 3 or 4
        read_copy, write_copy = os.dup(read_end), os.dup(write_end)
        os.dup2(read_copy, 3)  # dup2 makes them inheritable
        os.dup2(write_copy, 4)

    return place
