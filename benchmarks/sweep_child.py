"""Child process: one timer sweep against a fake served elsewhere; prints wall time, RSS and call shape.

A first sweep against a small warm-up account loads the SDK modules (as in a warm container),
so the measured sweep shows the sweep itself against its latency floor.
"""

from __future__ import annotations

import json
import os
import resource
import sys
import time

import index  # from the code root the harness puts first on PYTHONPATH

ENDPOINTS = ("CTS_ENDPOINT", "SMN_ENDPOINT", "IAM_ENDPOINT", "OBS_ENDPOINT")
TIMER = {"trigger_type": "TIMER", "trigger_name": "bench"}


class Context:
    def getRemainingTimeInMilliSeconds(self) -> int:
        return 900_000


def sweep(base_url: str) -> tuple:
    os.environ.update({name: base_url for name in ENDPOINTS})
    start = time.perf_counter()
    result = index.handler(TIMER, Context())
    return time.perf_counter() - start, result


cold, _ = sweep(sys.argv[1])
wall, result = sweep(sys.argv[2])
outcomes = [entry["outcome"] for entry in result["results"]]
report = {
    "wall": wall,
    "first_sweep": cold,
    "rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
    "creates": outcomes.count("created"),
    "targets": len(outcomes),
}
print(json.dumps(report))
