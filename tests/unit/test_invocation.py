"""invocation.py: whom an invocation is about (AccountScope.of), and its own account asked of STS
once, a failure kept as well as an answer."""

from __future__ import annotations

from typing import Any, Dict

import pytest
from helpers.fanout import signed_fanout
from helpers.organization import org_env
from helpers.runs import make_run
from helpers.world import AK, PROJECT_ID, SK, TOKEN, base_env, bucket_event, sample

from autotracker.cloud.credentials import Credentials
from autotracker.cloud.errors import Unjudged
from autotracker.cloud.gateway import Gateway
from autotracker.cloud.retry import Deadline, RetryPolicy
from autotracker.events.sources import read_event, source_of
from autotracker.invocation import ORGANIZATION, AccountScope
from autotracker.settings import load_settings, read_environment
from fakecloud import FakeCloud

MEMBER = "a1b2c3d4e5f60718293a4b5c6d7e8f90"


def _scope(event: Dict[str, Any], environ: Dict[str, str], own_id: str = "own-0001") -> AccountScope:
    values = read_environment(environ)
    settings = load_settings(values)
    work = read_event(event, source_of(event), values.get("FANOUT_KEY"))
    gateway = Gateway(Credentials(AK, SK, TOKEN, PROJECT_ID), settings, Deadline(60_000), RetryPolicy(2, 0.0))
    return AccountScope.of(work, settings, gateway, own_id)


def test_a_request_naming_a_member_is_about_that_account_and_belongs_to_no_run() -> None:
    scope = _scope({"action": "backfill", "all": True, "account_id": MEMBER}, org_env())
    assert (scope.named, scope.label, scope.run_id) == (MEMBER, f"account {MEMBER}", None)
    assert scope.account() == MEMBER  # named: no STS call is needed (none could be made here)


def test_an_organization_sweep_is_labelled_the_organization_and_runs_under_its_own_id() -> None:
    scope = _scope(sample("timer.json"), org_env(), own_id="coordinator-7")
    assert (scope.named, scope.label, scope.run_id) == (None, ORGANIZATION, "coordinator-7")


def test_named_buckets_in_organization_mode_are_this_accounts_not_the_organizations() -> None:
    scope = _scope({"action": "backfill", "buckets": ["photos-2026"]}, org_env())
    assert scope.label is None and scope.named is None


def test_an_event_of_traces_has_no_organization_label() -> None:
    scope = _scope(bucket_event("photos-2026"), org_env())
    assert scope.label is None


def test_outside_organization_mode_a_sweep_has_no_label() -> None:
    scope = _scope(sample("timer.json"), base_env(), own_id="own-9")
    assert scope.label is None and scope.run_id == "own-9"


def test_a_verified_fanout_belongs_to_the_coordinators_run() -> None:
    event = signed_fanout({"action": "backfill", "all": True, "account_id": MEMBER}, run_id="coordinator-0042")
    scope = _scope(event, org_env(), own_id="member-invocation-1")
    assert (scope.named, scope.run_id) == (MEMBER, "coordinator-0042")


def test_the_own_account_is_asked_of_sts_once(cloud: FakeCloud) -> None:
    run = make_run(sample("timer.json"), base_env())
    with cloud.mock():
        first, again, acting = run.scope.own_account(), run.scope.own_account(), run.scope.account()
    assert first == again == acting == cloud.domain_id
    assert len(cloud.calls_of("GetCallerIdentity")) == 1


def test_a_failed_lookup_is_kept_and_answered_the_same_without_another_call(cloud: FakeCloud) -> None:
    run = make_run(sample("timer.json"), base_env())
    cloud.faults.inject(403, action="GetCallerIdentity", count=None, error_code="STS.0403", message="denied")
    with cloud.mock():
        with pytest.raises(Unjudged) as first:
            run.scope.own_account()
        with pytest.raises(Unjudged) as again:
            run.scope.account()
    assert first.value.code == again.value.code == "STS.0403"
    assert "GetCallerIdentity" in str(first.value) and str(first.value) == str(again.value)
    assert not first.value.transient
    assert len(cloud.calls_of("GetCallerIdentity")) == 1
