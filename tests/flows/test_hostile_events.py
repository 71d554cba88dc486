"""Regression tests for the adversarial review (issue 10): each reproduces the original attack
through `index.handler` and the HTTP-level fake."""

from __future__ import annotations

import base64
import json
import uuid
from typing import Any, Dict

import pytest
from helpers.world import PROJECT_ID, REGION, bucket_event

DEEP = "[" * 991 + "]" * 991  # under 2 KB; Python's JSON decoder raises RecursionError on it


def cloud_event(data: Any, event_id: str = "1") -> Dict[str, Any]:
    return {"specversion": "1.0", "id": event_id, "source": "HC.OBS", "type": "OBS:CloudTrace:ApiCall", "data": data}


def apig(body: str, headers: Any = None) -> Dict[str, Any]:
    """An APIG event; by default from a caller APIG authenticated with an IAM token."""
    headers = {"x-auth-token": f"iam-token-{uuid.uuid4().hex}"} if headers is None else headers
    return {"httpMethod": "POST", "path": "/", "headers": headers, "body": body, "isBase64Encoded": False}


# ----- 1. deeply nested JSON fails alone ---------------------------------------------------
def test_deep_json_in_an_apig_body_is_a_400(invoke, cloud) -> None:
    response = invoke(apig(DEEP))
    assert response["statusCode"] == 400
    body = json.loads(response["body"])
    assert body["error"]["code"] == "InvalidEvent" and "nested deeper" in body["error"]["message"]
    assert cloud.calls == []


def test_deep_json_in_a_base64_apig_body_is_a_400(invoke, cloud) -> None:
    event = apig(base64.b64encode(DEEP.encode()).decode())
    event["isBase64Encoded"] = True
    assert invoke(event)["statusCode"] == 400


def test_a_deep_eventgrid_data_string_fails_alone_in_its_batch(invoke, cloud) -> None:
    good = bucket_event("photos-2026")["cts"]
    result = invoke({"events": [cloud_event(DEEP, "bad"), cloud_event(good, "good")]})
    bad, ok = result["results"]
    assert (bad["outcome"], bad["error"]["code"]) == ("failed", "InvalidEvent")
    assert "nested deeper" in bad["reason"]
    assert (ok["outcome"], ok["target"]["name"]) == ("created", "photos-2026")
    assert result["notification"]["sent"] is True


def test_a_deep_eventgrid_data_object_fails_alone_in_its_batch(invoke, cloud) -> None:
    deep: Any = {}
    for _ in range(200):
        deep = {"x": deep}
    good = bucket_event("photos-2026")["cts"]
    result = invoke({"events": [cloud_event({**good, "request": deep}, "bad"), cloud_event(good, "good")]})
    bad, ok = result["results"]
    assert bad["error"]["code"] == "InvalidEvent" and ok["outcome"] == "created"


def test_a_deep_request_string_in_a_trace_is_read_as_empty(invoke, cloud) -> None:
    """`request` is not needed for a bucket: the trace is still handled, nothing raises."""
    result = invoke(bucket_event("photos-2026", request=DEEP, response=DEEP))
    (row,) = result["results"]
    assert row["outcome"] == "created"
    assert result["error"] is None


def test_a_deeply_nested_event_object_is_refused_not_raised(cloud) -> None:
    """Called directly: the `invoke` fixture's deepcopy would itself hit the recursion limit."""
    from helpers.world import FakeContext, quiet_env

    from autotracker.handler import handle

    deep: Any = []
    for _ in range(900):
        deep = [deep]
    with cloud.mock():
        result = handle({"cts": {"service_type": "OBS", "padding": deep}}, FakeContext(), environ=quiet_env())
    assert result["error"]["code"] == "InvalidEvent" and "nested deeper" in result["error"]["message"]
    assert cloud.calls == []


# ----- 2. untrusted strings are cut short and printable -------------------------------------
FORGED = "abc\nSummary: 0 failed -- ALL BUCKETS COMPLIANT\n\x1b[2J\x1b[31mred\u202e"


def published_texts(cloud) -> str:
    message = cloud.smn.messages[-1]
    structure = json.loads(message["message_structure"])
    return "\n".join([message["subject"], *structure.values()])


def test_a_forged_trace_id_cannot_add_lines_to_the_report(invoke, cloud) -> None:
    result = invoke(bucket_event("photos-2026", trace_id=FORGED))
    (row,) = result["results"]
    assert row["outcome"] == "created"
    for text in (row["reason"], published_texts(cloud)):
        assert "\x1b" not in text and "\u202e" not in text
        assert "\nSummary: 0 failed" not in text
    lines = published_texts(cloud).splitlines()
    assert sum(line == "Outcomes:" for line in lines) == 2  # the real one, in `default` and `email`


