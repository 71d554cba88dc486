"""The function against the real services' wire behaviour, as the fake now models it (issue 9).

Each test drives `index.handler` through the real SDK to the HTTP-level fake.
"""

from __future__ import annotations

from typing import Any, Dict

import pytest
from helpers.trackers import EU, EU_PROJECT_ID, by_name, data_tracker, system_tracker
from helpers.world import PROJECT_ID, REGION, TRACE_BUCKET, bucket_event, project_event

MANUAL_ALL = {"action": "backfill", "all": True}


@pytest.fixture
def account(cloud):
    cloud.add_project(EU, project_id=EU_PROJECT_ID)
    cloud.add_bucket("eu-archive", EU)
    return cloud


def sweep_env(env: Dict[str, str]) -> Dict[str, str]:
    env.update({"BASELINE_REGIONS": f"{REGION},{EU}", "RAISE_ON_TRANSIENT": "false"})
    return env


# ----- 1. bucket locations -----------------------------------------------------------------
def test_listing_asks_for_locations_and_files_each_bucket_in_its_region(account, env, invoke) -> None:
    sweep_env(env)
    result = invoke(MANUAL_ALL)
    (listing,) = account.calls_of("ListBuckets")
    assert listing.headers["x-obs-location"] == "true"
    assert account.calls_of("GetBucketMetadata") == []  # every location came with the listing
    eu = by_name(result)["eu-archive"]
    assert (eu["outcome"], eu["target"]["region"], eu["target"]["project_id"]) == ("created", EU, EU_PROJECT_ID)
    assert "obs-eu-archive" in [t["tracker_name"] for t in account.cts.trackers(EU_PROJECT_ID)]


def test_a_listing_without_locations_is_completed_by_head_bucket(account, env, invoke) -> None:
    account.obs.listing_omits_location = True
    sweep_env(env)
    result = invoke(MANUAL_ALL)
    heads = account.calls_of("GetBucketMetadata")
    assert len(heads) == 3  # photos-2026, invoices-archive, eu-archive: never the excluded transfer bucket
    assert all(call.method == "HEAD" for call in heads)
    assert by_name(result)["eu-archive"]["outcome"] == "created"
    assert "obs-eu-archive" in [t["tracker_name"] for t in account.cts.trackers(EU_PROJECT_ID)]
    assert result["ok"] is True


def test_a_bucket_that_cannot_be_placed_is_reported_never_guessed(account, env, invoke) -> None:
    account.obs.listing_omits_location = True
    account.faults.inject(403, action="GetBucketMetadata", count=None)
    sweep_env(env)
    result = invoke({"action": "backfill", "buckets": ["eu-archive", "photos-2026"]})
    rows = by_name(result)
    for name in ("eu-archive", "photos-2026"):
        assert rows[name]["outcome"] == "failed"
        assert rows[name]["error"]["code"] == "LocationUnknown"
    assert account.calls_of("CreateTracker") == []
    assert result["ok"] is False


# ----- 2. UpdateTracker replaces the configuration -----------------------------------------
def test_repair_keeps_an_obs_transfer_when_only_lts_is_configured(account, env, invoke) -> None:
    """LTS-only configuration, tracker disabled with an OBS transfer: the repair re-enables it
    and keeps the transfer, lifecycle and compression it had (they are not drift)."""
    existing = data_tracker(
        "photos-2026",
        "obs-photos-2026",
        status="disabled",
        obs_info={
            "bucket_name": TRACE_BUCKET,
            "file_prefix_name": "keep",
            "bucket_lifecycle": 30,
            "compress_type": "json",
        },
        lts={"is_lts_enabled": True},
    )
    account.cts.put_tracker(PROJECT_ID, existing)
    for name in ("TRACE_BUCKET", "TRACE_FILE_PREFIX", "TRACE_LIFECYCLE_DAYS"):
        env.pop(name)
    env.update({"ENABLE_LTS": "true", "REMEDIATE_DRIFT": "true", "RAISE_ON_TRANSIENT": "false"})
    result = invoke({"action": "backfill", "buckets": ["photos-2026"]})
    assert by_name(result)["photos-2026"]["outcome"] == "updated"
    (sent,) = [call.request_json for call in account.calls_of("UpdateTracker")]
    assert sent["obs_info"]["bucket_name"] == TRACE_BUCKET
    (record,) = [t for t in account.cts.trackers(PROJECT_ID) if t["tracker_name"] == "obs-photos-2026"]
    assert record["status"] == "enabled"
    assert record["lts"]["is_lts_enabled"] is True
    assert (record["obs_info"]["bucket_name"], record["obs_info"]["file_prefix_name"]) == (TRACE_BUCKET, "keep")
    assert (record["obs_info"]["bucket_lifecycle"], record["obs_info"]["compress_type"]) == (30, "json")


