"""Names shared by the benchmark harness, its child processes and the fake server."""

from __future__ import annotations

import contextlib
import os
import pathlib
import subprocess
import sys
from typing import ContextManager, Dict, Iterator, List

ROOT = pathlib.Path(__file__).resolve().parent.parent
REGION = "ap-southeast-1"
PROJECT_ID = "0a1b2c3d4e5f60718293a4b5c6d7e8f9"
AK, SK = "BENCHACCESSKEY000001", "bench-secret-key-not-real"
TRACE_BUCKET = "trace-archive"
TOPIC_URN = f"urn:smn:{REGION}:{PROJECT_ID}:reports"
DOMAIN_ID = "d0d1d2d3d4d5d6d7d8d9dadbdcdddedf"  # the fake account's id (Config's `domain_id`)
ASSIGNMENT_ID = "5f0c2a7e9b1d4e3f8a6b7c8d"  # a Config rule assignment the fake account holds


def function_env(base_url: str) -> Dict[str, str]:
    """The function's environment pointed at a fake served on `base_url`."""
    return {
        "CLOUD_SDK_AK": AK,
        "CLOUD_SDK_SK": SK,
        "CLOUD_SDK_PROJECT_ID": PROJECT_ID,
        "REGION": REGION,
        "TRACE_BUCKET": TRACE_BUCKET,
        "SMN_TOPIC_URN": TOPIC_URN,
        "CTS_ENDPOINT": base_url,
        "SMN_ENDPOINT": base_url,
        "IAM_ENDPOINT": base_url,
        "OBS_ENDPOINT": base_url,
        "RMS_ENDPOINT": base_url,
    }


def resolve_local_buckets() -> None:
    """Resolve `{bucket}.127.0.0.1` to loopback in this process. OBS addresses a bucket by host
    name, and this host's resolver does not answer names under an address (nor `*.localhost`),
    so a benchmark child that sends a bucket request to the served fake calls this first; the
    function and its floor alike."""
    import socket

    resolve = socket.getaddrinfo

    def local(host: object, *args: object, **kwargs: object) -> object:
        if isinstance(host, str) and host.endswith(".127.0.0.1"):
            host = "127.0.0.1"
        return resolve(host, *args, **kwargs)  # type: ignore[arg-type]

    socket.getaddrinfo = local  # type: ignore[assignment]


ORG_REGIONS = ("ap-southeast-1", "ap-southeast-2", "ap-southeast-3", "cn-north-4", "eu-west-101")


def org_regions(count: int) -> tuple:
    return ORG_REGIONS[:count]


def member_id(number: int) -> str:
    """A member account's id in the benchmark organization (32 hex characters)."""
    return f"{number + 1:08x}" + "a" * 24


def member_project(number: int, region_index: int) -> str:
    return f"{number + 1:08x}{region_index:02x}" + "b" * 22


def twin_key(number: int) -> tuple:
    """The AK/SK of a member used as a single account (the member-sweep floor)."""
    return f"TWINACCESSKEY{number:07d}", f"twin-secret-key-{number:07d}-not-real"


def bench_project(index: int) -> str:
    return f"{index + 1:032x}"


def bucket_event(bucket: str, project_id: str = PROJECT_ID) -> Dict[str, object]:
    return {
        "cts": {
            "service_type": "OBS",
            "resource_type": "bucket",
            "trace_name": "createBucket",
            "resource_name": bucket,
            "code": 200,
            "trace_status": "normal",
            "project_id": project_id,
        }
    }


def fake_server(buckets: int = 0, latency: float = 0.0, projects: int = 0) -> ContextManager[str]:
    """A fake account in its own process; yields its base URL."""
    args = ["--buckets", str(buckets), "--latency", str(latency), "--projects", str(projects)]
    return served("benchmarks.fake_server", args)


def org_server(accounts: int, regions: int, buckets: int, latency: float) -> ContextManager[str]:
    """A fake organization in its own process; yields its base URL."""
    args = ["--accounts", str(accounts), "--regions", str(regions), "--buckets", str(buckets)]
    return served("benchmarks.org_server", [*args, "--latency", str(latency)])


@contextlib.contextmanager
def served(module: str, args: List[str]) -> Iterator[str]:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    command = [sys.executable, "-m", module, *args]
    process = subprocess.Popen(command, cwd=ROOT, env=env, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    try:
        assert process.stdout is not None
        yield process.stdout.readline().strip()
    finally:
        assert process.stdin is not None
        process.stdin.close()
        process.wait(timeout=30)
