"""Who may act where in an organization, driven through `index.handler` against the fake
organization: a request naming an account passes the coordinator's own checks first; member
report keys hold the member invocation's request id; the dispatch order changes per run;
ListAccounts' repeated markers, duplicates and foreign ids; only async deliveries raise;
FunctionGraph's "Function Disabled"; inviteAccount traces."""

from __future__ import annotations

import json
from typing import Any, Dict, List

import pytest
from helpers.fanout import signed_fanout
from helpers.organization import (
    AGENCY,
    FUNCTION,
    REPORTS,
    FunctionContext,
    apig,
    created,
    invite_trace,
    invoke,
    member,
    nothing_called_in_members,
)
from helpers.world import PROJECT_ID

from autotracker.handler import TransientFailure
from fakecloud import FakeOrganization


# ----- 1. a named account must pass the organization checks -------------------------------------
@pytest.mark.parametrize("case", ["excluded", "not_in_accounts", "suspended", "not_in_organization", "sweep_off"])
@pytest.mark.parametrize("shape", ["manual", "apig", "fanout"])
def test_a_request_naming_an_account_outside_scope_is_refused_before_any_call_there(
    org: FakeOrganization, env: Dict[str, str], monkeypatch: pytest.MonkeyPatch, case: str, shape: str
) -> None:
    target = org.members()[0]
    account_id = target.domain_id
    if case == "excluded":
        env["EXCLUDE_ACCOUNTS"] = account_id
    elif case == "not_in_accounts":
        env["ACCOUNTS"] = org.members()[1].domain_id
    elif case == "suspended":
        org.organizations.set_status(account_id, "suspended")
    elif case == "not_in_organization":
        account_id = "0123456789abcdef0123456789abcdef"
    else:
        env["ORGANIZATION_SWEEP"] = "false"
    request: Dict[str, Any] = {"action": "backfill", "all": True, "account_id": account_id}
    event: Any = request
    if shape == "apig":
        event = apig(request)
    elif shape == "fanout":  # the coordinator queued it, and the account left the scope since
        event = signed_fanout(request)

    answer = invoke(org, env, monkeypatch, event, FunctionContext("request-0002"))

    result = json.loads(answer["body"]) if shape == "apig" else answer
    if shape == "apig":
        assert answer["statusCode"] == 403  # refused, nothing done
    assert result["ok"] is False
    (entry,) = result["results"]
    assert entry["outcome"] == "failed" and entry["error"]["code"] == "OutOfScope"
    assert entry["target"]["account_id"] == account_id
    reason = {
        "excluded": "EXCLUDE_ACCOUNTS",
        "not_in_accounts": "not listed in ACCOUNTS",
        "suspended": "suspended, not active",
        "not_in_organization": "not an account of this function's organization",
        "sweep_off": "ORGANIZATION_SWEEP is off",
    }[case]
    assert reason in entry["reason"]
    assert nothing_called_in_members(org)
    assert not org.management.calls_of("CreateTracker") and not org.management.calls_of("AssumeAgency")


