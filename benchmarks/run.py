"""Benchmarks: every figure is a ratio against a floor measured in the same run.

    ./scripts/bench.sh [--quick]

1. Cold start to first result: fresh interpreter imports the function and handles one
   bucket event, versus a fresh interpreter that imports only the SDK clients and makes the
   same CreateTracker + publish calls (medians of interleaved runs).
2. HTTP calls per event: new bucket, duplicate.
3. Warm handler overhead: the handler per event versus the same raw SDK calls on pre-built
   clients, both against the same fake (medians of interleaved runs).
4. Sweep scaling: N buckets with injected per-call latency; wall time (median of 5 runs) versus
   the ideal (1 listing round + 1 ListTrackers round + ceil(creates/concurrency)) x latency, and
   peak RSS; the largest N also against the same calls made through the SDK alone (sweep_raw).
5. Organization: a coordinator over N member accounts (each R regions x B buckets), every call
   delayed; its wall time versus its floor (GetCallerIdentity + ListAccounts pages +
   ceil(accounts/concurrency) async invocations + the report, each one latency), and one member
   sweep versus the single-account sweep of an identical account (medians of interleaved runs).
6. Package: zip size and cold import time from the unzipped artifact.
8. Organization report: `{"action": "report"}` over a run of N accounts (one summary each)
   versus the same OBS reads through the gateway alone (the expected list, ListObjects pages,
   one GET per summary at the same concurrency), and its peak RSS (benchmarks/org_report_child.py).
7. Judging one bucket (a Config resource evaluation) in an account of N buckets, every call
   delayed: versus the same calls through the SDK alone (`config_child`, interleaved medians)
   and versus the ideal 2 x latency (HEAD bucket, the region's project and its ListTrackers at
   once, then UpdatePolicyState). Its HTTP calls (4) are counted by the fake in
   tests/flows/test_config_rule_judging.py.
"""

from __future__ import annotations

import argparse
import compileall
import json
import os
import platform
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import zipfile
from typing import Any, Callable, Dict, List, Optional, Tuple

from benchmarks.common import (
    AK,
    PROJECT_ID,
    REGION,
    ROOT,
    SK,
    TOPIC_URN,
    TRACE_BUCKET,
    bench_project,
    bucket_event,
    fake_server,
    function_env,
    org_server,
)

FUNCTION_DIR = ROOT / "function"
Row = Tuple[str, str, str, str]


def child(script: str, args: List[str], env: Dict[str, str], code: Optional[str] = None) -> float:
    """Run a benchmark child in a fresh interpreter; it prints its own elapsed seconds. `code`, a
    copy of the function's code root, comes first on its path, as FunctionGraph's does."""
    out = subprocess.run(
        [sys.executable, "-m", f"benchmarks.{script}", *args],
        cwd=ROOT,
        env={**os.environ, **env, "PYTHONPATH": os.pathsep.join(filter(None, [code, str(ROOT)]))},
        capture_output=True,
        text=True,
        check=True,
    )
    return float(out.stdout.strip().splitlines()[-1])


def ratio(value: float, floor: float) -> str:
    return f"{value / floor:.2f}x"


def interleaved(first: Callable[[int], float], second: Callable[[int], float], runs: int) -> Tuple[float, float]:
    """Medians of A/B pairs run alternately, so machine noise hits both alike."""
    a, b = [], []
    for index in range(runs):
        a.append(first(index))
        b.append(second(index))
    return statistics.median(a), statistics.median(b)


def compiled_copy(target: str) -> str:
    """The function's code with bytecode compiled, as the package ships it (FunctionGraph's code
    directory is read-only, so a module without a .pyc would be compiled on every cold start)."""
    code = os.path.join(target, "function")
    shutil.copytree(FUNCTION_DIR, code, ignore=shutil.ignore_patterns("__pycache__"))
    compileall.compile_dir(code, quiet=1)
    return code


