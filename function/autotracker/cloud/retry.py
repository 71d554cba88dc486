"""Retrying transient cloud failures within the invocation's remaining time.

tenacity does the looping (exponential backoff with full jitter); this module
only says what is transient and when to stop: after `max_attempts`, or when
the next sleep plus a call would not fit before the deadline.
"""

from __future__ import annotations

import time
from typing import Callable, NamedTuple, Optional, TypeVar

T = TypeVar("T")


class Deadline:
    """Monotonic wall-clock budget, taken once from FunctionGraph's remaining time."""

    def __init__(self, remaining_ms: Optional[float]):
        seconds = 300.0 if remaining_ms is None or remaining_ms <= 0 else remaining_ms / 1000.0
        self._end = time.monotonic() + seconds

    def remaining(self) -> float:
        return max(0.0, self._end - time.monotonic())


class RetryPolicy(NamedTuple):
    max_attempts: int = 5
    base_delay: float = 0.5
    max_delay: float = 8.0
    min_call_time: float = 1.0  # don't start an attempt with less time than this left


def call_with_retry(
    call: Callable[[], T],
    is_transient: Callable[[BaseException], bool],
    policy: RetryPolicy,
    deadline: Deadline,
    reserve: float = 0.0,
) -> T:
    """Run `call`, retrying transient failures; the last error is re-raised unchanged.

    The happy path makes one call and never imports tenacity (a cold start saves its import);
    after a transient failure tenacity takes over, replaying that failure as its first attempt.
    """
    try:
        return call()
    except Exception as error:
        if not is_transient(error):
            raise
        first_failure: Optional[BaseException] = error

    from tenacity import RetryCallState, Retrying, retry_if_exception, wait_random_exponential

    def attempt() -> T:
        nonlocal first_failure
        if first_failure is not None:
            failure, first_failure = first_failure, None
            raise failure
        return call()

    def stop(state: RetryCallState) -> bool:
        upcoming = state.upcoming_sleep or 0.0
        no_time = deadline.remaining() - reserve < upcoming + policy.min_call_time
        return state.attempt_number >= policy.max_attempts or no_time

    retrying = Retrying(
        retry=retry_if_exception(is_transient),
        wait=wait_random_exponential(multiplier=policy.base_delay, max=policy.max_delay),
        stop=stop,
        reraise=True,
    )
    return retrying(attempt)
