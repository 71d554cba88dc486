"""organization/fanout.py: which accounts are swept and in what order (`choose`), the function's
URN, the signed request queued per account (`coordinate`, `dispatch`) and what a disabled function
or a spent time budget leaves unqueued."""

from __future__ import annotations

from typing import Any, Dict, List

import pytest
from helpers.fanout import FANOUT_KEY, signed_fanout
from helpers.organization import URN, FunctionContext, org_env
from helpers.runs import make_run, organization
from helpers.world import PROJECT_ID, REGION, base_env, sample

from autotracker.cloud.retry import Deadline
from autotracker.contract import ErrorCode, Outcome
from autotracker.invocation import Run
from autotracker.organization.accounts import ACTIVE, Account, OrganizationError, account_target
from autotracker.organization.fanout import (
    DISABLED,
    DISABLED_CODE,
    INVITED,
    NOT_REACHED,
    choose,
    coordinate,
    dispatch,
    function_urn,
    new_accounts,
)
from autotracker.pipeline.plan import Wanted
from autotracker.settings import Settings, load_settings
from fakecloud import FakeOrganization

IDS = [f"{n:032x}" for n in range(1, 21)]


def _settings(**env: str) -> Settings:
    return load_settings({**base_env(), **env})


def _accounts(*statuses: str) -> List[Account]:
    return [Account(IDS[i], f"acct-{i}", status) for i, status in enumerate(statuses)]


@pytest.fixture
def org() -> FakeOrganization:
    return organization()


def _run(org: FakeOrganization, event: Any = None, **env: str) -> Run:
    with org.mock():
        return make_run(event or sample("timer.json"), {**org_env(), **env}, FunctionContext("coordinator-0001"))


def _payloads(org: FakeOrganization) -> Dict[str, Dict[str, Any]]:
    queued = org.management.fgs.take_async_invocations()
    assert all(item.function_urn == URN for item in queued)
    return {item.payload["account_id"]: item.payload for item in queued}


# choose: pure


def test_the_order_is_a_shuffle_fixed_by_the_run_id() -> None:
    accounts = _accounts(*[ACTIVE] * 20)
    first, _ = choose(accounts, _settings(), run_id="run-a")
    again, _ = choose(list(reversed(accounts)), _settings(), run_id="run-a")
    other, _ = choose(accounts, _settings(), run_id="run-b")
    assert [a.id for a in first] == [a.id for a in again]  # the same run (and its retries): the same order
    assert sorted(a.id for a in first) == sorted(IDS)
    assert [a.id for a in other] != [a.id for a in first]  # another run reaches others first
    assert [a.id for a in first] != IDS  # not id order


def test_accounts_left_out_each_get_a_result_saying_why() -> None:
    accounts = _accounts(ACTIVE, "suspended", "", ACTIVE, ACTIVE)
    settings = _settings(EXCLUDE_ACCOUNTS=IDS[3])
    chosen, decided = choose(accounts, settings, run_id="r")
    assert sorted(a.id for a in chosen) == sorted([IDS[0], IDS[4]])
    reasons = {r.target.account_id: r for r in decided if r.target}
    assert reasons[IDS[1]].outcome == Outcome.SKIPPED and "suspended, not active" in reasons[IDS[1]].reason
    assert "in an unknown state" in reasons[IDS[2]].reason
    assert reasons[IDS[3]].outcome == Outcome.SKIPPED and reasons[IDS[3]].reason == "listed in EXCLUDE_ACCOUNTS"


def test_an_account_named_in_accounts_but_not_listed_is_not_found_and_the_rest_not_listed() -> None:
    missing = "9" * 32
    settings = _settings(ACCOUNTS=f"{IDS[0]},{missing}")
    chosen, decided = choose(_accounts(ACTIVE, ACTIVE), settings, run_id="r")
    assert [a.id for a in chosen] == [IDS[0]]
    by_id = {r.target.account_id: r for r in decided if r.target}
    assert by_id[missing].error is not None and by_id[missing].error.code == ErrorCode.NOT_FOUND
    assert by_id[IDS[1]].reason == "not listed in ACCOUNTS"


