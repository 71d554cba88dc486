"""cloud/retry.py: transient failures are retried within the attempts and the time left; others are not."""

from __future__ import annotations

from typing import List

import pytest

from autotracker.cloud.retry import Deadline, RetryPolicy, call_with_retry


class Transient(Exception):
    pass


def flaky(failures: int, calls: List[int]):
    def call() -> str:
        calls.append(1)
        if len(calls) <= failures:
            raise Transient("try again")
        return "done"

    return call


FAST = RetryPolicy(max_attempts=4, base_delay=0.001, max_delay=0.002, min_call_time=0.0)


def is_transient(error: BaseException) -> bool:
    return isinstance(error, Transient)


def test_a_transient_failure_is_retried_until_the_call_succeeds() -> None:
    calls: List[int] = []
    assert call_with_retry(flaky(2, calls), is_transient, FAST, Deadline(60_000)) == "done"
    assert len(calls) == 3


def test_the_last_transient_error_is_raised_after_max_attempts() -> None:
    calls: List[int] = []
    with pytest.raises(Transient):
        call_with_retry(flaky(10, calls), is_transient, FAST, Deadline(60_000))
    assert len(calls) == FAST.max_attempts


def test_a_permanent_error_is_raised_at_once() -> None:
    calls: List[int] = []

    def broken() -> str:
        calls.append(1)
        raise KeyError("permanent")

    with pytest.raises(KeyError):
        call_with_retry(broken, is_transient, FAST, Deadline(60_000))
    assert calls == [1]


def test_no_retry_starts_without_time_for_a_call() -> None:
    calls: List[int] = []
    policy = RetryPolicy(max_attempts=5, base_delay=0.001, max_delay=0.002, min_call_time=5.0)
    with pytest.raises(Transient):
        call_with_retry(flaky(10, calls), is_transient, policy, Deadline(1_000))
    assert calls == [1]


def test_a_deadline_without_remaining_time_given_is_the_runtime_default() -> None:
    assert 299.0 < Deadline(None).remaining() <= 300.0
    assert 0.0 < Deadline(2_000).remaining() <= 2.0