def test_repair_of_the_management_tracker_keeps_what_is_not_drift(account, env, invoke) -> None:
    existing = system_tracker(
        status="disabled",
        management_event_selector={"exclude_service": ["KMS"]},
        is_organization_tracker=True,
        agency_name="cts_admin_trust",
        is_support_trace_files_encryption=True,
        kms_id="kms-1234",
    )
    account.cts.put_tracker(PROJECT_ID, existing)
    env.update({"REMEDIATE_DRIFT": "true", "KMS_KEY_ID": "kms-1234", "RAISE_ON_TRANSIENT": "false"})
    result = invoke({"action": "backfill", "projects": [PROJECT_ID]})
    assert by_name(result)[REGION]["outcome"] == "updated"
    record = next(t for t in account.cts.trackers(PROJECT_ID) if t["tracker_name"] == "system")
    assert record["status"] == "enabled"
    assert record["management_event_selector"] == {"exclude_service": ["KMS"]}
    assert record["is_organization_tracker"] is True
    assert (record["is_support_trace_files_encryption"], record["kms_id"]) == (True, "kms-1234")
    assert record["agency_name"] == "cts_admin_trust"
    assert record["obs_info"]["bucket_name"] == TRACE_BUCKET
    # and a second run finds nothing to repair
    again = invoke({"action": "backfill", "projects": [PROJECT_ID]})
    assert by_name(again)[REGION]["outcome"] == "already_tracked"


# ----- 3. error codes ----------------------------------------------------------------------
def test_lower_case_error_codes_are_understood(cloud, env, invoke) -> None:
    """`cts.0209` in lower case (seen in real bodies) still means "already covered"."""
    cloud.cts.put_tracker(PROJECT_ID, data_tracker("photos-2026", "someone-elses"))
    cloud.faults.inject(400, action="CreateTracker", error_code="cts.0209")
    result = invoke(bucket_event("photos-2026"))
    (row,) = result["results"]
    assert (row["outcome"], row["tracker"]["name"]) == ("already_tracked", "someone-elses")


# ----- 4. traces ---------------------------------------------------------------------------
@pytest.mark.parametrize("rating", ["warning", "incident", "WARNING"])
def test_a_trace_rated_as_failed_is_skipped(cloud, env, invoke, rating: str) -> None:
    event = bucket_event("photos-2026", code=200, trace_rating=rating)
    event["cts"].pop("trace_status", None)
    result = invoke(event)
    (row,) = result["results"]
    assert row["outcome"] == "skipped"
    assert rating in row["reason"]
    assert cloud.calls_of("CreateTracker") == []


@pytest.mark.parametrize(
    "overrides",
    [
        {"resource_id": {}, "time": "", "record_time": ""},
        {"time": 1764050000, "record_time": 1764050000},  # seconds
        {"time": 1764050000123, "record_time": "1764050000123"},  # milliseconds, number or string
        {"request": "", "response": ""},
        {"request": '{"bucket": "photos-2026"}', "response": "{}"},
    ],
)
def test_real_trace_shapes_are_read(cloud, env, invoke, overrides: Dict[str, Any]) -> None:
    result = invoke(bucket_event("photos-2026", **overrides))
    (row,) = result["results"]
    assert (row["outcome"], row["target"]["name"]) == ("created", "photos-2026")


def test_project_trace_with_empty_resource_id_object(cloud, env, invoke) -> None:
    event = project_event(resource_id={}, time="")
    result = invoke(event)
    assert result["results"][0]["outcome"] in ("created", "already_tracked")


# ----- 5. answer shapes --------------------------------------------------------------------
def test_smn_errors_use_code_and_message(cloud, env, invoke) -> None:
    env["SMN_TOPIC_URN"] = f"urn:smn:{REGION}:{PROJECT_ID}:no-such-topic"
    env["RAISE_ON_TRANSIENT"] = "false"
    result = invoke(bucket_event("photos-2026"))
    (publish,) = cloud.calls_of("PublishMessage")
    assert publish.status == 404
    assert result["notification"]["error"]["code"] == "SMN.0006"


def test_list_trackers_records_have_the_real_fields(cloud, env, invoke) -> None:
    invoke(bucket_event("photos-2026"))
    (record,) = cloud.cts.trackers(PROJECT_ID)
    for name in ("tag", "enterprise_project_id", "is_support_trace_files_encryption"):
        assert name in record
    assert "bucket_lifecycle" in record["obs_info"]
    assert record["agency_name"] == "cts_admin_trust"  # sent, so shown
