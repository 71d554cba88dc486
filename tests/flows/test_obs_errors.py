"""OBS answers errors in XML with its request id in `x-obs-request-id`: the function reports
OBS's own code, message and request id, not the HTTP status and an XML blob."""

from __future__ import annotations

import json
import re

from helpers.world import REGION

REPORTS = "audit-reports"
OBS_REQUEST_ID = re.compile(r"^[0-9A-F]{32}$")  # the fake's x-obs-request-id (uuid4 hex, upper case)


def test_a_put_object_404_is_reported_with_obs_code_message_and_request_id(invoke, cloud, env) -> None:
    env["REPORT_BUCKET"] = "no-such-reports-bucket"  # OBS answers NoSuchBucket in its XML
    result = invoke({"action": "backfill", "all": True})
    error = result["report"]["error"]
    assert error["code"] == "NoSuchBucket"
    assert "The specified bucket does not exist." in error["message"] and "<Error>" not in error["message"]
    assert OBS_REQUEST_ID.match(error["request_id"] or "")
    assert [call.error_code for call in cloud.calls_of("PutObject")] == ["NoSuchBucket"] * 4


def test_an_injected_obs_error_keeps_its_code_and_message(invoke, cloud, env) -> None:
    cloud.add_bucket(REPORTS, REGION)
    env.update({"REPORT_BUCKET": REPORTS, "EXCLUDE_BUCKETS": REPORTS})
    cloud.faults.inject(
        status=403,
        action="PutObject",
        service="obs",
        error_code="AllAccessDisabled",
        message="All access to this bucket has been disabled.",
        count=None,
    )
    result = invoke({"action": "backfill", "all": True})
    error = result["report"]["error"]
    assert error["code"] == "AllAccessDisabled" and "has been disabled" in error["message"]
    assert OBS_REQUEST_ID.match(error["request_id"] or "")
    text = json.loads(cloud.smn.messages[-1]["message_structure"])["email"]
    assert "REPORT NOT WRITTEN" in text and "AllAccessDisabled All access to this bucket" in text


def test_an_obs_listing_refused_is_named_by_obs_code(invoke, cloud, env) -> None:
    env["RAISE_ON_TRANSIENT"] = "false"
    cloud.faults.inject(status=403, action="ListBuckets", service="obs", count=None)
    result = invoke({"action": "backfill", "all": True})
    assert result["error"]["code"] == "AccessDenied" and "<Error>" not in result["error"]["message"]
