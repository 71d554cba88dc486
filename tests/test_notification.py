"""The SMN report: one message per invocation, within SMN's limits, never hiding the tracker work."""

from __future__ import annotations

import json

from conftest import PROJECT_ID, REGION, bucket_event, sample

from autotracker.contract import Kind, Outcome, Target, TargetResult, failed
from autotracker.notify import MESSAGE_BYTES, SMS_CHARS, SUBJECT_BYTES, build_message


def test_one_message_summarises_every_outcome(invoke, cloud, topic_urn):
    invoke(sample("eventgrid-batch.json"))
    [message] = cloud.smn.messages
    assert message["topic_urn"] == topic_urn
    assert message["subject"] == f"cts-autotracker {REGION}: 1 created, 2 skipped"
    structure = json.loads(message["message_structure"])
    assert set(structure) == {"default", "email", "sms"}
    rows = structure["email"].splitlines()
    assert any(row.startswith("created") and "photos-2026" in row for row in rows)
    assert sum(row.startswith("skipped") for row in rows) == 2
    assert any(row.startswith("OUTCOME") and "REASON" in row for row in rows)
    assert structure["sms"].startswith(f"cts-autotracker {REGION} eventgrid: 1 created, 2 skipped")


def test_failures_are_reported_first_and_named_in_sms(invoke, cloud, env):
    env["RETRY_MAX_ATTEMPTS"] = "1"
    env["RAISE_ON_TRANSIENT"] = "false"
    cloud.faults.inject(status=500, action="CreateTracker", count=1)
    result = invoke(bucket_event("photos-2026"))
    structure = json.loads(cloud.smn.messages[0]["message_structure"])
    assert result["ok"] is False
    assert any(row.startswith("failed") and "photos-2026" in row for row in structure["default"].splitlines())
    assert "Failed: photos-2026" in structure["sms"]


def test_unknown_topic_does_not_hide_the_created_tracker(invoke, cloud, env):
    env["SMN_TOPIC_URN"] = f"urn:smn:{REGION}:{PROJECT_ID}:no-such-topic"
    env["RAISE_ON_TRANSIENT"] = "false"  # otherwise the async invocation ends in TransientFailure
    result = invoke(bucket_event("photos-2026"))
    assert result["results"][0]["outcome"] == "created"
    assert len(cloud.cts.trackers(PROJECT_ID)) == 1
    assert result["ok"] is False
    assert result["notification"]["sent"] is False
    assert result["notification"]["error"]["code"] == "SMN.0006"


def test_publish_throttling_is_retried(invoke, cloud):
    cloud.faults.inject(status=429, action="PublishMessage", count=1)
    result = invoke(bucket_event("photos-2026"))
    assert result["notification"]["sent"] is True and result["ok"] is True
    assert len(cloud.smn.messages) == 1


def test_without_topic_the_result_says_so(invoke, cloud, env):
    env["SMN_TOPIC_URN"] = ""
    result = invoke(bucket_event("photos-2026"))
    assert result["ok"] is True
    assert result["notification"] == {
        "sent": False,
        "topic_urn": None,
        "message_id": None,
        "error": None,
        "reason": "SMN_TOPIC_URN is not set",
    }
    assert cloud.calls_of("PublishMessage") == []


def test_huge_reports_are_truncated_within_smn_limits():
    results = [
        failed(Target(Kind.BUCKET, f"bucket-{i:05d}-[x]", PROJECT_ID, REGION), "CTS.0200", "quota reached " + "é" * 200)
        for i in range(3000)
    ]
    results.append(TargetResult(Target(Kind.BUCKET, "ok-bucket", PROJECT_ID, REGION), Outcome.CREATED, "created"))
    body = build_message("timer", REGION + "-" + "x" * 600, results, dry_run=False)
    assert len(body["subject"].encode()) <= SUBJECT_BYTES
    assert len(body["message_structure"].encode()) <= MESSAGE_BYTES
    structure = json.loads(body["message_structure"])
    assert "more line(s); see the function's result" in structure["default"]
    rows = structure["default"].splitlines()
    assert rows[4].startswith("failed")  # failures first, right under the table header
    sms = structure["sms"]
    assert len(sms) <= SMS_CHARS
    assert not any(char in sms for char in "[]【】")


def test_published_message_is_accepted_by_smn_rules(invoke, cloud, env):
    # many skipped traces in one delivery still make a message SMN accepts
    event = sample("eventgrid-batch.json")
    event["events"] = [event["events"][2]] * 100
    result = invoke(event)
    assert result["notification"]["sent"] is True
