"""Bad input, bad configuration and every service error the function handles."""

from __future__ import annotations

from typing import Any, Dict

import pytest
from helpers.world import NEW_PROJECT_ID, PROJECT_ID, REGION, FakeContext, bucket_event, project_event, sample

from autotracker.handler import TransientFailure


def only(result: Dict[str, Any]) -> Dict[str, Any]:
    assert len(result["results"]) == 1, result
    return result["results"][0]


# -- malformed events: ok false, a clear reason, nothing sent ------------------------------------


@pytest.mark.parametrize(
    ("event", "expected"),
    [
        ([], "JSON object"),
        ("createBucket", "JSON object"),
        ({"hello": "world"}, "unrecognised event"),
        ({"events": []}, "non-empty list"),
        ({"events": "x"}, "non-empty list"),
        ({"specversion": "1.0", "id": "1", "source": "HC.OBS", "type": "t"}, "has no data"),
        ({"specversion": "1.0", "id": "1", "source": "HC.OBS", "type": "t", "data": "{not json"}, "not JSON"),
    ],
)
def test_malformed_events_are_refused_without_calls(invoke, cloud, event, expected):
    result = invoke(event)
    assert result["ok"] is False
    assert result["error"]["code"] == "InvalidEvent"
    assert expected in result["error"]["message"]
    assert result["results"] == []
    assert cloud.calls == []


def test_a_malformed_cloudevent_fails_alone_and_the_rest_of_the_batch_counts(invoke, cloud):
    event = sample("eventgrid-batch.json")
    event["events"] = [1, {"specversion": "1.0", "data": {}}, event["events"][0]]
    result = invoke(event)
    assert result["ok"] is False and result["error"] is None
    first, second, third = result["results"]
    assert first["outcome"] == "failed" and "events[0] must be a JSON object" in first["error"]["message"]
    assert second["outcome"] == "failed" and "bad or missing id, source, type" in second["error"]["message"]
    assert third["outcome"] == "created" and third["target"]["name"] == "photos-2026"
    assert len(cloud.calls_of("CreateTracker")) == 1


def test_too_many_cloudevents_are_refused(invoke, cloud):
    event = sample("eventgrid-batch.json")
    event["events"] = event["events"][:1] * 101
    result = invoke(event)
    assert result["ok"] is False and "at most 100" in result["error"]["message"]
    assert cloud.calls == []


@pytest.mark.parametrize(
    ("bucket", "problem"),
    [
        ("Photos", "lowercase"),
        ("ab", "3 to 63"),
        ("x" * 64, "3 to 63"),
        ("-photos", "start and end"),
        ("photos_2026", "lowercase"),
        ("192.168.1.1", "IP address"),
        ("a..b", "'..'"),
        ("abc-", "start and end"),
        ("ab.-c", "'.-'"),
        ("ab-.c", "'-.'"),
        (" photos-2026", "start and end"),  # never silently stripped
        ("photos-2026\n", "start and end"),  # no regex that ends in `$` lets a newline through
    ],
)
def test_a_bucket_name_obs_would_refuse_is_skipped_without_calls(invoke, cloud, bucket, problem):
    """OBS would not have created such a bucket: the trace is skipped with the reason."""
    result = invoke(bucket_event(bucket))
    entry = only(result)
    assert entry["outcome"] == "skipped" and entry["error"] is None
    assert problem in entry["reason"] and "not a valid OBS bucket name" in entry["reason"]
    assert entry["target"]["name"].isprintable()  # shown without control characters
    assert cloud.calls_of("CreateTracker") == []


def test_trace_without_bucket_name_fails(invoke, cloud):
    event = bucket_event("photos-2026", resource_name=None, resource_id=None)
    entry = only(invoke(event))
    assert entry["outcome"] == "failed" and "no bucket name" in entry["reason"]
    assert cloud.calls_of("CreateTracker") == []


def test_project_trace_without_id_or_region_fails(invoke, cloud):
    no_id = project_event(response={}, resource_id=None)
    assert "no valid project id" in only(invoke(no_id))["reason"]
    bad_region = project_event(request={}, response={"project": {"id": "abc"}}, resource_name="NotARegion_x")
    assert "region" in only(invoke(bad_region))["reason"]
    assert cloud.calls_of("CreateTracker") == []


