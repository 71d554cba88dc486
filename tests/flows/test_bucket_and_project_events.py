"""Bucket and project events become trackers: handler -> SDK -> HTTP -> fake cloud."""

from __future__ import annotations

import json
from typing import Any, Dict

from helpers.world import (
    NEW_PROJECT_ID,
    PROJECT_ID,
    REGION,
    TRACE_BUCKET,
    bucket_event,
    project_event,
    sample,
)

from autotracker.pipeline.naming import data_tracker_name


def only(result: Dict[str, Any]) -> Dict[str, Any]:
    assert len(result["results"]) == 1, result
    return result["results"][0]


def test_new_bucket_gets_a_data_tracker_in_one_create_and_one_publish(invoke, cloud):
    result = invoke(bucket_event("photos-2026"))

    assert result["ok"] is True and result["trigger"] == "cts" and result["dry_run"] is False
    entry = only(result)
    assert entry["outcome"] == "created"
    assert entry["target"] == {"kind": "bucket", "name": "photos-2026", "project_id": PROJECT_ID, "region": REGION}
    assert entry["error"] is None
    [tracker] = cloud.cts.trackers(PROJECT_ID)
    assert entry["tracker"] == {"name": "obs-photos-2026", "type": "data", "id": tracker["id"]}
    assert tracker["tracker_type"] == "data"
    assert tracker["data_bucket"] == {"data_bucket_name": "photos-2026", "data_event": ["READ", "WRITE"]}
    assert tracker["obs_info"]["bucket_name"] == TRACE_BUCKET
    assert tracker["obs_info"]["file_prefix_name"] == "audit"
    assert tracker["obs_info"]["bucket_lifecycle"] == 180
    assert [call.action for call in cloud.calls] == ["CreateTracker", "PublishMessage"]
    sent = cloud.calls_of("CreateTracker")[0].request_json
    assert sent == {
        "tracker_type": "data",
        "tracker_name": "obs-photos-2026",
        "is_lts_enabled": False,
        "obs_info": {
            "bucket_name": TRACE_BUCKET,
            "file_prefix_name": "audit",
            "is_obs_created": False,
            "bucket_lifecycle": 180,
        },
        "is_support_validate": False,
        "data_bucket": {"data_bucket_name": "photos-2026", "data_event": ["READ", "WRITE"]},
        "agency_name": "cts_admin_trust",
    }
    assert result["notification"]["sent"] is True


def test_request_goes_to_the_targets_project_and_region(invoke, cloud):
    invoke(bucket_event("photos-2026"))
    call = cloud.calls_of("CreateTracker")[0]
    assert call.path == f"/v3/{PROJECT_ID}/tracker"
    assert call.headers["x-project-id"] == PROJECT_ID
    assert call.headers["host"] == f"cts.{REGION}.myhuaweicloud.com"


def test_repeated_event_maps_to_the_same_tracker_and_is_reported_already_tracked(invoke, cloud):
    first = only(invoke(bucket_event("photos-2026")))
    second_result = invoke(bucket_event("photos-2026"))
    second = only(second_result)

    assert second_result["ok"] is True
    assert second["outcome"] == "already_tracked"
    assert second["tracker"]["id"] == first["tracker"]["id"]
    assert "CTS.0208" in second["reason"]
    assert len(cloud.cts.trackers(PROJECT_ID)) == 1
    # the duplicate costs a refused create, one lookup and the publish
    assert [c.action for c in cloud.calls[2:]] == ["CreateTracker", "ListTrackers", "PublishMessage"]


def test_bucket_tracked_by_someone_elses_tracker_is_already_tracked(invoke, cloud):
    cloud.cts.put_tracker(
        PROJECT_ID,
        {
            "tracker_name": "legacy-photos",
            "tracker_type": "data",
            "status": "enabled",
            "data_bucket": {"data_bucket_name": "photos-2026", "data_event": ["READ"]},
        },
    )
    result = invoke(bucket_event("photos-2026"))
    entry = only(result)
    assert entry["outcome"] == "already_tracked"
    assert entry["tracker"]["name"] == "legacy-photos"
    assert "CTS.0209" in entry["reason"] and "events READ" in entry["reason"]
    assert [t["tracker_name"] for t in cloud.cts.trackers(PROJECT_ID)] == ["legacy-photos"]
    # covered, but not as configured: WRITE is not tracked, and the result says so
    assert result["ok"] is False
    assert entry["error"]["code"] == "TrackerDrift" and "events not tracked: WRITE" in entry["error"]["message"]


