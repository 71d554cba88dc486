"""Transient faults, lost responses, duplicate and concurrent deliveries, warm containers."""

from __future__ import annotations

import json
import logging
import threading
from concurrent.futures import ThreadPoolExecutor

import index
import pytest
from helpers.world import AK, PROJECT_ID, REGION, SK, TOKEN, FakeContext, bucket_event, project_event

from autotracker.handler import TransientFailure

TIMER = {"trigger_type": "TIMER", "trigger_name": "baseline", "time": "2026-11-25T08:30:00+08:00"}


def test_persistent_transient_failure_raises_after_notifying(invoke, cloud, env):
    env["RETRY_MAX_ATTEMPTS"] = "2"
    cloud.faults.inject(status=503, action="CreateTracker", count=None)
    with pytest.raises(TransientFailure) as raised:
        invoke(bucket_event("photos-2026"))
    assert "bucket photos-2026" in str(raised.value)
    assert len(cloud.smn.messages) == 1  # the report went out first
    assert "1 failed" in cloud.smn.messages[0]["subject"]
    assert cloud.cts.trackers(PROJECT_ID) == []
    # FunctionGraph retries the async invocation; once the fault clears the retry completes the work
    cloud.faults.clear()
    assert invoke(bucket_event("photos-2026"))["results"][0]["outcome"] == "created"


def test_permanent_failures_do_not_raise(invoke, cloud):
    cloud.faults.inject(status=403, error_code="CTS.0013", action="CreateTracker", count=1)
    result = invoke(bucket_event("photos-2026"))
    assert result["ok"] is False and result["results"][0]["error"]["code"] == "CTS.0013"


def test_manual_invocations_never_raise(invoke, cloud, env):
    env["RETRY_MAX_ATTEMPTS"] = "1"
    cloud.add_bucket("trace-archive", REGION)
    cloud.faults.inject(status=500, action="CreateTracker", count=None)
    result = invoke({"action": "backfill", "buckets": ["photos-2026"]})
    assert result["ok"] is False and result["results"][0]["error"]["code"] == "CTS.0004"


def test_transient_inventory_failure_raises(invoke, cloud, env):
    env["RETRY_MAX_ATTEMPTS"] = "1"
    cloud.faults.inject(status=503, action="ListBuckets", count=None)
    with pytest.raises(TransientFailure):
        invoke(TIMER)
    assert "listing buckets" in cloud.smn.messages[-1]["subject"]


def test_lost_create_response_is_recognised_on_retry(invoke, cloud):
    cloud.faults.inject(status=502, action="CreateTracker", count=1, after=True)
    result = invoke(bucket_event("photos-2026"))
    [tracker] = cloud.cts.trackers(PROJECT_ID)
    entry = result["results"][0]
    assert result["ok"] is True
    assert entry["outcome"] == "already_tracked" and entry["tracker"]["id"] == tracker["id"]
    assert [c.status for c in cloud.calls_of("CreateTracker")] == [502, 400]


def test_dropped_response_after_create_is_recognised(invoke, cloud):
    cloud.faults.inject(drop=True, action="CreateTracker", count=1, after=True)
    result = invoke(project_event())
    assert result["ok"] is True and result["results"][0]["outcome"] == "already_tracked"
    assert len(cloud.cts.trackers(result["results"][0]["target"]["project_id"])) == 1


def test_sizeable_share_of_transient_failures_still_reaches_full_coverage(invoke, cloud, env):
    env["RETRY_MAX_ATTEMPTS"] = "10"
    for number in range(30):
        cloud.add_bucket(f"bulk-{number:03d}", REGION)
    cloud.faults.random(rate=0.35, statuses=(429, 500, 502, 503), seed=7)
    result = invoke(TIMER)
    faulted = [c for c in cloud.calls if c.status in (429, 500, 502, 503)]
    assert len(faulted) >= 10  # the faults really happened
    assert result["ok"] is True, [r for r in result["results"] if r["outcome"] == "failed"]
    names = [
        t["data_bucket"]["data_bucket_name"] for t in cloud.cts.trackers(PROJECT_ID) if t["tracker_type"] == "data"
    ]
    assert sorted(names) == sorted(["photos-2026", "invoices-archive"] + [f"bulk-{i:03d}" for i in range(30)])
    assert len(names) == len(set(names))  # no duplicates