def test_trace_that_is_not_an_object_fails(invoke, cloud):
    result = invoke({"cts": "createBucket photos"})
    assert result["ok"] is False and only(result)["error"]["code"] == "InvalidEvent"


# -- configuration: every bad variable named, nothing created ----------------------------------


def test_every_bad_variable_is_named(invoke, cloud, env):
    env.update(
        {
            "TRACE_LIFECYCLE_DAYS": "45",
            "TRACE_COMPRESS": "zip",
            "DATA_EVENTS": "READ,DELETE",
            "ENABLE_LTS": "maybe",
            "TRACE_FILE_PREFIX": "bad/prefix",
            "SMN_TOPIC_URN": "arn:aws:sns:x",
            "CTS_ENDPOINT": "cts.local",
        }
    )
    result = invoke(bucket_event("photos-2026"))
    assert result["ok"] is False and result["error"]["code"] == "InvalidConfiguration"
    message = result["error"]["message"]
    for name in (
        "TRACE_LIFECYCLE_DAYS",
        "TRACE_COMPRESS",
        "DATA_EVENTS",
        "ENABLE_LTS",
        "TRACE_FILE_PREFIX",
        "SMN_TOPIC_URN",
        "CTS_ENDPOINT",
    ):
        assert name in message, name
    assert cloud.calls == []


@pytest.mark.parametrize(
    ("changes", "expected"),
    [
        ({"REGION": "", "SMN_TOPIC_URN": ""}, "REGION: required"),
        ({"REGION": "Asia Pacific"}, "REGION: must be a region id"),
        ({"TRACE_BUCKET": "Trace_Bucket"}, "TRACE_BUCKET: bucket name"),
        ({"TRACE_BUCKET": "", "ENABLE_LTS": "false"}, "TRACE_BUCKET: set a transfer bucket"),
        ({"DATA_EVENTS": " , "}, "DATA_EVENTS: must name at least one"),
        ({"AGENCY_NAME": "bad/agency"}, "AGENCY_NAME"),
        ({"RETRY_MAX_ATTEMPTS": "0"}, "RETRY_MAX_ATTEMPTS"),
    ],
)
def test_single_bad_variable(invoke, cloud, env, changes, expected):
    env.update(changes)
    result = invoke(bucket_event("photos-2026"))
    assert result["ok"] is False and expected in result["error"]["message"]
    assert cloud.calls == []


def test_region_is_derived_from_the_topic_urn(invoke, cloud, env):
    del env["REGION"]
    entry = only(invoke(bucket_event("photos-2026")))
    assert entry["outcome"] == "created" and entry["target"]["region"] == REGION


def test_lts_only_configuration_sends_no_obs_info(invoke, cloud, env):
    env.update({"TRACE_BUCKET": "", "TRACE_FILE_PREFIX": "", "TRACE_LIFECYCLE_DAYS": "", "ENABLE_LTS": "true"})
    entry = only(invoke(bucket_event("photos-2026")))
    assert entry["outcome"] == "created"
    body = cloud.calls_of("CreateTracker")[0].request_json
    assert body["is_lts_enabled"] is True and "obs_info" not in body


def test_missing_credentials_is_a_clear_error(invoke, cloud):
    result = invoke(bucket_event("photos-2026"), context=object())
    assert result["ok"] is False and result["error"]["code"] == "MissingCredentials"
    assert cloud.calls == []


# -- service answers ----------------------------------------------------------------------------


def test_quota_reached_is_reported_and_not_retried(invoke, cloud):
    for index in range(100):
        name = f"bucket-{index:03d}"
        cloud.add_bucket(name, REGION)
        cloud.cts.put_tracker(
            PROJECT_ID,
            {
                "tracker_name": f"t{index:03d}",
                "tracker_type": "data",
                "status": "enabled",
                "data_bucket": {"data_bucket_name": name, "data_event": ["READ", "WRITE"]},
            },
        )
    result = invoke(bucket_event("photos-2026"))
    entry = only(result)
    assert result["ok"] is False
    assert entry["outcome"] == "failed" and entry["error"]["code"] == "CTS.0200"
    assert len(cloud.calls_of("CreateTracker")) == 1
    assert len(cloud.cts.trackers(PROJECT_ID)) == 100