def test_bucket_fully_covered_by_another_tracker_is_ok(invoke, cloud):
    record = {
        "tracker_name": "legacy-photos",
        "tracker_type": "data",
        "status": "enabled",
        "data_bucket": {"data_bucket_name": "photos-2026", "data_event": ["READ", "WRITE"]},
    }
    cloud.cts.put_tracker(PROJECT_ID, record)
    result = invoke(bucket_event("photos-2026"))
    assert result["ok"] is True and only(result)["error"] is None


def test_disabled_covering_tracker_is_flagged(invoke, cloud):
    invoke(bucket_event("photos-2026"))
    cloud.cts.set_tracker_fields(PROJECT_ID, "obs-photos-2026", status="error", detail="noBucket")
    entry = only(invoke(bucket_event("photos-2026")))
    assert entry["outcome"] == "already_tracked"
    assert "'obs-photos-2026': tracker is in error (noBucket)" in entry["error"]["message"]


def test_new_project_gets_its_management_tracker(invoke, cloud, env):
    env["KMS_KEY_ID"] = "13a4207c-7abe-4b68-8510-16b84c3b5504"
    env["EXCLUDE_KMS_DATAKEY_TRACES"] = "true"
    env["ENABLE_VALIDATION"] = "true"
    result = invoke(project_event())

    entry = only(result)
    assert result["ok"] is True, result
    assert entry["outcome"] == "created"
    assert entry["target"] == {
        "kind": "project",
        "name": "ap-southeast-1_analytics",
        "project_id": NEW_PROJECT_ID,
        "region": REGION,
    }
    call = cloud.calls_of("CreateTracker")[0]
    assert call.path == f"/v3/{NEW_PROJECT_ID}/tracker"
    assert call.request_json == {
        "tracker_type": "system",
        "tracker_name": "system",
        "is_lts_enabled": False,
        "management_event_selector": {"exclude_service": ["KMS"]},
        "obs_info": {"bucket_name": TRACE_BUCKET, "file_prefix_name": "audit", "is_obs_created": False},
        "is_support_trace_files_encryption": True,
        "kms_id": "13a4207c-7abe-4b68-8510-16b84c3b5504",
        "is_support_validate": True,
        "agency_name": "cts_admin_trust",
    }
    [tracker] = cloud.cts.trackers(NEW_PROJECT_ID)
    assert tracker["tracker_name"] == "system" and entry["tracker"]["id"] == tracker["id"]
    assert cloud.cts.trackers(PROJECT_ID) == []


def test_project_whose_management_tracker_exists_is_already_tracked(invoke, cloud):
    cloud.cts.put_tracker(NEW_PROJECT_ID, {"tracker_name": "system", "tracker_type": "system", "status": "enabled"})
    existing = cloud.cts.trackers(NEW_PROJECT_ID)[0]
    entry = only(invoke(project_event()))
    assert entry["outcome"] == "already_tracked"
    assert "CTS.0201" in entry["reason"]
    assert entry["tracker"] == {"name": "system", "type": "system", "id": existing["id"]}
    assert len(cloud.cts.trackers(NEW_PROJECT_ID)) == 1


def test_project_id_and_region_fall_back_to_resource_fields(invoke, cloud):
    event = project_event(request="", response=None)
    entry = only(invoke(event))
    assert entry["outcome"] == "created"
    assert entry["target"]["project_id"] == NEW_PROJECT_ID
    assert entry["target"]["region"] == REGION


def test_project_trace_with_json_string_bodies_is_understood(invoke, cloud):
    event = project_event(
        request=json.dumps({"project": {"name": "ap-southeast-1_analytics"}}),
        response=json.dumps({"project": {"id": NEW_PROJECT_ID, "name": "ap-southeast-1_analytics"}}),
        resource_id=None,
        resource_name=None,
    )
    entry = only(invoke(event))
    assert entry["outcome"] == "created" and entry["target"]["project_id"] == NEW_PROJECT_ID


def test_eventgrid_cloudevent_is_unwrapped(invoke, cloud):
    result = invoke(sample("eventgrid-create-bucket.json"))
    assert result["trigger"] == "eventgrid"
    entry = only(result)
    assert entry["outcome"] == "created" and entry["target"]["name"] == "invoices-archive"


