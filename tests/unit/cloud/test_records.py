"""cloud/records.py: a ListTrackers record read once, whatever odd types it holds; only `enabled` is recording."""

from __future__ import annotations

from typing import Optional

import pytest

from autotracker.cloud.records import TrackerRecord


def record(status: Optional[str], **fields: object) -> TrackerRecord:
    raw = {
        "tracker_name": "obs-photos",
        "tracker_type": "data",
        "status": status,
        "obs_info": {"bucket_name": "trace-archive", "file_prefix_name": "audit"},
        "data_bucket": {"data_bucket_name": "photos", "data_event": ["READ", "WRITE"]},
        **fields,
    }
    return TrackerRecord.from_wire(raw)


def test_a_data_tracker_record_is_read_with_its_bucket_and_events() -> None:
    tracker = record("enabled")
    assert (tracker.name, tracker.transfer_bucket, tracker.bucket) == ("obs-photos", "trace-archive", "photos")
    assert tracker.tracks("photos") and not tracker.tracks("other")


@pytest.mark.parametrize(
    ("status", "live", "why"),
    [
        ("ENABLED", True, None),
        ("disabled", False, "disabled"),
        ("error", False, "in error"),
        (None, False, "not shown"),
        ("paused", False, "not known to mean recording"),
    ],
)
def test_only_a_status_known_to_mean_recording_is_live(status: Optional[str], live: bool, why: Optional[str]) -> None:
    tracker = record(status)
    assert tracker.live is live
    assert (tracker.not_recording is None) if why is None else (why in (tracker.not_recording or ""))


def test_fields_of_the_wrong_type_are_read_as_absent_not_raised() -> None:
    tracker = record("enabled", obs_info="not an object", lts=[1], data_bucket=None)
    assert tracker.transfer_bucket is None and tracker.bucket is None and tracker.lts is False