def test_missing_cts_agency_is_reported(invoke, cloud, env):
    env["AGENCY_NAME"] = "none"  # the account has no cts_admin_trust agency and the request does not ask for it
    entry = only(invoke(bucket_event("photos-2026")))
    assert entry["outcome"] == "failed" and entry["error"]["code"] == "CTS.0228"
    assert "agency_name" not in cloud.calls_of("CreateTracker")[0].request_json


def test_bucket_not_yet_visible_is_retried_then_reported(invoke, cloud, env):
    env["RETRY_MAX_ATTEMPTS"] = "3"
    env["RAISE_ON_TRANSIENT"] = "false"
    entry = only(invoke(bucket_event("not-yet-visible")))
    assert entry["outcome"] == "failed" and entry["error"]["code"] == "CTS.0211"
    assert len(cloud.calls_of("CreateTracker")) == 3


def test_bucket_still_not_visible_asks_functiongraph_to_retry(invoke, cloud, env):
    env["RETRY_MAX_ATTEMPTS"] = "2"
    with pytest.raises(TransientFailure):
        invoke(bucket_event("not-yet-visible"))
    assert "CTS.0211" in cloud.smn.messages[-1]["message_structure"]  # reported before raising


def test_bucket_that_becomes_visible_during_retries_is_created(invoke, cloud, env):
    env["RETRY_MAX_ATTEMPTS"] = "3"
    cloud.faults.inject(status=400, error_code="CTS.0211", action="CreateTracker", count=1)
    entry = only(invoke(bucket_event("photos-2026")))
    assert entry["outcome"] == "created"
    assert [c.status for c in cloud.calls_of("CreateTracker")] == [400, 201]


@pytest.mark.parametrize("status", [429, 500, 503])
def test_transient_failures_are_retried(invoke, cloud, status):
    cloud.faults.inject(status=status, action="CreateTracker", count=2)
    entry = only(invoke(bucket_event("photos-2026")))
    assert entry["outcome"] == "created"
    assert [c.status for c in cloud.calls_of("CreateTracker")] == [status, status, 201]
    assert len(cloud.cts.trackers(PROJECT_ID)) == 1


def test_dropped_connection_is_retried(invoke, cloud):
    cloud.faults.inject(drop=True, action="CreateTracker", count=1)
    entry = only(invoke(bucket_event("photos-2026")))
    assert entry["outcome"] == "created"
    assert len(cloud.cts.trackers(PROJECT_ID)) == 1


def test_persistent_server_error_fails_after_bounded_attempts(invoke, cloud, env):
    env["RETRY_MAX_ATTEMPTS"] = "4"
    env["RAISE_ON_TRANSIENT"] = "false"
    cloud.faults.inject(status=500, action="CreateTracker", count=100)
    result = invoke(bucket_event("photos-2026"))
    entry = only(result)
    assert result["ok"] is False
    assert entry["outcome"] == "failed" and "persisted after retries" in entry["reason"]
    assert len(cloud.calls_of("CreateTracker")) == 4
    assert cloud.cts.trackers(PROJECT_ID) == []


def test_retries_stop_when_the_invocation_runs_out_of_time(invoke, cloud, env):
    env["RAISE_ON_TRANSIENT"] = "false"
    env["RETRY_MAX_ATTEMPTS"] = "10"
    cloud.faults.inject(status=503, action="CreateTracker", count=100)
    cloud.faults.latency(0.3, action="CreateTracker")
    # 5 s left, 3 s kept for the report: room for a few 0.3 s attempts, not for 10
    result = invoke(bucket_event("photos-2026"), context=FakeContext(remaining_ms=5_000))
    entry = only(result)
    assert entry["outcome"] == "failed"
    assert 1 <= len(cloud.calls_of("CreateTracker")) < 10
    assert result["notification"]["sent"] is True  # the kept-back time was enough for the report


def test_no_call_starts_without_time_for_it(invoke, cloud, env):
    env["RAISE_ON_TRANSIENT"] = "false"
    result = invoke(bucket_event("photos-2026"), context=FakeContext(remaining_ms=3_500))
    entry = only(result)
    assert entry["outcome"] == "failed" and entry["error"]["code"] == "DeadlineExceeded"
    assert cloud.calls_of("CreateTracker") == []
    assert result["notification"]["sent"] is True  # the report uses the time kept back for it


