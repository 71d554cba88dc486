"""events/manual.py: a manual request is strict: a clear error for every bad field, nothing guessed."""

from __future__ import annotations

from typing import Any, Dict

import pytest

from autotracker.events.envelopes import EventError
from autotracker.events.manual import MAX_NAMES, parse_manual


def test_a_backfill_of_named_targets_keeps_each_name_once() -> None:
    request = parse_manual({"action": "backfill", "buckets": ["photos", "photos", "logs"], "projects": ["p-1"]})
    assert request.buckets == ["photos", "logs"] and request.projects == ["p-1"] and not request.all


@pytest.mark.parametrize(
    ("event", "said"),
    [
        ({"action": "backfill"}, "either"),
        ({"action": "backfill", "all": True, "buckets": ["photos"]}, "not both"),
        ({"action": "delete", "all": True}, "action"),
        ({"action": "audit", "buckets": ["Bad_Name"]}, "lowercase"),
        ({"action": "audit", "regions": ["ap-southeast-1\n"]}, "not a region"),
        ({"action": "audit", "all": "yes"}, "all"),
        ({"action": "audit", "surprise": 1}, "surprise"),
        ({"action": "audit", "run_id": "r"}, "signed fan-out"),
        ({"action": "audit", "account_id": "../x"}, "account id"),
        ({"action": "audit", "buckets": ["b" * 3] * (MAX_NAMES + 1)}, "buckets"),
    ],
)
def test_a_bad_manual_request_is_an_event_error_naming_its_problem(event: Dict[str, Any], said: str) -> None:
    with pytest.raises(EventError, match="invalid manual request") as raised:
        parse_manual(event)
    assert said in str(raised.value)


def test_a_callers_unknown_field_name_is_cut_short_in_the_error() -> None:
    with pytest.raises(EventError) as raised:
        parse_manual({"action": "audit", "x" * 500: 1})
    assert "x" * 41 not in str(raised.value)
