"""events/fanout.py: what the coordinator signs is exactly what a member verifies; anything else is refused."""

from __future__ import annotations

import copy

import pytest

from autotracker.events.envelopes import EventError, Unauthenticated
from autotracker.events.fanout import FANOUT, MAX_EVENT_AGE_SECONDS, SIGNATURE, sign, verify

KEY = "fanout-key-0123456789abcdefghijklmnopqrstuv"
NOW = 1_764_000_000.0
REQUEST = {"action": "backfill", "all": True, "account_id": "a" * 32}


def test_a_signed_request_verifies_to_its_run_and_the_request_alone() -> None:
    fanout, request = verify(sign(REQUEST, "run-1", False, KEY, NOW), KEY, NOW + 60)
    assert (fanout.run_id, fanout.issued, fanout.new_account) == ("run-1", int(NOW), False)
    assert request == REQUEST


def test_an_altered_request_or_another_key_is_unauthenticated() -> None:
    event = sign(REQUEST, "run-1", False, KEY, NOW)
    altered = copy.deepcopy(event)
    altered["account_id"] = "b" * 32
    with pytest.raises(Unauthenticated, match="does not match"):
        verify(altered, KEY, NOW)
    with pytest.raises(Unauthenticated, match="does not match"):
        verify(event, KEY + "x", NOW)


def test_an_unsigned_request_or_one_without_a_key_to_check_it_is_unauthenticated() -> None:
    event = sign(REQUEST, "run-1", False, KEY, NOW)
    unsigned = copy.deepcopy(event)
    del unsigned[FANOUT][SIGNATURE]
    with pytest.raises(Unauthenticated, match="unsigned"):
        verify(unsigned, KEY, NOW)
    with pytest.raises(Unauthenticated, match="FANOUT_KEY is not set"):
        verify(event, "", NOW)


def test_an_expired_request_is_refused() -> None:
    event = sign(REQUEST, "run-1", False, KEY, NOW)
    with pytest.raises(Unauthenticated, match="expired"):
        verify(event, KEY, NOW + MAX_EVENT_AGE_SECONDS + 1)


def test_an_envelope_with_unknown_fields_is_not_a_fanout() -> None:
    event = sign(REQUEST, "run-1", False, KEY, NOW)
    event[FANOUT]["extra"] = 1
    with pytest.raises(EventError):
        verify(event, KEY, NOW)
