"""A service's error is read as the service wrote it: a dotted code in one spelling whatever its
case (`sts5.1106` is `STS5.1106`, as `cts.0007` is `CTS.0007`), and an OBS error without an XML
body (HEAD answers headers only) still carries OBS's request id from `x-obs-request-id`."""

from __future__ import annotations

import re

from helpers.world import PROJECT_ID, REGION

OBS_REQUEST_ID = re.compile(r"^[0-9A-F]{32}$")  # the fake's x-obs-request-id (uuid4 hex, upper case)
URN = f"urn:fss:{REGION}:{PROJECT_ID}:function:default:cts-autotracker:latest"


def test_a_dotted_code_with_digits_in_its_service_name_is_upper_cased(invoke, cloud, env) -> None:
    env.update({"TRACE_BUCKET": "trace-{account_id}", "RAISE_ON_TRANSIENT": "false"})
    cloud.faults.inject(status=403, action="GetCallerIdentity", error_code="sts5.1106", count=None)
    result = invoke({"action": "backfill", "all": True})
    assert result["ok"] is False and result["error"]["code"] == "STS5.1106"
    assert not cloud.calls_of("CreateTracker")


def test_a_head_bucket_error_without_a_body_carries_obs_request_id(invoke, cloud) -> None:
    assignment = cloud.rms.add_assignment("cts-coverage", URN)
    cloud.faults.inject(status=403, action="GetBucketMetadata", service="obs", count=None)
    event = {
        "domain_id": cloud.domain_id,
        "policy_assignment_id": assignment,
        "policy_assignment_name": "cts-coverage",
        "function_urn": URN,
        "trigger_type": "resource",
        "evaluation_time": 1764052800000,
        "evaluation_hash": "f0e1d2c3b4a5",
        "rule_parameter": {},
        "invoking_event": {"id": "photos-2026", "provider": "obs", "type": "buckets", "region_id": REGION},
    }
    result = invoke(event)
    (row,) = result["results"]
    assert row["outcome"] == "failed" and row["error"]["code"] == "403"
    assert OBS_REQUEST_ID.match(row["error"]["request_id"] or ""), row["error"]
