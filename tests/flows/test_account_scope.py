"""One account scope per invocation (issue 21): this function's own account is looked up once,
however many parts of the invocation ask (TRACE_BUCKET's `{account_id}`, the report's account)."""

from __future__ import annotations

import json

from helpers.world import REGION

REPORTS = "audit-reports"


def test_its_own_account_is_looked_up_once_for_the_bucket_and_the_report(invoke, cloud, env) -> None:
    cloud.add_bucket(f"trace-{cloud.domain_id}", REGION)
    cloud.add_bucket(REPORTS, REGION)
    env["TRACE_BUCKET"] = "trace-{account_id}"
    env["REPORT_BUCKET"] = REPORTS
    env["EXCLUDE_BUCKETS"] = f"{REPORTS},trace-*"
    result = invoke({"action": "backfill", "all": True})
    assert result["ok"] is True, result
    assert len(cloud.calls_of("GetCallerIdentity")) == 1
    created = [call.request_json for call in cloud.calls_of("CreateTracker")]
    assert created and all(body["obs_info"]["bucket_name"] == f"trace-{cloud.domain_id}" for body in created)
    (key,) = [key for key in result["report"]["keys"] if key.endswith(".json") and not key.endswith(".ocsf.json")]
    report = json.loads(cloud.obs.object(REPORTS, key)["body"])
    assert report["run"]["account"] == f"account {cloud.domain_id}"
