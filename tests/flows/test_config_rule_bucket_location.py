"""Where a judged bucket is, after review (issue 20, point 12): HEAD bucket's answer is untrusted
(only a region name becomes an IAM filter or a CTS host), its bodiless failures say what the status
means, a 301 is read or named, a bucket whose region has no project is verified uncovered, and a
record naming the wrong region says both regions."""

from __future__ import annotations

from typing import Any, Dict

from helpers.config import bucket_record, config_event, states
from helpers.world import REGION

from fakecloud import FakeCloud

EU, EU_PROJECT_ID = "eu-west-101", "e0e1e2e3e4e5e6e7e8e9eaebecedeeef"


def judge(invoke: Any, cloud: FakeCloud, assignment: str, bucket: str, region: str = REGION) -> Dict[str, Any]:
    cloud.reset_calls()
    result = invoke(config_event(cloud, assignment, "resource", invoking_event=bucket_record(bucket, bucket, region)))
    (row,) = result["results"]
    return row


def test_a_location_that_is_no_region_is_never_used(invoke, cloud, assignment):
    cloud.add_bucket("odd-bucket", "evil.example.com/x")
    row = judge(invoke, cloud, assignment, "odd-bucket")
    assert row["outcome"] == "failed" and row["error"]["code"] == "LocationUnknown"
    assert "no region" in row["reason"]
    later = [c for c in cloud.calls if c.action != "GetBucketMetadata"]
    assert all("evil" not in f"{c.path} {c.query} {c.host}" for c in later)  # no IAM filter, no CTS host


def test_a_head_403_says_what_the_status_means(invoke, cloud, assignment):
    cloud.faults.inject(status=403, action="GetBucketMetadata", count=None)
    row = judge(invoke, cloud, assignment, "photos-2026")
    assert row["outcome"] == "failed" and "access denied" in row["reason"]
    assert states(cloud) == {"photos-2026": "NonCompliant"}


def test_a_head_301_that_names_the_region_is_judged_there(invoke, cloud, assignment):
    cloud.add_project(EU, project_id=EU_PROJECT_ID)
    cloud.add_bucket("eu-archive", EU)
    cloud.obs.redirect_head("eu-archive")
    row = judge(invoke, cloud, assignment, "eu-archive", EU)
    assert row["target"]["region"] == EU and row["target"]["project_id"] == EU_PROJECT_ID
    assert states(cloud) == {"eu-archive": "NonCompliant"}


def test_a_head_301_without_the_region_is_a_named_failure(invoke, cloud, assignment):
    cloud.add_project(EU, project_id=EU_PROJECT_ID)
    cloud.add_bucket("eu-archive", EU)
    cloud.obs.redirect_head("eu-archive", with_location=False)
    row = judge(invoke, cloud, assignment, "eu-archive", EU)
    assert row["error"]["code"] == "LocationUnknown" and "301" in row["reason"]
    assert not cloud.calls_of("ListTrackers") or all(EU_PROJECT_ID in c.path for c in cloud.calls_of("ListTrackers"))


def test_a_bucket_whose_region_has_no_project_is_non_compliant(invoke, cloud, assignment):
    cloud.add_bucket("far-bucket", "la-south-2")
    row = judge(invoke, cloud, assignment, "far-bucket", "la-south-2")
    assert row["error"]["code"] == "NoProject" and "no project named 'la-south-2'" in row["reason"]
    assert states(cloud) == {"far-bucket": "NonCompliant"}
    assert "could not be verified" not in row["reason"]


def test_a_record_naming_the_wrong_region_says_both(invoke, cloud, assignment):
    cloud.add_project(EU, project_id=EU_PROJECT_ID)
    cloud.add_bucket("eu-archive", EU)
    row = judge(invoke, cloud, assignment, "eu-archive", REGION)
    assert row["target"]["region"] == EU
    assert f"record's region {REGION!r}" in row["reason"] and f"places it in {EU!r}" in row["reason"]
    (told,) = cloud.rms.states()
    assert told["policy_resource"]["region_id"] == REGION  # attached to Config's own record
