"""handler.py: the shell. Bad input (an event no source reads, a refused configuration, missing
credentials, an unauthenticated fan-out) is answered with `ok: false` and the reason, nothing
called in the cloud; an async delivery's transient failure raises after the report is out, a
caller's invocation is answered."""

from __future__ import annotations

from typing import Any, Dict

import pytest
from helpers.fanout import FANOUT_KEY, signed_fanout
from helpers.world import FakeContext, base_env, bucket_event

from autotracker import handler
from autotracker.contract import ErrorCode
from autotracker.handler import TransientFailure, handle
from fakecloud import FakeCloud


def _env(**extra: str) -> Dict[str, str]:
    return {**base_env(), **extra}


def _refusal(result: Dict[str, Any], code: str) -> Dict[str, Any]:
    assert result["ok"] is False and result["error"]["code"] == code
    assert result["results"] == []
    return result


def test_a_bucket_event_is_run_and_answered(cloud: FakeCloud) -> None:
    with cloud.mock():
        result = handle(bucket_event("photos-2026"), FakeContext(), _env())
    assert result["ok"] is True and result["trigger"] == "cts" and result["request_id"] == "req-0001"
    (target,) = result["results"]
    assert target["outcome"] == "created" and target["target"]["name"] == "photos-2026"
    assert len(cloud.calls_of("CreateTracker")) == 1


@pytest.mark.parametrize("event", [{"no": "source"}, 42, None, ["a", "list"]])
def test_an_event_no_source_reads_is_refused_and_nothing_is_called(cloud: FakeCloud, event: Any) -> None:
    with cloud.mock():
        result = handle(event, FakeContext(), _env())
    _refusal(result, ErrorCode.INVALID_EVENT)
    assert result["trigger"] == "unknown"
    assert cloud.calls == []


def test_a_refused_configuration_is_answered_and_still_says_a_dry_run_was_asked(cloud: FakeCloud) -> None:
    with cloud.mock():
        result = handle(bucket_event("photos-2026"), FakeContext(), _env(TRACE_LIFECYCLE_DAYS="soon", DRY_RUN="true"))
    _refusal(result, ErrorCode.INVALID_CONFIGURATION)
    assert "TRACE_LIFECYCLE_DAYS" in result["error"]["message"]
    assert result["dry_run"] is True
    assert cloud.calls == []


def test_missing_credentials_are_answered_without_a_call(cloud: FakeCloud) -> None:
    with cloud.mock():
        result = handle(bucket_event("photos-2026"), FakeContext(ak="", sk="", token=None), _env())
    _refusal(result, ErrorCode.MISSING_CREDENTIALS)
    assert cloud.calls == []


def test_a_fanout_signed_with_another_key_is_unauthenticated_and_not_called_a_fanout(cloud: FakeCloud) -> None:
    event = signed_fanout({"action": "backfill", "all": True}, key="an-attackers-key-0123456789abcdefghij")
    with cloud.mock():
        result = handle(event, FakeContext(), _env(FANOUT_KEY=FANOUT_KEY))
    _refusal(result, ErrorCode.UNAUTHENTICATED)
    assert result["trigger"] == "unknown"
    assert FANOUT_KEY not in str(result)
    assert cloud.calls == []


def test_an_async_deliverys_transient_failure_raises_after_the_report(cloud: FakeCloud) -> None:
    cloud.faults.inject(503, action="CreateTracker", count=None)
    with cloud.mock(), pytest.raises(TransientFailure) as raised:
        handle(bucket_event("photos-2026"), FakeContext(), _env(RETRY_MAX_ATTEMPTS="1"))
    assert "photos-2026" in str(raised.value)
    assert cloud.calls_of("PublishMessage")  # the report went out before the raise


def test_without_raise_on_transient_the_failure_is_answered(cloud: FakeCloud) -> None:
    cloud.faults.inject(503, action="CreateTracker", count=None)
    with cloud.mock():
        result = handle(
            bucket_event("photos-2026"), FakeContext(), _env(RETRY_MAX_ATTEMPTS="1", RAISE_ON_TRANSIENT="false")
        )
    assert result["ok"] is False
    (target,) = result["results"]
    assert target["outcome"] == "failed" and target["error"]["code"] == "CTS.0004"
    assert "transient" in target["reason"]
    assert len(cloud.calls_of("CreateTracker")) == 1  # RETRY_MAX_ATTEMPTS=1: one attempt


def test_a_manual_invocation_is_answered_not_raised(cloud: FakeCloud) -> None:
    cloud.faults.inject(503, action="CreateTracker", count=None)
    with cloud.mock():
        result = handle({"action": "backfill", "buckets": ["photos-2026"]}, FakeContext(), _env(RETRY_MAX_ATTEMPTS="1"))
    assert result["ok"] is False and result["trigger"] == "manual"
    assert [r["outcome"] for r in result["results"]] == ["failed"]


class _Clock:
    def __init__(self, answer: Any) -> None:
        self._answer = answer

    def getRemainingTimeInMilliSeconds(self) -> Any:
        if isinstance(self._answer, Exception):
            raise self._answer
        return self._answer


def test_the_time_left_is_the_contexts_or_unknown() -> None:
    assert handler._remaining_ms(_Clock(12_345)) == 12_345.0
    assert handler._remaining_ms(_Clock(RuntimeError("no clock"))) is None
    assert handler._remaining_ms(object()) is None
