"""events/timer.py: FunctionGraph's timer event read, or refused naming what is wrong."""

from __future__ import annotations

import pytest

from autotracker.events.envelopes import EventError
from autotracker.events.timer import parse_timer


def test_a_timer_event_is_read_and_unknown_fields_are_ignored() -> None:
    timer = parse_timer({"trigger_type": "TIMER", "trigger_name": "baseline", "user_event": "nightly", "x": 1})
    assert (timer.trigger_type, timer.trigger_name, timer.user_event) == ("TIMER", "baseline", "nightly")


def test_a_timer_event_without_its_type_names_the_field() -> None:
    with pytest.raises(EventError, match="trigger_type"):
        parse_timer({"trigger_name": "baseline"})
