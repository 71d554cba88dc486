"""What Config is told (issue 20, points 8-12): the documented periodic event is read and its
account record gets a state; a bucket verified as uncovered is NonCompliant whatever keeps it
from being fixed; only a tracker known to be recording covers; a bucket record names one
bucket; and judging one bucket costs a constant number of calls, whatever the account holds."""

from __future__ import annotations

import json
from typing import Any, Dict, List, Optional

import pytest
from helpers.config import account_policy_resource, account_record, bucket_record, config_event, states
from helpers.world import PROJECT_ID, REGION, TRACE_BUCKET, bucket_event

from fakecloud import FakeCloud

EU, EU_PROJECT_ID = "eu-west-101", "e0e1e2e3e4e5e6e7e8e9eaebecedeeef"
TIMER = {"trigger_type": "TIMER", "trigger_name": "baseline", "time": "2026-11-25T08:30:00+08:00"}


def cover(cloud: FakeCloud, bucket: str, **fields: Any) -> None:
    """A data tracker recording `bucket` as the baseline wants (the environment's transfer settings)."""
    record = {
        "tracker_name": "custom-" + bucket,
        "tracker_type": "data",
        "obs_info": {"bucket_name": TRACE_BUCKET, "file_prefix_name": "audit", "bucket_lifecycle": 180},
        "data_bucket": {"data_bucket_name": bucket, "data_event": ["READ", "WRITE"]},
        **fields,
    }
    cloud.cts.put_tracker(PROJECT_ID, record)


def by_name(result: Dict[str, Any]) -> Dict[str, Dict[str, Any]]:
    return {
        (r["target"]["name"] or r["target"]["project_id"] or r["target"].get("account_id")): r
        for r in result["results"]
    }


# -- 8. the documented periodic event ----------------------------------------------------------
def test_the_documented_periodic_event_reports_the_account_record_and_every_resource(invoke, cloud, assignment):
    for bucket in ("photos-2026", "invoices-archive"):
        cover(cloud, bucket)
    event = config_event(cloud, assignment, rule_parameter={"resource_type": {"value": "buckets"}})
    result = invoke({**event, "invoking_event": account_record(cloud)})
    assert result["error"] is None and result["ok"] is True
    assert states(cloud) == {
        "photos-2026": "Compliant",
        "invoices-archive": "Compliant",
        TRACE_BUCKET: "Compliant",
        cloud.domain_id: "Compliant",
    }
    account = next(s for s in cloud.rms.states() if s["policy_resource"]["resource_id"] == cloud.domain_id)
    assert account["policy_resource"] == account_policy_resource(cloud.domain_id)
    row = by_name(result)[cloud.domain_id]
    assert row["target"]["kind"] == "account" and "reported Compliant to Config" in row["reason"]
    assert not cloud.mutating_calls()


def test_the_account_record_is_non_compliant_when_any_resource_is_not_covered(invoke, cloud, assignment):
    cover(cloud, "photos-2026")
    result = invoke(config_event(cloud, assignment, invoking_event=account_record(cloud)))
    found = states(cloud)
    assert found["invoices-archive"] == "NonCompliant" and found[cloud.domain_id] == "NonCompliant"
    row = by_name(result)[cloud.domain_id]
    assert row["error"]["code"] == "NotCovered" and "not covered" in row["reason"]
    message = json.loads(cloud.smn.messages[-1]["message_structure"])["email"]
    assert cloud.domain_id in message and "NotCovered" in message


def test_the_account_record_is_non_compliant_when_a_resource_could_not_be_judged(invoke, cloud, assignment, env):
    """A partial evaluation never reads as all covered: a listing that failed leaves its resource
    NonCompliant (unverified, see test_config_rule_unreadable.py), and the account record
    NonCompliant (coverage unverified)."""
    env["RAISE_ON_TRANSIENT"] = "false"
    for bucket in ("photos-2026", "invoices-archive"):
        cover(cloud, bucket)
    cloud.faults.inject(status=500, action="ListTrackers", count=None)
    result = invoke(config_event(cloud, assignment, invoking_event=account_record(cloud)))
    found = states(cloud)
    assert found.pop(TRACE_BUCKET) == "Compliant"  # excluded by design
    assert set(found.values()) == {"NonCompliant"} and cloud.domain_id in found
    row = by_name(result)[cloud.domain_id]
    assert row["error"]["code"] == "CoverageUnverified" and "could not be judged" in row["reason"]


