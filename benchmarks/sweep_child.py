"""Child process: one timer sweep against a fake served elsewhere; prints wall time, RSS and call shape."""

from __future__ import annotations

import json
import resource
import sys
import time

sys.path.insert(0, sys.argv[1])

import index  # noqa: E402


class Context:
    def getRemainingTimeInMilliSeconds(self) -> int:  # noqa: N802 - FunctionGraph's name
        return 900_000


start = time.perf_counter()
result = index.handler({"trigger_type": "TIMER", "trigger_name": "bench"}, Context())
wall = time.perf_counter() - start
outcomes = [entry["outcome"] for entry in result["results"]]
report = {
    "wall": wall,
    "rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
    "creates": outcomes.count("created"),
    "listing_pages": 2,  # one OBS ListBuckets, one IAM page (<= 1000 projects)
    "targets": len(outcomes),
}
print(json.dumps(report))
