"""What Config is told, after review (issue 20, points 8-9): a periodic evaluation of nothing is
never Compliant; the account record is judged, never counted as a tracked resource, in every
output form; a bucket another tracker writes its trace files to is verified uncovered; the
account row names the record Config sent."""

from __future__ import annotations

import csv
import io
import json
from typing import Any, Dict

from helpers.config import account_record, config_event, seed_compliant, states
from helpers.world import PROJECT_ID, REGION, TRACE_BUCKET

from fakecloud import FakeCloud

REPORTS = "audit-reports"
BUCKETS_ONLY = {"resource_type": {"value": "buckets"}}


def rows(result: Dict[str, Any]) -> Dict[str, Dict[str, Any]]:
    return {
        (r["target"]["name"] or r["target"]["project_id"] or r["target"].get("account_id")): r
        for r in result["results"]
    }


def body(cloud: FakeCloud, keys: Any, suffix: str) -> str:
    found = cloud.obs.object(REPORTS, next(k for k in keys if k.endswith(suffix)))
    assert found is not None
    data = found["body"]
    return data.decode() if isinstance(data, bytes) else str(data)


def test_a_periodic_evaluation_of_an_unknown_region_never_tells_the_account_compliant(invoke, cloud, assignment):
    seed_compliant(cloud, assignment, cloud.domain_id, None, None)
    params = {**BUCKETS_ONLY, "regions": {"value": ["eu-west-999"]}}
    result = invoke(config_event(cloud, assignment, rule_parameter=params, invoking_event=account_record(cloud)))
    assert states(cloud) == {cloud.domain_id: "NonCompliant"}
    assert result["ok"] is False
    account = rows(result)[cloud.domain_id]
    assert account["error"]["code"] == "CoverageUnverified" and "1 could not be judged" in account["reason"]
    assert "UnknownRegion" in {r["error"]["code"] for r in result["results"] if r["error"]}


def test_the_account_record_is_judged_never_counted_as_tracked_in_any_output(invoke, cloud, env, assignment):
    cloud.add_bucket(REPORTS, REGION)
    env.update({"REPORT_BUCKET": REPORTS, "EXCLUDE_BUCKETS": REPORTS})
    result = invoke(config_event(cloud, assignment, rule_parameter=BUCKETS_ONLY, invoking_event=account_record(cloud)))
    assert result["summary"] == {"planned": 2, "judged": 1, "skipped": 2}  # nothing here is covered
    assert rows(result)[cloud.domain_id]["outcome"] == "judged"
    (message,) = cloud.smn.messages
    assert message["subject"].endswith(f"{REGION}: 2 planned, 1 judged, 2 skipped")
    structure = json.loads(message["message_structure"])
    assert "tracked" not in structure["sms"] and "already" not in structure["email"]
    keys = result["report"]["keys"]
    csv_key = next(k for k in keys if k.endswith(".csv"))
    csv_rows = list(csv.DictReader(io.StringIO(body(cloud, [csv_key], ".csv"))))
    assert {r["outcome"] for r in csv_rows if r["kind"] == "account"} == {"judged"}
    report = json.loads(body(cloud, keys, ".json"))
    assert "already_tracked" not in json.dumps(report)
    html = body(cloud, keys, ".html")
    assert "judged" in html and "already_tracked" not in html


def test_a_bucket_another_tracker_writes_to_and_none_records_is_non_compliant(invoke, cloud, assignment):
    cloud.cts.put_tracker(
        PROJECT_ID,
        {
            "tracker_name": "system",
            "tracker_type": "system",
            "obs_info": {"bucket_name": "invoices-archive", "file_prefix_name": "audit"},
        },
    )
    seed_compliant(cloud, assignment, "invoices-archive", "obs", "buckets")
    result = invoke(config_event(cloud, assignment, rule_parameter=BUCKETS_ONLY, invoking_event=account_record(cloud)))
    found = states(cloud)
    assert found["invoices-archive"] == "NonCompliant"
    row = rows(result)["invoices-archive"]
    assert row["error"]["code"] == "TransferBucketConflict" and "coverage could not be verified" not in row["reason"]
    assert rows(result)[cloud.domain_id]["error"]["code"] == "NotCovered"
    assert found[TRACE_BUCKET] == "Compliant"


def test_the_account_row_names_the_record_config_sent(invoke, cloud: FakeCloud, assignment):
    record = {**account_record(cloud), "id": "0123456789abcdef0123456789abcdef"}
    result = invoke(config_event(cloud, assignment, invoking_event=record))
    (row,) = [r for r in result["results"] if r["target"]["kind"] == "account"]
    assert row["target"]["account_id"] == record["id"]
    assert record["id"] in states(cloud)
