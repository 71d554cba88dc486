"""pipeline/baseline: compliant, missing or drifted, judged from tracker records alone."""

from __future__ import annotations

from typing import Any

from autotracker.cloud.records import TrackerRecord
from autotracker.contract import Kind, Target
from autotracker.pipeline import baseline
from autotracker.pipeline.baseline import State
from autotracker.pipeline.naming import data_tracker_name
from autotracker.settings import Settings

BUCKET = "logs-bucket"
TRACE = "trace-bucket"
BUCKET_TARGET = Target(Kind.BUCKET, BUCKET, "p1", "ap-southeast-1")
PROJECT_TARGET = Target(Kind.PROJECT, None, "p1", "ap-southeast-1")


def _settings(**env: Any) -> Settings:
    return Settings.model_validate({"REGION": "ap-southeast-1", "TRACE_BUCKET": TRACE, **env})


def _data(name: str = "", **fields: Any) -> TrackerRecord:
    values = {"status": "enabled", "transfer_bucket": TRACE, "bucket": BUCKET, "events": ("READ", "WRITE"), **fields}
    return TrackerRecord(name=name or data_tracker_name(BUCKET), type="data", **values)


def _system(**fields: Any) -> TrackerRecord:
    return TrackerRecord(name="system", type="system", **{"status": "enabled", "transfer_bucket": TRACE, **fields})


def test_no_tracker_is_missing() -> None:
    assert baseline.assess_bucket(BUCKET_TARGET, [], _settings()).state is State.MISSING
    assert baseline.assess_project(PROJECT_TARGET, [_data()], _settings()).state is State.MISSING


def test_a_matching_tracker_is_compliant() -> None:
    assessment = baseline.assess_bucket(BUCKET_TARGET, [_data()], _settings())
    assert assessment.state is State.COMPLIANT
    assert assessment.drift == ()
    assert baseline.assess_project(PROJECT_TARGET, [_system()], _settings()).state is State.COMPLIANT


def test_a_disabled_tracker_has_drifted() -> None:
    assessment = baseline.assess_bucket(BUCKET_TARGET, [_data(status="disabled")], _settings())
    assert assessment.state is State.DRIFTED
    assert assessment.drift == ("tracker is disabled",)


def test_a_tracker_without_a_status_is_not_known_to_record() -> None:
    assessment = baseline.assess_project(PROJECT_TARGET, [_system(status=None)], _settings())
    assert assessment.state is State.DRIFTED
    assert "not known to be recording" in assessment.drift[0]


def test_narrower_events_are_drift_and_named() -> None:
    assessment = baseline.assess_bucket(BUCKET_TARGET, [_data(events=("WRITE",))], _settings())
    assert assessment.state is State.DRIFTED
    assert assessment.missing_events == ("READ",)
    assert assessment.drift == ("data events narrower than configured: missing READ",)


def test_events_of_another_live_tracker_count() -> None:
    covering = [_data(events=("WRITE",)), _data(name="other-reader", events=("READ",))]
    assert baseline.assess_bucket(BUCKET_TARGET, covering, _settings()).state is State.COMPLIANT
    covering = [_data(events=("WRITE",)), _data(name="other-reader", events=("READ",), status="disabled")]
    assert baseline.assess_bucket(BUCKET_TARGET, covering, _settings()).missing_events == ("READ",)


def test_the_primary_is_ours_else_the_first_by_name() -> None:
    ours = _data()
    assert baseline.primary_of(BUCKET, [_data(name="aaa"), ours]) is ours
    first = _data(name="aaa")
    assert baseline.primary_of(BUCKET, [_data(name="zzz"), first]) is first


def test_settings_drift_names_each_difference() -> None:
    settings = _settings(ENABLE_LTS="true", ENABLE_VALIDATION="true")
    tracker = _system(transfer_bucket="elsewhere", file_prefix="x")
    drift = baseline.assess_project(PROJECT_TARGET, [tracker], settings).drift
    assert drift == (
        "transfer bucket elsewhere, expected trace-bucket",
        "file prefix 'x', expected ''",
        "LTS transfer off, expected on",
        "validation off, expected on",
    )


def test_a_project_with_unwanted_encryption_has_drifted() -> None:
    assessment = baseline.assess_project(PROJECT_TARGET, [_system(encrypted=True, kms_id="k1")], _settings())
    assert assessment.drift == ("encryption with key k1, expected off",)


def test_the_repair_re_enables_and_restores_the_events() -> None:
    settings = _settings()
    assessment = baseline.assess_bucket(BUCKET_TARGET, [_data(status="disabled", events=("WRITE",))], settings)
    body = baseline.repair_body(assessment, settings).model_dump()
    assert body["status"] == "enabled"
    assert body["tracker_name"] == data_tracker_name(BUCKET)
    assert sorted(body["data_bucket"]["data_event"]) == ["READ", "WRITE"]
    assert body["data_bucket"]["data_bucket_name"] == BUCKET


def test_untracked_events_ignore_trackers_not_recording() -> None:
    covering = [_data(events=("READ",)), _data(name="w", events=("WRITE",), status="error")]
    assert baseline.untracked_events(covering, ("READ", "WRITE")) == ("WRITE",)
