"""Seeding a ListTrackers record without a field (real records show fields only when set)."""

from __future__ import annotations

import fc_helpers as h
import pytest
from fc_fixtures import *  # noqa: F403 - pytest fixtures
from huaweicloudsdkcts.v3 import ListTrackersRequest

from fakecloud import FakeCloud


def test_unset_fields_are_absent_from_the_listing(cloud: FakeCloud, mocked: None) -> None:
    cloud.cts.put_tracker(h.PID, {"tracker_name": "system", "obs_info": {"bucket_name": h.LOGS}})
    cloud.cts.unset_tracker_fields(h.PID, "system", "status", "detail")
    answer = h.cts_client(cloud.endpoint("cts")).list_trackers(ListTrackersRequest()).to_json_object()
    (listed,) = answer["trackers"]
    assert "status" not in listed and listed["tracker_name"] == "system"
    with pytest.raises(KeyError):
        cloud.cts.unset_tracker_fields(h.PID, "nope", "status")
