"""organization/accounts.py: the organization's accounts, each once, and why a request naming an
account is refused (ShowAccount, asked about that one account; nothing called in it)."""

from __future__ import annotations

from typing import Dict

import pytest
from helpers.organization import FunctionContext, org_env
from helpers.runs import make_run, organization
from helpers.world import sample

from autotracker.contract import ErrorCode, Kind, Outcome
from autotracker.invocation import Run
from autotracker.organization.accounts import (
    ACTIVE,
    OrganizationError,
    account_target,
    organization_accounts,
    out_of_scope,
    refusal,
    text,
)
from fakecloud import FakeOrganization


@pytest.fixture
def org() -> FakeOrganization:
    return organization()


def _run(org: FakeOrganization, **env: str) -> Run:
    with org.mock():
        return make_run(sample("timer.json"), {**org_env(), **env}, FunctionContext())


def _ids(org: FakeOrganization) -> Dict[str, str]:
    return {cloud.domain_name: cloud.domain_id for cloud in org.members()}


def test_every_account_is_listed_once_with_its_name_and_status_in_lower_case(org: FakeOrganization) -> None:
    suspended = _ids(org)["beta"]
    org.organizations.set_status(suspended, "SUSPENDED")
    org.organizations.list_again(_ids(org)["alpha"])  # a page that repeats an account
    run = _run(org)
    with org.mock():
        accounts = organization_accounts(run.scope)
    assert sorted(a.id for a in accounts) == sorted([org.management.domain_id, *_ids(org).values()])
    by_name = {a.name: a for a in accounts}
    assert by_name["beta"].status == "suspended" and by_name["alpha"].status == ACTIVE
    assert len(org.management.calls_of("ListAccounts")) == 1


def test_an_unreadable_organization_raises_saying_which_call_failed(org: FakeOrganization) -> None:
    run = _run(org)
    org.management.faults.inject(403, action="ListAccounts", error_code="Organizations.1002", message="denied")
    with org.mock(), pytest.raises(OrganizationError) as raised:
        organization_accounts(run.scope)
    assert raised.value.code == "Organizations.1002" and not raised.value.transient
    assert "listing the organization's accounts" in str(raised.value)


def test_an_active_member_is_not_refused_and_nothing_is_called_in_it(org: FakeOrganization) -> None:
    alpha = org.members()[0]
    run = _run(org)
    with org.mock():
        refused = refusal(alpha.domain_id, run.settings, run.scope)
    assert refused is None
    assert not org.management.calls_of("ListAccounts")  # asked about this one account, not listed
    assert len(org.management.calls_of("ShowAccount")) == 1
    assert all(not cloud.calls for cloud in org.members())


def test_an_upper_case_active_state_counts_as_active(org: FakeOrganization) -> None:
    alpha = org.members()[0]
    org.organizations.set_status(alpha.domain_id, "ACTIVE")
    run = _run(org)
    with org.mock():
        assert refusal(alpha.domain_id, run.settings, run.scope) is None


def test_organization_sweep_off_refuses_without_a_call(org: FakeOrganization) -> None:
    alpha = org.members()[0]
    run = _run(org, ORGANIZATION_SWEEP="false", TRACE_BUCKET="trace-archive")
    org.management.reset_calls()
    with org.mock():
        refused = refusal(alpha.domain_id, run.settings, run.scope)
    assert refused is not None and refused.outcome == Outcome.FAILED
    assert refused.error is not None and refused.error.code == ErrorCode.OUT_OF_SCOPE
    assert "ORGANIZATION_SWEEP is off" in refused.reason
    assert not org.management.calls


@pytest.mark.parametrize(
    "variable, why",
    [("EXCLUDE_ACCOUNTS", "listed in EXCLUDE_ACCOUNTS"), ("ACCOUNTS", "not listed in ACCOUNTS")],
)
def test_an_account_the_settings_leave_out_is_refused_before_the_organization_is_asked(
    org: FakeOrganization, variable: str, why: str
) -> None:
    alpha, beta = org.members()[:2]
    listed = alpha.domain_id if variable == "EXCLUDE_ACCOUNTS" else beta.domain_id
    run = _run(org, **{variable: listed})
    with org.mock():
        refused = refusal(alpha.domain_id, run.settings, run.scope)
    assert refused is not None and refused.error is not None and refused.error.code == ErrorCode.OUT_OF_SCOPE
    assert why in refused.reason and refused.reason.startswith("refused, nothing was done")
    assert refused.target == account_target(alpha.domain_id, None)
    assert not org.management.calls_of("ShowAccount")


def test_an_account_outside_the_organization_is_refused(org: FakeOrganization) -> None:
    run = _run(org)
    stranger = "f" * 32
    with org.mock():
        refused = refusal(stranger, run.settings, run.scope)
    assert refused is not None and refused.error is not None and refused.error.code == ErrorCode.OUT_OF_SCOPE
    assert "not an account of this function's organization" in refused.reason
    assert refused.target is not None and refused.target.account_id == stranger


def test_a_suspended_member_is_refused_naming_its_state_and_name(org: FakeOrganization) -> None:
    beta = org.members()[1]
    org.organizations.set_status(beta.domain_id, "pending_closure")
    run = _run(org)
    with org.mock():
        refused = refusal(beta.domain_id, run.settings, run.scope)
    assert refused is not None and "the account is pending_closure, not active" in refused.reason
    assert refused.target == account_target(beta.domain_id, "beta")
    assert not beta.calls


def test_a_transient_failure_to_read_the_account_raises_transient(org: FakeOrganization) -> None:
    alpha = org.members()[0]
    run = _run(org)
    org.management.faults.inject(503, action="ShowAccount", count=None)
    with org.mock(), pytest.raises(OrganizationError) as raised:
        refusal(alpha.domain_id, run.settings, run.scope)
    assert raised.value.transient and "ShowAccount" in str(raised.value)
    assert len(org.management.calls_of("ShowAccount")) > 1  # retried within the budget


def test_the_small_pieces_name_the_account() -> None:
    target = account_target("a" * 32, "alpha")
    assert (target.kind, target.account_id, target.name, target.region) == (Kind.ACCOUNT, "a" * 32, "alpha", None)
    result = out_of_scope(target, "because")
    assert result.reason == "refused, nothing was done in the account: because"
    assert text("") is None and text(0) is None and text(12) == "12"
