"""Contract: Config's documented periodic event (fixtures/config_period_event.json, sources in
SOURCES.md) drives the function through `index.handler` against the fake, and the function
reports what the documented sample function would (one state for the account record the event
names, echoed as sent), and one state per resource in scope."""

from __future__ import annotations

import json
import pathlib
from typing import Any, Dict

from helpers.config import account_policy_resource
from helpers.world import NEW_PROJECT_ID, PROJECT_ID, REGION

from fakecloud import FakeCloud

FIXTURE = pathlib.Path(__file__).parent / "fixtures" / "config_period_event.json"
URN = f"urn:fss:{REGION}:{PROJECT_ID}:function:default:cts-autotracker:latest"


def documented_event(cloud: FakeCloud) -> Dict[str, Any]:
    """The documented event with its placeholder account (`"domain_id"`) made the fake's."""
    event: Dict[str, Any] = json.loads(FIXTURE.read_text(encoding="utf-8"))
    assert event["domain_id"] == event["invoking_event"]["id"] == "domain_id"
    assert (event["invoking_event"]["provider"], event["invoking_event"]["type"]) == (None, None)
    event["domain_id"] = event["invoking_event"]["id"] = cloud.domain_id
    return event


def test_the_documented_periodic_event_is_evaluated(invoke, cloud: FakeCloud) -> None:
    event = documented_event(cloud)
    assignment = cloud.rms.add_assignment(
        event["policy_assignment_name"], URN, assignment_id=event["policy_assignment_id"]
    )
    result = invoke(event)
    assert result["error"] is None and result["trigger"] == "config"
    reported = {s["policy_resource"]["resource_id"]: s for s in cloud.rms.states(assignment)}
    assert set(reported) == {
        cloud.domain_id,
        "photos-2026",
        "invoices-archive",
        "trace-archive",
        PROJECT_ID,
        NEW_PROJECT_ID,
    }
    account = reported[cloud.domain_id]
    assert account["policy_resource"] == account_policy_resource(cloud.domain_id)
    assert account["compliance_state"] == "NonCompliant"  # nothing is covered yet in this account
    assert (account["evaluation_time"], account["evaluation_hash"]) == (
        str(event["evaluation_time"]),
        event["evaluation_hash"],
    )
    assert {s["trigger_type"] for s in reported.values()} == {"period"}
