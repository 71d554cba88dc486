"""The SMN report: one message per invocation, written for people, within SMN's limits, never
hiding the tracker work; NOTIFY decides whether it is sent at all."""

from __future__ import annotations

import json
from datetime import datetime, timezone

from helpers.world import PROJECT_ID, REGION, bucket_event, sample

from autotracker.contract import ErrorCode, Kind, Outcome, Target, TargetResult, failed
from autotracker.outputs.notify import (
    MESSAGE_BYTES,
    NEXT_STEPS,
    SMS_LATIN,
    SMS_OTHER,
    SUBJECT_BYTES,
    WIDTH,
    Heading,
    build_message,
)


def text_of(message) -> dict:
    return json.loads(message["message_structure"])


def test_one_message_summarises_every_outcome(invoke, cloud, topic_urn):
    invoke(sample("eventgrid-batch.json"))
    [message] = cloud.smn.messages
    assert message["topic_urn"] == topic_urn
    assert message["subject"] == f"cts-autotracker {REGION}: 1 created, 2 skipped"
    structure = text_of(message)
    assert set(structure) == {"default", "email", "sms"}
    rows = structure["email"].splitlines()
    assert rows[0] == "cts-autotracker report"
    assert f"Region:     {REGION}" in rows and "Request id: req-0001" in rows and "Trigger:    eventgrid" in rows
    assert "Account:    this function's account" in rows
    assert any(row.startswith("Time:       ") and row.endswith(" UTC") for row in rows)
    assert "  created              1" in rows and "  skipped              2" in rows
    assert f"Project {PROJECT_ID} ({REGION}):" in rows
    assert any(row.strip() == "created          bucket photos-2026" for row in rows)
    assert structure["sms"] == f"cts-autotracker {REGION}: 1 created, 2 skipped"


def test_lines_fit_an_email_and_the_project_is_named_once_per_group(invoke, cloud, env):
    long_bucket = "a-very-long-bucket-name-that-is-exactly-sixty-three-chars-longs"
    assert len(long_bucket) == 63
    cloud.add_bucket(long_bucket, REGION)
    env["RAISE_ON_TRANSIENT"] = "false"
    cloud.faults.inject(status=403, error_code="CTS.0013", action="CreateTracker", count=None)
    invoke({"action": "backfill", "all": True})
    text = text_of(cloud.smn.messages[-1])["default"]
    assert all(len(line) <= WIDTH for line in text.splitlines()), [
        line for line in text.splitlines() if len(line) > WIDTH
    ]
    assert long_bucket in text  # names in full, never cut
    assert text.count(f"Project {PROJECT_ID}") == 1  # grouped: the project id is not repeated per row
    assert text.count(PROJECT_ID) <= 2  # the group title, and at most the service's message


def test_failures_come_first_with_what_to_do_next(invoke, cloud, env):
    env["RETRY_MAX_ATTEMPTS"] = "1"
    env["RAISE_ON_TRANSIENT"] = "false"
    cloud.faults.inject(status=500, action="CreateTracker", count=1)
    result = invoke(bucket_event("photos-2026"))
    structure = text_of(cloud.smn.messages[0])
    assert result["ok"] is False
    rows = structure["default"].splitlines()
    assert any(row.strip().startswith("FAILED") and "photos-2026" in row for row in rows)
    assert "What to do next:" in rows
    assert structure["sms"] == f"cts-autotracker {REGION}: 1 failed"


def test_every_own_error_code_has_a_next_step() -> None:
    assert set(NEXT_STEPS) == set(ErrorCode)
    assert "PRIORITY_BUCKETS" in NEXT_STEPS[ErrorCode.QUOTA_EXHAUSTED]
    assert "EXCLUDE_BUCKETS" in NEXT_STEPS[ErrorCode.QUOTA_EXHAUSTED]


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


def test_notify_attention_stays_quiet_when_everything_is_covered(invoke, cloud, env):
    env["NOTIFY"] = "attention"
    first = invoke({"action": "backfill", "all": True})
    assert first["notification"]["sent"] is True  # trackers were created: worth reading
    second = invoke({"action": "backfill", "all": True})
    assert second["summary"] == {"already_tracked": 4, "skipped": 1}
    assert second["notification"] == {
        "sent": False,
        "topic_urn": None,
        "message_id": None,
        "error": None,
        "reason": "NOTIFY=attention: nothing needed attention",
    }
    assert len(cloud.smn.messages) == 1


def test_notify_never_sends_nothing(invoke, cloud, env):
    env["NOTIFY"] = "never"
    result = invoke(bucket_event("photos-2026"))
    assert result["ok"] is True and result["notification"]["reason"] == "NOTIFY=never"
    assert cloud.calls_of("PublishMessage") == [] and cloud.cts.trackers(PROJECT_ID)


def test_an_invalid_notify_is_a_configuration_error(invoke, cloud, env):
    env["NOTIFY"] = "sometimes"
    result = invoke(bucket_event("photos-2026"))
    assert (
        result["error"]["code"] == "InvalidConfiguration"
        and "NOTIFY: must be always, attention or never" in (result["error"]["message"])
    )
    assert not cloud.calls


def test_huge_reports_are_truncated_within_smn_limits():
    results = [
        failed(Target(Kind.BUCKET, f"bucket-{i:05d}-[x]", PROJECT_ID, REGION), "CTS.0200", "quota reached " + "é" * 200)
        for i in range(3000)
    ]
    results.append(TargetResult(Target(Kind.BUCKET, "ok-bucket", PROJECT_ID, REGION), Outcome.CREATED, "created"))
    heading = Heading(
        "timer",
        REGION + "-" + "x" * 600,
        time=datetime.now(timezone.utc),
        report_bucket="reports",
        report_keys=("k/1.json", "k/1.csv", "k/1.html"),
    )
    body = build_message(heading, results)
    assert len(body["subject"].encode()) <= SUBJECT_BYTES
    assert len(body["message_structure"].encode()) <= MESSAGE_BYTES
    structure = json.loads(body["message_structure"])
    text = structure["default"]
    assert "more target(s) not listed; see the function's result" in text
    assert text.index("FAILED") < text.index("What to do next:")
    assert "  k/1.html" in text.splitlines()  # the report keys survive the truncation
    sms = structure["sms"]
    assert len(sms) <= SMS_LATIN
    assert not any(char in sms for char in "[]【】")


def test_sms_is_one_message_for_non_latin_text():
    heading = Heading("timer", REGION, problem="列出存储桶失败" * 20)
    sms = json.loads(build_message(heading, [])["message_structure"])["sms"]
    assert len(sms) <= SMS_OTHER and sms.endswith("...")


def test_published_message_is_accepted_by_smn_rules(invoke, cloud, env):
    # many skipped traces in one delivery still make a message SMN accepts
    event = sample("eventgrid-batch.json")
    event["events"] = [event["events"][2]] * 100
    result = invoke(event)
    assert result["notification"]["sent"] is True