def test_random_faults_with_lost_responses_never_duplicate(invoke, cloud, env):
    env["RETRY_MAX_ATTEMPTS"] = "10"
    for _ in range(5):
        cloud.faults.inject(status=500, action="CreateTracker", count=1, after=True)
    result = invoke(TIMER)
    assert result["ok"] is True
    trackers = cloud.cts.trackers(PROJECT_ID)
    buckets = [t["data_bucket"]["data_bucket_name"] for t in trackers if t["tracker_type"] == "data"]
    assert sorted(buckets) == ["invoices-archive", "photos-2026"]
    assert sum(t["tracker_type"] == "system" for t in trackers) == 1


@pytest.mark.parametrize("event_factory", [lambda: bucket_event("photos-2026"), project_event])
def test_concurrent_duplicate_deliveries_end_with_one_tracker(cloud, env, monkeypatch, event_factory):
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    cloud.faults.latency(0.02, action="CreateTracker")  # widen the race window
    start = threading.Barrier(8)

    def deliver(_: int):
        start.wait()
        return index.handler(event_factory(), FakeContext())

    with cloud.mock(), ThreadPoolExecutor(max_workers=8) as pool:
        results = list(pool.map(deliver, range(8)))
    outcomes = sorted(r["results"][0]["outcome"] for r in results)
    assert all(r["ok"] for r in results)
    assert outcomes == ["already_tracked"] * 7 + ["created"]
    project_id = results[0]["results"][0]["target"]["project_id"]
    assert len(cloud.cts.trackers(project_id)) == 1
    ids = {r["results"][0]["tracker"]["id"] for r in results}
    assert len(ids) == 1


def test_warm_container_keeps_nothing_between_invocations(invoke, cloud, env):
    first = invoke(bucket_event("photos-2026"))
    cloud.add_credentials("AKROTATED000000002", "rotated-secret", security_token="rotated-token")
    rotated = FakeContext(ak="AKROTATED000000002", sk="rotated-secret", token="rotated-token")
    env["DRY_RUN"] = "true"
    second = invoke(bucket_event("invoices-archive"), context=rotated)
    assert [r["target"]["name"] for r in first["results"]] == ["photos-2026"]
    assert [r["target"]["name"] for r in second["results"]] == ["invoices-archive"]
    assert second["dry_run"] is True and second["results"][0]["outcome"] == "planned"
    last = cloud.calls[-1]
    assert last.action == "PublishMessage" and "AKROTATED000000002" in last.headers["authorization"]
    # and the next invocation signs with whatever credentials it is given again
    third = invoke(bucket_event("invoices-archive"), context=FakeContext(ak=AK, sk=SK, token=TOKEN))
    assert "AKTESTTEMPORARY0001" in cloud.calls[-1].headers["authorization"]
    assert third["results"][0]["outcome"] == "planned"


def test_sdk_debug_logging_never_shows_credentials(invoke, cloud, env, caplog):
    env["RETRY_MAX_ATTEMPTS"] = "2"
    env["RAISE_ON_TRANSIENT"] = "false"
    loggers = [
        logging.getLogger(f"HuaweiCloud-SDK-{name}") for name in ("CtsClient", "SmnClient", "IamClient", "ObsClient")
    ]
    handler = caplog.handler
    for logger in loggers:
        logger.addHandler(handler)
        logger.setLevel(logging.DEBUG)
    try:
        caplog.set_level(logging.DEBUG)
        cloud.faults.inject(drop=True, action="CreateTracker", count=1)
        cloud.faults.inject(status=500, action="ListBuckets", count=1)
        invoke(bucket_event("photos-2026"))
        invoke(TIMER)
        invoke(bucket_event("photos-2026"), context=FakeContext(sk="wrong-secret-key"))
    finally:
        for logger in loggers:
            logger.removeHandler(handler)
            logger.setLevel(logging.NOTSET)
    text = caplog.text + json.dumps(cloud.smn.messages)
    assert "ConnectionException occurred" in caplog.text  # the SDK's own error logging was captured
    for secret in (AK, SK, TOKEN, "wrong-secret-key"):
        assert secret not in text


def test_client_cache_is_keyed_bounded_and_expires():
    from autotracker.cloud.clients import ClientCache

    built = []

    def build():
        built.append(object())
        return built[-1]

    cache = ClientCache(size=2, ttl=900)
    first = cache.get(("cts", "endpoint", "project", "credentials-a"), build)
    assert cache.get(("cts", "endpoint", "project", "credentials-a"), build) is first
    rotated = cache.get(("cts", "endpoint", "project", "credentials-b"), build)
    assert rotated is not first  # new credentials never reuse a client built for the old ones
    cache.get(("smn", "endpoint", "project", "credentials-b"), build)
    assert len(cache) == 2  # the least recently used was dropped
    assert cache.get(("cts", "endpoint", "project", "credentials-a"), build) is not first
    expiring = ClientCache(size=2, ttl=0)
    assert expiring.get(("k",), build) is not expiring.get(("k",), build)


