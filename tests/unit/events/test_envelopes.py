"""events/envelopes.py: a delivery's traces, whatever envelope they came in; a bad batch item fails alone."""

from __future__ import annotations

from typing import Any, Dict

import pytest

from autotracker.events.envelopes import MAX_TRACES, EventError, Rejected, unwrap


def cloud_event(data: Any, **fields: Any) -> Dict[str, Any]:
    return {"specversion": "1.0", "id": "e-1", "source": "CTS", "type": "ObsBucketCreated", "data": data, **fields}


def test_a_cts_trigger_event_is_its_one_trace() -> None:
    assert unwrap({"cts": {"trace_name": "createBucket"}}) == [{"trace_name": "createBucket"}]


def test_a_batch_keeps_good_items_and_rejects_the_bad_one_by_index() -> None:
    traces = unwrap({"events": [cloud_event({"trace_name": "createBucket"}), "not an object"]})
    assert len(traces) == 2 and not isinstance(traces[0], Rejected)
    assert isinstance(traces[1], Rejected) and traces[1].index == 1


@pytest.mark.parametrize("events", [[], {}, "x"])
def test_a_batch_that_is_no_list_of_events_is_an_event_error(events: Any) -> None:
    with pytest.raises(EventError, match="non-empty list"):
        unwrap({"events": events})


def test_too_many_cloud_events_are_refused() -> None:
    with pytest.raises(EventError, match=str(MAX_TRACES)):
        unwrap({"events": [cloud_event({})] * (MAX_TRACES + 1)})


def test_a_single_cloud_event_without_data_is_an_event_error() -> None:
    with pytest.raises(EventError, match="no data"):
        unwrap(cloud_event(None))
