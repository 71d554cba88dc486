"""settings.py: the variables read, every problem named at once, the region taken from the topic."""

from __future__ import annotations

import pytest

from autotracker.settings import (
    VARIABLES,
    ConfigurationError,
    coherence_problems,
    lenient_flag,
    load_settings,
    read_environment,
)

TOPIC = "urn:smn:ap-southeast-1:0a1b2c3d4e5f60718293a4b5c6d7e8f9:autotracker-reports"


def test_blank_variables_are_unset_and_user_data_fills_what_the_environment_lacks() -> None:
    assert read_environment({"TRACE_BUCKET": "  ", "REGION": "ap-southeast-1"}) == {"REGION": "ap-southeast-1"}
    values = read_environment({"REGION": "ap-southeast-1"}, {"FANOUT_KEY": "from-user-data"}.get)
    assert values == {"REGION": "ap-southeast-1", "FANOUT_KEY": "from-user-data"}


def test_the_region_is_read_from_the_topic_urn_when_not_set() -> None:
    assert read_environment({"SMN_TOPIC_URN": TOPIC})["REGION"] == "ap-southeast-1"


def test_every_bad_variable_is_named_at_once() -> None:
    with pytest.raises(ConfigurationError) as raised:
        load_settings({"REGION": "Not_A_Region", "TRACE_LIFECYCLE_DAYS": "42"})
    text = str(raised.value)
    assert "REGION" in text and "TRACE_LIFECYCLE_DAYS" in text and "TRACE_BUCKET" in text


def test_the_same_variables_give_the_same_settings() -> None:
    values = {"REGION": "ap-southeast-1", "TRACE_BUCKET": "trace-archive"}
    assert load_settings(values) is load_settings(dict(values))


def test_coherence_problems_name_what_the_variables_get_wrong_together() -> None:
    assert coherence_problems(True, False, True, [], []) == []
    problems = coherence_problems(False, False, True, ["a"], ["a"], unsigned_fanout=True)
    assert [p.split(":")[0] for p in problems] == ["FANOUT_KEY", "TRACE_BUCKET", "TRACE_BUCKET", "EXCLUDE_ACCOUNTS"]


def test_lenient_flags_and_the_variables_list() -> None:
    assert lenient_flag(" Yes ") and not lenient_flag("nope") and not lenient_flag(None)
    assert len(VARIABLES) == len(set(VARIABLES)) and "TRACE_BUCKET" in VARIABLES