def test_an_id_that_is_not_an_account_id_is_never_dispatched_and_shown_tamed() -> None:
    hostile = Account("bad id\x1b[31m" + "x" * 200, "evil", ACTIVE)
    chosen, decided = choose([hostile], _settings(), run_id="r")
    (result,) = decided
    assert chosen == [] and result.error is not None and result.error.code == ErrorCode.OUT_OF_SCOPE
    assert result.target is not None and len(result.target.account_id or "") <= 80
    assert "\x1b" not in result.reason


def test_new_accounts_narrow_to_those_traced_by_id_or_name_each_once() -> None:
    accounts = _accounts(ACTIVE, ACTIVE, ACTIVE)
    wanted = [account_target(IDS[2], None), account_target(None, "acct-0"), account_target(IDS[2], None)]
    chosen, decided = choose(accounts, _settings(), wanted, run_id="r")
    assert [a.id for a in chosen] == [IDS[2], IDS[0]] and decided == []


def test_a_new_account_not_listed_yet_is_a_transient_not_found_unless_only_invited() -> None:
    joined, invited = account_target(None, "team-payments"), account_target("8" * 32, None)
    chosen, decided = choose(_accounts(ACTIVE), _settings(), [joined, invited], "r", invited=[invited])
    by_target = {r.target: r for r in decided}
    assert chosen == []
    assert by_target[joined].outcome == Outcome.FAILED and by_target[joined].transient
    assert by_target[joined].error is not None and by_target[joined].error.code == ErrorCode.NOT_FOUND
    assert by_target[invited].outcome == Outcome.SKIPPED and by_target[invited].reason == INVITED


# function_urn: pure


class _Named:
    def getFunctionName(self) -> str:
        return "tracker-fn"

    def getPackage(self) -> str:
        return "ops"

    def getVersion(self) -> str:
        return "v2"


def test_the_urn_is_configured_or_derived_from_the_runtime() -> None:
    configured = f"urn:fss:{REGION}:{PROJECT_ID}:function:default:other:latest"
    assert function_urn(_settings(FUNCTION_URN=configured), _Named(), {}, PROJECT_ID) == configured
    derived = function_urn(_settings(), _Named(), {}, PROJECT_ID)
    assert derived == f"urn:fss:{REGION}:{PROJECT_ID}:function:ops:tracker-fn:v2"
    from_env = function_urn(_settings(), object(), {"RUNTIME_FUNC_NAME": "fn", "RUNTIME_PACKAGE": "p"}, PROJECT_ID)
    assert from_env == f"urn:fss:{REGION}:{PROJECT_ID}:function:p:fn:latest"


def test_an_underivable_urn_is_a_configuration_error() -> None:
    with pytest.raises(OrganizationError) as raised:
        function_urn(_settings(), object(), {}, PROJECT_ID)
    assert raised.value.code == ErrorCode.INVALID_CONFIGURATION and "FUNCTION_URN" in str(raised.value)
    with pytest.raises(OrganizationError):
        function_urn(_settings(), _Named(), {}, None)  # no project


# coordinate and dispatch: through the SDK to the fake


def test_the_coordinator_queues_one_signed_request_per_active_member(org: FakeOrganization) -> None:
    gamma = org.members()[2]
    org.organizations.set_status(gamma.domain_id, "suspended")
    run = _run(org)
    with org.mock():
        results = coordinate(run, None)
    payloads = _payloads(org)
    active = {org.management.domain_id, org.members()[0].domain_id, org.members()[1].domain_id}
    assert set(payloads) == active
    for account_id, payload in payloads.items():
        request = {key: value for key, value in payload.items() if key != "fanout"}
        envelope = payload["fanout"]
        assert request == {"action": "backfill", "account_id": account_id, "all": True}
        assert envelope["run_id"] == "coordinator-0001" and envelope["new_account"] is False
        resigned = signed_fanout(request, "coordinator-0001", FANOUT_KEY, envelope["issued"], envelope["expires"])
        assert resigned == payload  # the signature is the documented HMAC with FANOUT_KEY
    outcomes = {r.target.account_id: r for r in results if r.target}
    assert outcomes[gamma.domain_id].outcome == Outcome.SKIPPED
    dispatched = [r for r in results if r.outcome == Outcome.DISPATCHED]
    assert len(dispatched) == 3 and all(r.queued_request_id for r in dispatched)
    assert all(not cloud.calls for cloud in org.members())  # the coordinator only lists and queues


