"""Only the coordinator's own queued request is a fan-out: it is signed with FANOUT_KEY (which
only the function holds), and a forged, unsigned, altered, wrongly keyed or expired one is
refused with nothing done; a plain request cannot carry a run id. The genuine coordinator ->
member flow (the fake FunctionGraph's queue replayed through `index.handler`) still works, files
its reports under the coordinator's day and run, and names each queued request id. The key
never appears in any output. Driven through `index.handler` against the fake organization."""

from __future__ import annotations

import copy
import json
import time
from datetime import datetime, timezone
from typing import Any, Callable, Dict, List

import pytest
from helpers.fanout import DAY, FANOUT_KEY, signed_fanout
from helpers.organization import REPORTS, FunctionContext, apig, created, invoke, nothing_called_in_members

from autotracker.handler import TransientFailure
from fakecloud import FakeOrganization


def request_for(org: FakeOrganization) -> Dict[str, Any]:
    return {"action": "backfill", "all": True, "account_id": org.members()[0].domain_id}


def genuine(org: FakeOrganization, env: Dict[str, str], monkeypatch: pytest.MonkeyPatch) -> Dict[str, Any]:
    """The coordinator's own queued request for the first member (the queue then emptied)."""
    invoke(org, env, monkeypatch, {"action": "backfill", "all": True}, FunctionContext("coordinator-0001"))
    target = org.members()[0].domain_id
    (queued,) = [q.payload for q in org.management.fgs.take_async_invocations() if q.payload["account_id"] == target]
    org.management.reset_calls()
    for cloud in org.members():
        cloud.reset_calls()
    return queued


def tampered(change: Callable[[Dict[str, Any]], None]) -> Callable[[Dict[str, Any]], Dict[str, Any]]:
    def make(event: Dict[str, Any]) -> Dict[str, Any]:
        event = copy.deepcopy(event)
        change(event)
        return event

    return make


TAMPERINGS = {
    "dry_run turned off": tampered(lambda e: e.update(dry_run=False)),
    "another account": tampered(lambda e: e.update(account_id="0" * 31 + "9")),
    "another run": tampered(lambda e: e["fanout"].update(run_id="coordinator-0000")),
    "regions added": tampered(lambda e: e.update(regions=["eu-west-101"])),
    "new_account set": tampered(lambda e: e["fanout"].update(new_account=True)),
    "validity lengthened": tampered(lambda e: e["fanout"].update(expires=e["fanout"]["expires"] + DAY)),
    "a field added": tampered(lambda e: e.update(buckets=["x-bucket"], all=False)),
}


@pytest.mark.parametrize("change", sorted(TAMPERINGS))
def test_an_altered_coordinator_request_is_refused_with_nothing_done(
    org: FakeOrganization, env: Dict[str, str], monkeypatch: pytest.MonkeyPatch, change: str
) -> None:
    env["DRY_RUN"] = "false"
    queued = genuine(org, env, monkeypatch)
    org.members()[0].faults.inject(status=503, action="CreateTracker", count=None)  # would raise if acted on
    result = invoke(org, env, monkeypatch, TAMPERINGS[change](queued), FunctionContext("attacker-1"))
    assert not isinstance(result, TransientFailure)
    assert result["ok"] is False and result["results"] == [] and result["report"] is None
    assert result["error"]["code"] == "Unauthenticated" and "signature does not match" in result["error"]["message"]
    assert not org.management.calls and nothing_called_in_members(org)


def unsigned(org: FakeOrganization) -> Dict[str, Any]:
    event = signed_fanout(request_for(org))
    del event["fanout"]["signature"]
    return event


def now() -> int:
    return int(time.time())


FORGERIES: Dict[str, Callable[[FakeOrganization], Dict[str, Any]]] = {
    "unsigned": unsigned,
    "signed with another key": lambda o: signed_fanout(request_for(o), key="an-attackers-key-0123456789abcdefghij"),
    "a signature made up": lambda o: {**request_for(o), "fanout": {**unsigned(o)["fanout"], "signature": "ab" * 32}},
    "expired": lambda o: signed_fanout(request_for(o), issued=now() - 2 * DAY, expires=now() - DAY),
    "valid longer than an async event lives": lambda o: signed_fanout(request_for(o), expires=now() + 2 * DAY),
    "issued in the future": lambda o: signed_fanout(request_for(o), issued=now() + 3600),
}
REASONS = {
    "unsigned": "unsigned fan-out request",
    "signed with another key": "signature does not match",
    "a signature made up": "signature does not match",
    "expired": "expired",
    "valid longer than an async event lives": "validity",
    "issued in the future": "validity",
}


@pytest.mark.parametrize("forgery", sorted(FORGERIES))
@pytest.mark.parametrize("shape", ["invoke", "apig"])
def test_a_forged_fanout_is_refused_with_nothing_done_and_never_raises(
    org: FakeOrganization, env: Dict[str, str], monkeypatch: pytest.MonkeyPatch, forgery: str, shape: str
) -> None:
    org.management.add_bucket(REPORTS, "ap-southeast-1")
    env["REPORT_BUCKET"] = REPORTS
    org.members()[0].faults.inject(status=503, action="CreateTracker", count=None)
    event = FORGERIES[forgery](org)
    answer = invoke(org, env, monkeypatch, apig(event) if shape == "apig" else event, FunctionContext("attacker-2"))
    assert not isinstance(answer, TransientFailure)
    if shape == "apig":  # the APIG body is a manual request: no fan-out field at all
        assert answer["statusCode"] == 400
        result = json.loads(answer["body"])
        assert result["error"]["code"] == "InvalidEvent" and "fanout" in result["error"]["message"]
    else:
        result = answer
        assert result["error"]["code"] == "Unauthenticated", result["error"]
        assert result["trigger"] == "unknown"  # only a verified request is a fan-out
        assert REASONS[forgery] in result["error"]["message"]
    assert result["ok"] is False and result["results"] == [] and result["report"] is None
    assert not org.management.calls and nothing_called_in_members(org)
    assert not org.management.obs.keys(REPORTS) and not org.management.smn.messages


