"""events/remediation.py: Config's remediation names one resource; another source's event is never read as one."""

from __future__ import annotations

import pytest

from autotracker.events.envelopes import EventError
from autotracker.events.remediation import is_remediation, parse_remediation


def test_both_shapes_name_the_resource() -> None:
    top = {"resource_id": "photos-2026", "resource_type": "buckets"}
    nested = {"parameters": top}
    assert is_remediation(top) and is_remediation(nested)
    assert parse_remediation(top) == parse_remediation(nested)
    assert parse_remediation(nested).resource_id == "photos-2026"


def test_an_event_with_another_sources_key_is_not_a_remediation() -> None:
    assert not is_remediation({"action": "backfill", "resource_id": "photos-2026"})
    assert not is_remediation({"cts": {}, "resource_id": "x"})


def test_an_impossible_bucket_name_or_an_unknown_parameter_is_malformed() -> None:
    with pytest.raises(EventError, match="bucket name"):
        parse_remediation({"resource_id": "Bad..Name", "resource_type": "buckets"})
    with pytest.raises(EventError, match="unknown parameter"):
        parse_remediation({"parameters": {"resource_id": "photos-2026", "extra": 1}})