def test_a_huge_trace_id_is_cut_short(invoke, cloud) -> None:
    result = invoke(bucket_event("photos-2026", trace_id="t" * 200_000))
    assert len(json.dumps(result)) < 5_000
    assert len(published_texts(cloud)) < 5_000


@pytest.mark.parametrize("field", ["trace_status", "trace_rating", "service_type"])
def test_hostile_trace_fields_are_shown_printable_and_short(invoke, cloud, field: str) -> None:
    result = invoke(bucket_event("photos-2026", **{field: FORGED * 1000}))
    (row,) = result["results"]
    assert row["reason"].isprintable() and len(row["reason"]) < 400
    assert "\x1b" not in published_texts(cloud)


def test_a_hostile_project_name_in_a_project_trace_is_shown_safely(invoke, cloud) -> None:
    from helpers.world import project_event

    event = project_event()
    event["cts"]["request"] = {"project": {"name": f"{REGION}_x\n" + "y" * 10_000}}
    result = invoke(event)
    (row,) = result["results"]
    assert row["target"]["name"].isprintable() and len(row["target"]["name"]) <= 80


# ----- 3. names and patterns match whole strings --------------------------------------------
def test_a_region_with_a_trailing_newline_is_refused(invoke, cloud) -> None:
    result = invoke({"action": "audit", "regions": [f"{REGION}\n"]})
    assert result["ok"] is False and result["error"]["code"] == "InvalidEvent"
    assert cloud.calls == []


def test_a_manual_backfill_of_an_ip_like_bucket_is_refused(invoke, cloud) -> None:
    result = invoke({"action": "backfill", "buckets": ["192.168.1.1"]})
    assert result["error"]["code"] == "InvalidEvent" and "IP address" in result["error"]["message"]
    assert cloud.calls == []


def test_a_project_id_with_a_trailing_newline_is_refused(invoke, cloud) -> None:
    result = invoke({"action": "backfill", "projects": [f"{PROJECT_ID}\n"]})
    assert result["error"]["code"] == "InvalidEvent"
    assert cloud.calls == []


def test_a_configured_region_with_a_newline_is_a_configuration_error(invoke, cloud, env) -> None:
    env["REGION"] = f"{REGION}\neu-west-101"
    result = invoke({"action": "audit"})
    assert result["error"]["code"] == "InvalidConfiguration"


# ----- 4. a region with no project is an error ---------------------------------------------
@pytest.mark.parametrize("how", ["setting", "request"])
def test_a_region_that_matches_no_project_is_unknown_not_green(invoke, cloud, env, how: str) -> None:
    if how == "setting":
        env["BASELINE_REGIONS"] = "ap-southeast-l"  # an l for a 1
        result = invoke({"action": "audit"})
    else:
        result = invoke({"action": "audit", "regions": ["eu-west-999"]})
    missing = "ap-southeast-l" if how == "setting" else "eu-west-999"
    (row,) = [r for r in result["results"] if r["error"] and r["error"]["code"] == "UnknownRegion"]
    assert row["target"]["name"] == missing and missing in row["reason"]
    assert result["ok"] is False
    assert "UnknownRegion" in published_texts(cloud)


# ----- 5. another tracker's transfer bucket ------------------------------------------------
def test_a_named_backfill_of_another_trackers_transfer_bucket_is_not_ok(invoke, cloud, env) -> None:
    env["RAISE_ON_TRANSIENT"] = "false"
    cloud.add_bucket("console-audit-logs", REGION)
    cloud.cts.put_tracker(
        PROJECT_ID,
        {"tracker_name": "system", "tracker_type": "system", "obs_info": {"bucket_name": "console-audit-logs"}},
    )
    result = invoke({"action": "backfill", "buckets": ["console-audit-logs"]})
    (row,) = result["results"]
    assert row["error"]["code"] == "TransferBucketConflict" and result["ok"] is False
    assert cloud.calls_of("CreateTracker") == []
    env["EXCLUDE_BUCKETS"] = "console-audit-logs"  # the human's decision silences it
    again = invoke({"action": "backfill", "buckets": ["console-audit-logs"]})
    assert again["results"][0]["outcome"] == "skipped" and again["ok"] is True


def test_our_own_trackers_transfer_bucket_is_skipped_quietly(invoke, cloud, env) -> None:
    """A data tracker this function manages (named for its bucket) writing to an old transfer
    bucket: that bucket is skipped without an error."""
    cloud.add_bucket("old-trace-archive", REGION)
    cloud.cts.put_tracker(
        PROJECT_ID,
        {
            "tracker_name": "obs-photos-2026",
            "tracker_type": "data",
            "obs_info": {"bucket_name": "old-trace-archive"},
            "data_bucket": {"data_bucket_name": "photos-2026", "data_event": ["READ", "WRITE"]},
        },
    )
    result = invoke({"action": "backfill", "buckets": ["old-trace-archive"]})
    (row,) = result["results"]
    assert row["outcome"] == "skipped" and row["error"] is None