def test_a_dry_run_queues_dry_run_sweeps_and_says_so(org: FakeOrganization) -> None:
    run = _run(org, {"action": "backfill", "all": True, "dry_run": True})
    with org.mock():
        results = coordinate(run, None)
    payloads = _payloads(org)
    assert len(payloads) == 4 and all(p["dry_run"] is True for p in payloads.values())
    assert {r.outcome for r in results} == {Outcome.PLANNED}
    assert all("dry run" in r.reason for r in results)


def test_no_fanout_key_queues_nothing(org: FakeOrganization) -> None:
    run = _run(org)
    run = run._replace(settings=run.settings.model_copy(update={"fanout_key": None}))
    with org.mock(), pytest.raises(OrganizationError) as raised:
        coordinate(run, None)
    assert raised.value.code == ErrorCode.INVALID_CONFIGURATION
    assert org.management.fgs.take_async_invocations() == []


def test_a_disabled_function_stops_the_queueing(org: FakeOrganization) -> None:
    run = _run(org)
    org.management.fgs.disable_function(PROJECT_ID, "cts-autotracker")
    accounts = _accounts(ACTIVE, ACTIVE, ACTIVE)
    with org.mock():
        results = dispatch(accounts, lambda a: {"account_id": a}, URN, run.gateway, run.deadline, 1, False)
    assert [r.outcome for r in results] == [Outcome.FAILED] * 3
    assert results[0].error is not None and results[0].error.code == DISABLED_CODE
    assert [r.reason for r in results[1:]] == [DISABLED, DISABLED]
    assert len(org.management.calls_of("AsyncInvokeFunction")) == 1  # nothing tried after the answer


def test_accounts_not_reached_in_time_are_said_and_not_queued(org: FakeOrganization) -> None:
    run = _run(org)
    spent = Deadline(1)
    with org.mock():
        results = dispatch(_accounts(ACTIVE, ACTIVE), lambda a: {"account_id": a}, URN, run.gateway, spent, 2, False)
    assert [r.error.code for r in results if r.error] == [ErrorCode.NOT_REACHED] * 2
    assert all(r.reason == NOT_REACHED for r in results)
    assert not org.management.calls_of("AsyncInvokeFunction")


def test_results_keep_the_accounts_order_with_each_queued_request_id(org: FakeOrganization) -> None:
    run = _run(org)
    accounts = _accounts(*[ACTIVE] * 6)
    with org.mock():
        results = dispatch(accounts, lambda a: {"account_id": a}, URN, run.gateway, run.deadline, 3, False)
    queued = {item.payload["account_id"]: item.request_id for item in org.management.fgs.take_async_invocations()}
    assert [r.target.account_id for r in results if r.target] == IDS[:6]
    assert [r.queued_request_id for r in results] == [queued[i] for i in IDS[:6]]


def test_a_joined_account_is_queued_alone_marked_new(org: FakeOrganization) -> None:
    beta = org.members()[1]
    run = _run(org)
    with org.mock():
        found = new_accounts(run, [Wanted(account_target(None, "beta"))])
    (result,) = found.values()
    assert result.outcome == Outcome.DISPATCHED and result.target == account_target(beta.domain_id, "beta")
    payloads = _payloads(org)
    assert list(payloads) == [beta.domain_id] and payloads[beta.domain_id]["fanout"]["new_account"] is True


def test_a_new_account_trace_outside_organization_mode_is_skipped(org: FakeOrganization) -> None:
    run = _run(org, ORGANIZATION_SWEEP="false", TRACE_BUCKET="trace-archive")
    target = account_target(IDS[0], None)
    assert new_accounts(run, [Wanted(target)])[target].outcome == Outcome.SKIPPED
    assert "ORGANIZATION_SWEEP is off" in new_accounts(run, [Wanted(target)])[target].reason
    assert org.management.fgs.take_async_invocations() == []
