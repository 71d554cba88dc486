"""Child process: import the function and handle one bucket event (cold start to first result)."""

from __future__ import annotations

import sys
import time

from benchmarks.common import bucket_event  # the harness's own import is not the function's cost

EVENT = bucket_event(sys.argv[1])
START = time.perf_counter()

import index  # noqa: E402  (from the compiled code root the harness puts first on PYTHONPATH)


class Context:
    def getRemainingTimeInMilliSeconds(self) -> int:
        return 60_000


result = index.handler(EVENT, Context())
assert result["ok"] and result["results"][0]["outcome"] == "created", result
print(time.perf_counter() - START)
