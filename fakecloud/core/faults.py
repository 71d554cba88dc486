"""Fault injection: throttling, server errors, dropped connections and latency on demand, and
hostile answers: an error with a message of the test's (`inject(message=...)`), or a successful
answer whose body a test rewrites (`rewrite`), so any string of any answer can be hostile.

Decisions are taken after authentication and before the service handler, so an injected
fault never changes state, unless it is injected with `after=True` (a lost response). A
rewrite changes only the answer, after the handler has done its work.
"""

from __future__ import annotations

import random as _random
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Fault:
    """What to do instead of calling the handler: answer `status`, or drop the connection."""

    status: int = 0
    drop: bool = False
    error_code: str | None = None
    after: bool = False  # the service handles the request, then the answer is lost
    message: str | None = None  # the error body's message (default: a generic one)


@dataclass
class _Rule:
    fault: Fault
    service: str | None
    action: str | None
    remaining: int | None  # None: forever

    def matches(self, service: str, action: str) -> bool:
        return (self.service in (None, service)) and (self.action in (None, action))


@dataclass
class _Rewrite:
    change: Callable[[Any], Any]
    service: str | None
    action: str | None
    remaining: int | None  # None: forever


@dataclass
class _Latency:
    seconds: float
    service: str | None
    action: str | None


@dataclass
class _Hold:
    service: str | None
    action: str | None
    until: str  # an action: matching requests wait until one such request has been answered
    released: threading.Event
    timeout: float


@dataclass
class _Random:
    rate: float
    statuses: tuple[int, ...]
    rng: _random.Random
    service: str | None
    action: str | None


class Faults:
    """Switches used by reliability tests; all methods are thread-safe."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._rules: list[_Rule] = []
        self._rewrites: list[_Rewrite] = []
        self._latencies: list[_Latency] = []
        self._random: _Random | None = None
        self._holds: list[_Hold] = []
        self._waiting = 0  # requests blocked by a hold right now

    def inject(
        self,
        status: int | None = None,
        action: str | None = None,
        count: int | None = 1,
        error_code: str | None = None,
        *,
        drop: bool = False,
        service: str | None = None,
        after: bool = False,
        message: str | None = None,
    ) -> None:
        """The next `count` matching requests (None: all) answer `status` or are dropped.

        With `after=True` the request is carried out first and only its answer is replaced:
        a create that succeeded but whose response never arrived. `message` is the error
        body's message, as the service's error format carries it (hostile text included).
        """
        if drop == (status is not None):
            raise ValueError("give exactly one of status=... or drop=True")
        if count is not None and count < 1:
            raise ValueError("count must be >= 1 or None")
        fault = Fault(status=status or 0, drop=drop, error_code=error_code, after=after, message=message)
        with self._lock:
            self._rules.append(_Rule(fault, service, action, count))

    def rewrite(
        self,
        change: Callable[[Any], Any],
        action: str | None = None,
        *,
        service: str | None = None,
        count: int | None = None,
    ) -> None:
        """The next `count` matching successful answers (None: all) pass through `change`: it gets
        the decoded JSON body (or the text of any other body, OBS's XML) and returns the new one.
        JSON is re-encoded as Python's encoder writes it (a lone surrogate as `\\ud800`); `bytes`
        returned are the body as they are (raw bytes no encoder would write, ED A0 80 included)."""
        if count is not None and count < 1:
            raise ValueError("count must be >= 1 or None")
        with self._lock:
            self._rewrites.append(_Rewrite(change, service, action, count))

    def rewriting(self, service: str, action: str) -> Callable[[Any], Any] | None:
        """Consume and return the rewrite for this answer, if any."""
        with self._lock:
            for rule in self._rewrites:
                if rule.service in (None, service) and rule.action in (None, action):
                    if rule.remaining is not None:
                        rule.remaining -= 1
                        if rule.remaining == 0:
                            self._rewrites.remove(rule)
                    return rule.change
        return None

    def latency(self, seconds: float, service: str | None = None, action: str | None = None) -> None:
        """Every matching request sleeps `seconds` before it is handled."""
        if seconds < 0:
            raise ValueError("seconds must be >= 0")
        with self._lock:
            self._latencies.append(_Latency(seconds, service, action))

    def hold(self, action: str, until: str, service: str | None = None, timeout: float = 10.0) -> None:
        """Matching requests wait until a request for `until` has been answered (at most `timeout`
        seconds): shows, without timing anything, whether a client overlaps the two calls."""
        with self._lock:
            self._holds.append(_Hold(service, action, until, threading.Event(), timeout))

    def wait_held(self, service: str, action: str) -> None:
        """Block a request while a hold on it is not released."""
        with self._lock:
            holds = [h for h in self._holds if h.service in (None, service) and h.action == action]
            self._waiting += bool(holds)
        try:
            for held in holds:
                held.released.wait(held.timeout)
        finally:
            with self._lock:
                self._waiting -= bool(holds)

    @property
    def waiting(self) -> int:
        """How many requests a hold is blocking now (a test waits for its request to be held)."""
        with self._lock:
            return self._waiting

    def until_held(self, count: int = 1, within: float = 10.0) -> bool:
        """Whether `count` requests came to be blocked by holds within `within` seconds: a test
        waits for its request to reach the hold before acting on it."""
        give_up = time.monotonic() + within
        while self.waiting < count:
            if time.monotonic() >= give_up:
                return False
            time.sleep(0.005)
        return True

    def answered(self, action: str) -> None:
        """A request for `action` was answered: release the holds waiting for it."""
        with self._lock:
            for held in self._holds:
                if held.until == action:
                    held.released.set()

    def random(
        self,
        rate: float = 0.3,
        statuses: Sequence[int] = (429, 500, 503),
        seed: int = 1,
        action: str | None = None,
        service: str | None = None,
    ) -> None:
        """Matching requests fail with probability `rate`, reproducibly for a given seed."""
        if not 0.0 <= rate <= 1.0 or not statuses:
            raise ValueError("rate must be in [0, 1] and statuses non-empty")
        with self._lock:
            self._random = _Random(rate, tuple(statuses), _random.Random(seed), service, action)

    def clear(self) -> None:
        with self._lock:
            self._rules.clear()
            self._rewrites.clear()
            self._latencies.clear()
            self._random = None
            for held in self._holds:
                held.released.set()
            self._holds.clear()

    def delay(self, service: str, action: str) -> float:
        """Seconds a request should sleep before being handled (sum of matching rules)."""
        with self._lock:
            return sum(
                lat.seconds
                for lat in self._latencies
                if lat.service in (None, service) and lat.action in (None, action)
            )

    def take(self, service: str, action: str) -> Fault | None:
        """Consume and return the fault for this request, if any."""
        with self._lock:
            for rule in self._rules:
                if rule.matches(service, action):
                    if rule.remaining is not None:
                        rule.remaining -= 1
                        if rule.remaining == 0:
                            self._rules.remove(rule)
                    return rule.fault
            rnd = self._random
            if rnd and rnd.service in (None, service) and rnd.action in (None, action):
                roll, pick = rnd.rng.random(), rnd.rng.choice(rnd.statuses)
                if roll < rnd.rate:
                    return Fault(status=pick)
        return None
