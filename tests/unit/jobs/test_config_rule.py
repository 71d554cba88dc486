"""jobs/config_rule.py: how a judged result maps to a Config state (`state_of`), the state's body
(`policy_state`), and an evaluation through the SDK to the fake: every resource reported, the
account record Compliant only when all are, nothing unverified left Compliant."""

from __future__ import annotations

from typing import Any, Dict

import pytest
from helpers.config import HASH, TIME, account_record, bucket_record, config_event, states
from helpers.runs import make_run
from helpers.trackers import data_tracker
from helpers.world import PROJECT_ID, REGION, base_env, quiet_env

from autotracker.cloud.errors import Unjudged
from autotracker.contract import ErrorCode, ErrorInfo, Kind, Outcome, Target, TargetResult, TrackerRef
from autotracker.events.config import ConfigEvent
from autotracker.invocation import Run
from autotracker.jobs import config_rule
from autotracker.jobs.config_rule import COMPLIANT, GLOBAL, NON_COMPLIANT, policy_state, state_of
from autotracker.pipeline.quota import QuotaBook
from fakecloud import FakeCloud

BUCKET = Target(Kind.BUCKET, "photos-2026", PROJECT_ID, REGION)
PROJECT = Target(Kind.PROJECT, REGION, PROJECT_ID, REGION)
TRACKER = TrackerRef("obs-photos-2026", "data", "t-1")


def _run(cloud: FakeCloud, assignment: str, trigger: str = "period", **extra: Any) -> Run:
    return make_run(config_event(cloud, assignment, trigger, **extra), quiet_env())


def _event(run: Run) -> ConfigEvent:
    assert run.work.config is not None
    return run.work.config


# state_of: pure


@pytest.mark.parametrize(
    "result, state",
    [
        (TargetResult(BUCKET, Outcome.ALREADY_TRACKED, "covered", TRACKER), COMPLIANT),
        (TargetResult(BUCKET, Outcome.SKIPPED, "the transfer bucket"), COMPLIANT),
        (TargetResult(BUCKET, Outcome.PLANNED, "would create"), NON_COMPLIANT),
        (
            TargetResult(BUCKET, Outcome.ALREADY_TRACKED, "drifted", TRACKER, ErrorInfo(ErrorCode.TRACKER_DRIFT, "x")),
            NON_COMPLIANT,
        ),
        (TargetResult(PROJECT, Outcome.FAILED, "listing failed", error=ErrorInfo("CTS.0001", "x")), None),
        (TargetResult(BUCKET, Outcome.FAILED, "gone", error=ErrorInfo(ErrorCode.NOT_FOUND, "x")), None),
        (TargetResult(None, Outcome.FAILED, "no target"), None),
        (TargetResult(Target(Kind.ACCOUNT, None, None, GLOBAL, "a"), Outcome.JUDGED, "all"), COMPLIANT),
        (
            TargetResult(
                Target(Kind.ACCOUNT, None, None, GLOBAL, "a"), Outcome.JUDGED, "1", error=ErrorInfo("NotCovered", "1")
            ),
            NON_COMPLIANT,
        ),
    ],
)
def test_the_state_a_result_was_judged_to_have(result: TargetResult, state: Any) -> None:
    assert state_of(result) == state


def test_a_verified_uncovered_target_that_cannot_be_fixed_is_non_compliant() -> None:
    result = TargetResult(BUCKET, Outcome.FAILED, "quota full", error=ErrorInfo(ErrorCode.QUOTA_EXHAUSTED, "x"))
    assert state_of(result) == NON_COMPLIANT
    assert state_of(result._replace(tracker=TRACKER)) is None  # a tracker records it: not verified uncovered


# policy_state: pure


def test_a_buckets_state_names_it_as_config_does_and_echoes_the_event(cloud: FakeCloud) -> None:
    event = _event(_run(cloud, "a" * 24, "resource", invoking_event=bucket_record("photos-2026")))
    result = TargetResult(BUCKET, Outcome.ALREADY_TRACKED, "covered", TRACKER)
    body = policy_state(event, result, COMPLIANT)
    assert body["policy_resource"] == {
        "resource_id": "photos-2026",
        "resource_name": "photos-2026",
        "resource_provider": "obs",
        "resource_type": "buckets",
        "region_id": REGION,
        "domain_id": cloud.domain_id,
    }
    assert (body["trigger_type"], body["compliance_state"], body["policy_assignment_id"]) == (
        "resource",
        COMPLIANT,
        "a" * 24,
    )
    assert (body["evaluation_time"], body["evaluation_hash"]) == (str(TIME), HASH)


def test_a_projects_state_is_global_and_the_account_records_is_echoed_as_sent(cloud: FakeCloud) -> None:
    event = _event(_run(cloud, "a" * 24, invoking_event=account_record(cloud)))
    project = policy_state(event, TargetResult(PROJECT, Outcome.PLANNED, "x"), NON_COMPLIANT)["policy_resource"]
    assert (project["resource_id"], project["resource_provider"], project["resource_type"]) == (
        PROJECT_ID,
        "iam",
        "projects",
    )
    assert project["region_id"] == GLOBAL
    account = Target(Kind.ACCOUNT, None, None, GLOBAL, cloud.domain_id)
    record = policy_state(event, TargetResult(account, Outcome.JUDGED, "x"), COMPLIANT)["policy_resource"]
    assert (record["resource_id"], record["resource_name"]) == (cloud.domain_id, "Account")
    assert record["resource_provider"] is None and record["resource_type"] is None


