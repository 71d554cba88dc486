"""A rewrite that returns bytes answers them as they are: a body no JSON encoder would write
(raw surrogate bytes ED A0 80, invalid UTF-8), as a broken or hostile service might send."""

from __future__ import annotations

import fc_helpers as h
from fc_fixtures import *  # noqa: F403 - pytest fixtures

from fakecloud import FakeCloud

RAW = b'{"trackers": [{"tracker_name": "photos\xed\xa0\x80tracker", "tracker_type": "data"}]}'


def test_a_rewrite_returning_bytes_answers_them_unchanged(cloud: FakeCloud, endpoint) -> None:
    cloud.faults.rewrite(lambda answer: RAW, "ListTrackers", service="cts", count=1)
    first = h.raw_call(endpoint("cts"), "GET", f"/v3/{h.PID}/trackers")
    assert first.status_code == 200 and first.content == RAW
    second = h.raw_call(endpoint("cts"), "GET", f"/v3/{h.PID}/trackers")
    assert second.content != RAW and second.json()["trackers"] == []  # count=1: used up, state untouched
