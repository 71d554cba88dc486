"""Report keys that no caller or retry can collide: a member files under its coordinator's day
(carried in the signed fan-out), so a run crossing midnight keeps one folder; every member
attempt adds a nonce of its own, so a retry reusing a request id adds objects; an invocation
without a request id is keyed by a random id, never by the event's hash, which repeats."""

from __future__ import annotations

import time
from datetime import datetime, timezone
from typing import Dict

import pytest
from helpers.fanout import DAY, signed_fanout
from helpers.organization import REPORTS, FunctionContext, invoke

from fakecloud import FakeOrganization


@pytest.fixture
def reporting(org: FakeOrganization, env: Dict[str, str]) -> None:
    org.management.add_bucket(REPORTS, "ap-southeast-1")
    env["REPORT_BUCKET"] = REPORTS
    env["EXCLUDE_BUCKETS"] = REPORTS


def test_a_member_files_under_its_coordinators_day(
    org: FakeOrganization, env: Dict[str, str], monkeypatch: pytest.MonkeyPatch, reporting: None
) -> None:
    issued = int(time.time()) - DAY + 60  # queued yesterday, still within FunctionGraph's event age
    target = org.members()[0].domain_id
    event = signed_fanout({"action": "backfill", "all": True, "account_id": target}, issued=issued)
    result = invoke(org, env, monkeypatch, event, FunctionContext("member-late"))
    day = datetime.fromtimestamp(issued, timezone.utc).strftime("%Y/%m/%d")
    assert result["ok"] is True and len(result["report"]["keys"]) == 4
    for key in result["report"]["keys"]:
        assert key.startswith(f"cts-autotracker/reports/{day}/coordinator-0001/{target}.member-late."), key


def test_the_same_request_id_delivered_twice_adds_objects(
    org: FakeOrganization, env: Dict[str, str], monkeypatch: pytest.MonkeyPatch, reporting: None
) -> None:
    event = signed_fanout({"action": "audit", "account_id": org.members()[0].domain_id})
    first = invoke(org, env, monkeypatch, event, FunctionContext("member-retried"))
    second = invoke(org, env, monkeypatch, event, FunctionContext("member-retried"))
    assert set(first["report"]["keys"]).isdisjoint(second["report"]["keys"])
    assert len([k for k in org.management.obs.keys(REPORTS) if k.endswith((".csv", ".html"))]) == 4


class NoRequestId(FunctionContext):
    def getRequestID(self) -> str:
        return ""


def test_without_a_request_id_the_same_event_never_reuses_a_key(
    org: FakeOrganization, env: Dict[str, str], monkeypatch: pytest.MonkeyPatch, reporting: None
) -> None:
    env["ORGANIZATION_SWEEP"] = "false"
    keys = []
    for _ in range(2):
        result = invoke(org, env, monkeypatch, {"action": "audit"}, NoRequestId())
        keys.append(set(result["report"]["keys"]))
    forms = [k for k in org.management.obs.keys(REPORTS) if k.endswith((".json", ".csv", ".html"))]
    assert keys[0].isdisjoint(keys[1]) and len(forms) == 8