# ----- 6. unverified coverage -------------------------------------------------------------
@pytest.mark.parametrize("code", ["CTS.0209", "CTS.0201"])
def test_coverage_that_cannot_be_checked_is_retried_by_functiongraph(invoke, cloud, code: str) -> None:
    from helpers.world import NEW_PROJECT_ID, project_event

    from autotracker.handler import TransientFailure

    if code == "CTS.0209":
        cloud.cts.put_tracker(
            PROJECT_ID,
            {
                "tracker_name": "someone-elses",
                "status": "disabled",
                "data_bucket": {"data_bucket_name": "photos-2026", "data_event": ["READ", "WRITE"]},
            },
        )
        event = bucket_event("photos-2026")
    else:
        cloud.cts.put_tracker(NEW_PROJECT_ID, {"tracker_name": "system", "status": "disabled"})
        event = project_event()
    cloud.faults.inject(status=500, action="ListTrackers", count=None)
    with pytest.raises(TransientFailure):
        invoke(event)
    message = json.loads(cloud.smn.messages[-1]["message_structure"])["default"]
    assert "CoverageUnverified" in message  # reported before raising


# ----- 7/8. the deadline holds, whatever SMN does and whoever shares the client --------------
def served_env(env: Dict[str, str], base_url: str) -> Dict[str, str]:
    return {**env, "CTS_ENDPOINT": base_url, "SMN_ENDPOINT": base_url, "RAISE_ON_TRANSIENT": "false"}


def run_served(env: Dict[str, str], event: Dict[str, Any], remaining_ms: int, monkeypatch) -> tuple:
    """The handler against the fake on a real socket (timeouts are real there), and its wall time."""
    import time

    from helpers.world import FakeContext, index_env_names

    from autotracker.handler import handle

    for name in index_env_names():
        monkeypatch.delenv(name, raising=False)
    start = time.monotonic()
    result = handle(event, FakeContext(remaining_ms=remaining_ms), environ=env)
    return result, time.monotonic() - start


def test_a_slow_smn_cannot_make_the_handler_outlive_its_deadline(cloud, env, monkeypatch) -> None:
    cloud.faults.latency(8.0, service="smn")
    with cloud.serve() as base_url:
        result, elapsed = run_served(served_env(env, base_url), bucket_event("photos-2026"), 6_000, monkeypatch)
    assert result["results"][0]["outcome"] == "created"
    assert result["notification"]["sent"] is False and result["notification"]["error"] is not None
    assert elapsed < 6.0  # returned before getRemainingTimeInMilliSeconds() ran out
    assert len(cloud.calls_of("PublishMessage")) <= 1  # a timed-out publish is not repeated


def test_overlapping_invocations_do_not_share_their_timeouts(cloud, env, monkeypatch) -> None:
    """Same credentials, so the same cached SDK client: the invocation with 4.5 s left must not
    inherit the 20 s timeout of the one with a minute left."""
    import threading

    cloud.faults.latency(6.0, service="cts", action="CreateTracker")
    outcome: Dict[str, Any] = {}
    with cloud.serve() as base_url:
        environ = served_env(env, base_url)

        def late_and_long() -> None:
            outcome["long"] = run_served(environ, bucket_event("invoices-archive"), 60_000, monkeypatch)

        other = threading.Thread(target=late_and_long)
        timer = threading.Timer(0.3, other.start)  # starts while the short one's call is in flight
        timer.start()
        short, elapsed = run_served(environ, bucket_event("photos-2026"), 4_500, monkeypatch)
        timer.join()
        other.join()
    assert elapsed < 4.5
    assert short["results"][0]["outcome"] == "failed"  # its create could not finish in time
    assert outcome["long"][0]["results"][0]["outcome"] == "created"


# ----- 9. the report is never lost silently, nor sent twice ---------------------------------
def test_an_unpublished_report_is_logged_whole_and_the_async_invocation_retried(invoke, cloud, caplog) -> None:
    import logging

    from autotracker.handler import TransientFailure

    cloud.faults.inject(status=503, action="PublishMessage", count=None)
    with caplog.at_level(logging.INFO, logger="cts_autotracker"), pytest.raises(TransientFailure):
        invoke(bucket_event("photos-2026"))
    logged = "\n".join(record.getMessage() for record in caplog.records)
    assert "report not published" in logged and "SMN.0001" in logged
    assert "photos-2026" in logged and "created data tracker" in logged  # the whole report