def test_rotated_credentials_sign_with_the_new_keys(invoke, cloud):
    for number in range(3):
        ak, sk, token = f"AKROTATION{number:08d}", f"secret-{number}", f"token-{number}"
        cloud.add_credentials(ak, sk, security_token=token)
        result = invoke(bucket_event("photos-2026"), context=FakeContext(ak=ak, sk=sk, token=token))
        assert result["ok"] is True  # the fake verified a signature made with this invocation's keys
        assert ak in cloud.calls[-1].headers["authorization"]


def test_an_unreadable_bucket_listing_is_a_named_failure_not_a_crash(env, monkeypatch, caplog):
    """Broken XML from OBS, mocked at the HTTP boundary: the listing is read with the standard
    library's parser, and what it cannot read is the sweep's named error."""
    import re

    import responses

    for name, value in env.items():
        monkeypatch.setenv(name, value)
    with responses.RequestsMock(assert_all_requests_are_fired=False) as http:
        http.add(
            "GET",
            re.compile(r"https://obs\..*"),
            body="<ListAllMyBucketsResult><Buckets><Bucket>",
            content_type="application/xml",
        )
        http.add("GET", re.compile(r"https://iam\..*/v3/projects.*"), json={"projects": []})
        http.add("POST", re.compile(r"https://smn\..*/publish"), json={"message_id": "m-1"})
        result = index.handler(TIMER, FakeContext())
    assert result["ok"] is False and result["error"]["code"] == "InvalidResponse", result
    assert "OBS ListBuckets answered unreadable XML" in result["error"]["message"]
    assert result["results"] == []
    for secret in (AK, SK, TOKEN):
        assert secret not in caplog.text and secret not in json.dumps(result)


def test_a_listing_with_a_dtd_is_refused_before_parsing(env, monkeypatch):
    """No entity expansion: a document type declaration is not expected in a listing."""
    import re

    import responses

    bomb = (
        '<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;">]>'
        "<ListAllMyBucketsResult><Buckets><Bucket><Name>&b;</Name></Bucket></Buckets></ListAllMyBucketsResult>"
    )
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    with responses.RequestsMock(assert_all_requests_are_fired=False) as http:
        http.add("GET", re.compile(r"https://obs\..*"), body=bomb, content_type="application/xml")
        http.add("GET", re.compile(r"https://iam\..*/v3/projects.*"), json={"projects": []})
        http.add("POST", re.compile(r"https://smn\..*/publish"), json={"message_id": "m-1"})
        result = index.handler(TIMER, FakeContext())
    assert result["error"]["code"] == "InvalidResponse" and "DTD" in result["error"]["message"]


def test_an_unexpected_error_still_answers_scrubbed_and_does_not_raise(env, monkeypatch, caplog):
    """An answer the SDK itself cannot read (IAM answering broken XML), mocked at the HTTP
    boundary: the catch-all answers InternalError, scrubbed, logged, and does not raise."""
    import re

    import responses

    for name, value in env.items():
        monkeypatch.setenv(name, value)
    listing = '<?xml version="1.0"?><ListAllMyBucketsResult><Buckets></Buckets></ListAllMyBucketsResult>'
    with responses.RequestsMock(assert_all_requests_are_fired=False) as http:
        http.add("GET", re.compile(r"https://obs\..*"), body=listing, content_type="application/xml")
        http.add(
            "GET", re.compile(r"https://iam\..*/v3/projects.*"), body="<projects><p>", content_type="application/xml"
        )
        http.add("POST", re.compile(r"https://smn\..*/publish"), json={"message_id": "m-1"})
        result = index.handler(TIMER, FakeContext())
    assert result["ok"] is False and result["error"]["code"] == "InternalError", result
    assert result["results"] == []
    problem = [json.loads(r.getMessage()) for r in caplog.records if '"event": "problem"' in r.getMessage()]
    assert problem[0]["message"] == "internal error" and problem[0]["error"].startswith("ParseError"), caplog.text
    for secret in (AK, SK, TOKEN):
        assert secret not in caplog.text and secret not in json.dumps(result)
