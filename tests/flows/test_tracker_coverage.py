"""Only a tracker known to be recording covers, for management trackers too, and CTS's "already
covered" is never taken as covered without a tracker to show for it (issue 20, point 10 after
review)."""

from __future__ import annotations

from typing import Any, Dict, Optional

import pytest
from helpers.config import config_event, states
from helpers.world import PROJECT_ID, REGION, bucket_event

from fakecloud import FakeCloud

TIMER = {"trigger_type": "TIMER", "trigger_name": "baseline", "time": "2026-11-25T08:30:00+08:00"}
UNKNOWN = [
    pytest.param(None, id="absent"),
    pytest.param({"status": "Disabled"}, id="Disabled"),
    pytest.param({"status": ""}, id="empty"),
]


def project_record(project_id: str, name: str) -> Dict[str, Any]:
    return {"id": project_id, "name": name, "provider": "iam", "type": "projects", "region_id": "global"}


def system_tracker_with(cloud: FakeCloud, invoke: Any, status: Optional[Dict[str, Any]]) -> None:
    """The project's management tracker as the baseline wants it, then its status made unknown."""
    invoke(TIMER)
    assert any(t["tracker_type"] == "system" for t in cloud.cts.trackers(PROJECT_ID))
    name = next(t["tracker_name"] for t in cloud.cts.trackers(PROJECT_ID) if t["tracker_type"] == "system")
    if status is None:
        cloud.cts.unset_tracker_fields(PROJECT_ID, name, "status")
    else:
        cloud.cts.set_tracker_fields(PROJECT_ID, name, **status)
    cloud.reset_calls()


@pytest.mark.parametrize("status", UNKNOWN)
def test_a_management_tracker_of_unknown_status_is_non_compliant_in_config(invoke, cloud, assignment, status):
    system_tracker_with(cloud, invoke, status)
    event = config_event(cloud, assignment, "resource", invoking_event=project_record(PROJECT_ID, REGION))
    result = invoke(event)
    (row,) = result["results"]
    assert states(cloud) == {PROJECT_ID: "NonCompliant"}
    assert row["error"]["code"] == "TrackerDrift" and result["ok"] is False


@pytest.mark.parametrize("status", UNKNOWN)
def test_a_management_tracker_of_unknown_status_is_drift_in_a_sweep(invoke, cloud, status):
    system_tracker_with(cloud, invoke, status)
    result = invoke(TIMER)
    (row,) = [
        r for r in result["results"] if r["target"]["kind"] == "project" and r["target"]["project_id"] == PROJECT_ID
    ]
    assert row["outcome"] == "already_tracked" and row["error"]["code"] == "TrackerDrift"
    assert result["ok"] is False


def test_cts_saying_covered_with_no_covering_tracker_listed_is_never_plain_covered(invoke, cloud, env):
    env["RAISE_ON_TRANSIENT"] = "false"
    cloud.faults.inject(status=400, error_code="CTS.0209", action="CreateTracker", count=1)
    result = invoke(bucket_event("photos-2026"))
    (row,) = result["results"]
    assert row["outcome"] == "already_tracked" and row["error"]["code"] == "CoverageUnverified"
    assert "no covering tracker is listed" in row["reason"] and result["ok"] is False


def test_a_gap_says_why_the_tracker_does_not_count_in_the_words_of_a_sweep(invoke, cloud, env):
    """One wording for one fact: the event path's gap reads as the sweep's drift."""
    env["RAISE_ON_TRANSIENT"] = "false"
    invoke(bucket_event("photos-2026"))
    cloud.cts.set_tracker_fields(PROJECT_ID, "obs-photos-2026", status="paused")
    sweep = next(r for r in invoke(TIMER)["results"] if r["target"]["name"] == "photos-2026")
    event = invoke(bucket_event("photos-2026"))["results"][0]
    wording = "tracker status 'paused' is not known to mean recording"
    assert wording in sweep["error"]["message"] and wording in event["error"]["message"]