def test_a_lost_publish_response_is_not_published_twice_and_the_retry_says_what_happened(invoke, cloud) -> None:
    from autotracker.handler import TransientFailure

    cloud.faults.inject(drop=True, action="PublishMessage", count=1, after=True)
    with pytest.raises(TransientFailure):
        invoke(bucket_event("photos-2026"))
    assert len(cloud.smn.messages) == 1  # published once; the lost answer was not retried
    retry = invoke(bucket_event("photos-2026"))  # FunctionGraph's async retry of the same event
    assert len(cloud.smn.messages) == 2
    first, second = (json.loads(m["message_structure"])["default"] for m in cloud.smn.messages)
    report_id = [line for line in first.splitlines() if line.startswith("Report id:")]
    assert report_id and report_id == [line for line in second.splitlines() if line.startswith("Report id:")]
    (row,) = retry["results"]
    assert row["outcome"] == "already_tracked"
    assert "obs-photos-2026" in row["reason"]  # named plainly: who made it cannot be told (issue 20, 18)
    assert "earlier attempt" not in row["reason"] and "earlier delivery" not in row["reason"]
    assert len(cloud.cts.trackers(PROJECT_ID)) == 1


# ----- 13. the scrubber replaces whole credentials only -------------------------------------
def test_a_short_secret_does_not_eat_words_of_the_result(cloud, env, invoke) -> None:
    """A secret key "ipp" used to turn "skipped" into "sk***ed": values shorter than any real
    credential are not scrubbed, and a credential is replaced only where it stands alone."""
    from helpers.world import FakeContext

    cloud.add_credentials("AKSHORTSECRET000001", "ipp")
    result = invoke(
        bucket_event("photos-2026", code=500), context=FakeContext(ak="AKSHORTSECRET000001", sk="ipp", token=None)
    )
    (row,) = result["results"]
    assert row["outcome"] == "skipped" and result["summary"] == {"skipped": 1}
    assert "***" not in json.dumps(result)


def test_a_leaked_credential_is_still_scrubbed_where_it_stands_alone(cloud, env, invoke) -> None:
    from helpers.world import SK

    result = invoke(bucket_event("photos-2026", trace_id=f"id {SK} end"))
    text = json.dumps(result)
    assert SK not in text
    assert "trace id *** end" in result["results"][0]["reason"]


# ----- 11. APIG: authenticated callers only, reports rate limited -------------------------
@pytest.mark.parametrize(
    "headers",
    [{}, {"content-type": "application/json"}, {"authorization": "Bearer x"}, {"x-auth-token": "  "}],
)
def test_an_anonymous_apig_request_is_refused_with_401_and_does_nothing(invoke, cloud, headers) -> None:
    response = invoke(apig(json.dumps({"action": "backfill", "all": True}), headers=headers))
    assert response["statusCode"] == 401
    body = json.loads(response["body"])
    assert body["error"]["code"] == "Unauthenticated" and body["results"] == [] and body["summary"] == {}
    assert cloud.calls == []  # no listing, no tracker, no report


@pytest.mark.parametrize(
    "event_part",
    [
        {"headers": {"authorization": "SDK-HMAC-SHA256 Access=AKEXAMPLE000000001, SignedHeaders=host, Signature=ab"}},
        {"requestContext": {"identity": {"user_id": "0a1b2c3d4e5f"}}},
        {"requestContext": {"authorizer": {"principalId": "ops-team"}}},
    ],
)
def test_each_form_of_authenticated_caller_is_accepted(invoke, cloud, event_part) -> None:
    event = {**apig(json.dumps({"action": "audit"}), headers={}), **event_part}
    response = invoke(event)
    assert response["statusCode"] in (200, 207)
    assert json.loads(response["body"])["summary"]


def test_apig_reports_are_limited_to_one_a_minute_per_caller(invoke, cloud) -> None:
    token = {"x-auth-token": f"iam-token-{uuid.uuid4().hex}"}
    other = {"x-auth-token": f"iam-token-{uuid.uuid4().hex}"}
    answers = [json.loads(invoke(apig(json.dumps({"action": "audit"}), headers=h))["body"]) for h in (token,) * 5]
    assert [a["notification"]["sent"] for a in answers] == [True, False, False, False, False]
    assert "rate limited" in answers[1]["notification"]["reason"]
    assert all(a["summary"] == answers[0]["summary"] for a in answers)  # the result is still in the response
    assert json.loads(invoke(apig(json.dumps({"action": "audit"}), headers=other))["body"])["notification"]["sent"]
    assert len(cloud.smn.messages) == 2