def test_eventgrid_data_as_json_string_or_wrapped_in_cts(invoke, cloud):
    event = sample("eventgrid-create-bucket.json")
    event["data"] = json.dumps(event["data"])
    assert only(invoke(event))["outcome"] == "created"
    wrapped = sample("eventgrid-create-bucket.json")
    wrapped["data"] = {"cts": wrapped["data"]}
    assert only(invoke(wrapped))["outcome"] == "already_tracked"


def test_eventgrid_batch_reports_every_trace(invoke, cloud):
    result = invoke(sample("eventgrid-batch.json"))
    by_outcome = {entry["outcome"]: entry for entry in result["results"]}
    assert result["ok"] is True
    assert len(result["results"]) == 3
    assert by_outcome["created"]["target"]["name"] == "photos-2026"
    skipped = [entry for entry in result["results"] if entry["outcome"] == "skipped"]
    reasons = " | ".join(entry["reason"] for entry in skipped)
    assert "code 403" in reasons and "OBS:object:putObject" in reasons
    assert len(cloud.calls_of("CreateTracker")) == 1


def test_same_bucket_twice_in_one_delivery_is_planned_once(invoke, cloud):
    event = sample("eventgrid-batch.json")
    event["events"] = [event["events"][0], event["events"][0]]
    result = invoke(event)
    assert [entry["outcome"] for entry in result["results"]] == ["created"]
    assert len(cloud.calls_of("CreateTracker")) == 1


def test_failed_or_unsuccessful_operations_are_skipped(invoke, cloud):
    for overrides in ({"code": 409}, {"code": "403"}, {"trace_status": "incident"}, {"trace_status": "warning"}):
        entry = only(invoke(bucket_event("photos-2026", **overrides)))
        assert entry["outcome"] == "skipped", overrides
        assert "did not succeed" in entry["reason"] or "failed" in entry["reason"]
    assert cloud.calls_of("CreateTracker") == []


def test_tolerant_trace_fields(invoke, cloud):
    event = bucket_event("photos-2026", code=0, time="1764050400000", request=None, response="not json", extra={"x": 1})
    assert only(invoke(event))["outcome"] == "created"


def test_bucket_name_falls_back_to_resource_id(invoke, cloud):
    event = bucket_event("photos-2026", resource_name="")
    assert only(invoke(event))["target"]["name"] == "photos-2026"


def test_transfer_bucket_is_never_tracked(invoke, cloud):
    entry = only(invoke(bucket_event(TRACE_BUCKET)))
    assert entry["outcome"] == "skipped" and "transfer bucket" in entry["reason"]
    assert cloud.calls_of("CreateTracker") == []


def test_excluded_buckets_are_skipped_with_the_pattern(invoke, cloud, env):
    env["EXCLUDE_BUCKETS"] = "tmp-*, photos-20??"
    entry = only(invoke(bucket_event("photos-2026")))
    assert entry["outcome"] == "skipped" and "'photos-20??'" in entry["reason"]
    assert cloud.calls_of("CreateTracker") == []


def test_other_operations_are_skipped(invoke, cloud):
    event = bucket_event("photos-2026", trace_name="deleteBucket")
    result = invoke(event)
    entry = only(result)
    assert result["ok"] is True
    assert entry["outcome"] == "skipped" and entry["target"] is None
    assert "OBS:bucket:deleteBucket" in entry["reason"]


def test_dry_run_plans_without_creating(invoke, cloud, env):
    env["DRY_RUN"] = "true"
    result = invoke(bucket_event("photos-2026"))
    entry = only(result)
    assert result["dry_run"] is True and result["ok"] is True
    assert entry["outcome"] == "planned" and entry["tracker"]["name"] == "obs-photos-2026"
    assert cloud.mutating_calls() == []
    assert cloud.cts.trackers(PROJECT_ID) == []
    assert "dry run" in cloud.smn.messages[0]["subject"]


def test_long_bucket_names_get_distinct_valid_tracker_names(invoke, cloud):
    long_a = "analytics-landing-zone-raw-events-2026-eu-a"
    long_b = "analytics-landing-zone-raw-events-2026-eu-b"
    for bucket in (long_a, long_b):
        cloud.add_bucket(bucket, REGION)
        assert only(invoke(bucket_event(bucket)))["outcome"] == "created"
    names = {t["tracker_name"] for t in cloud.cts.trackers(PROJECT_ID)}
    assert names == {data_tracker_name(long_a), data_tracker_name(long_b)}
    assert all(len(name) <= 32 for name in names)