def test_wrong_secret_key_is_rejected_and_never_retried(invoke, cloud, env):
    env["RAISE_ON_TRANSIENT"] = "false"  # the report cannot be published either (see test_hardening)
    result = invoke(bucket_event("photos-2026"), context=FakeContext(sk="not-the-right-secret"))
    entry = only(result)
    assert entry["outcome"] == "failed" and "not authorised" in entry["reason"]
    assert [c.status for c in cloud.calls_of("CreateTracker")] == [401]
    assert cloud.cts.trackers(PROJECT_ID) == []


def test_missing_security_token_is_rejected(invoke, cloud, env):
    env["RAISE_ON_TRANSIENT"] = "false"
    entry = only(invoke(bucket_event("photos-2026"), context=FakeContext(token=None)))
    assert entry["outcome"] == "failed" and entry["error"]["code"].startswith("APIGW")


def test_forbidden_is_not_retried(invoke, cloud):
    cloud.faults.inject(status=403, error_code="CTS.0013", action="CreateTracker", count=5)
    entry = only(invoke(bucket_event("photos-2026")))
    assert entry["outcome"] == "failed" and entry["error"]["code"] == "CTS.0013"
    assert len(cloud.calls_of("CreateTracker")) == 1


def test_taken_name_that_cannot_be_checked_is_a_failure(invoke, cloud):
    invoke(bucket_event("photos-2026"))
    cloud.faults.inject(status=403, error_code="CTS.0013", action="ListTrackers", count=1)
    result = invoke(bucket_event("photos-2026"))
    entry = only(result)
    assert result["ok"] is False
    assert entry["outcome"] == "failed" and entry["error"]["code"] == "CTS.0013"
    assert "could not be checked" in entry["reason"]
    assert len(cloud.cts.trackers(PROJECT_ID)) == 1


def test_existing_management_tracker_with_failed_lookup_is_unverified(invoke, cloud, env):
    """Covered by something, but an unchecked tracker may be disabled: CoverageUnverified, not ok."""
    env["RAISE_ON_TRANSIENT"] = "false"
    cloud.cts.put_tracker(NEW_PROJECT_ID, {"tracker_name": "system", "tracker_type": "system", "status": "disabled"})
    cloud.faults.inject(status=403, error_code="CTS.0013", action="ListTrackers", count=1)
    result = invoke(project_event())
    entry = only(result)
    assert entry["outcome"] == "already_tracked" and "could not be checked: CTS.0013" in entry["reason"]
    assert entry["error"]["code"] == "CoverageUnverified" and result["ok"] is False


def test_name_taken_by_a_tracker_of_another_bucket_is_a_failure(invoke, cloud):
    cloud.cts.put_tracker(
        PROJECT_ID,
        {
            "tracker_name": "obs-photos-2026",
            "tracker_type": "data",
            "status": "enabled",
            "data_bucket": {"data_bucket_name": "invoices-archive", "data_event": ["READ", "WRITE"]},
        },
    )
    entry = only(invoke(bucket_event("photos-2026")))
    assert entry["outcome"] == "failed" and "does not track bucket photos-2026" in entry["reason"]


def test_every_configuration_problem_is_named_at_once_and_dry_run_is_reported(invoke, cloud, env) -> None:
    """A missing REGION never hides a missing TRACE_BUCKET; DRY_RUN=true is said even then."""
    for name in ("REGION", "SMN_TOPIC_URN", "TRACE_BUCKET"):
        env.pop(name)
    env["DRY_RUN"] = "true"
    result = invoke({"action": "backfill", "all": True})
    assert result["error"]["code"] == "InvalidConfiguration" and result["dry_run"] is True
    message = result["error"]["message"]
    assert "REGION: required" in message
    assert "TRACE_BUCKET: set a transfer bucket, or ENABLE_LTS=true" in message
    assert "TRACE_BUCKET: TRACE_FILE_PREFIX and TRACE_LIFECYCLE_DAYS need a transfer bucket" in message
    assert not cloud.calls
