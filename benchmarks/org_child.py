"""Child process: an organization's coordinator, or member sweeps against their single-account floor.

    python -m benchmarks.org_child coordinator URL REGIONS CONCURRENCY
    python -m benchmarks.org_child members URL REGIONS CONCURRENCY RUNS

Prints one JSON line. Member sweeps are paired, interleaved, with single-account sweeps of
identical members (their own key, their own topic): the floor is the same sweep without the
organization (no agency to assume, no organization tracker to look up).
"""

from __future__ import annotations

import json
import os
import resource
import statistics
import sys
import time
from typing import Any, Dict

import index  # from the code root the harness puts first on PYTHONPATH

from autotracker.events.fanout import FanoutRequest  # the coordinator's own request, from the same code root
from benchmarks.common import AK, PROJECT_ID, REGION, SK, member_id, member_project, org_regions, twin_key

ENDPOINTS = ("CTS", "SMN", "IAM", "OBS", "ORGANIZATIONS", "STS", "FGS")
URN = f"urn:fss:{REGION}:{PROJECT_ID}:function:default:cts-autotracker:latest"
FANOUT_KEY = "benchmark-fanout-key-0123456789abcdef"


class Context:
    def getRemainingTimeInMilliSeconds(self) -> int:
        return 900_000

    def getRequestID(self) -> str:
        return "bench-run"


def configure(url: str, regions: int, concurrency: int, **extra: str) -> None:
    for name in list(os.environ):
        if name.startswith("CLOUD_SDK_"):
            del os.environ[name]
    os.environ.update({f"{name}_ENDPOINT": url for name in ENDPOINTS})
    os.environ.update(
        {
            "CLOUD_SDK_AK": AK,
            "CLOUD_SDK_SK": SK,
            "CLOUD_SDK_PROJECT_ID": PROJECT_ID,
            "REGION": REGION,
            "BASELINE_REGIONS": ",".join(org_regions(regions)),
            "TRACE_BUCKET": "trace-{account_id}",
            "SMN_TOPIC_URN": f"urn:smn:{REGION}:{PROJECT_ID}:reports",
            "ORGANIZATION_SWEEP": "true",
            "FANOUT_KEY": FANOUT_KEY,
            "FUNCTION_URN": URN,
            "SWEEP_CONCURRENCY": str(concurrency),
            **extra,
        }
    )


def timed(event: Dict[str, Any]) -> tuple:
    start = time.perf_counter()
    result = index.handler(event, Context())
    return time.perf_counter() - start, result


def member_sweep(number: int) -> float:
    request = FanoutRequest.build("backfill", member_id(number), "bench-run", time.time())
    wall, result = timed(request.signed(FANOUT_KEY).to_payload())  # as the coordinator queues it
    assert result["ok"], result["summary"]
    return wall


def single_sweep(url: str, regions: int, concurrency: int, number: int) -> float:
    ak, sk = twin_key(number)
    project = member_project(number, 0)
    configure(url, regions, concurrency, ORGANIZATION_SWEEP="false")
    os.environ.update({"CLOUD_SDK_AK": ak, "CLOUD_SDK_SK": sk, "CLOUD_SDK_PROJECT_ID": project})
    os.environ["SMN_TOPIC_URN"] = f"urn:smn:{REGION}:{project}:reports"
    wall, result = timed({"trigger_type": "TIMER", "trigger_name": "bench"})
    assert result["ok"], result["summary"]
    configure(url, regions, concurrency)
    return wall


def main() -> None:
    mode, url, regions, concurrency = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
    configure(url, regions, concurrency)
    if mode == "coordinator":
        os.environ["ACCOUNTS"] = member_id(0)  # warm: modules loaded, one account queued
        timed({"trigger_type": "TIMER", "trigger_name": "bench"})
        del os.environ["ACCOUNTS"]
        wall, result = timed({"trigger_type": "TIMER", "trigger_name": "bench"})
        rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        print(json.dumps({"wall": wall, "summary": result["summary"], "ok": result["ok"], "rss_mb": rss}))
        return
    runs = int(sys.argv[5])
    member_sweep(10 + runs)  # warm: modules loaded, as in a warm container
    single_sweep(url, regions, concurrency, runs)
    members, singles = [], []
    for number in range(runs):
        members.append(member_sweep(10 + number))
        singles.append(single_sweep(url, regions, concurrency, number))
    print(json.dumps({"member": statistics.median(members), "single": statistics.median(singles)}))


if __name__ == "__main__":
    main()
