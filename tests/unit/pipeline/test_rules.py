"""pipeline/rules.py: the CreateTracker page's naming rules, each refused with its reason."""

from __future__ import annotations

import pytest

from autotracker.contract import TrackerType
from autotracker.pipeline.rules import (
    bucket_name_problem,
    check_bucket_name,
    check_file_prefix,
    check_lifecycle,
    check_tracker_name,
)


@pytest.mark.parametrize(
    ("name", "problem"),
    [
        ("ab", "3 to 63"),
        ("Upper", "lowercase"),
        ("a..b", "'..'"),
        ("a.-b", "'..'"),
        ("192.168.1.10", "IP address"),
        ("ends-with-dash-", "start and end"),
    ],
)
def test_a_bucket_name_obs_refuses_says_why(name: str, problem: str) -> None:
    assert problem in bucket_name_problem(name)
    with pytest.raises(ValueError, match="bucket name"):
        check_bucket_name(name)


def test_a_good_bucket_name_passes() -> None:
    assert bucket_name_problem("photos-2026.eu") == "" and check_bucket_name("photos-2026.eu") == "photos-2026.eu"


def test_a_trailing_newline_is_no_part_of_a_valid_name() -> None:
    assert bucket_name_problem("photos\n") != ""
    with pytest.raises(ValueError):
        check_file_prefix("audit\n")


def test_file_prefix_and_lifecycle_follow_the_page() -> None:
    assert check_file_prefix("") == "" and check_file_prefix("a.b_c-9") == "a.b_c-9"
    with pytest.raises(ValueError, match="file prefix"):
        check_file_prefix("a/b")
    assert check_lifecycle(180) == 180
    with pytest.raises(ValueError, match="lifecycle"):
        check_lifecycle(42)


def test_the_management_tracker_is_always_named_system() -> None:
    assert check_tracker_name("system", TrackerType.SYSTEM) == "system"
    with pytest.raises(ValueError, match="'system'"):
        check_tracker_name("other", TrackerType.SYSTEM)


@pytest.mark.parametrize("name", ["_x", "-x", "x" * 33, "a b", "system", "SYSTEM-TRACE"])
def test_a_data_tracker_name_outside_the_rules_is_refused(name: str) -> None:
    with pytest.raises(ValueError):
        check_tracker_name(name, TrackerType.DATA)
