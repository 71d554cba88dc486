"""outputs/notify.py: the SMN message built for people: within SMN's limits, failures first, never forged lines."""

from __future__ import annotations

import json

from autotracker.contract import ErrorCode, Kind, Outcome, Target, TargetResult, failed
from autotracker.outputs.notify import MESSAGE_BYTES, SUBJECT_BYTES, Heading, build_message

HEADING = Heading(trigger="TIMER", region="ap-southeast-1", request_id="req-1")


def bucket(name: str) -> Target:
    return Target(Kind.BUCKET, name, "p-1", "ap-southeast-1")


def test_a_failed_target_is_listed_and_a_tracked_one_is_counted_only_in_a_sweep() -> None:
    results = [
        failed(bucket("broken"), ErrorCode.NOT_COVERED, "denied"),
        TargetResult(bucket("fine"), Outcome.ALREADY_TRACKED, "covered"),
    ]
    body = build_message(HEADING, results, attention_only=True)
    text = json.loads(body["message_structure"])["email"]
    assert "broken" in text and "fine" not in text
    assert "cts-autotracker ap-southeast-1" in body["subject"]


def test_the_runs_own_failure_opens_the_subject() -> None:
    body = build_message(HEADING._replace(problem="inventory unreadable"), [])
    assert body["subject"].startswith("cts-autotracker ap-southeast-1: FAILED: inventory unreadable")


def test_no_carriage_return_reaches_the_message_and_a_huge_run_fits_smn() -> None:
    """(Names arrive here already `untrusted.shown`, one line each: the flows in
    tests/flows/test_hostile_events.py hold that; this module keeps CR out and the sizes in.)"""
    hostile = failed(bucket("x\r\nSubject: all is well"), ErrorCode.NOT_COVERED, "denied\nok")
    many = [failed(bucket(f"b-{i:05d}"), ErrorCode.NOT_COVERED, "d" * 200) for i in range(5000)]
    body = build_message(HEADING, [hostile, *many])
    structure = body["message_structure"]
    assert len(structure.encode("utf-8")) <= MESSAGE_BYTES and len(body["subject"].encode()) <= SUBJECT_BYTES
    text = json.loads(structure)["email"]
    assert "\r" not in text and "\r" not in body["subject"]
    assert "truncated" in text