def test_a_periodic_event_without_a_record_still_reports_every_resource_alone(invoke, cloud, assignment):
    result = invoke(config_event(cloud, assignment, rule_parameter={"resource_type": {"value": "buckets"}}))
    assert set(states(cloud)) == {"photos-2026", "invoices-archive", TRACE_BUCKET}
    assert all(r["target"]["kind"] == "bucket" for r in result["results"])


def test_a_resource_event_with_a_null_type_is_refused(invoke, cloud, assignment):
    result = invoke(config_event(cloud, assignment, "resource", invoking_event=account_record(cloud)))
    assert result["error"]["code"] == "InvalidEvent" and "'null/null' is not evaluated" in result["error"]["message"]
    assert not cloud.calls


# -- 9. verified uncovered, whatever keeps it from being fixed ---------------------------------
def test_buckets_beyond_a_full_quota_are_non_compliant_and_a_stale_compliant_is_replaced(invoke, cloud, assignment):
    for index in range(100):
        bucket = f"old-{index:03d}"
        cloud.add_bucket(bucket, REGION)
        cover(cloud, bucket)
    event = config_event(cloud, assignment, rule_parameter={"resource_type": {"value": "buckets"}})
    stale = {"resource_id": "photos-2026", "resource_provider": "obs", "resource_type": "buckets"}
    cloud.rms.update_policy_state(
        cloud.domain_id,
        {
            "policy_resource": {**stale, "region_id": REGION, "domain_id": cloud.domain_id},
            "trigger_type": "period",
            "compliance_state": "Compliant",
            "policy_assignment_id": assignment,
            "evaluation_time": "1764000000000",
            "evaluation_hash": "earlier",
        },
    )
    result = invoke({**event, "invoking_event": account_record(cloud)})
    found = states(cloud)
    assert found["photos-2026"] == "NonCompliant" and found["invoices-archive"] == "NonCompliant"
    assert found[cloud.domain_id] == "NonCompliant"
    rows = by_name(result)
    assert rows["photos-2026"]["error"]["code"] == "QuotaExhausted"
    assert "reported NonCompliant to Config" in rows["photos-2026"]["reason"]
    assert not cloud.mutating_calls()


# -- 10. only a status known to mean recording covers ------------------------------------------
UNKNOWN_STATUSES = [
    pytest.param(None, id="absent"),
    pytest.param({"status": None}, id="null"),
    pytest.param({"status": ""}, id="empty"),
    pytest.param({"status": "Disabled"}, id="Disabled"),
    pytest.param({"status": "paused"}, id="unknown"),
]


def with_status(cloud: FakeCloud, status: Optional[Dict[str, Any]]) -> None:
    cover(cloud, "photos-2026")
    if status is None:
        cloud.cts.unset_tracker_fields(PROJECT_ID, "custom-photos-2026", "status")
    else:
        cloud.cts.set_tracker_fields(PROJECT_ID, "custom-photos-2026", **status)


@pytest.mark.parametrize("status", UNKNOWN_STATUSES)
def test_a_tracker_of_unknown_status_is_non_compliant_in_config(invoke, cloud, assignment, status):
    with_status(cloud, status)
    result = invoke(config_event(cloud, assignment, "resource", invoking_event=bucket_record("photos-2026")))
    (row,) = result["results"]
    assert states(cloud) == {"photos-2026": "NonCompliant"}
    assert row["outcome"] == "already_tracked" and row["error"]["code"] == "TrackerDrift"


@pytest.mark.parametrize("status", UNKNOWN_STATUSES)
def test_a_tracker_of_unknown_status_is_drift_in_a_sweep(invoke, cloud, status):
    with_status(cloud, status)
    result = invoke(TIMER)
    row = by_name(result)["photos-2026"]
    assert row["outcome"] == "already_tracked" and row["error"]["code"] == "TrackerDrift"
    assert result["ok"] is False


@pytest.mark.parametrize("status", UNKNOWN_STATUSES)
def test_a_tracker_of_unknown_status_is_a_gap_for_an_event(invoke, cloud, status):
    """CTS refuses the create (the bucket is tracked); the covering tracker is looked up and its
    status is not taken for recording."""
    with_status(cloud, status)
    result = invoke(bucket_event("photos-2026"))
    (row,) = result["results"]
    assert row["outcome"] == "already_tracked" and row["error"]["code"] == "TrackerDrift"
    assert "custom-photos-2026" in row["error"]["message"]


def test_enabled_in_any_case_covers(invoke, cloud, assignment):
    with_status(cloud, {"status": "ENABLED"})
    invoke(config_event(cloud, assignment, "resource", invoking_event=bucket_record("photos-2026")))
    assert states(cloud) == {"photos-2026": "Compliant"}


