"""What Config is told when the evaluation cannot read what it judges (issue 20, points 8-9,
"evidence never lies"): the record the event names is never left with a stale Compliant. A
periodic evaluation whose inventory cannot be read at all reports its account record
NonCompliant (coverage unverified), with the event's own hash and time, and the invocation still
says it failed; a resource that could not be judged, but can be named as Config names it, is
NonCompliant rather than left as it was; nothing is ever Compliant unless verified."""

from __future__ import annotations

import json
from typing import Any, Dict, List

import pytest
from helpers.config import HASH, TIME, account_record, bucket_record, config_event, seed_compliant, state, states
from helpers.world import NEW_PROJECT_ID, PROJECT_ID, REGION, TRACE_BUCKET, quiet_env

from fakecloud import FakeCloud

REPORTS = "audit-reports"
EU, EU_PROJECT_ID = "eu-west-101", "e0e1e2e3e4e5e6e7e8e9eaebecedeeef"


@pytest.fixture
def reporting(cloud: FakeCloud, env: Dict[str, str]) -> None:
    cloud.add_bucket(REPORTS, REGION)
    env.update({"REPORT_BUCKET": REPORTS, "EXCLUDE_BUCKETS": REPORTS})


def project_record(project_id: str, name: str) -> Dict[str, Any]:
    return {"id": project_id, "name": name, "provider": "iam", "type": "projects", "region_id": "global"}


def rows(result: Dict[str, Any]) -> Dict[str, Dict[str, Any]]:
    return {
        (r["target"]["name"] or r["target"]["project_id"] or r["target"].get("account_id")): r
        for r in result["results"]
    }


def email(cloud: FakeCloud) -> str:
    return str(json.loads(cloud.smn.messages[-1]["message_structure"])["email"])


def report_json(cloud: FakeCloud) -> Dict[str, Any]:
    (key,) = [
        key
        for key in cloud.obs.keys(REPORTS)
        if key.endswith(".json") and not key.endswith(".ocsf.json") and "/organization/" not in key
    ]
    found = cloud.obs.object(REPORTS, key)
    assert found is not None
    return dict(json.loads(found["body"]))


# -- a periodic evaluation whose inventory cannot be read at all --------------------------------
UNREADABLE = [
    pytest.param("ListBuckets", 403, "listing buckets (OBS) failed", id="OBS ListBuckets 403"),
    pytest.param("KeystoneListProjects", 403, "listing projects (IAM) failed", id="IAM project listing 403"),
    pytest.param("KeystoneListProjects", 500, "listing projects (IAM) failed", id="IAM listing 500 after retries"),
]


@pytest.mark.parametrize("action, status, what", UNREADABLE)
def test_an_unreadable_inventory_makes_the_account_record_non_compliant_and_the_run_failed(
    invoke, cloud, env, assignment, reporting, action, status, what
):
    env.update({"RAISE_ON_TRANSIENT": "false"})
    seed_compliant(cloud, assignment, cloud.domain_id, None, None)
    cloud.faults.inject(status=status, action=action, count=None)
    result = invoke(config_event(cloud, assignment, invoking_event=account_record(cloud)))

    told = state(cloud, cloud.domain_id)
    assert told["compliance_state"] == "NonCompliant"
    assert told["evaluation_hash"] == HASH and told["evaluation_time"] == str(TIME)
    assert told["policy_resource"]["resource_name"] == "Account" and told["policy_resource"]["resource_type"] is None
    assert states(cloud) == {cloud.domain_id: "NonCompliant"}  # nothing else was judged, nothing else told

    assert result["ok"] is False and result["error"] is not None
    problem = result["error"]["message"]
    assert problem.startswith(what)
    (row,) = result["results"]
    assert row["target"]["kind"] == "account" and row["outcome"] == "failed"
    assert row["error"]["code"] == "CoverageUnverified" and problem in row["error"]["message"]
    assert "reported NonCompliant to Config" in row["reason"]
    assert what in email(cloud) and "CoverageUnverified" in email(cloud)
    stored = report_json(cloud)
    assert stored["error"]["message"] == problem and stored["ok"] is False
    assert [r["error"]["code"] for r in stored["results"]] == ["CoverageUnverified"]
    assert not cloud.mutating_calls()


