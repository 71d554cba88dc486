"""Names shared by the benchmark harness, its child processes and the fake server."""

from __future__ import annotations

import contextlib
import os
import pathlib
import subprocess
import sys
from typing import Dict, Iterator

ROOT = pathlib.Path(__file__).resolve().parent.parent
REGION = "ap-southeast-1"
PROJECT_ID = "0a1b2c3d4e5f60718293a4b5c6d7e8f9"
AK, SK = "BENCHACCESSKEY000001", "bench-secret-key-not-real"
TRACE_BUCKET = "trace-archive"
TOPIC_URN = f"urn:smn:{REGION}:{PROJECT_ID}:reports"


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
    }


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


@contextlib.contextmanager
def fake_server(buckets: int = 0, latency: float = 0.0, projects: int = 0) -> Iterator[str]:
    """A fake account in its own process; yields its base URL."""
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    command = [sys.executable, "-m", "benchmarks.fake_server", "--buckets", str(buckets), "--latency", str(latency)]
    command += ["--projects", str(projects)]
    process = subprocess.Popen(command, cwd=ROOT, env=env, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    try:
        assert process.stdout is not None
        yield process.stdout.readline().strip()
    finally:
        assert process.stdin is not None
        process.stdin.close()
        process.wait(timeout=30)
