"""Child process: the organization report of a run of N accounts, versus its calls alone.

    python -m benchmarks.org_report_child URL ACCOUNTS CONCURRENCY

Seeds the run (its expected list and one summary per account, as the coordinator and the members
write them; not timed), then times `{"action": "report", "run_id": ...}` through index.handler
and, interleaved, the floor: the same OBS calls (the expected list, ListObjects pages, one GET per
summary at the same concurrency) through the gateway, with nothing built or written. Prints one
JSON line with both walls and the process's peak RSS.
"""

from __future__ import annotations

import json
import os
import resource
import sys
import time
from concurrent.futures import ThreadPoolExecutor

import index  # from the code root the harness puts first on PYTHONPATH

from autotracker.cloud.credentials import Credentials
from autotracker.cloud.gateway import Gateway
from autotracker.cloud.retry import Deadline, RetryPolicy
from autotracker.settings import load_settings, read_environment
from benchmarks.common import REGION, TRACE_BUCKET, function_env, resolve_local_buckets

RUN = "bench-run"
PREFIX = "cts-autotracker/reports/"


class Context:
    def __init__(self, request_id: str) -> None:
        self.request_id = request_id

    def getRemainingTimeInMilliSeconds(self) -> int:
        return 900_000

    def getRequestID(self) -> str:
        return self.request_id


def main() -> None:
    url, accounts, concurrency = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
    resolve_local_buckets()
    os.environ.update(function_env(url))
    os.environ.update(
        {
            "REPORT_BUCKET": TRACE_BUCKET,
            "ORGANIZATION_SWEEP": "true",
            "FANOUT_KEY": "benchmark-fanout-key-0123456789abcdef",
            "FUNCTION_URN": f"urn:fss:{REGION}:0:function:default:cts-autotracker:latest",
            "SWEEP_CONCURRENCY": str(concurrency),
        }
    )
    env = os.environ
    settings = load_settings(read_environment(env))
    gateway = Gateway(Credentials(env["CLOUD_SDK_AK"], env["CLOUD_SDK_SK"]), settings, Deadline(None), RetryPolicy())
    folder = f"{PREFIX}organization/{RUN}/"
    ids = [f"{n:032x}" for n in range(1, accounts + 1)]
    expected = [{"account_id": i, "name": f"acct-{i[-6:]}", "status": "expected", "error": None} for i in ids]
    put = lambda key, body: gateway.put_object(REGION, TRACE_BUCKET, key, body, "application/json")  # noqa: E731
    put(f"{folder}expected.json", json.dumps({"run_id": RUN, "accounts": expected}).encode())
    regions = [
        {
            "region": f"region-{r}",
            "buckets_covered": 9,
            "buckets_in_scope": 10,
            "projects_covered": 1,
            "projects_in_scope": 1,
        }
        for r in range(3)
    ]
    summary = {"status": "reported", "error": None, "time": "2026-01-01T00:00:00Z", "regions": regions}
    summary.update(buckets_covered=27, buckets_in_scope=30, projects_covered=3, projects_in_scope=3)
    with ThreadPoolExecutor(max_workers=concurrency) as pool:
        list(
            pool.map(
                lambda i: put(
                    f"{folder}accounts/{i}.req-{i[-6:]}.n.json", json.dumps({**summary, "account_id": i}).encode()
                ),
                ids,
            )
        )

    def ours(attempt: int) -> float:
        start = time.perf_counter()
        result = index.handler({"action": "report", "run_id": RUN}, Context(f"report-{attempt}"))
        wall = time.perf_counter() - start
        assert result["report"]["error"] is None and result["summary"] == {"judged": accounts}, result["summary"]
        return wall

    def floor(_: int) -> float:
        start = time.perf_counter()
        gateway.get_object(REGION, TRACE_BUCKET, f"{folder}expected.json")
        keys = gateway.list_keys(REGION, TRACE_BUCKET, f"{folder}accounts/")
        with ThreadPoolExecutor(max_workers=concurrency) as pool:
            list(pool.map(lambda key: gateway.get_object(REGION, TRACE_BUCKET, key), keys))
        return time.perf_counter() - start

    ours(0)  # warm: modules loaded, clients built
    mine, bare = [], []
    for attempt in range(1, 4):
        mine.append(ours(attempt))
        bare.append(floor(attempt))
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps({"wall": sorted(mine)[1], "floor": sorted(bare)[1], "rss_mb": rss}))


if __name__ == "__main__":
    main()
