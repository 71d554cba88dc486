"""pipeline/naming.py: a data tracker's name follows from its bucket alone, within CTS's rules."""

from __future__ import annotations

import pytest

from autotracker.pipeline.naming import MAX_LENGTH, PREFIX, data_tracker_name
from autotracker.pipeline.rules import check_tracker_name


def test_a_short_bucket_name_is_kept_whole_with_dots_as_underscores() -> None:
    assert data_tracker_name("photos.2026") == "obs-photos_2026"


def test_a_long_bucket_name_is_a_readable_head_and_a_hash_of_exactly_the_limit() -> None:
    name = data_tracker_name("a" * 40)
    assert len(name) == MAX_LENGTH and name.startswith(PREFIX + "a" * 17 + "-")


def test_long_names_sharing_a_head_stay_distinct_and_repeat_the_same() -> None:
    first, second = "shared-head-of-a-bucket-name-1", "shared-head-of-a-bucket-name-2"
    assert data_tracker_name(first) != data_tracker_name(second)
    assert data_tracker_name(first) == data_tracker_name(first)


@pytest.mark.parametrize("bucket", ["abc", "a.b-c", "x" * 27, "x" * 28, "y" * 63, "1.2.3.4.example"])
def test_every_derived_name_passes_the_tracker_name_rule(bucket: str) -> None:
    assert check_tracker_name(data_tracker_name(bucket), "data") == data_tracker_name(bucket)
