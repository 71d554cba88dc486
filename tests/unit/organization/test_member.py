"""organization/member.py: a member account's sweep with credentials in that account: the session
and agency it assumes, what a missing agency says, the organization tracker's cover, and every
result marked with the account."""

from __future__ import annotations

from typing import Any, Dict, Optional

import pytest
from helpers.organization import AGENCY, FunctionContext, created, org_env
from helpers.runs import make_run, organization
from helpers.world import PROJECT_ID, REGION

from autotracker.cloud.gateway import Gateway
from autotracker.cloud.records import TrackerRecord
from autotracker.contract import ErrorCode, Kind, Outcome, Target, TargetResult, TrackerRef, TrackerType
from autotracker.invocation import Run
from autotracker.organization.member import (
    MAX_SESSION_SECONDS,
    MIN_SESSION_SECONDS,
    act_in,
    agency_urn,
    in_account,
    member_sweep,
    note_organization_trackers,
    organization_trackers,
    project_regions,
    session_name,
)
from autotracker.pipeline.plan import ProjectState
from fakecloud import FakeOrganization

ORG_TRACKER = {"tracker_name": "system", "tracker_type": "system", "is_organization_tracker": True, "obs_info": {}}


@pytest.fixture
def org() -> FakeOrganization:
    return organization()


def _run(org: FakeOrganization, account_id: str, context: Optional[Any] = None, **env: str) -> Run:
    event = {"action": "backfill", "all": True, "account_id": account_id}
    with org.mock():
        return make_run(event, {**org_env(), **env}, context or FunctionContext())


class _Named:
    def __init__(self, name: str) -> None:
        self.name = name

    def getFunctionName(self) -> str:
        return self.name


# pure


def test_the_session_names_the_function_and_the_run() -> None:
    assert session_name(_Named("cts-autotracker"), "coordinator-0001") == "cts-autotracker.coordinator-0001"
    assert session_name(object(), None) == "cts-autotracker.manual"


def test_the_session_name_keeps_to_assume_agencys_alphabet_and_length() -> None:
    name = session_name(_Named("my fn/€"), "run:" + "x" * 300)
    assert name.startswith("my-fn--.run-") and len(name) == 128
    assert set(name) <= set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_+=,.@-")


def test_the_agency_urn_names_the_member_and_the_agency() -> None:
    assert agency_urn("a" * 32, AGENCY) == f"iam::{'a' * 32}:agency:{AGENCY}"


def _state(*types: str) -> ProjectState:
    return ProjectState(trackers=[TrackerRecord(f"t{i}", kind) for i, kind in enumerate(types)])


def test_the_organization_tracker_covers_only_projects_without_their_own_management_tracker() -> None:
    ref = TrackerRef("system", TrackerType.SYSTEM, "org-tracker-id", "m" * 32)
    states: Dict[str, ProjectState] = {
        "bare": _state(TrackerType.DATA),
        "own": _state(TrackerType.SYSTEM),
        "unlisted": ProjectState(),
        "elsewhere": _state(),
    }
    regions = {"bare": REGION, "own": REGION, "unlisted": REGION, "elsewhere": "eu-west-101", "gone": REGION}
    note_organization_trackers(states, regions, {REGION: ref})
    assert states["bare"].organization_tracker == ref
    assert states["own"].organization_tracker is None  # its own management tracker covers it
    assert states["unlisted"].organization_tracker is None  # not listed: nothing is known of it
    assert states["elsewhere"].organization_tracker is None  # no organization tracker in its region


def test_results_are_marked_with_the_account_and_projects_mapped_to_regions() -> None:
    bucket = Target(Kind.BUCKET, "b", PROJECT_ID, REGION)
    project = Target(Kind.PROJECT, REGION, PROJECT_ID, REGION)
    marked = in_account([TargetResult(bucket, Outcome.CREATED, "ok"), TargetResult(None, Outcome.FAILED, "x")], "m1")
    assert marked[0].target == bucket._replace(account_id="m1") and marked[1].target is None
    assert project_regions([bucket, project, Target(Kind.PROJECT, "p", None, REGION)]) == {PROJECT_ID: REGION}


# through the SDK to the fake