def test_a_transient_unreadable_inventory_still_asks_for_a_retry_after_telling_config(invoke, cloud, assignment):
    """Config's delivery is asynchronous: the retry may judge what this attempt could not."""
    cloud.faults.inject(status=500, action="ListBuckets", count=None)
    with pytest.raises(Exception, match="transient"):
        invoke(config_event(cloud, assignment, invoking_event=account_record(cloud)))
    assert states(cloud) == {cloud.domain_id: "NonCompliant"}


def test_when_config_cannot_be_told_either_the_result_says_both(invoke, cloud, env, assignment):
    env.update(quiet_env())
    cloud.faults.inject(status=403, action="ListBuckets", count=None)
    cloud.faults.inject(status=403, action="UpdatePolicyState", count=None)
    result = invoke(config_event(cloud, assignment, invoking_event=account_record(cloud)))
    assert result["ok"] is False and "listing buckets (OBS) failed" in result["error"]["message"]
    (row,) = result["results"]
    assert row["outcome"] == "failed" and "reporting it to Config failed" in row["reason"]
    assert not cloud.rms.states()


def test_a_periodic_event_that_names_no_record_tells_config_nothing_when_nothing_was_read(invoke, cloud, assignment):
    """Guard: with no record named there is nothing Config could be told about."""
    cloud.faults.inject(status=403, action="ListBuckets", count=None)
    result = invoke(config_event(cloud, assignment))
    assert result["ok"] is False and result["error"] is not None and result["results"] == []
    assert not cloud.rms.states()


# -- a periodic evaluation that reads only part of the inventory ----------------------------------
def test_resources_whose_trackers_cannot_be_listed_are_non_compliant_never_left_compliant(
    invoke, cloud, env, assignment
):
    env.update(quiet_env())
    seed_compliant(cloud, assignment, "photos-2026", "obs", "buckets")
    seed_compliant(cloud, assignment, cloud.domain_id, None, None)
    cloud.faults.inject(status=403, action="ListTrackers", count=None)
    result = invoke(config_event(cloud, assignment, invoking_event=account_record(cloud)))

    assert states(cloud) == {
        "photos-2026": "NonCompliant",
        "invoices-archive": "NonCompliant",
        PROJECT_ID: "NonCompliant",
        NEW_PROJECT_ID: "NonCompliant",
        TRACE_BUCKET: "Compliant",  # excluded by design: judged without a listing
        cloud.domain_id: "NonCompliant",
    }
    assert state(cloud, "photos-2026")["evaluation_hash"] == HASH
    found = rows(result)
    assert found["photos-2026"]["outcome"] == "failed" and "listing trackers failed" in found["photos-2026"]["reason"]
    assert "reported NonCompliant to Config (coverage could not be verified)" in found["photos-2026"]["reason"]
    assert found[cloud.domain_id]["error"]["code"] == "CoverageUnverified"
    assert result["ok"] is False


def test_one_unreadable_region_makes_its_resources_non_compliant_and_the_rest_is_judged(invoke, cloud, env, assignment):
    """The function's own region cannot be read (its project's ListTrackers answers 403); the EU
    region is read and judged. The own project's listing is the one request sent before IAM
    answers (held until it is answered), so it alone meets the one injected fault."""
    env.update(quiet_env())
    cloud.add_project(EU, project_id=EU_PROJECT_ID)
    cloud.add_bucket("eu-archive", EU)
    cloud.cts.put_tracker(EU_PROJECT_ID, covering("eu-archive"))
    cloud.cts.put_tracker(PROJECT_ID, covering("photos-2026"))  # covered, but unreadable this time
    seed_compliant(cloud, assignment, "photos-2026", "obs", "buckets")
    cloud.faults.hold("KeystoneListProjects", until="ListTrackers")
    cloud.faults.inject(status=403, action="ListTrackers", count=1)
    regions = {"regions": {"value": [REGION, EU]}, "resource_type": {"value": "buckets"}}
    result = invoke(config_event(cloud, assignment, invoking_event=account_record(cloud), rule_parameter=regions))

    assert states(cloud) == {
        "eu-archive": "Compliant",
        "photos-2026": "NonCompliant",
        "invoices-archive": "NonCompliant",
        TRACE_BUCKET: "Compliant",
        cloud.domain_id: "NonCompliant",
    }
    found = rows(result)
    assert "coverage could not be verified" in found["photos-2026"]["reason"]
    assert found["eu-archive"]["outcome"] == "already_tracked" and found["eu-archive"]["error"] is None
    assert found[cloud.domain_id]["error"]["code"] == "CoverageUnverified"
    assert "2 could not be judged" in found[cloud.domain_id]["reason"]
    assert result["ok"] is False


