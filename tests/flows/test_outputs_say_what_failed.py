"""What the outputs say when one of them, or a service's answer, goes wrong: a log that cannot
be written makes the run not ok; a publish that SMN refused is retried on an async trigger
whatever code SMN spelled it with; an answer that cannot be read has its own code and next step."""

from __future__ import annotations

import json

import pytest
from helpers.log_contexts import BrokenLogger, LoggerContext
from helpers.world import sample

from autotracker.contract import ErrorCode
from autotracker.handler import TransientFailure
from autotracker.outputs.notify import NEXT_STEPS


def test_a_log_that_cannot_be_written_makes_the_run_not_ok(invoke, cloud) -> None:
    result = invoke({"action": "backfill", "all": True}, LoggerContext(BrokenLogger()))
    assert result["summary"]["created"] == 4 and result["notification"]["sent"] is True
    assert result["log_error"] and result["ok"] is False


def test_over_apig_a_log_that_cannot_be_written_is_answered_207(invoke, cloud) -> None:
    answer = invoke(sample("apig-backfill-all.json"), LoggerContext(BrokenLogger()))
    body = json.loads(answer["body"])
    assert answer["statusCode"] == 207 and body["ok"] is False and body["log_error"]


def test_a_publish_smn_refused_with_a_code_spelled_internal_error_is_retried_on_a_timer(invoke, cloud) -> None:
    """SMN's own 5xx named `InternalError` is a failed publish, not a bug of ours: FunctionGraph
    is asked to retry the timer run, so the report goes out."""
    cloud.faults.inject(status=500, action="PublishMessage", error_code="InternalError", count=None)
    with pytest.raises(TransientFailure, match="could not be published"):
        invoke(sample("timer.json"))
    assert cloud.calls_of("PublishMessage") and not cloud.smn.messages


def test_an_unreadable_answer_is_named_by_a_documented_code_of_the_contract(invoke, cloud, env) -> None:
    """`InvalidResponse` is one of the function's own codes: in ErrorCode (so in docs/results.md's
    table, which a test holds to the enum) and with a next step for the message."""
    env["RAISE_ON_TRANSIENT"] = "false"
    cloud.faults.rewrite(lambda text: "<ListAllMyBucketsResult><Buckets><Bucket>", "ListBuckets")
    result = invoke({"action": "backfill", "all": True})
    code = ErrorCode(result["error"]["code"])
    assert code is ErrorCode.INVALID_RESPONSE and "cannot be read" in NEXT_STEPS[code]