def test_the_functions_own_account_is_refused_like_any_other_when_excluded(
    org: FakeOrganization, env: Dict[str, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    own = org.management.domain_id
    env["EXCLUDE_ACCOUNTS"] = own
    result = invoke(
        org, env, monkeypatch, {"action": "backfill", "all": True, "account_id": own}, FunctionContext("r-2")
    )
    (entry,) = result["results"]
    assert entry["error"]["code"] == "OutOfScope" and "EXCLUDE_ACCOUNTS" in entry["reason"]
    assert not org.management.calls_of("CreateTracker")


def test_an_admitted_account_named_by_a_caller_is_swept(
    org: FakeOrganization, env: Dict[str, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    target = org.members()[2]
    event = {"action": "backfill", "all": True, "account_id": target.domain_id}
    result = invoke(org, env, monkeypatch, event, FunctionContext("r-3"))
    assert result["ok"] is True and created(target)
    assert [s.target_account for s in org.management.sts.sessions] == [target.domain_id]


# ----- 2. member report keys -----------------------------------------------------------------
def test_a_replayed_fanout_never_overwrites_that_runs_reports(
    org: FakeOrganization, env: Dict[str, str], run, monkeypatch: pytest.MonkeyPatch
) -> None:
    org.management.add_bucket(REPORTS, "ap-southeast-1")
    env["REPORT_BUCKET"] = REPORTS
    env["EXCLUDE_BUCKETS"] = REPORTS
    victim = org.members()[0]
    victim.faults.inject(status=403, action="CreateTracker", count=None)  # the run's failed rows
    run({"action": "backfill", "all": True})
    before = {key: org.management.obs.object(REPORTS, key)["body"] for key in org.management.obs.keys(REPORTS)}
    theirs = [key for key in before if f"/coordinator-0001/{victim.domain_id}." in key and "manifest" not in key]
    assert len(theirs) == 4 and b"failed" in before[[k for k in theirs if k.endswith(".csv")][0]]

    # the coordinator's own (signed) request, delivered again: with a new request id, and with
    # the one it had (an async retry may reuse it)
    (queued,) = [
        c.request_json
        for c in org.management.calls_of("AsyncInvokeFunction")
        if c.request_json["account_id"] == victim.domain_id
    ]
    victim.faults.clear()
    added: List[str] = []
    for request_id in ("request-0003", theirs[0].rsplit("/", 1)[1].split(".")[1]):
        result = invoke(org, env, monkeypatch, queued, FunctionContext(request_id))
        assert result["trigger"] == "fanout" and len(result["report"]["keys"]) == 4
        added.extend(result["report"]["keys"])

    after = {key: org.management.obs.object(REPORTS, key)["body"] for key in org.management.obs.keys(REPORTS)}
    pointers = {key for key in before if "/chains/" in key}  # outputs/evidence.py: a chain's pointer moves on
    assert {key: after[key] for key in before if key not in pointers} == {
        key: body for key, body in before.items() if key not in pointers
    }  # every earlier object as it was
    new = {key for key in set(after) - set(before) if not key.endswith(".manifest") and "/organization/" not in key}
    assert sorted(new) == sorted(added) and len(set(added)) == 8
    assert all(f"/coordinator-0001/{victim.domain_id}." in key for key in added)  # found by run id


# ----- 3. the dispatch order changes from run to run -------------------------------------------
def test_no_account_is_queued_last_in_every_run(
    org: FakeOrganization, env: Dict[str, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    for name in ("delta", "epsilon", "zeta", "eta", "theta"):
        member(org, name)
    env["SWEEP_CONCURRENCY"] = "1"  # queued one after another: the call order is the dispatch order
    orders: List[List[str]] = []
    # the accounts' ids are random: with 3 runs, one account came last in all of them about once in 80
    for run_number in range(5):
        before = len(org.management.calls_of("AsyncInvokeFunction"))
        result = invoke(
            org, env, monkeypatch, {"action": "backfill", "all": True}, FunctionContext(f"coordinator-{run_number}")
        )
        assert result["summary"] == {"dispatched": 9}
        calls = org.management.calls_of("AsyncInvokeFunction")[before:]
        orders.append([call.request_json["account_id"] for call in calls])
        org.management.fgs.take_async_invocations()
    assert all(sorted(order) == sorted(orders[0]) for order in orders)
    assert len({order[-1] for order in orders}) > 1, orders
    assert len({tuple(order) for order in orders}) == 5


def test_accounts_not_reached_are_told_what_really_happens(
    org: FakeOrganization, env: Dict[str, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    # a slow listing leaves less than the 4 s a queueing needs (6 - 2.1 < 4): no account is reached
    org.management.faults.latency(2.1, action="ListAccounts")
    context = FunctionContext("coordinator-late", remaining_ms=6_000)
    result = invoke(org, env, monkeypatch, {"action": "backfill", "all": True}, context)
    assert result["summary"] == {"failed": 4} and not org.management.calls_of("AsyncInvokeFunction")
    for entry in result["results"]:
        assert entry["error"]["code"] == "NotReached"
        assert "each run queues the accounts in its own order" in entry["reason"]
        assert "next run continues" not in entry["reason"]
    message = org.management.smn.messages[-1]["message_structure"]
    assert "next run continues" not in message and "different order each time" in message


# ----- 4. ListAccounts ---------------------------------------------------------------------------
def test_a_repeated_marker_ends_the_listing_at_once_as_a_named_failure(
    org: FakeOrganization, env: Dict[str, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    org.organizations.stuck_marker = True
    timer = {"version": "v1.0", "time": "2026-12-03T06:00:00+08:00", "trigger_type": "TIMER", "trigger_name": "t"}
    result = invoke(org, env, monkeypatch, timer, FunctionContext("coordinator-stuck"))
    assert not isinstance(result, TransientFailure)  # not transient: a retry would loop the same way
    assert result["ok"] is False and result["error"]["code"] == "InvalidResponse"
    assert "repeated the page marker" in result["error"]["message"]
    assert len(org.management.calls_of("ListAccounts")) == 2
    assert not org.management.calls_of("AsyncInvokeFunction")


def test_an_account_listed_twice_is_queued_once(
    org: FakeOrganization, env: Dict[str, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    twice = org.members()[1].domain_id
    org.organizations.list_again(twice)
    result = invoke(org, env, monkeypatch, {"action": "backfill", "all": True}, FunctionContext("c-dup"))
    assert result["summary"] == {"dispatched": 4}
    queued = [call.request_json["account_id"] for call in org.management.calls_of("AsyncInvokeFunction")]
    assert sorted(queued) == sorted(org.accounts) and queued.count(twice) == 1


@pytest.mark.parametrize("bad_id", ["acct-with-dash", "x" * 65, "acct\u202eid", "../etc"])
def test_an_account_id_a_member_would_refuse_is_refused_by_the_coordinator(
    org: FakeOrganization, env: Dict[str, str], monkeypatch: pytest.MonkeyPatch, bad_id: str
) -> None:
    org.organizations.add_account(bad_id, "rogue")
    result = invoke(org, env, monkeypatch, {"action": "backfill", "all": True}, FunctionContext("c-bad"))
    assert result["summary"] == {"dispatched": 4, "failed": 1}
    (refused,) = [entry for entry in result["results"] if entry["outcome"] == "failed"]
    assert refused["error"]["code"] == "OutOfScope" and refused["target"]["name"] == "rogue"
    assert len(org.management.calls_of("AsyncInvokeFunction")) == 4
    queued = {call.request_json["account_id"] for call in org.management.calls_of("AsyncInvokeFunction")}
    assert queued == set(org.accounts)


# ----- 5. only an asynchronous delivery raises ------------------------------------------------
@pytest.mark.parametrize("shape", ["manual", "apig"])
def test_a_synchronous_request_carrying_run_id_is_refused_not_raised(
    org: FakeOrganization, env: Dict[str, str], monkeypatch: pytest.MonkeyPatch, shape: str
) -> None:
    target = org.members()[0]
    target.faults.inject(status=503, action="CreateTracker", count=None)
    request = {"action": "backfill", "all": True, "account_id": target.domain_id, "run_id": "coordinator-0001"}
    answer = invoke(org, env, monkeypatch, apig(request) if shape == "apig" else request, FunctionContext("r-5"))
    assert not isinstance(answer, TransientFailure)
    result = json.loads(answer["body"]) if shape == "apig" else answer
    if shape == "apig":
        assert answer["statusCode"] == 400
    assert result["ok"] is False and result["trigger"] == shape and result["results"] == []
    assert result["error"]["code"] == "InvalidEvent" and "signed fan-out" in result["error"]["message"]
    assert not org.management.calls and nothing_called_in_members(org)


def test_a_queued_member_sweep_with_a_transient_failure_is_retried_by_functiongraph(org: FakeOrganization, run) -> None:
    target = org.members()[0]
    target.faults.inject(status=503, action="CreateTracker", count=None)
    coordinator, members = run({"action": "backfill", "all": True})
    assert all(
        len(call.request_json["fanout"]["signature"]) == 64 for call in org.management.calls_of("AsyncInvokeFunction")
    )
    assert isinstance(members[target.domain_id], TransientFailure)
    assert all(members[cloud.domain_id]["ok"] for cloud in org.members()[1:])


@pytest.mark.parametrize(
    "event",
    [
        {"fanout": True, "action": "backfill", "all": True, "account_id": "abc"},  # the old marker
        {"fanout": {"run_id": "c-1", "token": "x"}, "action": "backfill", "all": True, "account_id": "abc"},
        signed_fanout({"action": "backfill", "all": True}),  # genuine, but names no account
    ],
)
def test_a_malformed_fanout_delivery_is_refused_and_not_retried(
    org: FakeOrganization, env: Dict[str, str], monkeypatch: pytest.MonkeyPatch, event: Dict[str, Any]
) -> None:
    result = invoke(org, env, monkeypatch, event, FunctionContext("r-6"))
    assert result["ok"] is False and result["error"]["code"] == "InvalidEvent"
    assert not org.management.calls and nothing_called_in_members(org)


# ----- 6. FunctionGraph's "Function Disabled" ---------------------------------------------------
def test_a_disabled_function_is_not_queued_again_as_if_throttled(
    org: FakeOrganization, env: Dict[str, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    env["SWEEP_CONCURRENCY"] = "1"  # one after another: the first answer stops the rest
    org.management.fgs.disable_function(PROJECT_ID, FUNCTION)
    timer = {"version": "v1.0", "time": "2026-12-03T06:00:00+08:00", "trigger_type": "TIMER", "trigger_name": "t"}
    result = invoke(org, env, monkeypatch, timer, FunctionContext("coordinator-disabled"))
    assert not isinstance(result, TransientFailure), result  # permanent: no FunctionGraph retry
    assert result["summary"] == {"failed": 4}
    for entry in result["results"]:
        assert entry["error"]["code"] == "FSS.0429" and "Function Disabled" in entry["reason"]
    (call,) = org.management.calls_of("AsyncInvokeFunction")  # once, not retried, and no other account tried
    first = [entry for entry in result["results"] if entry["target"]["account_id"] == call.request_json["account_id"]]
    assert "could not queue" in first[0]["reason"]
    assert sum("not queued" in entry["reason"] for entry in result["results"]) == 3


def test_throttling_with_the_same_code_is_still_retried(
    org: FakeOrganization, env: Dict[str, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    env["SWEEP_CONCURRENCY"] = "1"
    org.management.faults.inject(status=429, action="AsyncInvokeFunction", count=1)
    result = invoke(org, env, monkeypatch, {"action": "backfill", "all": True}, FunctionContext("c-429"))
    assert result["summary"] == {"dispatched": 4}
    calls = org.management.calls_of("AsyncInvokeFunction")
    assert len(calls) == 5 and calls[0].status == 429


# ----- 7. inviteAccount -----------------------------------------------------------------------
@pytest.mark.parametrize("where", ["request", "response"])
@pytest.mark.parametrize("recorded", ["management", "member"])
def test_an_invite_account_trace_dispatches_the_invited_accounts_sweep(
    org: FakeOrganization, run, where: str, recorded: str
) -> None:
    invited = member(org, "team-invited", agency=AGENCY)
    management = org.management.domain_id
    recorded_in = management if recorded == "management" else invited.domain_id
    coordinator, members = run(invite_trace(invited.domain_id, recorded_in, where, management))
    (entry,) = coordinator["results"]
    assert entry["outcome"] == "dispatched" and entry["target"]["account_id"] == invited.domain_id
    (queued,) = org.management.calls_of("AsyncInvokeFunction")
    assert queued.request_json["account_id"] == invited.domain_id and queued.request_json["fanout"]["new_account"]
    assert members[invited.domain_id]["ok"] is True and created(invited)
