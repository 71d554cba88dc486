"""The function as a Config (RMS) custom rule: each judged resource gets one UpdatePolicyState,
with the event's identifiers echoed, and nothing is ever created or repaired."""

from __future__ import annotations

from typing import Any, Dict

import pytest
from helpers.config import config_event, states
from helpers.world import NEW_PROJECT_ID, PROJECT_ID, REGION, TRACE_BUCKET, bucket_event


def bucket_resource(name: str, region: str = REGION) -> Dict[str, Any]:
    """Config's resource record of an OBS bucket (the Config user guide's example event)."""
    return {
        "id": name,
        "name": name,
        "provider": "obs",
        "type": "buckets",
        "region_id": region,
        "tags": {},
        "created": "2026-11-25T10:00:00.000+0000",
        "updated": "2026-11-25T10:00:00.000+0000",
        "properties": {},
    }


def test_a_covered_bucket_is_compliant_and_the_event_is_echoed(invoke, cloud, assignment) -> None:
    invoke(bucket_event("photos-2026"))  # covered by the function itself
    cloud.reset_calls()
    event = config_event(cloud, assignment, "resource", invoking_event=bucket_resource("photos-2026"))
    result = invoke(event)
    assert result["ok"] is True and result["trigger"] == "config"
    (entry,) = result["results"]
    assert entry["outcome"] == "already_tracked" and "reported Compliant to Config" in entry["reason"]
    (state,) = cloud.rms.states()
    assert state == {
        "policy_resource": {
            "resource_id": "photos-2026",
            "resource_name": "photos-2026",
            "resource_provider": "obs",
            "resource_type": "buckets",
            "region_id": REGION,
            "domain_id": cloud.domain_id,
        },
        "trigger_type": "resource",
        "compliance_state": "Compliant",
        "policy_assignment_id": assignment,
        "policy_assignment_name": "cts-coverage",
        "evaluation_time": "1764052800000",
        "evaluation_hash": "f0e1d2c3b4a5",
    }
    assert not cloud.write_calls("cts") and not cloud.write_calls("obs")


def test_an_uncovered_bucket_is_non_compliant_and_nothing_is_created(invoke, cloud, assignment) -> None:
    result = invoke(config_event(cloud, assignment, "resource", invoking_event=bucket_resource("photos-2026")))
    (entry,) = result["results"]
    assert entry["outcome"] == "planned" and entry["error"]["code"] == "NotCovered"
    assert states(cloud) == {"photos-2026": "NonCompliant"}
    assert not cloud.mutating_calls()


def test_a_drifted_tracker_is_non_compliant_and_the_rule_can_narrow_the_data_events(invoke, cloud, assignment):
    cloud.cts.put_tracker(
        PROJECT_ID,
        {
            "tracker_name": "obs-photos-2026",
            "obs_info": {"bucket_name": TRACE_BUCKET, "file_prefix_name": "audit"},
            "data_bucket": {"data_bucket_name": "photos-2026", "data_event": ["WRITE"]},
        },
    )
    resource = bucket_resource("photos-2026")
    invoke(config_event(cloud, assignment, "resource", invoking_event=resource))
    assert states(cloud) == {"photos-2026": "NonCompliant"}  # READ is not recorded
    narrowed = {"data_events": {"value": "WRITE"}}
    invoke(config_event(cloud, assignment, "resource", invoking_event=resource, rule_parameter=narrowed))
    assert states(cloud) == {"photos-2026": "Compliant"}


def test_a_project_is_judged_by_its_management_tracker(invoke, cloud, assignment) -> None:
    project = {"id": NEW_PROJECT_ID, "name": f"{REGION}_analytics", "provider": "iam", "type": "projects"}
    result = invoke(config_event(cloud, assignment, "resource", invoking_event=project))
    (entry,) = result["results"]
    assert entry["target"]["project_id"] == NEW_PROJECT_ID
    (state,) = cloud.rms.states()
    assert state["compliance_state"] == "NonCompliant"
    assert state["policy_resource"]["resource_provider"] == "iam"
    assert state["policy_resource"]["resource_type"] == "projects"


