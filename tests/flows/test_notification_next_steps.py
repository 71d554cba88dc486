"""The SMN message's "What to do next" names the run's own failure first: a run that failed
before any target was judged (an unreadable inventory, IAM refusing the project listing) still
says what to do about it, and a Config run whose records carry other codes lists the run's step
before theirs."""

from __future__ import annotations

import json
from typing import Any, Dict

from helpers.config import account_record, config_event
from helpers.world import REGION

from autotracker.outputs.notify import NEXT_STEPS, SERVICE_STEP
from fakecloud import FakeCloud

TIMER = {"trigger_type": "TIMER", "trigger_name": "baseline", "time": "2026-12-03T08:30:00+08:00"}
UNREADABLE = "<ListAllMyBucketsResult><Buckets><Bucket>"


def next_steps(cloud: FakeCloud) -> str:
    """The "What to do next:" section of the last e-mail, unwrapped to one line."""
    email = json.loads(cloud.smn.messages[-1]["message_structure"])["email"]
    lines = email.split("\n")
    start = lines.index("What to do next:") + 1
    end = lines.index("", start)
    return " ".join(line.strip() for line in lines[start:end])


def step(*codes: str) -> str:
    return " ".join(f"{code}: {NEXT_STEPS.get(code, SERVICE_STEP)}" for code in codes)


def test_an_unreadable_inventory_on_a_timer_says_what_to_do_about_it(invoke, cloud: FakeCloud, env: Dict[str, str]):
    env["RAISE_ON_TRANSIENT"] = "false"
    cloud.faults.rewrite(lambda _: UNREADABLE, "ListBuckets", service="obs")
    result = invoke(TIMER)
    assert result["error"]["code"] == "InvalidResponse" and result["results"] == []
    assert next_steps(cloud) == step("InvalidResponse")


def test_a_refused_project_listing_in_an_audit_names_the_service_step(invoke, cloud: FakeCloud, env: Dict[str, str]):
    env["RAISE_ON_TRANSIENT"] = "false"
    cloud.faults.inject(status=403, action="KeystoneListProjects", error_code="IAM.0002", count=None)
    result = invoke({"action": "audit"})
    code = result["error"]["code"]
    assert result["ok"] is False and code not in NEXT_STEPS  # a service's code: the generic step
    assert next_steps(cloud) == step(code)


def test_a_config_run_lists_the_runs_own_step_before_its_records(
    invoke, cloud: FakeCloud, env: Dict[str, str], assignment: str
):
    env["RAISE_ON_TRANSIENT"] = "false"
    cloud.faults.rewrite(lambda _: UNREADABLE, "ListBuckets", service="obs")
    result: Dict[str, Any] = invoke(config_event(cloud, assignment, invoking_event=account_record(cloud)))
    assert result["error"]["code"] == "InvalidResponse"
    assert [row["error"]["code"] for row in result["results"]] == ["CoverageUnverified"]
    assert next_steps(cloud) == step("InvalidResponse", "CoverageUnverified")
    assert REGION in json.loads(cloud.smn.messages[-1]["message_structure"])["email"]