# evaluate: through the SDK to the fake


def test_a_periodic_evaluation_reports_each_resource_and_an_uncovered_account(
    cloud: FakeCloud, assignment: str
) -> None:
    cloud.cts.put_tracker(PROJECT_ID, data_tracker("photos-2026", "obs-photos-2026"))
    run = _run(cloud, assignment, invoking_event=account_record(cloud))
    quota = QuotaBook()
    with cloud.mock():
        results = config_rule.evaluate(_event(run), run.settings, run.gateway, PROJECT_ID, quota)
    told = states(cloud)
    assert told["photos-2026"] == COMPLIANT and told["invoices-archive"] == NON_COMPLIANT
    assert told[cloud.domain_id] == NON_COMPLIANT  # one resource not covered: the account is not
    (account,) = [r for r in results if r.target and r.target.kind == Kind.ACCOUNT]
    assert account.error is not None and account.error.code == ErrorCode.NOT_COVERED
    assert "not covered" in account.reason and f"reported {NON_COMPLIANT} to Config" in account.reason
    assert quota.figures()  # a periodic evaluation counts the data-tracker quota in use
    assert not cloud.calls_of("CreateTracker")  # an evaluation never creates


def test_the_account_record_is_compliant_only_when_every_resource_is(cloud: FakeCloud, assignment: str) -> None:
    for bucket in ("photos-2026", "invoices-archive"):
        cloud.cts.put_tracker(PROJECT_ID, data_tracker(bucket, f"obs-{bucket}"))
    run = _run(
        cloud, assignment, invoking_event=account_record(cloud), rule_parameter={"resource_type": {"value": "buckets"}}
    )
    with cloud.mock():
        config_rule.evaluate(_event(run), run.settings, run.gateway, PROJECT_ID)
    told = states(cloud)
    assert told[cloud.domain_id] == COMPLIANT
    assert PROJECT_ID not in told  # the rule's resource type narrows what is reported


def test_a_state_config_refuses_fails_that_resource_only(cloud: FakeCloud, assignment: str) -> None:
    run = _run(cloud, assignment, "resource", invoking_event=bucket_record("photos-2026"))
    cloud.faults.inject(403, action="UpdatePolicyState", count=None)
    with cloud.mock():
        (result,) = config_rule.evaluate(_event(run), run.settings, run.gateway, PROJECT_ID)
    assert result.outcome == Outcome.FAILED and result.target is not None and result.target.name == "photos-2026"
    assert f"judged {NON_COMPLIANT}, but reporting it to Config failed" in result.reason
    assert states(cloud) == {}


def test_an_unreadable_inventory_raises_with_the_account_record_told_non_compliant(
    cloud: FakeCloud, assignment: str
) -> None:
    run = _run(cloud, assignment, invoking_event=account_record(cloud))
    cloud.faults.inject(403, action="ListBuckets", count=None)
    with cloud.mock(), pytest.raises(Unjudged) as raised:
        config_rule.evaluate(_event(run), run.settings, run.gateway, PROJECT_ID)
    (record,) = raised.value.results
    assert record.error is not None and record.error.code == ErrorCode.COVERAGE_UNVERIFIED
    assert states(cloud) == {cloud.domain_id: NON_COMPLIANT}


def test_perform_judges_the_runs_event_and_periodic_ones_leave_a_report(cloud: FakeCloud, assignment: str) -> None:
    period = _run(cloud, assignment, invoking_event=account_record(cloud))
    resource = _run(cloud, assignment, "resource", invoking_event=bucket_record("photos-2026"))
    with cloud.mock():
        (judged,) = config_rule.perform(resource)
    assert judged.target is not None and judged.target.name == "photos-2026"
    assert states(cloud) == {"photos-2026": NON_COMPLIANT}
    assert config_rule.leaves_report(period) is True and config_rule.leaves_report(resource) is False


def test_the_rules_data_events_narrow_what_covers_a_bucket(cloud: FakeCloud, assignment: str) -> None:
    tracker: Dict[str, Any] = data_tracker("photos-2026", "obs-photos-2026")
    tracker["data_bucket"]["data_event"] = ["WRITE"]
    cloud.cts.put_tracker(PROJECT_ID, tracker)
    judged = {}
    for events in (None, ["WRITE"]):
        extra: Dict[str, Any] = {"invoking_event": bucket_record("photos-2026")}
        if events:
            extra["rule_parameter"] = {"data_events": {"value": events}}
        run = make_run(config_event(cloud, assignment, "resource", **extra), base_env())
        with cloud.mock():
            (result,) = config_rule.evaluate(_event(run), run.settings, run.gateway, PROJECT_ID)
        judged[bool(events)] = state_of(result)
    assert judged == {False: NON_COMPLIANT, True: COMPLIANT}
