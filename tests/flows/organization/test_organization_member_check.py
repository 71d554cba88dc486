"""A member invocation checks its one account with Organizations ShowAccount: one call however
large the organization (never the whole ListAccounts listing), the account's state read
whatever its case, an answer about another account refused, and an unreadable answer an
invocation error that only an asynchronous delivery retries. Driven through `index.handler`."""

from __future__ import annotations

from typing import Any, Dict

import pytest
from helpers.fanout import signed_fanout
from helpers.organization import FunctionContext, created, invoke, nothing_called_in_members

from autotracker.handler import TransientFailure
from fakecloud import FakeOrganization


def fanout(account_id: str) -> Dict[str, Any]:
    return signed_fanout({"action": "backfill", "all": True, "account_id": account_id})


def test_a_member_invocation_reads_its_account_once_however_large_the_organization(
    org: FakeOrganization, env: Dict[str, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    for number in range(2_500):  # three pages of ListAccounts
        org.organizations.add_account(f"{number:032x}", f"other-{number}")
    target = org.members()[1]
    result = invoke(org, env, monkeypatch, fanout(target.domain_id), FunctionContext("member-1"))
    assert result["ok"] is True and created(target)
    (check,) = org.management.calls_of("ShowAccount")
    assert check.path == f"/v1/organizations/accounts/{target.domain_id}"
    assert not org.management.calls_of("ListAccounts")


@pytest.mark.parametrize(
    ("status", "admitted"), [("ACTIVE", True), ("Active", True), ("SUSPENDED", False), ("PENDING_CLOSURE", False)]
)
def test_the_accounts_state_is_read_whatever_its_case(
    org: FakeOrganization, env: Dict[str, str], monkeypatch: pytest.MonkeyPatch, status: str, admitted: bool
) -> None:
    target = org.members()[0]
    org.organizations.set_status(target.domain_id, status)  # an older page writes them in upper case
    result = invoke(org, env, monkeypatch, fanout(target.domain_id), FunctionContext("member-2"))
    if admitted:
        assert result["ok"] is True and created(target)
        return
    (entry,) = result["results"]
    assert entry["error"]["code"] == "OutOfScope" and f"{status.lower()}, not active" in entry["reason"]
    assert entry["target"]["name"] == "alpha"
    assert nothing_called_in_members(org)


def test_an_answer_about_another_account_is_refused(
    org: FakeOrganization, env: Dict[str, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    asked, other = org.members()[0], org.members()[1]

    def about_the_other(body: Dict[str, Any]) -> Dict[str, Any]:
        return {"account": {**body["account"], "id": other.domain_id, "name": "beta"}}

    org.management.faults.rewrite(about_the_other, "ShowAccount")  # the service answers about another account
    result = invoke(org, env, monkeypatch, fanout(asked.domain_id), FunctionContext("member-3"))
    (entry,) = result["results"]
    assert entry["error"]["code"] == "OutOfScope" and entry["target"]["account_id"] == asked.domain_id
    assert "not an account of this function's organization" in entry["reason"]
    assert nothing_called_in_members(org)


@pytest.mark.parametrize(("status", "delivery"), [(503, "fanout"), (503, "manual"), (403, "fanout")])
def test_an_unreadable_account_is_an_invocation_error_and_nothing_is_done_there(
    org: FakeOrganization, env: Dict[str, str], monkeypatch: pytest.MonkeyPatch, status: int, delivery: str
) -> None:
    target = org.members()[2]
    org.management.faults.inject(status=status, action="ShowAccount", count=None)
    event = fanout(target.domain_id)
    if delivery == "manual":
        del event["fanout"]
    result = invoke(org, env, monkeypatch, event, FunctionContext("member-4"))
    assert nothing_called_in_members(org) and org.management.calls_of("ShowAccount")
    if status == 503 and delivery == "fanout":  # FunctionGraph's async retry asks again later
        assert isinstance(result, TransientFailure)
        return
    assert result["ok"] is False and result["results"] == []
    assert "Organizations ShowAccount" in result["error"]["message"]
