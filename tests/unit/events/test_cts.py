"""events/cts.py: a CTS trace read tolerantly (odd types are absent, not errors) and judged for failure."""

from __future__ import annotations

from autotracker.events.cts import CtsTrace


def test_odd_types_are_read_as_absent_and_json_text_bodies_as_objects() -> None:
    trace = CtsTrace.model_validate({"trace_name": 5, "code": "2000000", "request": '{"a": 1}', "user": [1]})
    assert trace.trace_name == "5" and trace.code is None
    assert trace.request == {"a": 1} and trace.user == {}


def test_a_failed_or_abnormal_trace_says_why_and_a_normal_one_is_none() -> None:
    assert "code 403" in (CtsTrace(code=403).failure() or "")
    assert "trace_rating" in (CtsTrace(code=200, trace_rating="warning").failure() or "")
    assert CtsTrace(code=200, trace_status="normal").failure() is None


def test_the_operation_is_shown_short_and_printable() -> None:
    trace = CtsTrace(service_type="OBS\n", resource_type="bucket", trace_name="x" * 500)
    assert "\n" not in trace.operation and len(trace.operation) <= 120