def test_in_its_own_account_the_function_acts_with_its_own_gateway(org: FakeOrganization) -> None:
    own = org.management.domain_id
    run = _run(org, own)
    acting = act_in(own, own, run.gateway, run.settings, run.deadline, run.context, "r", False)
    assert acting is run.gateway
    assert not org.management.calls_of("AssumeAgency")


@pytest.mark.parametrize("remaining_ms, seconds", [(60_000, MIN_SESSION_SECONDS), (10_000_000, MAX_SESSION_SECONDS)])
def test_the_agency_is_assumed_for_the_time_left_within_the_bounds(
    org: FakeOrganization, remaining_ms: int, seconds: int
) -> None:
    alpha = org.members()[0]
    run = _run(org, alpha.domain_id, FunctionContext(remaining_ms=remaining_ms))
    own = org.management.domain_id
    with org.mock():
        acting = act_in(alpha.domain_id, own, run.gateway, run.settings, run.deadline, run.context, "run-7", False)
        assert isinstance(acting, Gateway) and acting is not run.gateway
        acting.list_projects(REGION, "")
    (call,) = org.management.calls_of("AssumeAgency")
    body = call.request_json
    assert body["agency_urn"] == agency_urn(alpha.domain_id, AGENCY) and body["duration_seconds"] == seconds
    assert body["agency_session_name"] == "cts-autotracker.run-7"
    assert alpha.calls_of("KeystoneListProjects")  # the temporary credentials act in the member


@pytest.mark.parametrize("new_account", [False, True])
def test_a_missing_agency_says_what_to_create_and_is_transient_only_for_a_new_account(
    org: FakeOrganization, new_account: bool
) -> None:
    stranger = org.add_member("no-agency", agency=None)
    run = _run(org, stranger.domain_id)
    own = org.management.domain_id
    with org.mock():
        acting = act_in(stranger.domain_id, own, run.gateway, run.settings, run.deadline, None, None, new_account)
    assert isinstance(acting, TargetResult) and acting.outcome == Outcome.FAILED
    assert acting.error is not None and acting.error.code == ErrorCode.AGENCY_UNAVAILABLE
    assert f"create agency {AGENCY!r} trusting account {own}" in acting.reason
    assert acting.transient is new_account
    assert not stranger.calls


def test_the_organization_trackers_are_found_by_region(org: FakeOrganization) -> None:
    run = _run(org, org.members()[0].domain_id)
    own = org.management.domain_id
    tracker = org.management.cts.put_tracker(PROJECT_ID, ORG_TRACKER)
    with org.mock():
        found = organization_trackers([REGION, "eu-west-101"], run.gateway, run.settings, PROJECT_ID, own)
    assert found == {REGION: TrackerRef("system", TrackerType.SYSTEM, tracker["id"], own)}


def test_a_failed_lookup_finds_no_organization_tracker(org: FakeOrganization) -> None:
    run = _run(org, org.members()[0].domain_id)
    org.management.cts.put_tracker(PROJECT_ID, ORG_TRACKER)
    org.management.faults.inject(403, action="ListTrackers", count=None)
    with org.mock():
        found = organization_trackers([REGION], run.gateway, run.settings, PROJECT_ID, org.management.domain_id)
    assert found == {}


def test_a_member_sweep_creates_in_the_member_and_marks_every_result(org: FakeOrganization) -> None:
    alpha, beta = org.members()[:2]
    run = _run(org, alpha.domain_id)
    with org.mock():
        results = member_sweep(run, alpha.domain_id)
    assert created(alpha) and not created(beta) and not created(org.management)
    assert results and all(r.target is not None and r.target.account_id == alpha.domain_id for r in results)
    buckets = {r.target.name: r.outcome for r in results if r.target and r.target.kind == Kind.BUCKET}
    assert buckets.get("alpha-data") == Outcome.CREATED


def test_a_refused_member_sweep_calls_nothing_in_the_account(org: FakeOrganization) -> None:
    alpha = org.members()[0]
    org.organizations.set_status(alpha.domain_id, "suspended")
    run = _run(org, alpha.domain_id)
    with org.mock():
        (result,) = member_sweep(run, alpha.domain_id)
    assert result.error is not None and result.error.code == ErrorCode.OUT_OF_SCOPE
    assert not alpha.calls and not org.management.calls_of("AssumeAgency")
