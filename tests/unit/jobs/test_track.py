"""jobs/track.py: an event covers the buckets and projects its traces name, in the order they
arrived, each once; an account's trace is the organization's (skipped outside organization mode)."""

from __future__ import annotations

from typing import Any, Dict

from helpers.runs import make_run
from helpers.world import NEW_PROJECT_ID, REGION, base_env, bucket_event, project_event, sample

from autotracker.contract import Kind, Outcome
from autotracker.jobs import track
from fakecloud import FakeCloud


def _batch(*events: Dict[str, Any]) -> Dict[str, Any]:
    """Several traces in one delivery: an EventGrid batch of CloudEvents."""
    return {
        "events": [
            {
                "specversion": "1.0",
                "id": f"9e2a5d6{index}-9b7d-11ef-8c1a-0242ac120002",
                "source": "HC.OBS",
                "type": "OBS:CloudTrace:ApiCall",
                "data": {"cts": event["cts"]},
            }
            for index, event in enumerate(events)
        ]
    }


def test_a_bucket_trace_creates_that_buckets_data_tracker(cloud: FakeCloud) -> None:
    run = make_run(bucket_event("photos-2026"), base_env())
    with cloud.mock():
        (result,) = track.perform(run)
    assert result.outcome == Outcome.CREATED and result.target is not None
    assert (result.target.kind, result.target.name, result.target.region) == (Kind.BUCKET, "photos-2026", REGION)
    (call,) = cloud.calls_of("CreateTracker")
    assert call.request_json["data_bucket"]["data_bucket_name"] == "photos-2026"
    assert not cloud.calls_of("ListTrackers")  # nothing listed first: create, look only on a conflict


def test_a_project_trace_creates_its_management_tracker(cloud: FakeCloud) -> None:
    run = make_run(project_event(), base_env())
    with cloud.mock():
        (result,) = track.perform(run)
    assert result.outcome == Outcome.CREATED and result.target is not None
    assert result.target.kind == Kind.PROJECT and result.target.project_id == NEW_PROJECT_ID
    assert [c.request_json["tracker_type"] for c in cloud.calls_of("CreateTracker")] == ["system"]


def test_a_dry_run_creates_nothing_and_plans(cloud: FakeCloud) -> None:
    run = make_run(bucket_event("photos-2026"), {**base_env(), "DRY_RUN": "true"})
    with cloud.mock():
        (result,) = track.perform(run)
    assert result.outcome == Outcome.PLANNED and not cloud.calls_of("CreateTracker")


def test_results_follow_the_traces_order_and_a_repeated_target_is_reported_once(cloud: FakeCloud) -> None:
    event = _batch(bucket_event("photos-2026"), bucket_event("invoices-archive"), bucket_event("photos-2026"))
    run = make_run(event, base_env())
    with cloud.mock():
        results = track.perform(run)
    assert [r.target.name for r in results if r.target] == ["photos-2026", "invoices-archive"]
    assert len(cloud.calls_of("CreateTracker")) == 2


def test_an_account_trace_outside_organization_mode_is_skipped_and_nothing_queued(cloud: FakeCloud) -> None:
    run = make_run(sample("cts-create-account.json"), base_env())
    with cloud.mock():
        (result,) = track.perform(run)
    assert result.outcome == Outcome.SKIPPED and result.target is not None and result.target.kind == Kind.ACCOUNT
    assert "ORGANIZATION_SWEEP is off" in result.reason
    assert not cloud.calls_of("AsyncInvokeFunction") and not cloud.calls_of("CreateTracker")


def test_an_event_leaves_no_report_of_its_own() -> None:
    run = make_run(bucket_event("photos-2026"), {**base_env(), "REPORT_BUCKET": "reports"})
    assert track.leaves_report(run) is False