# -- 11. one bucket, judged and reported ------------------------------------------------------
def test_a_bucket_record_whose_id_and_name_disagree_is_refused(invoke, cloud, assignment):
    cover(cloud, "photos-2026")
    record = bucket_record("invoices-archive", name="photos-2026")
    result = invoke(config_event(cloud, assignment, "resource", invoking_event=record))
    assert result["ok"] is False and result["error"]["code"] == "InvalidEvent"
    assert "names two buckets" in result["error"]["message"]
    assert not cloud.calls and not cloud.rms.states()


def test_a_bucket_record_is_judged_and_reported_by_its_id(invoke, cloud, assignment):
    cover(cloud, "photos-2026")
    result = invoke(config_event(cloud, assignment, "resource", invoking_event=bucket_record("invoices-archive")))
    (row,) = result["results"]
    assert row["target"]["name"] == "invoices-archive"
    (state,) = cloud.rms.states()
    resource = state["policy_resource"]
    assert (resource["resource_id"], resource["resource_name"]) == ("invoices-archive", "invoices-archive")
    assert state["compliance_state"] == "NonCompliant"


@pytest.mark.parametrize("bucket_id", ["evil.example.com/x", "Photos", "a", "x" * 64])
def test_a_bucket_record_that_is_no_bucket_name_is_refused_before_any_call(invoke, cloud, assignment, bucket_id):
    result = invoke(config_event(cloud, assignment, "resource", invoking_event=bucket_record(bucket_id)))
    assert result["error"]["code"] == "InvalidEvent" and "bucket name" in result["error"]["message"]
    assert not cloud.calls


# -- 12. one bucket, a constant number of calls -----------------------------------------------
JUDGED = ["GetBucketMetadata", "KeystoneListProjects", "ListTrackers", "UpdatePolicyState"]


def judge_one(invoke, cloud: FakeCloud, assignment: str, bucket: str, region: str = REGION) -> List[str]:
    """The calls one bucket's evaluation made (but the report's publish), sorted: some overlap."""
    cloud.reset_calls()
    invoke(config_event(cloud, assignment, "resource", invoking_event=bucket_record(bucket, bucket, region)))
    return sorted(call.action for call in cloud.calls if call.service != "smn")


def test_judging_one_bucket_does_not_list_the_account(invoke, cloud, assignment):
    cover(cloud, "photos-2026")
    few = judge_one(invoke, cloud, assignment, "photos-2026")
    for index in range(500):
        cloud.add_bucket(f"bulk-{index:04d}", REGION)
    many = judge_one(invoke, cloud, assignment, "photos-2026")
    assert few == many == JUDGED
    assert states(cloud) == {"photos-2026": "Compliant"}


def test_one_bucket_in_another_region_is_judged_in_that_regions_project(invoke, cloud, assignment):
    cloud.add_project(EU, project_id=EU_PROJECT_ID)
    cloud.add_bucket("eu-archive", EU)
    cover(cloud, "photos-2026")
    assert judge_one(invoke, cloud, assignment, "eu-archive", EU) == JUDGED
    (listing,) = cloud.calls_of("ListTrackers")
    assert EU_PROJECT_ID in listing.path
    assert states(cloud) == {"eu-archive": "NonCompliant"}


def test_a_wrong_region_in_the_record_costs_calls_never_the_judgement(invoke, cloud, assignment):
    """The record says the function's region; HEAD says EU. The function's own project, listed
    while HEAD answered, holds a tracker naming the bucket: it must not count for an EU bucket."""
    cloud.add_project(EU, project_id=EU_PROJECT_ID)
    cloud.add_bucket("eu-archive", EU)
    cover(cloud, "eu-archive")  # seeded in the function's own project, where it cannot record an EU bucket
    actions = judge_one(invoke, cloud, assignment, "eu-archive", REGION)
    assert len(actions) <= 6 and "ListBuckets" not in actions
    assert states(cloud) == {"eu-archive": "NonCompliant"}
    assert any(EU_PROJECT_ID in call.path for call in cloud.calls_of("ListTrackers"))


def test_a_bucket_that_does_not_exist_gets_no_state(invoke, cloud, assignment):
    actions = judge_one(invoke, cloud, assignment, "gone-bucket")
    assert "GetBucketMetadata" in actions and "ListBuckets" not in actions and "UpdatePolicyState" not in actions
    assert not cloud.rms.states()


def test_the_transfer_bucket_is_compliant_without_a_tracker_lookup(invoke, cloud, assignment):
    actions = judge_one(invoke, cloud, assignment, TRACE_BUCKET)
    assert actions == ["GetBucketMetadata", "UpdatePolicyState"]
    assert states(cloud) == {TRACE_BUCKET: "Compliant"}