def test_a_member_without_the_key_refuses_even_a_well_formed_fanout(
    org: FakeOrganization, env: Dict[str, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    env.pop("FANOUT_KEY")
    env["ORGANIZATION_SWEEP"] = "false"  # a deployment that is no coordinator holds no key

    class Keyless(FunctionContext):
        def getUserData(self, key: str) -> str:
            return ""

    result = invoke(org, env, monkeypatch, signed_fanout(request_for(org)), Keyless("r-1"))
    assert result["error"]["code"] == "Unauthenticated" and "FANOUT_KEY is not set" in result["error"]["message"]
    assert not org.management.calls and nothing_called_in_members(org)


@pytest.mark.parametrize("value", [None, "short-key", "a key with blanks in it that is long enough"])
def test_organization_mode_without_a_usable_key_is_a_configuration_error_naming_how_to_make_one(
    org: FakeOrganization, env: Dict[str, str], monkeypatch: pytest.MonkeyPatch, value: Any
) -> None:
    env.pop("FANOUT_KEY")
    if value is not None:
        env["FANOUT_KEY"] = value

    class Keyless(FunctionContext):
        def getUserData(self, key: str) -> str:
            return ""

    result = invoke(org, env, monkeypatch, {"action": "backfill", "all": True}, Keyless("c-1"))
    assert result["error"]["code"] == "InvalidConfiguration"
    message = result["error"]["message"]
    assert "FANOUT_KEY" in message and "secrets.token_urlsafe" in message
    assert value is None or value not in message
    assert not org.management.calls


def test_the_genuine_flow_with_the_key_in_encrypted_user_data_files_under_the_coordinators_run(
    org: FakeOrganization, env: Dict[str, str], run
) -> None:
    env.pop("FANOUT_KEY")  # only in getUserData, as FunctionGraph gives encrypted variables
    org.management.add_bucket(REPORTS, "ap-southeast-1")
    env["REPORT_BUCKET"] = REPORTS
    env["EXCLUDE_BUCKETS"] = REPORTS
    coordinator, members = run({"action": "backfill", "all": True})
    assert coordinator["ok"] is True and coordinator["summary"] == {"dispatched": 4}
    queued = {call.request_json["account_id"]: call for call in org.management.calls_of("AsyncInvokeFunction")}
    day = datetime.fromtimestamp(next(iter(queued.values())).request_json["fanout"]["issued"], timezone.utc)
    for entry in coordinator["results"]:  # the queued request id, as a field of its own
        assert entry["queued_request_id"] and entry["queued_request_id"] in entry["reason"]
    for account_id, answer in members.items():
        assert answer["ok"] is True and answer["trigger"] == "fanout"
        (key,) = [k for k in answer["report"]["keys"] if k.endswith(".json") and not k.endswith(".ocsf.json")]
        folder = f"cts-autotracker/reports/{day:%Y/%m/%d}/coordinator-0001/{account_id}."
        assert key.startswith(folder)
        request_id = [e for e in coordinator["results"] if e["target"]["account_id"] == account_id][0]
        assert key[len(folder) :].startswith(request_id["queued_request_id"] + ".")
    assert all(created(cloud) for cloud in org.members())


def test_the_key_never_appears_in_any_output_form(
    org: FakeOrganization, env: Dict[str, str], run, monkeypatch: pytest.MonkeyPatch, caplog
) -> None:
    org.management.add_bucket(REPORTS, "ap-southeast-1")
    env["REPORT_BUCKET"] = REPORTS
    env["EXCLUDE_BUCKETS"] = REPORTS
    echo = f"denied; your key was {FANOUT_KEY}"  # a service that echoes it, in the coordinator and a member
    org.management.faults.inject(status=403, action="AsyncInvokeFunction", count=1, message=echo)
    for cloud in org.members():  # whichever account's queueing fails, members still answer it
        cloud.faults.inject(status=403, action="CreateTracker", count=None, message=echo)
    with caplog.at_level("DEBUG"):
        coordinator, members = run({"action": "backfill", "all": True})
        invoke(org, env, monkeypatch, {"action": "backfill", "all": True, "run_id": FANOUT_KEY}, FunctionContext())
    assert any(e["outcome"] == "failed" for e in coordinator["results"])
    assert any(isinstance(m, dict) and not m["ok"] for m in members.values())
    outputs: List[str] = [
        json.dumps(coordinator),
        *(json.dumps(m) if isinstance(m, dict) else str(m) for m in members.values()),
    ]
    outputs += [record.getMessage() for record in caplog.records]
    outputs += [json.dumps(message) for message in org.management.smn.messages]
    outputs += [org.management.obs.object(REPORTS, key)["body"].decode() for key in org.management.obs.keys(REPORTS)]
    outputs += [json.dumps(call.request_json) for call in org.management.calls_of("AsyncInvokeFunction")]
    assert len(org.management.obs.keys(REPORTS)) >= 6 and org.management.smn.messages
    assert "***" in "".join(outputs)  # the echoes were there, scrubbed
    assert not [text for text in outputs if FANOUT_KEY in text]