def test_local_credentials_come_from_the_environment(invoke, cloud, env):
    class NoAgency:
        def getRemainingTimeInMilliSeconds(self) -> int:
            return 30_000

    cloud.add_credentials("AKLOCALUSER0001", "local-secret-key")
    env.update({"CLOUD_SDK_AK": "AKLOCALUSER0001", "CLOUD_SDK_SK": "local-secret-key"})
    env.pop("RUNTIME_PROJECT_ID")
    env["CLOUD_SDK_PROJECT_ID"] = PROJECT_ID
    result = invoke(bucket_event("photos-2026"), context=NoAgency())
    assert only(result)["outcome"] == "created"
    assert "x-security-token" not in cloud.calls_of("CreateTracker")[0].headers


def test_agency_token_is_sent_and_signed(invoke, cloud):
    invoke(bucket_event("photos-2026"))
    headers = cloud.calls_of("CreateTracker")[0].headers
    assert "x-security-token" in headers
    assert "x-security-token" in headers["authorization"].split("SignedHeaders=")[1].split(",")[0]


def test_result_shape_is_the_same_for_every_outcome(invoke, cloud):
    result = invoke(sample("eventgrid-batch.json"))
    keys = {
        "ok",
        "version",
        "trigger",
        "dry_run",
        "request_id",
        "summary",
        "results",
        "notification",
        "report",
        "quota",
        "error",
    }
    assert set(result) == keys
    assert result["request_id"] == "req-0001"  # context.getRequestID()
    assert result["summary"] == {"created": 1, "skipped": 2}
    assert set(result["notification"]) == {"sent", "topic_urn", "message_id", "error", "reason"}
    for entry in result["results"]:
        assert set(entry) == {"target", "outcome", "tracker", "reason", "error"}
        assert entry["outcome"] in {
            "created",
            "already_tracked",
            "updated",
            "planned",
            "skipped",
            "failed",
            "dispatched",
        }
        assert isinstance(entry["reason"], str) and entry["reason"]
        if entry["target"] is not None:
            assert set(entry["target"]) == {"kind", "name", "project_id", "region"}
        if entry["tracker"] is not None:
            assert set(entry["tracker"]) == {"name", "type", "id"}
    error_result = invoke({"unexpected": True})
    assert set(error_result) == set(result)
    assert set(error_result["error"]) == {"code", "message", "request_id"}


def test_endpoint_overrides_reach_a_fake_served_on_localhost(cloud, env, monkeypatch):
    import index
    from helpers.world import FakeContext

    with cloud.serve() as base_url:
        env.update({"CTS_ENDPOINT": base_url, "SMN_ENDPOINT": base_url})
        for name, value in env.items():
            monkeypatch.setenv(name, value)
        result = index.handler(bucket_event("photos-2026"), FakeContext())
    assert result["ok"] is True and only(result)["outcome"] == "created"
    assert [call.action for call in cloud.calls] == ["CreateTracker", "PublishMessage"]
    assert cloud.calls[0].headers["host"].startswith("127.0.0.1:")


def test_every_sample_event_is_understood(invoke, cloud):
    import pathlib

    for path in sorted((pathlib.Path(__file__).resolve().parents[2] / "events").glob("*.json")):
        result = invoke(json.loads(path.read_text()))
        answer = json.loads(result["body"]) if "statusCode" in result else result
        assert answer["error"] is None, (path.name, answer["error"])
        assert answer["results"], path.name


def test_request_ids_reach_the_result_and_the_log(invoke, cloud, caplog):
    """FunctionGraph's request id, and the service's id of a failed call, for correlation."""
    import logging

    cloud.faults.inject(status=403, error_code="CTS.0013", action="CreateTracker")
    with caplog.at_level(logging.INFO, logger="cts_autotracker"):
        result = invoke(bucket_event("photos-2026"))
    (entry,) = result["results"]
    failed_call = cloud.calls_of("CreateTracker")[0]
    assert entry["error"]["code"] == "CTS.0013" and entry["error"]["request_id"]
    assert len(entry["error"]["request_id"]) >= 16 and failed_call.status == 403
    lines = [json.loads(r.getMessage()) for r in caplog.records if r.name == "cts_autotracker"]
    logged = [line for line in lines if line["event"] == "invocation"][-1]
    assert logged["request_id"] == "req-0001" and logged["summary"] == {"failed": 1}