def test_a_period_evaluation_reports_every_resource_in_scope(invoke, cloud, assignment) -> None:
    invoke(bucket_event("photos-2026"))
    cloud.reset_calls()
    result = invoke(config_event(cloud, assignment))
    assert states(cloud) == {
        "photos-2026": "Compliant",
        "invoices-archive": "NonCompliant",
        TRACE_BUCKET: "Compliant",  # the transfer bucket is never tracked, by design
        PROJECT_ID: "NonCompliant",
        NEW_PROJECT_ID: "NonCompliant",
    }
    assert len(result["results"]) == 5 and not cloud.mutating_calls()
    assert {s["trigger_type"] for s in cloud.rms.states()} == {"period"}


def test_a_period_evaluation_can_be_limited_to_one_resource_type(invoke, cloud, assignment) -> None:
    invoke(config_event(cloud, assignment, rule_parameter={"resource_type": {"value": "buckets"}}))
    assert set(states(cloud)) == {"photos-2026", "invoices-archive", TRACE_BUCKET}


@pytest.mark.parametrize(
    "change, problem",
    [
        ({"rule_parameter": {"dataEvents": {"value": "READ"}}}, "unknown rule parameter(s) 'dataEvents'"),
        ({"rule_parameter": {"data_events": {"value": "DELETE"}}}, "rule parameter data_events: READ and/or WRITE"),
        ({"rule_parameter": {"regions": {"value": ["AP_SOUTHEAST"]}}}, "rule parameter regions"),
        ({"trigger_type": "resource"}, "a resource evaluation needs invoking_event"),
        (
            {"trigger_type": "resource", "invoking_event": {"id": "i-1", "provider": "ecs", "type": "cloudservers"}},
            "resource type 'ecs/cloudservers' is not evaluated by this rule",
        ),
        ({"trigger_type": "sometimes"}, "trigger_type"),
    ],
)
def test_a_bad_rule_event_is_refused_and_nothing_is_reported(invoke, cloud, assignment, change, problem) -> None:
    result = invoke({**config_event(cloud, assignment), **change})
    assert result["ok"] is False and result["error"]["code"] == "InvalidEvent"
    assert problem in result["error"]["message"] and result["trigger"] == "config"
    assert not cloud.calls


def test_a_refused_policy_state_fails_that_resource_only(invoke, cloud, assignment, env) -> None:
    env["RAISE_ON_TRANSIENT"] = "false"
    cloud.faults.inject(status=500, action="UpdatePolicyState", count=None)
    result = invoke(config_event(cloud, assignment, "resource", invoking_event=bucket_resource("photos-2026")))
    (entry,) = result["results"]
    assert entry["outcome"] == "failed" and "reporting it to Config failed" in entry["reason"]
    assert result["ok"] is False and not cloud.rms.states()


def test_an_unknown_assignment_is_reported_as_the_services_error(invoke, cloud, assignment, env) -> None:
    env["RAISE_ON_TRANSIENT"] = "false"
    result = invoke(config_event(cloud, "0" * 24, "resource", invoking_event=bucket_resource("photos-2026")))
    (entry,) = result["results"]
    assert entry["error"]["code"] == "RMS.00010004"


def test_an_evaluation_calls_only_reads_the_policy_state_and_the_report(invoke, cloud, assignment, env) -> None:
    from autotracker.settings import load_settings, read_environment
    from deployer.policy import grants_for

    invoke(config_event(cloud, assignment))
    used = {(call.service, call.action) for call in cloud.calls}
    assert used == {
        ("iam", "KeystoneListProjects"),
        ("obs", "ListBuckets"),
        ("cts", "ListTrackers"),
        ("rms", "UpdatePolicyState"),
        ("smn", "PublishMessage"),
    }
    granted = {g.action for g in grants_for(load_settings(read_environment(env)), config_rule=True)}
    assert "rms:policyStates:update" in granted
    assert "rms:policyStates:update" not in {g.action for g in grants_for(load_settings(read_environment(env)))}