def cold_start(runs: int) -> List[Row]:
    """Three fresh interpreters per round, interleaved: ours, the SDK-only floor, the floor + pydantic."""
    ours, raw, raw_pydantic = [], [], []
    with tempfile.TemporaryDirectory() as tmp, fake_server(buckets=3 * runs + 3) as url:
        code = compiled_copy(tmp)
        env = function_env(url)
        for i in range(runs):
            ours.append(child("cold_function", [f"bench-{3 * i:06d}"], env, code))
            raw.append(child("cold_raw", [f"bench-{3 * i + 1:06d}"], env))
            raw_pydantic.append(child("cold_raw", [f"bench-{3 * i + 2:06d}", "--with-pydantic"], env))
    mine, floor, floor_pydantic = (statistics.median(x) for x in (ours, raw, raw_pydantic))
    return [
        (
            "cold start to first result",
            f"{mine * 1000:.0f} ms",
            f"{floor * 1000:.0f} ms (SDK only)",
            f"{mine / floor:.2f}x",
        ),
        (
            "cold start, against SDK + pydantic import",
            f"{mine * 1000:.0f} ms",
            f"{floor_pydantic * 1000:.0f} ms",
            ratio(mine, floor_pydantic),
        ),
    ]


def calls_per_event() -> List[Row]:
    import index

    from fakecloud import FakeCloud

    cloud = FakeCloud(default_region=REGION)
    cloud.add_credentials(AK, SK)
    cloud.add_project(REGION, project_id=PROJECT_ID)
    cloud.add_agency("cts_admin_trust")
    cloud.add_bucket(TRACE_BUCKET, REGION)
    cloud.add_bucket("bench-new", REGION)
    cloud.add_topic("reports", region=REGION, project_id=PROJECT_ID)
    env = {k: v for k, v in function_env("").items() if not k.endswith("_ENDPOINT")}
    os.environ.update(env)
    counts = []
    with cloud.mock():
        for _ in range(2):
            before = len(cloud.calls)
            index.handler(bucket_event("bench-new"), None)
            counts.append(len(cloud.calls) - before)
    for name in env:
        os.environ.pop(name)
    return [
        ("HTTP calls, new bucket", str(counts[0]), "2", f"{counts[0] / 2:.2f}x"),
        ("HTTP calls, duplicate", str(counts[1]), "<= 3", f"{counts[1] / 3:.2f}x"),
    ]


