"""pipeline/intents.py: a CTS trace becomes what must be covered, a skip that says why, or a failure."""

from __future__ import annotations

import json
import pathlib

from autotracker.contract import ErrorCode, Kind, Outcome, TargetResult
from autotracker.events.envelopes import Rejected
from autotracker.pipeline.intents import wanted_from_trace
from autotracker.pipeline.plan import Wanted

EVENTS = pathlib.Path(__file__).resolve().parents[3] / "events"
REGION = "ap-southeast-1"


def trace(name: str) -> dict:
    return json.loads((EVENTS / name).read_text())["cts"]


def test_a_bucket_creation_wants_that_bucket_covered() -> None:
    wanted = wanted_from_trace(trace("cts-create-bucket.json"), "p-1", REGION)
    assert isinstance(wanted, Wanted) and wanted.target.kind == Kind.BUCKET


def test_a_project_creation_wants_that_project_covered() -> None:
    wanted = wanted_from_trace(trace("cts-create-project.json"), "p-1", REGION)
    assert isinstance(wanted, Wanted) and wanted.target.kind == Kind.PROJECT


def test_another_operation_is_skipped_saying_what_it_was() -> None:
    other = {**trace("cts-create-bucket.json"), "trace_name": "deleteBucket"}
    result = wanted_from_trace(other, "p-1", REGION)
    assert isinstance(result, TargetResult) and result.outcome == Outcome.SKIPPED
    assert "neither a bucket nor a project creation" in (result.reason or "")


def test_a_rejected_batch_item_or_a_non_object_is_an_invalid_event() -> None:
    for raw in (Rejected(3, "events[3] must be a JSON object"), ["not", "a", "trace"]):
        result = wanted_from_trace(raw, "p-1", REGION)
        assert isinstance(result, TargetResult) and result.error is not None
        assert result.error.code == ErrorCode.INVALID_EVENT
