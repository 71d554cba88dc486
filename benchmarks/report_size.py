"""The report's forms at N targets (issue 22): bytes, build time and peak-memory growth of the
HTML page, the CSV and the OCSF findings, and with `--browser` the page's width and height in
headless Chromium at 1280x800 and 390x844 (tests/helpers/browser.py).

    .venv/bin/python -m benchmarks.report_size 10000 [--browser]

N targets in 3 regions: 1 in 200 failed, 1 in 200 created, the rest already tracked. Run as a
script only; importing it does nothing."""

from __future__ import annotations

import json
import pathlib
import resource
import sys
import tempfile
import time
from datetime import datetime, timezone
from typing import Any, Dict, List


def results(n: int) -> List[Any]:
    from autotracker.contract import ErrorInfo, Kind, Outcome, Target, TargetResult, TrackerRef

    out = []
    for i in range(n):
        region = ("ap-southeast-1", "cn-north-4", "eu-west-101")[i % 3]
        target = Target(Kind.BUCKET, f"bucket-{i:05d}-audit-logs", "0a1b2c3d4e5f60718293a4b5c6d7e8f9", region)
        tracker = TrackerRef(f"obs-bucket-{i:05d}", "data")
        if i % 200 == 0:
            denied = ErrorInfo("CTS.0013", "not authorised")
            out.append(TargetResult(target, Outcome.FAILED, "not authorised (CTS.0013)", None, denied))
        elif i % 200 == 1:
            out.append(TargetResult(target, Outcome.CREATED, f"created data tracker '{tracker.name}'", tracker))
        else:
            reason = f"compliant: covered by '{tracker.name}'"
            out.append(TargetResult(target, Outcome.ALREADY_TRACKED, reason, tracker))
    return out


def main() -> None:
    from autotracker.outputs import reports

    n = int(next((a for a in sys.argv[1:] if a.isdigit()), "10000"))
    targets = results(n)
    facts = reports.RunFacts(
        datetime.now(timezone.utc), "timer", "f", "req", "account d0d1", "d0d1", "ap-southeast-1", False, "req"
    )
    out: Dict[str, Any] = {"targets": n}
    pages = {}
    for form, build in (
        ("html", lambda: reports.to_html(facts, targets)),
        ("csv", lambda: reports.to_csv(targets, "d0d1")),
        ("ocsf", lambda: reports.to_ocsf(facts, targets)),
    ):
        before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        started = time.perf_counter()
        body = build()
        seconds = time.perf_counter() - started
        grown = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before
        size = len(body.encode())
        out[form] = {"bytes": size, "seconds": round(seconds, 3), "peak_rss_growth_mb": round(grown / 1024)}
        pages[form] = body
    if "--browser" in sys.argv:
        sys.path.insert(0, str(pathlib.Path(__file__).resolve().parent.parent / "tests"))
        from helpers import browser

        browser.MEASURE = browser.MEASURE.replace("readyState:", "scrollHeight: root.scrollHeight, readyState:")
        executable = browser.find_chromium()
        if executable is None:
            raise SystemExit("no Chromium found")
        with tempfile.TemporaryDirectory() as folder:
            path = pathlib.Path(folder) / "page.html"
            path.write_text(pages["html"], encoding="utf-8")
            chromium = browser.Browser(executable)
            try:
                for width, height in ((1280, 800), (390, 844)):
                    found, _ = chromium.measure(str(path), width, height)
                    out[f"page_{width}x{height}"] = {k: found[k] for k in ("scrollWidth", "scrollHeight")}
            finally:
                chromium.close()
    print(json.dumps(out))


if __name__ == "__main__":
    main()
