"""The organization report's test helpers: its bucket, an organization run played end to end,
and scripts/verify-evidence.py over a copy of the bucket (tests/flows/organization)."""

from __future__ import annotations

import pathlib
import subprocess
import sys
from typing import Any, Dict

from fakecloud import FakeOrganization

from .organization import FunctionContext, invoke, member

ROOT = pathlib.Path(__file__).resolve().parents[2]
REPORTS = "org-reports"
PREFIX = "cts-autotracker/reports/"


def objects(org: FakeOrganization) -> Dict[str, bytes]:
    return {key: org.management.obs.object(REPORTS, key)["body"] for key in org.management.obs.keys(REPORTS)}  # type: ignore[index]


def an_organization_run(org: FakeOrganization, run: Any, env: Dict[str, str], monkeypatch: Any) -> Dict[str, Any]:
    """Coordinator, every member played from the queue, then the report request: its answer."""
    broken = member(org, "delta", agency=None)
    member(org, "omega", status="suspended")
    org.members()[0].faults.inject(status=403, action="CreateTracker", count=None)  # a reported account's failures
    coordinator, members = run({"action": "backfill", "all": True})
    assert coordinator["ok"] is True and len(members) == 5
    assert members[broken.domain_id]["results"][0]["error"]["code"] == "AgencyUnavailable"
    return invoke(org, env, monkeypatch, {"action": "report", "run_id": "coordinator-0001"}, FunctionContext("rep-1"))


def verify(directory: pathlib.Path) -> subprocess.CompletedProcess:
    script = ROOT / "scripts" / "verify-evidence.py"
    return subprocess.run([sys.executable, str(script), str(directory)], capture_output=True, text=True, timeout=120)


def dump(found: Dict[str, bytes], directory: pathlib.Path) -> None:
    for key, body in found.items():
        path = directory / key
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(body)
