"""Config's remediation calling the function (issue 23, item 2): a backfill of the one resource it
names, through index.handler, the SDK and the fake cloud. Both plausible invocation shapes are
read (parameters at the top level, or under `parameters`); anything outside scope changes
nothing and says why; a malformed one is refused and creates nothing."""

from __future__ import annotations

import json
from typing import Any, Dict, List

import pytest
from helpers.world import NEW_PROJECT_ID, PROJECT_ID, REGION, TRACE_BUCKET

from autotracker.contract import ErrorCode


def top_level(resource_id: str, resource_type: Any = "buckets", **extra: Any) -> Dict[str, Any]:
    event = {"resource_id": resource_id, **extra}
    if resource_type is not None:
        event["resource_type"] = resource_type
    return event


def nested(resource_id: str, resource_type: Any = "buckets") -> Dict[str, Any]:
    parameters = {"resource_id": resource_id, "resource_type": resource_type}
    return {"policy_assignment_id": "a1b2c3", "parameters": parameters}  # what else Config sends is ignored


SHAPES = pytest.mark.parametrize("shape", [top_level, nested], ids=["top-level", "nested"])


def created(cloud) -> List[Dict[str, Any]]:
    return [call.request_json for call in cloud.calls_of("CreateTracker")]


def message_text(cloud) -> str:
    [message] = cloud.smn.messages
    return " ".join(json.loads(message["message_structure"])["default"].split())  # unwrapped


@SHAPES
def test_an_uncovered_bucket_gets_its_data_tracker_and_it_is_reported(invoke, cloud, shape) -> None:
    result = invoke(shape("photos-2026"))
    assert result["ok"] is True, result
    assert result["trigger"] == "remediation"
    [line] = result["results"]
    assert line["outcome"] == "created"
    assert line["target"] == {"kind": "bucket", "name": "photos-2026", "project_id": PROJECT_ID, "region": REGION}
    [body] = created(cloud)
    assert body["tracker_type"] == "data" and body["data_bucket"]["data_bucket_name"] == "photos-2026"
    assert [t["tracker_name"] for t in cloud.cts.trackers(PROJECT_ID)] == [line["tracker"]["name"]]
    text = message_text(cloud)
    assert "Trigger: remediation" in text
    assert "created" in text and "photos-2026" in text


def test_a_project_gets_its_management_tracker_and_nothing_else(invoke, cloud) -> None:
    result = invoke(top_level(NEW_PROJECT_ID, "projects"))
    assert result["ok"] is True, result
    [line] = result["results"]
    assert (line["outcome"], line["target"]["project_id"], line["tracker"]["type"]) == (
        "created",
        NEW_PROJECT_ID,
        "system",
    )
    assert [call.request_json["tracker_type"] for call in cloud.calls_of("CreateTracker")] == ["system"]
    assert cloud.cts.trackers(PROJECT_ID) == []  # the function's own project is not touched


def test_a_covered_bucket_is_left_as_it_is(invoke, cloud) -> None:
    invoke(top_level("photos-2026"))
    again = invoke(top_level("photos-2026"))
    assert again["ok"] is True and [r["outcome"] for r in again["results"]] == ["already_tracked"]
    assert len(created(cloud)) == 1


@pytest.mark.parametrize(
    ("event", "why"),
    [
        (top_level(TRACE_BUCKET), "transfer bucket"),
        (top_level("invoices-archive"), "EXCLUDE_BUCKETS"),
        (top_level("eu-bucket"), "outside this function's regions"),
        (top_level(PROJECT_ID, None), "no resource_type (the periodic assignment's record is the account)"),
        (top_level(PROJECT_ID, "vpcs"), "resource_type 'vpcs'"),
        (nested("abc", "ecs"), "resource_type 'ecs'"),
    ],
    ids=["transfer-bucket", "excluded", "region-outside-scope", "account-record", "unknown-type", "nested-unknown"],
)
def test_a_resource_outside_scope_changes_nothing_and_says_why(invoke, cloud, env, event, why) -> None:
    cloud.add_bucket("eu-bucket", "eu-west-101")
    cloud.add_project("eu-west-101", project_id="e0e1e2e3e4e5e6e7e8e9eaebecedeeef")
    env["EXCLUDE_BUCKETS"] = "invoices-*"
    result = invoke(event)
    [line] = result["results"]
    assert line["outcome"] == "skipped"
    assert why in line["reason"]
    assert created(cloud) == [] and not cloud.calls_of("UpdateTracker")
    assert result["quota"] == []  # nothing of a resource outside scope is counted either
    assert why in message_text(cloud)
    if line["error"] is not None:  # not covered by design (excluded) is quiet; a misdirected remediation is not
        assert line["error"]["code"] == ErrorCode.NOT_IN_SCOPE
        assert result["ok"] is False
        assert f"{ErrorCode.NOT_IN_SCOPE}:" in message_text(cloud)


@pytest.mark.parametrize(
    ("event", "said"),
    [
        ({"resource_id": ""}, "resource_id"),
        ({"resource_id": 42, "resource_type": "buckets"}, "resource_id"),
        (top_level("Bad_Bucket!"), "bucket name 'Bad_Bucket!'"),
        (top_level("a/b", "projects"), "project id 'a/b'"),
        ({"parameters": {"resource_id": "photos-2026", "bucket": "x"}}, "unknown parameter(s) 'bucket'"),
        ({"resource_id": "photos-2026", "parameters": {"resource_id": "x"}}, "both at the top level and under"),
        ({"parameters": {"resource_id": ["photos-2026"]}}, "resource_id"),
    ],
    ids=["empty-id", "number-id", "bad-bucket", "bad-project", "unknown-parameter", "both-shapes", "list-id"],
)
def test_a_malformed_remediation_is_refused_and_creates_nothing(invoke, cloud, event, said) -> None:
    result = invoke(event)
    assert result["ok"] is False
    assert result["results"] == []
    assert result["error"]["code"] == ErrorCode.INVALID_EVENT
    assert result["error"]["message"].startswith("invalid Config remediation: ")
    assert said in result["error"]["message"]
    assert created(cloud) == [] and not cloud.calls_of("ListTrackers")


def test_a_transient_failure_is_answered_not_raised(invoke, cloud) -> None:
    """Config waits for the remediation's answer (docs/config-rule.md): it is not retried by FunctionGraph, so a
    failure is in the answer, never an exception."""
    cloud.faults.inject(status=503, action="CreateTracker", count=None)
    result = invoke(top_level("photos-2026"))
    assert result["ok"] is False
    [line] = result["results"]
    assert line["outcome"] == "failed" and created(cloud)  # tried, and said so


def test_a_manual_request_with_a_stray_resource_id_stays_a_manual_request(invoke, cloud) -> None:
    result = invoke({"action": "backfill", "buckets": ["photos-2026"], "resource_id": "invoices-archive"})
    assert result["trigger"] == "manual" and result["error"]["code"] == ErrorCode.INVALID_EVENT
    assert "resource_id" in result["error"]["message"] and created(cloud) == []