def test_a_bucket_that_cannot_be_placed_gets_no_state_and_the_account_record_says_so(invoke, cloud, env, assignment):
    """Guard: a bucket whose region neither the listing nor HEAD gives cannot be named as Config
    names it (its region): no state for it, and the account record is NonCompliant, coverage
    unverified."""
    env.update(quiet_env())
    for bucket in ("photos-2026", "invoices-archive"):
        cloud.cts.put_tracker(PROJECT_ID, covering(bucket))
    cloud.obs.listing_omits_location = True
    cloud.faults.inject(status=403, action="GetBucketMetadata", count=1)
    result = invoke(
        config_event(
            cloud,
            assignment,
            invoking_event=account_record(cloud),
            rule_parameter={"resource_type": {"value": "buckets"}},
        )
    )
    found = rows(result)
    unplaced = [name for name, row in found.items() if row["error"] and row["error"]["code"] == "LocationUnknown"]
    assert len(unplaced) == 1 and unplaced[0] in ("photos-2026", "invoices-archive")
    told = states(cloud)
    assert unplaced[0] not in told and "Compliant" not in {told.get(name) for name in unplaced}
    assert told[cloud.domain_id] == "NonCompliant"
    assert found[cloud.domain_id]["error"]["code"] == "CoverageUnverified"


def covering(bucket: str) -> Dict[str, Any]:
    return {
        "tracker_name": "custom-" + bucket,
        "tracker_type": "data",
        "obs_info": {"bucket_name": TRACE_BUCKET, "file_prefix_name": "audit", "bucket_lifecycle": 180},
        "data_bucket": {"data_bucket_name": bucket, "data_event": ["READ", "WRITE"]},
    }


# -- a resource evaluation whose one resource cannot be judged -------------------------------------
ONE_BUCKET_UNREADABLE = [
    pytest.param("GetBucketMetadata", id="HEAD bucket 403"),
    pytest.param("KeystoneListProjects", id="IAM project lookup 403"),
    pytest.param("ListTrackers", id="ListTrackers 403"),
]


@pytest.mark.parametrize("action", ONE_BUCKET_UNREADABLE)
def test_a_bucket_that_cannot_be_judged_is_non_compliant_never_left_compliant(invoke, cloud, env, assignment, action):
    env.update(quiet_env())
    cloud.cts.put_tracker(PROJECT_ID, covering("photos-2026"))  # covered, but that cannot be verified
    seed_compliant(cloud, assignment, "photos-2026", "obs", "buckets")
    cloud.faults.inject(status=403, action=action, count=None)
    result = invoke(
        config_event(cloud, assignment, "resource", invoking_event=bucket_record("photos-2026", "photos-2026"))
    )

    told = state(cloud, "photos-2026")
    assert told["compliance_state"] == "NonCompliant" and told["evaluation_hash"] == HASH
    assert told["policy_resource"]["region_id"] == REGION and told["trigger_type"] == "resource"
    assert states(cloud) == {"photos-2026": "NonCompliant"}
    assert result["ok"] is False
    (row,) = result["results"]
    assert row["target"]["name"] == "photos-2026" and row["outcome"] == "failed"
    assert "reported NonCompliant to Config" in row["reason"]


def test_a_project_that_cannot_be_judged_is_non_compliant(invoke, cloud, env, assignment):
    env.update(quiet_env())
    seed_compliant(cloud, assignment, PROJECT_ID, "iam", "projects")
    cloud.faults.inject(status=403, action="KeystoneListProjects", count=None)
    result = invoke(config_event(cloud, assignment, "resource", invoking_event=project_record(PROJECT_ID, REGION)))
    assert states(cloud) == {PROJECT_ID: "NonCompliant"}
    assert state(cloud, PROJECT_ID)["policy_resource"]["resource_type"] == "projects"
    assert result["ok"] is False and result["error"] is not None
    (row,) = result["results"]
    assert row["target"]["project_id"] == PROJECT_ID and "reported NonCompliant to Config" in row["reason"]


def test_a_bucket_that_does_not_exist_still_gets_no_state(invoke, cloud, assignment):
    """Guard: a 404 from HEAD is no unverified resource; nothing exists to state."""
    result = invoke(
        config_event(cloud, assignment, "resource", invoking_event=bucket_record("gone-bucket", "gone-bucket"))
    )
    assert not cloud.rms.states()
    codes: List[str] = [r["error"]["code"] for r in result["results"]]
    assert codes == ["NotFound"]
