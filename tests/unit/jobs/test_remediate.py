"""jobs/remediate.py: Config's remediation backfills the one bucket or project it names, as a
sweep would; a type it does not cover, or a region outside the function's, changes nothing."""

from __future__ import annotations

from helpers.runs import make_run
from helpers.trackers import EU, EU_PROJECT_ID
from helpers.world import NEW_PROJECT_ID, TRACE_BUCKET, base_env

from autotracker.contract import ErrorCode, Kind, Outcome
from autotracker.jobs import remediate
from fakecloud import FakeCloud


def test_a_bucket_gets_its_data_tracker(cloud: FakeCloud) -> None:
    run = make_run({"resource_id": "photos-2026", "resource_type": "buckets"}, base_env())
    with cloud.mock():
        (result,) = remediate.perform(run)
    assert result.outcome == Outcome.CREATED and result.target is not None and result.target.name == "photos-2026"
    (call,) = cloud.calls_of("CreateTracker")
    assert call.request_json["data_bucket"]["data_bucket_name"] == "photos-2026"


def test_a_project_named_under_parameters_gets_its_management_tracker(cloud: FakeCloud) -> None:
    run = make_run({"parameters": {"resource_id": NEW_PROJECT_ID, "resource_type": "projects"}}, base_env())
    with cloud.mock():
        results = remediate.perform(run)
    assert [(r.target.kind, r.target.project_id, r.outcome) for r in results if r.target] == [
        (Kind.PROJECT, NEW_PROJECT_ID, Outcome.CREATED)
    ]
    assert [c.request_json["tracker_type"] for c in cloud.calls_of("CreateTracker")] == ["system"]


def test_the_account_record_names_no_type_and_nothing_is_called(cloud: FakeCloud) -> None:
    run = make_run({"resource_id": cloud.domain_id}, base_env())
    with cloud.mock():
        (result,) = remediate.perform(run)
    assert result.target is None and result.outcome == Outcome.SKIPPED
    assert result.error is not None and result.error.code == ErrorCode.NOT_IN_SCOPE
    assert "no resource_type" in result.reason and result.reason.endswith("nothing was changed")
    assert not cloud.calls


def test_another_type_is_named_and_nothing_is_called(cloud: FakeCloud) -> None:
    run = make_run({"resource_id": "vm-1", "resource_type": "ecs.cloudservers"}, base_env())
    with cloud.mock():
        (result,) = remediate.perform(run)
    assert result.error is not None and result.error.code == ErrorCode.NOT_IN_SCOPE
    assert "'ecs.cloudservers'" in result.reason and "'vm-1'" in result.reason
    assert not cloud.calls


def test_a_bucket_in_a_region_outside_the_functions_is_not_acted_on(cloud: FakeCloud) -> None:
    cloud.add_project(EU, project_id=EU_PROJECT_ID)  # a project there could hold its tracker
    cloud.add_bucket("eu-logs", EU)
    run = make_run({"resource_id": "eu-logs", "resource_type": "buckets"}, base_env())
    with cloud.mock():
        (result,) = remediate.perform(run)
    assert result.outcome == Outcome.SKIPPED and result.error is not None
    assert result.error.code == ErrorCode.NOT_IN_SCOPE and f"in region {EU!r}" in result.reason
    assert not cloud.calls_of("CreateTracker")


def test_the_transfer_bucket_is_skipped_as_in_every_sweep(cloud: FakeCloud) -> None:
    run = make_run({"resource_id": TRACE_BUCKET, "resource_type": "buckets"}, base_env())
    with cloud.mock():
        (result,) = remediate.perform(run)
    assert result.outcome == Outcome.SKIPPED and not cloud.calls_of("CreateTracker")


def test_a_remediation_leaves_no_report() -> None:
    run = make_run(
        {"resource_id": "photos-2026", "resource_type": "buckets"}, {**base_env(), "REPORT_BUCKET": "reports"}
    )
    assert remediate.leaves_report(run) is False
