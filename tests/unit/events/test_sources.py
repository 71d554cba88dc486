"""events/sources.py: one ordered table: each sample event finds its source and job, and reads into its work."""

from __future__ import annotations

import json
import pathlib
from typing import Any

import pytest

from autotracker.contract import Trigger
from autotracker.events.envelopes import EventError
from autotracker.events.sources import MAX_EVENT_BYTES, SOURCES, UNRECOGNISED, read_event, source_of

EVENTS = pathlib.Path(__file__).resolve().parents[3] / "events"


def sample(name: str) -> Any:
    return json.loads((EVENTS / name).read_text())


@pytest.mark.parametrize(
    ("name", "trigger", "job"),
    [
        ("cts-create-bucket.json", Trigger.CTS, "track"),
        ("eventgrid-batch.json", Trigger.EVENTGRID, "track"),
        ("timer.json", Trigger.TIMER, "sweep"),
        ("manual-audit.json", Trigger.MANUAL, "sweep"),
        ("apig-backfill-all.json", Trigger.APIG, "sweep"),
        ("config-period.json", Trigger.CONFIG, "config_rule"),
    ],
)
def test_each_sample_event_finds_its_source_and_job(name: str, trigger: Trigger, job: str) -> None:
    source = source_of(sample(name))
    assert source is not None and (source.trigger, source.job) == (trigger, job)


def test_every_job_a_row_names_exists() -> None:
    import importlib

    for source in SOURCES:
        assert hasattr(importlib.import_module(f"autotracker.jobs.{source.job}"), "perform"), source.job


def test_a_trace_event_reads_into_its_traces() -> None:
    event = sample("cts-create-bucket.json")
    work = read_event(event, source_of(event))
    assert work.trigger == Trigger.CTS and work.traces == [event["cts"]]


@pytest.mark.parametrize(
    ("event", "said"),
    [
        ({"something": "else"}, UNRECOGNISED[:20]),
        ({"cts": {"x": "y" * MAX_EVENT_BYTES}}, "bytes"),
    ],
)
def test_an_event_no_source_reads_is_an_event_error(event: Any, said: str) -> None:
    with pytest.raises(EventError, match=said):
        read_event(event, source_of(event))