def warm_overhead(runs: int) -> List[Row]:
    import index
    from huaweicloudsdkcore.auth.credentials import BasicCredentials
    from huaweicloudsdkcore.http.http_config import HttpConfig
    from huaweicloudsdkcts.v3.cts_client import CtsClient
    from huaweicloudsdkcts.v3.model.create_tracker_request import CreateTrackerRequest
    from huaweicloudsdksmn.v2.model.publish_message_request import PublishMessageRequest
    from huaweicloudsdksmn.v2.smn_client import SmnClient

    class Context:
        def getRemainingTimeInMilliSeconds(self) -> int:
            return 60_000

    per_project = 45  # ours + raw stay under the 100 data trackers a project may hold
    total = runs + 5
    with fake_server(buckets=2 * total, projects=-(-total // per_project)) as url:
        os.environ.update(function_env(url))
        config = HttpConfig.get_default_config()
        config.retry_times = 0

        def build(kind: Any, project_id: str) -> Any:
            credentials = BasicCredentials(AK, SK, project_id)
            return (
                kind.new_builder().with_credentials(credentials).with_endpoints([url]).with_http_config(config).build()
            )

        projects = [bench_project(i // per_project) for i in range(total)]
        cts = {pid: build(CtsClient, pid) for pid in set(projects)}  # the floor reuses pre-built clients
        smn = build(SmnClient, PROJECT_ID)

        def ours(i: int) -> float:
            start = time.perf_counter()
            result = index.handler(bucket_event(f"bench-{2 * i:06d}", projects[i]), Context())
            elapsed = time.perf_counter() - start
            assert result["results"][0]["outcome"] == "created", result
            return elapsed

        def raw(i: int) -> float:
            bucket = f"bench-{2 * i + 1:06d}"
            body = {
                "tracker_type": "data",
                "tracker_name": "obs-" + bucket,
                "is_lts_enabled": False,
                "obs_info": {"bucket_name": TRACE_BUCKET, "is_obs_created": False},
                "is_support_validate": False,
                "data_bucket": {"data_bucket_name": bucket, "data_event": ["READ", "WRITE"]},
                "agency_name": "cts_admin_trust",
            }
            start = time.perf_counter()
            cts[projects[i]].create_tracker(CreateTrackerRequest(body=body))
            message = json.dumps({"default": "created", "email": "created", "sms": "created"})
            request = PublishMessageRequest(topic_urn=TOPIC_URN, body={"subject": "s", "message_structure": message})
            smn.publish_message(request)
            return time.perf_counter() - start

        for i in range(5):  # warm both paths (imports, connection pools)
            ours(i)
            raw(i)
        mine, floor = interleaved(lambda i: ours(i + 5), lambda i: raw(i + 5), runs)
        for name in function_env(url):
            os.environ.pop(name)
    return [("warm handler per event", f"{mine * 1000:.1f} ms", f"{floor * 1000:.1f} ms", f"{mine / floor:.2f}x")]


def sweep_scaling(sizes: List[int], latency: float, concurrency: int, code: str, repeats: int) -> List[Row]:
    """Each size `repeats` times, each a fresh process against a freshly seeded fake; the median
    wall time (one run on a shared host swings by several percent) and the highest peak RSS. The
    largest size also runs, interleaved, the same calls through the SDK alone (`sweep_raw`)."""
    rows: List[Row] = []
    for n in sizes:
        reports, baseline = [], []
        for _ in range(repeats):
            reports.append(_sweep_once("sweep_child", n, latency, concurrency, code))
            if n == sizes[-1]:
                baseline.append(_sweep_once("sweep_raw", n, latency, concurrency, None)["wall"])
        walls = [report["wall"] for report in reports]
        wall, rss, creates = statistics.median(walls), max(r["rss_mb"] for r in reports), reports[0]["creates"]
        # the bucket and project listings run at once (one round), then one ListTrackers round and
        # the creates, `concurrency` at a time; the report's publish has no injected latency
        ideal = (1 + 1 + -(-creates // concurrency)) * latency
        spread = f" (runs {min(walls):.2f}-{max(walls):.2f})" if repeats > 1 else ""
        name = f"sweep N={n:,} ({creates} creates, c={concurrency}, {latency * 1000:.0f} ms/call)"
        rows.append((name, f"{wall:.2f} s{spread}, peak {rss:.0f} MB RSS", f"{ideal:.2f} s", ratio(wall, ideal)))
        if baseline:
            sdk = statistics.median(baseline)
            rows.append(
                (
                    f"sweep N={n:,}, against the same calls through the SDK alone",
                    f"{wall:.2f} s",
                    f"{sdk:.2f} s",
                    ratio(wall, sdk),
                )
            )
    return rows


def _sweep_once(child: str, n: int, latency: float, concurrency: int, code: Optional[str]) -> Dict[str, Any]:
    with fake_server(buckets=1, latency=latency) as warm_url, fake_server(buckets=n, latency=latency) as url:
        env = {**function_env(url), "SWEEP_CONCURRENCY": str(concurrency)}
        out = subprocess.run(
            [sys.executable, "-m", f"benchmarks.{child}", warm_url, url],
            cwd=ROOT,
            env={**os.environ, **env, "PYTHONPATH": os.pathsep.join(filter(None, [code, str(ROOT)]))},
            capture_output=True,
            text=True,
            check=True,
        )
    report: Dict[str, Any] = json.loads(out.stdout.strip().splitlines()[-1])
    return report


def judging_one_bucket(buckets: int, latency: float, runs: int, code: str) -> List[Row]:
    """A Config resource evaluation of one bucket among `buckets`: HEAD bucket, the region's
    project and its trackers at once, then UpdatePolicyState, so the ideal is 2 x latency; the
    publish has no injected latency, as in the sweep rows."""
    with fake_server(buckets=buckets, latency=latency) as url:
        out = subprocess.run(
            [sys.executable, "-m", "benchmarks.config_child", url, str(runs)],
            cwd=ROOT,
            env={
                **os.environ,
                **function_env(url),
                "BENCH_BUCKET": f"bench-{buckets // 2:06d}",  # one that exists in this fake (--quick: 1,000)
                "PYTHONPATH": os.pathsep.join([code, str(ROOT)]),
            },
            capture_output=True,
            text=True,
            check=True,
        )
    report = json.loads(out.stdout.strip().splitlines()[-1])
    mine, sdk, ideal = report["ours"], report["sdk"], 2 * latency
    name = f"judging one bucket at {buckets:,} buckets ({latency * 1000:.0f} ms/call)"
    return [
        (name, f"{mine * 1000:.0f} ms", f"{ideal * 1000:.0f} ms (2 rounds x latency)", ratio(mine, ideal)),
        (
            f"{name}, against the same calls through the SDK alone",
            f"{mine * 1000:.0f} ms",
            f"{sdk * 1000:.0f} ms",
            ratio(mine, sdk),
        ),
    ]


def organization(
    accounts: int, regions: int, buckets: int, latency: float, concurrency: int, runs: int, code: str
) -> List[Row]:
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([code, str(ROOT)])}
    common = [str(regions), str(concurrency)]

    def run_child(mode: str, url: str, *extra: str) -> Dict[str, Any]:
        out = subprocess.run(
            [sys.executable, "-m", "benchmarks.org_child", mode, url, *common, *extra],
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
            check=True,
        )
        return json.loads(out.stdout.strip().splitlines()[-1])

    with org_server(accounts, regions, buckets, latency) as url:
        coordinator = run_child("coordinator", url)
        sweeps = run_child("members", url, str(runs))
    everyone = accounts + 1  # the management account is swept too
    assert coordinator["summary"] == {"dispatched": everyone}, coordinator
    pages = -(-everyone // 1000)
    floor = (1 + pages + -(-everyone // concurrency) + 1) * latency
    shape = f"{regions} regions x {buckets} buckets"
    return [
        (
            f"organization coordinator, {accounts:,} members (c={concurrency}, {latency * 1000:.0f} ms/call)",
            f"{coordinator['wall']:.2f} s, peak {coordinator['rss_mb']:.0f} MB RSS",
            f"{floor:.2f} s",
            ratio(coordinator["wall"], floor),
        ),
        (
            f"member sweep ({shape}), vs the same account alone",
            f"{sweeps['member']:.2f} s",
            f"{sweeps['single']:.2f} s",
            ratio(sweeps["member"], sweeps["single"]),
        ),
    ]


def coordinator_memory(accounts: int, code: str) -> List[Row]:
    """The coordinator's peak memory with many accounts (no latency: memory, not time, is measured)."""
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([code, str(ROOT)])}
    with org_server(accounts, 1, 0, 0.0) as url:
        out = subprocess.run(
            [sys.executable, "-m", "benchmarks.org_child", "coordinator", url, "1", "32"],
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
            check=True,
        )
    report = json.loads(out.stdout.strip().splitlines()[-1])
    assert report["summary"] == {"dispatched": accounts + 1}, report
    label = f"organization coordinator, {accounts:,} members: peak memory"
    return [(label, f"{report['rss_mb']:.0f} MB RSS", f"{report['wall']:.1f} s at c=32, no latency", "-")]


def organization_report(sizes: List[int], concurrency: int, code: str) -> List[Row]:
    rows: List[Row] = []
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([code, str(ROOT)])}
    for accounts in sizes:
        with fake_server(0, 0.0) as url:
            out = subprocess.run(
                [sys.executable, "-m", "benchmarks.org_report_child", url, str(accounts), str(concurrency)],
                cwd=ROOT,
                env=env,
                capture_output=True,
                text=True,
                check=True,
            )
        found = json.loads(out.stdout.strip().splitlines()[-1])
        rows.append(
            (
                f"organization report, {accounts:,} accounts (c={concurrency}, no latency)",
                f"{found['wall']:.2f} s, peak {found['rss_mb']:.0f} MB RSS",
                f"{found['floor']:.2f} s (its OBS reads alone)",
                ratio(found["wall"], found["floor"]),
            )
        )
    return rows


def package(runs: int) -> List[Row]:
    script = ROOT / "scripts" / "package.py"
    if not script.exists():
        return [("package", "not built yet (scripts/package.py missing)", "-", "-")]
    with tempfile.TemporaryDirectory() as tmp:
        artifact = os.path.join(tmp, "function.zip")
        version = f"{sys.version_info.major}.{sys.version_info.minor}"
        subprocess.run(
            [sys.executable, str(script), "--python-version", version, "--output", artifact],
            cwd=ROOT,
            check=True,
            capture_output=True,
        )
        size = os.path.getsize(artifact) / 1e6
        unpacked = os.path.join(tmp, "code")
        with zipfile.ZipFile(artifact) as archive:
            archive.extractall(unpacked)
        code = "import time; s = time.perf_counter(); import index; print(time.perf_counter() - s)"
        bare = {k: v for k, v in os.environ.items() if not k.startswith("PYTHON")}

        def from_zip(_: int) -> float:
            """The unpacked package as FunctionGraph's code root, with no site-packages (-S)."""
            env = {**bare, "PYTHONPATH": unpacked, "PYTHONNOUSERSITE": "1"}
            out = subprocess.run([sys.executable, "-S", "-c", code], capture_output=True, text=True, env=env, cwd=tmp)
            return float(out.stdout.strip())

        def from_venv(_: int) -> float:
            out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=bare, cwd=tmp)
            return float(out.stdout.strip())

        zipped, venv = interleaved(from_zip, from_venv, runs)
    return [
        ("package size", f"{size:.1f} MB", "40 MB limit", f"{size / 40:.2f}x"),
        (
            "cold import from the unzipped package",
            f"{zipped * 1000:.0f} ms",
            f"{venv * 1000:.0f} ms (venv)",
            f"{zipped / venv:.2f}x",
        ),
    ]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--quick", action="store_true", help="fewer repetitions and sizes (a smoke run)")
    args = parser.parse_args()
    runs = 5 if args.quick else 21
    sizes = [100, 1000] if args.quick else [100, 1000, 10000]
    rows: List[Row] = []
    rows += cold_start(runs)
    rows += calls_per_event()
    rows += warm_overhead(40 if args.quick else 200)
    with tempfile.TemporaryDirectory() as tmp:
        code = compiled_copy(tmp)
        rows += sweep_scaling(sizes, latency=0.05, concurrency=8, code=code, repeats=1 if args.quick else 5)
        rows += judging_one_bucket(sizes[-1], latency=0.05, runs=5 if args.quick else 21, code=code)
        accounts = 100 if args.quick else 1000
        rows += organization(accounts, 3, 20, latency=0.05, concurrency=8, runs=1 if args.quick else 3, code=code)
        if not args.quick:
            rows += coordinator_memory(10_000, code)
        rows += organization_report([100] if args.quick else [1000, 10_000], concurrency=8, code=code)
    rows += package(runs)
    header = ("measure", "cts-autotracker", "floor / baseline (same run)", "ratio")
    widths = [max(len(row[i]) for row in [header, *rows]) for i in range(4)]
    print(f"\n{platform.platform()}, Python {platform.python_version()}, {os.cpu_count()} CPUs")
    for row in [header, tuple("-" * w for w in widths), *rows]:
        print("| " + " | ".join(cell.ljust(width) for cell, width in zip(row, widths)) + " |")
    print(f"(harness peak RSS {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MB)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
