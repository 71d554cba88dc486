"""An account that ListAccounts lists twice with different states is judged by the state that is
not active: it is never queued on the strength of one of two listings. Through `index.handler`."""

from __future__ import annotations

from typing import Dict

import pytest
from helpers.organization import FunctionContext, MemberDeployed, invoke

from autotracker.handler import TransientFailure
from fakecloud import FakeOrganization


@pytest.mark.parametrize("which", ["first", "second"])
def test_an_account_listed_twice_with_different_states_is_taken_as_not_active(
    org: FakeOrganization, env: Dict[str, str], monkeypatch: pytest.MonkeyPatch, which: str
) -> None:
    twice = org.members()[1].domain_id
    org.organizations.list_again(twice)  # listed after the others, again
    org.management.faults.rewrite(lambda answer: _suspend_one(answer, twice, which), action="ListAccounts")
    result = invoke(org, env, monkeypatch, {"action": "backfill", "all": True}, FunctionContext("c-dup"))
    (entry,) = [e for e in result["results"] if e["target"]["account_id"] == twice]
    assert entry["outcome"] == "skipped" and "suspended" in entry["reason"]
    queued = [call.request_json["account_id"] for call in org.management.calls_of("AsyncInvokeFunction")]
    assert twice not in queued and len(queued) == 3


def _suspend_one(answer: dict, account_id: str, which: str) -> dict:
    """The first or the second listing of `account_id` says suspended; the other, active."""
    listings = [item for item in answer.get("accounts") or [] if item.get("id") == account_id]
    assert len(listings) == 2
    (listings[0] if which == "first" else listings[-1])["status"] = "suspended"
    return answer


def test_a_coordinator_outside_the_management_account_is_refused_permanently(
    org: FakeOrganization, env: Dict[str, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    deployed_in = org.add_member("deployed-here")
    deployed_in.add_credentials("MEMBERAKPERMANENT001", "member-secret-key-00000000000000001")
    env["RUNTIME_PROJECT_ID"] = deployed_in.add_project("ap-southeast-1")
    del env["SMN_TOPIC_URN"]  # its own topic would do; the refusal is what is held here
    timer = {"version": "v1.0", "time": "2026-12-03T06:00:00+08:00", "trigger_type": "TIMER", "trigger_name": "t"}
    result = invoke(org, env, monkeypatch, timer, MemberDeployed())
    assert not isinstance(result, TransientFailure)  # an async trigger, yet not retried: it cannot change
    assert result["ok"] is False and result["error"]["code"] == "Organizations.1002"
    assert deployed_in.calls_of("ListAccounts") and not deployed_in.calls_of("AsyncInvokeFunction")
