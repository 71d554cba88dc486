"""An inviteAccount trace names the invited account in `target`: `entity` is its id when `type`
is `account` and its name when `type` is `name`; the handshake (the trace's resource) is never
taken for the account. An invited account is no member until it accepts: while it is not listed
its sweep is skipped, not a transient failure that FunctionGraph retries. Through `index.handler`."""

from __future__ import annotations

from typing import Any, Dict

from helpers.organization import AGENCY, created, invite_trace, member

from autotracker.handler import TransientFailure
from fakecloud import FakeOrganization


def by_name(trace: Dict[str, Any], name: str) -> Dict[str, Any]:
    for target in (trace["cts"]["request"].get("target"), trace["cts"]["response"]["handshake"]["target"]):
        if target is not None:
            target.update(type="name", entity=name)
    return trace


def test_an_invitation_by_name_dispatches_the_account_of_that_name(org: FakeOrganization, run) -> None:
    invited = member(org, "team-by-name", agency=AGENCY)
    management = org.management.domain_id
    trace = by_name(invite_trace(invited.domain_id, management, "request", management), "team-by-name")
    coordinator, members = run(trace)
    (entry,) = coordinator["results"]
    assert entry["outcome"] == "dispatched" and entry["target"]["account_id"] == invited.domain_id
    assert members[invited.domain_id]["ok"] is True and created(invited)


def test_an_invitation_not_accepted_yet_is_skipped_not_retried(org: FakeOrganization, run) -> None:
    management = org.management.domain_id
    pending = "0123456789abcdef0123456789abcdef"  # invited, not listed: it has not accepted
    coordinator, members = run(invite_trace(pending, management, "request", management))
    assert not isinstance(coordinator, TransientFailure)  # a pending invitation is no failure
    assert coordinator["ok"] is True
    (entry,) = coordinator["results"]
    assert entry["outcome"] == "skipped" and entry["target"]["account_id"] == pending
    assert "once it has joined" in entry["reason"] and "acceptHandshake" in entry["reason"]
    assert not members and not org.management.calls_of("AsyncInvokeFunction")
    assert "failure" not in org.management.smn.messages[-1]["subject"].lower()


def test_the_handshake_is_never_taken_for_the_invited_account(org: FakeOrganization, run) -> None:
    management = org.management.domain_id
    trace = invite_trace("x", management, "request", management)
    for target in (trace["cts"]["request"]["target"], trace["cts"]["response"]["handshake"]["target"]):
        target.update(type="email", entity="someone@example.com")  # neither an id nor a name
    coordinator, members = run(trace)
    (entry,) = coordinator["results"]
    assert entry["outcome"] == "failed" and entry["error"]["code"] == "InvalidEvent"
    assert "names no account" in entry["reason"] and entry["target"]["name"] is None
    assert not org.management.calls_of("AsyncInvokeFunction") and not members
